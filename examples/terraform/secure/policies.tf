# Tenant-wide policies that the azuread provider has no resource for, set through the msgraph
# provider: the body is the Graph object, as `GET` returns it.
resource "msgraph_update_resource" "authorization_policy" {
  url = "policies/authorizationPolicy"
  body = {
    allowInvitesFrom                          = "adminsAndGuestInviters"
    allowedToSignUpEmailBasedSubscriptions    = false
    allowedToUseSSPR                          = false
    allowEmailVerifiedUsersToJoinOrganization = false
    allowUserConsentForRiskyApps              = false
    blockMsolPowerShell                       = true
    guestUserRoleId                           = "2af84b1e-32c8-42b7-82bc-daa82404023b" # restricted guest
    defaultUserRolePermissions = {
      allowedToCreateApps                      = false
      allowedToCreateSecurityGroups            = false
      allowedToCreateTenants                   = false
      allowedToReadBitlockerKeysForOwnedDevice = false
      allowedToReadOtherUsers                  = true
      permissionGrantPoliciesAssigned          = []
    }
  }
}

resource "msgraph_update_resource" "authentication_methods" {
  url = "policies/authenticationMethodsPolicy"
  body = {
    policyMigrationState = "migrationComplete"
    registrationEnforcement = {
      authenticationMethodsRegistrationCampaign = {
        state         = "enabled"
        includeTargets = [{ id = "all_users", targetType = "group", targetedAuthenticationMethod = "microsoftAuthenticator" }]
      }
    }
    systemCredentialPreferences = {
      state          = "enabled"
      includeTargets = [{ id = "all_users", targetType = "group" }]
    }
    reportSuspiciousActivitySettings = {
      state         = "enabled"
      includeTarget = { id = "all_users", targetType = "group" }
    }
    authenticationMethodConfigurations = [
      { id = "Sms", state = "disabled" },
      { id = "Voice", state = "disabled" },
      { id = "Email", state = "disabled" },
      {
        id                    = "MicrosoftAuthenticator"
        state                 = "enabled"
        isSoftwareOathEnabled = false
        featureSettings = {
          numberMatchingRequiredState             = { state = "enabled", includeTarget = { id = "all_users", targetType = "group" } }
          displayAppInformationRequiredState      = { state = "enabled", includeTarget = { id = "all_users", targetType = "group" } }
          displayLocationInformationRequiredState = { state = "enabled", includeTarget = { id = "all_users", targetType = "group" } }
          companionAppAllowedState                = { state = "disabled", includeTarget = { id = "all_users", targetType = "group" } }
        }
      },
      { id = "Fido2", state = "enabled", isAttestationEnforced = true, isSelfServiceRegistrationAllowed = true },
      { id = "TemporaryAccessPass", state = "enabled", isUsableOnce = true, maximumLifetimeInMinutes = 480 },
    ]
  }
}

resource "msgraph_update_resource" "device_registration" {
  url = "policies/deviceRegistrationPolicy"
  body = {
    userDeviceQuota = 10
    azureADJoin = {
      allowedToJoin = {
        "@odata.type" = "#microsoft.graph.enumeratedDeviceRegistrationMembership"
        groups        = [azuread_group.device_joiners.object_id]
      }
      localAdmins = {
        enableGlobalAdmins = false
        registeringUsers   = { "@odata.type" = "#microsoft.graph.noDeviceRegistrationMembership" }
      }
    }
    localAdminPassword = { isEnabled = true }
  }
}
