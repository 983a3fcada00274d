//! The Tauri commands: each takes what the UI sends, calls the library crates, and maps the
//! answer to a DTO. No SCAL logic lives here.
//!
//! Every command is `async`, so it runs on Tauri's worker threads, never on the thread that
//! draws the window; long work (attaching, exporting) reports progress through a channel.

use std::path::{Path, PathBuf};

use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use scal_store::{AnswerChange, Draft};

use crate::dto::*;
use crate::error::CmdResult;
use crate::recent::DataDir;
use crate::seam::{self, Dialog};
use crate::state::{AppState, Launch, OpenDraft};
use crate::views;

const DRAFT_FILTER: (&str, &[&str]) = ("SCAL draft", &["scal"]);
const TEMPLATE_FILTER: (&str, &[&str]) = ("SCAL template", &["json"]);

#[tauri::command]
pub async fn start_info(data: State<'_, DataDir>) -> CmdResult<StartInfo> {
    Ok(views::start_info(&data))
}

#[tauri::command]
pub async fn forget_recent(data: State<'_, DataDir>, path: String) -> CmdResult<StartInfo> {
    data.forget(&path)?;
    Ok(views::start_info(&data))
}

/// The draft named on the command line, once (the UI asks when it has loaded).
#[tauri::command]
pub async fn launch_draft(
    state: State<'_, AppState>,
    data: State<'_, DataDir>,
) -> CmdResult<Option<DraftView>> {
    match state.take_launch() {
        None => Ok(None),
        Some(Launch::Sample) => views::open_sample(&state, &data).map(Some),
        Some(Launch::Draft { path, read_only }) => {
            state.grant(&path);
            open_path(&state, &data, &path, read_only).map(Some)
        }
    }
}

/// Creates a draft from a bundled template (`template_id`) or, when none is given, from a
/// template file the user picks; asks where to save it.
#[tauri::command(rename_all = "snake_case")]
pub async fn new_draft(
    app: AppHandle,
    state: State<'_, AppState>,
    data: State<'_, DataDir>,
    template_id: Option<String>,
) -> CmdResult<Option<DraftView>> {
    let (json, title) = match template_id {
        Some(id) => views::bundled_json(&id)?,
        None => {
            let Some(file) = seam::ask(
                &app,
                Dialog::OpenFile {
                    title: "Choose a SCAL template",
                    filter: Some(TEMPLATE_FILTER),
                },
            )?
            else {
                return Ok(None);
            };
            views::template_file_json(&file)?
        }
    };
    let suggested = format!("{title}.scal");
    let Some(path) = seam::ask(
        &app,
        Dialog::SaveFile {
            title: "Save the new draft as",
            file_name: &suggested,
            filter: DRAFT_FILTER,
        },
    )?
    else {
        return Ok(None);
    };
    let path = with_extension(path);
    state.grant(&path);
    state.replace(|| {
        let draft = Draft::create(&path, &json, &scal_store::default_author())?;
        Ok(OpenDraft {
            draft,
            read_only_reason: String::new(),
        })
    })?;
    state.with(|o| views::remember_and_view(&data, o)).map(Some)
}

/// Appends `.scal` when the name chosen has no extension.
fn with_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension("scal")
    }
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_draft_dialog(
    app: AppHandle,
    state: State<'_, AppState>,
    data: State<'_, DataDir>,
    read_only: bool,
) -> CmdResult<Option<DraftView>> {
    let title = if read_only {
        "Review a draft (read-only)"
    } else {
        "Open a draft"
    };
    let Some(path) = seam::ask(
        &app,
        Dialog::OpenFile {
            title,
            filter: Some(DRAFT_FILTER),
        },
    )?
    else {
        return Ok(None);
    };
    state.grant(&path);
    open_path(&state, &data, &path, read_only).map(Some)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_recent(
    state: State<'_, AppState>,
    data: State<'_, DataDir>,
    path: String,
    read_only: bool,
) -> CmdResult<DraftView> {
    let path = PathBuf::from(path);
    if !data.contains(&path) && !state.is_granted(&path) {
        return Err(CmdError::new(format!(
            "{} is not in the recent drafts list: open it with \"Open a draft…\".",
            path.display()
        )));
    }
    open_path(&state, &data, &path, read_only)
}

fn open_path(
    state: &AppState,
    data: &DataDir,
    path: &Path,
    read_only: bool,
) -> CmdResult<DraftView> {
    state.replace(|| {
        let (draft, read_only_reason) = if read_only {
            (
                Draft::open_read_only(path)?,
                "opened for review; nothing can be changed.".to_string(),
            )
        } else {
            (Draft::open(path)?, String::new())
        };
        Ok(OpenDraft {
            draft,
            read_only_reason,
        })
    })?;
    state.with(|o| views::remember_and_view(data, o))
}

#[tauri::command]
pub async fn create_sample(
    state: State<'_, AppState>,
    data: State<'_, DataDir>,
) -> CmdResult<DraftView> {
    views::open_sample(&state, &data)
}

#[tauri::command]
pub async fn close_draft(state: State<'_, AppState>, data: State<'_, DataDir>) -> CmdResult<()> {
    // Refresh the start screen's line for it (progress, last change) before letting go.
    let _ = state.with(|o| data.update(views::recent_entry(&o.draft)));
    state.close();
    Ok(())
}

#[tauri::command]
pub async fn refresh(state: State<'_, AppState>) -> CmdResult<DraftView> {
    state.with(|o| views::draft_view(o))
}

#[tauri::command]
pub async fn set_answer(
    state: State<'_, AppState>,
    item: String,
    value: Option<ValueDto>,
    comment: String,
) -> CmdResult<SaveResult> {
    state.with(|o| {
        let change = AnswerChange {
            value: Some(value.map(Into::into)),
            comment: Some(comment),
        };
        o.draft
            .set_answer(&item, change, &scal_store::default_author())?;
        views::save_result(&o.draft, &item)
    })
}

#[tauri::command]
pub async fn set_section_status(
    state: State<'_, AppState>,
    section: String,
    status: String,
) -> CmdResult<SectionStatusResult> {
    state.with(|o| {
        o.draft
            .set_section_status(&section, &status, &scal_store::default_author())?;
        views::section_status_result(&o.draft, &section)
    })
}

/// Asks for a file and links it to `item`.
#[tauri::command(rename_all = "snake_case")]
pub async fn attach_dialog(
    app: AppHandle,
    item: String,
    on_progress: Channel<ProgressEvent>,
) -> CmdResult<Option<EvidenceResult>> {
    let Some(path) = seam::ask(
        &app,
        Dialog::OpenFile {
            title: "Attach evidence",
            filter: None,
        },
    )?
    else {
        return Ok(None);
    };
    views::attach_off_thread(app, item, path, on_progress)
        .await
        .map(Some)
}

/// Links a file dropped on the window to `item`. Only paths from a drop (or a dialog) are taken.
#[tauri::command(rename_all = "snake_case")]
pub async fn attach_dropped(
    app: AppHandle,
    state: State<'_, AppState>,
    item: String,
    path: String,
    on_progress: Channel<ProgressEvent>,
) -> CmdResult<EvidenceResult> {
    let path = PathBuf::from(path);
    if !state.is_granted(&path) {
        return Err(CmdError::new(format!(
            "{} was not dropped on the window or chosen in a dialog, so it cannot be attached.",
            path.display()
        )));
    }
    views::attach_off_thread(app, item, path, on_progress).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn unlink_evidence(
    state: State<'_, AppState>,
    link_id: String,
) -> CmdResult<EvidenceResult> {
    let id: i64 = link_id
        .parse()
        .map_err(|_| CmdError::new(format!("\"{link_id}\" is not an evidence link.")))?;
    state.with(|o| {
        o.draft.detach(id, &scal_store::default_author())?;
        views::evidence_result(&o.draft, false)
    })
}

/// Writes the evidence out to the app's folder and opens it with the system viewer.
#[tauri::command(rename_all = "snake_case")]
pub async fn open_evidence(
    app: AppHandle,
    state: State<'_, AppState>,
    data: State<'_, DataDir>,
    link_id: String,
) -> CmdResult<()> {
    let file = state
        .with(|o| views::write_out_evidence(&o.draft, &link_id, &data.opened_evidence_dir()))?;
    seam::open_with_system(&app, &file)
}

/// The history of one item, or of the whole draft when no item is given.
#[tauri::command]
pub async fn history(
    state: State<'_, AppState>,
    item: Option<String>,
) -> CmdResult<Vec<HistoryEntryDto>> {
    state.with(|o| views::history(&o.draft, item.as_deref()))
}

#[tauri::command]
pub async fn choose_export_folder(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<Option<String>> {
    let Some(dir) = seam::ask(
        &app,
        Dialog::Folder {
            title: "Export the submission pack to",
        },
    )?
    else {
        return Ok(None);
    };
    state.grant(&dir);
    Ok(Some(dir.display().to_string()))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn export_draft(
    app: AppHandle,
    state: State<'_, AppState>,
    request: ExportRequest,
    on_progress: Channel<ProgressEvent>,
) -> CmdResult<ExportResult> {
    let dir = PathBuf::from(&request.out_dir);
    if !state.is_granted(&dir) {
        return Err(CmdError::new(
            "Choose the export folder with \"Choose folder…\" first.",
        ));
    }
    crate::export::export_off_thread(app, request, on_progress).await
}

#[tauri::command]
pub async fn show_in_folder(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
) -> CmdResult<()> {
    let path = PathBuf::from(path);
    if !state.is_inside_granted(&path) {
        return Err(CmdError::new(format!(
            "{} is not in a folder you chose.",
            path.display()
        )));
    }
    seam::show_in_folder(&app, &path)
}
