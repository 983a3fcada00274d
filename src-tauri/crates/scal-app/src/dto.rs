//! The transport types both faces send out: the CLI prints them as JSON (their shapes are the
//! contracts in `schemas/cli-*.schema.json`), the app sends them to its UI (TypeScript generated
//! from them with the `ts` feature). One definition each, so the two cannot drift.
//!
//! A name that crosses (a severity, a reason) is the domain type's own serde name
//! ([`serde_name`]), never a hand-written match.

use serde::{Deserialize, Serialize};

use scal_core::diff::ItemDiff;
use scal_core::template::Template;
use scal_core::upgrade::{CopyChange, UpgradePlan};
use scal_core::{Issue, Progress, Report, SectionProgress, Value};
use scal_store::{
    ArchivedAnswer, EvidenceLink, HistoryEntry, HistoryEvent, ReviewThread, SnapshotInfo,
};

#[cfg(feature = "ts")]
use ts_rs::TS;

/// The name serde gives a unit enum variant (`Severity::Blocking` → `"blocking"`).
pub fn serde_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A response: one string, or a list for multi-choice items.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(untagged)]
pub enum ValueDto {
    One(String),
    Many(Vec<String>),
}

impl ValueDto {
    /// As the workbook writes it: multi-choice joined with "; ".
    pub fn display(&self) -> String {
        match self {
            ValueDto::One(s) => s.clone(),
            ValueDto::Many(list) => list.join("; "),
        }
    }
}

impl From<&Value> for ValueDto {
    fn from(v: &Value) -> Self {
        match v {
            Value::One(s) => ValueDto::One(s.clone()),
            Value::Many(v) => ValueDto::Many(v.clone()),
        }
    }
}

impl From<ValueDto> for Value {
    fn from(v: ValueDto) -> Self {
        match v {
            ValueDto::One(s) => Value::One(s),
            ValueDto::Many(v) => Value::Many(v),
        }
    }
}

/// A template as listed: `scal templates --json`, the app's start screen.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TemplateSummary {
    pub id: String,
    pub version: String,
    pub title: String,
    pub publisher: String,
    pub description: String,
    pub sections: usize,
    pub items: usize,
}

impl From<&Template> for TemplateSummary {
    fn from(t: &Template) -> Self {
        TemplateSummary {
            id: t.id.clone(),
            version: t.version.clone(),
            title: t.title.clone(),
            publisher: t.publisher.clone(),
            description: t.description.clone(),
            sections: t.sections.len(),
            items: t.sections.iter().map(|s| s.items.len()).sum(),
        }
    }
}

/// Progress of the whole draft and of each section.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ProgressDto {
    pub total: usize,
    pub answered: usize,
    pub percent: f64,
    pub sections: Vec<SectionProgressDto>,
}

impl From<&Progress> for ProgressDto {
    fn from(p: &Progress) -> Self {
        ProgressDto {
            total: p.total,
            answered: p.answered,
            percent: finite(p.percent),
            sections: p.sections.iter().map(SectionProgressDto::from).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SectionProgressDto {
    pub section: String,
    pub title: String,
    pub total: usize,
    pub answered: usize,
    pub blocking: usize,
    pub warnings: usize,
    pub percent: f64,
}

impl From<&SectionProgress> for SectionProgressDto {
    fn from(s: &SectionProgress) -> Self {
        SectionProgressDto {
            section: s.section.clone(),
            title: s.title.clone(),
            total: s.total,
            answered: s.answered,
            blocking: s.blocking,
            warnings: s.warnings,
            percent: finite(s.percent),
        }
    }
}

/// JSON has no NaN: serde_json would print `null`, which the schema (and readers) refuse.
fn finite(p: f64) -> f64 {
    if p.is_finite() {
        p
    } else {
        0.0
    }
}

/// One thing still missing or wrong.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct IssueDto {
    pub item: String,
    pub section: String,
    /// blocking | warning
    pub severity: String,
    pub rule: String,
    pub message: String,
}

impl From<&Issue> for IssueDto {
    fn from(i: &Issue) -> Self {
        IssueDto {
            item: i.item.clone(),
            section: i.section.clone(),
            severity: serde_name(&i.severity),
            rule: i.rule.to_string(),
            message: i.message.clone(),
        }
    }
}

/// The completeness report as `scal check --json` prints it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CheckOutput {
    pub complete: bool,
    pub progress: ProgressDto,
    pub issues: Vec<IssueDto>,
}

impl From<&Report> for CheckOutput {
    fn from(r: &Report) -> Self {
        CheckOutput {
            complete: r.complete,
            progress: ProgressDto::from(&r.progress),
            issues: r.issues.iter().map(IssueDto::from).collect(),
        }
    }
}

/// One evidence link, as `scal show` nests it under its item.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct EvidenceDto {
    /// The link id, what detach (`scal detach`, the app's Unlink) takes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub file_name: String,
    pub sha256: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    pub media_type: String,
    pub added_at: String,
    /// The document's own date (YYYY-MM-DD), where given.
    pub dated: Option<String>,
    /// The last day the document is valid (YYYY-MM-DD), where given.
    pub valid_until: Option<String>,
}

impl From<&EvidenceLink> for EvidenceDto {
    fn from(l: &EvidenceLink) -> Self {
        EvidenceDto {
            id: l.id,
            file_name: l.file.file_name.clone(),
            sha256: l.file.sha256.clone(),
            size: l.file.size,
            media_type: l.file.media_type.clone(),
            added_at: l.file.added_at.clone(),
            dated: l.dates.dated.map(|d| d.to_string()),
            valid_until: l.dates.valid_until.map(|d| d.to_string()),
        }
    }
}

/// An evidence link with the item it belongs to: one entry of `scal evidence list --json`
/// (schemas/cli-evidence.schema.json), and of the app's evidence list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct EvidenceEntry {
    pub item: String,
    #[serde(flatten)]
    pub link: EvidenceDto,
}

impl From<&EvidenceLink> for EvidenceEntry {
    fn from(l: &EvidenceLink) -> Self {
        EvidenceEntry {
            item: l.item.clone(),
            link: EvidenceDto::from(l),
        }
    }
}

/// One snapshot of the draft: an entry of `scal snapshots --json`
/// (schemas/cli-snapshots.schema.json), the snapshot an upgrade or a copy took, a side of a diff.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SnapshotDto {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub at: String,
    pub author: String,
    /// manual | export | before_upgrade | before_restore | before_copy
    pub reason: String,
    pub label: String,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub export_id: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub template_rev: i64,
    pub answers_digest: String,
    /// How many items have an answer or a comment in it.
    pub answers: usize,
    /// How many evidence links it holds.
    pub evidence: usize,
}

impl From<&SnapshotInfo> for SnapshotDto {
    fn from(s: &SnapshotInfo) -> Self {
        SnapshotDto {
            id: s.id,
            at: s.at.clone(),
            author: s.author.clone(),
            reason: s.reason.as_str().to_string(),
            label: s.label.clone(),
            export_id: s.export_id,
            template_rev: s.template_rev,
            answers_digest: s.answers_digest.clone(),
            answers: s.answers,
            evidence: s.evidence,
        }
    }
}

/// One review comment or reply, as a thread holds it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ReviewCommentDto {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    /// The comment it answers; null for a thread's first comment.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub parent: Option<i64>,
    pub at: String,
    pub author: String,
    pub body: String,
    /// "remark", or "proposed": a change the assessor made to a supplier cell of a returned
    /// workbook, which `scal accept` (or Accept in the app) takes as the answer.
    pub kind: String,
    pub proposed: Option<ProposedChangeDto>,
    /// For a comment imported from a returned workbook: where in it.
    pub source: Option<String>,
}

/// What an assessor's change to a supplier cell proposes.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ProposedChangeDto {
    /// "response" or "comment".
    pub field: String,
    /// What the workbook was sent with.
    pub was: String,
    /// What the assessor put there.
    pub text: String,
}

impl ReviewCommentDto {
    pub fn new(c: &scal_store::ReviewComment) -> Self {
        ReviewCommentDto {
            id: c.id,
            parent: c.parent,
            at: c.at.clone(),
            author: c.author.clone(),
            body: c.body.clone(),
            kind: match c.kind {
                scal_store::ReviewKind::Remark => "remark",
                scal_store::ReviewKind::Proposed => "proposed",
            }
            .to_string(),
            proposed: c.proposed.as_ref().map(|p| ProposedChangeDto {
                field: p.field.as_str().to_string(),
                was: p.was.clone(),
                text: p.text.clone(),
            }),
            source: c.source.clone(),
        }
    }
}

/// What `scal review-import --json` (schemas/cli-review-import.schema.json) and the app's
/// import say: which workbook came back, what it added, what was already there.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ReviewImportDto {
    pub file: String,
    /// "own" (the workbook SCAL Workbench lays out) or "filled" (the NHS workbook filled in).
    pub workbook: String,
    pub reviewer: String,
    /// When the workbook that came back was written.
    pub written_at: String,
    pub cells_unchanged: usize,
    pub cells_recorded: usize,
    /// The comments added: remarks, proposed changes, replies.
    pub added: Vec<ReviewCommentDto>,
    /// Remarks already in the draft from an earlier round.
    pub repeated: usize,
    /// What was found but not imported, one sentence each.
    pub left_out: Vec<String>,
}

impl ReviewImportDto {
    pub fn new(r: &crate::review_import::ReviewImportReport) -> Self {
        ReviewImportDto {
            file: r.file_name.clone(),
            workbook: r.workbook.as_str().to_string(),
            reviewer: r.reviewer.clone(),
            written_at: r.written_at.clone(),
            cells_unchanged: r.cells_unchanged,
            cells_recorded: r.cells_recorded,
            added: r.added.iter().map(ReviewCommentDto::new).collect(),
            repeated: r.repeated,
            left_out: r.left_out.clone(),
        }
    }
}

/// One review thread, as `scal reviews --json` (schemas/cli-reviews.schema.json) and the app's
/// review panel show it: the item or section it is on, its state, its comments oldest first.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ReviewThreadDto {
    /// The thread's first comment: what resolve, re-open and a reply take.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub item: String,
    /// The section it is in (or is), and what a person calls it; null for an id the template
    /// no longer has.
    pub section: Option<String>,
    pub label: Option<String>,
    /// "open" or "resolved".
    pub status: String,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
    /// The first comment, then the replies, oldest first.
    pub comments: Vec<ReviewCommentDto>,
}

impl ReviewThreadDto {
    pub fn new(template: &Template, t: &ReviewThread) -> Self {
        let place = crate::names::place_of(template, t.item());
        ReviewThreadDto {
            id: t.root.id,
            item: t.root.item.clone(),
            section: place.map(|(s, _, _)| s.to_string()),
            label: place.map(|(_, _, l)| l.to_string()),
            status: if t.is_open() { "open" } else { "resolved" }.to_string(),
            resolved_at: t.root.resolved_at.clone(),
            resolved_by: t.root.resolved_by.clone(),
            comments: std::iter::once(&t.root)
                .chain(&t.replies)
                .map(ReviewCommentDto::new)
                .collect(),
        }
    }
}

/// One change in a draft's history: an entry of `scal history --json`
/// (schemas/cli-history.schema.json) and of the app's history views.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct HistoryEntryDto {
    /// Position in the history; increases with every change.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    pub at: String,
    pub author: String,
    /// The item, or for `status` the section.
    pub item: String,
    /// The section it is in, per the template in force; null if the template no longer has it.
    pub section: Option<String>,
    pub label: Option<String>,
    /// answer | comment | attach | detach | status | carry | archive | restore | confirm | copy |
    /// dates
    pub action: String,
    pub old_value: Option<ValueDto>,
    pub new_value: Option<ValueDto>,
    /// The comment before and after, when the comment changed; otherwise null.
    pub old_comment: Option<String>,
    pub new_comment: Option<String>,
    /// For attach and detach: the file.
    pub evidence: Option<HistoryEvidenceDto>,
    /// Set when the change was made by restoring this snapshot.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub snapshot: Option<i64>,
    /// For a copy: where the answer came from; null on every other entry.
    pub copied_from: Option<CopiedFromDto>,
    /// For `dates`, and an attach that gave them: the document's dates, before and after.
    pub dates: Option<HistoryDatesDto>,
    /// For an answer or comment that accepted a proposed change: the review thread.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub review: Option<i64>,
}

/// A link's dates before and after a change (`before` is all null for an attach).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct HistoryDatesDto {
    pub before: EvidenceDatesDto,
    pub after: EvidenceDatesDto,
}

/// The two dates of an evidence document, YYYY-MM-DD or null.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct EvidenceDatesDto {
    pub dated: Option<String>,
    pub valid_until: Option<String>,
}

impl HistoryDatesDto {
    /// What changed, in words: "dated (none) → 2026-01-10; valid until 2027-01-09 → 2028-01-09".
    /// A date that stayed the same is left out.
    pub fn describe(&self) -> String {
        let side = |d: &Option<String>| d.clone().unwrap_or_else(|| "(none)".to_string());
        let mut parts = Vec::new();
        if self.before.dated != self.after.dated {
            parts.push(format!(
                "dated {} → {}",
                side(&self.before.dated),
                side(&self.after.dated)
            ));
        }
        if self.before.valid_until != self.after.valid_until {
            parts.push(format!(
                "valid until {} → {}",
                side(&self.before.valid_until),
                side(&self.after.valid_until)
            ));
        }
        parts.join("; ")
    }
}

impl From<&scal_core::EvidenceDates> for EvidenceDatesDto {
    fn from(d: &scal_core::EvidenceDates) -> Self {
        EvidenceDatesDto {
            dated: d.dated.map(|x| x.to_string()),
            valid_until: d.valid_until.map(|x| x.to_string()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CopiedFromDto {
    pub draft: String,
    pub draft_id: String,
    pub item: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub before_snapshot: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct HistoryEvidenceDto {
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub link: Option<i64>,
    pub file_name: String,
    pub sha256: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub size: Option<u64>,
    pub media_type: Option<String>,
}

impl HistoryEntryDto {
    pub fn new(template: &Template, e: &HistoryEntry) -> Self {
        let place = crate::names::place_of(template, &e.item);
        let evidence = match &e.event {
            HistoryEvent::Dates(d) => Some(HistoryEvidenceDto {
                link: Some(d.link),
                file_name: d.file_name.clone(),
                sha256: Some(d.sha256.clone()),
                size: None,
                media_type: None,
            }),
            event => event.link().map(|l| HistoryEvidenceDto {
                link: Some(l.link),
                file_name: l.file_name.clone(),
                sha256: Some(l.sha256.clone()),
                size: Some(l.size),
                media_type: Some(l.media_type.clone()),
            }),
        };
        let dates = match &e.event {
            HistoryEvent::Dates(d) => Some(HistoryDatesDto {
                before: EvidenceDatesDto::from(&d.before),
                after: EvidenceDatesDto::from(&d.after),
            }),
            HistoryEvent::Attach(l) if !l.dates.is_empty() => Some(HistoryDatesDto {
                before: EvidenceDatesDto::from(&scal_core::EvidenceDates::default()),
                after: EvidenceDatesDto::from(&l.dates),
            }),
            _ => None,
        };
        HistoryEntryDto {
            seq: e.seq,
            at: e.at.clone(),
            author: e.author.clone(),
            item: e.item.clone(),
            section: place.map(|(s, _, _)| s.to_string()),
            label: place.map(|(_, _, l)| l.to_string()),
            action: e.action().as_str().to_string(),
            old_value: e.old_value.as_ref().map(ValueDto::from),
            new_value: e.new_value.as_ref().map(ValueDto::from),
            old_comment: e.old_comment.clone(),
            new_comment: e.new_comment.clone(),
            evidence,
            snapshot: e.event.snapshot(),
            copied_from: match &e.event {
                HistoryEvent::Copy(c) => Some(CopiedFromDto {
                    draft: c.from_draft.clone(),
                    draft_id: c.from_draft_id.clone(),
                    item: c.from_item.clone(),
                    before_snapshot: c.before,
                }),
                _ => None,
            },
            dates,
            review: e.event.review(),
        }
    }
}

/// One item that differs between two states of a draft: an entry of `scal diff --json`
/// (schemas/cli-diff.schema.json) and of the app's comparison.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DiffItemDto {
    pub item: String,
    /// Where it sits (section id and title) and what it is called; null for an id neither
    /// side's template has.
    pub section: Option<String>,
    pub section_title: Option<String>,
    pub label: Option<String>,
    /// The answer's change, when it changed.
    pub answer: Option<DiffValueDto>,
    /// The comment's change, when it changed.
    pub comment: Option<DiffCommentDto>,
    /// Evidence linked on one side only.
    pub evidence: Vec<DiffEvidenceDto>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DiffValueDto {
    /// added | removed | changed
    pub change: String,
    pub old: Option<ValueDto>,
    pub new: Option<ValueDto>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DiffCommentDto {
    /// added | removed | changed
    pub change: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DiffEvidenceDto {
    /// "added" or "removed".
    pub change: String,
    pub file_name: String,
    pub sha256: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
}

impl DiffItemDto {
    /// `place` is where the item sits ([`crate::names::place_of`] in the template that has it).
    pub fn new(place: Option<(&str, &str, &str)>, i: &ItemDiff) -> Self {
        DiffItemDto {
            item: i.item.clone(),
            section: place.map(|(s, _, _)| s.to_string()),
            section_title: place.map(|(_, t, _)| t.to_string()),
            label: place.map(|(_, _, l)| l.to_string()),
            answer: i.value.as_ref().map(|v| DiffValueDto {
                change: v.kind.as_str().to_string(),
                old: v.old.as_ref().map(ValueDto::from),
                new: v.new.as_ref().map(ValueDto::from),
            }),
            comment: i.comment.as_ref().map(|c| DiffCommentDto {
                change: c.kind.as_str().to_string(),
                old: c.old.clone(),
                new: c.new.clone(),
            }),
            evidence: i
                .evidence
                .iter()
                .map(|e| DiffEvidenceDto {
                    change: e.kind.as_str().to_string(),
                    file_name: e.file.file_name.clone(),
                    sha256: e.file.sha256.clone(),
                    size: e.file.size,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failing test")]

    use super::*;

    #[test]
    fn names_cross_as_serde_gives_them() {
        assert_eq!(serde_name(&scal_core::Severity::Blocking), "blocking");
        assert_eq!(serde_name(&scal_core::Severity::Warning), "warning");
    }

    #[test]
    fn a_value_crosses_as_a_string_or_a_list() {
        let one = serde_json::to_string(&ValueDto::One("Yes".into())).unwrap();
        let many = serde_json::to_string(&ValueDto::Many(vec!["A".into(), "B".into()])).unwrap();
        assert_eq!((one.as_str(), many.as_str()), ("\"Yes\"", "[\"A\",\"B\"]"));
    }
}

/// An answer an upgrade set aside: `scal archived --json` (schemas/cli-archived.schema.json)
/// and the app's versions view.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ArchivedAnswerDto {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub item: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub template_rev: i64,
    pub template_id: String,
    pub template_version: String,
    pub section: String,
    pub label: String,
    pub text: String,
    pub value: Option<ValueDto>,
    pub comment: String,
    pub evidence: Vec<ArchivedFileDto>,
    pub archived_at: String,
    pub archived_by: String,
    /// When, by whom and onto which item it was restored; null while it is not.
    pub restored: Option<RestoredDto>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ArchivedFileDto {
    pub file_name: String,
    pub sha256: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RestoredDto {
    pub at: String,
    pub by: String,
    pub to: String,
}

impl From<&ArchivedAnswer> for ArchivedAnswerDto {
    fn from(a: &ArchivedAnswer) -> Self {
        ArchivedAnswerDto {
            id: a.id,
            item: a.item.clone(),
            template_rev: a.template_rev,
            template_id: a.template_id.clone(),
            template_version: a.template_version.clone(),
            section: a.section.clone(),
            label: a.label.clone(),
            text: a.text.clone(),
            value: a.value.as_ref().map(ValueDto::from),
            comment: a.comment.clone(),
            evidence: a
                .evidence
                .iter()
                .map(|e| ArchivedFileDto {
                    file_name: e.file_name.clone(),
                    sha256: e.sha256.clone(),
                    size: e.size,
                })
                .collect(),
            archived_at: a.archived_at.clone(),
            archived_by: a.archived_by.clone(),
            restored: a.restored.as_ref().map(|r| RestoredDto {
                at: r.at.clone(),
                by: r.by.clone(),
                to: r.to.clone(),
            }),
        }
    }
}

/// One item a copy of answers changes: `scal copy --json`'s `changes`
/// (schemas/cli-copy.schema.json) and the lines of the app's copy preview.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CopyChangeDto {
    pub from_item: String,
    pub to_item: String,
    pub label: String,
    /// The target section's id.
    pub section: String,
    /// How the two items were matched (`id`, `text`, `similarity`).
    pub by: String,
    /// Null when the value stays as it is.
    pub value: Option<ValueChangeDto>,
    /// Null when the comment stays as it is.
    pub comment: Option<TextChangeDto>,
    /// Evidence linked to the source item and not yet to the target item.
    pub evidence: Vec<CopiedFileDto>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ValueChangeDto {
    pub before: Option<ValueDto>,
    pub after: ValueDto,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TextChangeDto {
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CopiedFileDto {
    pub file_name: String,
    pub sha256: String,
}

impl From<&CopyChange> for CopyChangeDto {
    fn from(c: &CopyChange) -> Self {
        CopyChangeDto {
            from_item: c.from.id.clone(),
            to_item: c.to.id.clone(),
            label: c.to.label.clone(),
            section: c.to.section.clone(),
            by: c.by.as_str().to_string(),
            value: c.value.as_ref().map(|(before, after)| ValueChangeDto {
                before: before.as_ref().map(ValueDto::from),
                after: ValueDto::from(after),
            }),
            comment: c.comment.as_ref().map(|(before, after)| TextChangeDto {
                before: before.clone(),
                after: after.clone(),
            }),
            evidence: c
                .evidence
                .iter()
                .map(|e| CopiedFileDto {
                    file_name: e.file_name.clone(),
                    sha256: e.sha256.clone(),
                })
                .collect(),
        }
    }
}

/// The totals of an upgrade report: `scal upgrade --json`'s `summary`
/// (schemas/cli-upgrade.schema.json) and the line above the app's report.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct UpgradeSummaryDto {
    /// Matched items holding an answer, comment or evidence.
    pub carried: usize,
    /// Carried answers flagged for re-confirmation.
    pub reconfirm: usize,
    /// Archived answers: removed items that held something, and values that no longer fit.
    pub archived: usize,
    pub new: usize,
}

impl From<&UpgradePlan> for UpgradeSummaryDto {
    fn from(plan: &UpgradePlan) -> Self {
        let unfit = plan
            .no_longer_fits
            .iter()
            .filter(|c| c.answer.as_ref().is_some_and(|a| a.value.is_some()));
        UpgradeSummaryDto {
            carried: plan.carries().filter(|c| c.holds_anything()).count(),
            reconfirm: plan.reconfirmations().count(),
            archived: plan.archived().count() + unfit.count(),
            new: plan.new.len(),
        }
    }
}
