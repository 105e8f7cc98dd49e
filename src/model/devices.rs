//! The device registration policy (`GET /policies/deviceRegistrationPolicy`, beta): who may join
//! and register devices, how many each user may have, who becomes a local administrator of a
//! joined device, and whether Windows LAPS is on.
//!
//! Graph says who a setting applies to with a `deviceRegistrationMembership` object whose
//! `@odata.type` is the choice (all, selected users and groups, or none). A file may paste that
//! object, or write the choice as one word; rules see the word (`all`, `selected` or `none`).

use std::borrow::Cow;

use super::field::{CelCx, Ctx, FromNode, List, ToCel, cel_static, section};
use super::value::Val;
use crate::diagnostic::Diagnostic;
use crate::tree::{Node, Value};

section! {
    /// `GET /policies/deviceRegistrationPolicy` (beta).
    pub struct DeviceRegistrationPolicy {
        "userDeviceQuota" => user_device_quota: DeviceQuota,
        "multiFactorAuthConfiguration" => multi_factor_auth_configuration: String,
        "azureADJoin" => azure_ad_join: AzureAdJoinPolicy,
        "azureADRegistration" => azure_ad_registration: AzureAdRegistrationPolicy,
        "localAdminPassword" => local_admin_password: LocalAdminPasswordSettings,
        "id" => id: String,
        "displayName" => display_name: String,
        "description" => description: String,
    }
}

section! {
    /// Microsoft Entra join: who may join devices, and who becomes their local administrator.
    pub struct AzureAdJoinPolicy {
        "allowedToJoin" => allowed_to_join: Membership,
        "isAdminConfigurable" => is_admin_configurable: bool,
        "localAdmins" => local_admins: LocalAdminSettings,
    }
}

section! {
    /// Microsoft Entra registration (bring your own device).
    pub struct AzureAdRegistrationPolicy {
        "allowedToRegister" => allowed_to_register: Membership,
        "isAdminConfigurable" => is_admin_configurable: bool,
    }
}

section! {
    /// Who becomes a local administrator on the devices joined to Entra.
    pub struct LocalAdminSettings {
        "enableGlobalAdmins" => enable_global_admins: bool,
        "registeringUsers" => registering_users: Membership,
    }
}

section! {
    /// Windows LAPS: Entra stores and rotates the joined devices' local administrator password.
    pub struct LocalAdminPasswordSettings {
        "isEnabled" => is_enabled: bool,
    }
}

/// `userDeviceQuota`: how many devices a user may join or register; never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceQuota(pub i64);

impl FromNode for DeviceQuota {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        match node.value {
            Value::Int(n) if n >= 0 => Some(DeviceQuota(n)),
            Value::Int(_) => {
                cx.report(
                    Diagnostic::error(
                        "invalid-value",
                        node.span,
                        "`userDeviceQuota` cannot be negative",
                    )
                    .with_label("a negative number")
                    .with_help("write the number of devices a user may have, such as 10"),
                );
                None
            }
            _ => {
                cx.wrong_type(node, "a whole number of devices");
                None
            }
        }
    }
}

impl ToCel for DeviceQuota {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        Val::Int(self.0)
    }
}

impl schemars::JsonSchema for DeviceQuota {
    fn schema_name() -> Cow<'static, str> {
        "DeviceQuota".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let value = serde_json::json!({
            "description": "The number of devices a user may join or register (Entra caps it at 100).",
            "type": "integer",
            "minimum": 0
        });
        schemars::Schema::try_from(value).unwrap_or_default()
    }
}

/// Whom a device registration setting applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipKind {
    All,
    Selected,
    None,
}

impl MembershipKind {
    /// The words a file may write, as rules see them.
    pub const WORDS: &'static [&'static str] = &["all", "selected", "none"];
    /// Graph's `@odata.type` for each, in the same order.
    pub const TYPES: &'static [&'static str] = &[
        "#microsoft.graph.allDeviceRegistrationMembership",
        "#microsoft.graph.enumeratedDeviceRegistrationMembership",
        "#microsoft.graph.noDeviceRegistrationMembership",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MembershipKind::All => "all",
            MembershipKind::Selected => "selected",
            MembershipKind::None => "none",
        }
    }

    fn from_index(index: usize) -> Self {
        [
            MembershipKind::All,
            MembershipKind::Selected,
            MembershipKind::None,
        ][index]
    }

    /// The word, any case.
    pub fn parse(word: &str) -> Option<Self> {
        let word = word.trim();
        Self::WORDS
            .iter()
            .position(|w| w.eq_ignore_ascii_case(word))
            .map(Self::from_index)
    }

    /// Graph's type name, with or without `#` and the `microsoft.graph.` namespace.
    pub fn from_type(odata_type: &str) -> Option<Self> {
        let name = odata_type.trim().trim_start_matches('#');
        let name = name
            .get(..16)
            .filter(|ns| ns.eq_ignore_ascii_case("microsoft.graph."))
            .map_or(name, |_| &name[16..]);
        Self::TYPES
            .iter()
            .position(|t| t[17..].eq_ignore_ascii_case(name))
            .map(Self::from_index)
    }
}

/// A `deviceRegistrationMembership`: its kind, and for `selected` the users and groups named.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub kind: MembershipKind,
    pub users: List<String>,
    pub groups: List<String>,
}

const EXPECTED: &str =
    "`all`, `selected` or `none`, or Graph's membership object with its `@odata.type`";

impl FromNode for Membership {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        match &node.value {
            Value::Str(word) => match MembershipKind::parse(word) {
                Some(kind) => Some(Membership {
                    kind,
                    users: Vec::new(),
                    groups: Vec::new(),
                }),
                None => {
                    cx.invalid_value(node, MembershipKind::WORDS, "all, selected or none");
                    None
                }
            },
            Value::Map(entries) => {
                let Some(odata_type) = node.get("@odata.type") else {
                    cx.missing_key(node, "@odata.type");
                    return None;
                };
                let kind = match odata_type.as_str() {
                    Some(name) => MembershipKind::from_type(name),
                    None => None,
                };
                let Some(kind) = kind else {
                    let found = odata_type
                        .as_str()
                        .map_or_else(|| odata_type.kind_name().to_string(), |s| format!("`{s}`"));
                    cx.report(
                        Diagnostic::error(
                            "invalid-value",
                            odata_type.span,
                            format!("{found} is not a kind of device registration membership"),
                        )
                        .with_label("not a membership type")
                        .with_help(format!("allowed: {}", MembershipKind::TYPES.join(", "))),
                    );
                    return None;
                };
                let mut membership = Membership {
                    kind,
                    users: Vec::new(),
                    groups: Vec::new(),
                };
                for entry in entries {
                    let Some(key) = cx.key(entry) else { continue };
                    match key {
                        "users" => {
                            membership.users = cx
                                .field::<List<String>>(key, entry)
                                .map(|l| l.value)
                                .unwrap_or_default();
                        }
                        "groups" => {
                            membership.groups = cx
                                .field::<List<String>>(key, entry)
                                .map(|l| l.value)
                                .unwrap_or_default();
                        }
                        _ => cx.unknown_key(entry, &["@odata.type", "users", "groups"]),
                    }
                }
                Some(membership)
            }
            _ => {
                cx.wrong_type(node, EXPECTED);
                None
            }
        }
    }
}

impl ToCel for Membership {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        cel_static(self.kind.as_str())
    }
}

impl schemars::JsonSchema for Membership {
    fn schema_name() -> Cow<'static, str> {
        "DeviceRegistrationMembership".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let value = serde_json::json!({
            "description": "Whom the setting applies to: `all`, `selected` or `none`, or Graph's deviceRegistrationMembership object (its `@odata.type`, and for the enumerated kind the `users` and `groups` it names).",
            "anyOf": [
                { "type": "string", "enum": MembershipKind::WORDS },
                {
                    "type": "object",
                    "properties": {
                        "@odata.type": { "type": "string", "enum": MembershipKind::TYPES },
                        "users": { "type": "array", "items": { "type": "string" } },
                        "groups": { "type": "array", "items": { "type": "string" } }
                    },
                    "required": ["@odata.type"],
                    "patternProperties": { "@odata\\.": {} },
                    "additionalProperties": false
                }
            ]
        });
        schemars::Schema::try_from(value).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::MembershipKind;

    #[test]
    fn graph_type_names_are_read_with_or_without_namespace() {
        for (name, kind) in [
            (
                "#microsoft.graph.allDeviceRegistrationMembership",
                MembershipKind::All,
            ),
            (
                "microsoft.graph.enumeratedDeviceRegistrationMembership",
                MembershipKind::Selected,
            ),
            ("noDeviceRegistrationMembership", MembershipKind::None),
        ] {
            assert_eq!(MembershipKind::from_type(name), Some(kind), "{name}");
        }
        assert_eq!(MembershipKind::from_type("#microsoft.graph.user"), None);
        assert_eq!(MembershipKind::from_type("é"), None);
    }
}
