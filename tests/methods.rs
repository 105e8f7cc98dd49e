//! The authentication methods policy (`authenticationMethodsPolicy`): read from every input format,
//! its bad values reported at the value, its rules' controls sourced.

use assert_cmd::Command;

#[path = "common/controls.rs"]
mod controls;
#[path = "common/section.rs"]
mod section;

const RULES: &str = "sms-method-enabled,sms-sign-in-enabled,voice-method-enabled,email-otp-enabled,authenticator-app-name-not-shown,authenticator-location-not-shown,authenticator-number-matching-disabled,authenticator-otp-allowed,fido2-attestation-not-enforced,temporary-access-pass-reusable,temporary-access-pass-lifetime-too-long,authentication-methods-migration-incomplete,registration-campaign-disabled,system-preferred-mfa-disabled,suspicious-activity-reporting-off";

fn short(path: &str, select: bool) -> Vec<String> {
    section::short(path, RULES, select)
}

#[test]
fn a_graph_response_is_read_with_its_annotations() {
    // Sms and Email are disabled, Authenticator shows its context; the external method (a GUID
    // id) is passed over rather than reported.
    let found = short("tests/fixtures/methods/graph-policy.json", true);
    assert_eq!(
        found,
        [
            "5:44 system-preferred-mfa-disabled",
            "9:104 voice-method-enabled",
            "15:32 authenticator-otp-allowed",
        ]
    );
    let all = short("tests/fixtures/methods/graph-policy.json", false);
    for code in ["unknown-key", "invalid-value", "wrong-type", "missing-key"] {
        assert!(!all.iter().any(|f| f.ends_with(code)), "{code}: {all:?}");
    }
}

#[test]
fn bad_values_are_reported_at_the_value() {
    let found = short("tests/fixtures/methods/bad-values.yaml", false);
    for expected in [
        "2:25 invalid-value",
        "4:11 invalid-value",
        "7:14 invalid-value",
        "10:11 duplicate-key",
    ] {
        assert!(found.iter().any(|f| f == expected), "{expected}: {found:?}");
    }
    // `Enabled` reads as `enabled`: the first Email configuration is the one judged.
    assert!(
        found.iter().any(|f| f == "9:14 email-otp-enabled"),
        "{found:?}"
    );
    let output = Command::cargo_bin("entralint")
        .unwrap()
        .args([
            "check",
            "tests/fixtures/methods/bad-values.yaml",
            "--format",
            "short",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("`Fido3` is not a valid value for `id`"),
        "{text}"
    );
    assert!(
        text.contains("`on` is not a valid value for `state`"),
        "{text}"
    );
}

#[test]
fn a_scubagear_export_carries_the_policy_and_its_methods() {
    let found = short("tests/fixtures/methods/scuba-export.json", true);
    assert!(
        found.contains(&"6:75 temporary-access-pass-reusable".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"6:110 temporary-access-pass-lifetime-too-long".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"10:33 authentication-methods-migration-incomplete".to_string()),
        "{found:?}"
    );
    // Sms is disabled there, and used for sign-in by nobody.
    assert!(!found.iter().any(|f| f.contains("sms-")), "{found:?}");
}

#[test]
fn microsoft365dsc_blocks_make_one_policy() {
    // The policy block and four method blocks: only the Authenticator's one-time codes are left.
    let path = "tests/fixtures/methods/M365TenantConfig.ps1";
    assert_eq!(short(path, true), ["35:37 authenticator-otp-allowed"]);
    let all = short(path, false);
    assert!(
        !all.iter().any(|f| f.ends_with("unresolved-value")),
        "{all:?}"
    );
    let text = section::imported(path);
    assert!(
        text.contains("policyMigrationState: \"migrationComplete\""),
        "{text}"
    );
    assert!(text.contains("id: \"MicrosoftAuthenticator\""), "{text}");
    assert!(
        text.contains("displayLocationInformationRequiredState:"),
        "{text}"
    );
}

/// Every control a methods rule cites is listed, with its source, in
/// rules/data/method-controls.yaml.
#[test]
fn cited_controls_have_a_recorded_source() {
    controls::assert_cited_controls_sourced(
        "rules/methods/",
        "rules/data/method-controls.yaml",
        &["cisa", "cis-m365", "cis-azure", "eidsca", "zero-trust"],
        20,
    );
}

#[test]
fn methods_saved_one_by_one_join_the_policy() {
    // A folder with the policy and a method saved on its own (PowerShell's UTF-16 for one of
    // them): the Fido2 response is judged as part of the policy, and a second copy of a method
    // the policy lists is reported, not checked.
    let dir = "tests/fixtures/methods/single-configurations";
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    let output = cmd
        .args(["check", dir, "--format", "short"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let found: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix(dir))
        .map(|l| l.split(": ").next().unwrap())
        .collect();
    assert!(
        found.contains(&"/fido2.json:7:28"),
        "fido2-attestation-not-enforced: {stdout}"
    );
    assert!(
        stdout.contains("sms-again.json:1:1: warning: the `sms` method is already declared"),
        "{stdout}"
    );
    // The policy's own Sms configuration (disabled) and migration state are the ones judged.
    assert!(!stdout.contains("[sms-method-enabled]"), "{stdout}");
    assert!(
        !stdout.contains("[authentication-methods-migration-incomplete]"),
        "{stdout}"
    );
    // A method response alone is a tenant whose policy lists that one method.
    let alone = short("tests/fixtures/methods/voice-alone.json", true);
    assert!(
        alone.iter().any(|f| f == "5:12 voice-method-enabled"),
        "{alone:?}"
    );
}
