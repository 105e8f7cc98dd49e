//! Tenants that extend shared files (`tenant.extends`): how settings merge, where findings on
//! inherited values land, fixes to a shared file, and every way a path can be wrong. Each case is
//! a scratch repository checked with the real binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A scratch repository (it holds `.git`, so it is the root paths are confined to).
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new(files: &[(&str, &str)]) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let repo = Repo { dir };
        for (name, text) in files {
            repo.write(name, text);
        }
        repo
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }

    /// `entralint ARGS` run in the repository: exit code, stdout, stderr.
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_in(self.dir.path(), args)
    }

    fn run_in(&self, dir: &Path, args: &[&str]) -> (i32, String, String) {
        let out = Command::cargo_bin("entralint")
            .unwrap()
            .current_dir(dir)
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }
}

const BASELINE: &str = "\
tenant:
  kind: workforce
authorizationPolicy:
  allowInvitesFrom: everyone
  blockMsolPowerShell: true
  defaultUserRolePermissions:
    allowedToCreateApps: false
    allowedToCreateSecurityGroups: false
";

fn tenant(name: &str, extends: &str, rest: &str) -> String {
    format!("tenant:\n  name: {name}\n  id: {name}-id\n  extends: {extends}\n{rest}")
}

/// The `short` lines of a check, with the rule name last.
fn short(repo: &Repo, args: &[&str]) -> (i32, Vec<String>) {
    let mut all = vec!["check", "--format", "short", "--no-config"];
    all.extend_from_slice(args);
    let (code, out, err) = repo.run(&all);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    (code, out.lines().map(str::to_string).collect())
}

fn lines_with<'a>(lines: &'a [String], rule: &str) -> Vec<&'a String> {
    lines
        .iter()
        .filter(|l| l.ends_with(&format!("[{rule}]")) || l.contains(&format!("[{rule}] (")))
        .collect()
}

#[test]
fn a_finding_on_an_inherited_value_points_into_the_file_that_set_it() {
    let repo = Repo::new(&[
        ("baseline.yaml", BASELINE),
        ("prod/tenant.yaml", &tenant("prod", "../baseline.yaml", "")),
        ("test/tenant.yaml", &tenant("test", "../baseline.yaml", "")),
    ]);
    let (code, lines) = short(&repo, &["--select", "guest-invites-by-everyone"]);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        ["baseline.yaml:4:21: warning: anyone in the organisation, guests included, can invite guest users: `allowInvitesFrom` is `everyone` (inherited by prod/tenant.yaml, test/tenant.yaml) [guest-invites-by-everyone] (cisa MS.AAD.8.2v1, cis-m365 5.1.6.3, cis-azure 5.16, eidsca AP04, zero-trust 21791)"]
            .map(String::from),
        "one finding, in the baseline, naming both tenants"
    );
}

#[test]
fn a_tenant_value_overrides_the_inherited_one_key_by_key() {
    let repo = Repo::new(&[
        ("baseline.yaml", BASELINE),
        (
            "prod/tenant.yaml",
            &tenant(
                "prod",
                "../baseline.yaml",
                "authorizationPolicy:\n  allowInvitesFrom: adminsAndGuestInviters\n  defaultUserRolePermissions:\n    allowedToCreateApps: true\n",
            ),
        ),
    ]);
    let (_, lines) = short(
        &repo,
        &[
            "--select",
            "guest-invites-by-everyone,users-can-register-apps,security-group-creation-by-users,msol-powershell-not-blocked",
        ],
    );
    // The tenant's own values win; the baseline's other keys in the same mappings still hold.
    assert!(
        lines_with(&lines, "guest-invites-by-everyone").is_empty(),
        "{lines:?}"
    );
    let apps = lines_with(&lines, "users-can-register-apps");
    assert_eq!(apps.len(), 1, "{lines:?}");
    assert!(apps[0].starts_with("prod/tenant.yaml:8:"), "{lines:?}");
    assert!(
        lines_with(&lines, "security-group-creation-by-users").is_empty(),
        "{lines:?}"
    );
}

/// Every scalar of the merged tenant as `path = value  (file:line)`: what a tenant inherits, and
/// from where.
fn provenance(repo: &Repo, name: &str) -> String {
    use entralint::tree::{Node, Value};
    fn walk(node: &Node, path: &str, out: &mut Vec<(String, String, u32)>) {
        match &node.value {
            Value::Map(entries) => {
                for e in entries {
                    let key = e.key.as_str().unwrap_or("?");
                    let path = if path.is_empty() {
                        key.to_string()
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(&e.value, &path, out);
                }
            }
            Value::Seq(items) => {
                let shown: Vec<String> = items.iter().map(|i| format!("{:?}", i.value)).collect();
                out.push((
                    path.to_string(),
                    format!("[{}]", shown.join(", ")),
                    node.span.start,
                ));
            }
            other => out.push((path.to_string(), format!("{other:?}"), node.span.start)),
        }
    }
    let path = repo.path(name);
    let bytes = std::fs::read(&path).unwrap();
    let loaded = entralint::load::load(name, &bytes);
    let extended = entralint::load::extends::with_parents(loaded, &path, None).unwrap();
    assert!(
        extended.loaded.diagnostics.is_empty(),
        "{:?}",
        extended.loaded.diagnostics
    );
    let mut leaves = Vec::new();
    walk(
        extended.loaded.document.root.as_ref().unwrap(),
        "",
        &mut leaves,
    );
    leaves
        .into_iter()
        .map(|(path, value, at)| {
            let (file, line) = extended.layout.locate(at).unwrap();
            let file = Path::new(file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            format!("{path} = {value}  ({file}:{line})")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn mappings_merge_lists_replace_and_later_files_win() {
    let repo = Repo::new(&[
        (
            "a.yaml",
            "tenant: {kind: workforce}\nauthorizationPolicy:\n  allowInvitesFrom: everyone\n  enabledPreviewFeatures: [one, two]\n  defaultUserRolePermissions:\n    allowedToCreateApps: false\n    allowedToReadOtherUsers: true\n",
        ),
        (
            "b.yaml",
            "tenant:\n  extends: a.yaml\nauthorizationPolicy:\n  allowInvitesFrom: none\n  enabledPreviewFeatures: [three]\n",
        ),
        (
            "c.yaml",
            "tenant: {}\nauthorizationPolicy:\n  blockMsolPowerShell: true\n  allowInvitesFrom: adminsAndGuestInviters\n",
        ),
        (
            "t.yaml",
            &tenant(
                "t",
                "[b.yaml, c.yaml]",
                "authorizationPolicy:\n  defaultUserRolePermissions:\n    allowedToReadOtherUsers: false\n",
            ),
        ),
    ]);
    insta::assert_snapshot!("merged_tenant", provenance(&repo, "t.yaml"));
}

#[test]
fn a_baseline_is_judged_only_through_its_tenants() {
    // The thin baseline leaves sign-in to each tenant: checked alone it would lack MFA.
    let repo = Repo::new(&[
        (
            "baseline.yaml",
            "tenant: {kind: workforce}\nauthorizationPolicy:\n  allowInvitesFrom: none\n",
        ),
        ("prod.yaml", &tenant("prod", "baseline.yaml", "")),
    ]);
    let (_, lines) = short(&repo, &[]);
    assert!(
        lines
            .iter()
            .all(|l| !l.starts_with("baseline.yaml") || l.contains("(inherited by prod.yaml)")),
        "{lines:#?}"
    );
    // Named alone, as a hook names a changed file, it is a tenant like any other.
    let (_, alone) = short(&repo, &["baseline.yaml"]);
    assert!(
        alone.iter().any(|l| l.starts_with("baseline.yaml")),
        "{alone:#?}"
    );
    assert!(
        alone.iter().all(|l| !l.contains("inherited by")),
        "{alone:#?}"
    );
}

#[test]
fn a_tenant_named_alone_still_reads_what_it_extends() {
    let repo = Repo::new(&[
        ("baseline.yaml", BASELINE),
        ("prod/tenant.yaml", &tenant("prod", "../baseline.yaml", "")),
    ]);
    let (_, lines) = short(
        &repo,
        &["--select", "guest-invites-by-everyone", "prod/tenant.yaml"],
    );
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("baseline.yaml:4:21:"), "{lines:?}");
}

#[test]
fn fixing_an_inherited_value_edits_the_file_that_set_it_and_names_the_tenants() {
    let repo = Repo::new(&[
        ("baseline.yaml", BASELINE),
        ("prod/tenant.yaml", &tenant("prod", "../baseline.yaml", "")),
        ("test/tenant.yaml", &tenant("test", "../baseline.yaml", "")),
    ]);
    let prod_before = repo.read("prod/tenant.yaml");
    let (code, out, err) = repo.run(&[
        "check",
        "--no-config",
        "--select",
        "guest-invites-by-everyone",
        "--fix",
        "--format",
        "short",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        repo.read("baseline.yaml")
            .contains("allowInvitesFrom: adminsAndGuestInviters"),
        "{}",
        repo.read("baseline.yaml")
    );
    assert_eq!(
        repo.read("prod/tenant.yaml"),
        prod_before,
        "the tenant is not edited"
    );
    assert!(
        err.contains("fixed 1 setting in 1 file; 0 findings remain"),
        "{err}"
    );
    assert!(
        err.contains("note: baseline.yaml is extended by 2 tenants: the fix changes prod/tenant.yaml, test/tenant.yaml"),
        "{err}"
    );
}

#[test]
fn a_fix_to_a_baseline_is_judged_through_its_tenants() {
    // Checked alone, this thin baseline would lack sign-in protection, which its tenant declares:
    // what the fix leaves must be what a fresh check of the tenants finds.
    let repo = Repo::new(&[
        (
            "baseline.yaml",
            "tenant: {}\nauthorizationPolicy:\n  allowInvitesFrom: everyone\n",
        ),
        (
            "prod.yaml",
            &tenant(
                "prod",
                "baseline.yaml",
                "securityDefaults:\n  isEnabled: true\n",
            ),
        ),
    ]);
    let (_, _, err) = repo.run(&["check", "--no-config", "--fix", "--unsafe-fixes"]);
    assert!(
        repo.read("baseline.yaml")
            .contains("allowInvitesFrom: adminsAndGuestInviters"),
        "{err}"
    );
    let remain: usize = err
        .lines()
        .find_map(|l| {
            l.strip_prefix("fixed ")?
                .split("; ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no summary: {err}"));
    let (_, out, _) = repo.run(&["check", "--no-config", "--format", "short"]);
    assert_eq!(remain, out.lines().count(), "{err}\n{out}");
}

#[test]
fn every_wrong_path_is_an_error_at_the_path() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("far.yaml"), BASELINE).unwrap();
    let far = outside.path().join("far.yaml");
    let repo = Repo::new(&[
        ("missing.yaml", &tenant("m", "nowhere.yaml", "")),
        (
            "absolute.yaml",
            &tenant("a", &far.display().to_string(), ""),
        ),
        (
            "climbs.yaml",
            &tenant("c", "../../../../../../../../etc/hostname", ""),
        ),
        ("cycle-a.yaml", &tenant("ca", "cycle-b.yaml", "")),
        ("cycle-b.yaml", &tenant("cb", "cycle-a.yaml", "")),
        ("self.yaml", &tenant("s", "self.yaml", "")),
        ("graph.yaml", &tenant("g", "response.json", "")),
        (
            "response.json",
            r#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/authorizationPolicy/$entity", "allowInvitesFrom": "everyone"}"#,
        ),
        ("folder.yaml", &tenant("f", "sub", "")),
        ("sub/x.txt", "x"),
    ]);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&far, repo.path("link.yaml")).unwrap();
    #[cfg(unix)]
    repo.write("linked.yaml", &tenant("l", "link.yaml", ""));
    let (code, out, err) = repo.run(&[
        "check",
        "--no-config",
        "--format",
        "short",
        "--select",
        "guest-invites-by-everyone",
    ]);
    let _ = (code, err);
    let errors: Vec<&str> = out
        .lines()
        .filter(|l| l.ends_with("[invalid-extends]"))
        .collect();
    insta::assert_snapshot!(
        "wrong_paths",
        errors
            .join("\n")
            .replace(&*outside.path().display().to_string(), "<outside>")
            .replace(
                &*repo
                    .dir
                    .path()
                    .canonicalize()
                    .unwrap()
                    .display()
                    .to_string(),
                "<repo>"
            )
    );
}

#[test]
fn the_fleet_example_reports_one_finding_per_place() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::cargo_bin("entralint")
        .unwrap()
        .current_dir(root)
        .args([
            "check",
            "examples/fleet",
            "--format",
            "short",
            "--no-config",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("fleet_example", text);
}

#[test]
fn init_extends_writes_a_thin_tenant_that_checks_through_its_baseline() {
    let repo = Repo::new(&[("fleet/baseline.yaml", BASELINE)]);
    let (code, _, err) = repo.run(&[
        "init",
        "--extends",
        "fleet/baseline.yaml",
        "--kind",
        "external",
        "fleet/shop",
    ]);
    assert_eq!(code, 0, "{err}");
    let written = repo.read("fleet/shop/tenant.yaml");
    assert!(written.contains("  name: shop\n  # id: the tenant (directory) id\n  kind: external\n  extends: ../baseline.yaml\n"), "{written}");
    assert!(
        !repo.path("fleet/shop/.entralint.yaml").exists(),
        "the fleet keeps its own configuration"
    );
    let (_, lines) = short(
        &repo,
        &[
            "--select",
            "guest-invites-by-everyone",
            "fleet/shop/tenant.yaml",
        ],
    );
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("fleet/baseline.yaml:4:21:"),
        "{lines:?}"
    );
    // A parent that cannot be extended is refused, and nothing is written.
    let (code, _, err) = repo.run(&["init", "--extends", "fleet/none.yaml", "fleet/other"]);
    assert_eq!(code, 2);
    assert!(err.contains("`../none.yaml` does not exist"), "{err}");
    assert!(!repo.path("fleet/other").exists());
    let (code, _, _) = repo.run(&["init", "--extends", "fleet/baseline.yaml", "fleet/shop"]);
    assert_eq!(code, 2, "an existing tenant file is not replaced");
}

#[test]
fn permissions_name_the_file_each_inherited_setting_comes_from() {
    let repo = Repo::new(&[
        ("baseline.yaml", BASELINE),
        (
            "prod/tenant.yaml",
            &tenant(
                "prod",
                "../baseline.yaml",
                "authorizationPolicy:\n  allowInvitesFrom: none\n",
            ),
        ),
    ]);
    let (code, out, err) = repo.run(&["permissions", "prod/tenant.yaml"]);
    assert_eq!(code, 0, "{err}");
    let invite = out
        .lines()
        .find(|l| l.starts_with("invite guests"))
        .unwrap();
    assert!(
        invite.contains("no (line 6)"),
        "the tenant's own value: {invite}"
    );
    let apps = out
        .lines()
        .find(|l| l.starts_with("register applications"))
        .unwrap();
    assert!(
        apps.contains("no (baseline.yaml:7)"),
        "the inherited value: {apps}"
    );
    assert!(
        out.contains("`authorizationPolicy.defaultUserRolePermissions.allowedToCreateApps` declared at baseline.yaml:7:5"),
        "{out}"
    );
}

#[test]
fn a_suppression_in_a_baseline_is_unused_only_if_no_tenant_needs_it() {
    // Customers reading the directory is a finding of external tenants only: the suppression
    // serves the external tenant and means nothing to the workforce one.
    let baseline = "tenant: {}\nauthorizationPolicy:\n  defaultUserRolePermissions:\n    allowedToReadOtherUsers: true   # entralint: ignore[customers-can-read-directory] the shop's customers see a public catalogue\n";
    let repo = Repo::new(&[
        ("baseline.yaml", baseline),
        ("work.yaml", &tenant("work", "baseline.yaml", "")),
        (
            "shop.yaml",
            "tenant:\n  name: shop\n  id: shop-id\n  kind: external\n  extends: baseline.yaml\n",
        ),
    ]);
    let (_, lines) = short(&repo, &["--select", "customers-can-read-directory"]);
    assert!(
        lines.is_empty(),
        "suppressed for one tenant, unused by none: {lines:?}"
    );
    // Once no tenant needs it, it is reported, once.
    repo.write("baseline.yaml", &baseline.replace(": true ", ": false "));
    let (_, lines) = short(&repo, &["--select", "customers-can-read-directory"]);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("baseline.yaml:4:") && lines[0].ends_with("[unused-suppression]"),
        "{lines:?}"
    );
}

#[test]
fn the_header_of_a_graph_folder_cannot_extend() {
    let repo = Repo::new(&[
        ("baseline.yaml", BASELINE),
        (
            "export/tenant.yaml",
            "tenant:\n  name: prod\n  extends: ../baseline.yaml\n",
        ),
        (
            "export/authorizationPolicy.json",
            r#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/authorizationPolicy/$entity", "allowInvitesFrom": "none"}"#,
        ),
    ]);
    let (_, lines) = short(&repo, &["export"]);
    assert!(
        lines.iter().any(|l| l.starts_with("export/tenant.yaml:3:12: error: the header of a folder of Graph responses cannot extend")),
        "{lines:#?}"
    );
}
