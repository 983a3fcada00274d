//! How this crate fails, in one enum: reading a workbook (importing it, or reading it again to
//! fill it) and filling one. Every variant renders as one sentence naming the file (and the sheet
//! or cell) and what is wrong with it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    // Reading a workbook.
    #[error("{file} is empty: it is not a workbook")]
    Empty { file: String },
    #[error("{file} is not an Excel workbook (.xlsx): {reason}")]
    NotXlsx { file: String, reason: String },
    #[error("{file} is not an Excel workbook: {reason}")]
    NotAWorkbook { file: String, reason: String },
    #[error("{file} is protected by a password: open it in Excel and save it again without one")]
    PasswordProtected { file: String },
    #[error("{file} is an Excel 5.0/95 workbook, older than the Excel 97-2003 (.xls) format this reads: open it in Excel and save it as an .xlsx workbook")]
    OldExcel { file: String },
    #[error("{file} has an encrypted part ({part}): save the workbook again without a password")]
    Encrypted { file: String, part: String },
    #[error("{file} is too large to import: {what}")]
    TooLarge { file: String, what: String },
    #[error("{file} is damaged: {part} cannot be read ({reason})")]
    Damaged {
        file: String,
        part: String,
        reason: String,
    },
    #[error("{file} is refused: {part} declares a DTD, which no workbook needs and which can expand into gigabytes")]
    Dtd { file: String, part: String },
    #[error("{file} has no worksheets")]
    NoSheets { file: String },
    #[error("{file} holds no sheet recognised as a SCAL section (a form, a declaration block or a requirements table); {detail}")]
    NothingRecognised {
        file: String,
        detail: String,
        /// Every sheet left out, and why: what `--json` prints even though the import failed.
        skipped: Vec<crate::Skipped>,
    },
    #[error("{file} has no sheet \"{sheet}\" (its sheets: {sheets})")]
    NoSuchSheet {
        file: String,
        sheet: String,
        sheets: String,
    },
    #[error("the mapping {file} cannot be used: {reason}")]
    Mapping { file: String, reason: String },
    #[error("{} cannot be read: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
    #[error(
        "{}",
        scal_core::text::not_a_regular_file_sentence(path, kind, "an .xlsx workbook")
    )]
    NotARegularFile { path: PathBuf, kind: &'static str },
    #[error("the template {what} \"{value}\" cannot be used: {reason}")]
    BadOption {
        what: &'static str,
        value: String,
        reason: &'static str,
    },
    #[error("the template built from {file} fails its own checks ({reason}); this is a bug in scal, please report it")]
    Internal { file: String, reason: String },
    // Filling a workbook.
    #[error("the template \"{template}\" was not imported from a workbook, so there is no workbook to fill; `scal export` writes a new one")]
    NotImported { template: String },
    #[error("{file} is not the workbook the template was imported from: its SHA-256 is {found}, the template expects {expected}")]
    WorkbookChanged {
        file: String,
        expected: String,
        found: String,
    },
    #[error("{file} has no sheet \"{sheet}\", which the template's section \"{section}\" names")]
    SheetMissing {
        file: String,
        sheet: String,
        section: String,
    },
    #[error("{file}: sheet \"{sheet}\" cannot be patched: {reason}")]
    Patch {
        file: String,
        sheet: String,
        reason: String,
    },
    #[error("{file}: sheet \"{sheet}\" already uses column {column} (cell {cell} is not empty), where the template's section \"{section}\" adds a column to answer in; nothing was written")]
    ColumnInUse {
        file: String,
        sheet: String,
        column: String,
        cell: String,
        section: String,
    },
    #[error("{} cannot be written as the legacy .xls format; name an .xlsx file instead (for example {suggestion})", path.display())]
    LegacyOutput { path: PathBuf, suggestion: String },
    #[error("{} cannot be written: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
    #[error("{} was written but reading it back found that {problem}; the file was not kept", path.display())]
    ReadBack { path: PathBuf, problem: String },
}

/// An IO error as the end of a sentence: its kind in words, without the OS error number (the
/// one wording every crate uses).
pub(crate) use scal_core::text::io_reason;
