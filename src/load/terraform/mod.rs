//! Terraform: the Entra resources of a root module (`azuread_*`, and `msgraph_*` on endpoints the
//! format has), read into the format-v1 tree with spans into the `.tf` files (docs/terraform.md).
//!
//! The `.tf` and `.tf.json` files of one folder are one module and so one tenant, as Terraform
//! sees them: laid end to end like a Graph tenant folder. Reading goes in three steps, each its own
//! module: the files to blocks ([`hcl`]), the blocks to resource instances whose attributes are
//! evaluated ([`eval`]), and the instances to the tenant ([`map_azuread`], [`map_msgraph`]). The
//! instance form ([`Instance`]) is neutral: a plan's `planned_values` give the same instances, so
//! the plan reader ([`plan`]) shares the mapping.

pub mod eval;
pub mod functions;
pub mod hcl;
pub mod map_azuread;
pub mod map_msgraph;
pub mod module;
pub mod plan;
pub mod schema;

use std::collections::HashMap;

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

/// Reads the files of one module, laid end to end in `text` (`files`: name and offset of each).
/// Returns the tenant (None when the module holds no Entra resource) and every problem found.
pub fn read(text: &str, files: &[(String, usize)]) -> (Option<Node>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let parsed: Vec<(hcl::Parsed, usize)> = files
        .iter()
        .enumerate()
        .map(|(i, (name, base))| {
            let end = files.get(i + 1).map_or(text.len(), |(_, b)| *b);
            let own = text.get(*base..end).unwrap_or("");
            (hcl::parse(name, own, *base, &mut diagnostics), *base)
        })
        .collect();
    let mut config = hcl::Config::default();
    for (p, base) in &parsed {
        hcl::collect(p, *base, &mut config, &mut diagnostics);
    }
    let instances = instances(&config, text, &mut diagnostics);
    finish(&mut diagnostics);
    // A module with an Entra resource is a tenant, even when none of its values is known yet:
    // the settings it leaves undeclared take their defaults as in any other format.
    let entra = config.resources.iter().any(|r| is_entra(r.kind));
    let root = tenant(&instances, entra);
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

/// One instance to evaluate: its block, its address, and its `each` or `count.index`.
type Planned = (usize, String, Option<(Node, Node)>, Option<i64>);

/// Every Entra resource of the module as instances: `count` and `for_each` expanded, attributes
/// evaluated, references resolved to the objects they name.
fn instances(config: &hcl::Config, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<Instance> {
    let empty = HashMap::new();
    // First the keys of each instance, then the names the tenant knows each object by (a user
    // by its UPN), then everything with references resolved.
    let mut plain = eval::Scope {
        config,
        text,
        identities: &empty,
        expanded: &[],
        each: None,
        count: None,
        budget: std::cell::Cell::new(eval::BUDGET),
    };
    let (planned, expanded) = expand(config, &plain, diagnostics);
    let mut identities = HashMap::new();
    for (i, address, each, count) in &planned {
        let block = &config.resources[*i];
        plain.each = each.clone();
        plain.count = *count;
        plain.budget.set(eval::BUDGET);
        let mut ignored = Vec::new();
        let name = map_azuread::naming_attributes(block.kind)
            .iter()
            .filter_map(|a| block.body.attribute(a))
            .find_map(|s| {
                plain
                    .value(s, &mut ignored)
                    .and_then(|n| n.as_str().map(str::to_string))
            });
        identities.insert(address.clone(), name.unwrap_or_else(|| address.clone()));
    }
    let mut result = Vec::with_capacity(planned.len());
    for (i, address, each, count) in planned {
        let block = &config.resources[i];
        let scope = eval::Scope {
            config,
            text,
            identities: &identities,
            expanded: &expanded,
            each,
            count,
            budget: std::cell::Cell::new(eval::BUDGET),
        };
        let attrs = body(&scope, block.kind, block.body, block.span, "", diagnostics);
        result.push(Instance {
            kind: block.kind.to_string(),
            address,
            span: block.span,
            attrs,
        });
    }
    result
}

/// The instances of each Entra resource block (`count` and `for_each` expanded, with the
/// `each` or `count.index` of each), and the addresses of the blocks that expand.
fn expand(
    config: &hcl::Config,
    plain: &eval::Scope,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Planned>, Vec<String>) {
    let mut planned: Vec<Planned> = Vec::new();
    let mut expanded = Vec::new();
    let mut seen: HashMap<String, Span> = HashMap::new();
    for (i, block) in config.resources.iter().enumerate() {
        if !is_entra(block.kind) {
            continue;
        }
        plain.budget.set(eval::BUDGET);
        let address = format!("{}.{}", block.kind, block.name);
        if let Some(first) = seen.get(&address) {
            diagnostics.push(
                Diagnostic::error(
                    "duplicate-key",
                    block.span,
                    format!(
                        "`{address}` is declared twice in this module; Terraform refuses the module"
                    ),
                )
                .with_label("second declaration")
                .with_related(*first, "first declared here")
                .with_help("give each resource of a type its own name"),
            );
            continue;
        }
        seen.insert(address.clone(), block.span);
        let for_each = block.body.attribute("for_each");
        let count = block.body.attribute("count");
        match (for_each, count) {
            (Some(source), _) => {
                expanded.push(address.clone());
                let Some(value) = plain.value(source, diagnostics) else {
                    continue;
                };
                match value.value {
                    Value::Map(entries) => {
                        for e in entries {
                            let key = e.key.clone();
                            let at = eval::instance_address(&address, &key);
                            planned.push((i, at, Some((key, e.value)), None));
                        }
                    }
                    Value::Seq(items) => {
                        for item in items {
                            let at = eval::instance_address(&address, &item);
                            planned.push((i, at, Some((item.clone(), item)), None));
                        }
                    }
                    _ => diagnostics.push(plain.report(&eval::Unknown {
                        span: source.span(),
                        why: "`for_each` takes a map or a set",
                    })),
                }
            }
            (None, Some(source)) => {
                expanded.push(address.clone());
                let Some(value) = plain.value(source, diagnostics) else {
                    continue;
                };
                let n = match value.value {
                    Value::Int(n) => n,
                    Value::Bool(b) => i64::from(b),
                    _ => {
                        diagnostics.push(plain.report(&eval::Unknown {
                            span: source.span(),
                            why: "`count` takes a whole number",
                        }));
                        continue;
                    }
                };
                // A module does not create a million objects; past this it is not a literal count.
                for c in 0..n.clamp(0, 10_000) {
                    let at = format!("{address}[{c}]");
                    planned.push((i, at, None, Some(c)));
                }
            }
            (None, None) => planned.push((i, address, None, None)),
        }
    }
    (planned, expanded)
}

/// A block body's attributes, evaluated; nested blocks as lists of mappings. Attributes the
/// provider does not have are reported, as `terraform validate` would.
fn body(
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
        if let Some(known) = known
            && !known.contains(&name)
        {
            diagnostics.push(schema::unknown_attribute(kind, path, name, key, known));
            continue;
        }
        let key_node = Node::new(key, Value::Str(name.to_string()));
        match item {
            Item::Attribute { value, .. } => {
                if let Some(value) = scope.value(value, diagnostics) {
                    entries.push(Entry {
                        key: key_node,
                        value,
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

/// Reads one file on its own as a module (a file named alone, an editor's buffer).
pub fn load(name: &str, text: &str) -> (crate::tree::Document, Vec<Diagnostic>) {
    let (root, diagnostics) = read(text, &[(name.to_string(), 0)]);
    (
        crate::tree::Document {
            root,
            comments: Vec::new(),
        },
        diagnostics,
    )
}
