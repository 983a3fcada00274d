// The one place the UI talks to the shell. Each function is one Tauri command; the types come
// from src-tauri/src/dto.rs (ui/src/generated/types.ts). Errors arrive as {code, message}.
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AnswerDto,
  CmdError,
  CopyPreviewDto,
  DiffDto,
  DiffRequest,
  DraftView,
  EvidenceResult,
  ExportRequest,
  ExportResult,
  HistoryLine,
  ImportChoices,
  ImportPreview,
  SheetPreviewDto,
  ProgressEvent,
  ReportDto,
  ReviewState,
  ReviewImportResult,
  SaveResult,
  SectionStatusResult,
  SignoffRequest,
  SnapshotEntry,
  StartInfo,
  TemplateSource,
  UpgradeReportDto,
  ValueDto,
} from "../generated/types";

export type { CmdError };

/** Normalises whatever a rejected invoke gives into {code, message}. */
export function toCmdError(e: unknown): CmdError {
  if (e && typeof e === "object" && "message" in e) {
    const o = e as { code?: unknown; message?: unknown };
    return {
      code: typeof o.code === "string" ? o.code : null,
      message: String(o.message),
    };
  }
  return { code: null, message: String(e) };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toCmdError(e);
  }
}

function progressChannel(onProgress: (p: ProgressEvent) => void): Channel<ProgressEvent> {
  const ch = new Channel<ProgressEvent>();
  ch.onmessage = onProgress;
  return ch;
}

export const api = {
  startInfo: () => call<StartInfo>("start_info"),
  newDraft: (templateId: string | null) =>
    call<DraftView | null>("new_draft", { template_id: templateId }),
  openDraftDialog: (readOnly: boolean) =>
    call<DraftView | null>("open_draft_dialog", { read_only: readOnly }),
  openRecent: (path: string, readOnly: boolean) =>
    call<DraftView>("open_recent", { path, read_only: readOnly }),
  forgetRecent: (path: string) => call<StartInfo>("forget_recent", { path }),
  createSample: () => call<DraftView>("create_sample"),
  /** The draft named on the command line (`scal-workbench DRAFT.scal`, or `--sample`), once. */
  launchDraft: () => call<DraftView | null>("launch_draft"),
  closeDraft: () => call<void>("close_draft"),
  refresh: () => call<DraftView>("refresh"),
  setAnswer: (item: string, value: ValueDto | null, comment: string) =>
    call<SaveResult>("set_answer", { item, value, comment }),
  setSectionStatus: (section: string, status: string) =>
    call<SectionStatusResult>("set_section_status", { section, status }),
  attachDialog: (item: string, onProgress: (p: ProgressEvent) => void) =>
    call<EvidenceResult | null>("attach_dialog", { item, on_progress: progressChannel(onProgress) }),
  attachDropped: (item: string, path: string, onProgress: (p: ProgressEvent) => void) =>
    call<EvidenceResult>("attach_dropped", { item, path, on_progress: progressChannel(onProgress) }),
  unlinkEvidence: (linkId: number) => call<EvidenceResult>("unlink_evidence", { link_id: linkId }),
  /** Sets, changes or clears a link's dates (YYYY-MM-DD; null for none). */
  setEvidenceDates: (linkId: number, dated: string | null, validUntil: string | null) =>
    call<EvidenceResult>("set_evidence_dates", { link_id: linkId, dated, valid_until: validUntil }),
  openEvidence: (linkId: number) => call<void>("open_evidence", { link_id: linkId }),
  /** The completeness report for the Digital Onboarding Service (its 2,000-character limit). */
  dosReport: () => call<ReportDto>("dos_report"),
  /** The history of one item, or of the whole draft when `item` is null. */
  history: (item: string | null) => call<HistoryLine[]>("history", { item }),
  chooseExportFolder: () => call<string | null>("choose_export_folder"),
  exportDraft: (request: ExportRequest, onProgress: (p: ProgressEvent) => void) =>
    call<ExportResult>("export_draft", { request, on_progress: progressChannel(onProgress) }),
  showInFolder: (path: string) => call<void>("show_in_folder", { path }),

  // Import an NHS workbook as a template: choose it, see what was found, make a draft of it.
  importWorkbook: () => call<ImportPreview | null>("import_workbook_dialog"),
  importAgain: (choices: ImportChoices) => call<ImportPreview>("import_again", { choices }),
  importSheetPreview: (sheet: string, rows: number) => call<SheetPreviewDto>("import_sheet_preview", { sheet, rows }),
  createFromImport: () => call<DraftView | null>("create_from_import"),
  cancelImport: () => call<void>("cancel_import"),

  snapshots: () => call<SnapshotEntry[]>("snapshots"),
  takeSnapshot: (label: string) => call<SnapshotEntry[]>("take_snapshot", { label }),
  restoreSnapshot: (id: number) => call<DraftView>("restore_snapshot", { id }),
  diff: (request: DiffRequest) => call<DiffDto>("diff", { request }),

  reviewState: () => call<ReviewState>("review_state"),
  addReviewComment: (item: string, body: string, parent: number | null) =>
    call<ReviewState>("add_review_comment", { item, body, parent }),
  resolveReviewComment: (id: number, resolved: boolean) =>
    call<ReviewState>("resolve_review_comment", { id, resolved }),
  signOff: (request: SignoffRequest) => call<ReviewState>("sign_off", { request }),
  // The assessor's returned workbook: remarks become threads, changed answers proposed changes.
  reviewImport: () => call<ReviewImportResult | null>("review_import_dialog"),
  acceptProposed: (id: number) => call<DraftView>("accept_proposed", { id }),
  confirmItem: (item: string) => call<ReviewState>("confirm_item", { item }),
  restoreArchived: (id: number, toItem: string) => call<DraftView>("restore_archived", { id, to_item: toItem }),

  upgradePlan: (source: TemplateSource) => call<UpgradeReportDto | null>("upgrade_plan", { source }),
  upgradeApply: () => call<UpgradeReportDto>("upgrade_apply"),
  copyChoose: () => call<CopyPreviewDto | null>("copy_choose"),
  copyPreview: (sections: string[]) => call<CopyPreviewDto>("copy_preview", { sections }),
  copyApply: (sections: string[]) => call<DraftView>("copy_apply", { sections }),
};

export type Api = typeof api;

/** Files dropped on the window: the shell has already allowed these paths for attaching. */
export interface DroppedFiles {
  paths: string[];
  x: number;
  y: number;
}

export function onFilesDropped(handler: (d: DroppedFiles) => void): Promise<UnlistenFn> {
  return listen<DroppedFiles>("files-dropped", (e) => handler(e.payload));
}

export function onFilesHover(handler: (pos: { x: number; y: number } | null) => void): Promise<UnlistenFn> {
  return listen<{ x: number; y: number } | null>("files-hover", (e) => handler(e.payload));
}

export type { AnswerDto };
