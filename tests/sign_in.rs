//! Security defaults and Conditional Access: the coverage evaluator's judgements, bad input in the
//! sign-in sections, the readers (Graph folders of one-policy files written by PowerShell,
//! Microsoft365DSC configurations holding only policies), the permissions rows, and the public
//! samples in ../shared/samples (skipped, with a note, where that folder is absent).

use std::path::PathBuf;

use assert_cmd::Command;
use entralint::check::check_source;
use entralint::model::coverage::{self, Population, Requirement};
use entralint::rules::{RuleSet, Selection};

#[path = "common/controls.rs"]
mod controls;

fn rules() -> RuleSet {
    RuleSet::load(&Selection::default()).unwrap()
}

/// `(code, line, column, message)` of every diagnostic of a tenant snippet.
fn check(text: &str) -> Vec<(String, usize, usize, String)> {
    let report = check_source("t.yaml", text.as_bytes(), true, Some(&rules())).unwrap();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let at = report.source.line_col(d.span.start);
            (d.code.clone(), at.line, at.column, d.message.clone())
        })
        .collect()
}

fn only<'a>(
    found: &'a [(String, usize, usize, String)],
    code: &str,
) -> Vec<&'a (String, usize, usize, String)> {
    found.iter().filter(|f| f.0 == code).collect()
}

fn model(text: &str) -> entralint::model::Model {
    let loaded = entralint::load::load("t.yaml", text.as_bytes());
    let mut diagnostics = loaded.diagnostics;
    entralint::model::normalise(&loaded.document, &mut diagnostics).unwrap()
}

const MFA_ALL: &str = "
tenant: {name: contoso, breakGlass: [bg1@contoso.com, breakglass-group]}
groups:
  - {id: breakglass-group, members: [bg1@contoso.com]}
  - {id: outer, members: [inner]}
  - {id: inner, members: [carol@contoso.com, dave@contoso.com]}
conditionalAccessPolicies:
  - displayName: MFA
    state: enabled
    conditions:
      users: {includeUsers: [All], excludeUsers: [bg1@contoso.com], excludeGroups: [breakglass-group, EXCLUDED]}
      applications: {includeApplications: [All]}
    grantControls: {operator: OR, builtInControls: [mfa]}
";

#[test]
fn exclusions_count_members_through_nested_groups_and_spare_break_glass() {
    let text = MFA_ALL.replace("EXCLUDED", "outer");
    let coverage = coverage::evaluate(&model(&text).tenant);
    let verdict = coverage
        .verdict(Requirement::Mfa, Population::AllUsers)
        .unwrap();
    assert!(!verdict.covered);
    assert_eq!(
        verdict.gaps,
        ["`MFA` excludes group `outer` (2 members)"],
        "{verdict:?}"
    );
    assert_eq!(
        verdict.at,
        "conditionalAccessPolicies[0].conditions.users.excludeGroups"
    );
    // With only the break-glass accounts and their group excluded, everyone is covered.
    let text = MFA_ALL.replace(", EXCLUDED", "");
    let coverage = coverage::evaluate(&model(&text).tenant);
    let verdict = coverage
        .verdict(Requirement::Mfa, Population::AllUsers)
        .unwrap();
    assert!(verdict.covered, "{verdict:?}");
    assert_eq!(verdict.by, ["MFA"]);
}

#[test]
fn a_second_policy_covers_who_the_first_excludes() {
    let text = format!(
        "{}  - displayName: MFA for the excluded
    state: enabled
    conditions:
      users: {{includeGroups: [inner]}}
      applications: {{includeApplications: [All]}}
    grantControls: {{operator: AND, builtInControls: [mfa, compliantDevice]}}
",
        MFA_ALL.replace("EXCLUDED", "outer")
    );
    let coverage = coverage::evaluate(&model(&text).tenant);
    let verdict = coverage
        .verdict(Requirement::Mfa, Population::AllUsers)
        .unwrap();
    assert!(verdict.covered, "{verdict:?}");
}

#[test]
fn an_undeclared_excluded_group_is_reported_once_and_left_uncovered() {
    let text = MFA_ALL.replace("EXCLUDED", "contractors");
    let found = check(&text);
    let unresolved = only(&found, "unresolved-reference");
    assert_eq!(unresolved.len(), 1, "{found:?}");
    assert_eq!((unresolved[0].1, unresolved[0].2), (11, 103));
    let gap = only(&found, "mfa-not-required-for-all-users");
    assert_eq!(gap.len(), 1, "{found:?}");
    assert!(
        gap[0]
            .3
            .contains("excludes group `contractors`, whose members the file does not declare"),
        "{}",
        gap[0].3
    );
}

#[test]
fn security_defaults_cover_mfa_and_legacy_but_not_risk() {
    let coverage = coverage::evaluate(&model("securityDefaults: {isEnabled: true}\n").tenant);
    for (requirement, population, covered) in [
        (Requirement::Mfa, Population::AllUsers, true),
        (Requirement::Mfa, Population::Admins, true),
        (Requirement::BlockLegacy, Population::AllUsers, true),
        (Requirement::PhishingResistant, Population::Admins, false),
        (Requirement::BlockHighUserRisk, Population::AllUsers, false),
    ] {
        let verdict = coverage.verdict(requirement, population).unwrap();
        assert_eq!(verdict.covered, covered, "{requirement:?} {population:?}");
    }
}

#[test]
fn security_defaults_with_an_enabled_policy_are_inconsistent() {
    let found = check(
        "securityDefaults: {isEnabled: true}
conditionalAccessPolicies:
  - {displayName: Block, state: enabled, grantControls: {builtInControls: [block]}}
",
    );
    let conflict = only(&found, "conflicting-sign-in-settings");
    assert_eq!(conflict.len(), 1, "{found:?}");
    assert_eq!((conflict[0].1, conflict[0].2), (1, 31));
}

#[test]
fn nothing_declared_is_not_assumed_safe() {
    let found = check("tenant: {name: contoso}\n");
    let gap = only(&found, "mfa-not-required-for-all-users");
    assert_eq!(gap.len(), 1);
    assert_eq!((gap[0].1, gap[0].2), (1, 1));
    assert!(gap[0].3.contains("October 2019"), "{}", gap[0].3);
    // The other sign-in rules stay quiet: one finding says that nothing is declared.
    assert!(only(&found, "legacy-authentication-not-blocked").is_empty());
}

#[test]
fn bad_input_is_reported_at_its_key() {
    let found = check(
        "namedLocations:
  - {displayName: Office, id: loc-1, ipRanges: [{cidrAddress: 192.0.2.0/24}]}
conditionalAccessPolicies:
  - displayName: Bad
    state: enabledd
    conditions:
      users: {includeUsers: [All], includeRoles: [Global Admin]}
      locations: {includeLocations: [loc-2]}
      authenticationFlows: {transferMethods: deviceCode}
    grantControls: {builtInControls: [mfaa], authenticationStrength: Strong MFA}
    sesionControls: {}
",
    );
    let at = |code: &str| -> Vec<(usize, usize)> {
        only(&found, code).iter().map(|f| (f.1, f.2)).collect()
    };
    assert_eq!(
        at("invalid-value"),
        [(5, 12), (9, 46), (10, 39)],
        "{found:?}"
    );
    assert_eq!(at("unknown-role"), [(7, 51)]);
    assert_eq!(at("unknown-location"), [(8, 38)]);
    assert_eq!(at("unknown-authentication-strength"), [(10, 70)]);
    assert_eq!(at("unknown-key"), [(11, 5)]);
    let typo = only(&found, "invalid-value");
    assert!(typo[0].3.contains("enabledd"), "{typo:?}");
}

/// PowerShell writes one file per policy as UTF-16LE with a byte-order mark and CRLF.
fn write_utf16(path: &std::path::Path, json: &str) {
    let mut bytes = vec![0xff, 0xfe];
    for unit in json.replace('\n', "\r\n").encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_folder_of_policy_files_is_one_tenant_with_findings_in_each_file() {
    let dir = tempfile::tempdir().unwrap();
    write_utf16(
        &dir.path().join("block-legacy.json"),
        r##"{
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies/$entity",
    "id": "1",
    "displayName": "Block legacy",
    "state": "enabled",
    "conditions": {
        "@odata.type": "#microsoft.graph.conditionalAccessConditionSet",
        "users": {"includeUsers": ["All"]},
        "applications": {"includeApplications": ["All"]},
        "clientAppTypes": ["exchangeActiveSync", "other"]
    },
    "grantControls": {"operator": "OR", "builtInControls": ["block"], "authenticationStrength@odata.context": "x"}
}"##,
    );
    write_utf16(
        &dir.path().join("require-mfa.json"),
        r##"{
    "id": "2",
    "displayName": "Require MFA",
    "state": "enabledForReportingButNotEnforced",
    "conditions": {
        "users": {"includeUsers": ["All"]},
        "applications": {"includeApplications": ["All"]}
    },
    "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}
}"##,
    );
    let output = Command::cargo_bin("entralint")
        .unwrap()
        .args(["check", "--format", "short"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let mfa = stdout
        .lines()
        .find(|l| l.contains("[mfa-not-required-for-all-users]"))
        .unwrap();
    assert!(mfa.contains("require-mfa.json:4:14:"), "{mfa}");
    assert!(mfa.contains("`Require MFA` is report-only"), "{mfa}");
    // Legacy authentication is judged across the folder: the other file blocks it.
    assert!(
        !stdout.contains("legacy-authentication-not-blocked"),
        "{stdout}"
    );
    assert!(!stdout.contains("unknown-key"), "{stdout}");
    // `import` turns the folder into one tenant file of both policies.
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("tenant.yaml");
    Command::cargo_bin("entralint")
        .unwrap()
        .arg("import")
        .arg(dir.path())
        .arg("-o")
        .arg(&target)
        .assert()
        .code(0);
    let imported = std::fs::read_to_string(&target).unwrap();
    assert!(imported.starts_with("# Imported by"), "{imported}");
    assert!(
        imported.contains("conditionalAccessPolicies:"),
        "{imported}"
    );
    assert!(
        imported.contains("displayName: \"Require MFA\""),
        "{imported}"
    );
}

#[test]
fn a_dsc_configuration_of_policies_alone_is_a_tenant_document() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("M365TenantConfig.ps1");
    std::fs::write(
        &path,
        r#"Configuration M365TenantConfig
{
    Import-DscResource -ModuleName 'Microsoft365DSC'
    Node localhost
    {
        AADConditionalAccessPolicy 'BlockLegacy'
        {
            DisplayName          = "Block legacy authentication";
            State                = "enabledForReportingButNotEnforced";
            IncludeUsers         = @("All");
            IncludeApplications  = @("All");
            ClientAppTypes       = @("exchangeActiveSync", "other");
            BuiltInControls      = @("mfa");
            GrantControlOperator = "OR";
            Ensure               = "Present";
        }
    }
}
"#,
    )
    .unwrap();
    let output = Command::cargo_bin("entralint")
        .unwrap()
        .args(["check", "--format", "short"])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "M365TenantConfig.ps1:9:36: info: `Block legacy authentication` is in report-only mode"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("[legacy-authentication-not-blocked]"),
        "{stdout}"
    );
}

#[test]
fn permissions_show_who_signs_in_with_a_password_alone() {
    let output = Command::cargo_bin("entralint")
        .unwrap()
        .args([
            "permissions",
            "examples/conditional-access-gaps.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let row = |id: &str| {
        json["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap()
    };
    let password = row("sign-in-with-password-alone");
    assert_eq!(password["cells"][0]["access"], "yes");
    assert!(
        password["cells"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("`SEC001 Require MFA for all users` is report-only")
    );
    assert_eq!(
        row("use-legacy-authentication")["cells"][1]["access"],
        "yes"
    );
    let output = Command::cargo_bin("entralint")
        .unwrap()
        .args([
            "permissions",
            "examples/secure-workforce.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let cells = json["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            [
                "sign-in-with-password-alone",
                "use-legacy-authentication",
                "administer-with-password-alone",
            ]
            .contains(&r["id"].as_str().unwrap())
        })
        .flat_map(|r| r["cells"].as_array().unwrap().clone())
        .collect::<Vec<_>>();
    assert_eq!(cells.len(), 6);
    assert!(cells.iter().all(|c| c["access"] == "no"), "{cells:?}");
}

fn samples() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: no samples folder at {}", dir.display());
        None
    }
}

/// The public samples for the sign-in endpoints and resources load without a load problem, and
/// give these findings (rule, line).
#[test]
fn sign_in_samples() {
    let Some(dir) = samples() else { return };
    let rules = rules();
    let cases: &[(&str, &[(&str, usize)])] = &[
        (
            "graph-docs_v1.0_conditionalAccessPolicy-get_response.json",
            &[
                ("policy-disabled", 7),
                ("mfa-not-required-for-all-users", 72),
                ("unresolved-reference", 67),
            ],
        ),
        (
            "graph-docs_v1.0_conditionalAccessPolicy-list_response.json",
            &[
                ("policy-disabled", 9),
                ("legacy-authentication-not-blocked", 9),
                ("mfa-not-required-for-all-users", 50),
            ],
        ),
        (
            "graph-docs_v1.0_namedLocation-list_response.json",
            &[("mfa-not-required-for-all-users", 3)],
        ),
        (
            "graph-docs_v1.0_authenticationStrengthPolicy-list_response.json",
            &[("mfa-not-required-for-all-users", 3)],
        ),
        (
            "graph-docs_v1.0_identitySecurityDefaultsEnforcementPolicy-get_response.json",
            &[("high-user-risk-not-blocked", 5)],
        ),
        (
            "scubagear_ProviderSettingsExport_aad-excerpt.json",
            &[("phishing-resistant-mfa-not-required", 107)],
        ),
        (
            "m365dsc_example_AADConditionalAccessPolicy_1-Create.ps1",
            &[
                ("policy-disabled", 44),
                ("mfa-not-required-for-all-users", 32),
                ("unresolved-value", 36),
            ],
        ),
        (
            "m365dsc_example_AADNamedLocationPolicy_1-Create.ps1",
            &[("mfa-not-required-for-all-users", 25)],
        ),
        (
            "m365dsc_example_AADAuthenticationStrengthPolicy_1-Create.ps1",
            &[("mfa-not-required-for-all-users", 25)],
        ),
        (
            "m365dsc_example_AADSecurityDefaults_2-Update.ps1",
            &[
                ("mfa-not-required-for-all-users", 32),
                ("legacy-authentication-not-blocked", 32),
            ],
        ),
        (
            "m365dscworkshop_1-AllTenantsConfig_AzureAd_cAADSecurityDefaults.yml",
            &[("mfa-not-required-for-all-users", 3)],
        ),
    ];
    for (name, expected) in cases {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let report = check_source(name, &bytes, false, Some(&rules))
            .unwrap_or_else(|| panic!("{name} is not recognised as a tenant document"));
        let found: Vec<(String, usize)> = report
            .diagnostics
            .iter()
            .map(|d| (d.code.clone(), report.source.line_col(d.span.start).line))
            .collect();
        for code in [
            "syntax-error",
            "unknown-key",
            "wrong-type",
            "invalid-value",
            "unknown-role",
            "rule-error",
        ] {
            assert!(
                !found.iter().any(|(c, _)| c == code),
                "{name}: unexpected {code}: {found:?}"
            );
        }
        for (rule, line) in *expected {
            assert!(
                found.iter().any(|(c, l)| c == rule && l == line),
                "{name}: expected {rule} on line {line}, found {found:?}"
            );
        }
    }
}

/// Every control a sign-in rule cites is listed, with its source, in rules/data/sign-in-controls.yaml.
#[test]
fn cited_controls_have_a_recorded_source() {
    controls::assert_cited_controls_sourced(
        "rules/signin/",
        "rules/data/sign-in-controls.yaml",
        &["cisa", "cis-m365", "zero-trust"],
        14,
    );
}

/// One enabled policy for all users and all resources, with the given extra lines.
fn one_policy(extra: &str) -> String {
    format!(
        "conditionalAccessPolicies:\n  - displayName: P\n    state: enabled\n    conditions:\n      users: {{includeUsers: [All]}}\n      applications: {{includeApplications: [All]}}\n{extra}"
    )
}

fn covered(text: &str, requirement: Requirement, population: Population) -> bool {
    coverage::evaluate(&model(text).tenant)
        .verdict(requirement, population)
        .unwrap()
        .covered
}

#[test]
fn a_password_change_after_mfa_remediates_high_user_risk_but_does_not_block_it() {
    let change = one_policy(
        "      userRiskLevels: [high]\n    grantControls: {operator: AND, builtInControls: [mfa, passwordChange]}\n",
    );
    assert!(covered(
        &change,
        Requirement::RemediateHighUserRisk,
        Population::AllUsers
    ));
    assert!(!covered(
        &change,
        Requirement::BlockHighUserRisk,
        Population::AllUsers
    ));
    // Either control alone (operator OR) lets the user through with one of them.
    let either = change.replace("operator: AND", "operator: OR");
    assert!(!covered(
        &either,
        Requirement::RemediateHighUserRisk,
        Population::AllUsers
    ));
}

#[test]
fn sign_in_risk_needs_high_and_medium_in_one_policy() {
    let high = one_policy(
        "      signInRiskLevels: [high]\n    grantControls: {operator: OR, builtInControls: [mfa]}\n",
    );
    assert!(!covered(
        &high,
        Requirement::ChallengeSignInRisk,
        Population::AllUsers
    ));
    let both = high.replace("[high]", "[high, medium]");
    assert!(covered(
        &both,
        Requirement::ChallengeSignInRisk,
        Population::AllUsers
    ));
    assert!(!covered(
        &both,
        Requirement::BlockSignInRisk,
        Population::AllUsers
    ));
    let blocked = both.replace("[mfa]", "[block]");
    assert!(covered(
        &blocked,
        Requirement::BlockSignInRisk,
        Population::AllUsers
    ));
}

#[test]
fn sign_in_frequencies_are_read_in_hours_and_days() {
    let session = |frequency: &str| {
        one_policy(&format!(
            "    sessionControls:\n      signInFrequency: {frequency}\n      persistentBrowser: {{isEnabled: true, mode: never}}\n"
        ))
    };
    let week = session("{isEnabled: true, value: 7, type: days, frequencyInterval: timeBased}");
    assert!(covered(
        &week,
        Requirement::LimitSessions,
        Population::AllUsers
    ));
    assert!(!covered(
        &week,
        Requirement::LimitAdminSessions,
        Population::Admins
    ));
    let eight_days = session("{isEnabled: true, value: 8, type: days}");
    assert!(!covered(
        &eight_days,
        Requirement::LimitSessions,
        Population::AllUsers
    ));
    let four_hours = session("{isEnabled: true, value: 4, type: hours}");
    assert!(covered(
        &four_hours,
        Requirement::LimitAdminSessions,
        Population::Admins
    ));
    let every_time = session("{isEnabled: true, frequencyInterval: everyTime}");
    assert!(covered(
        &every_time,
        Requirement::LimitAdminSessions,
        Population::Admins
    ));
    let off = session("{isEnabled: false, value: 1, type: hours}");
    assert!(!covered(
        &off,
        Requirement::LimitSessions,
        Population::AllUsers
    ));
    // A persistent browser session keeps administrators signed in whatever the frequency.
    let persistent = four_hours.replace("mode: never", "mode: always");
    assert!(!covered(
        &persistent,
        Requirement::LimitAdminSessions,
        Population::Admins
    ));
}

#[test]
fn the_cis_profile_accepts_a_password_change_and_asks_medium_sign_in_risk_to_be_blocked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    let text = one_policy(
        "      userRiskLevels: [high]\n    grantControls: {operator: AND, builtInControls: [mfa, passwordChange]}\n",
    ) + "  - displayName: Q\n    state: enabled\n    conditions:\n      users: {includeUsers: [All]}\n      applications: {includeApplications: [All]}\n      signInRiskLevels: [high]\n    grantControls: {operator: OR, builtInControls: [block]}\n";
    std::fs::write(&path, text).unwrap();
    let rules_of = |profile: &str| {
        let out = Command::cargo_bin("entralint")
            .unwrap()
            .args(["check", "--format", "json", "--profile", profile])
            .arg(&path)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let cisa = rules_of("cisa");
    assert!(cisa.iter().any(|r| r == "high-user-risk-not-blocked"));
    assert!(!cisa.iter().any(|r| r == "high-sign-in-risk-not-blocked"));
    let cis = rules_of("cis-m365");
    assert!(!cis.iter().any(|r| r == "high-user-risk-not-blocked"));
    assert!(cis.iter().any(|r| r == "high-sign-in-risk-not-blocked"));
}
