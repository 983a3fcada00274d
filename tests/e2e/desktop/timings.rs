//! Figures printed, not asserted (a busy machine must not fail a build): launch to an
//! interactive start screen, and the answer save round-trip on a draft with a 2,000-row
//! requirements section. What is asserted is behaviour: the big section renders only a window
//! of rows, and the answers saved are there.

use serde_json::{json, Value};

use super::driver::{App, Display, Env};
use super::*;

/// The UEC template with its first requirements table grown to `rows` rows.
fn big_template(rows: usize) -> (Value, String, Vec<String>) {
    let mut t = uec_template();
    t["id"] = json!("uec-big");
    t["title"] = json!("UEC Appointment Booking (2,000 rows)");
    let sections = t["sections"].as_array_mut().unwrap();
    let service = sections
        .iter_mut()
        .find(|s| s["kind"] == "service")
        .unwrap();
    let section_id = service["id"].as_str().unwrap().to_string();
    // Asked whatever the services grid says, so the test goes straight to it.
    service.as_object_mut().unwrap().remove("visible_when");
    let items = service["items"].as_array_mut().unwrap();
    let pattern = items
        .iter()
        .find(|i| i["type"] == "requirement" && i["level"] == "MUST")
        .unwrap()
        .clone();
    items.retain(|i| i["type"] != "requirement");
    let mut ids = Vec::new();
    for n in 0..rows {
        let mut r = pattern.clone();
        let id = format!("BIG-{n:04}");
        r["id"] = json!(id);
        r["reference"] = json!(id);
        r["assessment"] = json!("supplier_declared");
        r["label"] = json!(format!("Generated requirement {n}"));
        items.push(r);
        ids.push(id);
    }
    (t, section_id, ids)
}

fn stats(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.95))
}

#[test]
fn desktop_big_draft_renders_a_window_of_rows_and_prints_save_timings() {
    let _one = one_window();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("app-data");
    let dialogs = tmp.path().join("dialogs.txt");
    let (template, section, ids) = big_template(2000);
    let template_file = tmp.path().join("big-template.json");
    write_file(
        &template_file,
        serde_json::to_string(&template).unwrap().as_bytes(),
    );
    let draft = tmp.path().join("big.scal");
    let display = Display::start();
    let app = App::launch(&Env {
        display: &display,
        data_dir: &data,
        dialogs: &dialogs,
    });
    let launch = app.launch_to_interactive;

    answer_dialogs(&dialogs, &[&template_file, &draft]);
    app.click(&tid("new-from-file"));
    app.wait_for_text(&tid("draft-title"), "2,000 rows");
    app.click(&tid(&format!("nav-{section}")));
    app.find("[data-testid=item-list] [data-item-id]");
    let rendered = app.find_all("[data-item-id]").len();
    assert!(
        rendered < 60,
        "a 2,000-row section renders only what is visible, not {rendered} rows"
    );

    // Scroll through the table: each position shows its rows, still only a window of them.
    for frac in [0.25, 0.5, 0.999] {
        app.script(
            "const v = document.querySelector('[data-testid=item-list]'); v.scrollTop = v.scrollHeight * arguments[0]; v.dispatchEvent(new Event('scroll'));",
            json!([frac]),
        );
        app.wait_until("rows at the new scroll position", |a| {
            let shown = a.find_all("[data-item-id^=\"BIG-\"]").len();
            shown > 0 && shown < 60 && !a.exists("[data-item-id=\"BIG-0000\"]")
        });
    }
    app.wait_until("the last row to be rendered at the bottom", |a| {
        a.exists("[data-item-id=\"BIG-1999\"]")
    });

    // Save round-trip through the UI: choose an answer, wait for the top bar to say "Saved".
    let ui_ms: Vec<f64> = (0..40)
        .map(|n| {
            let row = &ids[1999 - (n % 6)];
            let value = if n % 2 == 0 { "Yes" } else { "Out of Scope" };
            let ms = app.script_async(
                r#"const [id, value, done] = arguments;
                   const sel = document.querySelector(`[data-testid="answer-${id}"]`);
                   const status = document.querySelector('[data-testid=save-status]');
                   const t0 = performance.now();
                   sel.value = value;
                   sel.dispatchEvent(new Event('change', {bubbles: true}));
                   const poll = () => status.textContent.trim().startsWith('Saved') && sel.value === value
                     ? done(performance.now() - t0) : requestAnimationFrame(poll);
                   requestAnimationFrame(poll);"#,
                json!([row, value]),
            );
            ms.as_f64().unwrap()
        })
        .collect();
    // The same through the command alone (IPC, SQLite commit, completeness check).
    let ipc_ms: Vec<f64> = (0..60)
        .map(|n| {
            let ms = app.script_async(
                r#"const [id, value, done] = arguments;
                   const t0 = performance.now();
                   window.__TAURI_INTERNALS__.invoke('set_answer', {item: id, value, comment: ''})
                     .then(() => done(performance.now() - t0), e => done(-1));"#,
                json!([ids[n * 30], if n % 2 == 0 { "Yes" } else { "No" }]),
            );
            let ms = ms.as_f64().unwrap();
            assert!(ms >= 0.0, "set_answer failed for {}", ids[n * 30]);
            ms
        })
        .collect();
    let (ui_med, ui_p95) = stats(ui_ms);
    let (ipc_med, ipc_p95) = stats(ipc_ms);
    println!();
    println!("| desktop measurement (2,000-row draft)            | median   | p95      |");
    println!("|--------------------------------------------------|----------|----------|");
    println!(
        "| launch to interactive start screen               | {:>6.0} ms |          |",
        launch.as_secs_f64() * 1000.0
    );
    println!("| answer save, UI change to \"Saved\" (40 saves)     | {ui_med:>6.1} ms | {ui_p95:>6.1} ms |");
    println!("| answer save, set_answer command only (60 saves)  | {ipc_med:>6.1} ms | {ipc_p95:>6.1} ms |");
    println!("| rows rendered of 2,000                           | {rendered:>8} |          |");
    drop(app);

    // What was saved is in the file: reopen and look.
    let app = App::launch(&Env {
        display: &display,
        data_dir: &data,
        dialogs: &dialogs,
    });
    app.click(&format!("{} button.title", tid("recent-drafts")));
    app.wait_for_text(&tid("draft-title"), "2,000 rows");
    app.type_into(&tid("search"), "BIG-0030");
    assert_eq!(app.value(&tid("answer-BIG-0030")), "No");
}
