//! Sign-in rows of the permissions table, from the Conditional Access coverage evaluator: who can
//! sign in with a password alone, who can still use legacy authentication, and whether the
//! holders of highly privileged roles can sign in with a password alone.

use super::{Access, Audience, Cell, Row, Source};
use crate::load::layout::Layout;
use crate::model::Model;
use crate::model::coverage::{self, Coverage, Population, Requirement, Verdict};

pub fn rows(model: &Model, layout: &Layout, audiences: &[Audience]) -> Vec<Row> {
    let coverage = coverage::evaluate(&model.tenant);
    let origin = Origin {
        model,
        layout,
        coverage: &coverage,
    };
    let cell = |audience: Audience, requirement: Requirement, population: Population| {
        origin.cell(audience, requirement, population)
    };
    let people = |audience: Audience| match audience {
        Audience::Guests | Audience::Invited => Population::Guests,
        _ => Population::AllUsers,
    };
    vec![
        Row {
            id: "sign-in-with-password-alone",
            capability: "sign in with a password alone",
            cells: audiences
                .iter()
                .map(|&a| cell(a, Requirement::Mfa, people(a)))
                .collect(),
        },
        Row {
            id: "use-legacy-authentication",
            capability: "use legacy authentication",
            cells: audiences
                .iter()
                .map(|&a| cell(a, Requirement::BlockLegacy, Population::AllUsers))
                .collect(),
        },
        Row {
            id: "administer-with-password-alone",
            capability: "use an admin role with a password alone",
            cells: audiences
                .iter()
                .map(|&a| match a {
                    Audience::Customers => Cell {
                        audience: a,
                        access: Access::No,
                        detail: "customers cannot hold roles".to_string(),
                        sources: Vec::new(),
                    },
                    _ => cell(a, Requirement::Mfa, Population::Admins),
                })
                .collect(),
        },
    ]
}

struct Origin<'a> {
    model: &'a Model,
    layout: &'a Layout,
    coverage: &'a Coverage,
}

impl Origin<'_> {
    fn cell(&self, audience: Audience, requirement: Requirement, population: Population) -> Cell {
        let Some(verdict) = self.coverage.verdict(requirement, population) else {
            return Cell {
                audience,
                access: Access::Yes,
                detail: "not judged".to_string(),
                sources: Vec::new(),
            };
        };
        let (access, detail) = if verdict.covered {
            let by = verdict.by.join(", ");
            let detail = match requirement {
                Requirement::BlockLegacy => format!("blocked by {by}"),
                _ => format!("MFA required by {by}"),
            };
            (Access::No, detail)
        } else {
            (Access::Yes, verdict.summary())
        };
        Cell {
            audience,
            access,
            detail,
            sources: self.sources(verdict),
        }
    }

    /// The covering policies, or the key that makes the gap; security defaults when they decide.
    fn sources(&self, verdict: &Verdict) -> Vec<Source> {
        let tenant = &self.model.tenant;
        let policies: &[_] = tenant
            .conditional_access_policies
            .as_ref()
            .map_or(&[], |l| &l.value);
        let declared = |setting: String, offset: u32| super::declared(self.layout, setting, offset);
        let policy_source = |index: usize| {
            let policy = policies.get(index)?;
            let key = policy
                .value
                .display_name
                .as_ref()
                .map_or(policy.span, |n| n.key);
            Some(declared(
                format!("conditionalAccessPolicies[{index}]"),
                key.start,
            ))
        };
        let defaults_source = || match tenant
            .security_defaults
            .as_ref()
            .and_then(|s| s.value.is_enabled.as_ref())
        {
            Some(enabled) => declared("securityDefaults.isEnabled".to_string(), enabled.key.start),
            None => Source::Default {
                setting: "securityDefaults.isEnabled".to_string(),
            },
        };
        let mut out = Vec::new();
        if verdict.covered {
            for name in &verdict.by {
                match policies.iter().position(|p| {
                    p.value
                        .display_name
                        .as_ref()
                        .is_some_and(|n| &n.value == name)
                }) {
                    Some(index) => out.extend(policy_source(index)),
                    None => out.push(defaults_source()),
                }
            }
        } else {
            let index = verdict
                .at
                .strip_prefix("conditionalAccessPolicies[")
                .and_then(|rest| rest.split(']').next())
                .and_then(|n| n.parse::<usize>().ok());
            out.extend(index.and_then(policy_source));
            out.push(defaults_source());
        }
        out
    }
}
