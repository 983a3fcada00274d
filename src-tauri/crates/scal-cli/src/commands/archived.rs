//! `scal archived DRAFT [--json]` and `scal restore-archived DRAFT ID --to ITEM`: the answers
//! an upgrade set aside (schemas/cli-archived.schema.json), and putting one back.

use std::path::Path;

use super::{open, open_read_only, store, when, Ctx};
use crate::dto::ArchivedAnswerDto;
use crate::error::{CliError, CliResult};
use crate::output::{clip, Align, Out, Table};
use crate::Outcome;

pub fn list(path: &Path, json: bool, out: &mut Out) -> CliResult<Outcome> {
    let draft = open_read_only(path)?;
    let archived = draft.archived_answers().map_err(store)?;
    if json {
        let list: Vec<ArchivedAnswerDto> = archived.iter().map(ArchivedAnswerDto::from).collect();
        out.json(&list)?;
        return Ok(Outcome::Success);
    }
    if archived.is_empty() {
        out.line(format!(
            "{} has no archived answers: an upgrade archives the answers to items the new template removed.",
            path.display()
        ));
        return Ok(Outcome::Success);
    }
    let mut table = Table::new(&[
        ("ID", Align::Right),
        ("ITEM", Align::Left),
        ("FROM TEMPLATE", Align::Left),
        ("ANSWER", Align::Left),
        ("COMMENT", Align::Left),
        ("EVIDENCE", Align::Left),
        ("ARCHIVED", Align::Left),
        ("RESTORED TO", Align::Left),
    ]);
    for a in &archived {
        let files: Vec<&str> = a.evidence.iter().map(|e| e.file_name.as_str()).collect();
        table.row(vec![
            a.id.to_string(),
            clip(&format!("{} \"{}\"", a.item, a.label), 40),
            format!("{} {}", a.template_id, a.template_version),
            a.value
                .as_ref()
                .map(|v| clip(&v.display(), 30))
                .unwrap_or_else(|| "-".to_string()),
            if a.comment.is_empty() {
                "-".to_string()
            } else {
                clip(&a.comment, 30)
            },
            if files.is_empty() {
                "-".to_string()
            } else {
                clip(&files.join(", "), 30)
            },
            format!("{} by {}", when(&a.archived_at), clip(&a.archived_by, 20)),
            a.restored
                .as_ref()
                .map(|r| r.to.clone())
                .unwrap_or_else(|| "-".to_string()),
        ]);
    }
    out.table(&table);
    let open = archived.iter().filter(|a| a.restored.is_none()).count();
    if open > 0 {
        out.blank();
        out.line(format!(
            "Put one back onto an item of the current template: scal restore-archived {} ID --to ITEM",
            path.display()
        ));
    }
    Ok(Outcome::Success)
}

pub fn restore(ctx: &Ctx, path: &Path, id: &str, to: &str, out: &mut Out) -> CliResult<Outcome> {
    let id: i64 = id.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
        CliError::new(format!(
            "\"{id}\" is not an archived answer id: give the number `scal archived {}` shows",
            path.display()
        ))
    })?;
    let mut draft = open(path)?;
    let to = &super::item_or_section(draft.template(), to)?;
    let a = scal_app::ops::restore_archived(&mut draft, id, to, &ctx.author).map_err(super::app)?;
    let mut what = Vec::new();
    if let Some(v) = &a.value {
        what.push(format!("\"{}\"", clip(&v.display(), 60)));
    }
    if !a.comment.is_empty() {
        what.push("its comment".to_string());
    }
    if !a.evidence.is_empty() {
        what.push(format!(
            "{} evidence {}",
            a.evidence.len(),
            if a.evidence.len() == 1 {
                "file"
            } else {
                "files"
            }
        ));
    }
    out.line(format!(
        "Restored archived answer {} ({} \"{}\", template {} {}) onto {}: {}.",
        a.id,
        a.item,
        a.label,
        a.template_id,
        a.template_version,
        to.trim(),
        if what.is_empty() {
            "nothing was held".to_string()
        } else {
            what.join(", ")
        }
    ));
    Ok(Outcome::Success)
}
