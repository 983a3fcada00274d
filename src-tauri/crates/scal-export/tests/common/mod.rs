//! Drafts to export and independent readers of what comes out: calamine for the workbook,
//! the zip's own XML for what calamine does not expose, lopdf's text extraction for the PDF.
#![allow(dead_code)]
// each test binary uses its own share of these helpers
// Test support: a failed step is a failing test with its location, as in the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use chrono::{DateTime, TimeZone, Utc};
use scal_core::{Item, ItemKind, Template, Value};
use scal_store::{AnswerChange, Draft};

pub const TEMPLATE: &str = "uec-appointment-booking";

/// Text answers cycle through these: formula-like text, Welsh, accents, typographic quotes,
/// Greek and Cyrillic. Each must come out exactly as it went in.
pub const SAMPLES: &[&str] = &[
    "Gwasanaeth Iechyd Gwladol Cymru \u{175} \u{177}",
    "=1+1",
    "+44 20 7946 0000",
    "-1",
    "@SUM(A1)",
    "Caf\u{e9} \u{201c}na\u{ef}ve\u{201d} r\u{e9}sum\u{e9} \u{2014} it\u{2019}s fine",
    "\u{395}\u{3bb}\u{3bb}\u{3b7}\u{3bd}\u{3b9}\u{3ba}\u{3ac} \u{3ba}\u{3b5}\u{3af}\u{3bc}\u{3b5}\u{3bd}\u{3bf}",
    "\u{417}\u{434}\u{440}\u{430}\u{432}\u{441}\u{442}\u{432}\u{443}\u{439}\u{442}\u{435}",
];

pub const WELSH: &str = "Gwasanaeth Iechyd Gwladol Cymru \u{175} \u{177}";
pub const GREEK: &str = "\u{395}\u{3bb}\u{3bb}\u{3b7}\u{3bd}\u{3b9}\u{3ba}\u{3ac} \u{3ba}\u{3b5}\u{3af}\u{3bc}\u{3b5}\u{3bd}\u{3bf}";
pub const TYPOGRAPHIC: &str =
    "Caf\u{e9} \u{201c}na\u{ef}ve\u{201d} r\u{e9}sum\u{e9} \u{2014} it\u{2019}s fine";

pub fn export_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 30, 9, 15, 0)
        .single()
        .unwrap()
}

pub fn new_draft(dir: &Path, name: &str) -> Draft {
    let json = scal_core::bundled_template_json(TEMPLATE).expect("the bundled template exists");
    Draft::create(&dir.join(name), json, "tester").expect("draft created")
}

/// A value for every answerable item of the template, by kind; requirements cycle through
/// Yes, No (with a mitigation) and Out of Scope (with a justification).
pub fn answers_for(template: &Template) -> Vec<(String, AnswerChange)> {
    let mut changes = Vec::new();
    let mut text_n = 0;
    let mut req_n = 0;
    for (_, item) in template.items() {
        if !item.is_answerable() {
            continue;
        }
        let (value, comment) = match &item.kind {
            ItemKind::Text | ItemKind::LongText => {
                text_n += 1;
                (
                    Value::One(SAMPLES[text_n % SAMPLES.len()].to_string()),
                    String::new(),
                )
            }
            ItemKind::Email => (Value::One("cso@example.nhs.uk".into()), String::new()),
            ItemKind::OdsCode => (Value::One("8JK12".into()), String::new()),
            ItemKind::Version => (Value::One("2.4.1".into()), String::new()),
            ItemKind::Date { .. } => (Value::One("2026-03-01".into()), String::new()),
            ItemKind::Choice { options, .. } => (Value::One(options[0].clone()), String::new()),
            ItemKind::MultiChoice { options, other } => {
                // The first two, and the UEC services, so both service sections apply.
                let mut v: Vec<String> = options
                    .iter()
                    .enumerate()
                    .filter(|(i, o)| *i < 2 || o.contains("UEC Appointment Booking"))
                    .map(|(_, o)| o.clone())
                    .collect();
                if *other {
                    v.push("Other: community pharmacy hubs".into());
                }
                (Value::Many(v), String::new())
            }
            ItemKind::YesNo { .. } => (Value::One("Yes".into()), String::new()),
            ItemKind::Declaration { .. } => (Value::One("Yes".into()), String::new()),
            ItemKind::Requirement(_) => {
                req_n += 1;
                match req_n % 3 {
                    // Every sample lands in a comment of a shown row.
                    0 => (
                        Value::One("Yes".into()),
                        SAMPLES[(req_n / 3) % SAMPLES.len()].to_string(),
                    ),
                    1 => (
                        Value::One("No".into()),
                        format!("Mitigation for {}: {TYPOGRAPHIC}", item.id),
                    ),
                    _ => (
                        Value::One("Out of Scope".into()),
                        format!("Not offered: {GREEK}"),
                    ),
                }
            }
            ItemKind::Guidance { .. } => (
                Value::One(scal_core::template::ACKNOWLEDGED.into()),
                String::new(),
            ),
            ItemKind::EvidenceSlot => continue,
        };
        changes.push((
            item.id.clone(),
            AnswerChange {
                value: Some(Some(value)),
                comment: Some(comment),
            },
        ));
    }
    changes
}

/// A draft with every item answered and evidence on both slots of each service section and
/// on a few requirements (one file linked twice).
pub fn filled_draft(dir: &Path) -> Draft {
    let mut draft = new_draft(dir, "acme-booking.scal");
    let changes = answers_for(&draft.template().clone());
    draft.apply(&changes, "tester").expect("answers accepted");
    let template = draft.template().clone();
    let slots: Vec<String> = template
        .items()
        .filter(|(_, i)| matches!(i.kind, ItemKind::EvidenceSlot))
        .map(|(_, i)| i.id.clone())
        .collect();
    for (n, slot) in slots.iter().enumerate() {
        let body = format!("%PDF-1.4 conformance report {n} for {slot}\n").repeat(50);
        let name = format!("report-{n}.pdf");
        draft
            .attach_reader(
                slot,
                &name,
                &mut body.as_bytes(),
                None,
                "tester",
                &mut |_, _| {},
            )
            .unwrap();
    }
    let shared = b"shared test log: every case passed\n".repeat(100);
    for req in requirement_ids(&template).iter().take(3) {
        draft
            .attach_reader(
                req,
                "test-log.txt",
                &mut &shared[..],
                None,
                "tester",
                &mut |_, _| {},
            )
            .unwrap();
    }
    draft
}

pub fn requirement_ids(template: &Template) -> Vec<String> {
    template
        .items()
        .filter(|(_, i)| matches!(i.kind, ItemKind::Requirement(_)))
        .map(|(_, i)| i.id.clone())
        .collect()
}

pub fn item<'a>(template: &'a Template, id: &str) -> &'a Item {
    template.item(id).unwrap().1
}

/// The file of one kind in an export folder.
pub fn output(dir: &Path, suffix: &str) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(suffix))
        .unwrap_or_else(|| panic!("no *{suffix} in {}", dir.display()))
}

/// Every sheet of a workbook as calamine reads it.
pub fn read_sheets(path: &Path) -> BTreeMap<String, Range<Data>> {
    let mut book: Xlsx<_> = open_workbook(path).expect("calamine opens the workbook");
    book.worksheets().into_iter().collect()
}

/// The row of each item, found through the sheets' "Item ID" column: (sheet, row, cells).
pub fn rows_by_item(
    sheets: &BTreeMap<String, Range<Data>>,
) -> BTreeMap<String, (String, usize, Vec<Data>)> {
    let mut out = BTreeMap::new();
    for (name, range) in sheets {
        let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        let Some((header_row, id_col)) = rows.iter().enumerate().find_map(|(r, cells)| {
            cells
                .iter()
                .position(|c| matches!(c, Data::String(s) if s == "Item ID"))
                .map(|c| (r, c))
        }) else {
            continue;
        };
        // Rows above the requirements table (status, evidence slots, declarations) carry their
        // id in the same column.
        for (r, cells) in rows.iter().enumerate().filter(|(r, _)| *r != header_row) {
            if let Some(Data::String(id)) = cells.get(id_col) {
                out.insert(id.clone(), (name.clone(), r, cells.clone()));
            }
        }
    }
    out
}

/// The text of one entry of a zip file.
pub fn zip_text(path: &Path, entry: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(entry)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

pub fn zip_names(path: &Path) -> Vec<String> {
    let file = std::fs::File::open(path).unwrap();
    let zip = zip::ZipArchive::new(file).unwrap();
    zip.file_names().map(|n| n.unwrap().into_owned()).collect()
}

/// All the text of a PDF, page by page, as lopdf extracts it through the fonts' ToUnicode maps.
pub fn pdf_pages(path: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(path).expect("lopdf opens the PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|p| doc.extract_text(&[*p]).expect("text extracts"))
        .collect()
}

/// Text with all whitespace removed, so wrapped lines compare equal to the original.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
