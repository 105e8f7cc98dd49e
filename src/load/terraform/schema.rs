//! The arguments the azuread provider's resources take (registry.terraform.io/providers/hashicorp/
//! azuread, version 3), for the resources and blocks entralint checks the spelling of. An argument
//! outside the list is reported, as `terraform validate` would: a misspelt `asignable_to_role`
//! would otherwise leave the provider's default in force without a word.

use crate::diagnostic::{Diagnostic, Span};

type Table = &'static [(&'static str, &'static str, &'static [&'static str])];

/// (resource type, block path, arguments and nested blocks).
const SCHEMA: Table = &[
    (
        "azuread_conditional_access_policy",
        "",
        &[
            "display_name",
            "state",
            "conditions",
            "grant_controls",
            "session_controls",
        ],
    ),
    (
        "azuread_conditional_access_policy",
        "conditions",
        &[
            "client_app_types",
            "sign_in_risk_levels",
            "user_risk_levels",
            "service_principal_risk_levels",
            "insider_risk_levels",
            "authentication_flow_transfer_methods",
            "applications",
            "users",
            "locations",
            "platforms",
            "devices",
            "client_applications",
        ],
    ),
    (
        "azuread_conditional_access_policy",
        "conditions.applications",
        &[
            "included_applications",
            "excluded_applications",
            "included_user_actions",
            "filter",
        ],
    ),
    (
        "azuread_conditional_access_policy",
        "conditions.applications.filter",
        &["mode", "rule"],
    ),
    (
        "azuread_conditional_access_policy",
        "conditions.users",
        &[
            "included_users",
            "excluded_users",
            "included_groups",
            "excluded_groups",
            "included_roles",
            "excluded_roles",
            "included_guests_or_external_users",
            "excluded_guests_or_external_users",
        ],
    ),
    (
        "azuread_conditional_access_policy",
        "conditions.users.included_guests_or_external_users",
        &["guest_or_external_user_types", "external_tenants"],
    ),
    (
        "azuread_conditional_access_policy",
        "conditions.users.excluded_guests_or_external_users",
        &["guest_or_external_user_types", "external_tenants"],
    ),
    (
        "azuread_conditional_access_policy",
        "conditions.users.included_guests_or_external_users.external_tenants",
        &["membership_kind", "members"],
    ),
    (
        "azuread_conditional_access_policy",
        "conditions.users.excluded_guests_or_external_users.external_tenants",
        &["membership_kind", "members"],
    ),
    (
        "azuread_conditional_access_policy",
        "conditions.locations",
        &["included_locations", "excluded_locations"],
    ),
    (
        "azuread_conditional_access_policy",
        "conditions.platforms",
        &["included_platforms", "excluded_platforms"],
    ),
    (
        "azuread_conditional_access_policy",
        "conditions.devices",
        &["filter"],
    ),
    (
        "azuread_conditional_access_policy",
        "conditions.devices.filter",
        &["mode", "rule"],
    ),
    (
        "azuread_conditional_access_policy",
        "conditions.client_applications",
        &[
            "included_service_principals",
            "excluded_service_principals",
            "filter",
        ],
    ),
    (
        "azuread_conditional_access_policy",
        "conditions.client_applications.filter",
        &["mode", "rule"],
    ),
    (
        "azuread_conditional_access_policy",
        "grant_controls",
        &[
            "operator",
            "built_in_controls",
            "authentication_strength_policy_id",
            "custom_authentication_factors",
            "terms_of_use",
        ],
    ),
    (
        "azuread_conditional_access_policy",
        "session_controls",
        &[
            "application_enforced_restrictions_enabled",
            "cloud_app_security_policy",
            "disable_resilience_defaults",
            "persistent_browser_mode",
            "sign_in_frequency",
            "sign_in_frequency_period",
            "sign_in_frequency_authentication_type",
            "sign_in_frequency_interval",
        ],
    ),
    (
        "azuread_named_location",
        "",
        &["display_name", "ip", "country"],
    ),
    ("azuread_named_location", "ip", &["ip_ranges", "trusted"]),
    (
        "azuread_named_location",
        "country",
        &[
            "countries_and_regions",
            "include_unknown_countries_and_regions",
            "country_lookup_method",
        ],
    ),
    (
        "azuread_authentication_strength_policy",
        "",
        &["display_name", "description", "allowed_combinations"],
    ),
    (
        "azuread_group",
        "",
        &[
            "administrative_unit_ids",
            "assignable_to_role",
            "auto_subscribe_new_members",
            "behaviors",
            "description",
            "display_name",
            "dynamic_membership",
            "external_senders_allowed",
            "hide_from_address_lists",
            "hide_from_outlook_clients",
            "mail_enabled",
            "mail_nickname",
            "members",
            "onpremises_group_type",
            "owners",
            "prevent_duplicate_names",
            "provisioning_options",
            "security_enabled",
            "theme",
            "types",
            "visibility",
            "writeback_enabled",
            "group_name_verification_delay_seconds",
            "timeouts",
        ],
    ),
    (
        "azuread_group_member",
        "",
        &["group_object_id", "member_object_id", "timeouts"],
    ),
    (
        "azuread_directory_role",
        "",
        &["display_name", "template_id", "timeouts"],
    ),
    (
        "azuread_directory_role_assignment",
        "",
        &[
            "role_id",
            "principal_object_id",
            "directory_scope_id",
            "app_scope_id",
            "directory_scope_object_id",
            "app_scope_object_id",
            "timeouts",
        ],
    ),
    (
        "azuread_directory_role_eligibility_schedule_request",
        "",
        &[
            "role_definition_id",
            "principal_id",
            "directory_scope_id",
            "justification",
            "timeouts",
        ],
    ),
    (
        "azuread_directory_role_member",
        "",
        &["role_object_id", "member_object_id", "timeouts"],
    ),
    (
        "azuread_application_password",
        "",
        &[
            "application_id",
            "application_object_id",
            "display_name",
            "end_date",
            "end_date_relative",
            "rotate_when_changed",
            "start_date",
            "timeouts",
        ],
    ),
    (
        "azuread_service_principal_password",
        "",
        &[
            "service_principal_id",
            "display_name",
            "end_date",
            "end_date_relative",
            "rotate_when_changed",
            "start_date",
            "timeouts",
        ],
    ),
    (
        "azuread_application_owner",
        "",
        &["application_id", "owner_object_id", "timeouts"],
    ),
    (
        "azuread_app_role_assignment",
        "",
        &[
            "app_role_id",
            "principal_object_id",
            "resource_object_id",
            "timeouts",
        ],
    ),
    (
        "azuread_invitation",
        "",
        &[
            "company_name",
            "department",
            "given_name",
            "job_title",
            "message",
            "redirect_url",
            "surname",
            "usage_location",
            "user_display_name",
            "user_email_address",
            "user_type",
            "timeouts",
        ],
    ),
    (
        "azuread_invitation",
        "message",
        &["additional_recipients", "body", "language"],
    ),
];

/// The arguments a block takes, or None where entralint does not check them.
pub fn attributes(kind: &str, path: &str) -> Option<&'static [&'static str]> {
    SCHEMA
        .iter()
        .find(|(k, p, _)| *k == kind && *p == path)
        .map(|(_, _, names)| *names)
}

/// The diagnostic for an argument the provider does not have.
pub fn unknown_attribute(
    kind: &str,
    path: &str,
    name: &str,
    span: Span,
    known: &'static [&'static str],
) -> Diagnostic {
    let hint = crate::suggest::closest(name, known.iter().copied());
    let place = if path.is_empty() {
        format!("`{kind}`")
    } else {
        format!("the `{path}` block of `{kind}`")
    };
    let help = match hint {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("{place} takes: {}", known.join(", ")),
    };
    Diagnostic::error(
        "unknown-key",
        span,
        format!(
            "{place} has no argument `{name}`; Terraform refuses it, and entralint does not read it"
        ),
    )
    .with_label("unknown argument")
    .with_help(help)
}
