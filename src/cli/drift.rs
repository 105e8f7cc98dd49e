//! The `drift` command: a declared tenant compared with an export of the live tenant, reported
//! in every format `check` writes and failing by `--fail-on` as `check` does.

use std::path::{Path, PathBuf};

use super::check::{threshold, write_targets};
use super::output::print_problems;
use super::{DriftArgs, Target, exit};
use crate::diagnostic::FileReport;
use crate::load::open::{Opened, open};
use crate::outcome::Outcome;
use crate::report::{self, Meta};

pub fn run(args: &DriftArgs, targets: &[Target]) -> u8 {
    let started = (chrono::Utc::now(), std::time::Instant::now());
    let declared = match read(&args.declared, "declared tenant") {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let exported = match read(&args.export, "export") {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let report = FileReport {
        source: declared.loaded.source.clone(),
        diagnostics: crate::drift::compare(&declared, &exported),
    };
    let files = declared.split(report);
    let fail_on = threshold(args.fail_on);
    let failing = fail_on.is_some_and(|t| {
        files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .any(|d| d.is_active() && d.severity >= t)
    });
    let protect: Vec<PathBuf> = files
        .iter()
        .map(|f| crate::escape::to_path(&f.source.name))
        .chain([args.declared.clone(), args.export.clone()])
        .collect();
    let mut outcome = Outcome {
        files,
        ..Outcome::default()
    };
    crate::escape::outcome(&mut outcome);
    let meta = Meta {
        rules: None,
        exit_code: if failing { exit::FINDINGS } else { exit::CLEAN },
        fail_on,
        run: Some(report::RunTime {
            started: started.0,
            elapsed: started.1.elapsed(),
        }),
    };
    write_targets(args.color, targets, &outcome, &protect, &meta)
}

/// One side of the comparison, or exit code 2 with the reason on stderr: a path that is not one
/// tenant, or a tenant whose files do not load (their problems are shown).
fn read(path: &Path, what: &str) -> Result<Opened, u8> {
    let opened = open(path).map_err(|err| {
        eprintln!("error: the {what}: {err}");
        exit::FAILURE
    })?;
    let errors = opened.errors();
    if !errors.is_empty() || opened.loaded.document.root.is_none() {
        print_problems(errors);
        eprintln!(
            "error: the {what} {} does not load (above); nothing was compared",
            crate::escape::path(path)
        );
        return Err(exit::FAILURE);
    }
    Ok(opened)
}
