//! Discovery: the paths a user named to the files entralint reads.
//!
//! Folders are walked with the `ignore` crate (respecting .gitignore and skipping hidden entries);
//! tenant documents among the YAML and JSON files are picked later, by content. Files named on the
//! command line are always read.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    /// Named on the command line rather than found in a folder.
    pub explicit: bool,
}

pub use crate::outcome::Skipped;

#[derive(Debug, Default)]
pub struct Discovered {
    pub candidates: Vec<Candidate>,
    pub skipped: Vec<Skipped>,
}

/// A path named on the command line that cannot be read: the run cannot do what was asked.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct MissingPath {
    pub path: String,
    pub reason: String,
}

impl MissingPath {
    fn new(path: &Path, reason: impl Into<String>) -> MissingPath {
        MissingPath {
            path: crate::escape::path(path),
            reason: reason.into(),
        }
    }
}

/// Microsoft365DSC scripts and data files are among them; the loader tells a configuration from
/// any other script by its content. Terraform files (`.tf`, `.tf.json`) are read by folder.
const EXTENSIONS: &[&str] = &["yaml", "yml", "json", "ps1", "psd1", "tf"];

pub fn discover(paths: &[PathBuf]) -> Result<Discovered, MissingPath> {
    let mut found = Discovered::default();
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(err) if std::fs::symlink_metadata(path).is_ok() => {
                return Err(MissingPath::new(
                    path,
                    format!("a link that cannot be followed: {err}"),
                ));
            }
            Err(_) => return Err(MissingPath::new(path, "no such file or folder")),
        };
        if meta.is_dir() {
            // A folder that cannot be listed would otherwise check nothing and pass.
            if let Err(err) = std::fs::read_dir(path) {
                return Err(MissingPath::new(
                    path,
                    format!("cannot read the folder: {err}"),
                ));
            }
            walk(path, &mut found);
        } else if !meta.is_file() {
            return Err(MissingPath::new(
                path,
                "not a regular file (a FIFO, socket or device); not read",
            ));
        } else if let Err(err) = std::fs::File::open(path) {
            return Err(MissingPath::new(path, format!("cannot read: {err}")));
        } else {
            found.candidates.push(Candidate {
                path: path.clone(),
                explicit: true,
            });
        }
    }
    found.candidates.sort();
    found.candidates.dedup_by(|a, b| a.path == b.path);
    Ok(found)
}

fn walk(root: &Path, found: &mut Discovered) {
    let walker = WalkBuilder::new(root)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                found.skipped.push(Skipped {
                    path: crate::escape::path(root),
                    reason: err.to_string(),
                });
                continue;
            }
        };
        let path = entry.path();
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)));
        if !wanted {
            continue;
        }
        // A link to a regular file is read; links to folders are not followed (no loops).
        let regular = match entry.file_type() {
            Some(t) if t.is_symlink() => std::fs::metadata(path).is_ok_and(|m| m.is_file()),
            Some(t) => t.is_file() || t.is_dir(),
            None => false,
        };
        match entry.file_type() {
            Some(t) if t.is_dir() => {}
            _ if regular => found.candidates.push(Candidate {
                path: clean(path),
                explicit: false,
            }),
            _ => found.skipped.push(Skipped {
                path: crate::escape::path(path),
                reason: "not a regular file (a link, FIFO or device)".to_string(),
            }),
        }
    }
}

/// `./a/b.yaml` reads better as `a/b.yaml`.
fn clean(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}
