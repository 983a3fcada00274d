//! `scal check DRAFT [--json]`: the completeness report. Exit 0 complete, 1 not.

use std::path::Path;

use scal_core::{Profile, Report, Severity};

use super::{open_read_only, Ctx};
use crate::dto::CheckOutput;
use crate::error::{CliError, CliResult};
use crate::output::{bar, percent, Align, Out, Table};
use crate::Outcome;

pub fn run(ctx: &Ctx, path: &Path, route: &str, json: bool, out: &mut Out) -> CliResult<Outcome> {
    let profile = profile(route)?;
    let draft = open_read_only(path)?;
    let s = scal_app::summary::read_for(&draft, ctx.today, profile).map_err(super::app)?;
    let report = &s.report;
    if json {
        out.json(&CheckOutput::from(report))?;
    } else {
        // A section none of whose items is shown (a service the product does not use) is not
        // asked: say so rather than show an empty section as 100% done.
        let asked = scal_app::summary::asked_sections(draft.template(), &s);
        render(path, ctx, report, &asked, out);
    }
    Ok(if report.complete {
        Outcome::Success
    } else {
        Outcome::Incomplete
    })
}

/// The profile `--for` names, by its serde name.
fn profile(route: &str) -> CliResult<Profile> {
    serde_json::from_value(serde_json::Value::String(route.trim().to_ascii_lowercase())).map_err(
        |_| {
            CliError::new(format!(
                "--for \"{route}\" is not a submission route: use workbook (the xlsx NHS England assesses) or dos (the Digital Onboarding Service)"
            ))
        },
    )
}

fn render(path: &Path, ctx: &Ctx, report: &Report, asked: &[bool], out: &mut Out) {
    out.line(format!(
        "Checked {} as of {}",
        path.display(),
        ctx.today.format("%Y-%m-%d")
    ));
    out.blank();
    let mut table = Table::new(&[
        ("SECTION", Align::Left),
        ("ANSWERED", Align::Right),
        ("PROGRESS", Align::Left),
        ("", Align::Right),
        ("BLOCKING", Align::Right),
        ("WARNINGS", Align::Right),
    ]);
    for (i, s) in report.progress.sections.iter().enumerate() {
        if !asked.get(i).copied().unwrap_or(true) {
            table.row(vec![
                s.title.clone(),
                "-".to_string(),
                "not asked for this product".to_string(),
                String::new(),
                s.blocking.to_string(),
                s.warnings.to_string(),
            ]);
            continue;
        }
        table.row(vec![
            s.title.clone(),
            format!("{}/{}", s.answered, s.total),
            bar(s.percent, 20),
            percent(s.percent),
            s.blocking.to_string(),
            s.warnings.to_string(),
        ]);
    }
    let p = &report.progress;
    let count = |severity| {
        report
            .issues
            .iter()
            .filter(|i| i.severity == severity)
            .count()
    };
    let (blocking, warnings) = (count(Severity::Blocking), count(Severity::Warning));
    table.row(vec![
        "Overall".to_string(),
        format!("{}/{}", p.answered, p.total),
        bar(p.percent, 20),
        percent(p.percent),
        blocking.to_string(),
        warnings.to_string(),
    ]);
    out.table(&table);

    for (severity, heading) in [
        (Severity::Blocking, "Blocking"),
        (Severity::Warning, "Warnings"),
    ] {
        let issues: Vec<_> = report
            .issues
            .iter()
            .filter(|i| i.severity == severity)
            .collect();
        if issues.is_empty() {
            continue;
        }
        out.blank();
        out.line(format!("{heading} ({})", issues.len()));
        let mut table = Table::new(&[
            ("ITEM", Align::Left),
            ("RULE", Align::Left),
            ("MESSAGE", Align::Left),
        ])
        .indent(2);
        for issue in issues {
            let item = if issue.item.is_empty() {
                format!("[{}]", issue.section)
            } else {
                issue.item.clone()
            };
            table.row(vec![
                item,
                issue.rule.to_string(),
                crate::error::one_line(&issue.message),
            ]);
        }
        out.table(&table);
    }

    out.blank();
    out.line(if report.complete {
        match warnings {
            0 => "Complete: nothing blocks submission.".to_string(),
            n => format!(
                "Complete: nothing blocks submission ({n} {} to review).",
                plural(n, "warning")
            ),
        }
    } else {
        format!(
            "Incomplete: {blocking} blocking {}, {warnings} {}.",
            plural(blocking, "issue"),
            plural(warnings, "warning")
        )
    });
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}
