//! The `init`, `schema` and `permissions` commands: flags in, exit code out.

use std::path::PathBuf;

use clap::ValueEnum;

use super::exit;
use crate::init::{self, Plan};
use crate::model::TenantKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Workforce,
    External,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to write tenant.yaml and .entralint.yaml (and main.tf, with --format terraform)
    /// into (created when missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// The kind of tenant (default: workforce, or what the file it extends says).
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,

    /// Baseline profile (the list of profiles is filled in from the built-in ones).
    #[arg(long, value_name = "NAME", default_value = "recommended")]
    pub profile: String,

    /// The tenant's name (default: the folder's name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Write a thin tenant that extends this tenant file (a path from here) and declares nothing
    /// else; no configuration is written, as the fleet has its own.
    #[arg(long, value_name = "FILE")]
    pub extends: Option<PathBuf>,

    /// What to write: a tenant file (yaml), or a Terraform module (main.tf, using the azuread and
    /// msgraph providers) with a tenant.yaml header for the settings no provider resource sets.
    #[arg(long, value_enum, default_value = "yaml", conflicts_with = "extends")]
    pub format: InitFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitFormat {
    Yaml,
    Terraform,
}

pub fn run_init(args: &InitArgs) -> u8 {
    let kind = args.kind.map(|kind| match kind {
        Kind::Workforce => TenantKind::Workforce,
        Kind::External => TenantKind::External,
    });
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| init::default_name(&args.dir));
    if let Some(parent) = &args.extends {
        return match init::write_extending(&args.dir, parent, &name, kind) {
            Ok(path) => {
                eprintln!("wrote {}", path.display());
                exit::CLEAN
            }
            Err(err) => {
                eprintln!("error: {err}");
                exit::FAILURE
            }
        };
    }
    let plan = Plan {
        kind: kind.unwrap_or(TenantKind::Workforce),
        profile: args.profile.clone(),
        name,
    };
    let written = match args.format {
        InitFormat::Yaml => init::write(&args.dir, &plan),
        InitFormat::Terraform => init::write_terraform(&args.dir, &plan),
    };
    match written {
        Ok(written) => {
            for path in written {
                eprintln!("wrote {}", path.display());
            }
            exit::CLEAN
        }
        Err(err) => {
            eprintln!("error: {err}");
            exit::FAILURE
        }
    }
}

pub fn run_schema() -> u8 {
    let text = crate::model::schema::tenant_schema_json();
    match super::output::write_stdout(|out| out.write_all(text.as_bytes())) {
        Ok(()) => exit::CLEAN,
        Err(code) => code,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PermissionsFormat {
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct PermissionsArgs {
    /// The tenant file.
    pub file: PathBuf,

    /// Output format: a table for people, JSON for machines.
    #[arg(long, value_enum, default_value_t = PermissionsFormat::Table)]
    pub format: PermissionsFormat,
}

pub fn run_permissions(args: &PermissionsArgs) -> u8 {
    let shown = args.file.display().to_string();
    let bytes = match crate::read::read(&args.file, crate::read::Kind::Tenant) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("error: {err}");
            return exit::FAILURE;
        }
    };
    // A tenant that extends others is shown with what it inherits, each setting at its file.
    let (loaded, layout) = crate::load::extends::load_tenant(&shown, &bytes);
    let mut diagnostics = loaded.diagnostics;
    let model = crate::model::normalise(&loaded.document, &mut diagnostics);
    let has_errors = diagnostics
        .iter()
        .any(|d| d.severity == crate::diagnostic::Severity::Error);
    if !diagnostics.is_empty() {
        let report = crate::diagnostic::FileReport {
            source: loaded.source.clone(),
            diagnostics,
        };
        let reports = layout.split(report);
        super::output::print_problems(
            reports
                .into_iter()
                .filter(|r| !r.diagnostics.is_empty())
                .collect(),
        );
    }
    let model = match model {
        Some(model) if !has_errors => model,
        _ => {
            // A misread setting would be shown at its default: refuse rather than mislead.
            eprintln!("error: {shown} has problems (above); fix them to see its permissions");
            return exit::FINDINGS;
        }
    };
    let permissions = crate::permissions::compute(&model, &layout);
    let written = super::output::write_stdout(|out| match args.format {
        PermissionsFormat::Table => crate::permissions::render::table(&permissions, out),
        PermissionsFormat::Json => crate::permissions::render::json(&permissions, out),
    });
    match written {
        Ok(()) => exit::CLEAN,
        Err(code) => code,
    }
}
