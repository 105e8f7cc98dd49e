//! A large YAML file read in pieces on every core. Scanning YAML is serial, and a 100,000-user
//! tenant is 30 MB of it; but such a file is a mapping of sections at the left margin, its large
//! sections long lists of items at one indentation. The text is cut where a section or an item
//! starts, each piece is read as a document of its own, and the pieces are joined into the tree a
//! reading of the whole gives, spans shifted to where each piece lies in the file.
//!
//! Only a plain layout is cut: any line at the left margin but a `key:`, a comment, a list item
//! or a blank one (a document marker, a directive, a flow collection, a quoted or complex key)
//! leaves the file to be read whole. A cut in the wrong place (inside a quoted or flow scalar that
//! runs over lines) leaves a piece that does not read: then too, and whenever a piece has anything
//! to report or expands an alias (whose budget counts over the whole file), the whole file is read
//! again in one go, so that its diagnostics are the ones a whole reading gives.

use rayon::prelude::*;

use super::tree::{Comment, Document, Entry, Node, Value};
use super::yaml::{MAX_DEPTH, Parsed, parse_whole};
use crate::diagnostic::Span;

/// Files from this size are read in pieces.
pub const FROM: usize = 1 << 20;

/// The smallest piece worth a task of its own.
const SMALLEST: usize = 256 << 10;

/// The tree of `text`, read in pieces; None when it is to be read whole.
pub fn parse(text: &str) -> Option<Parsed> {
    let size = SMALLEST.max(text.len() / (rayon::current_num_threads() * 8));
    let pieces = cut(text, size)?;
    if pieces.len() < 2 {
        return None;
    }
    let read: Vec<Option<Piece>> = pieces
        .par_iter()
        .map(|cut| read_piece(text, *cut))
        .collect();
    join(read.into_iter().collect::<Option<Vec<Piece>>>()?)
}

/// How a piece starts: with a section's key, or with an item of the list the section before it
/// holds (at this indentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Section,
    Item(usize),
}

impl Kind {
    /// Where, past the start of its line, a whole reading ends the collections open before the
    /// piece: at the piece's first token.
    fn indent(self) -> usize {
        match self {
            Kind::Section => 0,
            Kind::Item(indent) => indent,
        }
    }
}

/// One piece of the text: from `start` to `end`, how it starts, and how the piece after it
/// starts.
#[derive(Debug, Clone, Copy)]
struct Cut {
    start: usize,
    end: usize,
    kind: Kind,
    next: Kind,
}

/// One piece read: its root (a mapping of sections, or a list of items) and its comments.
struct Piece {
    root: Node,
    comments: Vec<Comment>,
}

/// Where to cut `text`: pieces of `size` bytes or more but the last; None when its layout is
/// not one to cut.
fn cut(text: &str, size: usize) -> Option<Vec<Cut>> {
    let bytes = text.as_bytes();
    let mut cuts: Vec<(usize, Kind)> = Vec::new();
    // The indentation of the items of the list the current section holds, once its first item
    // is seen; None outside such a list.
    let mut items: Option<usize> = None;
    // Whether the current section's key has no value on its line (a list may follow).
    let mut open = false;
    let mut sections = 0;
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |at| start + at);
        let line = &bytes[start..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        match line.first() {
            None | Some(b'#') => {}
            Some(b' ') => {
                let indent = line.iter().take_while(|b| **b == b' ').count();
                let rest = &line[indent..];
                // Blank and comment lines change nothing.
                if !rest.is_empty() && rest[0] != b'#' {
                    if is_item(rest) {
                        match items {
                            Some(at) if at == indent => cuts.push((start, Kind::Item(indent))),
                            None if open => items = Some(indent),
                            _ => {}
                        }
                    }
                    open = false;
                }
            }
            Some(b'-') if is_item(line) => {
                // A list at the left margin under a section's key.
                match items {
                    Some(0) => cuts.push((start, Kind::Item(0))),
                    None if open => items = Some(0),
                    _ => return None,
                }
                open = false;
            }
            Some(_) => {
                let value = section_key(line)?;
                // The first piece holds the first section, with the comments above it.
                if sections > 0 {
                    cuts.push((start, Kind::Section));
                }
                sections += 1;
                items = None;
                open =
                    value.iter().all(|b| *b == b' ') || value.trim_ascii_start().starts_with(b"#");
            }
        }
        start = end + 1;
    }
    let mut pieces = Vec::new();
    let mut from = (0, Kind::Section);
    for (at, kind) in cuts {
        // A piece of items ends with their list: read alone, items then a section do not make
        // one document.
        let list_ends = matches!(from.1, Kind::Item(_)) && kind == Kind::Section;
        if at - from.0 >= size || list_ends {
            pieces.push(Cut {
                start: from.0,
                end: at,
                kind: from.1,
                next: kind,
            });
            from = (at, kind);
        }
    }
    pieces.push(Cut {
        start: from.0,
        end: text.len(),
        kind: from.1,
        next: Kind::Section,
    });
    Some(pieces)
}

/// Whether a line (from its first non-space byte) starts a list item: `-` then a space or its end.
fn is_item(rest: &[u8]) -> bool {
    rest.first() == Some(&b'-') && matches!(rest.get(1), None | Some(b' '))
}

/// The rest of a line after its plain key (`users:`), None when the line is anything else.
fn section_key(line: &[u8]) -> Option<&[u8]> {
    let name = line
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    if name == 0 || !line[0].is_ascii_alphabetic() && line[0] != b'_' {
        return None;
    }
    let rest = line[name..].strip_prefix(b":")?;
    (rest.is_empty() || rest[0] == b' ').then_some(rest)
}

/// Reads one piece; None when it does not read cleanly on its own.
fn read_piece(text: &str, cut: Cut) -> Option<Piece> {
    // A piece of items starts a block level inside the root: it may nest one level less.
    let blocks = match cut.kind {
        Kind::Section => MAX_DEPTH,
        Kind::Item(_) => MAX_DEPTH - 1,
    };
    let (parsed, copied) = parse_whole(&text[cut.start..cut.end], blocks);
    // The alias budget and the depth of what an alias copies count from the root: a file with
    // aliases is read whole.
    if !parsed.diagnostics.is_empty() || copied > 0 {
        return None;
    }
    let Document {
        root: Some(mut root),
        mut comments,
    } = parsed.document
    else {
        return None;
    };
    let expected = match cut.kind {
        Kind::Section => matches!(root.value, Value::Map(_)),
        Kind::Item(_) => matches!(root.value, Value::Seq(_)),
    };
    if !expected {
        return None;
    }
    let by = u32::try_from(cut.start).ok()?;
    // What ends where the piece does ends, in the whole text, at the next piece's first token.
    let end = u32::try_from(cut.end).ok()?;
    let next = u32::try_from(cut.next.indent()).ok()?;
    shift(&mut root, by, end, next);
    comments
        .iter_mut()
        .for_each(|c| c.span = moved(c.span, by, end, next));
    Some(Piece { root, comments })
}

/// A span of a piece starting at `by`, in the whole text; one that ends at the piece's `end`
/// ends `next` bytes further on.
fn moved(span: Span, by: u32, end: u32, next: u32) -> Span {
    let at = |offset: u32| match offset + by {
        offset if offset == end => offset + next,
        offset => offset,
    };
    Span {
        start: at(span.start),
        end: at(span.end),
    }
}

fn shift(node: &mut Node, by: u32, end: u32, next: u32) {
    node.span = moved(node.span, by, end, next);
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|item| shift(item, by, end, next)),
        Value::Map(entries) => entries.iter_mut().for_each(|entry| {
            shift(&mut entry.key, by, end, next);
            shift(&mut entry.value, by, end, next);
        }),
        _ => {}
    }
}

/// The pieces as one document; None when they do not join as a whole reading would give.
fn join(pieces: Vec<Piece>) -> Option<Parsed> {
    let mut pieces = pieces.into_iter();
    let first = pieces.next()?;
    let mut root = first.root;
    let mut comments = first.comments;
    let mut keys: std::collections::HashSet<String> = std::collections::HashSet::new();
    let Value::Map(entries) = &root.value else {
        return None;
    };
    for entry in entries {
        keys.insert(entry.key.as_str()?.to_string());
    }
    for piece in pieces {
        let end = piece.root.span.end;
        let Value::Map(entries) = &mut root.value else {
            return None;
        };
        match piece.root.value {
            Value::Map(more) => {
                for entry in &more {
                    // A key repeated across pieces is reported by a whole reading.
                    if !keys.insert(entry.key.as_str()?.to_string()) {
                        return None;
                    }
                }
                entries.extend(more);
            }
            Value::Seq(more) => {
                let Entry { value: list, .. } = entries.last_mut()?;
                let Value::Seq(items) = &mut list.value else {
                    return None;
                };
                items.extend(more);
                list.span.end = end;
            }
            _ => return None,
        }
        root.span.end = end;
        comments.extend(piece.comments);
    }
    Some(Parsed {
        document: Document {
            root: Some(root),
            comments,
        },
        diagnostics: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` read in pieces of `size` bytes or more, one after the other; None when it is to be
    /// read whole.
    fn pieced(text: &str, size: usize) -> Option<Parsed> {
        let pieces = cut(text, size).expect("a layout to cut");
        assert!(pieces.len() > 1, "{pieces:?}");
        let read: Option<Vec<Piece>> = pieces.iter().map(|cut| read_piece(text, *cut)).collect();
        read.and_then(join)
    }

    /// The pieces' reading against the whole's, cutting at every section and item, and into
    /// pieces of a few lines.
    fn same_as_whole(text: &str) -> bool {
        let whole = parse_whole(text, MAX_DEPTH).0;
        assert!(whole.diagnostics.is_empty());
        [1, 30, 70].into_iter().all(|size| {
            let joined = pieced(text, size).expect("the pieces join");
            joined.document == whole.document
        })
    }

    #[test]
    fn pieces_join_into_the_tree_a_whole_reading_gives() {
        let text = "# a tenant\ntenant: {name: contoso}\nusers:\n  - {id: a, userType: Member}\n  # between\n  - id: b\n    userType: Guest\n\n  -   id: c\n# before groups\ngroups:\n- id: g\n  owners:\n    - a\n- {id: h}\nroleAssignments:\n  - principal: a\n    role: Global Administrator\n  - principal: b\n    role: 'Global Reader'\n    note: |\n      - not an item\n      x\n";
        let edges = "users:\n  - note: |\n      kept\n\n  -\n  - owners:\n      - a\n      -\n# at the margin\n  - id: x   \n    y:\n  - {id: 'q'} # trailing\ngroups:\n";
        for text in [text, edges] {
            assert!(same_as_whole(text), "{text}");
            let crlf = text.replace('\n', "\r\n");
            assert!(same_as_whole(&crlf), "{crlf}");
        }
    }

    #[test]
    fn a_piece_of_items_nests_as_deep_as_the_whole_allows() {
        for levels in MAX_DEPTH - 3..=MAX_DEPTH + 1 {
            let flow = format!(
                "users:\n  - a\n  - {}{}\n",
                "[".repeat(levels),
                "]".repeat(levels)
            );
            let mut block = String::from("users:\n  - a\n  - k0:\n");
            for level in 1..levels {
                block.push_str(&format!("{}k{level}:\n", " ".repeat(4 + 2 * level)));
            }
            block.push_str(&format!("{}end\n", " ".repeat(4 + 2 * levels)));
            for text in [flow, block] {
                let too_deep = !parse_whole(&text, MAX_DEPTH).0.diagnostics.is_empty();
                // The range spans the limit.
                if levels == MAX_DEPTH - 3 || levels == MAX_DEPTH + 1 {
                    assert_eq!(too_deep, levels > MAX_DEPTH, "{levels} levels: {text}");
                }
                let read = pieced(&text, 1).is_some();
                assert_eq!(read, !too_deep, "{levels} levels: {text}");
            }
        }
    }

    #[test]
    fn layouts_not_cut_are_read_whole() {
        for text in [
            "{\"users\": []}\n",
            "---\nusers: []\n",
            "%YAML 1.2\n---\nusers: []\n",
            "users:\n  - a\n\"quoted\": 1\n",
            "? complex\n: key\n",
        ] {
            assert!(cut(text, 1).is_none(), "{text}");
        }
    }

    #[test]
    fn pieces_that_do_not_read_alone_send_the_file_to_a_whole_reading() {
        // A quoted scalar over lines, an alias to another piece's anchor, and a key repeated
        // across pieces.
        for text in [
            "a: \"one\nb: two\"\nc: 3\n",
            "a: &x {k: 1}\nb: *x\n",
            "a: 1\nb: 2\na: 3\n",
            "users:\n  - [a,\n  - b]\n",
        ] {
            assert!(pieced(text, 1).is_none(), "{text}");
        }
    }
}
