//! Hash indexes over lists a rule searches again and again: `x in LIST` and `firstIndex(LIST, x)`
//! where LIST is loop-invariant (a memo, see [`super::hoist`]) are answered by hashing, built once
//! per memoised value, instead of by a scan per item.

use std::hash::{BuildHasher, Hasher};

use super::Val;
use super::run::equal;

/// A list's items by hash: (hash, position) pairs, sorted, so that the first equal item of a hash
/// is the first in the list.
#[derive(Debug)]
pub struct ListIndex {
    entries: Vec<(u64, u32)>,
}

impl ListIndex {
    pub fn build(items: &[Val]) -> ListIndex {
        let mut entries: Vec<(u64, u32)> = items
            .iter()
            .enumerate()
            .map(|(i, item)| (hash(item), i as u32))
            .collect();
        entries.sort_unstable();
        ListIndex { entries }
    }

    /// The position of the first item of `items` (the list the index was built on) equal to
    /// `needle` under CEL's equality.
    pub fn first(&self, items: &[Val], needle: &Val) -> Option<usize> {
        let wanted = hash(needle);
        let start = self.entries.partition_point(|(h, _)| *h < wanted);
        self.entries[start..]
            .iter()
            .take_while(|(h, _)| *h == wanted)
            .map(|(_, i)| *i as usize)
            .find(|&i| items.get(i).is_some_and(|item| equal(item, needle)))
    }
}

/// A hash that agrees with [`equal`]: values CEL calls equal hash alike (numbers of any type by
/// their value as a double, mappings by their size alone, as their keys may come in any order).
fn hash(value: &Val) -> u64 {
    let mut hasher = foldhash::fast::FixedState::default().build_hasher();
    feed(value, &mut hasher);
    hasher.finish()
}

fn feed(value: &Val, hasher: &mut impl Hasher) {
    match value {
        Val::Null => hasher.write_u8(0),
        Val::Bool(b) => {
            hasher.write_u8(1);
            hasher.write_u8(u8::from(*b));
        }
        Val::Int(_) | Val::UInt(_) | Val::Float(_) => {
            let number = match value {
                Val::Int(n) => *n as f64,
                Val::UInt(n) => *n as f64,
                Val::Float(f) => *f,
                _ => 0.0,
            };
            hasher.write_u8(2);
            // 0.0 and -0.0 are equal.
            hasher.write_u64(if number == 0.0 { 0 } else { number.to_bits() });
        }
        Val::Str(s) => {
            hasher.write_u8(3);
            hasher.write(s.as_bytes());
            hasher.write_u8(0xff);
        }
        Val::List(items) => {
            hasher.write_u8(4);
            hasher.write_usize(items.len());
            items.iter().for_each(|item| feed(item, hasher));
        }
        Val::Map(fields) => {
            hasher.write_u8(5);
            hasher.write_usize(fields.len());
        }
        Val::Timestamp(t) => {
            hasher.write_u8(6);
            hasher.write_i64(t.timestamp());
            hasher.write_u32(t.timestamp_subsec_nanos());
        }
        Val::Duration(d) => {
            hasher.write_u8(7);
            hasher.write_i64(d.num_seconds());
            hasher.write_i32(d.subsec_nanos());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_equal_item_is_found_across_numeric_types() {
        let items = vec![
            Val::str("a"),
            Val::Int(1),
            Val::list(vec![Val::str("x"), Val::Null]),
            Val::Float(1.0),
            Val::str("a"),
        ];
        let index = ListIndex::build(&items);
        assert_eq!(index.first(&items, &Val::str("a")), Some(0));
        assert_eq!(index.first(&items, &Val::UInt(1)), Some(1));
        assert_eq!(index.first(&items, &Val::Float(1.0)), Some(1));
        assert_eq!(
            index.first(&items, &Val::list(vec![Val::str("x"), Val::Null])),
            Some(2)
        );
        assert_eq!(index.first(&items, &Val::str("b")), None);
        assert_eq!(index.first(&items, &Val::Float(f64::NAN)), None);
    }
}
