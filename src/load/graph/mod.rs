//! Microsoft Graph responses saved as JSON: one response per file, recognised by
//! `@odata.context` or by the shape of its objects, turned into format-v1 sections whose spans
//! point into the response (docs/graph-json.md).

pub mod access;
pub mod convert;
pub mod folder;
pub mod json;

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::load::is_tenant_key;
use crate::tree::{Document, Node, Value};
use convert::{Kind, Owner, Sections};

/// What a file's place in an export folder says about it (EntraExporter's layout).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hint {
    /// The kind of object the folder holds, for files saved without `@odata.context`.
    pub kind: Option<Kind>,
    /// The object whose owners the file lists.
    pub owner_of: Option<Owner>,
}

/// A Graph file after reading: its sections (to merge with others of the same tenant) and its
/// syntax problems.
#[derive(Debug)]
pub struct Response {
    pub sections: Sections,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the file could be read to its end.
    pub complete: bool,
}

/// Reads `text` as a Graph response; None when it is not one (a tenant file written as JSON,
/// or a response from an endpoint entralint does not read).
pub fn read(text: &str, hint: &Hint) -> Option<Response> {
    if !looks_like_json(text) {
        return None;
    }
    let parsed = json::parse(text);
    let Some(root) = parsed.root else {
        // A response that does not parse is still a Graph file when it says so.
        if !text.contains("\"@odata.context\"") {
            return None;
        }
        return Some(Response {
            sections: Sections::default(),
            diagnostics: parsed.diagnostics,
            complete: false,
        });
    };
    let mut sections = Sections::default();
    if !gather(&root, hint, &mut sections) {
        return None;
    }
    let mut diagnostics = parsed.diagnostics;
    diagnostics.extend(users_without_type(&root));
    Some(Response {
        sections,
        diagnostics,
        complete: true,
    })
}

/// `GET /users` without `$select` leaves out `userType` and `accountEnabled`: the guest and
/// disabled-account rules would judge defaults, so the response says so once.
fn users_without_type(root: &Node) -> Option<Diagnostic> {
    let context = root.get("@odata.context").and_then(Node::as_str)?;
    if convert::kind_from_context(context) != Some(Kind::User) {
        return None;
    }
    let list = root.entry("value")?;
    let Value::Seq(items) = &list.value.value else {
        return None;
    };
    let lacks = |key: &str| !items.is_empty() && items.iter().all(|u| u.get(key).is_none());
    let missing: Vec<&str> = ["userType", "accountEnabled"]
        .into_iter()
        .filter(|k| lacks(k))
        .collect();
    if missing.is_empty() {
        return None;
    }
    Some(
        Diagnostic::new(
            "graph-property-missing",
            Severity::Info,
            list.key.span,
            format!(
                "no user in this response has {}: rules about guests and disabled accounts see Entra's defaults for them",
                missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" or ")
            ),
        )
        .with_label("users without these properties")
        .with_help("request them: GET /users?$select=id,displayName,userPrincipalName,userType,accountEnabled,onPremisesSyncEnabled,creationType"),
    )
}

/// Loads one Graph response as its own tenant document.
pub fn load(text: &str) -> Option<(Document, Vec<Diagnostic>)> {
    let response = read(text, &Hint::default())?;
    let root = response
        .complete
        .then(|| response.sections.into_root(Span::new(0, 0)));
    Some((
        Document {
            root,
            comments: Vec::new(),
        },
        response.diagnostics,
    ))
}

fn looks_like_json(text: &str) -> bool {
    matches!(
        text.trim_start_matches('\u{feff}')
            .trim_start()
            .as_bytes()
            .first(),
        Some(b'{' | b'[')
    )
}

/// Adds what `root` holds to `sections`; false when it is not a Graph response entralint reads.
fn gather(root: &Node, hint: &Hint, sections: &mut Sections) -> bool {
    let owner_of = hint.owner_of.as_ref();
    match &root.value {
        Value::Map(entries) => {
            // A tenant file written as JSON is loaded as one, not as a response.
            if entries
                .iter()
                .any(|e| e.key.as_str().is_some_and(is_tenant_key))
            {
                return false;
            }
            if crate::load::scuba::is_export(root) {
                crate::load::scuba::gather(root, sections);
                return true;
            }
            let context = root.get("@odata.context").and_then(Node::as_str);
            let context_kind = context.and_then(convert::kind_from_context);
            if context.is_some() && context_kind.is_none() {
                return false;
            }
            match root.entry("value") {
                Some(list) if matches!(list.value.value, Value::Seq(_)) => {
                    let Value::Seq(items) = &list.value.value else {
                        return false;
                    };
                    let mut found = false;
                    for item in items {
                        if let Some(kind) = context_kind
                            .or(hint.kind)
                            .or_else(|| convert::kind_from_shape(item))
                        {
                            sections.note_list(kind, list.key.span);
                            sections.add(kind, item, owner_of);
                            found = true;
                        }
                    }
                    if let Some(kind) = context_kind {
                        sections.note_list(kind, list.key.span);
                        found = true;
                    }
                    found
                }
                // A single object under `value` (as Graph's crossTenantAccessPolicy example
                // shows it).
                Some(object)
                    if object.value.as_map().is_some()
                        && context_kind
                            .or(hint.kind)
                            .or_else(|| convert::kind_from_shape(&object.value))
                            .is_some() =>
                {
                    let kind = context_kind
                        .or(hint.kind)
                        .or_else(|| convert::kind_from_shape(&object.value));
                    if let Some(kind) = kind {
                        sections.add(kind, &object.value, owner_of);
                    }
                    true
                }
                _ => match context_kind
                    .or(hint.kind)
                    .or_else(|| convert::kind_from_shape(root))
                {
                    Some(kind) => {
                        sections.add(kind, root, owner_of);
                        true
                    }
                    None => false,
                },
            }
        }
        Value::Seq(items) => {
            // A bare array of objects (the beta collection with its envelope removed).
            let mut found = false;
            for item in items {
                if let Some(kind) = hint.kind.or_else(|| convert::kind_from_shape(item)) {
                    sections.add(kind, item, owner_of);
                    found = true;
                }
            }
            found
        }
        _ => false,
    }
}
