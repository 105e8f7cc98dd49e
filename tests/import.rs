//! `entralint import`: every supported input becomes a tenant file that loads cleanly, with each
//! value's origin in a comment; existing files are never replaced without --force.

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use entralint::check::check_source;
use entralint::rules::{RuleSet, Selection};

fn import(input: &str, output: &Path, force: bool) -> std::process::Output {
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    cmd.args(["import", input, "-o"]).arg(output);
    if force {
        cmd.arg("--force");
    }
    cmd.output().unwrap()
}

/// Rule names of the findings on declared values (findings on defaults differ in wording only).
fn rule_names(name: &str, bytes: &[u8], rules: &RuleSet) -> BTreeSet<String> {
    check_source(name, bytes, true, Some(rules))
        .unwrap()
        .diagnostics
        .into_iter()
        .map(|d| d.code)
        .collect()
}

fn assert_loads_cleanly(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let report = check_source("out.yaml", &bytes, true, None).unwrap();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
}

#[test]
fn a_single_response_with_origins() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tenant.yaml");
    let input = "tests/fixtures/graph/authorization-policy-v1-entity.json";
    let result = import(input, &out, false);
    assert_eq!(result.status.code(), Some(0), "{result:?}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains(&format!("  allowInvitesFrom: \"everyone\"  # {input}:4\n")),
        "{text}"
    );
    assert!(
        text.contains(&format!("    allowedToCreateApps: true  # {input}:15\n")),
        "{text}"
    );
    // Graph's extra properties and nulls are not carried over.
    assert!(
        !text.contains("deletedDateTime") && !text.contains("someFuturePreviewProperty"),
        "{text}"
    );
    assert_loads_cleanly(&out);
    insta::assert_snapshot!(text);
    // The converted file raises the same rules as the response.
    let rules = RuleSet::load(&Selection::default()).unwrap();
    assert_eq!(
        rule_names("in.json", &std::fs::read(input).unwrap(), &rules),
        rule_names("out.yaml", text.as_bytes(), &rules)
    );
}

#[test]
fn folders_exports_and_scubagear_load_cleanly() {
    let rules = RuleSet::load(&Selection::default()).unwrap();
    for input in [
        "tests/fixtures/graph-folder/contoso",
        "tests/fixtures/entra-exporter/export",
        "tests/fixtures/scuba/provider-settings-current.json",
        "tests/fixtures/scuba/provider-settings-older.json",
        "tests/fixtures/graph/role-assignments-expand-principal.json",
        "tests/fixtures/graph/trailing-commas.json",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("tenant.yaml");
        let result = import(input, &out, false);
        assert_eq!(result.status.code(), Some(0), "{input}: {result:?}");
        assert_loads_cleanly(&out);
        let names = rule_names("out.yaml", &std::fs::read(&out).unwrap(), &rules);
        assert!(!names.is_empty(), "{input}");
    }
    // A folder's header and its responses end up in one file.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tenant.yaml");
    import("tests/fixtures/entra-exporter/export", &out, false);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains(
            "  name: \"fabrikam\"  # tests/fixtures/entra-exporter/export/tenant.yaml:2\n"
        ),
        "{text}"
    );
    assert!(text.contains("owners:"), "{text}");
    assert!(text.contains("type: \"eligible\""), "{text}");
}

#[test]
fn never_replaces_a_file_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tenant.yaml");
    std::fs::write(&out, "# mine\n").unwrap();
    let input = "tests/fixtures/graph/group-settings.json";
    let result = import(input, &out, false);
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "# mine\n");
    let result = import(input, &out, true);
    assert_eq!(result.status.code(), Some(0), "{result:?}");
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("EnableGroupCreation")
    );
}

#[test]
fn broken_input_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tenant.yaml");
    for (input, code) in [
        ("tests/fixtures/graph/truncated.json", 1),
        ("tests/fixtures/graph/wrong-value.json", 1),
        ("tests/fixtures/graph/unsupported-endpoint.json", 2),
        // Two tenants in one folder: which one is meant is not guessed.
        ("tests/fixtures/graph-folder", 2),
        ("tests/fixtures/no-such-folder", 2),
    ] {
        let result = import(input, &out, false);
        assert_eq!(result.status.code(), Some(code), "{input}: {result:?}");
        assert!(!out.exists(), "{input}");
    }
    let result = import("tests/fixtures/graph/truncated.json", &out, false);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("tests/fixtures/graph/truncated.json:6:28: error"),
        "{stderr}"
    );
}
