//! Microsoft365DSC's authentication methods resources onto `authenticationMethodsPolicy`:
//! `AADAuthenticationMethodPolicy` holds the policy's own settings, and one
//! `AADAuthenticationMethodPolicy<Method>` block per method holds that method's configuration.
//! Property names are Graph's, capitalised; CIM instances nest as Graph's objects do, so both
//! are read by the catalogue's keys, matched ignoring case.

use super::*;
use crate::catalogue::graph_keys;
use crate::load::graph::access;

/// The per-method resources and the method id each configures.
pub const METHOD_RESOURCES: &[(&str, &str)] = &[
    (
        "AADAuthenticationMethodPolicyAuthenticator",
        "MicrosoftAuthenticator",
    ),
    ("AADAuthenticationMethodPolicyEmail", "Email"),
    ("AADAuthenticationMethodPolicyFido2", "Fido2"),
    ("AADAuthenticationMethodPolicyHardware", "HardwareOath"),
    ("AADAuthenticationMethodPolicySms", "Sms"),
    ("AADAuthenticationMethodPolicySoftware", "SoftwareOath"),
    (
        "AADAuthenticationMethodPolicyTemporary",
        "TemporaryAccessPass",
    ),
    ("AADAuthenticationMethodPolicyVoice", "Voice"),
    ("AADAuthenticationMethodPolicyX509", "X509Certificate"),
];

const SECTION: &str = "authenticationMethodsPolicy";
const CONFIGURATIONS: &str = "authenticationMethodConfigurations";

impl Mapper<'_> {
    /// The authentication methods resources; false for any other resource.
    pub(super) fn methods(&mut self, kind: &str, resource: &Resource) -> bool {
        if kind == "AADAuthenticationMethodPolicy" {
            let policy = self.literal_block(resource, SECTION, graph_keys(SECTION, None));
            let policy = access::catalogued(&policy, SECTION);
            self.merge_policy(resource, policy);
            return true;
        }
        let Some((_, id)) = METHOD_RESOURCES.iter().find(|(r, _)| *r == kind) else {
            return false;
        };
        let path = format!("{SECTION}.{CONFIGURATIONS}.{id}");
        let known = graph_keys(SECTION, Some(CONFIGURATIONS));
        let block = self.literal_block(resource, &path, known);
        let mut item = access::method_configuration(&block);
        // The method is the resource's; its `Id` property, when written, only locates it.
        let id_span = resource
            .prop("Id")
            .map_or(resource.header, |p| p.value.span);
        if let Value::Map(entries) = &mut item.value {
            entries.retain(|e| e.key.as_str() != Some("id"));
            entries.insert(
                0,
                Entry {
                    key: Node::new(id_span, Value::Str("id".to_string())),
                    value: Node::new(id_span, Value::Str((*id).to_string())),
                },
            );
        }
        let policy = Node::new(
            resource.span,
            Value::Map(vec![Entry {
                key: Node::new(resource.header, Value::Str(CONFIGURATIONS.to_string())),
                value: Node::new(resource.span, Value::Seq(vec![item])),
            }]),
        );
        self.merge_policy(resource, policy);
        true
    }

    /// A block's properties that the format has (`known`, any case) as a mapping of literal
    /// values; a value only PowerShell can compute, at any depth, is reported and left out.
    pub(super) fn literal_block(
        &mut self,
        resource: &Resource,
        path: &str,
        known: &[&str],
    ) -> Node {
        let entries = resource
            .props
            .iter()
            .filter(|p| known.iter().any(|k| k.eq_ignore_ascii_case(&p.name)))
            .filter_map(|p| self.literal_prop(p, path))
            .collect();
        Node::new(resource.span, Value::Map(entries))
    }

    fn literal_prop(&mut self, prop: &Prop, path: &str) -> Option<Entry> {
        let value = self.literal(&prop.value, &prop.name, path)?;
        Some(Entry {
            key: Node::new(prop.name_span, Value::Str(prop.name.clone())),
            value,
        })
    }

    pub(super) fn literal(&mut self, item: &Item, name: &str, path: &str) -> Option<Node> {
        let value = match &item.value {
            PsValue::Unresolved(text) => {
                let message = format!(
                    "`{name}` is set to `{text}`, which only PowerShell can evaluate; entralint reads literal values only, so it is treated as not declared"
                );
                self.diagnostics
                    .push(unresolved(item.span, message).with_path(path.to_string()));
                return None;
            }
            PsValue::Array(items) => Value::Seq(
                items
                    .iter()
                    .filter_map(|i| self.literal(i, name, path))
                    .collect(),
            ),
            PsValue::Hash(props) => Value::Map(
                props
                    .iter()
                    .filter_map(|p| self.literal_prop(p, path))
                    .collect(),
            ),
            _ => return Some(node(item)),
        };
        Some(Node::new(item.span, value))
    }

    /// Adds a policy mapping to the section: the first value of each key is kept, method
    /// configurations add up, and a second block of the same method is reported.
    fn merge_policy(&mut self, resource: &Resource, policy: Node) {
        let Value::Map(new_entries) = policy.value else {
            return;
        };
        let at = match self
            .root
            .iter()
            .position(|e| e.key.as_str() == Some(SECTION))
        {
            Some(at) => at,
            None => {
                self.root.push(Entry {
                    key: Node::new(resource.header, Value::Str(SECTION.to_string())),
                    value: Node::new(resource.span, Value::Map(Vec::new())),
                });
                self.root.len() - 1
            }
        };
        let section = &mut self.root[at].value;
        section.span = section.span.join(policy.span);
        let Value::Map(entries) = &mut section.value else {
            return;
        };
        for entry in new_entries {
            let existing = entries
                .iter_mut()
                .find(|e| e.key.as_str() == entry.key.as_str());
            match (existing, entry.value.value) {
                (
                    Some(Entry {
                        value:
                            Node {
                                value: Value::Seq(items),
                                span,
                                ..
                            },
                        ..
                    }),
                    Value::Seq(more),
                ) => {
                    *span = span.join(entry.value.span);
                    items.extend(more);
                }
                (Some(_), _) => {}
                (None, value) => entries.push(Entry {
                    key: entry.key,
                    value: Node {
                        value,
                        ..entry.value
                    },
                }),
            }
        }
    }
}
