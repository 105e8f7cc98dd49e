//! `check --fix` and `--diff` on a Terraform module. The module is fixed as one, as it is checked:
//! its findings are planned against the tenant the module describes, and each setting is made
//! where the module writes it. A value written as a literal (an argument, or a key of a
//! `msgraph_*` body) is replaced in place; a missing key of a `msgraph_*` body object is inserted
//! with its siblings' indentation; the `tenant.yaml` header is edited as any tenant file. A value
//! written as an expression (a variable, a reference, an interpolation) is not touched: the
//! change is reported as a suggestion naming the place, since the same expression may feed
//! other settings. Every edited file is parsed again, and each setting read back from the module
//! with its new value, before anything is written.

use std::path::{Path, PathBuf};

use hcl_edit::expr::Expression;
use serde_json::Value as Json;

use super::edit::{self, Edit, SetOp};
use super::{Fixer, MAX_PASSES, Mode, Summary, diff, encode, load_error, plan, read_as_checked};
use crate::diagnostic::{FileReport, Span};
use crate::discover::Candidate;
use crate::load::graph::folder::HEADER_NAMES;
use crate::load::terraform::{self, module};
use crate::tree::{Node, Value};

/// The module a report's file belongs to, when it is fixed with a module: a `.tf` or `.tf.json`
/// file, or the `tenant.yaml` header beside such files. Returns a Terraform file of the module.
pub fn module_of(name: &str) -> Option<PathBuf> {
    let path = crate::escape::to_path(name);
    let file = path.file_name()?.to_str()?;
    if terraform::is_terraform(file) {
        return Some(path);
    }
    if !HEADER_NAMES.contains(&file) {
        return None;
    }
    let folder = path.parent().unwrap_or(Path::new(""));
    let listed = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let mut found: Vec<PathBuf> = std::fs::read_dir(listed)
        .ok()?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            (terraform::is_terraform(&name) && e.path().is_file()).then(|| folder.join(name))
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

/// One file of the module: its report name and text, and whether it is the YAML header.
#[derive(Debug, Clone)]
struct Member {
    name: String,
    text: String,
    header: bool,
}

/// Where one setting is made.
enum Target {
    /// An edit to the member at this index.
    Edit(usize, Edit),
    /// A key (under new objects for `keys` before the last) inserted into the member at this
    /// index, at this offset, with this indentation; keys for one place are written together.
    Insert {
        member: usize,
        at: usize,
        indent: String,
        keys: Vec<String>,
        value: String,
    },
    /// Made in the YAML header by the tenant-file editor.
    Header,
    /// Not made: what to change, and where, for the user to do.
    Suggest(String),
}

/// Fixes the module whose root's first file is `anchor`, given `reports` (every report of the
/// run that belongs to it, its child modules' files included), replacing them with the findings
/// that remain.
pub fn fix_module(anchor: &Path, reports: &mut [FileReport], fixer: &Fixer, mode: Mode) -> Summary {
    let mut summary = Summary::default();
    if !reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| d.is_active() && d.fixable)
    {
        return summary;
    }
    let Some(rules) = fixer.checker.rules() else {
        return summary;
    };
    let Some((name, members, texts)) = read_module(anchor, reports, &mut summary) else {
        return summary;
    };
    let run = Run {
        fixer,
        rules,
        name,
        texts,
    };
    let Some((fixed, latest)) = run.fix(members.clone(), &mut summary) else {
        return summary;
    };
    write_out(&members, &fixed, mode, &mut summary);
    summary.blocked.sort();
    summary.blocked.dedup();
    // The run's reports become the module's findings after the fixes, file by file.
    for new in latest {
        if let Some(report) = reports
            .iter_mut()
            .find(|r| r.source.name == new.source.name)
        {
            *report = new;
        }
    }
    summary
}

/// The module's folder name and files, read again from disk; None (with the reason in
/// `summary` when there is one) when they are not what was checked.
fn read_module(
    anchor: &Path,
    reports: &[FileReport],
    summary: &mut Summary,
) -> Option<(String, Vec<Member>, module::Texts)> {
    let mut candidates = vec![Candidate {
        path: anchor.to_path_buf(),
        explicit: true,
    }];
    let found = module::claim(&mut candidates).into_iter().next()?;
    let name = found.root.display().to_string();
    let texts = found.into_texts();
    let members: Vec<Member> = texts
        .header
        .clone()
        .into_iter()
        .map(|(name, text)| Member {
            name,
            text,
            header: true,
        })
        .chain(texts.files.iter().cloned().map(|(name, text)| Member {
            name,
            text,
            header: false,
        }))
        .collect();
    for report in reports {
        let same = members
            .iter()
            .any(|m| m.name == report.source.name && m.text == report.source.text);
        if !same {
            summary.blocked.push((
                report.source.name.clone(),
                "it changed while it was being checked".to_string(),
            ));
            return None;
        }
    }
    Some((name, members, texts))
}

/// One module being fixed.
struct Run<'a> {
    fixer: &'a Fixer<'a>,
    rules: &'a crate::rules::RuleSet,
    /// The module's folder, as reports and suggestions name it.
    name: String,
    /// The module as read, whose folders the edited texts keep.
    texts: module::Texts,
}

/// The edits of one pass, per member: each with the fixes (indices into the plan) it makes.
type MemberEdits = Vec<Vec<(Edit, Vec<usize>)>>;

/// A suggestion: the file, the rule and what to change where.
type Suggestion = (String, String, String);

impl Run<'_> {
    /// The module with the members' texts, in the folders it was read from.
    fn parts(&self, members: &[Member]) -> module::Texts {
        let mut texts = self.texts.clone();
        texts.header = members
            .iter()
            .find(|m| m.header)
            .map(|m| (m.name.clone(), m.text.clone()));
        texts.files = members
            .iter()
            .filter(|m| !m.header)
            .map(|m| (m.name.clone(), m.text.clone()))
            .collect();
        texts
    }

    /// The findings in the module's files as they are in memory.
    fn recheck(&self, members: &[Member]) -> Option<Vec<FileReport>> {
        let mut reports = self
            .fixer
            .checker
            .check_module(&self.name, self.parts(members))?;
        if let Some(baseline) = self.fixer.baseline {
            baseline.apply(&mut reports, self.fixer.checker.rules());
        }
        Some(reports)
    }

    /// Passes until nothing is left to fix: the fixed files and their findings.
    fn fix(
        &self,
        mut current: Vec<Member>,
        summary: &mut Summary,
    ) -> Option<(Vec<Member>, Vec<FileReport>)> {
        let mut latest = self.recheck(&current)?;
        if let Some(error) = latest.iter().find_map(load_error) {
            let reason = format!("it does not load cleanly ({})", error.code);
            summary.blocked.push((self.name.clone(), reason));
            return None;
        }
        for _ in 0..MAX_PASSES {
            let diagnostics: Vec<_> = latest
                .iter()
                .flat_map(|r| r.diagnostics.iter().cloned())
                .collect();
            let Some((next, made)) = self.pass(&current, &diagnostics, summary) else {
                break;
            };
            let Some(reports) = self.recheck(&next) else {
                break;
            };
            if reports.iter().any(|r| load_error(r).is_some()) {
                summary.blocked.push((
                    self.name.clone(),
                    "a further fix would not load cleanly and was not made".to_string(),
                ));
                break;
            }
            summary.fixes += made;
            current = next;
            latest = reports;
        }
        Some((current, latest))
    }

    /// One pass: the fixes the findings ask for, made where the module writes them and read
    /// back. The new texts and the number of settings made; None when nothing was made.
    fn pass(
        &self,
        current: &[Member],
        diagnostics: &[crate::diagnostic::Diagnostic],
        summary: &mut Summary,
    ) -> Option<(Vec<Member>, usize)> {
        let (loaded, layout) = module::combine_texts(&self.name, self.parts(current));
        let tree = loaded.document.root.as_ref()?;
        let planned = plan::plan(self.rules, diagnostics, tree, self.fixer.allow_unsafe);
        summary.unsafe_skipped = planned.unsafe_skipped.len();
        let bases: Vec<usize> = current
            .iter()
            .map(|m| layout.base_of(&m.name).unwrap_or(usize::MAX))
            .collect();
        let view = View {
            text: &loaded.source.text,
            members: current,
            bases: &bases,
        };
        let mut suggestions = Vec::new();
        let edits = self.edits(&view, tree, &planned.fixes, &mut suggestions);
        let (mut next, mut made, broken) = apply_all(current, &edits, |_| true);
        // Each setting read back from the edited module: an edit that does not give the value
        // the rule asks for (the provider writes it another way) is not made.
        let misread = self.misread(&next, &planned.fixes, &made);
        if !misread.is_empty() {
            for &i in &misread {
                let op = &planned.fixes[i].op;
                let why = format!(
                    "an edit would not read back as `{}` = {}; set it by hand",
                    op.path.join("."),
                    op.value
                );
                for rule in &planned.fixes[i].rules {
                    suggestions.push((self.name.clone(), rule.clone(), why.clone()));
                }
            }
            // An insertion of several keys is kept only when all of them read back.
            (next, made, _) = apply_all(current, &edits, |ops| {
                ops.iter().all(|i| !misread.contains(i))
            });
        }
        summary.blocked.extend(broken);
        summary.not_editable = suggestions;
        (!made.is_empty()).then_some((next, made.len()))
    }

    /// The edits that make `fixes`, per member; what cannot be made goes to `suggestions`.
    fn edits(
        &self,
        view: &View,
        tree: &Node,
        fixes: &[plan::Planned],
        suggestions: &mut Vec<Suggestion>,
    ) -> MemberEdits {
        let mut edits: MemberEdits = vec![Vec::new(); view.members.len()];
        let mut header_ops: Vec<usize> = Vec::new();
        let mut inserts: Vec<Insertion> = Vec::new();
        for (index, fix) in fixes.iter().enumerate() {
            match target(view, tree, &fix.op) {
                Target::Edit(member, edit) => edits[member].push((edit, vec![index])),
                Target::Insert {
                    member,
                    at,
                    indent,
                    keys,
                    value,
                } => match inserts
                    .iter_mut()
                    .find(|i| i.member == member && i.at == at)
                {
                    Some(i) => i.keys.push((keys, value, index)),
                    None => inserts.push(Insertion {
                        member,
                        at,
                        indent,
                        keys: vec![(keys, value, index)],
                    }),
                },
                Target::Header => header_ops.push(index),
                Target::Suggest(why) => {
                    for rule in &fix.rules {
                        suggestions.push((self.name.clone(), rule.clone(), why.clone()));
                    }
                }
            }
        }
        for insertion in inserts {
            let member = &view.members[insertion.member];
            let newline = if member.text.contains("\r\n") {
                "\r\n"
            } else {
                "\n"
            };
            let entries: Vec<(&[String], &str)> = insertion
                .keys
                .iter()
                .map(|(k, v, _)| (k.as_slice(), v.as_str()))
                .collect();
            edits[insertion.member].push((
                Edit {
                    span: Span::new(insertion.at, insertion.at),
                    text: attributes(&entries, &insertion.indent, newline),
                },
                insertion.keys.iter().map(|(_, _, i)| *i).collect(),
            ));
        }
        if let Some(h) = view.members.iter().position(|m| m.header)
            && !header_ops.is_empty()
        {
            header_edits(
                &view.members[h],
                &header_ops,
                fixes,
                &mut edits[h],
                suggestions,
            );
        }
        edits
    }

    /// The fixes among `made` whose setting does not read back from `next` with its value.
    fn misread(&self, next: &[Member], fixes: &[plan::Planned], made: &[usize]) -> Vec<usize> {
        let (reread, _) = module::combine_texts(&self.name, self.parts(next));
        made.iter()
            .copied()
            .filter(|&i| {
                let op = &fixes[i].op;
                reread
                    .document
                    .root
                    .as_ref()
                    .and_then(|r| lookup(r, &op.path))
                    .map(json)
                    != Some(op.value.clone())
            })
            .collect()
    }
}

/// The header's edits, made by the tenant-file editor, for the fixes `ops` (indices into
/// `fixes`).
fn header_edits(
    header: &Member,
    ops: &[usize],
    fixes: &[plan::Planned],
    edits: &mut Vec<(Edit, Vec<usize>)>,
    suggestions: &mut Vec<Suggestion>,
) {
    let parsed = crate::load::yaml::parse(&header.text);
    let mut suggest = |i: usize, why: String| {
        for rule in &fixes[i].rules {
            suggestions.push((header.name.clone(), rule.clone(), why.clone()));
        }
    };
    let Some(root) = parsed.document.root.as_ref() else {
        for &i in ops {
            let path = fixes[i].op.path.join(".");
            suggest(i, format!("the header holds no mapping to add `{path}` to"));
        }
        return;
    };
    let set: Vec<SetOp> = ops.iter().map(|&i| fixes[i].op.clone()).collect();
    let plan = edit::plan_edits(&header.text, root, &set);
    for (e, made) in plan.edits {
        edits.push((e, made.iter().map(|&i| ops[i]).collect()));
    }
    for (i, why) in plan.blocked {
        suggest(ops[i], why.reason().to_string());
    }
}

/// The members with their edits applied (those `keep` accepts by the fixes they make), the
/// fixes made, and the files left as they were because the result would not parse.
fn apply_all(
    current: &[Member],
    edits: &MemberEdits,
    keep: impl Fn(&[usize]) -> bool,
) -> (Vec<Member>, Vec<usize>, Vec<(String, String)>) {
    let mut next = current.to_vec();
    let mut made = Vec::new();
    let mut broken = Vec::new();
    for (m, member_edits) in edits.iter().enumerate() {
        let kept: Vec<&(Edit, Vec<usize>)> =
            member_edits.iter().filter(|(_, ops)| keep(ops)).collect();
        if kept.is_empty() {
            continue;
        }
        let only: Vec<Edit> = kept.iter().map(|(e, _)| e.clone()).collect();
        let (text, taken) = edit::apply(&current[m].text, &only);
        if let Some(problem) = parses(&current[m], &text) {
            let reason = format!("the fixed file would not parse ({problem}); it was not changed");
            broken.push((current[m].name.clone(), reason));
            continue;
        }
        next[m].text = text;
        made.extend(taken.iter().flat_map(|&t| kept[t].1.iter().copied()));
    }
    (next, made, broken)
}

/// Writes (or, for `--diff`, shows) each file the fixes changed.
fn write_out(original: &[Member], fixed: &[Member], mode: Mode, summary: &mut Summary) {
    for (before, after) in original.iter().zip(fixed) {
        if before.text == after.text {
            continue;
        }
        match mode {
            Mode::Diff => {
                let diff = diff::unified(&after.name, &before.text, &after.text);
                summary.diff.push_str(&diff);
            }
            Mode::Write => {
                let path = crate::escape::to_path(&after.name);
                let written = read_as_checked(&path, &before.text).and_then(|(encoding, bytes)| {
                    let options = crate::write::Options {
                        expect: Some(&bytes),
                        ..Default::default()
                    };
                    let out = encode(&after.text, encoding);
                    crate::write::write(&path, options, |f| std::io::Write::write_all(f, &out))
                        .map_err(|err| format!("cannot write the fixed file: {err}"))
                });
                if let Err(reason) = written {
                    summary.blocked.push((after.name.clone(), reason));
                    continue;
                }
            }
        }
        summary.files += 1;
        summary.changed.push(after.name.clone());
    }
}

/// Why an edited file no longer reads as its format, if it does not.
fn parses(member: &Member, text: &str) -> Option<String> {
    if member.header {
        let parsed = crate::load::yaml::parse(text);
        return parsed
            .diagnostics
            .iter()
            .find(|d| d.severity == crate::diagnostic::Severity::Error)
            .map(|d| d.message.clone());
    }
    if member.name.to_ascii_lowercase().ends_with(".json") {
        return serde_json::from_str::<Json>(text)
            .err()
            .map(|e| e.to_string());
    }
    hcl_edit::parser::parse_body(text)
        .err()
        .map(|e| e.to_string())
}

/// The module's files laid end to end, as the tree's spans see them.
struct View<'a> {
    text: &'a str,
    members: &'a [Member],
    /// Where each member starts in `text`.
    bases: &'a [usize],
}

impl View<'_> {
    /// The member an offset of the combined text falls in.
    fn member_at(&self, at: usize) -> Option<usize> {
        (0..self.members.len()).find(|&i| {
            let base = self.bases[i];
            base != usize::MAX && at >= base && at < base + self.members[i].text.len().max(1)
        })
    }
}

/// Where and how the setting `op` is made.
fn target(view: &View, tree: &Node, op: &SetOp) -> Target {
    let (text, members, bases) = (view.text, view.members, view.bases);
    let dotted = op.path.join(".");
    let mut node = tree;
    let mut key: Option<&Node> = None;
    for (depth, segment) in op.path.iter().enumerate() {
        let Some(entry) = node.entry(segment) else {
            return missing(view, node, key, &op.path[depth..], op);
        };
        key = Some(&entry.key);
        node = &entry.value;
    }
    let Some(key) = key else {
        return Target::Suggest(format!("set `{dotted}` to {}", op.value));
    };
    let at = node.span.start as usize;
    let Some(m) = view.member_at(at).filter(|_| !node.span.is_empty()) else {
        return Target::Suggest(format!(
            "set `{dotted}` to {}: the module does not write it in one place",
            op.value
        ));
    };
    let member = &members[m];
    if member.header {
        return Target::Header;
    }
    let place = place(member, bases[m], at);
    let (start, end) = (node.span.start as usize, node.span.end as usize);
    let written = text.get(start..end).unwrap_or_default();
    // The value must be written at its own key (`key = value`), not reached through a variable
    // whose default sits elsewhere.
    let between = text
        .get(key.span.end as usize..start)
        .unwrap_or("?")
        .trim_matches(|c: char| c.is_whitespace() || c == '"');
    let at_key = key.span.end as usize <= start && matches!(between, "=" | ":");
    let json_file = member.name.to_ascii_lowercase().ends_with(".json");
    let literal = if json_file {
        serde_json::from_str::<Json>(written)
            .ok()
            .filter(|v| !v.to_string().contains("${") && !v.to_string().contains("%{"))
    } else {
        hcl_edit::parser::parse_expr(written)
            .ok()
            .and_then(|e| hcl_literal(&e))
    };
    let replacement = if json_file {
        serde_json::to_string(&op.value).ok()
    } else {
        hcl_text(&op.value)
    };
    match (at_key, literal, replacement) {
        (true, Some(literal), Some(replacement)) if literal == json(node) => {
            let base = bases[m];
            Target::Edit(
                m,
                Edit {
                    span: Span::new(start - base, end - base),
                    text: replacement,
                },
            )
        }
        (_, literal, _) => {
            let shown = crate::escape::snippet(written.lines().next().unwrap_or_default());
            let why = match literal {
                Some(_) if at_key => "a value the reader converts, which entralint does not edit",
                _ => "an expression entralint does not edit",
            };
            Target::Suggest(format!(
                "`{dotted}` is written as `{shown}` at {place}, {why}; make it {} there",
                op.value
            ))
        }
    }
}

/// A setting the module does not write: a key inserted into the `msgraph_*` body object that
/// holds its siblings, or the header's job when the section is not written at all.
fn missing(
    view: &View,
    parent: &Node,
    parent_key: Option<&Node>,
    rest: &[String],
    op: &SetOp,
) -> Target {
    let (text, members, bases) = (view.text, view.members, view.bases);
    let header = members.iter().position(|m| m.header);
    let dotted = op.path.join(".");
    let Some(parent_key) = parent_key else {
        // Not a section of the module: the header declares what Terraform does not manage.
        return match header {
            Some(_) => Target::Header,
            None => Target::Suggest(format!(
                "`{dotted}` is not declared: set it to {} in a `tenant.yaml` beside the module, or in the body of a `msgraph_update_resource` (docs/terraform.md)",
                op.value
            )),
        };
    };
    let m = view.member_at(parent.span.start as usize);
    if let Some(m) = m
        && members[m].header
    {
        return Target::Header;
    }
    let suggest = || {
        Target::Suggest(format!(
            "`{dotted}` is not declared; add it with the value {} where the module writes `{}`",
            op.value,
            parent_key.as_str().unwrap_or_default()
        ))
    };
    let Some(m) = m else {
        return suggest();
    };
    let member = &members[m];
    if member.name.to_ascii_lowercase().ends_with(".json") {
        return suggest();
    }
    let (start, end) = (parent.span.start as usize, parent.span.end as usize);
    let Some(object) = text.get(start..end) else {
        return suggest();
    };
    let Some(value) = hcl_text(&op.value) else {
        return suggest();
    };
    // Only an object written over several lines, its closing brace on a line of its own.
    let closing_line = object.rfind('\n').map(|i| start + i + 1);
    let Some(line_start) = closing_line else {
        return suggest();
    };
    if !object.starts_with('{') || text.get(line_start..end).map(str::trim) != Some("}") {
        return suggest();
    }
    let indent = match parent.as_map().and_then(|e| e.first()) {
        Some(first) => line_indent(text, first.key.span.start as usize),
        None => format!("{}  ", line_indent(text, start)),
    };
    Target::Insert {
        member: m,
        at: line_start - bases[m],
        indent,
        keys: rest.to_vec(),
        value,
    }
}

/// Keys to insert at one place: each key path, its value's text and the fix it makes.
struct Insertion {
    member: usize,
    at: usize,
    indent: String,
    keys: Vec<(Vec<String>, String, usize)>,
}

/// `key = value` lines, keys that share a first key inside one new object, in the order given.
fn attributes(entries: &[(&[String], &str)], indent: &str, newline: &str) -> String {
    let mut out = String::new();
    let mut done: Vec<&str> = Vec::new();
    for (keys, value) in entries {
        let Some((key, inner)) = keys.split_first() else {
            continue;
        };
        let written = if is_identifier(key) {
            key.clone()
        } else {
            serde_json::to_string(key).unwrap_or_default()
        };
        if inner.is_empty() {
            out.push_str(&format!("{indent}{written} = {value}{newline}"));
            continue;
        }
        if done.contains(&key.as_str()) {
            continue;
        }
        done.push(key);
        let under: Vec<(&[String], &str)> = entries
            .iter()
            .filter(|(k, _)| k.len() > 1 && k[0] == *key)
            .map(|(k, v)| (&k[1..], *v))
            .collect();
        let nested = attributes(&under, &format!("{indent}  "), newline);
        out.push_str(&format!(
            "{indent}{written} = {{{newline}{nested}{indent}}}{newline}"
        ));
    }
    out
}

/// `file:line:column` of an offset of the combined text.
fn place(member: &Member, base: usize, at: usize) -> String {
    let source = crate::diagnostic::SourceFile::new(member.name.clone(), member.text.clone());
    let lc = source.line_col(u32::try_from(at.saturating_sub(base)).unwrap_or(u32::MAX));
    format!("{}:{}:{}", member.name, lc.line, lc.column)
}

/// The spaces and tabs that start the line holding `at`.
fn line_indent(text: &str, at: usize) -> String {
    let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

fn is_identifier(key: &str) -> bool {
    key.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The value of an HCL literal (a scalar, or a list of them); None for anything to evaluate.
fn hcl_literal(expr: &Expression) -> Option<Json> {
    match expr {
        Expression::Null(_) => Some(Json::Null),
        Expression::Bool(b) => Some(Json::Bool(*b.value())),
        Expression::Number(n) => {
            let n = n.value();
            n.as_i64()
                .map(Json::from)
                .or_else(|| n.as_f64().map(Json::from))
        }
        Expression::String(s) => Some(Json::String(s.value().to_string())),
        Expression::Array(items) => items
            .iter()
            .map(hcl_literal)
            .collect::<Option<Vec<_>>>()
            .map(Json::Array),
        _ => None,
    }
}

/// A value written as an HCL literal: a string keeps `${` and `%{` literal.
fn hcl_text(value: &Json) -> Option<String> {
    match value {
        Json::Bool(_) | Json::Number(_) => Some(value.to_string()),
        Json::String(s) => Some(
            serde_json::to_string(s)
                .ok()?
                .replace("${", "$${")
                .replace("%{", "%%{"),
        ),
        Json::Array(items) => {
            let items: Option<Vec<String>> = items.iter().map(hcl_text).collect();
            Some(format!("[{}]", items?.join(", ")))
        }
        Json::Null | Json::Object(_) => None,
    }
}

fn lookup<'a>(root: &'a Node, path: &[String]) -> Option<&'a Node> {
    path.iter().try_fold(root, |node, key| node.get(key))
}

/// A tree value as JSON, to compare with a fix's value.
fn json(node: &Node) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(n) => Json::from(*n),
        Value::Float(f) => Json::from(*f),
        Value::Str(s) => Json::String(s.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(json).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|e| {
                    (
                        e.key.as_str().unwrap_or_default().to_string(),
                        json(&e.value),
                    )
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_that_would_not_parse_is_not_made() {
        let members = vec![Member {
            name: "main.tf".to_string(),
            text: "a = 1\n".to_string(),
            header: false,
        }];
        let edit = |text: &str| Edit {
            span: Span::new(4, 5),
            text: text.to_string(),
        };
        let (next, made, broken) = apply_all(&members, &vec![vec![(edit("{"), vec![0])]], |_| true);
        assert_eq!(next[0].text, "a = 1\n");
        assert!(made.is_empty());
        assert_eq!(broken.len(), 1);
        assert!(broken[0].1.contains("would not parse"), "{broken:?}");
        let (next, made, broken) = apply_all(&members, &vec![vec![(edit("2"), vec![0])]], |_| true);
        assert_eq!(
            (next[0].text.as_str(), made, broken.len()),
            ("a = 2\n", vec![0], 0)
        );
    }

    #[test]
    fn literals_are_read_and_written_as_hcl() {
        let read = |t: &str| hcl_literal(&hcl_edit::parser::parse_expr(t).unwrap());
        assert_eq!(read("\"everyone\""), Some(Json::from("everyone")));
        assert_eq!(read("[true, 10]"), Some(serde_json::json!([true, 10])));
        assert_eq!(read("var.invites"), None);
        assert_eq!(read("\"a${local.b}\""), None);
        assert_eq!(hcl_text(&Json::from("a${b}")).unwrap(), "\"a$${b}\"");
        assert_eq!(hcl_text(&serde_json::json!([])).unwrap(), "[]");
        assert_eq!(hcl_text(&serde_json::json!({"a": 1})), None);
        let (a, b, c) = (
            ["a".to_string(), "@odata.type".to_string()],
            ["a".to_string(), "b".to_string()],
            ["c".to_string()],
        );
        let entries: Vec<(&[String], &str)> = vec![(&a, "1"), (&c, "true"), (&b, "2")];
        assert_eq!(
            attributes(&entries, "  ", "\n"),
            "  a = {\n    \"@odata.type\" = 1\n    b = 2\n  }\n  c = true\n"
        );
    }
}
