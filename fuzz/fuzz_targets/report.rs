//! Loads and checks arbitrary bytes under an arbitrary file name, then renders the findings in
//! every report format: rendering must never panic, and no data from the file or its name may
//! start a line of its own (a GitHub Actions workflow command), reach the terminal as a control
//! character, or leave a masked secret readable.
//!
//! Input: a byte that picks the loader, a byte giving the length of a name prefix, the prefix's
//! bytes (any bytes: control characters, bytes that are not UTF-8), then the file's content.
#![no_main]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::LazyLock;

use entralint::check::{Outcome, check_source};
use entralint::escape;
use entralint::report::{self, Format, Meta, Style};
use entralint::rules::{RuleSet, Selection};
use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<RuleSet> =
    LazyLock::new(|| RuleSet::load(&Selection::default()).expect("built-in rules load"));

const NAMES: &[&str] = &[
    "tenant.yaml",
    "tenant.json",
    "M365TenantConfig.ps1",
    "ConfigurationData.psd1",
    "cAADAuthorizationPolicy.yml",
];

const FORMATS: &[Format] = &[
    Format::Human,
    Format::Short,
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Junit,
];

fuzz_target!(|data: &[u8]| {
    let [pick, len, rest @ ..] = data else {
        return;
    };
    let len = usize::from(*len % 16).min(rest.len());
    let (prefix, content) = rest.split_at(len);
    let base = NAMES[usize::from(*pick) % NAMES.len()];
    let mut raw = prefix.to_vec();
    raw.extend_from_slice(base.as_bytes());
    let name = escape::path(Path::new(OsStr::from_bytes(&raw)));
    let Some(mut file) = check_source(&name, content, true, Some(&RULES)) else {
        return;
    };
    escape::report(&mut file);
    let active = file.diagnostics.iter().filter(|d| d.is_active()).count();
    let outcome = Outcome {
        files: vec![file],
        ..Outcome::default()
    };
    let meta = Meta {
        rules: Some(&RULES),
        exit_code: 1,
        ..Meta::default()
    };
    for &format in FORMATS {
        let mut out = Vec::new();
        let style = Style {
            color: false,
            width: 100,
        };
        report::render(&outcome, format, style, &meta, &mut out).expect("rendering to memory");
        let text = String::from_utf8_lossy(&out);
        let commands = text.lines().filter(|l| l.starts_with("::")).count();
        if format == Format::Github {
            assert_eq!(commands, active, "{format:?}: a line of data became a command\n{text}");
        } else {
            assert_eq!(commands, 0, "{format:?}: a line starts with `::`\n{text}");
        }
        if matches!(format, Format::Human | Format::Short) {
            assert!(
                !text.contains(['\x1b', '\r', '\0']),
                "{format:?}: a control character reached the output\n{text:?}"
            );
        }
    }
});
