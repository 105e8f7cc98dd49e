//! The JSON Schema (draft 2020-12) of the tenant file, generated from the model: every section
//! and enum of `sections.rs` describes itself (see the `section!` and `string_enum!` macros), and
//! each setting's description adds Entra's default from `rules/data/defaults.yaml`.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

use super::defaults;
use super::field::{DateTime, DirBool, DirInt, Extends, IsoDuration, Spanned, TabList};
use super::sections::{RoleRef, Tenant};

/// The schema's `$id`: where the published copy lives.
pub const SCHEMA_ID: &str =
    "https://raw.githubusercontent.com/entralint/entralint/main/schema/tenant.schema.json";

/// The whole schema, as the pretty-printed JSON committed in `schema/tenant.schema.json`.
pub fn tenant_schema_json() -> String {
    let mut schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<Tenant>()
        .to_value();
    if let Value::Object(root) = &mut schema {
        root.insert("$id".into(), json!(SCHEMA_ID));
        root.insert("title".into(), json!("entralint tenant file (format v1)"));
        root.insert(
            "description".into(),
            json!("One Entra ID tenant's settings kept as code. A key left out is not declared: Entra's default for the tenant kind applies. https://github.com/entralint/entralint/blob/main/docs/tenant-format.md"),
        );
        if let Some(Value::Object(mut defs)) = root.get_mut("$defs").map(Value::take) {
            describe_defaults(root, &mut defs, "");
            root.insert("$defs".into(), Value::Object(defs));
        }
    }
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Adds Entra's default to the description of every setting that has one, following `$ref`s
/// from the root so each section is visited under its document path (`users[].userType`). The
/// sections that hold defaults are each used at one path only.
fn describe_defaults(schema: &mut Map<String, Value>, defs: &mut Map<String, Value>, path: &str) {
    let Some(Value::Object(properties)) = schema.get_mut("properties") else {
        return;
    };
    let mut nested = Vec::new();
    for (key, property) in properties.iter_mut() {
        let path = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        if let Some(entry) = defaults::default_for(&path) {
            let note = format!(
                "Not declared: Entra's default applies (workforce: {}; external: {}).",
                entry.workforce, entry.external
            );
            property["description"] = json!(note);
        }
        let option = property.pointer("/anyOf/0").cloned().unwrap_or(Value::Null);
        if let Some(name) = def_name(&option) {
            nested.push((name, path));
        } else if let Some(name) = option.get("items").and_then(def_name) {
            nested.push((name, format!("{path}[]")));
        }
    }
    for (name, path) in nested {
        if let Some(Value::Object(mut def)) = defs.get_mut(&name).map(Value::take) {
            describe_defaults(&mut def, defs, &path);
            defs.insert(name, Value::Object(def));
        }
    }
}

fn def_name(schema: &Value) -> Option<String> {
    let reference = schema.get("$ref")?.as_str()?;
    Some(reference.strip_prefix("#/$defs/")?.to_string())
}

/// A section: its declared keys and nothing else, but Graph's `@odata.*` annotations.
pub fn object(description: &str, properties: Map<String, Value>, required: &[&str]) -> Schema {
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "patternProperties": { "^@odata\\.": {} },
        "additionalProperties": false,
    });
    let description = doc_text(description);
    if !description.is_empty() {
        schema["description"] = json!(description);
    }
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    to_schema(schema)
}

/// A setting's schema: Graph writes `null` for "not set", which the loader reads as not declared.
pub fn nullable(schema: Schema) -> Value {
    json!({ "anyOf": [schema.to_value(), { "type": "null" }] })
}

/// A string enum. Entralint matches the values case-insensitively; editors suggest them as written.
pub fn string_enum(description: &str, values: &[&str]) -> Schema {
    let mut schema = json!({ "type": "string", "enum": values });
    let description = doc_text(description);
    if !description.is_empty() {
        schema["description"] = json!(description);
    }
    to_schema(schema)
}

/// Doc comments as one paragraph: macros pass them one line each, with their leading space.
fn doc_text(doc: &str) -> String {
    doc.lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_string()
}

fn to_schema(value: Value) -> Schema {
    match value {
        Value::Object(map) => Schema::from(map),
        _ => Schema::default(),
    }
}

impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

impl JsonSchema for DirBool {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "DirBool".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        to_schema(json!({
            "description": "A directory-setting boolean: true or false, or Graph's strings \"True\"/\"False\" in any case.",
            "anyOf": [
                { "type": "boolean" },
                { "type": "string", "pattern": "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$" }
            ]
        }))
    }
}

impl JsonSchema for DirInt {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "DirInt".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        to_schema(json!({
            "description": "A directory-setting whole number: an integer, or Graph's string of digits (\"10\").",
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": "^\\s*[0-9]+\\s*$" }
            ]
        }))
    }
}

impl JsonSchema for TabList {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "TabList".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        to_schema(json!({
            "description": "A list of words, or Graph's one tab-separated string.",
            "anyOf": [
                { "type": "array", "items": { "type": "string" } },
                { "type": "string" }
            ]
        }))
    }
}

impl JsonSchema for DateTime {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "DateTime".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        to_schema(json!({
            "description": "A date (2026-01-31) or an RFC 3339 date-time (2026-01-31T08:00:00Z).",
            "type": "string",
            "pattern": "^\\d{4}-\\d{2}-\\d{2}([Tt ].*)?$"
        }))
    }
}

impl JsonSchema for Extends {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Extends".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        to_schema(json!({
            "description": "Tenant files this one inherits settings from, relative to this file and inside the repository; later files and this one override earlier ones key by key, and lists replace.",
            "anyOf": [
                { "type": "string", "minLength": 1 },
                { "type": "array", "items": { "type": "string", "minLength": 1 }, "minItems": 1 }
            ]
        }))
    }
}

impl JsonSchema for IsoDuration {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "IsoDuration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        to_schema(json!({
            "description": "An ISO-8601 duration such as P90D or P1Y.",
            "type": "string",
            "pattern": "^P(?=\\d|T\\d)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+S)?)?$"
        }))
    }
}

impl JsonSchema for RoleRef {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "RoleRef".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = super::catalog::roles()
            .iter()
            .filter(|r| r.assignable)
            .map(|r| r.name.as_str())
            .collect();
        to_schema(json!({
            "description": "A directory role: a built-in role's display name or template id (any case), or a custom role's id.",
            "type": "string",
            "examples": names,
        }))
    }
}
