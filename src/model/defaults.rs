//! Entra's defaults per tenant kind (`rules/data/defaults.yaml`), with the source of each value.

use std::sync::LazyLock;

use serde::Deserialize;

use super::TenantKind;
use crate::diagnostic::{Diagnostic, Severity};
use crate::tree::{Node, Value};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DefaultEntry {
    pub key: String,
    pub workforce: serde_json::Value,
    pub source: String,
    /// Whether the sources state the workforce value; when they do not, the value is the one the
    /// sources suggest, and findings on it say it is assumed.
    #[serde(default = "documented")]
    pub known: bool,
    pub external: serde_json::Value,
    pub external_source: String,
    pub external_known: bool,
    /// The setting belongs to a feature external tenants do not have: it has no effect there.
    #[serde(default)]
    pub workforce_only: bool,
}

fn documented() -> bool {
    true
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

// foldhash: a one-file check looks up some 400 paths, and hashing them with SipHash showed in
// its profile.
static DEFAULTS: LazyLock<foldhash::HashMap<String, DefaultEntry>> = LazyLock::new(|| {
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

/// The settings that have no effect in an external tenant, sorted by path.
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

    #[test]
    /// A value the sources do not state is marked assumed, so findings on it say so.
    fn undocumented_workforce_values_are_marked_assumed() {
        let mut assumed = 0;
        for entry in super::DEFAULTS.values() {
            let undocumented = entry.source.starts_with("not documented");
            assert_eq!(entry.known, !undocumented, "{}", entry.key);
            assumed += usize::from(undocumented);
        }
        assert!(assumed > 0);
    }

    #[test]
    fn workforce_only_settings_are_the_documented_ones() {
        let keys: Vec<&str> = workforce_only().collect();
        for key in [
            "groupSettings.EnableGroupCreation",
            "portalSettings.linkedInAccountConnections",
            "portalSettings.restrictMyGroupsAccess",
            "authorizationPolicy.defaultUserRolePermissions.allowedToReadBitlockerKeysForOwnedDevice",
            "authorizationPolicy.allowEmailVerifiedUsersToJoinOrganization",
            "authorizationPolicy.allowedToSignUpEmailBasedSubscriptions",
        ] {
            assert!(keys.contains(&key), "{key}");
        }
        // Each has a documented external value, and says why it has no effect.
        for key in &keys {
            let entry = default_for(key).unwrap();
            assert!(entry.external_known, "{key}");
            assert!(
                entry.external_source.starts_with("no effect: ")
                    || key.starts_with("groupSettings."),
                "{key}"
            );
        }
    }

    /// `setting-relies-on-default` leaves the workforce-only settings out in an external tenant;
    /// its list must be this file's.
    #[test]
    fn the_hygiene_rule_knows_the_workforce_only_settings() {
        #[derive(Deserialize)]
        struct Rule {
            parameters: Parameters,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Parameters {
            keys: Vec<String>,
            workforce_only: Vec<String>,
        }
        let file = crate::embedded::file("rules/hygiene/setting-relies-on-default.yaml").unwrap();
        let rule: Rule = crate::typed::from_embedded(file).unwrap();
        let mut expected: Vec<&str> = workforce_only()
            .filter(|k| rule.parameters.keys.iter().any(|p| p == k))
            .collect();
        let mut listed: Vec<&str> = rule
            .parameters
            .workforce_only
            .iter()
            .map(String::as_str)
            .collect();
        expected.sort_unstable();
        listed.sort_unstable();
        assert_eq!(listed, expected);
    }

    #[test]
    fn the_consent_default_is_the_microsoft_managed_policy() {
        for key in [
            "authorizationPolicy.defaultUserRolePermissions.permissionGrantPoliciesAssigned",
            "authorizationPolicy.permissionGrantPolicyIdsAssignedToDefaultUserRole",
        ] {
            let entry = default_for(key).unwrap();
            assert_eq!(
                entry.value(TenantKind::Workforce),
                &serde_json::json!([
                    "ManagePermissionGrantsForSelf.microsoft-user-default-recommended"
                ])
            );
            assert!(entry.source.contains("MC1097272"), "{key}");
        }
    }
}
