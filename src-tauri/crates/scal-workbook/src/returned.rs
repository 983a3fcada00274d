//! A workbook as the assessor returns it: its cells, its document properties, and the remarks
//! written on it — Excel notes (`xl/comments*.xml`, the legacy comments) and threaded comments
//! (`xl/threadedComments/*.xml`, with their authors in `xl/persons/person.xml`).
//!
//! Read with the importer's bounded reader (`package`, `ooxml`): a returned file is as untrusted
//! as any other. Nothing here knows which cells are whose; the review import matches cells
//! against what the draft recorded it wrote.

use std::collections::{BTreeMap, HashMap};

use quick_xml::events::Event;
use scal_core::template::parse_cell_ref;

use crate::error::WorkbookError;
use crate::ooxml::{self, read_rels, xml_error};
use crate::package::Package;
use crate::xml;

const REL_COMMENTS: &str = "/comments";
const REL_THREADED: &str = "/threadedComment";
const REL_PERSON: &str = "/person";

/// Excel's stand-in note for a threaded comment, shown by versions that cannot read threads.
const THREADED_STAND_IN: &str = "[Threaded comment]";

/// The most remarks read from one workbook.
pub const MAX_REMARKS: usize = 100_000;

/// A note or a threaded comment on one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRemark {
    pub sheet: String,
    /// A1 reference.
    pub cell: String,
    pub author: String,
    /// When the workbook dates it (threaded comments do, notes do not), as written there.
    pub at: Option<String>,
    pub text: String,
    /// A threaded comment's id, and the id of the comment it replies to.
    pub id: Option<String>,
    pub parent: Option<String>,
    pub threaded: bool,
}

/// One sheet's cell texts, by zero-based (row, column).
#[derive(Debug, Default)]
struct Sheet {
    name: String,
    cells: BTreeMap<(u32, u32), String>,
}

/// A returned workbook, read.
#[derive(Debug)]
pub struct Returned {
    sheets: Vec<Sheet>,
    /// Custom document properties (`docProps/custom.xml`), by name.
    pub custom: BTreeMap<String, String>,
    /// Who saved it last (`docProps/core.xml`), when it says and it is not the workbook's own
    /// author (a writer that keeps the author we wrote, the supplier, says nothing of who
    /// reviewed it).
    pub last_modified_by: Option<String>,
    pub remarks: Vec<CellRemark>,
}

impl Returned {
    /// Reads a returned `.xlsx`. A password-protected file (Office encrypts it into an OLE
    /// container) and a legacy `.xls` are refused with a sentence, as is anything damaged.
    pub fn read(bytes: &[u8], file: &str) -> Result<Returned, WorkbookError> {
        if crate::xls::is_ole(bytes) {
            // The .xls reader tells a password-protected file from a legacy workbook.
            crate::xls::read_workbook(bytes, file)?;
            return Err(WorkbookError::NotXlsx {
                file: file.to_string(),
                reason:
                    "it is a legacy .xls workbook: ask for the .xlsx that was sent, saved as .xlsx"
                        .to_string(),
            });
        }
        let mut pkg = Package::open(bytes, file)?;
        let wb = ooxml::read_workbook(&mut pkg)?;
        let book_part = ooxml::workbook_part(&mut pkg)?;
        let book_rels = read_rels(&mut pkg, &book_part)?;
        let persons = match book_rels
            .values()
            .find(|r| r.kind.ends_with(REL_PERSON) && !r.external)
        {
            Some(rel) => read_persons(&mut pkg, &rel.target.clone())?,
            None => HashMap::new(),
        };
        let mut sheets = Vec::new();
        let mut remarks = Vec::new();
        for info in wb.sheets {
            if let Some(part) = &info.part {
                let rels = read_rels(&mut pkg, part)?;
                let mut threaded_cells = Vec::new();
                for rel in rels.values().filter(|r| !r.external) {
                    if rel.kind.ends_with(REL_THREADED) {
                        let found = read_threaded(&mut pkg, &rel.target, &info.name, &persons)?;
                        threaded_cells.extend(found.iter().map(|r| r.cell.clone()));
                        remarks.extend(found);
                    }
                }
                for rel in rels.values().filter(|r| !r.external) {
                    if rel.kind.ends_with(REL_COMMENTS) {
                        let notes = read_notes(&mut pkg, &rel.target, &info.name)?;
                        remarks.extend(notes.into_iter().filter(|n| {
                            !threaded_cells.contains(&n.cell)
                                && !n.text.trim_start().starts_with(THREADED_STAND_IN)
                        }));
                    }
                }
                if remarks.len() > MAX_REMARKS {
                    return Err(WorkbookError::TooLarge {
                        file: file.to_string(),
                        what: format!("it has more than {MAX_REMARKS} notes and comments"),
                    });
                }
            }
            sheets.push(Sheet {
                name: info.name,
                cells: info
                    .data
                    .cells
                    .into_iter()
                    .map(|(at, v)| (at, v.text))
                    .collect(),
            });
        }
        // Notes in a stable order: sheet order, then row and column.
        let order: HashMap<&str, usize> = sheets
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        remarks.sort_by_key(|r| {
            (
                order.get(r.sheet.as_str()).copied().unwrap_or(usize::MAX),
                parse_cell_ref(&r.cell).unwrap_or((u32::MAX, u32::MAX)),
                r.threaded,
                r.at.clone(),
            )
        });
        let custom = read_custom(&mut pkg)?;
        let creator = read_core_field(&mut pkg, "creator")?;
        let last_modified_by =
            read_core_field(&mut pkg, "lastModifiedBy")?.filter(|by| Some(by) != creator.as_ref());
        Ok(Returned {
            sheets,
            custom,
            last_modified_by,
            remarks,
        })
    }

    /// Whether a sheet of that name is there (Excel's names are case-insensitive).
    pub fn has_sheet(&self, name: &str) -> bool {
        self.sheet(name).is_some()
    }

    /// The sheets' names, in workbook order.
    pub fn sheet_names(&self) -> Vec<&str> {
        self.sheets.iter().map(|s| s.name.as_str()).collect()
    }

    /// The text of a cell (a number as written in the file, e.g. a date's serial), empty when
    /// the cell is empty or the sheet or reference is not there.
    pub fn cell(&self, sheet: &str, cell: &str) -> &str {
        let Some(s) = self.sheet(sheet) else {
            return "";
        };
        parse_cell_ref(cell)
            .and_then(|at| s.cells.get(&at))
            .map_or("", String::as_str)
    }

    fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }
}

fn read_persons(
    pkg: &mut Package<'_>,
    part: &str,
) -> Result<HashMap<String, String>, WorkbookError> {
    let mut out = HashMap::new();
    let Some(text) = pkg.read_text(part)? else {
        return Ok(out);
    };
    let mut r = xml::reader(&text);
    loop {
        match xml::next(&mut r).map_err(|e| xml_error(pkg, part, e))? {
            Event::Start(e) | Event::Empty(e) if xml::local(&e) == "person" => {
                if let (Some(id), Some(name)) = (xml::attr(&e, "id"), xml::attr(&e, "displayName"))
                {
                    out.insert(id, name);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The text of every `<t>` inside the element just opened, up to its end tag `end`.
fn text_until(
    pkg: &Package<'_>,
    part: &str,
    r: &mut quick_xml::Reader<&[u8]>,
    end: &str,
) -> Result<String, WorkbookError> {
    let mut out = String::new();
    let mut in_t = false;
    loop {
        let ev = xml::next(r).map_err(|e| xml_error(pkg, part, e))?;
        match &ev {
            Event::Start(e) if xml::local(e) == "t" => in_t = true,
            Event::End(e) if ends(e, "t") => in_t = false,
            Event::End(e) if ends(e, end) => break,
            Event::Eof => break,
            ev if in_t => xml::push_text(ev, &mut out).map_err(|e| xml_error(pkg, part, e))?,
            _ => {}
        }
    }
    Ok(xml::decode_ooxml(&out).into_owned())
}

fn read_notes(
    pkg: &mut Package<'_>,
    part: &str,
    sheet: &str,
) -> Result<Vec<CellRemark>, WorkbookError> {
    let Some(text) = pkg.read_text(part)? else {
        return Ok(Vec::new());
    };
    let mut authors: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut r = xml::reader(&text);
    loop {
        let ev = xml::next(&mut r).map_err(|e| xml_error(pkg, part, e))?;
        match &ev {
            Event::Start(e) if xml::local(e) == "author" => {
                authors.push(text_of_plain(pkg, part, &mut r, "author")?);
            }
            Event::Start(e) if xml::local(e) == "comment" => {
                let cell = xml::attr(e, "ref").unwrap_or_default();
                let author = xml::attr(e, "authorId")
                    .and_then(|i| i.parse::<usize>().ok())
                    .and_then(|i| authors.get(i).cloned())
                    .unwrap_or_default();
                let body = text_until(pkg, part, &mut r, "comment")?;
                out.push(CellRemark {
                    sheet: sheet.to_string(),
                    cell,
                    text: strip_author_prefix(&body, &author),
                    author,
                    at: None,
                    id: None,
                    parent: None,
                    threaded: false,
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Excel starts a note with its author's name in bold (`A. Assessor:\n…`): said once already.
fn strip_author_prefix(body: &str, author: &str) -> String {
    let body = body.trim();
    if !author.is_empty() {
        if let Some(rest) = body.strip_prefix(author) {
            if let Some(rest) = rest.strip_prefix(':') {
                return rest.trim().to_string();
            }
        }
    }
    body.to_string()
}

/// The character data of a simple element (`<author>name</author>`).
fn text_of_plain(
    pkg: &Package<'_>,
    part: &str,
    r: &mut quick_xml::Reader<&[u8]>,
    end: &str,
) -> Result<String, WorkbookError> {
    let mut out = String::new();
    loop {
        let ev = xml::next(r).map_err(|e| xml_error(pkg, part, e))?;
        match &ev {
            Event::End(e) if ends(e, end) => break,
            Event::Eof => break,
            ev => xml::push_text(ev, &mut out).map_err(|e| xml_error(pkg, part, e))?,
        }
    }
    Ok(out)
}

fn read_threaded(
    pkg: &mut Package<'_>,
    part: &str,
    sheet: &str,
    persons: &HashMap<String, String>,
) -> Result<Vec<CellRemark>, WorkbookError> {
    let Some(text) = pkg.read_text(part)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut r = xml::reader(&text);
    let mut open: Option<CellRemark> = None;
    loop {
        let ev = xml::next(&mut r).map_err(|e| xml_error(pkg, part, e))?;
        match &ev {
            Event::Start(e) if xml::local(e) == "threadedComment" => {
                open = Some(CellRemark {
                    sheet: sheet.to_string(),
                    cell: xml::attr(e, "ref").unwrap_or_default(),
                    author: xml::attr(e, "personId")
                        .and_then(|p| persons.get(&p).cloned())
                        .unwrap_or_default(),
                    at: xml::attr(e, "dT"),
                    text: String::new(),
                    id: xml::attr(e, "id"),
                    parent: xml::attr(e, "parentId"),
                    threaded: true,
                });
            }
            Event::Start(e) if xml::local(e) == "text" => {
                let body = text_of_plain(pkg, part, &mut r, "text")?;
                if let Some(c) = open.as_mut() {
                    c.text = xml::decode_ooxml(body.trim()).into_owned();
                }
            }
            Event::End(e) if ends(e, "threadedComment") => {
                out.extend(open.take());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The custom document properties: `<property name="…"><vt:lpwstr>value</vt:lpwstr></property>`.
fn read_custom(pkg: &mut Package<'_>) -> Result<BTreeMap<String, String>, WorkbookError> {
    let part = "docProps/custom.xml";
    let mut out = BTreeMap::new();
    let Some(text) = pkg.read_text(part)? else {
        return Ok(out);
    };
    let mut r = xml::reader(&text);
    let mut name: Option<String> = None;
    let mut value = String::new();
    let mut depth = 0usize;
    loop {
        let ev = xml::next(&mut r).map_err(|e| xml_error(pkg, part, e))?;
        match &ev {
            Event::Start(e) if xml::local(e) == "property" => {
                name = xml::attr(e, "name");
                value.clear();
                depth = 0;
            }
            Event::Start(_) if name.is_some() => depth += 1,
            Event::End(e) if ends(e, "property") => {
                if let Some(n) = name.take() {
                    out.insert(n, value.trim().to_string());
                }
            }
            Event::End(_) if name.is_some() => depth = depth.saturating_sub(1),
            Event::Eof => break,
            ev if name.is_some() && depth > 0 => {
                xml::push_text(ev, &mut value).map_err(|e| xml_error(pkg, part, e))?;
            }
            _ => {}
        }
    }
    Ok(out)
}

/// One field of `docProps/core.xml` (`lastModifiedBy`, `creator`), when present and not blank.
fn read_core_field(pkg: &mut Package<'_>, field: &str) -> Result<Option<String>, WorkbookError> {
    let part = "docProps/core.xml";
    let Some(text) = pkg.read_text(part)? else {
        return Ok(None);
    };
    let mut r = xml::reader(&text);
    loop {
        let ev = xml::next(&mut r).map_err(|e| xml_error(pkg, part, e))?;
        match &ev {
            Event::Start(e) if xml::local(e) == field => {
                let v = text_of_plain(pkg, part, &mut r, field)?;
                let v = v.trim();
                return Ok((!v.is_empty()).then(|| v.to_string()));
            }
            Event::Eof => return Ok(None),
            _ => {}
        }
    }
}

/// Whether an end tag closes the element of local name `name` (prefix ignored).
fn ends(e: &quick_xml::events::BytesEnd<'_>, name: &str) -> bool {
    e.local_name().into_inner() == name
}
