//! `scal status DRAFT SECTION "In Progress"|"Complete"`. Complete is refused while the section
//! has blocking issues (judged on `--today`), naming them.

use std::path::Path;

use super::{open, store, Ctx};
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
    draft
        .set_section_status_on(section, status, &ctx.author, ctx.today)
        .map_err(store)?;
    let now = draft
        .section_statuses()
        .map_err(store)?
        .get(section)
        .map(|s| s.status.clone())
        .unwrap_or_else(|| status.to_string());
    let title = draft
        .template()
        .section(section)
        .map(|s| s.title.clone())
        .unwrap_or_else(|| section.to_string());
    out.line(format!("Section {section} ({title}) is now {now}."));
    Ok(Outcome::Success)
}
