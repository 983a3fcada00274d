// Client-side logic with no Svelte and no Tauri in it, so it is unit-tested directly.
import type { AnswerDto, HistoryLine, IssueDto, ItemView, ReportDto, ReviewThreadDto, SectionView, TemplateView, ValueDto } from "../generated/types";

export const OTHER = "Other";

export type Answers = Record<string, AnswerDto>;

// No completeness or visibility rule lives here: what an item needs (a comment and why, evidence,
// whether its value is only a placeholder) and what is hidden come from the core, in the report
// (`ReportDto.needs`, `ReportDto.hidden_items`). ui-rules.test.ts keeps it so.

export function valueList(v: ValueDto | null | undefined): string[] {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The answer as a person reads it: multi-choice joined with "; ". */
export function displayValue(v: ValueDto | null | undefined): string {
  return valueList(v).join("; ");
}

/** A flat list of every item in template order with its section, for navigation and search. */
export interface FlatItem {
  section: SectionView;
  item: ItemView;
  index: number;
}

export function flatten(t: TemplateView): FlatItem[] {
  const out: FlatItem[] = [];
  for (const section of t.sections) for (const item of section.items) out.push({ section, item, index: out.length });
  return out;
}

/** Items whose ID, requirement reference, label or text contain the query (case-insensitive). */
export function matchesQuery(item: ItemView, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === "") return true;
  const hay = [item.id, item.requirement?.reference ?? "", item.label, item.text, item.requirement?.category ?? ""]
    .join("\n")
    .toLowerCase();
  return q.split(/\s+/).every((word) => hay.includes(word));
}

/** Each item's issues, looked up by item id. */
export function issuesByItem(report: ReportDto | null): ReadonlyMap<string, IssueDto[]> {
  const m = new Map<string, IssueDto[]>();
  for (const i of report?.issues ?? []) {
    const list = m.get(i.item);
    if (list) list.push(i);
    else m.set(i.item, [i]);
  }
  return m;
}

/** The next (or previous) item with an issue after `currentId`, in template order, wrapping. */
export function nextIssueItem(
  flat: FlatItem[],
  report: ReportDto,
  currentId: string | null,
  direction: 1 | -1,
): string | null {
  const withIssue = new Set(report.issues.map((i) => i.item));
  const ordered = flat.filter((f) => withIssue.has(f.item.id));
  if (ordered.length === 0) return null;
  const pos = currentId === null ? -1 : flat.findIndex((f) => f.item.id === currentId);
  if (direction === 1) {
    return (ordered.find((f) => f.index > pos) ?? ordered[0]).item.id;
  }
  const before = ordered.filter((f) => f.index < (pos === -1 ? flat.length : pos));
  return (before[before.length - 1] ?? ordered[ordered.length - 1]).item.id;
}

/** Issues grouped by section, in the template's section order. */
export function groupIssues(t: TemplateView, report: ReportDto): { section: SectionView; blocking: IssueDto[]; warnings: IssueDto[] }[] {
  return t.sections
    .map((section) => {
      const mine = report.issues.filter((i) => i.section === section.id);
      return {
        section,
        blocking: mine.filter((i) => i.severity === "blocking"),
        warnings: mine.filter((i) => i.severity !== "blocking"),
      };
    })
    .filter((g) => g.blocking.length + g.warnings.length > 0);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** "24 Nov 2026, 14:05" in the UK style; empty for an empty or invalid timestamp. */
export function formatWhen(iso: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleString("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function percentText(p: number): string {
  return `${Math.floor(Math.max(0, Math.min(100, p)))}%`;
}

// ---- virtual list -------------------------------------------------------------------------

/** Prefix sums of row heights: offsets[i] is the top of row i, offsets[n] the total height. */
export function offsetsOf(heights: number[]): number[] {
  const out = new Array<number>(heights.length + 1);
  out[0] = 0;
  for (let i = 0; i < heights.length; i++) out[i + 1] = out[i] + heights[i];
  return out;
}

/** The first row whose bottom is below `y` (binary search over the offsets). */
export function rowAt(offsets: number[], y: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid + 1] <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The rows to render for a viewport: [start, end) plus `overscan` rows either side. */
export function visibleRange(
  offsets: number[],
  scrollTop: number,
  viewport: number,
  overscan: number,
): { start: number; end: number } {
  const n = offsets.length - 1;
  if (n <= 0) return { start: 0, end: 0 };
  const first = rowAt(offsets, Math.max(0, scrollTop));
  const last = rowAt(offsets, scrollTop + Math.max(viewport, 1));
  return { start: Math.max(0, first - overscan), end: Math.min(n, last + 1 + overscan) };
}

// ---- history ------------------------------------------------------------------------------

/** One change from the history, in words: what kind of change, what it was, what it became. */
export interface ChangeText {
  what: string;
  was: string;
  became: string;
  /** The comment (mitigation, notes) before and after, when this change altered it. */
  commentWas: string | null;
  commentBecame: string | null;
}

const CHANGE_NAMES: Record<string, string> = {
  answer: "Answer",
  comment: "Comment",
  attach: "Evidence added",
  detach: "Evidence unlinked",
  status: "Section status",
  carry: "Carried to a new template",
  archive: "Archived by an upgrade",
  restore: "Restored from the archive",
  confirm: "Re-confirmed",
  copy: "Copied from another draft",
  dates: "Evidence dates",
};

export function describeChange(e: HistoryLine): ChangeText {
  const what = CHANGE_NAMES[e.action] ?? e.action;
  const oldComment = e.old_comment ?? "";
  const newComment = e.new_comment ?? "";
  // A change carries its comments only when it altered them, so equal sides mean untouched.
  const commentChanged = oldComment !== newComment;
  const quote = (c: string) => (c.trim() ? `\u201c${c}\u201d` : "(none)");
  const comments = {
    commentWas: commentChanged ? quote(oldComment) : null,
    commentBecame: commentChanged ? quote(newComment) : null,
  };
  switch (e.action) {
    case "attach":
    case "detach":
    case "dates":
      return { what, was: "", became: e.detail, commentWas: null, commentBecame: null };
    case "comment":
      return { what, was: "", became: "", ...comments };
    case "answer":
    case "status":
      return { what, was: displayValue(e.old_value) || "(no answer)", became: displayValue(e.new_value) || "(no answer)", ...comments };
    default: {
      const was = displayValue(e.old_value);
      const became = displayValue(e.new_value);
      return { what, was, became: [became, e.detail].filter(Boolean).join(" \u00b7 "), ...comments };
    }
  }
}

/** History entries matching a free-text query (item, label, person, values) and a section. */
export function filterHistory(entries: HistoryLine[], query: string, section: string): HistoryLine[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return entries.filter((e) => {
    if (section && e.section !== section) return false;
    if (words.length === 0) return true;
    const c = describeChange(e);
    const hay = [e.item, e.called, e.author, c.what, c.was, c.became, c.commentWas ?? "", c.commentBecame ?? ""].join("\n").toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

// ---- review comments ----------------------------------------------------------------------

/** Open (unresolved) threads per item. */
export function openThreadCounts(threads: ReviewThreadDto[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of threads) if (t.status === "open") m.set(t.item, (m.get(t.item) ?? 0) + 1);
  return m;
}

/** Sums a per-item count over each section's items. */
export function countBySection(flat: FlatItem[], perItem: ReadonlyMap<string, number> | ReadonlySet<string>): Map<string, number> {
  const m = new Map<string, number>();
  const count = (key: string) => (perItem instanceof Map ? (perItem.get(key) ?? 0) : (perItem as ReadonlySet<string>).has(key) ? 1 : 0);
  const sections = new Set<string>();
  for (const f of flat) {
    sections.add(f.section.id);
    const n = count(f.item.id);
    if (n) m.set(f.section.id, (m.get(f.section.id) ?? 0) + n);
  }
  // What is counted against a whole section (a review comment on it) counts there too.
  for (const id of sections) {
    const n = count(id);
    if (n) m.set(id, (m.get(id) ?? 0) + n);
  }
  return m;
}

/** A lookup by key, built once per change of the list. */
export function indexBy<T>(list: T[], key: (t: T) => string): ReadonlyMap<string, T> {
  return new Map(list.map((t) => [key(t), t]));
}

export function setOf(list: string[]): ReadonlySet<string> {
  return new Set(list);
}

const KIND_NAMES: Record<string, string> = {
  text: "Text fields",
  long_text: "Long text fields",
  email: "Email fields",
  ods_code: "ODS codes",
  version: "Version fields",
  date: "Dates",
  choice: "Choices",
  multi_choice: "Multiple choices",
  yes_no: "Yes/No questions",
  declaration: "Declarations",
  requirement: "Requirement rows",
  guidance: "Guidance rows",
  evidence_slot: "Evidence slots",
};

/** An item type (as the template names it) in words, for counts. */
export function kindName(kind: string): string {
  return KIND_NAMES[kind] ?? kind;
}

/** "1 open comment", "3 open comments". */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
