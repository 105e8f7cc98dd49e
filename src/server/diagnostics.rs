//! Findings as LSP diagnostics: range, severity, the rule's name as the code with a link to its
//! documentation, related places, and the help line. Suppressed, excepted and baselined findings
//! are left out, as `check` does not count them.

use std::str::FromStr;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};

use super::documents::{Checked, LineIndex, path_to_uri};
use crate::diagnostic::{Diagnostic, LOAD_CHECKS, Severity};
use crate::rules::RuleSet;

/// The code of a problem with the configuration, the rules or the baseline.
pub const CONFIGURATION: &str = "configuration";

pub fn to_lsp(checked: &Checked, uri: &Uri) -> Vec<lsp_types::Diagnostic> {
    let Some(report) = &checked.report else {
        return Vec::new();
    };
    let rules = checked.context.rules.as_ref();
    let mut out: Vec<lsp_types::Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_active())
        .map(|d| one(d, &checked.index, uri, rules))
        .collect();
    // A finding on an inherited value is shown where the document names what it extends,
    // linked to the value in the file that sets it.
    if let Some(at) = checked.extends_at {
        for (file_uri, file_index, file) in &checked.inherited {
            for d in file.diagnostics.iter().filter(|d| d.is_active()) {
                out.push(inherited(
                    d,
                    &file.source.name,
                    file_uri,
                    file_index,
                    checked.index.range(at),
                    rules,
                ));
            }
        }
    }
    // entralint's own inputs failed: say so where the document starts, pointing at the cause.
    for problem in &checked.context.problems {
        let related = problem.at.as_ref().and_then(|(path, line, column)| {
            let at = Position::new(*line, *column);
            Some(vec![DiagnosticRelatedInformation {
                location: Location::new(path_to_uri(path)?, Range::new(at, at)),
                message: "here".to_string(),
            }])
        });
        out.push(lsp_types::Diagnostic {
            range: Range::default(),
            severity: Some(DiagnosticSeverity::ERROR),
            code: Some(NumberOrString::String(CONFIGURATION.to_string())),
            source: Some("entralint".to_string()),
            message: format!(
                "entralint could not load all of its configuration, so this file is checked without what failed: {}",
                problem.message
            ),
            related_information: related,
            ..Default::default()
        });
    }
    out
}

/// A finding in a file the document extends, at `range` in the document.
fn inherited(
    d: &Diagnostic,
    file: &str,
    file_uri: &Uri,
    file_index: &LineIndex,
    range: Range,
    rules: Option<&RuleSet>,
) -> lsp_types::Diagnostic {
    let mut shown = one(d, file_index, file_uri, rules);
    let at = file_index.range(d.span);
    shown.message = format!(
        "inherited from {file}:{}: {}",
        at.start.line + 1,
        shown.message
    );
    let mut related = vec![DiagnosticRelatedInformation {
        location: Location::new(file_uri.clone(), at),
        message: "the inherited value".to_string(),
    }];
    related.extend(shown.related_information.take().unwrap_or_default());
    shown.related_information = Some(related);
    shown.range = range;
    shown
}

/// One finding as an LSP diagnostic.
pub fn one(
    d: &Diagnostic,
    index: &LineIndex,
    uri: &Uri,
    rules: Option<&RuleSet>,
) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    if !d.controls.is_empty() {
        message.push_str("\ncontrols: ");
        message.push_str(&d.controls.join(", "));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), index.range(r.span)),
            message: r.label.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range: index.range(d.span),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.clone())),
        code_description: docs_link(&d.code, rules).map(|href| CodeDescription { href }),
        source: Some("entralint".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// Where a rule or load check is documented: the generated page of a built-in rule, the file of
/// a custom one, the README's table of load checks.
pub fn docs_link(code: &str, rules: Option<&RuleSet>) -> Option<Uri> {
    let repository = env!("CARGO_PKG_REPOSITORY");
    if let Some(rule) = rules.and_then(|r| r.get(code)) {
        if rule.builtin {
            return Uri::from_str(&format!("{repository}/blob/main/docs/rules/{code}.md")).ok();
        }
        let origin = std::path::Path::new(&rule.origin);
        return path_to_uri(
            &origin
                .canonicalize()
                .unwrap_or_else(|_| origin.to_path_buf()),
        );
    }
    LOAD_CHECKS
        .iter()
        .any(|(name, _)| *name == code)
        .then(|| Uri::from_str(&format!("{repository}#what-a-load-problem-looks-like")).ok())
        .flatten()
}
