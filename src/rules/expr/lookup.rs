//! What the functions rules call look things up in: the tenant's principals and group
//! memberships (built once per tenant), the document's declared keys, and the catalogues of roles
//! and Graph permissions (built once per process).

use std::borrow::Cow;
use std::collections::HashMap as StdHashMap;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

// Ids are hashed many times a tenant and never come from an attacker who could aim collisions
// at a run: the faster hasher is enough.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::run::Error;
use super::{Key, Val};
use crate::model::catalog;
use crate::tree::{Node, Value as Yaml};

pub struct Lookup<'a> {
    principals: HashMap<String, Principal>,
    members: HashMap<String, Vec<String>>,
    break_glass: HashSet<String>,
    root: Option<&'a Node>,
    /// The declared setting paths, for a lookup that outlives the document (the interpreter's).
    declared_paths: Option<HashSet<String>>,
    /// The tenant's role assignments, and the indexes over them, built the first time a rule asks.
    assignments: Val,
    indexes: Indexes,
}

/// Indexes built once per tenant, on first use, so that a rule run per item finds what concerns
/// the item without scanning the tenant's lists.
#[derive(Default)]
struct Indexes {
    /// Role assignments by principal, case folded as `lowerAscii()` does: positions in order.
    by_principal: OnceLock<HashMap<String, Vec<u32>>>,
    /// Role assignments by each principal they reach, groups expanded as `expand` does.
    reaching: OnceLock<HashMap<String, Vec<u32>>>,
    /// The groups that hold each principal directly.
    groups_holding: OnceLock<HashMap<String, Vec<String>>>,
}

/// A declared principal: what its collection makes it, its item, and the item with that `kind`
/// added, made the first time a rule asks for it (most never are).
#[derive(Clone)]
struct Principal {
    kind: &'static str,
    item: Val,
    shown: std::sync::OnceLock<Val>,
}

impl Principal {
    fn value(&self) -> Val {
        self.shown
            .get_or_init(|| {
                let item = self.item.as_map();
                let mut fields = Vec::with_capacity(item.len() + 1);
                fields.extend_from_slice(item);
                fields.push((Key::Static("kind"), Val::str(self.kind)));
                Val::map(fields)
            })
            .clone()
    }
}

impl<'a> Lookup<'a> {
    pub fn build(tenant: &Val, root: Option<&'a Node>) -> Lookup<'a> {
        let count = |c: &str| tenant.get(c).map_or(0, |items| items.as_list().len());
        let mut principals = HashMap::with_capacity(
            ["users", "groups", "servicePrincipals", "applications"]
                .map(count)
                .iter()
                .sum(),
        );
        let mut members = HashMap::with_capacity(count("groups"));
        for (collection, kind) in [
            ("users", "user"),
            ("groups", "group"),
            ("servicePrincipals", "servicePrincipal"),
            ("applications", "application"),
        ] {
            let Some(items) = tenant.get(collection) else {
                continue;
            };
            for item in items.as_list() {
                let Some(id) = item.get("id").and_then(Val::as_str) else {
                    continue;
                };
                if collection == "groups" {
                    let ids = item
                        .get("members")
                        .map(Val::as_list)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(Val::as_str)
                        .map(str::to_lowercase);
                    members.insert(id.to_lowercase(), ids.collect());
                }
                let principal = Principal {
                    kind,
                    item: item.clone(),
                    shown: std::sync::OnceLock::new(),
                };
                principals.insert(id.to_lowercase(), principal);
            }
        }
        let break_glass = tenant
            .get("tenant")
            .and_then(|t| t.get("breakGlass"))
            .map(Val::as_list)
            .unwrap_or_default()
            .iter()
            .filter_map(Val::as_str)
            .map(str::to_lowercase)
            .collect();
        Lookup {
            principals,
            members,
            break_glass,
            root,
            declared_paths: None,
            assignments: tenant.get("roleAssignments").cloned().unwrap_or(Val::Null),
            indexes: Indexes::default(),
        }
    }

    /// A copy that owns everything, for the CEL interpreter's functions.
    pub fn detached(&self) -> Lookup<'static> {
        let mut paths = HashSet::new();
        if let Some(root) = self.root {
            collect_paths(root, String::new(), &mut paths);
        }
        Lookup {
            principals: self.principals.clone(),
            members: self.members.clone(),
            break_glass: self.break_glass.clone(),
            root: None,
            declared_paths: Some(self.declared_paths.clone().unwrap_or(paths)),
            assignments: self.assignments.clone(),
            indexes: Indexes::default(),
        }
    }

    /// The role assignments whose principal is `id` (compared as `lowerAscii()` does), in order.
    pub fn assignments_of(&self, id: &str) -> Vec<Val> {
        let index = self.indexes.by_principal.get_or_init(|| {
            let mut index: HashMap<String, Vec<u32>> = HashMap::new();
            for (i, assignment) in self.assignments.as_list().iter().enumerate() {
                if let Some(principal) = assignment.get("principal").and_then(Val::as_str) {
                    index
                        .entry(principal.to_ascii_lowercase())
                        .or_default()
                        .push(i as u32);
                }
            }
            index
        });
        self.picked(index.get(&*ascii_fold(id)))
    }

    /// The role assignments that reach `id`: those whose principal, groups expanded as `expand`
    /// does, includes it (so not a group's own id), in order.
    pub fn assignments_reaching(&self, id: &str) -> Vec<Val> {
        let index = self.indexes.reaching.get_or_init(|| {
            let mut index: HashMap<String, Vec<u32>> = HashMap::new();
            for (i, assignment) in self.assignments.as_list().iter().enumerate() {
                let Some(principal) = assignment.get("principal") else {
                    continue;
                };
                for reached in self.expand(std::slice::from_ref(principal)) {
                    if let Some(reached) = reached.as_str() {
                        index.entry(reached.to_string()).or_default().push(i as u32);
                    }
                }
            }
            index
        });
        self.picked(index.get(&*fold(id)))
    }

    /// The role assignments at `positions`.
    fn picked(&self, positions: Option<&Vec<u32>>) -> Vec<Val> {
        let all = self.assignments.as_list();
        positions
            .into_iter()
            .flatten()
            .filter_map(|&i| all.get(i as usize).cloned())
            .collect()
    }

    pub fn principal(&self, id: &str) -> Val {
        self.principals
            .get(&*fold(id))
            .map_or(Val::Null, Principal::value)
    }

    pub fn is_break_glass(&self, id: &str) -> bool {
        self.break_glass.contains(&*fold(id))
    }

    /// Whether the document declares a setting path (a non-null value at every step).
    pub fn declared(&self, path: &str) -> bool {
        if let Some(paths) = &self.declared_paths {
            return paths.contains(path);
        }
        let mut node = self.root;
        for key in path.split('.').filter(|k| !k.is_empty()) {
            match node.and_then(|n| n.get(key)) {
                Some(next) if next.value != Yaml::Null => node = Some(next),
                _ => return false,
            }
        }
        node.is_some() && !path.is_empty()
    }

    /// Every group that holds `id`, directly or through nested groups.
    pub fn groups_of(&self, id: &str) -> Vec<String> {
        let holding = self.indexes.groups_holding.get_or_init(|| {
            let mut holding: HashMap<String, Vec<String>> = HashMap::new();
            for (group, members) in &self.members {
                for member in members {
                    let groups = holding.entry(member.clone()).or_default();
                    if !groups.contains(group) {
                        groups.push(group.clone());
                    }
                }
            }
            holding
        });
        let mut found: HashSet<&str> = HashSet::new();
        let start = id.to_lowercase();
        let mut pending = vec![start.as_str()];
        while let Some(next) = pending.pop() {
            for group in holding.get(next).into_iter().flatten() {
                if found.insert(group) {
                    pending.push(group);
                }
            }
        }
        let mut found: Vec<String> = found.into_iter().map(str::to_string).collect();
        found.sort();
        found
    }

    /// Principal ids with every group replaced by its members (through nested groups), each once,
    /// in order. An id that is not a group and already lower case is the caller's value, shared.
    /// Whether [`Lookup::expand`] gives `ids` back as they are: one id, in lower case, of no
    /// group (`expand([item.principal])` for an assignment to a user, which rules ask per item).
    pub fn expands_to_itself(&self, ids: &[Val]) -> bool {
        matches!(ids, [Val::Str(id)] if matches!(fold(id), Cow::Borrowed(_)) && !self.members.contains_key(&**id))
    }

    pub fn expand(&self, ids: &[Val]) -> Vec<Val> {
        let mut out: Vec<Val> = Vec::new();
        // Duplicates are dropped after sorting, where they sit side by side.
        let mut add = |id: Val| out.push(id);
        for original in ids {
            let Some(text) = original.as_str() else {
                continue;
            };
            match fold(text) {
                id if self.members.contains_key(&*id) => self
                    .members_of(&id)
                    .iter()
                    .filter(|m| !self.members.contains_key(*m))
                    .for_each(|m| add(Val::str(m))),
                Cow::Borrowed(_) => add(original.clone()),
                Cow::Owned(id) => add(Val::str(&id)),
            }
        }
        // Equal ids are the same text, so which of them sorting keeps first does not matter.
        out.sort_unstable_by(|a, b| a.as_str().cmp(&b.as_str()));
        out.dedup_by(|a, b| a.as_str() == b.as_str());
        out
    }

    /// Every member of a group, through nested groups.
    pub fn members_of(&self, group: &str) -> Vec<String> {
        let mut found: HashSet<&str> = HashSet::new();
        let start = group.to_lowercase();
        let mut pending = vec![start.as_str()];
        while let Some(next) = pending.pop() {
            for member in self.members.get(next).into_iter().flatten() {
                if found.insert(member) {
                    pending.push(member);
                }
            }
        }
        let mut found: Vec<String> = found.into_iter().map(str::to_string).collect();
        found.sort();
        found
    }

    /// A compiled regular expression, shared by every tenant of the run.
    pub fn regex(&self, pattern: &str) -> Result<Arc<regex::Regex>, Error> {
        static CACHE: LazyLock<Mutex<StdHashMap<String, Arc<regex::Regex>>>> =
            LazyLock::new(Default::default);
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(regex) = cache.get(pattern) {
            return Ok(regex.clone());
        }
        let regex = regex::Regex::new(pattern)
            .map(Arc::new)
            .map_err(|e| Error(format!("invalid regular expression `{pattern}`: {e}")))?;
        if cache.len() < 1024 {
            cache.insert(pattern.to_string(), regex.clone());
        }
        Ok(regex)
    }
}

/// An id as the lookup tables key it: lower case, copied only when it is not already.
fn fold(id: &str) -> Cow<'_, str> {
    if id.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        Cow::Owned(id.to_lowercase())
    } else {
        Cow::Borrowed(id)
    }
}

/// An id as `lowerAscii()` folds it, copied only when it has upper-case letters.
fn ascii_fold(id: &str) -> Cow<'_, str> {
    if id.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(id.to_ascii_lowercase())
    } else {
        Cow::Borrowed(id)
    }
}

fn collect_paths(node: &Node, prefix: String, out: &mut HashSet<String>) {
    let Yaml::Map(entries) = &node.value else {
        return;
    };
    for entry in entries {
        let Some(key) = entry.key.as_str() else {
            continue;
        };
        let path = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        if entry.value.value != Yaml::Null {
            collect_paths(&entry.value, path.clone(), out);
            out.insert(path);
        }
    }
}

/// A role as rules see it: `{id, name, privileged, reach, scubaHighlyPrivileged, tier}`, or null.
pub fn role(reference: &str) -> Val {
    static VALUES: LazyLock<Vec<Val>> = LazyLock::new(|| {
        catalog::roles()
            .iter()
            .map(|role| {
                Val::map(vec![
                    (Key::Static("id"), Val::str(&role.id)),
                    (Key::Static("name"), Val::str(&role.name)),
                    (Key::Static("privileged"), Val::Bool(role.privileged)),
                    (Key::Static("reach"), Val::str(role.reach.as_str())),
                    (
                        Key::Static("scubaHighlyPrivileged"),
                        Val::Bool(role.scuba_highly_privileged),
                    ),
                    (Key::Static("tier"), Val::Int(i64::from(role.tier))),
                ])
            })
            .collect()
    });
    let reference = reference.trim();
    catalog::roles()
        .iter()
        .position(|r| {
            r.id.eq_ignore_ascii_case(reference) || r.name.eq_ignore_ascii_case(reference)
        })
        .map_or(Val::Null, |i| VALUES[i].clone())
}

/// A Graph application permission as rules see it: `{name, id, tier, direct, scubaRisk}`, or null.
pub fn graph_permission(reference: &str) -> Val {
    match catalog::graph_permission(reference) {
        Some(p) => Val::map(vec![
            (Key::Static("name"), Val::str(&p.name)),
            (Key::Static("id"), Val::str(&p.id)),
            (Key::Static("tier"), Val::Int(i64::from(p.tier))),
            (Key::Static("direct"), Val::Bool(p.direct)),
            (
                Key::Static("scubaRisk"),
                p.scuba_risk.as_deref().map_or(Val::Null, Val::str),
            ),
        ]),
        None => Val::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_that_expands_to_itself_is_what_expand_gives() {
        let loaded = crate::load::load(
            "t.yaml",
            b"users:\n- id: ann@x.com\n- id: Bob@x.com\ngroups:\n- id: admins\n  members: [ann@x.com, inner]\n- id: inner\n  members: [bob@x.com]\n",
        );
        let model = crate::model::normalise(&loaded.document, &mut Vec::new()).unwrap();
        let tenant = model.to_value();
        let lookup = Lookup::build(&tenant, loaded.document.root.as_ref());
        let cases = [
            (vec![Val::str("ann@x.com")], true),
            (vec![Val::str("nobody@x.com")], true),
            (vec![Val::str("Bob@x.com")], false),
            (vec![Val::str("admins")], false),
            (vec![Val::str("inner")], false),
            (vec![Val::str("ann@x.com"), Val::str("ann@x.com")], false),
            (vec![Val::Int(1)], false),
        ];
        for (ids, itself) in cases {
            assert_eq!(lookup.expands_to_itself(&ids), itself, "{ids:?}");
            if itself {
                assert_eq!(lookup.expand(&ids), ids);
            }
        }
        assert_eq!(
            lookup.expand(&[Val::str("admins")]),
            vec![Val::str("ann@x.com"), Val::str("bob@x.com")]
        );
    }
}
