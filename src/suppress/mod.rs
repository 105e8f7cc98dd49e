//! After rules: per-path overrides, configured exceptions, inline `# entralint: ignore[…]`
//! comments, and the baseline. Suppressed findings are kept, marked with why, so machine formats
//! can show them; only active findings count.

pub mod baseline;
pub mod inline;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileReport, Severity, Suppression, SuppressionKind};
use crate::rules::schema::{RuleSetting, Switch};
use crate::rules::severity;
use crate::tree::Comment;

/// Applies the configuration and the file's own suppression comments to its findings.
/// `resolve` gives the rule or load check a comment's name stands for (a renamed rule's former
/// name gives its current name), or None for a name entralint does not know.
pub fn apply(
    report: &mut FileReport,
    comments: &[Comment],
    config: &Config,
    resolve: &dyn Fn(&str) -> Option<String>,
) {
    let file = report.source.name.clone();
    for rules in config.overrides_for(&file) {
        report.diagnostics.retain_mut(|d| match rules.get(&d.code) {
            Some(RuleSetting::Switch(Switch::Off)) => false,
            Some(RuleSetting::Tuned(tuning)) => {
                if let Some(s) = tuning.severity {
                    d.severity = severity(s);
                }
                true
            }
            _ => true,
        });
    }
    for d in report.diagnostics.iter_mut() {
        if let Some((exception, _, expired)) =
            config.exception_for(&file, &d.code, d.path.as_deref())
            && !expired
        {
            d.suppression = Some(Suppression {
                kind: SuppressionKind::Exception,
                reason: exception.reason.clone(),
            });
        }
    }
    inline::apply(report, comments, config, resolve);
}

/// Expired exceptions, reported once, in the configuration file.
pub fn expired_exceptions(config: &Config, outcome_files: &[FileReport]) -> Option<FileReport> {
    let mut expired = Expired::default();
    outcome_files.iter().for_each(|f| expired.scan(config, f));
    expired.report(config)
}

/// The expired exceptions that findings ran into, gathered file by file as reports arrive.
#[derive(Debug, Default)]
pub struct Expired {
    diagnostics: Vec<Diagnostic>,
}

impl Expired {
    pub fn scan(&mut self, config: &Config, file: &FileReport) {
        for d in &file.diagnostics {
            if let Some((exception, span, true)) =
                config.exception_for(&file.source.name, &d.code, d.path.as_deref())
                && !self.diagnostics.iter().any(|e| e.span == span)
            {
                self.diagnostics.push(
                    Diagnostic::new(
                        "expired-suppression",
                        Severity::Warning,
                        span,
                        format!(
                            "the exception for `{}` expired on {}; its findings are reported again",
                            exception.rule,
                            exception.until.as_deref().unwrap_or_default()
                        ),
                    )
                    .with_label("expired")
                    .with_help("fix the findings, or renew the exception with a new `until` date and a reason"),
                );
            }
        }
    }

    /// One report in the configuration file, when any exception has expired.
    pub fn report(self, config: &Config) -> Option<FileReport> {
        let source = config.source.clone()?;
        (!self.diagnostics.is_empty()).then(|| {
            let mut report = FileReport {
                source,
                diagnostics: self.diagnostics,
            };
            report.sort();
            report
        })
    }
}
