//! `entralint schema`: the committed schema/tenant.schema.json is what the model generates, and
//! the examples point editors at it. `ENTRALINT_UPDATE_SCHEMA=1 cargo test --test schema`
//! rewrites the committed copy.

use assert_cmd::Command;
use serde_json::Value;

const COMMITTED: &str = "schema/tenant.schema.json";

#[test]
fn the_committed_schema_is_fresh() {
    let fresh = entralint::model::schema::tenant_schema_json();
    if std::env::var_os("ENTRALINT_UPDATE_SCHEMA").is_some() {
        std::fs::write(COMMITTED, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == fresh,
        "{COMMITTED} is stale: run `ENTRALINT_UPDATE_SCHEMA=1 cargo test --test schema` and commit it"
    );
}

#[test]
fn the_command_prints_the_schema() {
    let output = Command::cargo_bin("entralint")
        .unwrap()
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        entralint::model::schema::tenant_schema_json()
    );
}

fn schema() -> Value {
    serde_json::from_str(&entralint::model::schema::tenant_schema_json()).unwrap()
}

#[test]
fn the_schema_is_draft_2020_12_and_closed() {
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["additionalProperties"], false);
    let policy = &schema["$defs"]["AuthorizationPolicy"];
    assert_eq!(policy["additionalProperties"], false);
    assert!(policy["patternProperties"]["^@odata\\."].is_object());
}

#[test]
fn enums_and_defaults_are_described() {
    let schema = schema();
    let defs = &schema["$defs"];
    assert_eq!(
        defs["AllowInvitesFrom"]["enum"],
        serde_json::json!([
            "none",
            "adminsAndGuestInviters",
            "adminsGuestInvitersAndAllMembers",
            "everyone"
        ])
    );
    assert_eq!(defs["GuestRole"]["enum"].as_array().unwrap().len(), 3);
    assert_eq!(
        defs["AuthorizationPolicy"]["properties"]["allowInvitesFrom"]["description"],
        "Not declared: Entra's default applies (workforce: \"everyone\"; external: \"adminsAndGuestInviters\")."
    );
    let durp = &defs["DefaultUserRolePermissions"]["properties"]["allowedToReadOtherUsers"];
    assert_eq!(
        durp["description"],
        "Not declared: Entra's default applies (workforce: true; external: false)."
    );
    // Defaults of list items are described at their item paths.
    assert!(
        defs["User"]["properties"]["userType"]["description"]
            .as_str()
            .unwrap()
            .starts_with("Not declared")
    );
    assert_eq!(defs["User"]["required"], serde_json::json!(["id"]));
    assert_eq!(
        defs["RoleAssignment"]["required"],
        serde_json::json!(["principal", "role"])
    );
    assert!(
        defs["GroupSettings"]["description"]
            .as_str()
            .unwrap()
            .contains("Group.Unified")
    );
}

/// Every tenant file among the examples names the schema on its first line, by a path that
/// resolves from the file's folder.
#[test]
fn the_examples_name_the_schema() {
    let mut checked = 0;
    let mut dirs = vec![std::path::PathBuf::from("examples")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let first = text.lines().next().unwrap_or_default();
            let target = first
                .strip_prefix("# yaml-language-server: $schema=")
                .unwrap_or_else(|| {
                    panic!("{}: first line is not the schema comment", path.display())
                });
            let resolved = path.parent().unwrap().join(target);
            assert!(
                resolved.canonicalize().ok() == std::path::Path::new(COMMITTED).canonicalize().ok(),
                "{}: {target} does not lead to {COMMITTED}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} examples checked");
}
