//! Helpers for the tests of one section's rules (passwords, authentication methods): their short
//! findings reduced to `line:col rule`, and the sources of the controls they cite.

use assert_cmd::Command;
use entralint::rules::{RuleSet, Selection};

/// `file:line:col: severity: message [rule]` lines of `entralint check --format short`, reduced to
/// `line:col rule`, for the `rules` given (when `select`) and load problems.
pub fn short(path: &str, rules: &str, select: bool) -> Vec<String> {
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    cmd.args(["check", path, "--format", "short"]);
    if select {
        cmd.args(["--select", rules]);
    }
    let output = cmd.output().unwrap();
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix(path)?.strip_prefix(':')?;
            let mut parts = rest.splitn(3, ':');
            let (l, c) = (parts.next()?, parts.next()?);
            let rule = rest.split(" [").nth(1)?.split(']').next()?;
            Some(format!("{l}:{c} {rule}"))
        })
        .collect()
}

/// Asserts that every control the rules under `folder` (`rules/methods/`) cite is listed in the
/// `sources` data file, and that they cite at least `least`.
pub fn assert_cited_controls_sourced(folder: &str, sources: &str, least: usize) {
    let sources = std::fs::read_to_string(sources).unwrap();
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let mut cited = 0;
    for rule in &rules.rules {
        if !rule.origin.contains(folder) {
            continue;
        }
        let references = &rule.file.references;
        for id in ["cisa", "cis-m365", "cis-azure", "eidsca", "zero-trust"]
            .iter()
            .flat_map(|family| references.controls(family))
        {
            cited += 1;
            assert!(
                sources.contains(&format!("id: {id}\n"))
                    || sources.contains(&format!("id: \"{id}\"\n")),
                "{}: {id} has no recorded source",
                rule.name
            );
        }
    }
    assert!(cited >= least, "{cited}");
}
