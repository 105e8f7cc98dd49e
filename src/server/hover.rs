//! Hover: on a setting, what it is, Entra's default for this tenant's kind, the value the rules
//! ask for and the baseline controls behind them; on a finding, its rule's explanation.

use std::fmt::Write as _;

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::keys::{self, ITEM};
use super::requests::Snapshot;
use crate::diagnostic::{Diagnostic, LOAD_CHECKS, Span};
use crate::load::tree::{Node, Value};
use crate::model::{TenantKind, defaults};
use crate::rules::{Rule, RuleSet};

pub fn hover(snapshot: &Snapshot, position: lsp_types::Position) -> Option<Hover> {
    let offset = snapshot.index.offset(position);
    let mut parts = Vec::new();
    let mut range = None;
    let rules = snapshot.context.rules.as_ref();
    let findings: Vec<&Diagnostic> = snapshot
        .findings()
        .filter(|d| covers(d.span, offset))
        .collect();
    match findings.as_slice() {
        [one] => parts.push(explain(one, rules)),
        // Findings on settings left to their defaults share the top of the file: one line each.
        [] => {}
        many => parts.push(
            many.iter()
                .map(|d| format!("- {}", brief(d, rules)))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
    if let Some(root) = snapshot.loaded.document.root.as_ref()
        && let Some((path, span)) = path_at(root, offset)
        && let Some(text) = setting(&path, kind(root), rules)
    {
        parts.push(text);
        range = Some(snapshot.index.range(span));
    }
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range,
    })
}

fn covers(span: Span, offset: u32) -> bool {
    span.start <= offset && offset <= span.end
}

/// The tenant kind the document declares; workforce when it does not.
pub fn kind(root: &Node) -> TenantKind {
    root.get("tenant")
        .and_then(|t| t.get("kind"))
        .and_then(Node::as_str)
        .and_then(TenantKind::parse)
        .unwrap_or(TenantKind::Workforce)
}

/// The key path at an offset: the key under it, or the key whose value is under it.
pub fn path_at(node: &Node, offset: u32) -> Option<(Vec<String>, Span)> {
    match &node.value {
        Value::Map(entries) => entries.iter().find_map(|entry| {
            let key = entry.key.as_str()?;
            let inner = path_at(&entry.value, offset).map(|(mut path, span)| {
                path.insert(0, key.to_string());
                (path, span)
            });
            inner.or_else(|| {
                let scalar = !matches!(entry.value.value, Value::Map(_) | Value::Seq(_));
                (covers(entry.key.span, offset) || scalar && covers(entry.value.span, offset))
                    .then(|| (vec![key.to_string()], entry.key.span))
            })
        }),
        Value::Seq(items) => items.iter().find_map(|item| {
            let (mut path, span) = path_at(item, offset)?;
            path.insert(0, ITEM.to_string());
            Some((path, span))
        }),
        _ => None,
    }
}

/// The rules that point at a setting or set it.
pub fn rules_for<'a>(rules: &'a RuleSet, dotted: &str) -> Vec<&'a Rule> {
    rules
        .rules
        .iter()
        .filter(|rule| {
            let at = rule.file.at.as_deref().map(|at| match rule.file.for_each {
                Some(collection) => format!("{}[].{at}", collection.key()),
                None => at.to_string(),
            });
            at.as_deref() == Some(dotted) || rule.file.fix.as_ref().is_some_and(|f| f.set == dotted)
        })
        .collect()
}

fn json(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What a setting is, as markdown.
pub fn setting(path: &[String], kind: TenantKind, rules: Option<&RuleSet>) -> Option<String> {
    let key = keys::key(path)?;
    let dotted = keys::dotted(path);
    let mut out = format!("**`{dotted}`** — {}", key.kind);
    // A description that only repeats the path says nothing more.
    let path_only = |d: &str| d.trim_end_matches('.').trim_matches('`') == dotted;
    if let Some(description) = key.description.as_deref().filter(|d| !path_only(d)) {
        let _ = write!(out, "\n\n{description}");
    }
    if let Some(entry) = defaults::default_for(&dotted) {
        let kind_name = match kind {
            TenantKind::Workforce => "a workforce tenant",
            TenantKind::External => "an external tenant",
        };
        let _ = write!(
            out,
            "\n\n**Entra's default** for {kind_name}, when the key is left out: `{}` ({})",
            json(entry.value(kind)),
            entry.source(kind)
        );
    }
    let related = rules.map(|r| rules_for(r, &dotted)).unwrap_or_default();
    let secure = related
        .iter()
        .find_map(|rule| Some((rule, rule.file.fix.as_ref().filter(|f| f.set == dotted)?)));
    if let Some((rule, fix)) = secure {
        let _ = write!(
            out,
            "\n\n**Secure value**: `{}` (what `{}` sets)",
            json(&fix.value),
            rule.name
        );
    }
    if let Some(rules) = rules.filter(|_| !related.is_empty()) {
        let _ = write!(out, "\n\n**Rules**:");
        let mut controls: Vec<String> = Vec::new();
        for rule in &related {
            let _ = write!(out, "\n- `{}` — {}", rule.name, rule.file.summary.trim());
            for control in rules.controls(rule) {
                if !controls.contains(&control) {
                    controls.push(control);
                }
            }
        }
        if !controls.is_empty() {
            let _ = write!(out, "\n\n**Controls**: {}", controls.join(", "));
        }
    }
    Some(out)
}

/// One line about a finding: its rule, what it catches and how to fix it.
fn brief(finding: &Diagnostic, rules: Option<&RuleSet>) -> String {
    let link = super::diagnostics::docs_link(&finding.code, rules)
        .map(|uri| format!("[{}]({})", finding.code, uri.as_str()))
        .unwrap_or_else(|| format!("`{}`", finding.code));
    match rules.and_then(|r| r.get(&finding.code)) {
        Some(rule) => format!(
            "{link} ({}): {} — {}",
            finding.severity,
            rule.file.summary.trim(),
            rule.file.help.trim()
        ),
        None => format!("{link} ({}): {}", finding.severity, finding.message),
    }
}

/// A finding's explanation: its rule's documentation, or what its load check reports.
fn explain(finding: &Diagnostic, rules: Option<&RuleSet>) -> String {
    let link = super::diagnostics::docs_link(&finding.code, rules)
        .map(|uri| format!("\n\n[Documentation]({})", uri.as_str()))
        .unwrap_or_default();
    if let Some(rule) = rules.and_then(|r| r.get(&finding.code)) {
        let file = &rule.file;
        let mut out = format!(
            "**{}** ({}): {}\n\n{}\n\n**How to fix**: {}",
            rule.name,
            finding.severity,
            file.summary.trim(),
            file.description().trim(),
            file.help.trim()
        );
        if !finding.controls.is_empty() {
            let _ = write!(out, "\n\n**Controls**: {}", finding.controls.join(", "));
        }
        out.push_str(&link);
        return out;
    }
    let what = LOAD_CHECKS
        .iter()
        .find(|(name, _)| *name == finding.code)
        .map_or("", |(_, what)| *what);
    let mut out = format!("**{}** ({}): {what}", finding.code, finding.severity);
    if let Some(help) = &finding.help {
        let _ = write!(out, "\n\n{help}");
    }
    out.push_str(&link);
    out
}
