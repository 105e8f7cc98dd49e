//! The README's baseline coverage table is generated from the rule files' `references` and
//! rules/data/baseline-controls.yaml; this fails when it is stale.
//! Regenerate with `ENTRALINT_UPDATE_DOCS=1 cargo test --test coverage`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use entralint::rules::docs::baseline_name;
use entralint::rules::{RuleSet, Selection};

#[derive(serde::Deserialize)]
struct Data {
    baselines: Vec<Baseline>,
}

#[derive(serde::Deserialize)]
struct Baseline {
    baseline: String,
    #[allow(dead_code)]
    source: String,
    #[serde(default)]
    controls: Vec<String>,
    #[serde(default)]
    manual: Vec<String>,
}

/// A ScubaGear id without its version: `MS.AAD.3.3v2` is `MS.AAD.3.3`.
fn policy(id: &str) -> &str {
    match id.rfind('v') {
        Some(v) if v > 0 && id[v + 1..].bytes().all(|b| b.is_ascii_digit()) => &id[..v],
        _ => id,
    }
}

fn table(rules: &RuleSet, data: &Data) -> String {
    let mut out = String::from("| baseline | checked | not checked yet |\n|---|---|---|\n");
    for baseline in &data.baselines {
        let b = baseline.baseline.as_str();
        let cited: BTreeSet<&str> = rules
            .rules
            .iter()
            .filter(|r| r.builtin)
            .flat_map(|r| r.file.references.controls(b))
            .map(|id| policy(id))
            .collect();
        let name = baseline_name(b);
        if baseline.controls.is_empty() {
            let _ = writeln!(
                out,
                "| {name} | {} controls cited | (the benchmark's list is not public) |",
                cited.len()
            );
            continue;
        }
        let manual: BTreeSet<&str> = baseline.manual.iter().map(|m| policy(m)).collect();
        let checkable: Vec<&str> = baseline
            .controls
            .iter()
            .map(|c| policy(c))
            .filter(|c| !manual.contains(c))
            .collect();
        let missing: Vec<&str> = checkable
            .iter()
            .copied()
            .filter(|c| !cited.contains(c))
            .collect();
        let mut extra = if manual.is_empty() {
            String::new()
        } else {
            format!(
                " ({} in all, {} reviewed by hand)",
                baseline.controls.len(),
                manual.len()
            )
        };
        let listed: BTreeSet<&str> = baseline.controls.iter().map(|c| policy(c)).collect();
        let unlisted: Vec<&str> = cited.difference(&listed).copied().collect();
        if !unlisted.is_empty() {
            let _ = write!(extra, "; also cites {}", unlisted.join(", "));
        }
        let _ = writeln!(
            out,
            "| {name} | {} of {}{extra} | {} |",
            checkable.len() - missing.len(),
            checkable.len(),
            missing.join(", ")
        );
    }
    out
}

#[test]
fn the_coverage_table_is_fresh() {
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let text = std::fs::read_to_string("rules/data/baseline-controls.yaml").unwrap();
    let data: Data = serde_saphyr::from_str(&text).unwrap();
    let table = table(&rules, &data);
    let readme = std::fs::read_to_string("README.md").unwrap();
    let (start, end) = ("<!-- coverage:start -->\n", "<!-- coverage:end -->");
    let (Some(a), Some(b)) = (readme.find(start), readme.find(end)) else {
        panic!("README.md lacks the coverage markers");
    };
    let fresh = format!("{}{start}{table}{}", &readme[..a], &readme[b..]);
    if std::env::var_os("ENTRALINT_UPDATE_DOCS").is_some() {
        std::fs::write("README.md", &fresh).unwrap();
    } else {
        assert!(
            fresh == readme,
            "README.md's coverage table is stale: run ENTRALINT_UPDATE_DOCS=1 cargo test --test coverage"
        );
    }
}

#[test]
fn versions_are_stripped_from_scubagear_ids_only() {
    assert_eq!(policy("MS.AAD.3.3v2"), "MS.AAD.3.3");
    assert_eq!(policy("AP04"), "AP04");
    assert_eq!(policy("5.1.2.3"), "5.1.2.3");
}
