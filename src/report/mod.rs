//! Renderers: each formats the diagnostic model and nothing else.

pub mod azure;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod rdjson;
pub mod sarif;
pub mod short;

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::outcome::Outcome;
use crate::rules::RuleSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Rich diagnostics with the source snippet, a label on the key and a help line.
    Human,
    /// `path:line:col: severity: message [name]`, one a line, for problem matchers.
    Short,
    /// A versioned JSON document of every finding.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations), plus a step summary.
    Github,
    /// JUnit XML, for CI dashboards.
    Junit,
    /// Azure Pipelines logging commands (`##vso[task.logissue …]`).
    Azure,
    /// GitLab Code Quality JSON (a merge request's Code Quality widget).
    Gitlab,
    /// reviewdog's rdjson, for review comments on any forge.
    Rdjson,
    /// One self-contained HTML page: controls by tenant, then each tenant's findings.
    Html,
}

/// What machine formats say beyond the findings: the rules that ran and how the run ended.
#[derive(Debug, Clone, Copy)]
pub struct Meta<'a> {
    pub rules: Option<&'a RuleSet>,
    pub exit_code: u8,
    /// The least severity that fails the run (`--fail-on`); None: nothing does.
    pub fail_on: Option<Severity>,
    /// When the run started and how long it took, for formats that record it.
    pub run: Option<RunTime>,
}

impl Default for Meta<'_> {
    fn default() -> Self {
        Meta {
            rules: None,
            exit_code: 0,
            fail_on: Some(Severity::Warning),
            run: None,
        }
    }
}

/// When a run started and how long it took.
#[derive(Debug, Clone, Copy)]
pub struct RunTime {
    pub started: chrono::DateTime<chrono::Utc>,
    pub elapsed: std::time::Duration,
}

impl Meta<'_> {
    /// Where a rule's documentation lives.
    pub fn docs_url(&self, name: &str) -> String {
        let builtin = self
            .rules
            .is_none_or(|set| set.get(name).is_none_or(|r| r.builtin));
        if crate::diagnostic::DRIFT_CHECKS
            .iter()
            .any(|(code, _, _)| *code == name)
        {
            return format!("{}/blob/main/docs/drift.md", env!("CARGO_PKG_REPOSITORY"));
        }
        if builtin
            && !crate::diagnostic::LOAD_CHECKS
                .iter()
                .any(|(code, _)| *code == name)
        {
            format!(
                "{}/blob/main/docs/rules/{name}.md",
                env!("CARGO_PKG_REPOSITORY")
            )
        } else {
            format!(
                "{}/blob/main/README.md#what-a-load-problem-looks-like",
                env!("CARGO_PKG_REPOSITORY")
            )
        }
    }
}

/// What renderers need to know about the terminal.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// Wrap width of the human output.
    pub width: usize,
}

pub fn render(
    outcome: &Outcome,
    format: Format,
    style: Style,
    meta: &Meta,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => {
            human::render(outcome, style, out)?;
            human::summary(outcome, out)?;
            unchecked_note(&outcome.unchecked, out)
        }
        Format::Short => short::render(outcome, out),
        Format::Json => json::render(outcome, meta, out),
        Format::Sarif => sarif::render(outcome, meta, out),
        Format::Github => github::render(outcome, out),
        Format::Junit => junit::render(outcome, meta, out),
        Format::Azure => azure::render(outcome, out),
        Format::Gitlab => gitlab::render(outcome, out),
        Format::Rdjson => rdjson::render(outcome, meta, out),
        Format::Html => html::render(outcome, meta, out),
    }
}

/// Counts by severity, for summaries.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    pub files_with_findings: usize,
    /// Findings an inline comment or a configured exception accepts.
    pub suppressed: usize,
    /// Findings the baseline accepts.
    pub baselined: usize,
}

impl Counts {
    pub fn of(outcome: &Outcome) -> Counts {
        let mut counts = Counts::default();
        outcome.files.iter().for_each(|file| counts.add(file));
        counts
    }

    /// Counts one file's findings.
    pub fn add(&mut self, file: &crate::diagnostic::FileReport) {
        if file.diagnostics.iter().any(|d| d.is_active()) {
            self.files_with_findings += 1;
        }
        for d in &file.diagnostics {
            match &d.suppression {
                Some(s) if s.kind == crate::diagnostic::SuppressionKind::Baseline => {
                    self.baselined += 1;
                    continue;
                }
                Some(_) => {
                    self.suppressed += 1;
                    continue;
                }
                None => {}
            }
            match d.severity {
                Severity::Error => self.error += 1,
                Severity::Warning => self.warning += 1,
                Severity::Info => self.info += 1,
            }
        }
    }

    pub fn total(&self) -> usize {
        self.error + self.warning + self.info
    }
}

/// Writes `skeleton` pretty-printed, with the empty array under `key` filled from `items` one at a
/// time: a report of many findings never holds them all as JSON values. The output is what
/// pretty-printing the whole document would give.
fn write_json_with(
    out: &mut dyn Write,
    skeleton: &serde_json::Value,
    key: &str,
    items: impl Iterator<Item = serde_json::Value>,
) -> io::Result<()> {
    let text = serde_json::to_string_pretty(skeleton)?;
    let marker = format!("\"{key}\": []");
    // Keys and text in the skeleton are JSON strings, where a quote is escaped: the marker
    // can only be the key itself.
    let Some(at) = text.find(&marker) else {
        return Err(io::Error::other(format!("no `{key}` in the report")));
    };
    let indent = &text[text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
    let inner = format!("{indent}  ");
    let open = at + marker.len() - 1;
    out.write_all(&text.as_bytes()[..open])?;
    let mut empty = true;
    for item in items {
        out.write_all(if empty { b"\n" } else { b",\n" })?;
        empty = false;
        for (i, line) in serde_json::to_string_pretty(&item)?.lines().enumerate() {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(inner.as_bytes())?;
            out.write_all(line.as_bytes())?;
        }
    }
    if !empty {
        out.write_all(b"\n")?;
        out.write_all(indent.as_bytes())?;
    }
    out.write_all(&text.as_bytes()[open..])?;
    writeln!(out)
}

/// The summary's line for resources of recognised Microsoft365DSC files that entralint does not
/// read: "3 resources not checked: AADApplication ×2, AADGroup." (most frequent first).
pub fn unchecked_note(
    unchecked: &std::collections::BTreeMap<String, usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let total: usize = unchecked.values().sum();
    if total == 0 {
        return Ok(());
    }
    let mut kinds: Vec<(&String, &usize)> = unchecked.iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let shown: Vec<String> = kinds
        .iter()
        .take(5)
        .map(|(kind, n)| {
            if **n > 1 {
                format!("{kind} ×{n}")
            } else {
                kind.to_string()
            }
        })
        .collect();
    let more = if kinds.len() > 5 { ", …" } else { "" };
    writeln!(
        out,
        "{} not checked: {}{more}.",
        if total == 1 {
            "1 resource".to_string()
        } else {
            format!("{total} resources")
        },
        shown.join(", ")
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
