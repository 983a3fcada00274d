//! `scal new DRAFT --template ID|FILE`.

use std::borrow::Cow;
use std::path::Path;

use scal_core::load::MAX_TEMPLATE_BYTES;
use scal_core::text::io_reason;
use scal_store::fsutil::NotReadable;
use scal_store::{Draft, NewWorkbook};

use super::{store, Ctx};
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
    let (json, source, book) = if is_workbook_file(template) {
        if workbook.is_some() {
            return Err(CliError::new(format!(
                "--workbook is for a template file; {template} is itself the workbook"
            )));
        }
        let (json, book) = import_workbook(Path::new(template))?;
        (
            Cow::Owned(json),
            format!("{template}, imported as template"),
            Some(book),
        )
    } else {
        let (json, source) = template_json(template)?;
        let book = workbook_for(&json, template, workbook)?;
        (json, source, book)
    };
    let draft = match &book {
        Some((file_name, bytes)) => {
            Draft::create_from_workbook(path, &json, NewWorkbook { file_name, bytes }, &ctx.author)
        }
        None => Draft::create(path, &json, &ctx.author),
    }
    .map_err(store)?;
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

/// A workbook given where a template is expected: `scal new DRAFT --template SCAL.xlsx`. Any
/// path of that name that exists counts, so that one that is not a regular file is refused as
/// a workbook (by `read_workbook_file`), not as a template.
fn is_workbook_file(template: &str) -> bool {
    let path = Path::new(template);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls") && path.exists()
}

/// Imports a workbook on the fly: its template JSON, and its name and bytes to keep.
fn import_workbook(path: &Path) -> CliResult<(String, (String, Vec<u8>))> {
    let bytes =
        scal_workbook::read_workbook_file(path).map_err(|e| CliError::new(e.to_string()))?;
    let imported = scal_workbook::import_bytes(&bytes, &path.display().to_string())
        .map_err(|e| CliError::new(e.to_string()))?;
    let name = imported.summary.file_name.clone();
    Ok((imported.json, (name, bytes)))
}

/// The workbook an imported template came from, checked by its SHA-256: the one given with
/// `--workbook`, else the file of its recorded name beside the template.
pub(super) fn workbook_for(
    json: &str,
    template: &str,
    given: Option<&Path>,
) -> CliResult<Option<(String, Vec<u8>)>> {
    let t = scal_core::load_template(json)
        .map_err(|e| CliError::new(format!("{template} is not a valid template: {e}")))?;
    let Some(source) = &t.source else {
        return match given {
            Some(p) => Err(CliError::new(format!(
                "--workbook {} was given, but the template \"{}\" was not imported from a workbook",
                p.display(),
                t.id
            ))),
            None => Ok(None),
        };
    };
    let path = match given {
        Some(p) => p.to_path_buf(),
        None => {
            let dir = Path::new(template)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let beside = dir.join(&source.file_name);
            if !beside.is_file() {
                return Err(CliError::new(format!(
                    "the template {template} was imported from {}, which is not beside it in {}: give the workbook's path with --workbook",
                    source.file_name,
                    dir.display()
                )));
            }
            beside
        }
    };
    let bytes =
        scal_workbook::read_workbook_file(&path).map_err(|e| CliError::new(e.to_string()))?;
    scal_workbook::verify_source(&t, &bytes).map_err(|_| {
        CliError::new(format!(
            "{} is not the workbook the template {template} was imported from (its SHA-256 differs): give the original with --workbook",
            path.display()
        ))
    })?;
    Ok(Some((source.file_name.clone(), bytes)))
}

/// The template's JSON text, and where it came from in words: a bundled id first, then a file.
pub(super) fn template_json(template: &str) -> CliResult<(Cow<'static, str>, String)> {
    if let Some(json) = scal_core::bundled_template_json(template) {
        return Ok((Cow::Borrowed(json), "the bundled template".to_string()));
    }
    let path = Path::new(template);
    let meta = match scal_store::fsutil::regular_file(path) {
        Ok(m) => m,
        Err(NotReadable::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            let ids: Vec<String> = scal_core::bundled_templates()
                .into_iter()
                .map(|t| t.id)
                .collect();
            return Err(CliError::new(format!(
                "\"{template}\" is neither a bundled template nor a template file; the bundled templates are: {}",
                ids.join(", ")
            )));
        }
        Err(e) => return Err(CliError::new(e.sentence(path, "a template file (JSON)"))),
    };
    if meta.len() > MAX_TEMPLATE_BYTES as u64 {
        return Err(CliError::at(
            path,
            format!(
                "the template is {} bytes; the most accepted is {MAX_TEMPLATE_BYTES}",
                meta.len()
            ),
        ));
    }
    let mut json = std::fs::read_to_string(path)
        .map_err(|e| CliError::at(path, format!("cannot read the template: {}", io_reason(&e))))?;
    // A byte-order mark (Windows editors write one) is not part of the template: dropped here
    // so the text compared with and stored in the draft is the JSON alone.
    if json.starts_with('\u{FEFF}') {
        json.drain(..'\u{FEFF}'.len_utf8());
    }
    // Judged here so the message names the template file rather than the draft.
    scal_core::load_template(&json)
        .map_err(|e| CliError::new(format!("{} is not a valid template: {e}", path.display())))?;
    Ok((Cow::Owned(json), format!("{}, template", path.display())))
}
