//! The draft's template over time: upgrade reports (dry run and applied), archived answers,
//! re-confirmations, and copying answers from another draft, as DTOs. The plans come from
//! `scal_core::upgrade` through the store; nothing is decided here.

use std::path::Path;

use scal_core::upgrade::{Carry, CopyPlan, ItemRef, UpgradePlan};
use scal_core::{Answer, Template};
use scal_store::{Draft, Reconfirmation};

use crate::dto::*;
use crate::error::CmdResult;

/// How many characters of a comment an upgrade report shows.
const COMMENT_PREVIEW: usize = 80;

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn value_text(v: &scal_core::Value) -> String {
    match v {
        scal_core::Value::One(s) => s.clone(),
        scal_core::Value::Many(list) => list.join("; "),
    }
}

/// What an item holds, in a few words: "No · “Phone fallback until…” · 1 file".
fn holds(answer: Option<&Answer>, files: usize) -> String {
    let mut parts = Vec::new();
    if let Some(a) = answer {
        if let Some(v) = &a.value {
            parts.push(value_text(v));
        }
        let c = a.comment.trim();
        if !c.is_empty() {
            let short: String = c.chars().take(COMMENT_PREVIEW).collect();
            let more = if c.chars().count() > COMMENT_PREVIEW {
                "…"
            } else {
                ""
            };
            parts.push(format!("“{short}{more}”"));
        }
    }
    match files {
        0 => {}
        1 => parts.push("1 file".to_string()),
        n => parts.push(format!("{n} files")),
    }
    parts.join(" · ")
}

fn carry_line(c: &Carry) -> UpgradeLineDto {
    UpgradeLineDto {
        from: Some(c.from.name()),
        to: Some(c.to.name()),
        section: c.to.section_title.clone(),
        reason: c.reason.clone(),
        holds: holds(c.answer.as_ref(), c.evidence.len()),
        reconfirm: c.reconfirm,
    }
}

/// The upgrade report, in the layer's groups, order and titles (as `scal upgrade` prints it).
pub fn report(p: &UpgradePlan, snapshot: Option<SnapshotEntry>) -> UpgradeReportDto {
    use scal_app::upgrade::Lines;
    let groups = scal_app::upgrade::groups(p)
        .map(|(g, lines)| UpgradeGroupDto {
            key: g.key.to_string(),
            title: g.title.to_string(),
            explanation: g.explanation.to_string(),
            lines: match lines {
                Lines::Carried(list) => list.iter().map(carry_line).collect(),
                Lines::Removed(list) => list
                    .iter()
                    .map(|r| UpgradeLineDto {
                        from: Some(r.item.name()),
                        to: None,
                        section: r.item.section_title.clone(),
                        reason: r.reason.clone(),
                        holds: holds(r.answer.as_ref(), r.evidence.len()),
                        reconfirm: false,
                    })
                    .collect(),
                Lines::New(list) => list
                    .iter()
                    .map(|a| UpgradeLineDto {
                        from: None,
                        to: Some(a.item.name()),
                        section: a.item.section_title.clone(),
                        reason: a.reason.clone(),
                        holds: String::new(),
                        reconfirm: false,
                    })
                    .collect(),
            },
        })
        .collect();
    UpgradeReportDto {
        from: format!("{} {}", p.from.title, p.from.version),
        to: format!("{} {}", p.to.title, p.to.version),
        groups,
        summary: UpgradeSummaryDto::from(p),
        snapshot,
    }
}

pub fn reconfirm_dto(r: &Reconfirmation) -> ReconfirmDto {
    ReconfirmDto {
        item: r.item.clone(),
        old_text: r.old_text.clone(),
        flagged_at: r.flagged_at.clone(),
    }
}

/// The target's sections that the source draft also has (same id, or the same title as the
/// planner compares titles), to pick from.
fn shared_sections(from: &Template, to: &Template) -> Vec<SectionChoice> {
    let norm = scal_core::upgrade::normalized_text;
    to.sections
        .iter()
        .filter(|t| {
            from.sections
                .iter()
                .any(|s| s.id == t.id || norm(&s.title) == norm(&t.title))
        })
        .map(|s| SectionChoice {
            id: s.id.clone(),
            title: s.title.clone(),
            shared: s.shared,
        })
        .collect()
}

fn item_label(i: &ItemRef) -> String {
    match &i.reference {
        Some(r) => format!("{r}: {}", i.label),
        None => i.label.clone(),
    }
}

pub fn copy_preview(from_path: &Path, from: &Draft, to: &Draft, plan: &CopyPlan) -> CopyPreviewDto {
    CopyPreviewDto {
        from_path: from_path.display().to_string(),
        from_title: format!("{} {}", from.template().title, from.template().version),
        sections: shared_sections(from.template(), to.template()),
        copied: plan.sections.iter().map(|(_, t)| t.id.clone()).collect(),
        lines: plan
            .changes
            .iter()
            .map(|c| CopyLineDto {
                change: CopyChangeDto::from(c),
                name: item_label(&c.to),
                section_title: c.to.section_title.clone(),
            })
            .collect(),
        unchanged: count(plan.unchanged.len()),
        not_copied: plan
            .not_copied
            .iter()
            .map(|n| format!("{} is not copied: {}", n.from.name(), n.reason))
            .chain(plan.unmatched.iter().map(|u| {
                format!(
                    "{} has no counterpart in this draft's sections, so it is not copied.",
                    u.name()
                )
            }))
            .collect(),
    }
}

/// The template a `TemplateSource` names, read and checked, or `None` when a dialog was
/// cancelled.
pub fn load_source<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    source: &TemplateSource,
    mapping: Option<scal_core::template::Mapping>,
) -> CmdResult<Option<crate::state::PendingTemplate>> {
    use crate::seam::{self, Dialog};
    Ok(Some(match source {
        TemplateSource::Bundled { id } => crate::state::PendingTemplate {
            json: scal_app::source::bundled(id)?.json.into_owned(),
            workbook: None,
        },
        TemplateSource::File => {
            let Some(file) = seam::ask(
                app,
                Dialog::OpenFile {
                    title: "Choose the template to upgrade to",
                    filter: Some(("SCAL template", &["json"])),
                },
            )?
            else {
                return Ok(None);
            };
            crate::state::PendingTemplate {
                json: scal_app::source::template_file(&file)?.json.into_owned(),
                workbook: None,
            }
        }
        TemplateSource::Workbook => {
            let Some(file) = seam::ask(
                app,
                Dialog::OpenFile {
                    title: "Choose the NHS workbook to upgrade to",
                    filter: Some(crate::import::WORKBOOK_FILTER),
                },
            )?
            else {
                return Ok(None);
            };
            // The open draft's mapping, when its workbook was read with one (as `--like`).
            let choices = ImportChoices {
                mapping: mapping.as_ref().map(MappingDto::from),
                ..ImportChoices::default()
            };
            crate::import::read_workbook(&file, &choices)?.0
        }
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failing test")]

    use super::*;

    /// The app's upgrade report has the groups `scal upgrade` prints, with the same titles, in
    /// the same order: both take them from the layer.
    #[test]
    fn the_upgrade_report_has_the_layers_groups_titles_and_order() {
        let dir = tempfile::tempdir().unwrap();
        let (_, json) = scal_app::sample::sample_template().unwrap();
        let text = scal_app::source::TemplateText {
            json: json.into(),
            title: String::new(),
            described: String::new(),
            workbook: None,
        };
        let draft = scal_app::open::create(&dir.path().join("d.scal"), &text, "Ada").unwrap();
        // The next version, same items: every group is still listed (most of them empty).
        let mut next: serde_json::Value = serde_json::from_str(json).unwrap();
        next["version"] = serde_json::Value::String("99.0.0".into());
        let plan = draft.plan_upgrade(&next.to_string()).unwrap();
        let shown: Vec<(String, String)> = report(&plan, None)
            .groups
            .into_iter()
            .map(|g| (g.key, g.title))
            .collect();
        let layer: Vec<(String, String)> = scal_app::upgrade::GROUPS
            .iter()
            .map(|g| (g.key.to_string(), g.title.to_string()))
            .collect();
        assert_eq!(shown, layer);
    }
}
