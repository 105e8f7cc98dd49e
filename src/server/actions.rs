//! Code actions: each fix a rule declares, as a quick fix for its finding; "suppress this
//! finding here", an inline comment with a reason to fill in; and every safe fix of the file at
//! once, as `check --fix` would make them.

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};

use super::diagnostics;
use super::requests::Snapshot;
use crate::check::Checker;
use crate::diagnostic::{Diagnostic, Span};
use crate::fix::{self, Fixer, edit, plan};
use crate::load::tree::Node;

/// What a suppression comment says until its author gives the reason.
pub const REASON_PLACEHOLDER: &str = "<why this is acceptable>";

/// The kind of the action that makes every safe fix of a file.
pub const FIX_ALL: &str = "source.fixAll.entralint";

pub fn code_actions(
    snapshot: &Snapshot,
    range: Range,
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeActionOrCommand> {
    let wants = |kind: &CodeActionKind| {
        only.is_none_or(|only| {
            only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            })
        })
    };
    let start = snapshot.index.offset(range.start);
    let end = snapshot.index.offset(range.end);
    let mut actions = Vec::new();
    let under: Vec<&Diagnostic> = snapshot
        .findings()
        .filter(|d| d.span.start <= end && start <= d.span.end)
        .collect();
    if wants(&CodeActionKind::QUICKFIX) {
        for finding in &under {
            if let Some(action) = quick_fix(snapshot, finding) {
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
        }
        for finding in &under {
            if let Some(action) = suppress(snapshot, finding) {
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
        }
    }
    if wants(&CodeActionKind::from(FIX_ALL))
        && snapshot.findings().any(|d| d.fixable)
        && let Some(action) = fix_all(snapshot)
    {
        actions.push(CodeActionOrCommand::CodeAction(action));
    }
    actions
}

fn edit_of(snapshot: &Snapshot, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(snapshot.uri.clone(), edits)])),
        ..Default::default()
    }
}

fn lookup<'a>(root: &'a Node, dotted: &str) -> Option<&'a Node> {
    dotted.split('.').try_fold(root, |node, key| node.get(key))
}

/// The fix the finding's rule declares, as edits to this document.
fn quick_fix(snapshot: &Snapshot, finding: &Diagnostic) -> Option<CodeAction> {
    // A `.tf` file is fixed by `check --fix` with its whole module, not as one buffer.
    if !finding.fixable || snapshot.loaded.terraform {
        return None;
    }
    let rules = snapshot.context.rules.as_ref()?;
    let report = snapshot.report()?;
    // As `check --fix`: a file whose tree may not say what its text does is not edited.
    if fix::load_error(report).is_some() {
        return None;
    }
    let rule = rules.get(&finding.code)?;
    let declared = rule.file.fix.as_ref()?;
    let root = snapshot.loaded.document.root.as_ref()?;
    let mut active = finding.clone();
    active.suppression = None;
    let planned = plan::plan(rules, std::slice::from_ref(&active), root, true);
    let ops: Vec<edit::SetOp> = planned.fixes.iter().map(|p| p.op.clone()).collect();
    if ops.is_empty() {
        return None;
    }
    let risky = plan::is_unsafe(
        rule.file.at.as_deref(),
        &declared.set,
        lookup(root, &declared.set),
    );
    let edits = edit::plan_edits(&snapshot.loaded.source.text, root, &ops).edits;
    if edits.is_empty() {
        return None;
    }
    let text_edits = edits
        .iter()
        .map(|(e, _)| TextEdit::new(snapshot.index.range(e.span), e.text.clone()))
        .collect();
    let value = match &declared.value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut title = format!("Set `{}` to `{value}` ({})", declared.set, rule.name);
    if risky {
        title.push_str(" — unsafe: discards entries or changes another setting");
    }
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![lsp(snapshot, finding)]),
        edit: Some(edit_of(snapshot, text_edits)),
        is_preferred: Some(!risky),
        ..Default::default()
    })
}

fn lsp(snapshot: &Snapshot, finding: &Diagnostic) -> lsp_types::Diagnostic {
    diagnostics::one(
        finding,
        &snapshot.index,
        &snapshot.uri,
        snapshot.context.rules.as_ref(),
    )
}

/// An `# entralint: ignore[rule]` comment on its own line above the finding.
fn suppress(snapshot: &Snapshot, finding: &Diagnostic) -> Option<CodeAction> {
    // JSON has no comments; YAML and PowerShell have `#`.
    if snapshot.name.to_ascii_lowercase().ends_with(".json") {
        return None;
    }
    let code = finding.code.as_str();
    let is_rule = snapshot
        .context
        .rules
        .as_ref()
        .is_some_and(|r| r.get(code).is_some());
    let is_load_check = crate::diagnostic::LOAD_CHECKS
        .iter()
        .any(|(n, _)| *n == code);
    let about_suppressions = code.contains("suppression");
    if !(is_rule || is_load_check)
        || about_suppressions
        || !snapshot.context.config.allows_inline(code)
    {
        return None;
    }
    let at = snapshot.index.position(finding.span.start);
    let line = snapshot.index.line(at.line as usize)?;
    let indent: String = line
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let newline = if line.ends_with("\r\n") { "\r\n" } else { "\n" };
    let text = format!("{indent}# entralint: ignore[{code}] {REASON_PLACEHOLDER}{newline}");
    let start = lsp_types::Position::new(at.line, 0);
    Some(CodeAction {
        title: format!("Suppress `{code}` here (an inline comment; give the reason)"),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![lsp(snapshot, finding)]),
        edit: Some(edit_of(
            snapshot,
            vec![TextEdit::new(Range::new(start, start), text)],
        )),
        ..Default::default()
    })
}

/// Every safe fix of the file, over as many passes as `check --fix` makes.
fn fix_all(snapshot: &Snapshot) -> Option<CodeAction> {
    let context = &snapshot.context;
    let checker = Checker {
        rules: context.rules.as_ref(),
        config: &context.config,
    };
    let fixer = Fixer {
        checker: &checker,
        baseline: context.baseline.as_ref(),
        allow_unsafe: false,
    };
    let text = &snapshot.loaded.source.text;
    let fixed = fix::fix_source(&snapshot.name, text, &fixer)?;
    if fixed.fixes == 0 || fixed.text == *text {
        return None;
    }
    let whole = Span::new(0, text.len());
    Some(CodeAction {
        title: format!(
            "Fix {} setting{} (entralint)",
            fixed.fixes,
            if fixed.fixes == 1 { "" } else { "s" }
        ),
        kind: Some(CodeActionKind::from(FIX_ALL)),
        edit: Some(edit_of(
            snapshot,
            vec![TextEdit::new(snapshot.index.range(whole), fixed.text)],
        )),
        ..Default::default()
    })
}
