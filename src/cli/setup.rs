//! The configuration and the rules a command runs with, from the flags and the nearest
//! `.entralint.yaml`; a problem in either is printed and ends the command.

use std::path::PathBuf;

use super::output::print_problems;
use super::{RuleArgs, exit};
use crate::config::{self, Config, ConfigError};
use crate::rules::{LoadError, RuleSet, Selection};

/// The configuration the flags ask for: a named file, none, or the nearest `.entralint.yaml`.
pub fn load_config(args: &RuleArgs) -> Result<Config, u8> {
    let path = if args.no_config {
        None
    } else if let Some(path) = &args.config {
        Some((path.clone(), false))
    } else {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| config::find(&cwd))
            .map(|path| (path, true))
    };
    let Some((path, discovered)) = path else {
        return Ok(Config::default());
    };
    match Config::load(&path, discovered) {
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

/// The rule selection from the configuration and the flags; flags win.
pub fn selection(
    args: &RuleArgs,
    config: &Config,
    select: &[String],
    ignore: &[String],
) -> Selection {
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

/// The rules the flags and the configuration choose; the configuration then reads rule names as
/// the rules now call them (see [`Config::follow_renames`]).
pub fn load_rules(
    args: &RuleArgs,
    config: &mut Config,
    select: &[String],
    ignore: &[String],
) -> Result<RuleSet, u8> {
    match RuleSet::load(&selection(args, config, select, ignore)) {
        Ok(rules) => {
            config.follow_renames(&rules);
            Ok(rules)
        }
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
