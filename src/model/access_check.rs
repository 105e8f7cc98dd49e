//! Consistency of the sign-in sections: security defaults together with enabled Conditional
//! Access (which Entra refuses), and references a policy makes to users, groups, locations and
//! strengths the file does not declare — resolved where possible, otherwise reported once per kind.

use std::collections::HashSet;

use super::access::{ConditionalAccessPolicy, PolicyState};
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
    count: usize,
    first: Option<(Span, String, String)>,
}

impl Unresolved {
    fn new(kind: &'static str, consequence: &'static str) -> Unresolved {
        Unresolved {
            kind,
            consequence,
            count: 0,
            first: None,
        }
    }

    fn note(&mut self, span: Span, text: &str, path: String) {
        self.count += 1;
        self.first.get_or_insert((span, text.to_string(), path));
    }

    fn report(self, help: &str, diagnostics: &mut Vec<Diagnostic>) {
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
            .with_help(help.to_string())
            .with_path(path),
        );
    }
}

fn references(
    tenant: &Tenant,
    policies: &List<ConditionalAccessPolicy>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let lower_set = |ids: Vec<String>| -> HashSet<String> {
        ids.into_iter().map(|s| s.to_ascii_lowercase()).collect()
    };
    let mut users: Vec<String> = Vec::new();
    if let Some(list) = &tenant.users {
        for user in &list.value {
            users.extend(user.value.id.as_ref().map(|i| i.value.clone()));
            users.extend(user.value.display_name.as_ref().map(|i| i.value.clone()));
        }
    }
    if let Some(header) = &tenant.header
        && let Some(bg) = &header.value.break_glass
    {
        users.extend(bg.value.iter().map(|b| b.value.clone()));
    }
    let users = lower_set(users);
    let mut groups: Vec<String> = Vec::new();
    if let Some(list) = &tenant.groups {
        for group in &list.value {
            groups.extend(group.value.id.as_ref().map(|i| i.value.clone()));
            groups.extend(group.value.display_name.as_ref().map(|i| i.value.clone()));
        }
    }
    let groups = lower_set(groups);
    let locations_declared = tenant.named_locations.is_some();
    let mut locations: Vec<String> = Vec::new();
    if let Some(list) = &tenant.named_locations {
        for location in &list.value {
            locations.extend(location.value.id.as_ref().map(|i| i.value.clone()));
            locations.extend(
                location
                    .value
                    .display_name
                    .as_ref()
                    .map(|i| i.value.clone()),
            );
        }
    }
    let locations = lower_set(locations);
    let strengths: Vec<String> = tenant
        .authentication_strength_policies
        .iter()
        .flat_map(|l| l.value.iter())
        .flat_map(|s| {
            [s.value.id.as_ref(), s.value.display_name.as_ref()]
                .into_iter()
                .flatten()
                .map(|i| i.value.clone())
        })
        .collect();

    let mut unresolved_users =
        Unresolved::new("user", "it is taken to be one user, not guessed at");
    let mut unresolved_groups = Unresolved::new(
        "group",
        "coverage counts its members as unknown, not guessed at",
    );
    let mut unresolved_locations = Unresolved::new(
        "named location",
        "coverage treats the condition as narrowing the policy",
    );
    // A reference is unresolved only where the file lists that kind of object: a file of policies
    // alone is not expected to list every user. Excluded groups always matter, as coverage needs
    // to know who they leave out.
    let users_declared = tenant.users.is_some();
    let groups_declared = tenant.groups.is_some();
    for policy in policies {
        let name = policy
            .value
            .display_name
            .as_ref()
            .map_or(String::new(), |n| n.value.clone());
        let at = |key: &str| format!("conditionalAccessPolicies[displayName={name}].{key}");
        let Some(conditions) = &policy.value.conditions else {
            continue;
        };
        if let Some(u) = &conditions.value.users {
            for (key, list) in [
                ("conditions.users.includeUsers", &u.value.include_users),
                ("conditions.users.excludeUsers", &u.value.exclude_users),
            ] {
                for item in each(list) {
                    let known = USER_WORDS
                        .iter()
                        .any(|w| w.eq_ignore_ascii_case(&item.value))
                        || users.contains(&item.value.to_ascii_lowercase());
                    if !known && users_declared {
                        unresolved_users.note(item.span, &item.value, at(key));
                    }
                }
            }
            for (key, list) in [
                ("conditions.users.includeGroups", &u.value.include_groups),
                ("conditions.users.excludeGroups", &u.value.exclude_groups),
            ] {
                for item in each(list) {
                    let lower = item.value.to_ascii_lowercase();
                    let matters = groups_declared || key.ends_with("excludeGroups");
                    if matters && !groups.contains(&lower) && !users.contains(&lower) {
                        unresolved_groups.note(item.span, &item.value, at(key));
                    }
                }
            }
        }
        if let Some(l) = &conditions.value.locations {
            for (key, list) in [
                (
                    "conditions.locations.includeLocations",
                    &l.value.include_locations,
                ),
                (
                    "conditions.locations.excludeLocations",
                    &l.value.exclude_locations,
                ),
            ] {
                for item in each(list) {
                    let known = LOCATION_WORDS
                        .iter()
                        .any(|w| w.eq_ignore_ascii_case(&item.value))
                        || item.value == MFA_TRUSTED_IPS
                        || locations.contains(&item.value.to_ascii_lowercase());
                    if known {
                        continue;
                    }
                    if locations_declared {
                        diagnostics.push(
                            Diagnostic::new(
                                "unknown-location",
                                Severity::Warning,
                                item.span,
                                format!("`{}` is not a named location of this tenant", item.value),
                            )
                            .with_label("not in `namedLocations`")
                            .with_help("name a location declared under `namedLocations` (by id or display name), or `All` / `AllTrusted`")
                            .with_path(at(key)),
                        );
                    } else {
                        unresolved_locations.note(item.span, &item.value, at(key));
                    }
                }
            }
        }
        if let Some(grant) = &policy.value.grant_controls
            && let Some(strength) = &grant.value.authentication_strength
        {
            let s = &strength.value;
            let declared = strengths.iter().any(|d| {
                s.id.as_deref().is_some_and(|i| i.eq_ignore_ascii_case(d))
                    || s.display_name
                        .as_deref()
                        .is_some_and(|n| super::access::same_name(n, d))
            });
            let embedded = !s.allowed_combinations.is_empty();
            if s.built_in().is_none() && !declared && !embedded {
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
                    .with_path(at("grantControls.authenticationStrength")),
                );
            }
        }
    }
    unresolved_users.report(
        "declare the user under `users`, or list emergency-access accounts in `tenant.breakGlass`",
        diagnostics,
    );
    unresolved_groups.report(
        "declare the group under `groups` with its `members`, so coverage can tell who it excludes; list an emergency-access group in `tenant.breakGlass`",
        diagnostics,
    );
    unresolved_locations.report("declare the location under `namedLocations`", diagnostics);
}

fn each(list: &Option<Spanned<List<String>>>) -> impl Iterator<Item = &Spanned<String>> {
    list.iter().flat_map(|l| l.value.iter())
}
