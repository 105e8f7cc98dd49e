//! Microsoft365DSC configurations, data files and Workshop YAML: findings point into the DSC text.

mod common;

use std::path::Path;

use entralint::check::check_source;
use entralint::diagnostic::FileReport;
use entralint::report::Format;
use entralint::rules::{RuleSet, Selection};

fn check(path: &Path) -> Option<FileReport> {
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let bytes = std::fs::read(path).unwrap();
    let name = format!(
        "tests/fixtures/dsc/{}",
        path.file_name().unwrap().to_string_lossy()
    );
    check_source(&name, &bytes, false, Some(&rules))
}

fn render(report: Option<FileReport>, format: Format) -> String {
    common::render_reports(report, format)
}

/// (rule, line, column) of every diagnostic in a fixture.
fn found(name: &str) -> Vec<(String, usize, usize)> {
    let Some(report) = check(&Path::new("tests/fixtures/dsc").join(name)) else {
        return Vec::new();
    };
    report
        .diagnostics
        .iter()
        .map(|d| {
            let at = report.source.line_col(d.span.start);
            (d.code.clone(), at.line, at.column)
        })
        .collect()
}

fn has(found: &[(String, usize, usize)], rule: &str, line: usize, column: usize) -> bool {
    found
        .iter()
        .any(|(r, l, c)| r == rule && *l == line && *c == column)
}

#[test]
fn short_output_per_fixture() {
    insta::glob!("fixtures/dsc/*.{ps1,psd1,yml}", |path| {
        insta::assert_snapshot!(render(check(path), Format::Short));
    });
}

#[test]
fn load_problems_read_well() {
    for name in ["unterminated-string.ps1", "missing-equals.ps1"] {
        let path = Path::new("tests/fixtures/dsc").join(name);
        let rules = None;
        let bytes = std::fs::read(&path).unwrap();
        let shown = format!("tests/fixtures/dsc/{name}");
        let report = check_source(&shown, &bytes, false, rules);
        insta::assert_snapshot!(format!("human-{name}"), render(report, Format::Human));
    }
}

#[test]
fn findings_point_at_the_assignment_value() {
    let found = found("authorization-policy.ps1");
    // `ALLOWINVITESFROM = "Everyone";` — property names and values in any case.
    assert!(
        has(&found, "guest-invites-by-everyone", 14, 50),
        "{found:?}"
    );
    assert!(has(&found, "users-can-register-apps", 16, 50), "{found:?}");
    assert!(has(&found, "user-consent-any-app", 19, 13), "{found:?}");
    assert!(!found.iter().any(|(r, ..)| r == "email-verified-join"));
    assert!(!found.iter().any(|(r, ..)| r == "tenant-creation-by-users"));
    // The restricted guest role satisfies every guest-access rule.
    assert!(!found.iter().any(|(r, ..)| r.starts_with("guest-access")));
}

#[test]
fn values_only_powershell_knows_are_unresolved_and_not_judged() {
    let found = found("authorization-policy.ps1");
    assert!(has(&found, "unresolved-value", 23, 54), "{found:?}");
    assert!(has(&found, "unresolved-value", 24, 50), "{found:?}");
    // `$OrganizationName` inside the display name is unresolved too.
    assert!(has(&found, "unresolved-value", 12, 50), "{found:?}");
    // The defaults standing in for unresolved values are not reported.
    assert!(
        !found
            .iter()
            .any(|(r, ..)| r == "email-based-subscription-signup")
    );
    assert!(
        !found
            .iter()
            .any(|(r, ..)| r == "msol-powershell-not-blocked")
    );
    // Authentication parameters carry no setting and are not reported.
    assert_eq!(
        found
            .iter()
            .filter(|(r, ..)| r == "unresolved-value")
            .count(),
        3
    );
}

#[test]
fn utf16_export_with_crlf_points_at_lines() {
    let found = found("export-utf16le-crlf.ps1");
    assert!(
        has(&found, "user-consent-low-impact-allowed", 30, 13),
        "{found:?}"
    );
    assert!(
        has(&found, "guest-access-not-most-restrictive", 28, 65),
        "{found:?}"
    );
    assert!(!found.iter().any(|(r, ..)| r == "guest-invites-by-everyone"));
    // `Ensure = "Absent"`: no Group.Unified object, so the template default applies.
    assert!(
        found
            .iter()
            .any(|(r, ..)| r == "m365-group-creation-by-users")
    );
}

#[test]
fn absent_resources_leave_defaults_and_guid_instances_read() {
    let found = found("groups-settings-absent.ps1");
    assert!(
        found
            .iter()
            .any(|(r, ..)| r == "m365-group-creation-by-users"),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|(r, ..)| r == "guests-can-own-m365-groups")
    );
}

#[test]
fn role_requests_and_settings_map_to_assignments_and_settings() {
    let found = found("role-requests.ps1");
    // Permanent eligible and time-bound active Global Administrators; the removal is not one.
    assert!(has(&found, "invalid-value", 45, 73), "{found:?}");
    assert!(
        has(&found, "ga-activation-without-approval", 42, 9),
        "{found:?}"
    );
    // Global Administrator's assignment alerts are set: the finding names only the other highly
    // privileged roles (the short-output snapshot shows the message).
    assert!(
        has(&found, "privileged-assignment-alert-missing", 42, 9),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(r, ..)| r == "ga-activation-alert-missing")
    );
}

#[test]
fn other_resources_and_scripts_give_no_noise() {
    assert!(found("not-a-configuration.ps1").is_empty());
    let found = found("other-resources.ps1");
    assert!(!found.iter().any(|(r, ..)| r == "syntax-error"));
    assert!(!found.iter().any(|(r, ..)| r == "unresolved-value"));
    assert!(
        !found
            .iter()
            .any(|(r, ..)| r == "guests-can-own-m365-groups")
    );
}

#[test]
fn syntax_errors_point_at_the_spot() {
    assert_eq!(
        found("unterminated-string.ps1"),
        vec![("syntax-error".to_string(), 8, 32)]
    );
    assert_eq!(
        found("missing-equals.ps1"),
        vec![("syntax-error".to_string(), 8, 30)]
    );
}

#[test]
fn composite_data_files_map_their_azure_ad_tables() {
    let composite = found("composite-data.psd1");
    assert!(
        has(&composite, "email-verified-join", 10, 61),
        "{composite:?}"
    );
    assert!(
        has(&composite, "guests-have-member-access", 12, 61),
        "{composite:?}"
    );
    assert!(
        has(&composite, "guests-can-own-m365-groups", 17, 45),
        "{composite:?}"
    );
    assert!(
        !composite
            .iter()
            .any(|(r, ..)| r == "users-can-register-apps")
    );
    assert!(
        !composite
            .iter()
            .any(|(r, ..)| r == "ga-activation-without-approval")
    );
    // A `{{Placeholder}}` is filled in by a pipeline: its value is not known here.
    assert!(has(&composite, "unresolved-value", 13, 61), "{composite:?}");
    assert!(found("configuration-data.psd1").is_empty());
    assert_eq!(
        found("unclosed-data.psd1"),
        vec![("syntax-error".to_string(), 1, 1)]
    );
}

#[test]
fn workshop_yaml_maps_by_file_name() {
    let policy = found("workshop-cAADAuthorizationPolicy.yml");
    assert!(
        has(&policy, "guest-invites-by-everyone", 3, 19),
        "{policy:?}"
    );
    assert!(has(&policy, "users-can-register-apps", 6, 37), "{policy:?}");
    assert!(
        has(&policy, "user-consent-low-impact-allowed", 8, 1),
        "{policy:?}"
    );
    // `yes` is a string in YAML 1.2; the boolean parameter reports it with a hint.
    assert!(has(&policy, "wrong-type", 5, 41), "{policy:?}");
    // A Datum expression is computed when the configuration is built.
    assert!(has(&policy, "unresolved-value", 9, 22), "{policy:?}");
    assert!(
        !policy
            .iter()
            .any(|(r, ..)| r == "msol-powershell-not-blocked")
    );
    assert!(!policy.iter().any(|(r, ..)| r == "email-verified-join"));

    let roles = found("workshop-cAADRoleSetting.yml");
    // As above: Global Administrator's alerts are set, the other roles' are not.
    assert!(
        has(&roles, "privileged-assignment-alert-missing", 2, 5),
        "{roles:?}"
    );
    assert!(
        // Nobody is made eligible in this file: what would happen once someone is.
        has(&roles, "ga-activation-approval-not-set", 2, 5),
        "{roles:?}"
    );
    assert!(
        !roles
            .iter()
            .any(|(r, ..)| r == "privileged-role-admin-activation-without-approval")
    );

    let policies = found("workshop-cAADConditionalAccessPolicy.yml");
    assert!(
        policies.iter().any(|(r, ..)| r == "policy-includes-nobody"),
        "{policies:?}"
    );
}

#[test]
fn deep_nesting_is_reported_not_a_stack_overflow() {
    let mut text = String::from("Configuration C { Node n { AADAuthorizationPolicy 'p' {\n X = ");
    text.push_str(&"@(".repeat(100_000));
    text.push_str(&")".repeat(100_000));
    text.push_str("\n} } }\n");
    let report = check_source("deep.ps1", text.as_bytes(), false, None).unwrap();
    assert_eq!(report.diagnostics.len(), 1);
    assert_eq!(report.diagnostics[0].code, "syntax-error");
    assert!(report.diagnostics[0].message.contains("nest deeper"));
}

#[test]
fn a_property_set_twice_is_reported() {
    let found = found("duplicate-property.ps1");
    assert!(has(&found, "duplicate-key", 9, 13), "{found:?}");
    assert!(
        !found
            .iter()
            .any(|(r, ..)| r == "m365-group-creation-by-users")
    );
}

#[test]
fn encodings_of_dsc_files() {
    let text = "Configuration C\r\n{\r\n Node n\r\n {\r\n  AADAuthorizationPolicy 'p'\r\n  {\r\n   AllowInvitesFrom = 'everyone'\r\n  }\r\n }\r\n}\r\n";
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let mut be = vec![0xFE, 0xFF];
    let mut le = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        be.extend_from_slice(&unit.to_be_bytes());
        le.extend_from_slice(&unit.to_le_bytes());
    }
    for bytes in [be, le, text.as_bytes().to_vec()] {
        let report = check_source("c.ps1", &bytes, false, Some(&rules)).unwrap();
        let finding = report
            .diagnostics
            .iter()
            .find(|d| d.code == "guest-invites-by-everyone")
            .unwrap();
        let at = report.source.line_col(finding.span.start);
        assert_eq!((at.line, at.column), (7, 23));
    }
    // UTF-16 without its byte-order mark: reported when it is a configuration, so the NUL bytes
    // of the ASCII text show.
    let no_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let report = check_source("c.ps1", &no_bom, true, None);
    assert!(report.is_none_or(|r| r.diagnostics.iter().all(|d| d.code == "invalid-encoding")));
    // Some other script in a legacy encoding is not a tenant file.
    assert!(check_source("tool.ps1", b"Write-Host 'caf\xe9'\n", false, None).is_none());
    let broken = b"Configuration C {\n Node n { AADAuthorizationPolicy 'p' { AllowInvitesFrom = 'caf\xe9' } }\n}\n";
    let report = check_source("c.ps1", broken, false, None).unwrap();
    assert_eq!(report.diagnostics[0].code, "invalid-encoding");
}

#[test]
fn folder_walks_read_dsc_files_and_skip_other_scripts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/dsc/not-a-configuration.ps1",
        dir.path().join("deploy.ps1"),
    )
    .unwrap();
    std::fs::copy(
        "tests/fixtures/dsc/configuration-data.psd1",
        dir.path().join("ConfigurationData.psd1"),
    )
    .unwrap();
    std::fs::copy(
        "tests/fixtures/dsc/groups-settings-absent.ps1",
        dir.path().join("M365TenantConfig.ps1"),
    )
    .unwrap();
    let output = assert_cmd::Command::cargo_bin("entralint")
        .unwrap()
        .args(["check", "--format", "short"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stdout.contains("M365TenantConfig.ps1:13:9: warning:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[m365-group-creation-by-users]"),
        "{stdout}"
    );
    assert!(!stdout.contains("deploy.ps1") && !stderr.contains("deploy.ps1"));
    assert!(!stdout.contains("ConfigurationData") && !stderr.contains("ConfigurationData"));
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn inline_suppressions_work_in_powershell_comments() {
    let report = check(Path::new("tests/fixtures/dsc/inline-suppression.ps1")).unwrap();
    let finding = report
        .diagnostics
        .iter()
        .find(|d| d.code == "guest-invites-by-everyone")
        .unwrap();
    assert_eq!(report.source.line_col(finding.span.start).line, 9);
    let suppression = finding.suppression.as_ref().unwrap();
    assert_eq!(suppression.reason, "partner onboarding, reviewed monthly");
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code == "unused-suppression")
    );
}

#[test]
fn the_admin_consent_request_policy_is_one_switch_with_the_directory_setting() {
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let text = "Configuration M365TenantConfig\n{\n    Node localhost\n    {\n        AADAdminConsentRequestPolicy 'AdminConsentRequestPolicy'\n        {\n            IsSingleInstance      = 'Yes'\n            IsEnabled             = $True\n            NotifyReviewers       = $True\n            RemindersEnabled      = $True\n            RequestDurationInDays = 30\n        }\n    }\n}\n";
    let report = check_source("consent.ps1", text.as_bytes(), false, Some(&rules)).unwrap();
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
    // The workflow is on: neither place holding the switch is reported, and no default is judged.
    for rule in [
        "admin-consent-workflow-disabled",
        "admin-consent-requests-setting-off",
        "admin-consent-requests-conflict",
    ] {
        assert!(!codes.contains(&rule), "{codes:?}");
    }
    // No reviewers can be read from DSC, so the workflow is reported as unseen.
    assert!(codes.contains(&"admin-consent-workflow-weak"), "{codes:?}");
}
