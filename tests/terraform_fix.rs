//! `check --fix` and `--diff` on Terraform modules: literals are edited in place, missing keys of
//! a `msgraph_*` body are inserted, the header takes what Terraform does not write, expressions
//! are left alone with a suggestion, and every byte the fix does not change stays as it was.

use std::path::Path;

use assert_cmd::Command;

fn entralint() -> Command {
    Command::cargo_bin("entralint").unwrap()
}

/// The rules of the findings `check` reports for `path`.
fn rules_found(path: &Path) -> Vec<String> {
    let out = entralint()
        .args(["check", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn fix(path: &Path, flag: &str) -> std::process::Output {
    entralint()
        .args(["check", flag, "--format", "short"])
        .arg(path)
        .output()
        .unwrap()
}

fn copy_mistakes(dir: &Path) -> std::path::PathBuf {
    let module = dir.join("mistakes");
    std::fs::create_dir(&module).unwrap();
    std::fs::copy(
        "examples/terraform/mistakes/main.tf",
        module.join("main.tf"),
    )
    .unwrap();
    module
}

const FIXED_HERE: &[&str] = &[
    "guest-invites-by-everyone",
    "users-can-register-apps",
    "admin-sspr-enabled",
    "msol-powershell-not-blocked",
    "tenant-creation-by-users",
];

#[test]
fn fixes_edit_the_authorization_policy_body_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let module = copy_mistakes(dir.path());
    let before = rules_found(&module);
    for rule in FIXED_HERE {
        assert!(before.iter().any(|r| r == rule), "{rule}");
    }
    let out = fix(&module, "--fix");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed 11 settings in 1 file"), "{stderr}");
    let after = rules_found(&module);
    for rule in FIXED_HERE {
        assert!(!after.iter().any(|r| r == rule), "{rule} remains");
    }
    // The mistakes no fix declares are still reported.
    assert!(
        after
            .iter()
            .any(|r| r == "privileged-permanent-active-assignment")
    );
    let original = std::fs::read_to_string("examples/terraform/mistakes/main.tf").unwrap();
    let fixed = std::fs::read_to_string(module.join("main.tf")).unwrap();
    hcl_edit::parser::parse_body(&fixed).expect("the fixed file parses");
    // Everything but the body's lines is byte for byte the original.
    let changed = original
        .find("    allowInvitesFrom = \"everyone\"\n")
        .unwrap();
    let rest = changed + "    allowInvitesFrom = \"everyone\"\n".len();
    assert!(fixed.starts_with(&original[..changed]));
    assert!(fixed.ends_with(&original[rest..]));
    let body = &fixed[changed..fixed.len() - (original.len() - rest)];
    assert!(
        body.starts_with(
            "    allowInvitesFrom = \"adminsAndGuestInviters\"\n    allowedToUseSSPR = false\n    defaultUserRolePermissions = {\n      "
        ),
        "{body}"
    );
    assert!(
        body.contains("      allowedToCreateApps = false\n"),
        "{body}"
    );
}

#[test]
fn diff_shows_the_fix_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let module = copy_mistakes(dir.path());
    let out = fix(&module, "--diff");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("-    allowInvitesFrom = \"everyone\"\n+    allowInvitesFrom = \"adminsAndGuestInviters\"\n"),
        "{stdout}"
    );
    assert!(stdout.contains("/mistakes/main.tf\n"), "{stdout}");
    assert_eq!(
        std::fs::read(module.join("main.tf")).unwrap(),
        std::fs::read("examples/terraform/mistakes/main.tf").unwrap()
    );
}

const WITH_VARIABLE: &str = r#"variable "invites" {
  default = "everyone"
}

resource "msgraph_update_resource" "authorization_policy" {
  url = "policies/authorizationPolicy"
  body = {
    allowInvitesFrom    = var.invites # set per environment
    blockMsolPowerShell = false
  }
}
"#;

#[test]
fn an_expression_is_left_alone_and_the_change_is_suggested() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("m");
    std::fs::create_dir(&module).unwrap();
    std::fs::write(module.join("main.tf"), WITH_VARIABLE).unwrap();
    let out = fix(&module, "--fix");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot fix guest-invites-by-everyone: `authorizationPolicy.allowInvitesFrom` is written as `var.invites` at ")
            && stderr.contains("/m/main.tf:8:27,"),
        "{stderr}"
    );
    let fixed = std::fs::read_to_string(module.join("main.tf")).unwrap();
    // The variable, and the attribute that reads it, are as they were; the literal is fixed.
    assert!(fixed.starts_with("variable \"invites\" {\n  default = \"everyone\"\n}\n"));
    assert!(fixed.contains("    allowInvitesFrom    = var.invites # set per environment\n"));
    assert!(
        fixed.contains("    blockMsolPowerShell = true\n"),
        "{fixed}"
    );
    let after = rules_found(&module);
    assert!(after.iter().any(|r| r == "guest-invites-by-everyone"));
    assert!(!after.iter().any(|r| r == "msol-powershell-not-blocked"));
}

#[test]
fn the_header_takes_the_sections_terraform_does_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("m");
    std::fs::create_dir(&module).unwrap();
    std::fs::write(module.join("main.tf"), WITH_VARIABLE).unwrap();
    let header = "tenant:\n  name: t\nportalSettings:\n  restrictNonAdminAccess: false   # kept\n";
    std::fs::write(module.join("tenant.yaml"), header).unwrap();
    let before = rules_found(&module);
    assert!(before.iter().any(|r| r == "admin-center-open-to-users"));
    assert!(before.iter().any(|r| r == "device-quota-too-high"));
    fix(&module, "--fix");
    let written = std::fs::read_to_string(module.join("tenant.yaml")).unwrap();
    assert!(
        written.starts_with(
            "tenant:\n  name: t\nportalSettings:\n  restrictNonAdminAccess: true   # kept\n"
        ),
        "{written}"
    );
    assert!(
        written.contains("\ndeviceRegistrationPolicy:\n  userDeviceQuota: 10\n"),
        "{written}"
    );
    let after = rules_found(&module);
    for rule in ["admin-center-open-to-users", "device-quota-too-high"] {
        assert!(!after.iter().any(|r| r == rule), "{rule}");
    }
    assert!(
        !after.iter().any(|r| r == "conflicting-section"),
        "{after:?}"
    );
}

#[test]
fn a_tf_json_literal_is_replaced_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("j");
    std::fs::create_dir(&module).unwrap();
    let text = "{\n  \"resource\": {\n    \"msgraph_update_resource\": {\n      \"authorization_policy\": {\n        \"url\": \"policies/authorizationPolicy\",\n        \"body\": { \"allowInvitesFrom\": \"everyone\", \"blockMsolPowerShell\": false }\n      }\n    }\n  }\n}\n";
    std::fs::write(module.join("main.tf.json"), text).unwrap();
    fix(&module, "--fix");
    let fixed = std::fs::read_to_string(module.join("main.tf.json")).unwrap();
    assert_eq!(
        fixed,
        text.replace("\"everyone\"", "\"adminsAndGuestInviters\"")
            .replace("false", "true")
    );
}

#[test]
fn a_child_modules_files_are_fixed_with_the_module_that_calls_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let child = dir.path().join("modules").join("auth");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&child).unwrap();
    let call = "module \"auth\" {\n  source  = \"../modules/auth\"\n  invites = \"everyone\"\n}\n";
    std::fs::write(root.join("main.tf"), call).unwrap();
    let body = "variable \"invites\" {}\n\n# The authorization policy.\nresource \"msgraph_update_resource\" \"authorization_policy\" {\n  url = \"policies/authorizationPolicy\"\n  body = {\n    allowInvitesFrom    = var.invites\n    blockMsolPowerShell = false\n  }\n}\n";
    std::fs::write(child.join("main.tf"), body).unwrap();
    let out = fix(&root, "--fix");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The literal in the child is edited in place; the value the call passes through a variable
    // is left to the user, with where to change it.
    let fixed = std::fs::read_to_string(child.join("main.tf")).unwrap();
    assert!(
        fixed.contains("blockMsolPowerShell = true"),
        "{fixed}\n{stderr}"
    );
    assert!(
        fixed.contains("allowInvitesFrom    = var.invites"),
        "{fixed}"
    );
    assert!(fixed.starts_with("variable \"invites\" {}\n\n# The authorization policy.\n"));
    assert!(stderr.contains("is written as `var.invites`"), "{stderr}");
    assert_eq!(std::fs::read_to_string(root.join("main.tf")).unwrap(), call);
    let after = rules_found(&root);
    assert!(!after.iter().any(|r| r == "msol-powershell-not-blocked"));
    assert!(after.iter().any(|r| r == "guest-invites-by-everyone"));
}
