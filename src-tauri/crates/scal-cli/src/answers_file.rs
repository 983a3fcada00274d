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
    let meta = std::fs::metadata(path).map_err(|e| {
        CliError::at(
            path,
            format!("cannot read the answers file: {}", io_reason(&e)),
        )
    })?;
    if !meta.is_file() {
        return Err(CliError::at(path, "the answers file is not a regular file"));
    }
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
            format!("cannot read the answers file: {}", io_reason(&e)),
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

/// An IO error in words, without Rust's "(os error 2)" suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::AlreadyExists => "the file already exists".to_string(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}
