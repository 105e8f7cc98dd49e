//! `entralint permissions`: what each audience can do, and which declaration or default says so.

use assert_cmd::Command;
use entralint::permissions::{self, Access, Audience, Permissions, Source};

fn entralint() -> Command {
    let mut cmd = Command::cargo_bin("entralint").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn compute(text: &str) -> Permissions {
    let loaded = entralint::load::load("t.yaml", text.as_bytes());
    let mut diagnostics = loaded.diagnostics;
    let model = entralint::model::normalise(&loaded.document, &mut diagnostics).unwrap();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    permissions::compute(
        &model,
        &entralint::load::layout::Layout::single(loaded.source.clone()),
    )
}

fn cell<'a>(p: &'a Permissions, row: &str, audience: Audience) -> &'a permissions::Cell {
    p.rows
        .iter()
        .find(|r| r.id == row)
        .unwrap_or_else(|| panic!("no row {row}"))
        .cells
        .iter()
        .find(|c| c.audience == audience)
        .unwrap_or_else(|| panic!("no {audience:?} in {row}"))
}

fn declared_at(setting: &str, line: usize, column: usize) -> Source {
    Source::Declared {
        setting: setting.to_string(),
        file: None,
        line,
        column,
    }
}

fn default(setting: &str) -> Source {
    Source::Default {
        setting: setting.to_string(),
    }
}

#[test]
fn an_empty_file_follows_the_workforce_defaults() {
    let p = compute("tenant: {name: t}\n");
    assert_eq!(p.audiences, vec![Audience::Members, Audience::Guests]);
    assert_eq!(p.rows.len(), 12);
    let users = cell(&p, "read-other-users", Audience::Members);
    assert_eq!(users.access, Access::Yes);
    assert_eq!(
        users.sources,
        vec![default(
            "authorizationPolicy.defaultUserRolePermissions.allowedToReadOtherUsers"
        )]
    );
    // Limited guest access is the default: guests look users up but cannot list them.
    let guests = cell(&p, "read-other-users", Audience::Guests);
    assert_eq!(guests.access, Access::Limited);
    assert_eq!(
        guests.sources,
        vec![default("authorizationPolicy.guestUserRoleId")]
    );
    assert_eq!(
        cell(&p, "read-groups", Audience::Guests).access,
        Access::Limited
    );
    for row in [
        "register-applications",
        "create-security-groups",
        "create-tenants",
    ] {
        assert_eq!(
            cell(&p, row, Audience::Members).access,
            Access::Yes,
            "{row}"
        );
        assert_eq!(cell(&p, row, Audience::Guests).access, Access::No, "{row}");
    }
    assert_eq!(
        cell(&p, "create-m365-groups", Audience::Members).access,
        Access::Yes
    );
    // Everyone, guests included, may invite by default.
    assert_eq!(
        cell(&p, "invite-guests", Audience::Guests).access,
        Access::Yes
    );
    // Since MC1097272 the default user-consent policy is Microsoft's managed one.
    let consent = cell(&p, "consent-to-applications", Audience::Members);
    assert_eq!(consent.access, Access::Limited);
    assert_eq!(consent.detail, "what Microsoft's managed policy allows");
    assert_eq!(
        cell(&p, "read-own-bitlocker-keys", Audience::Members).access,
        Access::Yes
    );
}

#[test]
fn declarations_are_named_with_their_line_and_column() {
    let p = compute(
        "authorizationPolicy:\n  guestUserRoleId: 2af84b1e-32c8-42b7-82bc-daa82404023b\n  allowInvitesFrom: adminsGuestInvitersAndAllMembers\n  defaultUserRolePermissions:\n    allowedToCreateApps: false\n    permissionGrantPoliciesAssigned: [ManagePermissionGrantsForSelf.microsoft-user-default-low]\n",
    );
    let apps = cell(&p, "register-applications", Audience::Members);
    assert_eq!(apps.access, Access::No);
    assert_eq!(
        apps.sources,
        vec![declared_at(
            "authorizationPolicy.defaultUserRolePermissions.allowedToCreateApps",
            5,
            5
        )]
    );
    let guests = cell(&p, "read-other-users", Audience::Guests);
    assert_eq!(guests.access, Access::No);
    assert_eq!(
        guests.sources,
        vec![declared_at("authorizationPolicy.guestUserRoleId", 2, 3)]
    );
    assert_eq!(
        cell(&p, "invite-guests", Audience::Members).access,
        Access::Yes
    );
    assert_eq!(
        cell(&p, "invite-guests", Audience::Guests).access,
        Access::No
    );
    let consent = cell(&p, "consent-to-applications", Audience::Members);
    assert_eq!(consent.access, Access::Limited);
    assert!(
        consent.detail.contains("verified publishers"),
        "{}",
        consent.detail
    );
}

#[test]
fn guests_with_member_access_follow_the_member_switches() {
    let p = compute(
        "authorizationPolicy:\n  guestUserRoleId: a0b1b346-4d3e-4e8b-98f8-753987be4970\n  allowInvitesFrom: adminsGuestInvitersAndAllMembers\n  defaultUserRolePermissions:\n    allowedToCreateTenants: false\n",
    );
    assert_eq!(
        cell(&p, "read-other-users", Audience::Guests).access,
        Access::Yes
    );
    assert_eq!(
        cell(&p, "register-applications", Audience::Guests).access,
        Access::Yes
    );
    let tenants = cell(&p, "create-tenants", Audience::Guests);
    assert_eq!(tenants.access, Access::No);
    assert_eq!(
        tenants.sources[0],
        declared_at(
            "authorizationPolicy.defaultUserRolePermissions.allowedToCreateTenants",
            5,
            5
        )
    );
    assert_eq!(
        cell(&p, "invite-guests", Audience::Guests).access,
        Access::Yes
    );
}

#[test]
fn group_creation_limited_to_a_group_names_it() {
    let p = compute(
        "groupSettings:\n  EnableGroupCreation: \"False\"\n  GroupCreationAllowedGroupId: creators\ngroups:\n  - id: creators\n",
    );
    let m365 = cell(&p, "create-m365-groups", Audience::Members);
    assert_eq!(m365.access, Access::Limited);
    assert_eq!(m365.detail, "only members of `creators`");
    assert_eq!(
        m365.sources,
        vec![
            declared_at("groupSettings.EnableGroupCreation", 2, 3),
            declared_at("groupSettings.GroupCreationAllowedGroupId", 3, 3)
        ]
    );
}

/// An external tenant file that declares only its header.
const EXTERNAL_HEADER: &str = "tenant: {name: shop, kind: external}\n";

const EXTERNAL_AUDIENCES: [Audience; 3] =
    [Audience::Customers, Audience::Internal, Audience::Invited];

/// Asserts one row for customers, internal users and invited users.
fn assert_row(p: &Permissions, row: &str, expected: [Access; 3]) {
    for (audience, access) in EXTERNAL_AUDIENCES.into_iter().zip(expected) {
        let c = cell(p, row, audience);
        assert_eq!(c.access, access, "{row} for {audience:?}: {}", c.detail);
    }
}

#[test]
fn external_tenants_have_customers_internal_and_invited_users() {
    let p = compute(EXTERNAL_HEADER);
    assert_eq!(p.audiences, EXTERNAL_AUDIENCES.to_vec());
    assert_eq!(p.kind, "external");
    // Workforce-only rows are not shown; the documented self-service rows are.
    let ids: Vec<&str> = p.rows.iter().map(|r| r.id).collect();
    assert!(!ids.contains(&"read-own-bitlocker-keys"), "{ids:?}");
    assert_eq!(
        ids[..5],
        [
            "manage-own-profile",
            "change-own-password",
            "sign-in",
            "access-applications",
            "revoke-consent"
        ]
    );
    let workforce = compute("tenant: {name: corp}\n");
    assert_eq!(
        workforce.audiences,
        vec![Audience::Members, Audience::Guests]
    );
    let members = cell(&workforce, "read-groups", Audience::Members);
    assert_eq!((members.access, members.sources.len()), (Access::Yes, 0));
}

/// One test per row of Microsoft's "Default user permissions in external tenants" table and per
/// capability the page leaves out, for a file that declares only its header.
macro_rules! external_default_row {
    ($($test:ident: $row:literal => $access:ident;)*) => {$(
        #[test]
        fn $test() {
            let p = compute(EXTERNAL_HEADER);
            assert_row(&p, $row, [Access::$access; 3]);
            if Access::$access == Access::Yes {
                // Documented as every user's: no setting takes it away.
                for audience in EXTERNAL_AUDIENCES {
                    assert!(cell(&p, $row, audience).sources.is_empty(), "{audience:?}");
                }
            }
        }
    )*};
}

external_default_row! {
    external_users_read_and_update_their_own_profile: "manage-own-profile" => Yes;
    external_users_change_their_own_password: "change-own-password" => Yes;
    external_users_sign_in: "sign-in" => Yes;
    external_users_access_applications: "access-applications" => Yes;
    external_users_revoke_consent: "revoke-consent" => Yes;
    external_users_do_not_read_other_users: "read-other-users" => No;
    external_users_do_not_read_groups: "read-groups" => No;
    external_users_do_not_read_devices: "read-devices" => No;
    external_users_do_not_register_applications: "register-applications" => No;
    external_users_do_not_create_security_groups: "create-security-groups" => No;
    external_users_do_not_create_m365_groups: "create-m365-groups" => No;
    external_users_do_not_create_tenants: "create-tenants" => No;
    external_users_do_not_invite: "invite-guests" => No;
}

#[test]
fn external_defaults_name_their_settings() {
    let p = compute(EXTERNAL_HEADER);
    let read = "authorizationPolicy.defaultUserRolePermissions.allowedToReadOtherUsers";
    for row in ["read-other-users", "read-groups", "read-devices"] {
        assert_eq!(
            cell(&p, row, Audience::Customers).sources,
            vec![default(read)],
            "{row}"
        );
        assert_eq!(
            cell(&p, row, Audience::Internal).sources,
            vec![default(read)],
            "{row}"
        );
        // Invited users hold the guest role, restricted by default in an external tenant.
        assert_eq!(
            cell(&p, row, Audience::Invited).sources,
            vec![default("authorizationPolicy.guestUserRoleId")],
            "{row}"
        );
    }
    assert_eq!(
        cell(&p, "invite-guests", Audience::Customers).sources,
        vec![default("authorizationPolicy.allowInvitesFrom")]
    );
    let consent = cell(&p, "consent-to-applications", Audience::Customers);
    assert_eq!(consent.access, Access::Limited);
    assert_eq!(consent.detail, "what Microsoft's managed policy allows");
}

#[test]
fn an_external_file_that_grants_reading_lets_default_users_read() {
    let p = compute(
        "tenant: {name: shop, kind: external}\nauthorizationPolicy:\n  defaultUserRolePermissions:\n    allowedToReadOtherUsers: true\n",
    );
    for row in ["read-other-users", "read-groups", "read-devices"] {
        assert_row(&p, row, [Access::Yes, Access::Yes, Access::No]);
        assert_eq!(
            cell(&p, row, Audience::Customers).sources,
            vec![declared_at(
                "authorizationPolicy.defaultUserRolePermissions.allowedToReadOtherUsers",
                4,
                5
            )]
        );
    }
}

#[test]
fn an_external_file_that_gives_guests_member_access_lets_invited_users_follow() {
    let p = compute(
        "tenant: {name: shop, kind: external}\nauthorizationPolicy:\n  guestUserRoleId: a0b1b346-4d3e-4e8b-98f8-753987be4970\n  defaultUserRolePermissions:\n    allowedToReadOtherUsers: true\n    allowedToCreateApps: true\n",
    );
    assert_row(&p, "read-other-users", [Access::Yes; 3]);
    assert_row(&p, "read-devices", [Access::Yes; 3]);
    assert_row(&p, "register-applications", [Access::Yes; 3]);
    assert_row(&p, "create-tenants", [Access::No; 3]);
}

#[test]
fn an_external_file_that_grants_creation_and_invites() {
    let p = compute(
        "tenant: {name: shop, kind: external}\nauthorizationPolicy:\n  allowInvitesFrom: everyone\n  defaultUserRolePermissions:\n    allowedToCreateApps: true\n    allowedToCreateSecurityGroups: true\n    allowedToCreateTenants: true\n",
    );
    for row in [
        "register-applications",
        "create-security-groups",
        "create-tenants",
    ] {
        // Invited users keep the restricted guest role, which denies it.
        assert_row(&p, row, [Access::Yes, Access::Yes, Access::No]);
    }
    assert_row(&p, "invite-guests", [Access::Yes; 3]);
    assert_eq!(
        cell(&p, "invite-guests", Audience::Invited).sources,
        vec![declared_at("authorizationPolicy.allowInvitesFrom", 3, 3)]
    );
}

#[test]
fn microsoft_365_groups_stay_out_of_external_tenants_whatever_the_file_says() {
    let text =
        "tenant: {name: shop, kind: external}\ngroupSettings:\n  EnableGroupCreation: \"True\"\n";
    let loaded = entralint::load::load("t.yaml", text.as_bytes());
    let mut diagnostics = loaded.diagnostics;
    let model = entralint::model::normalise(&loaded.document, &mut diagnostics).unwrap();
    // The declared value is noted as having no effect, not judged.
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["no-effect-in-external-tenant"]);
    let p = permissions::compute(
        &model,
        &entralint::load::layout::Layout::single(loaded.source.clone()),
    );
    assert_row(&p, "create-m365-groups", [Access::No; 3]);
    assert!(
        cell(&p, "create-m365-groups", Audience::Customers)
            .sources
            .is_empty()
    );
}

#[test]
fn the_external_example_agrees_with_the_documentation() {
    let output = entralint()
        .args(["permissions", "examples/external-tenant.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(
        "permissions-external-table",
        String::from_utf8(output.stdout).unwrap()
    );
}

#[test]
fn the_table_shows_each_cell_and_where_it_comes_from() {
    let output = entralint()
        .args(["permissions", "examples/secure-workforce.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(
        "permissions-table",
        String::from_utf8(output.stdout).unwrap()
    );
}

#[test]
fn the_json_names_declarations_and_defaults() {
    let output = entralint()
        .args([
            "permissions",
            "examples/defaults-workforce.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["kind"], "workforce");
    assert_eq!(json["audiences"], serde_json::json!(["members", "guests"]));
    let first = &json["capabilities"][0];
    assert_eq!(first["id"], "read-other-users");
    assert_eq!(first["cells"][0]["access"], "yes");
    assert_eq!(first["cells"][0]["sources"][0]["kind"], "default");
    assert_eq!(json["capabilities"].as_array().unwrap().len(), 12);

    let output = entralint()
        .args([
            "permissions",
            "examples/secure-workforce.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let source = &json["capabilities"][0]["cells"][0]["sources"][0];
    assert_eq!(source["kind"], "declared");
    assert_eq!(source["line"], 24);
    assert_eq!(source["column"], 5);
}

#[test]
fn a_file_with_problems_is_reported_not_guessed() {
    let output = entralint()
        .args(["permissions", "examples/broken.yaml", "--color", "never"])
        .output();
    // `--color` is not a flag of this command: clap refuses it with exit 2.
    assert_eq!(output.unwrap().status.code(), Some(2));
    let output = entralint()
        .args(["permissions", "examples/broken.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("examples/broken.yaml:13:5"), "{stderr}");
    assert!(
        stderr.contains("fix them to see its permissions"),
        "{stderr}"
    );
}

#[test]
fn a_missing_file_is_a_failure() {
    let output = entralint()
        .args(["permissions", "no-such-tenant.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("no-such-tenant.yaml: cannot read")
    );
}

#[test]
fn folders_and_special_files_are_refused_without_reading() {
    let dir = tempfile::tempdir().unwrap();
    let output = entralint()
        .arg("permissions")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("not a regular file")
    );
    #[cfg(unix)]
    {
        let fifo = dir.path().join("pipe.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let output = entralint().arg("permissions").arg(&fifo).output().unwrap();
            assert_eq!(output.status.code(), Some(2));
        }
    }
}
