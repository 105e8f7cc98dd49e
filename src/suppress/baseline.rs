//! The baseline: findings a repository already had when it adopted entralint, recorded by
//! fingerprint (rule, file, document path, offending value; never line numbers) so that only new
//! findings fail a run. An entry recorded under a renamed rule's former name still accepts the
//! rule's finding.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{FileReport, Suppression, SuppressionKind, fingerprint, fingerprint_as};
use crate::rules::RuleSet;

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

pub use crate::outcome::Stats;

impl Baseline {
    /// Reads a baseline; with `root`, it must lie inside that folder (a baseline the
    /// repository's configuration names). Errors name the file and never quote it.
    pub fn load(path: &Path, root: Option<&Path>) -> Result<Baseline, String> {
        let kind = crate::read::Kind::Baseline;
        let text = match root {
            Some(root) => crate::read::read_text_inside(path, kind, root),
            None => crate::read::read_text(path, kind),
        }
        .map_err(|e| e.to_string())?;
        let shown = crate::escape::path(path);
        // serde's message names a line and column, and at most a key; never the file's text.
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|e| format!("{shown}: not a baseline file: {e}"))?;
        if file.version != VERSION {
            return Err(format!(
                "{shown}: baseline version {} is not {VERSION}",
                file.version
            ));
        }
        Ok(Baseline {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Marks every active finding whose fingerprint the baseline holds (each entry once).
    /// With the run's `rules`, an entry made under a renamed rule's former name matches too.
    pub fn apply(&self, files: &mut [FileReport], rules: Option<&RuleSet>) -> Stats {
        let mut applier = self.applier(rules);
        files.iter_mut().for_each(|file| applier.apply(file));
        applier.finish()
    }

    /// Applies the baseline file by file, as reports arrive: each entry accepts one finding.
    pub fn applier(&self, rules: Option<&RuleSet>) -> Applier<'_> {
        let mut remaining: HashMap<&str, usize> = HashMap::new();
        for entry in &self.file.findings {
            *remaining.entry(entry.fingerprint.as_str()).or_default() += 1;
        }
        let former = rules
            .iter()
            .flat_map(|set| &set.rules)
            .filter(|r| !r.file.renamed_from.is_empty())
            .map(|r| {
                (
                    r.name.clone(),
                    r.former_names().map(str::to_string).collect(),
                )
            })
            .collect();
        Applier {
            remaining,
            former,
            reason: format!("in the baseline {}", self.path.display()),
            baselined: 0,
        }
    }
}

/// A baseline being applied: the entries not yet matched.
pub struct Applier<'a> {
    remaining: HashMap<&'a str, usize>,
    /// The former names of renamed rules, by current name.
    former: HashMap<String, Vec<String>>,
    reason: String,
    baselined: usize,
}

impl Applier<'_> {
    pub fn apply(&mut self, file: &mut FileReport) {
        for d in file.diagnostics.iter_mut().filter(|d| d.is_active()) {
            // The fingerprint under the rule's name, else under a name it had when the baseline
            // was written.
            let former = self.former.get(&d.code).into_iter().flatten();
            let prints = std::iter::once(fingerprint(&file.source, d))
                .chain(former.map(|name| fingerprint_as(&file.source, d, name)));
            let mut matched = None;
            for print in prints {
                if self
                    .remaining
                    .get(print.as_str())
                    .is_some_and(|count| *count > 0)
                {
                    matched = Some(print);
                    break;
                }
            }
            if let Some(count) = matched.and_then(|print| self.remaining.get_mut(print.as_str())) {
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

/// Writes the baseline atomically, never over a file in `protect` (the files the run read).
pub fn write(path: &Path, baseline: &BaselineFile, protect: &[PathBuf]) -> std::io::Result<()> {
    let options = crate::write::Options {
        protect,
        ..Default::default()
    };
    crate::write::write(path, options, |file| {
        let mut out = std::io::BufWriter::new(file);
        serde_json::to_writer_pretty(&mut out, baseline).map_err(std::io::Error::other)?;
        std::io::Write::write_all(&mut out, b"\n")?;
        std::io::Write::flush(&mut out)
    })
}
