//! The command line, as clap sees it. Only parsing lives here; each command's behaviour is in
//! `commands/`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "scal",
    version,
    about = "SCAL Workbench on the command line: fill in a Supplier Conformance Assessment List \
             draft, attach evidence and see what is still missing.",
    after_help = "Exit status: 0 success; 1 `check` found the draft incomplete, or `verify-pack` \
                  found a mismatch; 2 bad input or failure (one line on stderr).",
    subcommand_required = true,
    arg_required_else_help = false,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// Who is making the change, as recorded in the draft's history (default: $SCAL_AUTHOR, then
    /// the user's login name).
    #[arg(long, global = true, value_name = "NAME")]
    pub author: Option<String>,

    /// Check dates against this day instead of today, so a check can be reproduced later
    /// (e.g. "was the pen test within 12 months on the day we submitted?").
    #[arg(
        long,
        global = true,
        value_name = "YYYY-MM-DD",
        value_parser = parse_day,
        hide_short_help = true
    )]
    pub today: Option<NaiveDate>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the templates built into `scal`.
    Templates(JsonFlag),

    /// Create a draft from a bundled template id or a template JSON file. Never overwrites.
    New {
        /// The draft file to create, e.g. acme-booking.scal.
        draft: PathBuf,
        /// A bundled template id (see `scal templates`), the path of a template JSON file, or
        /// the NHS workbook itself (.xlsx), imported on the fly.
        #[arg(long, value_name = "ID|FILE")]
        template: String,
        /// For a template imported from a workbook: that workbook, when it is not beside the
        /// template. The draft keeps a copy of it, for `scal fill`.
        #[arg(long, value_name = "FILE")]
        workbook: Option<PathBuf>,
    },

    /// Import the SCAL workbook NHS England sent (.xlsx) as a template, and print what was
    /// found in it and what was left out.
    ImportTemplate(crate::commands::import::ImportArgs),

    /// Write the draft's answers into a copy of the workbook its template was imported from:
    /// every other cell, format, dropdown and embedded object as it was; read back and checked.
    Fill(crate::commands::fill::FillArgs),

    /// Show a draft: every item with its answer, comment and evidence, and progress.
    Show {
        /// The draft file (*.scal).
        draft: PathBuf,
        #[command(flatten)]
        json: JsonFlag,
    },

    /// Set one answer. Dates are YYYY-MM-DD; multi-choice values are joined with ';';
    /// an empty VALUE clears the answer.
    Answer {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// The item: its id, or its requirement ID (e.g. GPC-SFS-02) where that names one item;
        /// `scal show` lists both.
        item: String,
        value: String,
        /// The comment to store with the answer (mitigation, justification, notes).
        #[arg(long, value_name = "TEXT")]
        comment: Option<String>,
    },

    /// Set the comment of one item and leave its answer as it is; an empty TEXT clears it.
    Comment {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// The item: its id, or its requirement ID (e.g. GPC-SFS-02) where that names one item;
        /// `scal show` lists both.
        item: String,
        /// The comment; an empty TEXT clears it.
        text: String,
    },

    /// Set many answers from a JSON file (schemas/answers.schema.json): all of them, or none.
    ///
    /// The file:
    ///   {"answers": [
    ///     {"item": "supplier-name", "value": "Acme Health Ltd", "comment": "As registered"},
    ///     {"item": "care-settings", "value": ["Pharmacy", "Other: Dental"]},
    ///     {"item": "hscn-connection", "value": null}
    ///   ]}
    /// "value" absent leaves the answer, null clears it; "comment" absent leaves the comment.
    /// Every row is checked first: one bad row refuses the file and the draft is unchanged.
    /// Item ids and their options are in `scal show DRAFT --json`.
    #[command(verbatim_doc_comment)]
    Apply {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// The answers file.
        answers: PathBuf,
    },

    /// Link a file to an item as evidence. The file is copied into the draft.
    Attach {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// The item: its id, or its requirement ID (e.g. GPC-SFS-02) where that names one item;
        /// `scal show` lists both.
        item: String,
        /// The file to link; it is copied into the draft.
        file: PathBuf,
        #[command(flatten)]
        dates: DatesArgs,
    },

    /// Remove one evidence link (its id is in `scal evidence list`).
    Detach {
        /// The draft file (*.scal).
        draft: PathBuf,
        #[arg(value_name = "LINK_ID")]
        link: String,
    },

    /// List or extract the evidence in a draft.
    #[command(subcommand)]
    Evidence(EvidenceCommand),

    /// Check the draft for completeness: exit 0 when complete, 1 when not.
    Check {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// Check for a submission route: `workbook` (the default, the xlsx NHS England
        /// assesses) or `dos` (the Digital Onboarding Service, which takes at most 2,000
        /// characters per answer or comment).
        #[arg(long = "for", value_name = "ROUTE", default_value = "workbook")]
        route: String,
        #[command(flatten)]
        json: JsonFlag,
    },

    /// Set a section's status: "In Progress" or "Complete".
    Status {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// The section id, shown in brackets after each section's title by `scal show`.
        section: String,
        #[arg(value_name = "STATUS")]
        status: String,
    },
    /// Export the SCAL workbook, the PDF summary and the submission pack (default: all three),
    /// each read back and checked before it is put in place.
    Export(crate::export_cmd::ExportArgs),

    /// Re-hash every file of a submission pack against its manifest: exit 0 when all match,
    /// 1 with one line per mismatch.
    VerifyPack(crate::export_cmd::VerifyPackArgs),

    /// Every change to a draft, oldest first: when, who, what was there before and after
    /// (answers, comments, evidence attached and detached, section statuses).
    History {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// Only this item (its id, or its requirement ID where that names one item), or every
        /// item of this section (and its status).
        item: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },

    /// Keep the draft's answers, evidence links and section statuses as they are now, to
    /// compare against or go back to later. Every export takes one too ("as submitted").
    Snapshot {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// A few words saying why, e.g. "sent to Sam for review".
        #[arg(long, value_name = "TEXT", default_value = "")]
        label: String,
    },

    /// List a draft's snapshots, oldest first.
    Snapshots {
        /// The draft file (*.scal).
        draft: PathBuf,
        #[command(flatten)]
        json: JsonFlag,
    },

    /// Put the draft back exactly as a snapshot holds it. The state before is kept as a new
    /// snapshot, so a restore can itself be undone.
    Restore {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// The snapshot id (see `scal snapshots`), or "latest".
        snapshot: String,
    },

    /// What changed: between a draft's latest snapshot and now (the default), between two of
    /// its snapshots, or between two drafts (`scal diff A.scal B.scal`).
    Diff {
        /// One draft, or two drafts to compare (from, to).
        #[arg(required = true, num_args = 1..=2, value_name = "DRAFT")]
        drafts: Vec<PathBuf>,
        /// Compare from this snapshot (id or "latest"; default: the latest snapshot).
        #[arg(long, value_name = "SNAPSHOT")]
        from: Option<String>,
        /// Compare to this snapshot (id or "latest"; default: the draft as it is now).
        #[arg(long, value_name = "SNAPSHOT")]
        to: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },

    /// Add a review comment on an item or a section, or reply to one. Taken while the draft is
    /// open for review: answers cannot be changed that way, comments can.
    Review {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// The item or section the comment is about: its id, or a requirement ID that names one
        /// item.
        item: String,
        /// The comment.
        text: String,
        /// Reply to this comment (its number in `scal reviews`).
        #[arg(long, value_name = "N")]
        reply_to: Option<String>,
    },

    /// List review comments, thread by thread.
    Reviews {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// Only the comments on this item or section (its id, or a requirement ID that names one
        /// item).
        item: Option<String>,
        /// Only threads that are not resolved.
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        json: JsonFlag,
    },

    /// Mark a review thread resolved (give any comment number of the thread).
    Resolve {
        /// The draft file (*.scal).
        draft: PathBuf,
        #[arg(value_name = "N")]
        comment: String,
    },

    /// Bring the assessor's returned workbook back in: remarks in the review column, notes and
    /// threaded comments become review threads on their items; a supplier cell the assessor
    /// changed becomes a proposed change (nothing is applied until `scal accept`). Recognised by
    /// what this draft wrote (our workbook by its draft id, a filled NHS workbook by its answer
    /// cells); a second round adds only what is new.
    ReviewImport {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// The workbook as the assessor returned it (.xlsx).
        returned: PathBuf,
        /// Who remarks without an author of their own are from (default: the workbook's last
        /// author, else "NHS assessor").
        #[arg(long, value_name = "NAME")]
        reviewer: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },

    /// Accept a proposed change from a returned workbook: the assessor's text becomes the
    /// item's answer (or comment), its history naming the thread, and the thread is resolved.
    Accept {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// The proposed change's number in `scal reviews`.
        #[arg(value_name = "N")]
        comment: String,
    },

    /// Re-open a resolved review thread.
    Reopen {
        /// The draft file (*.scal).
        draft: PathBuf,
        #[arg(value_name = "N")]
        comment: String,
    },

    /// Sign the draft off: name, role and date, printed on the exports' sign-off page. A
    /// change to any answer afterwards shows the sign-off as stale.
    SignOff {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// Who signs off.
        #[arg(long, value_name = "NAME")]
        name: String,
        /// Their role, e.g. "Clinical Safety Officer".
        #[arg(long, value_name = "ROLE")]
        role: String,
        /// The date of the sign-off (default: today).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
        date: Option<NaiveDate>,
    },

    /// Move a draft to a new version of its template: answers, comments, evidence and review
    /// comments are carried by item id, requirement ID, identical wording, then close wording;
    /// answers to removed items are archived (restorable); reworded ones are flagged for
    /// re-confirmation; new items are listed. A snapshot taken first makes it undoable.
    Upgrade {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// A bundled template id (see `scal templates`) or the path of a template JSON file.
        #[arg(long, value_name = "ID|FILE")]
        to: String,
        /// The NHS workbook the new template was imported from, kept with it in the draft.
        #[arg(long, value_name = "XLSX")]
        workbook: Option<PathBuf>,
        /// Show what would happen, item by item, and change nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        json: JsonFlag,
    },

    /// Confirm that a carried answer still holds under its item's new wording; without ITEM,
    /// list the answers waiting for it.
    Confirm {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// The item: its id, or its requirement ID where that names one item.
        item: Option<String>,
    },

    /// List the answers upgrades archived (to items the new template removed), restored or not.
    Archived {
        /// The draft file (*.scal).
        draft: PathBuf,
        #[command(flatten)]
        json: JsonFlag,
    },

    /// Put an archived answer (value, comment and evidence) back onto an item of the current
    /// template. Refused if that item already holds a different answer.
    RestoreArchived {
        /// The draft file (*.scal).
        draft: PathBuf,
        /// The archived answer's id, as `scal archived` shows it.
        #[arg(value_name = "ID")]
        id: String,
        /// The item to put it on: its id, or its requirement ID where that names one item.
        #[arg(long, value_name = "ITEM")]
        to: String,
    },

    /// Copy answers, comments and evidence from one draft into another, for the sections that
    /// repeat across SCALs (organisation, IG, security, clinical safety). Shows what would
    /// change; changes TO only with --yes. FROM is only read.
    CopyAnswers {
        /// The draft to copy from; it is not changed.
        from: PathBuf,
        /// The draft to copy into.
        to: PathBuf,
        /// Section ids or titles, comma-separated or repeated (default: the sections TO's
        /// template marks shared that FROM also has). A title holding a comma is taken whole.
        #[arg(long, value_name = "S1,S2")]
        sections: Vec<String>,
        /// Apply the changes (without it, nothing is changed).
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        json: JsonFlag,
    },
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// List every evidence link: item, file name, size, SHA-256.
    List {
        /// The draft file (*.scal).
        draft: PathBuf,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Write one evidence file out of the draft, by SHA-256 or link id.
    Extract {
        /// The draft file (*.scal).
        draft: PathBuf,
        #[arg(value_name = "SHA256|LINK_ID")]
        which: String,
        /// Where to write the file (never replaced: a file there is refused, unless it already
        /// holds this very evidence).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Set the dates of one evidence link: the document's own date and the date it is valid
    /// until. A date left out is kept; `--clear` removes both first.
    SetDates {
        /// The draft file (*.scal).
        draft: PathBuf,
        #[arg(value_name = "LINK_ID")]
        link: String,
        #[command(flatten)]
        dates: DatesArgs,
        /// Remove the dates the link has (before setting any given here).
        #[arg(long)]
        clear: bool,
    },
}

/// The dates of an evidence document, as typed (checked by `scal_core::EvidenceDates::parse`,
/// which names the option it refuses).
#[derive(Debug, Clone, Default, Args)]
pub struct DatesArgs {
    /// The document's own date (when the report was written, the certificate issued),
    /// YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub dated: Option<String>,
    /// The last day the document is valid, YYYY-MM-DD: completeness warns 60 days before it
    /// and, once it has passed, blocks an item that needs the evidence.
    #[arg(long = "valid-until", value_name = "YYYY-MM-DD")]
    pub valid_until: Option<String>,
}

#[derive(Debug, Clone, Copy, Args)]
pub struct JsonFlag {
    /// Print JSON (see schemas/cli-*.schema.json) instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    scal_core::answer::parse_date(s)
        .ok_or_else(|| format!("\"{s}\" is not a date; write YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
