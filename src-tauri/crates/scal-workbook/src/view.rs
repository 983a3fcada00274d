//! A read-only view of one sheet for recognition: cell text, merged ranges and the response
//! options a cell's data validation list offers (inline, by range, or by defined name).

use std::cell::RefCell;
use std::collections::HashMap;

use crate::ooxml::{CellValue, Range, SheetInfo, Workbook};

/// The most cells a validation list given as a range may span (real lists have a handful).
const MAX_LIST_CELLS: u64 = 1_000;
/// The most (row or column) index entries built for one sheet's merges and validations.
const MAX_INDEX_ENTRIES: usize = 4_000_000;
/// The most validation ranges over one column: each lookup walks them, so a hostile sheet with
/// millions would make recognition quadratic. Real workbooks have a few dozen.
const MAX_VALIDATIONS_PER_COLUMN: usize = 5_000;
/// The most list-source ranges left out of a sheet's content (real workbooks: a handful).
const MAX_LIST_SOURCES: usize = 1_000;

/// What a cell's data validation offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ListAt {
    /// A list: its entries trimmed, in order, placeholders included.
    Options(Vec<String>),
    /// A list whose source cannot be read (another workbook, a broken name, a formula).
    Unresolved(String),
    /// Another kind of validation (`date`, `whole`, ...).
    Other(String),
}

pub(crate) struct View<'w> {
    pub wb: &'w Workbook,
    pub index: usize,
    pub sheet: &'w SheetInfo,
    /// Row → indices of the merges covering it.
    merge_rows: HashMap<u32, Vec<usize>>,
    /// Column → (first row, last row, validation index), for lookups by cell.
    validation_cols: HashMap<u32, Vec<(u32, u32, usize)>>,
    lists: RefCell<HashMap<usize, ListAt>>,
    /// Cells that hold the entries of dropdown lists (left out of the sheet's content).
    list_sources: Vec<Range>,
}

impl<'w> View<'w> {
    /// `None` when the sheet's merges or validations are too many to index.
    pub fn new(wb: &'w Workbook, index: usize) -> Option<View<'w>> {
        let sheet = &wb.sheets[index];
        let data = &sheet.data;
        let last_row = data.cells.keys().next_back().map_or(0, |k| k.0);
        let mut entries = 0usize;
        let mut merge_rows: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, m) in data.merges.iter().enumerate() {
            // Rows past the last filled one are never asked about.
            if m.r1 > last_row + 1 {
                continue;
            }
            for r in m.r1..=m.r2.min(last_row + 1) {
                merge_rows.entry(r).or_default().push(i);
                entries += 1;
            }
            if entries > MAX_INDEX_ENTRIES {
                return None;
            }
        }
        let mut validation_cols: HashMap<u32, Vec<(u32, u32, usize)>> = HashMap::new();
        let max_col = data.cells.keys().map(|k| k.1).max().unwrap_or(0);
        for (i, v) in data.validations.iter().enumerate() {
            for range in &v.ranges {
                if range.r1 > last_row + 1 || range.c1 > max_col + 4 {
                    continue;
                }
                for c in range.c1..=range.c2.min(max_col + 4) {
                    validation_cols
                        .entry(c)
                        .or_default()
                        .push((range.r1, range.r2, i));
                    entries += 1;
                }
                if entries > MAX_INDEX_ENTRIES {
                    return None;
                }
            }
        }
        if validation_cols
            .values()
            .any(|list| list.len() > MAX_VALIDATIONS_PER_COLUMN)
        {
            return None;
        }
        Some(View {
            wb,
            index,
            sheet,
            merge_rows,
            validation_cols,
            lists: RefCell::new(HashMap::new()),
            list_sources: list_source_ranges(wb, index),
        })
    }

    pub fn value(&self, r: u32, c: u32) -> Option<&'w CellValue> {
        self.sheet.data.cells.get(&(r, c))
    }

    /// The cell's text, trimmed; empty when the cell holds nothing.
    pub fn text(&self, r: u32, c: u32) -> &'w str {
        self.value(r, c).map_or("", |v| v.text.trim())
    }

    pub fn is_formula(&self, r: u32, c: u32) -> bool {
        self.value(r, c).is_some_and(|v| v.formula)
    }

    pub fn merge(&self, r: u32, c: u32) -> Option<Range> {
        self.merge_rows.get(&r).and_then(|list| {
            list.iter()
                .map(|&i| self.sheet.data.merges[i])
                .find(|m| m.contains(r, c))
        })
    }

    /// A cell inside a merged range but not its top-left: it shows nothing of its own.
    pub fn is_continuation(&self, r: u32, c: u32) -> bool {
        self.merge(r, c).is_some_and(|m| (m.r1, m.c1) != (r, c))
    }

    /// The last column a cell spans (itself, or the end of its merge).
    pub fn end_col(&self, r: u32, c: u32) -> u32 {
        self.merge(r, c).map_or(c, |m| m.c2)
    }

    /// The filled cells of a row that show text, as (column, trimmed text), left to right.
    pub fn row_texts(&self, r: u32) -> Vec<(u32, &'w str)> {
        self.sheet
            .data
            .cells
            .range((r, 0)..=(r, u32::MAX))
            .filter(|(&(r, c), v)| {
                !v.text.trim().is_empty() && !self.list_sources.iter().any(|s| s.contains(r, c))
            })
            .map(|(&(_, c), v)| (c, v.text.trim()))
            .collect()
    }

    /// Rows that hold something, in order.
    pub fn rows(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = self.sheet.data.cells.keys().map(|k| k.0).collect();
        rows.dedup();
        rows
    }

    fn validation_index(&self, r: u32, c: u32) -> Option<usize> {
        self.validation_cols
            .get(&c)?
            .iter()
            .find(|(r1, r2, _)| (*r1..=*r2).contains(&r))
            .map(|&(_, _, i)| i)
    }

    pub fn has_validation(&self, r: u32, c: u32) -> bool {
        self.validation_index(r, c).is_some()
    }

    /// What the cell's data validation offers, if it has one.
    pub fn list_at(&self, r: u32, c: u32) -> Option<ListAt> {
        let i = self.validation_index(r, c)?;
        if let Some(found) = self.lists.borrow().get(&i) {
            return Some(found.clone());
        }
        let v = &self.sheet.data.validations[i];
        let found = if v.kind.is_empty() || v.kind == "list" {
            if v.formula.is_empty() {
                ListAt::Unresolved(String::new())
            } else {
                match resolve_list(self.wb, self.index, &v.formula, 0) {
                    Some(options) => ListAt::Options(options),
                    None => ListAt::Unresolved(v.formula.clone()),
                }
            }
        } else {
            ListAt::Other(v.kind.clone())
        };
        self.lists.borrow_mut().insert(i, found.clone());
        Some(found)
    }

    /// Every list offered by validations on this sheet (for the placeholder spelling).
    pub fn all_lists(&self) -> Vec<Vec<String>> {
        (0..self.sheet.data.validations.len())
            .filter_map(|i| {
                let v = &self.sheet.data.validations[i];
                if !(v.kind.is_empty() || v.kind == "list") || v.ranges.is_empty() {
                    return None;
                }
                resolve_list(self.wb, self.index, &v.formula, 0)
            })
            .collect()
    }
}

/// Where a list validation's entries come from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ListSource {
    Inline(Vec<String>),
    /// A range on a sheet (by index).
    Cells(usize, Range),
}

/// The source of a list validation: `"a,b,c"`, `$B$43:$B$46`, `Lists!$A$1:$A$3`,
/// `'My lists'!A1:A3`, or a defined name (local to the sheet first, then global).
fn list_source(wb: &Workbook, sheet_index: usize, formula: &str, depth: u8) -> Option<ListSource> {
    let f = formula.trim().trim_start_matches('=').trim();
    if let Some(inner) = f.strip_prefix('"') {
        let inner = inner
            .strip_suffix('"')
            .unwrap_or(inner)
            .replace("\"\"", "\"");
        return Some(ListSource::Inline(
            inner
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        ));
    }
    if let Some((sheet, range)) = split_sheet_ref(f) {
        if sheet.starts_with('[') {
            return None;
        }
        let (target, _) = wb.sheet(&sheet)?;
        return Some(ListSource::Cells(target, Range::parse(&range)?));
    }
    if let Some(range) = Range::parse(f) {
        return Some(ListSource::Cells(sheet_index, range));
    }
    if depth >= 3
        || f.is_empty()
        || !f
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    {
        return None;
    }
    let name = wb
        .names
        .iter()
        .find(|n| n.name.eq_ignore_ascii_case(f) && n.local_sheet == Some(sheet_index))
        .or_else(|| {
            wb.names
                .iter()
                .find(|n| n.name.eq_ignore_ascii_case(f) && n.local_sheet.is_none())
        })?;
    let scope = name.local_sheet.unwrap_or(sheet_index);
    list_source(wb, scope, &name.formula, depth + 1)
}

/// The entries of a list validation, when its source can be read.
pub(crate) fn resolve_list(
    wb: &Workbook,
    sheet_index: usize,
    formula: &str,
    depth: u8,
) -> Option<Vec<String>> {
    match list_source(wb, sheet_index, formula, depth)? {
        ListSource::Inline(list) => Some(list),
        ListSource::Cells(sheet, range) => read_range(wb, sheet, range),
    }
}

/// The ranges of sheet `index` that hold the entries of some dropdown list: data behind the
/// dropdowns, not content of the sheet.
fn list_source_ranges(wb: &Workbook, index: usize) -> Vec<Range> {
    let mut out = Vec::new();
    for (si, sheet) in wb.sheets.iter().enumerate() {
        for v in &sheet.data.validations {
            if !(v.kind.is_empty() || v.kind == "list") {
                continue;
            }
            if let Some(ListSource::Cells(target, range)) = list_source(wb, si, &v.formula, 0) {
                if target == index && range.cells() <= MAX_LIST_CELLS && !out.contains(&range) {
                    out.push(range);
                    if out.len() >= MAX_LIST_SOURCES {
                        return out;
                    }
                }
            }
        }
    }
    out
}

/// `Lists!$A$1:$A$3` → ("Lists", "$A$1:$A$3"); `'It''s'!A1` → ("It's", "A1").
fn split_sheet_ref(f: &str) -> Option<(String, String)> {
    if let Some(rest) = f.strip_prefix('\'') {
        let mut name = String::new();
        let mut chars = rest.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().map(|p| p.1) == Some('\'') {
                    name.push('\'');
                    chars.next();
                    continue;
                }
                let after = &rest[i + 1..];
                return after
                    .strip_prefix('!')
                    .map(|range| (name.clone(), range.to_string()));
            }
            name.push(c);
        }
        return None;
    }
    let (sheet, range) = f.rsplit_once('!')?;
    Some((sheet.to_string(), range.to_string()))
}

fn read_range(wb: &Workbook, sheet_index: usize, range: Range) -> Option<Vec<String>> {
    if range.cells() > MAX_LIST_CELLS {
        return None;
    }
    let data = &wb.sheets.get(sheet_index)?.data;
    let mut out = Vec::new();
    for r in range.r1..=range.r2 {
        for c in range.c1..=range.c2 {
            if let Some(v) = data.cells.get(&(r, c)) {
                let t = v.text.trim();
                if !t.is_empty() {
                    out.push(t.to_string());
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_references_split_with_quotes_and_doubled_quotes() {
        assert_eq!(
            split_sheet_ref("Lists!$A$1:$A$3"),
            Some(("Lists".to_string(), "$A$1:$A$3".to_string()))
        );
        assert_eq!(
            split_sheet_ref("'It''s a list'!A1:A2"),
            Some(("It's a list".to_string(), "A1:A2".to_string()))
        );
        assert_eq!(
            split_sheet_ref("[1]Lists!$B$52:$B$59").map(|p| p.0),
            Some("[1]Lists".to_string())
        );
        assert_eq!(split_sheet_ref("$B$43:$B$46"), None);
    }
}
