//! A rule's examples as tests: each invalid example raises its rule exactly once and nothing
//! else, each valid example raises nothing. `entralint rules --test DIR` runs them for a team's
//! own rules; the built-in rules' examples run in the test suite.

use crate::rules::{Rule, RuleSet, Selection};

/// One example that did not do what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub rule: String,
    /// `invalid[0]`, `valid[1]`…
    pub example: String,
    pub expected: usize,
    /// What the example produced: `code path: message`, one per finding.
    pub produced: Vec<String>,
}

/// What running a set of rules' examples found.
#[derive(Debug, Default)]
pub struct Results {
    pub rules: usize,
    pub examples: usize,
    pub failures: Vec<Failure>,
}

/// Runs the examples of every rule `select` keeps; `only` gives the rule set that runs one rule
/// alone (its profile settings and parameters applied).
pub fn run(rules: &[&Rule], only: impl Fn(&str) -> Option<RuleSet>) -> Results {
    let mut results = Results::default();
    for rule in rules {
        let Some(set) = only(&rule.name) else {
            continue;
        };
        results.rules += 1;
        let invalid = rule.file.examples().invalid.iter().enumerate();
        let invalid = invalid.map(|(i, e)| (format!("invalid[{i}]"), e, 1));
        let valid = rule.file.examples().valid.iter().enumerate();
        let valid = valid.map(|(i, e)| (format!("valid[{i}]"), e, 0));
        for (label, example, expected) in invalid.chain(valid) {
            results.examples += 1;
            let name = format!("{}:{label}", rule.name);
            let report = super::check_source(&name, example.as_bytes(), true, Some(&set));
            let diagnostics = report.map(|r| r.diagnostics).unwrap_or_default();
            let hits = diagnostics.iter().filter(|d| d.code == rule.name).count();
            if hits != expected || diagnostics.len() != expected {
                results.failures.push(Failure {
                    rule: rule.name.clone(),
                    example: label,
                    expected,
                    produced: diagnostics
                        .iter()
                        .map(|d| {
                            let path = d.path.clone().unwrap_or_default();
                            format!("{} {path}: {}", d.code, d.message)
                        })
                        .collect(),
                });
            }
        }
    }
    results
}

/// The rule set that runs one rule of `selection` alone.
pub fn alone(selection: &Selection, name: &str) -> Option<RuleSet> {
    RuleSet::load(&Selection {
        select: vec![name.to_string()],
        ignore: Vec::new(),
        ..selection.clone()
    })
    .ok()
}
