//! Writing files without ever leaving a half-written one: a temporary file in the same folder,
//! flushed to disk, then renamed over the target, keeping the target's permissions.

use std::io::Write;
use std::path::Path;

pub fn atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
        temp.file.write_all(bytes)?;
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
}
