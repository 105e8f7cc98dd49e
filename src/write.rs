//! Every file entralint writes (fixed tenant files, reports, baselines, imports, `init`) is
//! written here, so that no write loses a byte: a temporary file in the target's folder, created
//! with the final mode, owner and group, filled, flushed to disk, then renamed over the target,
//! and the folder flushed too. A link is written through to its target; a read-only file, a
//! file with other hard links, a file that changed since it was read and a file the run reads
//! are refused with an error that says so.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How a write may proceed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// Replace a read-only file, or one with other hard links (which then keep the old text).
    pub force: bool,
    /// The bytes the file held when it was read; if it holds anything else just before the
    /// rename, it is left alone.
    pub expect: Option<&'a [u8]>,
    /// Create the file only: refuse when it exists, even if it appears during the write.
    pub create_new: bool,
    /// Files the run reads: the target may not be one of them.
    pub protect: &'a [PathBuf],
}

pub fn atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write(path, Options::default(), |file| file.write_all(bytes))
}

/// [`write`] with default options.
pub fn atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> io::Result<()>,
) -> io::Result<()> {
    write(path, Options::default(), fill)
}

/// Writes the content `fill` produces to `path`; if anything fails, the target is untouched and
/// no temporary file is left.
pub fn write(
    path: &Path,
    options: Options,
    fill: impl FnOnce(&mut std::fs::File) -> io::Result<()>,
) -> io::Result<()> {
    let target = resolve(path)?;
    let existing = match std::fs::metadata(&target) {
        Ok(meta) => Some(meta),
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => return Err(err),
    };
    if let Some(meta) = &existing {
        check_existing(&target, meta, &options)?;
    } else if options.expect.is_some() {
        return Err(changed());
    }
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("entralint");
    let mut temp = tempfile_in(&dir, name, existing.is_some())?;
    let result = (|| {
        if let Some(meta) = &existing {
            keep_owner_and_mode(&temp.file, meta)?;
        }
        fill(&mut temp.file)?;
        temp.file.flush()?;
        temp.file.sync_all()?;
        if let Some(expected) = options.expect {
            // Compared as late as possible: an edit made while entralint worked is kept.
            let now =
                crate::read::read(&target, crate::read::Kind::Tenant).map_err(|_| changed())?;
            if now != expected {
                return Err(changed());
            }
        }
        if options.create_new {
            // A link fails when the name exists: nothing that appeared meanwhile is replaced.
            std::fs::hard_link(&temp.path, &target)?;
            std::fs::remove_file(&temp.path)?;
        } else {
            std::fs::rename(&temp.path, &target)?;
        }
        sync_dir(&dir);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp.path);
    }
    result
}

fn changed() -> io::Error {
    io::Error::other("it changed since entralint read it; left as it is")
}

/// The file a path names, through any links (a link that leads nowhere yet names the file it
/// would create).
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) => parent.join(link),
                    None => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of links"))
}

fn check_existing(target: &Path, meta: &std::fs::Metadata, options: &Options) -> io::Result<()> {
    if !meta.is_file() {
        return Err(io::Error::other(
            "not a regular file (a folder, FIFO, socket or device); not replaced",
        ));
    }
    if options.create_new {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "the file exists; not replaced",
        ));
    }
    for read in options.protect {
        if same_file(target, read) {
            return Err(io::Error::other(format!(
                "this run reads it (as {}); not replaced",
                crate::escape::path(read)
            )));
        }
    }
    if options.force {
        return Ok(());
    }
    if meta.permissions().readonly() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the file is read-only; not replaced",
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(io::Error::other(format!(
                "the file has {} hard links, which replacing it would break; not replaced",
                meta.nlink()
            )));
        }
    }
    Ok(())
}

/// Whether two paths name the same file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

/// Gives the new file the old one's owner, group and mode, before any content is in it.
fn keep_owner_and_mode(file: &std::fs::File, meta: &std::fs::Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only the superuser may give a file away; anyone may keep a group they belong to.
        if std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())).is_err() {
            let _ = std::os::unix::fs::fchown(file, None, Some(meta.gid()));
        }
    }
    file.set_permissions(meta.permissions())
}

/// Flushes a folder's entries, so that the rename survives a crash; not every system can.
fn sync_dir(dir: &Path) {
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
}

struct Temp {
    file: std::fs::File,
    path: PathBuf,
}

/// A new file next to the target, named after it, that no other writer can be using. A copy of
/// an existing file starts readable by its owner only, until it has the original's mode.
fn tempfile_in(dir: &Path, name: &str, private: bool) -> io::Result<Temp> {
    let pid = std::process::id();
    for attempt in 0..100u32 {
        let path = dir.join(format!(".{name}.entralint-{pid}-{attempt}.tmp"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(if private { 0o600 } else { 0o666 });
        }
        match options.open(&path) {
            Ok(file) => return Ok(Temp { file, path }),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(err),
        }
    }
    Err(io::Error::other("cannot create a temporary file"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn tempdir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("entralint-write-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempdir("replace");
        let target = dir.join("out.json");
        std::fs::write(&target, "old").unwrap();
        atomic(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failure_mid_write_leaves_the_original_intact() {
        let dir = tempdir("fail");
        let target = dir.join("baseline.json");
        std::fs::write(&target, "original contents").unwrap();
        let result = atomic_with(&target, |file| {
            file.write_all(b"half of the new")?;
            Err(io::Error::other("disk full"))
        });
        assert!(result.is_err());
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "original contents"
        );
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file is left"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn permissions_are_kept() {
        let dir = tempdir("perm");
        let target = dir.join("t.yaml");
        std::fs::write(&target, "a").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        let gid = std::fs::metadata(&target).unwrap().gid();
        atomic(&target, b"b").unwrap();
        let meta = std::fs::metadata(&target).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o640);
        assert_eq!(meta.gid(), gid);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn links_are_written_through() {
        let dir = tempdir("link");
        std::fs::write(dir.join("real.yaml"), "old").unwrap();
        std::os::unix::fs::symlink("real.yaml", dir.join("link.yaml")).unwrap();
        atomic(&dir.join("link.yaml"), b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(dir.join("link.yaml"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("real.yaml")).unwrap(),
            "new"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn read_only_files_and_hard_links_need_force() {
        let dir = tempdir("ro");
        let target = dir.join("t.yaml");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o444)).unwrap();
        assert!(atomic(&target, b"new").is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        let forced = Options {
            force: true,
            ..Options::default()
        };
        write(&target, forced, |f| f.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        let linked = dir.join("l.yaml");
        std::fs::write(&linked, "x").unwrap();
        std::fs::hard_link(&linked, dir.join("l2.yaml")).unwrap();
        let err = atomic(&linked, b"y").unwrap_err();
        assert!(err.to_string().contains("hard links"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_left_alone() {
        let dir = tempdir("changed");
        let target = dir.join("t.yaml");
        std::fs::write(&target, "edited meanwhile").unwrap();
        let options = Options {
            expect: Some(b"as read"),
            ..Options::default()
        };
        let err = write(&target, options, |f| f.write_all(b"fixed")).unwrap_err();
        assert!(err.to_string().contains("changed"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "edited meanwhile"
        );
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn files_the_run_reads_are_not_replaced() {
        let dir = tempdir("protect");
        let target = dir.join("t.yaml");
        std::fs::write(&target, "tenant: {}").unwrap();
        let protect = [target.clone()];
        let options = Options {
            protect: &protect,
            ..Options::default()
        };
        assert!(write(&target, options, |f| f.write_all(b"report")).is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "tenant: {}");
        let create = Options {
            create_new: true,
            ..Options::default()
        };
        assert!(write(&target, create, |f| f.write_all(b"x")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
