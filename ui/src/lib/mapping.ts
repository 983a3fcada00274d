// The mapping form's picks turned into the mapping the importer reads (one sheet of
// schemas/scal-mapping.schema.json), and back. Pure: the form and its tests share it.
import type { MappingDto, SheetMappingDto } from "../generated/types";

/** What the user picked for one sheet; an empty string is "not chosen". */
export type SheetPicks = {
  not_asked: boolean;
  why: string;
  header_row: number | null;
  id: string;
  question: string;
  guidance: string;
  response: string;
  comment: string;
  /** Response option → met | partly_met | not_met | not_applicable; "" leaves it to the importer. */
  meanings: Record<string, string>;
};

export const MEANINGS: { value: string; label: string }[] = [
  { value: "met", label: "Met" },
  { value: "partly_met", label: "Partly met" },
  { value: "not_met", label: "Not met" },
  { value: "not_applicable", label: "Not applicable" },
];

const col = (c: string): string | null => (c.trim() ? c.trim().toUpperCase() : null);

export function sheetMapping(p: SheetPicks): SheetMappingDto {
  if (p.not_asked) {
    return { not_asked: true, why: p.why.trim(), header_row: null, columns: { id: null, question: null, guidance: null, response: null, comment: null }, meanings: {} };
  }
  const meanings: Record<string, string> = {};
  for (const [option, meaning] of Object.entries(p.meanings)) if (meaning) meanings[option] = meaning;
  return {
    not_asked: false,
    why: "",
    header_row: p.header_row,
    columns: { id: col(p.id), question: col(p.question), guidance: col(p.guidance), response: col(p.response), comment: col(p.comment) },
    meanings,
  };
}

export function picksFrom(m: SheetMappingDto | undefined): SheetPicks {
  const c = m?.columns;
  return {
    not_asked: m?.not_asked ?? false,
    why: m?.why ?? "",
    header_row: m?.header_row ?? null,
    id: c?.id ?? "",
    question: c?.question ?? "",
    guidance: c?.guidance ?? "",
    response: c?.response ?? "",
    comment: c?.comment ?? "",
    meanings: Object.fromEntries(Object.entries(m?.meanings ?? {}).filter((e): e is [string, string] => typeof e[1] === "string")),
  };
}

/** The mapping in force with one sheet's entry put in (or replaced). */
export function withSheet(m: MappingDto | null, sheet: string, entry: SheetMappingDto): MappingDto {
  return { sheets: { ...(m?.sheets ?? {}), [sheet]: entry } };
}

/** Why the picks cannot be imported yet, in one sentence; "" when they can. */
export function picksProblem(p: SheetPicks): string {
  if (p.not_asked) return "";
  if (p.header_row === null) return "Choose the header row.";
  if (!p.id && !p.question) return "Choose the column holding the ID or the question.";
  if (!p.response && !p.id) return "Choose the column holding the response (or the ID, for a list with no response column).";
  const used = [p.id, p.question, p.guidance, p.response, p.comment].filter((c) => c);
  if (new Set(used).size !== used.length) return "Each column can hold only one thing: choose different columns.";
  return "";
}
