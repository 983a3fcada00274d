//! The NHS workbook the draft's template was imported from, filled in place by
//! `scal_workbook::fill` (which reads it back before it is kept): on its own (`fill_draft`,
//! behind `scal fill` and the app), and as part of an export, where evidence is referred to by
//! its name inside the pack so the assurance team can find each file the workbook names.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use scal_store::Draft;
use scal_workbook::{EvidenceRef, FillInput, FillReport};

use crate::pack::EVIDENCE_DIR;
use crate::snapshot::Snapshot;
use crate::ExportError;

/// Fills the workbook kept in `draft` with its answers, comments, evidence references (files
/// named as attached) and section statuses, and writes it to `to` after reading it back. Only
/// the items asked for these answers are written.
///
/// A file already at `to` is replaced whole only when the draft's rule allows it
/// (`scal_store::OutputRule`: never the draft or its workbook; a file this draft wrote and nobody
/// changed since; or one that holds these very bytes); the draft records the file before it is
/// put in place (nothing is recorded in a draft opened read-only).
pub fn fill_draft(draft: &mut Draft, to: &Path, author: &str) -> Result<FillReport, ExportError> {
    // Refused before the work, where the answer does not depend on what will be written.
    let rule = draft.output_rule()?;
    let recheck = rule
        .check_before_building(to)
        .map_err(scal_store::StoreError::from)?;
    let (bytes, report) = fill_bytes_of(draft, to)?;
    if recheck {
        rule.check(to, Some((&report.sha256, report.size)))
            .map_err(scal_store::StoreError::from)?;
    }
    let folder = match to.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let written = scal_store::WrittenFile {
        file_name: to
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        sha256: report.sha256.clone(),
        size: report.size,
    };
    draft.record_outputs("fill", folder, &[written], author)?;
    if !draft.is_read_only() {
        draft.record_written_workbook(&scal_store::WrittenWorkbook {
            kind: scal_store::WorkbookKind::Filled,
            file_name: written_name(to),
            cells: written_cells(draft.template(), &report),
        })?;
    }
    rule.write(to, &bytes).map_err(|e| match e {
        scal_store::PlaceError::Refused(refused) => scal_store::StoreError::from(refused).into(),
        scal_store::PlaceError::Io(e) => ExportError::write(to, e),
    })?;
    Ok(report)
}

fn fill_bytes_of(draft: &Draft, to: &Path) -> Result<(Vec<u8>, FillReport), ExportError> {
    let bytes = source_bytes(draft)?;
    let answers = draft.answers()?;
    let statuses: BTreeMap<String, String> = draft
        .section_statuses()?
        .into_iter()
        .map(|(id, s)| (id, s.status))
        .collect();
    let evidence: Vec<EvidenceRef> = draft
        .evidence()?
        .into_iter()
        .map(|l| EvidenceRef {
            item: l.item,
            file_name: l.file.file_name,
            sha256: l.file.sha256,
        })
        .collect();
    let input = FillInput {
        answers: &answers,
        evidence: &evidence,
        statuses: &statuses,
    };
    scal_workbook::fill_bytes(&bytes, draft.template(), &input, to)
        .map_err(|e| ExportError::FilledWorkbook(e.to_string()))
}

/// The filled workbook of an export: the exported answers, evidence named as in the pack.
pub fn write(draft: &Draft, snap: &Snapshot, to: &Path) -> Result<FillReport, ExportError> {
    let bytes = source_bytes(draft)?;
    let evidence: Vec<EvidenceRef> = snap
        .links
        .iter()
        .map(|link| {
            let in_pack = snap
                .files
                .iter()
                .find(|f| f.sha256 == link.file.sha256)
                .map_or_else(
                    || link.file.file_name.clone(),
                    |f| format!("{EVIDENCE_DIR}{}", f.pack_name),
                );
            EvidenceRef {
                item: link.item.clone(),
                file_name: in_pack,
                sha256: link.file.sha256.clone(),
            }
        })
        .collect();
    let statuses: BTreeMap<String, String> = snap
        .statuses
        .iter()
        .map(|(id, s)| (id.clone(), s.status.clone()))
        .collect();
    let input = FillInput {
        answers: &snap.answers,
        evidence: &evidence,
        statuses: &statuses,
    };
    scal_workbook::fill(&bytes, &snap.template, &input, to)
        .map_err(|e| ExportError::FilledWorkbook(e.to_string()))
}

/// The bytes of the workbook kept in the draft.
/// The NHS workbook the draft's template was imported from, byte for byte, as the draft keeps it.
pub fn source_bytes(draft: &Draft) -> Result<Vec<u8>, ExportError> {
    let fail = |reason: String| ExportError::FilledWorkbook(reason);
    let Some(source) = draft.source_workbook() else {
        return Err(fail(format!(
            "{} holds no workbook: its template was not imported from one",
            draft.path().display()
        )));
    };
    let mut bytes = Vec::with_capacity(usize::try_from(source.size).unwrap_or(0));
    draft
        .blob_reader(&source.sha256)?
        .read_to_end(&mut bytes)
        .map_err(|e| {
            fail(format!(
                "{} cannot be read from the draft: {e}",
                source.file_name
            ))
        })?;
    Ok(bytes)
}

fn written_name(to: &Path) -> String {
    to.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What a returned copy of a filled workbook is compared with: every cell the fill wrote, and
/// for every item the response, comment and assessor's cells it left as the workbook had them
/// (recorded empty; a placeholder there counts as empty).
pub fn written_cells(
    template: &scal_core::Template,
    report: &FillReport,
) -> Vec<scal_store::WrittenCell> {
    let mut cells: Vec<scal_store::WrittenCell> = report
        .cells
        .iter()
        .filter(|c| c.role != "header")
        .map(|c| scal_store::WrittenCell {
            sheet: c.sheet.clone(),
            cell: c.cell.clone(),
            item: c.item.clone(),
            role: c.role.to_string(),
            value: c.value.clone(),
        })
        .collect();
    let Some(source) = &template.source else {
        return cells;
    };
    let mut seen: std::collections::HashSet<(String, String)> = cells
        .iter()
        .map(|c| (c.sheet.clone(), c.cell.clone()))
        .collect();
    for section in &template.sections {
        let Some(sheet) = source.sections.get(&section.id).map(|s| s.sheet.clone()) else {
            continue;
        };
        for item in &section.items {
            let Some(at) = source.items.get(&item.id) else {
                continue;
            };
            for (role, cell) in [
                ("response", &at.response),
                ("comment", &at.comment),
                ("review", &at.review),
            ] {
                if let Some(cell) = cell {
                    if seen.insert((sheet.clone(), cell.clone())) {
                        cells.push(scal_store::WrittenCell {
                            sheet: sheet.clone(),
                            cell: cell.clone(),
                            item: Some(item.id.clone()),
                            role: role.to_string(),
                            value: String::new(),
                        });
                    }
                }
            }
        }
    }
    cells
}
