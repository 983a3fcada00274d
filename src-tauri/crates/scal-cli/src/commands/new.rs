//! `scal new DRAFT --template ID|FILE`.

use std::borrow::Cow;
use std::path::Path;

use scal_core::load::MAX_TEMPLATE_BYTES;
use scal_store::Draft;

use super::{store, Ctx};
use crate::answers_file::io_reason;
use crate::error::{CliError, CliResult};
use crate::output::Out;
use crate::Outcome;

pub fn run(ctx: &Ctx, path: &Path, template: &str, out: &mut Out) -> CliResult<Outcome> {
    // Checked here as well as in the store so that the refusal comes before a template file
    // is read, and names the draft.
    if path.symlink_metadata().is_ok() {
        return Err(CliError::new(format!(
            "{} already exists: choose another name (scal new never overwrites a file)",
            path.display()
        )));
    }
    let (json, source) = template_json(template)?;
    let draft = Draft::create(path, &json, &ctx.author).map_err(store)?;
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
    out.line(format!("Next: scal show {}", path.display()));
    Ok(Outcome::Success)
}

/// The template's JSON text, and where it came from in words: a bundled id first, then a file.
pub(super) fn template_json(template: &str) -> CliResult<(Cow<'static, str>, String)> {
    if let Some(json) = scal_core::bundled_template_json(template) {
        return Ok((Cow::Borrowed(json), "the bundled template".to_string()));
    }
    let path = Path::new(template);
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let ids: Vec<String> = scal_core::bundled_templates()
                .into_iter()
                .map(|t| t.id)
                .collect();
            return Err(CliError::new(format!(
                "\"{template}\" is neither a bundled template nor a template file; the bundled templates are: {}",
                ids.join(", ")
            )));
        }
        Err(e) => {
            return Err(CliError::at(
                path,
                format!("cannot read the template: {}", io_reason(&e)),
            ))
        }
    };
    if !meta.is_file() {
        return Err(CliError::new(format!(
            "{} is not a template file",
            path.display()
        )));
    }
    if meta.len() > MAX_TEMPLATE_BYTES as u64 {
        return Err(CliError::at(
            path,
            format!(
                "the template is {} bytes; the most accepted is {MAX_TEMPLATE_BYTES}",
                meta.len()
            ),
        ));
    }
    let json = std::fs::read_to_string(path)
        .map_err(|e| CliError::at(path, format!("cannot read the template: {}", io_reason(&e))))?;
    // Judged here so the message names the template file rather than the draft.
    scal_core::load_template(&json)
        .map_err(|e| CliError::new(format!("{} is not a valid template: {e}", path.display())))?;
    Ok((Cow::Owned(json), format!("{}, template", path.display())))
}
