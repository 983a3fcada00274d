//! Where a template comes from: a bundled template's id, a template file (JSON), or an NHS
//! workbook imported on the fly; and, for a template that was imported from a workbook, that
//! workbook (kept in the draft to be filled in place). One size cap for every template file:
//! the core's [`MAX_TEMPLATE_BYTES`], for the app as for the CLI.

use std::borrow::Cow;
use std::path::Path;

use scal_core::load::MAX_TEMPLATE_BYTES;
use scal_core::text::io_reason;
use scal_fs::NotReadable;

use crate::{AppError, AppResult};

/// An NHS workbook as kept in a draft: (file name, bytes).
pub type Workbook = (String, Vec<u8>);

/// A template's text, ready to make a draft from, with what a person calls where it came from.
#[derive(Debug, Clone)]
pub struct TemplateText {
    pub json: Cow<'static, str>,
    /// The template's title (what a new draft is suggested to be called).
    pub title: String,
    /// Where it came from, in words: "the bundled template", "FILE, template".
    pub described: String,
    /// The workbook it was imported from, (file name, bytes), when it has one to keep.
    pub workbook: Option<Workbook>,
}

/// A bundled template by id.
pub fn bundled(id: &str) -> AppResult<TemplateText> {
    let json = scal_core::bundled_template_json(id)
        .ok_or_else(|| AppError::Template(format!("there is no bundled template \"{id}\"")))?;
    let title = scal_core::bundled_template(id)
        .map(|t| t.title)
        .unwrap_or_else(|| id.to_string());
    Ok(TemplateText {
        json: Cow::Borrowed(json),
        title,
        described: "the bundled template".to_string(),
        workbook: None,
    })
}

/// What `spec` names: a bundled template's id first, then a template file. The workbook of an
/// imported template is not looked for here (see [`with_workbook`]).
pub fn resolve(spec: &str) -> AppResult<TemplateText> {
    if scal_core::bundled_template_json(spec).is_some() {
        return bundled(spec);
    }
    let path = Path::new(spec);
    if let Err(NotReadable::Io(e)) = scal_fs::regular_file(path) {
        if e.kind() == std::io::ErrorKind::NotFound {
            let ids: Vec<String> = scal_core::bundled_templates()
                .into_iter()
                .map(|t| t.id)
                .collect();
            return Err(AppError::Template(format!(
                "\"{spec}\" is neither a bundled template nor a template file; the bundled templates are: {}",
                ids.join(", ")
            )));
        }
    }
    template_file(path)
}

/// A template file (JSON), checked before any draft is made from it: a regular file (a named
/// pipe would make the read wait forever), at most [`MAX_TEMPLATE_BYTES`], valid.
pub fn template_file(path: &Path) -> AppResult<TemplateText> {
    let meta = scal_fs::regular_file(path)
        .map_err(|e| AppError::Template(e.sentence(path, "a template file (JSON)")))?;
    if meta.len() > MAX_TEMPLATE_BYTES as u64 {
        return Err(AppError::Template(format!(
            "{}: the template is {} bytes; the most accepted is {MAX_TEMPLATE_BYTES}",
            path.display(),
            meta.len()
        )));
    }
    let mut json = std::fs::read_to_string(path).map_err(|e| {
        AppError::Template(format!(
            "{}: cannot read the template: {}",
            path.display(),
            io_reason(&e)
        ))
    })?;
    // A byte-order mark (Windows editors write one) is not part of the template: dropped here
    // so the text compared with and stored in the draft is the JSON alone.
    if json.starts_with('\u{FEFF}') {
        json.drain(..'\u{FEFF}'.len_utf8());
    }
    // Judged here so the message names the template file rather than the draft.
    let template = scal_core::load_template(&json).map_err(|e| {
        AppError::Template(format!("{} is not a valid template: {e}", path.display()))
    })?;
    Ok(TemplateText {
        json: Cow::Owned(json),
        title: template.title,
        described: format!("{}, template", path.display()),
        workbook: None,
    })
}

/// A workbook given where a template is expected (`scal new DRAFT --template SCAL.xlsx`). Any
/// path of that name that exists counts, so that one that is not a regular file is refused as
/// a workbook (by `read_workbook_file`), not as a template.
pub fn is_workbook_file(spec: &str) -> bool {
    let path = Path::new(spec);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls") && path.exists()
}

/// An NHS workbook imported as it is read: its template, and the workbook to keep.
pub fn imported_workbook(path: &Path) -> AppResult<TemplateText> {
    let bytes = scal_workbook::read_workbook_file(path)?;
    let imported = scal_workbook::import_bytes(&bytes, &path.display().to_string())?;
    let title = scal_core::load_template(&imported.json)
        .map(|t| t.title)
        .map_err(|e| AppError::Template(format!("the imported template is not valid: {e}")))?;
    Ok(TemplateText {
        json: Cow::Owned(imported.json),
        title,
        described: format!("{}, imported as template", path.display()),
        workbook: Some((imported.summary.file_name, bytes)),
    })
}

/// `template` with the workbook it was imported from (see [`workbook_for`]).
pub fn with_workbook(
    mut template: TemplateText,
    spec: &str,
    given: Option<&Path>,
) -> AppResult<TemplateText> {
    template.workbook = workbook_for(&template.json, spec, given)?;
    Ok(template)
}

/// The workbook the template `json` (named `spec` by the person) was imported from, checked by
/// its SHA-256: the one `given`, else the file of its recorded name beside the template file
/// `spec`. `None` for a template not imported from a workbook (refused when one was given).
pub fn workbook_for(json: &str, spec: &str, given: Option<&Path>) -> AppResult<Option<Workbook>> {
    let t = scal_core::load_template(json)
        .map_err(|e| AppError::Template(format!("{spec} is not a valid template: {e}")))?;
    let Some(source) = &t.source else {
        return match given {
            Some(p) => Err(AppError::Template(format!(
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
            let dir = Path::new(spec)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let beside = dir.join(&source.file_name);
            if !beside.is_file() {
                return Err(AppError::Template(format!(
                    "the template {spec} was imported from {}, which is not beside it in {}: give the workbook's path with --workbook",
                    source.file_name,
                    dir.display()
                )));
            }
            beside
        }
    };
    let bytes = scal_workbook::read_workbook_file(&path)?;
    scal_workbook::verify_source(&t, &bytes).map_err(|_| {
        AppError::Template(format!(
            "{} is not the workbook the template {spec} was imported from (its SHA-256 differs): give the original with --workbook",
            path.display()
        ))
    })?;
    Ok(Some((source.file_name.clone(), bytes)))
}

/// The template a JSON text holds, judged; `what` names it in the message ("the imported
/// template", a file's name).
pub fn parse(json: &str, what: &str) -> AppResult<scal_core::Template> {
    scal_core::load_template(json)
        .map_err(|e| AppError::Template(format!("{what} is not a valid template: {e}")))
}

/// The mapping kept in a template imported earlier with one (`scal import-template --like`),
/// `None` when it keeps none.
pub fn kept_mapping(spec: &str) -> AppResult<Option<scal_core::template::Mapping>> {
    let text = resolve(spec)?;
    Ok(parse(&text.json, spec)?.source.and_then(|s| s.mapping))
}

/// The workbook to keep with a new template revision of `draft`, and whether the draft already
/// holds it. A workbook `given` must be the one the template was imported from (its SHA-256),
/// as for a new draft; without one, the file of the recorded name beside the template is taken,
/// unless the draft already holds that very workbook (the store carries it over). A template
/// that was not imported from a workbook takes none.
pub fn workbook_for_upgrade(
    draft: &scal_store::Draft,
    json: &str,
    spec: &str,
    given: Option<&Path>,
) -> AppResult<(Option<Workbook>, bool)> {
    if given.is_none() {
        let recorded = scal_core::load_template(json)
            .ok()
            .and_then(|t| t.source.map(|s| s.sha256));
        if let Some(sha) = recorded {
            let held = draft.source_workbook().map(|w| w.sha256.as_str());
            if held == Some(sha.as_str()) {
                return Ok((None, true));
            }
        }
    }
    Ok((workbook_for(json, spec, given)?, false))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failing test")]

    use super::*;

    /// One cap for both faces: a template file just over the core's limit is refused by the
    /// one function the app and the CLI both call, and one well under it (bigger than the 20 MiB
    /// the app used to allow) is read.
    #[test]
    fn one_size_cap_for_every_template_file() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.json");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_TEMPLATE_BYTES as u64 + 1).unwrap();
        let e = template_file(&big).unwrap_err().to_string();
        assert!(e.contains("the most accepted is"), "{e}");

        let id = &scal_core::bundled_templates()[0].id;
        let json = scal_core::bundled_template_json(id).unwrap();
        // Padded with white space past 20 MiB: still a valid template, under the one cap.
        let mut padded = String::from(json);
        padded.push_str(&" ".repeat(21 * 1024 * 1024));
        let path = dir.path().join("padded.json");
        #[allow(clippy::disallowed_methods, reason = "test fixture")]
        std::fs::write(&path, &padded).unwrap();
        let t = template_file(&path).unwrap();
        assert_eq!(t.json.len(), padded.len());
    }

    #[test]
    fn a_name_that_is_neither_bundled_nor_a_file_lists_the_bundled_ids() {
        let e = resolve("no-such-template").unwrap_err().to_string();
        assert!(
            e.contains("is neither a bundled template nor a template file"),
            "{e}"
        );
        assert!(e.contains(&scal_core::bundled_templates()[0].id), "{e}");
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_template() {
        let dir = tempfile::tempdir().unwrap();
        let id = &scal_core::bundled_templates()[0].id;
        let json = scal_core::bundled_template_json(id).unwrap();
        let path = dir.path().join("bom.json");
        #[allow(clippy::disallowed_methods, reason = "test fixture")]
        std::fs::write(&path, format!("\u{FEFF}{json}")).unwrap();
        assert_eq!(template_file(&path).unwrap().json, json);
    }
}
