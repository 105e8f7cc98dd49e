//! `entralint init --format terraform`: a module (main.tf) and its header (tenant.yaml) that
//! check clean under every profile, as the YAML template does; existing files are never replaced.

use std::path::Path;

use assert_cmd::Command;

const PROFILES: [&str; 6] = [
    "recommended",
    "cisa",
    "cis-m365",
    "cis-azure",
    "eidsca",
    "zero-trust",
];

fn entralint() -> Command {
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn init(dir: &Path, kind: &str, profile: &str) -> std::process::Output {
    entralint()
        .args([
            "init",
            "--format",
            "terraform",
            "--kind",
            kind,
            "--profile",
            profile,
        ])
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
fn every_profile_and_kind_gives_a_module_without_findings() {
    let root = tempfile::tempdir().unwrap();
    for kind in ["workforce", "external"] {
        for profile in PROFILES {
            let dir = root.path().join(format!("{kind}-{profile}"));
            assert_eq!(init(&dir, kind, profile).status.code(), Some(0));
            for file in ["main.tf", "tenant.yaml", ".entralint.yaml"] {
                assert!(dir.join(file).is_file(), "{file}");
            }
            // The folder is the module: main.tf and its header, read as one tenant.
            let output = entralint()
                .current_dir(&dir)
                .args(["check", ".", "--format", "short", "--fail-on", "info"])
                .output()
                .unwrap();
            let stdout = String::from_utf8(output.stdout).unwrap();
            assert_eq!(
                output.status.code(),
                Some(0),
                "{kind} × {profile}:\n{stdout}{}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert_eq!(stdout, "", "{kind} × {profile}");
        }
    }
}

#[test]
fn the_header_declares_only_what_the_module_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("contoso");
    init(&module, "external", "recommended");
    let header = std::fs::read_to_string(module.join("tenant.yaml")).unwrap();
    let main = std::fs::read_to_string(module.join("main.tf")).unwrap();
    assert!(
        header.contains("tenant:\n  name: contoso\n  kind: external\n"),
        "{header}"
    );
    for section in [
        "authorizationPolicy",
        "authenticationMethodsPolicy",
        "adminConsentRequestPolicy",
    ] {
        assert!(!header.contains(&format!("\n{section}:")), "{section}");
    }
    for section in [
        "consentPolicySettings:",
        "roleSettings:",
        "customerSettings:",
    ] {
        assert!(header.contains(&format!("\n{section}")), "{section}");
    }
    assert!(main.contains("url = \"policies/authorizationPolicy\""));
    assert!(main.contains("--kind external --profile recommended`"));
    // A workforce module holds the Conditional Access policies as azuread resources.
    let workforce = dir.path().join("w");
    init(&workforce, "workforce", "recommended");
    let main = std::fs::read_to_string(workforce.join("main.tf")).unwrap();
    assert_eq!(
        main.matches("resource \"azuread_conditional_access_policy\"")
            .count(),
        11
    );
    let header = std::fs::read_to_string(workforce.join("tenant.yaml")).unwrap();
    assert!(!header.contains("conditionalAccessPolicies"), "{header}");
    assert!(
        !header.contains("Exclude your break-glass accounts"),
        "{header}"
    );
}

#[test]
fn existing_files_are_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), "# mine\n").unwrap();
    let output = init(dir.path(), "workforce", "recommended");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("main.tf already exists"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("main.tf")).unwrap(),
        "# mine\n"
    );
    assert!(!dir.path().join("tenant.yaml").exists());
    assert!(!dir.path().join(".entralint.yaml").exists());
}

#[test]
fn a_module_cannot_extend_a_tenant_file() {
    let dir = tempfile::tempdir().unwrap();
    let output = entralint()
        .args(["init", "--format", "terraform", "--extends", "base.yaml"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--extends"));
    assert!(!dir.path().join("main.tf").exists());
}
