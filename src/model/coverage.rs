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
    BuiltInControl, ClientAppType, ConditionalAccessPolicy, Conditions, GrantOperator,
    PHISHING_RESISTANT_METHODS, PolicyState, RiskLevel, SessionControls, SignInFrequency,
    StrengthRef, UserConditions, same_name,
};
use super::catalog::{self, RoleDef};
use super::field::{List, Spanned, cel_map, cel_str};
use super::sections::{RoleRef, Tenant, UserType};
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
    /// Block authentication transfer (signing a phone in from a desktop's QR code).
    BlockAuthTransfer,
    /// At high user risk, a block, a password change after MFA, or risk remediation.
    RemediateHighUserRisk,
    /// At high and medium sign-in risk, MFA or a block.
    ChallengeSignInRisk,
    /// At high and medium sign-in risk, a block.
    BlockSignInRisk,
    /// Sign-in again within four hours, in browser sessions that never persist.
    LimitAdminSessions,
    /// Sign-in again within seven days.
    LimitSessions,
    /// MFA at every Microsoft Intune enrollment.
    ReauthIntuneEnrollment,
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
        Requirement::BlockAuthTransfer,
        Requirement::RemediateHighUserRisk,
        Requirement::ChallengeSignInRisk,
        Requirement::BlockSignInRisk,
        Requirement::LimitAdminSessions,
        Requirement::LimitSessions,
        Requirement::ReauthIntuneEnrollment,
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
            Requirement::BlockAuthTransfer => "blockAuthTransfer",
            Requirement::RemediateHighUserRisk => "remediateHighUserRisk",
            Requirement::ChallengeSignInRisk => "challengeSignInRisk",
            Requirement::BlockSignInRisk => "blockSignInRisk",
            Requirement::LimitAdminSessions => "limitAdminSessions",
            Requirement::LimitSessions => "limitSessions",
            Requirement::ReauthIntuneEnrollment => "reauthIntuneEnrollment",
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
            Requirement::BlockAuthTransfer => "blocks authentication transfer",
            Requirement::RemediateHighUserRisk => {
                "answers high user risk with a block or a password change"
            }
            Requirement::ChallengeSignInRisk => "answers high and medium sign-in risk with MFA",
            Requirement::BlockSignInRisk => "blocks high and medium sign-in risk",
            Requirement::LimitAdminSessions => {
                "asks for sign-in again within 4 hours in sessions that never persist"
            }
            Requirement::LimitSessions => "asks for sign-in again within 7 days",
            Requirement::ReauthIntuneEnrollment => {
                "requires MFA every time a device enrolls in Intune"
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
    (Requirement::BlockAuthTransfer, &[Population::AllUsers]),
    (Requirement::RemediateHighUserRisk, &[Population::AllUsers]),
    (Requirement::ChallengeSignInRisk, &[Population::AllUsers]),
    (Requirement::BlockSignInRisk, &[Population::AllUsers]),
    (Requirement::LimitAdminSessions, &[Population::Admins]),
    (Requirement::LimitSessions, &[Population::AllUsers]),
    (Requirement::ReauthIntuneEnrollment, &[Population::AllUsers]),
];

/// The user action of registering security information.
const REGISTER_SECURITY_INFO: &str = "urn:user:registersecurityinfo";

/// Microsoft Intune Enrollment's application id.
const INTUNE_ENROLLMENT: &str = "d4ebce55-015a-49b5-a083-c84d1797ae8c";

/// The longest sign-in frequencies the session requirements accept, in hours.
const ADMIN_SESSION_HOURS: i64 = 4;
const USER_SESSION_HOURS: i64 = 7 * 24;

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
    // Who is in each population is the same for every requirement: listed once per population.
    let mut populations_members: Vec<(Population, Vec<(String, String)>)> = Vec::new();
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
                    let at = match populations_members
                        .iter()
                        .position(|(p, _)| p == population)
                    {
                        Some(at) => at,
                        None => {
                            let listed = members(*population, &directory, &judged);
                            populations_members.push((*population, listed));
                            populations_members.len() - 1
                        }
                    };
                    judge(
                        *requirement,
                        *population,
                        &judged,
                        &populations_members[at].1,
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
        if self.break_glass.is_empty() {
            return false;
        }
        if id.bytes().any(|b| b.is_ascii_uppercase()) {
            self.break_glass.contains(&id.to_ascii_lowercase())
        } else {
            self.break_glass.contains(id)
        }
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
    terms: Terms<'a>,
    state: PolicyState,
    includes_all: bool,
    includes_guests: bool,
    includes_none: bool,
    /// Included members: users, group members, role stand-ins and holders.
    included: HashSet<String>,
    excluded: Exclusions,
    /// Why the policy does not reach all resources, if it does not.
    apps_gap: Option<String>,
}

/// Excluded members, each with how it is excluded and the key that excludes it.
type Exclusions = HashMap<String, (String, &'static str)>;

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
        let include_users = strings(users.and_then(|u| u.include_users.as_ref()));
        let includes_all = has(&include_users, "All");
        let includes_guests = includes_all
            || has(&include_users, "GuestsOrExternalUsers")
            || users.is_some_and(|u| u.include_guests_or_external_users.is_some());
        let included = inclusions(users, &include_users, includes_guests, directory);
        let includes_none = !includes_all
            && !includes_guests
            && included.iter().all(|m| m.eq_ignore_ascii_case("none"));
        Judged {
            index,
            name,
            terms: Terms::read(policy),
            state: state(policy),
            includes_all,
            includes_guests,
            includes_none,
            included,
            excluded: users.map_or_else(Exclusions::new, |u| exclusions(u, directory)),
            apps_gap: apps_gap(name, policy),
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
    fn demands(&self, requirement: Requirement, strengths: &Strengths) -> Demand {
        let conditions = self.terms.conditions;
        match requirement {
            Requirement::Mfa => self.demands_mfa(),
            Requirement::PhishingResistant => self.demands_phishing_resistant(strengths),
            Requirement::BlockLegacy => self.blocks_legacy(),
            Requirement::BlockDeviceCode => {
                self.blocks_transfer("deviceCodeFlow", "the device code flow")
            }
            Requirement::BlockHighUserRisk => {
                self.blocks_high_risk(conditions.and_then(|c| c.user_risk_levels.as_ref()))
            }
            Requirement::BlockHighSignInRisk => {
                self.blocks_high_risk(conditions.and_then(|c| c.sign_in_risk_levels.as_ref()))
            }
            Requirement::ManagedDevice => self.demands_managed_device(),
            Requirement::ManagedDeviceRegistration => self.demands_managed_registration(),
            Requirement::BlockAuthTransfer => {
                self.blocks_transfer("authenticationTransfer", "authentication transfer")
            }
            Requirement::RemediateHighUserRisk => self.remediates_user_risk(),
            Requirement::ChallengeSignInRisk => self.answers_sign_in_risk(false),
            Requirement::BlockSignInRisk => self.answers_sign_in_risk(true),
            Requirement::LimitAdminSessions => self.limits_sessions(ADMIN_SESSION_HOURS, true),
            Requirement::LimitSessions => self.limits_sessions(USER_SESSION_HOURS, false),
            Requirement::ReauthIntuneEnrollment => self.reauthenticates_intune_enrollment(),
        }
    }

    /// MFA by the built-in control alone (or with AND) or by any authentication strength, for
    /// sign-ins rather than a user action.
    fn demands_mfa(&self) -> Demand {
        let terms = &self.terms;
        if !terms.user_actions.is_empty() {
            return Demand::Unrelated;
        }
        if !self.grants_only_with_mfa() {
            if terms.has(BuiltInControl::Mfa) {
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
        Demand::unless(self.only_some_clients().or_else(|| self.narrowing()))
    }

    /// A phishing-resistant strength that no other grant control can stand in for.
    fn demands_phishing_resistant(&self, strengths: &Strengths) -> Demand {
        let terms = &self.terms;
        if !terms.user_actions.is_empty() {
            return Demand::Unrelated;
        }
        let Some(strength) = terms.strength else {
            return Demand::Unrelated;
        };
        if !strengths.phishing_resistant(&strength.value) {
            return Demand::Not(
                format!(
                    "`{}` requires the strength `{}`, which is not phishing-resistant",
                    self.name,
                    strength.value.shown()
                ),
                "grantControls.authenticationStrength",
            );
        }
        if !terms.operator_and && terms.controls.iter().any(|c| *c != BuiltInControl::Mfa) {
            return Demand::Not(
                format!(
                    "`{}` lets another grant control stand in for the strength (operator OR)",
                    self.name
                ),
                "grantControls.operator",
            );
        }
        Demand::unless(self.only_some_clients().or_else(|| self.narrowing()))
    }

    /// A block for every client, or at least for both legacy kinds: Exchange ActiveSync and
    /// other clients.
    fn blocks_legacy(&self) -> Demand {
        let terms = &self.terms;
        if !terms.blocks() {
            return Demand::Unrelated;
        }
        let clients = &terms.client_types;
        let legacy = terms.all_clients()
            || (clients.contains(&ClientAppType::Other)
                && (clients.contains(&ClientAppType::ExchangeActiveSync)
                    || clients.contains(&ClientAppType::EasSupported)));
        if !legacy {
            if clients.contains(&ClientAppType::Other)
                || clients.contains(&ClientAppType::ExchangeActiveSync)
            {
                return Demand::Not(
                    format!("`{}` blocks only some legacy clients", self.name),
                    "conditions.clientAppTypes",
                );
            }
            return Demand::Unrelated;
        }
        Demand::unless(self.narrowing())
    }

    /// A block on a transfer method (the device code flow, authentication transfer); the flow
    /// is the policy's condition, so nothing narrows it.
    fn blocks_transfer(&self, method: &str, shown: &str) -> Demand {
        if !self.terms.transfer.iter().any(|t| t == method) {
            return Demand::Unrelated;
        }
        if !self.terms.blocks() {
            return Demand::Not(
                format!("`{}` targets {shown} but does not block it", self.name),
                "grantControls.builtInControls",
            );
        }
        Demand::Yes
    }

    /// MFA by the built-in control alone (or with AND) or by an authentication strength.
    fn grants_only_with_mfa(&self) -> bool {
        let terms = &self.terms;
        terms.strength.is_some()
            || (terms.has(BuiltInControl::Mfa) && (terms.operator_and || terms.controls.len() == 1))
    }

    /// At high user risk: a block, risk remediation, or a password change together with MFA.
    fn remediates_user_risk(&self) -> Demand {
        let levels = self
            .terms
            .conditions
            .and_then(|c| c.user_risk_levels.as_ref());
        if !levels.is_some_and(|l| l.value.iter().any(|r| r.value == RiskLevel::High)) {
            return Demand::Unrelated;
        }
        let terms = &self.terms;
        let password_change = terms.has(BuiltInControl::PasswordChange)
            && terms.operator_and
            && (terms.has(BuiltInControl::Mfa) || terms.strength.is_some());
        if !(terms.blocks() || terms.has(BuiltInControl::RiskRemediation) || password_change) {
            return Demand::Not(
                format!(
                    "`{}` responds to high user risk without a block or a password change after MFA",
                    self.name
                ),
                "grantControls",
            );
        }
        Demand::unless(self.only_some_clients())
    }

    /// At both high and medium sign-in risk: MFA or a block (`block_only`: a block).
    fn answers_sign_in_risk(&self, block_only: bool) -> Demand {
        let levels: Vec<RiskLevel> = self
            .terms
            .conditions
            .and_then(|c| c.sign_in_risk_levels.as_ref())
            .map(|l| l.value.iter().map(|r| r.value).collect())
            .unwrap_or_default();
        let high = levels.contains(&RiskLevel::High);
        let medium = levels.contains(&RiskLevel::Medium);
        if !high && !medium {
            return Demand::Unrelated;
        }
        if !(high && medium) {
            let only = if high { "high" } else { "medium" };
            return Demand::Not(
                format!("`{}` responds only to {only} sign-in risk", self.name),
                "conditions.signInRiskLevels",
            );
        }
        let answered = self.terms.blocks() || (!block_only && self.grants_only_with_mfa());
        if !answered {
            let wanted = if block_only {
                "a block"
            } else {
                "MFA or a block"
            };
            return Demand::Not(
                format!(
                    "`{}` responds to high and medium sign-in risk without {wanted}",
                    self.name
                ),
                "grantControls",
            );
        }
        Demand::unless(self.only_some_clients())
    }

    /// A sign-in frequency of at most `hours` (and, with `never_persist`, browser sessions that
    /// never persist), for sign-ins of every kind rather than risky ones or a user action.
    fn limits_sessions(&self, hours: i64, never_persist: bool) -> Demand {
        let terms = &self.terms;
        let Some(session) = terms.session else {
            return Demand::Unrelated;
        };
        let frequency = session.sign_in_frequency.as_ref().map(|f| &f.value);
        let persistence = session.persistent_browser.as_ref().map(|p| &p.value);
        if frequency.is_none() && (!never_persist || persistence.is_none()) {
            return Demand::Unrelated;
        }
        if !terms.user_actions.is_empty() {
            return Demand::Unrelated;
        }
        if let Some(conditions) = terms.conditions {
            let risky = |levels: &Option<Spanned<List<RiskLevel>>>| {
                levels.as_ref().is_some_and(|l| !l.value.is_empty())
            };
            if risky(&conditions.sign_in_risk_levels) || risky(&conditions.user_risk_levels) {
                return Demand::Unrelated;
            }
        }
        match frequency.map(sign_in_interval) {
            None | Some(Interval::Off) => {
                return Demand::Not(
                    format!("`{}` sets no sign-in frequency", self.name),
                    "sessionControls.signInFrequency",
                );
            }
            Some(Interval::Hours(h)) if h > hours => {
                return Demand::Not(
                    format!(
                        "`{}` asks for sign-in again only every {}",
                        self.name,
                        show_hours(h)
                    ),
                    "sessionControls.signInFrequency",
                );
            }
            Some(_) => {}
        }
        if never_persist {
            let never = persistence.is_some_and(|p| {
                p.is_enabled.as_ref().is_some_and(|e| e.value)
                    && p.mode
                        .as_ref()
                        .is_some_and(|m| m.value.eq_ignore_ascii_case("never"))
            });
            if !never {
                return Demand::Not(
                    format!("`{}` lets browser sessions persist", self.name),
                    "sessionControls.persistentBrowser",
                );
            }
        }
        Demand::unless(self.only_some_clients().or_else(|| self.narrowing()))
    }

    /// For Microsoft Intune Enrollment, named as a resource: MFA, and sign-in every time.
    fn reauthenticates_intune_enrollment(&self) -> Demand {
        let enrollment = self
            .terms
            .conditions
            .and_then(|c| c.applications.as_ref())
            .and_then(|a| a.value.include_applications.as_ref())
            .is_some_and(|l| {
                l.value
                    .iter()
                    .any(|a| a.value.eq_ignore_ascii_case(INTUNE_ENROLLMENT))
            });
        if !enrollment {
            return Demand::Unrelated;
        }
        if !self.grants_only_with_mfa() {
            return Demand::Not(
                format!("`{}` protects Intune enrollment without MFA", self.name),
                "grantControls",
            );
        }
        let every_time = self
            .terms
            .session
            .and_then(|s| s.sign_in_frequency.as_ref())
            .is_some_and(|f| sign_in_interval(&f.value) == Interval::EveryTime);
        if !every_time {
            return Demand::Not(
                format!(
                    "`{}` does not ask for sign-in every time a device enrolls",
                    self.name
                ),
                "sessionControls.signInFrequency",
            );
        }
        Demand::unless(self.only_some_clients().or_else(|| self.narrowing()))
    }

    /// A block on high risk, given the policy's user or sign-in risk levels.
    fn blocks_high_risk(&self, levels: Option<&Spanned<List<RiskLevel>>>) -> Demand {
        if !levels.is_some_and(|l| l.value.iter().any(|r| r.value == RiskLevel::High)) {
            return Demand::Unrelated;
        }
        if !self.terms.blocks() {
            return Demand::Not(
                format!("`{}` responds to high risk without blocking", self.name),
                "grantControls.builtInControls",
            );
        }
        Demand::unless(self.only_some_clients())
    }

    /// A managed device for sign-ins rather than a user action.
    fn demands_managed_device(&self) -> Demand {
        if !self.terms.managed() || !self.terms.user_actions.is_empty() {
            return Demand::Unrelated;
        }
        Demand::unless(self.only_some_clients().or_else(|| self.narrowing()))
    }

    /// A managed device for the user action of registering security information.
    fn demands_managed_registration(&self) -> Demand {
        let terms = &self.terms;
        if !terms
            .user_actions
            .iter()
            .any(|a| a == REGISTER_SECURITY_INFO)
        {
            return Demand::Unrelated;
        }
        if !terms.managed() {
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

    fn only_some_clients(&self) -> Option<(String, &'static str)> {
        (!self.terms.all_clients()).then(|| {
            (
                format!("`{}` applies only to some client apps", self.name),
                "conditions.clientAppTypes",
            )
        })
    }

    /// A condition that leaves some sign-ins of the population out: why, and its key.
    fn narrowing(&self) -> Option<(String, &'static str)> {
        let (what, key) = narrowing_condition(self.terms.conditions?, &self.terms.transfer)?;
        Some((format!("`{}` {what}", self.name), key))
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

    /// Whether the policy is meant for a member. The stand-ins for undeclared group members and
    /// role holders cannot be named in a policy, so only including everyone reaches them.
    fn targets(&self, member: &str) -> bool {
        self.includes(member)
            || (member.starts_with("*group:") && self.includes(EVERYONE))
            || (member.starts_with("*role:") && self.includes(EVERYONE))
    }
}

/// What a policy grants and under which conditions, as the requirements read it.
struct Terms<'a> {
    conditions: Option<&'a Conditions>,
    controls: Vec<BuiltInControl>,
    /// Whether every grant control is needed (AND) rather than any one (OR).
    operator_and: bool,
    strength: Option<&'a Spanned<StrengthRef>>,
    client_types: Vec<ClientAppType>,
    /// `conditions.authenticationFlows.transferMethods`.
    transfer: Vec<String>,
    /// The user actions the policy protects, in lower case.
    user_actions: Vec<String>,
    session: Option<&'a SessionControls>,
}

impl<'a> Terms<'a> {
    fn read(policy: &'a ConditionalAccessPolicy) -> Terms<'a> {
        let conditions = policy.conditions.as_ref().map(|c| &c.value);
        let grant = policy.grant_controls.as_ref().map(|g| &g.value);
        Terms {
            conditions,
            controls: grant
                .and_then(|g| g.built_in_controls.as_ref())
                .map(|l| l.value.iter().map(|c| c.value).collect())
                .unwrap_or_default(),
            operator_and: grant
                .and_then(|g| g.operator.as_ref())
                .is_some_and(|o| o.value == GrantOperator::And),
            strength: grant.and_then(|g| g.authentication_strength.as_ref()),
            client_types: conditions
                .and_then(|c| c.client_app_types.as_ref())
                .map(|l| l.value.iter().map(|c| c.value).collect())
                .unwrap_or_default(),
            transfer: conditions
                .and_then(|c| c.authentication_flows.as_ref())
                .and_then(|f| f.value.transfer_methods.as_ref())
                .map(|t| t.value.0.clone())
                .unwrap_or_default(),
            user_actions: conditions
                .and_then(|c| c.applications.as_ref())
                .and_then(|a| a.value.include_user_actions.as_ref())
                .map(|l| {
                    l.value
                        .iter()
                        .map(|s| s.value.to_ascii_lowercase())
                        .collect()
                })
                .unwrap_or_default(),
            session: policy.session_controls.as_ref().map(|s| &s.value),
        }
    }

    fn has(&self, control: BuiltInControl) -> bool {
        self.controls.contains(&control)
    }

    fn blocks(&self) -> bool {
        self.has(BuiltInControl::Block)
    }

    fn managed(&self) -> bool {
        self.has(BuiltInControl::CompliantDevice) || self.has(BuiltInControl::DomainJoinedDevice)
    }

    /// No `clientAppTypes`, or `all`: Graph reads both as every client.
    fn all_clients(&self) -> bool {
        self.client_types.is_empty() || self.client_types.contains(&ClientAppType::All)
    }
}

/// How often a sign-in frequency asks users to sign in again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Interval {
    Off,
    EveryTime,
    Hours(i64),
}

/// Graph's `signInFrequency`: `frequencyInterval: everyTime`, or `value` in `type` (hours or
/// days) when `isEnabled`. A value without a unit is read as days, the longer.
fn sign_in_interval(frequency: &SignInFrequency) -> Interval {
    if frequency.is_enabled.as_ref().is_some_and(|e| !e.value) {
        return Interval::Off;
    }
    if frequency
        .frequency_interval
        .as_ref()
        .is_some_and(|i| i.value.eq_ignore_ascii_case("everyTime"))
    {
        return Interval::EveryTime;
    }
    let Some(value) = frequency.value.as_ref().map(|v| v.value) else {
        return Interval::Off;
    };
    let hours = frequency
        .kind
        .as_ref()
        .is_some_and(|k| k.value.eq_ignore_ascii_case("hours"));
    Interval::Hours(if hours {
        value
    } else {
        value.saturating_mul(24)
    })
}

fn show_hours(hours: i64) -> String {
    match hours {
        h if h % 24 == 0 && h >= 48 => format!("{} days", h / 24),
        24 => "day".to_string(),
        1 => "hour".to_string(),
        h => format!("{h} hours"),
    }
}

/// The first condition that leaves some sign-ins out: what the policy is then limited to, and its
/// key. Checked in a fixed order so the same condition is named every time.
fn narrowing_condition(
    conditions: &Conditions,
    transfer: &[String],
) -> Option<(&'static str, &'static str)> {
    let any_risk = |levels: &Option<Spanned<List<RiskLevel>>>| {
        levels.as_ref().is_some_and(|l| !l.value.is_empty())
    };
    if any_risk(&conditions.sign_in_risk_levels) || any_risk(&conditions.user_risk_levels) {
        return Some(("applies only to risky sign-ins", "conditions"));
    }
    if let Some(platforms) = &conditions.platforms
        && !all_without_exception(
            &platforms.value.include_platforms,
            &platforms.value.exclude_platforms,
        )
    {
        return Some((
            "applies only to some device platforms",
            "conditions.platforms",
        ));
    }
    if let Some(locations) = &conditions.locations
        && !all_without_exception(
            &locations.value.include_locations,
            &locations.value.exclude_locations,
        )
    {
        return Some(("does not apply in some locations", "conditions.locations"));
    }
    if conditions
        .devices
        .as_ref()
        .is_some_and(|d| d.value.device_filter.is_some())
    {
        return Some((
            "applies only to devices its filter selects",
            "conditions.devices.deviceFilter",
        ));
    }
    if !transfer.is_empty() {
        return Some((
            "applies only to some authentication flows",
            "conditions.authenticationFlows",
        ));
    }
    None
}

/// Whether an include and exclude pair reaches everything: `All` included (an absent include list
/// restricts nothing) and nothing excluded.
fn all_without_exception(
    include: &Option<Spanned<List<String>>>,
    exclude: &Option<Spanned<List<String>>>,
) -> bool {
    let all = include
        .as_ref()
        .map(|l| l.value.iter().any(|p| p.value.eq_ignore_ascii_case("all")))
        .unwrap_or(true);
    let excepted = exclude.as_ref().is_some_and(|l| !l.value.is_empty());
    all && !excepted
}

/// The strings of an optional list.
fn strings(list: Option<&Spanned<List<String>>>) -> Vec<String> {
    list.map(|l| l.value.iter().map(|s| s.value.clone()).collect())
        .unwrap_or_default()
}

/// Whether a list holds a Graph keyword such as `All`, in any case.
fn has(list: &[String], word: &str) -> bool {
    list.iter().any(|u| u.eq_ignore_ascii_case(word))
}

fn roles(list: Option<&Spanned<List<RoleRef>>>) -> impl Iterator<Item = &RoleRef> {
    list.into_iter()
        .flat_map(|l| l.value.iter().map(|r| &r.value))
}

/// Who a policy includes: the named users, the members of its groups, each role's stand-in and
/// holders, and the declared guests when it includes guests.
fn inclusions(
    users: Option<&UserConditions>,
    include_users: &[String],
    includes_guests: bool,
    directory: &Directory,
) -> HashSet<String> {
    let mut included: HashSet<String> = include_users
        .iter()
        .map(|u| u.to_ascii_lowercase())
        .collect();
    for group in strings(users.and_then(|u| u.include_groups.as_ref())) {
        let (members, _) = directory.members(&group);
        included.extend(members);
    }
    for role in roles(users.and_then(|u| u.include_roles.as_ref())) {
        included.insert(role_member(&role.id));
        included.extend(directory.role_holders(&role.id));
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
    included
}

/// Who a policy excludes, and how. Break-glass accounts are left out: excluding them is expected.
/// The order matters: a member excluded by name (or as a guest) keeps that reason over a group's
/// or a role's, and a member of several excluded groups keeps the first.
fn exclusions(users: &UserConditions, directory: &Directory) -> Exclusions {
    let mut excluded = Exclusions::new();
    exclude_users(users, directory, &mut excluded);
    exclude_groups(users, directory, &mut excluded);
    exclude_roles(users, directory, &mut excluded);
    excluded
}

const EXCLUDES_GUESTS: &str = "excludes guests and external users";

/// `excludeUsers` and `excludeGuestsOrExternalUsers`; excluding guests excludes every declared
/// guest too.
fn exclude_users(users: &UserConditions, directory: &Directory, excluded: &mut Exclusions) {
    for user in strings(users.exclude_users.as_ref()) {
        if user.eq_ignore_ascii_case("GuestsOrExternalUsers") {
            excluded.insert(
                GUESTS.to_string(),
                (EXCLUDES_GUESTS.to_string(), "excludeUsers"),
            );
        } else if !directory.is_break_glass(&user) {
            excluded.insert(
                user.to_ascii_lowercase(),
                (format!("excludes `{user}`"), "excludeUsers"),
            );
        }
    }
    if users.exclude_guests_or_external_users.is_some() {
        excluded.insert(
            GUESTS.to_string(),
            (EXCLUDES_GUESTS.to_string(), "excludeGuestsOrExternalUsers"),
        );
    }
    if excluded.contains_key(GUESTS) {
        for (user, _) in directory.users.iter().filter(|(_, g)| *g) {
            excluded.insert(user.clone(), (EXCLUDES_GUESTS.to_string(), "excludeUsers"));
        }
    }
}

/// `excludeGroups`: each group's members through nesting, and a stand-in for the members the file
/// does not declare.
fn exclude_groups(users: &UserConditions, directory: &Directory, excluded: &mut Exclusions) {
    for group in strings(users.exclude_groups.as_ref()) {
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
}

/// `excludeRoles`: each role's stand-in and its declared holders.
fn exclude_roles(users: &UserConditions, directory: &Directory, excluded: &mut Exclusions) {
    for role in roles(users.exclude_roles.as_ref()) {
        let role_name = role.def.map_or(role.id.as_str(), |d| d.name.as_str());
        let reason = format!("excludes role {role_name}");
        excluded.insert(role_member(&role.id), (reason.clone(), "excludeRoles"));
        for holder in directory.role_holders(&role.id) {
            if !directory.is_break_glass(&holder) {
                excluded
                    .entry(holder)
                    .or_insert_with(|| (reason.clone(), "excludeRoles"));
            }
        }
    }
}

/// Why a policy does not reach all resources, if it does not.
fn apps_gap(name: &str, policy: &ConditionalAccessPolicy) -> Option<String> {
    let apps = policy
        .conditions
        .as_ref()
        .and_then(|c| c.value.applications.as_ref())
        .map(|a| &a.value);
    let include_apps = strings(apps.and_then(|a| a.include_applications.as_ref()));
    let exclude_apps = strings(apps.and_then(|a| a.exclude_applications.as_ref()));
    if has(&include_apps, "All") {
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
    }
}

enum Demand {
    Yes,
    /// It means to, but something keeps it from covering: why, and the key.
    Not(String, &'static str),
    Unrelated,
}

impl Demand {
    /// Yes, unless something keeps the policy from covering.
    fn unless(shortfall: Option<(String, &'static str)>) -> Demand {
        match shortfall {
            Some((why, key)) => Demand::Not(why, key),
            None => Demand::Yes,
        }
    }
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

/// One requirement for one population: who is left out and why, which policies cover the rest,
/// and where a finding should point.
fn judge(
    requirement: Requirement,
    population: Population,
    judged: &[Judged],
    members: &[(String, String)],
    security_defaults: Option<bool>,
    strengths: &Strengths,
) -> Verdict {
    let (candidates, shortfalls) = candidates(requirement, judged, strengths);
    let tally = Tally::of(requirement, population, members, &candidates);
    let mut gaps = tally.gaps(requirement);
    let covered = gaps.is_empty();
    if !covered {
        gaps.extend(shortfalls.iter().map(|s| s.why.clone()));
        if security_defaults == Some(false) && requirement.met_by_security_defaults() {
            gaps.push("security defaults are off".to_string());
        }
    }
    let at = tally
        .first_at
        .or_else(|| shortfalls.first().map(|s| s.at.clone()))
        .unwrap_or_else(|| fallback_at(requirement, judged, security_defaults));
    Verdict {
        covered,
        gaps,
        by: tally.by,
        at,
    }
}

/// A policy that means to meet a requirement but does not: why, and the key to point at.
struct Shortfall {
    why: String,
    at: String,
}

/// The policies that meet a requirement for whoever they reach, and why each other policy that
/// means to meet it falls short.
fn candidates<'j, 'a>(
    requirement: Requirement,
    judged: &'j [Judged<'a>],
    strengths: &Strengths,
) -> (Vec<&'j Judged<'a>>, Vec<Shortfall>) {
    let mut candidates = Vec::new();
    let mut shortfalls = Vec::new();
    for j in judged {
        let why_not = match j.demands(requirement, strengths) {
            Demand::Unrelated => continue,
            Demand::Not(why, key) => Some((why, key)),
            Demand::Yes => match j.state {
                PolicyState::Enabled => None,
                PolicyState::ReportOnly => Some((format!("`{}` is report-only", j.name), "state")),
                PolicyState::Disabled => Some((format!("`{}` is disabled", j.name), "state")),
            },
        };
        // A user action, or Intune enrollment, is the resource itself: no cloud app is expected.
        let apps_matter = !matches!(
            requirement,
            Requirement::ManagedDeviceRegistration | Requirement::ReauthIntuneEnrollment
        );
        let why_not = why_not.or_else(|| {
            j.apps_gap
                .clone()
                .filter(|_| apps_matter)
                .map(|g| (g, "conditions.applications"))
        });
        match why_not {
            Some((why, key)) => shortfalls.push(Shortfall {
                why,
                at: j.path(key),
            }),
            None => candidates.push(j),
        }
    }
    (candidates, shortfalls)
}

/// How one member fares against the candidate policies.
enum Reach<'a> {
    /// Covered by the named policy.
    Covered(&'a str),
    /// Targeted only by policies that exclude the member: the first one's reason, and its key.
    Excluded(String, String),
    /// No candidate policy targets the member.
    Untargeted,
}

fn reach<'a>(member: &str, candidates: &[&Judged<'a>]) -> Reach<'a> {
    let mut excluded_by = None;
    for c in candidates {
        if !c.targets(member) {
            continue;
        }
        match c.reaches(member) {
            Ok(()) => return Reach::Covered(c.name),
            Err((why, key)) => {
                excluded_by.get_or_insert_with(|| {
                    (
                        format!("`{}` {why}", c.name),
                        c.path(&format!("conditions.users.{key}")),
                    )
                });
            }
        }
    }
    match excluded_by {
        Some((why, at)) => Reach::Excluded(why, at),
        None => Reach::Untargeted,
    }
}

/// Who a requirement leaves out, gathered member by member.
#[derive(Default)]
struct Tally {
    /// The policies that cover someone, in the order first met.
    by: Vec<String>,
    /// Uncovered members counted by the reason they are left out.
    left_out: BTreeMap<String, usize>,
    /// The key of the first exclusion that leaves someone out.
    first_at: Option<String>,
    /// Roles no policy targets, named in one line.
    untargeted_roles: Vec<String>,
}

impl Tally {
    fn of(
        requirement: Requirement,
        population: Population,
        members: &[(String, String)],
        candidates: &[&Judged],
    ) -> Tally {
        let mut tally = Tally::default();
        for (member, shown) in members {
            let reason = match reach(member, candidates) {
                Reach::Covered(name) => {
                    if !tally.by.iter().any(|b| b == name) {
                        tally.by.push(name.to_string());
                    }
                    continue;
                }
                Reach::Excluded(why, at) => {
                    tally.first_at.get_or_insert(at);
                    why
                }
                Reach::Untargeted => {
                    match tally.untargeted(requirement, population, member, shown) {
                        Some(reason) => reason,
                        None => continue,
                    }
                }
            };
            *tally.left_out.entry(reason).or_insert(0) += 1;
        }
        tally
    }

    /// Why a member no policy targets is left out, if it is a gap of its own. A declared
    /// principal nobody excludes but no policy names is left out only when the population's
    /// stand-in is too: it is reported under the stand-in. Untargeted roles are gathered into
    /// one line instead.
    fn untargeted(
        &mut self,
        requirement: Requirement,
        population: Population,
        member: &str,
        shown: &str,
    ) -> Option<String> {
        if !member.starts_with('*') {
            return None;
        }
        match population {
            Population::Admins => {
                self.untargeted_roles.push(shown.to_string());
                None
            }
            Population::Guests => Some(format!(
                "no enabled policy that {} targets guests and external users",
                requirement.what()
            )),
            Population::AllUsers if member == EVERYONE => Some(format!(
                "no enabled policy that {} applies to all users",
                requirement.what()
            )),
            Population::AllUsers => None,
        }
    }

    /// One line per reason (with how many principals it leaves out, where that is not already
    /// said), after one line for the untargeted roles.
    fn gaps(&self, requirement: Requirement) -> Vec<String> {
        let mut gaps: Vec<String> = self
            .left_out
            .iter()
            .map(|(reason, count)| {
                if reason.starts_with('`') && *count > 1 && !reason.contains("members") {
                    format!("{reason} ({count} principals)")
                } else {
                    reason.clone()
                }
            })
            .collect();
        if !self.untargeted_roles.is_empty() {
            let roles = self.untargeted_roles.join(", ");
            let line = if self.untargeted_roles.len() == highly_privileged().count() {
                format!(
                    "no enabled policy that {} targets the highly privileged roles ({roles})",
                    requirement.what()
                )
            } else {
                format!(
                    "no enabled policy that {} targets {roles}",
                    requirement.what()
                )
            };
            gaps.insert(0, line);
        }
        gaps
    }
}

/// Where a finding points when no exclusion or policy explains it: security defaults when they
/// are all the file declares, else the policies.
fn fallback_at(
    requirement: Requirement,
    judged: &[Judged],
    security_defaults: Option<bool>,
) -> String {
    if judged.is_empty() && security_defaults.is_some() {
        if requirement.met_by_security_defaults() {
            "securityDefaults.isEnabled".to_string()
        } else {
            "securityDefaults".to_string()
        }
    } else {
        "conditionalAccessPolicies".to_string()
    }
}
