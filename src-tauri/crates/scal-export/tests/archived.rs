//! Answers a template upgrade archived appear in an appendix of the PDF and in their own sheet
//! of the workbook ("Archived answers (from template …)"), never among the answers; a draft
//! that never archived anything has neither.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use calamine::Data;
use scal_export::{export, ExportOptions};
use scal_store::{AnswerChange, Draft};

const V1: &str = r#"{
  "id": "ers", "version": "11.0.0", "title": "e-RS SCAL", "publisher": "tests",
  "sections": [
    {"id": "ers", "title": "e-RS Provider Requirements", "kind": "service", "items": [
      {"id": "A001-01", "label": "Session", "type": "requirement", "reference": "A001-01", "level": "MUST",
       "text": "The system creates a professional session before calling any other endpoint."},
      {"id": "A006-01", "label": "Reference data", "type": "requirement", "reference": "A006-01", "level": "MUST",
       "text": "The system retrieves reference data lists and caches them for at most one day."}
    ]}
  ]
}"#;

fn options() -> ExportOptions {
    ExportOptions {
        at: Some(export_time()),
        ..ExportOptions::default()
    }
}

/// A v11 draft whose A006-01 answer (with comment and evidence) an upgrade archived.
fn upgraded(dir: &std::path::Path) -> Draft {
    let mut draft = Draft::create(&dir.join("ers.scal"), V1, "alice").unwrap();
    for (item, value, comment) in [
        ("A001-01", "Yes", ""),
        ("A006-01", "Yes", "Cached for twelve hours"),
    ] {
        draft
            .set_answer(
                item,
                AnswerChange {
                    value: Some(Some(scal_core::Value::One(value.into()))),
                    comment: Some(comment.into()),
                },
                "alice",
            )
            .unwrap();
    }
    let log = dir.join("refdata-test.log");
    #[allow(clippy::disallowed_methods, reason = "test fixture")]
    std::fs::write(&log, "GET /reference-data 200\n").unwrap();
    draft
        .attach("A006-01", &log, "alice", &mut |_, _| {})
        .unwrap();
    let v2 = V1
        .replace("\"11.0.0\"", "\"12.0.0\"")
        .replace(
            r#",
      {"id": "A006-01", "label": "Reference data", "type": "requirement", "reference": "A006-01", "level": "MUST",
       "text": "The system retrieves reference data lists and caches them for at most one day."}"#,
            "",
        );
    let report = draft.upgrade(&v2, None, "bob").unwrap();
    assert_eq!(report.archived.len(), 1, "the fixture archives A006-01");
    draft
}

#[test]
fn the_workbook_has_a_sheet_of_archived_answers() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = upgraded(dir.path());
    let out = dir.path().join("out");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let sheets = read_sheets(&output(&out, ".xlsx"));
    let sheet = &sheets["Archived answers"];
    assert_eq!(
        sheet.get_value((0, 0)),
        Some(&Data::String(
            "Archived answers (from template ers 11.0.0)".into()
        ))
    );
    let row: Vec<String> = sheet
        .rows()
        .find(|r| matches!(r.first(), Some(Data::String(s)) if s == "A006-01"))
        .expect("a row for the archived answer")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(row[1], "Reference data");
    assert!(row[2].contains("caches them for at most one day"));
    assert_eq!(
        (row[3].as_str(), row[4].as_str()),
        ("Yes", "Cached for twelve hours")
    );
    assert!(row[5].starts_with("refdata-test.log ("), "{}", row[5]);
    assert_eq!(row[6], "ers 11.0.0");
    assert_eq!(row[8], "bob");
    // Not an answer of the template in force: no service sheet shows it.
    let elsewhere = sheets
        .iter()
        .filter(|(name, _)| name.as_str() != "Archived answers")
        .any(|(_, range)| {
            range
                .rows()
                .any(|r| r.iter().any(|c| *c == "Cached for twelve hours"))
        });
    assert!(!elsewhere, "an archived answer leaked into the answers");
}

#[test]
fn the_pdf_has_an_appendix_of_archived_answers() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = upgraded(dir.path());
    let out = dir.path().join("out");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let text = squash(&pdf_pages(&output(&out, "-summary.pdf")).join("\n"));
    for wanted in [
        "Archivedanswers(fromtemplateers11.0.0)",
        "Referencedata(A006-01)",
        "Cachedfortwelvehours",
        "refdata-test.log",
    ] {
        assert!(text.contains(wanted), "{wanted} is not in the PDF");
    }
}

#[test]
fn a_draft_that_archived_nothing_has_no_appendix() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = Draft::create(&dir.path().join("plain.scal"), V1, "alice").unwrap();
    let out = dir.path().join("out");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    assert!(!read_sheets(&output(&out, ".xlsx")).contains_key("Archived answers"));
    let text = squash(&pdf_pages(&output(&out, "-summary.pdf")).join("\n"));
    assert!(!text.contains("Archivedanswers"));
}
