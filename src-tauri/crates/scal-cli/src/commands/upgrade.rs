//! `scal upgrade DRAFT --to TEMPLATE [--workbook FILE] [--dry-run] [--json]` and
//! `scal confirm DRAFT [ITEM]`.
//!
//! The JSON printed here is described by schemas/cli-upgrade.schema.json; its transport types
//! live at the end of this module (they describe nothing else).

use std::path::Path;

use scal_app::upgrade::Lines;
use scal_core::upgrade::{Added, Carry, ItemRef, Removed, TemplateRef, UpgradePlan};
use serde::Serialize;

use super::{item_or_section, open, open_read_only, store, Ctx};
use crate::dto::{SnapshotDto, UpgradeSummaryDto, ValueDto};
use crate::error::CliResult;
use crate::output::{clip, Align, Out, Table};
use crate::Outcome;

pub struct UpgradeArgs<'a> {
    pub draft: &'a Path,
    pub to: &'a str,
    pub workbook: Option<&'a Path>,
    pub dry_run: bool,
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: UpgradeArgs<'_>, out: &mut Out) -> CliResult<Outcome> {
    let text = scal_app::source::resolve(args.to).map_err(super::app)?;
    let (json_text, source) = (text.json, text.described);
    let (workbook, carried) = upgrade_workbook(&json_text, args.to, args.workbook, args.draft)?;
    let imported_from = imported_workbook_name(&json_text).filter(|_| !carried);

    if args.dry_run {
        let draft = open_read_only(args.draft)?;
        let plan = scal_app::ops::plan_upgrade(&draft, &json_text, workbook.is_some())
            .map_err(super::app)?;
        let report = UpgradeOutput::new(
            args.draft,
            true,
            &plan,
            None,
            None,
            &[],
            workbook_ref(&workbook),
        );
        if args.json {
            out.json(&report)?;
        } else {
            render(&report, &plan, out);
            workbook_note(imported_from.as_deref(), workbook.is_some(), out);
            out.line(format!(
                "Dry run: nothing changed. To apply: scal upgrade {} --to {}{}",
                args.draft.display(),
                args.to,
                args.workbook
                    .map(|w| format!(" --workbook {}", w.display()))
                    .unwrap_or_default()
            ));
        }
        return Ok(Outcome::Success);
    }

    let mut draft = open(args.draft)?;
    let new_workbook = workbook
        .as_ref()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()));
    let done = scal_app::ops::upgrade(&mut draft, &json_text, new_workbook, &ctx.author)
        .map_err(super::app)?;
    let snapshot = SnapshotDto::from(&done.snapshot);
    let report = UpgradeOutput::new(
        args.draft,
        false,
        &done.plan,
        Some(done.template_rev),
        Some(snapshot),
        &done.archived,
        workbook_ref(&workbook),
    );
    if args.json {
        out.json(&report)?;
    } else {
        render(&report, &done.plan, out);
        workbook_note(imported_from.as_deref(), workbook.is_some(), out);
        out.line(format!(
            "Upgraded {} to {} {} ({source}); template revision {}.",
            args.draft.display(),
            done.plan.to.title,
            done.plan.to.version,
            done.template_rev
        ));
        out.line(format!(
            "Snapshot {} was taken before the upgrade: `scal restore {} {}` undoes it.",
            done.snapshot.id,
            args.draft.display(),
            done.snapshot.id
        ));
        if report.summary.reconfirm > 0 {
            out.line(format!(
                "Next: check each answer marked re-confirm, then `scal confirm {} ITEM`.",
                args.draft.display()
            ));
        }
        if report.summary.archived > 0 {
            out.line(format!(
                "Archived answers: `scal archived {}`; put one back with `scal restore-archived {} ID --to ITEM`.",
                args.draft.display(),
                args.draft.display()
            ));
        }
    }
    Ok(Outcome::Success)
}

/// `scal confirm DRAFT ITEM`, or with no ITEM the list of answers waiting for it.
pub fn confirm(ctx: &Ctx, path: &Path, item: Option<&str>, out: &mut Out) -> CliResult<Outcome> {
    let Some(item) = item else {
        let draft = open_read_only(path)?;
        let pending = draft.reconfirmations().map_err(store)?;
        if pending.is_empty() {
            out.line(format!(
                "{} has no carried answer waiting to be re-confirmed.",
                path.display()
            ));
            return Ok(Outcome::Success);
        }
        out.line(format!(
            "{} carried {} waiting to be re-confirmed against the new wording:",
            path.display(),
            plural(pending.len(), "answer", "answers")
        ));
        for r in &pending {
            out.blank();
            out.line(format!("  {}", r.item));
            if r.old_text == r.new_text {
                out.line(format!("    {}", clip(&r.new_text, 100)));
                out.line("    (same wording: the responses it accepts changed)");
            } else {
                out.line(format!("    was: {}", clip(&r.old_text, 100)));
                out.line(format!("    now: {}", clip(&r.new_text, 100)));
            }
        }
        out.blank();
        out.line(format!(
            "When an answer still holds: scal confirm {} ITEM",
            path.display()
        ));
        return Ok(Outcome::Success);
    };
    let mut draft = open(path)?;
    let item = &item_or_section(draft.template(), item)?;
    scal_app::ops::confirm(&mut draft, item, &ctx.author).map_err(super::app)?;
    let label = draft
        .template()
        .item(item.trim())
        .map(|(_, i)| i.label.clone())
        .unwrap_or_default();
    let left = draft.reconfirmations().map_err(store)?.len();
    out.line(format!(
        "Confirmed {} \"{label}\": its answer stands under the new wording. {} to re-confirm.",
        item.trim(),
        if left == 0 {
            "Nothing else".to_string()
        } else {
            plural(left, "answer", "answers") + " left"
        }
    ));
    Ok(Outcome::Success)
}

/// A template imported from a workbook is best kept with that workbook (exports fill it in
/// place); say so when it was not given.
fn workbook_note(imported_from: Option<&str>, given: bool, out: &mut Out) {
    if let (Some(name), false) = (imported_from, given) {
        out.line(format!(
            "The template was imported from {name}: add --workbook PATH to keep the workbook with the draft."
        ));
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A workbook read from disk: its file name and bytes.
type NamedWorkbook = (String, Vec<u8>);

/// The workbook to keep with the new template revision, and whether the draft already holds
/// it (`scal_app::source::workbook_for_upgrade`).
fn upgrade_workbook(
    json: &str,
    to: &str,
    given: Option<&Path>,
    draft: &Path,
) -> CliResult<(Option<NamedWorkbook>, bool)> {
    let draft = open_read_only(draft)?;
    scal_app::source::workbook_for_upgrade(&draft, json, to, given).map_err(super::app)
}

/// The workbook a template says it was imported from (its `source`), to remind the user to
/// keep it with the draft: the file name where `source` gives one.
fn imported_workbook_name(json: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let source = value.get("source")?;
    Some(
        ["workbook", "file_name", "file"]
            .iter()
            .find_map(|k| source.get(*k)?.as_str().map(str::to_string))
            .unwrap_or_else(|| "an NHS workbook".to_string()),
    )
}

fn workbook_ref(workbook: &Option<(String, Vec<u8>)>) -> Option<WorkbookDto> {
    workbook.as_ref().map(|(name, bytes)| WorkbookDto {
        file_name: name.clone(),
        size: bytes.len() as u64,
    })
}

fn render(report: &UpgradeOutput, plan: &UpgradePlan, out: &mut Out) {
    out.line(format!(
        "Upgrade of {}: {} {} -> {} {}{}",
        report.draft,
        plan.from.title,
        plan.from.version,
        plan.to.title,
        plan.to.version,
        if report.dry_run { " (dry run)" } else { "" }
    ));
    // The groups, their order and titles are the layer's: the app's upgrade dialog reads alike.
    for (group, lines) in scal_app::upgrade::groups(plan) {
        out.blank();
        out.line(format!("{} ({})", group.title, lines.len()));
        if lines.is_empty() {
            out.line("  (none)");
            continue;
        }
        let mut table = Table::new(&[
            ("ITEM", Align::Left),
            ("LABEL", Align::Left),
            ("HOLDS", Align::Left),
            ("WHY", Align::Left),
        ])
        .indent(2);
        match lines {
            Lines::Carried(list) => list.iter().for_each(|c| table.row(carry_row(c))),
            Lines::Removed(list) => list.iter().for_each(|r| table.row(removed_row(r))),
            Lines::New(list) => list.iter().for_each(|a| table.row(added_row(a))),
        }
        out.table(&table);
    }
    for r in &report.sections_renamed {
        out.blank();
        out.line(format!(
            "Section {} is now {} (same title): its status and review comments move with it.",
            r.from, r.to
        ));
    }
    out.blank();
    let s = &report.summary;
    out.line(format!(
        "{} carried ({} to re-confirm), {} archived, {} new {}.",
        plural(s.carried, "answer", "answers"),
        s.reconfirm,
        s.archived,
        s.new,
        if s.new == 1 { "item" } else { "items" },
    ));
}

fn item_cell(from: &ItemRef, to: &ItemRef) -> String {
    if from.id == to.id {
        from.id.clone()
    } else {
        format!("{} -> {}", from.id, to.id)
    }
}

fn holds(value: Option<&scal_core::Value>, comment: &str, files: usize) -> String {
    let mut parts = Vec::new();
    if let Some(v) = value {
        parts.push(clip(&v.display(), 30));
    }
    if !comment.trim().is_empty() {
        parts.push("comment".to_string());
    }
    if files > 0 {
        parts.push(plural(files, "file", "files"));
    }
    if parts.is_empty() {
        "-".to_string()
    } else {
        parts.join(", ")
    }
}

fn carry_row(c: &Carry) -> Vec<String> {
    let value = c.answer.as_ref().and_then(|a| a.value.as_ref());
    let comment = c.answer.as_ref().map(|a| a.comment.as_str()).unwrap_or("");
    let mut why = c.reason.clone();
    if c.reconfirm {
        why.push_str(" [re-confirm]");
    }
    vec![
        item_cell(&c.from, &c.to),
        clip(&c.to.label, 40),
        holds(value, comment, c.evidence.len()),
        why,
    ]
}

fn removed_row(r: &Removed) -> Vec<String> {
    let value = r.answer.as_ref().and_then(|a| a.value.as_ref());
    let comment = r.answer.as_ref().map(|a| a.comment.as_str()).unwrap_or("");
    vec![
        r.item.id.clone(),
        clip(&r.item.label, 40),
        holds(value, comment, r.evidence.len()),
        r.reason.clone(),
    ]
}

fn added_row(a: &Added) -> Vec<String> {
    vec![
        a.item.id.clone(),
        clip(&a.item.label, 40),
        "-".to_string(),
        a.reason.clone(),
    ]
}

// ---------------------------------------------------------------------------------------------
// JSON (schemas/cli-upgrade.schema.json)

#[derive(Debug, Serialize)]
pub struct UpgradeOutput {
    pub draft: String,
    pub dry_run: bool,
    pub from: TemplateDto,
    pub to: TemplateDto,
    /// The template revision now in force; null for a dry run.
    pub template_rev: Option<i64>,
    pub workbook: Option<WorkbookDto>,
    pub groups: GroupsDto,
    /// Sections whose id changed but not their title: status and review comments follow.
    pub sections_renamed: Vec<SectionRenameDto>,
    pub summary: UpgradeSummaryDto,
    /// The snapshot taken before the upgrade; null for a dry run.
    pub snapshot: Option<SnapshotDto>,
    /// Ids of the archived answers the upgrade made (what `scal restore-archived` takes).
    pub archived_ids: Vec<i64>,
}

impl UpgradeOutput {
    fn new(
        draft: &Path,
        dry_run: bool,
        plan: &UpgradePlan,
        template_rev: Option<i64>,
        snapshot: Option<SnapshotDto>,
        archived_ids: &[i64],
        workbook: Option<WorkbookDto>,
    ) -> UpgradeOutput {
        let carries = |group: &[Carry]| group.iter().map(CarryDto::from).collect();
        UpgradeOutput {
            draft: draft.display().to_string(),
            dry_run,
            from: TemplateDto::from(&plan.from),
            to: TemplateDto::from(&plan.to),
            template_rev,
            workbook,
            groups: GroupsDto {
                carried: carries(&plan.carried),
                carried_reworded: carries(&plan.carried_reworded),
                matched_by_text: carries(&plan.matched_by_text),
                matched_by_similarity: carries(&plan.matched_by_similarity),
                no_longer_fits: carries(&plan.no_longer_fits),
                removed: plan.removed.iter().map(RemovedDto::from).collect(),
                new: plan.new.iter().map(AddedDto::from).collect(),
            },
            sections_renamed: plan
                .sections_renamed
                .iter()
                .map(|(from, to)| SectionRenameDto {
                    from: from.clone(),
                    to: to.clone(),
                })
                .collect(),
            summary: UpgradeSummaryDto::from(plan),
            snapshot,
            archived_ids: archived_ids.to_vec(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TemplateDto {
    pub id: String,
    pub version: String,
    pub title: String,
}

impl From<&TemplateRef> for TemplateDto {
    fn from(t: &TemplateRef) -> Self {
        TemplateDto {
            id: t.id.clone(),
            version: t.version.clone(),
            title: t.title.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct WorkbookDto {
    pub file_name: String,
    pub size: u64,
}

#[derive(Debug, Serialize)]
pub struct GroupsDto {
    pub carried: Vec<CarryDto>,
    pub carried_reworded: Vec<CarryDto>,
    pub matched_by_text: Vec<CarryDto>,
    pub matched_by_similarity: Vec<CarryDto>,
    pub no_longer_fits: Vec<CarryDto>,
    pub removed: Vec<RemovedDto>,
    pub new: Vec<AddedDto>,
}

#[derive(Debug, Serialize)]
pub struct SectionRenameDto {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct ItemRefDto {
    pub id: String,
    pub label: String,
    pub reference: Option<String>,
    pub section: String,
    pub section_title: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl From<&ItemRef> for ItemRefDto {
    fn from(i: &ItemRef) -> Self {
        ItemRefDto {
            id: i.id.clone(),
            label: i.label.clone(),
            reference: i.reference.clone(),
            section: i.section.clone(),
            section_title: i.section_title.clone(),
            kind: i.kind,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct CarryDto {
    pub from: ItemRefDto,
    pub to: ItemRefDto,
    pub by: &'static str,
    pub similarity: f64,
    pub reason: String,
    pub value_before: Option<ValueDto>,
    pub value_after: Option<ValueDto>,
    pub comment: String,
    pub evidence: Vec<String>,
    pub unfit: Option<String>,
    pub reconfirm: bool,
}

impl From<&Carry> for CarryDto {
    fn from(c: &Carry) -> Self {
        CarryDto {
            from: ItemRefDto::from(&c.from),
            to: ItemRefDto::from(&c.to),
            by: c.by.as_str(),
            similarity: if c.similarity.is_finite() {
                c.similarity
            } else {
                0.0
            },
            reason: c.reason.clone(),
            value_before: c
                .answer
                .as_ref()
                .and_then(|a| a.value.as_ref())
                .map(ValueDto::from),
            value_after: c.value.as_ref().map(ValueDto::from),
            comment: c
                .answer
                .as_ref()
                .map(|a| a.comment.clone())
                .unwrap_or_default(),
            evidence: c.evidence.iter().map(|e| e.file_name.clone()).collect(),
            unfit: c.unfit.clone(),
            reconfirm: c.reconfirm,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct RemovedDto {
    pub item: ItemRefDto,
    pub text: String,
    pub value: Option<ValueDto>,
    pub comment: String,
    pub evidence: Vec<String>,
    pub archived: bool,
    pub reason: String,
}

impl From<&Removed> for RemovedDto {
    fn from(r: &Removed) -> Self {
        RemovedDto {
            item: ItemRefDto::from(&r.item),
            text: r.text.clone(),
            value: r
                .answer
                .as_ref()
                .and_then(|a| a.value.as_ref())
                .map(ValueDto::from),
            comment: r
                .answer
                .as_ref()
                .map(|a| a.comment.clone())
                .unwrap_or_default(),
            evidence: r.evidence.iter().map(|e| e.file_name.clone()).collect(),
            archived: r.archived(),
            reason: r.reason.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct AddedDto {
    pub item: ItemRefDto,
    pub required: bool,
    pub reason: String,
}

impl From<&Added> for AddedDto {
    fn from(a: &Added) -> Self {
        AddedDto {
            item: ItemRefDto::from(&a.item),
            required: a.required,
            reason: a.reason.clone(),
        }
    }
}
