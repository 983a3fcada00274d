// Evidence dates in the Evidence tab, and the completeness panel's switch for the Digital
// Onboarding Service (issue 15): what a person sees and does, with the shell's answers faked.
import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import type { Api } from "../lib/api";
import { Session } from "../lib/session.svelte";
import type { EvidenceLine, EvidenceResult, IssueDto, ReportDto } from "../generated/types";
import EvidencePanel from "./EvidencePanel.svelte";
import CompletenessPanel from "./CompletenessPanel.svelte";
import { draftView, issue, item, report, requirement, section, template } from "../test/fixtures";

const t = template([section("org", [item("org-name")]), section("uec", [requirement("r1")])]);

/** One evidence link as the shell lists it: undated unless told. */
function link(id: number, over: Partial<EvidenceLine> = {}): EvidenceLine {
  return {
    id,
    item: "r1",
    file_name: `report-${id}.pdf`,
    sha256: `${id}`.repeat(64).slice(0, 64),
    size: 2048,
    media_type: "application/pdf",
    added_at: "2026-11-20T09:00:00Z",
    dated: null,
    valid_until: null,
    validity: null,
    validity_words: "",
    ...over,
  };
}

function sessionWith(api: Partial<Api>, over = {}) {
  const s = new Session(api as Api);
  s.show(draftView(t, over));
  return s;
}

describe("evidence dates", () => {
  it("the list shows each file's dates, and an expired one says so in words", () => {
    const s = sessionWith({}, {
      evidence: [
        link(1, { dated: "2025-01-10", valid_until: "2026-01-31", validity: "expired", validity_words: "Expired: valid until 2026-01-31" }),
        link(2, { dated: "2026-10-01", valid_until: "2027-09-30" }),
        link(3),
      ],
    });
    s.tab = "evidence";
    render(EvidencePanel, { session: s });
    expect(screen.getByTestId("evidence-dates-1")).toHaveTextContent("Dated 2025-01-10");
    expect(screen.getByTestId("evidence-dates-1")).toHaveTextContent("Expired: valid until 2026-01-31");
    expect(screen.getByTestId("evidence-dates-2")).toHaveTextContent("Dated 2026-10-01");
    expect(screen.getByTestId("evidence-dates-2")).toHaveTextContent("Valid until 2027-09-30");
    expect(screen.getByTestId("evidence-dates-3")).toHaveTextContent("None given");
  });

  it("sets a link's two dates in labelled date fields, and the list shows them", async () => {
    const saved: EvidenceResult = {
      evidence: [link(1, { dated: "2026-01-10", valid_until: "2027-01-09" })],
      report: report(),
      deduplicated: false,
    };
    const setEvidenceDates = vi.fn(async () => saved);
    const s = sessionWith({ setEvidenceDates }, { evidence: [link(1)] });
    render(EvidencePanel, { session: s });
    await fireEvent.click(screen.getByRole("button", { name: "Dates of report-1.pdf on r1" }));
    const dated = screen.getByLabelText("Document dated") as HTMLInputElement;
    const until = screen.getByLabelText("Valid until") as HTMLInputElement;
    expect(dated.type).toBe("date");
    expect(until.type).toBe("date");
    await fireEvent.input(dated, { target: { value: "2026-01-10" } });
    await fireEvent.input(until, { target: { value: "2027-01-09" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save dates" }));
    expect(setEvidenceDates).toHaveBeenCalledWith(1, "2026-01-10", "2027-01-09");
    expect(await screen.findByText("Valid until 2027-01-09")).toBeInTheDocument();
    expect(screen.getByTestId("evidence-dates-1")).toHaveTextContent("Dated 2026-01-10");
    expect(screen.queryByTestId("dates-form")).toBeNull();
  });

  it("opens with the link's dates, and emptying both clears them", async () => {
    const setEvidenceDates = vi.fn(async (): Promise<EvidenceResult> => ({ evidence: [link(1)], report: report(), deduplicated: false }));
    const s = sessionWith({ setEvidenceDates }, { evidence: [link(1, { dated: "2026-01-10", valid_until: "2027-01-09" })] });
    render(EvidencePanel, { session: s });
    await fireEvent.click(screen.getByTestId("edit-dates-1"));
    const dated = screen.getByLabelText("Document dated") as HTMLInputElement;
    const until = screen.getByLabelText("Valid until") as HTMLInputElement;
    expect(dated.value).toBe("2026-01-10");
    expect(until.value).toBe("2027-01-09");
    await fireEvent.input(dated, { target: { value: "" } });
    await fireEvent.input(until, { target: { value: "" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save dates" }));
    expect(setEvidenceDates).toHaveBeenCalledWith(1, null, null);
    expect(await screen.findByText("None given")).toBeInTheDocument();
  });

  it("a valid-until date before the document's date is refused with the store's sentence, beside the fields", async () => {
    const sentence = "Valid-until 2026-01-01 is before the document's date 2026-05-01: a document cannot expire before it was written";
    const setEvidenceDates = vi.fn(async (): Promise<EvidenceResult> => {
      throw { code: null, message: sentence };
    });
    const s = sessionWith({ setEvidenceDates }, { evidence: [link(1)] });
    render(EvidencePanel, { session: s });
    await fireEvent.click(screen.getByTestId("edit-dates-1"));
    await fireEvent.input(screen.getByLabelText("Document dated"), { target: { value: "2026-05-01" } });
    await fireEvent.input(screen.getByLabelText("Valid until"), { target: { value: "2026-01-01" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save dates" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(sentence);
    expect(alert).toHaveClass("error-text");
    expect(screen.getByLabelText("Valid until")).toHaveAttribute("aria-invalid", "true");
    // Nothing changed: the form stays open with what was typed, the list still undated.
    expect((screen.getByLabelText("Document dated") as HTMLInputElement).value).toBe("2026-05-01");
    expect(screen.getByTestId("evidence-dates-1")).toHaveTextContent("None given");
  });

  it("a read-only draft shows the dates but offers no way to change them", () => {
    const s = sessionWith({}, { read_only: true, evidence: [link(1, { dated: "2026-01-10" })] });
    render(EvidencePanel, { session: s });
    expect(screen.getByTestId("evidence-dates-1")).toHaveTextContent("Dated 2026-01-10");
    expect(screen.queryByTestId("edit-dates-1")).toBeNull();
  });

  it("after attaching, the notice offers to add the file's dates, which opens them in the Evidence tab", async () => {
    const attachDialog = vi.fn(async (): Promise<EvidenceResult> => ({ evidence: [link(7)], report: report(), deduplicated: false }));
    const s = sessionWith({ attachDialog });
    await s.attachDialog("r1");
    expect(s.notice?.text).toBe("Attached report-7.pdf to r1.");
    expect(s.notice?.action?.label).toBe("Add its dates…");
    s.notice?.action?.run();
    expect(s.tab).toBe("evidence");
    render(EvidencePanel, { session: s });
    expect(screen.getByRole("form", { name: "Dates of report-7.pdf" })).toBeInTheDocument();
  });
});

describe("the Digital Onboarding Service switch", () => {
  const tooLong: IssueDto = {
    ...issue("org-name", "org", "warning", "Organisation name: the answer is 2101 characters long; the Digital Onboarding Service takes 2000, so shorten it by 101 (or move the detail into an evidence document)."),
    rule: "dos_too_long",
  };
  const dos = (base: ReportDto): ReportDto => ({ ...base, issues: [...base.issues, tooLong] });

  it("is off at first; on, it shows the service's over-long warnings and asks again when the report changes", async () => {
    const workbook = report([issue("r1", "uec", "blocking", "MUST answered No.")]);
    const dosReport = vi.fn(async () => dos(workbook));
    const s = sessionWith({ dosReport }, { report: workbook });
    s.tab = "completeness";
    render(CompletenessPanel, { session: s });
    const box = screen.getByLabelText("Check for the Digital Onboarding Service (2,000-character limit)");
    expect(box).not.toBeChecked();
    expect(dosReport).not.toHaveBeenCalled();
    expect(screen.queryByText(/2101 characters long/)).toBeNull();
    expect(screen.getByTestId("warning-count")).toHaveTextContent("0 warnings");

    await fireEvent.click(box);
    const org = await screen.findByTestId("issues-org");
    expect(within(org).getByText(/the answer is 2101 characters long/)).toBeInTheDocument();
    expect(screen.getByTestId("warning-count")).toHaveTextContent("1 warning");
    expect(screen.getByTestId("dos-summary")).toHaveTextContent("1 answer or comment is over the Digital Onboarding Service's 2,000-character limit");
    expect(dosReport).toHaveBeenCalledTimes(1);

    // A save gives a new report: the service's is asked for again, and what it says is shown.
    dosReport.mockResolvedValueOnce(workbook);
    s.report = report([issue("r1", "uec", "blocking", "MUST answered No.")]);
    await vi.waitFor(() => expect(dosReport).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(screen.queryByText(/2101 characters long/)).toBeNull());
    expect(screen.getByTestId("dos-summary")).toHaveTextContent("Every answer and comment fits");

    // Off again: the workbook's report, and nothing more is asked.
    await fireEvent.click(box);
    expect(screen.queryByTestId("dos-summary")).toBeNull();
    s.report = report();
    await Promise.resolve();
    expect(dosReport).toHaveBeenCalledTimes(2);
  });
});
