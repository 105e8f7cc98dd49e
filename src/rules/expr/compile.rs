//! Parsed CEL to the fast evaluator's form: variables resolved to slots, functions to an enum,
//! macros' list building to in-place appends. Anything outside the subset returns None and the
//! rule runs on the CEL interpreter instead.

use std::sync::Arc;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

use cel::common::ast::{EntryExpr, Expr as Ast, IdedExpr, LiteralValue, operators as op};

use super::{Key, Val};

/// The variables every condition may name, in slot order.
pub const GLOBALS: &[&str] = &["tenant", "params", "now", "item", "value"];

#[derive(Debug)]
pub enum Expr {
    Const(Val),
    Slot(usize),
    Select(Box<Expr>, Field),
    Has(Box<Expr>, Key),
    Index(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    NotStrictlyFalse(Box<Expr>),
    List(Vec<Expr>),
    Map(Vec<(Expr, Expr)>),
    Call(Func, Vec<Expr>),
    Loop(Box<Loop>),
    /// A loop-invariant sub-expression, computed once per entry to the comprehension that resets
    /// it (see [`super::hoist`]).
    Memo(usize, Box<Expr>),
}

/// A field selected by name, with where it was last found: the items of a collection share one
/// key layout, so a lookup usually hits at the remembered position without a scan.
#[derive(Debug)]
pub struct Field {
    pub key: Key,
    // Shared by every thread that runs the rule; a stale position only costs a scan.
    hint: AtomicUsize,
    /// The model's static name the key last matched: the same address (and length) is the same
    /// name, so a hit needs no byte comparison. Only static names are remembered, since a freed
    /// name's address may come back holding other text.
    seen: AtomicPtr<u8>,
}

impl Field {
    pub fn new(key: Key) -> Field {
        Field {
            key,
            hint: AtomicUsize::new(0),
            seen: AtomicPtr::new(std::ptr::null_mut()),
        }
    }

    /// The value under this field's key in a mapping's fields.
    pub fn find<'v>(&self, fields: &'v [(Key, Val)]) -> Option<&'v Val> {
        let key = self.key.as_str();
        if let Some((Key::Static(k), v)) = fields.get(self.hint.load(Ordering::Relaxed))
            && k.len() == key.len()
            && std::ptr::eq(k.as_ptr(), self.seen.load(Ordering::Relaxed))
        {
            return Some(v);
        }
        let at = fields.iter().position(|(k, _)| k.as_str() == key)?;
        self.hint.store(at, Ordering::Relaxed);
        if let Key::Static(k) = &fields[at].0 {
            self.seen.store(k.as_ptr().cast_mut(), Ordering::Relaxed);
        }
        Some(&fields[at].1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    In,
}

/// A comprehension (what `exists`, `all`, `exists_one`, `map` and `filter` expand to).
#[derive(Debug)]
pub struct Loop {
    pub range: Expr,
    pub var: usize,
    pub accu: usize,
    pub init: Expr,
    pub cond: Expr,
    pub step: Step,
    pub result: Expr,
    /// The memos to forget on entry: the invariant sub-expressions hoisted to this loop.
    pub resets: Vec<usize>,
}

#[derive(Debug)]
pub enum Step {
    Expr(Expr),
    /// `accu + [elem]`: the list grows in place instead of being copied each time.
    Append(Expr),
    /// `keep ? accu + [elem] : accu`.
    AppendIf(Expr, Expr),
    /// `exists`: `accu || pred`, stopping once the accumulator is true.
    Any(Expr),
    /// `all`: `accu && pred`, stopping once the accumulator is false.
    All(Expr),
}

impl Step {
    /// The step's expressions, in evaluation order.
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        let (first, second) = match self {
            Step::Expr(e) | Step::Append(e) | Step::Any(e) | Step::All(e) => (e, None),
            Step::AppendIf(keep, e) => (keep, Some(e)),
        };
        std::iter::once(first).chain(second)
    }

    /// [`Step::exprs`], to rewrite them.
    pub fn exprs_mut(&mut self) -> impl Iterator<Item = &mut Expr> {
        let (first, second) = match self {
            Step::Expr(e) | Step::Append(e) | Step::Any(e) | Step::All(e) => (e, None),
            Step::AppendIf(keep, e) => (keep, Some(e)),
        };
        std::iter::once(first).chain(second)
    }
}

/// The functions the fast evaluator knows; a receiver comes first among the arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Size,
    Contains,
    StartsWith,
    EndsWith,
    Matches,
    LowerAscii,
    UpperAscii,
    Trim,
    Join,
    Slice,
    String,
    Int,
    Timestamp,
    Duration,
    Min,
    Max,
    Days,
    Principal,
    Members,
    GroupsOf,
    IsBreakGlass,
    Declared,
    Expand,
    Role,
    GraphPermission,
    FirstIndex,
    AssignmentsOf,
    AssignmentsReaching,
}

impl Func {
    pub(super) fn find(name: &str, receiver: bool, arity: usize) -> Option<Func> {
        // `arity` counts the receiver.
        let f = match (name, receiver, arity) {
            ("size", _, 1) => Func::Size,
            ("contains", true, 2) => Func::Contains,
            ("startsWith", true, 2) => Func::StartsWith,
            ("endsWith", true, 2) => Func::EndsWith,
            ("matches", _, 2) => Func::Matches,
            ("lowerAscii", true, 1) => Func::LowerAscii,
            ("upperAscii", true, 1) => Func::UpperAscii,
            ("trim", true, 1) => Func::Trim,
            ("join", true, 1 | 2) => Func::Join,
            ("slice", true, 3) => Func::Slice,
            ("string", false, 1) => Func::String,
            ("int", false, 1) => Func::Int,
            ("timestamp", false, 1) => Func::Timestamp,
            ("duration", false, 1) => Func::Duration,
            ("min", false, 1..) => Func::Min,
            ("max", false, 1..) => Func::Max,
            ("days", false, 1) => Func::Days,
            ("principal", false, 1) => Func::Principal,
            ("members", false, 1) => Func::Members,
            ("groupsOf", false, 1) => Func::GroupsOf,
            ("isBreakGlass", false, 1) => Func::IsBreakGlass,
            ("declared", false, 1) => Func::Declared,
            ("expand", false, 1) => Func::Expand,
            ("role", false, 1) => Func::Role,
            ("graphPermission", false, 1) => Func::GraphPermission,
            ("firstIndex", false, 2) => Func::FirstIndex,
            ("assignmentsOf", false, 1) => Func::AssignmentsOf,
            ("assignmentsReaching", false, 1) => Func::AssignmentsReaching,
            _ => return None,
        };
        Some(f)
    }
}

/// A compiled expression and the number of variable slots it needs.
#[derive(Debug)]
pub struct Compiled {
    pub expr: Expr,
    pub slots: usize,
    /// How many memos the expression uses.
    pub memos: usize,
    /// The memos that may be kept from one item of a collection to the next.
    pub per_run: Vec<usize>,
}

impl Compiled {
    /// A compiled expression, with its loop-invariant sub-expressions marked.
    pub fn new(mut expr: Expr, slots: usize) -> Compiled {
        specialise(&mut expr);
        let hoisted = super::hoist::hoist(&mut expr);
        Compiled {
            expr,
            slots,
            memos: hoisted.memos,
            per_run: hoisted.per_run,
        }
    }
}

/// Gives a rule's programs disjoint memos so that they share one frame: each program's after
/// those before it. A placeholder's loop-invariant values (a list made from the whole tenant)
/// are then computed once per rule and tenant, not once per finding; and one that reads only the
/// tenant, the parameters and the time, written the same in the condition and a placeholder
/// (`expand(tenant.roleAssignments.filter(…).map(…))`), is one memo. `layout` is where the frame
/// stands after the programs already placed, so that programs compiled later join the same frame.
pub fn share_frame<'a>(layout: &mut FrameLayout, programs: impl Iterator<Item = &'a mut Compiled>) {
    for compiled in programs {
        if layout.base > 0 {
            shift_memos(&mut compiled.expr, layout.base);
            compiled.per_run.iter_mut().for_each(|m| *m += layout.base);
            compiled.memos += layout.base;
        }
        layout.base = compiled.memos;
        // Only per-run memos are shared: a program without one has nothing to walk for.
        if !compiled.per_run.is_empty() {
            // A program that is one memo whole (a tenant rule's condition) may hold what a
            // placeholder computes in part; a memo inside a program is already what a placeholder
            // shares.
            let whole = matches!(compiled.expr, Expr::Memo(..)) && layout.comprehensions;
            share_memos(&mut compiled.expr, &compiled.per_run, layout, whole);
            compiled.memos = layout.base;
        }
    }
}

/// A rule's frame after some of its programs were placed in it (see [`share_frame`]): the memos
/// they take, and the memo of each loop-invariant body they compute.
#[derive(Debug, Clone, Default)]
pub struct FrameLayout {
    base: usize,
    shared: std::collections::HashMap<String, usize>,
    /// Whether the comprehensions inside memos are shared too: only when a later program may
    /// repeat one, since finding them costs a walk of each memo at compile time.
    comprehensions: bool,
}

impl FrameLayout {
    /// The layout of a rule whose message or place is `templates`: its comprehensions inside
    /// memos are shared when a placeholder there calls a comprehension macro.
    pub fn for_templates<'t>(templates: impl IntoIterator<Item = &'t str>) -> FrameLayout {
        const MACROS: [&str; 5] = [".map(", ".filter(", ".exists(", ".all(", ".exists_one("];
        FrameLayout {
            comprehensions: templates
                .into_iter()
                .any(|text| text.contains('{') && MACROS.iter().any(|m| text.contains(m))),
            ..FrameLayout::default()
        }
    }
}

/// Points each memo of `per_run` at the first memo of the rule with the same body. When the memo
/// is the `whole` program and met for the first time, the comprehensions inside it that read only
/// the run are shared too, each under a memo of its own: a placeholder's `size(LIST)` then reuses
/// the LIST the condition `size(LIST) > 0` made (a tenant rule's condition is one memo whole).
fn share_memos(expr: &mut Expr, per_run: &[usize], layout: &mut FrameLayout, whole: bool) {
    match expr {
        Expr::Memo(memo, body) if per_run.contains(memo) => {
            let mut key = String::new();
            spell(body, &mut key);
            match layout.shared.get(&key) {
                Some(known) => *memo = *known,
                None => {
                    layout.shared.insert(key, *memo);
                    if whole {
                        share_comprehensions(body, layout);
                    }
                }
            }
        }
        Expr::Loop(l) => {
            for part in [&mut l.range, &mut l.init, &mut l.cond, &mut l.result] {
                share_memos(part, per_run, layout, false);
            }
            l.step
                .exprs_mut()
                .for_each(|e| share_memos(e, per_run, layout, false));
        }
        other => super::hoist::children(other, &mut |child| {
            share_memos(child, per_run, layout, false)
        }),
    }
}

/// Puts each outermost comprehension inside `expr` that reads only the run under a memo, the one
/// of the rule's earlier comprehension spelled the same or a new one.
fn share_comprehensions(expr: &mut Expr, layout: &mut FrameLayout) {
    match expr {
        Expr::Loop(_) if super::hoist::reads_only_the_run(expr) => {
            let mut key = String::new();
            spell(expr, &mut key);
            let memo = *layout.shared.entry(key).or_insert_with(|| {
                layout.base += 1;
                layout.base - 1
            });
            let comprehension = std::mem::replace(expr, Expr::Const(Val::Null));
            *expr = Expr::Memo(memo, Box::new(comprehension));
        }
        // Already computed apart.
        Expr::Memo(..) => {}
        Expr::Loop(l) => {
            for part in [&mut l.range, &mut l.init, &mut l.cond, &mut l.result] {
                share_comprehensions(part, layout);
            }
            l.step
                .exprs_mut()
                .for_each(|e| share_comprehensions(e, layout));
        }
        other => super::hoist::children(other, &mut |child| share_comprehensions(child, layout)),
    }
}

/// Writes out an expression whole, so that two bodies have the same text exactly when they
/// compute the same: each node's kind and its own data (slot, field, constant, operator,
/// function), then its children in order, bracketed.
fn spell(expr: &Expr, out: &mut String) {
    // Pushed piece by piece: through `write!` the formatting machinery was most of the cost of
    // compiling the catalogue's shared memos.
    let (tag, number) = match expr {
        Expr::Const(value) => {
            use std::fmt::Write as _;
            let _ = write!(out, "c{value:?}");
            ("", None)
        }
        Expr::Slot(slot) => ("s", Some(*slot)),
        Expr::Select(_, field) => {
            spell_name(out, 'f', field.key.as_str());
            ("", None)
        }
        Expr::Has(_, key) => {
            spell_name(out, 'h', key.as_str());
            ("", None)
        }
        Expr::Binary(op, ..) => ("b", Some(*op as usize)),
        Expr::Call(func, _) => ("k", Some(*func as usize)),
        Expr::Memo(memo, _) => ("m", Some(*memo)),
        Expr::Loop(l) => {
            let step = match &l.step {
                Step::Expr(_) => 'e',
                Step::Append(_) => 'a',
                Step::AppendIf(..) => 'i',
                Step::Any(_) => 'y',
                Step::All(_) => 'l',
            };
            out.push('L');
            spell_number(out, l.var);
            out.push('.');
            spell_number(out, l.accu);
            out.push('.');
            out.push(step);
            for reset in &l.resets {
                out.push(',');
                spell_number(out, *reset);
            }
            ("", None)
        }
        Expr::Index(..) => ("x", None),
        Expr::Not(_) => ("!", None),
        Expr::Neg(_) => ("-", None),
        Expr::And(..) => ("&", None),
        Expr::Or(..) => ("|", None),
        Expr::Cond(..) => ("?", None),
        Expr::NotStrictlyFalse(_) => ("n", None),
        Expr::List(_) => ("[", None),
        Expr::Map(_) => ("{", None),
    };
    out.push_str(tag);
    if let Some(number) = number {
        spell_number(out, number);
    }
    out.push('(');
    super::hoist::children_ref(expr, &mut |child| spell(child, out));
    out.push(')');
}

/// A name, prefixed by its length so that no name's text can pass for what follows it.
fn spell_name(out: &mut String, tag: char, name: &str) {
    out.push(tag);
    spell_number(out, name.len());
    out.push(':');
    out.push_str(name);
}

fn spell_number(out: &mut String, number: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = number;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    digits[at..].iter().for_each(|&d| out.push(char::from(d)));
}

fn shift_memos(expr: &mut Expr, by: usize) {
    match expr {
        Expr::Memo(memo, body) => {
            *memo += by;
            shift_memos(body, by);
        }
        Expr::Loop(l) => {
            l.resets.iter_mut().for_each(|m| *m += by);
            for part in [&mut l.range, &mut l.init, &mut l.cond, &mut l.result] {
                shift_memos(part, by);
            }
            l.step.exprs_mut().for_each(|e| shift_memos(e, by));
        }
        other => super::hoist::children(other, &mut |child| shift_memos(child, by)),
    }
}

/// Turns the loops `exists` and `all` expand to into [`Step::Any`] and [`Step::All`], which run
/// the predicate alone each iteration instead of a condition, a step and the accumulator's reads;
/// and looks catalog entries named by a literal up once ([`fold_catalog_call`]).
fn specialise(expr: &mut Expr) {
    let Expr::Loop(l) = expr else {
        super::hoist::children(expr, &mut specialise);
        fold_catalog_call(expr);
        return;
    };
    for part in [&mut l.range, &mut l.init, &mut l.cond, &mut l.result] {
        specialise(part);
    }
    l.step.exprs_mut().for_each(specialise);
    let accu = l.accu;
    let is_accu = |e: &Expr| matches!(e, Expr::Slot(s) if *s == accu);
    let step = std::mem::replace(&mut l.step, Step::Append(Expr::Slot(accu)));
    l.step = match (&l.cond, step) {
        // exists: `@not_strictly_false(!accu)`, `accu || pred`.
        (Expr::NotStrictlyFalse(c), Step::Expr(Expr::Or(a, pred)))
            if matches!(&**c, Expr::Not(n) if is_accu(n)) && is_accu(&a) =>
        {
            Step::Any(*pred)
        }
        // all: `@not_strictly_false(accu)`, `accu && pred`.
        (Expr::NotStrictlyFalse(c), Step::Expr(Expr::And(a, pred)))
            if is_accu(c) && is_accu(&a) =>
        {
            Step::All(*pred)
        }
        (_, step) => step,
    };
    if matches!(l.step, Step::Any(_) | Step::All(_)) {
        l.cond = Expr::Const(Val::Bool(true));
    }
}

/// A catalog lookup with a literal argument (`role('Global Administrator')`) always gives the same
/// value: it is looked up once, here, rather than on every evaluation.
fn fold_catalog_call(expr: &mut Expr) {
    let Expr::Call(func, args) = expr else { return };
    let [Expr::Const(Val::Str(reference))] = args.as_slice() else {
        return;
    };
    let value = match func {
        Func::Role => super::lookup::role(reference),
        Func::GraphPermission => super::lookup::graph_permission(reference),
        _ => return,
    };
    *expr = Expr::Const(value);
}

/// Compiles a parsed expression; None when it uses something only the CEL interpreter runs.
pub fn compile(ast: &IdedExpr) -> Option<Compiled> {
    let mut scope = Scope {
        names: GLOBALS.iter().map(|n| n.to_string()).collect(),
        slots: GLOBALS.len(),
    };
    let expr = scope.expr(ast)?;
    Some(Compiled::new(expr, scope.slots))
}

struct Scope {
    /// Names in scope, innermost last; a name's slot is kept beside it.
    names: Vec<String>,
    slots: usize,
}

impl Scope {
    fn slot_of(&self, name: &str) -> Option<usize> {
        // Globals sit at their index; loop variables are looked up innermost first.
        self.names.iter().rposition(|n| n == name)
    }

    fn bind(&mut self, name: &str) -> usize {
        self.names.push(name.to_string());
        self.slots = self.slots.max(self.names.len());
        self.names.len() - 1
    }

    fn expr(&mut self, ast: &IdedExpr) -> Option<Expr> {
        Some(match &ast.expr {
            Ast::Literal(literal) => Expr::Const(literal_value(literal)?),
            Ast::Ident(name) => Expr::Slot(self.slot_of(name)?),
            Ast::Select(select) => {
                let operand = Box::new(self.expr(&select.operand)?);
                let key = Key::Owned(Arc::from(select.field.as_str()));
                if select.test {
                    Expr::Has(operand, key)
                } else {
                    Expr::Select(operand, Field::new(key))
                }
            }
            Ast::List(list) if list.optional_indices.is_empty() => Expr::List(
                list.elements
                    .iter()
                    .map(|e| self.expr(e))
                    .collect::<Option<_>>()?,
            ),
            Ast::Map(map) => {
                let mut entries = Vec::new();
                for entry in &map.entries {
                    match &entry.expr {
                        EntryExpr::MapEntry(e) if !e.optional => {
                            entries.push((self.expr(&e.key)?, self.expr(&e.value)?));
                        }
                        _ => return None,
                    }
                }
                Expr::Map(entries)
            }
            Ast::Call(call) => self.call(&call.func_name, call.target.as_deref(), &call.args)?,
            Ast::Comprehension(c) => {
                if c.iter_var2.is_some() {
                    return None;
                }
                let range = self.expr(&c.iter_range)?;
                let init = self.expr(&c.accu_init)?;
                let depth = self.names.len();
                let accu = self.bind(&c.accu_var);
                let var = self.bind(&c.iter_var);
                let cond = self.expr(&c.loop_cond)?;
                let step = self.step(&c.loop_step, &c.accu_var)?;
                // The result sees the accumulator but not the loop variable.
                self.names.truncate(depth + 1);
                let result = self.expr(&c.result)?;
                self.names.truncate(depth);
                Expr::Loop(Box::new(Loop {
                    range,
                    var,
                    accu,
                    init,
                    cond,
                    step,
                    result,
                    resets: Vec::new(),
                }))
            }
            _ => return None,
        })
    }

    /// A loop step, with `accu + [x]` (and its conditional form) turned into appends.
    fn step(&mut self, ast: &IdedExpr, accu: &str) -> Option<Step> {
        if let Some(elem) = appended(ast, accu) {
            return Some(Step::Append(self.expr(elem)?));
        }
        if let Ast::Call(call) = &ast.expr
            && call.func_name == op::CONDITIONAL
            && call.args.len() == 3
            && is_ident(&call.args[2], accu)
            && let Some(elem) = appended(&call.args[1], accu)
        {
            return Some(Step::AppendIf(self.expr(&call.args[0])?, self.expr(elem)?));
        }
        Some(Step::Expr(self.expr(ast)?))
    }

    fn call(&mut self, name: &str, target: Option<&IdedExpr>, args: &[IdedExpr]) -> Option<Expr> {
        let mut operands = Vec::with_capacity(args.len() + 1);
        if let Some(target) = target {
            operands.push(self.expr(target)?);
        }
        for arg in args {
            operands.push(self.expr(arg)?);
        }
        let two = |mut v: Vec<Expr>| -> Option<(Box<Expr>, Box<Expr>)> {
            let b = v.pop()?;
            let a = v.pop()?;
            Some((Box::new(a), Box::new(b)))
        };
        if target.is_none() {
            let binary = match name {
                op::EQUALS => Some(BinOp::Eq),
                op::NOT_EQUALS => Some(BinOp::Ne),
                op::LESS => Some(BinOp::Lt),
                op::LESS_EQUALS => Some(BinOp::Le),
                op::GREATER => Some(BinOp::Gt),
                op::GREATER_EQUALS => Some(BinOp::Ge),
                op::ADD => Some(BinOp::Add),
                op::SUBSTRACT => Some(BinOp::Sub),
                op::MULTIPLY => Some(BinOp::Mul),
                op::DIVIDE => Some(BinOp::Div),
                op::MODULO => Some(BinOp::Mod),
                op::IN => Some(BinOp::In),
                _ => None,
            };
            if let Some(binop) = binary {
                if operands.len() != 2 {
                    return None;
                }
                let (a, b) = two(operands)?;
                return Some(Expr::Binary(binop, a, b));
            }
            match (name, operands.len()) {
                (op::LOGICAL_AND, 2) => {
                    let (a, b) = two(operands)?;
                    return Some(Expr::And(a, b));
                }
                (op::LOGICAL_OR, 2) => {
                    let (a, b) = two(operands)?;
                    return Some(Expr::Or(a, b));
                }
                (op::LOGICAL_NOT, 1) => return Some(Expr::Not(Box::new(operands.pop()?))),
                (op::NEGATE, 1) => return Some(Expr::Neg(Box::new(operands.pop()?))),
                (op::NOT_STRICTLY_FALSE, 1) => {
                    return Some(Expr::NotStrictlyFalse(Box::new(operands.pop()?)));
                }
                (op::INDEX, 2) => {
                    let (a, b) = two(operands)?;
                    return Some(Expr::Index(a, b));
                }
                (op::CONDITIONAL, 3) => {
                    let c = Box::new(operands.pop()?);
                    let b = Box::new(operands.pop()?);
                    let a = Box::new(operands.pop()?);
                    return Some(Expr::Cond(a, b, c));
                }
                _ => {}
            }
        }
        let func = Func::find(name, target.is_some(), operands.len())?;
        Some(Expr::Call(func, operands))
    }
}

fn is_ident(ast: &IdedExpr, name: &str) -> bool {
    matches!(&ast.expr, Ast::Ident(n) if n == name)
}

/// The `x` of `accu + [x]`.
fn appended<'a>(ast: &'a IdedExpr, accu: &str) -> Option<&'a IdedExpr> {
    let Ast::Call(call) = &ast.expr else {
        return None;
    };
    if call.func_name != op::ADD || call.target.is_some() || call.args.len() != 2 {
        return None;
    }
    if !is_ident(&call.args[0], accu) {
        return None;
    }
    match &call.args[1].expr {
        Ast::List(list) if list.elements.len() == 1 && list.optional_indices.is_empty() => {
            list.elements.first()
        }
        _ => None,
    }
}

fn literal_value(literal: &LiteralValue) -> Option<Val> {
    Some(match literal {
        LiteralValue::Boolean(b) => Val::Bool(*b.inner()),
        LiteralValue::Int(n) => Val::Int(*n.inner()),
        LiteralValue::UInt(n) => Val::UInt(*n.inner()),
        LiteralValue::Double(f) => Val::Float(*f.inner()),
        LiteralValue::String(s) => Val::str(s.inner()),
        LiteralValue::Null => Val::Null,
        LiteralValue::Bytes(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::lookup::Lookup;
    use super::super::parse::parse;
    use super::super::run::{Env, Frame, run};
    use super::*;

    fn step_of(expr: &Expr) -> Option<&Step> {
        match expr {
            Expr::Loop(l) => Some(&l.step),
            Expr::Memo(_, inner) => step_of(inner),
            _ => None,
        }
    }

    #[test]
    fn exists_and_all_run_as_any_and_all_with_the_interpreters_results() {
        let tenant = Val::map(Vec::new());
        let lookup = Lookup::build(&tenant, None);
        let env = Env { lookup: &lookup };
        for (text, any) in [
            ("[1, 0].exists(x, 1 / x == 1)", true),
            ("[0, 1].exists(x, 1 / x == 1)", true),
            ("[0, 2].exists(x, 1 / x == 1)", true),
            ("[2, 3].exists(x, x == 1)", true),
            ("[1].exists(x, x)", true),
            ("[].exists(x, x)", true),
            ("[1, 2].all(x, x > 0)", false),
            ("[0, 1].all(x, 1 / x > 0)", false),
            ("[0, -1].all(x, 1 / x > 0)", false),
            ("[1].all(x, 'a')", false),
            ("[[1], [2]].all(l, l.exists(x, x > 1))", false),
        ] {
            let compiled = parse(text).expect("in the subset");
            let expected = if any { "Any" } else { "All" };
            let step = format!("{:?}", step_of(&compiled.expr).expect("a loop"));
            assert!(step.starts_with(expected), "{text}: {step}");
            let fast = run(&compiled, &mut Frame::new(8), &env);
            let program = cel::Program::compile(text).expect("CEL");
            // The `cel` crate's expansion of the macro is recognised too.
            let from_cel = compile(program.expression()).expect("in the subset");
            let step = format!("{:?}", step_of(&from_cel.expr).expect("a loop"));
            assert!(step.starts_with(expected), "{text} via cel: {step}");
            let interpreted = program.execute(&cel::Context::default());
            match (&fast, &interpreted) {
                (Ok(f), Ok(i)) => assert_eq!(*f, Val::from_cel(i), "{text}"),
                (Err(_), Err(_)) => {}
                _ => panic!("{text}: fast {fast:?}, interpreter {interpreted:?}"),
            }
        }
    }

    #[test]
    fn a_placeholder_reuses_the_comprehension_its_condition_made() {
        let list = "params.keys.filter(k, k != 'b')";
        let mut programs: Vec<Compiled> = [
            format!("size({list}) > 0"),
            format!("size({list})"),
            format!("{list}.join(', ')"),
        ]
        .iter()
        .map(|text| parse(text).expect("in the subset"))
        .collect();
        let message = format!("{{size({list})}} of them: {{{list}.join(', ')}}");
        let layout = FrameLayout::for_templates([message.as_str()]);
        assert!(!FrameLayout::for_templates(["{size(params.keys)} keys"]).comprehensions);
        share_frame(&mut layout.clone(), programs.iter_mut());
        // The comprehension is one memo, the same in every program.
        let memo_of_loop = |c: &Compiled| {
            let shown = format!("{:?}", c.expr);
            let at = shown.find(", Loop(").expect("a comprehension under a memo");
            let start = shown[..at].rfind("Memo(").expect("a memo") + "Memo(".len();
            shown[start..at].to_string()
        };
        let memos: Vec<String> = programs.iter().map(memo_of_loop).collect();
        assert!(memos.iter().all(|m| *m == memos[0]), "{memos:?}");
        // Run in the frame they share, as a rule's are, they give what each gives alone.
        let tenant = Val::map(Vec::new());
        let lookup = Lookup::build(&tenant, None);
        let env = Env { lookup: &lookup };
        let mut frame = Frame::new(8);
        let keys = Val::list(["a", "b", "c"].map(Val::str).to_vec());
        frame.set(1, Val::map(vec![(Key::Static("keys"), keys)]));
        let shared: Vec<Val> = programs
            .iter()
            .map(|c| super::super::run::run_kept(c, &mut frame, &env).expect("runs"))
            .collect();
        assert_eq!(
            shared,
            [Val::Bool(true), Val::Int(2), Val::str("a, c")].to_vec()
        );
    }

    #[test]
    fn a_field_is_found_whatever_layout_it_last_saw() {
        let field = Field::new(Key::Owned("b".into()));
        let one = [
            (Key::Static("a"), Val::Int(1)),
            (Key::Static("b"), Val::Int(2)),
        ];
        let two = [(Key::Static("b"), Val::Int(3))];
        let owned = [(Key::Owned("b".into()), Val::Int(4))];
        for _ in 0..2 {
            assert_eq!(field.find(&one), Some(&Val::Int(2)));
            assert_eq!(field.find(&two), Some(&Val::Int(3)));
            assert_eq!(field.find(&owned), Some(&Val::Int(4)));
            assert_eq!(field.find(&one[..1]), None);
        }
    }
}
