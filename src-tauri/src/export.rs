//! Export: runs `scal_export` on a blocking worker thread with progress through a channel, then
//! reads the pack back to verify it.

use tauri::ipc::Channel;
use tauri::AppHandle;

use crate::dto::{CmdError, ExportRequest, ExportResult, ProgressEvent};
use crate::error::CmdResult;

pub async fn export_off_thread(
    _app: AppHandle,
    _request: ExportRequest,
    _channel: Channel<ProgressEvent>,
) -> CmdResult<ExportResult> {
    Err(CmdError::new("Export is not available in this build yet."))
}
