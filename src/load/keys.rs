//! Finding a repeated key in a mapping being built: a scan while the mapping is small, a hash
//! index once it is not, so that a mapping of a million keys costs a million lookups.

use std::collections::HashMap;

use super::tree::Entry;

/// Below this many entries a scan is faster than hashing.
const SCAN: usize = 16;

/// The keys of one mapping being built, alongside its entries.
#[derive(Debug, Default)]
pub struct Keys {
    index: Option<HashMap<String, usize, foldhash::fast::RandomState>>,
}

impl Keys {
    /// Where `name` already is among `entries`, if it is.
    pub fn find(&mut self, entries: &[Entry], name: &str) -> Option<usize> {
        if self.index.is_none() {
            if entries.len() < SCAN {
                return entries.iter().position(|e| e.key.as_str() == Some(name));
            }
            let mut index = HashMap::with_capacity_and_hasher(
                entries.len() * 2,
                foldhash::fast::RandomState::default(),
            );
            for (i, e) in entries.iter().enumerate() {
                if let Some(k) = e.key.as_str() {
                    index.entry(k.to_string()).or_insert(i);
                }
            }
            self.index = Some(index);
        }
        self.index.as_ref()?.get(name).copied()
    }

    /// Records that `name` is the entry at `at`.
    pub fn add(&mut self, name: &str, at: usize) {
        if let Some(index) = self.index.as_mut() {
            index.insert(name.to_string(), at);
        }
    }
}
