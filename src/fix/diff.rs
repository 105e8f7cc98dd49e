//! The unified diff `check --diff` prints: what `--fix` would write, file by file.

use similar::TextDiff;

/// A unified diff (three lines of context) between a file's text and its fixed text, with
/// `a/` and `b/` headers naming the file (`name` is already escaped); empty when they are the
/// same. The lines are shown as snippets are: control characters as `?` and secret values
/// masked, so no line of the file can reach a terminal or a CI log as a command.
pub fn unified(name: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    let (before, after) = (
        crate::escape::snippet(before),
        crate::escape::snippet(after),
    );
    let diff = TextDiff::from_lines(&*before, &*after);
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
    fn control_characters_and_secrets_do_not_reach_the_diff() {
        let before = "note: \"\x1b[2J\"\nsecretText: hunter2\nb: 2\n";
        let after = "note: \"\x1b[2J\"\nsecretText: hunter2\nb: 3\n";
        let diff = unified("t.yaml", before, after);
        assert!(
            !diff.contains('\x1b') && !diff.contains("hunter2"),
            "{diff}"
        );
        assert!(diff.contains("+b: 3\n"), "{diff}");
    }

    #[test]
    fn no_change_no_diff() {
        assert_eq!(unified("t.yaml", "a: 1\n", "a: 1\n"), "");
    }
}
