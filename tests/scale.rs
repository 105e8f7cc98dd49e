//! Large tenants: a generated tenant of thousands of users, with more nodes than the alias budget
//! allows aliases to copy, is read and checked by every rule — none skipped as too costly, none
//! failing, and the findings planted in it all found. Aliases are still held to their budget.
//! Time is measured by `bench/perf.py`, never here.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use entralint::check::check_source;
use entralint::diagnostic::Diagnostic;
use entralint::rules::{RuleSet, Selection};

/// What the generator planted, to be found.
#[derive(Default)]
struct Planted {
    duplicates: usize,
    unknown_principals: usize,
    guest_owned_applications: usize,
}

const PRIVILEGED: &[&str] = &[
    "Global Administrator",
    "Privileged Role Administrator",
    "User Administrator",
    "Security Administrator",
];
const ORDINARY: &[&str] = &["Global Reader", "Directory Readers", "Guest Inviter"];

fn user(i: usize) -> String {
    format!("user{i:06}@contoso.com")
}

fn is_guest(i: usize) -> bool {
    i % 13 == 6
}

/// A tenant of `users` users, `users / 50` groups, `users / 100` service principals and
/// applications, and twice as many role assignments as users.
fn tenant(users: usize) -> (String, Planted) {
    let mut planted = Planted::default();
    let mut out =
        String::from("tenant:\n  name: large\n  breakGlass: [user000000@contoso.com]\nusers:\n");
    for i in 0..users {
        let kind = if is_guest(i) { "Guest" } else { "Member" };
        let _ = writeln!(
            out,
            "  - {{id: {}, displayName: User {i}, userType: {kind}, accountEnabled: {}, onPremisesSyncEnabled: {}}}",
            user(i),
            i % 17 != 3,
            i % 5 == 1
        );
    }
    out.push_str("groups:\n");
    for g in 0..users / 50 {
        let members: Vec<String> = (0..4).map(|k| user((g * 7 + k * 31) % users)).collect();
        let _ = writeln!(
            out,
            "  - {{id: group{g:05}, isAssignableToRole: {}, owners: [{}], members: [{}]}}",
            g % 10 == 0,
            user((g * 3 + 2) % users),
            members.join(", ")
        );
    }
    out.push_str("servicePrincipals:\n");
    for a in 0..users / 100 {
        let roles = if a % 5 == 0 {
            "[RoleManagement.ReadWrite.Directory]"
        } else {
            "[User.Read.All]"
        };
        let credentials = if a % 3 == 0 {
            "[password]"
        } else {
            "[certificate]"
        };
        let _ = writeln!(
            out,
            "  - {{id: sp{a:05}, appId: app{a:05}, owners: [{}], appRoles: {roles}, credentials: {credentials}}}",
            user((a * 11 + 4) % users)
        );
    }
    out.push_str("applications:\n");
    for a in 0..users / 100 {
        // Every tenth application is owned by a guest.
        let owner = if a % 10 == 0 {
            planted.guest_owned_applications += 1;
            user(13 * (a % (users / 13)) + 6)
        } else {
            // A member, whichever user that is (guests are one in thirteen, never two in a row).
            let i = (a * 19 + 2) % users;
            user(if is_guest(i) { i + 1 } else { i })
        };
        let _ = writeln!(
            out,
            "  - {{id: app{a:05}, appId: app{a:05}, owners: [{owner}]}}"
        );
    }
    out.push_str("roleAssignments:\n");
    let mut previous = String::new();
    for j in 0..2 * users {
        // Every 97th repeats the one before, with the principal in upper case.
        if j % 97 == 96 {
            planted.duplicates += 1;
            if previous.contains("nobody") {
                planted.unknown_principals += 1;
            }
            out.push_str(&previous.replace("@contoso.com", "@CONTOSO.COM"));
            continue;
        }
        let principal = if j % 101 == 7 {
            planted.unknown_principals += 1;
            format!("nobody{j}@contoso.com")
        } else if j % 23 == 0 {
            format!("group{:05}", (j / 23) % (users / 50))
        } else if j % 29 == 0 {
            format!("sp{:05}", (j / 29) % (users / 100))
        } else {
            user((j * 7919) % users)
        };
        let role = if j % 4 == 0 {
            PRIVILEGED[(j / 4) % PRIVILEGED.len()]
        } else {
            ORDINARY[j % ORDINARY.len()]
        };
        // A scope of its own, so that only the planted repeats are duplicates.
        let kind = if j % 3 == 0 { "active" } else { "eligible" };
        previous = format!(
            "  - {{principal: {principal}, role: {role}, type: {kind}, scope: /administrativeUnits/au{j}}}\n"
        );
        out.push_str(&previous);
    }
    (out, planted)
}

fn counts(findings: &[Diagnostic]) -> BTreeMap<&str, usize> {
    let mut counts = BTreeMap::new();
    for finding in findings {
        *counts.entry(finding.code.as_str()).or_default() += 1;
    }
    counts
}

#[test]
fn a_large_tenant_is_read_and_every_rule_runs_on_it() {
    let (text, planted) = tenant(8_000);
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let report = check_source("large.yaml", text.as_bytes(), true, Some(&rules)).unwrap();
    let counts = counts(&report.diagnostics);
    // Read in full: more nodes than aliases may copy, and no load problem.
    for refused in ["file-too-large", "too-many-nodes", "syntax-error"] {
        assert_eq!(counts.get(refused), None, "{refused}: {counts:?}");
    }
    // Every rule ran to its end.
    for failed in ["rule-too-costly", "rule-error"] {
        let found: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == failed)
            .map(|d| d.message.as_str())
            .collect();
        assert!(found.is_empty(), "{failed}: {found:?}");
    }
    assert_eq!(
        counts.get("role-assignment-duplicate"),
        Some(&planted.duplicates)
    );
    assert_eq!(
        counts.get("role-assignment-unknown-principal"),
        Some(&planted.unknown_principals)
    );
    assert_eq!(
        counts.get("guest-owns-application"),
        Some(&planted.guest_owned_applications)
    );
    // The rules that look assignments up per item, by principal and through groups, find theirs.
    for rule in [
        "guest-in-privileged-role",
        "disabled-account-in-privileged-role",
        "privileged-role-held-by-synced-account",
        "privileged-sp-owned-by-non-admin",
        "privileged-sp-uses-client-secret",
        "role-assignable-group-owned-below-tier",
        "privileged-role-assigned-to-non-role-assignable-group",
        "workload-identity-in-privileged-role",
    ] {
        assert!(
            counts.get(rule).is_some_and(|n| *n > 0),
            "{rule}: {counts:?}"
        );
    }
}

#[test]
fn a_rule_over_its_step_budget_is_reported_not_skipped_silently() {
    let dir = std::env::temp_dir().join(format!("entralint-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A copy of the users before each user: about 12,000 × 12,000 items, over the 10^8 allowed.
    std::fs::write(
        dir.join("users-squared.yaml"),
        "name: users-squared\nsummary: s\nseverity: info\nfor: users\nwhen: \"tenant.users.exists(u, size(tenant.users.slice(0, u._index)) < 0)\"\nmessage: m\nhelp: h\ndescription: d\nexamples: {}\n",
    )
    .unwrap();
    let selection = Selection {
        rule_dirs: vec![dir.clone()],
        select: vec![
            "users-squared".to_string(),
            "role-assignment-duplicate".to_string(),
        ],
        ..Selection::default()
    };
    let rules = RuleSet::load(&selection).unwrap();
    let (text, planted) = tenant(12_000);
    let report = check_source("large.yaml", text.as_bytes(), true, Some(&rules)).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let costly: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "rule-too-costly")
        .collect();
    assert_eq!(costly.len(), 1, "{:?}", report.diagnostics);
    assert!(
        costly[0]
            .message
            .starts_with("rule `users-squared` was not evaluated"),
        "{}",
        costly[0].message
    );
    // Its partial results are dropped; the other rule is untouched.
    let counts = counts(&report.diagnostics);
    assert_eq!(counts.get("users-squared"), None);
    assert_eq!(
        counts.get("role-assignment-duplicate"),
        Some(&planted.duplicates)
    );
}

#[test]
fn an_alias_bomb_is_refused_with_the_alias_budgets_own_message() {
    let mut text = String::from("tenant:\n  name: bomb\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for level in 1..9 {
        let _ = writeln!(
            text,
            "a{level}: &a{level} [{}]",
            vec![format!("*a{}", level - 1); 9].join(", ")
        );
    }
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let report = check_source("bomb.yaml", text.as_bytes(), true, Some(&rules)).unwrap();
    let bomb: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "too-many-nodes")
        .collect();
    assert_eq!(bomb.len(), 1, "{:?}", report.diagnostics);
    assert!(
        bomb[0].message.contains("aliases copy more than"),
        "{}",
        bomb[0].message
    );
    assert!(
        bomb[0].message.contains("alias bomb"),
        "{}",
        bomb[0].message
    );
    assert_eq!(counts(&report.diagnostics).get("file-too-large"), None);
}
