//! `--format gitlab`: a GitLab Code Quality report, the CodeClimate subset GitLab reads
//! (`description`, `check_name`, `fingerprint`, `severity`, `location.path`,
//! `location.lines.begin`). Fingerprints are entralint's stable ones; GitLab keeps one issue per
//! fingerprint, so a second finding with the same print gets the occurrence appended.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use crate::diagnostic::{Severity, fingerprint};
use crate::outcome::Outcome;

pub fn render(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut issues: Vec<Value> = Vec::new();
    for file in &outcome.files {
        let name = crate::paths::display(&file.source.name);
        for d in file.diagnostics.iter().filter(|d| d.is_active()) {
            let start = file.source.line_col(d.span.start);
            let end = file.source.line_col(d.span.end);
            let mut print = fingerprint(&file.source, d);
            let count = seen.entry(print.clone()).or_insert(0);
            *count += 1;
            if *count > 1 {
                print = format!("{print}-{count}");
            }
            let mut description = d.message.clone();
            if let Some(help) = &d.help {
                description.push_str(". ");
                description.push_str(help);
            }
            issues.push(json!({
                "type": "issue",
                "description": description,
                "check_name": d.code,
                "fingerprint": print,
                "severity": match d.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "major",
                    Severity::Info => "info",
                },
                "categories": ["Security"],
                "location": {
                    "path": name,
                    "lines": {"begin": start.line, "end": end.line.max(start.line)},
                },
            }));
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
