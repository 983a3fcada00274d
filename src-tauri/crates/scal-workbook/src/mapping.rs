//! The mapping file (`scal import-template WB --map MAPPING.json`): what a person says about
//! sheets the importer cannot read alone. Read strictly (unknown fields are refused, so a typo
//! is not silently ignored) and checked against the workbook: a sheet or column it names must
//! be there.

use std::path::Path;

use scal_core::template::{parse_column, Mapping, SheetMapping};

use crate::error::WorkbookError;
use crate::ooxml::Workbook;

/// The largest mapping file read (real ones are a few KiB).
pub const MAX_MAPPING_BYTES: u64 = 1024 * 1024;

/// The meanings a mapping may give a response.
pub const MEANINGS: [&str; 4] = ["met", "partly_met", "not_met", "not_applicable"];

/// Reads and parses a mapping file.
pub fn read_mapping(path: &Path) -> Result<Mapping, WorkbookError> {
    let file = path.display().to_string();
    let bad = |reason: String| WorkbookError::Mapping {
        file: file.clone(),
        reason,
    };
    let io = |e: std::io::Error| bad(scal_core::text::io_reason(&e));
    // Judged before opening: a named pipe would wait for a writer forever.
    let meta = match scal_fs::regular_file(path) {
        Ok(meta) => meta,
        Err(scal_fs::NotReadable::Io(e)) => return Err(io(e)),
        Err(not_a_file) => {
            let kind = not_a_file.kind().unwrap_or("neither a file nor a folder");
            return Err(bad(format!("it is {kind}, not a mapping file")));
        }
    };
    if meta.len() > MAX_MAPPING_BYTES {
        return Err(bad(format!(
            "it is {} bytes; a mapping is at most {MAX_MAPPING_BYTES}",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            use std::io::Read as _;
            f.take(MAX_MAPPING_BYTES + 1).read_to_end(&mut bytes)
        })
        .map_err(io)?;
    parse_mapping(&bytes).map_err(bad)
}

/// Parses a mapping from its bytes; the reason is one sentence.
pub fn parse_mapping(bytes: &[u8]) -> Result<Mapping, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())?;
    let text = scal_core::text::without_bom(text);
    let mapping: Mapping = serde_json::from_str(text).map_err(|e| {
        format!(
            "it is not a mapping (line {}, column {}: {e})",
            e.line(),
            e.column()
        )
    })?;
    for (sheet, m) in &mapping.sheets {
        check_sheet(sheet, m)?;
    }
    Ok(mapping)
}

fn check_sheet(sheet: &str, m: &SheetMapping) -> Result<(), String> {
    let c = &m.columns;
    for (field, col) in [
        ("id", &c.id),
        ("question", &c.question),
        ("guidance", &c.guidance),
        ("response", &c.response),
        ("comment", &c.comment),
    ] {
        if let Some(col) = col {
            if parse_column(col).is_none() {
                return Err(format!(
                    "sheet \"{sheet}\": the {field} column \"{col}\" is not a column's letters (write e.g. \"F\")"
                ));
            }
        }
    }
    for (option, meaning) in &m.meanings {
        if !MEANINGS.contains(&meaning.as_str()) {
            return Err(format!(
                "sheet \"{sheet}\": \"{option}\" is given the meaning \"{meaning}\"; a meaning is one of {}",
                MEANINGS.join(", ")
            ));
        }
    }
    if m.not_asked {
        return Ok(());
    }
    if m.header_row == Some(0) {
        return Err(format!(
            "sheet \"{sheet}\": header_row counts from 1, as Excel shows rows"
        ));
    }
    if m.header_row.is_some() && c.id.is_none() && c.question.is_none() {
        return Err(format!(
            "sheet \"{sheet}\": say which column holds the ID or the question"
        ));
    }
    if m.header_row.is_some() && c.response.is_none() && c.id.is_none() {
        return Err(format!(
            "sheet \"{sheet}\": say which column holds the response (or the ID, for a catalogue with no response column)"
        ));
    }
    if m.header_row.is_none() && (c.id.is_some() || c.question.is_some() || c.response.is_some()) {
        return Err(format!(
            "sheet \"{sheet}\": columns are read under a header row; give header_row too"
        ));
    }
    Ok(())
}

/// Every sheet and column the mapping names must be in the workbook: a mapping made for
/// another workbook is refused before it misreads this one.
pub(crate) fn check_against(
    mapping: &Mapping,
    wb: &Workbook,
    file: &str,
) -> Result<(), WorkbookError> {
    let bad = |reason: String| WorkbookError::Mapping {
        file: file.to_string(),
        reason,
    };
    for (name, m) in &mapping.sheets {
        let Some(sheet) = wb.sheets.iter().find(|s| &s.name == name) else {
            let names: Vec<String> = wb
                .sheets
                .iter()
                .take(12)
                .map(|s| format!("\"{}\"", s.name))
                .collect();
            return Err(bad(format!(
                "it names the sheet \"{name}\", which the workbook does not have (its sheets: {})",
                names.join(", ")
            )));
        };
        let Some(header) = m.header_row else {
            continue;
        };
        let cells = &sheet.data.cells;
        let last_row = cells.keys().next_back().map_or(0, |k| k.0);
        if header - 1 > last_row {
            return Err(bad(format!(
                "sheet \"{name}\": header row {header} is below the last filled row ({})",
                last_row + 1
            )));
        }
        // A column that holds nothing at or under the header cannot be the ID or the question.
        for (field, col) in [("id", &m.columns.id), ("question", &m.columns.question)] {
            let Some(col) = col.as_deref() else { continue };
            let Some(c) = parse_column(col) else { continue };
            let filled = cells
                .range((header - 1, 0)..)
                .any(|(&(_, cc), v)| cc == c && !v.text.trim().is_empty());
            if !filled {
                return Err(bad(format!(
                    "sheet \"{name}\": the {field} column {col} is empty from row {header} down"
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_with_a_typo_or_a_bad_column_is_refused_in_a_sentence() {
        let typo = br#"{"sheets": {"A": {"header_rwo": 3}}}"#;
        assert!(parse_mapping(typo).unwrap_err().contains("header_rwo"));
        let col =
            br#"{"sheets": {"A": {"header_row": 3, "columns": {"id": "B2", "response": "F"}}}}"#;
        assert!(parse_mapping(col).unwrap_err().contains("\"B2\""));
        let meaning = br#"{"sheets": {"A": {"header_row": 3, "columns": {"id": "B", "response": "F"}, "meanings": {"Yes": "good"}}}}"#;
        assert!(parse_mapping(meaning).unwrap_err().contains("\"good\""));
        let fine = br#"{"sheets": {"A": {"header_row": 3, "columns": {"id": "B", "response": "F"}, "meanings": {"Yes": "met"}}, "B": {"not_asked": true, "why": "NHS fills it"}}}"#;
        let m = parse_mapping(fine).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.sheets.len(), 2);
    }
}
