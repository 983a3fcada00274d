//! Crashes and other processes: kill -9 while answering or attaching, and a second process
//! opening a draft that is already open.
//!
//! This test binary has its own `main` (harness = false): run with `--child MODE ...` it is the
//! child process the tests spawn, kill and watch; run otherwise it runs the tests below.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "test code and its helpers: a panic is a failing test with its location"
)]

mod common;

use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

use common::{new_draft, set, sha256_file, sql_count, write_file, TEXT_ITEMS};
use scal_store::{Draft, StoreError};

const MIB: u64 = 1024 * 1024;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        child(&args[2..]);
        return;
    }
    // `cargo test -- NAME` runs only the tests whose name contains NAME.
    let filter = args.iter().skip(1).find(|a| !a.starts_with('-')).cloned();
    let tests: &[(&str, fn())] = &[
        (
            "kill_while_answering_loses_no_acknowledged_answer",
            kill_while_answering_loses_no_acknowledged_answer,
        ),
        (
            "kill_while_attaching_never_leaves_a_link_to_a_partial_blob",
            kill_while_attaching_never_leaves_a_link_to_a_partial_blob,
        ),
        (
            "a_draft_open_here_is_refused_in_another_process",
            a_draft_open_here_is_refused_in_another_process,
        ),
        (
            "a_draft_open_in_another_process_is_refused_here",
            a_draft_open_in_another_process_is_refused_here,
        ),
    ];
    let mut ran = 0;
    for (name, test) in tests {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        println!("test {name} ...");
        test();
        println!("test {name} ... ok");
        ran += 1;
    }
    println!("test result: ok. {ran} passed");
}

/// The child side. Every line it prints is printed only after the call it reports returned.
fn child(args: &[String]) {
    let mut out = std::io::stdout().lock();
    match args {
        [mode, path] if mode == "answers" => {
            let mut draft = Draft::open(Path::new(path)).unwrap();
            for i in 0u64.. {
                let item = format!("t.{}", i % TEXT_ITEMS as u64);
                draft
                    .set_answer(&item, set(&format!("v{i}")), "child")
                    .unwrap();
                writeln!(out, "{item} {i}").unwrap();
                out.flush().unwrap();
            }
        }
        [mode, path, file] if mode == "attach" => {
            let mut draft = Draft::open(Path::new(path)).unwrap();
            let link = draft
                .attach("uec.tcr", Path::new(file), "child", &mut |done, _| {
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "progress {done}").unwrap();
                    out.flush().unwrap();
                })
                .unwrap();
            writeln!(out, "attached {}", link.file.sha256).unwrap();
        }
        [mode, path, how] if mode == "hold" => {
            let draft = if how == "review" {
                Draft::open_read_only(Path::new(path))
            } else {
                Draft::open(Path::new(path))
            }
            .unwrap();
            writeln!(out, "open").unwrap();
            out.flush().unwrap();
            // Hold the draft until the parent closes our stdin.
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
            drop(draft);
        }
        [mode, path] if mode == "try" => {
            let path = Path::new(path);
            type Open = fn(&Path) -> Result<Draft, StoreError>;
            let opens: [Open; 2] = [Draft::open, Draft::open_read_only];
            for open in opens {
                // Each draft is dropped before the next open.
                match open(path) {
                    Ok(_) => writeln!(out, "ok").unwrap(),
                    Err(e) => writeln!(out, "err {e}").unwrap(),
                }
            }
        }
        other => panic!("unknown child mode {other:?}"),
    }
}

/// A child process that is killed if the test fails half way.
struct Kid(Child);

impl Kid {
    fn spawn(args: &[&str]) -> (Kid, BufReader<ChildStdout>) {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .arg("--child")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        (Kid(child), stdout)
    }

    /// SIGKILL: no destructor, no checkpoint, no flush: what a crash or power cut leaves.
    fn kill_9(&mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }
}

impl Drop for Kid {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn random_in(low: u64, high: u64) -> u64 {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    low + std::collections::hash_map::RandomState::new().hash_one(seed) % (high - low)
}

fn read_line(stdout: &mut BufReader<ChildStdout>) -> Option<String> {
    let mut line = String::new();
    match stdout.read_line(&mut line) {
        Ok(0) => None,
        // A line cut short by the kill was never acknowledged.
        Ok(_) if !line.ends_with('\n') => None,
        Ok(_) => Some(line.trim_end().to_string()),
        Err(e) => panic!("reading the child's output: {e}"),
    }
}

fn kill_while_answering_loses_no_acknowledged_answer() {
    for round in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let (path, draft) = new_draft(dir.path());
        drop(draft);
        let stop_after = random_in(1, 400);
        println!("  round {round}: kill -9 after {stop_after} acknowledged answers");
        let (mut kid, mut stdout) = Kid::spawn(&["answers", path.to_str().unwrap()]);
        let mut acknowledged: BTreeMap<String, u64> = BTreeMap::new();
        let mut count = 0u64;
        let mut record = |line: String| {
            let (item, i) = line.split_once(' ').unwrap();
            acknowledged.insert(item.to_string(), i.parse().unwrap());
        };
        while count < stop_after {
            record(read_line(&mut stdout).expect("the child stopped early"));
            count += 1;
        }
        kid.kill_9();
        // Lines the child wrote before it died were acknowledged too.
        while let Some(line) = read_line(&mut stdout) {
            record(line);
            count += 1;
        }

        // Round 0 reopens in review mode first: a reviewer also sees every acknowledged answer.
        let draft = if round == 0 {
            Draft::open_read_only(&path).unwrap()
        } else {
            Draft::open(&path).unwrap()
        };
        assert!(draft.integrity_problems().unwrap().is_empty());
        let answers = draft.answers().unwrap();
        for (item, acked) in &acknowledged {
            let stored = answers
                .get(item)
                .and_then(|a| a.value.as_ref())
                .and_then(|v| v.as_one())
                .unwrap_or_else(|| panic!("acknowledged answer to {item} is missing"));
            let stored: u64 = stored.trim_start_matches('v').parse().unwrap();
            // The stored answer is the acknowledged one, or a later one that was written but
            // not yet reported when the kill came.
            assert!(
                stored >= *acked,
                "{item}: acknowledged v{acked} but found v{stored}"
            );
            assert!(
                stored <= count,
                "{item}: v{stored} was never written ({count} in all)"
            );
        }
        let history = draft.history(None).unwrap().len() as u64;
        assert!(
            history == count || history == count + 1,
            "{count} acknowledged changes but {history} in the history"
        );
    }
}

fn kill_while_attaching_never_leaves_a_link_to_a_partial_blob() {
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("pen-test-report.pdf");
    let size = 96 * MIB;
    write_file(&file, size, 77);
    let want_sha = sha256_file(&file);
    for round in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut draft) = new_draft(dir.path());
        draft.set_answer("org.name", set("Acme"), "alice").unwrap();
        drop(draft);
        let wal = PathBuf::from(format!("{}-wal", path.display()));
        let kill_at = random_in(1, size / MIB) * MIB;
        println!(
            "  round {round}: kill -9 once {} MiB are stored",
            kill_at / MIB
        );
        let (mut kid, mut stdout) =
            Kid::spawn(&["attach", path.to_str().unwrap(), file.to_str().unwrap()]);
        let mut attached = false;
        let mut largest_wal = 0;
        while let Some(line) = read_line(&mut stdout) {
            largest_wal = largest_wal.max(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0));
            if line.starts_with("attached ") {
                attached = true;
                break;
            }
            let done: u64 = line.strip_prefix("progress ").unwrap().parse().unwrap();
            if done >= kill_at {
                break;
            }
        }
        kid.kill_9();
        while let Some(line) = read_line(&mut stdout) {
            attached |= line.starts_with("attached ");
        }
        assert!(
            largest_wal < 80 * MIB,
            "the WAL grew to {largest_wal} bytes: it should stay near one 64 MiB batch of chunks, well under the 96 MiB file"
        );

        let mut draft = Draft::open(&path).unwrap();
        assert!(draft.integrity_problems().unwrap().is_empty());
        assert_eq!(
            draft.answers().unwrap().len(),
            1,
            "the earlier answer survived"
        );
        let links = draft.evidence().unwrap();
        if attached {
            assert_eq!(
                links.len(),
                1,
                "the attach was acknowledged, so it must be there"
            );
        }
        // A link, if there is one, names the whole file.
        for link in &links {
            assert_eq!(link.file.sha256, want_sha);
            assert_eq!(link.file.size, size);
            let mut hasher = sha2::Sha256::default();
            draft.extract(&link.file.sha256, &mut hasher).unwrap();
        }
        // The draft is still usable: attaching again works and reads back whole.
        if links.is_empty() {
            let link = draft
                .attach("uec.tcr", &file, "alice", &mut |_, _| {})
                .unwrap();
            assert_eq!(link.file.sha256, want_sha);
        }
        drop(draft);
        assert_eq!(
            sql_count(
                &path,
                "SELECT count(*) FROM blob_chunks WHERE body NOT IN (SELECT body FROM blobs)"
            ),
            0,
            "chunks of the interrupted attach were cleaned up"
        );
        assert_eq!(
            sql_count(&path, "SELECT count(*) FROM blob_chunks"),
            (size / MIB) as i64
        );
    }
}

fn assert_refused(line: Option<String>, path: &Path) {
    assert_eq!(
        line.as_deref(),
        Some(
            format!(
                "err {} is already open in another SCAL Workbench window or command",
                path.display()
            )
            .as_str()
        )
    );
}

fn a_draft_open_here_is_refused_in_another_process() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    let (_kid, mut stdout) = Kid::spawn(&["try", path.to_str().unwrap()]);
    assert_refused(read_line(&mut stdout), &path);
    assert_refused(read_line(&mut stdout), &path);
    // The other process's failed attempts did not loosen our hold.
    draft.set_answer("org.name", set("Mine"), "alice").unwrap();
    let (_kid, mut stdout) = Kid::spawn(&["try", path.to_str().unwrap()]);
    assert_refused(read_line(&mut stdout), &path);
    drop(draft);
    let (_kid, mut stdout) = Kid::spawn(&["try", path.to_str().unwrap()]);
    assert_eq!(read_line(&mut stdout).as_deref(), Some("ok"));
    assert_eq!(read_line(&mut stdout).as_deref(), Some("ok"));
}

fn a_draft_open_in_another_process_is_refused_here() {
    let dir = tempfile::tempdir().unwrap();
    let (path, draft) = new_draft(dir.path());
    drop(draft);
    for (how, ending) in [
        ("edit", "closes"),
        ("review", "closes"),
        ("edit", "is killed"),
    ] {
        let (mut kid, mut stdout) = Kid::spawn(&["hold", path.to_str().unwrap(), how]);
        assert_eq!(read_line(&mut stdout).as_deref(), Some("open"));
        for err in [
            Draft::open(&path).unwrap_err(),
            Draft::open_read_only(&path).unwrap_err(),
        ] {
            assert!(
                matches!(err, StoreError::AlreadyOpen { .. }),
                "{how}: {err:?}"
            );
        }
        if ending == "closes" {
            drop(kid.0.stdin.take());
            assert!(kid.0.wait().unwrap().success());
        } else {
            kid.kill_9();
        }
        // Once the other process has let go (or died), the draft opens here.
        let mut draft =
            Draft::open(&path).unwrap_or_else(|e| panic!("after the holder {ending}: {e}"));
        draft.set_answer("org.name", set(how), "alice").unwrap();
    }
}
