//! Entra's defaults per tenant kind (`rules/data/defaults.yaml`), with the source of each value.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::TenantKind;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DefaultEntry {
    pub key: String,
    pub workforce: serde_json::Value,
    pub source: String,
    pub external: serde_json::Value,
    pub external_source: String,
    pub external_known: bool,
}

impl DefaultEntry {
    pub fn value(&self, kind: TenantKind) -> &serde_json::Value {
        match kind {
            TenantKind::Workforce => &self.workforce,
            TenantKind::External => &self.external,
        }
    }

    pub fn source(&self, kind: TenantKind) -> &str {
        match kind {
            TenantKind::Workforce => &self.source,
            TenantKind::External => &self.external_source,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DefaultsFile {
    defaults: Vec<DefaultEntry>,
}

/// Tenant settings, and properties of directory objects (`users[].userType`).
const FILES: [&str; 2] = [
    "rules/data/defaults.yaml",
    "rules/data/object-defaults.yaml",
];

static DEFAULTS: LazyLock<HashMap<String, DefaultEntry>> = LazyLock::new(|| {
    // Embedded at build time and checked by a unit test, so a parse failure is a build defect.
    FILES
        .iter()
        .filter_map(|path| crate::embedded::file(path))
        .filter_map(|file| crate::typed::from_embedded::<DefaultsFile>(file).ok())
        .flat_map(|file| file.defaults)
        .map(|d| (d.key.clone(), d))
        .collect()
});

/// The default for a dotted setting path (`authorizationPolicy.allowInvitesFrom`).
pub fn default_for(path: &str) -> Option<&'static DefaultEntry> {
    DEFAULTS.get(path)
}

pub fn all() -> impl Iterator<Item = &'static DefaultEntry> {
    DEFAULTS.values()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_defaults_load() {
        for path in FILES {
            let file = crate::embedded::file(path).expect(path);
            crate::typed::from_embedded::<DefaultsFile>(file).unwrap();
        }
        assert!(DEFAULTS.len() > 40);
        assert_eq!(
            default_for("authorizationPolicy.allowInvitesFrom")
                .unwrap()
                .value(TenantKind::Workforce),
            "everyone"
        );
    }
}
