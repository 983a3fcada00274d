//! What can go wrong with an export or a pack check, each as one sentence naming the file (and
//! the item, where there is one) and what is wrong.

use std::path::{Path, PathBuf};

use scal_core::text::user_path;
use scal_store::StoreError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// Reading the draft failed; the store's sentence already names the file.
    #[error("{0}")]
    Store(#[from] StoreError),

    #[error("nothing to export: choose at least one of the workbook, the PDF summary or the pack")]
    NothingSelected,

    #[error("{} is not a folder, so the export cannot be written into it", path.display())]
    NotAFolder { path: PathBuf },

    #[error("could not write {}: {}", user_path(path).display(), reason(source, true))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    /// A write failed for want of space: named by the output folder (not the hidden staging
    /// file it happened in) with what to do.
    #[error(
        "the export cannot be written into {}: the disk is full; free some space or choose another folder (the files already there are unchanged)",
        folder.display()
    )]
    DiskFull { folder: PathBuf },

    #[error("could not read {}: {}", user_path(path).display(), reason(source, false))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("the workbook could not be built: {0}")]
    Workbook(String),

    #[error("the PDF summary could not be built: {0}")]
    Pdf(String),

    /// The NHS workbook could not be filled in place; the sentence names the workbook.
    #[error("the NHS workbook could not be filled: {0}")]
    FilledWorkbook(String),

    /// The workbook was written but reading it back found an answer that did not land.
    #[error("the workbook {} failed its read-back check ({problem}), so it was not saved", user_path(path).display())]
    WorkbookReadBack { path: PathBuf, problem: String },

    /// The pack was written but re-reading it did not match its manifest.
    #[error("the pack {} failed its read-back check ({problem}), so it was not saved", user_path(path).display())]
    PackReadBack { path: PathBuf, problem: String },

    #[error("evidence \"{file_name}\" (linked to item \"{item}\") could not be copied out of the draft: {reason}")]
    Evidence {
        file_name: String,
        item: String,
        reason: String,
    },

    #[error("{} is not a submission pack: {reason}", path.display())]
    NotAPack { path: PathBuf, reason: String },
}

impl ExportError {
    pub(crate) fn write(path: impl Into<PathBuf>, source: std::io::Error) -> ExportError {
        ExportError::Write {
            path: path.into(),
            source,
        }
    }

    /// Turns a write that failed because the disk is full into `DiskFull` for `folder`.
    pub(crate) fn disk_full_in(self, folder: &Path) -> ExportError {
        match &self {
            ExportError::Write { source, .. } if is_disk_full(source) => ExportError::DiskFull {
                folder: folder.to_path_buf(),
            },
            _ => self,
        }
    }

    pub(crate) fn read(path: impl Into<PathBuf>, source: std::io::Error) -> ExportError {
        ExportError::Read {
            path: path.into(),
            source,
        }
    }
}

/// An IO error in plain words (`scal_core::text::io_reason`), looking inside a zip error that
/// wraps one.
fn reason(e: &std::io::Error, writing: bool) -> String {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<zip::result::ZipError>())
    {
        Some(zip::result::ZipError::Io(inner)) => reason(inner, writing),
        _ if writing => scal_core::text::io_write_reason(e),
        _ => scal_core::text::io_reason(e),
    }
}

/// True when the error, or the IO error a zip error wraps, is a full disk or exhausted quota.
fn is_disk_full(e: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    if matches!(e.kind(), ErrorKind::StorageFull | ErrorKind::QuotaExceeded) {
        return true;
    }
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<zip::result::ZipError>())
    {
        Some(zip::result::ZipError::Io(inner)) => is_disk_full(inner),
        _ => false,
    }
}
