//! Terraform files to their blocks: `.tf` through hcl-edit (which keeps the byte range of every
//! expression), `.tf.json` through the JSON reader. Only what the tenant needs is kept: resources,
//! variables, locals, outputs and module calls; every span is moved by the file's offset in the
//! module's text.

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};

use crate::diagnostic::{Diagnostic, Span};
use crate::tree::{Node, Value};

/// A value as written: an HCL expression, or a `.tf.json` value (whose strings may hold
/// `${…}` templates). `base` is the offset of the expression's file in the module's text.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Hcl(&'a Expression, usize),
    Json(&'a Node),
}

/// A block body as written: attributes and nested blocks, in order.
#[derive(Debug, Clone, Copy)]
pub enum BodyRef<'a> {
    Hcl(&'a Body, usize),
    Json(&'a Node),
}

/// One item of a body: an attribute (`name = value`) or a nested block (`name { … }`).
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    Attribute {
        name: &'a str,
        key: Span,
        value: Source<'a>,
    },
    Block {
        name: &'a str,
        key: Span,
        body: BodyRef<'a>,
    },
}

impl<'a> BodyRef<'a> {
    pub fn items(self) -> Vec<Item<'a>> {
        match self {
            BodyRef::Hcl(body, base) => body
                .iter()
                .map(|s| match s {
                    Structure::Attribute(a) => Item::Attribute {
                        name: a.key.as_str(),
                        key: span_of(a.key.span(), base),
                        value: Source::Hcl(&a.value, base),
                    },
                    Structure::Block(b) => Item::Block {
                        name: b.ident.as_str(),
                        key: span_of(b.ident.span(), base),
                        body: BodyRef::Hcl(&b.body, base),
                    },
                })
                .collect(),
            BodyRef::Json(node) => {
                let mut items = Vec::new();
                for e in node.as_map().unwrap_or_default() {
                    let Some(name) = e.key.as_str() else { continue };
                    match &e.value.value {
                        // A nested object is a block (JSON cannot tell a block from an object
                        // attribute; the mapping reads both the same).
                        Value::Map(_) => items.push(Item::Block {
                            name,
                            key: e.key.span,
                            body: BodyRef::Json(&e.value),
                        }),
                        Value::Seq(list)
                            if !list.is_empty() && list.iter().all(|n| n.as_map().is_some()) =>
                        {
                            for n in list {
                                items.push(Item::Block {
                                    name,
                                    key: e.key.span,
                                    body: BodyRef::Json(n),
                                });
                            }
                        }
                        _ => items.push(Item::Attribute {
                            name,
                            key: e.key.span,
                            value: Source::Json(&e.value),
                        }),
                    }
                }
                items
            }
        }
    }

    pub fn attribute(self, name: &str) -> Option<Source<'a>> {
        self.items().into_iter().find_map(|i| match i {
            Item::Attribute { name: n, value, .. } if n == name => Some(value),
            _ => None,
        })
    }
}

impl Source<'_> {
    pub fn span(&self) -> Span {
        match self {
            Source::Hcl(e, base) => span_of(e.span(), *base),
            Source::Json(n) => n.span,
        }
    }
}

pub fn span_of(range: Option<std::ops::Range<usize>>, base: usize) -> Span {
    range.map_or(Span::new(base, base), |r| {
        Span::new(r.start + base, r.end + base)
    })
}

/// A `resource` block.
#[derive(Debug)]
pub struct ResourceBlock<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    /// The block's labels, where findings about the resource as a whole point.
    pub span: Span,
    pub body: BodyRef<'a>,
}

/// A `module` block: the call of a child module.
#[derive(Debug)]
pub struct ModuleCall<'a> {
    pub name: &'a str,
    /// The block's label, where findings about the call as a whole point.
    pub span: Span,
    pub body: BodyRef<'a>,
}

impl ModuleCall<'_> {
    /// `source` as written: Terraform takes only a literal string there.
    pub fn source(&self) -> Option<(String, Span)> {
        let source = self.body.attribute("source")?;
        let text = match source {
            Source::Hcl(Expression::String(s), _) => s.value().to_string(),
            Source::Json(node) => node.as_str()?.to_string(),
            Source::Hcl(..) => return None,
        };
        Some((text, source.span()))
    }
}

/// What the files of one module declare.
#[derive(Debug, Default)]
pub struct Config<'a> {
    pub resources: Vec<ResourceBlock<'a>>,
    /// `variable` blocks: name and default, when it has one.
    pub variables: Vec<(&'a str, Option<Source<'a>>)>,
    pub locals: Vec<(&'a str, Source<'a>)>,
    pub modules: Vec<ModuleCall<'a>>,
    /// `output` blocks: name and value.
    pub outputs: Vec<(&'a str, Source<'a>)>,
    /// Whether the `terraform` block's `required_providers` holds the azuread provider below
    /// version 3 (`version = "~> 2.53"`): the module is then written in version 2's arguments.
    pub azuread_v2: bool,
}

/// Whether a version constraint (`"~> 2.53"`, `">= 2.0, < 3.0"`, `"2.47.0"`) admits no version
/// 3 or later of a provider.
pub fn below_v3(constraint: &str) -> bool {
    constraint.split(',').any(|part| {
        let part = part.trim();
        let (op, version) = match part.find(|c: char| c.is_ascii_digit()) {
            Some(at) => (part[..at].trim(), &part[at..]),
            None => return false,
        };
        let mut numbers = version.split('.').map(|n| n.trim().parse::<u64>().ok());
        let major = numbers.next().flatten();
        let minor = numbers.next().flatten();
        match (op, major) {
            // `~> 2.53` stays below 3; `~> 2` alone does not bound the major version.
            ("~>", Some(m)) => m < 3 && minor.is_some(),
            ("" | "=", Some(m)) => m < 3,
            ("<", Some(m)) => m <= 3 && (m < 3 || minor.unwrap_or(0) == 0),
            ("<=", Some(m)) => m < 3,
            _ => false,
        }
    })
}

/// The azuread version constraint in a `terraform` block's `required_providers`, if any.
fn azuread_constraint(block: &Block) -> Option<String> {
    let providers = block.body.iter().find_map(|s| match s {
        Structure::Block(b) if b.ident.as_str() == "required_providers" => Some(b),
        _ => None,
    })?;
    let azuread = providers.body.iter().find_map(|s| match s {
        Structure::Attribute(a) if a.key.as_str() == "azuread" => Some(&a.value),
        _ => None,
    })?;
    match azuread {
        Expression::String(s) => Some(s.value().to_string()),
        Expression::Object(object) => object.iter().find_map(|(key, value)| {
            let named = match key {
                hcl_edit::expr::ObjectKey::Ident(i) => i.as_str() == "version",
                hcl_edit::expr::ObjectKey::Expression(Expression::String(s)) => {
                    s.value().as_str() == "version"
                }
                _ => false,
            };
            match value.expr() {
                Expression::String(s) if named => Some(s.value().to_string()),
                _ => None,
            }
        }),
        _ => None,
    }
}

/// The top-level blocks Terraform knows; any other is an error there, and here.
const TOP_BLOCKS: &[&str] = &[
    "resource",
    "data",
    "variable",
    "locals",
    "output",
    "module",
    "provider",
    "terraform",
    "moved",
    "import",
    "removed",
    "check",
    "ephemeral",
];

/// One parsed file: hcl-edit's body, or the JSON tree.
#[derive(Debug)]
pub enum Parsed {
    Hcl(Body),
    Json(Node),
    Failed,
}

/// Parses one file's text; a syntax error is a diagnostic at its line and column.
pub fn parse(name: &str, text: &str, base: usize, diagnostics: &mut Vec<Diagnostic>) -> Parsed {
    if is_json(name) {
        let parsed = crate::load::graph::json::parse(text);
        for mut d in parsed.diagnostics {
            crate::load::layout::shift_diagnostic(&mut d, base);
            diagnostics.push(d);
        }
        return match parsed.root {
            Some(mut root) => {
                crate::load::layout::shift_node(&mut root, base);
                Parsed::Json(root)
            }
            None => Parsed::Failed,
        };
    }
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => Parsed::Hcl(body),
        Err(err) => {
            let at = err.location().offset().min(text.len()) + base;
            diagnostics.push(
                Diagnostic::error(
                    "syntax-error",
                    Span::new(at, at),
                    format!("this is not valid Terraform (HCL): {}", err.message()),
                )
                .with_label("here")
                .with_help("`terraform validate` shows the same problem; a file ending in .tf must be Terraform"),
            );
            Parsed::Failed
        }
    }
}

pub fn is_json(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".tf.json")
}

/// Collects the blocks of one parsed file into `config`; a top-level attribute or an unknown
/// block type is reported, as Terraform would.
pub fn collect<'a>(
    parsed: &'a Parsed,
    base: usize,
    config: &mut Config<'a>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match parsed {
        Parsed::Hcl(body) => {
            for s in body.iter() {
                match s {
                    Structure::Attribute(a) => diagnostics.push(not_terraform(
                        span_of(a.key.span(), base),
                        format!(
                            "`{}` is an attribute at the top level; a Terraform file holds blocks (`resource`, `variable`, …) there",
                            a.key.as_str()
                        ),
                    )),
                    Structure::Block(b) => hcl_block(b, base, config, diagnostics),
                }
            }
        }
        Parsed::Json(root) => {
            let Some(entries) = root.as_map() else {
                diagnostics.push(not_terraform(
                    root.span,
                    "a .tf.json file holds one JSON object of blocks".to_string(),
                ));
                return;
            };
            for e in entries {
                let Some(kind) = e.key.as_str() else { continue };
                json_block(kind, e, config, diagnostics);
            }
        }
        Parsed::Failed => {}
    }
}

fn not_terraform(span: Span, message: String) -> Diagnostic {
    Diagnostic::error("syntax-error", span, message)
        .with_label("not Terraform")
        .with_help("a file ending in .tf or .tf.json is read as Terraform configuration")
}

fn unknown_block(kind: &str, span: Span) -> Diagnostic {
    let hint = crate::suggest::closest(kind, TOP_BLOCKS.iter().copied())
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    not_terraform(
        span,
        format!("`{kind}` is not a Terraform block type{hint}"),
    )
}

fn hcl_block<'a>(
    block: &'a Block,
    base: usize,
    config: &mut Config<'a>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let kind = block.ident.as_str();
    let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
    let labels_span = block
        .labels
        .iter()
        .map(|l| span_of(l.span(), base))
        .reduce(Span::join)
        .unwrap_or_else(|| span_of(block.ident.span(), base));
    match kind {
        "resource" => {
            if let [k, n] = labels[..] {
                config.resources.push(ResourceBlock {
                    kind: k,
                    name: n,
                    span: labels_span,
                    body: BodyRef::Hcl(&block.body, base),
                });
            } else {
                diagnostics.push(not_terraform(
                    labels_span,
                    "a `resource` block takes two labels: its type and its name".to_string(),
                ));
            }
        }
        "variable" => {
            if let [n] = labels[..] {
                let default = BodyRef::Hcl(&block.body, base).attribute("default");
                config.variables.push((n, default));
            }
        }
        "module" => {
            if let [n] = labels[..] {
                config.modules.push(ModuleCall {
                    name: n,
                    span: labels_span,
                    body: BodyRef::Hcl(&block.body, base),
                });
            }
        }
        "output" => {
            if let ([n], Some(value)) = (
                &labels[..],
                BodyRef::Hcl(&block.body, base).attribute("value"),
            ) {
                config.outputs.push((n, value));
            }
        }
        "locals" => {
            for s in block.body.iter() {
                if let Structure::Attribute(a) = s {
                    config
                        .locals
                        .push((a.key.as_str(), Source::Hcl(&a.value, base)));
                }
            }
        }
        "terraform" => {
            if azuread_constraint(block).is_some_and(|c| below_v3(&c)) {
                config.azuread_v2 = true;
            }
        }
        k if TOP_BLOCKS.contains(&k) => {}
        k => diagnostics.push(unknown_block(k, span_of(block.ident.span(), base))),
    }
}

fn json_block<'a>(
    kind: &'a str,
    entry: &'a crate::tree::Entry,
    config: &mut Config<'a>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Terraform's JSON syntax allows a block type's value to be an object or a list of objects.
    let bodies: Vec<&Node> = match &entry.value.value {
        Value::Map(_) => vec![&entry.value],
        Value::Seq(items) => items.iter().filter(|n| n.as_map().is_some()).collect(),
        _ => Vec::new(),
    };
    match kind {
        "resource" => {
            for body in bodies {
                for by_type in body.as_map().unwrap_or_default() {
                    let Some(k) = by_type.key.as_str() else {
                        continue;
                    };
                    for by_name in by_type.value.as_map().unwrap_or_default() {
                        let Some(n) = by_name.key.as_str() else {
                            continue;
                        };
                        config.resources.push(ResourceBlock {
                            kind: k,
                            name: n,
                            span: by_type.key.span.join(by_name.key.span),
                            body: BodyRef::Json(&by_name.value),
                        });
                    }
                }
            }
        }
        "variable" => {
            for body in bodies {
                for v in body.as_map().unwrap_or_default() {
                    let Some(n) = v.key.as_str() else { continue };
                    config
                        .variables
                        .push((n, v.value.get("default").map(Source::Json)));
                }
            }
        }
        "module" => {
            for body in bodies {
                for m in body.as_map().unwrap_or_default() {
                    let Some(n) = m.key.as_str() else { continue };
                    config.modules.push(ModuleCall {
                        name: n,
                        span: m.key.span,
                        body: BodyRef::Json(&m.value),
                    });
                }
            }
        }
        "output" => {
            for body in bodies {
                for o in body.as_map().unwrap_or_default() {
                    let (Some(n), Some(value)) = (o.key.as_str(), o.value.get("value")) else {
                        continue;
                    };
                    config.outputs.push((n, Source::Json(value)));
                }
            }
        }
        "locals" => {
            for body in bodies {
                for l in body.as_map().unwrap_or_default() {
                    let Some(n) = l.key.as_str() else { continue };
                    config.locals.push((n, Source::Json(&l.value)));
                }
            }
        }
        "//" => {}
        k if TOP_BLOCKS.contains(&k) => {}
        k => diagnostics.push(unknown_block(k, entry.key.span)),
    }
}

#[cfg(test)]
mod tests {
    use super::below_v3;

    #[test]
    fn constraints_below_version_3() {
        for below in [
            "~> 2.53",
            "~> 2.0",
            "2.47.0",
            "= 2.47.0",
            ">= 2.0, < 3.0",
            "<3",
            "<= 2.53",
        ] {
            assert!(below_v3(below), "{below}");
        }
        for not in ["~> 3.0", ">= 2.0", "~> 2", "3.1.0", "< 3.1", ""] {
            assert!(!below_v3(not), "{not}");
        }
    }
}
