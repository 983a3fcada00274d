//! The Tauri commands: each takes what the UI sends, calls the library crates, and maps the
//! answer to a DTO. No SCAL logic lives here.
//!
//! Every command is `async`, so it runs on Tauri's worker threads, never on the thread that
//! draws the window; long work (attaching, exporting) reports progress through a channel.

use std::path::{Path, PathBuf};

use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use scal_store::AnswerChange;

use crate::dto::*;
use crate::error::CmdResult;
use crate::recent::DataDir;
use crate::seam::{self, Dialog};
use crate::state::{AppState, Launch, OpenDraft};
use crate::{import, review, versions, views};

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
    let template = match template_id {
        Some(id) => scal_app::source::bundled(&id)?,
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
            scal_app::source::template_file(&file)?
        }
    };
    let Some(path) = ask_new_draft_path(&app, &template.title)? else {
        return Ok(None);
    };
    state.grant(&path);
    state.replace(|| {
        let draft = scal_app::open::create(&path, &template, &scal_store::default_author())?;
        Ok(OpenDraft {
            draft,
            read_only_reason: String::new(),
        })
    })?;
    state.with(|o| views::remember_and_view(&data, o)).map(Some)
}

/// Appends `.scal` when the name chosen has no extension.
/// Where to save a new draft, asked with the template's title as the suggested name; `None`
/// when the person cancels.
fn ask_new_draft_path(app: &AppHandle, title: &str) -> CmdResult<Option<PathBuf>> {
    let suggested = format!("{title}.scal");
    let chosen = seam::ask(
        app,
        Dialog::SaveFile {
            title: "Save the new draft as",
            file_name: &suggested,
            filter: DRAFT_FILTER,
        },
    )?;
    Ok(chosen.map(with_extension))
}

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
        "Review a draft"
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
    state.replace(|| Ok(scal_app::open::open_as_asked(path, read_only)?))?;
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
        let saved = scal_app::ops::answer(
            &mut o.draft,
            &item,
            change,
            &scal_store::default_author(),
            views::today(),
        )?;
        Ok(views::save_result(o.draft.template(), &saved))
    })
}

#[tauri::command]
pub async fn set_section_status(
    state: State<'_, AppState>,
    section: String,
    status: String,
) -> CmdResult<SectionStatusResult> {
    state.with(|o| {
        let set = scal_app::ops::set_status(
            &mut o.draft,
            &section,
            &status,
            &scal_store::default_author(),
            views::today(),
        )?;
        Ok(views::section_status_result(o.draft.template(), set))
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
    link_id: i64,
) -> CmdResult<EvidenceResult> {
    state.with(|o| {
        let (_, s) = scal_app::ops::detach(
            &mut o.draft,
            link_id,
            &scal_store::default_author(),
            views::today(),
        )?;
        Ok(views::evidence_result(o.draft.template(), &s, false))
    })
}

/// Sets, changes or clears the dates of evidence link `link_id`: the document's own date and
/// the last day it is valid (YYYY-MM-DD each; empty or absent means none). A valid-until date
/// before the document's date is refused with the core's sentence, and nothing is written.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_evidence_dates(
    state: State<'_, AppState>,
    link_id: i64,
    dated: Option<String>,
    valid_until: Option<String>,
) -> CmdResult<EvidenceResult> {
    let dates = scal_core::EvidenceDates::parse(
        dated.as_deref(),
        valid_until.as_deref(),
        ("Document dated", "Valid until"),
    )?;
    state.with(|o| {
        let (_, s) = scal_app::ops::set_evidence_dates(
            &mut o.draft,
            link_id,
            dates,
            &scal_store::default_author(),
            views::today(),
        )?;
        Ok(views::evidence_result(o.draft.template(), &s, false))
    })
}

/// The completeness report for the Digital Onboarding Service (the online SCAL): the
/// workbook's report and the warnings of answers and comments over its 2,000-character limit.
#[tauri::command]
pub async fn dos_report(state: State<'_, AppState>) -> CmdResult<ReportDto> {
    state.with(|o| {
        let s = scal_app::summary::read_for(&o.draft, views::today(), scal_core::Profile::Dos)?;
        Ok(views::report_dto(o.draft.template(), &s))
    })
}

/// Writes the evidence out to the app's folder and opens it with the system viewer.
#[tauri::command(rename_all = "snake_case")]
pub async fn open_evidence(
    app: AppHandle,
    state: State<'_, AppState>,
    data: State<'_, DataDir>,
    link_id: i64,
) -> CmdResult<()> {
    let file = state
        .with(|o| views::write_out_evidence(&o.draft, link_id, &data.opened_evidence_dir()))?;
    seam::open_with_system(&app, &file)
}

/// The history of one item, or of the whole draft when no item is given.
#[tauri::command]
pub async fn history(
    state: State<'_, AppState>,
    item: Option<String>,
) -> CmdResult<Vec<HistoryLine>> {
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

// ---- snapshots and diff ----------------------------------------------------------------------

#[tauri::command]
pub async fn snapshots(state: State<'_, AppState>) -> CmdResult<Vec<SnapshotEntry>> {
    state.with(|o| review::snapshots(&o.draft))
}

#[tauri::command]
pub async fn take_snapshot(
    state: State<'_, AppState>,
    label: String,
) -> CmdResult<Vec<SnapshotEntry>> {
    state.with(|o| {
        scal_app::ops::snapshot(&mut o.draft, &label, &scal_store::default_author())?;
        review::snapshots(&o.draft)
    })
}

/// Puts the draft back as snapshot `id` holds it (a "before restore" snapshot is taken first).
#[tauri::command]
pub async fn restore_snapshot(state: State<'_, AppState>, id: i32) -> CmdResult<DraftView> {
    state.with(|o| {
        scal_app::ops::restore_snapshot(
            &mut o.draft,
            i64::from(id),
            &scal_store::default_author(),
        )?;
        views::draft_view(o)
    })
}

#[tauri::command]
pub async fn diff(state: State<'_, AppState>, request: DiffRequest) -> CmdResult<DiffDto> {
    state.with(|o| review::diff(&o.draft, &request))
}

// ---- review and sign-off ---------------------------------------------------------------------

#[tauri::command]
pub async fn review_state(state: State<'_, AppState>) -> CmdResult<ReviewState> {
    state.with(|o| review::review_state(&o.draft))
}

/// A new review comment on `item`, or a reply to comment `parent`.
#[tauri::command]
pub async fn add_review_comment(
    state: State<'_, AppState>,
    item: String,
    body: String,
    parent: Option<i32>,
) -> CmdResult<ReviewState> {
    state.with(|o| {
        scal_app::ops::review(
            &mut o.draft,
            &item,
            &body,
            parent.map(i64::from),
            &scal_store::default_author(),
        )?;
        review::review_state(&o.draft)
    })
}

/// "Import reviewer's workbook…": the assessor's returned workbook, chosen in a dialog, read
/// into review threads and proposed changes (`scal review-import`). `None` when cancelled.
#[tauri::command]
pub async fn review_import_dialog(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<Option<ReviewImportResult>> {
    let Some(path) = seam::ask(
        &app,
        Dialog::OpenFile {
            title: "Import the reviewer's workbook",
            filter: Some(import::WORKBOOK_FILTER),
        },
    )?
    else {
        return Ok(None);
    };
    state.with(|o| {
        let report = scal_app::review_import::review_import(
            &mut o.draft,
            &path,
            None,
            &scal_store::default_author(),
        )?;
        Ok(Some(ReviewImportResult {
            view: views::draft_view(o)?,
            report: scal_app::dto::ReviewImportDto::new(&report),
        }))
    })
}

/// Accepts the proposed change of thread `id`: the assessor's text becomes the answer, its
/// history naming the thread, and the thread is resolved.
#[tauri::command]
pub async fn accept_proposed(state: State<'_, AppState>, id: i32) -> CmdResult<DraftView> {
    state.with(|o| {
        scal_app::ops::accept_proposed(
            &mut o.draft,
            i64::from(id),
            &scal_store::default_author(),
            views::today(),
        )?;
        views::draft_view(o)
    })
}

/// Resolves (or, with `resolved: false`, re-opens) the thread of comment `id`.
#[tauri::command]
pub async fn resolve_review_comment(
    state: State<'_, AppState>,
    id: i32,
    resolved: bool,
) -> CmdResult<ReviewState> {
    state.with(|o| {
        if resolved {
            scal_app::ops::resolve(&mut o.draft, i64::from(id), &scal_store::default_author())?;
        } else {
            scal_app::ops::reopen(&mut o.draft, i64::from(id))?;
        }
        review::review_state(&o.draft)
    })
}

#[tauri::command]
pub async fn sign_off(
    state: State<'_, AppState>,
    request: SignoffRequest,
) -> CmdResult<ReviewState> {
    let signed_on = review::parse_date(&request.signed_on)?;
    state.with(|o| {
        scal_app::ops::sign_off(
            &mut o.draft,
            &request.name,
            &request.role,
            signed_on,
            &scal_store::default_author(),
        )?;
        review::review_state(&o.draft)
    })
}

// ---- upgrade, archive, re-confirmation, copy ---------------------------------------------------

#[tauri::command]
pub async fn confirm_item(state: State<'_, AppState>, item: String) -> CmdResult<ReviewState> {
    state.with(|o| {
        scal_app::ops::confirm(&mut o.draft, &item, &scal_store::default_author())?;
        review::review_state(&o.draft)
    })
}

/// Puts an archived answer back, onto `to_item` of the template in force.
#[tauri::command(rename_all = "snake_case")]
pub async fn restore_archived(
    state: State<'_, AppState>,
    id: i64,
    to_item: String,
) -> CmdResult<DraftView> {
    state.with(|o| {
        scal_app::ops::restore_archived(&mut o.draft, id, &to_item, &scal_store::default_author())?;
        views::draft_view(o)
    })
}

/// The dry run of upgrading to the template `source` names; it is kept for `upgrade_apply`.
#[tauri::command]
pub async fn upgrade_plan(
    app: AppHandle,
    state: State<'_, AppState>,
    source: TemplateSource,
) -> CmdResult<Option<UpgradeReportDto>> {
    // A workbook imported with a mapping: its next version is read the same way.
    let mapping = state.with(|o| {
        Ok(o.draft
            .template()
            .source
            .as_ref()
            .and_then(|s| s.mapping.clone()))
    })?;
    let Some(pending) = versions::load_source(&app, &source, mapping)? else {
        return Ok(None);
    };
    let plan = state.with(|o| {
        Ok(scal_app::ops::plan_upgrade(
            &o.draft,
            &pending.json,
            pending.workbook.is_some(),
        )?)
    })?;
    state.pending(|p| p.upgrade = Some(pending));
    Ok(Some(versions::report(&plan, None)))
}

/// Applies the upgrade last previewed (a "before upgrade" snapshot is taken first).
#[tauri::command]
pub async fn upgrade_apply(state: State<'_, AppState>) -> CmdResult<UpgradeReportDto> {
    let pending = state
        .pending(|p| p.upgrade.take())
        .ok_or_else(|| CmdError::new("Check the upgrade first, then apply it."))?;
    state.with(|o| {
        let workbook = pending
            .workbook
            .as_ref()
            .map(|(file_name, bytes)| (file_name.as_str(), bytes.as_slice()));
        let done = scal_app::ops::upgrade(
            &mut o.draft,
            &pending.json,
            workbook,
            &scal_store::default_author(),
        )?;
        Ok(versions::report(
            &done.plan,
            Some(review::snapshot_dto(&done.snapshot)),
        ))
    })
}

/// Asks for the draft to copy answers from, and previews copying its shared sections.
#[tauri::command]
pub async fn copy_choose(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<Option<CopyPreviewDto>> {
    let Some(path) = seam::ask(
        &app,
        Dialog::OpenFile {
            title: "Copy answers from which draft?",
            filter: Some(DRAFT_FILTER),
        },
    )?
    else {
        return Ok(None);
    };
    let preview = copy_preview_of(&state, &path, &[])?;
    state.pending(|p| p.copy_from = Some(path));
    Ok(Some(preview))
}

/// Previews copying `sections` (ids) from the draft chosen with `copy_choose`.
#[tauri::command]
pub async fn copy_preview(
    state: State<'_, AppState>,
    sections: Vec<String>,
) -> CmdResult<CopyPreviewDto> {
    copy_preview_of(&state, &copy_source(&state)?, &sections)
}

#[tauri::command]
pub async fn copy_apply(state: State<'_, AppState>, sections: Vec<String>) -> CmdResult<DraftView> {
    let path = copy_source(&state)?;
    let from = scal_app::open::open(&path, scal_app::Mode::ReadOnly)?;
    state.with(|o| {
        scal_app::ops::copy(
            &mut o.draft,
            &from,
            &sections,
            &scal_store::default_author(),
            &mut |_, _| {},
        )?;
        views::draft_view(o)
    })
}

fn copy_source(state: &AppState) -> CmdResult<PathBuf> {
    state
        .pending(|p| p.copy_from.clone())
        .ok_or_else(|| CmdError::new("Choose the draft to copy from first."))
}

fn copy_preview_of(
    state: &AppState,
    path: &Path,
    sections: &[String],
) -> CmdResult<CopyPreviewDto> {
    let from = scal_app::open::open(path, scal_app::Mode::ReadOnly)?;
    state.with(|o| {
        let plan = scal_app::ops::plan_copy(&o.draft, &from, sections)?;
        Ok(versions::copy_preview(path, &from, &o.draft, &plan))
    })
}

// ---- import a workbook ---------------------------------------------------------------------------

/// Asks for an NHS workbook, imports it and returns what was found; the template is kept for
/// `create_from_import`.
#[tauri::command]
pub async fn import_workbook_dialog(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<Option<ImportPreview>> {
    let Some(path) = seam::ask(
        &app,
        Dialog::OpenFile {
            title: "Import an NHS SCAL workbook",
            filter: Some(import::WORKBOOK_FILTER),
        },
    )?
    else {
        return Ok(None);
    };
    let bytes = scal_workbook::read_workbook_file(&path)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let (pending, preview) = import::import_bytes(file_name, bytes, &ImportChoices::default())?;
    state.pending(|p| p.import = Some(pending));
    Ok(Some(preview))
}

/// Imports the same workbook again (the bytes already read): with or without its hidden
/// sheets, with the template named as the user chose, or read with their mapping.
#[tauri::command(rename_all = "snake_case")]
pub async fn import_again(
    state: State<'_, AppState>,
    choices: ImportChoices,
) -> CmdResult<ImportPreview> {
    let (file_name, bytes) = state
        .pending(|p| p.import.as_ref().and_then(|i| i.workbook.clone()))
        .ok_or_else(|| CmdError::new("Import a workbook first."))?;
    let (pending, preview) = import::import_bytes(file_name, bytes, &choices)?;
    state.pending(|p| p.import = Some(pending));
    Ok(preview)
}

/// The first rows of one sheet of the workbook being imported, to say how to read it.
#[tauri::command(rename_all = "snake_case")]
pub async fn import_sheet_preview(
    state: State<'_, AppState>,
    sheet: String,
    rows: u32,
) -> CmdResult<SheetPreviewDto> {
    let workbook = state
        .pending(|p| p.import.as_ref().and_then(|i| i.workbook.clone()))
        .ok_or_else(|| CmdError::new("Import a workbook first."))?;
    import::sheet_preview(&workbook, &sheet, rows)
}

/// Creates a draft from the imported workbook, keeping the workbook in it.
#[tauri::command]
pub async fn create_from_import(
    app: AppHandle,
    state: State<'_, AppState>,
    data: State<'_, DataDir>,
) -> CmdResult<Option<DraftView>> {
    let title = state
        .pending(|p| {
            p.import
                .as_ref()
                .map(|i| scal_app::source::parse(&i.json, "the imported template").map(|t| t.title))
        })
        .ok_or_else(|| CmdError::new("Import a workbook first."))?;
    if state.pending(|p| p.import.as_ref().is_some_and(|i| i.json.is_empty())) {
        return Err(CmdError::new(
            "Nothing in this workbook has been imported yet: map a sheet first (\"Map this sheet…\").",
        ));
    }
    let title =
        title.map_err(|e| CmdError::new(format!("The imported template is not valid: {e}")))?;
    let Some(path) = ask_new_draft_path(&app, &title)? else {
        return Ok(None);
    };
    let pending = state
        .pending(|p| p.import.take())
        .ok_or_else(|| CmdError::new("Import a workbook first."))?;
    state.grant(&path);
    let created = state.replace(|| {
        let template = scal_app::source::TemplateText {
            json: pending.json.clone().into(),
            title: title.clone(),
            described: String::new(),
            workbook: pending.workbook.clone(),
        };
        let draft = scal_app::open::create(&path, &template, &scal_store::default_author())?;
        Ok(OpenDraft {
            draft,
            read_only_reason: String::new(),
        })
    });
    if let Err(e) = created {
        // Keep the import so the user can choose another place without reading it again.
        state.pending(|p| p.import = Some(pending));
        return Err(e);
    }
    state.with(|o| views::remember_and_view(&data, o)).map(Some)
}

#[tauri::command]
pub async fn cancel_import(state: State<'_, AppState>) -> CmdResult<()> {
    state.pending(|p| p.import = None);
    Ok(())
}
