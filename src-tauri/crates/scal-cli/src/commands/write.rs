//! `scal answer`, `scal comment` and `scal apply`: changing answers.

use std::path::Path;

use scal_core::answer::parse_input;
use scal_store::{AnswerChange, StoreError};

use super::{app, item_id, open, Ctx};
use crate::answers_file;
use crate::error::{CliError, CliResult};
use crate::output::{clip, Out};
use crate::Outcome;

pub fn answer(
    ctx: &Ctx,
    path: &Path,
    item: &str,
    raw: &str,
    comment: Option<String>,
    out: &mut Out,
) -> CliResult<Outcome> {
    let mut draft = open(path)?;
    let item = &item_id(draft.template(), item)?;
    // Judged before the store sees it so the message is the one `normalize` gives, naming the
    // item; the store judges again on write, whoever calls it.
    let value =
        parse_input(draft.template(), item, raw).map_err(|e| CliError::new(e.to_string()))?;
    let said = match &value {
        Some(v) => format!("{item} = {}", clip(&v.display(), 80)),
        None => format!("{item} cleared"),
    };
    let clearing = value.is_none();
    let change = AnswerChange {
        value: Some(value),
        comment: comment.map(|c| c.trim().to_string()),
    };
    let with_comment = change.comment.as_deref().is_some_and(|c| !c.is_empty());
    let changed = scal_app::ops::answer(&mut draft, item, change, &ctx.author, ctx.today)
        .map_err(app)?
        .changed;
    if !changed && clearing {
        out.line(format!("{item} has no answer to clear; nothing changed."));
    } else if !changed {
        out.line(format!("{item} already holds that; nothing changed."));
    } else if with_comment {
        out.line(format!("{said} (with comment)"));
    } else {
        out.line(said);
    }
    Ok(Outcome::Success)
}

pub fn comment(
    ctx: &Ctx,
    path: &Path,
    item: &str,
    text: &str,
    out: &mut Out,
) -> CliResult<Outcome> {
    let mut draft = open(path)?;
    let item = &item_id(draft.template(), item)?;
    let text = text.trim();
    let changed = scal_app::ops::answer(
        &mut draft,
        item,
        AnswerChange::comment(text),
        &ctx.author,
        ctx.today,
    )
    .map_err(app)?
    .changed;
    out.line(match (changed, text.is_empty()) {
        (false, _) => format!("{item} already has that comment; nothing changed."),
        (_, true) => format!("Comment on {item} cleared."),
        (_, false) => format!("Comment on {item} set."),
    });
    Ok(Outcome::Success)
}

pub fn apply(ctx: &Ctx, path: &Path, answers: &Path, out: &mut Out) -> CliResult<Outcome> {
    let mut draft = open(path)?;
    let rows = answers_file::read(answers, draft.template())?;
    let changes: Vec<(String, AnswerChange)> = rows
        .into_iter()
        .map(|row| {
            (
                row.item,
                AnswerChange {
                    value: row.value,
                    comment: row.comment,
                },
            )
        })
        .collect();
    let (changed, _) = scal_app::ops::apply(&mut draft, &changes, &ctx.author, ctx.today).map_err(
        |e| match e {
            // Already judged row by row above; if the store still refuses one, say which file.
            scal_app::AppError::Store(StoreError::Core(e)) => CliError::at(answers, e),
            other => app(other),
        },
    )?;
    out.line(format!(
        "Applied {} {} from {}: {} {} changed.",
        changes.len(),
        if changes.len() == 1 { "row" } else { "rows" },
        answers.display(),
        changed,
        if changed == 1 { "answer" } else { "answers" },
    ));
    Ok(Outcome::Success)
}
