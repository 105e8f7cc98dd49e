//! Consenting to applications: what the user-consent list lets a user grant.

use super::{Access, BOTH, Capability, Cell};

/// What the user-consent list lets users consent to.
fn consent_level(policies: &[String]) -> (Access, String) {
    let own: Vec<String> = policies
        .iter()
        .filter_map(|p| {
            let lower = p.to_ascii_lowercase();
            lower
                .strip_prefix("managepermissiongrantsforself.")
                .map(str::to_string)
        })
        .collect();
    if own.is_empty() {
        return (
            Access::No,
            "no user consent: an admin grants every application".to_string(),
        );
    }
    if own.iter().any(|p| p == "microsoft-user-default-legacy") {
        return (
            Access::Yes,
            "any application, for permissions that need no admin".to_string(),
        );
    }
    let detail = own
        .iter()
        .map(|p| match p.as_str() {
            "microsoft-user-default-low" => {
                "low-impact permissions of verified publishers".to_string()
            }
            "microsoft-user-default-recommended" => {
                "what Microsoft's managed policy allows".to_string()
            }
            other => format!("what policy `{other}` allows"),
        })
        .collect::<Vec<_>>()
        .join("; ");
    (Access::Limited, detail)
}

pub const CAPABILITIES: &[Capability] = &[Capability {
    id: "consent-to-applications",
    capability: "consent to applications",
    kinds: BOTH,
    cell: |cx, audience| {
        let consent = cx.settings.consent();
        let (access, detail) = consent_level(&consent.value);
        Cell {
            audience,
            access,
            detail,
            sources: vec![consent.source],
        }
    },
}];
