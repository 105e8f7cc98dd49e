//! Microsoft365DSC's `AADDeviceRegistrationPolicy` onto `deviceRegistrationPolicy`. The resource
//! flattens Graph's policy into one level of properties; a membership is a mode (`All`,
//! `Selected`, `None`) with lists of users and groups beside it, rebuilt here as Graph's
//! membership object, and `MultiFactorAuthConfiguration` is a boolean for Graph's
//! `required`/`notRequired`.

use super::*;

const SECTION: &str = "deviceRegistrationPolicy";

/// (DSC property, tenant path under the section) of the values read as written.
const SCALARS: &[(&str, &str)] = &[
    ("UserDeviceQuota", "userDeviceQuota"),
    (
        "AzureADJoinIsAdminConfigurable",
        "azureADJoin.isAdminConfigurable",
    ),
    (
        "LocalAdminsEnableGlobalAdmins",
        "azureADJoin.localAdmins.enableGlobalAdmins",
    ),
    (
        "LocalAdminPasswordIsEnabled",
        "localAdminPassword.isEnabled",
    ),
];

/// (mode property, users property, groups property, tenant path) of each membership.
const MEMBERSHIPS: &[(&str, &str, &str, &str)] = &[
    (
        "AzureADAllowedToJoin",
        "AzureADAllowedToJoinUsers",
        "AzureADAllowedToJoinGroups",
        "azureADJoin.allowedToJoin",
    ),
    (
        "AzureAdJoinLocalAdminsRegisteringMode",
        "AzureAdJoinLocalAdminsRegisteringUsers",
        "AzureAdJoinLocalAdminsRegisteringGroups",
        "azureADJoin.localAdmins.registeringUsers",
    ),
];

/// DSC's modes and Graph's membership types.
const MODES: &[(&str, &str)] = &[
    ("All", "#microsoft.graph.allDeviceRegistrationMembership"),
    (
        "Selected",
        "#microsoft.graph.enumeratedDeviceRegistrationMembership",
    ),
    ("None", "#microsoft.graph.noDeviceRegistrationMembership"),
];

fn text(span: Span, text: &str) -> Node {
    Node::new(span, Value::Str(text.to_string()))
}

/// Puts `value` at the dotted `path` under `root`, making the mappings on the way.
fn insert(root: &mut Node, path: &str, key_span: Span, value: Node) {
    let Value::Map(entries) = &mut root.value else {
        return;
    };
    match path.split_once('.') {
        None => entries.push(Entry {
            key: text(key_span, path),
            value,
        }),
        Some((first, rest)) => {
            let at = entries.iter().position(|e| e.key.as_str() == Some(first));
            let index = at.unwrap_or_else(|| {
                entries.push(Entry {
                    key: text(key_span, first),
                    value: Node::new(value.span, Value::Map(Vec::new())),
                });
                entries.len() - 1
            });
            let child = &mut entries[index].value;
            child.span = child.span.join(value.span);
            insert(child, rest, key_span, value);
        }
    }
}

impl Mapper<'_> {
    /// `AADDeviceRegistrationPolicy`; false for any other resource.
    pub(super) fn devices(&mut self, kind: &str, resource: &Resource) -> bool {
        if kind != "AADDeviceRegistrationPolicy" {
            return false;
        }
        let mut section = Node::new(resource.span, Value::Map(Vec::new()));
        for (name, path) in SCALARS {
            let Some(prop) = resource.prop(name) else {
                continue;
            };
            let at = format!("{SECTION}.{path}");
            if let Some(value) = self.convert(prop, Kind::Scalar, &at) {
                insert(&mut section, path, prop.name_span, value);
            }
        }
        if let Some(prop) = resource.prop("MultiFactorAuthConfiguration") {
            let at = format!("{SECTION}.multiFactorAuthConfiguration");
            if let Some(mut value) = self.convert(prop, Kind::Scalar, &at) {
                if let Value::Bool(required) = value.value {
                    let word = if required { "required" } else { "notRequired" };
                    value = text(value.span, word);
                }
                insert(
                    &mut section,
                    "multiFactorAuthConfiguration",
                    prop.name_span,
                    value,
                );
            }
        }
        for (mode, users, groups, path) in MEMBERSHIPS {
            let Some(prop) = resource.prop(mode) else {
                continue;
            };
            let at = format!("{SECTION}.{path}");
            let Some(value) = self.convert(prop, Kind::Scalar, &at) else {
                continue;
            };
            // A mode DSC does not list stays a word, which the model reports at its value.
            let odata_type = value.as_str().and_then(|word| {
                MODES
                    .iter()
                    .find(|(m, _)| m.eq_ignore_ascii_case(word))
                    .map(|(_, t)| *t)
            });
            let Some(odata_type) = odata_type else {
                insert(&mut section, path, prop.name_span, value);
                continue;
            };
            let mut entries = vec![Entry {
                key: text(prop.name_span, "@odata.type"),
                value: text(value.span, odata_type),
            }];
            if odata_type.contains("enumerated") {
                for (name, key) in [(users, "users"), (groups, "groups")] {
                    let Some(list) = resource.prop(name) else {
                        continue;
                    };
                    if let Some(items) = self.convert(list, Kind::List, &format!("{at}.{key}")) {
                        entries.push(Entry {
                            key: text(list.name_span, key),
                            value: items,
                        });
                    }
                }
            }
            let membership = Node::new(value.span, Value::Map(entries));
            insert(&mut section, path, prop.name_span, membership);
        }
        self.place_singleton(resource, SECTION, section);
        true
    }
}
