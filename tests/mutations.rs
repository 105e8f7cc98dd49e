//! Property test: valid tenant files, mutated the way real edits and broken exports go wrong —
//! lines deleted or duplicated, values retyped, anchors and aliases injected, the file cut
//! anywhere, random bytes inserted — never make entralint panic, and every diagnostic it gives
//! points inside the file.

use std::sync::LazyLock;

use entralint::check::check_source;
use entralint::rules::{RuleSet, Selection};
use proptest::prelude::*;

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::load(&Selection::default()).unwrap());

static BASES: LazyLock<Vec<String>> = LazyLock::new(|| {
    [
        "secure-workforce.yaml",
        "defaults-workforce.yaml",
        "external-tenant.yaml",
    ]
    .iter()
    .map(|n| std::fs::read_to_string(format!("examples/{n}")).unwrap())
    .collect()
});

const VALUES: &[&str] = &[
    "[]",
    "{}",
    "123",
    "-1",
    "\"text\"",
    "null",
    "~",
    "true",
    "yes",
    "*nowhere",
    "&a x",
    "!!str 5",
    "[*a, *a]",
    "{a: [b, {c: d}]}",
    "\"\\u0000\"",
    "|\n  block",
    "2026-13-45",
    "P9999999999D",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLines(usize, usize),
    DuplicateLine(usize),
    Retype(usize, usize),
    AnchorAndAlias(usize, usize),
    Cut(usize),
    InsertBytes(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..5usize).prop_map(|(at, n)| Mutation::DeleteLines(at, n)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(at, v)| Mutation::Retype(at, v)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::AnchorAndAlias(a, b)),
        any::<usize>().prop_map(Mutation::Cut),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, b)| Mutation::InsertBytes(at, b)),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return text.as_bytes().to_vec();
    }
    let n = lines.len();
    match mutation {
        Mutation::DeleteLines(at, count) => {
            let start = at % n;
            let end = (start + count).min(lines.len());
            lines.drain(start..end);
        }
        Mutation::DuplicateLine(at) => {
            let line = lines[at % n].clone();
            lines.insert(at % n, line);
        }
        Mutation::Retype(at, v) => {
            let line = &mut lines[at % n];
            if let Some(colon) = line.find(": ") {
                line.truncate(colon + 2);
                line.push_str(VALUES[v % VALUES.len()]);
            }
        }
        Mutation::AnchorAndAlias(a, b) => {
            if let Some(colon) = lines[a % n].find(": ") {
                lines[a % n].insert_str(colon + 2, "&anchor ");
            }
            if let Some(colon) = lines[b % n].find(": ") {
                let line = &mut lines[b % n];
                line.truncate(colon + 2);
                line.push_str("*anchor");
            }
        }
        Mutation::Cut(at) => {
            let text = lines.join("\n");
            let mut cut = at % (text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            return text.as_bytes()[..cut].to_vec();
        }
        Mutation::InsertBytes(at, bytes) => {
            let mut text = lines.join("\n").into_bytes();
            let at = at % (text.len() + 1);
            text.splice(at..at, bytes.iter().copied());
            return text;
        }
    }
    lines.join("\n").into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_tenant_files_never_break_entralint(
        base in 0..3usize,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let mut bytes = BASES[base].as_bytes().to_vec();
        for m in &mutations {
            bytes = apply(&String::from_utf8_lossy(&bytes), m);
        }
        if let Some(report) = check_source("mutated.yaml", &bytes, true, Some(&RULES)) {
            let len = report.source.text.len() as u32;
            for d in &report.diagnostics {
                prop_assert!(d.span.start <= d.span.end && d.span.end <= len, "{:?} outside {} bytes", d, len);
                prop_assert!(d.related.iter().all(|r| r.span.end <= len));
                prop_assert!(d.code != "rule-error", "a rule failed on a mutated file: {}", d.message);
            }
        }
    }
}
