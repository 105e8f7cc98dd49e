//! The check that the controls a folder of rules cites have their sources recorded in a data file.

use entralint::rules::{RuleSet, Selection};

/// Asserts that every control of the baseline `families` that the rules under `folder`
/// (`rules/methods/`) cite is listed in the `sources` data file, and that they cite at least `least`.
pub fn assert_cited_controls_sourced(folder: &str, sources: &str, families: &[&str], least: usize) {
    let sources = std::fs::read_to_string(sources).unwrap();
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let mut cited = 0;
    for rule in &rules.rules {
        if !rule.origin.contains(folder) {
            continue;
        }
        let references = &rule.file.references;
        for id in families
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
