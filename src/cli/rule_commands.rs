//! The `rules`, `explain` and `config` commands: the loaded rule set, listed or explained.

use super::output::write_stdout;
use super::setup::{load_config, load_rules, selection};
use super::{ConfigArgs, ExplainArgs, ListFormat, RulesArgs, exit};
use crate::rules;

pub fn run_rules(args: &RulesArgs) -> u8 {
    if let Some(dir) = &args.test {
        return test_rules(args, dir);
    }
    let mut config = match load_config(&args.rules) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let rules = match load_rules(&args.rules, &mut config, &[], &[]) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let result = write_stdout(|out| match args.format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = rules
                .rules
                .iter()
                .map(|r| {
                    let mut rule = serde_json::json!({
                        "name": r.name,
                        "summary": r.file.summary.trim(),
                        "severity": r.severity.as_str(),
                        "status": r.file.status.as_str(),
                        "enabled": r.enabled,
                        "builtin": r.builtin,
                        "controls": rules.controls(r),
                        "fixable": r.file.fix.is_some(),
                        "origin": r.origin,
                    });
                    // Only renamed or versioned rules carry the keys, so listings stay as they were.
                    if let Some(map) = rule.as_object_mut() {
                        let former: Vec<&str> = r.former_names().collect();
                        if !former.is_empty() {
                            map.insert("renamedFrom".to_string(), serde_json::json!(former));
                        }
                        if let Some(since) = &r.file.since {
                            map.insert("since".to_string(), serde_json::json!(since.value));
                        }
                    }
                    rule
                })
                .collect();
            let document = serde_json::json!({
                "profile": rules.profile.file.name,
                "rules": list,
            });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            )
        }
        ListFormat::Human => {
            writeln!(
                out,
                "profile: {} — {}",
                rules.profile.file.name,
                rules.profile.file.summary.trim()
            )?;
            let width = rules.rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
            for rule in &rules.rules {
                let state = if rule.enabled { "on " } else { "off" };
                let controls = rules.controls(rule).join(", ");
                writeln!(
                    out,
                    "{state} {:width$}  {:7}  {:7}  {}",
                    rule.name,
                    rule.severity.as_str(),
                    rule.file.status.as_str(),
                    controls,
                )?;
            }
            Ok(())
        }
    });
    match result {
        Ok(()) => exit::CLEAN,
        Err(code) => code,
    }
}

pub fn run_explain(args: &ExplainArgs) -> u8 {
    let mut config = match load_config(&args.rules) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let rules = match load_rules(&args.rules, &mut config, &[], &[]) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    if rules.find(&args.name).is_none()
        && let Some(page) = check_page(&args.name)
    {
        return match write_stdout(|out| out.write_all(page.as_bytes())) {
            Ok(()) => exit::CLEAN,
            Err(code) => code,
        };
    }
    // A former name explains the rule it became.
    let Some(rule) = rules.find(&args.name) else {
        let names = rules
            .rules
            .iter()
            .map(|r| r.name.as_str())
            .chain(crate::diagnostic::LOAD_CHECKS.iter().map(|(c, _)| *c))
            .chain(crate::diagnostic::DRIFT_CHECKS.iter().map(|(c, _, _)| *c))
            .chain(INPUT_CHECKS.iter().map(|(c, _)| *c));
        let near = crate::suggest::closest(&args.name, names)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        eprintln!("error: unknown rule `{}`{near}", args.name);
        return exit::FAILURE;
    };
    let renamed = if rule.name == args.name {
        String::new()
    } else {
        format!(
            "> `{}` was renamed to `{}`; suppressions, baselines and configurations that use the former name still apply to it.\n\n",
            args.name, rule.name
        )
    };
    // A custom rule's text comes from the repository: it is escaped like every other output.
    let page = rules::docs::page(rule);
    let page = crate::escape::page(&page);
    match write_stdout(|out| write!(out, "{renamed}{page}")) {
        Ok(()) => exit::CLEAN,
        Err(code) => code,
    }
}

/// Problems in entralint's own inputs, reported on stderr when a configuration or a rule file does
/// not load.
const INPUT_CHECKS: &[(&str, &str)] = &[
    (
        "invalid-config",
        "The configuration file (.entralint.yaml) does not load: a syntax error, an unknown key or a wrong value",
    ),
    (
        "invalid-rule",
        "A rule file does not load: a syntax error, an unknown key, or a condition that does not compile",
    ),
    (
        "duplicate-rule-name",
        "Two rules share a name (a custom rule may not reuse a built-in name)",
    ),
];

/// `explain` for a load check or an input check: what it reports and what to do.
fn check_page(code: &str) -> Option<String> {
    if let Some((_, summary)) = crate::diagnostic::LOAD_CHECKS
        .iter()
        .find(|(c, _)| *c == code)
    {
        return Some(format!(
            "# {code}\n\n{summary}.\n\nA load check: entralint reports it while reading a tenant file, before any rule runs.\nThe finding points at the spot in the file and says what to change. Until it is fixed,\nrule findings on that file may be wrong: a setting that cannot be read is treated as not\ndeclared. It can be accepted like a rule finding, with `# entralint: ignore[{code}] reason`.\n\nAll load checks: {}/blob/main/README.md#what-a-load-problem-looks-like\n",
            env!("CARGO_PKG_REPOSITORY")
        ));
    }
    if let Some((_, severity, summary)) = crate::diagnostic::DRIFT_CHECKS
        .iter()
        .find(|(c, _, _)| *c == code)
    {
        return Some(format!(
            "# {code}\n\n{summary}.\n\nReported by `entralint drift DECLARED EXPORT` ({severity}), which compares a declared\ntenant with an export of the live tenant (a Graph JSON folder, an EntraExporter export, a\nMicrosoft365DSC configuration or a ScubaGear export). A `drift` finding points at the declared\nvalue and names the exported value with its file and line: change the tenant, or the\ndeclaration. A `drift-undeclared` note points at the declared `tenant` header and names the\nexported setting: declare it, so the repository says what the tenant has. The exit code follows\n`--fail-on`, as for `check`.\n\nMore: {}/blob/main/docs/drift.md\n",
            env!("CARGO_PKG_REPOSITORY")
        ));
    }
    INPUT_CHECKS.iter().find(|(c, _)| *c == code).map(|(_, summary)| {
        format!(
            "# {code}\n\n{summary}.\n\nReported on stderr, with the file, line and column; the run stops with exit code 2\nuntil it is fixed.\n"
        )
    })
}

pub fn run_config(args: &ConfigArgs) -> u8 {
    let mut config = match load_config(&args.rules) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let rules = match load_rules(&args.rules, &mut config, &[], &[]) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let text = crate::config::describe(
        &config,
        &rules,
        args.rules.profile.is_some(),
        &args.rules.rule_dirs,
    );
    match write_stdout(|out| out.write_all(text.as_bytes())) {
        Ok(()) => exit::CLEAN,
        Err(code) => code,
    }
}

/// `rules --test DIR`: the examples of the rules in DIR, run as tests.
fn test_rules(args: &RulesArgs, dir: &std::path::Path) -> u8 {
    let mut config = match load_config(&args.rules) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let mut rule_args = args.rules.clone();
    rule_args.rule_dirs.push(dir.to_path_buf());
    let rules = match load_rules(&rule_args, &mut config, &[], &[]) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let chosen = selection(&rule_args, &config, &[], &[]);
    let prefix = dir.display().to_string();
    let in_dir: Vec<&rules::Rule> = rules
        .rules
        .iter()
        .filter(|r| !r.builtin && r.origin.starts_with(&prefix))
        .collect();
    let results =
        crate::check::examples::run(&in_dir, |name| crate::check::examples::alone(&chosen, name));
    let written = write_stdout(|out| {
        for failure in &results.failures {
            writeln!(
                out,
                "FAIL {} {}: expected {} finding(s) of `{}`, produced {}",
                failure.rule,
                failure.example,
                failure.expected,
                failure.rule,
                failure.produced.len()
            )?;
            for produced in &failure.produced {
                writeln!(out, "    {produced}")?;
            }
        }
        writeln!(
            out,
            "{} example(s) of {} rule(s) in {prefix}: {} failed",
            results.examples,
            results.rules,
            results.failures.len()
        )
    });
    match written {
        Err(code) => code,
        Ok(()) if results.rules == 0 => {
            eprintln!("error: {prefix} holds no rules");
            exit::FAILURE
        }
        Ok(()) if results.failures.is_empty() => exit::CLEAN,
        Ok(()) => exit::FINDINGS,
    }
}
