// Unit tests of the client logic behind history, snapshots, diff, review, sign-off and upgrade.
import { describe, expect, it } from "vitest";
import type { HistoryLine } from "../generated/types";
import { countBySection, describeChange, filterHistory, flatten, kindName, openThreadCounts } from "./logic";
import { item, section, template, thread as fixtureThread } from "../test/fixtures";

function entry(over: Partial<HistoryLine>): HistoryLine {
  return {
    seq: 1, at: "2026-11-24T10:00:00Z", author: "Asha", item: "req-1", section: "svc", label: "Book", action: "answer",
    old_value: null, new_value: null, old_comment: null, new_comment: null, evidence: null, snapshot: null, copied_from: null, dates: null, review: null,
    called: "UEC-01: Book", detail: "", ...over,
  };
}

describe("history in words", () => {
  it("an answer change reads old → new, with the mitigation when it changed too", () => {
    const c = describeChange(entry({ old_value: "Yes", new_value: "No", old_comment: "", new_comment: "Fallback by phone" }));
    expect(c).toEqual({ what: "Answer", was: "Yes", became: "No", commentWas: "(none)", commentBecame: "\u201cFallback by phone\u201d" });
  });

  it("an answer change that left the comment alone does not mention it", () => {
    const c = describeChange(entry({ new_value: ["A", "B"] }));
    expect(c.was).toBe("(no answer)");
    expect(c.became).toBe("A; B");
    expect(c.commentWas).toBeNull();
  });

  it("a comment-only change shows both comments; evidence shows the file", () => {
    const c = describeChange(entry({ action: "comment", old_comment: "draft", new_comment: "final" }));
    expect([c.what, c.commentWas, c.commentBecame]).toEqual(["Comment", "\u201cdraft\u201d", "\u201cfinal\u201d"]);
    const a = describeChange(entry({ action: "attach", detail: "Attached report.pdf (SHA-256 abc…)" }));
    expect(a.became).toBe("Attached report.pdf (SHA-256 abc…)");
  });

  it("upgrade changes are named for what they did", () => {
    expect(describeChange(entry({ action: "archive", old_value: "Yes" })).what).toBe("Archived by an upgrade");
    expect(describeChange(entry({ action: "confirm" })).what).toBe("Re-confirmed");
  });

  it("a copied answer names the draft it came from", () => {
    const c = describeChange(entry({ action: "copy", detail: "Copied from org-name of old.scal", new_value: "Northwind" }));
    expect(c.what).toBe("Copied from another draft");
    expect(c.became).toBe("Northwind \u00b7 Copied from org-name of old.scal");
  });

  it("the draft's history filters by section and by any word of the change", () => {
    const list = [
      entry({ item: "org-name", called: "Organisation name", section: "org", new_value: "Northwind" }),
      entry({ author: "Ben", new_value: "No", old_comment: "", new_comment: "Phone fallback" }),
    ];
    expect(filterHistory(list, "", "org").map((e) => e.item)).toEqual(["org-name"]);
    expect(filterHistory(list, "ben", "").map((e) => e.item)).toEqual(["req-1"]);
    expect(filterHistory(list, "phone fallback", "").map((e) => e.item)).toEqual(["req-1"]);
    expect(filterHistory(list, "northwind", "svc")).toEqual([]);
  });
});

function comment(id: number) {
  return { id, item: "req-1", at: `2026-11-24T10:0${id}:00Z`, author: "Rev", body: `c${id}` };
}

describe("review threads", () => {
  it("counts open threads per item and per section", () => {
    const thread = (id: number, itemId: string, open: boolean) => fixtureThread({ ...comment(id), item: itemId }, open);
    const counts = openThreadCounts([thread(1, "req-1", true), thread(2, "req-1", false), thread(3, "org-name", true)]);
    expect(counts.get("req-1")).toBe(1);
    expect(counts.get("org-name")).toBe(1);
    const flat = flatten(template([section("org", [item("org-name")]), section("svc", [item("req-1"), item("req-2")])]));
    expect(countBySection(flat, counts)).toEqual(new Map([["org", 1], ["svc", 1]]));
    expect(countBySection(flat, new Set(["req-1", "req-2"]))).toEqual(new Map([["svc", 2]]));
  });

  it("item kinds read as words in the import summary", () => {
    expect(kindName("requirement")).toBe("Requirement rows");
    expect(kindName("something_new")).toBe("something_new");
  });
});
