//! docs/rules/*.md are generated from the rule files; this fails when they are stale.
//! Regenerate with `ENTRALINT_UPDATE_DOCS=1 cargo test --test rule_docs`.

use std::path::Path;

use entralint::rules::{RuleSet, Selection, docs};

#[test]
fn rule_docs_are_fresh() {
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let update = std::env::var_os("ENTRALINT_UPDATE_DOCS").is_some();
    let dir = Path::new("docs/rules");
    let mut expected = vec![("README.md".to_string(), index(&rules))];
    for rule in rules.rules.iter().filter(|r| r.builtin) {
        expected.push((format!("{}.md", rule.name), docs::page(rule)));
    }
    if update {
        std::fs::create_dir_all(dir).unwrap();
        for entry in std::fs::read_dir(dir).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
    }
    let mut stale = Vec::new();
    for (name, text) in &expected {
        let path = dir.join(name);
        if update {
            std::fs::write(&path, text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    let readme = std::fs::read_to_string("README.md").unwrap();
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let (Some(a), Some(b)) = (readme.find(start), readme.find(end)) else {
        panic!("README.md lacks the rules markers");
    };
    let table = docs::table(&rules);
    let fresh = format!("{}{start}{table}{}", &readme[..a], &readme[b..]);
    let fresh = with_rule_count(&fresh, rules.rules.iter().filter(|r| r.builtin).count());
    if update {
        std::fs::write("README.md", &fresh).unwrap();
    } else if fresh != readme {
        stale.push("README.md (rule table)".to_string());
    }
    let present = std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0);
    assert!(
        stale.is_empty(),
        "stale rule docs (run ENTRALINT_UPDATE_DOCS=1 cargo test --test rule_docs): {stale:?}"
    );
    assert_eq!(
        present,
        expected.len(),
        "docs/rules holds files no rule generates"
    );
}

fn index(rules: &RuleSet) -> String {
    let table = docs::table(rules).replace("](docs/rules/", "](");
    format!(
        "# Rules\n\nGenerated from the rule files under `rules/`; `entralint explain NAME` prints the same pages.\n\n{table}"
    )
}

/// The README's "The built-in catalog holds N rules" with the catalog's count.
fn with_rule_count(readme: &str, count: usize) -> String {
    let lead = "The built-in catalog holds ";
    let at = readme.find(lead).expect("README.md states the rule count") + lead.len();
    let digits = readme[at..].bytes().take_while(u8::is_ascii_digit).count();
    format!("{}{count}{}", &readme[..at], &readme[at + digits..])
}
