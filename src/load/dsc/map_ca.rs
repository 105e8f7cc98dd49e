//! Microsoft365DSC's sign-in resources onto the format: `AADConditionalAccessPolicy` (its
//! flattened properties back into Graph's nesting), `AADNamedLocationPolicy`,
//! `AADAuthenticationStrengthPolicy` and `AADSecurityDefaults`. Users, groups and roles stay as
//! the export names them (UPNs, display names), which the tenant format accepts.

use super::*;

/// (DSC property names, dotted key under the policy, kind).
type Paths = &'static [(&'static [&'static str], &'static str, Kind)];

const POLICY: Paths = &[
    (&["DisplayName"], "displayName", Kind::Scalar),
    (&["Id"], "id", Kind::Scalar),
    (&["State"], "state", Kind::Scalar),
    (
        &["IncludeUsers"],
        "conditions.users.includeUsers",
        Kind::List,
    ),
    (
        &["ExcludeUsers"],
        "conditions.users.excludeUsers",
        Kind::List,
    ),
    (
        &["IncludeGroups"],
        "conditions.users.includeGroups",
        Kind::List,
    ),
    (
        &["ExcludeGroups"],
        "conditions.users.excludeGroups",
        Kind::List,
    ),
    (
        &["IncludeRoles"],
        "conditions.users.includeRoles",
        Kind::List,
    ),
    (
        &["ExcludeRoles"],
        "conditions.users.excludeRoles",
        Kind::List,
    ),
    (
        &["IncludeGuestOrExternalUserTypes"],
        "conditions.users.includeGuestsOrExternalUsers.guestOrExternalUserTypes",
        Kind::Joined,
    ),
    (
        &["IncludeExternalTenantsMembershipKind"],
        "conditions.users.includeGuestsOrExternalUsers.externalTenants.membershipKind",
        Kind::Scalar,
    ),
    (
        &["IncludeExternalTenantsMembers"],
        "conditions.users.includeGuestsOrExternalUsers.externalTenants.members",
        Kind::List,
    ),
    (
        &["ExcludeGuestOrExternalUserTypes"],
        "conditions.users.excludeGuestsOrExternalUsers.guestOrExternalUserTypes",
        Kind::Joined,
    ),
    (
        &["ExcludeExternalTenantsMembershipKind"],
        "conditions.users.excludeGuestsOrExternalUsers.externalTenants.membershipKind",
        Kind::Scalar,
    ),
    (
        &["ExcludeExternalTenantsMembers"],
        "conditions.users.excludeGuestsOrExternalUsers.externalTenants.members",
        Kind::List,
    ),
    (
        &["IncludeApplications"],
        "conditions.applications.includeApplications",
        Kind::List,
    ),
    (
        &["ExcludeApplications"],
        "conditions.applications.excludeApplications",
        Kind::List,
    ),
    (
        &["IncludeUserActions"],
        "conditions.applications.includeUserActions",
        Kind::List,
    ),
    (
        &["AuthenticationContexts"],
        "conditions.applications.includeAuthenticationContextClassReferences",
        Kind::List,
    ),
    (
        &["ApplicationsFilterMode"],
        "conditions.applications.applicationFilter.mode",
        Kind::Scalar,
    ),
    (
        &["ApplicationsFilter"],
        "conditions.applications.applicationFilter.rule",
        Kind::Scalar,
    ),
    (
        &["IncludePlatforms"],
        "conditions.platforms.includePlatforms",
        Kind::List,
    ),
    (
        &["ExcludePlatforms"],
        "conditions.platforms.excludePlatforms",
        Kind::List,
    ),
    (
        &["IncludeLocations"],
        "conditions.locations.includeLocations",
        Kind::List,
    ),
    (
        &["ExcludeLocations"],
        "conditions.locations.excludeLocations",
        Kind::List,
    ),
    (
        &["DeviceFilterMode"],
        "conditions.devices.deviceFilter.mode",
        Kind::Scalar,
    ),
    (
        &["DeviceFilterRule"],
        "conditions.devices.deviceFilter.rule",
        Kind::Scalar,
    ),
    (&["UserRiskLevels"], "conditions.userRiskLevels", Kind::List),
    (
        &["SignInRiskLevels"],
        "conditions.signInRiskLevels",
        Kind::List,
    ),
    (
        &["ServicePrincipalRiskLevels"],
        "conditions.servicePrincipalRiskLevels",
        Kind::List,
    ),
    (&["ClientAppTypes"], "conditions.clientAppTypes", Kind::List),
    (
        &["TransferMethods"],
        "conditions.authenticationFlows.transferMethods",
        Kind::Scalar,
    ),
    (
        &["GrantControlOperator"],
        "grantControls.operator",
        Kind::Scalar,
    ),
    (
        &["BuiltInControls"],
        "grantControls.builtInControls",
        Kind::List,
    ),
    (
        &["AuthenticationStrength"],
        "grantControls.authenticationStrength",
        Kind::Scalar,
    ),
    (&["TermsOfUse"], "grantControls.termsOfUse", Kind::List),
    (
        &["CustomAuthenticationFactors"],
        "grantControls.customAuthenticationFactors",
        Kind::List,
    ),
    (
        &["ApplicationEnforcedRestrictionsIsEnabled"],
        "sessionControls.applicationEnforcedRestrictions.isEnabled",
        Kind::Scalar,
    ),
    (
        &["CloudAppSecurityIsEnabled"],
        "sessionControls.cloudAppSecurity.isEnabled",
        Kind::Scalar,
    ),
    (
        &["CloudAppSecurityType"],
        "sessionControls.cloudAppSecurity.cloudAppSecurityType",
        Kind::Scalar,
    ),
    (
        &["SignInFrequencyIsEnabled"],
        "sessionControls.signInFrequency.isEnabled",
        Kind::Scalar,
    ),
    (
        &["SignInFrequencyValue"],
        "sessionControls.signInFrequency.value",
        Kind::Scalar,
    ),
    (
        &["SignInFrequencyType"],
        "sessionControls.signInFrequency.type",
        Kind::Scalar,
    ),
    (
        &["SignInFrequencyInterval"],
        "sessionControls.signInFrequency.frequencyInterval",
        Kind::Scalar,
    ),
    (
        &["PersistentBrowserIsEnabled"],
        "sessionControls.persistentBrowser.isEnabled",
        Kind::Scalar,
    ),
    (
        &["PersistentBrowserMode"],
        "sessionControls.persistentBrowser.mode",
        Kind::Scalar,
    ),
];

const NAMED_LOCATION: Paths = &[
    (&["DisplayName"], "displayName", Kind::Scalar),
    (&["Id"], "id", Kind::Scalar),
    (&["IsTrusted"], "isTrusted", Kind::Scalar),
    (&["IpRanges"], "ipRanges", Kind::Cidrs),
    (&["CountriesAndRegions"], "countriesAndRegions", Kind::List),
    (
        &["IncludeUnknownCountriesAndRegions"],
        "includeUnknownCountriesAndRegions",
        Kind::Scalar,
    ),
    (
        &["CountryLookupMethod"],
        "countryLookupMethod",
        Kind::Scalar,
    ),
];

const STRENGTH: Paths = &[
    (&["DisplayName"], "displayName", Kind::Scalar),
    (&["Id"], "id", Kind::Scalar),
    (&["Description"], "description", Kind::Scalar),
    (&["AllowedCombinations"], "allowedCombinations", Kind::List),
];

const SECURITY_DEFAULTS: Table = &[
    (&["IsEnabled"], "isEnabled", Kind::Scalar),
    (&["DisplayName"], "displayName", Kind::Scalar),
    (&["Description"], "description", Kind::Scalar),
];

impl Mapper<'_> {
    /// The sign-in resources; false for any other resource.
    pub(super) fn sign_in(&mut self, kind: &str, resource: &Resource) -> bool {
        match kind {
            "AADConditionalAccessPolicy" => {
                let item = self.nested(resource, "conditionalAccessPolicies[]", POLICY);
                self.push_item("conditionalAccessPolicies", resource.header, item);
            }
            "AADNamedLocationPolicy" => {
                let item = self.nested(resource, "namedLocations[]", NAMED_LOCATION);
                self.push_item("namedLocations", resource.header, item);
            }
            "AADAuthenticationStrengthPolicy" => {
                let item = self.nested(resource, "authenticationStrengthPolicies[]", STRENGTH);
                self.push_item("authenticationStrengthPolicies", resource.header, item);
            }
            "AADSecurityDefaults" => {
                self.singleton(resource, "securityDefaults", SECURITY_DEFAULTS)
            }
            _ => return false,
        }
        true
    }

    /// A mapping built from the properties in `paths`, nesting at every dot.
    fn nested(&mut self, resource: &Resource, section: &str, paths: Paths) -> Node {
        let mut root: Vec<Entry> = Vec::new();
        for (names, path, kind) in paths {
            let Some(prop) = names.iter().find_map(|n| resource.prop(n)) else {
                continue;
            };
            let Some(value) = self.convert(prop, *kind, &format!("{section}.{path}")) else {
                continue;
            };
            insert(&mut root, path, prop.name_span, value);
        }
        Node::new(resource.span, Value::Map(root))
    }
}

/// Puts `value` at a dotted `path`, making the mappings on the way (spanned by the property).
fn insert(entries: &mut Vec<Entry>, path: &str, span: Span, value: Node) {
    let (first, rest) = match path.split_once('.') {
        Some((first, rest)) => (first, Some(rest)),
        None => (path, None),
    };
    let Some(rest) = rest else {
        entries.push(Entry {
            key: Node::new(span, Value::Str(first.to_string())),
            value,
        });
        return;
    };
    let at = match entries.iter().position(|e| e.key.as_str() == Some(first)) {
        Some(at) => at,
        None => {
            entries.push(Entry {
                key: Node::new(span, Value::Str(first.to_string())),
                value: Node::new(value.span, Value::Map(Vec::new())),
            });
            entries.len() - 1
        }
    };
    let parent = &mut entries[at].value;
    parent.span = parent.span.join(value.span);
    if let Value::Map(children) = &mut parent.value {
        insert(children, rest, span, value);
    }
}
