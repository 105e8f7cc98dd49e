//! `entralint import` on Terraform: a module (its folder, or one of its files) or a plan becomes a
//! tenant file that `check` judges as it judges the module; values not known before apply are
//! reported and left out, never guessed.

use std::path::Path;

use assert_cmd::Command;

fn entralint() -> Command {
    Command::cargo_bin("entralint").unwrap()
}

fn import(input: &Path, output: &Path) -> std::process::Output {
    entralint()
        .arg("import")
        .arg(input)
        .arg("-o")
        .arg(output)
        .output()
        .unwrap()
}

/// The rule of every finding `check` reports for `path`, sorted (repeats kept).
fn rules_found(path: &Path) -> Vec<String> {
    let out = entralint()
        .args(["check", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut rules: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    rules.sort();
    rules
}

fn assert_same_findings(module: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tenant.yaml");
    let result = import(Path::new(module), &out);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let from_module = rules_found(Path::new(module));
    assert!(!from_module.is_empty());
    assert_eq!(rules_found(&out), from_module);
}

#[test]
fn the_secure_module_imports_to_the_same_findings() {
    assert_same_findings("examples/terraform/secure");
}

#[test]
fn the_mistakes_module_imports_to_the_same_findings() {
    assert_same_findings("examples/terraform/mistakes");
    let from_module = rules_found(Path::new("examples/terraform/mistakes"));
    for rule in [
        "privileged-permanent-active-assignment",
        "policy-report-only",
        "role-assignable-group-owned-below-tier",
        "privileged-sp-uses-client-secret",
        "guest-invites-by-everyone",
    ] {
        assert!(from_module.iter().any(|r| r == rule), "{rule}");
    }
}

#[test]
fn each_value_names_the_tf_line_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tenant.yaml");
    // One file of the module brings the rest of its folder, as `check` does.
    let result = import(Path::new("examples/terraform/mistakes/main.tf"), &out);
    assert!(result.status.success());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains(
            "  allowInvitesFrom: \"everyone\"  # examples/terraform/mistakes/main.tf:89\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("    isAssignableToRole: true  # examples/terraform/mistakes/main.tf:52\n"),
        "{text}"
    );
}

#[test]
fn a_plan_imports_to_the_findings_of_its_module() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tenant.yaml");
    let result = import(Path::new("examples/terraform/mistakes.plan.json"), &out);
    assert!(result.status.success());
    assert_eq!(
        rules_found(&out),
        rules_found(Path::new("examples/terraform/mistakes.plan.json"))
    );
}

#[test]
fn a_value_unknown_before_apply_is_reported_and_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("module");
    std::fs::create_dir(&module).unwrap();
    std::fs::write(
        module.join("main.tf"),
        "variable \"invites\" {}\n\
         \n\
         resource \"msgraph_update_resource\" \"authorization_policy\" {\n\
         \x20 url = \"policies/authorizationPolicy\"\n\
         \x20 body = {\n\
         \x20   allowInvitesFrom    = var.invites\n\
         \x20   blockMsolPowerShell = true\n\
         \x20 }\n\
         }\n",
    )
    .unwrap();
    let out = dir.path().join("tenant.yaml");
    let result = import(&module, &out);
    assert!(result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("main.tf:6:27: info:") && stderr.contains("[unresolved-value]"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("  blockMsolPowerShell: true"), "{text}");
    assert!(!text.contains("allowInvitesFrom"), "{text}");
}

#[test]
fn a_module_that_does_not_parse_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("module");
    std::fs::create_dir(&module).unwrap();
    std::fs::write(
        module.join("main.tf"),
        "resource \"azuread_group\" \"g\" {\n  display_name = \n}\n",
    )
    .unwrap();
    let out = dir.path().join("tenant.yaml");
    let result = import(&module, &out);
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("main.tf:"), "{stderr}");
    assert!(stderr.contains("[syntax-error]"), "{stderr}");
    assert!(!out.exists());
}
