//! Filling a workbook: import, answer every item, fill, read back. Only the answer cells may
//! differ from the original, every other zip entry must be the same bytes in the same order,
//! and the shared strings must still add up.

// Helpers are test code as much as the #[test] functions are: a panic is a failing test with
// its location, which is what a helper should give.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test by panicking"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read as _};
use std::path::Path;

use crate::common::{workbook, Style};
use calamine::{Data, Reader as _, Xlsx};
use scal_core::answer::normalize;
use scal_core::{Answer, Answers, ItemKind, Template, Value};
use scal_workbook::{fill, import_bytes, EvidenceRef, FillInput, FillReport, WorkbookError};

/// An answer for every answerable item, as a supplier might give: varied responses, "No" and
/// "Out of Scope" with a comment, "Other: …" where offered.
fn answers_for(t: &Template) -> Answers {
    let mut answers = Answers::new();
    for (n, (_, item)) in t.items().enumerate() {
        let value = match &item.kind {
            ItemKind::Text | ItemKind::LongText => {
                Value::One(format!("Answer to {} & <more>", item.label))
            }
            ItemKind::Email => Value::One("cso@example.org".into()),
            ItemKind::OdsCode => Value::One("X26".into()),
            ItemKind::Version => Value::One("2.4.1".into()),
            ItemKind::Date { .. } => Value::One("2026-05-01".into()),
            ItemKind::Choice { options, other } => {
                if *other {
                    Value::One("Other: Hybrid hosting".into())
                } else {
                    Value::One(options[n % options.len()].clone())
                }
            }
            ItemKind::MultiChoice { options, other } => {
                let mut v: Vec<String> = options.iter().step_by(2).cloned().collect();
                if *other {
                    v.push("Other: Dental practices".into());
                }
                Value::Many(v)
            }
            ItemKind::YesNo { .. } => Value::One(if n % 2 == 0 { "Yes" } else { "No" }.into()),
            ItemKind::Declaration { options, .. }
            | ItemKind::Requirement(scal_core::template::Requirement { options, .. }) => {
                Value::One(options[n % options.len()].clone())
            }
            ItemKind::Guidance {
                acknowledge: true, ..
            } => Value::One("Acknowledged".into()),
            ItemKind::Guidance { .. } | ItemKind::EvidenceSlot => continue,
        };
        let value = normalize(t, &item.id, value).unwrap_or_else(|e| panic!("{e}"));
        let says_no = matches!(&value, Value::One(v) if v == "No" || v == "Out of Scope");
        let acknowledged = matches!(item.kind, ItemKind::Guidance { .. });
        let comment = if says_no || acknowledged || n % 3 == 0 {
            format!("Comment on {}\nsecond line", item.label)
        } else {
            String::new()
        };
        answers.insert(
            item.id.clone(),
            Answer {
                value: Some(value),
                comment,
            },
        );
    }
    answers
}

use crate::common::all_cells;

struct Filled {
    original: Vec<u8>,
    filled: Vec<u8>,
    report: FillReport,
    _dir: tempfile::TempDir,
}

fn fill_fixture(bytes: Vec<u8>, evidence: &[EvidenceRef]) -> (Template, Filled) {
    let t = import_bytes(&bytes, "fixture.xlsx")
        .expect("imports")
        .template;
    let answers = answers_for(&t);
    let mut statuses = BTreeMap::new();
    for s in t.sections.iter().filter(|s| s.has_status) {
        statuses.insert(s.id.clone(), "Complete".to_string());
    }
    let dir = tempfile::tempdir().expect("a folder");
    let out = dir.path().join("filled.xlsx");
    let report = fill(
        &bytes,
        &t,
        &FillInput {
            answers: &answers,
            evidence,
            statuses: &statuses,
        },
        &out,
    )
    .unwrap_or_else(|e| panic!("fills: {e}"));
    let filled = std::fs::read(&out).expect("written");
    (
        t,
        Filled {
            original: bytes,
            filled,
            report,
            _dir: dir,
        },
    )
}

fn cell_key(sheet: &str, a1: &str) -> (String, u32, u32) {
    let (r, c) = scal_core::template::parse_cell_ref(a1).expect("a cell");
    (sheet.to_string(), r, c)
}

fn check_only_answer_cells_differ(f: &Filled) {
    let before = all_cells(&f.original);
    let after = all_cells(&f.filled);
    let written: BTreeMap<(String, u32, u32), &str> = f
        .report
        .cells
        .iter()
        .map(|c| (cell_key(&c.sheet, &c.cell), c.value.as_str()))
        .collect();
    let keys: BTreeSet<&(String, u32, u32)> = before.keys().chain(after.keys()).collect();
    let mut changed = BTreeSet::new();
    for k in keys {
        if before.get(k) != after.get(k) {
            changed.insert(k.clone());
        }
    }
    for (k, want) in &written {
        assert_eq!(
            after.get(k),
            Some(&Data::String((*want).to_string())),
            "{k:?} holds what was written"
        );
    }
    let unexpected: Vec<_> = changed
        .iter()
        .filter(|k| !written.contains_key(*k))
        .collect();
    assert!(
        unexpected.is_empty(),
        "cells changed that are not answer cells: {unexpected:?}"
    );
    assert!(!written.is_empty());
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

fn check_other_entries_untouched(f: &Filled, patched: &[&str]) {
    let (a, b) = (entries(&f.original), entries(&f.filled));
    let names = |v: &[(String, Vec<u8>, u32)]| v.iter().map(|e| e.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "the same entries in the same order");
    for (x, y) in a.iter().zip(&b) {
        if patched.contains(&x.0.as_str()) {
            continue;
        }
        assert!(x.1 == y.1 && x.2 == y.2, "{} is copied byte for byte", x.0);
    }
    assert_eq!(f.report.entries_copied + f.report.entries_patched, a.len());
    assert_eq!(f.report.entries_patched, patched.len());
}

/// `count` is every cell referring to a shared string, `uniqueCount` every string.
fn check_shared_string_counts(bytes: &[u8]) {
    let sst = entry_text(bytes, "xl/sharedStrings.xml");
    let attr = |name: &str| -> usize {
        let at = sst.find(&format!(" {name}=\"")).expect("the attribute") + name.len() + 3;
        sst[at..]
            .split('"')
            .next()
            .expect("a value")
            .parse()
            .expect("a number")
    };
    assert_eq!(attr("uniqueCount"), sst.matches("<si>").count());
    let mut refs = 0;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).expect("entry");
        if e.name().expect("a name").starts_with("xl/worksheets/sheet") {
            let mut s = String::new();
            e.read_to_string(&mut s).expect("text");
            refs += s.matches(" t=\"s\"").count();
        }
    }
    assert_eq!(attr("count"), refs);
}

#[test]
fn a_filled_workbook_differs_from_the_original_only_in_its_answer_cells() {
    for style in [Style::Standard, Style::Moved] {
        let (t, f) = fill_fixture(workbook(style), &[]);
        check_only_answer_cells_differ(&f);
        // Every sheet with answers was patched, and the shared strings; nothing else.
        let mut patched = vec!["xl/sharedStrings.xml"];
        let sheet_parts = [
            "xl/worksheets/sheet4.xml",
            "xl/worksheets/sheet6.xml",
            "xl/worksheets/sheet7.xml",
            "xl/worksheets/sheet8.xml",
            "xl/worksheets/sheet9.xml",
        ];
        patched.extend(sheet_parts);
        check_other_entries_untouched(&f, &patched);
        check_shared_string_counts(&f.filled);
        assert_eq!(f.report.sheets.len(), 5, "{style:?}: {:?}", f.report.sheets);
        // Statuses, "Other" texts, unchosen options and comments all landed.
        let written = |role: &str| f.report.cells.iter().filter(|c| c.role == role).count();
        assert_eq!(
            written("status"),
            t.sections.iter().filter(|s| s.has_status).count()
        );
        assert!(written("other") >= 2 && written("option") >= 10 && written("comment") >= 10);
    }
}

#[test]
fn the_answers_are_where_the_workbook_asks_for_them() {
    let (_, f) = fill_fixture(workbook(Style::Standard), &[]);
    let after = all_cells(&f.filled);
    let at = |sheet: &str, a1: &str| {
        after
            .get(&cell_key(sheet, a1))
            .cloned()
            .unwrap_or(Data::Empty)
    };
    let form = "Supplier & Product information";
    assert_eq!(at(form, "C5"), Data::String("X26".into()));
    assert_eq!(
        at(form, "D11"),
        Data::String("Hybrid hosting".into()),
        "Other's text in its cell"
    );
    for cell in ["D8", "D9", "D10"] {
        assert_eq!(
            at(form, cell),
            Data::String("No".into()),
            "unchosen topology {cell}"
        );
    }
    assert_eq!(
        at(form, "D14"),
        Data::String("Yes".into()),
        "chosen care setting"
    );
    assert_eq!(
        at(form, "D15"),
        Data::String("No".into()),
        "unchosen care setting"
    );
    assert_eq!(
        at(form, "D24"),
        Data::String("Yes".into()),
        "ticked service"
    );
    assert_eq!(
        at(form, "D25"),
        Data::String("Please select\u{2026}.".into()),
        "a tick-only cell not chosen stays as it was"
    );
    assert_eq!(
        at(form, "D13"),
        Data::String("01/05/26".into()),
        "the date as the row asks: (dd/mm/yy)"
    );
    assert_eq!(at("NHS Login", "B3"), Data::String("Complete".into()));
    // Text needing escapes reads back exactly.
    assert_eq!(
        at(form, "C4"),
        Data::String("Answer to Supplier Organisation Name & <more>".into())
    );
    // The formula beside the form still computes from C5, and still is a formula.
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(f.filled.clone())).expect("opens");
    let formulas = book.worksheet_formula(form).expect("formulas");
    assert_eq!(formulas.get_value((1, 5)).map(String::as_str), Some("C5"));
}

#[test]
fn evidence_references_go_in_an_evidence_column_else_with_the_comment_and_in_slots() {
    let t = import_bytes(&workbook(Style::Moved), "fixture.xlsx")
        .expect("imports")
        .template;
    let evidence = [
        EvidenceRef {
            item: "nhs-login.r1-2".into(),
            file_name: "error-tests.pdf".into(),
            sha256: "ab".repeat(32),
        },
        EvidenceRef {
            item: "nhs-login.technical-conformance-report".into(),
            file_name: "tcr.pdf".into(),
            sha256: "cd".repeat(32),
        },
        EvidenceRef {
            item: "e-rs-provider-requirements.a001-01".into(),
            file_name: "a001.png".into(),
            sha256: "ef".repeat(32),
        },
    ];
    let (_, moved) = fill_fixture(workbook(Style::Moved), &evidence);
    let after = all_cells(&moved.filled);
    let at = |sheet: &str, a1: &str| {
        after
            .get(&cell_key(sheet, a1))
            .cloned()
            .unwrap_or(Data::Empty)
    };
    assert_eq!(
        at("NHS Login", "F21"),
        Data::String("error-tests.pdf (SHA-256 abababababab)".into()),
        "the Evidence column of the moved layout"
    );
    let tcr_cell = t.source.as_ref().expect("map").items["nhs-login.technical-conformance-report"]
        .evidence
        .clone()
        .expect("a cell");
    assert_eq!(
        at("NHS Login", &tcr_cell),
        Data::String("tcr.pdf (SHA-256 cdcdcdcdcdcd)".into())
    );
    // e-RS has no evidence column: the reference follows the comment, in the comment cell.
    let Data::String(comment) = at("e-RS Provider Requirements", "E12").clone() else {
        let cells =
            t.source.as_ref().expect("map").items["e-rs-provider-requirements.a001-01"].clone();
        panic!("the comment cell {:?} holds text", cells.comment);
    };
    assert!(
        comment.ends_with("Evidence: a001.png (SHA-256 efefefefefef)"),
        "{comment}"
    );
    check_only_answer_cells_differ(&moved);
}

#[test]
fn a_workbook_that_is_not_the_imported_one_is_refused() {
    let bytes = workbook(Style::Standard);
    let t = import_bytes(&bytes, "SCAL.xlsx").expect("imports").template;
    let other = workbook(Style::Moved);
    let dir = tempfile::tempdir().expect("a folder");
    let out = dir.path().join("filled.xlsx");
    let input = FillInput {
        answers: &Answers::new(),
        evidence: &[],
        statuses: &BTreeMap::new(),
    };
    let err = fill(&other, &t, &input, &out).expect_err("refused");
    assert!(matches!(err, WorkbookError::WorkbookChanged { .. }));
    let text = err.to_string();
    assert!(
        text.starts_with("SCAL.xlsx is not the workbook the template was imported from"),
        "{text}"
    );
    assert!(!out.exists(), "nothing was written");

    let handwritten = scal_core::bundled_template("uec-appointment-booking").expect("bundled");
    let err = fill(&bytes, &handwritten, &input, &out).expect_err("refused");
    assert!(
        err.to_string().contains("was not imported from a workbook"),
        "{err}"
    );
}

#[test]
fn a_fill_replaces_an_earlier_one_whole_and_leaves_no_temporary_file() {
    let bytes = workbook(Style::Standard);
    let t = import_bytes(&bytes, "SCAL.xlsx").expect("imports").template;
    let dir = tempfile::tempdir().expect("a folder");
    let out = dir.path().join("filled.xlsx");
    let statuses = BTreeMap::new();
    let mut answers = Answers::new();
    for round in ["X26", "Y12"] {
        answers.insert(
            "supplier-product-information.ods-code".into(),
            Answer {
                value: Some(Value::One(round.into())),
                comment: String::new(),
            },
        );
        let report = fill(
            &bytes,
            &t,
            &FillInput {
                answers: &answers,
                evidence: &[],
                statuses: &statuses,
            },
            &out,
        )
        .expect("fills");
        assert_eq!(report.cells.len(), 1);
        let cells = all_cells(&std::fs::read(&out).expect("written"));
        assert_eq!(
            cells[&cell_key("Supplier & Product information", "C5")],
            Data::String(round.into())
        );
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["filled.xlsx"]);
    // A folder that cannot be written to: one sentence naming the file.
    let err = fill(
        &bytes,
        &t,
        &FillInput {
            answers: &answers,
            evidence: &[],
            statuses: &statuses,
        },
        Path::new("/nonexistent-folder/filled.xlsx"),
    )
    .expect_err("refused");
    assert!(
        err.to_string()
            .starts_with("/nonexistent-folder/filled.xlsx cannot be written"),
        "{err}"
    );
}

/// The reference workbook round trip, when it is present beside this checkout.
#[test]
fn the_reference_workbook_fills_with_only_its_answer_cells_changed() {
    let Some(path) = crate::common::reference_file(
        "SCAL_vsn2.0.xlsx",
        "the_reference_workbook_fills_with_only_its_answer_cells_changed",
    ) else {
        return;
    };
    let bytes = std::fs::read(&path).expect("read");
    let (_, f) = fill_fixture(bytes, &[]);
    check_only_answer_cells_differ(&f);
    check_shared_string_counts(&f.filled);
    let entries_before = entries(&f.original);
    let untouched = entries_before.len() - f.report.entries_patched;
    assert_eq!(f.report.entries_copied, untouched);
    // Embedded objects, drawings, VML, comments and calcChain are all among the untouched.
    let patched: BTreeSet<String> = entries_before
        .iter()
        .zip(entries(&f.filled))
        .filter(|(a, b)| a.1 != b.1)
        .map(|(a, _)| a.0.clone())
        .collect();
    for kept in [
        "xl/calcChain.xml",
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/embeddings/oleObject1.bin",
        "xl/drawings/vmlDrawing1.vml",
        "xl/comments1.xml",
    ] {
        assert!(!patched.contains(kept), "{kept} was changed");
    }
}
