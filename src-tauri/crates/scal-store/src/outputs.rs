//! Where an output may go. One rule, followed by every command that writes a file for the user
//! (the exported workbook, PDF and pack, the filled NHS workbook, an imported template, evidence
//! extracted), in the CLI and the app alike:
//!
//! - an output never replaces the draft (nor its `-wal`/`-shm` companions), nor any other SCAL
//!   draft or database, nor the workbook the draft was made from (recognised by the SHA-256 the
//!   draft keeps), nor anything that is not a plain file (a folder, a link, a pipe);
//! - an existing file is replaced only when this draft wrote it and it is unchanged since (its
//!   SHA-256 and size still match the draft's record of the files it wrote), or when it already
//!   holds exactly the bytes about to be written (nothing would be lost);
//! - anything else is refused, in one sentence naming the file and what to do.
//!
//! Every output is checked before anything is written, so a refusal leaves no file behind; and
//! a draft records what it is about to write (`Draft::record_outputs`) before the files are
//! renamed into place, so a previous export stays recognised as the draft's own even when the
//! command was killed between its renames.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use rusqlite::params;
use sha2::{Digest, Sha256};

use crate::draft::{clean_author, now, Draft};
use crate::StoreError;

/// Why an output was not written where it was asked to go.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputRefused {
    #[error(
        "{} is the draft itself, which an output never replaces: choose another folder or file name",
        path.display()
    )]
    TheDraft { path: PathBuf },

    #[error(
        "{} belongs to the draft {} (SQLite keeps its recent changes there), so it is never replaced: choose another folder or file name",
        path.display(),
        draft.display()
    )]
    DraftCompanion { path: PathBuf, draft: PathBuf },

    #[error(
        "{} is a SCAL draft (or another database), which an output never replaces: choose another folder or file name",
        path.display()
    )]
    ADatabase { path: PathBuf },

    #[error(
        "{} is the NHS workbook this draft was made from, which an output never replaces: choose another folder or file name",
        path.display()
    )]
    SourceWorkbook { path: PathBuf },

    /// With no draft: the workbook being read.
    #[error(
        "{} is the workbook being imported, which an output never replaces: choose another file name",
        path.display()
    )]
    TheWorkbook { path: PathBuf },

    #[error(
        "{} already exists and was not written by this draft: move it away, or choose another folder or file name",
        path.display()
    )]
    NotOurs { path: PathBuf },

    #[error(
        "{} was written by this draft but has been changed since, so it is not replaced: move it away, or choose another folder or file name",
        path.display()
    )]
    ChangedSince { path: PathBuf },

    /// The draft is open read-only, so it keeps no record of the files it writes.
    #[error(
        "{} already exists, and this draft is open read-only, so it keeps no record of the files it writes and cannot tell whether this one is its own: move it away, or choose another folder or file name",
        path.display()
    )]
    NotRecorded { path: PathBuf },

    /// With no draft: a file is there that does not hold what would be written.
    #[error(
        "{} already exists and holds something else: move it away, or choose another file name",
        path.display()
    )]
    Exists { path: PathBuf },

    #[error("{} is a folder: give a file name, or choose another folder", path.display())]
    AFolder { path: PathBuf },

    #[error(
        "{} is a link to another file, which an output never replaces: choose another folder or file name",
        path.display()
    )]
    ALink { path: PathBuf },

    #[error(
        "{} is not a regular file (a pipe or a device), so nothing is written there: choose another folder or file name",
        path.display()
    )]
    NotAFile { path: PathBuf },

    #[error("{} cannot be written: {reason}", path.display())]
    CannotWrite { path: PathBuf, reason: String },

    #[error("{} already exists and cannot be read to check whose it is: move it away, or choose another folder or file name", path.display())]
    Unreadable { path: PathBuf },
}

/// Why an output could not be put in place.
#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    /// The rule refused the file that stands there now.
    #[error("{0}")]
    Refused(OutputRefused),
    /// Moving or writing failed.
    #[error("{0}")]
    Io(io::Error),
}

impl From<io::Error> for PlaceError {
    fn from(e: io::Error) -> PlaceError {
        PlaceError::Io(e)
    }
}

/// A file an output was written as (or is about to be): its name in its folder, SHA-256, size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
}

/// What outputs may replace: built from a draft (`Draft::output_rule`), or with no draft for a
/// command that has none (`OutputRule::without_draft`).
#[derive(Debug, Clone, Default)]
pub struct OutputRule {
    /// The draft file and its identity on disk, when there is a draft.
    draft: Option<(PathBuf, Option<FileId>)>,
    /// Never replaced: (SHA-256, size) of each workbook the draft was made from.
    protected: Vec<(String, u64)>,
    /// Replaced while unchanged: the files the draft wrote, each with the folder it wrote
    /// them in (canonical; `None` for an export recorded before folders were, which matches
    /// in any folder).
    written: Vec<(WrittenFile, Option<PathBuf>)>,
    /// Whether the draft records what it writes (not when opened read-only).
    records: bool,
}

/// A file's identity on disk (device and inode), to know the draft under another name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId(u64, u64);

impl FileId {
    #[cfg(unix)]
    fn of(m: &fs::Metadata) -> Option<FileId> {
        use std::os::unix::fs::MetadataExt as _;
        Some(FileId(m.dev(), m.ino()))
    }

    #[cfg(not(unix))]
    fn of(_: &fs::Metadata) -> Option<FileId> {
        None
    }
}

impl OutputRule {
    /// For a command with no draft (importing a template): nothing may be replaced but a file
    /// that already holds the very bytes to be written, and never the files in `protected`
    /// ((SHA-256, size) of the workbook being read, say).
    pub fn without_draft(protected: Vec<(String, u64)>) -> OutputRule {
        OutputRule {
            draft: None,
            protected,
            written: Vec::new(),
            records: false,
        }
    }

    /// Whether an output of `new` (SHA-256 and size, when known before writing) may be written
    /// at `target`. `Ok` when nothing is there, or what is there may be replaced.
    pub fn check(&self, target: &Path, new: Option<(&str, u64)>) -> Result<(), OutputRefused> {
        let path = target.to_path_buf();
        let meta = match fs::symlink_metadata(target) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return self.check_companion(target),
            Err(e) => {
                return Err(OutputRefused::CannotWrite {
                    path,
                    reason: scal_core::text::io_write_reason(&e),
                })
            }
        };
        if meta.file_type().is_symlink() {
            // The draft behind a link is still the draft: say so rather than "a link".
            if let Ok(real) = fs::metadata(target) {
                if self.is_the_draft(&real) {
                    return Err(OutputRefused::TheDraft { path });
                }
            }
            return Err(OutputRefused::ALink { path });
        }
        if meta.is_dir() {
            return Err(OutputRefused::AFolder { path });
        }
        if !meta.is_file() {
            return Err(OutputRefused::NotAFile { path });
        }
        if self.is_the_draft(&meta) {
            return Err(OutputRefused::TheDraft { path });
        }
        self.check_companion(target)?;
        let size = meta.len();
        let mut head = [0u8; 16];
        let mut file =
            File::open(target).map_err(|_| OutputRefused::Unreadable { path: path.clone() })?;
        if file.read_exact(&mut head).is_ok() && &head == b"SQLite format 3\0" {
            return Err(OutputRefused::ADatabase { path });
        }
        // Hashing a large file costs time: only when its size says it could be one we know.
        let could_be = |sha_size: u64| sha_size == size;
        let folder = canonical_folder(target);
        let here = |f: &Option<PathBuf>| f.as_ref().is_none_or(|f| Some(f) == folder.as_ref());
        let candidates = self.protected.iter().any(|(_, s)| could_be(*s))
            || self
                .written
                .iter()
                .any(|(w, f)| here(f) && could_be(w.size))
            || new.is_some_and(|(_, s)| could_be(s));
        let sha256 = if candidates {
            Some(hash_file(target).map_err(|_| OutputRefused::Unreadable { path: path.clone() })?)
        } else {
            None
        };
        let same = |sha: &str, sz: u64| sz == size && sha256.as_deref() == Some(sha);
        if self.protected.iter().any(|(sha, sz)| same(sha, *sz)) {
            return Err(match self.draft {
                Some(_) => OutputRefused::SourceWorkbook { path },
                None => OutputRefused::TheWorkbook { path },
            });
        }
        if new.is_some_and(|(sha, sz)| same(sha, sz)) {
            return Ok(());
        }
        if self
            .written
            .iter()
            .any(|(w, f)| here(f) && same(&w.sha256, w.size))
        {
            return Ok(());
        }
        let name = target.file_name().map(|n| n.to_string_lossy());
        if name.is_some_and(|n| {
            self.written
                .iter()
                .any(|(w, f)| here(f) && w.file_name == n)
        }) {
            return Err(OutputRefused::ChangedSince { path });
        }
        if self.draft.is_none() {
            return Err(OutputRefused::Exists { path });
        }
        if !self.records {
            return Err(OutputRefused::NotRecorded { path });
        }
        Err(OutputRefused::NotOurs { path })
    }

    /// The check before an output is built: refuses at once what no output may replace.
    /// `Ok(true)` when a file stands there whose fate depends on the bytes to be written (it
    /// may already hold them): check it again with them (`check`, `place` and `write` do).
    pub fn check_before_building(&self, target: &Path) -> Result<bool, OutputRefused> {
        match self.check(target, None) {
            Ok(()) => Ok(false),
            Err(
                OutputRefused::NotOurs { .. }
                | OutputRefused::ChangedSince { .. }
                | OutputRefused::NotRecorded { .. }
                | OutputRefused::Exists { .. },
            ) => Ok(true),
            Err(refused) => Err(refused),
        }
    }

    /// Puts the finished output `tmp` (same folder, synced) in place at `target`, following the
    /// rule at that moment, not only when the work began: where nothing stood, a file that
    /// appeared meanwhile is never replaced (a hard link refuses an existing name); where a
    /// file stood, it is checked again against `new` (the output's SHA-256 and size) first.
    /// `tmp` is gone afterwards unless an error is returned. The folder is not synced here.
    pub fn place(&self, tmp: &Path, target: &Path, new: (&str, u64)) -> Result<(), PlaceError> {
        if fs::symlink_metadata(target).is_ok() {
            self.check(target, Some(new)).map_err(PlaceError::Refused)?;
            return fs::rename(tmp, target).map_err(PlaceError::Io);
        }
        self.check_companion(target).map_err(PlaceError::Refused)?;
        // A hard link refuses an existing name (a rename after checking the name is free where
        // there are no hard links): scal_fs::link_new.
        match scal_fs::link_new(tmp, target) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                // It appeared while the output was being made: judged like any other file.
                self.check(target, Some(new)).map_err(PlaceError::Refused)?;
                fs::rename(tmp, target).map_err(PlaceError::Io)
            }
            Err(e) => Err(PlaceError::Io(e)),
        }
    }

    /// Writes `bytes` as an output at `target` whole: a synced temporary file beside it, put
    /// in place by `place`, then the folder synced. Nothing is left behind on failure.
    pub fn write(&self, target: &Path, bytes: &[u8]) -> Result<(), PlaceError> {
        let mut file = scal_fs::DurableFile::create(target, "partial")?;
        io::Write::write_all(&mut file, bytes)?;
        let sha256 = hex::encode(Sha256::digest(bytes));
        file.commit_with(|tmp, target| self.place(tmp, target, (&sha256, bytes.len() as u64)))
    }

    fn is_the_draft(&self, meta: &fs::Metadata) -> bool {
        match (&self.draft, FileId::of(meta)) {
            (Some((_, Some(draft))), Some(id)) => *draft == id,
            _ => false,
        }
    }

    /// `DRAFT-wal`, `DRAFT-shm`, `DRAFT-journal` beside the draft: SQLite's, existing or not.
    fn check_companion(&self, target: &Path) -> Result<(), OutputRefused> {
        let Some((draft, _)) = &self.draft else {
            return Ok(());
        };
        let (Some(name), Some(draft_name)) = (target.file_name(), draft.file_name()) else {
            return Ok(());
        };
        let is_companion = ["-wal", "-shm", "-journal"].iter().any(|suffix| {
            let mut companion = draft_name.to_os_string();
            companion.push(suffix);
            companion == name
        });
        if is_companion && same_folder(target, draft) {
            return Err(OutputRefused::DraftCompanion {
                path: target.to_path_buf(),
                draft: draft.clone(),
            });
        }
        Ok(())
    }
}

fn same_folder(a: &Path, b: &Path) -> bool {
    let folder = |p: &Path| {
        let parent = parent_of(p);
        fs::canonicalize(&parent).unwrap_or(parent)
    };
    folder(a) == folder(b)
}

fn parent_of(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The folder `target` is in, as the file system names it (`None` when it cannot be read).
fn canonical_folder(target: &Path) -> Option<PathBuf> {
    fs::canonicalize(parent_of(target)).ok()
}

/// SHA-256 of a file, streamed.
pub fn hash_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

impl Draft {
    /// The rule outputs of this draft follow (see the module documentation): its own file, the
    /// workbooks it was made from (every template revision's), and the files it wrote.
    pub fn output_rule(&self) -> Result<OutputRule, StoreError> {
        let id = fs::metadata(self.path()).ok().and_then(|m| FileId::of(&m));
        let protected = self
            .template_revisions()?
            .into_iter()
            .filter_map(|r| r.workbook)
            .map(|w| (w.sha256, w.size))
            .collect();
        // An export record names its folder as it was given; relative, it matches anywhere.
        let mut written: Vec<(WrittenFile, Option<PathBuf>)> = Vec::new();
        for export in self.exports()? {
            let dir = Path::new(&export.out_dir);
            let folder = if dir.is_absolute() {
                fs::canonicalize(dir).ok()
            } else {
                None
            };
            for (file_name, sha256, size) in export.files {
                let file = WrittenFile {
                    file_name,
                    sha256,
                    size,
                };
                written.push((file, folder.clone()));
            }
        }
        // A format-3 draft opened read-only has no record of outputs yet: an empty one.
        let has_record: bool = self
            .conn
            .query_row(
                "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'outputs'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.sql_err(e))?;
        if !has_record {
            return Ok(OutputRule {
                draft: Some((self.path().to_path_buf(), id)),
                protected,
                written,
                records: false,
            });
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT file_name, sha256, size, folder FROM outputs ORDER BY id")
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let file = WrittenFile {
                    file_name: r.get(0)?,
                    sha256: r.get(1)?,
                    size: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                };
                let folder: String = r.get(3)?;
                Ok((file, fs::canonicalize(folder).ok()))
            })
            .map_err(|e| self.sql_err(e))?;
        for row in rows {
            written.push(row.map_err(|e| self.sql_err(e))?);
        }
        Ok(OutputRule {
            draft: Some((self.path().to_path_buf(), id)),
            protected,
            written,
            records: self.reviewable().is_ok(),
        })
    }

    /// Records, in one transaction, the files this draft is about to put in `folder` (`kind`:
    /// `export`, `fill`, ...), so that they are known as its own even if the command is killed
    /// before it records anything else. Call it after the files are built and before they are
    /// renamed into place. Nothing is recorded in a draft opened read-only (its outputs are then
    /// replaced only by the same bytes).
    pub fn record_outputs(
        &mut self,
        kind: &str,
        folder: &Path,
        files: &[WrittenFile],
        author: &str,
    ) -> Result<(), StoreError> {
        if self.reviewable().is_err() || files.is_empty() {
            return Ok(());
        }
        let at = now();
        let author = clean_author(author);
        // Canonical, so that a file is known as this draft's only in the folder it went to.
        let folder = fs::canonicalize(folder)
            .unwrap_or_else(|_| folder.to_path_buf())
            .display()
            .to_string();
        let path = self.path().to_path_buf();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::sqlite(&path, e))?;
        for f in files {
            tx.execute(
                "INSERT INTO outputs (at, by, kind, folder, file_name, sha256, size)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    at,
                    author,
                    kind,
                    folder,
                    f.file_name,
                    f.sha256,
                    i64::try_from(f.size).unwrap_or(i64::MAX)
                ],
            )
            .map_err(|e| StoreError::sqlite(&path, e))?;
        }
        tx.commit().map_err(|e| StoreError::sqlite(&path, e))
    }
}
