//! The authentication methods policy (`GET /policies/authenticationMethodsPolicy`): which sign-in
//! and MFA methods the tenant allows, and to whom, with the registration campaign, system-preferred
//! MFA and suspicious-activity reporting.
//!
//! A file lists method configurations as Graph does, each named by its `id`. Rules see them keyed
//! by that id (`authenticationMethodConfigurations.Sms.state`), every known method present: a
//! method a file leaves out takes Entra's defaults like any other undeclared setting.

use std::borrow::Cow;

use super::field::{CelCx, Ctx, FromNode, List, ToCel, cel_map, section, string_enum};
use super::value::Val;
use crate::diagnostic::Diagnostic;
use crate::tree::{Node, Value};

string_enum! {
    /// `authenticationMethodsPolicy.policyMigrationState`.
    pub enum MigrationState ("a migration state") {
        "preMigration" => PreMigration,
        "migrationInProgress" => MigrationInProgress,
        "migrationComplete" => MigrationComplete,
        "unknownFutureValue" => UnknownFutureValue,
    }
}

string_enum! {
    /// A method's `state`: whether the tenant allows it at all.
    pub enum MethodState ("enabled or disabled") {
        "enabled" => Enabled,
        "disabled" => Disabled,
    }
}

string_enum! {
    /// A feature's `state`; `default` leaves the choice to Microsoft.
    pub enum FeatureState ("default, enabled or disabled") {
        "default" => Default,
        "enabled" => Enabled,
        "disabled" => Disabled,
        "unknownFutureValue" => UnknownFutureValue,
    }
}

string_enum! {
    /// The id of a built-in authentication method configuration.
    pub enum MethodId ("a built-in authentication method id") {
        "Sms" => Sms,
        "Voice" => Voice,
        "Email" => Email,
        "MicrosoftAuthenticator" => MicrosoftAuthenticator,
        "SoftwareOath" => SoftwareOath,
        "Fido2" => Fido2,
        "TemporaryAccessPass" => TemporaryAccessPass,
        "X509Certificate" => X509Certificate,
        "HardwareOath" => HardwareOath,
        "QRCodePin" => QrCodePin,
    }
}

string_enum! {
    /// `keyRestrictions.enforcementType`.
    pub enum EnforcementType ("allow or block") {
        "allow" => Allow,
        "block" => Block,
        "unknownFutureValue" => UnknownFutureValue,
    }
}

section! {
    /// `GET /policies/authenticationMethodsPolicy`.
    pub struct AuthenticationMethodsPolicy {
        "policyMigrationState" => policy_migration_state: MigrationState,
        "authenticationMethodConfigurations" => authentication_method_configurations: MethodConfigurations,
        "registrationEnforcement" => registration_enforcement: RegistrationEnforcement,
        "systemCredentialPreferences" => system_credential_preferences: SystemCredentialPreferences,
        "reportSuspiciousActivitySettings" => report_suspicious_activity_settings: ReportSuspiciousActivitySettings,
        "reconfirmationInDays" => reconfirmation_in_days: i64,
        "policyVersion" => policy_version: String,
        "id" => id: String,
        "displayName" => display_name: String,
        "description" => description: String,
        "lastModifiedDateTime" => last_modified_date_time: String,
    }
}

section! {
    /// One method's configuration: the keys every method has (`id`, `state`, targets) and those
    /// of the methods that carry more.
    pub struct AuthenticationMethodConfiguration [identity = "id"] [required = id ("id")] {
        "id" => id: MethodId,
        "state" => state: MethodState,
        "includeTargets" => include_targets: List<MethodTarget>,
        "excludeTargets" => exclude_targets: List<MethodTarget>,
        // MicrosoftAuthenticator
        "isSoftwareOathEnabled" => is_software_oath_enabled: bool,
        "featureSettings" => feature_settings: AuthenticatorFeatureSettings,
        // Fido2
        "isAttestationEnforced" => is_attestation_enforced: bool,
        "isSelfServiceRegistrationAllowed" => is_self_service_registration_allowed: bool,
        "keyRestrictions" => key_restrictions: KeyRestrictions,
        // TemporaryAccessPass
        "isUsableOnce" => is_usable_once: bool,
        "defaultLifetimeInMinutes" => default_lifetime_in_minutes: i64,
        "defaultLength" => default_length: i64,
        "minimumLifetimeInMinutes" => minimum_lifetime_in_minutes: i64,
        "maximumLifetimeInMinutes" => maximum_lifetime_in_minutes: i64,
        // Email
        "allowExternalIdToUseEmailOtp" => allow_external_id_to_use_email_otp: FeatureState,
        // Voice
        "isOfficePhoneAllowed" => is_office_phone_allowed: bool,
        // X509Certificate
        "certificateUserBindings" => certificate_user_bindings: List<CertificateUserBinding>,
        "authenticationModeConfiguration" => authentication_mode_configuration: AuthenticationModeConfiguration,
        // QRCodePin
        "standardQRCodeLifetimeInDays" => standard_qr_code_lifetime_in_days: i64,
        "pinLength" => pin_length: i64,
    }
}

section! {
    /// Who a method applies to: a group's object id, or `all_users`.
    pub struct MethodTarget {
        "id" => id: String,
        "targetType" => target_type: String,
        "isRegistrationRequired" => is_registration_required: bool,
        // Sms: whether the method signs users in without a password.
        "isUsableForSignIn" => is_usable_for_sign_in: bool,
        // MicrosoftAuthenticator, and older responses' per-target feature states.
        "authenticationMode" => authentication_mode: String,
        "outlookMobileAllowedState" => outlook_mobile_allowed_state: FeatureState,
        "displayAppInformationRequiredState" => display_app_information_required_state: FeatureState,
        "numberMatchingRequiredState" => number_matching_required_state: FeatureState,
    }
}

section! {
    /// Microsoft Authenticator's sign-in context and companion app switches.
    pub struct AuthenticatorFeatureSettings {
        "numberMatchingRequiredState" => number_matching_required_state: FeatureConfiguration,
        "displayAppInformationRequiredState" => display_app_information_required_state: FeatureConfiguration,
        "displayLocationInformationRequiredState" => display_location_information_required_state: FeatureConfiguration,
        "companionAppAllowedState" => companion_app_allowed_state: FeatureConfiguration,
    }
}

section! {
    /// One feature: its state, and the one group (or `all_users`) it includes and excludes.
    pub struct FeatureConfiguration {
        "state" => state: FeatureState,
        "includeTarget" => include_target: FeatureTarget,
        "excludeTarget" => exclude_target: FeatureTarget,
    }
}

section! {
    pub struct FeatureTarget {
        "id" => id: String,
        "targetType" => target_type: String,
    }
}

section! {
    /// FIDO2 keys allowed or blocked by AAGUID.
    pub struct KeyRestrictions {
        "isEnforced" => is_enforced: bool,
        "enforcementType" => enforcement_type: EnforcementType,
        "aaGuids" => aa_guids: List<String>,
    }
}

section! {
    pub struct CertificateUserBinding {
        "x509CertificateField" => x509_certificate_field: String,
        "userProperty" => user_property: String,
        "priority" => priority: i64,
        "trustAffinityLevel" => trust_affinity_level: String,
    }
}

section! {
    pub struct AuthenticationModeConfiguration {
        "x509CertificateAuthenticationDefaultMode" => x509_certificate_authentication_default_mode: String,
        "x509CertificateDefaultRequiredAffinityLevel" => x509_certificate_default_required_affinity_level: String,
        "rules" => rules: List<CertificateRule>,
    }
}

section! {
    pub struct CertificateRule {
        "x509CertificateRuleType" => x509_certificate_rule_type: String,
        "identifier" => identifier: String,
        "x509CertificateAuthenticationMode" => x509_certificate_authentication_mode: String,
        "x509CertificateRequiredAffinityLevel" => x509_certificate_required_affinity_level: String,
        "issuerSubjectIdentifier" => issuer_subject_identifier: String,
        "policyOidIdentifier" => policy_oid_identifier: String,
    }
}

section! {
    pub struct RegistrationEnforcement {
        "authenticationMethodsRegistrationCampaign" => authentication_methods_registration_campaign: RegistrationCampaign,
    }
}

section! {
    /// The campaign that prompts users at sign-in to register Microsoft Authenticator.
    pub struct RegistrationCampaign {
        "state" => state: FeatureState,
        "snoozeDurationInDays" => snooze_duration_in_days: i64,
        "enforceRegistrationAfterAllowedSnoozes" => enforce_registration_after_allowed_snoozes: bool,
        "includeTargets" => include_targets: List<CampaignTarget>,
        "excludeTargets" => exclude_targets: List<FeatureTarget>,
    }
}

section! {
    pub struct CampaignTarget {
        "id" => id: String,
        "targetType" => target_type: String,
        "targetedAuthenticationMethod" => targeted_authentication_method: String,
    }
}

section! {
    /// System-preferred MFA: Entra asks for the strongest method a user has registered.
    pub struct SystemCredentialPreferences {
        "state" => state: FeatureState,
        "includeTargets" => include_targets: List<FeatureTarget>,
        "excludeTargets" => exclude_targets: List<FeatureTarget>,
    }
}

section! {
    /// Whether users can report an MFA prompt they did not start.
    pub struct ReportSuspiciousActivitySettings {
        "state" => state: FeatureState,
        "includeTarget" => include_target: FeatureTarget,
        "voiceReportingCode" => voice_reporting_code: i64,
    }
}

/// `authenticationMethodConfigurations`: Graph's list of method configurations. A configuration
/// whose id is a GUID is an external authentication method (a provider's own), which the format
/// does not describe; it is passed over.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MethodConfigurations(pub List<AuthenticationMethodConfiguration>);

impl MethodConfigurations {
    /// The configuration of one method, when the file has it.
    pub fn get(&self, id: MethodId) -> Option<&AuthenticationMethodConfiguration> {
        self.0
            .iter()
            .map(|c| &c.value)
            .find(|c| c.id.as_ref().is_some_and(|i| i.value == id))
    }
}

impl FromNode for MethodConfigurations {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        let Value::Seq(items) = &node.value else {
            cx.wrong_type(node, "a list of method configurations, each with its `id`");
            return None;
        };
        let external = |item: &Node| {
            item.get("id")
                .and_then(Node::as_str)
                .is_some_and(super::catalog::is_guid)
        };
        let kept: Vec<Node> = items.iter().filter(|i| !external(i)).cloned().collect();
        let list = Node::new(node.span, Value::Seq(kept));
        let configurations = <List<AuthenticationMethodConfiguration>>::from_node(&list, cx)?;
        let mut out: List<AuthenticationMethodConfiguration> = Vec::new();
        for configuration in configurations {
            let Some(id) = configuration.value.id.clone() else {
                continue;
            };
            if out
                .iter()
                .any(|c| c.value.id.as_ref().map(|i| i.value) == Some(id.value))
            {
                cx.report(
                    Diagnostic::error(
                        "duplicate-key",
                        id.span,
                        format!(
                            "`{}` is configured twice; the first configuration is used",
                            id.value.as_str()
                        ),
                    )
                    .with_label("configured again here")
                    .with_help("keep one configuration per method"),
                );
                continue;
            }
            out.push(configuration);
        }
        Some(MethodConfigurations(out))
    }
}

impl ToCel for MethodConfigurations {
    fn to_cel(&self, path: &str, cx: &CelCx) -> Val {
        let fields = MethodId::VALUES
            .iter()
            .map(|name| {
                let at = super::field::join_path(path, name);
                let value = match MethodId::parse(name).and_then(|id| self.get(id)) {
                    Some(configuration) => configuration.to_cel(&at, cx),
                    None => AuthenticationMethodConfiguration::absent(&at, cx),
                };
                (*name, value)
            })
            .collect();
        cel_map(fields)
    }

    fn absent(path: &str, cx: &CelCx) -> Val {
        MethodConfigurations::default().to_cel(path, cx)
    }
}

impl schemars::JsonSchema for MethodConfigurations {
    fn schema_name() -> Cow<'static, str> {
        "MethodConfigurations".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let item = generator.subschema_for::<AuthenticationMethodConfiguration>();
        let value = serde_json::json!({
            "description": "Method configurations as Graph lists them, each named by its `id` (`Sms`, `MicrosoftAuthenticator`, …); a method left out keeps Entra's default.",
            "type": "array",
            "items": item,
        });
        schemars::Schema::try_from(value).unwrap_or_default()
    }
}
