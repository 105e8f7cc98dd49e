//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::Meta;
use crate::diagnostic::{DRIFT_CHECKS, LOAD_CHECKS, Severity, fingerprint};
use crate::outcome::Outcome;

pub fn render(outcome: &Outcome, meta: &Meta, out: &mut dyn Write) -> io::Result<()> {
    // Every rule that can report is described, so results can refer to it by index.
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    for (code, summary) in LOAD_CHECKS {
        rules.insert(
            code.to_string(),
            descriptor(code, summary, None, "error", &[], meta),
        );
    }
    // `drift`'s codes are described in the runs that report them; `check` never does.
    let reported = |code: &str| {
        outcome
            .files
            .iter()
            .any(|f| f.diagnostics.iter().any(|d| d.code == code))
    };
    for (code, severity, summary) in DRIFT_CHECKS.iter().filter(|(c, _, _)| reported(c)) {
        rules.insert(
            code.to_string(),
            descriptor(code, summary, None, level(*severity), &[], meta),
        );
    }
    if let Some(set) = meta.rules {
        for rule in set.enabled() {
            let controls = set.controls(rule);
            let help = format!(
                "{}\n\n{}",
                rule.file.help.trim(),
                rule.file.description().trim()
            );
            let mut described = descriptor(
                &rule.name,
                rule.file.summary.trim(),
                Some(&help),
                level(rule.severity),
                &controls,
                meta,
            );
            // SARIF's own field for the ids a renamed rule had.
            let former: Vec<&str> = rule.former_names().collect();
            if let (false, Some(map)) = (former.is_empty(), described.as_object_mut()) {
                map.insert("deprecatedIds".to_string(), json!(former));
            }
            rules.insert(rule.name.clone(), described);
        }
    }
    let index: BTreeMap<&str, usize> = rules
        .keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let results = outcome.files.iter().flat_map(|file| {
        file.diagnostics.iter().map(|d| {
            let start = file.source.line_col(d.span.start);
            let end = file.source.line_col(d.span.end);
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": {"text": message(d)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact(&file.source.name),
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column.max(start.column + usize::from(end.line == start.line)),
                        },
                    },
                    "logicalLocations": d.path.as_ref().map(|p| vec![json!({"fullyQualifiedName": p, "kind": "member"})]).unwrap_or_default(),
                }],
                "partialFingerprints": {"entralint/v1": fingerprint(&file.source, d)},
            });
            if let Some(s) = &d.suppression {
                // Baselined findings are known ones (external); the others are in source or config.
                let kind = match s.kind {
                    crate::diagnostic::SuppressionKind::Inline => "inSource",
                    _ => "external",
                };
                result["suppressions"] =
                    json!([{"kind": kind, "status": "accepted", "justification": s.reason}]);
            }
            if let Some(i) = index.get(d.code.as_str()) {
                result["ruleIndex"] = json!(i);
            }
            result
        })
    });
    let skeleton = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "entralint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules.values().collect::<Vec<_>>(),
            }},
            "invocations": [{"executionSuccessful": true, "exitCode": meta.exit_code}],
            "results": [],
        }],
    });
    super::write_json_with(out, &skeleton, "results", results)
}

fn descriptor(
    name: &str,
    summary: &str,
    help: Option<&str>,
    level: &str,
    controls: &[String],
    meta: &Meta,
) -> Value {
    let help = help.unwrap_or(summary);
    json!({
        "id": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": summary},
        "help": {"text": help, "markdown": help},
        "helpUri": meta.docs_url(name),
        "defaultConfiguration": {"level": level},
        "properties": {
            // Code scanning ranks alerts by this score (over 9 critical, 7 high, 4 medium, low
            // below), and only for rules tagged `security`.
            "security-severity": match level {
                "error" => "8.0",
                "warning" => "5.5",
                _ => "2.0",
            },
            "tags": std::iter::once("security").chain(controls.iter().map(String::as_str)).collect::<Vec<_>>(),
        },
    })
}

fn message(d: &crate::diagnostic::Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{}. {}", d.message.trim_end_matches('.'), help),
        None => d.message.clone(),
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Where a result is: a URI reference relative to `%SRCROOT%` (the repository root) for a file
/// inside the repository, an absolute `file://` URI for one outside it. Both are built from the
/// file name's real bytes, so a name reports show escaped (`\xe9`, `\n`) still resolves to the
/// file: its bytes are percent-encoded, not its escapes.
fn artifact(name: &str) -> Value {
    let name = crate::paths::display(name);
    let path = crate::escape::to_path(&name);
    if crate::paths::is_relative(&name) {
        json!({"uri": relative_uri(&path), "uriBaseId": "%SRCROOT%"})
    } else {
        match url::Url::from_file_path(&path) {
            Ok(url) => json!({"uri": url.as_str()}),
            Err(()) => json!({"uri": relative_uri(&path)}),
        }
    }
}

/// A relative path as a URI reference: every byte outside the unreserved set percent-encoded,
/// `/` kept.
fn relative_uri(path: &std::path::Path) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().replace('\\', "/").into_bytes();
    let mut out = String::with_capacity(bytes.len());
    for byte in bytes {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_use_the_base_and_absolute_ones_a_file_uri() {
        let inside = artifact("examples/a b.yaml");
        assert_eq!(inside["uri"], "examples/a%20b.yaml");
        assert_eq!(inside["uriBaseId"], "%SRCROOT%");
        let outside = artifact("/nowhere-near/the repo/t.yaml");
        assert_eq!(outside["uri"], "file:///nowhere-near/the%20repo/t.yaml");
        assert!(outside.get("uriBaseId").is_none());
    }

    #[cfg(unix)]
    #[test]
    fn escaped_names_become_the_bytes_of_the_real_file() {
        assert_eq!(
            artifact("latin1-\\xe9t\\xe9.yaml")["uri"],
            "latin1-%E9t%E9.yaml"
        );
        assert_eq!(artifact("t\\n::x.yaml")["uri"], "t%0A%3A%3Ax.yaml");
        assert_eq!(artifact("caf\u{e9}.yaml")["uri"], "caf%C3%A9.yaml");
        assert_eq!(
            artifact("/elsewhere/latin1-\\xe9.yaml")["uri"],
            "file:///elsewhere/latin1-%E9.yaml"
        );
    }
}
