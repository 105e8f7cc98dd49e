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
    /// The folder to write tenant.yaml and .entralint.yaml into (created when missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// The kind of tenant.
    #[arg(long, value_enum, default_value_t = Kind::Workforce)]
    pub kind: Kind,

    /// Baseline profile: recommended, cisa, cis-m365, cis-azure, eidsca or zero-trust.
    #[arg(long, value_name = "NAME", default_value = "recommended")]
    pub profile: String,

    /// The tenant's name (default: the folder's name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

pub fn run_init(args: &InitArgs) -> u8 {
    let plan = Plan {
        kind: match args.kind {
            Kind::Workforce => TenantKind::Workforce,
            Kind::External => TenantKind::External,
        },
        profile: args.profile.clone(),
        name: args
            .name
            .clone()
            .unwrap_or_else(|| init::default_name(&args.dir)),
    };
    match init::write(&args.dir, &plan) {
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
    match super::write_stdout(|out| out.write_all(text.as_bytes())) {
        Ok(()) => exit::CLEAN,
        Err(code) => code,
    }
}
