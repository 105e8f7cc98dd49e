//! Every output format on the same findings (snapshots), and the command-line plumbing around
//! them: several reports in one run, stdin, the GitHub step summary.

use assert_cmd::Command;
use entralint::check::{Outcome, check_source};
use entralint::report::{self, Format, Meta, Style};
use entralint::rules::{RuleSet, Selection};
use predicates::prelude::*;

fn outcome(rules: &RuleSet) -> Outcome {
    let files = [
        "examples/broken.yaml",
        "examples/defaults-workforce.yaml",
        "examples/secure-workforce.yaml",
    ]
    .iter()
    .filter_map(|name| check_source(name, &std::fs::read(name).unwrap(), true, Some(rules)))
    .collect();
    Outcome {
        files,
        ..Outcome::default()
    }
}

fn render(format: Format) -> String {
    let rules = RuleSet::load(&Selection {
        select: vec![
            "guest-invites-by-everyone".into(),
            "users-can-register-apps".into(),
        ],
        ..Selection::default()
    })
    .unwrap();
    let meta = Meta {
        rules: Some(&rules),
        exit_code: 1,
        ..Meta::default()
    };
    let mut out = Vec::new();
    report::render(
        &outcome(&rules),
        format,
        Style {
            color: false,
            width: 100,
        },
        &meta,
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn snapshot_per_format() {
    for (name, format) in [
        ("human", Format::Human),
        ("short", Format::Short),
        ("json", Format::Json),
        ("sarif", Format::Sarif),
        ("github", Format::Github),
        ("junit", Format::Junit),
        ("azure", Format::Azure),
        ("gitlab", Format::Gitlab),
        ("rdjson", Format::Rdjson),
    ] {
        insta::assert_snapshot!(format!("format-{name}"), render(format));
    }
}

#[test]
fn json_is_versioned_and_complete() {
    let json: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
    assert_eq!(json["version"], 1);
    let finding = &json["findings"][0];
    for key in [
        "rule",
        "severity",
        "message",
        "file",
        "start",
        "end",
        "path",
        "fingerprint",
        "controls",
        "fixable",
    ] {
        assert!(!finding[key].is_null(), "missing {key} in {finding}");
    }
    assert_eq!(
        json["summary"]["findings"],
        json["findings"].as_array().unwrap().len()
    );
}

#[test]
fn sarif_has_rules_locations_and_fingerprints() {
    let sarif: serde_json::Value = serde_json::from_str(&render(Format::Sarif)).unwrap();
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert!(
            location["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("examples/")
        );
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(result["partialFingerprints"]["entralint/v1"].is_string());
    }
    assert_eq!(run["invocations"][0]["exitCode"], 1);
}

/// Two rules whose findings on the examples are known, so these tests do not move with the catalog.
const TWO: &str = "guest-invites-by-everyone,users-can-register-apps";

fn entralint() -> Command {
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    cmd.env("NO_COLOR", "1").env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

#[test]
fn one_run_writes_several_reports() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("r.sarif");
    let junit = dir.path().join("r.xml");
    entralint()
        .args(["check", "--select", TWO, "examples/defaults-workforce.yaml"])
        .args(["--format", "sarif", "--output"])
        .arg(&sarif)
        .args(["--format", "short", "--format", "junit", "--output"])
        .arg(&junit)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "examples/defaults-workforce.yaml:4:1: warning:",
        ));
    let sarif: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .starts_with("<?xml")
    );
}

#[test]
fn output_pairs_are_checked() {
    entralint()
        .args(["check", "examples/", "--output", "x.sarif"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--output x.sarif must follow the --format it is for",
        ));
    entralint()
        .args([
            "check",
            "examples/",
            "--format",
            "short",
            "--format",
            "json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "only one --format can go to stdout",
        ));
}

#[test]
fn stdin_is_reported_under_its_name() {
    entralint()
        .args([
            "check",
            "--format",
            "short",
            "--stdin-filename",
            "tenants/prod.yaml",
        ])
        .write_stdin("authorizationPolicy:\n  allowInvitesFrom: everyone\n  bogus: 1\n")
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("tenants/prod.yaml:2:21: warning: anyone in the organisation")
                .and(predicate::str::contains(
                    "tenants/prod.yaml:3:3: error: unknown key `bogus`",
                )),
        );
    entralint()
        .args(["check", "--stdin-filename", "workflow.yml", "--verbose"])
        .write_stdin("on: push\n")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("workflow.yml: not a tenant document").and(
                predicate::str::contains("no tenant document in standard input"),
            ),
        );
}

#[test]
fn the_github_format_appends_a_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    entralint()
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", "--select", TWO, "examples/defaults-workforce.yaml"])
        .args(["--format", "github"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "::warning file=examples/defaults-workforce.yaml,line=4,col=1,",
        ));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("earlier step\n## entralint\n"), "{text}");
    assert!(
        text.contains(
            "| `examples/defaults-workforce.yaml` | 4 | warning | `guest-invites-by-everyone` |"
        ),
        "{text}"
    );
}

#[test]
fn no_progress_in_pipes() {
    let output = entralint()
        .args(["check", "tests/fixtures"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&output.stderr).contains("checked "));
}

#[test]
/// A human or short report on stdout is printed file by file as chunks are checked; written to a
/// file, the same report is rendered from the whole run. Both must say the same, in the same order.
fn a_report_printed_as_it_goes_matches_one_rendered_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["short", "human"] {
        let written = dir.path().join(format!("report.{format}"));
        let args = [
            "check",
            "examples/",
            "tests/fixtures/graph",
            "--format",
            format,
        ];
        let printed = entralint().args(args).output().unwrap();
        entralint()
            .args(args)
            .arg("--output")
            .arg(&written)
            .assert()
            .code(printed.status.code().unwrap());
        let printed = String::from_utf8(printed.stdout).unwrap();
        assert!(printed.lines().count() > 100, "{format}: {printed}");
        assert_eq!(
            printed,
            std::fs::read_to_string(&written).unwrap(),
            "{format}"
        );
    }
}

/// GitLab reads a Code Quality report by the fields its documentation lists
/// (https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format); an issue missing
/// one is dropped or breaks the widget.
#[test]
fn gitlab_issues_have_every_documented_field() {
    let issues: Vec<serde_json::Value> = serde_json::from_str(&render(Format::Gitlab)).unwrap();
    assert!(issues.len() > 5);
    let mut prints = std::collections::HashSet::new();
    for issue in &issues {
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(
                issue[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field} in {issue}"
            );
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap()),
            "{issue}"
        );
        let path = issue["location"]["path"].as_str().unwrap();
        assert!(path.starts_with("examples/"), "{issue}");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        // GitLab keeps one issue per fingerprint.
        assert!(prints.insert(issue["fingerprint"].as_str().unwrap().to_string()));
    }
}

#[test]
fn junit_fails_only_at_or_above_fail_on_and_records_time() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("r.xml");
    // The secure example has one info finding and nothing else: exit 0, and no failed case.
    entralint()
        .args([
            "check",
            "examples/secure-workforce.yaml",
            "--format",
            "junit",
            "--output",
        ])
        .arg(&xml)
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&xml).unwrap();
    assert!(text.contains(r#"failures="0""#), "{text}");
    assert!(!text.contains("<failure"), "{text}");
    assert!(
        text.contains("<system-out>") && text.contains(": info: "),
        "{text}"
    );
    assert!(
        text.contains(" timestamp=\"") && text.contains(" time=\""),
        "{text}"
    );
    // With --fail-on info the same finding fails.
    entralint()
        .args([
            "check",
            "examples/secure-workforce.yaml",
            "--fail-on",
            "info",
        ])
        .args(["--format", "junit", "--output"])
        .arg(&xml)
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&xml).unwrap();
    assert!(text.contains(r#"failures="1""#), "{text}");
}

#[test]
fn the_step_summary_stays_under_its_limit() {
    let rules = RuleSet::load(&Selection::default()).unwrap();
    let text = std::fs::read_to_string("examples/defaults-workforce.yaml").unwrap();
    let files = (0..300)
        .filter_map(|i| check_source(&format!("t{i}.yaml"), text.as_bytes(), true, Some(&rules)))
        .collect();
    let outcome = Outcome {
        files,
        ..Outcome::default()
    };
    let summary = report::github::summary(&outcome, 64 * 1024);
    assert!(summary.len() <= 64 * 1024, "{}", summary.len());
    let last = summary.lines().last().unwrap();
    assert!(
        last.ends_with("more findings not shown; see the SARIF or JSON report."),
        "{last}"
    );
    let full = report::github::summary(&outcome, usize::MAX);
    assert!(!full.contains("not shown"));
}

#[test]
fn sarif_rules_are_ranked_for_code_scanning() {
    let sarif: serde_json::Value = serde_json::from_str(&render(Format::Sarif)).unwrap();
    for rule in sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
    {
        let score: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&score), "{rule}");
        assert_eq!(rule["properties"]["tags"][0], "security", "{rule}");
    }
}

/// `x`, `./x`, the absolute path and a run from a subfolder name the file the same way, give the
/// same fingerprints, and match the same baseline.
#[test]
fn every_spelling_of_a_path_gives_the_same_report() {
    let json = |dir: &str, path: &str| -> Vec<(String, String)> {
        let out = entralint()
            .current_dir(dir)
            .args(["check", path, "--format", "json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["file"].as_str().unwrap().to_string(),
                    f["fingerprint"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let absolute = std::fs::canonicalize("examples/defaults-workforce.yaml").unwrap();
    let first = json(".", "examples/defaults-workforce.yaml");
    assert!(!first.is_empty());
    assert_eq!(first[0].0, "examples/defaults-workforce.yaml");
    assert_eq!(json(".", "./examples/defaults-workforce.yaml"), first);
    assert_eq!(json(".", absolute.to_str().unwrap()), first);
    assert_eq!(json("examples", "defaults-workforce.yaml"), first);
    assert_eq!(
        json("examples", "../examples/./defaults-workforce.yaml"),
        first
    );

    // A baseline written from the root accepts every finding of a run from the subfolder.
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    entralint()
        .args([
            "check",
            "./examples/defaults-workforce.yaml",
            "--write-baseline",
        ])
        .arg(&baseline)
        .assert()
        .code(0);
    entralint()
        .current_dir("examples")
        .args([
            "check",
            "defaults-workforce.yaml",
            "--format",
            "short",
            "--baseline",
        ])
        .arg(&baseline)
        .assert()
        .code(0)
        .stdout("");
}
