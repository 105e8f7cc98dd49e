//! `--format junit`: a test suite per tenant file and a failing test case per finding, for CI
//! dashboards. A file without findings is one passing test case.

use std::io::{self, Write};

use super::Counts;
use crate::outcome::Outcome;

pub fn render(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let counts = Counts::of(outcome);
    let active =
        |f: &crate::diagnostic::FileReport| f.diagnostics.iter().filter(|d| d.is_active()).count();
    let tests: usize = outcome.files.iter().map(|f| active(f).max(1)).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="entralint" tests="{tests}" failures="{}" errors="0">"#,
        counts.total()
    )?;
    for file in &outcome.files {
        let name = xml(&file.source.name);
        let failures = active(file);
        writeln!(
            out,
            r#"  <testsuite name="{name}" tests="{}" failures="{failures}" errors="0">"#,
            failures.max(1)
        )?;
        if failures == 0 {
            writeln!(
                out,
                r#"    <testcase name="no problems" classname="{name}"/>"#
            )?;
        }
        for d in file.diagnostics.iter().filter(|d| d.is_active()) {
            let at = file.source.line_col(d.span.start);
            writeln!(
                out,
                r#"    <testcase name="{} at {}:{}" classname="{name}" file="{name}" line="{}">"#,
                xml(&d.code),
                at.line,
                at.column,
                at.line
            )?;
            let mut body = format!(
                "{}:{}:{}: {}",
                file.source.name, at.line, at.column, d.message
            );
            if let Some(help) = &d.help {
                body.push_str("\nhelp: ");
                body.push_str(help);
            }
            if !d.controls.is_empty() {
                body.push_str("\ncontrols: ");
                body.push_str(&d.controls.join(", "));
            }
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                d.severity,
                xml(&d.message),
                xml(&body)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Escapes text for XML attributes and content, dropping characters XML 1.0 cannot hold.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
