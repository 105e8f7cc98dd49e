//! The section catalogue (`rules/data/sections.yaml`) and the model's types name the same
//! sections and the same Graph keys: a reader and the model cannot drift apart.

use entralint::catalogue;
use entralint::model::sections::{
    AdminConsentRequestPolicy, Application, AuthorizationPolicy, ConsentPolicySettings,
    DefaultUserRolePermissions, Group, GroupSettings, Reviewer, ServicePrincipal, Tenant, User,
};

#[test]
fn the_catalogue_lists_every_section_of_the_tenant_format() {
    assert_eq!(catalogue::problem(), None);
    let listed: Vec<&str> = catalogue::sections().iter().map(|s| s.key).collect();
    let declared: Vec<&str> = Tenant::KEYS
        .iter()
        .copied()
        .filter(|k| *k != "tenant")
        .collect();
    assert_eq!(listed, declared);
}

#[test]
fn collections_are_the_list_sections() {
    let collections: Vec<&str> = catalogue::collections().collect();
    assert_eq!(
        collections,
        [
            "users",
            "groups",
            "servicePrincipals",
            "applications",
            "roleAssignments",
            "roleSettings"
        ]
    );
}

#[test]
fn graph_keys_match_the_model_types() {
    let pairs: &[(&str, Option<&str>, &[&str])] = &[
        ("authorizationPolicy", None, AuthorizationPolicy::KEYS),
        (
            "authorizationPolicy",
            Some("defaultUserRolePermissions"),
            DefaultUserRolePermissions::KEYS,
        ),
        ("groupSettings", None, GroupSettings::KEYS),
        ("consentPolicySettings", None, ConsentPolicySettings::KEYS),
        (
            "adminConsentRequestPolicy",
            None,
            AdminConsentRequestPolicy::KEYS,
        ),
        (
            "adminConsentRequestPolicy",
            Some("reviewers"),
            Reviewer::KEYS,
        ),
        ("users", None, User::KEYS),
        ("groups", None, Group::KEYS),
        ("servicePrincipals", None, ServicePrincipal::KEYS),
        ("applications", None, Application::KEYS),
    ];
    for (section, nested, keys) in pairs {
        assert_eq!(
            catalogue::graph_keys(section, *nested),
            *keys,
            "{section} {nested:?}: rules/data/sections.yaml and src/model/sections.rs differ"
        );
    }
}
