//! Prints how long a tenant with 200 Conditional Access policies and 5,000 users in groups takes
//! to check (load, model, coverage, every rule), and the coverage evaluator alone.
//! Run: `cargo bench --bench conditional_access`.

use std::fmt::Write;
use std::hint::black_box;
use std::time::{Duration, Instant};

use entralint::check::check_source;
use entralint::model::coverage;
use entralint::rules::{RuleSet, Selection};

const USERS: usize = 5_000;
const GROUPS: usize = 100;
const POLICIES: usize = 200;

/// A tenant of `USERS` users in `GROUPS` groups, some guests, some role holders, and `POLICIES`
/// policies of every shape the evaluator judges, excluding users, groups and roles.
fn tenant() -> String {
    let mut t = String::from("tenant: {name: bench, breakGlass: [bg1@bench.example]}\n");
    t.push_str("securityDefaults: {isEnabled: false}\nusers:\n");
    for u in 0..USERS {
        let kind = if u % 50 == 0 { "Guest" } else { "Member" };
        let _ = writeln!(t, "  - {{id: user{u}@bench.example, userType: {kind}}}");
    }
    t.push_str("groups:\n");
    for g in 0..GROUPS {
        let members: Vec<String> = (0..USERS / GROUPS)
            .map(|i| format!("user{}@bench.example", g * (USERS / GROUPS) + i))
            .collect();
        let _ = writeln!(t, "  - {{id: group{g}, members: [{}]}}", members.join(", "));
    }
    t.push_str("roleAssignments:\n");
    for r in 0..40 {
        let role = [
            "Global Administrator",
            "User Administrator",
            "Exchange Administrator",
            "Application Administrator",
        ][r % 4];
        let _ = writeln!(
            t,
            "  - {{principal: user{}@bench.example, role: {role}, type: eligible}}",
            r * 7
        );
    }
    t.push_str("conditionalAccessPolicies:\n");
    for p in 0..POLICIES {
        let state = ["enabled", "enabledForReportingButNotEnforced", "disabled"][p % 3];
        let (grant, extra) = match p % 6 {
            0 => ("{operator: OR, builtInControls: [mfa]}", ""),
            1 => (
                "{operator: OR, builtInControls: [block]}",
                "\n      clientAppTypes: [exchangeActiveSync, other]",
            ),
            2 => ("{authenticationStrength: Phishing-resistant MFA}", ""),
            3 => (
                "{operator: OR, builtInControls: [block]}",
                "\n      userRiskLevels: [high]",
            ),
            4 => (
                "{operator: OR, builtInControls: [block]}",
                "\n      authenticationFlows: {transferMethods: deviceCodeFlow}",
            ),
            _ => (
                "{operator: OR, builtInControls: [compliantDevice, domainJoinedDevice]}",
                "",
            ),
        };
        let _ = write!(
            t,
            "  - displayName: CA{p:03}
    state: {state}
    conditions:
      users: {{includeUsers: [All], excludeUsers: [bg1@bench.example, user{}@bench.example], excludeGroups: [group{}], excludeRoles: [Exchange Administrator]}}
      applications: {{includeApplications: [All]}}{extra}
    grantControls: {grant}
",
            p * 13 % USERS,
            p % GROUPS
        );
    }
    t
}

fn per_iteration(mut f: impl FnMut(), budget: Duration) -> Duration {
    let start = Instant::now();
    let mut runs = 0u32;
    while start.elapsed() < budget || runs < 5 {
        f();
        runs += 1;
    }
    start.elapsed() / runs
}

fn main() {
    let text = tenant();
    let rules = RuleSet::load(&Selection::default()).expect("built-in rules");
    let budget = Duration::from_secs(2);
    let full = per_iteration(
        || {
            black_box(check_source(
                "bench.yaml",
                text.as_bytes(),
                true,
                Some(&rules),
            ));
        },
        budget,
    );
    let load_only = per_iteration(
        || {
            black_box(check_source("bench.yaml", text.as_bytes(), true, None));
        },
        budget,
    );
    let loaded = entralint::load::load("bench.yaml", text.as_bytes());
    let mut diagnostics = loaded.diagnostics;
    let model = entralint::model::normalise(&loaded.document, &mut diagnostics).expect("loads");
    let evaluate = per_iteration(
        || {
            black_box(coverage::evaluate(&model.tenant));
        },
        budget,
    );
    println!(
        "{POLICIES} Conditional Access policies, {USERS} users in {GROUPS} groups ({} KB)",
        text.len() / 1024
    );
    println!(
        "  coverage evaluator alone:   {:>8.2} ms",
        evaluate.as_secs_f64() * 1e3
    );
    println!(
        "  load and model, no rules:   {:>8.2} ms",
        load_only.as_secs_f64() * 1e3
    );
    println!(
        "  check with every rule:      {:>8.2} ms",
        full.as_secs_f64() * 1e3
    );
}
