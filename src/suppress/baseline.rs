//! The baseline: findings a repository already had when it adopted entralint, recorded by
//! fingerprint (rule, file, document path, offending value; never line numbers) so that only new
//! findings fail a run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{FileReport, Suppression, SuppressionKind, fingerprint};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// One recorded finding. Only `fingerprint` is matched; the rest is there for people reading it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub fingerprint: String,
    pub message: String,
}

pub const VERSION: u32 = 1;

#[derive(Debug, Clone)]
pub struct Baseline {
    pub path: PathBuf,
    pub file: BaselineFile,
}

/// What applying a baseline did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Findings the baseline accepted.
    pub baselined: usize,
    /// Entries that matched no finding: fixed since, or no longer reported.
    pub stale: usize,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the baseline: {e}", path.display()))?;
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a baseline file: {e}", path.display()))?;
        if file.version != VERSION {
            return Err(format!(
                "{}: baseline version {} is not {VERSION}",
                path.display(),
                file.version
            ));
        }
        Ok(Baseline {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Marks every active finding whose fingerprint the baseline holds (each entry once).
    pub fn apply(&self, files: &mut [FileReport]) -> Stats {
        let mut applier = self.applier();
        files.iter_mut().for_each(|file| applier.apply(file));
        applier.finish()
    }

    /// Applies the baseline file by file, as reports arrive: each entry accepts one finding.
    pub fn applier(&self) -> Applier<'_> {
        let mut remaining: HashMap<&str, usize> = HashMap::new();
        for entry in &self.file.findings {
            *remaining.entry(entry.fingerprint.as_str()).or_default() += 1;
        }
        Applier {
            remaining,
            reason: format!("in the baseline {}", self.path.display()),
            baselined: 0,
        }
    }
}

/// A baseline being applied: the entries not yet matched.
pub struct Applier<'a> {
    remaining: HashMap<&'a str, usize>,
    reason: String,
    baselined: usize,
}

impl Applier<'_> {
    pub fn apply(&mut self, file: &mut FileReport) {
        for d in file.diagnostics.iter_mut().filter(|d| d.is_active()) {
            let print = fingerprint(&file.source, d);
            if let Some(count) = self.remaining.get_mut(print.as_str())
                && *count > 0
            {
                *count -= 1;
                self.baselined += 1;
                d.suppression = Some(Suppression {
                    kind: SuppressionKind::Baseline,
                    reason: self.reason.clone(),
                });
            }
        }
    }

    pub fn finish(self) -> Stats {
        Stats {
            baselined: self.baselined,
            stale: self.remaining.values().sum(),
        }
    }
}

/// The baseline of a run's active findings, sorted so that rewriting it gives small diffs.
pub fn record(files: &[FileReport]) -> BaselineFile {
    let mut findings: Vec<Entry> = files
        .iter()
        .flat_map(|f| {
            f.diagnostics
                .iter()
                .filter(|d| d.is_active())
                .map(move |d| Entry {
                    rule: d.code.clone(),
                    file: crate::paths::display(&f.source.name).into_owned(),
                    path: d.path.clone(),
                    fingerprint: fingerprint(&f.source, d),
                    message: d.message.clone(),
                })
        })
        .collect();
    findings.sort_by(|a, b| {
        (&a.file, &a.rule, &a.path, &a.fingerprint).cmp(&(
            &b.file,
            &b.rule,
            &b.path,
            &b.fingerprint,
        ))
    });
    BaselineFile {
        version: VERSION,
        findings,
    }
}

/// Writes the baseline atomically.
pub fn write(path: &Path, baseline: &BaselineFile) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(baseline).map_err(std::io::Error::other)?;
    text.push('\n');
    crate::write::atomic(path, text.as_bytes())
}
