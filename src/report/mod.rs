//! Renderers: each formats the diagnostic model and nothing else.

pub mod human;
pub mod short;

use std::io::{self, Write};

use crate::check::Outcome;
use crate::diagnostic::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Rich diagnostics with the source snippet, a label on the key and a help line.
    Human,
    /// `path:line:col: severity: message [name]`, one a line, for problem matchers.
    Short,
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
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => {
            human::render(outcome, style, out)?;
            human::summary(outcome, out)
        }
        Format::Short => short::render(outcome, out),
    }
}

/// The diagnostics alone, without a summary (problems in rule files, say).
pub fn render_diagnostics(
    outcome: &Outcome,
    format: Format,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(outcome, style, out),
        Format::Short => short::render(outcome, out),
    }
}

/// Counts by severity, for summaries.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    pub files_with_findings: usize,
}

impl Counts {
    pub fn of(outcome: &Outcome) -> Counts {
        let mut counts = Counts::default();
        for file in &outcome.files {
            if !file.diagnostics.is_empty() {
                counts.files_with_findings += 1;
            }
            for d in &file.diagnostics {
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
