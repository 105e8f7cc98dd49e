//! `entralint init`: a starting tenant file that declares every setting at its secure value, and a
//! `.entralint.yaml` naming the profile. The tenant files are data under `rules/data/init/`.
//!
//! With `--format terraform` the tenant is a Terraform module instead: `main.tf` sets what the
//! azuread and msgraph providers can set, and `tenant.yaml` beside it is the module's header,
//! declaring the rest (docs/terraform.md). The header is the YAML template less the sections the
//! module declares, so the two say the same and never both declare a section.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::TenantKind;
use crate::rules::{LoadError, RuleSet, Selection};

/// The tenant file `init` writes, inside the chosen folder.
pub const TENANT_FILE: &str = "tenant.yaml";
/// The configuration file `init` writes next to it.
pub const CONFIG_FILE: &str = ".entralint.yaml";
/// Where editors find the schema; the published copy lives in the entralint repository.
pub const SCHEMA_URL: &str =
    "https://raw.githubusercontent.com/entralint/entralint/main/schema/tenant.schema.json";

const WORKFORCE: &str = include_str!("../rules/data/init/workforce.yaml");
const EXTERNAL: &str = include_str!("../rules/data/init/external.yaml");
// Embedded as written: build.rs converts only the YAML under rules/, and skips this folder.
const WORKFORCE_TF: &str = include_str!("../rules/data/init/workforce.tf");
const EXTERNAL_TF: &str = include_str!("../rules/data/init/external.tf");

/// The module `init --format terraform` writes, beside its header.
pub const MODULE_FILE: &str = "main.tf";

/// What to write and where.
#[derive(Debug, Clone)]
pub struct Plan {
    pub kind: TenantKind,
    pub profile: String,
    /// The tenant's name (`tenant.name`); also names the alert mailbox.
    pub name: String,
}

#[derive(Debug)]
pub enum InitError {
    /// The profile, the rules or the tenant name cannot be used.
    Rules(String),
    /// These files already exist; nothing was written.
    Exists(Vec<PathBuf>),
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::Rules(message) => f.write_str(message),
            InitError::Exists(paths) => {
                let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                let listed = match shown.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} and {last}", rest.join(", "))
                    }
                    _ => shown.join(""),
                };
                write!(
                    f,
                    "{} already exist{}; init writes new files only and changed nothing (move {} away or pick another folder)",
                    listed,
                    if paths.len() == 1 { "s" } else { "" },
                    if paths.len() == 1 { "it" } else { "them" },
                )
            }
            InitError::Io(path, err) => write!(f, "{}: {err}", path.display()),
        }
    }
}

/// The tenant name `init` uses for a folder: its last component, or a neutral one.
pub fn default_name(dir: &Path) -> String {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name: String = absolute
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_matches('-').to_string();
    if name.is_empty() {
        "my-tenant".to_string()
    } else {
        name
    }
}

/// Whether a name can go into the file as it is: it becomes a YAML scalar and part of a mailbox.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && !name.starts_with(['-', '.'])
}

/// The tenant file's text for a plan. Lines marked `{{if-enabled RULE}}` are kept only when the
/// profile turns RULE on, so the file carries no suppression that would be reported as unused.
pub fn tenant_file(plan: &Plan) -> Result<String, InitError> {
    let rules = RuleSet::load(&Selection {
        profile: Some(plan.profile.clone()),
        ..Selection::default()
    })
    .map_err(|err| match err {
        LoadError::Message(message) => InitError::Rules(message),
        LoadError::Files(_) => InitError::Rules("the built-in rules do not load".to_string()),
    })?;
    let template = match plan.kind {
        TenantKind::Workforce => WORKFORCE,
        TenantKind::External => EXTERNAL,
    };
    let alerts = format!("security@{}.onmicrosoft.com", plan.name);
    let mut out = String::with_capacity(template.len());
    for line in template.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        let line = match line.trim_start().strip_prefix("{{if-enabled ") {
            Some(rest) => {
                let Some((rule, text)) = rest.split_once("}}") else {
                    continue;
                };
                if !rules.get(rule).is_some_and(|r| r.enabled) {
                    continue;
                }
                format!("{indent}{text}")
            }
            None => line.to_string(),
        };
        out.push_str(
            &line
                .replace("{{schema}}", SCHEMA_URL)
                .replace("{{profile}}", &plan.profile)
                .replace("{{name}}", &plan.name)
                .replace("{{alerts}}", &alerts),
        );
        out.push('\n');
    }
    Ok(out)
}

/// The Terraform module's text for a plan.
pub fn module_file(plan: &Plan) -> String {
    let template = match plan.kind {
        TenantKind::Workforce => WORKFORCE_TF,
        TenantKind::External => EXTERNAL_TF,
    };
    template
        .replace("{{profile}}", &plan.profile)
        .replace("{{name}}", &plan.name)
}

/// The header beside the module: the tenant file for the plan without the sections `module`
/// declares (and the comments that lead into them), under a comment that says what it is.
pub fn header_file(plan: &Plan, module: &str) -> Result<String, InitError> {
    let (document, _) = crate::load::terraform::load(MODULE_FILE, module);
    let declared: Vec<String> = document
        .root
        .as_ref()
        .and_then(crate::tree::Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e.key.as_str().map(str::to_string))
        .collect();
    let tenant = tenant_file(plan)?;
    let mut out = format!(
        "# yaml-language-server: $schema={SCHEMA_URL}\n\
         # The header of the Terraform module beside it, written by `entralint init --format terraform`:\n\
         # the tenant's name and kind, and every setting {MODULE_FILE} does not set (no provider resource\n\
         # sets them), at its secure value. entralint reads it and the .tf files as one tenant.\n"
    );
    // Blocks of the template: the comment and blank lines that lead into a top-level key, the
    // key and its indented lines. The lines before `tenant:` are the template's own preamble.
    let body = tenant
        .find("\ntenant:")
        .map_or(tenant.as_str(), |at| &tenant[at + 1..]);
    let mut block = String::new();
    let mut keep = true;
    let flush = |block: &mut String, keep: bool, out: &mut String| {
        if keep {
            out.push_str(block);
        }
        block.clear();
    };
    let mut leading = String::new();
    for line in body.lines() {
        let top_key = line
            .split_once(':')
            .map(|(k, _)| k)
            .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric()));
        if let Some(key) = top_key {
            flush(&mut block, keep, &mut out);
            keep = !declared.iter().any(|d| d == key);
            block.push_str(&leading);
            leading.clear();
        } else if line.is_empty() || line.starts_with('#') {
            leading.push_str(line);
            leading.push('\n');
            continue;
        } else {
            block.push_str(&leading);
            leading.clear();
        }
        block.push_str(line);
        block.push('\n');
    }
    flush(&mut block, keep, &mut out);
    out.push_str(&leading);
    Ok(out)
}

/// The configuration's text: the profile, and where tenant files are found.
pub fn config_file(plan: &Plan) -> String {
    format!(
        "# entralint configuration, written by `entralint init`.\n\
         profile: {}   # the baseline findings answer to; `entralint rules` lists what it turns on\n",
        plan.profile
    )
}

/// Writes both files into `dir` (created when missing). Refuses, writing nothing, when either
/// file exists; each file is created exclusively, so a file that appears meanwhile is not replaced.
pub fn write(dir: &Path, plan: &Plan) -> Result<Vec<PathBuf>, InitError> {
    if !valid_name(&plan.name) {
        return Err(InitError::Rules(format!(
            "`{}` cannot be a tenant name: use letters, digits, `-`, `_` and `.` (--name NAME)",
            plan.name
        )));
    }
    let files = vec![
        (dir.join(TENANT_FILE), tenant_file(plan)?),
        (dir.join(CONFIG_FILE), config_file(plan)),
    ];
    write_files(dir, &files)
}

/// Writes a Terraform module (`main.tf`), its header (`tenant.yaml`) and the configuration into
/// `dir`, refusing as [`write`] does when any of them exists.
pub fn write_terraform(dir: &Path, plan: &Plan) -> Result<Vec<PathBuf>, InitError> {
    if !valid_name(&plan.name) {
        return Err(InitError::Rules(format!(
            "`{}` cannot be a tenant name: use letters, digits, `-`, `_` and `.` (--name NAME)",
            plan.name
        )));
    }
    let module = module_file(plan);
    let files = vec![
        (dir.join(MODULE_FILE), module.clone()),
        (dir.join(TENANT_FILE), header_file(plan, &module)?),
        (dir.join(CONFIG_FILE), config_file(plan)),
    ];
    write_files(dir, &files)
}

/// Creates each file whole, none when one exists already.
fn write_files(dir: &Path, files: &[(PathBuf, String)]) -> Result<Vec<PathBuf>, InitError> {
    let existing: Vec<PathBuf> = files
        .iter()
        .filter(|(path, _)| path.symlink_metadata().is_ok())
        .map(|(path, _)| path.clone())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    std::fs::create_dir_all(dir).map_err(|e| InitError::Io(dir.to_path_buf(), e))?;
    let mut written = Vec::new();
    for (path, text) in files {
        // Created whole or not at all, and never over a file that appeared meanwhile.
        let options = crate::write::Options {
            create_new: true,
            ..Default::default()
        };
        let result = crate::write::write(path, options, |file| file.write_all(text.as_bytes()));
        if let Err(err) = result {
            // Leave the folder as it was: remove only what this run created.
            for done in &written {
                let _ = std::fs::remove_file(done);
            }
            return Err(match err.kind() {
                std::io::ErrorKind::AlreadyExists => InitError::Exists(vec![path.clone()]),
                _ => InitError::Io(path.clone(), err),
            });
        }
        written.push(path.clone());
    }
    Ok(written)
}

/// Writes `dir/tenant.yaml`: a thin tenant that extends `parent` (a path from the working folder)
/// and declares only its name, and its kind when given. The parent must be a tenant file the new
/// one can extend; nothing is written otherwise.
pub fn write_extending(
    dir: &Path,
    parent: &Path,
    name: &str,
    kind: Option<TenantKind>,
) -> Result<PathBuf, InitError> {
    if !valid_name(name) {
        return Err(InitError::Rules(format!(
            "`{name}` cannot be a tenant name: use letters, digits, `-`, `_` and `.` (--name NAME)"
        )));
    }
    let cwd = std::env::current_dir().map_err(|e| InitError::Io(PathBuf::from("."), e))?;
    let folder = crate::paths::lexical(&cwd.join(dir));
    let target = crate::paths::lexical(&cwd.join(parent));
    let written = relative(&folder, &target);
    let shown = written.to_string_lossy().replace('\\', "/");
    let mut text = format!(
        "# yaml-language-server: $schema={SCHEMA_URL}\n\
         # The {name} tenant: every setting of {shown}, which it extends, and what is its own below.\n\
         tenant:\n  name: {name}\n  # id: the tenant (directory) id\n"
    );
    if let Some(kind) = kind {
        text.push_str(&format!("  kind: {}\n", kind.as_str()));
    }
    text.push_str(&format!("  extends: {}\n", yaml_scalar(&shown)));
    let path = dir.join(TENANT_FILE);
    // What `check` will say about the path, said now: nothing is written that cannot load.
    let loaded = crate::load::load(&path.display().to_string(), text.as_bytes());
    let extended = crate::load::extends::with_parents(loaded, &folder.join(TENANT_FILE), None)
        .map_err(|_| InitError::Rules("the tenant file init writes names no file".to_string()))?;
    if let Some(problem) = extended
        .loaded
        .diagnostics
        .iter()
        .find(|d| d.severity == crate::diagnostic::Severity::Error)
    {
        return Err(InitError::Rules(format!(
            "cannot extend {}: {}",
            parent.display(),
            problem.message
        )));
    }
    if path.symlink_metadata().is_ok() {
        return Err(InitError::Exists(vec![path]));
    }
    std::fs::create_dir_all(dir).map_err(|e| InitError::Io(dir.to_path_buf(), e))?;
    let options = crate::write::Options {
        create_new: true,
        ..Default::default()
    };
    crate::write::write(&path, options, |file| file.write_all(text.as_bytes())).map_err(|err| {
        match err.kind() {
            std::io::ErrorKind::AlreadyExists => InitError::Exists(vec![path.clone()]),
            _ => InitError::Io(path.clone(), err),
        }
    })?;
    Ok(path)
}

/// `to` as a path from the folder `from`; both absolute, `.` and `..` resolved. Written here: it
/// is a comparison of components, with no file system access.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to[common..] {
        out.push(part);
    }
    out
}

/// A path as a YAML scalar: plain when that reads back as the same string, quoted otherwise.
fn yaml_scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-' | '_'));
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_become_tenant_names() {
        assert_eq!(default_name(Path::new("/x/Contoso Prod")), "contoso-prod");
        assert_eq!(default_name(Path::new("/x/__")), "my-tenant");
        assert!(valid_name(&default_name(Path::new("/x/Contoso Prod"))));
        assert!(!valid_name("a: b"));
        assert!(!valid_name("-x"));
    }

    #[test]
    fn a_parent_is_named_from_the_new_tenant_folder() {
        let rel = |a: &str, b: &str| relative(Path::new(a), Path::new(b)).display().to_string();
        assert_eq!(
            rel("/r/fleet/test", "/r/fleet/baseline/t.yaml"),
            "../baseline/t.yaml"
        );
        assert_eq!(rel("/r", "/r/b.yaml"), "b.yaml");
        assert_eq!(rel("/r/a/b", "/r/c.yaml"), "../../c.yaml");
    }
}
