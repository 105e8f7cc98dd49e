//! The `import` command: a Graph or exporter folder, or a Terraform module, converted into a
//! tenant file.

use std::io::{self, Write};

use super::{ImportArgs, exit};
use crate::outcome::Outcome;
use crate::report::{self, Format, Style};

pub fn run(args: &ImportArgs) -> u8 {
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
        let mut outcome = Outcome {
            files,
            ..Outcome::default()
        };
        crate::escape::outcome(&mut outcome);
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
        Ok(imported) => {
            // Left out, not guessed: say what and where, and import the rest.
            if !imported.notes.is_empty() {
                show(imported.notes);
            }
            imported.text
        }
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
    let protect = [args.path.clone()];
    let options = crate::write::Options {
        force: args.force,
        protect: &protect,
        ..Default::default()
    };
    match crate::write::write(output, options, |f| f.write_all(text.as_bytes())) {
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
