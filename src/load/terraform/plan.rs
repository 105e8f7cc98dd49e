//! Terraform plans as JSON (`terraform show -json plan.out`): the tenant after the change. Each
//! resource of `planned_values` (or, without it, the `after` of `resource_changes`) becomes an
//! [`Instance`] and goes through the same mapping as the `.tf` reader, so a module and its plan
//! give the same findings. Values point into the plan; a value the plan leaves unknown until apply
//! (the id of an object still to be created) is resolved through the `configuration` section's
//! references to the object it names, as in the `.tf` reader; anything else unknown is reported.
//!
//! The format is documented at developer.hashicorp.com/terraform/internals/json-format.

use std::collections::HashMap;

use super::{Instance, is_entra, map_azuread};
use crate::diagnostic::{Diagnostic, Severity};
use crate::tree::{Node, Value};

/// Whether a JSON text is a Terraform plan (or state) in its JSON form.
pub fn is_plan(text: &str) -> bool {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    head.starts_with('{')
        && text.contains("\"format_version\"")
        && (text.contains("\"planned_values\"") || text.contains("\"resource_changes\""))
}

/// Reads a plan: the tenant (None when it changes no Entra resource) and the problems found.
pub fn read(text: &str) -> (Option<Node>, Vec<Diagnostic>) {
    let parsed = crate::load::graph::json::parse(text);
    let mut diagnostics = parsed.diagnostics;
    let Some(root) = parsed.root else {
        return (None, diagnostics);
    };
    let mut instances = Vec::new();
    match root
        .get("planned_values")
        .and_then(|p| p.get("root_module"))
    {
        Some(module) => planned(module, &mut instances),
        None => changes(&root, &mut instances),
    }
    let unknown = after_unknown(&root);
    let references = configuration(&root);
    let identities: HashMap<String, String> = instances
        .iter()
        .map(|i| {
            let id = map_azuread::naming_attributes(&i.kind)
                .iter()
                .find_map(|a| i.str(a))
                .map_or_else(|| i.address.clone(), str::to_string);
            (i.address.clone(), id)
        })
        .collect();
    for instance in &mut instances {
        resolve(
            instance,
            &unknown,
            &references,
            &identities,
            &mut diagnostics,
        );
    }
    let entra = !instances.is_empty();
    let root = super::tenant(&instances, entra);
    (root, diagnostics)
}

/// The managed Entra resources of a module of `planned_values`, and of its child modules.
fn planned(module: &Node, out: &mut Vec<Instance>) {
    if let Some(Value::Seq(resources)) = module.get("resources").map(|r| &r.value) {
        for r in resources {
            if let Some(i) = instance(r, r.get("values")) {
                out.push(i);
            }
        }
    }
    if let Some(Value::Seq(children)) = module.get("child_modules").map(|c| &c.value) {
        for child in children {
            planned(child, out);
        }
    }
}

/// Without `planned_values`: the `after` of each change that does not delete.
fn changes(root: &Node, out: &mut Vec<Instance>) {
    let Some(Value::Seq(changes)) = root.get("resource_changes").map(|c| &c.value) else {
        return;
    };
    for c in changes {
        let after = c.get("change").and_then(|ch| ch.get("after"));
        if let Some(i) = instance(c, after.filter(|a| a.as_map().is_some())) {
            out.push(i);
        }
    }
}

fn instance(resource: &Node, values: Option<&Node>) -> Option<Instance> {
    if resource.get("mode").and_then(Node::as_str) != Some("managed") {
        return None;
    }
    let kind = resource.get("type").and_then(Node::as_str)?;
    if !is_entra(kind) {
        return None;
    }
    let address = resource.get("address")?;
    let attrs = values
        .cloned()
        .unwrap_or_else(|| Node::new(address.span, Value::Map(Vec::new())));
    Some(Instance {
        kind: kind.to_string(),
        address: address.as_str()?.to_string(),
        span: address.span,
        attrs,
    })
}

/// Each resource's top-level attributes the plan marks as known only after apply:
/// address → (attribute, whether it is a list).
fn after_unknown(root: &Node) -> HashMap<String, Vec<(String, bool)>> {
    let mut out = HashMap::new();
    let Some(Value::Seq(changes)) = root.get("resource_changes").map(|c| &c.value) else {
        return out;
    };
    for c in changes {
        let (Some(address), Some(unknown)) = (
            c.get("address").and_then(Node::as_str),
            c.get("change").and_then(|ch| ch.get("after_unknown")),
        ) else {
            continue;
        };
        let mut keys = Vec::new();
        for e in unknown.as_map().unwrap_or_default() {
            let Some(key) = e.key.as_str() else { continue };
            match &e.value.value {
                Value::Bool(true) => keys.push((key.to_string(), false)),
                Value::Seq(items) if items.iter().any(|i| i.value == Value::Bool(true)) => {
                    keys.push((key.to_string(), true));
                }
                _ => {}
            }
        }
        out.insert(address.to_string(), keys);
    }
    out
}

/// The references each resource's top-level arguments make, from the `configuration` section
/// (root module only): resource address without index → argument → references.
fn configuration(root: &Node) -> HashMap<String, Vec<(String, Vec<String>)>> {
    let mut out = HashMap::new();
    let resources = root
        .get("configuration")
        .and_then(|c| c.get("root_module"))
        .and_then(|m| m.get("resources"));
    let Some(Value::Seq(resources)) = resources.map(|r| &r.value) else {
        return out;
    };
    for r in resources {
        let (Some(address), Some(expressions)) = (
            r.get("address").and_then(Node::as_str),
            r.get("expressions"),
        ) else {
            continue;
        };
        let mut args = Vec::new();
        for e in expressions.as_map().unwrap_or_default() {
            let (Some(key), Some(Value::Seq(refs))) =
                (e.key.as_str(), e.value.get("references").map(|r| &r.value))
            else {
                continue;
            };
            let refs = refs
                .iter()
                .filter_map(Node::as_str)
                .map(str::to_string)
                .collect();
            args.push((key.to_string(), refs));
        }
        out.insert(address.to_string(), args);
    }
    out
}

/// Fills in the arguments the plan leaves unknown with the objects their references name.
fn resolve(
    instance: &mut Instance,
    unknown: &HashMap<String, Vec<(String, bool)>>,
    references: &HashMap<String, Vec<(String, Vec<String>)>>,
    identities: &HashMap<String, String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(keys) = unknown.get(&instance.address) else {
        return;
    };
    let base = instance
        .address
        .split_once('[')
        .map_or(instance.address.as_str(), |(b, _)| b);
    let config = references.get(base);
    for (key, list) in keys {
        if instance.get(key).is_some() && !list {
            continue;
        }
        let refs = config
            .and_then(|args| args.iter().find(|(k, _)| k == key))
            .map(|(_, r)| r.as_slice())
            .unwrap_or_default();
        let named: Vec<String> = refs
            .iter()
            .filter_map(|r| named_object(r, identities))
            .collect();
        let mut named = named;
        named.dedup();
        let span = instance.span;
        let value = if *list {
            Node::new(
                span,
                Value::Seq(
                    named
                        .iter()
                        .map(|n| Node::new(span, Value::Str(n.clone())))
                        .collect(),
                ),
            )
        } else if let [one] = &named[..] {
            Node::new(span, Value::Str(one.clone()))
        } else {
            // Only arguments that name Entra objects matter to the tenant; the rest (ids Entra
            // assigns to the new object itself) are not reported.
            if !refs.is_empty() {
                diagnostics.push(
                    Diagnostic::new(
                        "unresolved-value",
                        Severity::Info,
                        span,
                        format!(
                            "`{key}` of `{}` is not known before `terraform apply` (it comes from {}); entralint reads it as not set rather than guess",
                            instance.address,
                            refs.join(", ")
                        ),
                    )
                    .with_label("not statically known")
                    .with_help("check the module's .tf files as well: there the reference names the object"),
                );
            }
            continue;
        };
        if let Value::Map(entries) = &mut instance.attrs.value {
            entries.retain(|e| e.key.as_str() != Some(key));
            entries.push(crate::load::graph::convert::entry(key, span, value));
        }
    }
}

/// The object a reference names: `azuread_user.ana.object_id` → `ana@contoso.com`, and
/// `azuread_service_principal.msgraph.app_role_ids["X"]` → the permission `X`.
fn named_object(reference: &str, identities: &HashMap<String, String>) -> Option<String> {
    if let Some((_, rest)) = reference.split_once(".app_role_ids[\"") {
        return rest.strip_suffix("\"]").map(str::to_string);
    }
    let (address, attr) = reference.rsplit_once('.')?;
    if !super::eval::NAMING.contains(&attr) {
        return None;
    }
    identities.get(address).cloned()
}
