//! Evidence: attach, deduplicate, stream out, detach, and the damage a reader must notice.

use crate::common;

use std::io::Read;

use crate::common::{
    bytes, new_draft, no_progress, sha256_file, sha256_hex, sql_count, write_file,
};
use scal_core::CoreError;
use scal_store::{Draft, StoreError};

const MIB: u64 = 1024 * 1024;

#[test]
fn attach_then_extract_gives_back_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    let file = dir.path().join("Technical Conformance Report.pdf");
    let size = 5 * MIB + 12_345;
    write_file(&file, size, 7);
    let mut calls = Vec::new();
    let link = draft
        .attach("uec.tcr", &file, "alice", &mut |done, total| {
            calls.push((done, total))
        })
        .unwrap();
    assert_eq!(link.item, "uec.tcr");
    assert_eq!(link.file.size, size);
    assert_eq!(link.file.sha256, sha256_file(&file));
    assert_eq!(link.file.file_name, "Technical Conformance Report.pdf");
    assert_eq!(link.file.media_type, "application/pdf");
    assert_eq!(link.file.added_by, "alice");
    assert_eq!(
        calls.len(),
        6,
        "one progress call per 1 MiB chunk: {calls:?}"
    );
    assert_eq!(calls.last(), Some(&(size, size)));
    assert!(calls.windows(2).all(|w| w[0].0 < w[1].0));

    let mut out = Vec::new();
    assert_eq!(draft.extract(&link.file.sha256, &mut out).unwrap(), size);
    assert_eq!(out, std::fs::read(&file).unwrap());
    // The reader streams with whatever buffer the caller has.
    let mut reader = draft.blob_reader(&link.file.sha256.to_uppercase()).unwrap();
    assert_eq!(reader.size(), size);
    let mut small = [0u8; 1000];
    let mut streamed = Vec::new();
    loop {
        let n = reader.read(&mut small).unwrap();
        if n == 0 {
            break;
        }
        streamed.extend_from_slice(&small[..n]);
    }
    assert_eq!(streamed, out);
    assert_eq!(draft.evidence().unwrap(), vec![link.clone()]);
    assert_eq!(draft.state().unwrap().evidence["uec.tcr"], 1);
    let h = draft.history(Some("uec.tcr")).unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].action().as_str(), "attach");
    assert_eq!(
        h[0].new_value,
        Some(common::text("Technical Conformance Report.pdf"))
    );
    assert_eq!(
        h[0].event,
        scal_store::HistoryEvent::Attach(scal_store::LinkEvent {
            link: link.id,
            file_name: "Technical Conformance Report.pdf".to_string(),
            sha256: link.file.sha256.clone(),
            size: link.file.size,
            media_type: link.file.media_type.clone(),
            snapshot: None,
            dates: Default::default(),
        })
    );
    drop(draft);

    // Stored as six chunk rows, none larger than 1 MiB: never one giant value.
    assert_eq!(sql_count(&path, "SELECT count(*) FROM blob_chunks"), 6);
    assert_eq!(
        sql_count(&path, "SELECT max(length(data)) FROM blob_chunks"),
        MIB as i64
    );
    let draft = Draft::open(&path).unwrap();
    let mut again = Vec::new();
    draft.extract(&link.file.sha256, &mut again).unwrap();
    assert_eq!(again, out);
}

#[test]
fn the_same_content_is_stored_once_however_often_it_is_linked() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    let report = dir.path().join("report.pdf");
    write_file(&report, 3 * MIB + 1, 11);
    let copy = dir.path().join("report (copy).pdf");
    std::fs::copy(&report, &copy).unwrap();
    let other = dir.path().join("other.pdf");
    write_file(&other, 3 * MIB + 1, 12); // same size, different content

    let a = draft
        .attach("uec.book", &report, "alice", &mut no_progress())
        .unwrap();
    let b = draft
        .attach("uec.cancel", &copy, "bob", &mut no_progress())
        .unwrap();
    let content = std::fs::read(&report).unwrap();
    let c = draft
        .attach_reader(
            "uec.tcr",
            "streamed.pdf",
            &mut &content[..],
            None,
            "carol",
            &mut no_progress(),
        )
        .unwrap();
    let d = draft
        .attach("uec.tcr", &other, "dave", &mut no_progress())
        .unwrap();
    assert_eq!(a.file.sha256, b.file.sha256);
    assert_eq!(a.file.sha256, c.file.sha256);
    assert_ne!(a.file.sha256, d.file.sha256);
    assert_eq!(
        b.file.file_name, "report (copy).pdf",
        "each link keeps its own file name"
    );
    assert_eq!(draft.evidence().unwrap().len(), 4);
    drop(draft);
    assert_eq!(sql_count(&path, "SELECT count(*) FROM blobs"), 2);
    assert_eq!(
        sql_count(&path, "SELECT count(*) FROM blob_chunks"),
        8,
        "two blobs of four chunks each, and no leftover copies"
    );
}

#[test]
fn attach_reader_handles_unknown_sizes_and_empty_files() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut draft) = new_draft(dir.path());
    let data = bytes(2 * MIB as usize + 3, 5);
    let mut totals = Vec::new();
    let link = draft
        .attach_reader(
            "uec.book",
            "C:\\Users\\pat\\Evidence\\capture.har",
            &mut &data[..],
            None,
            "pat",
            &mut |done, total| totals.push((done, total)),
        )
        .unwrap();
    assert_eq!(
        link.file.file_name, "capture.har",
        "folders are dropped from the name"
    );
    assert_eq!(link.file.media_type, "application/json");
    assert_eq!(link.file.sha256, sha256_hex(&data));
    assert_eq!(
        totals.last(),
        Some(&(data.len() as u64, 0)),
        "0 = total unknown"
    );

    let empty = draft
        .attach_reader(
            "uec.book",
            "empty.txt",
            &mut &b""[..],
            Some(0),
            "pat",
            &mut no_progress(),
        )
        .unwrap();
    assert_eq!(empty.file.size, 0);
    assert_eq!(empty.file.sha256, sha256_hex(b""));
    let mut out = Vec::new();
    assert_eq!(draft.extract(&empty.file.sha256, &mut out).unwrap(), 0);
    assert!(out.is_empty());
}

#[test]
fn detach_removes_the_link_and_keeps_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut draft) = new_draft(dir.path());
    let link = draft
        .attach_reader(
            "uec.book",
            "log.txt",
            &mut &b"201 Created"[..],
            Some(11),
            "alice",
            &mut no_progress(),
        )
        .unwrap();
    let removed = draft.detach(link.id, "bob").unwrap();
    assert_eq!(removed, link);
    assert!(draft.evidence().unwrap().is_empty());
    assert!(!draft.state().unwrap().evidence.contains_key("uec.book"));
    let h = draft.history(Some("uec.book")).unwrap();
    let actions: Vec<_> = h
        .iter()
        .map(|e| (e.action().as_str(), e.author.as_str()))
        .collect();
    assert_eq!(actions, vec![("attach", "alice"), ("detach", "bob")]);
    assert_eq!(h[1].old_value, Some(common::text("log.txt")));
    // The content stays, because the history names it.
    let mut out = Vec::new();
    draft.extract(&link.file.sha256, &mut out).unwrap();
    assert_eq!(out, b"201 Created");

    let err = draft.detach(link.id, "bob").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{} has no evidence link {}",
            draft.path().display(),
            link.id
        )
    );
}

#[test]
fn a_file_name_with_bidi_controls_is_kept_as_it_really_reads() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut draft) = new_draft(dir.path());
    // Shown as "invoicexe.txt" by anything that obeys the override: it is an .exe.
    let file = dir.path().join("invoice\u{202E}txt.exe");
    scal_store::fsutil::write_atomic(&file, b"MZ").unwrap();
    let link = draft
        .attach("uec.tcr", &file, "a", &mut no_progress())
        .unwrap();
    assert_eq!(link.file.file_name, "invoicetxt.exe");
    let history = draft.history(Some("uec.tcr")).unwrap();
    assert_eq!(history[0].new_value, Some(common::text("invoicetxt.exe")));
    let link = draft
        .attach_reader(
            "uec.tcr",
            "\u{2067}\u{200F}notes\u{2069}.txt\u{061C}",
            &mut &b"x"[..],
            None,
            "a",
            &mut no_progress(),
        )
        .unwrap();
    assert_eq!(link.file.file_name, "notes.txt");
    let err = draft
        .attach_reader(
            "uec.tcr",
            "\u{202E}\u{202C}",
            &mut &b"x"[..],
            None,
            "a",
            &mut no_progress(),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::BadFileName { .. }), "{err:?}");
}

#[test]
fn bad_attachments_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut draft) = new_draft(dir.path());
    let missing = dir.path().join("missing.pdf");
    let err = draft
        .attach("uec.tcr", &missing, "a", &mut no_progress())
        .unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&missing.display().to_string()),
        "{err}"
    );

    let err = draft
        .attach("uec.tcr", dir.path(), "a", &mut no_progress())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{} is not a regular file (it is a folder): give the path of a file to attach",
            dir.path().display()
        )
    );

    let file = dir.path().join("ok.txt");
    scal_store::fsutil::write_atomic(&file, b"ok").unwrap();
    let err = draft
        .attach("no.such.item", &file, "a", &mut no_progress())
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Core(CoreError::UnknownItem(_))),
        "{err:?}"
    );

    for name in ["", "  ", "folder/", "..", "bad\nname.txt"] {
        let err = draft
            .attach_reader(
                "uec.tcr",
                name,
                &mut &b"x"[..],
                None,
                "a",
                &mut no_progress(),
            )
            .unwrap_err();
        assert!(
            matches!(err, StoreError::BadFileName { .. }),
            "{name:?}: {err:?}"
        );
    }

    // A read error half way leaves nothing behind.
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("the network share went away"));
            }
            let n = buf.len().min(self.0).min(300_000);
            buf[..n].fill(7);
            self.0 -= n;
            Ok(n)
        }
    }
    let err = draft
        .attach_reader(
            "uec.tcr",
            "big.zip",
            &mut Failing(40 * MIB as usize),
            None,
            "a",
            &mut no_progress(),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("the network share went away"),
        "{err}"
    );
    assert!(draft.evidence().unwrap().is_empty());
    assert!(draft.history(None).unwrap().is_empty());
    let path = draft.path().to_path_buf();
    drop(draft);
    assert_eq!(sql_count(&path, "SELECT count(*) FROM blob_chunks"), 0);
}

#[test]
fn damaged_evidence_is_reported_not_returned() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    let data = bytes(3 * MIB as usize, 9);
    let link = draft
        .attach_reader(
            "uec.book",
            "r.bin",
            &mut &data[..],
            None,
            "a",
            &mut no_progress(),
        )
        .unwrap();
    drop(draft);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE blob_chunks SET data = zeroblob(length(data)) WHERE seq = 1",
        [],
    )
    .unwrap();
    drop(conn);
    let draft = Draft::open(&path).unwrap();
    let mut out = Vec::new();
    let err = draft.extract(&link.file.sha256, &mut out).unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{} is damaged (evidence {} is unreadable: its content no longer matches its SHA-256): restore it from a backup",
            path.display(),
            link.file.sha256
        )
    );
    let mut reader = draft.blob_reader(&link.file.sha256).unwrap();
    let read_err = std::io::copy(&mut reader, &mut std::io::sink()).unwrap_err();
    assert_eq!(read_err.kind(), std::io::ErrorKind::InvalidData);

    let missing = "0".repeat(64);
    let err = draft.blob_reader(&missing).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{} holds no evidence with SHA-256 {missing}",
            path.display()
        )
    );
}

#[test]
fn chunks_left_by_an_interrupted_attach_are_removed_on_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    let kept = draft
        .attach_reader(
            "uec.book",
            "kept.txt",
            &mut &b"kept"[..],
            None,
            "a",
            &mut no_progress(),
        )
        .unwrap();
    drop(draft);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO blob_chunks (body, seq, data) VALUES (999, 0, randomblob(1000)), (999, 1, randomblob(10))",
        [],
    )
    .unwrap();
    drop(conn);
    // Review mode changes nothing, leftovers included.
    drop(Draft::open_read_only(&path).unwrap());
    assert_eq!(
        sql_count(&path, "SELECT count(*) FROM blob_chunks WHERE body = 999"),
        2
    );
    let draft = Draft::open(&path).unwrap();
    let mut out = Vec::new();
    draft.extract(&kept.file.sha256, &mut out).unwrap();
    assert_eq!(out, b"kept");
    drop(draft);
    assert_eq!(sql_count(&path, "SELECT count(*) FROM blob_chunks"), 1);
}

#[test]
fn a_large_attach_keeps_the_wal_small() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    let file = dir.path().join("capture.zip");
    let size = 160 * MIB;
    write_file(&file, size, 21);
    let wal = format!("{}-wal", path.display());
    let mut largest_wal = 0;
    let link = draft
        .attach("uec.book", &file, "alice", &mut |_, _| {
            largest_wal = largest_wal.max(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0));
        })
        .unwrap();
    assert_eq!(link.file.size, size);
    assert!(largest_wal > 0, "the WAL was observed");
    assert!(
        largest_wal < 80 * MIB,
        "the WAL grew to {largest_wal} bytes for a {size}-byte file: it should stay near one 64 MiB batch"
    );
}

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A document's dates go in with the attach (one commit), are changed with a `dates` history
/// entry saying before and after, survive reopening, reach the completeness state, and come
/// back with a snapshot restore.
#[test]
fn evidence_dates_are_stored_recorded_and_restored() {
    use scal_core::EvidenceDates;
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    let file = dir.path().join("pentest.pdf");
    write_file(&file, 1000, 3);
    let dated = EvidenceDates::new(Some(day("2026-05-01")), Some(day("2027-04-30"))).unwrap();
    let link = draft
        .attach_dated("uec.tcr", &file, dated, "alice", &mut no_progress())
        .unwrap();
    assert_eq!(link.dates, dated);
    let snap = draft
        .snapshot("dated", scal_store::SnapshotReason::Manual, "alice")
        .unwrap();

    let renewed = EvidenceDates::new(Some(day("2026-05-01")), Some(day("2028-04-30"))).unwrap();
    let changed = draft.set_evidence_dates(link.id, renewed, "bob").unwrap();
    assert_eq!(changed.dates, renewed);
    // Setting the same dates again records nothing.
    draft.set_evidence_dates(link.id, renewed, "bob").unwrap();
    let history = draft.history(Some("uec.tcr")).unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h.action().as_str()).collect();
    assert_eq!(actions, ["attach", "dates"]);
    match &history[1].event {
        scal_store::HistoryEvent::Dates(e) => {
            assert_eq!((e.link, e.before, e.after), (link.id, dated, renewed));
            assert_eq!(e.file_name, "pentest.pdf");
        }
        other => panic!("expected a dates event, got {other:?}"),
    }
    assert_eq!(history[1].author, "bob");
    match &history[0].event {
        scal_store::HistoryEvent::Attach(l) => assert_eq!(l.dates, dated),
        other => panic!("expected an attach event, got {other:?}"),
    }
    drop(draft);

    let mut draft = Draft::open(&path).unwrap();
    assert_eq!(draft.evidence().unwrap()[0].dates, renewed);
    let state = draft.state().unwrap();
    let files = &state.evidence_dates["uec.tcr"];
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].file_name, "pentest.pdf");
    assert_eq!(files[0].dates, renewed);

    draft.restore_snapshot(snap.id, "alice").unwrap();
    assert_eq!(draft.evidence().unwrap()[0].dates, dated);
    let read_only = {
        drop(draft);
        Draft::open_read_only(&path).unwrap()
    };
    assert_eq!(read_only.evidence().unwrap()[0].dates, dated);
}

/// A link id that does not exist, and a read-only draft, are refused; nothing is written.
#[test]
fn setting_dates_on_a_missing_link_or_a_read_only_draft_is_refused() {
    use scal_core::EvidenceDates;
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    let dates = EvidenceDates::new(None, Some(day("2027-01-01"))).unwrap();
    let e = draft.set_evidence_dates(42, dates, "alice").unwrap_err();
    assert!(
        matches!(e, StoreError::NoSuchLink { link_id: 42, .. }),
        "{e:?}"
    );
    let file = dir.path().join("a.pdf");
    write_file(&file, 10, 1);
    let link = draft
        .attach("uec.tcr", &file, "alice", &mut no_progress())
        .unwrap();
    drop(draft);
    let mut ro = Draft::open_read_only(&path).unwrap();
    assert!(ro.set_evidence_dates(link.id, dates, "alice").is_err());
    drop(ro);
    assert_eq!(
        sql_count(
            &path,
            "SELECT count(*) FROM evidence_links WHERE valid_until IS NOT NULL"
        ),
        0
    );
}
