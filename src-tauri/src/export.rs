//! Export: runs `scal_export::export` on a blocking worker thread, with its progress sent
//! through a channel, then re-reads the pack with `scal_export::verify_pack`, so the UI shows a
//! verification that was done on the files as written, not a promise.

use std::path::{Path, PathBuf};

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use scal_export::{ExportKind, ExportOptions, ExportProgress};
use scal_store::Draft;

use crate::dto::{
    CmdError, ExportRequest, ExportResult, ExportedFile, ProgressEvent, VerificationDto,
};
use crate::error::CmdResult;
use crate::state::AppState;

impl From<scal_workbook::FillError> for CmdError {
    fn from(e: scal_workbook::FillError) -> CmdError {
        CmdError::new(crate::error::capitalise(&e.to_string()))
    }
}

/// The NHS workbook the draft's template was imported from, filled in with the draft's answers,
/// comments, evidence references and section statuses by `scal_workbook::fill` (which reads it
/// back before putting it in place). `None` when the draft was not made from a workbook.
fn fill_original(
    draft: &Draft,
    out_dir: &Path,
) -> CmdResult<Option<(ExportedFile, scal_workbook::FillReport)>> {
    let Some(source) = draft.source_workbook() else {
        return Ok(None);
    };
    let mut original = Vec::with_capacity(usize::try_from(source.size).unwrap_or(0));
    draft.extract(&source.sha256, &mut original)?;
    let state = draft.state()?;
    let evidence: Vec<scal_workbook::EvidenceRef> = draft
        .evidence()?
        .into_iter()
        .map(|l| scal_workbook::EvidenceRef {
            item: l.item,
            file_name: l.file_name,
            sha256: l.sha256,
        })
        .collect();
    let stem = Path::new(&source.file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "workbook".to_string());
    // Named apart from the export's own workbook (named after the draft), so neither replaces
    // the other.
    let out = out_dir.join(format!("{stem} (filled).xlsx"));
    let report = scal_workbook::fill(
        &original,
        draft.template(),
        &scal_workbook::FillInput {
            answers: &state.answers,
            evidence: &evidence,
            statuses: &state.section_status,
        },
        &out,
    )?;
    let file = ExportedFile {
        kind: "filled".to_string(),
        path: out.display().to_string(),
        size: report.size,
    };
    Ok(Some((file, report)))
}

impl From<scal_export::ExportError> for CmdError {
    fn from(e: scal_export::ExportError) -> CmdError {
        CmdError::new(crate::error::capitalise(&e.to_string()))
    }
}

pub async fn export_off_thread(
    app: AppHandle,
    request: ExportRequest,
    channel: Channel<ProgressEvent>,
) -> CmdResult<ExportResult> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let out_dir = PathBuf::from(&request.out_dir);
        let options = ExportOptions {
            xlsx: request.xlsx,
            pdf: request.pdf,
            pack: request.pack,
            ..ExportOptions::default()
        };
        let outcome = state.with(|o| {
            let mut progress = |p: ExportProgress| {
                let _ = channel.send(ProgressEvent {
                    stage: p.stage.describe().to_string(),
                    done: p.done,
                    total: p.total,
                });
            };
            Ok(scal_export::export(
                &mut o.draft,
                &out_dir,
                &options,
                &mut progress,
            )?)
        })?;
        let pack = outcome.files.iter().find(|f| f.kind == ExportKind::Pack);
        let verification = match pack {
            Some(f) => {
                let _ = channel.send(ProgressEvent {
                    stage: "Verifying the pack".into(),
                    done: 0,
                    total: 1,
                });
                let report = scal_export::verify_pack(&f.path)?;
                Some(VerificationDto {
                    ok: report.confirmed(),
                    checked: u32::try_from(report.files_checked).unwrap_or(u32::MAX),
                    problems: report.mismatches.iter().map(ToString::to_string).collect(),
                })
            }
            None => None,
        };
        let filled = if request.filled {
            let _ = channel.send(ProgressEvent {
                stage: "Filling in the NHS workbook".into(),
                done: 0,
                total: 1,
            });
            state.with(|o| fill_original(&o.draft, &out_dir))?
        } else {
            None
        };
        let mut result = ExportResult {
            out_dir: request.out_dir.clone(),
            files: outcome
                .files
                .iter()
                .map(|f| ExportedFile {
                    kind: match f.kind {
                        ExportKind::Workbook => "xlsx",
                        ExportKind::FilledWorkbook => "filled-xlsx",
                        ExportKind::Summary => "pdf",
                        ExportKind::Pack => "pack",
                    }
                    .to_string(),
                    path: f.path.display().to_string(),
                    size: f.size,
                })
                .collect(),
            verification,
            warnings: outcome
                .warnings
                .iter()
                .map(|w| crate::error::capitalise(&w.to_string()))
                .collect(),
            filled_cells: None,
        };
        if let Some((file, report)) = filled {
            result.files.push(file);
            result
                .warnings
                .extend(report.warnings.iter().map(|w| crate::error::capitalise(w)));
            result.filled_cells = Some(u32::try_from(report.cells.len()).unwrap_or(u32::MAX));
        }
        Ok(result)
    })
    .await
    .map_err(|e| CmdError::new(format!("The export stopped unexpectedly: {e}.")))?
}
