//! Conditional Access policies, named locations, authentication strengths and the security
//! defaults policy as Graph (and ScubaGear, with capitalised keys) returns them, shaped into the
//! format's sections: known keys under their format spelling at every level, the rest (keys Graph
//! adds over time) left out rather than reported.

use super::convert::{canonical, entry, map};
use crate::load::tree::{Node, Value};
use crate::model::access::{
    ApplicationConditions, AuthenticationFlows, AuthenticationStrengthPolicy, ClientApplications,
    CloudAppSecurity, CombinationConfiguration, ConditionalAccessPolicy, Conditions,
    ContinuousAccessEvaluation, DeviceConditions, DeviceStates, ExternalTenants, Filter,
    GrantControls, GuestsOrExternalUsers, IpRange, LocationConditions, NamedLocation,
    PersistentBrowser, PlatformConditions, SecurityDefaults, SessionControls, SignInFrequency,
    Switch, UserConditions,
};

/// The keys the format knows at each place of a Conditional Access policy.
fn policy_keys(path: &str) -> Option<&'static [&'static str]> {
    Some(match path {
        "" => ConditionalAccessPolicy::KEYS,
        "conditions" => Conditions::KEYS,
        "conditions.users" => UserConditions::KEYS,
        "conditions.users.includeGuestsOrExternalUsers"
        | "conditions.users.excludeGuestsOrExternalUsers" => GuestsOrExternalUsers::KEYS,
        "conditions.users.includeGuestsOrExternalUsers.externalTenants"
        | "conditions.users.excludeGuestsOrExternalUsers.externalTenants" => ExternalTenants::KEYS,
        "conditions.applications" => ApplicationConditions::KEYS,
        "conditions.applications.applicationFilter"
        | "conditions.devices.deviceFilter"
        | "conditions.clientApplications.servicePrincipalFilter" => Filter::KEYS,
        "conditions.platforms" => PlatformConditions::KEYS,
        "conditions.locations" => LocationConditions::KEYS,
        "conditions.authenticationFlows" => AuthenticationFlows::KEYS,
        "conditions.devices" => DeviceConditions::KEYS,
        "conditions.clientApplications" => ClientApplications::KEYS,
        "conditions.deviceStates" => DeviceStates::KEYS,
        "grantControls" => GrantControls::KEYS,
        "grantControls.authenticationStrength" => AuthenticationStrengthPolicy::KEYS,
        "grantControls.authenticationStrength.combinationConfigurations" => {
            CombinationConfiguration::KEYS
        }
        "sessionControls" => SessionControls::KEYS,
        "sessionControls.signInFrequency" => SignInFrequency::KEYS,
        "sessionControls.persistentBrowser" => PersistentBrowser::KEYS,
        "sessionControls.cloudAppSecurity" => CloudAppSecurity::KEYS,
        "sessionControls.applicationEnforcedRestrictions"
        | "sessionControls.secureSignInSession" => Switch::KEYS,
        "sessionControls.continuousAccessEvaluation" => ContinuousAccessEvaluation::KEYS,
        _ => return None,
    })
}

fn location_keys(path: &str) -> Option<&'static [&'static str]> {
    match path {
        "" => Some(NamedLocation::KEYS),
        "ipRanges" => Some(IpRange::KEYS),
        _ => None,
    }
}

fn strength_keys(path: &str) -> Option<&'static [&'static str]> {
    match path {
        "" => Some(AuthenticationStrengthPolicy::KEYS),
        "combinationConfigurations" => Some(CombinationConfiguration::KEYS),
        _ => None,
    }
}

fn defaults_keys(path: &str) -> Option<&'static [&'static str]> {
    (path.is_empty()).then_some(SecurityDefaults::KEYS)
}

pub fn policy(node: &Node) -> Node {
    shaped(node, "", &policy_keys)
}

pub fn location(node: &Node) -> Node {
    shaped(node, "", &location_keys)
}

pub fn strength(node: &Node) -> Node {
    shaped(node, "", &strength_keys)
}

pub fn security_defaults(node: &Node) -> Node {
    shaped(node, "", &defaults_keys)
}

/// `node` with only the keys `keys` knows at each path, spelled as the format spells them.
fn shaped(node: &Node, path: &str, keys: &dyn Fn(&str) -> Option<&'static [&'static str]>) -> Node {
    match &node.value {
        Value::Map(entries) => {
            let Some(known) = keys(path) else {
                return node.clone();
            };
            let kept = entries
                .iter()
                .filter_map(|e| {
                    let name = canonical(&e.key, known)?;
                    let inner = if path.is_empty() {
                        name.to_string()
                    } else {
                        format!("{path}.{name}")
                    };
                    Some(entry(name, e.key.span, shaped(&e.value, &inner, keys)))
                })
                .collect();
            map(node.span, kept)
        }
        Value::Seq(items) => Node::new(
            node.span,
            Value::Seq(items.iter().map(|i| shaped(i, path, keys)).collect()),
        ),
        _ => node.clone(),
    }
}
