//! Graph JSON responses: each shape loads into the tenant model with findings pointing into the
//! response, and each JSON defect is reported at its spot.

mod common;

use std::path::Path;

use entralint::check::check_source;
use entralint::report::Format;
use entralint::rules::{RuleSet, Selection};

fn rules() -> RuleSet {
    RuleSet::load(&Selection::default()).unwrap()
}

fn render(path: &Path, format: Format, rules: Option<&RuleSet>) -> String {
    let bytes = std::fs::read(path).unwrap();
    let name = format!(
        "tests/fixtures/graph/{}",
        path.file_name().unwrap().to_string_lossy()
    );
    common::render_reports(check_source(&name, &bytes, true, rules), format)
}

/// Findings on values the response declares, and every load problem. Findings on Entra's
/// defaults for sections a single response cannot hold are counted, not listed.
fn declared_findings(path: &Path, rules: &RuleSet) -> String {
    let short = render(path, Format::Short, Some(rules));
    let (defaults, declared): (Vec<&str>, Vec<&str>) = short
        .lines()
        .partition(|line| line.contains("not declared"));
    format!(
        "{}\n({} findings on defaults of undeclared settings)\n",
        declared.join("\n"),
        defaults.len()
    )
}

#[test]
fn findings_per_fixture() {
    let rules = rules();
    insta::glob!("fixtures/graph/*.json", |path| {
        insta::assert_snapshot!(declared_findings(path, &rules));
    });
}

#[test]
fn syntax_errors_read_well() {
    for name in [
        "trailing-commas.json",
        "missing-commas.json",
        "truncated.json",
        "duplicate-key.json",
    ] {
        let path = Path::new("tests/fixtures/graph").join(name);
        insta::assert_snapshot!(format!("human-{name}"), render(&path, Format::Human, None));
    }
}

/// `(rule, line, column)` of every diagnostic, from the short output.
fn hits(name: &str) -> Vec<(String, usize, usize)> {
    let path = Path::new("tests/fixtures/graph").join(name);
    let short = render(&path, Format::Short, Some(&rules()));
    short
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix(&format!("tests/fixtures/graph/{name}:"))?;
            let mut parts = rest.splitn(3, ':');
            let l = parts.next()?.parse().ok()?;
            let c = parts.next()?.parse().ok()?;
            let rule = line.rsplit_once('[')?.1.split(']').next()?.to_string();
            Some((rule, l, c))
        })
        .collect()
}

fn has(hits: &[(String, usize, usize)], rule: &str, line: usize, column: usize) -> bool {
    hits.iter()
        .any(|(r, l, c)| r == rule && *l == line && *c == column)
}

#[test]
fn v1_entity_findings_point_at_values() {
    let h = hits("authorization-policy-v1-entity.json");
    assert!(has(&h, "guest-invites-by-everyone", 4, 23), "{h:?}");
    assert!(has(&h, "email-verified-join", 7, 48), "{h:?}");
    assert!(has(&h, "users-can-register-apps", 15, 28), "{h:?}");
    // Keys Graph adds over time are not reported as unknown.
    assert!(!h.iter().any(|(r, ..)| r == "unknown-key"), "{h:?}");
}

#[test]
fn beta_collection_reads_the_first_item() {
    let h = hits("authorization-policy-beta-collection.json");
    assert!(has(&h, "guests-have-member-access", 14, 26), "{h:?}");
    assert!(has(&h, "user-consent-any-app", 15, 7), "{h:?}");
    assert!(
        !h.iter().any(|(r, ..)| r == "guest-invites-by-everyone"),
        "{h:?}"
    );
}

#[test]
fn bare_array_and_empty_string_booleans() {
    let h = hits("authorization-policy-bare-array.json");
    assert!(has(&h, "guest-invites-disabled-entirely", 4, 25), "{h:?}");
    assert!(has(&h, "tenant-creation-by-users", 6, 92), "{h:?}");
    // `""` is Graph documentation's way of leaving the flag unset: a default, not a wrong type.
    assert!(!h.iter().any(|(r, ..)| r == "wrong-type"), "{h:?}");
}

#[test]
fn recognised_by_shape_without_context() {
    let h = hits("authorization-policy-no-context.json");
    assert!(has(&h, "guest-invites-by-members", 3, 23), "{h:?}");
}

#[test]
fn group_settings_by_template() {
    let h = hits("group-settings.json");
    assert!(has(&h, "m365-group-creation-by-users", 9, 50), "{h:?}");
    assert!(has(&h, "guests-can-own-m365-groups", 10, 56), "{h:?}");
    assert!(
        has(&h, "admin-consent-requests-setting-off", 20, 57),
        "{h:?}"
    );
    let h = hits("beta-setting-entity.json");
    assert!(
        !h.iter().any(|(r, ..)| r == "m365-group-creation-by-users"),
        "{h:?}"
    );
}

#[test]
fn role_assignments_with_expanded_principals() {
    let h = hits("role-assignments-expand-principal.json");
    assert!(has(&h, "guest-in-privileged-role", 19, 22), "{h:?}");
    assert!(
        has(&h, "disabled-account-in-privileged-role", 19, 22),
        "{h:?}"
    );
    assert!(
        has(&h, "workload-identity-in-privileged-role", 32, 22),
        "{h:?}"
    );
    assert!(
        !h.iter()
            .any(|(r, ..)| r == "role-assignment-unknown-principal"),
        "{h:?}"
    );
}

#[test]
fn eligibility_instances_are_eligible() {
    let h = hits("role-eligibility-instances.json");
    assert!(has(&h, "role-assignment-expired", 11, 22), "{h:?}");
    assert!(
        !h.iter()
            .any(|(r, ..)| r == "privileged-permanent-active-assignment"),
        "{h:?}"
    );
}

#[test]
fn activations_are_not_standing_assignments() {
    let h = hits("role-assignment-schedule-instances.json");
    assert!(
        has(&h, "privileged-permanent-active-assignment", 6, 22),
        "{h:?}"
    );
    assert!(!h.iter().any(|(_, l, _)| (17..=24).contains(l)), "{h:?}");
}

#[test]
fn syntax_defects_at_their_spot() {
    let h = hits("trailing-commas.json");
    assert!(has(&h, "syntax-error", 6, 32), "{h:?}");
    assert!(has(&h, "syntax-error", 8, 33), "{h:?}");
    assert!(has(&h, "syntax-error", 8, 36), "{h:?}");
    // The content past the defects is still checked.
    assert!(has(&h, "users-can-register-apps", 6, 28), "{h:?}");
    let h = hits("missing-commas.json");
    assert!(has(&h, "syntax-error", 4, 28), "{h:?}");
    assert!(has(&h, "syntax-error", 7, 4), "{h:?}");
    assert!(has(&h, "email-verified-join", 8, 48), "{h:?}");
    let h = hits("truncated.json");
    assert!(has(&h, "syntax-error", 6, 28), "{h:?}");
}

#[test]
fn other_endpoints_are_not_tenant_documents() {
    let bytes = std::fs::read("tests/fixtures/graph/unsupported-endpoint.json").unwrap();
    assert!(check_source("x.json", &bytes, false, None).is_none());
}

#[test]
fn admin_consent_policy_and_applications() {
    let h = hits("admin-consent-request-policy.json");
    assert!(has(&h, "admin-consent-workflow-weak", 1, 1), "{h:?}");
    assert!(
        !h.iter()
            .any(|(r, ..)| r == "admin-consent-workflow-disabled"),
        "{h:?}"
    );
    let h = hits("applications.json");
    assert!(
        !h.iter()
            .any(|(r, ..)| r == "unknown-key" || r == "wrong-type"),
        "{h:?}"
    );
}

#[test]
fn users_selected_with_their_type_need_no_note() {
    let h = hits("users-with-select.json");
    assert!(
        !h.iter().any(|(r, ..)| r == "graph-property-missing"),
        "{h:?}"
    );
    let h = hits("owners.json");
    assert!(
        !h.iter().any(|(r, ..)| r == "graph-property-missing"),
        "{h:?}"
    );
}
