//! `scal attach`, `scal detach`, `scal evidence list` and `scal evidence extract`.

use std::io::{BufWriter, IsTerminal as _};
use std::path::Path;

use scal_core::EvidenceDates;
use scal_store::{Draft, EvidenceLink, OutputRefused};

use super::{item_id, open, open_read_only, store, Ctx};
use crate::args::DatesArgs;
use crate::dto::EvidenceEntry;
use crate::error::{CliError, CliResult};
use crate::output::{byte_progress_bar, clip, size, Align, Out, Table};
use crate::Outcome;
use scal_core::text::io_write_reason;

/// Files at least this big get a progress bar while they are copied in (when stderr is a
/// terminal): smaller ones are done before a bar would be seen.
const PROGRESS_FROM_BYTES: u64 = 8 * 1024 * 1024;

/// The dates given on the command line, refused (naming the option) before anything is
/// written.
fn given_dates(dates: &DatesArgs) -> CliResult<EvidenceDates> {
    EvidenceDates::parse(
        dates.dated.as_deref(),
        dates.valid_until.as_deref(),
        ("--dated", "--valid-until"),
    )
    .map_err(|e| CliError::new(e.to_string()))
}

pub fn attach(
    ctx: &Ctx,
    path: &Path,
    item: &str,
    file: &Path,
    dates: &DatesArgs,
    out: &mut Out,
) -> CliResult<Outcome> {
    let dates = given_dates(dates)?;
    let mut draft = open(path)?;
    let item = &item_id(draft.template(), item)?;
    let big = std::fs::metadata(file).is_ok_and(|m| m.len() >= PROGRESS_FROM_BYTES);
    let bar = (big && std::io::stderr().is_terminal())
        .then(|| byte_progress_bar("Copying into the draft"));
    let mut progress = |done: u64, total: u64| {
        if let Some(bar) = &bar {
            bar.set_length(total);
            bar.set_position(done);
        }
    };
    let attached = scal_app::ops::attach_dated(
        &mut draft,
        item,
        file,
        dates,
        &ctx.author,
        ctx.today,
        &mut progress,
    );
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let link = attached.map_err(super::app)?.link;
    out.line(format!(
        "Attached {} ({}) to {} as link {}.",
        link.file.file_name,
        size(link.file.size),
        link.item,
        link.id
    ));
    out.line(format!("SHA-256 {}", link.file.sha256));
    if !link.dates.is_empty() {
        out.line(format!("The document is {}.", link.dates.words(", ")));
    }
    Ok(Outcome::Success)
}

/// `scal evidence set-dates DRAFT LINK [--dated D] [--valid-until D] [--clear]`.
pub fn set_dates(
    ctx: &Ctx,
    path: &Path,
    link: &str,
    given: &DatesArgs,
    clear: bool,
    out: &mut Out,
) -> CliResult<Outcome> {
    let id = parse_link_id(link).ok_or_else(|| {
        CliError::new(format!(
            "\"{link}\" is not a link id: use the number in the LINK column of `scal evidence list`"
        ))
    })?;
    let typed = given_dates(given)?;
    if typed.is_empty() && !clear {
        return Err(CliError::new(
            "give --dated, --valid-until or --clear: there is nothing to set",
        ));
    }
    let mut draft = open(path)?;
    let current = draft.evidence_link(id).map_err(store)?.dates;
    let base = if clear {
        EvidenceDates::default()
    } else {
        current
    };
    // A date not given is kept; the pair is checked again as a whole.
    let dates = EvidenceDates::new(
        typed.dated.or(base.dated),
        typed.valid_until.or(base.valid_until),
    )
    .map_err(|e| CliError::new(e.to_string()))?;
    let (link, summary) =
        scal_app::ops::set_evidence_dates(&mut draft, id, dates, &ctx.author, ctx.today)
            .map_err(super::app)?;
    let words = link.dates.words(", ");
    out.line(if words.is_empty() {
        format!(
            "{} on {} (link {}) has no dates now.",
            link.file.file_name, link.item, link.id
        )
    } else {
        format!(
            "{} on {} (link {}) is {words}.",
            link.file.file_name, link.item, link.id
        )
    });
    for issue in summary
        .report
        .issues
        .iter()
        .filter(|i| i.item == link.item && i.rule.starts_with("evidence_"))
    {
        out.line(issue.message.clone());
    }
    Ok(Outcome::Success)
}

pub fn detach(ctx: &Ctx, path: &Path, link: &str, out: &mut Out) -> CliResult<Outcome> {
    let id = parse_link_id(link).ok_or_else(|| {
        CliError::new(format!(
            "\"{link}\" is not a link id: use the number in the LINK column of `scal evidence list`"
        ))
    })?;
    let mut draft = open(path)?;
    let (link, _) =
        scal_app::ops::detach(&mut draft, id, &ctx.author, ctx.today).map_err(super::app)?;
    out.line(format!(
        "Detached {} from {} (link {}). The draft's history still records it.",
        link.file.file_name, link.item, link.id
    ));
    Ok(Outcome::Success)
}

pub fn list(path: &Path, json: bool, out: &mut Out) -> CliResult<Outcome> {
    let draft = open_read_only(path)?;
    let links = draft.evidence().map_err(store)?;
    if json {
        let list: Vec<EvidenceEntry> = links.iter().map(EvidenceEntry::from).collect();
        out.json(&list)?;
        return Ok(Outcome::Success);
    }
    if links.is_empty() {
        out.line(format!(
            "{} has no evidence yet. Link a file with: scal attach DRAFT ITEM FILE",
            path.display()
        ));
        return Ok(Outcome::Success);
    }
    let mut table = Table::new(&[
        ("LINK", Align::Right),
        ("ITEM", Align::Left),
        ("FILE", Align::Left),
        ("SIZE", Align::Right),
        ("ADDED", Align::Left),
        ("DATED", Align::Left),
        ("VALID UNTIL", Align::Left),
        ("SHA-256", Align::Left),
    ]);
    for l in &links {
        table.row(vec![
            l.id.to_string(),
            l.item.clone(),
            clip(&l.file.file_name, 40),
            size(l.file.size),
            l.file.added_at.clone(),
            l.dates.dated.map_or("-".to_string(), |d| d.to_string()),
            l.dates
                .valid_until
                .map_or("-".to_string(), |d| d.to_string()),
            l.file.sha256.clone(),
        ]);
    }
    out.table(&table);
    let mut distinct: Vec<(&str, u64)> = links
        .iter()
        .map(|l| (l.file.sha256.as_str(), l.file.size))
        .collect();
    distinct.sort_unstable();
    distinct.dedup();
    out.blank();
    out.line(format!(
        "{} {}, {} distinct {} ({} stored).",
        links.len(),
        if links.len() == 1 { "link" } else { "links" },
        distinct.len(),
        if distinct.len() == 1 { "file" } else { "files" },
        size(distinct.iter().map(|(_, s)| s).sum())
    ));
    Ok(Outcome::Success)
}

pub fn extract(path: &Path, which: &str, target: &Path, out: &mut Out) -> CliResult<Outcome> {
    let draft = open_read_only(path)?;
    let sha256 = resolve(&draft, which)?;
    let blob_size = draft.blob_reader(&sha256).map_err(store)?.size();
    // The rule every output follows; a file already holding this very content is left as it
    // is, and anything else there is refused (extract itself never replaces a file).
    let holds_something_else = || {
        CliError::new(format!(
            "{} already exists and holds something else: extract never replaces a file; choose another name",
            target.display()
        ))
    };
    match draft
        .output_rule()
        .map_err(store)?
        .check(target, Some((&sha256, blob_size)))
    {
        Ok(()) => {}
        Err(
            OutputRefused::NotOurs { .. }
            | OutputRefused::NotRecorded { .. }
            | OutputRefused::ChangedSince { .. },
        ) => return Err(holds_something_else()),
        Err(refused) => return Err(CliError::new(refused.to_string())),
    }
    if target.symlink_metadata().is_ok() {
        // The rule also lets a draft's own unchanged output be replaced; extract never
        // replaces a file, so what stands there must be this very content.
        let holds_it = std::fs::metadata(target).is_ok_and(|m| m.len() == blob_size)
            && scal_store::hash_file(target).is_ok_and(|sha| sha == sha256);
        if !holds_it {
            return Err(holds_something_else());
        }
        out.line(format!(
            "{} already holds this evidence ({}, SHA-256 {sha256} checked): nothing written.",
            target.display(),
            size(blob_size)
        ));
        return Ok(Outcome::Success);
    }
    let written = write_new(target, |file| draft.extract(&sha256, file).map_err(store))?;
    out.line(format!(
        "Wrote {} ({}), SHA-256 {sha256} checked.",
        target.display(),
        size(written)
    ));
    Ok(Outcome::Success)
}

/// A SHA-256 (64 hex digits), or a link id whose content is meant.
fn resolve(draft: &Draft, which: &str) -> CliResult<String> {
    let which = which.trim();
    if which.len() == 64 && which.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(which.to_ascii_lowercase());
    }
    let Some(id) = parse_link_id(which) else {
        return Err(CliError::new(format!(
            "\"{which}\" is neither a SHA-256 (64 hex digits) nor a link id (a number from `scal evidence list`)"
        )));
    };
    let links: Vec<EvidenceLink> = draft.evidence().map_err(store)?;
    links
        .into_iter()
        .find(|l| l.id == id)
        .map(|l| l.file.sha256)
        .ok_or_else(|| {
            CliError::new(format!(
                "{} has no evidence link {id}",
                draft.path().display()
            ))
        })
}

fn parse_link_id(s: &str) -> Option<i64> {
    s.trim().parse::<i64>().ok().filter(|id| *id > 0)
}

/// Writes a new file at `target` through a temporary sibling that is renamed into place only
/// once complete and synced, so a failed or interrupted extract never leaves a partial file
/// under the name asked for.
fn write_new(
    target: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> CliResult<u64>,
) -> CliResult<u64> {
    let cannot = |e: &std::io::Error| {
        CliError::new(format!(
            "cannot write {}: {}",
            target.display(),
            io_write_reason(e)
        ))
    };
    let mut file = scal_fs::DurableFile::create(target, "extracting").map_err(|e| cannot(&e))?;
    let mut writer = BufWriter::new(&mut file);
    let written = fill(&mut writer)?;
    writer.into_inner().map_err(|e| cannot(e.error()))?;
    // Never replaces: a file that appeared meanwhile is kept (the temporary file is removed).
    file.commit_new().map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::new(format!(
                "{} already exists: choose another name (extract never overwrites a file)",
                target.display()
            ))
        } else {
            cannot(&e)
        }
    })?;
    Ok(written)
}
