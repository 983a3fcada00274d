//! `scal status DRAFT SECTION "In Progress"|"Complete"`. Complete is refused while the section
//! has blocking issues (judged on `--today`), naming them.

use std::path::Path;

use super::{open, Ctx};
use crate::error::CliResult;
use crate::output::Out;
use crate::Outcome;

pub fn run(
    ctx: &Ctx,
    path: &Path,
    section: &str,
    status: &str,
    out: &mut Out,
) -> CliResult<Outcome> {
    let mut draft = open(path)?;
    let (section, now, _) =
        scal_app::ops::set_status(&mut draft, section, status, &ctx.author, ctx.today)
            .map_err(super::app)?;
    let now = now.status;
    let title = draft
        .template()
        .section(&section)
        .map(|s| s.title.clone())
        .unwrap_or_else(|| section.clone());
    out.line(format!("Section {section} ({title}) is now {now}."));
    Ok(Outcome::Success)
}
