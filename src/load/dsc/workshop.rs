//! The Microsoft365DscWorkshop (Datum) layout: one YAML file per composite resource, named `c`
//! and the DSC resource name (`cAADAuthorizationPolicy.yml`), whose keys are the resource's
//! parameters; a multi-instance resource lists its instances under `Items`.

use super::map::RESOURCES;
use super::parse::{Item, Prop, PsValue, Resource};
use crate::tree::{Node, Value};

/// The resource a file name stands for: its stem ends in `c<Resource>` (any case), after a
/// character that is not a letter or digit, as sample copies prefix the name.
pub fn resource_of(stem: &str) -> Option<&'static str> {
    // Asked of every YAML file a run finds, against every resource: compared in place, with no
    // `c<Resource>` made to compare with.
    RESOURCES.iter().copied().find(|resource| {
        let Some(split) = stem.len().checked_sub(resource.len() + 1) else {
            return false;
        };
        let (Some(before), Some(c), Some(name)) = (
            stem.get(..split),
            stem.get(split..split + 1),
            stem.get(split + 1..),
        ) else {
            return false;
        };
        c.eq_ignore_ascii_case("c")
            && name.eq_ignore_ascii_case(resource)
            && !before.ends_with(|c: char| c.is_alphanumeric())
    })
}

/// The resource blocks of a Workshop file's YAML tree.
pub fn resources(kind: &str, root: &Node) -> Vec<Resource> {
    let Some(entries) = root.as_map() else {
        return Vec::new();
    };
    let items = entries.iter().find(|e| {
        e.key
            .as_str()
            .is_some_and(|k| k.eq_ignore_ascii_case("Items"))
    });
    let instances: Vec<&Node> = match items.map(|e| &e.value.value) {
        Some(Value::Seq(items)) => items.iter().collect(),
        _ => vec![root],
    };
    instances
        .into_iter()
        .filter_map(|node| {
            let entries = node.as_map()?;
            let header = entries.first().map_or(node.span, |e| e.key.span);
            Some(Resource {
                kind: kind.to_string(),
                header,
                span: node.span,
                props: entries
                    .iter()
                    .filter_map(|e| {
                        Some(Prop {
                            name: e.key.as_str()?.to_string(),
                            name_span: e.key.span,
                            value: item(&e.value),
                        })
                    })
                    .collect(),
            })
        })
        .collect()
}

/// A YAML value as a DSC value. A Datum expression, `'[x={ <PowerShell> }=]'`, is computed
/// when the configuration is built: only PowerShell knows its value.
fn item(node: &Node) -> Item {
    let value = match &node.value {
        Value::Str(s) if s.trim_start().starts_with("[x=") && s.trim_end().ends_with("=]") => {
            PsValue::Unresolved(s.clone())
        }
        Value::Str(s) => PsValue::Str(s.clone()),
        Value::Bool(b) => PsValue::Bool(*b),
        Value::Int(n) => PsValue::Int(*n),
        Value::Float(f) => PsValue::Str(f.to_string()),
        Value::Null => PsValue::Null,
        Value::Seq(items) => PsValue::Array(items.iter().map(item).collect()),
        Value::Map(entries) => PsValue::Hash(
            entries
                .iter()
                .filter_map(|e| {
                    Some(Prop {
                        name: e.key.as_str()?.to_string(),
                        name_span: e.key.span,
                        value: item(&e.value),
                    })
                })
                .collect(),
        ),
    };
    Item {
        value,
        span: node.span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_name_the_resource() {
        assert_eq!(
            resource_of("cAADAuthorizationPolicy"),
            Some("AADAuthorizationPolicy")
        );
        assert_eq!(
            resource_of("m365dscworkshop_Dev_AzureAd_cAADRoleSetting"),
            Some("AADRoleSetting")
        );
        assert_eq!(resource_of("cAADGroupLifecyclePolicy"), None);
        assert_eq!(resource_of("xcAADRoleSetting"), None);
        assert_eq!(resource_of("Configurations"), None);
        // Any case; a letter that is not ASCII neither stands for the `c` nor may come before it.
        assert_eq!(resource_of("copy-CAADROLESETTING"), Some("AADRoleSetting"));
        assert_eq!(resource_of("\u{e9}AADRoleSetting"), None);
        assert_eq!(resource_of("\u{e9}cAADRoleSetting"), None);
    }
}
