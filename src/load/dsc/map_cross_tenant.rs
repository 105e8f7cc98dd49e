//! Microsoft365DSC's cross-tenant access resources onto `crossTenantAccess`:
//! `AADCrossTenantAccessPolicy` holds the policy's own settings,
//! `AADCrossTenantAccessPolicyConfigurationDefault` the default configuration, and one
//! `AADCrossTenantAccessPolicyConfigurationPartner` block per partner tenant a partner
//! configuration. Property names are Graph's, capitalised, and CIM instances nest as Graph's
//! objects do, so both are read by the catalogue's keys, matched ignoring case.

use super::*;
use crate::catalogue::graph_keys;
use crate::load::graph::access;

const SECTION: &str = "crossTenantAccess";

impl Mapper<'_> {
    /// The cross-tenant access resources; false for any other resource.
    pub(super) fn cross_tenant(&mut self, kind: &str, resource: &Resource) -> bool {
        match kind {
            "AADCrossTenantAccessPolicy" => {
                let block = self.literal_block(
                    resource,
                    SECTION,
                    &["AllowedCloudEndpoints", "DisplayName"],
                );
                let mut policy = access::catalogued(&block, SECTION);
                if let Value::Map(entries) = &mut policy.value {
                    for e in entries.iter_mut() {
                        // PowerShell passes one endpoint written alone as a one-item array.
                        if e.key.as_str() == Some("allowedCloudEndpoints")
                            && matches!(e.value.value, Value::Str(_))
                        {
                            e.value = Node::new(e.value.span, Value::Seq(vec![e.value.clone()]));
                        }
                    }
                }
                self.once(resource, "policy");
                for entry in policy.as_map().unwrap_or_default().to_vec() {
                    self.put(resource, entry);
                }
                true
            }
            "AADCrossTenantAccessPolicyConfigurationDefault" => {
                let path = format!("{SECTION}.default");
                let known = graph_keys(SECTION, Some("default"));
                let block = self.literal_block(resource, &path, known);
                let node = access::cross_tenant_configuration(&block, "default");
                self.once(resource, "default");
                let key = Node::new(resource.header, Value::Str("default".to_string()));
                self.put(resource, Entry { key, value: node });
                true
            }
            "AADCrossTenantAccessPolicyConfigurationPartner" => {
                self.partner(resource);
                true
            }
            _ => false,
        }
    }

    /// One partner block: its `PartnerTenantId` is the partner's `tenantId` (the block's
    /// `TenantId` names the tenant Microsoft365DSC signs in to, and is not read).
    fn partner(&mut self, resource: &Resource) {
        let path = format!("{SECTION}.partners");
        let known: Vec<&str> = graph_keys(SECTION, Some("partners"))
            .iter()
            .copied()
            .filter(|k| *k != "tenantId")
            .collect();
        let block = self.literal_block(resource, &path, &known);
        let mut item = access::cross_tenant_configuration(&block, "partners");
        let tenant = resource
            .prop("PartnerTenantId")
            .and_then(|p| self.literal_block_value(p, &path));
        if let (Value::Map(entries), Some((key_span, value))) = (&mut item.value, tenant) {
            entries.insert(
                0,
                Entry {
                    key: Node::new(key_span, Value::Str("tenantId".to_string())),
                    value,
                },
            );
        }
        let at = self.section_index(resource);
        let Value::Map(entries) = &mut self.root[at].value.value else {
            return;
        };
        match entries
            .iter_mut()
            .find(|e| e.key.as_str() == Some("partners"))
        {
            Some(Entry {
                value:
                    Node {
                        value: Value::Seq(items),
                        span,
                        ..
                    },
                ..
            }) => {
                *span = span.join(item.span);
                items.push(item);
            }
            _ => entries.push(Entry {
                key: Node::new(resource.header, Value::Str("partners".to_string())),
                value: Node::new(item.span, Value::Seq(vec![item])),
            }),
        }
    }

    /// A literal property value and the span of its name.
    fn literal_block_value(&mut self, prop: &Prop, path: &str) -> Option<(Span, Node)> {
        let value = self.literal(&prop.value, &prop.name, path)?;
        Some((prop.name_span, value))
    }

    /// Reports a second block of a single-instance resource (`what`: which part it sets); the
    /// first block's values are kept.
    fn once(&mut self, resource: &Resource, what: &str) {
        let tag = format!("{SECTION}/{what}");
        if let Some((_, first)) = self.singletons.iter().find(|(s, _)| *s == tag) {
            self.diagnostics.push(super::second_block(
                resource,
                *first,
                "the first one is used",
            ));
            return;
        }
        self.singletons.push((tag, resource.header));
    }

    /// The index of the `crossTenantAccess` entry of the root, added when absent.
    fn section_index(&mut self, resource: &Resource) -> usize {
        if let Some(at) = self
            .root
            .iter()
            .position(|e| e.key.as_str() == Some(SECTION))
        {
            let section = &mut self.root[at].value;
            section.span = section.span.join(resource.span);
            return at;
        }
        self.root.push(Entry {
            key: Node::new(resource.header, Value::Str(SECTION.to_string())),
            value: Node::new(resource.span, Value::Map(Vec::new())),
        });
        self.root.len() - 1
    }

    /// Adds one key to the section; a key already there (from a first block) is kept.
    fn put(&mut self, resource: &Resource, entry: Entry) {
        let at = self.section_index(resource);
        let Value::Map(entries) = &mut self.root[at].value.value else {
            return;
        };
        if !entries.iter().any(|e| e.key.as_str() == entry.key.as_str()) {
            entries.push(entry);
        }
    }
}
