//! `scal review DRAFT ITEM TEXT [--reply-to N]`, `scal reviews DRAFT [ITEM] [--open] [--json]`,
//! `scal resolve DRAFT N`, `scal reopen DRAFT N`, `scal review-import DRAFT RETURNED.xlsx`,
//! `scal accept DRAFT N`.
//!
//! Writing commands open the draft for review (`Draft::open_for_review`): what a reviewer
//! does is taken, a change to an answer would not be.

use std::path::Path;

use scal_store::ReviewThread;

use super::{item_or_section, open, open_for_review, open_read_only, place_of, store, when, Ctx};
use crate::dto::{ReviewThreadDto, ReviewsOutput};
use crate::error::{CliError, CliResult};
use crate::output::Out;
use crate::Outcome;

pub fn add(
    ctx: &Ctx,
    path: &Path,
    item: &str,
    text: &str,
    reply_to: Option<&str>,
    out: &mut Out,
) -> CliResult<Outcome> {
    let parent = reply_to.map(|n| comment_number(path, n)).transpose()?;
    let mut draft = open_for_review(path)?;
    let item = &item_or_section(draft.template(), item)?;
    let comment =
        scal_app::ops::review(&mut draft, item, text, parent, &ctx.author).map_err(super::app)?;
    let on = match place_of(draft.template(), &comment.item) {
        Some((_, _, label)) if label != comment.item => format!("{} ({label})", comment.item),
        _ => comment.item.clone(),
    };
    match comment.parent {
        Some(root) => out.line(format!(
            "Reply {} added to thread {root} on {on}.",
            comment.id
        )),
        None => out.line(format!("Comment {} added on {on}.", comment.id)),
    }
    Ok(Outcome::Success)
}

pub fn list(
    path: &Path,
    item: Option<&str>,
    open_only: bool,
    json: bool,
    out: &mut Out,
) -> CliResult<Outcome> {
    let draft = open_read_only(path)?;
    let template = draft.template();
    let item = item.map(|i| item_or_section(template, i)).transpose()?;
    let item = item.as_deref();
    if let Some(id) = item {
        if place_of(template, id).is_none()
            && draft.review_comments(Some(id)).map_err(store)?.is_empty()
        {
            return Err(CliError::at(
                path,
                format!("there is no item or section \"{id}\" in this draft's template, and no review comment on it"),
            ));
        }
    }
    let threads: Vec<ReviewThread> = draft
        .review_threads(item)
        .map_err(store)?
        .into_iter()
        .filter(|t| !open_only || t.is_open())
        .collect();
    let open = draft.open_review_threads().map_err(store)?;
    let dtos: Vec<ReviewThreadDto> = threads
        .iter()
        .map(|t| ReviewThreadDto::new(template, t))
        .collect();
    if json {
        out.json(&ReviewsOutput {
            open,
            threads: dtos,
        })?;
        return Ok(Outcome::Success);
    }
    if dtos.is_empty() {
        out.line(if open_only {
            "No open review comments."
        } else {
            "No review comments."
        });
        return Ok(Outcome::Success);
    }
    for (i, t) in dtos.iter().enumerate() {
        if i > 0 {
            out.blank();
        }
        let on = match &t.label {
            Some(label) if label != &t.item => format!("{} ({label})", t.item),
            _ => t.item.clone(),
        };
        let status = match (&t.resolved_by, &t.resolved_at) {
            (Some(by), Some(at)) => format!("resolved by {by}, {}", when(at)),
            _ => "open".to_string(),
        };
        out.line(format!("#{}  {on}  [{status}]", t.id));
        for c in &t.comments {
            let indent = if c.parent.is_some() { "    " } else { "  " };
            let mut lines = c.body.lines();
            out.line(format!(
                "{indent}#{} {}, {}: {}",
                c.id,
                c.author,
                when(&c.at),
                lines.next().unwrap_or_default()
            ));
            for more in lines {
                out.line(format!("{indent}  {more}"));
            }
        }
    }
    out.blank();
    out.line(format!(
        "{open} open {} in the draft.  Reply: scal review DRAFT ITEM TEXT --reply-to N   Resolve: scal resolve DRAFT N",
        if open == 1 { "thread" } else { "threads" }
    ));
    Ok(Outcome::Success)
}

pub fn resolve(ctx: &Ctx, path: &Path, n: &str, out: &mut Out) -> CliResult<Outcome> {
    let id = comment_number(path, n)?;
    let mut draft = open_for_review(path)?;
    let root = scal_app::ops::resolve(&mut draft, id, &ctx.author).map_err(super::app)?;
    out.line(format!(
        "Thread {} on {} is resolved{}.",
        root.id,
        root.item,
        root.resolved_by
            .map(|by| format!(" (by {by})"))
            .unwrap_or_default()
    ));
    Ok(Outcome::Success)
}

pub fn reopen(path: &Path, n: &str, out: &mut Out) -> CliResult<Outcome> {
    let id = comment_number(path, n)?;
    let mut draft = open_for_review(path)?;
    let root = scal_app::ops::reopen(&mut draft, id).map_err(super::app)?;
    out.line(format!(
        "Thread {} on {} is open again.",
        root.id, root.item
    ));
    Ok(Outcome::Success)
}

pub fn import(
    ctx: &Ctx,
    path: &Path,
    returned: &Path,
    reviewer: Option<&str>,
    json: bool,
    out: &mut Out,
) -> CliResult<Outcome> {
    let mut draft = open_for_review(path)?;
    let report =
        scal_app::review_import::review_import(&mut draft, returned, reviewer, &ctx.author)
            .map_err(super::app)?;
    let dto = scal_app::dto::ReviewImportDto::new(&report);
    if json {
        out.json(&dto)?;
        return Ok(Outcome::Success);
    }
    let kind = match report.workbook {
        scal_store::WorkbookKind::Own => "the workbook exported",
        scal_store::WorkbookKind::Filled => "the NHS workbook filled",
    };
    out.line(format!(
        "{} is {kind} {}; {} of {} answer cells as written.",
        report.file_name,
        when(&report.written_at),
        report.cells_unchanged,
        report.cells_recorded
    ));
    let proposed = report
        .added
        .iter()
        .filter(|c| c.kind == scal_store::ReviewKind::Proposed)
        .count();
    out.line(format!(
        "Added {} review comment(s) from {} ({proposed} proposed change(s)); {} already in the draft from an earlier round.",
        report.added.len(),
        report.reviewer,
        report.repeated
    ));
    for c in &report.added {
        let what = match (&c.proposed, c.parent) {
            (Some(_), _) => "proposed change",
            (None, Some(_)) => "reply",
            (None, None) => "remark",
        };
        out.line(format!(
            "  #{} {what} on {} by {}: {}",
            c.id,
            c.item,
            c.author,
            c.body.lines().next().unwrap_or_default()
        ));
    }
    for sentence in &report.left_out {
        out.line(format!("  Left out: {sentence}"));
    }
    if proposed > 0 {
        out.line("Accept a proposed change: scal accept DRAFT N   Answer it: scal review DRAFT ITEM TEXT --reply-to N");
    }
    Ok(Outcome::Success)
}

pub fn accept(ctx: &Ctx, path: &Path, n: &str, out: &mut Out) -> CliResult<Outcome> {
    let id = comment_number(path, n)?;
    let mut draft = open(path)?;
    let (root, _) = scal_app::ops::accept_proposed(&mut draft, id, &ctx.author, ctx.today)
        .map_err(super::app)?;
    let change = root.proposed.as_ref();
    out.line(format!(
        "Accepted thread {} on {}: the {} is now \"{}\"; the thread is resolved.",
        root.id,
        root.item,
        change.map_or("answer", |c| c.field.as_str()),
        change.map_or("", |c| c.text.as_str())
    ));
    Ok(Outcome::Success)
}

fn comment_number(path: &Path, n: &str) -> CliResult<i64> {
    let n = n.trim();
    n.strip_prefix('#')
        .unwrap_or(n)
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            CliError::new(format!(
                "\"{n}\" is not a review comment number: use the #N shown by `scal reviews {}`",
                path.display()
            ))
        })
}
