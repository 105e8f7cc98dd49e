//! Rule documentation, generated from the rule files: `entralint explain`, `docs/rules/*.md`.

use std::fmt::Write as _;

use super::schema::baselines;
use super::{Rule, RuleSet};

/// The markdown page of one rule.
pub fn page(rule: &Rule) -> String {
    let file = &rule.file;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n\n{}\n", rule.name, file.summary.trim());
    let kinds: Vec<&str> = file
        .tenant_kinds
        .iter()
        .map(|k| match k {
            super::schema::KindName::Workforce => "workforce",
            super::schema::KindName::External => "external",
        })
        .collect();
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Severity | {} |", super::severity(file.severity));
    let _ = writeln!(out, "| Status | {} |", file.status.as_str());
    let _ = writeln!(out, "| Tenant kinds | {} |", kinds.join(", "));
    if let Some(since) = &file.since {
        let _ = writeln!(out, "| Since | {} |", since.value);
    }
    let former: Vec<String> = rule.former_names().map(|n| format!("`{n}`")).collect();
    if !former.is_empty() {
        let _ = writeln!(out, "| Formerly | {} |", former.join(", "));
    }
    if let Some(collection) = file.for_each {
        let _ = writeln!(out, "| Checks each of | `{}` |", collection.key());
    }
    if let Some(at) = &file.at {
        let _ = writeln!(out, "| Points at | `{at}` |");
    }
    for baseline in baselines() {
        let ids = file.references.controls(baseline);
        if !ids.is_empty() {
            let _ = writeln!(out, "| {} | {} |", baseline_name(baseline), ids.join(", "));
        }
    }
    if let Some(fix) = &file.fix {
        let _ = writeln!(
            out,
            "| Fix | sets `{}` to `{}` |",
            fix.set,
            json(&fix.value)
        );
    }
    for (name, value) in &file.parameters {
        let _ = writeln!(out, "| Parameter `{name}` | default `{}` |", json(value));
    }
    let _ = writeln!(out, "\n{}\n", file.description().trim());
    let _ = writeln!(out, "## How to fix\n\n{}\n", file.help.trim());
    for (title, examples) in [
        ("Invalid", &file.examples().invalid),
        ("Valid", &file.examples().valid),
    ] {
        if examples.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title} examples\n");
        for example in examples {
            let _ = writeln!(out, "```yaml\n{}\n```\n", example.trim_end());
        }
    }
    if !file.references.docs.is_empty() {
        let _ = writeln!(out, "## References\n");
        for link in &file.references.docs {
            let _ = writeln!(out, "- <{link}>");
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "<!-- generated from {} by `entralint explain`; do not edit -->",
        rule.origin
    );
    out
}

pub fn baseline_name(baseline: &str) -> &'static str {
    match baseline {
        "cisa" => "CISA ScubaGear",
        "cis-m365" => "CIS Microsoft 365",
        "cis-azure" => "CIS Azure",
        "eidsca" => "EIDSCA",
        "zero-trust" => "Zero Trust",
        _ => "baseline",
    }
}

fn json(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The rule list as a markdown table (README and `docs/rules/README.md`).
pub fn table(rules: &RuleSet) -> String {
    let mut out =
        String::from("| rule | severity | what it catches | controls |\n|---|---|---|---|\n");
    for rule in rules.rules.iter().filter(|r| r.builtin) {
        let controls: Vec<String> = baselines()
            .iter()
            .flat_map(|b| {
                rule.file
                    .references
                    .controls(b)
                    .iter()
                    .map(move |id| format!("{b} {id}"))
            })
            .collect();
        let _ = writeln!(
            out,
            "| [`{0}`](docs/rules/{0}.md) | {1} | {2} | {3} |",
            rule.name,
            super::severity(rule.file.severity),
            rule.file.summary.trim(),
            controls.join(", ")
        );
    }
    out
}
