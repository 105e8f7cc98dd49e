//! The Password Rule Settings directory setting (`passwordRuleSettings`): read from every input
//! format, its bad values reported at the value, its rules' controls sourced.

use assert_cmd::Command;

#[path = "common/controls.rs"]
mod controls;
#[path = "common/section.rs"]
mod section;

const RULES: &str = "custom-banned-passwords-not-enforced,custom-banned-password-list-empty,on-premises-password-protection-disabled,on-premises-password-protection-audit-only,smart-lockout-threshold-too-high,smart-lockout-duration-too-short";

fn short(path: &str, select: bool) -> Vec<String> {
    section::short(path, RULES, select)
}

#[test]
fn a_graph_settings_list_is_read_by_template() {
    let found = short("tests/fixtures/passwords/graph-settings.json", true);
    assert_eq!(
        found,
        [
            "9:64 on-premises-password-protection-audit-only",
            "11:56 custom-banned-passwords-not-enforced",
            "12:55 smart-lockout-duration-too-short",
            "13:47 smart-lockout-threshold-too-high",
        ]
    );
}

#[test]
fn bad_values_are_reported_at_the_value() {
    let found = short("tests/fixtures/passwords/bad-values.yaml", false);
    for expected in [
        "2:38 invalid-value",
        "3:21 wrong-type",
        "4:29 invalid-value",
    ] {
        assert!(found.iter().any(|f| f == expected), "{expected}: {found:?}");
    }
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    let output = cmd
        .args([
            "check",
            "tests/fixtures/passwords/bad-values.yaml",
            "--format",
            "short",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("`Strict` is not a valid value for `BannedPasswordCheckOnPremisesMode`"),
        "{text}"
    );
    assert!(
        text.contains("`LockoutThreshold` must be a whole number"),
        "{text}"
    );
}

#[test]
fn a_graph_threshold_that_is_not_a_number_is_reported_in_the_response() {
    let found = short(
        "tests/fixtures/passwords/graph-threshold-not-a-number.json",
        false,
    );
    assert!(found.iter().any(|f| f == "7:43 wrong-type"), "{found:?}");
    assert!(found.iter().any(|f| f == "8:60 invalid-value"), "{found:?}");
}

#[test]
fn a_scubagear_export_carries_the_setting() {
    let found = short("tests/fixtures/passwords/scuba-export.json", true);
    // The tab-separated list holds two words, so the list is not empty.
    assert_eq!(found, ["11:47 smart-lockout-threshold-too-high"]);
}

#[test]
fn a_microsoft365dsc_block_is_read() {
    // Secure values, and `Enforced` (a spelling some releases list) read as `Enforce`.
    let path = "tests/fixtures/passwords/M365TenantConfig.ps1";
    assert_eq!(short(path, true), Vec::<String>::new());
    let text = section::imported(path);
    assert!(
        text.contains("BannedPasswordCheckOnPremisesMode: \"Enforce\""),
        "{text}"
    );
    assert!(text.contains("LockoutThreshold: 10"), "{text}");
    assert!(text.contains("BannedPasswordList:"), "{text}");
}

/// Every control a password rule cites is listed, with its source, in
/// rules/data/password-controls.yaml.
#[test]
fn cited_controls_have_a_recorded_source() {
    controls::assert_cited_controls_sourced(
        "rules/passwords/",
        "rules/data/password-controls.yaml",
        &["cisa", "cis-m365", "cis-azure", "eidsca", "zero-trust"],
        9,
    );
}
