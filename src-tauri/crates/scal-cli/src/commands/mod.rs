//! One module per command. Each takes its parsed arguments, calls the library crates, and
//! writes to `Out`; none holds domain logic.

mod check;
mod evidence;
mod new;
mod show;
mod status;
mod templates;
mod write;

use std::path::Path;

use chrono::NaiveDate;
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
        Command::New { draft, template } => new::run(&ctx, &draft, &template, out),
        Command::Show { draft, json } => show::run(&ctx, &draft, json.json, out),
        Command::Answer {
            draft,
            item,
            value,
            comment,
        } => write::answer(&ctx, &draft, &item, &value, comment, out),
        Command::Comment { draft, item, text } => write::comment(&ctx, &draft, &item, &text, out),
        Command::Apply { draft, answers } => write::apply(&ctx, &draft, &answers, out),
        Command::Attach { draft, item, file } => evidence::attach(&ctx, &draft, &item, &file, out),
        Command::Detach { draft, link } => evidence::detach(&ctx, &draft, &link, out),
        Command::Evidence(EvidenceCommand::List { draft, json }) => {
            evidence::list(&draft, json.json, out)
        }
        Command::Evidence(EvidenceCommand::Extract {
            draft,
            which,
            out: file,
        }) => evidence::extract(&draft, &which, &file, out),
        Command::Check { draft, json } => check::run(&ctx, &draft, json.json, out),
        Command::Status {
            draft,
            section,
            status,
        } => status::run(&ctx, &draft, &section, &status, out),
        Command::Export(args) => crate::export_cmd::export(&ctx, args, out),
        Command::VerifyPack(args) => crate::export_cmd::verify_pack(args, out),
    }
}

/// Opens a draft to change it.
fn open(path: &Path) -> CliResult<Draft> {
    Draft::open(path).map_err(store)
}

/// Opens a draft to read it: nothing in the file is altered.
fn open_read_only(path: &Path) -> CliResult<Draft> {
    Draft::open_read_only(path).map_err(store)
}

/// Store errors are already one sentence naming the file (and item); they pass through as is.
fn store(e: StoreError) -> CliError {
    CliError::new(e.to_string())
}
