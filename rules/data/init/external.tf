# An external (customer) tenant as a Terraform module, written by `entralint init --format terraform
# --kind external --profile {{profile}}`: what the msgraph provider can set is declared here at its
# secure value; tenant.yaml beside this file declares the rest (the tenant's kind, and settings no
# provider resource sets), and entralint reads both as one tenant. Change what your tenant really
# needs and say why in a comment; `entralint check` reports what that costs.

terraform {
  required_providers {
    msgraph = {
      source = "microsoft/msgraph"
    }
  }
}

# Tenant-wide policies, set through the msgraph provider: each body is the Graph object as `GET`
# returns it.
resource "msgraph_update_resource" "authorization_policy" {
  url = "policies/authorizationPolicy"
  body = {
    allowInvitesFrom             = "adminsAndGuestInviters"             # only admins and Guest Inviters bring guests in
    allowedToUseSSPR             = false                                # admins recover with phishing-resistant methods, not SSPR
    allowUserConsentForRiskyApps = false                                # consent to apps Entra flags as risky stays blocked
    blockMsolPowerShell          = true                                 # the retired MSOnline endpoint is closed to users
    guestUserRoleId              = "2af84b1e-32c8-42b7-82bc-daa82404023b" # restricted guest: guests see only their own objects
    enabledPreviewFeatures       = []                                   # no private-preview features
    defaultUserRolePermissions = {
      allowedToCreateApps             = false # app registrations go through admins, not every user
      allowedToCreateSecurityGroups   = false # security groups grant access, so admins create them
      allowedToCreateTenants          = false # a user who creates a tenant becomes its Global Administrator
      allowedToReadOtherUsers         = false # customers see only their own profile
      permissionGrantPoliciesAssigned = []    # no user consent: admins review every app
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
