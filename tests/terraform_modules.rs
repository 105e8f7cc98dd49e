//! Terraform child modules: a local `source` is read with the root (its variables as the call
//! sets them, its outputs known to the root, its findings in its own files), a remote one is said
//! once and not read, and cycles, missing folders and deep nesting end with a note, not a hang.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use entralint::check::{Checker, check_each, check_source};
use entralint::config::Config;
use entralint::diagnostic::Severity;
use entralint::rules::{RuleSet, Selection};

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::load(&Selection::default()).unwrap());

const FIXTURES: &str = "tests/fixtures/terraform/modules";

/// `(file, line, column, rule, severity, message)` of every diagnostic under `path`.
type Found = Vec<(String, usize, usize, String, Severity, String)>;

fn check_path(path: &Path) -> Found {
    let config = Config::default();
    let checker = Checker {
        rules: Some(&RULES),
        config: &config,
    };
    let mut found = Vec::new();
    check_each(&[path.to_path_buf()], &checker, None, &mut |report| {
        for d in &report.diagnostics {
            let at = report.source.line_col(d.span.start);
            found.push((
                report.source.name.replace('\\', "/"),
                at.line,
                at.column,
                d.code.clone(),
                d.severity,
                d.message.clone(),
            ));
        }
    })
    .unwrap();
    found.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    found
}

fn at<'a>(found: &'a Found, file: &str, line: usize, column: usize, rule: &str) -> Vec<&'a str> {
    found
        .iter()
        .filter(|(f, l, c, r, _, _)| f.ends_with(file) && *l == line && *c == column && r == rule)
        .map(|(.., m)| m.as_str())
        .collect()
}

fn assert_at(found: &Found, file: &str, line: usize, column: usize, rule: &str) {
    assert!(
        !at(found, file, line, column, rule).is_empty(),
        "expected {rule} at {file}:{line}:{column} in {found:#?}"
    );
}

#[test]
fn a_local_child_joins_the_root_with_the_variables_its_call_sets() {
    let found = check_path(&Path::new(FIXTURES).join("root"));
    // `owner = azuread_user.bob.object_id` reaches the child's `owners = [var.owner]`: the
    // finding is in the child's file, and names the instance by its address below the root.
    let owned = at(
        &found,
        "shared/admins/main.tf",
        13,
        24,
        "role-assignable-group-owned-below-tier",
    );
    assert_eq!(owned.len(), 1, "{found:#?}");
    assert!(
        owned[0].contains("bob@contoso.com")
            && owned[0].contains("module.tier0.azuread_group.admins"),
        "{}",
        owned[0]
    );
    // `module.tier0.group_id` is the child's group: the root's assignment gives it Global
    // Administrator, reported at the reference in the root.
    let standing = at(
        &found,
        "root/main.tf",
        30,
        25,
        "privileged-permanent-active-assignment",
    );
    assert_eq!(standing.len(), 1, "{found:#?}");
    assert!(
        standing[0].contains("module.tier0.azuread_group.admins"),
        "{}",
        standing[0]
    );
    // The second call's owner comes from a data source: said at the call, and where the child
    // reads it; the group is not judged on an owner nobody knows.
    assert_at(&found, "root/main.tf", 24, 12, "unresolved-value");
    assert_at(&found, "shared/admins/main.tf", 13, 25, "unresolved-value");
    assert!(
        !found.iter().any(
            |(_, _, _, r, _, m)| r == "role-assignable-group-owned-below-tier"
                && m.contains("module.helpdesk")
        ),
        "{found:#?}"
    );
    // An argument the child has no variable for, as `terraform validate` refuses it.
    let typo = at(&found, "root/main.tf", 25, 3, "unknown-key");
    assert_eq!(typo.len(), 1, "{found:#?}");
    assert!(typo[0].contains("no variable `ownr`"), "{}", typo[0]);
}

#[test]
fn calls_that_are_not_read_are_said_once_at_their_source() {
    let found = check_path(&Path::new(FIXTURES).join("root"));
    let notes: Vec<(&str, usize, usize, &str)> = found
        .iter()
        .filter(|(_, _, _, r, _, m)| r == "unresolved-value" && m.starts_with("module `"))
        .map(|(f, l, c, _, s, m)| {
            assert_eq!(*s, Severity::Info, "{m}");
            let file = f.rsplit("modules/").next().unwrap_or(f);
            (file, *l, *c, m.split(';').next().unwrap_or(m))
        })
        .collect();
    assert_eq!(
        notes,
        [
            (
                "root/main.tf",
                34,
                13,
                "module `network` is not read: a module from outside the repository (the registry, git, an archive), fetched by `terraform init`, which entralint does not run"
            ),
            (
                "root/main.tf",
                39,
                12,
                "module `gone` is not read: a local module whose folder does not exist"
            ),
            (
                "shared/loop/main.tf",
                2,
                12,
                "module `again` is not read: a module that calls itself, directly or through others"
            ),
        ]
    );
}

#[test]
fn a_called_folder_is_not_a_tenant_of_its_own() {
    // Checking the folder that holds the root and its children finds the same as checking the
    // root: the children are read through it, not again on their own.
    let all = check_path(Path::new(FIXTURES));
    let root = check_path(&Path::new(FIXTURES).join("root"));
    assert_eq!(all, root);
    assert!(
        !all.iter()
            .any(|(f, l, c, ..)| f.contains("shared/") && *l == 1 && *c == 1),
        "{all:#?}"
    );
}

#[test]
fn a_child_checked_without_its_caller_is_a_root() {
    let found = check_path(&Path::new(FIXTURES).join("shared/admins"));
    // Its variables without a default are set by no call: not known. A name made of one is read
    // as written (`var.name`), as it only names the group.
    assert!(at(&found, "shared/admins/main.tf", 10, 24, "unresolved-value").is_empty());
    assert_at(&found, "shared/admins/main.tf", 13, 25, "unresolved-value");
    assert!(
        found
            .iter()
            .any(|(f, l, c, ..)| f.ends_with("shared/admins/main.tf") && *l == 1 && *c == 1),
        "a tenant's defaults are judged: {found:#?}"
    );
}

#[test]
fn a_file_read_alone_does_not_follow_its_calls() {
    let path = format!("{FIXTURES}/root/main.tf");
    let bytes = std::fs::read(&path).unwrap();
    let report = check_source(&path, &bytes, true, Some(&RULES)).unwrap();
    let tier0 = report
        .diagnostics
        .iter()
        .find(|d| d.code == "unresolved-value" && d.message.starts_with("module `tier0`"))
        .unwrap_or_else(|| panic!("{:#?}", report.diagnostics));
    let at = report.source.line_col(tier0.span.start);
    assert_eq!((at.line, at.column), (15, 12));
    assert!(
        tier0
            .message
            .contains("read only when the folder is checked"),
        "{}",
        tier0.message
    );
}

/// A folder of its own under the system's temporary folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("entralint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn deep_nesting_ends_with_a_note() {
    let scratch = Scratch::new("tf-deep");
    let mut dir = scratch.0.clone();
    for level in 0..20 {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("main.tf"),
            format!(
                "module \"next\" {{\n  source = \"./next\"\n}}\n\nresource \"azuread_group\" \"g\" {{\n  display_name = \"level {level}\"\n}}\n"
            ),
        )
        .unwrap();
        dir = dir.join("next");
    }
    let found = check_path(&scratch.0);
    let deep: Vec<_> = found
        .iter()
        .filter(|(_, _, _, r, _, m)| r == "unresolved-value" && m.contains("nested deeper"))
        .collect();
    assert_eq!(deep.len(), 1, "{found:#?}");
    // The last folder read is reported on by its own file; nothing is a tenant but the root.
    let tenants = found
        .iter()
        .filter(|(_, l, c, ..)| *l == 1 && *c == 1)
        .map(|(f, ..)| f.clone())
        .collect::<std::collections::BTreeSet<_>>();
    assert_eq!(tenants.len(), 1, "{tenants:#?}");
}

#[test]
fn a_json_root_calls_its_children_too() {
    let scratch = Scratch::new("tf-json");
    let child = scratch.0.join("modules/users");
    std::fs::create_dir_all(&child).unwrap();
    std::fs::write(
        scratch.0.join("main.tf.json"),
        r#"{
  "module": {
    "users": {
      "source": "./modules/users",
      "upn": "ana@contoso.com"
    }
  },
  "resource": {
    "azuread_directory_role_assignment": {
      "ana": {
        "role_id": "62e90394-69f5-4237-9190-012177145e10",
        "principal_object_id": "${module.users.id}"
      }
    }
  }
}
"#,
    )
    .unwrap();
    std::fs::write(
        child.join("main.tf"),
        "variable \"upn\" {}\n\nresource \"azuread_user\" \"u\" {\n  user_principal_name = var.upn\n  display_name        = \"Ana\"\n}\n\noutput \"id\" {\n  value = azuread_user.u.object_id\n}\n",
    )
    .unwrap();
    let found = check_path(&scratch.0);
    // The child's user is named by the UPN the root passes; the root's assignment reaches it
    // through the output.
    let standing = at(
        &found,
        "main.tf.json",
        12,
        32,
        "privileged-permanent-active-assignment",
    );
    assert_eq!(standing.len(), 1, "{found:#?}");
    assert!(standing[0].contains("ana@contoso.com"), "{}", standing[0]);
}
