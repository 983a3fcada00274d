//! Answers, history, section statuses and exports: what a person filling in a SCAL relies on.

use crate::common;

use crate::common::{new_draft, set, sql_count, template_json, text};
use scal_core::{CoreError, Value};
use scal_store::{answers_digest, fsutil, AnswerChange, Draft, ExportRecord, StoreError};

#[test]
fn a_draft_reopens_with_everything_it_was_given() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    let id = draft.draft_id().to_string();
    let created = draft.created_at().to_string();
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    assert!(
        chrono::DateTime::parse_from_rfc3339(&created).is_ok(),
        "{created}"
    );

    draft
        .set_answer("org.name", set("Acme Health Ltd"), "alice")
        .unwrap();
    draft
        .set_answer("org.ods", set(" 8jk12 "), "alice")
        .unwrap();
    draft
        .set_answer(
            "org.settings",
            AnswerChange::set(Value::Many(vec![
                "general practice".into(),
                "Other: Dental".into(),
            ])),
            "bob",
        )
        .unwrap();
    draft
        .set_answer(
            "uec.decl.dspt",
            AnswerChange {
                value: Some(Some(text("no"))),
                comment: Some("Renewal submitted, due in May".into()),
            },
            "bob",
        )
        .unwrap();
    draft
        .set_section_status("uec", "in progress", "bob")
        .unwrap();
    let export_id = draft
        .record_export(&ExportRecord {
            out_dir: "/tmp/out".into(),
            files: vec![("workbook.xlsx".into(), "ab".repeat(32), 1234)],
            answers_digest: answers_digest(&draft.answers().unwrap()),
            tool_version: "0.1.0".into(),
            written: Vec::new(),
            ..ExportRecord::default()
        })
        .unwrap();
    let answers_before = draft.answers().unwrap();
    let history_before = draft.history(None).unwrap();
    drop(draft);

    let draft = Draft::open(&path).unwrap();
    assert_eq!(draft.draft_id(), id);
    assert_eq!(draft.created_at(), created);
    assert_eq!(draft.template_json(), template_json());
    assert_eq!(draft.template().id, "store-test");
    let answers = draft.answers().unwrap();
    assert_eq!(answers, answers_before);
    // Stored in canonical form: the ODS code upper-cased, options spelt as the template has them.
    assert_eq!(answers["org.ods"].value, Some(text("8JK12")));
    assert_eq!(
        answers["org.settings"].value,
        Some(Value::Many(vec![
            "General practice".into(),
            "Other: Dental".into()
        ]))
    );
    assert_eq!(answers["uec.decl.dspt"].value, Some(text("No")));
    assert_eq!(
        answers["uec.decl.dspt"].comment,
        "Renewal submitted, due in May"
    );
    assert_eq!(draft.history(None).unwrap(), history_before);
    let statuses = draft.section_statuses().unwrap();
    assert_eq!(statuses["uec"].status, "In Progress");
    assert_eq!(statuses["uec"].by, "bob");
    let exports = draft.exports().unwrap();
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].id, export_id);
    assert_eq!(
        exports[0].files,
        vec![("workbook.xlsx".to_string(), "ab".repeat(32), 1234)]
    );
    assert_eq!(exports[0].answers_digest, answers_digest(&answers));
    let state = draft.state().unwrap();
    assert_eq!(state.answers, answers);
    assert_eq!(state.section_status["uec"], "In Progress");
    assert!(draft.integrity_problems().unwrap().is_empty());
}

#[test]
fn a_closed_draft_is_one_self_contained_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    draft.set_answer("org.name", set("Acme"), "alice").unwrap();
    drop(draft);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec!["supplier.scal"],
        "no -wal, -shm or temporary file left behind"
    );
    // A copy (as if emailed) opens elsewhere with the answer in it.
    let other = tempfile::tempdir().unwrap();
    let copy = other.path().join("copy.scal");
    std::fs::copy(&path, &copy).unwrap();
    let draft = Draft::open_read_only(&copy).unwrap();
    assert_eq!(
        draft.answers().unwrap()["org.name"].value,
        Some(text("Acme"))
    );
}

#[test]
fn create_never_overwrites_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("precious.scal");
    fsutil::write_atomic(&path, b"an essay that happens to end in .scal").unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Draft::create(&path, &template_json(), "alice").unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("{} already exists: choose another name", path.display())
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // An existing draft is not replaced either.
    let (draft_path, mut draft) = new_draft(&dir.path().join("d").tap_mkdir());
    draft.set_answer("org.name", set("Kept"), "alice").unwrap();
    drop(draft);
    assert!(matches!(
        Draft::create(&draft_path, &template_json(), "bob"),
        Err(StoreError::AlreadyExists { .. })
    ));
    let draft = Draft::open(&draft_path).unwrap();
    assert_eq!(
        draft.answers().unwrap()["org.name"].value,
        Some(text("Kept"))
    );
}

#[test]
fn create_refuses_a_bad_template_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.scal");
    for bad in ["not json", "{\"id\": 3}", "[]"] {
        let err = Draft::create(&path, bad, "alice").unwrap_err();
        assert!(matches!(err, StoreError::Template { .. }), "{bad}: {err:?}");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn create_in_a_missing_folder_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no such folder").join("new.scal");
    let err = Draft::create(&path, &template_json(), "alice").unwrap_err();
    assert!(matches!(err, StoreError::CannotCreate { .. }), "{err:?}");
    assert!(err
        .to_string()
        .starts_with(&format!("could not create {}", path.display())));
}

#[test]
fn apply_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut draft) = new_draft(dir.path());
    draft
        .set_answer("org.name", set("Before"), "alice")
        .unwrap();
    let answers_before = draft.answers().unwrap();
    let history_before = draft.history(None).unwrap();

    let changes = vec![
        ("org.name".to_string(), set("After")),
        ("uec.book".to_string(), set("Yes")),
        ("org.cso_email".to_string(), set("not an email")),
        ("t.1".to_string(), set("never written")),
    ];
    let err = draft.apply(&changes, "bob").unwrap_err();
    assert!(
        matches!(&err, StoreError::Core(CoreError::BadEmail { item, .. }) if item == "org.cso_email"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "\"not an email\" is not an email address for item \"org.cso_email\""
    );
    assert_eq!(draft.answers().unwrap(), answers_before);
    assert_eq!(draft.history(None).unwrap(), history_before);

    // The same batch without the bad change goes in as one, and counts what changed.
    let good: Vec<_> = changes
        .into_iter()
        .filter(|(i, _)| i != "org.cso_email")
        .collect();
    assert_eq!(draft.apply(&good, "bob").unwrap(), 3);
    assert_eq!(draft.history(None).unwrap().len(), history_before.len() + 3);
    // Setting what is already there changes nothing and records nothing.
    assert_eq!(draft.apply(&good, "bob").unwrap(), 0);
    assert_eq!(draft.history(None).unwrap().len(), history_before.len() + 3);
}

#[test]
fn every_value_is_judged_before_it_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut draft) = new_draft(dir.path());
    let cases: Vec<(&str, AnswerChange)> = vec![
        ("org.ods", set("no spaces allowed")),
        ("org.dspt_date", set("31/03/2026")),
        ("uec.book", set("Maybe")),
        ("uec.tcr", set("report.pdf")),
        ("uec.guide", set("Read")),
        ("no.such.item", set("x")),
        ("no.such.item", AnswerChange::comment("x")),
        ("org.name", AnswerChange::set(Value::Many(vec!["a".into()]))),
        (
            "org.notes",
            AnswerChange::comment("x".repeat(scal_core::answer::MAX_TEXT_CHARS + 1)),
        ),
    ];
    for (item, change) in cases {
        let err = draft.set_answer(item, change.clone(), "alice").unwrap_err();
        assert!(
            matches!(err, StoreError::Core(_)),
            "{item} {change:?}: {err:?}"
        );
        assert!(err.to_string().contains(item), "{err} should name {item}");
    }
    assert!(draft.answers().unwrap().is_empty());
    assert!(draft.history(None).unwrap().is_empty());
    assert_eq!(draft.last_change_at().unwrap(), None);
}

#[test]
fn clearing_and_blank_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut draft) = new_draft(dir.path());
    draft.set_answer("org.name", set("Acme"), "alice").unwrap();
    draft.set_answer("org.name", set("   "), "alice").unwrap();
    assert!(
        !draft.answers().unwrap().contains_key("org.name"),
        "blank text is no answer"
    );
    draft
        .set_answer(
            "uec.book",
            AnswerChange {
                value: Some(Some(text("Yes"))),
                comment: Some("see test report".into()),
            },
            "alice",
        )
        .unwrap();
    draft
        .set_answer("uec.book", AnswerChange::clear(), "alice")
        .unwrap();
    let a = &draft.answers().unwrap()["uec.book"];
    assert_eq!(a.value, None, "value cleared");
    assert_eq!(a.comment, "see test report", "comment left as it was");
    // A comment alone is allowed on an item that takes no value (an evidence slot).
    draft
        .set_answer("uec.tcr", AnswerChange::comment("to follow"), "alice")
        .unwrap();
    assert_eq!(draft.answers().unwrap()["uec.tcr"].comment, "to follow");
}

#[test]
fn history_records_each_change_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut draft) = new_draft(dir.path());
    draft
        .set_answer("uec.decl.dspt", set("Yes"), "alice")
        .unwrap();
    draft
        .set_answer(
            "uec.decl.dspt",
            AnswerChange {
                value: Some(Some(text("No"))),
                comment: Some("Audit booked".into()),
            },
            "bob",
        )
        .unwrap();
    draft
        .set_answer(
            "uec.decl.dspt",
            AnswerChange::comment("Audit booked for May"),
            "carol",
        )
        .unwrap();
    draft
        .set_section_status("uec", "In Progress", "dave")
        .unwrap();
    draft.set_answer("org.name", set("Acme"), "erin").unwrap();

    let h = draft.history(Some("uec.decl.dspt")).unwrap();
    let seen: Vec<_> = h
        .iter()
        .map(|e| {
            (
                e.action().as_str(),
                e.author.as_str(),
                e.old_value.clone(),
                e.new_value.clone(),
                e.old_comment.as_deref(),
                e.new_comment.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("answer", "alice", None, Some(text("Yes")), None, None),
            (
                "answer",
                "bob",
                Some(text("Yes")),
                Some(text("No")),
                Some(""),
                Some("Audit booked")
            ),
            (
                "comment",
                "carol",
                None,
                None,
                Some("Audit booked"),
                Some("Audit booked for May")
            ),
        ]
    );
    let all = draft.history(None).unwrap();
    assert_eq!(all.len(), 5);
    assert!(all
        .windows(2)
        .all(|w| w[0].seq < w[1].seq && w[0].at <= w[1].at));
    let status = &all[3];
    assert_eq!(
        (status.action().as_str(), status.item.as_str()),
        ("status", "uec")
    );
    assert_eq!(status.new_value, Some(text("In Progress")));
    assert_eq!(
        draft.last_change_at().unwrap().as_deref(),
        Some(all[4].at.as_str())
    );
}

#[test]
fn history_cannot_be_changed_or_deleted_even_with_raw_sql() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    draft.set_answer("org.name", set("Acme"), "alice").unwrap();
    drop(draft);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let update = conn
        .execute("UPDATE history SET author = 'mallory'", [])
        .unwrap_err();
    assert!(update.to_string().contains("append-only"), "{update}");
    let delete = conn.execute("DELETE FROM history", []).unwrap_err();
    assert!(delete.to_string().contains("append-only"), "{delete}");
    drop(conn);
    assert_eq!(
        sql_count(&path, "SELECT count(*) FROM history WHERE author = 'alice'"),
        1
    );
}

#[test]
fn review_mode_reads_everything_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    draft.set_answer("org.name", set("Acme"), "alice").unwrap();
    drop(draft);
    let before = std::fs::read(&path).unwrap();

    let mut draft = Draft::open_read_only(&path).unwrap();
    assert!(draft.is_read_only());
    assert_eq!(
        draft.answers().unwrap()["org.name"].value,
        Some(text("Acme"))
    );
    let refusals = [
        draft
            .set_answer("org.name", set("Changed"), "bob")
            .unwrap_err(),
        draft.apply(&[], "bob").unwrap_err(),
        draft
            .set_section_status("uec", "Complete", "bob")
            .unwrap_err(),
        draft.detach(1, "bob").unwrap_err(),
        draft
            .attach_reader(
                "uec.tcr",
                "r.pdf",
                &mut &b"x"[..],
                None,
                "bob",
                &mut |_, _| {},
            )
            .unwrap_err(),
        draft.record_export(&ExportRecord::default()).unwrap_err(),
    ];
    for err in refusals {
        assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "{} is open for review only, so it cannot be changed",
                path.display()
            )
        );
    }
    drop(draft);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is byte for byte unchanged"
    );
}

#[test]
fn section_status_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    let p = path.display();
    let cases = [
        (
            "nope",
            "Complete",
            format!("there is no section \"nope\" in the template of {p}"),
        ),
        (
            "org",
            "Complete",
            format!("section \"org\" of {p} has no status to set"),
        ),
        (
            "uec",
            "Done",
            format!(
                "\"Done\" is not a status for section \"uec\" of {p}: use In Progress or Complete"
            ),
        ),
    ];
    for (section, status, message) in cases {
        let err = draft
            .set_section_status(section, status, "alice")
            .unwrap_err();
        assert_eq!(err.to_string(), message);
    }
    assert!(draft.section_statuses().unwrap().is_empty());
    draft
        .set_section_status("uec", "In Progress", "alice")
        .unwrap();
    draft
        .set_section_status("uec", "in progress", "bob")
        .unwrap();
    assert_eq!(
        draft.history(Some("uec")).unwrap().len(),
        1,
        "same status twice is one change"
    );
    assert_eq!(draft.section_statuses().unwrap()["uec"].by, "alice");
}

#[test]
fn answers_digest_follows_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut draft) = new_draft(dir.path());
    let empty = answers_digest(&draft.answers().unwrap());
    assert_eq!(empty, common::sha256_hex(b"[]"));
    draft.set_answer("org.name", set("Acme"), "alice").unwrap();
    let one = answers_digest(&draft.answers().unwrap());
    assert_ne!(one, empty);
    draft
        .set_answer("org.name", AnswerChange::comment("trading name"), "alice")
        .unwrap();
    let with_comment = answers_digest(&draft.answers().unwrap());
    assert_ne!(with_comment, one, "a comment is part of what was submitted");
    draft
        .set_answer("org.name", AnswerChange::comment(""), "alice")
        .unwrap();
    assert_eq!(
        answers_digest(&draft.answers().unwrap()),
        one,
        "same answers, same digest"
    );
}

trait TapMkdir {
    fn tap_mkdir(self) -> Self;
}

impl TapMkdir for std::path::PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}

#[test]
fn every_bundled_template_makes_a_draft_that_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let mut made = 0;
    for (file, json) in scal_core::bundled::BUNDLED {
        let Ok(template) = scal_core::load_template(json) else {
            continue; // a bundled template that does not load is scal-core's test to catch
        };
        let path = dir.path().join(format!("{file}.scal"));
        drop(Draft::create(&path, json, "alice").unwrap());
        let draft = Draft::open_read_only(&path).unwrap();
        assert_eq!(
            draft.template_json(),
            *json,
            "{file}: the snapshot is the exact text"
        );
        assert_eq!(draft.template(), &template);
        made += 1;
    }
    assert!(made > 0, "no bundled template loaded");
}

#[test]
fn a_draft_can_move_between_threads() {
    // The desktop shell keeps a Draft in shared state and uses it from command threads.
    fn assert_send<T: Send>() {}
    assert_send::<Draft>();
    let dir = tempfile::tempdir().unwrap();
    let (_path, draft) = new_draft(dir.path());
    let moved = std::thread::spawn(move || draft.answers().unwrap().len())
        .join()
        .unwrap();
    assert_eq!(moved, 0);
}

#[test]
fn a_draft_from_an_imported_template_keeps_its_workbook_byte_for_byte() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("imported.scal");
    // Larger than one chunk, so the copy is spread over several rows.
    let bytes: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let wb = scal_store::NewWorkbook {
        file_name: "SCAL e-RS v12.xlsx",
        bytes: &bytes,
    };
    drop(Draft::create_from_workbook(&path, &template_json(), wb, "Ada").unwrap());
    let draft = Draft::open(&path).unwrap();
    let source = draft.source_workbook().cloned().unwrap();
    assert_eq!(source.file_name, "SCAL e-RS v12.xlsx");
    assert_eq!(source.size, bytes.len() as u64);
    let mut back = Vec::new();
    draft
        .blob_reader(&source.sha256)
        .unwrap()
        .read_to_end(&mut back)
        .unwrap();
    assert!(back == bytes, "the workbook came back different");
    // The workbook is not evidence: nothing is linked to any item.
    assert!(draft.evidence().unwrap().is_empty());
    let revs = draft.template_revisions().unwrap();
    assert_eq!(revs.len(), 1);
    assert_eq!(revs[0].rev, 1);
    assert_eq!(revs[0].stored_by, "Ada");
    assert_eq!(revs[0].workbook.as_ref(), Some(&source));
    assert_eq!(draft.template_rev(), 1);
    assert!(new_draft(dir.path()).1.source_workbook().is_none());
}
