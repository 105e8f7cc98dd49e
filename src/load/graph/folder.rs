//! Folders of Graph responses that together describe one tenant: the responses saved side by
//! side in one folder, or an EntraExporter export tree (`<Path>/<id>/<id>.json`). A `tenant.yaml`
//! beside them (or at the export root) is the header: the tenant's name, kind and any sections
//! written by hand.
//!
//! The members are checked as one document: their texts are laid end to end, every span is moved
//! by its file's offset, and each finding is handed back to the file its span falls in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::convert::{Kind, Owner, Principals};
use super::{Hint, Response};
use crate::diagnostic::{Diagnostic, Severity, SourceFile, Span};
use crate::discover::Candidate;
use crate::load::decode::{self, Encoding};
use crate::load::layout::{Layout, shift, shift_diagnostic, shift_node};
use crate::load::{Loaded, yaml};
use crate::tree::{Document, Entry, Node, Value};

/// Names of the header file, at the folder or export root.
pub const HEADER_NAMES: &[&str] = &["tenant.yaml", "tenant.yml"];

/// One tenant made of several files.
#[derive(Debug)]
pub struct Group {
    /// The folder (or export root) the tenant is.
    pub root: PathBuf,
    /// Header first, then responses in path order.
    members: Vec<Member>,
}

#[derive(Debug)]
struct Member {
    name: String,
    text: String,
    /// None for the header.
    response: Option<Response>,
}

/// Takes the Graph responses found by walking folders (and their headers) out of `candidates`,
/// grouped by tenant. Files named on the command line stay single documents.
pub fn claim(candidates: &mut Vec<Candidate>) -> Vec<Group> {
    let demoted = widen_to_headed_folders(candidates);
    let mut groups: BTreeMap<PathBuf, Vec<Member>> = BTreeMap::new();
    let mut claimed = vec![false; candidates.len()];
    // Reading and parsing the responses is most of the work for a large export: it runs on every
    // core, and the members join their groups in path order as before. Only the responses are
    // collected: a slot for every candidate would be a page of memory per few files, most of them
    // tenant files that are not responses.
    let responses: Vec<(usize, PathBuf, Member)> = {
        use rayon::prelude::*;
        candidates
            .par_iter()
            .enumerate()
            .filter_map(|(i, candidate)| {
                if candidate.explicit || !has_extension(&candidate.path, "json") {
                    return None;
                }
                let text = read_text(&candidate.path)?;
                let (root, hint) = place(&candidate.path);
                let response = super::read(&text, &hint)?;
                Some((
                    i,
                    root,
                    Member {
                        name: candidate.path.display().to_string(),
                        text,
                        response: Some(response),
                    },
                ))
            })
            .collect()
    };
    for (i, root, member) in responses {
        claimed[i] = true;
        groups.entry(root).or_default().push(member);
    }
    for (i, candidate) in candidates.iter().enumerate() {
        let is_header = candidate
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| HEADER_NAMES.contains(&n));
        let Some(members) = candidate.path.parent().and_then(|p| groups.get_mut(p)) else {
            continue;
        };
        if !is_header || candidate.explicit || members.iter().any(|m| m.response.is_none()) {
            continue;
        }
        let Some(text) = read_text(&candidate.path) else {
            continue;
        };
        claimed[i] = true;
        members.insert(
            0,
            Member {
                name: candidate.path.display().to_string(),
                text,
                response: None,
            },
        );
    }
    let mut i = 0;
    candidates.retain(|_| {
        i += 1;
        !claimed[i - 1]
    });
    // A named file that turned out not to be part of the tenant is still reported on its own.
    for candidate in candidates.iter_mut() {
        if demoted.contains(&candidate.path) {
            candidate.explicit = true;
        }
    }
    groups
        .into_iter()
        .map(|(root, members)| Group { root, members })
        .collect()
}

/// A response named on the command line (as a pre-commit hook names changed files) whose folder,
/// or export root, has a header belongs to that tenant: the whole folder is read with it, so the
/// file is judged with the rest of its tenant rather than against Entra's defaults.
/// Returns the named files it turned into found ones.
fn widen_to_headed_folders(candidates: &mut Vec<Candidate>) -> Vec<PathBuf> {
    let mut roots: Vec<(PathBuf, bool)> = Vec::new();
    for candidate in candidates.iter() {
        if !candidate.explicit || !has_extension(&candidate.path, "json") {
            continue;
        }
        let (root, hint) = place(&candidate.path);
        let headed = HEADER_NAMES.iter().any(|h| root.join(h).is_file());
        if headed && !roots.iter().any(|(r, _)| *r == root) {
            roots.push((root, hint.kind.is_some()));
        }
    }
    if roots.is_empty() {
        return Vec::new();
    }
    let mut added = Vec::new();
    for (root, export) in &roots {
        if *export {
            if let Ok(found) = crate::discover::discover(std::slice::from_ref(root)) {
                added.extend(found.candidates.into_iter().map(|c| c.path));
            }
        } else if let Ok(entries) = std::fs::read_dir(root) {
            added.extend(entries.filter_map(|e| e.ok()).map(|e| clean(&e.path())));
        }
    }
    for path in added {
        let wanted = has_extension(&path, "json")
            || path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| HEADER_NAMES.contains(&n));
        if wanted && !candidates.iter().any(|c| c.path == path) {
            candidates.push(Candidate {
                path,
                explicit: false,
            });
        }
    }
    // The named files join their folder's tenant like the files found beside them.
    let mut demoted = Vec::new();
    for candidate in candidates.iter_mut() {
        let (root, _) = place(&candidate.path);
        let in_headed = roots.iter().any(|(r, _)| *r == root)
            || candidate
                .path
                .parent()
                .is_some_and(|p| roots.iter().any(|(r, _)| r == p));
        if in_headed && candidate.explicit {
            candidate.explicit = false;
            demoted.push(candidate.path.clone());
        }
    }
    candidates.sort();
    demoted
}

/// `./a/b.json` reads better as `a/b.json`.
fn clean(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// A file's text, when it can be read and decoded; anything else is left to the single-file path,
/// which reports why.
fn read_text(path: &Path) -> Option<String> {
    let bytes = crate::read::read(path, crate::read::Kind::Tenant).ok()?;
    decode::decode(&bytes).ok().map(|(text, _)| text)
}

/// The tenant a file belongs to (its folder, or the EntraExporter export root), and what the
/// export layout says about it.
pub fn place(path: &Path) -> (PathBuf, Hint) {
    let parts: Vec<&str> = path
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let n = parts.len();
    let tail = |k: usize| -> Option<&[&str]> { n.checked_sub(k).map(|s| &parts[s..]) };
    let root_before = |k: usize| -> PathBuf { parts[..n - k].iter().collect() };
    let file_is_folder = |t: &[&str]| {
        let (dir, file) = (t[t.len() - 2], t[t.len() - 1]);
        file.strip_suffix(".json")
            .is_some_and(|stem| stem.eq_ignore_ascii_case(dir))
    };
    let hint = |kind: Option<Kind>, owner_of: Option<Owner>| Hint { kind, owner_of };
    // <Path>/<parent>/Owners/<id>/<id>.json
    if let Some(t) = tail(5)
        && t[2].eq_ignore_ascii_case("Owners")
        && file_is_folder(t)
    {
        let owned = t[1].to_string();
        let owner = match t[0] {
            "Groups" => Some(Owner::Group(owned)),
            "ServicePrincipals" => Some(Owner::ServicePrincipal(owned)),
            "Applications" => Some(Owner::Application(owned)),
            _ => None,
        };
        if let Some(owner) = owner {
            return (
                root_before(5),
                hint(Some(Kind::DirectoryObject), Some(owner)),
            );
        }
    }
    // <Path>/<id>/<id>.json, by the export paths entralint reads.
    const LAYOUT: &[(&[&str], Kind)] = &[
        (
            &["Policies", "AuthorizationPolicy"],
            Kind::AuthorizationPolicy,
        ),
        (
            &["Policies", "AdminConsentRequestPolicy"],
            Kind::AdminConsentRequestPolicy,
        ),
        (
            &["Policies", "CrossTenantAccessPolicy", "Default"],
            Kind::CrossTenantDefault,
        ),
        (
            &["Policies", "CrossTenantAccessPolicy", "Partners"],
            Kind::CrossTenantPartner,
        ),
        (
            &["Policies", "CrossTenantAccessPolicy"],
            Kind::CrossTenantAccessPolicy,
        ),
        (&["Applications"], Kind::Application),
        (&["GroupSettings"], Kind::DirectorySetting),
        (
            &["RoleManagement", "Directory", "RoleAssignments"],
            Kind::RoleAssignment { eligible: false },
        ),
        (
            &[
                "RoleManagement",
                "Directory",
                "RoleAssignmentScheduleInstances",
            ],
            Kind::RoleAssignment { eligible: false },
        ),
        (&["Users"], Kind::User),
        (
            &["Identity", "Conditional", "AccessPolicies"],
            Kind::ConditionalAccessPolicy,
        ),
        (
            &["Identity", "Conditional", "NamedLocations"],
            Kind::NamedLocation,
        ),
        (
            &["Policies", "IdentitySecurityDefaultsEnforcementPolicy"],
            Kind::SecurityDefaults,
        ),
        (&["Groups"], Kind::Group),
        (&["ServicePrincipals"], Kind::ServicePrincipal),
    ];
    for (prefix, kind) in LAYOUT {
        let k = prefix.len() + 2;
        if let Some(t) = tail(k)
            && t[..prefix.len()] == **prefix
            && file_is_folder(t)
        {
            return (root_before(k), hint(Some(*kind), None));
        }
    }
    // PIM/DirectoryRoles/<roleEligibilityScheduleId>.json: flat, no id folder.
    if let Some(t) = tail(3)
        && t[0] == "PIM"
        && t[1] == "DirectoryRoles"
    {
        return (
            root_before(3),
            hint(Some(Kind::RoleAssignment { eligible: true }), None),
        );
    }
    (folder, Hint::default())
}

impl Group {
    /// The first of its files in path order, which places the tenant among other files.
    pub fn first_name(&self) -> &str {
        self.members
            .iter()
            .map(|m| m.name.as_str())
            .min()
            .unwrap_or_default()
    }

    /// The report names of its files, header first.
    pub fn names(&self) -> Vec<String> {
        self.members.iter().map(|m| m.name.clone()).collect()
    }

    /// The group as one loaded document, and where each member sits in it.
    pub fn combine(self) -> (Loaded, Layout) {
        let mut text = String::new();
        let mut files = Vec::new();
        let mut root: Vec<Entry> = Vec::new();
        let mut comments = Vec::new();
        let mut diagnostics = Vec::new();
        // Which file first declared each single section, for the conflict message.
        let mut owners: Vec<(String, String)> = Vec::new();
        for member in self.members {
            let base = text.len();
            text.push_str(&member.text);
            if !member.text.ends_with('\n') {
                text.push('\n');
            }
            let (document, mut found) = match member.response {
                None => {
                    let parsed = yaml::parse(&member.text);
                    let mut found = parsed.diagnostics;
                    if let Some(root) = &parsed.document.root {
                        found.extend(header_extends(root));
                    }
                    (parsed.document, found)
                }
                Some(response) => {
                    let root = response
                        .complete
                        .then(|| response.sections.into_root(Span::new(0, 0)));
                    (
                        Document {
                            root,
                            comments: Vec::new(),
                        },
                        response.diagnostics,
                    )
                }
            };
            for d in &mut found {
                shift_diagnostic(d, base);
            }
            diagnostics.append(&mut found);
            for mut comment in document.comments {
                comment.span = shift(comment.span, base);
                comments.push(comment);
            }
            if let Some(mut node) = document.root {
                shift_node(&mut node, base);
                merge(&mut root, node, &member.name, &mut owners, &mut diagnostics);
            }
            files.push((SourceFile::new(member.name, member.text), base));
        }
        let name = self.root.display().to_string();
        let span = Span::new(0, 0);
        let loaded = Loaded {
            source: SourceFile::new(name, text),
            encoding: Encoding::Utf8,
            document: Document {
                root: Some(Node::new(span, Value::Map(root))),
                comments,
            },
            diagnostics,
            native: false,
            unchecked: Vec::new(),
            terraform: false,
        };
        (loaded, Layout::new(files))
    }
}

/// A folder's header is read with the folder's responses, not merged with other tenant files:
/// `extends` there would be silently ignored, so it is an error.
pub(crate) fn header_extends(root: &Node) -> Option<Diagnostic> {
    let extends = root.get("tenant")?.get("extends")?;
    Some(
        Diagnostic::error(
            "invalid-extends",
            extends.span,
            "the header of a folder of Graph responses cannot extend other tenant files",
        )
        .with_path("tenant.extends")
        .with_label("not read")
        .with_help("remove `extends`; a tenant file in entralint's format can extend others, an export describes one tenant whole"),
    )
}

/// Adds one file's sections to the tenant: lists are joined (a principal seen twice is one), and
/// a single section declared by two files is reported on the second.
pub(crate) fn merge(
    root: &mut Vec<Entry>,
    node: Node,
    file: &str,
    owners: &mut Vec<(String, String)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Value::Map(entries) = node.value else {
        return;
    };
    for entry in entries {
        let Some(key) = entry.key.as_str().map(str::to_string) else {
            continue;
        };
        let existing = root.iter_mut().find(|e| e.key.as_str() == Some(&key));
        match existing {
            None => {
                owners.push((key, file.to_string()));
                root.push(entry);
            }
            Some(old) => match (&mut old.value.value, entry.value.value) {
                (Value::Seq(items), Value::Seq(new)) => {
                    if key == "roleAssignments" {
                        items.extend(new);
                    } else {
                        let mut list = Principals::from_items(std::mem::take(items));
                        for item in new {
                            list.push(item);
                        }
                        *items = list.items;
                    }
                }
                // A folder may hold the policy and some of its methods saved one by one.
                (Value::Map(old_entries), Value::Map(new_entries))
                    if key == "authenticationMethodsPolicy" =>
                {
                    join_methods_policy(old_entries, new_entries, &key, diagnostics);
                }
                _ => {
                    let first = owners
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map_or("another file", |(_, f)| f.as_str());
                    diagnostics.push(
                        Diagnostic::new(
                            "conflicting-section",
                            Severity::Warning,
                            entry.key.span,
                            format!("`{key}` is already declared by {first}; this copy is not checked"),
                        )
                        .with_label("second declaration")
                        .with_help("keep one response per setting in a tenant folder; a folder holding two tenants' exports should be split"),
                    );
                }
            },
        }
    }
}

/// Joins two files' `authenticationMethodsPolicy`: method configurations by `id` (the first
/// file's copy of a method is the one checked), other keys where only one file sets them; a key
/// both set is reported on the second.
fn join_methods_policy(
    old: &mut Vec<Entry>,
    new: Vec<Entry>,
    section: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    const LIST: &str = "authenticationMethodConfigurations";
    let id = |n: &Node| {
        n.get("id")
            .and_then(Node::as_str)
            .map(str::to_ascii_lowercase)
    };
    for entry in new {
        let Some(key) = entry.key.as_str().map(str::to_string) else {
            continue;
        };
        match old.iter_mut().find(|e| e.key.as_str() == Some(&key)) {
            None => old.push(entry),
            Some(existing) => match (&mut existing.value.value, entry.value.value) {
                (Value::Seq(items), Value::Seq(added)) if key == LIST => {
                    for item in added {
                        if id(&item).is_some() && items.iter().any(|i| id(i) == id(&item)) {
                            diagnostics.push(
                                Diagnostic::new(
                                    "conflicting-section",
                                    Severity::Warning,
                                    item.span,
                                    format!("the `{}` method is already declared in another file; this copy is not checked", id(&item).unwrap_or_default()),
                                )
                                .with_label("second declaration"),
                            );
                        } else {
                            items.push(item);
                        }
                    }
                }
                _ => diagnostics.push(
                    Diagnostic::new(
                        "conflicting-section",
                        Severity::Warning,
                        entry.key.span,
                        format!("`{section}.{key}` is already declared in another file; this copy is not checked"),
                    )
                    .with_label("second declaration"),
                ),
            },
        }
    }
}
