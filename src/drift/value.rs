//! How two values compare across formats: Entra values and object ids without regard to case, a
//! `"True"`/`"False"` string equal to the boolean another reader produces, a role by its name or
//! its template id, a date equal to midnight UTC of that day, and an exported object id equal to
//! the declared name of the principal it is.

use std::collections::HashMap;

use crate::tree::{Node, Value};

/// A scalar in the form two formats agree on.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
}

/// Exported object ids (lowercase) mapped to the declared ids of the same principals.
pub type Aliases = HashMap<String, String>;

/// The comparable form of a scalar node; None for a list or a mapping. `aliases` is given for an
/// exported value.
pub fn scalar(node: &Node, aliases: Option<&Aliases>) -> Option<Scalar> {
    Some(match &node.value {
        Value::Null => Scalar::Null,
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Int(n) => Scalar::Number(*n as f64),
        Value::Float(n) => Scalar::Number(*n),
        Value::Str(s) => text(s, aliases),
        Value::Seq(_) | Value::Map(_) => return None,
    })
}

fn text(raw: &str, aliases: Option<&Aliases>) -> Scalar {
    let trimmed = raw.trim();
    if trimmed.eq_ignore_ascii_case("true") {
        return Scalar::Bool(true);
    }
    if trimmed.eq_ignore_ascii_case("false") {
        return Scalar::Bool(false);
    }
    if let Ok(n) = trimmed.parse::<f64>()
        && n.is_finite()
    {
        return Scalar::Number(n);
    }
    let lower = trimmed.to_lowercase();
    if let Some(declared) = aliases.and_then(|a| a.get(&lower)) {
        return Scalar::Text(declared.clone());
    }
    if let Some(role) = crate::model::catalog::role(trimmed) {
        return Scalar::Text(role.id.to_lowercase());
    }
    if let Some(instant) = instant(trimmed) {
        return Scalar::Text(instant);
    }
    Scalar::Text(lower)
}

/// A date or a date and time as one UTC instant, so `2027-06-30` equals `2027-06-30T00:00:00Z`.
fn instant(text: &str) -> Option<String> {
    let at = if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        t.with_timezone(&chrono::Utc)
    } else {
        let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        day.and_hms_opt(0, 0, 0)?.and_utc()
    };
    Some(at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// Whether an exported value holds nothing: Graph's way of saying a setting is not set.
pub fn is_unset(node: &Node) -> bool {
    match &node.value {
        Value::Null => true,
        Value::Str(s) => s.is_empty(),
        Value::Seq(items) => items.is_empty(),
        Value::Map(entries) => entries.iter().all(|e| is_unset(&e.value)),
        _ => false,
    }
}

/// Whether a declared value and an exported one say the same, to any depth. A mapping agrees
/// when every declared key the export sets agrees; a declared name agrees with an exported object
/// whose `id` or `displayName` it is; lists agree as sets.
pub fn same(declared: &Node, exported: &Node, aliases: &Aliases) -> bool {
    match (&declared.value, &exported.value) {
        (Value::Map(entries), Value::Map(_)) => entries.iter().all(|d| {
            let Some(key) = d.key.as_str() else {
                return true;
            };
            match exported.get(key) {
                Some(e) if !matches!(e.value, Value::Null) => same(&d.value, e, aliases),
                _ => true,
            }
        }),
        (Value::Seq(d), Value::Seq(e)) => {
            d.iter().all(|x| e.iter().any(|y| same(x, y, aliases)))
                && e.iter().all(|y| d.iter().any(|x| same(x, y, aliases)))
        }
        (Value::Map(_) | Value::Seq(_), _) => false,
        (_, Value::Map(_)) => ["id", "displayName"]
            .iter()
            .filter_map(|k| exported.get(k))
            .any(|e| same(declared, e, aliases)),
        (_, Value::Seq(_)) => false,
        _ => scalar(declared, None) == scalar(exported, Some(aliases)),
    }
}

/// A value as a message shows it: a scalar as written, a list in brackets, a mapping by its
/// `displayName` or `id` when it has one. Long values are cut.
pub fn show(node: &Node) -> String {
    let mut shown = match &node.value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Float(n) => n.to_string(),
        Value::Str(s) => s.clone(),
        Value::Seq(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(_) => match node.get("displayName").or(node.get("id")) {
            Some(name) => show(name),
            None => "{…}".to_string(),
        },
    };
    const MAX: usize = 120;
    if shown.chars().count() > MAX {
        shown = shown.chars().take(MAX - 1).collect::<String>() + "…";
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;

    fn s(text: &str) -> Node {
        Node::new(Span::default(), Value::Str(text.to_string()))
    }

    #[test]
    fn formats_agree_on_case_booleans_roles_and_dates() {
        let none = Aliases::new();
        assert!(same(&s("Everyone"), &s("everyone"), &none));
        assert!(same(
            &s("False"),
            &Node::new(Span::default(), Value::Bool(false)),
            &none
        ));
        assert!(same(
            &s("Global Administrator"),
            &s("62E90394-69F5-4237-9190-012177145E10"),
            &none
        ));
        assert!(same(&s("2027-06-30"), &s("2027-06-30T00:00:00Z"), &none));
        assert!(!same(&s("enabled"), &s("disabled"), &none));
        assert!(!same(
            &s("True"),
            &Node::new(Span::default(), Value::Bool(false)),
            &none
        ));
    }

    #[test]
    fn an_exported_id_is_the_principal_it_aliases() {
        let mut aliases = Aliases::new();
        aliases.insert(
            "11111111-1111-1111-1111-111111111111".into(),
            "bg1@contoso.com".into(),
        );
        assert!(same(
            &s("BG1@contoso.com"),
            &s("11111111-1111-1111-1111-111111111111"),
            &aliases
        ));
        assert!(!same(
            &s("bg2@contoso.com"),
            &s("11111111-1111-1111-1111-111111111111"),
            &aliases
        ));
    }
}
