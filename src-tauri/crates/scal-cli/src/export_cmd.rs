//! `scal export DRAFT --out DIR [--xlsx] [--pdf] [--pack]` and `scal verify-pack PACK.zip`:
//! the submission pack, written and read back by `scal_export`.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::Args;
use scal_export::{ExportKind, ExportOptions, ExportProgress, ExportStage};

use crate::commands::Ctx;
use crate::error::{CliError, CliResult};
use crate::output::{byte_progress_bar, size, Out};
use crate::Outcome;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The draft file (*.scal).
    pub draft: PathBuf,
    /// The folder to write into (created if missing). Files of an earlier export of this draft
    /// there are replaced whole, once the new ones have been read back and checked, and only
    /// while nobody has changed them; nothing else there is ever replaced.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write the SCAL workbook (.xlsx).
    #[arg(long)]
    pub xlsx: bool,
    /// Write the PDF summary.
    #[arg(long)]
    pub pdf: bool,
    /// Write the submission pack (.zip: workbook, PDF, evidence, manifest.json).
    #[arg(long)]
    pub pack: bool,
    /// Write this export time into the files instead of now (RFC 3339, e.g.
    /// 2026-04-30T09:15:00Z): the same draft at the same time gives the same files.
    #[arg(long, value_name = "TIME", value_parser = parse_time, hide_short_help = true)]
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Args)]
pub struct VerifyPackArgs {
    /// The pack to check (a .zip written by `scal export`).
    pub pack: PathBuf,
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("\"{s}\" is not a time; write it as 2026-04-30T09:15:00Z"))
}

/// Evidence at least this big gets a progress bar (when stderr is a terminal).
const PROGRESS_FROM_BYTES: u64 = 8 * 1024 * 1024;

pub fn export(ctx: &Ctx, args: ExportArgs, out: &mut Out) -> CliResult<Outcome> {
    // With none of the three named, all three: the usual case needs no flags.
    let all = !(args.xlsx || args.pdf || args.pack);
    let options = ExportOptions {
        xlsx: all || args.xlsx,
        pdf: all || args.pdf,
        pack: all || args.pack,
        at: args.at,
        today: Some(ctx.today),
        author: Some(ctx.author.clone()),
    };
    let mut draft = scal_app::open::open(&args.draft, scal_app::Mode::Edit)
        .map_err(|e| CliError::new(e.to_string()))?;
    let bar = std::io::stderr()
        .is_terminal()
        .then(|| byte_progress_bar(""));
    let mut progress = |p: ExportProgress| {
        if let Some(bar) = &bar {
            if p.stage == ExportStage::Evidence && p.total >= PROGRESS_FROM_BYTES {
                bar.set_length(p.total);
                bar.set_position(p.done);
            }
            bar.set_message(p.stage.describe());
        }
    };
    let result = scal_app::ops::export(&mut draft, &args.out, &options, &mut progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let outcome = result.map_err(|e| CliError::new(e.to_string()))?;

    out.line(format!(
        "Exported {} to {} at {}.",
        args.draft.display(),
        args.out.display(),
        outcome.exported_at.format("%Y-%m-%d %H:%M:%S UTC")
    ));
    for f in &outcome.files {
        let what = match f.kind {
            ExportKind::Workbook => "workbook",
            ExportKind::FilledWorkbook => "NHS workbook",
            ExportKind::Summary => "PDF summary",
            ExportKind::Pack => "pack",
        };
        out.line(format!(
            "  {what:<12} {}  {}",
            f.path.display(),
            size(f.size)
        ));
        out.line(format!("  {:<12} SHA-256 {}", "", f.sha256));
    }
    let mut checks = vec![format!(
        "{} answer cell(s) read back from the workbook",
        outcome.answers_verified
    )];
    if outcome.filled_cells_verified > 0 {
        checks.push(format!(
            "{} cell(s) read back from the NHS workbook filled in place",
            outcome.filled_cells_verified
        ));
    }
    if options.pack {
        checks.push(format!(
            "{} evidence file(s) re-hashed in the pack",
            outcome.evidence_files
        ));
    }
    out.line(format!("Verified: {}.", checks.join("; ")));
    if let Some(id) = outcome.snapshot_id {
        out.line(format!(
            "Snapshot {id} keeps the draft as submitted: `scal diff {}` shows what changes after it.",
            args.draft.display()
        ));
    }
    if outcome.complete {
        out.line("The draft has no blocking issues.");
    } else {
        out.line(format!(
            "The draft still has {} blocking issue(s): see `scal check {}`.",
            outcome.blocking,
            args.draft.display()
        ));
    }
    for w in &outcome.warnings {
        out.line(format!("warning: {w}"));
    }
    Ok(Outcome::Success)
}

/// Exit 0 when every file matches the manifest; 1 with one line per mismatch on stdout.
pub fn verify_pack(args: VerifyPackArgs, out: &mut Out) -> CliResult<Outcome> {
    // Before the pack is opened: opening a named pipe would wait for a writer forever.
    scal_store::fsutil::regular_file(&args.pack)
        .map_err(|e| CliError::new(e.sentence(&args.pack, "a pack (.zip)")))?;
    let report = scal_export::verify_pack(&args.pack).map_err(|e| CliError::new(e.to_string()))?;
    if !report.confirmed() {
        for m in &report.mismatches {
            out.line(m.to_string());
        }
        return Ok(Outcome::Incomplete);
    }
    let m = &report.manifest;
    out.line(format!(
        "Confirmed: {} matches its manifest ({} file(s), {} re-hashed).",
        args.pack.display(),
        report.files_checked,
        size(report.bytes_checked)
    ));
    out.line(format!(
        "Template {} {}, draft {}, exported {}, answers digest {}.",
        m.template.id, m.template.version, m.draft_id, m.exported_at, m.answers_digest
    ));
    Ok(Outcome::Success)
}
