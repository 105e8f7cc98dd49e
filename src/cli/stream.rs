//! `check` printing each file's findings as soon as the driver hands them on: for a human or
//! short report on standard output, memory holds one chunk of reports, never the run's.

use std::io::{self, Write};

use super::check::{allow_empty, empty_run, warn_walk};
use super::output::color;
use super::{CheckArgs, Target, exit};
use crate::check::{self, Request, Sink};
use crate::diagnostic::FileReport;
use crate::report::{Counts, Format, Style, human, short};

/// Whether a run can print as it goes: one human or short report on standard output, and nothing
/// that needs every file at once (fixes, a baseline to write, standard input).
pub fn can_stream(args: &CheckArgs, targets: &[Target]) -> Option<Format> {
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

/// The printing sink: what the run has printed and counted so far.
struct Printer {
    format: Format,
    human: human::Renderer,
    /// Buffered: standard output is line-buffered, and a report is many lines.
    out: io::BufWriter<io::StdoutLock<'static>>,
    /// The first write error; printing stops there (a closed pipe is not a failure).
    failed: Option<io::Error>,
    counts: Counts,
    files: usize,
}

impl Sink for Printer {
    fn file(&mut self, mut report: FileReport) {
        crate::escape::report(&mut report);
        self.counts.add(&report);
        self.files += 1;
        if self.failed.is_none() {
            let written = match self.format {
                Format::Short => short::render_file(&report, &mut self.out),
                _ => self.human.file(&report, &mut self.out),
            };
            self.failed = written.err();
        }
        if report.diagnostics.len() >= crate::diagnostic::PARALLEL_FROM {
            crate::dispose::later(report);
        }
    }
}

pub fn run(args: &CheckArgs, request: &Request, format: Format) -> u8 {
    let style = Style {
        color: color(args.color, &io::stdout()),
        width: 100,
    };
    let mut printer = Printer {
        format,
        human: human::Renderer::new(style),
        out: io::BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
        failed: None,
        counts: Counts::default(),
        files: 0,
    };
    let ended = match check::run(request, &mut printer) {
        Ok(ended) => ended,
        Err(err) => {
            eprintln!("error: {err}");
            return exit::FAILURE;
        }
    };
    warn_walk(&ended, args.verbose);
    if ended.checked == 0 && !allow_empty(args, request) {
        return empty_run(&args.paths, None);
    }
    if format == Format::Human && printer.failed.is_none() {
        printer.failed = human::summary_of(
            &printer.counts,
            printer.files,
            ended.baseline,
            &mut printer.out,
        )
        .and_then(|()| crate::report::unchecked_note(&ended.unchecked, &mut printer.out))
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
        _ if ended.failing => exit::FINDINGS,
        _ => exit::CLEAN,
    }
}
