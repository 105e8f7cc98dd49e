//! `--format junit`: a test suite per tenant file, a test case per finding, written with
//! `quick-junit`. A finding at or above `--fail-on` is a failed case; one below it is a passed case
//! whose `system-out` holds the finding, so a run that exits 0 shows no failed test. A file without
//! findings is one passing case.

use std::io::{self, Write};
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::Meta;
use crate::diagnostic::{Diagnostic, FileReport};
use crate::outcome::Outcome;

pub fn render(outcome: &Outcome, meta: &Meta, out: &mut dyn Write) -> io::Result<()> {
    let mut report = Report::new("entralint");
    let elapsed = meta.run.map_or(Duration::ZERO, |r| r.elapsed);
    report.set_time(elapsed);
    if let Some(run) = meta.run {
        report.set_timestamp(run.started.fixed_offset());
    }
    for file in &outcome.files {
        report.add_test_suite(suite(file, meta));
    }
    report
        .serialize(&mut *out)
        .map_err(|err| io::Error::other(err.to_string()))?;
    writeln!(out)
}

fn suite(file: &FileReport, meta: &Meta) -> TestSuite {
    let name = crate::paths::display(&file.source.name);
    let mut suite = TestSuite::new(name.as_ref());
    // Findings are not timed one by one: each case says it took no time.
    suite.set_time(Duration::ZERO);
    if let Some(run) = meta.run {
        suite.set_timestamp(run.started.fixed_offset());
    }
    let mut any = false;
    for d in file.diagnostics.iter().filter(|d| d.is_active()) {
        any = true;
        suite.add_test_case(case(file, &name, d, meta));
    }
    if !any {
        let mut case = TestCase::new("no problems", TestCaseStatus::success());
        case.set_classname(name.as_ref()).set_time(Duration::ZERO);
        suite.add_test_case(case);
    }
    suite
}

fn case(file: &FileReport, name: &str, d: &Diagnostic, meta: &Meta) -> TestCase {
    let at = file.source.line_col(d.span.start);
    let mut body = format!(
        "{name}:{}:{}: {}: {}",
        at.line, at.column, d.severity, d.message
    );
    if let Some(help) = &d.help {
        body.push_str("\nhelp: ");
        body.push_str(help);
    }
    if !d.controls.is_empty() {
        body.push_str("\ncontrols: ");
        body.push_str(&d.controls.join(", "));
    }
    let fails = meta.fail_on.is_some_and(|t| d.severity >= t);
    let status = if fails {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status
            .set_type(d.severity.as_str())
            .set_message(d.message.as_str())
            .set_description(body.as_str());
        status
    } else {
        TestCaseStatus::success()
    };
    let mut case = TestCase::new(format!("{} at {}:{}", d.code, at.line, at.column), status);
    case.set_classname(name).set_time(Duration::ZERO);
    if !fails {
        case.set_system_out(body.as_str());
    }
    case.extra.insert("file".into(), name.into());
    case.extra.insert("line".into(), at.line.to_string().into());
    case
}
