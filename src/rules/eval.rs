//! Evaluation: one CEL context per tenant, every enabled rule run against it, and each finding
//! placed at the smallest thing the user must change.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use cel::objects::{Key, Map};
use cel::{Context, Value};

use super::{ENV, Piece, Rule, RuleSet};
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::load::tree::{Document, Node, Value as Yaml};
use crate::model::catalog;
use crate::model::field::{cel_map, cel_str, json_to_cel};
use crate::model::{Model, TenantKind, defaults};

/// Runs every enabled rule that applies to the tenant's kind.
pub fn evaluate(rules: &RuleSet, model: &Model, document: &Document) -> Vec<Diagnostic> {
    let tenant = model.to_cel();
    let index = Arc::new(Index::build(&tenant, document));
    let mut context = Context::with_env(ENV.clone());
    register(&mut context, &index);
    context.add_variable_from_value("tenant", tenant.clone());
    context.add_variable_from_value("now", Value::Timestamp(chrono::Utc::now().fixed_offset()));
    let root = document.root.as_ref();
    let mut findings = Vec::new();
    let largest = largest_collection(&tenant);
    for rule in rules.enabled().filter(|r| r.applies_to(model.kind)) {
        let cost = (largest.max(1) as f64).powi(rule.loop_depth as i32);
        if cost > MAX_COST {
            findings.push(
                Diagnostic::new(
                    "rule-too-costly",
                    Severity::Warning,
                    Span::default(),
                    format!(
                        "rule `{}` was not evaluated: over collections of {largest} items it would take about {cost:.0e} steps, more than entralint allows ({MAX_COST:.0e})",
                        rule.name
                    ),
                )
                .with_help("split the tenant file, or simplify the rule's nested comprehensions"),
            );
            continue;
        }
        context.add_variable_from_value("params", params(rule));
        let result = rule.program.execute(&context);
        let place = Place {
            rule,
            rules,
            root,
            tenant: &tenant,
            kind: model.kind,
            context: &context,
        };
        match (result, rule.collection()) {
            (Ok(Value::Bool(true)), None) => findings.push(place.setting()),
            (Ok(Value::Bool(false)), None) => {}
            (Ok(Value::List(indexes)), Some(_)) => {
                for index in indexes.iter() {
                    if let Value::Int(i) = index {
                        findings.push(place.item(*i as usize));
                    }
                }
            }
            (Ok(other), _) => findings.push(rule_error(
                rule,
                format!("the condition gave {other:?}, not a boolean"),
            )),
            (Err(err), _) => findings.push(rule_error(rule, err.to_string())),
        }
    }
    findings
}

/// Most work one rule may do on one tenant, in collection items visited (estimated as the largest
/// collection's size to the power of the rule's loop depth): a rule over a huge collection cannot
/// run away.
const MAX_COST: f64 = 1e8;

/// The length of the tenant's longest list of objects.
fn largest_collection(tenant: &Value) -> usize {
    [
        "users",
        "groups",
        "servicePrincipals",
        "applications",
        "roleAssignments",
    ]
    .iter()
    .map(|c| list(get(tenant, c)).len())
    .max()
    .unwrap_or(0)
}

fn params(rule: &Rule) -> Value {
    cel_map(
        rule.params
            .iter()
            .map(|(k, v)| (k.as_str(), json_to_cel(v)))
            .collect(),
    )
}

fn rule_error(rule: &Rule, error: String) -> Diagnostic {
    Diagnostic::error(
        "rule-error",
        Span::default(),
        format!(
            "rule `{}` could not be evaluated on this tenant: {error}",
            rule.name
        ),
    )
    .with_help(format!("this is a defect in the rule ({})", rule.origin))
}

/// What the helper functions look things up in, built once per tenant.
struct Index {
    principals: HashMap<String, Value>,
    members: HashMap<String, Vec<String>>,
    break_glass: HashSet<String>,
    declared: HashSet<String>,
}

fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    match value {
        Value::Map(map) => map.map.get(&Key::String(Arc::new(key.to_string()))),
        _ => None,
    }
}

fn text(value: Option<&Value>) -> Option<&str> {
    match value {
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    }
}

fn list(value: Option<&Value>) -> &[Value] {
    match value {
        Some(Value::List(items)) => items,
        _ => &[],
    }
}

impl Index {
    fn build(tenant: &Value, document: &Document) -> Index {
        let mut principals = HashMap::new();
        let mut members = HashMap::new();
        for (collection, kind) in [
            ("users", "user"),
            ("groups", "group"),
            ("servicePrincipals", "servicePrincipal"),
            ("applications", "application"),
        ] {
            for item in list(get(tenant, collection)) {
                let Some(id) = text(get(item, "id")) else {
                    continue;
                };
                if collection == "groups" {
                    let ids = list(get(item, "members"))
                        .iter()
                        .filter_map(|m| text(Some(m)))
                        .map(str::to_lowercase);
                    members.insert(id.to_lowercase(), ids.collect());
                }
                let mut object = match item {
                    Value::Map(map) => (*map.map).clone(),
                    _ => HashMap::new(),
                };
                object.insert(Key::String(Arc::new("kind".to_string())), cel_str(kind));
                principals.insert(
                    id.to_lowercase(),
                    Value::Map(Map {
                        map: Arc::new(object),
                    }),
                );
            }
        }
        let break_glass = list(get(
            get(tenant, "tenant").unwrap_or(&Value::Null),
            "breakGlass",
        ))
        .iter()
        .filter_map(|v| text(Some(v)))
        .map(str::to_lowercase)
        .collect();
        let mut declared = HashSet::new();
        if let Some(root) = &document.root {
            collect_paths(root, String::new(), &mut declared);
        }
        Index {
            principals,
            members,
            break_glass,
            declared,
        }
    }

    /// Every group that holds `id`, directly or through nested groups.
    fn groups_of(&self, id: &str) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        let mut pending = vec![id.to_lowercase()];
        while let Some(next) = pending.pop() {
            for (group, members) in &self.members {
                if members.contains(&next) && !found.contains(group) {
                    found.push(group.clone());
                    pending.push(group.clone());
                }
            }
        }
        found.sort();
        found
    }

    /// Principal ids with every group replaced by its members (through nested groups), each once.
    fn expand(&self, ids: &[Value]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for id in ids
            .iter()
            .filter_map(|v| text(Some(v)))
            .map(str::to_lowercase)
        {
            let expanded = if self.members.contains_key(&id) {
                self.members_of(&id)
                    .into_iter()
                    .filter(|m| !self.members.contains_key(m))
                    .collect()
            } else {
                vec![id]
            };
            for id in expanded {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
        out.sort();
        out
    }

    /// Every member of a group, through nested groups.
    fn members_of(&self, group: &str) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        let mut pending = vec![group.to_lowercase()];
        while let Some(next) = pending.pop() {
            for member in self.members.get(&next).into_iter().flatten() {
                if !found.contains(member) {
                    found.push(member.clone());
                    pending.push(member.clone());
                }
            }
        }
        found.sort();
        found
    }
}

fn collect_paths(node: &Node, prefix: String, out: &mut HashSet<String>) {
    let Yaml::Map(entries) = &node.value else {
        return;
    };
    for entry in entries {
        let Some(key) = entry.key.as_str() else {
            continue;
        };
        let path = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        if entry.value.value != Yaml::Null {
            collect_paths(&entry.value, path.clone(), out);
            out.insert(path);
        }
    }
}

fn strings(items: Vec<String>) -> Value {
    Value::List(Arc::new(items.into_iter().map(Value::from).collect()))
}

/// The functions rules need and CEL lacks.
fn register(context: &mut Context, index: &Arc<Index>) {
    // Names are not in the standard library, so registering cannot conflict.
    let i = index.clone();
    let _ = context.add_function("principal", move |id: Arc<String>| {
        i.principals
            .get(&id.to_lowercase())
            .cloned()
            .unwrap_or(Value::Null)
    });
    let i = index.clone();
    let _ = context.add_function("members", move |id: Arc<String>| strings(i.members_of(&id)));
    let i = index.clone();
    let _ = context.add_function("groupsOf", move |id: Arc<String>| strings(i.groups_of(&id)));
    let i = index.clone();
    let _ = context.add_function("isBreakGlass", move |id: Arc<String>| {
        i.break_glass.contains(&id.to_lowercase())
    });
    let i = index.clone();
    let _ = context.add_function("declared", move |path: Arc<String>| {
        i.declared.contains(path.as_str())
    });
    let i = index.clone();
    let _ = context.add_function("expand", move |ids: Arc<Vec<Value>>| {
        strings(i.expand(&ids))
    });
    let _ = context.add_function("role", |reference: Arc<String>| role_value(&reference));
    let _ = context.add_function("graphPermission", |reference: Arc<String>| {
        permission_value(&reference)
    });
    let _ = context.add_function("days", |d: chrono::Duration| d.num_days());
    let _ = context.add_function("min", cel::functions::min);
    let _ = context.add_function("max", cel::functions::max);
}

/// A role as rules see it: `{id, name, privileged, scubaHighlyPrivileged, tier}`, or null.
pub fn role_value(reference: &str) -> Value {
    match catalog::role(reference) {
        Some(role) => cel_map(vec![
            ("id", cel_str(&role.id)),
            ("name", cel_str(&role.name)),
            ("privileged", Value::Bool(role.privileged)),
            (
                "scubaHighlyPrivileged",
                Value::Bool(role.scuba_highly_privileged),
            ),
            ("tier", Value::Int(i64::from(role.tier))),
        ]),
        None => Value::Null,
    }
}

/// A Graph application permission as rules see it: `{name, id, tier, direct, scubaRisk}`, or null.
pub fn permission_value(reference: &str) -> Value {
    match catalog::graph_permission(reference) {
        Some(p) => cel_map(vec![
            ("name", cel_str(&p.name)),
            ("id", cel_str(&p.id)),
            ("tier", Value::Int(i64::from(p.tier))),
            ("direct", Value::Bool(p.direct)),
            (
                "scubaRisk",
                p.scuba_risk.as_deref().map_or(Value::Null, cel_str),
            ),
        ]),
        None => Value::Null,
    }
}

/// Builds findings for one rule.
struct Place<'a> {
    rule: &'a Rule,
    rules: &'a RuleSet,
    root: Option<&'a Node>,
    tenant: &'a Value,
    kind: TenantKind,
    context: &'a Context<'a, 'a>,
}

impl Place<'_> {
    /// A finding on a setting: at its value when declared, else at the enclosing section.
    fn setting(&self) -> Diagnostic {
        let at = self.rule.file.at.as_deref().unwrap_or_default();
        let mut value = self.tenant.clone();
        for key in at.split('.').filter(|k| !k.is_empty()) {
            value = get(&value, key).cloned().unwrap_or(Value::Null);
        }
        let mut message = self.message(None, &value);
        if at.is_empty() {
            // A rule about the whole tenant points at the document's first key.
            let span = locate_exact(self.root, "missing-key-for-the-whole-document");
            let span = match span {
                Located::Missing { span, .. } | Located::Declared(span) => span,
            };
            return self.finding(span, "in this tenant".to_string(), message, String::new());
        }
        let (span, label, path, shown) = match locate(self.root, at) {
            Located::Declared(span) => (span, "here".to_string(), at.to_string(), None),
            Located::Missing { span, missing } => {
                let default = defaults::default_for(at);
                let kind = self.kind.as_str();
                if let Some(default) = default {
                    message.push_str(&format!(
                        " (`{at}` is not declared, so Entra's default for {kind} tenants applies: {})",
                        show_json(default.value(self.kind))
                    ));
                } else {
                    message.push_str(&format!(" (`{at}` is not declared)"));
                }
                let shown = format!("default: {}", show(&value));
                (
                    span,
                    format!("`{missing}` not declared"),
                    at.to_string(),
                    Some(shown),
                )
            }
        };
        let mut finding = self.finding(span, label, message, path);
        finding.value = shown;
        finding
    }

    /// A finding on one item of the rule's collection.
    fn item(&self, index: usize) -> Diagnostic {
        let Some(collection) = self.rule.collection() else {
            return rule_error(self.rule, "not a collection rule".to_string());
        };
        let items = list(get(self.tenant, collection.key()));
        let item = items.get(index).cloned().unwrap_or(Value::Null);
        let at = self.rule.file.at.as_deref();
        let value = at
            .and_then(|k| get(&item, k))
            .cloned()
            .unwrap_or(Value::Null);
        let message = self.message(Some(&item), &value);
        let node = self
            .root
            .and_then(|r| r.get(collection.key()))
            .and_then(|n| match &n.value {
                Yaml::Seq(items) => items.get(index),
                _ => None,
            });
        let identity = text(get(&item, collection.identity())).unwrap_or_default();
        let mut path = format!("{}[{}={identity}]", collection.key(), collection.identity());
        let span = match (node, at) {
            (Some(node), Some(key)) => match node.get(key) {
                Some(value) => {
                    path = format!("{path}.{key}");
                    value.span
                }
                None => node.span,
            },
            (Some(node), None) => node.span,
            (None, _) => Span::default(),
        };
        let mut finding = self.finding(span, "here".to_string(), message, path);
        finding.value = Some(match at {
            Some(_) => show(&value),
            None => identity.to_string(),
        });
        finding
    }

    fn finding(&self, span: Span, label: String, message: String, path: String) -> Diagnostic {
        let rule = self.rule;
        let mut diagnostic = Diagnostic::new(&rule.name, rule.severity, span, message)
            .with_label(label)
            .with_help(rule.file.help.trim().to_string())
            .with_path(path);
        diagnostic.controls = self.rules.controls(rule);
        diagnostic.fixable = rule.file.fix.is_some();
        diagnostic
    }

    fn message(&self, item: Option<&Value>, value: &Value) -> String {
        let mut scope = self.context.new_inner_scope();
        scope.add_variable_from_value("value", value.clone());
        if let Some(item) = item {
            scope.add_variable_from_value("item", item.clone());
        }
        let mut out = String::new();
        for piece in &self.rule.message {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Expr(program) => out.push_str(&run(program, &scope)),
                Piece::Lazy(expr, program) => {
                    match program.get_or_init(|| ENV.compile(expr).ok()) {
                        Some(program) => out.push_str(&run(program, &scope)),
                        None => out.push_str(&format!("<{expr}>")),
                    }
                }
            }
        }
        out.trim().to_string()
    }
}

fn run(program: &cel::Program, scope: &Context) -> String {
    match program.execute(scope) {
        Ok(value) => show(&value),
        Err(err) => format!("<{err}>"),
    }
}

enum Located {
    Declared(Span),
    Missing { span: Span, missing: String },
}

/// Finds a dotted setting path in the tree: its value's span, or the nearest declared section's
/// key (the top of the file when none is declared) and the first key that is missing.
fn locate(root: Option<&Node>, path: &str) -> Located {
    // A setting with two spellings is found under whichever the file uses.
    if let Some(other) = crate::model::other_spelling(path) {
        let found = locate_exact(root, path);
        return match found {
            Located::Declared(_) => found,
            Located::Missing { .. } => match locate_exact(root, other) {
                declared @ Located::Declared(_) => declared,
                Located::Missing { .. } => found,
            },
        };
    }
    locate_exact(root, path)
}

fn locate_exact(root: Option<&Node>, path: &str) -> Located {
    let mut node = root;
    // With no section declared, the finding goes at the document's first key, not a comment.
    let mut section = root
        .and_then(|r| r.as_map())
        .and_then(|entries| entries.first())
        .map_or(Span::default(), |first| first.key.span);
    let mut target = Span::default();
    for key in path.split('.').filter(|k| !k.is_empty()) {
        match node.and_then(|n| n.entry(key)) {
            Some(entry) if entry.value.value != Yaml::Null => {
                section = entry.key.span;
                // A whole list or mapping is pointed at by its key, not by every line of it.
                target = match entry.value.value {
                    Yaml::Seq(_) | Yaml::Map(_) => entry.key.span,
                    _ => entry.value.span,
                };
                node = Some(&entry.value);
            }
            _ => {
                return Located::Missing {
                    span: section,
                    missing: key.to_string(),
                };
            }
        }
    }
    match node {
        Some(node) if node.span != root.map(|r| r.span).unwrap_or_default() => {
            Located::Declared(target)
        }
        _ => Located::Missing {
            span: section,
            missing: path.to_string(),
        },
    }
}

/// A CEL value as message text.
pub fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::UInt(n) => n.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Null => "null".to_string(),
        Value::List(items) => items.iter().map(show).collect::<Vec<_>>().join(", "),
        Value::Duration(d) => format!("{} days", d.num_days()),
        Value::Timestamp(t) => t.to_rfc3339(),
        // Keys in order, so the same mapping always reads (and fingerprints) the same.
        Value::Map(map) => {
            let mut entries: Vec<(String, String)> = map
                .map
                .iter()
                .map(|(k, v)| (format!("{k:?}"), show(v)))
                .collect();
            entries.sort();
            let fields: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        other => format!("{other:?}"),
    }
}

fn show_json(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => format!("`{s}`"),
        serde_json::Value::Array(items) if items.is_empty() => "an empty list".to_string(),
        other => format!("`{other}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load;

    #[test]
    fn locate_points_at_values_or_the_enclosing_section() {
        let loaded = load::load(
            "t.yaml",
            b"authorizationPolicy:\n  allowInvitesFrom: everyone\n",
        );
        let root = loaded.document.root.as_ref();
        match locate(root, "authorizationPolicy.allowInvitesFrom") {
            Located::Declared(span) => assert_eq!(loaded.source.slice(span), "everyone"),
            Located::Missing { .. } => panic!("declared"),
        }
        match locate(root, "authorizationPolicy.guestUserRoleId") {
            Located::Missing { span, missing } => {
                assert_eq!(loaded.source.slice(span), "authorizationPolicy");
                assert_eq!(missing, "guestUserRoleId");
            }
            Located::Declared(_) => panic!("missing"),
        }
    }
}
