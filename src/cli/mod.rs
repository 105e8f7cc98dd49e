//! The command line: flags in, exit code out. All work happens in the library.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::check::{self, Outcome};
use crate::diagnostic::Severity;
use crate::report::{self, Format, Style};
use crate::rules::{self, LoadError, RuleSet, Selection};

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
}

#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// Baseline profile: recommended, cisa, cis-m365, cis-azure, eidsca or zero-trust.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// A folder of custom rules (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files and folders to check; folders are searched for tenant files.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
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
        Command::Check(args) => run_check(&args),
        Command::Rules(args) => run_rules(&args),
        Command::Explain(args) => run_explain(&args),
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
fn load_rules(args: &RuleArgs, select: &[String], ignore: &[String]) -> Result<RuleSet, u8> {
    let selection = Selection {
        profile: args.profile.clone(),
        rule_dirs: args.rule_dirs.clone(),
        select: select.to_vec(),
        ignore: ignore.to_vec(),
    };
    match RuleSet::load(&selection) {
        Ok(rules) => Ok(rules),
        Err(LoadError::Message(message)) => {
            eprintln!("error: {message}");
            Err(exit::FAILURE)
        }
        Err(LoadError::Files(files)) => {
            // Rule-file problems are the tool's configuration failing, so they go to stderr.
            let outcome = Outcome {
                files,
                ..Outcome::default()
            };
            let stderr = io::stderr();
            let style = Style {
                color: color(Color::Auto, &stderr),
                width: 100,
            };
            let _ = report::render_diagnostics(&outcome, Format::Human, style, &mut stderr.lock());
            eprintln!("error: the rules could not be loaded");
            Err(exit::FAILURE)
        }
    }
}

/// Writes to stdout; a closed pipe (`entralint … | head`) is not a failure.
fn write_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), u8> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write the report: {err}");
            Err(exit::FAILURE)
        }
        _ => Ok(()),
    }
}

fn run_check(args: &CheckArgs) -> u8 {
    let rules = match load_rules(&args.rules, &args.select, &args.ignore) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let outcome = match check::check_paths(&args.paths, Some(&rules)) {
        Ok(outcome) => outcome,
        Err(err) => {
            eprintln!("error: {err}");
            return exit::FAILURE;
        }
    };
    for skipped in &outcome.skipped {
        eprintln!("warning: {}: skipped: {}", skipped.path, skipped.reason);
    }
    for path in &outcome.not_tenant {
        eprintln!(
            "warning: {path}: not a tenant document (no `tenant` key or known section at the top level); skipped"
        );
    }
    let style = Style {
        color: color(args.color, &io::stdout()),
        width: 100,
    };
    if let Err(code) = write_stdout(|out| report::render(&outcome, args.format, style, out)) {
        return code;
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failing = threshold.is_some_and(|t| {
        outcome
            .files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .any(|d| d.severity >= t)
    });
    if failing { exit::FINDINGS } else { exit::CLEAN }
}

fn run_rules(args: &RulesArgs) -> u8 {
    let rules = match load_rules(&args.rules, &[], &[]) {
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
    let rules = match load_rules(&args.rules, &[], &[]) {
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
