//! Microsoft365DSC: configuration scripts (`.ps1`), composite data files (`.psd1`) and the
//! Microsoft365DscWorkshop YAML layout (`cAAD<Resource>.yml`), read into the format-v1 tree with
//! spans into the original text. `docs/microsoft365dsc.md` lists what is read and what is not.

pub mod lexer;
pub mod map;
pub mod parse;
pub mod psd1;
pub mod workshop;

use std::path::Path;

use super::tree::Document;
use super::yaml::Parsed;
use crate::diagnostic::{Diagnostic, Span};

/// Which DSC layout a file name says a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A `Configuration` script.
    Script,
    /// A PowerShell data file in the M365DSC.CompositeResources layout.
    DataFile,
    /// A Microsoft365DscWorkshop YAML file for the named resource.
    Workshop(&'static str),
}

impl Format {
    /// The layout a file's name implies, or None for a file read as a tenant file.
    pub fn of(name: &str) -> Option<Format> {
        let extension = Path::new(name).extension()?.to_str()?;
        if extension.eq_ignore_ascii_case("ps1") {
            return Some(Format::Script);
        }
        if extension.eq_ignore_ascii_case("psd1") {
            return Some(Format::DataFile);
        }
        if extension.eq_ignore_ascii_case("yml") || extension.eq_ignore_ascii_case("yaml") {
            let stem = Path::new(name).file_stem()?.to_str()?;
            return workshop::resource_of(stem).map(Format::Workshop);
        }
        None
    }

    /// Whether a text (possibly cut short by a bad byte) looks like this layout, so that its
    /// problems are worth reporting; any other PowerShell file is not a tenant file.
    pub fn recognises(self, text: &str) -> bool {
        match self {
            Format::Script => text.lines().any(|line| {
                line.trim_start()
                    .get(..14)
                    .is_some_and(|w| w.eq_ignore_ascii_case("configuration "))
            }),
            Format::DataFile => text.to_ascii_lowercase().contains("nonnodedata"),
            // The file's name already says it is one.
            Format::Workshop(_) => true,
        }
    }
}

/// Reads a file in a DSC layout: the document, and the kinds of the resources in it that entralint
/// does not read. A file that is not in the layout gives an empty document and no diagnostics.
pub fn parse(format: Format, text: &str) -> (Parsed, Vec<String>) {
    let mut unchecked = Vec::new();
    let parsed = match format {
        Format::Script | Format::DataFile => powershell(format, text, &mut unchecked),
        Format::Workshop(kind) => workshop_yaml(kind, text, &mut unchecked),
    };
    (parsed, unchecked)
}

fn workshop_yaml(kind: &str, text: &str, unchecked: &mut Vec<String>) -> Parsed {
    let mut parsed = super::yaml::parse(text);
    let Some(root) = parsed.document.root.take() else {
        return parsed;
    };
    let resources = workshop::resources(kind, &root);
    // One resource of a tenant split over many files: not the whole tenant on its own.
    parsed.document.root = map::map(&resources, &mut parsed.diagnostics, false, unchecked);
    parsed
}

fn nothing() -> Parsed {
    Parsed {
        document: Document::default(),
        diagnostics: Vec::new(),
    }
}

fn syntax_error(span: Span, message: String) -> Diagnostic {
    Diagnostic::error("syntax-error", span, message)
        .with_label("here")
        .with_help("entralint reads the literal subset of PowerShell that Microsoft365DSC writes")
}

fn powershell(format: Format, text: &str, unchecked: &mut Vec<String>) -> Parsed {
    let lexed = match lexer::lex(text) {
        Ok(lexed) => lexed,
        Err(err) if format.recognises(text) => {
            return Parsed {
                document: Document::default(),
                diagnostics: vec![syntax_error(err.span, err.message)],
            };
        }
        Err(_) => return nothing(),
    };
    let resources = match format {
        Format::DataFile => psd1::resources(text, &lexed.tokens),
        _ => parse::configuration(text, &lexed.tokens),
    };
    let resources = match resources {
        None => return nothing(),
        Some(Ok(resources)) => resources,
        Some(Err(_)) if !format.recognises(text) => return nothing(),
        Some(Err(err)) => {
            return Parsed {
                document: Document::default(),
                diagnostics: vec![syntax_error(err.span, err.message)],
            };
        }
    };
    let mut diagnostics = Vec::new();
    let root = map::map(&resources, &mut diagnostics, true, unchecked);
    Parsed {
        document: Document {
            root,
            comments: lexed.comments,
        },
        diagnostics,
    }
}
