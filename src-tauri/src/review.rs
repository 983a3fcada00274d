//! Snapshots, diffs, review comments and the sign-off: DTOs built from the store's answers.
//! The store decides (what changed, what is stale, how comments thread); this only translates.

use scal_core::diff::{ChangeKind, Diff, ItemDiff};
use scal_store::{Draft, SnapshotInfo};

use crate::dto::*;
use crate::error::CmdResult;
use crate::views;

pub fn snapshot_dto(s: &SnapshotInfo) -> SnapshotEntry {
    SnapshotEntry {
        snapshot: SnapshotDto::from(s),
        reason_text: s.reason.describe().to_string(),
    }
}

pub fn snapshots(d: &Draft) -> CmdResult<Vec<SnapshotEntry>> {
    Ok(d.snapshots()?.iter().map(snapshot_dto).collect())
}

/// The two sides of a comparison: snapshot ids, `None` for the draft now. With neither given,
/// the latest snapshot against now (the layer decides, as for `scal diff`).
pub fn diff(d: &Draft, request: &DiffRequest) -> CmdResult<DiffDto> {
    use scal_app::diff::Pick;
    let c = scal_app::diff::snapshots(
        d,
        request.from.map(|id| Pick::Id(i64::from(id))),
        request.to.map(|id| Pick::Id(i64::from(id))),
    )
    .map_err(|e| match e {
        scal_app::AppError::NoSnapshot { .. } => {
            CmdError::new("There is no snapshot to compare with yet: take one first.")
        }
        e => e.into(),
    })?;
    let name = |s: &scal_app::diff::DiffSide| match &s.snapshot {
        Some(info) => (scal_app::diff::describe(info), info.at.clone()),
        None => ("the draft now".to_string(), String::new()),
    };
    Ok(diff_dto(d.template(), &c.diff, name(&c.from), name(&c.to)))
}

/// Groups the diff by the template's sections, in template order; items the template no
/// longer has go last (the layer's grouping).
/// `from` and `to`: (what each side is, when it was taken).
pub fn diff_dto(
    t: &scal_core::Template,
    diff: &Diff,
    from: (String, String),
    to: (String, String),
) -> DiffDto {
    let (mut changed, mut added, mut removed) = (0, 0, 0);
    let sections = scal_app::diff::by_section(t, diff)
        .into_iter()
        .map(|g| DiffSectionDto {
            section: g.section,
            title: g.title,
            items: g
                .items
                .into_iter()
                .map(|i| {
                    match scal_app::diff::item_change(i) {
                        ChangeKind::Added => added += 1,
                        ChangeKind::Removed => removed += 1,
                        ChangeKind::Changed => changed += 1,
                    }
                    item_dto(t, i)
                })
                .collect(),
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

fn item_dto(t: &scal_core::Template, i: &ItemDiff) -> DiffLine {
    DiffLine {
        entry: DiffItemDto::new(scal_app::names::place_of(t, &i.item), i),
        called: scal_app::names::label_of(t, &i.item).0,
        change: scal_app::diff::item_change(i).as_str().to_string(),
    }
}

/// The items that differ from the last export, as the layer's summary holds them.
pub fn changed_dto(c: &scal_app::Changed) -> ChangedDto {
    ChangedDto {
        exported: c.exported,
        last_export_at: c.last_export_at.clone().unwrap_or_default(),
        items: c.items.iter().cloned().collect(),
    }
}

fn signoff_dto(s: scal_store::SignoffStatus) -> SignoffDto {
    SignoffDto {
        name: s.signoff.name,
        role: s.signoff.role,
        signed_on: s.signoff.signed_on.format("%Y-%m-%d").to_string(),
        at: s.signoff.at,
        by: s.signoff.by,
        stale: s.stale,
    }
}

/// Review comments, the sign-off, and what an upgrade or an export left to look at.
pub fn review_state(d: &Draft) -> CmdResult<ReviewState> {
    review_state_with(d, &scal_app::summary::read(d, views::today())?)
}

/// As [`review_state`], with the draft as `s` has just read it.
pub fn review_state_with(d: &Draft, s: &scal_app::Summary) -> CmdResult<ReviewState> {
    Ok(ReviewState {
        threads: d
            .review_threads(None)?
            .iter()
            .map(|t| ReviewThreadDto::new(d.template(), t))
            .collect(),
        signoff: d.signoff_given(&s.answers)?.map(signoff_dto),
        archived: d
            .archived_answers()?
            .iter()
            .map(ArchivedAnswerDto::from)
            .collect(),
        reconfirm: d
            .reconfirmations()?
            .iter()
            .map(crate::versions::reconfirm_dto)
            .collect(),
        changed: changed_dto(&s.changed),
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
