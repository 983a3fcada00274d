//! `scal fill DRAFT --out FILLED.xlsx`: the draft's answers written into a copy of the very
//! workbook NHS England sent (kept inside the draft), read back and checked.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use clap::Args;
use scal_store::Draft;
use scal_workbook::{EvidenceRef, FillInput, FillReport};

use super::{open_read_only, store};
use crate::error::{CliError, CliResult};
use crate::output::{size, Out};
use crate::Outcome;

#[derive(Debug, Args)]
pub struct FillArgs {
    /// The draft file (*.scal), created from a template imported from a workbook.
    pub draft: PathBuf,
    /// Where to write the filled workbook (.xlsx); an earlier file there is replaced.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(args: FillArgs, out: &mut Out) -> CliResult<Outcome> {
    let draft = open_read_only(&args.draft)?;
    let report = fill_draft(&draft, &args.out)?;
    print_report(&report, &args.draft, &args.out, out);
    Ok(Outcome::Success)
}

/// The draft's workbook filled with its answers, comments, evidence references and statuses.
pub fn fill_draft(draft: &Draft, to: &Path) -> CliResult<FillReport> {
    let source = draft.source_workbook().ok_or_else(|| {
        CliError::new(format!(
            "{} has no workbook to fill: its template was not imported from one (create the draft with `scal new DRAFT --template WORKBOOK.xlsx`, or use `scal export` for a new workbook)",
            draft.path().display()
        ))
    })?;
    let mut bytes = Vec::with_capacity(usize::try_from(source.size).unwrap_or(0));
    draft
        .blob_reader(&source.sha256)
        .map_err(store)?
        .read_to_end(&mut bytes)
        .map_err(|e| {
            CliError::new(format!(
                "{}: the workbook {} kept in the draft cannot be read: {e}",
                draft.path().display(),
                source.file_name
            ))
        })?;
    let answers = draft.answers().map_err(store)?;
    let statuses: BTreeMap<String, String> = draft
        .section_statuses()
        .map_err(store)?
        .into_iter()
        .map(|(id, s)| (id, s.status))
        .collect();
    let evidence: Vec<EvidenceRef> = draft
        .evidence()
        .map_err(store)?
        .into_iter()
        .map(|l| EvidenceRef {
            item: l.item,
            file_name: l.file_name,
            sha256: l.sha256,
        })
        .collect();
    let input = FillInput {
        answers: &answers,
        evidence: &evidence,
        statuses: &statuses,
    };
    scal_workbook::fill(&bytes, draft.template(), &input, to)
        .map_err(|e| CliError::new(e.to_string()))
}

fn print_report(report: &FillReport, draft: &Path, to: &Path, out: &mut Out) {
    let count = |role: &str| report.cells.iter().filter(|c| c.role == role).count();
    let mut what = Vec::new();
    for (role, name) in [
        ("response", "response"),
        ("option", "option mark"),
        ("other", "\"Other\" text"),
        ("comment", "comment"),
        ("evidence", "evidence reference"),
        ("status", "section status"),
    ] {
        let n = count(role);
        if n > 0 {
            what.push(format!("{n} {name}(s)"));
        }
    }
    let what = if what.is_empty() {
        "nothing to write yet".to_string()
    } else {
        what.join(", ")
    };
    out.line(format!(
        "Filled {} from {}: {} cell(s) in {} sheet(s) — {what}.",
        to.display(),
        draft.display(),
        report.cells.len(),
        report.sheets.len()
    ));
    out.line(format!(
        "Verified: every cell written read back as written; {} other part(s) of the workbook copied unchanged.",
        report.entries_copied
    ));
    out.line(format!(
        "  {}  SHA-256 {}",
        size(report.size),
        report.sha256
    ));
    for w in &report.warnings {
        out.line(format!("warning: {w}"));
    }
}
