//! The values rule conditions work on: CEL's types, cheap to clone, with mappings as small lists
//! (a tenant's objects have a handful of keys, and a scan beats hashing them).

use std::fmt::Write as _;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeDelta};

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Arc<str>),
    List(Arc<Vec<Val>>),
    Map(Arc<Vec<(Key, Val)>>),
    Timestamp(DateTime<FixedOffset>),
    Duration(TimeDelta),
}

/// A mapping key: the model's field names are static, parameters bring their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Static(&'static str),
    Owned(Arc<str>),
}

impl Key {
    pub fn as_str(&self) -> &str {
        match self {
            Key::Static(s) => s,
            Key::Owned(s) => s,
        }
    }
}

impl Val {
    /// Whether the values are equal, found quickly where they share their text, items or fields
    /// (as the values of undeclared settings made on one thread do).
    pub fn same(&self, other: &Val) -> bool {
        match (self, other) {
            (Val::Str(a), Val::Str(b)) => Arc::ptr_eq(a, b) || a == b,
            (Val::List(a), Val::List(b)) => {
                Arc::ptr_eq(a, b)
                    || (a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.same(y)))
            }
            (Val::Map(a), Val::Map(b)) => {
                Arc::ptr_eq(a, b)
                    || (a.len() == b.len()
                        && a.iter()
                            .zip(b.iter())
                            .all(|((ka, va), (kb, vb))| ka == kb && va.same(vb)))
            }
            _ => self == other,
        }
    }

    pub fn str(text: &str) -> Val {
        Val::Str(Arc::from(text))
    }

    pub fn list(items: Vec<Val>) -> Val {
        Val::List(Arc::new(items))
    }

    pub fn map(fields: Vec<(Key, Val)>) -> Val {
        Val::Map(Arc::new(fields))
    }

    /// A mapping's value under `key`.
    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Map(fields) => fields
                .iter()
                .find(|(k, _)| k.as_str() == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> &[(Key, Val)] {
        match self {
            Val::Map(fields) => fields,
            _ => &[],
        }
    }

    pub fn as_list(&self) -> &[Val] {
        match self {
            Val::List(items) => items,
            _ => &[],
        }
    }

    /// CEL's name for the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "bool",
            Val::Int(_) => "int",
            Val::UInt(_) => "uint",
            Val::Float(_) => "double",
            Val::Str(_) => "string",
            Val::List(_) => "list",
            Val::Map(_) => "map",
            Val::Timestamp(_) => "timestamp",
            Val::Duration(_) => "duration",
        }
    }

    /// The value as message text: lists joined with commas, mappings with their keys in order.
    pub fn show(&self) -> String {
        let mut out = String::new();
        self.show_into(&mut out);
        out
    }

    pub fn show_into(&self, out: &mut String) {
        match self {
            Val::Str(s) => out.push_str(s),
            Val::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Val::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Val::UInt(n) => {
                let _ = write!(out, "{n}");
            }
            Val::Float(f) => {
                let _ = write!(out, "{f}");
            }
            Val::Null => out.push_str("null"),
            Val::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.show_into(out);
                }
            }
            Val::Duration(d) => {
                let _ = write!(out, "{} days", d.num_days());
            }
            Val::Timestamp(t) => out.push_str(&t.to_rfc3339()),
            Val::Map(fields) => {
                let mut entries: Vec<(&str, String)> =
                    fields.iter().map(|(k, v)| (k.as_str(), v.show())).collect();
                entries.sort();
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{k}: {v}");
                }
                out.push('}');
            }
        }
    }

    pub fn from_json(value: &serde_json::Value) -> Val {
        match value {
            serde_json::Value::Null => Val::Null,
            serde_json::Value::Bool(b) => Val::Bool(*b),
            serde_json::Value::Number(n) => n
                .as_i64()
                .map(Val::Int)
                .unwrap_or_else(|| Val::Float(n.as_f64().unwrap_or_default())),
            serde_json::Value::String(s) => Val::str(s),
            serde_json::Value::Array(items) => {
                Val::list(items.iter().map(Val::from_json).collect())
            }
            serde_json::Value::Object(map) => Val::map(
                map.iter()
                    .map(|(k, v)| (Key::Owned(Arc::from(k.as_str())), Val::from_json(v)))
                    .collect(),
            ),
        }
    }
}
