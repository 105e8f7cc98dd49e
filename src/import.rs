//! `entralint import`: any input entralint reads (a tenant file, a Graph response, a folder of
//! responses, an EntraExporter tree, a ScubaGear export, a Terraform module or plan) written out
//! as a format-v1 tenant file, each value commented with the file and line it came from.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::diagnostic::{FileReport, Severity};
use crate::discover;
use crate::load::graph::folder;
use crate::load::layout::Layout;
use crate::load::terraform::module;
use crate::load::{self, Loaded};
use crate::model;
use crate::tree::{Entry, Node, Value};

/// Why an import did not produce a file.
#[derive(Debug)]
pub enum ImportError {
    /// The input has problems that would carry over into the tenant file; they are in the reports.
    Problems(Vec<FileReport>),
    /// The input could not be read, or holds nothing to import.
    Input(String),
}

/// A converted tenant file, and what the input said that did not stop the conversion (values a
/// Terraform module leaves unknown until apply, left out of the file rather than guessed).
#[derive(Debug)]
pub struct Imported {
    pub text: String,
    pub notes: Vec<FileReport>,
}

/// The tenant file for `path`.
pub fn import(path: &Path) -> Result<Imported, ImportError> {
    let meta = std::fs::metadata(path)
        .map_err(|err| ImportError::Input(format!("{}: {err}", path.display())))?;
    let terraform_file = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(load::terraform::is_terraform);
    let (loaded, members) = if meta.is_dir() || terraform_file {
        let (loaded, members) = load_folder(path)?;
        (loaded, Some(members))
    } else {
        (load_file(path)?, None)
    };
    let mut diagnostics = loaded.diagnostics.clone();
    model::normalise(&loaded.document, &mut diagnostics);
    // A defect the JSON reader read past (a trailing comma) does not reach the output; anything
    // else would, so it stops the import.
    let blocking = diagnostics.iter().any(|d| {
        d.severity == Severity::Error
            && !(d.code == "syntax-error" && loaded.document.root.is_some())
    });
    let per_file = |diagnostics: Vec<crate::diagnostic::Diagnostic>| {
        let mut report = FileReport {
            source: loaded.source.clone(),
            diagnostics,
        };
        report.sort();
        match &members {
            Some(members) => members.split(report),
            None => vec![report],
        }
    };
    if blocking || loaded.document.root.is_none() {
        return Err(ImportError::Problems(per_file(diagnostics)));
    }
    let mut notes = per_file(diagnostics);
    notes.retain(|r| !r.diagnostics.is_empty());
    let Some(root) = &loaded.document.root else {
        return Err(ImportError::Input(format!(
            "{}: nothing to import",
            path.display()
        )));
    };
    let origin = |span_start: u32| -> String {
        match &members {
            Some(members) => members
                .locate(span_start)
                .map(|(name, line)| format!("{name}:{line}"))
                .unwrap_or_default(),
            None => format!(
                "{}:{}",
                loaded.source.name,
                loaded.source.line_col(span_start).line
            ),
        }
    };
    let mut out = format!(
        "# Imported by `entralint import` from {}.\n# The comment on each value names the file and line it came from.\n",
        path.display()
    );
    let entries = root.as_map().unwrap_or_default();
    write_map(&mut out, entries, 0, &origin);
    Ok(Imported { text: out, notes })
}

fn load_file(path: &Path) -> Result<Loaded, ImportError> {
    let name = crate::escape::path(path);
    let bytes = crate::read::read(path, crate::read::Kind::Tenant)
        .map_err(|err| ImportError::Input(err.to_string()))?;
    let loaded = load::load(&name, &bytes);
    if !loaded.is_tenant_document() {
        return Err(ImportError::Input(format!(
            "{name}: not a tenant file, Graph response or ScubaGear export entralint reads"
        )));
    }
    Ok(loaded)
}

/// A folder of Graph responses or exports, or a Terraform module: the folder given, or the
/// folder of the `.tf` file given (a module is only read whole).
fn load_folder(path: &Path) -> Result<(Loaded, Layout), ImportError> {
    let found = discover::discover(&[PathBuf::from(path)])
        .map_err(|err| ImportError::Input(err.to_string()))?;
    let mut candidates = found.candidates;
    // Files in the folder are found, not named: the folder decides what belongs to the tenant.
    // A `.tf` file named alone stays named, so that it brings the rest of its module.
    let single = !path.is_dir();
    for c in &mut candidates {
        c.explicit = single;
    }
    let mut modules = module::claim(&mut candidates);
    modules.retain(|m| !m.names().is_empty());
    if let Some(m) = modules.iter().find(|m| !m.unreadable.is_empty()) {
        let unreadable: Vec<String> = m
            .unreadable
            .iter()
            .map(|c| c.path.display().to_string())
            .collect();
        return Err(ImportError::Input(format!(
            "{}: cannot be read as text",
            unreadable.join(", ")
        )));
    }
    let groups = folder::claim(&mut candidates);
    let roots: Vec<String> = modules
        .iter()
        .map(|m| m.root.display().to_string())
        .chain(groups.iter().map(|g| g.root.display().to_string()))
        .collect();
    match (
        modules.len() + groups.len(),
        modules.pop(),
        groups.into_iter().next(),
    ) {
        (0, ..) => Err(ImportError::Input(format!(
            "{}: holds no Graph responses, EntraExporter export, ScubaGear export or Terraform module",
            path.display()
        ))),
        (1, Some(module), _) => Ok(module.combine()),
        (1, None, Some(group)) => Ok(group.combine()),
        (n, ..) => Err(ImportError::Input(format!(
            "{}: holds {n} tenants ({}); import one folder at a time",
            path.display(),
            roots.join(", ")
        ))),
    }
}

fn write_map(out: &mut String, entries: &[Entry], indent: usize, origin: &dyn Fn(u32) -> String) {
    for entry in entries {
        if entry.value.value == Value::Null {
            continue;
        }
        // The first key of a list item follows its `- `.
        if !out.ends_with("- ") {
            out.push_str(&" ".repeat(indent));
        }
        let key = key_text(entry.key.as_str().unwrap_or_default());
        write_value(out, &key, &entry.value, indent, origin);
    }
    if entries.iter().all(|e| e.value.value == Value::Null) && out.ends_with("- ") {
        out.push_str("{}\n");
    }
}

fn write_value(
    out: &mut String,
    key: &str,
    node: &Node,
    indent: usize,
    origin: &dyn Fn(u32) -> String,
) {
    let from = origin(node.span.start);
    match &node.value {
        Value::Map(entries) if entries.iter().any(|e| e.value.value != Value::Null) => {
            let _ = writeln!(out, "{key}:  # {from}");
            write_map(out, entries, indent + 2, origin);
        }
        Value::Map(_) => {
            let _ = writeln!(out, "{key}: {{}}  # {from}");
        }
        Value::Seq(items) if !items.is_empty() => {
            let _ = writeln!(out, "{key}:  # {from}");
            for item in items {
                out.push_str(&" ".repeat(indent + 2));
                match &item.value {
                    Value::Map(entries) => {
                        out.push_str("- ");
                        write_map(out, entries, indent + 4, origin);
                    }
                    _ => {
                        let _ = writeln!(out, "- {}  # {}", scalar(item), origin(item.span.start));
                    }
                }
            }
        }
        Value::Seq(_) => {
            let _ = writeln!(out, "{key}: []  # {from}");
        }
        _ => {
            let _ = writeln!(out, "{key}: {}  # {from}", scalar(node));
        }
    }
}

/// A scalar in YAML: strings always double-quoted (JSON's escapes are YAML's), so `yes`, `on` or
/// a GUID-like number never changes type.
fn scalar(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Float(f) => serde_json::to_string(f).unwrap_or_else(|_| f.to_string()),
        Value::Str(s) => quoted(s),
        Value::Seq(_) | Value::Map(_) => "null".to_string(),
    }
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
}

fn key_text(key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && key.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if plain { key.to_string() } else { quoted(key) }
}

/// Whether a written tenant file loads without a load problem: the import never leaves a file
/// that entralint itself would reject.
pub fn verify(name: &str, text: &str) -> Vec<FileReport> {
    let loaded = load::load(name, text.as_bytes());
    let mut diagnostics = loaded.diagnostics;
    model::normalise(&loaded.document, &mut diagnostics);
    diagnostics.retain(|d| d.severity == Severity::Error);
    if diagnostics.is_empty() {
        return Vec::new();
    }
    vec![FileReport {
        source: loaded.source,
        diagnostics,
    }]
}
