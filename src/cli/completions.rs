//! The `completions` and `man` commands: shell completion scripts and manual pages, generated from
//! the same command-line definition that parses the flags, so they never fall behind it.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, exit};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write entralint.1 and a page per command (entralint-check.1, …) into this folder instead
    /// of printing entralint.1 to stdout.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn run_completions(args: &CompletionsArgs) -> u8 {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "entralint", &mut script);
    emit(&script)
}

pub fn run_man(args: &ManArgs) -> u8 {
    let cmd = Cli::command();
    let Some(dir) = &args.dir else {
        let mut page = Vec::new();
        if let Err(err) = clap_mangen::Man::new(cmd).render(&mut page) {
            eprintln!("error: cannot render the manual page: {err}");
            return exit::FAILURE;
        }
        return emit(&page);
    };
    if let Err(err) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot create {}: {err}", dir.display());
        return exit::FAILURE;
    }
    match clap_mangen::generate_to(cmd, dir) {
        Ok(()) => {
            eprintln!("wrote the manual pages into {}", dir.display());
            exit::CLEAN
        }
        Err(err) => {
            eprintln!(
                "error: cannot write the manual pages into {}: {err}",
                dir.display()
            );
            exit::FAILURE
        }
    }
}

/// Prints generated text; a closed pipe (`entralint man | head`) is not a failure.
fn emit(text: &[u8]) -> u8 {
    let mut out = io::stdout().lock();
    match out.write_all(text).and_then(|()| out.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write to stdout: {err}");
            exit::FAILURE
        }
        _ => exit::CLEAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn completion(shell: Shell) -> String {
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "entralint", &mut script);
        String::from_utf8(script).expect("completion scripts are UTF-8")
    }

    #[test]
    fn every_shell_completes_the_commands_and_their_flags() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell] {
            let script = completion(shell);
            for word in [
                "check",
                "explain",
                "fail-on",
                "stdin-filename",
                "completions",
            ] {
                assert!(script.contains(word), "{shell}: no `{word}` in\n{script}");
            }
        }
    }

    #[test]
    fn man_page_documents_the_commands() {
        let mut page = Vec::new();
        clap_mangen::Man::new(Cli::command())
            .render(&mut page)
            .expect("rendering into memory");
        let page = String::from_utf8(page).expect("the page is UTF-8");
        assert!(page.starts_with(".ie \\n(.g .ds Aq"), "not roff:\n{page}");
        assert!(page.contains(".TH entralint 1"), "{page}");
        assert!(page.contains("entralint\\-check(1)"), "{page}");
    }

    #[test]
    fn man_dir_writes_a_page_per_command() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let out = dir.path().join("man1");
        assert_eq!(
            run_man(&ManArgs {
                dir: Some(out.clone())
            }),
            exit::CLEAN
        );
        for name in ["entralint.1", "entralint-check.1", "entralint-import.1"] {
            let page = std::fs::read_to_string(out.join(name)).expect(name);
            assert!(page.contains(".TH"), "{name}:\n{page}");
        }
    }
}
