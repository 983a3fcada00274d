// The state of the window: which screen, the open draft, and the save status. One instance,
// created by App.svelte with the real api; tests pass a fake one.
import type { Api } from "./api";
import { toCmdError } from "./api";
import type {
  AnswerDto,
  DraftView,
  EvidenceLine,
  ExportResult,
  IssueDto,
  ProgressEvent,
  ImportChoices,
  ImportPreview,
  SheetMappingDto,
  SheetPreviewDto,
  ReconfirmDto,
  ReportDto,
  ReviewState,
  StartInfo,
  ValueDto,
} from "../generated/types";
import { withSheet } from "./mapping";
import { flatten, indexBy, issuesByItem, nextIssueItem, openThreadCounts, setOf, type FlatItem } from "./logic";

export function emptyReview(): ReviewState {
  return { threads: [], signoff: null, archived: [], reconfirm: [], changed: { exported: false, last_export_at: "", items: [] } };
}

export type Tab = "answer" | "evidence" | "completeness" | "changes" | "signoff" | "versions" | "export" | "review";

export type SaveStatus =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved"; at: string }
  | { kind: "error"; message: string };

export interface Notice {
  kind: "error" | "info";
  text: string;
  /** A way out the message offers, e.g. "Review read-only" for a draft open elsewhere. */
  action?: { label: string; run: () => void };
}

export class Session {
  screen = $state<"start" | "draft">("start");
  start = $state<StartInfo | null>(null);
  draft = $state<DraftView | null>(null);
  answers = $state<Record<string, AnswerDto>>({});
  report = $state<ReportDto | null>(null);
  evidence = $state<EvidenceLine[]>([]);
  tab = $state<Tab>("answer");
  sectionId = $state<string>("");
  /** The item to scroll to and focus; the editor clears it once done. */
  focusRequest = $state<{ id: string; seq: number } | null>(null);
  currentItem = $state<string | null>(null);
  saveStatus = $state<SaveStatus>({ kind: "idle" });
  /** Per item: why the last value typed could not be saved. */
  itemErrors = $state<Record<string, string>>({});
  /** A message for the whole window (an error from a command). */
  notice = $state<Notice | null>(null);
  busy = $state<string | null>(null);
  attachProgress = $state<{ item: string; done: number; total: number } | null>(null);
  lastExport = $state<ExportResult | null>(null);
  /** Review comments, sign-off, archived answers, re-confirmations, changes since export. */
  review = $state<ReviewState>(emptyReview());
  /** What importing a workbook found, while the user decides whether to make a draft of it. */
  importPreview = $state<ImportPreview | null>(null);
  /** The sheet being mapped ("Map this sheet…"), with its first rows. */
  sheetMap = $state<{ sheet: string; preview: SheetPreviewDto } | null>(null);
  /** Why the last attempt to mark a section Complete was refused. */
  statusRefusal = $state<{ section: string; message: string } | null>(null);
  /** The item whose review comments are open in the dialog. */
  commentsItem = $state<string | null>(null);
  /** The evidence link whose dates are being set in the Evidence tab. */
  datesEditing = $state<number | null>(null);
  /** Why the last dates given for that link were refused. */
  datesError = $state<string | null>(null);
  /** The completeness panel checks for the Digital Onboarding Service too (2,000 characters). */
  dosCheck = $state(false);
  /** The report for the Digital Onboarding Service, fetched while `dosCheck` is on. */
  dosReport = $state<ReportDto | null>(null);

  changedItems: ReadonlySet<string> = $derived(setOf(this.review.changed.items));
  openComments: ReadonlyMap<string, number> = $derived(openThreadCounts(this.review.threads));
  reconfirmItems: ReadonlyMap<string, ReconfirmDto> = $derived(indexBy(this.review.reconfirm, (r) => r.item));

  flat: FlatItem[] = $derived(this.draft ? flatten(this.draft.template) : []);
  /** Issues by item, built once per report: each of 2,000 rows looks its own up. */
  issuesOf: ReadonlyMap<string, IssueDto[]> = $derived(issuesByItem(this.report));

  private inFlight = 0;
  // Bookkeeping of in-flight saves, never shown: deliberately not reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private chains = new Map<string, Promise<void>>();
  private focusSeq = 0;
  private dosSeq = 0;

  constructor(readonly api: Api) {}

  get readOnly(): boolean {
    return this.draft?.read_only ?? true;
  }

  /** Review comments and the sign-off can be given: editing, or opened for review. */
  get canReview(): boolean {
    return !!this.draft && (!this.draft.read_only || this.draft.review_mode);
  }

  async loadStart(): Promise<void> {
    await this.run("Loading", async () => {
      this.start = await this.api.startInfo();
    });
  }

  show(view: DraftView): void {
    this.reload(view);
    this.itemErrors = {};
    this.sectionId = view.template.sections[0]?.id ?? "";
    this.tab = view.read_only ? "review" : "answer";
    this.currentItem = null;
    this.datesEditing = null;
    this.datesError = null;
    this.dosReport = null;
    this.screen = "draft";
    this.notice = view.read_only ? { kind: "info", text: `${view.review_mode ? "Review" : "Read-only"}: ${view.read_only_reason}` } : null;
  }

  /** What an export changes in the window: its record, and what is left to review. */
  afterExport(result: ExportResult): void {
    this.lastExport = result;
    this.review = result.review;
    if (this.draft) this.draft = { ...this.draft, exports: result.exports };
  }

  /** Takes a new view of the open draft (after a restore, an upgrade, a copy) where the user is. */
  reload(view: DraftView): void {
    this.draft = view;
    this.answers = { ...view.answers };
    this.report = view.report;
    this.evidence = view.evidence;
    this.review = view.review;
    this.saveStatus = view.last_change ? { kind: "saved", at: view.last_change } : { kind: "idle" };
    if (!view.template.sections.some((s) => s.id === this.sectionId)) this.sectionId = view.template.sections[0]?.id ?? "";
  }

  async openWith(action: () => Promise<DraftView | null>, what: string): Promise<void> {
    await this.run(what, async () => {
      const view = await action();
      if (view) this.show(view);
    });
  }

  newDraft(templateId: string | null) {
    return this.openWith(() => this.api.newDraft(templateId), "Creating the draft");
  }
  openDialog(readOnly: boolean) {
    return this.openWith(() => this.api.openDraftDialog(readOnly), "Opening the draft");
  }
  async openRecent(path: string, readOnly: boolean): Promise<void> {
    this.busy = "Opening the draft";
    try {
      this.show(await this.api.openRecent(path, readOnly));
    } catch (e) {
      const err = toCmdError(e);
      this.notice = {
        kind: "error",
        text: err.message,
        action: err.code === "already_open" && !readOnly ? { label: "Review it read-only", run: () => void this.openRecent(path, true) } : undefined,
      };
    } finally {
      this.busy = null;
    }
  }
  createSample() {
    return this.openWith(() => this.api.createSample(), "Creating the sample draft");
  }

  async forgetRecent(path: string): Promise<void> {
    await this.run(null, async () => {
      this.start = await this.api.forgetRecent(path);
    });
  }

  async close(): Promise<void> {
    await this.idle();
    await this.run("Closing", async () => {
      await this.api.closeDraft();
      this.draft = null;
      this.screen = "start";
      this.notice = null;
      this.start = await this.api.startInfo();
    });
  }

  /**
   * Saves one answer. Saves of the same item run one after another in the order made, so the
   * last thing typed is what is stored; the status shows "Saving…" until all have landed.
   */
  save(item: string, value: ValueDto | null, comment: string): Promise<void> {
    if (this.readOnly) return Promise.resolve();
    // Show the change at once; the shell's answer (normalised) replaces it when it lands.
    this.answers[item] = { value, comment };
    this.inFlight++;
    this.saveStatus = { kind: "saving" };
    const prev = this.chains.get(item) ?? Promise.resolve();
    const next = prev.then(async () => {
      try {
        const r = await this.api.setAnswer(item, value, comment);
        delete this.itemErrors[item];
        if (this.chains.get(item) === next) this.answers[item] = r.answer;
        this.report = r.report;
        this.review.changed = r.changed;
        if (this.review.signoff) this.review.signoff.stale = r.signoff_stale;
        if (this.draft) this.draft.last_change = r.saved_at;
        this.inFlight--;
        if (this.inFlight === 0) this.saveStatus = { kind: "saved", at: r.saved_at };
      } catch (e) {
        const err = toCmdError(e);
        this.inFlight--;
        if (err.code === "invalid_answer") this.itemErrors[item] = err.message;
        this.saveStatus = { kind: "error", message: `Not saved: ${err.message}` };
      }
    });
    this.chains.set(item, next);
    return next;
  }

  /** Something is being typed and will be saved after a short pause: say so at once. */
  markDirty(): void {
    if (!this.readOnly) this.saveStatus = { kind: "saving" };
  }

  /** Resolves when every save made so far has landed. */
  async idle(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  async setSectionStatus(section: string, status: string): Promise<void> {
    this.statusRefusal = null;
    try {
      const r = await this.api.setSectionStatus(section, status);
      this.report = r.report;
      if (this.draft) {
        this.draft.section_status[section] = r.status.status;
        this.draft.section_status_info[section] = r.status;
      }
    } catch (e) {
      const err = toCmdError(e);
      // Complete refused: the editor lists the section's blocking issues under the status.
      if (err.code === "section_not_ready") this.statusRefusal = { section, message: err.message };
      else this.notice = { kind: "error", text: err.message };
    }
  }

  private onAttachProgress(item: string) {
    return (p: ProgressEvent) => {
      this.attachProgress = { item, done: p.done, total: p.total };
    };
  }

  async attachDialog(item: string): Promise<void> {
    await this.attach(item, () => this.api.attachDialog(item, this.onAttachProgress(item)));
  }

  async attachDropped(item: string, path: string): Promise<void> {
    await this.attach(item, () => this.api.attachDropped(item, path, this.onAttachProgress(item)));
  }

  private async attach(item: string, go: () => Promise<{ evidence: EvidenceLine[]; report: ReportDto; deduplicated: boolean } | null>) {
    this.attachProgress = { item, done: 0, total: 0 };
    try {
      await this.run("Attaching", async () => {
        const r = await go();
        if (!r) return;
        this.evidence = r.evidence;
        this.report = r.report;
        const link = r.evidence.filter((e) => e.item === item).at(-1);
        const name = link?.file_name ?? "the file";
        this.notice = {
          kind: "info",
          text: r.deduplicated
            ? `Linked ${name} to ${item}; the draft already held this file, so it is stored once.`
            : `Attached ${name} to ${item}.`,
          // The file's own date and valid-until date are given on the link, just after.
          action: link ? { label: "Add its dates…", run: () => this.editDates(link.id) } : undefined,
        };
      });
    } finally {
      this.attachProgress = null;
    }
  }

  async unlink(linkId: number): Promise<void> {
    await this.run("Unlinking", async () => {
      const r = await this.api.unlinkEvidence(linkId);
      this.evidence = r.evidence;
      this.report = r.report;
    });
  }

  /** Opens (or, with null, closes) the dates of evidence link `linkId`, in the Evidence tab. */
  editDates(linkId: number | null): void {
    this.datesEditing = linkId;
    this.datesError = null;
    if (linkId !== null) this.tab = "evidence";
  }

  /**
   * Saves a link's two dates as given (YYYY-MM-DD; empty for none, which clears it). A refusal
   * (a valid-until date before the document's date) is kept in `datesError`, beside the fields.
   */
  async setEvidenceDates(linkId: number, dated: string, validUntil: string): Promise<boolean> {
    this.datesError = null;
    this.busy = "Saving the dates";
    try {
      const r = await this.api.setEvidenceDates(linkId, dated.trim() || null, validUntil.trim() || null);
      this.evidence = r.evidence;
      this.report = r.report;
      this.datesEditing = null;
      const name = r.evidence.find((e) => e.id === linkId)?.file_name ?? "the file";
      this.notice = { kind: "info", text: dated || validUntil ? `Saved the dates of ${name}.` : `Cleared the dates of ${name}.` };
      return true;
    } catch (e) {
      this.datesError = toCmdError(e).message;
      return false;
    } finally {
      this.busy = null;
    }
  }

  /** Fetches the Digital Onboarding Service's report; only the answer to the latest ask is kept. */
  async refreshDos(): Promise<void> {
    const seq = ++this.dosSeq;
    try {
      const r = await this.api.dosReport();
      if (seq === this.dosSeq) this.dosReport = r;
    } catch (e) {
      if (seq === this.dosSeq) this.notice = { kind: "error", text: toCmdError(e).message };
    }
  }

  openEvidence(linkId: number) {
    return this.run(null, () => this.api.openEvidence(linkId));
  }

  /** Switches tab; a notice about what was just done belongs to the tab it was done in. */
  showTab(tab: Tab): void {
    this.tab = tab;
    if (this.notice?.kind === "info" && !this.readOnly) this.notice = null;
  }

  /** Shows an item in the editor: its section, scrolled to and focused. */
  goTo(id: string): void {
    const f = this.flat.find((x) => x.item.id === id);
    if (!f) {
      // A section id: its first item.
      const first = this.flat.find((x) => x.section.id === id);
      if (first) this.goTo(first.item.id);
      return;
    }
    this.tab = "answer";
    this.sectionId = f.section.id;
    this.currentItem = id;
    this.focusRequest = { id, seq: ++this.focusSeq };
  }

  goToIssue(direction: 1 | -1): void {
    if (!this.report) return;
    const id = nextIssueItem(this.flat, this.report, this.currentItem, direction);
    if (id) this.goTo(id);
    else this.notice = { kind: "info", text: "No issues left: every required item is answered." };
  }

  // ---- import -------------------------------------------------------------------------

  async importWorkbook(): Promise<void> {
    await this.run("Reading the workbook", async () => {
      const p = await this.api.importWorkbook();
      if (p) this.importPreview = p;
    });
  }

  /** Imports the same workbook again: with or without hidden sheets, or with the template
   *  named otherwise. What is not given stays as the preview has it. */
  async importAgain(change: Partial<ImportChoices>): Promise<void> {
    const p = this.importPreview;
    if (!p) return;
    const choices: ImportChoices = { include_hidden: p.include_hidden, id: p.id, version: p.version, title: p.title, mapping: p.mapping, ...change };
    await this.run("Reading the workbook", async () => {
      this.importPreview = await this.api.importAgain(choices);
    });
  }

  /** Opens "Map this sheet…": the sheet's first `rows` filled rows. */
  async mapSheet(sheet: string, rows = 12): Promise<void> {
    await this.run("Reading the sheet", async () => {
      this.sheetMap = { sheet, preview: await this.api.importSheetPreview(sheet, rows) };
    });
  }

  /** Imports the workbook again with this sheet read as the user said; the form closes once
   *  that worked (the summary then shows the sheet as mapped). */
  async importWithMapping(sheet: string, entry: SheetMappingDto): Promise<void> {
    const p = this.importPreview;
    if (!p) return;
    const mapping = withSheet(p.mapping, sheet, entry);
    const before = this.importPreview;
    await this.importAgain({ mapping });
    if (this.importPreview !== before) this.sheetMap = null;
  }

  async createFromImport(): Promise<void> {
    await this.openWith(async () => {
      const view = await this.api.createFromImport();
      if (view) this.importPreview = null;
      return view;
    }, "Creating the draft");
  }

  async cancelImport(): Promise<void> {
    this.importPreview = null;
    this.sheetMap = null;
    await this.run(null, () => this.api.cancelImport());
  }

  // ---- review ---------------------------------------------------------------------------

  /** Runs a review command that gives back the review state, and takes it. */
  async reviewAction(label: string | null, f: () => Promise<ReviewState>): Promise<boolean> {
    let ok = false;
    await this.run(label, async () => {
      this.review = await f();
      ok = true;
    });
    return ok;
  }

  /** Runs a command that changes answers wholesale and gives back the whole draft. */
  async draftAction(label: string, f: () => Promise<DraftView>): Promise<boolean> {
    let ok = false;
    await this.idle();
    await this.run(label, async () => {
      this.reload(await f());
      ok = true;
    });
    return ok;
  }

  /** Runs a command, showing its error as the window's notice. */
  async run(label: string | null, f: () => Promise<void>): Promise<void> {
    if (label) this.busy = label;
    try {
      await f();
    } catch (e) {
      this.notice = { kind: "error", text: toCmdError(e).message };
    } finally {
      if (label) this.busy = null;
    }
  }
}
