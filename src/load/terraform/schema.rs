//! The arguments the azuread provider's resources take (registry.terraform.io/providers/hashicorp/
//! azuread, version 3), for every azuread resource entralint reads and for PIM for groups. An
//! argument outside the list is reported, as `terraform validate` would: a misspelt
//! `asignable_to_role` would otherwise leave the provider's default in force without a word.
//! Attributes the provider only exports (`object_id`, a user's `user_type`) are not arguments, and
//! neither are those version 3 removed (`application_object_id`): Terraform refuses them too.
//! Every resource also takes a `timeouts` block.

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
            "timeouts",
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
        &["display_name", "ip", "country", "timeouts"],
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
        &[
            "display_name",
            "description",
            "allowed_combinations",
            "timeouts",
        ],
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
            "message",
            "redirect_url",
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
    ("azuread_group", "dynamic_membership", &["enabled", "rule"]),
    (
        "azuread_user",
        "",
        &[
            "account_enabled",
            "age_group",
            "business_phones",
            "city",
            "company_name",
            "consent_provided_for_minor",
            "cost_center",
            "country",
            "department",
            "disable_password_expiration",
            "disable_strong_password",
            "display_name",
            "division",
            "employee_hire_date",
            "employee_id",
            "employee_type",
            "fax_number",
            "force_password_change",
            "given_name",
            "job_title",
            "mail",
            "mail_nickname",
            "manager_id",
            "mobile_phone",
            "office_location",
            "onpremises_immutable_id",
            "other_mails",
            "password",
            "postal_code",
            "preferred_language",
            "show_in_address_list",
            "state",
            "street_address",
            "surname",
            "usage_location",
            "user_principal_name",
            "timeouts",
        ],
    ),
    (
        "azuread_application",
        "",
        &[
            "api",
            "app_role",
            "description",
            "device_only_auth_enabled",
            "display_name",
            "fallback_public_client_enabled",
            "feature_tags",
            "group_membership_claims",
            "identifier_uris",
            "logo_image",
            "marketing_url",
            "notes",
            "oauth2_post_response_required",
            "optional_claims",
            "owners",
            "password",
            "prevent_duplicate_names",
            "privacy_statement_url",
            "public_client",
            "required_resource_access",
            "service_management_reference",
            "sign_in_audience",
            "single_page_application",
            "support_url",
            "tags",
            "template_id",
            "terms_of_service_url",
            "web",
            "timeouts",
        ],
    ),
    (
        "azuread_application",
        "api",
        &[
            "known_client_applications",
            "mapped_claims_enabled",
            "oauth2_permission_scope",
            "requested_access_token_version",
        ],
    ),
    (
        "azuread_application",
        "api.oauth2_permission_scope",
        &[
            "admin_consent_description",
            "admin_consent_display_name",
            "enabled",
            "id",
            "type",
            "user_consent_description",
            "user_consent_display_name",
            "value",
        ],
    ),
    (
        "azuread_application",
        "app_role",
        &[
            "allowed_member_types",
            "description",
            "display_name",
            "enabled",
            "id",
            "value",
        ],
    ),
    ("azuread_application", "feature_tags", FEATURE_TAGS),
    (
        "azuread_application",
        "optional_claims",
        &["access_token", "id_token", "saml2_token"],
    ),
    (
        "azuread_application",
        "optional_claims.*",
        &["additional_properties", "essential", "name", "source"],
    ),
    (
        "azuread_application",
        "password",
        &["display_name", "end_date", "start_date"],
    ),
    ("azuread_application", "public_client", &["redirect_uris"]),
    (
        "azuread_application",
        "required_resource_access",
        &["resource_access", "resource_app_id"],
    ),
    (
        "azuread_application",
        "required_resource_access.resource_access",
        &["id", "type"],
    ),
    (
        "azuread_application",
        "single_page_application",
        &["redirect_uris"],
    ),
    (
        "azuread_application",
        "web",
        &[
            "homepage_url",
            "implicit_grant",
            "logout_url",
            "redirect_uris",
        ],
    ),
    (
        "azuread_application",
        "web.implicit_grant",
        &["access_token_issuance_enabled", "id_token_issuance_enabled"],
    ),
    (
        "azuread_application_registration",
        "",
        &[
            "description",
            "display_name",
            "group_membership_claims",
            "homepage_url",
            "implicit_access_token_issuance_enabled",
            "implicit_id_token_issuance_enabled",
            "logout_url",
            "marketing_url",
            "notes",
            "privacy_statement_url",
            "requested_access_token_version",
            "service_management_reference",
            "sign_in_audience",
            "support_url",
            "terms_of_service_url",
            "timeouts",
        ],
    ),
    (
        "azuread_service_principal",
        "",
        &[
            "account_enabled",
            "alternative_names",
            "app_role_assignment_required",
            "client_id",
            "description",
            "feature_tags",
            // Deprecated for `feature_tags`, yet still accepted by version 3.
            "features",
            "login_url",
            "notes",
            "notification_email_addresses",
            "owners",
            "preferred_single_sign_on_mode",
            "saml_single_sign_on",
            "tags",
            "use_existing",
            "timeouts",
        ],
    ),
    ("azuread_service_principal", "feature_tags", FEATURE_TAGS),
    (
        "azuread_service_principal",
        "features",
        &[
            "custom_single_sign_on_app",
            "enterprise_application",
            "gallery_application",
            "visible_to_users",
        ],
    ),
    (
        "azuread_service_principal",
        "saml_single_sign_on",
        &["relay_state"],
    ),
    // PIM for groups: the settings of a group's `member` or `owner` role.
    (
        "azuread_group_role_management_policy",
        "",
        &[
            "activation_rules",
            "active_assignment_rules",
            "eligible_assignment_rules",
            "group_id",
            "notification_rules",
            "role_id",
            "timeouts",
        ],
    ),
    (
        "azuread_group_role_management_policy",
        "activation_rules",
        &[
            "approval_stage",
            "maximum_duration",
            "require_approval",
            "require_justification",
            "require_multifactor_authentication",
            "require_ticket_info",
            "required_conditional_access_authentication_context",
        ],
    ),
    (
        "azuread_group_role_management_policy",
        "activation_rules.approval_stage",
        &["primary_approver"],
    ),
    (
        "azuread_group_role_management_policy",
        "activation_rules.approval_stage.primary_approver",
        &["object_id", "type"],
    ),
    (
        "azuread_group_role_management_policy",
        "active_assignment_rules",
        &[
            "expiration_required",
            "expire_after",
            "require_justification",
            "require_multifactor_authentication",
            "require_ticket_info",
        ],
    ),
    (
        "azuread_group_role_management_policy",
        "eligible_assignment_rules",
        &["expiration_required", "expire_after"],
    ),
    (
        "azuread_group_role_management_policy",
        "notification_rules",
        &[
            "active_assignments",
            "eligible_activations",
            "eligible_assignments",
        ],
    ),
    (
        "azuread_group_role_management_policy",
        "notification_rules.*",
        &[
            "admin_notifications",
            "approver_notifications",
            "assignee_notifications",
        ],
    ),
    (
        "azuread_group_role_management_policy",
        "notification_rules.*.*",
        &[
            "additional_recipients",
            "default_recipients",
            "notification_level",
        ],
    ),
];

/// The `feature_tags` block an application and a service principal share.
const FEATURE_TAGS: &[&str] = &["custom_single_sign_on", "enterprise", "gallery", "hide"];

/// The arguments a block takes, or None where entralint does not check them. A `*` in a table
/// path stands for any one block name: the blocks below it are alike (`notification_rules`).
pub fn attributes(kind: &str, path: &str) -> Option<&'static [&'static str]> {
    SCHEMA
        .iter()
        .find(|(k, p, _)| *k == kind && matches_path(p, path))
        .map(|(_, _, names)| *names)
}

fn matches_path(pattern: &str, path: &str) -> bool {
    let mut want = pattern.split('.');
    let mut got = path.split('.');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w == "*" || w == g => {}
            _ => return false,
        }
    }
}

/// Arguments version 3 of the provider removed, and what replaced them (its upgrade guide): the
/// configuration was right for version 2, so the help says what to write now rather than guess
/// at a misspelling.
const REPLACED_IN_V3: &[(&str, &str, &str)] = &[
    (
        "azuread_application_password",
        "application_object_id",
        "application_id",
    ),
    ("azuread_service_principal", "application_id", "client_id"),
    (
        "azuread_directory_role_assignment",
        "app_scope_object_id",
        "app_scope_id",
    ),
    (
        "azuread_directory_role_assignment",
        "directory_scope_object_id",
        "directory_scope_id",
    ),
];

/// The version 3 name of an argument version 3 renamed, for a module pinned to version 2.
pub fn v3_name(kind: &str, path: &str, name: &str) -> Option<&'static str> {
    REPLACED_IN_V3
        .iter()
        .find(|(k, old, _)| path.is_empty() && *k == kind && *old == name)
        .map(|(_, _, new)| *new)
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
    let replaced = REPLACED_IN_V3
        .iter()
        .find(|(k, old, _)| path.is_empty() && *k == kind && *old == name);
    let help = match (replaced, hint) {
        (Some((_, _, new)), _) => format!(
            "version 3 of the azuread provider replaced `{name}` with `{new}`; write `{new}`"
        ),
        (None, Some(s)) => format!("did you mean `{s}`?"),
        (None, None) => format!("{place} takes: {}", known.join(", ")),
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
