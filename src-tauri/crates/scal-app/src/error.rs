//! The one error of the use-case layer: a library's error passed through as it is (each is
//! already one sentence naming the file and the item), or a refusal of this layer's own.

use std::path::PathBuf;

use scal_export::ExportError;
use scal_store::StoreError;
use scal_workbook::WorkbookError;

/// Why a use case could not be carried out, in one sentence (starting in lower case, so a face
/// may embed it; shown alone, a face capitalises it).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Workbook(#[from] WorkbookError),
    /// A template (bundled id, file) that cannot be used, with why.
    #[error("{0}")]
    Template(String),
    /// A draft with no snapshot was asked for one.
    #[error("{} has no snapshot yet, so there is nothing to compare with: take a snapshot, or export the draft", path.display())]
    NoSnapshot { path: PathBuf },
    /// What was given for a snapshot is neither its number nor "latest".
    #[error("\"{which}\" is not a snapshot: give its number, or \"latest\"")]
    NotASnapshot { which: String },
    /// Something named (an item, a section, a snapshot, a link) that is not there, or an
    /// action that cannot be taken as asked: the sentence says which.
    #[error("{0}")]
    Refused(String),
}

impl AppError {
    pub(crate) fn refused(message: impl Into<String>) -> AppError {
        AppError::Refused(message.into())
    }

    /// The store's own error, when this is one (a face may branch on its kind).
    pub fn as_store(&self) -> Option<&StoreError> {
        match self {
            AppError::Store(e) => Some(e),
            _ => None,
        }
    }
}
