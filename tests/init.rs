//! `entralint init`: the file it writes loads cleanly, declares every setting with a reason, and
//! gives no finding under its own profile; existing files are never overwritten.

use std::path::Path;

use assert_cmd::Command;
use entralint::model::defaults;

const PROFILES: [&str; 6] = [
    "recommended",
    "cisa",
    "cis-m365",
    "cis-azure",
    "eidsca",
    "zero-trust",
];
const KINDS: [&str; 2] = ["workforce", "external"];

fn entralint() -> Command {
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn init(dir: &Path, kind: &str, profile: &str) {
    entralint()
        .args(["init", "--kind", kind, "--profile", profile])
        .arg(dir)
        .assert()
        .code(0);
}

#[test]
fn every_profile_and_kind_gives_a_file_without_findings() {
    let root = tempfile::tempdir().unwrap();
    for kind in KINDS {
        for profile in PROFILES {
            let dir = root.path().join(format!("{kind}-{profile}"));
            init(&dir, kind, profile);
            let config = std::fs::read_to_string(dir.join(".entralint.yaml")).unwrap();
            assert!(config.contains(&format!("profile: {profile} ")), "{config}");
            // Run from the folder, so the configuration init wrote picks the profile.
            let output = entralint()
                .current_dir(&dir)
                .args([
                    "check",
                    "tenant.yaml",
                    "--format",
                    "short",
                    "--fail-on",
                    "info",
                ])
                .output()
                .unwrap();
            let stdout = String::from_utf8(output.stdout).unwrap();
            assert_eq!(
                output.status.code(),
                Some(0),
                "{kind} × {profile}:\n{stdout}{}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(stdout.trim().is_empty(), "{kind} × {profile}:\n{stdout}");
        }
    }
}

#[test]
fn every_setting_is_declared_with_a_comment() {
    let root = tempfile::tempdir().unwrap();
    for kind in KINDS {
        let dir = root.path().join(kind);
        init(&dir, kind, "recommended");
        let text = std::fs::read_to_string(dir.join("tenant.yaml")).unwrap();
        let loaded = entralint::load::load("tenant.yaml", text.as_bytes());
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let root_node = loaded.document.root.as_ref().unwrap();
        let mut keys: Vec<&str> = defaults::all()
            .map(|d| d.key.as_str())
            .filter(|k| !k.contains("[]"))
            .filter(|k| kind == "external" || !k.starts_with("customerSettings."))
            // Settings that have no effect in an external tenant are left out of its file.
            .filter(|k| {
                kind == "workforce" || !defaults::default_for(k).is_some_and(|d| d.workforce_only)
            })
            // The beta spelling of the consent list: the file declares the v1.0 one.
            .filter(|k| *k != entralint::model::CONSENT_BETA)
            // Guest self-service sign-up's second place: the file declares it under
            // `externalCollaboration`.
            .filter(|k| *k != entralint::model::SIGN_UP_FLOWS)
            .collect();
        keys.sort();
        assert!(keys.len() > 25, "{keys:?}");
        for key in keys {
            let mut node = Some(root_node);
            for segment in key.split('.') {
                // Method configurations are a list named by `id`, as the model reads them.
                node = node.and_then(|n| match &n.value {
                    entralint::tree::Value::Seq(items) => items
                        .iter()
                        .find(|item| item.get("id").and_then(|id| id.as_str()) == Some(segment)),
                    _ => n.get(segment),
                });
            }
            assert!(node.is_some(), "{kind}: `{key}` is not declared");
            let last = key.rsplit('.').next().unwrap();
            let line = text
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("{last}:")))
                .unwrap();
            assert!(
                line.contains(" # "),
                "{kind}: `{key}` has no reason: {line}"
            );
        }
        assert!(
            text.contains(&format!("kind: {kind}\n")),
            "{kind}: wrong tenant kind"
        );
    }
}

#[test]
fn the_suppression_is_written_only_where_the_profile_needs_it() {
    let root = tempfile::tempdir().unwrap();
    let marker = "ignore[admin-center-restriction-not-a-boundary]";
    init(&root.path().join("rec"), "workforce", "recommended");
    init(&root.path().join("cisa"), "workforce", "cisa");
    let read = |name: &str| std::fs::read_to_string(root.path().join(name).join("tenant.yaml"));
    assert!(read("rec").unwrap().contains(marker));
    assert!(!read("cisa").unwrap().contains(marker));
}

#[test]
fn existing_files_are_never_overwritten() {
    let root = tempfile::tempdir().unwrap();
    let tenant = root.path().join("tenant.yaml");
    std::fs::write(&tenant, "tenant: {name: mine}\n").unwrap();
    let output = entralint().arg("init").arg(root.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("tenant.yaml already exists") && stderr.contains("changed nothing"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&tenant).unwrap(),
        "tenant: {name: mine}\n"
    );
    assert!(!root.path().join(".entralint.yaml").exists());

    // A configuration alone also blocks init.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join(".entralint.yaml"), "profile: cisa\n").unwrap();
    entralint().arg("init").arg(other.path()).assert().code(2);
    assert!(!other.path().join("tenant.yaml").exists());
}

#[test]
fn an_unknown_profile_is_refused_before_anything_is_written() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("new");
    let output = entralint()
        .args(["init", "--profile", "cisaa"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8(output.stderr).unwrap().contains("cisa"));
    assert!(!dir.exists());
}

#[test]
fn the_tenant_name_comes_from_the_folder_or_the_flag() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("Fabrikam Prod");
    init(&dir, "workforce", "cisa");
    let text = std::fs::read_to_string(dir.join("tenant.yaml")).unwrap();
    assert!(text.contains("  name: fabrikam-prod\n"));
    assert!(text.contains("security@fabrikam-prod.onmicrosoft.com"));
    let named = root.path().join("named");
    entralint()
        .args(["init", "--name", "contoso"])
        .arg(&named)
        .assert()
        .code(0);
    let text = std::fs::read_to_string(named.join("tenant.yaml")).unwrap();
    assert!(text.contains("  name: contoso\n"));
}

#[test]
fn a_name_that_would_break_the_file_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("t");
    let output = entralint()
        .args(["init", "--name", "a: b # c"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("cannot be a tenant name")
    );
    assert!(!dir.exists());
}
