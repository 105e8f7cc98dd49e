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
    // What each node reads and whether it loops, found in one pass before any node is wrapped
    // (the walk decides at a node before it changes the node's sub-expressions).
    let mut facts = Vec::new();
    survey(expr, Some(&mut facts));
    let mut hoister = Hoister {
        // The items of a collection rule: the outermost loop, run by the evaluator.
        loops: vec![Open {
            var: slot("item"),
            accu: slot("value"),
            resets: Vec::new(),
        }],
        memos: 0,
        facts: facts.into_iter(),
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
    /// Each node's [`Facts`], in the order the walk meets the nodes.
    facts: std::vec::IntoIter<Facts>,
}

impl Hoister {
    fn walk(&mut self, expr: &mut Expr) {
        let facts = self.facts.next().expect("one survey entry a node");
        if facts.loops {
            // The outermost enclosing comprehension from which inward none binds what `expr` reads.
            let mut outer = self.loops.len();
            while outer > 0 {
                let open = &self.loops[outer - 1];
                if facts.free.has(open.var) || facts.free.has(open.accu) {
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

/// Of one node: whether a comprehension is inside it, and the slots it reads that no
/// comprehension inside it binds.
#[derive(Clone, Copy)]
struct Facts {
    loops: bool,
    free: Slots,
}

/// A set of slots. A slot past the last bit counts as read by every node that reads any such
/// slot, which only keeps such a node from being hoisted.
#[derive(Clone, Copy, Default)]
struct Slots {
    bits: u128,
    past: bool,
}

impl Slots {
    fn one(slot: usize) -> Slots {
        match u32::try_from(slot).ok().and_then(|s| 1u128.checked_shl(s)) {
            Some(bit) => Slots {
                bits: bit,
                past: false,
            },
            None => Slots {
                bits: 0,
                past: true,
            },
        }
    }

    fn has(self, slot: usize) -> bool {
        let bit = u32::try_from(slot).ok().and_then(|s| 1u128.checked_shl(s));
        bit.map_or(self.past, |bit| self.bits & bit != 0)
    }

    fn with(self, other: Slots) -> Slots {
        Slots {
            bits: self.bits | other.bits,
            past: self.past || other.past,
        }
    }

    fn without(self, slot: usize) -> Slots {
        match Slots::one(slot) {
            Slots { past: true, .. } => self,
            one => Slots {
                bits: self.bits & !one.bits,
                past: self.past,
            },
        }
    }
}

/// Whether `expr` reads no variable but `tenant`, `params` and `now` (and those it binds itself):
/// its value is the same throughout a rule's run on one tenant.
pub fn reads_only_the_run(expr: &Expr) -> bool {
    let free = survey(expr, None).free;
    let run = ["tenant", "params", "now"].map(|name| GLOBALS.iter().position(|g| *g == name));
    !free.past && (0..128).all(|slot| !free.has(slot) || run.contains(&Some(slot)))
}

/// The [`Facts`] of `expr`. With `out`, also pushes those of each node inside it, in the walk's
/// order (a node, then its sub-expressions as [`children_ref`] gives them).
fn survey(expr: &Expr, mut out: Option<&mut Vec<Facts>>) -> Facts {
    let at = out.as_deref_mut().map(|out| {
        out.push(Facts {
            loops: false,
            free: Slots::default(),
        });
        out.len() - 1
    });
    let facts = match expr {
        Expr::Slot(slot) => Facts {
            loops: false,
            free: Slots::one(*slot),
        },
        Expr::Loop(l) => {
            let mut free = |e: &Expr| survey(e, out.as_deref_mut()).free;
            let outside = free(&l.range).with(free(&l.init));
            let mut inside = free(&l.cond);
            l.step.exprs().for_each(|e| inside = inside.with(free(e)));
            inside = inside.with(free(&l.result));
            Facts {
                loops: true,
                free: outside.with(inside.without(l.var).without(l.accu)),
            }
        }
        other => {
            let mut facts = Facts {
                loops: false,
                free: Slots::default(),
            };
            children_ref(other, &mut |child| {
                let child = survey(child, out.as_deref_mut());
                facts.loops |= child.loops;
                facts.free = facts.free.with(child.free);
            });
            // A memo is computed apart: the loops inside it are not this node's to hoist.
            facts.loops &= !matches!(other, Expr::Memo(..));
            facts
        }
    };
    if let (Some(out), Some(at)) = (out, at) {
        out[at] = facts;
    }
    facts
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
    fn a_loop_reads_only_the_run_when_it_reads_no_item_value_or_outer_variable() {
        use super::super::compile::Expr;
        // The comprehension inside each condition (below its memo), and whether it reads only
        // the run.
        for (text, only_the_run) in [
            ("size(tenant.users.filter(u, u.id != '')) > 0", true),
            (
                "size(params.keys.filter(k, k in tenant.keys && now != null)) > 0",
                true,
            ),
            ("size(tenant.users.filter(u, u.id == item.id)) > 0", false),
            ("size(tenant.users.filter(u, u.id == value)) > 0", false),
        ] {
            let compiled = parse(text).expect("in the subset");
            // The answer at the first comprehension met.
            fn first_loop(e: &Expr) -> Option<bool> {
                if matches!(e, Expr::Loop(_)) {
                    return Some(super::reads_only_the_run(e));
                }
                let mut found = None;
                super::children_ref(e, &mut |c| found = found.or_else(|| first_loop(c)));
                found
            }
            assert_eq!(first_loop(&compiled.expr), Some(only_the_run), "{text}");
        }
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
