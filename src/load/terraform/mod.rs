//! Terraform: the Entra resources of a root module (`azuread_*`, and `msgraph_*` on endpoints the
//! format has), read into the format-v1 tree with spans into the `.tf` files (docs/terraform.md).
//!
//! The `.tf` and `.tf.json` files of one folder are one module and so one tenant, as Terraform
//! sees them, with the local child modules it calls ([`calls`]): laid end to end like a Graph
//! tenant folder. Reading goes in three steps, each its own module: the files to blocks
//! ([`hcl`]), the blocks to resource instances of every module whose attributes are evaluated
//! ([`instantiate`], [`eval`]), and the instances to the tenant ([`map_azuread`], [`map_msgraph`]). The
//! instance form ([`Instance`]) is neutral: a plan's `planned_values` give the same instances, so
//! the plan reader ([`plan`]) shares the mapping.

pub mod calls;
pub mod eval;
pub mod functions;
pub mod hcl;
pub mod instantiate;
pub mod map_azuread;
pub mod map_msgraph;
pub mod module;
pub mod plan;
pub mod schema;
pub mod unresolved;

use crate::diagnostic::{Diagnostic, Span};
use crate::load::graph::convert::Sections;
use crate::tree::{Entry, Node, Value};
use hcl::{BodyRef, Item};

/// One resource instance: its type, its address, where it is written, and its attributes.
/// Nested blocks are lists of mappings, as in a plan's JSON.
#[derive(Debug, Clone)]
pub struct Instance {
    pub kind: String,
    pub address: String,
    /// Where findings about the resource as a whole point: its labels, or its address in a plan.
    pub span: Span,
    pub attrs: Node,
}

impl Instance {
    /// An attribute's entry (key and value).
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.attrs.entry(name)
    }

    pub fn get(&self, name: &str) -> Option<&Node> {
        self.attrs.get(name).filter(|n| n.value != Value::Null)
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Node::as_str)
    }
}

/// The first (for a single block, the only) body of a nested block.
pub fn block<'a>(attrs: &'a Node, name: &str) -> Option<&'a Node> {
    let node = attrs.get(name)?;
    match &node.value {
        Value::Map(_) => Some(node),
        Value::Seq(items) => items.first().filter(|n| n.as_map().is_some()),
        _ => None,
    }
}

/// Whether a file name is a Terraform file.
pub fn is_terraform(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".tf") || lower.ends_with(".tf.json")
}

/// The resource types read; any other (azurerm, random, …) is skipped.
pub fn is_entra(kind: &str) -> bool {
    kind.starts_with("azuread_") || kind.starts_with("msgraph_")
}

/// Meta-arguments Terraform gives every resource: not attributes of the object.
const META: &[&str] = &[
    "count",
    "for_each",
    "depends_on",
    "provider",
    "lifecycle",
    "provisioner",
    "connection",
];

/// The files of one folder of a module, laid in the module's text (name and offset of each),
/// and where the folder's local `module` calls lead.
#[derive(Debug, Default)]
pub struct Folder {
    pub files: Vec<(String, usize)>,
    pub calls: Vec<(String, calls::Resolution)>,
}

/// Reads a root module and the local modules it calls, laid end to end in `text`; the first
/// folder is the root's. Returns the tenant (None when no module holds an Entra resource) and
/// every problem found.
pub fn read(text: &str, folders: &[Folder]) -> (Option<Node>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut parsed = Vec::new();
    let bases: Vec<usize> = folders
        .iter()
        .flat_map(|f| f.files.iter().map(|(_, b)| *b))
        .collect();
    for (folder, f) in folders.iter().enumerate() {
        for (name, base) in &f.files {
            // A file runs to the next one laid after it, whichever folder that is.
            let end = bases
                .iter()
                .filter(|b| **b > *base)
                .min()
                .copied()
                .unwrap_or(text.len());
            let own = text.get(*base..end).unwrap_or("");
            parsed.push((
                hcl::parse(name, own, *base, &mut diagnostics),
                *base,
                folder,
            ));
        }
    }
    let configs = instantiate::configs(&parsed, folders.len(), &mut diagnostics);
    let (instances, probes) = instantiate::instances(&configs, folders, text, &mut diagnostics);
    finish(&mut diagnostics);
    unresolved::locate(&probes, &mut diagnostics);
    // A module with an Entra resource is a tenant, even when none of its values is known yet:
    // the settings it leaves undeclared take their defaults as in any other format.
    let root = tenant(&instances, instantiate::has_entra(&configs));
    (root, diagnostics)
}

/// The tenant the instances describe, through the mapping every Terraform input shares; None
/// when there is nothing of Entra in them.
pub fn tenant(instances: &[Instance], entra: bool) -> Option<Node> {
    let mut sections = Sections::default();
    map_azuread::map(instances, &mut sections);
    map_msgraph::map(instances, &mut sections);
    (entra || !sections.is_empty()).then(|| sections.into_root(Span::new(0, 0)))
}

/// One place, one report: a variable's default read by several instances is reported once.
fn finish(diagnostics: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| seen.insert((d.code.clone(), d.span)));
}

/// A block body's attributes, evaluated; nested blocks as lists of mappings. Attributes the
/// provider does not have are reported, as `terraform validate` would.
pub(crate) fn body(
    scope: &eval::Scope,
    kind: &str,
    source: BodyRef,
    span: Span,
    path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Node {
    let known = schema::attributes(kind, path);
    let mut entries: Vec<Entry> = Vec::new();
    for item in source.items() {
        let (name, key) = match item {
            Item::Attribute { name, key, .. } | Item::Block { name, key, .. } => (name, key),
        };
        if path.is_empty() && META.contains(&name) {
            continue;
        }
        if let Item::Block {
            name: "dynamic",
            key,
            ..
        } = item
        {
            diagnostics.push(scope.report(&eval::Unknown {
                span: key,
                why: "a `dynamic` block, expanded when Terraform runs",
            }));
            continue;
        }
        let mut name = name;
        if let Some(known) = known
            && !known.contains(&name)
        {
            // A module pinned to version 2 of the provider writes its arguments by their version
            // 2 names, which mean what version 3's do.
            match schema::v3_name(kind, path, name) {
                Some(v3) if scope.config.azuread_v2 => name = v3,
                _ => {
                    diagnostics.push(schema::unknown_attribute(kind, path, name, key, known));
                    continue;
                }
            }
        }
        let key_node = Node::new(key, Value::Str(name.to_string()));
        match item {
            Item::Attribute { value, .. }
                if kind == "azuread_conditional_access_policy"
                    && path == "conditions.users"
                    && PRINCIPAL_LISTS.contains(&name)
                    && !scope.probe =>
            {
                entries.push(Entry {
                    key: key_node,
                    value: principals(scope, value, diagnostics),
                });
            }
            Item::Attribute { value, .. } => {
                let reported = diagnostics.len();
                if let Some(value) = scope.value(value, diagnostics) {
                    entries.push(Entry {
                        key: key_node,
                        value,
                    });
                } else if scope.probe
                    && let Some(d) = diagnostics.get(reported)
                {
                    entries.push(Entry {
                        key: key_node,
                        value: scope.hole(d.span),
                    });
                } else if path.is_empty() && name == "display_name" {
                    // A name made of variables (`"${var.prefix} - Require MFA"`) only names the
                    // object in messages: it is read as written rather than left out, which
                    // would make a required name look missing.
                    diagnostics.truncate(reported);
                    entries.push(Entry {
                        key: key_node,
                        value: written_name(scope.text, value.span()),
                    });
                }
            }
            Item::Block { body: inner, .. } => {
                let inner_path = if path.is_empty() {
                    name.to_string()
                } else {
                    format!("{path}.{name}")
                };
                let node = body(scope, kind, inner, key, &inner_path, diagnostics);
                match entries.iter_mut().find(|e| e.key.as_str() == Some(name)) {
                    Some(Entry {
                        value:
                            Node {
                                value: Value::Seq(items),
                                ..
                            },
                        ..
                    }) => items.push(node),
                    _ => entries.push(Entry {
                        key: key_node,
                        value: Node::new(key, Value::Seq(vec![node])),
                    }),
                }
            }
        }
    }
    Node::new(span, Value::Map(entries))
}

/// The user and group lists of a Conditional Access policy's `conditions.users` block.
const PRINCIPAL_LISTS: &[&str] = &[
    "included_users",
    "excluded_users",
    "included_groups",
    "excluded_groups",
];

/// A Conditional Access user or group list. Users or groups known only at apply still narrow or
/// widen the policy: each is read as a principal the files do not declare, named by its
/// expression, so that coverage counts its members as unknown (and says so) rather than the list
/// as shorter than it is.
fn principals(scope: &eval::Scope, value: hcl::Source, diagnostics: &mut Vec<Diagnostic>) -> Node {
    let reported = diagnostics.len();
    let mut items = match scope.value(value, diagnostics) {
        Some(Node {
            value: Value::Seq(items),
            ..
        }) => items,
        Some(other) => vec![other],
        None => Vec::new(),
    };
    let found: Vec<Diagnostic> = diagnostics.drain(reported..).collect();
    for d in found {
        if d.code == "unresolved-value" {
            items.push(written_name(scope.text, d.span));
        } else {
            diagnostics.push(d);
        }
    }
    Node::new(value.span(), Value::Seq(items))
}

/// An expression's text as a name: a quoted template without its quotes.
fn written_name(text: &str, span: Span) -> Node {
    let written = text
        .get(span.start as usize..span.end as usize)
        .unwrap_or_default()
        .trim();
    let name = written
        .strip_prefix('"')
        .and_then(|w| w.strip_suffix('"'))
        .unwrap_or(written);
    Node::new(span, Value::Str(name.to_string()))
}

/// Reads one file on its own as a module (a file named alone, an editor's buffer).
pub fn load(name: &str, text: &str) -> (crate::tree::Document, Vec<Diagnostic>) {
    let root = Folder {
        files: vec![(name.to_string(), 0)],
        calls: Vec::new(),
    };
    let (root, diagnostics) = read(text, &[root]);
    (
        crate::tree::Document {
            root,
            comments: Vec::new(),
        },
        diagnostics,
    )
}
