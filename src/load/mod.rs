//! Loading: bytes on disk to a spanned document tree, with every load problem as a diagnostic.
//!
//! Each input format is a module that produces the same [`tree::Node`] shape (format v1).

mod blocks;
pub mod decode;
pub mod dsc;
pub mod extends;
pub mod graph;
pub mod keys;
pub mod layout;
pub mod open;
pub mod scuba;
mod split;
pub mod terraform;
pub use crate::tree;
pub mod yaml;

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, SourceFile, Span};
use decode::Encoding;
use tree::Document;

/// The top-level keys that make a document a tenant document.
pub fn tenant_keys() -> impl Iterator<Item = &'static str> {
    std::iter::once("tenant").chain(crate::catalogue::sections().iter().map(|s| s.key))
}

/// Whether `key` is a top-level key of the tenant format.
pub fn is_tenant_key(key: &str) -> bool {
    tenant_keys().any(|k| k == key)
}

/// A file after loading: its text, its tree when it parsed, and what went wrong.
#[derive(Debug)]
pub struct Loaded {
    pub source: Arc<SourceFile>,
    pub encoding: Encoding,
    pub document: Document,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the file is written in entralint's own tenant format, which `check --fix` may
    /// edit; Graph responses and Microsoft365DSC files are read, never rewritten.
    pub native: bool,
    /// Microsoft365DSC resources in the file that entralint does not read, by kind.
    pub unchecked: Vec<String>,
    /// Whether the text is Terraform (a `.tf` file, or a module's files laid end to end).
    pub terraform: bool,
}

impl Loaded {
    /// Whether this looks like a tenant document: a tenant key at the top level, or, when the
    /// file did not parse, a line that starts with one.
    pub fn is_tenant_document(&self) -> bool {
        // A module is a tenant when it holds an Entra resource, or fails to read as Terraform.
        if self.terraform {
            return self.document.root.is_some()
                || self
                    .diagnostics
                    .iter()
                    .any(|d| d.severity == crate::diagnostic::Severity::Error);
        }
        // DSC loaders only report problems in files they recognised as their layout, and give a
        // root (empty when every resource is `Absent`) only to files holding Microsoft365DSC
        // resources.
        if dsc::Format::of(&self.source.name).is_some()
            && (self.document.root.is_some() || !self.diagnostics.is_empty())
        {
            return true;
        }
        if let Some(entries) = self.document.root.as_ref().and_then(|r| r.as_map()) {
            return entries
                .iter()
                .any(|e| e.key.as_str().is_some_and(is_tenant_key));
        }
        if self.diagnostics.is_empty() {
            return false;
        }
        // A Graph response that does not parse names its endpoint.
        if self.source.text.contains("\"@odata.context\"") {
            return true;
        }
        self.source.text.lines().any(|line| {
            let line = line.trim_start_matches(['{', ' ', '\t']);
            let key = line.trim_start_matches('"');
            tenant_keys().any(|k| {
                key.strip_prefix(k)
                    .is_some_and(|rest| rest.trim_start_matches('"').trim_start().starts_with(':'))
            })
        })
    }
}

/// Loads a file's bytes. `name` is how the file is shown in reports.
pub fn load(name: &str, bytes: &[u8]) -> Loaded {
    let dsc_format = dsc::Format::of(name);
    let (text, encoding) = match decode::decode(bytes) {
        Ok(decoded) => decoded,
        Err(err) if dsc_format.is_some_and(|f| !f.recognises(&err.text)) => {
            // Some other PowerShell file in an encoding of its own: not a tenant file.
            return Loaded {
                source: SourceFile::new(name, err.text),
                encoding: Encoding::Utf8,
                document: Document::default(),
                diagnostics: Vec::new(),
                native: false,
                unchecked: Vec::new(),
                terraform: false,
            };
        }
        Err(err) => {
            let at = Span::new(err.offset, err.offset);
            let source = SourceFile::new(name, err.text);
            return Loaded {
                source,
                encoding: Encoding::Utf8,
                document: Document::default(),
                diagnostics: vec![
                    Diagnostic::error("invalid-encoding", at, err.message)
                        .with_label("here")
                        .with_help("save tenant files as UTF-8, or UTF-16 with a byte-order mark"),
                ],
                native: dsc_format.is_none(),
                unchecked: Vec::new(),
                terraform: terraform::is_terraform(name),
            };
        }
    };
    // A format entralint reads but never rewrites, already converted to the tenant format.
    let foreign = |text: String, (document, diagnostics), terraform| Loaded {
        source: SourceFile::new(name, text),
        encoding,
        document,
        diagnostics,
        native: false,
        unchecked: Vec::new(),
        terraform,
    };
    if terraform::is_terraform(name) {
        let read = terraform::load(name, &text);
        return foreign(text, read, true);
    }
    if dsc_format.is_none() && terraform::plan::is_plan(&text) {
        let (root, diagnostics) = terraform::plan::read(&text);
        let document = Document {
            root,
            comments: Vec::new(),
        };
        return foreign(text, (document, diagnostics), true);
    }
    if dsc_format.is_none()
        && let Some(read) = graph::load(&text)
    {
        return foreign(text, read, false);
    }
    let (parsed, unchecked) = match dsc_format {
        Some(format) => dsc::parse(format, &text),
        None => (yaml::parse(&text), Vec::new()),
    };
    Loaded {
        source: SourceFile::new(name, text),
        encoding,
        document: parsed.document,
        diagnostics: parsed.diagnostics,
        native: dsc_format.is_none(),
        unchecked,
        terraform: false,
    }
}

/// The diagnostic for a file over [`crate::read::MAX_TENANT_BYTES`], reported without reading it.
pub fn too_large(name: &str, size: u64) -> Loaded {
    Loaded {
        source: SourceFile::new(name, String::new()),
        encoding: Encoding::Utf8,
        document: Document::default(),
        diagnostics: vec![
            Diagnostic::error(
                "file-too-large",
                Span::default(),
                format!(
                    "the file is {:.1} MB; entralint reads tenant files up to {} MB",
                    size as f64 / 1_048_576.0,
                    crate::read::MAX_TENANT_BYTES / 1_048_576
                ),
            )
            .with_help("split the tenant into smaller files, or exclude this one from the check"),
        ],
        native: false,
        unchecked: Vec::new(),
        terraform: false,
    }
}
