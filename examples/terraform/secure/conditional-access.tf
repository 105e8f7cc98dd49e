# Every policy covers all users and all resources and excludes only the break-glass accounts.
variable "break_glass_upns" {
  description = "Accounts every Conditional Access policy leaves out"
  type        = list(string)
  default     = ["bg1@contoso.onmicrosoft.com", "bg2@contoso.onmicrosoft.com"]
}

resource "azuread_conditional_access_policy" "block_legacy_auth" {
  display_name = "CA001 Block legacy authentication"
  state        = "enabled"

  conditions {
    client_app_types = ["exchangeActiveSync", "other"]
    applications {
      included_applications = ["All"]
    }
    users {
      included_users = ["All"]
      excluded_users = var.break_glass_upns
    }
  }

  grant_controls {
    operator          = "OR"
    built_in_controls = ["block"]
  }
}

resource "azuread_conditional_access_policy" "phishing_resistant_mfa" {
  display_name = "CA002 Require phishing-resistant MFA"
  state        = "enabled"

  conditions {
    client_app_types = ["all"]
    applications {
      included_applications = ["All"]
    }
    users {
      included_users = ["All"]
      excluded_users = var.break_glass_upns
    }
  }

  grant_controls {
    operator                          = "OR"
    authentication_strength_policy_id = "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000004"
  }
}

resource "azuread_conditional_access_policy" "block_risk" {
  for_each     = { user = "CA003 Block high user risk", sign_in = "CA004 Block high sign-in risk" }
  display_name = each.value
  state        = "enabled"

  conditions {
    client_app_types    = ["all"]
    user_risk_levels    = each.key == "user" ? ["high"] : []
    sign_in_risk_levels = each.key == "sign_in" ? ["high"] : []
    applications {
      included_applications = ["All"]
    }
    users {
      included_users = ["All"]
      excluded_users = var.break_glass_upns
    }
  }

  grant_controls {
    operator          = "OR"
    built_in_controls = ["block"]
  }
}

resource "azuread_conditional_access_policy" "block_device_code_flow" {
  display_name = "CA005 Block the device code flow"
  state        = "enabled"

  conditions {
    client_app_types                     = ["all"]
    authentication_flow_transfer_methods = ["deviceCodeFlow"]
    applications {
      included_applications = ["All"]
    }
    users {
      included_users = ["All"]
      excluded_users = var.break_glass_upns
    }
  }

  grant_controls {
    operator          = "OR"
    built_in_controls = ["block"]
  }
}

resource "azuread_conditional_access_policy" "managed_device" {
  display_name = "CA006 Require a managed device"
  state        = "enabled"

  conditions {
    client_app_types = ["all"]
    applications {
      included_applications = ["All"]
    }
    users {
      included_users = ["All"]
      excluded_users = var.break_glass_upns
    }
  }

  grant_controls {
    operator          = "OR"
    built_in_controls = ["compliantDevice", "domainJoinedDevice"]
  }
}

resource "azuread_conditional_access_policy" "register_from_managed_devices" {
  display_name = "CA007 Register security information from managed devices"
  state        = "enabled"

  conditions {
    client_app_types = ["all"]
    applications {
      included_user_actions = ["urn:user:registersecurityinfo"]
    }
    users {
      included_users = ["All"]
      excluded_users = var.break_glass_upns
    }
  }

  grant_controls {
    operator          = "OR"
    built_in_controls = ["compliantDevice", "domainJoinedDevice"]
  }
}
