//! The tenant model: typed settings read from the spanned tree, Entra's defaults, and the
//! effective values rules see.

pub mod access;
mod access_check;
pub mod catalog;
pub mod coverage;
pub mod cross_tenant;
pub mod defaults;
pub mod devices;
pub mod field;
pub mod methods;
pub mod schema;
pub mod sections;
pub use crate::suggest;
pub mod value;

use crate::diagnostic::{Diagnostic, Severity};
use crate::tree::Document;
use std::sync::Arc;

use crate::model::value::{Key, Val};
use field::{CelCx, Ctx, FromNode, ToCel, string_enum};
pub use sections::Tenant;

string_enum! {
    /// Which defaults apply: a workforce tenant or an external (customer) tenant.
    pub enum TenantKind ("a tenant kind") {
        "workforce" => Workforce,
        "external" => External,
    }
}

/// A loaded tenant document.
#[derive(Debug, Clone)]
pub struct Model {
    pub tenant: Tenant,
    pub kind: TenantKind,
}

/// Makes, on this thread, the values that undeclared settings take in a tenant of `kind`: each
/// thread makes them once and keeps them. A one-file check calls this while the built-in rules
/// compile, so that reading its tenant afterwards finds them made.
pub fn prepare_defaults(kind: TenantKind) {
    drop(
        Model {
            tenant: Default::default(),
            kind,
        }
        .to_value(),
    );
}

impl Model {
    /// The effective tenant as rules see it: declared values, and Entra's defaults for the rest.
    /// The user-consent list reads the same under both of its spellings.
    pub fn to_value(&self) -> Val {
        let cx = CelCx { kind: self.kind };
        let tenant = self.tenant.to_cel("", &cx);
        let tenant = match self.consent_policies() {
            Some(list) => with_consent_list(tenant, list.to_cel(CONSENT_V1, &cx)),
            None => tenant,
        };
        let tenant = self.with_one_sign_up_switch(tenant);
        // Derived, not declarable: who Conditional Access and security defaults leave out.
        with_field(tenant, "coverage", coverage::value(&self.tenant))
    }

    /// [`Model::to_value`] as the CEL interpreter's value.
    pub fn to_cel(&self) -> cel::Value {
        self.to_value().to_cel()
    }

    /// The effective consent list, from whichever spelling the file uses.
    pub fn consent_policies(&self) -> Option<&field::List<String>> {
        let policy = &self.tenant.authorization_policy.as_ref()?.value;
        policy
            .default_user_role_permissions
            .as_ref()
            .and_then(|d| d.value.permission_grant_policies_assigned.as_ref())
            .or(policy
                .permission_grant_policy_ids_assigned_to_default_user_role
                .as_ref())
            .map(|list| &list.value)
    }
}

impl Model {
    /// Guest self-service sign-up is one switch Entra shows in two places: declared in one, the
    /// effective tenant holds that value in both, so rules judge one value. Declared in both, each
    /// keeps its own, and `guest-self-service-signup-conflict` reports the disagreement.
    fn with_one_sign_up_switch(&self, tenant: Val) -> Val {
        let collaboration = self
            .tenant
            .external_collaboration
            .as_ref()
            .and_then(|s| s.value.guest_self_service_sign_up_enabled.as_ref())
            .map(|f| f.value);
        let flows = self
            .tenant
            .authentication_flows_policy
            .as_ref()
            .and_then(|s| s.value.self_service_sign_up.as_ref())
            .and_then(|s| s.value.is_enabled.as_ref())
            .map(|f| f.value);
        match (collaboration, flows) {
            (Some(on), None) => with_path(tenant, SIGN_UP_FLOWS, Val::Bool(on)),
            (None, Some(on)) => with_path(tenant, SIGN_UP_COLLABORATION, Val::Bool(on)),
            _ => tenant,
        }
    }
}

/// Guest self-service sign-up's two places: the external collaboration settings and the
/// authentication flows policy.
pub const SIGN_UP_COLLABORATION: &str = "externalCollaboration.guestSelfServiceSignUpEnabled";
pub const SIGN_UP_FLOWS: &str = "authenticationFlowsPolicy.selfServiceSignUp.isEnabled";

/// The user-consent list's two spellings: v1.0 (nested) and beta (top level).
pub const CONSENT_V1: &str =
    "authorizationPolicy.defaultUserRolePermissions.permissionGrantPoliciesAssigned";
pub const CONSENT_BETA: &str =
    "authorizationPolicy.permissionGrantPolicyIdsAssignedToDefaultUserRole";

/// The other spelling of a setting that has two.
pub fn other_spelling(path: &str) -> Option<&'static str> {
    match path {
        CONSENT_V1 => Some(CONSENT_BETA),
        CONSENT_BETA => Some(CONSENT_V1),
        SIGN_UP_COLLABORATION => Some(SIGN_UP_FLOWS),
        SIGN_UP_FLOWS => Some(SIGN_UP_COLLABORATION),
        _ => None,
    }
}

/// Puts one consent list under both spellings of the effective tenant.
fn with_consent_list(tenant: Val, list: Val) -> Val {
    let Some(policy) = tenant.get("authorizationPolicy") else {
        return tenant;
    };
    let mut policy = policy.clone();
    if let Some(durp) = policy.get("defaultUserRolePermissions") {
        let durp = with_field(
            durp.clone(),
            "permissionGrantPoliciesAssigned",
            list.clone(),
        );
        policy = with_field(policy, "defaultUserRolePermissions", durp);
    }
    let policy = with_field(
        policy,
        "permissionGrantPolicyIdsAssignedToDefaultUserRole",
        list,
    );
    with_field(tenant, "authorizationPolicy", policy)
}

/// The effective tenant with the setting at a dotted `path` set to `value`, creating the mappings
/// on the way (every section is present in the effective tenant, so none normally is).
fn with_path(map: Val, path: &'static str, value: Val) -> Val {
    match path.split_once('.') {
        None => with_field(map, path, value),
        Some((key, rest)) => {
            let inner = map
                .get(key)
                .cloned()
                .unwrap_or_else(|| Val::map(Vec::new()));
            let inner = with_path(inner, rest, value);
            with_field(map, key, inner)
        }
    }
}

/// A mapping with `key` set to `value`, keeping its keys sorted.
fn with_field(map: Val, key: &'static str, value: Val) -> Val {
    let Val::Map(fields) = map else { return map };
    let mut fields = Arc::unwrap_or_clone(fields);
    match fields.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
        Ok(at) => fields[at].1 = value,
        Err(at) => fields.insert(at, (Key::Static(key), value)),
    }
    Val::map(fields)
}

/// Reads a tenant document into the model; every problem goes to `diagnostics`.
pub fn normalise(document: &Document, diagnostics: &mut Vec<Diagnostic>) -> Option<Model> {
    let root = document.root.as_ref()?;
    if root.as_map().is_none() {
        diagnostics.push(
            Diagnostic::error(
                "wrong-type",
                root.span,
                format!(
                    "a tenant document is a mapping of sections, found {}",
                    root.kind_name()
                ),
            )
            .with_label("expected `tenant:`, `authorizationPolicy:`, …"),
        );
        return None;
    }
    let mut cx = Ctx::new(diagnostics);
    let tenant = Tenant::from_node(root, &mut cx)?;
    let kind = tenant
        .header
        .as_ref()
        .and_then(|h| h.value.kind.as_ref())
        .map_or(TenantKind::Workforce, |k| k.value);
    let model = Model { tenant, kind };
    check_consistency(&model, diagnostics);
    defaults::check_no_effect(root, kind, diagnostics);
    Some(model)
}

/// Problems that need more than one key to see.
fn check_consistency(model: &Model, diagnostics: &mut Vec<Diagnostic>) {
    access_check::check(&model.tenant, diagnostics);
    if let Some(policy) = &model.tenant.authorization_policy {
        let beta = policy
            .value
            .permission_grant_policy_ids_assigned_to_default_user_role
            .as_ref();
        let v1 = policy
            .value
            .default_user_role_permissions
            .as_ref()
            .and_then(|d| d.value.permission_grant_policies_assigned.as_ref());
        if let (Some(beta), Some(v1)) = (beta, v1) {
            let set = |list: &field::List<String>| {
                let mut ids: Vec<String> = list.iter().map(|i| i.value.to_lowercase()).collect();
                ids.sort();
                ids
            };
            if set(&beta.value) != set(&v1.value) {
                diagnostics.push(
                    Diagnostic::error(
                        "conflicting-consent-lists",
                        beta.key,
                        "the consent list is declared twice with different contents",
                    )
                    .with_label("beta spelling")
                    .with_related(v1.key, "v1.0 spelling")
                    .with_help("keep one spelling: `defaultUserRolePermissions.permissionGrantPoliciesAssigned` (v1.0) or `permissionGrantPolicyIdsAssignedToDefaultUserRole` (beta)")
                    .with_path("authorizationPolicy.permissionGrantPolicyIdsAssignedToDefaultUserRole"),
                );
            }
        }
    }
    if model.kind == TenantKind::Workforce {
        for user in model.tenant.users.iter().flat_map(|u| &u.value) {
            if let Some(audience) = &user.value.audience
                && audience.value == sections::Audience::Customer
            {
                let id = user.value.id.as_ref().map_or("", |i| i.value.as_str());
                diagnostics.push(
                    Diagnostic::new(
                        "customer-in-workforce-tenant",
                        Severity::Error,
                        audience.span,
                        "`audience: customer` is only meaningful in an external tenant",
                    )
                    .with_label("customer in a workforce tenant")
                    .with_help("set `tenant.kind: external` if this is a customer tenant, or remove `audience`")
                    .with_path(format!("users[id={id}].audience")),
                );
            }
        }
    }
}
