//! `scal diff DRAFT [--from SNAPSHOT] [--to SNAPSHOT] [--json]` and `scal diff A.scal B.scal`:
//! what changed, grouped by section, with item labels. The comparing is `scal_core::diff`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use scal_app::diff::Pick;
use scal_core::diff::Diff;
use scal_core::Template;
use scal_store::SnapshotState;

use super::{app, open_read_only, place_of, store, when};
use crate::dto::{DiffItemDto, DiffOutput, DiffSideDto, DiffSummaryDto, SnapshotDto, ValueDto};
use crate::error::{CliError, CliResult};
use crate::output::{clip, size, Out};
use crate::Outcome;

/// One side as read: its state, and how to name it.
struct Read {
    state: SnapshotState,
    dto: DiffSideDto,
}

pub fn run(
    drafts: &[PathBuf],
    from: Option<&str>,
    to: Option<&str>,
    json: bool,
    out: &mut Out,
) -> CliResult<Outcome> {
    let (from_side, to_side, templates) = match drafts {
        [path] => one_draft(path, from, to)?,
        [a, b] => {
            if from.is_some() || to.is_some() {
                return Err(CliError::new(
                    "--from and --to pick snapshots of one draft; with two drafts, both are compared as they are now",
                ));
            }
            two_drafts(a, b)?
        }
        _ => return Err(CliError::new(
            "give one draft (its snapshots are compared) or two drafts (compared with each other)",
        )),
    };
    let diff = scal_app::diff::compare(&from_side.state, &to_side.state);
    let output = DiffOutput {
        summary: summary(&diff),
        items: items(&diff, &templates),
        from: from_side.dto,
        to: to_side.dto,
    };
    if json {
        out.json(&output)?;
    } else {
        render(&output, out);
    }
    Ok(Outcome::Success)
}

/// A draft's snapshot against another snapshot or against the draft now. Returns the sides and
/// the templates to name items by (the draft's, in force).
fn one_draft(
    path: &Path,
    from: Option<&str>,
    to: Option<&str>,
) -> CliResult<(Read, Read, Vec<Template>)> {
    let draft = open_read_only(path)?;
    let pick = |which: Option<&str>| -> CliResult<Option<Pick>> {
        which
            .map(|w| Pick::parse(w).map_err(|_| not_a_snapshot(path, w)))
            .transpose()
    };
    let c = scal_app::diff::snapshots(&draft, pick(from)?, pick(to)?).map_err(app)?;
    let side = |s: scal_app::diff::DiffSide| Read {
        dto: DiffSideDto {
            kind: if s.snapshot.is_some() {
                "snapshot"
            } else {
                "now"
            },
            path: path.display().to_string(),
            snapshot: s.snapshot.as_ref().map(SnapshotDto::from),
        },
        state: s.state,
    };
    Ok((side(c.from), side(c.to), vec![draft.template().clone()]))
}

pub(super) fn not_a_snapshot(path: &Path, which: &str) -> CliError {
    CliError::new(format!(
        "\"{}\" is not a snapshot: give its number from `scal snapshots {}`, or \"latest\"",
        which.trim(),
        path.display()
    ))
}

/// Two drafts as they are now, each opened read-only. Items are named by the second draft's
/// template first (where the answers are going), then the first's.
fn two_drafts(a: &Path, b: &Path) -> CliResult<(Read, Read, Vec<Template>)> {
    if let (Ok(ca), Ok(cb)) = (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        if ca == cb {
            return Err(CliError::new(format!(
                "{} and {} are the same file: to compare a draft with its snapshots, give it once",
                a.display(),
                b.display()
            )));
        }
    }
    let side = |path: &Path| -> CliResult<(Read, Template)> {
        let draft = open_read_only(path)?;
        Ok((
            Read {
                state: draft.current_state().map_err(store)?,
                dto: DiffSideDto {
                    kind: "draft",
                    path: path.display().to_string(),
                    snapshot: None,
                },
            },
            draft.template().clone(),
        ))
    };
    let (from, from_template) = side(a)?;
    let (to, to_template) = side(b)?;
    Ok((from, to, vec![to_template, from_template]))
}

fn summary(diff: &Diff) -> DiffSummaryDto {
    let (answers, comments, evidence) = diff.counts();
    DiffSummaryDto {
        items: diff.items.len(),
        answers,
        comments,
        evidence,
    }
}

/// The changed items in template order, each with its section and label from the first
/// template that has it.
fn items(diff: &Diff, templates: &[Template]) -> Vec<DiffItemDto> {
    let mut order: HashMap<&str, usize> = HashMap::new();
    for template in templates {
        for section in &template.sections {
            let next = order.len();
            order.entry(section.id.as_str()).or_insert(next);
            for item in &section.items {
                let next = order.len();
                order.entry(item.id.as_str()).or_insert(next);
            }
        }
    }
    let mut changed: Vec<&scal_core::diff::ItemDiff> = diff.items.iter().collect();
    changed.sort_by_key(|i| order.get(i.item.as_str()).copied().unwrap_or(usize::MAX));
    changed
        .into_iter()
        .map(|i| {
            let place = templates.iter().find_map(|t| place_of(t, &i.item));
            DiffItemDto::new(place, i)
        })
        .collect()
}

fn side_name(side: &DiffSideDto) -> String {
    match (&side.snapshot, side.kind) {
        (Some(s), _) => {
            let mut name = format!("snapshot {}", s.id);
            if !s.label.is_empty() {
                name.push_str(&format!(" \"{}\"", clip(&s.label, 40)));
            }
            match s.export_id {
                Some(export) => name.push_str(&format!(" (export {export})")),
                None => name.push_str(&format!(" ({})", s.reason.replace('_', " "))),
            }
            name.push_str(&format!(", {} by {}", when(&s.at), s.author));
            name
        }
        (None, "now") => format!("{} as it is now", side.path),
        (None, _) => side.path.clone(),
    }
}

fn render(diff: &DiffOutput, out: &mut Out) {
    out.line(format!("From  {}", side_name(&diff.from)));
    out.line(format!("To    {}", side_name(&diff.to)));
    out.blank();
    if diff.items.is_empty() {
        out.line("No changes: answers, comments and evidence are the same.");
        return;
    }
    let mut section: Option<Option<&str>> = None;
    for item in &diff.items {
        let this = item.section.as_deref();
        if section != Some(this) {
            if section.is_some() {
                out.blank();
            }
            match (&item.section_title, this) {
                (Some(title), Some(id)) => out.line(format!("{title} ({id})")),
                _ => out.line("Items not in the template in force"),
            }
            section = Some(this);
        }
        match &item.label {
            Some(label) if label != &item.item => {
                out.line(format!("  {}  {}", item.item, clip(label, 60)))
            }
            _ => out.line(format!("  {}", item.item)),
        }
        if let Some(v) = &item.answer {
            let shown = |v: &Option<ValueDto>| match v {
                Some(v) => format!("\"{}\"", clip(&v.display(), 50)),
                None => "(none)".to_string(),
            };
            out.line(format!(
                "    answer    {:<8} {} → {}",
                v.change,
                shown(&v.old),
                shown(&v.new)
            ));
        }
        if let Some(c) = &item.comment {
            let shown = |s: &str| {
                if s.is_empty() {
                    "(none)".to_string()
                } else {
                    format!("\"{}\"", clip(s, 50))
                }
            };
            out.line(format!(
                "    comment   {:<8} {} → {}",
                c.change,
                shown(&c.old),
                shown(&c.new)
            ));
        }
        for e in &item.evidence {
            out.line(format!(
                "    evidence  {:<8} {} ({}, SHA-256 {}…)",
                e.change,
                e.file_name,
                size(e.size),
                e.sha256.get(..12).unwrap_or(&e.sha256)
            ));
        }
    }
    out.blank();
    let s = &diff.summary;
    let n = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    out.line(format!(
        "{} changed: {}, {}, {}.",
        n(s.items, "item", "items"),
        n(s.answers, "answer", "answers"),
        n(s.comments, "comment", "comments"),
        n(s.evidence, "evidence link", "evidence links"),
    ));
}
