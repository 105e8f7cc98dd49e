//! Terraform modules: the examples' findings at the arguments that cause them, the expressions
//! the reader evaluates, and bad input reported at its line and column.

use std::path::Path;
use std::sync::LazyLock;

use entralint::check::{Checker, check_each, check_source};
use entralint::config::Config;
use entralint::diagnostic::Severity;
use entralint::rules::{RuleSet, Selection};

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::load(&Selection::default()).unwrap());

/// `(file, line, column, rule, severity)` of every diagnostic of the tenants under `path`.
type Found = Vec<(String, usize, usize, String, Severity)>;

fn check_path(path: &str) -> Found {
    let config = Config::default();
    let checker = Checker {
        rules: Some(&RULES),
        config: &config,
    };
    let mut found = Vec::new();
    check_each(
        &[Path::new(path).to_path_buf()],
        &checker,
        None,
        &mut |report| {
            for d in &report.diagnostics {
                let at = report.source.line_col(d.span.start);
                found.push((
                    report.source.name.clone(),
                    at.line,
                    at.column,
                    d.code.clone(),
                    d.severity,
                ));
            }
        },
    )
    .unwrap();
    found
}

/// The same for one file read on its own.
fn check_file(path: &str) -> Found {
    let bytes = std::fs::read(path).unwrap();
    let report = check_source(path, &bytes, true, Some(&RULES))
        .unwrap_or_else(|| panic!("{path} is not read as a tenant"));
    report
        .diagnostics
        .iter()
        .map(|d| {
            let at = report.source.line_col(d.span.start);
            (
                path.to_string(),
                at.line,
                at.column,
                d.code.clone(),
                d.severity,
            )
        })
        .collect()
}

fn assert_at(found: &Found, file: &str, line: usize, column: usize, rule: &str) {
    assert!(
        found
            .iter()
            .any(|(f, l, c, r, _)| f.ends_with(file) && *l == line && *c == column && r == rule),
        "expected {rule} at {file}:{line}:{column} in {found:#?}"
    );
}

#[test]
fn every_mistake_is_reported_at_its_argument() {
    let found = check_path("examples/terraform/mistakes");
    // 1. Global Administrator held permanently: at `principal_object_id`.
    assert_at(
        &found,
        "main.tf",
        26,
        25,
        "privileged-permanent-active-assignment",
    );
    // 2. The legacy-authentication policy is report-only: at `state`.
    assert_at(&found, "main.tf", 31, 18, "policy-report-only");
    // 3. The role-assignable group is owned by someone without a role: at `owners`.
    assert_at(
        &found,
        "main.tf",
        53,
        24,
        "role-assignable-group-owned-below-tier",
    );
    // 4. The privileged application signs in with a secret: at the password's `application_id`.
    assert_at(
        &found,
        "main.tf",
        72,
        20,
        "privileged-sp-uses-client-secret",
    );
    // 5. Everyone may invite guests: at `allowInvitesFrom` in the msgraph body.
    assert_at(&found, "main.tf", 89, 24, "guest-invites-by-everyone");
    // Nothing in the module is unreadable or unknown.
    assert!(
        !found.iter().any(|(_, _, _, r, s)| *s == Severity::Error
            && entralint::diagnostic::is_load_check(r)),
        "{found:#?}"
    );
    assert!(
        !found.iter().any(|(_, _, _, r, _)| r == "unresolved-value"),
        "{found:#?}"
    );
}

#[test]
fn the_plan_of_the_mistaken_module_gives_the_same_findings() {
    let plan = check_path("examples/terraform/mistakes.plan.json");
    let module = check_path("examples/terraform/mistakes");
    let rules = |found: &Found| {
        let mut rules: Vec<String> = found.iter().map(|(_, _, _, r, _)| r.clone()).collect();
        rules.sort();
        rules.dedup();
        rules
    };
    assert_eq!(rules(&plan), rules(&module));
    // Each at the value in the plan, or at the resource's address where the plan leaves the
    // value to apply and the configuration's reference names the object.
    let file = "mistakes.plan.json";
    assert_at(
        &plan,
        file,
        50,
        22,
        "privileged-permanent-active-assignment",
    );
    assert_at(&plan, file, 71, 22, "policy-report-only");
    assert_at(
        &plan,
        file,
        126,
        22,
        "role-assignable-group-owned-below-tier",
    );
    assert_at(&plan, file, 179, 22, "privileged-sp-uses-client-secret");
    assert_at(&plan, file, 226, 35, "guest-invites-by-everyone");
}

#[test]
fn the_secure_module_has_no_findings() {
    let found = check_path("examples/terraform/secure");
    // The one note is the same as examples/secure-workforce.yaml's: the admin-center switch is
    // friction, not a boundary.
    assert_eq!(
        found
            .iter()
            .map(|(f, l, _, r, _)| format!("{f}:{l} {r}"))
            .collect::<Vec<_>>(),
        ["examples/terraform/secure/tenant.yaml:42 admin-center-restriction-not-a-boundary"],
    );
}

#[test]
fn a_file_named_alone_is_checked_with_its_module() {
    let found = check_path("examples/terraform/mistakes/main.tf");
    assert_at(&found, "main.tf", 31, 18, "policy-report-only");
    let found = check_path("examples/terraform/secure/users.tf");
    assert_eq!(found.len(), 1, "{found:#?}");
}

#[test]
fn expressions_are_evaluated_or_reported_once() {
    let found = check_file("tests/fixtures/terraform/expressions.tf");
    // `var.owners[0]` and `count.index` are known: the group's owner `ops1@contoso.com` holds no
    // role, the group holds Global Administrator through `for_each` over a local set.
    assert_at(
        &found,
        "expressions.tf",
        30,
        24,
        "role-assignable-group-owned-below-tier",
    );
    assert_at(
        &found,
        "expressions.tf",
        36,
        25,
        "privileged-permanent-active-assignment",
    );
    // A data source and a variable without a default are not known: each reported where written.
    assert_at(&found, "expressions.tf", 30, 56, "unresolved-value");
    assert_at(&found, "expressions.tf", 40, 34, "unresolved-value");
    let unresolved = found
        .iter()
        .filter(|(_, _, _, r, _)| r == "unresolved-value")
        .count();
    assert_eq!(unresolved, 2, "{found:#?}");
    assert!(
        found
            .iter()
            .filter(|(_, _, _, r, _)| r == "unresolved-value")
            .all(|(_, _, _, _, s)| *s == Severity::Info)
    );
}

#[test]
fn terraform_json_is_read_like_hcl() {
    let found = check_file("tests/fixtures/terraform/module.tf.json");
    assert_at(&found, "module.tf.json", 9, 39, "guest-invites-by-everyone");
    assert_at(
        &found,
        "module.tf.json",
        18,
        32,
        "privileged-permanent-active-assignment",
    );
}

#[test]
fn bad_input_is_reported_at_its_line_and_column() {
    let found = check_file("tests/fixtures/terraform/syntax-error.tf");
    assert_at(&found, "syntax-error.tf", 5, 1, "syntax-error");

    let found = check_file("tests/fixtures/terraform/unknown-argument.tf");
    assert_at(&found, "unknown-argument.tf", 3, 3, "unknown-key");
    assert_at(&found, "unknown-argument.tf", 16, 7, "unknown-key");

    let found = check_file("tests/fixtures/terraform/not-terraform.tf");
    assert_at(&found, "not-terraform.tf", 1, 1, "syntax-error");

    let found = check_file("tests/fixtures/terraform/top-level-attribute.tf");
    assert_at(&found, "top-level-attribute.tf", 1, 1, "syntax-error");
    assert_at(&found, "top-level-attribute.tf", 3, 1, "syntax-error");
}

#[test]
fn messages_say_what_to_write_instead() {
    let bytes = std::fs::read("tests/fixtures/terraform/unknown-argument.tf").unwrap();
    let report = check_source("unknown-argument.tf", &bytes, true, Some(&RULES)).unwrap();
    let typo = report
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown-key")
        .unwrap();
    assert!(
        typo.message.contains("`asignable_to_role`"),
        "{}",
        typo.message
    );
    assert_eq!(
        typo.help.as_deref(),
        Some("did you mean `assignable_to_role`?")
    );
}

#[test]
fn hostile_terraform_does_not_panic() {
    for text in [
        "",
        "resource",
        "resource \"azuread_group\" {",
        "resource \"azuread_group\" \"a\" \"b\" {}",
        "locals { a = local.a }\nresource \"azuread_user\" \"u\" { user_principal_name = local.a }",
        "resource \"azuread_user\" \"u\" {\n count = 100000000\n user_principal_name = \"x${count.index}\"\n}",
        "resource \"azuread_group\" \"g\" { for_each = 3 }",
        "\u{0}\u{1}\u{2}",
        "resource \"azuread_group\" \"g\" { owners = [for u in [1] : u] }",
    ] {
        let _ = check_source("main.tf", text.as_bytes(), true, Some(&RULES));
        let _ = check_source("main.tf.json", text.as_bytes(), true, Some(&RULES));
    }
    // Locals that use each other ten times a level: sixteen levels would be 10^16 evaluations
    // without the per-resource budget, which reports the value as not known instead.
    let mut locals = String::from("locals {\n  l0 = \"x\"\n");
    for level in 1..16 {
        let below = vec![format!("local.l{}", level - 1); 10].join(", ");
        locals.push_str(&format!("  l{level} = [{below}]\n"));
    }
    locals.push_str(
        "}\nresource \"azuread_group\" \"g\" {\n  display_name = \"g\"\n  members = local.l15\n}\n",
    );
    let report = check_source("main.tf", locals.as_bytes(), true, Some(&RULES)).unwrap();
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "unresolved-value" && d.message.contains("more evaluation")),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn every_resource_read_has_its_arguments_checked() {
    let path = "tests/fixtures/terraform/arguments-v3.tf";
    let bytes = std::fs::read(path).unwrap();
    let report = check_source(path, &bytes, true, Some(&RULES)).unwrap();
    let typos: Vec<(usize, usize, Option<&str>)> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "unknown-key")
        .map(|d| {
            let at = report.source.line_col(d.span.start);
            (at.line, at.column, d.help.as_deref())
        })
        .collect();
    // One misspelling in each resource and nested block, none in what the provider accepts
    // (`timeouts`, and a service principal's deprecated `features`).
    assert_eq!(
        typos,
        [
            (4, 3, Some("did you mean `account_enabled`?")),
            (11, 7, Some("did you mean `access_token_issuance_enabled`?")),
            (21, 3, Some("did you mean `app_role_assignment_required`?")),
            (31, 3, Some("did you mean `justification`?")),
            (41, 5, Some("did you mean `require_approval`?")),
            (48, 9, Some("did you mean `default_recipients`?")),
            (
                76,
                3,
                Some(
                    "version 3 of the azuread provider replaced `application_object_id` with `application_id`; write `application_id`"
                )
            ),
        ]
    );
    let pim = report
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown-key" && d.message.contains("require_aproval"))
        .unwrap();
    assert!(
        pim.message
            .contains("the `activation_rules` block of `azuread_group_role_management_policy`"),
        "{}",
        pim.message
    );
}

#[test]
fn a_finding_on_a_default_says_when_the_module_sets_it_to_an_unknown_value() {
    let path = "tests/fixtures/terraform/unresolved-setting.tf";
    let bytes = std::fs::read(path).unwrap();
    let report = check_source(path, &bytes, true, Some(&RULES)).unwrap();
    let find = |code: &str| {
        report
            .diagnostics
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("no {code} in {:#?}", report.diagnostics))
    };
    // `allowInvitesFrom = var.invites`: the default `everyone` is judged, and the finding says
    // that the module sets the value, pointing at where.
    let invites = find("guest-invites-by-everyone");
    assert!(
        invites.message.ends_with(
            "the module does set `authorizationPolicy.allowInvitesFrom`, to a value not known before `terraform apply`, so this judges the default in its place"
        ),
        "{}",
        invites.message
    );
    let related: Vec<(usize, usize)> = invites
        .related
        .iter()
        .map(|r| {
            let at = report.source.line_col(r.span.start);
            (at.line, at.column)
        })
        .collect();
    assert_eq!(related, [(6, 24)]);
    let unknown = find("unresolved-value");
    assert_eq!(
        unknown.path.as_deref(),
        Some("authorizationPolicy.allowInvitesFrom")
    );
    // A default the module leaves alone is judged as before, without the note.
    let sspr = find("admin-sspr-enabled");
    assert!(
        !sspr.message.contains("terraform apply") && sspr.related.is_empty(),
        "{sspr:?}"
    );
}

#[test]
fn built_in_functions_of_known_values_are_evaluated() {
    let found = check_path("tests/fixtures/terraform/functions");
    let file = "functions/main.tf";
    // `format("%s@%s", …)` names the owner, `tobool("true")` makes the group role-assignable.
    assert_at(
        &found,
        file,
        23,
        24,
        "role-assignable-group-owned-below-tier",
    );
    // `lookup(local.invites, lower(var.environment), …)` is `everyone`.
    assert_at(&found, file, 34, 31, "guest-invites-by-everyone");
    // `timestamp()` is known only at apply: `coalesce` over it is reported there, not guessed.
    assert_at(&found, file, 35, 43, "unresolved-value");
    let problems = ["syntax-error", "unknown-key", "duplicate-key"];
    assert!(
        !found
            .iter()
            .any(|(_, _, _, r, _)| problems.contains(&r.as_str())),
        "{found:#?}"
    );
}

#[test]
fn names_and_principals_known_only_at_apply_are_not_read_as_missing() {
    let found = check_path("tests/fixtures/terraform/unknown-principals");
    let file = "unknown-principals/main.tf";
    // A name made of a variable is read as written: no policy lacks its `displayName`.
    assert!(
        !found.iter().any(|(_, _, _, r, _)| r == "missing-key"),
        "{found:#?}"
    );
    // An exclusion known only at apply is a group whose members are unknown, so the MFA policy
    // does not cover everyone: said, not passed silently.
    assert_at(&found, file, 23, 7, "mfa-not-required-for-all-users");
    assert_at(&found, file, 23, 25, "unresolved-reference");
    // An inclusion known only at apply is someone, not nobody.
    assert!(
        !found
            .iter()
            .any(|(_, _, _, r, _)| r == "policy-includes-nobody"),
        "{found:#?}"
    );
}

#[test]
fn a_module_pinned_to_provider_version_2_is_read_in_version_2s_arguments() {
    let found = check_path("tests/fixtures/terraform/provider-v2");
    assert!(
        !found.iter().any(|(_, _, _, r, _)| r == "unknown-key"),
        "{found:#?}"
    );
    // `application_object_id` ties the secret to the app, as `application_id` does in version 3.
    assert_at(
        &found,
        "provider-v2/main.tf",
        12,
        27,
        "privileged-sp-uses-client-secret",
    );
    // Without the pin, the same file is version 3's, which refuses those arguments.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/terraform/provider-v2/main.tf",
        dir.path().join("main.tf"),
    )
    .unwrap();
    let unpinned = check_path(dir.path().to_str().unwrap());
    assert_eq!(
        unpinned
            .iter()
            .filter(|(_, _, _, r, _)| r == "unknown-key")
            .count(),
        3,
        "{unpinned:#?}"
    );
}

#[test]
fn for_expressions_and_expansion_over_known_values_are_evaluated() {
    let found = check_path("tests/fixtures/terraform/for-expressions");
    let file = "for-expressions/main.tf";
    // `merge([for … : {for … : k => v}]...)` gives one assignment per admin, each reaching its
    // user through `azuread_user.admin[split("|", each.key)[0]]`.
    let assigned = found
        .iter()
        .filter(|(f, l, c, r, _)| {
            f.ends_with(file)
                && *l == 24
                && *c == 25
                && r == "privileged-permanent-active-assignment"
        })
        .count();
    assert_eq!(assigned, 2, "{found:#?}");
    // `[for … if …]` keeps `everyone`.
    assert_at(&found, file, 30, 24, "guest-invites-by-everyone");
    assert!(
        !found.iter().any(|(_, _, _, r, _)| r == "unresolved-value"),
        "{found:#?}"
    );
}
