//! The public Graph documentation responses in ../shared/samples: each loads, and yields the
//! findings its values call for. Skipped (with a note) where the samples folder is absent.

use std::path::PathBuf;

use entralint::check::check_source;
use entralint::diagnostic::Severity;
use entralint::rules::{RuleSet, Selection};

fn samples() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: no samples folder at {}", dir.display());
        None
    }
}

/// `(rule, line)` of every diagnostic of one sample.
fn findings(dir: &std::path::Path, name: &str, rules: &RuleSet) -> Vec<(String, usize)> {
    let path = dir.join(name);
    let bytes = std::fs::read(&path).unwrap();
    let report = check_source(name, &bytes, false, Some(rules))
        .unwrap_or_else(|| panic!("{name} is not recognised as a tenant document"));
    report
        .diagnostics
        .iter()
        .map(|d| {
            let line = report.source.line_col(d.span.start).line;
            (d.code.clone(), line)
        })
        .collect()
}

fn assert_has(found: &[(String, usize)], rule: &str, line: usize) {
    assert!(
        found.iter().any(|(r, l)| r == rule && *l == line),
        "expected {rule} on line {line}, found {found:?}"
    );
}

fn assert_clean_load(found: &[(String, usize)]) {
    for code in [
        "syntax-error",
        "unknown-key",
        "wrong-type",
        "invalid-value",
        "duplicate-key",
    ] {
        assert!(
            !found.iter().any(|(r, _)| r == code),
            "unexpected {code}: {found:?}"
        );
    }
}

#[test]
fn graph_samples() {
    let Some(dir) = samples() else { return };
    let rules = RuleSet::load(&Selection::default()).unwrap();

    let f = findings(
        &dir,
        "graph-docs_v1.0_authorizationPolicy-get_response.json",
        &rules,
    );
    assert_clean_load(&f);
    assert_has(&f, "guest-invites-by-everyone", 4);
    assert_has(&f, "email-based-subscription-signup", 5);
    assert_has(&f, "email-verified-join", 7);
    assert_has(&f, "users-can-register-apps", 13);
    assert_has(&f, "security-group-creation-by-users", 14);
    assert_has(&f, "consent-id-malformed", 16);

    let f = findings(
        &dir,
        "graph-docs_beta_authorizationPolicy-get_response_collection.json",
        &rules,
    );
    assert_clean_load(&f);
    assert_has(&f, "guest-invites-by-everyone", 7);
    assert_has(&f, "msol-powershell-not-blocked", 12);
    assert_has(&f, "user-consent-any-app", 17);
    assert_has(&f, "tenant-creation-by-users", 23);

    let f = findings(
        &dir,
        "graph-docs_beta_authorizationPolicy-get_response_entity.malformed.json",
        &rules,
    );
    assert_has(&f, "syntax-error", 9);
    assert_has(&f, "syntax-error", 14);
    assert_has(&f, "users-can-register-apps", 11);
    assert_has(&f, "email-verified-join", 17);
    assert_has(&f, "user-consent-low-impact-allowed", 18);
    // `"blockMsolPowerShell": ""` leaves the flag to its default rather than failing the type.
    assert!(!f.iter().any(|(r, _)| r == "wrong-type"), "{f:?}");

    let f = findings(
        &dir,
        "graph-docs_v1.0_groupSettings-list_response.json",
        &rules,
    );
    assert_clean_load(&f);
    assert_has(&f, "m365-group-creation-by-users", 63);

    // A Password Rule Settings directorySetting (a test fixture of a Terraform provider): every
    // value is a string, the list tab-separated; its values are all within the baselines.
    let f = findings(
        &dir,
        "tf-m365_directorySetting-PasswordRuleSettings-get_response.json",
        &rules,
    );
    assert_clean_load(&f);
    for rule in [
        "custom-banned-passwords-not-enforced",
        "custom-banned-password-list-empty",
        "on-premises-password-protection-disabled",
        "on-premises-password-protection-audit-only",
        "smart-lockout-threshold-too-high",
        "smart-lockout-duration-too-short",
    ] {
        assert!(!f.iter().any(|(r, _)| r == rule), "{rule}: {f:?}");
    }

    for name in [
        "graph-docs_v1.0_roleAssignments-list_expand-principal_response.malformed.json",
        "graph-docs_v1.0_roleAssignments-list_expand-principal_response.trailing-commas-removed.json",
    ] {
        let f = findings(&dir, name, &rules);
        assert_has(&f, "guest-in-privileged-role", 26);
        assert_has(&f, "guest-in-privileged-role", 42);
        assert_has(&f, "privileged-permanent-active-assignment", 6);
        let syntax = f.iter().filter(|(r, _)| r == "syntax-error").count();
        assert_eq!(
            syntax,
            if name.contains(".malformed.") { 3 } else { 0 },
            "{f:?}"
        );
    }
    let f = findings(
        &dir,
        "graph-docs_v1.0_roleAssignments-list_expand-principal_response.malformed.json",
        &rules,
    );
    assert_has(&f, "syntax-error", 20);
    assert_has(&f, "syntax-error", 36);
    assert_has(&f, "syntax-error", 52);

    let f = findings(
        &dir,
        "graph-docs_v1.0_roleEligibilityScheduleInstances-list_response.json",
        &rules,
    );
    assert_has(&f, "role-assignment-expired", 11);
    assert_has(&f, "role-assignment-unknown-principal", 6);

    // Guest self-service sign-up on, in the authentication flows policy.
    let f = findings(
        &dir,
        "graph-docs_v1.0_authenticationFlowsPolicy-get_response.json",
        &rules,
    );
    assert_clean_load(&f);
    assert_has(&f, "guest-self-service-signup-enabled", 7);

    // The authentication methods policy: SMS on (and usable for sign-in), email codes on; every
    // method configuration, with its `@odata.type` and the older per-target Authenticator states,
    // reads without a load problem.
    let f = findings(
        &dir,
        "graph-docs_v1.0_authenticationMethodsPolicy-get_response.json",
        &rules,
    );
    assert_clean_load(&f);
    assert_has(&f, "sms-method-enabled", 61);
    assert_has(&f, "sms-sign-in-enabled", 62);
    assert_has(&f, "email-otp-enabled", 91);
    // Fido2 and the Temporary Access Pass are disabled there, so their settings are not judged.
    for rule in [
        "fido2-attestation-not-enforced",
        "temporary-access-pass-reusable",
        "authenticator-app-name-not-shown",
    ] {
        assert!(!f.iter().any(|(r, _)| r == rule), "{rule}: {f:?}");
    }

    // ScubaGear's provider export carries the policy beside its method configurations.
    let f = findings(
        &dir,
        "scubagear_ProviderSettingsExport_aad-excerpt.json",
        &rules,
    );
    assert_clean_load(&f);
    assert_has(&f, "authentication-methods-migration-incomplete", 279);
    assert_has(&f, "registration-campaign-disabled", 283);
    // Sms is disabled, Authenticator shows its context to all users and allows no codes.
    for rule in [
        "sms-method-enabled",
        "authenticator-app-name-not-shown",
        "authenticator-location-not-shown",
        "authenticator-otp-allowed",
        "temporary-access-pass-reusable",
    ] {
        assert!(!f.iter().any(|(r, _)| r == rule), "{rule}: {f:?}");
    }

    // Cross-tenant access: the policy (its one object under `value`), the default configuration
    // (Microsoft's own: nothing to report) and a partner list (B2B direct connect opened for one
    // partner, which is how Microsoft has it opened) all read without a load problem.
    let cross_tenant = [
        "cross-tenant-mfa-trusted-by-default",
        "cross-tenant-device-claims-trusted-by-default",
        "cross-tenant-automatic-redemption-on",
        "cross-tenant-direct-connect-inbound-open-by-default",
        "cross-tenant-direct-connect-outbound-open-by-default",
    ];
    for name in [
        "graph-docs_v1.0_crossTenantAccessPolicy-get_response.json",
        "graph-docs_v1.0_crossTenantAccessPolicyConfigurationDefault-get_response.json",
        "graph-docs_v1.0_crossTenantAccessPolicyConfigurationPartner-list_response.json",
    ] {
        let f = findings(&dir, name, &rules);
        assert_clean_load(&f);
        for rule in cross_tenant {
            assert!(!f.iter().any(|(r, _)| r == rule), "{name}: {rule}: {f:?}");
        }
    }

    // The default property set of GET /users has no userType or accountEnabled: said once.
    let f = findings(&dir, "graph-docs_v1.0_users-list_response.json", &rules);
    assert_has(&f, "graph-property-missing", 3);

    for name in [
        "graph-docs_v1.0_users-list_response.json",
        "graph-docs_v1.0_group-list-owners_response.json",
    ] {
        let f = findings(&dir, name, &rules);
        assert_clean_load(&f);
        // Nothing these lists declare is wrong: every finding is about an undeclared default.
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let report = check_source(name, &bytes, false, Some(&rules)).unwrap();
        assert!(
            report
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .all(|d| d.message.contains("not declared")),
            "{name}: {f:?}"
        );
    }
}
