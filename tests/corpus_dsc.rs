//! The public Microsoft365DSC examples and Microsoft365DscWorkshop files in ../shared/samples:
//! each loads (or is recognised as holding nothing entralint checks) and gives the findings its
//! settings call for, at the assignment that sets them. Skipped when the folder is absent.

use std::path::PathBuf;

use entralint::check::check_source;
use entralint::rules::{RuleSet, Selection};

fn samples() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    dir.is_dir().then_some(dir)
}

/// (rule, line, column) of every diagnostic; None when the file is not a tenant file.
fn check(
    rules: &RuleSet,
    dir: &std::path::Path,
    name: &str,
) -> Option<Vec<(String, usize, usize)>> {
    let bytes = std::fs::read(dir.join(name)).unwrap();
    let report = check_source(name, &bytes, false, Some(rules))?;
    Some(
        report
            .diagnostics
            .iter()
            .map(|d| {
                let at = report.source.line_col(d.span.start);
                (d.code.clone(), at.line, at.column)
            })
            .collect(),
    )
}

fn has(found: &[(String, usize, usize)], rule: &str, line: usize, column: usize) -> bool {
    found
        .iter()
        .any(|(r, l, c)| r == rule && *l == line && *c == column)
}

/// Asserts each finding `(rule, line, column)` is among those found.
fn assert_has_all(found: &[(String, usize, usize)], expected: &[(&str, usize, usize)]) {
    for &(rule, line, column) in expected {
        assert!(
            has(found, rule, line, column),
            "{rule} at {line}:{column}: {found:?}"
        );
    }
}

fn lacks(found: &[(String, usize, usize)], rule: &str) -> bool {
    !found.iter().any(|(r, ..)| r == rule)
}

fn no_load_errors(found: &[(String, usize, usize)]) -> bool {
    [
        "syntax-error",
        "wrong-type",
        "invalid-value",
        "unknown-key",
        "unknown-role",
    ]
    .iter()
    .all(|code| lacks(found, code))
}

#[test]
fn microsoft365dsc_resource_examples() {
    let Some(dir) = samples() else {
        println!("skipped: ../shared/samples is not there");
        return;
    };
    let rules = RuleSet::load(&Selection::default()).unwrap();

    let policy = check(
        &rules,
        &dir,
        "m365dsc_example_AADAuthorizationPolicy_2-Update.ps1",
    )
    .unwrap();
    assert!(no_load_errors(&policy), "{policy:?}");
    assert_has_all(
        &policy,
        &[
            ("email-verified-join", 31, 65),
            ("guest-invites-by-everyone", 32, 65),
            ("email-based-subscription-signup", 33, 65),
            ("users-can-register-apps", 36, 65),
            ("security-group-creation-by-users", 37, 65),
            ("guest-access-not-most-restrictive", 39, 65),
        ],
    );
    // `PermissionGrantPolicyIdsAssignedToDefaultUserRole = @()`: user consent is off.
    assert!(lacks(&policy, "user-consent-any-app"), "{policy:?}");
    // `ApplicationId = $ApplicationId` and the like carry no setting: nothing unresolved.
    assert!(lacks(&policy, "unresolved-value"), "{policy:?}");

    let groups = check(
        &rules,
        &dir,
        "m365dsc_example_AADGroupsSettings_2-Update.ps1",
    )
    .unwrap();
    assert!(no_load_errors(&groups), "{groups:?}");
    assert_has_all(
        &groups,
        &[
            ("guests-can-own-m365-groups", 29, 45),
            ("m365-group-creation-by-users", 31, 45),
        ],
    );

    // Custom list off, on-premises protection off, a 30-second lockout.
    let passwords = check(
        &rules,
        &dir,
        "m365dsc_example_AADPasswordRuleSettings_1-Update.ps1",
    )
    .unwrap();
    assert!(no_load_errors(&passwords), "{passwords:?}");
    assert_has_all(
        &passwords,
        &[
            ("smart-lockout-duration-too-short", 29, 51),
            ("on-premises-password-protection-disabled", 31, 51),
            ("custom-banned-passwords-not-enforced", 32, 51),
        ],
    );
    // `LockoutThreshold = 6` is within the limit; `BannedPasswordList = $null` is not declared.
    assert!(
        lacks(&passwords, "smart-lockout-threshold-too-high"),
        "{passwords:?}"
    );
    assert!(lacks(&passwords, "unresolved-value"), "{passwords:?}");

    let leave = check(
        &rules,
        &dir,
        "m365dsc_example_AADExternalIdentityPolicy_2-Update.ps1",
    )
    .unwrap();
    assert!(no_load_errors(&leave), "{leave:?}");

    // Four reviewers, one named with `$TenantId` (left out, and said so): the workflow has
    // reviewers, and is weak only because `NotifyReviewers = $False`.
    let name = "m365dsc_example_AADAdminConsentRequestPolicy_2-Update.ps1";
    let consent = check(&rules, &dir, name).unwrap();
    assert!(no_load_errors(&consent), "{consent:?}");
    assert!(has(&consent, "unresolved-value", 36, 37), "{consent:?}");
    let bytes = std::fs::read(dir.join(name)).unwrap();
    let report = check_source(name, &bytes, false, Some(&rules)).unwrap();
    let weak: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "admin-consent-workflow-weak")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        weak,
        ["the admin consent workflow is on but reviewers are not notified"]
    );

    // `SelfServiceSignUpEnabled = $true`: the guest self-service sign-up switch is on.
    let flows = check(
        &rules,
        &dir,
        "m365dsc_example_AADAuthenticationFlowPolicy_2-Update.ps1",
    )
    .unwrap();
    assert!(no_load_errors(&flows), "{flows:?}");
    assert!(
        has(&flows, "guest-self-service-signup-enabled", 34, 40),
        "{flows:?}"
    );
    assert!(
        lacks(&flows, "guest-self-service-signup-conflict"),
        "{flows:?}"
    );

    let setting = check(&rules, &dir, "m365dsc_example_AADRoleSetting_2-Update.ps1").unwrap();
    assert!(no_load_errors(&setting), "{setting:?}");
    assert!(
        has(&setting, "privileged-activation-alert-missing", 44, 73),
        "{setting:?}"
    );

    // `Principal = "AdeleV@$TenantId"`: only PowerShell knows who that is.
    for (name, line) in [
        (
            "m365dsc_example_AADRoleAssignmentScheduleRequest_1-Create.ps1",
            33,
        ),
        (
            "m365dsc_example_AADRoleEligibilityScheduleRequest_1-Create.ps1",
            28,
        ),
    ] {
        let request = check(&rules, &dir, name).unwrap();
        let problems: Vec<_> = request
            .iter()
            .filter(|(r, ..)| r != "unresolved-value")
            .filter(|(r, ..)| entralint::diagnostic::is_load_check(r))
            .collect();
        assert!(problems.is_empty(), "{request:?}");
        assert!(
            request.contains(&("unresolved-value".to_string(), line, 36)),
            "{request:?}"
        );
    }

    // Security defaults off, and no Conditional Access: nobody needs MFA.
    let defaults = check(
        &rules,
        &dir,
        "m365dsc_example_AADSecurityDefaults_2-Update.ps1",
    )
    .unwrap();
    assert!(
        defaults.contains(&("mfa-not-required-for-all-users".to_string(), 32, 36)),
        "{defaults:?}"
    );

    // The authentication methods resources: each block is one method of one policy.
    let policy = check(
        &rules,
        &dir,
        "m365dsc_example_AADAuthenticationMethodPolicy_2-Update.ps1",
    )
    .unwrap();
    assert!(no_load_errors(&policy), "{policy:?}");
    assert_has_all(
        &policy,
        &[("authentication-methods-migration-incomplete", 30, 39)],
    );
    // `SnoozeDurationInDays = (Get-Random …)` is reported, and not declared.
    assert!(has(&policy, "unresolved-value", 34, 44), "{policy:?}");
    let methods: &[(&str, &str, usize, usize)] = &[
        (
            "m365dsc_example_AADAuthenticationMethodPolicyAuthenticator_2-Update.ps1",
            "authenticator-location-not-shown",
            43,
            29,
        ),
        (
            "m365dsc_example_AADAuthenticationMethodPolicyFido2_2-Update.ps1",
            "fido2-attestation-not-enforced",
            48,
            48,
        ),
        (
            "m365dsc_example_AADAuthenticationMethodPolicySms_2-Update.ps1",
            "sms-method-enabled",
            44,
            36,
        ),
        (
            "m365dsc_example_AADAuthenticationMethodPolicyTemporary_2-Update.ps1",
            "temporary-access-pass-reusable",
            46,
            40,
        ),
    ];
    for &(name, rule, line, column) in methods {
        let found = check(&rules, &dir, name).unwrap();
        assert!(no_load_errors(&found), "{name}: {found:?}");
        assert!(has(&found, rule, line, column), "{name}: {found:?}");
        assert!(lacks(&found, "unresolved-value"), "{name}: {found:?}");
    }

    // The cross-tenant access resources: the default configuration is Microsoft's own, and the
    // partner redeems invitations without the consent prompt.
    let default = check(
        &rules,
        &dir,
        "m365dsc_example_AADCrossTenantAccessPolicyConfigurationDefault_2-Update.ps1",
    )
    .unwrap();
    assert!(no_load_errors(&default), "{default:?}");
    assert!(
        default
            .iter()
            .all(|(r, ..)| !r.starts_with("cross-tenant-")),
        "{default:?}"
    );
    let partner = check(
        &rules,
        &dir,
        "m365dsc_example_AADCrossTenantAccessPolicyConfigurationPartner_1-Create.ps1",
    )
    .unwrap();
    assert!(no_load_errors(&partner), "{partner:?}");
    assert_has_all(
        &partner,
        &[("cross-tenant-automatic-redemption-on", 29, 44)],
    );

    // Configurations that declare little are still Entra configurations: Entra's defaults apply to
    // everything they leave out, and are judged (the cross-tenant policy's cloud endpoints are
    // read; tenant details have no counterpart in the tenant format).
    for name in [
        "m365dsc_example_AADCrossTenantAccessPolicy_2-Update.ps1",
        "m365dsc_example_AADTenantDetails_2-Update.ps1",
    ] {
        let found = check(&rules, &dir, name).unwrap();
        assert!(no_load_errors(&found), "{name}: {found:?}");
        assert!(
            found.iter().any(|(r, ..)| r == "guest-invites-by-everyone"),
            "{name}: {found:?}"
        );
    }
}

#[test]
fn microsoft365dscworkshop_files() {
    let Some(dir) = samples() else {
        println!("skipped: ../shared/samples is not there");
        return;
    };
    let rules = RuleSet::load(&Selection::default()).unwrap();

    let policy = check(
        &rules,
        &dir,
        "m365dscworkshop_1-AllTenantsConfig_AzureAd_cAADAuthorizationPolicy.yml",
    )
    .unwrap();
    assert!(no_load_errors(&policy), "{policy:?}");
    assert_has_all(
        &policy,
        &[
            ("email-verified-join", 4, 44),
            ("guest-invites-by-everyone", 5, 19),
            ("users-can-register-apps", 9, 37),
        ],
    );
    // The consent list is commented out, so Entra's default (Microsoft's managed policy) applies.
    assert!(
        policy
            .iter()
            .any(|(r, ..)| r == "user-consent-microsoft-managed"),
        "{policy:?}"
    );

    let groups = check(
        &rules,
        &dir,
        "m365dscworkshop_1-AllTenantsConfig_AzureAd_cAADGroupsSettings.yml",
    )
    .unwrap();
    assert!(no_load_errors(&groups), "{groups:?}");
    assert!(lacks(&groups, "guests-can-own-m365-groups"), "{groups:?}");
    assert!(lacks(&groups, "m365-group-creation-by-users"), "{groups:?}");

    let setting = check(
        &rules,
        &dir,
        "m365dscworkshop_2-EnvironmentConfig_Dev_AzureAd_cAADRoleSetting.yml",
    )
    .unwrap();
    assert!(no_load_errors(&setting), "{setting:?}");
    assert!(
        has(&setting, "privileged-activation-alert-missing", 2, 18),
        "{setting:?}"
    );

    let defaults = check(
        &rules,
        &dir,
        "m365dscworkshop_1-AllTenantsConfig_AzureAd_cAADSecurityDefaults.yml",
    )
    .unwrap();
    assert!(
        defaults.contains(&("mfa-not-required-for-all-users".to_string(), 3, 12)),
        "{defaults:?}"
    );
    assert_eq!(
        check(
            &rules,
            &dir,
            "m365dscworkshop_2-EnvironmentConfig_Dev_AzureAd_cAADTenantDetails.yml"
        ),
        None
    );
}

/// Every DSC sample cut at every character still loads without a panic, with spans in the text.
#[test]
fn cut_samples_never_panic() {
    let Some(dir) = samples() else {
        println!("skipped: ../shared/samples is not there");
        return;
    };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("m365dsc"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        for (cut, _) in text.char_indices() {
            let Some(report) = check_source(&name, &text.as_bytes()[..cut], true, None) else {
                continue;
            };
            for d in &report.diagnostics {
                assert!(
                    d.span.end as usize <= report.source.text.len(),
                    "{name} cut at {cut}"
                );
            }
        }
    }
}
