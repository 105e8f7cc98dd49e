//! The rule file format: one rule per YAML file, read strictly (unknown keys are errors).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RuleFile {
    /// The rule's id: kebab-case, naming the bad pattern.
    pub name: Spanned<String>,
    /// The entralint version that introduced the rule: `MAJOR.MINOR.PATCH`.
    #[serde(default)]
    pub since: Option<Spanned<String>>,
    /// The rule's former names: suppressions, baselines, configurations and flags that name one
    /// still reach the rule.
    #[serde(default)]
    pub renamed_from: Vec<Spanned<String>>,
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
    /// Markdown: what it does, why it matters, what to do instead. Read through
    /// [`RuleFile::description`], since a built-in rule's is kept apart.
    description: String,
    examples: Examples,
    /// A built-in rule's description and examples as JSON, read when first asked for.
    #[serde(skip)]
    pub docs: Option<&'static str>,
    #[serde(skip)]
    read_docs: std::sync::OnceLock<Docs>,
}

/// A built-in rule's description and examples, as build.rs keeps them.
#[derive(Debug, Clone, Default, Deserialize)]
struct Docs {
    description: String,
    examples: Examples,
}

impl RuleFile {
    /// Markdown: what the rule does, why it matters, what to do instead.
    pub fn description(&self) -> &str {
        match self.kept_docs() {
            Some(docs) => &docs.description,
            None => &self.description,
        }
    }

    /// Tenant snippets that must, and must not, raise the rule.
    pub fn examples(&self) -> &Examples {
        match self.kept_docs() {
            Some(docs) => &docs.examples,
            None => &self.examples,
        }
    }

    fn kept_docs(&self) -> Option<&Docs> {
        // build.rs wrote this JSON from a value it had read, so it reads back; the tests read
        // every built-in rule's description and examples.
        let json = self.docs?;
        Some(
            self.read_docs
                .get_or_init(|| serde_json::from_str(json).unwrap_or_default()),
        )
    }
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

/// A collection a rule can test item by item: one the section catalogue marks as a collection
/// (`rules/data/catalogue.yaml`). Naming another is an error in the rule file, with the nearest
/// collection as a suggestion.
#[derive(Debug, Clone, Copy)]
pub struct Collection(&'static crate::catalogue::Section);

impl Collection {
    pub fn key(self) -> &'static str {
        self.0.key
    }

    /// The key that names an item in document paths.
    pub fn identity(self) -> &'static str {
        self.0.identity
    }
}

impl PartialEq for Collection {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Collection {}

impl<'de> Deserialize<'de> for Collection {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = String::deserialize(deserializer)?;
        if let Some(section) = crate::catalogue::collection(&key) {
            return Ok(Collection(section));
        }
        let known: Vec<&str> = crate::catalogue::collections().collect();
        let near = crate::suggest::closest(&key, known.iter().copied())
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        Err(serde::de::Error::custom(format!(
            "unknown collection `{key}`{near} (collections: {})",
            known.join(", ")
        )))
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    /// The setting path to set (the key is added, with its section, when absent).
    pub set: String,
    pub value: serde_json::Value,
}

/// Baseline control ids and documentation links: a key per baseline family of the catalogue
/// (`rules/data/catalogue.yaml`), and `docs`. Naming another family is an error in the rule file,
/// with the nearest family as a suggestion.
#[derive(Debug, Clone, Default)]
pub struct References {
    /// Control ids by family, in the order the file gives them.
    pub families: Vec<(&'static str, Controls)>,
    /// Microsoft documentation.
    pub docs: Vec<String>,
}

/// The baselines, in the order they are shown.
pub fn baselines() -> &'static [&'static str] {
    crate::catalogue::baselines()
}

impl References {
    pub fn controls(&self, baseline: &str) -> &[String] {
        self.families
            .iter()
            .find(|(family, _)| *family == baseline)
            .map_or(&[], |(_, controls)| controls.0.as_slice())
    }
}

impl<'de> Deserialize<'de> for References {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = References;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of baseline families to control ids, and `docs`")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<References, A::Error> {
                let mut references = References::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "docs" {
                        references.docs = map.next_value()?;
                        continue;
                    }
                    let known = crate::catalogue::baselines();
                    let Some(family) = known.iter().find(|f| **f == key) else {
                        let near = crate::suggest::closest(&key, known.iter().copied())
                            .map(|n| format!("; did you mean `{n}`?"))
                            .unwrap_or_default();
                        return Err(serde::de::Error::custom(format!(
                            "unknown baseline family `{key}`{near} (families: {}, and `docs`)",
                            known.join(", ")
                        )));
                    };
                    if references.families.iter().any(|(f, _)| f == family) {
                        return Err(serde::de::Error::custom(format!("duplicate field `{key}`")));
                    }
                    references.families.push((family, map.next_value()?));
                }
                Ok(references)
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

/// One control id or several (`1.14`, or `[1.14, 2.14]` across benchmark versions).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Controls(pub Vec<String>);

impl<'de> Deserialize<'de> for Controls {
    // Read by a visitor of its own: as an untagged enum, every value was first copied into
    // serde's buffer and then tried against each form, a fifth of reading the built-in rules.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Controls;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a control id or a list of control ids")
            }

            fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<Controls, E> {
                Ok(Controls(vec![id.to_string()]))
            }

            fn visit_string<E: serde::de::Error>(self, id: String) -> Result<Controls, E> {
                Ok(Controls(vec![id]))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Controls, A::Error> {
                let mut ids = Vec::with_capacity(seq.size_hint().unwrap_or(1));
                while let Some(id) = seq.next_element()? {
                    ids.push(id);
                }
                Ok(Controls(ids))
            }
        }
        deserializer.deserialize_any(Visit)
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
