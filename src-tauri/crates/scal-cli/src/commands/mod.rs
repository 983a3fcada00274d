//! One module per command. Each takes its parsed arguments, calls the library crates, and
//! writes to `Out`; none holds domain logic.

mod archived;
mod check;
mod copy;
mod diff;
mod evidence;
pub mod fill;
mod history;
pub mod import;
mod new;
mod review;
mod show;
mod signoff;
mod snapshot;
mod status;
mod templates;
mod upgrade;
mod write;

pub(crate) use scal_app::names::place_of;
use std::path::Path;

use chrono::NaiveDate;
use scal_app::{AppError, Mode};
use scal_store::{Draft, StoreError};

use crate::args::{Cli, Command, EvidenceCommand};
use crate::error::{CliError, CliResult};
use crate::output::Out;
use crate::Outcome;

/// What every command may need besides its own arguments.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Recorded in the draft's history with every change.
    pub author: String,
    /// The day date rules are checked against.
    pub today: NaiveDate,
}

pub fn run(cli: Cli, out: &mut Out) -> CliResult<Outcome> {
    let ctx = Ctx {
        author: cli
            .author
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .unwrap_or_else(scal_store::default_author),
        today: cli
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
    };
    match cli.command {
        Command::Templates(flag) => templates::run(flag.json, out),
        Command::New {
            draft,
            template,
            workbook,
        } => new::run(&ctx, &draft, &template, workbook.as_deref(), out),
        Command::ImportTemplate(args) => import::run(args, out),
        Command::Fill(args) => fill::run(&ctx, args, out),
        Command::Show { draft, json } => show::run(&ctx, &draft, json.json, out),
        Command::Answer {
            draft,
            item,
            value,
            comment,
        } => write::answer(&ctx, &draft, &item, &value, comment, out),
        Command::Comment { draft, item, text } => write::comment(&ctx, &draft, &item, &text, out),
        Command::Apply { draft, answers } => write::apply(&ctx, &draft, &answers, out),
        Command::Attach {
            draft,
            item,
            file,
            dates,
        } => evidence::attach(&ctx, &draft, &item, &file, &dates, out),
        Command::Detach { draft, link } => evidence::detach(&ctx, &draft, &link, out),
        Command::Evidence(EvidenceCommand::List { draft, json }) => {
            evidence::list(&draft, json.json, out)
        }
        Command::Evidence(EvidenceCommand::Extract {
            draft,
            which,
            out: file,
        }) => evidence::extract(&draft, &which, &file, out),
        Command::Evidence(EvidenceCommand::SetDates {
            draft,
            link,
            dates,
            clear,
        }) => evidence::set_dates(&ctx, &draft, &link, &dates, clear, out),
        Command::Check { draft, route, json } => check::run(&ctx, &draft, &route, json.json, out),
        Command::Status {
            draft,
            section,
            status,
        } => status::run(&ctx, &draft, &section, &status, out),
        Command::Export(args) => crate::export_cmd::export(&ctx, args, out),
        Command::VerifyPack(args) => crate::export_cmd::verify_pack(args, out),
        Command::History { draft, item, json } => {
            history::run(&draft, item.as_deref(), json.json, out)
        }
        Command::Snapshot { draft, label } => snapshot::take(&ctx, &draft, &label, out),
        Command::Snapshots { draft, json } => snapshot::list(&draft, json.json, out),
        Command::Restore { draft, snapshot } => snapshot::restore(&ctx, &draft, &snapshot, out),
        Command::Diff {
            drafts,
            from,
            to,
            json,
        } => diff::run(&drafts, from.as_deref(), to.as_deref(), json.json, out),
        Command::Review {
            draft,
            item,
            text,
            reply_to,
        } => review::add(&ctx, &draft, &item, &text, reply_to.as_deref(), out),
        Command::Reviews {
            draft,
            item,
            open,
            json,
        } => review::list(&draft, item.as_deref(), open, json.json, out),
        Command::Resolve { draft, comment } => review::resolve(&ctx, &draft, &comment, out),
        Command::Reopen { draft, comment } => review::reopen(&draft, &comment, out),
        Command::ReviewImport {
            draft,
            returned,
            reviewer,
            json,
        } => review::import(&ctx, &draft, &returned, reviewer.as_deref(), json.json, out),
        Command::Accept { draft, comment } => review::accept(&ctx, &draft, &comment, out),
        Command::SignOff {
            draft,
            name,
            role,
            date,
        } => signoff::run(&ctx, &draft, &name, &role, date, out),
        Command::Upgrade {
            draft,
            to,
            workbook,
            dry_run,
            json,
        } => upgrade::run(
            &ctx,
            upgrade::UpgradeArgs {
                draft: &draft,
                to: &to,
                workbook: workbook.as_deref(),
                dry_run,
                json: json.json,
            },
            out,
        ),
        Command::Confirm { draft, item } => upgrade::confirm(&ctx, &draft, item.as_deref(), out),
        Command::Archived { draft, json } => archived::list(&draft, json.json, out),
        Command::RestoreArchived { draft, id, to } => {
            archived::restore(&ctx, &draft, &id, &to, out)
        }
        Command::CopyAnswers {
            from,
            to,
            sections,
            yes,
            json,
        } => copy::run(
            &ctx,
            copy::CopyArgs {
                from: &from,
                to: &to,
                sections: &sections,
                yes,
                json: json.json,
            },
            out,
        ),
    }
}

/// Opens a draft to change it.
fn open(path: &Path) -> CliResult<Draft> {
    scal_app::open::open(path, Mode::Edit).map_err(app)
}

/// Opens a draft for a reviewer: review comments and the sign-off are taken, answers are not.
fn open_for_review(path: &Path) -> CliResult<Draft> {
    scal_app::open::open(path, Mode::Review).map_err(app)
}

/// Where an item or section sits in a template, for grouping and labelling: (section id,
/// section title, label). `None` for an id the template does not have (an item of an older
/// template revision, or of the other draft in a two-draft diff).
/// The id of the item a person named: its id, or its requirement ID where that names one item;
/// anything else is one sentence, exit 2.
fn item_id(template: &scal_core::Template, name: &str) -> CliResult<String> {
    scal_app::names::item_id(template, name).map_err(app)
}

/// As [`item_id`] for commands that also take a section, or an id the template no longer has
/// (history, review comments): see `scal_app::names::item_or_section`.
fn item_or_section(template: &scal_core::Template, name: &str) -> CliResult<String> {
    scal_app::names::item_or_section(template, name).map_err(app)
}

/// A time stored as RFC 3339 UTC, as people read it: `2026-06-15 10:03:12 UTC`.
fn when(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}

/// Opens a draft to read it: nothing in the file is altered.
fn open_read_only(path: &Path) -> CliResult<Draft> {
    scal_app::open::open(path, Mode::ReadOnly).map_err(app)
}

/// Store errors are already one sentence naming the file (and item); they pass through as is.
fn store(e: StoreError) -> CliError {
    CliError::new(e.to_string())
}

/// The layer's errors are one sentence too; where a command line has a next step to offer
/// (the command that takes a snapshot, the one that lists them), it is said here.
pub(crate) fn app(e: AppError) -> CliError {
    match e {
        AppError::NoSnapshot { path } => CliError::new(format!(
            "{} has no snapshot yet, so there is nothing to compare with: take one with `scal snapshot {} --label TEXT`, or export the draft",
            path.display(),
            path.display()
        )),
        AppError::NotASnapshot { which } => CliError::new(format!(
            "\"{which}\" is not a snapshot: give its number from `scal snapshots DRAFT`, or \"latest\""
        )),
        e => CliError::new(e.to_string()),
    }
}
