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
                property(&crate::paths::display(&file.source.name)),
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

/// GitHub drops a step summary over 1 MiB; the table stops short of it.
pub const SUMMARY_LIMIT: usize = 1024 * 1024;

/// The markdown summary: a table of the findings, as many as fit in `limit` bytes, then a line
/// counting the rest.
pub fn summary(outcome: &Outcome, limit: usize) -> String {
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
    // Room for the closing line, and a margin in case GitHub counts differently than bytes.
    let budget = limit.saturating_sub(4096);
    let mut shown = 0;
    for file in &outcome.files {
        let name = crate::paths::display(&file.source.name);
        for d in file.diagnostics.iter().filter(|d| d.is_active()) {
            let at = file.source.line_col(d.span.start);
            let row = format!(
                "| `{}` | {} | {} | `{}` | {} |\n",
                name,
                at.line,
                d.severity,
                d.code,
                d.message.replace('|', "\\|").replace('\n', " ")
            );
            if text.len() + row.len() > budget {
                let rest = counts.total() - shown;
                text.push_str(&format!(
                    "\n{} not shown; see the SARIF or JSON report.\n",
                    if rest == 1 {
                        "1 more finding".to_string()
                    } else {
                        format!("{rest} more findings")
                    }
                ));
                return text;
            }
            text.push_str(&row);
            shown += 1;
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
