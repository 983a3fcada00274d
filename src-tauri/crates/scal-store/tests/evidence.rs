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
