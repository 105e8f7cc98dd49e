//! Who must pass more than a password: given a population (everyone, the holders of each highly
//! privileged role, guests) and a requirement (MFA, a phishing-resistant strength, a block under
//! some condition), finds whether every member is covered by at least one enabled Conditional
//! Access policy that applies to all resources and to every client the requirement needs — or by
//! security defaults — and names who is left out and why.
//!
//! Members are the declared users, group members and role holders, plus one stand-in per thing the
//! file cannot list: "everyone else", "every guest", "whoever holds role R", "the undeclared members
//! of group G". Exclusions of `tenant.breakGlass` accounts (or of a group listed there) are expected
//! and never a gap.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::access::{
    BuiltInControl, ClientAppType, ConditionalAccessPolicy, GrantOperator,
    PHISHING_RESISTANT_METHODS, PolicyState, RiskLevel, same_name,
};
use super::catalog::{self, RoleDef};
use super::field::{List, cel_map, cel_str};
use super::sections::{Tenant, UserType};
use super::value::Val;

/// What a policy must demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// MFA, by the built-in control or any authentication strength.
    Mfa,
    /// An authentication strength whose every combination resists phishing.
    PhishingResistant,
    /// Block legacy authentication clients (Exchange ActiveSync and other clients).
    BlockLegacy,
    /// Block the device code flow.
    BlockDeviceCode,
    /// Block high user risk.
    BlockHighUserRisk,
    /// Block high sign-in risk.
    BlockHighSignInRisk,
    /// A compliant or hybrid-joined device for every sign-in.
    ManagedDevice,
    /// A compliant or hybrid-joined device to register security information.
    ManagedDeviceRegistration,
}

impl Requirement {
    pub const ALL: &'static [Requirement] = &[
        Requirement::Mfa,
        Requirement::PhishingResistant,
        Requirement::BlockLegacy,
        Requirement::BlockDeviceCode,
        Requirement::BlockHighUserRisk,
        Requirement::BlockHighSignInRisk,
        Requirement::ManagedDevice,
        Requirement::ManagedDeviceRegistration,
    ];

    /// The key rules read it under: `tenant.coverage.<key>`.
    pub fn key(self) -> &'static str {
        match self {
            Requirement::Mfa => "mfa",
            Requirement::PhishingResistant => "phishingResistant",
            Requirement::BlockLegacy => "blockLegacy",
            Requirement::BlockDeviceCode => "blockDeviceCode",
            Requirement::BlockHighUserRisk => "blockHighUserRisk",
            Requirement::BlockHighSignInRisk => "blockHighSignInRisk",
            Requirement::ManagedDevice => "managedDevice",
            Requirement::ManagedDeviceRegistration => "managedDeviceRegistration",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Requirement::Mfa => "requires MFA",
            Requirement::PhishingResistant => {
                "requires a phishing-resistant authentication strength"
            }
            Requirement::BlockLegacy => "blocks legacy authentication",
            Requirement::BlockDeviceCode => "blocks the device code flow",
            Requirement::BlockHighUserRisk => "blocks high user risk",
            Requirement::BlockHighSignInRisk => "blocks high sign-in risk",
            Requirement::ManagedDevice => "requires a compliant or hybrid-joined device",
            Requirement::ManagedDeviceRegistration => {
                "requires a managed device to register security information"
            }
        }
    }

    /// Whether security defaults meet it: MFA for everyone and legacy authentication blocked.
    fn met_by_security_defaults(self) -> bool {
        matches!(self, Requirement::Mfa | Requirement::BlockLegacy)
    }
}

/// Who is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Population {
    AllUsers,
    /// The holders of ScubaGear's highly privileged roles, each role on its own.
    Admins,
    Guests,
}

impl Population {
    pub fn key(self) -> &'static str {
        match self {
            Population::AllUsers => "allUsers",
            Population::Admins => "admins",
            Population::Guests => "guests",
        }
    }
}

/// One requirement for one population.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verdict {
    pub covered: bool,
    /// Who is left out and why, one line each (empty when covered).
    pub gaps: Vec<String>,
    /// The policies that cover the population, by display name.
    pub by: Vec<String>,
    /// The setting path a finding should point at: the key that makes the gap, the nearest
    /// policy, or the section (or `tenant`) when nothing was declared.
    pub at: String,
}

impl Verdict {
    /// The gaps as one sentence part, shortened after a few.
    pub fn summary(&self) -> String {
        const SHOWN: usize = 4;
        let mut text = self
            .gaps
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join("; ");
        if self.gaps.len() > SHOWN {
            text.push_str(&format!("; and {} more", self.gaps.len() - SHOWN));
        }
        text
    }

    fn to_value(&self) -> Val {
        cel_map(vec![
            ("covered", Val::Bool(self.covered)),
            (
                "gaps",
                Val::list(self.gaps.iter().map(|g| cel_str(g)).collect()),
            ),
            (
                "by",
                Val::list(self.by.iter().map(|g| cel_str(g)).collect()),
            ),
            ("summary", cel_str(&self.summary())),
            ("at", cel_str(&self.at)),
        ])
    }
}

/// Coverage of one tenant.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// Whether the file says anything about sign-in: `securityDefaults` or Conditional Access.
    pub declared: bool,
    /// `securityDefaults.isEnabled`, when declared.
    pub security_defaults: Option<bool>,
    /// Security defaults on while a Conditional Access policy is enabled: Entra refuses this.
    pub conflict: bool,
    /// Verdicts by requirement and population.
    pub verdicts: Vec<(Requirement, Population, Verdict)>,
}

impl Coverage {
    pub fn verdict(&self, requirement: Requirement, population: Population) -> Option<&Verdict> {
        self.verdicts
            .iter()
            .find(|(r, p, _)| *r == requirement && *p == population)
            .map(|(.., v)| v)
    }

    /// `tenant.coverage` as rules read it.
    pub fn to_value(&self) -> Val {
        let mut by_requirement: BTreeMap<&'static str, Vec<(&'static str, Val)>> = BTreeMap::new();
        for (requirement, population, verdict) in &self.verdicts {
            by_requirement
                .entry(requirement.key())
                .or_default()
                .push((population.key(), verdict.to_value()));
        }
        let mut fields: Vec<(&'static str, Val)> = by_requirement
            .into_iter()
            .map(|(key, populations)| (key, cel_map(populations)))
            .collect();
        fields.push(("declared", Val::Bool(self.declared)));
        fields.push((
            "securityDefaults",
            self.security_defaults.map_or(Val::Null, Val::Bool),
        ));
        fields.push(("conflict", Val::Bool(self.conflict)));
        cel_map(fields)
    }
}

/// `tenant.coverage` for a tenant: made once per thread for the many files that declare neither
/// security defaults nor Conditional Access, since it is the same for all of them.
pub fn value(tenant: &Tenant) -> Val {
    if tenant.security_defaults.is_some() || tenant.conditional_access_policies.is_some() {
        return evaluate(tenant).to_value();
    }
    thread_local! {
        static UNDECLARED: Val = evaluate(&Tenant::default()).to_value();
    }
    UNDECLARED.with(Val::clone)
}

/// Which populations each requirement is judged for.
const JUDGED: &[(Requirement, &[Population])] = &[
    (
        Requirement::Mfa,
        &[Population::AllUsers, Population::Admins, Population::Guests],
    ),
    (
        Requirement::PhishingResistant,
        &[Population::AllUsers, Population::Admins],
    ),
    (Requirement::BlockLegacy, &[Population::AllUsers]),
    (Requirement::BlockDeviceCode, &[Population::AllUsers]),
    (Requirement::BlockHighUserRisk, &[Population::AllUsers]),
    (Requirement::BlockHighSignInRisk, &[Population::AllUsers]),
    (Requirement::ManagedDevice, &[Population::AllUsers]),
    (
        Requirement::ManagedDeviceRegistration,
        &[Population::AllUsers],
    ),
];

/// The user action of registering security information.
const REGISTER_SECURITY_INFO: &str = "urn:user:registersecurityinfo";

/// Works out the coverage of a tenant.
pub fn evaluate(tenant: &Tenant) -> Coverage {
    let security_defaults = tenant
        .security_defaults
        .as_ref()
        .and_then(|s| s.value.is_enabled.as_ref())
        .map(|e| e.value);
    let policies: &[_] = tenant
        .conditional_access_policies
        .as_ref()
        .map_or(&[], |l| &l.value);
    let declared =
        tenant.security_defaults.is_some() || tenant.conditional_access_policies.is_some();
    let enabled_policy = policies
        .iter()
        .any(|p| state(&p.value) == PolicyState::Enabled);
    let mut coverage = Coverage {
        declared,
        security_defaults,
        conflict: security_defaults == Some(true) && enabled_policy,
        verdicts: Vec::new(),
    };
    if !declared {
        // Nothing to judge: the same answer for every tenant, without reading its directory.
        for (requirement, populations) in JUDGED {
            for population in *populations {
                let verdict = Verdict {
                    covered: false,
                    gaps: vec![
                        "`securityDefaults` and `conditionalAccessPolicies` are not declared"
                            .to_string(),
                    ],
                    by: Vec::new(),
                    at: "tenant".to_string(),
                };
                coverage.verdicts.push((*requirement, *population, verdict));
            }
        }
        return coverage;
    }
    let directory = Directory::new(tenant);
    let strengths = Strengths {
        declared: tenant
            .authentication_strength_policies
            .as_ref()
            .map_or(&[], |l| &l.value),
    };
    let judged: Vec<Judged> = policies
        .iter()
        .enumerate()
        .map(|(index, p)| Judged::new(index, &p.value, &directory))
        .collect();
    for (requirement, populations) in JUDGED {
        for population in *populations {
            let verdict =
                if security_defaults == Some(true) && requirement.met_by_security_defaults() {
                    Verdict {
                        covered: true,
                        gaps: Vec::new(),
                        by: vec!["security defaults".to_string()],
                        at: "securityDefaults.isEnabled".to_string(),
                    }
                } else {
                    judge(
                        *requirement,
                        *population,
                        &judged,
                        &directory,
                        security_defaults,
                        &strengths,
                    )
                };
            coverage.verdicts.push((*requirement, *population, verdict));
        }
    }
    coverage
}

fn state(policy: &ConditionalAccessPolicy) -> PolicyState {
    // Graph requires `state`; a file that leaves it out is read as Graph's create default.
    policy
        .state
        .as_ref()
        .map_or(PolicyState::Enabled, |s| s.value)
}

/// The tenant's principals as coverage needs them: lower-case ids, groups' members through
/// nesting, role holders, break-glass accounts.
pub struct Directory {
    break_glass: HashSet<String>,
    /// Declared groups' direct members; None for a group declared without `members`.
    groups: HashMap<String, Option<Vec<String>>>,
    group_names: HashMap<String, String>,
    users: Vec<(String, bool)>,
    /// Role template id (lower case) to direct principals.
    holders: HashMap<String, Vec<String>>,
    /// Whether role assignments are declared at all (else role holders are unknown).
    pub roles_declared: bool,
}

impl Directory {
    pub fn new(tenant: &Tenant) -> Directory {
        let lower = |s: &str| s.to_ascii_lowercase();
        let break_glass = tenant
            .header
            .as_ref()
            .and_then(|h| h.value.break_glass.as_ref())
            .map(|l| l.value.iter().map(|s| lower(&s.value)).collect())
            .unwrap_or_default();
        let mut groups = HashMap::new();
        let mut group_names = HashMap::new();
        for group in items(&tenant.groups) {
            let Some(id) = group.id.as_ref() else {
                continue;
            };
            let members = group
                .members
                .as_ref()
                .map(|m| m.value.iter().map(|s| lower(&s.value)).collect());
            groups.insert(lower(&id.value), members);
            if let Some(name) = &group.display_name {
                group_names.insert(lower(&name.value), lower(&id.value));
            }
        }
        let users = items(&tenant.users)
            .filter_map(|u| {
                let guest = u.user_type.as_ref().map(|t| t.value) == Some(UserType::Guest);
                Some((lower(&u.id.as_ref()?.value), guest))
            })
            .collect();
        let mut holders: HashMap<String, Vec<String>> = HashMap::new();
        for assignment in items(&tenant.role_assignments) {
            if let (Some(role), Some(principal)) = (&assignment.role, &assignment.principal) {
                holders
                    .entry(lower(&role.value.id))
                    .or_default()
                    .push(lower(&principal.value));
            }
        }
        Directory {
            break_glass,
            groups,
            group_names,
            users,
            holders,
            roles_declared: tenant.role_assignments.is_some(),
        }
    }

    pub fn is_break_glass(&self, id: &str) -> bool {
        self.break_glass.contains(&id.to_ascii_lowercase())
    }

    /// A group's id from its id or display name, when declared.
    fn group_id(&self, reference: &str) -> Option<String> {
        let reference = reference.to_ascii_lowercase();
        if self.groups.contains_key(&reference) {
            return Some(reference);
        }
        self.group_names.get(&reference).cloned()
    }

    /// Every principal in a group, through nested groups; `complete` is false when some group on
    /// the way is not declared with its members.
    pub fn members(&self, group: &str) -> (Vec<String>, bool) {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut complete = true;
        let mut stack = vec![group.to_ascii_lowercase()];
        while let Some(next) = stack.pop() {
            if !seen.insert(next.clone()) {
                continue;
            }
            match self.group_id(&next).and_then(|id| self.groups.get(&id)) {
                Some(Some(members)) => {
                    for member in members {
                        if self.group_id(member).is_some() {
                            stack.push(member.clone());
                        } else {
                            out.push(member.clone());
                        }
                    }
                }
                _ => complete = false,
            }
        }
        (out, complete)
    }

    /// Who holds a role, directly or through a group.
    pub fn role_holders(&self, role_id: &str) -> Vec<String> {
        let mut out = Vec::new();
        for principal in self
            .holders
            .get(&role_id.to_ascii_lowercase())
            .map_or(&[][..], |v| v)
        {
            if self.group_id(principal).is_some() {
                out.extend(self.members(principal).0);
            } else {
                out.push(principal.clone());
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// A user, group or role reference as shown in messages.
    fn show_group(&self, reference: &str) -> String {
        format!("`{reference}`")
    }
}

fn items<T>(list: &Option<super::field::Spanned<List<T>>>) -> impl Iterator<Item = &T> {
    list.iter().flat_map(|l| l.value.iter().map(|i| &i.value))
}

/// A stand-in for members the file cannot list.
const EVERYONE: &str = "*everyone";
const GUESTS: &str = "*guests";

fn role_member(role_id: &str) -> String {
    format!("*role:{}", role_id.to_ascii_lowercase())
}

fn unknown_group_member(group: &str) -> String {
    format!("*group:{}", group.to_ascii_lowercase())
}

/// One policy, read once for every requirement.
struct Judged<'a> {
    index: usize,
    name: &'a str,
    policy: &'a ConditionalAccessPolicy,
    state: PolicyState,
    includes_all: bool,
    includes_guests: bool,
    includes_none: bool,
    /// Included members: users, group members, role stand-ins and holders.
    included: HashSet<String>,
    /// Excluded members, each with how it is excluded and the key that excludes it.
    excluded: HashMap<String, (String, &'static str)>,
    /// Why the policy does not reach all resources, if it does not.
    apps_gap: Option<String>,
}

impl<'a> Judged<'a> {
    fn new(index: usize, policy: &'a ConditionalAccessPolicy, directory: &Directory) -> Judged<'a> {
        let name = policy
            .display_name
            .as_ref()
            .map_or("(unnamed)", |n| n.value.as_str());
        let users = policy
            .conditions
            .as_ref()
            .and_then(|c| c.value.users.as_ref())
            .map(|u| &u.value);
        let strings = |list: Option<&super::field::Spanned<List<String>>>| -> Vec<String> {
            list.map(|l| l.value.iter().map(|s| s.value.clone()).collect())
                .unwrap_or_default()
        };
        let include_users = strings(users.and_then(|u| u.include_users.as_ref()));
        let exclude_users = strings(users.and_then(|u| u.exclude_users.as_ref()));
        let has = |list: &[String], word: &str| list.iter().any(|u| u.eq_ignore_ascii_case(word));
        let includes_all = has(&include_users, "All");
        let includes_guests = includes_all
            || has(&include_users, "GuestsOrExternalUsers")
            || users.is_some_and(|u| u.include_guests_or_external_users.is_some());
        let mut included = HashSet::new();
        for user in &include_users {
            included.insert(user.to_ascii_lowercase());
        }
        for group in strings(users.and_then(|u| u.include_groups.as_ref())) {
            let (members, _) = directory.members(&group);
            included.extend(members);
        }
        for role in users
            .and_then(|u| u.include_roles.as_ref())
            .iter()
            .flat_map(|l| l.value.iter())
        {
            included.insert(role_member(&role.value.id));
            included.extend(directory.role_holders(&role.value.id));
        }
        if includes_guests {
            included.extend(
                directory
                    .users
                    .iter()
                    .filter(|(_, g)| *g)
                    .map(|(u, _)| u.clone()),
            );
        }
        let includes_none = !includes_all
            && !includes_guests
            && included.iter().all(|m| m.eq_ignore_ascii_case("none"));
        let mut excluded: HashMap<String, (String, &'static str)> = HashMap::new();
        for user in &exclude_users {
            if user.eq_ignore_ascii_case("GuestsOrExternalUsers") {
                excluded.insert(
                    GUESTS.to_string(),
                    (
                        "excludes guests and external users".to_string(),
                        "excludeUsers",
                    ),
                );
            } else if !directory.is_break_glass(user) {
                excluded.insert(
                    user.to_ascii_lowercase(),
                    (format!("excludes `{user}`"), "excludeUsers"),
                );
            }
        }
        if users.is_some_and(|u| u.exclude_guests_or_external_users.is_some()) {
            excluded.insert(
                GUESTS.to_string(),
                (
                    "excludes guests and external users".to_string(),
                    "excludeGuestsOrExternalUsers",
                ),
            );
        }
        if excluded.contains_key(GUESTS) {
            for (user, _) in directory.users.iter().filter(|(_, g)| *g) {
                excluded.insert(
                    user.clone(),
                    (
                        "excludes guests and external users".to_string(),
                        "excludeUsers",
                    ),
                );
            }
        }
        for group in strings(users.and_then(|u| u.exclude_groups.as_ref())) {
            if directory.is_break_glass(&group) {
                continue;
            }
            let (members, complete) = directory.members(&group);
            let members: Vec<String> = members
                .into_iter()
                .filter(|m| !directory.is_break_glass(m))
                .collect();
            let reason = if complete {
                format!(
                    "excludes group {} ({} member{})",
                    directory.show_group(&group),
                    members.len(),
                    if members.len() == 1 { "" } else { "s" }
                )
            } else {
                format!(
                    "excludes group {}, whose members the file does not declare",
                    directory.show_group(&group)
                )
            };
            if !complete {
                excluded.insert(
                    unknown_group_member(&group),
                    (reason.clone(), "excludeGroups"),
                );
            }
            for member in members {
                excluded
                    .entry(member)
                    .or_insert_with(|| (reason.clone(), "excludeGroups"));
            }
        }
        for role in users
            .and_then(|u| u.exclude_roles.as_ref())
            .iter()
            .flat_map(|l| l.value.iter())
        {
            let role_name = role
                .value
                .def
                .map_or(role.value.id.as_str(), |d| d.name.as_str());
            let reason = format!("excludes role {role_name}");
            excluded.insert(
                role_member(&role.value.id),
                (reason.clone(), "excludeRoles"),
            );
            for holder in directory.role_holders(&role.value.id) {
                if !directory.is_break_glass(&holder) {
                    excluded
                        .entry(holder)
                        .or_insert_with(|| (reason.clone(), "excludeRoles"));
                }
            }
        }
        let apps = policy
            .conditions
            .as_ref()
            .and_then(|c| c.value.applications.as_ref())
            .map(|a| &a.value);
        let include_apps = strings(apps.and_then(|a| a.include_applications.as_ref()));
        let exclude_apps = strings(apps.and_then(|a| a.exclude_applications.as_ref()));
        let apps_gap = if has(&include_apps, "All") {
            (!exclude_apps.is_empty()).then(|| {
                format!(
                    "`{name}` excludes {} application{}",
                    exclude_apps.len(),
                    if exclude_apps.len() == 1 { "" } else { "s" }
                )
            })
        } else if has(&include_apps, "Office365") {
            Some(format!("`{name}` applies only to Office 365"))
        } else if include_apps.is_empty() {
            Some(format!("`{name}` targets no cloud app"))
        } else {
            Some(format!(
                "`{name}` applies only to {} selected application{}",
                include_apps.len(),
                if include_apps.len() == 1 { "" } else { "s" }
            ))
        };
        Judged {
            index,
            name,
            policy,
            state: state(policy),
            includes_all,
            includes_guests,
            includes_none,
            included,
            excluded,
            apps_gap,
        }
    }

    fn path(&self, key: &str) -> String {
        if key.is_empty() {
            format!("conditionalAccessPolicies[{}].displayName", self.index)
        } else {
            format!("conditionalAccessPolicies[{}].{key}", self.index)
        }
    }

    /// Whether the policy demands what the requirement asks, in the situation it describes; else
    /// why not (None when it is about something else entirely).
    fn demands(&self, requirement: Requirement, directory_strengths: &Strengths) -> Demand {
        let policy = self.policy;
        let conditions = policy.conditions.as_ref().map(|c| &c.value);
        let grant = policy.grant_controls.as_ref().map(|g| &g.value);
        let controls: Vec<BuiltInControl> = grant
            .and_then(|g| g.built_in_controls.as_ref())
            .map(|l| l.value.iter().map(|c| c.value).collect())
            .unwrap_or_default();
        let operator_and = grant
            .and_then(|g| g.operator.as_ref())
            .is_some_and(|o| o.value == GrantOperator::And);
        let strength = grant.and_then(|g| g.authentication_strength.as_ref());
        let blocks = controls.contains(&BuiltInControl::Block);
        let client_types: Vec<ClientAppType> = conditions
            .and_then(|c| c.client_app_types.as_ref())
            .map(|l| l.value.iter().map(|c| c.value).collect())
            .unwrap_or_default();
        let all_clients = client_types.is_empty() || client_types.contains(&ClientAppType::All);
        let has_risk = |levels: Option<&super::field::Spanned<List<RiskLevel>>>| {
            levels.is_some_and(|l| l.value.iter().any(|r| r.value == RiskLevel::High))
        };
        let any_risk = |levels: Option<&super::field::Spanned<List<RiskLevel>>>| {
            levels.is_some_and(|l| !l.value.is_empty())
        };
        let transfer = conditions
            .and_then(|c| c.authentication_flows.as_ref())
            .and_then(|f| f.value.transfer_methods.as_ref())
            .map(|t| t.value.0.clone())
            .unwrap_or_default();
        let user_actions: Vec<String> = conditions
            .and_then(|c| c.applications.as_ref())
            .and_then(|a| a.value.include_user_actions.as_ref())
            .map(|l| {
                l.value
                    .iter()
                    .map(|s| s.value.to_ascii_lowercase())
                    .collect()
            })
            .unwrap_or_default();
        let managed = controls.contains(&BuiltInControl::CompliantDevice)
            || controls.contains(&BuiltInControl::DomainJoinedDevice);
        // Conditions that leave some sign-ins of the population out.
        let narrowing = || -> Option<(String, &'static str)> {
            let c = conditions?;
            if any_risk(c.sign_in_risk_levels.as_ref()) || any_risk(c.user_risk_levels.as_ref()) {
                return Some((
                    format!("`{}` applies only to risky sign-ins", self.name),
                    "conditions",
                ));
            }
            if let Some(platforms) = &c.platforms {
                let include = platforms
                    .value
                    .include_platforms
                    .as_ref()
                    .map(|l| l.value.iter().any(|p| p.value.eq_ignore_ascii_case("all")))
                    .unwrap_or(true);
                let exclude = platforms
                    .value
                    .exclude_platforms
                    .as_ref()
                    .is_some_and(|l| !l.value.is_empty());
                if !include || exclude {
                    return Some((
                        format!("`{}` applies only to some device platforms", self.name),
                        "conditions.platforms",
                    ));
                }
            }
            if let Some(locations) = &c.locations {
                let include = locations
                    .value
                    .include_locations
                    .as_ref()
                    .map(|l| l.value.iter().any(|p| p.value.eq_ignore_ascii_case("All")))
                    .unwrap_or(true);
                let exclude = locations
                    .value
                    .exclude_locations
                    .as_ref()
                    .is_some_and(|l| !l.value.is_empty());
                if !include || exclude {
                    return Some((
                        format!("`{}` does not apply in some locations", self.name),
                        "conditions.locations",
                    ));
                }
            }
            if c.devices
                .as_ref()
                .is_some_and(|d| d.value.device_filter.is_some())
            {
                return Some((
                    format!("`{}` applies only to devices its filter selects", self.name),
                    "conditions.devices.deviceFilter",
                ));
            }
            if !transfer.is_empty() {
                return Some((
                    format!("`{}` applies only to some authentication flows", self.name),
                    "conditions.authenticationFlows",
                ));
            }
            None
        };
        let only_some_clients = || {
            (!all_clients).then(|| {
                (
                    format!("`{}` applies only to some client apps", self.name),
                    "conditions.clientAppTypes",
                )
            })
        };
        match requirement {
            Requirement::Mfa | Requirement::PhishingResistant => {
                if !user_actions.is_empty() {
                    return Demand::Unrelated;
                }
                let phishing_resistant =
                    strength.is_some_and(|s| directory_strengths.phishing_resistant(&s.value));
                let mfa = strength.is_some()
                    || (controls.contains(&BuiltInControl::Mfa)
                        && (operator_and || controls.len() == 1));
                if requirement == Requirement::PhishingResistant {
                    if !phishing_resistant {
                        return match strength {
                            Some(s) => Demand::Not(
                                format!(
                                    "`{}` requires the strength `{}`, which is not phishing-resistant",
                                    self.name,
                                    s.value.shown()
                                ),
                                "grantControls.authenticationStrength",
                            ),
                            None => Demand::Unrelated,
                        };
                    }
                    if !operator_and && controls.iter().any(|c| *c != BuiltInControl::Mfa) {
                        return Demand::Not(
                            format!(
                                "`{}` lets another grant control stand in for the strength (operator OR)",
                                self.name
                            ),
                            "grantControls.operator",
                        );
                    }
                } else if !mfa {
                    if controls.contains(&BuiltInControl::Mfa) {
                        return Demand::Not(
                            format!(
                                "`{}` accepts another grant control instead of MFA (operator OR)",
                                self.name
                            ),
                            "grantControls.operator",
                        );
                    }
                    return Demand::Unrelated;
                }
                match only_some_clients().or_else(narrowing) {
                    Some((why, key)) => Demand::Not(why, key),
                    None => Demand::Yes,
                }
            }
            Requirement::BlockLegacy => {
                if !blocks {
                    return Demand::Unrelated;
                }
                let legacy = all_clients
                    || (client_types.contains(&ClientAppType::Other)
                        && (client_types.contains(&ClientAppType::ExchangeActiveSync)
                            || client_types.contains(&ClientAppType::EasSupported)));
                if !legacy {
                    if client_types.contains(&ClientAppType::Other)
                        || client_types.contains(&ClientAppType::ExchangeActiveSync)
                    {
                        return Demand::Not(
                            format!("`{}` blocks only some legacy clients", self.name),
                            "conditions.clientAppTypes",
                        );
                    }
                    return Demand::Unrelated;
                }
                match narrowing() {
                    Some((why, key)) => Demand::Not(why, key),
                    None => Demand::Yes,
                }
            }
            Requirement::BlockDeviceCode => {
                if !transfer.iter().any(|t| t == "deviceCodeFlow") {
                    return Demand::Unrelated;
                }
                if !blocks {
                    return Demand::Not(
                        format!(
                            "`{}` targets the device code flow but does not block it",
                            self.name
                        ),
                        "grantControls.builtInControls",
                    );
                }
                Demand::Yes
            }
            Requirement::BlockHighUserRisk | Requirement::BlockHighSignInRisk => {
                let levels = conditions.and_then(|c| {
                    if requirement == Requirement::BlockHighUserRisk {
                        c.user_risk_levels.as_ref()
                    } else {
                        c.sign_in_risk_levels.as_ref()
                    }
                });
                if !has_risk(levels) {
                    return Demand::Unrelated;
                }
                if !blocks {
                    return Demand::Not(
                        format!("`{}` responds to high risk without blocking", self.name),
                        "grantControls.builtInControls",
                    );
                }
                match only_some_clients() {
                    Some((why, key)) => Demand::Not(why, key),
                    None => Demand::Yes,
                }
            }
            Requirement::ManagedDevice => {
                if !managed || !user_actions.is_empty() {
                    return Demand::Unrelated;
                }
                match only_some_clients().or_else(narrowing) {
                    Some((why, key)) => Demand::Not(why, key),
                    None => Demand::Yes,
                }
            }
            Requirement::ManagedDeviceRegistration => {
                if !user_actions.iter().any(|a| a == REGISTER_SECURITY_INFO) {
                    return Demand::Unrelated;
                }
                if !managed {
                    return Demand::Not(
                        format!(
                            "`{}` protects security-information registration without requiring a managed device",
                            self.name
                        ),
                        "grantControls.builtInControls",
                    );
                }
                Demand::Yes
            }
        }
    }

    /// Whether the policy reaches a member, and if excluded, how.
    fn reaches(&self, member: &str) -> Result<(), (&str, &'static str)> {
        if let Some((why, key)) = self.excluded.get(member) {
            return Err((why, key));
        }
        // The stand-ins for undeclared group members are excluded only by their own group.
        Ok(())
    }

    fn includes(&self, member: &str) -> bool {
        if self.includes_none {
            return false;
        }
        if self.includes_all {
            return true;
        }
        if member == GUESTS {
            return self.includes_guests;
        }
        self.included.contains(member)
    }
}

enum Demand {
    Yes,
    /// It means to, but something keeps it from covering: why, and the key.
    Not(String, &'static str),
    Unrelated,
}

/// The declared authentication strengths, to tell which resist phishing.
struct Strengths<'a> {
    declared: &'a [super::field::Spanned<super::access::AuthenticationStrengthPolicy>],
}

impl Strengths<'_> {
    fn phishing_resistant(&self, strength: &super::access::StrengthRef) -> bool {
        if let Some((_, _, resistant)) = strength.built_in() {
            return *resistant;
        }
        let only_resistant = |combinations: &[String]| {
            !combinations.is_empty()
                && combinations.iter().all(|c| {
                    PHISHING_RESISTANT_METHODS
                        .iter()
                        .any(|m| c.eq_ignore_ascii_case(m))
                })
        };
        if !strength.allowed_combinations.is_empty() {
            return only_resistant(&strength.allowed_combinations);
        }
        self.declared.iter().any(|d| {
            let d = &d.value;
            let id_matches = match (&strength.id, &d.id) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(&b.value),
                _ => false,
            };
            let name_matches = match (&strength.display_name, &d.display_name) {
                (Some(a), Some(b)) => same_name(a, &b.value),
                _ => false,
            };
            (id_matches || name_matches)
                && only_resistant(
                    &d.allowed_combinations
                        .as_ref()
                        .map(|l| l.value.iter().map(|c| c.value.clone()).collect::<Vec<_>>())
                        .unwrap_or_default(),
                )
        })
    }
}

/// The members of a population: stand-ins first, then declared principals.
fn members(
    population: Population,
    directory: &Directory,
    judged: &[Judged],
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match population {
        Population::AllUsers => {
            out.push((EVERYONE.to_string(), "users".to_string()));
            out.push((GUESTS.to_string(), "guests and external users".to_string()));
            // Whoever some policy excludes (members of excluded groups, holders of excluded
            // roles, the undeclared members of a group), then the declared users.
            let mut extra: Vec<&String> = judged
                .iter()
                .flat_map(|j| j.excluded.keys())
                .filter(|k| *k != GUESTS)
                .collect();
            extra.sort();
            extra.dedup();
            let mut seen: HashSet<&str> = HashSet::new();
            for member in extra {
                seen.insert(member);
                let shown = if member.starts_with('*') {
                    String::new()
                } else {
                    format!("`{member}`")
                };
                out.push((member.clone(), shown));
            }
            for (user, _) in &directory.users {
                if !directory.is_break_glass(user) && !seen.contains(user.as_str()) {
                    out.push((user.clone(), format!("`{user}`")));
                }
            }
        }
        Population::Guests => {
            out.push((GUESTS.to_string(), "guests and external users".to_string()));
            for (user, guest) in &directory.users {
                if *guest && !directory.is_break_glass(user) {
                    out.push((user.clone(), format!("`{user}`")));
                }
            }
        }
        Population::Admins => {
            for role in highly_privileged() {
                out.push((role_member(&role.id), role.name.clone()));
                for holder in directory.role_holders(&role.id) {
                    if !directory.is_break_glass(&holder) {
                        out.push((holder.clone(), format!("`{holder}` ({})", role.name)));
                    }
                }
            }
        }
    }
    out
}

/// ScubaGear's highly privileged roles, from the role catalog.
pub fn highly_privileged() -> impl Iterator<Item = &'static RoleDef> {
    catalog::roles()
        .iter()
        .filter(|r| r.scuba_highly_privileged)
}

fn judge(
    requirement: Requirement,
    population: Population,
    judged: &[Judged],
    directory: &Directory,
    security_defaults: Option<bool>,
    strengths: &Strengths,
) -> Verdict {
    // Policies that mean to meet the requirement, and why each one falls short, if it does.
    let mut candidates: Vec<&Judged> = Vec::new();
    let mut shortfalls: Vec<(usize, String, String)> = Vec::new();
    for j in judged {
        let demand = j.demands(requirement, strengths);
        let why_not = match demand {
            Demand::Unrelated => continue,
            Demand::Not(why, key) => Some((why, key)),
            Demand::Yes => match j.state {
                PolicyState::Enabled => None,
                PolicyState::ReportOnly => Some((format!("`{}` is report-only", j.name), "state")),
                PolicyState::Disabled => Some((format!("`{}` is disabled", j.name), "state")),
            },
        };
        // A user action is the resource itself: no cloud app is expected.
        let apps_matter = requirement != Requirement::ManagedDeviceRegistration;
        let why_not = why_not.or_else(|| {
            j.apps_gap
                .clone()
                .filter(|_| apps_matter)
                .map(|g| (g, "conditions.applications"))
        });
        match why_not {
            Some((why, key)) => shortfalls.push((j.index, why, j.path(key))),
            None => candidates.push(j),
        }
    }
    let members = members(population, directory, judged);
    let mut by: Vec<String> = Vec::new();
    // Uncovered members grouped by the reason they are left out.
    let mut left_out: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut first_at: Option<String> = None;
    // Roles no policy targets, named in one line.
    let mut untargeted_roles: Vec<String> = Vec::new();
    for (member, shown) in &members {
        let mut covered = false;
        let mut excluded_by: Option<(String, String)> = None;
        for c in &candidates {
            let includes = c.includes(member)
                || (member.starts_with("*group:") && c.includes(EVERYONE))
                || (member.starts_with("*role:") && c.includes(EVERYONE));
            if !includes {
                continue;
            }
            match c.reaches(member) {
                Ok(()) => {
                    covered = true;
                    if !by.iter().any(|b| b == c.name) {
                        by.push(c.name.to_string());
                    }
                    break;
                }
                Err((why, key)) => {
                    if excluded_by.is_none() {
                        excluded_by = Some((
                            format!("`{}` {why}", c.name),
                            c.path(&format!("conditions.users.{key}")),
                        ));
                    }
                }
            }
        }
        if covered {
            continue;
        }
        // A declared principal nobody excludes but no policy names is left out only when the
        // population's stand-in is too: it is reported under the stand-in.
        let reason = match excluded_by {
            Some((why, at)) => {
                first_at.get_or_insert(at);
                why
            }
            None if member.starts_with('*') => match population {
                Population::Admins => {
                    untargeted_roles.push(shown.clone());
                    continue;
                }
                Population::Guests => format!(
                    "no enabled policy that {} targets guests and external users",
                    requirement.what()
                ),
                Population::AllUsers if member == EVERYONE => {
                    format!(
                        "no enabled policy that {} applies to all users",
                        requirement.what()
                    )
                }
                Population::AllUsers => continue,
            },
            None => continue,
        };
        let entry = left_out.entry(reason).or_insert((0, shown.clone()));
        entry.0 += 1;
    }
    let mut gaps: Vec<String> = left_out
        .into_iter()
        .map(|(reason, (count, _))| {
            if reason.starts_with('`') && count > 1 && !reason.contains("members") {
                format!("{reason} ({count} principals)")
            } else {
                reason
            }
        })
        .collect();
    if !untargeted_roles.is_empty() {
        let all = untargeted_roles.len() == highly_privileged().count();
        gaps.insert(
            0,
            if all {
                format!(
                    "no enabled policy that {} targets the highly privileged roles ({})",
                    requirement.what(),
                    untargeted_roles.join(", ")
                )
            } else {
                format!(
                    "no enabled policy that {} targets {}",
                    requirement.what(),
                    untargeted_roles.join(", ")
                )
            },
        );
    }
    let covered = gaps.is_empty();
    if !covered {
        gaps.extend(shortfalls.iter().map(|(_, why, _)| why.clone()));
        if security_defaults == Some(false) && requirement.met_by_security_defaults() {
            gaps.push("security defaults are off".to_string());
        }
    }
    let at = first_at
        .or_else(|| shortfalls.first().map(|(_, _, at)| at.clone()))
        .unwrap_or_else(|| {
            if judged.is_empty() && security_defaults.is_some() {
                if requirement.met_by_security_defaults() {
                    "securityDefaults.isEnabled".to_string()
                } else {
                    "securityDefaults".to_string()
                }
            } else {
                "conditionalAccessPolicies".to_string()
            }
        });
    Verdict {
        covered,
        gaps,
        by,
        at,
    }
}
