//! The rule every output follows (`Draft::output_rule`): what may stand where an output goes.
//! The CLI end-to-end tests (tests/e2e/cli/outputs.rs) run it through every command; these
//! cover the cases a command cannot easily make (links, pipes, a record read back after
//! reopening, a draft open read-only).

use crate::common::{new_draft, sha256_hex};
use scal_store::{Draft, OutputRefused, OutputRule, WrittenFile};

fn written(name: &str, bytes: &[u8]) -> WrittenFile {
    WrittenFile {
        file_name: name.to_string(),
        sha256: sha256_hex(bytes),
        size: bytes.len() as u64,
    }
}

#[allow(clippy::disallowed_methods, reason = "test fixture")]
fn put(path: &std::path::Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_recorded_output_is_replaced_while_unchanged_and_refused_once_edited() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    let target = dir.path().join("acme.xlsx");
    assert!(draft.output_rule().unwrap().check(&target, None).is_ok());

    put(&target, b"the first export");
    let err = draft
        .output_rule()
        .unwrap()
        .check(&target, None)
        .unwrap_err();
    assert!(matches!(err, OutputRefused::NotOurs { .. }), "{err}");

    draft
        .record_outputs(
            "export",
            dir.path(),
            &[written("acme.xlsx", b"the first export")],
            "alice",
        )
        .unwrap();
    // Kept in the file: known after reopening.
    drop(draft);
    let draft = Draft::open(&path).unwrap();
    assert!(draft.output_rule().unwrap().check(&target, None).is_ok());

    put(&target, b"the first export, edited by hand");
    let err = draft
        .output_rule()
        .unwrap()
        .check(&target, None)
        .unwrap_err();
    assert!(matches!(err, OutputRefused::ChangedSince { .. }), "{err}");
    assert!(err.to_string().contains("has been changed since"), "{err}");
    // Unless it already holds what would be written: nothing would be lost.
    let same = b"the first export, edited by hand";
    assert!(draft
        .output_rule()
        .unwrap()
        .check(&target, Some((&sha256_hex(same), same.len() as u64)))
        .is_ok());
}

#[test]
fn a_draft_open_read_only_records_nothing_and_says_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (path, draft) = new_draft(dir.path());
    drop(draft);
    let mut draft = Draft::open_read_only(&path).unwrap();
    draft
        .record_outputs("fill", dir.path(), &[written("x.xlsx", b"x")], "alice")
        .unwrap();
    let target = dir.path().join("x.xlsx");
    put(&target, b"x");
    let err = draft
        .output_rule()
        .unwrap()
        .check(&target, None)
        .unwrap_err();
    assert!(matches!(err, OutputRefused::NotRecorded { .. }), "{err}");
    assert!(err.to_string().contains("open read-only"), "{err}");
}

/// A file is the draft's own only in the folder the draft wrote it to: the same name elsewhere
/// is somebody else's.
#[test]
fn a_recorded_output_is_known_only_in_its_own_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut draft) = new_draft(dir.path());
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    draft
        .record_outputs("export", &a, &[written("acme.xlsx", b"exported")], "alice")
        .unwrap();
    put(&a.join("acme.xlsx"), b"exported");
    put(&b.join("acme.xlsx"), b"exported");
    let rule = draft.output_rule().unwrap();
    assert!(rule.check(&a.join("acme.xlsx"), None).is_ok());
    let err = rule.check(&b.join("acme.xlsx"), None).unwrap_err();
    assert!(matches!(err, OutputRefused::NotOurs { .. }), "{err}");
    put(&b.join("acme.xlsx"), b"my own acme.xlsx");
    let err = rule.check(&b.join("acme.xlsx"), None).unwrap_err();
    assert!(
        matches!(err, OutputRefused::NotOurs { .. }),
        "not 'changed since': the draft never wrote there: {err}"
    );
}

/// A file that appears where nothing stood while an output was being made is not replaced.
#[test]
fn a_file_that_appears_while_an_output_is_made_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let (_, draft) = new_draft(dir.path());
    let rule = draft.output_rule().unwrap();
    let target = dir.path().join("acme-summary.pdf");
    assert!(rule.check(&target, None).is_ok());
    // Meanwhile, somebody saves a file of their own under that name.
    put(&target, b"saved while the export ran");
    let tmp = dir.path().join(".acme-summary.pdf.partial");
    put(&tmp, b"%PDF the summary");
    let sha = sha256_hex(b"%PDF the summary");
    let err = rule.place(&tmp, &target, (&sha, 16)).unwrap_err();
    assert!(
        matches!(
            err,
            scal_store::PlaceError::Refused(OutputRefused::NotOurs { .. })
        ),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&target).unwrap(),
        b"saved while the export ran"
    );
    // Where the name is still free, the output goes in.
    let free = dir.path().join("acme.xlsx");
    rule.place(&tmp, &free, (&sha, 16)).unwrap();
    assert_eq!(std::fs::read(&free).unwrap(), b"%PDF the summary");
    assert!(!tmp.exists());
}

#[cfg(unix)]
#[test]
fn links_pipes_folders_and_the_drafts_companions_are_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let (path, draft) = new_draft(dir.path());
    let rule = draft.output_rule().unwrap();

    let link = dir.path().join("to-the-draft.xlsx");
    std::os::unix::fs::symlink(&path, &link).unwrap();
    let err = rule.check(&link, None).unwrap_err();
    assert!(matches!(err, OutputRefused::TheDraft { .. }), "{err}");

    let other = dir.path().join("elsewhere.txt");
    put(&other, b"mine");
    let link = dir.path().join("link.pdf");
    std::os::unix::fs::symlink(&other, &link).unwrap();
    let err = rule.check(&link, None).unwrap_err();
    assert!(matches!(err, OutputRefused::ALink { .. }), "{err}");

    let fifo = dir.path().join("pipe.zip");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let err = rule.check(&fifo, None).unwrap_err();
    assert!(matches!(err, OutputRefused::NotAFile { .. }), "{err}");

    let err = rule.check(dir.path(), None).unwrap_err();
    assert!(matches!(err, OutputRefused::AFolder { .. }), "{err}");

    // The WAL beside the draft, whether SQLite has made it yet or not.
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    for suffix in ["-wal", "-shm", "-journal"] {
        let companion = dir.path().join(format!("{name}{suffix}"));
        let err = rule.check(&companion, None).unwrap_err();
        assert!(
            matches!(err, OutputRefused::DraftCompanion { .. }),
            "{suffix}: {err}"
        );
    }
}

#[test]
fn without_a_draft_only_the_same_bytes_may_stand_where_an_output_goes() {
    let dir = tempfile::tempdir().unwrap();
    let book = b"PK the workbook";
    let rule = OutputRule::without_draft(vec![(sha256_hex(book), book.len() as u64)]);
    let target = dir.path().join("template.json");
    let new = b"{\"id\": \"t\"}";
    let new = (sha256_hex(new).clone(), new.len() as u64);
    assert!(rule.check(&target, Some((&new.0, new.1))).is_ok());
    put(&target, b"{\"id\": \"t\"}");
    assert!(rule.check(&target, Some((&new.0, new.1))).is_ok());
    put(&target, b"{\"id\": \"mine\"}");
    let err = rule.check(&target, Some((&new.0, new.1))).unwrap_err();
    assert!(matches!(err, OutputRefused::Exists { .. }), "{err}");
    put(&target, book);
    let err = rule.check(&target, Some((&new.0, new.1))).unwrap_err();
    assert!(matches!(err, OutputRefused::TheWorkbook { .. }), "{err}");
}

/// A draft of format 3 (before the record of outputs) still opens read-only, unaltered, with
/// an empty record; opened for editing it is brought up to date and records what it writes.
#[test]
fn a_format_3_draft_opens_read_only_unaltered_and_migrates_when_edited() {
    let dir = tempfile::tempdir().unwrap();
    let (path, draft) = new_draft(dir.path());
    drop(draft);
    let conn = rusqlite::Connection::open(&path).unwrap();
    // What format 3 lacks: the record of outputs (format 4), the evidence dates (format 6) and
    // the review loop's tables and comment columns (format 7).
    conn.execute_batch(
        "DROP TABLE outputs;
         ALTER TABLE evidence_links DROP COLUMN dated;
         ALTER TABLE evidence_links DROP COLUMN valid_until;
         DROP INDEX review_comments_by_import_key;
         DROP TABLE review_comments;
         DROP TABLE review_imports;
         DROP TABLE written_cells;
         CREATE TABLE review_comments (
             id INTEGER PRIMARY KEY AUTOINCREMENT, item TEXT NOT NULL, at TEXT NOT NULL,
             author TEXT NOT NULL, body TEXT NOT NULL, resolved_at TEXT, resolved_by TEXT,
             parent INTEGER REFERENCES review_comments (id)) STRICT;
         CREATE INDEX review_comments_by_item ON review_comments (item);
         PRAGMA user_version = 3;",
    )
    .unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();

    let draft = Draft::open_read_only(&path).unwrap();
    let target = dir.path().join("acme.xlsx");
    put(&target, b"somebody's");
    let err = draft
        .output_rule()
        .unwrap()
        .check(&target, None)
        .unwrap_err();
    assert!(matches!(err, OutputRefused::NotRecorded { .. }), "{err}");
    drop(draft);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "a read-only open altered it"
    );

    let mut draft = Draft::open(&path).unwrap();
    draft
        .record_outputs(
            "export",
            dir.path(),
            &[written("acme.xlsx", b"somebody's")],
            "a",
        )
        .unwrap();
    assert!(draft.output_rule().unwrap().check(&target, None).is_ok());
}
