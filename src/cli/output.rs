//! Where the command line writes: stdout (a closed pipe is not a failure), report files, and
//! problems in entralint's own inputs on stderr.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use super::{Color, exit};
use crate::diagnostic::FileReport;
use crate::outcome::Outcome;
use crate::report::{self, Style};

pub fn color(choice: Color, stream: &impl IsTerminal) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => stream.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Problems in entralint's own inputs (configuration, rule files) go to stderr: the tool failed.
pub fn print_problems(files: Vec<FileReport>) {
    let mut outcome = Outcome {
        files,
        ..Outcome::default()
    };
    crate::escape::outcome(&mut outcome);
    let stderr = io::stderr();
    let style = Style {
        color: color(Color::Auto, &stderr),
        width: 100,
    };
    let _ = report::human::render(&outcome, style, &mut stderr.lock());
}

/// Writes to stdout; a closed pipe (`entralint … | head`) is not a failure.
pub fn write_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), u8> {
    // Standard output is line-buffered: a report of many lines would be a system call each.
    let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write the report: {err}");
            Err(exit::FAILURE)
        }
        _ => Ok(()),
    }
}

/// Writes a report file as it is rendered (memory holds a buffer, not the report), atomically,
/// never over a file the run reads; a failure to write is the tool failing (exit 2).
pub fn write_report(
    path: &std::path::Path,
    protect: &[PathBuf],
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), u8> {
    let options = crate::write::Options {
        protect,
        ..Default::default()
    };
    let result = crate::write::write(path, options, |file| {
        let mut out = io::BufWriter::with_capacity(64 * 1024, file);
        write(&mut out)?;
        out.flush()
    });
    result.map_err(|err| {
        eprintln!("error: cannot write {}: {err}", crate::escape::path(path));
        exit::FAILURE
    })
}
