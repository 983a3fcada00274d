//! `scal show DRAFT [--json]`: everything in a draft, item by item, with progress.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use scal_core::template::ItemKind;
use scal_store::EvidenceLink;

use super::{open_read_only, store, Ctx};
use crate::dto::{
    DraftDto, EvidenceDto, ItemDto, ProgressDto, SectionDto, ShowOutput, TemplateRef,
};
use crate::error::CliResult;
use crate::output::{bar, clip, percent, Align, Out, Table};
use crate::Outcome;

pub fn run(ctx: &Ctx, path: &Path, json: bool, out: &mut Out) -> CliResult<Outcome> {
    let draft = open_read_only(path)?;
    let s = scal_app::summary::read(&draft, ctx.today).map_err(super::app)?;
    let links = &s.evidence;
    let template = draft.template();
    let report = &s.report;
    let mut by_item: HashMap<&str, Vec<&EvidenceLink>> = HashMap::new();
    for link in links {
        by_item.entry(link.item.as_str()).or_default().push(link);
    }

    let sections: Vec<SectionDto> = template
        .sections
        .iter()
        .map(|section| {
            let items = section
                .items
                .iter()
                .map(|item| {
                    let answer = s.answers.get(&item.id);
                    ItemDto::new(
                        item,
                        // As `check` judged it: `show` never asks what `check` does not.
                        s.asked(&item.id),
                        answer.and_then(|a| a.value.as_ref()),
                        answer.map(|a| a.comment.as_str()).unwrap_or_default(),
                        by_item
                            .get(item.id.as_str())
                            .map(|l| l.iter().map(|l| EvidenceDto::from(*l)).collect())
                            .unwrap_or_default(),
                    )
                })
                .collect();
            SectionDto::new(
                section,
                s.section_status
                    .get(&section.id)
                    .map(|st| st.status.clone()),
                items,
            )
        })
        .collect();

    let output = ShowOutput {
        draft: DraftDto {
            id: draft.draft_id().to_string(),
            path: path.display().to_string(),
            created_at: draft.created_at().to_string(),
            template_id: template.id.clone(),
            template_version: template.version.clone(),
        },
        template: TemplateRef::from(template),
        progress: ProgressDto::from(&report.progress),
        sections,
    };
    if json {
        out.json(&output)?;
    } else {
        render(&output, report, template, out);
        review_lines(&draft, &s, path, out)?;
    }
    Ok(Outcome::Success)
}

/// What a reviewer looks at besides the answers: the sign-off, open review threads, and what
/// changed since the last export.
fn review_lines(
    draft: &scal_store::Draft,
    s: &scal_app::Summary,
    path: &Path,
    out: &mut Out,
) -> CliResult<()> {
    let d = path.display();
    match draft.signoff_given(&s.answers).map_err(store)? {
        Some(s) => out.line(format!(
            "Sign-off  {} ({}), {}{}",
            s.signoff.name,
            s.signoff.role,
            s.signoff.signed_on.format("%Y-%m-%d"),
            if s.stale {
                ": STALE, answers changed since; sign off again with `scal sign-off`"
            } else {
                ""
            }
        )),
        None => out.line("Sign-off  none yet (scal sign-off DRAFT --name NAME --role ROLE)"),
    }
    let open = draft.open_review_threads().map_err(store)?;
    if open > 0 {
        out.line(format!(
            "Review    {open} open review {}: scal reviews {d} --open",
            if open == 1 { "thread" } else { "threads" }
        ));
    }
    if s.changed.exported {
        let changed = &s.changed.items;
        if !changed.is_empty() {
            out.line(format!(
                "Changed   {} {} since the last export: scal diff {d} --from {}",
                changed.len(),
                if changed.len() == 1 { "item" } else { "items" },
                draft
                    .latest_export_snapshot()
                    .map_err(store)?
                    .map(|s| s.id.to_string())
                    .unwrap_or_else(|| "latest".to_string())
            ));
        }
    }
    Ok(())
}

fn render(
    show: &ShowOutput,
    report: &scal_core::Report,
    template: &scal_core::Template,
    out: &mut Out,
) {
    let blocking = report
        .issues
        .iter()
        .filter(|i| i.severity == scal_core::Severity::Blocking)
        .count();
    let t = &show.template;
    out.line(format!("Draft     {}", show.draft.path));
    out.line(format!(
        "Template  {} {} ({}), id {}",
        t.title, t.version, t.publisher, t.id
    ));
    out.line(format!("Created   {}", show.draft.created_at));
    out.line(format!(
        "Progress  {}  {:>4}  {} of {} answered, {} blocking {}",
        bar(show.progress.percent, 20),
        percent(show.progress.percent),
        show.progress.answered,
        show.progress.total,
        blocking,
        if blocking == 1 { "issue" } else { "issues" }
    ));
    let progress: BTreeMap<&str, &crate::dto::SectionProgressDto> = show
        .progress
        .sections
        .iter()
        .map(|s| (s.section.as_str(), s))
        .collect();

    for (section, dto) in template.sections.iter().zip(&show.sections) {
        out.blank();
        let mut head = format!("{} ({})", dto.title, dto.id);
        if let Some(status) = &dto.status {
            head.push_str(&format!("  [{status}]"));
        }
        if let Some(p) = progress.get(section.id.as_str()) {
            head.push_str(&format!(
                "  {}/{} answered  {}",
                p.answered,
                p.total,
                percent(p.percent)
            ));
        }
        out.line(head);
        let mut table = Table::new(&[
            ("ITEM", Align::Left),
            ("QUESTION", Align::Left),
            ("ANSWER", Align::Left),
            ("NOTES", Align::Left),
        ])
        .indent(2);
        let mut hidden = 0;
        for (item, shown) in section.items.iter().zip(&dto.items) {
            if !shown.visible {
                hidden += 1;
                continue;
            }
            // Plain guidance has nothing to answer; it is read in the app or the template.
            if matches!(
                item.kind,
                ItemKind::Guidance {
                    acknowledge: false,
                    ..
                }
            ) {
                continue;
            }
            let mut question = String::new();
            if let Some(r) = item.requirement() {
                question.push_str(&format!("[{}] ", r.level.as_str()));
                if let Some(reference) = &r.reference {
                    question.push_str(reference);
                    question.push(' ');
                }
            }
            question.push_str(&item.label);
            let answer = match (&shown.value, matches!(item.kind, ItemKind::EvidenceSlot)) {
                (_, true) if !shown.evidence.is_empty() => "attached".to_string(),
                (_, true) => "—".to_string(),
                (Some(v), false) => v.display(),
                (None, false) => "—".to_string(),
            };
            let mut notes = Vec::new();
            if !shown.evidence.is_empty() {
                let names: Vec<&str> = shown
                    .evidence
                    .iter()
                    .map(|e| e.file_name.as_str())
                    .collect();
                notes.push(format!("evidence: {}", clip(&names.join(", "), 40)));
            }
            if !shown.comment.is_empty() {
                notes.push(format!("comment: {}", clip(&shown.comment, 50)));
            }
            let id = if item.required {
                format!("{} *", item.id)
            } else {
                item.id.clone()
            };
            table.row(vec![
                id,
                clip(&question, 50),
                clip(&answer, 40),
                notes.join("; "),
            ]);
        }
        if !table.is_empty() {
            out.table(&table);
        } else if hidden == 0 {
            out.line("  (nothing to answer here)");
        }
        if hidden > 0 && hidden == section.items.len() {
            out.line("  (this section is not asked, given earlier answers)");
        } else if hidden > 0 {
            out.line(format!(
                "  ({hidden} follow-up {} hidden by earlier answers)",
                if hidden == 1 { "item" } else { "items" }
            ));
        }
    }
    out.blank();
    out.line("* required.  Set an answer: scal answer DRAFT ITEM VALUE   What is missing: scal check DRAFT");
}
