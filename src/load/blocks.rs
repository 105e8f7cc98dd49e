//! A line-by-line reader for the layout nearly every tenant file is written in: block mappings and
//! sequences of single-line scalars, with single-line flow collections and comments.
//!
//! It gives exactly the events (values, styles and byte spans) granit-parser gives for the same
//! text, several times faster, or declines: anything else (anchors, aliases, tags, block scalars,
//! scalars over several lines, document markers, tabs, JSON over several lines, any syntax error)
//! is left to the full parser, which reads the text from the start. Declining is always safe, so
//! every check here is strict.
//!
//! Written by hand because the reading of a tenant file is most of the time a check takes, and the
//! general parser's cost is in what this subset never has.

use std::borrow::Cow;

use crate::diagnostic::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    Plain,
    Single,
    Double,
}

/// What the reader found, in text order; collections end where the next token starts.
#[derive(Debug, PartialEq)]
pub enum Event<'a> {
    Scalar(Cow<'a, str>, Quote, Span),
    SeqStart(usize),
    MapStart(usize),
    End(usize),
    /// The span from `#` to the end of the line, and the text after `#`.
    Comment(Span, &'a str),
}

/// The text is outside the subset (or not valid YAML): read it with the full parser.
#[derive(Debug)]
pub struct Declined;

type Step<T = ()> = Result<T, Declined>;

/// Farthest an implicit key's colon may be from the key's start (1,024 characters; counted in
/// bytes, which is never fewer).
const MAX_KEY: usize = 1024;
/// Flow collections nested deeper than this are left to the full parser.
const MAX_FLOW: usize = 16;

/// Reads `text`, a document of block collections nested at most `blocks` levels, passing each
/// event to `emit`. On `Declined`, the events already passed are to be thrown away.
pub fn read<'a>(text: &'a str, blocks: usize, emit: impl FnMut(Event<'a>)) -> Step {
    printable(text)?;
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        emit,
        open: Vec::new(),
        pending: None,
        rooted: false,
        blocks,
        line: 0,
    };
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let newline = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let end = if newline > start && bytes[newline - 1] == b'\r' {
            newline - 1
        } else {
            newline
        };
        reader.line(start, end)?;
        start = newline + 1;
    }
    reader.finish();
    Ok(())
}

/// Declines text with a character the subset does not read: tabs, a carriage return that does not
/// end a line, control characters, and the non-ASCII characters YAML does not print or treats
/// as line breaks.
fn printable(text: &str) -> Step {
    let bytes = text.as_bytes();
    let mut ascii = true;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\n' | 0x20..=0x7e => {}
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {}
            0x80.. => ascii = false,
            _ => return Err(Declined),
        }
    }
    if !ascii
        && !text.chars().all(|c| {
            matches!(c, '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
                && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
                || c.is_ascii()
        })
    {
        return Err(Declined);
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
}

/// A block collection still open, by the column its entries start at.
struct Open {
    kind: Kind,
    column: usize,
    /// A sequence at its parent key's column (`key:` then `- item` under it).
    indentless: bool,
}

/// An entry whose value is not on its line: a nested block on the next lines, or null.
#[derive(Clone, Copy)]
enum Pending {
    /// `key:` at `column`; a null value is placed at the colon.
    Value { column: usize, colon: usize },
    /// `-` at `column`; a null item is placed at `null`.
    Item { column: usize, null: usize },
}

struct Reader<'a, F> {
    text: &'a str,
    bytes: &'a [u8],
    emit: F,
    open: Vec<Open>,
    pending: Option<Pending>,
    /// The root node has started (a second root is a syntax error).
    rooted: bool,
    blocks: usize,
    /// Where the current line starts, for columns.
    line: usize,
}

impl<'a, F: FnMut(Event<'a>)> Reader<'a, F> {
    fn line(&mut self, start: usize, end: usize) -> Step {
        self.line = start;
        let at = start + self.spaces(start, end);
        if at == end {
            return Ok(());
        }
        if self.bytes[at] == b'#' {
            self.comment(at, end);
            return Ok(());
        }
        let column = at - start;
        let rest = &self.bytes[at..end];
        if column == 0 && (rest.starts_with(b"---") || rest.starts_with(b"...")) {
            return Err(Declined);
        }
        let entry = self.is_entry(at, end);
        if let Some(pending) = self.pending.take() {
            let (parent, null) = match pending {
                Pending::Value { column, colon } => (column, colon),
                Pending::Item { column, null } => (column, null),
            };
            if column > parent {
                return self.nested(at, end, entry);
            }
            if let Pending::Value { .. } = pending
                && column == parent
                && entry
            {
                // The value is a sequence at its key's column; it starts at its first item.
                let item = self.item(at, end);
                self.push(Kind::Seq, column, true, item)?;
                return self.entry(at, end);
            }
            self.null(null);
        }
        while let Some(top) = self.open.last() {
            if top.column > column || (top.indentless && top.column == column && !entry) {
                self.open.pop();
                (self.emit)(Event::End(at));
            } else {
                break;
            }
        }
        match self.open.last() {
            None if !self.rooted => {
                self.rooted = true;
                self.nested(at, end, entry)
            }
            Some(top) if top.column == column => match (top.kind, entry) {
                (Kind::Seq, true) => self.entry(at, end),
                (Kind::Map, false) => self.pair(at, end),
                _ => Err(Declined),
            },
            _ => Err(Declined),
        }
    }

    /// A block collection that starts at `at`: a sequence if the line is an entry, else a mapping.
    fn nested(&mut self, at: usize, end: usize, entry: bool) -> Step {
        let column = at - self.line;
        if entry {
            self.push(Kind::Seq, column, false, at)?;
            self.entry(at, end)
        } else {
            self.push(Kind::Map, column, false, at)?;
            self.pair(at, end)
        }
    }

    fn push(&mut self, kind: Kind, column: usize, indentless: bool, at: usize) -> Step {
        // Well short of the limit: the full parser decides what happens near it.
        if self.open.len() + 2 >= self.blocks {
            return Err(Declined);
        }
        self.open.push(Open {
            kind,
            column,
            indentless,
        });
        self.start(kind, at);
        Ok(())
    }

    /// A sequence entry: `-` at `at`, then its item on the same line or below.
    fn entry(&mut self, at: usize, end: usize) -> Step {
        let item = self.item(at, end);
        if item == end {
            let comment = at + 1 + self.spaces(at + 1, end);
            if comment < end {
                self.comment(comment, end);
            }
            self.pending = Some(Pending::Item {
                column: at - self.line,
                null: item,
            });
            return Ok(());
        }
        if self.is_entry(item, end) {
            self.push(Kind::Seq, item - self.line, false, item)?;
            return self.entry(item, end);
        }
        if let Some(key) = self.key_end(item, end)? {
            self.push(Kind::Map, item - self.line, false, item)?;
            return self.pair_with(item, end, key);
        }
        let after = self.value(item, end)?;
        self.trailing(after, end)
    }

    /// `key: value`, the key starting at `at`.
    fn pair(&mut self, at: usize, end: usize) -> Step {
        match self.key_end(at, end)? {
            Some(key) => self.pair_with(at, end, key),
            None => Err(Declined),
        }
    }

    /// [`Self::pair`] with the key's end and colon already found.
    fn pair_with(&mut self, at: usize, end: usize, (key_end, colon): (usize, usize)) -> Step {
        let key = match self.bytes[at] {
            b'\'' | b'"' => self.quoted(at, end)?.0,
            _ => Cow::Borrowed(&self.text[at..key_end]),
        };
        let style = quote_of(self.bytes[at]);
        (self.emit)(Event::Scalar(key, style, Span::new(at, key_end)));
        let value = colon + 1 + self.spaces(colon + 1, end);
        if value == end || self.bytes[value] == b'#' {
            if value < end {
                self.comment(value, end);
            }
            self.pending = Some(Pending::Value {
                column: at - self.line,
                colon,
            });
            return Ok(());
        }
        let after = self.value(value, end)?;
        self.trailing(after, end)
    }

    /// Where the implicit key starting at `at` ends and where its colon is; `None` when the line
    /// holds no key there.
    fn key_end(&self, at: usize, end: usize) -> Step<Option<(usize, usize)>> {
        let bytes = self.bytes;
        let (key_end, colon) = match bytes[at] {
            b'\'' | b'"' => {
                let (_, after) = self.quoted(at, end)?;
                (after, after + self.spaces(after, end))
            }
            b'[' | b'{' => return Ok(None),
            first => {
                if !plain_start(first, bytes.get(at + 1).copied(), at + 1 < end) {
                    return Err(Declined);
                }
                let mut i = at;
                let colon = loop {
                    let Some(found) = memchr::memchr(b':', &bytes[i..end]) else {
                        return Ok(None);
                    };
                    let colon = i + found;
                    if colon + 1 == end || bytes[colon + 1] == b' ' {
                        break colon;
                    }
                    i = colon + 1;
                };
                let mut key_end = colon;
                while key_end > at && bytes[key_end - 1] == b' ' {
                    key_end -= 1;
                }
                if key_end == at || has_comment(&bytes[at..key_end]) {
                    return Err(Declined);
                }
                (key_end, colon)
            }
        };
        if colon == end || bytes[colon] != b':' {
            // A quoted scalar with no colon after it is a value, not a key.
            return Ok(None);
        }
        if colon - at > MAX_KEY || colon + 1 < end && bytes[colon + 1] != b' ' {
            return Err(Declined);
        }
        Ok(Some((key_end, colon)))
    }

    /// A scalar or flow collection that is a whole value, starting at `at`; returns where it ends.
    fn value(&mut self, at: usize, end: usize) -> Step<usize> {
        let bytes = self.bytes;
        match bytes[at] {
            b'[' | b'{' => self.flow(at, end, 1),
            b'\'' | b'"' => self.quoted_scalar(at, end),
            first => {
                if !plain_start(first, bytes.get(at + 1).copied(), at + 1 < end) {
                    return Err(Declined);
                }
                // The scalar runs to a comment or the end of the line.
                let mut stop = end;
                let mut i = at;
                while let Some(found) = memchr::memchr(b'#', &bytes[i..end]) {
                    if bytes[i + found - 1] == b' ' {
                        stop = i + found;
                        break;
                    }
                    i += found + 1;
                }
                let mut last = stop;
                while bytes[last - 1] == b' ' {
                    last -= 1;
                }
                let scalar = &bytes[at..last];
                // `a: b: c` is a syntax error; a trailing colon makes it a key.
                if scalar.ends_with(b":") || memchr::memmem::find(scalar, b": ").is_some() {
                    return Err(Declined);
                }
                (self.emit)(Event::Scalar(
                    Cow::Borrowed(&self.text[at..last]),
                    Quote::Plain,
                    Span::new(at, last),
                ));
                Ok(last)
            }
        }
    }

    /// A flow collection on one line, `[` or `{` at `at`; returns where it ends.
    fn flow(&mut self, at: usize, end: usize, depth: usize) -> Step<usize> {
        if depth > MAX_FLOW {
            return Err(Declined);
        }
        let bytes = self.bytes;
        let (kind, close) = match bytes[at] {
            b'[' => (Kind::Seq, b']'),
            _ => (Kind::Map, b'}'),
        };
        self.start(kind, at);
        let mut i = at + 1 + self.spaces(at + 1, end);
        if i < end && bytes[i] == close {
            (self.emit)(Event::End(i + 1));
            return Ok(i + 1);
        }
        loop {
            if i == end {
                return Err(Declined);
            }
            i = match kind {
                Kind::Seq => self.flow_node(i, end, depth, b"]")?,
                Kind::Map => {
                    let key = self.flow_key(i, end)?;
                    let value = key + 1 + self.spaces(key + 1, end);
                    if value == end {
                        return Err(Declined);
                    }
                    self.flow_node(value, end, depth, b"}")?
                }
            };
            i += self.spaces(i, end);
            match bytes.get(i).filter(|_| i < end) {
                Some(b',') => {
                    i += 1 + self.spaces(i + 1, end);
                    if i < end && bytes[i] == close {
                        return Err(Declined);
                    }
                }
                Some(&b) if b == close => {
                    (self.emit)(Event::End(i + 1));
                    return Ok(i + 1);
                }
                _ => return Err(Declined),
            }
        }
    }

    /// A key of a flow mapping, a scalar at `at`; returns where its `: ` colon is.
    fn flow_key(&mut self, at: usize, end: usize) -> Step<usize> {
        let bytes = self.bytes;
        let after = match bytes[at] {
            b'\'' | b'"' => self.quoted_scalar(at, end)?,
            _ => {
                let colon = (at..end)
                    .find(|&i| bytes[i] == b':' && bytes.get(i + 1) == Some(&b' '))
                    .ok_or(Declined)?;
                self.flow_plain(at, colon)?
            }
        };
        let colon = after + self.spaces(after, end);
        if colon + 1 >= end || bytes[colon] != b':' || bytes[colon + 1] != b' ' {
            return Err(Declined);
        }
        if colon - at > MAX_KEY {
            return Err(Declined);
        }
        Ok(colon)
    }

    /// An item or mapping value inside a flow collection; returns where it ends.
    fn flow_node(&mut self, at: usize, end: usize, depth: usize, close: &[u8]) -> Step<usize> {
        let bytes = self.bytes;
        match bytes[at] {
            b'[' | b'{' => self.flow(at, end, depth + 1),
            b'\'' | b'"' => self.quoted_scalar(at, end),
            _ => {
                let stop = (at..end)
                    .find(|&i| matches!(bytes[i], b',' | b']' | b'}'))
                    .ok_or(Declined)?;
                if bytes[stop] != b',' && !close.contains(&bytes[stop]) {
                    return Err(Declined);
                }
                self.flow_plain(at, stop)
            }
        }
    }

    /// A plain scalar inside a flow collection, at most `at..stop`; returns where it ends.
    fn flow_plain(&mut self, at: usize, stop: usize) -> Step<usize> {
        let bytes = self.bytes;
        let mut last = stop;
        while last > at && bytes[last - 1] == b' ' {
            last -= 1;
        }
        let scalar = &bytes[at..last];
        if scalar.is_empty()
            || !plain_start(scalar[0], scalar.get(1).copied(), scalar.len() > 1)
            || scalar
                .iter()
                .any(|b| matches!(b, b',' | b'[' | b']' | b'{' | b'}'))
            || has_comment(scalar)
            || scalar.ends_with(b":")
            || memchr::memmem::find(scalar, b": ").is_some()
        {
            return Err(Declined);
        }
        (self.emit)(Event::Scalar(
            Cow::Borrowed(&self.text[at..last]),
            Quote::Plain,
            Span::new(at, last),
        ));
        Ok(last)
    }

    /// A quoted scalar on one line, its quote at `at`, passed on; returns where it ends.
    fn quoted_scalar(&mut self, at: usize, end: usize) -> Step<usize> {
        let (text, after) = self.quoted(at, end)?;
        let quote = quote_of(self.bytes[at]);
        (self.emit)(Event::Scalar(text, quote, Span::new(at, after)));
        Ok(after)
    }

    /// A quoted scalar on one line, its quote at `at`: its value and where it ends.
    fn quoted(&self, at: usize, end: usize) -> Step<(Cow<'a, str>, usize)> {
        let bytes = self.bytes;
        let quote = bytes[at];
        let mut owned: Option<String> = None;
        let mut from = at + 1;
        let mut i = at + 1;
        loop {
            let found = memchr::memchr2(quote, b'\\', &bytes[i..end]).ok_or(Declined)?;
            i += found;
            let escape: &str = match (quote, bytes[i], bytes.get(i + 1).filter(|_| i + 1 < end)) {
                (b'\'', b'\\', _) => {
                    i += 1;
                    continue;
                }
                (b'\'', _, Some(b'\'')) => "'",
                (b'"', b'\\', Some(b'"')) => "\"",
                (b'"', b'\\', Some(b'\\')) => "\\",
                (b'"', b'\\', Some(b'/')) => "/",
                (b'"', b'\\', Some(b'n')) => "\n",
                (b'"', b'\\', Some(b't')) => "\t",
                (b'"', b'\\', Some(b'r')) => "\r",
                (b'"', b'\\', _) => return Err(Declined),
                _ => {
                    let text = match owned {
                        Some(mut s) => {
                            s.push_str(&self.text[from..i]);
                            Cow::Owned(s)
                        }
                        None => Cow::Borrowed(&self.text[from..i]),
                    };
                    return Ok((text, i + 1));
                }
            };
            let s = owned.get_or_insert_with(String::new);
            s.push_str(&self.text[from..i]);
            s.push_str(escape);
            i += 2;
            from = i;
        }
    }

    /// After a value: only spaces, or spaces and a comment.
    fn trailing(&mut self, at: usize, end: usize) -> Step {
        let next = at + self.spaces(at, end);
        if next == end {
            return Ok(());
        }
        if next > at && self.bytes[next] == b'#' {
            self.comment(next, end);
            return Ok(());
        }
        Err(Declined)
    }

    fn start(&mut self, kind: Kind, at: usize) {
        (self.emit)(match kind {
            Kind::Seq => Event::SeqStart(at),
            Kind::Map => Event::MapStart(at),
        });
    }

    fn comment(&mut self, at: usize, end: usize) {
        (self.emit)(Event::Comment(Span::new(at, end), &self.text[at + 1..end]));
    }

    fn null(&mut self, at: usize) {
        (self.emit)(Event::Scalar(
            Cow::Borrowed("~"),
            Quote::Plain,
            Span::new(at, at),
        ));
    }

    fn finish(&mut self) {
        let end = self.bytes.len();
        if let Some(Pending::Value { colon: at, .. } | Pending::Item { null: at, .. }) =
            self.pending.take()
        {
            self.null(at);
        }
        while self.open.pop().is_some() {
            (self.emit)(Event::End(end));
        }
    }

    fn spaces(&self, at: usize, end: usize) -> usize {
        self.bytes[at..end]
            .iter()
            .take_while(|&&b| b == b' ')
            .count()
    }

    /// Where the item of the entry whose dash is at `at` starts: after the spaces, or at the end of
    /// the line when only a comment follows.
    fn item(&self, at: usize, end: usize) -> usize {
        let item = at + 1 + self.spaces(at + 1, end);
        if item < end && self.bytes[item] == b'#' {
            end
        } else {
            item
        }
    }

    /// `-` followed by a space or the end of the line.
    fn is_entry(&self, at: usize, end: usize) -> bool {
        self.bytes[at] == b'-' && (at + 1 == end || self.bytes[at + 1] == b' ')
    }
}

fn quote_of(first: u8) -> Quote {
    match first {
        b'\'' => Quote::Single,
        b'"' => Quote::Double,
        _ => Quote::Plain,
    }
}

/// Whether a plain scalar may start with `first`: not an indicator, except `-`, `?` and `:`
/// followed by a character that is not a space.
fn plain_start(first: u8, next: Option<u8>, next_on_line: bool) -> bool {
    match first {
        b'-' | b'?' | b':' => next_on_line && next.is_some_and(|b| b != b' '),
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' => false,
        _ => true,
    }
}

/// A ` #` inside: the rest of the line is a comment.
fn has_comment(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| w == b" #")
}

#[cfg(test)]
mod tests {
    use super::*;
    use granit_parser::{Event as Full, Parser, ScalarStyle};

    /// Stands for an event the reader never gives (anchors, tags, block scalars, documents).
    fn outside() -> Event<'static> {
        Event::Comment(Span::new(usize::MAX, usize::MAX), "outside the subset")
    }

    /// The full parser's events in the reader's terms; `None` for a syntax error.
    fn full(text: &str) -> Option<Vec<Event<'_>>> {
        let options = granit_parser::options! {
            block_nesting_limit: 64,
            flow_nesting_limit: 64,
        };
        let mut events = Vec::new();
        let mut documents = 0;
        for next in Parser::new_from_str_with_options(text, options) {
            let (event, span) = next.ok()?;
            let range = span.byte_range().unwrap();
            events.push(match event {
                Full::Scalar(value, style, anchor, tag) => {
                    let quote = match style {
                        ScalarStyle::Plain => Quote::Plain,
                        ScalarStyle::SingleQuoted => Quote::Single,
                        ScalarStyle::DoubleQuoted => Quote::Double,
                        _ => Quote::Plain,
                    };
                    if anchor != 0
                        || tag.is_some()
                        || !matches!(
                            style,
                            ScalarStyle::Plain
                                | ScalarStyle::SingleQuoted
                                | ScalarStyle::DoubleQuoted
                        )
                    {
                        outside()
                    } else {
                        let value = Cow::Owned(value.into_owned());
                        Event::Scalar(value, quote, Span::new(range.start, range.end))
                    }
                }
                Full::SequenceStart(_, 0, None) => Event::SeqStart(range.start),
                Full::MappingStart(_, 0, None) => Event::MapStart(range.start),
                Full::SequenceEnd | Full::MappingEnd => Event::End(range.end),
                Full::Comment(_, _) => Event::Comment(
                    Span::new(range.start, range.end),
                    &text[range.start + 1..range.end],
                ),
                Full::DocumentStart(explicit, ..) => {
                    documents += 1;
                    if explicit || documents > 1 {
                        outside()
                    } else {
                        continue;
                    }
                }
                Full::StreamStart | Full::StreamEnd | Full::DocumentEnd => continue,
                _ => outside(),
            });
        }
        Some(events)
    }

    fn fast(text: &str) -> Option<Vec<Event<'_>>> {
        let mut events = Vec::new();
        read(text, 64, |event| events.push(event)).ok()?;
        Some(events)
    }

    /// Comments apart from the rest: the tree keeps them in a list of their own, so only their
    /// order among themselves matters.
    fn apart(events: Vec<Event<'_>>) -> (Vec<Event<'_>>, Vec<Event<'_>>) {
        events
            .into_iter()
            .partition(|event| !matches!(event, Event::Comment(..)))
    }

    /// Whatever the reader accepts, it reads exactly as the full parser does. Returns whether it
    /// accepted the text.
    fn agrees(text: &str) -> bool {
        let Some(events) = fast(text) else {
            return false;
        };
        let expected = full(text).map(apart);
        assert_eq!(
            Some(apart(events)),
            expected,
            "the two readings differ on {text:?}"
        );
        true
    }

    #[test]
    fn reads_the_block_layout_as_the_full_parser_does() {
        for text in [
            "",
            "# only a comment\n",
            "a: 1\nb:\n  c: x  # note\n  d: \"q\"\n# top\ne:\n- 1\n-   k: v\n    l:\n- \nf: []\n",
            "a:\nb: 1",
            "a:   \n\n  # c\nb: 1\n",
            "l:\n-\n-   \n- x\n",
            "l:\n  - a\n  -\n",
            "l:\n- ",
            "l:\n  -",
            "- a\n- b: 1\n  c: 2\n-  - x\n   - y\n",
            "- - - a\n",
            "'a b': 'it''s'\n\"c\": \"d\\\"e\\\\f\"\n",
            "a: b:c\nd: http://x/y#z\ne: f #g\n",
            "# c  \r\na  : b  \r\nc:\r\n  - d\r\n",
            "a:\n  # c\n  b: 1\n",
            "a: # c\n  b: 1\n",
            "a:\n  b:\n  - x\n  c: 1\n",
            "- a:\n  - x\n  b: 1\n",
            "a: [x, y ,  \"z\" , 'w' ]\nb: {k: [1], m:  v }\nc: [ ]  # q\n",
            "- [a]\n- {}\n",
            "a: [http://x, b:c]\n",
            "name: Zoë Ångström\n",
            "  a: 1\n  b:\n    - c\n",
            "a: -1\nb: ?x\nc: :y\n",
            "a: b # c: d\n",
            &format!("{}: 1\nx: {{{}: 1}}\n", "a".repeat(1024), "b".repeat(1024)),
            &format!("{}    : 1\n", "a".repeat(1020)),
            "- # c\n  k: v\n- # d\n- x\n",
            "a:\n-   # c\n\n  # d\n- x\nb:\n-   # e\n  - y\n",
        ] {
            assert!(agrees(text), "the reader declined {text:?}");
        }
    }

    #[test]
    fn agrees_about_nesting_near_the_limit() {
        let mut accepted = 0;
        for depth in 55..70 {
            let mut text = String::new();
            for level in 0..depth {
                text.push_str(&format!("{}k:\n", " ".repeat(level)));
            }
            text.push_str(&format!("{}k: [[[[[[[[1]]]]]]]]\n", " ".repeat(depth)));
            accepted += usize::from(agrees(&text));
        }
        assert!(accepted > 0);
    }

    #[test]
    fn leaves_everything_else_to_the_full_parser() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !tag 1\n",
            "a: |\n  text\n",
            "a: >\n  text\n",
            "---\na: 1\n",
            "a: 1\n...\n",
            "a: b\n  c\n",
            "a: 'b\n  c'\n",
            "a: [b,\n  c]\n",
            "a:\tb\n",
            "a: b: c\n",
            "b: - x\n",
            "a: 1\n b: 2\n",
            "? a\n: b\n",
            "{a: 1}\n",
            "a: [b, ]\n",
            "a: {b}\n",
            "a: \"\\u00e9\"\n",
            "a: 1\r b: 2\n",
            "plain\n",
            "\u{feff}a: 1\n",
            &format!("{}: 1\n", "a".repeat(1025)),
            &format!("{}     : 1\n", "a".repeat(1020)),
            &format!("x: {{{}: 1}}\n", "b".repeat(1025)),
            "a: x\u{2028}y\n",
        ] {
            assert!(fast(text).is_none(), "the reader accepted {text:?}");
        }
    }

    /// Writes random documents in the subset, with the spacing, comments, quoting and line ends
    /// people use.
    struct Writer {
        state: u64,
        out: String,
        newline: &'static str,
    }

    impl Writer {
        fn next(&mut self) -> u64 {
            self.state ^= self.state << 13;
            self.state ^= self.state >> 7;
            self.state ^= self.state << 17;
            self.state
        }

        fn below(&mut self, n: u64) -> usize {
            (self.next() % n) as usize
        }

        fn pick(&mut self, items: &[&'static str]) -> &'static str {
            items[self.below(items.len() as u64)]
        }

        fn spaces(&mut self, n: usize) {
            self.out.extend(std::iter::repeat_n(' ', n));
        }

        fn end_line(&mut self) {
            if self.below(5) == 0 {
                let pad = self.below(3);
                self.spaces(pad);
            }
            if self.below(6) == 0 {
                self.out.push_str(" # note");
            }
            self.out.push_str(self.newline);
        }

        /// Blank and comment lines, at any column.
        fn filler(&mut self) {
            while self.below(6) == 0 {
                let pad = self.below(6);
                self.spaces(pad);
                if self.below(2) == 0 {
                    self.out.push_str("# between");
                }
                self.out.push_str(self.newline);
            }
        }

        fn scalar(&mut self) {
            let scalar = self.pick(&[
                "1",
                "true",
                "x y",
                "http://h/p#f",
                "-1",
                "a:b",
                "~",
                "null",
                "'s''q'",
                "\"d\\\"q\"",
                "\"\"",
                "''",
                "[]",
                "{}",
                "[a, 'b', \"c\"]",
                "{k: v, l: [1, 2]}",
                "[ x ,y ]",
                "Zoë",
                "2.5",
                "a [b] {c}",
                "-x",
                "{ k : v }",
                "'a: b # c'",
                "\"# x\"",
                "a'b",
                "x\"y",
                "[a, [b, c], {d: e}]",
                "{a: [b]}",
                "[\"a,b\", 'c]']",
                "a, b",
                "{'k': \"v\"}",
                "\"a\\\\b\\/c\\n\"",
            ]);
            self.out.push_str(scalar);
        }

        fn key(&mut self) {
            let key = self.pick(&[
                "a", "b c", "id", "x-y", "'q k'", "\"d k\"", "k:x", "?k", "-k", "é", "<<", "a#b",
                "'a: b'", "\"x#y\"", "1", "true", "~", "a b c",
            ]);
            self.out.push_str(key);
            let pad = self.below(4) / 3;
            self.spaces(pad);
            self.out.push(':');
        }

        fn value(&mut self, column: usize, depth: usize) {
            match self.below(if depth == 0 { 2 } else { 5 }) {
                0 => {
                    self.out.push(' ');
                    self.scalar();
                    self.end_line();
                }
                1 => self.end_line(),
                2 => {
                    self.end_line();
                    let deeper = column + 1 + self.below(3);
                    self.map(deeper, depth - 1, false);
                }
                _ => {
                    self.end_line();
                    let deeper = column + 2 * self.below(2);
                    self.seq(deeper, depth - 1, false);
                }
            }
        }

        /// One to four entries at `column`, the first on the current line when `inline`.
        fn entries(&mut self, column: usize, inline: bool, mut entry: impl FnMut(&mut Self)) {
            for i in 0..1 + self.below(4) {
                if i > 0 || !inline {
                    self.filler();
                    self.spaces(column);
                }
                entry(self);
            }
        }

        fn map(&mut self, column: usize, depth: usize, inline: bool) {
            self.entries(column, inline, |w| {
                w.key();
                w.value(column, depth);
            });
        }

        fn seq(&mut self, column: usize, depth: usize, inline: bool) {
            self.entries(column, inline, |w| {
                w.out.push('-');
                match w.below(if depth == 0 { 2 } else { 5 }) {
                    0 => {
                        w.out.push(' ');
                        w.scalar();
                        w.end_line();
                    }
                    1 => w.end_line(),
                    2 => {
                        let pad = 1 + w.below(3);
                        w.spaces(pad);
                        w.map(column + 1 + pad, depth - 1, true);
                    }
                    3 => {
                        w.out.push(' ');
                        w.seq(column + 2, depth - 1, true);
                    }
                    _ => {
                        w.end_line();
                        let deeper = column + 1 + w.below(3);
                        w.map(deeper, depth - 1, false);
                    }
                }
            });
        }

        fn document(&mut self) -> String {
            self.out.clear();
            self.newline = if self.below(4) == 0 { "\r\n" } else { "\n" };
            let column = if self.below(8) == 0 { 2 } else { 0 };
            if self.below(5) == 0 {
                self.seq(column, 4, false);
            } else {
                self.map(column, 4, false);
            }
            self.filler();
            if self.below(4) == 0 {
                let newline = self.newline.len();
                self.out
                    .truncate(self.out.len() - newline.min(self.out.len()));
            }
            self.out.clone()
        }

        /// `text` with a few bytes deleted, inserted or replaced.
        fn mutate(&mut self, text: &str) -> String {
            let mut chars: Vec<char> = text.chars().collect();
            for _ in 0..1 + self.below(3) {
                let at = self.below(chars.len() as u64 + 1);
                let bytes = b" -:#'\"[]{},\n\r\tx&*!|>?\\";
                let with = bytes[self.below(bytes.len() as u64)] as char;
                match self.below(3) {
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    1 if at < chars.len() => chars[at] = with,
                    _ => chars.insert(at, with),
                }
            }
            chars.into_iter().collect()
        }
    }

    #[test]
    fn agrees_with_the_full_parser_on_random_documents_and_their_mutants() {
        let mut writer = Writer {
            state: 0x9e37_79b9_7f4a_7c15,
            out: String::new(),
            newline: "\n",
        };
        let (mut documents, mut accepted, mut mutants) = (0, 0, 0);
        // A longer search: ENTRALINT_FUZZ_ROUNDS=40000 ENTRALINT_FUZZ_SEED=n cargo test blocks
        let rounds = std::env::var("ENTRALINT_FUZZ_ROUNDS").map_or(3000, |r| r.parse().unwrap());
        if let Ok(seed) = std::env::var("ENTRALINT_FUZZ_SEED") {
            writer.state = seed.parse().unwrap();
        }
        for _ in 0..rounds {
            let text = writer.document();
            documents += 1;
            if agrees(&text) {
                accepted += 1;
            }
            for _ in 0..4 {
                let mutant = writer.mutate(&text);
                if agrees(&mutant) {
                    mutants += 1;
                }
            }
        }
        // Most documents are in the subset, so the comparison above is of something; some mutants
        // are too (a changed scalar), and none of those may read differently.
        assert!(
            accepted * 10 > documents * 9,
            "accepted {accepted} of {documents}"
        );
        assert!(mutants > 0);
        println!("accepted {accepted} of {documents} documents and {mutants} mutants");
    }

    /// Every YAML and JSON file under `dir`, decoded as the loader decodes it.
    fn texts(dir: &std::path::Path, into: &mut Vec<(std::path::PathBuf, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                texts(&path, into);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
                && let Ok(bytes) = std::fs::read(&path)
                && let Ok((text, _)) = crate::load::decode::decode(&bytes)
            {
                into.push((path, text));
            }
        }
    }

    #[test]
    fn agrees_with_the_full_parser_on_the_examples_fixtures_and_public_samples() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        texts(&root.join("examples"), &mut files);
        texts(&root.join("tests/fixtures"), &mut files);
        let ours = files.len();
        let samples = root.join("../shared/samples");
        if samples.exists() {
            texts(&samples, &mut files);
        } else {
            println!("skipped the public samples: ../shared/samples is not there");
        }
        // Any other YAML to compare on: a file that lists one path a line.
        if let Ok(list) = std::env::var("ENTRALINT_YAML_LIST") {
            for path in std::fs::read_to_string(list)
                .expect("the list reads")
                .lines()
            {
                if let Ok(bytes) = std::fs::read(path)
                    && let Ok((text, _)) = crate::load::decode::decode(&bytes)
                {
                    files.push((path.into(), text));
                }
            }
        }
        let (mut accepted, mut ours_yaml, mut ours_accepted) = (0, 0, 0);
        for (i, (path, text)) in files.iter().enumerate() {
            let yaml = path.extension().is_none_or(|e| e != "json");
            ours_yaml += usize::from(i < ours && yaml);
            if fast(text).is_some() {
                let expected = full(text).map(apart);
                let events = fast(text).map(apart);
                assert_eq!(
                    events,
                    expected,
                    "the two readings differ on {}",
                    path.display()
                );
                accepted += 1;
                ours_accepted += usize::from(i < ours && yaml);
            }
        }
        println!(
            "{accepted} of {} files read by the line reader",
            files.len()
        );
        // Nearly all of the project's own YAML is in the subset; what is not is hostile on purpose.
        assert!(
            ours_yaml > 50 && ours_accepted * 10 > ours_yaml * 8,
            "{ours_accepted} of {ours_yaml}"
        );
    }
}
