//! Hostile input: every fixture loads or gets a clear diagnostic, and nothing panics or hangs.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

/// A generous bound that only a hang would reach; timing itself is measured by the benchmark.
const HANG: Duration = Duration::from_secs(30);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn check(path: &Path) -> Run {
    let output = Command::cargo_bin("entralint")
        .unwrap()
        .args(["check", "--format", "short", "--allow-empty", "--verbose"])
        // Loading is under test; the fixtures declare the settings these two rules judge.
        .args([
            "--select",
            "guest-invites-by-everyone,users-can-register-apps",
        ])
        .arg(path)
        .timeout(HANG)
        .output()
        .unwrap();
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "{}: {}",
        path.display(),
        run.stderr
    );
    assert!(
        matches!(run.code, Some(0 | 1)),
        "{}: exit {:?}\n{}",
        path.display(),
        run.code,
        run.stderr
    );
    run
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new("tests/fixtures/hostile").join(name)
}

#[test]
fn no_fixture_panics_or_hangs() {
    let mut seen = 0;
    for entry in std::fs::read_dir("tests/fixtures/hostile").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        check(&path);
        seen += 1;
    }
    assert!(seen >= 14, "only {seen} hostile fixtures");
}

/// (fixture, expected exit code, text the short output must hold)
const EXPECTED: &[(&str, i32, &str)] = &[
    ("alias-bomb.yaml", 1, "[too-many-nodes]"),
    ("deep-nesting.yaml", 1, "[syntax-error]"),
    ("deep-nesting-block.yaml", 1, "[syntax-error]"),
    // Nothing in it says it is a tenant file: skipped, like any other file that is not one.
    ("random-binary.yaml", 0, ""),
    ("invalid-utf8.yaml", 1, "invalid-utf8.yaml:3:"),
    ("nul-bytes.yaml", 1, "nul-bytes.yaml:2:"),
    ("utf8-bom.yaml", 0, ""),
    ("utf16le-bom.yaml", 0, ""),
    ("utf16be-bom.yaml", 0, ""),
    ("crlf.yaml", 0, ""),
    ("tabs.yaml", 1, "[syntax-error]"),
    ("multi-document.yaml", 1, "[multiple-documents]"),
    ("unterminated-quote.yaml", 1, "[syntax-error]"),
    ("huge-string.yaml", 0, ""),
];

#[test]
fn each_fixture_gets_its_diagnostic() {
    for (name, code, needle) in EXPECTED {
        let run = check(&fixture(name));
        assert_eq!(
            run.code,
            Some(*code),
            "{name}:\n{}{}",
            run.stdout,
            run.stderr
        );
        assert!(
            run.stdout.contains(needle),
            "{name}: expected {needle:?} in\n{}",
            run.stdout
        );
        if *code == 0 {
            assert_eq!(run.stdout, "", "{name}");
        }
    }
}

#[test]
fn an_empty_file_is_reported_as_not_a_tenant_document() {
    let run = check(&fixture("empty.yaml"));
    assert_eq!(run.code, Some(0));
    assert!(
        run.stderr.contains("not a tenant document"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_over_the_cap_gets_a_size_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    // Sparse: over the 256 MB cap without taking the disk space (it is never read).
    let file = std::fs::File::create(&path).unwrap();
    std::io::Write::write_all(&mut &file, b"tenant:\n  name: huge\n").unwrap();
    file.set_len(entralint::read::MAX_TENANT_BYTES + 1).unwrap();
    let run = check(&path);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.contains(
            "huge.yaml:1:1: error: the file is 256.0 MB; entralint reads tenant files up to 256 MB"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn the_same_tenant_reads_alike_in_every_encoding() {
    let outputs: Vec<String> = [
        "utf8-bom.yaml",
        "utf16le-bom.yaml",
        "utf16be-bom.yaml",
        "crlf.yaml",
    ]
    .iter()
    .map(|name| check(&fixture(name)).stdout)
    .collect();
    assert!(outputs.iter().all(|o| o.is_empty()), "{outputs:?}");
}
