//! The parts of a workbook the importer needs, read straight from the OOXML: sheets in order
//! with their hidden state, defined names, shared strings, and for each worksheet its cell
//! values, merged ranges and data validations (classic and the `x14` extension form).
//! Everything is bounded (see `Budget`).

use std::collections::{BTreeMap, HashMap};

use quick_xml::events::Event;
use scal_core::template::{parse_cell_ref, MAX_ROWS};

use crate::error::WorkbookError;
use crate::package::{rels_part, resolve_target, Package};
use crate::xml::{self, XmlError};

/// The most non-empty cells kept in memory across the workbook (the real SCAL has ~10,000).
pub const MAX_CELLS: usize = 1_000_000;
pub const MAX_SHARED_STRINGS: usize = 1_000_000;
pub const MAX_MERGES: usize = 200_000;
pub const MAX_VALIDATION_RANGES: usize = 200_000;
pub const MAX_DEFINED_NAMES: usize = 100_000;

/// What remains of the bounds while a workbook is read.
pub(crate) struct Budget {
    cells: usize,
    merges: usize,
    validation_ranges: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            cells: MAX_CELLS,
            merges: MAX_MERGES,
            validation_ranges: MAX_VALIDATION_RANGES,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SheetState {
    Visible,
    Hidden,
    VeryHidden,
}

#[derive(Debug)]
pub(crate) struct SheetInfo {
    pub name: String,
    pub state: SheetState,
    /// The worksheet's part; `None` for a chart sheet or anything else that is not a grid.
    pub part: Option<String>,
    pub data: SheetData,
}

#[derive(Debug, Default)]
pub(crate) struct SheetData {
    /// Non-empty cells by zero-based (row, column).
    pub cells: BTreeMap<(u32, u32), CellValue>,
    pub merges: Vec<Range>,
    pub validations: Vec<Validation>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CellValue {
    pub text: String,
    pub formula: bool,
    /// A formula that reads another sheet (`='3 - End User'!D9`): a cell computed from the
    /// supplier's answers elsewhere, as on an assessor's summary tab.
    pub cross_sheet: bool,
}

/// An inclusive, zero-based rectangle of cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    pub r1: u32,
    pub c1: u32,
    pub r2: u32,
    pub c2: u32,
}

impl Range {
    pub fn contains(&self, r: u32, c: u32) -> bool {
        (self.r1..=self.r2).contains(&r) && (self.c1..=self.c2).contains(&c)
    }

    pub fn parse(s: &str) -> Option<Range> {
        let (a, b) = s.split_once(':').unwrap_or((s, s));
        let (r1, c1) = parse_cell_ref(a)?;
        let (r2, c2) = parse_cell_ref(b)?;
        Some(Range {
            r1: r1.min(r2),
            c1: c1.min(c2),
            r2: r1.max(r2),
            c2: c1.max(c2),
        })
    }

    pub fn cells(&self) -> u64 {
        u64::from(self.r2 - self.r1 + 1) * u64::from(self.c2 - self.c1 + 1)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Validation {
    /// `list`, `date`, `whole`, ...; empty when the workbook does not say.
    pub kind: String,
    pub formula: String,
    pub ranges: Vec<Range>,
}

#[derive(Debug, Clone)]
pub(crate) struct DefinedName {
    pub name: String,
    /// The index of the sheet the name is local to, in workbook order.
    pub local_sheet: Option<usize>,
    pub formula: String,
}

#[derive(Debug)]
pub(crate) struct Workbook {
    pub sheets: Vec<SheetInfo>,
    pub names: Vec<DefinedName>,
    pub title: Option<String>,
    /// Read from a legacy `.xls` (BIFF8), not OOXML.
    pub legacy: bool,
    /// (sheet, sentence): what the reader could not take from a sheet.
    pub notes: Vec<(String, String)>,
}

impl Workbook {
    pub fn sheet(&self, name: &str) -> Option<(usize, &SheetInfo)> {
        self.sheets
            .iter()
            .enumerate()
            .find(|(_, s)| s.name.eq_ignore_ascii_case(name))
    }
}

const REL_OFFICE_DOCUMENT: &str = "/officeDocument";
const REL_WORKSHEET: &str = "/worksheet";
const REL_SHARED_STRINGS: &str = "/sharedStrings";

/// One relationship of a part: its type and its resolved target part.
#[derive(Debug, Clone)]
pub(crate) struct Rel {
    pub kind: String,
    pub target: String,
    pub external: bool,
}

pub(crate) fn read_rels(
    pkg: &mut Package<'_>,
    part: &str,
) -> Result<HashMap<String, Rel>, WorkbookError> {
    let rels_name = rels_part(part);
    let Some(text) = pkg.read_text(&rels_name)? else {
        return Ok(HashMap::new());
    };
    let mut out = HashMap::new();
    let mut r = xml::reader(&text);
    loop {
        match xml::next(&mut r).map_err(|e| xml_error(pkg, &rels_name, e))? {
            Event::Start(e) | Event::Empty(e) if xml::local(&e) == "Relationship" => {
                let (Some(id), Some(kind), Some(target)) = (
                    xml::attr(&e, "Id"),
                    xml::attr(&e, "Type"),
                    xml::attr(&e, "Target"),
                ) else {
                    continue;
                };
                let external = xml::attr(&e, "TargetMode").as_deref() == Some("External");
                let target = if external {
                    target
                } else {
                    resolve_target(part, &target)
                };
                out.insert(
                    id,
                    Rel {
                        kind,
                        target,
                        external,
                    },
                );
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

pub(crate) fn xml_error(pkg: &Package<'_>, part: &str, e: XmlError) -> WorkbookError {
    match e {
        XmlError::Dtd => WorkbookError::Dtd {
            file: pkg.file.clone(),
            part: part.to_string(),
        },
        XmlError::Malformed(reason) => WorkbookError::Damaged {
            file: pkg.file.clone(),
            part: part.to_string(),
            reason,
        },
    }
}

/// The workbook part's name (`xl/workbook.xml` in every file Excel writes).
pub(crate) fn workbook_part(pkg: &mut Package<'_>) -> Result<String, WorkbookError> {
    let root = read_rels(pkg, "")?;
    let part = root
        .values()
        .find(|r| r.kind.ends_with(REL_OFFICE_DOCUMENT) && !r.external)
        .map(|r| r.target.clone())
        .unwrap_or_else(|| "xl/workbook.xml".to_string());
    if !pkg.has(&part) {
        return Err(WorkbookError::NotXlsx {
            file: pkg.file.clone(),
            reason: "it has no workbook part (is it a Word or PowerPoint file?)".to_string(),
        });
    }
    Ok(part)
}

/// One `<sheet>` of workbook.xml.
#[derive(Debug, Clone)]
pub(crate) struct SheetEntry {
    pub name: String,
    pub state: SheetState,
    pub rel_id: String,
}

pub(crate) fn read_workbook_xml(
    pkg: &mut Package<'_>,
    part: &str,
) -> Result<(Vec<SheetEntry>, Vec<DefinedName>), WorkbookError> {
    let text = pkg.read_text(part)?.ok_or_else(|| WorkbookError::NotXlsx {
        file: pkg.file.clone(),
        reason: "its workbook part is missing".to_string(),
    })?;
    let mut sheets = Vec::new();
    let mut names = Vec::new();
    let mut r = xml::reader(&text);
    let mut in_name: Option<(String, Option<usize>, String)> = None;
    loop {
        let ev = xml::next(&mut r).map_err(|e| xml_error(pkg, part, e))?;
        match &ev {
            Event::Start(e) | Event::Empty(e) if xml::local(e) == "sheet" => {
                let state = match xml::attr(e, "state").as_deref() {
                    Some("hidden") => SheetState::Hidden,
                    Some("veryHidden") => SheetState::VeryHidden,
                    _ => SheetState::Visible,
                };
                sheets.push(SheetEntry {
                    name: xml::attr(e, "name").unwrap_or_default(),
                    state,
                    rel_id: xml::attr(e, "id").unwrap_or_default(),
                });
            }
            Event::Start(e) if xml::local(e) == "definedName" => {
                let local = xml::attr(e, "localSheetId").and_then(|s| s.parse().ok());
                in_name = Some((
                    xml::attr(e, "name").unwrap_or_default(),
                    local,
                    String::new(),
                ));
            }
            Event::End(e) if e.local_name().as_ref() == "definedName" => {
                if let Some((name, local_sheet, formula)) = in_name.take() {
                    if names.len() >= MAX_DEFINED_NAMES {
                        return Err(WorkbookError::TooLarge {
                            file: pkg.file.clone(),
                            what: format!("it defines more than {MAX_DEFINED_NAMES} names"),
                        });
                    }
                    names.push(DefinedName {
                        name,
                        local_sheet,
                        formula,
                    });
                }
            }
            Event::Eof => break,
            other => {
                if let Some((_, _, formula)) = in_name.as_mut() {
                    xml::push_text(other, formula).map_err(|e| xml_error(pkg, part, e))?;
                }
            }
        }
    }
    if sheets.len() > crate::package::MAX_ENTRIES {
        return Err(WorkbookError::TooLarge {
            file: pkg.file.clone(),
            what: format!("it names more than {} sheets", crate::package::MAX_ENTRIES),
        });
    }
    Ok((sheets, names))
}

/// Reads everything the importer looks at.
pub(crate) fn read_workbook(pkg: &mut Package<'_>) -> Result<Workbook, WorkbookError> {
    let part = workbook_part(pkg)?;
    let (entries, names) = read_workbook_xml(pkg, &part)?;
    let rels = read_rels(pkg, &part)?;
    let shared_part = rels
        .values()
        .find(|r| r.kind.ends_with(REL_SHARED_STRINGS) && !r.external)
        .map(|r| r.target.clone());
    let shared = match shared_part {
        Some(p) => read_shared_strings(pkg, &p)?,
        None => Vec::new(),
    };
    let mut budget = Budget::default();
    let mut sheets = Vec::new();
    for entry in entries {
        let rel = rels.get(&entry.rel_id).filter(|r| !r.external);
        let part = rel
            .filter(|r| r.kind.ends_with(REL_WORKSHEET))
            .map(|r| r.target.clone());
        let data = match &part {
            Some(p) => match pkg.read_text(p)? {
                Some(text) => parse_sheet(&text, &shared, &mut budget).map_err(|e| match e {
                    SheetError::Xml(e) => xml_error(pkg, p, e),
                    SheetError::TooLarge(what) => WorkbookError::TooLarge {
                        file: pkg.file.clone(),
                        what: format!("sheet \"{}\" {what}", entry.name),
                    },
                })?,
                None => {
                    return Err(WorkbookError::Damaged {
                        file: pkg.file.clone(),
                        part: p.clone(),
                        reason: format!("the part of sheet \"{}\" is missing", entry.name),
                    })
                }
            },
            None => SheetData::default(),
        };
        sheets.push(SheetInfo {
            name: entry.name,
            state: entry.state,
            part,
            data,
        });
    }
    if sheets.is_empty() {
        return Err(WorkbookError::NoSheets {
            file: pkg.file.clone(),
        });
    }
    let title = read_title(pkg)?;
    Ok(Workbook {
        sheets,
        names,
        title,
        legacy: false,
        notes: Vec::new(),
    })
}

fn read_title(pkg: &mut Package<'_>) -> Result<Option<String>, WorkbookError> {
    let part = "docProps/core.xml";
    let Some(text) = pkg.read_text(part)? else {
        return Ok(None);
    };
    let mut r = xml::reader(&text);
    let mut in_title = false;
    let mut title = String::new();
    loop {
        let ev = xml::next(&mut r).map_err(|e| xml_error(pkg, part, e))?;
        match &ev {
            Event::Start(e) if xml::local(e) == "title" => in_title = true,
            Event::End(e) if e.local_name().as_ref() == "title" => in_title = false,
            Event::Eof => break,
            other if in_title => {
                xml::push_text(other, &mut title).map_err(|e| xml_error(pkg, part, e))?;
            }
            _ => {}
        }
    }
    let title = title.trim().to_string();
    Ok((!title.is_empty()).then_some(title))
}

pub(crate) fn read_shared_strings(
    pkg: &mut Package<'_>,
    part: &str,
) -> Result<Vec<String>, WorkbookError> {
    let Some(text) = pkg.read_text(part)? else {
        return Ok(Vec::new());
    };
    parse_shared_strings(&text).map_err(|e| match e {
        SheetError::Xml(e) => xml_error(pkg, part, e),
        SheetError::TooLarge(what) => WorkbookError::TooLarge {
            file: pkg.file.clone(),
            what,
        },
    })
}

pub(crate) enum SheetError {
    Xml(XmlError),
    TooLarge(String),
}

impl From<XmlError> for SheetError {
    fn from(e: XmlError) -> Self {
        SheetError::Xml(e)
    }
}

/// The text of each `<si>`: its runs joined, phonetic guides (`rPh`) left out.
pub(crate) fn parse_shared_strings(text: &str) -> Result<Vec<String>, SheetError> {
    let mut out = Vec::new();
    let mut r = xml::reader(text);
    let mut current: Option<String> = None;
    let (mut in_t, mut in_phonetic) = (false, false);
    loop {
        let ev = xml::next(&mut r)?;
        match &ev {
            Event::Start(e) => match xml::local(e).as_str() {
                "si" => current = Some(String::new()),
                "t" => in_t = true,
                "rPh" => in_phonetic = true,
                _ => {}
            },
            Event::Empty(e) if xml::local(e) == "si" => out.push(String::new()),
            Event::End(e) => match e.local_name().as_ref() {
                "si" => {
                    if let Some(s) = current.take() {
                        if out.len() >= MAX_SHARED_STRINGS {
                            return Err(SheetError::TooLarge(format!(
                                "it holds more than {MAX_SHARED_STRINGS} shared strings"
                            )));
                        }
                        out.push(xml::decode_ooxml(&s).into_owned());
                    }
                }
                "t" => in_t = false,
                "rPh" => in_phonetic = false,
                _ => {}
            },
            Event::Eof => break,
            other => {
                if let (Some(s), true, false) = (current.as_mut(), in_t, in_phonetic) {
                    xml::push_text(other, s)?;
                }
            }
        }
    }
    Ok(out)
}

/// Where the parser is inside one `<c>`.
#[derive(Default)]
struct CellBuf {
    row: u32,
    col: u32,
    kind: String,
    value: String,
    inline: String,
    formula: bool,
    /// The formula's text, kept only up to `FORMULA_KEPT` bytes (enough to see a sheet name).
    formula_text: String,
    shared_index: Option<String>,
}

/// How much of a cell's formula is kept to tell whether it reads another sheet.
const FORMULA_KEPT: usize = 4_096;

/// One worksheet: non-empty cells, merged ranges, data validations.
pub(crate) fn parse_sheet(
    text: &str,
    shared: &[String],
    budget: &mut Budget,
) -> Result<SheetData, SheetError> {
    let mut data = SheetData::default();
    let mut r = xml::reader(text);
    let mut next_row: u32 = 0;
    let mut next_col: u32 = 0;
    let mut cell: Option<CellBuf> = None;
    // Text sinks inside a cell and a validation.
    #[derive(PartialEq)]
    enum Sink {
        None,
        Value,
        Inline,
        Formula1,
        Sqref,
        Formula,
    }
    let mut sink = Sink::None;
    // Shared formulas: the master cell holds the text, the others only its index.
    let mut shared_cross: HashMap<String, bool> = HashMap::new();
    let mut in_phonetic = false;
    let mut validation: Option<(String, String, String)> = None;
    loop {
        let ev = xml::next(&mut r)?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                match xml::local(e).as_str() {
                    "row" => {
                        // References are checked, not skipped: a workbook Excel (or the reader
                        // a fill is checked with) would refuse is refused here first.
                        let row = match xml::attr(e, "r") {
                            Some(s) => match s.trim().parse::<u32>() {
                                Ok(n) if (1..=MAX_ROWS).contains(&n) => n - 1,
                                _ => return Err(bad_ref("row number", &s)),
                            },
                            None => next_row,
                        };
                        next_row = row + 1;
                        next_col = 0;
                    }
                    "c" => {
                        let (row, col) = match xml::attr(e, "r") {
                            Some(s) => {
                                parse_cell_ref(&s).ok_or_else(|| bad_ref("cell reference", &s))?
                            }
                            None => (next_row.saturating_sub(1), next_col),
                        };
                        next_col = col + 1;
                        let buf = CellBuf {
                            row,
                            col,
                            kind: xml::attr(e, "t").unwrap_or_default(),
                            ..CellBuf::default()
                        };
                        if !empty {
                            cell = Some(buf);
                        }
                    }
                    "v" if cell.is_some() && !empty => sink = Sink::Value,
                    "f" if cell.is_some() => {
                        if let Some(c) = cell.as_mut() {
                            c.formula = true;
                            if xml::attr(e, "t").as_deref() == Some("shared") {
                                c.shared_index = xml::attr(e, "si");
                            }
                        }
                        sink = if empty { Sink::None } else { Sink::Formula };
                    }
                    "t" if cell.is_some() && !empty && !in_phonetic => sink = Sink::Inline,
                    "rPh" if !empty => in_phonetic = true,
                    "dimension" => {
                        if let Some(s) = xml::attr(e, "ref") {
                            Range::parse(&s).ok_or_else(|| bad_ref("dimension", &s))?;
                        }
                    }
                    "mergeCell" => {
                        let range = xml::attr(e, "ref")
                            .map(|s| Range::parse(&s).ok_or_else(|| bad_ref("merged range", &s)))
                            .transpose()?;
                        if let Some(range) = range {
                            if budget.merges == 0 {
                                return Err(SheetError::TooLarge(format!(
                                    "has more than {MAX_MERGES} merged ranges"
                                )));
                            }
                            budget.merges -= 1;
                            data.merges.push(range);
                        }
                    }
                    "dataValidation" => {
                        let v = (
                            xml::attr(e, "type").unwrap_or_default(),
                            String::new(),
                            xml::attr(e, "sqref").unwrap_or_default(),
                        );
                        if empty {
                            push_validation(&mut data, v, budget)?;
                        } else {
                            validation = Some(v);
                        }
                    }
                    "formula1" if validation.is_some() && !empty => sink = Sink::Formula1,
                    "sqref" if validation.is_some() && !empty => sink = Sink::Sqref,
                    _ => {}
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "c" => {
                    if let Some(c) = cell.take() {
                        let cross = if c.formula_text.is_empty() {
                            c.shared_index
                                .as_ref()
                                .and_then(|i| shared_cross.get(i))
                                .copied()
                                .unwrap_or(false)
                        } else {
                            let cross = c.formula_text.contains('!');
                            if let Some(i) = &c.shared_index {
                                shared_cross.insert(i.clone(), cross);
                            }
                            cross
                        };
                        store_cell(&mut data, c, cross, shared, budget)?;
                    }
                    sink = Sink::None;
                }
                "v" | "t" if sink == Sink::Value || sink == Sink::Inline => sink = Sink::None,
                "f" if sink == Sink::Formula => sink = Sink::None,
                "rPh" => in_phonetic = false,
                "formula1" | "sqref" => sink = Sink::None,
                "dataValidation" => {
                    if let Some(v) = validation.take() {
                        push_validation(&mut data, v, budget)?;
                    }
                    sink = Sink::None;
                }
                _ => {}
            },
            Event::Eof => break,
            other => match sink {
                Sink::Value => {
                    if let Some(c) = cell.as_mut() {
                        xml::push_text(other, &mut c.value)?;
                    }
                }
                Sink::Inline => {
                    if let Some(c) = cell.as_mut() {
                        xml::push_text(other, &mut c.inline)?;
                    }
                }
                Sink::Formula1 => {
                    if let Some(v) = validation.as_mut() {
                        xml::push_text(other, &mut v.1)?;
                    }
                }
                Sink::Sqref => {
                    if let Some(v) = validation.as_mut() {
                        xml::push_text(other, &mut v.2)?;
                    }
                }
                Sink::Formula => {
                    if let Some(c) = cell
                        .as_mut()
                        .filter(|c| c.formula_text.len() < FORMULA_KEPT)
                    {
                        xml::push_text(other, &mut c.formula_text)?;
                    }
                }
                Sink::None => {}
            },
        }
    }
    Ok(data)
}

fn bad_ref(what: &str, value: &str) -> SheetError {
    SheetError::Xml(XmlError::Malformed(format!(
        "the {what} \"{}\" is not one a worksheet can have",
        crate::words::clip(value, 40)
    )))
}

fn store_cell(
    data: &mut SheetData,
    c: CellBuf,
    cross_sheet: bool,
    shared: &[String],
    budget: &mut Budget,
) -> Result<(), SheetError> {
    let text = match c.kind.as_str() {
        "s" => c
            .value
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|i| shared.get(i))
            .cloned()
            .unwrap_or_default(),
        "inlineStr" => xml::decode_ooxml(&c.inline).into_owned(),
        "b" => match c.value.trim() {
            "1" => "TRUE".to_string(),
            _ => "FALSE".to_string(),
        },
        "str" => xml::decode_ooxml(&c.value).into_owned(),
        _ => c.value,
    };
    if text.is_empty() && !c.formula {
        return Ok(());
    }
    if budget.cells == 0 {
        return Err(SheetError::TooLarge(format!(
            "takes the workbook past {MAX_CELLS} filled cells"
        )));
    }
    budget.cells -= 1;
    data.cells.insert(
        (c.row, c.col),
        CellValue {
            text,
            formula: c.formula,
            cross_sheet,
        },
    );
    Ok(())
}

fn push_validation(
    data: &mut SheetData,
    (kind, formula, sqref): (String, String, String),
    budget: &mut Budget,
) -> Result<(), SheetError> {
    let ranges: Vec<Range> = sqref.split_whitespace().filter_map(Range::parse).collect();
    if ranges.len() > budget.validation_ranges {
        return Err(SheetError::TooLarge(format!(
            "has more than {MAX_VALIDATION_RANGES} data validation ranges"
        )));
    }
    budget.validation_ranges -= ranges.len();
    data.validations.push(Validation {
        kind,
        formula: formula.trim().to_string(),
        ranges,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(xml: &str) -> SheetData {
        match parse_sheet(xml, &["Shared one".to_string()], &mut Budget::default()) {
            Ok(d) => d,
            Err(SheetError::Xml(e)) => panic!("{e:?}"),
            Err(SheetError::TooLarge(w)) => panic!("{w}"),
        }
    }

    #[test]
    fn cells_of_every_kind_are_read_as_text() {
        let d = sheet(
            r#"<worksheet><sheetData>
            <row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="inlineStr"><is><r><t>rich </t></r><r><t>text</t></r><rPh><t>fu</t></rPh></is></c>
              <c r="C2"><v>42</v></c><c r="D2" t="b"><v>1</v></c><c r="E2" s="3"/><c r="F2"><f>C2*2</f><v>84</v></c>
              <c r="G2" t="inlineStr"><is><t>tab&#9;and &amp; _x0007_</t></is></c></row>
            <row><c><v>implicit</v></c><c t="str"><f>"x"</f><v>x</v></c></row>
            </sheetData></worksheet>"#,
        );
        let text = |r, c| d.cells.get(&(r, c)).map(|v| v.text.as_str());
        assert_eq!(text(1, 0), Some("Shared one"));
        assert_eq!(text(1, 1), Some("rich text"));
        assert_eq!(text(1, 2), Some("42"));
        assert_eq!(text(1, 3), Some("TRUE"));
        assert_eq!(text(1, 4), None, "a styled empty cell holds nothing");
        assert!(d.cells[&(1, 5)].formula);
        assert_eq!(text(1, 6), Some("tab\tand & \u{7}"));
        assert_eq!(text(2, 0), Some("implicit"), "row and column follow on");
        assert_eq!(text(2, 1), Some("x"));
    }

    #[test]
    fn merges_and_both_forms_of_data_validation_are_read() {
        let d = sheet(
            r#"<worksheet xmlns:x14="x14" xmlns:xm="xm"><sheetData/>
            <mergeCells count="1"><mergeCell ref="A8:A12"/></mergeCells>
            <dataValidations count="1"><dataValidation type="list" allowBlank="1" sqref="D8:D11 C13">
              <formula1>"Please select&#8230;,Yes,No"</formula1></dataValidation></dataValidations>
            <extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"><x14:dataValidations count="1">
              <x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>Lists!$A$1:$A$3</xm:f></x14:formula1>
              <xm:sqref>G5:G900</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>
            </worksheet>"#,
        );
        assert_eq!(d.merges, vec![Range::parse("A8:A12").expect("a range")]);
        assert_eq!(d.validations.len(), 2);
        assert_eq!(d.validations[0].formula, "\"Please select\u{2026},Yes,No\"");
        assert_eq!(d.validations[0].ranges.len(), 2);
        assert!(d.validations[0].ranges[1].contains(12, 2));
        assert_eq!(d.validations[1].kind, "list");
        assert_eq!(d.validations[1].formula, "Lists!$A$1:$A$3");
        assert!(d.validations[1].ranges[0].contains(899, 6));
    }

    #[test]
    fn a_sheet_past_the_cell_budget_is_refused() {
        let mut budget = Budget {
            cells: 2,
            ..Budget::default()
        };
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="C1"><v>3</v></c></row></sheetData></worksheet>"#;
        assert!(matches!(
            parse_sheet(xml, &[], &mut budget),
            Err(SheetError::TooLarge(_))
        ));
    }
}
