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
fn a_hundred_tenants_left_to_defaults_stay_under_three_megabytes() {
    // Each tenant left to defaults has five findings on the authentication methods policy (SMS and
    // email codes on, Authenticator's context and suspicious-activity reporting left to Microsoft)
    // and twenty-one more controls in the matrix than with the password rules (1.9 MB then); the
    // CIS rules on Authenticator Lite and custom client secrets add two findings, and the device
    // registration policy five more, with their controls (2.24 MB before both).
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("examples/defaults-workforce.yaml").unwrap();
    for i in 0..100 {
        std::fs::write(dir.path().join(format!("t{i:03}.yaml")), &text).unwrap();
    }
    let page = html(&[dir.path().to_str().unwrap()]);
    assert_eq!(page.matches("<section class=\"tenant\"").count(), 100);
    assert!(page.len() < 3_000_000, "{} bytes", page.len());
}

#[test]
fn a_fleet_shows_its_tenants_with_what_they_inherit() {
    let page = html(&["examples/fleet"]);
    assert!(
        page.contains("4 tenants checked (with 2 baselines they extend)"),
        "the baselines are not columns of their own, and a Graph export is one tenant"
    );
    let headings: Vec<&str> = page
        .lines()
        .filter_map(|l| {
            l.strip_prefix("<h3 id=\"h")?
                .split_once("\">")?
                .1
                .strip_suffix("</h3>")
        })
        .collect();
    assert_eq!(
        headings,
        [
            "examples/fleet/exports/prod",
            "examples/fleet/external/tenant.yaml",
            "examples/fleet/prod/tenant.yaml",
            "examples/fleet/test/tenant.yaml"
        ]
    );
    let sections: Vec<&str> = page.split("<section class=\"tenant\"").skip(1).collect();
    // The export's findings name the response each is in, and its permissions are computed.
    let export = sections[0];
    assert!(
        export.contains("<small>examples/fleet/exports/prod/authorizationPolicy.json:"),
        "{export}"
    );
    assert!(export.contains("Who can do what"), "{export}");
    // The external tenant's inherited error is shown in its section, at the baseline's line.
    let external = sections[1];
    assert!(
        external.contains("customers-can-read-directory"),
        "{external}"
    );
    assert!(
        external.contains("inherited from examples/fleet/baseline/tenant.yaml:20:30"),
        "{external}"
    );
    assert!(
        external.contains("(examples/fleet/baseline/tenant.yaml:"),
        "permissions cite the baseline: {external}"
    );
}
