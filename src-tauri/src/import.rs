//! Importing an NHS workbook as a template (`scal_workbook`): read once, summarised for the
//! user, kept pending until they create a draft from it (or upgrade to it).

use std::collections::BTreeMap;
use std::path::Path;

use scal_core::SectionKind;

use crate::dto::*;
use crate::error::CmdResult;
use crate::state::PendingTemplate;

pub const WORKBOOK_FILTER: (&str, &[&str]) = ("Excel workbook", &["xlsx", "xlsm"]);

impl From<scal_workbook::WorkbookError> for CmdError {
    fn from(e: scal_workbook::WorkbookError) -> CmdError {
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
    let options = options(choices)?;
    let imported = scal_workbook::import_bytes_with(&bytes, &file_name, &options)?;
    let preview = preview(&imported, &bytes, choices)?;
    Ok((
        PendingTemplate {
            json: imported.json,
            workbook: Some((file_name, bytes)),
        },
        preview,
    ))
}

/// Imports a workbook's bytes for a new draft. A workbook where no sheet could be read is
/// still kept (its template empty) with why each sheet was left out, so the user can say in a
/// mapping how to read one.
pub fn import_bytes(
    file_name: String,
    bytes: Vec<u8>,
    choices: &ImportChoices,
) -> CmdResult<(PendingTemplate, ImportPreview)> {
    let options = options(choices)?;
    match scal_workbook::import_bytes_with(&bytes, &file_name, &options) {
        Ok(imported) => {
            let preview = preview(&imported, &bytes, choices)?;
            Ok((
                PendingTemplate {
                    json: imported.json,
                    workbook: Some((file_name, bytes)),
                },
                preview,
            ))
        }
        Err(e @ scal_workbook::WorkbookError::NothingRecognised { .. }) => {
            let sentence = crate::error::capitalise(&e.to_string());
            let scal_workbook::WorkbookError::NothingRecognised { skipped, .. } = e else {
                return Err(CmdError::new(sentence));
            };
            let preview = ImportPreview {
                file_name: file_name.clone(),
                id: given(&choices.id).unwrap_or_default(),
                title: given(&choices.title).unwrap_or_default(),
                version: given(&choices.version).unwrap_or_default(),
                sections: Vec::new(),
                kinds: Vec::new(),
                items: 0,
                skipped: skipped_dtos(&skipped),
                warnings: Vec::new(),
                include_hidden: choices.include_hidden,
                sheets: sheets(&bytes, &file_name, &[])?,
                mapping: options.mapping.as_ref().map(MappingDto::from),
                nothing_imported: sentence,
            };
            Ok((
                PendingTemplate {
                    json: String::new(),
                    workbook: Some((file_name, bytes)),
                },
                preview,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// A field left blank is not a choice: the workbook's own value stands.
fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn options(choices: &ImportChoices) -> CmdResult<scal_workbook::ImportOptions> {
    Ok(scal_workbook::ImportOptions {
        include_hidden: choices.include_hidden,
        id: given(&choices.id),
        version: given(&choices.version),
        title: given(&choices.title),
        mapping: choices.mapping.clone().map(checked_mapping).transpose()?,
    })
}

/// The mapping the user made, checked as a mapping file would be (a column that is not a
/// column's letters, a header row 0, a sheet with neither an ID nor a question column).
pub fn checked_mapping(m: MappingDto) -> CmdResult<scal_core::template::Mapping> {
    let mapping: scal_core::template::Mapping = m.into();
    let json = serde_json::to_vec(&mapping)
        .map_err(|e| CmdError::new(format!("The mapping cannot be written down: {e}.")))?;
    scal_workbook::parse_mapping(&json)
        .map_err(|reason| CmdError::new(format!("This mapping cannot be used: {reason}.")))?;
    Ok(mapping)
}

/// Every sheet of the workbook, in its order, and whether a section was read from it.
fn sheets(bytes: &[u8], file_name: &str, imported: &[&str]) -> CmdResult<Vec<WorkbookSheetDto>> {
    Ok(scal_workbook::sheet_names(bytes, file_name)?
        .into_iter()
        .map(|(name, hidden)| WorkbookSheetDto {
            imported: imported.contains(&name.as_str()),
            name,
            hidden,
        })
        .collect())
}

fn skipped_dtos(skipped: &[scal_workbook::Skipped]) -> Vec<SkippedDto> {
    skipped
        .iter()
        .map(|k| SkippedDto {
            sheet: match &k.rows {
                Some(rows) => format!("{} ({rows})", k.sheet),
                None => k.sheet.clone(),
            },
            reason: k.reason.clone(),
        })
        .collect()
}

/// The first rows of one sheet of the pending workbook, for mapping it.
pub fn sheet_preview(
    (file_name, bytes): &(String, Vec<u8>),
    sheet: &str,
    rows: u32,
) -> CmdResult<SheetPreviewDto> {
    let rows = usize::try_from(rows).unwrap_or(usize::MAX);
    let p = scal_workbook::sheet_preview(bytes, file_name, sheet, rows, PREVIEW_COLUMNS)?;
    Ok(SheetPreviewDto {
        sheet: p.sheet,
        hidden: p.hidden,
        columns: p.columns,
        rows: p
            .rows
            .into_iter()
            .map(|r| PreviewRowDto {
                row: r.row,
                cells: r.cells,
            })
            .collect(),
        more_rows: p.more_rows,
        more_columns: p.more_columns,
        lists: p
            .lists
            .into_iter()
            .map(|(column, options)| ColumnListDto {
                column,
                // The responses a mapping gives meanings to: placeholders are none (the core
                // judges them, not the UI).
                options: options
                    .into_iter()
                    .filter(|o| !scal_core::answer::is_placeholder(o))
                    .collect(),
            })
            .collect(),
    })
}

/// How many columns a sheet preview shows (A to P).
pub const PREVIEW_COLUMNS: usize = 16;

fn preview(
    imported: &scal_workbook::Imported,
    bytes: &[u8],
    choices: &ImportChoices,
) -> CmdResult<ImportPreview> {
    let s = &imported.summary;
    let read: Vec<&str> = s.sections.iter().map(|x| x.sheet.as_str()).collect();
    let sheets = sheets(bytes, &s.file_name, &read)?;
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for section in &s.sections {
        for (kind, n) in &section.items_by_type {
            *kinds.entry(kind).or_default() += n;
        }
    }
    Ok(ImportPreview {
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
                tables: x
                    .tables
                    .iter()
                    .map(|t| ImportedTableDto {
                        kind: t.kind.to_string(),
                        header_row: t.header_row,
                        items: count(t.items),
                        confidence: t.confidence,
                        reading: t.reading.clone(),
                    })
                    .collect(),
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
        skipped: skipped_dtos(&s.skipped),
        warnings: s
            .notes
            .iter()
            .map(|n| match &n.cell {
                Some(cell) => format!("{}!{cell}: {}", n.sheet, n.message),
                None => format!("{}: {}", n.sheet, n.message),
            })
            .collect(),
        include_hidden: choices.include_hidden,
        sheets,
        mapping: imported
            .template
            .source
            .as_ref()
            .and_then(|src| src.mapping.as_ref())
            .map(MappingDto::from),
        nothing_imported: String::new(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::*;
    use rust_xlsxwriter::{DataValidation, Workbook};

    /// A header row, an ID column and two columns with the same dropdown: not guessed.
    fn unsure() -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Checks").unwrap();
        for (c, h) in ["ID", "Thing", "First pick", "Second pick"]
            .iter()
            .enumerate()
        {
            ws.write(0, c as u16, *h).unwrap();
        }
        for n in 0..5u32 {
            ws.write(1 + n, 0, format!("CK-{n:02}").as_str()).unwrap();
            ws.write(1 + n, 1, format!("Check {n}")).unwrap();
        }
        let dv = DataValidation::new()
            .allow_list_strings(&["Done", "Partly", "Not done"])
            .unwrap();
        ws.add_data_validation(1, 2, 5, 3, &dv).unwrap();
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn a_sheet_left_out_as_unsure_imports_as_the_mapping_says() {
        let bytes = unsure();
        let (pending, p) = import_bytes(
            "checks.xlsx".into(),
            bytes.clone(),
            &ImportChoices::default(),
        )
        .unwrap();
        assert!(pending.json.is_empty());
        assert!(
            p.nothing_imported.contains("hecks.xlsx"),
            "{}",
            p.nothing_imported
        );
        assert!(p.skipped[0].reason.starts_with("unsure how to read it"));
        assert_eq!(p.sheets.len(), 1);
        assert!(!p.sheets[0].imported);
        let mut mapping = MappingDto::default();
        mapping.sheets.insert(
            "Checks".into(),
            SheetMappingDto {
                header_row: Some(1),
                columns: MappedColumnsDto {
                    id: Some("a".into()),
                    question: Some("B".into()),
                    response: Some("D".into()),
                    comment: Some("C".into()),
                    ..MappedColumnsDto::default()
                },
                meanings: [("Done".to_string(), "met".to_string())].into(),
                ..SheetMappingDto::default()
            },
        );
        let choices = ImportChoices {
            mapping: Some(mapping),
            ..ImportChoices::default()
        };
        let (pending, p) = import_bytes("checks.xlsx".into(), bytes.clone(), &choices).unwrap();
        assert!(!pending.json.is_empty());
        assert_eq!(p.nothing_imported, "");
        let table = &p.sections[0].tables[0];
        assert_eq!(table.confidence, 100);
        assert!(table.reading.starts_with("as the mapping says"));
        assert!(p.sheets[0].imported);
        let kept = p.mapping.unwrap();
        assert_eq!(kept.sheets["Checks"].columns.id.as_deref(), Some("A"));
        // A mapping that cannot be read is refused in one sentence.
        let mut bad = MappingDto::default();
        bad.sheets.insert(
            "Checks".into(),
            SheetMappingDto {
                header_row: Some(1),
                ..SheetMappingDto::default()
            },
        );
        let e = import_bytes(
            "checks.xlsx".into(),
            bytes.clone(),
            &ImportChoices {
                mapping: Some(bad),
                ..ImportChoices::default()
            },
        )
        .err()
        .unwrap();
        assert!(
            e.message.starts_with("This mapping cannot be used"),
            "{}",
            e.message
        );
        let preview = sheet_preview(&("checks.xlsx".into(), bytes), "Checks", 12).unwrap();
        assert_eq!(preview.columns, ["A", "B", "C", "D"]);
        assert_eq!(preview.rows[1].cells[0], "CK-00");
        assert_eq!(preview.lists.len(), 2);
    }
}
