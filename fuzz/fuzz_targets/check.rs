//! Loads and checks arbitrary bytes as a tenant file with every built-in rule: it must never
//! panic, and every diagnostic must point inside the file.
#![no_main]

use std::sync::LazyLock;

use entralint::check::check_source;
use entralint::rules::{RuleSet, Selection};
use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<RuleSet> =
    LazyLock::new(|| RuleSet::load(&Selection::default()).expect("built-in rules load"));

fuzz_target!(|data: &[u8]| {
    if let Some(report) = check_source("fuzz.yaml", data, true, Some(&RULES)) {
        let len = report.source.text.len() as u32;
        for d in &report.diagnostics {
            assert!(d.span.start <= d.span.end && d.span.end <= len, "{d:?} outside {len} bytes");
            for related in &d.related {
                assert!(related.span.end <= len, "{related:?} outside {len} bytes");
            }
        }
    }
});
