//! `scal snapshot DRAFT [--label L]`, `scal snapshots DRAFT [--json]`, `scal restore DRAFT N`.

use std::path::Path;

use scal_store::{Draft, SnapshotInfo};

use super::{open, open_read_only, store, when, Ctx};
use crate::dto::SnapshotDto;
use crate::error::CliResult;
use crate::output::{clip, Align, Out, Table};
use crate::Outcome;

pub fn take(ctx: &Ctx, path: &Path, label: &str, out: &mut Out) -> CliResult<Outcome> {
    let mut draft = open(path)?;
    let info = scal_app::ops::snapshot(&mut draft, label, &ctx.author).map_err(super::app)?;
    out.line(format!(
        "Snapshot {} taken{}: {} {}, {} evidence {}.",
        info.id,
        if info.label.is_empty() {
            String::new()
        } else {
            format!(" (\"{}\")", info.label)
        },
        info.answers,
        if info.answers == 1 {
            "answered item"
        } else {
            "answered items"
        },
        info.evidence,
        if info.evidence == 1 { "link" } else { "links" },
    ));
    Ok(Outcome::Success)
}

pub fn list(path: &Path, json: bool, out: &mut Out) -> CliResult<Outcome> {
    let draft = open_read_only(path)?;
    let snapshots = draft.snapshots().map_err(store)?;
    if json {
        let list: Vec<SnapshotDto> = snapshots.iter().map(SnapshotDto::from).collect();
        out.json(&list)?;
        return Ok(Outcome::Success);
    }
    if snapshots.is_empty() {
        out.line(format!(
            "{} has no snapshots yet: `scal snapshot {} --label TEXT` takes one, and every export takes one.",
            path.display(),
            path.display()
        ));
        return Ok(Outcome::Success);
    }
    let mut table = Table::new(&[
        ("ID", Align::Right),
        ("WHEN", Align::Left),
        ("WHO", Align::Left),
        ("REASON", Align::Left),
        ("ANSWERS", Align::Right),
        ("EVIDENCE", Align::Right),
        ("LABEL", Align::Left),
    ]);
    for s in &snapshots {
        let reason = match s.export_id {
            Some(export) => format!("{} {export}", s.reason.describe()),
            None => s.reason.describe().to_string(),
        };
        table.row(vec![
            s.id.to_string(),
            when(&s.at),
            clip(&s.author, 20),
            reason,
            s.answers.to_string(),
            s.evidence.to_string(),
            clip(&s.label, 50),
        ]);
    }
    out.table(&table);
    Ok(Outcome::Success)
}

pub fn restore(ctx: &Ctx, path: &Path, which: &str, out: &mut Out) -> CliResult<Outcome> {
    let mut draft = open(path)?;
    let info = find(&draft, path, which)?;
    let outcome =
        scal_app::ops::restore_snapshot(&mut draft, info.id, &ctx.author).map_err(super::app)?;
    let changes = outcome.answers_changed
        + outcome.links_added
        + outcome.links_removed
        + outcome.statuses_changed;
    out.line(format!(
        "Restored snapshot {}{} taken {}.",
        info.id,
        if info.label.is_empty() {
            String::new()
        } else {
            format!(" (\"{}\")", info.label)
        },
        when(&info.at)
    ));
    if changes == 0 {
        out.line("The draft was already exactly as the snapshot holds it.");
    } else {
        out.line(format!(
            "Changed: {} answer(s) or comment(s), {} evidence link(s) put back, {} removed, {} section status(es).",
            outcome.answers_changed,
            outcome.links_added,
            outcome.links_removed,
            outcome.statuses_changed
        ));
    }
    if outcome.template_changed {
        out.line(format!(
            "The template the snapshot was taken under ({} {}) is in force again.",
            draft.template().id,
            draft.template().version
        ));
    }
    out.line(format!(
        "The draft as it was before is snapshot {}: `scal restore {} {}` undoes this.",
        outcome.before.id,
        path.display(),
        outcome.before.id
    ));
    Ok(Outcome::Success)
}

/// A snapshot named on the command line: its id, or "latest".
pub fn find(draft: &Draft, path: &Path, which: &str) -> CliResult<SnapshotInfo> {
    let pick =
        scal_app::diff::Pick::parse(which).map_err(|_| super::diff::not_a_snapshot(path, which))?;
    scal_app::diff::find(draft, pick).map_err(super::app)
}
