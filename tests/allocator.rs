//! The allocator's options, as the running process shows them: `src/main.rs` names mimalloc's
//! options by their index in its header, which a new version of the crate may renumber.

/// mimalloc disables transparent huge pages for the process (`PR_SET_THP_DISABLE`) only when
/// `allow_thp` is off, so a process whose status reads `THP_enabled: 0` had the option set.
#[cfg(target_os = "linux")]
#[test]
fn transparent_huge_pages_are_off_for_the_process() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    // The language server waits for a client on standard input, so the process stays to be read.
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("entralint"))
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = String::new();
    let seen = loop {
        let text = std::fs::read_to_string(&status).unwrap_or_default();
        last = text
            .lines()
            .find(|l| l.starts_with("THP_enabled:"))
            .map_or(last, str::to_string);
        // The line is there from Linux 5.0; the option is set before `main`, once the process
        // has been loaded.
        if !text.is_empty() && !text.contains("THP_enabled:") {
            break None;
        }
        if last.ends_with('0') || Instant::now() > deadline {
            break Some(last.clone());
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = child.kill();
    let _ = child.wait();
    match seen {
        Some(line) => assert_eq!(line.split_whitespace().last(), Some("0"), "{line}"),
        None => eprintln!("this kernel's process status has no THP_enabled line: not checked"),
    }
}
