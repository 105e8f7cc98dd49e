//! Command-line behaviour: exit codes, the stdout/stderr split, discovery.

use assert_cmd::Command;
use predicates::prelude::*;

fn entralint() -> Command {
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

#[test]
fn the_secure_example_exits_zero() {
    entralint()
        .args(["check", "examples/secure-workforce.yaml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "(0 errors, 0 warnings, 1 info) in 1 of 1 tenant file.",
        ));
}

#[test]
fn the_examples_folder_reports_the_broken_file_and_exits_one() {
    let output = entralint()
        .args(["check", "examples/", "--format", "short"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let broken: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("examples/broken.yaml:"))
        .collect();
    for (at, code) in [
        ("8:3", "[unknown-key]"),
        ("10:20", "[invalid-value]"),
        ("13:5", "[unknown-key]"),
        ("15:26", "[wrong-type]"),
        ("18:3", "[duplicate-key]"),
        ("21:26", "[wrong-type]"),
        ("25:15", "[invalid-value]"),
        ("29:11", "[unknown-role]"),
        ("31:11", "[invalid-value]"),
    ] {
        let prefix = format!("examples/broken.yaml:{at}: error: ");
        assert!(
            broken
                .iter()
                .any(|l| l.starts_with(&prefix) && l.ends_with(code)),
            "missing {prefix}… {code} in\n{stdout}"
        );
    }
    // Load problems come only from the broken file.
    for line in stdout
        .lines()
        .filter(|l| !l.starts_with("examples/broken.yaml:"))
    {
        assert!(
            !line.contains("[unknown-key]") && !line.contains("[wrong-type]"),
            "{line}"
        );
    }
}

#[test]
fn a_missing_path_is_a_usage_failure() {
    entralint()
        .args(["check", "no/such/file.yaml"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "no/such/file.yaml: no such file or folder",
        ));
}

#[test]
fn a_bad_flag_is_a_usage_failure() {
    entralint()
        .args(["check", "--format", "xml"])
        .assert()
        .code(2);
}

#[test]
fn findings_go_to_stdout_and_notes_to_stderr() {
    entralint()
        .args([
            "check",
            "tests/fixtures/load/not-a-tenant.yaml",
            "tests/fixtures/load/unknown-key.yaml",
        ])
        .args(["--format", "short"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("unknown-key.yaml:")
                .and(predicate::str::contains("not-a-tenant").not()),
        )
        // Files that are not tenant documents are skipped quietly (a hook passes every file).
        .stderr(predicate::str::contains("not-a-tenant").not());
}

#[test]
fn a_named_file_that_is_not_a_tenant_document_is_named_with_verbose() {
    entralint()
        .args(["check", "--verbose", "--allow-empty"])
        .args(["tests/fixtures/load/not-a-tenant.yaml"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "not-a-tenant.yaml: not a tenant document; skipped",
        ));
}

#[test]
fn a_run_that_reads_no_tenant_document_fails_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("notes.yaml"),
        "title: not a tenant
",
    )
    .unwrap();
    for args in [vec![], vec!["--format", "short"], vec!["--format", "json"]] {
        entralint()
            .arg("check")
            .arg(dir.path())
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("no tenant document in"));
        entralint()
            .arg("check")
            .arg(dir.path())
            .args(&args)
            .arg("--allow-empty")
            .assert()
            .code(0);
    }
    // The configuration's equivalent.
    std::fs::write(
        dir.path().join(".entralint.yaml"),
        "allowEmpty: true
",
    )
    .unwrap();
    entralint()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .code(0);
    // Standard input that is not a tenant document.
    entralint()
        .args(["check", "--no-config", "-"])
        .write_stdin("{\"name\": \"x\"}")
        .assert()
        .code(2);
}

#[test]
fn files_that_fail_to_parse_are_skipped_unless_they_look_like_tenant_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A Helm template is not YAML until rendered; package.json and a workflow are not tenants.
    std::fs::write(
        root.join("configmap.yaml"),
        "metadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include \"x\" . | nindent 4 }}\n",
    )
    .unwrap();
    std::fs::write(root.join("package.json"), "{\"name\": \"x\",}").unwrap();
    std::fs::write(root.join("broken.yaml"), "tenant:\n  name: [a\n").unwrap();
    entralint()
        .current_dir(root)
        .args(["check", "configmap.yaml", "package.json", "broken.yaml"])
        .args(["--format", "short"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::starts_with("broken.yaml:")
                .and(predicate::str::contains("[syntax-error]"))
                .and(predicate::str::contains("configmap").not())
                .and(predicate::str::contains("package").not()),
        )
        .stderr("");
}

#[test]
fn check_dash_reads_standard_input() {
    let text = std::fs::read_to_string("examples/broken.yaml").unwrap();
    entralint()
        .args([
            "check",
            "-",
            "--format",
            "short",
            "--stdin-filename",
            "tenants/x.yaml",
        ])
        .write_stdin(text.clone())
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("tenants/x.yaml:"));
    entralint()
        .args(["check", "-", "--format", "short"])
        .write_stdin(text)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("-:"));
    entralint()
        .args(["check", "-", "examples/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be combined"));
}

#[test]
fn explain_knows_every_code_the_tool_prints() {
    // Every code a `Diagnostic` is built with in the sources: load checks, input checks, rules.
    let mut codes = std::collections::BTreeSet::new();
    let pattern =
        regex::Regex::new(r#"Diagnostic::(?:error|warning|info|new)\(\s*"([a-z0-9-]+)""#).unwrap();
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                codes.extend(pattern.captures_iter(&text).map(|c| c[1].to_string()));
            }
        }
    }
    codes.extend(
        entralint::diagnostic::LOAD_CHECKS
            .iter()
            .map(|(c, _)| c.to_string()),
    );
    assert!(codes.len() > 20, "{codes:?}");
    for code in codes {
        entralint()
            .args(["explain", &code, "--no-config"])
            .assert()
            .code(0)
            .stdout(predicate::str::contains(code.as_str()));
    }
}

#[test]
fn folders_pick_tenant_documents_by_content_and_respect_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("tenant.yaml"),
        "tenant:\n  name: a\nauthorizationPolicy:\n  bogus: 1\n",
    )
    .unwrap();
    std::fs::write(root.join("workflow.yml"), "on: push\njobs: {}\n").unwrap();
    std::fs::write(root.join(".gitignore"), "ignored.yaml\n").unwrap();
    std::fs::write(root.join("ignored.yaml"), "tenant: {name: 1}\n").unwrap();
    std::fs::create_dir(root.join(".hidden")).unwrap();
    std::fs::write(root.join(".hidden/t.yaml"), "tenant: {name: 1}\n").unwrap();
    let output = entralint()
        .current_dir(root)
        .args(["check", "--format", "short"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.lines().all(|l| l.starts_with("tenant.yaml:")),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "tenant.yaml:4:3: error: unknown key `bogus` in `authorizationPolicy` [unknown-key]\n"
        ),
        "{stdout}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn output_order_is_stable() {
    let run = || {
        entralint()
            .args(["check", "tests/fixtures/load", "--format", "short"])
            .output()
            .unwrap()
            .stdout
    };
    let first = run();
    assert!(!first.is_empty());
    assert_eq!(first, run());
}

#[test]
fn color_can_be_forced() {
    entralint()
        .args([
            "check",
            "tests/fixtures/load/unknown-key.yaml",
            "--color",
            "always",
        ])
        .env_remove("NO_COLOR")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\u{1b}["));
}
