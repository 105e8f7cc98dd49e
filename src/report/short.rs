//! `path:line:col: severity: message [name]`, one finding a line.

use std::io::{self, Write};

use crate::diagnostic::FileReport;
use crate::escape;
use crate::outcome::Outcome;

pub fn render(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    outcome
        .files
        .iter()
        .try_for_each(|file| render_file(file, out))
}

/// One file's findings.
pub fn render_file(file: &FileReport, out: &mut dyn Write) -> io::Result<()> {
    let name = crate::paths::display(&file.source.name);
    let name = escape::text(&name);
    for d in file.diagnostics.iter().filter(|d| d.is_active()) {
        let at = file.source.line_col(d.span.start);
        write!(
            out,
            "{}:{}:{}: {}: {} [{}]",
            name,
            at.line,
            at.column,
            d.severity,
            escape::text(&d.message),
            escape::text(&d.code)
        )?;
        if d.controls.is_empty() {
            writeln!(out)?;
        } else {
            writeln!(out, " ({})", escape::text(&d.controls.join(", ")))?;
        }
    }
    Ok(())
}
