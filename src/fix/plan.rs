//! From findings to the settings to set: which findings are fixed, with which declared fix, and
//! which fixes are unsafe.

use crate::diagnostic::Diagnostic;
use crate::model::other_spelling;
use crate::rules::RuleSet;
use crate::tree::Node;

use super::edit::SetOp;

/// One fix to make, and the findings (by rule) it answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub op: SetOp,
    pub rules: Vec<String>,
}

/// What the findings of one file ask for.
#[derive(Debug, Default)]
pub struct Plan {
    pub fixes: Vec<Planned>,
    /// Fixable findings left alone because their fix is unsafe (rule names).
    pub unsafe_skipped: Vec<String>,
}

/// Whether a rule's fix is unsafe: it changes another setting than the one the finding is about,
/// or it replaces a non-empty list or a mapping, throwing away entries the user wrote.
pub fn is_unsafe(rule_at: Option<&str>, set: &str, current: Option<&Node>) -> bool {
    let elsewhere = rule_at.is_some_and(|at| at != set);
    let discards = current.is_some_and(|node| match &node.value {
        crate::tree::Value::Seq(items) => !items.is_empty(),
        crate::tree::Value::Map(_) => true,
        _ => false,
    });
    elsewhere || discards
}

/// The fixes for the active (not suppressed, excepted or baselined) fixable findings.
pub fn plan(rules: &RuleSet, diagnostics: &[Diagnostic], root: &Node, allow_unsafe: bool) -> Plan {
    let mut plan = Plan::default();
    for diagnostic in diagnostics.iter().filter(|d| d.is_active() && d.fixable) {
        let Some(rule) = rules.get(&diagnostic.code) else {
            continue;
        };
        // Collection rules would need a path into the item; none declares a fix.
        let (Some(fix), None) = (&rule.file.fix, &rule.file.for_each) else {
            continue;
        };
        for set in spellings(&fix.set, root) {
            let path: Vec<String> = set.split('.').map(str::to_string).collect();
            let current = lookup(root, &path);
            if !allow_unsafe && is_unsafe(rule.file.at.as_deref(), &fix.set, current) {
                plan.unsafe_skipped.push(rule.name.clone());
                continue;
            }
            let op = SetOp {
                path,
                value: fix.value.clone(),
            };
            match plan.fixes.iter_mut().find(|p| p.op.path == op.path) {
                // The same setting twice: one edit. A different value waits for the next pass,
                // when the other finding may be gone.
                Some(existing) if existing.op.value == op.value => {
                    if !existing.rules.contains(&rule.name) {
                        existing.rules.push(rule.name.clone());
                    }
                }
                Some(_) => {}
                None => plan.fixes.push(Planned {
                    op,
                    rules: vec![rule.name.clone()],
                }),
            }
        }
    }
    plan.unsafe_skipped.sort();
    plan.unsafe_skipped.dedup();
    plan
}

/// The paths to set for a setting with two spellings: the ones the file declares, so that the
/// fix never leaves two spellings that disagree; the given one when neither is declared.
fn spellings(set: &str, root: &Node) -> Vec<String> {
    let Some(other) = other_spelling(set) else {
        return vec![set.to_string()];
    };
    let declared = |p: &str| {
        let path: Vec<String> = p.split('.').map(str::to_string).collect();
        lookup(root, &path).is_some()
    };
    let found: Vec<String> = [set, other]
        .into_iter()
        .filter(|p| declared(p))
        .map(str::to_string)
        .collect();
    if found.is_empty() {
        vec![set.to_string()]
    } else {
        found
    }
}

fn lookup<'a>(root: &'a Node, path: &[String]) -> Option<&'a Node> {
    path.iter().try_fold(root, |node, key| node.get(key))
}
