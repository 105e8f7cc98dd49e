//! Tenants that extend other tenant files, checked together with the files they share.
//!
//! Each tenant is checked with the files it extends merged in; a finding on an inherited value
//! lands in the file that set it. Files that several tenants extend are reported once: identical
//! findings are merged, and a rule finding that only tenants extending the file raise says
//! which. A file other tenants of the run extend and that names no tenant (`tenant.id`) is a
//! baseline: it is judged only through the tenants that extend it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, FileReport};
use crate::discover::Candidate;
use crate::load::extends::{self, Extended, Replacement};
use crate::load::{self, Loaded};
use crate::read;

use super::Checker;

/// Tenants that share files they extend, checked as one unit.
#[derive(Debug)]
pub struct Family {
    /// Every tenant of the family, in path order: its report name and what was read.
    tenants: Vec<(String, Member)>,
    /// The first of its files in path order, the files it extends included.
    first: String,
}

#[derive(Debug)]
enum Member {
    /// A tenant that extends others, already merged.
    Extended(Box<Extended>),
    /// A tenant other tenants extend that extends nothing itself; checked as it is.
    Plain(Candidate),
}

impl Family {
    /// The first of its files in path order, which places the family among other files.
    pub fn first_name(&self) -> &str {
        &self.first
    }
}

/// Each file tenants of the run extend (by its report name), and the tenants that extend it.
pub type ExtendedBy = BTreeMap<String, Vec<String>>;

/// What a run learnt about the files its tenants extend.
#[derive(Debug, Default)]
pub struct Fleet {
    pub extended_by: ExtendedBy,
    /// Files judged only through the tenants that extend them, by report name.
    pub baselines: Vec<String>,
}

/// Takes the tenant files that extend others, and the files they extend, out of `candidates`,
/// one [`Family`] per group of tenants that share a file.
pub fn claim(
    candidates: &mut Vec<Candidate>,
    name: &(dyn Fn(&Candidate) -> String + Sync),
    fleet: &mut Fleet,
) -> Vec<Family> {
    let extended = read_extending(candidates, name);
    if extended.iter().all(Option::is_none) {
        return Vec::new();
    }
    let real: Vec<PathBuf> = candidates
        .iter()
        .map(|c| c.path.canonicalize().unwrap_or_else(|_| c.path.clone()))
        .collect();
    let (mut group, group_of_file) = groups(&extended, &real);
    let is_parent = |i: usize| group_of_file.contains_key(&real[i]);
    let mut families: BTreeMap<usize, Vec<(String, Member)>> = BTreeMap::new();
    let mut taken = vec![false; candidates.len()];
    for (i, e) in extended.into_iter().enumerate() {
        if e.is_none() && !is_parent(i) {
            continue;
        }
        taken[i] = true;
        let root = find(&mut group, i);
        let candidate = &candidates[i];
        let member = match e {
            Some(e) => {
                if is_parent(i) && !names_a_tenant(&e.loaded) {
                    fleet.baselines.push(name(candidate));
                    continue;
                }
                for file in e.layout.files().skip(1) {
                    let tenants = fleet.extended_by.entry(file.name.clone()).or_default();
                    tenants.push(name(candidate));
                    tenants.sort();
                    tenants.dedup();
                }
                Member::Extended(e)
            }
            None => {
                if !names_a_tenant_at(&candidate.path) {
                    fleet.baselines.push(name(candidate));
                    continue;
                }
                Member::Plain(candidate.clone())
            }
        };
        families
            .entry(root)
            .or_default()
            .push((name(candidate), member));
    }
    let mut i = 0;
    candidates.retain(|_| {
        i += 1;
        !taken[i - 1]
    });
    families
        .into_values()
        .map(|mut tenants| {
            tenants.sort_by(|a, b| a.0.cmp(&b.0));
            let first = tenants
                .iter()
                .flat_map(|(name, member)| {
                    let extended = match member {
                        Member::Extended(e) => e.layout.files().map(|f| f.name.clone()).collect(),
                        Member::Plain(_) => Vec::new(),
                    };
                    std::iter::once(name.clone()).chain(extended)
                })
                .min()
                .unwrap_or_default();
            Family { tenants, first }
        })
        .filter(|f| !f.tenants.is_empty())
        .collect()
}

/// Each candidate that extends other files, with them merged in. Only files that mention
/// `extends` are parsed here; the rest are read again when checked.
fn read_extending(
    candidates: &[Candidate],
    name: &(dyn Fn(&Candidate) -> String + Sync),
) -> Vec<Option<Box<Extended>>> {
    use rayon::prelude::*;
    candidates
        .par_iter()
        .map(|candidate| {
            // Only entralint's own format can extend; PowerShell files are never read here.
            let ext = candidate.path.extension().and_then(|e| e.to_str())?;
            if !["yaml", "yml", "json"]
                .iter()
                .any(|x| ext.eq_ignore_ascii_case(x))
            {
                return None;
            }
            let bytes = read::read(&candidate.path, read::Kind::Tenant).ok()?;
            if !extends::may_extend_bytes(&bytes) {
                return None;
            }
            let loaded = load::load(&name(candidate), &bytes);
            extends::with_parents(loaded, &candidate.path, None)
                .ok()
                .map(Box::new)
        })
        .collect()
}

/// The root of `i`'s group, shortening the path on the way.
fn find(group: &mut [usize], mut i: usize) -> usize {
    while group[i] != i {
        group[i] = group[group[i]];
        i = group[i];
    }
    i
}

/// Groups the tenants that share an extended file (a union of the candidates by index), and
/// each extended file with the first tenant that extends it.
fn groups(
    extended: &[Option<Box<Extended>>],
    real: &[PathBuf],
) -> (Vec<usize>, BTreeMap<PathBuf, usize>) {
    let mut group_of_file: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let mut group: Vec<usize> = (0..real.len()).collect();
    let join = |group: &mut Vec<usize>, i: usize, j: usize| {
        let (a, b) = (find(group, i), find(group, j));
        group[a.max(b)] = a.min(b);
    };
    for (i, e) in extended.iter().enumerate() {
        let Some(e) = e else { continue };
        for parent in &e.parents {
            if let Some(j) = real.iter().position(|r| r == parent) {
                join(&mut group, i, j);
            }
            match group_of_file.get(parent) {
                Some(&j) => join(&mut group, i, j),
                None => {
                    group_of_file.insert(parent.clone(), i);
                }
            }
        }
    }
    (group, group_of_file)
}

/// Whether a tenant file declares which tenant it is (`tenant.id`): a file others extend that
/// does not is a baseline, not a tenant of its own.
fn names_a_tenant(loaded: &Loaded) -> bool {
    loaded
        .document
        .root
        .as_ref()
        .and_then(|r| r.get("tenant"))
        .is_some_and(|t| t.get("id").is_some())
}

fn names_a_tenant_at(path: &Path) -> bool {
    let Ok(bytes) = read::read(path, read::Kind::Tenant) else {
        return true;
    };
    names_a_tenant(&load::load("", &bytes))
}

/// Checks every tenant of a family and gives one report per file, in path order.
pub fn check(family: Family, checker: &Checker) -> Vec<FileReport> {
    let mut reports: Vec<(String, FileReport)> = Vec::new();
    for (name, member) in family.tenants {
        match member {
            Member::Extended(e) => {
                let Extended { loaded, layout, .. } = *e;
                if let Some(report) = super::check_loaded(loaded, checker) {
                    reports.extend(layout.split(report).into_iter().map(|r| (name.clone(), r)));
                }
            }
            Member::Plain(candidate) => {
                let (report, _) = super::check_file(&candidate, checker);
                reports.extend(report.map(|r| (name.clone(), r)));
            }
        }
    }
    merge(reports)
}

/// Checks `name` again with new text `bytes`, as the tenants that extend it see it: what a fix
/// to a file other tenants extend leaves. A file that names a tenant is also checked as itself.
pub fn recheck(
    name: &str,
    bytes: &[u8],
    tenants: &[String],
    checker: &Checker,
) -> Option<FileReport> {
    let path = crate::escape::to_path(name);
    let text = load::decode::decode(bytes).ok()?.0;
    let replacement = Replacement {
        path: &path,
        text: &text,
    };
    let mut reports: Vec<(String, FileReport)> = Vec::new();
    let own = load::load(name, bytes);
    if names_a_tenant(&own) {
        let mine = check_text(name, bytes, checker, None)?;
        reports.extend(mine.into_iter().map(|r| (name.to_string(), r)));
    }
    for tenant in tenants {
        let at = crate::escape::to_path(tenant);
        let Ok(tenant_bytes) = read::read(&at, read::Kind::Tenant) else {
            continue;
        };
        let found = check_text(tenant, &tenant_bytes, checker, Some(replacement));
        reports.extend(found.into_iter().flatten().map(|r| (tenant.clone(), r)));
    }
    reports.retain(|(_, r)| r.source.name == name);
    if reports.is_empty() {
        // No tenant reached the file: judge it alone rather than not at all.
        return super::check_with(name, bytes, true, checker);
    }
    merge(reports).into_iter().next()
}

/// A finding, and the tenants that raise it (empty for the file's own tenant).
type Raised = (Diagnostic, Vec<String>);

/// One report per file from the reports of every tenant that reached it.
fn merge(reports: Vec<(String, FileReport)>) -> Vec<FileReport> {
    // Per file: its report, each finding with the tenants that raise it, the tenants that read it.
    let mut by_file: BTreeMap<String, (FileReport, Vec<Raised>, Vec<String>)> = BTreeMap::new();
    for (tenant, report) in reports {
        let file = report.source.name.clone();
        let own = tenant == file;
        let (_, merged, reached) = by_file.entry(file).or_insert_with(|| {
            (
                FileReport {
                    source: report.source.clone(),
                    diagnostics: Vec::new(),
                },
                Vec::new(),
                Vec::new(),
            )
        });
        reached.push(tenant.clone());
        for d in report.diagnostics {
            let same = merged.iter_mut().find(|(m, _)| {
                (m.span, &m.code, &m.message, m.severity)
                    == (d.span, &d.code, &d.message, d.severity)
            });
            let by = if own { String::new() } else { tenant.clone() };
            match same {
                Some((_, tenants)) => tenants.push(by),
                None => merged.push((d, vec![by])),
            }
        }
    }
    by_file
        .into_values()
        .map(|(mut report, merged, reached)| {
            report.diagnostics = merged
                .into_iter()
                // A suppression in a shared file is unused only if no tenant that reads it
                // needs it: one tenant's finding may be another's nothing.
                .filter(|(d, tenants)| {
                    d.code != "unused-suppression" || tenants.len() == reached.len()
                })
                .map(|(d, tenants)| attribute(d, &tenants))
                .collect();
            report.sort();
            report
        })
        .collect()
}

/// Problems of a file's own text: every tenant that reads the file finds them alike.
const OF_THE_TEXT: &[&str] = &[
    "unused-suppression",
    "syntax-error",
    "duplicate-key",
    "unknown-key",
    "multiple-documents",
    "invalid-encoding",
    "invalid-extends",
    "too-many-nodes",
    "nesting-too-deep",
    "file-too-large",
    "unreadable-file",
];

/// A finding only tenants extending the file raise says which tenants those are.
fn attribute(mut d: Diagnostic, tenants: &[String]) -> Diagnostic {
    if OF_THE_TEXT.contains(&d.code.as_str()) || tenants.iter().any(String::is_empty) {
        return d;
    }
    let mut names: Vec<String> = tenants
        .iter()
        .map(|t| crate::paths::display(t).into_owned())
        .collect();
    names.dedup();
    d.message = format!("{} (inherited by {})", d.message, names.join(", "));
    d.inherited_by = tenants.to_vec();
    d.inherited_by.dedup();
    d
}

/// A tenant held in memory (standard input, an editor's buffer, a fix being checked) with the
/// files it extends: its report first, then one for each file it extends that a finding lands
/// in. None when it is not a tenant document; only its own report when it extends nothing.
pub fn check_text(
    name: &str,
    bytes: &[u8],
    checker: &Checker,
    replacement: Option<Replacement>,
) -> Option<Vec<FileReport>> {
    let path = crate::escape::to_path(name);
    check_text_at(name, &path, bytes, checker, replacement).map(|(reports, _)| reports)
}

/// [`check_text`] for a text whose file is at `path` (an editor knows it, whatever the name),
/// also giving where the tenant names the files it extends.
pub fn check_text_at(
    name: &str,
    path: &Path,
    bytes: &[u8],
    checker: &Checker,
    replacement: Option<Replacement>,
) -> Option<(Vec<FileReport>, Option<crate::diagnostic::Span>)> {
    check_loaded_at(load::load(name, bytes), path, checker, replacement)
}

/// [`check_text_at`] for a document already loaded.
pub fn check_loaded_at(
    loaded: Loaded,
    path: &Path,
    checker: &Checker,
    replacement: Option<Replacement>,
) -> Option<(Vec<FileReport>, Option<crate::diagnostic::Span>)> {
    let name = loaded.source.name.clone();
    match extends::with_parents(loaded, path, replacement) {
        Ok(Extended {
            loaded,
            layout,
            extends_at,
            ..
        }) => {
            let report = super::check_loaded(loaded, checker)?;
            let mut reports = layout.split(report);
            for parent in reports.iter_mut().skip(1) {
                for d in &mut parent.diagnostics {
                    d.inherited_by = vec![name.clone()];
                }
            }
            Some((reports, Some(extends_at)))
        }
        Err(loaded) => super::check_loaded(*loaded, checker).map(|r| (vec![r], None)),
    }
}

/// The run's checker, knowing which files tenants extend: a fix to such a file is judged through
/// the tenants that extend it, not as a tenant of its own.
#[derive(Debug)]
pub struct FamilyChecker<'a> {
    pub checker: &'a Checker<'a>,
    pub extended_by: &'a ExtendedBy,
}

impl crate::fix::Recheck for FamilyChecker<'_> {
    fn check_text(&self, name: &str, bytes: &[u8]) -> Option<FileReport> {
        match self.extended_by.get(name) {
            Some(tenants) => recheck(name, bytes, tenants, self.checker),
            None => super::check_with(name, bytes, true, self.checker),
        }
    }

    fn rules(&self) -> Option<&crate::rules::RuleSet> {
        self.checker.rules
    }

    fn check_module(
        &self,
        name: &str,
        texts: crate::load::terraform::module::Texts,
    ) -> Option<Vec<FileReport>> {
        crate::fix::Recheck::check_module(self.checker, name, texts)
    }
}
