//! `scal fill DRAFT --out FILLED.xlsx`: the draft's answers written into a copy of the very
//! workbook NHS England sent (kept inside the draft), read back and checked.

use std::path::{Path, PathBuf};

use clap::Args;
use scal_store::Draft;
use scal_workbook::FillReport;

use super::Ctx;
use crate::error::{CliError, CliResult};
use crate::output::{size, Out};
use crate::Outcome;

#[derive(Debug, Args)]
pub struct FillArgs {
    /// The draft file (*.scal), created from a template imported from a workbook.
    pub draft: PathBuf,
    /// Where to write the filled workbook (.xlsx; a legacy .xls workbook is filled into a new
    /// .xlsx copy). A file already there is replaced only when this draft wrote it and nobody
    /// changed it since; never the draft or its workbook.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(ctx: &Ctx, args: FillArgs, out: &mut Out) -> CliResult<Outcome> {
    // Opened to write, so the draft records the file it fills (a later fill may then replace
    // it); a draft that cannot be written to is still filled, and records nothing.
    let mut draft = scal_app::open::for_output(&args.draft).map_err(super::app)?;
    let report = fill_draft(&mut draft, &args.out, &ctx.author)?;
    print_report(&report, &args.draft, &args.out, out);
    Ok(Outcome::Success)
}

/// The draft's workbook filled with its answers, comments, evidence references and statuses.
fn fill_draft(draft: &mut Draft, to: &Path, author: &str) -> CliResult<FillReport> {
    // Said here in the CLI's words; the library's own sentence is for other callers.
    if draft.source_workbook().is_none() {
        return Err(CliError::new(format!(
            "{} has no workbook to fill: its template was not imported from one (create the draft with `scal new DRAFT --template WORKBOOK.xlsx`, or use `scal export` for a new workbook)",
            draft.path().display()
        )));
    }
    scal_export::fill_draft(draft, to, author).map_err(|e| CliError::new(e.to_string()))
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
        ("header", "added column header"),
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
    match &report.converted {
        Some(sentence) => {
            out.line(format!("{sentence}."));
            out.line("Verified: every cell written read back as written.");
        }
        None => out.line(format!(
            "Verified: every cell written read back as written; {} other part(s) of the workbook copied unchanged.",
            report.entries_copied
        )),
    }
    out.line(format!(
        "  {}  SHA-256 {}",
        size(report.size),
        report.sha256
    ));
    for added in &report.added_columns {
        // "Added a Response and a Comment column to sheet "Reqs" (columns V–W)."
        let mut sentence = added.clone();
        if let Some(first) = sentence.get(..1) {
            sentence = format!("{}{}.", first.to_uppercase(), &sentence[1..]);
        }
        out.line(sentence);
    }
    for w in &report.warnings {
        out.line(format!("warning: {w}"));
    }
}
