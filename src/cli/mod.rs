//! The command line: flags in, exit code out. All work happens in the library; each command's
//! module parses nothing, builds the library's request, and maps its result to an exit code.

mod args;
mod check;
mod commands;
mod completions;
mod drift;
mod import;
mod output;
mod rule_commands;
mod setup;
mod stream;
mod targets;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use args::{
    CheckArgs, Color, ConfigArgs, DriftArgs, ExplainArgs, FailOn, ImportArgs, ListFormat, RuleArgs,
    RulesArgs,
};
pub use targets::Target;

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
    /// Convert a Graph response, a folder of them, an EntraExporter export, a ScubaGear export or
    /// a Terraform module or plan into a tenant file, each value commented with where it came from.
    Import(ImportArgs),
    /// Compare a declared tenant with an export of the live tenant: each difference is a finding
    /// at the declared value, and exported settings the declaration leaves out are listed.
    Drift(DriftArgs),
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish.
    Completions(completions::CompletionsArgs),
    /// Print the manual page, or write a page per command into a folder.
    Man(completions::ManArgs),
    /// Run the language server over standard input and output, for editors.
    Server,
}

/// Exit codes: 0 nothing found, 1 findings, 2 entralint could not do its job.
pub mod exit {
    pub const CLEAN: u8 = 0;
    pub const FINDINGS: u8 = 1;
    pub const FAILURE: u8 = 2;
}

pub fn main() -> ExitCode {
    // A check compiles the built-in rules whatever else it does: that starts now, beside the
    // reading of the command line and the configuration. (A word `check` that is not the command
    // only costs that work for nothing.)
    if std::env::args_os().any(|arg| arg == "check") {
        crate::rules::prepare();
    }
    // The profiles' names are read only for a help text that shows them.
    let help = std::env::args_os()
        .skip(1)
        .any(|a| a == "help" || a == "-h" || a == "--help");
    let command = if help {
        args::with_profiles(Cli::command())
    } else {
        Cli::command()
    };
    let parsed = command
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
        Command::Check(args) => {
            match targets::targets(
                matches.subcommand_matches("check"),
                &args.format,
                &args.output,
            ) {
                Ok(targets) => check::run(&args, &targets),
                Err(message) => {
                    eprintln!("error: {message}");
                    exit::FAILURE
                }
            }
        }
        Command::Rules(args) => rule_commands::run_rules(&args),
        Command::Explain(args) => rule_commands::run_explain(&args),
        Command::Config(args) => rule_commands::run_config(&args),
        Command::Init(args) => commands::run_init(&args),
        Command::Schema => commands::run_schema(),
        Command::Permissions(args) => commands::run_permissions(&args),
        Command::Import(args) => import::run(&args),
        Command::Drift(args) => {
            match targets::targets(
                matches.subcommand_matches("drift"),
                &args.format,
                &args.output,
            ) {
                Ok(targets) => drift::run(&args, &targets),
                Err(message) => {
                    eprintln!("error: {message}");
                    exit::FAILURE
                }
            }
        }
        Command::Completions(args) => completions::run_completions(&args),
        Command::Man(args) => completions::run_man(&args),
        Command::Server => crate::server::run(),
    };
    ExitCode::from(code)
}
