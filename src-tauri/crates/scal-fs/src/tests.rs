use super::*;

use std::io::ErrorKind;

/// The names in `dir`, sorted: what a user would see in the folder.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_committed_file_holds_the_bytes_and_nothing_else_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("answers.json");
    write_atomic(&target, b"first").unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"first");
    // Replacing an existing file is what write_atomic and commit are for.
    write_atomic(&target, b"second, longer").unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"second, longer");

    let streamed = dir.path().join("evidence.pdf");
    let mut file = DurableFile::create(&streamed, "extracting").unwrap();
    assert_eq!(file.target(), streamed);
    for _ in 0..1000 {
        file.write_all(b"0123456789").unwrap();
    }
    // Nothing under the name asked for until the commit.
    assert!(!streamed.exists());
    assert!(file.temp_path().exists());
    file.commit().unwrap();
    assert_eq!(
        std::fs::read(&streamed).unwrap(),
        b"0123456789".repeat(1000)
    );
    assert_eq!(names_in(dir.path()), ["answers.json", "evidence.pdf"]);
}

#[test]
fn a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("workbook.xlsx");
    write_atomic(&target, b"the user's workbook").unwrap();
    let result: io::Result<()> = (|| {
        let mut file = DurableFile::create(&target, "partial")?;
        file.write_all(b"half of a new")?;
        // The source of the bytes fails (a damaged blob, a full pipe): no commit.
        Err(io::Error::other("the source failed"))
    })();
    assert!(result.is_err());
    assert_eq!(std::fs::read(&target).unwrap(), b"the user's workbook");
    assert_eq!(names_in(dir.path()), ["workbook.xlsx"]);
}

#[test]
fn a_commit_that_fails_leaves_what_was_there_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    // A folder stands at the name: a file cannot be renamed over it.
    let target = dir.path().join("out");
    std::fs::create_dir(&target).unwrap();
    write_atomic(&target.join("inside"), b"kept").unwrap();
    let err = write_atomic(&target, b"new bytes").unwrap_err();
    assert_ne!(err.kind(), ErrorKind::NotFound, "{err}");
    assert_eq!(std::fs::read(target.join("inside")).unwrap(), b"kept");
    assert_eq!(names_in(dir.path()), ["out"]);

    // A missing folder: nothing is created anywhere.
    let nowhere = dir.path().join("missing").join("f.json");
    assert_eq!(
        write_atomic(&nowhere, b"x").unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(names_in(dir.path()), ["out"]);
}

/// The real failure: the disk fills up while the new file is written. Needs root to mount a
/// small tmpfs (CI: SCAL_REQUIRE_TMPFS=1 makes a refusal fail); elsewhere it says it skipped.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_leaves_the_old_file_intact_and_no_temporary_file() {
    let Some(disk) = scal_testkit::SmallDisk::mount(1, "a full disk under a durable write") else {
        return;
    };
    let mount = disk.mount.clone();
    let target = mount.join("draft-export.pdf");
    write_atomic(&target, b"the last good export").unwrap();
    let too_big = vec![7u8; 4 << 20];
    let err = write_atomic(&target, &too_big).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::StorageFull, "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), b"the last good export");
    assert_eq!(names_in(&mount), ["draft-export.pdf"]);
    // The same through a stream refused for a new name: nothing at all is left.
    let fresh = mount.join("new.bin");
    let mut file = DurableFile::create(&fresh, "extracting").unwrap();
    assert_eq!(
        file.write_all(&too_big).unwrap_err().kind(),
        ErrorKind::StorageFull
    );
    drop(file);
    assert_eq!(names_in(&mount), ["draft-export.pdf"]);
}

#[test]
fn the_no_replace_commit_keeps_a_file_that_appeared_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("policy.pdf");
    let mut file = DurableFile::create(&target, "extracting").unwrap();
    file.write_all(b"extracted evidence").unwrap();
    // Someone else saves a file under that name while the extract runs.
    write_atomic(&target, b"the user's own file").unwrap();
    let err = file.commit_new().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    assert_eq!(std::fs::read(&target).unwrap(), b"the user's own file");
    assert_eq!(names_in(dir.path()), ["policy.pdf"]);

    // A free name is taken.
    let free = dir.path().join("other.pdf");
    let mut file = DurableFile::create(&free, "extracting").unwrap();
    file.write_all(b"extracted evidence").unwrap();
    file.commit_new().unwrap();
    assert_eq!(std::fs::read(&free).unwrap(), b"extracted evidence");
    assert_eq!(names_in(dir.path()), ["other.pdf", "policy.pdf"]);
}

#[cfg(unix)]
#[test]
fn the_no_replace_commit_keeps_even_a_dangling_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("link");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &target).unwrap();
    let mut file = DurableFile::create(&target, "partial").unwrap();
    file.write_all(b"x").unwrap();
    assert_eq!(
        file.commit_new().unwrap_err().kind(),
        ErrorKind::AlreadyExists
    );
    assert!(target.symlink_metadata().unwrap().file_type().is_symlink());
    assert_eq!(names_in(dir.path()), ["link"]);
}

#[test]
fn a_refusing_rule_leaves_the_target_alone_and_no_temporary_file() {
    #[derive(Debug)]
    enum Refused {
        NotOurs,
        Io,
    }
    impl From<io::Error> for Refused {
        fn from(_: io::Error) -> Refused {
            Refused::Io
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.xlsx");
    write_atomic(&target, b"someone else's").unwrap();
    let mut file = DurableFile::create(&target, "partial").unwrap();
    file.write_all(b"ours").unwrap();
    let mut asked = None;
    let result = file.commit_with(|tmp, to| {
        // The rule is shown the finished, synced file and where it would go.
        asked = Some((std::fs::read(tmp).unwrap(), to.to_path_buf()));
        Err(Refused::NotOurs)
    });
    assert!(matches!(result, Err(Refused::NotOurs)));
    assert_eq!(asked, Some((b"ours".to_vec(), target.clone())));
    assert_eq!(std::fs::read(&target).unwrap(), b"someone else's");
    assert_eq!(names_in(dir.path()), ["report.xlsx"]);
}

#[test]
fn a_new_file_never_replaces_and_is_removed_unless_finished() {
    let dir = tempfile::tempdir().unwrap();
    let staged = dir.path().join("summary.pdf");
    write_new(&staged, b"built").unwrap();
    assert_eq!(std::fs::read(&staged).unwrap(), b"built");
    assert_eq!(
        write_new(&staged, b"again").unwrap_err().kind(),
        ErrorKind::AlreadyExists
    );
    assert_eq!(std::fs::read(&staged).unwrap(), b"built");

    let pack = dir.path().join("pack.zip");
    let mut file = NewFile::create(&pack).unwrap();
    assert_eq!(file.path(), pack);
    file.write_all(b"PK half").unwrap();
    drop(file);
    assert_eq!(names_in(dir.path()), ["summary.pdf"]);
}

#[test]
fn temporary_names_are_hidden_beside_the_target_and_named_back_as_it() {
    let target = Path::new("/out/acme.xlsx");
    let a = sibling_temp_path(target, "partial");
    let b = sibling_temp_path(target, "partial");
    assert_ne!(a, b);
    assert_eq!(a.parent(), target.parent());
    let name = a.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(".acme.xlsx.") && name.ends_with(".partial"),
        "{name}"
    );
    // An error about the temporary file names the file the user asked for.
    assert_eq!(scal_core::text::user_path(&a), target);
    assert_eq!(
        scal_core::text::user_path(&sibling_temp_path(Path::new("f.pdf"), "extracting")),
        Path::new("f.pdf")
    );
}

#[cfg(unix)]
#[test]
fn only_regular_files_pass() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.scal");
    write_atomic(&file, b"x").unwrap();
    assert!(regular_file(&file).is_ok());
    // A link to a regular file is followed.
    let link = dir.path().join("link.scal");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    assert!(regular_file(&link).is_ok());

    let fifo = dir.path().join("f");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let err = regular_file(&fifo).unwrap_err();
    assert_eq!(err.kind(), Some("a named pipe"));
    assert_eq!(
        err.sentence(&fifo, "a .scal draft"),
        format!(
            "{} is not a regular file (it is a named pipe): give the path of a .scal draft",
            fifo.display()
        )
    );

    let err = regular_file(dir.path()).unwrap_err();
    assert!(matches!(err, NotReadable::Folder));
    assert_eq!(
        err.sentence(dir.path(), "an answers file"),
        format!(
            "{} is not a regular file (it is a folder): give the path of an answers file",
            dir.path().display()
        )
    );

    let missing = dir.path().join("missing");
    let err = regular_file(&missing).unwrap_err();
    assert_eq!(err.kind(), None);
    assert_eq!(
        err.sentence(&missing, "x"),
        format!("{} cannot be read: it does not exist", missing.display())
    );
}
