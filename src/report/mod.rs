//! Renderers: each formats the diagnostic model and nothing else.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod short;

use std::io::{self, Write};

use crate::check::Outcome;
use crate::diagnostic::Severity;
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
}

/// What machine formats say beyond the findings: the rules that ran and how the run ended.
#[derive(Debug, Clone, Copy, Default)]
pub struct Meta<'a> {
    pub rules: Option<&'a RuleSet>,
    pub exit_code: u8,
}

impl Meta<'_> {
    /// Where a rule's documentation lives.
    pub fn docs_url(&self, name: &str) -> String {
        let builtin = self
            .rules
            .is_none_or(|set| set.get(name).is_none_or(|r| r.builtin));
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
            human::summary(outcome, out)
        }
        Format::Short => short::render(outcome, out),
        Format::Json => json::render(outcome, meta, out),
        Format::Sarif => sarif::render(outcome, meta, out),
        Format::Github => github::render(outcome, out),
        Format::Junit => junit::render(outcome, out),
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
        for file in &outcome.files {
            if file.diagnostics.iter().any(|d| d.is_active()) {
                counts.files_with_findings += 1;
            }
            for d in &file.diagnostics {
                match &d.suppression {
                    Some(s) if s.kind == crate::diagnostic::SuppressionKind::Baseline => {
                        counts.baselined += 1;
                        continue;
                    }
                    Some(_) => {
                        counts.suppressed += 1;
                        continue;
                    }
                    None => {}
                }
                match d.severity {
                    Severity::Error => counts.error += 1,
                    Severity::Warning => counts.warning += 1,
                    Severity::Info => counts.info += 1,
                }
            }
        }
        counts
    }

    pub fn total(&self) -> usize {
        self.error + self.warning + self.info
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
