# Two cloud-only break-glass accounts (named in tenant.yaml) and the administrators, each
# eligible for one role through PIM.
locals {
  break_glass = {
    bg1 = "bg1@contoso.onmicrosoft.com"
    bg2 = "bg2@contoso.onmicrosoft.com"
  }
  admins = {
    alice = { upn = "alice.admin@contoso.onmicrosoft.com", role = "Global Administrator" }
    bob   = { upn = "bob.admin@contoso.onmicrosoft.com", role = "Privileged Role Administrator" }
    carol = { upn = "carol.admin@contoso.onmicrosoft.com", role = "User Administrator" }
    erin  = { upn = "erin.admin@contoso.onmicrosoft.com", role = "Exchange Administrator" }
  }
}

resource "azuread_user" "break_glass" {
  for_each            = local.break_glass
  user_principal_name = each.value
  display_name        = "Break glass ${each.key}"
}

resource "azuread_user" "admin" {
  for_each            = local.admins
  user_principal_name = each.value.upn
  display_name        = "${each.key} (admin)"
}

resource "azuread_user" "dave" {
  user_principal_name = "dave@contoso.com"
  display_name        = "Dave"
}

resource "azuread_directory_role" "global_admin" {
  display_name = "Global Administrator"
}

# Break-glass accounts hold Global Administrator actively: they are the way back in when PIM or
# Conditional Access fails.
resource "azuread_directory_role_assignment" "break_glass" {
  for_each            = local.break_glass
  role_id             = azuread_directory_role.global_admin.template_id
  principal_object_id = azuread_user.break_glass[each.key].object_id
}

resource "azuread_directory_role_eligibility_schedule_request" "admin" {
  for_each           = local.admins
  role_definition_id = each.value.role
  principal_id       = azuread_user.admin[each.key].object_id
  directory_scope_id = "/"
  justification      = "Eligible through PIM; activation needs approval for tier 0"
}
