//! `--format F --output FILE` pairs: where each report of a run goes.

use std::path::PathBuf;

use clap::ArgMatches;

use crate::report::Format;

/// Where one report goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub format: Format,
    /// None: standard output.
    pub file: Option<PathBuf>,
}

/// Pairs each `--output` with the `--format` written just before it; a format without an output
/// goes to stdout (at most one may). `matches` are the subcommand's, `formats` and `outputs` its
/// parsed `--format` and `--output` flags.
pub fn targets(
    matches: Option<&ArgMatches>,
    formats: &[Format],
    outputs: &[PathBuf],
) -> Result<Vec<Target>, String> {
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
            .zip(formats.iter().map(|f| Ok(*f))),
    );
    events.extend(
        indices("output")
            .into_iter()
            .zip(outputs.iter().map(|o| Err(o.clone()))),
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
