//! `check --fix` and `check --diff`: the fixes rules declare, made as text edits at the span, so
//! comments, key order, quoting, indentation and line endings stay as the user wrote them.
//!
//! A file is checked, the active fixable findings become settings to set ([`plan`]), the
//! settings become non-overlapping text edits ([`edit`]), and the result is checked again; a
//! few passes run until nothing is left to fix. A pass whose result would not load is dropped.

pub mod diff;
pub mod edit;
pub mod plan;
pub mod terraform;

use crate::diagnostic::{Diagnostic, FileReport};
use crate::load::{self, decode::Encoding};
use crate::rules::RuleSet;
use crate::suppress::baseline::Baseline;
use std::io::Write as _;

use edit::Edit;

/// Passes before giving up on a file whose fixes keep changing it.
pub const MAX_PASSES: usize = 4;

/// What checks a fixed text again: the run's own checker, so a fix is judged by the same rules,
/// configuration and suppressions as the file it came from.
pub trait Recheck: std::fmt::Debug + Sync {
    /// The findings in one document held in memory; None when it is not a tenant document.
    fn check_text(&self, name: &str, bytes: &[u8]) -> Option<FileReport>;
    /// The rules whose fixes are made; None when only the files themselves are checked.
    fn rules(&self) -> Option<&RuleSet>;
    /// The findings in a Terraform module held in memory (its header and files, name and text),
    /// one report per file; None when the checker cannot check modules.
    fn check_module(
        &self,
        _name: &str,
        _texts: crate::load::terraform::module::Texts,
    ) -> Option<Vec<FileReport>> {
        None
    }
}

/// How fixes are made.
#[derive(Debug, Clone, Copy)]
pub struct Fixer<'a> {
    pub checker: &'a dyn Recheck,
    /// Findings this baseline holds are not fixed.
    pub baseline: Option<&'a Baseline>,
    /// Apply fixes that discard entries or change another setting than the finding's.
    pub allow_unsafe: bool,
}

/// One pass over a file: the text it started from and the edits it made to it.
#[derive(Debug, Clone)]
pub struct Pass {
    pub before: String,
    pub edits: Vec<Edit>,
}

/// What fixing one file did.
#[derive(Debug)]
pub struct Fixed {
    /// The fixed text (the original when nothing was fixed).
    pub text: String,
    pub passes: Vec<Pass>,
    /// Settings set, over all passes.
    pub fixes: usize,
    /// Fixable findings left alone because their fix is unsafe (rule names).
    pub unsafe_skipped: Vec<String>,
    /// Why the file was not fixed at all.
    pub blocked: Option<String>,
    /// Fixes that cannot be made as a text edit: the rule and why.
    pub not_editable: Vec<(String, &'static str)>,
    /// The findings in the fixed text.
    pub report: FileReport,
}

/// Load checks after which the tree may not say what the text does: such a file is not edited.
const BLOCKING: &[&str] = &[
    "syntax-error",
    "duplicate-key",
    "unknown-key",
    "missing-key",
    "wrong-type",
    "invalid-value",
    "unknown-role",
    "conflicting-consent-lists",
    "multiple-documents",
    "invalid-encoding",
    "invalid-extends",
    "too-many-nodes",
    "nesting-too-deep",
    "file-too-large",
    "unreadable-file",
];

pub fn load_error(report: &FileReport) -> Option<&Diagnostic> {
    report
        .diagnostics
        .iter()
        .find(|d| BLOCKING.contains(&d.code.as_str()))
}

/// The findings in `text`, after suppressions and the baseline.
fn checked(name: &str, text: &str, fixer: &Fixer) -> Option<FileReport> {
    let mut report = fixer.checker.check_text(name, text.as_bytes())?;
    if let Some(baseline) = fixer.baseline {
        baseline.apply(std::slice::from_mut(&mut report), fixer.checker.rules());
    }
    Some(report)
}

/// Fixes one document held in memory. None when it is not a tenant document, or is a Terraform
/// file: those are fixed with their module ([`terraform`]), not one buffer at a time.
pub fn fix_source(name: &str, text: &str, fixer: &Fixer) -> Option<Fixed> {
    if load::terraform::is_terraform(name) {
        return None;
    }
    let report = checked(name, text, fixer)?;
    Some(fix_checked(name, text, report, fixer))
}

/// [`fix_source`] for a text whose findings are known already.
fn fix_checked(name: &str, text: &str, mut report: FileReport, fixer: &Fixer) -> Fixed {
    let mut fixed = Fixed {
        text: text.to_string(),
        passes: Vec::new(),
        fixes: 0,
        unsafe_skipped: Vec::new(),
        blocked: None,
        not_editable: Vec::new(),
        report: FileReport {
            source: report.source.clone(),
            diagnostics: Vec::new(),
        },
    };
    let Some(rules) = fixer.checker.rules() else {
        fixed.report = report;
        return fixed;
    };
    if let Some(error) = load_error(&report) {
        fixed.blocked = Some(format!("it does not load cleanly ({})", error.code));
        fixed.report = report;
        return fixed;
    }
    while fixed.passes.len() < MAX_PASSES {
        let loaded = load::load(name, fixed.text.as_bytes());
        let Some(root) = loaded.document.root.as_ref() else {
            break;
        };
        let plan = plan::plan(rules, &report.diagnostics, root, fixer.allow_unsafe);
        fixed.unsafe_skipped = plan.unsafe_skipped;
        if plan.fixes.is_empty() {
            break;
        }
        let ops: Vec<edit::SetOp> = plan.fixes.iter().map(|p| p.op.clone()).collect();
        let edit::EditPlan {
            edits: planned,
            blocked,
        } = edit::plan_edits(&fixed.text, root, &ops);
        fixed.not_editable = blocked
            .iter()
            .flat_map(|&(i, why)| {
                plan.fixes[i]
                    .rules
                    .iter()
                    .map(move |r| (r.clone(), why.reason()))
            })
            .collect();
        let edits: Vec<Edit> = planned.iter().map(|(e, _)| e.clone()).collect();
        let (text, taken) = edit::apply(&fixed.text, &edits);
        if taken.is_empty() || text == fixed.text {
            break;
        }
        let Some(next) = checked(name, &text, fixer) else {
            break;
        };
        if load_error(&next).is_some() {
            // Never write a file that no longer loads; what was fixed so far stands.
            fixed.blocked =
                Some("a further fix would not load cleanly and was not made".to_string());
            break;
        }
        fixed.fixes += taken.iter().map(|&i| planned[i].1.len()).sum::<usize>();
        fixed.passes.push(Pass {
            before: std::mem::replace(&mut fixed.text, text),
            edits: taken.iter().map(|&i| edits[i].clone()).collect(),
        });
        report = next;
    }
    fixed.report = report;
    fixed
}

/// The bytes to write for `text` in the encoding the file was read in.
pub fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        Encoding::Utf16Le => [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
        Encoding::Utf16Be => [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
    }
}

/// Whether `check --fix` writes the files or `--diff` prints what it would write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Diff,
}

/// What a `--fix` or `--diff` run did over all files.
#[derive(Debug, Default)]
pub struct Summary {
    pub fixes: usize,
    pub files: usize,
    pub unsafe_skipped: usize,
    /// Files left alone, and why.
    pub blocked: Vec<(String, String)>,
    /// Fixes that cannot be made as a text edit: the file, the rule and why (for a Terraform
    /// module, what to change and where).
    pub not_editable: Vec<(String, String, String)>,
    /// Active findings left in the files that were fixed.
    pub remaining: usize,
    /// The diffs, in file order (`--diff`).
    pub diff: String,
    /// The files fixed (or that `--diff` would change).
    pub changed: Vec<String>,
    /// Files changed that other tenants extend, and those tenants: the change reaches each.
    pub reaches: Vec<(String, Vec<String>)>,
}

/// Fixes every file of a run that has an active fixable finding (in parallel), replacing its
/// report with the findings that remain. Files are read back from disk so that their encoding is kept; a file
/// whose content changed since it was checked is left alone.
pub fn run(files: &mut [FileReport], fixer: &Fixer, mode: Mode) -> Summary {
    use rayon::prelude::*;
    // A Terraform module is fixed whole (its files and header together, its local child modules'
    // files too), one module at a time: the modules are claimed again from the files reported,
    // as `check` claimed them, so that a child's files go with the module that calls it.
    let mut candidates: Vec<crate::discover::Candidate> = Vec::new();
    for report in files.iter() {
        if let Some(path) = terraform::module_of(&report.source.name)
            && !candidates.iter().any(|c| c.path == path)
        {
            candidates.push(crate::discover::Candidate {
                path,
                explicit: true,
            });
        }
    }
    let mut modules: Vec<(std::path::PathBuf, Vec<usize>)> = Vec::new();
    for module in load::terraform::module::claim(&mut candidates) {
        let names = module.names();
        let members: Vec<usize> = (0..files.len())
            .filter(|&i| names.contains(&files[i].source.name))
            .collect();
        if !members.is_empty() {
            modules.push((crate::escape::to_path(module.first_name()), members));
        }
    }
    let mut per_file: Vec<Summary> = Vec::new();
    for (anchor, members) in &modules {
        let mut reports: Vec<FileReport> = members
            .iter()
            .map(|&i| {
                let empty = FileReport {
                    source: files[i].source.clone(),
                    diagnostics: Vec::new(),
                };
                std::mem::replace(&mut files[i], empty)
            })
            .collect();
        per_file.push(terraform::fix_module(anchor, &mut reports, fixer, mode));
        for (&i, report) in members.iter().zip(reports) {
            files[i] = report;
        }
    }
    let in_module: std::collections::HashSet<usize> = modules
        .iter()
        .flat_map(|(_, m)| m.iter().copied())
        .collect();
    per_file.extend(
        files
            .par_iter_mut()
            .enumerate()
            .filter(|(i, _)| !in_module.contains(i))
            .map(|(_, report)| fix_file(report, fixer, mode))
            .collect::<Vec<_>>(),
    );
    let mut summary = Summary::default();
    for one in per_file {
        summary.fixes += one.fixes;
        summary.files += one.files;
        summary.unsafe_skipped += one.unsafe_skipped;
        summary.blocked.extend(one.blocked);
        summary.not_editable.extend(one.not_editable);
        summary.diff.push_str(&one.diff);
        summary.changed.extend(one.changed);
    }
    summary.remaining = files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .filter(|d| d.is_active())
        .count();
    summary
}

/// [`run`] for one file.
fn fix_file(report: &mut FileReport, fixer: &Fixer, mode: Mode) -> Summary {
    let mut summary = Summary::default();
    if !report
        .diagnostics
        .iter()
        .any(|d| d.is_active() && d.fixable)
    {
        return summary;
    }
    let name = report.source.name.clone();
    let path = crate::escape::to_path(&name);
    let (encoding, on_disk) = match mode {
        Mode::Diff => (Encoding::Utf8, Vec::new()),
        Mode::Write => match read_as_checked(&path, &report.source.text) {
            Ok(read) => read,
            Err(reason) => {
                summary.blocked.push((name, reason));
                return summary;
            }
        },
    };
    let text = report.source.text.clone();
    let known = FileReport {
        source: report.source.clone(),
        diagnostics: report.diagnostics.clone(),
    };
    let fixed = fix_checked(&name, &text, known, fixer);
    summary.unsafe_skipped = fixed.unsafe_skipped.len();
    if let Some(reason) = &fixed.blocked {
        summary.blocked.push((name.clone(), reason.clone()));
    }
    summary.not_editable = fixed
        .not_editable
        .iter()
        .map(|(rule, why)| (name.clone(), rule.clone(), why.to_string()))
        .collect();
    if fixed.text != text {
        match mode {
            Mode::Diff => summary.diff = diff::unified(&name, &text, &fixed.text),
            Mode::Write => {
                let options = crate::write::Options {
                    expect: Some(&on_disk),
                    ..Default::default()
                };
                let bytes = encode(&fixed.text, encoding);
                if let Err(err) = crate::write::write(&path, options, |f| f.write_all(&bytes)) {
                    summary
                        .blocked
                        .push((name, format!("cannot write the fixed file: {err}")));
                    return summary;
                }
            }
        }
        summary.fixes = fixed.fixes;
        summary.files = 1;
        summary.changed.push(name.clone());
    }
    *report = fixed.report;
    summary
}

/// The file's encoding and bytes, when its content is still what was checked; the writer checks
/// again that the bytes are unchanged just before it replaces the file.
pub(crate) fn read_as_checked(
    path: &std::path::Path,
    checked_text: &str,
) -> Result<(Encoding, Vec<u8>), String> {
    let bytes = crate::read::read(path, crate::read::Kind::Tenant)
        .map_err(|err| format!("cannot read it again: {err}"))?;
    match load::decode::decode(&bytes) {
        Ok((text, encoding)) if text == checked_text => Ok((encoding, bytes)),
        _ => Err("it changed while it was being checked".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_trip() {
        for encoding in [
            Encoding::Utf8,
            Encoding::Utf8Bom,
            Encoding::Utf16Le,
            Encoding::Utf16Be,
        ] {
            let text = "a: é\r\n";
            let bytes = encode(text, encoding);
            assert_eq!(
                load::decode::decode(&bytes).unwrap(),
                (text.to_string(), encoding)
            );
        }
    }
}
