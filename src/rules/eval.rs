//! Evaluation: the tenant as rule values and one frame of variables per tenant, every enabled
//! rule run against it, and each finding placed at the smallest thing the user must change.
//!
//! Conditions run on the fast evaluator ([`super::expr`]); the CEL interpreter, with a context
//! made only when some rule needs it, runs the rest.

use std::cell::OnceCell;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use cel::Context;
use rayon::prelude::*;

use super::expr::lookup::{self, Lookup};
use super::expr::reads;
use super::expr::run::{self, Env, Frame};
use super::expr::{Program, Val};
use super::{ENV, Piece, Rule, RuleSet};
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::model::{Model, TenantKind, defaults};
use crate::tree::{Document, Node, Value as Yaml};

const TENANT: usize = 0;
const PARAMS: usize = 1;
const NOW: usize = 2;
const ITEM: usize = 3;
const VALUE: usize = 4;

/// Runs every enabled rule that applies to the tenant's kind.
pub fn evaluate(rules: &RuleSet, model: &Model, document: &Document) -> Vec<Diagnostic> {
    evaluate_on(rules, model, document, Engine::Fast)
}

/// Which evaluator runs conditions and placeholders: the fast one where it can (the default), or
/// the CEL interpreter for everything (to check that both agree).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Fast,
    Interpreter,
}

pub fn evaluate_on(
    rules: &RuleSet,
    model: &Model,
    document: &Document,
    engine: Engine,
) -> Vec<Diagnostic> {
    let tenant = model.to_value();
    let root = document.root.as_ref();
    let lookup = Lookup::build(&tenant, root);
    let now = chrono::Utc::now().fixed_offset();
    // A one-file run never meets a rule twice: it is spared making the tenant of defaults.
    let defaults = (engine == Engine::Fast && TENANTS.fetch_add(1, Ordering::Relaxed) > 0)
        .then(|| defaults_tenant(model.kind));
    let new_run = || {
        let mut frame = Frame::new(8);
        frame.set(TENANT, tenant.clone());
        frame.set(NOW, Val::Timestamp(now));
        TenantRun {
            tenant: &tenant,
            defaults: defaults.clone(),
            lookup: &lookup,
            frame,
            interpreter: OnceCell::new(),
            now,
            kind: model.kind,
            engine,
        }
    };
    let largest = largest_collection(&tenant);
    let applicable: Vec<&Rule> = rules
        .enabled()
        .filter(|r| r.applies_to(model.kind))
        .collect();
    let place = |run: &mut TenantRun, rule: &Rule| evaluate_rule(run, rule, rules, root, largest);
    if largest < PARALLEL_FROM && !ALONE.get() {
        let mut run = new_run();
        // Room for a finding every other rule, about what a tenant file raises: a finding is a
        // few hundred bytes, and growing the list from empty copied them over and over.
        let mut findings = Vec::with_capacity(applicable.len() / 2);
        for rule in &applicable {
            findings.extend(place(&mut run, rule));
        }
        return findings;
    }
    // A large tenant's rules run side by side, each thread with a frame of its own, so that one
    // file of 100,000 users is checked on every core; the findings keep the rules' order.
    let per_rule: Vec<Vec<Diagnostic>> = applicable
        .par_iter()
        .with_max_len(1)
        .map_init(new_run, |run, rule| place(run, rule))
        .collect();
    drop(lookup);
    crate::dispose::later(tenant);
    per_rule.into_iter().flatten().collect()
}

/// The size of a tenant's largest collection from which its rules run in parallel: below it, the
/// threads are busy with other files, and a tenant's rules take less than starting them would.
const PARALLEL_FROM: usize = 2_000;

thread_local! {
    /// Whether the tenant this thread checks is the only one of the run (see [`alone`]).
    static ALONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `check` as the check of the run's only tenant: no other file keeps the threads busy, so
/// its rules run side by side whatever its size (a one-file check in a pre-commit hook or an
/// editor waits for them).
pub fn alone<T>(check: impl FnOnce() -> T) -> T {
    let before = ALONE.replace(true);
    let result = check();
    ALONE.set(before);
    result
}

/// Tenants checked in this process so far.
static TENANTS: AtomicUsize = AtomicUsize::new(0);

/// The tenant of each kind with nothing declared, as rules see it. Made once per thread, so that
/// its values are the very ones the thread gives the undeclared settings of the tenants it reads
/// (see [`Val::same`]).
fn defaults_tenant(kind: TenantKind) -> Val {
    thread_local! {
        static TENANTS: [OnceCell<Val>; 2] = const { [OnceCell::new(), OnceCell::new()] };
    }
    TENANTS.with(|tenants| {
        tenants[kind as usize]
            .get_or_init(|| {
                Model {
                    tenant: Default::default(),
                    kind,
                }
                .to_value()
            })
            .clone()
    })
}

/// A tenant rule's outcome on a tenant whose sections the rule reads all hold Entra's defaults:
/// the same on every tenant of a kind (the finding's place aside, which depends on the document),
/// so a run of many files works it out once per kind.
#[derive(Debug)]
pub enum Outcome {
    Quiet,
    /// `at` is the rendering of a templated place.
    Found {
        at: Option<String>,
        value: Val,
        message: String,
        /// The finding's message and shown value when its setting is not declared, made once.
        undeclared: OnceLock<(String, String)>,
    },
}

/// The sections `rule` reads, when its outcome depends on nothing else: a tenant rule whose
/// condition, place and message the fast evaluator runs.
fn sections(rule: &Rule) -> Option<&[String]> {
    rule.sections
        .get_or_init(|| {
            let (Some(when), None) = (&rule.when, rule.collection()) else {
                return None;
            };
            let mut into = Vec::new();
            if rule.at_template.is_empty() {
                into.push(section_of(rule.file.at.as_deref().unwrap_or_default()).to_string());
            }
            // `value` is bound for the message, not for the place.
            let pieces = |pieces: &[Piece], value: bool, into: &mut Vec<String>| {
                pieces.iter().all(|piece| match piece {
                    Piece::Text(_) => true,
                    Piece::Expr(program) => program
                        .fast
                        .as_ref()
                        .is_some_and(|fast| reads::sections(&fast.expr, value, into)),
                })
            };
            let read = reads::sections(&when.expr, false, &mut into)
                && pieces(&rule.at_template, false, &mut into)
                && pieces(rule.message(), true, &mut into);
            read.then(|| {
                into.sort();
                into.dedup();
                into.into_boxed_slice()
            })
        })
        .as_deref()
}

/// The section a setting's path starts in.
fn section_of(at: &str) -> &str {
    at.split(['.', '[']).next().unwrap_or_default()
}

/// Whether the tenant's section holds what the tenant of defaults holds there. The empty path
/// is the whole tenant, which never does.
fn is_default(run: &TenantRun, key: &str) -> bool {
    let Some(defaults) = run.defaults.as_ref().filter(|_| !key.is_empty()) else {
        return false;
    };
    match (run.tenant.get(key), defaults.get(key)) {
        (Some(a), Some(b)) => a.same(b),
        (a, b) => a == b,
    }
}

/// Where `rule`'s outcome on this tenant is the one on the tenant of defaults.
fn on_defaults<'r>(run: &TenantRun, rule: &'r Rule) -> Option<&'r OnceLock<Outcome>> {
    run.defaults.as_ref()?;
    let same = sections(rule)?.iter().all(|key| is_default(run, key));
    same.then(|| &rule.on_defaults[run.kind as usize])
}

/// A templated place reads the section it renders to as well.
fn place_is_default(run: &TenantRun, at: Option<&str>) -> bool {
    at.is_none_or(|at| is_default(run, section_of(at)))
}

/// One rule's findings on the tenant: none when it does not hold, one `rule-error` when it
/// fails, one `rule-too-costly` when it goes over its budget.
fn evaluate_rule(
    run: &mut TenantRun,
    rule: &Rule,
    rules: &RuleSet,
    root: Option<&Node>,
    largest: usize,
) -> Vec<Diagnostic> {
    let place = Place { rule, rules, root };
    let cached = on_defaults(run, rule);
    match cached.and_then(OnceLock::get) {
        Some(Outcome::Quiet) => return Vec::new(),
        Some(Outcome::Found {
            at,
            value,
            message,
            undeclared,
        }) if place_is_default(run, at.as_deref()) => {
            return vec![place.placed(run, at.as_deref(), value, message, Some(undeclared))];
        }
        _ => {}
    }
    // The CEL interpreter cannot be stopped midway: a rule it runs is judged by its nesting.
    let interpreted = rule.when.is_none() || run.engine == Engine::Interpreter;
    if interpreted {
        let cost = (largest.max(1) as f64).powi(rule.loop_depth() as i32);
        if cost > MAX_STEPS as f64 {
            let why =
                format!("over collections of {largest} items it would take about {cost:.0e} steps");
            return vec![too_costly(rule, why)];
        }
    }
    run.frame.forget_memos();
    run.frame.set_budget(MAX_STEPS);
    let params = rule.params_value.get_or_init(|| {
        Val::map(
            rule.params
                .iter()
                .map(|(k, v)| {
                    (
                        super::expr::Key::Owned(Arc::from(k.as_str())),
                        Val::from_json(v),
                    )
                })
                .collect(),
        )
    });
    run.frame.set(PARAMS, params.clone());
    let mut findings = Vec::new();
    let mut outcome = None;
    match run.matches(rule) {
        Ok(Matched::Tenant(true)) => {
            let (at, value, message) = place.setting(run);
            findings.push(place.placed(run, at.as_deref(), &value, &message, None));
            if cached.is_some() && place_is_default(run, at.as_deref()) {
                outcome = Some(Outcome::Found {
                    at,
                    value,
                    message,
                    undeclared: OnceLock::new(),
                });
            }
        }
        Ok(Matched::Tenant(false)) => outcome = Some(Outcome::Quiet),
        Ok(Matched::Items(indexes)) => {
            for index in indexes {
                if run.frame.exhausted() {
                    break;
                }
                findings.push(place.item(run, index));
            }
        }
        Err(error) => findings.push(rule_error(rule, error)),
    }
    // Over its budget, a rule's results are void: it is reported, never silently dropped.
    if run.frame.exhausted() {
        let why = format!("it took more than {MAX_STEPS:.0e} steps on this tenant");
        return vec![too_costly(rule, why)];
    }
    if let (Some(cache), Some(outcome)) = (cached, outcome) {
        let _ = cache.set(outcome);
    }
    findings
}

fn too_costly(rule: &Rule, why: String) -> Diagnostic {
    Diagnostic::new(
        "rule-too-costly",
        Severity::Warning,
        Span::default(),
        format!(
            "rule `{}` was not evaluated: {why}, more than entralint allows ({MAX_STEPS:.0e})",
            rule.name
        ),
    )
    .with_help("split the tenant file, or simplify the rule's nested comprehensions")
}

enum Matched {
    Tenant(bool),
    Items(Vec<usize>),
}

/// One tenant's evaluation state: its values, its frame, and the interpreter when needed.
struct TenantRun<'a> {
    tenant: &'a Val,
    /// The tenant of this kind with nothing declared, when the run has checked a tenant before
    /// (see [`Outcome`]).
    defaults: Option<Val>,
    lookup: &'a Lookup<'a>,
    frame: Frame,
    interpreter: OnceCell<Context<'static, 'static>>,
    now: chrono::DateTime<chrono::FixedOffset>,
    kind: TenantKind,
    engine: Engine,
}

impl TenantRun<'_> {
    /// Whether a tenant rule holds, or the items of a collection rule for which it holds.
    fn matches(&mut self, rule: &Rule) -> Result<Matched, String> {
        let fast = match &rule.when {
            Some(fast) if self.engine == Engine::Fast => fast,
            _ => return self.interpret_rule(rule),
        };
        let env = Env {
            lookup: self.lookup,
        };
        let Some(collection) = rule.collection() else {
            return match run::run(fast, &mut self.frame, &env) {
                Ok(Val::Bool(b)) => Ok(Matched::Tenant(b)),
                Ok(other) => Err(format!(
                    "the condition gave a {}, not a bool",
                    other.type_name()
                )),
                Err(e) => Err(e.0),
            };
        };
        let items = self
            .tenant
            .get(collection.key())
            .cloned()
            .unwrap_or(Val::Null);
        let mut matched = Vec::new();
        for (index, item) in items.as_list().iter().enumerate() {
            if self.frame.charge(1).is_err() {
                break;
            }
            self.frame.set(ITEM, item.clone());
            let result = if index == 0 {
                run::run(fast, &mut self.frame, &env)
            } else {
                run::run_next(fast, &mut self.frame, &env)
            };
            match result {
                Ok(Val::Bool(true)) => matched.push(index),
                Ok(Val::Bool(false)) => {}
                Ok(other) => {
                    return Err(format!(
                        "the condition gave a {}, not a bool",
                        other.type_name()
                    ));
                }
                Err(e) => return Err(e.0),
            }
        }
        Ok(Matched::Items(matched))
    }

    fn interpret_rule(&mut self, rule: &Rule) -> Result<Matched, String> {
        let params = self.frame.slots[PARAMS].clone().unwrap_or(Val::Null);
        let context = self.interpreter();
        let mut scope = context.new_inner_scope();
        scope.add_variable_from_value("params", params.to_cel());
        let Some(program) = rule.program.cel() else {
            return Err(format!("`{}` does not parse as CEL", rule.program.text()));
        };
        match (program.execute(&scope), rule.collection()) {
            (Ok(cel::Value::Bool(b)), None) => Ok(Matched::Tenant(b)),
            (Ok(cel::Value::List(indexes)), Some(_)) => Ok(Matched::Items(
                indexes
                    .iter()
                    .filter_map(|i| match i {
                        cel::Value::Int(i) => usize::try_from(*i).ok(),
                        _ => None,
                    })
                    .collect(),
            )),
            (Ok(other), _) => Err(format!("the condition gave {other:?}, not a boolean")),
            (Err(err), _) => Err(err.to_string()),
        }
    }

    /// The CEL interpreter's context for this tenant, made on first use.
    fn interpreter(&self) -> &Context<'static, 'static> {
        self.interpreter.get_or_init(|| {
            let mut context = Context::with_env(ENV.clone());
            register(&mut context, &Arc::new(self.lookup.detached()));
            context.add_variable_from_value("tenant", self.tenant.to_cel());
            context.add_variable_from_value("now", cel::Value::Timestamp(self.now));
            context
        })
    }

    /// Writes a message placeholder's value, with `value` and `item` bound, as messages show it.
    fn show_into(&mut self, program: &Program, out: &mut String) {
        if let (Some(compiled), Engine::Fast) = (&program.fast, self.engine) {
            let env = Env {
                lookup: self.lookup,
            };
            match run::run_kept(compiled, &mut self.frame, &env) {
                Ok(value) => value.show_into(out),
                Err(e) => {
                    out.push('<');
                    out.push_str(&e.0);
                    out.push('>');
                }
            }
            return;
        }
        let bound: Vec<(&str, Val)> = [("params", PARAMS), ("item", ITEM), ("value", VALUE)]
            .into_iter()
            .map(|(name, slot)| (name, self.frame.slots[slot].clone().unwrap_or(Val::Null)))
            .collect();
        let context = self.interpreter();
        let mut scope = context.new_inner_scope();
        for (name, value) in bound {
            scope.add_variable_from_value(name, value.to_cel());
        }
        match program.cel().map(|p| p.execute(&scope)) {
            Some(Ok(value)) => Val::from_cel(&value).show_into(out),
            Some(Err(err)) => {
                let _ = write!(out, "<{err}>");
            }
            None => {
                let _ = write!(out, "<{}>", program.text());
            }
        }
    }
}

/// Most work one rule may do on one tenant, in steps counted as it runs (loop iterations, items
/// scanned or copied), its messages included: a rule that would run away on a huge tenant is
/// stopped and reported. A rule only the CEL interpreter runs is judged beforehand instead, by
/// the largest collection's size to the power of its loop depth.
const MAX_STEPS: u64 = 100_000_000;

/// The length of the tenant's longest list of objects.
fn largest_collection(tenant: &Val) -> usize {
    crate::catalogue::collections()
        .map(|c| tenant.get(c).map_or(0, |v| v.as_list().len()))
        .max()
        .unwrap_or(0)
}

fn rule_error(rule: &Rule, error: String) -> Diagnostic {
    Diagnostic::error(
        "rule-error",
        Span::default(),
        format!(
            "rule `{}` could not be evaluated on this tenant: {error}",
            rule.name
        ),
    )
    .with_help(format!("this is a defect in the rule ({})", rule.origin))
}

/// The functions rules need and CEL lacks, for the interpreter.
fn register(context: &mut Context, lookup: &Arc<Lookup<'static>>) {
    // Names are not in the standard library, so registering cannot conflict.
    let strings = |items: Vec<String>| {
        cel::Value::List(Arc::new(items.into_iter().map(cel::Value::from).collect()))
    };
    let l = lookup.clone();
    let _ = context.add_function("principal", move |id: Arc<String>| {
        l.principal(&id).to_cel()
    });
    let l = lookup.clone();
    let _ = context.add_function("members", move |id: Arc<String>| strings(l.members_of(&id)));
    let l = lookup.clone();
    let _ = context.add_function("groupsOf", move |id: Arc<String>| strings(l.groups_of(&id)));
    let l = lookup.clone();
    let _ = context.add_function("isBreakGlass", move |id: Arc<String>| l.is_break_glass(&id));
    let l = lookup.clone();
    let _ = context.add_function("declared", move |path: Arc<String>| l.declared(&path));
    let l = lookup.clone();
    let _ = context.add_function("expand", move |ids: Arc<Vec<cel::Value>>| {
        let ids: Vec<Val> = ids.iter().map(Val::from_cel).collect();
        cel::Value::List(Arc::new(l.expand(&ids).iter().map(Val::to_cel).collect()))
    });
    let list =
        |items: Vec<Val>| cel::Value::List(Arc::new(items.iter().map(Val::to_cel).collect()));
    let l = lookup.clone();
    let _ = context.add_function("assignmentsOf", move |id: Arc<String>| {
        list(l.assignments_of(&id))
    });
    let l = lookup.clone();
    let _ = context.add_function("assignmentsReaching", move |id: Arc<String>| {
        list(l.assignments_reaching(&id))
    });
    let _ = context.add_function(
        "firstIndex",
        |items: Arc<Vec<cel::Value>>, wanted: cel::Value| -> i64 {
            items
                .iter()
                .position(|item| *item == wanted)
                .map_or(-1, |i| i as i64)
        },
    );
    let _ = context.add_function("role", |reference: Arc<String>| {
        lookup::role(&reference).to_cel()
    });
    let _ = context.add_function("graphPermission", |reference: Arc<String>| {
        lookup::graph_permission(&reference).to_cel()
    });
    let _ = context.add_function("days", |d: chrono::Duration| d.num_days());
    let _ = context.add_function("min", cel::functions::min);
    let _ = context.add_function("max", cel::functions::max);
}

/// Builds findings for one rule.
struct Place<'a> {
    rule: &'a Rule,
    rules: &'a RuleSet,
    root: Option<&'a Node>,
}

impl Place<'_> {
    /// A setting finding's place when it is a template's rendering, its value and its message:
    /// what depends on the tenant alone.
    fn setting(&self, run: &mut TenantRun) -> (Option<String>, Val, String) {
        let at =
            (!self.rule.at_template.is_empty()).then(|| self.render(run, &self.rule.at_template));
        let path = at
            .as_deref()
            .unwrap_or(self.rule.file.at.as_deref().unwrap_or_default());
        let value = value_at(run.tenant, path).clone();
        let message = self.message(run, None, &value);
        (at, value, message)
    }

    /// A finding on a setting, placed in the document: at its value when declared, else at the
    /// enclosing section. `rendered` is the place when the rule's is a template. `kept` keeps
    /// the message and value shown for an undeclared setting, for a rule whose outcome is kept.
    fn placed(
        &self,
        run: &TenantRun,
        rendered: Option<&str>,
        value: &Val,
        message: &str,
        kept: Option<&OnceLock<(String, String)>>,
    ) -> Diagnostic {
        let templated = rendered.is_some();
        let at = rendered.unwrap_or(self.rule.file.at.as_deref().unwrap_or_default());
        if at.is_empty() {
            // A rule about the whole tenant points at the document's first key.
            let span = locate_exact(self.root, "missing-key-for-the-whole-document");
            let span = match span {
                Located::Missing { span, .. } | Located::Declared(span) => span,
            };
            return self.finding(
                span,
                "in this tenant".to_string(),
                message.into(),
                String::new(),
            );
        }
        let (span, label, message, shown) = match locate(self.root, at) {
            Located::Declared(span) => (span, "here".to_string(), message.to_string(), None),
            Located::Missing { span, missing } if templated => (
                span,
                format!("`{missing}` not declared"),
                message.to_string(),
                None,
            ),
            Located::Missing { span, missing } => {
                let made = || {
                    let note = self.undeclared_note(run.kind, at);
                    (
                        format!("{message}{note}"),
                        format!("default: {}", value.show()),
                    )
                };
                let (message, shown) = match kept {
                    Some(kept) => kept.get_or_init(made).clone(),
                    None => made(),
                };
                (
                    span,
                    format!("`{missing}` not declared"),
                    message,
                    Some(shown),
                )
            }
        };
        let mut finding = self.finding(span, label, message, at.to_string());
        finding.value = shown;
        finding
    }

    /// What a finding on the undeclared setting `at` adds to the message: Entra's default, or
    /// that it is not documented.
    fn undeclared_note(&self, kind: TenantKind, at: &str) -> &str {
        self.rule.undeclared_note[kind as usize].get_or_init(|| {
            let name = kind.as_str();
            match defaults::default_for(at) {
                // Say so when the external value is the workforce one, assumed.
                Some(default) if kind == TenantKind::External && !default.external_known => {
                    format!(
                        " (`{at}` is not declared; Entra's default for external tenants is not documented, and the workforce default is assumed: {})",
                        show_json(default.value(kind))
                    )
                }
                Some(default) if !default.known => format!(
                    " (`{at}` is not declared; Entra's default for {name} tenants is not documented, and this value is assumed: {})",
                    show_json(default.value(kind))
                ),
                Some(default) => format!(
                    " (`{at}` is not declared, so Entra's default for {name} tenants applies: {})",
                    show_json(default.value(kind))
                ),
                None => format!(" (`{at}` is not declared)"),
            }
        })
    }

    /// A finding on one item of the rule's collection.
    fn item(&self, run: &mut TenantRun, index: usize) -> Diagnostic {
        let Some(collection) = self.rule.collection() else {
            return rule_error(self.rule, "not a collection rule".to_string());
        };
        let item = run
            .tenant
            .get(collection.key())
            .and_then(|items| items.as_list().get(index))
            .cloned()
            .unwrap_or(Val::Null);
        let at = self.rule.file.at.as_deref();
        let value = at
            .and_then(|k| k.split('.').try_fold(&item, |v, k| v.get(k)))
            .cloned()
            .unwrap_or(Val::Null);
        let message = self.message(run, Some(&item), &value);
        let node = self
            .root
            .and_then(|r| r.get(collection.key()))
            .and_then(|n| match &n.value {
                Yaml::Seq(items) => items.get(index),
                _ => None,
            });
        let identity = item
            .get(collection.identity())
            .and_then(Val::as_str)
            .unwrap_or_default();
        // `roleAssignments[principal=…].role`, written without `format!`: every finding of a
        // collection rule has one.
        let (section, by) = (collection.key(), collection.identity());
        let mut path = String::with_capacity(section.len() + by.len() + identity.len() + 24);
        for piece in [section, "[", by, "=", identity, "]"] {
            path.push_str(piece);
        }
        let span = match (node, at) {
            (Some(node), Some(key)) => match inner_node(node, key) {
                Some(value) => {
                    path.push('.');
                    path.push_str(key);
                    value.span
                }
                None => node.span,
            },
            (Some(node), None) => node.span,
            (None, _) => Span::default(),
        };
        let mut finding = self.finding(span, "here".to_string(), message, path);
        finding.value = Some(match at {
            Some(_) => value.show(),
            None => identity.to_string(),
        });
        finding
    }

    fn finding(&self, span: Span, label: String, message: String, path: String) -> Diagnostic {
        let rule = self.rule;
        let mut diagnostic = Diagnostic::new(&rule.name, rule.severity, span, message)
            .with_label(label)
            .with_help(
                rule.help
                    .get_or_init(|| rule.file.help.trim().into())
                    .clone(),
            )
            .with_path(path);
        diagnostic.controls = rule
            .controls
            .get_or_init(|| self.rules.controls(rule).into())
            .clone();
        diagnostic.fixable = rule.file.fix.is_some();
        diagnostic
    }

    /// A template's text, with the same variables as a message.
    fn render(&self, run: &mut TenantRun, pieces: &[Piece]) -> String {
        let mut out = String::new();
        fill(run, pieces, &mut out);
        out
    }

    fn message(&self, run: &mut TenantRun, item: Option<&Val>, value: &Val) -> String {
        run.frame.set(VALUE, value.clone());
        if let Some(item) = item {
            run.frame.set(ITEM, item.clone());
        }
        let mut out = String::new();
        fill(run, self.rule.message(), &mut out);
        out.truncate(out.trim_end().len());
        match out.len() - out.trim_start().len() {
            0 => out,
            leading => out.split_off(leading),
        }
    }
}

/// Writes a message's or a template's pieces into `out`, sized once for the text around the
/// placeholders and a short value in each: messages are made for every finding, and growing the
/// text piece by piece took several reallocations each.
fn fill(run: &mut TenantRun, pieces: &[Piece], out: &mut String) {
    let text: usize = pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.len(),
            Piece::Expr(_) => 24,
        })
        .sum();
    out.reserve(text);
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Expr(program) => run.show_into(program, out),
        }
    }
}

/// The value at a setting's dotted path (`a.b`, `list[2].c`); null where nothing is.
fn value_at<'v>(tenant: &'v Val, at: &str) -> &'v Val {
    let mut value = tenant;
    for key in at.split('.').filter(|k| !k.is_empty()) {
        value = match key.split_once('[') {
            Some((name, index)) => value
                .get(name)
                .and_then(|list| {
                    let index: usize = index.trim_end_matches(']').parse().ok()?;
                    list.as_list().get(index)
                })
                .unwrap_or(&Val::Null),
            None => value.get(key).unwrap_or(&Val::Null),
        };
    }
    value
}

/// A value inside a collection item by dotted key (`conditions.users.excludeUsers`).
fn inner_node<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    key.split('.')
        .try_fold(node, |n, k| n.get(k).filter(|v| v.value != Yaml::Null))
}

enum Located {
    Declared(Span),
    Missing { span: Span, missing: String },
}

/// Finds a dotted setting path in the tree: its value's span, or the nearest declared section's
/// key (the top of the file when none is declared) and the first key that is missing.
fn locate(root: Option<&Node>, path: &str) -> Located {
    // A setting with two spellings is found under whichever the file uses.
    if let Some(other) = crate::model::other_spelling(path) {
        let found = locate_exact(root, path);
        return match found {
            Located::Declared(_) => found,
            Located::Missing { .. } => match locate_exact(root, other) {
                declared @ Located::Declared(_) => declared,
                Located::Missing { .. } => found,
            },
        };
    }
    locate_exact(root, path)
}

fn locate_exact(root: Option<&Node>, path: &str) -> Located {
    let mut node = root;
    // With no section declared, the finding goes at the document's first key, not a comment.
    let mut section = root
        .and_then(|r| r.as_map())
        .and_then(|entries| entries.first())
        .map_or(Span::default(), |first| first.key.span);
    let mut target = Span::default();
    for key in path.split('.').filter(|k| !k.is_empty()) {
        // `list[3]`: an item of a list, by position.
        if let Some((name, index)) = key.split_once('[') {
            let item = node.and_then(|n| n.entry(name)).and_then(|entry| {
                let index: usize = index.trim_end_matches(']').parse().ok()?;
                match &entry.value.value {
                    Yaml::Seq(items) => items.get(index).map(|item| (entry, item)),
                    _ => None,
                }
            });
            match item {
                Some((entry, item)) => {
                    // A key missing inside the item is pointed at by the item's first key.
                    section = item
                        .as_map()
                        .and_then(|entries| entries.first())
                        .map_or(entry.key.span, |first| first.key.span);
                    target = item.span;
                    node = Some(item);
                    continue;
                }
                None => {
                    return Located::Missing {
                        span: section,
                        missing: key.to_string(),
                    };
                }
            }
        }
        // A list of objects named by `id` (the authentication method configurations) or by
        // `tenantId` (cross-tenant partner configurations): the first item whose name is the key,
        // compared without regard to case as the model reads it.
        if let Some(Yaml::Seq(items)) = node.map(|n| &n.value) {
            let named = items.iter().find(|item| {
                item.get("id")
                    .or_else(|| item.get("tenantId"))
                    .and_then(Node::as_str)
                    .is_some_and(|id| id.eq_ignore_ascii_case(key))
            });
            let Some(item) = named else {
                return Located::Missing {
                    span: section,
                    missing: key.to_string(),
                };
            };
            section = item
                .as_map()
                .and_then(|entries| entries.first())
                .map_or(section, |first| first.key.span);
            target = item.span;
            node = Some(item);
            continue;
        }
        match node.and_then(|n| n.entry(key)) {
            Some(entry) if entry.value.value != Yaml::Null => {
                section = entry.key.span;
                // A whole list or mapping is pointed at by its key, not by every line of it.
                target = match entry.value.value {
                    Yaml::Seq(_) | Yaml::Map(_) => entry.key.span,
                    _ => entry.value.span,
                };
                node = Some(&entry.value);
            }
            _ => {
                return Located::Missing {
                    span: section,
                    missing: key.to_string(),
                };
            }
        }
    }
    match node {
        Some(node) if node.span != root.map(|r| r.span).unwrap_or_default() => {
            Located::Declared(target)
        }
        _ => Located::Missing {
            span: section,
            missing: path.to_string(),
        },
    }
}

fn show_json(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => format!("`{s}`"),
        serde_json::Value::Array(items) if items.is_empty() => "an empty list".to_string(),
        other => format!("`{other}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load;

    /// A kept outcome gives the findings a fresh evaluation gives: each tenant is checked three
    /// times by one rule set, whose outcomes are kept from the first tenants on, and each time
    /// by a new rule set, which keeps nothing it could reuse.
    #[test]
    fn outcomes_kept_from_the_tenant_of_defaults_are_those_worked_out_afresh() {
        let texts: [&[u8]; 5] = [
            b"tenant:\n  name: a\n  kind: workforce\n",
            b"tenant:\n  name: b\n  kind: external\n",
            b"tenant:\n  name: c\n  kind: workforce\nauthorizationPolicy:\n  allowInvitesFrom: everyone\n",
            b"tenant:\n  name: d\n  kind: workforce\nsecurityDefaults:\n  isEnabled: false\n",
            b"tenant:\n  name: e\n  kind: external\nauthorizationPolicy:\n  allowInvitesFrom: none\n",
        ];
        let shared = RuleSet::load(&Default::default()).unwrap();
        for _ in 0..3 {
            for text in texts {
                let loaded = load::load("t.yaml", text);
                let model = crate::model::normalise(&loaded.document, &mut Vec::new()).unwrap();
                let fresh = RuleSet::load(&Default::default()).unwrap();
                let expected = evaluate_on(&fresh, &model, &loaded.document, Engine::Fast);
                let kept = evaluate_on(&shared, &model, &loaded.document, Engine::Fast);
                assert!(!expected.is_empty());
                assert_eq!(format!("{kept:?}"), format!("{expected:?}"));
            }
        }
        let kept = |found: bool| {
            shared
                .enabled()
                .flat_map(|rule| &rule.on_defaults)
                .filter_map(OnceLock::get)
                .filter(|outcome| matches!(outcome, Outcome::Found { .. }) == found)
                .count()
        };
        assert!(
            kept(true) > 10 && kept(false) > 10,
            "{} {}",
            kept(true),
            kept(false)
        );
    }

    #[test]
    fn locate_points_at_values_or_the_enclosing_section() {
        let loaded = load::load(
            "t.yaml",
            b"authorizationPolicy:\n  allowInvitesFrom: everyone\n",
        );
        let root = loaded.document.root.as_ref();
        match locate(root, "authorizationPolicy.allowInvitesFrom") {
            Located::Declared(span) => assert_eq!(loaded.source.slice(span), "everyone"),
            Located::Missing { .. } => panic!("declared"),
        }
        match locate(root, "authorizationPolicy.guestUserRoleId") {
            Located::Missing { span, missing } => {
                assert_eq!(loaded.source.slice(span), "authorizationPolicy");
                assert_eq!(missing, "guestUserRoleId");
            }
            Located::Declared(_) => panic!("missing"),
        }
    }
}
