//! The tenant model: effective values, defaults, and the format documentation staying in step.

use entralint::diagnostic::Diagnostic;
use entralint::load;
use entralint::model::{
    self, Model, TenantKind, access, cross_tenant, defaults, devices, methods, sections::*,
};

fn model(text: &str) -> (Option<Model>, Vec<Diagnostic>) {
    let loaded = load::load("t.yaml", text.as_bytes());
    let mut diagnostics = loaded.diagnostics;
    let model = model::normalise(&loaded.document, &mut diagnostics);
    (model, diagnostics)
}

fn effective(model: &Model, path: &str) -> cel::Value {
    let mut value = model.to_cel();
    for key in path.split('.') {
        let cel::Value::Map(map) = value else {
            panic!("{path}: not a map at {key}")
        };
        value = map
            .get(&cel::objects::Key::String(key.to_string().into()))
            .cloned()
            .unwrap();
    }
    value
}

#[test]
fn absent_keys_take_the_default_for_the_tenant_kind() {
    let (workforce, diags) = model("tenant: {name: a}\n");
    assert!(diags.is_empty(), "{diags:?}");
    let workforce = workforce.unwrap();
    assert_eq!(workforce.kind, TenantKind::Workforce);
    assert_eq!(
        effective(&workforce, "authorizationPolicy.allowInvitesFrom"),
        cel::Value::String("everyone".to_string().into())
    );
    assert_eq!(
        effective(
            &workforce,
            "authorizationPolicy.defaultUserRolePermissions.allowedToReadOtherUsers"
        ),
        cel::Value::Bool(true)
    );
    let (external, _) = model("tenant: {name: a, kind: external}\n");
    assert_eq!(
        effective(
            &external.unwrap(),
            "authorizationPolicy.defaultUserRolePermissions.allowedToReadOtherUsers"
        ),
        cel::Value::Bool(false)
    );
}

#[test]
fn declared_values_win_over_defaults() {
    let (m, diags) = model(
        "authorizationPolicy:\n  allowInvitesFrom: none\ngroupSettings:\n  EnableGroupCreation: \"FALSE\"\n",
    );
    assert!(diags.is_empty(), "{diags:?}");
    let m = m.unwrap();
    assert_eq!(
        effective(&m, "authorizationPolicy.allowInvitesFrom"),
        cel::Value::String("none".to_string().into())
    );
    assert_eq!(
        effective(&m, "groupSettings.EnableGroupCreation"),
        cel::Value::Bool(false)
    );
}

#[test]
fn graph_null_means_not_declared() {
    let (m, diags) = model("authorizationPolicy:\n  blockMsolPowerShell: null\n");
    assert!(diags.is_empty(), "{diags:?}");
    assert!(
        m.unwrap()
            .tenant
            .authorization_policy
            .unwrap()
            .value
            .block_msol_powershell
            .is_none()
    );
}

#[test]
fn roles_resolve_by_name_and_id_case_insensitively() {
    let (m, diags) = model(
        "roleAssignments:\n  - {principal: a, role: global administrator}\n  - {principal: b, role: 62E90394-69F5-4237-9190-012177145E10}\n",
    );
    assert!(diags.is_empty(), "{diags:?}");
    let m = m.unwrap();
    let ids: Vec<&str> = m
        .tenant
        .role_assignments
        .as_ref()
        .unwrap()
        .value
        .iter()
        .map(|a| a.value.role.as_ref().unwrap().value.id.as_str())
        .collect();
    assert_eq!(ids, ["62e90394-69f5-4237-9190-012177145e10"; 2]);
}

#[test]
fn every_problem_in_a_file_is_reported_with_its_path() {
    let (_, diags) = model(
        "authorizationPolicy:\n  allowInvitesFrom: anyone\n  defaultUserRolePermissions:\n    allowedToCreateApps: 1\nusers:\n  - id: x\n    userType: Visitor\n",
    );
    let found: Vec<(&str, Option<&str>)> = diags
        .iter()
        .map(|d| (d.code.as_str(), d.path.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "invalid-value",
                Some("authorizationPolicy.allowInvitesFrom")
            ),
            (
                "wrong-type",
                Some("authorizationPolicy.defaultUserRolePermissions.allowedToCreateApps")
            ),
            ("invalid-value", Some("users[id=x].userType")),
        ]
    );
}

#[test]
fn customers_are_derived_in_external_tenants() {
    let (m, _) = model(
        "tenant: {kind: external}\nusers:\n  - {id: c, creationType: LocalAccount}\n  - {id: g, userType: Guest}\n  - {id: i}\n",
    );
    let m = m.unwrap();
    let audiences: Vec<Audience> = m
        .tenant
        .users
        .as_ref()
        .unwrap()
        .value
        .iter()
        .map(|u| u.value.audience(m.kind))
        .collect();
    assert_eq!(
        audiences,
        [Audience::Customer, Audience::Invited, Audience::Internal]
    );
}

const METHODS_SMS: &str = "authenticationMethodsPolicy.authenticationMethodConfigurations.Sms";
const METHODS_VOICE: &str = "authenticationMethodsPolicy.authenticationMethodConfigurations.Voice";
const METHODS_EMAIL: &str = "authenticationMethodsPolicy.authenticationMethodConfigurations.Email";
const METHODS_SOFTWARE_OATH: &str =
    "authenticationMethodsPolicy.authenticationMethodConfigurations.SoftwareOath";
const METHODS_X509: &str =
    "authenticationMethodsPolicy.authenticationMethodConfigurations.X509Certificate";
const METHODS_HARDWARE_OATH: &str =
    "authenticationMethodsPolicy.authenticationMethodConfigurations.HardwareOath";
const METHODS_QR: &str = "authenticationMethodsPolicy.authenticationMethodConfigurations.QRCodePin";
const METHODS_AUTHENTICATOR: &str =
    "authenticationMethodsPolicy.authenticationMethodConfigurations.MicrosoftAuthenticator";
const METHODS_FIDO2: &str = "authenticationMethodsPolicy.authenticationMethodConfigurations.Fido2";
const METHODS_TAP: &str =
    "authenticationMethodsPolicy.authenticationMethodConfigurations.TemporaryAccessPass";

const CTA_COLLABORATION_IN_USERS: &str =
    "crossTenantAccess.default.b2bCollaborationInbound.usersAndGroups";
const CTA_COLLABORATION_IN_APPS: &str =
    "crossTenantAccess.default.b2bCollaborationInbound.applications";
const CTA_COLLABORATION_OUT_USERS: &str =
    "crossTenantAccess.default.b2bCollaborationOutbound.usersAndGroups";
const CTA_COLLABORATION_OUT_APPS: &str =
    "crossTenantAccess.default.b2bCollaborationOutbound.applications";
const CTA_DIRECT_IN_USERS: &str =
    "crossTenantAccess.default.b2bDirectConnectInbound.usersAndGroups";
const CTA_DIRECT_IN_APPS: &str = "crossTenantAccess.default.b2bDirectConnectInbound.applications";
const CTA_DIRECT_OUT_USERS: &str =
    "crossTenantAccess.default.b2bDirectConnectOutbound.usersAndGroups";
const CTA_DIRECT_OUT_APPS: &str = "crossTenantAccess.default.b2bDirectConnectOutbound.applications";

/// Every key the model reads is documented, and every setting has a default.
#[test]
fn the_format_doc_and_the_defaults_cover_every_key() {
    let doc = std::fs::read_to_string("docs/tenant-format.md").unwrap();
    let sections: &[(&str, &[&str])] = &[
        ("", Tenant::KEYS),
        ("tenant", Header::KEYS),
        ("authorizationPolicy", AuthorizationPolicy::KEYS),
        (
            "authorizationPolicy.defaultUserRolePermissions",
            DefaultUserRolePermissions::KEYS,
        ),
        ("groupSettings", GroupSettings::KEYS),
        ("consentPolicySettings", ConsentPolicySettings::KEYS),
        ("passwordRuleSettings", PasswordRuleSettings::KEYS),
        ("authenticationMethodsPolicy", &["policyMigrationState"]),
        ("", methods::AuthenticationMethodsPolicy::KEYS),
        (
            "authenticationMethodsPolicy.registrationEnforcement.authenticationMethodsRegistrationCampaign",
            &["state"],
        ),
        ("", methods::RegistrationCampaign::KEYS),
        (
            "authenticationMethodsPolicy.systemCredentialPreferences",
            &["state"],
        ),
        ("", methods::SystemCredentialPreferences::KEYS),
        (
            "authenticationMethodsPolicy.reportSuspiciousActivitySettings",
            &["state"],
        ),
        (
            "authenticationMethodsPolicy.reportSuspiciousActivitySettings.includeTarget",
            &["id"],
        ),
        ("", methods::ReportSuspiciousActivitySettings::KEYS),
        ("", methods::AuthenticationMethodConfiguration::KEYS),
        ("", methods::MethodTarget::KEYS),
        ("", methods::AuthenticatorFeatureSettings::KEYS),
        ("", methods::KeyRestrictions::KEYS),
        (METHODS_SMS, &["state"]),
        (METHODS_VOICE, &["state"]),
        (METHODS_EMAIL, &["state"]),
        (METHODS_SOFTWARE_OATH, &["state"]),
        (METHODS_X509, &["state"]),
        (METHODS_HARDWARE_OATH, &["state"]),
        (METHODS_QR, &["state"]),
        (METHODS_AUTHENTICATOR, &["state", "isSoftwareOathEnabled"]),
        (
            METHODS_FIDO2,
            &[
                "state",
                "isAttestationEnforced",
                "isSelfServiceRegistrationAllowed",
            ],
        ),
        (
            METHODS_TAP,
            &[
                "state",
                "isUsableOnce",
                "defaultLifetimeInMinutes",
                "minimumLifetimeInMinutes",
                "maximumLifetimeInMinutes",
                "defaultLength",
            ],
        ),
        (
            "authenticationMethodsPolicy.authenticationMethodConfigurations.MicrosoftAuthenticator.featureSettings.numberMatchingRequiredState",
            &["state"],
        ),
        (
            "authenticationMethodsPolicy.authenticationMethodConfigurations.MicrosoftAuthenticator.featureSettings.displayAppInformationRequiredState",
            &["state"],
        ),
        (
            "authenticationMethodsPolicy.authenticationMethodConfigurations.MicrosoftAuthenticator.featureSettings.displayLocationInformationRequiredState",
            &["state"],
        ),
        (
            "authenticationMethodsPolicy.authenticationMethodConfigurations.MicrosoftAuthenticator.featureSettings.companionAppAllowedState",
            &["state"],
        ),
        ("deviceRegistrationPolicy", &["userDeviceQuota"]),
        ("", devices::DeviceRegistrationPolicy::KEYS),
        ("deviceRegistrationPolicy.azureADJoin", &["allowedToJoin"]),
        ("", devices::AzureAdJoinPolicy::KEYS),
        (
            "deviceRegistrationPolicy.azureADJoin.localAdmins",
            devices::LocalAdminSettings::KEYS,
        ),
        ("", devices::AzureAdRegistrationPolicy::KEYS),
        (
            "deviceRegistrationPolicy.localAdminPassword",
            devices::LocalAdminPasswordSettings::KEYS,
        ),
        ("", cross_tenant::CrossTenantAccess::KEYS),
        ("", cross_tenant::DefaultConfiguration::KEYS),
        ("", cross_tenant::PartnerConfiguration::KEYS),
        ("", cross_tenant::B2bSetting::KEYS),
        ("", cross_tenant::TargetConfiguration::KEYS),
        ("", cross_tenant::Target::KEYS),
        ("", cross_tenant::TenantRestrictions::KEYS),
        ("", cross_tenant::DevicesFilter::KEYS),
        ("", cross_tenant::IdentityProviderConfiguration::KEYS),
        (
            "crossTenantAccess.default.inboundTrust",
            cross_tenant::InboundTrust::KEYS,
        ),
        (
            "crossTenantAccess.default.automaticUserConsentSettings",
            cross_tenant::AutomaticUserConsentSettings::KEYS,
        ),
        (CTA_COLLABORATION_IN_USERS, &["accessType"]),
        (CTA_COLLABORATION_IN_APPS, &["accessType"]),
        (CTA_COLLABORATION_OUT_USERS, &["accessType"]),
        (CTA_COLLABORATION_OUT_APPS, &["accessType"]),
        (CTA_DIRECT_IN_USERS, &["accessType"]),
        (CTA_DIRECT_IN_APPS, &["accessType"]),
        (CTA_DIRECT_OUT_USERS, &["accessType"]),
        (CTA_DIRECT_OUT_APPS, &["accessType"]),
        ("adminConsentRequestPolicy", AdminConsentRequestPolicy::KEYS),
        ("portalSettings", PortalSettings::KEYS),
        ("externalCollaboration", ExternalCollaboration::KEYS),
        ("authenticationFlowsPolicy", AuthenticationFlowsPolicy::KEYS),
        (
            "authenticationFlowsPolicy.selfServiceSignUp",
            SelfServiceSignUp::KEYS,
        ),
        ("appManagementPolicy", AppManagementPolicy::KEYS),
        ("customerSettings", CustomerSettings::KEYS),
        ("", CredentialRestrictions::KEYS),
        ("", CredentialRestriction::KEYS),
        ("", Reviewer::KEYS),
        ("", User::KEYS),
        ("", Group::KEYS),
        ("", ServicePrincipal::KEYS),
        ("", Application::KEYS),
        ("", RoleAssignment::KEYS),
        ("", RoleSetting::KEYS),
        // Sign-in sections: no Entra defaults (security defaults depend on the tenant's age).
        ("", access::SecurityDefaults::KEYS),
        ("", access::ConditionalAccessPolicy::KEYS),
        ("", access::Conditions::KEYS),
        ("", access::UserConditions::KEYS),
        ("", access::ApplicationConditions::KEYS),
        ("", access::GrantControls::KEYS),
        ("", access::SessionControls::KEYS),
        ("", access::NamedLocation::KEYS),
        ("", access::AuthenticationStrengthPolicy::KEYS),
        ("", access::CombinationConfiguration::KEYS),
    ];
    for (section, keys) in sections {
        for key in *keys {
            assert!(
                doc.contains(&format!("`{key}`")),
                "docs/tenant-format.md does not mention `{key}`"
            );
            let setting = !section.is_empty()
                && *section != "tenant"
                && ![
                    "id",
                    "displayName",
                    "description",
                    "version",
                    "defaultUserRolePermissions",
                    "selfServiceSignUp",
                ]
                .contains(key);
            if setting {
                let path = format!("{section}.{key}");
                assert!(
                    defaults::default_for(&path).is_some(),
                    "rules/data/defaults.yaml has no `{path}`"
                );
            }
        }
    }
    let objects: &[(&str, &[&str])] = &[
        ("users[]", User::KEYS),
        ("groups[]", Group::KEYS),
        ("servicePrincipals[]", ServicePrincipal::KEYS),
        ("roleAssignments[]", RoleAssignment::KEYS),
        ("roleSettings[]", RoleSetting::KEYS),
    ];
    for entry in defaults::all() {
        let (section, key) = entry.key.rsplit_once('.').unwrap();
        let known = sections
            .iter()
            .chain(objects)
            .any(|(s, keys)| *s == section && keys.contains(&key));
        assert!(
            known,
            "rules/data/defaults.yaml names `{}`, which the model does not read",
            entry.key
        );
    }
}

#[test]
fn an_item_whose_required_key_is_null_is_reported_not_dropped_silently() {
    let (model, diags) = model("tenant: {name: a}\nusers:\n  - id: null\n    userType: Guest\n");
    assert!(
        model
            .unwrap()
            .tenant
            .users
            .is_none_or(|u| u.value.is_empty())
    );
    assert!(
        diags
            .iter()
            .any(|d| d.code == "missing-key" && d.message.contains("`id`")),
        "{diags:?}"
    );
}
