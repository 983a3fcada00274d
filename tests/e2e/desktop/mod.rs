//! Tests of the real desktop window through tauri-driver: the `scal-workbench` binary in a real
//! WebKitGTK window under Xvfb, isolated from the user's data (`SCAL_DATA_DIR`), with native
//! dialogs answered through the app's documented test seam (`SCAL_TEST_DIALOGS`).
//!
//! Needs: Xvfb, tauri-driver, WebKitWebDriver (see scripts/setup.sh). Without them the tests
//! fail, saying what to install.

// Xvfb, WebKitWebDriver and process groups: the desktop tests are for Linux (CI) machines.
#![cfg(unix)]

mod dates;
mod driver;
mod import;
mod journey;
mod review;
mod review_loop;
mod timings;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value;

/// One window at a time: the machine has two cores, and each test drives a whole app.
static ONE_WINDOW: Mutex<()> = Mutex::new(());

fn one_window() -> std::sync::MutexGuard<'static, ()> {
    ONE_WINDOW
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write_file(path: &Path, bytes: &[u8]) {
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(bytes).unwrap();
    f.sync_all().unwrap();
}

/// Queues the answers the next native dialogs will give (one path per dialog).
fn answer_dialogs(dialogs: &Path, paths: &[&Path]) {
    let text: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    write_file(dialogs, text.join("\n").as_bytes());
}

/// Where screenshots for the README go.
fn image(name: &str) -> PathBuf {
    driver::repo_root().join("docs/images").join(name)
}

/// The bundled UEC template, read from the repository, so the test follows its items.
fn uec_template() -> Value {
    let path = driver::repo_root().join("schemas/templates/uec-appointment-booking.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// A CSS selector for an element by its `data-testid`.
fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}
