//! Importing an NHS workbook as a template (`scal_workbook`): read once, summarised for the
//! user, kept pending until they create a draft from it (or upgrade to it).

use std::collections::BTreeMap;
use std::path::Path;

use scal_core::SectionKind;

use crate::dto::*;
use crate::error::CmdResult;
use crate::state::PendingTemplate;

pub const WORKBOOK_FILTER: (&str, &[&str]) = ("Excel workbook", &["xlsx", "xlsm"]);

impl From<scal_workbook::ImportError> for CmdError {
    fn from(e: scal_workbook::ImportError) -> CmdError {
        CmdError::new(crate::error::capitalise(&e.to_string()))
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Reads a workbook and builds its template, with the summary the user reads first. Hidden
/// sheets are left out unless chosen: the supplier is usually not asked them.
pub fn read_workbook(
    path: &Path,
    choices: &ImportChoices,
) -> CmdResult<(PendingTemplate, ImportPreview)> {
    let bytes = scal_workbook::read_workbook_file(path)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    // A field left blank is not a choice: the workbook's own value stands.
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let options = scal_workbook::ImportOptions {
        include_hidden: choices.include_hidden,
        id: given(&choices.id),
        version: given(&choices.version),
        title: given(&choices.title),
    };
    let imported = scal_workbook::import_bytes_with(&bytes, &file_name, &options)?;
    let mut preview = preview(&imported);
    preview.include_hidden = choices.include_hidden;
    Ok((
        PendingTemplate {
            json: imported.json,
            workbook: Some((file_name, bytes)),
        },
        preview,
    ))
}

fn preview(imported: &scal_workbook::Imported) -> ImportPreview {
    let s = &imported.summary;
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for section in &s.sections {
        for (kind, n) in &section.items_by_type {
            *kinds.entry(kind).or_default() += n;
        }
    }
    ImportPreview {
        file_name: s.file_name.clone(),
        id: imported.template.id.clone(),
        title: imported.template.title.clone(),
        version: imported.template.version.clone(),
        sections: s
            .sections
            .iter()
            .map(|x| ImportedSectionDto {
                title: x.title.clone(),
                sheet: x.sheet.clone(),
                kind: match x.kind {
                    SectionKind::Form => "form",
                    SectionKind::Service => "service",
                    SectionKind::Guidance => "guidance",
                }
                .to_string(),
                items: count(x.items()),
                requirements: count(x.requirements),
            })
            .collect(),
        kinds: kinds
            .into_iter()
            .map(|(kind, n)| KindCount {
                kind: kind.to_string(),
                count: count(n),
            })
            .collect(),
        items: count(s.sections.iter().map(|x| x.items()).sum()),
        skipped: s
            .skipped
            .iter()
            .map(|k| SkippedDto {
                sheet: match &k.rows {
                    Some(rows) => format!("{} ({rows})", k.sheet),
                    None => k.sheet.clone(),
                },
                reason: k.reason.clone(),
            })
            .collect(),
        warnings: s
            .notes
            .iter()
            .map(|n| match &n.cell {
                Some(cell) => format!("{}!{cell}: {}", n.sheet, n.message),
                None => format!("{}: {}", n.sheet, n.message),
            })
            .collect(),
        include_hidden: false,
    }
}
