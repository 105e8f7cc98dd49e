//! How a file is named in every report, fingerprint and baseline: its path relative to the
//! repository root (the nearest folder above the working folder holding `.git`, else the working
//! folder), with `/` separators. `x`, `./x`, the absolute path and a run from a subfolder all give
//! the same name, so code-scanning alerts and baseline entries keep matching. A file outside the
//! root keeps its absolute path.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// The working folder and the repository root, found once per run.
struct Base {
    cwd: PathBuf,
    root: PathBuf,
}

fn base() -> Option<&'static Base> {
    static BASE: OnceLock<Option<Base>> = OnceLock::new();
    BASE.get_or_init(|| {
        let cwd = std::env::current_dir().ok()?;
        let root = cwd
            .ancestors()
            // A worktree or submodule has a `.git` file rather than a folder.
            .find(|dir| dir.join(".git").exists())
            .unwrap_or(&cwd)
            .to_path_buf();
        Some(Base { cwd, root })
    })
    .as_ref()
}

/// The repository root reports are relative to.
pub fn root() -> Option<&'static Path> {
    base().map(|b| b.root.as_path())
}

/// The name of the file at `path` (as given on the command line or found by a walk) in reports.
pub fn display(path: &str) -> Cow<'_, str> {
    let Some(base) = base() else {
        return slashes(path);
    };
    relative_to(path, &base.cwd, &base.root)
}

/// [`display`] for a given working folder and root; the rest of the crate uses [`display`].
pub fn relative_to<'a>(path: &'a str, cwd: &Path, root: &Path) -> Cow<'a, str> {
    // Standard input and names that are not paths (`-`) stay as they are.
    if path.is_empty() || path == "-" {
        return Cow::Borrowed(path);
    }
    let absolute = lexical(&cwd.join(path));
    if let Ok(inside) = absolute.strip_prefix(root) {
        return Cow::Owned(joined(inside));
    }
    // A link in the spelling (`/tmp` to `/private/tmp`) can hide that the file is inside.
    if let (Ok(real), Ok(real_root)) = (absolute.canonicalize(), root.canonicalize())
        && let Ok(inside) = real.strip_prefix(&real_root)
    {
        return Cow::Owned(joined(inside));
    }
    Cow::Owned(slashes(&absolute.to_string_lossy()).into_owned())
}

/// Whether a reported name is relative to the repository root (not an absolute path).
pub fn is_relative(name: &str) -> bool {
    !(name.starts_with('/') || Path::new(name).is_absolute() || name.get(1..3) == Some(":/"))
}

/// `.` and `..` resolved without touching the file system, so a file that does not exist (or a
/// name given with `--stdin-filename`) is named like one that does.
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn joined(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

fn slashes(path: &str) -> Cow<'_, str> {
    if path.contains('\\') && std::path::MAIN_SEPARATOR == '\\' {
        Cow::Owned(path.replace('\\', "/"))
    } else {
        Cow::Borrowed(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_gives_one_name() {
        let root = Path::new("/repo");
        let cwd = Path::new("/repo");
        let sub = Path::new("/repo/tenants");
        assert_eq!(relative_to("tenants/a.yaml", cwd, root), "tenants/a.yaml");
        assert_eq!(relative_to("./tenants/a.yaml", cwd, root), "tenants/a.yaml");
        assert_eq!(
            relative_to("/repo/tenants/a.yaml", cwd, root),
            "tenants/a.yaml"
        );
        assert_eq!(relative_to("a.yaml", sub, root), "tenants/a.yaml");
        assert_eq!(
            relative_to("../tenants/./a.yaml", sub, root),
            "tenants/a.yaml"
        );
    }

    #[test]
    fn outside_the_root_stays_absolute() {
        let name = relative_to("/elsewhere/a.yaml", Path::new("/repo"), Path::new("/repo"));
        assert_eq!(name, "/elsewhere/a.yaml");
        assert!(!is_relative(&name));
        assert!(is_relative("tenants/a.yaml"));
    }
}
