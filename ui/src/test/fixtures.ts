// Small builders for the DTOs the shell sends, so each test states only what it is about.
import type { CommentNeedDto, DraftView, EvidenceNeedDto, IssueDto, ItemNeedsDto, ItemView, ReportDto, ReviewThreadDto, SectionView, TemplateView } from "../generated/types";

export function item(id: string, over: Partial<ItemView> = {}): ItemView {
  return {
    id,
    label: `Label of ${id}`,
    text: "",
    guidance: "",
    required: true,
    kind: "text",
    options: [],
    meanings: {},
    other: false,
    comment_when_no: false,
    date_rule: null,
    heading: false,
    answerable: true,
    visible_when: null,
    requirement: null,
    ...over,
  };
}

export function requirement(id: string, level = "MUST", over: Partial<ItemView> = {}): ItemView {
  return item(id, {
    kind: "requirement",
    options: ["Yes", "No", "Out of Scope"],
    meanings: { Yes: "met", No: "not_met", "Out of Scope": "not_applicable" },
    comment_when_no: true,
    requirement: {
      reference: id.toUpperCase(),
      category: "Booking",
      level,
      how_assessed: "Supplier declared",
      assessment: "supplier_declared",
      actioned_by: "",
      test_cases: [],
      evidence_expected: "",
      applies_to: null,
    },
    ...over,
  });
}

export function section(id: string, items: ItemView[], over: Partial<SectionView> = {}): SectionView {
  return { id, title: `Section ${id}`, kind: "form", description: "", has_status: false, shared: false, visible_when: null, columns: [], items, ...over };
}

export function template(sections: SectionView[]): TemplateView {
  return { id: "t", version: "1.0.0", title: "Test template", publisher: "Test", description: "", placeholder: "Please select…", sections };
}

export function issue(itemId: string, sectionId: string, severity: "blocking" | "warning" = "blocking", message = "Needs an answer."): IssueDto {
  return { item: itemId, section: sectionId, severity, rule: "required", message };
}

export function report(issues: IssueDto[] = [], percent = 0, hidden: string[] = [], needs: Record<string, ItemNeedsDto> = {}): ReportDto {
  return { complete: !issues.some((i) => i.severity === "blocking"), progress: { total: 0, answered: 0, percent, sections: [] }, issues, hidden_items: hidden, needs };
}

/** What the core says one item needs: nothing, unless told. */
export function needs(over: Partial<ItemNeedsDto> = {}): ItemNeedsDto {
  return { answered: false, placeholder: false, meaning: null, comment: null, evidence: null, ...over };
}

/** A comment box as the core asks it; required and missing when a `why` is given. */
export function commentNeed(kind: CommentNeedDto["kind"], why = "", over: Partial<CommentNeedDto> = {}): CommentNeedDto {
  const labels = { mitigation: "Mitigation", justification: "Justification", statement: "Supplier statement", notes: "Additional notes" };
  return { kind, label: labels[kind], required: why !== "", missing: why !== "", why, ...over };
}

export function evidenceNeed(why = "", over: Partial<EvidenceNeedDto> = {}): EvidenceNeedDto {
  return { required: why !== "", missing: why !== "", why, ...over };
}

export function draftView(t: TemplateView, over: Partial<DraftView> = {}): DraftView {
  return {
    path: "/tmp/test.scal",
    read_only: false,
    read_only_reason: "",
    review_mode: false,
    template: t,
    answers: {},
    evidence: [],
    section_status: {},
    section_status_info: {},
    report: report(),
    last_change: "",
    exports: [],
    review: { threads: [], signoff: null, archived: [], reconfirm: [], changed: { exported: false, last_export_at: "", items: [] } },
    workbook: null,
    ...over,
  };
}

/** A review thread as the layer sends it: its first comment (id, item, who, when, what) and its
 * state; resolved threads name who resolved them. */
export function thread(
  first: { id: number; item: string; at: string; author: string; body: string; resolved_at?: string | null; resolved_by?: string | null },
  open = true,
): ReviewThreadDto {
  return {
    id: first.id,
    item: first.item,
    section: null,
    label: null,
    status: open ? "open" : "resolved",
    resolved_at: first.resolved_at ?? null,
    resolved_by: first.resolved_by ?? null,
    comments: [{ id: first.id, parent: null, at: first.at, author: first.author, body: first.body, kind: "remark", proposed: null, source: null }],
  };
}
