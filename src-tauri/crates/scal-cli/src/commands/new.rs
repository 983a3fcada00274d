//! `scal new DRAFT --template ID|FILE`.

use std::path::Path;

use super::{app, Ctx};
use crate::error::{CliError, CliResult};
use crate::output::Out;
use crate::Outcome;

pub fn run(
    ctx: &Ctx,
    path: &Path,
    template: &str,
    workbook: Option<&Path>,
    out: &mut Out,
) -> CliResult<Outcome> {
    // Checked here as well as in the store so that the refusal comes before a template file
    // is read, and names the draft.
    if path.symlink_metadata().is_ok() {
        return Err(CliError::new(format!(
            "{} already exists: choose another name (scal new never overwrites a file)",
            path.display()
        )));
    }
    let text = if scal_app::source::is_workbook_file(template) {
        if workbook.is_some() {
            return Err(CliError::new(format!(
                "--workbook is for a template file; {template} is itself the workbook"
            )));
        }
        scal_app::source::imported_workbook(Path::new(template)).map_err(app)?
    } else {
        let text = scal_app::source::resolve(template).map_err(app)?;
        scal_app::source::with_workbook(text, template, workbook).map_err(app)?
    };
    let source = text.described.clone();
    let draft = scal_app::open::create(path, &text, &ctx.author).map_err(app)?;
    let t = draft.template();
    let items: usize = t.sections.iter().map(|s| s.items.len()).sum();
    out.line(format!(
        "Created {} from {source} {} {} ({}): {} sections, {} items.",
        path.display(),
        t.id,
        t.version,
        t.title,
        t.sections.len(),
        items
    ));
    if let Some(w) = draft.source_workbook() {
        out.line(format!(
            "Kept the workbook {} ({}, SHA-256 {}…) in the draft: `scal fill {} --out FILLED.xlsx` writes the answers into it.",
            w.file_name,
            crate::output::size(w.size),
            &w.sha256[..12],
            path.display()
        ));
    }
    out.line(format!("Next: scal show {}", path.display()));
    Ok(Outcome::Success)
}
