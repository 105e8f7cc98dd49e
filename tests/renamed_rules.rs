//! A renamed rule keeps its former names (`renamedFrom`): inline suppressions, baselines, the
//! configuration, the selection flags and `explain` that name the old rule reach the new one.
//! Each test also runs the same input against a rule that does not list the former name, so it
//! fails if the former name stops counting.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn entralint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// The rule as it is called now, once called `tenant-has-no-name`.
const RENAMED: &str = "\
name: tenant-unnamed
since: \"0.1.0\"
renamedFrom: [tenant-has-no-name]
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

/// The same rule under its new name, with the former name forgotten.
fn forgotten() -> String {
    RENAMED.replace("renamedFrom: [tenant-has-no-name]\n", "")
}

/// The same rule before the rename.
fn before() -> String {
    forgotten().replace("name: tenant-unnamed", "name: tenant-has-no-name")
}

/// A folder `rules/` holding one rule file named after the rule.
fn rules_dir(dir: &Path, folder: &str, name: &str, text: &str) -> PathBuf {
    write(dir, &format!("{folder}/{name}.yaml"), text);
    dir.join(folder)
}

/// `check --format json` of `tenant` with the custom rules in `rules` (no configuration unless
/// the folder holds one), only the renamed rule selected unless `args` says otherwise.
fn json(dir: &Path, rules: &Path, args: &[&str]) -> (i32, Value) {
    let output = entralint(dir)
        .args(["check", "--format", "json", "--rules"])
        .arg(rules)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code().unwrap(), value)
}

fn findings<'v>(report: &'v Value, rule: &str) -> Vec<&'v Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

#[test]
fn an_inline_suppression_under_the_former_name_suppresses_the_renamed_rule() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "t.yaml",
        "tenant: {kind: workforce} # entralint: ignore[tenant-has-no-name] lab tenant, never named\n",
    );
    let args = ["--no-config", "--select", "tenant-unnamed", "t.yaml"];

    let renamed = rules_dir(dir.path(), "renamed", "tenant-unnamed", RENAMED);
    let (code, report) = json(dir.path(), &renamed, &args);
    assert_eq!(code, 0, "{report:#}");
    let found = findings(&report, "tenant-unnamed");
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["start"]["line"], 1);
    assert_eq!(found[0]["start"]["column"], 1);
    assert_eq!(found[0]["suppression"]["kind"], "inline");
    assert_eq!(found[0]["suppression"]["reason"], "lab tenant, never named");
    for problem in [
        "invalid-suppression",
        "unused-suppression",
        "suppression-not-allowed",
    ] {
        assert!(findings(&report, problem).is_empty(), "{report:#}");
    }

    // Without `renamedFrom` the old name is unknown, and the finding is reported.
    let forgot = rules_dir(dir.path(), "forgot", "tenant-unnamed", &forgotten());
    let (code, report) = json(dir.path(), &forgot, &args);
    assert_eq!(code, 1, "{report:#}");
    assert!(findings(&report, "tenant-unnamed")[0]["suppression"].is_null());
    let unknown = findings(&report, "invalid-suppression");
    assert_eq!(unknown.len(), 1, "{report:#}");
    assert_eq!(
        unknown[0]["message"],
        "`tenant-has-no-name` is not a rule entralint knows"
    );
    assert_eq!(unknown[0]["start"]["column"], 27);
}

#[test]
fn a_former_name_with_nothing_to_suppress_is_still_unused() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "t.yaml",
        "tenant: {name: contoso} # entralint: ignore[tenant-has-no-name] lab tenant\n",
    );
    let renamed = rules_dir(dir.path(), "renamed", "tenant-unnamed", RENAMED);
    let (_, report) = json(
        dir.path(),
        &renamed,
        &["--no-config", "--select", "tenant-unnamed", "t.yaml"],
    );
    let unused = findings(&report, "unused-suppression");
    assert_eq!(unused.len(), 1, "{report:#}");
    assert_eq!(
        unused[0]["message"],
        "this suppression of `tenant-has-no-name` suppresses nothing"
    );
    assert!(findings(&report, "invalid-suppression").is_empty());
}

#[test]
fn a_baseline_written_under_the_former_name_accepts_the_renamed_rule() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", "tenant: {kind: workforce}\n");
    write(dir.path(), "b.yaml", "tenant: {kind: external}\n");
    let old = rules_dir(dir.path(), "old", "tenant-has-no-name", &before());
    entralint(dir.path())
        .args(["check", "--no-config", "--select", "tenant-has-no-name"])
        .args(["--write-baseline", "baseline.json", "--rules"])
        .arg(&old)
        .args(["a.yaml", "b.yaml"])
        .assert()
        .code(0);
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    let entries = written["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e["rule"] == "tenant-has-no-name"));

    let args = [
        "--no-config",
        "--select",
        "tenant-unnamed",
        "--baseline",
        "baseline.json",
        "a.yaml",
        "b.yaml",
    ];
    let renamed = rules_dir(dir.path(), "renamed", "tenant-unnamed", RENAMED);
    let (code, report) = json(dir.path(), &renamed, &args);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["baselined"], 2, "{report:#}");
    assert_eq!(report["summary"]["staleBaselineEntries"], 0, "{report:#}");
    let found = findings(&report, "tenant-unnamed");
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|f| f["suppression"]["kind"] == "baseline"));

    // Forgetting the former name makes both entries stale and both findings new.
    let forgot = rules_dir(dir.path(), "forgot", "tenant-unnamed", &forgotten());
    let (code, report) = json(dir.path(), &forgot, &args);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["summary"]["baselined"], 0);
    assert_eq!(report["summary"]["staleBaselineEntries"], 2);
}

#[test]
fn the_configuration_and_the_flags_may_use_the_former_name() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.yaml", "tenant: {kind: workforce}\n");
    rules_dir(dir.path(), "renamed", "tenant-unnamed", RENAMED);
    rules_dir(dir.path(), "forgot", "tenant-unnamed", &forgotten());
    let run = |rules: &str, config: &str, flags: &[&str]| {
        write(
            dir.path(),
            ".entralint.yaml",
            &format!("customRules: [{rules}]\n{config}"),
        );
        let output = entralint(dir.path())
            .args(["check", "--format", "short"])
            .args(flags)
            .arg("t.yaml")
            .output()
            .unwrap();
        let out = String::from_utf8(output.stdout).unwrap();
        let err = String::from_utf8(output.stderr).unwrap();
        (output.status.code().unwrap(), format!("{out}{err}"))
    };
    let finding = "t.yaml:1:1: warning: the tenant has no name";

    // `ignore` in the configuration, and `--ignore`.
    let (code, out) = run("renamed", "ignore: [tenant-has-no-name]\n", &[]);
    assert!(code == 1 && !out.contains("[tenant-unnamed]"), "{out}");
    assert!(
        out.contains("[users-can-register-apps]"),
        "other rules run: {out}"
    );
    let (_, out) = run("renamed", "", &["--ignore", "tenant-has-no-name"]);
    assert!(!out.contains("[tenant-unnamed]"), "{out}");
    let (code, out) = run("forgot", "ignore: [tenant-has-no-name]\n", &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("unknown rule `tenant-has-no-name`"), "{out}");

    // `select` in the configuration, and `--select`.
    let (code, out) = run("renamed", "select: [tenant-has-no-name]\n", &[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out,
        format!("{finding} (`tenant.name` is not declared) [tenant-unnamed]\n")
    );
    let (_, out) = run("renamed", "", &["--select", "tenant-has-no-name"]);
    assert_eq!(
        out,
        format!("{finding} (`tenant.name` is not declared) [tenant-unnamed]\n")
    );

    // `rules:` settings.
    let (_, out) = run(
        "renamed",
        "select: [tenant-unnamed]\nrules: {tenant-has-no-name: {severity: error}}\n",
        &[],
    );
    assert!(
        out.starts_with("t.yaml:1:1: error: the tenant has no name"),
        "{out}"
    );

    // Per-path overrides.
    let (code, out) = run(
        "renamed",
        "select: [tenant-unnamed]\noverrides: [{files: [t.yaml], rules: {tenant-has-no-name: off}}]\n",
        &[],
    );
    assert_eq!((code, out.as_str()), (0, ""), "{out}");
    let (code, out) = run(
        "forgot",
        "select: [tenant-unnamed]\noverrides: [{files: [t.yaml], rules: {tenant-has-no-name: off}}]\n",
        &[],
    );
    assert_eq!(code, 1, "{out}");

    // Exceptions.
    let exception = "select: [tenant-unnamed]\nexceptions: [{rule: tenant-has-no-name, files: [t.yaml], reason: lab tenant}]\n";
    let (code, out) = run("renamed", exception, &[]);
    assert_eq!((code, out.as_str()), (0, ""), "{out}");
    let (code, _) = run("forgot", exception, &[]);
    assert_eq!(code, 1);

    // `noInlineSuppressions` names the rule whatever a comment calls it.
    write(
        dir.path(),
        "t.yaml",
        "tenant: {kind: workforce} # entralint: ignore[tenant-unnamed] lab tenant\n",
    );
    let (code, out) = run(
        "renamed",
        "select: [tenant-unnamed]\nnoInlineSuppressions: [tenant-has-no-name]\n",
        &[],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "{finding} (`tenant.name` is not declared) [tenant-unnamed]"
        )),
        "{out}"
    );
    assert!(out.contains("t.yaml:1:27: warning: the configuration does not let inline comments suppress `tenant-unnamed` [suppression-not-allowed]"), "{out}");
}

#[test]
fn explain_under_the_former_name_shows_the_renamed_rule() {
    let dir = tempfile::tempdir().unwrap();
    let renamed = rules_dir(dir.path(), "renamed", "tenant-unnamed", RENAMED);
    let output = entralint(dir.path())
        .args(["explain", "tenant-has-no-name", "--no-config", "--rules"])
        .arg(&renamed)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(
        page.starts_with("> `tenant-has-no-name` was renamed to `tenant-unnamed`;"),
        "{page}"
    );
    assert!(
        page.contains("\n# tenant-unnamed\n\nThe tenant header has no name\n"),
        "{page}"
    );
    assert!(page.contains("\n| Since | 0.1.0 |\n"), "{page}");
    assert!(
        page.contains("\n| Formerly | `tenant-has-no-name` |\n"),
        "{page}"
    );

    // Under its own name the page has no note.
    entralint(dir.path())
        .args(["explain", "tenant-unnamed", "--no-config", "--rules"])
        .arg(&renamed)
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("# tenant-unnamed\n"));

    // Forgotten, the old name is unknown.
    let forgot = rules_dir(dir.path(), "forgot", "tenant-unnamed", &forgotten());
    entralint(dir.path())
        .args(["explain", "tenant-has-no-name", "--no-config", "--rules"])
        .arg(&forgot)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown rule `tenant-has-no-name`",
        ));
}

#[test]
fn the_json_rule_list_shows_since_and_former_names() {
    let dir = tempfile::tempdir().unwrap();
    let renamed = rules_dir(dir.path(), "renamed", "tenant-unnamed", RENAMED);
    let output = entralint(dir.path())
        .args(["rules", "--format", "json", "--no-config", "--rules"])
        .arg(&renamed)
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = list["rules"].as_array().unwrap();
    let rule = rules
        .iter()
        .find(|r| r["name"] == "tenant-unnamed")
        .unwrap();
    assert_eq!(rule["since"], "0.1.0");
    assert_eq!(
        rule["renamedFrom"],
        serde_json::json!(["tenant-has-no-name"])
    );
    let other = rules
        .iter()
        .find(|r| r["name"] == "users-can-register-apps")
        .unwrap();
    assert!(other.get("renamedFrom").is_none());
}

/// `rules --rules DIR`: exit 2, and stderr.
fn load_error(dir: &Path, rules: &Path) -> String {
    let output = entralint(dir)
        .args(["rules", "--no-config", "--rules"])
        .arg(rules)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn a_former_name_that_names_another_rule_is_an_error_at_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let builtin = RENAMED.replace(
        "renamedFrom: [tenant-has-no-name]",
        "renamedFrom: [users-can-register-apps]",
    );
    let rules = rules_dir(dir.path(), "builtin", "tenant-unnamed", &builtin);
    let err = load_error(dir.path(), &rules);
    assert!(err.contains("tenant-unnamed.yaml:3:15]"), "{err}");
    assert!(
        err.contains(
            "error: `users-can-register-apps` in `renamedFrom` is the name of the built-in rule"
        ),
        "{err}"
    );
    assert!(err.contains("duplicate-rule-name"), "{err}");

    // Another custom rule's name, listed in block style: the error is at the list item.
    let custom = RENAMED.replace(
        "renamedFrom: [tenant-has-no-name]",
        "renamedFrom:\n  - tenant-nameless",
    );
    let rules = rules_dir(dir.path(), "custom", "tenant-unnamed", &custom);
    write(
        &rules,
        "tenant-nameless.yaml",
        &before().replace("tenant-has-no-name", "tenant-nameless"),
    );
    let err = load_error(dir.path(), &rules);
    assert!(err.contains("tenant-unnamed.yaml:4:5]"), "{err}");
    assert!(
        err.contains(
            "`tenant-nameless` in `renamedFrom` is the name of the rule `tenant-nameless`"
        ),
        "{err}"
    );

    // Two rules that claim one former name: the second is in error.
    let rules = rules_dir(dir.path(), "twice", "tenant-unnamed", RENAMED);
    write(
        &rules,
        "tenant-nameless.yaml",
        &RENAMED.replace("tenant-unnamed", "tenant-nameless"),
    );
    let err = load_error(dir.path(), &rules);
    assert!(err.contains("tenant-unnamed.yaml:3:15]"), "{err}");
    assert!(
        err.contains("`tenant-has-no-name` in `renamedFrom` is already a former name of"),
        "{err}"
    );

    // The rule's own name, and a name that is not a rule name.
    let own = RENAMED.replace(
        "renamedFrom: [tenant-has-no-name]",
        "renamedFrom: [Tenant_Old, tenant-unnamed]",
    );
    let rules = rules_dir(dir.path(), "own", "tenant-unnamed", &own);
    let err = load_error(dir.path(), &rules);
    assert!(err.contains("tenant-unnamed.yaml:3:15]"), "{err}");
    assert!(
        err.contains("`Tenant_Old` in `renamedFrom` is not a rule name (kebab-case)"),
        "{err}"
    );
    assert!(err.contains("tenant-unnamed.yaml:3:27]"), "{err}");
    assert!(
        err.contains("`tenant-unnamed` in `renamedFrom` is the rule's own name"),
        "{err}"
    );
}

#[test]
fn a_since_that_is_not_a_version_is_an_error_at_the_key() {
    let dir = tempfile::tempdir().unwrap();
    for (i, bad) in ["1.0", "\"0.1\"", "v0.1.0", "\"0.01.0\"", "0.1.0-beta"]
        .iter()
        .enumerate()
    {
        let text = RENAMED.replace("since: \"0.1.0\"", &format!("since: {bad}"));
        let rules = rules_dir(dir.path(), &format!("bad{i}"), "tenant-unnamed", &text);
        let err = load_error(dir.path(), &rules);
        assert!(err.contains("tenant-unnamed.yaml:2:8]"), "{bad}: {err}");
        assert!(
            err.contains("is not a version `MAJOR.MINOR.PATCH`"),
            "{bad}: {err}"
        );
    }
    for good in ["0.1.0", "\"10.20.300\""] {
        let text = RENAMED.replace("since: \"0.1.0\"", &format!("since: {good}"));
        let rules = rules_dir(dir.path(), "good", "tenant-unnamed", &text);
        entralint(dir.path())
            .args(["rules", "--no-config", "--rules"])
            .arg(&rules)
            .assert()
            .code(0);
    }
}

#[test]
fn sarif_lists_the_former_names_as_deprecated_ids() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.yaml", "tenant: {kind: workforce}\n");
    let renamed = rules_dir(dir.path(), "renamed", "tenant-unnamed", RENAMED);
    let output = entralint(dir.path())
        .args(["check", "--format", "sarif", "--no-config", "--rules"])
        .arg(&renamed)
        .arg("t.yaml")
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = rules.iter().find(|r| r["id"] == "tenant-unnamed").unwrap();
    assert_eq!(
        rule["deprecatedIds"],
        serde_json::json!(["tenant-has-no-name"])
    );
    let other = rules
        .iter()
        .find(|r| r["id"] == "users-can-register-apps")
        .unwrap();
    assert!(other.get("deprecatedIds").is_none());
}
