# A module with five mistakes, each reported at the argument to change (docs/terraform.md):
#   1. Ana holds Global Administrator permanently and actively, not through PIM.
#   2. The policy that should block legacy authentication is report-only, and asks for MFA,
#      which legacy clients cannot do.
#   3. The role-assignable group of Privileged Role Administrators is owned by Bob, who holds no
#      role: he decides who joins it.
#   4. The deployment app holds RoleManagement.ReadWrite.Directory and signs in with a client secret.
#   5. The authorization policy lets everyone, guests included, invite guests.

resource "azuread_user" "ana" {
  user_principal_name = "ana@contoso.com"
  display_name        = "Ana"
}

resource "azuread_user" "bob" {
  user_principal_name = "bob@contoso.com"
  display_name        = "Bob"
}

resource "azuread_directory_role" "global_admin" {
  display_name = "Global Administrator"
}

resource "azuread_directory_role_assignment" "ana_global_admin" {
  role_id             = azuread_directory_role.global_admin.template_id
  principal_object_id = azuread_user.ana.object_id
}

resource "azuread_conditional_access_policy" "block_legacy_auth" {
  display_name = "Block legacy authentication"
  state        = "enabledForReportingButNotEnforced"

  conditions {
    client_app_types = ["exchangeActiveSync", "other"]
    applications {
      included_applications = ["All"]
    }
    users {
      included_users = ["All"]
    }
  }

  grant_controls {
    operator          = "OR"
    built_in_controls = ["mfa"]
  }
}

resource "azuread_group" "tier0_admins" {
  display_name       = "Tier 0 administrators"
  security_enabled   = true
  assignable_to_role = true
  owners             = [azuread_user.bob.object_id]
}

resource "azuread_directory_role_eligibility_schedule_request" "tier0_admins" {
  role_definition_id = "e8611ab8-c189-46e8-94e1-60213ab1f814" # Privileged Role Administrator
  principal_id       = azuread_group.tier0_admins.object_id
  directory_scope_id = "/"
  justification      = "Tier 0 through the group"
}

resource "azuread_application" "deployer" {
  display_name = "Deployment automation"
}

resource "azuread_service_principal" "deployer" {
  client_id = azuread_application.deployer.client_id
}

resource "azuread_application_password" "deployer" {
  application_id = azuread_application.deployer.id
}

resource "azuread_service_principal" "msgraph" {
  client_id    = "00000003-0000-0000-c000-000000000000"
  use_existing = true
}

resource "azuread_app_role_assignment" "deployer_role_management" {
  app_role_id         = azuread_service_principal.msgraph.app_role_ids["RoleManagement.ReadWrite.Directory"]
  principal_object_id = azuread_service_principal.deployer.object_id
  resource_object_id  = azuread_service_principal.msgraph.object_id
}

resource "msgraph_update_resource" "authorization_policy" {
  url = "policies/authorizationPolicy"
  body = {
    allowInvitesFrom = "everyone"
  }
}
