//! The SCAL workbook NHS England sends, as a file: import it as a template, and fill the
//! answers back into that very file.
//!
//! - [`import_bytes`] reads a workbook (raw OOXML through quick-xml: cell text, merged cells,
//!   data validation lists, hidden states) and recognises its structures by their wording —
//!   the supplier and product form, declaration blocks, requirement tables in any column
//!   layout, endpoint headings and GUIDANCE rows, evidence slots, the Status cell — and builds a
//!   template that passes `scal_core::load_template`, with a map of where every answer goes.
//! - A legacy `.xls` (told apart by content: the OLE signature) is read into the same model
//!   (`xls`), so it is recognised as its `.xlsx` would be; its fill writes a new `.xlsx` copy
//!   (`legacy`), since BIFF8 cannot be patched in place, and the report says so.
//! - [`fill`] copies the original workbook entry by entry and patches only the sheets (and the
//!   shared strings) that receive answers, then reads the result back with calamine and checks
//!   that every answer landed before the file is put in place.
//!
//! Invariants:
//! - hostile input is refused with a sentence, never a panic or unbounded memory: decompressed
//!   sizes, entries, cells, merges and validations are capped; DTDs and undefined entities are
//!   refused (see `package` and `xml`);
//! - a fill writes into the workbook the template was imported from and no other (SHA-256);
//! - a fill changes nothing but the answer cells: every other zip entry is copied byte for byte
//!   (compressed data included), and in a patched sheet only the answer cells' XML changes.

mod build;
mod error;
mod fill;
mod legacy;
mod mapping;
mod ooxml;
mod package;
mod patch;
mod preview;
mod recognise;
mod returned;
mod structure;
mod table;
mod view;
mod words;
mod xls;
mod xml;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use scal_core::{SectionKind, Template};

pub use error::WorkbookError;
pub use fill::{
    evidence_reference, fill, fill_bytes, refuse_legacy_output, verify_source, EvidenceRef,
    FillInput, FillReport, FilledCell, MAX_CELL_CHARS,
};
pub use legacy::converted_sentence;
pub use mapping::{parse_mapping, read_mapping, MAX_MAPPING_BYTES, MEANINGS};
pub use package::{MAX_ENTRIES, MAX_PART_BYTES, MAX_TOTAL_BYTES, MAX_WORKBOOK_BYTES};
pub use preview::{
    column_letters, sheet_names, sheet_preview, PreviewRow, SheetPreview, MAX_PREVIEW_COLUMNS,
    MAX_PREVIEW_ROWS,
};
pub use returned::{CellRemark, Returned, MAX_REMARKS};

/// How to import: all optional; the defaults suit the workbook as NHS England sends it.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Import hidden sheets too (they are skipped otherwise: the supplier is not asked them).
    pub include_hidden: bool,
    /// The template id; default: from the file name (`SCAL_vsn2.0.xlsx` → `scal-vsn2-0`).
    pub id: Option<String>,
    /// The template version; default: from the file name (`vsn2.0` → `2.0.0`), else `1.0.0`.
    pub version: Option<String>,
    /// The template title; default: the workbook's title property, else from the file name.
    pub title: Option<String>,
    /// How to read the sheets the importer cannot tell alone (`--map`, or `--like` an earlier
    /// version's template): it wins over recognition on the sheets it names.
    pub mapping: Option<scal_core::template::Mapping>,
}

/// A workbook imported as a template.
#[derive(Debug, Clone)]
pub struct Imported {
    pub template: Template,
    /// The template as pretty JSON (what `scal import-template --out` writes); it passes
    /// `scal_core::load_template`.
    pub json: String,
    pub summary: ImportSummary,
}

/// What the import found and left out, for the person who ran it.
#[derive(Debug, Clone)]
pub struct ImportSummary {
    /// The workbook's file name (no folder), its SHA-256 and size.
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
    pub template_id: String,
    pub template_version: String,
    /// The placeholder spelling the workbook's dropdowns use most ("Please Select…").
    pub placeholder: String,
    pub sections: Vec<SectionSummary>,
    /// Every sheet left out, and every block of rows inside an imported sheet that was not
    /// taken, with the reason.
    pub skipped: Vec<Skipped>,
    /// Things worth knowing about what was imported (a dropdown whose list cannot be read).
    pub notes: Vec<Note>,
    /// For a legacy `.xls` workbook, the sentence saying so (and what a fill will write).
    pub legacy: Option<String>,
}

impl ImportSummary {
    pub fn requirements(&self) -> usize {
        self.sections.iter().map(|s| s.requirements).sum()
    }
}

#[derive(Debug, Clone)]
pub struct SectionSummary {
    pub id: String,
    pub title: String,
    pub sheet: String,
    pub kind: SectionKind,
    pub hidden: bool,
    pub status_cell: Option<String>,
    /// Items per type name (`requirement`, `declaration`, `evidence_slot`, `yes_no`, ...).
    pub items_by_type: BTreeMap<&'static str, usize>,
    pub requirements: usize,
    /// Requirements per level (`MUST`, `SHOULD`, `MAY`, `Action`, `Info`).
    pub requirements_by_level: BTreeMap<&'static str, usize>,
    /// Requirements whose row has no ID (their item ids are generated).
    pub requirements_without_id: usize,
    pub tables: Vec<TableSummary>,
    /// The sets of responses its requirements and declarations offer, each with what every
    /// response means (inferred from its words, or as the mapping says) and how many items
    /// offer it: what decides when a mitigation or a justification is asked.
    pub responses: Vec<ResponseSet>,
}

/// One set of responses and what each means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseSet {
    pub options: Vec<(String, Option<scal_core::template::Meaning>)>,
    pub items: usize,
}

impl SectionSummary {
    pub fn items(&self) -> usize {
        self.items_by_type.values().sum()
    }
}

/// One block found under a header row.
#[derive(Debug, Clone)]
pub struct TableSummary {
    /// `form`, `declarations`, `requirements`, `catalogue`, `questions` or `guidance`.
    pub kind: &'static str,
    /// The header row, 1-based as Excel shows it.
    pub header_row: u32,
    pub items: usize,
    /// (field, header) per column, left to right; field `other` for a column not read.
    pub columns: Vec<(String, String)>,
    /// How sure the reading is, 0–100: below 50 a sheet is not guessed at but left to a mapping.
    pub confidence: u8,
    /// How the table was read: which column answers (and why), where the IDs are, which
    /// columns are the assessor's.
    pub reading: String,
    /// Columns `fill` adds, for a catalogue with no column to answer in: (header cell, header).
    pub added_columns: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub sheet: String,
    /// `None`: the whole sheet; otherwise the rows (`rows 75-110`).
    pub rows: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub sheet: String,
    pub cell: Option<String>,
    pub message: String,
}

/// Imports a workbook from its bytes; `file_name` names it in messages and in the template.
/// Safe on any input: a file that is not a workbook, a damaged or hostile one is refused with
/// one sentence.
pub fn import_bytes(bytes: &[u8], file_name: &str) -> Result<Imported, WorkbookError> {
    import_bytes_with(bytes, file_name, &ImportOptions::default())
}

pub fn import_bytes_with(
    bytes: &[u8],
    file_name: &str,
    options: &ImportOptions,
) -> Result<Imported, WorkbookError> {
    let wb = read_any(bytes, file_name)?;
    build::build(&wb, file_name, bytes, options)
}

/// The workbook model of either format, told apart by content (an OLE compound file is a
/// legacy .xls; anything else must be an .xlsx package), never by the file's extension.
pub(crate) fn read_any(bytes: &[u8], file_name: &str) -> Result<ooxml::Workbook, WorkbookError> {
    if xls::is_ole(bytes) {
        return xls::read_workbook(bytes, file_name);
    }
    let mut pkg = package::Package::open(bytes, file_name)?;
    ooxml::read_workbook(&mut pkg)
}

/// Imports the workbook at `path`.
pub fn import_path(path: &Path) -> Result<Imported, WorkbookError> {
    import_path_with(path, &ImportOptions::default())
}

pub fn import_path_with(path: &Path, options: &ImportOptions) -> Result<Imported, WorkbookError> {
    let bytes = read_workbook_file(path)?;
    import_bytes_with(&bytes, &path.display().to_string(), options)
}

/// A workbook file's bytes, refusing one larger than `MAX_WORKBOOK_BYTES` before reading it.
pub fn read_workbook_file(path: &Path) -> Result<Vec<u8>, WorkbookError> {
    let io = |e: std::io::Error| WorkbookError::Io {
        path: path.to_path_buf(),
        reason: error::io_reason(&e),
    };
    // Judged before the file is opened: opening a named pipe would wait for a writer forever.
    match scal_fs::regular_file(path) {
        Ok(_) => {}
        Err(scal_fs::NotReadable::Io(e)) => return Err(io(e)),
        Err(not_a_file) => {
            return Err(WorkbookError::NotARegularFile {
                path: path.to_path_buf(),
                kind: not_a_file.kind().unwrap_or("neither a file nor a folder"),
            })
        }
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.len() > MAX_WORKBOOK_BYTES {
        return Err(WorkbookError::TooLarge {
            file: path.display().to_string(),
            what: format!(
                "it is {} bytes; the most accepted is {MAX_WORKBOOK_BYTES}",
                meta.len()
            ),
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_WORKBOOK_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    Ok(bytes)
}
