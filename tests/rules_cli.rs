//! The rule engine from the command line: profiles, custom rules, selection, fail-on, explain.

use assert_cmd::Command;
use predicates::prelude::*;

fn entralint() -> Command {
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const FIVE_ADMINS: &str = "\
users:
  - {id: a@contoso.com}
  - {id: b@contoso.com}
  - {id: c@contoso.com}
  - {id: d@contoso.com}
  - {id: e@contoso.com}
roleAssignments:
  - {principal: a@contoso.com, role: Global Administrator}
  - {principal: b@contoso.com, role: Global Administrator}
  - {principal: c@contoso.com, role: Global Administrator, type: eligible}
  - {principal: d@contoso.com, role: Global Administrator, type: eligible}
  - {principal: e@contoso.com, role: Global Administrator, type: eligible}
";

#[test]
fn the_global_admin_limit_follows_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let tenant = write(dir.path(), "t.yaml", FIVE_ADMINS);
    let run = |profile: &str| {
        let output = entralint()
            .args(["check", "--format", "short", "--profile", profile])
            .arg(&tenant)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(!run("cisa").contains("[global-admin-too-many]"));
    let cis = run("cis-m365");
    assert!(
        cis.contains("t.yaml:7:1: warning: 5 principals hold Global Administrator (active or eligible, groups expanded); the limit is 4 [global-admin-too-many] (cis-m365 1.1.3)"),
        "{cis}"
    );
}

#[test]
fn an_unknown_profile_is_a_usage_failure() {
    entralint()
        .args([
            "check",
            "--profile",
            "cisaa",
            "examples/secure-workforce.yaml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown profile `cisaa` (did you mean `cisa`?)",
        ));
}

const USER_RULE: &str = "\
name: tenant-has-no-name
summary: The tenant header has no name
severity: warning
when: \"!has(tenant.tenant.name) || tenant.tenant.name == null\"
at: tenant.name
message: the tenant has no name
help: set `tenant.name`
description: Reports a tenant file whose header has no name.
examples:
  invalid: [\"tenant: {kind: workforce}\"]
  valid: [\"tenant: {name: contoso}\"]
";

#[test]
fn a_user_rule_is_applied_listed_and_explained() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    write(&rules, "tenant-has-no-name.yaml", USER_RULE);
    let tenant = write(dir.path(), "t.yaml", "tenant: {kind: workforce}\n");
    entralint()
        .args(["check", "--format", "short", "--select", "tenant-has-no-name", "--rules"])
        .arg(&rules)
        .arg(&tenant)
        .assert()
        .code(1)
        .stdout(predicate::str::ends_with("t.yaml:1:1: warning: the tenant has no name (`tenant.name` is not declared) [tenant-has-no-name]\n"));
    entralint()
        .args(["rules", "--rules"])
        .arg(&rules)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("on  tenant-has-no-name"));
    entralint()
        .args(["explain", "tenant-has-no-name", "--rules"])
        .arg(&rules)
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "# tenant-has-no-name\n\nThe tenant header has no name",
        ));
}

#[test]
fn a_cel_typo_in_a_user_rule_points_into_the_rule_file() {
    let dir = tempfile::tempdir().unwrap();
    let broken = USER_RULE.replace("name == null\"", "name == = null\"");
    write(dir.path(), "tenant-has-no-name.yaml", &broken);
    entralint()
        .args(["check", "examples/secure-workforce.yaml", "--rules"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("CEL syntax error")
                .and(predicate::str::contains("tenant-has-no-name.yaml:4:")),
        );
}

#[test]
fn an_unknown_variable_in_a_user_rule_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let broken = USER_RULE.replace("!has(tenant.tenant.name)", "!has(tennant.tenant.name)");
    write(dir.path(), "tenant-has-no-name.yaml", &broken);
    entralint()
        .args(["rules", "--rules"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unknown variable `tennant`")
                .and(predicate::str::contains("did you mean `tenant`?")),
        );
}

#[test]
fn a_user_rule_may_not_reuse_a_builtin_name() {
    let dir = tempfile::tempdir().unwrap();
    let clash = USER_RULE.replace("tenant-has-no-name", "users-can-register-apps");
    write(dir.path(), "users-can-register-apps.yaml", &clash);
    entralint()
        .args(["rules", "--rules"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "reuses the name of a built-in rule",
        ));
}

#[test]
fn unknown_keys_in_a_rule_file_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let extra = USER_RULE.replace("severity: warning", "severity: warning\nseverty: error");
    write(dir.path(), "tenant-has-no-name.yaml", &extra);
    entralint()
        .args(["rules", "--rules"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("severty"));
}

#[test]
fn select_ignore_and_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    let tenant = write(
        dir.path(),
        "t.yaml",
        "authorizationPolicy:\n  allowInvitesFrom: everyone\n  defaultUserRolePermissions: {allowedToCreateApps: true}\n",
    );
    let short = |args: &[&str]| {
        let output = entralint()
            .args(["check", "--format", "short"])
            .args(args)
            .arg(&tenant)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8(output.stdout).unwrap(),
        )
    };
    let (code, out) = short(&["--select", "guest-invites-by-everyone"]);
    assert_eq!(code, Some(1));
    assert_eq!(out.lines().count(), 1, "{out}");
    let (_, out) = short(&[
        "--select",
        "guest-invites-by-everyone,users-can-register-apps",
        "--ignore",
        "users-can-register-apps",
    ]);
    assert!(
        out.contains("[guest-invites-by-everyone]") && !out.contains("[users-can-register-apps]"),
        "{out}"
    );
    let (code, out) = short(&["--select", "users-can-register-apps", "--fail-on", "error"]);
    assert_eq!(
        (code, out.lines().count()),
        (Some(0), 1),
        "a warning does not fail with --fail-on error"
    );
    let (code, _) = short(&["--select", "users-can-register-apps", "--fail-on", "never"]);
    assert_eq!(code, Some(0));
    entralint()
        .args(["check", "--select", "no-such-rule"])
        .arg(&tenant)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule `no-such-rule`"));
}

#[test]
fn rules_lists_json() {
    let output = entralint()
        .args(["rules", "--profile", "cisa", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["profile"], "cisa");
    let rules = json["rules"].as_array().unwrap();
    let invites = rules
        .iter()
        .find(|r| r["name"] == "guest-invites-by-everyone")
        .unwrap();
    assert_eq!(invites["enabled"], true);
    assert_eq!(
        invites["controls"],
        serde_json::json!(["cisa MS.AAD.8.2v1"])
    );
    let unknown = rules
        .iter()
        .find(|r| r["name"] == "role-assignment-unknown-principal")
        .unwrap();
    assert_eq!(
        unknown["enabled"], false,
        "cisa enables only rules with cisa controls"
    );
}

#[test]
fn explain_prints_the_generated_page() {
    let page = std::fs::read_to_string("docs/rules/guests-have-member-access.md").unwrap();
    entralint()
        .args(["explain", "guests-have-member-access"])
        .assert()
        .code(0)
        .stdout(page);
    entralint()
        .args(["explain", "guests-have-member-acces"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean `guests-have-member-access`?",
        ));
}

#[test]
fn an_unknown_collection_in_a_user_rule_suggests_the_nearest() {
    let dir = tempfile::tempdir().unwrap();
    let broken = USER_RULE.replace("severity: warning", "severity: warning\nfor: roleSetting");
    write(dir.path(), "tenant-has-no-name.yaml", &broken);
    entralint()
        .args(["rules", "--rules"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains(
                "unknown collection `roleSetting`; did you mean `roleSettings`?",
            )
            .and(predicate::str::contains("tenant-has-no-name.yaml:4:")),
        );
}

#[test]
fn an_unknown_baseline_family_in_a_user_rule_suggests_the_nearest() {
    let dir = tempfile::tempdir().unwrap();
    let broken = USER_RULE.replace(
        "severity: warning",
        "severity: warning\nreferences: {cis-m356: ['1.1']}",
    );
    write(dir.path(), "tenant-has-no-name.yaml", &broken);
    entralint()
        .args(["rules", "--rules"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains(
                "unknown baseline family `cis-m356`; did you mean `cis-m365`?",
            )
            .and(predicate::str::contains("tenant-has-no-name.yaml:4:")),
        );
}

#[test]
fn rules_test_runs_a_folders_examples() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "tenant-has-no-name.yaml", USER_RULE);
    entralint()
        .args(["rules", "--test"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::ends_with(
            "2 example(s) of 1 rule(s) in ".to_string()
                + &dir.path().display().to_string()
                + ": 0 failed\n",
        ));
    let wrong = USER_RULE.replace(
        "valid: [\"tenant: {name: contoso}\"]",
        "valid: [\"tenant: {kind: workforce}\"]",
    );
    write(dir.path(), "tenant-has-no-name.yaml", &wrong);
    entralint()
        .args(["rules", "--test"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(
            predicate::str::starts_with(
                "FAIL tenant-has-no-name valid[0]: expected 0 finding(s) of `tenant-has-no-name`, produced 1\n    tenant-has-no-name tenant.name: the tenant has no name",
            )
            .and(predicate::str::contains(": 1 failed\n")),
        );
}
