//! `scal history DRAFT [ITEM] [--json]`: every change, oldest first.

use std::collections::HashSet;
use std::path::Path;

use scal_store::HistoryEntry;

use super::{item_or_section, open_read_only, place_of, store, when};
use crate::dto::{HistoryEntryDto, HistoryOutput, ValueDto};
use crate::error::{CliError, CliResult};
use crate::output::{clip, size, Align, Out, Table};
use crate::Outcome;

pub fn run(path: &Path, item: Option<&str>, json: bool, out: &mut Out) -> CliResult<Outcome> {
    let draft = open_read_only(path)?;
    let template = draft.template();
    let all = draft.history(None).map_err(store)?;
    let item = item.map(|i| item_or_section(template, i)).transpose()?;
    let item = item.as_deref();
    let entries: Vec<&HistoryEntry> = match item {
        None => all.iter().collect(),
        Some(id) => {
            // A section stands for its status and every item in it.
            let wanted: HashSet<&str> = match template.section(id) {
                Some(section) => std::iter::once(section.id.as_str())
                    .chain(section.items.iter().map(|i| i.id.as_str()))
                    .collect(),
                None => std::iter::once(id).collect(),
            };
            let entries: Vec<&HistoryEntry> = all
                .iter()
                .filter(|e| wanted.contains(e.item.as_str()))
                .collect();
            if entries.is_empty() && place_of(template, id).is_none() {
                return Err(CliError::at(
                    path,
                    format!("there is no item or section \"{id}\" in this draft's template, and no history for it"),
                ));
            }
            entries
        }
    };
    let dtos: Vec<HistoryEntryDto> = entries
        .iter()
        .map(|e| HistoryEntryDto::new(template, e))
        .collect();
    if json {
        out.json(&HistoryOutput {
            draft: path.display().to_string(),
            item: item.map(str::to_string),
            entries: dtos,
        })?;
        return Ok(Outcome::Success);
    }
    if dtos.is_empty() {
        out.line(match item {
            Some(id) => format!("Nothing has changed on {id} yet."),
            None => format!("Nothing has changed in {} yet.", path.display()),
        });
        return Ok(Outcome::Success);
    }
    let mut table = Table::new(&[
        ("WHEN", Align::Left),
        ("WHO", Align::Left),
        ("ITEM", Align::Left),
        ("CHANGE", Align::Left),
    ]);
    for e in &dtos {
        let item = match &e.label {
            Some(label) if label != &e.item => format!("{} ({})", e.item, clip(label, 30)),
            _ => e.item.clone(),
        };
        table.row(vec![when(&e.at), clip(&e.author, 20), item, describe(e)]);
    }
    out.table(&table);
    out.blank();
    out.line(format!(
        "{} {}.",
        dtos.len(),
        if dtos.len() == 1 { "change" } else { "changes" }
    ));
    Ok(Outcome::Success)
}

/// One change in words: `answer "Yes" → "No"; comment "" → "Audit booked"`.
fn describe(e: &HistoryEntryDto) -> String {
    let value = |v: &Option<ValueDto>| match v {
        Some(v) => format!("\"{}\"", clip(&v.display(), 40)),
        None => "(none)".to_string(),
    };
    let comment = |old: &Option<String>, new: &Option<String>| match (old, new) {
        (Some(old), Some(new)) => Some(format!(
            "comment {} → {}",
            quoted_or_none(old),
            quoted_or_none(new)
        )),
        _ => None,
    };
    let mut text = match e.action.as_str() {
        "answer" => {
            let mut t = format!("answer {} → {}", value(&e.old_value), value(&e.new_value));
            if let Some(c) = comment(&e.old_comment, &e.new_comment) {
                t.push_str("; ");
                t.push_str(&c);
            }
            t
        }
        "comment" => comment(&e.old_comment, &e.new_comment).unwrap_or_else(|| "comment".into()),
        "copy" => {
            let mut parts = Vec::new();
            if e.old_value.is_some() || e.new_value.is_some() {
                parts.push(format!(
                    "answer {} → {}",
                    value(&e.old_value),
                    value(&e.new_value)
                ));
            }
            parts.extend(comment(&e.old_comment, &e.new_comment));
            let from = e
                .copied_from
                .as_ref()
                .map(|c| format!(" from {} of {}", c.item, c.draft))
                .unwrap_or_default();
            format!("copied{from}: {}", parts.join("; "))
        }
        "attach" | "detach" => {
            let ev = e.evidence.as_ref();
            let name = ev.map(|f| f.file_name.as_str()).unwrap_or_default();
            let mut t = format!(
                "{} {}",
                if e.action == "attach" {
                    "attached"
                } else {
                    "detached"
                },
                name
            );
            if let Some(bytes) = ev.and_then(|f| f.size) {
                t.push_str(&format!(" ({})", size(bytes)));
            }
            if let Some(d) = &e.dates {
                t.push_str(&format!(", {}", d.describe()));
            }
            t
        }
        "dates" => {
            let name = e
                .evidence
                .as_ref()
                .map(|f| f.file_name.as_str())
                .unwrap_or_default();
            let what = e.dates.as_ref().map(|d| d.describe()).unwrap_or_default();
            format!("dates of {name}: {what}")
        }
        "status" => format!(
            "status {} → {}",
            e.old_value
                .as_ref()
                .map(ValueDto::display)
                .unwrap_or_else(|| "(none)".into()),
            e.new_value
                .as_ref()
                .map(ValueDto::display)
                .unwrap_or_else(|| "(none)".into())
        ),
        // Upgrade's actions (carry, archive, restore, confirm) and any later ones.
        other => {
            let mut t = other.to_string();
            if e.old_value.is_some() || e.new_value.is_some() {
                t.push_str(&format!(
                    " {} → {}",
                    value(&e.old_value),
                    value(&e.new_value)
                ));
            }
            t
        }
    };
    if let Some(id) = e.snapshot {
        text.push_str(&format!(" (restoring snapshot {id})"));
    }
    if let Some(id) = e.review {
        text.push_str(&format!(
            " (accepting the proposed change of review thread {id})"
        ));
    }
    text
}

fn quoted_or_none(s: &str) -> String {
    if s.is_empty() {
        "(none)".to_string()
    } else {
        format!("\"{}\"", clip(s, 40))
    }
}
