//! What the model says about a key: read from the JSON Schema entralint generates from the model
//! (`entralint schema`), so hover and completion know every section, key, type and enum the
//! loader does.

use std::sync::LazyLock;

use serde_json::Value;

use crate::model::schema::tenant_schema_json;

static SCHEMA: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(&tenant_schema_json()).unwrap_or(Value::Null));

/// One step of a document path: a key, or `[]` for any item of a list.
pub const ITEM: &str = "[]";

/// A key of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    /// What it holds, for people: `boolean`, `one of …`, `a mapping`, `a list of mappings`.
    pub kind: String,
    /// The section's or the value type's description.
    pub description: Option<String>,
    /// The values an enum or a boolean takes.
    pub values: Vec<String>,
    /// Whether it holds keys of its own (a section, or a list of mappings).
    pub nested: bool,
}

/// The dotted document path of a key path: `users[].userType`.
pub fn dotted(path: &[String]) -> String {
    let mut out = String::new();
    for segment in path {
        if segment != ITEM && !out.is_empty() {
            out.push('.');
        }
        out.push_str(segment);
    }
    out
}

/// Follows `anyOf` (nullable settings) and `$ref`s to the schema that describes a value.
fn resolve(mut schema: &Value) -> &Value {
    for _ in 0..8 {
        if let Some(first) = schema.pointer("/anyOf/0")
            && schema.pointer("/anyOf/1/type") == Some(&Value::from("null"))
        {
            schema = first;
            continue;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str)
            && let Some(name) = reference.strip_prefix("#/$defs/")
            && let Some(def) = SCHEMA.pointer(&format!("/$defs/{name}"))
        {
            schema = def;
            continue;
        }
        break;
    }
    schema
}

/// The schema of the value at a key path; the root for an empty path.
fn at(path: &[String]) -> Option<&'static Value> {
    let mut schema = resolve(&SCHEMA);
    for segment in path {
        schema = if segment == ITEM {
            resolve(schema.get("items")?)
        } else {
            resolve(schema.get("properties")?.get(segment)?)
        };
    }
    Some(schema)
}

/// The keys a mapping at `path` may hold (a list's items, when `path` names a list).
pub fn children(path: &[String]) -> Vec<Key> {
    let Some(mut schema) = at(path) else {
        return Vec::new();
    };
    if let Some(items) = schema.get("items") {
        schema = resolve(items);
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| describe(name, property))
        .collect()
}

/// The key at the end of `path`.
pub fn key(path: &[String]) -> Option<Key> {
    let (last, parent) = path.split_last()?;
    if last == ITEM {
        return None;
    }
    let mut schema = at(parent)?;
    if let Some(items) = schema.get("items") {
        schema = resolve(items);
    }
    let property = schema.get("properties")?.get(last)?;
    Some(describe(last, property))
}

fn describe(name: &str, property: &Value) -> Key {
    let value = resolve(property);
    let text = |v: &Value| {
        v.get("description")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mut values: Vec<String> = value
        .get("enum")
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let is_bool = value.get("type") == Some(&Value::from("boolean"))
        || value.pointer("/anyOf/0/type") == Some(&Value::from("boolean"));
    if is_bool {
        values = vec!["true".to_string(), "false".to_string()];
    }
    // Role names are open-ended (custom roles by id), but the built-in ones are worth offering.
    let examples: Vec<String> = value
        .get("examples")
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let items = value.get("items").map(resolve);
    let kind = if !values.is_empty() && !is_bool {
        format!("one of {}", values.join(", "))
    } else if is_bool {
        "boolean".to_string()
    } else if let Some(items) = items {
        match items.get("type").and_then(Value::as_str) {
            Some("object") => "a list of mappings".to_string(),
            Some(other) => format!("a list of {other}s"),
            None => "a list".to_string(),
        }
    } else {
        match value.get("type").and_then(Value::as_str) {
            Some("object") => "a mapping".to_string(),
            Some(other) => other.to_string(),
            None => "a value".to_string(),
        }
    };
    let nested =
        value.get("properties").is_some() || items.is_some_and(|i| i.get("properties").is_some());
    Key {
        name: name.to_string(),
        kind,
        description: text(value).or_else(|| items.and_then(text)),
        values: if values.is_empty() { examples } else { values },
        nested,
    }
}

/// Whether a mapping at `path` is one of the model's (so its keys can be completed).
pub fn is_mapping(path: &[String]) -> bool {
    at(path).is_some_and(|s| {
        s.get("properties").is_some()
            || s.get("items")
                .map(resolve)
                .is_some_and(|i| i.get("properties").is_some())
    })
}

/// The root's properties, for tests.
#[cfg(test)]
fn root() -> Option<&'static serde_json::Map<String, Value>> {
    SCHEMA.get("properties")?.as_object()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> Vec<String> {
        text.split('.').map(str::to_string).collect()
    }

    #[test]
    fn keys_enums_and_items_come_from_the_model() {
        assert!(root().unwrap().contains_key("authorizationPolicy"));
        let invites = key(&path("authorizationPolicy.allowInvitesFrom")).unwrap();
        assert!(
            invites
                .values
                .contains(&"adminsAndGuestInviters".to_string())
        );
        let apps = key(&path(
            "authorizationPolicy.defaultUserRolePermissions.allowedToCreateApps",
        ))
        .unwrap();
        assert_eq!(apps.values, ["true", "false"]);
        let users = vec!["users".to_string(), ITEM.to_string()];
        assert!(children(&users).iter().any(|k| k.name == "userType"));
        assert!(
            children(&["users".to_string()])
                .iter()
                .any(|k| k.name == "userType")
        );
        let user_type = key(&[users, vec!["userType".to_string()]].concat()).unwrap();
        assert_eq!(user_type.values, ["Member", "Guest"]);
        assert!(key(&path("authorizationPolicy.nope")).is_none());
        assert_eq!(
            dotted(&["users".into(), ITEM.into(), "userType".into()]),
            "users[].userType"
        );
    }
}
