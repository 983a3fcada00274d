//! SCAL Workbench, the desktop app: a thin Tauri shell over the SCAL library crates.
//!
//! `scal-workbench [DRAFT.scal] [--read-only] [--sample]`
//!
//! Environment (for tests and locked-down machines):
//! - `SCAL_DATA_DIR`: where the app keeps its recent-drafts list, the sample draft and evidence
//!   written out for viewing, instead of the user's app data folder.
//! - `SCAL_TEST_DIALOGS`: answer native dialogs from a file instead of showing them (see seam.rs).

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// mimalloc rather than the system allocator: a save's summary (report, needs, issues) makes
/// and frees thousands of small strings on a large draft, at about 2/3 the cost (the layer's
/// bench uses the same allocator, so its figures are this binary's).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod commands;
mod dto;
mod error;
mod export;
mod import;
mod recent;
mod review;

mod seam;
mod state;
mod versions;
mod views;

use std::path::PathBuf;
use std::process::ExitCode;

use tauri::{DragDropEvent, Emitter, Manager, WindowEvent};

use recent::DataDir;
use state::{AppState, Launch};

const USAGE: &str = "usage: scal-workbench [DRAFT.scal] [--read-only] [--sample]";

/// Reads the command line: an optional draft to open, `--read-only`, `--sample`.
fn parse_args(args: impl Iterator<Item = std::ffi::OsString>) -> Result<Option<Launch>, String> {
    let (mut path, mut read_only, mut sample) = (None, false, false);
    for arg in args {
        match arg.to_str() {
            Some("--read-only") => read_only = true,
            Some("--sample") => sample = true,
            Some("--help" | "-h") => return Err(USAGE.to_string()),
            Some(s) if s.starts_with('-') => return Err(format!("unknown option {s}\n{USAGE}")),
            _ if path.is_some() => {
                return Err(format!("only one draft can be opened at a time\n{USAGE}"))
            }
            _ => path = Some(PathBuf::from(arg)),
        }
    }
    Ok(match (path, sample) {
        (Some(_), true) => return Err(format!("give a draft or --sample, not both\n{USAGE}")),
        (Some(path), false) => Some(Launch::Draft {
            path: std::path::absolute(&path).unwrap_or(path),
            read_only,
        }),
        (None, true) => Some(Launch::Sample),
        (None, false) => None,
    })
}

fn main() -> ExitCode {
    let launch = match parse_args(std::env::args_os().skip(1)) {
        Ok(l) => l,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(AppState::new(launch))
        .setup(|app| {
            let dir = match std::env::var_os(recent::DATA_DIR_ENV).filter(|v| !v.is_empty()) {
                Some(dir) => PathBuf::from(dir),
                None => app.path().app_data_dir()?,
            };
            app.manage(DataDir(dir));
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::DragDrop(drop) = event {
                on_drag_drop(window, drop);
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::start_info,
            commands::forget_recent,
            commands::launch_draft,
            commands::new_draft,
            commands::open_draft_dialog,
            commands::open_recent,
            commands::create_sample,
            commands::close_draft,
            commands::refresh,
            commands::set_answer,
            commands::set_section_status,
            commands::attach_dialog,
            commands::attach_dropped,
            commands::unlink_evidence,
            commands::set_evidence_dates,
            commands::dos_report,
            commands::open_evidence,
            commands::history,
            commands::choose_export_folder,
            commands::export_draft,
            commands::show_in_folder,
            commands::snapshots,
            commands::take_snapshot,
            commands::restore_snapshot,
            commands::diff,
            commands::review_state,
            commands::add_review_comment,
            commands::resolve_review_comment,
            commands::review_import_dialog,
            commands::accept_proposed,
            commands::sign_off,
            commands::confirm_item,
            commands::restore_archived,
            commands::upgrade_plan,
            commands::upgrade_apply,
            commands::copy_choose,
            commands::copy_preview,
            commands::copy_apply,
            commands::import_workbook_dialog,
            commands::import_again,
            commands::import_sheet_preview,
            commands::create_from_import,
            commands::cancel_import,
        ])
        .run(context());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("SCAL Workbench could not start: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The app's configuration and embedded UI, generated at compile time from tauri.conf.json.
#[allow(
    clippy::disallowed_methods,
    reason = "tauri::generate_context! expands to code that calls std::process::exit"
)]
fn context() -> tauri::Context {
    tauri::generate_context!()
}

/// Files dragged over or dropped on the window. Dropped paths are granted for attaching, then
/// the UI is told where (in CSS pixels) so it can find the item under the pointer.
fn on_drag_drop(window: &tauri::Window, event: &DragDropEvent) {
    let scale = window.scale_factor().unwrap_or(1.0);
    let _ = match event {
        DragDropEvent::Drop { paths, position } => {
            let state = window.state::<AppState>();
            for p in paths {
                state.grant(p);
            }
            let pos = position.to_logical::<f64>(scale);
            window.emit(
                "files-dropped",
                serde_json::json!({ "paths": paths, "x": pos.x, "y": pos.y }),
            )
        }
        DragDropEvent::Enter { position, .. } | DragDropEvent::Over { position } => {
            let pos = position.to_logical::<f64>(scale);
            window.emit("files-hover", serde_json::json!({ "x": pos.x, "y": pos.y }))
        }
        DragDropEvent::Leave => window.emit("files-hover", serde_json::Value::Null),
        _ => Ok(()),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Option<Launch>, String> {
        parse_args(list.iter().map(std::ffi::OsString::from))
    }

    #[test]
    fn the_command_line_names_a_draft_or_the_sample() {
        assert_eq!(args(&[]).unwrap(), None);
        assert_eq!(args(&["--sample"]).unwrap(), Some(Launch::Sample));
        match args(&["/tmp/x.scal", "--read-only"]).unwrap() {
            Some(Launch::Draft { path, read_only }) => {
                assert_eq!(path, PathBuf::from("/tmp/x.scal"));
                assert!(read_only);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(args(&["--frobnicate"])
            .unwrap_err()
            .contains("unknown option --frobnicate"));
        assert!(args(&["a.scal", "b.scal"])
            .unwrap_err()
            .contains("one draft"));
        assert!(args(&["a.scal", "--sample"])
            .unwrap_err()
            .contains("not both"));
    }
}
