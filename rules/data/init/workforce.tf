# A workforce tenant as a Terraform module, written by `entralint init --format terraform --kind
# workforce --profile {{profile}}`: what the azuread and msgraph providers can set is declared here at
# its secure value; tenant.yaml beside this file declares the rest (settings no provider resource
# sets), and entralint reads both as one tenant. Change what your tenant really needs and say why
# in a comment; `entralint check` reports what that costs.

terraform {
  required_providers {
    azuread = {
      source = "hashicorp/azuread"
    }
    msgraph = {
      source = "microsoft/msgraph"
    }
  }
}

# The emergency-access accounts every Conditional Access policy leaves out; list them in
# tenant.yaml's `breakGlass` too, so that role rules exempt them.
variable "break_glass_upns" {
  description = "Accounts every Conditional Access policy leaves out"
  type        = list(string)
  default     = []
}

# Tenant-wide policies with no azuread resource, set through the msgraph provider: each body is
# the Graph object as `GET` returns it.
resource "msgraph_update_resource" "authorization_policy" {
  url = "policies/authorizationPolicy"
  body = {
    allowInvitesFrom                          = "adminsAndGuestInviters"             # only admins and Guest Inviters bring guests in
    allowedToSignUpEmailBasedSubscriptions    = false                                # no self-service sign-up to email-based subscriptions
    allowedToUseSSPR                          = false                                # admins recover with phishing-resistant methods, not SSPR
    allowEmailVerifiedUsersToJoinOrganization = false                                # owning a mailbox on your domain is not an invitation
    allowUserConsentForRiskyApps              = false                                # consent to apps Entra flags as risky stays blocked
    blockMsolPowerShell                       = true                                 # the retired MSOnline endpoint is closed to users
    guestUserRoleId                           = "2af84b1e-32c8-42b7-82bc-daa82404023b" # restricted guest: guests see only their own objects
    enabledPreviewFeatures                    = []                                   # no private-preview features
    defaultUserRolePermissions = {
      allowedToCreateApps                      = false # app registrations go through admins, not every user
      allowedToCreateSecurityGroups            = false # security groups grant access, so admins create them
      allowedToCreateTenants                   = false # a user who creates a tenant becomes its Global Administrator
      allowedToReadBitlockerKeysForOwnedDevice = false # recovery keys go through the helpdesk, which is audited
      allowedToReadOtherUsers                  = true  # false breaks people lookup in Teams and Outlook
      permissionGrantPoliciesAssigned          = []    # no user consent: admins review every app
    }
  }
}

resource "msgraph_update_resource" "authentication_methods" {
  url = "policies/authenticationMethodsPolicy"
  body = {
    policyMigrationState = "migrationComplete" # the legacy MFA and SSPR policies no longer apply
    registrationEnforcement = {
      # Prompt everyone to register Microsoft Authenticator.
      authenticationMethodsRegistrationCampaign = {
        state          = "enabled"
        includeTargets = [{ id = "all_users", targetType = "group", targetedAuthenticationMethod = "microsoftAuthenticator" }]
      }
    }
    # Ask each user for their strongest registered method.
    systemCredentialPreferences = {
      state          = "enabled"
      includeTargets = [{ id = "all_users", targetType = "group" }]
    }
    # Users can report MFA prompts they did not start.
    reportSuspiciousActivitySettings = {
      state         = "enabled"
      includeTarget = { id = "all_users", targetType = "group" }
    }
    authenticationMethodConfigurations = [
      { id = "Sms", state = "disabled" },   # text messages: intercepted and SIM-swapped
      { id = "Voice", state = "disabled" }, # voice calls: forwarded and SIM-swapped
      { id = "Email", state = "disabled" }, # email one-time passcodes for members
      {
        id                    = "MicrosoftAuthenticator" # push with number matching, and passkeys
        state                 = "enabled"
        isSoftwareOathEnabled = false # no one-time codes from the app
        featureSettings = {
          numberMatchingRequiredState             = { state = "enabled", includeTarget = { id = "all_users", targetType = "group" } }
          displayAppInformationRequiredState      = { state = "enabled", includeTarget = { id = "all_users", targetType = "group" } }
          displayLocationInformationRequiredState = { state = "enabled", includeTarget = { id = "all_users", targetType = "group" } }
          companionAppAllowedState                = { state = "disabled", includeTarget = { id = "all_users", targetType = "group" } }
        }
      },
      # FIDO2 security keys and passkeys, of makes and models Entra can verify.
      { id = "Fido2", state = "enabled", isAttestationEnforced = true, isSelfServiceRegistrationAllowed = true },
      {
        id                       = "TemporaryAccessPass" # passes for onboarding and recovery
        state                    = "enabled"
        isUsableOnce             = true
        defaultLifetimeInMinutes = 60
        minimumLifetimeInMinutes = 60
        maximumLifetimeInMinutes = 480 # at most a working day
        defaultLength            = 8
      },
      { id = "SoftwareOath", state = "disabled" },    # third-party authenticator codes
      { id = "X509Certificate", state = "disabled" }, # certificate-based authentication, once its authorities are set up
      { id = "HardwareOath", state = "disabled" },    # hardware OATH tokens
      { id = "QRCodePin", state = "disabled" },       # QR code and PIN sign-in for front-line workers
    ]
  }
}

resource "msgraph_update_resource" "device_registration" {
  url = "policies/deviceRegistrationPolicy"
  body = {
    userDeviceQuota = 10 # at most 10 joined or registered devices per user
    azureADJoin = {
      # Nobody joins devices; enumerate the staff who provision them instead.
      allowedToJoin = { "@odata.type" = "#microsoft.graph.noDeviceRegistrationMembership" }
      localAdmins = {
        enableGlobalAdmins = false # Global Administrators are not local admins of every device
        registeringUsers   = { "@odata.type" = "#microsoft.graph.noDeviceRegistrationMembership" }
      }
    }
    localAdminPassword = { isEnabled = true } # Windows LAPS stores and rotates local admin passwords
  }
}

resource "msgraph_update_resource" "admin_consent_requests" {
  url = "policies/adminConsentRequestPolicy"
  body = {
    isEnabled             = true # the admin consent workflow is on
    notifyReviewers       = true
    remindersEnabled      = true
    requestDurationInDays = 30
    # Global Administrators review requests.
    reviewers = [{
      query     = "/directory/roleAssignments?$filter=roleDefinitionId eq '62e90394-69f5-4237-9190-012177145e10'"
      queryType = "MicrosoftGraph"
    }]
  }
}

# Conditional Access below replaces security defaults; Entra allows only one.
resource "msgraph_update_resource" "security_defaults" {
  url = "policies/identitySecurityDefaultsEnforcementPolicy"
  body = {
    isEnabled = false
  }
}

resource "azuread_conditional_access_policy" "block_legacy_auth" {
  display_name = "Block legacy authentication" # legacy clients cannot do MFA
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
  display_name = "Require phishing-resistant MFA" # no password alone, no relayable codes
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
    authentication_strength_policy_id = "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000004" # Phishing-resistant MFA
  }
}

resource "azuread_conditional_access_policy" "block_high_user_risk" {
  display_name = "Block high user risk" # accounts ID Protection believes compromised
  state        = "enabled"

  conditions {
    client_app_types = ["all"]
    user_risk_levels = ["high"]
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

resource "azuread_conditional_access_policy" "block_risky_sign_ins" {
  display_name = "Block risky sign-ins" # sign-ins that look like an attacker's
  state        = "enabled"

  conditions {
    client_app_types    = ["all"]
    sign_in_risk_levels = ["high", "medium"]
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
  display_name = "Block device code and transfer flows" # abused by device code phishing and QR-code transfer
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
  display_name = "Require a managed device" # tokens stay on devices the organisation manages
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
  display_name = "Register security information from managed devices" # a stolen password cannot add an authenticator
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
  display_name = "Short sessions for administrators" # a stolen admin session expires within hours
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
  display_name = "Sign in again weekly" # instead of Entra's rolling 90 days
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
  display_name = "MFA at every Intune enrollment" # a stolen session cannot enroll a device
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

# Your offices' public addresses, so that policies and ID Protection can tell them apart, and the
# countries you do not operate from.
resource "azuread_named_location" "head_office" {
  display_name = "Head office"
  ip {
    ip_ranges = ["198.51.100.0/24"] # replace with your egress ranges
    trusted   = true
  }
}

resource "azuread_named_location" "not_operating" {
  display_name = "Not operating"
  country {
    countries_and_regions = ["KP"] # replace with the countries to block
  }
}

resource "azuread_conditional_access_policy" "block_elsewhere" {
  display_name = "Block countries you do not operate from" # most password spraying comes from elsewhere
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
    displayName = "Token protection for Office on Windows" # a stolen session token cannot be replayed elsewhere
    state       = "enabled"
    conditions = {
      clientAppTypes = ["mobileAppsAndDesktopClients"]
      applications = {
        # Exchange Online, SharePoint Online, Microsoft Teams
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
