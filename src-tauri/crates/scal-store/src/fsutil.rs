//! Writing files so that a crash never leaves half of one behind, and checking that a file
//! given to be read is one.

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

/// Why a path given to be read cannot be opened.
#[derive(Debug)]
pub enum NotReadable {
    /// Its metadata could not be read (it does not exist, permission denied, ...).
    Io(io::Error),
    /// It is a folder.
    Folder,
    /// It is something else that is not a regular file: what, in words ("a named pipe").
    NotRegular(&'static str),
}

impl NotReadable {
    /// The refusal as one sentence naming `path`: "f is not a regular file (it is a named
    /// pipe): give the path of a .scal draft"; `wanted` is what should have been given.
    pub fn sentence(&self, path: &Path, wanted: &str) -> String {
        match self {
            NotReadable::Io(e) => format!(
                "{} cannot be read: {}",
                path.display(),
                scal_core::text::io_reason(e)
            ),
            NotReadable::Folder => {
                scal_core::text::not_a_regular_file_sentence(path, "a folder", wanted)
            }
            NotReadable::NotRegular(kind) => {
                scal_core::text::not_a_regular_file_sentence(path, kind, wanted)
            }
        }
    }
}

/// The metadata of `path` (symbolic links followed), checked before the file is opened for
/// reading: anything but a regular file is refused. Opening a named pipe waits for a writer
/// (forever, if none comes) and a device can be read without end, so every path a user gives
/// to be read comes through here first.
pub fn regular_file(path: &Path) -> Result<std::fs::Metadata, NotReadable> {
    let meta = std::fs::metadata(path).map_err(NotReadable::Io)?;
    match scal_core::text::not_a_regular_file(&meta.file_type()) {
        None => Ok(meta),
        Some(_) if meta.is_dir() => Err(NotReadable::Folder),
        Some(kind) => Err(NotReadable::NotRegular(kind)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn only_regular_files_pass() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.scal");
        write_atomic(&file, b"x").unwrap();
        assert!(regular_file(&file).is_ok());
        let fifo = dir.path().join("f");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let err = regular_file(&fifo).unwrap_err();
        assert_eq!(
            err.sentence(&fifo, "a .scal draft"),
            format!(
                "{} is not a regular file (it is a named pipe): give the path of a .scal draft",
                fifo.display()
            )
        );
        assert!(matches!(regular_file(dir.path()), Err(NotReadable::Folder)));
        let missing = dir.path().join("missing");
        assert_eq!(
            regular_file(&missing).unwrap_err().sentence(&missing, "x"),
            format!("{} cannot be read: it does not exist", missing.display())
        );
    }
}
