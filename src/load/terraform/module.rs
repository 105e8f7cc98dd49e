//! A root module: the `.tf` and `.tf.json` files of one folder, checked as one tenant. Their texts
//! are laid end to end (as a Graph tenant folder's are) and each finding goes back to its file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::SourceFile;
use crate::diagnostic::Span;
use crate::discover::Candidate;
use crate::load::decode::{self, Encoding};
use crate::load::graph::folder::merge;
use crate::load::layout::Layout;
use crate::load::{Loaded, terraform};
use crate::tree::{Document, Node, Value};

/// A module's header and files as report name and text, as [`combine`] takes them.
pub type Texts = (Option<(String, String)>, Vec<(String, String)>);

/// One module: its folder and its files in path order.
#[derive(Debug)]
pub struct Module {
    pub root: PathBuf,
    /// Whether one of its files was named on the command line.
    pub explicit: bool,
    files: Vec<(String, String)>,
    /// `tenant.yaml` beside the files: the tenant's name and kind, and the sections Terraform
    /// does not manage (as a Graph tenant folder's header).
    header: Option<(String, String)>,
    /// Files that could not be read or decoded: checked on their own, which reports why.
    pub unreadable: Vec<Candidate>,
}

fn is_terraform_path(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(terraform::is_terraform)
}

/// Takes the Terraform files out of `candidates`, grouped by folder. A file named on the command
/// line (as a pre-commit hook names changed files) brings the rest of its folder: a module is
/// only judged whole.
pub fn claim(candidates: &mut Vec<Candidate>) -> Vec<Module> {
    use crate::load::graph::folder::HEADER_NAMES;
    let mut folders: BTreeMap<PathBuf, (bool, Vec<PathBuf>)> = BTreeMap::new();
    candidates.retain(|c| {
        if !is_terraform_path(&c.path) {
            return true;
        }
        let folder = c.path.parent().map(Path::to_path_buf).unwrap_or_default();
        let slot = folders.entry(folder).or_default();
        slot.0 |= c.explicit;
        slot.1.push(c.path.clone());
        false
    });
    let mut modules = Vec::new();
    for (root, (explicit, mut paths)) in folders {
        if explicit {
            let dir = if root.as_os_str().is_empty() {
                Path::new(".")
            } else {
                root.as_path()
            };
            if let Ok(entries) = std::fs::read_dir(dir) {
                for e in entries.flatten() {
                    let path = if root.as_os_str().is_empty() {
                        PathBuf::from(e.file_name())
                    } else {
                        root.join(e.file_name())
                    };
                    if is_terraform_path(&path) && path.is_file() && !paths.contains(&path) {
                        paths.push(path);
                    }
                }
            }
        }
        paths.sort();
        let header = HEADER_NAMES.iter().find_map(|h| {
            let path = root.join(h);
            let text = std::fs::read_to_string(&path).ok()?;
            Some((crate::escape::path(&path), text))
        });
        if let Some((name, _)) = &header {
            candidates.retain(|c| crate::escape::path(&c.path) != *name);
        }
        let mut files = Vec::new();
        let mut unreadable = Vec::new();
        for path in paths {
            let text = crate::read::read(&path, crate::read::Kind::Tenant)
                .ok()
                .and_then(|bytes| decode::decode(&bytes).ok().map(|(t, _)| t));
            match text {
                Some(text) => files.push((crate::escape::path(&path), text)),
                None => unreadable.push(Candidate {
                    path,
                    explicit: true,
                }),
            }
        }
        modules.push(Module {
            root,
            explicit,
            files,
            header,
            unreadable,
        });
    }
    modules
}

impl Module {
    /// The first of its files in path order, which places the module among other files.
    pub fn first_name(&self) -> &str {
        self.files.first().map_or("", |(n, _)| n.as_str())
    }

    /// The report names of its files, header first.
    pub fn names(&self) -> Vec<String> {
        self.header
            .iter()
            .chain(&self.files)
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Its header and its files, each as report name and text: what `--fix` edits and reads
    /// again with [`combine`].
    pub fn into_texts(self) -> Texts {
        (self.header, self.files)
    }

    /// The module as one loaded document, and where each file sits in it.
    pub fn combine(self) -> (Loaded, Layout) {
        combine(&self.root.display().to_string(), self.header, self.files)
    }
}

/// Files laid end to end and read as one module, after the header when there is one.
pub fn combine(
    name: &str,
    header: Option<(String, String)>,
    members: Vec<(String, String)>,
) -> (Loaded, Layout) {
    let mut text = String::new();
    let mut offsets = Vec::new();
    let mut sources = Vec::new();
    let mut entries = Vec::new();
    let mut owners = Vec::new();
    let mut diagnostics = Vec::new();
    let mut comments = Vec::new();
    if let Some((header_name, own)) = header {
        let parsed = crate::load::yaml::parse(&own);
        diagnostics.extend(parsed.diagnostics);
        comments = parsed.document.comments;
        if let Some(root) = parsed.document.root {
            diagnostics.extend(crate::load::graph::folder::header_extends(&root));
            merge(
                &mut entries,
                root,
                &header_name,
                &mut owners,
                &mut diagnostics,
            );
        }
        text.push_str(&own);
        if !own.ends_with('\n') {
            text.push('\n');
        }
        sources.push((SourceFile::new(header_name, own), 0));
    }
    for (name, own) in members {
        let base = text.len();
        text.push_str(&own);
        if !own.ends_with('\n') {
            text.push('\n');
        }
        offsets.push((name.clone(), base));
        sources.push((SourceFile::new(name, own), base));
    }
    let (root, mut found) = terraform::read(&text, &offsets);
    diagnostics.append(&mut found);
    let first = offsets
        .first()
        .map_or(name, |(n, _)| n.as_str())
        .to_string();
    if let Some(root) = root {
        merge(&mut entries, root, &first, &mut owners, &mut diagnostics);
    }
    // A header alone, beside Terraform that manages nothing in Entra, is not this module's tenant.
    let root = (!entries.is_empty() && !offsets.is_empty())
        .then(|| Node::new(Span::new(0, 0), Value::Map(entries)));
    let loaded = Loaded {
        source: SourceFile::new(name, text),
        encoding: Encoding::Utf8,
        document: Document { root, comments },
        diagnostics,
        native: false,
        unchecked: Vec::new(),
        terraform: true,
    };
    (loaded, Layout::new(sources))
}
