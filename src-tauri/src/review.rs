//! Snapshots, diffs, review comments and the sign-off: DTOs built from the store's answers.
//! The store decides (what changed, what is stale, how comments thread); this only translates.

use std::collections::BTreeMap;

use scal_core::diff::{ChangeKind, Diff, ItemDiff, Side};
use scal_store::{Draft, ReviewComment, ReviewThread, SnapshotInfo, SnapshotState};

use crate::dto::*;
use crate::error::CmdResult;
use crate::views;

pub fn snapshot_dto(s: &SnapshotInfo) -> SnapshotDto {
    SnapshotDto {
        id: small(s.id),
        at: s.at.clone(),
        author: s.author.clone(),
        reason: s.reason.as_str().to_string(),
        reason_text: s.reason.describe().to_string(),
        label: s.label.clone(),
        answers: count(s.answers),
        evidence: count(s.evidence),
    }
}

pub fn snapshots(d: &Draft) -> CmdResult<Vec<SnapshotDto>> {
    Ok(d.snapshots()?.iter().map(snapshot_dto).collect())
}

/// Ids cross to the UI as JavaScript numbers; a draft never has 2^31 snapshots or comments.
fn small(id: i64) -> i32 {
    i32::try_from(id).unwrap_or(i32::MAX)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The two sides of a comparison: snapshot ids, `None` for the draft now. With neither given,
/// the latest snapshot against now (what `scal diff` does too).
pub fn diff(d: &Draft, request: &DiffRequest) -> CmdResult<DiffDto> {
    let from = match request.from {
        Some(id) => Some(d.snapshot_info(i64::from(id))?),
        None => Some(d.latest_snapshot()?.ok_or_else(|| {
            CmdError::new("There is no snapshot to compare with yet: take one first.")
        })?),
    };
    let to = request
        .to
        .map(|id| d.snapshot_info(i64::from(id)))
        .transpose()?;
    let side = |info: &Option<SnapshotInfo>| -> CmdResult<((String, String), SnapshotState)> {
        Ok(match info {
            Some(s) => ((describe(s), s.at.clone()), d.snapshot_state(s.id)?),
            None => (
                ("the draft now".to_string(), String::new()),
                d.current_state()?,
            ),
        })
    };
    let (from_name, old) = side(&from)?;
    let (to_name, new) = side(&to)?;
    let (old_refs, new_refs) = (old.evidence_refs(), new.evidence_refs());
    let diff = scal_core::diff::diff(
        Side {
            answers: &old.answers,
            evidence: &old_refs,
        },
        Side {
            answers: &new.answers,
            evidence: &new_refs,
        },
    );
    Ok(diff_dto(d.template(), &diff, from_name, to_name))
}

fn describe(s: &SnapshotInfo) -> String {
    let what = if s.label.is_empty() {
        s.reason.describe()
    } else {
        s.label.as_str()
    };
    format!("snapshot {} “{what}”", s.id)
}

/// Groups the diff by the template's sections, in template order; items the template no
/// longer has go last.
/// `from` and `to`: (what each side is, when it was taken).
pub fn diff_dto(
    t: &scal_core::Template,
    diff: &Diff,
    from: (String, String),
    to: (String, String),
) -> DiffDto {
    let mut by_section: BTreeMap<usize, Vec<DiffItemDto>> = BTreeMap::new();
    let (mut changed, mut added, mut removed) = (0, 0, 0);
    for i in &diff.items {
        let dto = item_dto(t, i);
        match dto.change.as_str() {
            "added" => added += 1,
            "removed" => removed += 1,
            _ => changed += 1,
        }
        let pos = t
            .item(&i.item)
            .and_then(|(s, _)| t.sections.iter().position(|x| x.id == s.id))
            .unwrap_or(usize::MAX);
        by_section.entry(pos).or_default().push(dto);
    }
    let order = |t: &scal_core::Template, id: &str| {
        t.items()
            .position(|(_, i)| i.id == id)
            .unwrap_or(usize::MAX)
    };
    let sections = by_section
        .into_iter()
        .map(|(pos, mut items)| {
            items.sort_by_key(|i| order(t, &i.item));
            let (section, title) = t
                .sections
                .get(pos)
                .map(|s| (s.id.clone(), s.title.clone()))
                .unwrap_or_else(|| (String::new(), "Not in the current template".to_string()));
            DiffSectionDto {
                section,
                title,
                items,
            }
        })
        .collect();
    DiffDto {
        from: from.0,
        from_at: from.1,
        to: to.0,
        to_at: to.1,
        changed,
        added,
        removed,
        sections,
    }
}

fn item_dto(t: &scal_core::Template, i: &ItemDiff) -> DiffItemDto {
    // The item as a whole: its value decides; else its comment; else its evidence.
    let kind = i
        .value
        .as_ref()
        .map(|v| v.kind)
        .or(i.comment.as_ref().map(|c| c.kind))
        .unwrap_or_else(|| {
            let all = |k: ChangeKind| i.evidence.iter().all(|e| e.kind == k);
            if all(ChangeKind::Added) {
                ChangeKind::Added
            } else if all(ChangeKind::Removed) {
                ChangeKind::Removed
            } else {
                ChangeKind::Changed
            }
        });
    let side = |value: Option<&scal_core::Value>, comment: Option<&String>| {
        (value.is_some() || comment.is_some_and(|c| !c.is_empty())).then(|| AnswerDto {
            value: value.map(ValueDto::from),
            comment: comment.cloned().unwrap_or_default(),
        })
    };
    let files = |k: ChangeKind| {
        i.evidence
            .iter()
            .filter(|e| e.kind == k)
            .map(|e| e.file.file_name.clone())
            .collect()
    };
    DiffItemDto {
        item: i.item.clone(),
        label: views::name_of(t, &i.item).0,
        change: kind.as_str().to_string(),
        old: side(
            i.value.as_ref().and_then(|v| v.old.as_ref()),
            i.comment.as_ref().map(|c| &c.old),
        ),
        new: side(
            i.value.as_ref().and_then(|v| v.new.as_ref()),
            i.comment.as_ref().map(|c| &c.new),
        ),
        value_changed: i.value.is_some(),
        comment_changed: i.comment.is_some(),
        evidence_added: files(ChangeKind::Added),
        evidence_removed: files(ChangeKind::Removed),
    }
}

/// The items that differ from the last export, as the store decides.
pub fn changed(d: &Draft) -> CmdResult<ChangedDto> {
    let last = d.exports()?.pop();
    let items = d.changed_since_last_export()?;
    Ok(ChangedDto {
        exported: items.is_some(),
        last_export_at: last.map(|x| x.at).unwrap_or_default(),
        items: items.unwrap_or_default().into_iter().collect(),
    })
}

fn comment_dto(c: &ReviewComment) -> ReviewCommentDto {
    ReviewCommentDto {
        id: small(c.id),
        item: c.item.clone(),
        parent: c.parent.map(small),
        at: c.at.clone(),
        author: c.author.clone(),
        body: c.body.clone(),
        resolved_at: c.resolved_at.clone(),
        resolved_by: c.resolved_by.clone(),
    }
}

fn thread_dto(t: &ReviewThread) -> ReviewThreadDto {
    ReviewThreadDto {
        root: comment_dto(&t.root),
        replies: t.replies.iter().map(comment_dto).collect(),
        open: t.is_open(),
    }
}

pub fn signoff(d: &Draft) -> CmdResult<Option<SignoffDto>> {
    Ok(d.signoff()?.map(|s| SignoffDto {
        name: s.signoff.name,
        role: s.signoff.role,
        signed_on: s.signoff.signed_on.format("%Y-%m-%d").to_string(),
        at: s.signoff.at,
        by: s.signoff.by,
        stale: s.stale,
    }))
}

/// Review comments, the sign-off, and what an upgrade or an export left to look at.
pub fn review_state(d: &Draft) -> CmdResult<ReviewState> {
    Ok(ReviewState {
        threads: d.review_threads(None)?.iter().map(thread_dto).collect(),
        signoff: signoff(d)?,
        archived: d
            .archived_answers()?
            .iter()
            .map(crate::versions::archived_dto)
            .collect(),
        reconfirm: d
            .reconfirmations()?
            .iter()
            .map(crate::versions::reconfirm_dto)
            .collect(),
        changed: changed(d)?,
    })
}

/// `YYYY-MM-DD` as the sign-off form sends it.
pub fn parse_date(s: &str) -> CmdResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        CmdError::new(format!(
            "\"{s}\" is not a date: give the sign-off date as a day, month and year."
        ))
    })
}
