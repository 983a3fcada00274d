//! Reading the exported files back with readers that share no code with the writers, so an
//! answer lost on the way out is an error rather than a silently bad file.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use chrono::NaiveDate;

use crate::xlsx::{column_letter, CellValue, ExpectedCell};
use crate::ExportError;

/// Re-opens the workbook with calamine and checks that every answer is in its cell, as text
/// (never a formula) or as a real date. Returns how many cells were checked.
pub fn check_workbook(path: &Path, expected: &[ExpectedCell]) -> Result<usize, ExportError> {
    let fail = |problem: String| ExportError::WorkbookReadBack {
        path: path.to_path_buf(),
        problem,
    };
    let mut book: Xlsx<_> =
        open_workbook(path).map_err(|e| fail(format!("it cannot be opened: {e}")))?;
    let mut by_sheet: BTreeMap<&str, Vec<&ExpectedCell>> = BTreeMap::new();
    for cell in expected {
        by_sheet.entry(cell.sheet.as_str()).or_default().push(cell);
    }
    for (sheet, cells) in by_sheet {
        let range: Range<Data> = book
            .worksheet_range(sheet)
            .map_err(|e| fail(format!("sheet \"{sheet}\" cannot be read: {e}")))?;
        for cell in cells {
            let found = range
                .get_value((cell.row, u32::from(cell.col)))
                .unwrap_or(&Data::Empty);
            let at = || format!("{}{}", column_letter(cell.col), cell.row + 1);
            let ok = match (&cell.value, found) {
                (CellValue::Text(want), Data::String(got)) => want == got,
                (CellValue::Date(want), Data::DateTime(got)) => {
                    (got.as_f64() - excel_serial(*want)).abs() < 1e-9
                }
                _ => false,
            };
            if !ok {
                return Err(fail(format!(
                    "item \"{}\" should be in sheet \"{sheet}\" cell {} as {}, but the cell holds {}",
                    cell.item,
                    at(),
                    describe_expected(&cell.value),
                    describe_found(found)
                )));
            }
        }
    }
    Ok(expected.len())
}

/// Re-parses the PDF and checks it is the document that was built (same bytes on disk, pages
/// present).
pub fn check_pdf(path: &Path, built: &[u8]) -> Result<(), ExportError> {
    let on_disk = std::fs::read(path).map_err(|e| ExportError::read(path, e))?;
    // Named as it will be in the output folder, not by the hidden folder it is built in.
    let shown = scal_core::text::user_path(path);
    let fail = |problem: &str| ExportError::Pdf(format!("{} {problem}", shown.display()));
    if on_disk != built {
        return Err(fail("does not hold what was written"));
    }
    let doc = lopdf::Document::load_mem(&on_disk)
        .map_err(|e| ExportError::Pdf(format!("{} cannot be read back: {e}", shown.display())))?;
    if doc.get_pages().is_empty() {
        return Err(fail("has no pages"));
    }
    Ok(())
}

/// Days since 1899-12-30: Excel's date serial (1900 system) for dates after February 1900.
pub fn excel_serial(d: NaiveDate) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    (d - epoch).num_days() as f64
}

fn describe_expected(v: &CellValue) -> String {
    match v {
        CellValue::Text(s) => format!("the text \"{}\"", clip(s)),
        CellValue::Date(d) => format!("the date {}", d.format("%d/%m/%Y")),
    }
}

fn describe_found(d: &Data) -> String {
    match d {
        Data::Empty => "nothing".to_string(),
        Data::String(s) => format!("the text \"{}\"", clip(s)),
        Data::DateTime(x) => format!("the date serial {}", x.as_f64()),
        Data::Float(f) => format!("the number {f}"),
        Data::Int(i) => format!("the number {i}"),
        Data::Bool(b) => format!("the value {b}"),
        Data::Error(e) => format!("the error {e}"),
        Data::DateTimeIso(s) | Data::DurationIso(s) => format!("\"{}\"", clip(s)),
    }
}

/// The start of a long value, for a one-line message.
fn clip(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() > 60 {
        format!("{}\u{2026}", one_line.chars().take(60).collect::<String>())
    } else {
        one_line
    }
}
