//! Prints how long loading and checking the bundled examples takes, with and without rules, and
//! what each rule costs per tenant. Run: `cargo bench --bench check`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use entralint::check::check_source;
use entralint::load;
use entralint::model;
use entralint::rules::{RuleSet, Selection, eval};

fn per_iteration(mut f: impl FnMut(), budget: Duration) -> Duration {
    let start = Instant::now();
    let mut runs = 0u32;
    while start.elapsed() < budget || runs < 10 {
        f();
        runs += 1;
    }
    start.elapsed() / runs
}

fn main() {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir("examples")
        .expect("run from the repository root")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    let started = Instant::now();
    let rules = RuleSet::load(&Selection::default()).expect("built-in rules");
    println!(
        "built-in rules read and compiled once: {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    let budget = Duration::from_millis(300);
    println!(
        "{:<36} {:>8} {:>14} {:>14}",
        "file", "bytes", "load (µs)", "check (µs)"
    );
    for (name, bytes) in &files {
        let load_only = per_iteration(
            || {
                black_box(check_source(name, bytes, true, None));
            },
            budget,
        );
        let full = per_iteration(
            || {
                black_box(check_source(name, bytes, true, Some(&rules)));
            },
            budget,
        );
        println!(
            "{:<36} {:>8} {:>14.1} {:>14.1}",
            name,
            bytes.len(),
            load_only.as_secs_f64() * 1e6,
            full.as_secs_f64() * 1e6
        );
    }
    let secure = files
        .iter()
        .find(|(n, _)| n.ends_with("secure-workforce.yaml"))
        .expect("secure example");
    let loaded = load::load(&secure.0, &secure.1);
    let model = model::normalise(&loaded.document, &mut Vec::new()).expect("a tenant");
    let none = RuleSet::load(&Selection {
        ignore: rules.rules.iter().map(|r| r.name.clone()).collect(),
        ..Selection::default()
    })
    .unwrap();
    let base = per_iteration(
        || {
            black_box(eval::evaluate(&none, &model, &loaded.document));
        },
        budget,
    );
    println!(
        "\nper-tenant evaluation on {} (context and tenant value built once per tenant):",
        secure.0
    );
    println!(
        "{:<36} {:>12}",
        "setup, no rule",
        format!("{:.1} µs", base.as_secs_f64() * 1e6)
    );
    for rule in &rules.rules {
        let one = RuleSet::load(&Selection {
            select: vec![rule.name.clone()],
            ..Selection::default()
        })
        .unwrap();
        let cost = per_iteration(
            || {
                black_box(eval::evaluate(&one, &model, &loaded.document));
            },
            budget,
        );
        let extra = cost.saturating_sub(base);
        println!(
            "{:<36} {:>12}",
            rule.name,
            format!("{:.1} µs", extra.as_secs_f64() * 1e6)
        );
    }
}
