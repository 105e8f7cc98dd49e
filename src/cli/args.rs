//! The `check`, `drift`, `rules`, `explain`, `config` and `import` flags.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::report::Format;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file or folder to convert: a tenant file, Graph responses, an EntraExporter or
    /// ScubaGear export, a Terraform module (its folder or one of its .tf files) or plan JSON.
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

#[derive(Debug, Clone, clap::Args)]
pub struct RuleArgs {
    /// Baseline profile (the list of profiles is filled in from the built-in ones).
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
    /// Files and folders to check; folders are searched for tenant files. `-` reads standard
    /// input (named by --stdin-filename).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Exit 0 rather than 2 when the paths hold no tenant document (for hooks given any files).
    #[arg(long)]
    pub allow_empty: bool,

    /// Also say on stderr which files named on the command line are not tenant documents.
    #[arg(long, short)]
    pub verbose: bool,

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
pub struct DriftArgs {
    /// The declared tenant: a tenant file, or a folder holding one tenant.
    pub declared: PathBuf,

    /// The export of the live tenant: a folder of Graph responses, an EntraExporter export, a
    /// Microsoft365DSC configuration, a ScubaGear export or a tenant file.
    pub export: PathBuf,

    /// Output format; repeat `--format F --output FILE` to write several reports in one run.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Vec<Format>,

    /// Write the report of the `--format` just before it to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Vec<PathBuf>,

    /// The lowest severity that makes the exit code 1 (differences are warnings, undeclared
    /// settings info).
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// When to color the human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pub rules: RuleArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,

    /// Run the examples of the rules in this folder as tests: each invalid example must raise its
    /// rule once, each valid one nothing. Exits 1 when one does not.
    #[arg(long, value_name = "DIR")]
    pub test: Option<PathBuf>,
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

/// The `--profile` help, listing the built-in profiles: `recommended`, then one per baseline
/// family in the catalogue's order, then any other.
pub fn profile_help() -> String {
    let mut names = crate::rules::profile_names();
    let rank = |name: &str| {
        let family = crate::catalogue::baselines()
            .iter()
            .position(|b| *b == name);
        (name != "recommended", family.unwrap_or(usize::MAX))
    };
    names.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    match names.split_last() {
        Some((last, [])) => format!("Baseline profile: {last}"),
        Some((last, rest)) => format!("Baseline profile: {} or {last}", rest.join(", ")),
        None => "Baseline profile".to_string(),
    }
}

/// The command with every `--profile` help listing the profiles there are.
pub fn with_profiles(command: clap::Command) -> clap::Command {
    let help = profile_help();
    let names: Vec<String> = command
        .get_subcommands()
        .filter(|c| c.get_arguments().any(|a| a.get_id() == "profile"))
        .map(|c| c.get_name().to_string())
        .collect();
    names.into_iter().fold(command, |command, name| {
        let help = help.clone();
        command.mut_subcommand(name, |c| c.mut_arg("profile", |a| a.help(help)))
    })
}
