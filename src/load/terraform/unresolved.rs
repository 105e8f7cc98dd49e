//! Findings on a default that stands in for a value not known before `terraform apply`. An
//! unknown value is read as not set, so a rule judges Entra's default in its place; the finding
//! then says that the module does set the setting, to a value entralint cannot see.
//!
//! Which setting an unknown value would have set is found by probing: the `msgraph_*` instances
//! with an unknown part are evaluated again with a hole (a text no file holds) in each unknown
//! place, mapped onto the tenant as usual, and each hole's place in the tenant
//! (`authorizationPolicy.allowInvitesFrom`) becomes the path of the value's `unresolved-value`
//! report. Only msgraph bodies set the tenant-wide settings whose defaults rules judge; the
//! azuread resources are all objects of collections.

use super::Instance;
use super::eval::HOLE;
use crate::diagnostic::{Diagnostic, Related};
use crate::load::graph::convert::Sections;
use crate::tree::{Node, Value};

/// Gives each `unresolved-value` report of a hole in `probes` the path where the hole lands.
pub fn locate(probes: &[Instance], diagnostics: &mut [Diagnostic]) {
    if probes.is_empty() {
        return;
    }
    let mut sections = Sections::default();
    super::map_msgraph::map(probes, &mut sections);
    let root = sections.into_root(crate::diagnostic::Span::new(0, 0));
    let mut holes = Vec::new();
    collect(&root, "", &mut holes);
    for d in diagnostics.iter_mut() {
        if d.code != "unresolved-value" || d.path.is_some() {
            continue;
        }
        if let Some((path, _)) = holes.iter().find(|(_, at)| *at == d.span.start) {
            d.path = Some(path.clone());
        }
    }
}

/// The holes under `node`, by dotted path. Items of lists are left out: a finding on a default
/// is only ever on a setting of the tenant, never inside an item.
fn collect(node: &Node, path: &str, out: &mut Vec<(String, u32)>) {
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                let Some(key) = e.key.as_str() else { continue };
                let inner = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                collect(&e.value, &inner, out);
            }
        }
        Value::Str(s) => {
            if let Some(at) = s.strip_prefix(HOLE).and_then(|n| n.parse().ok()) {
                out.push((path.to_string(), at));
            }
        }
        _ => {}
    }
}

/// Adds to each finding on a default the note that the module sets the setting to a value not
/// known statically, with where. `load` holds the load's reports, `unresolved-value` among them.
pub fn note_defaults(load: &[Diagnostic], findings: &mut [Diagnostic]) {
    let unresolved: Vec<(&str, crate::diagnostic::Span)> = load
        .iter()
        .filter(|d| d.code == "unresolved-value")
        .filter_map(|d| Some((d.path.as_deref()?, d.span)))
        .collect();
    if unresolved.is_empty() {
        return;
    }
    for f in findings {
        if !f
            .value
            .as_deref()
            .is_some_and(|v| v.starts_with("default: "))
        {
            continue;
        }
        let Some((path, span)) = f
            .path
            .as_deref()
            .and_then(|p| unresolved.iter().find(|(u, _)| *u == p))
        else {
            continue;
        };
        f.message.push_str(&format!(
            "; the module does set `{path}`, to a value not known before `terraform apply`, so this judges the default in its place"
        ));
        f.related.push(Related {
            span: *span,
            label: format!("`{path}` set here, to a value not known statically"),
        });
    }
}
