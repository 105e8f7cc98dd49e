//! Microsoft365DSC resources onto the format-v1 tree.
//!
//! Every node keeps the span of the DSC text it came from: a value points at the value on its
//! assignment line, a section at the resource block's header. Property names are matched
//! ignoring case, as PowerShell does. A value that is not a literal is reported as
//! `unresolved-value` and left out, never guessed; its tenant path is recorded on the diagnostic
//! so the default standing in for it is not judged either.

use super::parse::{Item, Prop, PsValue, Resource, find};

// The sign-in resources (Conditional Access and the rest) are mapped in their own file.
#[path = "map_ca.rs"]
mod ca;
#[path = "map_cross_tenant.rs"]
mod cross_tenant;
#[path = "map_devices.rs"]
mod devices;
#[path = "map_methods.rs"]
mod methods;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::tree::{Entry, Node, Value};

/// The resources entralint reads; any other resource in a configuration is skipped.
pub const RESOURCES: &[&str] = &[
    "AADAdminConsentRequestPolicy",
    "AADAuthenticationFlowPolicy",
    "AADAuthenticationMethodPolicy",
    "AADAuthenticationMethodPolicyAuthenticator",
    "AADAuthenticationMethodPolicyEmail",
    "AADAuthenticationMethodPolicyFido2",
    "AADAuthenticationMethodPolicyHardware",
    "AADAuthenticationMethodPolicySms",
    "AADAuthenticationMethodPolicySoftware",
    "AADAuthenticationMethodPolicyTemporary",
    "AADAuthenticationMethodPolicyVoice",
    "AADAuthenticationMethodPolicyX509",
    "AADAuthorizationPolicy",
    "AADDeviceRegistrationPolicy",
    "AADGroupsSettings",
    "AADPasswordRuleSettings",
    "AADRoleAssignmentScheduleRequest",
    "AADRoleEligibilityScheduleRequest",
    "AADRoleSetting",
    "AADSecurityDefaults",
    "AADExternalIdentityPolicy",
    "AADTenantDetails",
    "AADConditionalAccessPolicy",
    "AADCrossTenantAccessPolicy",
    "AADCrossTenantAccessPolicyConfigurationDefault",
    "AADCrossTenantAccessPolicyConfigurationPartner",
    "AADNamedLocationPolicy",
    "AADAuthenticationStrengthPolicy",
];

/// How a DSC value is written into the tree.
#[derive(Clone, Copy)]
enum Kind {
    /// As it is (a boolean, a string).
    Scalar,
    /// A list; a single value stands for a one-item list, as PowerShell coerces it.
    List,
    /// `GuestUserRole` names (`Guest`, `RestrictedGuest`, `User`) to role template ids.
    GuestRole,
    /// An ISO-8601 duration to whole hours.
    Hours,
    /// A list written as Graph's one comma-separated string.
    Joined,
    /// CIDR strings to Graph's `ipRanges` objects (`{cidrAddress}`).
    Cidrs,
    /// A string whose DSC spellings differ from the tenant format's: (DSC, tenant) pairs.
    Renamed(&'static [(&'static str, &'static str)]),
    /// `MSFT_AADAdminConsentRequestPolicyReviewer` instances to Graph's reviewer queries.
    Reviewers,
}

/// (DSC property names, tenant key under the section, kind). A dotted key nests one level.
type Table = &'static [(&'static [&'static str], &'static str, Kind)];

const AUTHORIZATION_POLICY: Table = &[
    (&["AllowInvitesFrom"], "allowInvitesFrom", Kind::Scalar),
    (
        &["AllowedToSignUpEmailBasedSubscriptions"],
        "allowedToSignUpEmailBasedSubscriptions",
        Kind::Scalar,
    ),
    (&["AllowedToUseSSPR"], "allowedToUseSSPR", Kind::Scalar),
    (
        &["AllowEmailVerifiedUsersToJoinOrganization"],
        "allowEmailVerifiedUsersToJoinOrganization",
        Kind::Scalar,
    ),
    (
        &["AllowUserConsentForRiskyApps"],
        "allowUserConsentForRiskyApps",
        Kind::Scalar,
    ),
    (
        &["BlockMsolPowerShell"],
        "blockMsolPowerShell",
        Kind::Scalar,
    ),
    (&["GuestUserRole"], "guestUserRoleId", Kind::GuestRole),
    (
        &["PermissionGrantPolicyIdsAssignedToDefaultUserRole"],
        "permissionGrantPolicyIdsAssignedToDefaultUserRole",
        Kind::List,
    ),
    (
        &["EnabledPreviewFeatures"],
        "enabledPreviewFeatures",
        Kind::List,
    ),
    (&["DisplayName"], "displayName", Kind::Scalar),
    (&["Description"], "description", Kind::Scalar),
    (
        &["DefaultUserRoleAllowedToCreateApps"],
        "defaultUserRolePermissions.allowedToCreateApps",
        Kind::Scalar,
    ),
    (
        &["DefaultUserRoleAllowedToCreateSecurityGroups"],
        "defaultUserRolePermissions.allowedToCreateSecurityGroups",
        Kind::Scalar,
    ),
    (
        &["DefaultUserRoleAllowedToCreateTenants"],
        "defaultUserRolePermissions.allowedToCreateTenants",
        Kind::Scalar,
    ),
    (
        &["DefaultUserRoleAllowedToReadBitlockerKeysForOwnedDevice"],
        "defaultUserRolePermissions.allowedToReadBitlockerKeysForOwnedDevice",
        Kind::Scalar,
    ),
    (
        &["DefaultUserRoleAllowedToReadOtherUsers"],
        "defaultUserRolePermissions.allowedToReadOtherUsers",
        Kind::Scalar,
    ),
];

const GROUPS_SETTINGS: Table = &[
    (
        &["EnableGroupCreation"],
        "EnableGroupCreation",
        Kind::Scalar,
    ),
    (&["EnableMIPLabels"], "EnableMIPLabels", Kind::Scalar),
    (
        &["AllowGuestsToBeGroupOwner"],
        "AllowGuestsToBeGroupOwner",
        Kind::Scalar,
    ),
    (
        &["AllowGuestsToAccessGroups"],
        "AllowGuestsToAccessGroups",
        Kind::Scalar,
    ),
    (&["AllowToAddGuests"], "AllowToAddGuests", Kind::Scalar),
    (
        &["GuestUsageGuidelinesUrl"],
        "GuestUsageGuidelinesUrl",
        Kind::Scalar,
    ),
    (&["UsageGuidelinesUrl"], "UsageGuidelinesUrl", Kind::Scalar),
    (
        &["NewUnifiedGroupWritebackDefault"],
        "NewUnifiedGroupWritebackDefault",
        Kind::Scalar,
    ),
];

/// Microsoft365DSC's `BannedPasswordList` is a string array; it joins it with tabs for Graph.
const PASSWORD_RULE_SETTINGS: Table = &[
    (
        &["EnableBannedPasswordCheck"],
        "EnableBannedPasswordCheck",
        Kind::Scalar,
    ),
    (&["BannedPasswordList"], "BannedPasswordList", Kind::List),
    (
        &["EnableBannedPasswordCheckOnPremises"],
        "EnableBannedPasswordCheckOnPremises",
        Kind::Scalar,
    ),
    // Releases of 2025 listed `Enforced` in the resource's ValueMap; Graph's value is `Enforce`.
    (
        &["BannedPasswordCheckOnPremisesMode"],
        "BannedPasswordCheckOnPremisesMode",
        Kind::Renamed(&[("Enforced", "Enforce")]),
    ),
    (&["LockoutThreshold"], "LockoutThreshold", Kind::Scalar),
    (
        &["LockoutDurationInSeconds"],
        "LockoutDurationInSeconds",
        Kind::Scalar,
    ),
];

const ADMIN_CONSENT_REQUEST_POLICY: Table = &[
    (&["IsEnabled"], "isEnabled", Kind::Scalar),
    (&["Reviewers"], "reviewers", Kind::Reviewers),
    (&["NotifyReviewers"], "notifyReviewers", Kind::Scalar),
    (&["RemindersEnabled"], "remindersEnabled", Kind::Scalar),
    (
        &["RequestDurationInDays"],
        "requestDurationInDays",
        Kind::Scalar,
    ),
];

const AUTHENTICATION_FLOW_POLICY: Table = &[
    (
        &["SelfServiceSignUpEnabled"],
        "selfServiceSignUp.isEnabled",
        Kind::Scalar,
    ),
    (&["Id"], "id", Kind::Scalar),
    (&["DisplayName"], "displayName", Kind::Scalar),
    (&["Description"], "description", Kind::Scalar),
];

const EXTERNAL_IDENTITY_POLICY: Table = &[(
    &["AllowExternalIdentitiesToLeave"],
    "allowExternalIdentitiesToLeave",
    Kind::Scalar,
)];

const ROLE_SETTING: Table = &[
    (
        &["ApprovaltoActivate"],
        "activationApprovalRequired",
        Kind::Scalar,
    ),
    (&["ActivationReqMFA"], "activationMfaRequired", Kind::Scalar),
    (
        &["ActivationMaxDuration"],
        "maxActivationHours",
        Kind::Hours,
    ),
    // Notification_Admin_Admin_Assignment: a member is assigned as active.
    (
        &["ActiveAlertNotificationAdditionalRecipient"],
        "assignmentAlertRecipients",
        Kind::List,
    ),
    // Notification_Admin_Admin_Eligibility: a member is assigned as eligible.
    (
        &["EligibleAlertNotificationAdditionalRecipient"],
        "eligibilityAlertRecipients",
        Kind::List,
    ),
    // Notification_Admin_EndUser_Assignment: an eligible member activates the role.
    (
        &[
            "EligibleAssignmentAlertNotificationAdditionalRecipient",
            "ActivationAlertNotificationAdditionalRecipient",
        ],
        "activationAlertRecipients",
        Kind::List,
    ),
];

const GUEST_ROLES: &[(&str, &str)] = &[
    ("User", "a0b1b346-4d3e-4e8b-98f8-753987be4970"),
    ("Guest", "10dae51f-b6af-4016-8d66-8c2a99b929b3"),
    ("RestrictedGuest", "2af84b1e-32c8-42b7-82bc-daa82404023b"),
];

/// A property entralint reads from a resource, for editors: its DSC name, the tenant setting it
/// becomes, and the values it takes when they are written the same way in both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub name: &'static str,
    pub setting: String,
    /// The DSC spellings of a value that is not written as the tenant setting's (guest roles).
    pub values: Option<Vec<&'static str>>,
    /// Whether the value is written as the tenant setting's (a boolean, a string).
    pub scalar: bool,
}

/// The properties entralint reads from a resource block (by resource name, any case), with
/// the tenant settings they become; the role resources map onto list items.
pub fn properties(resource: &str) -> Vec<Property> {
    let (section, table) = match RESOURCES.iter().find(|r| r.eq_ignore_ascii_case(resource)) {
        Some(&"AADAuthorizationPolicy") => ("authorizationPolicy", AUTHORIZATION_POLICY),
        Some(&"AADGroupsSettings") => ("groupSettings", GROUPS_SETTINGS),
        Some(&"AADPasswordRuleSettings") => ("passwordRuleSettings", PASSWORD_RULE_SETTINGS),
        Some(&"AADExternalIdentityPolicy") => ("externalCollaboration", EXTERNAL_IDENTITY_POLICY),
        Some(&"AADRoleSetting") => ("roleSettings[]", ROLE_SETTING),
        _ => return Vec::new(),
    };
    table
        .iter()
        .map(|(names, key, kind)| Property {
            name: names[0],
            setting: format!("{section}.{key}"),
            values: matches!(kind, Kind::GuestRole)
                .then(|| GUEST_ROLES.iter().map(|(name, _)| *name).collect()),
            scalar: matches!(kind, Kind::Scalar),
        })
        .collect()
}

/// Builds the tenant tree from the resources read, reporting what cannot be mapped. None when no
/// resource has a counterpart in the tenant format.
///
/// A file whose resources are all `Absent` is a tenant document: Entra's defaults apply and are
/// judged, at an empty root. So is a whole configuration (`whole`: a script or a data file, not a
/// one-resource Workshop file) that holds Microsoft365DSC resources none of which entralint reads.
/// The kinds of resources entralint does not read go to `unchecked`.
pub fn map(
    resources: &[Resource],
    diagnostics: &mut Vec<Diagnostic>,
    whole: bool,
    unchecked: &mut Vec<String>,
) -> Option<Node> {
    let mut mapper = Mapper {
        diagnostics,
        root: Vec::new(),
        singletons: Vec::new(),
        absent: false,
    };
    for resource in resources {
        if !RESOURCES
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&resource.kind))
        {
            unchecked.push(resource.kind.clone());
        }
        mapper.resource(resource);
    }
    if mapper.root.is_empty() {
        let first = resources.first()?;
        let entra = resources.iter().any(|r| {
            r.kind
                .get(..3)
                .is_some_and(|p| p.eq_ignore_ascii_case("AAD"))
        });
        if mapper.absent || whole && entra {
            return Some(Node::new(first.header, Value::Map(Vec::new())));
        }
        if !entra {
            // A DSC configuration of something else (a server's files and services).
            unchecked.clear();
        }
        return None;
    }
    let span = mapper
        .root
        .iter()
        .map(|e| e.key.span.join(e.value.span))
        .reduce(Span::join)
        .unwrap_or_default();
    Some(Node::new(span, Value::Map(mapper.root)))
}

struct Mapper<'a> {
    diagnostics: &'a mut Vec<Diagnostic>,
    root: Vec<Entry>,
    /// Single-instance resources seen so far, to report a second block.
    singletons: Vec<(String, Span)>,
    /// Whether a resource entralint reads says `Ensure = "Absent"`.
    absent: bool,
}

impl Mapper<'_> {
    fn resource(&mut self, resource: &Resource) {
        let Some(known) = RESOURCES
            .iter()
            .find(|r| r.eq_ignore_ascii_case(&resource.kind))
        else {
            return;
        };
        self.duplicates(&resource.props);
        if !self.present(resource) {
            return;
        }
        if self.sign_in(known, resource)
            || self.methods(known, resource)
            || self.devices(known, resource)
            || self.cross_tenant(known, resource)
        {
            return;
        }
        match *known {
            "AADAdminConsentRequestPolicy" => self.singleton(
                resource,
                "adminConsentRequestPolicy",
                ADMIN_CONSENT_REQUEST_POLICY,
            ),
            "AADAuthenticationFlowPolicy" => self.singleton(
                resource,
                "authenticationFlowsPolicy",
                AUTHENTICATION_FLOW_POLICY,
            ),
            "AADAuthorizationPolicy" => {
                self.singleton(resource, "authorizationPolicy", AUTHORIZATION_POLICY)
            }
            "AADGroupsSettings" => self.singleton(resource, "groupSettings", GROUPS_SETTINGS),
            "AADPasswordRuleSettings" => {
                self.singleton(resource, "passwordRuleSettings", PASSWORD_RULE_SETTINGS)
            }
            "AADExternalIdentityPolicy" => {
                self.singleton(resource, "externalCollaboration", EXTERNAL_IDENTITY_POLICY)
            }
            "AADRoleSetting" => self.role_setting(resource),
            "AADRoleAssignmentScheduleRequest" => self.assignment(resource, "active"),
            "AADRoleEligibilityScheduleRequest" => self.assignment(resource, "eligible"),
            // Tenant details have no counterpart in the tenant format: they are recognised and
            // read, and nothing of them is checked.
            _ => {}
        }
    }

    /// PowerShell rejects a block that sets a property twice (names compare ignoring case); the
    /// first is read, and both are shown.
    fn duplicates(&mut self, props: &[Prop]) {
        // Indexed by lowercased name: a block of a million properties is a million lookups.
        let mut seen: std::collections::HashMap<String, &Prop, foldhash::fast::RandomState> =
            std::collections::HashMap::with_capacity_and_hasher(
                props.len(),
                foldhash::fast::RandomState::default(),
            );
        for prop in props {
            let first = match seen.entry(prop.name.to_ascii_lowercase()) {
                std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(prop);
                    None
                }
            };
            if let Some(first) = first {
                self.diagnostics.push(
                    Diagnostic::error(
                        "duplicate-key",
                        prop.name_span,
                        format!(
                            "`{}` is set twice in this block; PowerShell rejects the configuration, and entralint reads the first",
                            prop.name
                        ),
                    )
                    .with_label("set again here")
                    .with_related(first.name_span, "first set here")
                    .with_help("remove one of the two assignments"),
                );
            }
        }
    }

    /// `Ensure = "Absent"` means the resource is not configured: Entra's defaults apply.
    fn present(&mut self, resource: &Resource) -> bool {
        let Some(ensure) = resource.prop("Ensure") else {
            return true;
        };
        match &ensure.value.value {
            PsValue::Str(s) if s.eq_ignore_ascii_case("Absent") => {
                self.absent = true;
                false
            }
            PsValue::Str(_) => true,
            PsValue::Unresolved(text) => {
                let message = format!(
                    "`Ensure` is set to `{text}`, which only PowerShell can evaluate; the {} block is not checked",
                    resource.kind
                );
                self.diagnostics
                    .push(unresolved(ensure.value.span, message));
                false
            }
            _ => true,
        }
    }

    fn singleton(&mut self, resource: &Resource, section: &str, table: Table) {
        let map = self.table(resource, section, table);
        self.place_singleton(resource, section, map);
    }

    /// A single-instance resource's section at the root; a second block replaces the first.
    fn place_singleton(&mut self, resource: &Resource, section: &str, map: Node) {
        let key = Node::new(resource.header, Value::Str(section.to_string()));
        if let Some((_, first)) = self.singletons.iter().find(|(s, _)| s == section) {
            self.diagnostics
                .push(second_block(resource, *first, "the last one is used"));
            self.root.retain(|e| e.key.as_str() != Some(section));
        }
        self.singletons.push((section.to_string(), resource.header));
        self.root.push(Entry { key, value: map });
    }

    /// The section's mapping from a resource's properties, by its table.
    fn table(&mut self, resource: &Resource, section: &str, table: Table) -> Node {
        let mut entries: Vec<Entry> = Vec::new();
        for (names, key, kind) in table {
            let Some(prop) = names.iter().find_map(|n| resource.prop(n)) else {
                continue;
            };
            let path = format!("{section}.{key}");
            let Some(value) = self.convert(prop, *kind, &path) else {
                continue;
            };
            let entry = Entry {
                key: Node::new(
                    prop.name_span,
                    Value::Str(key.rsplit('.').next().unwrap_or(key).to_string()),
                ),
                value,
            };
            match key.split_once('.') {
                None => entries.push(entry),
                Some((parent, _)) => {
                    let at = entries.iter().position(|e| e.key.as_str() == Some(parent));
                    let index = at.unwrap_or_else(|| {
                        entries.push(Entry {
                            key: Node::new(prop.name_span, Value::Str(parent.to_string())),
                            value: Node::new(prop.value.span, Value::Map(Vec::new())),
                        });
                        entries.len() - 1
                    });
                    let parent = &mut entries[index].value;
                    parent.span = parent.span.join(entry.value.span);
                    if let Value::Map(children) = &mut parent.value {
                        children.push(entry);
                    }
                }
            }
        }
        Node::new(resource.span, Value::Map(entries))
    }

    /// A DSC value as a tree node of the given kind; None (reported) when it is not a literal.
    fn convert(&mut self, prop: &Prop, kind: Kind, path: &str) -> Option<Node> {
        let item = &prop.value;
        if let Some(text) = unresolved_text(item) {
            let message = format!(
                "`{}` is set to `{text}`, which only PowerShell can evaluate; entralint reads literal values only, so `{path}` is treated as not declared",
                prop.name
            );
            self.diagnostics
                .push(unresolved(item.span, message).with_path(path.to_string()));
            return None;
        }
        match kind {
            Kind::Scalar => Some(node(item)),
            Kind::List => Some(match &item.value {
                PsValue::Array(_) => node(item),
                PsValue::Null => node(item),
                _ => Node::new(item.span, Value::Seq(vec![node(item)])),
            }),
            Kind::GuestRole => Some(match &item.value {
                PsValue::Str(name) => {
                    let id = GUEST_ROLES
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(name))
                        .map_or(name.as_str(), |(_, id)| id);
                    Node::new(item.span, Value::Str(id.to_string()))
                }
                _ => node(item),
            }),
            Kind::Renamed(names) => Some(match &item.value {
                PsValue::Str(text) => {
                    let text = names
                        .iter()
                        .find(|(dsc, _)| dsc.eq_ignore_ascii_case(text))
                        .map_or(text.as_str(), |(_, tenant)| tenant);
                    Node::new(item.span, Value::Str(text.to_string()))
                }
                _ => node(item),
            }),
            Kind::Joined => Some(match &item.value {
                PsValue::Array(items) => {
                    let words: Vec<&str> = items
                        .iter()
                        .filter_map(|i| match &i.value {
                            PsValue::Str(s) => Some(s.as_str()),
                            _ => None,
                        })
                        .collect();
                    Node::new(item.span, Value::Str(words.join(",")))
                }
                _ => node(item),
            }),
            Kind::Cidrs => {
                let items = match &item.value {
                    PsValue::Array(items) => items.iter().collect(),
                    _ => vec![item],
                };
                let ranges = items
                    .into_iter()
                    .map(|i| {
                        let address = Entry {
                            key: Node::new(i.span, Value::Str("cidrAddress".to_string())),
                            value: node(i),
                        };
                        Node::new(i.span, Value::Map(vec![address]))
                    })
                    .collect();
                Some(Node::new(item.span, Value::Seq(ranges)))
            }
            Kind::Reviewers => Some(self.reviewers(item, path)),
            Kind::Hours => match &item.value {
                PsValue::Str(text) => match whole_hours(text) {
                    Some(hours) => Some(Node::new(item.span, Value::Int(hours))),
                    None => {
                        self.diagnostics.push(
                            Diagnostic::error(
                                "invalid-value",
                                item.span,
                                format!("`{}` is `{text}`, which is not a whole number of hours as an ISO-8601 duration", prop.name),
                            )
                            .with_label("not a duration in whole hours")
                            .with_help("write the duration as `PT<n>H`, such as `PT8H`")
                            .with_path(path.to_string()),
                        );
                        None
                    }
                },
                _ => Some(node(item)),
            },
        }
    }

    /// Microsoft365DSC names each reviewer — a user by principal name, a group or a role by
    /// display name — and looks the object up when it applies the configuration. Offline the
    /// query Graph would hold is written with the name where Graph has the object's id; a
    /// reviewer whose name only PowerShell can evaluate is reported and left out.
    fn reviewers(&mut self, item: &Item, path: &str) -> Node {
        let items = match &item.value {
            PsValue::Array(items) => items.iter().collect(),
            _ => vec![item],
        };
        let mut reviewers = Vec::new();
        for reviewer in items {
            let PsValue::Hash(props) = &reviewer.value else {
                reviewers.push(node(reviewer));
                continue;
            };
            let prop = |name: &str| props.iter().find(|p| p.name.eq_ignore_ascii_case(name));
            let text = |p: Option<&Prop>| match p.map(|p| &p.value.value) {
                Some(PsValue::Str(s)) => Some(s.clone()),
                _ => None,
            };
            let Some(id) = prop("ReviewerId") else {
                reviewers.push(node(reviewer));
                continue;
            };
            if let PsValue::Unresolved(written) = &id.value.value {
                let message = format!(
                    "`ReviewerId` is `{written}`, which only PowerShell can evaluate; entralint reads literal values only, so this reviewer is left out of `{path}`"
                );
                self.diagnostics
                    .push(unresolved(id.value.span, message).with_path(path.to_string()));
                continue;
            }
            let name = text(Some(id)).unwrap_or_default();
            let query = match text(prop("ReviewerType"))
                .as_deref()
                .map(str::to_ascii_lowercase)
            {
                Some(t) if t == "group" => {
                    format!("/groups/{name}/transitiveMembers/microsoft.graph.user")
                }
                Some(t) if t == "role" => format!(
                    "/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '{name}'"
                ),
                _ => format!("/users/{name}"),
            };
            let mut entries = vec![
                ("query", Node::new(id.value.span, Value::Str(query))),
                (
                    "queryType",
                    Node::new(reviewer.span, Value::Str("MicrosoftGraph".into())),
                ),
            ];
            if let Some(root) = prop("QueryRoot") {
                entries.push(("queryRoot", node(&root.value)));
            }
            let entries = entries
                .into_iter()
                .map(|(key, value)| Entry {
                    key: Node::new(reviewer.span, Value::Str(key.to_string())),
                    value,
                })
                .collect();
            reviewers.push(Node::new(reviewer.span, Value::Map(entries)));
        }
        Node::new(item.span, Value::Seq(reviewers))
    }

    fn push_item(&mut self, section: &str, key_span: Span, item: Node) {
        match self
            .root
            .iter_mut()
            .find(|e| e.key.as_str() == Some(section))
        {
            Some(entry) => {
                entry.value.span = entry.value.span.join(item.span);
                if let Value::Seq(items) = &mut entry.value.value {
                    items.push(item);
                }
            }
            None => self.root.push(Entry {
                key: Node::new(key_span, Value::Str(section.to_string())),
                value: Node::new(item.span, Value::Seq(vec![item])),
            }),
        }
    }

    fn role_setting(&mut self, resource: &Resource) {
        let mut item = self.table(resource, "roleSettings[]", ROLE_SETTING);
        // The role is the block's key, its display name; an `Id` alone names it too.
        let role = resource.prop("DisplayName").or_else(|| resource.prop("Id"));
        if let Some(role) = role
            && let Some(value) = self.convert(role, Kind::Scalar, "roleSettings[].role")
            && let Value::Map(entries) = &mut item.value
        {
            entries.insert(
                0,
                Entry {
                    key: Node::new(role.name_span, Value::Str("role".to_string())),
                    value,
                },
            );
        }
        self.push_item("roleSettings", resource.header, item);
    }

    fn assignment(&mut self, resource: &Resource, kind: &str) {
        // A request that removes or deactivates an assignment declares none.
        if let Some(action) = resource.prop("Action")
            && let PsValue::Str(action) = &action.value.value
            && ["adminRemove", "selfDeactivate"]
                .iter()
                .any(|a| a.eq_ignore_ascii_case(action))
        {
            return;
        }
        let mut entries = Vec::new();
        for (name, key) in [("Principal", "principal"), ("RoleDefinition", "role")] {
            let Some(prop) = resource.prop(name) else {
                continue;
            };
            if let Some(text) = unresolved_text(&prop.value) {
                let message = format!(
                    "`{name}` is set to `{text}`, which only PowerShell can evaluate; this {} is not checked",
                    resource.kind
                );
                self.diagnostics.push(unresolved(prop.value.span, message));
                return;
            }
            entries.push(Entry {
                key: Node::new(prop.name_span, Value::Str(key.to_string())),
                value: node(&prop.value),
            });
        }
        entries.push(Entry {
            key: Node::new(resource.header, Value::Str("type".to_string())),
            value: Node::new(resource.header, Value::Str(kind.to_string())),
        });
        if let Some(scope) = resource.prop("DirectoryScopeId")
            && let Some(value) = self.convert(scope, Kind::Scalar, "roleAssignments[].scope")
        {
            entries.push(Entry {
                key: Node::new(scope.name_span, Value::Str("scope".to_string())),
                value,
            });
        }
        if let Some(schedule) = resource.prop("ScheduleInfo") {
            self.schedule(schedule, &mut entries);
        }
        self.push_item(
            "roleAssignments",
            resource.header,
            Node::new(resource.span, Value::Map(entries)),
        );
    }

    /// `ScheduleInfo`: the start, and the end unless the expiration is `noExpiration`.
    fn schedule(&mut self, schedule: &Prop, entries: &mut Vec<Entry>) {
        if let Some(text) = unresolved_text(&schedule.value) {
            let message = format!(
                "`ScheduleInfo` is set to `{text}`, which only PowerShell can evaluate; the assignment is read as permanent"
            );
            self.diagnostics
                .push(unresolved(schedule.value.span, message));
            return;
        }
        let PsValue::Hash(props) = &schedule.value.value else {
            return;
        };
        if let Some(start) = find(props, "startDateTime")
            && let Some(value) =
                self.convert(start, Kind::Scalar, "roleAssignments[].startDateTime")
        {
            entries.push(Entry {
                key: Node::new(start.name_span, Value::Str("startDateTime".to_string())),
                value,
            });
        }
        let Some(expiration) = find(props, "expiration") else {
            return;
        };
        let PsValue::Hash(expiration) = &expiration.value.value else {
            return;
        };
        let kind = find(expiration, "type").and_then(|t| match &t.value.value {
            PsValue::Str(s) => Some((s.to_ascii_lowercase(), t)),
            _ => None,
        });
        match kind {
            Some((kind, _)) if kind == "noexpiration" => {}
            Some((kind, prop)) if kind == "afterduration" => {
                let message = "the expiration is a duration after the start; entralint does not add durations to dates, so the assignment is read as permanent".to_string();
                self.diagnostics.push(
                    unresolved(prop.value.span, message)
                        .with_label("an expiration after a duration"),
                );
            }
            _ => {
                if let Some(end) = find(expiration, "endDateTime")
                    && let Some(value) =
                        self.convert(end, Kind::Scalar, "roleAssignments[].endDateTime")
                {
                    entries.push(Entry {
                        key: Node::new(end.name_span, Value::Str("endDateTime".to_string())),
                        value,
                    });
                }
            }
        }
    }
}

fn unresolved(span: Span, message: String) -> Diagnostic {
    Diagnostic::new("unresolved-value", Severity::Info, span, message)
        .with_label("not a literal value")
        .with_help(
            "write the value as a literal (`$true`, `'everyone'`, `@('…')`) to have it checked",
        )
}

/// The text of a value that is, or holds, something only PowerShell can evaluate.
fn unresolved_text(item: &Item) -> Option<&str> {
    match &item.value {
        PsValue::Unresolved(text) => Some(text),
        PsValue::Array(items) => items.iter().find_map(unresolved_text),
        _ => None,
    }
}

/// A literal DSC value as a tree node.
pub fn node(item: &Item) -> Node {
    let value = match &item.value {
        PsValue::Str(s) => Value::Str(s.clone()),
        PsValue::Bool(b) => Value::Bool(*b),
        PsValue::Int(n) => Value::Int(*n),
        PsValue::Null => Value::Null,
        PsValue::Array(items) => Value::Seq(items.iter().map(node).collect()),
        PsValue::Hash(props) => Value::Map(
            props
                .iter()
                .map(|p| Entry {
                    key: Node::new(p.name_span, Value::Str(p.name.clone())),
                    value: node(&p.value),
                })
                .collect(),
        ),
        PsValue::Unresolved(text) => Value::Str(text.clone()),
    };
    Node::new(item.span, value)
}

/// `PT8H`, `P1D`, `P1DT4H`, `PT90M` (when whole hours) to hours.
fn whole_hours(text: &str) -> Option<i64> {
    let rest = text.trim().strip_prefix(['P', 'p'])?;
    let (days, time) = match rest.split_once(['T', 't']) {
        Some((days, time)) => (days, time),
        None => (rest, ""),
    };
    let mut minutes: i64 = 0;
    let mut add = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let (_, scale) = units.iter().find(|(u, _)| u.eq_ignore_ascii_case(&c))?;
            let n: i64 = number.parse().ok()?;
            minutes = minutes.checked_add(n.checked_mul(*scale)?)?;
            number.clear();
        }
        number.is_empty().then_some(())
    };
    add(days, &[('D', 24 * 60)])?;
    add(time, &[('H', 60), ('M', 1)])?;
    (minutes > 0 && minutes % 60 == 0).then_some(minutes / 60)
}

/// The error for a second block of a single-instance resource; `kept` says which block counts.
fn second_block(resource: &Resource, first: Span, kept: &str) -> Diagnostic {
    Diagnostic::error(
        "duplicate-key",
        resource.header,
        format!("a second {} block; {kept}", resource.kind),
    )
    .with_label("declared again here")
    .with_related(first, "first declared here")
    .with_help("keep one block per single-instance resource")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_whole_hours() {
        assert_eq!(whole_hours("PT8H"), Some(8));
        assert_eq!(whole_hours("P1DT2H"), Some(26));
        assert_eq!(whole_hours("PT120M"), Some(2));
        assert_eq!(whole_hours("PT30M"), None);
        assert_eq!(whole_hours("8 hours"), None);
    }
}
