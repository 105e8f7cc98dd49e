//! `--format rdjson`: reviewdog's Diagnostic Format (rdjson), for review comments on any forge
//! (`reviewdog -f=rdjson`). Columns are counted in UTF-8 bytes, as the format asks, and a range's
//! end is exclusive.

use std::io::{self, Write};

use serde_json::json;

use super::Meta;
use crate::diagnostic::{Severity, SourceFile};
use crate::outcome::Outcome;

pub fn render(outcome: &Outcome, meta: &Meta, out: &mut dyn Write) -> io::Result<()> {
    let diagnostics = outcome.files.iter().flat_map(|file| {
        let name = crate::paths::display(&file.source.name).into_owned();
        file.diagnostics
            .iter()
            .filter(|d| d.is_active())
            .map(move |d| {
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    message.push_str("\nhelp: ");
                    message.push_str(help);
                }
                json!({
                    "message": message,
                    "location": {
                        "path": name,
                        "range": {
                            "start": position(&file.source, d.span.start),
                            "end": position(&file.source, d.span.end.max(d.span.start)),
                        },
                    },
                    "severity": match d.severity {
                        Severity::Error => "ERROR",
                        Severity::Warning => "WARNING",
                        Severity::Info => "INFO",
                    },
                    "code": {"value": d.code, "url": meta.docs_url(&d.code)},
                })
            })
    });
    let skeleton = json!({
        "source": {"name": "entralint", "url": env!("CARGO_PKG_REPOSITORY")},
        "diagnostics": [],
    });
    super::write_json_with(out, &skeleton, "diagnostics", diagnostics)
}

/// A 1-based line and a 1-based column in UTF-8 bytes.
fn position(source: &SourceFile, offset: u32) -> serde_json::Value {
    let at = source.line_col(offset);
    let start = source.line_span(at.line).map_or(0, |s| s.start as usize);
    let offset = (offset as usize).min(source.text.len());
    json!({"line": at.line, "column": offset.saturating_sub(start) + 1})
}
