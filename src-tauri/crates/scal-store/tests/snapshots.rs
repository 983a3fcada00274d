//! Snapshots: the exact state of a draft at an export or on demand, listed, read back, diffed
//! and restored.

use crate::common;

use crate::common::{new_draft, no_progress, set, text};
use scal_store::{
    answers_digest, AnswerChange, Draft, ExportRecord, SnapshotReason, SnapshotState, StoreError,
};

/// A draft with answers, a comment, two evidence links and a section status.
fn filled(dir: &std::path::Path) -> (std::path::PathBuf, Draft) {
    let (path, mut draft) = new_draft(dir);
    draft
        .set_answer("org.name", set("Acme Health Ltd"), "alice")
        .unwrap();
    draft
        .set_answer(
            "uec.decl.dspt",
            AnswerChange {
                value: Some(Some(text("No"))),
                comment: Some("Renewal due in May".into()),
            },
            "alice",
        )
        .unwrap();
    let report = dir.join("tcr.pdf");
    common::write_file(&report, 5000, 7);
    draft
        .attach("uec.tcr", &report, "alice", &mut no_progress())
        .unwrap();
    draft
        .attach("uec.book", &report, "alice", &mut no_progress())
        .unwrap();
    for item in ["uec.book", "uec.cancel"] {
        draft.set_answer(item, set("Yes"), "alice").unwrap();
    }
    draft
        .set_section_status("uec", "In Progress", "alice")
        .unwrap();
    (path, draft)
}

/// The id of the one evidence link on `item`. Named, never "the first link": links list by
/// the time they were added, and two attaches in the same millisecond list by item instead.
fn link_of(draft: &Draft, item: &str) -> i64 {
    let links: Vec<_> = draft
        .evidence()
        .unwrap()
        .into_iter()
        .filter(|l| l.item == item)
        .collect();
    assert_eq!(links.len(), 1, "one link on {item}: {links:?}");
    links[0].id
}

/// Everything a restore must give back, in one comparable value (link ids aside: a link put
/// back is a new link to the same content).
fn state(draft: &Draft) -> SnapshotState {
    draft.current_state().unwrap()
}

#[test]
fn a_snapshot_holds_the_state_it_was_taken_at() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut draft) = filled(dir.path());
    let before = state(&draft);
    let info = draft
        .snapshot("for Sam's review", SnapshotReason::Manual, "alice")
        .unwrap();
    assert_eq!(info.label, "for Sam's review");
    assert_eq!(info.reason, SnapshotReason::Manual);
    assert_eq!(info.author, "alice");
    assert_eq!(info.answers, 4);
    assert_eq!(info.evidence, 2);
    assert_eq!(info.export_id, None);
    assert_eq!(info.template_rev, 1);
    assert_eq!(
        info.answers_digest,
        answers_digest(&draft.answers().unwrap())
    );

    draft
        .set_answer("org.name", set("Acme Digital Ltd"), "bob")
        .unwrap();
    assert_eq!(draft.snapshot_state(info.id).unwrap(), before);
    assert_eq!(draft.snapshots().unwrap(), vec![info.clone()]);
    assert_eq!(draft.latest_snapshot().unwrap(), Some(info));
}

#[test]
fn a_snapshot_restores_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = filled(dir.path());
    let taken = draft
        .snapshot("before Bob's edits", SnapshotReason::Manual, "alice")
        .unwrap();
    let expected = state(&draft);

    // Every kind of change: a value, a comment, a cleared answer, a new answer, a link
    // removed, a link added, a status changed.
    draft.set_section_status("uec", "Complete", "bob").unwrap();
    draft
        .set_answer("org.name", set("Acme Digital Ltd"), "bob")
        .unwrap();
    draft
        .set_answer("uec.decl.dspt", AnswerChange::comment("Renewed"), "bob")
        .unwrap();
    draft.set_answer("org.ods", set("8JK12"), "bob").unwrap();
    draft.detach(link_of(&draft, "uec.tcr"), "bob").unwrap();
    let other = dir.path().join("other.png");
    common::write_file(&other, 300, 9);
    draft
        .attach("uec.cancel", &other, "bob", &mut no_progress())
        .unwrap();
    assert_ne!(state(&draft), expected);
    let history_before = draft.history(None).unwrap().len();

    let outcome = draft.restore_snapshot(taken.id, "carol").unwrap();
    assert_eq!(
        state(&draft),
        expected,
        "the restore must give back the exact state"
    );
    assert_eq!(outcome.answers_changed, 3);
    assert_eq!(outcome.links_removed, 1);
    assert_eq!(outcome.links_added, 1);
    assert_eq!(outcome.statuses_changed, 1);
    assert!(!outcome.template_changed);
    assert_eq!(outcome.before.reason, SnapshotReason::BeforeRestore);

    // Each change is in the history, by the person who restored.
    let history = draft.history(None).unwrap();
    let restored: Vec<_> = history[history_before..].iter().collect();
    assert!(restored.iter().all(|h| h.author == "carol"));
    let actions: Vec<(&str, &str)> = restored
        .iter()
        .map(|h| (h.item.as_str(), h.action().as_str()))
        .collect();
    for expected in [
        ("org.name", "answer"),
        ("org.ods", "answer"),
        ("uec.decl.dspt", "comment"),
        ("uec.cancel", "detach"),
        ("uec.tcr", "attach"),
    ] {
        assert!(
            actions.contains(&expected),
            "{expected:?} not in {actions:?}"
        );
    }

    // The state just before the restore was kept, so the restore can itself be undone.
    let undone = draft.snapshot_state(outcome.before.id).unwrap();
    assert_eq!(
        undone.answers["org.name"].value,
        Some(text("Acme Digital Ltd"))
    );

    // And it all survives closing and reopening.
    drop(draft);
    let draft = Draft::open(&path).unwrap();
    assert_eq!(state(&draft), expected);
}

#[test]
fn restoring_brings_back_section_statuses_with_who_and_when() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut draft) = filled(dir.path());
    let before = draft.section_statuses().unwrap();
    let taken = draft.snapshot("", SnapshotReason::Manual, "alice").unwrap();
    draft.set_answer("org.name", set("X"), "bob").unwrap();
    draft.set_section_status("uec", "Complete", "bob").unwrap();
    draft.restore_snapshot(taken.id, "bob").unwrap();
    assert_eq!(draft.section_statuses().unwrap(), before);
}

#[test]
fn an_export_records_the_state_it_exported() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut draft) = filled(dir.path());
    assert_eq!(draft.changed_since_last_export().unwrap(), None);
    let record = ExportRecord {
        out_dir: "/tmp/out".into(),
        answers_digest: answers_digest(&draft.answers().unwrap()),
        tool_version: "test".into(),
        written: Vec::new(),
        ..ExportRecord::default()
    };
    let (export_id, snap) = draft.record_export_with_snapshot(&record, "alice").unwrap();
    assert_eq!(snap.reason, SnapshotReason::Export);
    assert_eq!(snap.export_id, Some(export_id));
    assert_eq!(snap.label, "as submitted");
    assert_eq!(snap.answers_digest, record.answers_digest);
    assert_eq!(draft.exports().unwrap().last().unwrap().at, snap.at);
    assert_eq!(
        draft.latest_export_snapshot().unwrap().map(|s| s.id),
        Some(snap.id)
    );
    assert_eq!(
        draft.changed_since_last_export().unwrap(),
        Some(Default::default())
    );

    // A manual snapshot after the export does not move the baseline.
    draft
        .set_answer("org.name", set("Acme Digital Ltd"), "bob")
        .unwrap();
    draft
        .snapshot("later", SnapshotReason::Manual, "bob")
        .unwrap();
    draft.detach(link_of(&draft, "uec.book"), "bob").unwrap();
    draft
        .set_answer("uec.decl.dspt", AnswerChange::comment("Renewed"), "bob")
        .unwrap();
    let changed: Vec<String> = draft
        .changed_since_last_export()
        .unwrap()
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(changed, ["org.name", "uec.book", "uec.decl.dspt"]);
}

#[test]
fn snapshots_are_refused_where_they_cannot_be_taken() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = filled(dir.path());
    let err = draft.snapshot_state(42).unwrap_err();
    assert!(
        matches!(err, StoreError::NoSuchSnapshot { id: 42, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("has no snapshot 42"), "{err}");
    let err = draft.restore_snapshot(42, "alice").unwrap_err();
    assert!(matches!(err, StoreError::NoSuchSnapshot { .. }), "{err}");
    let long = "x".repeat(201);
    let err = draft
        .snapshot(&long, SnapshotReason::Manual, "alice")
        .unwrap_err();
    assert!(err.to_string().contains("at most 200 characters"), "{err}");
    drop(draft);

    let mut review = Draft::open_read_only(&path).unwrap();
    let err = review
        .snapshot("x", SnapshotReason::Manual, "alice")
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err}");
    assert!(review.snapshots().unwrap().is_empty());
}

#[test]
fn a_snapshot_from_an_older_template_puts_that_template_back() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = filled(dir.path());
    let taken = draft
        .snapshot("rev 1", SnapshotReason::Manual, "alice")
        .unwrap();
    let expected = state(&draft);
    drop(draft);

    // A later template revision, as an upgrade would add it (the store's own upgrade is not
    // needed to test that a restore goes back across one).
    let newer = common::template_json().replace("\"1.0.0\"", "\"2.0.0\"");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO template_revisions (rev, template_id, template_version, json, stored_at,
                                         stored_by)
         VALUES (2, 'store-test', '2.0.0', ?1, '2026-06-01T00:00:00Z', 'alice')",
        [&newer],
    )
    .unwrap();
    drop(conn);

    let mut draft = Draft::open(&path).unwrap();
    assert_eq!(
        (draft.template_rev(), draft.template().version.as_str()),
        (2, "2.0.0")
    );
    let outcome = draft.restore_snapshot(taken.id, "alice").unwrap();
    assert!(outcome.template_changed);
    assert_eq!(outcome.before.template_rev, 2);
    // Revision 1's template is in force again, as a new revision: none was edited.
    assert_eq!(
        (draft.template_rev(), draft.template().version.as_str()),
        (3, "1.0.0")
    );
    assert_eq!(draft.template_json(), common::template_json());
    let revisions: Vec<(i64, String)> = draft
        .template_revisions()
        .unwrap()
        .into_iter()
        .map(|r| (r.rev, r.template_version))
        .collect();
    assert_eq!(
        revisions,
        [
            (1, "1.0.0".to_string()),
            (2, "2.0.0".into()),
            (3, "1.0.0".into())
        ]
    );
    let mut now = state(&draft);
    assert_eq!(now.template_rev, 3);
    now.template_rev = expected.template_rev;
    assert_eq!(now, expected);
    drop(draft);
    assert_eq!(Draft::open(&path).unwrap().template_rev(), 3);
}
