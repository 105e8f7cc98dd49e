//! `--format azure`: Azure Pipelines logging commands. Errors and warnings become
//! `##vso[task.logissue …]` commands, which the pipeline shows as issues on the run and the file;
//! Azure has no issue type for information, so info findings are plain log lines.

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::outcome::Outcome;

pub fn render(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    for file in &outcome.files {
        let name = crate::paths::display(&file.source.name);
        for d in file.diagnostics.iter().filter(|d| d.is_active()) {
            let at = file.source.line_col(d.span.start);
            let mut text = format!("{} ({})", d.message, d.code);
            if let Some(help) = &d.help {
                text.push_str(": ");
                text.push_str(help);
            }
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => {
                    writeln!(
                        out,
                        "{name}:{}:{}: info: {}",
                        at.line,
                        at.column,
                        escape(&text)
                    )?;
                    continue;
                }
            };
            writeln!(
                out,
                "##vso[task.logissue type={kind};sourcepath={};linenumber={};columnnumber={};code={}]{}",
                escape(&name),
                at.line,
                at.column,
                escape(&d.code),
                escape(&text)
            )?;
        }
    }
    Ok(())
}

/// Escapes text for a logging command, as the Azure Pipelines agent unescapes it: `%` first (so
/// the escapes are not escaped again), then CR, LF, `;` (ends a property) and `]` (ends the
/// property list). A line break would otherwise end the command, and text after it could start
/// a command of its own.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%AZP25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ';' => out.push_str("%3B"),
            ']' => out.push_str("%5D"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn the_characters_azure_reads_are_escaped() {
        assert_eq!(escape("a;b]c\r\nd%0A"), "a%3Bb%5Dc%0D%0Ad%AZP250A");
    }
}
