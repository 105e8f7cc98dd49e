//! Text edits that set a setting in a YAML (block or flow) or JSON document without touching
//! anything else: a value is replaced in place, a missing key is inserted next to its siblings,
//! and a missing section is created with its intermediate mappings.

use serde_json::Value as Json;

use crate::diagnostic::Span;
use crate::tree::{Node, ScalarStyle, Value};

/// Replace the text at `span` (empty: insert) with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// One setting to set: a dotted path from the document root and its new value.
#[derive(Debug, Clone, PartialEq)]
pub struct SetOp {
    pub path: Vec<String>,
    pub value: Json,
}

/// Why a setting could not be set by editing the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    /// A key on the way is not a mapping (a list, a scalar, an explicit null).
    NotAMapping,
    /// The value is a block scalar (`|`, `>`), whose header is outside its span.
    BlockScalar,
    /// The mapping comes (in part) from an alias or a merge key: editing the anchored text would
    /// change every place that uses it.
    Alias,
}

impl Blocked {
    pub fn reason(self) -> &'static str {
        match self {
            Blocked::NotAMapping => "a key on the way to the setting does not hold a mapping",
            Blocked::BlockScalar => "the value is a block scalar",
            Blocked::Alias => "the setting comes from an alias or a merge key",
        }
    }
}

/// The edits for a set of ops: each edit with the indices of the ops it makes, and the ops that
/// cannot be made, with the reason (their findings remain).
#[derive(Debug, Default)]
pub struct EditPlan {
    pub edits: Vec<(Edit, Vec<usize>)>,
    pub blocked: Vec<(usize, Blocked)>,
}

/// How the file writes things, learnt from the file itself.
struct Layout<'a> {
    text: &'a str,
    newline: &'static str,
    /// Spaces per nesting level in block mappings.
    step: usize,
    /// The document is JSON (a flow mapping at the root): keys and strings are double-quoted.
    json: bool,
}

/// The edits that set `ops` in `text`, whose tree is `root`. Ops that land in the same mapping
/// are merged into one insertion. Ops that cannot be done are returned with the reason.
pub fn plan_edits(text: &str, root: &Node, ops: &[SetOp]) -> EditPlan {
    let layout = Layout {
        text,
        newline: if text.contains("\r\n") { "\r\n" } else { "\n" },
        step: indent_step(text, root).unwrap_or(2),
        json: is_flow(text, root),
    };
    let mut edits: Vec<(Edit, Vec<usize>)> = Vec::new();
    let mut blocked = Vec::new();
    // Missing keys, grouped by the mapping they go into (its span) in op order.
    let mut inserts: Vec<(Span, &Node, Option<&Node>, Tree)> = Vec::new();
    let mut insert_ops: Vec<Vec<usize>> = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        match locate(root, &op.path) {
            Located::Found { key, value } => match replace(&layout, key, value, &op.value) {
                Ok(edit) => edits.push((edit, vec![index])),
                Err(reason) => blocked.push((index, reason)),
            },
            Located::Missing {
                parent,
                parent_key,
                rest,
            } => {
                let group = match inserts.iter().position(|(s, ..)| *s == parent.span) {
                    Some(group) => group,
                    None => {
                        inserts.push((parent.span, parent, parent_key, Tree::default()));
                        insert_ops.push(Vec::new());
                        inserts.len() - 1
                    }
                };
                inserts[group]
                    .3
                    .add(&op.path[op.path.len() - rest..], &op.value);
                insert_ops[group].push(index);
            }
            Located::Blocked(reason) => blocked.push((index, reason)),
        }
    }
    for ((_, parent, parent_key, tree), indices) in inserts.into_iter().zip(insert_ops) {
        match insert(&layout, parent, parent_key, &tree) {
            Ok(edit) => edits.push((edit, indices)),
            Err(reason) => blocked.extend(indices.into_iter().map(|i| (i, reason))),
        }
    }
    EditPlan { edits, blocked }
}

/// Applies edits that do not overlap, in order of position; an edit that overlaps (or touches
/// the insertion point of) one already taken is left for the next pass. Returns the new text
/// and which edits were applied.
pub fn apply(text: &str, edits: &[Edit]) -> (String, Vec<usize>) {
    let mut order: Vec<usize> = (0..edits.len()).collect();
    order.sort_by_key(|&i| (edits[i].span.start, edits[i].span.end));
    let mut taken: Vec<usize> = Vec::new();
    for i in order {
        let overlaps = taken.last().is_some_and(|&last| {
            let (a, b) = (edits[last].span, edits[i].span);
            b.start < a.end || b.start == a.start || b.start == a.end && a.is_empty()
        });
        if !overlaps {
            taken.push(i);
        }
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    for &i in &taken {
        let span = edits[i].span;
        out.push_str(&text[at..span.start as usize]);
        out.push_str(&edits[i].text);
        at = span.end as usize;
    }
    out.push_str(&text[at..]);
    taken.sort_unstable();
    (out, taken)
}

enum Located<'a> {
    Found {
        key: &'a Node,
        value: &'a Node,
    },
    /// `rest` trailing segments of the path are missing under `parent` (reached by `parent_key`,
    /// None for the root).
    Missing {
        parent: &'a Node,
        parent_key: Option<&'a Node>,
        rest: usize,
    },
    Blocked(Blocked),
}

fn locate<'a>(root: &'a Node, path: &[String]) -> Located<'a> {
    let mut node = root;
    let mut via: Option<&Node> = None;
    for (depth, segment) in path.iter().enumerate() {
        let entries = match &node.value {
            Value::Map(entries) => entries,
            // An empty `key:` holds a null with an empty span: the mapping can go right under it.
            Value::Null if node.span.is_empty() && via.is_some() => {
                return Located::Missing {
                    parent: node,
                    parent_key: via,
                    rest: path.len() - depth,
                };
            }
            _ => return Located::Blocked(Blocked::NotAMapping),
        };
        // An alias copies the anchored node with its spans: they lie outside the mapping.
        if !within(node, entries, via) {
            return Located::Blocked(Blocked::Alias);
        }
        match entries.iter().find(|e| e.key.as_str() == Some(segment)) {
            Some(entry) if depth + 1 == path.len() => {
                return Located::Found {
                    key: &entry.key,
                    value: &entry.value,
                };
            }
            Some(entry) => {
                via = Some(&entry.key);
                node = &entry.value;
            }
            None => {
                return Located::Missing {
                    parent: node,
                    parent_key: via,
                    rest: path.len() - depth,
                };
            }
        }
    }
    Located::Blocked(Blocked::NotAMapping)
}

/// Whether a mapping's text is where its key says, and holds every one of its entries.
fn within(node: &Node, entries: &[crate::tree::Entry], via: Option<&Node>) -> bool {
    let after_key = via.is_none_or(|key| node.span.start >= key.span.end);
    after_key
        && entries.iter().all(|e| {
            e.key.span.start >= node.span.start
                && e.value.span.end <= node.span.end
                && e.value.span.start >= e.key.span.end
        })
}

/// Keys to insert under one mapping, in the order the ops named them.
#[derive(Debug, Default)]
struct Tree {
    entries: Vec<(String, TreeValue)>,
}

#[derive(Debug)]
enum TreeValue {
    Leaf(Json),
    Map(Tree),
}

impl Tree {
    fn add(&mut self, path: &[String], value: &Json) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        let existing = self.entries.iter_mut().find(|(k, _)| k == first);
        match (existing, rest.is_empty()) {
            (Some(_), true) => {} // the first op for a path wins
            (Some((_, TreeValue::Map(tree))), false) => tree.add(rest, value),
            (Some(_), false) => {}
            (None, true) => self
                .entries
                .push((first.clone(), TreeValue::Leaf(value.clone()))),
            (None, false) => {
                let mut tree = Tree::default();
                tree.add(rest, value);
                self.entries.push((first.clone(), TreeValue::Map(tree)));
            }
        }
    }
}

fn is_flow(text: &str, node: &Node) -> bool {
    matches!(
        text.as_bytes().get(node.span.start as usize),
        Some(b'{' | b'[')
    ) && matches!(node.value, Value::Map(_) | Value::Seq(_))
}

/// The column (in characters) where a node starts.
fn column(text: &str, offset: usize) -> usize {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..offset].chars().count()
}

/// The indentation step of block mappings: a nested key's column minus its parent key's.
fn indent_step(text: &str, node: &Node) -> Option<usize> {
    let Value::Map(entries) = &node.value else {
        return None;
    };
    if is_flow(text, node) {
        return None;
    }
    for entry in entries {
        if let Value::Map(inner) = &entry.value.value
            && let Some(first) = inner.first()
            && !is_flow(text, &entry.value)
        {
            let parent = column(text, entry.key.span.start as usize);
            let child = column(text, first.key.span.start as usize);
            if child > parent {
                return Some(child - parent);
            }
        }
        if let Some(step) = indent_step(text, &entry.value) {
            return Some(step);
        }
    }
    None
}

/// Where the last thing a node holds ends: block collections' spans run on to the next token,
/// past trailing comments and blank lines.
fn content_end(text: &str, node: &Node) -> usize {
    if is_flow(text, node) {
        return node.span.end as usize;
    }
    match &node.value {
        Value::Map(entries) => entries.last().map_or(node.span.start as usize, |e| {
            content_end(text, &e.value).max(e.key.span.end as usize)
        }),
        Value::Seq(items) => items
            .last()
            .map_or(node.span.start as usize, |i| content_end(text, i)),
        _ => node.span.end as usize,
    }
}

/// The offset just past the line break of the line holding `offset - 1` (the end of the text when
/// that line has no break).
fn after_line(text: &str, offset: usize) -> usize {
    let mut from = offset.saturating_sub(1);
    // `offset - 1` may fall inside a multi-byte character; its line starts no later.
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    text[from..].find('\n').map_or(text.len(), |i| from + i + 1)
}

fn replace(layout: &Layout, key: &Node, old: &Node, new: &Json) -> Result<Edit, Blocked> {
    let text = layout.text;
    if old.style == ScalarStyle::Block {
        return Err(Blocked::BlockScalar);
    }
    let block_collection =
        matches!(old.value, Value::Seq(_) | Value::Map(_)) && !is_flow(text, old);
    if block_collection {
        // `key:\n  - a\n  - b` becomes `key: []`; a comment after the colon stays.
        let after_key = key.span.end as usize;
        let colon = text[after_key..]
            .find(':')
            .map_or(after_key, |i| after_key + i + 1);
        let line_end = text[colon..].find('\n').map_or(text.len(), |i| colon + i);
        let rest_of_key_line = text[colon..line_end].trim_end_matches('\r');
        let comment = if rest_of_key_line.trim_start().starts_with('#') {
            rest_of_key_line
        } else {
            ""
        };
        let end = after_line(text, content_end(text, old));
        let newline = if end == text.len() && !text.ends_with('\n') {
            ""
        } else {
            layout.newline
        };
        return Ok(Edit {
            span: Span::new(colon, end),
            text: format!(" {}{comment}{newline}", render(layout, new, None)),
        });
    }
    if matches!(old.value, Value::Null) && old.span.is_empty() {
        // `key:` with nothing after it.
        let after_key = key.span.end as usize;
        let colon = text[after_key..]
            .find(':')
            .map_or(after_key, |i| after_key + i + 1);
        return Ok(Edit {
            span: Span::new(colon, colon),
            text: format!(" {}", render(layout, new, None)),
        });
    }
    Ok(Edit {
        span: old.span,
        text: render(layout, new, Some(old)),
    })
}

fn insert(
    layout: &Layout,
    parent: &Node,
    parent_key: Option<&Node>,
    tree: &Tree,
) -> Result<Edit, Blocked> {
    let text = layout.text;
    let nl = layout.newline;
    if is_flow(text, parent) {
        let Value::Map(entries) = &parent.value else {
            return Err(Blocked::NotAMapping);
        };
        let quoted = layout.json
            || entries
                .first()
                .is_some_and(|e| e.key.style == ScalarStyle::DoubleQuoted);
        let open = parent.span.start as usize;
        // A mapping laid out one key a line (pretty JSON) gets one key a line.
        let lines = entries.first().and_then(|first| {
            let key = first.key.span.start as usize;
            text[open..key].contains('\n').then(|| {
                let indent = column(text, key);
                let outer = indentation(text, open);
                (indent, indent.saturating_sub(outer).max(1))
            })
        });
        let body = flow_entries(layout, tree, quoted, lines);
        return Ok(match entries.last() {
            None => Edit {
                span: Span::new(open + 1, open + 1),
                text: body,
            },
            Some(last) => {
                let at = last.value.span.end as usize;
                let separator = match lines {
                    Some((indent, _)) => format!(",{nl}{}", " ".repeat(indent)),
                    None => ", ".to_string(),
                };
                Edit {
                    span: Span::new(at, at),
                    text: format!("{separator}{body}"),
                }
            }
        });
    }
    match &parent.value {
        Value::Map(entries) if !entries.is_empty() => {
            let first = &entries[0].key;
            let indent = column(text, first.span.start as usize);
            let quote = first.style;
            let end = content_end(text, parent);
            let at = after_line(text, end);
            let lead = if at == text.len() && !text.ends_with('\n') {
                nl
            } else {
                ""
            };
            let mut body = String::new();
            block_entries(layout, tree, indent, quote, &mut body);
            Ok(Edit {
                span: Span::new(at, at),
                text: format!("{lead}{body}"),
            })
        }
        Value::Null => {
            // An empty `key:`: the new mapping goes on the lines under it.
            let Some(key) = parent_key else {
                return Err(Blocked::NotAMapping);
            };
            let indent = column(text, key.span.start as usize) + layout.step;
            let at = after_line(text, key.span.end as usize + 1);
            let lead = if at == text.len() && !text.ends_with('\n') {
                nl
            } else {
                ""
            };
            let mut body = String::new();
            block_entries(layout, tree, indent, key.style, &mut body);
            Ok(Edit {
                span: Span::new(at, at),
                text: format!("{lead}{body}"),
            })
        }
        _ => Err(Blocked::NotAMapping),
    }
}

fn block_entries(
    layout: &Layout,
    tree: &Tree,
    indent: usize,
    quote: ScalarStyle,
    out: &mut String,
) {
    for (key, value) in &tree.entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(&render_key(key, quote));
        match value {
            TreeValue::Leaf(json) => {
                out.push_str(": ");
                out.push_str(&render(layout, json, None));
                out.push_str(layout.newline);
            }
            TreeValue::Map(inner) => {
                out.push(':');
                out.push_str(layout.newline);
                block_entries(layout, inner, indent + layout.step, quote, out);
            }
        }
    }
}

/// Entries for a flow mapping: on one line, or with `lines` (indent, step) one a line.
fn flow_entries(
    layout: &Layout,
    tree: &Tree,
    quoted: bool,
    lines: Option<(usize, usize)>,
) -> String {
    let style = if quoted {
        ScalarStyle::DoubleQuoted
    } else {
        ScalarStyle::Plain
    };
    let nl = layout.newline;
    let parts: Vec<String> = tree
        .entries
        .iter()
        .map(|(key, value)| {
            let value = match value {
                TreeValue::Leaf(json) => render(layout, json, None),
                TreeValue::Map(inner) => match lines {
                    Some((indent, step)) => {
                        let inner_indent = " ".repeat(indent + step);
                        format!(
                            "{{{nl}{inner_indent}{}{nl}{}}}",
                            flow_entries(layout, inner, quoted, Some((indent + step, step))),
                            " ".repeat(indent)
                        )
                    }
                    None => format!("{{{}}}", flow_entries(layout, inner, quoted, None)),
                },
            };
            format!("{}: {value}", render_key(key, style))
        })
        .collect();
    let separator = match lines {
        Some((indent, _)) => format!(",{nl}{}", " ".repeat(indent)),
        None => ", ".to_string(),
    };
    parts.join(&separator)
}

/// The indentation of the line holding `offset`.
fn indentation(text: &str, offset: usize) -> usize {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..offset]
        .chars()
        .take_while(|c| *c == ' ')
        .count()
}

fn render_key(key: &str, style: ScalarStyle) -> String {
    match style {
        ScalarStyle::DoubleQuoted => json_string(key),
        ScalarStyle::SingleQuoted => format!("'{}'", key.replace('\'', "''")),
        _ if plain_safe(key) => key.to_string(),
        _ => json_string(key),
    }
}

/// A value as the file would write it; `old` is the value it replaces, whose quoting (and, for a
/// boolean written as a string, whose capitalisation) is kept.
fn render(layout: &Layout, value: &Json, old: Option<&Node>) -> String {
    let style = old.map_or(ScalarStyle::Plain, |o| o.style);
    match value {
        Json::Bool(b) => {
            let word = if *b { "true" } else { "false" };
            match old.and_then(|o| o.as_str()) {
                // `"True"` in a directory setting becomes `"False"`, not `false`.
                Some(previous)
                    if previous.eq_ignore_ascii_case("true")
                        || previous.eq_ignore_ascii_case("false") =>
                {
                    let word = match_case(word, previous);
                    quote(&word, style)
                }
                _ => word.to_string(),
            }
        }
        Json::String(s) => match style {
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => quote(s, style),
            _ if !layout.json && plain_safe(s) => s.clone(),
            _ => json_string(s),
        },
        Json::Array(items) => {
            let items: Vec<String> = items.iter().map(|i| render(layout, i, None)).collect();
            format!("[{}]", items.join(", "))
        }
        Json::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    let key_style = if layout.json {
                        ScalarStyle::DoubleQuoted
                    } else {
                        ScalarStyle::Plain
                    };
                    format!("{}: {}", render_key(k, key_style), render(layout, v, None))
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Json::Null | Json::Number(_) => value.to_string(),
    }
}

fn match_case(word: &str, like: &str) -> String {
    if like.chars().all(|c| c.is_ascii_uppercase()) {
        word.to_ascii_uppercase()
    } else if like.starts_with(|c: char| c.is_ascii_uppercase()) {
        let mut chars = word.chars();
        chars
            .next()
            .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    } else {
        word.to_string()
    }
}

fn quote(s: &str, style: ScalarStyle) -> String {
    match style {
        ScalarStyle::SingleQuoted => format!("'{}'", s.replace('\'', "''")),
        ScalarStyle::DoubleQuoted => json_string(s),
        _ => s.to_string(),
    }
}

/// A JSON string is also a YAML double-quoted scalar.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// Whether a string can be written unquoted and still read back as the same string.
fn plain_safe(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '/'))
        && !matches!(
            lower.as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
        && s.parse::<f64>().is_err()
        && !s.starts_with("0x")
        && !s.starts_with("0o")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(text: &str, path: &str, value: Json) -> Result<String, Blocked> {
        let parsed = crate::load::yaml::parse(text);
        let root = parsed.document.root.expect("a document");
        let op = SetOp {
            path: path.split('.').map(str::to_string).collect(),
            value,
        };
        let plan = plan_edits(text, &root, &[op]);
        if let Some((_, reason)) = plan.blocked.first() {
            return Err(*reason);
        }
        let edits: Vec<Edit> = plan.edits.into_iter().map(|(e, _)| e).collect();
        Ok(apply(text, &edits).0)
    }

    #[test]
    fn anchored_and_merged_mappings_are_not_edited() {
        let merged = "a: &x\n  b: 1\nc:\n  <<: *x\n  d: 2\n";
        assert_eq!(edit(merged, "c.b", Json::from(2)), Err(Blocked::Alias));
        assert_eq!(edit(merged, "c.e", Json::from(2)), Err(Blocked::Alias));
        let aliased = "a: &x {b: 1}\nc: *x\n";
        assert_eq!(edit(aliased, "c.b", Json::from(2)), Err(Blocked::Alias));
        // The anchored mapping itself is edited where it is written.
        assert_eq!(
            edit("a: &x\n  b: 1\n", "a.b", Json::from(2)).unwrap(),
            "a: &x\n  b: 2\n"
        );
    }

    #[test]
    fn block_scalars_are_not_replaced() {
        assert_eq!(
            edit("a:\n  b: |\n    text\n", "a.b", Json::from("x")),
            Err(Blocked::BlockScalar)
        );
    }

    #[test]
    fn a_file_without_a_final_line_break_gets_one_before_the_new_key() {
        assert_eq!(
            edit("a:\n  b: 1", "a.c", Json::from(true)).unwrap(),
            "a:\n  b: 1\n  c: true\n"
        );
    }

    #[test]
    fn keys_go_before_trailing_comments_and_document_end() {
        assert_eq!(
            edit(
                "a:\n  b: 1  # one\n# about c\nc: 2\n...\n",
                "a.d",
                Json::from(false)
            )
            .unwrap(),
            "a:\n  b: 1  # one\n  d: false\n# about c\nc: 2\n...\n"
        );
        assert_eq!(
            edit("a: 1\n...\n", "b.c", Json::from(false)).unwrap(),
            "a: 1\nb:\n  c: false\n...\n"
        );
    }

    #[test]
    fn strings_are_quoted_only_when_plain_would_read_differently() {
        for (value, written) in [
            ("adminsAndGuestInviters", "adminsAndGuestInviters"),
            ("true", "\"true\""),
            ("1.5", "\"1.5\""),
            ("a: b", "\"a: b\""),
            ("", "\"\""),
            ("#x", "\"#x\""),
        ] {
            assert_eq!(
                edit("a:\n  b: 1\n", "a.c", Json::from(value)).unwrap(),
                format!("a:\n  b: 1\n  c: {written}\n")
            );
        }
    }

    #[test]
    fn a_key_quoted_like_its_siblings() {
        assert_eq!(
            edit("'a':\n  'b': 1\n", "a.c", Json::from(true)).unwrap(),
            "'a':\n  'b': 1\n  'c': true\n"
        );
    }

    #[test]
    fn an_explicit_null_is_not_a_mapping() {
        assert_eq!(
            edit("a: ~\n", "a.b", Json::from(true)),
            Err(Blocked::NotAMapping)
        );
        assert_eq!(edit("a: ~\n", "a", Json::from(true)).unwrap(), "a: true\n");
    }

    #[test]
    fn inserts_at_the_same_spot_wait_for_the_next_pass() {
        let edits = [
            Edit {
                span: Span::new(3, 3),
                text: "x".into(),
            },
            Edit {
                span: Span::new(3, 3),
                text: "y".into(),
            },
            Edit {
                span: Span::new(0, 2),
                text: "z".into(),
            },
        ];
        let (text, taken) = apply("abcdef", &edits);
        assert_eq!(text, "zcxdef");
        assert_eq!(taken, [0, 2]);
    }
}
