//! Reading entralint's own typed YAML files (rules, profiles, configuration, data) through
//! serde-saphyr, under a budget sized for them: they are small, so anything larger or deeper is
//! refused before it can cost time or memory. Built-in files arrive as JSON (see build.rs).

use serde::de::DeserializeOwned;

use crate::embedded::Embedded;

/// Limits for files of a few kilobytes: a generous hundredfold margin.
fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_reader_input_bytes = Some(4 * 1024 * 1024);
    budget.max_events = 200_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_depth = 32;
    budget.max_documents = 1;
    budget.max_nodes = 100_000;
    budget.max_merge_keys = 100;
    serde_saphyr::options! { budget: Some(budget) }
}

pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str_with_options(text, options())
}

/// Reads a built-in file, in whichever form it was embedded.
pub fn from_embedded<T: DeserializeOwned>(file: &Embedded) -> Result<T, String> {
    if file.json {
        serde_json::from_str(file.text).map_err(|e| format!("{}: {e}", file.path))
    } else {
        from_str(file.text).map_err(|e| format!("{}: {}", file.path, e.without_snippet()))
    }
}
