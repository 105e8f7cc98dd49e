//! Reading one effective setting for the permissions table: the declared value with its position,
//! or Entra's default for the tenant kind.

use crate::diagnostic::Span;
use crate::load::layout::Layout;
use crate::model::defaults;
use crate::model::field::Spanned;
use crate::model::sections::{AllowInvitesFrom, DefaultUserRolePermissions, GuestRole};
use crate::model::{CONSENT_BETA, CONSENT_V1, Model};

use super::Source;

pub struct Settings<'a> {
    pub model: &'a Model,
    pub layout: &'a Layout,
}

/// An effective value and where it came from.
pub struct Effective<T> {
    pub value: T,
    pub source: Source,
}

impl Settings<'_> {
    fn declared(&self, path: &str, key: Span) -> Source {
        super::declared(self.layout, path.to_string(), key.start)
    }

    fn default(&self, path: &str) -> Source {
        Source::Default {
            setting: path.to_string(),
        }
    }

    fn default_json(&self, path: &str) -> serde_json::Value {
        defaults::default_for(path)
            .map(|d| d.value(self.model.kind).clone())
            .unwrap_or(serde_json::Value::Null)
    }

    fn bool(
        &self,
        path: &str,
        declared: Option<&Spanned<bool>>,
        fallback: bool,
    ) -> Effective<bool> {
        match declared {
            Some(d) => Effective {
                value: d.value,
                source: self.declared(path, d.key),
            },
            None => Effective {
                value: self.default_json(path).as_bool().unwrap_or(fallback),
                source: self.default(path),
            },
        }
    }

    fn durp(&self) -> Option<&DefaultUserRolePermissions> {
        let policy = &self.model.tenant.authorization_policy.as_ref()?.value;
        Some(&policy.default_user_role_permissions.as_ref()?.value)
    }

    /// A switch of `authorizationPolicy.defaultUserRolePermissions`.
    pub fn durp_bool(
        &self,
        name: &str,
        field: impl Fn(&DefaultUserRolePermissions) -> Option<&Spanned<bool>>,
    ) -> Effective<bool> {
        let path = format!("authorizationPolicy.defaultUserRolePermissions.{name}");
        self.bool(&path, self.durp().and_then(field), false)
    }

    pub fn guest_role(&self) -> Effective<GuestRole> {
        let policy = self.model.tenant.authorization_policy.as_ref();
        self.setting(
            "authorizationPolicy.guestUserRoleId",
            policy.and_then(|p| p.value.guest_user_role_id.as_ref()),
            GuestRole::parse,
            GuestRole::Limited,
        )
    }

    pub fn invites(&self) -> Effective<AllowInvitesFrom> {
        let policy = self.model.tenant.authorization_policy.as_ref();
        self.setting(
            "authorizationPolicy.allowInvitesFrom",
            policy.and_then(|p| p.value.allow_invites_from.as_ref()),
            AllowInvitesFrom::parse,
            AllowInvitesFrom::Everyone,
        )
    }

    /// A string setting's effective value: as declared, else Entra's default read with `parse`
    /// (`fallback` only if the defaults table had no usable value).
    fn setting<T: Copy>(
        &self,
        path: &str,
        declared: Option<&Spanned<T>>,
        parse: fn(&str) -> Option<T>,
        fallback: T,
    ) -> Effective<T> {
        match declared {
            Some(d) => Effective {
                value: d.value,
                source: self.declared(path, d.key),
            },
            None => Effective {
                value: self
                    .default_json(path)
                    .as_str()
                    .and_then(parse)
                    .unwrap_or(fallback),
                source: self.default(path),
            },
        }
    }

    /// Microsoft 365 group creation: the switch, and the group it is limited to when one is named.
    pub fn group_creation(&self) -> (Effective<bool>, Option<Effective<String>>) {
        let settings = self.model.tenant.group_settings.as_ref().map(|s| &s.value);
        let path = "groupSettings.EnableGroupCreation";
        let enabled = match settings.and_then(|s| s.enable_group_creation.as_ref()) {
            Some(d) => Effective {
                value: d.value.0,
                source: self.declared(path, d.key),
            },
            None => Effective {
                value: self.default_json(path).as_bool().unwrap_or(true),
                source: self.default(path),
            },
        };
        let allowed = settings
            .and_then(|s| s.group_creation_allowed_group_id.as_ref())
            .filter(|d| !d.value.trim().is_empty())
            .map(|d| Effective {
                value: d.value.clone(),
                source: self.declared("groupSettings.GroupCreationAllowedGroupId", d.key),
            });
        (enabled, allowed)
    }

    /// The user-consent list under whichever spelling the file uses, else Entra's default.
    pub fn consent(&self) -> Effective<Vec<String>> {
        let declared = self
            .model
            .tenant
            .authorization_policy
            .as_ref()
            .and_then(|p| {
                let v1 = p
                    .value
                    .default_user_role_permissions
                    .as_ref()
                    .and_then(|d| d.value.permission_grant_policies_assigned.as_ref())
                    .map(|l| (CONSENT_V1, l));
                v1.or(p
                    .value
                    .permission_grant_policy_ids_assigned_to_default_user_role
                    .as_ref()
                    .map(|l| (CONSENT_BETA, l)))
            });
        match declared {
            Some((path, list)) => Effective {
                value: list.value.iter().map(|i| i.value.clone()).collect(),
                source: self.declared(path, list.key),
            },
            None => Effective {
                value: self
                    .default_json(CONSENT_V1)
                    .as_array()
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|i| i.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                source: self.default(CONSENT_V1),
            },
        }
    }
}
