//! Folders of Graph responses and EntraExporter export trees are checked as one tenant each, with
//! every finding reported in the file it points into.

use assert_cmd::Command;

fn short(dir: &str) -> (String, i32) {
    let out = Command::cargo_bin("entralint")
        .unwrap()
        .current_dir(format!("tests/fixtures/{dir}"))
        .args(["check", "--format", "short", "."])
        .output()
        .unwrap();
    // Reports name files from the repository root, whatever folder the run starts in.
    (
        String::from_utf8(out.stdout)
            .unwrap()
            .replace(&format!("tests/fixtures/{dir}/"), ""),
        out.status.code().unwrap_or(-1),
    )
}

fn has(out: &str, at: &str, rule: &str) -> bool {
    out.lines().any(|l| {
        l.starts_with(at) && l.ends_with(&format!("[{rule}]"))
            || l.starts_with(at) && l.contains(&format!("[{rule}] ("))
    })
}

#[test]
fn a_folder_of_responses_is_one_tenant() {
    let (out, code) = short("graph-folder");
    assert_eq!(code, 1);
    // The header names the tenant and declares what Graph cannot: the portal setting is not
    // reported as a default.
    assert!(
        has(
            &out,
            "contoso/tenant.yaml:7:27:",
            "admin-center-restriction-not-a-boundary"
        ),
        "{out}"
    );
    assert!(
        !out.lines()
            .any(|l| l.starts_with("contoso/") && l.contains("[admin-center-open-to-users]")),
        "{out}"
    );
    // Role rules see the principals of the users response and of the expanded assignments.
    assert!(
        has(
            &out,
            "contoso/role-assignments.json:19:22:",
            "guest-in-privileged-role"
        ),
        "{out}"
    );
    // One tenant: the group settings response answers for the whole folder.
    assert!(
        has(
            &out,
            "contoso/group-settings.json:9:50:",
            "m365-group-creation-by-users"
        ),
        "{out}"
    );
    assert!(
        !out.lines()
            .any(|l| l.starts_with("contoso/authorization-policy.json")
                && l.contains("groupSettings")),
        "{out}"
    );
    // Findings on undeclared settings point at the header.
    assert!(
        has(
            &out,
            "contoso/tenant.yaml:3:1:",
            "app-password-credentials-allowed"
        ),
        "{out}"
    );
    // A JSON file that is not a Graph response is not part of the tenant.
    assert!(!out.contains("notes.json"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn two_responses_for_one_setting_conflict() {
    let (out, _) = short("graph-folder");
    assert!(
        has(&out, "conflict/b-beta.json:6:13:", "conflicting-section"),
        "{out}"
    );
    // The first response is the one checked.
    assert!(
        has(
            &out,
            "conflict/a-v1.json:4:23:",
            "guest-invites-by-everyone"
        ),
        "{out}"
    );
    assert!(!out.contains("[guests-have-member-access]"), "{out}");
}

#[test]
fn an_entra_exporter_tree_is_one_tenant() {
    let (out, code) = short("entra-exporter");
    assert_eq!(code, 1);
    let root = "export/";
    assert!(
        has(
            &out,
            &format!(
                "{root}Policies/AuthorizationPolicy/authorizationPolicy/authorizationPolicy.json:11:31:"
            ),
            "tenant-creation-by-users"
        ),
        "{out}"
    );
    // The owner file under Groups/<id>/Owners/ makes a guest the owner of a role-assignable group.
    assert!(
        has(
            &out,
            &format!(
                "{root}Groups/3c2b1a09-8f7e-4d6c-9b5a-4e3f2d1c0b9a/Owners/6f87972e-2e7e-4b49-9980-eb3888bdcfe1/6f87972e-2e7e-4b49-9980-eb3888bdcfe1.json:3:9:"
            ),
            "role-assignable-group-owned-below-tier"
        ),
        "{out}"
    );
    // The PIM file is an eligibility, the RoleAssignments file an active assignment.
    assert!(
        has(
            &out,
            &format!(
                "{root}RoleManagement/Directory/RoleAssignments/lAPpYvVpN0KRkAEhdxReEMmO4KwRqtpKkUWt3wOYIz4-1/lAPpYvVpN0KRkAEhdxReEMmO4KwRqtpKkUWt3wOYIz4-1.json:3:18:"
            ),
            "privileged-permanent-active-assignment"
        ),
        "{out}"
    );
    assert!(
        !out.lines()
            .any(|l| l.contains("PIM/") && l.contains("[privileged-permanent-active-assignment]")),
        "{out}"
    );
    // Group settings from GroupSettings/<id>/<id>.json turn group creation off.
    assert!(!out.contains("[m365-group-creation-by-users]"), "{out}");
    // The admin consent policy has no id: the exporter names its folder after the endpoint.
    assert!(
        has(
            &out,
            &format!(
                "{root}Policies/AdminConsentRequestPolicy/AdminConsentRequestPolicy/AdminConsentRequestPolicy.json:2:16:"
            ),
            "admin-consent-workflow-disabled"
        ),
        "{out}"
    );
    assert!(
        has(
            &out,
            &format!(
                "{root}Applications/7e1b2c3d-0000-4000-8000-00000000a001/Owners/6f87972e-2e7e-4b49-9980-eb3888bdcfe1/6f87972e-2e7e-4b49-9980-eb3888bdcfe1.json:3:9:"
            ),
            "guest-owns-application"
        ),
        "{out}"
    );
    // Partner configurations have no `id`: the exporter writes them under Partners/Partners/.
    assert!(
        has(
            &out,
            &format!(
                "{root}Policies/CrossTenantAccessPolicy/Partners/Partners/Partners.json:6:56:"
            ),
            "cross-tenant-automatic-redemption-on"
        ),
        "{out}"
    );
    // Defaults point at the export root's header.
    assert!(
        has(
            &out,
            &format!("{root}tenant.yaml:1:1:"),
            "app-password-credentials-allowed"
        ),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

fn short_paths(paths: &[&str]) -> String {
    let out = Command::cargo_bin("entralint")
        .unwrap()
        .current_dir("tests/fixtures/graph-folder")
        .args(["check", "--format", "short"])
        .args(paths)
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .replace("tests/fixtures/graph-folder/", "")
}

#[test]
fn a_named_file_in_a_headed_folder_brings_its_tenant() {
    // As a pre-commit hook names only the changed file.
    let out = short_paths(&["contoso/role-assignments.json"]);
    assert!(!out.contains("[admin-center-open-to-users]"), "{out}");
    assert!(
        has(
            &out,
            "contoso/group-settings.json:9:50:",
            "m365-group-creation-by-users"
        ),
        "{out}"
    );
    // A named file that is not a Graph response is named with --verbose, not dropped silently.
    let err = Command::cargo_bin("entralint")
        .unwrap()
        .current_dir("tests/fixtures/graph-folder")
        .args(["check", "--format", "short", "--verbose", "--allow-empty"])
        .args(["contoso/notes.json"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&err.stderr).contains("notes.json"),
        "{err:?}"
    );
}

#[test]
fn a_named_file_without_a_header_is_its_own_tenant() {
    let out = short_paths(&["conflict/b-beta.json"]);
    assert!(!out.contains("[conflicting-section]"), "{out}");
    assert!(
        has(
            &out,
            "conflict/b-beta.json:14:26:",
            "guests-have-member-access"
        ),
        "{out}"
    );
}
