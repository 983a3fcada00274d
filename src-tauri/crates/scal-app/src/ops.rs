//! Every write the faces offer, each returning what the face shows next. The store judges and
//! records (normalising values, refusing what a mode forbids, keeping history); this module
//! decides which store calls make up a use case and what is read back afterwards.

use std::path::Path;

use chrono::NaiveDate;
use scal_core::{Answer, EvidenceDates};
use scal_export::{ExportOptions, ExportOutcome, ExportProgress};
use scal_store::{AnswerChange, Draft, EvidenceLink, SectionStatus};

use crate::summary::{self, Summary};
use crate::{names, AppError, AppResult};

/// An answer saved: the item's answer as stored (after the store normalised it) and the
/// after-write summary.
#[derive(Debug, Clone)]
pub struct Saved {
    /// The item's id (a requirement ID given for it is resolved).
    pub item: String,
    /// False when the item already held exactly that (nothing was written, no history).
    pub changed: bool,
    pub answer: Answer,
    pub summary: Summary,
}

/// Sets (or clears) the answer and comment of the item `name` names (its id, or its
/// requirement ID where that names one item).
pub fn answer(
    draft: &mut Draft,
    name: &str,
    change: AnswerChange,
    author: &str,
    today: NaiveDate,
) -> AppResult<Saved> {
    let item = names::item_id(draft.template(), name)?;
    let changed = draft.apply(&[(item.clone(), change)], author)? > 0;
    let summary = summary::read(draft, today)?;
    let answer = summary.answers.get(&item).cloned().unwrap_or(Answer {
        value: None,
        comment: String::new(),
    });
    Ok(Saved {
        item,
        changed,
        answer,
        summary,
    })
}

/// Applies many changes in one transaction (all or nothing); returns how many items changed.
pub fn apply(
    draft: &mut Draft,
    changes: &[(String, AnswerChange)],
    author: &str,
    today: NaiveDate,
) -> AppResult<(usize, Summary)> {
    let changed = draft.apply(changes, author)?;
    Ok((changed, summary::read(draft, today)?))
}

/// A section's status set: the status as recorded, and the summary.
pub fn set_status(
    draft: &mut Draft,
    name: &str,
    status: &str,
    author: &str,
    today: NaiveDate,
) -> AppResult<(String, SectionStatus, Summary)> {
    let section = names::section(draft.template(), name)
        .map(|s| s.id.clone())
        .unwrap_or_else(|| name.trim().to_string());
    draft.set_section_status_on(&section, status, author, today)?;
    let summary = summary::read(draft, today)?;
    let recorded = summary
        .section_status
        .get(&section)
        .cloned()
        .ok_or_else(|| AppError::refused(format!("section \"{section}\" has no status yet")))?;
    Ok((section, recorded, summary))
}

/// A file attached: its link, whether the draft already held the same content (stored once),
/// and the summary.
#[derive(Debug, Clone)]
pub struct Attached {
    pub link: EvidenceLink,
    pub deduplicated: bool,
    pub summary: Summary,
}

/// Streams `file` into the draft and links it to the item `name` names.
pub fn attach(
    draft: &mut Draft,
    name: &str,
    file: &Path,
    author: &str,
    today: NaiveDate,
    progress: &mut dyn FnMut(u64, u64),
) -> AppResult<Attached> {
    attach_dated(
        draft,
        name,
        file,
        EvidenceDates::default(),
        author,
        today,
        progress,
    )
}

/// [`attach`], with the document's own date and the date it is valid until.
pub fn attach_dated(
    draft: &mut Draft,
    name: &str,
    file: &Path,
    dates: EvidenceDates,
    author: &str,
    today: NaiveDate,
    progress: &mut dyn FnMut(u64, u64),
) -> AppResult<Attached> {
    let item = names::item_id(draft.template(), name)?;
    let before: std::collections::HashSet<String> = draft
        .evidence()?
        .into_iter()
        .map(|l| l.file.sha256)
        .collect();
    let link = draft.attach_dated(&item, file, dates, author, progress)?;
    Ok(Attached {
        deduplicated: before.contains(&link.file.sha256),
        summary: summary::read(draft, today)?,
        link,
    })
}

/// Sets (or clears) the dates of evidence link `link_id`.
pub fn set_evidence_dates(
    draft: &mut Draft,
    link_id: i64,
    dates: EvidenceDates,
    author: &str,
    today: NaiveDate,
) -> AppResult<(EvidenceLink, Summary)> {
    let link = draft.set_evidence_dates(link_id, dates, author)?;
    Ok((link, summary::read(draft, today)?))
}

/// Unlinks evidence link `link_id`; the blob stays while another link or snapshot needs it.
pub fn detach(
    draft: &mut Draft,
    link_id: i64,
    author: &str,
    today: NaiveDate,
) -> AppResult<(EvidenceLink, Summary)> {
    let link = draft.detach(link_id, author)?;
    Ok((link, summary::read(draft, today)?))
}

/// Exports the submission pack. Every file is read back before it is moved in (the export's
/// own check); the outcome carries that check (`pack_checked`), so no face re-reads the pack.
pub fn export(
    draft: &mut Draft,
    out_dir: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(ExportProgress),
) -> AppResult<ExportOutcome> {
    Ok(scal_export::export(draft, out_dir, options, progress)?)
}

/// Plans upgrading the draft to the template `json` (with `workbook`, the NHS workbook it was
/// imported from, when a new one comes with it): the dry run. Refused, as the upgrade itself
/// would be, when the draft is already at that template and no new workbook comes with it, so a
/// dry run never promises what the upgrade will not do.
pub fn plan_upgrade(
    draft: &Draft,
    json: &str,
    new_workbook: bool,
) -> AppResult<scal_core::upgrade::UpgradePlan> {
    if json == draft.template_json() && !new_workbook {
        let t = draft.template();
        return Err(scal_store::StoreError::AlreadyAtTemplate {
            path: draft.path().to_path_buf(),
            template: t.id.clone(),
            version: t.version.clone(),
        }
        .into());
    }
    Ok(draft.plan_upgrade(json)?)
}

/// Upgrades the draft (a "before upgrade" snapshot first, then one transaction).
pub fn upgrade(
    draft: &mut Draft,
    json: &str,
    workbook: Option<(&str, &[u8])>,
    author: &str,
) -> AppResult<scal_store::UpgradeReport> {
    let workbook = workbook.map(|(file_name, bytes)| scal_store::NewWorkbook { file_name, bytes });
    Ok(draft.upgrade(json, workbook, author)?)
}

/// Re-confirms an answer an upgrade carried over with changed wording.
pub fn confirm(draft: &mut Draft, name: &str, author: &str) -> AppResult<()> {
    let item = names::item_or_section(draft.template(), name)?;
    Ok(draft.confirm(&item, author)?)
}

/// Puts an archived answer back, onto `to` (an item of the template in force).
pub fn restore_archived(
    draft: &mut Draft,
    id: i64,
    to: &str,
    author: &str,
) -> AppResult<scal_store::ArchivedAnswer> {
    let to = names::item_or_section(draft.template(), to)?;
    Ok(draft.restore_archived(id, &to, author)?)
}

/// Takes a snapshot on demand.
pub fn snapshot(
    draft: &mut Draft,
    label: &str,
    author: &str,
) -> AppResult<scal_store::SnapshotInfo> {
    Ok(draft.snapshot(label, scal_store::SnapshotReason::Manual, author)?)
}

/// Puts the draft back as snapshot `id` holds it (a "before restore" snapshot first).
pub fn restore_snapshot(
    draft: &mut Draft,
    id: i64,
    author: &str,
) -> AppResult<scal_store::RestoreOutcome> {
    Ok(draft.restore_snapshot(id, author)?)
}

/// The plan of copying `sections` (ids or titles) from another draft.
pub fn plan_copy(
    to: &Draft,
    from: &Draft,
    sections: &[String],
) -> AppResult<scal_core::upgrade::CopyPlan> {
    Ok(to.plan_copy_from(from, sections)?)
}

/// Copies answers, comments and evidence of `sections` from another draft (opened read-only),
/// a "before copy" snapshot first.
pub fn copy(
    to: &mut Draft,
    from: &Draft,
    sections: &[String],
    author: &str,
    progress: &mut dyn FnMut(u64, u64),
) -> AppResult<scal_store::CopyReport> {
    Ok(to.copy_answers_from(from, sections, author, progress)?)
}

/// A review comment on the item (or section) `name` names, or a reply to comment `parent`.
pub fn review(
    draft: &mut Draft,
    name: &str,
    body: &str,
    parent: Option<i64>,
    author: &str,
) -> AppResult<scal_store::ReviewComment> {
    let item = names::item_or_section(draft.template(), name)?;
    Ok(draft.add_review_comment(&item, body, parent, author)?)
}

/// Resolves the thread of comment `id`.
pub fn resolve(draft: &mut Draft, id: i64, author: &str) -> AppResult<scal_store::ReviewComment> {
    Ok(draft.resolve_review_comment(id, author)?)
}

/// Accepts the proposed change of thread `id` (from a returned workbook): the assessor's text
/// becomes the item's answer (or comment), its history naming the thread, and the thread is
/// resolved with a reply saying so.
pub fn accept_proposed(
    draft: &mut Draft,
    id: i64,
    author: &str,
    today: NaiveDate,
) -> AppResult<(scal_store::ReviewComment, Summary)> {
    let root = draft.accept_proposed_change(id, author)?;
    Ok((root, summary::read(draft, today)?))
}

/// Re-opens the thread of comment `id`.
pub fn reopen(draft: &mut Draft, id: i64) -> AppResult<scal_store::ReviewComment> {
    Ok(draft.reopen_review_comment(id)?)
}

/// Records the sign-off: who, in what role, on what day; it goes stale when an answer changes.
pub fn sign_off(
    draft: &mut Draft,
    name: &str,
    role: &str,
    signed_on: NaiveDate,
    author: &str,
) -> AppResult<scal_store::Signoff> {
    Ok(draft.sign_off(name, role, signed_on, author)?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failing test")]

    use super::*;

    fn draft(dir: &Path) -> Draft {
        let t = crate::source::bundled(&scal_core::bundled_templates()[0].id).unwrap();
        crate::open::create(&dir.join("d.scal"), &t, "Ada").unwrap()
    }

    #[test]
    fn a_saved_answer_comes_back_as_stored_with_the_report_that_follows() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = draft(dir.path());
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let item = d.template().sections[0].items[0].id.clone();
        let before = summary::read(&d, today).unwrap().report.progress.answered;
        let saved = answer(
            &mut d,
            &item,
            AnswerChange::comment("  said once  "),
            "Ada",
            today,
        )
        .unwrap();
        assert_eq!(saved.answer, d.answers().unwrap()[&item]);
        assert_eq!(
            saved.summary.report,
            scal_core::check(d.template(), &d.state().unwrap(), today)
        );
        assert!(saved.summary.report.progress.answered >= before);
    }

    /// The after-write summary (report, changed since export, sign-off staleness) comes from
    /// one read of the answers, even on a draft that has been exported and signed off, where
    /// each used to read them again.
    #[test]
    fn saving_an_answer_reads_the_answers_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.scal");
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let items: Vec<String> = {
            let mut d = draft(dir.path());
            let items: Vec<String> = d.template().items().map(|(_, i)| i.id.clone()).collect();
            answer(&mut d, &items[0], AnswerChange::comment("a"), "Ada", today).unwrap();
            let out = dir.path().join("out");
            let options = ExportOptions {
                today: Some(today),
                ..ExportOptions::default()
            };
            export(&mut d, &out, &options, &mut |_| {}).unwrap();
            items
        };
        {
            let mut d = crate::open::open(&path, crate::open::Mode::Review).unwrap();
            sign_off(&mut d, "Ada Lovelace", "CSO", today, "Ada").unwrap();
        }
        let mut d = crate::open::open(&path, crate::open::Mode::Edit).unwrap();
        for (n, item) in items.iter().take(3).enumerate() {
            let before = d.answer_reads();
            let saved = answer(&mut d, item, AnswerChange::comment("b"), "Ada", today).unwrap();
            assert_eq!(d.answer_reads() - before, 1, "save {n} of {item}");
            // The summary is the whole one: the export and the sign-off were both seen.
            assert!(saved.summary.changed.exported);
            assert!(saved.summary.changed.items.contains(item));
            assert!(saved.summary.signoff_stale);
        }
    }

    #[test]
    fn an_unknown_item_is_refused_in_a_sentence_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = draft(dir.path());
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let e = answer(
            &mut d,
            "NO-SUCH-1",
            AnswerChange::comment("x"),
            "Ada",
            today,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("NO-SUCH-1"), "{e}");
        assert!(d.answers().unwrap().is_empty());
        assert!(d.history(None).unwrap().is_empty());
    }

    #[test]
    fn the_same_file_attached_twice_is_stored_once_and_said_so() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = draft(dir.path());
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let items: Vec<String> = d.template().items().map(|(_, i)| i.id.clone()).collect();
        let file = dir.path().join("pen test.pdf");
        #[allow(clippy::disallowed_methods, reason = "test fixture")]
        std::fs::write(&file, b"%PDF-1.4 report").unwrap();
        let a = attach(&mut d, &items[0], &file, "Ada", today, &mut |_, _| {}).unwrap();
        assert!(!a.deduplicated);
        let b = attach(&mut d, &items[1], &file, "Ada", today, &mut |_, _| {}).unwrap();
        assert!(b.deduplicated);
        assert_eq!(b.summary.evidence.len(), 2);
    }
}
