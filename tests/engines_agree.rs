//! Property test: conditions generated over the tenant model's collections and settings give the
//! same findings, word for word, on the fast evaluator and on the CEL interpreter.

use std::sync::LazyLock;

use entralint::load::{self, Loaded};
use entralint::model::{self, Model};
use entralint::rules::eval::{Engine, evaluate_on};
use entralint::rules::{RuleSet, Selection, compile};
use proptest::prelude::*;

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

static TENANTS: LazyLock<Vec<(Loaded, Model)>> = LazyLock::new(|| {
    let mut texts: Vec<(String, String)> = (0..4)
        .map(|seed| (format!("generated {seed}"), gen_corpus::tenant(seed)))
        .collect();
    for name in ["secure-workforce.yaml", "external-tenant.yaml"] {
        let path = format!("examples/{name}");
        texts.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
    }
    texts
        .into_iter()
        .filter_map(|(name, text)| {
            let loaded = load::load(&name, text.as_bytes());
            let model = model::normalise(&loaded.document, &mut Vec::new())?;
            Some((loaded, model))
        })
        .collect()
});

static BASE: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::load(&Selection::default()).unwrap());

/// Collections, with a string key every item has.
const COLLECTIONS: &[(&str, &str)] = &[
    ("users", "id"),
    ("groups", "id"),
    ("servicePrincipals", "id"),
    ("applications", "id"),
    ("roleAssignments", "principal"),
    ("roleAssignments", "role"),
];

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "S", "bg1", "Global", "@t1", "contoso", ""])
        .prop_map(str::to_string)
}

fn number() -> impl Strategy<Value = i64> {
    prop::sample::select(vec![0i64, 1, 2, 5, 40])
}

/// A boolean over one collection's items' string key.
fn over_items() -> impl Strategy<Value = String> {
    let pick = prop::sample::select(COLLECTIONS.to_vec());
    let test = prop_oneof![
        word().prop_map(|w| format!("x.K.startsWith('{w}')")),
        word().prop_map(|w| format!("x.K.lowerAscii().contains('{w}')")),
        word().prop_map(|w| format!("x.K.endsWith('{w}')")),
        word().prop_map(|w| format!("x.K == '{w}'")),
        number().prop_map(|n| format!("size(x.K) > {n}")),
    ];
    let shape = prop::sample::select(vec![0u8, 1, 2, 3, 4]);
    (pick, test, shape, number()).prop_map(|((list, key), test, shape, n)| {
        let test = test.replace("x.K", &format!("x.{key}"));
        match shape {
            0 => format!("tenant.{list}.exists(x, {test})"),
            1 => format!("tenant.{list}.all(x, {test})"),
            2 => format!("tenant.{list}.exists_one(x, {test})"),
            3 => format!("tenant.{list}.filter(x, {test}).size() >= {n}"),
            _ => format!("tenant.{list}.map(x, x.{key}).exists(v, v in ['a', 'bg1@t1.example'])"),
        }
    })
}

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        over_items(),
        (prop::sample::select(COLLECTIONS.to_vec()), number())
            .prop_map(|((list, _), n)| format!("size(tenant.{list}) < {n}")),
        prop::sample::select(vec![
            "has(tenant.authorizationPolicy.allowInvitesFrom)",
            "tenant.tenant.name.startsWith('tenant')",
            "true",
            "false",
        ])
        .prop_map(str::to_string),
    ]
}

fn condition() -> impl Strategy<Value = String> {
    atom().prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) && ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) || ({b})")),
            inner.clone().prop_map(|a| format!("!({a})")),
            (inner.clone(), inner.clone(), inner)
                .prop_map(|(c, a, b)| format!("({c}) ? ({a}) : ({b})")),
        ]
    })
}

fn rule_text(when: &str) -> String {
    format!(
        "name: generated-condition\nsummary: s\nseverity: warning\nwhen: \"{when}\"\nmessage: m\nhelp: h\ndescription: d\nexamples: {{invalid: [], valid: []}}\n"
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn both_engines_agree_on_generated_conditions(when in condition()) {
        let rule = compile("generated-condition.yaml", &rule_text(&when), false)
            .unwrap_or_else(|e| panic!("{when}: {e:?}"));
        prop_assert!(rule.when.is_some(), "{when} is not on the fast path");
        let set = RuleSet { rules: vec![rule], profile: BASE.profile.clone() };
        for (loaded, model) in TENANTS.iter() {
            let shown = |engine| {
                evaluate_on(&set, model, &loaded.document, engine)
                    .into_iter()
                    .map(|d| format!("{} {:?} {} | {:?}", d.code, d.span, d.message, d.path))
                    .collect::<Vec<_>>()
            };
            let fast = shown(Engine::Fast);
            prop_assert_eq!(&fast, &shown(Engine::Interpreter), "{} on {}", when, loaded.source.name);
            prop_assert!(!fast.iter().any(|f| f.starts_with("rule-error")), "{when}: {fast:?}");
        }
    }
}
