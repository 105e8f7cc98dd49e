//! examples/areas/ holds a tenant per rule area (the folder under rules/), and together an area's
//! files trip every rule of that area. The secure example trips no error or warning.

use std::collections::BTreeSet;

use entralint::check::check_source;
use entralint::diagnostic::Severity;
use entralint::rules::{RuleSet, Selection};

#[test]
fn every_rule_fires_on_its_area_example() {
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let mut fired: BTreeSet<String> = BTreeSet::new();
    let mut files: Vec<_> = std::fs::read_dir("examples/areas")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in &files {
        let area = path
            .file_stem()
            .unwrap()
            .to_str()
            .unwrap()
            .split('-')
            .next()
            .unwrap()
            .to_string();
        // Areas whose own name has a hyphen.
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let area = ["app-credentials", "cross-tenant"]
            .into_iter()
            .find(|a| stem.starts_with(a))
            .map_or(area, str::to_string);
        let report = check_source(
            &path.display().to_string(),
            &std::fs::read(path).unwrap(),
            true,
            Some(&rules),
        )
        .unwrap();
        for d in &report.diagnostics {
            assert!(
                rules.get(&d.code).is_some(),
                "{}: load problem {}: {}",
                path.display(),
                d.code,
                d.message
            );
            let rule = rules.get(&d.code).unwrap();
            if rule.origin.starts_with(&format!("rules/{area}/")) {
                fired.insert(d.code.clone());
            }
        }
    }
    let missing: Vec<&str> = rules
        .rules
        .iter()
        .filter(|r| r.builtin && !fired.contains(&r.name))
        .map(|r| r.name.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "rules no area example trips: {missing:?}"
    );
}

#[test]
fn the_secure_example_has_no_error_or_warning() {
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let name = "examples/secure-workforce.yaml";
    let report = check_source(name, &std::fs::read(name).unwrap(), true, Some(&rules)).unwrap();
    let serious: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(serious.is_empty(), "{serious:#?}");
}
