//! `scal copy-answers FROM.scal TO.scal [--sections S1,S2] [--yes] [--json]`: reuse the
//! answers of sections that repeat across a supplier's SCALs. Without `--yes` it is a preview
//! that changes nothing; FROM is only ever read. JSON: schemas/cli-copy.schema.json.

use std::io::IsTerminal as _;
use std::path::Path;

use scal_core::upgrade::{CopyPlan, ItemRef};
use serde::Serialize;

use super::upgrade::TemplateDto;
use super::{open, open_read_only, Ctx};
use crate::dto::{CopyChangeDto, SnapshotDto, ValueDto};
use crate::error::{CliError, CliResult};
use crate::output::{byte_progress_bar, clip, Align, Out, Table};
use crate::Outcome;

/// Evidence at least this big gets a progress bar while it is copied (stderr a terminal).
const PROGRESS_FROM_BYTES: u64 = 8 * 1024 * 1024;

pub struct CopyArgs<'a> {
    pub from: &'a Path,
    pub to: &'a Path,
    pub sections: &'a [String],
    pub yes: bool,
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: CopyArgs<'_>, out: &mut Out) -> CliResult<Outcome> {
    if let (Ok(a), Ok(b)) = (
        std::fs::canonicalize(args.from),
        std::fs::canonicalize(args.to),
    ) {
        if a == b {
            return Err(CliError::new(format!(
                "{} and {} are the same draft: copy answers from one draft into another",
                args.from.display(),
                args.to.display()
            )));
        }
    }
    let from = open_read_only(args.from)?;
    let sections = section_names(args.sections, from.template());
    let output = if args.yes {
        let mut to = open(args.to)?;
        let mut bar = None;
        let terminal = std::io::stderr().is_terminal();
        let mut progress = |done: u64, total: u64| {
            if bar.is_none() && terminal && total >= PROGRESS_FROM_BYTES {
                bar = Some(byte_progress_bar("Copying evidence"));
            }
            if let Some(bar) = &bar {
                bar.set_length(total);
                bar.set_position(done);
            }
        };
        let done = scal_app::ops::copy(&mut to, &from, &sections, &ctx.author, &mut progress);
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        let done = done.map_err(super::app)?;
        CopyOutput::new(
            &args,
            &done.plan,
            true,
            done.snapshot.as_ref(),
            done.evidence_copied,
        )
    } else {
        let to = open_read_only(args.to)?;
        let plan = scal_app::ops::plan_copy(&to, &from, &sections).map_err(super::app)?;
        CopyOutput::new(&args, &plan, false, None, 0)
    };
    if args.json {
        out.json(&output)?;
    } else {
        render(&args, &output, out);
    }
    Ok(Outcome::Success)
}

/// The sections named by `--sections`: each argument split at commas, where a run of pieces
/// that together make a section's title ("IG, Security & Clinical Safety") is kept whole.
fn section_names(given: &[String], template: &scal_core::Template) -> Vec<String> {
    let names = |name: &str| scal_app::names::section(template, name).is_some();
    let mut out = Vec::new();
    for arg in given {
        let parts: Vec<&str> = arg.split(',').collect();
        let mut i = 0;
        while i < parts.len() {
            // The longest run from here that names a section, else the single piece.
            let end = (i + 1..=parts.len())
                .rev()
                .find(|&j| names(parts[i..j].join(",").trim()))
                .unwrap_or(i + 1);
            let name = parts[i..end].join(",").trim().to_string();
            if !name.is_empty() {
                out.push(name);
            }
            i = end;
        }
    }
    out
}

fn render(args: &CopyArgs<'_>, o: &CopyOutput, out: &mut Out) {
    out.line(format!(
        "Copy answers from {} ({} {}) into {} ({} {})",
        o.from.draft,
        o.from.template.title,
        o.from.template.version,
        o.to.draft,
        o.to.template.title,
        o.to.template.version
    ));
    let sections: Vec<String> = o
        .sections
        .iter()
        .map(|s| {
            if s.from == s.to {
                format!("{} ({})", s.title, s.to)
            } else {
                format!("{} ({} -> {})", s.title, s.from, s.to)
            }
        })
        .collect();
    out.line(format!("Sections: {}", sections.join(", ")));
    out.blank();
    let verb = if o.applied { "Changed" } else { "Would change" };
    if o.changes.is_empty() {
        out.line(format!(
            "Nothing to copy: {} already holds what {} holds in these sections.",
            o.to.draft, o.from.draft
        ));
    } else {
        out.line(format!(
            "{verb} {} {}:",
            o.changes.len(),
            if o.changes.len() == 1 {
                "item"
            } else {
                "items"
            }
        ));
        let mut table = Table::new(&[
            ("ITEM", Align::Left),
            ("LABEL", Align::Left),
            ("ANSWER", Align::Left),
            ("COMMENT", Align::Left),
            ("EVIDENCE", Align::Left),
        ])
        .indent(2);
        let shown = |v: &Option<ValueDto>| {
            v.as_ref()
                .map(|v| clip(&v.display(), 25))
                .unwrap_or_else(|| "-".to_string())
        };
        let text = |s: &str| {
            if s.is_empty() {
                "-".to_string()
            } else {
                clip(s, 25)
            }
        };
        for c in &o.changes {
            table.row(vec![
                if c.from_item == c.to_item {
                    c.to_item.clone()
                } else {
                    format!("{} -> {}", c.from_item, c.to_item)
                },
                clip(&c.label, 35),
                c.value
                    .as_ref()
                    .map(|v| format!("{} -> {}", shown(&v.before), clip(&v.after.display(), 25)))
                    .unwrap_or_else(|| "(unchanged)".to_string()),
                c.comment
                    .as_ref()
                    .map(|v| format!("{} -> {}", text(&v.before), text(&v.after)))
                    .unwrap_or_else(|| "(unchanged)".to_string()),
                if c.evidence.is_empty() {
                    "-".to_string()
                } else {
                    let names: Vec<&str> =
                        c.evidence.iter().map(|e| e.file_name.as_str()).collect();
                    format!("+ {}", clip(&names.join(", "), 40))
                },
            ]);
        }
        out.table(&table);
    }
    if !o.unchanged.is_empty() {
        out.line(format!(
            "Already the same in {}: {}.",
            o.to.draft,
            plural(o.unchanged.len(), "item", "items")
        ));
    }
    if !o.not_copied.is_empty() {
        out.blank();
        out.line(format!(
            "Not copied ({}), the target item does not accept the value:",
            o.not_copied.len()
        ));
        for n in &o.not_copied {
            out.line(format!("  {} \"{}\": {}", n.to_item, n.label, n.reason));
        }
    }
    if !o.unmatched.is_empty() {
        out.blank();
        out.line(format!(
            "No counterpart in {} ({}), left as they are:",
            o.to.draft,
            o.unmatched.len()
        ));
        for u in &o.unmatched {
            out.line(format!("  {} \"{}\"", u.id, u.label));
        }
    }
    out.blank();
    match (&o.snapshot, o.applied) {
        (Some(s), true) => out.line(format!(
            "Snapshot {} was taken before the copy: `scal restore {} {}` undoes it.",
            s.id, o.to.draft, s.id
        )),
        (None, true) => out.line("Nothing was changed."),
        (_, false) => {
            let sections = if args.sections.is_empty() {
                String::new()
            } else {
                format!(" --sections {}", args.sections.join(","))
            };
            out.line(format!(
                "Preview only: nothing changed. To apply: scal copy-answers {} {}{sections} --yes",
                args.from.display(),
                args.to.display()
            ));
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

// ---------------------------------------------------------------------------------------------
// JSON (schemas/cli-copy.schema.json)

#[derive(Debug, Serialize)]
pub struct CopyOutput {
    pub from: DraftSideDto,
    pub to: DraftSideDto,
    /// False for a preview (no `--yes`): nothing was changed.
    pub applied: bool,
    pub sections: Vec<SectionPairDto>,
    pub changes: Vec<CopyChangeDto>,
    pub unchanged: Vec<ItemPairDto>,
    pub not_copied: Vec<NotCopiedDto>,
    pub unmatched: Vec<UnmatchedDto>,
    /// The snapshot of TO taken before the copy; null for a preview or when nothing changed.
    pub snapshot: Option<SnapshotDto>,
    pub evidence_copied: usize,
}

impl CopyOutput {
    fn new(
        args: &CopyArgs<'_>,
        plan: &CopyPlan,
        applied: bool,
        snapshot: Option<&scal_store::SnapshotInfo>,
        evidence_copied: usize,
    ) -> CopyOutput {
        CopyOutput {
            from: DraftSideDto {
                draft: args.from.display().to_string(),
                template: TemplateDto::from(&plan.from),
            },
            to: DraftSideDto {
                draft: args.to.display().to_string(),
                template: TemplateDto::from(&plan.to),
            },
            applied,
            sections: plan
                .sections
                .iter()
                .map(|(f, t)| SectionPairDto {
                    from: f.id.clone(),
                    to: t.id.clone(),
                    title: t.title.clone(),
                })
                .collect(),
            changes: plan.changes.iter().map(CopyChangeDto::from).collect(),
            unchanged: plan
                .unchanged
                .iter()
                .map(|(f, t)| ItemPairDto {
                    from_item: f.id.clone(),
                    to_item: t.id.clone(),
                })
                .collect(),
            not_copied: plan
                .not_copied
                .iter()
                .map(|n| NotCopiedDto {
                    from_item: n.from.id.clone(),
                    to_item: n.to.id.clone(),
                    label: n.to.label.clone(),
                    reason: n.reason.clone(),
                })
                .collect(),
            unmatched: plan.unmatched.iter().map(UnmatchedDto::from).collect(),
            snapshot: snapshot.map(SnapshotDto::from),
            evidence_copied,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct DraftSideDto {
    pub draft: String,
    pub template: TemplateDto,
}

#[derive(Debug, Serialize)]
pub struct SectionPairDto {
    pub from: String,
    pub to: String,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub struct ItemPairDto {
    pub from_item: String,
    pub to_item: String,
}

#[derive(Debug, Serialize)]
pub struct NotCopiedDto {
    pub from_item: String,
    pub to_item: String,
    pub label: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct UnmatchedDto {
    pub id: String,
    pub label: String,
    pub section: String,
}

impl From<&ItemRef> for UnmatchedDto {
    fn from(i: &ItemRef) -> Self {
        UnmatchedDto {
            id: i.id.clone(),
            label: i.label.clone(),
            section: i.section.clone(),
        }
    }
}
