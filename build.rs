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
        let (embedded, json) = match to_json(&yaml) {
            Some(json) => {
                let name = out.join(format!("embedded-{n}.json"));
                std::fs::write(&name, json).expect("write an embedded JSON file");
                (name, true)
            }
            None => (path.clone(), false),
        };
        let _ = writeln!(
            table,
            "    Embedded {{ path: {relative:?}, text: include_str!({:?}), json: {json} }},",
            embedded.to_string_lossy()
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

/// The document as JSON, when it is one YAML document that serde-saphyr reads.
fn to_json(yaml: &str) -> Option<String> {
    let value: serde_json::Value = serde_saphyr::from_str(yaml).ok()?;
    serde_json::to_string(&value).ok()
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
