//! `entralint drift DECLARED EXPORT`: the fleet example's production tenant against its Graph
//! export gives exactly the planted differences (examples/fleet/exports/README.md), in every
//! output format; bad input is an error with exit code 2.

use assert_cmd::Command;

/// The production tenant: its own file, which extends the fleet's baseline.
const DECLARED: &str = "examples/fleet/prod/tenant.yaml";
const BASELINE: &str = "examples/fleet/baseline/tenant.yaml";
const EXPORT: &str = "examples/fleet/exports/prod";

fn entralint() -> Command {
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    cmd.env("NO_COLOR", "1").env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

/// stdout, stderr and the exit code of `entralint drift ARGS…`.
fn drift(args: &[&str]) -> (String, String, i32) {
    let out = entralint().arg("drift").args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

/// The planted differences: the declared file each points into (the tenant's own for what it
/// does not declare, the baseline for the values it inherits), where, its code, and the exported
/// place the message names.
const PLANTED: &[(&str, &str, &str, &str)] = &[
    (
        DECLARED,
        "3:1: info: authenticationFlowsPolicy.selfServiceSignUp.isEnabled: exported `true`",
        "drift-undeclared",
        "authenticationFlowsPolicy.json:7)",
    ),
    (
        BASELINE,
        "10:21: warning: authorizationPolicy.allowInvitesFrom: declared `adminsAndGuestInviters`, exported `everyone`",
        "drift",
        "authorizationPolicy.json:7)",
    ),
    (
        BASELINE,
        "128:12: warning: conditionalAccessPolicies[displayName=CA002 Require phishing-resistant MFA].state: declared `enabled`, exported `enabledForReportingButNotEnforced`",
        "drift",
        "conditionalAccessPolicies.json:67)",
    ),
    (
        BASELINE,
        "161:5: warning: conditionalAccessPolicies[displayName=CA007 Register security information from managed devices]: declared, but the export has no such item",
        "drift",
        "conditionalAccessPolicies.json:4)",
    ),
];

#[test]
fn the_fleet_export_gives_exactly_the_planted_differences() {
    let (out, err, code) = drift(&[DECLARED, EXPORT, "--format", "short"]);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), PLANTED.len(), "{out}");
    for ((file, start, rule, cited), line) in PLANTED.iter().zip(&lines) {
        assert!(
            line.starts_with(&format!("{file}:{start}")),
            "{line}\nwanted {start}"
        );
        assert!(
            line.contains(&format!("{EXPORT}/{cited}")),
            "{line}\nwanted {cited}"
        );
        assert!(line.ends_with(&format!("[{rule}]")), "{line}");
    }
}

#[test]
fn every_format_carries_the_planted_differences() {
    let run = |format: &str| {
        let (out, err, code) = drift(&[DECLARED, EXPORT, "--format", format]);
        assert_eq!(code, 1, "{format}: {err}");
        out
    };
    let rules = |items: &[serde_json::Value], key: &str| -> Vec<String> {
        items
            .iter()
            .map(|i| i[key].as_str().unwrap().to_string())
            .collect()
    };
    let planted: Vec<&str> = PLANTED.iter().map(|(_, _, rule, _)| *rule).collect();

    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(rules(json["findings"].as_array().unwrap(), "rule"), planted);
    assert_eq!(json["summary"]["warnings"], 3);
    assert_eq!(json["summary"]["info"], 1);

    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(rules(results, "ruleId"), planted);
    let described = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(described.iter().any(|r| r["id"] == "drift-undeclared"));

    let rdjson: serde_json::Value = serde_json::from_str(&run("rdjson")).unwrap();
    assert_eq!(
        rdjson["diagnostics"].as_array().unwrap().len(),
        PLANTED.len()
    );

    let gitlab: serde_json::Value = serde_json::from_str(&run("gitlab")).unwrap();
    assert_eq!(gitlab.as_array().unwrap().len(), PLANTED.len());

    // JUnit fails a test case for each finding at or above --fail-on (warning): the three drifts.
    let junit = run("junit");
    assert_eq!(junit.matches("<failure").count(), 3, "{junit}");

    let github = run("github");
    let annotations: Vec<&str> = github.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), PLANTED.len(), "{github}");
    assert!(
        annotations[0].starts_with("::notice file=examples/fleet/prod/tenant.yaml,line=3,"),
        "{github}"
    );
    assert!(
        annotations[1].starts_with("::warning file=examples/fleet/baseline/tenant.yaml,line=10,"),
        "{github}"
    );

    let azure = run("azure");
    assert_eq!(
        azure
            .lines()
            .filter(|l| l.starts_with("##vso[task.logissue type=warning;"))
            .count(),
        3,
        "{azure}"
    );

    let human = run("human");
    for (_, start, rule, cited) in PLANTED {
        let message = start
            .split_once(": ")
            .unwrap()
            .1
            .split_once(": ")
            .unwrap()
            .1;
        let head = &message[..40.min(message.len())];
        assert!(human.contains(head), "{head}\n{human}");
        assert!(human.lines().any(|l| l == *rule), "{rule}");
        assert!(human.contains(cited.trim_end_matches(')')), "{cited}");
    }
    assert!(
        human.contains("4 problems") || human.contains("3 warnings"),
        "{human}"
    );

    let html = run("html");
    assert!(
        html.contains("CA007 Register security information"),
        "{html}"
    );
    assert!(html.contains("enabledForReportingButNotEnforced"));
}

#[test]
fn reports_go_to_their_output_files() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("drift.sarif");
    let sarif_path = sarif.to_str().unwrap();
    let (out, err, code) = drift(&[
        DECLARED, EXPORT, "--format", "sarif", "--output", sarif_path, "--format", "short",
    ]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(out.lines().count(), PLANTED.len());
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(
        written["runs"][0]["results"].as_array().unwrap().len(),
        PLANTED.len()
    );
}

#[test]
fn the_exit_code_follows_fail_on() {
    for (fail_on, want) in [("info", 1), ("warning", 1), ("error", 0), ("never", 0)] {
        let (_, err, code) = drift(&[DECLARED, EXPORT, "--fail-on", fail_on, "--format", "short"]);
        assert_eq!(code, want, "--fail-on {fail_on}: {err}");
    }
    // Only undeclared settings: they fail the run only under --fail-on info.
    let dir = tempfile::tempdir().unwrap();
    let declared = dir.path().join("tenant.yaml");
    std::fs::write(
        &declared,
        "tenant:\n  name: contoso-prod\nauthorizationPolicy:\n  allowInvitesFrom: EVERYONE\n  blockMsolPowerShell: \"True\"\n",
    )
    .unwrap();
    let declared = declared.to_str().unwrap();
    let (out, err, code) = drift(&[declared, EXPORT, "--format", "short"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        !out.is_empty() && out.lines().all(|l| l.ends_with("[drift-undeclared]")),
        "{out}"
    );
    let (_, _, code) = drift(&[declared, EXPORT, "--fail-on", "info"]);
    assert_eq!(code, 1);
}

#[test]
fn a_tenant_against_itself_has_no_drift() {
    let (out, err, code) = drift(&[DECLARED, DECLARED, "--format", "short"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let (out, err, code) = drift(&[EXPORT, EXPORT, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn a_single_response_is_an_export_and_is_cited_by_its_own_lines() {
    let dir = tempfile::tempdir().unwrap();
    let declared = dir.path().join("tenant.yaml");
    std::fs::write(
        &declared,
        "tenant:\n  name: contoso\nauthorizationPolicy:\n  allowInvitesFrom: none\n  defaultUserRolePermissions:\n    allowedToCreateApps: true\n",
    )
    .unwrap();
    let export = "tests/fixtures/graph/authorization-policy-v1-entity.json";
    let (out, err, code) = drift(&[declared.to_str().unwrap(), export, "--format", "short"]);
    assert_eq!(code, 1, "{err}");
    let drifts: Vec<&str> = out.lines().filter(|l| l.ends_with("[drift]")).collect();
    assert_eq!(drifts.len(), 1, "{out}");
    assert!(
        drifts[0].contains(":4:21: warning: authorizationPolicy.allowInvitesFrom: declared `none`, exported `everyone`"),
        "{out}"
    );
    let line = std::fs::read_to_string(export)
        .unwrap()
        .lines()
        .position(|l| l.contains("\"allowInvitesFrom\""))
        .unwrap()
        + 1;
    assert!(drifts[0].contains(&format!("({export}:{line})")), "{out}");
}

#[test]
fn bad_input_is_an_error_with_exit_code_two() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let at = |name: &str| root.join(name).to_str().unwrap().to_string();

    // A missing path.
    let (out, err, code) = drift(&[DECLARED, &at("nowhere")]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("nowhere: no such file or folder"), "{err}");

    // A folder with no tenant in it.
    std::fs::create_dir(root.join("empty")).unwrap();
    std::fs::write(root.join("empty/notes.txt"), "not a tenant").unwrap();
    let (_, err, code) = drift(&[DECLARED, &at("empty")]);
    assert_eq!(code, 2);
    assert!(err.contains("empty: holds no tenant file"), "{err}");

    // A folder with several tenants: the fleet holds a baseline, three tenants and an export.
    let (_, err, code) = drift(&[DECLARED, "examples/fleet"]);
    assert_eq!(code, 2);
    assert!(err.contains("examples/fleet: holds 6 tenants"), "{err}");
    assert!(err.contains("examples/fleet/exports/prod"), "{err}");

    // A file that is not a tenant document.
    std::fs::write(root.join("other.yaml"), "steps:\n  - run: make\n").unwrap();
    let (_, err, code) = drift(&[&at("other.yaml"), EXPORT]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the declared tenant: ") && err.contains("other.yaml: holds no tenant"),
        "{err}"
    );

    // An export whose response does not parse: its problem is shown with file, line and column.
    std::fs::create_dir(root.join("broken")).unwrap();
    std::fs::write(
        root.join("broken/authorizationPolicy.json"),
        "{\n  \"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#policies/authorizationPolicy/$entity\",\n  \"allowInvitesFrom\": \"everyone\"\n  \"blockMsolPowerShell\": true\n}\n",
    )
    .unwrap();
    let (out, err, code) = drift(&[DECLARED, &at("broken")]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("authorizationPolicy.json:3:33"), "{err}");
    assert!(err.contains("syntax-error"), "{err}");
    assert!(
        err.contains("does not load (above); nothing was compared"),
        "{err}"
    );
}

#[test]
fn explain_describes_the_drift_codes() {
    for code in ["drift", "drift-undeclared"] {
        let out = entralint()
            .args(["explain", code, "--no-config"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with(&format!("# {code}\n")), "{text}");
        assert!(text.contains("entralint drift DECLARED EXPORT"), "{text}");
    }
}
