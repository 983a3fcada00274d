//! Filling the workbook a template was imported from: its answers, comments, evidence
//! references and section statuses written into their remembered cells, everything else left
//! exactly as it was, and the result read back with calamine before it is put in place.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Write as _};
use std::path::Path;

use calamine::{Data, Reader as _, Xlsx};
use scal_core::answer::{is_placeholder, other_text};
use scal_core::template::{parse_cell_ref, ItemCells};
use scal_core::{Answers, ItemKind, Template, Value};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::error::{io_reason, WorkbookError};
use crate::ooxml::{read_rels, read_workbook_xml, workbook_part};
use crate::package::{zip_reason, Package};
use crate::patch::{cells_in_use, patch_shared_strings, patch_sheet_styled, style_at, Stored};
use crate::table::grow_table;

/// The most characters an Excel cell holds, counted as Excel counts them (UTF-16 code units:
/// an emoji counts two); longer text is cut, with a warning.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Cuts `value` on a character boundary to the [`MAX_CELL_CHARS`] UTF-16 code units an Excel
/// cell holds; true when it was cut.
fn cut_to_cell_limit(value: &mut String) -> bool {
    let mut units = 0;
    for (at, c) in value.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL_CHARS {
            value.truncate(at);
            return true;
        }
    }
    false
}

/// One evidence file linked to an item: its name (as the reviewer will find it, e.g. in the
/// pack) and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRef {
    pub item: String,
    pub file_name: String,
    pub sha256: String,
}

/// What a fill writes.
#[derive(Debug, Clone, Copy)]
pub struct FillInput<'a> {
    pub answers: &'a Answers,
    pub evidence: &'a [EvidenceRef],
    /// Section id → status ("In Progress" / "Complete").
    pub statuses: &'a BTreeMap<String, String>,
}

/// What a fill did.
#[derive(Debug, Clone)]
pub struct FillReport {
    /// Every cell written, each read back from the file and found as written.
    pub cells: Vec<FilledCell>,
    /// Sentences about what could not be written where the user might expect it.
    pub warnings: Vec<String>,
    /// One sentence per sheet given columns the workbook had none of to answer in, e.g. `added
    /// a Response and a Comment column to sheet "Reqs" (columns V–W)`: the one case where a
    /// fill adds cells beyond the answers and changes a part other than sheets and strings.
    pub added_columns: Vec<String>,
    /// The sheets whose XML was patched.
    pub sheets: Vec<String>,
    /// Zip entries copied byte for byte, and patched.
    pub entries_copied: usize,
    pub entries_patched: usize,
    /// The filled workbook's SHA-256 and size.
    pub sha256: String,
    pub size: u64,
    /// When the workbook was a legacy `.xls`: the sentence saying the fill wrote a new `.xlsx`
    /// copy instead of patching it (shown by the CLI and the app).
    pub converted: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilledCell {
    pub sheet: String,
    /// A1 reference.
    pub cell: String,
    pub value: String,
    /// The item answered here; `None` for a section's Status.
    pub item: Option<String>,
    /// `response`, `option`, `other`, `comment`, `evidence`, `status`, or `header` for the
    /// header of a column the fill added.
    pub role: &'static str,
}

/// How evidence is referred to in a cell: `name (SHA-256 1a2b3c4d5e6f)`.
pub fn evidence_reference(e: &EvidenceRef) -> String {
    let short: String = e.sha256.chars().take(12).collect();
    format!("{} (SHA-256 {short})", e.file_name)
}

/// Writes the answers into a copy of `original` at `out` (replaced atomically if it exists).
/// `original` must be the workbook `template` was imported from, byte for byte. Only the items
/// shown for these answers are written, as in every export.
///
/// This knows nothing of whose file `out` is: the CLI and the app fill through
/// `scal_export::fill_draft`, which follows the draft's output rule; this is for tools and tests.
pub fn fill(
    original: &[u8],
    template: &Template,
    input: &FillInput<'_>,
    out: &Path,
) -> Result<FillReport, WorkbookError> {
    let (bytes, report) = fill_bytes(original, template, input, out)?;
    // Whole or not at all: a temporary file beside `out`, synced, renamed over it, the folder
    // synced.
    scal_fs::write_atomic(out, &bytes).map_err(|e| WorkbookError::Write {
        path: out.to_path_buf(),
        reason: io_reason(&e),
    })?;
    Ok(report)
}

/// What `fill` writes, built and read back but not written: the filled workbook's bytes and
/// the report (its `sha256` and `size` are those of the bytes). `out` names the file in errors.
pub fn fill_bytes(
    original: &[u8],
    template: &Template,
    input: &FillInput<'_>,
    out: &Path,
) -> Result<(Vec<u8>, FillReport), WorkbookError> {
    refuse_legacy_output(out)?;
    let source = verify_source(template, original)?;
    let file = source.file_name.clone();
    if crate::xls::is_ole(original) {
        return crate::legacy::fill_legacy(original, &file, template, input, out);
    }
    let mut warnings = Vec::new();
    let plan = plan_writes(template, input, &mut warnings);

    // Where each sheet lives in the package.
    let mut pkg = Package::open(original, &file)?;
    let wb_part = workbook_part(&mut pkg)?;
    let (sheets, _) = read_workbook_xml(&mut pkg, &wb_part)?;
    let rels = read_rels(&mut pkg, &wb_part)?;
    let part_of = |sheet: &str| {
        sheets
            .iter()
            .find(|s| s.name == sheet)
            .and_then(|s| rels.get(&s.rel_id))
            .filter(|r| !r.external && r.kind.ends_with("/worksheet"))
            .map(|r| r.target.clone())
    };
    let shared_part = rels
        .values()
        .find(|r| r.kind.ends_with("/sharedStrings") && !r.external)
        .map(|r| r.target.clone())
        .filter(|p| pkg.has(p));
    let shared_count = match &shared_part {
        Some(p) => pkg
            .read_text(p)?
            .map(|t| {
                crate::ooxml::parse_shared_strings(&t)
                    .map(|v| v.len())
                    .map_err(|_| WorkbookError::Patch {
                        file: file.clone(),
                        sheet: p.clone(),
                        reason: "its shared strings cannot be read".to_string(),
                    })
            })
            .transpose()?
            .unwrap_or(0),
        None => 0,
    };

    // New shared strings, each once, after the existing ones.
    let mut new_strings: Vec<String> = Vec::new();
    let mut string_index: HashMap<String, usize> = HashMap::new();
    let mut store = |text: &str| -> Stored {
        if shared_part.is_none() {
            return Stored::Inline(text.to_string());
        }
        let next = shared_count + new_strings.len();
        let i = *string_index.entry(text.to_string()).or_insert(next);
        if i == next {
            new_strings.push(text.to_string());
        }
        Stored::Shared(i)
    };

    let mut patched: HashMap<String, Vec<u8>> = HashMap::new();
    let mut plan = plan;
    let mut styles: BTreeMap<String, BTreeMap<(u32, u32), String>> = BTreeMap::new();
    let mut added_columns = Vec::new();
    for add in added_columns_of(template, &file)? {
        let part = part_of(&add.sheet).ok_or_else(|| WorkbookError::SheetMissing {
            file: file.clone(),
            sheet: add.sheet.clone(),
            section: add.section.clone(),
        })?;
        let fail = |reason: String| WorkbookError::Patch {
            file: file.clone(),
            sheet: add.sheet.clone(),
            reason,
        };
        let text = pkg
            .read_text(&part)?
            .ok_or_else(|| WorkbookError::SheetMissing {
                file: file.clone(),
                sheet: add.sheet.clone(),
                section: add.section.clone(),
            })?;
        let cols: Vec<u32> = add.columns.iter().map(|c| c.0 .1).collect();
        if let Some(&(r, c)) = cells_in_use(&text, &cols, add.header_row)
            .map_err(fail)?
            .first()
        {
            return Err(WorkbookError::ColumnInUse {
                file: file.clone(),
                sheet: add.sheet.clone(),
                column: column_letters(c),
                cell: scal_core::template::cell_ref(r, c),
                section: add.section.clone(),
            });
        }
        let first = cols.iter().copied().min().unwrap_or(0);
        let header_style = match first.checked_sub(1) {
            Some(left) => style_at(&text, (add.header_row, left)).map_err(fail)?,
            None => None,
        };
        let mut headers: Vec<String> = add.columns.iter().map(|c| c.1.clone()).collect();
        let mut table_note = String::new();
        let same_row = add.columns.iter().all(|c| c.0 .0 == add.header_row);
        let contiguous = cols
            .iter()
            .enumerate()
            .all(|(i, c)| u32::try_from(i).is_ok_and(|i| *c == first + i));
        if same_row && contiguous {
            let rels = read_rels(&mut pkg, &part)?;
            let mut tables: Vec<String> = rels
                .values()
                .filter(|r| !r.external && r.kind.ends_with("/table"))
                .map(|r| r.target.clone())
                .collect();
            tables.sort();
            for t in tables {
                let Some(xml) = pkg.read_text(&t)? else {
                    continue;
                };
                let grown =
                    grow_table(&xml, add.header_row, first, &headers).map_err(|reason| {
                        WorkbookError::Patch {
                            file: file.clone(),
                            sheet: t.clone(),
                            reason,
                        }
                    })?;
                if let Some(g) = grown {
                    table_note = format!(" and widened its table \"{}\" to take them", g.name);
                    headers = g.columns;
                    patched.insert(t.to_ascii_lowercase(), g.xml.into_bytes());
                    break;
                }
            }
        }
        let writes = plan.entry(add.sheet.clone()).or_default();
        for (&(at, _), header) in add.columns.iter().zip(&headers) {
            let header_write = Write {
                value: header.clone(),
                item: None,
                section: add.section.clone(),
                role: "header",
            };
            if let Some(old) = writes.insert(at, header_write) {
                warnings.push(format!(
                    "sheet \"{}\" cell {} is the header of an added column, so the {} of {} was not written there",
                    add.sheet,
                    scal_core::template::cell_ref(at.0, at.1),
                    old.role,
                    old.who()
                ));
            }
            if let Some(style) = &header_style {
                styles
                    .entry(add.sheet.clone())
                    .or_default()
                    .insert(at, style.clone());
            }
        }
        added_columns.push(format!(
            "added {} column to sheet \"{}\" ({}){table_note}",
            header_list(&headers),
            add.sheet,
            column_span(&cols)
        ));
    }
    let mut refs_delta = 0i64;
    let mut cells = Vec::new();
    let mut patched_sheets = Vec::new();
    for (sheet, writes) in &plan {
        let part = part_of(sheet).ok_or_else(|| WorkbookError::SheetMissing {
            file: file.clone(),
            sheet: sheet.clone(),
            section: writes
                .values()
                .next()
                .map(|w| w.section.clone())
                .unwrap_or_default(),
        })?;
        let text = pkg
            .read_text(&part)?
            .ok_or_else(|| WorkbookError::SheetMissing {
                file: file.clone(),
                sheet: sheet.clone(),
                section: String::new(),
            })?;
        let stored: BTreeMap<(u32, u32), Stored> = writes
            .iter()
            .map(|(&at, w)| (at, store(&w.value)))
            .collect();
        let no_styles = BTreeMap::new();
        let forced = styles.get(sheet).unwrap_or(&no_styles);
        let result =
            patch_sheet_styled(&text, &stored, forced).map_err(|reason| WorkbookError::Patch {
                file: file.clone(),
                sheet: sheet.clone(),
                reason,
            })?;
        for (r, c) in &result.formula_cells {
            let w = &writes[&(*r, *c)];
            warnings.push(format!(
                "sheet \"{sheet}\" cell {} holds a formula, so the {} of {} was not written there",
                scal_core::template::cell_ref(*r, *c),
                w.role,
                w.who()
            ));
        }
        refs_delta += result.shared_refs_delta;
        for (&(r, c), w) in writes {
            if result.formula_cells.contains(&(r, c)) {
                continue;
            }
            cells.push(FilledCell {
                sheet: sheet.clone(),
                cell: scal_core::template::cell_ref(r, c),
                value: w.value.clone(),
                item: w.item.clone(),
                role: w.role,
            });
        }
        patched.insert(part.to_ascii_lowercase(), result.xml.into_bytes());
        patched_sheets.push(sheet.clone());
    }
    if let Some(part) = &shared_part {
        if !new_strings.is_empty() {
            let text = pkg.read_text(part)?.unwrap_or_default();
            let xml = patch_shared_strings(&text, &new_strings, refs_delta).map_err(|reason| {
                WorkbookError::Patch {
                    file: file.clone(),
                    sheet: part.clone(),
                    reason,
                }
            })?;
            patched.insert(part.to_ascii_lowercase(), xml.into_bytes());
        }
    }

    let (bytes, copied) = rezip(original, &file, &patched, out)?;
    verify(&bytes, &cells, out)?;
    let report = FillReport {
        entries_patched: patched.len(),
        entries_copied: copied,
        sheets: patched_sheets,
        size: bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(&bytes)),
        cells,
        warnings,
        added_columns,
        converted: None,
    };
    Ok((bytes, report))
}

/// The columns a fill adds to one section's sheet.
struct Addition {
    section: String,
    sheet: String,
    /// The row of the first header: the table's header row.
    header_row: u32,
    /// Each header cell (zero-based) and its text, left to right.
    columns: Vec<((u32, u32), String)>,
}

/// Every section's added columns, in the template's order; a header cell that is not a cell
/// is refused.
fn added_columns_of(template: &Template, file: &str) -> Result<Vec<Addition>, WorkbookError> {
    let Some(source) = &template.source else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for section in &template.sections {
        let Some(cells) = source.sections.get(&section.id) else {
            continue;
        };
        if cells.added_columns.is_empty() {
            continue;
        }
        let mut columns = Vec::new();
        for a in &cells.added_columns {
            let at = parse_cell_ref(&a.cell).ok_or_else(|| WorkbookError::Patch {
                file: file.to_string(),
                sheet: cells.sheet.clone(),
                reason: format!(
                    "the template's section \"{}\" adds a column at \"{}\", which is not a cell",
                    section.id, a.cell
                ),
            })?;
            columns.push((at, a.header.clone()));
        }
        columns.sort_by_key(|c| (c.0 .1, c.0 .0));
        out.push(Addition {
            section: section.id.clone(),
            sheet: cells.sheet.clone(),
            header_row: columns.first().map_or(0, |c| c.0 .0),
            columns,
        });
    }
    Ok(out)
}

/// A column's letters (zero-based 21 → `V`).
fn column_letters(col: u32) -> String {
    scal_core::template::cell_ref(0, col)
        .trim_end_matches('1')
        .to_string()
}

/// `columns V–W` for a run, `column V` for one, `columns V, X` otherwise.
fn column_span(cols: &[u32]) -> String {
    let mut sorted = cols.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    match sorted.as_slice() {
        [] => "no column".to_string(),
        [one] => format!("column {}", column_letters(*one)),
        [first, .., last] if sorted.windows(2).all(|w| w[1] == w[0] + 1) => {
            format!(
                "columns {}–{}",
                column_letters(*first),
                column_letters(*last)
            )
        }
        _ => format!(
            "columns {}",
            sorted
                .iter()
                .map(|c| column_letters(*c))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `a Response and a Comment column` (with "an" before a vowel).
fn header_list(headers: &[String]) -> String {
    let named: Vec<String> = headers
        .iter()
        .map(|h| {
            let article = if h.chars().next().is_some_and(|c| "aeiouAEIOU".contains(c)) {
                "an"
            } else {
                "a"
            };
            format!("{article} {h}")
        })
        .collect();
    match named.as_slice() {
        [] => "no".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A fill writes .xlsx, whatever it was filled from: an output named `.xls` is refused before
/// any work, with the name to use instead.
pub fn refuse_legacy_output(out: &Path) -> Result<(), WorkbookError> {
    let is_xls = out
        .extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("xls"));
    if is_xls {
        return Err(WorkbookError::LegacyOutput {
            path: out.to_path_buf(),
            suggestion: out.with_extension("xlsx").display().to_string(),
        });
    }
    Ok(())
}

/// Checks that `bytes` are the workbook `template` was imported from (by SHA-256) and returns
/// the template's record of it.
pub fn verify_source<'t>(
    template: &'t Template,
    bytes: &[u8],
) -> Result<&'t scal_core::template::WorkbookSource, WorkbookError> {
    let source = template
        .source
        .as_ref()
        .ok_or_else(|| WorkbookError::NotImported {
            template: template.id.clone(),
        })?;
    let found = hex::encode(Sha256::digest(bytes));
    if found != source.sha256 {
        return Err(WorkbookError::WorkbookChanged {
            file: source.file_name.clone(),
            expected: source.sha256.clone(),
            found,
        });
    }
    Ok(source)
}

/// One cell to write.
#[derive(Debug, Clone)]
pub(crate) struct Write {
    pub(crate) value: String,
    pub(crate) item: Option<String>,
    pub(crate) section: String,
    pub(crate) role: &'static str,
}

impl Write {
    pub(crate) fn who(&self) -> String {
        match &self.item {
            Some(i) => format!("item \"{i}\""),
            None => format!("section \"{}\"", self.section),
        }
    }
}

/// Sheet → cell → what to write there.
pub(crate) type Plan = BTreeMap<String, BTreeMap<(u32, u32), Write>>;

pub(crate) fn plan_writes(
    template: &Template,
    input: &FillInput<'_>,
    warnings: &mut Vec<String>,
) -> Plan {
    let mut plan: Plan = BTreeMap::new();
    let Some(source) = &template.source else {
        return plan;
    };
    let visible = scal_core::visible_items(template, input.answers);
    let mut put = |sheet: &str,
                   cell: &str,
                   value: String,
                   item: Option<&str>,
                   section: &str,
                   role: &'static str,
                   warnings: &mut Vec<String>| {
        let Some(at) = parse_cell_ref(cell) else {
            return;
        };
        let mut value = value;
        if cut_to_cell_limit(&mut value) {
            warnings.push(format!(
                "the {role} of {} was cut to the {MAX_CELL_CHARS} characters an Excel cell holds (sheet \"{sheet}\" cell {cell}); the draft and the PDF keep all of it",
                item.map_or_else(|| format!("section \"{section}\""), |i| format!("item \"{i}\""))
            ));
        }
        let w = Write {
            value,
            item: item.map(str::to_string),
            section: section.to_string(),
            role,
        };
        if let Some(old) = plan.entry(sheet.to_string()).or_default().insert(at, w) {
            warnings.push(format!(
                "sheet \"{sheet}\" cell {cell} was given both the {} of {} and another value; the last one was kept",
                old.role,
                old.who()
            ));
        }
    };
    let mut evidence: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for e in input.evidence {
        evidence
            .entry(e.item.as_str())
            .or_default()
            .push(evidence_reference(e));
    }
    let mut hidden_answers = 0;
    let mut acknowledged_without_cell = 0;
    // Items whose answer, comment or evidence has no place in the workbook, reported together.
    let mut no_answer_cell: Vec<String> = Vec::new();
    let mut no_comment_cell: Vec<String> = Vec::new();
    let mut no_evidence_place: Vec<String> = Vec::new();
    for section in &template.sections {
        let Some(sheet_cells) = source.sections.get(&section.id) else {
            continue;
        };
        let sheet = sheet_cells.sheet.as_str();
        if let (Some(cell), Some(status)) = (&sheet_cells.status, input.statuses.get(&section.id)) {
            put(
                sheet,
                cell,
                status.clone(),
                None,
                &section.id,
                "status",
                warnings,
            );
        }
        for item in &section.items {
            let answer = input.answers.get(&item.id);
            let refs = evidence.get(item.id.as_str());
            if !visible.contains(&item.id) {
                if answer.is_some_and(|a| a.value.is_some() || !a.comment.is_empty()) {
                    hidden_answers += 1;
                }
                continue;
            }
            let cells = source.items.get(&item.id).cloned().unwrap_or_default();
            let id = Some(item.id.as_str());
            let value = answer.and_then(|a| a.value.as_ref()).filter(|v| match v {
                Value::One(s) => !is_placeholder(s),
                Value::Many(list) => list.iter().any(|s| !is_placeholder(s)),
            });
            if let Some(value) = value {
                if !cells.options.is_empty() {
                    write_options(&cells, value, item, sheet, &section.id, &mut put, warnings);
                } else if let Some(cell) = &cells.response {
                    let text = match (&item.kind, value) {
                        (ItemKind::Date { .. }, Value::One(iso)) => date_as_asked(&item.label, iso),
                        _ => value.display(),
                    };
                    put(sheet, cell, text, id, &section.id, "response", warnings);
                } else if matches!(item.kind, ItemKind::Guidance { .. }) {
                    acknowledged_without_cell += 1;
                } else {
                    no_answer_cell.push(item.id.clone());
                }
            }
            let comment = answer.map(|a| a.comment.trim()).unwrap_or("");
            let refs_text = refs.map(|r| r.join("; "));
            let mut comment_text = comment.to_string();
            match (&refs_text, &cells.evidence, &cells.comment) {
                (Some(text), Some(cell), _) => {
                    put(
                        sheet,
                        cell,
                        text.clone(),
                        id,
                        &section.id,
                        "evidence",
                        warnings,
                    );
                }
                (Some(text), None, Some(_)) => {
                    // No evidence column: the reference goes with the comment, where the
                    // assurance team reads the row's explanation.
                    if !comment_text.is_empty() {
                        comment_text.push('\n');
                    }
                    comment_text.push_str(&format!("Evidence: {text}"));
                }
                (Some(_), None, None) => no_evidence_place.push(item.id.clone()),
                (None, _, _) => {}
            }
            if !comment_text.is_empty() {
                match &cells.comment {
                    Some(cell) => put(
                        sheet,
                        cell,
                        comment_text,
                        id,
                        &section.id,
                        "comment",
                        warnings,
                    ),
                    None => no_comment_cell.push(item.id.clone()),
                }
            }
        }
    }
    for (items, what, where_) in [
        (&no_answer_cell, "answer", "the draft and the PDF hold it"),
        (&no_comment_cell, "comment", "the draft and the PDF hold it"),
        (
            &no_evidence_place,
            "evidence reference",
            "the pack carries the files",
        ),
    ] {
        if !items.is_empty() {
            warnings.push(format!(
                "{} item(s) have a {what} but no cell for it in the workbook ({}); {where_}",
                items.len(),
                examples(items)
            ));
        }
    }
    if hidden_answers > 0 {
        warnings.push(format!(
            "{hidden_answers} answer(s) of items not asked for these answers (hidden by a condition) were not written"
        ));
    }
    if acknowledged_without_cell > 0 {
        warnings.push(format!(
            "{acknowledged_without_cell} acknowledgement(s) of guidance rows have no cell in the workbook; their notes were written where the workbook has a notes column"
        ));
    }
    plan
}

/// A date written the way the row asks for it: NHS forms say "(dd/mm/yy)" or "(dd/mm/yyyy)"
/// beside the cell (any order of day, month and year, with "/", "-" or "." between); without
/// such a hint, the UK's dd/mm/yyyy. Written as text, as the NHS workbooks' own placeholders
/// ("00/00/00") are, in cells formatted General: a date serial there would read as a bare
/// number. A value that is not an ISO date is written as it is.
fn date_as_asked(label: &str, iso: &str) -> String {
    let Some((day, month, year)) = iso_date(iso) else {
        return iso.to_string();
    };
    let hint: String = label
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (parts, sep) = date_pattern(&hint).unwrap_or((["dd", "mm", "yyyy"], '/'));
    let text: Vec<String> = parts
        .iter()
        .map(|p| match *p {
            "dd" => format!("{day:02}"),
            "mm" => format!("{month:02}"),
            "yy" => format!("{:02}", year % 100),
            _ => format!("{year:04}"),
        })
        .collect();
    text.join(&sep.to_string())
}

/// The first "dd/mm/yy"-like pattern in a hint: day, month and year, each once, in any order,
/// one separator between them.
fn date_pattern(hint: &str) -> Option<([&'static str; 3], char)> {
    const TOKENS: [&str; 4] = ["yyyy", "dd", "mm", "yy"];
    let token = |s: &str| TOKENS.into_iter().find(|t| s.starts_with(t));
    for (start, _) in hint.char_indices() {
        let Some(a) = token(&hint[start..]) else {
            continue;
        };
        let rest = &hint[start + a.len()..];
        let Some(sep) = rest.chars().next().filter(|c| matches!(c, '/' | '-' | '.')) else {
            continue;
        };
        let rest = &rest[1..];
        let Some(b) = token(rest) else { continue };
        let Some(rest) = rest[b.len()..].strip_prefix(sep) else {
            continue;
        };
        let Some(c) = token(rest) else { continue };
        let parts = [a, b, c];
        let once = |ch: char| parts.iter().filter(|p| p.starts_with(ch)).count() == 1;
        if once('d') && once('m') && once('y') {
            return Some((parts, sep));
        }
    }
    None
}

/// (day, month, year) of a "YYYY-MM-DD" date as the draft stores it.
fn iso_date(iso: &str) -> Option<(u32, u32, u32)> {
    let mut parts = iso.trim().splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (year, month, day) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((day, month, year))
}

/// Up to three item ids, quoted, and how many more.
fn examples(items: &[String]) -> String {
    let shown: Vec<String> = items.iter().take(3).map(|i| format!("\"{i}\"")).collect();
    match items.len().saturating_sub(3) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

type Put<'p> =
    dyn FnMut(&str, &str, String, Option<&str>, &str, &'static str, &mut Vec<String>) + 'p;

/// A choice spread over option rows: the chosen options' cells marked, the others unmarked
/// where the list offers an unmark, the "Other" text in its cell.
fn write_options(
    cells: &ItemCells,
    value: &Value,
    item: &scal_core::Item,
    sheet: &str,
    section: &str,
    put: &mut Put<'_>,
    warnings: &mut Vec<String>,
) {
    let chosen: Vec<&str> = match value {
        Value::One(s) => vec![s.as_str()],
        Value::Many(v) => v.iter().map(String::as_str).collect(),
    };
    let mark = cells.mark.clone().unwrap_or_else(|| "Yes".to_string());
    for o in &cells.options {
        if chosen.iter().any(|c| c == &o.option) {
            put(
                sheet,
                &o.cell,
                mark.clone(),
                Some(&item.id),
                section,
                "option",
                warnings,
            );
        } else if let Some(unmark) = &cells.unmark {
            put(
                sheet,
                &o.cell,
                unmark.clone(),
                Some(&item.id),
                section,
                "option",
                warnings,
            );
        }
    }
    for c in &chosen {
        if cells.options.iter().any(|o| &o.option == c) {
            continue;
        }
        if let Some(text) = other_text(c) {
            match &cells.other {
                Some(cell) => put(sheet, cell, text.to_string(), Some(&item.id), section, "other", warnings),
                None => warnings.push(format!(
                    "item \"{}\" is answered \"{c}\", but the workbook has no \"please state\" cell for it",
                    item.id
                )),
            }
        }
    }
}

/// Copies every entry of the original in order: the patched ones recompressed, all others raw
/// (their compressed bytes, CRC and timestamps unchanged). Returns the new bytes and how many
/// entries were copied raw.
fn rezip(
    original: &[u8],
    file: &str,
    patched: &HashMap<String, Vec<u8>>,
    out: &Path,
) -> Result<(Vec<u8>, usize), WorkbookError> {
    let fail = |reason: String| WorkbookError::Write {
        path: out.to_path_buf(),
        reason,
    };
    let mut zip =
        ZipArchive::new(Cursor::new(original)).map_err(|e| crate::WorkbookError::NotXlsx {
            file: file.to_string(),
            reason: zip_reason(&e),
        })?;
    let mut writer = ZipWriter::new(Cursor::new(Vec::with_capacity(original.len() + 64 * 1024)));
    let mut copied = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| fail(zip_reason(&e)))?;
        let name = entry.name().map_err(|e| fail(zip_reason(&e)))?.into_owned();
        match patched.get(&name.to_ascii_lowercase()) {
            Some(content) => {
                let mut options =
                    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
                if let Some(t) = entry.last_modified() {
                    options = options.last_modified_time(t);
                }
                drop(entry);
                writer
                    .start_file(name, options)
                    .map_err(|e| fail(zip_reason(&e)))?;
                writer.write_all(content).map_err(|e| fail(io_reason(&e)))?;
            }
            None => {
                writer
                    .raw_copy_file(entry)
                    .map_err(|e| fail(zip_reason(&e)))?;
                copied += 1;
            }
        }
    }
    let bytes = writer
        .finish()
        .map_err(|e| fail(zip_reason(&e)))?
        .into_inner();
    Ok((bytes, copied))
}

/// Reads the filled workbook with calamine, an independent reader, and checks every cell
/// written holds what was written.
pub(crate) fn verify(bytes: &[u8], cells: &[FilledCell], out: &Path) -> Result<(), WorkbookError> {
    // calamine is another crate's parser reading a file that came from outside: should it
    // panic on something the importer let through, that is a failed check, not a crash.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        verify_cells(bytes, cells, out)
    }))
    .unwrap_or_else(|_| {
        Err(WorkbookError::ReadBack {
            path: out.to_path_buf(),
            problem: "the independent reader failed on it".to_string(),
        })
    })
}

fn verify_cells(bytes: &[u8], cells: &[FilledCell], out: &Path) -> Result<(), WorkbookError> {
    let fail = |problem: String| WorkbookError::ReadBack {
        path: out.to_path_buf(),
        problem,
    };
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| fail(format!("it cannot be opened as a workbook ({e})")))?;
    let mut by_sheet: BTreeMap<&str, Vec<&FilledCell>> = BTreeMap::new();
    for c in cells {
        by_sheet.entry(c.sheet.as_str()).or_default().push(c);
    }
    for (sheet, list) in by_sheet {
        let range = book
            .worksheet_range(sheet)
            .map_err(|e| fail(format!("sheet \"{sheet}\" cannot be read ({e})")))?;
        for c in list {
            let Some(at) = parse_cell_ref(&c.cell) else {
                continue;
            };
            let got = range.get_value(at).unwrap_or(&Data::Empty);
            let ok = matches!(got, Data::String(s) if *s == c.value);
            if !ok {
                return Err(fail(format!(
                    "sheet \"{sheet}\" cell {} holds {got:?} instead of the {} written there",
                    c.cell, c.role
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{cut_to_cell_limit, date_as_asked, MAX_CELL_CHARS};

    #[test]
    fn a_date_is_written_as_its_row_asks() {
        let cases = [
            (
                "Insert date of HSCN Connection Agreement signature (dd/mm/yy):",
                "03/05/26",
            ),
            ("Date of signature (DD/MM/YYYY)", "03/05/2026"),
            ("Date signed (dd / mm / yyyy)", "03/05/2026"),
            ("Date (yyyy-mm-dd)", "2026-05-03"),
            ("Date (mm/dd/yyyy)", "05/03/2026"),
            ("DSPT publication date", "03/05/2026"),
        ];
        for (label, want) in cases {
            assert_eq!(date_as_asked(label, "2026-05-03"), want, "{label}");
        }
        assert_eq!(date_as_asked("Date (dd/mm/yy)", "soon"), "soon");
    }

    #[test]
    fn the_cell_limit_counts_utf16_code_units() {
        // 32,767 characters but 32,768 UTF-16 code units: the emoji does not fit.
        let mut value = format!("{}\u{1F600}", "é".repeat(32_766));
        assert!(cut_to_cell_limit(&mut value));
        assert_eq!(value, "é".repeat(32_766));
        // Exactly at the limit: kept whole.
        let mut value = format!("{}\u{1F600}", "é".repeat(32_765));
        assert!(!cut_to_cell_limit(&mut value));
        assert_eq!(value.encode_utf16().count(), MAX_CELL_CHARS);
    }
}
