//! The rule file format: one rule per YAML file, read strictly (unknown keys are errors).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RuleFile {
    /// The rule's id: kebab-case, naming the bad pattern.
    pub name: Spanned<String>,
    /// One line: what the rule catches.
    pub summary: String,
    pub severity: SeverityName,
    #[serde(default = "all_kinds")]
    pub tenant_kinds: Vec<KindName>,
    #[serde(default)]
    pub status: Status,
    /// A collection to test item by item; the condition sees each as `item`.
    #[serde(default, rename = "for")]
    pub for_each: Option<Collection>,
    /// The CEL condition; the rule fires when it is true.
    pub when: Spanned<String>,
    /// What the finding points at: a setting path (`authorizationPolicy.allowInvitesFrom`), or for
    /// collection rules a key of the item (`role`).
    #[serde(default)]
    pub at: Option<String>,
    /// The message; `{expression}` placeholders are CEL, with `value` the value at `at`.
    pub message: Spanned<String>,
    /// The exact change that fixes it.
    pub help: String,
    #[serde(default)]
    pub fix: Option<Fix>,
    #[serde(default)]
    pub parameters: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub references: References,
    /// Markdown: what it does, why it matters, what to do instead.
    pub description: String,
    pub examples: Examples,
}

fn all_kinds() -> Vec<KindName> {
    vec![KindName::Workforce, KindName::External]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KindName {
    Workforce,
    External,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Stable,
    Preview,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Stable => "stable",
            Status::Preview => "preview",
        }
    }
}

/// The collections a rule can test item by item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Collection {
    Users,
    Groups,
    ServicePrincipals,
    Applications,
    RoleAssignments,
    RoleSettings,
    ConditionalAccessPolicies,
}

impl Collection {
    pub fn key(self) -> &'static str {
        match self {
            Collection::Users => "users",
            Collection::Groups => "groups",
            Collection::ServicePrincipals => "servicePrincipals",
            Collection::Applications => "applications",
            Collection::RoleAssignments => "roleAssignments",
            Collection::RoleSettings => "roleSettings",
            Collection::ConditionalAccessPolicies => "conditionalAccessPolicies",
        }
    }

    /// The key that names an item in document paths.
    pub fn identity(self) -> &'static str {
        match self {
            Collection::RoleAssignments => "principal",
            Collection::RoleSettings => "role",
            Collection::ConditionalAccessPolicies => "displayName",
            _ => "id",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    /// The setting path to set (the key is added, with its section, when absent).
    pub set: String,
    pub value: serde_json::Value,
}

/// Baseline control ids and documentation links.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct References {
    #[serde(default)]
    pub cisa: Controls,
    #[serde(default, rename = "cis-m365")]
    pub cis_m365: Controls,
    #[serde(default, rename = "cis-azure")]
    pub cis_azure: Controls,
    #[serde(default)]
    pub eidsca: Controls,
    #[serde(default, rename = "zero-trust")]
    pub zero_trust: Controls,
    /// Microsoft documentation.
    #[serde(default)]
    pub docs: Vec<String>,
}

/// The baselines, in the order they are shown.
pub const BASELINES: &[&str] = &["cisa", "cis-m365", "cis-azure", "eidsca", "zero-trust"];

impl References {
    pub fn controls(&self, baseline: &str) -> &[String] {
        match baseline {
            "cisa" => &self.cisa.0,
            "cis-m365" => &self.cis_m365.0,
            "cis-azure" => &self.cis_azure.0,
            "eidsca" => &self.eidsca.0,
            "zero-trust" => &self.zero_trust.0,
            _ => &[],
        }
    }
}

/// One control id or several (`1.14`, or `[1.14, 2.14]` across benchmark versions).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Controls(pub Vec<String>);

impl<'de> Deserialize<'de> for Controls {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        Ok(match OneOrMany::deserialize(deserializer)? {
            OneOrMany::One(id) => Controls(vec![id]),
            OneOrMany::Many(ids) => Controls(ids),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Tenant snippets that must raise this rule, once.
    #[serde(default)]
    pub invalid: Vec<String>,
    /// Tenant snippets that must not raise it.
    #[serde(default)]
    pub valid: Vec<String>,
}

/// A profile: which rules a baseline turns on, with its severities and parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    pub name: String,
    pub summary: String,
    /// The baselines whose control ids findings show (all of them when empty).
    #[serde(default)]
    pub controls: Vec<String>,
    /// Turn on every rule that references one of `controls`, or every stable rule (`all`).
    pub enable: Enable,
    /// Per-rule changes: `off`, or a severity and parameters.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleSetting>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Enable {
    /// Every stable rule.
    All,
    /// Every stable rule with a control id of the profile's baselines.
    Referenced,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RuleSetting {
    /// `off` or `on`.
    Switch(Switch),
    Tuned(Tuning),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    Off,
    On,
}

impl<'de> Deserialize<'de> for Switch {
    // `off` and `on` read as booleans in YAML 1.1, so both spellings are taken.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Flag(bool),
            Word(String),
        }
        match Written::deserialize(deserializer)? {
            Written::Flag(true) => Ok(Switch::On),
            Written::Flag(false) => Ok(Switch::Off),
            Written::Word(w) if w == "on" => Ok(Switch::On),
            Written::Word(w) if w == "off" => Ok(Switch::Off),
            Written::Word(w) => Err(serde::de::Error::custom(format!(
                "`{w}` is not `off`, `on`, or a severity and parameters"
            ))),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tuning {
    #[serde(default)]
    pub severity: Option<SeverityName>,
    #[serde(default)]
    pub params: BTreeMap<String, serde_json::Value>,
}
