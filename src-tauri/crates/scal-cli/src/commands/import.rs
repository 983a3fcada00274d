//! `scal import-template WORKBOOK.xlsx --out TEMPLATE.json [--json]`: the SCAL workbook NHS
//! England sent, read as a template, with a summary of what was found and what was left out.
//!
//! The JSON output (schemas/cli-import.schema.json) is built here rather than in `dto.rs`: it
//! is this command's alone, and keeping it beside the command keeps the shared file out of the
//! way of the other commands' changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use scal_core::SectionKind;
use scal_workbook::{ImportOptions, Imported, SectionSummary};
use serde::Serialize;

use crate::args::JsonFlag;
use crate::error::{CliError, CliResult};
use crate::output::{clip, size, Align, Out, Table};
use crate::Outcome;
use scal_core::text::io_write_reason;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The workbook (.xlsx) NHS England sent.
    pub workbook: PathBuf,
    /// Where to write the template (JSON). A file already there is never replaced, unless it
    /// holds this very template.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Import hidden sheets too (they are left out otherwise: the supplier is not asked them).
    #[arg(long)]
    pub include_hidden: bool,
    /// The template's id (default: from the workbook's file name).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// The template's version (default: from the file name, e.g. "vsn2.0" gives 2.0.0).
    #[arg(long = "template-version", value_name = "X.Y.Z")]
    pub version: Option<String>,
    /// Read the sheets it names as it says: per sheet, the header row, which column holds the
    /// ID, question, guidance, response and comment, what each response means, or that the
    /// sheet is not asked (schemas/scal-mapping.schema.json). Kept in the template.
    #[arg(long, value_name = "MAPPING.json", conflicts_with = "like")]
    pub map: Option<PathBuf>,
    /// Read this workbook with the mapping kept in a template imported from an earlier version
    /// of it.
    #[arg(long, value_name = "OLD-TEMPLATE.json")]
    pub like: Option<PathBuf>,
    #[command(flatten)]
    pub json: JsonFlag,
}

pub fn run(args: ImportArgs, out: &mut Out) -> CliResult<Outcome> {
    let mapping = match (&args.map, &args.like) {
        (Some(map), _) => {
            Some(scal_workbook::read_mapping(map).map_err(|e| CliError::new(e.to_string()))?)
        }
        (None, Some(like)) => Some(mapping_of(like)?),
        (None, None) => None,
    };
    let options = ImportOptions {
        include_hidden: args.include_hidden,
        id: args.id.clone(),
        version: args.version.clone(),
        title: None,
        mapping,
    };
    let imported = match scal_workbook::import_path_with(&args.workbook, &options) {
        Ok(imported) => imported,
        Err(e) => {
            // Even a failed import says, sheet by sheet, why nothing was taken.
            if let (true, scal_workbook::WorkbookError::NothingRecognised { skipped, .. }) =
                (args.json.json, &e)
            {
                out.json(&FailedImport {
                    workbook: args.workbook.display().to_string(),
                    error: e.to_string(),
                    skipped: skipped
                        .iter()
                        .map(|k| SkippedDto {
                            sheet: k.sheet.clone(),
                            rows: k.rows.clone(),
                            reason: k.reason.clone(),
                        })
                        .collect(),
                })?;
            }
            return Err(CliError::new(e.to_string()));
        }
    };
    let same_file = args
        .out
        .canonicalize()
        .ok()
        .is_some_and(|o| args.workbook.canonicalize().ok() == Some(o));
    if same_file {
        return Err(CliError::new(format!(
            "--out {} is the workbook itself: give another name for the template, e.g. template.json",
            args.out.display()
        )));
    }
    if args.out.is_dir() {
        return Err(CliError::new(format!(
            "{} is a folder: give the template file's name, e.g. {}",
            args.out.display(),
            args.out.join("template.json").display()
        )));
    }
    // The rule every output follows (no draft here): never a database, never the workbook
    // itself, and an existing file only when it already holds this very template.
    let protected = imported
        .template
        .source
        .iter()
        .map(|s| (s.sha256.clone(), s.size))
        .collect();
    let new = (
        hex_sha256(imported.json.as_bytes()),
        imported.json.len() as u64,
    );
    let rule = scal_store::OutputRule::without_draft(protected);
    rule.check(&args.out, Some((&new.0, new.1)))
        .map_err(|refused| CliError::new(refused.to_string()))?;
    rule.write(&args.out, imported.json.as_bytes())
        .map_err(|e| match e {
            scal_store::PlaceError::Refused(refused) => CliError::new(refused.to_string()),
            scal_store::PlaceError::Io(e) => CliError::at(
                &args.out,
                format!("cannot write the template: {}", io_write_reason(&e)),
            ),
        })?;
    if args.json.json {
        out.json(&ImportOutput::new(&imported, &args.out))?;
    } else {
        print_summary(&imported, &args.workbook, &args.out, out);
    }
    Ok(Outcome::Success)
}

/// The mapping kept in a template imported earlier (`--like`).
fn mapping_of(template: &Path) -> CliResult<scal_core::template::Mapping> {
    scal_app::source::kept_mapping(&template.display().to_string())
        .map_err(super::app)?
        .ok_or_else(|| {
        CliError::new(format!(
            "{} keeps no mapping (it was imported without --map): import the new workbook with --map instead",
            template.display()
        ))
    })
}

/// `scal import-template --json` when nothing could be imported: why, sheet by sheet.
#[derive(Debug, Serialize)]
struct FailedImport {
    workbook: String,
    error: String,
    skipped: Vec<SkippedDto>,
}

fn kind_name(kind: SectionKind) -> &'static str {
    match kind {
        SectionKind::Form => "form",
        SectionKind::Service => "service",
        SectionKind::Guidance => "guidance",
    }
}

fn print_summary(imported: &Imported, workbook: &Path, template: &Path, out: &mut Out) {
    let s = &imported.summary;
    let items: usize = s.sections.iter().map(SectionSummary::items).sum();
    out.line(format!(
        "Imported {} ({}, SHA-256 {}…) as template {} {}: {} sections, {} items, {} requirements.",
        s.file_name,
        size(s.size),
        &s.sha256[..12],
        s.template_id,
        s.template_version,
        s.sections.len(),
        items,
        s.requirements()
    ));
    if let Some(legacy) = &s.legacy {
        out.line(format!("{legacy}."));
    }
    out.blank();
    let mut table = Table::new(&[
        ("SECTION", Align::Left),
        ("KIND", Align::Left),
        ("ITEMS", Align::Right),
        ("REQS", Align::Right),
        ("MUST", Align::Right),
        ("SHOULD", Align::Right),
        ("MAY", Align::Right),
        ("ACTION", Align::Right),
        ("INFO", Align::Right),
        ("NO ID", Align::Right),
        ("DECL", Align::Right),
        ("SLOTS", Align::Right),
        ("STATUS", Align::Left),
    ])
    .indent(2);
    let n = |map: &BTreeMap<&'static str, usize>, k: &str| match map.get(k) {
        Some(v) if *v > 0 => v.to_string(),
        _ => "-".to_string(),
    };
    for sec in &s.sections {
        let title = if sec.hidden {
            format!("{} (hidden)", sec.title)
        } else {
            sec.title.clone()
        };
        table.row(vec![
            clip(&title, 40),
            kind_name(sec.kind).to_string(),
            sec.items().to_string(),
            sec.requirements.to_string(),
            n(&sec.requirements_by_level, "MUST"),
            n(&sec.requirements_by_level, "SHOULD"),
            n(&sec.requirements_by_level, "MAY"),
            n(&sec.requirements_by_level, "Action"),
            n(&sec.requirements_by_level, "Info"),
            if sec.requirements_without_id > 0 {
                sec.requirements_without_id.to_string()
            } else {
                "-".to_string()
            },
            n(&sec.items_by_type, "declaration"),
            n(&sec.items_by_type, "evidence_slot"),
            sec.status_cell.clone().unwrap_or_else(|| "-".to_string()),
        ]);
    }
    out.table(&table);
    out.blank();
    out.line("How each table was read:");
    let mut tables = Table::new(&[
        ("SHEET", Align::Left),
        ("ROW", Align::Right),
        ("TABLE", Align::Left),
        ("ITEMS", Align::Right),
        ("SURE", Align::Right),
        ("READING", Align::Left),
    ])
    .indent(2);
    for sec in &s.sections {
        for t in sec.tables.iter().filter(|t| t.items > 0) {
            tables.row(vec![
                clip(&sec.sheet, 30),
                t.header_row.to_string(),
                t.kind.to_string(),
                t.items.to_string(),
                format!("{}%", t.confidence),
                if t.reading.is_empty() {
                    "by its header's words".to_string()
                } else {
                    t.reading.clone()
                },
            ]);
        }
    }
    out.table(&tables);
    // What each response means decides what else an answer needs: say it once per set.
    let mut sets: Vec<(String, usize)> = Vec::new();
    for sec in &s.sections {
        for set in &sec.responses {
            let words = set
                .options
                .iter()
                .map(|(o, m)| match m {
                    Some(m) => format!("{o} = {}", m.as_str().replace('_', " ")),
                    None => format!("{o} = (no meaning: asks nothing more)"),
                })
                .collect::<Vec<_>>()
                .join(", ");
            match sets.iter_mut().find(|(w, _)| *w == words) {
                Some((_, n)) => *n += set.items,
                None => sets.push((words, set.items)),
            }
        }
    }
    if !sets.is_empty() {
        out.blank();
        out.line("What the responses mean (a mitigation when not met or partly met, a justification when not applicable):");
        for (words, n) in &sets {
            out.line(format!("  {words}  ({n} items)"));
        }
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for sec in &s.sections {
        for (k, v) in &sec.items_by_type {
            *kinds.entry(k).or_default() += v;
        }
    }
    out.blank();
    out.line(format!(
        "Items by type: {}.",
        kinds
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out.line(format!(
        "Dropdown placeholder: \"{}\" (never counted as an answer).",
        s.placeholder
    ));
    if !s.skipped.is_empty() {
        out.blank();
        out.line("Left out:");
        let mut skipped = Table::new(&[
            ("SHEET", Align::Left),
            ("WHERE", Align::Left),
            ("WHY", Align::Left),
        ])
        .indent(2);
        for sk in &s.skipped {
            skipped.row(vec![
                clip(&sk.sheet, 40),
                sk.rows.clone().unwrap_or_else(|| "whole sheet".to_string()),
                sk.reason.clone(),
            ]);
        }
        out.table(&skipped);
    }
    if !s.notes.is_empty() {
        out.blank();
        out.line("Notes:");
        for note in &s.notes {
            let at = note
                .cell
                .as_deref()
                .map(|c| format!(" {c}"))
                .unwrap_or_default();
            out.line(format!("  {}{at}: {}", note.sheet, note.message));
        }
    }
    out.blank();
    out.line(format!("Wrote {}.", template.display()));
    // `scal new` looks for the workbook beside the template; say so when it is not there.
    let folder = |p: &Path| {
        let dir = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        dir.canonicalize().ok()
    };
    let beside = folder(template).is_some() && folder(template) == folder(workbook);
    let keep = if beside {
        String::new()
    } else {
        format!(
            " --workbook {} (or keep {} beside the template)",
            workbook.display(),
            s.file_name
        )
    };
    out.line(format!(
        "Next: scal new DRAFT.scal --template {}{keep}",
        template.display()
    ));
}

/// `scal import-template --json` (schemas/cli-import.schema.json).
#[derive(Debug, Serialize)]
struct ImportOutput {
    workbook: WorkbookDto,
    template: TemplateDto,
    placeholder: String,
    totals: Totals,
    sections: Vec<SectionDto>,
    skipped: Vec<SkippedDto>,
    notes: Vec<NoteDto>,
}

#[derive(Debug, Serialize)]
struct WorkbookDto {
    file_name: String,
    /// `xlsx`, or `xls` for a legacy workbook (a fill writes an .xlsx copy of it).
    format: &'static str,
    sha256: String,
    size: u64,
}

#[derive(Debug, Serialize)]
struct TemplateDto {
    id: String,
    version: String,
    title: String,
    path: String,
}

#[derive(Debug, Serialize)]
struct Totals {
    sections: usize,
    items: usize,
    requirements: usize,
}

#[derive(Debug, Serialize)]
struct SectionDto {
    id: String,
    title: String,
    sheet: String,
    kind: &'static str,
    hidden: bool,
    status_cell: Option<String>,
    items: usize,
    items_by_type: BTreeMap<&'static str, usize>,
    requirements: usize,
    requirements_by_level: BTreeMap<&'static str, usize>,
    requirements_without_id: usize,
    tables: Vec<TableDto>,
    responses: Vec<ResponseSetDto>,
}

#[derive(Debug, Serialize)]
struct ResponseSetDto {
    options: Vec<ResponseDto>,
    items: usize,
}

#[derive(Debug, Serialize)]
struct ResponseDto {
    response: String,
    meaning: Option<&'static str>,
}

#[derive(Debug, Serialize)]
struct TableDto {
    kind: &'static str,
    header_row: u32,
    items: usize,
    columns: Vec<ColumnDto>,
    confidence: u8,
    reading: String,
    added_columns: Vec<AddedDto>,
}

#[derive(Debug, Serialize)]
struct AddedDto {
    cell: String,
    header: String,
}

#[derive(Debug, Serialize)]
struct ColumnDto {
    field: String,
    header: String,
}

#[derive(Debug, Serialize)]
struct SkippedDto {
    sheet: String,
    rows: Option<String>,
    reason: String,
}

#[derive(Debug, Serialize)]
struct NoteDto {
    sheet: String,
    cell: Option<String>,
    message: String,
}

impl ImportOutput {
    fn new(imported: &Imported, path: &Path) -> ImportOutput {
        let s = &imported.summary;
        ImportOutput {
            workbook: WorkbookDto {
                file_name: s.file_name.clone(),
                format: if s.legacy.is_some() { "xls" } else { "xlsx" },
                sha256: s.sha256.clone(),
                size: s.size,
            },
            template: TemplateDto {
                id: imported.template.id.clone(),
                version: imported.template.version.clone(),
                title: imported.template.title.clone(),
                path: path.display().to_string(),
            },
            placeholder: s.placeholder.clone(),
            totals: Totals {
                sections: s.sections.len(),
                items: s.sections.iter().map(SectionSummary::items).sum(),
                requirements: s.requirements(),
            },
            sections: s
                .sections
                .iter()
                .map(|x| SectionDto {
                    id: x.id.clone(),
                    title: x.title.clone(),
                    sheet: x.sheet.clone(),
                    kind: kind_name(x.kind),
                    hidden: x.hidden,
                    status_cell: x.status_cell.clone(),
                    items: x.items(),
                    items_by_type: x.items_by_type.clone(),
                    requirements: x.requirements,
                    requirements_by_level: x.requirements_by_level.clone(),
                    requirements_without_id: x.requirements_without_id,
                    responses: x
                        .responses
                        .iter()
                        .map(|set| ResponseSetDto {
                            options: set
                                .options
                                .iter()
                                .map(|(o, m)| ResponseDto {
                                    response: o.clone(),
                                    meaning: m.map(|m| m.as_str()),
                                })
                                .collect(),
                            items: set.items,
                        })
                        .collect(),
                    tables: x
                        .tables
                        .iter()
                        .map(|t| TableDto {
                            kind: t.kind,
                            header_row: t.header_row,
                            items: t.items,
                            columns: t
                                .columns
                                .iter()
                                .map(|(field, header)| ColumnDto {
                                    field: field.clone(),
                                    header: header.clone(),
                                })
                                .collect(),
                            confidence: t.confidence,
                            reading: t.reading.clone(),
                            added_columns: t
                                .added_columns
                                .iter()
                                .map(|(cell, header)| AddedDto {
                                    cell: cell.clone(),
                                    header: header.clone(),
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
            skipped: s
                .skipped
                .iter()
                .map(|k| SkippedDto {
                    sheet: k.sheet.clone(),
                    rows: k.rows.clone(),
                    reason: k.reason.clone(),
                })
                .collect(),
            notes: s
                .notes
                .iter()
                .map(|n| NoteDto {
                    sheet: n.sheet.clone(),
                    cell: n.cell.clone(),
                    message: n.message.clone(),
                })
                .collect(),
        }
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}
