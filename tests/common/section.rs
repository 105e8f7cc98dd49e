//! For the tests of one section's rules (passwords, authentication methods, devices, cross-tenant
//! access): their short findings reduced to `line:col rule`, and what `import` writes.

use assert_cmd::Command;

/// `file:line:col: severity: message [rule]` lines of `entralint check --format short`, reduced to
/// `line:col rule`, for the `rules` given (when `select`) and load problems.
pub fn short(path: &str, rules: &str, select: bool) -> Vec<String> {
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    cmd.args(["check", path, "--format", "short"]);
    if select {
        cmd.args(["--select", rules]);
    }
    let output = cmd.output().unwrap();
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix(path)?.strip_prefix(':')?;
            let mut parts = rest.splitn(3, ':');
            let (l, c) = (parts.next()?, parts.next()?);
            let rule = rest.split(" [").nth(1)?.split(']').next()?;
            Some(format!("{l}:{c} {rule}"))
        })
        .collect()
}

/// What `entralint import PATH` writes, read back.
pub fn imported(path: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tenant.yaml");
    Command::cargo_bin("entralint")
        .unwrap()
        .args(["import", path, "--output"])
        .arg(&out)
        .assert()
        .success();
    std::fs::read_to_string(&out).unwrap()
}
