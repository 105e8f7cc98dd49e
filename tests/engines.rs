//! The fast evaluator and the CEL interpreter must agree: every built-in rule runs on the fast
//! path, and both engines give the same findings, word for word, on the examples, the load
//! fixtures, every rule example and a few dozen generated tenants. Generated conditions are
//! compared on both engines by the property test in `engines_agree.rs`.

use entralint::load;
use entralint::model;
use entralint::rules::eval::{Engine, evaluate_on};
use entralint::rules::{Piece, RuleSet, Selection};

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

fn documents() -> Vec<(String, String)> {
    let mut docs = Vec::new();
    for dir in ["examples", "examples/areas", "tests/fixtures/load"] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                docs.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap_or_default(),
                ));
            }
        }
    }
    let rules = RuleSet::load(&Selection::default()).unwrap();
    for rule in &rules.rules {
        let examples = rule
            .file
            .examples()
            .invalid
            .iter()
            .chain(&rule.file.examples().valid);
        for (i, text) in examples.enumerate() {
            docs.push((format!("{} example {i}", rule.name), text.clone()));
        }
    }
    for seed in 0..40 {
        docs.push((format!("generated {seed}"), gen_corpus::tenant(seed)));
    }
    docs
}

#[test]
fn every_builtin_condition_and_placeholder_runs_on_the_fast_path() {
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let mut slow = Vec::new();
    for rule in &rules.rules {
        if rule.when.is_none() {
            slow.push(format!("{}: condition", rule.name));
        }
        for piece in rule.message() {
            if let Piece::Expr(program) = piece
                && program.fast.is_none()
            {
                slow.push(format!("{}: placeholder {}", rule.name, program.text()));
            }
        }
    }
    assert!(slow.is_empty(), "{slow:#?}");
}

#[test]
fn both_engines_give_the_same_findings() {
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let mut compared = 0;
    let mut findings = 0;
    for (name, text) in documents() {
        let loaded = load::load(&name, text.as_bytes());
        let Some(model) = model::normalise(&loaded.document, &mut Vec::new()) else {
            continue;
        };
        let shown = |engine| {
            evaluate_on(&rules, &model, &loaded.document, engine)
                .into_iter()
                .map(|d| {
                    format!(
                        "{} {:?} {} | {:?} | {:?}",
                        d.code, d.span, d.message, d.value, d.path
                    )
                })
                .collect::<Vec<_>>()
        };
        let fast = shown(Engine::Fast);
        let interpreted = shown(Engine::Interpreter);
        assert_eq!(fast, interpreted, "{name}");
        assert!(
            !fast.iter().any(|f| f.starts_with("rule-error")),
            "{name}: {fast:#?}"
        );
        compared += 1;
        findings += fast.len();
    }
    assert!(compared > 250, "only {compared} documents compared");
    assert!(findings > 5000, "only {findings} findings compared");
}
