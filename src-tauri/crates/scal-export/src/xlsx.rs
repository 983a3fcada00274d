//! The SCAL workbook, laid out the way the NHS template is: a summary sheet, one sheet per
//! section in template order, the evidence index.
//!
//! Invariants:
//! - every piece of user text goes through `write_string` (never `write`), so an answer such as
//!   `=1+1` or `@SUM(A1)` is stored as text and can never run as a formula;
//! - every cell holding an answer is also recorded in `Workbook::expected`, which the read-back
//!   check compares with what an independent reader finds in the file;
//! - Excel's limits are met here, with a warning to the caller, never by producing a file Excel
//!   would repair.

use std::collections::BTreeMap;
use std::rc::Rc;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use rust_xlsxwriter::{
    Color, ConditionalFormatDataBar, ConditionalFormatFormula, DataValidation,
    DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, ProtectionOptions, Workbook as XlsxBook, Worksheet,
    XlsxError,
};
use scal_core::template::{Column, ColumnField, Meaning, ACKNOWLEDGED, OTHER};
use scal_core::{Item, ItemKind, Section, SectionKind, Severity, Value};

use scal_store::WrittenCell;

use crate::names::{truncate_utf16, SheetNames};
use crate::snapshot::{Snapshot, TOOL_VERSION};
use crate::ExportWarning;

/// Excel's limit on the text in one cell, in UTF-16 units.
pub const CELL_TEXT_MAX: usize = 32_767;

/// Appended to text cut at Excel's cell limit, so a reader of the workbook knows.
const TRUNCATED_MARK: &str =
    "\u{2026} [cut at Excel's 32,767-character limit: the full text is in the PDF summary]";

/// Excel's limit on an inline dropdown list (all options, comma-separated).
const INLINE_LIST_MAX: usize = 255;

/// The built workbook and what the read-back check must find in it.
#[derive(Debug)]
pub struct Workbook {
    pub bytes: Vec<u8>,
    pub expected: Vec<ExpectedCell>,
    pub warnings: Vec<ExportWarning>,
    /// Every response and comment cell with what it was written with (placeholders and blanks
    /// too), and the "NHS review" cells left for the assessor: what a returned copy is compared
    /// with (`scal_store::WrittenWorkbook`).
    pub written: Vec<WrittenCell>,
}

/// The sheet (and the PDF part) answering the assessor's remarks.
pub const RESPONSE_SHEET: &str = "Response to review";

/// The header of the column left unlocked for the assessor's remarks.
pub const REVIEW_HEADER: &str = "NHS review";

/// A cell that must hold an answer (or a part of one) once the file is read back.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedCell {
    pub sheet: String,
    pub row: u32,
    pub col: u16,
    pub item: String,
    pub value: CellValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Text(String),
    Date(NaiveDate),
}

pub fn build(snap: &Snapshot) -> Result<Workbook, XlsxError> {
    let mut book = Book::new(snap);
    let mut xlsx = XlsxBook::new();
    // Level 1 deflate: a third faster to save than the default 6, for a file a few percent
    // larger (XML compresses well either way).
    xlsx.set_zip_compression_level(1);
    xlsx.set_properties(&properties(snap)?);

    let summary_name = book.names.claim("Summary").0;
    let mut summary = Worksheet::new();
    summary.set_name(&summary_name)?;
    book.summary_sheet(&mut summary)?;
    xlsx.push_worksheet(summary);

    for section in snap.template.sections.iter().filter(|s| snap.applies(s)) {
        let (name, changed) = book.names.claim(&section.title);
        if changed {
            book.warn(
                None,
                format!(
                    "the sheet for section \"{}\" is named \"{name}\": Excel allows 31 characters and none of []:*?/\\, and control and text-direction characters are left out",
                    section.title
                ),
            );
        }
        let mut ws = Worksheet::new();
        ws.set_name(&name)?;
        match section.kind {
            SectionKind::Service => book.service_sheet(&mut ws, &name, section)?,
            SectionKind::Form | SectionKind::Guidance => {
                book.form_sheet(&mut ws, &name, section)?
            }
        }
        xlsx.push_worksheet(ws);
    }

    let evidence_name = book.names.claim("Evidence").0;
    let mut evidence = Worksheet::new();
    evidence.set_name(&evidence_name)?;
    book.evidence_sheet(&mut evidence)?;
    xlsx.push_worksheet(evidence);

    // Answers an upgrade archived: kept and shown, in their own sheet, never as answers.
    if !snap.archived.is_empty() {
        let archived_name = book.names.claim("Archived answers").0;
        let mut archived = Worksheet::new();
        archived.set_name(&archived_name)?;
        book.archived_sheet(&mut archived, &archived_name)?;
        xlsx.push_worksheet(archived);
    }

    // A resubmission after the assessor's workbook came back: every remark and what was done.
    if let Some(response) = &snap.review_response {
        let name = book.names.claim(RESPONSE_SHEET).0;
        let mut ws = Worksheet::new();
        ws.set_name(&name)?;
        book.response_sheet(&mut ws, response)?;
        xlsx.push_worksheet(ws);
    }

    if !book.lists.is_empty() {
        let mut lists = Worksheet::new();
        lists.set_name(&book.lists_sheet)?;
        for (col, values) in book.lists.iter().enumerate() {
            let col = u16::try_from(col)
                .map_err(|_| XlsxError::ParameterError("too many lists".into()))?;
            for (row, v) in values.iter().enumerate() {
                lists.write_string(row_num(row)?, col, v)?;
            }
        }
        lists.set_hidden(true);
        lists.protect();
        xlsx.push_worksheet(lists);
    }

    let bytes = xlsx.save_to_buffer()?;
    Ok(Workbook {
        bytes,
        expected: book.expected,
        warnings: book.warnings,
        written: book.written,
    })
}

/// Title, author, dates and the draft's identity, so a file found on its own says what it is.
fn properties(snap: &Snapshot) -> Result<DocProperties, XlsxError> {
    let t = &snap.template;
    let supplier = snap.identity.supplier.clone().unwrap_or_default();
    Ok(DocProperties::new()
        .set_title(format!("SCAL: {}", snap.headline()))
        .set_subject(format!("{} (template {} {})", t.title, t.id, t.version))
        .set_author(&supplier)
        .set_company(&supplier)
        .set_category("Supplier Conformance Assessment List")
        .set_keywords(format!("SCAL, {}", t.id))
        .set_comment(format!(
            "Exported by SCAL Workbench {TOOL_VERSION} from draft {} at {}; answers digest {}.",
            snap.draft_id,
            snap.exported_at_text(),
            snap.answers_digest
        ))
        .set_status(if snap.report.complete {
            "Complete"
        } else {
            "In Progress"
        })
        .set_creation_datetime(&excel_datetime(snap.exported_at)?)
        .set_custom_property("SCAL draft id", &snap.draft_id)
        .set_custom_property("SCAL template id", &t.id)
        .set_custom_property("SCAL template version", &t.version)
        .set_custom_property("SCAL answers digest", &snap.answers_digest)
        .set_custom_property("SCAL tool version", TOOL_VERSION))
}

struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    label: Format,
    text: Format,
    small: Format,
    heading_row: Format,
    response: Format,
    response_date: Format,
    locked_date: Format,
    number: Format,
    percent: Format,
    red: Format,
    /// The assessor's cells: unlocked, pale blue, so they are told apart from the supplier's.
    review: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new()
            .set_font_name("Arial")
            .set_font_size(10)
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xA6A6A6));
        // Orange and grey as in the NHS workbook's headers and labels; answer cells pale yellow
        // so a reader sees at once where the supplier writes.
        let response = base
            .clone()
            .set_background_color(Color::RGB(0xFFFDE7))
            .set_unlocked();
        Formats {
            title: Format::new()
                .set_font_name("Arial")
                .set_font_size(14)
                .set_bold(),
            subtitle: Format::new()
                .set_font_name("Arial")
                .set_font_size(10)
                .set_italic()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            header: base
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xFAC090)),
            label: base
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xF2F2F2)),
            text: base.clone(),
            small: base
                .clone()
                .set_font_size(8)
                .set_font_color(Color::RGB(0x595959)),
            heading_row: base
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xDCE6F1)),
            response_date: response
                .clone()
                .set_num_format("dd/mm/yyyy")
                .set_align(FormatAlign::Left),
            response,
            locked_date: base
                .clone()
                .set_num_format("dd/mm/yyyy hh:mm")
                .set_align(FormatAlign::Left),
            number: base
                .clone()
                .set_num_format("#,##0")
                .set_align(FormatAlign::Right),
            percent: base
                .clone()
                .set_num_format("0%")
                .set_align(FormatAlign::Right),
            red: Format::new()
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006)),
            review: base
                .clone()
                .set_background_color(Color::RGB(0xE8F1FB))
                .set_unlocked(),
        }
    }
}

struct Book<'a> {
    snap: &'a Snapshot,
    /// Shared so a sheet can borrow a format while `self` records warnings.
    f: Rc<Formats>,
    names: SheetNames,
    expected: Vec<ExpectedCell>,
    written: Vec<WrittenCell>,
    warnings: Vec<ExportWarning>,
    /// Dropdown lists too long (or with commas) for an inline list: one column each.
    lists: Vec<Vec<String>>,
    lists_sheet: String,
    list_index: BTreeMap<Vec<String>, usize>,
    /// The current sheet's validations: (rule, row, col).
    rules: Vec<(Rule, u32, u16)>,
    /// The current sheet's comment cells that turn red: (comment col, response col, row).
    red_comments: Vec<(u16, u16, u32, Vec<String>)>,
    /// The current sheet's text cells: (row, col, length of each paragraph).
    cell_text: Vec<(u32, u16, Vec<u32>)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Rule {
    List { list: Vec<String>, warn: bool },
    Date,
}

/// Cells as Excel ranges ("G16:G24 G26:G28"), merging runs of rows in a column, and the
/// top-left cell (the one a relative formula is read from).
fn ranges(mut cells: Vec<(u32, u16)>) -> (String, (u32, u16)) {
    cells.sort_by_key(|&(r, c)| (c, r));
    cells.dedup();
    let first = cells.iter().copied().min().unwrap_or((0, 0));
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < cells.len() {
        let (start, col) = cells[i];
        let mut end = start;
        while i + 1 < cells.len() && cells[i + 1] == (end + 1, col) {
            end += 1;
            i += 1;
        }
        let letter = column_letter(col);
        out.push(if end == start {
            format!("{letter}{}", start + 1)
        } else {
            format!("{letter}{}:{letter}{}", start + 1, end + 1)
        });
        i += 1;
    }
    (out.join(" "), first)
}

impl<'a> Book<'a> {
    fn new(snap: &'a Snapshot) -> Book<'a> {
        let mut names = SheetNames::default();
        // Claimed first so no section can take the name the list formulas refer to.
        let lists_sheet = names.claim("Lists").0;
        Book {
            snap,
            f: Rc::new(Formats::new()),
            names,
            expected: Vec::new(),
            written: Vec::new(),
            warnings: Vec::new(),
            lists: Vec::new(),
            lists_sheet,
            list_index: BTreeMap::new(),
            rules: Vec::new(),
            red_comments: Vec::new(),
            cell_text: Vec::new(),
        }
    }

    fn warn(&mut self, item: Option<&str>, message: String) {
        self.warnings.push(ExportWarning {
            item: item.map(str::to_string),
            message,
        });
    }

    /// Text as Excel can hold it: cut at the cell limit, with a mark and a warning naming the item.
    fn fit(&mut self, text: &str, item: Option<&str>, what: &str) -> String {
        let units = text.encode_utf16().count();
        if units <= CELL_TEXT_MAX {
            return text.to_string();
        }
        let keep = CELL_TEXT_MAX - TRUNCATED_MARK.encode_utf16().count();
        let who = item
            .map(|i| format!(" of item \"{i}\""))
            .unwrap_or_default();
        self.warn(
            item,
            format!(
                "the {what}{who} has {units} characters, more than the 32,767 an Excel cell holds: the workbook shows the first {keep} and the PDF summary all of it"
            ),
        );
        format!("{}{TRUNCATED_MARK}", truncate_utf16(text, keep))
    }

    fn text(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        text: &str,
        format: &Format,
    ) -> Result<(), XlsxError> {
        let fitted = self.fit(text, None, "text");
        self.note(row, col, &fitted);
        ws.write_string_with_format(row, col, fitted, format)?;
        Ok(())
    }

    /// Remembers how long each paragraph of a cell is, to size its row (see `fit_rows`).
    fn note(&mut self, row: u32, col: u16, text: &str) {
        if text.len() > 8 || text.contains('\n') {
            let paragraphs = text
                .split('\n')
                .map(|p| u32::try_from(p.chars().count()).unwrap_or(u32::MAX))
                .collect();
            self.cell_text.push((row, col, paragraphs));
        }
    }

    /// Sets each row tall enough for its wrapped text. Neither Excel nor LibreOffice sizes rows
    /// of a generated file by itself, so without this long answers would show as one line.
    fn fit_rows(&mut self, ws: &mut Worksheet, widths: &[f64]) -> Result<(), XlsxError> {
        let mut lines: BTreeMap<u32, u32> = BTreeMap::new();
        for (row, col, paragraphs) in std::mem::take(&mut self.cell_text) {
            let width = widths.get(usize::from(col)).copied().unwrap_or(10.0);
            // Column widths count '0' digits of the default font; Arial 10 text runs about
            // 1.15 characters to one of them.
            let per_line = (width * 1.15).max(1.0);
            let n: u32 = paragraphs
                .iter()
                .map(|len| ((f64::from(*len) / per_line).ceil() as u32).max(1))
                .sum();
            let entry = lines.entry(row).or_insert(1);
            *entry = (*entry).max(n);
        }
        for (row, n) in lines {
            if n > 1 {
                ws.set_row_height(row, (f64::from(n) * 12.75 + 3.0).min(409.0))?;
            }
        }
        Ok(())
    }

    /// Writes an answer's text and records it for the read-back check.
    fn answer_text(
        &mut self,
        ws: &mut Worksheet,
        sheet: &str,
        (row, col): (u32, u16),
        item: &str,
        text: &str,
        what: &str,
    ) -> Result<(), XlsxError> {
        let fitted = self.fit(text, Some(item), what);
        self.note(row, col, &fitted);
        ws.write_string_with_format(row, col, &fitted, &self.f.response)?;
        if !fitted.is_empty() {
            self.expected.push(ExpectedCell {
                sheet: sheet.to_string(),
                row,
                col,
                item: item.to_string(),
                value: CellValue::Text(fitted),
            });
        }
        Ok(())
    }

    /// The response cell of one item: a real date for date items, else text; the template's
    /// placeholder where a choice is still unanswered, as the NHS workbook shows it.
    fn response_cell(
        &mut self,
        ws: &mut Worksheet,
        sheet: &str,
        at: (u32, u16),
        item: &Item,
    ) -> Result<(), XlsxError> {
        let value = self.snap.answer(&item.id).and_then(|a| a.value.clone());
        let options = item.options();
        let shown = match &value {
            Some(v) if !scal_core::answer::is_placeholder(&v.display()) => v.display(),
            _ if !options.is_empty() => self.snap.template.placeholder.clone(),
            _ => String::new(),
        };
        self.wrote(sheet, at, &item.id, "response", shown);
        match (&item.kind, value) {
            (ItemKind::Date { .. }, Some(Value::One(s))) => match scal_core::answer::parse_date(&s)
            {
                Some(d) => {
                    ws.write_datetime_with_format(
                        at.0,
                        at.1,
                        excel_date(d)?,
                        &self.f.response_date,
                    )?;
                    self.expected.push(ExpectedCell {
                        sheet: sheet.to_string(),
                        row: at.0,
                        col: at.1,
                        item: item.id.clone(),
                        value: CellValue::Date(d),
                    });
                }
                None => self.answer_text(ws, sheet, at, &item.id, &s, "response")?,
            },
            (_, Some(v)) if !scal_core::answer::is_placeholder(&v.display()) => {
                self.answer_text(ws, sheet, at, &item.id, &v.display(), "response")?;
            }
            _ if !options.is_empty() => {
                ws.write_string_with_format(
                    at.0,
                    at.1,
                    &self.snap.template.placeholder,
                    &self.f.response,
                )?;
            }
            _ => {
                ws.write_blank(at.0, at.1, &self.f.response)?;
            }
        }
        self.validation(at, item);
        Ok(())
    }

    /// The dropdown (or date rule) on a response cell, written when the sheet is finished.
    fn validation(&mut self, (row, col): (u32, u16), item: &Item) {
        let rule = match &item.kind {
            ItemKind::Date { .. } => Some(Rule::Date),
            _ => {
                let options = item.options();
                (!options.is_empty()).then(|| {
                    let mut list = vec![self.snap.template.placeholder.clone()];
                    list.extend(options);
                    // "Other: please state" is typed text, so it warns instead of refusing.
                    let warn = matches!(item.kind, ItemKind::Choice { other: true, .. });
                    Rule::List { list, warn }
                })
            }
        };
        if let Some(rule) = rule {
            self.rules.push((rule, row, col));
        }
    }

    /// Writes the sheet's validations and red-comment rules, each distinct rule once over all
    /// its cells: a 5,000-row table would otherwise carry 10,000 rules and open slowly.
    fn flush_rules(&mut self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        let mut groups: Vec<(Rule, Vec<(u32, u16)>)> = Vec::new();
        for (rule, row, col) in std::mem::take(&mut self.rules) {
            match groups.iter_mut().find(|(r, _)| *r == rule) {
                Some((_, cells)) => cells.push((row, col)),
                None => groups.push((rule, vec![(row, col)])),
            }
        }
        for (rule, cells) in groups {
            let dv = match rule {
                Rule::Date => DataValidation::new()
                    .allow_date(DataValidationRule::Between(
                        excel_date_ymd(1900, 1, 1)?,
                        excel_date_ymd(9999, 12, 31)?,
                    ))
                    .set_error_title("Not a date")?
                    .set_error_message("Enter a date, for example 30/04/2026.")?,
                Rule::List { list, warn } => {
                    let dv = self.list_validation(list)?;
                    if warn {
                        dv.set_error_style(DataValidationErrorStyle::Warning)
                    } else {
                        dv.set_error_title("Choose from the list")?
                            .set_error_message("Choose one of the responses in the dropdown.")?
                    }
                }
            };
            let (ranges, (r, c)) = ranges(cells);
            ws.add_data_validation(r, c, r, c, &dv.set_multi_range(ranges))?;
        }

        // (comment column, response column, unmet responses) -> the comment cells under it.
        type Columns = (u16, u16, Vec<String>);
        let mut red: Vec<(Columns, Vec<(u32, u16)>)> = Vec::new();
        for (comment_col, response_col, row, unmet) in std::mem::take(&mut self.red_comments) {
            let key = (comment_col, response_col, unmet);
            match red.iter_mut().find(|(k, _)| *k == key) {
                Some((_, cells)) => cells.push((row, comment_col)),
                None => red.push((key, vec![(row, comment_col)])),
            }
        }
        for ((comment_col, response_col, unmet), cells) in red {
            let (ranges, (first_row, _)) = ranges(cells);
            // Relative to the first cell of the ranges, as Excel reads a rule over many cells.
            let r = first_row + 1;
            let resp = column_letter(response_col);
            let tests: Vec<String> = unmet
                .iter()
                .map(|w| format!("${resp}{r}=\"{}\"", w.replace('"', "\"\"")))
                .collect();
            let answered = match tests.as_slice() {
                [one] => one.clone(),
                many => format!("OR({})", many.join(",")),
            };
            let rule = format!(
                "=AND({answered},LEN(TRIM(${com}{r}))=0)",
                com = column_letter(comment_col)
            );
            let cf = ConditionalFormatFormula::new()
                .set_rule(rule.as_str())
                .set_format(&self.f.red)
                .set_multi_range(ranges);
            ws.add_conditional_format(first_row, comment_col, first_row, comment_col, &cf)?;
        }
        Ok(())
    }

    /// An inline list where Excel allows one; otherwise a range on the hidden Lists sheet.
    fn list_validation(&mut self, list: Vec<String>) -> Result<DataValidation, XlsxError> {
        let joined: usize = list.iter().map(|s| s.encode_utf16().count() + 1).sum();
        let inline_ok = joined <= INLINE_LIST_MAX && !list.iter().any(|s| s.contains(','));
        if inline_ok {
            return DataValidation::new().allow_list_strings(&list);
        }
        let next = self.lists.len();
        let col = *self.list_index.entry(list.clone()).or_insert(next);
        if col == next {
            self.lists
                .push(list.iter().map(|s| self.fit_plain(s)).collect());
        }
        let len = self.lists[col].len();
        let letter = column_letter(u16::try_from(col).unwrap_or(u16::MAX));
        let range = format!(
            "='{}'!${letter}$1:${letter}${len}",
            self.lists_sheet.replace('\'', "''")
        );
        Ok(DataValidation::new().allow_list_formula(Formula::new(range)))
    }

    fn fit_plain(&self, s: &str) -> String {
        truncate_utf16(s, CELL_TEXT_MAX).to_string()
    }

    /// The comment cell, red when the answer is "No" (any response meaning not met or partly
    /// met: "Non-compliant", "Semi-compliant") and no mitigation is given (the NHS workbook's
    /// only built-in check, `AND($G21="No",$H21="")`).
    fn comment_cell(
        &mut self,
        ws: &mut Worksheet,
        sheet: &str,
        at: (u32, u16),
        response_col: u16,
        item: &Item,
    ) -> Result<(), XlsxError> {
        let comment = self
            .snap
            .answer(&item.id)
            .map(|a| a.comment.clone())
            .unwrap_or_default();
        self.answer_text(ws, sheet, at, &item.id, &comment, "comment")?;
        self.wrote(sheet, at, &item.id, "comment", comment);
        let mut unmet: Vec<String> = item
            .meanings()
            .into_iter()
            .filter(|(_, m)| matches!(m, Some(Meaning::NotMet | Meaning::PartlyMet)))
            .map(|(o, _)| o)
            .collect();
        // A plain choice offering "No" (HSCN connection) keeps the workbook's rule.
        if unmet.is_empty() && item.options().iter().any(|o| o == "No") {
            unmet.push("No".to_string());
        }
        if !unmet.is_empty() {
            self.red_comments.push((at.1, response_col, at.0, unmet));
        }
        Ok(())
    }

    /// Records a cell a returned copy is compared with.
    fn wrote(
        &mut self,
        sheet: &str,
        (row, col): (u32, u16),
        item: &str,
        role: &str,
        value: String,
    ) {
        self.written.push(WrittenCell {
            sheet: sheet.to_string(),
            cell: format!("{}{}", column_letter(col), row + 1),
            item: Some(item.to_string()),
            role: role.to_string(),
            value,
        });
    }

    /// The assessor's cell of an item: blank, unlocked, recorded.
    fn review_cell(
        &mut self,
        ws: &mut Worksheet,
        sheet: &str,
        at: (u32, u16),
        item: &str,
    ) -> Result<(), XlsxError> {
        ws.write_blank(at.0, at.1, &self.f.review)?;
        self.wrote(sheet, at, item, "review", String::new());
        Ok(())
    }

    fn evidence_names(&self, item: &str) -> String {
        self.snap
            .files_of(item)
            .iter()
            .map(|f| f.pack_name.clone())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn summary_sheet(&mut self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        let f = Rc::clone(&self.f);
        let snap = self.snap;
        let t = &snap.template;
        ws.write_string_with_format(
            0,
            0,
            "Supplier Conformance Assessment List (SCAL)",
            &self.f.title,
        )?;
        ws.write_string_with_format(1, 0, self.fit_plain(&t.title), &self.f.subtitle)?;
        let id = &snap.identity;
        let dash = || "\u{2014}".to_string();
        let facts: Vec<(&str, String)> = vec![
            ("Supplier", id.supplier.clone().unwrap_or_else(dash)),
            ("Product", id.product.clone().unwrap_or_else(dash)),
            (
                "Product version",
                id.product_version.clone().unwrap_or_else(dash),
            ),
            ("Template", format!("{} ({})", t.title, t.publisher)),
            ("Template id and version", format!("{} {}", t.id, t.version)),
            ("Draft id", snap.draft_id.clone()),
            ("Answers digest (SHA-256)", snap.answers_digest.clone()),
            ("Exported by", format!("SCAL Workbench {TOOL_VERSION}")),
        ];
        let mut row = 3;
        for (k, v) in facts {
            ws.write_string_with_format(row, 0, k, &self.f.label)?;
            self.text(ws, row, 1, &v, &f.text)?;
            row += 1;
        }
        ws.write_string_with_format(row, 0, "Exported at (UTC)", &self.f.label)?;
        ws.write_datetime_with_format(
            row,
            1,
            excel_datetime(snap.exported_at)?,
            &self.f.locked_date,
        )?;
        row += 1;
        ws.write_string_with_format(row, 0, "Completeness checked on", &self.f.label)?;
        ws.write_datetime_with_format(
            row,
            1,
            excel_date(snap.today)?,
            &f.locked_date.clone().set_num_format("dd/mm/yyyy"),
        )?;
        row += 1;
        let p = &snap.report.progress;
        ws.write_string_with_format(row, 0, "Overall completeness", &self.f.label)?;
        ws.write_number_with_format(row, 1, p.percent / 100.0, &self.f.percent)?;
        row += 1;
        let count = |s| {
            snap.report
                .issues
                .iter()
                .filter(|i| i.severity == s)
                .count()
        };
        ws.write_string_with_format(row, 0, "Ready to submit", &self.f.label)?;
        let ready = if snap.report.complete {
            "Yes: no blocking issues".to_string()
        } else {
            format!(
                "No: {} blocking issue(s) outstanding",
                count(Severity::Blocking)
            )
        };
        ws.write_string_with_format(row, 1, ready, &self.f.text)?;
        row += 1;
        for (label, text, _) in snap.signoff_lines() {
            ws.write_string_with_format(row, 0, label, &self.f.label)?;
            self.text(ws, row, 1, &text, &f.text)?;
            row += 1;
        }
        row += 1;

        let head = [
            "Section", "Status", "Answered", "Required", "Progress", "Blocking", "Warnings",
        ];
        for (c, h) in head.iter().enumerate() {
            self.note(row, col_num(c), h);
            ws.write_string_with_format(row, col_num(c), *h, &self.f.header)?;
        }
        let first = row + 1;
        for s in &p.sections {
            row += 1;
            let status = snap
                .statuses
                .get(&s.section)
                .map(|st| st.status.clone())
                .unwrap_or_default();
            self.text(ws, row, 0, &s.title, &f.label)?;
            ws.write_string_with_format(row, 1, status, &self.f.text)?;
            ws.write_number_with_format(row, 2, s.answered as f64, &self.f.number)?;
            ws.write_number_with_format(row, 3, s.total as f64, &self.f.number)?;
            ws.write_number_with_format(row, 4, s.percent / 100.0, &self.f.percent)?;
            ws.write_number_with_format(row, 5, s.blocking as f64, &self.f.number)?;
            ws.write_number_with_format(row, 6, s.warnings as f64, &self.f.number)?;
        }
        if row >= first {
            ws.add_conditional_format(first, 4, row, 4, &ConditionalFormatDataBar::new())?;
        }
        row += 2;

        ws.write_string_with_format(row, 0, "Outstanding issues", &self.f.title)?;
        row += 1;
        for (c, h) in ["Severity", "Section", "Item", "Issue"].iter().enumerate() {
            self.note(row, col_num(c), h);
            ws.write_string_with_format(row, col_num(c), *h, &self.f.header)?;
        }
        if snap.report.issues.is_empty() {
            row += 1;
            ws.write_string_with_format(row, 0, "None", &self.f.text)?;
        }
        for issue in &snap.report.issues {
            row += 1;
            let severity = match issue.severity {
                Severity::Blocking => "Blocking",
                Severity::Warning => "Warning",
            };
            let section = t
                .section(&issue.section)
                .map(|s| s.title.clone())
                .unwrap_or_else(|| issue.section.clone());
            ws.write_string_with_format(row, 0, severity, &self.f.text)?;
            self.text(ws, row, 1, &section, &f.text)?;
            self.text(ws, row, 2, &issue.item, &f.text)?;
            self.text(ws, row, 3, &issue.message, &f.text)?;
        }

        for (c, w) in [30.0, 60.0, 12.0, 12.0, 12.0, 12.0, 12.0]
            .iter()
            .enumerate()
        {
            ws.set_column_width(col_num(c), *w)?;
        }
        // The issue text sits in column D: give it room without widening the facts table.
        ws.set_column_width(3, 70.0)?;
        self.fit_rows(ws, &[30.0, 60.0, 12.0, 70.0, 12.0, 12.0, 12.0])?;
        print_setup(ws, "Summary")?;
        ws.set_freeze_panes(1, 0)?;
        ws.protect();
        Ok(())
    }

    /// Form and guidance sections: Item | Guidance | Response | Comment | Evidence | Item ID.
    fn form_sheet(
        &mut self,
        ws: &mut Worksheet,
        sheet: &str,
        section: &Section,
    ) -> Result<(), XlsxError> {
        let f = Rc::clone(&self.f);
        const RESPONSE: u16 = 2;
        const COMMENT: u16 = 3;
        const EVIDENCE: u16 = 4;
        const REVIEW: u16 = 5;
        const ID: u16 = 6;
        ws.write_string_with_format(0, 0, self.fit_plain(&section.title), &self.f.title)?;
        let mut row = 1;
        if !section.description.is_empty() {
            let d = self.fit_plain(&section.description);
            ws.merge_range(1, 0, 1, COMMENT, &d, &self.f.subtitle)?;
            row = 2;
        }
        if section.has_status {
            row = self.status_row(ws, sheet, row, section)?;
        }
        let header_row = row;
        let headers = [
            "Item",
            "Guidance",
            "Response",
            "Comments (required when the response is 'No')",
            "Evidence",
            REVIEW_HEADER,
            "Item ID",
        ];
        for (c, h) in headers.iter().enumerate() {
            self.note(row, col_num(c), h);
            ws.write_string_with_format(row, col_num(c), *h, &self.f.header)?;
        }
        for item in &section.items {
            row += 1;
            self.text(ws, row, ID, &item.id, &f.small)?;
            if let ItemKind::Guidance { heading: true, .. } = &item.kind {
                let text = self.fit(&join_nonempty(&[&item.label, &item.text]), None, "heading");
                // Sized as if in the widest column it spans: a merged cell wraps across all of them.
                self.note(row, 1, &text);
                ws.merge_range(row, 0, row, EVIDENCE, &text, &self.f.heading_row)?;
                continue;
            }
            self.text(ws, row, 0, &item.label, &f.label)?;
            let item_row = row;
            let guidance = join_nonempty(&[&item.text, &item.guidance]);
            self.text(ws, row, 1, &guidance, &f.text)?;
            let files = self.evidence_names(&item.id);
            self.text(ws, row, EVIDENCE, &files, &f.text)?;
            match &item.kind {
                ItemKind::EvidenceSlot => {
                    ws.write_blank(row, RESPONSE, &self.f.text)?;
                    ws.write_blank(row, COMMENT, &self.f.text)?;
                }
                ItemKind::Guidance {
                    acknowledge: false, ..
                } => {
                    ws.write_blank(row, RESPONSE, &self.f.text)?;
                    ws.write_blank(row, COMMENT, &self.f.text)?;
                }
                ItemKind::MultiChoice { options, other } => {
                    ws.write_blank(row, RESPONSE, &self.f.text)?;
                    self.comment_cell(ws, sheet, (row, COMMENT), RESPONSE, item)?;
                    row = self.multi_choice_rows(ws, sheet, row, item, options, *other)?;
                }
                _ => {
                    self.response_cell(ws, sheet, (row, RESPONSE), item)?;
                    self.comment_cell(ws, sheet, (row, COMMENT), RESPONSE, item)?;
                }
            }
            self.review_cell(ws, sheet, (item_row, REVIEW), &item.id)?;
        }
        let widths = [36.0, 70.0, 28.0, 40.0, 28.0, 30.0, 14.0];
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(col_num(c), *w)?;
        }
        self.fit_rows(ws, &widths)?;
        ws.set_freeze_panes(header_row + 1, 0)?;
        ws.set_repeat_rows(header_row, header_row)?;
        print_setup(ws, &section.title)?;
        self.flush_rules(ws)?;
        protect(ws);
        Ok(())
    }

    /// A multi-choice item as the NHS workbook lays it out: one row per option with a
    /// "Yes" dropdown, and "Other" as a free-text row.
    fn multi_choice_rows(
        &mut self,
        ws: &mut Worksheet,
        sheet: &str,
        mut row: u32,
        item: &Item,
        options: &[String],
        other: bool,
    ) -> Result<u32, XlsxError> {
        let f = Rc::clone(&self.f);
        let chosen: Vec<String> = match self.snap.answer(&item.id).and_then(|a| a.value.clone()) {
            Some(Value::Many(v)) => v,
            Some(Value::One(s)) => vec![s],
            None => Vec::new(),
        };
        let yes_list = vec![self.snap.template.placeholder.clone(), "Yes".to_string()];
        for option in options {
            row += 1;
            ws.write_blank(row, 0, &self.f.label)?;
            self.text(ws, row, 1, &format!("    {option}"), &f.text)?;
            if chosen.iter().any(|c| c == option) {
                self.answer_text(ws, sheet, (row, 2), &item.id, "Yes", "response")?;
            } else {
                ws.write_string_with_format(
                    row,
                    2,
                    &self.snap.template.placeholder,
                    &self.f.response,
                )?;
            }
            self.rules.push((
                Rule::List {
                    list: yes_list.clone(),
                    warn: false,
                },
                row,
                2,
            ));
        }
        if other {
            row += 1;
            ws.write_blank(row, 0, &self.f.label)?;
            ws.write_string_with_format(
                row,
                1,
                format!("    {OTHER} (please state)"),
                &self.f.text,
            )?;
            let stated: Vec<String> = chosen
                .iter()
                .filter_map(|c| {
                    scal_core::answer::other_text(c).map(|t| {
                        if t.is_empty() {
                            "Yes".to_string()
                        } else {
                            t.to_string()
                        }
                    })
                })
                .collect();
            if stated.is_empty() {
                ws.write_blank(row, 2, &self.f.response)?;
            } else {
                self.answer_text(
                    ws,
                    sheet,
                    (row, 2),
                    &item.id,
                    &stated.join("; "),
                    "response",
                )?;
            }
        }
        Ok(row)
    }

    fn status_row(
        &mut self,
        ws: &mut Worksheet,
        sheet: &str,
        row: u32,
        section: &Section,
    ) -> Result<u32, XlsxError> {
        ws.write_string_with_format(row, 0, "Status", &self.f.label)?;
        let status = self
            .snap
            .statuses
            .get(&section.id)
            .map(|s| s.status.clone());
        match status {
            Some(s) => {
                let fitted = self.fit(&s, None, "status");
                ws.write_string_with_format(row, 1, &fitted, &self.f.response)?;
                self.expected.push(ExpectedCell {
                    sheet: sheet.to_string(),
                    row,
                    col: 1,
                    item: format!("{} (status)", section.id),
                    value: CellValue::Text(fitted),
                });
            }
            None => {
                ws.write_string_with_format(
                    row,
                    1,
                    &self.snap.template.placeholder,
                    &self.f.response,
                )?;
            }
        }
        let list = vec![
            self.snap.template.placeholder.clone(),
            "In Progress".to_string(),
            "Complete".to_string(),
        ];
        self.rules.push((Rule::List { list, warn: false }, row, 1));
        Ok(row + 2)
    }

    /// A technical conformance tab: Status, evidence slots, the declaration block, then the
    /// requirements table in the template's columns.
    fn service_sheet(
        &mut self,
        ws: &mut Worksheet,
        sheet: &str,
        section: &Section,
    ) -> Result<(), XlsxError> {
        let f = Rc::clone(&self.f);
        let mut columns = table_columns(section);
        // The assessor's column: the template's own (GP Connect's "NHS Digital Review"), else one
        // added for them.
        let review_at = match columns
            .iter()
            .position(|c| c.field == ColumnField::Reviewer)
        {
            Some(i) => i,
            None => {
                columns.push(Column {
                    field: ColumnField::Reviewer,
                    header: REVIEW_HEADER.to_string(),
                });
                columns.len() - 1
            }
        };
        let review_col = col_num(review_at);
        let id_col = col_num(columns.len());
        // The declaration block uses the first four columns; its review cells go in the
        // table's review column when that is right of them.
        let block_review = if review_col >= 4 {
            review_col
        } else {
            id_col + 1
        };
        let title = format!("{} : Technical Conformance", section.title);
        ws.write_string_with_format(0, 0, self.fit_plain(&title), &self.f.title)?;
        let mut row = 2;
        if !section.description.is_empty() {
            let d = self.fit_plain(&section.description);
            ws.merge_range(1, 0, 1, 3, &d, &self.f.subtitle)?;
            row = 3;
        }
        if section.has_status {
            row = self.status_row(ws, sheet, row, section)?;
        }

        let slots: Vec<&Item> = section
            .items
            .iter()
            .filter(|i| matches!(i.kind, ItemKind::EvidenceSlot))
            .collect();
        if !slots.is_empty() {
            for (c, h) in [
                "Evidence",
                "Files (in the pack's evidence folder)",
                "SHA-256",
            ]
            .iter()
            .enumerate()
            {
                self.note(row, col_num(c), h);
                ws.write_string_with_format(row, col_num(c), *h, &self.f.header)?;
            }
            for slot in slots {
                row += 1;
                self.text(ws, row, id_col, &slot.id, &f.small)?;
                self.text(ws, row, 0, &slot.label, &f.label)?;
                let files = self.snap.files_of(&slot.id);
                let names: Vec<String> = files.iter().map(|f| f.pack_name.clone()).collect();
                let hashes: Vec<String> = files.iter().map(|f| f.sha256.clone()).collect();
                let names = if names.is_empty() {
                    "Not attached yet".to_string()
                } else {
                    names.join("\n")
                };
                self.text(ws, row, 1, &names, &f.text)?;
                self.text(ws, row, 2, &hashes.join("\n"), &f.small)?;
            }
            row += 2;
        }

        // Declarations, and any other question asked outside the requirements table; a guidance
        // row goes with the next question it introduces.
        let (block, table_items) = split_service_items(section);
        if !block.is_empty() {
            let headers = [
                "Item",
                "Detail",
                "Declaration:\nYes / No (please select)",
                "ONLY if 'No', please provide detail of mitigating actions or exceptions below",
            ];
            for (c, h) in headers.iter().enumerate() {
                self.note(row, col_num(c), h);
                ws.write_string_with_format(row, col_num(c), *h, &self.f.header)?;
            }
            ws.write_string_with_format(row, block_review, REVIEW_HEADER, &self.f.header)?;
            for item in block {
                row += 1;
                self.text(ws, row, id_col, &item.id, &f.small)?;
                if let ItemKind::Guidance {
                    acknowledge: false, ..
                } = item.kind
                {
                    let text = self.fit(
                        &join_nonempty(&[&item.label, &item.text, &item.guidance]),
                        None,
                        "guidance",
                    );
                    // Sized as if in the widest column it spans: a merged cell wraps across all of them.
                    self.note(row, 1, &text);
                    ws.merge_range(row, 0, row, 3, &text, &self.f.heading_row)?;
                    continue;
                }
                self.text(ws, row, 0, &item.label, &f.label)?;
                self.text(
                    ws,
                    row,
                    1,
                    &join_nonempty(&[&item.text, &item.guidance]),
                    &f.text,
                )?;
                self.review_cell(ws, sheet, (row, block_review), &item.id)?;
                if let ItemKind::MultiChoice { options, other } = &item.kind {
                    ws.write_blank(row, 2, &self.f.text)?;
                    self.comment_cell(ws, sheet, (row, 3), 2, item)?;
                    row = self.multi_choice_rows(ws, sheet, row, item, options, *other)?;
                } else {
                    self.response_cell(ws, sheet, (row, 2), item)?;
                    self.comment_cell(ws, sheet, (row, 3), 2, item)?;
                }
            }
            row += 2;
        }

        let header_row = row;
        for (c, column) in columns.iter().enumerate() {
            ws.write_string_with_format(
                row,
                col_num(c),
                self.fit_plain(&column.header),
                &self.f.header,
            )?;
        }
        ws.write_string_with_format(row, id_col, "Item ID", &self.f.header)?;
        let response_col = columns
            .iter()
            .position(|c| c.field == ColumnField::Response)
            .map(col_num)
            .unwrap_or(0);
        for item in table_items {
            row += 1;
            self.text(ws, row, id_col, &item.id, &f.small)?;
            match &item.kind {
                ItemKind::Requirement(_)
                | ItemKind::Guidance {
                    acknowledge: true, ..
                } => {
                    for (c, column) in columns.iter().enumerate() {
                        let col = col_num(c);
                        match column.field {
                            ColumnField::Response => {
                                self.response_cell(ws, sheet, (row, col), item)?
                            }
                            ColumnField::Comment => {
                                self.comment_cell(ws, sheet, (row, col), response_col, item)?
                            }
                            ColumnField::Reviewer if col == review_col => {
                                self.review_cell(ws, sheet, (row, col), &item.id)?;
                            }
                            ColumnField::Reviewer => {
                                ws.write_blank(row, col, &self.f.review)?;
                            }
                            ColumnField::ImplementationReference | ColumnField::TestReference => {
                                ws.write_blank(row, col, &self.f.response)?;
                            }
                            ColumnField::Evidence => {
                                let files = self.evidence_names(&item.id);
                                self.text(ws, row, col, &files, &f.text)?;
                            }
                            field => {
                                let text = requirement_field(item, field);
                                let format = if field == ColumnField::Label {
                                    self.f.label.clone()
                                } else {
                                    self.f.text.clone()
                                };
                                self.text(ws, row, col, &text, &format)?;
                            }
                        }
                    }
                }
                _ => {
                    // A heading ("A001: Create Professional Session (POST)") or guidance row
                    // spans the table, as the e-RS tabs show them.
                    let text = self.fit(
                        &join_nonempty(&[&item.label, &item.text, &item.guidance]),
                        None,
                        "guidance",
                    );
                    let last = id_col.saturating_sub(1);
                    if last == 0 {
                        ws.write_string_with_format(row, 0, &text, &self.f.heading_row)?;
                    } else {
                        // Sized as if in the widest column it spans: a merged cell wraps across all of them.
                        self.note(row, 1, &text);
                        ws.merge_range(row, 0, row, last, &text, &self.f.heading_row)?;
                    }
                }
            }
        }

        let mut widths: Vec<f64> = columns.iter().map(|c| column_width(c.field)).collect();
        // The declaration block shares the first four columns: keep them readable there too.
        for (i, min) in [24.0, 60.0, 20.0, 40.0].iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = w.max(*min);
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(col_num(c), *w)?;
        }
        ws.set_column_width(id_col, 14.0)?;
        widths.push(14.0);
        self.fit_rows(ws, &widths)?;
        // Frozen headers only help while the rows above the table fit on a screen; a taller
        // frozen block would hide the requirements entirely, so then only the title stays.
        if header_row <= 16 {
            ws.set_freeze_panes(header_row + 1, 0)?;
        } else {
            ws.set_freeze_panes(1, 0)?;
        }
        ws.set_repeat_rows(header_row, header_row)?;
        if row > header_row {
            ws.autofilter(header_row, 0, row, id_col)?;
        }
        print_setup(ws, &section.title)?;
        self.flush_rules(ws)?;
        protect(ws);
        Ok(())
    }

    fn evidence_sheet(&mut self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        let snap = self.snap;
        ws.write_string_with_format(0, 0, "Evidence index", &self.f.title)?;
        ws.write_string_with_format(
            1,
            0,
            "Every file linked in the draft, once per content. The files are in the pack's evidence folder; verify them with the SHA-256.",
            &self.f.subtitle,
        )?;
        let headers = [
            "File (in the pack)",
            "Attached as",
            "Media type",
            "Size (bytes)",
            "SHA-256",
            "Supports items",
            "Added",
            "Added by",
            "Document dated",
            "Valid until",
        ];
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(3, col_num(c), *h, &self.f.header)?;
        }
        let mut row = 3;
        for file in &snap.files {
            row += 1;
            let items: Vec<String> = file
                .items
                .iter()
                .map(|id| match snap.template.item(id) {
                    Some((_, item)) => format!("{id} ({})", item.label),
                    None => id.clone(),
                })
                .collect();
            let first = snap.links.iter().find(|l| l.file.sha256 == file.sha256);
            let f = self.f.text.clone();
            self.text(ws, row, 0, &file.pack_name, &f)?;
            self.text(ws, row, 1, &file.original_name, &f)?;
            self.text(ws, row, 2, &file.media_type, &f)?;
            ws.write_number_with_format(row, 3, file.size as f64, &self.f.number)?;
            ws.write_string_with_format(row, 4, &file.sha256, &self.f.small)?;
            self.text(ws, row, 5, &items.join("\n"), &f)?;
            match first.and_then(|l| DateTime::parse_from_rfc3339(&l.file.added_at).ok()) {
                Some(at) => {
                    ws.write_datetime_with_format(
                        row,
                        6,
                        excel_datetime(at.with_timezone(&Utc))?,
                        &self.f.locked_date,
                    )?;
                }
                None => {
                    let at = first.map(|l| l.file.added_at.clone()).unwrap_or_default();
                    self.text(ws, row, 6, &at, &f)?;
                }
            }
            let by = first.map(|l| l.file.added_by.clone()).unwrap_or_default();
            self.text(ws, row, 7, &by, &f)?;
            let iso = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            self.text(ws, row, 8, &iso(file.dates.dated), &f)?;
            self.text(ws, row, 9, &iso(file.dates.valid_until), &f)?;
        }
        if snap.files.is_empty() {
            ws.write_string_with_format(
                4,
                0,
                "No evidence is linked in this draft.",
                &self.f.text,
            )?;
        }
        let widths = [32.0, 32.0, 22.0, 14.0, 52.0, 44.0, 17.0, 16.0, 15.0, 15.0];
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(col_num(c), *w)?;
        }
        self.fit_rows(ws, &widths)?;
        ws.set_freeze_panes(4, 0)?;
        ws.set_repeat_rows(3, 3)?;
        print_setup(ws, "Evidence")?;
        protect(ws);
        Ok(())
    }

    /// The appendix of answers template upgrades archived (to items a newer template removed,
    /// or values it no longer accepts), each with the wording it answered and where it went if
    /// it was restored. Their values are read back like answers: an archive is not to be lost.
    fn response_sheet(
        &mut self,
        ws: &mut Worksheet,
        response: &crate::snapshot::ReviewResponse,
    ) -> Result<(), XlsxError> {
        ws.write_string_with_format(0, 0, RESPONSE_SHEET, &self.f.title)?;
        let reviewed = response
            .submitted_at
            .as_deref()
            .map(|at| format!(" since the submission of {}", at.get(..10).unwrap_or(at)))
            .unwrap_or_default();
        let intro = format!(
            "Every review remark, the supplier's reply and what changed on the item{reviewed}. Returned workbooks read: {}.",
            response
                .imports
                .iter()
                .map(|i| format!("{} (from {}, {})", i.file_name, i.reviewer, i.at.get(..10).unwrap_or(&i.at)))
                .collect::<Vec<_>>()
                .join("; ")
        );
        let intro = self.fit_plain(&intro);
        ws.merge_range(1, 0, 1, 5, &intro, &self.f.subtitle)?;
        let headers = [
            "Item",
            "Remark",
            "Reply",
            "What changed",
            "Open or resolved",
            "Item ID",
        ];
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(3, col_num(c), *h, &self.f.header)?;
        }
        let f = self.f.text.clone();
        let mut row = 3;
        for r in &response.rows {
            row += 1;
            self.text(ws, row, 0, &r.label, &self.f.label.clone())?;
            self.text(ws, row, 1, &r.remark, &f)?;
            self.text(ws, row, 2, &r.reply, &f)?;
            self.text(ws, row, 3, &r.changed, &f)?;
            let state = if r.resolved { "Resolved" } else { "Open" };
            self.text(ws, row, 4, state, &f)?;
            self.text(ws, row, 5, &r.item, &self.f.small.clone())?;
        }
        let widths = [30.0, 50.0, 50.0, 36.0, 14.0, 14.0];
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(col_num(c), *w)?;
        }
        self.fit_rows(ws, &widths)?;
        ws.set_freeze_panes(4, 0)?;
        ws.set_repeat_rows(3, 3)?;
        print_setup(ws, RESPONSE_SHEET)?;
        protect(ws);
        Ok(())
    }

    fn archived_sheet(&mut self, ws: &mut Worksheet, sheet: &str) -> Result<(), XlsxError> {
        let snap = self.snap;
        let title = snap.archived_title();
        ws.write_string_with_format(0, 0, &title, &self.f.title)?;
        ws.write_string_with_format(
            1,
            0,
            "Answers kept when a template upgrade removed their item or no longer accepted them. They are not part of the answers above; \"Restored to\" names the item an answer was put back on.",
            &self.f.subtitle,
        )?;
        let headers = [
            "Item",
            "Label",
            "Wording answered",
            "Answer",
            "Comment",
            "Evidence (SHA-256)",
            "From template",
            "Archived",
            "Archived by",
            "Restored to",
        ];
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(3, col_num(c), *h, &self.f.header)?;
        }
        let mut row = 3;
        for a in &snap.archived {
            row += 1;
            let f = self.f.text.clone();
            let item = format!("archived {}: {}", a.id, a.item);
            self.text(ws, row, 0, &a.item, &f)?;
            self.text(ws, row, 1, &a.label, &f)?;
            self.text(ws, row, 2, &a.text, &f)?;
            let value = a.value.as_ref().map(Value::display).unwrap_or_default();
            self.answer_text(ws, sheet, (row, 3), &item, &value, "archived answer")?;
            self.answer_text(ws, sheet, (row, 4), &item, &a.comment, "archived comment")?;
            let files: Vec<String> = a
                .evidence
                .iter()
                .map(|e| format!("{} ({})", e.file_name, e.sha256))
                .collect();
            self.text(ws, row, 5, &files.join("\n"), &f)?;
            self.text(
                ws,
                row,
                6,
                &format!("{} {}", a.template_id, a.template_version),
                &f,
            )?;
            match DateTime::parse_from_rfc3339(&a.archived_at) {
                Ok(at) => {
                    ws.write_datetime_with_format(
                        row,
                        7,
                        excel_datetime(at.with_timezone(&Utc))?,
                        &self.f.locked_date,
                    )?;
                }
                Err(_) => self.text(ws, row, 7, &a.archived_at, &f)?,
            }
            self.text(ws, row, 8, &a.archived_by, &f)?;
            let restored = a
                .restored
                .as_ref()
                .map(|r| r.to.clone())
                .unwrap_or_default();
            self.text(ws, row, 9, &restored, &f)?;
        }
        let widths = [18.0, 26.0, 48.0, 24.0, 36.0, 40.0, 20.0, 17.0, 16.0, 18.0];
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(col_num(c), *w)?;
        }
        self.fit_rows(ws, &widths)?;
        ws.set_freeze_panes(4, 0)?;
        ws.set_repeat_rows(3, 3)?;
        print_setup(ws, &title)?;
        protect(ws);
        Ok(())
    }
}

/// Splits a service section's items between the block above the requirements table
/// (declarations and other questions) and the table (requirements). A guidance row belongs
/// with the next question after it; evidence slots are in neither.
fn split_service_items(section: &Section) -> (Vec<&Item>, Vec<&Item>) {
    let in_table = |i: &Item| matches!(i.kind, ItemKind::Requirement(_));
    let (mut block, mut table) = (Vec::new(), Vec::new());
    let mut pending: Vec<&Item> = Vec::new();
    for item in &section.items {
        match &item.kind {
            ItemKind::EvidenceSlot => {}
            ItemKind::Guidance {
                acknowledge: false, ..
            } => pending.push(item),
            _ => {
                let zone = if in_table(item) {
                    &mut table
                } else {
                    &mut block
                };
                zone.append(&mut pending);
                zone.push(item);
            }
        }
    }
    table.append(&mut pending);
    (block, table)
}

/// The requirements table's columns: the template's, or the NHS template's layout A; always
/// with a Response and a Comment column so no answer is left out.
fn table_columns(section: &Section) -> Vec<Column> {
    let col = |field, header: &str| Column {
        field,
        header: header.to_string(),
    };
    let mut columns = if section.columns.is_empty() {
        vec![
            col(ColumnField::Reference, "Category / Requirement"),
            col(ColumnField::Label, "Item"),
            col(ColumnField::Text, "Detail"),
            col(ColumnField::HowAssessed, "How requirement will be assessed"),
            col(ColumnField::Level, "Type"),
            col(ColumnField::ActionedBy, "Actioned By"),
            col(
                ColumnField::Response,
                "Compliant\nYes/No (please select)\nIf 'No' please provide detail of mitigating actions or exceptions in the Statements column",
            ),
            col(ColumnField::Comment, "Statements\nAdditional Notes / References"),
        ]
    } else {
        section.columns.clone()
    };
    if !columns.iter().any(|c| c.field == ColumnField::Response) {
        columns.push(col(ColumnField::Response, "Compliant"));
    }
    if !columns.iter().any(|c| c.field == ColumnField::Comment) {
        columns.push(col(ColumnField::Comment, "Additional notes"));
    }
    columns
}

fn column_width(field: ColumnField) -> f64 {
    match field {
        ColumnField::Reference => 16.0,
        ColumnField::Category => 18.0,
        ColumnField::Label => 28.0,
        ColumnField::Text => 60.0,
        ColumnField::Guidance => 40.0,
        ColumnField::HowAssessed => 24.0,
        ColumnField::Level => 9.0,
        ColumnField::ActionedBy => 13.0,
        ColumnField::TestCases => 40.0,
        ColumnField::EvidenceExpected => 30.0,
        ColumnField::Response => 20.0,
        ColumnField::Comment => 40.0,
        ColumnField::ImplementationReference => 20.0,
        ColumnField::TestReference => 16.0,
        ColumnField::Evidence => 30.0,
        ColumnField::Reviewer => 24.0,
    }
}

/// The text a requirement shows in one of its descriptive columns.
pub fn requirement_field(item: &Item, field: ColumnField) -> String {
    let r = item.requirement();
    match field {
        ColumnField::Reference => r
            .and_then(|r| r.reference.clone())
            .unwrap_or_else(|| r.map(|r| r.category.clone()).unwrap_or_default()),
        ColumnField::Category => r.map(|r| r.category.clone()).unwrap_or_default(),
        ColumnField::Label => item.label.clone(),
        ColumnField::Text => item.text.clone(),
        ColumnField::Guidance => item.guidance.clone(),
        ColumnField::HowAssessed => r.map(|r| r.how_assessed.clone()).unwrap_or_default(),
        ColumnField::Level => {
            r.map(|r| r.level.as_str().to_string())
                .unwrap_or_else(|| match &item.kind {
                    ItemKind::Guidance { .. } => ACKNOWLEDGED.to_string(),
                    _ => String::new(),
                })
        }
        ColumnField::ActionedBy => r.map(|r| r.actioned_by.clone()).unwrap_or_default(),
        ColumnField::TestCases => r.map(|r| r.test_cases.join("\n")).unwrap_or_default(),
        ColumnField::EvidenceExpected => r.map(|r| r.evidence_expected.clone()).unwrap_or_default(),
        _ => String::new(),
    }
}

fn print_setup(ws: &mut Worksheet, title: &str) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    // '&' starts a header code in Excel, so a title's own ampersands are doubled.
    let title = truncate_utf16(&title.replace('&', "&&"), 200).to_string();
    ws.set_header(format!(
        "&L&\"Arial,Bold\"{title}&R&\"Arial\"SCAL Workbench export"
    ));
    ws.set_footer("&L&\"Arial\"&A&R&\"Arial\"Page &P of &N");
    Ok(())
}

/// Guidance and requirement text is locked; the response cells (formatted unlocked) stay
/// editable, and a reviewer may still resize, filter and add notes.
fn protect(ws: &mut Worksheet) {
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        use_autofilter: true,
        sort: false,
        ..ProtectionOptions::default()
    };
    ws.protect_with_options(&options);
}

fn join_nonempty(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

pub fn column_letter(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

fn col_num(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn row_num(i: usize) -> Result<u32, XlsxError> {
    u32::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}

fn excel_date_ymd(y: u16, m: u8, d: u8) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(y, m, d)
}

pub fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    // Month and day come from a valid date: always 1..=12 and 1..=31.
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)
}

fn excel_datetime(t: DateTime<Utc>) -> Result<ExcelDateTime, XlsxError> {
    excel_date(t.date_naive())?.and_hms(t.hour() as u16, t.minute() as u8, t.second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_excel() {
        for (col, letters) in [
            (0, "A"),
            (7, "H"),
            (25, "Z"),
            (26, "AA"),
            (701, "ZZ"),
            (702, "AAA"),
        ] {
            assert_eq!(column_letter(col), letters);
        }
    }
}
