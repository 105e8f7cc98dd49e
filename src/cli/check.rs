//! The `check` command: the flags become a [`Request`] for the library's one driver, whose
//! reports go to a printing sink or to whole-run reports; the result becomes an exit code.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use super::output::{color, write_report, write_stdout};
use super::setup::{load_config, load_rules};
use super::{CheckArgs, Color, FailOn, Target, exit, stream};
use crate::check::{self, Checker, Ended, FixRequest, Input, Progress, Request};
use crate::config::Config;
use crate::diagnostic::{FileReport, Severity};
use crate::fix;
use crate::outcome::Outcome;
use crate::report::{self, Format, Meta, Style};
use crate::rules::RuleSet;
use crate::suppress::{self, baseline::Baseline};

pub fn run(args: &CheckArgs, targets: &[Target]) -> u8 {
    let mut config = match load_config(&args.rules) {
        Ok(config) => config,
        Err(code) => return code,
    };
    // One file is read on this thread once the built-in rules have compiled on the pool (see
    // `rules::prepare`); meanwhile this thread makes what every workforce tenant's undeclared
    // settings hold.
    if let [path] = args.paths.as_slice()
        && !path.is_dir()
    {
        crate::model::prepare_defaults(crate::model::TenantKind::Workforce);
    }
    let rules = match load_rules(&args.rules, &mut config, &args.select, &args.ignore) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let baseline = match baseline(args, &config) {
        Ok(baseline) => baseline,
        Err(code) => return code,
    };
    let stdin_name = match stdin_name(args) {
        Ok(name) => name,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::FAILURE;
        }
    };
    let stdin = match stdin_name.as_ref().map(|_| check::read_stdin()) {
        Some(Err(err)) => {
            eprintln!("error: cannot read standard input: {err}");
            return exit::FAILURE;
        }
        Some(Ok(bytes)) => Some(bytes),
        None => None,
    };
    let input = match (&stdin_name, &stdin) {
        (Some(name), Some(bytes)) => Input::Source { name, bytes },
        _ => Input::Paths(&args.paths),
    };
    let streaming = stream::can_stream(args, targets);
    // Progress only where a person watches: a terminal, outside CI. Findings printed to the
    // terminal as they come are the progress; a progress line redrawn between them would break
    // them up.
    let progress = (stdin.is_none()
        && io::stderr().is_terminal()
        && std::env::var_os("CI").is_none()
        && !(streaming.is_some() && io::stdout().is_terminal()))
    .then(Progress::default);
    let request = Request {
        input,
        checker: Checker {
            rules: Some(&rules),
            config: &config,
        },
        baseline: baseline.as_ref(),
        fix: (args.fix || args.diff).then_some(FixRequest {
            mode: fix_mode(args),
            allow_unsafe: args.unsafe_fixes,
        }),
        fail_on: threshold(args.fail_on),
        progress: progress.as_ref(),
    };
    let code = match streaming {
        Some(format) => stream::run(args, &request, format),
        None => whole_run(args, targets, &request, &rules, stdin_name.as_deref()),
    };
    // The process ends next and takes the memory with it: dropping every compiled rule first
    // would be a walk over all of them for nothing.
    std::mem::forget(rules);
    code
}

fn fix_mode(args: &CheckArgs) -> fix::Mode {
    if args.diff {
        fix::Mode::Diff
    } else {
        fix::Mode::Write
    }
}

/// The baseline the flags or the configuration name, unless one is being written.
fn baseline(args: &CheckArgs, config: &Config) -> Result<Option<Baseline>, u8> {
    let path = args
        .baseline
        .clone()
        .map(|b| (b, None))
        .or_else(|| config.baseline_path())
        .filter(|_| args.write_baseline.is_none());
    path.map(|(path, root)| Baseline::load(&path, root))
        .transpose()
        .map_err(|message| {
            eprintln!("error: {message}");
            exit::FAILURE
        })
}

/// A run whose reports need every file: fixes, a baseline to write, report files, machine formats.
fn whole_run(
    args: &CheckArgs,
    targets: &[Target],
    request: &Request,
    rules: &RuleSet,
    stdin_name: Option<&str>,
) -> u8 {
    let started = (chrono::Utc::now(), std::time::Instant::now());
    let mut files: Vec<FileReport> = Vec::new();
    let mut ended = match check::run(request, &mut files) {
        Ok(ended) => ended,
        Err(err) => {
            eprintln!("error: {err}");
            return exit::FAILURE;
        }
    };
    let fixed = ended.fixed.take();
    if let Some(summary) = &fixed {
        report_fixes(summary, fix_mode(args));
    }
    let protect = files_read(&files, &ended, request);
    if let Some(path) = &args.write_baseline {
        return write_baseline(path, &files, &protect);
    }
    warn_walk(&ended, args.verbose);
    if ended.checked == 0 && !allow_empty(args, request) {
        return empty_run(&args.paths, stdin_name);
    }
    let code = if ended.failing {
        exit::FINDINGS
    } else {
        exit::CLEAN
    };
    if let Some(summary) = fixed.filter(|_| args.diff) {
        // `--diff` prints the diff instead of the report; the exit code is the same.
        return match write_stdout(|out| out.write_all(summary.diff.as_bytes())) {
            Ok(()) => code,
            Err(code) => code,
        };
    }
    let mut outcome = ended.into_outcome(files);
    crate::escape::outcome(&mut outcome);
    let meta = Meta {
        rules: Some(rules),
        exit_code: code,
        fail_on: request.fail_on,
        run: Some(report::RunTime {
            started: started.0,
            elapsed: started.1.elapsed(),
        }),
    };
    write_targets(args.color, targets, &outcome, &protect, &meta)
}

/// Whether a run that read no tenant document may pass: `--allow-empty` or `allowEmpty: true`.
pub fn allow_empty(args: &CheckArgs, request: &Request) -> bool {
    args.allow_empty || request.checker.config.file.allow_empty
}

/// The name standard input is read under: `--stdin-filename`, or `-` among the paths.
fn stdin_name(args: &CheckArgs) -> Result<Option<String>, String> {
    let dash = args.paths.iter().any(|p| p.as_os_str() == "-");
    if dash && args.paths.len() > 1 {
        return Err("`-` (standard input) cannot be combined with other paths".to_string());
    }
    if dash && args.fix {
        return Err("--fix cannot write to standard input; use --diff".to_string());
    }
    Ok(args
        .stdin_filename
        .clone()
        .or_else(|| dash.then(|| "-".to_string())))
}

/// A run that read no tenant document: a mistyped path in a pipeline must not pass.
pub fn empty_run(paths: &[PathBuf], stdin: Option<&str>) -> u8 {
    let what = match stdin {
        Some(name) => format!("standard input ({name})"),
        None => paths
            .iter()
            .map(|p| crate::escape::path(p))
            .collect::<Vec<_>>()
            .join(", "),
    };
    eprintln!(
        "error: no tenant document in {what}: nothing was checked (pass --allow-empty, or set `allowEmpty: true` in the configuration, when that is expected)"
    );
    exit::FAILURE
}

/// The files a run read, which no report or baseline it writes may replace.
fn files_read(files: &[FileReport], ended: &Ended, request: &Request) -> Vec<PathBuf> {
    let mut read: Vec<PathBuf> = files
        .iter()
        .map(|f| crate::escape::to_path(&f.source.name))
        .chain(ended.not_tenant.iter().map(|n| crate::escape::to_path(n)))
        .collect();
    read.extend(request.checker.config.path.clone());
    read.extend(request.baseline.map(|b| b.path.clone()));
    read
}

/// `--write-baseline`: the run's active findings recorded, and exit 0.
fn write_baseline(path: &std::path::Path, files: &[FileReport], protect: &[PathBuf]) -> u8 {
    let recorded = suppress::baseline::record(files);
    if let Err(err) = suppress::baseline::write(path, &recorded, protect) {
        eprintln!("error: cannot write {}: {err}", path.display());
        return exit::FAILURE;
    }
    eprintln!(
        "wrote {} finding{} to the baseline {}",
        recorded.findings.len(),
        if recorded.findings.len() == 1 {
            ""
        } else {
            "s"
        },
        path.display()
    );
    exit::CLEAN
}

/// Every `--format`'s report, to stdout or its `--output` file; the exit code, or a failure's.
pub fn write_targets(
    color_choice: Color,
    targets: &[Target],
    outcome: &Outcome,
    protect: &[PathBuf],
    meta: &Meta,
) -> u8 {
    for target in targets {
        let result = match &target.file {
            None => {
                let style = Style {
                    color: color(color_choice, &io::stdout()),
                    width: 100,
                };
                write_stdout(|out| report::render(outcome, target.format, style, meta, out))
            }
            Some(path) => write_report(path, protect, |out| {
                let style = Style {
                    color: color_choice == Color::Always,
                    width: 100,
                };
                report::render(outcome, target.format, style, meta, out)
            }),
        };
        if let Err(code) = result {
            return code;
        }
        if target.format == Format::Github
            && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY")
        {
            // GitHub's limit is for the whole step's summary: what is there already counts.
            let used = std::fs::metadata(&summary).map_or(0, |m| m.len() as usize);
            let limit = report::github::SUMMARY_LIMIT.saturating_sub(used);
            let appended = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&summary)
                .and_then(|mut f| f.write_all(report::github::summary(outcome, limit).as_bytes()));
            if let Err(err) = appended {
                eprintln!("warning: cannot append to GITHUB_STEP_SUMMARY: {err}");
            }
        }
    }
    meta.exit_code
}

/// The least severity that fails the run, if any does.
pub fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

/// What the walk could not check, on stderr. Files named on the command line that are not
/// tenant documents are expected (a hook is given every staged file): named only with --verbose.
pub fn warn_walk(ended: &Ended, verbose: bool) {
    use crate::escape::text;
    for skipped in &ended.skipped {
        eprintln!(
            "warning: {}: skipped: {}",
            text(&skipped.path),
            text(&skipped.reason)
        );
    }
    for path in ended.not_tenant.iter().filter(|_| verbose) {
        eprintln!("{}: not a tenant document; skipped", text(path));
    }
}

/// What `--fix` or `--diff` did, on stderr.
fn report_fixes(summary: &fix::Summary, mode: fix::Mode) {
    use crate::escape::text;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    for (file, reason) in &summary.blocked {
        eprintln!("warning: {file}: not fixed: {reason}");
    }
    let verb = match mode {
        fix::Mode::Write => "fixed",
        fix::Mode::Diff => "would fix",
    };
    for (file, rule, reason) in &summary.not_editable {
        eprintln!("warning: {file}: cannot fix {rule}: {reason}");
    }
    eprintln!(
        "{verb} {} in {}; {} {}",
        plural(summary.fixes, "setting"),
        plural(summary.files, "file"),
        plural(summary.remaining, "finding"),
        if summary.remaining == 1 {
            "remains"
        } else {
            "remain"
        }
    );
    for (file, tenants) in &summary.reaches {
        let names: Vec<String> = tenants
            .iter()
            .map(|t| text(&crate::paths::display(t)).into_owned())
            .collect();
        let verb = match mode {
            fix::Mode::Write => "changes",
            fix::Mode::Diff => "would change",
        };
        eprintln!(
            "note: {} is extended by {}: the fix {verb} {}",
            text(&crate::paths::display(file)),
            plural(names.len(), "tenant"),
            names.join(", ")
        );
    }
    if summary.unsafe_skipped > 0 {
        eprintln!(
            "{} {} not applied: unsafe (rerun with --unsafe-fixes to apply)",
            summary.unsafe_skipped,
            if summary.unsafe_skipped == 1 {
                "fix"
            } else {
                "fixes"
            }
        );
    }
}
