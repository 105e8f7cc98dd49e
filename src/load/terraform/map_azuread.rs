//! azuread resources onto Graph's objects, which the Graph reader's conversion turns into the
//! format (src/load/graph/convert.rs): one conversion for every format that starts from Graph's
//! shapes. Each value keeps the span of the attribute it came from, so a finding points at the
//! argument in the `.tf` file (or, read from a plan, at the resource's address).
//!
//! Objects are named as the module names them: a user by its `user_principal_name`, a directory
//! role by its `display_name` (or `template_id`), an invited guest by its e-mail address, anything
//! else by its resource address (`azuread_group.admins`), which references resolve to.

use super::{Instance, block};
use crate::diagnostic::Span;
use crate::load::graph::convert::{Kind, Sections, entry, map as object};
use crate::tree::{Entry, Node, Value};

/// The arguments that name the object a resource creates, first known one wins.
pub fn naming_attributes(kind: &str) -> &'static [&'static str] {
    match kind {
        "azuread_user" => &["user_principal_name"],
        "azuread_directory_role" => &["display_name", "template_id"],
        "azuread_invitation" => &["user_email_address"],
        _ => &[],
    }
}

fn is_application(kind: &str) -> bool {
    matches!(
        kind,
        "azuread_application" | "azuread_application_registration"
    )
}

/// Adds every azuread instance to `sections`.
pub fn map(instances: &[Instance], sections: &mut Sections) {
    let mut objects = objects(instances, sections);
    contributions(instances, &mut objects);
    share_secrets(&mut objects);
    let Objects { groups, apps, sps } = objects;
    for (_, g) in &groups {
        sections.add(Kind::Group, g, None);
    }
    for (_, a) in &apps {
        sections.add(Kind::Application, a, None);
    }
    for (_, s) in &sps {
        sections.add(Kind::ServicePrincipal, s, None);
    }
    roles_and_sign_in(instances, sections);
}

/// Objects named by id, in the order the module declares them.
type Named = Vec<(String, Node)>;

/// The objects other resources add to: groups, applications and service principals.
struct Objects {
    groups: Named,
    apps: Named,
    sps: Named,
}

/// The id an instance's object is known by.
fn id(i: &Instance) -> String {
    naming_attributes(&i.kind)
        .iter()
        .find_map(|a| i.str(a))
        .map_or_else(|| i.address.clone(), str::to_string)
}

/// Users go straight to `sections`; groups, applications and service principals wait for what
/// other resources add to them.
fn objects(instances: &[Instance], sections: &mut Sections) -> Objects {
    let mut groups: Vec<(String, Node)> = Vec::new();
    let mut apps: Vec<(String, Node)> = Vec::new();
    let mut sps: Vec<(String, Node)> = Vec::new();
    for i in instances {
        match i.kind.as_str() {
            "azuread_user" => {
                let mut e = vec![entry("id", i.span, text(i.span, &id(i)))];
                copy(
                    i,
                    &mut e,
                    &[
                        ("display_name", "displayName"),
                        ("account_enabled", "accountEnabled"),
                    ],
                );
                // The provider creates members; guests come from invitations.
                sections.add(Kind::User, &object(i.span, e), None);
            }
            "azuread_invitation" => {
                let mut e = vec![entry("id", i.span, text(i.span, &id(i)))];
                copy(
                    i,
                    &mut e,
                    &[
                        ("user_display_name", "displayName"),
                        ("user_type", "userType"),
                    ],
                );
                if i.get("user_type").is_none() {
                    // The provider's default for `user_type`.
                    e.push(entry("userType", i.span, text(i.span, "Guest")));
                }
                e.push(entry("creationType", i.span, text(i.span, "Invitation")));
                sections.add(Kind::User, &object(i.span, e), None);
            }
            "azuread_group" => {
                let mut e = vec![entry("id", i.span, text(i.span, &id(i)))];
                copy(
                    i,
                    &mut e,
                    &[
                        ("display_name", "displayName"),
                        ("assignable_to_role", "isAssignableToRole"),
                        ("owners", "owners"),
                        ("members", "members"),
                    ],
                );
                groups.push((id(i), object(i.span, e)));
            }
            kind if is_application(kind) => {
                let mut e = vec![
                    entry("id", i.span, text(i.span, &id(i))),
                    entry("appId", i.span, text(i.span, &id(i))),
                ];
                copy(
                    i,
                    &mut e,
                    &[("display_name", "displayName"), ("owners", "owners")],
                );
                if let Some(p) = i.entry("password") {
                    add_to(
                        &mut e,
                        "credentials",
                        p.key.span,
                        text(p.key.span, "password"),
                    );
                }
                apps.push((id(i), object(i.span, e)));
            }
            "azuread_service_principal" => {
                let mut e = vec![entry("id", i.span, text(i.span, &id(i)))];
                copy(
                    i,
                    &mut e,
                    &[
                        ("client_id", "appId"),
                        ("application_id", "appId"),
                        ("owners", "owners"),
                    ],
                );
                sps.push((id(i), object(i.span, e)));
            }
            _ => {}
        }
    }
    Objects { groups, apps, sps }
}

/// Resources that add to another object: members, owners, credentials, permissions.
fn contributions(instances: &[Instance], objects: &mut Objects) {
    let Objects { groups, apps, sps } = objects;
    for i in instances {
        let (list, target, key, value) = match i.kind.as_str() {
            "azuread_group_member" => (
                &mut *groups,
                "group_object_id",
                "members",
                i.entry("member_object_id"),
            ),
            "azuread_application_owner" => (
                &mut *apps,
                "application_id",
                "owners",
                i.entry("owner_object_id"),
            ),
            "azuread_application_password" => {
                let target = if i.get("application_id").is_some() {
                    "application_id"
                } else {
                    "application_object_id"
                };
                (&mut *apps, target, "credentials", i.entry(target))
            }
            "azuread_service_principal_password" => (
                &mut *sps,
                "service_principal_id",
                "credentials",
                i.entry("service_principal_id"),
            ),
            "azuread_app_role_assignment" => (
                &mut *sps,
                "principal_object_id",
                "appRoles",
                i.entry("app_role_id"),
            ),
            _ => continue,
        };
        let (Some(owner), Some(value)) = (i.str(target), value) else {
            continue;
        };
        let value = if key == "credentials" {
            text(value.value.span, "password")
        } else {
            value.value.clone()
        };
        if let Some((_, node)) = list.iter_mut().find(|(id, _)| id == owner)
            && let Value::Map(entries) = &mut node.value
        {
            add_to(entries, key, value.span, value);
        }
    }
}

/// An application's secret signs its service principal in: the principal holds it too.
fn share_secrets(objects: &mut Objects) {
    let Objects { apps, sps, .. } = objects;
    let app_secrets: Vec<(String, Node)> = apps
        .iter()
        .filter_map(|(id, app)| {
            let creds = app.get("credentials")?;
            match &creds.value {
                Value::Seq(items) => items
                    .iter()
                    .find(|n| n.as_str() == Some("password"))
                    .map(|n| (id.clone(), n.clone())),
                _ => None,
            }
        })
        .collect();
    for (_, sp) in sps.iter_mut() {
        let Some(app_id) = sp.get("appId").and_then(Node::as_str).map(str::to_string) else {
            continue;
        };
        if let Some((_, secret)) = app_secrets.iter().find(|(id, _)| *id == app_id)
            && let Value::Map(entries) = &mut sp.value
        {
            add_to(entries, "credentials", secret.span, secret.clone());
        }
    }
}

/// Role assignments and the sign-in objects.
fn roles_and_sign_in(instances: &[Instance], sections: &mut Sections) {
    for i in instances {
        match i.kind.as_str() {
            "azuread_directory_role_assignment" => {
                role_assignment(sections, i, "principal_object_id", "role_id", false);
            }
            "azuread_directory_role_member" => {
                role_assignment(sections, i, "member_object_id", "role_object_id", false);
            }
            "azuread_directory_role_eligibility_schedule_request" => {
                role_assignment(sections, i, "principal_id", "role_definition_id", true);
            }
            "azuread_conditional_access_policy" => {
                sections.add(Kind::ConditionalAccessPolicy, &policy(i), None);
            }
            "azuread_named_location" => {
                sections.add(Kind::NamedLocation, &location(i, &id(i)), None)
            }
            "azuread_authentication_strength_policy" => {
                let mut e = vec![entry("id", i.span, text(i.span, &id(i)))];
                copy(
                    i,
                    &mut e,
                    &[
                        ("display_name", "displayName"),
                        ("description", "description"),
                        ("allowed_combinations", "allowedCombinations"),
                    ],
                );
                sections.add(Kind::AuthenticationStrengthPolicy, &object(i.span, e), None);
            }
            _ => {}
        }
    }
}

fn text(span: Span, s: &str) -> Node {
    Node::new(span, Value::Str(s.to_string()))
}

/// Copies attributes under their Graph names, with the attribute's key span.
fn copy(i: &Instance, entries: &mut Vec<Entry>, names: &[(&str, &'static str)]) {
    for (from, to) in names {
        if let Some(e) = i.entry(from)
            && e.value.value != Value::Null
            && !entries.iter().any(|x| x.key.as_str() == Some(to))
        {
            entries.push(entry(to, e.key.span, e.value.clone()));
        }
    }
}

/// Adds an item to a list entry, making the list when it is not there.
fn add_to(entries: &mut Vec<Entry>, key: &'static str, span: Span, item: Node) {
    match entries.iter_mut().find(|e| e.key.as_str() == Some(key)) {
        Some(Entry {
            value: Node {
                value: Value::Seq(items),
                ..
            },
            ..
        }) => items.push(item),
        _ => entries.push(entry(key, span, Node::new(span, Value::Seq(vec![item])))),
    }
}

fn role_assignment(
    sections: &mut Sections,
    i: &Instance,
    principal: &str,
    role: &str,
    eligible: bool,
) {
    let mut e = Vec::new();
    for (from, to) in [
        (principal, "principalId"),
        (role, "roleDefinitionId"),
        ("directory_scope_id", "directoryScopeId"),
    ] {
        if let Some(x) = i.entry(from)
            && x.value.value != Value::Null
        {
            e.push(entry(to, x.key.span, x.value.clone()));
        }
    }
    sections.add(Kind::RoleAssignment { eligible }, &object(i.span, e), None);
}

fn location(i: &Instance, id: &str) -> Node {
    let mut e = vec![entry("id", i.span, text(i.span, id))];
    copy(i, &mut e, &[("display_name", "displayName")]);
    if let Some(ip) = block(&i.attrs, "ip") {
        if let Some(ranges) = ip.entry("ip_ranges")
            && let Value::Seq(items) = &ranges.value.value
        {
            let list = items
                .iter()
                .map(|r| object(r.span, vec![entry("cidrAddress", r.span, r.clone())]))
                .collect();
            e.push(entry(
                "ipRanges",
                ranges.key.span,
                Node::new(ranges.value.span, Value::Seq(list)),
            ));
        }
        if let Some(t) = ip.entry("trusted") {
            e.push(entry("isTrusted", t.key.span, t.value.clone()));
        }
        e.push(entry(
            "@odata.type",
            i.span,
            text(i.span, "#microsoft.graph.ipNamedLocation"),
        ));
    }
    if let Some(country) = block(&i.attrs, "country") {
        for (from, to) in [
            ("countries_and_regions", "countriesAndRegions"),
            (
                "include_unknown_countries_and_regions",
                "includeUnknownCountriesAndRegions",
            ),
            ("country_lookup_method", "countryLookupMethod"),
        ] {
            if let Some(x) = country.entry(from) {
                e.push(entry(to, x.key.span, x.value.clone()));
            }
        }
        e.push(entry(
            "@odata.type",
            i.span,
            text(i.span, "#microsoft.graph.countryNamedLocation"),
        ));
    }
    object(i.span, e)
}

/// A Conditional Access policy in Graph's nesting: `included_users` is `includeUsers`, a nested
/// block an object, and the session controls the provider flattens are nested again.
fn policy(i: &Instance) -> Node {
    let mut e = Vec::new();
    copy(
        i,
        &mut e,
        &[("display_name", "displayName"), ("state", "state")],
    );
    if let Some(c) = i.entry("conditions")
        && let Some(body) = block(&i.attrs, "conditions")
    {
        e.push(entry(
            "conditions",
            c.key.span,
            graph_shape(body, "conditions"),
        ));
    }
    if let Some(g) = i.entry("grant_controls")
        && let Some(body) = block(&i.attrs, "grant_controls")
    {
        e.push(entry(
            "grantControls",
            g.key.span,
            graph_shape(body, "grant_controls"),
        ));
    }
    if let Some(s) = i.entry("session_controls")
        && let Some(body) = block(&i.attrs, "session_controls")
    {
        e.push(entry("sessionControls", s.key.span, session(body)));
    }
    object(i.span, e)
}

/// The nested blocks of a Conditional Access policy's `conditions` and `grant_controls`.
const BLOCKS: &[&str] = &[
    "applications",
    "users",
    "locations",
    "platforms",
    "devices",
    "client_applications",
    "filter",
    "included_guests_or_external_users",
    "excluded_guests_or_external_users",
    "external_tenants",
];

/// A block's attributes under Graph's names, nested blocks converted in turn.
fn graph_shape(body: &Node, path: &str) -> Node {
    let mut out: Vec<Entry> = Vec::new();
    for e in body.as_map().unwrap_or_default() {
        let Some(name) = e.key.as_str() else { continue };
        let inner = match &e.value.value {
            Value::Seq(items) if items.first().is_some_and(|n| n.as_map().is_some()) => {
                graph_shape(&items[0], &format!("{path}.{name}"))
            }
            // A block left out: a plan writes it as an empty list, or null.
            Value::Seq(items) if items.is_empty() && BLOCKS.contains(&name) => continue,
            Value::Null => continue,
            _ => e.value.clone(),
        };
        let graph = match (path, name) {
            (_, "filter")
                if path.ends_with("applications") && !path.ends_with("client_applications") =>
            {
                "applicationFilter".to_string()
            }
            (_, "filter") if path.ends_with("devices") => "deviceFilter".to_string(),
            (_, "filter") => "servicePrincipalFilter".to_string(),
            ("grant_controls", "authentication_strength_policy_id") => {
                // The provider's id is the object's Graph path; the format takes the id.
                let id = match inner.as_str() {
                    Some(path) => Node {
                        value: Value::Str(path.rsplit('/').next().unwrap_or(path).to_string()),
                        ..inner
                    },
                    None => inner,
                };
                out.push(entry("authenticationStrength", e.key.span, id));
                continue;
            }
            ("conditions", "authentication_flow_transfer_methods") => {
                let flows = object(
                    e.key.span,
                    vec![entry("transferMethods", e.key.span, inner)],
                );
                out.push(entry("authenticationFlows", e.key.span, flows));
                continue;
            }
            (_, "guest_or_external_user_types") => {
                // Graph writes the kinds as one comma-separated string.
                let joined = match &inner.value {
                    Value::Seq(items) => {
                        let parts: Vec<&str> = items.iter().filter_map(Node::as_str).collect();
                        Node::new(inner.span, Value::Str(parts.join(",")))
                    }
                    _ => inner,
                };
                out.push(entry("guestOrExternalUserTypes", e.key.span, joined));
                continue;
            }
            _ => camel(name),
        };
        out.push(entry(&graph, e.key.span, inner));
    }
    object(body.span, out)
}

/// The provider's flat session controls to Graph's objects.
fn session(body: &Node) -> Node {
    let mut out: Vec<Entry> = Vec::new();
    let on = |span: Span| Node::new(span, Value::Bool(true));
    let mut frequency: Vec<Entry> = Vec::new();
    let mut frequency_span = None;
    for e in body.as_map().unwrap_or_default() {
        // A plan writes the controls left out as null.
        if e.value.value == Value::Null {
            continue;
        }
        let span = e.key.span;
        let v = e.value.clone();
        match e.key.as_str().unwrap_or("") {
            "application_enforced_restrictions_enabled" => out.push(entry(
                "applicationEnforcedRestrictions",
                span,
                object(span, vec![entry("isEnabled", span, v)]),
            )),
            "cloud_app_security_policy" => out.push(entry(
                "cloudAppSecurity",
                span,
                object(
                    span,
                    vec![
                        entry("isEnabled", span, on(span)),
                        entry("cloudAppSecurityType", span, v),
                    ],
                ),
            )),
            "disable_resilience_defaults" => out.push(entry("disableResilienceDefaults", span, v)),
            "persistent_browser_mode" => out.push(entry(
                "persistentBrowser",
                span,
                object(
                    span,
                    vec![entry("isEnabled", span, on(span)), entry("mode", span, v)],
                ),
            )),
            name @ ("sign_in_frequency"
            | "sign_in_frequency_period"
            | "sign_in_frequency_authentication_type"
            | "sign_in_frequency_interval") => {
                let to = match name {
                    "sign_in_frequency" => "value",
                    "sign_in_frequency_period" => "type",
                    "sign_in_frequency_authentication_type" => "authenticationType",
                    _ => "frequencyInterval",
                };
                frequency_span.get_or_insert(span);
                frequency.push(entry(to, span, v));
            }
            _ => {}
        }
    }
    if let Some(span) = frequency_span {
        frequency.insert(0, entry("isEnabled", span, on(span)));
        out.push(entry("signInFrequency", span, object(span, frequency)));
    }
    object(body.span, out)
}

/// `included_users` → `includeUsers`, `client_app_types` → `clientAppTypes`.
fn camel(name: &str) -> String {
    let name = name
        .strip_prefix("included_")
        .map(|r| format!("include_{r}"))
        .or_else(|| {
            name.strip_prefix("excluded_")
                .map(|r| format!("exclude_{r}"))
        })
        .unwrap_or_else(|| name.to_string());
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
