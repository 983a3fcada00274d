//! The PDF summary, read back by lopdf's text extraction (through the embedded fonts'
//! ToUnicode maps, as a copy-paste or a screen reader would see it).

// Helpers here are test code too: a failed step is a failing test with its location.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use scal_core::Value;
use scal_export::{export, ExportOptions};

fn options() -> ExportOptions {
    ExportOptions {
        at: Some(export_time()),
        ..ExportOptions::default()
    }
}

#[test]
fn every_answered_item_and_its_answer_appear_with_unicode_intact() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let out = dir.path().join("out");
    let outcome = export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    assert!(
        !outcome
            .warnings
            .iter()
            .any(|w| w.message.contains("cannot show")),
        "every sample character is in the font: {:?}",
        outcome.warnings
    );
    let pages = pdf_pages(&output(&out, "-summary.pdf"));
    let text = squash(&pages.concat());

    let template = draft.template().clone();
    let answers = draft.answers().unwrap();
    let shown = scal_core::visible_items(&template, &answers);
    let mut checked = 0;
    for (_, item) in template.items() {
        let Some(answer) = answers.get(&item.id).filter(|_| shown.contains(&item.id)) else {
            continue;
        };
        assert!(
            text.contains(&squash(&item.id)),
            "item {} is not in the PDF",
            item.id
        );
        let values: Vec<String> = match answer.value.as_ref().unwrap() {
            Value::One(s) => vec![s.clone()],
            Value::Many(v) => v.clone(),
        };
        for v in values {
            assert!(
                text.contains(&squash(&v)),
                "answer {v:?} of {} is not in the PDF",
                item.id
            );
        }
        if !answer.comment.is_empty() {
            assert!(
                text.contains(&squash(&answer.comment)),
                "comment of {} is not in the PDF",
                item.id
            );
        }
        checked += 1;
    }
    assert!(checked > 100);
    for sample in [
        WELSH,
        GREEK,
        TYPOGRAPHIC,
        "\u{417}\u{434}\u{440}\u{430}\u{432}",
    ] {
        assert!(text.contains(&squash(sample)), "{sample} did not survive");
    }
    // Evidence index with full hashes.
    for link in draft.evidence().unwrap() {
        assert!(
            text.contains(&link.file.sha256),
            "hash of {} missing",
            link.file.file_name
        );
    }
}

#[test]
fn every_page_says_page_x_of_y_and_names_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let out = dir.path().join("out");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let pages = pdf_pages(&output(&out, "-summary.pdf"));
    let n = pages.len();
    assert!(
        n >= 5,
        "cover, dashboard, issues, sections and evidence take several pages: {n}"
    );
    for (i, page) in pages.iter().enumerate() {
        let page = squash(page);
        assert!(
            page.contains(&format!("Page{}of{n}", i + 1)),
            "page {} lacks its number",
            i + 1
        );
        assert!(
            page.contains(draft.draft_id()),
            "page {} lacks the draft id",
            i + 1
        );
    }
    let first = squash(&pages[0]);
    assert!(
        first.contains("SupplierConformanceAssessmentList") && first.contains("2026-04-3009:15UTC")
    );
    assert!(squash(&pages[1]).contains("Completeness"));
}

#[test]
fn the_dashboard_draws_a_vector_bar_per_section() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let out = dir.path().join("out");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let doc = lopdf::Document::load(output(&out, "-summary.pdf")).unwrap();
    let (_, &page2) = doc.get_pages().iter().nth(1).unwrap();
    let content = lopdf::content::Content::decode(&doc.get_page_content(page2)).unwrap();
    let rects = content
        .operations
        .iter()
        .filter(|op| op.operator == "re")
        .count();
    // Overall plus each applicable section: a background and a filled share, no images.
    let sections = draft.template().sections.len();
    assert!(
        rects >= 2 * (sections + 1) - 2,
        "{rects} rectangles on the dashboard"
    );
    assert!(
        !content.operations.iter().any(|op| op.operator == "Do"),
        "bars are vector graphics, not images"
    );
}

#[test]
fn the_same_draft_at_the_same_time_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    export(&mut draft, &a, &options(), &mut |_| {}).unwrap();
    // Other PDF work in between must not change the next one's bytes.
    export(
        &mut draft,
        &dir.path().join("between"),
        &ExportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    export(&mut draft, &b, &options(), &mut |_| {}).unwrap();
    for suffix in ["-summary.pdf", ".xlsx"] {
        let x = std::fs::read(output(&a, suffix)).unwrap();
        let y = std::fs::read(output(&b, suffix)).unwrap();
        assert!(
            x == y,
            "{suffix} differs between two exports of the same draft at the same time"
        );
    }
    // A different export time is a different document.
    let c = dir.path().join("c");
    let later = ExportOptions {
        at: Some(export_time() + chrono::Duration::minutes(1)),
        ..ExportOptions::default()
    };
    export(&mut draft, &c, &later, &mut |_| {}).unwrap();
    assert_ne!(
        std::fs::read(output(&a, "-summary.pdf")).unwrap(),
        std::fs::read(output(&c, "-summary.pdf")).unwrap()
    );
}

#[test]
fn the_font_is_embedded_as_a_subset_with_its_unicode_map() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let out = dir.path().join("out");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let path = output(&out, "-summary.pdf");
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(
        size < 400_000,
        "a subset font keeps the summary small: {size} bytes"
    );
    let doc = lopdf::Document::load(&path).unwrap();
    let mut embedded = 0;
    for (_, object) in doc.objects.iter() {
        if let Ok(dict) = object.as_dict() {
            if dict.get(b"FontFile2").is_ok() {
                let name = dict.get(b"FontName").unwrap().as_name().unwrap();
                assert!(
                    String::from_utf8_lossy(name).contains("+DejaVuSans"),
                    "subset tag and family"
                );
                embedded += 1;
            }
            if dict.get(b"Subtype").ok().and_then(|s| s.as_name().ok()) == Some(b"Type0") {
                assert!(
                    dict.get(b"ToUnicode").is_ok(),
                    "text can be copied and searched"
                );
            }
        }
    }
    assert_eq!(embedded, 2, "regular and bold embedded");
}

#[test]
fn characters_the_font_lacks_are_reported_not_silently_lost() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = new_draft(dir.path(), "cjk.scal");
    // DejaVu Sans has no CJK: the PDF marks it and says so; the workbook keeps it.
    draft
        .set_answer(
            "supplier-name",
            scal_store::AnswerChange::set(Value::One("\u{6771}\u{4eac} Health".into())),
            "tester",
        )
        .unwrap();
    let out = dir.path().join("out");
    let outcome = export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let w = outcome
        .warnings
        .iter()
        .find(|w| w.item.as_deref() == Some("supplier-name"))
        .expect("a warning names the item");
    assert!(w.message.contains('\u{6771}'), "{}", w.message);
    let sheets = read_sheets(&output(&out, ".xlsx"));
    assert!(rows_by_item(&sheets)["supplier-name"]
        .2
        .iter()
        .any(|c| matches!(c, calamine::Data::String(s) if s == "\u{6771}\u{4eac} Health")));
}

#[test]
fn the_evidence_index_shows_each_files_own_dates() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let links = draft.evidence().unwrap();
    let dated = &links[0];
    let dates = scal_core::EvidenceDates::parse(
        Some("2026-03-14"),
        Some("2027-03-13"),
        ("dated", "valid until"),
    )
    .unwrap();
    draft.set_evidence_dates(dated.id, dates, "Lead").unwrap();
    let out = dir.path().join("out");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let text = squash(&pdf_pages(&output(&out, "-summary.pdf")).concat());
    assert!(
        text.contains(&squash("Dated / valid until")),
        "the column is there"
    );
    assert!(
        text.contains(&squash("dated 2026-03-14"))
            && text.contains(&squash("valid until 2027-03-13")),
        "{}'s dates are in the index",
        dated.file.file_name
    );
}
