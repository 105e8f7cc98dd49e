//! Loads and checks arbitrary bytes with every built-in rule, as each kind of file entralint reads
//! (the first byte picks the file name, which picks the loader), then fixes what is fixable: it
//! must never panic, and every diagnostic must point inside the file.
#![no_main]

use std::sync::LazyLock;

use entralint::check::{Checker, check_source};
use entralint::config::Config;
use entralint::fix::{Fixer, fix_source};
use entralint::rules::{RuleSet, Selection};
use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<RuleSet> =
    LazyLock::new(|| RuleSet::load(&Selection::default()).expect("built-in rules load"));

const NAMES: &[&str] = &[
    "tenant.yaml",
    "tenant.json",
    "M365TenantConfig.ps1",
    "ConfigurationData.psd1",
    "cAADAuthorizationPolicy.yml",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, data)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let Some(report) = check_source(name, data, true, Some(&RULES)) else {
        return;
    };
    let len = report.source.text.len() as u32;
    for d in &report.diagnostics {
        assert!(d.span.start <= d.span.end && d.span.end <= len, "{d:?} outside {len} bytes");
        for related in &d.related {
            assert!(related.span.end <= len, "{related:?} outside {len} bytes");
        }
    }
    if report.diagnostics.iter().any(|d| d.fixable) {
        let config = Config::default();
        let checker = Checker {
            rules: Some(&RULES),
            config: &config,
        };
        let fixer = Fixer {
            checker: &checker,
            baseline: None,
            allow_unsafe: true,
        };
        let _ = fix_source(name, &report.source.text, &fixer);
    }
});
