//! The M365DSC.CompositeResources data file: `@{ NonNodeData = @{ AzureAD = @{ … } } }`, where
//! each key under `AzureAD` is a resource name without its `AAD` prefix (`AuthorizationPolicy`,
//! `GroupsSettings`, `RoleSettings`), holding one hashtable or an array of them.

use super::lexer::Token;
use super::map::RESOURCES;
use super::parse::{Item, Parser, Prop, PsValue, Resource, SyntaxError, fill_unresolved, find};

/// The resources of a data file; None when it has no `NonNodeData.AzureAD` table (a
/// `ConfigurationData.psd1` with only node and connection data, or another data file).
pub fn resources(text: &str, tokens: &[Token]) -> Option<Result<Vec<Resource>, SyntaxError>> {
    let mut parser = Parser::new(tokens, text.len());
    if parser.at_end() {
        return None;
    }
    let root = match parser.value(0, false) {
        Ok(root) => root,
        Err(err) => return Some(Err(err)),
    };
    if !parser.at_end() {
        return Some(Err(SyntaxError {
            span: root.span,
            message: "a data file holds one hashtable, `@{ … }`; more follows it".to_string(),
        }));
    }
    let PsValue::Hash(top) = &root.value else {
        return None;
    };
    let non_node = hash(find(top, "NonNodeData")?)?;
    let azure_ad = hash(find(non_node, "AzureAD")?)?;
    let mut out = Vec::new();
    for section in azure_ad {
        // A section entralint does not read keeps its name, to be counted as not checked.
        let kind = resource_kind(&section.name)
            .map(str::to_string)
            .unwrap_or_else(|| format!("AAD{}", section.name));
        let items: Vec<&Item> = match &section.value.value {
            PsValue::Array(items) => items.iter().collect(),
            _ => vec![&section.value],
        };
        for item in items {
            let PsValue::Hash(props) = &item.value else {
                continue;
            };
            let mut props = props.clone();
            fill_unresolved(&mut props, text);
            placeholders(&mut props);
            out.push(Resource {
                kind: kind.clone(),
                header: section.name_span,
                span: item.span,
                props,
            });
        }
    }
    Some(Ok(out))
}

fn hash(prop: &Prop) -> Option<&[Prop]> {
    match &prop.value.value {
        PsValue::Hash(props) => Some(props),
        _ => None,
    }
}

/// `AuthorizationPolicy` is `AADAuthorizationPolicy`; a plural names a multi-instance resource
/// (`RoleSettings`).
fn resource_kind(section: &str) -> Option<&'static str> {
    let singular = section.strip_suffix(['s', 'S']);
    // `ConditionalAccessPolicies` is `AADConditionalAccessPolicy`.
    let ies = section
        .strip_suffix("ies")
        .or_else(|| section.strip_suffix("IES"))
        .map(|stem| format!("{stem}y"));
    RESOURCES.iter().copied().find(|r| {
        let name = &r[3..];
        name.eq_ignore_ascii_case(section)
            || singular.is_some_and(|s| name.eq_ignore_ascii_case(s))
            || ies.as_deref().is_some_and(|s| name.eq_ignore_ascii_case(s))
    })
}

/// Strings holding `{{Placeholder}}` are filled in by a pipeline before DSC sees them: their
/// value is not known here.
fn placeholders(props: &mut [Prop]) {
    for prop in props {
        placeholder_item(&mut prop.value);
    }
}

fn placeholder_item(item: &mut Item) {
    match &mut item.value {
        PsValue::Str(s) if s.contains("{{") && s.contains("}}") => {
            item.value = PsValue::Unresolved(s.clone());
        }
        PsValue::Array(items) => items.iter_mut().for_each(placeholder_item),
        PsValue::Hash(props) => placeholders(props),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_names_drop_the_prefix_and_may_be_plural() {
        assert_eq!(
            resource_kind("AuthorizationPolicy"),
            Some("AADAuthorizationPolicy")
        );
        assert_eq!(resource_kind("GroupsSettings"), Some("AADGroupsSettings"));
        assert_eq!(resource_kind("RoleSettings"), Some("AADRoleSetting"));
        assert_eq!(
            resource_kind("ConditionalAccessPolicies"),
            Some("AADConditionalAccessPolicy")
        );
        assert_eq!(resource_kind("GroupLifecyclePolicies"), None);
    }
}
