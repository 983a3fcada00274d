//! A legacy `.xls` workbook (BIFF8 inside an OLE compound file) read into the same
//! [`Workbook`] model the OOXML reader builds, so that recognition cannot tell them apart.
//!
//! The container is opened with the `cfb` crate and its `Workbook` stream walked record by
//! record here: the globals (BOUNDSHEET: names, hidden states, offsets; EXTERNSHEET and
//! SUPBOOK: what 3D references point at; NAME: defined names with their scope), then each
//! worksheet's substream (MERGEDCELLS; DV: data validations, whose list formulas are decoded
//! into the textual forms workbook.xml uses — `"Yes,No"`, `$L$6:$L$9`, `'Lists'!$B$2:$B$5`, a
//! name). Cell values and the formula flag come from calamine's Xls reader, after this walk has
//! checked that no sheet would make calamine allocate more than [`MAX_SHEET_AREA`] cells.
//!
//! Everything is bounded: the stream by `MAX_PART_BYTES`, cells, merges and validation ranges
//! by the OOXML reader's limits; a damaged record is a sentence naming the file, never a panic.

use std::collections::BTreeMap;
use std::io::{Cursor, Read as _};

use calamine::{Data, Reader as _, Xls};

use crate::error::WorkbookError;
use crate::ooxml::{
    CellValue, DefinedName, Range, SheetData, SheetInfo, SheetState, Validation, Workbook,
    MAX_CELLS, MAX_DEFINED_NAMES, MAX_MERGES, MAX_VALIDATION_RANGES,
};
use crate::package::{MAX_ENTRIES, MAX_PART_BYTES, MAX_WORKBOOK_BYTES};

/// The signature of an OLE compound file: legacy .xls, and Office's password-encrypted xlsx.
pub(crate) const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The most cells one sheet's filled rectangle may span: calamine holds a sheet as a dense
/// grid from its first filled cell to its last (real SCAL sheets span a few tens of thousands).
pub const MAX_SHEET_AREA: u64 = 4_000_000;
/// The most cells all sheets' filled rectangles may span together (calamine holds them all).
pub const MAX_TOTAL_AREA: u64 = 8_000_000;

/// The most rows and columns a BIFF8 sheet has.
const BIFF8_ROWS: u32 = 65_536;
const BIFF8_COLS: u32 = 256;

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CONTINUE: u16 = 0x003C;
const FILEPASS: u16 = 0x002F;
const BOUNDSHEET: u16 = 0x0085;
const EXTERNSHEET: u16 = 0x0017;
const SUPBOOK: u16 = 0x01AE;
const NAME: u16 = 0x0018;
const MERGEDCELLS: u16 = 0x00E5;
const DV: u16 = 0x01BE;
const DIMENSIONS: u16 = 0x0200;

/// The formula text of a list validation this reader cannot decode (an expression, another
/// workbook): recognition reports it as a list that cannot be read.
pub(crate) const UNDECODED_LIST: &str = "a formula the .xls reader does not decode";

/// True when `bytes` are an OLE compound file (a legacy .xls, or an encrypted .xlsx).
pub(crate) fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&OLE_MAGIC)
}

/// One BIFF record, with the data of any CONTINUE records that follow it appended.
struct Record {
    kind: u16,
    /// Where the record starts in the stream.
    at: usize,
    data: Vec<u8>,
}

/// The records of a stream from `at`, each with its continuations.
struct Records<'s> {
    stream: &'s [u8],
    at: usize,
}

impl Records<'_> {
    fn header(&self, at: usize) -> Option<(u16, usize)> {
        let h = self.stream.get(at..at + 4)?;
        Some((
            u16::from_le_bytes([h[0], h[1]]),
            usize::from(u16::from_le_bytes([h[2], h[3]])),
        ))
    }

    /// The next record; `Ok(None)` at the end of the stream; `Err(offset)` for one cut short.
    fn next_record(&mut self) -> Result<Option<Record>, usize> {
        if self.at >= self.stream.len() {
            return Ok(None);
        }
        let start = self.at;
        let (kind, len) = self.header(start).ok_or(start)?;
        let body = self.stream.get(start + 4..start + 4 + len).ok_or(start)?;
        let mut data = body.to_vec();
        self.at = start + 4 + len;
        while let Some((CONTINUE, len)) = self.header(self.at) {
            let more = self
                .stream
                .get(self.at + 4..self.at + 4 + len)
                .ok_or(self.at)?;
            data.extend_from_slice(more);
            self.at += 4 + len;
        }
        Ok(Some(Record {
            kind,
            at: start,
            data,
        }))
    }
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    d.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    d.get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// `cch` characters from `at`, after a flags byte (bit 0: two bytes a character); the text and
/// the offset after it.
fn chars_at(d: &[u8], at: usize, cch: usize) -> Option<(String, usize)> {
    let flags = *d.get(at)?;
    let start = at + 1;
    if flags & 0x01 != 0 {
        let raw = d.get(start..start + 2 * cch)?;
        let units: Vec<u16> = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some((String::from_utf16_lossy(&units), start + 2 * cch))
    } else {
        let raw = d.get(start..start + cch)?;
        Some((raw.iter().map(|&b| char::from(b)).collect(), start + cch))
    }
}

/// An XLUnicodeString (16-bit count, flags, characters) and the offset after it.
fn unicode_string(d: &[u8], at: usize) -> Option<(String, usize)> {
    let cch = usize::from(u16_at(d, at)?);
    chars_at(d, at + 2, cch)
}

/// One BOUNDSHEET: a sheet in workbook order.
struct BoundSheet {
    name: String,
    state: SheetState,
    /// True for a worksheet (or dialog sheet): a grid of cells.
    grid: bool,
    offset: usize,
}

/// What the globals say that formulas need.
#[derive(Default)]
struct Globals {
    sheets: Vec<BoundSheet>,
    /// Per SUPBOOK: true when it is this workbook.
    supbook_is_self: Vec<bool>,
    /// EXTERNSHEET entries: (SUPBOOK index, first sheet index).
    xti: Vec<(u16, i16)>,
    /// NAME records in order (a tName token counts them from 1): name and scope.
    names: Vec<(String, Option<usize>, Vec<u8>)>,
}

fn damaged(file: &str, reason: String) -> WorkbookError {
    WorkbookError::Damaged {
        file: file.to_string(),
        part: "its Workbook stream".to_string(),
        reason,
    }
}

/// Reads everything the importer looks at from a legacy `.xls`.
pub(crate) fn read_workbook(bytes: &[u8], file: &str) -> Result<Workbook, WorkbookError> {
    if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
        return Err(WorkbookError::TooLarge {
            file: file.to_string(),
            what: format!(
                "it is {} bytes; the most accepted is {MAX_WORKBOOK_BYTES}",
                bytes.len()
            ),
        });
    }
    let stream = workbook_stream(bytes, file)?;
    let globals = read_globals(&stream, file)?;
    let mut sheets = Vec::new();
    let mut budget = (MAX_MERGES, MAX_VALIDATION_RANGES, MAX_TOTAL_AREA);
    let mut notes = Vec::new();
    for (index, bound) in globals.sheets.iter().enumerate() {
        let data = if bound.grid {
            read_sheet_records(&stream, &globals, index, file, &mut budget, &mut notes)?
        } else {
            SheetData::default()
        };
        sheets.push(SheetInfo {
            name: bound.name.clone(),
            state: bound.state,
            part: bound.grid.then(|| format!("xls:{index}")),
            data,
        });
    }
    if sheets.is_empty() {
        return Err(WorkbookError::NoSheets {
            file: file.to_string(),
        });
    }
    let title = read_cells(bytes, file, &mut sheets)?;
    let names = globals
        .names
        .iter()
        .filter(|(name, _, _)| !name.is_empty())
        .map(|(name, local_sheet, rgce)| DefinedName {
            name: name.clone(),
            local_sheet: *local_sheet,
            formula: decode_formula(rgce, &globals).unwrap_or_default(),
        })
        .collect();
    Ok(Workbook {
        sheets,
        names,
        title,
        legacy: true,
        notes,
    })
}

/// The `Workbook` stream, read through a bound; the sentences for what is not an .xls.
fn workbook_stream(bytes: &[u8], file: &str) -> Result<Vec<u8>, WorkbookError> {
    let mut cf =
        cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| WorkbookError::Damaged {
            file: file.to_string(),
            part: "its OLE container".to_string(),
            reason: scal_core::text::io_reason(&e),
        })?;
    if cf.is_stream("/EncryptedPackage") || cf.is_stream("/EncryptionInfo") {
        return Err(WorkbookError::PasswordProtected {
            file: file.to_string(),
        });
    }
    let path = if cf.is_stream("/Workbook") {
        "/Workbook"
    } else if cf.is_stream("/Book") {
        return Err(WorkbookError::OldExcel {
            file: file.to_string(),
        });
    } else {
        return Err(WorkbookError::NotAWorkbook {
            file: file.to_string(),
            reason: "it is an OLE compound file (as Word .doc and other old Office files are) with no Workbook stream in it".to_string(),
        });
    };
    let stream = cf.open_stream(path).map_err(|e| WorkbookError::Damaged {
        file: file.to_string(),
        part: "its Workbook stream".to_string(),
        reason: scal_core::text::io_reason(&e),
    })?;
    let mut out = Vec::new();
    stream
        .take(MAX_PART_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| WorkbookError::Damaged {
            file: file.to_string(),
            part: "its Workbook stream".to_string(),
            reason: scal_core::text::io_reason(&e),
        })?;
    if out.len() as u64 > MAX_PART_BYTES {
        return Err(WorkbookError::TooLarge {
            file: file.to_string(),
            what: format!("its Workbook stream holds more than {MAX_PART_BYTES} bytes"),
        });
    }
    Ok(out)
}

fn cut_short(file: &str, at: usize) -> WorkbookError {
    damaged(file, format!("the record at byte {at} is cut short"))
}

fn read_globals(stream: &[u8], file: &str) -> Result<Globals, WorkbookError> {
    let mut records = Records { stream, at: 0 };
    let first = records
        .next_record()
        .map_err(|at| cut_short(file, at))?
        .ok_or_else(|| damaged(file, "it is empty".to_string()))?;
    if first.kind != BOF {
        return Err(damaged(
            file,
            "it does not begin with a BOF record".to_string(),
        ));
    }
    match u16_at(&first.data, 0) {
        Some(0x0600) => {}
        Some(0x0500) => {
            return Err(WorkbookError::OldExcel {
                file: file.to_string(),
            })
        }
        _ => {
            return Err(damaged(
                file,
                "its BOF record names no BIFF8 version".to_string(),
            ))
        }
    }
    let mut g = Globals::default();
    loop {
        let Some(r) = records.next_record().map_err(|at| cut_short(file, at))? else {
            return Err(damaged(
                file,
                "its workbook globals have no EOF record".to_string(),
            ));
        };
        let d = &r.data;
        let short = || damaged(file, format!("the record at byte {} is too short", r.at));
        match r.kind {
            EOF => break,
            FILEPASS => {
                return Err(WorkbookError::PasswordProtected {
                    file: file.to_string(),
                })
            }
            BOUNDSHEET => {
                let offset = u32_at(d, 0).ok_or_else(short)?;
                let state = match d.get(4).ok_or_else(short)? & 0x03 {
                    0 => SheetState::Visible,
                    1 => SheetState::Hidden,
                    _ => SheetState::VeryHidden,
                };
                let kind = *d.get(5).ok_or_else(short)?;
                let cch = usize::from(*d.get(6).ok_or_else(short)?);
                let (name, _) = chars_at(d, 7, cch).ok_or_else(short)?;
                if g.sheets.len() >= MAX_ENTRIES {
                    return Err(WorkbookError::TooLarge {
                        file: file.to_string(),
                        what: format!("it names more than {MAX_ENTRIES} sheets"),
                    });
                }
                g.sheets.push(BoundSheet {
                    name,
                    state,
                    grid: kind == 0x00 || kind == 0x01,
                    offset: offset as usize,
                });
            }
            SUPBOOK => {
                // A self-reference is `ctab, 0x0401`; an add-in one `0x0001, 0x3A01`.
                g.supbook_is_self.push(u16_at(d, 2) == Some(0x0401));
            }
            EXTERNSHEET => {
                let n = usize::from(u16_at(d, 0).ok_or_else(short)?);
                for i in 0..n {
                    let at = 2 + 6 * i;
                    let book = u16_at(d, at).ok_or_else(short)?;
                    let first = u16_at(d, at + 2).ok_or_else(short)?;
                    g.xti.push((book, first as i16));
                }
            }
            NAME => {
                if g.names.len() >= MAX_DEFINED_NAMES {
                    return Err(WorkbookError::TooLarge {
                        file: file.to_string(),
                        what: format!("it defines more than {MAX_DEFINED_NAMES} names"),
                    });
                }
                g.names.push(parse_name(d).unwrap_or_default());
            }
            _ => {}
        }
    }
    Ok(g)
}

/// A NAME record: its name (empty for a built-in one such as Print_Area, which no dropdown
/// uses), its scope and its formula tokens.
fn parse_name(d: &[u8]) -> Option<(String, Option<usize>, Vec<u8>)> {
    let flags = u16_at(d, 0)?;
    let cch = usize::from(*d.get(3)?);
    let cce = usize::from(u16_at(d, 4)?);
    let itab = u16_at(d, 8)?;
    let (name, after) = chars_at(d, 14, cch)?;
    let rgce = d.get(after..after + cce)?.to_vec();
    let builtin = flags & 0x0020 != 0;
    let scope = (itab > 0).then(|| usize::from(itab) - 1);
    Some((if builtin { String::new() } else { name }, scope, rgce))
}

/// A worksheet's substream: merges and data validations, and a check of the extent of its
/// cells before calamine is given it.
fn read_sheet_records(
    stream: &[u8],
    g: &Globals,
    index: usize,
    file: &str,
    budget: &mut (usize, usize, u64),
    notes: &mut Vec<(String, String)>,
) -> Result<SheetData, WorkbookError> {
    let sheet = &g.sheets[index];
    let mut data = SheetData::default();
    if sheet.offset >= stream.len() {
        return Err(damaged(
            file,
            format!("sheet \"{}\" starts past its end", sheet.name),
        ));
    }
    let mut records = Records {
        stream,
        at: sheet.offset,
    };
    let mut depth = 0usize;
    let mut extent: Option<(u32, u32, u32, u32)> = None;
    let mut unreadable_validations = 0usize;
    loop {
        let Some(r) = records.next_record().map_err(|at| cut_short(file, at))? else {
            return Err(damaged(
                file,
                format!("sheet \"{}\" has no EOF record", sheet.name),
            ));
        };
        match r.kind {
            BOF => depth += 1,
            EOF => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ if depth != 1 => {}
            MERGEDCELLS => {
                let n = usize::from(u16_at(&r.data, 0).unwrap_or(0));
                for i in 0..n {
                    let Some(range) = ref8(&r.data, 2 + 8 * i) else {
                        break;
                    };
                    if budget.0 == 0 {
                        return Err(WorkbookError::TooLarge {
                            file: file.to_string(),
                            what: format!(
                                "sheet \"{}\" has more than {MAX_MERGES} merged ranges",
                                sheet.name
                            ),
                        });
                    }
                    budget.0 -= 1;
                    data.merges.push(range);
                }
            }
            DV => match parse_dv(&r.data, g) {
                Some(v) => {
                    if v.ranges.len() > budget.1 {
                        return Err(WorkbookError::TooLarge {
                            file: file.to_string(),
                            what: format!(
                                "sheet \"{}\" has more than {MAX_VALIDATION_RANGES} data validation ranges",
                                sheet.name
                            ),
                        });
                    }
                    budget.1 -= v.ranges.len();
                    data.validations.push(v);
                }
                None => unreadable_validations += 1,
            },
            DIMENSIONS => {
                // calamine reserves room for what this record claims.
                let (Some(r1), Some(r2), Some(c1), Some(c2)) = (
                    u32_at(&r.data, 0),
                    u32_at(&r.data, 4),
                    u16_at(&r.data, 8),
                    u16_at(&r.data, 10),
                ) else {
                    return Err(damaged(
                        file,
                        format!("the dimensions of sheet \"{}\" cannot be read", sheet.name),
                    ));
                };
                let area = u64::from(r2.saturating_sub(r1)) * u64::from(c2.saturating_sub(c1));
                if r2 > BIFF8_ROWS || u32::from(c2) > BIFF8_COLS || area > MAX_SHEET_AREA {
                    return Err(too_wide(file, &sheet.name));
                }
            }
            kind => {
                if let Some((r, c1, c2)) = cell_span(kind, &r.data) {
                    let e = extent.get_or_insert((r, c1, r, c2));
                    *e = (e.0.min(r), e.1.min(c1), e.2.max(r), e.3.max(c2));
                }
            }
        }
    }
    if let Some((r1, c1, r2, c2)) = extent {
        let area = u64::from(r2 - r1 + 1) * u64::from(c2 - c1 + 1);
        if area > MAX_SHEET_AREA {
            return Err(too_wide(file, &sheet.name));
        }
        if area > budget.2 {
            return Err(WorkbookError::TooLarge {
                file: file.to_string(),
                what: format!("its sheets span more than {MAX_TOTAL_AREA} cells together"),
            });
        }
        budget.2 -= area;
    }
    if unreadable_validations > 0 {
        notes.push((
            sheet.name.clone(),
            format!("{unreadable_validations} of its dropdown lists cannot be read from the .xls file, so the cells they cover are imported without their options"),
        ));
    }
    Ok(data)
}

fn too_wide(file: &str, sheet: &str) -> WorkbookError {
    WorkbookError::TooLarge {
        file: file.to_string(),
        what: format!("sheet \"{sheet}\" spans more than {MAX_SHEET_AREA} cells"),
    }
}

/// The row and columns of a cell record calamine keeps (a value or a formula).
fn cell_span(kind: u16, d: &[u8]) -> Option<(u32, u32, u32)> {
    let row = u32::from(u16_at(d, 0)?);
    let col = u32::from(u16_at(d, 2)?);
    match kind {
        // NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA
        0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => Some((row, col, col)),
        // MULRK: the last column ends the record.
        0x00BD => {
            let last = u16_at(d, d.len().checked_sub(2)?)?;
            Some((row, col, u32::from(last).max(col)))
        }
        _ => None,
    }
}

/// A Ref8 (first row, last row, first column, last column) at `at`.
fn ref8(d: &[u8], at: usize) -> Option<Range> {
    let (r1, r2, c1, c2) = (
        u32::from(u16_at(d, at)?),
        u32::from(u16_at(d, at + 2)?),
        u32::from(u16_at(d, at + 4)?),
        u32::from(u16_at(d, at + 6)?),
    );
    Some(Range {
        r1: r1.min(r2),
        c1: c1.min(c2),
        r2: r1.max(r2),
        c2: c1.max(c2),
    })
}

/// A DV record: its type, its first formula as workbook.xml would write it, and its ranges.
fn parse_dv(d: &[u8], g: &Globals) -> Option<Validation> {
    let flags = u32_at(d, 0)?;
    let kind = match flags & 0x0F {
        0 => "none",
        1 => "whole",
        2 => "decimal",
        3 => "list",
        4 => "date",
        5 => "time",
        6 => "textLength",
        _ => "custom",
    };
    // Prompt title, error title, prompt, error.
    let mut at = 4;
    for _ in 0..4 {
        at = unicode_string(d, at)?.1;
    }
    let cce = usize::from(u16_at(d, at)?);
    let rgce = d.get(at + 4..at + 4 + cce)?;
    at += 4 + cce;
    let cce2 = usize::from(u16_at(d, at)?);
    at += 4 + cce2;
    let n = usize::from(u16_at(d, at)?);
    at += 2;
    let mut ranges = Vec::new();
    for i in 0..n {
        ranges.push(ref8(d, at + 8 * i)?);
    }
    let formula = if kind == "list" {
        decode_formula(rgce, g).unwrap_or_else(|| UNDECODED_LIST.to_string())
    } else {
        String::new()
    };
    Some(Validation {
        kind: kind.to_string(),
        formula,
        ranges,
    })
}

/// `'Sheet name'` with quotes doubled.
fn quoted(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

fn a1(row: u32, col: u32) -> String {
    format!("${}${}", column_letters(col), row + 1)
}

fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(char::from(b'A' + (col % 26) as u8));
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.iter().rev().collect()
}

/// A list formula of one token, in the text workbook.xml uses for it: an explicit list
/// (`"Yes,No"`), a cell or range on this sheet (`$B$2:$B$5`) or another (`'Lists'!$B$2:$B$5`),
/// or a defined name. `None` for anything else (an expression, another workbook).
fn decode_formula(rgce: &[u8], g: &Globals) -> Option<String> {
    let token = *rgce.first()?;
    let d = &rgce[1..];
    // Reference tokens come in three classes (0x20, 0x40, 0x60) of the same layout.
    let base = if token >= 0x20 {
        token & 0x1F | 0x20
    } else {
        token
    };
    let (text, used) = match base {
        0x17 => {
            let cch = usize::from(*d.first()?);
            let (s, end) = chars_at(d, 1, cch)?;
            let list: Vec<String> = s.split('\0').map(|v| v.replace('"', "\"\"")).collect();
            (format!("\"{}\"", list.join(",")), end)
        }
        0x24 => {
            let (r, c) = (u32::from(u16_at(d, 0)?), u32::from(u16_at(d, 2)? & 0x3FFF));
            (a1(r, c), 4)
        }
        0x25 => (area(d, 0)?, 8),
        0x3A => {
            let prefix = sheet_prefix(g, u16_at(d, 0)?)?;
            let (r, c) = (u32::from(u16_at(d, 2)?), u32::from(u16_at(d, 4)? & 0x3FFF));
            (format!("{prefix}!{}", a1(r, c)), 6)
        }
        0x3B => {
            let prefix = sheet_prefix(g, u16_at(d, 0)?)?;
            (format!("{prefix}!{}", area(d, 2)?), 10)
        }
        0x23 => {
            let i = usize::from(u16_at(d, 0)?);
            let (name, _, _) = g.names.get(i.checked_sub(1)?)?;
            if name.is_empty() {
                return None;
            }
            (name.clone(), 4)
        }
        _ => return None,
    };
    // One token only: anything after it makes an expression this reader does not evaluate.
    (d.len() == used).then_some(text)
}

fn area(d: &[u8], at: usize) -> Option<String> {
    let (r1, r2) = (u32::from(u16_at(d, at)?), u32::from(u16_at(d, at + 2)?));
    let (c1, c2) = (
        u32::from(u16_at(d, at + 4)? & 0x3FFF),
        u32::from(u16_at(d, at + 6)? & 0x3FFF),
    );
    if (r1, c1) == (r2, c2) {
        return Some(a1(r1, c1));
    }
    Some(format!("{}:{}", a1(r1, c1), a1(r2, c2)))
}

/// The sheet an EXTERNSHEET entry names, quoted; `None` for another workbook.
fn sheet_prefix(g: &Globals, ixti: u16) -> Option<String> {
    let &(book, first) = g.xti.get(usize::from(ixti))?;
    if !g.supbook_is_self.get(usize::from(book)).copied()? {
        return None;
    }
    let sheet = g.sheets.get(usize::try_from(first).ok()?)?;
    Some(quoted(&sheet.name))
}

/// One sheet as calamine reads it: its values and its formulas (`None` for a chart sheet).
pub(crate) type Grid = Option<(
    Option<calamine::Range<Data>>,
    Option<calamine::Range<String>>,
)>;

/// Every sheet's values and formulas from calamine, and the title. calamine reads the whole
/// workbook at once, so a panic in it on a hostile file is turned into a sentence. The sheets'
/// extents were checked first (`read_sheet_records`), which bounds what calamine allocates.
pub(crate) fn grids(
    bytes: &[u8],
    file: &str,
    sheets: &[SheetInfo],
) -> Result<(Option<String>, Vec<Grid>), WorkbookError> {
    let result = std::panic::catch_unwind(|| {
        let mut book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let title = book.workbook_properties().ok().and_then(|p| p.title);
        let mut grids = Vec::new();
        for sheet in sheets {
            if sheet.part.is_none() {
                grids.push(None);
                continue;
            }
            let values = book.worksheet_range(&sheet.name).ok();
            let formulas = book.worksheet_formula(&sheet.name).ok();
            grids.push(Some((values, formulas)));
        }
        Ok::<_, String>((title, grids))
    });
    match result {
        Ok(Ok(found)) => Ok(found),
        Ok(Err(reason)) => Err(damaged(file, reason)),
        Err(_) => Err(damaged(file, "its cells cannot be read".to_string())),
    }
}

/// Cell values and formula flags into the model; the title.
fn read_cells(
    bytes: &[u8],
    file: &str,
    sheets: &mut [SheetInfo],
) -> Result<Option<String>, WorkbookError> {
    let (title, grids) = grids(bytes, file, sheets)?;
    let mut budget = MAX_CELLS;
    for (sheet, grid) in sheets.iter_mut().zip(grids) {
        let Some((values, formulas)) = grid else {
            continue;
        };
        let mut cells: BTreeMap<(u32, u32), CellValue> = BTreeMap::new();
        if let Some(formulas) = formulas {
            let (r0, c0) = formulas.start().unwrap_or((0, 0));
            for (r, c, f) in formulas.cells() {
                if !f.is_empty() {
                    cells.insert(
                        (r0 + r as u32, c0 + c as u32),
                        CellValue {
                            text: String::new(),
                            formula: true,
                            cross_sheet: f.contains('!'),
                        },
                    );
                }
            }
        }
        if let Some(values) = values {
            let (r0, c0) = values.start().unwrap_or((0, 0));
            for (r, c, v) in values.cells() {
                let text = cell_text(v);
                let at = (r0 + r as u32, c0 + c as u32);
                if text.is_empty() {
                    continue;
                }
                cells
                    .entry(at)
                    .or_insert(CellValue {
                        text: String::new(),
                        formula: false,
                        cross_sheet: false,
                    })
                    .text = text;
            }
        }
        if cells.len() > budget {
            return Err(WorkbookError::TooLarge {
                file: file.to_string(),
                what: format!(
                    "sheet \"{}\" takes the workbook past {MAX_CELLS} filled cells",
                    sheet.name
                ),
            });
        }
        budget -= cells.len();
        sheet.data.cells = cells;
    }
    Ok(title.filter(|t| !t.trim().is_empty()))
}

/// A value as workbook.xml holds it: numbers (dates too, as their serial) in their shortest
/// form, booleans as TRUE/FALSE, errors as Excel shows them.
pub(crate) fn cell_text(v: &Data) -> String {
    match v {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Bool(true) => "TRUE".to_string(),
        Data::Bool(false) => "FALSE".to_string(),
        Data::Error(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_excel_letters_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(255), "IV");
    }

    #[test]
    fn list_formulas_decode_to_the_text_workbook_xml_uses() {
        let g = Globals {
            sheets: vec![
                BoundSheet {
                    name: "Form".to_string(),
                    state: SheetState::Visible,
                    grid: true,
                    offset: 0,
                },
                BoundSheet {
                    name: "It's lists".to_string(),
                    state: SheetState::Hidden,
                    grid: true,
                    offset: 0,
                },
            ],
            supbook_is_self: vec![true, false],
            xti: vec![(0, 1), (1, 0)],
            names: vec![("YesNo".to_string(), None, Vec::new())],
        };
        // tStr "Yes\0No\0Out of Scope"
        let s = "Yes\0No\0Out of Scope";
        let mut t = vec![0x17, s.len() as u8, 0];
        t.extend_from_slice(s.as_bytes());
        assert_eq!(
            decode_formula(&t, &g).as_deref(),
            Some("\"Yes,No,Out of Scope\"")
        );
        // tArea $L$6:$L$9
        let t = [0x25, 5, 0, 8, 0, 11, 0xC0, 11, 0xC0];
        assert_eq!(decode_formula(&t, &g).as_deref(), Some("$L$6:$L$9"));
        // tArea3d on the second sheet, and on another workbook
        let t = [0x3B, 0, 0, 1, 0, 4, 0, 1, 0, 1, 0];
        assert_eq!(
            decode_formula(&t, &g).as_deref(),
            Some("'It''s lists'!$B$2:$B$5")
        );
        let t = [0x3B, 1, 0, 1, 0, 4, 0, 1, 0, 1, 0];
        assert_eq!(decode_formula(&t, &g), None);
        // tName 1, and a name past the list
        assert_eq!(
            decode_formula(&[0x43, 1, 0, 0, 0], &g).as_deref(),
            Some("YesNo")
        );
        assert_eq!(decode_formula(&[0x43, 2, 0, 0, 0], &g), None);
        // Truncated tokens and expressions are not decoded.
        assert_eq!(decode_formula(&[0x25, 5, 0], &g), None);
        assert_eq!(decode_formula(&[0x24, 1, 0, 1, 0, 0x03], &g), None);
        assert_eq!(decode_formula(&[], &g), None);
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;

    fn fixture(name: &str) -> Workbook {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        read_workbook(&bytes, name).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// LibreOffice wrote DV records of every list kind, and they are read as workbook.xml
    /// would give them.
    #[test]
    fn the_fixtures_hold_every_kind_of_dropdown_list() {
        let mut formulas = Vec::new();
        for name in ["scal-standard.xls", "scal-moved.xls"] {
            let wb = fixture(name);
            assert!(wb.legacy);
            for s in &wb.sheets {
                formulas.extend(
                    s.data
                        .validations
                        .iter()
                        .map(|v| (v.kind.clone(), v.formula.clone())),
                );
            }
            let names: Vec<(&str, &str)> = wb
                .names
                .iter()
                .map(|n| (n.name.as_str(), n.formula.as_str()))
                .collect();
            assert_eq!(
                names,
                [
                    ("ComplianceList", "'Lists'!$A$1:$A$4"),
                    ("YesNoList", "'Lists'!$C$1:$C$3")
                ]
            );
            let (_, lists) = wb.sheet("Lists").expect("the Lists sheet");
            assert_eq!(lists.state, SheetState::Hidden);
            let (_, form) = wb
                .sheet("Supplier & Product information")
                .expect("the form");
            assert!(form.data.merges.len() >= 20, "the form's merges are read");
        }
        let has = |f: &str| formulas.iter().any(|(k, g)| k == "list" && g == f);
        assert!(
            has("\"Please Select\u{2026},Yes,No\""),
            "an inline list: {formulas:?}"
        );
        assert!(has("'Lists'!$B$1:$B$3"), "a range on another sheet");
        assert!(has("ComplianceList") && has("YesNoList"), "defined names");
        assert!(has("$K$1:$K$3"), "a range on the same sheet");
    }
}

#[cfg(test)]
mod record_tests {
    use std::io::Write as _;

    use super::*;

    fn rec(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut r = kind.to_le_bytes().to_vec();
        r.extend_from_slice(&(data.len() as u16).to_le_bytes());
        r.extend_from_slice(data);
        r
    }

    /// A DV record of type list over A1:A3 with the given formula tokens.
    fn dv(rgce: &[u8]) -> Vec<u8> {
        let mut d = 3u32.to_le_bytes().to_vec();
        for _ in 0..4 {
            d.extend_from_slice(&[1, 0, 0, 0]); // an empty string: one NUL
        }
        d.extend_from_slice(&(rgce.len() as u16).to_le_bytes());
        d.extend_from_slice(&[0, 0]);
        d.extend_from_slice(rgce);
        d.extend_from_slice(&[0, 0, 0, 0]); // no second formula
        d.extend_from_slice(&1u16.to_le_bytes());
        d.extend_from_slice(&[0, 0, 2, 0, 0, 0, 0, 0]);
        rec(DV, &d)
    }

    fn workbook_with(sheet_records: &[Vec<u8>]) -> Workbook {
        let bof = |dt: u8| {
            let mut d = vec![0x00, 0x06, dt, 0x00];
            d.resize(16, 0);
            rec(BOF, &d)
        };
        let bound = |offset: u32| {
            let mut d = offset.to_le_bytes().to_vec();
            d.extend_from_slice(&[0, 0, 1, 0, b'S']);
            rec(BOUNDSHEET, &d)
        };
        let globals_len = bof(5).len() + bound(0).len() + 4;
        let mut stream = bof(5);
        stream.extend(bound(globals_len as u32));
        stream.extend(rec(EOF, &[]));
        stream.extend(bof(0x10));
        for r in sheet_records {
            stream.extend_from_slice(r);
        }
        stream.extend(rec(EOF, &[]));
        let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("a container");
        cf.create_stream("Workbook")
            .expect("a stream")
            .write_all(&stream)
            .expect("written");
        cf.flush().expect("flushed");
        let bytes = cf.into_inner().into_inner();
        read_workbook(&bytes, "t.xls").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn lists_that_cannot_be_read_are_said_so() {
        // An expression (tInt 1, tInt 2, tAdd), and a DV record cut short.
        let wb = workbook_with(&[
            dv(&[0x1E, 1, 0, 0x1E, 2, 0, 0x03]),
            rec(DV, &[3, 0, 0, 0, 1, 0]),
        ]);
        let v = &wb.sheets[0].data.validations;
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].kind, "list");
        assert_eq!(v[0].formula, UNDECODED_LIST);
        assert!(v[0].ranges[0].contains(2, 0));
        assert_eq!(
            wb.notes,
            [(
                "S".to_string(),
                "1 of its dropdown lists cannot be read from the .xls file, so the cells they cover are imported without their options".to_string()
            )]
        );
        // An explicit list is read as workbook.xml writes it.
        let mut t = vec![0x17, 6, 0];
        t.extend_from_slice(b"Yes\0No");
        let wb = workbook_with(&[dv(&t)]);
        assert_eq!(wb.sheets[0].data.validations[0].formula, "\"Yes,No\"");
        assert!(wb.notes.is_empty());
    }
}
