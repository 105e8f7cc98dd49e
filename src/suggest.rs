//! "Did you mean": the closest known name to a misspelled one.

use std::cell::RefCell;
use std::collections::HashMap;

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let limit = (word.chars().count() / 4).max(1);
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let length = lower.chars().count();
    let near = candidates
        .iter()
        .filter_map(|c| {
            let other = c.to_lowercase();
            // Names whose lengths differ by more than the limit are at least that far apart.
            (other.chars().count().abs_diff(length) <= limit)
                .then(|| (distance(&lower, &other), *c))
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c);
    // An abbreviation ("Global Admin") is a likely slip too: the shortest name it starts.
    near.or_else(|| {
        candidates
            .iter()
            .filter(|c| lower.len() >= 4 && c.to_lowercase().starts_with(&lower))
            .min_by_key(|c| c.len())
            .copied()
    })
}

/// [`closest`] among a fixed list of names (a section's keys), remembered per thread: a
/// generated or exported estate repeats the same unknown keys in every file, and each answer
/// costs an edit distance to every name in the list.
pub fn closest_known(word: &str, names: &'static [&'static str]) -> Option<&'static str> {
    type Answers = HashMap<(usize, usize), HashMap<Box<str>, Option<&'static str>>>;
    thread_local! {
        static ANSWERS: RefCell<Answers> = RefCell::new(HashMap::new());
    }
    // A list is known by where it lives: the names are constants, so the address is stable.
    let list = (names.as_ptr() as usize, names.len());
    ANSWERS.with(|answers| {
        let mut answers = answers.borrow_mut();
        let known = answers.entry(list).or_default();
        if let Some(answer) = known.get(word) {
            return *answer;
        }
        // Bounded: a file of random keys must not grow the memory of a long run.
        if known.len() >= 4096 {
            known.clear();
        }
        let answer = closest(word, names.iter().copied());
        known.insert(Box::from(word), answer);
        answer
    })
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    // Names are nearly always ASCII, whose characters are its bytes: no copy to compare them.
    if a.is_ascii() && b.is_ascii() {
        return levenshtein(a.as_bytes(), b.as_bytes());
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    levenshtein(&a, &b)
}

fn levenshtein<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let next = (row[j] + 1).min(row[j + 1] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_key() {
        let keys = ["allowedToReadOtherUsers", "allowedToCreateApps"];
        assert_eq!(
            closest("allowedToReadOtherUser", keys),
            Some("allowedToReadOtherUsers")
        );
        assert_eq!(
            closest("ALLOWEDTOCREATEAPPS", keys),
            Some("allowedToCreateApps")
        );
        assert_eq!(closest("banana", keys), None);
        static KEYS: [&str; 2] = ["allowedToReadOtherUsers", "allowedToCreateApps"];
        for _ in 0..2 {
            assert_eq!(
                closest_known("allowedToCreateApp", &KEYS),
                Some("allowedToCreateApps")
            );
            assert_eq!(closest_known("banana", &KEYS), None);
        }
        assert_eq!(closest("anyone", ["none", "everyone"]), None);
        assert_eq!(
            closest("Global Admin", ["Global Reader", "Global Administrator"]),
            Some("Global Administrator")
        );
    }
}
