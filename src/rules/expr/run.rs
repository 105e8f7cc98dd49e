//! Evaluating compiled expressions: CEL's semantics (errors absorbed by `&&` and `||`, numeric
//! equality across int, uint and double) over [`Val`], with variables in a flat frame of slots.

use std::cmp::Ordering;
use std::sync::Arc;

use super::compile::{BinOp, Compiled, Expr, Field, Func, Loop, Step};
use super::index::ListIndex;
use super::lookup::Lookup;
use super::{Key, Val};

#[derive(Debug, Clone, PartialEq)]
pub struct Error(pub String);

pub type R = Result<Val, Error>;

fn err<T>(message: impl Into<String>) -> Result<T, Error> {
    Err(Error(message.into()))
}

/// What the tenant-specific functions look things up in.
pub struct Env<'a> {
    pub lookup: &'a Lookup<'a>,
}

/// Variable slots: the globals first, then loop variables and accumulators.
pub struct Frame {
    pub slots: Vec<R>,
    /// Values of loop-invariant sub-expressions, once computed.
    memos: Vec<Option<R>>,
    /// Hash indexes over the memoised lists that `in` and `firstIndex` search, by memo; each is
    /// forgotten with its memo.
    indexes: Vec<Option<ListIndex>>,
    /// The last `principal(id)` looked up: conditions ask for the same id several times in a
    /// row (`principal(id) != null && principal(id).kind == 'user'`). A frame serves one tenant.
    last_principal: Option<(Arc<str>, Val)>,
    /// Work done since the budget was set: loop iterations, and items scanned or copied.
    steps: u64,
    budget: u64,
    exhausted: bool,
}

impl Frame {
    pub fn new(size: usize) -> Frame {
        Frame {
            slots: vec![Ok(Val::Null); size],
            memos: Vec::new(),
            indexes: Vec::new(),
            last_principal: None,
            steps: 0,
            budget: u64::MAX,
            exhausted: false,
        }
    }

    /// Starts counting work afresh, allowing `steps` before evaluation stops.
    pub fn set_budget(&mut self, steps: u64) {
        self.steps = 0;
        self.budget = steps;
        self.exhausted = false;
    }

    /// Whether evaluation ran out of its budget since it was set: every result since is void.
    pub fn exhausted(&self) -> bool {
        self.exhausted
    }

    /// Counts `steps` of work; an error once over the budget (and every time after).
    pub fn charge(&mut self, steps: usize) -> Result<(), Error> {
        self.steps = self.steps.saturating_add(steps as u64);
        if self.steps > self.budget {
            self.exhausted = true;
            return err("the rule's evaluation went over its step budget");
        }
        Ok(())
    }

    /// Forgets every memo: the programs of the next rule number theirs from zero again.
    pub fn forget_memos(&mut self) {
        self.memos.iter_mut().for_each(|m| *m = None);
        self.indexes.iter_mut().for_each(|i| *i = None);
    }

    fn forget(&mut self, memo: usize) {
        self.memos[memo] = None;
        if let Some(index) = self.indexes.get_mut(memo) {
            *index = None;
        }
    }

    pub fn set(&mut self, slot: usize, value: Val) {
        if slot >= self.slots.len() {
            self.slots.resize(slot + 1, Ok(Val::Null));
        }
        self.slots[slot] = Ok(value);
    }

    fn grow(&mut self, size: usize) {
        if self.slots.len() < size {
            self.slots.resize(size, Ok(Val::Null));
        }
    }
}

/// Evaluates a compiled expression afresh.
pub fn run(compiled: &Compiled, frame: &mut Frame, env: &Env) -> R {
    frame.grow(compiled.slots);
    if frame.memos.len() < compiled.memos {
        frame.memos.resize(compiled.memos, None);
    }
    for memo in &compiled.per_run {
        frame.forget(*memo);
    }
    eval(&compiled.expr, frame, env)
}

/// Evaluates a compiled expression for the next item of a collection, after [`run`] for the
/// first: only `item` and `value` may have changed since, so what reads neither is kept.
pub fn run_next(compiled: &Compiled, frame: &mut Frame, env: &Env) -> R {
    eval(&compiled.expr, frame, env)
}

/// Evaluates a compiled expression keeping every memo it finds computed: a message placeholder
/// of a rule whose programs share the frame (see [`super::compile::share_frame`]), which
/// [`Frame::forget_memos`] cleared when the rule began.
pub fn run_kept(compiled: &Compiled, frame: &mut Frame, env: &Env) -> R {
    frame.grow(compiled.slots);
    if frame.memos.len() < compiled.memos {
        frame.memos.resize(compiled.memos, None);
    }
    eval(&compiled.expr, frame, env)
}

/// The value a constant, a variable or a chain of field selections names, borrowed from the
/// expression or the frame.
fn place<'f>(expr: &'f Expr, frame: &'f Frame) -> Option<Result<&'f Val, Error>> {
    match expr {
        Expr::Const(v) => Some(Ok(v)),
        Expr::Slot(slot) => Some(match &frame.slots[*slot] {
            Ok(v) => Ok(v),
            Err(e) => Err(e.clone()),
        }),
        Expr::Select(operand, field) => Some(match place(operand, frame)? {
            Ok(v) => select(v, field),
            Err(e) => Err(e),
        }),
        _ => None,
    }
}

fn select<'v>(value: &'v Val, field: &Field) -> Result<&'v Val, Error> {
    match value {
        Val::Map(fields) => match field.find(fields) {
            Some(v) => Ok(v),
            None => err(format!("No such key: {}", field.key.as_str())),
        },
        other => err(format!(
            "cannot select `{}` from a {}",
            field.key.as_str(),
            other.type_name()
        )),
    }
}

fn truth(r: &R) -> Option<bool> {
    match r {
        Ok(Val::Bool(b)) => Some(*b),
        _ => None,
    }
}

fn eval(expr: &Expr, frame: &mut Frame, env: &Env) -> R {
    match expr {
        Expr::Const(_) | Expr::Slot(_) | Expr::Select(..) => match place(expr, frame) {
            Some(Ok(v)) => Ok(v.clone()),
            Some(Err(e)) => Err(e),
            // A selection from a computed value: `principal(id).kind`.
            None => match expr {
                Expr::Select(operand, key) => {
                    let value = eval(operand, frame, env)?;
                    select(&value, key).cloned()
                }
                _ => err("a variable out of scope"),
            },
        },
        Expr::Has(operand, key) => has(operand, key, frame, env),
        Expr::Index(a, b) => index(a, b, frame, env),
        Expr::Not(a) => match eval(a, frame, env)? {
            Val::Bool(b) => Ok(Val::Bool(!b)),
            other => err(format!("`!` needs a bool, not a {}", other.type_name())),
        },
        Expr::Neg(a) => match eval(a, frame, env)? {
            Val::Int(n) => n
                .checked_neg()
                .map(Val::Int)
                .ok_or_else(|| Error("integer overflow".into())),
            Val::Float(f) => Ok(Val::Float(-f)),
            other => err(format!("`-` needs a number, not a {}", other.type_name())),
        },
        Expr::And(a, b) => {
            let left = eval(a, frame, env);
            if truth(&left) == Some(false) {
                return Ok(Val::Bool(false));
            }
            let right = eval(b, frame, env);
            match (truth(&left), truth(&right)) {
                (_, Some(false)) => Ok(Val::Bool(false)),
                (Some(true), Some(true)) => Ok(Val::Bool(true)),
                _ => logic_error(left, right, "&&"),
            }
        }
        Expr::Or(a, b) => {
            let left = eval(a, frame, env);
            if truth(&left) == Some(true) {
                return Ok(Val::Bool(true));
            }
            let right = eval(b, frame, env);
            match (truth(&left), truth(&right)) {
                (_, Some(true)) => Ok(Val::Bool(true)),
                (Some(false), Some(false)) => Ok(Val::Bool(false)),
                _ => logic_error(left, right, "||"),
            }
        }
        Expr::Cond(c, a, b) => match eval(c, frame, env)? {
            Val::Bool(true) => eval(a, frame, env),
            Val::Bool(false) => eval(b, frame, env),
            other => err(format!(
                "a condition must be a bool, not a {}",
                other.type_name()
            )),
        },
        Expr::NotStrictlyFalse(a) => Ok(Val::Bool(truth(&eval(a, frame, env)) != Some(false))),
        Expr::Binary(op, a, b) => {
            // Comparing two fields (`b.role == item.role`) needs no copy of either.
            if let (Some(left), Some(right)) = (place(a, frame), place(b, frame)) {
                let (left, right) = (left?, right?);
                let cost = cost(*op, left, right);
                let result = binary(*op, left, right);
                frame.charge(cost)?;
                return result;
            }
            let left = eval(a, frame, env)?;
            let right = eval(b, frame, env)?;
            if let (BinOp::In, Expr::Memo(memo, _), Val::List(items)) = (op, &**b, &right) {
                return Ok(Val::Bool(first_of(*memo, items, &left, frame)?.is_some()));
            }
            frame.charge(cost(*op, &left, &right))?;
            binary(*op, &left, &right)
        }
        Expr::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(eval(item, frame, env)?);
            }
            Ok(Val::list(out))
        }
        Expr::Map(entries) => map_literal(entries, frame, env),
        Expr::Call(func, args) => call(*func, args, frame, env),
        Expr::Loop(l) => comprehension(l, frame, env),
        Expr::Memo(memo, body) => {
            if let Some(known) = &frame.memos[*memo] {
                return known.clone();
            }
            let value = eval(body, frame, env);
            frame.memos[*memo] = Some(value.clone());
            value
        }
    }
}

/// Items an operator scans or copies.
fn cost(op: BinOp, a: &Val, b: &Val) -> usize {
    match (op, a, b) {
        (BinOp::In, _, Val::List(items)) => items.len(),
        (BinOp::Add, Val::List(x), Val::List(y)) => x.len() + y.len(),
        _ => 0,
    }
}

/// The first position of `needle` in a memoised list: a short list is scanned, a longer one
/// hashed once (the index lives as long as the memo).
fn first_of(
    memo: usize,
    items: &[Val],
    needle: &Val,
    frame: &mut Frame,
) -> Result<Option<usize>, Error> {
    if items.len() < 16 {
        frame.charge(items.len())?;
        return Ok(items.iter().position(|item| equal(item, needle)));
    }
    if frame.indexes.len() <= memo {
        frame.indexes.resize_with(memo + 1, || None);
    }
    if frame.indexes[memo].is_none() {
        frame.charge(items.len())?;
        frame.indexes[memo] = Some(ListIndex::build(items));
    }
    frame.charge(1)?;
    Ok(frame.indexes[memo]
        .as_ref()
        .and_then(|index| index.first(items, needle)))
}

/// `has(operand.key)`.
fn has(operand: &Expr, key: &Key, frame: &mut Frame, env: &Env) -> R {
    let value = match place(operand, frame) {
        Some(r) => r.cloned()?,
        None => eval(operand, frame, env)?,
    };
    match value {
        Val::Map(fields) => Ok(Val::Bool(
            fields.iter().any(|(k, _)| k.as_str() == key.as_str()),
        )),
        other => err(format!(
            "has() cannot test a field of a {}",
            other.type_name()
        )),
    }
}

/// `container[index]`.
fn index(a: &Expr, b: &Expr, frame: &mut Frame, env: &Env) -> R {
    let container = eval(a, frame, env)?;
    let index = eval(b, frame, env)?;
    match (&container, &index) {
        (Val::List(items), Val::Int(i)) => usize::try_from(*i)
            .ok()
            .and_then(|i| items.get(i))
            .cloned()
            .ok_or_else(|| Error(format!("index {i} out of range"))),
        (Val::List(items), Val::UInt(i)) => items
            .get(*i as usize)
            .cloned()
            .ok_or_else(|| Error(format!("index {i} out of range"))),
        (Val::Map(_), Val::Str(key)) => container
            .get(key)
            .cloned()
            .ok_or_else(|| Error(format!("No such key: {key}"))),
        _ => err(format!(
            "cannot index a {} with a {}",
            container.type_name(),
            index.type_name()
        )),
    }
}

/// A map literal: string keys, each once.
fn map_literal(entries: &[(Expr, Expr)], frame: &mut Frame, env: &Env) -> R {
    let mut out: Vec<(Key, Val)> = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        let key = match eval(k, frame, env)? {
            Val::Str(s) => Key::Owned(s),
            other => {
                return err(format!(
                    "a map key must be a string, not a {}",
                    other.type_name()
                ));
            }
        };
        let value = eval(v, frame, env)?;
        if out.iter().any(|(k, _)| k.as_str() == key.as_str()) {
            return err(format!("duplicate map key {}", key.as_str()));
        }
        out.push((key, value));
    }
    Ok(Val::map(out))
}

fn logic_error(left: R, right: R, op: &str) -> R {
    match (left, right) {
        (Err(e), _) | (_, Err(e)) => Err(e),
        (Ok(l), Ok(r)) => err(format!(
            "`{op}` needs bools, not {} and {}",
            l.type_name(),
            r.type_name()
        )),
    }
}

fn comprehension(l: &Loop, frame: &mut Frame, env: &Env) -> R {
    let items: Arc<Vec<Val>> = match eval(&l.range, frame, env)? {
        Val::List(items) => items,
        Val::Map(fields) => Arc::new(
            fields
                .iter()
                .map(|(k, _)| {
                    Val::Str(match k {
                        Key::Static(s) => Arc::from(*s),
                        Key::Owned(s) => s.clone(),
                    })
                })
                .collect(),
        ),
        other => return err(format!("cannot iterate over a {}", other.type_name())),
    };
    for memo in &l.resets {
        frame.forget(*memo);
    }
    frame.slots[l.accu] = eval(&l.init, frame, env);
    match &l.step {
        Step::Any(pred) => return any_or_all(l, pred, &items, Logic::Or, frame, env),
        Step::All(pred) => return any_or_all(l, pred, &items, Logic::And, frame, env),
        _ => {}
    }
    for item in items.iter() {
        frame.charge(1)?;
        frame.slots[l.var] = Ok(item.clone());
        if truth(&eval(&l.cond, frame, env)) == Some(false) {
            break;
        }
        match &l.step {
            Step::Expr(step) => frame.slots[l.accu] = eval(step, frame, env),
            Step::Append(elem) => {
                let value = eval(elem, frame, env);
                append(frame, l.accu, value);
            }
            Step::Any(_) | Step::All(_) => unreachable!("run by any_or_all"),
            Step::AppendIf(keep, elem) => match eval(keep, frame, env) {
                Ok(Val::Bool(true)) => {
                    let value = eval(elem, frame, env);
                    append(frame, l.accu, value);
                }
                Ok(Val::Bool(false)) => {}
                Ok(other) => {
                    frame.slots[l.accu] = err(format!(
                        "a condition must be a bool, not a {}",
                        other.type_name()
                    ))
                }
                Err(e) => frame.slots[l.accu] = Err(e),
            },
        }
    }
    eval(&l.result, frame, env)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Logic {
    And,
    Or,
}

/// `exists` (`accu || pred`) and `all` (`accu && pred`): the same values and errors as the
/// expanded loop, stopping where its condition would (once the accumulator is decided).
fn any_or_all(
    l: &Loop,
    pred: &Expr,
    items: &[Val],
    logic: Logic,
    frame: &mut Frame,
    env: &Env,
) -> R {
    let decided = logic == Logic::Or;
    for item in items {
        if truth(&frame.slots[l.accu]) == Some(decided) {
            break;
        }
        frame.charge(1)?;
        frame.slots[l.var] = Ok(item.clone());
        let right = eval(pred, frame, env);
        let left = std::mem::replace(&mut frame.slots[l.accu], Ok(Val::Null));
        frame.slots[l.accu] = match (truth(&left), truth(&right)) {
            (_, Some(b)) if b == decided => Ok(Val::Bool(decided)),
            (Some(a), Some(b)) if a == b => Ok(Val::Bool(a)),
            _ if logic == Logic::Or => logic_error(left, right, "||"),
            _ => logic_error(left, right, "&&"),
        };
    }
    eval(&l.result, frame, env)
}

fn append(frame: &mut Frame, accu: usize, value: R) {
    let slot = std::mem::replace(&mut frame.slots[accu], Ok(Val::Null));
    frame.slots[accu] = match (slot, value) {
        (Ok(Val::List(mut items)), Ok(value)) => {
            Arc::make_mut(&mut items).push(value);
            Ok(Val::List(items))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
        (Ok(other), _) => err(format!("cannot append to a {}", other.type_name())),
    };
}

/// CEL equality: numbers compare across int, uint and double; lists and maps by content.
pub fn equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Null, Val::Null) => true,
        (Val::List(x), Val::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| equal(a, b))
        }
        (Val::Map(x), Val::Map(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.iter()
                        .find(|(k2, _)| k2.as_str() == k.as_str())
                        .is_some_and(|(_, v2)| equal(v, v2))
                })
        }
        (Val::Timestamp(x), Val::Timestamp(y)) => x == y,
        (Val::Duration(x), Val::Duration(y)) => x == y,
        _ => compare(a, b) == Some(Ordering::Equal) && is_number(a) && is_number(b),
    }
}

fn is_number(v: &Val) -> bool {
    matches!(v, Val::Int(_) | Val::UInt(_) | Val::Float(_))
}

fn compare(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Some(x.cmp(y)),
        (Val::UInt(x), Val::UInt(y)) => Some(x.cmp(y)),
        (Val::Float(x), Val::Float(y)) => x.partial_cmp(y),
        (Val::Int(x), Val::UInt(y)) => Some(u64::try_from(*x).map_or(Ordering::Less, |x| x.cmp(y))),
        (Val::UInt(x), Val::Int(y)) => {
            Some(i64::try_from(*x).map_or(Ordering::Greater, |x| x.cmp(y)))
        }
        (Val::Int(x), Val::Float(y)) => (*x as f64).partial_cmp(y),
        (Val::Float(x), Val::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Val::UInt(x), Val::Float(y)) => (*x as f64).partial_cmp(y),
        (Val::Float(x), Val::UInt(y)) => x.partial_cmp(&(*y as f64)),
        (Val::Str(x), Val::Str(y)) => Some(x.cmp(y)),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        (Val::Null, Val::Null) => Some(Ordering::Equal),
        (Val::Timestamp(x), Val::Timestamp(y)) => Some(x.cmp(y)),
        (Val::Duration(x), Val::Duration(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn binary(op: BinOp, a: &Val, b: &Val) -> R {
    let ordered = |test: fn(Ordering) -> bool| match compare(a, b) {
        Some(o) => Ok(Val::Bool(test(o))),
        None => err(format!(
            "cannot compare a {} with a {}",
            a.type_name(),
            b.type_name()
        )),
    };
    match op {
        BinOp::Eq => Ok(Val::Bool(equal(a, b))),
        BinOp::Ne => Ok(Val::Bool(!equal(a, b))),
        BinOp::Lt => ordered(|o| o == Ordering::Less),
        BinOp::Le => ordered(|o| o != Ordering::Greater),
        BinOp::Gt => ordered(|o| o == Ordering::Greater),
        BinOp::Ge => ordered(|o| o != Ordering::Less),
        BinOp::In => match b {
            Val::List(items) => Ok(Val::Bool(items.iter().any(|i| equal(a, i)))),
            Val::Map(fields) => {
                Ok(Val::Bool(a.as_str().is_some_and(|k| {
                    fields.iter().any(|(key, _)| key.as_str() == k)
                })))
            }
            other => err(format!(
                "`in` needs a list or map, not a {}",
                other.type_name()
            )),
        },
        BinOp::Add => match (a, b) {
            (Val::Int(x), Val::Int(y)) => overflow(x.checked_add(*y)),
            (Val::UInt(x), Val::UInt(y)) => x
                .checked_add(*y)
                .map(Val::UInt)
                .ok_or_else(|| Error("unsigned integer overflow".into())),
            (Val::Float(x), Val::Float(y)) => Ok(Val::Float(x + y)),
            (Val::Str(x), Val::Str(y)) => Ok(Val::str(&format!("{x}{y}"))),
            (Val::List(x), Val::List(y)) => {
                Ok(Val::list(x.iter().chain(y.iter()).cloned().collect()))
            }
            (Val::Timestamp(t), Val::Duration(d)) | (Val::Duration(d), Val::Timestamp(t)) => {
                Ok(Val::Timestamp(*t + *d))
            }
            (Val::Duration(x), Val::Duration(y)) => Ok(Val::Duration(*x + *y)),
            _ => no_overload("+", a, b),
        },
        BinOp::Sub => match (a, b) {
            (Val::Int(x), Val::Int(y)) => overflow(x.checked_sub(*y)),
            (Val::UInt(x), Val::UInt(y)) => x
                .checked_sub(*y)
                .map(Val::UInt)
                .ok_or_else(|| Error("unsigned integer overflow".into())),
            (Val::Float(x), Val::Float(y)) => Ok(Val::Float(x - y)),
            (Val::Timestamp(x), Val::Timestamp(y)) => Ok(Val::Duration(*x - *y)),
            (Val::Timestamp(t), Val::Duration(d)) => Ok(Val::Timestamp(*t - *d)),
            (Val::Duration(x), Val::Duration(y)) => Ok(Val::Duration(*x - *y)),
            _ => no_overload("-", a, b),
        },
        BinOp::Mul => match (a, b) {
            (Val::Int(x), Val::Int(y)) => overflow(x.checked_mul(*y)),
            (Val::UInt(x), Val::UInt(y)) => x
                .checked_mul(*y)
                .map(Val::UInt)
                .ok_or_else(|| Error("unsigned integer overflow".into())),
            (Val::Float(x), Val::Float(y)) => Ok(Val::Float(x * y)),
            _ => no_overload("*", a, b),
        },
        BinOp::Div | BinOp::Mod => {
            let div = op == BinOp::Div;
            match (a, b) {
                (Val::Int(_) | Val::UInt(_), Val::Int(0) | Val::UInt(0)) => err(if div {
                    "division by zero"
                } else {
                    "modulus by zero"
                }),
                (Val::Int(x), Val::Int(y)) => overflow(if div {
                    x.checked_div(*y)
                } else {
                    x.checked_rem(*y)
                }),
                (Val::UInt(x), Val::UInt(y)) => Ok(Val::UInt(if div { x / y } else { x % y })),
                (Val::Float(x), Val::Float(y)) if div => Ok(Val::Float(x / y)),
                _ => no_overload(if div { "/" } else { "%" }, a, b),
            }
        }
    }
}

fn overflow(n: Option<i64>) -> R {
    n.map(Val::Int)
        .ok_or_else(|| Error("integer overflow".into()))
}

fn no_overload(op: &str, a: &Val, b: &Val) -> R {
    err(format!(
        "no `{op}` for a {} and a {}",
        a.type_name(),
        b.type_name()
    ))
}

fn call(func: Func, args: &[Expr], frame: &mut Frame, env: &Env) -> R {
    if let (Func::FirstIndex, [list @ Expr::Memo(memo, _), needle]) = (func, args) {
        let items = eval(list, frame, env)?;
        let needle = eval(needle, frame, env)?;
        let Val::List(items) = &items else {
            return err(format!("firstIndex() of a {}", items.type_name()));
        };
        return Ok(Val::Int(
            first_of(*memo, items, &needle, frame)?.map_or(-1, |i| i as i64),
        ));
    }
    // Functions take one to three arguments: they are held on the stack, not in a new Vec per
    // call (conditions call `lowerAscii` and friends inside loops).
    let mut held: [Val; 3] = [Val::Null, Val::Null, Val::Null];
    let on_stack = args.len() <= held.len();
    let mut spilled = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        let value = eval(arg, frame, env)?;
        if on_stack {
            held[i] = value;
        } else {
            spilled.push(value);
        }
    }
    let values: &[Val] = if on_stack {
        &held[..args.len()]
    } else {
        &spilled
    };
    apply(func, values, frame, env.lookup)
}

/// A function applied to its evaluated arguments.
fn apply(func: Func, values: &[Val], frame: &mut Frame, lookup: &Lookup) -> R {
    let text = |i: usize| -> Result<&str, Error> {
        values[i].as_str().ok_or_else(|| {
            Error(format!(
                "{func:?} needs a string, not a {}",
                values[i].type_name()
            ))
        })
    };
    match func {
        Func::Size => match &values[0] {
            Val::Str(s) => Ok(Val::Int(s.chars().count() as i64)),
            Val::List(items) => Ok(Val::Int(items.len() as i64)),
            Val::Map(fields) => Ok(Val::Int(fields.len() as i64)),
            other => err(format!("size() of a {}", other.type_name())),
        },
        Func::Contains => Ok(Val::Bool(text(0)?.contains(text(1)?))),
        Func::StartsWith => Ok(Val::Bool(text(0)?.starts_with(text(1)?))),
        Func::EndsWith => Ok(Val::Bool(text(0)?.ends_with(text(1)?))),
        Func::Matches => {
            let pattern = text(1)?;
            let regex = lookup.regex(pattern)?;
            Ok(Val::Bool(regex.is_match(text(0)?)))
        }
        // Most ids are lower case already: they are kept as they are, without a copy.
        Func::LowerAscii if !text(0)?.bytes().any(|b| b.is_ascii_uppercase()) => {
            Ok(values[0].clone())
        }
        Func::LowerAscii => Ok(Val::str(&text(0)?.to_ascii_lowercase())),
        Func::UpperAscii => Ok(Val::str(&text(0)?.to_ascii_uppercase())),
        Func::Trim => Ok(Val::str(text(0)?.trim())),
        Func::Join => {
            frame.charge(values[0].as_list().len())?;
            join(values, if values.len() == 2 { text(1)? } else { "" })
        }
        Func::Slice => {
            frame.charge(values[0].as_list().len())?;
            slice(values)
        }
        Func::String | Func::Int | Func::Timestamp | Func::Duration => convert(func, &values[0]),
        Func::Min | Func::Max => extreme(func, values),
        Func::Days => match &values[0] {
            Val::Duration(d) => Ok(Val::Int(d.num_days())),
            other => err(format!("days() of a {}", other.type_name())),
        },
        Func::Principal => principal(values, frame, lookup),
        Func::Members => charged(strings(lookup.members_of(text(0)?)), frame),
        Func::GroupsOf => charged(strings(lookup.groups_of(text(0)?)), frame),
        Func::IsBreakGlass => Ok(Val::Bool(lookup.is_break_glass(text(0)?))),
        Func::Declared => Ok(Val::Bool(lookup.declared(text(0)?))),
        Func::Expand => {
            frame.charge(values[0].as_list().len())?;
            if lookup.expands_to_itself(values[0].as_list()) {
                return charged(values[0].clone(), frame);
            }
            charged(Val::list(lookup.expand(values[0].as_list())), frame)
        }
        Func::AssignmentsOf => charged(Val::list(lookup.assignments_of(text(0)?)), frame),
        Func::AssignmentsReaching => {
            charged(Val::list(lookup.assignments_reaching(text(0)?)), frame)
        }
        Func::FirstIndex => {
            let Val::List(items) = &values[0] else {
                return err(format!("firstIndex() of a {}", values[0].type_name()));
            };
            frame.charge(items.len())?;
            let found = items.iter().position(|item| equal(item, &values[1]));
            Ok(Val::Int(found.map_or(-1, |i| i as i64)))
        }
        Func::Role => Ok(super::lookup::role(text(0)?)),
        Func::GraphPermission => Ok(super::lookup::graph_permission(text(0)?)),
    }
}

/// `join(list)` and `join(list, separator)`.
fn join(values: &[Val], separator: &str) -> R {
    let mut out = String::new();
    for (i, item) in values[0].as_list().iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        match item {
            Val::Str(s) => out.push_str(s),
            other => {
                return err(format!("join() of a list holding a {}", other.type_name()));
            }
        }
    }
    Ok(Val::str(&out))
}

/// The lists extension's `slice`: the items from `start` up to, not including, `end`.
fn slice(values: &[Val]) -> R {
    let Val::List(items) = &values[0] else {
        return err(format!("slice() of a {}", values[0].type_name()));
    };
    let (Val::Int(start), Val::Int(end)) = (&values[1], &values[2]) else {
        return err("slice() needs int indexes");
    };
    let invalid = |why: String| err(format!("cannot slice({start}, {end}), {why}"));
    if *start < 0 || *end < 0 {
        return invalid("negative indexes not supported".into());
    }
    if start > end {
        return invalid("start index must be less than or equal to end index".into());
    }
    match items.get(*start as usize..*end as usize) {
        Some(kept) => Ok(Val::list(kept.to_vec())),
        None => invalid(format!("list is length {}", items.len())),
    }
}

/// `string()`, `int()`, `timestamp()` and `duration()`.
fn convert(func: Func, value: &Val) -> R {
    match func {
        Func::String => Ok(match value {
            Val::Str(s) => Val::Str(s.clone()),
            Val::Timestamp(t) => Val::str(&t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            Val::Int(_) | Val::UInt(_) | Val::Float(_) | Val::Bool(_) => Val::str(&value.show()),
            other => return err(format!("string() of a {}", other.type_name())),
        }),
        Func::Int => match value {
            Val::Int(n) => Ok(Val::Int(*n)),
            Val::UInt(n) => i64::try_from(*n)
                .map(Val::Int)
                .map_err(|_| Error("integer overflow".into())),
            Val::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Ok(Val::Int(*f as i64)),
            Val::Str(s) => s
                .parse()
                .map(Val::Int)
                .map_err(|_| Error(format!("int() cannot parse `{s}`"))),
            Val::Timestamp(t) => Ok(Val::Int(t.timestamp())),
            other => err(format!("int() of a {}", other.type_name())),
        },
        Func::Timestamp => match value {
            Val::Str(s) => chrono::DateTime::parse_from_rfc3339(s)
                .map(Val::Timestamp)
                .map_err(|e| Error(format!("timestamp() cannot parse `{s}`: {e}"))),
            Val::Timestamp(t) => Ok(Val::Timestamp(*t)),
            other => err(format!("timestamp() of a {}", other.type_name())),
        },
        Func::Duration => match value {
            Val::Str(s) => parse_duration(s)
                .map(Val::Duration)
                .ok_or_else(|| Error(format!("duration() cannot parse `{s}`"))),
            Val::Duration(d) => Ok(Val::Duration(*d)),
            other => err(format!("duration() of a {}", other.type_name())),
        },
        _ => err(format!("{func:?} is not a conversion")),
    }
}

/// `min()` and `max()`, of a list or of their arguments.
fn extreme(func: Func, values: &[Val]) -> R {
    let items: &[Val] = match values {
        [Val::List(items)] => items,
        many => many,
    };
    let want = if func == Func::Min {
        Ordering::Less
    } else {
        Ordering::Greater
    };
    let mut best: Option<&Val> = None;
    for item in items {
        best = match best {
            None => Some(item),
            Some(b) => match compare(item, b) {
                Some(o) if o == want => Some(item),
                Some(_) => Some(b),
                None => {
                    return err(format!(
                        "cannot compare a {} with a {}",
                        item.type_name(),
                        b.type_name()
                    ));
                }
            },
        };
    }
    best.cloned().ok_or_else(|| {
        Error(format!(
            "{}() of an empty list",
            if func == Func::Min { "min" } else { "max" }
        ))
    })
}

/// `principal(id)`: the last one looked up is kept, as a loop asks for the same id in a row.
fn principal(values: &[Val], frame: &mut Frame, lookup: &Lookup) -> R {
    let Val::Str(id) = &values[0] else {
        return err(format!(
            "{:?} needs a string, not a {}",
            Func::Principal,
            values[0].type_name()
        ));
    };
    if let Some((last, found)) = &frame.last_principal
        && Arc::ptr_eq(last, id)
    {
        return Ok(found.clone());
    }
    let found = lookup.principal(id);
    frame.last_principal = Some((id.clone(), found.clone()));
    Ok(found)
}

/// A list a function made, its length counted as work.
fn charged(list: Val, frame: &mut Frame) -> R {
    frame.charge(list.as_list().len())?;
    Ok(list)
}

fn strings(items: Vec<String>) -> Val {
    Val::list(items.iter().map(|s| Val::str(s)).collect())
}

/// CEL's duration syntax: a sequence of decimal numbers with units h, m, s, ms, us, ns (`90s`).
fn parse_duration(text: &str) -> Option<chrono::TimeDelta> {
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    if rest.is_empty() {
        return None;
    }
    let mut nanos: f64 = 0.0;
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..end].parse().ok()?;
        rest = &rest[end..];
        let unit = ["ns", "us", "ms", "h", "m", "s"]
            .into_iter()
            .find(|u| rest.starts_with(u))?;
        rest = &rest[unit.len()..];
        nanos += number
            * match unit {
                "h" => 3.6e12,
                "m" => 6e10,
                "s" => 1e9,
                "ms" => 1e6,
                "us" => 1e3,
                _ => 1.0,
            };
    }
    let delta = chrono::TimeDelta::nanoseconds(nanos as i64);
    Some(if negative { -delta } else { delta })
}
