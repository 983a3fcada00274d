//! Reading an answers file from disk for `scal apply`; the format and its checks are
//! `scal_core::answers_file`.

use std::path::Path;

use scal_core::answers_file::{parse, Row};
use scal_core::Template;

use crate::error::{CliError, CliResult};

/// The largest answers file read: far beyond a full SCAL (thousands of rows with long
/// comments), small enough that a wrong file named by mistake is refused, not slurped.
pub const MAX_ANSWERS_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads and checks the answers file at `path` against `template`.
pub fn read(path: &Path, template: &Template) -> CliResult<Vec<Row>> {
    let text = read_text(path)?;
    parse(&text, template).map_err(|e| CliError::at(path, e))
}

fn read_text(path: &Path) -> CliResult<String> {
    let meta = scal_store::fsutil::regular_file(path)
        .map_err(|e| CliError::new(e.sentence(path, "an answers file (JSON)")))?;
    if meta.len() > MAX_ANSWERS_FILE_BYTES {
        return Err(CliError::at(
            path,
            format!(
                "the answers file is {} bytes; the most accepted is {MAX_ANSWERS_FILE_BYTES}",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        CliError::at(
            path,
            format!(
                "cannot read the answers file: {}",
                scal_core::text::io_reason(&e)
            ),
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        CliError::at(
            path,
            format!(
                "the answers file is not UTF-8 text (bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}
