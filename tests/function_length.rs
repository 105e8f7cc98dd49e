//! No function in `src/` runs over 120 lines. A function that long mixes concerns, is hard to
//! review and test in parts, and tends to grow further; the architecture asks for it to be split
//! into named steps instead. The test reads the source as text: rustfmt keeps a function's closing
//! brace at the indentation of its `fn` line, so a function runs from the line that declares it to
//! the first line below, at that indentation, that starts with `}`.

use std::path::{Path, PathBuf};

/// The longest a function may be, counting its `fn` line and its closing brace.
const LIMIT: usize = 120;

/// A function found in a file: its name, the line it starts on (from 1), and its length in lines.
#[derive(Debug, PartialEq)]
struct Function {
    name: String,
    line: usize,
    length: usize,
}

/// The function a line declares, if it does: the line without its indentation is `fn name`,
/// after any of `pub`, `pub(…)`, `const`, `async`, `unsafe`, `extern "…"` and `default`.
fn declared(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("fn ") {
            let end = after
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let name = &after[..end];
            // `fn(` is a function pointer type, and a macro's `fn $name` is not a function yet.
            return name
                .starts_with(|c: char| c.is_alphabetic() || c == '_')
                .then_some(name);
        }
        rest = if let Some(after) = rest.strip_prefix("pub(") {
            after.split_once(") ")?.1
        } else if let Some(after) = rest.strip_prefix("extern \"") {
            after.split_once("\" ")?.1
        } else {
            ["pub ", "const ", "async ", "unsafe ", "default "]
                .iter()
                .find_map(|word| rest.strip_prefix(word))?
        };
    }
}

/// A line's code, without a trailing `//` comment (one inside a string literal is kept).
fn code(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '/' if !in_string && previous == '/' => return &line[..at - 1],
            _ => {}
        }
        previous = c;
    }
    line
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Every function with a body in a file's text. A declaration without a body (a trait method or
/// an extern function, ending in `;`) is skipped; a body whose closing brace cannot be found is
/// taken to run to the end of the file, so that it fails rather than passes unseen.
fn functions(text: &str) -> Vec<Function> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let Some(name) = declared(line) else {
            continue;
        };
        let indent = indentation(line);
        // The signature ends at the first line that opens the body, closes a one-line body or
        // ends a declaration.
        let Some(opens) = (start..lines.len()).find(|&i| {
            let end = code(lines[i]).trim_end();
            end.ends_with('{') || end.ends_with('}') || end.ends_with(';')
        }) else {
            continue;
        };
        let signature_end = code(lines[opens]).trim_end();
        if signature_end.ends_with(';') {
            continue;
        }
        let end = if signature_end.ends_with('}') {
            opens
        } else {
            (opens + 1..lines.len())
                .find(|&i| {
                    indentation(lines[i]) == indent && lines[i].trim_start().starts_with('}')
                })
                .unwrap_or(lines.len() - 1)
        };
        found.push(Function {
            name: name.to_string(),
            line: start + 1,
            length: end - start + 1,
        });
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_function_in_src_is_over_the_limit() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    assert!(!files.is_empty(), "no Rust files found under src/");
    let mut long = Vec::new();
    let mut seen = 0;
    for path in &files {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for function in functions(&text) {
            seen += 1;
            if function.length > LIMIT {
                long.push(format!(
                    "{}:{}: fn {} is {} lines",
                    path.display(),
                    function.line,
                    function.name,
                    function.length
                ));
            }
        }
    }
    // A reader that found no functions at all would pass everything.
    assert!(seen > 100, "only {seen} functions found under src/");
    assert!(
        long.is_empty(),
        "functions over {LIMIT} lines; split them into named steps:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_reader_measures_functions_and_skips_declarations() {
    let text = r#"
pub(crate) const fn short() -> u32 {
    1
}

impl Thing {
    pub async fn method(&self)
    where
        Self: Sized,
    {
        let url = "http://x"; // a comment
        if x {
            y();
        }
    }
}

trait Named {
    fn name(&self) -> String;
    fn spread(
        &self,
    ) -> String;
    fn provided(&self) -> u32 { 2 }
}

fn with_comment() { // opens here
}

type Callback = fn(u32) -> u32;
"#;
    let found: Vec<(String, usize, usize)> = functions(text)
        .into_iter()
        .map(|f| (f.name, f.line, f.length))
        .collect();
    let expected = [
        ("short", 2, 3),
        ("method", 7, 9),
        ("provided", 23, 1),
        ("with_comment", 26, 2),
    ];
    let expected: Vec<(String, usize, usize)> = expected
        .iter()
        .map(|(n, l, len)| (n.to_string(), *l, *len))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn the_reader_flags_a_long_function() {
    let body = "    step();\n".repeat(LIMIT);
    let text = format!("fn long() {{\n{body}}}\n");
    let found = functions(&text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].length, LIMIT + 2);
    assert!(found[0].length > LIMIT);
}
