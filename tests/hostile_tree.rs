//! A scanned tree with things that are not regular files: link loops, dangling links, FIFOs,
//! devices and unreadable files are reported and skipped; nothing blocks. And a rule over a huge
//! collection is skipped, not left to run away.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

fn entralint() -> Command {
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    cmd.env("NO_COLOR", "1").timeout(Duration::from_secs(30));
    cmd
}

const TENANT: &str = "tenant:\n  name: ok\nauthorizationPolicy:\n  allowInvitesFrom: none\n";

fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn special_files_in_a_walked_tree_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("good.yaml"), TENANT).unwrap();
    std::os::unix::fs::symlink("loop.yaml", root.join("loop.yaml")).unwrap();
    std::os::unix::fs::symlink("missing.yaml", root.join("dangling.yaml")).unwrap();
    std::os::unix::fs::symlink(".", root.join("self")).unwrap();
    let fifo = mkfifo(&root.join("pipe.yaml"));
    std::os::unix::fs::symlink("/dev/zero", root.join("device.yaml")).unwrap();
    let output = entralint()
        .current_dir(root)
        .args([
            "check",
            "--format",
            "short",
            "--select",
            "guest-invites-by-everyone",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stderr.contains("loop.yaml: skipped"), "{stderr}");
    assert!(stderr.contains("dangling.yaml: skipped"), "{stderr}");
    assert!(stderr.contains("device.yaml: skipped"), "{stderr}");
    if fifo {
        assert!(stderr.contains("pipe.yaml: skipped"), "{stderr}");
    }
}

#[test]
fn special_files_named_on_the_command_line_are_errors_not_hangs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::os::unix::fs::symlink("loop.yaml", root.join("loop.yaml")).unwrap();
    let mut names = vec!["loop.yaml".to_string(), "/dev/zero".to_string()];
    if mkfifo(&root.join("pipe.yaml")) {
        names.push("pipe.yaml".to_string());
    }
    // Asked to check a file it cannot read, entralint cannot do its job: exit 2, not a pass.
    for name in &names {
        let output = entralint()
            .current_dir(root)
            .args(["check", "--format", "short", name])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("error: {name}: ")),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn an_unreadable_file_is_a_finding() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret.yaml");
    std::fs::write(&path, TENANT).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        eprintln!("skipped: this user (root) can read a file with mode 000");
        return;
    }
    let output = entralint()
        .current_dir(dir.path())
        .args(["check", "--format", "short", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("secret.yaml:1:1: error: cannot read the file")
    );
}

#[test]
fn a_rule_over_a_huge_collection_runs_in_full() {
    let mut text = String::from("users:\n");
    for i in 0..12_000 {
        text.push_str(&format!(
            "  - {{id: user{i}@contoso.com, userType: Guest}}\n"
        ));
    }
    text.push_str(
        "roleAssignments:\n  - {principal: user1@contoso.com, role: Global Administrator}\n",
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.yaml"), text).unwrap();
    let output = entralint()
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "short",
            "--select",
            "guest-in-privileged-role",
            "big.yaml",
        ])
        .output()
        .unwrap();
    // Linear in the tenant's size, the rule is not stopped (a rule that would run away is, see
    // tests/scale.rs).
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("big.yaml:12003:17: error: guest account `user1@contoso.com` holds Global Administrator (active assignment) [guest-in-privileged-role]"),
        "{stdout}"
    );
    assert!(!stdout.contains("rule-too-costly"), "{stdout}");
}
