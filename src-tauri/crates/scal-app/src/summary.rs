//! What a face shows after any change, from one read of the draft: the completeness report,
//! the items changed since the last export, and whether the sign-off is still current.
//!
//! Before this layer each was read on its own (the report, then "changed since export", then
//! the sign-off digest), each reading every answer again.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use scal_core::{Answers, DraftState, Report};
use scal_store::{Draft, EvidenceLink, SectionStatus, SnapshotState};

use crate::AppResult;

/// The draft as it is now, and what follows from it.
#[derive(Debug, Clone)]
pub struct Summary {
    pub answers: Answers,
    /// Every evidence link, in the order they were linked.
    pub evidence: Vec<EvidenceLink>,
    pub section_status: BTreeMap<String, SectionStatus>,
    pub report: Report,
    pub changed: Changed,
    /// A sign-off is recorded and the answers have changed since.
    pub signoff_stale: bool,
}

impl Summary {
    /// Whether the template asks `item`, given these answers (`visible_when` on items and
    /// sections): exactly the items the report gives needs for, since `scal_core::check` judges
    /// visibility once for both (a core test holds the two together, on every case). What a
    /// face shows; every other item is hidden.
    pub fn asked(&self, item: &str) -> bool {
        self.report.needs.contains_key(item)
    }
}

/// The items that differ from the last export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changed {
    /// False until the draft has been exported once (an export's snapshot exists): nothing can
    /// be "changed since" before then.
    pub exported: bool,
    /// When the draft was last exported; `None` when it never was.
    pub last_export_at: Option<String>,
    pub items: BTreeSet<String>,
}

/// Whether a section is asked at all: some item of it is visible (a service tab the product does
/// not use is not, and is not shown as 100% done).
pub fn asked_sections(template: &scal_core::Template, s: &Summary) -> Vec<bool> {
    template
        .sections
        .iter()
        .map(|sec| sec.items.iter().any(|i| s.asked(&i.id)))
        .collect()
}

/// Reads the draft once and works out everything a face shows after a change.
pub fn read(draft: &Draft, today: NaiveDate) -> AppResult<Summary> {
    read_for(draft, today, scal_core::Profile::Workbook)
}

/// [`read`], checking for a given submission route (the `dos` profile adds the Digital
/// Onboarding Service's length warnings).
pub fn read_for(
    draft: &Draft,
    today: NaiveDate,
    profile: scal_core::Profile,
) -> AppResult<Summary> {
    let answers = draft.answers()?;
    let evidence = draft.evidence()?;
    let section_status = draft.section_statuses()?;
    let reconfirm = draft
        .reconfirmations()?
        .into_iter()
        .map(|r| r.item)
        .collect();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut evidence_dates: BTreeMap<String, Vec<scal_core::DatedFile>> = BTreeMap::new();
    for l in &evidence {
        *counts.entry(l.item.clone()).or_default() += 1;
        if !l.dates.is_empty() {
            evidence_dates
                .entry(l.item.clone())
                .or_default()
                .push(scal_core::DatedFile {
                    file_name: l.file.file_name.clone(),
                    dates: l.dates,
                });
        }
    }
    let check_state = DraftState {
        answers,
        evidence: counts,
        evidence_dates,
        section_status: section_status
            .iter()
            .map(|(s, st)| (s.clone(), st.status.clone()))
            .collect(),
        reconfirm,
        open_reviews: draft.open_review_counts()?,
    };
    let report = scal_core::check_for(draft.template(), &check_state, today, profile);
    let now = SnapshotState {
        answers: check_state.answers,
        evidence: evidence.iter().map(EvidenceLink::held).collect(),
        section_status,
        template_rev: draft.template_rev(),
    };
    let last_export_at = draft.exports()?.pop().map(|x| x.at);
    let items = draft.changed_since_last_export_given(&now)?;
    let signoff_stale = draft.signoff_given(&now.answers)?.is_some_and(|s| s.stale);
    Ok(Summary {
        answers: now.answers,
        evidence,
        section_status: now.section_status,
        report,
        changed: Changed {
            exported: items.is_some(),
            last_export_at,
            items: items.unwrap_or_default(),
        },
        signoff_stale,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failing test")]

    use super::*;
    use scal_store::AnswerChange;

    /// The summary agrees with each of the store's own answers, read one by one.
    #[test]
    fn the_summary_is_what_the_store_says_piece_by_piece() {
        let dir = tempfile::tempdir().unwrap();
        let t = crate::source::bundled(&scal_core::bundled_templates()[0].id).unwrap();
        let mut d = crate::open::create(&dir.path().join("d.scal"), &t, "Ada").unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let item = d.template().sections[0].items[0].id.clone();
        d.set_answer(&item, AnswerChange::comment("first"), "Ada")
            .unwrap();
        d.snapshot("before", scal_store::SnapshotReason::Manual, "Ada")
            .unwrap();
        d.set_answer(&item, AnswerChange::comment("second"), "Ada")
            .unwrap();
        let s = read(&d, today).unwrap();
        assert_eq!(s.answers, d.answers().unwrap());
        assert_eq!(
            s.report,
            scal_core::check(d.template(), &d.state().unwrap(), today)
        );
        assert_eq!(
            s.changed.items,
            d.changed_since_last_export().unwrap().unwrap_or_default()
        );
        assert!(!s.changed.exported, "a manual snapshot is not an export");
        assert!(!s.signoff_stale);
    }
}
