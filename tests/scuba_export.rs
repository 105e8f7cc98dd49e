//! ScubaGear's ProviderSettingsExport.json: capitalised keys, one-or-many sections, privileged
//! users keyed by object id, and role assignments under privileged_roles.

use std::path::Path;

use entralint::check::check_source;
use entralint::rules::{RuleSet, Selection};

/// `(rule, line, column)` of every diagnostic, and the short output for the snapshot.
fn check(name: &str) -> (Vec<(String, usize, usize)>, String) {
    let path = Path::new("tests/fixtures/scuba").join(name);
    let bytes = std::fs::read(&path).unwrap();
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let report = check_source(name, &bytes, false, Some(&rules)).expect("a tenant document");
    let mut hits = Vec::new();
    let mut lines = Vec::new();
    for d in &report.diagnostics {
        let at = report.source.line_col(d.span.start);
        hits.push((d.code.clone(), at.line, at.column));
        if !d.message.contains("not declared") {
            lines.push(format!(
                "{}:{}: {} [{}]",
                at.line, at.column, d.message, d.code
            ));
        }
    }
    (hits, lines.join("\n"))
}

fn has(hits: &[(String, usize, usize)], rule: &str, line: usize, column: usize) -> bool {
    hits.iter()
        .any(|(r, l, c)| r == rule && *l == line && *c == column)
}

#[test]
fn current_export() {
    let (h, out) = check("provider-settings-current.json");
    assert!(has(&h, "guest-invites-by-everyone", 9, 27), "{h:?}");
    assert!(has(&h, "users-can-register-apps", 19, 32), "{h:?}");
    assert!(has(&h, "user-consent-any-app", 15, 7), "{h:?}");
    assert!(
        has(&h, "admin-consent-requests-setting-off", 32, 57),
        "{h:?}"
    );
    // A non-null OnPremisesImmutableId marks the privileged user as synced.
    assert!(
        has(&h, "privileged-role-held-by-synced-account", 56, 26),
        "{h:?}"
    );
    assert!(
        has(&h, "privileged-permanent-active-assignment", 56, 26),
        "{h:?}"
    );
    // An activation is not a standing assignment.
    assert!(!h.iter().any(|(_, l, _)| (65..=73).contains(l)), "{h:?}");
    assert!(!h.iter().any(|(r, ..)| r == "unknown-key"), "{h:?}");
    insta::assert_snapshot!(out);
}

#[test]
fn older_export_with_objects_and_sdk_names() {
    let (h, out) = check("provider-settings-older.json");
    // `authorization_policies` as a bare object, `AllowedToUseSspr` spelled the SDK's way.
    assert!(has(&h, "guests-have-member-access", 9, 24), "{h:?}");
    assert!(has(&h, "email-verified-join", 8, 50), "{h:?}");
    assert!(!h.iter().any(|(r, ..)| r == "admin-sspr-enabled"), "{h:?}");
    // Properties under AdditionalProperties are read.
    assert!(has(&h, "risky-app-consent-allowed", 11, 62), "{h:?}");
    insta::assert_snapshot!(out);
}
