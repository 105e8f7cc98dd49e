//! The tenant file, format v1, declared section by section. `docs/tenant-format.md` describes the
//! same keys for people; a test keeps the two in step.

use super::TenantKind;
use super::catalog::{self, RoleDef};
use super::field::{
    CelCx, Ctx, DateTime, DirBool, DirInt, FromNode, IsoDuration, List, TabList, ToCel, cel_static,
    cel_str, section, string_enum,
};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::value::Val;
use crate::tree::Node;

section! {
    /// A whole tenant document.
    pub struct Tenant {
        "tenant" => header: Header,
        "authorizationPolicy" => authorization_policy: AuthorizationPolicy,
        "groupSettings" => group_settings: GroupSettings,
        "consentPolicySettings" => consent_policy_settings: ConsentPolicySettings,
        "passwordRuleSettings" => password_rule_settings: PasswordRuleSettings,
        "authenticationMethodsPolicy" => authentication_methods_policy: super::methods::AuthenticationMethodsPolicy,
        "deviceRegistrationPolicy" => device_registration_policy: super::devices::DeviceRegistrationPolicy,
        "adminConsentRequestPolicy" => admin_consent_request_policy: AdminConsentRequestPolicy,
        "portalSettings" => portal_settings: PortalSettings,
        "externalCollaboration" => external_collaboration: ExternalCollaboration,
        "crossTenantAccess" => cross_tenant_access: super::cross_tenant::CrossTenantAccess,
        "authenticationFlowsPolicy" => authentication_flows_policy: AuthenticationFlowsPolicy,
        "appManagementPolicy" => app_management_policy: AppManagementPolicy,
        "customerSettings" => customer_settings: CustomerSettings,
        "users" => users: List<User>,
        "groups" => groups: List<Group>,
        "servicePrincipals" => service_principals: List<ServicePrincipal>,
        "applications" => applications: List<Application>,
        "roleAssignments" => role_assignments: List<RoleAssignment>,
        "roleSettings" => role_settings: List<RoleSetting>,
        // Sign-in: security defaults and Conditional Access (model/access.rs).
        "securityDefaults" => security_defaults: super::access::SecurityDefaults,
        "conditionalAccessPolicies" => conditional_access_policies: List<super::access::ConditionalAccessPolicy>,
        "namedLocations" => named_locations: List<super::access::NamedLocation>,
        "authenticationStrengthPolicies" => authentication_strength_policies: List<super::access::AuthenticationStrengthPolicy>,
    }
}

section! {
    /// The `tenant` header.
    pub struct Header {
        "name" => name: String,
        "id" => id: String,
        "kind" => kind: TenantKind,
        "breakGlass" => break_glass: List<String>,
        "extends" => extends: super::field::Extends,
    }
}

string_enum! {
    /// `authorizationPolicy.allowInvitesFrom`.
    pub enum AllowInvitesFrom ("an invitation setting") {
        "none" => None,
        "adminsAndGuestInviters" => AdminsAndGuestInviters,
        "adminsGuestInvitersAndAllMembers" => AdminsGuestInvitersAndAllMembers,
        "everyone" => Everyone,
    }
}

string_enum! {
    /// `authorizationPolicy.guestUserRoleId`: the three guest role templates.
    pub enum GuestRole ("one of the three guest role template ids") {
        "a0b1b346-4d3e-4e8b-98f8-753987be4970" => SameAsMembers,
        "10dae51f-b6af-4016-8d66-8c2a99b929b3" => Limited,
        "2af84b1e-32c8-42b7-82bc-daa82404023b" => Restricted,
    }
}

section! {
    /// `GET /policies/authorizationPolicy`.
    pub struct AuthorizationPolicy {
        "allowInvitesFrom" => allow_invites_from: AllowInvitesFrom,
        "allowedToSignUpEmailBasedSubscriptions" => allowed_to_sign_up_email_based_subscriptions: bool,
        "allowedToUseSSPR" => allowed_to_use_sspr: bool,
        "allowEmailVerifiedUsersToJoinOrganization" => allow_email_verified_users_to_join_organization: bool,
        "allowUserConsentForRiskyApps" => allow_user_consent_for_risky_apps: bool,
        "blockMsolPowerShell" => block_msol_powershell: bool,
        "guestUserRoleId" => guest_user_role_id: GuestRole,
        "enabledPreviewFeatures" => enabled_preview_features: List<String>,
        "permissionGrantPolicyIdsAssignedToDefaultUserRole" => permission_grant_policy_ids_assigned_to_default_user_role: List<String>,
        "defaultUserRolePermissions" => default_user_role_permissions: DefaultUserRolePermissions,
        "id" => id: String,
        "displayName" => display_name: String,
        "description" => description: String,
    }
}

section! {
    /// `authorizationPolicy.defaultUserRolePermissions`.
    pub struct DefaultUserRolePermissions {
        "allowedToCreateApps" => allowed_to_create_apps: bool,
        "allowedToCreateSecurityGroups" => allowed_to_create_security_groups: bool,
        "allowedToCreateTenants" => allowed_to_create_tenants: bool,
        "allowedToReadBitlockerKeysForOwnedDevice" | "allowedToReadBitLockerKeysForOwnedDevice"
            => allowed_to_read_bitlocker_keys_for_owned_device: bool,
        "allowedToReadOtherUsers" => allowed_to_read_other_users: bool,
        "permissionGrantPoliciesAssigned" => permission_grant_policies_assigned: List<String>,
    }
}

section! {
    /// The `Group.Unified` directory setting.
    pub struct GroupSettings {
        "EnableGroupCreation" => enable_group_creation: DirBool,
        "GroupCreationAllowedGroupId" => group_creation_allowed_group_id: String,
        "AllowGuestsToBeGroupOwner" => allow_guests_to_be_group_owner: DirBool,
        "AllowGuestsToAccessGroups" => allow_guests_to_access_groups: DirBool,
        "AllowToAddGuests" => allow_to_add_guests: DirBool,
        "GuestUsageGuidelinesUrl" => guest_usage_guidelines_url: String,
        "UsageGuidelinesUrl" => usage_guidelines_url: String,
        "EnableMIPLabels" => enable_mip_labels: DirBool,
        "ClassificationList" => classification_list: String,
        "ClassificationDescriptions" => classification_descriptions: String,
        "DefaultClassification" => default_classification: String,
        "PrefixSuffixNamingRequirement" => prefix_suffix_naming_requirement: String,
        "CustomBlockedWordsList" => custom_blocked_words_list: String,
        "EnableMSStandardBlockedWords" => enable_ms_standard_blocked_words: DirBool,
        "NewUnifiedGroupWritebackDefault" => new_unified_group_writeback_default: DirBool,
    }
}

section! {
    /// The `Consent Policy Settings` directory setting.
    pub struct ConsentPolicySettings {
        "BlockUserConsentForRiskyApps" => block_user_consent_for_risky_apps: DirBool,
        "EnableAdminConsentRequests" => enable_admin_consent_requests: DirBool,
        "EnableGroupSpecificConsent" => enable_group_specific_consent: DirBool,
        "ConstrainGroupSpecificConsentToMembersOfGroupId" => constrain_group_specific_consent_to_members_of_group_id: String,
    }
}

string_enum! {
    /// `passwordRuleSettings.BannedPasswordCheckOnPremisesMode`.
    pub enum BannedPasswordMode ("Audit or Enforce") {
        "Audit" => Audit,
        "Enforce" => Enforce,
    }
}

section! {
    /// The `Password Rule Settings` directory setting: Microsoft Entra Password Protection (the
    /// custom banned password list, on-premises) and smart lockout.
    pub struct PasswordRuleSettings {
        "BannedPasswordCheckOnPremisesMode" => banned_password_check_on_premises_mode: BannedPasswordMode,
        "EnableBannedPasswordCheckOnPremises" => enable_banned_password_check_on_premises: DirBool,
        "EnableBannedPasswordCheck" => enable_banned_password_check: DirBool,
        "LockoutDurationInSeconds" => lockout_duration_in_seconds: DirInt,
        "LockoutThreshold" => lockout_threshold: DirInt,
        "BannedPasswordList" => banned_password_list: TabList,
    }
}

section! {
    /// `GET /policies/adminConsentRequestPolicy`.
    pub struct AdminConsentRequestPolicy {
        "isEnabled" => is_enabled: bool,
        "notifyReviewers" => notify_reviewers: bool,
        "remindersEnabled" => reminders_enabled: bool,
        "requestDurationInDays" => request_duration_in_days: i64,
        "reviewers" => reviewers: List<Reviewer>,
        "version" => version: i64,
        "id" => id: String,
    }
}

section! {
    /// One reviewer of admin consent requests: a Graph query naming users, groups or roles.
    pub struct Reviewer [required = query ("query")] {
        "query" => query: String,
        "queryType" => query_type: String,
        "queryRoot" => query_root: String,
    }
}

string_enum! {
    /// `portalSettings.linkedInAccountConnections`.
    pub enum LinkedInConnections ("a LinkedIn connection setting") {
        "enabled" => Enabled,
        "selectedGroup" => SelectedGroup,
        "disabled" => Disabled,
    }
}

section! {
    /// Switches with no Graph API, declared by hand.
    pub struct PortalSettings {
        "restrictNonAdminAccess" => restrict_non_admin_access: DirBool,
        "linkedInAccountConnections" => linked_in_account_connections: LinkedInConnections,
        "restrictMyGroupsAccess" => restrict_my_groups_access: bool,
        "ownersManageMembershipRequests" => owners_manage_membership_requests: bool,
    }
}

section! {
    /// Invitation domain restrictions and guest self-service sign-up.
    pub struct ExternalCollaboration {
        "allowedDomains" => allowed_domains: List<String>,
        "blockedDomains" => blocked_domains: List<String>,
        "guestSelfServiceSignUpEnabled" => guest_self_service_sign_up_enabled: bool,
        "allowExternalIdentitiesToLeave" => allow_external_identities_to_leave: bool,
    }
}

section! {
    /// `GET /policies/authenticationFlowsPolicy`. Its one setting, self-service sign-up, is the
    /// switch `externalCollaboration.guestSelfServiceSignUpEnabled` also holds: the effective
    /// tenant shows one value under both (see `model::SIGN_UP_FLOWS`).
    pub struct AuthenticationFlowsPolicy {
        "selfServiceSignUp" => self_service_sign_up: SelfServiceSignUp,
        "id" => id: String,
        "displayName" => display_name: String,
        "description" => description: String,
    }
}

section! {
    /// Whether guests may sign themselves up through user flows.
    pub struct SelfServiceSignUp {
        "isEnabled" => is_enabled: bool,
    }
}

section! {
    /// `GET /policies/defaultAppManagementPolicy`.
    pub struct AppManagementPolicy {
        "isEnabled" => is_enabled: bool,
        "applicationRestrictions" => application_restrictions: CredentialRestrictions,
        "servicePrincipalRestrictions" => service_principal_restrictions: CredentialRestrictions,
    }
}

section! {
    /// Restrictions on one kind of object's credentials.
    pub struct CredentialRestrictions {
        "passwordCredentials" => password_credentials: List<CredentialRestriction>,
        "keyCredentials" => key_credentials: List<CredentialRestriction>,
    }
}

string_enum! {
    pub enum RestrictionType ("a restriction type") {
        "passwordAddition" => PasswordAddition,
        "passwordLifetime" => PasswordLifetime,
        "symmetricKeyAddition" => SymmetricKeyAddition,
        "symmetricKeyLifetime" => SymmetricKeyLifetime,
        "customPasswordAddition" => CustomPasswordAddition,
        "asymmetricKeyLifetime" => AsymmetricKeyLifetime,
        "trustedCertificateAuthority" => TrustedCertificateAuthority,
    }
}

string_enum! {
    pub enum RestrictionState ("a restriction state") {
        "enabled" => Enabled,
        "disabled" => Disabled,
    }
}

section! {
    pub struct CredentialRestriction [required = restriction_type ("restrictionType")] {
        "restrictionType" => restriction_type: RestrictionType,
        "state" => state: RestrictionState,
        "maxLifetime" => max_lifetime: IsoDuration,
        "restrictForAppsCreatedAfterDateTime" => restrict_for_apps_created_after_date_time: DateTime,
    }
}

section! {
    /// What customers of an external tenant may do with their own profile.
    pub struct CustomerSettings {
        "editableAttributes" => editable_attributes: List<String>,
    }
}

string_enum! {
    pub enum UserType ("a user type") {
        "Member" => Member,
        "Guest" => Guest,
    }
}

string_enum! {
    /// Who a user is in an external tenant (docs/tenant-format.md, "Customers").
    pub enum Audience ("an audience") {
        "internal" => Internal,
        "invited" => Invited,
        "customer" => Customer,
    }
}

section! {
    pub struct User [identity = "id"] [required = id ("id")] [cel_extra = user_extra] {
        "id" => id: String,
        "displayName" => display_name: String,
        "userType" => user_type: UserType,
        "accountEnabled" => account_enabled: bool,
        "onPremisesSyncEnabled" => on_premises_sync_enabled: bool,
        "creationType" => creation_type: String,
        "audience" => audience: Audience,
    }
}

impl User {
    /// The declared audience, or the one derived from userType and creationType.
    pub fn audience(&self, kind: TenantKind) -> Audience {
        if let Some(audience) = &self.audience {
            return audience.value;
        }
        if self.user_type.as_ref().map(|t| t.value) == Some(UserType::Guest) {
            return Audience::Invited;
        }
        let self_created = self.creation_type.as_ref().is_some_and(|c| {
            c.value.eq_ignore_ascii_case("LocalAccount")
                || c.value.eq_ignore_ascii_case("SelfServiceSignUp")
        });
        if kind == TenantKind::External && self_created {
            Audience::Customer
        } else {
            Audience::Internal
        }
    }
}

fn user_extra(user: &User, fields: &mut Vec<(&'static str, Val)>, cx: &CelCx) {
    for (key, value) in fields.iter_mut() {
        if *key == "audience" {
            *value = cel_static(user.audience(cx.kind).as_str());
        }
    }
}

section! {
    pub struct Group [identity = "id"] [required = id ("id")] {
        "id" => id: String,
        "displayName" => display_name: String,
        "isAssignableToRole" => is_assignable_to_role: bool,
        "owners" => owners: List<String>,
        "members" => members: List<String>,
    }
}

string_enum! {
    pub enum CredentialKind ("a credential kind") {
        "password" => Password,
        "certificate" => Certificate,
        "federated" => Federated,
    }
}

string_enum! {
    pub enum ServicePrincipalType ("a service principal type") {
        "Application" => Application,
        "ManagedIdentity" => ManagedIdentity,
        "Legacy" => Legacy,
        "SocialIdp" => SocialIdp,
    }
}

section! {
    pub struct ServicePrincipal [identity = "id"] [required = id ("id")] {
        "id" => id: String,
        "displayName" => display_name: String,
        "appId" => app_id: String,
        "servicePrincipalType" => service_principal_type: ServicePrincipalType,
        "owners" => owners: List<String>,
        "appRoles" => app_roles: List<String>,
        "delegatedPermissions" => delegated_permissions: List<String>,
        "credentials" => credentials: List<CredentialKind>,
    }
}

section! {
    pub struct Application [identity = "id"] [required = id ("id")] {
        "id" => id: String,
        "displayName" => display_name: String,
        "appId" => app_id: String,
        "owners" => owners: List<String>,
        "appRoles" => app_roles: List<String>,
        "delegatedPermissions" => delegated_permissions: List<String>,
        "credentials" => credentials: List<CredentialKind>,
    }
}

string_enum! {
    pub enum AssignmentType ("an assignment type") {
        "active" => Active,
        "eligible" => Eligible,
    }
}

section! {
    pub struct RoleAssignment [identity = "principal"] [required = principal ("principal"), role ("role")] [cel_extra = assignment_extra] {
        "principal" => principal: String,
        "role" => role: RoleRef,
        "type" => kind: AssignmentType,
        "scope" => scope: String,
        "startDateTime" => start_date_time: DateTime,
        "endDateTime" => end_date_time: DateTime,
    }
}

section! {
    /// Privileged Identity Management settings of one role (its role management policy).
    pub struct RoleSetting [identity = "role"] [required = role ("role")] {
        "role" => role: RoleRef,
        "activationApprovalRequired" => activation_approval_required: bool,
        "activationMfaRequired" => activation_mfa_required: bool,
        "maxActivationHours" => max_activation_hours: i64,
        "assignmentAlertRecipients" => assignment_alert_recipients: List<String>,
        "eligibilityAlertRecipients" => eligibility_alert_recipients: List<String>,
        "activationAlertRecipients" => activation_alert_recipients: List<String>,
    }
}

/// Adds what rules ask of an assignment's role: its name, privileged flags and tier.
fn assignment_extra(assignment: &RoleAssignment, fields: &mut Vec<(&'static str, Val)>, _: &CelCx) {
    let role = assignment.role.as_ref().and_then(|r| r.value.def);
    fields.push(("roleName", role.map_or(Val::Null, |r| cel_static(&r.name))));
    fields.push(("privileged", Val::Bool(role.is_some_and(|r| r.privileged))));
    fields.push((
        "scubaHighlyPrivileged",
        Val::Bool(role.is_some_and(|r| r.scuba_highly_privileged)),
    ));
    fields.push((
        "tier",
        role.map_or(Val::Int(2), |r| Val::Int(i64::from(r.tier))),
    ));
    fields.push((
        "reach",
        cel_static(role.map_or("none", |r| r.reach.as_str())),
    ));
}

/// A role named by display name or template id, resolved against the built-in catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleRef {
    /// The template id (for a custom role, the id as written).
    pub id: String,
    /// The built-in role, when it is one.
    pub def: Option<&'static RoleDef>,
}

impl FromNode for RoleRef {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        let Some(text) = node.as_str() else {
            cx.wrong_type(node, "a role display name or template id");
            return None;
        };
        if let Some(def) = catalog::role(text) {
            if !def.assignable {
                cx.report(
                    Diagnostic::error(
                        "unknown-role",
                        node.span,
                        format!(
                            "`{}` is a default user role template, not a role that can be assigned",
                            def.name
                        ),
                    )
                    .with_label("not an assignable role"),
                );
                return None;
            }
            return Some(RoleRef {
                id: def.id.clone(),
                def: Some(def),
            });
        }
        if catalog::is_guid(text) {
            cx.report(
                Diagnostic::new(
                    "unknown-role",
                    Severity::Warning,
                    node.span,
                    format!("`{text}` is not a built-in role template id; it is treated as a custom role without privileges"),
                )
                .with_label("not in the built-in role catalog")
                .with_help("use a built-in role's display name or template id; `entralint rules` lists the catalog in rules/data/roles.yaml"),
            );
            return Some(RoleRef {
                id: text.to_string(),
                def: None,
            });
        }
        let help = match super::suggest::closest_known(text, catalog::assignable_names()) {
            Some(near) => {
                format!("did you mean `{near}`? Roles are named by display name or template id")
            }
            None => "name a built-in role by display name (Global Administrator) or template id"
                .to_string(),
        };
        cx.report(
            Diagnostic::error("unknown-role", node.span, format!("unknown role `{text}`"))
                .with_label("not a built-in role")
                .with_help(help),
        );
        None
    }
}

impl ToCel for RoleRef {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        cel_str(&self.id)
    }
}
