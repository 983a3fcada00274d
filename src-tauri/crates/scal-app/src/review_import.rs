//! Bringing the assessor's returned workbook back into the draft (`scal review-import`, "Import
//! reviewer's workbook…").
//!
//! The returned file is recognised by what this draft wrote, never by its hash: our own
//! workbook carries the draft's id in its document properties; a filled NHS workbook matches an
//! export record when the template's sheets are there and most of the answer cells still hold
//! what the fill wrote. Then, against that record:
//! - text in a review cell (our "NHS review" column, the NHS workbook's assessor column) is a
//!   remark on the row's item;
//! - an Excel note or a threaded comment is a remark on the item of its row (a thread's replies
//!   stay its replies), by its own author;
//! - a response or comment cell that no longer holds what we wrote is a proposed change, held
//!   until the lead accepts it (`ops::accept_proposed`).
//!
//! Every remark carries a key of its content, so importing the second round's workbook (which
//! repeats the first round's remarks) adds only what is new.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use scal_store::{
    Draft, ImportedRemark, ProposedChange, ProposedField, ReviewComment, ReviewImport, ReviewKind,
    WorkbookKind, WrittenCell, WrittenRecord,
};
use scal_workbook::Returned;
use sha2::{Digest, Sha256};

use crate::{AppError, AppResult};

/// Who a remark is from when neither the user nor the workbook says.
pub const DEFAULT_REVIEWER: &str = "NHS assessor";

/// Below this share of the answers we wrote still in place, a filled workbook is not ours.
const MATCH_SHARE: f64 = 0.5;

/// What an import found and added.
#[derive(Debug, Clone)]
pub struct ReviewImportReport {
    pub file_name: String,
    pub workbook: WorkbookKind,
    /// The name remarks without their own author were given.
    pub reviewer: String,
    /// When the workbook that came back was written (its export, or its fill).
    pub written_at: String,
    /// How many answer cells still hold what we wrote, of how many recorded.
    pub cells_unchanged: usize,
    pub cells_recorded: usize,
    pub added: Vec<ReviewComment>,
    pub repeated: usize,
    /// What was found but not imported, one sentence each.
    pub left_out: Vec<String>,
}

/// Reads the returned workbook at `path` and imports its remarks into `draft`.
pub fn review_import(
    draft: &mut Draft,
    path: &Path,
    reviewer: Option<&str>,
    author: &str,
) -> AppResult<ReviewImportReport> {
    let bytes = scal_workbook::read_workbook_file(path)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let returned = Returned::read(&bytes, &path.display().to_string())?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let records = draft.written_workbooks()?;
    let shown = path.display().to_string();
    let (record, unchanged, recorded) = recognise(draft, &returned, &records, &shown)?;
    let reviewer = reviewer
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .or_else(|| returned.last_modified_by.clone())
        .unwrap_or_else(|| DEFAULT_REVIEWER.to_string());
    // A filled workbook's cells and notes the fill did not write are the NHS workbook's own:
    // its placeholders and its authors' notes are not the assessor's.
    let original = match record.kind {
        WorkbookKind::Filled => scal_export::source_workbook_bytes(draft)
            .ok()
            .and_then(|b| Returned::read(&b, "the NHS workbook").ok()),
        WorkbookKind::Own => None,
    };
    let (mut remarks, mut left_out) =
        remarks_of(draft, &returned, original.as_ref(), record, &reviewer);
    // An item the template in force no longer has (the draft was upgraded since it was sent).
    let template = draft.template();
    remarks.retain(|r| {
        let known = template.item(&r.item).is_some() || template.section(&r.item).is_some();
        if !known {
            left_out.push(format!(
                "the remark at {} is on \"{}\", which this draft's template no longer has: \"{}\"",
                r.source,
                r.item,
                clip(&r.body, 80)
            ));
        }
        known
    });
    let outcome = draft.import_review(
        &ReviewImport {
            file_name: file_name.clone(),
            sha256,
            reviewer: reviewer.clone(),
            written_id: record.id,
        },
        &remarks,
        author,
    )?;
    Ok(ReviewImportReport {
        file_name,
        workbook: record.kind,
        reviewer,
        written_at: record.at.clone(),
        cells_unchanged: unchanged,
        cells_recorded: recorded,
        added: outcome.added,
        repeated: outcome.repeated,
        left_out,
    })
}

/// Which record the returned workbook is a copy of, with how many of its answer cells are
/// unchanged and how many there are; or the sentence saying why it is none of them.
fn recognise<'r>(
    draft: &Draft,
    returned: &Returned,
    records: &'r [WrittenRecord],
    shown: &str,
) -> AppResult<(&'r WrittenRecord, usize, usize)> {
    let score = |r: &WrittenRecord| {
        let answers: Vec<&WrittenCell> = r.cells.iter().filter(|c| c.role != "review").collect();
        let unchanged = answers
            .iter()
            .filter(|c| same(&c.value, returned.cell(&c.sheet, &c.cell)))
            .count();
        (unchanged, answers.len())
    };
    if let Some(id) = returned.custom.get("SCAL draft id") {
        if id != draft.draft_id() {
            return Err(AppError::refused(format!(
                "{shown} was exported from another draft (id {id}), not from {} (id {}): import it into the draft it came from",
                draft.path().display(),
                draft.draft_id()
            )));
        }
        let digest = returned.custom.get("SCAL answers digest");
        let own: Vec<&WrittenRecord> = records
            .iter()
            .filter(|r| r.kind == WorkbookKind::Own)
            .collect();
        let record = own
            .iter()
            .find(|r| r.answers_digest.as_ref() == digest)
            .or_else(|| own.first())
            .ok_or_else(|| {
                AppError::refused(format!(
                    "{shown} was exported from this draft by a version that did not record what it wrote: export the draft again and send that workbook"
                ))
            })?;
        let (unchanged, recorded) = score(record);
        return Ok((record, unchanged, recorded));
    }
    // No draft id: an NHS workbook filled in place, or our own saved by a writer that drops
    // custom properties. Either way, judged by its cells.
    if records.is_empty() {
        return Err(AppError::refused(format!(
            "{shown} is not a workbook this draft exported: it does not carry this draft's id, and this draft has no record of a workbook it wrote (export it, and send that workbook)"
        )));
    }
    let filled: Vec<&WrittenRecord> = records.iter().collect();
    let with_sheets: Vec<&&WrittenRecord> = filled
        .iter()
        .filter(|r| r.cells.iter().all(|c| returned.has_sheet(&c.sheet)))
        .collect();
    if with_sheets.is_empty() {
        let mut missing: Vec<&str> = filled[0]
            .cells
            .iter()
            .filter(|c| !returned.has_sheet(&c.sheet))
            .map(|c| c.sheet.as_str())
            .collect();
        missing.sort_unstable();
        missing.dedup();
        return Err(AppError::refused(format!(
            "{shown} is a different workbook from the ones this draft wrote (another template?): it has no sheet {}",
            missing
                .iter()
                .take(3)
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    // The best match, newest first on a tie.
    let mut best: Option<(&WrittenRecord, usize, usize, f64)> = None;
    for r in with_sheets {
        let (unchanged, recorded) = score(r);
        let answered: Vec<&WrittenCell> = r
            .cells
            .iter()
            .filter(|c| {
                c.role != "review"
                    && !c.value.trim().is_empty()
                    && !scal_core::answer::is_placeholder(&c.value)
            })
            .collect();
        let kept = answered
            .iter()
            .filter(|c| same(&c.value, returned.cell(&c.sheet, &c.cell)))
            .count();
        let share = if answered.is_empty() {
            1.0
        } else {
            kept as f64 / answered.len() as f64
        };
        if best.is_none_or(|b| share > b.3) {
            best = Some((r, unchanged, recorded, share));
        }
    }
    match best {
        Some((r, unchanged, recorded, share)) if share >= MATCH_SHARE => Ok((r, unchanged, recorded)),
        Some((_, _, _, share)) => Err(AppError::refused(format!(
            "{shown} has the sheets of a workbook this draft wrote, but only {:.0}% of the answers this draft wrote are in it: it looks like another supplier's copy, or another draft's",
            share * 100.0
        ))),
        None => Err(AppError::refused(format!("{shown} matches nothing this draft wrote"))),
    }
}

/// Whether a returned cell still holds what we wrote: the same text once trimmed, a
/// placeholder or blank for a cell written empty, or the same date written as a serial number.
fn same(written: &str, found: &str) -> bool {
    let (w, f) = (written.trim(), found.trim());
    if w == f {
        return true;
    }
    let empty = |s: &str| s.is_empty() || scal_core::answer::is_placeholder(s);
    if empty(w) && empty(f) {
        return true;
    }
    match (scal_core::answer::parse_date(w), serial_date(f)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// A cell's number read as an Excel date (days since 1899-12-30).
fn serial_date(s: &str) -> Option<NaiveDate> {
    let n: f64 = s.parse().ok()?;
    if !(1.0..2_958_466.0).contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(n.floor() as u64))
}

/// The text a returned cell holds, as a person would type it (a date serial as YYYY-MM-DD when
/// we wrote a date there).
fn as_typed(written: &str, found: &str) -> String {
    let f = found.trim();
    if scal_core::answer::parse_date(written).is_some() {
        if let Some(d) = serial_date(f) {
            return d.format("%Y-%m-%d").to_string();
        }
    }
    f.to_string()
}

fn key(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

/// The remarks the returned workbook holds against `record`, and what was left out.
fn remarks_of(
    draft: &Draft,
    returned: &Returned,
    original: Option<&Returned>,
    record: &WrittenRecord,
    reviewer: &str,
) -> (Vec<ImportedRemark>, Vec<String>) {
    // What a cell held when it went out: what we wrote, else what the workbook had there.
    let sent = |c: &WrittenCell| -> String {
        match original {
            Some(o) if c.value.is_empty() => o.cell(&c.sheet, &c.cell).to_string(),
            _ => c.value.clone(),
        }
    };
    let already: std::collections::HashSet<(String, String, String)> = original
        .map(|o| {
            o.remarks
                .iter()
                .map(|n| {
                    (
                        n.sheet.to_lowercase(),
                        n.cell.clone(),
                        n.text.trim().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let template = draft.template();
    let mut remarks = Vec::new();
    let mut left_out = Vec::new();
    // Which item each written row is about, and which section each sheet is.
    let mut rows: HashMap<(String, u32), String> = HashMap::new();
    let mut sheet_section: HashMap<String, String> = HashMap::new();
    for c in &record.cells {
        let Some(item) = &c.item else { continue };
        let Some((row, _)) = scal_core::template::parse_cell_ref(&c.cell) else {
            continue;
        };
        let sheet = c.sheet.to_lowercase();
        if c.role == "status" {
            sheet_section.entry(sheet).or_insert_with(|| item.clone());
            continue;
        }
        if let Some((section, _)) = template.item(item) {
            sheet_section
                .entry(sheet.clone())
                .or_insert_with(|| section.id.clone());
        }
        rows.entry((sheet, row)).or_insert_with(|| item.clone());
    }
    let at_cell = |c: &WrittenCell| format!("sheet \"{}\" cell {}", c.sheet, c.cell);
    let mut option_changes: BTreeMap<String, usize> = BTreeMap::new();
    for c in &record.cells {
        let Some(item) = &c.item else { continue };
        let found = returned.cell(&c.sheet, &c.cell);
        match c.role.as_str() {
            "review" => {
                let text = found.trim();
                if text.is_empty() {
                    continue;
                }
                remarks.push(ImportedRemark {
                    item: item.clone(),
                    key: key(&["review", item, reviewer, text]),
                    parent_key: None,
                    author: reviewer.to_string(),
                    at: None,
                    body: text.to_string(),
                    kind: ReviewKind::Remark,
                    proposed: None,
                    source: format!("{} (review column)", at_cell(c)),
                });
            }
            "response" | "comment" if !same(&sent(c), found) => {
                let field = if c.role == "response" {
                    ProposedField::Response
                } else {
                    ProposedField::Comment
                };
                let was_sent = sent(c);
                let text = as_typed(&was_sent, found);
                let was = was_sent.trim().to_string();
                let shown = |s: &str| {
                    if s.is_empty() || scal_core::answer::is_placeholder(s) {
                        "(empty)".to_string()
                    } else {
                        format!("\"{s}\"")
                    }
                };
                remarks.push(ImportedRemark {
                    item: item.clone(),
                    key: key(&["proposed", item, field.as_str(), &text]),
                    parent_key: None,
                    author: reviewer.to_string(),
                    at: None,
                    body: format!(
                        "Changed the {} from {} to {}.",
                        field.as_str(),
                        shown(&was),
                        shown(&text)
                    ),
                    kind: ReviewKind::Proposed,
                    proposed: Some(ProposedChange { field, was, text }),
                    source: at_cell(c),
                });
            }
            "option" | "other" | "evidence" | "status" if !same(&sent(c), found) => {
                *option_changes
                    .entry(format!("{} ({})", item, c.role))
                    .or_default() += 1;
            }
            _ => {}
        }
    }
    for (what, n) in option_changes {
        left_out.push(format!(
            "{n} changed cell(s) of {what} were not read as a proposed change: only response and comment cells are; say so to the assessor or change it yourself"
        ));
    }
    // Notes and threaded comments, on the item of their row, else on their sheet's section.
    let mut thread_keys: HashMap<String, String> = HashMap::new();
    for n in &returned.remarks {
        let text = n.text.trim();
        if text.is_empty()
            || already.contains(&(n.sheet.to_lowercase(), n.cell.clone(), text.to_string()))
        {
            continue;
        }
        let sheet = n.sheet.to_lowercase();
        let row = scal_core::template::parse_cell_ref(&n.cell).map(|(r, _)| r);
        let target = row
            .and_then(|r| rows.get(&(sheet.clone(), r)))
            .or_else(|| sheet_section.get(&sheet))
            .cloned();
        let Some(item) = target else {
            left_out.push(format!(
                "the {} on sheet \"{}\" cell {} is on no item of the draft, so it was not imported: \"{}\"",
                if n.threaded { "comment" } else { "note" },
                n.sheet,
                n.cell,
                clip(text, 80)
            ));
            continue;
        };
        let author = if n.author.trim().is_empty() {
            reviewer.to_string()
        } else {
            n.author.trim().to_string()
        };
        let parent_key = n.parent.as_ref().and_then(|p| thread_keys.get(p)).cloned();
        let k = key(&[
            if n.threaded { "comment" } else { "note" },
            &item,
            &author,
            parent_key.as_deref().unwrap_or(""),
            text,
        ]);
        if let Some(id) = &n.id {
            thread_keys.insert(id.clone(), k.clone());
        }
        remarks.push(ImportedRemark {
            item,
            key: k,
            parent_key,
            author,
            at: n.at.as_deref().and_then(rfc3339),
            body: text.to_string(),
            kind: ReviewKind::Remark,
            proposed: None,
            source: format!(
                "{} on sheet \"{}\" cell {}",
                if n.threaded { "comment" } else { "note" },
                n.sheet,
                n.cell
            ),
        });
    }
    (remarks, left_out)
}

/// The first `max` characters of a text, with an ellipsis when cut.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}\u{2026}", s.chars().take(max).collect::<String>())
    }
}

/// A threaded comment's date (`2026-11-30T10:15:00.00`) as RFC 3339 UTC, when it is one.
fn rfc3339(s: &str) -> Option<String> {
    let s = s.trim();
    let parsed = chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&chrono::Utc).naive_utc())
        .ok()
        .or_else(|| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok())?;
    Some(
        parsed
            .and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_unchanged_when_it_says_the_same_thing() {
        assert!(same("Yes", " Yes "));
        assert!(same("", "Please select…"));
        assert!(same("2026-05-01", "46143"));
        assert!(!same("Yes", "No"));
        assert!(!same("", "Partly"));
        assert_eq!(as_typed("2026-05-01", "46144"), "2026-05-02");
    }

    #[test]
    fn threaded_comment_dates_become_rfc3339() {
        assert_eq!(
            rfc3339("2026-11-30T10:15:00.00").as_deref(),
            Some("2026-11-30T10:15:00Z")
        );
        assert_eq!(rfc3339("yesterday"), None);
    }
}
