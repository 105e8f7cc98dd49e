//! The section catalogue (`rules/data/catalogue.yaml`) and the model's types name the same
//! sections and the same Graph keys: a reader and the model cannot drift apart.

use entralint::catalogue;
use entralint::model::sections::{
    AdminConsentRequestPolicy, Application, AuthorizationPolicy, ConsentPolicySettings,
    DefaultUserRolePermissions, Group, GroupSettings, PasswordRuleSettings, Reviewer,
    ServicePrincipal, Tenant, User,
};
use entralint::model::{cross_tenant, devices, methods};

#[test]
fn the_catalogue_lists_every_section_of_the_tenant_format() {
    assert_eq!(catalogue::problem(), None);
    let listed: Vec<&str> = catalogue::sections().iter().map(|s| s.key).collect();
    let declared: Vec<&str> = Tenant::KEYS
        .iter()
        .copied()
        .filter(|k| *k != "tenant")
        .collect();
    assert_eq!(listed, declared);
}

#[test]
fn collections_are_the_list_sections() {
    let collections: Vec<&str> = catalogue::collections().collect();
    assert_eq!(
        collections,
        [
            "users",
            "groups",
            "servicePrincipals",
            "applications",
            "roleAssignments",
            "roleSettings",
            "conditionalAccessPolicies"
        ]
    );
}

#[test]
fn graph_keys_match_the_model_types() {
    let pairs: &[(&str, Option<&str>, &[&str])] = &[
        ("authorizationPolicy", None, AuthorizationPolicy::KEYS),
        (
            "authorizationPolicy",
            Some("defaultUserRolePermissions"),
            DefaultUserRolePermissions::KEYS,
        ),
        ("groupSettings", None, GroupSettings::KEYS),
        ("consentPolicySettings", None, ConsentPolicySettings::KEYS),
        ("passwordRuleSettings", None, PasswordRuleSettings::KEYS),
        (
            "authenticationMethodsPolicy",
            None,
            methods::AuthenticationMethodsPolicy::KEYS,
        ),
        (
            "authenticationMethodsPolicy",
            Some("authenticationMethodConfigurations"),
            methods::AuthenticationMethodConfiguration::KEYS,
        ),
        (
            "authenticationMethodsPolicy",
            Some("authenticationMethodConfigurations.includeTargets"),
            methods::MethodTarget::KEYS,
        ),
        (
            "authenticationMethodsPolicy",
            Some("authenticationMethodConfigurations.featureSettings"),
            methods::AuthenticatorFeatureSettings::KEYS,
        ),
        (
            "authenticationMethodsPolicy",
            Some("registrationEnforcement.authenticationMethodsRegistrationCampaign"),
            methods::RegistrationCampaign::KEYS,
        ),
        (
            "authenticationMethodsPolicy",
            Some("systemCredentialPreferences"),
            methods::SystemCredentialPreferences::KEYS,
        ),
        (
            "authenticationMethodsPolicy",
            Some("reportSuspiciousActivitySettings"),
            methods::ReportSuspiciousActivitySettings::KEYS,
        ),
        (
            "deviceRegistrationPolicy",
            None,
            devices::DeviceRegistrationPolicy::KEYS,
        ),
        (
            "deviceRegistrationPolicy",
            Some("azureADJoin"),
            devices::AzureAdJoinPolicy::KEYS,
        ),
        (
            "deviceRegistrationPolicy",
            Some("azureADJoin.localAdmins"),
            devices::LocalAdminSettings::KEYS,
        ),
        (
            "deviceRegistrationPolicy",
            Some("azureADRegistration"),
            devices::AzureAdRegistrationPolicy::KEYS,
        ),
        (
            "deviceRegistrationPolicy",
            Some("localAdminPassword"),
            devices::LocalAdminPasswordSettings::KEYS,
        ),
        (
            "crossTenantAccess",
            None,
            cross_tenant::CrossTenantAccess::KEYS,
        ),
        (
            "crossTenantAccess",
            Some("default"),
            cross_tenant::DefaultConfiguration::KEYS,
        ),
        (
            "crossTenantAccess",
            Some("partners"),
            cross_tenant::PartnerConfiguration::KEYS,
        ),
        (
            "crossTenantAccess",
            Some("partners.b2bDirectConnectInbound"),
            cross_tenant::B2bSetting::KEYS,
        ),
        (
            "crossTenantAccess",
            Some("default.b2bCollaborationOutbound.applications"),
            cross_tenant::TargetConfiguration::KEYS,
        ),
        (
            "crossTenantAccess",
            Some("default.b2bCollaborationInbound.usersAndGroups.targets"),
            cross_tenant::Target::KEYS,
        ),
        (
            "crossTenantAccess",
            Some("partners.inboundTrust"),
            cross_tenant::InboundTrust::KEYS,
        ),
        (
            "crossTenantAccess",
            Some("default.automaticUserConsentSettings"),
            cross_tenant::AutomaticUserConsentSettings::KEYS,
        ),
        (
            "crossTenantAccess",
            Some("default.tenantRestrictions"),
            cross_tenant::TenantRestrictions::KEYS,
        ),
        (
            "crossTenantAccess",
            Some("partners.tenantRestrictions.devices"),
            cross_tenant::DevicesFilter::KEYS,
        ),
        (
            "crossTenantAccess",
            Some("default.invitationRedemptionIdentityProviderConfiguration"),
            cross_tenant::IdentityProviderConfiguration::KEYS,
        ),
        (
            "adminConsentRequestPolicy",
            None,
            AdminConsentRequestPolicy::KEYS,
        ),
        (
            "adminConsentRequestPolicy",
            Some("reviewers"),
            Reviewer::KEYS,
        ),
        ("users", None, User::KEYS),
        ("groups", None, Group::KEYS),
        ("servicePrincipals", None, ServicePrincipal::KEYS),
        ("applications", None, Application::KEYS),
    ];
    for (section, nested, keys) in pairs {
        assert_eq!(
            catalogue::graph_keys(section, *nested),
            *keys,
            "{section} {nested:?}: rules/data/catalogue.yaml and src/model/sections.rs differ"
        );
    }
}

#[test]
fn collection_identities_match_the_model_types() {
    use entralint::model::field::FromNode;
    use entralint::model::sections::{RoleAssignment, RoleSetting};
    let pairs: &[(&str, Option<&str>)] = &[
        ("users", <User as FromNode>::IDENTITY),
        ("groups", <Group as FromNode>::IDENTITY),
        (
            "servicePrincipals",
            <ServicePrincipal as FromNode>::IDENTITY,
        ),
        ("applications", <Application as FromNode>::IDENTITY),
        ("roleAssignments", <RoleAssignment as FromNode>::IDENTITY),
        ("roleSettings", <RoleSetting as FromNode>::IDENTITY),
    ];
    for (key, identity) in pairs {
        let section = catalogue::collection(key).unwrap();
        assert_eq!(Some(section.identity), *identity, "{key}");
    }
}

#[test]
fn every_profile_cites_known_baseline_families() {
    for name in entralint::rules::profile_names() {
        let selection = entralint::rules::Selection {
            profile: Some(name.clone()),
            ..Default::default()
        };
        assert!(
            entralint::rules::RuleSet::load(&selection).is_ok(),
            "profile {name} does not load"
        );
    }
}

/// The sign-in sections' readers keep, at every place of a policy, the keys the model reads there.
#[test]
fn sign_in_graph_keys_match_the_model_types() {
    use entralint::model::access::*;
    let pairs: &[(&str, &str, &[&str])] = &[
        (
            "conditionalAccessPolicies",
            "",
            ConditionalAccessPolicy::KEYS,
        ),
        ("conditionalAccessPolicies", "conditions", Conditions::KEYS),
        (
            "conditionalAccessPolicies",
            "conditions.users",
            UserConditions::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "conditions.users.includeGuestsOrExternalUsers",
            GuestsOrExternalUsers::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "conditions.users.excludeGuestsOrExternalUsers",
            GuestsOrExternalUsers::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "conditions.users.includeGuestsOrExternalUsers.externalTenants",
            ExternalTenants::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "conditions.users.excludeGuestsOrExternalUsers.externalTenants",
            ExternalTenants::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "conditions.applications",
            ApplicationConditions::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "conditions.applications.applicationFilter",
            Filter::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "conditions.devices.deviceFilter",
            Filter::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "conditions.clientApplications.servicePrincipalFilter",
            Filter::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "conditions.platforms",
            PlatformConditions::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "conditions.locations",
            LocationConditions::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "conditions.authenticationFlows",
            AuthenticationFlows::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "conditions.devices",
            DeviceConditions::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "conditions.clientApplications",
            ClientApplications::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "conditions.deviceStates",
            DeviceStates::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "grantControls",
            GrantControls::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "grantControls.authenticationStrength",
            AuthenticationStrengthPolicy::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "grantControls.authenticationStrength.combinationConfigurations",
            CombinationConfiguration::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "sessionControls",
            SessionControls::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "sessionControls.signInFrequency",
            SignInFrequency::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "sessionControls.persistentBrowser",
            PersistentBrowser::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "sessionControls.cloudAppSecurity",
            CloudAppSecurity::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "sessionControls.applicationEnforcedRestrictions",
            Switch::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "sessionControls.secureSignInSession",
            Switch::KEYS,
        ),
        (
            "conditionalAccessPolicies",
            "sessionControls.continuousAccessEvaluation",
            ContinuousAccessEvaluation::KEYS,
        ),
        ("namedLocations", "", NamedLocation::KEYS),
        ("namedLocations", "ipRanges", IpRange::KEYS),
        (
            "authenticationStrengthPolicies",
            "",
            AuthenticationStrengthPolicy::KEYS,
        ),
        (
            "authenticationStrengthPolicies",
            "combinationConfigurations",
            CombinationConfiguration::KEYS,
        ),
        ("securityDefaults", "", SecurityDefaults::KEYS),
    ];
    for (section, path, keys) in pairs {
        let nested = (!path.is_empty()).then_some(*path);
        assert_eq!(
            catalogue::graph_keys(section, nested),
            *keys,
            "{section} {path}: rules/data/catalogue.yaml and src/model/access.rs differ"
        );
    }
}
