//! The unified diff `check --diff` prints: what `--fix` would write, file by file.

use similar::TextDiff;

/// A unified diff (three lines of context) between a file's text and its fixed text, with
/// `a/` and `b/` headers naming the file; empty when they are the same.
pub fn unified(name: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    let diff = TextDiff::from_lines(before, after);
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_shows_as_removed_and_added() {
        let diff = unified("t.yaml", "a: 1\nb: 2\n", "a: 1\nb: 3\n");
        assert_eq!(
            diff,
            "--- a/t.yaml\n+++ b/t.yaml\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n"
        );
    }

    #[test]
    fn no_change_no_diff() {
        assert_eq!(unified("t.yaml", "a: 1\n", "a: 1\n"), "");
    }
}
