//! The one `check` driver: discover → load → check → suppress → baseline → (fix) → threshold,
//! handing each file's result to a [`Sink`] as soon as it is final. Printing as files come and
//! writing whole-run reports are two sinks of the same run.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{Checker, Progress};
use crate::diagnostic::{FileReport, Severity};
use crate::discover::{MissingPath, Skipped};
use crate::fix;
use crate::load;
use crate::outcome::{Outcome, Stats};
use crate::suppress::{self, baseline::Baseline};

/// What one run checks.
#[derive(Debug)]
pub enum Input<'a> {
    /// Files and folders; folders are searched for tenant files.
    Paths(&'a [PathBuf]),
    /// One document held in memory (standard input), reported under `name`.
    Source { name: &'a str, bytes: &'a [u8] },
}

/// Fixes to make before the threshold is judged.
#[derive(Debug, Clone, Copy)]
pub struct FixRequest {
    pub mode: fix::Mode,
    /// Also apply fixes that discard entries or change another setting than the finding's.
    pub allow_unsafe: bool,
}

/// Everything one run is asked to do.
pub struct Request<'a> {
    pub input: Input<'a>,
    pub checker: Checker<'a>,
    /// Findings this baseline holds are reported as suppressed.
    pub baseline: Option<&'a Baseline>,
    /// Fix the files (or show the diff) once every file is checked.
    pub fix: Option<FixRequest>,
    /// The least severity of an active finding that fails the run; None: nothing fails it.
    pub fail_on: Option<Severity>,
    pub progress: Option<&'a Progress>,
}

/// Where each file's final result goes, in path order.
pub trait Sink {
    fn file(&mut self, report: FileReport);
}

/// A sink that keeps every report, for formats that need the whole run.
impl Sink for Vec<FileReport> {
    fn file(&mut self, report: FileReport) {
        self.push(report);
    }
}

/// How a run ended, besides the reports its sink received.
#[derive(Debug, Default)]
pub struct Ended {
    /// Files and folders that could not be walked.
    pub skipped: Vec<Skipped>,
    /// Files named on the command line that are not tenant documents.
    pub not_tenant: Vec<String>,
    /// What the baseline accepted, when one was used.
    pub baseline: Option<Stats>,
    /// What fixing did, when fixes were asked for.
    pub fixed: Option<fix::Summary>,
    /// Whether an active finding reached the threshold.
    pub failing: bool,
    /// Resources of recognised Microsoft365DSC files that entralint does not read, by kind.
    pub unchecked: BTreeMap<String, usize>,
    /// Tenant documents checked (a sink may keep none of their reports).
    pub checked: usize,
    /// Files judged only through the tenants that extend them.
    pub baselines: Vec<String>,
    /// Tenants made of several files: the folder and its files.
    pub folders: Vec<(String, Vec<String>)>,
}

impl Ended {
    /// The whole run as renderers see it, from the reports a `Vec` sink kept.
    pub fn into_outcome(self, files: Vec<FileReport>) -> Outcome {
        Outcome {
            files,
            skipped: self.skipped,
            not_tenant: self.not_tenant,
            baseline: self.baseline,
            unchecked: self.unchecked,
            baselines: self.baselines,
            folders: self.folders,
        }
    }
}

/// Whether any active finding of `report` is at least `fail_on`.
pub fn reaches(report: &FileReport, fail_on: Option<Severity>) -> bool {
    fail_on.is_some_and(|t| {
        report
            .diagnostics
            .iter()
            .any(|d| d.is_active() && d.severity >= t)
    })
}

/// The run after the walk: the baseline and the threshold, applied report by report.
struct Finisher<'a, 's> {
    applier: Option<suppress::baseline::Applier<'a>>,
    expired: suppress::Expired,
    config: &'a crate::config::Config,
    fail_on: Option<Severity>,
    failing: bool,
    /// Reports taken: the tenant documents checked.
    checked: usize,
    /// With fixes asked for, reports wait here until every file is checked.
    held: Option<Vec<FileReport>>,
    sink: &'s mut dyn Sink,
}

impl Finisher<'_, '_> {
    fn take(&mut self, mut report: FileReport) {
        self.checked += 1;
        self.expired.scan(self.config, &report);
        self.settle(&mut report);
        self.pass(report);
    }

    fn settle(&mut self, report: &mut FileReport) {
        if let Some(applier) = self.applier.as_mut() {
            applier.apply(report);
        }
    }

    fn pass(&mut self, report: FileReport) {
        match self.held.as_mut() {
            Some(held) => held.push(report),
            None => {
                self.failing |= reaches(&report, self.fail_on);
                self.sink.file(report);
            }
        }
    }
}

/// Runs one check: every report reaches `sink` after suppressions, the baseline and any fixes.
pub fn run(request: &Request, sink: &mut dyn Sink) -> Result<Ended, MissingPath> {
    let config = request.checker.config;
    let mut finisher = Finisher {
        applier: request.baseline.map(|b| b.applier(request.checker.rules)),
        expired: suppress::Expired::default(),
        config,
        fail_on: request.fail_on,
        failing: false,
        checked: 0,
        held: request.fix.map(|_| Vec::new()),
        sink,
    };
    let mut ended = Ended::default();
    let mut fleet = super::family::Fleet::default();
    match request.input {
        Input::Paths(paths) => {
            let walked = super::check_each(paths, &request.checker, request.progress, &mut |r| {
                finisher.take(r)
            })?;
            ended.skipped = walked.skipped;
            ended.not_tenant = walked.not_tenant;
            ended.unchecked = walked.unchecked;
            ended.folders = walked.folders;
            fleet = walked.fleet;
            ended.baselines = fleet.baselines.clone();
        }
        Input::Source { name, bytes } => {
            let (report, unchecked) = check_source(name, bytes, &request.checker);
            match report {
                Some(report) => finisher.take(report),
                None => ended.not_tenant.push(name.to_string()),
            }
            for kind in unchecked {
                *ended.unchecked.entry(kind).or_default() += 1;
            }
        }
    }
    ended.checked = finisher.checked;
    let expired = std::mem::take(&mut finisher.expired);
    if let Some(mut report) = expired.report(config) {
        finisher.settle(&mut report);
        finisher.pass(report);
    }
    ended.baseline = finisher
        .applier
        .take()
        .map(suppress::baseline::Applier::finish);
    if let (Some(mut files), Some(fix)) = (finisher.held.take(), request.fix) {
        let checker = super::family::FamilyChecker {
            checker: &request.checker,
            extended_by: &fleet.extended_by,
        };
        let fixer = fix::Fixer {
            checker: &checker,
            baseline: request.baseline,
            allow_unsafe: fix.allow_unsafe,
        };
        let mut summary = fix::run(&mut files, &fixer, fix.mode);
        summary.reaches = summary
            .changed
            .iter()
            .filter_map(|file| Some((file.clone(), fleet.extended_by.get(file)?.clone())))
            .collect();
        ended.fixed = Some(summary);
        files.into_iter().for_each(|report| finisher.pass(report));
    }
    ended.failing = finisher.failing;
    Ok(ended)
}

/// A document held in memory, under the same size limit as files, and the Microsoft365DSC
/// resources in it that entralint does not read.
fn check_source(name: &str, bytes: &[u8], checker: &Checker) -> (Option<FileReport>, Vec<String>) {
    if bytes.len() as u64 > crate::read::MAX_TENANT_BYTES {
        let loaded = load::too_large(name, bytes.len() as u64);
        let report = FileReport {
            source: loaded.source,
            diagnostics: loaded.diagnostics,
        };
        return (Some(report), Vec::new());
    }
    super::check_bytes(name, bytes, checker)
}
