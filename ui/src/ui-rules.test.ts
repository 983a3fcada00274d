/// <reference types="vite/client" />
// No completeness or visibility rule lives in the UI (issue 13, "Done means"): what an item needs
// (a comment and why, evidence, whether its value is a placeholder), what an answer means and
// what is hidden come from the core in the report (`needs`, `hidden_items`). This test reads
// every UI source and fails on the shapes such a rule takes: reading the template fields the
// rules read, comparing responses by their words, judging placeholders, deciding a condition,
// naming the comment boxes. The detector is itself checked on the rule code the UI used to hold,
// so a pattern that stops catching anything fails too.
import { describe, expect, it } from "vitest";

/** Each shape of a rule, with where the UI gets the answer from instead. */
const RULES: { shape: RegExp; instead: string }[] = [
  { shape: /\b(commentNeed|isPlaceholder|isAnswered|meaningOf|inferMeaning|toValue)\s*\(/, instead: "a removed re-derived rule: use report.needs" },
  { shape: /\bcomment_when_no\b/, instead: "whether a No needs a comment is needs.comment" },
  { shape: /\.assessment\b/, instead: "what an assessment asks (a statement, evidence) is needs.comment / needs.evidence" },
  { shape: /["'`](supplier_statement|supplier_declared|conformance_report)["'`]/, instead: "what an assessment asks is needs.comment / needs.evidence" },
  { shape: /\bitem\??\.meanings\b/, instead: "what an answer means is needs.meaning" },
  {
    shape: /(===|!==|==|!=)\s*["'`](yes|no|out of scope|n\/a|na|not applicable|compliant|non-compliant|semi-compliant|acknowledged)["'`]/i,
    instead: "responses are judged by meaning, by the core: needs.meaning",
  },
  {
    shape: /["'`](yes|no|out of scope|n\/a|na|not applicable|compliant|non-compliant|acknowledged)["'`]\s*(===|!==|==|!=)/i,
    instead: "responses are judged by meaning, by the core: needs.meaning",
  },
  { shape: /\[\s*["'`](yes|no|na|met|compliant|noncompliant|notapplicable)["'`]\s*,[^\]]*\]\s*\.includes\(/i, instead: "responses are judged by meaning, by the core: needs.meaning" },
  { shape: /["'`]\[?(please select|please state|select)\]?["'`]/i, instead: "what is a placeholder is needs.placeholder" },
  { shape: /\/[^/\n]*please[^/\n]*\/[dgimsuy]*/i, instead: "what is a placeholder is needs.placeholder" },
  { shape: /visible_when\??\.(values|equals|any_of)\b|\.any_of\b/, instead: "whether a condition holds is the core's: report.hidden_items" },
  { shape: /label:\s*["'`](Mitigation|Justification|Supplier statement|Additional notes)/, instead: "the comment box's label is needs.comment.label" },
  { shape: /\b(missing|reason|why):\s*comment\s*===?\s*["'`]/, instead: "whether a comment is missing is needs.comment.missing" },
];

function findings(source: string): string[] {
  // Comments may name the rules; only code counts.
  const code = source
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const out: string[] = [];
  code.split("\n").forEach((line, i) => {
    for (const r of RULES) if (r.shape.test(line)) out.push(`line ${i + 1}: ${line.trim()}  (${r.instead})`);
  });
  return out;
}

// Every UI source but the generated types and the tests (which state what the core says).
const SOURCES = import.meta.glob<string>(["./**/*.ts", "./**/*.svelte", "!./generated/**", "!./**/*.test.ts", "!./test/**", "!./test-setup.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});

describe("no completeness or visibility rule in the UI", () => {
  it("reads the UI's own sources", () => {
    const names = Object.keys(SOURCES);
    // The files that once held the rules are among those read.
    for (const f of ["./lib/logic.ts", "./components/ItemEditor.svelte", "./components/Editor.svelte", "./components/ReviewPanel.svelte", "./components/ResponseControl.svelte"])
      expect(names).toContain(f);
    expect(names.length).toBeGreaterThan(20);
  });

  it("finds none in any source", () => {
    const found = Object.entries(SOURCES).flatMap(([file, text]) => findings(text).map((f) => `${file} ${f}`));
    expect(found).toEqual([]);
  });

  // The rule code the UI held before it asked the core (ui/src/lib/logic.ts and the components,
  // before `ReportDto.needs`), verbatim: each line must be caught.
  const REMOVED = [
    `  return stripped === "please select" || stripped === "please state" || stripped === "select";`,
    `  const t = s.trim().replace(/^\\[|\\]$/g, "").trim();\n  const stripped = t.toLowerCase().replace(/[.\\u2026 ]+$/u, "");\n  return stripped === "please select";`,
    `  if (item.kind === "yes_no") return v.toLowerCase() === "yes" ? "met" : v.toLowerCase() === "no" ? "not_met" : null;`,
    `  if (["yes", "compliant", "met", "fullycompliant", "fullymet", "complete", "completed", "conformant", "agreed"].includes(key)) return "met";`,
    `  if (["na", "notapplicable", "outofscope", "notinscope", "exempt"].includes(key)) return "not_applicable";`,
    `  const meanings = item.meanings ?? {};`,
    `    if (item.requirement?.assessment === "supplier_statement")`,
    `  if (item.kind === "declaration" || (item.kind === "yes_no" && item.comment_when_no)) {`,
    `      (item.kind === "requirement" && (req?.assessment === "evidence" || req?.assessment === "conformance_report" || files.length > 0)),`,
    `      if (f.item.required && f.item.answerable && !isAnswered(session.answers[f.item.id])) ids.add(f.item.id);`,
    `    if (na) return { shown: true, label: "Justification", missing: comment === "", reason: "needs a justification." };`,
    `      const m = v.length > 0 ? meaningOf(f.item, v[0]) : null;`,
    `    if (v === "" || isPlaceholder(v)) onchange(null);`,
    // A condition decided in the UI instead of read from hidden_items.
    `  const shown = !item.visible_when || item.visible_when.values.includes(displayValue(answers[item.visible_when.item]?.value));`,
  ];

  it.each(REMOVED)("would catch the removed rule %#", (line) => {
    expect(findings(line)).not.toEqual([]);
  });

  it("does not take presentation for a rule", () => {
    // What the UI keeps: showing what the core said, the user's own state, labels of its own.
    const fine = [
      `  const comment = $derived(needs?.comment ?? null);`,
      `      if (m === "met") c.yes++;`,
      `        <span>Please state</span>`,
      `  const isOther = $derived(one === OTHER || one.startsWith(\`\${OTHER}:\`));`,
      `  // The core asks for the statement only when the answer is "Yes".`,
      `        {#if !query.trim() && section?.visible_when && section.items.every((i) => hidden.has(i.id))}`,
    ];
    for (const line of fine) expect(findings(line)).toEqual([]);
  });
});
