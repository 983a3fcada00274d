//! Export speed and memory, beside the tools a supplier would otherwise use:
//!
//! - the workbook of a draft with 5,000 requirements, beside Python's XlsxWriter writing the
//!   same rows (same columns, formats, dropdowns, red-comment rule, protection);
//! - the PDF summary of that draft, beside LibreOffice converting that workbook to PDF;
//! - a pack of 1 GiB of evidence, beside `zip -0` of the same files.
//!
//! Each measured step runs as its own process under `/usr/bin/time -v`, so its peak memory is
//! its own. Tools that are missing are reported as such (scripts/bench-export.sh installs them).
//! Sizes: SCAL_BENCH_REQUIREMENTS (5000), SCAL_BENCH_EVIDENCE_MIB (1024),
//! SCAL_BENCH_EVIDENCE_FILES (8), SCAL_BENCH_RUNS (3, median taken), SCAL_BENCH_DIR (a
//! temporary folder).
//!
//! Run: `cargo bench -p scal-export --bench export` (or scripts/bench-export.sh).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "a benchmark: it prints its table and stops on any failure"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use scal_export::{export, ExportOptions};
use scal_store::{AnswerChange, Draft};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The allocator both faces use (scal-cli and the shell), so these figures are theirs.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.first().map(String::as_str) == Some("child") {
        child(&args[1..]);
        return;
    }
    let requirements = env_num("SCAL_BENCH_REQUIREMENTS", 5000);
    let evidence_mib = env_num("SCAL_BENCH_EVIDENCE_MIB", 1024);
    let evidence_files = env_num("SCAL_BENCH_EVIDENCE_FILES", 8).max(1);
    let runs = env_num("SCAL_BENCH_RUNS", 3).max(1);
    let keep;
    let root = match std::env::var_os("SCAL_BENCH_DIR") {
        Some(d) => PathBuf::from(d),
        None => {
            keep = tempfile::tempdir().unwrap();
            keep.path().to_path_buf()
        }
    };
    std::fs::create_dir_all(&root).unwrap();
    let has_time = Path::new("/usr/bin/time").exists();
    eprintln!("bench: working in {}", root.display());

    // 1. The large draft, and the same rows for XlsxWriter.
    let big = root.join("big.scal");
    let _ = std::fs::remove_file(&big);
    let rows = build_big_draft(&big, requirements);
    let rows_json = root.join("rows.json");
    std::fs::File::create(&rows_json)
        .unwrap()
        .write_all(serde_json::to_string(&rows).unwrap().as_bytes())
        .unwrap();

    let mut table: Vec<[String; 5]> = Vec::new();
    let ours_xlsx = measure(
        runs,
        has_time,
        &[exe(), "child", "xlsx", s(&big), s(&root.join("x"))],
    );
    let xlsxwriter_script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../scripts/bench_xlsxwriter.py");
    let py_out = root.join("xlsxwriter.xlsx");
    let theirs_xlsx = tool_available("python3", &["-c", "import xlsxwriter"]).then(|| {
        measure(
            runs,
            has_time,
            &["python3", s(&xlsxwriter_script), s(&rows_json), s(&py_out)],
        )
    });
    row(
        &mut table,
        &format!("workbook, {requirements} requirements"),
        &ours_xlsx,
        theirs_xlsx.as_ref(),
        "XlsxWriter (Python)",
        5.0,
    );

    let ours_pdf = measure(
        runs,
        has_time,
        &[exe(), "child", "pdf", s(&big), s(&root.join("p"))],
    );
    let soffice = ["soffice", "libreoffice"]
        .into_iter()
        .find(|t| tool_available(t, &["--version"]));
    let lo_out = root.join("lo");
    let workbook = root.join("x").join("big.xlsx");
    let theirs_pdf = soffice.map(|tool| {
        let profile = format!(
            "-env:UserInstallation=file://{}",
            root.join("lo-profile").display()
        );
        // One warm-up run creates LibreOffice's profile, as a user's own install would have.
        let warm = [
            tool,
            profile.as_str(),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            s(&lo_out),
            s(&workbook),
        ];
        let _ = Command::new(warm[0]).args(&warm[1..]).output();
        measure(1, has_time, &warm)
    });
    row(
        &mut table,
        &format!("PDF summary, {requirements} requirements"),
        &ours_pdf,
        theirs_pdf.as_ref(),
        "LibreOffice xlsx->PDF",
        10.0,
    );

    // 2. The pack: evidence files on disk, attached to a draft, packed; zip -0 of the same files.
    let files_dir = root.join("evidence");
    let ev_draft = root.join("evidence.scal");
    let _ = std::fs::remove_file(&ev_draft);
    let files = write_evidence(&files_dir, evidence_mib, evidence_files);
    attach_all(&ev_draft, &files);
    let ours_pack = measure(
        1,
        has_time,
        &[exe(), "child", "pack", s(&ev_draft), s(&root.join("k"))],
    );
    let zip_out = root.join("plain.zip");
    let theirs_pack = tool_available("zip", &["-v"]).then(|| {
        let _ = std::fs::remove_file(&zip_out);
        let mut cmd: Vec<&str> = vec!["zip", "-0", "-q", "-j", s(&zip_out)];
        cmd.extend(files.iter().map(|f| s(f)));
        measure(1, has_time, &cmd)
    });
    row(
        &mut table,
        &format!("pack, {evidence_mib} MiB evidence in {evidence_files} files"),
        &ours_pack,
        theirs_pack.as_ref(),
        "zip -0",
        1.0,
    );

    println!();
    println!("| step | SCAL Workbench | peak memory | compared with | time | peak memory | ratio (goal) |");
    println!("|---|---:|---:|---|---:|---:|---|");
    for r in &table {
        println!("| {} |", r.join(" | "));
    }
    println!();
    println!("Times are whole processes (start, open the draft or read the rows, write, exit); in brackets the write itself. Ratios compare whole processes.");
    println!("(median of {runs} run(s) for the workbook and XlsxWriter; one run each for the rest; load average at the end: {})", load_average());
}

struct Measured {
    wall: Duration,
    /// What the process reported as the time of the work itself (`call-seconds:` on stderr).
    call: Option<Duration>,
    peak_kib: Option<u64>,
}

/// Runs a command `runs` times (under /usr/bin/time -v when present); the median wall time and
/// the largest peak resident set seen.
fn measure(runs: u64, has_time: bool, cmd: &[&str]) -> Measured {
    let mut walls = Vec::new();
    let mut calls = Vec::new();
    let mut peak = None;
    for _ in 0..runs {
        let mut c = if has_time {
            let mut c = Command::new("/usr/bin/time");
            c.arg("-v").args(cmd);
            c
        } else {
            let mut c = Command::new(cmd[0]);
            c.args(&cmd[1..]);
            c
        };
        let started = Instant::now();
        let out = c.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        walls.push(started.elapsed());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{cmd:?} failed:\n{stderr}");
        if let Some(secs) = stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix("call-seconds: "))
            .and_then(|v| v.trim().parse::<f64>().ok())
        {
            calls.push(Duration::from_secs_f64(secs));
        }
        if let Some(kib) = stderr
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("Maximum resident set size (kbytes): ")
            })
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            peak = Some(peak.unwrap_or(0).max(kib));
        }
    }
    walls.sort();
    calls.sort();
    Measured {
        wall: walls[walls.len() / 2],
        call: calls.get(calls.len() / 2).copied(),
        peak_kib: peak,
    }
}

fn row(
    table: &mut Vec<[String; 5]>,
    step: &str,
    ours: &Measured,
    theirs: Option<&Measured>,
    tool: &str,
    goal: f64,
) {
    let mem = |m: &Measured| {
        m.peak_kib
            .map(|k| format!("{:.0} MiB", k as f64 / 1024.0))
            .unwrap_or_else(|| "n/a".into())
    };
    let secs = |d: Duration| format!("{:.2} s", d.as_secs_f64());
    let both = |m: &Measured| match m.call {
        Some(c) => format!("{} ({} in the call)", secs(m.wall), secs(c)),
        None => secs(m.wall),
    };
    let (their_time, their_mem, ratio) = match theirs {
        Some(t) => {
            let speedup = t.wall.as_secs_f64() / ours.wall.as_secs_f64();
            let verdict = if speedup >= goal { "met" } else { "NOT met" };
            let goal_text = if goal > 1.0 {
                format!("{speedup:.1}x faster (goal {goal:.0}x: {verdict})")
            } else {
                format!(
                    "{:.2}x its time (goal within {:.1}x: {verdict})",
                    1.0 / speedup,
                    1.0 / goal
                )
            };
            (both(t), mem(t), goal_text)
        }
        None => ("not installed".into(), String::new(), String::new()),
    };
    table.push([
        step.to_string(),
        format!("{} | {}", both(ours), mem(ours)),
        tool.to_string(),
        format!("{their_time} | {their_mem}"),
        ratio,
    ]);
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn tool_available(tool: &str, probe: &[&str]) -> bool {
    Command::new(tool)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn exe() -> &'static str {
    let path = std::env::current_exe().unwrap();
    Box::leak(path.to_string_lossy().into_owned().into_boxed_str())
}

fn s(p: &Path) -> &'static str {
    Box::leak(p.to_string_lossy().into_owned().into_boxed_str())
}

/// One measured export, in its own process: `child xlsx|pdf|pack DRAFT OUT`.
fn child(args: &[String]) {
    let (what, draft, out) = (&args[0], Path::new(&args[1]), Path::new(&args[2]));
    let options = ExportOptions {
        xlsx: what == "xlsx",
        pdf: what == "pdf",
        pack: what == "pack",
        ..ExportOptions::default()
    };
    let mut draft = Draft::open(draft).unwrap();
    let started = Instant::now();
    export(&mut draft, out, &options, &mut |_| {}).unwrap();
    // The parent reads this: the export call alone, without process start and opening the draft.
    eprintln!("call-seconds: {}", started.elapsed().as_secs_f64());
}

/// A template with one form section and one service section of `n` requirements; every item
/// answered. Returns the requirement rows as XlsxWriter will write them.
fn build_big_draft(path: &Path, n: u64) -> Vec<Vec<String>> {
    let mut items = Vec::new();
    let mut rows = Vec::new();
    let mut changes = Vec::new();
    for i in 0..n {
        let id = format!("REQ-{i:05}");
        let text = format!(
            "Requirement {i}: the consumer system MUST send the appointment request with a valid JWT bearer token, echo the correlation id, and handle 422 and 409 responses as the standard describes."
        );
        items.push(serde_json::json!({
            "id": id, "label": format!("Requirement item {i}"), "text": text, "type": "requirement",
            "reference": id, "category": "Booking", "level": if i % 4 == 0 { "SHOULD" } else { "MUST" },
            "how_assessed": "Evidence: run the tests in the conformance pack", "actioned_by": "Supplier"
        }));
        let (answer, comment) = match i % 3 {
            0 => ("Yes", String::new()),
            1 => ("No", format!("Mitigation {i}: the provider's own retry handles this; change request CR-{i} raised.")),
            _ => ("Out of Scope", "The product does not cancel appointments.".to_string()),
        };
        changes.push((
            id.clone(),
            AnswerChange {
                value: Some(Some(scal_core::Value::One(answer.into()))),
                comment: Some(comment.clone()),
            },
        ));
        rows.push(vec![
            id.clone(),
            "Booking".into(),
            format!("Requirement item {i}"),
            text,
            "Evidence: run the tests in the conformance pack".into(),
            if i % 4 == 0 { "SHOULD" } else { "MUST" }.into(),
            "Supplier".into(),
            answer.into(),
            comment,
            id,
        ]);
    }
    let template = serde_json::json!({
        "id": "bench", "version": "1.0.0", "title": "Benchmark SCAL", "publisher": "bench",
        "sections": [
            {"id": "org", "title": "Supplier & Product information", "kind": "form", "items": [
                {"id": "supplier-name", "label": "Supplier organisation name", "type": "text"},
                {"id": "product-name", "label": "Product name", "type": "text"}
            ]},
            {"id": "svc", "title": "Benchmark service", "kind": "service", "has_status": true, "items": items}
        ]
    });
    let mut draft = Draft::create(path, &template.to_string(), "bench").unwrap();
    changes.push((
        "supplier-name".into(),
        AnswerChange::set(scal_core::Value::One("Acme Health Ltd".into())),
    ));
    changes.push((
        "product-name".into(),
        AnswerChange::set(scal_core::Value::One("Acme Booking".into())),
    ));
    draft.apply(&changes, "bench").unwrap();
    rows
}

/// Incompressible files (xorshift output), as test reports and certificates mostly are.
fn write_evidence(dir: &Path, mib: u64, count: u64) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let per_file = mib * 1024 * 1024 / count;
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut files = Vec::new();
    let mut buf = vec![0u8; 1024 * 1024];
    for n in 0..count {
        let path = dir.join(format!("evidence-{n}.bin"));
        if std::fs::metadata(&path).is_ok_and(|m| m.len() == per_file) {
            files.push(path);
            continue;
        }
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut left = per_file;
        while left > 0 {
            for chunk in buf.chunks_mut(8) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
            }
            let take = left.min(buf.len() as u64) as usize;
            f.write_all(&buf[..take]).unwrap();
            left -= take as u64;
        }
        f.flush().unwrap();
        files.push(path);
    }
    files
}

fn attach_all(draft_path: &Path, files: &[PathBuf]) {
    let template = serde_json::json!({
        "id": "bench-pack", "version": "1.0.0", "title": "Benchmark pack", "publisher": "bench",
        "sections": [{"id": "svc", "title": "Service", "kind": "service", "items": [
            {"id": "tcr", "label": "Technical Conformance Report", "type": "evidence_slot"}
        ]}]
    });
    let mut draft = Draft::create(draft_path, &template.to_string(), "bench").unwrap();
    let slot = "tcr";
    let started = Instant::now();
    for f in files {
        draft.attach(slot, f, "bench", &mut |_, _| {}).unwrap();
    }
    eprintln!(
        "bench: attached {} files in {:.1} s (not measured below)",
        files.len(),
        started.elapsed().as_secs_f64()
    );
}
