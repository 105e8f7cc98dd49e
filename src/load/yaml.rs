//! YAML (and JSON) text to a spanned [`Node`] tree, built straight from granit-parser's events.
//!
//! Building from events keeps every span and comment, reports duplicate keys without giving up on
//! the rest of the file, and expands aliases and merge keys under a budget. The events of a text
//! in the common block layout come from the line reader ([`super::blocks`]), the rest from
//! granit-parser.

use std::borrow::Cow;

use granit_parser::{Event, Parser, ScalarStyle as Style};

use super::blocks;
use super::keys::Keys;
use super::tree::{Comment, Document, Entry, Node, ScalarStyle, Value};
use crate::diagnostic::{Diagnostic, Span};

/// Most nodes aliases and merge keys may copy into one document (an alias bomb stops here). Nodes
/// written out in the text are not counted: the file size cap bounds them, so a large honest
/// tenant is never taken for a bomb.
pub const MAX_NODES: usize = 200_000;
/// Deepest nesting accepted; tenant files are about six levels deep.
pub const MAX_DEPTH: usize = 64;

pub struct Parsed {
    pub document: Document,
    pub diagnostics: Vec<Diagnostic>,
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<Entry>,
        keys: Keys,
        key: Option<Node>,
        /// Values of `<<` entries, merged when the mapping ends.
        merges: Vec<Node>,
    },
}

/// A diagnostic that stops building (boxed: it is the rare path).
type Step = Result<(), Box<Diagnostic>>;

struct Builder {
    stack: Vec<Frame>,
    anchors: Vec<(usize, Node)>,
    /// Nodes copied by aliases so far.
    copied: usize,
    root: Option<Node>,
    documents: usize,
    diagnostics: Vec<Diagnostic>,
}

pub fn parse(text: &str) -> Parsed {
    if text.len() >= super::split::FROM
        && let Some(parsed) = super::split::parse(text)
    {
        return parsed;
    }
    parse_whole(text, MAX_DEPTH).0
}

/// The tree of all of `text` in one reading, its block collections nested at most `blocks` levels
/// (a piece of a file that starts inside its root is allowed fewer), and how many nodes its
/// aliases copied.
pub(super) fn parse_whole(text: &str, blocks: usize) -> (Parsed, usize) {
    if let Some(parsed) = read_blocks(text, blocks) {
        return (parsed, 0);
    }
    let options = granit_parser::options! {
        block_nesting_limit: blocks,
        flow_nesting_limit: MAX_DEPTH,
    };
    let mut builder = Builder::new();
    let mut comments = Vec::new();
    for next in Parser::new_from_str_with_options(text, options) {
        let (event, span) = match next {
            Ok(pair) => pair,
            Err(err) => {
                let mark = err.marker();
                let offset = mark
                    .byte_offset()
                    .unwrap_or_else(|| char_to_byte(text, mark.index()));
                let at = Span::new(offset, offset);
                builder.diagnostics.push(
                    Diagnostic::error(
                        "syntax-error",
                        at,
                        format!("YAML syntax error: {}", err.info()),
                    )
                    .with_label("here"),
                );
                break;
            }
        };
        let range = span.byte_range().unwrap_or(0..0);
        let span = Span::new(range.start, range.end);
        let step = match event {
            Event::Comment(text, _) => {
                comments.push(Comment {
                    span,
                    text: text.into_owned(),
                });
                Ok(())
            }
            Event::DocumentStart(..) => {
                builder.documents += 1;
                if builder.documents > 1 {
                    Err(Box::new(
                        Diagnostic::error(
                            "multiple-documents",
                            span,
                            "a tenant file holds one YAML document; this is a second one",
                        )
                        .with_label("second document starts here")
                        .with_help("put each tenant in a file of its own"),
                    ))
                } else {
                    Ok(())
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let node = scalar(value, style, tag.is_some(), span);
                builder.place(node, anchor);
                Ok(())
            }
            Event::Alias(id) => builder.alias(id, span),
            Event::SequenceStart(_, anchor, _) => {
                builder.open_seq(range.start, anchor);
                Ok(())
            }
            Event::MappingStart(_, anchor, _) => {
                builder.open_map(range.start, anchor);
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                builder.close(range.end);
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(diagnostic) = step {
            builder.diagnostics.push(*diagnostic);
            break;
        }
    }
    let parsed = Parsed {
        document: Document {
            root: builder.root,
            comments,
        },
        diagnostics: builder.diagnostics,
    };
    (parsed, builder.copied)
}

/// The tree of `text` by the line reader, when the text is in its subset of YAML.
fn read_blocks(text: &str, blocks: usize) -> Option<Parsed> {
    let mut builder = Builder::new();
    let mut comments = Vec::new();
    blocks::read(text, blocks, |event| match event {
        blocks::Event::Scalar(value, quote, span) => {
            let style = match quote {
                blocks::Quote::Plain => Style::Plain,
                blocks::Quote::Single => Style::SingleQuoted,
                blocks::Quote::Double => Style::DoubleQuoted,
            };
            builder.place(scalar(value, style, false, span), 0);
        }
        blocks::Event::SeqStart(start) => builder.open_seq(start, 0),
        blocks::Event::MapStart(start) => builder.open_map(start, 0),
        blocks::Event::End(end) => builder.close(end),
        blocks::Event::Comment(span, text) => comments.push(Comment {
            span,
            text: text.to_string(),
        }),
    })
    .ok()?;
    Some(Parsed {
        document: Document {
            root: builder.root,
            comments,
        },
        diagnostics: builder.diagnostics,
    })
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

/// Resolves a scalar by the YAML 1.2 core schema: only plain, untagged scalars can be
/// null, booleans or numbers.
fn scalar(text: Cow<str>, style: Style, tagged: bool, span: Span) -> Node {
    let style = match style {
        Style::Plain => ScalarStyle::Plain,
        Style::SingleQuoted => ScalarStyle::SingleQuoted,
        Style::DoubleQuoted => ScalarStyle::DoubleQuoted,
        Style::Literal | Style::Folded => ScalarStyle::Block,
    };
    let value = if style != ScalarStyle::Plain || tagged {
        Value::Str(text.into_owned())
    } else {
        plain(text)
    };
    Node { span, value, style }
}

fn plain(text: Cow<str>) -> Value {
    match &*text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(int) = parse_int(&text) {
        return Value::Int(int);
    }
    if looks_like_float(&text)
        && let Ok(float) = text.parse::<f64>()
    {
        return Value::Float(float);
    }
    Value::Str(text.into_owned())
}

fn parse_int(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok();
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok();
    }
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    None
}

fn looks_like_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let mut digits = false;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => digits = true,
            '.' => {}
            'e' | 'E' => {
                if chars.peek().is_some_and(|c| *c == '-' || *c == '+') {
                    chars.next();
                }
                return digits && chars.clone().count() > 0 && chars.all(|c| c.is_ascii_digit());
            }
            _ => return false,
        }
    }
    digits && body.matches('.').count() <= 1
}

impl Builder {
    fn new() -> Builder {
        Builder {
            stack: Vec::new(),
            anchors: Vec::new(),
            copied: 0,
            root: None,
            documents: 0,
            diagnostics: Vec::new(),
        }
    }

    fn open_seq(&mut self, start: usize, anchor: usize) {
        self.stack.push(Frame::Seq {
            start,
            anchor,
            items: Vec::new(),
        });
    }

    fn open_map(&mut self, start: usize, anchor: usize) {
        self.stack.push(Frame::Map {
            start,
            anchor,
            entries: Vec::new(),
            keys: Keys::default(),
            key: None,
            merges: Vec::new(),
        });
    }

    fn close(&mut self, end: usize) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (node, anchor) = match frame {
            Frame::Seq {
                start,
                anchor,
                items,
            } => (Node::new(Span::new(start, end), Value::Seq(items)), anchor),
            Frame::Map {
                start,
                anchor,
                mut entries,
                merges,
                ..
            } => {
                merge(&mut entries, merges);
                (
                    Node::new(Span::new(start, end), Value::Map(entries)),
                    anchor,
                )
            }
        };
        self.place(node, anchor);
    }

    fn alias(&mut self, id: usize, span: Span) -> Step {
        let Some((_, target)) = self.anchors.iter().rev().find(|(a, _)| *a == id) else {
            return Ok(());
        };
        let mut node = target.clone();
        let (count, depth) = (node.count(), node.depth());
        self.copy(count, span)?;
        if self.stack.len() + depth > MAX_DEPTH {
            return Err(Box::new(
                Diagnostic::error(
                    "nesting-too-deep",
                    span,
                    format!("this alias nests the document deeper than {MAX_DEPTH} levels"),
                )
                .with_label("alias expanded here"),
            ));
        }
        // The copy points at the alias, so diagnostics inside it land where the user used it.
        node.span = span;
        self.place(node, 0);
        Ok(())
    }

    fn copy(&mut self, nodes: usize, span: Span) -> Step {
        self.copied += nodes;
        if self.copied > MAX_NODES {
            return Err(Box::new(
                Diagnostic::error(
                    "too-many-nodes",
                    span,
                    format!(
                        "aliases copy more than {MAX_NODES} nodes into the document; aliases that \
                     expand exponentially (an alias bomb) are not read"
                    ),
                )
                .with_label("expansion stopped here"),
            ));
        }
        Ok(())
    }

    fn place(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.push((anchor, node.clone()));
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                keys,
                key,
                merges,
                ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    if k.style == ScalarStyle::Plain && k.as_str() == Some("<<") {
                        merges.push(node);
                    } else {
                        insert(entries, keys, k, node, &mut self.diagnostics);
                    }
                }
            },
        }
    }
}

/// Adds an entry; a repeated key is reported and the later value wins, as in most YAML readers.
fn insert(
    entries: &mut Vec<Entry>,
    keys: &mut Keys,
    key: Node,
    value: Node,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(name) = key.as_str()
        && let Some(first) = keys.find(entries, name).map(|i| &mut entries[i])
    {
        diagnostics.push(
            Diagnostic::error("duplicate-key", key.span, format!("duplicate key `{name}`"))
                .with_label("declared again here")
                .with_related(first.key.span, "first declared here")
                .with_help(
                    "remove one of them: YAML readers keep only the last, so the first is silently lost",
                ),
        );
        *first = Entry { key, value };
        return;
    }
    if let Some(name) = key.as_str() {
        keys.add(name, entries.len());
    }
    entries.push(Entry { key, value });
}

/// Applies `<<` merge keys: merged entries never override keys the mapping declares itself.
fn merge(entries: &mut Vec<Entry>, merges: Vec<Node>) {
    if merges.is_empty() {
        return;
    }
    let mut keys = Keys::default();
    for source in merges {
        let maps: Vec<Node> = match source.value {
            Value::Seq(items) => items,
            _ => vec![source],
        };
        for map in maps {
            if let Value::Map(merged) = map.value {
                for entry in merged {
                    let name = entry.key.as_str().map(str::to_string);
                    let present = name
                        .as_deref()
                        .is_some_and(|k| keys.find(entries, k).is_some());
                    if !present {
                        if let Some(name) = &name {
                            keys.add(name, entries.len());
                        }
                        entries.push(entry);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        parse(text).document.root.unwrap()
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let node = root("a: true\nb: 'true'\nc: 12\nd: 1.5\ne: ~\nf: yes\n");
        assert_eq!(node.get("a").unwrap().value, Value::Bool(true));
        assert_eq!(node.get("b").unwrap().value, Value::Str("true".into()));
        assert_eq!(node.get("c").unwrap().value, Value::Int(12));
        assert_eq!(node.get("d").unwrap().value, Value::Float(1.5));
        assert_eq!(node.get("e").unwrap().value, Value::Null);
        assert_eq!(node.get("f").unwrap().value, Value::Str("yes".into()));
    }

    #[test]
    fn spans_cover_keys_and_values() {
        let text = "outer:\n  inner: value\n";
        let node = root(text);
        let entry = node.get("outer").unwrap().entry("inner").unwrap();
        assert_eq!(
            &text[entry.key.span.start as usize..entry.key.span.end as usize],
            "inner"
        );
        assert_eq!(
            &text[entry.value.span.start as usize..entry.value.span.end as usize],
            "value"
        );
    }

    #[test]
    fn duplicate_keys_are_reported_and_the_last_wins() {
        let parsed = parse("a: 1\nb: 2\na: 3\n");
        assert_eq!(parsed.diagnostics.len(), 1);
        assert_eq!(parsed.diagnostics[0].code, "duplicate-key");
        let root = parsed.document.root.unwrap();
        assert_eq!(root.get("a").unwrap().value, Value::Int(3));
    }

    #[test]
    fn merge_keys_fill_in_missing_entries() {
        let node = root("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n");
        let used = node.get("use").unwrap();
        assert_eq!(used.get("x").unwrap().value, Value::Int(1));
        assert_eq!(used.get("y").unwrap().value, Value::Int(3));
    }

    #[test]
    fn alias_bombs_stop_at_the_budget() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..8 {
            text.push_str(&format!("l{level}: &l{level} ["));
            let prev = if level == 1 {
                "a".to_string()
            } else {
                format!("l{}", level - 1)
            };
            text.push_str(&vec![format!("*{prev}"); 10].join(", "));
            text.push_str("]\n");
        }
        let parsed = parse(&text);
        assert_eq!(parsed.diagnostics[0].code, "too-many-nodes");
    }

    #[test]
    fn nodes_written_out_are_not_taken_for_an_alias_bomb() {
        let mut text = String::from("users:\n");
        for i in 0..(MAX_NODES / 2 + 1) {
            text.push_str(&format!("  - {{id: u{i}}}\n"));
        }
        let parsed = parse(&text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let users = parsed.document.root.unwrap();
        let Value::Seq(items) = &users.get("users").unwrap().value else {
            panic!("a list")
        };
        assert_eq!(items.len(), MAX_NODES / 2 + 1);
    }

    #[test]
    fn comments_are_kept() {
        let parsed = parse("a: 1 # note\n");
        assert_eq!(parsed.document.comments[0].text, " note");
    }
}
