//! The device registration policy (`deviceRegistrationPolicy`): read from every input format,
//! its bad values reported at the value, its rules' controls sourced.

use assert_cmd::Command;

#[path = "common/controls.rs"]
mod controls;
#[path = "common/section.rs"]
mod section;

const RULES: &str = "device-join-open-to-all-users,device-quota-too-high,global-admins-local-admins-on-joined-devices,registering-users-local-admins-on-joined-devices,local-admin-password-solution-disabled";

fn short(path: &str, select: bool) -> Vec<String> {
    section::short(path, RULES, select)
}

#[test]
fn a_graph_response_is_read_with_its_membership_types() {
    let found = short("tests/fixtures/devices/graph-policy.json", true);
    assert_eq!(
        found,
        [
            "6:22 device-quota-too-high",
            "10:5 device-join-open-to-all-users",
            "17:29 global-admins-local-admins-on-joined-devices",
            "27:18 local-admin-password-solution-disabled",
        ]
    );
}

#[test]
fn a_secure_graph_response_has_no_findings() {
    let found = short("tests/fixtures/devices/graph-secure.json", true);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn bad_values_are_reported_at_the_value() {
    let found = short("tests/fixtures/devices/bad-values.yaml", false);
    for expected in [
        "3:20 wrong-type",
        "6:22 invalid-value",
        "9:25 invalid-value",
        "11:25 missing-key",
        "12:35 wrong-type",
    ] {
        assert!(found.iter().any(|f| f == expected), "{expected}: {found:?}");
    }
    let output = Command::cargo_bin("entralint")
        .unwrap()
        .args([
            "check",
            "tests/fixtures/devices/bad-values.yaml",
            "--format",
            "short",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("`userDeviceQuota` must be a whole number of devices"),
        "{text}"
    );
    assert!(
        text.contains("`#microsoft.graph.someDeviceRegistrationMembership` is not a kind of device registration membership"),
        "{text}"
    );
    assert!(
        text.contains("`some` is not a valid value for `registeringUsers`"),
        "{text}"
    );
}

#[test]
fn a_negative_quota_is_reported_at_the_value() {
    let found = short("tests/fixtures/devices/negative-quota.yaml", true);
    assert!(found.iter().any(|f| f == "3:20 invalid-value"), "{found:?}");
    // The default standing in for the bad value is not judged.
    assert!(
        !found.iter().any(|f| f.ends_with("device-quota-too-high")),
        "{found:?}"
    );
}

#[test]
fn a_microsoft365dsc_block_is_read() {
    let path = "tests/fixtures/devices/M365TenantConfig.ps1";
    assert_eq!(
        short(path, true),
        ["18:55 global-admins-local-admins-on-joined-devices"]
    );
    let text = section::imported(path);
    assert!(text.contains("userDeviceQuota: 10"), "{text}");
    assert!(
        text.contains("#microsoft.graph.enumeratedDeviceRegistrationMembership"),
        "{text}"
    );
    assert!(
        text.contains("#microsoft.graph.noDeviceRegistrationMembership"),
        "{text}"
    );
    assert!(text.contains("AlexW@contoso.com"), "{text}");
    assert!(text.contains("multiFactorAuthConfiguration"), "{text}");
}

#[test]
fn an_external_tenant_is_not_judged_and_is_told_the_settings_have_no_effect() {
    let found = short("tests/fixtures/devices/external.yaml", true);
    assert_eq!(
        found,
        [
            "3:3 no-effect-in-external-tenant",
            "4:24 no-effect-in-external-tenant",
        ]
    );
}

/// Every control a device rule cites is listed, with its source, in
/// rules/data/device-controls.yaml.
#[test]
fn cited_controls_have_a_recorded_source() {
    controls::assert_cited_controls_sourced(
        "rules/devices/",
        "rules/data/device-controls.yaml",
        &["cisa", "cis-m365", "cis-azure", "eidsca", "zero-trust"],
        5,
    );
}
