//! Imports flow one way, down the pipeline: every top-level module of `src/` sits on a floor, and
//! a module may name only modules on its own floor or below, with no cycle among them. The test
//! reads the `crate::` paths in each module's files (imports and inline paths alike).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Floors from the top down; a module may import its own floor (without a cycle) and lower ones.
const FLOORS: &[(&str, &[&str])] = &[
    ("command line", &["main", "cli", "server"]),
    ("driver", &["check"]),
    (
        "sinks and actions",
        &[
            "report",
            "fix",
            "suppress",
            "config",
            "init",
            "import",
            "permissions",
            "drift",
        ],
    ),
    ("rules", &["rules"]),
    ("model", &["model"]),
    ("load", &["load", "discover"]),
    (
        "vocabulary",
        &[
            "tree",
            "catalogue",
            "diagnostic",
            "outcome",
            "write",
            "read",
            "escape",
            "paths",
            "suggest",
            "embedded",
            "typed",
            "dispose",
        ],
    ),
];

fn floor_of(module: &str) -> Option<usize> {
    FLOORS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

/// The top-level module a file under `src/` belongs to.
fn module_of(relative: &Path) -> String {
    let first = relative.components().next().unwrap();
    let name = first.as_os_str().to_string_lossy();
    name.strip_suffix(".rs").unwrap_or(&name).to_string()
}

/// The top-level modules a file's text names through `crate::`.
fn named(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            // `$crate::` in macros is the same crate.
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
            rest = after;
        }
    }
    found
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Module → the modules it names, with one file that names each (for the message).
fn graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = Path::new("src");
    let mut paths = Vec::new();
    files(src, &mut paths);
    let mut edges: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for path in paths {
        let relative = path.strip_prefix(src).unwrap();
        let module = module_of(relative);
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let entry = edges.entry(module.clone()).or_default();
        for target in named(&text) {
            if target != module {
                entry
                    .entry(target)
                    .or_insert_with(|| relative.display().to_string());
            }
        }
    }
    edges
}

#[test]
fn every_module_has_a_floor() {
    let missing: Vec<String> = graph()
        .keys()
        .filter(|m| floor_of(m).is_none())
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "modules without a floor in tests/layering.rs: {missing:?}"
    );
}

#[test]
fn no_module_imports_a_higher_floor() {
    let mut upward = Vec::new();
    for (module, targets) in graph() {
        let Some(from) = floor_of(&module) else {
            continue;
        };
        for (target, file) in targets {
            if floor_of(&target).is_some_and(|to| to < from) {
                upward.push(format!(
                    "{module} ({}) -> {target} ({}), in src/{file}",
                    FLOORS[from].0,
                    FLOORS[floor_of(&target).unwrap()].0
                ));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports up the floors:\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_import_cycle_between_modules() {
    let edges = graph();
    // Depth-first search; a module met again while still on the path closes a cycle.
    fn visit(
        module: &str,
        edges: &BTreeMap<String, BTreeMap<String, String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|m| m == module) {
            let mut cycle = path[at..].to_vec();
            cycle.push(module.to_string());
            return Some(cycle);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_string());
        for target in edges.get(module).into_iter().flat_map(|t| t.keys()) {
            if let Some(cycle) = visit(target, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(module.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for module in edges.keys() {
        let cycle = visit(module, &edges, &mut Vec::new(), &mut done);
        assert!(
            cycle.is_none(),
            "import cycle: {}",
            cycle.unwrap().join(" -> ")
        );
    }
}

#[test]
fn the_reader_sees_paths_and_skips_comments() {
    let text = "use crate::tree::{Node};\n// crate::cli is only mentioned\nlet x = $crate::model::value::Val::Null; crate::load::load(a)";
    let found: Vec<String> = named(text).into_iter().collect();
    assert_eq!(found, ["load", "model", "tree"]);
}
