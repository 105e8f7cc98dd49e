//! `check --fix` and `--diff`: fixes are text edits that keep everything else, a second run finds
//! nothing left to fix, suppressed and baselined findings stay, unsafe fixes wait for
//! `--unsafe-fixes`; and a property test over generated tenant files.

use std::path::PathBuf;
use std::sync::LazyLock;

use assert_cmd::Command;
use entralint::check::Checker;
use entralint::config::Config;
use entralint::fix::{Fixed, Fixer, fix_source};
use entralint::rules::{RuleSet, Selection};
use entralint::suppress::baseline::{self, Baseline};
use proptest::prelude::*;

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::load(&Selection::default()).unwrap());

fn fix_with(text: &str, allow_unsafe: bool, baseline: Option<&Baseline>) -> Fixed {
    fix_by(&RULES, text, allow_unsafe, baseline)
}

fn fix_by(rules: &RuleSet, text: &str, allow_unsafe: bool, baseline: Option<&Baseline>) -> Fixed {
    let config = Config::default();
    let checker = Checker {
        rules: Some(rules),
        config: &config,
    };
    let fixer = Fixer {
        checker: &checker,
        baseline,
        allow_unsafe,
    };
    fix_source("tenant.yaml", text, &fixer).expect("a tenant document")
}

fn fix(text: &str) -> Fixed {
    fix_with(text, false, None)
}

/// The active findings of a fixed file, as rule names.
fn remaining(fixed: &Fixed) -> Vec<&str> {
    fixed
        .report
        .diagnostics
        .iter()
        .filter(|d| d.is_active())
        .map(|d| d.code.as_str())
        .collect()
}

fn entralint() -> Command {
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

const BLOCK: &str = "\
# Contoso's tenant
tenant:
  name: contoso   # production
authorizationPolicy:
  allowInvitesFrom: 'everyone'    # partners invite their own people
  blockMsolPowerShell: false
  defaultUserRolePermissions:
    allowedToCreateApps: true
    permissionGrantPoliciesAssigned:   # legacy consent
      - ManagePermissionGrantsForSelf.microsoft-user-default-legacy
# group settings come from the directory setting
groupSettings:
  EnableGroupCreation: \"True\"
";

#[test]
fn block_yaml_keeps_comments_quotes_and_order() {
    let fixed = fix(BLOCK);
    insta::assert_snapshot!("block_yaml", fixed.text);
    assert!(fixed.blocked.is_none());
    assert_eq!(fixed.unsafe_skipped, ["user-consent-any-app"]);
    // Every original line that was not a fixed value is still there, in order.
    let mut lines = fixed.text.lines();
    for line in BLOCK.lines().filter(|l| {
        !l.contains("everyone")
            && !l.contains(": false")
            && !l.contains(": true")
            && !l.contains("\"True\"")
    }) {
        assert!(lines.any(|l| l == line), "lost or moved: {line}");
    }
}

#[test]
fn a_second_fix_finds_nothing_left_to_fix() {
    for text in [BLOCK, JSON, FLOW] {
        let first = fix_with(text, true, None);
        assert!(first.fixes > 0);
        let second = fix_with(&first.text, true, None);
        assert_eq!(second.fixes, 0, "second pass changed:\n{}", second.text);
        assert_eq!(second.text, first.text);
        assert!(
            !second
                .report
                .diagnostics
                .iter()
                .any(|d| d.is_active() && d.fixable),
            "fixable findings remain: {:?}",
            remaining(&second)
        );
    }
}

#[test]
fn crlf_line_endings_are_kept() {
    let text = BLOCK.replace('\n', "\r\n");
    let fixed = fix_with(&text, true, None);
    assert!(fixed.fixes > 0);
    assert_eq!(
        fixed.text.matches('\n').count(),
        fixed.text.matches("\r\n").count(),
        "a bare LF was written:\n{:?}",
        fixed.text
    );
    assert_eq!(
        fixed.text.replace("\r\n", "\n"),
        fix_with(BLOCK, true, None).text
    );
}

const JSON: &str = r#"{
    "tenant": {"name": "contoso", "kind": "workforce"},
    "authorizationPolicy": {
        "allowInvitesFrom": "everyone",
        "defaultUserRolePermissions": {
            "allowedToCreateApps": true
        }
    }
}
"#;

#[test]
fn json_keeps_its_layout_and_stays_json() {
    let fixed = fix(JSON);
    serde_json::from_str::<serde_json::Value>(&fixed.text).expect("still JSON");
    insta::assert_snapshot!("json", fixed.text);
}

const FLOW: &str = "\
tenant: {name: contoso, kind: external}
authorizationPolicy: {allowInvitesFrom: everyone, defaultUserRolePermissions: {allowedToReadOtherUsers: true}}
groupSettings: {}
";

#[test]
fn flow_mappings_get_keys_on_the_same_line() {
    let fixed = fix(FLOW);
    insta::assert_snapshot!("flow", fixed.text);
}

#[test]
fn the_beta_consent_spelling_is_fixed_where_it_is_declared() {
    let text = "authorizationPolicy:\n  permissionGrantPolicyIdsAssignedToDefaultUserRole: [ManagePermissionGrantsForSelf.microsoft-user-default-legacy]\n";
    let safe = fix(text);
    assert!(safe.text.contains("microsoft-user-default-legacy"));
    let fixed = fix_with(text, true, None);
    assert!(
        fixed
            .text
            .contains("permissionGrantPolicyIdsAssignedToDefaultUserRole: []\n"),
        "{}",
        fixed.text
    );
    assert!(!fixed.text.contains("permissionGrantPoliciesAssigned"));
    assert!(!remaining(&fixed).contains(&"conflicting-consent-lists"));
    assert!(!remaining(&fixed).contains(&"user-consent-any-app"));
}

#[test]
fn a_file_with_load_errors_is_not_fixed() {
    let text = "authorizationPolicy:\n  allowInvitesFrom: everyone\n  allowInviteFrom: everyone\n";
    let fixed = fix(text);
    assert_eq!(fixed.text, text);
    assert_eq!(fixed.fixes, 0);
    assert_eq!(
        fixed.blocked.as_deref(),
        Some("it does not load cleanly (unknown-key)")
    );
}

#[test]
fn suppressed_findings_are_not_fixed() {
    let text = "authorizationPolicy:\n  # entralint: ignore[guest-invites-by-everyone] partners invite their own people\n  allowInvitesFrom: everyone\n  blockMsolPowerShell: false\n";
    let fixed = fix(text);
    assert!(fixed.text.contains("allowInvitesFrom: everyone\n"));
    assert!(fixed.text.contains("blockMsolPowerShell: true\n"));
    assert!(!remaining(&fixed).contains(&"unused-suppression"));
}

#[test]
fn baselined_findings_are_not_fixed() {
    let text = "authorizationPolicy:\n  allowInvitesFrom: everyone\n  blockMsolPowerShell: false\n";
    let report =
        entralint::check::check_source("tenant.yaml", text.as_bytes(), true, Some(&RULES)).unwrap();
    let mut file = baseline::record(&[report]);
    file.findings
        .retain(|e| e.rule == "guest-invites-by-everyone");
    assert_eq!(file.findings.len(), 1);
    let baseline = Baseline {
        path: PathBuf::from("baseline.json"),
        file,
    };
    let fixed = fix_with(text, false, Some(&baseline));
    assert!(fixed.text.contains("allowInvitesFrom: everyone\n"));
    assert!(fixed.text.contains("blockMsolPowerShell: true\n"));
}

#[test]
fn a_fix_that_changes_another_setting_is_unsafe() {
    // The rule that flags `EnableGroupCreation` itself (with the same fix) is off.
    let rules = RuleSet::load(&Selection {
        ignore: vec!["m365-group-creation-by-users".to_string()],
        ..Selection::default()
    })
    .unwrap();
    let text = "groupSettings:\n  EnableGroupCreation: true\n  GroupCreationAllowedGroupId: 5f1a9d1c-3b5e-4c8e-9a53-0c6f5e1e2b7a\n";
    let fixed = fix_by(&rules, text, false, None);
    assert_eq!(
        fixed.unsafe_skipped,
        ["group-creation-allowlist-ineffective"]
    );
    assert!(fixed.text.contains("EnableGroupCreation: true\n"));
    let fixed = fix_by(&rules, text, true, None);
    assert!(fixed.text.contains("EnableGroupCreation: false\n"));
}

#[test]
fn an_empty_section_gets_its_keys_under_it() {
    let text = "tenant:\n  name: x\nportalSettings:\n";
    let fixed = fix(text);
    assert!(
        fixed
            .text
            .starts_with("tenant:\n  name: x\nportalSettings:\n  restrictNonAdminAccess: true\n"),
        "{}",
        fixed.text
    );
}

#[test]
fn every_example_file_fixes_cleanly() {
    let mut fixed_files = 0;
    for entry in walk(std::path::Path::new("examples")) {
        // The fleet's tenants extend files beside them; tests/fleet.rs fixes them together.
        if entry.starts_with("examples/fleet") {
            continue;
        }
        let text = std::fs::read_to_string(&entry).unwrap();
        let Some(report) =
            entralint::check::check_source("tenant.yaml", text.as_bytes(), false, Some(&RULES))
        else {
            continue;
        };
        let fixed = fix_with(&text, true, None);
        if report.diagnostics.iter().any(|d| d.code == "unknown-key") {
            assert_eq!(
                fixed.text,
                text,
                "{}: a file with load errors was edited",
                entry.display()
            );
            continue;
        }
        assert!(
            fixed.blocked.is_none(),
            "{}: {:?}",
            entry.display(),
            fixed.blocked
        );
        let left: Vec<&str> = fixed
            .report
            .diagnostics
            .iter()
            .filter(|d| d.is_active() && d.fixable)
            .map(|d| d.code.as_str())
            .collect();
        assert!(
            left.is_empty(),
            "{}: still fixable: {left:?}",
            entry.display()
        );
        assert_eq!(
            fix_with(&fixed.text, true, None).fixes,
            0,
            "{}",
            entry.display()
        );
        fixed_files += usize::from(fixed.fixes > 0);
    }
    assert!(
        fixed_files >= 10,
        "only {fixed_files} example files had fixes"
    );
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "json") {
            files.push(path);
        }
    }
    files.sort();
    files
}

// The command line.

#[test]
fn fix_writes_the_file_keeps_permissions_and_a_second_run_fixes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenant.yaml");
    std::fs::write(&path, BLOCK).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let first = entralint()
        .current_dir(dir.path())
        .args([
            "check",
            "--fix",
            "--no-config",
            "--format",
            "short",
            "tenant.yaml",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(first.stderr).unwrap();
    assert!(
        stderr.contains("fixed 19 settings in 1 file; 25 findings remain"),
        "{stderr}"
    );
    assert!(stderr.contains("1 fix not applied: unsafe"), "{stderr}");
    // What remains is reported against the fixed file, and still fails the run.
    assert_eq!(first.status.code(), Some(1));
    let stdout = String::from_utf8(first.stdout).unwrap();
    assert!(
        stdout.contains("tenant.yaml:9:5: error: ") && stdout.contains("[user-consent-any-app]"),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fix(BLOCK).text);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    entralint()
        .current_dir(dir.path())
        .args(["check", "--fix", "--no-config", "tenant.yaml"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("fixed 0 settings in 0 files"));
}

#[test]
fn diff_prints_what_fix_would_write_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenant.yaml");
    let text = "authorizationPolicy:\n  allowInvitesFrom: everyone  # who may invite\n";
    std::fs::write(&path, text).unwrap();
    let output = entralint()
        .current_dir(dir.path())
        .args([
            "check",
            "--diff",
            "--no-config",
            "--select",
            "guest-invites-by-everyone",
            "tenant.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "nothing would remain");
    insta::assert_snapshot!("diff", String::from_utf8(output.stdout).unwrap());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // Findings that would remain give the exit code check gives.
    entralint()
        .current_dir(dir.path())
        .args(["check", "--diff", "--no-config", "tenant.yaml"])
        .assert()
        .code(1);
}

#[test]
fn a_utf16_file_stays_utf16() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenant.yaml");
    let text = "authorizationPolicy:\r\n  blockMsolPowerShell: false\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&path, bytes).unwrap();
    entralint()
        .current_dir(dir.path())
        .args([
            "check",
            "--fix",
            "--no-config",
            "--select",
            "msol-powershell-not-blocked",
            "tenant.yaml",
        ])
        .assert()
        .code(0);
    let written = std::fs::read(&path).unwrap();
    let (decoded, encoding) = entralint::load::decode::decode(&written).unwrap();
    assert_eq!(encoding, entralint::load::decode::Encoding::Utf16Le);
    assert_eq!(
        decoded,
        "authorizationPolicy:\r\n  blockMsolPowerShell: true\r\n"
    );
}

#[test]
fn fix_cannot_write_to_standard_input() {
    entralint()
        .args(["check", "--fix", "--stdin-filename", "t.yaml"])
        .write_stdin("authorizationPolicy: {}\n")
        .assert()
        .code(2);
}

// The property test.

/// Settings with a declared fix: their path, the fixed value and a value the rule flags.
static SETTINGS: LazyLock<Vec<(Vec<String>, serde_json::Value, serde_json::Value)>> =
    LazyLock::new(|| {
        let mut settings: Vec<(Vec<String>, serde_json::Value, serde_json::Value)> = Vec::new();
        for rule in &RULES.rules {
            let Some(fix) = &rule.file.fix else { continue };
            let path: Vec<String> = fix.set.split('.').map(str::to_string).collect();
            if settings.iter().any(|(p, ..)| *p == path) {
                continue;
            }
            let bad = match &fix.value {
                serde_json::Value::Bool(b) => serde_json::Value::Bool(!b),
                serde_json::Value::Array(_) if fix.set.ends_with("Domains") => {
                    serde_json::json!(["fabrikam.example"])
                }
                serde_json::Value::Array(_) => {
                    serde_json::json!([
                        "ManagePermissionGrantsForSelf.microsoft-user-default-legacy"
                    ])
                }
                serde_json::Value::String(s) if s == "disabled" => serde_json::json!("enabled"),
                serde_json::Value::String(s) if s == "Enforce" => serde_json::json!("Audit"),
                // Smart lockout: a threshold above 10, a duration below 60 seconds.
                serde_json::Value::Number(n) if n.as_i64() == Some(10) => serde_json::json!(50),
                serde_json::Value::Number(n) if n.as_i64() == Some(60) => serde_json::json!(30),
                // Device registration memberships: all users instead of none.
                serde_json::Value::String(s) if s == "none" => serde_json::json!("all"),
                serde_json::Value::String(s) if s == "adminsAndGuestInviters" => {
                    serde_json::json!("everyone")
                }
                // The member role: guests with member access.
                serde_json::Value::String(_) => {
                    serde_json::json!("a0b1b346-4d3e-4e8b-98f8-753987be4970")
                }
                other => other.clone(),
            };
            settings.push((path, fix.value.clone(), bad));
        }
        settings
    });

#[derive(Debug, Clone)]
struct Shape {
    external: bool,
    /// Per setting: 0 absent, 1 the fixed value, 2 the flagged value.
    values: Vec<u8>,
    json: bool,
    crlf: bool,
    step: usize,
    quote: u8,
    comments: bool,
    /// Settings in reverse order.
    reverse: bool,
    /// Nested mappings written as YAML flow mappings (`{a: 1}`).
    flow: bool,
    /// Blank lines, comment lines and a list of users between the settings.
    extras: bool,
    /// Sections with nothing chosen written as an empty `key:`.
    empty_sections: bool,
}

fn shape() -> impl Strategy<Value = Shape> {
    let count = SETTINGS.len();
    (
        any::<bool>(),
        proptest::collection::vec(0u8..3, count),
        (any::<bool>(), any::<bool>()),
        prop_oneof![Just(2usize), Just(4)],
        0u8..3,
        any::<bool>(),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(external, values, (json, crlf), step, quote, comments, more)| Shape {
                external,
                values,
                json,
                crlf,
                step,
                quote,
                comments,
                reverse: more.0,
                flow: more.1,
                extras: more.2,
                empty_sections: more.3,
            },
        )
}

fn render(shape: &Shape) -> String {
    let mut root = serde_json::Map::new();
    root.insert(
        "tenant".into(),
        serde_json::json!({"name": "generated", "kind": if shape.external { "external" } else { "workforce" }}),
    );
    let mut chosen: Vec<_> = SETTINGS.iter().zip(&shape.values).collect();
    if shape.reverse {
        chosen.reverse();
    }
    for ((path, good, bad), choice) in chosen {
        let value = match choice {
            1 => good.clone(),
            2 => bad.clone(),
            _ => continue,
        };
        let mut map = &mut root;
        for key in &path[..path.len() - 1] {
            map = map
                .entry(key.clone())
                .or_insert_with(|| serde_json::json!({}))
                .as_object_mut()
                .unwrap();
        }
        map.insert(path[path.len() - 1].clone(), value);
    }
    let text = if shape.json {
        serde_json::to_string_pretty(&root).unwrap() + "\n"
    } else {
        if shape.empty_sections {
            for (path, ..) in SETTINGS.iter() {
                root.entry(path[0].clone())
                    .or_insert(serde_json::Value::Null);
            }
        }
        let mut out = String::from("# generated\n");
        block(&root, 0, shape, &mut out);
        if shape.extras {
            out.push_str(
                "\n# people\nusers:\n  - id: alice@contoso.example\n    userType: Member\n",
            );
        }
        out
    };
    if shape.crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    }
}

fn block(
    map: &serde_json::Map<String, serde_json::Value>,
    indent: usize,
    shape: &Shape,
    out: &mut String,
) {
    for (key, value) in map {
        out.push_str(&" ".repeat(indent));
        out.push_str(key);
        match value {
            serde_json::Value::Null => out.push_str(":\n"),
            serde_json::Value::Object(inner) if shape.flow && indent > 0 => {
                out.push_str(&format!(": {}\n", flow(inner)));
            }
            serde_json::Value::Object(inner) => {
                out.push(':');
                if shape.comments {
                    out.push_str("  # section");
                }
                out.push('\n');
                block(inner, indent + shape.step, shape, out);
                if shape.extras && indent == 0 {
                    out.push_str("\n# more settings to come\n");
                }
            }
            serde_json::Value::Array(items) if !items.is_empty() => {
                out.push_str(":\n");
                for item in items {
                    let item = item.as_str().unwrap();
                    out.push_str(&format!("{}- {item}\n", " ".repeat(indent + shape.step)));
                }
            }
            serde_json::Value::String(s) => {
                let s = match shape.quote {
                    0 => s.clone(),
                    1 => format!("'{s}'"),
                    _ => format!("\"{s}\""),
                };
                out.push_str(&format!(": {s}"));
                if shape.comments {
                    out.push_str("   # why");
                }
                out.push('\n');
            }
            other => {
                out.push_str(&format!(": {other}"));
                if shape.comments {
                    out.push_str(" # why");
                }
                out.push('\n');
            }
        }
    }
}

/// A YAML flow mapping of plain keys and values.
fn flow(map: &serde_json::Map<String, serde_json::Value>) -> String {
    let entries: Vec<String> = map
        .iter()
        .map(|(key, value)| match value {
            serde_json::Value::Object(inner) => format!("{key}: {}", flow(inner)),
            serde_json::Value::String(s) => format!("{key}: {s}"),
            serde_json::Value::Array(items) => {
                let items: Vec<&str> = items.iter().filter_map(|i| i.as_str()).collect();
                format!("{key}: [{}]", items.join(", "))
            }
            other => format!("{key}: {other}"),
        })
        .collect();
    format!("{{{}}}", entries.join(", "))
}

/// Every byte outside a pass's edits is unchanged: walking the edits in order, the text between
/// them is the same before and after.
fn check_untouched(before: &str, after: &str, edits: &[entralint::fix::edit::Edit]) {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| e.span.start);
    let (mut old, mut new) = (0usize, 0usize);
    for edit in &edits {
        let start = edit.span.start as usize;
        let kept = &before[old..start];
        assert_eq!(
            &after[new..new + kept.len()],
            kept,
            "bytes before an edit changed"
        );
        new += kept.len();
        assert_eq!(&after[new..new + edit.text.len()], edit.text);
        new += edit.text.len();
        old = edit.span.end as usize;
    }
    assert_eq!(
        &after[new..],
        &before[old..],
        "bytes after the last edit changed"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn fixes_reparse_touch_only_their_spans_and_leave_nothing_to_fix(shape in shape()) {
        let text = render(&shape);
        let original = entralint::check::check_source("tenant.yaml", text.as_bytes(), true, Some(&RULES)).unwrap();
        prop_assert!(
            !original.diagnostics.iter().any(|d| ["syntax-error", "unknown-key", "wrong-type", "invalid-value"].contains(&d.code.as_str())),
            "the generated file is valid: {:?}\n{text}", original.diagnostics
        );
        let fixed = fix_with(&text, true, None);
        prop_assert!(fixed.blocked.is_none(), "{:?}", fixed.blocked);
        // It re-parses, and loads without problems.
        let report = entralint::check::check_source("tenant.yaml", fixed.text.as_bytes(), true, Some(&RULES)).unwrap();
        prop_assert!(
            !report.diagnostics.iter().any(|d| d.severity == entralint::diagnostic::Severity::Error && !d.fixable && entralint::diagnostic::LOAD_CHECKS.iter().any(|(c, _)| *c == d.code)),
            "{:?}\n{}", report.diagnostics, fixed.text
        );
        if shape.json {
            prop_assert!(serde_json::from_str::<serde_json::Value>(&fixed.text).is_ok(), "{}", fixed.text);
        }
        // Only the edited spans changed, pass after pass.
        for (i, pass) in fixed.passes.iter().enumerate() {
            let after = fixed.passes.get(i + 1).map_or(fixed.text.as_str(), |p| p.before.as_str());
            check_untouched(&pass.before, after, &pass.edits);
        }
        // The fixed findings are gone, and a second run finds nothing to fix.
        let fixable: Vec<&str> = report.diagnostics.iter().filter(|d| d.fixable).map(|d| d.code.as_str()).collect();
        prop_assert!(fixable.is_empty(), "still fixable: {:?}\n{}", fixable, fixed.text);
        let again = fix_with(&fixed.text, true, None);
        prop_assert_eq!(again.fixes, 0);
        prop_assert_eq!(&again.text, &fixed.text);
        // Line endings stay as they were.
        if shape.crlf {
            prop_assert_eq!(fixed.text.matches('\n').count(), fixed.text.matches("\r\n").count());
        }
    }
}

#[test]
fn graph_responses_and_dsc_scripts_are_read_never_rewritten() {
    let config = Config::default();
    let checker = Checker {
        rules: Some(&RULES),
        config: &config,
    };
    let fixer = Fixer {
        checker: &checker,
        baseline: None,
        allow_unsafe: true,
    };
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for file in [
        "dsc/authorization-policy.ps1",
        "graph/authorization-policy-v1-entity.json",
    ] {
        let text = std::fs::read_to_string(fixtures.join(file)).unwrap();
        let name = file.rsplit('/').next().unwrap();
        let fixed = fix_source(name, &text, &fixer).expect("a tenant document");
        assert!(
            !fixed.report.diagnostics.is_empty(),
            "{file}: the fixture should have findings"
        );
        assert!(
            fixed.report.diagnostics.iter().all(|d| !d.fixable),
            "{file}: a finding is offered as fixable"
        );
        assert_eq!(fixed.fixes, 0, "{file}");
        assert_eq!(fixed.text, text, "{file} was edited");
    }
}

/// Found by fuzzing: a fix that inserts after a line ending in a multi-byte character looked for
/// the line break from inside that character.
#[test]
fn a_line_ending_in_a_multibyte_character_is_fixed_without_a_panic() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fix/utf16-multibyte-before-line-end.yaml");
    let bytes = std::fs::read(path).unwrap();
    let (text, _) = entralint::load::decode::decode(&bytes).unwrap();
    let fixed = fix_with(&text, true, None);
    assert!(fixed.text.starts_with(text.trim_end()), "{:?}", fixed.text);
    let again = fix_with(&fixed.text, true, None);
    assert_eq!(again.fixes, 0);
}
