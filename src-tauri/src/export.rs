//! Export: runs `scal_export::export` on a blocking worker thread, with its progress sent
//! through a channel, then re-reads the pack with `scal_export::verify_pack`, so the UI shows a
//! verification that was done on the files as written, not a promise.

use std::path::PathBuf;

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use scal_export::{ExportKind, ExportOptions, ExportProgress};

use crate::dto::{
    CmdError, ExportRequest, ExportResult, ExportedFile, ProgressEvent, VerificationDto,
};
use crate::error::CmdResult;
use crate::state::AppState;

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
        let has_filled = outcome
            .files
            .iter()
            .any(|f| f.kind == ExportKind::FilledWorkbook);
        Ok(ExportResult {
            out_dir: request.out_dir.clone(),
            files: outcome
                .files
                .iter()
                .map(|f| ExportedFile {
                    kind: match f.kind {
                        ExportKind::Workbook => "xlsx",
                        ExportKind::FilledWorkbook => "filled",
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
            filled_cells: has_filled
                .then(|| u32::try_from(outcome.filled_cells_verified).unwrap_or(u32::MAX)),
        })
    })
    .await
    .map_err(|e| CmdError::new(format!("The export stopped unexpectedly: {e}.")))?
}
