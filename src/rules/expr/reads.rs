//! Which sections of the tenant an expression reads, when that is all it reads of the tenant.
//!
//! A rule that reads only sections left at Entra's defaults has the same outcome on every tenant
//! of a kind, so a run of many files works it out once (see `rules::eval`).

use super::compile::{Expr, Func};

const TENANT: usize = 0;
const NOW: usize = 2;
const ITEM: usize = 3;
const VALUE: usize = 4;

/// Adds the keys `expr` selects from the tenant to `into`. False when it reads anything else that
/// differs from one tenant to the next: the tenant as a whole, the time, a collection's item,
/// `value` (unless `value` is allowed, as in a message), the document or the directory
/// (principals, members and role assignments).
pub fn sections(expr: &Expr, value: bool, into: &mut Vec<String>) -> bool {
    let all = |exprs: Vec<&Expr>, into: &mut Vec<String>| {
        exprs.into_iter().all(|e| sections(e, value, into))
    };
    match expr {
        Expr::Const(_) => true,
        Expr::Slot(slot) => !matches!(*slot, TENANT | NOW | ITEM) && (value || *slot != VALUE),
        Expr::Select(inner, field) => match **inner {
            Expr::Slot(TENANT) => {
                into.push(field.key.as_str().to_string());
                true
            }
            _ => sections(inner, value, into),
        },
        Expr::Has(inner, key) => match **inner {
            Expr::Slot(TENANT) => {
                into.push(key.as_str().to_string());
                true
            }
            _ => sections(inner, value, into),
        },
        Expr::Not(e) | Expr::Neg(e) | Expr::NotStrictlyFalse(e) | Expr::Memo(_, e) => {
            sections(e, value, into)
        }
        Expr::Index(a, b) | Expr::And(a, b) | Expr::Or(a, b) | Expr::Binary(_, a, b) => {
            sections(a, value, into) && sections(b, value, into)
        }
        Expr::Cond(a, b, c) => all(vec![&**a, &**b, &**c], into),
        Expr::List(items) => all(items.iter().collect(), into),
        Expr::Map(entries) => all(entries.iter().flat_map(|(k, v)| [k, v]).collect(), into),
        Expr::Call(func, args) => !reads_directory(*func) && all(args.iter().collect(), into),
        Expr::Loop(l) => all(
            [&l.range, &l.init, &l.cond, &l.result]
                .into_iter()
                .chain(l.step.exprs())
                .collect(),
            into,
        ),
    }
}

/// The functions that read the document or the tenant's directory rather than their arguments.
fn reads_directory(func: Func) -> bool {
    matches!(
        func,
        Func::Principal
            | Func::Members
            | Func::GroupsOf
            | Func::IsBreakGlass
            | Func::Declared
            | Func::Expand
            | Func::AssignmentsOf
            | Func::AssignmentsReaching
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::expr::parse::parse;

    fn read(text: &str, value: bool) -> Option<Vec<String>> {
        let compiled = parse(text).expect("parses");
        let mut into = Vec::new();
        sections(&compiled.expr, value, &mut into).then_some(into)
    }

    #[test]
    fn sections_are_the_tenant_keys_an_expression_selects() {
        assert_eq!(
            read(
                "tenant.authorizationPolicy.allowInvitesFrom == params.x && has(tenant.securityDefaults)",
                false
            ),
            Some(vec![
                "authorizationPolicy".to_string(),
                "securityDefaults".to_string()
            ])
        );
        assert_eq!(
            read("tenant.users.exists(u, u.userType == 'Guest')", false),
            Some(vec!["users".to_string()])
        );
        assert_eq!(read("size(value) > 1", true), Some(vec![]));
    }

    #[test]
    fn anything_else_the_tenant_gives_is_not_a_section() {
        for text in [
            "size(tenant) > 3",
            "now > timestamp('2020-01-01T00:00:00Z')",
            "item.userType == 'Guest'",
            "size(value) > 1",
            "principal('a') != null",
            "declared('authorizationPolicy.allowInvitesFrom')",
            "tenant.users.exists(u, isBreakGlass(u.id))",
        ] {
            assert_eq!(read(text, false), None, "{text}");
        }
    }
}
