//! External tenants as Microsoft documents them, Entra's current consent default, escalation by
//! ownership judged by what roles reach, and one verdict per control.

use entralint::check::check_source;
use entralint::model::defaults;
use entralint::rules::schema::KindName;
use entralint::rules::{RuleSet, Selection};

/// (rule, message) of every finding.
fn findings(text: &str) -> Vec<(String, String)> {
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let report = check_source("t.yaml", text.as_bytes(), true, Some(&rules)).unwrap();
    report
        .diagnostics
        .iter()
        .map(|d| (d.code.clone(), d.message.clone()))
        .collect()
}

fn rules_of(found: &[(String, String)]) -> Vec<&str> {
    found.iter().map(|(r, _)| r.as_str()).collect()
}

const EXTERNAL_HEADER: &str = "tenant:\n  name: shop\n  kind: external\n";

#[test]
fn a_header_only_external_tenant_gets_no_workforce_only_finding() {
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let found = findings(EXTERNAL_HEADER);
    let workforce_only: Vec<&str> = defaults::workforce_only().collect();
    for (rule, message) in &found {
        let rule = rules
            .get(rule)
            .unwrap_or_else(|| panic!("load problem {rule}: {message}"));
        assert!(
            rule.file.tenant_kinds.contains(&KindName::External),
            "{}",
            rule.name
        );
        for key in &workforce_only {
            assert!(!message.contains(key), "{}: {message}", rule.name);
        }
    }
    // What the documentation contradicts is gone.
    for wrong in [
        "linkedin-connections-enabled",
        "my-groups-features-open",
        "m365-group-creation-by-users",
        "bitlocker-key-self-service",
        "tenant-creation-by-users",
        "security-group-creation-by-users",
        "users-can-register-apps",
        "guest-invites-by-everyone",
        "email-verified-join",
        "email-based-subscription-signup",
        "user-consent-any-app",
        "ga-activation-without-approval",
        "privileged-role-admin-activation-without-approval",
    ] {
        assert!(!rules_of(&found).contains(&wrong), "{wrong}: {found:?}");
    }
    // Nobody is eligible for anything in the file, and no message says otherwise.
    for (rule, message) in &found {
        assert!(!message.contains("an eligible"), "{rule}: {message}");
    }
}

#[test]
fn workforce_only_rules_apply_to_workforce_tenants_only() {
    let rules = RuleSet::load(&Selection::default()).unwrap();
    for name in [
        "linkedin-connections-enabled",
        "my-groups-features-open",
        "owners-manage-membership-requests",
        "m365-group-creation-by-users",
        "guests-can-own-m365-groups",
        "bitlocker-key-self-service",
        "email-verified-join",
        "email-based-subscription-signup",
    ] {
        assert_eq!(
            rules.get(name).unwrap().file.tenant_kinds,
            [KindName::Workforce],
            "{name}"
        );
    }
}

#[test]
fn a_workforce_only_setting_declared_in_an_external_tenant_has_no_effect() {
    let found = findings(
        "tenant: {name: shop, kind: external}\nportalSettings:\n  linkedInAccountConnections: enabled\ngroupSettings:\n  EnableGroupCreation: \"True\"\n",
    );
    let notes: Vec<&String> = found
        .iter()
        .filter(|(r, _)| r == "no-effect-in-external-tenant")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(
        notes,
        [
            "`portalSettings.linkedInAccountConnections` has no effect in an external tenant",
            "`groupSettings.EnableGroupCreation` has no effect in an external tenant",
        ]
        .map(String::from)
        .iter()
        .collect::<Vec<_>>()
    );
    assert!(!rules_of(&found).contains(&"linkedin-connections-enabled"));
    assert!(!rules_of(&found).contains(&"m365-group-creation-by-users"));
    // The same settings in a workforce tenant are judged.
    let found = findings("portalSettings:\n  linkedInAccountConnections: enabled\n");
    assert!(rules_of(&found).contains(&"linkedin-connections-enabled"));
    assert!(!rules_of(&found).contains(&"no-effect-in-external-tenant"));
}

#[test]
fn the_consent_default_is_microsofts_managed_policy() {
    let found = findings("tenant: {name: corp}\n");
    assert!(
        !rules_of(&found).contains(&"user-consent-any-app"),
        "{found:?}"
    );
    let (_, message) = found
        .iter()
        .find(|(r, _)| r == "user-consent-microsoft-managed")
        .unwrap();
    assert!(
        message.contains("ManagePermissionGrantsForSelf.microsoft-user-default-recommended"),
        "{message}"
    );
    let default = defaults::default_for(entralint::model::CONSENT_V1).unwrap();
    assert!(default.source.contains("MC1097272"), "{}", default.source);
}

#[test]
fn a_helpdesk_administrator_owning_a_privileged_service_principal_is_an_escalation() {
    let text = "users:\n  - {id: helpdesk@contoso.com}\nservicePrincipals:\n  - {id: deploy-bot, owners: [helpdesk@contoso.com], appRoles: [RoleManagement.ReadWrite.Directory]}\nroleAssignments:\n  - {principal: helpdesk@contoso.com, role: Helpdesk Administrator}\n";
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let report = check_source("t.yaml", text.as_bytes(), true, Some(&rules)).unwrap();
    let finding = report
        .diagnostics
        .iter()
        .find(|d| d.code == "privileged-sp-owned-by-non-admin")
        .expect("the ownership is a finding");
    assert_eq!(finding.severity, entralint::diagnostic::Severity::Error);
    assert!(
        finding.message.contains(
            "helpdesk@contoso.com → `deploy-bot` → `RoleManagement.ReadWrite.Directory` → Global Administrator"
        ),
        "{}",
        finding.message
    );
    assert!(
        finding
            .message
            .contains("helpdesk@contoso.com (Helpdesk Administrator)")
    );
    // It points at the ownership.
    let at = report.source.line_col(finding.span.start);
    assert_eq!((at.line, at.column), (4, 30));

    // A Privileged Role Administrator may own it.
    let found = findings(&text.replace("Helpdesk Administrator", "Privileged Role Administrator"));
    assert!(
        !rules_of(&found).contains(&"privileged-sp-owned-by-non-admin"),
        "{found:?}"
    );
}

#[test]
fn admin_consent_requests_get_one_verdict() {
    const RULES: [&str; 3] = [
        "admin-consent-workflow-disabled",
        "admin-consent-requests-setting-off",
        "admin-consent-requests-conflict",
    ];
    let verdicts = |text: &str| -> Vec<String> {
        findings(text)
            .into_iter()
            .filter(|(r, _)| RULES.contains(&r.as_str()))
            .map(|(r, _)| r)
            .collect()
    };
    // Enabled in either place: on.
    assert!(
        verdicts("consentPolicySettings:\n  EnableAdminConsentRequests: \"true\"\n").is_empty()
    );
    assert!(verdicts("adminConsentRequestPolicy:\n  isEnabled: true\n").is_empty());
    // Off: one finding, where the file says so, or at the policy when nothing is declared.
    assert_eq!(
        verdicts("tenant: {name: t}\n"),
        ["admin-consent-workflow-disabled"]
    );
    assert_eq!(
        verdicts("consentPolicySettings:\n  EnableAdminConsentRequests: \"false\"\n"),
        ["admin-consent-requests-setting-off"]
    );
    assert_eq!(
        verdicts(
            "adminConsentRequestPolicy:\n  isEnabled: false\nconsentPolicySettings:\n  EnableAdminConsentRequests: \"false\"\n"
        ),
        ["admin-consent-workflow-disabled"]
    );
    // Disagreeing: one finding naming both keys.
    let found = findings(
        "adminConsentRequestPolicy:\n  isEnabled: true\nconsentPolicySettings:\n  EnableAdminConsentRequests: \"false\"\n",
    );
    let conflict: Vec<&(String, String)> = found
        .iter()
        .filter(|(r, _)| RULES.contains(&r.as_str()))
        .collect();
    assert_eq!(conflict.len(), 1, "{found:?}");
    assert_eq!(conflict[0].0, "admin-consent-requests-conflict");
    assert!(
        conflict[0]
            .1
            .contains("`adminConsentRequestPolicy.isEnabled` is true")
    );
    assert!(
        conflict[0]
            .1
            .contains("`consentPolicySettings.EnableAdminConsentRequests` is false")
    );
}

#[test]
fn activation_without_approval_names_who_is_eligible_or_says_nobody_is() {
    let found = findings(
        "roleAssignments:\n  - {principal: alice@contoso.com, role: Global Administrator, type: eligible}\nusers:\n  - {id: alice@contoso.com}\n",
    );
    let (_, message) = found
        .iter()
        .find(|(r, _)| r == "ga-activation-without-approval")
        .unwrap();
    assert!(
        message.starts_with("alice@contoso.com can activate Global Administrator"),
        "{message}"
    );
    assert!(!rules_of(&found).contains(&"ga-activation-approval-not-set"));

    let found = findings("tenant: {name: t}\n");
    assert!(!rules_of(&found).contains(&"ga-activation-without-approval"));
    let (_, message) = found
        .iter()
        .find(|(r, _)| r == "ga-activation-approval-not-set")
        .unwrap();
    assert!(
        message.starts_with("nobody is eligible for Global Administrator"),
        "{message}"
    );
}
