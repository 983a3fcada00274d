//! Native dialogs and the system viewer, with the test seam WebDriver needs.
//!
//! WebDriver cannot drive a native file dialog, so when `SCAL_TEST_DIALOGS` names a file, every
//! dialog is answered from it instead: each dialog takes (and removes) the first line, a path;
//! no line, or an empty one, means the user cancelled. In the same mode, opening a file with
//! the system viewer or showing it in the file manager is not done but appended to
//! `<that file>.opened`, so a test can see what would have been opened.
//! Nothing else changes in test mode.

use std::io::Write;
use std::path::{Path, PathBuf};

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use crate::dto::CmdError;

pub const TEST_DIALOGS_ENV: &str = "SCAL_TEST_DIALOGS";

#[derive(Debug, Clone, Copy)]
pub enum Dialog<'a> {
    /// Choose an existing file, with a filter (name, extensions).
    OpenFile {
        title: &'a str,
        filter: Option<(&'a str, &'a [&'a str])>,
    },
    /// Choose where to save a new file.
    SaveFile {
        title: &'a str,
        file_name: &'a str,
        filter: (&'a str, &'a [&'a str]),
    },
    /// Choose a folder.
    Folder { title: &'a str },
}

fn test_file() -> Option<PathBuf> {
    std::env::var_os(TEST_DIALOGS_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Shows a dialog (blocking: call from a command, never the main thread) and returns the path
/// chosen, or `None` when cancelled.
pub fn ask<R: Runtime>(
    app: &AppHandle<R>,
    dialog: Dialog<'_>,
) -> Result<Option<PathBuf>, CmdError> {
    if let Some(file) = test_file() {
        return pop_line(&file);
    }
    let builder = app.dialog().file();
    let picked = match dialog {
        Dialog::OpenFile { title, filter } => {
            let b = builder.set_title(title);
            let b = match filter {
                Some((name, ext)) => b.add_filter(name, ext),
                None => b,
            };
            b.blocking_pick_file()
        }
        Dialog::SaveFile {
            title,
            file_name,
            filter,
        } => builder
            .set_title(title)
            .set_file_name(file_name)
            .add_filter(filter.0, filter.1)
            .blocking_save_file(),
        Dialog::Folder { title } => builder.set_title(title).blocking_pick_folder(),
    };
    picked
        .map(|p| {
            p.into_path().map_err(|e| {
                CmdError::new(format!(
                    "The location chosen cannot be used as a file path ({e})."
                ))
            })
        })
        .transpose()
}

fn pop_line(file: &Path) -> Result<Option<PathBuf>, CmdError> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let mut lines = text.lines();
    let first = lines.next().map(str::trim).unwrap_or("");
    let rest: Vec<&str> = lines.collect();
    scal_store::fsutil::write_atomic(file, rest.join("\n").as_bytes()).map_err(|e| {
        CmdError::new(format!(
            "Could not update the test dialog file {}: {e}.",
            file.display()
        ))
    })?;
    Ok((!first.is_empty()).then(|| PathBuf::from(first)))
}

/// Opens a file with the system's viewer for its type.
pub fn open_with_system<R: Runtime>(app: &AppHandle<R>, path: &Path) -> Result<(), CmdError> {
    if let Some(file) = test_file() {
        return record_opened(&file, "open", path);
    }
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| {
            CmdError::new(format!(
                "Could not open {} with the system viewer: {e}.",
                path.display()
            ))
        })
}

/// Shows a file (selected) in the system's file manager.
pub fn show_in_folder<R: Runtime>(app: &AppHandle<R>, path: &Path) -> Result<(), CmdError> {
    if let Some(file) = test_file() {
        return record_opened(&file, "reveal", path);
    }
    app.opener().reveal_item_in_dir(path).map_err(|e| {
        CmdError::new(format!(
            "Could not show {} in its folder: {e}.",
            path.display()
        ))
    })
}

fn record_opened(file: &Path, what: &str, path: &Path) -> Result<(), CmdError> {
    let log = PathBuf::from(format!("{}.opened", file.display()));
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .and_then(|mut f| writeln!(f, "{what} {}", path.display()))
        .map_err(|e| CmdError::new(format!("Could not write {}: {e}.", log.display())))
}
