//! Embeds the built-in rules, profiles and data: every YAML file under rules/ (but the tenant
//! templates of rules/data/init, which `init` writes out as they are) becomes an entry of a
//! generated table, so adding a rule touches no Rust.
//!
//! Each file is embedded as JSON when it converts: reading JSON at start-up costs a fraction of
//! reading YAML with spans, and one file's latency is mostly start-up. A file that does not
//! convert is embedded as written, so entralint reports its problem at its line and column.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let root = manifest.join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut table = String::from("&[\n");
    for (n, path) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", path.display());
        let relative = path.strip_prefix(&manifest).unwrap_or(path);
        let relative = relative.to_string_lossy().replace('\\', "/");
        let yaml = std::fs::read_to_string(path).expect("read an embedded rules file");
        let is_rule =
            !relative.starts_with("rules/profiles/") && !relative.starts_with("rules/data/");
        let (embedded, json, docs) = match to_json(&yaml, is_rule) {
            Some((json, docs)) => {
                let name = out.join(format!("embedded-{n}.json"));
                std::fs::write(&name, json).expect("write an embedded JSON file");
                let docs = docs.map(|docs| {
                    let name = out.join(format!("embedded-{n}-docs.json"));
                    std::fs::write(&name, docs).expect("write an embedded JSON file");
                    format!("include_str!({:?})", name.to_string_lossy())
                });
                (name, true, docs)
            }
            None => (path.clone(), false, None),
        };
        let _ = writeln!(
            table,
            "    Embedded {{ path: {relative:?}, text: include_str!({:?}), json: {json}, docs: {} }},",
            embedded.to_string_lossy(),
            docs.map_or("None".to_string(), |docs| format!("Some({docs})")),
        );
    }
    table.push_str("]\n");
    std::fs::write(out.join("embedded.rs"), table).expect("write embedded.rs");
    link_position_dependent();
}

/// On Linux with glibc the `entralint` executable is linked position-dependent. Its image holds
/// some 65,000 absolute addresses (vtables, panic locations, tables of names); as a
/// position-independent executable the loader rewrites each at every start, copying some 380
/// pages, which costs more than a millisecond of a run that checks one file in a few. Libraries,
/// heap and stack are still placed at random. `ENTRALINT_PIE=1` builds a position-independent
/// executable instead.
fn link_position_dependent() {
    println!("cargo:rerun-if-env-changed=ENTRALINT_PIE");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && std::env::var_os("ENTRALINT_PIE").is_none()
    {
        // Given after rustc's own `-pie`, so it is the one the linker follows.
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

/// The document as JSON, when it is one YAML document that serde-saphyr reads. A rule's
/// description and examples, which only its documentation, `explain` and the tests read, are
/// moved to a JSON document of their own (the second), read when first asked for: they are most
/// of a rule file's bytes, and reading them at every start cost a one-file check one in twenty of its
/// instructions. Empty ones stand in their place, so that the rule still reads as complete.
fn to_json(yaml: &str, is_rule: bool) -> Option<(String, Option<String>)> {
    let mut value: serde_json::Value = serde_saphyr::from_str(yaml).ok()?;
    let mut docs = None;
    if let Some(fields) = value.as_object_mut().filter(|_| is_rule)
        && fields.contains_key("description")
        && fields.contains_key("examples")
    {
        let mut moved = serde_json::Map::new();
        for (key, empty) in [
            ("description", serde_json::json!("")),
            ("examples", serde_json::json!({})),
        ] {
            if let Some(value) = fields.insert(key.to_string(), empty) {
                moved.insert(key.to_string(), value);
            }
        }
        docs = Some(serde_json::to_string(&moved).ok()?);
    }
    Some((serde_json::to_string(&value).ok()?, docs))
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "init") {
                continue;
            }
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
}
