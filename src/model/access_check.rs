//! Consistency of the sign-in sections: security defaults together with enabled Conditional
//! Access (which Entra refuses), and references a policy makes to users, groups, locations and
//! strengths the file does not declare — resolved where possible, otherwise reported once per kind.

use std::collections::HashSet;

use super::access::{
    ConditionalAccessPolicy, LocationConditions, PolicyState, StrengthRef, UserConditions,
};
use super::field::{List, Spanned};
use super::sections::Tenant;
use crate::diagnostic::{Diagnostic, Severity, Span};

/// Words Graph uses in place of ids.
const USER_WORDS: &[&str] = &["All", "None", "GuestsOrExternalUsers"];
const LOCATION_WORDS: &[&str] = &["All", "AllTrusted"];
/// The id Graph uses for the legacy MFA trusted IPs.
const MFA_TRUSTED_IPS: &str = "00000000-0000-0000-0000-000000000000";

pub fn check(tenant: &Tenant, diagnostics: &mut Vec<Diagnostic>) {
    let Some(policies) = &tenant.conditional_access_policies else {
        return;
    };
    let policies = &policies.value;
    conflict(tenant, policies, diagnostics);
    references(tenant, policies, diagnostics);
}

fn conflict(
    tenant: &Tenant,
    policies: &List<ConditionalAccessPolicy>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(enabled) = tenant
        .security_defaults
        .as_ref()
        .and_then(|s| s.value.is_enabled.as_ref())
        .filter(|e| e.value)
    else {
        return;
    };
    let Some((index, policy)) = policies.iter().enumerate().find(|(_, p)| {
        p.value
            .state
            .as_ref()
            .map_or(PolicyState::Enabled, |s| s.value)
            == PolicyState::Enabled
    }) else {
        return;
    };
    let name = policy
        .value
        .display_name
        .as_ref()
        .map_or("", |n| n.value.as_str());
    let related = policy.value.state.as_ref().map_or(policy.span, |s| s.span);
    diagnostics.push(
        Diagnostic::error(
            "conflicting-sign-in-settings",
            enabled.span,
            format!("security defaults are enabled while Conditional Access policy `{name}` is enabled; Entra allows only one of the two"),
        )
        .with_label("security defaults on")
        .with_related(related, "an enabled Conditional Access policy")
        .with_help("set `securityDefaults.isEnabled: false` when Conditional Access protects the tenant, or disable the policies")
        .with_path(format!("securityDefaults.isEnabled (conditionalAccessPolicies[{index}])")),
    );
}

/// One kind of unresolved reference: how many, and the first one's place.
struct Unresolved {
    kind: &'static str,
    consequence: &'static str,
    help: &'static str,
    count: usize,
    first: Option<(Span, String, String)>,
}

impl Unresolved {
    fn new(kind: &'static str, consequence: &'static str, help: &'static str) -> Unresolved {
        Unresolved {
            kind,
            consequence,
            help,
            count: 0,
            first: None,
        }
    }

    fn note(&mut self, span: Span, text: &str, path: String) {
        self.count += 1;
        self.first.get_or_insert((span, text.to_string(), path));
    }

    fn report(self, diagnostics: &mut Vec<Diagnostic>) {
        let Some((span, text, path)) = self.first else {
            return;
        };
        let more = match self.count {
            1 => String::new(),
            n => format!(
                " (and {} more reference{})",
                n - 1,
                if n == 2 { "" } else { "s" }
            ),
        };
        diagnostics.push(
            Diagnostic::new(
                "unresolved-reference",
                Severity::Info,
                span,
                format!(
                    "Conditional Access refers to {} `{text}` that the file does not declare{more}: {}",
                    self.kind, self.consequence
                ),
            )
            .with_label("not declared in this tenant")
            .with_help(self.help.to_string())
            .with_path(path),
        );
    }
}

/// The unresolved references of every policy, gathered so each kind is reported once.
struct UnresolvedReferences {
    users: Unresolved,
    groups: Unresolved,
    locations: Unresolved,
}

impl UnresolvedReferences {
    fn new() -> UnresolvedReferences {
        UnresolvedReferences {
            users: Unresolved::new(
                "user",
                "it is taken to be one user, not guessed at",
                "declare the user under `users`, or list emergency-access accounts in `tenant.breakGlass`",
            ),
            groups: Unresolved::new(
                "group",
                "coverage counts its members as unknown, not guessed at",
                "declare the group under `groups` with its `members`, so coverage can tell who it excludes; list an emergency-access group in `tenant.breakGlass`",
            ),
            locations: Unresolved::new(
                "named location",
                "coverage treats the condition as narrowing the policy",
                "declare the location under `namedLocations`",
            ),
        }
    }

    fn report(self, diagnostics: &mut Vec<Diagnostic>) {
        self.users.report(diagnostics);
        self.groups.report(diagnostics);
        self.locations.report(diagnostics);
    }
}

/// What the file declares for policies to refer to. Ids and display names are kept in lower case,
/// since a reference may use either, in any case.
struct Declared<'a> {
    /// Users, and the `tenant.breakGlass` accounts.
    users: HashSet<String>,
    groups: HashSet<String>,
    locations: HashSet<String>,
    /// Custom authentication strengths' ids and display names, as written: names are compared
    /// with `same_name`, which forgives spacing and dashes.
    strengths: Vec<&'a str>,
    /// Whether each section is present at all.
    users_listed: bool,
    groups_listed: bool,
    locations_listed: bool,
}

impl<'a> Declared<'a> {
    fn read(tenant: &'a Tenant) -> Declared<'a> {
        let break_glass = tenant
            .header
            .iter()
            .flat_map(|h| h.value.break_glass.iter())
            .flat_map(|b| b.value.iter());
        let users = ids_and_names(&tenant.users, |u| [u.id.as_ref(), u.display_name.as_ref()])
            .chain(break_glass)
            .map(|n| n.value.to_ascii_lowercase())
            .collect();
        let groups = ids_and_names(&tenant.groups, |g| [g.id.as_ref(), g.display_name.as_ref()])
            .map(|n| n.value.to_ascii_lowercase())
            .collect();
        let locations = ids_and_names(&tenant.named_locations, |l| {
            [l.id.as_ref(), l.display_name.as_ref()]
        })
        .map(|n| n.value.to_ascii_lowercase())
        .collect();
        let strengths = ids_and_names(&tenant.authentication_strength_policies, |s| {
            [s.id.as_ref(), s.display_name.as_ref()]
        })
        .map(|n| n.value.as_str())
        .collect();
        Declared {
            users,
            groups,
            locations,
            strengths,
            users_listed: tenant.users.is_some(),
            groups_listed: tenant.groups.is_some(),
            locations_listed: tenant.named_locations.is_some(),
        }
    }
}

/// The id and display name of each entry of a section, where given.
fn ids_and_names<T>(
    section: &Option<Spanned<List<T>>>,
    names: fn(&T) -> [Option<&Spanned<String>>; 2],
) -> impl Iterator<Item = &Spanned<String>> {
    section
        .iter()
        .flat_map(|l| l.value.iter())
        .flat_map(move |entry| names(&entry.value))
        .flatten()
}

/// References to objects the file does not declare. Unknown named locations (where the file
/// lists them) and unknown strengths are warnings; other unresolved references make one note per
/// kind, however many policies share them.
fn references(
    tenant: &Tenant,
    policies: &List<ConditionalAccessPolicy>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let declared = Declared::read(tenant);
    let mut unresolved = UnresolvedReferences::new();
    for policy in policies {
        policy_references(&policy.value, &declared, &mut unresolved, diagnostics);
    }
    unresolved.report(diagnostics);
}

/// Checks what one policy refers to: users, groups, named locations and its authentication
/// strength. A policy without `conditions` is not read further.
fn policy_references(
    policy: &ConditionalAccessPolicy,
    declared: &Declared,
    unresolved: &mut UnresolvedReferences,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let name = policy
        .display_name
        .as_ref()
        .map_or("", |n| n.value.as_str());
    let Some(conditions) = &policy.conditions else {
        return;
    };
    if let Some(users) = &conditions.value.users {
        user_references(&users.value, name, declared, &mut unresolved.users);
        group_references(&users.value, name, declared, &mut unresolved.groups);
    }
    if let Some(locations) = &conditions.value.locations {
        location_references(
            &locations.value,
            name,
            declared,
            &mut unresolved.locations,
            diagnostics,
        );
    }
    if let Some(grant) = &policy.grant_controls
        && let Some(strength) = &grant.value.authentication_strength
    {
        strength_reference(strength, name, declared, diagnostics);
    }
}

/// Where a finding about the named policy points.
fn policy_path(name: &str, key: &str) -> String {
    format!("conditionalAccessPolicies[displayName={name}].{key}")
}

/// Included and excluded users. A reference is unresolved only where the file lists users: a file
/// of policies alone is not expected to list every user.
fn user_references(
    users: &UserConditions,
    name: &str,
    declared: &Declared,
    unresolved: &mut Unresolved,
) {
    if !declared.users_listed {
        return;
    }
    for (key, list) in [
        ("conditions.users.includeUsers", &users.include_users),
        ("conditions.users.excludeUsers", &users.exclude_users),
    ] {
        for item in each(list) {
            let known = USER_WORDS
                .iter()
                .any(|w| w.eq_ignore_ascii_case(&item.value))
                || declared.users.contains(&item.value.to_ascii_lowercase());
            if !known {
                unresolved.note(item.span, &item.value, policy_path(name, key));
            }
        }
    }
}

/// Included and excluded groups (a user or break-glass account in their place resolves too). As
/// for users, an included group is unresolved only where the file lists groups; an excluded group
/// always matters, as coverage needs to know who it leaves out.
fn group_references(
    users: &UserConditions,
    name: &str,
    declared: &Declared,
    unresolved: &mut Unresolved,
) {
    for (key, list) in [
        ("conditions.users.includeGroups", &users.include_groups),
        ("conditions.users.excludeGroups", &users.exclude_groups),
    ] {
        let matters = declared.groups_listed || key.ends_with("excludeGroups");
        for item in each(list) {
            let lower = item.value.to_ascii_lowercase();
            if matters && !declared.groups.contains(&lower) && !declared.users.contains(&lower) {
                unresolved.note(item.span, &item.value, policy_path(name, key));
            }
        }
    }
}

/// Included and excluded locations: a warning for each unknown one where the file lists named
/// locations, else noted as unresolved.
fn location_references(
    locations: &LocationConditions,
    name: &str,
    declared: &Declared,
    unresolved: &mut Unresolved,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (key, list) in [
        (
            "conditions.locations.includeLocations",
            &locations.include_locations,
        ),
        (
            "conditions.locations.excludeLocations",
            &locations.exclude_locations,
        ),
    ] {
        for item in each(list) {
            let known = LOCATION_WORDS
                .iter()
                .any(|w| w.eq_ignore_ascii_case(&item.value))
                || item.value == MFA_TRUSTED_IPS
                || declared
                    .locations
                    .contains(&item.value.to_ascii_lowercase());
            if known {
                continue;
            }
            if declared.locations_listed {
                diagnostics.push(
                    Diagnostic::new(
                        "unknown-location",
                        Severity::Warning,
                        item.span,
                        format!("`{}` is not a named location of this tenant", item.value),
                    )
                    .with_label("not in `namedLocations`")
                    .with_help("name a location declared under `namedLocations` (by id or display name), or `All` / `AllTrusted`")
                    .with_path(policy_path(name, key)),
                );
            } else {
                unresolved.note(item.span, &item.value, policy_path(name, key));
            }
        }
    }
}

/// The grant's authentication strength: built in, declared, or carrying its own combinations.
fn strength_reference(
    strength: &Spanned<StrengthRef>,
    name: &str,
    declared: &Declared,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let s = &strength.value;
    let is_declared = declared.strengths.iter().any(|d| {
        s.id.as_deref().is_some_and(|i| i.eq_ignore_ascii_case(d))
            || s.display_name
                .as_deref()
                .is_some_and(|n| super::access::same_name(n, d))
    });
    let embedded = !s.allowed_combinations.is_empty();
    if s.built_in().is_some() || is_declared || embedded {
        return;
    }
    diagnostics.push(
        Diagnostic::new(
            "unknown-authentication-strength",
            Severity::Warning,
            strength.span,
            format!(
                "`{}` is neither a built-in authentication strength nor one declared under `authenticationStrengthPolicies`",
                s.shown()
            ),
        )
        .with_label("unknown strength")
        .with_help("use `Multifactor authentication`, `Passwordless MFA` or `Phishing-resistant MFA` (or their ids), or declare the custom strength with its `allowedCombinations`")
        .with_path(policy_path(name, "grantControls.authenticationStrength")),
    );
}

fn each(list: &Option<Spanned<List<String>>>) -> impl Iterator<Item = &Spanned<String>> {
    list.iter().flat_map(|l| l.value.iter())
}
