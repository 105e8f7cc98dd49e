//! Loop-invariant hoisting. A sub-expression inside a comprehension that loops itself but reads
//! none of the comprehension's variables — `min(tenant.roleAssignments.filter(…).map(…))` inside
//! `owners.exists(o, …)` — gives the same value on every iteration. It is marked as a memo, which
//! the evaluator computes on first use and keeps until the outermost comprehension it does not
//! depend on is entered again. Being computed on first use, it stays lazy: short-circuits and
//! errors behave exactly as without it.
//!
//! A collection rule's condition runs once per item, as if inside a loop over the items that
//! binds `item` (and `value`): a comprehension that reads neither — `tenant.roleAssignments.map(…)`
//! — is kept from one item to the next, and forgotten when a run starts afresh.

use super::compile::{Expr, GLOBALS, Loop};

/// What hoisting made: how many memos, and which of them last across the items of a collection.
pub struct Hoisted {
    pub memos: usize,
    pub per_run: Vec<usize>,
}

/// Marks the invariant sub-expressions of `expr`.
pub fn hoist(expr: &mut Expr) -> Hoisted {
    let slot = |name: &str| GLOBALS.iter().position(|g| *g == name).expect("a global");
    let mut hoister = Hoister {
        // The items of a collection rule: the outermost loop, run by the evaluator.
        loops: vec![Open {
            var: slot("item"),
            accu: slot("value"),
            resets: Vec::new(),
        }],
        memos: 0,
    };
    hoister.walk(expr);
    let items = hoister.loops.pop().expect("pushed above");
    Hoisted {
        memos: hoister.memos,
        per_run: items.resets,
    }
}

/// A comprehension being walked: its variables and the memos to forget when it is entered.
struct Open {
    var: usize,
    accu: usize,
    resets: Vec<usize>,
}

struct Hoister {
    loops: Vec<Open>,
    memos: usize,
}

impl Hoister {
    fn walk(&mut self, expr: &mut Expr) {
        if contains_loop(expr) {
            let free = free_slots(expr);
            // The outermost enclosing comprehension from which inward none binds what `expr` reads.
            let mut outer = self.loops.len();
            while outer > 0 {
                let open = &self.loops[outer - 1];
                if free.contains(&open.var) || free.contains(&open.accu) {
                    break;
                }
                outer -= 1;
            }
            if outer < self.loops.len() {
                // Inside, `expr` sees only the comprehensions outside `outer`.
                let inner = self.loops.split_off(outer);
                self.walk_inside(expr);
                self.loops.extend(inner);
                let memo = self.memos;
                self.memos += 1;
                self.loops[outer].resets.push(memo);
                let body = std::mem::replace(expr, Expr::Slot(0));
                *expr = Expr::Memo(memo, Box::new(body));
                return;
            }
        }
        self.walk_inside(expr);
    }

    fn walk_inside(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Loop(l) => self.walk_loop(l),
            other => children(other, &mut |child| self.walk(child)),
        }
    }

    fn walk_loop(&mut self, l: &mut Loop) {
        // The range and the first accumulator are computed once per entry, outside the loop.
        self.walk(&mut l.range);
        self.walk(&mut l.init);
        self.loops.push(Open {
            var: l.var,
            accu: l.accu,
            resets: Vec::new(),
        });
        self.walk(&mut l.cond);
        l.step.exprs_mut().for_each(|e| self.walk(e));
        self.walk(&mut l.result);
        let open = self.loops.pop().expect("pushed above");
        l.resets.extend(open.resets);
    }
}

fn contains_loop(expr: &Expr) -> bool {
    match expr {
        Expr::Loop(_) => true,
        Expr::Memo(..) => false,
        other => {
            let mut found = false;
            children_ref(other, &mut |child| found |= contains_loop(child));
            found
        }
    }
}

/// The slots `expr` reads that no comprehension inside it binds.
fn free_slots(expr: &Expr) -> Vec<usize> {
    let mut free = Vec::new();
    collect_free(expr, &mut Vec::new(), &mut free);
    free
}

fn collect_free(expr: &Expr, bound: &mut Vec<usize>, free: &mut Vec<usize>) {
    match expr {
        Expr::Slot(slot) => {
            if !bound.contains(slot) && !free.contains(slot) {
                free.push(*slot);
            }
        }
        Expr::Loop(l) => {
            collect_free(&l.range, bound, free);
            collect_free(&l.init, bound, free);
            bound.push(l.var);
            bound.push(l.accu);
            collect_free(&l.cond, bound, free);
            l.step.exprs().for_each(|e| collect_free(e, bound, free));
            collect_free(&l.result, bound, free);
            bound.truncate(bound.len() - 2);
        }
        other => children_ref(other, &mut |child| collect_free(child, bound, free)),
    }
}

/// Calls `f` on each direct sub-expression (comprehensions are walked by the callers).
pub(super) fn children(expr: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    match expr {
        Expr::Const(_) | Expr::Slot(_) | Expr::Loop(_) => {}
        Expr::Select(a, _) | Expr::Has(a, _) | Expr::Not(a) | Expr::Neg(a) => f(a),
        Expr::NotStrictlyFalse(a) | Expr::Memo(_, a) => f(a),
        Expr::Index(a, b) | Expr::And(a, b) | Expr::Or(a, b) | Expr::Binary(_, a, b) => {
            f(a);
            f(b);
        }
        Expr::Cond(c, a, b) => {
            f(c);
            f(a);
            f(b);
        }
        Expr::List(items) | Expr::Call(_, items) => items.iter_mut().for_each(f),
        Expr::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            f(k);
            f(v);
        }),
    }
}

pub(super) fn children_ref(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    match expr {
        Expr::Const(_) | Expr::Slot(_) => {}
        Expr::Loop(l) => {
            f(&l.range);
            f(&l.init);
            f(&l.cond);
            l.step.exprs().for_each(&mut *f);
            f(&l.result);
        }
        Expr::Select(a, _) | Expr::Has(a, _) | Expr::Not(a) | Expr::Neg(a) => f(a),
        Expr::NotStrictlyFalse(a) | Expr::Memo(_, a) => f(a),
        Expr::Index(a, b) | Expr::And(a, b) | Expr::Or(a, b) | Expr::Binary(_, a, b) => {
            f(a);
            f(b);
        }
        Expr::Cond(c, a, b) => {
            f(c);
            f(a);
            f(b);
        }
        Expr::List(items) | Expr::Call(_, items) => items.iter().for_each(f),
        Expr::Map(entries) => entries.iter().for_each(|(k, v)| {
            f(k);
            f(v);
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Val;
    use super::super::lookup::Lookup;
    use super::super::parse::parse;
    use super::super::run::{Env, Frame, run};

    fn eval(text: &str) -> (usize, String) {
        let compiled = parse(text).expect("in the subset");
        let tenant = Val::map(Vec::new());
        let lookup = Lookup::build(&tenant, None);
        let env = Env { lookup: &lookup };
        let mut frame = Frame::new(8);
        let value = run(&compiled, &mut frame, &env).expect("evaluates");
        // The memos inside the expression's own loops (the outermost loop, reading no item, is
        // kept per run besides).
        (compiled.memos - compiled.per_run.len(), value.show())
    }

    #[test]
    fn invariant_loops_are_computed_once_per_entry_of_the_loop_they_ignore() {
        // `[5].map(z, z + l[0])` ignores `x` but reads `l`: it is kept for one entry of the
        // `x` loop, and forgotten when the next `l` enters it again.
        let (memos, shown) = eval("[[1], [2]].map(l, l.map(x, [5].map(z, z + l[0])))");
        assert_eq!(memos, 1);
        assert_eq!(shown, "6, 7");
    }

    #[test]
    fn a_loop_that_ignores_the_item_is_kept_across_items_until_a_fresh_run() {
        use super::super::run::run_next;
        let compiled = parse("tenant.map(b, b * 10)[item]").expect("in the subset");
        assert_eq!(compiled.per_run.len(), 1);
        // Not kept: the loop reads `item`.
        assert!(
            parse("tenant.map(b, b + item)[0]")
                .unwrap()
                .per_run
                .is_empty()
        );
        let tenant = Val::map(Vec::new());
        let lookup = Lookup::build(&tenant, None);
        let env = Env { lookup: &lookup };
        let mut frame = Frame::new(8);
        let (tenant, item) = (0, 3);
        frame.set(tenant, Val::list(vec![Val::Int(1), Val::Int(2)]));
        frame.set(item, Val::Int(0));
        assert_eq!(run(&compiled, &mut frame, &env), Ok(Val::Int(10)));
        // The next item sees the list made for the first; a fresh run makes it again.
        frame.set(tenant, Val::list(vec![Val::Int(3), Val::Int(4)]));
        frame.set(item, Val::Int(1));
        assert_eq!(run_next(&compiled, &mut frame, &env), Ok(Val::Int(20)));
        assert_eq!(run(&compiled, &mut frame, &env), Ok(Val::Int(40)));
    }

    #[test]
    fn nothing_is_hoisted_when_every_loop_reads_its_variable() {
        let (memos, shown) = eval("[1, 2].map(x, [3].map(y, x + y))");
        assert_eq!(memos, 0);
        assert_eq!(shown, "4, 5");
    }

    #[test]
    fn invariance_reaches_past_every_loop_not_read() {
        // The filter ignores `b` and `o`; the `exists` reads `o`.
        let (memos, shown) =
            eval("[1, 2].all(o, [1, 2].exists(b, b + o >= [3, 1].filter(a, a > 0).size()))");
        assert_eq!(memos, 1);
        assert_eq!(shown, "true");
        // Here the `exists` ignores `o` too, and the filter inside it is hoisted again.
        let (memos, shown) =
            eval("[1].all(o, [1, 2].exists(b, b >= [3, 1].filter(a, a > 0).size()))");
        assert_eq!(memos, 2);
        assert_eq!(shown, "true");
    }
}
