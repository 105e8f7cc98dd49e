//! The section catalogue (`rules/data/catalogue.yaml`): which sections the tenant format has, which
//! are collections, and which keys of a Graph object its reader keeps. Readers, the model and the
//! rule loader all ask it, so a new section is declared here once.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

const FILE: &str = "rules/data/catalogue.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    sections: Vec<SectionEntry>,
    baselines: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionEntry {
    key: String,
    #[serde(default)]
    collection: bool,
    #[serde(default)]
    identity: Option<String>,
    #[serde(default)]
    graph: Vec<String>,
    #[serde(default)]
    nested: BTreeMap<String, Vec<String>>,
}

/// One top-level section of the tenant format.
#[derive(Debug)]
pub struct Section {
    /// The section's key in a tenant file.
    pub key: &'static str,
    /// A list of objects (users, role assignments…) rather than one settings object.
    pub collection: bool,
    /// For a collection, the key that names an item in document paths (`users[id=…]`).
    pub identity: &'static str,
    /// The keys of the Graph object the section is read from.
    pub graph: &'static [&'static str],
    /// The keys of objects nested under those keys (a map or a list of maps), by dotted path.
    pub nested: Vec<(&'static str, &'static [&'static str])>,
}

/// The catalogue lives as long as the process: its names are leaked once, so readers hold them
/// as the `&'static str` the model's own key lists are.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn leak_all(keys: Vec<String>) -> &'static [&'static str] {
    Box::leak(
        keys.into_iter()
            .map(leak)
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

struct Catalogue {
    sections: Vec<Section>,
    baselines: Vec<&'static str>,
}

static CATALOGUE: LazyLock<Result<Catalogue, String>> = LazyLock::new(|| {
    let file = crate::embedded::file(FILE).ok_or_else(|| format!("{FILE} is not embedded"))?;
    let file = crate::typed::from_embedded::<CatalogueFile>(file)?;
    let sections = file
        .sections
        .into_iter()
        .map(|s| Section {
            key: leak(s.key),
            collection: s.collection,
            identity: leak(s.identity.unwrap_or_else(|| "id".to_string())),
            graph: leak_all(s.graph),
            nested: s
                .nested
                .into_iter()
                .map(|(k, keys)| (leak(k), leak_all(keys)))
                .collect(),
        })
        .collect();
    Ok(Catalogue {
        sections,
        baselines: file.baselines.into_iter().map(leak).collect(),
    })
});

/// Every section, in the order of the file. Embedded at build time and read by a test, so an
/// unreadable catalogue is a build defect; it reads as empty rather than failing a run.
pub fn sections() -> &'static [Section] {
    CATALOGUE.as_ref().map_or(&[], |c| c.sections.as_slice())
}

/// The baseline families rules cite and profiles select, in the order they are shown.
pub fn baselines() -> &'static [&'static str] {
    CATALOGUE.as_ref().map_or(&[], |c| c.baselines.as_slice())
}

/// Whether `name` is a baseline family; the error names the nearest one.
pub fn check_baseline(name: &str) -> Result<(), String> {
    if baselines().contains(&name) {
        return Ok(());
    }
    let near = crate::suggest::closest(name, baselines().iter().copied())
        .map(|n| format!("; did you mean `{n}`?"))
        .unwrap_or_default();
    Err(format!(
        "unknown baseline family `{name}`{near} (families: {})",
        baselines().join(", ")
    ))
}

/// A collection rules may loop over, by its key.
pub fn collection(key: &str) -> Option<&'static Section> {
    section(key).filter(|s| s.collection)
}

/// Why the catalogue could not be read, if it could not.
pub fn problem() -> Option<&'static str> {
    CATALOGUE.as_ref().err().map(String::as_str)
}

pub fn section(key: &str) -> Option<&'static Section> {
    sections().iter().find(|s| s.key == key)
}

/// The sections rules may loop over with `for:`.
pub fn collections() -> impl Iterator<Item = &'static str> {
    sections().iter().filter(|s| s.collection).map(|s| s.key)
}

/// The Graph keys a section's reader keeps; `nested` names a key whose objects' keys are asked.
pub fn graph_keys(key: &str, nested: Option<&str>) -> &'static [&'static str] {
    let Some(section) = section(key) else {
        return &[];
    };
    match nested {
        None => section.graph,
        Some(inner) => section
            .nested
            .iter()
            .find(|(k, _)| *k == inner)
            .map_or(&[], |(_, keys)| keys),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_catalogue_reads() {
        assert_eq!(super::problem(), None);
        assert!(super::section("users").is_some_and(|s| s.collection));
        assert!(super::collections().any(|c| c == "roleSettings"));
        assert_eq!(
            super::check_baseline("cis-m356"),
            Err("unknown baseline family `cis-m356`; did you mean `cis-m365`? (families: cisa, cis-m365, cis-azure, eidsca, zero-trust)".to_string())
        );
        assert_eq!(super::check_baseline("eidsca"), Ok(()));
        assert_eq!(
            super::graph_keys("adminConsentRequestPolicy", Some("reviewers")),
            ["query", "queryType", "queryRoot"]
        );
    }
}
