//! Importing an NHS workbook as a template (`scal_workbook`): read once, summarised for the
//! user, kept pending until they create a draft from it (or upgrade to it).

use std::path::Path;

use crate::dto::*;
use crate::error::CmdResult;
use crate::state::PendingTemplate;

pub const WORKBOOK_FILTER: (&str, &[&str]) = ("Excel workbook", &["xlsx", "xlsm"]);

/// The largest workbook read (the real NHS SCAL workbooks are a few MB even with embedded
/// objects).
const MAX_WORKBOOK_BYTES: u64 = 200 * 1024 * 1024;

/// Reads a workbook and builds its template, with the summary the user reads first.
pub fn read_workbook(path: &Path) -> CmdResult<(PendingTemplate, ImportPreview)> {
    let size = std::fs::metadata(path)
        .map_err(|e| CmdError::new(format!("Could not read {}: {e}.", path.display())))?
        .len();
    if size > MAX_WORKBOOK_BYTES {
        return Err(CmdError::new(format!(
            "{} is {} MB, too large to be a SCAL workbook.",
            path.display(),
            size / (1024 * 1024)
        )));
    }
    Err(CmdError::new(
        "This build cannot import workbooks yet: use a template file.",
    ))
}
