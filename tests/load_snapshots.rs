//! What a person reads for every kind of load problem: human and short output, one snapshot each.

use std::path::Path;

use entralint::check::{Outcome, check_source};
use entralint::report::{self, Format, Style};

fn render(path: &Path, format: Format) -> String {
    let bytes = std::fs::read(path).unwrap();
    let name = format!(
        "tests/fixtures/load/{}",
        path.file_name().unwrap().to_string_lossy()
    );
    let outcome = Outcome {
        files: check_source(&name, &bytes, true, None)
            .into_iter()
            .collect(),
        ..Outcome::default()
    };
    let mut out = Vec::new();
    let style = Style {
        color: false,
        width: 100,
    };
    report::render(&outcome, format, style, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn human_output() {
    insta::glob!("fixtures/load/*.{yaml,json}", |path| {
        insta::assert_snapshot!(render(path, Format::Human));
    });
}

#[test]
fn short_output() {
    insta::glob!("fixtures/load/*.{yaml,json}", |path| {
        insta::assert_snapshot!(render(path, Format::Short));
    });
}
