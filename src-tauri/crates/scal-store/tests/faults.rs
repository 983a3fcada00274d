//! Faults the store must survive, beyond a crash (crash.rs) and plainly bad files
//! (refusals.rs): a disk that fills up while evidence is attached or an answer is saved, a WAL
//! cut short by a power cut at any byte, and seeded random damage anywhere in a draft.
//!
//! The disk-full tests mount a small tmpfs, which needs root (as on CI and on the project's
//! machines). Where the mount is refused they print a `SKIPPED` line, except under `SCAL_REQUIRE_TMPFS=1`,
//! where they fail: a CI that silently stopped testing a full disk would be worse than a red
//! build, while a developer without root should still be able to run the rest.

use crate::common;

use std::path::{Path, PathBuf};

use crate::common::{bytes, new_draft, no_progress, set, text, write_file};
use scal_store::{Draft, StoreError};
use scal_testkit::{fill_up, SmallDisk};

const MIB: u64 = 1024 * 1024;

fn assert_disk_full(err: &StoreError, path: &Path) {
    assert!(
        matches!(err, StoreError::DiskFull { .. }),
        "expected a full-disk error, got {err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "{} cannot be saved: the disk is full; free some space and try again",
            path.display()
        )
    );
}

#[test]
fn a_disk_that_fills_up_during_an_attach_is_a_clear_error_and_the_draft_stays_usable() {
    let Some(disk) = SmallDisk::mount(8, "attach on a full disk") else {
        return;
    };
    let outside = tempfile::tempdir().unwrap();
    let report = outside.path().join("pen-test-report.pdf");
    write_file(&report, 24 * MIB, 5);
    let small = outside.path().join("certificate.pdf");
    write_file(&small, 200_000, 6);

    let (path, mut draft) = new_draft(&disk.mount);
    draft.set_answer("org.name", set("Acme"), "alice").unwrap();
    let err = draft
        .attach("uec.tcr", &report, "alice", &mut no_progress())
        .unwrap_err();
    assert_disk_full(&err, &path);
    assert!(draft.evidence().unwrap().is_empty(), "no link to a part");

    // Still usable in the same session: the space the failed attach took was given back.
    draft
        .set_answer("org.notes", set("after"), "alice")
        .unwrap();
    let link = draft
        .attach("uec.tcr", &small, "alice", &mut no_progress())
        .unwrap();
    drop(draft);

    let draft = Draft::open(&path).unwrap();
    assert!(draft.integrity_problems().unwrap().is_empty());
    let answers = draft.answers().unwrap();
    assert_eq!(answers["org.name"].value, Some(text("Acme")));
    assert_eq!(answers["org.notes"].value, Some(text("after")));
    assert_eq!(draft.evidence().unwrap(), vec![link.clone()]);
    let mut out = Vec::new();
    draft.extract(&link.file.sha256, &mut out).unwrap();
    assert_eq!(out.len(), 200_000);
}

#[test]
fn an_answer_on_a_full_disk_is_refused_and_the_earlier_ones_are_kept() {
    let Some(disk) = SmallDisk::mount(8, "answer on a full disk") else {
        return;
    };
    let (path, mut draft) = new_draft(&disk.mount);
    draft.set_answer("org.name", set("Acme"), "alice").unwrap();
    let filler = fill_up(&disk.mount);

    // Answers big enough to need new pages: a full disk cannot hold them.
    let long = "x".repeat(200_000);
    let mut refused = None;
    for i in 0..20 {
        match draft.set_answer(&format!("t.{i}"), set(&long), "alice") {
            Ok(_) => {}
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    let err = refused.expect("some answer must fail once the disk is full");
    assert_disk_full(&err, &path);

    // With space again, the same open draft takes answers and nothing earlier was lost.
    std::fs::remove_file(&filler).unwrap();
    draft
        .set_answer("org.notes", set("room again"), "alice")
        .unwrap();
    drop(draft);
    let draft = Draft::open(&path).unwrap();
    assert!(draft.integrity_problems().unwrap().is_empty());
    let answers = draft.answers().unwrap();
    assert_eq!(answers["org.name"].value, Some(text("Acme")));
    assert_eq!(answers["org.notes"].value, Some(text("room again")));
}

#[test]
fn a_draft_cannot_be_created_on_a_full_disk_and_leaves_nothing_behind() {
    let Some(disk) = SmallDisk::mount(4, "create on a full disk") else {
        return;
    };
    let filler = fill_up(&disk.mount);
    let path = disk.path("new.scal");
    let err = Draft::create(&path, &common::template_json(), "alice").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains("disk is full"), "{msg}");
    assert!(
        !msg.contains("os error") && !msg.contains(".creating"),
        "{msg}"
    );
    let left: Vec<_> = std::fs::read_dir(&disk.mount)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p != &filler)
        .collect();
    assert!(left.is_empty(), "a failed create left {left:?}");
}

/// A draft whose newest changes are only in its WAL (as a power cut leaves it), and the path of
/// that WAL. Returns the answers committed there, in order.
fn draft_with_changes_in_the_wal(dir: &Path) -> (PathBuf, PathBuf, Vec<String>) {
    let (path, mut draft) = new_draft(dir);
    draft.set_answer("org.name", set("Acme"), "alice").unwrap();
    drop(draft);
    let source = dir.join("live");
    std::fs::create_dir(&source).unwrap();
    let live = source.join("supplier.scal");
    std::fs::copy(&path, &live).unwrap();
    // A connection that never checkpoints: every commit stays in the WAL.
    let conn = rusqlite::Connection::open(&live).unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    let mut committed = Vec::new();
    for i in 0..12 {
        let value = format!("v{i}-{}", "z".repeat(3000));
        conn.execute(
            "UPDATE answers SET value = json_quote(?1) WHERE item = 'org.name'",
            [&value],
        )
        .unwrap();
        committed.push(value);
    }
    let crashed = dir.join("crashed.scal");
    std::fs::copy(&live, &crashed).unwrap();
    let wal = PathBuf::from(format!("{}-wal", crashed.display()));
    std::fs::copy(format!("{}-wal", live.display()), &wal).unwrap();
    drop(conn);
    (crashed, wal, committed)
}

#[test]
fn a_wal_cut_at_any_byte_keeps_every_whole_commit_before_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let (crashed, wal, committed) = draft_with_changes_in_the_wal(dir.path());
    let full = std::fs::read(&crashed).unwrap();
    let full_wal = std::fs::read(&wal).unwrap();
    assert!(full_wal.len() > 32 * 1024, "the WAL holds the commits");
    let seed = seed("a_wal_cut_at_any_byte");
    let mut rng = Rng(seed);
    // Cuts: inside the WAL header, at every frame boundary's neighbourhood, and at random.
    let mut cuts: Vec<usize> = vec![0, 7, 31, 32, 33, full_wal.len() - 1, full_wal.len()];
    for _ in 0..40 {
        cuts.push(rng.below(full_wal.len() as u64) as usize);
    }
    let mut last_seen = 0;
    cuts.sort_unstable();
    for cut in cuts {
        let case = dir.path().join(format!("cut-{cut}.scal"));
        scal_store::fsutil::write_atomic(&case, &full).unwrap();
        scal_store::fsutil::write_atomic(
            Path::new(&format!("{}-wal", case.display())),
            &full_wal[..cut],
        )
        .unwrap();
        let draft = Draft::open(&case)
            .unwrap_or_else(|e| panic!("WAL cut at byte {cut} (seed {seed}): {e}"));
        assert!(
            draft.integrity_problems().unwrap().is_empty(),
            "WAL cut at byte {cut} (seed {seed})"
        );
        let value = draft.answers().unwrap()["org.name"].value.clone();
        // What survives is a prefix of the commits: the last whole one before the cut.
        let seen = match value {
            Some(scal_core::Value::One(v)) if v == "Acme" => 0,
            Some(scal_core::Value::One(v)) => {
                committed.iter().position(|c| *c == v).unwrap_or_else(|| {
                    panic!("WAL cut at byte {cut}: a value that was never committed")
                }) + 1
            }
            other => panic!("WAL cut at byte {cut}: answer became {other:?}"),
        };
        assert!(
            seen >= last_seen,
            "a longer WAL kept fewer commits (cut {cut})"
        );
        last_seen = seen;
    }
    assert_eq!(
        last_seen,
        committed.len(),
        "the whole WAL keeps every commit"
    );
}

#[test]
fn seeded_random_damage_is_refused_or_read_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    draft.set_answer("org.name", set("Acme"), "alice").unwrap();
    for i in 0..common::TEXT_ITEMS {
        draft
            .set_answer(&format!("t.{i}"), set(&format!("answer {i}")), "alice")
            .unwrap();
    }
    let data = bytes(600_000, 9);
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
    let good = std::fs::read(&path).unwrap();
    let seed = seed("seeded_random_damage");
    let mut rng = Rng(seed);
    let (mut refused, mut opened) = (0, 0);
    for round in 0..60 {
        let mut damaged = good.clone();
        let how = match rng.below(4) {
            0 => {
                // Random bytes over a random stretch past the 100-byte header.
                let at = 100 + rng.below(damaged.len() as u64 - 100) as usize;
                let len = (1 + rng.below(20_000) as usize).min(damaged.len() - at);
                damaged[at..at + len].copy_from_slice(&bytes(len, rng.next()));
                format!("{len} random bytes at {at}")
            }
            1 => {
                // A zeroed 16 KiB page, as a lost write leaves it.
                let pages = damaged.len() / 16384;
                let page = 1 + rng.below(pages as u64 - 1) as usize;
                damaged[page * 16384..(page + 1) * 16384].fill(0);
                format!("page {page} zeroed")
            }
            2 => {
                let len = rng.below(damaged.len() as u64) as usize;
                damaged.truncate(len);
                format!("cut to {len} bytes")
            }
            _ => {
                // Single bit flips, as failing media give.
                let mut flips = Vec::new();
                for _ in 0..1 + rng.below(8) {
                    let at = rng.below(damaged.len() as u64) as usize;
                    damaged[at] ^= 1 << rng.below(8);
                    flips.push(at);
                }
                format!("bits flipped at {flips:?}")
            }
        };
        let case = dir.path().join(format!("damaged-{round}.scal"));
        scal_store::fsutil::write_atomic(&case, &damaged).unwrap();
        let what = format!("round {round} (seed {seed}): {how}");
        let one_line = |e: &StoreError| {
            let msg = e.to_string();
            assert!(!msg.contains('\n'), "{what}: {msg}");
            assert!(
                msg.contains(&case.display().to_string()) || msg.contains("item"),
                "{what}: the message does not name the file: {msg}"
            );
        };
        match Draft::open(&case) {
            Err(e) => {
                one_line(&e);
                refused += 1;
            }
            Ok(mut draft) => {
                opened += 1;
                // Whatever the damage, every read answers or says what is wrong.
                let _ = draft.integrity_problems().map_err(|e| one_line(&e));
                let _ = draft.answers().map_err(|e| one_line(&e));
                let _ = draft.history(None).map_err(|e| one_line(&e));
                if let Ok(links) = draft.evidence().map_err(|e| one_line(&e)) {
                    for link in links {
                        let mut sink = std::io::sink();
                        let _ = draft
                            .extract(&link.file.sha256, &mut sink)
                            .map_err(|e| one_line(&e));
                    }
                }
                let _ = draft
                    .set_answer("org.notes", set("after the damage"), "alice")
                    .map_err(|e| one_line(&e));
            }
        }
    }
    println!("seeded random damage (seed {seed}): {refused} refused, {opened} opened");
}

/// The seed for a randomised test: `SCAL_FAULT_SEED` to repeat a run, else the clock. Printed
/// so a failure can be replayed.
fn seed(test: &str) -> u64 {
    let seed = std::env::var("SCAL_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    println!("{test}: seed {seed} (repeat with SCAL_FAULT_SEED={seed})");
    seed
}

/// xorshift64*: small, seedable, good enough to pick places to break.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0 | 1;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}
