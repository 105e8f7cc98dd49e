//! `path:line:col: severity: message [name]`, one finding a line.

use std::fmt::Write as _;
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

/// One file's findings. The report went through [`escape::report`], as every report printed does:
/// its messages and controls are clean, and only the name is escaped here.
pub fn render_file(file: &FileReport, out: &mut dyn Write) -> io::Result<()> {
    let name = crate::paths::display(&file.source.name);
    let name = escape::text(&name);
    // Each line is put together in one buffer and written whole: a formatted write per piece
    // cost more than the rest of the line's rendering.
    let mut line = String::with_capacity(256);
    for d in file.diagnostics.iter().filter(|d| d.is_active()) {
        let at = file.source.line_col(d.span.start);
        line.clear();
        let _ = write!(line, "{name}:{}:{}: ", at.line, at.column);
        for piece in [
            d.severity.as_str(),
            ": ",
            &d.message,
            " [",
            &escape::text(&d.code),
            "]",
        ] {
            line.push_str(piece);
        }
        for (n, control) in d.controls.iter().enumerate() {
            line.push_str(if n == 0 { " (" } else { ", " });
            line.push_str(control);
        }
        line.push_str(if d.controls.is_empty() { "\n" } else { ")\n" });
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}
