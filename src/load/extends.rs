//! `tenant.extends`: a tenant file that inherits the settings of other tenant files.
//!
//! The files a tenant extends are read (and the files they extend, in turn), laid end to end after
//! it as one document (see [`Layout`]), and merged key by key: mappings merge, while lists and
//! values replace, and a file's own keys win over the files it extends, later files over earlier
//! ones. Every value keeps the span of the file that set it, so a finding on an inherited value
//! is handed back to that file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::layout::{Layout, shift, shift_diagnostic, shift_node};
use super::{Loaded, load};
use crate::diagnostic::{Diagnostic, SourceFile, Span};
use crate::read;
use crate::tree::{Comment, Document, Entry, Node, Value};

/// The most files one tenant may extend, counted over every level: a fleet's chain is short, and
/// a longer one is more likely a mistake than a design.
pub const MAX_FILES: usize = 32;

/// The paths a tenant document's header names in `tenant.extends`, as written, with the span
/// of each.
pub fn named(root: &Node) -> Vec<(String, Span)> {
    let Some(extends) = root.get("tenant").and_then(|t| t.get("extends")) else {
        return Vec::new();
    };
    match &extends.value {
        Value::Str(path) => vec![(path.clone(), extends.span)],
        Value::Seq(items) => items
            .iter()
            .filter_map(|item| Some((item.as_str()?.to_string(), item.span)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether a file's text may extend another: a cheap look before parsing, for discovery.
pub fn may_extend(text: &str) -> bool {
    text.contains("extends")
}

/// [`may_extend`] from a file's bytes, decoding only UTF-16: in UTF-16 every ASCII character has
/// a zero byte, which UTF-8 text never holds, so a file without one is searched as it is.
pub fn may_extend_bytes(bytes: &[u8]) -> bool {
    if memchr::memchr(0, bytes).is_none() {
        return memchr::memmem::find(bytes, b"extends").is_some();
    }
    super::decode::decode(bytes).is_ok_and(|(text, _)| may_extend(&text))
}

/// A text to read instead of a file on disk: a fix being checked before it is written.
#[derive(Debug, Clone, Copy)]
pub struct Replacement<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

/// A tenant file's bytes (its name is its path) loaded with the files it extends, and where each
/// file sits; a file that extends nothing is laid out alone.
pub fn load_tenant(name: &str, bytes: &[u8]) -> (Loaded, Layout) {
    let loaded = load(name, bytes);
    match with_parents(loaded, &crate::escape::to_path(name), None) {
        Ok(extended) => (extended.loaded, extended.layout),
        Err(loaded) => {
            let layout = Layout::single(loaded.source.clone());
            (*loaded, layout)
        }
    }
}

/// A tenant with the files it extends merged in.
#[derive(Debug)]
pub struct Extended {
    pub loaded: Loaded,
    /// Where each file sits in `loaded`: the tenant's own file first.
    pub layout: Layout,
    /// The real paths of the files it extends, at every level.
    pub parents: Vec<PathBuf>,
    /// Where the tenant's own file names what it extends (the value of `tenant.extends`).
    pub extends_at: Span,
}

/// The tenant `child` (read from `path`) with every file it extends merged in; the tenant
/// unchanged when it extends nothing.
pub fn with_parents(
    child: Loaded,
    path: &Path,
    replacement: Option<Replacement>,
) -> Result<Extended, Box<Loaded>> {
    let Some(root) = child.document.root.as_ref() else {
        return Err(Box::new(child));
    };
    if named(root).is_empty() || !child.native {
        return Err(Box::new(child));
    }
    let extends_at = root
        .get("tenant")
        .and_then(|t| t.get("extends"))
        .map_or(root.span, |n| n.span);
    let at = absolute(path);
    let mut combined = Combined {
        text: String::new(),
        files: Vec::new(),
        diagnostics: Vec::new(),
        comments: Vec::new(),
        laid: Vec::new(),
        repository: repository(&at),
        replacement,
    };
    let Loaded {
        source,
        encoding,
        document,
        diagnostics,
        native,
        unchecked,
        terraform,
    } = child;
    let own = combined.lay(&source, document, diagnostics);
    let mut stack = vec![canonical(&at)];
    let merged = combined.merge(own, &at, &mut stack);
    let name = source.name.clone();
    let text = std::mem::take(&mut combined.text);
    let loaded = Loaded {
        source: SourceFile::new(name, text),
        encoding,
        document: Document {
            root: merged,
            comments: combined.comments,
        },
        diagnostics: combined.diagnostics,
        native,
        unchecked,
        terraform,
    };
    Ok(Extended {
        loaded,
        layout: Layout::new(combined.files),
        parents: combined.laid.into_iter().map(|(p, _)| p).collect(),
        extends_at,
    })
}

/// The combined document being built.
struct Combined<'a> {
    text: String,
    files: Vec<(Arc<SourceFile>, usize)>,
    diagnostics: Vec<Diagnostic>,
    comments: Vec<Comment>,
    /// Files laid out so far (by their real path) and their merged trees, so a file two parents
    /// share is read once.
    laid: Vec<(PathBuf, Option<Node>)>,
    /// Parents must lie in the child's repository.
    repository: PathBuf,
    replacement: Option<Replacement<'a>>,
}

impl Combined<'_> {
    /// Appends one file's text, moving its tree, comments and problems to where it now sits.
    fn lay(
        &mut self,
        source: &Arc<SourceFile>,
        document: Document,
        diagnostics: Vec<Diagnostic>,
    ) -> Option<Node> {
        let base = self.text.len();
        self.text.push_str(&source.text);
        if !source.text.ends_with('\n') {
            self.text.push('\n');
        }
        for mut d in diagnostics {
            shift_diagnostic(&mut d, base);
            self.diagnostics.push(d);
        }
        for mut comment in document.comments {
            comment.span = shift(comment.span, base);
            self.comments.push(comment);
        }
        self.files.push((source.clone(), base));
        document.root.map(|mut root| {
            shift_node(&mut root, base);
            root
        })
    }

    /// A file's own tree (`own`, at `path`) over the merged trees of the files it extends.
    fn merge(&mut self, own: Option<Node>, path: &Path, stack: &mut Vec<PathBuf>) -> Option<Node> {
        let own = own?;
        let mut merged: Option<Node> = None;
        for (written, span) in named(&own) {
            match self.parent(path, &written, stack) {
                Ok(Some(tree)) => merged = Some(overlay_onto(merged, tree)),
                Ok(None) => {}
                Err(message) => self.diagnostics.push(
                    Diagnostic::error("invalid-extends", span, message)
                        .with_path("tenant.extends")
                        .with_label("cannot extend this")
                        .with_help("name a tenant file by its path relative to this one, inside the repository"),
                ),
            }
        }
        Some(overlay_onto(merged, own))
    }

    /// The merged tree of the file `written` names, read relative to the file at `from`.
    fn parent(
        &mut self,
        from: &Path,
        written: &str,
        stack: &mut Vec<PathBuf>,
    ) -> Result<Option<Node>, String> {
        let shown = crate::escape::text(written);
        if written.trim().is_empty() {
            return Err("`extends` names an empty path".to_string());
        }
        if Path::new(written).is_absolute() || written.starts_with(['/', '\\']) {
            return Err(format!(
                "`{shown}` is an absolute path; name the file relative to this one"
            ));
        }
        let target = crate::paths::lexical(&from.parent().unwrap_or(from).join(written));
        let real = target.canonicalize().map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => format!("`{shown}` does not exist"),
            _ => format!("`{shown}` cannot be read: {err}"),
        })?;
        if !real.starts_with(&self.repository) {
            return Err(format!(
                "`{shown}` lies outside the repository ({}); a tenant extends files of its own repository only",
                crate::escape::path(&self.repository)
            ));
        }
        if let Some(at) = stack.iter().position(|p| *p == real) {
            let chain: Vec<String> = stack[at..]
                .iter()
                .chain(std::iter::once(&real))
                .map(|p| crate::escape::path(&self.name_of(p)))
                .collect();
            return Err(format!(
                "`{shown}` extends this file again: {}",
                chain.join(" → ")
            ));
        }
        if let Some((_, tree)) = self.laid.iter().find(|(p, _)| *p == real) {
            return Ok(tree.clone());
        }
        if self.files.len() >= MAX_FILES {
            return Err(format!(
                "a tenant may extend at most {MAX_FILES} files in all; `{shown}` is one more"
            ));
        }
        let loaded = self
            .read(&target, &real)
            .map_err(|why| format!("`{shown}` {why}"))?;
        let Loaded {
            source,
            document,
            diagnostics,
            ..
        } = loaded;
        let own = self.lay(&source, document, diagnostics);
        stack.push(real.clone());
        let merged = self.merge(own, &target, stack);
        stack.pop();
        self.laid.push((real, merged.clone()));
        Ok(merged)
    }

    /// Reads and loads one file a tenant extends: it must be a tenant file in entralint's format.
    fn read(&self, target: &Path, real: &Path) -> Result<Loaded, String> {
        let name = crate::escape::path(&self.name_of(target));
        let bytes = match self.replacement {
            Some(r) if canonical(&absolute(r.path)) == real => r.text.as_bytes().to_vec(),
            _ => read::read(target, read::Kind::Tenant).map_err(|err| match err {
                read::ReadError::NotRegular(..) => "is not a regular file".to_string(),
                read::ReadError::TooLarge(_, _, size) => format!(
                    "is {:.1} MB, more than a tenant file may be",
                    size as f64 / 1_048_576.0
                ),
                other => format!("cannot be read ({other})"),
            })?,
        };
        let loaded = load(&name, &bytes);
        if !loaded.native || super::dsc::Format::of(&name).is_some() {
            return Err("is not a tenant file in entralint's format (a Graph response or a Microsoft365DSC file cannot be extended)".to_string());
        }
        if loaded.document.root.is_some() && !loaded.is_tenant_document() {
            return Err("is not a tenant file (it has no tenant key at the top level)".to_string());
        }
        Ok(loaded)
    }

    /// How a file is named in reports: relative to the working folder when it is inside it.
    fn name_of(&self, path: &Path) -> PathBuf {
        let cwd = std::env::current_dir().unwrap_or_default();
        path.strip_prefix(&cwd)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

/// `top` over `base` (None: nothing below it).
fn overlay_onto(base: Option<Node>, top: Node) -> Node {
    match base {
        Some(base) => overlay(base, top),
        None => top,
    }
}

/// Key by key: a mapping in both merges, anything else in `top` replaces what `base` has.
pub fn overlay(base: Node, top: Node) -> Node {
    match (base.value, top.value) {
        (Value::Map(mut entries), Value::Map(over)) => {
            for entry in over {
                let existing = entry
                    .key
                    .as_str()
                    .and_then(|key| entries.iter().position(|e| e.key.as_str() == Some(key)));
                match existing {
                    Some(at) => {
                        let old = std::mem::replace(
                            &mut entries[at].value,
                            Node::new(Span::default(), Value::Null),
                        );
                        entries[at] = Entry {
                            key: entry.key,
                            value: overlay(old, entry.value),
                        };
                    }
                    None => entries.push(entry),
                }
            }
            Node {
                span: top.span,
                value: Value::Map(entries),
                style: top.style,
            }
        }
        (_, value) => Node {
            span: top.span,
            value,
            style: top.style,
        },
    }
}

/// `path` made absolute against the working folder, `.` and `..` resolved.
fn absolute(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    crate::paths::lexical(&cwd.join(path))
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// The repository a file belongs to: the nearest folder above it holding `.git`; else the
/// working folder, when the file is inside it; else the file's own folder.
fn repository(path: &Path) -> PathBuf {
    let folder = path.parent().unwrap_or(path);
    if let Some(root) = read::repository_root(folder) {
        return root;
    }
    let cwd = canonical(&std::env::current_dir().unwrap_or_default());
    let folder = canonical(folder);
    if folder.starts_with(&cwd) {
        cwd
    } else {
        folder
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml;

    fn tree(text: &str) -> Node {
        yaml::parse(text).document.root.unwrap()
    }

    fn text_of(node: &Node) -> serde_json::Value {
        match &node.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => (*b).into(),
            Value::Int(i) => (*i).into(),
            Value::Float(f) => (*f).into(),
            Value::Str(s) => s.as_str().into(),
            Value::Seq(items) => items.iter().map(text_of).collect(),
            Value::Map(entries) => entries
                .iter()
                .map(|e| (e.key.as_str().unwrap_or("").to_string(), text_of(&e.value)))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }

    #[test]
    fn mappings_merge_and_lists_replace() {
        let base = tree("a: {x: 1, y: [1, 2]}\nb: 2\n");
        let top = tree("a: {y: [3], z: 4}\nc: 5\n");
        let merged = overlay(base, top);
        assert_eq!(
            text_of(&merged),
            serde_json::json!({"a": {"x": 1, "y": [3], "z": 4}, "b": 2, "c": 5})
        );
    }

    #[test]
    fn a_value_set_below_keeps_its_span() {
        let base = tree("a: {x: 1}\n");
        let top = tree("a: {y: 2}\n");
        let x_span = base.get("a").unwrap().get("x").unwrap().span;
        let merged = overlay(base, top);
        assert_eq!(merged.get("a").unwrap().get("x").unwrap().span, x_span);
    }

    #[test]
    fn the_extends_key_is_read_as_a_string_or_a_list() {
        let one = tree("tenant: {extends: ../b.yaml}\n");
        let many = tree("tenant:\n  extends: [a.yaml, b.yaml]\n");
        assert_eq!(named(&one)[0].0, "../b.yaml");
        let names: Vec<String> = named(&many).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["a.yaml", "b.yaml"]);
    }
}
