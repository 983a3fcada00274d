// Component tests of the review, change-tracking, import and upgrade screens, with fixtures.
import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within, waitFor } from "@testing-library/svelte";
import type { Api } from "../lib/api";
import { emptyReview, Session } from "../lib/session.svelte";
import type { DiffDto, ReviewState } from "../generated/types";
import ItemEditor from "./ItemEditor.svelte";
import Editor from "./Editor.svelte";
import SectionNav from "./SectionNav.svelte";
import SignoffPanel from "./SignoffPanel.svelte";
import DiffView from "./DiffView.svelte";
import StartScreen from "./StartScreen.svelte";
import VersionsPanel from "./VersionsPanel.svelte";
import CommentsDialog from "./CommentsDialog.svelte";
import ExportPanel from "./ExportPanel.svelte";
import { draftView, item, requirement, section, template, thread } from "../test/fixtures";

function review(over: Partial<ReviewState> = {}): ReviewState {
  return { ...emptyReview(), ...over };
}

function sessionWith(t = template([section("s", [])]), api: Partial<Api> = {}, over = {}) {
  const s = new Session(api as Api);
  s.show(draftView(t, over));
  return s;
}

const changedSince = (items: string[]) => ({ exported: true, last_export_at: "2026-11-24T09:00:00Z", items });

describe("changed since the last export", () => {
  const t = template([section("org", [item("a"), item("b")]), section("svc", [requirement("r1")])]);

  it("marks a changed item in place and counts it on its section", () => {
    const s = sessionWith(t, {}, { review: review({ changed: changedSince(["b"]) }) });
    render(ItemEditor, { session: s, item: t.sections[0].items[1], onhistory: () => {} });
    expect(screen.getByTestId("changed-b")).toHaveTextContent("Changed since export");
    render(SectionNav, { session: s, onpick: () => {} });
    expect(screen.getByTestId("changed-count-org")).toHaveTextContent("1 changed");
    expect(screen.queryByTestId("changed-count-svc")).toBeNull();
  });

  it("filters the section to what changed", async () => {
    const s = sessionWith(t, {}, { review: review({ changed: changedSince(["b"]) }) });
    render(Editor, { session: s, onhistory: () => {} });
    expect(document.querySelectorAll("[data-item-id]")).toHaveLength(2);
    await fireEvent.click(screen.getByTestId("changed-only"));
    expect([...document.querySelectorAll<HTMLElement>("[data-item-id]")].map((e) => e.dataset.itemId)).toEqual(["b"]);
  });

  it("offers no such filter before the first export", () => {
    render(Editor, { session: sessionWith(t), onhistory: () => {} });
    expect(screen.queryByTestId("changed-only")).toBeNull();
  });
});

describe("review comments and re-confirmation on an item", () => {
  it("the comment link counts open threads and opens the thread dialog", async () => {
    const r = requirement("r1");
    const threads = [
      thread({ id: 1, item: "r1", at: "2026-11-24T10:00:00Z", author: "Rev", body: "Evidence?" }),
      thread({ id: 2, item: "r1", at: "2026-11-24T10:01:00Z", author: "Rev", body: "Old", resolved_at: "2026-11-24T10:02:00Z", resolved_by: "Lead" }, false),
    ];
    const s = sessionWith(template([section("svc", [r])]), {}, { review: review({ threads }) });
    render(ItemEditor, { session: s, item: r, onhistory: () => {} });
    const link = screen.getByTestId("comments-r1");
    expect(link).toHaveTextContent("Comments (1 open)");
    await fireEvent.click(link);
    expect(s.commentsItem).toBe("r1");
  });

  it("a carried answer whose wording changed shows the old wording and a Confirm button", async () => {
    const r = requirement("r1");
    const confirmItem = vi.fn(async () => review());
    const s = sessionWith(template([section("svc", [r])]), { confirmItem }, {
      review: review({ reconfirm: [{ item: "r1", old_text: "Book with POST", flagged_at: "2026-11-24T10:00:00Z" }] }),
    });
    render(ItemEditor, { session: s, item: r, onhistory: () => {} });
    expect(screen.getByTestId("reconfirm-box-r1")).toHaveTextContent("Book with POST");
    await fireEvent.click(screen.getByTestId("confirm-r1"));
    expect(confirmItem).toHaveBeenCalledWith("r1");
    expect(screen.queryByTestId("reconfirm-box-r1")).toBeNull();
  });
});

describe("sign-off", () => {
  it("says when the sign-off is stale and signs again with the same name and role", async () => {
    const signoff = { name: "Dr A Khan", role: "Clinical Safety Officer", signed_on: "2026-11-20", at: "2026-11-20T09:00:00Z", by: "akhan", stale: true };
    const signOff = vi.fn(async () => review({ signoff: { ...signoff, signed_on: "2026-11-24", stale: false } }));
    const s = sessionWith(template([section("s", [])]), { signOff }, { review: review({ signoff }) });
    render(SignoffPanel, { session: s });
    expect(screen.getByTestId("signoff-stale")).toHaveTextContent("answers have changed");
    await fireEvent.input(screen.getByTestId("signoff-date"), { target: { value: "2026-11-24" } });
    await fireEvent.click(screen.getByTestId("sign-off"));
    expect(signOff).toHaveBeenCalledWith({ name: "Dr A Khan", role: "Clinical Safety Officer", signed_on: "2026-11-24" });
    expect(await screen.findByTestId("signoff-fresh")).toBeInTheDocument();
  });
});

describe("diff", () => {
  it("groups items by section with old → new answers, comments and evidence", () => {
    const diff: DiffDto = {
      from: "snapshot 1 “as submitted”",
      from_at: "2026-11-24T09:00:00Z",
      to: "the draft now",
      to_at: "",
      changed: 1,
      added: 1,
      removed: 0,
      sections: [
        { section: "svc", title: "Booking", items: [
          { item: "r1", section: "svc", section_title: "Booking", label: "Book", called: "UEC-01: Book", change: "changed", answer: { change: "changed", old: "Yes", new: "No" }, comment: { change: "added", old: "", new: "Phone" }, evidence: [] },
          { item: "r2", section: "svc", section_title: "Booking", label: "Cancel", called: "UEC-02: Cancel", change: "added", answer: { change: "added", old: null, new: "Yes" }, comment: null, evidence: [{ change: "added", file_name: "report.pdf", sha256: "ab".repeat(32), size: 10 }] },
        ] },
      ],
    };
    render(DiffView, { diff });
    expect(screen.getByTestId("diff-totals")).toHaveTextContent("1 changed, 1 added, 0 removed");
    const svc = screen.getByTestId("diff-section-svc");
    expect(within(svc).getByText("Booking")).toBeInTheDocument();
    const r1 = svc.querySelector('[data-item="r1"]') as HTMLElement;
    expect(r1).toHaveTextContent("Answer Yes → No");
    expect(r1).toHaveTextContent("Comment (none) → Phone");
    expect(svc.querySelector('[data-item="r2"]')).toHaveTextContent("+ report.pdf");
  });
});

describe("import", () => {
  it("shows the sections, item kinds and skipped sheets before making the draft", async () => {
    const createFromImport = vi.fn(async () => null);
    const s = new Session({ createFromImport } as unknown as Api);
    s.start = { first_launch: false, version: "0.1.0", templates: [], recent: [] };
    s.importPreview = {
      file_name: "SCAL_eRS.xlsx",
      id: "scal-ers",
      title: "e-RS SCAL",
      version: "12.0",
      sections: [{ title: "e-RS Provider", sheet: "e-RS Provider Requirements", kind: "service", items: 40, requirements: 36, tables: [{ kind: "requirements", header_row: 4, items: 36, confidence: 90, reading: "the Compliant column answers" }] }],
      kinds: [{ kind: "requirement", count: 36 }, { kind: "declaration", count: 4 }],
      items: 40,
      skipped: [{ sheet: "NHS Digital Document Management", reason: "a hidden version log, not questions" }],
      warnings: [],
      include_hidden: false,
      sheets: [{ name: "e-RS Provider Requirements", hidden: false, imported: true }],
      mapping: null,
      nothing_imported: "",
    };
    render(StartScreen, { session: s });
    const summary = screen.getByTestId("import-summary");
    expect(summary).toHaveTextContent("e-RS Provider Requirements");
    expect(screen.getByTestId("import-kinds")).toHaveTextContent("Requirement rows 36");
    expect(screen.getByTestId("import-skipped")).toHaveTextContent("a hidden version log");
    expect(screen.getByTestId("import-sure-0")).toHaveTextContent("90%");
    expect(screen.getByTestId("import-reading-0")).toHaveTextContent("the Compliant column answers");
    await fireEvent.click(screen.getByTestId("create-from-import"));
    expect(createFromImport).toHaveBeenCalled();
  });

  it("lets the user name the template before making the draft, keeping the hidden-sheet choice", async () => {
    const preview = {
      file_name: "SCAL_eRS.xlsx",
      id: "scal-ers",
      title: "SCAL eRS",
      version: "1.0.0",
      sections: [],
      kinds: [],
      items: 0,
      skipped: [],
      warnings: [],
      include_hidden: true,
      sheets: [],
      mapping: null,
      nothing_imported: "",
    };
    const importAgain = vi.fn(async (c: { id?: string | null; title?: string | null; version?: string | null; include_hidden: boolean }) => ({ ...preview, id: c.id ?? "", title: c.title ?? "", version: c.version ?? "", include_hidden: c.include_hidden }));
    const s = new Session({ importAgain } as unknown as Api);
    s.start = { first_launch: false, version: "0.1.0", templates: [], recent: [] };
    s.importPreview = preview;
    render(StartScreen, { session: s });
    expect(screen.getByTestId("import-rename")).toBeDisabled();
    await fireEvent.input(screen.getByTestId("import-title-field"), { target: { value: "e-RS Provider SCAL" } });
    await fireEvent.input(screen.getByTestId("import-version"), { target: { value: "12.0.0" } });
    expect(screen.getByTestId("create-from-import")).toBeDisabled();
    expect(screen.getByTestId("import-rename-first")).toBeInTheDocument();
    await fireEvent.click(screen.getByTestId("import-rename"));
    expect(importAgain).toHaveBeenCalledWith({ include_hidden: true, id: "scal-ers", title: "e-RS Provider SCAL", version: "12.0.0", mapping: null });
    expect(await screen.findByText(/version 12\.0\.0/)).toBeInTheDocument();
    expect(screen.getByTestId("import-rename")).toBeDisabled();
    expect(screen.getByTestId("create-from-import")).toBeEnabled();
    // Switching hidden sheets keeps the name being typed.
    await fireEvent.input(screen.getByTestId("import-title-field"), { target: { value: "e-RS SCAL v12" } });
    await fireEvent.click(screen.getByTestId("import-hidden"));
    expect(importAgain).toHaveBeenLastCalledWith({ include_hidden: false, id: "scal-ers", title: "e-RS SCAL v12", version: "12.0.0", mapping: null });
  });
});

describe("upgrade", () => {
  it("shows the dry run grouped, with the reworded answers to re-confirm", async () => {
    const upgradePlan = vi.fn(async () => ({
      from: "UEC 1.0.0",
      to: "UEC 2.0.0",
      summary: { carried: 2, reconfirm: 1, archived: 1, new: 1 },
      snapshot: null,
      groups: [
        { key: "carried_reworded", title: "Reworded: re-confirm", explanation: "Same ID, new wording.", lines: [{ from: "UEC-01", to: "UEC-01", section: "Booking", reason: "wording changed", holds: "Yes", reconfirm: true }] },
        { key: "removed", title: "Removed: archived", explanation: "Kept in the archive.", lines: [{ from: "UEC-09", to: null, section: "Booking", reason: "not in 2.0.0", holds: "No", reconfirm: false }] },
        { key: "new", title: "New", explanation: "", lines: [] },
      ],
    }));
    const s = sessionWith(template([section("s", [])]), { upgradePlan });
    s.start = { first_launch: false, version: "0.1.0", templates: [{ id: "t", version: "2.0.0", title: "UEC", publisher: "", description: "", sections: 1, items: 1 }], recent: [] };
    render(VersionsPanel, { session: s });
    await fireEvent.click(screen.getByTestId("upgrade-check-bundled"));
    expect(upgradePlan).toHaveBeenCalledWith({ kind: "bundled", id: "t" });
    expect(await screen.findByTestId("upgrade-totals")).toHaveTextContent("1 to re-confirm, 1 archived");
    expect(screen.getByTestId("upgrade-group-carried_reworded")).toHaveTextContent("re-confirm");
    expect(screen.getByTestId("upgrade-group-removed")).toHaveTextContent("UEC-09");
    expect(screen.queryByTestId("upgrade-group-new")).toBeNull();
  });
});

describe("archived answers and copying", () => {
  it("lists an archived answer with its evidence by name, and where a restored one went", () => {
    const t = template([section("svc", [requirement("r1")])]);
    const archived = (id: number, item: string, restored: { at: string; by: string; to: string } | null) => ({
      id, item, template_rev: 1, template_id: "uec", template_version: "1.0.0", section: "Booking", label: `Old ${item}`, text: "Old wording",
      value: "No", comment: "Phone fallback", evidence: [{ file_name: "pentest.pdf", sha256: "ab".repeat(32), size: 10 }],
      archived_at: "2026-11-24T09:00:00Z", archived_by: "lead", restored,
    });
    const s = sessionWith(t, {}, { review: review({ archived: [archived(1, "old1", null), archived(2, "old2", { at: "2026-11-25T09:00:00Z", by: "lead", to: "r1" })] }) });
    render(VersionsPanel, { session: s });
    expect(screen.getByTestId("archived")).toHaveTextContent("Archived answers (1)");
    expect(screen.getByTestId("archived-old1")).toHaveTextContent("Evidence: pentest.pdf");
    expect(screen.getByTestId("restore-archived-old1")).toBeInTheDocument();
    expect(screen.getByTestId("archived-old2")).toHaveTextContent("Restored to R1");
  });

  it("previews a copy: value before and after, a comment-only change says the value stays", async () => {
    const t = template([section("org", [item("a")])]);
    const change = (to_item: string, value: { before: string | null; after: string } | null, comment: { before: string; after: string } | null) => ({
      from_item: to_item, to_item, label: to_item, section: "org", by: "id", value, comment, evidence: [{ file_name: "dspt.pdf", sha256: "cd".repeat(32) }],
      name: `Org ${to_item}`, section_title: "Organisation",
    });
    const copyChoose = vi.fn(async () => ({
      from_path: "/drafts/other.scal", from_title: "UEC 1.0.0", sections: [{ id: "org", title: "Organisation", shared: true }], copied: ["org"],
      lines: [change("a", { before: null, after: "Yes" }, null), change("b", null, { before: "", after: "See DSPT" })], unchanged: 3, not_copied: [],
    }));
    const s = sessionWith(t, { copyChoose });
    render(VersionsPanel, { session: s });
    await fireEvent.click(screen.getByTestId("copy-choose"));
    const preview = await screen.findByTestId("copy-preview");
    expect(within(preview).getByTestId("copy-summary")).toHaveTextContent("2 answers would change; 3 already match.");
    const rows = within(preview).getAllByRole("row");
    expect(rows[1]).toHaveTextContent("Org a");
    expect(rows[1]).toHaveTextContent("(no answer)");
    expect(rows[1]).toHaveTextContent("Yes");
    expect(rows[1]).toHaveTextContent("+ dspt.pdf");
    expect(rows[2]).toHaveTextContent("(value unchanged)");
    expect(rows[2]).toHaveTextContent("See DSPT");
  });
});

describe("section status", () => {
  it("when Complete is refused, lists the section's blocking issues under the status", async () => {
    const t = template([section("svc", [requirement("r1")], { has_status: true })]);
    const setSectionStatus = vi.fn(async () => {
      throw { code: "section_not_ready", message: "Section \"svc\" cannot be marked Complete while it has 1 blocking issue." };
    });
    const rep = { complete: false, progress: { total: 1, answered: 0, percent: 0, sections: [] }, issues: [{ item: "r1", section: "svc", severity: "blocking", rule: "required", message: "MUST answered No." }], hidden_items: [], needs: {} };
    const s = sessionWith(t, { setSectionStatus }, { report: rep, section_status: { svc: "In Progress" } });
    render(Editor, { session: s, onhistory: () => {} });
    const select = screen.getByTestId("status-svc") as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: "Complete" } });
    const box = await screen.findByTestId("status-refused");
    expect(box).toHaveTextContent("R1: MUST answered No.");
    expect(select.value).toBe("In Progress");
  });
});

describe("review comments dialog", () => {
  const r = requirement("r1");
  const root = { id: 7, item: "r1", at: "2026-11-24T10:00:00Z", author: "Rev", body: "Evidence for the 422?" };

  it("adds a comment, replies to a thread and resolves it", async () => {
    const addReviewComment = vi.fn(async () => review({ threads: [thread(root)] }));
    const resolveReviewComment = vi.fn(async () => review());
    const s = sessionWith(template([section("svc", [r])]), { addReviewComment, resolveReviewComment }, { review: review({ threads: [thread(root)] }) });
    s.commentsItem = "r1";
    render(CommentsDialog, { session: s });
    await fireEvent.input(screen.getByTestId("new-comment"), { target: { value: "And the 409?" } });
    await fireEvent.click(screen.getByTestId("add-comment"));
    expect(addReviewComment).toHaveBeenCalledWith("r1", "And the 409?", null);
    await fireEvent.click(screen.getByTestId("reply-7"));
    await fireEvent.input(screen.getByTestId("reply-text-7"), { target: { value: "Attached." } });
    await fireEvent.click(screen.getByTestId("reply-send-7"));
    expect(addReviewComment).toHaveBeenLastCalledWith("r1", "Attached.", 7);
    await fireEvent.click(await screen.findByTestId("resolve-7"));
    expect(resolveReviewComment).toHaveBeenCalledWith(7, true);
  });

  it("read-only shows the threads but offers nothing to add", () => {
    const s = sessionWith(template([section("svc", [r])]), {}, { read_only: true, review: review({ threads: [thread(root)] }) });
    s.commentsItem = "r1";
    render(CommentsDialog, { session: s });
    expect(screen.getByTestId("thread-7")).toHaveTextContent("Evidence for the 422?");
    expect(screen.queryByTestId("new-comment")).toBeNull();
    expect(screen.queryByTestId("reply-7")).toBeNull();
  });
});

describe("review comments on a whole section", () => {
  const t = template([section("svc", [requirement("r1")]), section("org", [item("a")])]);
  const root = { id: 9, item: "svc", at: "2026-11-24T10:00:00Z", author: "Rev", body: "Whole tab to re-check after the v12 upgrade" };

  it("the section heading offers them, counts open threads, and the dialog adds to the section", async () => {
    const addReviewComment = vi.fn(async () => review({ threads: [thread(root)] }));
    const s = sessionWith(t, { addReviewComment });
    s.sectionId = "svc";
    render(Editor, { session: s, onhistory: () => {} });
    await fireEvent.click(screen.getByTestId("section-comments-svc"));
    expect(s.commentsItem).toBe("svc");
    render(CommentsDialog, { session: s });
    expect(screen.getByRole("heading", { name: /whole section "Section svc"/ })).toBeInTheDocument();
    await fireEvent.input(screen.getByTestId("new-comment"), { target: { value: root.body } });
    await fireEvent.click(screen.getByTestId("add-comment"));
    expect(addReviewComment).toHaveBeenCalledWith("svc", root.body, null);
    expect(await screen.findByTestId("section-comments-svc")).toHaveTextContent("Section comments (1 open)");
  });

  it("counts on the section in the navigation and lists under it on the Review tab", () => {
    const s = sessionWith(t, {}, { review: review({ threads: [thread(root)] }) });
    render(SectionNav, { session: s, onpick: () => {} });
    expect(screen.getByTestId("open-comments-svc")).toHaveTextContent("1 open comment");
    expect(screen.queryByTestId("open-comments-org")).toBeNull();
    render(SignoffPanel, { session: s });
    const list = within(screen.getByTestId("open-comments"));
    expect(list.getByText("The whole section")).toBeInTheDocument();
    expect(list.getByText(root.body)).toBeInTheDocument();
  });
});

describe("export of an imported draft", () => {
  it("says the NHS workbook is filled in too, and takes the fresh state from the result", async () => {
    const t = template([section("s", [])]);
    const exportDraft = vi.fn(async () => ({
      out_dir: "/out",
      files: [{ kind: "filled", path: "/out/Northwind-filled.xlsx", size: 2048 }],
      verification: null,
      warnings: [],
      filled_cells: 12,
      exports: [{ at: "2026-06-01T10:00:00Z", summary: "Northwind-filled.xlsx to /out" }],
      review: review({ changed: changedSince([]) }),
    }));
    // The export's result says what changed: the draft is not read again.
    const refresh = vi.fn(async () => draftView(t, { workbook: "SCAL.xlsx", review: review({ changed: changedSince(["stale"]) }) }));
    const chooseExportFolder = vi.fn(async () => "/out");
    const s = sessionWith(t, { exportDraft, refresh, chooseExportFolder }, { workbook: "SCAL.xlsx", review: review({ changed: changedSince(["x"]) }) });
    render(ExportPanel, { session: s });
    expect(screen.getByTestId("export-workbook-note")).toHaveTextContent("SCAL.xlsx");
    await fireEvent.click(screen.getByTestId("choose-folder"));
    await screen.findByText("/out");
    await fireEvent.click(screen.getByTestId("export"));
    expect(await screen.findByTestId("filled-check")).toHaveTextContent("read back 12 answer cells");
    expect(screen.getByTestId("export-result")).toHaveTextContent("NHS workbook, filled");
    expect(s.changedItems.size).toBe(0);
    expect(refresh).not.toHaveBeenCalled();
    expect(s.draft?.exports.map((x) => x.summary)).toEqual(["Northwind-filled.xlsx to /out"]);
  });

  it("offers no filled workbook for a draft made from a template", () => {
    render(ExportPanel, { session: sessionWith(template([section("s", [])])) });
    expect(screen.queryByTestId("export-workbook-note")).toBeNull();
  });
});

describe("mapping a sheet", () => {
  it("builds the mapping from the picks and imports with it", async () => {
    const preview = {
      file_name: "checks.xlsx", id: "checks", title: "Checks", version: "1.0.0",
      sections: [], kinds: [], items: 0,
      skipped: [{ sheet: "Checks", reason: "unsure how to read it" }], warnings: [], include_hidden: false,
      sheets: [{ name: "Checks", hidden: false, imported: false }], mapping: null,
      nothing_imported: "Checks.xlsx holds no sheet recognised as a SCAL section.",
    };
    const sheet = {
      sheet: "Checks", hidden: false, columns: ["A", "B", "C", "D"], more_rows: false, more_columns: false,
      rows: [{ row: 1, cells: ["Ref", "What", "First", "Second"] }, { row: 2, cells: ["CK-1", "Check one", "", ""] }],
      lists: [{ column: "D", options: ["Please select", "Done", "Partly"] }],
    };
    const importSheetPreview = vi.fn(async () => sheet);
    const importAgain = vi.fn(async (c: { mapping: unknown }) => ({ ...preview, mapping: c.mapping, nothing_imported: "" }));
    const s = new Session({ importSheetPreview, importAgain } as unknown as Api);
    s.start = { first_launch: false, version: "0.1.0", templates: [], recent: [] };
    s.importPreview = preview;
    render(StartScreen, { session: s });
    expect(screen.getByTestId("create-from-import")).toBeDisabled();
    await fireEvent.click(screen.getByTestId("map-sheet-0"));
    expect(importSheetPreview).toHaveBeenCalledWith("Checks", 12);
    expect(await screen.findByTestId("map-preview")).toHaveTextContent("Check one");
    expect(screen.getByTestId("map-import")).toBeDisabled();
    await fireEvent.change(screen.getByLabelText("Header row"), { target: { value: "1" } });
    await fireEvent.change(screen.getByLabelText("ID column"), { target: { value: "A" } });
    await fireEvent.change(screen.getByLabelText("Question column"), { target: { value: "B" } });
    await fireEvent.change(screen.getByLabelText("Response column"), { target: { value: "D" } });
    await fireEvent.change(screen.getByLabelText("Comment column"), { target: { value: "C" } });
    await fireEvent.change(screen.getByLabelText("Done"), { target: { value: "met" } });
    await fireEvent.click(screen.getByTestId("map-import"));
    expect(importAgain).toHaveBeenCalledWith(expect.objectContaining({
      mapping: { sheets: { Checks: {
        not_asked: false, why: "", header_row: 1,
        columns: { id: "A", question: "B", guidance: null, response: "D", comment: "C" },
        meanings: { Done: "met" },
      } } },
    }));
    await waitFor(() => expect(screen.queryByTestId("map-sheet")).toBeNull());
  });
});

describe("the assessor's returned workbook", () => {
  const r = requirement("r1");
  const t = template([section("svc", [r])]);
  const change = thread({ id: 4, item: "r1", at: "2026-11-24T10:00:00Z", author: "A. Assessor", body: "Changed the response from \"Yes\" to \"No\"." });
  change.comments[0] = {
    ...change.comments[0],
    kind: "proposed",
    proposed: { field: "response", was: "Yes", text: "No" },
    source: "sheet \"Svc\" cell G9",
  };

  it("a proposed change says what it proposes, where it was found, and is accepted only by the lead", async () => {
    const acceptProposed = vi.fn(async () => draftView(t, { answers: { r1: { value: "No", comment: "" } } }));
    const s = sessionWith(t, { acceptProposed }, { review: review({ threads: [change] }) });
    s.commentsItem = "r1";
    render(CommentsDialog, { session: s });
    expect(screen.getByTestId("proposed-4")).toHaveTextContent('response: "Yes" → "No"');
    expect(screen.getByTestId("thread-4")).toHaveTextContent('From the returned workbook: sheet "Svc" cell G9');
    expect(s.answers.r1).toBeUndefined();
    await fireEvent.click(screen.getByTestId("accept-4"));
    expect(acceptProposed).toHaveBeenCalledWith(4);
    await waitFor(() => expect(s.answers.r1?.value).toBe("No"));
  });

  it("read-only offers no Accept", () => {
    const s = sessionWith(t, {}, { read_only: true, review: review({ threads: [change] }) });
    s.commentsItem = "r1";
    render(CommentsDialog, { session: s });
    expect(screen.getByTestId("proposed-4")).toBeInTheDocument();
    expect(screen.queryByTestId("accept-4")).toBeNull();
  });

  it("importing says what came in, and the threads appear on the Review tab", async () => {
    const view = draftView(t, { review: review({ threads: [change] }) });
    const reviewImport = vi.fn(async () => ({
      view,
      report: {
        file: "reviewed.xlsx", workbook: "own", reviewer: "A. Assessor", written_at: "2026-11-24T09:00:00Z",
        cells_unchanged: 10, cells_recorded: 11, added: [change.comments[0]], repeated: 2, left_out: [],
      },
    }));
    const s = sessionWith(t, { reviewImport });
    render(SignoffPanel, { session: s });
    await fireEvent.click(screen.getByTestId("review-import"));
    await waitFor(() => expect(s.notice?.text).toContain("Imported 1 review comment(s) from reviewed.xlsx (A. Assessor)"));
    expect(s.notice?.text).toContain("1 proposed change(s)");
    expect(s.notice?.text).toContain("2 already in the draft");
    expect(await screen.findByTestId("open-comments")).toHaveTextContent("Proposed change:");
  });
});
