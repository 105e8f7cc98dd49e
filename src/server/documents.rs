//! Open documents, where they live on disk, positions in them, and the configuration, rules and
//! baseline each one is checked with (the same `.entralint.yaml` as `check`, found upward from
//! the document).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use lsp_types::{Position, Range, Uri};

use crate::config::{self, Config, ConfigError};
use crate::diagnostic::{FileReport, Span};
use crate::rules::{LoadError, RuleSet, Selection};
use crate::suppress::baseline::Baseline;

/// One open document as the editor holds it.
#[derive(Debug, Clone)]
pub struct Document {
    pub uri: Uri,
    pub version: i32,
    /// None when the document is larger than entralint reads: it is refused, not kept.
    pub text: Option<Arc<str>>,
    /// The name it is checked under: its path relative to the working folder, as `check` run
    /// from the workspace root names it (baseline fingerprints hold that name).
    pub name: String,
    /// Where it lives on disk, when it does.
    pub path: Option<PathBuf>,
    /// The editor's language id (`yaml`, `json`, `powershell`).
    pub language: String,
    /// The newest check of this version, once it is done.
    pub checked: Option<Arc<Checked>>,
}

/// A finished check of one version of a document.
#[derive(Debug)]
pub struct Checked {
    pub version: i32,
    pub report: Option<FileReport>,
    pub context: Arc<Context>,
    pub index: LineIndex,
    /// Findings on values the document inherits (`tenant.extends`): each file it extends that
    /// holds some, with where its lines are, and where the document names what it extends.
    pub inherited: Vec<(Uri, LineIndex, FileReport)>,
    pub extends_at: Option<crate::diagnostic::Span>,
}

/// The open documents, by URI.
pub type Documents = Arc<Mutex<HashMap<Uri, Document>>>;

/// How the client counts columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// Converts between byte offsets into the checked (decoded) text and editor positions. The
/// editor's text may start with a byte-order mark that decoding drops: `shift` is its length.
#[derive(Debug, Clone)]
pub struct LineIndex {
    text: Arc<str>,
    line_starts: Vec<usize>,
    shift: usize,
    encoding: Encoding,
}

impl LineIndex {
    pub fn new(editor_text: Arc<str>, decoded_len: usize, encoding: Encoding) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', editor_text.as_bytes()).map(|i| i + 1));
        let shift = if editor_text.starts_with('\u{feff}') && editor_text.len() > decoded_len {
            editor_text.len() - decoded_len
        } else {
            0
        };
        LineIndex {
            text: editor_text,
            line_starts,
            shift,
            encoding,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The editor position of a byte offset into the decoded text.
    pub fn position(&self, offset: u32) -> Position {
        let offset = floor_boundary(&self.text, offset as usize + self.shift);
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let before = &self.text[start..offset];
        let character = match self.encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(character).unwrap_or(u32::MAX),
        )
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset into the editor's text of a position; past the end of a line is its end.
    pub fn editor_offset(&self, position: Position) -> usize {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self
            .line_starts
            .get(position.line as usize + 1)
            .map_or(self.text.len(), |&next| next - 1);
        // A position past the end of a line is its end, before a CRLF's `\r` too.
        let line = self.text[start..end].trim_end_matches('\r');
        let wanted = position.character as usize;
        let within = match self.encoding {
            Encoding::Utf8 => floor_boundary(line, wanted.min(line.len())),
            Encoding::Utf16 => {
                let mut units = 0;
                let mut at = line.len();
                for (i, c) in line.char_indices() {
                    if units >= wanted {
                        at = i;
                        break;
                    }
                    units += c.len_utf16();
                }
                at
            }
        };
        start + within
    }

    /// The byte offset into the decoded text of a position.
    pub fn offset(&self, position: Position) -> u32 {
        let offset = self.editor_offset(position).saturating_sub(self.shift);
        u32::try_from(offset).unwrap_or(u32::MAX)
    }

    /// The start of a line in the editor's text, and its leading whitespace.
    pub fn line(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line)?;
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next);
        Some(&self.text[start..end])
    }
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The file a `file:` URI names.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///path` or `file://localhost/path`; other hosts are not local files.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_decode(path)?;
    // `file:///C:/x` on Windows.
    let decoded = match decoded.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() && cfg!(windows) => {
            decoded[1..].to_string()
        }
        _ => decoded,
    };
    Some(PathBuf::from(decoded))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `file:` URI of a path.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?.replace('\\', "/");
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~:".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&uri).ok()
}

/// The name a document is checked under. A document that is not a file is named after the last
/// segment of its URI, with an extension from its language so the right reader is used.
pub fn name_for(uri: &Uri, path: Option<&Path>, language: &str) -> String {
    if let Some(path) = path {
        let cwd = std::env::current_dir().ok();
        return match cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()) {
            Some(relative) if !relative.as_os_str().is_empty() => relative.display().to_string(),
            _ => path.display().to_string(),
        };
    }
    let last = uri.as_str().rsplit(['/', ':']).next().unwrap_or("untitled");
    let known = [".yaml", ".yml", ".json", ".ps1", ".psd1"];
    if known
        .iter()
        .any(|ext| last.to_ascii_lowercase().ends_with(ext))
    {
        return last.to_string();
    }
    let ext = match language {
        "json" | "jsonc" => "json",
        "powershell" => "ps1",
        _ => "yaml",
    };
    format!("{last}.{ext}")
}

/// What a document is checked with: one per configuration file (or none).
#[derive(Debug)]
pub struct Context {
    pub config: Config,
    /// None when the rules did not load: the document's own problems are still reported.
    pub rules: Option<RuleSet>,
    pub baseline: Option<Baseline>,
    /// Why the configuration, the rules or the baseline could not be used, with where.
    pub problems: Vec<Problem>,
    /// The files this context was read from and when they were changed, to notice edits.
    stamps: Vec<(PathBuf, Option<SystemTime>)>,
}

/// A problem with entralint's own inputs, shown on every document checked with them.
#[derive(Debug, Clone)]
pub struct Problem {
    pub message: String,
    /// The file and the position in it, when known.
    pub at: Option<(PathBuf, u32, u32)>,
}

impl Context {
    fn load(config_path: Option<&Path>) -> Context {
        let mut problems = Vec::new();
        let mut stamps = Vec::new();
        let mut config = match config_path {
            None => Config::default(),
            Some(path) => {
                stamps.push((path.to_path_buf(), modified(path)));
                // Found by walking up from the document, as `check` finds it: confined to the
                // repository like any discovered configuration.
                match Config::load(path, true) {
                    Ok(config) => config,
                    Err(ConfigError::Message(message)) => {
                        problems.push(Problem { message, at: None });
                        Config::default()
                    }
                    Err(ConfigError::File(report)) => {
                        problems.extend(report_problems(&report, path));
                        Config::default()
                    }
                }
            }
        };
        let file = &config.file;
        let selection = Selection {
            profile: file.profile.as_ref().map(|p| p.value.clone()),
            rule_dirs: file
                .custom_rules
                .iter()
                .map(|d| config.root.join(d))
                .collect(),
            select: file.select.clone(),
            ignore: file.ignore.clone(),
            settings: file.rules.clone(),
        };
        let rules = match RuleSet::load(&selection) {
            Ok(rules) => Some(rules),
            Err(LoadError::Message(message)) => {
                problems.push(Problem { message, at: None });
                None
            }
            Err(LoadError::Files(files)) => {
                for report in &files {
                    let path = PathBuf::from(&report.source.name);
                    problems.extend(report_problems(report, &path));
                }
                None
            }
        };
        if let Some(rules) = &rules {
            config.follow_renames(rules);
        }
        let baseline = match config.baseline_path() {
            None => None,
            Some((path, repository)) => {
                stamps.push((path.clone(), modified(&path)));
                match Baseline::load(&path, repository) {
                    Ok(baseline) => Some(baseline),
                    Err(message) => {
                        problems.push(Problem { message, at: None });
                        None
                    }
                }
            }
        };
        Context {
            config,
            rules,
            baseline,
            problems,
            stamps,
        }
    }

    fn is_fresh(&self) -> bool {
        self.stamps
            .iter()
            .all(|(path, when)| modified(path) == *when)
    }
}

fn report_problems(report: &FileReport, path: &Path) -> Vec<Problem> {
    let absolute = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    report
        .diagnostics
        .iter()
        .map(|d| {
            let at = report.source.line_col(d.span.start);
            Problem {
                message: format!("{}: {} [{}]", report.source.name, d.message, d.code),
                at: Some((
                    absolute.clone(),
                    u32::try_from(at.line.saturating_sub(1)).unwrap_or(0),
                    u32::try_from(at.column.saturating_sub(1)).unwrap_or(0),
                )),
            }
        })
        .collect()
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Contexts by configuration file, loaded once and again when a file they come from changes.
#[derive(Debug, Default)]
pub struct Contexts {
    loaded: Mutex<HashMap<Option<PathBuf>, Arc<Context>>>,
}

impl Contexts {
    /// The context for a document: its nearest `.entralint.yaml` upward, else the workspace's.
    pub fn for_document(&self, path: Option<&Path>) -> Arc<Context> {
        let start = path
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .or_else(|| std::env::current_dir().ok());
        let config_path = start.as_deref().and_then(config::find);
        let cached = self
            .loaded
            .lock()
            .ok()
            .and_then(|loaded| loaded.get(&config_path).cloned())
            .filter(|context| context.is_fresh());
        if let Some(context) = cached {
            return context;
        }
        // Loaded outside the lock: compiling the rules takes a moment, and other documents'
        // checks should not wait for it.
        let context = Arc::new(Context::load(config_path.as_deref()));
        if let Ok(mut loaded) = self.loaded.lock() {
            loaded.insert(config_path, context.clone());
        }
        context
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_skip_the_byte_order_mark() {
        let text: Arc<str> = Arc::from("\u{feff}a: é\nb: 😀x\n");
        let decoded = &text[3..];
        let index = LineIndex::new(text.clone(), decoded.len(), Encoding::Utf16);
        let x = decoded.find('x').unwrap() as u32;
        assert_eq!(index.position(x), Position::new(1, 5));
        assert_eq!(index.offset(Position::new(1, 5)), x);
        assert_eq!(index.position(0), Position::new(0, 1));
        let utf8 = LineIndex::new(text.clone(), decoded.len(), Encoding::Utf8);
        assert_eq!(utf8.position(x), Position::new(1, 7));
        assert_eq!(utf8.offset(Position::new(9, 0)), decoded.len() as u32);
    }

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/tmp/a b/tenant é.yaml");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/tenant%20%C3%A9.yaml");
        assert_eq!(uri_to_path(&uri).unwrap(), path);
        let untitled = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(uri_to_path(&untitled), None);
        assert_eq!(name_for(&untitled, None, "yaml"), "Untitled-1.yaml");
    }
}
