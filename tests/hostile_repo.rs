//! A repository written by whoever opens the pull request: every case ends in a clear error or a
//! safe output, in bounded time and memory (asserted loosely: these are not timing tests).
//!
//! Cases: reads that never end (`/dev/zero`, FIFOs) as configuration, baseline and rules; files
//! outside the repository reached through links or paths; secrets in snippets; control
//! characters and workflow commands in values and file names, in reports, `--diff`,
//! `permissions` and `explain`; names that are not UTF-8; a finding past column 65,535; mappings
//! of 100,000 and 1,000,000 keys; writes through links, over read-only and hard-linked files and
//! over the files the run reads; unreadable paths on the command line, a large file that is not a
//! tenant document, and configuration above the repository.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// What one run did, and what it cost.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    seconds: f64,
    /// Peak resident memory, when `/usr/bin/time` can measure it.
    peak_mb: Option<u64>,
}

impl Run {
    /// Generous bounds: a run that reads without end takes minutes and gigabytes.
    fn bounded(&self, seconds: f64) -> &Self {
        assert!(
            self.seconds < seconds,
            "took {:.1} s\n{}",
            self.seconds,
            self.stderr
        );
        if let Some(mb) = self.peak_mb {
            assert!(mb < 600, "peak memory {mb} MB\n{}", self.stderr);
        }
        self
    }

    fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Standard output that a CI log cannot take for a workflow command and that cannot drive a
    /// terminal: no line starts with `::`, and no escape character gets through.
    fn safe_to_print(&self) {
        assert!(
            !self.stdout.lines().any(|l| l.starts_with("::")),
            "{}",
            self.stdout
        );
        assert!(!self.stdout.contains('\x1b'), "{:?}", self.stdout);
    }
}

fn entralint(dir: &Path, args: &[&str]) -> Run {
    let binary = assert_cmd::cargo::cargo_bin("entralint");
    let time = Path::new("/usr/bin/time");
    let peak_file = dir.join(".peak");
    let mut command = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&peak_file).arg(&binary);
        c
    } else {
        Command::new(&binary)
    };
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY");
    let started = Instant::now();
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Both pipes are drained while the run goes on: a report larger than a pipe's buffer would
    // otherwise block the run.
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    // A hang is a failure, not a test that never ends.
    let deadline = Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = (
        status.and_then(|s| s.code()),
        stdout.join().unwrap(),
        stderr.join().unwrap(),
    );
    let seconds = started.elapsed().as_secs_f64();
    let peak_mb = std::fs::read_to_string(&peak_file)
        .ok()
        .and_then(|t| t.lines().last()?.trim().parse::<u64>().ok())
        .map(|kb| kb / 1024);
    let _ = std::fs::remove_file(&peak_file);
    Run {
        code: output.0,
        stdout: String::from_utf8_lossy(&output.1).into_owned(),
        stderr: String::from_utf8_lossy(&output.2).into_owned(),
        seconds,
        peak_mb,
    }
}

/// A repository: a folder with `.git`, so that discovery and confinement stop here.
fn repo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(root.join(".git")).unwrap();
    (dir, root)
}

const TENANT: &str = "tenant:\n  name: t\nauthorizationPolicy:\n  allowInvitesFrom: none\n";
const FIXABLE: &str = "authorizationPolicy:\n  blockMsolPowerShell: false\n";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/hostile-repo")
            .join(name),
    )
    .unwrap()
}

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

fn link(target: impl AsRef<Path>, at: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

// Unbounded reads.

#[test]
fn a_configuration_that_is_dev_zero_ends_in_an_error() {
    let (_dir, root) = repo();
    std::fs::write(root.join("t.yaml"), TENANT).unwrap();
    link("/dev/zero", root.join(".entralint.yaml"));
    let run = entralint(&root, &["check", "t.yaml"]);
    run.bounded(10.0);
    assert_eq!(run.code, Some(2), "{}", run.output());
    assert!(run.stderr.contains(".entralint.yaml"), "{}", run.stderr);
    let run = entralint(&root, &["check", "--config", "/dev/zero", "t.yaml"]);
    run.bounded(10.0);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
}

#[test]
fn a_baseline_or_rule_that_is_dev_zero_or_a_fifo_ends_in_an_error() {
    let (_dir, root) = repo();
    std::fs::write(root.join("t.yaml"), TENANT).unwrap();
    link("/dev/zero", root.join("baseline.json"));
    std::fs::write(root.join(".entralint.yaml"), "baseline: baseline.json\n").unwrap();
    let run = entralint(&root, &["check", "t.yaml"]);
    run.bounded(10.0);
    assert_eq!(run.code, Some(2), "{}", run.output());
    let run = entralint(
        &root,
        &["check", "--no-config", "--baseline", "/dev/zero", "t.yaml"],
    );
    run.bounded(10.0);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);

    std::fs::create_dir_all(root.join("rules")).unwrap();
    link("/dev/zero", root.join("rules/zero.yaml"));
    let run = entralint(
        &root,
        &["check", "--no-config", "--rules", "rules", "t.yaml"],
    );
    run.bounded(10.0);
    assert_eq!(run.code, Some(2), "{}", run.output());
    std::fs::remove_file(root.join("rules/zero.yaml")).unwrap();
    if mkfifo(&root.join("rules/pipe.yaml")) {
        let run = entralint(
            &root,
            &["check", "--no-config", "--rules", "rules", "t.yaml"],
        );
        run.bounded(10.0);
        assert_eq!(run.code, Some(2), "{}", run.output());
        assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    }
}

#[test]
fn a_configuration_that_is_a_fifo_does_not_hang() {
    let (_dir, root) = repo();
    std::fs::write(root.join("t.yaml"), TENANT).unwrap();
    if !mkfifo(&root.join(".entralint.yaml")) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let run = entralint(&root, &["check", "t.yaml"]);
    run.bounded(10.0);
    assert_eq!(run.code, Some(2), "{}", run.output());
}

// Leaks.

#[test]
fn custom_rules_and_baselines_stay_in_the_repository() {
    let (dir, root) = repo();
    std::fs::write(root.join("t.yaml"), TENANT).unwrap();
    let outside = dir.path().join("environ");
    std::fs::write(&outside, "GITHUB_TOKEN=ghp_leakedleakedleaked\n").unwrap();
    for (config, why) in [
        ("customRules: [/etc]\n", "absolute"),
        ("customRules: [../elsewhere]\n", "climbing"),
        ("baseline: ../environ\n", "climbing"),
        ("baseline: /proc/self/environ\n", "absolute"),
    ] {
        std::fs::write(root.join(".entralint.yaml"), config).unwrap();
        let run = entralint(&root, &["check", "t.yaml"]);
        assert_eq!(run.code, Some(2), "{why}: {}", run.output());
        assert!(
            run.stderr.contains("inside the repository"),
            "{why}: {}",
            run.stderr
        );
    }
    // A rule file, a rule folder and a baseline that are links out of the repository.
    std::fs::create_dir_all(root.join("rules")).unwrap();
    link(&outside, root.join("rules/leak.yaml"));
    std::fs::write(root.join(".entralint.yaml"), "customRules: [rules]\n").unwrap();
    let run = entralint(&root, &["check", "t.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.output());
    assert!(!run.output().contains("ghp_leaked"), "{}", run.output());
    assert!(
        run.stderr.contains("outside the repository"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(root.join("rules/leak.yaml")).unwrap();
    link(dir.path(), root.join("elsewhere"));
    std::fs::write(root.join(".entralint.yaml"), "customRules: [elsewhere]\n").unwrap();
    let run = entralint(&root, &["check", "t.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.output());
    link(&outside, root.join("baseline.json"));
    std::fs::write(root.join(".entralint.yaml"), "baseline: baseline.json\n").unwrap();
    let run = entralint(&root, &["check", "t.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.output());
    assert!(!run.output().contains("ghp_leaked"), "{}", run.output());
    // The configuration itself, found by discovery, may not be a link out of the repository.
    std::fs::write(dir.path().join("outside.yaml"), "select: [nothing]\n").unwrap();
    std::fs::remove_file(root.join(".entralint.yaml")).unwrap();
    link(
        dir.path().join("outside.yaml"),
        root.join(".entralint.yaml"),
    );
    let run = entralint(&root, &["check", "t.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.output());
    assert!(
        run.stderr.contains("outside the repository"),
        "{}",
        run.stderr
    );
}

#[test]
fn secret_values_are_masked_in_every_format() {
    let (_dir, root) = repo();
    std::fs::write(root.join("t.yaml"), fixture("secrets.yaml")).unwrap();
    for format in ["human", "short", "json", "sarif", "github", "junit"] {
        let run = entralint(
            &root,
            &["check", "--no-config", "--format", format, "t.yaml"],
        );
        assert_eq!(run.code, Some(1), "{format}: {}", run.output());
        for secret in [
            "hunter2-client-secret",
            "Sup3rS3cretPassw0rd",
            "c2VjcmV0LXRleHQ=",
        ] {
            assert!(
                !run.output().contains(secret),
                "{format}: {secret}\n{}",
                run.stdout
            );
        }
    }
    let run = entralint(&root, &["check", "--no-config", "t.yaml"]);
    assert!(run.stdout.contains("****"), "{}", run.stdout);
}

// Injection.

#[test]
fn values_cannot_start_a_workflow_command_or_reach_the_terminal() {
    let (_dir, root) = repo();
    std::fs::write(root.join("t.yaml"), fixture("injection.yaml")).unwrap();
    for format in ["human", "short", "json", "sarif", "junit", "github"] {
        let run = entralint(
            &root,
            &["check", "--no-config", "--format", format, "t.yaml"],
        );
        assert_eq!(run.code, Some(1), "{format}: {}", run.output());
        let commands = run.stdout.lines().filter(|l| l.starts_with("::")).count();
        let findings = entralint(
            &root,
            &["check", "--no-config", "--format", "short", "t.yaml"],
        )
        .stdout
        .lines()
        .count();
        let expected = if format == "github" { findings } else { 0 };
        assert_eq!(commands, expected, "{format}\n{}", run.stdout);
        assert!(!run.stdout.contains('\x1b'), "{format}: {:?}", run.stdout);
        assert!(!run.stdout.contains('\r'), "{format}: {:?}", run.stdout);
    }
}

#[test]
fn file_names_cannot_start_a_workflow_command_and_keep_their_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let (_dir, root) = repo();
    let injected = root.join("t\n::warning file=x::owned\x1b[2J.yaml");
    std::fs::write(&injected, FIXABLE).unwrap();
    let raw = std::ffi::OsStr::from_bytes(b"latin1-\xe9t\xe9.yaml");
    std::fs::write(root.join(raw), FIXABLE).unwrap();
    for format in ["human", "short", "json", "sarif", "junit", "github"] {
        let run = entralint(&root, &["check", "--no-config", "--format", format, "."]);
        assert_eq!(run.code, Some(1), "{format}: {}", run.output());
        let commands = run.stdout.lines().filter(|l| l.starts_with("::")).count();
        if format != "github" {
            assert_eq!(commands, 0, "{format}\n{}", run.stdout);
        }
        assert!(
            !run.stdout.contains("\n::warning file=x"),
            "{format}\n{}",
            run.stdout
        );
        assert!(!run.stdout.contains('\x1b'), "{format}: {:?}", run.stdout);
        assert!(!run.stdout.contains('\u{fffd}'), "{format}: {}", run.stdout);
    }
    // SARIF's URIs percent-encode the real bytes, so a viewer opens the real file.
    let run = entralint(&root, &["check", "--no-config", "--format", "sarif", "."]);
    assert!(
        run.stdout.contains("\"latin1-%E9t%E9.yaml\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\"t%0A%3A%3Awarning%20file%3Dx%3A%3Aowned%1B%5B2J.yaml\""),
        "{}",
        run.stdout
    );
    let run = entralint(&root, &["check", "--no-config", "--format", "short", "."]);
    assert!(
        run.stdout.contains("latin1-\\xe9t\\xe9.yaml:2:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("t\\n::warning file=x::owned\\x1b[2J.yaml:2:"),
        "{}",
        run.stdout
    );
    // The escaped name still names the file: --fix edits it in place.
    let run = entralint(&root, &["check", "--no-config", "--fix", "."]);
    assert!(!run.stderr.contains("not fixed"), "{}", run.stderr);
    let fixed = std::fs::read_to_string(root.join(raw)).unwrap();
    assert!(fixed.contains("blockMsolPowerShell: true"), "{fixed}");
    assert_eq!(std::fs::read_dir(&root).unwrap().count(), 3, "no new files");
}

#[test]
fn diff_explain_and_permissions_print_data_escaped() {
    let (_dir, root) = repo();
    let name = "t\n::warning file=x::owned.yaml";
    // YAML refuses raw C0 controls, so a bidirectional override stands for them in the file.
    let text = "# \u{202e}\ntenant:\n  name: |\n    ::error file=a.yaml::owned\n    secretText: hunter2\n\
                authorizationPolicy:\n  blockMsolPowerShell: false\n";
    std::fs::write(root.join(name), text).unwrap();
    let diff = entralint(&root, &["check", "--no-config", "--diff", name]);
    assert_eq!(diff.code, Some(1), "{}", diff.output());
    assert!(
        diff.stdout.contains("+  blockMsolPowerShell: true"),
        "{}",
        diff.stdout
    );
    let permissions = entralint(&root, &["permissions", name]);
    for run in [&diff, &permissions] {
        assert!(!run.stdout.is_empty(), "{}", run.output());
        assert!(
            !run.stdout.lines().any(|l| l.starts_with("::")),
            "{}",
            run.stdout
        );
        assert!(!run.stdout.contains('\u{202e}'), "{:?}", run.stdout);
        assert!(!run.stdout.contains("hunter2"), "{}", run.stdout);
    }
    // A custom rule's text is repository data too.
    std::fs::create_dir_all(root.join("rules")).unwrap();
    std::fs::write(
        root.join("rules/owned-rule.yaml"),
        "name: owned-rule\nsummary: \"summary \\e[2J\"\nseverity: info\n\
         when: \"tenant.name == 'x'\"\nat: tenant.name\nmessage: m\nhelp: h\n\
         description: |\n  ::error file=a.yaml::owned\n\
         examples:\n  invalid: [\"tenant: {name: x}\"]\n  valid: [\"tenant: {name: y}\"]\n",
    )
    .unwrap();
    std::fs::write(root.join(".entralint.yaml"), "customRules: [rules]\n").unwrap();
    let explain = entralint(&root, &["explain", "owned-rule"]);
    assert_eq!(explain.code, Some(0), "{}", explain.output());
    assert!(
        explain.stdout.contains("::error file=a.yaml"),
        "{}",
        explain.stdout
    );
    explain.safe_to_print();
}

// Panic.

#[test]
fn a_finding_past_column_65535_is_shown_without_a_panic() {
    let (_dir, root) = repo();
    let mut text = String::from(
        "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#policies/authorizationPolicy/$entity\"",
    );
    for i in 0..10_000 {
        text.push_str(&format!(",\"k{i}\":1"));
    }
    text.push_str(",\"allowInvitesFrom\":\"everyone\"}");
    std::fs::write(root.join("long.json"), &text).unwrap();
    let run = entralint(&root, &["check", "--no-config", "long.json"]);
    run.bounded(30.0);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stdout.contains("long.json:1:99") && run.stdout.contains("too long to show"),
        "{}",
        run.stdout
    );
}

// Quadratic input.

#[test]
fn mappings_of_many_keys_load_in_linear_time() {
    let (_dir, root) = repo();
    let mut yaml = String::from("tenant:\n  name: t\nportalSettings:\n");
    let mut json = String::from(
        "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#policies/authorizationPolicy/$entity\"",
    );
    // 200,000 nodes written out: only nodes copied by aliases count against the alias budget.
    for i in 0..100_000 {
        yaml.push_str(&format!("  k{i}: 1\n"));
        json.push_str(&format!(",\"k{i}\":1"));
    }
    yaml.push_str("  k7: 2\n");
    json.push_str(",\"k7\":2}");
    std::fs::write(root.join("many.yaml"), yaml).unwrap();
    std::fs::write(root.join("many.json"), json).unwrap();
    for file in ["many.yaml", "many.json"] {
        let run = entralint(&root, &["check", "--no-config", "--format", "short", file]);
        run.bounded(60.0);
        assert!(
            run.stdout.contains("duplicate key `k7`"),
            "{file}: {}",
            run.output()
        );
    }
}

#[test]
fn a_data_file_of_a_million_keys_answers_in_seconds() {
    let (_dir, root) = repo();
    let mut text = String::from("@{NonNodeData=@{AzureAD=@{AuthorizationPolicy=@{\n");
    for i in 0..1_000_000u32 {
        text.push_str(&format!("k{i:x}=1\n"));
    }
    text.push_str("k7=2\n}}}}\n");
    std::fs::write(root.join("ConfigurationData.psd1"), text).unwrap();
    let run = entralint(
        &root,
        &[
            "check",
            "--no-config",
            "--format",
            "short",
            "ConfigurationData.psd1",
        ],
    );
    // Seconds in a release build; a debug build under a loaded CI machine gets room.
    run.bounded(90.0);
    assert!(run.stdout.contains("`k7` is set twice"), "{}", run.output());
}

// Writes.

#[test]
fn fix_writes_through_a_link_and_keeps_it() {
    let (_dir, root) = repo();
    std::fs::create_dir_all(root.join("real")).unwrap();
    std::fs::write(root.join("real/t.yaml"), FIXABLE).unwrap();
    link("real/t.yaml", root.join("t.yaml"));
    let run = entralint(&root, &["check", "--no-config", "--fix", "t.yaml"]);
    assert!(run.stderr.contains("fixed "), "{}", run.stderr);
    assert!(
        std::fs::symlink_metadata(root.join("t.yaml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let fixed = std::fs::read_to_string(root.join("real/t.yaml")).unwrap();
    assert!(fixed.contains("blockMsolPowerShell: true"), "{fixed}");
}

#[test]
fn fix_leaves_read_only_and_hard_linked_files_alone() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, root) = repo();
    std::fs::write(root.join("ro.yaml"), FIXABLE).unwrap();
    std::fs::set_permissions(root.join("ro.yaml"), std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::write(root.join("hl.yaml"), FIXABLE).unwrap();
    std::fs::hard_link(root.join("hl.yaml"), root.join("other-name.txt")).unwrap();
    let run = entralint(
        &root,
        &["check", "--no-config", "--fix", "ro.yaml", "hl.yaml"],
    );
    assert!(run.stderr.contains("ro.yaml: not fixed"), "{}", run.stderr);
    assert!(run.stderr.contains("read-only"), "{}", run.stderr);
    assert!(run.stderr.contains("hl.yaml: not fixed"), "{}", run.stderr);
    assert!(run.stderr.contains("hard links"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(root.join("ro.yaml")).unwrap(),
        FIXABLE
    );
    assert_eq!(
        std::fs::read_to_string(root.join("other-name.txt")).unwrap(),
        FIXABLE
    );
}

#[test]
fn reports_and_baselines_never_replace_a_file_the_run_reads() {
    let (_dir, root) = repo();
    std::fs::write(root.join("t.yaml"), FIXABLE).unwrap();
    let run = entralint(
        &root,
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--output",
            "t.yaml",
            "t.yaml",
        ],
    );
    assert_eq!(run.code, Some(2), "{}", run.output());
    assert!(run.stderr.contains("this run reads it"), "{}", run.stderr);
    let run = entralint(
        &root,
        &[
            "check",
            "--no-config",
            "--write-baseline",
            "t.yaml",
            "t.yaml",
        ],
    );
    assert_eq!(run.code, Some(2), "{}", run.output());
    assert_eq!(
        std::fs::read_to_string(root.join("t.yaml")).unwrap(),
        FIXABLE
    );
    // A report written through a link lands in the link's target, and the link stays.
    link("reports/out.json", root.join("out.json"));
    std::fs::create_dir_all(root.join("reports")).unwrap();
    let run = entralint(
        &root,
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--output",
            "out.json",
            "t.yaml",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.output());
    assert!(
        std::fs::symlink_metadata(root.join("out.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let report = std::fs::read_to_string(root.join("reports/out.json")).unwrap();
    assert!(report.contains("\"version\""), "{report}");
}

#[test]
fn import_refuses_a_read_only_output_unless_forced() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, root) = repo();
    let graph = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/graph");
    let Some(input) = std::fs::read_dir(&graph)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
    else {
        return;
    };
    std::fs::write(root.join("out.yaml"), "old").unwrap();
    std::fs::set_permissions(
        root.join("out.yaml"),
        std::fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    let input = input.to_string_lossy().into_owned();
    let run = entralint(&root, &["import", &input, "-o", "out.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.output());
    assert_eq!(
        std::fs::read_to_string(root.join("out.yaml")).unwrap(),
        "old"
    );
}

// Silent passes.

#[test]
fn unreadable_paths_on_the_command_line_are_errors() {
    let (_dir, root) = repo();
    link("missing.yaml", root.join("dangling.yaml"));
    let run = entralint(&root, &["check", "--no-config", "dangling.yaml"]);
    assert_eq!(run.code, Some(2), "{}", run.output());
    assert!(run.stderr.contains("dangling.yaml"), "{}", run.stderr);
    if mkfifo(&root.join("pipe.yaml")) {
        let run = entralint(&root, &["check", "--no-config", "pipe.yaml"]);
        run.bounded(10.0);
        assert_eq!(run.code, Some(2), "{}", run.output());
    }
    let run = entralint(&root, &["check", "--no-config", "/dev/zero"]);
    run.bounded(10.0);
    assert_eq!(run.code, Some(2), "{}", run.output());
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(root.join("closed")).unwrap();
    std::fs::write(root.join("closed/t.yaml"), TENANT).unwrap();
    std::fs::set_permissions(root.join("closed"), std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(root.join("closed")).is_ok() {
        eprintln!("skipped: this user (root) can read a folder with mode 000");
    } else {
        let run = entralint(&root, &["check", "--no-config", "closed"]);
        assert_eq!(run.code, Some(2), "{}", run.output());
    }
    std::fs::set_permissions(root.join("closed"), std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_large_file_that_is_not_a_tenant_document_is_skipped() {
    let (_dir, root) = repo();
    std::fs::write(root.join("t.yaml"), TENANT).unwrap();
    // Over the tenant cap (256 MB) without taking the disk space: the file is sparse, and only
    // its start is ever read.
    let over_the_cap = |head: &str| {
        let file = std::fs::File::create(root.join("data.yaml")).unwrap();
        std::io::Write::write_all(&mut &file, head.as_bytes()).unwrap();
        file.set_len(entralint::read::MAX_TENANT_BYTES + 1).unwrap();
    };
    over_the_cap("# generated data\nrecords:\n  - {id: 12345678, name: some-record-name}\n");
    let run = entralint(&root, &["check", "--no-config", "--format", "short", "."]);
    run.bounded(30.0);
    assert_eq!(run.code, Some(1), "{}", run.output());
    assert!(run.stdout.contains("t.yaml:"), "{}", run.output());
    assert!(!run.output().contains("data.yaml"), "{}", run.output());
    // A large tenant document is still reported.
    over_the_cap("tenant:\n  name: big\nrecords:\n");
    let run = entralint(&root, &["check", "--no-config", "--format", "short", "."]);
    assert!(run.stdout.contains("[file-too-large]"), "{}", run.output());
}

#[test]
fn configuration_discovery_stops_at_the_repository_root() {
    let (dir, root) = repo();
    std::fs::write(
        dir.path().join(".entralint.yaml"),
        "select: [no-such-rule]\n",
    )
    .unwrap();
    std::fs::write(root.join("t.yaml"), TENANT).unwrap();
    let run = entralint(&root, &["config"]);
    assert_eq!(run.code, Some(0), "{}", run.output());
    assert!(run.stdout.contains("configuration: none"), "{}", run.stdout);
}

#[test]
fn the_configuration_is_printed_without_workflow_commands() {
    let (_dir, root) = repo();
    std::fs::write(
        root.join(".entralint.yaml"),
        "exceptions:\n  - rule: guest-invites-by-everyone\n    files: [\"a\\n::error::glob\"]\n    reason: \"ok\\n::error file=x::reason\\e[2J\"\n",
    )
    .unwrap();
    let run = entralint(&root, &["config"]);
    assert_eq!(run.code, Some(0), "{}", run.output());
    assert!(
        run.stdout.contains("\\n::error file=x::reason\\x1b[2J"),
        "{}",
        run.stdout
    );
    run.safe_to_print();
}
