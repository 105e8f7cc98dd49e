//! `--format html`: one self-contained page for a run over many tenants, to share with people who
//! do not read diagnostics in a terminal. A matrix of baseline controls × tenants first, then a
//! section per tenant with each finding, its snippet, why it matters and how to fix it, and what
//! members and guests can do. No scripts, fonts or links outside the page; the styles are inline.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{Counts, Meta, plural};
use crate::diagnostic::{Diagnostic, FileReport, Severity, SourceFile};
use crate::model::{Model, TenantKind};
use crate::outcome::Outcome;
use crate::permissions::{self, Access, Permissions, Source};
use crate::rules::{Rule, RuleSet};

/// The verdict of one tenant on one control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Pass,
    /// A declared value fails.
    Fail,
    /// The tenant leaves the setting to Entra's default, and the default fails.
    NotDeclared,
    /// The file did not load, or no rule of the control applies to the tenant's kind.
    NotCheckable,
}

impl Status {
    fn class(self) -> &'static str {
        match self {
            Status::Pass => "p",
            Status::Fail => "f",
            Status::NotDeclared => "d",
            Status::NotCheckable => "u",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotDeclared => "not declared",
            Status::NotCheckable => "not checkable",
        }
    }
}

/// One tenant of the run: a tenant file, or a folder of Graph responses.
struct Tenant<'a> {
    /// The file, or the folder.
    name: String,
    /// The reports of its own files: one, or a folder's.
    reports: Vec<&'a FileReport>,
    /// Findings on values the tenant inherits (`tenant.extends`), in the files that set them.
    inherited: Vec<(&'a SourceFile, &'a Diagnostic)>,
    /// The tenant as loaded again from its files: None when it does not load.
    model: Option<Model>,
    permissions: Option<Permissions>,
}

impl<'a> Tenant<'a> {
    /// Every active finding of the tenant: in its own files, then in the files it extends.
    fn active(&self) -> impl Iterator<Item = (&'a SourceFile, &'a Diagnostic)> + '_ {
        let own = self.reports.iter().flat_map(|r| {
            let source: &'a SourceFile = &r.source;
            r.diagnostics.iter().map(move |d| (source, d))
        });
        own.chain(self.inherited.iter().copied())
            .filter(|(_, d)| d.is_active())
    }

    /// Findings suppressed, excepted or baselined in its own files.
    fn accepted(&self) -> usize {
        self.reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| !d.is_active())
            .count()
    }

    fn status(&self, rules: &[&Rule]) -> Status {
        let Some(model) = &self.model else {
            return Status::NotCheckable;
        };
        let applicable: Vec<&&Rule> = rules.iter().filter(|r| r.applies_to(model.kind)).collect();
        if applicable.is_empty() {
            return Status::NotCheckable;
        }
        let mut status = Status::Pass;
        for (_, d) in self.active() {
            if !applicable.iter().any(|r| r.name == d.code) {
                continue;
            }
            if on_default(d) {
                status = Status::NotDeclared;
            } else {
                return Status::Fail;
            }
        }
        status
    }
}

fn on_default(d: &Diagnostic) -> bool {
    d.value
        .as_deref()
        .is_some_and(|v| v.starts_with("default:"))
}

/// Reads a tenant again for its kind and its permissions: a file with the files it extends, or
/// a folder of Graph responses as one tenant.
fn reload(name: &str, report: &FileReport, folder: bool) -> (Option<Model>, Option<Permissions>) {
    let opened = if folder {
        crate::load::open::open(&crate::escape::to_path(name))
            .ok()
            .map(|o| (o.loaded, o.layout))
    } else {
        Some(crate::load::extends::load_tenant(
            &report.source.name,
            report.source.text.as_bytes(),
        ))
    };
    let Some((loaded, layout)) = opened else {
        return (None, None);
    };
    let mut diagnostics = Vec::new();
    let model = crate::model::normalise(&loaded.document, &mut diagnostics);
    let loads = model.is_some()
        && !loaded
            .diagnostics
            .iter()
            .chain(&diagnostics)
            .any(|d| d.severity == crate::diagnostic::Severity::Error);
    let permissions = match &model {
        Some(model) if loads && (loaded.native || folder) => {
            Some(permissions::compute(model, &layout))
        }
        _ => None,
    };
    (model.filter(|_| loads), permissions)
}

/// The run's tenants: each file, except baselines other tenants extend and the files of a
/// folder, which is one tenant.
fn tenants(outcome: &Outcome) -> Vec<Tenant<'_>> {
    let folder_of = |file: &str| {
        outcome
            .folders
            .iter()
            .find(|(_, members)| members.iter().any(|m| m == file))
    };
    let mut tenants: Vec<Tenant> = Vec::new();
    for report in &outcome.files {
        let name = &report.source.name;
        if outcome.baselines.contains(name) {
            continue;
        }
        let (tenant_name, folder) = match folder_of(name) {
            Some((root, _)) => (root.clone(), true),
            None => (name.clone(), false),
        };
        if let Some(t) = tenants.iter_mut().find(|t| t.name == tenant_name && folder) {
            t.reports.push(report);
            continue;
        }
        let (model, permissions) = reload(&tenant_name, report, folder);
        let inherited = outcome
            .files
            .iter()
            .filter(|other| other.source.name != *name)
            .flat_map(|other| other.diagnostics.iter().map(move |d| (&*other.source, d)))
            .filter(|(_, d)| d.inherited_by.contains(name))
            .collect();
        tenants.push(Tenant {
            name: tenant_name,
            reports: vec![report],
            inherited,
            model,
            permissions,
        });
    }
    // In path order, whatever order the run checked them in (a fleet's tenants come together).
    tenants.sort_by(|a, b| a.name.cmp(&b.name));
    tenants
}

pub fn render(outcome: &Outcome, meta: &Meta, out: &mut dyn Write) -> io::Result<()> {
    let tenants = tenants(outcome);
    let counts = Counts::of(outcome);
    out.write_all(HEAD.as_bytes())?;
    writeln!(out, "<header><h1>entralint report</h1>")?;
    writeln!(
        out,
        "<p>{} checked{}: {}, {}, {}{}.</p>",
        plural(tenants.len(), "tenant"),
        match outcome.baselines.len() {
            0 => String::new(),
            n => format!(" (with {} they extend)", plural(n, "baseline")),
        },
        plural(counts.error, "error"),
        plural(counts.warning, "warning"),
        plural(counts.info, "info finding"),
        match counts.suppressed + counts.baselined {
            0 => String::new(),
            n => format!(" ({n} accepted by suppressions or the baseline)"),
        }
    )?;
    if let Some(rules) = meta.rules {
        writeln!(
            out,
            "<p>Profile <code>{}</code>; exit code {}.</p>",
            esc(&rules.profile.file.name),
            meta.exit_code
        )?;
    }
    writeln!(out, "</header><main>")?;
    if let Some(rules) = meta.rules {
        matrix(&tenants, rules, out)?;
    }
    let common = common_help(&tenants, meta.rules);
    writeln!(
        out,
        "<h2 id=\"tenants\">Tenants</h2>\n<p>A rule's name links to why it matters and, when \
         every finding of the rule has the same fix, to the fix.</p>"
    )?;
    for (index, tenant) in tenants.iter().enumerate() {
        section(index, tenant, &common, out)?;
    }
    if let Some(rules) = meta.rules {
        reasons(&tenants, rules, &common, out)?;
    }
    writeln!(out, "</main>\n</body>\n</html>")
}

/// The rules behind each control of the profile, controls in order.
fn controls(rules: &RuleSet) -> BTreeMap<String, Vec<&Rule>> {
    let mut by_control: BTreeMap<String, Vec<&Rule>> = BTreeMap::new();
    for rule in rules.enabled() {
        for control in rules.controls(rule) {
            by_control.entry(control).or_default().push(rule);
        }
    }
    by_control
}

fn matrix(tenants: &[Tenant], rules: &RuleSet, out: &mut dyn Write) -> io::Result<()> {
    let by_control = controls(rules);
    writeln!(out, "<h2 id=\"summary\">Baseline controls by tenant</h2>")?;
    if by_control.is_empty() {
        return writeln!(out, "<p>No rule of this run names a baseline control.</p>");
    }
    writeln!(
        out,
        "<p>Each cell is <b>pass</b>, <b>fail</b> (a declared value fails), <b>not declared</b> \
         (the setting is left to Entra's default, and the default fails) or <b>not checkable</b> \
         (the file does not load, or no rule of the control applies to the tenant's kind).</p>"
    )?;
    writeln!(
        out,
        "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"controls by tenant\">\
         <table class=\"matrix\"><caption>{} × {}</caption>",
        plural(by_control.len(), "control"),
        plural(tenants.len(), "tenant")
    )?;
    write!(out, "<thead><tr><th scope=\"col\">control</th>")?;
    for (index, tenant) in tenants.iter().enumerate() {
        write!(
            out,
            "<th scope=\"col\"><a href=\"#t{index}\">{}</a></th>",
            esc(&tenant.name)
        )?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for (control, rules) in &by_control {
        let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
        write!(
            out,
            "<tr><th scope=\"row\">{}<small>{}</small></th>",
            esc(control),
            esc(&names.join(", "))
        )?;
        for tenant in tenants {
            let status = tenant.status(rules);
            write!(out, "<td class={}>{}</td>", status.class(), status.text())?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table></div>")
}

fn section(index: usize, tenant: &Tenant, common: &Common, out: &mut dyn Write) -> io::Result<()> {
    let active: Vec<(&SourceFile, &Diagnostic)> = tenant.active().collect();
    let accepted = tenant.accepted();
    writeln!(
        out,
        "<section class=\"tenant\" id=\"t{index}\" aria-labelledby=\"h{index}\">"
    )?;
    writeln!(out, "<h3 id=\"h{index}\">{}</h3>", esc(&tenant.name))?;
    let kind = match tenant.model.as_ref().map(|m| m.kind) {
        Some(TenantKind::External) => "external tenant",
        Some(TenantKind::Workforce) => "workforce tenant",
        None => "does not load",
    };
    writeln!(
        out,
        "<p>{kind}; {}{}.</p>",
        plural(active.len(), "finding"),
        match accepted {
            0 => String::new(),
            n => format!(", {n} accepted"),
        }
    )?;
    // Findings are in file order, the tenant's own file first; those on one line share its
    // snippet, and a finding in a file the tenant extends names that file.
    let mut shown = ("", 0);
    for (source, d) in active {
        let line = source.line_col(d.span.start).line;
        if (source.name.as_str(), line) != shown {
            snippet(source, line, out)?;
            shown = (source.name.as_str(), line);
        }
        let own = tenant.reports.iter().any(|r| r.source.name == source.name);
        let place = match (own, tenant.reports.len()) {
            (true, 1) => Place::Own,
            (true, _) => Place::Member(&source.name),
            (false, _) => Place::Inherited(&source.name),
        };
        finding(source, d, place, common, out)?;
    }
    if let Some(permissions) = &tenant.permissions {
        permissions_table(index, permissions, out)?;
    }
    writeln!(out, "</section>")
}

/// Which of a tenant's files a finding is in.
#[derive(Clone, Copy)]
enum Place<'a> {
    /// The tenant's one file.
    Own,
    /// One of the files of a folder tenant.
    Member(&'a str),
    /// A file the tenant extends.
    Inherited(&'a str),
}

fn finding(
    source: &SourceFile,
    d: &Diagnostic,
    place: Place,
    common: &Common,
    out: &mut dyn Write,
) -> io::Result<()> {
    let at = source.line_col(d.span.start);
    // Why a rule matters, and its fix when every finding of the rule shares it, are written
    // once for the whole report, under the rule's name.
    let name = match anchor(common, &d.code) {
        Some(index) => format!("<a href=\"#w{index}\">{}</a>", esc(&d.code)),
        None => esc(&d.code),
    };
    let place = match place {
        Place::Own => format!("{}:{}", at.line, at.column),
        Place::Member(file) => format!("{}:{}:{}", esc(file), at.line, at.column),
        Place::Inherited(file) => {
            format!("inherited from {}:{}:{}", esc(file), at.line, at.column)
        }
    };
    // The page holds thousands of these for a large fleet: short class names keep it small.
    let class = match d.severity {
        Severity::Error => "e",
        Severity::Warning => "w",
        Severity::Info => "i",
    };
    write!(
        out,
        "<article class={class}><h4>{}: {name} <small>{place}</small></h4><p>{}</p>",
        d.severity,
        inline(&d.message)
    )?;
    match &d.help {
        // The rule's entry under "Why each finding matters" holds this fix.
        Some(help) if common.get(d.code.as_str()) == Some(&Some(&**help)) => {}
        Some(help) => writeln!(out, "<p><b>Fix:</b> {}</p>", inline(help))?,
        None => {}
    }
    writeln!(out, "</article>")
}

/// A line with one line either side, the line marked.
fn snippet(source: &SourceFile, line: usize, out: &mut dyn Write) -> io::Result<()> {
    let first = line.saturating_sub(1).max(1);
    let mut text = String::new();
    for n in first..=line + 1 {
        let Some(span) = source.line_span(n) else {
            break;
        };
        let body = source.slice(span).trim_end_matches(['\r', '\n']);
        if n == line {
            text.push_str(&format!("<mark>{n:>4} │ {}</mark>\n", esc(body)));
        } else {
            text.push_str(&format!("{n:>4} │ {}\n", esc(body)));
        }
    }
    if text.is_empty() {
        return Ok(());
    }
    writeln!(out, "<pre>{}</pre>", text.trim_end())
}

fn permissions_table(index: usize, p: &Permissions, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"pc{index}\">\
         <table class=\"perm\"><caption id=\"pc{index}\">Who can do what</caption>"
    )?;
    write!(out, "<thead><tr><th scope=\"col\">capability</th>")?;
    for audience in &p.audiences {
        write!(out, "<th scope=\"col\">{}</th>", esc(audience.label()))?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for row in &p.rows {
        write!(out, "<tr><th scope=\"row\">{}</th>", esc(row.capability))?;
        for cell in &row.cells {
            let (class, word) = match cell.access {
                Access::Yes => ("y", "yes"),
                Access::Limited => ("l", "limited"),
                Access::No => ("x", "no"),
            };
            let from = match cell.sources.first() {
                Some(Source::Declared {
                    file: Some(file),
                    line,
                    ..
                }) => format!("{}:{line}", esc(file)),
                Some(Source::Declared { line, .. }) => format!("line {line}"),
                Some(Source::Default { .. }) => "default".to_string(),
                None => "Entra".to_string(),
            };
            write!(
                out,
                "<td class=\"{class}\" title=\"{}\">{word} <small>({from})</small></td>",
                esc(&cell.detail)
            )?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table></div>")
}

/// Per rule with findings: its help text when every finding of the rule has the same one.
type Common<'a> = BTreeMap<&'a str, Option<&'a str>>;

fn common_help<'a>(tenants: &[Tenant<'a>], rules: Option<&RuleSet>) -> Common<'a> {
    let mut common: Common = BTreeMap::new();
    let explained = |name: &str| {
        rules
            .and_then(|r| r.get(name))
            .is_some_and(|r| why(r).is_some())
    };
    for d in tenants
        .iter()
        .flat_map(|t| t.active().map(|(_, d)| d))
        .filter(|d| explained(&d.code))
    {
        let help = d.help.as_deref();
        common
            .entry(d.code.as_str())
            .and_modify(|h| {
                if *h != help {
                    *h = None
                }
            })
            .or_insert(help);
    }
    common
}

/// The anchor of a rule's entry under "Why each finding matters": its place among the explained
/// rules with findings (the keys of `common`), so a link costs a few bytes.
fn anchor(common: &Common, code: &str) -> Option<usize> {
    common.keys().position(|k| *k == code)
}

/// Why each rule that has findings matters, once for the whole report.
fn reasons(
    tenants: &[Tenant],
    rules: &RuleSet,
    common: &Common,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut named: Vec<&str> = tenants
        .iter()
        .flat_map(|t| t.active().map(|(_, d)| d))
        .map(|d| d.code.as_str())
        .collect();
    named.sort_unstable();
    named.dedup();
    let found: Vec<(&Rule, String)> = named
        .into_iter()
        .filter_map(|name| rules.get(name))
        .filter_map(|rule| why(rule).map(|text| (rule, text)))
        .collect();
    if found.is_empty() {
        return Ok(());
    }
    writeln!(out, "<h2 id=\"why\">Why each finding matters</h2><dl>")?;
    for (rule, text) in found {
        writeln!(
            out,
            "<dt id=\"w{5}\">{0} <small>{1}</small></dt><dd>{2}{4}{3}</dd>",
            esc(&rule.name),
            esc(&rule.file.summary),
            inline(&text),
            match rules.controls(rule) {
                controls if controls.is_empty() => String::new(),
                controls => format!(" <small>Controls: {}</small>", esc(&controls.join(", "))),
            },
            match common.get(rule.name.as_str()) {
                Some(Some(help)) => format!("<br><b>Fix:</b> {}", inline(help)),
                _ => String::new(),
            },
            anchor(common, &rule.name).unwrap_or_default()
        )?;
    }
    writeln!(out, "</dl>")
}

/// The "Why it matters" paragraph of a rule's description, as one line of text.
fn why(rule: &Rule) -> Option<String> {
    let description = rule.file.description();
    let start = description.find("## Why it matters")?;
    let body = &description[start + "## Why it matters".len()..];
    let end = body.find("\n#").unwrap_or(body.len());
    let text = body[..end].split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// Text with `code` spans, escaped.
fn inline(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            html.push_str("<code>");
            html.push_str(&esc(part));
            html.push_str("</code>");
        } else {
            html.push_str(&esc(part));
        }
    }
    // An odd number of backticks leaves a `<code>` open only when the last part was code.
    if text.split('`').count().is_multiple_of(2) {
        return esc(text);
    }
    html
}

/// Escapes text for HTML content and attribute values. Control characters other than tab and
/// newline are not allowed in HTML text; they are shown as their code point.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The page head and its styles: system fonts, colours that keep 4.5:1 contrast, tables that
/// scroll sideways on a phone and print whole on paper.
const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>entralint report</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff;margin:0 auto;padding:1rem;max-width:72rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.3rem;margin-top:2rem;border-bottom:2px solid #1b1b1b}h3{font-size:1.15rem;margin:1.6rem 0 .4rem;word-break:break-all}h4{font-size:1rem;margin:0 0 .3rem}
small{color:#4a4a4a;font-weight:normal}th small{display:block}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
pre{background:#f3f3f3;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-word}
mark{background:#fff0a8;color:#1b1b1b;display:inline-block;width:100%}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0}caption{text-align:left;font-weight:bold;padding:.3rem 0}
th,td{border:1px solid #8a8a8a;padding:.25rem .45rem;text-align:left;vertical-align:top}
thead th{background:#e8e8e8}.matrix tbody th{background:#f7f7f7;position:sticky;left:0}
td.p,td.y{background:#dff3e4;color:#0b4d1e}td.f,td.x{background:#fbe0e0;color:#7a0c0c}td.d,td.l{background:#fff1cc;color:#5c4300}td.u{background:#ececec;color:#3b3b3b}
article{border-left:5px solid #8a8a8a;padding:.3rem .7rem;margin:.7rem 0;background:#fafafa}
article.e{border-color:#b00020}article.w{border-color:#a15c00}article.i{border-color:#1f5fa8}
dt{font-weight:bold;margin-top:.6rem}dd{margin:0 0 0 1rem}
a{color:#0b4fa3}
@media (max-width:40rem){body{padding:.5rem;font-size:14px}}
@media print{body{max-width:none;font-size:10pt}.scroll{overflow:visible}.matrix tbody th{position:static}section.tenant{break-before:page}article,pre,tr{break-inside:avoid}a{color:inherit;text-decoration:none}}
</style>
</head>
<body>
"#;
