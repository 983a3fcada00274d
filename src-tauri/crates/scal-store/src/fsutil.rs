//! Writing files so that a crash never leaves half of one behind.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` all at once: into a temporary file in the same folder, fsynced, then
/// renamed over `path` (an existing file is replaced), and the folder fsynced. A reader sees the
/// old file or the new one, never a mix; a crash leaves at most a stray `.*.partial` file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = sibling_temp_path(path, "partial");
    let result = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        sync_dir(path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A hidden, unique name next to `path`: `.NAME.<uuid>.<suffix>`. Same folder, so a rename to
/// `path` is atomic (same filesystem).
pub fn sibling_temp_path(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_string());
    let tmp_name = format!(".{name}.{}.{suffix}", uuid::Uuid::new_v4().simple());
    match path.parent() {
        Some(dir) => dir.join(tmp_name),
        None => PathBuf::from(tmp_name),
    }
}

/// Makes a rename or a new file in `path`'s folder durable (the folder entry itself is fsynced).
/// Folders cannot be opened for syncing on Windows, where NTFS journals the metadata anyway.
pub fn sync_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
