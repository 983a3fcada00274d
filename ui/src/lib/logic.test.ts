import { describe, expect, it } from "vitest";
import {
  displayValue,
  flatten,
  formatBytes,
  groupIssues,
  matchesQuery,
  nextIssueItem,
  offsetsOf,
  rowAt,
  visibleRange,
} from "./logic";
import { issue, item, report, requirement, section, template } from "../test/fixtures";

describe("answers", () => {
  it("shows a multi-choice answer joined as the workbook writes it", () => {
    expect(displayValue(["Urgent care", "Other: prison health"])).toBe("Urgent care; Other: prison health");
    expect(displayValue(null)).toBe("");
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
