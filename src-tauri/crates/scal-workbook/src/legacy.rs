//! Filling a draft whose workbook is a legacy `.xls`: BIFF8 cannot be patched in place, so
//! the fill writes a new `.xlsx` (rust_xlsxwriter) holding every sheet's values in the same
//! cells, its merged ranges, hidden states, defined names and dropdown lists, with the answers
//! in the answer cells — then reads it back as any fill is.

use std::path::Path;

use calamine::Data;
use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook as XlsxBook};
use sha2::{Digest, Sha256};

use crate::error::WorkbookError;
use crate::fill::{plan_writes, verify, FillInput, FillReport, FilledCell};
use crate::ooxml::SheetState;
use crate::xls::{self, UNDECODED_LIST};

/// What every fill of an `.xls` says, once, to whoever asked for it (`out` as the user knows
/// it: an export passes the name the file will have, not its staging path).
pub fn converted_sentence(original: &str, out: &Path) -> String {
    format!(
        "{original} is a legacy .xls workbook, which cannot be patched in place, so {} is a new .xlsx copy holding every sheet's values, merged cells and dropdown lists with the answers written in (formulas are kept as their last values, and the original formatting is not carried over)",
        out.display()
    )
}

pub(crate) fn fill_legacy(
    original: &[u8],
    file: &str,
    template: &scal_core::Template,
    input: &FillInput<'_>,
    out: &Path,
) -> Result<(Vec<u8>, FillReport), WorkbookError> {
    let wb = xls::read_workbook(original, file)?;
    let (_, grids) = xls::grids(original, file, &wb.sheets)?;
    let mut warnings = Vec::new();
    let plan = plan_writes(template, input, &mut warnings);
    for (sheet, writes) in &plan {
        if wb
            .sheets
            .iter()
            .all(|s| s.name != *sheet || s.part.is_none())
        {
            return Err(WorkbookError::SheetMissing {
                file: file.to_string(),
                sheet: sheet.clone(),
                section: writes
                    .values()
                    .next()
                    .map(|w| w.section.clone())
                    .unwrap_or_default(),
            });
        }
    }
    let fail = |sheet: &str, what: &str, e: rust_xlsxwriter::XlsxError| WorkbookError::Patch {
        file: file.to_string(),
        sheet: sheet.to_string(),
        reason: format!("{what} cannot be copied into the .xlsx ({e})"),
    };
    let mut book = XlsxBook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let first_visible = wb
        .sheets
        .iter()
        .position(|s| s.part.is_some() && s.state == SheetState::Visible);
    let mut cells = Vec::new();
    let mut patched = Vec::new();
    let mut left_out = Vec::new();
    let mut not_copied = 0usize;
    for (index, (sheet, grid)) in wb.sheets.iter().zip(&grids).enumerate() {
        let Some((values, _)) = grid else {
            left_out.push(sheet.name.clone());
            continue;
        };
        let ws = book.add_worksheet();
        ws.set_name(&sheet.name)
            .map_err(|e| fail(&sheet.name, "its name", e))?;
        match sheet.state {
            SheetState::Visible => {}
            SheetState::Hidden => {
                ws.set_hidden(true);
            }
            SheetState::VeryHidden => {
                ws.set_very_hidden(true);
            }
        }
        if Some(index) == first_visible {
            ws.set_active(true);
        }
        // Merges first: a merge writes its first cell, which the value then replaces.
        for m in &sheet.data.merges {
            if m.cells() < 2 || m.c2 > u32::from(u16::MAX) {
                continue;
            }
            if ws
                .merge_range(m.r1, m.c1 as u16, m.r2, m.c2 as u16, "", &Format::new())
                .is_err()
            {
                not_copied += 1;
            }
        }
        if let Some(values) = values {
            let (r0, c0) = values.start().unwrap_or((0, 0));
            for (r, c, v) in values.cells() {
                let (r, c) = (r0 + r as u32, c0 + c as u32);
                let Ok(col) = u16::try_from(c) else {
                    continue;
                };
                let written = match v {
                    Data::Empty => continue,
                    Data::Float(f) => ws.write_number(r, col, *f).map(|_| ()),
                    Data::Int(i) => ws.write_number(r, col, *i as f64).map(|_| ()),
                    Data::Bool(b) => ws.write_boolean(r, col, *b).map(|_| ()),
                    Data::DateTime(d) => ws
                        .write_number_with_format(r, col, d.as_f64(), &date)
                        .map(|_| ()),
                    other => ws.write_string(r, col, xls::cell_text(other)).map(|_| ()),
                };
                written.map_err(|e| fail(&sheet.name, "a cell", e))?;
            }
        }
        for v in &sheet.data.validations {
            if v.kind != "list" || v.formula.is_empty() || v.formula == UNDECODED_LIST {
                continue;
            }
            // One validation over all its ranges, as the .xls has it.
            let Some(first) = v.ranges.first() else {
                continue;
            };
            let (Ok(c1), Ok(c2)) = (u16::try_from(first.c1), u16::try_from(first.c2)) else {
                continue;
            };
            let sqref: Vec<String> = v
                .ranges
                .iter()
                .map(|r| {
                    format!(
                        "{}:{}",
                        scal_core::template::cell_ref(r.r1, r.c1),
                        scal_core::template::cell_ref(r.r2, r.c2)
                    )
                })
                .collect();
            let dv = DataValidation::new()
                .allow_list_formula(Formula::new(&v.formula))
                .ignore_blank(true)
                .set_multi_range(sqref.join(" "));
            if ws
                .add_data_validation(first.r1, c1, first.r2, c2, &dv)
                .is_err()
            {
                not_copied += 1;
            }
        }
        if let Some(writes) = plan.get(&sheet.name) {
            for (&(r, c), w) in writes {
                let at = scal_core::template::cell_ref(r, c);
                if sheet.data.cells.get(&(r, c)).is_some_and(|v| v.formula) {
                    warnings.push(format!(
                        "sheet \"{}\" cell {at} holds a formula, so the {} of {} was not written there",
                        sheet.name,
                        w.role,
                        w.who()
                    ));
                    continue;
                }
                let Ok(col) = u16::try_from(c) else {
                    continue;
                };
                ws.write_string(r, col, &w.value)
                    .map_err(|e| fail(&sheet.name, "an answer", e))?;
                cells.push(FilledCell {
                    sheet: sheet.name.clone(),
                    cell: at,
                    value: w.value.clone(),
                    item: w.item.clone(),
                    role: w.role,
                });
            }
            patched.push(sheet.name.clone());
        }
    }
    for name in &wb.names {
        if name.formula.is_empty() {
            continue;
        }
        let scoped = match name.local_sheet.and_then(|i| wb.sheets.get(i)) {
            Some(s) => format!("'{}'!{}", s.name.replace('\'', "''"), name.name),
            None => name.name.clone(),
        };
        if book
            .define_name(scoped, &format!("={}", name.formula))
            .is_err()
        {
            not_copied += 1;
        }
    }
    if !left_out.is_empty() {
        warnings.push(format!(
            "the .xlsx copy leaves out {} sheet(s) that are not worksheets (charts or macros): {}",
            left_out.len(),
            left_out.join(", ")
        ));
    }
    if not_copied > 0 {
        warnings.push(format!(
            "{not_copied} merged range(s), dropdown list(s) or name(s) of the .xls could not be carried into the .xlsx copy"
        ));
    }
    let bytes = book.save_to_buffer().map_err(|e| WorkbookError::Write {
        path: out.to_path_buf(),
        reason: e.to_string(),
    })?;
    verify(&bytes, &cells, out)?;
    let report = FillReport {
        entries_patched: 0,
        entries_copied: 0,
        sheets: patched,
        size: bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(&bytes)),
        cells,
        warnings,
        converted: Some(converted_sentence(file, out)),
        added_columns: Vec::new(),
    };
    Ok((bytes, report))
}
