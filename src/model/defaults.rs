//! Entra's defaults per tenant kind (`rules/data/defaults.yaml`), with the source of each value.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::TenantKind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::tree::{Node, Value};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DefaultEntry {
    pub key: String,
    pub workforce: serde_json::Value,
    pub source: String,
    pub external: serde_json::Value,
    pub external_source: String,
    pub external_known: bool,
    /// The setting belongs to a feature external tenants do not have: it has no effect there.
    #[serde(default)]
    pub workforce_only: bool,
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

/// The settings that have no effect in an external tenant, in file order of `defaults.yaml`.
pub fn workforce_only() -> impl Iterator<Item = &'static str> {
    static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        let mut keys: Vec<&str> = DEFAULTS
            .values()
            .filter(|d| d.workforce_only)
            .map(|d| d.key.as_str())
            .collect();
        keys.sort_unstable();
        keys
    });
    KEYS.iter().copied()
}

/// In an external tenant, one note per declared setting that has no effect there: rules do not
/// judge it, and a reader should know the value does nothing.
pub fn check_no_effect(root: &Node, kind: TenantKind, diagnostics: &mut Vec<Diagnostic>) {
    if kind != TenantKind::External {
        return;
    }
    for path in workforce_only() {
        let mut node = Some(root);
        let mut entry = None;
        for key in path.split('.') {
            entry = node.and_then(|n| n.entry(key));
            node = entry.map(|e| &e.value);
        }
        let Some(entry) = entry else { continue };
        if entry.value.value == Value::Null {
            continue;
        }
        let source = default_for(path).map_or("", |d| d.external_source.as_str());
        let why = source.strip_prefix("no effect: ").unwrap_or(source);
        diagnostics.push(
            Diagnostic::new(
                "no-effect-in-external-tenant",
                Severity::Info,
                entry.key.span,
                format!("`{path}` has no effect in an external tenant"),
            )
            .with_label("ignored in an external tenant")
            .with_help(format!(
                "remove it, or set `tenant.kind: workforce` if this is a workforce tenant: {why}"
            ))
            .with_path(path.to_string()),
        );
    }
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
