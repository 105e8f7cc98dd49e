//! Making data from files safe to print: control characters escaped in paths and values, file
//! names that are not UTF-8 shown with their bytes, and secret values masked.
//!
//! Reports go to terminals and CI logs, where a carriage return, a line feed or an escape
//! sequence in a value could start a line of its own (`::error …` is a GitHub Actions workflow
//! command) or restyle the terminal. Every renderer prints names and messages that went through
//! [`report`]; the human report's snippets show the text through [`snippet`].

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use crate::diagnostic::{Diagnostic, FileReport, SourceFile};

/// Characters a terminal or a log reader acts on: C0 and C1 controls, DEL, the Unicode line and
/// paragraph separators, and the bidirectional overrides that reorder what is shown.
fn hostile(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `text` holds a hostile character, from its bytes alone: the C0 controls and DEL are
/// single bytes, the C1 controls are 0xC2 0x80–0x9F, and the separators and overrides 0xE2 0x80
/// 0xA8–0xAE and 0xE2 0x81 0xA6–0xA9. Every finding's message and help pass through here, nearly
/// all of them plain or with only typographic punctuation (0xE2 0x80 0x94 is an em dash), so a
/// block scan answers most and the rest look at the bytes after each suspect.
fn has_hostile(text: &str) -> bool {
    let bytes = text.as_bytes();
    let suspect = |b: u8| (b < 0x20 && b != b'\t') | (b == 0x7f) | (b == 0xc2) | (b == 0xe2);
    let hostile_at = |i: usize| {
        let next = |n: usize| bytes.get(i + n).copied().unwrap_or(0);
        match bytes[i] {
            0x7f => true,
            b if b < 0x20 => b != b'\t',
            0xc2 => (0x80..=0x9f).contains(&next(1)),
            0xe2 => matches!(
                (next(1), next(2)),
                (0x80, 0xa8..=0xae) | (0x81, 0xa6..=0xa9)
            ),
            _ => false,
        }
    };
    // A block at a time without an early exit inside it, which the compiler vectorises; only a
    // block with a suspect byte is looked at byte by byte.
    bytes.chunks(32).enumerate().any(|(n, block)| {
        block.iter().fold(false, |found, &b| found | suspect(b))
            && (0..block.len()).any(|i| hostile_at(n * 32 + i))
    })
}

/// `text` with hostile characters written as escapes (`\n`, `\r`, `\x1b`, `\u{202e}`); a
/// backslash is kept as it is, so escaping twice changes nothing.
pub fn text(text: &str) -> Cow<'_, str> {
    if !has_hostile(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if !hostile(c) => out.push(c),
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// A path as reports show it: bytes that are not UTF-8 as `\xNN` (so the name still points at
/// the real file), hostile characters escaped as in [`text`].
pub fn path(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        let mut out = String::with_capacity(bytes.len());
        for chunk in bytes.utf8_chunks() {
            for c in chunk.valid().chars() {
                push_escaped(&mut out, c);
            }
            for b in chunk.invalid() {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        text(&path.to_string_lossy()).into_owned()
    }
}

/// The file a name from [`path`] stands for: the name itself when such a file exists, otherwise
/// the name with its escapes read back into bytes.
pub fn to_path(name: &str) -> PathBuf {
    let literal = PathBuf::from(name);
    if !name.contains('\\') || literal.symlink_metadata().is_ok() {
        return literal;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        let bytes = name.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let rest = &name[i..];
            let (consumed, decoded): (usize, Option<Vec<u8>>) = if rest.starts_with("\\n") {
                (2, Some(vec![b'\n']))
            } else if rest.starts_with("\\r") {
                (2, Some(vec![b'\r']))
            } else if let Some(hex) = rest.strip_prefix("\\x").and_then(|h| h.get(..2)) {
                (4, u8::from_str_radix(hex, 16).ok().map(|b| vec![b]))
            } else if let Some(inner) = rest.strip_prefix("\\u{")
                && let Some(end) = inner.find('}')
            {
                let c = u32::from_str_radix(&inner[..end], 16)
                    .ok()
                    .and_then(char::from_u32);
                (4 + end, c.map(|c| c.to_string().into_bytes()))
            } else {
                (0, None)
            };
            match decoded {
                Some(decoded) => {
                    out.extend(decoded);
                    i += consumed;
                }
                None => {
                    // Not an escape: the whole character, so the next step starts on a boundary.
                    let len = rest.chars().next().map_or(1, char::len_utf8);
                    out.extend_from_slice(&bytes[i..i + len]);
                    i += len;
                }
            }
        }
        PathBuf::from(std::ffi::OsString::from_vec(out))
    }
    #[cfg(not(unix))]
    {
        literal
    }
}

/// A page of several lines (`explain` of a custom rule): hostile characters escaped but line
/// feeds kept, and a line that would start with `::` (a GitHub Actions workflow command) starts
/// with a Markdown escape instead, which renders the same.
pub fn page(page: &str) -> Cow<'_, str> {
    let starts_command = |line: &str| line.starts_with("::");
    if !page
        .split('\n')
        .any(|l| starts_command(l) || matches!(text(l), Cow::Owned(_)))
    {
        return Cow::Borrowed(page);
    }
    let lines: Vec<String> = page
        .split('\n')
        .map(|line| {
            let line = text(line);
            if starts_command(&line) {
                format!("\\{line}")
            } else {
                line.into_owned()
            }
        })
        .collect();
    Cow::Owned(lines.join("\n"))
}

/// Text for a snippet, byte for byte as long as `text` so that spans still point at the same
/// places: hostile characters become `?` (one per byte), a lone carriage return a line feed (it
/// ends a line either way), and secret values `*`.
pub fn snippet(source: &str) -> Cow<'_, str> {
    let secrets = secret_spans(source);
    let bytes = source.as_bytes();
    let needs = !secrets.is_empty()
        || source
            .char_indices()
            .any(|(i, c)| hostile(c) && !line_break(bytes, i, c));
    if !needs {
        return Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len());
    let mut secrets = secrets.into_iter().peekable();
    for (i, c) in source.char_indices() {
        while secrets.peek().is_some_and(|s| s.end <= i) {
            secrets.next();
        }
        let secret = secrets.peek().is_some_and(|s| s.start <= i);
        if c == '\r' && bytes.get(i + 1) != Some(&b'\n') {
            out.push('\n');
        } else if line_break(bytes, i, c) {
            out.push(c);
        } else if secret {
            out.extend(std::iter::repeat_n('*', c.len_utf8()));
        } else if hostile(c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn line_break(bytes: &[u8], i: usize, c: char) -> bool {
    c == '\n' || c == '\r' && bytes.get(i + 1) == Some(&b'\n')
}

/// Keys whose values are credentials: Graph's password credentials (`secretText`) and key
/// credentials (`key`), client and application secrets, and passwords.
const SECRET_KEYS: &[&str] = &[
    "secrettext",
    "clientsecret",
    "applicationsecret",
    "certificatepassword",
    "password",
    "keyvalue",
];

static SECRET: LazyLock<regex::Regex> = LazyLock::new(|| {
    let keys = SECRET_KEYS.join("|");
    let pattern = format!(
        r#"(?i)(?:"(?:{keys}|key)"|'(?:{keys})'|\b(?:{keys})\b)[ \t]*[:=][ \t]*(?:"((?:[^"\\\r\n]|\\.)*)"|'((?:[^'\r\n]|'')*)'|([^\s,#}}\]'"][^\r\n,#}}\]]*))"#
    );
    regex::Regex::new(&pattern).unwrap_or_else(|_| regex::Regex::new("$^").expect("empty regex"))
});

/// Where secret values are in a file's text, in order.
fn secret_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let lines = match secret_lines(text) {
        Lines::None => return Vec::new(),
        Lines::All => std::iter::once(0..text.len()).collect(),
        Lines::Some(lines) => lines,
    };
    // A match never crosses a line (neither the separator nor a value takes a line break), so
    // only the lines that spell a key are searched: a large export names a few.
    let mut spans = Vec::new();
    for line in lines {
        let base = line.start;
        spans.extend(
            SECRET
                .captures_iter(&text[line])
                .filter_map(|c| c.get(1).or(c.get(2)).or(c.get(3)))
                .filter(|m| {
                    let v = m.as_str().trim();
                    !v.is_empty() && !matches!(v, "null" | "~" | "$null")
                })
                .map(|m| base + m.start()..base + m.start() + m.as_str().trim_end().len()),
        );
    }
    spans
}

/// The lines of a text that may hold a secret.
enum Lines {
    None,
    All,
    /// Whole lines, in order, each once.
    Some(Vec<std::ops::Range<usize>>),
}

/// The lines of `text` that spell a secret key as [`SECRET`] looks for it: one of the names
/// between non-word characters (quotes included), or `"key"` quoted. Compiling the expression
/// costs more than checking a whole tenant file, and most files name no secret, so it is compiled
/// only for those that may. The test is ASCII and errs towards yes (a letter outside ASCII before
/// a name counts as a boundary here but not to the expression). The expression ignores case as
/// Unicode does, where the Kelvin sign is a `k` and the long s an `s`: a text with either is
/// searched whole.
fn secret_lines(text: &str) -> Lines {
    let bytes = text.as_bytes();
    // Byte searches: a search for characters decodes every one of a large file.
    if ["\u{212A}", "\u{17F}"]
        .iter()
        .any(|c| memchr::memmem::find(bytes, c.as_bytes()).is_some())
    {
        return Lines::All;
    }
    let lower = bytes.to_ascii_lowercase();
    let word = |i: Option<&u8>| i.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let mut starts: Vec<usize> = memchr::memmem::find_iter(&lower, b"\"key\"").collect();
    for name in SECRET_KEYS {
        starts.extend(
            memchr::memmem::find_iter(&lower, name.as_bytes()).filter(|&start| {
                let end = start + name.len();
                !word(start.checked_sub(1).and_then(|i| lower.get(i))) && !word(lower.get(end))
            }),
        );
    }
    if starts.is_empty() {
        return Lines::None;
    }
    starts.sort_unstable();
    let mut lines: Vec<std::ops::Range<usize>> = Vec::new();
    for at in starts {
        if lines.last().is_some_and(|l| l.contains(&at)) {
            continue;
        }
        // A carriage return alone ends a line too.
        let start = bytes[..at]
            .iter()
            .rposition(|b| matches!(b, b'\n' | b'\r'))
            .map_or(0, |i| i + 1);
        let end = bytes[at..]
            .iter()
            .position(|b| matches!(b, b'\n' | b'\r'))
            .map_or(bytes.len(), |i| at + i);
        lines.push(start..end);
    }
    Lines::Some(lines)
}

/// The secret values in a file, for masking them wherever a message repeats one.
fn secret_values(text: &str) -> Vec<&str> {
    let mut values: Vec<&str> = secret_spans(text)
        .into_iter()
        .map(|r| &text[r])
        .filter(|v| v.len() >= 4)
        .collect();
    // Longest first, so a value that contains another is masked whole.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();
    values
}

const MASK: &str = "****";

fn clean(text: &str, secrets: &[&str]) -> Option<String> {
    let mut out = Cow::Borrowed(text);
    for secret in secrets {
        if out.contains(secret) {
            out = Cow::Owned(out.replace(secret, MASK));
        }
    }
    match self::text(&out) {
        Cow::Owned(escaped) => Some(escaped),
        Cow::Borrowed(_) => match out {
            Cow::Owned(masked) => Some(masked),
            Cow::Borrowed(_) => None,
        },
    }
}

/// Makes one file's report safe to print in any format: its name and every message, label and
/// help with hostile characters escaped and the file's secret values masked. The source text,
/// document paths and values are left alone: fingerprints, which baselines match, are made of
/// them (JSON and SARIF escape them as strings).
pub fn report(file: &mut FileReport) {
    if file.diagnostics.is_empty() {
        return;
    }
    if let Cow::Owned(name) = text(&file.source.name) {
        // Rare (a name with a control character in it): the text is copied once.
        file.source = SourceFile::new(name, file.source.text.clone());
    }
    let secrets = secret_values(&file.source.text);
    let diagnostics = &mut file.diagnostics;
    if diagnostics.len() >= crate::diagnostic::PARALLEL_FROM {
        use rayon::prelude::*;
        diagnostics.par_iter_mut().with_min_len(1024).for_each_init(
            Shared::default,
            |shared, d| {
                clean_diagnostic(d, &secrets, shared);
            },
        );
    } else {
        let mut shared = Shared::default();
        diagnostics
            .iter_mut()
            .for_each(|d| clean_diagnostic(d, &secrets, &mut shared));
    }
}

/// What a rule's findings share (its help, its controls), cleaned once: a report repeats them
/// for every finding of the rule. Keyed by address, each with the original held, so that no
/// address is freed and reused while the report is cleaned.
#[derive(Default)]
struct Shared {
    helps: foldhash::HashMap<usize, Cleaned<str>>,
    controls: foldhash::HashMap<usize, Cleaned<[String]>>,
}

/// A shared text as found, and its cleaned form when that differs.
type Cleaned<T> = (Arc<T>, Option<Arc<T>>);

impl Shared {
    fn help(&mut self, help: &mut Arc<str>, secrets: &[&str]) {
        let at = Arc::as_ptr(help).cast::<u8>() as usize;
        let (_, cleaned) = self
            .helps
            .entry(at)
            .or_insert_with(|| (help.clone(), clean(help, secrets).map(Arc::from)));
        if let Some(cleaned) = cleaned {
            *help = cleaned.clone();
        }
    }

    /// Controls that need cleaning are escaped, not masked: a control is a baseline's id.
    fn controls(&mut self, controls: &mut Arc<[String]>, secrets: &[&str]) {
        let at = Arc::as_ptr(controls).cast::<u8>() as usize;
        let (_, cleaned) = self.controls.entry(at).or_insert_with(|| {
            let dirty = controls.iter().any(|c| clean(c, secrets).is_some());
            let escaped = || controls.iter().map(|c| text(c).into_owned()).collect();
            (controls.clone(), dirty.then(escaped))
        });
        if let Some(cleaned) = cleaned {
            *controls = cleaned.clone();
        }
    }
}

/// [`report`] for one finding.
fn clean_diagnostic(d: &mut Diagnostic, secrets: &[&str], shared: &mut Shared) {
    let fix = |s: &mut String| {
        if let Some(cleaned) = clean(s, secrets) {
            *s = cleaned;
        }
    };
    fix(&mut d.message);
    if let Some(label) = d.label.as_mut() {
        fix(label);
    }
    if let Some(help) = d.help.as_mut() {
        shared.help(help, secrets);
    }
    for related in &mut d.related {
        fix(&mut related.label);
    }
    shared.controls(&mut d.controls, secrets);
    if let Some(suppression) = d.suppression.as_mut() {
        fix(&mut suppression.reason);
    }
}

/// [`report`] for every file of a run.
pub fn outcome(outcome: &mut crate::outcome::Outcome) {
    outcome.files.iter_mut().for_each(report);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn names_with_backslashes_beside_other_characters_read_back() {
        use std::os::unix::ffi::OsStrExt;
        // Found by the report fuzz target: a character after a backslash that starts no escape.
        let name = "\\\u{7c7}\\x9e-\\u{zz}.yaml";
        let mut expected = b"\\".to_vec();
        expected.extend_from_slice("\u{7c7}".as_bytes());
        expected.push(0x9e);
        expected.extend_from_slice(b"-\\u{zz}.yaml");
        assert_eq!(to_path(name).as_os_str().as_bytes(), expected);
    }

    #[test]
    fn the_byte_scan_agrees_with_the_character_test() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let mut buffer = [0; 4];
            let alone = c.encode_utf8(&mut buffer);
            assert_eq!(has_hostile(alone), hostile(c), "{c:?}");
            // Among plain text and typographic punctuation, at either end of a block.
            let long = format!("{}— {alone} ’", "x".repeat(30));
            assert_eq!(has_hostile(&long), hostile(c), "{c:?} in text");
        }
        // At every offset in and across blocks, after a harmless character in an earlier block.
        for c in [
            '\n', '\x1b', '\x7f', '\u{85}', '\u{2014}', '\u{2028}', '\u{202e}', '\u{2069}',
        ] {
            for at in 0..70 {
                let text = format!("\u{2192}{}{c}{}", "a".repeat(at), "b".repeat(at % 3));
                assert_eq!(has_hostile(&text), hostile(c), "{c:?} after {at} bytes");
            }
        }
    }

    #[test]
    fn a_page_keeps_its_lines_and_starts_none_with_a_command() {
        let page = "# rule\n::error file=a.yaml::owned\nnote \x1b[2J\r\nend\n";
        assert_eq!(
            super::page(page),
            "# rule\n\\::error file=a.yaml::owned\nnote \\x1b[2J\\r\nend\n"
        );
        assert!(matches!(super::page("# plain\ntext\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn control_characters_are_escaped_and_escaping_is_idempotent() {
        let value = "x\r\n::error file=a.yaml::owned\x1b[31m\u{202e}";
        let escaped = text(value);
        assert_eq!(
            escaped,
            "x\\r\\n::error file=a.yaml::owned\\x1b[31m\\u{202e}"
        );
        assert_eq!(text(&escaped), escaped);
        assert!(matches!(text("a\tb c:d"), Cow::Borrowed(_)));
    }

    #[test]
    fn names_that_are_not_utf8_keep_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let raw = std::ffi::OsStr::from_bytes(b"t\xffa\n::warning::x.yaml");
        let shown = path(Path::new(raw));
        assert_eq!(shown, "t\\xffa\\n::warning::x.yaml");
        assert_eq!(to_path(&shown).as_os_str(), raw);
    }

    #[test]
    /// The pre-check never skips a text the expression finds a secret in.
    fn the_secret_pre_check_says_yes_whenever_the_expression_matches() {
        use proptest::prelude::*;
        let pieces = prop::sample::select(vec![
            "secretText",
            "PASSWORD",
            "password",
            "Key",
            "key",
            "keyValue",
            "clientSecret",
            "\"",
            "'",
            ":",
            " = ",
            "x",
            "_",
            "\u{e9}",
            "\u{212A}ey",
            "\u{17F}ecrettext",
            "\n",
            "hunter2",
        ]);
        let texts = prop::collection::vec(pieces, 0..8).prop_map(|p| p.concat());
        // Searching only the lines that spell a key finds what searching the whole text finds.
        let whole = |text: &str| -> Vec<std::ops::Range<usize>> {
            super::SECRET
                .captures_iter(text)
                .filter_map(|c| c.get(1).or(c.get(2)).or(c.get(3)))
                .filter(|m| {
                    let v = m.as_str().trim();
                    !v.is_empty() && !matches!(v, "null" | "~" | "$null")
                })
                .map(|m| m.start()..m.start() + m.as_str().trim_end().len())
                .collect()
        };
        proptest!(|(text in texts)| {
            prop_assert_eq!(super::secret_spans(&text), whole(&text), "{:?}", text);
        });
        let none = |text| matches!(super::secret_lines(text), super::Lines::None);
        assert!(none("passwordRuleSettings: {lockoutThreshold: 10}"));
        assert!(none("keyCredentials: []\nmonkey: 1"));
    }

    #[test]
    fn snippets_keep_their_length_and_hide_secrets() {
        let source =
            "a: \"\x1b[2J\"\r\nsecretText: hunter22\rclientSecret: \"s3cr3t\"\n\"key\": \"QUJD\"";
        let shown = snippet(source);
        assert_eq!(shown.len(), source.len());
        assert!(!shown.contains('\x1b'));
        assert!(
            !shown.contains("hunter22") && !shown.contains("s3cr3t") && !shown.contains("QUJD")
        );
        assert!(shown.contains("secretText: ********\n"), "{shown}");
        assert!(shown.contains("\r\n"));
    }

    #[test]
    fn messages_lose_secrets_and_control_characters() {
        let source = SourceFile::new("t\n::error::.json", "{\"secretText\": \"hunter22\"}".into());
        let mut file = FileReport {
            source,
            diagnostics: vec![crate::diagnostic::Diagnostic::error(
                "syntax-error",
                Default::default(),
                "value `hunter22`\n::error::x".to_string(),
            )],
        };
        report(&mut file);
        assert_eq!(file.source.name, "t\\n::error::.json");
        assert_eq!(file.diagnostics[0].message, "value `****`\\n::error::x");
    }
}
