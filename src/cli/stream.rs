//! `check` printing each file's findings as soon as its chunk is checked: for a human or short
//! report on standard output, memory holds one chunk of reports, never the run's.

use std::io::{self, Write};

use super::{CheckArgs, exit, threshold, warn_walk};
use crate::check::{self, Checker, Progress};
use crate::diagnostic::{FileReport, Severity};
use crate::report::{Counts, Format, Style, human, short};
use crate::suppress::{self, baseline::Applier};

/// Whether a run can print as it goes: one human or short report on standard output, and nothing
/// that needs every file at once (fixes, a baseline to write, standard input).
pub fn can_stream(args: &CheckArgs, targets: &[super::Target]) -> Option<Format> {
    let [target] = targets else {
        return None;
    };
    let alone = !args.fix
        && !args.diff
        && args.write_baseline.is_none()
        && args.stdin_filename.is_none()
        && !args.paths.iter().any(|p| p.as_os_str() == "-")
        && target.file.is_none();
    (alone && matches!(target.format, Format::Human | Format::Short)).then_some(target.format)
}

/// What the run has printed and counted so far.
struct Printer<'a> {
    format: Format,
    human: human::Renderer,
    /// Buffered: standard output is line-buffered, and a report is many lines.
    out: io::BufWriter<io::StdoutLock<'static>>,
    /// The first write error; printing stops there (a closed pipe is not a failure).
    failed: Option<io::Error>,
    baseline: Option<Applier<'a>>,
    counts: Counts,
    files: usize,
    threshold: Option<Severity>,
    failing: bool,
}

impl Printer<'_> {
    fn take(&mut self, mut report: FileReport) {
        if let Some(baseline) = self.baseline.as_mut() {
            baseline.apply(&mut report);
        }
        self.counts.add(&report);
        self.files += 1;
        self.failing |= self.threshold.is_some_and(|t| {
            report
                .diagnostics
                .iter()
                .any(|d| d.is_active() && d.severity >= t)
        });
        if self.failed.is_none() {
            let written = match self.format {
                Format::Short => short::render_file(&report, &mut self.out),
                _ => self.human.file(&report, &mut self.out),
            };
            self.failed = written.err();
        }
    }
}

pub fn run(
    args: &CheckArgs,
    checker: &Checker,
    baseline: Option<&suppress::baseline::Baseline>,
    format: Format,
    progress: Option<&Progress>,
    allow_empty: bool,
) -> u8 {
    let style = Style {
        color: super::color(args.color, &io::stdout()),
        width: 100,
    };
    let mut printer = Printer {
        format,
        human: human::Renderer::new(style),
        out: io::BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
        failed: None,
        baseline: baseline.map(|b| b.applier()),
        counts: Counts::default(),
        files: 0,
        threshold: threshold(args.fail_on),
        failing: false,
    };
    let mut expired = suppress::Expired::default();
    let walked = check::check_each(&args.paths, checker, progress, &mut |report| {
        expired.scan(checker.config, &report);
        printer.take(report);
    });
    let walked = match walked {
        Ok(walked) => walked,
        Err(err) => {
            eprintln!("error: {err}");
            return exit::FAILURE;
        }
    };
    if let Some(report) = expired.report(checker.config) {
        printer.take(report);
    }
    warn_walk(&walked.skipped, &walked.not_tenant, args.verbose);
    if printer.files == 0 && !allow_empty {
        return super::empty_run(&args.paths, None);
    }
    let stats = printer.baseline.take().map(Applier::finish);
    if format == Format::Human && printer.failed.is_none() {
        printer.failed = human::summary_of(&printer.counts, printer.files, stats, &mut printer.out)
            .and_then(|()| crate::report::unchecked_note(&walked.unchecked, &mut printer.out))
            .err();
    }
    if printer.failed.is_none() {
        printer.failed = printer.out.flush().err();
    }
    match printer.failed {
        Some(err) if err.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write the report: {err}");
            exit::FAILURE
        }
        _ if printer.failing => exit::FINDINGS,
        _ => exit::CLEAN,
    }
}
