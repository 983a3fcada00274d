import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import type { Api } from "../lib/api";
import { Session } from "../lib/session.svelte";
import type { SaveResult, ValueDto } from "../generated/types";
import ItemEditor from "./ItemEditor.svelte";
import StartScreen from "./StartScreen.svelte";
import CompletenessPanel from "./CompletenessPanel.svelte";
import Editor from "./Editor.svelte";
import ReviewPanel from "./ReviewPanel.svelte";
import { commentNeed, draftView, evidenceNeed, issue, item, needs, report, requirement, section, template } from "../test/fixtures";

function sessionWith(t = template([section("s", [])]), api: Partial<Api> = {}, over = {}) {
  const s = new Session(api as Api);
  s.show(draftView(t, over));
  return s;
}

const ok = (itemId: string, value: ValueDto | null, comment = "", rep = report()): SaveResult => ({
  item: itemId,
  answer: { value, comment },
  report: rep,
  saved_at: "2026-11-24T10:00:00Z",
  changed: { exported: false, last_export_at: "", items: [] },
  signoff_stale: false,
});

describe("an item is rendered as what it is", () => {
  it("a requirement row has its ID, level, a Yes/No/Out of Scope dropdown and a notes box", () => {
    const r = requirement("uec-book-01", "MUST", { text: "Book with POST" });
    const rep = report([], 0, [], { "uec-book-01": needs({ comment: commentNeed("notes") }) });
    render(ItemEditor, { session: sessionWith(template([section("s", [r])]), {}, { report: rep }), item: r, onhistory: () => {} });
    expect(screen.getByText("UEC-BOOK-01")).toBeInTheDocument();
    expect(screen.getByText("MUST")).toBeInTheDocument();
    const select = screen.getByTestId("answer-uec-book-01") as HTMLSelectElement;
    expect([...select.options].map((o) => o.text)).toEqual(["Please select…", "Yes", "No", "Out of Scope"]);
    expect(screen.getByLabelText("Additional notes")).toBeInTheDocument();
  });

  it("choosing No saves at once and flags the empty mitigation box the core asks for", async () => {
    const r = requirement("uec-book-01");
    const why = "A mitigation is needed: this MUST is not met. Say what you do instead and when it will be met.";
    const asked = report([], 0, [], { "uec-book-01": needs({ answered: true, meaning: "not_met", comment: commentNeed("mitigation", why) }) });
    const setAnswer = vi.fn(async (id: string, v: ValueDto | null, c: string) => ok(id, v, c, asked));
    const s = sessionWith(template([section("s", [r])]), { setAnswer });
    render(ItemEditor, { session: s, item: r, onhistory: () => {} });
    await fireEvent.change(screen.getByTestId("answer-uec-book-01"), { target: { value: "No" } });
    expect(setAnswer).toHaveBeenCalledWith("uec-book-01", "No", "");
    const box = await screen.findByLabelText("Mitigation");
    expect(box).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText(why)).toBeInTheDocument();
  });

  it("shows the comment box the core asks for, and only that: no rule of its own", () => {
    const d = item("decl-dspt", { kind: "declaration", options: ["Yes", "No"], comment_when_no: true });
    const t = template([section("s", [d])]);
    // Answered No, but the core asks nothing (as for a response the template says is met):
    // the UI adds no box and no flag of its own.
    const quiet = render(ItemEditor, {
      session: sessionWith(t, {}, { answers: { "decl-dspt": { value: "No", comment: "" } }, report: report([], 0, [], { "decl-dspt": needs({ answered: true }) }) }),
      item: d,
      onhistory: () => {},
    });
    expect(quiet.queryByTestId("comment-decl-dspt")).toBeNull();
    quiet.unmount();
    const rep = report([], 0, [], { "decl-dspt": needs({ answered: true, meaning: "not_met", comment: commentNeed("mitigation", "A mitigation is needed: this declaration is not met.") }) });
    render(ItemEditor, { session: sessionWith(t, {}, { answers: { "decl-dspt": { value: "No", comment: "" } }, report: rep }), item: d, onhistory: () => {} });
    expect(screen.getByTestId("comment-decl-dspt")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText("A mitigation is needed: this declaration is not met.")).toBeInTheDocument();
  });

  it("a supplier statement is flagged only when the core says so", () => {
    const plain = requirement("r1");
    const r = { ...plain, requirement: plain.requirement ? { ...plain.requirement, assessment: "supplier_statement" } : null };
    const t = template([section("s", [r])]);
    // Answered No with a mitigation: the core offers the mitigation box, not a statement.
    const no = render(ItemEditor, {
      session: sessionWith(t, {}, {
        answers: { r1: { value: "No", comment: "Planned for 2.5" } },
        report: report([], 0, [], { r1: needs({ answered: true, meaning: "not_met", comment: commentNeed("mitigation", "", { required: true }) }) }),
      }),
      item: r,
      onhistory: () => {},
    });
    expect(no.getByLabelText("Mitigation")).toHaveAttribute("aria-invalid", "false");
    expect(no.queryByText(/statement/i)).toBeNull();
    no.unmount();
    const why = "A supplier statement is needed: this MUST is assessed by your statement. Write it here.";
    render(ItemEditor, {
      session: sessionWith(t, {}, { answers: { r1: { value: "Yes", comment: "" } }, report: report([], 0, [], { r1: needs({ answered: true, meaning: "met", comment: commentNeed("statement", why) }) }) }),
      item: r,
      onhistory: () => {},
    });
    expect(screen.getByLabelText("Supplier statement")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText(why)).toBeInTheDocument();
  });

  it("shows a placeholder value as no answer, and the evidence the core asks for", () => {
    const r = { ...requirement("r1"), required: false };
    const plain = requirement("r2");
    const e = { ...plain, requirement: plain.requirement ? { ...plain.requirement, assessment: "evidence" } : null };
    const t = template([section("s", [r, e])]);
    const why = "Evidence is needed: this requirement is assessed by tests, so attach the test evidence to the row.";
    const s = sessionWith(t, {}, {
      answers: { r1: { value: "Please select…", comment: "" }, r2: { value: "Yes", comment: "" } },
      report: report([], 0, [], { r1: needs({ placeholder: true }), r2: needs({ answered: true, meaning: "met", evidence: evidenceNeed(why) }) }),
    });
    const one = render(ItemEditor, { session: s, item: r, onhistory: () => {} });
    expect((one.getByTestId("answer-r1") as HTMLSelectElement).value).toBe("");
    expect(one.getByTestId("item-r1")).not.toHaveClass("answered");
    expect(one.queryByTestId("evidence-r1")).toBeNull();
    one.unmount();
    render(ItemEditor, { session: s, item: e, onhistory: () => {} });
    expect(screen.getByTestId("item-r2")).toHaveClass("answered");
    expect(screen.getByTestId("evidence-r2")).toHaveTextContent(why);
  });

  it("a multi-choice is a group of checkboxes, a date a date field, an email an email field", () => {
    const m = item("care", { kind: "multi_choice", options: ["Urgent care", "Hospital", "Other"], other: true });
    const d = item("dspt-date", { kind: "date", date_rule: "within_12_months" });
    const e = item("cso-email", { kind: "email" });
    const s = sessionWith(template([section("s", [m, d, e])]), {}, { answers: { care: { value: ["Hospital"], comment: "" } } });
    render(ItemEditor, { session: s, item: m, onhistory: () => {} });
    render(ItemEditor, { session: s, item: d, onhistory: () => {} });
    render(ItemEditor, { session: s, item: e, onhistory: () => {} });
    const group = screen.getByTestId("answer-care");
    expect(within(group).getAllByRole("checkbox")).toHaveLength(3);
    expect(within(group).getByLabelText("Hospital")).toBeChecked();
    expect(screen.getByTestId("answer-dspt-date")).toHaveAttribute("type", "date");
    expect(screen.getByTestId("answer-cso-email")).toHaveAttribute("type", "email");
  });

  it("typing is saved after a short pause, once", async () => {
    vi.useFakeTimers();
    const f = item("org-name", { label: "Supplier organisation name" });
    const setAnswer = vi.fn(async (id: string, v: ValueDto | null, c: string) => ok(id, v, c));
    const s = sessionWith(template([section("s", [f])]), { setAnswer });
    render(ItemEditor, { session: s, item: f, onhistory: () => {} });
    const input = screen.getByRole("textbox", { name: /^Supplier organisation name/ });
    await fireEvent.input(input, { target: { value: "North" } });
    await fireEvent.input(input, { target: { value: "Northwind" } });
    expect(s.saveStatus.kind).toBe("saving");
    expect(setAnswer).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(500);
    expect(setAnswer).toHaveBeenCalledTimes(1);
    expect(setAnswer).toHaveBeenCalledWith("org-name", "Northwind", "");
    vi.useRealTimers();
  });

  it("a read-only draft shows answers in disabled controls", () => {
    const r = requirement("r1");
    const s = sessionWith(template([section("s", [r])]), {}, { read_only: true, answers: { r1: { value: "Yes", comment: "" } }, report: report([], 0, [], { r1: needs({ answered: true, meaning: "met" }) }) });
    render(ItemEditor, { session: s, item: r, onhistory: () => {} });
    expect(screen.getByTestId("answer-r1")).toBeDisabled();
    expect((screen.getByTestId("answer-r1") as HTMLSelectElement).value).toBe("Yes");
  });
});

describe("start screen", () => {
  it("offers the sample draft on first launch and lists recent drafts with progress", () => {
    const s = new Session({} as Api);
    s.start = {
      first_launch: true,
      version: "0.1.0",
      templates: [{ id: "uec", version: "1.0.0", title: "UEC Appointment Booking", publisher: "NHS", description: "", sections: 5, items: 120 }],
      recent: [{ path: "/d/acme.scal", title: "acme", template: "UEC 1.0.0", percent: 42, last_change: "", exists: true }],
    };
    render(StartScreen, { session: s });
    expect(screen.getByTestId("open-sample")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "acme" })).toBeEnabled();
    expect(screen.getByText("42%")).toBeInTheDocument();
    expect(screen.getByLabelText(/UEC Appointment Booking/)).toBeChecked();
  });
});

describe("completeness panel", () => {
  it("groups issues by section and each one links to its item", async () => {
    const t = template([section("org", [item("org-name")]), section("uec", [requirement("r1"), requirement("r2")])]);
    const rep = report([issue("r2", "uec", "blocking", "MUST answered No."), issue("org-name", "org"), issue("r1", "uec", "warning", "Notes advised.")]);
    const s = sessionWith(t, {}, { report: rep });
    s.tab = "completeness";
    render(CompletenessPanel, { session: s });
    expect(screen.getByTestId("blocking-count")).toHaveTextContent("2 blocking");
    const uec = screen.getByTestId("issues-uec");
    expect(within(uec).getByText(/MUST answered No/)).toBeInTheDocument();
    await fireEvent.click(within(uec).getByRole("button", { name: "R2" }));
    expect(s.tab).toBe("answer");
    expect(s.sectionId).toBe("uec");
    expect(s.focusRequest?.id).toBe("r2");
  });
});

describe("editor", () => {
  const big = template([
    section("org", [item("org-name")]),
    section("uec", Array.from({ length: 2000 }, (_, i) => requirement(`r${i}`)), { kind: "service" }),
  ]);

  it("renders only a window of a 2,000-row requirements section", async () => {
    const s = sessionWith(big);
    s.sectionId = "uec";
    render(Editor, { session: s, onhistory: () => {} });
    const rows = document.querySelectorAll("[data-item-id]");
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(40);
  });

  it("finds an item by its ID across sections", async () => {
    const s = sessionWith(big);
    render(Editor, { session: s, onhistory: () => {} });
    await fireEvent.input(screen.getByTestId("search"), { target: { value: "R1999" } });
    expect(document.querySelector('[data-item-id="r1999"]')).not.toBeNull();
    expect(screen.getByText(/Search results/)).toBeInTheDocument();
  });

  it("hides what the template does not ask, and says what a hidden section depends on", async () => {
    const t = template([
      section("org", [item("services", { kind: "multi_choice", options: ["Consumer"] }), item("follow-up")]),
      section("consumer", [requirement("c1")], { kind: "service", visible_when: { item: "services", values: ["Consumer"] } }),
    ]);
    const s = sessionWith(t, {}, { report: report([], 0, ["follow-up", "c1"]) });
    render(Editor, { session: s, onhistory: () => {} });
    expect([...document.querySelectorAll<HTMLElement>("[data-item-id]")].map((e) => e.dataset.itemId)).toEqual(["services"]);
    expect(screen.getByTestId("nav-consumer")).toHaveTextContent("not asked");
    await fireEvent.click(screen.getByTestId("nav-consumer"));
    expect(screen.getByTestId("nothing-shown")).toHaveTextContent("depends on");
  });

  it("shows only what is missing when asked", async () => {
    const t = template([section("org", [item("a"), item("b"), item("c", { required: false })])]);
    const s = sessionWith(t, {}, { answers: { a: { value: "done", comment: "" } }, report: report([issue("b", "org")]) });
    render(Editor, { session: s, onhistory: () => {} });
    expect(document.querySelectorAll("[data-item-id]")).toHaveLength(3);
    await fireEvent.click(screen.getByTestId("missing-only"));
    expect([...document.querySelectorAll<HTMLElement>("[data-item-id]")].map((e) => e.dataset.itemId)).toEqual(["b"]);
  });
});

describe("summary", () => {
  it("counts requirement rows by the meaning the core gives, leaving out what is not asked", () => {
    const opts = { options: ["Compliant", "Non-compliant", "N/a"], meanings: {} };
    const rows = [requirement("r1", "MUST", opts), requirement("r2", "MUST", opts), requirement("r3", "MUST", opts), requirement("r4", "MUST", opts)];
    const t = template([section("svc", rows)]);
    const answers = { r1: { value: "Compliant", comment: "" }, r2: { value: "Non-compliant", comment: "x" }, r3: { value: "N/a", comment: "" } };
    // r4 is hidden: the core gives it no needs.
    const rep = report([], 0, ["r4"], {
      r1: needs({ answered: true, meaning: "met" }),
      r2: needs({ answered: true, meaning: "not_met" }),
      r3: needs({ answered: true, meaning: "not_applicable" }),
    });
    render(ReviewPanel, { session: sessionWith(t, {}, { answers, report: rep }) });
    const must = screen.getByRole("row", { name: /^MUST/ });
    expect([...must.querySelectorAll("td")].map((c) => c.textContent)).toEqual(["3", "1", "1", "1", "0"]);
  });
});
