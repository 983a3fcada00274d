//! The NHS workbook the draft's template was imported from, filled in place by
//! `scal_workbook::fill` (which reads it back before it is kept). Evidence is referred to by
//! its name inside the pack, so the assurance team can find each file the workbook names.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use scal_store::Draft;
use scal_workbook::{EvidenceRef, FillInput, FillReport};

use crate::pack::EVIDENCE_DIR;
use crate::snapshot::Snapshot;
use crate::ExportError;

pub fn write(draft: &Draft, snap: &Snapshot, to: &Path) -> Result<FillReport, ExportError> {
    let fail = |reason: String| ExportError::FilledWorkbook(reason);
    let Some(source) = draft.source_workbook() else {
        return Err(fail("the draft holds no workbook to fill".to_string()));
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
    let evidence: Vec<EvidenceRef> = snap
        .links
        .iter()
        .map(|link| {
            let in_pack = snap
                .files
                .iter()
                .find(|f| f.sha256 == link.sha256)
                .map_or_else(
                    || link.file_name.clone(),
                    |f| format!("{EVIDENCE_DIR}{}", f.pack_name),
                );
            EvidenceRef {
                item: link.item.clone(),
                file_name: in_pack,
                sha256: link.sha256.clone(),
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
    scal_workbook::fill(&bytes, &snap.template, &input, to).map_err(|e| fail(e.to_string()))
}
