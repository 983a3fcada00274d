//! Working from the workbook NHS England sends, through the built `scal`: import it as a
//! template, create a draft that keeps it, answer, fill it in place, export it in the pack; and
//! every refusal on the way as one line.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read as _};

use calamine::{Data, Reader as _, Xlsx};
use serde_json::Value as Json;

use super::*;

#[path = "../../../src-tauri/crates/scal-workbook/tests/common/mod.rs"]
pub mod fixtures;

use fixtures::{workbook, workbook_edited_in, Style};

const WORKBOOK: &str = "SCAL_fixture_v2.1.xlsx";

/// The standard fixture saved in a folder, and the template imported from it beside it.
pub(super) fn imported(dir: &Dir) -> (std::path::PathBuf, std::path::PathBuf) {
    let book = dir.file(WORKBOOK, workbook(Style::Standard));
    let template = dir.path("scal.json");
    scal(["import-template", &p(&book), "--out", &p(&template)]).ok();
    (book, template)
}

/// Every filled cell of every sheet, as calamine reads it.
fn cells(bytes: &[u8]) -> BTreeMap<(String, u32, u32), Data> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("calamine opens it");
    let mut out = BTreeMap::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("each sheet reads");
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, v) in range.used_cells() {
            out.insert((name.clone(), r0 + r as u32, c0 + c as u32), v.clone());
        }
    }
    out
}

fn at(sheet: &str, a1: &str) -> (String, u32, u32) {
    let letters: String = a1.chars().take_while(char::is_ascii_alphabetic).collect();
    let row: u32 = a1[letters.len()..].parse().expect("a row");
    let col = letters
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1));
    (sheet.to_string(), row - 1, col - 1)
}

fn text(s: &str) -> Data {
    Data::String(s.to_string())
}

#[test]
fn import_template_prints_what_it_found_and_left_out() {
    let dir = Dir::new();
    let book = dir.file(WORKBOOK, workbook(Style::Standard));
    let template = dir.path("scal.json");
    let run = scal(["import-template", &p(&book), "--out", &p(&template)]);
    let out = run.ok();
    assert!(
        out.starts_with("Imported SCAL_fixture_v2.1.xlsx ("),
        "{out}"
    );
    assert!(
        out.contains("as template scal-fixture-v2-1 2.1.0: 5 sections"),
        "{out}"
    );
    let row = |title: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(title))
            .unwrap_or_else(|| panic!("a row for {title}:\n{out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        row("Supplier & Product"),
        "Supplier & Product information form 17 0 - - - - - - - - -"
    );
    assert_eq!(
        row("NHS Login"),
        "NHS Login service 13 5 3 1 1 - - 3 5 2 B3"
    );
    for wanted in [
        "SECTION",
        "e-RS Provider Requirements",
        "GPC - Appointment Mgmt_v1.2",
        "Left out:",
        "Guidance & Process",
        "it is hidden in the workbook",
        "Dropdown placeholder: \"Please Select…\"",
        "Next: scal new DRAFT.scal --template",
    ] {
        assert!(
            out.contains(wanted),
            "the summary mentions {wanted:?}:\n{out}"
        );
    }
    let json = std::fs::read_to_string(&template).expect("the template was written");
    assert!(json.contains("\"source\""));

    let run = scal([
        "import-template",
        &p(&book),
        "--out",
        &p(&template),
        "--json",
    ]);
    let summary = run.json();
    assert_matches_schema("cli-import.schema.json", &summary);
    assert_eq!(summary["totals"]["requirements"], 10);
    assert_eq!(summary["template"]["id"], "scal-fixture-v2-1");
    let login = summary["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["sheet"] == "NHS Login")
        .expect("NHS Login");
    assert_eq!(login["status_cell"], "B3");
    assert_eq!(login["requirements_by_level"]["MUST"], 3);
    assert_eq!(login["tables"][1]["kind"], "requirements");
    assert_eq!(login["tables"][1]["columns"][6]["field"], "response");

    // The options change the template's identity, and are checked. (Into another file: the
    // first template is not replaced by one that differs from it.)
    scal([
        "import-template",
        &p(&book),
        "--out",
        &p(&template),
        "--id",
        "nhs-scal",
    ])
    .fails_with(&["scal.json", "already exists and holds something else"]);
    let template = dir.path("scal-3.json");
    let run = scal([
        "import-template",
        &p(&book),
        "--out",
        &p(&template),
        "--id",
        "nhs-scal",
        "--template-version",
        "3.0.0",
        "--include-hidden",
        "--json",
    ]);
    let summary = run.json();
    assert_eq!(summary["template"]["version"], "3.0.0");
    assert!(summary["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .any(|s| s["hidden"] == true));
    scal([
        "import-template",
        &p(&book),
        "--out",
        &p(&template),
        "--template-version",
        "3.0",
    ])
    .fails_with(&["template version \"3.0\"", "2.1.0"]);
}

#[test]
fn a_draft_keeps_the_workbook_and_fill_writes_only_the_answer_cells() {
    let dir = Dir::new();
    let (book, template) = imported(&dir);
    let draft = dir.path("acme.scal");
    let out = scal(["new", &p(&draft), "--template", &p(&template)])
        .ok()
        .to_string();
    assert!(
        out.contains("Kept the workbook SCAL_fixture_v2.1.xlsx"),
        "{out}"
    );

    let d = p(&draft);
    scal(["answer", &d, "supplier-product-information.ods-code", "x26"]).ok();
    scal([
        "answer",
        &d,
        "supplier-product-information.care-setting-usage",
        "GP/Primary Care; Other: Dental practices",
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
    scal(["answer", &d, "e-rs-provider-requirements.a001-01", "Yes"]).ok();
    scal(["status", &d, "nhs-login", "In Progress"]).ok();
    let report = dir.file("error-tests.pdf", b"%PDF-1.4 test report");
    scal(["attach", &d, "nhs-login.r1-2", &p(&report)]).ok();
    scal([
        "attach",
        &d,
        "nhs-login.technical-conformance-report",
        &p(&report),
    ])
    .ok();

    let filled = dir.path("filled.xlsx");
    let run = scal(["fill", &d, "--out", &p(&filled)]);
    let out = run.ok();
    assert!(
        out.starts_with(&format!("Filled {} from {d}:", p(&filled))),
        "{out}"
    );
    assert!(out.contains("read back as written"), "{out}");

    let before = cells(&std::fs::read(&book).expect("original"));
    let after = cells(&std::fs::read(&filled).expect("filled"));
    let form = "Supplier & Product information";
    let short = "(SHA-256 ";
    let expected: BTreeMap<(String, u32, u32), Data> = [
        (at(form, "C5"), text("X26")),
        (at(form, "D14"), text("No")),
        (at(form, "D15"), text("Yes")),
        (at(form, "D16"), text("No")),
        (at(form, "D17"), text("No")),
        (at(form, "D18"), text("Dental practices")),
        (at("NHS Login", "B3"), text("In Progress")),
        (at("NHS Login", "G16"), text("No")),
        (at("NHS Login", "H16"), text("Phase 2")),
        (at("e-RS Provider Requirements", "E9"), text("Yes")),
    ]
    .into_iter()
    .collect();
    let changed: BTreeSet<&(String, u32, u32)> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    for (k, want) in &expected {
        assert_eq!(after.get(k), Some(want), "{k:?}");
    }
    // Evidence: the layout has no evidence column, so the reference follows the comment cell;
    // the slot's reference goes in the empty cell under its label.
    let Some(Data::String(comment)) = after.get(&at("NHS Login", "H21")) else {
        panic!("H21 holds the evidence reference");
    };
    assert!(
        comment.starts_with("Evidence: error-tests.pdf (SHA-256 "),
        "{comment}"
    );
    let Some(Data::String(slot)) = after.get(&at("NHS Login", "A6")) else {
        panic!("A6 holds the report's reference");
    };
    assert!(
        slot.starts_with("error-tests.pdf ") && slot.contains(short),
        "{slot}"
    );
    let others: Vec<_> = changed
        .iter()
        .filter(|k| {
            !expected.contains_key(**k)
                && **k != &at("NHS Login", "H21")
                && **k != &at("NHS Login", "A6")
        })
        .collect();
    assert!(
        others.is_empty(),
        "cells changed that hold no answer: {others:?}"
    );

    // The draft was only read.
    let again = scal(["fill", &d, "--out", &p(&filled)]);
    again.ok();
}

#[test]
fn new_takes_the_workbook_itself_and_finds_or_checks_it_for_a_template() {
    let dir = Dir::new();
    let (book, template) = imported(&dir);
    let direct = dir.path("direct.scal");
    let out = scal(["new", &p(&direct), "--template", &p(&book)])
        .ok()
        .to_string();
    assert!(
        out.contains(&format!(
            "from {}, imported as template scal-fixture-v2-1",
            p(&book)
        )),
        "{out}"
    );
    assert!(out.contains("Kept the workbook"), "{out}");

    // The template moved away from its workbook: told where to look, then given it.
    let away = dir.path("elsewhere");
    std::fs::create_dir(&away).expect("a folder");
    let moved = away.join("scal.json");
    std::fs::copy(&template, &moved).expect("copied");
    scal(["new", &p(&dir.path("a.scal")), "--template", &p(&moved)])
        .fails_with(&["was imported from SCAL_fixture_v2.1.xlsx", "--workbook"]);
    scal([
        "new",
        &p(&dir.path("b.scal")),
        "--template",
        &p(&moved),
        "--workbook",
        &p(&book),
    ])
    .ok();
    // Another workbook, however alike, is not the one.
    let other = dir.file("other.xlsx", workbook(Style::Moved));
    scal([
        "new",
        &p(&dir.path("c.scal")),
        "--template",
        &p(&moved),
        "--workbook",
        &p(&other),
    ])
    .fails_with(&["other.xlsx is not the workbook the template", "SHA-256"]);
    scal([
        "new",
        &p(&dir.path("d.scal")),
        "--template",
        FLAGSHIP,
        "--workbook",
        &p(&book),
    ])
    .fails_with(&["was not imported from a workbook"]);
    assert!(!dir.path("a.scal").exists() && !dir.path("c.scal").exists());
}

#[test]
fn fill_refuses_a_draft_with_no_workbook_in_one_line() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let out = dir.path("filled.xlsx");
    scal(["fill", &p(&draft), "--out", &p(&out)])
        .fails_with(&["mini.scal has no workbook to fill", "scal export"]);
    assert!(!out.exists());
}

#[test]
fn export_writes_the_filled_workbook_and_the_pack_carries_it() {
    let dir = Dir::new();
    let (_, template) = imported(&dir);
    let draft = dir.path("acme.scal");
    scal(["new", &p(&draft), "--template", &p(&template)]).ok();
    scal([
        "answer",
        &p(&draft),
        "supplier-product-information.ods-code",
        "X26",
    ])
    .ok();
    let evidence = dir.file("tcr.pdf", b"%PDF-1.4 report");
    scal([
        "attach",
        &p(&draft),
        "nhs-login.technical-conformance-report",
        &p(&evidence),
    ])
    .ok();
    let out_dir = dir.path("out");
    let run = scal([
        "export",
        &p(&draft),
        "--out",
        &p(&out_dir),
        "--at",
        "2026-06-15T09:00:00Z",
        "--today",
        TODAY,
    ]);
    let out = run.ok();
    assert!(out.contains("NHS workbook"), "{out}");
    assert!(
        out.contains("read back from the NHS workbook filled in place"),
        "{out}"
    );
    let filled = out_dir.join("acme-filled.xlsx");
    let after = cells(&std::fs::read(&filled).expect("exported"));
    assert_eq!(
        after.get(&at("Supplier & Product information", "C5")),
        Some(&text("X26"))
    );
    let Some(Data::String(slot)) = after.get(&at("NHS Login", "A6")) else {
        panic!("the report's reference is in the workbook");
    };
    assert!(
        slot.starts_with("evidence/tcr.pdf (SHA-256 "),
        "named as the pack names it: {slot}"
    );

    let pack = out_dir.join("acme-pack.zip");
    scal(["verify-pack", &p(&pack)]).ok();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&pack).expect("pack")).expect("a zip");
    let mut manifest = String::new();
    zip.by_name("manifest.json")
        .expect("a manifest")
        .read_to_string(&mut manifest)
        .expect("text");
    let manifest: Json = serde_json::from_str(&manifest).expect("JSON");
    let entry = manifest["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["role"] == "filled_workbook")
        .expect("the filled workbook is in the pack");
    assert_eq!(entry["path"], "acme-filled.xlsx");
    let bytes = std::fs::read(&filled).expect("read");
    assert_eq!(
        entry["sha256"],
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes))
    );
}

#[test]
fn import_template_refuses_what_is_not_a_workbook_in_one_line() {
    let dir = Dir::new();
    let out = dir.path("t.json");
    let csv = dir.file("answers.csv", "item,value\n");
    scal(["import-template", &p(&csv), "--out", &p(&out)])
        .fails_with(&["answers.csv is not an Excel workbook (.xlsx)"]);
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(2048, 0);
    let xls = dir.file("old.xls", ole);
    scal(["import-template", &p(&xls), "--out", &p(&out)])
        .fails_with(&["old.xls is damaged: its OLE container cannot be read"]);
    let empty = dir.file("empty.xlsx", b"");
    scal(["import-template", &p(&empty), "--out", &p(&out)]).fails_with(&["empty.xlsx is empty"]);
    scal([
        "import-template",
        &p(&dir.path("missing.xlsx")),
        "--out",
        &p(&out),
    ])
    .fails_with(&["missing.xlsx cannot be read: it does not exist"]);
    let mut blank = rust_xlsxwriter::Workbook::new();
    blank
        .add_worksheet()
        .write_string(0, 0, "Notes")
        .expect("write");
    let blank = dir.file("blank.xlsx", blank.save_to_buffer().expect("saved"));
    scal(["import-template", &p(&blank), "--out", &p(&out)])
        .fails_with(&["blank.xlsx holds no sheet recognised as a SCAL section"]);
    scal(["new", &p(&dir.path("x.scal")), "--template", &p(&xls)])
        .fails_with(&["old.xls is damaged: its OLE container cannot be read"]);
    // The template never overwrites the workbook it is read from.
    let bytes = workbook(Style::Standard);
    let book = dir.file(WORKBOOK, &bytes);
    scal(["import-template", &p(&book), "--out", &p(&book)])
        .fails_with(&["is the workbook itself"]);
    assert!(
        std::fs::read(&book).expect("read") == bytes,
        "the workbook is unchanged"
    );
    assert!(!out.exists(), "nothing was written");
}

/// The real NHS workbook, when this checkout sits beside it: import, draft, fill.
#[test]
fn the_reference_workbook_goes_from_import_to_fill() {
    let Some(reference) = fixtures::reference_file(
        "SCAL_vsn2.0.xlsx",
        "the_reference_workbook_goes_from_import_to_fill",
    ) else {
        return;
    };
    let dir = Dir::new();
    let template = dir.path("scal.json");
    let summary = scal([
        "import-template",
        &p(&reference),
        "--out",
        &p(&template),
        "--json",
    ])
    .json();
    assert_matches_schema("cli-import.schema.json", &summary);
    assert!(summary["totals"]["requirements"].as_u64().unwrap_or(0) > 200);
    let draft = dir.path("ref.scal");
    scal([
        "new",
        &p(&draft),
        "--template",
        &p(&template),
        "--workbook",
        &p(&reference),
    ])
    .ok();
    scal(["answer", &p(&draft), "nhs-login.data-set", "Yes"]).ok();
    let filled = dir.path("filled.xlsx");
    scal(["fill", &p(&draft), "--out", &p(&filled)]).ok();
    let after = cells(&std::fs::read(&filled).expect("filled"));
    assert_eq!(after.get(&at("NHS Login", "G16")), Some(&text("Yes")));
}

/// Where each item's response cell is (sheet, A1) in a template imported from a workbook.
fn response_cells(template: &Json) -> BTreeMap<String, (String, String)> {
    let source = &template["source"];
    let mut out = BTreeMap::new();
    for section in template["sections"].as_array().expect("sections") {
        let sheet = source["sections"][section["id"].as_str().unwrap()]["sheet"]
            .as_str()
            .unwrap_or("")
            .to_string();
        for item in section["items"].as_array().expect("items") {
            let id = item["id"].as_str().unwrap();
            if let Some(cell) = source["items"][id]["response"].as_str() {
                out.insert(id.to_string(), (sheet.clone(), cell.to_string()));
            }
        }
    }
    out
}

/// A newer issue of the workbook that is also laid out differently (headers reworded and
/// reordered, blocks moved, other dropdown sources): the answers to the first carry over to the
/// second by item, the new row is listed as new, the reworded row waits for re-confirmation,
/// nothing is archived, and filling the draft writes each answer into the NEW layout's cells.
#[test]
fn an_upgrade_between_workbooks_in_different_layouts_carries_every_answer() {
    let dir = Dir::new();
    let old_book = dir.file("SCAL_fixture_v2.1.xlsx", workbook(Style::Standard));
    let old_template = dir.path("v2.1.json");
    scal([
        "import-template",
        &p(&old_book),
        "--out",
        &p(&old_template),
        "--id",
        "scal-fixture",
        "--template-version",
        "2.1.0",
    ])
    .ok();
    let new_book = dir.file("SCAL_fixture_v2.2.xlsx", workbook_edited_in(Style::Moved));
    let new_template = dir.path("v2.2.json");
    scal([
        "import-template",
        &p(&new_book),
        "--out",
        &p(&new_template),
        "--id",
        "scal-fixture",
        "--template-version",
        "2.2.0",
    ])
    .ok();

    let draft = dir.path("acme.scal");
    let d = p(&draft);
    scal(["new", &d, "--template", &p(&old_template)]).ok();
    let answers = [
        ("nhs-login.data-set", "Yes", ""),
        (
            "nhs-login.external-interface-specification",
            "No",
            "Planned for Q3",
        ),
        ("nhs-login.r1-2", "Out of Scope", "No patient-facing errors"),
        ("e-rs-provider-requirements.a001-01", "Yes", ""),
        ("supplier-product-information.ods-code", "X26", ""),
    ];
    for (item, value, comment) in answers {
        scal(["answer", &d, item, value, "--comment", comment]).ok();
    }

    // The workbook of the older issue is not the one the new template was imported from.
    scal([
        "upgrade",
        &d,
        "--to",
        &p(&new_template),
        "--workbook",
        &p(&old_book),
    ])
    .fails_with(&["is not the workbook the template", "SHA-256"]);
    let report = scal([
        "upgrade",
        &d,
        "--to",
        &p(&new_template),
        "--workbook",
        &p(&new_book),
        "--json",
    ])
    .json();
    assert_matches_schema("cli-upgrade.schema.json", &report);
    assert_eq!(report["workbook"]["file_name"], "SCAL_fixture_v2.2.xlsx");
    let g = &report["groups"];
    let reworded = ids(&g["carried_reworded"], "to");
    assert_eq!(reworded, ["nhs-login.external-interface-specification"]);
    let new = ids(&g["new"], "item");
    assert!(
        new.iter().any(|id| id.starts_with("nhs-login.consent")),
        "the added row is not listed as new: {new:?}"
    );
    let archived: Vec<&Json> = g["removed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["archived"] == true)
        .collect();
    assert!(archived.is_empty(), "answers were archived: {archived:?}");

    // Every answer is still there, under the same item.
    let show = scal(["show", &d, "--json"]).json();
    for (id, value, comment) in answers {
        let it = super::item(&show, id);
        assert_eq!(it["value"], Json::from(value), "{id}");
        assert_eq!(it["comment"], Json::from(comment), "{id}");
    }

    // Fill writes into the new workbook, at the new layout's cells.
    let new_map =
        response_cells(&serde_json::from_slice(&std::fs::read(&new_template).unwrap()).unwrap());
    let old_map =
        response_cells(&serde_json::from_slice(&std::fs::read(&old_template).unwrap()).unwrap());
    let moved = answers
        .iter()
        .filter(|(id, _, _)| old_map.get(*id) != new_map.get(*id))
        .count();
    assert!(
        moved >= 3,
        "the two layouts should put most answers in other cells"
    );
    let filled = dir.path("filled.xlsx");
    scal(["fill", &d, "--out", &p(&filled)]).ok();
    let after = cells(&std::fs::read(&filled).unwrap());
    for (id, value, _) in answers {
        let (sheet, cell) = &new_map[id];
        assert_eq!(
            after.get(&at(sheet, cell)),
            Some(&text(value)),
            "{id} at {sheet}!{cell}"
        );
    }
}

fn ids(group: &Json, side: &str) -> Vec<String> {
    group
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[side]["id"].as_str().unwrap().to_string())
        .collect()
}

/// A mistyped `--out` never replaces a draft: not by `fill`, not by `import-template`.
#[test]
fn fill_and_import_never_write_over_a_draft() {
    let dir = Dir::new();
    let (book, template) = imported(&dir);
    let draft = dir.path("acme.scal");
    let d = p(&draft);
    scal(["new", &d, "--template", &p(&template)]).ok();
    scal(["answer", &d, "nhs-login.data-set", "Yes"]).ok();
    scal(["fill", &d, "--out", &d]).fails_with(&[
        "acme.scal",
        "is the draft itself",
        "never replaces",
    ]);
    scal(["import-template", &p(&book), "--out", &d]).fails_with(&["acme.scal", "is a SCAL draft"]);
    let other = dir.path("other.scal");
    std::fs::copy(&draft, &other).unwrap();
    scal(["fill", &d, "--out", &p(&other)]).fails_with(&["other.scal", "is a SCAL draft"]);
    assert!(
        std::fs::read(&draft)
            .unwrap()
            .starts_with(b"SQLite format 3\0"),
        "the draft was replaced"
    );
    let show = scal(["show", &d, "--json"]).json();
    assert_eq!(super::item(&show, "nhs-login.data-set")["value"], "Yes");
}

#[test]
fn a_legacy_xls_workbook_imports_and_fills_into_an_xlsx_copy() {
    let dir = Dir::new();
    let xls = dir.file(
        "SCAL_legacy.xls",
        include_bytes!("../../../src-tauri/crates/scal-workbook/tests/fixtures/scal-standard.xls"),
    );
    let template = dir.path("legacy.json");
    let out = scal(["import-template", &p(&xls), "--out", &p(&template)])
        .ok()
        .to_string();
    assert!(
        out.contains("SCAL_legacy.xls is a legacy Excel 97-2003 workbook (.xls)"),
        "{out}"
    );
    let draft = dir.path("legacy.scal");
    let d = p(&draft);
    scal(["new", &d, "--template", &p(&xls)]).ok();
    scal([
        "answer",
        &d,
        "nhs-login.data-set",
        "No",
        "--comment",
        "Phase 2",
    ])
    .ok();
    scal(["answer", &d, "supplier-product-information.ods-code", "x26"]).ok();

    let wrong = dir.path("filled.xls");
    scal(["fill", &d, "--out", &p(&wrong)]).fails_with(&[
        "filled.xls cannot be written as the legacy .xls format",
        "filled.xlsx",
    ]);
    assert!(!wrong.exists());

    let filled = dir.path("filled.xlsx");
    let out = scal(["fill", &d, "--out", &p(&filled)]).ok().to_string();
    assert!(
        out.contains(&format!(
            "SCAL_legacy.xls is a legacy .xls workbook, which cannot be patched in place, so {} is a new .xlsx copy",
            p(&filled)
        )),
        "{out}"
    );
    let after = cells(&std::fs::read(&filled).expect("the copy was written"));
    assert_eq!(after.get(&at("NHS Login", "G16")), Some(&text("No")));
    assert_eq!(after.get(&at("NHS Login", "H16")), Some(&text("Phase 2")));
    assert_eq!(
        after.get(&at("Supplier & Product information", "C5")),
        Some(&text("X26"))
    );
    assert_eq!(
        after.get(&at("Supplier & Product information", "A4")),
        Some(&text("Supplier Organisation Name")),
        "the original text is in the copy"
    );
    assert_eq!(
        after.get(&at("Lists", "A2")),
        Some(&text("Yes")),
        "the hidden list sheet is in the copy"
    );

    // An export carries the copy too, and says so by the name it will have.
    let out_dir = dir.path("out");
    let out = scal([
        "export",
        &d,
        "--out",
        &p(&out_dir),
        "--at",
        "2026-06-15T09:00:00Z",
        "--today",
        TODAY,
    ])
    .ok()
    .to_string();
    assert!(
        out.contains("so legacy-filled.xlsx is a new .xlsx copy") && !out.contains(".partial"),
        "{out}"
    );
    let exported = cells(&std::fs::read(out_dir.join("legacy-filled.xlsx")).expect("exported"));
    assert_eq!(exported.get(&at("NHS Login", "G16")), Some(&text("No")));
    scal(["verify-pack", &p(&out_dir.join("legacy-pack.zip"))]).ok();
}
