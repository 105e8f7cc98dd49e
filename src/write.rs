//! Writing files without ever leaving a half-written one: a temporary file in the same folder,
//! flushed to disk, then renamed over the target, keeping the target's permissions.

use std::io::Write;
use std::path::Path;

pub fn atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    atomic_with(path, |file| file.write_all(bytes))
}

/// [`atomic`] with the content written by `fill`; if it fails part-way, the target is untouched.
pub fn atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("entralint");
    let mut temp = tempfile_in(dir, name)?;
    let result = (|| {
        fill(&mut temp.file)?;
        temp.file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp.path, meta.permissions())?;
        }
        std::fs::rename(&temp.path, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp.path);
    }
    result
}

struct Temp {
    file: std::fs::File,
    path: std::path::PathBuf,
}

/// A new file next to the target, named after it, that no other writer can be using.
fn tempfile_in(dir: &Path, name: &str) -> std::io::Result<Temp> {
    let pid = std::process::id();
    for attempt in 0..100u32 {
        let path = dir.join(format!(".{name}.entralint-{pid}-{attempt}.tmp"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok(Temp { file, path }),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(err),
        }
    }
    Err(std::io::Error::other("cannot create a temporary file"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("entralint-write-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("out.json");
        std::fs::write(&target, "old").unwrap();
        atomic(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failure_mid_write_leaves_the_original_intact() {
        let dir = std::env::temp_dir().join(format!("entralint-fail-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("baseline.json");
        std::fs::write(&target, "original contents").unwrap();
        let result = atomic_with(&target, |file| {
            file.write_all(b"half of the new")?;
            Err(std::io::Error::other("disk full"))
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
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("entralint-perm-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("t.yaml");
        std::fs::write(&target, "a").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        atomic(&target, b"b").unwrap();
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
