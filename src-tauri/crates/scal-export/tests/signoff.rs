//! The sign-off page: name, role and date in the PDF and on the workbook's summary sheet, a
//! warning when answers changed after signing, and the count of open review threads. Each
//! export also keeps the draft as submitted (a snapshot linked to the export record).

// Helpers here are test code too: a failed step is a failing test with its location.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;
use calamine::Data;
use chrono::NaiveDate;
use scal_export::{export, ExportOptions};
use scal_store::{AnswerChange, SnapshotReason};

fn options() -> ExportOptions {
    ExportOptions {
        at: Some(export_time()),
        author: Some("Exporter".into()),
        ..ExportOptions::default()
    }
}

/// The summary sheet as label → text, for its two-column facts.
fn summary_facts(xlsx: &Path) -> BTreeMap<String, String> {
    let sheets = read_sheets(xlsx);
    let summary = &sheets["Summary"];
    summary
        .rows()
        .filter_map(|r| match (r.first(), r.get(1)) {
            (Some(Data::String(k)), Some(Data::String(v))) => Some((k.clone(), v.clone())),
            _ => None,
        })
        .collect()
}

/// The last page of the PDF, where the sign-off is.
fn signoff_page(out: &Path) -> String {
    let pages = pdf_pages(&output(out, "-summary.pdf"));
    let last = pages.last().unwrap().clone();
    assert!(
        last.contains("Sign-off"),
        "the last page is the sign-off: {last}"
    );
    squash(&last)
}

#[test]
fn the_sign_off_is_printed_and_goes_stale_when_answers_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let day = NaiveDate::from_ymd_opt(2026, 4, 29).unwrap();
    draft
        .sign_off("Dr Jo Bloggs", "Clinical Safety Officer", day, "jo")
        .unwrap();

    let out = dir.path().join("signed");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let page = signoff_page(&out);
    for wanted in [
        "Dr Jo Bloggs",
        "Clinical Safety Officer",
        "2026-04-29",
        "Current: the answers submitted are the answers signed off",
        "Open review comments",
    ] {
        assert!(
            page.contains(&squash(wanted)),
            "{wanted:?} not on the sign-off page"
        );
    }
    assert!(!page.contains("STALE"));
    let facts = summary_facts(&output(&out, ".xlsx"));
    assert_eq!(facts["Signed off by"], "Dr Jo Bloggs");
    assert_eq!(facts["Role"], "Clinical Safety Officer");
    assert_eq!(facts["Date"], "2026-04-29");
    assert!(facts["Sign-off status"].starts_with("Current"));
    assert_eq!(facts["Open review comments"], "None");

    // An answer changes after the sign-off, and a reviewer's question is left open.
    let item = draft.answers().unwrap().keys().next().unwrap().clone();
    draft
        .set_answer(
            &item,
            AnswerChange::comment("Changed after sign-off"),
            "alice",
        )
        .unwrap();
    draft
        .add_review_comment(&item, "Why did this change?", None, "sam")
        .unwrap();
    let out = dir.path().join("stale");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let page = signoff_page(&out);
    assert!(
        page.contains(&squash("STALE: answers changed after this sign-off")),
        "stale warning missing: {page}"
    );
    assert!(page.contains(&squash("1 review thread is still open")));
    let facts = summary_facts(&output(&out, ".xlsx"));
    assert!(facts["Sign-off status"].starts_with("STALE"), "{facts:?}");
    assert_eq!(
        facts["Open review comments"],
        "1 review thread is still open"
    );
}

#[test]
fn an_unsigned_draft_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let out = dir.path().join("out");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    assert!(signoff_page(&out).contains(&squash("Not signed off")));
    let facts = summary_facts(&output(&out, ".xlsx"));
    assert!(facts["Signed off by"].starts_with("Not signed off"));
}

#[test]
fn every_export_keeps_the_draft_as_submitted() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let out = dir.path().join("out");
    let outcome = export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let snapshot = draft.snapshot_info(outcome.snapshot_id.unwrap()).unwrap();
    assert_eq!(snapshot.reason, SnapshotReason::Export);
    assert_eq!(snapshot.export_id, outcome.record_id);
    assert_eq!(snapshot.author, "Exporter");
    assert_eq!(snapshot.at, "2026-04-30T09:15:00Z");
    assert_eq!(snapshot.answers_digest, outcome.answers_digest);
    let state = draft.snapshot_state(snapshot.id).unwrap();
    assert_eq!(state.answers, draft.answers().unwrap());
    assert_eq!(state.evidence.len(), draft.evidence().unwrap().len());
    assert_eq!(
        draft.changed_since_last_export().unwrap(),
        Some(Default::default())
    );

    // Exported for review only: nothing is recorded, so no snapshot either.
    let path = draft.path().to_path_buf();
    drop(draft);
    let mut review = scal_store::Draft::open_for_review(&path).unwrap();
    let outcome = export(
        &mut review,
        &dir.path().join("again"),
        &options(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!((outcome.record_id, outcome.snapshot_id), (None, None));
    assert_eq!(review.snapshots().unwrap().len(), 1);
}
