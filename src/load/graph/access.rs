//! Conditional Access policies, named locations, authentication strengths and the security
//! defaults policy as Graph (and ScubaGear, with capitalised keys) returns them, shaped into the
//! format's sections: known keys under their format spelling at every level, the rest (keys Graph
//! adds over time) left out rather than reported.

use super::convert::{canonical, entry, map};
use crate::catalogue::graph_keys;
use crate::tree::{Node, Value};

/// The keys the format knows at each place (a dotted path) of an object of `section`, from the
/// catalogue; None for a place it does not describe, whose object is kept whole.
fn keys_in(section: &'static str) -> impl Fn(&str) -> Option<&'static [&'static str]> {
    move |path: &str| {
        let keys = graph_keys(section, (!path.is_empty()).then_some(path));
        (!keys.is_empty()).then_some(keys)
    }
}

pub fn policy(node: &Node) -> Node {
    shaped(node, "", &keys_in("conditionalAccessPolicies"))
}

pub fn location(node: &Node) -> Node {
    shaped(node, "", &keys_in("namedLocations"))
}

pub fn strength(node: &Node) -> Node {
    shaped(node, "", &keys_in("authenticationStrengthPolicies"))
}

/// Any object of a catalogued `section`, shaped by the catalogue's keys at each place.
pub fn catalogued(node: &Node, section: &'static str) -> Node {
    shaped(node, "", &keys_in(section))
}

pub fn security_defaults(node: &Node) -> Node {
    shaped(node, "", &keys_in("securityDefaults"))
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

/// One method configuration of the authentication methods policy, read on its own (a
/// Microsoft365DSC block per method).
pub fn method_configuration(node: &Node) -> Node {
    shaped(
        node,
        "authenticationMethodConfigurations",
        &keys_in("authenticationMethodsPolicy"),
    )
}

/// The default or a partner configuration of the cross-tenant access policy (`place`: `default`
/// or `partners`), read on its own response.
pub fn cross_tenant_configuration(node: &Node, place: &str) -> Node {
    shaped(node, place, &keys_in("crossTenantAccess"))
}
