//! `msgraph_resource` and `msgraph_update_resource` (the Microsoft/msgraph provider): a `url`
//! naming an endpoint the format has, and a `body` that is the Graph object itself, read by the
//! Graph reader's conversion. `policies/authorizationPolicy`, `identity/conditionalAccess/policies`,
//! `policies/authenticationMethodsPolicy` and the other endpoints of docs/graph-json.md are read;
//! any other URL is left alone.

use super::Instance;
use crate::load::graph::convert::{Kind, Sections, entry, kind_from_context};
use crate::tree::{Node, Value};

/// The kind of object a request URL addresses, and the id of the object it names when it
/// names one (`applications/{id}`).
fn kind_of(url: &str) -> Option<(Kind, Option<&str>)> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let path = path
        .trim_start_matches("https://graph.microsoft.com")
        .trim_start_matches('/')
        .trim_start_matches("v1.0/")
        .trim_start_matches("beta/")
        .trim_end_matches('/');
    let of = |p: &str| kind_from_context(&format!("$metadata#{p}"));
    if let Some(kind) = of(path) {
        return Some((kind, None));
    }
    // An item of a collection: `groups/{id}`.
    let (collection, id) = path.rsplit_once('/')?;
    let kind = of(collection)?;
    Some((kind, Some(id)))
}

/// Adds every msgraph instance whose URL the format reads.
pub fn map(instances: &[Instance], sections: &mut Sections) {
    for i in instances {
        if !matches!(
            i.kind.as_str(),
            "msgraph_resource" | "msgraph_update_resource"
        ) {
            continue;
        }
        // `body` is an object; a `.tf.json` file cannot tell it from a block, so either is read.
        let (Some(url), Some(body)) = (i.str("url"), super::block(&i.attrs, "body")) else {
            continue;
        };
        let Some((kind, item)) = kind_of(url) else {
            continue;
        };
        let Value::Map(entries) = &body.value else {
            continue;
        };
        let mut entries = entries.clone();
        // Objects of a collection are named by what the URL says, else by the resource address.
        let named = matches!(
            kind,
            Kind::User | Kind::Group | Kind::ServicePrincipal | Kind::Application
        );
        if named && !entries.iter().any(|e| e.key.as_str() == Some("id")) {
            let id = item.map_or_else(|| i.address.clone(), str::to_string);
            entries.insert(0, entry("id", i.span, Node::new(i.span, Value::Str(id))));
        }
        let object = Node::new(body.span, Value::Map(entries));
        sections.add(kind, &object, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_endpoint() {
        assert_eq!(
            kind_of("policies/authorizationPolicy").map(|k| k.0),
            Some(Kind::AuthorizationPolicy)
        );
        assert_eq!(
            kind_of("/identity/conditionalAccess/policies").map(|k| k.0),
            Some(Kind::ConditionalAccessPolicy)
        );
        assert_eq!(
            kind_of("applications/azuread_application.app"),
            Some((Kind::Application, Some("azuread_application.app")))
        );
        assert_eq!(
            kind_of("deviceManagement/managedDevices").map(|k| k.0),
            None
        );
    }
}
