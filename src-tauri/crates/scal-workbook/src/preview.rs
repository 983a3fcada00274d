//! The first rows of one sheet as a person sees them, so they can say in a mapping which row is
//! the header and which column holds what. Read through the same bounded reader as an import.

use scal_core::template::cell_ref;

use crate::error::WorkbookError;
use crate::ooxml::SheetState;
use crate::package::Package;
use crate::view::{resolve_list, View};

/// The most rows and columns a preview shows, whatever is asked.
pub const MAX_PREVIEW_ROWS: usize = 500;
pub const MAX_PREVIEW_COLUMNS: usize = 64;
/// The most characters of one cell a preview shows (the rest is cut with "…").
const MAX_PREVIEW_CELL_CHARS: usize = 200;

/// One sheet's first non-empty rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetPreview {
    pub sheet: String,
    pub hidden: bool,
    /// Column letters shown, left to right, from A.
    pub columns: Vec<String>,
    pub rows: Vec<PreviewRow>,
    /// The sheet has filled rows below those shown.
    pub more_rows: bool,
    /// The sheet has filled columns right of those shown.
    pub more_columns: bool,
    /// (column letters, options) for each shown column offering a dropdown list under the first
    /// row shown: the responses a mapping can give meanings to. Placeholders included.
    pub lists: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewRow {
    /// 1-based, as Excel shows it.
    pub row: u32,
    /// One text per shown column; empty for an empty cell (or one covered by a merge).
    pub cells: Vec<String>,
}

/// Column letters of a zero-based column (`0` → `A`).
pub fn column_letters(col: u32) -> String {
    cell_ref(0, col).trim_end_matches('1').to_string()
}

/// The sheets of a workbook, in its order: (name, hidden).
pub fn sheet_names(bytes: &[u8], file_name: &str) -> Result<Vec<(String, bool)>, WorkbookError> {
    let mut pkg = Package::open(bytes, file_name)?;
    let part = crate::ooxml::workbook_part(&mut pkg)?;
    let (entries, _) = crate::ooxml::read_workbook_xml(&mut pkg, &part)?;
    Ok(entries
        .into_iter()
        .map(|e| (e.name, e.state != SheetState::Visible))
        .collect())
}

/// The first `rows` non-empty rows of `sheet` (its name as the workbook spells it), `cols`
/// columns wide from A (both capped). A sheet the workbook does not have is refused naming the
/// sheets it does.
pub fn sheet_preview(
    bytes: &[u8],
    file_name: &str,
    sheet: &str,
    rows: usize,
    cols: usize,
) -> Result<SheetPreview, WorkbookError> {
    let rows = rows.clamp(1, MAX_PREVIEW_ROWS);
    let cols = cols.clamp(1, MAX_PREVIEW_COLUMNS);
    let mut pkg = Package::open(bytes, file_name)?;
    let wb = crate::ooxml::read_workbook(&mut pkg)?;
    let Some(index) = wb.sheets.iter().position(|s| s.name == sheet) else {
        let names: Vec<String> = wb
            .sheets
            .iter()
            .take(12)
            .map(|s| format!("\"{}\"", s.name))
            .collect();
        return Err(WorkbookError::NoSuchSheet {
            file: file_name.to_string(),
            sheet: sheet.to_string(),
            sheets: names.join(", "),
        });
    };
    let info = &wb.sheets[index];
    let hidden = info.state != SheetState::Visible;
    let cells = &info.data.cells;
    // Rows that show text, in order.
    let mut filled: Vec<u32> = cells
        .iter()
        .filter(|(_, v)| !v.text.trim().is_empty())
        .map(|(&(r, _), _)| r)
        .collect();
    filled.dedup();
    let shown: Vec<u32> = filled.iter().copied().take(rows).collect();
    let more_rows = filled.len() > shown.len();
    let last_col = cells
        .iter()
        .filter(|(_, v)| !v.text.trim().is_empty())
        .map(|(&(_, c), _)| c)
        .max();
    // Columns with a dropdown count as filled: the response column is often empty.
    let last_list_col = info
        .data
        .validations
        .iter()
        .flat_map(|v| v.ranges.iter())
        .filter(|r| (r.c1 as usize) < cols)
        .map(|r| r.c2.min(cols as u32 - 1))
        .max();
    let width = last_col
        .max(last_list_col)
        .map_or(1, |c| c as usize + 1)
        .min(cols);
    let more_columns = last_col.is_some_and(|c| c as usize >= cols);
    let view = View::new(&wb, index);
    let text = |r: u32, c: u32| -> String {
        if view.as_ref().is_some_and(|v| v.is_continuation(r, c)) {
            return String::new();
        }
        let t = cells.get(&(r, c)).map_or("", |v| v.text.trim());
        shorten(t)
    };
    let preview_rows = shown
        .iter()
        .map(|&r| PreviewRow {
            row: r + 1,
            cells: (0..width as u32).map(|c| text(r, c)).collect(),
        })
        .collect();
    let first = shown.first().copied().unwrap_or(0);
    let mut lists = Vec::new();
    for c in 0..width as u32 {
        let found = info
            .data
            .validations
            .iter()
            .filter(|v| v.kind.is_empty() || v.kind == "list")
            .filter(|v| {
                v.ranges
                    .iter()
                    .any(|r| r.c1 <= c && c <= r.c2 && r.r2 >= first)
            })
            .find_map(|v| resolve_list(&wb, index, &v.formula, 0).filter(|o| !o.is_empty()));
        if let Some(options) = found {
            lists.push((column_letters(c), options));
        }
    }
    Ok(SheetPreview {
        sheet: info.name.clone(),
        hidden,
        columns: (0..width as u32).map(column_letters).collect(),
        rows: preview_rows,
        more_rows,
        more_columns,
        lists,
    })
}

fn shorten(t: &str) -> String {
    if t.chars().count() <= MAX_PREVIEW_CELL_CHARS {
        return t.to_string();
    }
    let mut s: String = t.chars().take(MAX_PREVIEW_CELL_CHARS - 1).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_count_as_excel_does() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
    }

    #[test]
    fn a_long_cell_is_cut_with_an_ellipsis() {
        let long = "x".repeat(500);
        let s = shorten(&long);
        assert_eq!(s.chars().count(), MAX_PREVIEW_CELL_CHARS);
        assert!(s.ends_with('…'));
        assert_eq!(shorten("short"), "short");
    }
}
