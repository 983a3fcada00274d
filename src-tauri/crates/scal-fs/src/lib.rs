//! Writing files so that a crash never leaves half of one behind, and checking that a file
//! given to be read is one. The one copy of both, used by the store, the workbook fill, the
//! export, the CLI and the desktop shell.
//!
//! A durable write goes: a new temporary file beside the target (same folder, so the last step
//! is a rename on one filesystem), written, fsynced, put in place, then the folder fsynced so
//! the new name survives a power cut. A reader sees the old file or the new one, never a mix;
//! a failure (or a crash) leaves at most a hidden `.NAME.<hex>.SUFFIX` file, and a failure this
//! process sees removes even that.
//!
//! - [`write_atomic`]: bytes at once, replacing what is there.
//! - [`DurableFile`]: the same, streamed; [`DurableFile::commit`] replaces,
//!   [`DurableFile::commit_new`] never replaces (a file that appeared meanwhile is kept), and
//!   [`DurableFile::commit_with`] lets a caller decide how it goes in (the store's output rule,
//!   `scal_store::OutputRule::place`, which is where the "never replace a file the user did not
//!   ask us to replace" rule lives: this crate only moves files).
//! - [`NewFile`] and [`write_new`]: a file made durable at a name only its writer uses (a
//!   staging folder's), moved into place later by the caller.
//! - [`link_new`]: put a finished temporary file at a name without ever replacing one.
//! - [`sync_dir`], [`sync_folder`], [`sibling_temp_path`].
//! - [`regular_file`]: the check before any user path is opened for reading.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` all at once: into a temporary file in the same folder, fsynced, then
/// renamed over `path` (an existing file is replaced), and the folder fsynced. A reader sees the
/// old file or the new one, never a mix; a crash leaves at most a stray `.*.partial` file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = DurableFile::create(path, "partial")?;
    file.write_all(bytes)?;
    file.commit()
}

/// Writes `bytes` to a new file at `path` (never over an existing one) and fsyncs it: for a
/// name only this process uses (a staging folder's), moved into place later. On failure the
/// file is removed.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = NewFile::create(path)?;
    file.write_all(bytes)?;
    file.finish()
}

/// A new file at a name only its writer uses: created (never over an existing file), written,
/// and made durable by [`NewFile::finish`]. Dropped unfinished (an error on the way, a panic),
/// it is removed. Writes go straight to the file: wrap it in a `BufWriter` for small writes.
#[derive(Debug)]
pub struct NewFile {
    /// `None` once synced and closed.
    file: Option<File>,
    path: PathBuf,
    /// Whether the file at `path` stays when this is dropped.
    keep: bool,
}

impl NewFile {
    /// Creates `path`, refusing (`AlreadyExists`) if anything is there.
    pub fn create(path: &Path) -> io::Result<NewFile> {
        let file = File::options().write(true).create_new(true).open(path)?;
        Ok(NewFile {
            file: Some(file),
            path: path.to_path_buf(),
            keep: false,
        })
    }

    /// Where the file is being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Fsyncs and closes the file, which then stays.
    pub fn finish(mut self) -> io::Result<()> {
        self.sync_and_close()?;
        self.keep = true;
        Ok(())
    }

    fn sync_and_close(&mut self) -> io::Result<()> {
        if let Some(file) = self.file.take() {
            file.sync_all()?;
        }
        Ok(())
    }

    fn file(&mut self) -> io::Result<&mut File> {
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("the file was already closed"))
    }
}

impl Write for NewFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file()?.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file()?.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file()?.flush()
    }
}

impl Drop for NewFile {
    fn drop(&mut self) {
        if !self.keep {
            drop(self.file.take());
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A file written whole or not at all at `target`, streamed: a temporary file beside it
/// ([`sibling_temp_path`]) is written, then one of the commits fsyncs it, puts it in place and
/// fsyncs the folder. Dropped without a commit (an error on the way, a panic), the temporary
/// file is removed and `target` is as it was.
#[derive(Debug)]
pub struct DurableFile {
    temp: NewFile,
    target: PathBuf,
}

impl DurableFile {
    /// Starts a file for `target`, at a new hidden name beside it ending in `.suffix`
    /// (`partial`, `extracting`: words `scal_core::text::user_path` knows).
    pub fn create(target: &Path, suffix: &str) -> io::Result<DurableFile> {
        Ok(DurableFile {
            temp: NewFile::create(&sibling_temp_path(target, suffix))?,
            target: target.to_path_buf(),
        })
    }

    /// The temporary file being written (not `target`: errors should name that).
    pub fn temp_path(&self) -> &Path {
        self.temp.path()
    }

    /// The file this will become.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Fsyncs, renames over `target` (an existing file is replaced), fsyncs the folder.
    pub fn commit(self) -> io::Result<()> {
        self.commit_with(|tmp, target| std::fs::rename(tmp, target))
    }

    /// Fsyncs, puts the file at `target` only if nothing is there ([`link_new`]), fsyncs the
    /// folder. A file that appeared at `target` meanwhile is kept and an error of kind
    /// `AlreadyExists` returned; the temporary file is removed.
    pub fn commit_new(self) -> io::Result<()> {
        self.commit_with(link_new)
    }

    /// Fsyncs, then `place(temp, target)` puts the file in place (a rule deciding whether what
    /// stands at `target` may be replaced: `scal_store::OutputRule::place`), then the folder is
    /// fsynced. When `place` fails the temporary file is removed (if it is still there).
    pub fn commit_with<E: From<io::Error>>(
        mut self,
        place: impl FnOnce(&Path, &Path) -> Result<(), E>,
    ) -> Result<(), E> {
        self.temp.sync_and_close()?;
        place(&self.temp.path, &self.target)?;
        // Moved: nothing is left to remove, whatever the folder's fsync says.
        self.temp.keep = true;
        sync_dir(&self.target)?;
        Ok(())
    }
}

impl Write for DurableFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.temp.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

/// Gives the finished (synced) file `tmp` the name `target` without ever replacing a file: a
/// hard link fails if the name is taken, where a rename would silently overwrite it. `tmp` is
/// gone afterwards. An error of kind `AlreadyExists` when something is at `target` (`tmp` is
/// then left for the caller). On a filesystem without hard links (FAT on a USB stick, some
/// network shares) it falls back to a rename after checking the name is still free. The folder
/// is not synced here.
pub fn link_new(tmp: &Path, target: &Path) -> io::Result<()> {
    match std::fs::hard_link(tmp, target) {
        Ok(()) => std::fs::remove_file(tmp),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            if target.symlink_metadata().is_ok() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "a file of that name already exists",
                ));
            }
            std::fs::rename(tmp, target)
        }
    }
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
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => sync_folder(d),
        _ => sync_folder(Path::new(".")),
    }
}

/// Makes the renames into the folder `dir` durable (the folder itself is fsynced; see
/// [`sync_dir`] for the folder a file is in).
pub fn sync_folder(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
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

    /// What the path is, in words, when it is not a regular file ("a folder", "a named pipe");
    /// `None` when its metadata could not be read.
    pub fn kind(&self) -> Option<&'static str> {
        match self {
            NotReadable::Io(_) => None,
            NotReadable::Folder => Some("a folder"),
            NotReadable::NotRegular(kind) => Some(kind),
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
mod tests;
