//! Filling a requirements catalogue: a sheet of requirements with no column to answer in, so
//! the template adds a Response and a Comment column just right of the table. The headers and
//! answers land there, every other cell reads as before, every zip entry but the sheet, the
//! shared strings and the Excel Table is the same bytes, and the Table grows to take the
//! columns.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test by panicking"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read as _};

use calamine::Data;
use rust_xlsxwriter::{Format, Table, TableColumn, Workbook};
use scal_core::template::parse_cell_ref;
use scal_core::{load_template, Answer, Answers, Template, Value};
use scal_workbook::{fill, FillInput, FillReport, WorkbookError};
use sha2::{Digest, Sha256};

use crate::common::all_cells;

fn key(sheet: &str, a1: &str) -> (String, u32, u32) {
    let (r, c) = parse_cell_ref(a1).expect("a cell");
    (sheet.to_string(), r, c)
}

/// The zip entries, in order, with their raw (compressed) bytes and CRC.
fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>, u32)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut e = zip.by_index_raw(i).expect("an entry");
            let name = e.name().expect("a name").into_owned();
            let crc = e.crc32();
            let mut raw = Vec::new();
            e.read_to_end(&mut raw).expect("read");
            (name, raw, crc)
        })
        .collect()
}

fn entry_text(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut s = String::new();
    zip.by_name(name)
        .expect("the entry")
        .read_to_string(&mut s)
        .expect("text");
    s
}

/// The entries whose bytes differ between the two files (which hold the same entries in the
/// same order).
fn changed_entries(before: &[u8], after: &[u8]) -> BTreeSet<String> {
    let (a, b) = (entries(before), entries(after));
    let names = |v: &[(String, Vec<u8>, u32)]| v.iter().map(|e| e.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "the same entries in the same order");
    a.iter()
        .zip(&b)
        .filter(|(x, y)| x.1 != y.1 || x.2 != y.2)
        .map(|(x, _)| x.0.clone())
        .collect()
}

/// The attributes of the first element named `element` in `xml`, parsed.
fn element_attrs(xml: &str, element: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match r.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.local_name().as_ref() == element =>
            {
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("an attribute");
                        (
                            a.key.as_ref().to_string(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .expect("a value")
                                .into_owned(),
                        )
                    })
                    .collect();
                out.push(attrs);
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The style index of a cell in a sheet's XML.
fn style_of(sheet_xml: &str, a1: &str) -> Option<String> {
    element_attrs(sheet_xml, "c")
        .into_iter()
        .find(|a| a.get("r").map(String::as_str) == Some(a1))
        .and_then(|a| a.get("s").cloned())
}

/// One requirement row of a hand-built template: item id, reference, row (1-based).
struct Row<'a> {
    id: &'a str,
    reference: &'a str,
    row: u32,
}

/// A template of one section on `sheet` whose items answer in two added columns, `response`
/// and `comment` (letters), headed on `header_row` (1-based); checked as every template is.
fn catalogue_template(
    bytes: &[u8],
    file: &str,
    sheet: &str,
    header_row: u32,
    (response, comment): (&str, &str),
    rows: &[Row<'_>],
) -> Template {
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id, "label": r.reference, "type": "requirement",
                "reference": r.reference, "level": "MUST", "options": ["Yes", "No"]
            })
        })
        .collect();
    let cells: serde_json::Map<String, serde_json::Value> = rows
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                serde_json::json!({
                    "response": format!("{response}{}", r.row),
                    "comment": format!("{comment}{}", r.row)
                }),
            )
        })
        .collect();
    let json = serde_json::json!({
        "id": "catalogue", "version": "1.0.0", "title": "Catalogue", "publisher": "test",
        "sections": [{"id": "reqs", "title": sheet, "kind": "service", "items": items}],
        "source": {
            "file_name": file,
            "sha256": hex::encode(Sha256::digest(bytes)),
            "size": bytes.len(),
            "sections": {"reqs": {"sheet": sheet, "added_columns": [
                {"cell": format!("{response}{header_row}"), "header": "Response"},
                {"cell": format!("{comment}{header_row}"), "header": "Comment"}
            ]}},
            "items": cells
        }
    });
    load_template(&json.to_string()).unwrap_or_else(|e| panic!("the template loads: {e:?}"))
}

/// "Yes" or "No" by turns, each with a comment.
fn answers_for(t: &Template) -> Answers {
    let mut answers = Answers::new();
    for (n, (_, item)) in t.items().enumerate() {
        answers.insert(
            item.id.clone(),
            Answer {
                value: Some(Value::One(if n % 2 == 0 { "Yes" } else { "No" }.into())),
                comment: format!("Comment on {} & <more>", item.label),
            },
        );
    }
    answers
}

fn fill_into(bytes: &[u8], t: &Template) -> Result<(Vec<u8>, FillReport), WorkbookError> {
    let dir = tempfile::tempdir().expect("a folder");
    let out = dir.path().join("filled.xlsx");
    let answers = answers_for(t);
    let report = fill(
        bytes,
        t,
        &FillInput {
            answers: &answers,
            evidence: &[],
            statuses: &BTreeMap::new(),
        },
        &out,
    );
    match report {
        Ok(report) => Ok((std::fs::read(&out).expect("written"), report)),
        Err(e) => {
            assert!(!out.exists(), "nothing was written: {e}");
            Err(e)
        }
    }
}

/// Only the added headers and the answers differ; they hold what was written.
fn check_only_added_cells_differ(
    before: &[u8],
    after: &[u8],
    want: &BTreeMap<(String, u32, u32), String>,
) {
    let (a, b) = (all_cells(before), all_cells(after));
    for (k, v) in want {
        assert_eq!(b.get(k), Some(&Data::String(v.clone())), "{k:?}");
        assert_eq!(a.get(k), None, "{k:?} was empty before");
    }
    let keys: BTreeSet<&(String, u32, u32)> = a.keys().chain(b.keys()).collect();
    let unexpected: Vec<_> = keys
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k) && !want.contains_key(*k))
        .collect();
    assert!(unexpected.is_empty(), "other cells changed: {unexpected:?}");
}

/// What a catalogue fill should have written: the headers and each row's answer and comment.
fn expected_cells(
    t: &Template,
    sheet: &str,
    header_row: u32,
    (response, comment): (&str, &str),
    rows: &[Row<'_>],
) -> BTreeMap<(String, u32, u32), String> {
    let answers = answers_for(t);
    let mut want = BTreeMap::new();
    want.insert(
        key(sheet, &format!("{response}{header_row}")),
        "Response".to_string(),
    );
    want.insert(
        key(sheet, &format!("{comment}{header_row}")),
        "Comment".to_string(),
    );
    for r in rows {
        let a = &answers[r.id];
        let Some(Value::One(v)) = &a.value else {
            panic!("one value")
        };
        want.insert(key(sheet, &format!("{response}{}", r.row)), v.clone());
        want.insert(
            key(sheet, &format!("{comment}{}", r.row)),
            a.comment.clone(),
        );
    }
    want
}

const ROWS: [Row<'static>; 3] = [
    Row {
        id: "reqs.cat-1",
        reference: "CAT-1",
        row: 2,
    },
    Row {
        id: "reqs.cat-2",
        reference: "CAT-2",
        row: 3,
    },
    Row {
        id: "reqs.cat-3",
        reference: "CAT-3",
        row: 4,
    },
];

/// A catalogue: an introduction sheet, then "Reqs" with a bold header row (ID, Requirement,
/// Level, Notes) and three requirements, in an Excel Table when `table`; `extra` puts text in
/// a cell of column E (the column the template adds).
fn catalogue(table: bool, extra: Option<&str>) -> Vec<u8> {
    let mut wb = Workbook::new();
    let intro = wb.add_worksheet().set_name("Introduction").expect("a name");
    intro
        .write_string(0, 0, "How to use this catalogue")
        .expect("write");
    let ws = wb.add_worksheet().set_name("Reqs").expect("a name");
    let bold = Format::new().set_bold().set_background_color("#005EB8");
    let headers = ["ID", "Requirement", "Level", "Notes"];
    let rows = [
        [
            "CAT-1",
            "The system searches for free slots.",
            "MUST",
            "n/a",
        ],
        ["CAT-2", "The system books an appointment.", "MUST", ""],
        [
            "CAT-3",
            "The system cancels an appointment.",
            "SHOULD",
            "see spec",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, *v).expect("write");
            }
        }
    }
    if table {
        let columns: Vec<TableColumn> = headers
            .iter()
            .map(|h| TableColumn::new().set_header(*h).set_header_format(&bold))
            .collect();
        let t = Table::new().set_columns(&columns);
        ws.add_table(0, 0, 3, 3, &t).expect("a table");
    } else {
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .expect("write");
        }
    }
    if let Some(text) = extra {
        ws.write_string(2, 4, text).expect("write");
    }
    wb.save_to_buffer().expect("saved")
}

#[test]
fn a_catalogue_without_a_table_gets_its_response_and_comment_columns() {
    let bytes = catalogue(false, None);
    let t = catalogue_template(&bytes, "catalogue.xlsx", "Reqs", 1, ("E", "F"), &ROWS);
    let (filled, report) = fill_into(&bytes, &t).unwrap_or_else(|e| panic!("fills: {e}"));
    check_only_added_cells_differ(
        &bytes,
        &filled,
        &expected_cells(&t, "Reqs", 1, ("E", "F"), &ROWS),
    );
    assert_eq!(
        report.added_columns,
        ["added a Response and a Comment column to sheet \"Reqs\" (columns E–F)"]
    );
    assert_eq!(
        changed_entries(&bytes, &filled),
        BTreeSet::from([
            "xl/sharedStrings.xml".to_string(),
            "xl/worksheets/sheet2.xml".to_string()
        ]),
        "only the sheet and the shared strings changed"
    );
    // The new headers look like the one beside them; the dimension takes the new columns.
    let sheet = entry_text(&filled, "xl/worksheets/sheet2.xml");
    let header_style = style_of(&sheet, "D1").expect("the header is styled");
    assert_eq!(style_of(&sheet, "E1").as_ref(), Some(&header_style));
    assert_eq!(style_of(&sheet, "F1").as_ref(), Some(&header_style));
    let dimension = element_attrs(&sheet, "dimension");
    assert_eq!(dimension[0]["ref"], "A1:F4");
}

#[test]
fn a_catalogue_in_an_excel_table_widens_the_table_to_take_the_new_columns() {
    let bytes = catalogue(true, None);
    let t = catalogue_template(&bytes, "catalogue.xlsx", "Reqs", 1, ("E", "F"), &ROWS);
    let (filled, report) = fill_into(&bytes, &t).unwrap_or_else(|e| panic!("fills: {e}"));
    check_only_added_cells_differ(
        &bytes,
        &filled,
        &expected_cells(&t, "Reqs", 1, ("E", "F"), &ROWS),
    );
    assert_eq!(
        report.added_columns,
        ["added a Response and a Comment column to sheet \"Reqs\" (columns E–F) and widened its table \"Table1\" to take them"]
    );
    assert_eq!(
        changed_entries(&bytes, &filled),
        BTreeSet::from([
            "xl/sharedStrings.xml".to_string(),
            "xl/tables/table1.xml".to_string(),
            "xl/worksheets/sheet2.xml".to_string()
        ])
    );
    let before = entry_text(&bytes, "xl/tables/table1.xml");
    let after = entry_text(&filled, "xl/tables/table1.xml");
    assert_eq!(element_attrs(&before, "table")[0]["ref"], "A1:D4");
    assert_eq!(element_attrs(&after, "table")[0]["ref"], "A1:F4");
    assert_eq!(element_attrs(&after, "autoFilter")[0]["ref"], "A1:F4");
    let columns = element_attrs(&after, "tableColumn");
    let names: Vec<&str> = columns.iter().map(|c| c["name"].as_str()).collect();
    assert_eq!(
        names,
        ["ID", "Requirement", "Level", "Notes", "Response", "Comment"]
    );
    let ids: BTreeSet<&str> = columns.iter().map(|c| c["id"].as_str()).collect();
    assert_eq!(ids.len(), 6, "every column id is unique: {ids:?}");
    assert_eq!(element_attrs(&after, "tableColumns")[0]["count"], "6");
}

#[test]
fn a_column_the_workbook_already_uses_is_refused_and_nothing_is_written() {
    let bytes = catalogue(false, Some("someone's note"));
    let t = catalogue_template(&bytes, "catalogue.xlsx", "Reqs", 1, ("E", "F"), &ROWS);
    let err = fill_into(&bytes, &t).expect_err("refused");
    assert!(matches!(err, WorkbookError::ColumnInUse { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "catalogue.xlsx: sheet \"Reqs\" already uses column E (cell E3 is not empty), where the template's section \"reqs\" adds a column to answer in; nothing was written"
    );
}

/// The real GP Connect Appointment Management capability requirements, when present beside this
/// checkout: three rows of "API Functional Spec. Reqs" (no Excel Table there: its header row
/// is row 1 and its filter ends at column N) answered in added columns O and P; and three rows
/// of "User Stories", whose Excel Table (xl/tables/table1.xml) grows to take K and L.
#[test]
fn the_gp_connect_catalogue_takes_added_columns_and_its_table_grows() {
    let Some(path) = crate::common::reference_file(
        "workbooks/GPC_ApptMgmt_CapabilityRequirements.xlsx",
        "the_gp_connect_catalogue_takes_added_columns_and_its_table_grows",
    ) else {
        return;
    };
    let bytes = std::fs::read(&path).expect("read");
    let file = "GPC_ApptMgmt_CapabilityRequirements.xlsx";
    let cells = all_cells(&bytes);

    // API Functional Spec. Reqs: rows 4–6, IDs in column A, header row 1, right edge N.
    let sheet = "API Functional Spec. Reqs";
    let rows = [
        Row {
            id: "api.gpc-sfs-1",
            reference: "GPC-SFS-1",
            row: 4,
        },
        Row {
            id: "api.gpc-sfs-1-1",
            reference: "GPC-SFS-1.1",
            row: 5,
        },
        Row {
            id: "api.gpc-sfs-1-3",
            reference: "GPC-SFS-1.3",
            row: 6,
        },
    ];
    for r in &rows {
        assert_eq!(
            cells.get(&key(sheet, &format!("A{}", r.row))),
            Some(&Data::String(r.reference.to_string())),
            "the workbook's row {} is {}",
            r.row,
            r.reference
        );
    }
    let right_edge = cells
        .keys()
        .filter(|k| k.0 == sheet && k.1 == 0)
        .map(|k| k.2)
        .max()
        .expect("a header row");
    assert_eq!(right_edge, 13, "the header row ends at column N");
    let t = catalogue_template(&bytes, file, sheet, 1, ("O", "P"), &rows);
    let (filled, report) = fill_into(&bytes, &t).unwrap_or_else(|e| panic!("fills: {e}"));
    check_only_added_cells_differ(
        &bytes,
        &filled,
        &expected_cells(&t, sheet, 1, ("O", "P"), &rows),
    );
    assert_eq!(
        report.added_columns,
        [format!(
            "added a Response and a Comment column to sheet \"{sheet}\" (columns O–P)"
        )]
    );
    assert_eq!(
        changed_entries(&bytes, &filled),
        BTreeSet::from([
            "xl/sharedStrings.xml".to_string(),
            "xl/worksheets/sheet5.xml".to_string()
        ])
    );
    let after = entry_text(&filled, "xl/worksheets/sheet5.xml");
    let before = entry_text(&bytes, "xl/worksheets/sheet5.xml");
    assert_eq!(style_of(&after, "O1"), style_of(&before, "N1"));

    // User Stories: the Excel Table's header row and right edge, from table1.xml.
    let table = entry_text(&bytes, "xl/tables/table1.xml");
    let range = element_attrs(&table, "table")[0]["ref"].clone();
    let (start, end) = range.split_once(':').expect("a range");
    let (header_row, _) = parse_cell_ref(start).expect("a cell");
    let (_, last_col) = parse_cell_ref(end).expect("a cell");
    let letter = |c: u32| {
        scal_core::template::cell_ref(0, c)
            .trim_end_matches('1')
            .to_string()
    };
    let (response, comment) = (letter(last_col + 1), letter(last_col + 2));
    let sheet = "User Stories";
    let rows: Vec<Row<'_>> = (0..3)
        .map(|i| Row {
            id: ["us.1", "us.2", "us.3"][i],
            reference: ["US-1", "US-2", "US-3"][i],
            row: header_row + 2 + i as u32,
        })
        .collect();
    let t = catalogue_template(
        &bytes,
        file,
        sheet,
        header_row + 1,
        (&response, &comment),
        &rows,
    );
    let (filled, report) = fill_into(&bytes, &t).unwrap_or_else(|e| panic!("fills: {e}"));
    check_only_added_cells_differ(
        &bytes,
        &filled,
        &expected_cells(&t, sheet, header_row + 1, (&response, &comment), &rows),
    );
    assert_eq!(
        report.added_columns,
        [format!(
            "added a Response and a Comment column to sheet \"{sheet}\" (columns {response}–{comment}) and widened its table \"Table1\" to take them"
        )]
    );
    assert_eq!(
        changed_entries(&bytes, &filled),
        BTreeSet::from([
            "xl/sharedStrings.xml".to_string(),
            "xl/tables/table1.xml".to_string(),
            "xl/worksheets/sheet4.xml".to_string()
        ])
    );
    let grown = entry_text(&filled, "xl/tables/table1.xml");
    let new_ref = element_attrs(&grown, "table")[0]["ref"].clone();
    assert_eq!(
        new_ref,
        format!("{start}:{comment}{}", &end[letter(last_col).len()..])
    );
    assert_eq!(element_attrs(&grown, "autoFilter")[0]["ref"], new_ref);
    let columns = element_attrs(&grown, "tableColumn");
    let before_columns = element_attrs(&table, "tableColumn");
    assert_eq!(columns.len(), before_columns.len() + 2);
    let names: Vec<&str> = columns.iter().map(|c| c["name"].as_str()).collect();
    assert_eq!(names[names.len() - 2..], ["Response", "Comment"]);
    let ids: BTreeSet<&str> = columns.iter().map(|c| c["id"].as_str()).collect();
    assert_eq!(ids.len(), columns.len(), "every column id is unique");
    assert_eq!(
        element_attrs(&grown, "tableColumns")[0]["count"],
        columns.len().to_string()
    );
}
