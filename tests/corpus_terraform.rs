//! The public Terraform examples in ../shared/samples/terraform (the azuread provider's examples
//! and documentation snippets, and the msgraph provider's): each loads without a load error, and
//! yields the findings its values call for. Skipped (with a note) where the samples are absent.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use entralint::check::{Checker, check_each, check_source};
use entralint::config::Config;
use entralint::rules::{RuleSet, Selection};

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::load(&Selection::default()).unwrap());

fn samples() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/terraform");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: no samples folder at {}", dir.display());
        None
    }
}

/// `(rule, line)` of every diagnostic of one snippet, read on its own (the documentation's
/// snippets are separate examples, not one module).
fn snippet(dir: &Path, name: &str) -> Vec<(String, usize)> {
    let bytes = std::fs::read(dir.join(name)).unwrap();
    let Some(report) = check_source(name, &bytes, true, Some(&RULES)) else {
        return Vec::new();
    };
    report
        .diagnostics
        .iter()
        .map(|d| (d.code.clone(), report.source.line_col(d.span.start).line))
        .collect()
}

/// `(file name, rule, line)` of every diagnostic of a module folder.
fn module(dir: &Path) -> Vec<(String, String, usize)> {
    let config = Config::default();
    let checker = Checker {
        rules: Some(&RULES),
        config: &config,
    };
    let mut found = Vec::new();
    check_each(&[dir.to_path_buf()], &checker, None, &mut |report| {
        let file = Path::new(&report.source.name)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        for d in &report.diagnostics {
            let line = report.source.line_col(d.span.start).line;
            found.push((file.clone(), d.code.clone(), line));
        }
    })
    .unwrap();
    found
}

fn has(found: &[(String, usize)], rule: &str, line: usize) -> bool {
    found.iter().any(|(r, l)| r == rule && *l == line)
}

/// No load error: every block parses, every argument is one the provider has.
fn load_errors(found: &[(String, usize)]) -> Vec<&(String, usize)> {
    found
        .iter()
        .filter(|(r, _)| entralint::diagnostic::is_load_check(r))
        .filter(|(r, _)| {
            !matches!(
                r.as_str(),
                // Information about values known only at apply, and references the snippet
                // makes to objects it does not declare.
                "unresolved-value" | "unresolved-reference"
            )
        })
        .collect()
}

#[test]
fn provider_documentation_snippets() {
    let Some(dir) = samples() else { return };
    let docs = dir.join("azuread-docs");
    let mut names: Vec<String> = std::fs::read_dir(&docs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".tf"))
        .collect();
    names.sort();
    assert!(names.len() >= 38, "{names:?}");
    for name in &names {
        let found = snippet(&docs, name);
        let errors = load_errors(&found);
        // The documentation's own mistake: two `azuread_app_role_assignment.example` blocks in
        // one snippet, which Terraform refuses too.
        if name == "app_role_assignment_3.tf" {
            assert_eq!(errors, [&("duplicate-key".to_string(), 39)], "{name}");
        } else if name == "group_3.tf" {
            // And `owners` on an `azuread_user`, an argument the provider's users do not have.
            assert_eq!(errors, [&("unknown-key".to_string(), 5)], "{name}");
        } else {
            assert!(errors.is_empty(), "{name}: {errors:?}");
        }
    }

    // A disabled policy, read at its `state`.
    let f = snippet(&docs, "conditional_access_policy_1.tf");
    assert!(has(&f, "policy-disabled", 3), "{f:?}");
    assert!(has(&f, "mfa-not-required-for-all-users", 5), "{f:?}");
    // The principal comes from a data source: not known before apply, said once where written.
    let f = snippet(&docs, "directory_role_assignment_1.tf");
    assert!(has(&f, "unresolved-value", 11), "{f:?}");
    let f = snippet(&docs, "directory_role_eligibility_schedule_request.tf");
    assert!(has(&f, "unresolved-value", 11), "{f:?}");
    // Owners from `data.azuread_client_config.current`: unknown, and reported as such; on the
    // user, `owners` is not an argument at all, so its value is not read.
    let f = snippet(&docs, "group_3.tf");
    assert!(has(&f, "unknown-key", 5), "{f:?}");
    assert!(!has(&f, "unresolved-value", 5), "{f:?}");
    assert!(has(&f, "unresolved-value", 12), "{f:?}");
    // A reference to a resource the snippet does not declare (`azuread_group.pim`).
    let f = snippet(&docs, "privileged_access_group_eligibility_schedule.tf");
    assert!(has(&f, "unresolved-value", 14), "{f:?}");
    // Named locations and strengths load with no finding of their own.
    for name in ["named_location.tf", "authentication_strength_policy.tf"] {
        let f = snippet(&docs, name);
        assert!(
            !f.iter().any(|(r, _)| r.starts_with("unknown-")),
            "{name}: {f:?}"
        );
    }
    let f = snippet(&docs, "user.tf");
    assert!(load_errors(&f).is_empty(), "{f:?}");
}

#[test]
fn provider_example_modules() {
    let Some(dir) = samples() else { return };
    // The provider's `examples/` folder predates version 3: the arguments it removed or renamed
    // (`type`, `reply_urls`, `application_object_id`, a service principal's `application_id`)
    // are refused, as `terraform validate` refuses them with the current provider.
    for (name, stale) in [
        (
            "azuread-examples/application",
            &[8, 17, 27, 32, 34, 35, 40][..],
        ),
        ("azuread-examples/create-for-rbac", &[11, 51][..]),
    ] {
        let found = module(&dir.join(name));
        assert!(!found.is_empty(), "{name} is not read as a tenant");
        let errors: Vec<_> = found
            .iter()
            .filter(|(_, r, _)| entralint::diagnostic::is_load_check(r) && r != "unresolved-value")
            .map(|(f, r, l)| (f.as_str(), r.as_str(), *l))
            .collect();
        let expected: Vec<_> = stale
            .iter()
            .map(|l| ("main.tf", "unknown-key", *l))
            .collect();
        assert_eq!(errors, expected, "{name}");
    }
    let found = module(&dir.join("azuread-examples/application"));
    // `random_uuid` and a `dynamic` block are known only when Terraform runs.
    assert!(
        found
            .iter()
            .any(|(f, r, l)| f == "main.tf" && r == "unresolved-value" && *l == 16),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(f, r, l)| f == "main.tf" && r == "unresolved-value" && *l == 56),
        "{found:?}"
    );
}

#[test]
fn msgraph_examples() {
    let Some(dir) = samples() else { return };
    let graph = dir.join("msgraph");
    for name in [
        "docs_resources_resource_md_example.tf",
        "examples_resources_msgraph_update_resource_resource.tf",
    ] {
        let found = snippet(&graph, name);
        assert!(!found.is_empty(), "{name} is not read as a tenant");
        assert!(load_errors(&found).is_empty(), "{name}: {found:?}");
        assert!(
            !found.iter().any(|(r, _)| r == "syntax-error"),
            "{name}: {found:?}"
        );
    }
    // Info notes only: neither example says anything a rule needs about the applications.
    let found = snippet(
        &graph,
        "examples_resources_msgraph_update_resource_resource.tf",
    );
    assert!(
        !found
            .iter()
            .any(|(r, _)| r == "unresolved-value" || r == "unknown-key"),
        "{found:?}"
    );
}
