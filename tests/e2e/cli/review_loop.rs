//! The review loop with the assessor, through the built `scal`: export, the workbook edited as
//! an assessor would (remarks in the review column, a note, a changed answer, re-saved by
//! openpyxl, a threaded comment added to its parts), `review-import`, `accept`, reply and
//! resolve, export again and read the "Response to review" back from the PDF and the workbook.
//! A filled NHS workbook comes back the same way, recognised by its answer cells; what is not
//! this draft's workbook is refused in one line.

use std::io::{Cursor, Write as _};

use calamine::{Data, Reader as _, Xlsx};
use serde_json::{json, Value as Json};

use super::workbook::imported;
use super::*;

/// The Python with openpyxl: the system one, where a version manager's shadows it.
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// Edits `workbook` as an assessor would (tests/e2e/fixtures/assessor.py) into `out`.
pub(crate) fn as_assessor(dir: &Dir, workbook: &Path, out: &Path, plan: &Json) {
    let plan_file = dir.file("plan.json", plan.to_string());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e/fixtures/assessor.py");
    let run = Command::new(python())
        .arg(&script)
        .arg(workbook)
        .arg(out)
        .arg(&plan_file)
        .output()
        .expect("python3 runs (scripts/setup.sh installs python3-openpyxl)");
    assert!(
        run.status.success(),
        "assessor.py failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

fn import_json(draft: &Path, returned: &Path) -> Json {
    let json = scal([
        "review-import",
        &p(draft),
        &p(returned),
        "--reviewer",
        "A. Assessor",
        "--json",
    ])
    .json();
    assert_matches_schema("cli-review-import.schema.json", &json);
    json
}

fn threads(draft: &Path) -> Vec<Json> {
    let json = scal(["reviews", &p(draft), "--json"]).json();
    assert_matches_schema("cli-reviews.schema.json", &json);
    json["threads"].as_array().unwrap().clone()
}

fn thread_on<'a>(threads: &'a [Json], item: &str) -> &'a Json {
    threads
        .iter()
        .find(|t| t["item"] == item)
        .unwrap_or_else(|| panic!("no thread on {item}: {threads:?}"))
}

/// Every row of a sheet, each cell as text.
pub(crate) fn sheet_rows(book: &Path, sheet: &str) -> Vec<Vec<String>> {
    let bytes = std::fs::read(book).unwrap();
    let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let range = xlsx
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("no sheet {sheet}: {e}"));
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn pdf_text(path: &Path) -> String {
    let doc = lopdf::Document::load(path).expect("lopdf opens the PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|p| doc.extract_text(&[*p]).expect("text extracts"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_assessors_returned_workbook_comes_back_as_threads_and_a_proposed_change() {
    let dir = Dir::new();
    let draft = dir.draft("acme.scal");
    let d = p(&draft);
    scal(["answer", &d, "supplier-name", "Acme Health"]).ok();
    scal(["answer", &d, "hscn-connection", "Yes"]).ok();
    scal([
        "answer",
        &d,
        "isms",
        "Yes",
        "--comment",
        "ISO 27001 certified",
    ])
    .ok();
    let out = dir.path("out");
    scal(["export", &d, "--out", &p(&out)]).ok();

    // What the assessor sends back.
    let returned = dir.path("acme-reviewed.xlsx");
    as_assessor(
        &dir,
        &out.join("acme.xlsx"),
        &returned,
        &json!({
            "review": {"supplier-name": "Please give the legal entity name."},
            "change": {"hscn-connection": "No"},
            "note": {"isms": ["A. Assessor", "Is the certificate still valid?"]},
            "thread": {"product-name": [
                ["A. Assessor", "Is this the name it is marketed under?", "2026-11-30T10:15:00.00"],
                ["B. Second", "Agreed: please confirm.", "2026-11-30T11:00:00.00"]
            ]}
        }),
    );

    let first = import_json(&draft, &returned);
    assert_eq!(first["workbook"], "own");
    assert_eq!(first["repeated"], 0);
    let added = first["added"].as_array().unwrap();
    assert_eq!(added.len(), 5, "{first:#}");
    let proposed: Vec<&Json> = added.iter().filter(|c| c["kind"] == "proposed").collect();
    assert_eq!(proposed.len(), 1, "{first:#}");
    assert_eq!(
        proposed[0]["proposed"],
        json!({"field": "response", "was": "Yes", "text": "No"})
    );

    let all = threads(&draft);
    assert_eq!(all.len(), 4, "{all:#?}");
    let legal = thread_on(&all, "supplier-name");
    assert_eq!(legal["comments"][0]["author"], "A. Assessor");
    assert_eq!(
        legal["comments"][0]["body"],
        "Please give the legal entity name."
    );
    assert!(legal["comments"][0]["source"]
        .as_str()
        .unwrap()
        .contains("review column"));
    let note = thread_on(&all, "isms");
    assert_eq!(
        note["comments"][0]["body"],
        "Is the certificate still valid?"
    );
    let threaded = thread_on(&all, "product-name");
    assert_eq!(threaded["comments"].as_array().unwrap().len(), 2);
    assert_eq!(threaded["comments"][1]["author"], "B. Second");
    assert_eq!(threaded["comments"][0]["at"], "2026-11-30T10:15:00Z");
    // Nothing is applied silently.
    assert_eq!(item(&show_json(&draft), "hscn-connection")["value"], "Yes");

    // The second round repeats the first: nothing is added twice.
    let again = import_json(&draft, &returned);
    assert_eq!(again["added"].as_array().unwrap().len(), 0, "{again:#}");
    assert_eq!(again["repeated"], 5);
    assert_eq!(threads(&draft).len(), 4);

    // The lead accepts the change, answers one remark, resolves it.
    let change = thread_on(&all, "hscn-connection")["id"].as_i64().unwrap();
    let said = scal(["accept", &d, &change.to_string()]).ok().to_string();
    assert!(said.contains("the response is now \"No\""), "{said}");
    assert_eq!(item(&show_json(&draft), "hscn-connection")["value"], "No");
    let history = scal(["history", &d, "hscn-connection", "--json"]).json();
    assert_matches_schema("cli-history.schema.json", &history);
    let last = history["entries"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["review"], change, "{last:#}");
    let text = scal(["history", &d, "hscn-connection"]).ok().to_string();
    assert!(
        text.contains(&format!(
            "accepting the proposed change of review thread {change}"
        )),
        "{text}"
    );
    let legal_id = legal["id"].as_i64().unwrap().to_string();
    scal([
        "review",
        &d,
        "supplier-name",
        "The legal entity is Acme Health Ltd.",
        "--reply-to",
        &legal_id,
    ])
    .ok();
    scal(["answer", &d, "supplier-name", "Acme Health Ltd"]).ok();
    scal(["resolve", &d, &legal_id]).ok();
    // A remark is not a change: there is nothing to accept.
    scal(["accept", &d, &legal_id]).fails_with(&["is a remark, not a proposed change"]);

    // The resubmission says what was done.
    let out2 = dir.path("out2");
    scal(["export", &d, "--out", &p(&out2)]).ok();
    let rows = sheet_rows(&out2.join("acme.xlsx"), "Response to review");
    let row_of = |id: &str| {
        rows.iter()
            .find(|r| r.last().map(String::as_str) == Some(id))
            .unwrap_or_else(|| panic!("no row for {id}: {rows:#?}"))
            .clone()
    };
    let legal_row = row_of("supplier-name");
    assert_eq!(
        legal_row[1],
        "A. Assessor: Please give the legal entity name."
    );
    assert!(legal_row[2].contains("The legal entity is Acme Health Ltd."));
    assert_eq!(
        legal_row[3],
        "answer \"Acme Health\" \u{2192} \"Acme Health Ltd\""
    );
    assert_eq!(legal_row[4], "Resolved");
    let change_row = row_of("hscn-connection");
    assert!(change_row[1].contains("proposed the response \"No\" (was \"Yes\")"));
    assert_eq!(change_row[3], "answer \"Yes\" \u{2192} \"No\"");
    assert_eq!(row_of("isms")[4], "Open");
    assert_eq!(row_of("isms")[3], "no change");
    let pdf = squash(&pdf_text(&out2.join("acme-summary.pdf")));
    for wanted in [
        "Responsetoreview",
        "4remarks,2stillopen",
        "A.Assessor:Pleasegivethelegalentityname.",
        "Resolved",
    ] {
        assert!(pdf.contains(wanted), "the PDF lacks {wanted}");
    }
    // The first export, before any review, had no such part.
    let before = sheet_names(&out.join("acme.xlsx"));
    assert!(
        !before.iter().any(|s| s == "Response to review"),
        "{before:?}"
    );
}

fn sheet_names(book: &Path) -> Vec<String> {
    let bytes = std::fs::read(book).unwrap();
    let xlsx: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    xlsx.sheet_names()
}

#[test]
fn a_filled_nhs_workbook_comes_back_by_its_answer_cells() {
    let dir = Dir::new();
    let (_book, template) = imported(&dir);
    let draft = dir.path("acme.scal");
    scal(["new", &p(&draft), "--template", &p(&template)]).ok();
    let d = p(&draft);
    scal([
        "answer",
        &d,
        "nhs-login.data-set",
        "No",
        "--comment",
        "Phase 2",
    ])
    .ok();
    scal(["answer", &d, "e-rs-provider-requirements.a001-01", "Yes"]).ok();
    let filled = dir.path("filled.xlsx");
    scal(["fill", &d, "--out", &p(&filled)]).ok();
    let returned = dir.path("filled-reviewed.xlsx");
    as_assessor(
        &dir,
        &filled,
        &returned,
        &json!({
            "set": [["NHS Login", "G16", "Yes"]],
            "cell_note": [["NHS Login", "B16", "A. Assessor", "Phase 2 is not a mitigation."]]
        }),
    );
    let report = import_json(&draft, &returned);
    assert_eq!(report["workbook"], "filled", "{report:#}");
    let all = threads(&draft);
    let on: Vec<&Json> = all
        .iter()
        .filter(|t| t["item"] == "nhs-login.data-set")
        .collect();
    assert_eq!(on.len(), 2, "{all:#?}");
    let change = on
        .iter()
        .find(|t| t["comments"][0]["kind"] == "proposed")
        .expect("a proposed change");
    assert_eq!(
        change["comments"][0]["proposed"],
        json!({"field": "response", "was": "No", "text": "Yes"})
    );
    let note = on
        .iter()
        .find(|t| t["comments"][0]["kind"] == "remark")
        .expect("the note");
    assert_eq!(note["comments"][0]["body"], "Phase 2 is not a mitigation.");
    assert_eq!(note["comments"][0]["author"], "A. Assessor");
}

#[test]
fn review_import_refuses_what_is_not_this_drafts_workbook_in_one_line() {
    let dir = Dir::new();
    let draft = dir.draft("acme.scal");
    let d = p(&draft);
    scal(["answer", &d, "supplier-name", "Acme Health"]).ok();
    scal(["answer", &d, "product-name", "Acme Booking"]).ok();

    // Nothing exported yet: nothing to recognise it by.
    let other = dir.draft("other.scal");
    scal(["answer", &p(&other), "supplier-name", "Other Ltd"]).ok();
    scal(["answer", &p(&other), "product-name", "Other Booking"]).ok();
    let other_out = dir.path("other-out");
    scal(["export", &p(&other), "--out", &p(&other_out), "--xlsx"]).ok();
    let others = other_out.join("other.xlsx");
    scal(["review-import", &d, &p(&others)])
        .fails_with(&["other.xlsx", "exported from another draft"]);

    scal(["export", &d, "--out", &p(&dir.path("out")), "--xlsx"]).ok();
    // Another draft's workbook re-saved by a writer that drops the draft id: judged by its
    // answers.
    let resaved = dir.path("other-resaved.xlsx");
    as_assessor(&dir, &others, &resaved, &json!({}));
    scal(["review-import", &d, &p(&resaved)])
        .fails_with(&["other-resaved.xlsx", "another supplier's copy"]);

    let damaged = dir.file("damaged.xlsx", b"PK\x03\x04 not really a zip");
    scal(["review-import", &d, &p(&damaged)]).fails_with(&["damaged.xlsx"]);

    // Office's password protection: an OLE container holding the encrypted package.
    let locked = dir.path("locked.xlsx");
    {
        let mut cf = cfb::create(&locked).expect("an OLE file");
        cf.create_stream("/EncryptionInfo")
            .expect("stream")
            .write_all(b"\x04\x00\x04\x00")
            .expect("written");
        cf.create_stream("/EncryptedPackage")
            .expect("stream")
            .write_all(&[0u8; 64])
            .expect("written");
        cf.flush().expect("flushed");
    }
    scal(["review-import", &d, &p(&locked)])
        .fails_with(&["locked.xlsx", "protected by a password"]);

    // Nothing was added by any of them.
    assert!(threads(&draft).is_empty());
}

/// The real SCAL v2.0, filled and returned: only the assessor's change and note come back — not
/// the workbook's own placeholders ("00/00/00"), guidance left in answer cells, or the notes its
/// NHS authors wrote.
#[test]
fn the_real_scal_comes_back_with_only_the_assessors_remarks() {
    let Some(reference) = super::workbook::fixtures::reference_file(
        "SCAL_vsn2.0.xlsx",
        "the_real_scal_comes_back_with_only_the_assessors_remarks",
    ) else {
        return;
    };
    let dir = Dir::new();
    let template = dir.path("scal.json");
    scal(["import-template", &p(&reference), "--out", &p(&template)]).ok();
    let draft = dir.path("ref.scal");
    let d = p(&draft);
    scal([
        "new",
        &d,
        "--template",
        &p(&template),
        "--workbook",
        &p(&reference),
    ])
    .ok();
    scal([
        "answer",
        &d,
        "nhs-login.data-set",
        "No",
        "--comment",
        "Phase 2",
    ])
    .ok();
    let filled = dir.path("filled.xlsx");
    scal(["fill", &d, "--out", &p(&filled)]).ok();
    let returned = dir.path("returned.xlsx");
    as_assessor(
        &dir,
        &filled,
        &returned,
        &json!({
            "set": [["NHS Login", "G16", "Yes"]],
            "cell_note": [["NHS Login", "B16", "A. Assessor", "Not a mitigation."]]
        }),
    );
    let report = import_json(&draft, &returned);
    assert_eq!(report["workbook"], "filled");
    let added: Vec<(String, String, String)> = report["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["author"].as_str().unwrap().to_string(),
                c["body"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        added,
        vec![
            (
                "proposed".to_string(),
                "A. Assessor".to_string(),
                "Changed the response from \"No\" to \"Yes\".".to_string()
            ),
            (
                "remark".to_string(),
                "A. Assessor".to_string(),
                "Not a mitigation.".to_string()
            ),
        ]
    );
}
