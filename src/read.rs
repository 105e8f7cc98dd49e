//! Reading every file entralint opens: regular files only, never more than a cap per kind, and
//! errors that name the file without quoting it.
//!
//! A repository's contents come from whoever opens the pull request: a committed link to
//! `/dev/zero` must end in an error, not in memory growing without bound, and a link to a FIFO
//! must not hang the run. Configuration, rules and baselines named by the configuration are also
//! confined to the repository, so a link cannot make entralint print a file from elsewhere.

use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Largest tenant file entralint reads, whichever way it arrives (a path, standard input, an
/// editor): a Graph export of a 100,000-user tenant is tens of megabytes, and checking one costs
/// memory in proportion to its size, so the cap also bounds the memory a check takes.
pub const MAX_TENANT_BYTES: u64 = 256 * 1024 * 1024;

/// What a file is to entralint; each kind has its own size cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A tenant document, Graph response, DSC file or export.
    Tenant,
    /// `.entralint.yaml`.
    Config,
    /// A custom rule file.
    Rule,
    /// A baseline of accepted findings.
    Baseline,
}

impl Kind {
    /// Configuration and rule files are a few kilobytes; a baseline of a large estate holds many
    /// findings.
    pub fn cap(self) -> u64 {
        match self {
            Kind::Tenant => MAX_TENANT_BYTES,
            Kind::Config | Kind::Rule => 1024 * 1024,
            Kind::Baseline => 64 * 1024 * 1024,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Kind::Tenant => "tenant file",
            Kind::Config => "configuration",
            Kind::Rule => "rule file",
            Kind::Baseline => "baseline",
        }
    }
}

/// Why a file was not read. The messages name the path and never quote the file.
#[derive(Debug)]
pub enum ReadError {
    Io(PathBuf, std::io::Error),
    /// A FIFO, socket, device or folder.
    NotRegular(PathBuf, Kind),
    TooLarge(PathBuf, Kind, u64),
    /// The file, or what a link in its path leads to, lies outside the repository.
    Outside(PathBuf, Kind, PathBuf),
    /// An absolute path or one that climbs with `..` where a repository-relative one is needed.
    Escapes(PathBuf, Kind),
    NotUtf8(PathBuf, Kind),
}

impl ReadError {
    pub fn is_too_large(&self) -> Option<u64> {
        match self {
            ReadError::TooLarge(_, _, size) => Some(*size),
            _ => None,
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |p: &Path| crate::escape::path(p);
        match self {
            ReadError::Io(path, err) => write!(f, "{}: cannot read: {err}", shown(path)),
            ReadError::NotRegular(path, kind) => write!(
                f,
                "{}: the {} is not a regular file (a FIFO, socket, device or folder); not read",
                shown(path),
                kind.what()
            ),
            ReadError::TooLarge(path, kind, size) => write!(
                f,
                "{}: the {} is {:.1} MB; entralint reads one up to {} MB",
                shown(path),
                kind.what(),
                *size as f64 / 1_048_576.0,
                kind.cap() / 1_048_576
            ),
            ReadError::Outside(path, kind, root) => write!(
                f,
                "{}: the {} lies outside the repository {} (through a link or an absolute path); not read",
                shown(path),
                kind.what(),
                shown(root)
            ),
            ReadError::Escapes(path, kind) => write!(
                f,
                "{}: the {} must be a path inside the repository, without `..` or a leading `/`",
                shown(path),
                kind.what()
            ),
            ReadError::NotUtf8(path, kind) => {
                write!(f, "{}: the {} is not UTF-8 text", shown(path), kind.what())
            }
        }
    }
}

impl std::error::Error for ReadError {}

/// Reads a regular file (or a link to one) of at most the kind's cap.
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>, ReadError> {
    let io = |err| ReadError::Io(path.to_path_buf(), err);
    // Opening a FIFO waits for a writer, and a device never ends: look before opening.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(path.to_path_buf(), kind));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // What was opened may not be what was looked at, if the path changed in between.
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(path.to_path_buf(), kind));
    }
    let cap = kind.cap();
    if meta.len() > cap {
        return Err(ReadError::TooLarge(path.to_path_buf(), kind, meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The cap also holds for a file that grows while it is read.
    file.take(cap + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge(
            path.to_path_buf(),
            kind,
            bytes.len() as u64,
        ));
    }
    Ok(bytes)
}

/// [`read`] as UTF-8 text (a leading byte-order mark is dropped).
pub fn read_text(path: &Path, kind: Kind) -> Result<String, ReadError> {
    let bytes = read(path, kind)?;
    let text =
        String::from_utf8(bytes).map_err(|_| ReadError::NotUtf8(path.to_path_buf(), kind))?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// [`read_text`] of a file that must lie inside `root`, links resolved.
pub fn read_text_inside(path: &Path, kind: Kind, root: &Path) -> Result<String, ReadError> {
    inside(path, kind, root)?;
    read_text(path, kind)
}

/// Checks that `path`, with every link in it resolved, lies inside `root`.
pub fn inside(path: &Path, kind: Kind, root: &Path) -> Result<(), ReadError> {
    let io = |err| ReadError::Io(path.to_path_buf(), err);
    let real = path.canonicalize().map_err(io)?;
    let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if real.starts_with(&root_real) {
        Ok(())
    } else {
        Err(ReadError::Outside(path.to_path_buf(), kind, root_real))
    }
}

/// Checks that a path written in a repository's configuration stays in it: relative, and never
/// climbing with `..`.
pub fn relative_inside(path: &Path, kind: Kind) -> Result<(), ReadError> {
    let escapes = path.components().any(|c| {
        matches!(
            c,
            Component::ParentDir | Component::RootDir | Component::Prefix(_)
        )
    });
    if escapes {
        Err(ReadError::Escapes(path.to_path_buf(), kind))
    } else {
        Ok(())
    }
}

/// The repository `start` is in: the nearest folder at or above it holding `.git`.
pub fn repository_root(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    start
        .ancestors()
        .find(|dir| dir.join(".git").symlink_metadata().is_ok())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_folders_are_refused() {
        let err = read(Path::new("/dev/zero"), Kind::Config).unwrap_err();
        assert!(matches!(err, ReadError::NotRegular(..)), "{err}");
        let err = read(Path::new("/"), Kind::Baseline).unwrap_err();
        assert!(matches!(err, ReadError::NotRegular(..)), "{err}");
    }

    #[test]
    fn files_over_the_cap_are_refused_without_reading_them() {
        let dir = tempdir("cap");
        let path = dir.join("big.yaml");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(Kind::Config.cap() + 1).unwrap();
        let err = read_text(&path, Kind::Config).unwrap_err();
        assert_eq!(err.is_too_large(), Some(Kind::Config.cap() + 1));
        assert!(err.to_string().contains("up to 1 MB"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn links_out_of_the_root_are_refused() {
        let dir = tempdir("inside");
        std::fs::create_dir_all(dir.join("repo")).unwrap();
        std::fs::write(dir.join("secret"), "TOKEN=abc").unwrap();
        std::os::unix::fs::symlink(dir.join("secret"), dir.join("repo/rule.yaml")).unwrap();
        let err = read_text_inside(&dir.join("repo/rule.yaml"), Kind::Rule, &dir.join("repo"))
            .unwrap_err();
        assert!(matches!(err, ReadError::Outside(..)));
        assert!(!err.to_string().contains("TOKEN"));
        assert!(relative_inside(Path::new("../x"), Kind::Rule).is_err());
        assert!(relative_inside(Path::new("/etc"), Kind::Rule).is_err());
        assert!(relative_inside(Path::new("rules/x"), Kind::Rule).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempdir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("entralint-read-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
