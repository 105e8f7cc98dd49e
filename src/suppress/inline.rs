//! Inline suppressions: `# entralint: ignore[rule-a, rule-b] reason until=YYYY-MM-DD` on the
//! offending line or on its own line above it, and `# entralint: ignore-file[rule] reason` among
//! the comments at the top of a file.

use crate::config::Config;
use crate::diagnostic::{
    Diagnostic, FileReport, Severity, SourceFile, Span, Suppression, SuppressionKind,
};
use crate::tree::Comment;

/// One parsed `# entralint:` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub span: Span,
    pub rules: Vec<String>,
    pub reason: String,
    pub until: Option<chrono::NaiveDate>,
    /// The line the directive covers; None for a file-level directive.
    pub line: Option<usize>,
}

/// Reads the `# entralint:` comments of a file; malformed ones become diagnostics.
pub fn directives(
    comments: &[Comment],
    source: &SourceFile,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Directive> {
    let mut out = Vec::new();
    for comment in comments {
        let text = comment.text.trim();
        let Some(body) = text.strip_prefix("entralint:") else {
            continue;
        };
        let body = body.trim_start();
        let (file_level, rest) = if let Some(rest) = body.strip_prefix("ignore-file[") {
            (true, rest)
        } else if let Some(rest) = body.strip_prefix("ignore[") {
            (false, rest)
        } else {
            problems.push(malformed(
                comment.span,
                "expected `ignore[rule, …] reason` or `ignore-file[rule, …] reason`",
            ));
            continue;
        };
        let Some((names, rest)) = rest.split_once(']') else {
            problems.push(malformed(comment.span, "the rule list has no closing `]`"));
            continue;
        };
        let rules: Vec<String> = names
            .split(',')
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        if rules.is_empty() {
            problems.push(malformed(
                comment.span,
                "name the rules to ignore: `ignore[rule-name] reason`",
            ));
            continue;
        }
        let mut until = None;
        let mut reason = Vec::new();
        for word in rest.split_whitespace() {
            match word.strip_prefix("until=") {
                Some(date) => match chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") {
                    Ok(date) => until = Some(date),
                    Err(_) => problems.push(malformed(
                        comment.span,
                        &format!("`until={date}` is not a date (YYYY-MM-DD)"),
                    )),
                },
                None => reason.push(word),
            }
        }
        let reason = reason
            .join(" ")
            .trim_start_matches(['-', ':', '—'])
            .trim()
            .to_string();
        let at = source.line_col(comment.span.start);
        let line = if file_level {
            if !at_top(source, comment.span) {
                problems.push(malformed(
                    comment.span,
                    "`ignore-file` goes among the comments at the top of the file",
                ));
                continue;
            }
            None
        } else if standalone(source, comment.span) {
            Some(next_content_line(source, at.line))
        } else {
            Some(at.line)
        };
        out.push(Directive {
            span: comment.span,
            rules,
            reason,
            until,
            line,
        });
    }
    out
}

fn malformed(span: Span, why: &str) -> Diagnostic {
    Diagnostic::new(
        "invalid-suppression",
        Severity::Warning,
        span,
        format!("this suppression cannot be read: {why}"),
    )
    .with_label("here")
    .with_help("write `# entralint: ignore[rule-name] why it is acceptable until=YYYY-MM-DD`")
}

/// Whether a comment is alone on its line.
fn standalone(source: &SourceFile, span: Span) -> bool {
    let line = source.line_col(span.start).line;
    source.line_span(line).is_some_and(|l| {
        source.text[l.start as usize..span.start as usize]
            .trim()
            .is_empty()
    })
}

/// Whether only comments and blank lines come before this comment.
fn at_top(source: &SourceFile, span: Span) -> bool {
    source.text[..span.start as usize]
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#') || l.trim() == "---")
}

/// The first line after `line` that holds content rather than a comment.
fn next_content_line(source: &SourceFile, line: usize) -> usize {
    let mut next = line + 1;
    while let Some(span) = source.line_span(next) {
        let text = source.slice(span).trim();
        if !text.is_empty() && !text.starts_with('#') {
            return next;
        }
        next += 1;
    }
    next
}

/// Marks the findings a file's directives suppress, and reports directives that are expired,
/// unused, reasonless, not allowed, or name no known rule. `resolve` gives the rule a name stands
/// for: a renamed rule's former name suppresses it as its current name does.
pub fn apply(
    report: &mut FileReport,
    comments: &[Comment],
    config: &Config,
    resolve: &dyn Fn(&str) -> Option<String>,
) {
    let mut problems = Vec::new();
    let directives = directives(comments, &report.source, &mut problems);
    // Most files have no directive: their findings, sorted by the check, stay as they are.
    if directives.is_empty() && problems.is_empty() {
        return;
    }
    // Per directive, the rules its names stand for (None where a name is unknown).
    let resolved: Vec<Vec<Option<String>>> = directives
        .iter()
        .map(|d| d.rules.iter().map(|n| resolve(n)).collect())
        .collect();
    let today = chrono::Utc::now().date_naive();
    let mut used = vec![false; directives.len()];
    for (i, directive) in directives.iter().enumerate() {
        for (name, current) in directive.rules.iter().zip(&resolved[i]) {
            let Some(current) = current else {
                problems.push(
                    Diagnostic::new(
                        "invalid-suppression",
                        Severity::Warning,
                        directive.span,
                        format!("`{name}` is not a rule entralint knows"),
                    )
                    .with_label("unknown rule")
                    .with_help("`entralint rules` lists the rule names"),
                );
                continue;
            };
            if !config.allows_inline(current) {
                problems.push(
                    Diagnostic::new(
                        "suppression-not-allowed",
                        Severity::Warning,
                        directive.span,
                        format!("the configuration does not let inline comments suppress `{name}`"),
                    )
                    .with_label("not applied")
                    .with_help(
                        "fix the finding, or add an exception with a reason to the configuration",
                    ),
                );
            }
        }
        if directive.reason.is_empty() {
            problems.push(
                Diagnostic::new("suppression-without-reason", Severity::Warning, directive.span, "this suppression gives no reason")
                    .with_label("why is this acceptable?")
                    .with_help("say why after the rule list: `# entralint: ignore[rule] break-glass account, reviewed quarterly`"),
            );
        }
        if let Some(until) = directive.until
            && until < today
        {
            used[i] = true;
            problems.push(
                Diagnostic::new(
                    "expired-suppression",
                    Severity::Warning,
                    directive.span,
                    format!("this suppression expired on {until}; its findings are reported again"),
                )
                .with_label("expired")
                .with_help("fix the finding, or renew the suppression with a new `until` date"),
            );
        }
    }
    for finding in report.diagnostics.iter_mut().filter(|d| d.is_active()) {
        let line = report.source.line_col(finding.span.start).line;
        let found = directives.iter().enumerate().find(|(i, d)| {
            d.line.is_none_or(|l| l == line)
                && resolved[*i]
                    .iter()
                    .any(|r| r.as_deref() == Some(finding.code.as_str()))
                && config.allows_inline(&finding.code)
                && d.until.is_none_or(|until| until >= today)
        });
        if let Some((i, directive)) = found {
            used[i] = true;
            finding.suppression = Some(Suppression {
                kind: SuppressionKind::Inline,
                reason: directive.reason.clone(),
            });
        }
    }
    for ((directive, used), resolved) in directives.iter().zip(used).zip(&resolved) {
        let all_known = resolved
            .iter()
            .all(|r| r.as_deref().is_some_and(|r| config.allows_inline(r)));
        if !used && all_known {
            problems.push(
                Diagnostic::new(
                    "unused-suppression",
                    Severity::Warning,
                    directive.span,
                    format!(
                        "this suppression of `{}` suppresses nothing",
                        directive.rules.join(", ")
                    ),
                )
                .with_label("nothing to suppress here")
                .with_help(
                    "remove the comment: the finding it was for is gone, or it is on another line",
                ),
            );
        }
    }
    if !problems.is_empty() {
        report.diagnostics.extend(problems);
        report.sort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load;

    fn parse(text: &str) -> (Vec<Directive>, Vec<Diagnostic>) {
        let loaded = load::load("t.yaml", text.as_bytes());
        let mut problems = Vec::new();
        let found = directives(&loaded.document.comments, &loaded.source, &mut problems);
        (found, problems)
    }

    #[test]
    fn trailing_and_standalone_comments_cover_their_lines() {
        let (found, problems) = parse(
            "# entralint: ignore-file[a] generated\nx: 1 # entralint: ignore[b, c] known until=2030-01-01\n# entralint: ignore[d] above\n\ny: 2\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(found[0].line, None);
        assert_eq!(found[1].line, Some(2));
        assert_eq!(found[1].rules, ["b", "c"]);
        assert_eq!(found[1].reason, "known");
        assert_eq!(found[1].until, chrono::NaiveDate::from_ymd_opt(2030, 1, 1));
        assert_eq!(found[2].line, Some(5));
    }

    #[test]
    fn malformed_directives_are_reported() {
        let (found, problems) =
            parse("x: 1 # entralint: ignore rule\ny: 2 # entralint: ignore[a reason\n");
        assert!(found.is_empty());
        assert_eq!(problems.len(), 2);
    }
}
