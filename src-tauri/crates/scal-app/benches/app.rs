//! The layer's own operations, as the app calls them, printed as a markdown table beside the
//! floor this disk sets: one byte written and fsynced in the same folder.
//!
//! `cargo bench -p scal-app --bench app` (release). `SCAL_BENCH_DIR` sets the folder to work
//! in (default: the system temp folder); `SCAL_BENCH_SAVES` the saves per draft (default 1000);
//! `SCAL_BENCH_WORKBOOK` the real SCAL v2.0 workbook (default
//! `/work/shared/reference/SCAL_vsn2.0.xlsx`), imported here with `scal_workbook::import_bytes`
//! (never copied anywhere but into the bench's own draft).
//!
//! Rows:
//! - fsync floor: 1 byte written + `fsync`, in the bench folder (p50, p99 of 1000);
//! - save one answer through `scal_app::ops::answer` (the store's write, `synchronous=FULL`,
//!   then the after-write summary from one read of the answers), on the real SCAL v2.0 import
//!   and on a generated 5,000-requirement draft: p50, p99, with the floor beside;
//! - the same save split: the durable write alone (`Draft::apply`), the summary alone
//!   (`scal_app::summary::read`) and, inside it, one read of every answer (`Draft::answers`);
//! - open the real-workbook draft as the app does (`scal_app::open::open_as_asked`, then
//!   `scal_app::summary::read`: template, answers, report).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "a benchmark: a failure should stop it loudly"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use scal_core::template::ItemKind;
use scal_core::Value;
use scal_store::{AnswerChange, Draft};

/// The allocator both faces use (scal-cli and the shell), so these figures are theirs.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let saves = env_num("SCAL_BENCH_SAVES", 1000).max(100);
    let base = std::env::var_os("SCAL_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&base).unwrap();
    let dir = tempfile::tempdir_in(base).unwrap();
    let workbook = std::env::var_os("SCAL_BENCH_WORKBOOK")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/reference/SCAL_vsn2.0.xlsx"));
    let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let mut rows: Vec<[String; 4]> = Vec::new();

    let floor = fsync_floor(dir.path(), 1000);
    let floor_text = format!("fsync floor p50 {}, p99 {}", ms(floor.0), ms(floor.1));
    rows.push([
        "fsync floor (1 byte written + fsync, same folder)".into(),
        format!("p50 {}, p99 {}", ms(floor.0), ms(floor.1)),
        "-".into(),
        "1000 writes; what any durable save costs on this disk".into(),
    ]);

    // The real SCAL v2.0, imported as the app imports it.
    let bytes = std::fs::read(&workbook)
        .unwrap_or_else(|e| panic!("{}: {e} (set SCAL_BENCH_WORKBOOK)", workbook.display()));
    let file_name = workbook.file_name().unwrap().to_string_lossy().into_owned();
    let imported = scal_workbook::import_bytes(&bytes, &file_name).unwrap();
    let real_items = imported.template.items().count();
    let template = scal_app::source::TemplateText {
        json: imported.json.clone().into(),
        title: imported.template.title.clone(),
        described: file_name.clone(),
        workbook: Some((file_name.clone(), bytes)),
    };
    let real_path = dir.path().join("scal-v2.scal");
    let mut real = scal_app::open::create(&real_path, &template, "bench").unwrap();
    let answered = answer_everything(&mut real);
    let target = first_text_item(&real);
    eprintln!("bench: SCAL v2.0 imported, {real_items} items, {answered} answered");
    bench_saves(
        &mut rows,
        &mut real,
        &format!("SCAL v2.0 import ({real_items} items)"),
        &target,
        saves,
        today,
        &floor_text,
    );
    drop(real);

    // Open it as the app does: the layer's open, then template, answers and report.
    let mut opens = Vec::new();
    let mut asked = 0;
    for _ in 0..50 {
        let t = Instant::now();
        let opened = scal_app::open::open_as_asked(&real_path, false).unwrap();
        let summary = scal_app::summary::read(&opened.draft, today).unwrap();
        opens.push(t.elapsed());
        asked = summary.report.needs.len();
        drop(opened);
    }
    opens.sort();
    rows.push([
        format!("open the SCAL v2.0 draft as the app does ({real_items} items)"),
        format!(
            "median {}, worst {}",
            ms(opens[opens.len() / 2]),
            ms(opens[opens.len() - 1])
        ),
        "-".into(),
        format!(
            "open_as_asked + summary::read (template, answers, report; {asked} items asked), 50 opens; goal < 100 ms"
        ),
    ]);

    // A generated draft of 5,000 requirements, every one answered.
    let big_path = dir.path().join("big.scal");
    let mut big = big_draft(&big_path, 5000);
    bench_saves(
        &mut rows,
        &mut big,
        "5,000 requirements",
        "supplier-name",
        saves,
        today,
        &floor_text,
    );
    drop(big);

    println!("| measure | time | memory | note |");
    println!("|---|---:|---:|---|");
    for r in &rows {
        println!("| {} |", r.join(" | "));
    }
}

/// `saves` saves through `scal_app::ops::answer`, then the same write and summary timed apart.
fn bench_saves(
    rows: &mut Vec<[String; 4]>,
    draft: &mut Draft,
    what: &str,
    item: &str,
    saves: usize,
    today: NaiveDate,
    floor: &str,
) {
    // Warm up (statement caches, pages), as an app that has the draft open would be.
    for i in 0..10 {
        scal_app::ops::answer(draft, item, text(&format!("Warm {i}")), "bench", today).unwrap();
    }
    let mut times = Vec::with_capacity(saves);
    for i in 0..saves {
        let change = text(&format!("Acme {i}"));
        let t = Instant::now();
        let saved = scal_app::ops::answer(draft, item, change, "bench", today).unwrap();
        times.push(t.elapsed());
        assert!(saved.changed);
    }
    times.sort();
    let (p50, p99) = (times[saves / 2], times[saves * 99 / 100]);
    rows.push([
        format!("save one answer, {what}"),
        format!("p50 {}, p99 {}", ms(p50), ms(p99)),
        "-".into(),
        format!(
            "scal_app::ops::answer, {saves} saves, each fsynced; goal p99 < 5 ms: {}; {floor}",
            if p99 < Duration::from_millis(5) {
                "met"
            } else {
                "NOT met"
            }
        ),
    ]);

    // Where the time goes: the durable write, the summary, and its one read of the answers.
    let (mut write, mut summary, mut read) = (Vec::new(), Vec::new(), Vec::new());
    let mut check = Vec::new();
    let state = draft.state().unwrap();
    for i in 0..saves / 4 {
        let t = Instant::now();
        let report = scal_core::check(draft.template(), &state, today);
        check.push(t.elapsed());
        assert!(report.progress.total > 0);
        let change = text(&format!("Split {i}"));
        let t = Instant::now();
        draft.apply(&[(item.to_string(), change)], "bench").unwrap();
        write.push(t.elapsed());
        let t = Instant::now();
        let s = scal_app::summary::read(draft, today).unwrap();
        summary.push(t.elapsed());
        let t = Instant::now();
        let answers = draft.answers().unwrap();
        read.push(t.elapsed());
        assert_eq!(answers.len(), s.answers.len());
    }
    let med = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    rows.push([
        format!("  the same save split, {what}"),
        format!(
            "write {}, summary {} (one read of the answers: {}; the core's check: {})",
            ms(med(&mut write)),
            ms(med(&mut summary)),
            ms(med(&mut read)),
            ms(med(&mut check))
        ),
        "-".into(),
        format!(
            "medians of {}: Draft::apply (fsynced) / summary::read / Draft::answers / scal_core::check alone",
            saves / 4
        ),
    ]);
}

fn text(s: &str) -> AnswerChange {
    AnswerChange::set(Value::One(s.to_string()))
}

/// The first free-text item (the supplier's name in the SCAL), where any text is an answer.
fn first_text_item(draft: &Draft) -> String {
    draft
        .template()
        .items()
        .find(|(_, i)| matches!(i.kind, ItemKind::Text | ItemKind::LongText))
        .map(|(_, i)| i.id.clone())
        .expect("a text item")
}

/// Answers every item that takes an answer: text where text goes, the first option of a
/// choice; what the store refuses (a date rule, a guidance row) is left unanswered. Returns
/// how many were answered.
fn answer_everything(draft: &mut Draft) -> usize {
    let mut changes = Vec::new();
    for (_, item) in draft.template().items() {
        let value = match &item.kind {
            ItemKind::Text | ItemKind::LongText => Some("Acme Health Ltd".to_string()),
            ItemKind::Email => Some("bench@example.org".to_string()),
            ItemKind::Version => Some("1.0".to_string()),
            ItemKind::Date { .. } => Some("2026-05-01".to_string()),
            ItemKind::YesNo { .. } => Some("Yes".to_string()),
            ItemKind::Choice { options, .. }
            | ItemKind::MultiChoice { options, .. }
            | ItemKind::Declaration { options, .. } => options.first().cloned(),
            _ => serde_json::to_value(&item.kind)
                .ok()
                .and_then(|v| v.get("options")?.get(0)?.as_str().map(str::to_string)),
        };
        if let Some(v) = value {
            changes.push((
                item.id.clone(),
                AnswerChange {
                    value: Some(Some(Value::One(v))),
                    comment: Some("Bench comment".to_string()),
                },
            ));
        }
    }
    let mut answered = 0;
    for change in changes {
        if draft.apply(std::slice::from_ref(&change), "bench").is_ok() {
            answered += 1;
        }
    }
    answered
}

/// The draft of scal-export's bench: one form section, one service of `n` requirements, every
/// one answered (Yes, No with a mitigation, Out of Scope with a reason).
fn big_draft(path: &Path, n: usize) -> Draft {
    let mut items = Vec::new();
    let mut changes = Vec::new();
    for i in 0..n {
        let id = format!("REQ-{i:05}");
        items.push(serde_json::json!({
            "id": id, "label": format!("Requirement item {i}"),
            "text": format!("Requirement {i}: the consumer system MUST send the appointment request with a valid JWT bearer token, echo the correlation id, and handle 422 and 409 responses as the standard describes."),
            "type": "requirement", "reference": id, "category": "Booking",
            "level": if i % 4 == 0 { "SHOULD" } else { "MUST" },
            "how_assessed": "Evidence: run the tests in the conformance pack", "actioned_by": "Supplier"
        }));
        let (answer, comment) = match i % 3 {
            0 => ("Yes", String::new()),
            1 => (
                "No",
                format!("Mitigation {i}: change request CR-{i} raised."),
            ),
            _ => (
                "Out of Scope",
                "The product does not cancel appointments.".to_string(),
            ),
        };
        changes.push((
            id,
            AnswerChange {
                value: Some(Some(Value::One(answer.into()))),
                comment: Some(comment),
            },
        ));
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
    changes.push(("product-name".into(), text("Acme Booking")));
    draft.apply(&changes, "bench").unwrap();
    draft
}

/// p50 and p99 of writing one byte and fsyncing it, `n` times, in `dir`.
fn fsync_floor(dir: &Path, n: usize) -> (Duration, Duration) {
    let path = dir.join("fsync-floor.bin");
    let mut f = std::fs::File::create(&path).unwrap();
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f.write_all(b"x").unwrap();
        f.sync_all().unwrap();
        times.push(t.elapsed());
    }
    drop(f);
    std::fs::remove_file(&path).unwrap();
    times.sort();
    (times[n / 2], times[n * 99 / 100])
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
