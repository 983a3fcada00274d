//! What a table's rows say about its columns, whatever its header calls them: which column
//! holds requirement IDs, which carries the dropdowns a person answers in, which is computed
//! from other sheets (an assessor's), which says whether a row is for a provider or a consumer.
//!
//! Wording is evidence, structure decides: a header may call the response column "Compliant",
//! "Compliance Level" or "Choose your Answer"; it is the column of dropdowns either way.

use crate::view::{ListAt, View};
use crate::words::{header_word, looks_like_id, normalise};

/// How many rows below a header are read to judge its columns.
const PROBE_ROWS: usize = 300;

/// Counts over the rows under one header row, per column.
#[derive(Debug, Default, Clone)]
pub(crate) struct Probe {
    /// Rows under the header that hold something (up to the next header or `PROBE_ROWS`).
    pub rows: usize,
    /// (column, rows whose cell there looks like a requirement ID).
    pub ids: Vec<(u32, usize)>,
    /// (column, rows whose cell there offers a dropdown of two or more answers).
    pub lists: Vec<(u32, usize)>,
    /// (column, rows whose cell there is a formula reading another sheet).
    pub cross: Vec<(u32, usize)>,
    /// (column, rows whose cell says provider, consumer or both).
    pub roles: Vec<(u32, usize)>,
    /// (column, rows whose cell holds words a person reads: two words or more, no ID).
    pub prose: Vec<(u32, usize)>,
    /// The rightmost column holding anything in the header row or the probed rows.
    pub right_edge: u32,
}

fn bump(list: &mut Vec<(u32, usize)>, c: u32) {
    match list.iter_mut().find(|(col, _)| *col == c) {
        Some((_, n)) => *n += 1,
        None => list.push((c, 1)),
    }
}

fn count(list: &[(u32, usize)], c: u32) -> usize {
    list.iter().find(|(col, _)| *col == c).map_or(0, |x| x.1)
}

impl Probe {
    pub fn ids_in(&self, c: u32) -> usize {
        count(&self.ids, c)
    }
    pub fn lists_in(&self, c: u32) -> usize {
        count(&self.lists, c)
    }
    pub fn cross_in(&self, c: u32) -> usize {
        count(&self.cross, c)
    }
    pub fn prose_in(&self, c: u32) -> usize {
        count(&self.prose, c)
    }

    /// The column most of whose filled rows hold requirement IDs: two at least, and at least
    /// a third of the rows (the rest are category headings and GUIDANCE rows).
    pub fn id_column(&self, exclude: &[u32]) -> Option<(u32, usize)> {
        let most = self
            .ids
            .iter()
            .filter(|(c, _)| !exclude.contains(c))
            .map(|x| x.1)
            .max()?;
        // The row's own ID comes first; a column of related IDs further right ("Related
        // story") is not it, even where it is filled more often.
        self.ids
            .iter()
            .filter(|(c, n)| !exclude.contains(c) && n * 2 >= most)
            .copied()
            .min_by_key(|&(c, _)| c)
            .filter(|&(_, n)| n >= 2 && n * 3 >= self.rows)
    }

    /// Columns carrying dropdowns, most first (ties: leftmost first), leaving out `exclude`.
    pub fn list_columns(&self, exclude: &[u32]) -> Vec<(u32, usize)> {
        let mut v: Vec<(u32, usize)> = self
            .lists
            .iter()
            .filter(|(c, n)| !exclude.contains(c) && *n >= 1)
            .copied()
            .collect();
        v.sort_by_key(|&(c, n)| (std::cmp::Reverse(n), c));
        v
    }

    /// The column that says, per row, whether a provider or a consumer must meet it.
    pub fn role_column(&self) -> Option<u32> {
        self.roles
            .iter()
            .copied()
            .max_by_key(|&(c, n)| (n, std::cmp::Reverse(c)))
            .filter(|&(_, n)| n >= 2 && n * 2 >= self.rows)
            .map(|(c, _)| c)
    }
}

/// Who a row applies to, from a role cell: `Provider`, `Consumer`, `Provider/ Consumer`,
/// `Both`, `All`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Provider,
    Consumer,
    Both,
}

pub(crate) fn role_of(text: &str) -> Option<Role> {
    let t = normalise(text);
    if t.is_empty() || t.len() > 40 {
        return None;
    }
    let words: Vec<&str> = t
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let provider = words
        .iter()
        .any(|w| matches!(*w, "provider" | "providers" | "prov"));
    let consumer = words
        .iter()
        .any(|w| matches!(*w, "consumer" | "consumers" | "cons"));
    let rest_ok = words.iter().all(|w| {
        matches!(
            *w,
            "provider"
                | "providers"
                | "prov"
                | "consumer"
                | "consumers"
                | "cons"
                | "and"
                | "or"
                | "both"
                | "all"
                | "system"
                | "systems"
        )
    });
    if !rest_ok {
        return None;
    }
    match (provider, consumer) {
        (true, true) => Some(Role::Both),
        (true, false) => Some(Role::Provider),
        (false, true) => Some(Role::Consumer),
        (false, false) if words.iter().any(|w| matches!(*w, "both" | "all")) => Some(Role::Both),
        _ => None,
    }
}

/// A row that starts another table: three or more header words and no dropdown among them.
pub(crate) fn looks_like_header_row(view: &View<'_>, r: u32) -> bool {
    let texts = view.row_texts(r);
    let words = texts
        .iter()
        .filter(|&&(c, t)| {
            t.chars().count() <= 90 && !view.has_validation(r, c) && header_word(t).is_some()
        })
        .count();
    words >= 3
}

/// Whether a row may be a table's header: short texts, none of them an ID or a dropdown's
/// answer, and header words among them (two, or one over three columns or more).
pub(crate) fn may_be_header(view: &View<'_>, r: u32, texts: &[(u32, &str)]) -> bool {
    if texts.len() < 2 {
        return false;
    }
    let mut short = 0;
    let mut words = 0;
    let mut lists = 0;
    for &(c, t) in texts {
        if looks_like_id(t) || view.is_formula(r, c) {
            return false;
        }
        if view.has_validation(r, c) {
            lists += 1;
            continue;
        }
        if crate::words::first_line(t).chars().count() <= 90 && t.chars().count() <= 300 {
            short += 1;
            if header_word(t).is_some() {
                words += 1;
            }
        }
    }
    lists * 2 <= texts.len() && short >= 2 && (words >= 2 || (words >= 1 && short >= 3))
}

/// Reads the rows under a header: per column, how many hold IDs, dropdowns, cross-sheet
/// formulas and role words. Stops at the next header row or after `PROBE_ROWS` filled rows.
pub(crate) fn probe(
    view: &View<'_>,
    header_row: u32,
    header_texts: &[(u32, &str)],
    below: &[u32],
) -> Probe {
    let columns: Vec<u32> = header_texts.iter().map(|t| t.0).collect();
    let mut p = Probe {
        right_edge: header_texts
            .iter()
            .map(|&(c, _)| view.end_col(header_row, c))
            .max()
            .unwrap_or(0),
        ..Probe::default()
    };
    for &r in below.iter().take(PROBE_ROWS) {
        if looks_like_header_row(view, r) {
            break;
        }
        let texts = view.row_texts(r);
        if texts.is_empty() {
            continue;
        }
        p.rows += 1;
        for &(c, t) in &texts {
            p.right_edge = p.right_edge.max(view.end_col(r, c));
            if view.is_continuation(r, c) {
                continue;
            }
            if looks_like_id(t) {
                bump(&mut p.ids, c);
            }
            if role_of(t).is_some() {
                bump(&mut p.roles, c);
            } else if t.contains(' ') && !view.is_formula(r, c) {
                bump(&mut p.prose, c);
            }
            if view.value(r, c).is_some_and(|v| v.cross_sheet) {
                bump(&mut p.cross, c);
            }
        }
        // Dropdowns sit on empty cells too: look under every header column.
        for &c in &columns {
            if let Some(ListAt::Options(list)) = view.list_at(r, c) {
                if crate::recognise::answer_options(&list).len() >= 2 {
                    bump(&mut p.lists, c);
                }
            }
        }
    }
    p
}

/// Whether a whole sheet is the assessor's: most of what it shows is computed from the other
/// sheets (`='Supplier tab'!E9`), so nothing on it is the supplier's to answer.
pub(crate) fn computed_from_other_sheets(view: &View<'_>) -> Option<(usize, usize)> {
    let cells = &view.sheet.data.cells;
    let filled = cells
        .values()
        .filter(|v| !v.text.trim().is_empty() || v.formula)
        .count();
    let cross = cells.values().filter(|v| v.cross_sheet).count();
    (cross >= 10 && cross * 4 >= filled).then_some((cross, filled))
}

/// Whether a header names a column only NHS's assessor fills: a review, an assessment, an
/// approval. General vocabulary, not one workbook's headers.
pub(crate) fn is_assessor_header(text: &str) -> bool {
    let t = normalise(text);
    let nhs = t.contains("nhs") || t.contains("assessor") || t.contains("scrutiny");
    t.contains("assessor")
        || (nhs && (t.contains("review") || t.contains("assess") || t.contains("approv")))
        || t == "assess"
        || t.starts_with("approved")
        || t.starts_with("approval")
        || t.contains("approved/rejected")
        || t.starts_with("review")
        || t.starts_with("rag")
}

/// Words that ask something: a question mark, or a question word first ("What are…",
/// "Is there…", "Please describe…").
pub(crate) fn reads_as_question(text: &str) -> bool {
    let t = normalise(crate::words::first_line(text));
    if t.trim_end().ends_with('?') {
        return true;
    }
    let first = t.split_whitespace().next().unwrap_or("");
    matches!(
        first,
        "what"
            | "how"
            | "who"
            | "which"
            | "when"
            | "where"
            | "why"
            | "is"
            | "are"
            | "do"
            | "does"
            | "has"
            | "have"
            | "can"
            | "will"
            | "describe"
            | "explain"
            | "please"
    )
}

/// Header words that say a table lists requirements (evidence for a catalogue without a
/// response column).
pub(crate) fn speaks_of_requirements(header_texts: &[(u32, &str)]) -> bool {
    header_texts.iter().any(|&(_, t)| {
        let n = normalise(t);
        n.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
            matches!(
                w,
                "req" | "requirement" | "requirements" | "reqs" | "moscow"
            )
        }) || n.contains("must/should")
            || n.contains("conformance")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_read_from_their_usual_spellings() {
        assert_eq!(role_of("Provider"), Some(Role::Provider));
        assert_eq!(role_of("Consumer"), Some(Role::Consumer));
        assert_eq!(role_of("Provider/\nConsumer"), Some(Role::Both));
        assert_eq!(role_of("Prov/Cons"), Some(Role::Both));
        assert_eq!(role_of("All"), Some(Role::Both));
        assert_eq!(role_of("Provider of the data"), None);
        assert_eq!(role_of("GP Practice Manager"), None);
        assert_eq!(role_of(""), None);
    }

    #[test]
    fn assessor_headers_are_told_from_the_suppliers() {
        for h in [
            "NHS Digital Review",
            "NHS Digital Assessment",
            "Assess",
            "Approved/Rejected",
            "Assessor comments",
            "Review outcome",
        ] {
            assert!(is_assessor_header(h), "{h}");
        }
        for h in [
            "Compliance Level",
            "Choose your Answer",
            "How requirement will be assessed",
            "Response",
            "Additional Notes / References",
        ] {
            assert!(!is_assessor_header(h), "{h}");
        }
    }
}
