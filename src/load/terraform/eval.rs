//! Terraform expressions to values, as far as they are known before `terraform apply`: literals,
//! templates of known parts, variables with defaults, `locals`, `each` and `count` of the
//! instance, a few functions that only convert (`toset`, `tolist`, `concat`, `merge`, …), and
//! references to resources of the module, which resolve to the object they name, and the outputs
//! and variables of child modules read with it. Anything else (data sources, remote modules,
//! functions of values not known yet) is reported where it is written, once, and left out — never
//! guessed.

use std::collections::HashMap;

use hcl_edit::Span as _;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Element, Template};

use super::hcl::{Config, Source, span_of};
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::tree::{Entry, Node, ScalarStyle, Value};

/// Attributes of a resource that name the object it creates: a reference to one of them is a
/// reference to the object.
pub const NAMING: &[&str] = &[
    "id",
    "object_id",
    "client_id",
    "application_id",
    "application_object_id",
    "template_id",
    "principal_id",
    "user_principal_name",
    "user_id",
];

/// How deep variables and locals may refer to each other (a cycle stops here).
const MAX_DEPTH: usize = 16;

/// A child module's variable as its call sets it: the value, or why it is not known.
pub type Passed = Result<Node, &'static str>;

/// The outputs of each child module read, by the call's address (`module.admins`, or
/// `module.a.module.b` for a grandchild).
pub type Outputs = HashMap<String, Vec<(String, Passed)>>;

/// What expressions of one module are evaluated against.
pub struct Scope<'a> {
    pub config: &'a Config<'a>,
    /// The module's place among the root's: `""` for the root, `module.admins.` for a child.
    /// Resource addresses in `identities` and `expanded` start with it.
    pub prefix: &'a str,
    /// The variables the module's call sets; None for the root, whose variables take their
    /// defaults.
    pub inputs: Option<&'a HashMap<String, Passed>>,
    /// The outputs of the modules read so far.
    pub outputs: &'a Outputs,
    /// The module's text, for quoting an expression in a message.
    pub text: &'a str,
    /// Resource address (`azuread_group.admins`, `azuread_user.x["ana"]`) to the id the tenant
    /// knows it by.
    pub identities: &'a HashMap<String, String>,
    /// Addresses of resources with `count` or `for_each`, which need an index to name one object.
    pub expanded: &'a [String],
    pub each: Option<(Node, Node)>,
    pub count: Option<i64>,
    /// Whether an unknown member of an object is kept as a [`hole`](Scope::hole), to find where
    /// in the tenant it would have been (src/load/terraform/unresolved.rs).
    pub probe: bool,
    /// Expressions left to evaluate for one resource: locals that refer to each other many times
    /// over must not hang the run.
    pub budget: std::cell::Cell<usize>,
    /// The variables of the `for` expressions being evaluated, innermost last.
    pub bound: std::cell::RefCell<Vec<(String, Node)>>,
}

/// The start of a [`Scope::hole`]'s text.
pub const HOLE: &str = "\u{0}entralint-unresolved:";

/// Expressions evaluated for one resource at most, variables and locals included.
pub const BUDGET: usize = 100_000;

/// A value that is not known before apply: where it is written and what it says.
pub struct Unknown {
    pub span: Span,
    pub why: &'static str,
}

type Eval = Result<Node, Unknown>;

fn unknown(span: Span, why: &'static str) -> Unknown {
    Unknown { span, why }
}

impl Scope<'_> {
    /// Evaluates `source`; an unknown part of a list or an object is left out and reported in
    /// `out`, an unknown value as a whole is returned as None and reported.
    pub fn value(&self, source: Source, out: &mut Vec<Diagnostic>) -> Option<Node> {
        match self.eval(source, 0, out) {
            Ok(node) => Some(node),
            Err(u) => {
                out.push(self.report(&u));
                None
            }
        }
    }

    /// What stands in for an unknown value when probing: a text no file holds, naming where the
    /// value is written.
    pub fn hole(&self, span: Span) -> Node {
        Node::new(span, Value::Str(format!("{HOLE}{}", span.start)))
    }

    /// The diagnostic for a value that is not known.
    pub fn report(&self, u: &Unknown) -> Diagnostic {
        let written = self
            .text
            .get(u.span.start as usize..u.span.end as usize)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let written: String = if written.chars().count() > 80 {
            written.chars().take(77).chain("...".chars()).collect()
        } else {
            written
        };
        Diagnostic::new(
            "unresolved-value",
            Severity::Info,
            u.span,
            format!(
                "`{written}` is not known before `terraform apply` ({}); entralint reads it as not set rather than guess, so rules that need it judge the default or skip it",
                u.why
            ),
        )
        .with_label("not statically known")
        .with_help("write the value as a literal, a variable with a default or a local, or check the plan (`terraform show -json`) instead")
    }

    fn eval(&self, source: Source, depth: usize, out: &mut Vec<Diagnostic>) -> Eval {
        if depth > MAX_DEPTH {
            return Err(unknown(
                source.span(),
                "variables and locals refer to each other too deeply",
            ));
        }
        match source {
            Source::Hcl(expr, base) => self.hcl(expr, base, depth, out),
            Source::Json(node) => self.json(node, depth, out),
        }
    }

    fn json(&self, node: &Node, depth: usize, out: &mut Vec<Diagnostic>) -> Eval {
        match &node.value {
            Value::Str(s) if s.contains("${") || s.contains("%{") => {
                // The string's text starts after its opening quote.
                let base = node.span.start as usize + 1;
                match hcl_edit::parser::parse_template(s) {
                    Ok(template) => self.template(&template, base, node.span, depth, out),
                    Err(_) => Err(unknown(node.span, "a template entralint cannot read")),
                }
            }
            Value::Seq(items) => {
                let mut list = Vec::new();
                for item in items {
                    match self.json(item, depth, out) {
                        Ok(n) => list.push(n),
                        Err(u) => out.push(self.report(&u)),
                    }
                }
                Ok(Node::new(node.span, Value::Seq(list)))
            }
            Value::Map(entries) => {
                let mut map = Vec::new();
                for e in entries {
                    match self.json(&e.value, depth, out) {
                        Ok(n) => map.push(Entry {
                            key: e.key.clone(),
                            value: n,
                        }),
                        Err(u) => {
                            out.push(self.report(&u));
                            if self.probe {
                                map.push(Entry {
                                    key: e.key.clone(),
                                    value: self.hole(u.span),
                                });
                            }
                        }
                    }
                }
                Ok(Node::new(node.span, Value::Map(map)))
            }
            _ => Ok(node.clone()),
        }
    }

    fn hcl(&self, expr: &Expression, base: usize, depth: usize, out: &mut Vec<Diagnostic>) -> Eval {
        let span = span_of(expr.span(), base);
        let left = self.budget.get();
        if left == 0 {
            return Err(unknown(
                span,
                "more evaluation than entralint spends on one resource",
            ));
        }
        self.budget.set(left - 1);
        let node = |value| Node::new(span, value);
        match expr {
            Expression::Null(_) => Ok(node(Value::Null)),
            Expression::Bool(b) => Ok(node(Value::Bool(*b.value()))),
            Expression::Number(n) => {
                let n = n.value();
                Ok(node(match (n.as_i64(), n.as_f64()) {
                    (Some(i), _) => Value::Int(i),
                    (None, Some(f)) => Value::Float(f),
                    (None, None) => Value::Null,
                }))
            }
            Expression::String(s) => Ok(Node {
                span,
                value: Value::Str(s.value().to_string()),
                style: ScalarStyle::DoubleQuoted,
            }),
            Expression::Array(items) => {
                let mut list = Vec::new();
                for item in items.iter() {
                    match self.hcl(item, base, depth, out) {
                        Ok(n) => list.push(n),
                        Err(u) => out.push(self.report(&u)),
                    }
                }
                Ok(node(Value::Seq(list)))
            }
            Expression::Object(object) => {
                let mut map = Vec::new();
                for (key, value) in object.iter() {
                    let key_span = span_of(key.span(), base);
                    let key = match key {
                        ObjectKey::Ident(ident) => {
                            Node::new(key_span, Value::Str(ident.to_string()))
                        }
                        ObjectKey::Expression(e) => match self.hcl(e, base, depth, out) {
                            Ok(k) => match scalar_text(&k) {
                                Some(text) => Node::new(key_span, Value::Str(text)),
                                None => {
                                    return Err(unknown(
                                        key_span,
                                        "an object key that is not a string",
                                    ));
                                }
                            },
                            Err(u) => return Err(u),
                        },
                    };
                    match self.hcl(value.expr(), base, depth, out) {
                        Ok(value) => map.push(Entry { key, value }),
                        Err(u) => {
                            out.push(self.report(&u));
                            if self.probe {
                                map.push(Entry {
                                    key,
                                    value: self.hole(u.span),
                                });
                            }
                        }
                    }
                }
                Ok(node(Value::Map(map)))
            }
            Expression::StringTemplate(t) => self.template(t, base, span, depth, out),
            Expression::HeredocTemplate(h) => self.template(&h.template, base, span, depth, out),
            Expression::Parenthesis(p) => self.hcl(p.inner(), base, depth, out),
            Expression::Variable(v) => self
                .bound_value(v.as_str())
                .ok_or_else(|| unknown(span, "a name entralint does not know")),
            Expression::Traversal(t) => {
                self.traversal(&t.expr, &t.operators, base, span, depth, out)
            }
            Expression::FuncCall(call) => self.function(call, base, span, depth, out),
            Expression::Conditional(c) => match self.hcl(&c.cond_expr, base, depth, out)?.value {
                Value::Bool(true) => self.hcl(&c.true_expr, base, depth, out),
                Value::Bool(false) => self.hcl(&c.false_expr, base, depth, out),
                _ => Err(unknown(span, "a condition that is not a boolean")),
            },
            Expression::UnaryOp(op) => {
                let value = self.hcl(&op.expr, base, depth, out)?;
                match (op.operator.value(), value.value) {
                    (UnaryOperator::Not, Value::Bool(b)) => Ok(node(Value::Bool(!b))),
                    (UnaryOperator::Neg, Value::Int(i)) => Ok(node(Value::Int(-i))),
                    (UnaryOperator::Neg, Value::Float(f)) => Ok(node(Value::Float(-f))),
                    _ => Err(unknown(span, "an operation on a value of the wrong type")),
                }
            }
            Expression::BinaryOp(op) => {
                let lhs = self.hcl(&op.lhs_expr, base, depth, out)?;
                let rhs = self.hcl(&op.rhs_expr, base, depth, out)?;
                let same = || same_value(&lhs, &rhs);
                match (op.operator.value(), &lhs.value, &rhs.value) {
                    (BinaryOperator::Eq, _, _) => Ok(node(Value::Bool(same()))),
                    (BinaryOperator::NotEq, _, _) => Ok(node(Value::Bool(!same()))),
                    (BinaryOperator::And, Value::Bool(a), Value::Bool(b)) => {
                        Ok(node(Value::Bool(*a && *b)))
                    }
                    (BinaryOperator::Or, Value::Bool(a), Value::Bool(b)) => {
                        Ok(node(Value::Bool(*a || *b)))
                    }
                    _ => Err(unknown(
                        span,
                        "arithmetic or a comparison entralint does not evaluate",
                    )),
                }
            }
            Expression::ForExpr(f) => self.for_expr(f, base, span, depth, out),
        }
    }

    fn template(
        &self,
        template: &Template,
        base: usize,
        span: Span,
        depth: usize,
        out: &mut Vec<Diagnostic>,
    ) -> Eval {
        let mut text = String::new();
        for element in template.iter() {
            match element {
                Element::Literal(literal) => text.push_str(literal.value()),
                Element::Interpolation(i) => {
                    let value = self.hcl(&i.expr, base, depth, out)?;
                    match scalar_text(&value) {
                        Some(part) => text.push_str(&part),
                        None => {
                            return Err(unknown(value.span, "a list or object inside a string"));
                        }
                    }
                }
                Element::Directive(_) => return Err(unknown(span, "a template directive")),
            }
        }
        Ok(Node {
            span,
            value: Value::Str(text),
            style: ScalarStyle::DoubleQuoted,
        })
    }

    fn function(
        &self,
        call: &hcl_edit::expr::FuncCall,
        base: usize,
        span: Span,
        depth: usize,
        out: &mut Vec<Diagnostic>,
    ) -> Eval {
        let name = call.name.name.as_str();
        let args: Vec<&Expression> = call.args.iter().collect();
        if call.args.expand_final() {
            if !super::functions::evaluates(name) {
                return Err(unknown(span, "a function entralint does not evaluate"));
            }
            // `f(a, list...)`: the last argument's items are the call's last arguments.
            let mut known = self.arguments(&args, base, depth, out)?;
            match known.pop() {
                Some(Node {
                    value: Value::Seq(items),
                    ..
                }) => known.extend(items),
                _ => return Err(unknown(span, "`...` after something that is not a list")),
            }
            return Self::call_known(name, known, span);
        }
        match (name, &args[..]) {
            // Conversions that leave a known value as it is.
            ("toset" | "tolist" | "tomap" | "tostring" | "jsonencode" | "jsondecode", [arg]) => {
                let mut value = self.hcl(arg, base, depth, out)?;
                if name == "toset"
                    && let Value::Seq(items) = &mut value.value
                {
                    let mut seen = Vec::new();
                    items.retain(|i| {
                        let text = scalar_text(i);
                        let new = !seen.contains(&text);
                        seen.push(text);
                        new
                    });
                }
                if name == "jsondecode"
                    && let Some(text) = value.as_str()
                {
                    return Err(unknown(
                        span,
                        if text.is_empty() {
                            "an empty JSON text"
                        } else {
                            "JSON decoded at apply"
                        },
                    ));
                }
                value.span = span;
                Ok(value)
            }
            _ if super::functions::evaluates(name) => {
                Self::call_known(name, self.arguments(&args, base, depth, out)?, span)
            }
            _ => Err(unknown(span, "a function entralint does not evaluate")),
        }
    }

    fn traversal(
        &self,
        root: &Expression,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        base: usize,
        span: Span,
        depth: usize,
        out: &mut Vec<Diagnostic>,
    ) -> Eval {
        let Expression::Variable(name) = root else {
            let value = self.hcl(root, base, depth, out)?;
            return self.apply(value, ops, base, span, depth, out);
        };
        let attr = |i: usize| attr_at(ops, i);
        if let Some(value) = self.bound_value(name.as_str()) {
            return self.apply(value, ops, base, span, depth, out);
        }
        match name.as_str() {
            "var" => {
                let Some(var) = attr(0) else {
                    return Err(unknown(span, "a variable entralint cannot name"));
                };
                let Some((_, default)) = self.config.variables.iter().find(|(n, _)| *n == var)
                else {
                    return Err(unknown(span, "a variable the module does not declare"));
                };
                match self.inputs.and_then(|inputs| inputs.get(var)) {
                    Some(Ok(value)) => {
                        return self.apply(value.clone(), &ops[1..], base, span, depth, out);
                    }
                    Some(Err(why)) => return Err(unknown(span, why)),
                    None => {}
                }
                let Some(default) = default else {
                    return Err(unknown(
                        span,
                        "a variable without a default, set only when Terraform runs",
                    ));
                };
                let value = self.eval(*default, depth + 1, out)?;
                self.apply(value, &ops[1..], base, span, depth, out)
            }
            "local" => {
                let Some(local) = attr(0) else {
                    return Err(unknown(span, "a local entralint cannot name"));
                };
                let Some((_, value)) = self.config.locals.iter().find(|(n, _)| *n == local) else {
                    return Err(unknown(span, "a local the module does not declare"));
                };
                let value = self.eval(*value, depth + 1, out)?;
                self.apply(value, &ops[1..], base, span, depth, out)
            }
            "each" => {
                let Some((key, value)) = &self.each else {
                    return Err(unknown(span, "`each` outside a resource with `for_each`"));
                };
                let picked = match attr(0) {
                    Some("key") => key.clone(),
                    Some("value") => value.clone(),
                    _ => return Err(unknown(span, "`each` has only `key` and `value`")),
                };
                self.apply(picked, &ops[1..], base, span, depth, out)
            }
            "count" => match (attr(0), self.count) {
                (Some("index"), Some(i)) => Ok(Node::new(span, Value::Int(i))),
                _ => Err(unknown(
                    span,
                    "`count.index` outside a resource with `count`",
                )),
            },
            "data" => Err(unknown(
                span,
                "a data source, read from the tenant when Terraform runs",
            )),
            "module" => self.output(ops, base, span, depth, out),
            "path" | "terraform" => Err(unknown(span, "a value of the Terraform run")),
            kind => self.resource(kind, ops, base, span, depth, out),
        }
    }

    /// The value of a `for` expression's variable, innermost first.
    fn bound_value(&self, name: &str) -> Option<Node> {
        self.bound
            .borrow()
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.clone())
    }

    /// Arguments evaluated in order; the first not known is what is reported.
    fn arguments(
        &self,
        args: &[&Expression],
        base: usize,
        depth: usize,
        out: &mut Vec<Diagnostic>,
    ) -> Result<Vec<Node>, Unknown> {
        args.iter().map(|a| self.hcl(a, base, depth, out)).collect()
    }

    /// A function [`super::functions`] evaluates, on known arguments.
    fn call_known(name: &str, known: Vec<Node>, span: Span) -> Eval {
        match super::functions::call(name, known, span) {
            Some(Ok(value)) => Ok(value),
            Some(Err(why)) => Err(unknown(span, why)),
            None => Err(unknown(span, "a function entralint does not evaluate")),
        }
    }

    /// `[for x in c : v if cond]` and `{for k, x in c : key => v}` (`...` grouping) over a known
    /// collection; an item whose value or key is not known makes the whole not known, as leaving
    /// it out would change what the list means.
    fn for_expr(
        &self,
        f: &hcl_edit::expr::ForExpr,
        base: usize,
        span: Span,
        depth: usize,
        out: &mut Vec<Diagnostic>,
    ) -> Eval {
        let collection = self.hcl(&f.intro.collection_expr, base, depth, out)?;
        let pairs: Vec<(Node, Node)> = match collection.value {
            Value::Seq(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| (Node::new(item.span, Value::Int(i as i64)), item))
                .collect(),
            Value::Map(entries) => entries.into_iter().map(|e| (e.key, e.value)).collect(),
            _ => {
                return Err(unknown(
                    span,
                    "a `for` expression over something not a collection",
                ));
            }
        };
        let mut list = Vec::new();
        let mut map: Vec<Entry> = Vec::new();
        for (key, value) in pairs {
            let mut names = vec![(f.intro.value_var.as_str().to_string(), value)];
            if let Some(k) = &f.intro.key_var {
                names.insert(0, (k.as_str().to_string(), key));
            }
            let depth_before = self.bound.borrow().len();
            self.bound.borrow_mut().extend(names);
            let item = self.for_item(f, base, depth, out);
            self.bound.borrow_mut().truncate(depth_before);
            match item? {
                None => {}
                Some((None, v)) => list.push(v),
                Some((Some(k), v)) => {
                    let Some(name) = scalar_text(&k) else {
                        return Err(unknown(k.span, "a `for` key that is not text"));
                    };
                    match map
                        .iter_mut()
                        .find(|e| e.key.as_str() == Some(name.as_str()))
                    {
                        Some(Entry {
                            value:
                                Node {
                                    value: Value::Seq(group),
                                    ..
                                },
                            ..
                        }) if f.grouping => group.push(v),
                        Some(_) => {
                            return Err(unknown(k.span, "a `for` key produced twice"));
                        }
                        None => map.push(Entry {
                            key: Node::new(k.span, Value::Str(name)),
                            value: if f.grouping {
                                Node::new(v.span, Value::Seq(vec![v]))
                            } else {
                                v
                            },
                        }),
                    }
                }
            }
        }
        Ok(match f.key_expr {
            Some(_) => Node::new(span, Value::Map(map)),
            None => Node::new(span, Value::Seq(list)),
        })
    }

    /// One item of a `for` expression with its variables bound: None when its condition leaves
    /// it out, else its key (for an object) and value.
    fn for_item(
        &self,
        f: &hcl_edit::expr::ForExpr,
        base: usize,
        depth: usize,
        out: &mut Vec<Diagnostic>,
    ) -> Result<Option<(Option<Node>, Node)>, Unknown> {
        if let Some(cond) = &f.cond {
            let keep = self.hcl(&cond.expr, base, depth, out)?;
            match keep.value {
                Value::Bool(true) => {}
                Value::Bool(false) => return Ok(None),
                _ => return Err(unknown(keep.span, "a `for` condition that is not a bool")),
            }
        }
        let key = match &f.key_expr {
            Some(k) => Some(self.hcl(k, base, depth, out)?),
            None => None,
        };
        Ok(Some((key, self.hcl(&f.value_expr, base, depth, out)?)))
    }

    /// `module.x.name`: the output of a child module read with this one.
    fn output(
        &self,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        base: usize,
        span: Span,
        depth: usize,
        out: &mut Vec<Diagnostic>,
    ) -> Eval {
        let attr = |i: usize| attr_at(ops, i);
        let (Some(call), Some(name)) = (attr(0), attr(1)) else {
            return Err(unknown(span, "a module's outputs as a whole"));
        };
        let Some(outputs) = self.outputs.get(&format!("{}module.{call}", self.prefix)) else {
            return Err(unknown(
                span,
                "an output of a module entralint does not read",
            ));
        };
        match outputs.iter().find(|(n, _)| n == name) {
            Some((_, Ok(value))) => self.apply(value.clone(), &ops[2..], base, span, depth, out),
            Some((_, Err(why))) => Err(unknown(span, why)),
            None => Err(unknown(span, "an output the module does not declare")),
        }
    }

    /// A reference to a resource of the module: the object it names.
    fn resource(
        &self,
        kind: &str,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        base: usize,
        span: Span,
        depth: usize,
        out: &mut Vec<Diagnostic>,
    ) -> Eval {
        let attr = |i: usize| attr_at(ops, i);
        let Some(name) = attr(0) else {
            return Err(unknown(span, "a name entralint does not know"));
        };
        let mut address = format!("{}{kind}.{name}", self.prefix);
        let mut next = 1;
        if let Some(op) = ops.get(1) {
            let index = match op.value() {
                TraversalOperator::Index(e) => Some(self.hcl(e, base, depth, out)?),
                TraversalOperator::LegacyIndex(i) => Some(Node::new(
                    span,
                    Value::Int(i64::try_from(*i.value()).unwrap_or(i64::MAX)),
                )),
                _ => None,
            };
            if let Some(index) = index {
                address = instance_address(&address, &index);
                next = 2;
            }
        }
        let Some(identity) = self.identities.get(&address) else {
            if self.expanded.contains(&address) {
                return Err(unknown(
                    span,
                    "all instances of a resource with `count` or `for_each`",
                ));
            }
            let declared = self
                .config
                .resources
                .iter()
                .any(|r| r.kind == kind && r.name == name);
            return Err(unknown(
                span,
                if declared {
                    "an attribute of a resource entralint does not read, set when Terraform runs"
                } else {
                    "a resource this module does not declare"
                },
            ));
        };
        match attr(next) {
            // `azuread_service_principal.msgraph.app_role_ids["User.Read.All"]`: the
            // permission it names.
            Some("app_role_ids" | "oauth2_permission_scope_ids") if ops.len() == next + 2 => {
                match ops[next + 1].value() {
                    TraversalOperator::Index(e) => {
                        let key = self.hcl(e, base, depth, out)?;
                        Ok(Node::new(span, key.value))
                    }
                    _ => Err(unknown(
                        span,
                        "an attribute Entra sets when the resource is created",
                    )),
                }
            }
            Some(a) if NAMING.contains(&a) && ops.len() == next + 1 => {
                Ok(Node::new(span, Value::Str(identity.clone())))
            }
            _ => Err(unknown(
                span,
                "an attribute Entra sets when the resource is created",
            )),
        }
    }

    /// Attribute access and indexing into a known value.
    fn apply(
        &self,
        mut value: Node,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        base: usize,
        span: Span,
        depth: usize,
        out: &mut Vec<Diagnostic>,
    ) -> Eval {
        for op in ops {
            let next = match op.value() {
                TraversalOperator::GetAttr(a) => value.get(a.as_str()).cloned(),
                TraversalOperator::Index(e) => {
                    let index = self.hcl(e, base, depth, out)?;
                    match (&value.value, &index.value) {
                        (Value::Seq(items), Value::Int(i)) => {
                            usize::try_from(*i).ok().and_then(|i| items.get(i)).cloned()
                        }
                        (Value::Map(_), _) => {
                            scalar_text(&index).and_then(|k| value.get(&k).cloned())
                        }
                        _ => None,
                    }
                }
                TraversalOperator::LegacyIndex(i) => match &value.value {
                    Value::Seq(items) => usize::try_from(*i.value())
                        .ok()
                        .and_then(|i| items.get(i))
                        .cloned(),
                    _ => None,
                },
                _ => return Err(unknown(span, "a splat (`[*]`) entralint does not evaluate")),
            };
            value = next.ok_or_else(|| unknown(span, "a key or index the value does not have"))?;
        }
        // The value is read where the reference is written.
        Ok(relocate(value, span))
    }
}

/// The name of the `i`th step of a traversal when it is an attribute (`.name`), not an index.
fn attr_at(ops: &[hcl_edit::Decorated<TraversalOperator>], i: usize) -> Option<&str> {
    match ops.get(i).map(|o| o.value()) {
        Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
        _ => None,
    }
}

/// A value moved to where it is used: a literal from a variable's default is judged at the
/// reference, which is what the user changes in this resource.
fn relocate(mut node: Node, span: Span) -> Node {
    node.span = span;
    match &mut node.value {
        Value::Seq(items) => items
            .iter_mut()
            .for_each(|n| *n = relocate(n.clone(), span)),
        Value::Map(entries) => {
            for e in entries {
                e.key.span = span;
                e.value = relocate(e.value.clone(), span);
            }
        }
        _ => {}
    }
    node
}

/// Equality as Terraform sees it: the same value, wherever it was written.
fn same_value(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter().all(|e| {
                    y.iter()
                        .any(|f| e.key.as_str() == f.key.as_str() && same_value(&e.value, &f.value))
                })
        }
        (Value::Int(i), Value::Float(f)) | (Value::Float(f), Value::Int(i)) => *i as f64 == *f,
        (x, y) => x == y,
    }
}

/// A scalar as Terraform turns it into a string.
pub fn scalar_text(node: &Node) -> Option<String> {
    Some(match &node.value {
        Value::Str(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        _ => return None,
    })
}

/// `type.name["key"]` or `type.name[0]`, as Terraform writes an instance's address.
pub fn instance_address(address: &str, index: &Node) -> String {
    match &index.value {
        Value::Int(i) => format!("{address}[{i}]"),
        _ => format!("{address}[\"{}\"]", scalar_text(index).unwrap_or_default()),
    }
}
