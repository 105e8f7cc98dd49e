//! The sign-in sections of the tenant file: security defaults, Conditional Access policies, named
//! locations and authentication strengths. Keys follow Microsoft Graph, so a policy as
//! `GET /identity/conditionalAccess/policies/{id}` returns it reads as it is.

use std::borrow::Cow;

use super::field::{CelCx, Ctx, FromNode, List, ToCel, cel_str, section, string_enum};
use super::sections::RoleRef;
use super::value::Val;
use crate::diagnostic::Diagnostic;
use crate::tree::{Node, Value};

section! {
    /// `GET /policies/identitySecurityDefaultsEnforcementPolicy`.
    pub struct SecurityDefaults {
        "isEnabled" => is_enabled: bool,
        "id" => id: String,
        "displayName" => display_name: String,
        "description" => description: String,
    }
}

string_enum! {
    /// `conditionalAccessPolicies[].state`.
    pub enum PolicyState ("a policy state") {
        "enabled" => Enabled,
        "disabled" => Disabled,
        "enabledForReportingButNotEnforced" => ReportOnly,
    }
}

section! {
    /// One Conditional Access policy, as `GET /identity/conditionalAccess/policies/{id}` returns it.
    pub struct ConditionalAccessPolicy [identity = "displayName"] [required = display_name ("displayName")] {
        "displayName" => display_name: String,
        "id" => id: String,
        "description" => description: String,
        "state" => state: PolicyState,
        "conditions" => conditions: Conditions,
        "grantControls" => grant_controls: GrantControls,
        "sessionControls" => session_controls: SessionControls,
        "templateId" => template_id: String,
        "createdDateTime" => created_date_time: String,
        "modifiedDateTime" => modified_date_time: String,
        "deletedDateTime" => deleted_date_time: String,
        "partialEnablementStrategy" => partial_enablement_strategy: String,
    }
}

string_enum! {
    /// `conditions.clientAppTypes`.
    pub enum ClientAppType ("a client app type") {
        "all" => All,
        "browser" => Browser,
        "mobileAppsAndDesktopClients" => MobileAppsAndDesktopClients,
        "exchangeActiveSync" => ExchangeActiveSync,
        "easSupported" => EasSupported,
        "other" => Other,
    }
}

string_enum! {
    /// Sign-in, user and service principal risk levels.
    pub enum RiskLevel ("a risk level") {
        "low" => Low,
        "medium" => Medium,
        "high" => High,
        "hidden" => Hidden,
        "none" => None,
        "unknownFutureValue" => UnknownFutureValue,
    }
}

section! {
    /// `conditionalAccessPolicies[].conditions`.
    pub struct Conditions {
        "users" => users: UserConditions,
        "applications" => applications: ApplicationConditions,
        "clientAppTypes" => client_app_types: List<ClientAppType>,
        "platforms" => platforms: PlatformConditions,
        "locations" => locations: LocationConditions,
        "signInRiskLevels" => sign_in_risk_levels: List<RiskLevel>,
        "userRiskLevels" => user_risk_levels: List<RiskLevel>,
        "servicePrincipalRiskLevels" => service_principal_risk_levels: List<RiskLevel>,
        "insiderRiskLevels" => insider_risk_levels: String,
        "authenticationFlows" => authentication_flows: AuthenticationFlows,
        "devices" => devices: DeviceConditions,
        "clientApplications" => client_applications: ClientApplications,
        "deviceStates" => device_states: DeviceStates,
    }
}

section! {
    /// Who a policy applies to. Users, groups and roles are ids (roles also by display name);
    /// `includeUsers` also takes `All`, `None` and `GuestsOrExternalUsers`.
    pub struct UserConditions {
        "includeUsers" => include_users: List<String>,
        "excludeUsers" => exclude_users: List<String>,
        "includeGroups" => include_groups: List<String>,
        "excludeGroups" => exclude_groups: List<String>,
        "includeRoles" => include_roles: List<RoleRef>,
        "excludeRoles" => exclude_roles: List<RoleRef>,
        "includeGuestsOrExternalUsers" => include_guests_or_external_users: GuestsOrExternalUsers,
        "excludeGuestsOrExternalUsers" => exclude_guests_or_external_users: GuestsOrExternalUsers,
    }
}

section! {
    /// Which kinds of external users a policy includes or excludes.
    pub struct GuestsOrExternalUsers {
        "guestOrExternalUserTypes" => guest_or_external_user_types: String,
        "externalTenants" => external_tenants: ExternalTenants,
    }
}

section! {
    pub struct ExternalTenants {
        "membershipKind" => membership_kind: String,
        "members" => members: List<String>,
    }
}

section! {
    /// What a policy protects: applications by app id (or `All`, `Office365`, `None`), user
    /// actions, authentication contexts.
    pub struct ApplicationConditions {
        "includeApplications" => include_applications: List<String>,
        "excludeApplications" => exclude_applications: List<String>,
        "includeUserActions" => include_user_actions: List<String>,
        "includeAuthenticationContextClassReferences" => include_authentication_context_class_references: List<String>,
        "applicationFilter" => application_filter: Filter,
    }
}

string_enum! {
    pub enum FilterMode ("a filter mode") {
        "include" => Include,
        "exclude" => Exclude,
    }
}

section! {
    /// A device, application or service principal filter: a rule and whether it selects or spares.
    pub struct Filter {
        "mode" => mode: FilterMode,
        "rule" => rule: String,
    }
}

section! {
    pub struct PlatformConditions {
        "includePlatforms" => include_platforms: List<String>,
        "excludePlatforms" => exclude_platforms: List<String>,
    }
}

section! {
    /// Named locations by id, or `All` / `AllTrusted`.
    pub struct LocationConditions {
        "includeLocations" => include_locations: List<String>,
        "excludeLocations" => exclude_locations: List<String>,
    }
}

section! {
    pub struct AuthenticationFlows {
        "transferMethods" => transfer_methods: TransferMethods,
    }
}

section! {
    pub struct DeviceConditions {
        "deviceFilter" => device_filter: Filter,
        "includeDevices" => include_devices: List<String>,
        "excludeDevices" => exclude_devices: List<String>,
    }
}

section! {
    pub struct DeviceStates {
        "includeStates" => include_states: List<String>,
        "excludeStates" => exclude_states: List<String>,
    }
}

section! {
    /// Workload identities a policy applies to.
    pub struct ClientApplications {
        "includeServicePrincipals" => include_service_principals: List<String>,
        "excludeServicePrincipals" => exclude_service_principals: List<String>,
        "servicePrincipalFilter" => service_principal_filter: Filter,
    }
}

string_enum! {
    pub enum GrantOperator ("a grant operator") {
        "OR" => Or,
        "AND" => And,
    }
}

string_enum! {
    /// `grantControls.builtInControls`.
    pub enum BuiltInControl ("a built-in grant control") {
        "block" => Block,
        "mfa" => Mfa,
        "compliantDevice" => CompliantDevice,
        "domainJoinedDevice" => DomainJoinedDevice,
        "approvedApplication" => ApprovedApplication,
        "compliantApplication" => CompliantApplication,
        "passwordChange" => PasswordChange,
        "riskRemediation" => RiskRemediation,
        "unknownFutureValue" => UnknownFutureValue,
    }
}

section! {
    pub struct GrantControls {
        "operator" => operator: GrantOperator,
        "builtInControls" => built_in_controls: List<BuiltInControl>,
        "authenticationStrength" => authentication_strength: StrengthRef,
        "customAuthenticationFactors" => custom_authentication_factors: List<String>,
        "termsOfUse" => terms_of_use: List<String>,
    }
}

section! {
    pub struct SessionControls {
        "signInFrequency" => sign_in_frequency: SignInFrequency,
        "persistentBrowser" => persistent_browser: PersistentBrowser,
        "cloudAppSecurity" => cloud_app_security: CloudAppSecurity,
        "applicationEnforcedRestrictions" => application_enforced_restrictions: Switch,
        "continuousAccessEvaluation" => continuous_access_evaluation: ContinuousAccessEvaluation,
        "secureSignInSession" => secure_sign_in_session: Switch,
        "disableResilienceDefaults" => disable_resilience_defaults: bool,
    }
}

section! {
    pub struct SignInFrequency {
        "isEnabled" => is_enabled: bool,
        "value" => value: i64,
        "type" => kind: String,
        "authenticationType" => authentication_type: String,
        "frequencyInterval" => frequency_interval: String,
    }
}

section! {
    pub struct PersistentBrowser {
        "isEnabled" => is_enabled: bool,
        "mode" => mode: String,
    }
}

section! {
    pub struct CloudAppSecurity {
        "isEnabled" => is_enabled: bool,
        "cloudAppSecurityType" => cloud_app_security_type: String,
    }
}

section! {
    pub struct Switch {
        "isEnabled" => is_enabled: bool,
    }
}

section! {
    pub struct ContinuousAccessEvaluation {
        "mode" => mode: String,
    }
}

section! {
    /// An IP or country named location (`GET /identity/conditionalAccess/namedLocations`).
    pub struct NamedLocation [identity = "displayName"] [required = display_name ("displayName")] {
        "displayName" => display_name: String,
        "id" => id: String,
        "isTrusted" => is_trusted: bool,
        "ipRanges" => ip_ranges: List<IpRange>,
        "countriesAndRegions" => countries_and_regions: List<String>,
        "includeUnknownCountriesAndRegions" => include_unknown_countries_and_regions: bool,
        "countryLookupMethod" => country_lookup_method: String,
        "createdDateTime" => created_date_time: String,
        "modifiedDateTime" => modified_date_time: String,
    }
}

section! {
    pub struct IpRange [required = cidr_address ("cidrAddress")] {
        "cidrAddress" => cidr_address: String,
    }
}

string_enum! {
    pub enum StrengthPolicyType ("a policy type") {
        "builtIn" => BuiltIn,
        "custom" => Custom,
        "unknownFutureValue" => UnknownFutureValue,
    }
}

section! {
    /// An authentication strength (`GET /policies/authenticationStrengthPolicies`).
    pub struct AuthenticationStrengthPolicy [identity = "displayName"] [required = display_name ("displayName")] {
        "displayName" => display_name: String,
        "id" => id: String,
        "description" => description: String,
        "policyType" => policy_type: StrengthPolicyType,
        "requirementsSatisfied" => requirements_satisfied: String,
        "allowedCombinations" => allowed_combinations: List<String>,
        "combinationConfigurations" => combination_configurations: List<CombinationConfiguration>,
        "createdDateTime" => created_date_time: String,
        "modifiedDateTime" => modified_date_time: String,
    }
}

section! {
    pub struct CombinationConfiguration {
        "id" => id: String,
        "appliesToCombinations" => applies_to_combinations: List<String>,
        "allowedAAGUIDs" => allowed_aaguids: List<String>,
        "allowedIssuers" => allowed_issuers: List<String>,
        "allowedIssuerSkis" => allowed_issuer_skis: List<String>,
        "allowedPolicyOIDs" => allowed_policy_oids: List<String>,
    }
}

/// The three built-in authentication strengths (Graph `authenticationStrengthPolicy`, policyType
/// `builtIn`): their well-known ids, names, and whether they are phishing-resistant.
pub const BUILT_IN_STRENGTHS: &[(&str, &str, bool)] = &[
    (
        "00000000-0000-0000-0000-000000000002",
        "Multifactor authentication",
        false,
    ),
    (
        "00000000-0000-0000-0000-000000000003",
        "Passwordless MFA",
        false,
    ),
    (
        "00000000-0000-0000-0000-000000000004",
        "Phishing-resistant MFA",
        true,
    ),
];

/// Methods that resist phishing: a strength allowing only these is phishing-resistant.
pub const PHISHING_RESISTANT_METHODS: &[&str] = &[
    "windowsHelloForBusiness",
    "fido2",
    "x509CertificateMultiFactor",
];

/// `grantControls.authenticationStrength`: the strength object Graph embeds, or (in files written
/// by hand) an id or display name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StrengthRef {
    pub id: Option<String>,
    pub display_name: Option<String>,
    /// Combinations the embedded object lists; empty when the policy only names a strength.
    pub allowed_combinations: Vec<String>,
}

impl StrengthRef {
    /// The built-in strength this names, by id or display name.
    pub fn built_in(&self) -> Option<&'static (&'static str, &'static str, bool)> {
        BUILT_IN_STRENGTHS.iter().find(|(id, name, _)| {
            self.id
                .as_deref()
                .is_some_and(|i| i.eq_ignore_ascii_case(id))
                || self
                    .display_name
                    .as_deref()
                    .is_some_and(|n| same_name(n, name))
        })
    }

    /// What the reference is called in messages.
    pub fn shown(&self) -> Cow<'_, str> {
        match (&self.display_name, &self.id) {
            (Some(name), _) => Cow::Borrowed(name),
            (None, Some(id)) => Cow::Borrowed(id),
            (None, None) => Cow::Borrowed("an unnamed strength"),
        }
    }
}

/// Strength names compare case-insensitively and with or without the hyphen in
/// "Phishing-resistant" (the Graph list response writes "Phishing resistant MFA").
pub fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['-', ' '], "");
    norm(a) == norm(b)
}

impl FromNode for StrengthRef {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        match &node.value {
            Value::Str(text) => {
                let guid = super::catalog::is_guid(text);
                Some(StrengthRef {
                    id: guid.then(|| text.clone()),
                    display_name: (!guid).then(|| text.clone()),
                    allowed_combinations: Vec::new(),
                })
            }
            Value::Map(_) => {
                // Graph embeds the whole strength policy; its own keys are read as one.
                let mut policy = AuthenticationStrengthPolicy::default();
                let entries = cx.expect_map(node)?;
                for entry in entries {
                    let Some(key) = cx.key(entry) else { continue };
                    match key {
                        "id" => policy.id = cx.field(key, entry),
                        "displayName" => policy.display_name = cx.field(key, entry),
                        "allowedCombinations" => policy.allowed_combinations = cx.field(key, entry),
                        key if AuthenticationStrengthPolicy::KEYS.contains(&key) => {}
                        _ => cx.unknown_key(entry, AuthenticationStrengthPolicy::KEYS),
                    }
                }
                Some(StrengthRef {
                    id: policy.id.map(|s| s.value),
                    display_name: policy.display_name.map(|s| s.value),
                    allowed_combinations: policy
                        .allowed_combinations
                        .map(|l| l.value.into_iter().map(|c| c.value).collect())
                        .unwrap_or_default(),
                })
            }
            _ => {
                cx.wrong_type(
                    node,
                    "an authentication strength: its id, display name, or the object Graph returns",
                );
                None
            }
        }
    }
}

impl ToCel for StrengthRef {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        let text = |s: &Option<String>| s.as_deref().map_or(Val::Null, cel_str);
        super::field::cel_map(vec![
            ("id", text(&self.id)),
            ("displayName", text(&self.display_name)),
            (
                "allowedCombinations",
                Val::list(
                    self.allowed_combinations
                        .iter()
                        .map(|c| cel_str(c))
                        .collect(),
                ),
            ),
        ])
    }
}

impl schemars::JsonSchema for StrengthRef {
    fn schema_name() -> Cow<'static, str> {
        "StrengthRef".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let object = generator.subschema_for::<AuthenticationStrengthPolicy>();
        let value = serde_json::json!({
            "description": "An authentication strength: a built-in one's id or display name (`Phishing-resistant MFA`), a custom one's id or display name, or the object Graph embeds.",
            "anyOf": [{"type": "string"}, object],
        });
        schemars::Schema::try_from(value).unwrap_or_default()
    }
}

/// `authenticationFlows.transferMethods`: Graph writes the flags as one comma-separated string
/// (`deviceCodeFlow,authenticationTransfer`); a list is accepted too.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TransferMethods(pub Vec<String>);

pub const TRANSFER_METHODS: &[&str] = &[
    "none",
    "deviceCodeFlow",
    "authenticationTransfer",
    "unknownFutureValue",
];

impl FromNode for TransferMethods {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        let words: Vec<String> = match &node.value {
            Value::Str(text) => text
                .split(',')
                .map(|w| w.trim().to_string())
                .filter(|w| !w.is_empty())
                .collect(),
            Value::Seq(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            _ => {
                cx.wrong_type(node, "a comma-separated string of transfer methods");
                return None;
            }
        };
        let mut out = Vec::with_capacity(words.len());
        for word in words {
            match TRANSFER_METHODS
                .iter()
                .find(|m| m.eq_ignore_ascii_case(&word))
            {
                Some(known) => out.push((*known).to_string()),
                None => {
                    let near = super::suggest::closest(&word, TRANSFER_METHODS.iter().copied());
                    let help = match near {
                        Some(near) => format!(
                            "did you mean `{near}`? allowed: {}",
                            TRANSFER_METHODS.join(", ")
                        ),
                        None => format!("allowed: {}", TRANSFER_METHODS.join(", ")),
                    };
                    cx.report(
                        Diagnostic::error(
                            "invalid-value",
                            node.span,
                            format!("`{word}` is not a valid value for `transferMethods`"),
                        )
                        .with_label("not a transfer method")
                        .with_help(help),
                    );
                }
            }
        }
        Some(TransferMethods(out))
    }
}

impl ToCel for TransferMethods {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        Val::list(self.0.iter().map(|m| cel_str(m)).collect())
    }
}

impl schemars::JsonSchema for TransferMethods {
    fn schema_name() -> Cow<'static, str> {
        "TransferMethods".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let value = serde_json::json!({
            "description": "Authentication transfer methods as Graph writes them: comma-separated flags (`deviceCodeFlow,authenticationTransfer`), or a list.",
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"enum": TRANSFER_METHODS}},
            ],
        });
        schemars::Schema::try_from(value).unwrap_or_default()
    }
}
