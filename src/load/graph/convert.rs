//! Graph entities to format-v1 sections. Every node keeps the span of the Graph value it came
//! from, so findings point into the response; keys Graph adds over time are left out, not reported.

use std::collections::HashMap;

use crate::catalogue::graph_keys;
use crate::diagnostic::Span;
use crate::tree::{Entry, Node, Value};

/// Template ids of the directory settings the format has a section for.
const GROUP_UNIFIED: &str = "62375ab9-6b52-47ed-826b-58e47e0e304b";
const CONSENT_POLICY: &str = "dffd5d46-495d-40a9-8e21-954ff55e198a";
const PASSWORD_RULES: &str = "5cf42378-d67d-4f36-ba46-e8b86229381d";

/// Authorization-policy keys Graph documentation sometimes shows as `""`: not declared.
const BOOL_POLICY_KEYS: &[&str] = &[
    "allowedToSignUpEmailBasedSubscriptions",
    "allowedToUseSSPR",
    "allowEmailVerifiedUsersToJoinOrganization",
    "allowUserConsentForRiskyApps",
    "blockMsolPowerShell",
];

/// What one Graph object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    AuthorizationPolicy,
    AdminConsentRequestPolicy,
    AuthenticationFlowsPolicy,
    AuthenticationMethodsPolicy,
    /// One method's configuration (`…/authenticationMethodConfigurations/{id}`), as CIPP, Maester
    /// and PowerShell scripts save it: it joins the policy's `authenticationMethodConfigurations`.
    MethodConfiguration,
    DeviceRegistrationPolicy,
    /// `crossTenantAccessPolicy` itself, its `default` configuration, and a partner's.
    CrossTenantAccessPolicy,
    CrossTenantDefault,
    CrossTenantPartner,
    DirectorySetting,
    /// A role assignment; `eligible` for PIM eligibility instances.
    RoleAssignment {
        eligible: bool,
    },
    User,
    Group,
    ServicePrincipal,
    Application,
    /// An item of a mixed `directoryObjects` list (owners, members): its `@odata.type` decides.
    DirectoryObject,
    // Sign-in (graph/access.rs).
    ConditionalAccessPolicy,
    NamedLocation,
    AuthenticationStrengthPolicy,
    SecurityDefaults,
}

/// The kind an `@odata.context` names, or None for endpoints entralint does not read.
pub fn kind_from_context(context: &str) -> Option<Kind> {
    let path = context.split_once("$metadata#")?.1;
    let path = path.strip_suffix("/$entity").unwrap_or(path);
    let path = path.split('(').next().unwrap_or(path);
    let path = path.trim_end_matches('/');
    let last = path.rsplit('/').next().unwrap_or(path);
    if path.contains("authenticationMethodConfigurations") {
        return Some(Kind::MethodConfiguration);
    }
    Some(match last {
        "policies" if path.contains("conditionalAccess") => Kind::ConditionalAccessPolicy,
        "namedLocations" => Kind::NamedLocation,
        "authenticationStrengthPolicies" => Kind::AuthenticationStrengthPolicy,
        "identitySecurityDefaultsEnforcementPolicy" => Kind::SecurityDefaults,
        "authorizationPolicy" => Kind::AuthorizationPolicy,
        "adminConsentRequestPolicy" => Kind::AdminConsentRequestPolicy,
        "authenticationFlowsPolicy" => Kind::AuthenticationFlowsPolicy,
        "authenticationMethodsPolicy" => Kind::AuthenticationMethodsPolicy,
        "deviceRegistrationPolicy" => Kind::DeviceRegistrationPolicy,
        "crossTenantAccessPolicy" => Kind::CrossTenantAccessPolicy,
        "default" if path.contains("crossTenantAccessPolicy") => Kind::CrossTenantDefault,
        "partners" if path.contains("crossTenantAccessPolicy") => Kind::CrossTenantPartner,
        "applications" => Kind::Application,
        "groupSettings" | "settings" => Kind::DirectorySetting,
        "roleAssignments" | "roleAssignmentScheduleInstances" => {
            Kind::RoleAssignment { eligible: false }
        }
        "roleEligibilityScheduleInstances" => Kind::RoleAssignment { eligible: true },
        "users" => Kind::User,
        "groups" => Kind::Group,
        "servicePrincipals" => Kind::ServicePrincipal,
        "directoryObjects" | "owners" | "members" => Kind::DirectoryObject,
        _ => return None,
    })
}

/// The kind an object's own keys show, for files saved without `@odata.context`.
pub fn kind_from_shape(entity: &Node) -> Option<Kind> {
    entity.as_map()?;
    if let Some(kind) = entity
        .get("@odata.type")
        .and_then(Node::as_str)
        .and_then(kind_from_type)
    {
        return Some(kind);
    }
    if entity
        .get("@odata.type")
        .and_then(Node::as_str)
        .is_some_and(|t| t.ends_with("AuthenticationMethodConfiguration"))
    {
        return Some(Kind::MethodConfiguration);
    }
    let has = |key: &str| entity.get(key).is_some();
    if entity.get("id").and_then(Node::as_str) == Some("authorizationPolicy")
        || has("defaultUserRolePermissions")
    {
        return Some(Kind::AuthorizationPolicy);
    }
    if has("templateId") && has("values") {
        return Some(Kind::DirectorySetting);
    }
    if has("roleDefinitionId") && (has("principalId") || has("principal")) {
        let eligible = has("roleEligibilityScheduleId");
        return Some(Kind::RoleAssignment { eligible });
    }
    if has("userPrincipalName") {
        return Some(Kind::User);
    }
    if has("conditions") && (has("grantControls") || has("sessionControls") || has("state")) {
        return Some(Kind::ConditionalAccessPolicy);
    }
    if entity.get("id").and_then(Node::as_str) == Some("authenticationMethodsPolicy")
        || has("authenticationMethodConfigurations")
    {
        return Some(Kind::AuthenticationMethodsPolicy);
    }
    if entity.get("id").and_then(Node::as_str) == Some("deviceRegistrationPolicy")
        || has("userDeviceQuota")
        || has("azureADJoin")
    {
        return Some(Kind::DeviceRegistrationPolicy);
    }
    if has("selfServiceSignUp") {
        return Some(Kind::AuthenticationFlowsPolicy);
    }
    let cross_tenant = [
        "b2bCollaborationInbound",
        "b2bCollaborationOutbound",
        "b2bDirectConnectInbound",
        "b2bDirectConnectOutbound",
        "inboundTrust",
        "automaticUserConsentSettings",
    ];
    if has("tenantId") && cross_tenant.iter().any(|k| has(k)) {
        return Some(Kind::CrossTenantPartner);
    }
    if has("isServiceDefault") || cross_tenant.iter().any(|k| has(k)) {
        return Some(Kind::CrossTenantDefault);
    }
    if has("allowedCloudEndpoints") {
        return Some(Kind::CrossTenantAccessPolicy);
    }
    if has("allowedCombinations") {
        return Some(Kind::AuthenticationStrengthPolicy);
    }
    if has("ipRanges") || has("countriesAndRegions") {
        return Some(Kind::NamedLocation);
    }
    None
}

fn kind_from_type(odata_type: &str) -> Option<Kind> {
    Some(match odata_type.trim_start_matches('#') {
        "microsoft.graph.user" => Kind::User,
        "microsoft.graph.conditionalAccessPolicy" => Kind::ConditionalAccessPolicy,
        "microsoft.graph.ipNamedLocation" | "microsoft.graph.countryNamedLocation" => {
            Kind::NamedLocation
        }
        "microsoft.graph.authenticationStrengthPolicy" => Kind::AuthenticationStrengthPolicy,
        "microsoft.graph.identitySecurityDefaultsEnforcementPolicy" => Kind::SecurityDefaults,
        "microsoft.graph.group" => Kind::Group,
        "microsoft.graph.servicePrincipal" => Kind::ServicePrincipal,
        "microsoft.graph.application" => Kind::Application,
        "microsoft.graph.adminConsentRequestPolicy" => Kind::AdminConsentRequestPolicy,
        "microsoft.graph.authenticationFlowsPolicy" => Kind::AuthenticationFlowsPolicy,
        "microsoft.graph.authenticationMethodsPolicy" => Kind::AuthenticationMethodsPolicy,
        "microsoft.graph.deviceRegistrationPolicy" => Kind::DeviceRegistrationPolicy,
        "microsoft.graph.authorizationPolicy" => Kind::AuthorizationPolicy,
        "microsoft.graph.crossTenantAccessPolicy" => Kind::CrossTenantAccessPolicy,
        "microsoft.graph.crossTenantAccessPolicyConfigurationDefault" => Kind::CrossTenantDefault,
        "microsoft.graph.crossTenantAccessPolicyConfigurationPartner" => Kind::CrossTenantPartner,
        "microsoft.graph.groupSetting" | "microsoft.graph.directorySetting" => {
            Kind::DirectorySetting
        }
        "microsoft.graph.unifiedRoleAssignment"
        | "microsoft.graph.unifiedRoleAssignmentScheduleInstance" => {
            Kind::RoleAssignment { eligible: false }
        }
        "microsoft.graph.unifiedRoleEligibilityScheduleInstance" => {
            Kind::RoleAssignment { eligible: true }
        }
        _ => return None,
    })
}

/// An object whose owners a file lists, known from the folder the file is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Group(String),
    ServicePrincipal(String),
    Application(String),
}

/// The format-v1 sections gathered from one or more Graph files.
#[derive(Debug, Default)]
pub struct Sections {
    /// Singleton sections, by format key: (key span, section node).
    pub singles: Vec<(&'static str, Span, Node)>,
    pub users: Principals,
    pub groups: Principals,
    pub service_principals: Principals,
    pub applications: Principals,
    pub role_assignments: Vec<Node>,
    pub conditional_access_policies: Vec<Node>,
    pub named_locations: Vec<Node>,
    pub authentication_strength_policies: Vec<Node>,
    /// Method configurations read on their own, added to `authenticationMethodsPolicy`.
    pub method_configurations: Vec<Node>,
    /// `crossTenantAccess`, gathered from the policy, its default and its partners (which may
    /// come from separate responses).
    pub cross_tenant: CrossTenant,
    /// Where each list came from (its `value` key), for the list's key span.
    pub list_spans: Vec<(&'static str, Span)>,
}

impl Sections {
    /// Adds one Graph object of a known kind. `owner_of`: the group whose owners a
    /// directory-object list holds, when the folder layout tells.
    pub fn add(&mut self, kind: Kind, entity: &Node, owner_of: Option<&Owner>) {
        if entity.as_map().is_none() {
            return;
        }
        match kind {
            Kind::AuthorizationPolicy => self.authorization_policy(entity),
            Kind::DirectorySetting => self.directory_setting(entity),
            Kind::RoleAssignment { eligible } => self.role_assignment(entity, eligible),
            Kind::User => self
                .users
                .push(principal(entity, graph_keys("users", None))),
            Kind::Group => self
                .groups
                .push(principal(entity, graph_keys("groups", None))),
            Kind::ServicePrincipal => self.service_principals.push(with_credentials(
                principal(entity, graph_keys("servicePrincipals", None)),
                entity,
            )),
            Kind::Application => self.applications.push(with_credentials(
                principal(entity, graph_keys("applications", None)),
                entity,
            )),
            Kind::AdminConsentRequestPolicy => {
                let mut node = filtered(entity, graph_keys("adminConsentRequestPolicy", None));
                if let Value::Map(entries) = &mut node.value {
                    for e in entries.iter_mut() {
                        if e.key.as_str() == Some("reviewers")
                            && let Value::Seq(items) = &mut e.value.value
                        {
                            for item in items.iter_mut() {
                                *item = filtered(
                                    item,
                                    graph_keys("adminConsentRequestPolicy", Some("reviewers")),
                                );
                            }
                        }
                    }
                }
                let key_span = entity.get("id").map_or(entity.span, |n| n.span);
                self.set_single("adminConsentRequestPolicy", key_span, node);
            }
            Kind::AuthenticationFlowsPolicy => {
                let key_span = entity.get("id").map_or(entity.span, |n| n.span);
                let node = super::access::catalogued(entity, "authenticationFlowsPolicy");
                self.set_single("authenticationFlowsPolicy", key_span, node);
            }
            Kind::AuthenticationMethodsPolicy => {
                let key_span = entity.get("id").map_or(entity.span, |n| n.span);
                let node = super::access::catalogued(entity, "authenticationMethodsPolicy");
                self.set_single("authenticationMethodsPolicy", key_span, node);
            }
            Kind::MethodConfiguration => self.method_configurations.push(entity.clone()),
            Kind::DeviceRegistrationPolicy => {
                let key_span = entity.get("id").map_or(entity.span, |n| n.span);
                let node = super::access::catalogued(entity, "deviceRegistrationPolicy");
                self.set_single("deviceRegistrationPolicy", key_span, node);
            }
            Kind::CrossTenantAccessPolicy => self.cross_tenant.policy(entity),
            Kind::CrossTenantDefault => self.cross_tenant.default(entity),
            Kind::CrossTenantPartner => self.cross_tenant.partner(entity),
            Kind::ConditionalAccessPolicy => self
                .conditional_access_policies
                .push(super::access::policy(entity)),
            Kind::NamedLocation => self.named_locations.push(super::access::location(entity)),
            Kind::AuthenticationStrengthPolicy => self
                .authentication_strength_policies
                .push(super::access::strength(entity)),
            Kind::SecurityDefaults => {
                let key_span = entity.get("id").map_or(entity.span, |n| n.span);
                self.set_single(
                    "securityDefaults",
                    key_span,
                    super::access::security_defaults(entity),
                );
            }
            Kind::DirectoryObject => {
                let kind = entity
                    .get("@odata.type")
                    .and_then(Node::as_str)
                    .and_then(kind_from_type)
                    .unwrap_or(Kind::User);
                if matches!(kind, Kind::User | Kind::Group | Kind::ServicePrincipal) {
                    self.add(kind, entity, None);
                }
                if let (Some(owned), Some(id)) = (owner_of, entity.get("id")) {
                    self.add_owner(owned, id);
                }
            }
        }
    }

    /// Notes where a list section's items were read from.
    pub fn note_list(&mut self, kind: Kind, span: Span) {
        let key = match kind {
            Kind::User | Kind::DirectoryObject => "users",
            Kind::Group => "groups",
            Kind::ServicePrincipal => "servicePrincipals",
            Kind::Application => "applications",
            Kind::RoleAssignment { .. } => "roleAssignments",
            Kind::ConditionalAccessPolicy => "conditionalAccessPolicies",
            Kind::NamedLocation => "namedLocations",
            Kind::AuthenticationStrengthPolicy => "authenticationStrengthPolicies",
            Kind::CrossTenantPartner => {
                self.cross_tenant.partners_span.get_or_insert(span);
                return;
            }
            _ => return,
        };
        if !self.list_spans.iter().any(|(k, _)| *k == key) {
            self.list_spans.push((key, span));
        }
    }

    fn add_owner(&mut self, owned: &Owner, owner: &Node) {
        let (list, owned_id) = match owned {
            Owner::Group(id) => (&mut self.groups, id),
            Owner::ServicePrincipal(id) => (&mut self.service_principals, id),
            Owner::Application(id) => (&mut self.applications, id),
        };
        let index = match list.position(owned_id) {
            Some(index) => index,
            None => {
                let id = Node::new(owner.span, Value::Str(owned_id.to_string()));
                list.push(map(owner.span, vec![entry("id", owner.span, id)]));
                list.items.len() - 1
            }
        };
        let group = &mut list.items[index];
        let Value::Map(entries) = &mut group.value else {
            return;
        };
        match entries
            .iter_mut()
            .find(|e| e.key.as_str() == Some("owners"))
        {
            Some(Entry {
                value:
                    Node {
                        value: Value::Seq(items),
                        ..
                    },
                ..
            }) => items.push(owner.clone()),
            _ => entries.push(entry(
                "owners",
                owner.span,
                Node::new(owner.span, Value::Seq(vec![owner.clone()])),
            )),
        }
    }

    fn authorization_policy(&mut self, entity: &Node) {
        let mut entries = Vec::new();
        for e in entity.as_map().unwrap_or_default() {
            let Some(name) = canonical(&e.key, graph_keys("authorizationPolicy", None)) else {
                continue;
            };
            let mut value = e.value.clone();
            if BOOL_POLICY_KEYS.contains(&name) && value.as_str() == Some("") {
                value.value = Value::Null;
            }
            if name == "defaultUserRolePermissions" {
                value = filtered(
                    &value,
                    graph_keys("authorizationPolicy", Some("defaultUserRolePermissions")),
                );
            }
            entries.push(entry(name, e.key.span, value));
        }
        let key_span = entity.get("id").map_or(entity.span, |id| id.span);
        self.set_single("authorizationPolicy", key_span, map(entity.span, entries));
    }

    fn directory_setting(&mut self, entity: &Node) {
        let template = entity.get("templateId").and_then(Node::as_str);
        let name = entity.get("displayName").and_then(Node::as_str);
        let (section, keys) = if template == Some(GROUP_UNIFIED)
            || template.is_none() && name == Some("Group.Unified")
        {
            ("groupSettings", graph_keys("groupSettings", None))
        } else if template == Some(CONSENT_POLICY)
            || template.is_none() && name == Some("Consent Policy Settings")
        {
            (
                "consentPolicySettings",
                graph_keys("consentPolicySettings", None),
            )
        } else if template == Some(PASSWORD_RULES)
            || template.is_none() && name == Some("Password Rule Settings")
        {
            (
                "passwordRuleSettings",
                graph_keys("passwordRuleSettings", None),
            )
        } else {
            return;
        };
        let mut entries = Vec::new();
        if let Some(Value::Seq(values)) = entity.get("values").map(|v| &v.value) {
            for item in values {
                let (Some(key), Some(value)) = (item.get("name"), item.get("value")) else {
                    continue;
                };
                let Some(name) = canonical(key, keys) else {
                    continue;
                };
                let mut value = value.clone();
                // An empty value is how Graph shows a setting left unset.
                if value.as_str() == Some("") {
                    value.value = Value::Null;
                }
                entries.push(entry(name, key.span, value));
            }
        }
        let key_span = entity
            .get("displayName")
            .or(entity.get("templateId"))
            .map_or(entity.span, |n| n.span);
        self.set_single(section, key_span, map(entity.span, entries));
    }

    fn set_single(&mut self, key: &'static str, span: Span, node: Node) {
        // A tenant has one of each; a second copy (a folder holding two exports) keeps the first.
        if !self.singles.iter().any(|(k, _, _)| *k == key) {
            self.singles.push((key, span, node));
        }
    }

    fn role_assignment(&mut self, item: &Node, eligible: bool) {
        // An activation is the temporary use of an eligible assignment, which is read already.
        if item.get("assignmentType").and_then(Node::as_str) == Some("Activated") {
            return;
        }
        let expanded = item.get("principal").filter(|p| p.as_map().is_some());
        let principal = item
            .get("principalId")
            .or(expanded.and_then(|p| p.get("id")));
        let (Some(principal), Some(role)) = (principal, item.get("roleDefinitionId")) else {
            return;
        };
        let kind = if eligible { "eligible" } else { "active" };
        let mut entries = vec![
            entry("principal", principal.span, principal.clone()),
            entry("role", role.span, role.clone()),
            entry(
                "type",
                item.span,
                Node::new(item.span, Value::Str(kind.to_string())),
            ),
        ];
        for (from, to) in [
            ("directoryScopeId", "scope"),
            ("startDateTime", "startDateTime"),
            ("endDateTime", "endDateTime"),
        ] {
            if let Some(e) = item.entry(from)
                && e.value.value != Value::Null
            {
                entries.push(entry(to, e.key.span, e.value.clone()));
            }
        }
        self.role_assignments.push(map(item.span, entries));
        if let Some(expanded) = expanded {
            let kind = expanded
                .get("@odata.type")
                .and_then(Node::as_str)
                .and_then(kind_from_type)
                .unwrap_or(Kind::User);
            if matches!(kind, Kind::User | Kind::Group | Kind::ServicePrincipal) {
                self.add(kind, expanded, None);
            }
        }
    }

    /// Adds the method configurations read on their own to the policy's list (creating the
    /// policy when only they were read); a method the policy lists already keeps the policy's.
    fn merge_method_configurations(&mut self) {
        let configurations = std::mem::take(&mut self.method_configurations);
        let Some(span) = configurations.iter().map(|n| n.span).reduce(Span::join) else {
            return;
        };
        const LIST: &str = "authenticationMethodConfigurations";
        let wrapped = map(
            span,
            vec![entry(
                LIST,
                span,
                Node::new(span, Value::Seq(configurations)),
            )],
        );
        let shaped = super::access::catalogued(&wrapped, "authenticationMethodsPolicy");
        let Some(policy) = self
            .singles
            .iter_mut()
            .find(|(k, ..)| *k == "authenticationMethodsPolicy")
            .map(|(.., node)| node)
        else {
            self.singles
                .push(("authenticationMethodsPolicy", span, shaped));
            return;
        };
        let Some(Value::Seq(added)) = shaped.get(LIST).map(|l| l.value.clone()) else {
            return;
        };
        let Value::Map(entries) = &mut policy.value else {
            return;
        };
        let id = |n: &Node| {
            n.get("id")
                .and_then(Node::as_str)
                .map(str::to_ascii_lowercase)
        };
        match entries.iter_mut().find(|e| e.key.as_str() == Some(LIST)) {
            Some(Entry {
                value:
                    Node {
                        value: Value::Seq(items),
                        ..
                    },
                ..
            }) => {
                for item in added {
                    if !items.iter().any(|i| id(i).is_some() && id(i) == id(&item)) {
                        items.push(item);
                    }
                }
            }
            Some(_) => {}
            None => entries.push(entry(LIST, span, Node::new(span, Value::Seq(added)))),
        }
    }

    /// The format-v1 document root.
    pub fn into_root(mut self, span: Span) -> Node {
        self.merge_method_configurations();
        let mut entries = Vec::new();
        for (key, key_span, node) in self.singles {
            entries.push(entry(key, key_span, node));
        }
        if let Some(cross_tenant) = self.cross_tenant.into_node() {
            entries.push(cross_tenant);
        }
        let list_span = |key: &str| {
            self.list_spans
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(span, |(_, s)| *s)
        };
        for (key, items) in [
            ("users", self.users.items),
            ("groups", self.groups.items),
            ("servicePrincipals", self.service_principals.items),
            ("applications", self.applications.items),
            ("roleAssignments", self.role_assignments),
            (
                "conditionalAccessPolicies",
                self.conditional_access_policies,
            ),
            ("namedLocations", self.named_locations),
            (
                "authenticationStrengthPolicies",
                self.authentication_strength_policies,
            ),
        ] {
            let noted = self.list_spans.iter().any(|(k, _)| *k == key);
            if items.is_empty() && !noted {
                continue;
            }
            let at = list_span(key);
            let seq_span = items
                .iter()
                .map(|n| n.span)
                .reduce(Span::join)
                .unwrap_or(at);
            entries.push(entry(key, at, Node::new(seq_span, Value::Seq(items))));
        }
        map(span, entries)
    }

    pub fn is_empty(&self) -> bool {
        self.singles.is_empty()
            && self.method_configurations.is_empty()
            && self.cross_tenant.is_empty()
            && self.users.is_empty()
            && self.groups.is_empty()
            && self.service_principals.is_empty()
            && self.applications.is_empty()
            && self.role_assignments.is_empty()
            && self.conditional_access_policies.is_empty()
            && self.named_locations.is_empty()
            && self.authentication_strength_policies.is_empty()
            && self.list_spans.is_empty()
    }
}

/// The kinds of credential an app or service principal holds, from Graph's credential lists.
fn with_credentials(mut node: Node, entity: &Node) -> Node {
    let mut kinds = Vec::new();
    for (key, kind) in [
        ("passwordCredentials", "password"),
        ("keyCredentials", "certificate"),
    ] {
        if let Some(list) = entity.get(key)
            && matches!(&list.value, Value::Seq(items) if !items.is_empty())
        {
            kinds.push(Node::new(list.span, Value::Str(kind.to_string())));
        }
    }
    let (Value::Map(entries), false) = (&mut node.value, kinds.is_empty()) else {
        return node;
    };
    let span = kinds
        .iter()
        .map(|k| k.span)
        .reduce(Span::join)
        .unwrap_or(node.span);
    entries.push(entry(
        "credentials",
        span,
        Node::new(span, Value::Seq(kinds)),
    ));
    node
}

/// A user, group or service principal: its object id and the keys the format has.
fn principal(entity: &Node, keys: &[&'static str]) -> Node {
    filtered(entity, keys)
}

/// Users, groups, service principals or applications, each once by object id (compared without
/// regard to case); a later copy (an expanded principal seen again) only adds keys the first
/// lacked, and owner lists add up.
#[derive(Debug, Default)]
pub struct Principals {
    pub items: Vec<Node>,
    ids: HashMap<String, usize>,
}

impl Principals {
    pub fn from_items(items: Vec<Node>) -> Principals {
        let mut list = Principals::default();
        for item in items {
            list.push(item);
        }
        list
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.ids.get(&id.to_ascii_lowercase()).copied()
    }

    pub fn push(&mut self, node: Node) {
        let Some(new_id) = node
            .get("id")
            .and_then(Node::as_str)
            .map(str::to_ascii_lowercase)
        else {
            return;
        };
        let Some(&at) = self.ids.get(&new_id) else {
            self.ids.insert(new_id, self.items.len());
            self.items.push(node);
            return;
        };
        let old = &mut self.items[at];
        {
            let (Value::Map(old_entries), Value::Map(new_entries)) = (&mut old.value, node.value)
            else {
                return;
            };
            for e in new_entries {
                match old_entries
                    .iter_mut()
                    .find(|o| o.key.as_str() == e.key.as_str())
                {
                    // Owners listed in separate files add up.
                    Some(Entry {
                        value:
                            Node {
                                value: Value::Seq(items),
                                ..
                            },
                        ..
                    }) => {
                        if let Value::Seq(more) = e.value.value {
                            items.extend(more);
                        }
                    }
                    Some(_) => {}
                    None => old_entries.push(e),
                }
            }
        }
    }
}

/// A mapping with only the keys the format knows, under their format spelling.
fn filtered(node: &Node, keys: &[&'static str]) -> Node {
    let Some(entries) = node.as_map() else {
        return node.clone();
    };
    let kept = entries
        .iter()
        .filter_map(|e| {
            let name = canonical(&e.key, keys)?;
            Some(entry(name, e.key.span, e.value.clone()))
        })
        .collect();
    map(node.span, kept)
}

/// The format's spelling of a key, matched without regard to case (ScubaGear and PowerShell
/// exports capitalise Graph's names).
pub fn canonical(key: &Node, keys: &[&'static str]) -> Option<&'static str> {
    let name = key.as_str()?;
    keys.iter().copied().find(|k| k.eq_ignore_ascii_case(name))
}

pub fn entry(key: &str, span: Span, value: Node) -> Entry {
    Entry {
        key: Node::new(span, Value::Str(key.to_string())),
        value,
    }
}

pub fn map(span: Span, entries: Vec<Entry>) -> Node {
    Node::new(span, Value::Map(entries))
}

/// `crossTenantAccess` from up to three Graph responses: the policy's own keys, `default`, and
/// the `partners` list.
#[derive(Debug, Default)]
pub struct CrossTenant {
    /// Where the section came from (the first object read), for its key.
    span: Option<Span>,
    entries: Vec<Entry>,
    partners: Vec<Node>,
    /// The partner list's `value` key, for the `partners` key.
    pub partners_span: Option<Span>,
}

const CROSS_TENANT: &str = "crossTenantAccess";

impl CrossTenant {
    fn note(&mut self, entity: &Node) {
        self.span.get_or_insert(entity.span);
    }

    fn policy(&mut self, entity: &Node) {
        self.note(entity);
        let node = super::access::catalogued(entity, CROSS_TENANT);
        for e in node.as_map().unwrap_or_default() {
            let key = e.key.as_str();
            // A policy read with its configurations expanded keeps them in their own places.
            if key == Some("partners") {
                if let Value::Seq(items) = &e.value.value {
                    self.partners_span.get_or_insert(e.key.span);
                    self.partners.extend(items.iter().cloned());
                }
                continue;
            }
            if !self.entries.iter().any(|o| o.key.as_str() == key) {
                self.entries.push(e.clone());
            }
        }
    }

    fn default(&mut self, entity: &Node) {
        self.note(entity);
        if self
            .entries
            .iter()
            .any(|e| e.key.as_str() == Some("default"))
        {
            return;
        }
        let node = super::access::cross_tenant_configuration(entity, "default");
        self.entries.push(entry("default", entity.span, node));
    }

    fn partner(&mut self, entity: &Node) {
        self.note(entity);
        self.partners
            .push(super::access::cross_tenant_configuration(
                entity, "partners",
            ));
    }

    fn is_empty(&self) -> bool {
        self.span.is_none() && self.partners_span.is_none()
    }

    fn into_node(mut self) -> Option<Entry> {
        let span = self.span.or(self.partners_span)?;
        if !self.partners.is_empty() || self.partners_span.is_some() {
            let at = self.partners_span.unwrap_or(span);
            let seq_span = self
                .partners
                .iter()
                .map(|n| n.span)
                .reduce(Span::join)
                .unwrap_or(at);
            self.entries.push(entry(
                "partners",
                at,
                Node::new(seq_span, Value::Seq(self.partners)),
            ));
        }
        Some(entry(CROSS_TENANT, span, map(span, self.entries)))
    }
}
