//! Opening one tenant from a path given on the command line: a single file in any format
//! entralint reads, or a folder that is one tenant (a folder of Graph responses, an EntraExporter
//! export tree, or a folder holding one tenant file). Commands that compare or convert a tenant
//! (`drift`) read their inputs through here.

use std::path::{Path, PathBuf};

use crate::diagnostic::{FileReport, Severity, Span};
use crate::discover::{self, Candidate};
use crate::load::graph::folder;
use crate::load::layout::Layout;
use crate::load::{self, Loaded};

/// One tenant read from a path, with where each of its files sits in the combined text.
#[derive(Debug)]
pub struct Opened {
    pub loaded: Loaded,
    /// One file; a tenant file with the files it extends; or a Graph folder or export tree.
    pub layout: Layout,
}

impl Opened {
    /// The file and 1-based line an offset of the loaded text falls in.
    pub fn locate(&self, offset: u32) -> (String, usize) {
        self.layout
            .locate(offset)
            .map(|(name, line)| (name.to_string(), line))
            .unwrap_or_else(|| (self.loaded.source.name.clone(), 1))
    }

    /// `file:line` of an offset, as messages cite a place in another file.
    pub fn cite(&self, span: Span) -> String {
        let (file, line) = self.locate(span.start);
        format!("{}:{line}", crate::paths::display(&file))
    }

    /// A report on the loaded text handed back to the files it points into.
    pub fn split(&self, report: FileReport) -> Vec<FileReport> {
        self.layout.split(report)
    }

    /// The load problems that stop the tenant from being read as it is: errors only.
    pub fn errors(&self) -> Vec<FileReport> {
        let diagnostics: Vec<_> = self
            .loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect();
        if diagnostics.is_empty() && self.loaded.document.root.is_some() {
            return Vec::new();
        }
        let report = FileReport {
            source: self.loaded.source.clone(),
            diagnostics,
        };
        self.split(report)
            .into_iter()
            .filter(|r| !r.diagnostics.is_empty())
            .collect()
    }
}

/// Why a path could not be opened as one tenant.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The path is missing, unreadable, or not a file or folder.
    #[error("{0}")]
    Path(String),
    /// The path holds no tenant document.
    #[error(
        "{0}: holds no tenant file, Graph response, EntraExporter export, Microsoft365DSC configuration or ScubaGear export"
    )]
    NoTenant(String),
    /// A folder holding several tenants, named.
    #[error("{path}: holds {} tenants ({}); name one of them", .tenants.len(), .tenants.join(", "))]
    ManyTenants { path: String, tenants: Vec<String> },
}

/// Reads the one tenant at `path`.
pub fn open(path: &Path) -> Result<Opened, OpenError> {
    let meta = std::fs::metadata(path).map_err(|err| {
        let reason = if err.kind() == std::io::ErrorKind::NotFound {
            "no such file or folder".to_string()
        } else {
            err.to_string()
        };
        OpenError::Path(format!("{}: {reason}", crate::escape::path(path)))
    })?;
    if meta.is_dir() {
        open_folder(path)
    } else {
        let opened = open_file(path)?;
        if !opened.loaded.is_tenant_document() {
            return Err(OpenError::NoTenant(crate::escape::path(path)));
        }
        Ok(opened)
    }
}

/// One file in any format entralint reads; a tenant file with the files it extends.
pub fn open_file(path: &Path) -> Result<Opened, OpenError> {
    let name = crate::escape::path(path);
    let bytes = crate::read::read(path, crate::read::Kind::Tenant)
        .map_err(|err| OpenError::Path(err.to_string()))?;
    let (loaded, layout) = load::extends::load_tenant(&name, &bytes);
    Ok(Opened { loaded, layout })
}

/// A folder that is one tenant: its Graph responses (with their header) as one document, or the
/// one tenant document among its files.
fn open_folder(path: &Path) -> Result<Opened, OpenError> {
    let found = discover::discover(&[PathBuf::from(path)])
        .map_err(|err| OpenError::Path(err.to_string()))?;
    let mut candidates: Vec<Candidate> = found.candidates;
    // Files in the folder are found, not named: the folder decides what belongs to the tenant.
    for c in &mut candidates {
        c.explicit = false;
    }
    let modules = load::terraform::module::claim(&mut candidates);
    let groups = folder::claim(&mut candidates);
    let mut singles = Vec::new();
    for module in modules {
        let (loaded, layout) = module.combine();
        if loaded.is_tenant_document() {
            singles.push(Opened { loaded, layout });
        }
    }
    for candidate in &candidates {
        let opened = open_file(&candidate.path)?;
        if opened.loaded.is_tenant_document() {
            singles.push(opened);
        }
    }
    let tenants = groups.len() + singles.len();
    if tenants > 1 {
        let mut names: Vec<String> = groups
            .iter()
            .map(|g| crate::escape::path(&g.root))
            .chain(singles.iter().map(|s| s.loaded.source.name.clone()))
            .collect();
        names.sort();
        return Err(OpenError::ManyTenants {
            path: crate::escape::path(path),
            tenants: names,
        });
    }
    if let Some(group) = groups.into_iter().next() {
        let (loaded, layout) = group.combine();
        return Ok(Opened { loaded, layout });
    }
    singles
        .pop()
        .ok_or_else(|| OpenError::NoTenant(crate::escape::path(path)))
}
