//! `scal sign-off DRAFT --name N --role R [--date YYYY-MM-DD]`.

use std::path::Path;

use chrono::NaiveDate;

use super::{open_for_review, store, Ctx};
use crate::error::CliResult;
use crate::output::Out;
use crate::Outcome;

pub fn run(
    ctx: &Ctx,
    path: &Path,
    name: &str,
    role: &str,
    date: Option<NaiveDate>,
    out: &mut Out,
) -> CliResult<Outcome> {
    // A reviewer signs off, so the draft is opened as a reviewer opens it.
    let mut draft = open_for_review(path)?;
    // By default the day `--today` names (itself today by default), so a scripted sign-off can
    // be reproduced; the store refuses any day after the real today.
    let signed_on = date.unwrap_or(ctx.today);
    let s = scal_app::ops::sign_off(&mut draft, name, role, signed_on, &ctx.author)
        .map_err(super::app)?;
    out.line(format!(
        "Signed off by {} ({}) on {}. The exports print it on their sign-off page.",
        s.name,
        s.role,
        s.signed_on.format("%Y-%m-%d")
    ));
    let report = scal_app::summary::read(&draft, ctx.today)
        .map_err(super::app)?
        .report;
    let blocking = report
        .issues
        .iter()
        .filter(|i| i.severity == scal_core::Severity::Blocking)
        .count();
    if blocking > 0 {
        out.line(format!(
            "Note: the draft still has {blocking} blocking {}: see `scal check {}`.",
            if blocking == 1 { "issue" } else { "issues" },
            path.display()
        ));
    }
    let open = draft.open_review_threads().map_err(store)?;
    if open > 0 {
        out.line(format!(
            "Note: {open} review {} still open: see `scal reviews {} --open`.",
            if open == 1 {
                "thread is"
            } else {
                "threads are"
            },
            path.display()
        ));
    }
    out.line("A change to any answer after this shows the sign-off as stale.");
    Ok(Outcome::Success)
}
