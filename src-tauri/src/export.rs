//! Export: runs the layer's export on a blocking worker thread, with its progress sent through
//! a channel. The export reads every file back before moving it in (the pack re-hashed against
//! its manifest); the UI shows that check, done on the bytes as written, not a promise.

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
            let outcome = scal_app::ops::export(&mut o.draft, &out_dir, &options, &mut progress)?;
            let exports = crate::views::export_records(&o.draft)?;
            let review = crate::review::review_state(&o.draft)?;
            Ok((outcome, exports, review))
        })?;
        let (outcome, exports, review) = outcome;
        // The export read the pack back before moving it in: its check is shown, not redone.
        let verification = outcome.pack_checked.map(|c| VerificationDto {
            ok: true,
            checked: u32::try_from(c.files).unwrap_or(u32::MAX),
            problems: Vec::new(),
        });
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
            exports,
            review,
        })
    })
    .await
    .map_err(|e| CmdError::new(format!("The export stopped unexpectedly: {e}.")))?
}
