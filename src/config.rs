//! `.entralint.yaml`: the configuration a repository keeps, found upward from the working folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostic::{Diagnostic, FileReport, SourceFile, Span};
use crate::rules::schema::RuleSetting;
use crate::suggest;

pub const FILE_NAME: &str = ".entralint.yaml";

/// The configuration file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConfigFile {
    /// The baseline profile.
    #[serde(default)]
    pub profile: Option<Spanned<String>>,
    /// Only these rules.
    #[serde(default)]
    pub select: Vec<String>,
    /// Not these rules.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Per rule: `off`, `on`, or a severity and parameters.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleSetting>,
    /// Only files matching these globs are found in folders.
    #[serde(default)]
    pub include: Vec<String>,
    /// Files matching these globs are not found in folders.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Folders of custom rules.
    #[serde(default)]
    pub custom_rules: Vec<PathBuf>,
    /// Per-path changes: rules off or at another severity for matching files.
    #[serde(default)]
    pub overrides: Vec<Override>,
    /// The baseline file.
    #[serde(default)]
    pub baseline: Option<PathBuf>,
    /// Findings that are accepted, for files where comments are lost.
    #[serde(default)]
    pub exceptions: Vec<Spanned<Exception>>,
    /// Rules that inline `# entralint: ignore[…]` comments may not suppress.
    #[serde(default)]
    pub no_inline_suppressions: Vec<String>,
    /// A run whose paths hold no tenant document exits 0 instead of 2 (`--allow-empty`).
    #[serde(default)]
    pub allow_empty: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Globs of the files this applies to.
    pub files: Vec<String>,
    pub rules: BTreeMap<String, RuleSetting>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    pub rule: String,
    /// Globs of the files this applies to.
    pub files: Vec<String>,
    /// A document path (`roleAssignments[principal=alice@contoso.com]`); `*` matches anything.
    #[serde(default)]
    pub path: Option<String>,
    pub reason: String,
    /// `YYYY-MM-DD`: the exception stops applying after this day.
    #[serde(default)]
    pub until: Option<String>,
}

/// A configuration ready to apply, with where it was read from.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub file: ConfigFile,
    /// The configuration file, when there is one.
    pub source: Option<Arc<SourceFile>>,
    /// Paths in the configuration are relative to this folder.
    pub root: PathBuf,
    /// The configuration file's path, when there is one.
    pub path: Option<PathBuf>,
    /// The repository the configuration belongs to: custom rules and the baseline it names
    /// must lie inside it (its folder holding `.git`, or the configuration's own folder).
    pub repository: Option<PathBuf>,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    overrides: Vec<(GlobSet, BTreeMap<String, RuleSetting>)>,
    /// Each exception with its files, where it is written, and the rule it is for by its current
    /// name (what findings carry; the exception may name the rule as it was called before).
    exceptions: Vec<(GlobSet, Exception, Span, String)>,
    /// The rules inline comments may not suppress, by their current names.
    no_inline: Vec<String>,
    /// The working folder and the canonical root, read once: every finding is matched against
    /// the exceptions, and asking the system each time would cost more than the match.
    anchor: OnceLock<(Option<PathBuf>, PathBuf)>,
}

/// A configuration that could not be used: its diagnostics, or a message.
#[derive(Debug)]
pub enum ConfigError {
    File(FileReport),
    Message(String),
}

/// The nearest `.entralint.yaml` in `start` or a folder above it, up to the repository's root
/// (the folder holding `.git`): a configuration above the repository is someone else's.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    let root = crate::read::repository_root(&start);
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.symlink_metadata().is_ok() {
            return Some(candidate);
        }
        if root.as_deref() == Some(dir) {
            break;
        }
    }
    None
}

impl Config {
    /// Reads and checks a configuration file. A `discovered` one (found, not named with
    /// `--config`) comes with the repository and must lie inside it, through any link.
    pub fn load(path: &Path, discovered: bool) -> Result<Config, ConfigError> {
        let kind = crate::read::Kind::Config;
        let folder = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        let repository =
            crate::read::repository_root(&folder).or_else(|| folder.canonicalize().ok());
        let text = match (&repository, discovered) {
            (Some(repository), true) => crate::read::read_text_inside(path, kind, repository),
            _ => crate::read::read_text(path, kind),
        }
        .map_err(|e| ConfigError::Message(e.to_string()))?;
        let shown = shown(path);
        let source = SourceFile::new(shown, text);
        let file: ConfigFile = match crate::typed::from_str(&source.text) {
            Ok(file) => file,
            Err(err) => return Err(ConfigError::File(invalid(&source, &err))),
        };
        let mut config = Config::build(file, Some(source), folder)?;
        config.path = Some(path.to_path_buf());
        config.repository = repository;
        config.confine()?;
        Ok(config)
    }

    /// Custom rules and the baseline a configuration names are the repository's own files:
    /// relative paths that stay inside it, links included.
    fn confine(&self) -> Result<(), ConfigError> {
        use crate::read::{Kind, inside, relative_inside};
        let Some(repository) = &self.repository else {
            return Ok(());
        };
        let named = self
            .file
            .custom_rules
            .iter()
            .map(|d| (d, Kind::Rule))
            .chain(self.file.baseline.iter().map(|b| (b, Kind::Baseline)));
        for (path, kind) in named {
            let error = |e: crate::read::ReadError| {
                ConfigError::Message(format!("{}: {e}", self.shown_name()))
            };
            relative_inside(path, kind).map_err(error)?;
            let full = self.root.join(path);
            // A path that does not exist yet is reported when it is read.
            if full.symlink_metadata().is_ok()
                && let Err(e @ crate::read::ReadError::Outside(..)) =
                    inside(&full, kind, repository)
            {
                return Err(error(e));
            }
        }
        Ok(())
    }

    fn shown_name(&self) -> String {
        self.source
            .as_ref()
            .map_or_else(|| FILE_NAME.to_string(), |s| s.name.clone())
    }

    /// The baseline the configuration names, and the repository it must lie in.
    pub fn baseline_path(&self) -> Option<(PathBuf, Option<&Path>)> {
        self.file
            .baseline
            .as_ref()
            .map(|b| (self.root.join(b), self.repository.as_deref()))
    }

    pub fn build(
        file: ConfigFile,
        source: Option<Arc<SourceFile>>,
        root: PathBuf,
    ) -> Result<Config, ConfigError> {
        let set = |globs: &[String]| -> Result<Option<GlobSet>, ConfigError> {
            if globs.is_empty() {
                return Ok(None);
            }
            globset(globs).map(Some)
        };
        let include = set(&file.include)?;
        let exclude = set(&file.exclude)?;
        let mut overrides = Vec::new();
        for o in &file.overrides {
            overrides.push((globset(&o.files)?, o.rules.clone()));
        }
        let mut exceptions = Vec::new();
        for e in &file.exceptions {
            let span = source
                .as_ref()
                .map(|s| {
                    let at = offset(
                        s,
                        e.referenced.line() as usize,
                        e.referenced.column() as usize,
                    );
                    Span::new(at, at)
                })
                .unwrap_or_default();
            if let Some(until) = &e.value.until
                && chrono::NaiveDate::parse_from_str(until, "%Y-%m-%d").is_err()
            {
                return Err(ConfigError::Message(format!(
                    "exception for `{}`: `until: {until}` is not a date (YYYY-MM-DD)",
                    e.value.rule
                )));
            }
            let rule = e.value.rule.clone();
            exceptions.push((globset(&e.value.files)?, e.value.clone(), span, rule));
        }
        Ok(Config {
            no_inline: file.no_inline_suppressions.clone(),
            file,
            source,
            root,
            include,
            exclude,
            overrides,
            exceptions,
            path: None,
            repository: None,
            anchor: OnceLock::new(),
        })
    }

    /// Reads the rule names of overrides, exceptions and `noInlineSuppressions` as the rules now
    /// call them: a configuration written before a rule was renamed keeps applying to it. (The
    /// selection, `select`, `ignore` and `rules`, is resolved when the rules load.)
    pub fn follow_renames(&mut self, rules: &crate::rules::RuleSet) {
        let current = |name: &str| rules.current_name(name).unwrap_or(name).to_string();
        for (_, settings) in &mut self.overrides {
            let mut renamed = BTreeMap::new();
            // A setting under the current name wins over one under a former name.
            for (name, setting) in std::mem::take(settings) {
                let now = current(&name);
                if now == name {
                    renamed.insert(now, setting);
                } else {
                    renamed.entry(now).or_insert(setting);
                }
            }
            *settings = renamed;
        }
        for (_, exception, _, rule) in &mut self.exceptions {
            *rule = current(&exception.rule);
        }
        self.no_inline = self
            .file
            .no_inline_suppressions
            .iter()
            .map(|n| current(n))
            .collect();
    }

    /// A file's path relative to the configuration's folder, for matching globs.
    fn relative(&self, file: &str) -> PathBuf {
        let path = Path::new(file);
        let (cwd, root) = self.anchor.get_or_init(|| {
            let root = self
                .root
                .canonicalize()
                .unwrap_or_else(|_| self.root.clone());
            (std::env::current_dir().ok(), root)
        });
        let absolute = cwd
            .as_ref()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|| path.to_path_buf());
        let absolute = normalise(&absolute);
        absolute
            .strip_prefix(root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    }

    /// Whether discovery keeps a file found in a folder.
    pub fn discovers(&self, file: &str) -> bool {
        let relative = self.relative(file);
        self.include.as_ref().is_none_or(|g| g.is_match(&relative))
            && !self.exclude.as_ref().is_some_and(|g| g.is_match(&relative))
    }

    /// Per-path settings for a file, in order.
    pub fn overrides_for(&self, file: &str) -> Vec<&BTreeMap<String, RuleSetting>> {
        if self.overrides.is_empty() {
            return Vec::new();
        }
        let relative = self.relative(file);
        self.overrides
            .iter()
            .filter(|(globs, _)| globs.is_match(&relative))
            .map(|(_, rules)| rules)
            .collect()
    }

    /// The exception that accepts a finding, if any, with whether it has expired.
    pub fn exception_for(
        &self,
        file: &str,
        rule: &str,
        path: Option<&str>,
    ) -> Option<(&Exception, Span, bool)> {
        if self.exceptions.is_empty() {
            return None;
        }
        let relative = self.relative(file);
        let today = chrono::Utc::now().date_naive();
        self.exceptions
            .iter()
            .find_map(|(files, exception, span, current)| {
                let matches = current == rule
                    && files.is_match(&relative)
                    && exception
                        .path
                        .as_deref()
                        .is_none_or(|pattern| path.is_some_and(|p| wildcard(pattern, p)));
                let expired = exception
                    .until
                    .as_deref()
                    .and_then(|u| chrono::NaiveDate::parse_from_str(u, "%Y-%m-%d").ok())
                    .is_some_and(|until| until < today);
                matches.then_some((exception, *span, expired))
            })
    }

    /// Whether inline comments may suppress a rule.
    pub fn allows_inline(&self, rule: &str) -> bool {
        !self.no_inline.iter().any(|r| r == rule)
    }
}

/// Matches a document path against a pattern where `*` stands for any text and everything else
/// is literal (document paths hold `[` and `]`, which globs would read as classes).
fn wildcard(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = parts.split_first().unwrap_or((&"", &[]));
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for part in middle {
        match remaining.find(part) {
            Some(i) => remaining = &remaining[i + part.len()..],
            None => return false,
        }
    }
    remaining.ends_with(last)
}

fn globset(globs: &[String]) -> Result<GlobSet, ConfigError> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let glob =
            Glob::new(glob).map_err(|e| ConfigError::Message(format!("glob `{glob}`: {e}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| ConfigError::Message(format!("globs: {e}")))
}

/// `a/./b/../c` as `a/c`, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The configuration path as the user should read it.
fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let absolute = path.canonicalize().ok();
    match (cwd, absolute) {
        (Some(cwd), Some(absolute)) => {
            crate::escape::path(absolute.strip_prefix(&cwd).unwrap_or(path))
        }
        _ => crate::escape::path(path),
    }
}

fn offset(source: &SourceFile, line: usize, column: usize) -> usize {
    let Some(span) = source.line_span(line) else {
        return source.text.len();
    };
    let text = source.slice(span);
    span.start as usize
        + text
            .chars()
            .take(column.saturating_sub(1))
            .map(char::len_utf8)
            .sum::<usize>()
}

/// A configuration file that does not read: the error at its spot, with the nearest known key.
fn invalid(source: &Arc<SourceFile>, err: &serde_saphyr::Error) -> FileReport {
    let at = err
        .location()
        .map(|l| offset(source, l.line() as usize, l.column() as usize))
        .unwrap_or_default();
    let text = err.without_snippet().to_string();
    let message = text.lines().next().unwrap_or(&text).to_string();
    let mut diagnostic = Diagnostic::error(
        "invalid-config",
        Span::new(at, at),
        format!("invalid configuration: {message}"),
    )
    .with_label("here");
    if let Some(unknown) = message.split('`').nth(1)
        && let Some((_, expected)) = message.split_once("expected one of ")
    {
        let expected = expected.split(" at line").next().unwrap_or(expected);
        let names = expected.split(", ").map(|n| n.trim_matches('`'));
        if let Some(near) = suggest::closest(unknown, names) {
            diagnostic = diagnostic.with_help(format!("did you mean `{near}`?"));
        }
    }
    FileReport {
        source: source.clone(),
        diagnostics: vec![diagnostic],
    }
}

/// The resolved configuration as text: every value and where it comes from.
pub fn describe(
    config: &Config,
    rules: &crate::rules::RuleSet,
    profile_flag: bool,
    rule_flags: &[PathBuf],
) -> String {
    use std::fmt::Write as _;
    // The configuration is the repository's: its text is printed with control characters
    // escaped, so that no value starts a line of its own in a CI log.
    let e = |s: &str| crate::escape::text(s).into_owned();
    let p = |p: &Path| crate::escape::path(p);
    let file = &config.file;
    let from = config
        .source
        .as_ref()
        .map_or_else(|| "default".to_string(), |s| s.name.clone());
    let at = |line: u64| format!("{from}:{line}");
    let mut out = String::new();
    match &config.source {
        Some(source) => {
            let _ = writeln!(out, "configuration: {}", source.name);
        }
        None => {
            let _ = writeln!(out, "configuration: none (defaults apply)");
        }
    }
    let profile_origin = if profile_flag {
        "--profile".to_string()
    } else {
        file.profile
            .as_ref()
            .map_or_else(|| "default".to_string(), |p| at(p.referenced.line()))
    };
    let _ = writeln!(
        out,
        "profile: {}  ({profile_origin})",
        rules.profile.file.name
    );
    let list = |items: &[String]| {
        if items.is_empty() {
            "[]".to_string()
        } else {
            format!("[{}]", e(&items.join(", ")))
        }
    };
    let _ = writeln!(out, "select: {}  ({from})", list(&file.select));
    let _ = writeln!(out, "ignore: {}  ({from})", list(&file.ignore));
    let _ = writeln!(out, "include: {}  ({from})", list(&file.include));
    let _ = writeln!(out, "exclude: {}  ({from})", list(&file.exclude));
    let _ = writeln!(out, "rules:  ({from})");
    for (name, setting) in &file.rules {
        let _ = writeln!(out, "  {}: {}", e(name), e(&setting_text(setting)));
    }
    let _ = writeln!(out, "customRules:");
    for dir in &file.custom_rules {
        let _ = writeln!(out, "  {}  ({from})", p(&config.root.join(dir)));
    }
    for dir in rule_flags {
        let _ = writeln!(out, "  {}  (--rules)", p(dir));
    }
    let _ = writeln!(out, "overrides:  ({from})");
    for o in &file.overrides {
        let settings: Vec<String> = o
            .rules
            .iter()
            .map(|(n, s)| format!("{n}: {}", setting_text(s)))
            .collect();
        let _ = writeln!(out, "  {} → {}", list(&o.files), e(&settings.join(", ")));
    }
    let _ = writeln!(
        out,
        "baseline: {}  ({from})",
        file.baseline
            .as_ref()
            .map_or_else(|| "none".to_string(), |b| p(&config.root.join(b)))
    );
    let _ = writeln!(out, "exceptions:");
    for entry in &file.exceptions {
        let x = &entry.value;
        let _ = writeln!(
            out,
            "  {} in {}{}{}: {}  ({})",
            e(&x.rule),
            list(&x.files),
            x.path
                .as_ref()
                .map(|path| format!(" at {}", e(path)))
                .unwrap_or_default(),
            x.until
                .as_ref()
                .map(|u| format!(" until {}", e(u)))
                .unwrap_or_default(),
            e(&x.reason),
            at(entry.referenced.line())
        );
    }
    let _ = writeln!(
        out,
        "noInlineSuppressions: {}  ({from})",
        list(&file.no_inline_suppressions)
    );
    let enabled = rules.enabled().count();
    let _ = writeln!(out, "rules enabled: {enabled} of {}", rules.rules.len());
    out
}

fn setting_text(setting: &RuleSetting) -> String {
    use crate::rules::schema::Switch;
    match setting {
        RuleSetting::Switch(Switch::Off) => "off".to_string(),
        RuleSetting::Switch(Switch::On) => "on".to_string(),
        RuleSetting::Tuned(t) => {
            let mut parts = Vec::new();
            if let Some(s) = t.severity {
                parts.push(format!("severity {}", crate::rules::severity(s)));
            }
            for (k, v) in &t.params {
                parts.push(format!("{k} = {v}"));
            }
            parts.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wildcard;

    #[test]
    fn document_path_wildcards() {
        assert!(wildcard(
            "roleAssignments[principal=svc-*]",
            "roleAssignments[principal=svc-deploy]"
        ));
        assert!(wildcard(
            "authorizationPolicy.*",
            "authorizationPolicy.allowInvitesFrom"
        ));
        assert!(wildcard("a", "a"));
        assert!(!wildcard("a", "ab"));
        assert!(!wildcard(
            "roleAssignments[principal=svc-*]",
            "roleAssignments[principal=alice]"
        ));
        assert!(wildcard("*.role", "roleAssignments[principal=x].role"));
    }
}
