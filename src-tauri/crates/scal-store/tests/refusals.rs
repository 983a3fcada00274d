//! Files that are not (or no longer) good drafts, and drafts that are busy or read-only: each is
//! refused with one sentence naming the file, never a panic, and never altered.

use crate::common;

#[cfg(unix)]
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::{bytes, new_draft, no_progress, set, text};
use scal_store::{Draft, StoreError};

/// Opens both ways and returns the two errors, checking the file was not touched.
fn refused(path: &Path) -> (StoreError, StoreError) {
    let before = std::fs::read(path).unwrap();
    let rw = Draft::open(path).expect_err("open should refuse");
    let ro = Draft::open_read_only(path).expect_err("open_read_only should refuse");
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "{} was altered",
        path.display()
    );
    for err in [&rw, &ro] {
        let msg = err.to_string();
        assert!(
            msg.contains(&path.display().to_string()),
            "{msg} should name the file"
        );
        assert!(!msg.contains('\n'), "{msg} should be one line");
    }
    (rw, ro)
}

fn draft_with_evidence(dir: &Path) -> std::path::PathBuf {
    let (path, mut draft) = new_draft(dir);
    draft.set_answer("org.name", set("Acme"), "alice").unwrap();
    let data = bytes(300_000, 3);
    draft
        .attach_reader(
            "uec.tcr",
            "r.pdf",
            &mut &data[..],
            None,
            "alice",
            &mut no_progress(),
        )
        .unwrap();
    drop(draft);
    path
}

#[test]
fn a_draft_from_a_newer_version_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = draft_with_evidence(dir.path());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let newer = scal_store::schema::SCHEMA_VERSION + 2;
    conn.pragma_update(None, "user_version", newer).unwrap();
    drop(conn);
    let (rw, ro) = refused(&path);
    let want = format!(
        "{} was written by a newer SCAL Workbench (draft format {newer}; this version reads up to {}): open it with a newer version",
        path.display(),
        scal_store::schema::SCHEMA_VERSION
    );
    assert_eq!(rw.to_string(), want);
    assert_eq!(ro.to_string(), want);
}

#[test]
fn another_programs_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("budget.scal");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE money (amount INTEGER); INSERT INTO money VALUES (5);")
        .unwrap();
    drop(conn);
    let (rw, _) = refused(&path);
    assert_eq!(
        rw.to_string(),
        format!(
            "{} is not a SCAL draft (it is an SQLite database of another program)",
            path.display()
        )
    );
}

#[test]
fn broken_files_get_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let good = draft_with_evidence(dir.path());
    let original = std::fs::read(&good).unwrap();
    assert!(original.len() > 100_000);
    let len = original.len();
    let mut zeroed_after_header = original.clone();
    zeroed_after_header[100..].fill(0);
    let mut scribbled_schema = original.clone();
    scribbled_schema[100..4096].copy_from_slice(&bytes(3996, 1));

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "is not a SCAL draft (it is empty)"),
        (
            "zeros",
            vec![0; len],
            "is not a SCAL draft (it is not an SQLite database)",
        ),
        (
            "random",
            bytes(len, 42),
            "is not a SCAL draft (it is not an SQLite database)",
        ),
        (
            "text",
            b"Supplier Conformance Assessment List".to_vec(),
            "it is not an SQLite database",
        ),
        (
            "cut in the header",
            original[..60].to_vec(),
            "is damaged (it ends inside its header",
        ),
        (
            "cut at a page",
            original[..16384].to_vec(),
            "may have been cut off while copying",
        ),
        (
            "cut in half",
            original[..len / 2].to_vec(),
            "may have been cut off while copying",
        ),
        (
            "one byte short",
            original[..len - 1].to_vec(),
            "may have been cut off while copying",
        ),
        ("zeroed after header", zeroed_after_header, "is damaged"),
        ("scribbled schema", scribbled_schema, "is damaged"),
    ];
    for (name, content, want) in cases {
        let path = dir.path().join(format!("{name}.scal"));
        scal_store::fsutil::write_atomic(&path, &content).unwrap();
        let (rw, ro) = refused(&path);
        for err in [rw, ro] {
            assert!(err.to_string().contains(want), "{name}: {err}");
        }
    }
    assert!(matches!(
        Draft::open(&dir.path().join("none.scal")),
        Err(StoreError::NotFound { .. })
    ));
    let (rw, _) = refused(&dir.path().join("empty.scal"));
    assert!(matches!(rw, StoreError::NotADraft { .. }));
    let folder = dir.path().join("folder.scal");
    std::fs::create_dir(&folder).unwrap();
    let err = Draft::open(&folder).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{} is not a SCAL draft (it is a folder)", folder.display())
    );
}

/// Runs `f` on another thread and fails the test if it has not returned within a minute (it
/// would otherwise hang the whole run); never a measure of speed.
#[cfg(unix)]
fn within_a_minute<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("{what} did not return: it is waiting on the named pipe"))
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_before_it_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.scal");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let want = format!(
        "{} is not a regular file (it is a named pipe): give the path of a .scal draft",
        fifo.display()
    );
    for read_only in [false, true] {
        let path = fifo.clone();
        let err = within_a_minute("opening a named pipe", move || {
            if read_only {
                Draft::open_read_only(&path).map(|_| ())
            } else {
                Draft::open_for_review(&path).map(|_| ())
            }
        })
        .unwrap_err();
        assert!(matches!(err, StoreError::NotARegularFile { .. }), "{err:?}");
        assert_eq!(err.to_string(), want);
    }
    let (_path, draft) = new_draft(dir.path());
    let path = fifo.clone();
    let (err, draft) = within_a_minute("attaching a named pipe", move || {
        let mut draft = draft;
        let err = draft
            .attach("uec.tcr", &path, "a", &mut no_progress())
            .unwrap_err();
        (err, draft)
    });
    assert_eq!(
        err.to_string(),
        format!(
            "{} is not a regular file (it is a named pipe): give the path of a file to attach",
            fifo.display()
        )
    );
    assert!(draft.evidence().unwrap().is_empty());
}

#[test]
fn a_second_open_in_the_same_process_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut first) = new_draft(dir.path());
    for second in [Draft::open(&path), Draft::open_read_only(&path)] {
        let err = second.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{} is already open in another SCAL Workbench window or command",
                path.display()
            )
        );
    }
    // The same file under another name is still the same draft.
    let aliased = dir.path().join(".").join("supplier.scal");
    assert!(matches!(
        Draft::open(&aliased),
        Err(StoreError::AlreadyOpen { .. })
    ));
    // The refused attempts did not disturb the first.
    first
        .set_answer("org.name", set("Still mine"), "alice")
        .unwrap();
    drop(first);
    let again = Draft::open(&path).unwrap();
    assert_eq!(
        again.answers().unwrap()["org.name"].value,
        Some(text("Still mine"))
    );
}

// Permission bits as tested here are Unix's; Windows has its own read-only attribute.
#[cfg(unix)]
#[test]
fn a_read_only_file_or_folder_opens_for_review_only() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    let path = draft_with_evidence(&folder);
    let before = std::fs::read(&path).unwrap();
    let want = format!(
        "{} cannot be changed because the file or its folder is read-only: open it for review, or copy it somewhere you can write",
        path.display()
    );

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    assert_eq!(Draft::open(&path).unwrap_err().to_string(), want);
    let review = Draft::open_read_only(&path).unwrap();
    assert_eq!(
        review.answers().unwrap()["org.name"].value,
        Some(text("Acme"))
    );
    drop(review);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();

    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let rw = Draft::open(&path).unwrap_err();
    let review = Draft::open_read_only(&path).map(|d| {
        let link = d.evidence().unwrap().remove(0);
        let mut out = Vec::new();
        d.extract(&link.file.sha256, &mut out).unwrap();
        out.len()
    });
    let create = Draft::create(&folder.join("new.scal"), &common::template_json(), "a");
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(rw.to_string(), want);
    assert_eq!(review.unwrap(), 300_000);
    assert_eq!(
        create.unwrap_err().to_string(),
        format!(
            "could not create {}: its folder is read-only",
            folder.join("new.scal").display()
        )
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let names: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        vec!["supplier.scal"],
        "nothing was created in the read-only folder"
    );
}

#[cfg(unix)]
#[test]
fn a_draft_left_with_a_wal_in_a_read_only_folder_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    let path = draft_with_evidence(&folder);
    let mut wal = path.clone().into_os_string();
    wal.push("-wal");
    // What a crash leaves: a WAL next to the draft (its content does not matter here).
    scal_store::fsutil::write_atomic(Path::new(&wal), &bytes(5000, 8)).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let err = Draft::open_read_only(&path).unwrap_err();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "{} was not closed properly and cannot be opened where it is, because the file or its folder is read-only: copy it somewhere you can write and open it there",
            path.display()
        )
    );
}

#[test]
fn a_checkpoint_cut_short_by_a_crash_is_finished_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = draft_with_evidence(dir.path());
    // Changes that live only in the WAL, copied as a crash would leave them.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    conn.execute(
        "UPDATE answers SET value = json_quote(?1) WHERE item = 'org.name'",
        ["Acme after the crash"],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO blob_chunks (body, seq, data) VALUES (77, 0, randomblob(400000))",
        [],
    )
    .unwrap();
    let crashed = dir.path().join("crashed");
    std::fs::create_dir(&crashed).unwrap();
    let copy = crashed.join("supplier.scal");
    std::fs::copy(&path, &copy).unwrap();
    std::fs::copy(
        format!("{}-wal", path.display()),
        format!("{}-wal", copy.display()),
    )
    .unwrap();
    drop(conn);
    // A checkpoint writes page 1 (with the new page count) before the pages that extend the
    // file: the header now promises more pages than the file has, and the WAL holds the rest.
    let mut bytes = std::fs::read(&copy).unwrap();
    let page_size = u64::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    let pages = (bytes.len() as u64 / page_size + 30) as u32;
    bytes[28..32].copy_from_slice(&pages.to_be_bytes());
    scal_store::fsutil::write_atomic(&copy, &bytes).unwrap();

    let draft = Draft::open(&copy).unwrap();
    assert_eq!(
        draft.answers().unwrap()["org.name"].value,
        Some(text("Acme after the crash"))
    );
    assert!(draft.integrity_problems().unwrap().is_empty());
    drop(draft);
    // Without the WAL the same header is a file cut short.
    std::fs::remove_file(format!("{}-wal", copy.display())).ok();
    scal_store::fsutil::write_atomic(&copy, &bytes).unwrap();
    let (rw, _) = refused(&copy);
    assert!(rw.to_string().contains("cut off"), "{rw}");
}
