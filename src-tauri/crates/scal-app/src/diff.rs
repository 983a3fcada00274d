//! Which two states of a draft are compared, and the comparison grouped as people read it.
//! The comparing itself is `scal_core::diff`.
//!
//! One draft: a snapshot against another snapshot or against the draft now; with nothing
//! chosen, the latest snapshot against now. Two drafts: both as they are now.

use std::collections::BTreeMap;

use scal_core::diff::{ChangeKind, Diff, ItemDiff, Side};
use scal_core::Template;
use scal_store::{Draft, SnapshotInfo, SnapshotState};

use crate::{AppError, AppResult};

/// A snapshot as a person picks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Latest,
    Id(i64),
}

impl Pick {
    /// `latest`, a snapshot's number, or its number after `#`.
    pub fn parse(which: &str) -> AppResult<Pick> {
        let which = which.trim();
        if which.eq_ignore_ascii_case("latest") {
            return Ok(Pick::Latest);
        }
        which
            .strip_prefix('#')
            .unwrap_or(which)
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .map(Pick::Id)
            .ok_or_else(|| AppError::NotASnapshot {
                which: which.to_string(),
            })
    }
}

/// The snapshot `pick` names.
pub fn find(draft: &Draft, pick: Pick) -> AppResult<SnapshotInfo> {
    match pick {
        Pick::Latest => draft
            .latest_snapshot()?
            .ok_or_else(|| AppError::NoSnapshot {
                path: draft.path().to_path_buf(),
            }),
        Pick::Id(id) => Ok(draft.snapshot_info(id)?),
    }
}

/// One side of a comparison: a snapshot, or (`snapshot: None`) the draft as it is now.
#[derive(Debug, Clone)]
pub struct DiffSide {
    pub snapshot: Option<SnapshotInfo>,
    pub state: SnapshotState,
}

/// Two sides and what differs between them.
#[derive(Debug, Clone)]
pub struct Compared {
    pub from: DiffSide,
    pub to: DiffSide,
    pub diff: Diff,
}

/// A draft's snapshot `from` (the latest when `None`) against snapshot `to` (the draft now
/// when `None`).
pub fn snapshots(draft: &Draft, from: Option<Pick>, to: Option<Pick>) -> AppResult<Compared> {
    let side = |pick: Option<Pick>| -> AppResult<DiffSide> {
        Ok(match pick {
            Some(p) => {
                let info = find(draft, p)?;
                DiffSide {
                    state: draft.snapshot_state(info.id)?,
                    snapshot: Some(info),
                }
            }
            None => DiffSide {
                snapshot: None,
                state: draft.current_state()?,
            },
        })
    };
    let from = side(Some(from.unwrap_or(Pick::Latest)))?;
    let to = side(to)?;
    let diff = compare(&from.state, &to.state);
    Ok(Compared { from, to, diff })
}

/// Two drafts as they are now.
pub fn drafts(a: &Draft, b: &Draft) -> AppResult<Compared> {
    let from = DiffSide {
        snapshot: None,
        state: a.current_state()?,
    };
    let to = DiffSide {
        snapshot: None,
        state: b.current_state()?,
    };
    let diff = compare(&from.state, &to.state);
    Ok(Compared { from, to, diff })
}

/// What differs between two states.
pub fn compare(old: &SnapshotState, new: &SnapshotState) -> Diff {
    let (old_refs, new_refs) = (old.evidence_refs(), new.evidence_refs());
    scal_core::diff::diff(
        Side {
            answers: &old.answers,
            evidence: &old_refs,
        },
        Side {
            answers: &new.answers,
            evidence: &new_refs,
        },
    )
}

/// A snapshot as a person reads it: `snapshot 3 “before upgrade”`.
pub fn describe(s: &SnapshotInfo) -> String {
    let what = if s.label.is_empty() {
        s.reason.describe()
    } else {
        s.label.as_str()
    };
    format!("snapshot {} “{what}”", s.id)
}

/// How an item changed as a whole: its value decides; else its comment; else its evidence.
pub fn item_change(i: &ItemDiff) -> ChangeKind {
    i.value
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
        })
}

/// The changed items of one section.
#[derive(Debug, Clone)]
pub struct SectionDiff<'d> {
    /// Empty for items the template does not have.
    pub section: String,
    pub title: String,
    /// In template order.
    pub items: Vec<&'d ItemDiff>,
}

/// The diff grouped by the template's sections, in template order; items the template no
/// longer has go last, under "Not in the current template".
pub fn by_section<'d>(t: &Template, diff: &'d Diff) -> Vec<SectionDiff<'d>> {
    let order: BTreeMap<&str, (usize, usize)> = t
        .sections
        .iter()
        .enumerate()
        .flat_map(|(si, s)| {
            s.items
                .iter()
                .enumerate()
                .map(move |(ii, i)| (i.id.as_str(), (si, ii)))
        })
        .collect();
    let mut groups: BTreeMap<usize, Vec<(usize, &ItemDiff)>> = BTreeMap::new();
    for i in &diff.items {
        let (si, ii) = order
            .get(i.item.as_str())
            .copied()
            .unwrap_or((usize::MAX, usize::MAX));
        groups.entry(si).or_default().push((ii, i));
    }
    groups
        .into_iter()
        .map(|(si, mut items)| {
            // Items not in the template keep the diff's own order (by id).
            items.sort_by_key(|(ii, _)| *ii);
            let (section, title) = t
                .sections
                .get(si)
                .map(|s| (s.id.clone(), s.title.clone()))
                .unwrap_or_else(|| (String::new(), "Not in the current template".to_string()));
            SectionDiff {
                section,
                title,
                items: items.into_iter().map(|(_, i)| i).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failing test")]

    use super::*;
    use scal_store::{AnswerChange, SnapshotReason};

    #[test]
    fn snapshots_are_picked_by_number_or_latest() {
        assert_eq!(Pick::parse(" latest ").unwrap(), Pick::Latest);
        assert_eq!(Pick::parse("#3").unwrap(), Pick::Id(3));
        assert_eq!(Pick::parse("3").unwrap(), Pick::Id(3));
        for bad in ["0", "-1", "first", ""] {
            assert!(matches!(
                Pick::parse(bad),
                Err(AppError::NotASnapshot { .. })
            ));
        }
    }

    /// With nothing chosen: the latest snapshot against the draft now, grouped in template
    /// order (a later section's change after an earlier one's, whatever their ids).
    #[test]
    fn by_default_the_latest_snapshot_is_compared_with_now() {
        let dir = tempfile::tempdir().unwrap();
        let t = crate::source::bundled(&scal_core::bundled_templates()[0].id).unwrap();
        let mut d = crate::open::create(&dir.path().join("d.scal"), &t, "Ada").unwrap();
        assert!(matches!(
            snapshots(&d, None, None),
            Err(AppError::NoSnapshot { .. })
        ));
        let template = d.template().clone();
        let first = &template.sections[0].items[0].id;
        let last_section = template.sections.last().unwrap();
        let last = &last_section.items[0].id;
        d.set_answer(first, AnswerChange::comment("old"), "Ada")
            .unwrap();
        d.snapshot("one", SnapshotReason::Manual, "Ada").unwrap();
        d.set_answer(first, AnswerChange::comment("new"), "Ada")
            .unwrap();
        d.snapshot("two", SnapshotReason::Manual, "Ada").unwrap();
        d.set_answer(last, AnswerChange::comment("later"), "Ada")
            .unwrap();
        d.set_answer(first, AnswerChange::comment("newest"), "Ada")
            .unwrap();
        let c = snapshots(&d, None, None).unwrap();
        assert_eq!(c.from.snapshot.as_ref().unwrap().label, "two");
        assert!(c.to.snapshot.is_none());
        let groups = by_section(&template, &c.diff);
        let ids: Vec<&str> = groups
            .iter()
            .flat_map(|g| g.items.iter().map(|i| i.item.as_str()))
            .collect();
        assert_eq!(ids, [first.as_str(), last.as_str()]);
        assert_eq!(groups.last().unwrap().title, last_section.title);
    }
}
