//! The pipeline for one run: discover, load, normalise (and evaluate rules), in parallel, with
//! results in a stable order.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

pub mod driver;
pub mod examples;
pub mod family;

pub use driver::{Ended, FixRequest, Input, Request, Sink, run};

use crate::config::Config;
use crate::diagnostic::LOAD_CHECKS;
use crate::diagnostic::{Diagnostic, FileReport, SourceFile, Span};
use crate::discover::{self, Candidate, MissingPath, Skipped};
use crate::load;
use crate::model;
use crate::read;
use crate::read::MAX_TENANT_BYTES;
use crate::rules::{RuleSet, eval};
use crate::suppress;

pub use crate::outcome::Outcome;

/// What a run checks with: the rules (none: only the files themselves) and the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Checker<'a> {
    pub rules: Option<&'a RuleSet>,
    pub config: &'a Config,
}

impl Checker<'_> {
    /// What an inline comment naming `name` stands for: a load check, or a rule by its name or a
    /// former name (as the rule's current name). None for a name entralint does not know.
    fn resolve(&self, name: &str) -> Option<String> {
        if LOAD_CHECKS.iter().any(|(code, _)| *code == name) {
            return Some(name.to_string());
        }
        self.rules?.current_name(name).map(str::to_string)
    }
}

impl crate::fix::Recheck for Checker<'_> {
    fn check_text(&self, name: &str, bytes: &[u8]) -> Option<FileReport> {
        check_with(name, bytes, true, self)
    }

    fn rules(&self) -> Option<&RuleSet> {
        self.rules
    }

    fn check_module(
        &self,
        name: &str,
        texts: load::terraform::module::Texts,
    ) -> Option<Vec<FileReport>> {
        let (loaded, layout) = load::terraform::module::combine_texts(name, texts);
        check_loaded(loaded, self).map(|r| layout.split(r))
    }
}

/// Checks every tenant document under `paths` and keeps every report, in path order.
pub fn check_paths(
    paths: &[PathBuf],
    checker: &Checker,
    progress: Option<&Progress>,
) -> Result<Outcome, MissingPath> {
    let mut files = Vec::new();
    let walked = check_each(paths, checker, progress, &mut |report| files.push(report))?;
    Ok(Outcome {
        files,
        skipped: walked.skipped,
        not_tenant: walked.not_tenant,
        baseline: None,
        unchecked: walked.unchecked,
        baselines: walked.fleet.baselines,
        folders: walked.folders,
    })
}

/// What a walk found besides tenant documents.
#[derive(Debug, Default)]
pub struct Walked {
    pub skipped: Vec<Skipped>,
    pub not_tenant: Vec<String>,
    /// Resources of recognised Microsoft365DSC files that entralint does not read, by kind.
    pub unchecked: BTreeMap<String, usize>,
    /// The files tenants of the run extend, and which of them are baselines.
    pub fleet: family::Fleet,
    /// Tenants made of several files: the folder, and the report names of its files.
    pub folders: Vec<(String, Vec<String>)>,
}

/// What is checked as one: a file, or a Graph tenant folder made of several.
enum Unit {
    File(Candidate),
    Tenant(load::graph::folder::Group),
    /// A Terraform root module: the `.tf` files of one folder.
    Module(load::terraform::module::Module),
    /// Tenants that extend files they share.
    Family(family::Family),
}

/// Checks every tenant document under `paths`, handing each report to `each` in path order (a
/// Graph tenant folder's files together) as soon as its chunk is done: memory holds a few
/// chunks' reports, never the run's.
pub fn check_each(
    paths: &[PathBuf],
    checker: &Checker,
    progress: Option<&Progress>,
    each: &mut dyn FnMut(FileReport),
) -> Result<Walked, MissingPath> {
    let mut discovered = discover::discover(paths)?;
    discovered
        .candidates
        .retain(|c| c.explicit || checker.config.discovers(&c.path.display().to_string()));
    // Terraform files are checked per module (folder), Graph responses found in folders per
    // tenant folder, not per file.
    let mut modules = load::terraform::module::claim(&mut discovered.candidates);
    for m in &mut modules {
        discovered.candidates.append(&mut m.unreadable);
    }
    let groups = load::graph::folder::claim(&mut discovered.candidates);
    let mut fleet = family::Fleet::default();
    let families = family::claim(&mut discovered.candidates, &display, &mut fleet);
    let total = discovered.candidates.len() + groups.len() + families.len() + modules.len();
    let folders = groups
        .iter()
        .map(|g| (crate::escape::path(&g.root), g.names()))
        .chain(
            modules
                .iter()
                .filter(|m| m.names().len() > 1)
                .map(|m| (crate::escape::path(&m.root), m.names())),
        )
        .collect();
    let mut units: Vec<(String, Unit)> = discovered
        .candidates
        .into_iter()
        .map(|c| (display(&c), Unit::File(c)))
        .chain(
            groups
                .into_iter()
                .map(|g| (g.first_name().to_string(), Unit::Tenant(g))),
        )
        .chain(
            families
                .into_iter()
                .map(|f| (f.first_name().to_string(), Unit::Family(f))),
        )
        .chain(
            modules
                .into_iter()
                .filter(|m| !m.names().is_empty())
                .map(|m| (m.first_name().to_string(), Unit::Module(m))),
        )
        .collect();
    units.sort_by(|a, b| a.0.cmp(&b.0));
    // Enough units at once to keep every core busy; few enough that their reports stay small.
    let chunk = rayon::current_num_threads() * 16;
    let mut walked = Walked {
        skipped: discovered.skipped,
        fleet,
        folders,
        ..Walked::default()
    };
    let check_one = |(name, unit): (String, Unit)| {
        let result = if total == 1 {
            eval::alone(|| check_unit(name, unit, checker))
        } else {
            check_unit(name, unit, checker)
        };
        if let Some(progress) = progress {
            progress.tick(total);
        }
        result
    };
    let mut hand_on = |results: Vec<Checked>| {
        for (name, explicit, reports, unchecked) in results {
            if reports.is_empty() && explicit {
                walked.not_tenant.push(name);
            }
            for kind in unchecked {
                *walked.unchecked.entry(kind).or_default() += 1;
            }
            reports.into_iter().for_each(&mut *each);
        }
    };
    if units.len() == 1 {
        // One unit is checked on this thread: a thread started for it would cost a one-file
        // check more than it could overlap.
        hand_on(units.into_iter().map(check_one).collect());
    } else {
        // One thread checks chunk after chunk on the pool while this one hands reports on, so
        // that printing them overlaps with checking the next; the channel holds one chunk in
        // waiting.
        std::thread::scope(|scope| {
            let (send, receive) = std::sync::mpsc::sync_channel(1);
            scope.spawn(move || {
                let mut units = units.into_iter().peekable();
                while units.peek().is_some() {
                    let batch: Vec<(String, Unit)> = units.by_ref().take(chunk).collect();
                    let results: Vec<Checked> = batch.into_par_iter().map(check_one).collect();
                    if send.send(results).is_err() {
                        break;
                    }
                }
            });
            receive.into_iter().for_each(hand_on);
        });
    }
    if let Some(progress) = progress {
        progress.finish();
    }
    Ok(walked)
}

/// One unit checked: its name, whether it was named on the command line, its reports (none when
/// it is not a tenant document) and the DSC resources in it that entralint does not read.
type Checked = (String, bool, Vec<FileReport>, Vec<String>);

fn check_unit(name: String, unit: Unit, checker: &Checker) -> Checked {
    match unit {
        Unit::File(candidate) => {
            let (report, unchecked) = check_file(&candidate, checker);
            (
                name,
                candidate.explicit,
                report.into_iter().collect(),
                unchecked,
            )
        }
        Unit::Tenant(group) => {
            let (loaded, members) = group.combine();
            let mut reports = check_loaded(loaded, checker)
                .map(|r| members.split(r))
                .unwrap_or_default();
            reports.sort_by(|a, b| a.source.name.cmp(&b.source.name));
            (name, false, reports, Vec::new())
        }
        Unit::Family(f) => (name, false, family::check(f, checker), Vec::new()),
        Unit::Module(module) => {
            let explicit = module.explicit;
            let (loaded, members) = module.combine();
            let mut reports = check_loaded(loaded, checker)
                .map(|r| members.split(r))
                .unwrap_or_default();
            reports.sort_by(|a, b| a.source.name.cmp(&b.source.name));
            (name, explicit, reports, Vec::new())
        }
    }
}

/// A progress line on stderr for long runs: shown only after a moment, redrawn at most ten times a
/// second, and erased when the run ends. The caller decides whether stderr is a terminal.
pub struct Progress {
    started: Instant,
    done: AtomicUsize,
    last: Mutex<Option<Instant>>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            started: Instant::now(),
            done: AtomicUsize::new(0),
            last: Mutex::new(None),
        }
    }
}

impl Progress {
    fn tick(&self, total: usize) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.started.elapsed() < Duration::from_millis(300) {
            return;
        }
        let Ok(mut last) = self.last.try_lock() else {
            return;
        };
        if last.is_some_and(|t| t.elapsed() < Duration::from_millis(100)) {
            return;
        }
        *last = Some(Instant::now());
        eprint!("\r\x1b[Kchecked {done}/{total} files");
    }

    fn finish(&self) {
        if self.last.lock().is_ok_and(|last| last.is_some()) {
            eprint!("\r\x1b[K");
        }
    }
}

/// A file's name in reports: its path, with bytes that are not UTF-8 and control characters
/// escaped so that it still names the real file.
fn display(candidate: &Candidate) -> String {
    crate::escape::path(&candidate.path)
}

/// Reads and checks one file: its report (None when it is not a tenant document) and the DSC
/// resources in it that entralint does not read.
fn check_file(candidate: &Candidate, checker: &Checker) -> (Option<FileReport>, Vec<String>) {
    let name = display(candidate);
    let report = match read::read(&candidate.path, read::Kind::Tenant) {
        Ok(bytes) => return check_bytes(&name, &bytes, checker),
        Err(read::ReadError::TooLarge(_, _, size)) => {
            // A large file found in a folder is usually something else (a data dump, a lock
            // file): only one whose start reads as a tenant document is reported as too large.
            if !candidate.explicit && !starts_like_tenant(&name, &candidate.path) {
                return (None, Vec::new());
            }
            let loaded = load::too_large(&name, size);
            Some(FileReport {
                source: loaded.source,
                diagnostics: loaded.diagnostics,
            })
        }
        Err(read::ReadError::Io(_, err)) => Some(unreadable(name, err.to_string())),
        Err(_) => Some(unreadable(
            name,
            "not a regular file (a FIFO, socket, device or folder)".to_string(),
        )),
    };
    (report, Vec::new())
}

/// [`check_with`], also giving the Microsoft365DSC resources in the file that entralint does not
/// read (a one-resource Workshop file of such a resource is not a tenant document, and is
/// counted all the same).
pub fn check_bytes(
    name: &str,
    bytes: &[u8],
    checker: &Checker,
) -> (Option<FileReport>, Vec<String>) {
    let loaded = load::load(name, bytes);
    let unchecked = loaded.unchecked.clone();
    // A tenant that extends others is judged with what it inherits; this is its own report.
    let path = crate::escape::to_path(name);
    let checked = family::check_loaded_at(loaded, &path, checker, None);
    let report = checked.and_then(|(reports, _)| reports.into_iter().next());
    (report, unchecked)
}

fn unreadable(name: String, reason: String) -> FileReport {
    FileReport {
        source: SourceFile::new(name, String::new()),
        diagnostics: vec![Diagnostic::error(
            "unreadable-file",
            Span::default(),
            format!("cannot read the file: {reason}"),
        )],
    }
}

/// Whether the first 64 KB of a file read as the start of a tenant document, Graph response or
/// Microsoft365DSC file.
fn starts_like_tenant(name: &str, path: &std::path::Path) -> bool {
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(64 * 1024).read_to_end(&mut head));
    if read.is_err() {
        return true;
    }
    let text = match load::decode::decode(&head) {
        Ok((text, _)) => text,
        Err(err) => err.text,
    };
    if let Some(format) = load::dsc::Format::of(name) {
        return format.recognises(&text);
    }
    text.contains("\"@odata.context\"")
        || text.lines().any(|line| {
            let key = line
                .trim_start_matches(['{', ' ', '\t'])
                .trim_start_matches('"');
            load::tenant_keys().any(|k| {
                key.strip_prefix(k)
                    .is_some_and(|rest| rest.trim_start_matches('"').trim_start().starts_with(':'))
            })
        })
}

/// Reads standard input under the same size limit as files.
pub fn read_stdin() -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(MAX_TENANT_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Checks a document held in memory (a file's bytes, or standard input); None when it is not a
/// tenant document. Whether the file was named on the command line (`_explicit`) no longer
/// matters: every file is judged by its content. Without `rules`, only the file itself is checked.
pub fn check_source(
    name: &str,
    bytes: &[u8],
    _explicit: bool,
    rules: Option<&RuleSet>,
) -> Option<FileReport> {
    let config = Config::default();
    check_with(
        name,
        bytes,
        true,
        &Checker {
            rules,
            config: &config,
        },
    )
}

/// [`check_source`] under a configuration: overrides, exceptions and inline suppressions apply.
/// A tenant that extends other files is checked with them; this is its own file's report.
pub fn check_with(
    name: &str,
    bytes: &[u8],
    _explicit: bool,
    checker: &Checker,
) -> Option<FileReport> {
    family::check_text(name, bytes, checker, None)?
        .into_iter()
        .next()
}

/// Checks a loaded document: normalise, evaluate, suppress.
fn check_loaded(loaded: load::Loaded, checker: &Checker) -> Option<FileReport> {
    let rules = checker.rules;
    // A file that is not a tenant document is skipped whatever it fails on (a template that is
    // not YAML, a package.json): a broken tenant file still shows a tenant key on some line.
    if !loaded.is_tenant_document() {
        return None;
    }
    let mut diagnostics = loaded.diagnostics;
    let model = model::normalise(&loaded.document, &mut diagnostics);
    if let (Some(model), Some(rules)) = (&model, rules) {
        // A setting whose declaration could not be read is already reported; judging the
        // default that stands in for it would only add noise at the same spot.
        // A Terraform value not known before apply is the exception: the finding on the default
        // stays, and says that the module sets the setting to a value entralint cannot see.
        let unreadable: std::collections::HashSet<String> = diagnostics
            .iter()
            .filter(|d| !(loaded.terraform && d.code == "unresolved-value"))
            .filter_map(|d| d.path.clone())
            .collect();
        let mut findings = eval::evaluate(rules, model, &loaded.document);
        findings.retain(|f| !f.path.as_ref().is_some_and(|p| unreadable.contains(p)));
        if loaded.terraform {
            load::terraform::unresolved::note_defaults(&diagnostics, &mut findings);
        }
        diagnostics.extend(findings);
    }
    let module = loaded.terraform && !load::terraform::plan::is_plan(&loaded.source.text);
    let large = loaded.source.text.len() >= crate::dispose::LARGE;
    if !loaded.native && !module {
        // Fixes edit the tenant format and `.tf` files (fix/terraform.rs); a Graph response, a
        // plan or a DSC script is only read.
        diagnostics.iter_mut().for_each(|d| d.fixable = false);
    }
    let mut report = FileReport {
        source: loaded.source,
        diagnostics,
    };
    report.sort();
    suppress::apply(
        &mut report,
        &loaded.document.comments,
        checker.config,
        &|n| checker.resolve(n),
    );
    if large {
        crate::dispose::later((model, loaded.document));
    }
    Some(report)
}
