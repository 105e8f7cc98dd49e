//! `--format github`: workflow commands that GitHub Actions turns into annotations, and a markdown
//! summary of every finding appended to `$GITHUB_STEP_SUMMARY` (GitHub shows at most ten
//! annotations per step).

use std::io::{self, Write};

use super::{Counts, plural};
use crate::diagnostic::Severity;
use crate::outcome::Outcome;

pub fn render(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    for file in &outcome.files {
        for d in file.diagnostics.iter().filter(|d| d.is_active()) {
            let start = file.source.line_col(d.span.start);
            let end = file.source.line_col(d.span.end);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push('\n');
                text.push_str(help);
            }
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                property(&file.source.name),
                start.line,
                start.column,
                end.line,
                end.column,
                property(&format!("entralint {}", d.code)),
                data(&text)
            )?;
        }
    }
    Ok(())
}

/// The markdown summary: a table of every finding.
pub fn summary(outcome: &Outcome) -> String {
    let counts = Counts::of(outcome);
    let mut text = String::from("## entralint\n\n");
    if counts.total() == 0 {
        text.push_str(&format!(
            "No problems found in {}.\n",
            plural(outcome.files.len(), "tenant file")
        ));
        return text;
    }
    text.push_str(&format!(
        "{} in {} of {}: {}, {}, {} info.\n\n| file | line | severity | rule | message |\n|---|---|---|---|---|\n",
        plural(counts.total(), "problem"),
        counts.files_with_findings,
        plural(outcome.files.len(), "tenant file"),
        plural(counts.error, "error"),
        plural(counts.warning, "warning"),
        counts.info
    ));
    for file in &outcome.files {
        for d in file.diagnostics.iter().filter(|d| d.is_active()) {
            let at = file.source.line_col(d.span.start);
            text.push_str(&format!(
                "| `{}` | {} | {} | `{}` | {} |\n",
                file.source.name,
                at.line,
                d.severity,
                d.code,
                d.message.replace('|', "\\|").replace('\n', " ")
            ));
        }
    }
    text
}

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
