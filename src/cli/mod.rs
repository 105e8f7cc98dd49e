//! The command line: flags in, exit code out. All work happens in the library.

mod commands;
mod stream;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::check::{self, Checker, Outcome, Progress};
use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Severity;
use crate::report::{self, Format, Meta, Style};
use crate::rules::{self, LoadError, RuleSet, Selection};
use crate::suppress::{self, baseline::Baseline};

/// A linter for Microsoft Entra ID tenant settings kept as code.
#[derive(Debug, Parser)]
#[command(name = "entralint", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check tenant files and report problems.
    Check(CheckArgs),
    /// List the rules: name, severity, status and baseline controls.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain(ExplainArgs),
    /// Print the resolved configuration and where each value comes from.
    Config(ConfigArgs),
    /// Write a tenant file that declares every setting at its secure value, and a configuration.
    Init(commands::InitArgs),
    /// Print the JSON Schema of the tenant file, for editors and validators.
    Schema,
    /// Show what members, guests and customers can do in a tenant, and which settings decide it.
    Permissions(commands::PermissionsArgs),
    /// Convert a Graph response, a folder of them, an EntraExporter export or a ScubaGear export
    /// into a tenant file, each value commented with where it came from.
    Import(ImportArgs),
    /// Run the language server over standard input and output, for editors.
    Server,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file or folder to convert.
    pub path: PathBuf,

    /// The tenant file to write.
    #[arg(short, long)]
    pub output: PathBuf,

    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// Baseline profile: recommended, cisa, cis-m365, cis-azure, eidsca or zero-trust.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// A folder of custom rules (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,

    /// Use this configuration file instead of the nearest .entralint.yaml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Use no configuration file.
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files and folders to check; folders are searched for tenant files.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format; repeat `--format F --output FILE` to write several reports in one run.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Vec<Format>,

    /// Write the report of the `--format` just before it to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Vec<PathBuf>,

    /// Report only findings that are not in this baseline file (default: the configuration's).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in this baseline file, and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Read one tenant document from standard input and report it under this name.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// When to color the human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    #[command(flatten)]
    pub rules: RuleArgs,

    /// Run only these rules (repeatable, or comma-separated).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Do not run these rules (repeatable, or comma-separated).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// The lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// Apply the fixes rules declare, editing the files in place; report what remains.
    #[arg(long, conflicts_with_all = ["diff", "write_baseline", "stdin_filename"])]
    pub fix: bool,

    /// Print a unified diff of what --fix would write, and write nothing.
    #[arg(long, conflicts_with = "write_baseline")]
    pub diff: bool,

    /// With --fix or --diff, also apply unsafe fixes (ones that discard entries of a list or
    /// change another setting than the finding's).
    #[arg(long)]
    pub unsafe_fixes: bool,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pub rules: RuleArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The rule's name.
    pub name: String,

    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

/// Exit codes: 0 nothing found, 1 findings, 2 entralint could not do its job.
pub mod exit {
    pub const CLEAN: u8 = 0;
    pub const FINDINGS: u8 = 1;
    pub const FAILURE: u8 = 2;
}

pub fn main() -> ExitCode {
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches).map(|cli| (cli, matches)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                exit::FAILURE
            } else {
                exit::CLEAN
            });
        }
    };
    let code = match cli.command {
        Command::Check(args) => match targets(matches.subcommand_matches("check"), &args) {
            Ok(targets) => run_check(&args, &targets),
            Err(message) => {
                eprintln!("error: {message}");
                exit::FAILURE
            }
        },
        Command::Rules(args) => run_rules(&args),
        Command::Explain(args) => run_explain(&args),
        Command::Config(args) => run_config(&args),
        Command::Init(args) => commands::run_init(&args),
        Command::Schema => commands::run_schema(),
        Command::Permissions(args) => commands::run_permissions(&args),
        Command::Import(args) => run_import(&args),
        Command::Server => crate::server::run(),
    };
    ExitCode::from(code)
}

fn color(choice: Color, stream: &impl IsTerminal) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => stream.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Loads the rules, or prints why they could not be loaded.
/// The configuration the flags ask for: a named file, none, or the nearest `.entralint.yaml`.
fn load_config(args: &RuleArgs) -> Result<Config, u8> {
    let path = if args.no_config {
        None
    } else if let Some(path) = &args.config {
        Some(path.clone())
    } else {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| config::find(&cwd))
    };
    let Some(path) = path else {
        return Ok(Config::default());
    };
    match Config::load(&path) {
        Ok(config) => Ok(config),
        Err(ConfigError::Message(message)) => {
            eprintln!("error: {message}");
            Err(exit::FAILURE)
        }
        Err(ConfigError::File(report)) => {
            print_problems(vec![report]);
            eprintln!("error: the configuration could not be loaded");
            Err(exit::FAILURE)
        }
    }
}

/// Problems in entralint's own inputs (configuration, rule files) go to stderr: the tool failed.
fn print_problems(files: Vec<crate::diagnostic::FileReport>) {
    let outcome = Outcome {
        files,
        ..Outcome::default()
    };
    let stderr = io::stderr();
    let style = Style {
        color: color(Color::Auto, &stderr),
        width: 100,
    };
    let _ = report::human::render(&outcome, style, &mut stderr.lock());
}

/// The rule selection from the configuration and the flags; flags win.
fn selection(args: &RuleArgs, config: &Config, select: &[String], ignore: &[String]) -> Selection {
    let file = &config.file;
    let mut rule_dirs: Vec<PathBuf> = file
        .custom_rules
        .iter()
        .map(|d| config.root.join(d))
        .collect();
    rule_dirs.extend(args.rule_dirs.iter().cloned());
    Selection {
        profile: args
            .profile
            .clone()
            .or_else(|| file.profile.as_ref().map(|p| p.value.clone())),
        rule_dirs,
        select: if select.is_empty() {
            file.select.clone()
        } else {
            select.to_vec()
        },
        ignore: file.ignore.iter().chain(ignore).cloned().collect(),
        settings: file.rules.clone(),
    }
}

fn load_rules(
    args: &RuleArgs,
    config: &Config,
    select: &[String],
    ignore: &[String],
) -> Result<RuleSet, u8> {
    match RuleSet::load(&selection(args, config, select, ignore)) {
        Ok(rules) => Ok(rules),
        Err(LoadError::Message(message)) => {
            eprintln!("error: {message}");
            Err(exit::FAILURE)
        }
        Err(LoadError::Files(files)) => {
            print_problems(files);
            eprintln!("error: the rules could not be loaded");
            Err(exit::FAILURE)
        }
    }
}

/// Writes to stdout; a closed pipe (`entralint … | head`) is not a failure.
fn write_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), u8> {
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

/// Where one report goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub format: Format,
    /// None: standard output.
    pub file: Option<PathBuf>,
}

/// Pairs each `--output` with the `--format` written just before it; a format without an output
/// goes to stdout (at most one may).
fn targets(matches: Option<&ArgMatches>, args: &CheckArgs) -> Result<Vec<Target>, String> {
    let indices = |id: &str| -> Vec<usize> {
        matches
            .and_then(|m| m.indices_of(id))
            .map(Iterator::collect)
            .unwrap_or_default()
    };
    let mut events: Vec<(usize, Result<Format, PathBuf>)> = Vec::new();
    events.extend(
        indices("format")
            .into_iter()
            .zip(args.format.iter().map(|f| Ok(*f))),
    );
    events.extend(
        indices("output")
            .into_iter()
            .zip(args.output.iter().map(|o| Err(o.clone()))),
    );
    events.sort_by_key(|(i, _)| *i);
    let mut targets: Vec<Target> = Vec::new();
    for (_, event) in events {
        match event {
            Ok(format) => targets.push(Target { format, file: None }),
            Err(file) => match targets.last_mut() {
                Some(target) if target.file.is_none() => target.file = Some(file),
                _ => {
                    return Err(format!(
                        "--output {} must follow the --format it is for",
                        file.display()
                    ));
                }
            },
        }
    }
    if targets.is_empty() {
        targets.push(Target {
            format: Format::Human,
            file: None,
        });
    }
    if targets.iter().filter(|t| t.file.is_none()).count() > 1 {
        return Err(
            "only one --format can go to stdout; give the others an --output FILE".to_string(),
        );
    }
    Ok(targets)
}

fn run_check(args: &CheckArgs, targets: &[Target]) -> u8 {
    let config = match load_config(&args.rules) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let rules = match load_rules(&args.rules, &config, &args.select, &args.ignore) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let checker = Checker {
        rules: Some(&rules),
        config: &config,
    };
    let baseline_path = args
        .baseline
        .clone()
        .or_else(|| config.file.baseline.as_ref().map(|b| config.root.join(b)))
        .filter(|_| args.write_baseline.is_none());
    let baseline = match baseline_path.as_deref().map(Baseline::load).transpose() {
        Ok(baseline) => baseline,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::FAILURE;
        }
    };
    let mut outcome = match &args.stdin_filename {
        Some(name) => match check_stdin(name, &checker) {
            Ok(outcome) => outcome,
            Err(code) => return code,
        },
        None => {
            // Progress only where a person watches: a terminal, outside CI.
            let progress = (io::stderr().is_terminal() && std::env::var_os("CI").is_none())
                .then(Progress::default);
            if let Some(format) = stream::can_stream(args, targets) {
                // Findings printed to the terminal as they come are the progress; a progress
                // line redrawn between them would break them up.
                let progress = progress.filter(|_| !io::stdout().is_terminal());
                return stream::run(args, &checker, baseline.as_ref(), format, progress.as_ref());
            }
            match check::check_paths(&args.paths, &checker, progress.as_ref()) {
                Ok(outcome) => outcome,
                Err(err) => {
                    eprintln!("error: {err}");
                    return exit::FAILURE;
                }
            }
        }
    };
    if let Some(report) = suppress::expired_exceptions(&config, &outcome.files) {
        outcome.files.push(report);
    }
    if let Some(baseline) = &baseline {
        outcome.baseline = Some(baseline.apply(&mut outcome.files));
    }
    let fix_summary = (args.fix || args.diff).then(|| {
        let fixer = crate::fix::Fixer {
            checker: &checker,
            baseline: baseline.as_ref(),
            allow_unsafe: args.unsafe_fixes,
        };
        let mode = if args.diff {
            crate::fix::Mode::Diff
        } else {
            crate::fix::Mode::Write
        };
        let summary = crate::fix::run(&mut outcome.files, &fixer, mode);
        report_fixes(&summary, mode);
        summary
    });
    if let Some(path) = &args.write_baseline {
        let recorded = suppress::baseline::record(&outcome.files);
        if let Err(err) = suppress::baseline::write(path, &recorded) {
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
        return exit::CLEAN;
    }
    warn_walk(&outcome.skipped, &outcome.not_tenant);
    let failing = threshold(args.fail_on).is_some_and(|t| {
        outcome
            .files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .any(|d| d.is_active() && d.severity >= t)
    });
    let code = if failing { exit::FINDINGS } else { exit::CLEAN };
    if let Some(summary) = fix_summary.filter(|_| args.diff) {
        // `--diff` prints the diff instead of the report; the exit code is the same.
        return match write_stdout(|out| out.write_all(summary.diff.as_bytes())) {
            Ok(()) => code,
            Err(code) => code,
        };
    }
    let meta = Meta {
        rules: Some(&rules),
        exit_code: code,
    };
    for target in targets {
        let result = match &target.file {
            None => {
                let style = Style {
                    color: color(args.color, &io::stdout()),
                    width: 100,
                };
                write_stdout(|out| report::render(&outcome, target.format, style, &meta, out))
            }
            Some(path) => write_report(path, |out| {
                let style = Style {
                    color: args.color == Color::Always,
                    width: 100,
                };
                report::render(&outcome, target.format, style, &meta, out)
            }),
        };
        if let Err(code) = result {
            return code;
        }
        if target.format == Format::Github
            && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY")
        {
            let appended = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&summary)
                .and_then(|mut f| f.write_all(report::github::summary(&outcome).as_bytes()));
            if let Err(err) = appended {
                eprintln!("warning: cannot append to GITHUB_STEP_SUMMARY: {err}");
            }
        }
    }
    code
}

/// The least severity that fails the run, if any does.
fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

/// What the walk could not check, on stderr.
fn warn_walk(skipped: &[crate::discover::Skipped], not_tenant: &[String]) {
    for skipped in skipped {
        eprintln!("warning: {}: skipped: {}", skipped.path, skipped.reason);
    }
    for path in not_tenant {
        eprintln!(
            "warning: {path}: not a tenant document (no `tenant` key or known section at the top level); skipped"
        );
    }
}

/// What `--fix` or `--diff` did, on stderr.
fn report_fixes(summary: &crate::fix::Summary, mode: crate::fix::Mode) {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    for (file, reason) in &summary.blocked {
        eprintln!("warning: {file}: not fixed: {reason}");
    }
    let verb = match mode {
        crate::fix::Mode::Write => "fixed",
        crate::fix::Mode::Diff => "would fix",
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

/// Checks standard input as one document named `name`.
fn check_stdin(name: &str, checker: &Checker) -> Result<Outcome, u8> {
    let bytes = check::read_stdin().map_err(|err| {
        eprintln!("error: cannot read standard input: {err}");
        exit::FAILURE
    })?;
    let mut outcome = Outcome::default();
    if bytes.len() as u64 > crate::load::MAX_FILE_BYTES {
        let loaded = crate::load::too_large(name, bytes.len() as u64);
        outcome.files.push(crate::diagnostic::FileReport {
            source: loaded.source,
            diagnostics: loaded.diagnostics,
        });
        return Ok(outcome);
    }
    match check::check_with(name, &bytes, true, checker) {
        Some(report) => outcome.files.push(report),
        None => outcome.not_tenant.push(name.to_string()),
    }
    Ok(outcome)
}

/// Writes a report file; a failure to write is the tool failing (exit 2).
fn write_report(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), u8> {
    let mut buffer = Vec::new();
    let result = write(&mut buffer).and_then(|()| std::fs::write(path, &buffer));
    result.map_err(|err| {
        eprintln!("error: cannot write {}: {err}", path.display());
        exit::FAILURE
    })
}

fn run_rules(args: &RulesArgs) -> u8 {
    let config = match load_config(&args.rules) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let rules = match load_rules(&args.rules, &config, &[], &[]) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let result = write_stdout(|out| match args.format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = rules
                .rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "name": r.name,
                        "summary": r.file.summary.trim(),
                        "severity": r.severity.as_str(),
                        "status": r.file.status.as_str(),
                        "enabled": r.enabled,
                        "builtin": r.builtin,
                        "controls": rules.controls(r),
                        "fixable": r.file.fix.is_some(),
                        "origin": r.origin,
                    })
                })
                .collect();
            let document = serde_json::json!({
                "profile": rules.profile.file.name,
                "rules": list,
            });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            )
        }
        ListFormat::Human => {
            writeln!(
                out,
                "profile: {} — {}",
                rules.profile.file.name,
                rules.profile.file.summary.trim()
            )?;
            let width = rules.rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
            for rule in &rules.rules {
                let state = if rule.enabled { "on " } else { "off" };
                let controls = rules.controls(rule).join(", ");
                writeln!(
                    out,
                    "{state} {:width$}  {:7}  {:7}  {}",
                    rule.name,
                    rule.severity.as_str(),
                    rule.file.status.as_str(),
                    controls,
                )?;
            }
            Ok(())
        }
    });
    match result {
        Ok(()) => exit::CLEAN,
        Err(code) => code,
    }
}

fn run_explain(args: &ExplainArgs) -> u8 {
    let config = match load_config(&args.rules) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let rules = match load_rules(&args.rules, &config, &[], &[]) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let Some(rule) = rules.get(&args.name) else {
        let names = rules.rules.iter().map(|r| r.name.as_str());
        let near = crate::model::suggest::closest(&args.name, names)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        eprintln!("error: unknown rule `{}`{near}", args.name);
        return exit::FAILURE;
    };
    match write_stdout(|out| write!(out, "{}", rules::docs::page(rule))) {
        Ok(()) => exit::CLEAN,
        Err(code) => code,
    }
}

fn run_config(args: &ConfigArgs) -> u8 {
    let config = match load_config(&args.rules) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let rules = match load_rules(&args.rules, &config, &[], &[]) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let text = crate::config::describe(
        &config,
        &rules,
        args.rules.profile.is_some(),
        &args.rules.rule_dirs,
    );
    match write_stdout(|out| out.write_all(text.as_bytes())) {
        Ok(()) => exit::CLEAN,
        Err(code) => code,
    }
}

fn run_import(args: &ImportArgs) -> u8 {
    use crate::import::{ImportError, import, verify};
    let output = &args.output;
    if !args.force && std::fs::symlink_metadata(output).is_ok() {
        eprintln!(
            "error: {} exists; pass --force to replace it",
            output.display()
        );
        return exit::FAILURE;
    }
    let show = |files: Vec<crate::diagnostic::FileReport>| {
        let outcome = Outcome {
            files,
            ..Outcome::default()
        };
        let style = Style {
            color: false,
            width: 100,
        };
        let mut err = io::stderr().lock();
        let _ = report::render(
            &outcome,
            Format::Short,
            style,
            &Default::default(),
            &mut err,
        );
    };
    let text = match import(&args.path) {
        Ok(text) => text,
        Err(ImportError::Input(message)) => {
            eprintln!("error: {message}");
            return exit::FAILURE;
        }
        Err(ImportError::Problems(files)) => {
            show(files);
            eprintln!(
                "error: {} has problems that would carry over; fix them and import again",
                args.path.display()
            );
            return exit::FINDINGS;
        }
    };
    let problems = verify(&output.display().to_string(), &text);
    if !problems.is_empty() {
        show(problems);
        eprintln!("error: the converted tenant file would not load; nothing was written");
        return exit::FAILURE;
    }
    match crate::write::atomic(output, text.as_bytes()) {
        Ok(()) => {
            eprintln!("imported {} into {}", args.path.display(), output.display());
            exit::CLEAN
        }
        Err(err) => {
            eprintln!("error: cannot write {}: {err}", output.display());
            exit::FAILURE
        }
    }
}
