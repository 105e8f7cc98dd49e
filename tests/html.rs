//! `--format html`: the page for two tenants, and its size for a hundred.

use assert_cmd::Command;

fn html(args: &[&str]) -> String {
    let output = Command::cargo_bin("entralint")
        .unwrap()
        .arg("check")
        .args(args)
        .args(["--format", "html"])
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn two_tenants() {
    let page = html(&[
        "examples/secure-workforce.yaml",
        "examples/external-tenant.yaml",
    ]);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.contains("<caption>"), "tables have captions");
    assert!(!page.contains("<script"), "no scripts");
    insta::assert_snapshot!(page);
}

#[test]
fn file_text_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    std::fs::write(
        &path,
        "tenant: {name: x}\nauthorizationPolicy:\n  allowInvitesFrom: \"<script>alert(1)</script>\"\n",
    )
    .unwrap();
    let page = html(&[path.to_str().unwrap()]);
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn a_hundred_tenants_left_to_defaults_stay_under_two_megabytes() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("examples/defaults-workforce.yaml").unwrap();
    for i in 0..100 {
        std::fs::write(dir.path().join(format!("t{i:03}.yaml")), &text).unwrap();
    }
    let page = html(&[dir.path().to_str().unwrap()]);
    assert_eq!(page.matches("<section class=\"tenant\"").count(), 100);
    assert!(page.len() < 2_000_000, "{} bytes", page.len());
}
