//! Speed and memory of the draft file, printed as a markdown table.
//!
//! `cargo bench -p scal-store --bench store` (release). `SCAL_BENCH_MIB` sets the evidence size
//! (default 1024 = 1 GiB); `SCAL_BENCH_DIR` the folder to work in (default: the system temp
//! folder; it needs about three times the evidence size free).
//!
//! Rows:
//! - set one answer: median and p99 of 1000 `set_answer` calls, each a durable commit;
//! - attach vs `cp` + `sha256sum` of the same file, time and peak RSS; the attach runs in a
//!   child process (this binary, `--child-attach`) so its VmHWM is its own;
//! - open a draft holding that evidence (median of 10).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "a benchmark: a failure should stop it loudly"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use scal_store::{AnswerChange, Draft};

const TEMPLATE: &str = r#"{
  "id": "bench", "version": "1.0.0", "title": "Bench", "publisher": "SCAL Workbench",
  "sections": [{"id": "s", "title": "S", "kind": "form", "items": [
    {"id": "name", "label": "Name", "type": "text"},
    {"id": "report", "label": "Report", "type": "evidence_slot"}
  ]}]
}"#;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, draft, file] = args.as_slice() {
        if flag == "--child-attach" {
            child_attach(Path::new(draft), Path::new(file));
            return;
        }
    }
    let mib: u64 = std::env::var("SCAL_BENCH_MIB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1024);
    let base = std::env::var_os("SCAL_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::tempdir_in(base).unwrap();
    let mut rows: Vec<[String; 4]> = Vec::new();

    // 1. One answer, durably committed.
    let draft_path = dir.path().join("answers.scal");
    let mut draft = Draft::create(&draft_path, TEMPLATE, "bench").unwrap();
    let mut times = Vec::with_capacity(1000);
    for i in 0..1000 {
        let change = AnswerChange::set(scal_core::Value::One(format!("Acme {i}")));
        let t = Instant::now();
        draft.set_answer("name", change, "bench").unwrap();
        times.push(t.elapsed());
    }
    drop(draft);
    times.sort();
    rows.push([
        "set one answer (1000 calls)".into(),
        format!("median {}, p99 {}", ms(times[500]), ms(times[990])),
        "-".into(),
        "each call fsyncs (WAL, synchronous=FULL)".into(),
    ]);

    // 2. The evidence file, then the baseline: cp + sha256sum of the same file.
    let file = dir.path().join("evidence.bin");
    write_file(&file, mib << 20);
    sync();
    let copy = dir.path().join("copy.bin");
    let t = Instant::now();
    let cp_rss = time_v(&["cp", file.to_str().unwrap(), copy.to_str().unwrap()]);
    let cp_alone = t.elapsed();
    let sum_rss = time_v(&["sha256sum", copy.to_str().unwrap()]);
    let baseline = t.elapsed();
    let sync_t = Instant::now();
    time_v(&["sync", copy.to_str().unwrap()]);
    let baseline_synced = baseline + sync_t.elapsed();
    rows.push([
        format!("cp + sha256sum, {mib} MiB"),
        secs(baseline),
        format!("{} MiB", cp_rss.max(sum_rss) / 1024),
        "baseline; the copy is not fsynced".into(),
    ]);
    rows.push([
        format!("cp alone, {mib} MiB"),
        secs(cp_alone),
        format!("{} MiB", cp_rss / 1024),
        "for scale: no hash, nothing fsynced".into(),
    ]);
    rows.push([
        format!("cp + sha256sum + sync FILE, {mib} MiB"),
        secs(baseline_synced),
        "-".into(),
        "baseline with the copy on disk, as attach guarantees".into(),
    ]);
    std::fs::remove_file(&copy).unwrap();
    sync();

    // 3. Attach the same file, in a child process so its peak RSS is its own.
    let evidence_draft = dir.path().join("evidence.scal");
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--child-attach",
            evidence_draft.to_str().unwrap(),
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8(out.stdout).unwrap();
    let mut fields = report.split_whitespace();
    let attach = Duration::from_secs_f64(fields.next().unwrap().parse().unwrap());
    let hwm_kib: u64 = fields.next().unwrap().parse().unwrap();
    let again = Duration::from_secs_f64(fields.next().unwrap().parse().unwrap());
    rows.push([
        format!("attach, {mib} MiB"),
        secs(attach),
        format!("{} MiB", hwm_kib / 1024),
        format!(
            "{:.2}x cp + sha256sum, {:.2}x with sync; goal <= 1.5x, < 128 MiB",
            attach.as_secs_f64() / baseline.as_secs_f64(),
            attach.as_secs_f64() / baseline_synced.as_secs_f64()
        ),
    ]);

    rows.push([
        format!("attach the same {mib} MiB to a second item"),
        secs(again),
        "-".into(),
        "content already stored: hashed, linked, not written again".into(),
    ]);

    // 4. Open the draft that now holds the evidence.
    let mut opens = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let d = Draft::open(&evidence_draft).unwrap();
        let links = d.evidence().unwrap().len();
        opens.push(t.elapsed());
        assert_eq!(links, 2);
    }
    opens.sort();
    rows.push([
        format!("open a draft holding {mib} MiB of evidence"),
        format!("median {}", ms(opens[5])),
        "-".into(),
        "open + list evidence".into(),
    ]);

    // 5. Stream it back out (to a file, not fsynced), checking the hash on the way.
    let d = Draft::open_read_only(&evidence_draft).unwrap();
    let sha = d.evidence().unwrap()[0].file.sha256.clone();
    let out_path = dir.path().join("extracted.bin");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&out_path).unwrap());
    let t = Instant::now();
    d.extract(&sha, &mut out).unwrap();
    out.flush().unwrap();
    let extract = t.elapsed();
    drop(d);
    rows.push([
        format!("extract, {mib} MiB"),
        secs(extract),
        "-".into(),
        "verifies SHA-256 while streaming".into(),
    ]);
    let draft_size = std::fs::metadata(&evidence_draft).unwrap().len();
    rows.push([
        "draft file size".into(),
        format!("{:.1} MiB", draft_size as f64 / 1048576.0),
        "-".into(),
        format!(
            "{:.2}% over the evidence",
            (draft_size as f64 / (mib << 20) as f64 - 1.0) * 100.0
        ),
    ]);

    println!("| measure | time | peak RSS | note |");
    println!("|---|---|---|---|");
    for [a, b, c, d] in rows {
        println!("| {a} | {b} | {c} | {d} |");
    }
}

fn child_attach(draft: &Path, file: &Path) {
    let mut d = Draft::create(draft, TEMPLATE, "bench").unwrap();
    let t = Instant::now();
    d.attach("report", file, "bench", &mut |_, _| {}).unwrap();
    let elapsed = t.elapsed();
    let t = Instant::now();
    d.attach("name", file, "bench", &mut |_, _| {}).unwrap();
    let again = t.elapsed();
    drop(d);
    println!(
        "{} {} {}",
        elapsed.as_secs_f64(),
        vm_hwm_kib(),
        again.as_secs_f64()
    );
}

/// Peak resident set of this process, from /proc/self/status (Linux).
fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Runs a command under `/usr/bin/time -f %M` and returns its peak RSS in KiB.
fn time_v(cmd: &[&str]) -> u64 {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .args(cmd)
        .stdout(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0)
}

fn sync() {
    let _ = Command::new("sync").status();
}

/// Generated, incompressible-looking content, written 1 MiB at a time.
fn write_file(path: &Path, len: u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut block = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        for word in block.chunks_exact_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            word.copy_from_slice(&x.to_le_bytes());
        }
        let take = left.min(block.len() as u64) as usize;
        f.write_all(&block[..take]).unwrap();
        left -= take as u64;
    }
    f.flush().unwrap();
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}
