//! The workbook, read back by calamine and by looking at its XML: every answer in its cell as
//! text, dropdowns and conditional formats present, protection and print setup as the SCAL
//! has them, Excel's limits met with a warning.

// Helpers here are test code too: a failed step is a failing test with its location.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use calamine::Data;
use scal_core::{ItemKind, Value};
use scal_export::{export, filled_workbook_name, ExportOptions};
use scal_store::AnswerChange;

fn options() -> ExportOptions {
    ExportOptions {
        at: Some(export_time()),
        ..ExportOptions::default()
    }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected text, found {other:?}"),
    }
}

#[test]
fn every_answer_is_in_its_row_exactly_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let out = dir.path().join("out");
    let outcome = export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    assert!(
        outcome.answers_verified > 100,
        "the read-back checked {} cells",
        outcome.answers_verified
    );

    let sheets = read_sheets(&output(&out, ".xlsx"));
    let rows = rows_by_item(&sheets);
    let template = draft.template().clone();
    let answers = draft.answers().unwrap();
    let shown = scal_core::visible_items(&template, &answers);
    let mut checked = 0;
    for (_, item) in template.items() {
        let Some(answer) = answers.get(&item.id).filter(|_| shown.contains(&item.id)) else {
            continue;
        };
        let (sheet, r, cells) = rows
            .get(&item.id)
            .unwrap_or_else(|| panic!("item {} has no row in the workbook", item.id));
        let texts: Vec<String> = cells
            .iter()
            .filter_map(|c| match c {
                Data::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        match (&item.kind, answer.value.as_ref().unwrap()) {
            (ItemKind::MultiChoice { options, .. }, Value::Many(chosen)) => {
                // One row per option under the item, "Yes" against each one chosen.
                let range = &sheets[sheet];
                for (k, option) in options.iter().enumerate() {
                    let row: Vec<String> = range
                        .rows()
                        .nth(r + 1 + k)
                        .unwrap()
                        .iter()
                        .map(|c| match c {
                            Data::String(s) => s.clone(),
                            _ => String::new(),
                        })
                        .collect();
                    assert!(
                        row.iter().any(|c| c.trim() == option),
                        "option {option} of {} not on its row: {row:?}",
                        item.id
                    );
                    let yes = row.iter().any(|c| c == "Yes");
                    assert_eq!(
                        yes,
                        chosen.contains(option),
                        "option {option} of {}",
                        item.id
                    );
                }
            }
            (ItemKind::Date { .. }, Value::One(iso)) => {
                let date = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap();
                let serial = (date - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap())
                    .num_days() as f64;
                assert!(
                    cells.iter().any(
                        |c| matches!(c, Data::DateTime(d) if (d.as_f64() - serial).abs() < 1e-9)
                    ),
                    "date {iso} of {} is not a real date in its row: {cells:?}",
                    item.id
                );
            }
            (_, v) => {
                let want = v.display();
                assert!(
                    texts.contains(&want),
                    "{} = {want:?} not in its row on {sheet}: {texts:?}",
                    item.id
                );
            }
        }
        if !answer.comment.is_empty() {
            assert!(
                texts.contains(&answer.comment),
                "comment of {} not in its row: {texts:?}",
                item.id
            );
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} items were checked");
}

#[test]
fn formula_like_answers_stay_text_and_the_file_holds_no_formula() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let out = dir.path().join("out");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let xlsx = output(&out, ".xlsx");

    let sheets = read_sheets(&xlsx);
    let all: Vec<String> = sheets
        .values()
        .flat_map(|r| {
            r.used_cells().filter_map(|(_, _, c)| match c {
                Data::String(s) => Some(s.clone()),
                _ => None,
            })
        })
        .collect();
    for sample in ["=1+1", "+44 20 7946 0000", "-1", "@SUM(A1)"] {
        assert!(
            all.iter().any(|s| s == sample),
            "{sample:?} is not a text cell"
        );
    }
    // Nowhere in the file is there a formula, nor a number that was typed as text.
    let names = zip_names(&xlsx);
    for sheet in names
        .iter()
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
    {
        let xml = zip_text(&xlsx, sheet);
        assert!(
            !xml.contains("<f>") && !xml.contains("<f "),
            "{sheet} holds a formula"
        );
    }
    let strings = zip_text(&xlsx, "xl/sharedStrings.xml");
    assert!(strings.contains("<t>=1+1</t>") && strings.contains("<t>@SUM(A1)</t>"));
}

#[test]
fn dropdowns_red_comments_protection_and_print_setup_are_in_the_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let out = dir.path().join("out");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let xlsx = output(&out, ".xlsx");
    let workbook = zip_text(&xlsx, "xl/workbook.xml");

    // The service tab for consumers: find its file through the workbook's sheet order.
    let sheets = read_sheets(&xlsx);
    let service = sheets
        .keys()
        .find(|n| n.starts_with("UEC Appointment Booking- Cons"))
        .expect("the consumer sheet, named within Excel's rules");
    assert!(service.chars().count() <= 31);
    let order: Vec<&str> = workbook
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let index = order.iter().position(|n| *n == service.as_str()).unwrap() + 1;
    let xml = zip_text(&xlsx, &format!("xl/worksheets/sheet{index}.xml"));

    let placeholder = &draft.template().placeholder;
    assert!(
        xml.contains(&format!(
            "<formula1>\"{placeholder},Yes,No,Out of Scope\"</formula1>"
        )),
        "requirement dropdown with the placeholder first"
    );
    assert!(
        xml.contains(&format!(
            "<formula1>\"{placeholder},In Progress,Complete\"</formula1>"
        )),
        "status dropdown"
    );
    assert!(xml.contains("<dataValidation type=\"list\""));
    assert!(
        xml.contains("<conditionalFormatting") && xml.contains("=\"No\",LEN(TRIM("),
        "red comment rule"
    );
    // One rule over the whole comment column, not one per row.
    assert_eq!(
        xml.matches("<conditionalFormatting").count(),
        2,
        "declarations and requirements: one rule each"
    );
    assert!(xml.contains("<sheetProtection"), "sheet protected");
    assert!(xml.contains("state=\"frozen\""), "header rows frozen");
    assert!(
        xml.contains("orientation=\"landscape\"") && xml.contains("fitToHeight=\"0\""),
        "landscape, one page wide"
    );
    assert!(
        workbook.contains("_xlnm.Print_Titles"),
        "header rows repeat on every printed page"
    );
    assert!(
        xml.contains("<autoFilter"),
        "the requirements table can be filtered"
    );
    // Response cells are the unlocked ones.
    let styles = zip_text(&xlsx, "xl/styles.xml");
    assert!(styles.contains("<protection locked=\"0\"/>"));
}

#[test]
fn properties_summary_and_evidence_index_describe_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let out = dir.path().join("out");
    let outcome = export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let xlsx = output(&out, ".xlsx");

    let core = zip_text(&xlsx, "docProps/core.xml");
    assert!(
        core.contains("2026-04-30T09:15:00Z"),
        "creation time is the export time: {core}"
    );
    assert!(core.contains("SCAL"));
    let custom = zip_text(&xlsx, "docProps/custom.xml");
    assert!(custom.contains(draft.draft_id()) && custom.contains(&outcome.answers_digest));

    let sheets = read_sheets(&xlsx);
    let summary = &sheets["Summary"];
    let texts: Vec<String> = summary
        .used_cells()
        .filter_map(|(_, _, c)| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(texts.iter().any(|t| t.contains("uec-appointment-booking")));
    assert!(
        texts.contains(&"Supplier & Product information".to_string()),
        "completeness per section"
    );
    assert!(
        summary
            .used_cells()
            .any(|(_, _, c)| matches!(c, Data::DateTime(_))),
        "export time is a real date"
    );

    let evidence = &sheets["Evidence"];
    let rows: Vec<Vec<String>> = evidence
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect();
    let links = draft.evidence().unwrap();
    assert!(
        rows.iter()
            .any(|r| r.contains(&"Document dated".to_string())
                && r.contains(&"Valid until".to_string())),
        "the index has both date columns"
    );
    for link in &links {
        let row = rows
            .iter()
            .find(|r| r.contains(&link.file.sha256))
            .unwrap_or_else(|| panic!("{} not in the index", link.file.file_name));
        assert!(
            row.iter().any(|c| c.contains(&link.item)),
            "{} lists item {}",
            link.file.file_name,
            link.item
        );
        assert!(row.contains(&link.file.size.to_string()));
    }
    // One file linked to three requirements is listed once.
    let shared = rows
        .iter()
        .filter(|r| r.iter().any(|c| c == "test-log.txt"))
        .count();
    assert_eq!(shared, 1);
}

#[test]
fn text_beyond_the_cell_limit_is_cut_with_a_warning_naming_the_item() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = new_draft(dir.path(), "long.scal");
    // A comment may hold far more than a cell: the ISMS question's mitigation, say.
    let long_item = "isms".to_string();
    let long = "\u{175}".repeat(40_000);
    draft
        .set_answer(
            &long_item,
            AnswerChange {
                value: Some(Some(Value::One("No".into()))),
                comment: Some(long.clone()),
            },
            "tester",
        )
        .unwrap();
    let out = dir.path().join("out");
    let outcome = export(&mut draft, &out, &options(), &mut |_| {}).unwrap();

    let warning = outcome
        .warnings
        .iter()
        .find(|w| w.item.as_deref() == Some(long_item.as_str()))
        .expect("a warning names the item");
    assert!(warning.message.contains("32,767"), "{}", warning.message);
    let sheets = read_sheets(&output(&out, ".xlsx"));
    let (_, _, cells) = &rows_by_item(&sheets)[&long_item];
    let cut = cells
        .iter()
        .map(cell_text_lossy)
        .find(|t| t.starts_with('\u{175}'))
        .unwrap();
    assert_eq!(cut.encode_utf16().count(), 32_767);
    assert!(cut.ends_with("the full text is in the PDF summary]"));
    // The PDF keeps all of it.
    let pdf = pdf_pages(&output(&out, "-summary.pdf")).concat();
    assert!(squash(&pdf).matches('\u{175}').count() >= 40_000);
}

fn cell_text_lossy(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        _ => String::new(),
    }
}

#[test]
fn an_unanswered_draft_exports_with_placeholders_and_no_answers() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = new_draft(dir.path(), "empty.scal");
    let out = dir.path().join("out");
    let outcome = export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    assert!(!outcome.complete);
    assert_eq!(outcome.answers_verified, 0);
    let sheets = read_sheets(&output(&out, ".xlsx"));
    let rows = rows_by_item(&sheets);
    let (_, _, cells) = &rows["isms"];
    let placeholder = draft.template().placeholder.clone();
    assert!(
        cells.iter().any(|c| cell_text(c) == placeholder),
        "unanswered choice shows the placeholder"
    );
}

#[test]
fn a_list_excel_cannot_hold_inline_comes_from_a_hidden_lists_sheet() {
    // Options with commas (or more than 255 characters in all) cannot be an inline dropdown.
    let template = serde_json::json!({
        "id": "lists", "version": "1.0.0", "title": "Lists", "publisher": "test",
        "sections": [{"id": "org", "title": "Organisation: [main]", "kind": "form", "items": [
            {"id": "setting", "label": "Care setting", "type": "choice",
             "options": ["Trust (acute, mental health, community)", "GP / primary care"]},
            {"id": "plain", "label": "Plain", "type": "yes_no"}
        ]}]
    });
    let dir = tempfile::tempdir().unwrap();
    let mut draft = scal_store::Draft::create(
        &dir.path().join("lists.scal"),
        &template.to_string(),
        "tester",
    )
    .unwrap();
    draft
        .set_answer(
            "setting",
            AnswerChange::set(Value::One("Trust (acute, mental health, community)".into())),
            "tester",
        )
        .unwrap();
    let out = dir.path().join("out");
    let outcome = export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    assert!(
        outcome
            .warnings
            .iter()
            .any(|w| w.message.contains("Organisation- -main-")),
        "renamed sheet reported: {:?}",
        outcome.warnings
    );
    let xlsx = output(&out, ".xlsx");
    let workbook = zip_text(&xlsx, "xl/workbook.xml");
    assert!(
        workbook.contains("<sheet name=\"Lists\"") && workbook.contains("state=\"hidden\""),
        "{workbook}"
    );
    let form = zip_text(&xlsx, "xl/worksheets/sheet2.xml");
    assert!(
        form.contains("<formula1>'Lists'!$A$1:$A$3</formula1>"),
        "the dropdown refers to the Lists sheet"
    );
    assert!(
        form.contains("<formula1>\"Please select\u{2026},Yes,No\"</formula1>"),
        "short lists stay inline"
    );
    let sheets = read_sheets(&xlsx);
    let lists: Vec<String> = sheets["Lists"].rows().map(|r| cell_text(&r[0])).collect();
    assert_eq!(
        lists,
        vec![
            "Please select\u{2026}",
            "Trust (acute, mental health, community)",
            "GP / primary care"
        ]
    );
    assert!(rows_by_item(&sheets)["setting"]
        .2
        .iter()
        .any(|c| cell_text_lossy(c) == "Trust (acute, mental health, community)"));
}

#[test]
fn the_filled_workbook_keeps_the_extension_of_the_workbook_it_fills() {
    assert_eq!(
        filled_workbook_name("acme", Some("SCAL_v2.XLSM")),
        "acme-filled.xlsm"
    );
    assert_eq!(
        filled_workbook_name("acme", Some("SCAL_v2.xlsx")),
        "acme-filled.xlsx"
    );
    assert_eq!(
        filled_workbook_name("acme", Some("SCAL")),
        "acme-filled.xlsx"
    );
    assert_eq!(
        filled_workbook_name("acme", Some("SCAL.exe")),
        "acme-filled.xlsx"
    );
    assert_eq!(filled_workbook_name("acme", None), "acme-filled.xlsx");
}

#[test]
fn the_evidence_sheet_gives_a_files_dates() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let link = draft.evidence().unwrap()[0].clone();
    let dates = scal_core::EvidenceDates::parse(
        Some("2026-03-14"),
        Some("2027-03-13"),
        ("dated", "valid until"),
    )
    .unwrap();
    draft.set_evidence_dates(link.id, dates, "Lead").unwrap();
    let out = dir.path().join("out");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let sheets = read_sheets(&output(&out, ".xlsx"));
    let row: Vec<String> = sheets["Evidence"]
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    _ => String::new(),
                })
                .collect::<Vec<_>>()
        })
        .find(|r| r.contains(&link.file.sha256))
        .unwrap();
    assert!(row.contains(&"2026-03-14".to_string()), "{row:?}");
    assert!(row.contains(&"2027-03-13".to_string()), "{row:?}");
}
