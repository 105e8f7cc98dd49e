//! Drift: what a declared tenant says compared with an export of the live tenant.
//!
//! Both sides are loaded into the same format-v1 tree, whatever they were written in, so drift
//! is a walk over two trees. A value that differs, or a declared list item the export lacks, is a
//! `drift` warning at the declared value; a setting or item the export has and the declaration
//! does not is a `drift-undeclared` note at the declared file's `tenant` header. A section the
//! export does not cover at all (portal settings have no Graph API) is not compared.

mod value;

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::load::open::Opened;
use crate::model::TenantKind;
use crate::tree::{Node, Value};
use value::{Aliases, is_unset, same, show};

/// A declared value that differs from the export, or a declared item the export lacks.
pub const DRIFT: &str = "drift";
/// A setting or item the export has and the declaration does not.
pub const UNDECLARED: &str = "drift-undeclared";

/// Keys that describe an exported object rather than configure it: never reported as undeclared.
const METADATA: &[&str] = &[
    "id",
    "displayName",
    "description",
    "createdDateTime",
    "modifiedDateTime",
    "deletedDateTime",
    "startDateTime",
    "templateId",
    "version",
];

/// Principal lists: an exported object id stands for the declared principal it matches.
const PRINCIPALS: &[&str] = &["users", "groups", "servicePrincipals", "applications"];

/// The differences between a declared tenant and an exported one, as diagnostics on the
/// declared tenant's loaded text.
pub fn compare(declared: &Opened, exported: &Opened) -> Vec<Diagnostic> {
    let (Some(d_root), Some(e_root)) = (
        declared.loaded.document.root.as_ref(),
        exported.loaded.document.root.as_ref(),
    ) else {
        return Vec::new();
    };
    let header = d_root.entry("tenant");
    let kind = header
        .and_then(|h| h.value.get("kind"))
        .and_then(Node::as_str)
        .map_or(TenantKind::Workforce, |k| {
            if k.eq_ignore_ascii_case("external") {
                TenantKind::External
            } else {
                TenantKind::Workforce
            }
        });
    let mut walk = Walk {
        exported,
        aliases: aliases(d_root, e_root),
        kind,
        anchor: header.map_or(Span::new(0, 0), |h| h.key.span),
        out: Vec::new(),
    };
    walk.map("", d_root, e_root);
    walk.out
}

/// Exported ids of users, groups, service principals and applications that name a declared one
/// by another id (an object id for a user principal name): matched by id, else display name.
fn aliases(declared: &Node, exported: &Node) -> Aliases {
    let mut aliases = Aliases::new();
    let none = Aliases::new();
    for section in PRINCIPALS {
        let (Some(Value::Seq(d_items)), Some(Value::Seq(e_items))) = (
            declared.get(section).map(|n| &n.value),
            exported.get(section).map(|n| &n.value),
        ) else {
            continue;
        };
        for d in d_items {
            let Some(d_id) = d.get("id").and_then(Node::as_str) else {
                continue;
            };
            let by_key = |key: &str| {
                let wanted = d.get(key)?;
                e_items
                    .iter()
                    .find(|e| e.get(key).is_some_and(|v| same(wanted, v, &none)))
            };
            if by_key("id").is_some() {
                continue;
            }
            if let Some(e_id) = by_key("displayName")
                .and_then(|e| e.get("id"))
                .and_then(Node::as_str)
            {
                aliases.insert(e_id.trim().to_lowercase(), d_id.trim().to_lowercase());
            }
        }
    }
    aliases
}

struct Walk<'a> {
    exported: &'a Opened,
    aliases: Aliases,
    kind: TenantKind,
    /// Where notes about undeclared settings point: the declared `tenant` key.
    anchor: Span,
    out: Vec<Diagnostic>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Walk<'_> {
    fn map(&mut self, path: &str, declared: &Node, exported: &Node) {
        let (Some(d_entries), Some(e_entries)) = (declared.as_map(), exported.as_map()) else {
            return;
        };
        for d in d_entries {
            let Some(key) = d.key.as_str() else { continue };
            if path.is_empty() && key == "tenant" {
                continue;
            }
            // What the export does not hold (or holds as null) cannot be compared.
            match exported.get(key) {
                Some(e) if !matches!(e.value, Value::Null) => {
                    self.node(&join(path, key), &d.value, e);
                }
                _ => {}
            }
        }
        for e in e_entries {
            let Some(key) = e.key.as_str() else { continue };
            if declared.get(key).is_none() && !(path.is_empty() && key == "tenant") {
                self.undeclared(&join(path, key), &e.value);
            }
        }
    }

    fn node(&mut self, path: &str, declared: &Node, exported: &Node) {
        match (&declared.value, &exported.value) {
            (Value::Map(_), Value::Map(_)) => self.map(path, declared, exported),
            (Value::Seq(d), Value::Seq(e)) if is_scalars(d) && is_scalars(e) => {
                if !same(declared, exported, &self.aliases) {
                    self.differs(path, declared, exported);
                }
            }
            (Value::Seq(d), Value::Seq(e)) => self.items(path, d, e, exported),
            _ => {
                if !same(declared, exported, &self.aliases) {
                    self.differs(path, declared, exported);
                }
            }
        }
    }

    /// A list of objects: each declared item against the exported item with its identity.
    fn items(&mut self, path: &str, declared: &[Node], exported: &[Node], list: &Node) {
        let mut taken = vec![false; exported.len()];
        for d in declared {
            let item_path = format!("{path}{}", item_name(path, d));
            match self.partner(path, d, exported, &taken) {
                Some(i) => {
                    taken[i] = true;
                    self.node(&item_path, d, &exported[i]);
                }
                None => {
                    let message = format!(
                        "{item_path}: declared, but the export has no such item (its `{}` list: {})",
                        path.rsplit('.').next().unwrap_or(path),
                        self.exported.cite(list.span)
                    );
                    self.out.push(
                        Diagnostic::new(DRIFT, Severity::Warning, d.span, message)
                            .with_label("not in the export")
                            .with_help("create it in the tenant, or remove it from the declaration")
                            .with_path(item_path.clone()),
                    );
                }
            }
        }
        for (e, _) in exported.iter().zip(&taken).filter(|(_, t)| !**t) {
            self.undeclared_item(path, e);
        }
    }

    /// The exported item a declared one is: by id, else display name, else the keys that name a
    /// role assignment or a role's settings, else an item equal to it.
    fn partner(&self, path: &str, d: &Node, exported: &[Node], taken: &[bool]) -> Option<usize> {
        let free = || (0..exported.len()).filter(|i| !taken[*i]);
        let agree = |e: &Node, key: &str| match (d.get(key), e.get(key)) {
            (Some(x), Some(y)) => same(x, y, &self.aliases),
            _ => false,
        };
        let keyed: &[&[&str]] = match path {
            "roleAssignments" => &[&["principal", "role"]],
            "roleSettings" => &[&["role"]],
            _ => &[&["id"], &["displayName"]],
        };
        for keys in keyed {
            if let Some(i) = free().find(|i| keys.iter().all(|k| agree(&exported[*i], k))) {
                return Some(i);
            }
        }
        let named = ["id", "displayName", "principal", "role"]
            .iter()
            .any(|k| d.get(k).is_some());
        if named {
            return None;
        }
        free().find(|i| same(d, &exported[*i], &self.aliases))
    }

    fn differs(&mut self, path: &str, declared: &Node, exported: &Node) {
        let message = format!(
            "{path}: declared `{}`, exported `{}` ({})",
            show(declared),
            show(exported),
            self.exported.cite(exported.span)
        );
        self.out.push(
            Diagnostic::new(DRIFT, Severity::Warning, declared.span, message)
                .with_label("the tenant has another value")
                .with_help("change the tenant to the declared value, or declare the value it has")
                .with_path(path),
        );
    }

    /// An exported setting the declaration leaves out: noted unless it holds nothing, describes
    /// the object, or is Entra's default (which is what leaving it out declares).
    fn undeclared(&mut self, path: &str, exported: &Node) {
        let key = path.rsplit(['.', ']']).next().unwrap_or(path);
        if is_unset(exported) || METADATA.contains(&key) || self.at_default(path, exported) {
            return;
        }
        match &exported.value {
            Value::Map(entries) => {
                for e in entries {
                    if let Some(key) = e.key.as_str() {
                        self.undeclared(&join(path, key), &e.value);
                    }
                }
            }
            Value::Seq(items) if !is_scalars(items) => {
                for item in items {
                    self.undeclared_item(path, item);
                }
            }
            _ => {
                let message = format!(
                    "{path}: exported `{}` ({}) is not declared",
                    show(exported),
                    self.exported.cite(exported.span)
                );
                self.note(path, message);
            }
        }
    }

    fn undeclared_item(&mut self, path: &str, exported: &Node) {
        let item_path = format!("{path}{}", item_name(path, exported));
        let message = format!(
            "{item_path}: exported ({}) but not declared",
            self.exported.cite(exported.span)
        );
        self.note(&item_path, message);
    }

    fn note(&mut self, path: &str, message: String) {
        let mut diagnostic = Diagnostic::new(UNDECLARED, Severity::Info, self.anchor, message)
            .with_label("declared tenant")
            .with_help("declare it, so the repository says what the tenant has")
            .with_path(path);
        // Notes share a span: the path tells them apart in fingerprints.
        diagnostic.value = Some(path.to_string());
        self.out.push(diagnostic);
    }

    /// Whether an exported value is what Entra has when the setting is left out.
    fn at_default(&self, path: &str, exported: &Node) -> bool {
        let generic = generic_path(path);
        if let Some((_, value)) = GRAPH_DEFAULTS.iter().find(|(p, _)| *p == generic) {
            let default = Node::new(Span::default(), Value::Str(value.to_string()));
            return same(&default, exported, &self.aliases)
                || matches!(&exported.value, Value::Seq(items) if items.len() == 1 && same(&default, &items[0], &self.aliases));
        }
        let Some(default) = crate::model::defaults::default_for(&generic) else {
            return false;
        };
        let default = json_node(default.value(self.kind));
        if is_unset(&default) {
            return is_unset(exported);
        }
        same(&default, exported, &self.aliases)
    }
}

/// Values Graph reports for a property a policy leaves out, beyond the tenant defaults in
/// `rules/data`: a Conditional Access policy without client app types applies to every client.
const GRAPH_DEFAULTS: &[(&str, &str)] = &[(
    "conditionalAccessPolicies[].conditions.clientAppTypes",
    "all",
)];

/// `section[displayName=…].key` as the defaults name it: `section[].key`.
fn generic_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '[' => {
                if depth == 0 {
                    out.push('[');
                }
                depth += 1;
            }
            ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    out.push(']');
                }
            }
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

/// A default from `rules/data` as a tree node, to compare like any declared value.
fn json_node(value: &serde_json::Value) -> Node {
    let span = Span::default();
    Node::new(
        span,
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or_default()),
            serde_json::Value::String(s) => Value::Str(s.clone()),
            serde_json::Value::Array(items) => Value::Seq(items.iter().map(json_node).collect()),
            serde_json::Value::Object(_) => Value::Map(Vec::new()),
        },
    )
}

fn is_scalars(items: &[Node]) -> bool {
    items
        .iter()
        .all(|i| !matches!(i.value, Value::Map(_) | Value::Seq(_)))
}

/// How an item is named in a path: `[displayName=CA001 …]`, `[principal=…,role=…]`, or its
/// place in the list.
fn item_name(path: &str, item: &Node) -> String {
    let text = |key: &str| item.get(key).map(show);
    if path == "roleAssignments"
        && let (Some(p), Some(r)) = (text("principal"), text("role"))
    {
        return format!("[principal={p},role={r}]");
    }
    for key in ["role", "displayName", "id"] {
        if key == "role" && path != "roleSettings" {
            continue;
        }
        if let Some(name) = text(key) {
            return format!("[{key}={name}]");
        }
    }
    format!("[{}]", show(item))
}
