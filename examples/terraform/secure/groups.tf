resource "azuread_group" "group_creators" {
  display_name     = "Microsoft 365 group creators"
  security_enabled = true
  members          = [azuread_user.dave.object_id]
}

# A role-assignable group without owners: only Privileged Role Administrators manage it.
resource "azuread_group" "tier0_helpdesk" {
  display_name       = "Tier 0 helpdesk"
  security_enabled   = true
  assignable_to_role = true
  members            = [azuread_user.admin["carol"].object_id]
}

resource "azuread_directory_role_eligibility_schedule_request" "helpdesk" {
  role_definition_id = "729827e3-9c14-49f7-bb1b-9608f156bbb8" # Helpdesk Administrator
  principal_id       = azuread_group.tier0_helpdesk.object_id
  directory_scope_id = "/"
  justification      = "Helpdesk through PIM"
}

# The only users who may join devices to Entra (deviceRegistrationPolicy in policies.tf).
resource "azuread_group" "device_joiners" {
  display_name     = "Device joiners"
  security_enabled = true
  members          = [azuread_user.dave.object_id]
}
