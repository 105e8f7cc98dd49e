//! `entralint completions` and `entralint man`, checked with the programs that read them: bash
//! completes from the script, and man (when installed) formats the page.

use assert_cmd::Command;

fn generated(args: &[&str]) -> String {
    let output = Command::cargo_bin("entralint")
        .expect("the entralint binary")
        .args(args)
        .output()
        .expect("entralint runs");
    assert_eq!(output.status.code(), Some(0), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Sources the bash script and asks it to complete `words`, the last one being completed.
fn bash_complete(script: &std::path::Path, words: &str) -> Vec<String> {
    let program = format!(
        "source {path}; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
         COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}; \
         _entralint entralint \"${{COMP_WORDS[-1]}}\" \"${{COMP_WORDS[-2]}}\"; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path = script.display()
    );
    let output = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .expect("UTF-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_commands_flags_and_values() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let script = dir.path().join("entralint.bash");
    std::fs::write(&script, generated(&["completions", "bash"])).expect("write the script");

    assert_eq!(bash_complete(&script, "entralint che"), ["check"]);
    assert_eq!(
        bash_complete(&script, "entralint co"),
        ["config", "completions"]
    );
    assert!(
        bash_complete(&script, "entralint check --fail")
            .iter()
            .any(|word| word == "--fail-on"),
    );
    assert_eq!(
        bash_complete(&script, "entralint check --fail-on w"),
        ["warning"]
    );
    assert_eq!(
        bash_complete(&script, "entralint completions p"),
        ["powershell"]
    );
}

#[test]
fn every_shell_gets_a_script_naming_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = generated(&["completions", shell]);
        for command in ["check", "import", "permissions", "man"] {
            assert!(script.contains(command), "{shell}: no {command}");
        }
    }
}

#[test]
fn the_man_page_formats() {
    let page = generated(&["man"]);
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    // `man -l` formats a local file; without man-db installed, the roff check above stands alone.
    let Ok(output) = std::process::Command::new("man")
        .env("MANWIDTH", "80")
        .env("MAN_KEEP_FORMATTING", "0")
        .args(["-l", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("piped stdin")
                .write_all(page.as_bytes())?;
            child.wait_with_output()
        })
    else {
        println!("skipped: man is not installed");
        return;
    };
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(text.contains("entralint-check(1)"), "{text}");
}
