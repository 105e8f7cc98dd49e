//! What a person reads for every kind of load problem: human and short output, one snapshot each.

mod common;

use std::path::Path;

use entralint::check::{Outcome, check_source};
use entralint::report::{self, Format, Style};

fn render(path: &Path, format: Format) -> String {
    let bytes = std::fs::read(path).unwrap();
    let name = format!(
        "tests/fixtures/load/{}",
        path.file_name().unwrap().to_string_lossy()
    );
    common::render_reports(check_source(&name, &bytes, true, None), format)
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

/// The hostile inputs whose diagnostics are short enough to read in a snapshot.
#[test]
fn hostile_output() {
    for name in [
        "alias-bomb.yaml",
        "multi-document.yaml",
        "invalid-utf8.yaml",
        "nul-bytes.yaml",
        "tabs.yaml",
        "unterminated-quote.yaml",
        "utf16le-bom.yaml",
    ] {
        let path = Path::new("tests/fixtures/hostile").join(name);
        let bytes = std::fs::read(&path).unwrap();
        let shown = format!("tests/fixtures/hostile/{name}");
        let outcome = Outcome {
            files: check_source(&shown, &bytes, true, None)
                .into_iter()
                .collect(),
            ..Outcome::default()
        };
        let mut out = Vec::new();
        let style = Style {
            color: false,
            width: 100,
        };
        report::render(
            &outcome,
            Format::Human,
            style,
            &Default::default(),
            &mut out,
        )
        .unwrap();
        insta::assert_snapshot!(format!("hostile-{name}"), String::from_utf8(out).unwrap());
    }
}

#[test]
fn file_too_large_output() {
    let loaded = entralint::load::too_large("tenants/huge.yaml", 314_572_800);
    let outcome = Outcome {
        files: vec![entralint::diagnostic::FileReport {
            source: loaded.source,
            diagnostics: loaded.diagnostics,
        }],
        ..Outcome::default()
    };
    let mut out = Vec::new();
    report::render(
        &outcome,
        Format::Short,
        Style {
            color: false,
            width: 100,
        },
        &Default::default(),
        &mut out,
    )
    .unwrap();
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}
