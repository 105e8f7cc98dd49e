//! Rules: loading rule files (built-in and the user's), compiling their CEL once, applying the
//! profile and the selection, and evaluating them over a tenant.

pub mod docs;
pub mod eval;
pub mod expr;
pub mod schema;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use cel::{Env, Program};
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, FileReport, Severity, SourceFile, Span};
use crate::embedded::{self, Embedded};
use crate::suggest;
use schema::{
    Collection, Enable, KindName, ProfileFile, RuleFile, RuleSetting, SeverityName, Switch,
};

/// The CEL environment every rule compiles and runs in: the standard library, strings and lists.
pub static ENV: LazyLock<Arc<Env>> = LazyLock::new(|| {
    let mut env = Env::stdlib();
    // The extensions are part of the crate; failing to add them is a build defect.
    let _ = env.add_extension(cel::extensions::strings);
    let _ = env.add_extension(cel::extensions::lists);
    Arc::new(env)
});

/// The variables a condition may use.
const VARIABLES: &[&str] = &["tenant", "params", "now", "item", "value"];

/// A rule ready to evaluate.
#[derive(Debug)]
pub struct Rule {
    pub file: RuleFile,
    pub name: String,
    /// Where the rule was read from (`rules/guests/guests-have-member-access.yaml`).
    pub origin: String,
    pub builtin: bool,
    /// The program run per tenant: the condition, or for collection rules the indexes of the
    /// items for which it holds.
    pub program: expr::Program,
    /// The condition on the fast path, when the evaluator's subset covers it (for collection
    /// rules: per item, with `item` bound).
    pub when: Option<expr::Compiled>,
    /// The message's pieces: see [`Rule::message`].
    message: std::sync::OnceLock<Vec<Piece>>,
    /// Where the frame stands after the condition and `at_template`, for a message compiled late.
    layout: expr::compile::FrameLayout,
    /// `at` when it is a template (`conditionalAccessPolicies[{…}].state`): the finding's place
    /// is worked out per tenant. Empty for a fixed `at`.
    pub at_template: Vec<Piece>,
    /// Severity and parameters after the profile and the configuration.
    pub severity: Severity,
    pub params: BTreeMap<String, serde_json::Value>,
    pub enabled: bool,
    /// The parameters as rule values, made on first use (after the profile and configuration).
    pub params_value: std::sync::OnceLock<expr::Val>,
    /// The controls under the run's profile, made on first use and shared by its findings.
    pub controls: std::sync::OnceLock<Arc<[String]>>,
    /// What a finding on an undeclared setting adds to the message, per tenant kind (workforce,
    /// external): the same for every tenant, so it is written once.
    pub undeclared_note: [std::sync::OnceLock<String>; 2],
    /// The help, trimmed, made on first use and shared by the findings.
    pub help: std::sync::OnceLock<Arc<str>>,
    /// The tenant sections the rule reads, when that is all it reads (worked out on first use):
    /// `None` inside when its outcome may depend on more.
    pub sections: std::sync::OnceLock<Option<Box<[String]>>>,
    /// The rule's outcome on a tenant whose `sections` hold Entra's defaults, per tenant kind.
    pub on_defaults: [std::sync::OnceLock<eval::Outcome>; 2],
}

/// A piece of a message template.
#[derive(Debug)]
pub enum Piece {
    Text(String),
    Expr(Box<expr::Program>),
}

impl Rule {
    /// The message template's pieces. A built-in rule's are compiled when first asked for: most
    /// rules find nothing in a given run, and compiling every message at start-up was about a
    /// fifth of the built-in rules' compiling. A user's rule's are compiled when it is loaded, so
    /// that their problems are reported then.
    pub fn message(&self) -> &[Piece] {
        self.message.get_or_init(|| {
            let mut pieces = builtin_template(&self.file.message.value);
            expr::compile::share_frame(&mut self.layout.clone(), placeholders(&mut pieces));
            pieces
        })
    }

    pub fn collection(&self) -> Option<Collection> {
        self.file.for_each
    }

    /// The names the rule had before it was renamed, in the order its file lists them.
    pub fn former_names(&self) -> impl Iterator<Item = &str> {
        self.file.renamed_from.iter().map(|n| n.value.as_str())
    }

    /// Whether `name` is the rule's name or one of its former names.
    pub fn answers_to(&self, name: &str) -> bool {
        self.name == name || self.former_names().any(|f| f == name)
    }

    /// How deeply the condition nests loops over collections (the rule's own `for` counts): the
    /// cost guard's estimate for a rule the CEL interpreter runs, which cannot count its steps.
    /// Only such a rule asks, so it is worked out then.
    pub fn loop_depth(&self) -> u32 {
        loop_depth(&self.file.when.value) + u32::from(self.file.for_each.is_some())
    }

    pub fn applies_to(&self, kind: crate::model::TenantKind) -> bool {
        let kind = match kind {
            crate::model::TenantKind::Workforce => KindName::Workforce,
            crate::model::TenantKind::External => KindName::External,
        };
        self.file.tenant_kinds.contains(&kind)
    }
}

pub fn severity(name: SeverityName) -> Severity {
    match name {
        SeverityName::Error => Severity::Error,
        SeverityName::Warning => Severity::Warning,
        SeverityName::Info => Severity::Info,
    }
}

/// A profile: which baseline's rules run, and how.
#[derive(Debug, Clone)]
pub struct Profile {
    pub file: ProfileFile,
}

impl Profile {
    /// The baselines whose control ids findings show.
    pub fn baselines(&self) -> Vec<&str> {
        if self.file.controls.is_empty() {
            schema::baselines().to_vec()
        } else {
            self.file.controls.iter().map(String::as_str).collect()
        }
    }
}

/// The rules of one run.
#[derive(Debug)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub profile: Profile,
}

/// How the user chose rules on the command line.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub profile: Option<String>,
    pub rule_dirs: Vec<PathBuf>,
    /// Only these rules (when not empty).
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Per-rule settings from the configuration, applied after the profile.
    pub settings: BTreeMap<String, RuleSetting>,
}

/// Problems with rules, profiles or the selection: rule-file diagnostics, or plain messages.
#[derive(Debug)]
pub enum LoadError {
    Files(Vec<FileReport>),
    Message(String),
}

impl RuleSet {
    pub fn load(selection: &Selection) -> Result<RuleSet, LoadError> {
        let mut reports = Vec::new();
        let builtin = builtin_rules();
        // The text of each user's rule file, for problems found across files (a former name
        // that is another rule's name) to point at their line.
        let mut texts: BTreeMap<String, String> = BTreeMap::new();
        let mut rules: Vec<Rule> = if builtin.iter().all(Result::is_ok) {
            // Collected in place: a rule is a large value, and moving each into a new vector
            // touched a quarter of a megabyte of fresh memory at every start.
            builtin.into_iter().filter_map(Result::ok).collect()
        } else {
            let mut rules = Vec::with_capacity(builtin.len());
            for result in builtin {
                match result {
                    Ok(rule) => rules.push(rule),
                    Err(report) => reports.push(report),
                }
            }
            rules
        };
        for dir in &selection.rule_dirs {
            // A rule folder's links may not lead out of its repository (or, outside one, out
            // of the folder): a rule file that does not compile is shown, and must not be
            // a link to the CI's environment or credentials.
            let root = crate::read::repository_root(dir)
                .or_else(|| dir.canonicalize().ok())
                .unwrap_or_else(|| dir.clone());
            for path in rule_files(dir).map_err(LoadError::Message)? {
                let shown = crate::escape::path(&path);
                let text = crate::read::read_text_inside(&path, crate::read::Kind::Rule, &root)
                    .map_err(|e| LoadError::Message(e.to_string()))?;
                match compile(&shown, &text, false) {
                    Ok(rule) => {
                        texts.insert(shown, text);
                        rules.push(rule);
                    }
                    Err(report) => reports.push(report),
                }
            }
        }
        check_names(&rules, &mut reports);
        check_former_names(&rules, &texts, &mut reports);
        if !reports.is_empty() {
            return Err(LoadError::Files(reports));
        }
        let profile = load_profile(selection.profile.as_deref().unwrap_or("recommended"))?;
        apply_profile(&mut rules, &profile)?;
        apply_settings(&mut rules, &selection.settings, "the configuration")?;
        apply_selection(&mut rules, selection)?;
        sort_by_name(&mut rules);
        Ok(RuleSet { rules, profile })
    }

    pub fn get(&self, name: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.name == name)
    }

    /// A rule by its name or by a name it had before it was renamed.
    pub fn find(&self, name: &str) -> Option<&Rule> {
        self.get(name).or_else(|| {
            self.rules
                .iter()
                .find(|r| r.former_names().any(|f| f == name))
        })
    }

    /// The name a rule goes by now, given its name or a former one.
    pub fn current_name(&self, name: &str) -> Option<&str> {
        self.find(name).map(|r| r.name.as_str())
    }

    pub fn enabled(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.enabled)
    }

    /// The control ids a finding of `rule` shows under this profile: `cisa MS.AAD.8.1v1`.
    pub fn controls(&self, rule: &Rule) -> Vec<String> {
        let mut out = Vec::new();
        for baseline in self.profile.baselines() {
            for id in rule.file.references.controls(baseline) {
                out.push(format!("{baseline} {id}"));
            }
        }
        out
    }
}

/// The built-in rules being compiled in the background (see [`prepare`]).
type Prepared = std::sync::mpsc::Receiver<Vec<Result<Rule, FileReport>>>;

static PREPARED: std::sync::Mutex<Option<Prepared>> = std::sync::Mutex::new(None);

/// Starts compiling the built-in rules on the thread pool, for the next [`RuleSet::load`] to take:
/// a command that checks calls it first thing, so that the compiling, which is most of a one-file
/// check's start-up, goes on while the command line and the configuration are read.
pub fn prepare() {
    let (send, receive) = std::sync::mpsc::channel();
    if let Ok(mut slot) = PREPARED.lock() {
        *slot = Some(receive);
        rayon::spawn(move || {
            // The receiver is gone only if nothing took the rules.
            let _ = send.send(compile_builtins());
        });
    }
}

/// Rules in name order. A rule is a large value, so the order is found on indexes and each rule
/// moved into place once, not moved about by the sort.
fn sort_by_name(rules: &mut Vec<Rule>) {
    if rules.is_sorted_by(|a, b| a.name <= b.name) {
        return;
    }
    let mut order: Vec<usize> = (0..rules.len()).collect();
    order.sort_by(|a, b| rules[*a].name.cmp(&rules[*b].name));
    let mut slots: Vec<Option<Rule>> = std::mem::take(rules).into_iter().map(Some).collect();
    rules.reserve_exact(slots.len());
    rules.extend(order.into_iter().filter_map(|at| slots[at].take()));
}

/// The built-in rules compiled: those [`prepare`] started, or compiled now.
fn builtin_rules() -> Vec<Result<Rule, FileReport>> {
    let prepared = PREPARED.lock().ok().and_then(|mut slot| slot.take());
    match prepared {
        // A worker of the pool waiting for a job of the same pool could wait for itself.
        Some(receive) if rayon::current_thread_index().is_none() => {
            receive.recv().unwrap_or_else(|_| compile_builtins())
        }
        _ => compile_builtins(),
    }
}

/// Compiling CEL dominates start-up, so built-in rules compile in parallel. They are compiled in
/// the order of their files' names, which are their names, so that the rule set needs no sorting.
fn compile_builtins() -> Vec<Result<Rule, FileReport>> {
    let mut builtin: Vec<&Embedded> = embedded::rules().collect();
    builtin.sort_by_cached_key(|file| {
        let name = file.path.rsplit('/').next().unwrap_or(file.path);
        name.strip_suffix(".yaml").unwrap_or(name)
    });
    builtin
        .par_iter()
        .map(|file| compile_builtin(file, false))
        .collect()
}

/// The names of the built-in profiles.
pub fn profile_names() -> Vec<String> {
    embedded::profiles()
        .map(|(name, _)| name.to_string())
        .collect()
}

fn load_profile(name: &str) -> Result<Profile, LoadError> {
    let Some((_, file)) = embedded::profiles().find(|(n, _)| *n == name) else {
        let names = profile_names();
        let near = suggest::closest(name, names.iter().map(String::as_str))
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        return Err(LoadError::Message(format!(
            "unknown profile `{name}`{near}; profiles: {}",
            names.join(", ")
        )));
    };
    let file: ProfileFile = crate::typed::from_embedded(file).map_err(LoadError::Message)?;
    for family in &file.controls {
        crate::catalogue::check_baseline(family)
            .map_err(|why| LoadError::Message(format!("profile `{name}`: {why}")))?;
    }
    Ok(Profile { file })
}

fn apply_profile(rules: &mut [Rule], profile: &Profile) -> Result<(), LoadError> {
    let baselines = profile.baselines();
    for rule in rules.iter_mut() {
        let referenced = baselines
            .iter()
            .any(|b| !rule.file.references.controls(b).is_empty());
        rule.enabled = rule.file.status == schema::Status::Stable
            && match profile.file.enable {
                Enable::All => true,
                Enable::Referenced => referenced,
            };
    }
    apply_settings(
        rules,
        &profile.file.rules,
        &format!("profile `{}`", profile.file.name),
    )
}

/// Turns rules on or off and sets their severities and parameters; `origin` names where the
/// settings come from, for errors.
fn apply_settings(
    rules: &mut [Rule],
    settings: &BTreeMap<String, RuleSetting>,
    origin: &str,
) -> Result<(), LoadError> {
    for (name, setting) in settings {
        let Some(rule) = find_mut(rules, name) else {
            return Err(LoadError::Message(format!(
                "{origin} names an unknown rule `{name}`"
            )));
        };
        match setting {
            RuleSetting::Switch(Switch::Off) => rule.enabled = false,
            RuleSetting::Switch(Switch::On) => rule.enabled = true,
            RuleSetting::Tuned(tuning) => {
                rule.enabled = true;
                if let Some(s) = tuning.severity {
                    rule.severity = severity(s);
                }
                for (key, value) in &tuning.params {
                    if !rule.params.contains_key(key) {
                        return Err(LoadError::Message(format!(
                            "{origin} sets an unknown parameter `{key}` of rule `{name}`"
                        )));
                    }
                    rule.params.insert(key.clone(), value.clone());
                }
            }
        }
    }
    Ok(())
}

/// The rule named `name`, or renamed from it.
fn find_mut<'r>(rules: &'r mut [Rule], name: &str) -> Option<&'r mut Rule> {
    match rules.iter().position(|r| r.name == name) {
        Some(i) => rules.get_mut(i),
        None => rules.iter_mut().find(|r| r.answers_to(name)),
    }
}

fn apply_selection(rules: &mut [Rule], selection: &Selection) -> Result<(), LoadError> {
    let names: Vec<String> = rules.iter().map(|r| r.name.clone()).collect();
    for name in selection.select.iter().chain(&selection.ignore) {
        if !rules.iter().any(|r| r.answers_to(name)) {
            let near = suggest::closest(name, names.iter().map(String::as_str))
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            return Err(LoadError::Message(format!("unknown rule `{name}`{near}")));
        }
    }
    for rule in rules.iter_mut() {
        if !selection.select.is_empty() {
            rule.enabled = selection.select.iter().any(|n| rule.answers_to(n));
        }
        if selection.ignore.iter().any(|n| rule.answers_to(n)) {
            rule.enabled = false;
        }
    }
    Ok(())
}

/// Every `.yaml` file under a user's rule folder, in a stable order.
fn rule_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| {
            format!(
                "{}: cannot read the rule folder: {e}",
                crate::escape::path(&dir)
            )
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            // Links to folders are not followed (no loops, no walking the whole disk); links
            // to files are read, inside the repository only.
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn check_names(rules: &[Rule], reports: &mut Vec<FileReport>) {
    for (i, rule) in rules.iter().enumerate() {
        if let Some(first) = rules[..i].iter().find(|r| r.name == rule.name) {
            let source = SourceFile::new(&rule.origin, String::new());
            let what = if first.builtin {
                "a built-in rule"
            } else {
                "another rule"
            };
            reports.push(FileReport {
                source,
                diagnostics: vec![
                    Diagnostic::error(
                        "duplicate-rule-name",
                        Span::default(),
                        format!(
                            "rule `{}` reuses the name of {what} ({})",
                            rule.name, first.origin
                        ),
                    )
                    .with_help("give the rule a name of its own"),
                ],
            });
        }
    }
}

/// A former name stays the rule's: it may not be another rule's name, nor another rule's former
/// name, or a suppression naming it would not know which rule it meant. The problem is reported
/// in the user's rule file, at the former name or at the name that takes it.
fn check_former_names(
    rules: &[Rule],
    texts: &BTreeMap<String, String>,
    reports: &mut Vec<FileReport>,
) {
    let source = |rule: &Rule| {
        SourceFile::new(
            &rule.origin,
            texts.get(&rule.origin).cloned().unwrap_or_default(),
        )
    };
    let which = |rule: &Rule| {
        if rule.builtin {
            format!("the built-in rule `{}`", rule.name)
        } else {
            format!("the rule `{}` ({})", rule.name, rule.origin)
        }
    };
    for (i, rule) in rules.iter().enumerate() {
        for former in &rule.file.renamed_from {
            let name = former.value.as_str();
            let current = rules
                .iter()
                .enumerate()
                .find(|(j, r)| *j != i && r.name == name);
            let earlier = rules[..i]
                .iter()
                .find(|r| r.former_names().any(|f| f == name));
            let (message, label, help) = match (current, earlier) {
                // A user's rule that takes a built-in rule's former name: the name is the problem.
                (Some((_, other)), _) if rule.builtin && !other.builtin => {
                    let source = source(other);
                    let at = located_value(&source, &other.file.name);
                    let diagnostic = Diagnostic::error(
                        "duplicate-rule-name",
                        at,
                        format!(
                            "rule `{name}` reuses a former name of {}, which `{name}` still names in suppressions and baselines",
                            which(rule)
                        ),
                    )
                    .with_label("a former name of another rule")
                    .with_help("give the rule a name of its own");
                    reports.push(FileReport {
                        source,
                        diagnostics: vec![diagnostic],
                    });
                    continue;
                }
                (Some((_, other)), _) => (
                    format!(
                        "`{name}` in `renamedFrom` is the name of {}; a former name may not be a current rule's name",
                        which(other)
                    ),
                    "another rule's name",
                    format!("remove `{name}` from `renamedFrom`, or rename `{name}` first"),
                ),
                (None, Some(other)) => (
                    format!(
                        "`{name}` in `renamedFrom` is already a former name of {}; a former name leads to one rule",
                        which(other)
                    ),
                    "another rule's former name",
                    format!("keep `{name}` in one rule's `renamedFrom`"),
                ),
                (None, None) => continue,
            };
            let source = source(rule);
            let at = located_value(&source, former);
            reports.push(FileReport {
                diagnostics: vec![
                    Diagnostic::error("duplicate-rule-name", at, message)
                        .with_label(label)
                        .with_help(help),
                ],
                source,
            });
        }
    }
}

/// Reads and compiles one rule file; every problem is a diagnostic inside that file.
pub fn compile(origin: &str, text: &str, builtin: bool) -> Result<Rule, FileReport> {
    compile_text(origin, text, false, builtin)
}

/// Compiles a built-in rule. With `strict`, its conditions also go through the `cel` crate's
/// parser, as a user's rules do (the tests check every built-in rule so).
fn compile_builtin(file: &Embedded, strict: bool) -> Result<Rule, FileReport> {
    let mut rule = compile_text(file.path, file.text, file.json, !strict)?;
    rule.file.docs = file.docs;
    Ok(rule)
}

/// A rule file as a source for diagnostics, made on first use: most files have none to report.
type Source<'a> = &'a dyn Fn() -> &'a Arc<SourceFile>;

fn compile_text(origin: &str, text: &str, json: bool, builtin: bool) -> Result<Rule, FileReport> {
    // The rule file as a source for diagnostics, made only when there is one to report.
    let made = std::cell::OnceCell::new();
    let source = || made.get_or_init(|| SourceFile::new(origin, text.to_string()));
    let fail = |diagnostics: Vec<Diagnostic>| FileReport {
        source: source().clone(),
        diagnostics,
    };
    let read = read_rule_file(text, json, source);
    let file: RuleFile = match read {
        Ok(file) => file,
        Err((at, message)) => {
            return Err(fail(vec![
                Diagnostic::error(
                    "invalid-rule",
                    Span::new(at, at),
                    format!("invalid rule file: {message}"),
                )
                .with_label("here"),
            ]));
        }
    };
    let mut problems = Vec::new();
    let name = file.name.value.clone();
    check_name(origin, &source, &file.name, &mut problems);
    check_since(&source, file.since.as_ref(), &mut problems);
    check_renamed_from(&source, &file, &mut problems);
    let allowed: Vec<&str> = if file.for_each.is_some() {
        VARIABLES.to_vec()
    } else {
        VARIABLES.iter().copied().filter(|v| *v != "item").collect()
    };
    // Built-in rules are checked by the tests, so when the fast parser reads a condition the
    // `cel` crate's slower parse is skipped; custom rules always go through it for diagnostics.
    let parsed = if builtin {
        expr::parse::parse(&file.when.value)
    } else {
        None
    };
    let when = match parsed {
        Some(fast) => Ok(Ok(fast)),
        None => compile_expr(
            &source,
            &file.when,
            &file.when.value,
            &allowed,
            &mut problems,
        )
        .map(Err)
        .ok_or(()),
    };
    // A built-in rule's message is compiled when first needed (see `Rule::message`).
    let mut message =
        (!builtin).then(|| compile_message(&source, &file.message, &allowed, &mut problems));
    let mut at_template = match file.at.as_deref() {
        Some(at) if at.contains('{') => builtin_template(at),
        _ => Vec::new(),
    };
    let condition = &file.when.value;
    let interpreted = match file.for_each {
        None => condition.clone(),
        Some(c) => format!(
            "tenant.{}.filter(item, {condition}).map(item, item._index)",
            c.key()
        ),
    };
    let (mut fast, program) = match when {
        // The whole-tenant program is for the CEL interpreter, which built-in rules reach only
        // when checked against it: it is parsed on first use.
        Ok(Ok(fast)) => (Some(fast), Some(expr::Program::interpreted(&interpreted))),
        Ok(Err(cel_when)) => {
            let fast = expr::parse::parse(condition)
                .or_else(|| expr::compile::compile(cel_when.expression()));
            let program = ENV
                .compile(&interpreted)
                .ok()
                .map(|p| expr::Program::with_cel(&interpreted, p));
            (fast, program)
        }
        Err(()) => (None, None),
    };
    // The condition first, then the place, then the message, which may be compiled later.
    let mut layout = expr::compile::FrameLayout::for_templates([
        file.message.value.as_str(),
        file.at.as_deref().unwrap_or_default(),
    ]);
    expr::compile::share_frame(
        &mut layout,
        fast.iter_mut().chain(placeholders(&mut at_template)),
    );
    if let Some(message) = &mut message {
        expr::compile::share_frame(&mut layout, placeholders(message));
    }
    match program {
        Some(program) if problems.is_empty() => Ok(Rule {
            severity: severity(file.severity),
            params: file.parameters.clone(),
            name,
            origin: origin.to_string(),
            builtin,
            program,
            when: fast,
            message: message.map_or_else(std::sync::OnceLock::new, std::sync::OnceLock::from),
            layout,
            at_template,
            enabled: true,
            params_value: std::sync::OnceLock::new(),
            controls: std::sync::OnceLock::new(),
            undeclared_note: Default::default(),
            help: std::sync::OnceLock::new(),
            sections: std::sync::OnceLock::new(),
            on_defaults: Default::default(),
            file,
        }),
        _ => Err(fail(problems)),
    }
}

/// A template whose placeholders are compiled without the `cel` crate's diagnostics: a built-in
/// rule's message (the tests check those), and any rule's templated place.
fn builtin_template(template: &str) -> Vec<Piece> {
    split_template(template)
        .into_iter()
        .map(|piece| match piece {
            Err(text) => Piece::Text(text),
            Ok(expr) => Piece::Expr(Box::new(expr::Program::parse(&expr))),
        })
        .collect()
}

/// The placeholders of a template that the fast evaluator runs.
fn placeholders(pieces: &mut [Piece]) -> impl Iterator<Item = &mut expr::Compiled> {
    pieces.iter_mut().filter_map(|piece| match piece {
        Piece::Expr(program) => program.fast.as_mut(),
        Piece::Text(_) => None,
    })
}

/// The rule file's fields, or where and why they could not be read.
fn read_rule_file<'s>(
    text: &str,
    json: bool,
    source: impl Fn() -> &'s Arc<SourceFile>,
) -> Result<RuleFile, (usize, String)> {
    if json {
        // A built-in file that converted at build time: an error here is a defect the tests
        // catch, reported at the top of the file.
        serde_json::from_str(text).map_err(|e| (0, e.to_string()))
    } else {
        crate::typed::from_str(text).map_err(|err| {
            let at = err
                .location()
                .map(|l| offset_of(source(), l.line() as usize, l.column() as usize))
                .unwrap_or_default();
            (
                at,
                first_line(&err.without_snippet().to_string()).to_string(),
            )
        })
    }
}

/// A rule's name must be kebab-case and match its file's name.
fn check_name(
    origin: &str,
    source: Source,
    name: &serde_saphyr::Spanned<String>,
    problems: &mut Vec<Diagnostic>,
) {
    let name_at = || located(source(), name);
    let name = &name.value;
    if !is_kebab(name) {
        problems.push(
            Diagnostic::error("invalid-rule", name_at(), format!("rule name `{name}` is not kebab-case"))
                .with_label("not kebab-case")
                .with_help("name the bad pattern in lower-case words joined by hyphens: `users-can-register-apps`"),
        );
    }
    let stem = Path::new(origin)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if stem != name {
        problems.push(
            Diagnostic::error(
                "invalid-rule",
                name_at(),
                format!("the rule `{name}` is in a file named `{stem}`"),
            )
            .with_label("does not match the file name")
            .with_help(format!("name the file `{name}.yaml`")),
        );
    }
}

/// `since` is the entralint version that introduced the rule: `MAJOR.MINOR.PATCH`.
fn check_since(
    source: Source,
    since: Option<&serde_saphyr::Spanned<String>>,
    problems: &mut Vec<Diagnostic>,
) {
    let Some(since) = since else {
        return;
    };
    if !is_version(&since.value) {
        problems.push(
            Diagnostic::error(
                "invalid-rule",
                located_value(source(), since),
                format!(
                    "`since: {}` is not a version `MAJOR.MINOR.PATCH`",
                    crate::escape::text(&since.value)
                ),
            )
            .with_label("not MAJOR.MINOR.PATCH")
            .with_help(format!(
                "write the entralint version that introduced the rule, quoted: `since: \"{}\"`",
                env!("CARGO_PKG_VERSION")
            )),
        );
    }
}

/// Three numbers without leading zeros, joined by dots: `0.1.0`.
fn is_version(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}

/// Each former name is a rule name, other than the rule's own, listed once.
fn check_renamed_from(source: Source, file: &RuleFile, problems: &mut Vec<Diagnostic>) {
    for (i, former) in file.renamed_from.iter().enumerate() {
        let name = &former.value;
        let at = || located_value(source(), former);
        if !is_kebab(name) {
            problems.push(
                Diagnostic::error(
                    "invalid-rule",
                    at(),
                    format!(
                        "`{}` in `renamedFrom` is not a rule name (kebab-case)",
                        crate::escape::text(name)
                    ),
                )
                .with_label("not kebab-case")
                .with_help("former names are rule names: lower-case words joined by hyphens, as the rule was called"),
            );
        } else if *name == file.name.value {
            problems.push(
                Diagnostic::error(
                    "invalid-rule",
                    at(),
                    format!("`{name}` in `renamedFrom` is the rule's own name"),
                )
                .with_label("the current name")
                .with_help("list only the names the rule had before"),
            );
        } else if file.renamed_from[..i].iter().any(|f| f.value == *name) {
            problems.push(
                Diagnostic::error(
                    "invalid-rule",
                    at(),
                    format!("`{name}` is listed twice in `renamedFrom`"),
                )
                .with_label("listed before")
                .with_help("list each former name once"),
            );
        }
    }
}

/// The message template: text, and placeholders compiled as expressions.
fn compile_message(
    source: Source,
    template: &serde_saphyr::Spanned<String>,
    allowed: &[&str],
    problems: &mut Vec<Diagnostic>,
) -> Vec<Piece> {
    let mut message = Vec::new();
    for piece in split_template(&template.value) {
        match piece {
            Err(text) => message.push(Piece::Text(text)),
            Ok(expr) => {
                if let Some(program) = compile_expr(source, template, &expr, allowed, problems) {
                    message.push(Piece::Expr(Box::new(expr::Program::with_cel(
                        &expr, program,
                    ))));
                }
            }
        }
    }
    if let Some(unclosed) = template
        .value
        .matches('{')
        .count()
        .checked_sub(template.value.matches('}').count())
        && unclosed > 0
    {
        problems.push(
            Diagnostic::error(
                "invalid-rule",
                located(source(), template),
                "a `{` in the message is never closed",
            )
            .with_label("in this message"),
        );
    }
    message
}

/// The deepest nesting of comprehensions (`all`, `exists`, `exists_one`, `map`, `filter`) in an
/// expression, read from its text: each multiplies the work by a collection's size.
pub fn loop_depth(expr: &str) -> u32 {
    // Every character that matters is ASCII, so bytes will do: a byte of a multi-byte
    // character never equals one.
    const LOOPS: [&[u8]; 5] = [b".all", b".exists", b".exists_one", b".map", b".filter"];
    let bytes = expr.as_bytes();
    let mut stack: Vec<bool> = Vec::new();
    let (mut depth, mut deepest) = (0u32, 0u32);
    let mut quote: Option<u8> = None;
    for (i, &c) in bytes.iter().enumerate() {
        if let Some(q) = quote {
            if c == q && (i == 0 || bytes[i - 1] != b'\\') {
                quote = None;
            }
            continue;
        }
        match c {
            b'\'' | b'"' => quote = Some(c),
            b'(' => {
                let is_loop = LOOPS.iter().any(|m| bytes[..i].ends_with(m));
                if is_loop {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                stack.push(is_loop);
            }
            b')' if stack.pop() == Some(true) => depth -= 1,
            _ => {}
        }
    }
    deepest
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Byte offset of a 1-based line and column.
fn offset_of(source: &SourceFile, line: usize, column: usize) -> usize {
    let Some(span) = source.line_span(line) else {
        return source.text.len();
    };
    let text = source.slice(span);
    let within: usize = text
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    span.start as usize + within
}

/// The span of a deserialised scalar in its file.
fn located<T>(source: &SourceFile, value: &serde_saphyr::Spanned<T>) -> Span {
    let at = offset_of(
        source,
        value.referenced.line() as usize,
        value.referenced.column() as usize,
    );
    let end = source.text[at..]
        .find(['\n', '\r'])
        .map_or(source.text.len(), |n| at + n);
    Span::new(at, end)
}

/// The span of a deserialised scalar in its file: the scalar itself when the text there spells it
/// (in a flow list, `[a, b]`, the first name rather than the rest of the line), else to the end
/// of its line.
fn located_value(source: &SourceFile, value: &serde_saphyr::Spanned<String>) -> Span {
    let line = located(source, value);
    let text = source.slice(line);
    let written = [
        value.value.clone(),
        format!("\"{}\"", value.value),
        format!("'{}'", value.value),
    ];
    match written
        .iter()
        .find(|w| !w.is_empty() && text.starts_with(w.as_str()))
    {
        Some(w) => Span::new(line.start as usize, line.start as usize + w.len()),
        None => line,
    }
}

/// Compiles one CEL expression taken from `scalar`, reporting parse errors and unknown variables
/// at their line and column in the rule file.
fn compile_expr(
    source: Source,
    scalar: &serde_saphyr::Spanned<String>,
    expr: &str,
    variables: &[&str],
    problems: &mut Vec<Diagnostic>,
) -> Option<Program> {
    match ENV.compile(expr) {
        Ok(program) => {
            let references = program.references();
            let bound = bound_variables(expr);
            for variable in references.variables() {
                if !variables.contains(&variable) && !bound.iter().any(|b| b == variable) {
                    let at = position_in_file(source(), scalar, expr, find_word(expr, variable));
                    let near = suggest::closest(variable, variables.iter().copied())
                        .map(|n| format!("did you mean `{n}`? "))
                        .unwrap_or_default();
                    problems.push(
                        Diagnostic::error(
                            "invalid-rule",
                            at,
                            format!("unknown variable `{variable}` in a CEL expression"),
                        )
                        .with_label("not defined")
                        .with_help(format!(
                            "{near}conditions can use: {}",
                            variables.join(", ")
                        )),
                    );
                }
            }
            Some(program)
        }
        Err(errors) => {
            for error in errors.errors {
                let (line, column) = (error.pos.0.max(1) as usize, error.pos.1.max(0) as usize);
                let at = position_in_file(source(), scalar, expr, (line, column));
                problems.push(
                    Diagnostic::error(
                        "invalid-rule",
                        at,
                        format!("CEL syntax error: {}", error.msg),
                    )
                    .with_label("here")
                    .with_help("see https://cel.dev for the expression language"),
                );
            }
            None
        }
    }
}

/// The iteration variables that macros bind: `list.exists(x, …)` binds `x`.
fn bound_variables(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    for mac in ["all(", "exists(", "exists_one(", "map(", "filter("] {
        for (at, _) in expr.match_indices(mac) {
            if !expr[..at].ends_with('.') {
                continue;
            }
            let rest = &expr[at + mac.len()..];
            if let Some((name, _)) = rest.split_once(',') {
                let name = name.trim();
                if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    out.push(name.to_string());
                }
            }
        }
    }
    out
}

/// 1-based line and 0-based column of a word's first whole-word occurrence in an expression.
fn find_word(expr: &str, word: &str) -> (usize, usize) {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    for (i, line) in expr.lines().enumerate() {
        for (col, _) in line.match_indices(word) {
            let before = line[..col].chars().next_back();
            let after = line[col + word.len()..].chars().next();
            if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) {
                return (i + 1, line[..col].chars().count());
            }
        }
    }
    (1, 0)
}

/// Maps a position inside an expression to the rule file: the expression's line is looked up in
/// the file from where its scalar starts (block scalars drop indentation, so lines are found, not
/// computed). Falls back to the scalar's start.
fn position_in_file(
    source: &SourceFile,
    scalar: &serde_saphyr::Spanned<String>,
    expr: &str,
    (line, column): (usize, usize),
) -> Span {
    let start = offset_of(
        source,
        scalar.referenced.line() as usize,
        scalar.referenced.column() as usize,
    );
    let Some(text) = expr.lines().nth(line.saturating_sub(1)) else {
        return Span::new(start, start);
    };
    let found = if text.trim().is_empty() {
        None
    } else {
        source.text[start..].find(text).map(|i| start + i)
    };
    match found {
        Some(line_start) => {
            let at = line_start + text.chars().take(column).map(char::len_utf8).sum::<usize>();
            let end = at
                + text[text
                    .char_indices()
                    .nth(column)
                    .map_or(text.len(), |(i, _)| i)..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(0)
                    .max(1);
            Span::new(at, end.min(line_start + text.len()))
        }
        None => Span::new(start, start),
    }
}

/// Splits `text {expr} text` into text (Err) and expressions (Ok).
fn split_template(template: &str) -> Vec<Result<String, String>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            out.push(Err(rest[..open].to_string()));
        }
        out.push(Ok(rest[open + 1..open + close].trim().to_string()));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        out.push(Err(rest.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_text_and_expressions() {
        let pieces = split_template("has {count} admins; limit {params.max}");
        assert_eq!(
            pieces,
            vec![
                Err("has ".to_string()),
                Ok("count".to_string()),
                Err(" admins; limit ".to_string()),
                Ok("params.max".to_string()),
            ]
        );
    }

    #[test]
    fn loop_depth_counts_nested_comprehensions() {
        assert_eq!(loop_depth("tenant.x == 'a'"), 0);
        assert_eq!(loop_depth("tenant.users.exists(u, u.id == 'x.all(')"), 1);
        assert_eq!(loop_depth("a.filter(x, x.b.exists(y, y > 1)).map(x, x)"), 2);
    }

    #[test]
    fn versions_are_three_numbers() {
        for good in ["0.1.0", "1.0.0", "10.20.300"] {
            assert!(is_version(good), "{good}");
        }
        for bad in [
            "",
            "1",
            "1.0",
            "1.0.0.0",
            "v1.0.0",
            "01.0.0",
            "1.0.0-beta",
            "1..0",
            "1.0.x",
        ] {
            assert!(!is_version(bad), "{bad}");
        }
    }

    fn rule_text(name: &str, renamed_from: &str) -> String {
        format!(
            "name: {name}\nrenamedFrom: {renamed_from}\nsummary: s\nseverity: info\nwhen: \"false\"\nmessage: m\nhelp: h\ndescription: d\nexamples: {{}}\n"
        )
    }

    #[test]
    /// A user's rule may not take a name a built-in rule had: the error is at its `name`.
    fn a_builtin_rules_former_name_is_not_free_for_a_users_rule() {
        let builtin = rule_text("new-name", "[old-name]");
        let custom = rule_text("old-name", "[]");
        let rules = vec![
            compile("rules/x/new-name.yaml", &builtin, true).unwrap(),
            compile("mine/old-name.yaml", &custom, false).unwrap(),
        ];
        let texts = BTreeMap::from([("mine/old-name.yaml".to_string(), custom.clone())]);
        let mut reports = Vec::new();
        check_former_names(&rules, &texts, &mut reports);
        assert_eq!(reports.len(), 1, "{reports:?}");
        let report = &reports[0];
        assert_eq!(report.source.name, "mine/old-name.yaml");
        let d = &report.diagnostics[0];
        assert_eq!(d.code, "duplicate-rule-name");
        assert_eq!(
            d.message,
            "rule `old-name` reuses a former name of the built-in rule `new-name`, which `old-name` still names in suppressions and baselines"
        );
        let at = report.source.line_col(d.span.start);
        assert_eq!((at.line, report.source.slice(d.span)), (1, "old-name"));
    }

    #[test]
    fn rules_sort_by_name() {
        let names = ["c-rule", "a-rule", "d-rule", "b-rule"];
        let mut rules: Vec<Rule> = names
            .iter()
            .map(|name| compile(&format!("mine/{name}.yaml"), &rule_text(name, "[]"), false))
            .collect::<Result<_, _>>()
            .unwrap();
        sort_by_name(&mut rules);
        let sorted: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(sorted, ["a-rule", "b-rule", "c-rule", "d-rule"]);
        sort_by_name(&mut rules);
        assert_eq!(rules.len(), names.len());
        assert_eq!(rules[0].origin, "mine/a-rule.yaml");
    }

    #[test]
    fn kebab_case_names() {
        assert!(is_kebab("users-can-register-apps"));
        assert!(!is_kebab("UsersCanRegister"));
        assert!(!is_kebab("users--x"));
    }

    #[test]
    /// Built-in rules are checked as strictly as a user's: every message placeholder compiles.
    fn every_builtin_rule_compiles() {
        for file in embedded::rules() {
            if let Err(report) = compile_builtin(file, true) {
                panic!("{}: {:?}", file.path, report.diagnostics);
            }
        }
    }

    #[test]
    fn every_builtin_profile_loads() {
        for name in profile_names() {
            load_profile(&name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        }
    }
}
