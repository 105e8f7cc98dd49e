//! What members, guests and customers can do in a tenant, computed from its effective settings:
//! each answer names the setting it follows and whether the file declares it or Entra's default
//! applies. The guest columns follow the member / limited-guest / restricted-guest comparison of
//! the three guest role templates (`authorizationPolicy.guestUserRoleId`).

pub mod render;

use serde::Serialize;

use crate::diagnostic::{SourceFile, Span};
use crate::model::defaults;
use crate::model::field::Spanned;
use crate::model::sections::{AllowInvitesFrom, GuestRole};
use crate::model::{CONSENT_BETA, CONSENT_V1, Model, TenantKind};

/// Who the answers are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Members,
    Guests,
    Customers,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Members => "members",
            Audience::Guests => "guests",
            Audience::Customers => "customers",
        }
    }
}

/// One answer: can they, and how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Yes,
    Limited,
    No,
}

/// Where an answer comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Source {
    /// The file declares the setting, at this line and column.
    Declared {
        setting: String,
        line: usize,
        column: usize,
    },
    /// The file leaves the setting out; Entra's default for the tenant kind applies.
    Default { setting: String },
}

impl Source {
    pub fn setting(&self) -> &str {
        match self {
            Source::Declared { setting, .. } | Source::Default { setting } => setting,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub audience: Audience,
    pub access: Access,
    /// What the answer means in words (`only members of group-creators`).
    pub detail: String,
    /// The settings the answer follows, most decisive first.
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// A stable id for machines (`read-other-users`).
    pub id: &'static str,
    pub capability: &'static str,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Permissions {
    pub file: String,
    pub kind: &'static str,
    pub audiences: Vec<Audience>,
    pub rows: Vec<Row>,
}

/// Reads one effective setting: the declared value with its position, or Entra's default.
struct Settings<'a> {
    model: &'a Model,
    source: &'a SourceFile,
}

/// An effective value and where it came from.
struct Effective<T> {
    value: T,
    source: Source,
}

impl Settings<'_> {
    fn declared(&self, path: &str, key: Span) -> Source {
        let at = self.source.line_col(key.start);
        Source::Declared {
            setting: path.to_string(),
            line: at.line,
            column: at.column,
        }
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

    fn bool(&self, path: &str, declared: Option<&Spanned<bool>>) -> Effective<bool> {
        match declared {
            Some(d) => Effective {
                value: d.value,
                source: self.declared(path, d.key),
            },
            None => Effective {
                value: self.default_json(path).as_bool().unwrap_or(false),
                source: self.default(path),
            },
        }
    }

    fn durp(&self) -> Option<&crate::model::sections::DefaultUserRolePermissions> {
        let policy = &self.model.tenant.authorization_policy.as_ref()?.value;
        Some(&policy.default_user_role_permissions.as_ref()?.value)
    }

    fn durp_bool(
        &self,
        name: &str,
        field: impl Fn(&crate::model::sections::DefaultUserRolePermissions) -> Option<&Spanned<bool>>,
    ) -> Effective<bool> {
        let path = format!("authorizationPolicy.defaultUserRolePermissions.{name}");
        self.bool(&path, self.durp().and_then(field))
    }

    fn guest_role(&self) -> Effective<GuestRole> {
        let policy = self.model.tenant.authorization_policy.as_ref();
        self.setting(
            "authorizationPolicy.guestUserRoleId",
            policy.and_then(|p| p.value.guest_user_role_id.as_ref()),
            GuestRole::parse,
            GuestRole::Limited,
        )
    }

    fn invites(&self) -> Effective<AllowInvitesFrom> {
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

    fn group_creation(&self) -> (Effective<bool>, Option<Effective<String>>) {
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

    fn consent(&self) -> Effective<Vec<String>> {
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

fn yes_no(value: bool) -> Access {
    if value { Access::Yes } else { Access::No }
}

/// Computes the table for a loaded tenant.
pub fn compute(model: &Model, source: &SourceFile) -> Permissions {
    let s = Settings { model, source };
    let external = model.kind == TenantKind::External;
    let mut audiences = vec![Audience::Members, Audience::Guests];
    if external {
        audiences.push(Audience::Customers);
    }
    let guest_role = s.guest_role();
    let as_members = guest_role.value == GuestRole::SameAsMembers;

    // A capability granted by a default-user-role switch: members and customers follow the switch;
    // guests follow it only with member access, otherwise their role template denies it.
    let by_switch = |effective: Effective<bool>, yes: &str, no: &str| -> Vec<Cell> {
        audiences
            .iter()
            .map(|&audience| {
                if audience == Audience::Guests && !as_members {
                    Cell {
                        audience,
                        access: Access::No,
                        detail: "the guest role does not include it".to_string(),
                        sources: vec![guest_role.source.clone()],
                    }
                } else {
                    let mut sources = vec![effective.source.clone()];
                    if audience == Audience::Guests {
                        sources.push(guest_role.source.clone());
                    }
                    Cell {
                        audience,
                        access: yes_no(effective.value),
                        detail: if effective.value { yes } else { no }.to_string(),
                        sources,
                    }
                }
            })
            .collect()
    };

    let mut rows = Vec::new();

    // Reading users and groups: members always read groups; allowedToReadOtherUsers decides the
    // rest for users holding the default user role (customers of an external tenant included).
    let read_users = s.durp_bool("allowedToReadOtherUsers", |d| {
        d.allowed_to_read_other_users.as_ref()
    });
    let guest_reads = |users: bool| -> Cell {
        let (access, detail) = match guest_role.value {
            GuestRole::SameAsMembers => (
                if users {
                    yes_no(read_users.value)
                } else {
                    Access::Yes
                },
                "guests have the same access as members".to_string(),
            ),
            GuestRole::Limited if users => (
                Access::Limited,
                "limited guest access: cannot list users, only look up ones they know".to_string(),
            ),
            GuestRole::Limited => (
                Access::Limited,
                "limited guest access: memberships of non-hidden groups, no listing of groups"
                    .to_string(),
            ),
            GuestRole::Restricted => (
                Access::No,
                "restricted guest access: only their own profile and memberships".to_string(),
            ),
        };
        let mut sources = vec![guest_role.source.clone()];
        if users && as_members {
            sources.push(read_users.source.clone());
        }
        Cell {
            audience: Audience::Guests,
            access,
            detail,
            sources,
        }
    };
    rows.push(Row {
        id: "read-other-users",
        capability: "read other users",
        cells: audiences
            .iter()
            .map(|&audience| match audience {
                Audience::Guests => guest_reads(true),
                _ => Cell {
                    audience,
                    access: yes_no(read_users.value),
                    detail: if read_users.value {
                        "can list and read other users"
                    } else {
                        "only their own profile"
                    }
                    .to_string(),
                    sources: vec![read_users.source.clone()],
                },
            })
            .collect(),
    });
    rows.push(Row {
        id: "read-groups",
        capability: "read groups and memberships",
        cells: audiences
            .iter()
            .map(|&audience| match audience {
                Audience::Guests => guest_reads(false),
                // In an external tenant the same switch keeps its users out of groups and devices.
                _ if external => Cell {
                    audience,
                    access: yes_no(read_users.value),
                    detail: if read_users.value {
                        "can list groups and their members"
                    } else {
                        "only their own memberships"
                    }
                    .to_string(),
                    sources: vec![read_users.source.clone()],
                },
                _ => Cell {
                    audience,
                    access: Access::Yes,
                    detail: "members read every non-hidden group and its members".to_string(),
                    sources: vec![],
                },
            })
            .collect(),
    });
    rows.push(Row {
        id: "register-applications",
        capability: "register applications",
        cells: by_switch(
            s.durp_bool("allowedToCreateApps", |d| d.allowed_to_create_apps.as_ref()),
            "can register applications and own them",
            "only holders of Application Developer or an admin role",
        ),
    });
    rows.push(Row {
        id: "create-security-groups",
        capability: "create security groups",
        cells: by_switch(
            s.durp_bool("allowedToCreateSecurityGroups", |d| {
                d.allowed_to_create_security_groups.as_ref()
            }),
            "can create security groups",
            "only admins",
        ),
    });

    let (creation, allowed_group) = s.group_creation();
    let m365 = |audience: Audience| -> Cell {
        if audience == Audience::Guests && !as_members {
            return Cell {
                audience,
                access: Access::No,
                detail: "the guest role does not include it".to_string(),
                sources: vec![guest_role.source.clone()],
            };
        }
        let mut sources = vec![creation.source.clone()];
        let (access, detail) = match (&creation.value, &allowed_group) {
            (true, _) => (Access::Yes, "can create Microsoft 365 groups".to_string()),
            (false, Some(group)) => {
                sources.push(group.source.clone());
                (
                    Access::Limited,
                    format!("only members of `{}`", group.value),
                )
            }
            (false, None) => (Access::No, "only admins".to_string()),
        };
        if audience == Audience::Guests {
            sources.push(guest_role.source.clone());
        }
        Cell {
            audience,
            access,
            detail,
            sources,
        }
    };
    rows.push(Row {
        id: "create-m365-groups",
        capability: "create Microsoft 365 groups",
        cells: audiences.iter().map(|&a| m365(a)).collect(),
    });
    rows.push(Row {
        id: "create-tenants",
        capability: "create tenants",
        cells: by_switch(
            s.durp_bool("allowedToCreateTenants", |d| {
                d.allowed_to_create_tenants.as_ref()
            }),
            "can create a tenant and become its Global Administrator",
            "only holders of Tenant Creator or an admin role",
        ),
    });

    let invites = s.invites();
    rows.push(Row {
        id: "invite-guests",
        capability: "invite guests",
        cells: audiences
            .iter()
            .map(|&audience| {
                let mut sources = vec![invites.source.clone()];
                let (access, detail) = match (invites.value, audience) {
                    (AllowInvitesFrom::Everyone, _) => {
                        (Access::Yes, "anyone in the tenant may invite")
                    }
                    (AllowInvitesFrom::AdminsGuestInvitersAndAllMembers, Audience::Guests) => {
                        sources.push(guest_role.source.clone());
                        if as_members {
                            (Access::Yes, "guests with member access may invite")
                        } else {
                            (Access::No, "only members, admins and Guest Inviters")
                        }
                    }
                    (AllowInvitesFrom::AdminsGuestInvitersAndAllMembers, _) => {
                        (Access::Yes, "members may invite")
                    }
                    (AllowInvitesFrom::AdminsAndGuestInviters, _) => {
                        (Access::No, "only admins and holders of Guest Inviter")
                    }
                    (AllowInvitesFrom::None, _) => (Access::No, "nobody, admins included"),
                };
                Cell {
                    audience,
                    access,
                    detail: detail.to_string(),
                    sources,
                }
            })
            .collect(),
    });

    // The setting governs every device owner; guests and customers rarely own devices.
    let bitlocker = s.durp_bool("allowedToReadBitlockerKeysForOwnedDevice", |d| {
        d.allowed_to_read_bitlocker_keys_for_owned_device.as_ref()
    });
    rows.push(Row {
        id: "read-own-bitlocker-keys",
        capability: "read their own BitLocker keys",
        cells: audiences
            .iter()
            .map(|&audience| Cell {
                audience,
                access: yes_no(bitlocker.value),
                detail: if bitlocker.value {
                    "can read the recovery keys of devices they own"
                } else {
                    "recovery keys go through an admin"
                }
                .to_string(),
                sources: vec![bitlocker.source.clone()],
            })
            .collect(),
    });

    let consent = s.consent();
    let (access, detail) = consent_level(&consent.value);
    rows.push(Row {
        id: "consent-to-applications",
        capability: "consent to applications",
        cells: audiences
            .iter()
            .map(|&audience| Cell {
                audience,
                access,
                detail: detail.clone(),
                sources: vec![consent.source.clone()],
            })
            .collect(),
    });

    Permissions {
        file: source.name.clone(),
        kind: model.kind.as_str(),
        audiences,
        rows,
    }
}

/// What the user-consent list lets users consent to.
fn consent_level(policies: &[String]) -> (Access, String) {
    let own: Vec<String> = policies
        .iter()
        .filter_map(|p| {
            let lower = p.to_ascii_lowercase();
            lower
                .strip_prefix("managepermissiongrantsforself.")
                .map(str::to_string)
        })
        .collect();
    if own.is_empty() {
        return (
            Access::No,
            "no user consent: an admin grants every application".to_string(),
        );
    }
    if own.iter().any(|p| p == "microsoft-user-default-legacy") {
        return (
            Access::Yes,
            "any application, for permissions that need no admin".to_string(),
        );
    }
    let detail = own
        .iter()
        .map(|p| match p.as_str() {
            "microsoft-user-default-low" => {
                "low-impact permissions of verified publishers".to_string()
            }
            "microsoft-user-default-recommended" => "what Microsoft's policy allows".to_string(),
            other => format!("what policy `{other}` allows"),
        })
        .collect::<Vec<_>>()
        .join("; ");
    (Access::Limited, detail)
}
