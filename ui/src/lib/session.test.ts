import { describe, expect, it, vi } from "vitest";
import { flushSync } from "svelte";
import type { Api } from "./api";
import type { SaveResult, ValueDto } from "../generated/types";
import { Session } from "./session.svelte";
import { draftView, issue, item, report, section, template } from "../test/fixtures";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function fakeApi(over: Partial<Api> = {}): Api {
  // Only the calls a test makes are given; any other would fail loudly as "not a function".
  return over as Api;
}

const t = template([section("org", [item("org-name"), item("cso-email", { kind: "email" })])]);

function saved(item: string, value: ValueDto | null, at = "2026-11-24T10:00:00Z"): SaveResult {
  return { item, answer: { value, comment: "" }, report: report(), saved_at: at, changed: { exported: false, last_export_at: "", items: [] }, signoff_stale: false };
}

describe("autosave", () => {
  it("shows Saving… until every save has landed, then Saved", async () => {
    const first = deferred<SaveResult>();
    const setAnswer = vi.fn().mockReturnValueOnce(first.promise);
    const s = new Session(fakeApi({ setAnswer }));
    s.show(draftView(t));
    const done = s.save("org-name", "Northwind", "");
    expect(s.saveStatus.kind).toBe("saving");
    expect(s.answers["org-name"].value).toBe("Northwind");
    first.resolve(saved("org-name", "Northwind"));
    await done;
    expect(s.saveStatus).toEqual({ kind: "saved", at: "2026-11-24T10:00:00Z" });
  });

  it("stores the last value typed when saves of one item overlap", async () => {
    const calls: string[] = [];
    const setAnswer = vi.fn(async (itemId: string, value: ValueDto | null) => {
      calls.push(String(value));
      await new Promise((r) => setTimeout(r, value === "A" ? 20 : 0));
      return saved(itemId, value);
    });
    const s = new Session(fakeApi({ setAnswer }));
    s.show(draftView(t));
    void s.save("org-name", "A", "");
    void s.save("org-name", "AB", "");
    await s.idle();
    expect(calls).toEqual(["A", "AB"]);
    expect(s.answers["org-name"].value).toBe("AB");
  });

  it("shows a refused value next to its item and says it was not saved", async () => {
    const setAnswer = vi.fn().mockRejectedValue({ code: "invalid_answer", message: "\"nobody\" is not an email address for item \"cso-email\"" });
    const s = new Session(fakeApi({ setAnswer }));
    s.show(draftView(t));
    await s.save("cso-email", "nobody", "");
    expect(s.itemErrors["cso-email"]).toContain("not an email address");
    expect(s.saveStatus.kind).toBe("error");
  });

  it("saves nothing in a read-only draft", async () => {
    const setAnswer = vi.fn();
    const s = new Session(fakeApi({ setAnswer }));
    s.show(draftView(t, { read_only: true, read_only_reason: "opened for review" }));
    await s.save("org-name", "x", "");
    expect(setAnswer).not.toHaveBeenCalled();
    expect(s.tab).toBe("review");
  });
});

describe("navigation", () => {
  it("goes to the next issue's section and asks the editor to focus it", () => {
    const t2 = template([section("a", [item("a1")]), section("b", [item("b1")])]);
    const s = new Session(fakeApi());
    s.show(draftView(t2, { report: report([issue("b1", "b")]) }));
    flushSync();
    s.tab = "completeness";
    s.goToIssue(1);
    expect(s.tab).toBe("answer");
    expect(s.sectionId).toBe("b");
    expect(s.focusRequest?.id).toBe("b1");
  });
});

describe("opening", () => {
  it("offers to review read-only a draft that is open elsewhere", async () => {
    const openRecent = vi
      .fn()
      .mockRejectedValueOnce({ code: "already_open", message: "/d/a.scal is already open in another SCAL Workbench window or command" })
      .mockResolvedValueOnce(draftView(t, { read_only: true, read_only_reason: "opened for review" }));
    const s = new Session(fakeApi({ openRecent }));
    await s.openRecent("/d/a.scal", false);
    expect(s.screen).toBe("start");
    expect(s.notice?.text).toContain("already open");
    s.notice?.action?.run();
    await vi.waitFor(() => expect(s.screen).toBe("draft"));
    expect(openRecent).toHaveBeenLastCalledWith("/d/a.scal", true);
    expect(s.readOnly).toBe(true);
  });
});
