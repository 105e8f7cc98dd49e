//! The rule, profile and data files built into the binary, each as JSON or, when it did not
//! convert at build time, as the YAML it was written in (see build.rs).

/// One built-in file.
#[derive(Debug, Clone, Copy)]
pub struct Embedded {
    /// Its path in the repository: `rules/guests/guest-invites-by-everyone.yaml`.
    pub path: &'static str,
    pub text: &'static str,
    /// Whether `text` is the JSON form of the file rather than its YAML.
    pub json: bool,
    /// A rule's description and examples as JSON, kept apart from `text`, which has empty
    /// ones in their place (see build.rs).
    pub docs: Option<&'static str>,
}

pub static FILES: &[Embedded] = include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// A built-in file by its repository path.
pub fn file(path: &str) -> Option<&'static Embedded> {
    FILES.iter().find(|f| f.path == path)
}

/// The built-in rules: every file under rules/ but the profiles and the data.
pub fn rules() -> impl Iterator<Item = &'static Embedded> {
    FILES
        .iter()
        .filter(|f| !f.path.starts_with("rules/profiles/") && !f.path.starts_with("rules/data/"))
}

/// The built-in profiles, by name.
pub fn profiles() -> impl Iterator<Item = (&'static str, &'static Embedded)> {
    FILES.iter().filter_map(|f| {
        let name = f
            .path
            .strip_prefix("rules/profiles/")?
            .strip_suffix(".yaml")?;
        Some((name, f))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    /// YAML is only the fallback for a file that is broken; every file in the repository converts.
    fn every_builtin_file_is_embedded_as_json() {
        assert!(rules().count() > 40);
        assert!(profiles().count() >= 6);
        for file in FILES {
            assert!(file.json, "{} did not convert to JSON", file.path);
        }
    }
}
