//! Reading the workbook's wording: header synonyms, requirement IDs, placeholders, levels and
//! ways of assessing. Recognition is by these words, never by row or column numbers.

use scal_core::answer::is_placeholder;
use scal_core::template::{Assessment, ColumnField, Level};

/// Lower case with runs of whitespace (line breaks included) collapsed to one space.
pub(crate) fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

pub(crate) fn first_line(s: &str) -> &str {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// The lines after the first non-empty one, trimmed and joined with line breaks.
pub(crate) fn rest_lines(s: &str) -> String {
    let mut lines = s.lines().map(str::trim).skip_while(|l| l.is_empty());
    lines.next();
    lines
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// At most `max` characters, cut at a word where possible, marked with `…` when cut.
pub(crate) fn clip(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let keep = max.saturating_sub(1);
    let cut: String = s.chars().take(keep).collect();
    // Cut at the last whole word, unless the cut already falls between two words.
    let at_word_end = s.chars().nth(keep).is_some_and(char::is_whitespace);
    let cut = match cut.rfind(' ') {
        Some(i) if !at_word_end && i > max / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}\u{2026}", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// A cell that stands for "nothing entered yet": the dropdown placeholder, a bracketed prompt
/// (`[please state]`, `[insert date of DSPT publication]`), or a date template (`00/00/00`).
pub(crate) fn is_blankish(s: &str) -> bool {
    let t = s.trim();
    if is_placeholder(t) {
        return true;
    }
    if t.starts_with('[') && t.ends_with(']') {
        return true;
    }
    let date_template = t.len() <= 12
        && (t.contains('/') || t.contains('-'))
        && t.chars().all(|c| {
            matches!(
                c,
                '0' | '/' | '-' | '.' | ' ' | 'd' | 'D' | 'm' | 'M' | 'y' | 'Y'
            )
        });
    date_template
}

/// A requirement ID: one token with a digit, letters first, parts joined by `-`, `_` or `.`:
/// `GPC-SFS-02`, `A028-01`, `MSCA-PDS-03a`, `S2`, `GR-002`. Not `Test 1` or `NHS Login Req`.
pub(crate) fn looks_like_id(s: &str) -> bool {
    let t = s.trim();
    if t.is_empty() || t.len() > 32 || !t.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let mut chars = t.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    let mut prev_sep = false;
    for c in t.chars() {
        if c.is_ascii_alphanumeric() {
            prev_sep = false;
        } else if matches!(c, '-' | '_' | '.') {
            if prev_sep {
                return false;
            }
            prev_sep = true;
        } else {
            return false;
        }
    }
    !prev_sep
}

/// What a header cell names. `Requirement` alone is ambiguous: the row's label in some layouts
/// (e-RS), its text in others (GP Connect, next to an "Item"); the table decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderWord {
    Field(ColumnField),
    Requirement,
    EndUserAssurance,
}

/// The field a header names, judged on its first line, then on all of it.
pub(crate) fn header_word(text: &str) -> Option<HeaderWord> {
    word_of(&normalise(first_line(text))).or_else(|| word_of(&normalise(text)))
}

fn word_of(t: &str) -> Option<HeaderWord> {
    use ColumnField::*;
    let f = |field| Some(HeaderWord::Field(field));
    if t.is_empty() {
        return None;
    }
    if t.starts_with("only if") {
        return f(Comment);
    }
    if (t.contains("review") && (t.contains("nhs") || t.starts_with("review")))
        || t.contains("assessor")
    {
        return f(Reviewer);
    }
    if t.starts_with("requirement id")
        || t.contains("req id")
        || t.contains("req. id")
        || t.contains("requirement id")
        || t.ends_with(" id")
        || t.starts_with("req. id")
        || t.starts_with("requirement ref")
        || matches!(
            t,
            "id" | "ref" | "ref." | "reference" | "ref no" | "ref no."
        )
    {
        return f(Reference);
    }
    if t.contains("test case") {
        return f(TestCases);
    }
    if t.contains("test evidence")
        || t.contains("evidence to be assured")
        || t.contains("evidence expected")
        || t.contains("expected evidence")
    {
        return f(EvidenceExpected);
    }
    if t.contains("test reference") {
        return f(TestReference);
    }
    if t.contains("implementation reference") {
        return f(ImplementationReference);
    }
    if t.contains("assessed") || t.starts_with("assessment") {
        return f(HowAssessed);
    }
    if t.contains("category") {
        return f(Category);
    }
    if t.contains("compliant")
        || t.starts_with("declaration")
        || t.starts_with("supplier declaration")
        || t.contains("yes/no")
        || t.contains("yes / no")
        || t.starts_with("response")
        || t.starts_with("your response")
        || t.starts_with("supplier response")
        || t == "answer"
    {
        return f(Response);
    }
    if t.contains("comment")
        || t.contains("notes")
        || t.starts_with("statement")
        || t.contains("mitigat")
        || t.contains("justification")
        || t.contains("compliance evidence")
    {
        return f(Comment);
    }
    if t.contains("evidence") {
        return f(Evidence);
    }
    if t.starts_with("guidance") {
        return f(Guidance);
    }
    if t.contains("description") || t.contains("help text") || t.starts_with("detail") {
        return f(Text);
    }
    if t.starts_with("item") || matches!(t, "title" | "name") || t.starts_with("question") {
        return f(Label);
    }
    if t.starts_with("requirement") {
        return Some(HeaderWord::Requirement);
    }
    if t == "type"
        || t.starts_with("type ")
        || t.starts_with("level")
        || t.starts_with("priority")
        || t.contains("moscow")
        || t.starts_with("obligation")
    {
        return f(Level);
    }
    if t.starts_with("actioned")
        || t.starts_with("action by")
        || t.starts_with("owner")
        || t.starts_with("responsib")
    {
        return f(ActionedBy);
    }
    if t.contains("assurance by end user") {
        return Some(HeaderWord::EndUserAssurance);
    }
    None
}

/// The level a Type cell names (`MUST`, `Must`, `SHOULD`, `Action`, `Info`).
pub(crate) fn level_of(s: &str) -> Option<Level> {
    match normalise(s).as_str() {
        "must" | "mandatory" | "required" | "shall" => Some(Level::Must),
        "should" | "recommended" => Some(Level::Should),
        "may" | "optional" | "could" => Some(Level::May),
        "action" => Some(Level::Action),
        "info" | "information" | "informative" => Some(Level::Info),
        _ => None,
    }
}

/// The level a requirement's own words give it (the capitalised keywords of RFC 2119), when it
/// has no Type; MUST when it says nothing, since a conformance row is mandatory unless marked.
pub(crate) fn level_from_text(text: &str) -> Level {
    let has = |word: &str| {
        text.split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w == word)
    };
    if has("MUST") || has("SHALL") {
        Level::Must
    } else if has("SHOULD") {
        Level::Should
    } else if has("MAY") {
        Level::May
    } else {
        Level::Must
    }
}

/// How a requirement is assessed, from its "How assessed" words, else from the evidence NHS
/// England expects to see.
pub(crate) fn assessment_of(how: &str, evidence_expected: &str) -> Assessment {
    let h = normalise(how);
    if !h.is_empty() {
        if h.contains("embed") || h.contains("conformance report") {
            return Assessment::ConformanceReport;
        }
        if h.contains("statement") {
            return Assessment::SupplierStatement;
        }
        if h.contains("declar") {
            return Assessment::SupplierDeclared;
        }
        if h.contains("evidence") || h.contains("test") {
            return Assessment::Evidence;
        }
        return Assessment::SupplierDeclared;
    }
    let e = normalise(evidence_expected);
    if e.is_empty() || matches!(e.as_str(), "none" | "n/a" | "na" | "tbc" | "-") {
        Assessment::SupplierDeclared
    } else if e.starts_with("evidence") {
        Assessment::Evidence
    } else {
        Assessment::SupplierStatement
    }
}

/// Whether a choice spread over rows lets several options be chosen, from its wording.
pub(crate) fn says_multiple(words: &str) -> bool {
    let w = normalise(words);
    [
        "multiple",
        "(s)",
        "all that apply",
        "each",
        "one or more",
        "any that apply",
    ]
    .iter()
    .any(|k| w.contains(k))
}

/// Whether a question asks, of each option, whether it holds ("indicate whether ..."): then a
/// Yes/No per option row is a question per row, not one choice.
pub(crate) fn asks_whether(words: &str) -> bool {
    let w = normalise(words);
    w.split(|c: char| !c.is_alphanumeric())
        .any(|word| word == "whether")
}

/// A short, lower-case, hyphenated form for ids: `GPC-SFS-02` → `gpc-sfs-02`.
pub(crate) fn slug(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    if out.len() > max {
        out.truncate(max);
        if let Some(i) = out.rfind('-').filter(|&i| i > max / 2) {
            out.truncate(i);
        }
        out = out.trim_end_matches('-').to_string();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnField::{
        ActionedBy, Category, Comment, Evidence, EvidenceExpected, Guidance, HowAssessed,
        ImplementationReference, Label, Reference, Response, Reviewer, TestCases, TestReference,
        Text,
    };

    #[test]
    fn headers_of_the_three_layouts_and_their_variants_are_named() {
        let cases: &[(&str, Option<HeaderWord>)] = &[
            ("Category / Requirement", Some(HeaderWord::Field(Category))),
            ("Item", Some(HeaderWord::Field(Label))),
            ("Detail", Some(HeaderWord::Field(Text))),
            ("Details", Some(HeaderWord::Field(Text))),
            ("How requirement will be assessed", Some(HeaderWord::Field(HowAssessed))),
            ("Type", Some(HeaderWord::Field(ColumnField::Level))),
            ("Actioned By", Some(HeaderWord::Field(ActionedBy))),
            ("Action By ", Some(HeaderWord::Field(ActionedBy))),
            ("Compliant\n Yes/No (please select)\n If 'No' please provide detail of mitigating actions", Some(HeaderWord::Field(Response))),
            ("Statements\nAdditional Notes / References", Some(HeaderWord::Field(Comment))),
            ("Requirement", Some(HeaderWord::Requirement)),
            ("Requirement Description / Help Text", Some(HeaderWord::Field(Text))),
            ("Guidance", Some(HeaderWord::Field(Guidance))),
            ("Supplier Implementation Reference", Some(HeaderWord::Field(ImplementationReference))),
            ("Additional Notes / References", Some(HeaderWord::Field(Comment))),
            ("Test Reference - Matrix", Some(HeaderWord::Field(TestReference))),
            ("Requirement ID", Some(HeaderWord::Field(Reference))),
            ("Requirement Test Cases\n", Some(HeaderWord::Field(TestCases))),
            ("Test Evidence to be Assured by NHS Digital", Some(HeaderWord::Field(EvidenceExpected))),
            (" Assurance by End User", Some(HeaderWord::EndUserAssurance)),
            (" Consumer System \nCompliance Evidence/Additional comments", Some(HeaderWord::Field(Comment))),
            ("NHS Digital Review", Some(HeaderWord::Field(Reviewer))),
            ("Declaration:\nYes / No (please select)", Some(HeaderWord::Field(Response))),
            (" ONLY if  'No', please provide detail of mitigating actions or exceptions below", Some(HeaderWord::Field(Comment))),
            ("Supplier Declaration:\nYes / No \n(please select)", Some(HeaderWord::Field(Response))),
            ("Response", Some(HeaderWord::Field(Response))),
            ("Comments\nONLY IF RESPONSE \nIS 'NO'", Some(HeaderWord::Field(Comment))),
            ("Evidence", Some(HeaderWord::Field(Evidence))),
            ("Supplier details", None),
            ("Status", None),
            ("Technical Conformance Report", None),
            ("Test Tool validation", None),
            ("Please Select…", None),
        ];
        for (text, want) in cases {
            assert_eq!(header_word(text), *want, "{text:?}");
        }
    }

    #[test]
    fn requirement_ids_are_told_from_labels() {
        for id in [
            "GPC-SFS-02",
            "A028-01",
            "MSCA-PDS-03a",
            "SSP-01",
            "GR-002",
            "S2",
            "IG-05",
            "R1.2",
        ] {
            assert!(looks_like_id(id), "{id}");
        }
        for not in [
            "Test 1",
            "NHS Login Req",
            "EXAMPLE 1",
            "Data Set",
            "A-",
            "-A1",
            "1A",
            "",
            "Req--1",
        ] {
            assert!(!looks_like_id(not), "{not}");
        }
    }

    #[test]
    fn placeholders_prompts_and_date_templates_are_blank() {
        for s in [
            "Please select….",
            "Please Select…..",
            "please select …",
            "[please state]",
            "[insert date of DSPT publication]",
            "00/00/00",
            "dd/mm/yyyy",
            "",
        ] {
            assert!(is_blankish(s), "{s}");
        }
        for s in ["Yes", "Centrally Hosted", "2026-05-01", "N/A"] {
            assert!(!is_blankish(s), "{s}");
        }
    }

    #[test]
    fn levels_and_assessments_follow_the_words() {
        assert_eq!(level_of("Must"), Some(Level::Must));
        assert_eq!(level_of(" SHOULD "), Some(Level::Should));
        assert_eq!(level_of("None"), None);
        assert_eq!(level_from_text("The system SHOULD cache it"), Level::Should);
        assert_eq!(level_from_text("Describe the controls"), Level::Must);
        assert_eq!(
            assessment_of(
                "Evidence\nPlease embed your Technical Conformance report above",
                ""
            ),
            Assessment::ConformanceReport
        );
        assert_eq!(
            assessment_of("Supplier Statement", ""),
            Assessment::SupplierStatement
        );
        assert_eq!(
            assessment_of("Supplier declared", ""),
            Assessment::SupplierDeclared
        );
        assert_eq!(
            assessment_of("Evidence\nplease complete tests specified", ""),
            Assessment::Evidence
        );
        assert_eq!(
            assessment_of("", "Evidence of request and response"),
            Assessment::Evidence
        );
        assert_eq!(assessment_of("", "None"), Assessment::SupplierDeclared);
    }

    #[test]
    fn slugs_are_short_lower_case_and_hyphenated() {
        assert_eq!(
            slug("GPC - AR Structured_v1.2.1", 48),
            "gpc-ar-structured-v1-2-1"
        );
        assert_eq!(
            slug("Supplier & Product information", 48),
            "supplier-product-information"
        );
        assert_eq!(slug("  ", 48), "");
        assert_eq!(
            slug(
                "Declaration of Usage and a very long label that goes on",
                24
            ),
            "declaration-of-usage"
        );
        assert_eq!(clip("a b c d e f g h", 8), "a b c d\u{2026}");
    }
}
