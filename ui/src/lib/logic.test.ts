import { describe, expect, it } from "vitest";
import {
  commentNeed,
  displayValue,
  flatten,
  formatBytes,
  groupIssues,
  isAnswered,
  isPlaceholder,
  matchesQuery,
  nextIssueItem,
  offsetsOf,
  rowAt,
  toValue,
  visibleRange,
} from "./logic";
import { issue, item, report, requirement, section, template } from "../test/fixtures";

describe("answers", () => {
  it("never counts a placeholder or blank as an answer", () => {
    for (const p of ["Please select…", "please select....", "[please state]", "  ", "Select"]) expect(isPlaceholder(p)).toBe(true);
    expect(isPlaceholder("No")).toBe(false);
    expect(isAnswered({ value: "Please select…", comment: "" })).toBe(false);
    expect(isAnswered({ value: ["", "Hospital"], comment: "" })).toBe(true);
    expect(isAnswered(undefined)).toBe(false);
  });

  it("shows a multi-choice answer joined as the workbook writes it", () => {
    expect(displayValue(["Urgent care", "Other: prison health"])).toBe("Urgent care; Other: prison health");
    expect(displayValue(null)).toBe("");
  });

  it("turns what a control holds into the value to save", () => {
    expect(toValue("choice", "Please select…")).toBeNull();
    expect(toValue("text", "  ")).toBeNull();
    expect(toValue("text", "Northwind")).toBe("Northwind");
    expect(toValue("multi_choice", ["A", ""])).toEqual(["A"]);
    expect(toValue("multi_choice", [])).toBeNull();
  });
});

describe("mitigation and justification boxes", () => {
  it("flags a declaration answered No without a mitigation, and shows no box for Yes", () => {
    const d = item("decl", { kind: "declaration", options: ["Yes", "No"], comment_when_no: true });
    expect(commentNeed(d, { value: "Yes", comment: "" }).shown).toBe(false);
    const no = commentNeed(d, { value: "No", comment: "" });
    expect(no).toMatchObject({ shown: true, missing: true });
    expect(commentNeed(d, { value: "No", comment: "Booked for May" }).missing).toBe(false);
  });

  it("asks a requirement row for a mitigation on No and a justification on Out of Scope", () => {
    const r = requirement("r1");
    expect(commentNeed(r, { value: "No", comment: "" })).toMatchObject({ label: "Mitigation", missing: true });
    expect(commentNeed(r, { value: "Out of Scope", comment: "" })).toMatchObject({ label: "Justification", missing: true });
    expect(commentNeed(r, { value: "Yes", comment: "" })).toMatchObject({ label: "Additional notes", missing: false });
  });
});

describe("responses judged by what they mean", () => {
  const compliance = (assessment: string) => {
    const r = requirement("ers-07", "MUST", {
      options: ["Compliant", "Semi-compliant", "Non-compliant", "N/a"],
      meanings: { Compliant: "met", "Semi-compliant": "partly_met", "Non-compliant": "not_met", "N/a": "not_applicable" },
    });
    return { ...r, requirement: r.requirement ? { ...r.requirement, assessment } : null };
  };

  it("asks a Compliant set for a mitigation, a justification and a statement as the core does", () => {
    const r = compliance("supplier_statement");
    expect(commentNeed(r, { value: "Non-compliant", comment: "" })).toMatchObject({ label: "Mitigation", missing: true });
    expect(commentNeed(r, { value: "Semi-compliant", comment: "" })).toMatchObject({ label: "Mitigation", missing: true });
    expect(commentNeed(r, { value: "Semi-compliant", comment: "GP referrals only" }).missing).toBe(false);
    expect(commentNeed(r, { value: "N/a", comment: "" })).toMatchObject({ label: "Justification", missing: true });
    expect(commentNeed(r, { value: "Compliant", comment: "" })).toMatchObject({ label: "Supplier statement", missing: true });
    expect(commentNeed(r, { value: "Compliant", comment: "We send it on every referral." }).missing).toBe(false);
  });

  it("asks for a supplier statement only when the answer is met", () => {
    const r = compliance("supplier_statement");
    expect(commentNeed(r, undefined).missing).toBe(false);
    const plain = requirement("r1", "MUST");
    const stated = { ...plain, requirement: plain.requirement ? { ...plain.requirement, assessment: "supplier_statement" } : null };
    expect(commentNeed(stated, { value: "Yes", comment: "" }).missing).toBe(true);
    expect(commentNeed(stated, { value: "Out of Scope", comment: "Provider only" }).missing).toBe(false);
  });

  it("follows the template's own meaning over the words", () => {
    const r = requirement("r2", "SHOULD", { options: ["Done", "Partial"], meanings: { Done: "met", Partial: "not_met" } });
    expect(commentNeed(r, { value: "Partial", comment: "" })).toMatchObject({ label: "Mitigation", missing: true });
    expect(commentNeed(r, { value: "Done", comment: "" })).toMatchObject({ label: "Additional notes", missing: false });
  });
});

describe("finding items", () => {
  const t = template([
    section("org", [item("org-name", { label: "Supplier organisation name" })]),
    section("uec", [requirement("uec-book-01", "MUST", { text: "POST an Appointment for a free slot" }), requirement("uec-cancel-01")]),
  ]);
  const flat = flatten(t);

  it("searches by requirement ID and by words of the text", () => {
    expect(matchesQuery(flat[1].item, "UEC-BOOK")).toBe(true);
    expect(matchesQuery(flat[1].item, "free slot")).toBe(true);
    expect(matchesQuery(flat[1].item, "cancel")).toBe(false);
    expect(matchesQuery(flat[0].item, "organisation")).toBe(true);
  });

  it("moves to the next and previous issue in template order, wrapping round", () => {
    const r = report([issue("uec-cancel-01", "uec"), issue("org-name", "org")]);
    expect(nextIssueItem(flat, r, null, 1)).toBe("org-name");
    expect(nextIssueItem(flat, r, "org-name", 1)).toBe("uec-cancel-01");
    expect(nextIssueItem(flat, r, "uec-cancel-01", 1)).toBe("org-name");
    expect(nextIssueItem(flat, r, "org-name", -1)).toBe("uec-cancel-01");
    expect(nextIssueItem(flat, report([]), null, 1)).toBeNull();
  });

  it("groups issues by section in template order, blocking apart from warnings", () => {
    const r = report([issue("uec-cancel-01", "uec", "warning"), issue("org-name", "org"), issue("uec-book-01", "uec")]);
    const g = groupIssues(t, r);
    expect(g.map((x) => x.section.id)).toEqual(["org", "uec"]);
    expect(g[1].blocking.map((i) => i.item)).toEqual(["uec-book-01"]);
    expect(g[1].warnings.map((i) => i.item)).toEqual(["uec-cancel-01"]);
  });
});

describe("virtual list window", () => {
  const heights = Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? 100 : 150));
  const offsets = offsetsOf(heights);

  it("renders only the rows in view, plus a few either side", () => {
    const r = visibleRange(offsets, 0, 600, 3);
    expect(r.start).toBe(0);
    expect(r.end).toBeLessThan(12);
    const mid = visibleRange(offsets, 125_000, 600, 3);
    expect(mid.end - mid.start).toBeLessThan(14);
    expect(offsets[mid.start]).toBeLessThanOrEqual(125_000);
    expect(offsets[mid.end]).toBeGreaterThanOrEqual(125_600);
  });

  it("finds the row under a scroll position", () => {
    expect(rowAt(offsets, 0)).toBe(0);
    expect(rowAt(offsets, 99)).toBe(0);
    expect(rowAt(offsets, 100)).toBe(1);
    expect(rowAt(offsets, offsets[2000] + 50)).toBe(1999);
    expect(visibleRange(offsetsOf([]), 0, 600, 3)).toEqual({ start: 0, end: 0 });
  });
});

describe("formatting", () => {
  it("writes sizes as people read them", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(3 * 1024 ** 3)).toBe("3.0 GB");
  });
});
