//! Writes a corpus of realistic tenant files for the performance benchmark: both tenant kinds, a
//! mix of secure and permissive values and of declared and missing keys, 5–60 users, 0–10 groups
//! with owners, 2–40 role assignments; files of about 2–8 KB. The same N gives the same files.
//!
//! Run: `cargo run --release --example gen_corpus -- N DIR`

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(count), Some(dir)) = (
        args.first().and_then(|n| n.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: gen_corpus N DIR");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    if let Err(err) = std::fs::create_dir_all(&dir) {
        eprintln!("{}: {err}", dir.display());
        std::process::exit(2);
    }
    let mut bytes = 0usize;
    for i in 0..count {
        let text = tenant(i as u64);
        bytes += text.len();
        let path = dir.join(format!("tenant-{i:05}.yaml"));
        if let Err(err) = std::fs::write(&path, text) {
            eprintln!("{}: {err}", path.display());
            std::process::exit(2);
        }
    }
    println!(
        "wrote {count} tenant files to {} ({:.1} MB, {:.1} KB a file on average)",
        dir.display(),
        bytes as f64 / 1_048_576.0,
        bytes as f64 / count.max(1) as f64 / 1024.0
    );
}

/// SplitMix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn range(&mut self, low: usize, high: usize) -> usize {
        low + (self.next() % (high - low + 1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.range(0, items.len() - 1)]
    }
}

const ROLES: &[&str] = &[
    "Global Administrator",
    "Privileged Role Administrator",
    "User Administrator",
    "Exchange Administrator",
    "Helpdesk Administrator",
    "Security Administrator",
    "Security Reader",
    "Global Reader",
    "Application Administrator",
    "Cloud Application Administrator",
    "Groups Administrator",
    "Authentication Administrator",
    "Password Administrator",
    "62e90394-69f5-4237-9190-012177145e10",
];

const FIRST: &[&str] = &[
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter",
];

pub fn tenant(seed: u64) -> String {
    let mut r = Rng(seed.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ 0x5eed);
    let external = r.chance(20);
    let secure = r.range(0, 100) as u64;
    let domain = format!("t{seed}.example");
    // Users and role assignments fill the file up to a size drawn from 2–8 KB.
    let target = r.range(2300, 7900);
    let mut out = String::with_capacity(8192);
    let _ = writeln!(out, "# Generated tenant {seed}");
    let _ = writeln!(out, "tenant:\n  name: tenant-{seed}");
    if external {
        out.push_str("  kind: external\n");
    } else if r.chance(70) {
        out.push_str("  kind: workforce\n");
    }
    let _ = writeln!(out, "  breakGlass: [bg1@{domain}, bg2@{domain}]\n");

    // Each setting is declared with some chance, at its secure or its permissive value.
    let setting =
        |out: &mut String, r: &mut Rng, indent: &str, key: &str, good: &str, bad: &str| {
            if r.chance(65) {
                let value = if r.chance(secure) { good } else { bad };
                let _ = writeln!(out, "{indent}{key}: {value}");
            }
        };

    if r.chance(85) {
        out.push_str("authorizationPolicy:\n");
        let i = "  ";
        setting(
            &mut out,
            &mut r,
            i,
            "allowInvitesFrom",
            "adminsAndGuestInviters",
            "everyone",
        );
        setting(
            &mut out,
            &mut r,
            i,
            "allowedToSignUpEmailBasedSubscriptions",
            "false",
            "true",
        );
        setting(&mut out, &mut r, i, "allowedToUseSSPR", "false", "true");
        setting(
            &mut out,
            &mut r,
            i,
            "allowEmailVerifiedUsersToJoinOrganization",
            "false",
            "true",
        );
        setting(
            &mut out,
            &mut r,
            i,
            "allowUserConsentForRiskyApps",
            "false",
            "true",
        );
        setting(&mut out, &mut r, i, "blockMsolPowerShell", "true", "false");
        setting(
            &mut out,
            &mut r,
            i,
            "guestUserRoleId",
            "2af84b1e-32c8-42b7-82bc-daa82404023b   # restricted guest access",
            "a0b1b346-4d3e-4e8b-98f8-753987be4970",
        );
        if r.chance(80) {
            out.push_str("  defaultUserRolePermissions:\n");
            let i = "    ";
            setting(&mut out, &mut r, i, "allowedToCreateApps", "false", "true");
            setting(
                &mut out,
                &mut r,
                i,
                "allowedToCreateSecurityGroups",
                "false",
                "true",
            );
            setting(
                &mut out,
                &mut r,
                i,
                "allowedToCreateTenants",
                "false",
                "true",
            );
            setting(
                &mut out,
                &mut r,
                i,
                "allowedToReadBitlockerKeysForOwnedDevice",
                "false",
                "true",
            );
            setting(
                &mut out,
                &mut r,
                i,
                "allowedToReadOtherUsers",
                "true",
                "true",
            );
            setting(
                &mut out,
                &mut r,
                i,
                "permissionGrantPoliciesAssigned",
                "[]",
                "[ManagePermissionGrantsForSelf.microsoft-user-default-legacy]",
            );
        }
        out.push('\n');
    }
    if r.chance(70) {
        out.push_str("groupSettings:\n");
        let i = "  ";
        setting(
            &mut out,
            &mut r,
            i,
            "EnableGroupCreation",
            "\"False\"",
            "\"True\"",
        );
        setting(
            &mut out,
            &mut r,
            i,
            "AllowGuestsToBeGroupOwner",
            "\"False\"",
            "\"True\"",
        );
        setting(
            &mut out,
            &mut r,
            i,
            "AllowGuestsToAccessGroups",
            "\"True\"",
            "\"True\"",
        );
        setting(
            &mut out,
            &mut r,
            i,
            "AllowToAddGuests",
            "\"False\"",
            "\"True\"",
        );
        setting(
            &mut out,
            &mut r,
            i,
            "UsageGuidelinesUrl",
            "https://example.com/groups",
            "\"\"",
        );
        out.push('\n');
    }
    if r.chance(60) {
        out.push_str("consentPolicySettings:\n");
        let i = "  ";
        setting(
            &mut out,
            &mut r,
            i,
            "BlockUserConsentForRiskyApps",
            "\"True\"",
            "\"False\"",
        );
        setting(
            &mut out,
            &mut r,
            i,
            "EnableAdminConsentRequests",
            "\"True\"",
            "\"False\"",
        );
        setting(
            &mut out,
            &mut r,
            i,
            "EnableGroupSpecificConsent",
            "\"False\"",
            "\"True\"",
        );
        out.push('\n');
    }
    if r.chance(50) {
        out.push_str("adminConsentRequestPolicy:\n");
        let i = "  ";
        setting(&mut out, &mut r, i, "isEnabled", "true", "false");
        setting(&mut out, &mut r, i, "notifyReviewers", "true", "false");
        setting(&mut out, &mut r, i, "requestDurationInDays", "30", "0");
        out.push('\n');
    }
    if r.chance(60) {
        out.push_str("portalSettings:\n");
        let i = "  ";
        setting(
            &mut out,
            &mut r,
            i,
            "restrictNonAdminAccess",
            "true",
            "false",
        );
        setting(
            &mut out,
            &mut r,
            i,
            "linkedInAccountConnections",
            "disabled",
            "enabled",
        );
        setting(
            &mut out,
            &mut r,
            i,
            "restrictMyGroupsAccess",
            "true",
            "false",
        );
        out.push('\n');
    }
    if r.chance(50) {
        out.push_str("externalCollaboration:\n");
        let i = "  ";
        setting(
            &mut out,
            &mut r,
            i,
            "allowedDomains",
            "[fabrikam.com]",
            "[]",
        );
        setting(
            &mut out,
            &mut r,
            i,
            "guestSelfServiceSignUpEnabled",
            "false",
            "true",
        );
        out.push('\n');
    }

    let users = r.range(5, 60);
    let mut ids: Vec<String> = vec![format!("bg1@{domain}"), format!("bg2@{domain}")];
    out.push_str("users:\n");
    for id in ids.clone() {
        let _ = writeln!(
            out,
            "  - {{id: {id}, userType: Member, accountEnabled: true}}"
        );
    }
    for n in 2..60 {
        if n >= 5 && (n >= users && out.len() > target / 2 || out.len() > target * 3 / 4) {
            break;
        }
        let name = format!("{}{n}", r.pick(FIRST));
        let guest = r.chance(15);
        let id = if guest {
            format!("{name}_fabrikam.com#EXT#@{domain}")
        } else {
            format!("{name}@{domain}")
        };
        let kind = if guest { "Guest" } else { "Member" };
        if r.chance(50) {
            let _ = writeln!(
                out,
                "  - {{id: {id}, userType: {kind}, accountEnabled: {}, onPremisesSyncEnabled: {}}}",
                !r.chance(10),
                r.chance(30)
            );
        } else {
            let _ = writeln!(out, "  - id: {id}\n    userType: {kind}");
            if external && r.chance(60) {
                out.push_str("    creationType: LocalAccount\n");
            }
        }
        ids.push(id);
    }

    let groups = r.range(0, 10);
    let mut group_ids = Vec::new();
    if groups > 0 {
        out.push_str("\ngroups:\n");
    }
    for g in 0..groups {
        let id = format!("group-{g}");
        let _ = writeln!(out, "  - id: {id}\n    displayName: Group {g}");
        if r.chance(30) {
            out.push_str("    isAssignableToRole: true\n");
        }
        let owner = ids[r.range(0, ids.len() - 1)].clone();
        let member = ids[r.range(0, ids.len() - 1)].clone();
        let _ = writeln!(out, "    owners: [{owner}]\n    members: [{member}]");
        group_ids.push(id);
    }

    if r.chance(50) {
        out.push_str("\nservicePrincipals:\n");
        for s in 0..r.range(1, 4) {
            let permission = r.pick(&["User.Read.All", "Directory.ReadWrite.All", "Mail.Read"]);
            let credential = r.pick(&["certificate", "password"]);
            let _ = writeln!(
                out,
                "  - id: app-{s}\n    appRoles: [{permission}]\n    credentials: [{credential}]"
            );
            if r.chance(40) {
                let _ = writeln!(out, "    owners: [{}]", ids[r.range(0, ids.len() - 1)]);
            }
        }
    }

    out.push_str("\nroleAssignments:\n");
    let _ = writeln!(
        out,
        "  - {{principal: bg1@{domain}, role: Global Administrator, type: active}}"
    );
    let assignments = r.range(2, 40);
    for n in 1..40 {
        if n >= 2 && (n >= assignments || out.len() > target) && out.len() > target * 9 / 10 {
            break;
        }
        let principal = if !group_ids.is_empty() && r.chance(15) {
            group_ids[r.range(0, group_ids.len() - 1)].clone()
        } else {
            ids[r.range(0, ids.len() - 1)].clone()
        };
        let role = r.pick(ROLES);
        let kind = if r.chance(60) { "eligible" } else { "active" };
        if r.chance(20) {
            let _ = writeln!(
                out,
                "  - {{principal: {principal}, role: {role}, type: {kind}, endDateTime: 2027-0{}-15}}",
                r.range(1, 9)
            );
        } else {
            let _ = writeln!(
                out,
                "  - {{principal: {principal}, role: {role}, type: {kind}}}"
            );
        }
    }
    out
}
