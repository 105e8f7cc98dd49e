//! `--format json`: every finding with its location, document path, fingerprint and controls.
//! The schema is documented in docs/json-format.md and versioned by `version`.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Counts, Meta};
use crate::diagnostic::{FileReport, fingerprint};
use crate::outcome::Outcome;

/// Bumped when a field changes meaning or disappears; new fields may appear in any version.
pub const SCHEMA_VERSION: u32 = 1;

pub fn render(outcome: &Outcome, meta: &Meta, out: &mut dyn Write) -> io::Result<()> {
    let counts = Counts::of(outcome);
    let skeleton = json!({
        "version": SCHEMA_VERSION,
        "tool": {"name": "entralint", "version": env!("CARGO_PKG_VERSION")},
        "profile": meta.rules.map(|r| r.profile.file.name.clone()),
        "summary": {
            "files": outcome.files.len(),
            "findings": counts.total(),
            "errors": counts.error,
            "warnings": counts.warning,
            "info": counts.info,
            "suppressed": counts.suppressed,
            "baselined": counts.baselined,
            "staleBaselineEntries": outcome.baseline.map(|b| b.stale),
            // Resources of recognised Microsoft365DSC files that entralint does not read.
            "uncheckedResources": outcome.unchecked,
        },
        "findings": [],
    });
    let findings = outcome.files.iter().flat_map(|f| findings(f, meta));
    super::write_json_with(out, &skeleton, "findings", findings)
}

fn findings<'a>(file: &'a FileReport, meta: &'a Meta) -> impl Iterator<Item = Value> + 'a {
    file.diagnostics.iter().map(move |d| {
        let start = file.source.line_col(d.span.start);
        let end = file.source.line_col(d.span.end);
        json!({
            "rule": d.code,
            "severity": d.severity.as_str(),
            "message": d.message,
            "help": d.help.as_deref(),
            "file": crate::paths::display(&file.source.name),
            "start": {"line": start.line, "column": start.column},
            "end": {"line": end.line, "column": end.column},
            "path": d.path,
            "fingerprint": fingerprint(&file.source, d),
            "controls": &*d.controls,
            "fixable": d.fixable,
            "docs": meta.docs_url(&d.code),
            "suppression": d.suppression.as_ref().map(|s| json!({"kind": s.kind.as_str(), "reason": s.reason})),
        })
    })
}
