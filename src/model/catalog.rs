//! The built-in role catalog (`rules/data/roles.yaml`): template ids, Microsoft's privileged flag,
//! ScubaGear's highly-privileged list and the tier.

use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RoleDef {
    pub name: String,
    pub id: String,
    #[serde(default)]
    pub privileged: bool,
    #[serde(default)]
    pub scuba_highly_privileged: bool,
    pub tier: u8,
    /// What holding the role reaches: `global`, `indirect` or `none` (see `rules/data/roles.yaml`).
    pub reach: Reach,
    /// For a tier-0 role below Global Administrator: the step that leads there.
    #[serde(default)]
    pub path: Option<String>,
    /// False for the default user role templates, which are never assigned as admin roles.
    #[serde(default = "yes")]
    pub assignable: bool,
}

/// How far a role's holder can get: to Global Administrator at once, through one more step, or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reach {
    Global,
    Indirect,
    None,
}

impl Reach {
    pub fn as_str(self) -> &'static str {
        match self {
            Reach::Global => "global",
            Reach::Indirect => "indirect",
            Reach::None => "none",
        }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesFile {
    roles: Vec<RoleDef>,
}

const ROLES_FILE: &str = "rules/data/roles.yaml";

static ROLES: LazyLock<Vec<RoleDef>> = LazyLock::new(|| {
    // Embedded at build time and checked by a unit test, so a parse failure is a build defect.
    crate::embedded::file(ROLES_FILE)
        .and_then(|file| crate::typed::from_embedded::<RolesFile>(file).ok())
        .map(|file| file.roles)
        .unwrap_or_default()
});

pub const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

pub fn roles() -> &'static [RoleDef] {
    &ROLES
}

/// The display names of the roles that can be assigned, for "did you mean".
pub fn assignable_names() -> &'static [&'static str] {
    static NAMES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        roles()
            .iter()
            .filter(|r| r.assignable)
            .map(|r| r.name.as_str())
            .collect()
    });
    &NAMES
}

/// A role by template id or display name, case-insensitively.
pub fn role(reference: &str) -> Option<&'static RoleDef> {
    let reference = reference.trim();
    ROLES
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(reference) || r.name.eq_ignore_ascii_case(reference))
}

/// Whether `text` has the shape of a GUID (8-4-4-4-12 hex digits).
pub fn is_guid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_loads() {
        let file = crate::embedded::file(ROLES_FILE).unwrap();
        crate::typed::from_embedded::<RolesFile>(file).unwrap();
        assert!(roles().len() > 30);
    }

    #[test]
    fn roles_resolve_by_name_or_id() {
        assert_eq!(
            role("global administrator").unwrap().id,
            GLOBAL_ADMINISTRATOR
        );
        assert_eq!(
            role(GLOBAL_ADMINISTRATOR).unwrap().name,
            "Global Administrator"
        );
        assert!(role("Global Admin").is_none());
    }

    #[test]
    fn reach_agrees_with_the_tier() {
        let global: Vec<&str> = roles()
            .iter()
            .filter(|r| r.reach == Reach::Global)
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(
            global,
            ["Global Administrator", "Privileged Role Administrator"]
        );
        for r in roles() {
            // Tier 0 is a path to Global Administrator: a reach, and for the indirect ones, the step.
            assert_eq!(r.tier == 0, r.reach != Reach::None, "{}", r.name);
            assert_eq!(r.path.is_some(), r.tier == 0, "{}", r.name);
        }
    }

    #[test]
    fn ids_are_unique_guids() {
        let mut ids: Vec<&str> = roles().iter().map(|r| r.id.as_str()).collect();
        assert!(ids.iter().all(|id| is_guid(id)));
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), roles().len());
    }
}

/// A Microsoft Graph application permission from `rules/data/graph-permissions.yaml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GraphPermission {
    pub name: String,
    pub id: String,
    /// 0: a path to Global Administrator.
    pub tier: u8,
    /// Reaches Global Administrator on its own.
    pub direct: bool,
    #[serde(default)]
    pub scuba_risk: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PermissionsFile {
    permissions: Vec<GraphPermission>,
}

const PERMISSIONS_FILE: &str = "rules/data/graph-permissions.yaml";

static PERMISSIONS: LazyLock<Vec<GraphPermission>> = LazyLock::new(|| {
    crate::embedded::file(PERMISSIONS_FILE)
        .and_then(|file| crate::typed::from_embedded::<PermissionsFile>(file).ok())
        .map(|file| file.permissions)
        .unwrap_or_default()
});

/// A catalogued Graph application permission by name or app-role id, case-insensitively.
pub fn graph_permission(reference: &str) -> Option<&'static GraphPermission> {
    let reference = reference.trim();
    PERMISSIONS
        .iter()
        .find(|p| p.id.eq_ignore_ascii_case(reference) || p.name.eq_ignore_ascii_case(reference))
}

#[cfg(test)]
mod permission_tests {
    use super::*;

    #[test]
    fn the_embedded_permissions_load() {
        let file = crate::embedded::file(PERMISSIONS_FILE).unwrap();
        let file = crate::typed::from_embedded::<PermissionsFile>(file).unwrap();
        assert!(file.permissions.len() > 30);
        assert!(file.permissions.iter().all(|p| is_guid(&p.id)));
        let p = graph_permission("rolemanagement.readwrite.directory").unwrap();
        assert!(p.direct && p.tier == 0);
    }
}
