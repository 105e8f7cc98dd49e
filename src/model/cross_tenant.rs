//! Cross-tenant access settings (`GET /policies/crossTenantAccessPolicy`, its `/default` and its
//! `/partners`): how B2B collaboration and B2B direct connect reach this tenant from others and
//! others from this one, which of another tenant's MFA and device claims are trusted, and whether
//! invitations are redeemed without a consent prompt.
//!
//! The default configuration applies to every tenant without a partner configuration; a key it
//! leaves out takes Entra's default like any other undeclared setting. A partner configuration's
//! key that is left out (or `null`, as Graph writes it) inherits the default configuration's.

use std::borrow::Cow;

use super::field::{CelCx, Ctx, FromNode, List, ToCel, section, string_enum};
use super::value::Val;
use crate::diagnostic::Diagnostic;
use crate::tree::{Node, Value};

string_enum! {
    /// A target configuration's `accessType`.
    pub enum AccessType ("allowed or blocked") {
        "allowed" => Allowed,
        "blocked" => Blocked,
        "unknownFutureValue" => UnknownFutureValue,
    }
}

string_enum! {
    /// A target's `targetType`.
    pub enum TargetType ("user, group or application") {
        "user" => User,
        "group" => Group,
        "application" => Application,
        "unknownFutureValue" => UnknownFutureValue,
    }
}

section! {
    /// `GET /policies/crossTenantAccessPolicy`, with its default and partner configurations.
    pub struct CrossTenantAccess {
        "allowedCloudEndpoints" => allowed_cloud_endpoints: List<String>,
        "displayName" => display_name: String,
        "default" => default: DefaultConfiguration,
        "partners" => partners: Partners,
    }
}

section! {
    /// `GET /policies/crossTenantAccessPolicy/default`: the settings for every tenant without a
    /// partner configuration.
    pub struct DefaultConfiguration {
        "b2bCollaborationInbound" => b2b_collaboration_inbound: B2bSetting,
        "b2bCollaborationOutbound" => b2b_collaboration_outbound: B2bSetting,
        "b2bDirectConnectInbound" => b2b_direct_connect_inbound: B2bSetting,
        "b2bDirectConnectOutbound" => b2b_direct_connect_outbound: B2bSetting,
        "inboundTrust" => inbound_trust: InboundTrust,
        "automaticUserConsentSettings" => automatic_user_consent_settings: AutomaticUserConsentSettings,
        "tenantRestrictions" => tenant_restrictions: TenantRestrictions,
        "invitationRedemptionIdentityProviderConfiguration" => invitation_redemption_identity_provider_configuration: IdentityProviderConfiguration,
        "isServiceDefault" => is_service_default: bool,
    }
}

section! {
    /// One item of `GET /policies/crossTenantAccessPolicy/partners`, named by its `tenantId`.
    pub struct PartnerConfiguration [identity = "tenantId"] [required = tenant_id ("tenantId")] {
        "tenantId" => tenant_id: TenantId,
        "b2bCollaborationInbound" => b2b_collaboration_inbound: B2bSetting,
        "b2bCollaborationOutbound" => b2b_collaboration_outbound: B2bSetting,
        "b2bDirectConnectInbound" => b2b_direct_connect_inbound: B2bSetting,
        "b2bDirectConnectOutbound" => b2b_direct_connect_outbound: B2bSetting,
        "inboundTrust" => inbound_trust: InboundTrust,
        "automaticUserConsentSettings" => automatic_user_consent_settings: AutomaticUserConsentSettings,
        "tenantRestrictions" => tenant_restrictions: TenantRestrictions,
        "isServiceProvider" => is_service_provider: bool,
        "isInMultiTenantOrganization" => is_in_multi_tenant_organization: bool,
    }
}

section! {
    /// B2B collaboration or B2B direct connect in one direction: which users and groups, and
    /// which applications, it allows or blocks.
    pub struct B2bSetting {
        "usersAndGroups" => users_and_groups: TargetConfiguration,
        "applications" => applications: TargetConfiguration,
    }
}

section! {
    /// Whether the listed targets are allowed or blocked (all others get the opposite).
    pub struct TargetConfiguration {
        "accessType" => access_type: AccessType,
        "targets" => targets: List<Target>,
    }
}

section! {
    /// A user, group or application by object id, or `AllUsers`, `AllApplications`, `Office365`.
    pub struct Target {
        "target" => target: String,
        "targetType" => target_type: TargetType,
    }
}

section! {
    /// Which claims of another tenant's sign-in this tenant's Conditional Access accepts.
    pub struct InboundTrust {
        "isMfaAccepted" => is_mfa_accepted: bool,
        "isCompliantDeviceAccepted" => is_compliant_device_accepted: bool,
        "isHybridAzureADJoinedDeviceAccepted" => is_hybrid_azure_ad_joined_device_accepted: bool,
    }
}

section! {
    /// Automatic redemption: invitations redeemed without the consent prompt.
    pub struct AutomaticUserConsentSettings {
        "inboundAllowed" => inbound_allowed: bool,
        "outboundAllowed" => outbound_allowed: bool,
    }
}

section! {
    /// Tenant restrictions v2: which external identities and applications this tenant's users
    /// and devices may use.
    pub struct TenantRestrictions {
        "usersAndGroups" => users_and_groups: TargetConfiguration,
        "applications" => applications: TargetConfiguration,
        "devices" => devices: DevicesFilter,
    }
}

section! {
    pub struct DevicesFilter {
        "mode" => mode: String,
        "rule" => rule: String,
    }
}

section! {
    /// Which identity providers invited guests redeem with, in order.
    pub struct IdentityProviderConfiguration {
        "primaryIdentityProviderPrecedenceOrder" => primary_identity_provider_precedence_order: List<String>,
        "fallbackIdentityProvider" => fallback_identity_provider: String,
    }
}

/// A partner's `tenantId`: a directory (tenant) id, which is a GUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantId(pub String);

impl FromNode for TenantId {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        let Some(text) = node.as_str() else {
            cx.wrong_type(node, "a tenant id (a GUID) as a string");
            return None;
        };
        if !super::catalog::is_guid(text) {
            cx.report(
                Diagnostic::error(
                    "invalid-value",
                    node.span,
                    format!("`{text}` is not a tenant id: `tenantId` takes the partner's directory (tenant) id, a GUID"),
                )
                .with_label("not a GUID")
                .with_help("write the partner's tenant id, such as 72f988bf-86f1-41af-91ab-2d7cd011db47 (a domain name is not accepted)"),
            );
            return None;
        }
        Some(TenantId(text.to_ascii_lowercase()))
    }
}

impl ToCel for TenantId {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        Val::str(&self.0)
    }
}

impl schemars::JsonSchema for TenantId {
    fn schema_name() -> Cow<'static, str> {
        "TenantId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let value = serde_json::json!({
            "description": "The partner's directory (tenant) id, a GUID.",
            "type": "string",
            "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        });
        schemars::Schema::try_from(value).unwrap_or_default()
    }
}

/// `partners`: one configuration per partner tenant; a tenant listed twice is reported and its
/// first configuration kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Partners(pub List<PartnerConfiguration>);

impl FromNode for Partners {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        if !matches!(node.value, Value::Seq(_)) {
            cx.wrong_type(
                node,
                "a list of partner configurations, each with its `tenantId`",
            );
            return None;
        }
        let partners = <List<PartnerConfiguration>>::from_node(node, cx)?;
        let mut out: List<PartnerConfiguration> = Vec::new();
        for partner in partners {
            let Some(id) = partner.value.tenant_id.clone() else {
                continue;
            };
            let seen = |p: &&crate::model::field::Spanned<PartnerConfiguration>| {
                p.value.tenant_id.as_ref().map(|t| &t.value) == Some(&id.value)
            };
            if out.iter().any(|p| seen(&p)) {
                cx.report(
                    Diagnostic::error(
                        "duplicate-key",
                        id.span,
                        format!(
                            "partner `{}` is configured twice; the first configuration is used",
                            id.value.0
                        ),
                    )
                    .with_label("configured again here")
                    .with_help("keep one configuration per partner tenant, and merge the two"),
                );
                continue;
            }
            out.push(partner);
        }
        Some(Partners(out))
    }
}

impl ToCel for Partners {
    fn to_cel(&self, path: &str, cx: &CelCx) -> Val {
        self.0.to_cel(path, cx)
    }

    fn absent(_: &str, _: &CelCx) -> Val {
        Val::list(Vec::new())
    }
}

impl schemars::JsonSchema for Partners {
    fn schema_name() -> Cow<'static, str> {
        "Partners".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let item = generator.subschema_for::<PartnerConfiguration>();
        let value = serde_json::json!({
            "description": "Partner configurations as Graph lists them, each named by its `tenantId`; a key a partner leaves out inherits the default configuration's.",
            "type": "array",
            "items": item,
        });
        schemars::Schema::try_from(value).unwrap_or_default()
    }
}
