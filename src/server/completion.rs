//! Completion of setting keys and of enum values from the model: in tenant files written as YAML
//! or JSON, and of the properties entralint reads in Microsoft365DSC resource blocks. The
//! document is usually half-typed, so where the cursor is in it is read from the text around
//! it (indentation in YAML, brackets in JSON and PowerShell), not from a parse.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionResponse, Documentation, MarkupContent,
    MarkupKind,
};

use super::hover;
use super::keys::{self, ITEM};
use super::requests::Snapshot;

/// Where the cursor is: at a key of the mapping at `path`, or at the value of `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Key { path: Vec<String>, quoted: bool },
    Value { path: Vec<String>, quoted: bool },
}

pub fn complete(snapshot: &Snapshot, position: lsp_types::Position) -> Option<CompletionResponse> {
    let offset = snapshot.index.editor_offset(position);
    let text = snapshot.index.text();
    let place = if snapshot.name.to_ascii_lowercase().ends_with(".json") {
        json_place(text, offset)?
    } else if snapshot.name.to_ascii_lowercase().ends_with(".ps1")
        || snapshot.name.to_ascii_lowercase().ends_with(".psd1")
    {
        return dsc(snapshot, text, offset);
    } else {
        yaml_place(text, offset)?
    };
    let json = snapshot.name.to_ascii_lowercase().ends_with(".json");
    let kind = snapshot
        .loaded
        .document
        .root
        .as_ref()
        .map_or(crate::model::TenantKind::Workforce, hover::kind);
    let rules = snapshot.context.rules.as_ref();
    let items: Vec<CompletionItem> = match place {
        Place::Key { path, quoted } => {
            if !keys::is_mapping(&path) {
                return None;
            }
            keys::children(&path)
                .into_iter()
                .map(|key| {
                    let full: Vec<String> =
                        path.iter().cloned().chain([key.name.clone()]).collect();
                    let docs = hover::setting(&full, kind, rules);
                    let insert = match (json, quoted) {
                        (true, true) => key.name.clone(),
                        (true, false) => format!("\"{}\": ", key.name),
                        (false, _) if key.nested => format!("{}:", key.name),
                        (false, _) => format!("{}: ", key.name),
                    };
                    CompletionItem {
                        label: key.name.clone(),
                        kind: Some(CompletionItemKind::PROPERTY),
                        detail: Some(key.kind.clone()),
                        documentation: docs.map(markdown),
                        insert_text: Some(insert),
                        ..Default::default()
                    }
                })
                .collect()
        }
        Place::Value { path, quoted } => {
            let key = keys::key(&path)?;
            let boolean = key.kind == "boolean";
            key.values
                .iter()
                .map(|value| {
                    let insert = if json && !quoted && !boolean {
                        format!("\"{value}\"")
                    } else {
                        value.clone()
                    };
                    CompletionItem {
                        label: value.clone(),
                        kind: Some(CompletionItemKind::ENUM_MEMBER),
                        detail: Some(keys::dotted(&path)),
                        insert_text: Some(insert),
                        ..Default::default()
                    }
                })
                .collect()
        }
    };
    (!items.is_empty()).then_some(CompletionResponse::Array(items))
}

/// A dotted setting path as key-path segments: `roleSettings[].x` is `roleSettings`, `[]`, `x`.
fn segments(setting: &str) -> Vec<String> {
    setting
        .split('.')
        .flat_map(|part| match part.strip_suffix(ITEM) {
            Some(key) => vec![key.to_string(), ITEM.to_string()],
            None => vec![part.to_string()],
        })
        .collect()
}

/// Where the cursor is in a Microsoft365DSC block: the resource, the property being typed, and
/// whether its value is being typed.
pub fn dsc_place(text: &str, offset: usize) -> Option<(String, String, bool)> {
    let before = text.get(..offset.min(text.len()))?;
    let mut depth = 0usize;
    let mut open = None;
    for (i, c) in before.char_indices().rev() {
        match c {
            '}' => depth += 1,
            '{' if depth == 0 => {
                open = Some(i);
                break;
            }
            '{' => depth -= 1,
            _ => {}
        }
    }
    let header = before[..open?].trim_end();
    let header = header.rsplit('\n').next()?.trim();
    let resource = header.split_whitespace().next()?.to_string();
    let line = before.rsplit('\n').next()?.trim_start();
    if line.starts_with('#') {
        return None;
    }
    Some(match line.split_once('=') {
        Some((name, _)) => (resource, name.trim().to_string(), true),
        None => (resource, line.to_string(), false),
    })
}

fn dsc(snapshot: &Snapshot, text: &str, offset: usize) -> Option<CompletionResponse> {
    let (resource, name, value) = dsc_place(text, offset)?;
    let properties = crate::load::dsc::map::properties(&resource);
    let rules = snapshot.context.rules.as_ref();
    let kind = crate::model::TenantKind::Workforce;
    let items: Vec<CompletionItem> = if value {
        let property = properties
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(&name))?;
        let values: Vec<String> = match &property.values {
            Some(values) => values.iter().map(|v| format!("\"{v}\"")).collect(),
            None if property.scalar => {
                let key = keys::key(&segments(&property.setting))?;
                if key.kind == "boolean" {
                    vec!["$true".to_string(), "$false".to_string()]
                } else {
                    key.values.iter().map(|v| format!("\"{v}\"")).collect()
                }
            }
            None => Vec::new(),
        };
        values
            .into_iter()
            .map(|v| CompletionItem {
                label: v,
                kind: Some(CompletionItemKind::ENUM_MEMBER),
                detail: Some(property.setting.clone()),
                ..Default::default()
            })
            .collect()
    } else {
        plain_key(&name).or(name.is_empty().then_some(""))?;
        properties
            .iter()
            .map(|p| CompletionItem {
                label: p.name.to_string(),
                kind: Some(CompletionItemKind::PROPERTY),
                detail: Some(p.setting.clone()),
                documentation: hover::setting(&segments(&p.setting), kind, rules).map(markdown),
                insert_text: Some(format!("{} = ", p.name)),
                ..Default::default()
            })
            .collect()
    };
    (!items.is_empty()).then_some(CompletionResponse::Array(items))
}

fn markdown(value: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    })
}

/// A YAML line split into its indentation, list-item dashes and content.
struct Line<'a> {
    /// The column of the first dash, when the line starts a list item.
    dash: Option<usize>,
    /// The column where the content starts.
    column: usize,
    content: &'a str,
}

fn split(line: &str) -> Line<'_> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let mut rest = &line[indent..];
    let mut column = indent;
    let mut dash = None;
    while let Some(after) = rest
        .strip_prefix('-')
        .filter(|a| a.is_empty() || a.starts_with(' '))
    {
        dash.get_or_insert(column);
        let spaces = after.len() - after.trim_start_matches(' ').len();
        column += 1 + spaces;
        rest = &after[spaces..];
    }
    Line {
        dash,
        column,
        content: rest,
    }
}

/// The key of a `key:` line that opens a mapping or list (no value after the colon).
fn opening_key(content: &str) -> Option<&str> {
    let content = match content.find(" #") {
        Some(at) => &content[..at],
        None => content,
    };
    let key = content.trim_end().strip_suffix(':')?;
    plain_key(key)
}

fn plain_key(key: &str) -> Option<&str> {
    let key = key.trim().trim_matches(['"', '\'']);
    (!key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || "_@.$-".contains(c)))
    .then_some(key)
}

/// Where the cursor is in a YAML document, from the lines above it.
pub fn yaml_place(text: &str, offset: usize) -> Option<Place> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let current = split(text.get(line_start..offset)?);
    if current.content.trim_start().starts_with('#') {
        return None;
    }
    let mut path = Vec::new();
    // The column a parent's key must be left of, and the dash column of the list item the
    // cursor is in (a parent may then sit at the dash's own column).
    let mut threshold = current.column;
    let mut item: Option<usize> = current.dash;
    if item.is_some() {
        path.push(ITEM.to_string());
    }
    for line in text[..line_start].lines().rev() {
        let line = split(line.trim_end_matches('\r'));
        let content = line.content.trim_end();
        if content.is_empty() || content.starts_with('#') || content == "---" {
            continue;
        }
        if let Some(dash) = item {
            if line.dash == Some(dash) || line.column > dash {
                // Another item of the same list, or something inside one.
                continue;
            }
            let key = opening_key(content)?;
            path.push(key.to_string());
            threshold = line.column;
            item = line.dash;
            if item.is_some() {
                path.push(ITEM.to_string());
            }
            continue;
        }
        if line.column > threshold || line.column == threshold && line.dash.is_none() {
            continue;
        }
        if line.column < threshold {
            let key = opening_key(content)?;
            path.push(key.to_string());
            threshold = line.column;
        }
        // A dash line at the same column: the cursor's key is in that item's mapping.
        if let Some(dash) = line.dash {
            path.push(ITEM.to_string());
            item = Some(dash);
        }
        if threshold == 0 && item.is_none() {
            break;
        }
    }
    path.reverse();
    let content = current.content;
    match content.split_once(':') {
        Some((key, value))
            if !value.starts_with(|c: char| !c.is_whitespace()) || value.is_empty() =>
        {
            let key = plain_key(key)?;
            let quoted = value.trim_start().starts_with(['"', '\'']);
            path.push(key.to_string());
            Some(Place::Value { path, quoted })
        }
        Some(_) => None,
        None => {
            plain_key(content).or(content.is_empty().then_some(""))?;
            Some(Place::Key {
                path,
                quoted: false,
            })
        }
    }
}

/// Where the cursor is in a JSON document, from the brackets before it.
pub fn json_place(text: &str, offset: usize) -> Option<Place> {
    let before = text.get(..offset.min(text.len()))?;
    // Each open bracket: whether it is an object, and the key it is under.
    let mut stack: Vec<(bool, String)> = Vec::new();
    let mut key: Option<String> = None;
    let mut after_colon = false;
    let mut string: Option<String> = None;
    let mut chars = before.chars();
    while let Some(c) = chars.next() {
        if let Some(s) = string.as_mut() {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    let done = string.take().unwrap_or_default();
                    if !after_colon && stack.last().is_some_and(|(object, _)| *object) {
                        key = Some(done);
                    }
                }
                _ => s.push(c),
            }
            continue;
        }
        match c {
            '"' => string = Some(String::new()),
            ':' => after_colon = true,
            ',' => after_colon = false,
            '{' | '[' => {
                let under = match stack.last() {
                    Some((true, _)) => key.take().unwrap_or_default(),
                    Some((false, _)) => ITEM.to_string(),
                    None => String::new(),
                };
                stack.push((c == '{', under));
                after_colon = false;
            }
            '}' | ']' => {
                stack.pop();
                after_colon = false;
            }
            _ => {}
        }
    }
    let (object, _) = stack.last()?;
    let mut path: Vec<String> = stack
        .iter()
        .skip(1)
        .map(|(_, under)| under.clone())
        .collect();
    let quoted = string.is_some();
    if *object && !after_colon {
        return Some(Place::Key { path, quoted });
    }
    if *object {
        path.push(key?);
        return Some(Place::Value { path, quoted });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(path: &[&str]) -> Option<Place> {
        Some(Place::Key {
            path: path.iter().map(|s| s.to_string()).collect(),
            quoted: false,
        })
    }

    fn value(path: &[&str]) -> Option<Place> {
        Some(Place::Value {
            path: path.iter().map(|s| s.to_string()).collect(),
            quoted: false,
        })
    }

    fn at_end(text: &str) -> Option<Place> {
        yaml_place(text, text.len())
    }

    #[test]
    fn yaml_keys_under_sections_and_list_items() {
        assert_eq!(at_end("tenant:\n  name: x\nauth"), key(&[]));
        assert_eq!(
            at_end("authorizationPolicy:\n  # c\n  allowInvitesFrom: none\n  default"),
            key(&["authorizationPolicy"])
        );
        assert_eq!(
            at_end(
                "authorizationPolicy:\n  defaultUserRolePermissions:\n    allowedToCreateApps: false\n    "
            ),
            key(&["authorizationPolicy", "defaultUserRolePermissions"])
        );
        assert_eq!(
            at_end("users:\n  - id: a\n    userType: Guest\n  - id: b\n    user"),
            key(&["users", "[]"])
        );
        assert_eq!(at_end("users:\n- id: a\n  acc"), key(&["users", "[]"]));
        assert_eq!(at_end("users:\n  - us"), key(&["users", "[]"]));
        assert_eq!(
            at_end("authorizationPolicy:\n  allowInvitesFrom: "),
            value(&["authorizationPolicy", "allowInvitesFrom"])
        );
        assert_eq!(
            at_end("users:\n  - id: a\n    userType: G"),
            value(&["users", "[]", "userType"])
        );
        assert_eq!(at_end("a: b\n  # entralint"), None);
    }

    #[test]
    fn dsc_properties_and_values() {
        let text = "Configuration X {\n  Node localhost {\n    AADAuthorizationPolicy 'p' {\n      IsSingleInstance = 'Yes'\n      Allow";
        assert_eq!(
            dsc_place(text, text.len()),
            Some(("AADAuthorizationPolicy".into(), "Allow".into(), false))
        );
        let text = "AADGroupsSettings g\n{\n  EnableGroupCreation = $";
        assert_eq!(
            dsc_place(text, text.len()),
            Some((
                "AADGroupsSettings".into(),
                "EnableGroupCreation".into(),
                true
            ))
        );
        let names: Vec<&str> = crate::load::dsc::map::properties("aadauthorizationpolicy")
            .iter()
            .map(|p| p.name)
            .collect();
        assert!(names.contains(&"AllowInvitesFrom") && names.contains(&"GuestUserRole"));
        assert_eq!(
            segments("roleSettings[].maxActivationHours"),
            ["roleSettings", "[]", "maxActivationHours"]
        );
    }

    #[test]
    fn json_keys_and_values() {
        let text = "{\"authorizationPolicy\": {\"allowInvitesFrom\": \"e";
        assert_eq!(
            json_place(text, text.len()),
            Some(Place::Value {
                path: vec!["authorizationPolicy".into(), "allowInvitesFrom".into()],
                quoted: true
            })
        );
        let text = "{\"users\": [{\"id\": \"a\", \"u";
        assert_eq!(
            json_place(text, text.len()),
            Some(Place::Key {
                path: vec!["users".into(), "[]".into()],
                quoted: true
            })
        );
        let text = "{\"tenant\": {\"name\": \"x\"}, ";
        assert_eq!(json_place(text, text.len()), key(&[]));
    }
}
