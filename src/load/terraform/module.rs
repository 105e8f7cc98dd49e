//! A root module: the `.tf` and `.tf.json` files of one folder, checked as one tenant with the
//! local child modules it calls. Their texts are laid end to end (as a Graph tenant folder's are)
//! and each finding goes back to its file.
//!
//! Terraform treats only the folder it runs in as a root; a folder another module of the run calls
//! by a local `source` is that module's child, read with the variables the call sets, and not
//! checked again as a tenant of its own. A child folder checked without its caller (its files
//! named alone, or its folder given without the root) is a root, as `terraform` run there would
//! make it.

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
use terraform::calls::{self, Resolution};

/// One folder of a module: its files (report name and text) in path order, and where its local
/// `module` calls lead.
#[derive(Debug, Default)]
struct FolderFiles {
    files: Vec<(String, String)>,
    calls: Vec<(String, Resolution)>,
    /// The folder's canonical path, which tells a child from a root and finds cycles.
    canonical: Option<PathBuf>,
}

/// One module: its folder and its files in path order, then the folders of the local modules it
/// calls.
#[derive(Debug)]
pub struct Module {
    pub root: PathBuf,
    /// Whether one of its files was named on the command line.
    pub explicit: bool,
    folders: Vec<FolderFiles>,
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
        let mut unreadable = Vec::new();
        let files = read_files(paths, &mut unreadable);
        let dir = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root.as_path()
        };
        let mut folders = vec![FolderFiles {
            files,
            calls: Vec::new(),
            canonical: dir.canonicalize().ok(),
        }];
        follow(&mut folders, 0, &root, &mut Vec::new(), &mut unreadable);
        modules.push(Module {
            root,
            explicit,
            folders,
            header,
            unreadable,
        });
    }
    absorb(modules)
}

/// The texts of `paths`; a file that cannot be read or decoded is checked on its own, which
/// reports why.
fn read_files(paths: Vec<PathBuf>, unreadable: &mut Vec<Candidate>) -> Vec<(String, String)> {
    let mut files = Vec::new();
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
    files
}

/// The Terraform files directly in `dir`, in path order.
fn terraform_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| dir.join(e.file_name()))
                .filter(|p| is_terraform_path(p) && p.is_file())
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    paths
}

/// Follows the local `module` calls of `folders[at]` (in `dir`), loading each child folder once
/// and recursing into it. `chain` holds the canonical folders of the calls that led here: a call
/// back into one of them is a cycle, not followed.
fn follow(
    folders: &mut Vec<FolderFiles>,
    at: usize,
    dir: &Path,
    chain: &mut Vec<PathBuf>,
    unreadable: &mut Vec<Candidate>,
) {
    let Some(own) = folders[at].canonical.clone() else {
        return;
    };
    chain.push(own);
    let mut calls = Vec::new();
    for (name, source) in local_calls(&folders[at].files) {
        let child_dir = lexical(&dir.join(&source));
        let resolution = match child_dir.canonicalize() {
            Err(_) => Resolution::NotRead("a local module whose folder does not exist"),
            Ok(c) if chain.contains(&c) => {
                Resolution::NotRead("a module that calls itself, directly or through others")
            }
            Ok(_) if chain.len() > calls::MAX_DEPTH => {
                Resolution::NotRead("a module nested deeper than entralint follows")
            }
            Ok(c) => match folders
                .iter()
                .position(|f| f.canonical.as_ref() == Some(&c))
            {
                // A folder two calls share is read once, and instantiated for each.
                Some(i) => Resolution::Folder(i),
                None => {
                    let paths = terraform_files(&child_dir);
                    if paths.is_empty() {
                        Resolution::NotRead("a local module folder without `.tf` files")
                    } else if folders.len() >= calls::MAX_INSTANCES {
                        Resolution::NotRead("more module folders than entralint reads for one root")
                    } else {
                        folders.push(FolderFiles {
                            files: read_files(paths, unreadable),
                            calls: Vec::new(),
                            canonical: Some(c),
                        });
                        let child = folders.len() - 1;
                        follow(folders, child, &child_dir, chain, unreadable);
                        Resolution::Folder(child)
                    }
                }
            },
        };
        calls.push((name, resolution));
    }
    folders[at].calls = calls;
    chain.pop();
}

/// The `module` calls with a local source among `files`: name and source. The files are parsed
/// again when the module is read; a syntax error is reported then.
fn local_calls(files: &[(String, String)]) -> Vec<(String, String)> {
    let mut calls = Vec::new();
    for (name, text) in files {
        // Most files call no module: not worth a second parse.
        if !text.contains("module") {
            continue;
        }
        let mut ignored = Vec::new();
        let parsed = terraform::hcl::parse(name, text, 0, &mut ignored);
        let mut config = terraform::hcl::Config::default();
        terraform::hcl::collect(&parsed, 0, &mut config, &mut ignored);
        for call in &config.modules {
            if let Some((source, _)) = call.source()
                && calls::is_local(&source)
            {
                calls.push((call.name.to_string(), source));
            }
        }
    }
    calls
}

/// `a/./b/../c` as `a/c`, without asking the file system: the report names a child's files by
/// the path the call spells out, tidied.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Drops the modules another module of the run calls: they are read as its children. Each
/// absorbed module's caller takes over its explicitness and its unreadable files. Modules that
/// call each other (a cycle, which Terraform refuses too) are each kept as a root.
fn absorb(modules: Vec<Module>) -> Vec<Module> {
    let children: Vec<Vec<PathBuf>> = modules
        .iter()
        .map(|m| {
            m.folders
                .iter()
                .skip(1)
                .filter_map(|f| f.canonical.clone())
                .collect()
        })
        .collect();
    let own: Vec<Option<PathBuf>> = modules
        .iter()
        .map(|m| m.folders[0].canonical.clone())
        .collect();
    let caller = |i: usize| {
        let me = own[i].as_ref()?;
        (0..modules.len()).find(|&g| {
            g != i
                && children[g].contains(me)
                && !own[g]
                    .as_ref()
                    .is_some_and(|them| children[i].contains(them))
        })
    };
    let callers: Vec<Option<usize>> = (0..modules.len()).map(caller).collect();
    let mut kept: Vec<Option<Module>> = modules.into_iter().map(Some).collect();
    for (i, by) in callers.iter().enumerate() {
        let Some(by) = *by else { continue };
        // A caller that is itself absorbed hands on to its own caller.
        let mut target = by;
        let mut hops = 0;
        while let Some(next) = callers[target]
            && hops < callers.len()
        {
            target = next;
            hops += 1;
        }
        if let Some(child) = kept[i].take()
            && let Some(parent) = kept[target].as_mut()
        {
            parent.explicit |= child.explicit;
            parent.unreadable.extend(child.unreadable);
        }
    }
    kept.into_iter().flatten().collect()
}

impl Module {
    /// The first of its files in path order, which places the module among other files.
    pub fn first_name(&self) -> &str {
        self.folders[0]
            .files
            .first()
            .map_or("", |(n, _)| n.as_str())
    }

    /// The report names of its files, header first, then the root's files and its children's.
    pub fn names(&self) -> Vec<String> {
        self.header
            .iter()
            .chain(self.folders.iter().flat_map(|f| &f.files))
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Its header and its files, each as report name and text: what `--fix` edits and reads
    /// again with [`combine_texts`].
    pub fn into_texts(self) -> Texts {
        let mut files = Vec::new();
        let mut shape = Vec::new();
        for folder in self.folders {
            shape.push(FolderShape {
                files: folder.files.len(),
                calls: folder.calls,
                canonical: folder.canonical,
            });
            files.extend(folder.files);
        }
        Texts {
            header: self.header,
            files,
            shape,
        }
    }

    /// The module as one loaded document, and where each file sits in it.
    pub fn combine(self) -> (Loaded, Layout) {
        combine(&self.root.display().to_string(), self.header, self.folders)
    }
}

/// A module's header and files as report name and text (the root folder's files first, then each
/// child folder's), and which folder each file is in: what `--fix` edits and reads again.
#[derive(Debug, Clone)]
pub struct Texts {
    pub header: Option<(String, String)>,
    pub files: Vec<(String, String)>,
    /// Per folder, in order: how many of `files` it holds, where its calls lead, its path.
    shape: Vec<FolderShape>,
}

#[derive(Debug, Clone)]
struct FolderShape {
    files: usize,
    calls: Vec<(String, Resolution)>,
    canonical: Option<PathBuf>,
}

/// A module held as texts (edited or not) read as one loaded document, as [`Module::combine`]
/// reads it from disk.
pub fn combine_texts(name: &str, texts: Texts) -> (Loaded, Layout) {
    let Texts {
        header,
        files,
        shape,
    } = texts;
    let mut files = files.into_iter();
    let mut folders: Vec<FolderFiles> = shape
        .into_iter()
        .map(|folder| FolderFiles {
            files: files.by_ref().take(folder.files).collect(),
            calls: folder.calls,
            canonical: folder.canonical,
        })
        .collect();
    // Files beyond the shape (there are none when the texts came from `into_texts`) join the root.
    let rest: Vec<(String, String)> = files.collect();
    match folders.first_mut() {
        Some(root) => root.files.extend(rest),
        None => folders.push(FolderFiles {
            files: rest,
            ..FolderFiles::default()
        }),
    }
    combine(name, header, folders)
}

/// Files laid end to end and read as one module, after the header when there is one: the root
/// folder's first, then each child folder's with where its calls lead.
fn combine(
    name: &str,
    header: Option<(String, String)>,
    folders: Vec<FolderFiles>,
) -> (Loaded, Layout) {
    let mut text = String::new();
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
    let mut layout = Vec::new();
    for FolderFiles {
        files: members,
        calls,
        ..
    } in folders
    {
        let mut offsets = Vec::new();
        for (name, own) in members {
            let base = text.len();
            text.push_str(&own);
            if !own.ends_with('\n') {
                text.push('\n');
            }
            offsets.push((name.clone(), base));
            sources.push((SourceFile::new(name, own), base));
        }
        layout.push(terraform::Folder {
            files: offsets,
            calls,
        });
    }
    let (root, mut found) = terraform::read(&text, &layout);
    diagnostics.append(&mut found);
    let offsets = layout.first().map(|f| f.files.as_slice()).unwrap_or(&[]);
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
