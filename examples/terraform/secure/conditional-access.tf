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
  for_each     = { user = "CA003 Block high user risk", sign_in = "CA004 Block high and medium sign-in risk" }
  display_name = each.value
  state        = "enabled"

  conditions {
    client_app_types    = ["all"]
    user_risk_levels    = each.key == "user" ? ["high"] : []
    sign_in_risk_levels = each.key == "sign_in" ? ["high", "medium"] : []
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
  display_name = "CA005 Block the device code flow and authentication transfer"
  state        = "enabled"

  conditions {
    client_app_types                     = ["all"]
    authentication_flow_transfer_methods = ["deviceCodeFlow", "authenticationTransfer"]
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

# The highly privileged roles, by template id: Global, Privileged Role, User, SharePoint, Exchange,
# Hybrid Identity, Application and Cloud Application Administrator.
locals {
  highly_privileged_roles = [
    "62e90394-69f5-4237-9190-012177145e10",
    "e8611ab8-c189-46e8-94e1-60213ab1f814",
    "fe930be7-5e62-47db-91af-98c3a49a38b1",
    "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
    "29232cdf-9323-42fd-ade2-1d097af3e4de",
    "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2",
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    "158c047a-c907-4556-b7ef-446551a6b5f7",
  ]
}

resource "azuread_conditional_access_policy" "admin_sessions" {
  display_name = "CA008 Short sessions for administrators"
  state        = "enabled"

  conditions {
    client_app_types = ["all"]
    applications {
      included_applications = ["All"]
    }
    users {
      included_roles = local.highly_privileged_roles
      excluded_users = var.break_glass_upns
    }
  }

  session_controls {
    sign_in_frequency          = 4
    sign_in_frequency_period   = "hours"
    sign_in_frequency_interval = "timeBased"
    persistent_browser_mode    = "never"
  }
}

resource "azuread_conditional_access_policy" "weekly_sign_in" {
  display_name = "CA009 Sign in again weekly"
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

  session_controls {
    sign_in_frequency          = 7
    sign_in_frequency_period   = "days"
    sign_in_frequency_interval = "timeBased"
  }
}

resource "azuread_conditional_access_policy" "intune_enrollment" {
  display_name = "CA010 MFA at every Intune enrollment"
  state        = "enabled"

  conditions {
    client_app_types = ["all"]
    applications {
      included_applications = ["d4ebce55-015a-49b5-a083-c84d1797ae8c"] # Microsoft Intune Enrollment
    }
    users {
      included_users = ["All"]
      excluded_users = var.break_glass_upns
    }
  }

  grant_controls {
    operator          = "OR"
    built_in_controls = ["mfa"]
  }

  session_controls {
    sign_in_frequency_interval = "everyTime"
  }
}

resource "azuread_named_location" "head_office" {
  display_name = "Head office"
  ip {
    ip_ranges = ["198.51.100.0/24"]
    trusted   = true
  }
}

resource "azuread_named_location" "not_operating" {
  display_name = "Not operating"
  country {
    countries_and_regions = ["KP", "IR"]
  }
}

resource "azuread_conditional_access_policy" "block_elsewhere" {
  display_name = "CA011 Block countries the organisation does not operate from"
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
    locations {
      included_locations = [azuread_named_location.not_operating.id]
      excluded_locations = ["AllTrusted"]
    }
  }

  grant_controls {
    operator          = "OR"
    built_in_controls = ["block"]
  }
}

# The azuread provider has no argument for token protection; the msgraph provider posts the
# policy as Graph takes it.
resource "msgraph_resource" "token_protection" {
  url = "identity/conditionalAccess/policies"
  body = {
    displayName = "CA012 Token protection for Office on Windows"
    state       = "enabled"
    conditions = {
      clientAppTypes = ["mobileAppsAndDesktopClients"]
      applications = {
        # Exchange Online, SharePoint Online, Microsoft Teams Services
        includeApplications = ["00000002-0000-0ff1-ce00-000000000000", "00000003-0000-0ff1-ce00-000000000000", "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe"]
      }
      users     = { includeUsers = ["All"], excludeUsers = var.break_glass_upns }
      platforms = { includePlatforms = ["windows"] }
    }
    sessionControls = {
      secureSignInSession = { isEnabled = true }
    }
  }
}
