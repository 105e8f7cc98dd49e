//! ScubaGear's `ProviderSettingsExport.json`: the AAD sections of the provider export, read into
//! the same sections as Graph responses (docs/graph-json.md, "ScubaGear").
//!
//! ScubaGear capitalises the first letter of every Graph key (`AllowInvitesFrom`), and by version
//! writes a one-element array or the object itself; both are accepted.

use crate::load::graph::convert::{Kind, Sections, entry, map};
use crate::tree::{Entry, Node, Value};

/// Top-level keys that only a ScubaGear provider export has.
const SECTIONS: &[&str] = &[
    "authorization_policies",
    "directory_settings",
    "privileged_users",
    "privileged_service_principals",
    "privileged_roles",
    "conditional_access_policies",
    "authentication_method",
];

/// Whether `root` is a ScubaGear provider export with at least one AAD section.
pub fn is_export(root: &Node) -> bool {
    root.as_map().is_some_and(|entries| {
        entries.iter().any(|e| {
            e.key
                .as_str()
                .is_some_and(|k| SECTIONS.iter().any(|s| s.eq_ignore_ascii_case(k)))
        })
    })
}

/// Adds the export's AAD sections to `sections`.
pub fn gather(root: &Node, sections: &mut Sections) {
    for e in root.as_map().unwrap_or_default() {
        let Some(key) = e.key.as_str().map(str::to_ascii_lowercase) else {
            continue;
        };
        let value = graph_keys(&e.value);
        match key.as_str() {
            "authorization_policies" => {
                if let Some(policy) = one_or_many(&value).first() {
                    sections.add(Kind::AuthorizationPolicy, policy, None);
                }
            }
            "directory_settings" => {
                for setting in one_or_many(&value) {
                    sections.add(Kind::DirectorySetting, setting, None);
                }
            }
            "privileged_users" => {
                sections.note_list(Kind::User, e.key.span);
                for (id, user) in keyed(&value) {
                    sections.users.push(privileged_user(&id, user));
                }
            }
            "privileged_service_principals" => {
                for (id, sp) in keyed(&value) {
                    let mut entries = vec![entry("id", id.span, id.clone())];
                    for (from, to) in [("displayName", "displayName"), ("appId", "appId")] {
                        if let Some(v) = sp.entry(from) {
                            entries.push(entry(to, v.key.span, v.value.clone()));
                        }
                    }
                    sections.service_principals.push(map(sp.span, entries));
                }
            }
            "conditional_access_policies" => {
                sections.note_list(Kind::ConditionalAccessPolicy, e.key.span);
                for policy in one_or_many(&value) {
                    sections.add(Kind::ConditionalAccessPolicy, policy, None);
                }
            }
            "authentication_method" => {
                if let Some(policy) = one_or_many(&value).first() {
                    sections.add(
                        Kind::AuthenticationMethodsPolicy,
                        &methods_policy(policy),
                        None,
                    );
                }
            }
            "privileged_roles" => {
                sections.note_list(Kind::RoleAssignment { eligible: false }, e.key.span);
                for role in one_or_many(&value) {
                    let Some(assignments) = role.get("assignments") else {
                        continue;
                    };
                    for assignment in one_or_many(assignments) {
                        sections.add(Kind::RoleAssignment { eligible: false }, assignment, None);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A privileged user: its object id (the key it is filed under), name, and whether it is synced
/// from on-premises (a non-null `OnPremisesImmutableId`).
fn privileged_user(id: &Node, user: &Node) -> Node {
    let mut entries = vec![entry("id", id.span, id.clone())];
    if let Some(name) = user.entry("displayName") {
        entries.push(entry("displayName", name.key.span, name.value.clone()));
    }
    if let Some(immutable) = user.entry("onPremisesImmutableId") {
        let synced =
            !matches!(immutable.value.value, Value::Null) && immutable.value.as_str() != Some("");
        entries.push(entry(
            "onPremisesSyncEnabled",
            immutable.key.span,
            Node::new(immutable.value.span, Value::Bool(synced)),
        ));
    }
    map(user.span, entries)
}

/// The authentication methods policy from ScubaGear's pair: the policy object, and its method
/// configurations listed beside it (`authentication_method_feature_settings`).
fn methods_policy(exported: &Node) -> Node {
    let policy = exported.get("authentication_method_policy");
    let mut entries: Vec<Entry> = policy
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter(|e| e.key.as_str() != Some("authenticationMethodConfigurations"))
        .cloned()
        .collect();
    if let Some(methods) = exported.entry("authentication_method_feature_settings") {
        entries.push(entry(
            "authenticationMethodConfigurations",
            methods.key.span,
            methods.value.clone(),
        ));
    }
    map(policy.map_or(exported.span, |p| p.span), entries)
}

/// An array's items, or the object itself when a version wrote one element without its array.
fn one_or_many(node: &Node) -> Vec<&Node> {
    match &node.value {
        Value::Seq(items) => items.iter().collect(),
        Value::Map(_) => vec![node],
        _ => Vec::new(),
    }
}

/// The entries of an object keyed by object id, each key as a string node.
fn keyed(node: &Node) -> Vec<(Node, &Node)> {
    node.as_map()
        .unwrap_or_default()
        .iter()
        .filter(|e| e.value.as_map().is_some())
        .map(|e| (e.key.clone(), &e.value))
        .collect()
}

/// Graph's camelCase keys back from ScubaGear's capitalised ones (`@odata.*` keys are unchanged);
/// keys of older SDK-serialised exports that differ only in case are matched later.
fn graph_keys(node: &Node) -> Node {
    let value = match &node.value {
        Value::Map(entries) => {
            let mut out: Vec<Entry> = Vec::new();
            for e in entries {
                let mut key = e.key.clone();
                if let Value::Str(name) = &mut key.value {
                    *name = lower_first(name);
                }
                // Older exports serialised SDK objects: properties the SDK did not model sit
                // under `AdditionalProperties`, in Graph's own spelling.
                if key.as_str() == Some("additionalProperties") {
                    if let Value::Map(extra) = &graph_keys(&e.value).value {
                        out.extend(extra.iter().cloned());
                    }
                    continue;
                }
                out.push(Entry {
                    key,
                    value: graph_keys(&e.value),
                });
            }
            Value::Map(out)
        }
        Value::Seq(items) => Value::Seq(items.iter().map(graph_keys).collect()),
        other => other.clone(),
    };
    Node {
        span: node.span,
        value,
        style: node.style,
    }
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}
