//! Conversions between the model's values and the `cel` crate's, for the expressions the fast
//! evaluator hands to the CEL interpreter.

use std::sync::Arc;

use crate::model::value::{Key, Val};

impl Val {
    /// The same value for the CEL interpreter, which runs what the fast evaluator does not cover.
    pub fn to_cel(&self) -> cel::Value {
        use cel::objects::Key as CelKey;
        match self {
            Val::Null => cel::Value::Null,
            Val::Bool(b) => cel::Value::Bool(*b),
            Val::Int(n) => cel::Value::Int(*n),
            Val::UInt(n) => cel::Value::UInt(*n),
            Val::Float(f) => cel::Value::Float(*f),
            Val::Str(s) => cel::Value::String(Arc::new(s.to_string())),
            Val::List(items) => cel::Value::List(Arc::new(items.iter().map(Val::to_cel).collect())),
            Val::Map(fields) => {
                let map: std::collections::HashMap<CelKey, cel::Value> = fields
                    .iter()
                    .map(|(k, v)| (CelKey::String(Arc::new(k.as_str().to_string())), v.to_cel()))
                    .collect();
                cel::Value::Map(map.into())
            }
            Val::Timestamp(t) => cel::Value::Timestamp(*t),
            Val::Duration(d) => cel::Value::Duration(*d),
        }
    }

    /// A value the CEL interpreter produced, for messages and the fallback path.
    pub fn from_cel(value: &cel::Value) -> Val {
        match value {
            cel::Value::Null => Val::Null,
            cel::Value::Bool(b) => Val::Bool(*b),
            cel::Value::Int(n) => Val::Int(*n),
            cel::Value::UInt(n) => Val::UInt(*n),
            cel::Value::Float(f) => Val::Float(*f),
            cel::Value::String(s) => Val::str(s),
            cel::Value::List(items) => Val::list(items.iter().map(Val::from_cel).collect()),
            cel::Value::Map(map) => {
                let mut fields: Vec<(Key, Val)> = map
                    .map
                    .iter()
                    .map(|(k, v)| {
                        let key = match k {
                            cel::objects::Key::String(s) => s.to_string(),
                            other => format!("{other:?}"),
                        };
                        (Key::Owned(Arc::from(key)), Val::from_cel(v))
                    })
                    .collect();
                fields.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
                Val::map(fields)
            }
            cel::Value::Timestamp(t) => Val::Timestamp(*t),
            cel::Value::Duration(d) => Val::Duration(*d),
            other => Val::str(&format!("{other:?}")),
        }
    }
}
