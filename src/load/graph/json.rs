//! A JSON reader that keeps a span on every value and reports each syntax defect at its spot.
//!
//! Graph responses copied from documentation often miss a comma or keep a trailing one. Those two
//! defects are reported and then read past, so one broken line does not hide the settings (and
//! the other defects) in the rest of the file. Anything else stops the read.

use crate::diagnostic::{Diagnostic, Span};
use crate::load::keys::Keys;
use crate::load::yaml::MAX_DEPTH;
use crate::tree::{Entry, Node, ScalarStyle, Value};

/// The tree (None when the text could not be read to the end) and every defect found.
pub struct Parsed {
    pub root: Option<Node>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parse(text: &str) -> Parsed {
    let mut reader = Reader {
        text: text.as_bytes(),
        pos: 0,
        depth: 0,
        diagnostics: Vec::new(),
    };
    let root = reader.document();
    Parsed {
        root: root.ok(),
        diagnostics: reader.diagnostics,
    }
}

struct Reader<'a> {
    text: &'a [u8],
    pos: usize,
    depth: usize,
    diagnostics: Vec<Diagnostic>,
}

/// A defect that stops the read; it is already in `diagnostics`.
struct Stop;

impl Reader<'_> {
    fn document(&mut self) -> Result<Node, Stop> {
        self.skip_space();
        let root = self.value()?;
        self.skip_space();
        if self.pos < self.text.len() {
            return Err(self.fail(
                Span::new(self.pos, self.pos + 1),
                "unexpected text after the end of the JSON value",
                "remove what follows the closing bracket",
            ));
        }
        Ok(root)
    }

    fn fail(&mut self, span: Span, message: &str, help: &str) -> Stop {
        self.diagnostics.push(
            Diagnostic::error("syntax-error", span, message.to_string())
                .with_label("here")
                .with_help(help.to_string()),
        );
        Stop
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// The span of the character at the cursor (empty at the end of the file).
    fn here(&self) -> Span {
        let len = std::str::from_utf8(&self.text[self.pos..])
            .ok()
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8);
        Span::new(self.pos, self.pos + len)
    }

    fn value(&mut self) -> Result<Node, Stop> {
        match self.peek() {
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => self.string(),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(_) => Err(self.fail(
                self.here(),
                "expected a JSON value (an object, list, string, number, true, false or null)",
                "JSON has no comments, unquoted words or single quotes",
            )),
            None => Err(self.fail(
                self.here(),
                "the file ends where a JSON value was expected",
                "the file may be cut off; restore its end",
            )),
        }
    }

    fn nested(&mut self, read: fn(&mut Self) -> Result<Node, Stop>) -> Result<Node, Stop> {
        if self.depth >= MAX_DEPTH {
            let span = self.here();
            self.diagnostics.push(
                Diagnostic::error(
                    "nesting-too-deep",
                    span,
                    format!("the JSON nests deeper than {MAX_DEPTH} levels"),
                )
                .with_label("too deep")
                .with_help("Graph responses nest a few levels; this file is not one"),
            );
            return Err(Stop);
        }
        self.depth += 1;
        let node = read(self);
        self.depth -= 1;
        node
    }

    fn object(&mut self) -> Result<Node, Stop> {
        let start = self.pos;
        self.pos += 1;
        let mut entries: Vec<Entry> = Vec::new();
        let mut keys = Keys::default();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Node::new(Span::new(start, self.pos), Value::Map(entries)));
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return Err(self.fail(
                    self.here(),
                    "expected a key in double quotes",
                    "every key of a JSON object is a double-quoted string",
                ));
            }
            let key = self.string()?;
            self.skip_space();
            if self.peek() != Some(b':') {
                return Err(self.fail(
                    self.here(),
                    "expected `:` after the key",
                    "write `\"key\": value`",
                ));
            }
            self.pos += 1;
            self.skip_space();
            let value = self.value()?;
            insert(&mut entries, &mut keys, key, value, &mut self.diagnostics);
            let ended = self.after_item(
                b'}',
                |b| b == b'"',
                "expected `,` or `}` after the value",
                "separate members with commas and close the object with `}`",
            )?;
            if ended {
                break;
            }
        }
        Ok(Node::new(Span::new(start, self.pos), Value::Map(entries)))
    }

    fn array(&mut self) -> Result<Node, Stop> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Node::new(Span::new(start, self.pos), Value::Seq(items)));
        }
        loop {
            self.skip_space();
            items.push(self.value()?);
            let ended = self.after_item(
                b']',
                |b| {
                    matches!(
                        b,
                        b'"' | b'{' | b'[' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
                    )
                },
                "expected `,` or `]` after the list item",
                "separate items with commas and close the list with `]`",
            )?;
            if ended {
                break;
            }
        }
        Ok(Node::new(Span::new(start, self.pos), Value::Seq(items)))
    }

    /// What follows an object member or a list item: a comma (a trailing one before `close` is
    /// reported and forgiven), the closing bracket, or — when the next item starts right away —
    /// a missing comma, reported and forgiven. True when the object or list has ended.
    fn after_item(
        &mut self,
        close: u8,
        starts_item: fn(u8) -> bool,
        expected: &str,
        help: &str,
    ) -> Result<bool, Stop> {
        let after_value = self.pos;
        self.skip_space();
        match self.peek() {
            Some(b',') => {
                let comma = self.pos;
                self.pos += 1;
                self.skip_space();
                if self.peek() == Some(close) {
                    self.trailing_comma(comma, &char::from(close).to_string());
                    self.pos += 1;
                    return Ok(true);
                }
                Ok(false)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(true)
            }
            Some(b) if starts_item(b) => {
                self.missing_comma(after_value);
                Ok(false)
            }
            _ => Err(self.fail(self.here(), expected, help)),
        }
    }

    fn trailing_comma(&mut self, comma: usize, close: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                "syntax-error",
                Span::new(comma, comma + 1),
                format!("trailing comma before `{close}`"),
            )
            .with_label("remove this comma")
            .with_help("JSON allows no comma after the last member; Graph and most JSON readers reject the file"),
        );
    }

    fn missing_comma(&mut self, after_value: usize) {
        self.diagnostics.push(
            Diagnostic::error(
                "syntax-error",
                Span::new(after_value, after_value),
                "missing comma between two members",
            )
            .with_label("a `,` belongs here")
            .with_help("add the comma; Graph and most JSON readers reject the file without it"),
        );
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Node, Stop> {
        let start = self.pos;
        if self.text[start..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            return Ok(Node::new(Span::new(start, self.pos), value));
        }
        Err(self.fail(
            self.here(),
            "expected a JSON value (an object, list, string, number, true, false or null)",
            "JSON's literals are lower-case `true`, `false` and `null`; strings are double-quoted",
        ))
    }

    fn number(&mut self) -> Result<Node, Stop> {
        let start = self.pos;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        // The scan only covers ASCII bytes, so the slice is valid UTF-8.
        let text = std::str::from_utf8(&self.text[start..self.pos]).unwrap_or_default();
        let span = Span::new(start, self.pos);
        let valid = is_json_number(text);
        let value = match text.parse::<i64>() {
            Ok(n) if valid => Value::Int(n),
            _ => match text.parse::<f64>() {
                Ok(n) if valid && n.is_finite() => Value::Float(n),
                _ => {
                    return Err(self.fail(
                        span,
                        "not a valid JSON number",
                        "write numbers as 12, -3 or 1.5e3",
                    ));
                }
            },
        };
        Ok(Node::new(span, value))
    }

    fn string(&mut self) -> Result<Node, Stop> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.fail(
                    Span::new(start, start + 1),
                    "this string is never closed",
                    "close the string with a double quote",
                ));
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                b'\n' | b'\r' => {
                    return Err(self.fail(
                        Span::new(start, start + 1),
                        "this string is never closed on its line",
                        "JSON strings cannot span lines; close the string or write \\n",
                    ));
                }
                b if b < 0x20 => {
                    return Err(self.fail(
                        self.here(),
                        "a control character inside a string",
                        "escape it (\\t, \\u0000)",
                    ));
                }
                _ => {
                    // Copy the run of ordinary characters at once; the text is valid UTF-8 and
                    // the run stops only at ASCII bytes, so the slice is too.
                    let run_start = self.pos;
                    while let Some(c) = self.peek() {
                        if c == b'"' || c == b'\\' || c < 0x20 {
                            break;
                        }
                        self.pos += 1;
                    }
                    out.push_str(
                        std::str::from_utf8(&self.text[run_start..self.pos]).unwrap_or_default(),
                    );
                }
            }
        }
        let mut node = Node::new(Span::new(start, self.pos), Value::Str(out));
        node.style = ScalarStyle::DoubleQuoted;
        Ok(node)
    }

    fn escape(&mut self, out: &mut String) -> Result<(), Stop> {
        let at = self.pos - 1;
        let Some(b) = self.peek() else {
            return Err(self.fail(
                Span::new(at, at + 1),
                "the file ends inside an escape",
                "close the string",
            ));
        };
        self.pos += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4(at)?;
                if (0xD800..0xDC00).contains(&high) && self.text[self.pos..].starts_with(b"\\u") {
                    self.pos += 2;
                    let low = self.hex4(at)?;
                    let code =
                        0x10000 + ((high - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
                    char::from_u32(code).unwrap_or('\u{FFFD}')
                } else {
                    char::from_u32(high).unwrap_or('\u{FFFD}')
                }
            }
            _ => {
                return Err(self.fail(
                    Span::new(at, self.pos),
                    "not a JSON escape",
                    "JSON escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX",
                ));
            }
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self, at: usize) -> Result<u32, Stop> {
        let digits = self.text.get(self.pos..self.pos + 4);
        let code = digits
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match code {
            Some(code) => {
                self.pos += 4;
                Ok(code)
            }
            None => Err(self.fail(
                Span::new(at, self.pos),
                "a \\u escape needs four hex digits",
                "write \\u00e9",
            )),
        }
    }
}

fn is_json_number(text: &str) -> bool {
    let rest = text.strip_prefix('-').unwrap_or(text);
    let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if int_len == 0 || (int_len > 1 && rest.starts_with('0')) {
        return false;
    }
    let mut rest = &rest[int_len..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    if let Some(exp) = rest.strip_prefix(['e', 'E']) {
        let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        let n = exp.bytes().take_while(u8::is_ascii_digit).count();
        return n > 0 && n == exp.len();
    }
    rest.is_empty()
}

/// Adds a member; a repeated key is reported and the later value wins, as JSON readers do.
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
                .with_help("remove one of them: JSON readers keep only the last"),
        );
        *first = Entry { key, value };
        return;
    }
    if let Some(name) = key.as_str() {
        keys.add(name, entries.len());
    }
    entries.push(Entry { key, value });
}
