//! Helpers shared by the integration tests.

use entralint::check::Outcome;
use entralint::diagnostic::FileReport;
use entralint::report::{self, Format, Style};

/// Reports rendered in `format` as snapshots take them: no color, 100 columns.
pub fn render_reports(files: impl IntoIterator<Item = FileReport>, format: Format) -> String {
    let outcome = Outcome {
        files: files.into_iter().collect(),
        ..Outcome::default()
    };
    let mut out = Vec::new();
    let style = Style {
        color: false,
        width: 100,
    };
    report::render(&outcome, format, style, &Default::default(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}
