//! Every rule's examples are tests: each invalid example raises its rule exactly once, each valid
//! example raises nothing; the human output of each invalid example is a snapshot.

use entralint::check::{Outcome, check_source};
use entralint::report::{self, Format, Style};
use entralint::rules::{RuleSet, Selection};

fn only(rule: &str) -> RuleSet {
    RuleSet::load(&Selection {
        select: vec![rule.to_string()],
        ..Selection::default()
    })
    .unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn examples_raise_exactly_their_rule() {
    let all = RuleSet::load(&Selection::default()).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in all.rules.iter().filter(|r| r.builtin) {
        let set = only(&rule.name);
        let cases = rule
            .file
            .examples()
            .invalid
            .iter()
            .map(|e| (e, 1))
            .enumerate()
            .map(|(i, (e, n))| (format!("invalid[{i}]"), e, n));
        let valid = rule
            .file
            .examples()
            .valid
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("valid[{i}]"), e, 0));
        for (label, example, expected) in cases.chain(valid) {
            checked += 1;
            let name = format!("{}:{label}", rule.name);
            let report = check_source(&name, example.as_bytes(), true, Some(&set))
                .expect("a tenant document");
            let produced: Vec<String> = report
                .diagnostics
                .iter()
                .map(|d| {
                    format!(
                        "{} {}: {}",
                        d.code,
                        d.path.clone().unwrap_or_default(),
                        d.message
                    )
                })
                .collect();
            let hits = report
                .diagnostics
                .iter()
                .filter(|d| d.code == rule.name)
                .count();
            if hits != expected || produced.len() != expected {
                failures.push(format!(
                    "{name}: expected {expected} finding(s) of `{}`, produced {}:\n    {}",
                    rule.name,
                    produced.len(),
                    produced.join("\n    ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 10);
}

#[test]
fn every_rule_has_examples_of_both_kinds() {
    let all = RuleSet::load(&Selection::default()).unwrap();
    for rule in all.rules.iter().filter(|r| r.builtin) {
        assert!(
            !rule.file.examples().invalid.is_empty(),
            "{} has no invalid example",
            rule.name
        );
        assert!(
            !rule.file.examples().valid.is_empty(),
            "{} has no valid example",
            rule.name
        );
    }
}

#[test]
fn invalid_examples_render() {
    let all = RuleSet::load(&Selection::default()).unwrap();
    for rule in all.rules.iter().filter(|r| r.builtin) {
        let set = only(&rule.name);
        for (i, example) in rule.file.examples().invalid.iter().enumerate() {
            let name = format!("{}.yaml", rule.name);
            let outcome = Outcome {
                files: check_source(&name, example.as_bytes(), true, Some(&set))
                    .into_iter()
                    .collect(),
                ..Outcome::default()
            };
            let mut out = Vec::new();
            let style = Style {
                color: false,
                width: 100,
            };
            report::render(
                &outcome,
                Format::Human,
                style,
                &Default::default(),
                &mut out,
            )
            .unwrap();
            insta::assert_snapshot!(
                format!("{}-invalid-{i}", rule.name),
                String::from_utf8(out).unwrap()
            );
        }
    }
}
