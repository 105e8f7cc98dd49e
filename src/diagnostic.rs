//! The diagnostic model: what every stage reports and every renderer formats.

use std::fmt;
use std::sync::Arc;

/// A byte range into a source file's decoded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location with its own label (the first of two duplicate keys, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub label: String,
}

/// One problem found in one file. Renderers only format these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule name, or the name of the load check (`duplicate-key`).
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// The smallest thing the user must change.
    pub span: Span,
    /// Text shown at the span in the human output.
    pub label: Option<String>,
    pub related: Vec<Related>,
    /// Shared: a rule's help is the same for each of its findings.
    pub help: Option<Arc<str>>,
    /// Where in the tenant document the problem is (`authorizationPolicy.allowInvitesFrom`).
    pub path: Option<String>,
    /// Baseline controls the finding answers to under the active profile (`cisa MS.AAD.8.1v1`).
    pub controls: Arc<[String]>,
    /// Whether the rule declares a fix.
    pub fixable: bool,
    /// The offending value, for fingerprints: the declared text, or `default: <value>` when the
    /// finding is on a default. None: the text at the span.
    pub value: Option<String>,
    /// Why the finding does not count, when something suppresses it.
    pub suppression: Option<Suppression>,
    /// For a finding on a value other tenants inherit (`tenant.extends`): the tenants that raise
    /// it, by report name. Empty when the file's own tenant raises it.
    pub inherited_by: Vec<String>,
}

/// What suppressed a finding, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    /// An `# entralint: ignore[…]` comment in the file.
    Inline,
    /// An exception in the configuration.
    Exception,
    /// An entry of the baseline file.
    Baseline,
}

impl SuppressionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::Inline => "inline",
            SuppressionKind::Exception => "exception",
            SuppressionKind::Baseline => "baseline",
        }
    }
}

impl Diagnostic {
    pub fn new(code: &str, severity: Severity, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.to_string(),
            severity,
            message: message.into(),
            span,
            label: None,
            related: Vec::new(),
            help: None,
            path: None,
            controls: Arc::default(),
            fixable: false,
            value: None,
            suppression: None,
            inherited_by: Vec::new(),
        }
    }

    pub fn error(code: &str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic::new(code, Severity::Error, span, message)
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<Arc<str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Whether the finding counts: not suppressed, excepted or baselined.
    pub fn is_active(&self) -> bool {
        self.suppression.is_none()
    }

    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            label: label.into(),
        });
        self
    }
}

/// A file's decoded text, shared by the loader, the engine and the renderers.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user should read it (relative to where entralint was run when possible).
    pub name: String,
    pub text: String,
    line_starts: Vec<u32>,
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: String) -> Arc<SourceFile> {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0u32);
        line_starts.extend(
            memchr::memchr_iter(b'\n', text.as_bytes())
                .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        Arc::new(SourceFile {
            name: name.into(),
            text,
            line_starts,
        })
    }

    /// Line and column of a byte offset; offsets past the end map to the end.
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(self.text.len() as u32);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        let end = floor_char_boundary(&self.text, offset as usize);
        let column = self.text[start..end.max(start)].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The byte range of a 1-based line, without its line break.
    pub fn line_span(&self, line: usize) -> Option<Span> {
        let start = *self.line_starts.get(line.checked_sub(1)?)? as usize;
        let rest = &self.text[start..];
        let len = rest.find('\n').unwrap_or(rest.len());
        let len = if rest[..len].ends_with('\r') {
            len - 1
        } else {
            len
        };
        Some(Span::new(start, start + len))
    }

    pub fn slice(&self, span: Span) -> &str {
        let start = floor_char_boundary(&self.text, span.start as usize);
        let end = floor_char_boundary(&self.text, span.end as usize);
        &self.text[start..end.max(start)]
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    if index >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Everything one file produced.
#[derive(Debug)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    /// Orders diagnostics by position, then by code, so output is deterministic.
    pub fn sort(&mut self) {
        let order = |a: &Diagnostic, b: &Diagnostic| {
            (a.span.start, a.span.end, &a.code, &a.message).cmp(&(
                b.span.start,
                b.span.end,
                &b.code,
                &b.message,
            ))
        };
        // A large tenant's findings (a 100,000-user file has about 160,000) sort on every core;
        // both sorts are stable, so the order is the same.
        if self.diagnostics.len() >= PARALLEL_FROM {
            use rayon::slice::ParallelSliceMut;
            self.diagnostics.par_sort_by(order);
        } else {
            // A finding is a few hundred bytes: their positions are sorted, and each finding
            // moved once into its place, rather than moved at every step of the sort.
            let mut positions: Vec<usize> = (0..self.diagnostics.len()).collect();
            positions.sort_by(|&a, &b| order(&self.diagnostics[a], &self.diagnostics[b]));
            let mut slots: Vec<Option<Diagnostic>> = std::mem::take(&mut self.diagnostics)
                .into_iter()
                .map(Some)
                .collect();
            self.diagnostics = positions
                .into_iter()
                .filter_map(|at| slots[at].take())
                .collect();
        }
    }
}

/// From this many findings a report is sorted and cleaned on every core.
pub const PARALLEL_FROM: usize = 8_192;

/// The checks the loader runs before any rule: their names and what each reports.
pub const LOAD_CHECKS: &[(&str, &str)] = &[
    ("syntax-error", "The YAML or JSON does not parse"),
    ("duplicate-key", "A key is declared twice in one mapping"),
    ("unknown-key", "A key the tenant file format does not have"),
    ("missing-key", "A list item lacks a required key"),
    ("wrong-type", "A value has the wrong type"),
    (
        "invalid-value",
        "A value is outside its allowed set, or is not a valid date or duration",
    ),
    ("unknown-role", "A role that is not in the built-in catalog"),
    (
        "conflicting-consent-lists",
        "Both spellings of the user-consent list are declared, with different contents",
    ),
    (
        "customer-in-workforce-tenant",
        "A customer account in a workforce tenant",
    ),
    (
        "no-effect-in-external-tenant",
        "A setting of a feature external tenants do not have",
    ),
    (
        "multiple-documents",
        "More than one YAML document in a tenant file",
    ),
    ("invalid-encoding", "The file is not UTF-8 or UTF-16 text"),
    (
        "graph-property-missing",
        "A Graph response lacks properties that rules need",
    ),
    (
        "conflicting-section",
        "Two files of one tenant folder declare the same section",
    ),
    (
        "invalid-extends",
        "A file named in `tenant.extends` cannot be extended: missing, outside the repository, in a cycle, or not a tenant file",
    ),
    (
        "too-many-nodes",
        "Aliases expand the document beyond the node budget",
    ),
    (
        "nesting-too-deep",
        "The document nests deeper than the limit",
    ),
    ("file-too-large", "The file is larger than entralint reads"),
    ("unreadable-file", "The file could not be read"),
    (
        "unresolved-value",
        "A Microsoft365DSC or Terraform value known only when PowerShell or Terraform runs (a variable, an expression, a data source)",
    ),
    (
        "conflicting-sign-in-settings",
        "Security defaults are enabled while a Conditional Access policy is enabled",
    ),
    (
        "unknown-location",
        "A Conditional Access policy names a location that is not declared",
    ),
    (
        "unknown-authentication-strength",
        "A Conditional Access policy names an authentication strength that is neither built in nor declared",
    ),
    (
        "unresolved-reference",
        "A Conditional Access policy names a user or group the file does not declare",
    ),
    ("rule-error", "A rule could not be evaluated on this tenant"),
    (
        "rule-too-costly",
        "A rule was not evaluated: the tenant is too large for its nested loops",
    ),
    (
        "suppression-without-reason",
        "An inline suppression gives no reason",
    ),
    (
        "expired-suppression",
        "An inline suppression or exception is past its `until` date",
    ),
    (
        "unused-suppression",
        "An inline suppression suppresses nothing",
    ),
    (
        "invalid-suppression",
        "An inline suppression that cannot be read or names an unknown rule",
    ),
    (
        "suppression-not-allowed",
        "An inline suppression of a rule the configuration does not let be suppressed",
    ),
];

/// The codes `entralint drift` reports: a declared tenant compared with an export of the live one.
pub const DRIFT_CHECKS: &[(&str, Severity, &str)] = &[
    (
        "drift",
        Severity::Warning,
        "A declared value differs from the exported tenant's, or a declared item is not in the export",
    ),
    (
        "drift-undeclared",
        Severity::Info,
        "The exported tenant has a setting or item the declared tenant does not declare",
    ),
];

/// Whether `code` names a load check (a problem in the file) rather than a rule.
pub fn is_load_check(code: &str) -> bool {
    LOAD_CHECKS.iter().any(|(c, _)| *c == code)
}

/// A finding's stable identity for baselines and code scanning: the rule, the file, the document
/// path and the text at the finding. Line numbers are left out, so moving lines keeps it.
pub fn fingerprint(source: &SourceFile, diagnostic: &Diagnostic) -> String {
    fingerprint_as(source, diagnostic, &diagnostic.code)
}

/// The fingerprint the finding would have under another rule name: a renamed rule's finding as
/// a baseline written before the rename recorded it.
pub fn fingerprint_as(source: &SourceFile, diagnostic: &Diagnostic, code: &str) -> String {
    // FNV-1a, 64 bits: stable across versions and platforms, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    // Keyed on the repository-relative name, so every spelling of the path gives one print.
    let name = crate::paths::display(&source.name);
    let parts = [
        code,
        &name,
        diagnostic.path.as_deref().unwrap_or_default(),
        diagnostic
            .value
            .as_deref()
            .unwrap_or_else(|| source.slice(diagnostic.span))
            .trim(),
    ];
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_sort_by_place_then_name_then_message_keeping_ties_in_order() {
        // Findings with the same place, name and message differ in their path: ties keep the
        // order the rules gave them.
        let finding = |n: usize| {
            let (start, code, message) = [(5, "b", "x"), (1, "b", "y"), (5, "a", "z")][n % 3];
            Diagnostic::error(code, Span::new(start, start + 1), message).with_path(n.to_string())
        };
        let findings: Vec<Diagnostic> = (0..40).map(finding).collect();
        let mut report = FileReport {
            source: SourceFile::new("t.yaml", String::new()),
            diagnostics: findings.clone(),
        };
        report.sort();
        let mut expected = findings;
        expected.sort_by(|a, b| {
            (a.span.start, &a.code, &a.message).cmp(&(b.span.start, &b.code, &b.message))
        });
        let paths = |d: &[Diagnostic]| d.iter().map(|d| d.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&report.diagnostics), paths(&expected));
        assert_eq!(report.diagnostics[0].span.start, 1);
        assert_eq!(report.diagnostics[39].code, "b");
    }
}
