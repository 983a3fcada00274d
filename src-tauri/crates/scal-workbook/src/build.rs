//! From what was recognised on each sheet to a template (with its workbook cell map) and the
//! import summary: section and item ids, the placeholder, the template's own identity.

use std::collections::{BTreeMap, HashMap, HashSet};

use scal_core::answer::is_placeholder;
use scal_core::template::{
    Condition, ItemCells, Meaning, SectionCells, WorkbookSource, DEFAULT_PLACEHOLDER,
};
use scal_core::{Item, ItemKind, Level, Section, SectionKind, Template};
use sha2::{Digest, Sha256};

use crate::error::WorkbookError;
use crate::ooxml::{SheetState, Workbook};
use crate::recognise::{self, Found, FoundItem, TableKind};
use crate::structure::{self, Role};
use crate::view::View;
use crate::words::{normalise, slug};
use crate::{ImportOptions, ImportSummary, Imported, Note, SectionSummary, Skipped, TableSummary};

fn response_sets(items: &[Item]) -> Vec<crate::ResponseSet> {
    let mut sets: Vec<crate::ResponseSet> = Vec::new();
    for item in items {
        if !matches!(
            item.kind,
            ItemKind::Requirement(_) | ItemKind::Declaration { .. }
        ) {
            continue;
        }
        let options: Vec<(String, Option<Meaning>)> = item
            .options()
            .into_iter()
            .map(|o| {
                let m = item.meaning_of(&o);
                (o, m)
            })
            .collect();
        match sets.iter_mut().find(|s| s.options == options) {
            Some(set) => set.items += 1,
            None => sets.push(crate::ResponseSet { options, items: 1 }),
        }
    }
    sets
}

/// Writes down what each response of a requirement or declaration means: the mapping's word
/// where it gives one, else the meaning the response's own words carry (`Meaning::infer`). A
/// response with neither is left without one (the summary says so), and asks nothing more.
fn set_meanings(kind: &mut ItemKind, mapped: Option<&BTreeMap<String, String>>) {
    let (options, meanings) = match kind {
        ItemKind::Requirement(r) => (&r.options, &mut r.meanings),
        ItemKind::Declaration { options, meanings } => (&*options, meanings),
        _ => return,
    };
    for option in options {
        let given = mapped
            .and_then(|m| m.get(option))
            .and_then(|w| Meaning::ALL.into_iter().find(|m| m.as_str() == w));
        if let Some(meaning) = given.or_else(|| Meaning::infer(option)) {
            meanings.insert(option.clone(), meaning);
        }
    }
}

/// The role question of a provider/consumer catalogue: its id within the section, its options.
const ROLE_QUESTION_ID: &str = "product-role";
const ROLE_OPTIONS: [&str; 3] = ["Provider", "Consumer", "Both"];

/// Below this confidence (per cent) a sheet is not guessed at: the user maps it.
const UNSURE: u8 = 50;

/// Why nothing was taken from a sheet, in a sentence: what was looked for and what was seen.
fn nothing_found(found: &Found) -> String {
    match found.tables.first() {
        Some(t) if !t.reading.is_empty() => format!(
            "a table was found at row {} ({}), but no row of it asks anything",
            t.header_row, t.reading
        ),
        Some(t) => format!(
            "a table was found at row {}, but no row of it asks anything",
            t.header_row
        ),
        None => "no form, declaration block or requirements table was found on it (no header row over rows of IDs, dropdowns or questions)".to_string(),
    }
}

/// A sheet NHS's assessor fills, never the supplier: its cells are formulas over the supplier's
/// tabs, or its name says it is NHS's assessment or review.
fn assessor_sheet(view: &View<'_>) -> Option<String> {
    if let Some((cross, filled)) = structure::computed_from_other_sheets(view) {
        return Some(format!(
            "it is the assessor's: {cross} of its {filled} filled cells are formulas over the supplier's other tabs; fill carries it untouched and it is never asked"
        ));
    }
    let n = normalise(&view.sheet.name);
    let nhs = n.contains("nhs") || n.contains("assessor") || n.contains("scrutiny");
    if nhs && (n.contains("assess") || n.contains("review") || n.contains("scrutiny")) {
        return Some(
            "it is the assessor's (its name says NHS fills it); fill carries it untouched and it is never asked"
                .to_string(),
        );
    }
    None
}

/// Why a sheet is not a section, from its name alone: tabs about the template itself.
fn skip_by_name(name: &str) -> Option<&'static str> {
    let n = normalise(name);
    let has = |w: &str| n.contains(w);
    if has("document management")
        || has("version history")
        || has("change history")
        || has("change log")
        || has("revision history")
    {
        return Some("it records the history of the template itself, not questions to answer");
    }
    if has("template") {
        return Some("it is the blank pattern of a service tab, not a section to answer");
    }
    if n == "guidance"
        || (has("guidance") && (has("process") || has("instruction") || has("notes")))
        || has("instructions")
        || has("read me")
        || has("readme")
    {
        return Some("it explains the process and the roles; there is nothing to answer on it");
    }
    if n == "lists"
        || n.starts_with("lists ")
        || n.ends_with(" lists")
        || has("drop down")
        || has("dropdown")
    {
        return Some("it holds the lists behind the dropdowns");
    }
    None
}

pub(crate) fn build(
    wb: &Workbook,
    file: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<Imported, WorkbookError> {
    let file_name = std::path::Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned());
    let sha256 = hex::encode(Sha256::digest(bytes));
    let mut skipped = Vec::new();
    let mut notes: Vec<Note> = wb
        .notes
        .iter()
        .map(|(sheet, message)| Note {
            sheet: sheet.clone(),
            cell: None,
            message: message.clone(),
        })
        .collect();
    let mut placeholders: Vec<String> = Vec::new();
    let mut recognised: Vec<(usize, Found)> = Vec::new();
    if let Some(mapping) = &options.mapping {
        crate::mapping::check_against(mapping, wb, file)?;
    }
    for (index, sheet) in wb.sheets.iter().enumerate() {
        let skip = |reason: &str| Skipped {
            sheet: sheet.name.clone(),
            rows: None,
            reason: reason.to_string(),
        };
        let mapped = options
            .mapping
            .as_ref()
            .and_then(|m| m.sheets.get(&sheet.name));
        if let Some(m) = mapped.filter(|m| m.not_asked) {
            let why = if m.why.trim().is_empty() {
                "the mapping says it is not asked".to_string()
            } else {
                format!("the mapping says it is not asked: {}", m.why.trim())
            };
            skipped.push(skip(&why));
            continue;
        }
        // A sheet the mapping reads is read, hidden or named like guidance or not.
        let mapped = mapped.filter(|m| m.header_row.is_some());
        if sheet.part.is_none() {
            skipped.push(skip("it is not a worksheet (a chart or a macro sheet)"));
            continue;
        }
        if sheet.state != SheetState::Visible && !options.include_hidden && mapped.is_none() {
            skipped.push(skip(
                "it is hidden in the workbook, so the supplier is not asked it (hidden sheets can be imported on request)",
            ));
            continue;
        }
        if let Some(reason) = skip_by_name(&sheet.name).filter(|_| mapped.is_none()) {
            skipped.push(skip(reason));
            continue;
        }
        let Some(view) = View::new(wb, index) else {
            skipped.push(skip(
                "it has too many merged cells or data validations to read",
            ));
            continue;
        };
        if let Some(reason) = assessor_sheet(&view).filter(|_| mapped.is_none()) {
            skipped.push(skip(&reason));
            continue;
        }
        for list in view.all_lists() {
            placeholders.extend(list.into_iter().filter(|o| is_placeholder(o)));
        }
        let found = recognise::recognise(&view, mapped);
        if found.kind().is_none() {
            skipped.push(skip(&nothing_found(&found)));
            continue;
        }
        let answered: Vec<&recognise::TableInfo> =
            found.tables.iter().filter(|t| t.items > 0).collect();
        if let Some(best) = answered.iter().map(|t| t.confidence).max() {
            if best < UNSURE {
                let how = answered
                    .iter()
                    .map(|t| format!("row {}: {}", t.header_row, t.reading))
                    .collect::<Vec<_>>()
                    .join("; ");
                skipped.push(skip(&format!(
                    "unsure how to read it ({best}% sure: {how}); say which columns are which in a mapping (scal import-template --map MAPPING.json)"
                )));
                continue;
            }
        }
        for (rows, reason) in &found.skipped {
            skipped.push(Skipped {
                sheet: sheet.name.clone(),
                rows: Some(rows.clone()),
                reason: reason.clone(),
            });
        }
        for (cell, message) in &found.notes {
            notes.push(Note {
                sheet: sheet.name.clone(),
                cell: cell.clone(),
                message: message.clone(),
            });
        }
        recognised.push((index, found));
    }
    if recognised.is_empty() {
        let whole: Vec<&Skipped> = skipped.iter().filter(|s| s.rows.is_none()).collect();
        let detail = if whole.is_empty() {
            "it has no sheets with content".to_string()
        } else {
            let each: Vec<String> = whole
                .iter()
                .map(|s| format!("\"{}\": {}", s.sheet, s.reason))
                .collect();
            format!(
                "{} sheet(s) were left out: {}",
                whole.len(),
                each.join("; ")
            )
        };
        return Err(WorkbookError::NothingRecognised {
            file: file.to_string(),
            detail,
            skipped,
        });
    }

    let stem = std::path::Path::new(&file_name)
        .file_stem()
        .map_or_else(|| file_name.clone(), |s| s.to_string_lossy().into_owned());
    let id = options.id.clone().unwrap_or_else(|| {
        Some(slug(&stem, 60))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "imported-workbook".to_string())
    });
    let version = options
        .version
        .clone()
        .unwrap_or_else(|| version_from_name(&stem));
    check_options(&id, &version)?;
    let title = options.title.clone().unwrap_or_else(|| match &wb.title {
        Some(t) => t.clone(),
        None => stem.clone(),
    });
    let placeholder = most_common(&placeholders).unwrap_or_else(|| DEFAULT_PLACEHOLDER.to_string());

    let mut sections = Vec::new();
    let mut source_sections = BTreeMap::new();
    let mut source_items = BTreeMap::new();
    let mut summaries = Vec::new();
    let mut section_ids: HashSet<String> = HashSet::new();
    for (index, found) in recognised {
        let sheet = &wb.sheets[index];
        let kind = found.kind().unwrap_or(SectionKind::Form);
        let section_id = unique(
            &mut section_ids,
            Some(slug(&sheet.name, 48))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| format!("sheet-{}", index + 1)),
        );
        let ids = item_ids(&section_id, &found.items);
        let mut items = Vec::new();
        // A table that says which rows are a provider's and which a consumer's asks first which
        // the product is, and shows only its rows (the template's visibility rules).
        let role_question = found.roles.iter().any(|(_, r)| *r != Role::Both).then(|| {
            let mut id = format!("{section_id}.{ROLE_QUESTION_ID}");
            while ids.contains(&id) {
                id.push('-');
                id.push('x');
            }
            id
        });
        if let Some(id) = &role_question {
            items.push(Item {
                id: id.clone(),
                label: "Which part does the product play?".to_string(),
                text: "Some requirements on this tab are for a provider system, some for a consumer, some for both. Only the rows for the part you choose are asked.".to_string(),
                guidance: String::new(),
                required: true,
                visible_when: None,
                kind: ItemKind::Choice {
                    options: ROLE_OPTIONS.iter().map(|o| o.to_string()).collect(),
                    other: false,
                },
            });
        }
        for (index, (fi, id)) in found.items.iter().zip(ids).enumerate() {
            if fi.cells != ItemCells::default() {
                source_items.insert(id.clone(), fi.cells.clone());
            }
            let role = found.roles.iter().find(|(i, _)| *i == index).map(|x| x.1);
            let visible_when = match (&role_question, role) {
                (Some(q), Some(Role::Provider)) => Some(Condition {
                    item: q.clone(),
                    equals: None,
                    any_of: vec![ROLE_OPTIONS[0].to_string(), ROLE_OPTIONS[2].to_string()],
                }),
                (Some(q), Some(Role::Consumer)) => Some(Condition {
                    item: q.clone(),
                    equals: None,
                    any_of: vec![ROLE_OPTIONS[1].to_string(), ROLE_OPTIONS[2].to_string()],
                }),
                _ => None,
            };
            let mut kind = fi.kind.clone();
            let mapped_meanings = options
                .mapping
                .as_ref()
                .and_then(|m| m.sheets.get(&sheet.name))
                .map(|m| &m.meanings);
            set_meanings(&mut kind, mapped_meanings);
            items.push(Item {
                id,
                label: fi.label.clone(),
                text: fi.text.clone(),
                guidance: fi.guidance.clone(),
                required: fi.required,
                visible_when,
                kind,
            });
        }
        let hidden = sheet.state != SheetState::Visible;
        source_sections.insert(
            section_id.clone(),
            SectionCells {
                sheet: sheet.name.clone(),
                status: found.status.clone(),
                hidden,
                added_columns: found
                    .tables
                    .iter()
                    .flat_map(|t| t.added.iter())
                    .map(|(cell, header)| scal_core::template::AddedColumn {
                        cell: cell.clone(),
                        header: header.clone(),
                    })
                    .collect(),
            },
        );
        summaries.push(section_summary(
            &section_id,
            sheet.name.as_str(),
            kind,
            hidden,
            &found,
            &items,
        ));
        sections.push(Section {
            id: section_id,
            title: sheet.name.clone(),
            kind,
            description: found.description.clone(),
            has_status: found.status.is_some(),
            // The form tabs (supplier, product, IG) are the ones every SCAL asks again.
            shared: kind == SectionKind::Form,
            visible_when: None,
            columns: if kind == SectionKind::Service {
                found.columns.clone()
            } else {
                Vec::new()
            },
            items,
        });
    }

    let template = Template {
        id: id.clone(),
        version: version.clone(),
        title,
        publisher: format!("Imported from {file_name}"),
        description: format!(
            "Imported from the workbook {file_name} (SHA-256 {}…) by scal import-template: its sections, questions and response options as the workbook has them. `scal fill` writes answers back into that workbook.",
            &sha256[..12]
        ),
        placeholder: placeholder.clone(),
        sections,
        source: Some(WorkbookSource {
            file_name: file_name.clone(),
            sha256: sha256.clone(),
            size: bytes.len() as u64,
            sections: source_sections,
            items: source_items,
            mapping: options.mapping.clone(),
        }),
    };
    let json = serde_json::to_string_pretty(&template).map_err(|e| WorkbookError::Internal {
        file: file.to_string(),
        reason: e.to_string(),
    })?;
    if json.len() > scal_core::load::MAX_TEMPLATE_BYTES {
        return Err(WorkbookError::TooLarge {
            file: file.to_string(),
            what: format!(
                "the template made from it would be {} bytes; the most a template may be is {}",
                json.len(),
                scal_core::load::MAX_TEMPLATE_BYTES
            ),
        });
    }
    // The template must load as any other does: the same checks, the same messages.
    let template = scal_core::load_template(&json).map_err(|e| WorkbookError::Internal {
        file: file.to_string(),
        reason: e.to_string(),
    })?;
    let legacy = wb.legacy.then(|| {
        format!("{file_name} is a legacy Excel 97-2003 workbook (.xls): it was read as it is, and `scal fill` writes the answers into an .xlsx copy of it, since an .xls cannot be patched in place")
    });
    Ok(Imported {
        template,
        json: format!("{json}\n"),
        summary: ImportSummary {
            file_name,
            sha256,
            size: bytes.len() as u64,
            template_id: id,
            template_version: version,
            placeholder,
            sections: summaries,
            skipped,
            notes,
            legacy,
        },
    })
}

/// The id and version a caller chose must be ones a template may have.
fn check_options(id: &str, version: &str) -> Result<(), WorkbookError> {
    let id_ok = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !id_ok {
        return Err(WorkbookError::BadOption {
            what: "id",
            value: id.to_string(),
            reason: "use letters, digits, '.', '_' and '-', starting with a letter or digit",
        });
    }
    let core = version.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    let semver = parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        });
    if !semver {
        return Err(WorkbookError::BadOption {
            what: "version",
            value: version.to_string(),
            reason: "write it as a semantic version such as 2.1.0",
        });
    }
    Ok(())
}

fn section_summary(
    id: &str,
    sheet: &str,
    kind: SectionKind,
    hidden: bool,
    found: &Found,
    items: &[Item],
) -> SectionSummary {
    let mut by_type: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut by_level: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut without_id = 0;
    for item in items {
        *by_type.entry(item.type_name()).or_default() += 1;
        if let ItemKind::Requirement(r) = &item.kind {
            *by_level.entry(level_name(r.level)).or_default() += 1;
            if r.reference.is_none() {
                without_id += 1;
            }
        }
    }
    SectionSummary {
        id: id.to_string(),
        title: sheet.to_string(),
        sheet: sheet.to_string(),
        kind,
        hidden,
        status_cell: found.status.clone(),
        requirements: by_type.get("requirement").copied().unwrap_or(0),
        requirements_by_level: by_level,
        requirements_without_id: without_id,
        items_by_type: by_type,
        responses: response_sets(items),
        tables: found
            .tables
            .iter()
            .map(|t| TableSummary {
                kind: match t.kind {
                    TableKind::Form => "form",
                    TableKind::Declarations => "declarations",
                    TableKind::Requirements => "requirements",
                    TableKind::Catalogue => "catalogue",
                    TableKind::Questions => "questions",
                    TableKind::Guidance => "guidance",
                },
                header_row: t.header_row,
                items: t.items,
                columns: t.columns.clone(),
                confidence: t.confidence,
                reading: t.reading.clone(),
                added_columns: t.added.clone(),
            })
            .collect(),
    }
}

fn level_name(l: Level) -> &'static str {
    l.as_str()
}

/// Ids for a section's items. A requirement with an ID is named by it; everything else by its
/// label. Where two items of the section would share a name, each of them gets a short hash of
/// its own words, so an id depends only on the row it names: re-importing an edited workbook
/// keeps the ids of the rows that did not change (which is what an upgrade matches on).
fn item_ids(section: &str, items: &[FoundItem]) -> Vec<String> {
    let base: Vec<String> = items
        .iter()
        .map(|i| {
            let name = match i.reference() {
                Some(r) => slug(r, 48),
                None => slug(&i.label, 48),
            };
            if name.is_empty() {
                i.kind_name().to_string()
            } else {
                name
            }
        })
        .collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for b in &base {
        *count.entry(b.as_str()).or_default() += 1;
    }
    let mut used: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    for (item, b) in items.iter().zip(&base) {
        let mut local = if count[b.as_str()] > 1 {
            format!("{b}-{}", words_hash(item))
        } else {
            b.clone()
        };
        let mut n = 2;
        while used.contains(&local) {
            local = format!("{b}-{}-{n}", words_hash(item));
            n += 1;
        }
        used.insert(local.clone());
        out.push(format!("{section}.{local}"));
    }
    out
}

fn words_hash(item: &FoundItem) -> String {
    let words = format!(
        "{}\n{}\n{}",
        normalise(&item.label),
        normalise(&item.text),
        item.kind_name()
    );
    hex::encode(Sha256::digest(words.as_bytes()))[..6].to_string()
}

impl FoundItem {
    fn kind_name(&self) -> &'static str {
        match &self.kind {
            ItemKind::Requirement(_) => "requirement",
            ItemKind::Declaration { .. } => "declaration",
            ItemKind::EvidenceSlot => "evidence",
            ItemKind::Guidance { .. } => "guidance",
            _ => "question",
        }
    }
}

fn unique(used: &mut HashSet<String>, want: String) -> String {
    let mut id = want.clone();
    let mut n = 2;
    while used.contains(&id) {
        id = format!("{want}-{n}");
        n += 1;
    }
    used.insert(id.clone());
    id
}

fn most_common(values: &[String]) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for v in values {
        let v = v.trim();
        match counts.iter_mut().find(|(s, _)| s == v) {
            Some(entry) => entry.1 += 1,
            None => counts.push((v.to_string(), 1)),
        }
    }
    // The first seen wins a tie: stable across runs.
    let best = counts.iter().map(|c| c.1).max()?;
    counts.into_iter().find(|c| c.1 == best).map(|c| c.0)
}

/// A semantic version from a file name: `SCAL_vsn2.0` → `2.0.0`, `e-RS SCAL v12.1` → `12.1.0`;
/// `1.0.0` when the name carries none.
pub(crate) fn version_from_name(stem: &str) -> String {
    let lower = stem.to_lowercase();
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            let before = &lower[..start];
            let marked = ["vsn", "version", "ver", "v"]
                .iter()
                .any(|m| before.trim_end_matches([' ', '_', '-', '.']).ends_with(m));
            if marked {
                let parts: Vec<u64> = lower[start..i]
                    .split('.')
                    .filter(|p| !p.is_empty())
                    .take(3)
                    .filter_map(|p| p.parse().ok())
                    .collect();
                if !parts.is_empty() {
                    let get = |k: usize| parts.get(k).copied().unwrap_or(0);
                    return format!("{}.{}.{}", get(0), get(1), get(2));
                }
            }
        } else {
            i += 1;
        }
    }
    "1.0.0".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_come_from_the_file_name() {
        assert_eq!(version_from_name("SCAL_vsn2.0"), "2.0.0");
        assert_eq!(version_from_name("e-RS SCAL v12.1"), "12.1.0");
        assert_eq!(version_from_name("GPC_SCAL_Version 3.2.1_Feb2025"), "3.2.1");
        assert_eq!(version_from_name("SCAL 2025"), "1.0.0");
        assert_eq!(version_from_name("scal"), "1.0.0");
    }

    #[test]
    fn tabs_about_the_template_itself_are_skipped_by_name() {
        for name in [
            "NHS Digital Document Management",
            "Reqs Template",
            "Guidance & Process",
            "Lists",
            "Version History",
        ] {
            assert!(skip_by_name(name).is_some(), "{name}");
        }
        for name in [
            "Supplier & Product information",
            "Architecture",
            "NHS Login",
            "GPC - AR Structured_v1.2.1",
        ] {
            assert!(skip_by_name(name).is_none(), "{name}");
        }
    }
}
