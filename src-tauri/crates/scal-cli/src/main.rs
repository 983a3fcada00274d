//! `scal`: SCAL Workbench on the command line.
//!
//! argv → one library call → text or JSON on stdout. Exit status: 0 success, 1 when `check`
//! finds the draft incomplete, 2 for bad input or any failure, with exactly one line on stderr
//! (`scal: error: ...`). Scripts rely on all three.

/// mimalloc rather than the system allocator: a save's summary (report, needs, issues) makes
/// and frees thousands of small strings on a large draft, at about 2/3 the cost (the layer's
/// bench uses the same allocator, so its figures are this binary's).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod answers_file;
mod args;
mod commands;
mod dto;
mod error;
mod export_cmd;
mod output;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

use crate::error::one_line;

/// What a command that ran to the end tells `main` about the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// `check` ran and found blocking issues.
    Incomplete,
}

fn main() -> ExitCode {
    install_panic_hook();
    // A panic is a bug, never the expected path; this keeps even a bug to the one-line contract.
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(_) => ExitCode::from(2),
    }
}

fn run() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let mut out = output::Out::default();
    let result = commands::run(cli, &mut out);
    // Whatever was produced is printed even on failure: nothing is, today, but it keeps a
    // partial report from vanishing if a command learns to print before failing.
    if let Err(e) = out.flush_to_stdout() {
        return fail(&format!(
            "could not write to standard output: {}",
            scal_core::text::io_reason(&e)
        ));
    }
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Incomplete) => ExitCode::from(1),
        Err(e) => fail(&e.one_line()),
    }
}

fn fail(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr().lock(), "scal: error: {message}");
    ExitCode::from(2)
}

/// Help and version go to stdout as clap writes them; every usage error becomes one line.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        _ => {
            // clap's message is its first paragraph ("error: ..." and, for missing arguments,
            // the argument names on the lines below); the usage and tips after it are dropped.
            let rendered = e.render().to_string();
            let paragraph: Vec<&str> = rendered
                .lines()
                .map(str::trim)
                .skip_while(|l| l.is_empty())
                .take_while(|l| !l.is_empty())
                .collect();
            let message = paragraph.join(" ");
            let message = message.strip_prefix("error:").unwrap_or(&message).trim();
            let message = if message.is_empty() {
                "the command line could not be read"
            } else {
                message
            };
            fail(&format!(
                "{}; run 'scal --help' for usage",
                one_line(message)
            ))
        }
    }
}

/// Replaces Rust's multi-line panic report with one line in the contract's form.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr().lock(),
            "scal: error: internal error{place}: {}; this is a bug in scal, please report it",
            one_line(&what)
        );
    }));
}
