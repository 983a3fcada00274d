//! From what was recognised on each sheet to a template (with its workbook cell map) and the
//! import summary: section and item ids, the placeholder, the template's own identity.

use std::collections::{BTreeMap, HashMap, HashSet};

use scal_core::answer::is_placeholder;
use scal_core::template::{ItemCells, SectionCells, WorkbookSource, DEFAULT_PLACEHOLDER};
use scal_core::{Item, ItemKind, Level, Section, SectionKind, Template};
use sha2::{Digest, Sha256};

use crate::error::ImportError;
use crate::ooxml::{SheetState, Workbook};
use crate::recognise::{self, Found, FoundItem, TableKind};
use crate::view::View;
use crate::words::{normalise, slug};
use crate::{ImportOptions, ImportSummary, Imported, Note, SectionSummary, Skipped, TableSummary};

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
) -> Result<Imported, ImportError> {
    let file_name = std::path::Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned());
    let sha256 = hex::encode(Sha256::digest(bytes));
    let mut skipped = Vec::new();
    let mut notes = Vec::new();
    let mut placeholders: Vec<String> = Vec::new();
    let mut recognised: Vec<(usize, Found)> = Vec::new();
    for (index, sheet) in wb.sheets.iter().enumerate() {
        let skip = |reason: &str| Skipped {
            sheet: sheet.name.clone(),
            rows: None,
            reason: reason.to_string(),
        };
        if sheet.part.is_none() {
            skipped.push(skip("it is not a worksheet (a chart or a macro sheet)"));
            continue;
        }
        if sheet.state != SheetState::Visible && !options.include_hidden {
            skipped.push(skip(
                "it is hidden in the workbook, so the supplier is not asked it (hidden sheets can be imported on request)",
            ));
            continue;
        }
        if let Some(reason) = skip_by_name(&sheet.name) {
            skipped.push(skip(reason));
            continue;
        }
        let Some(view) = View::new(wb, index) else {
            skipped.push(skip(
                "it has too many merged cells or data validations to read",
            ));
            continue;
        };
        for list in view.all_lists() {
            placeholders.extend(list.into_iter().filter(|o| is_placeholder(o)));
        }
        let found = recognise::recognise(&view);
        if found.kind().is_none() {
            skipped.push(skip(
                "no form, declaration block or requirements table was found on it",
            ));
            continue;
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
        let detail = match skipped.first() {
            Some(s) => format!(
                "{} sheet(s) were skipped, the first (\"{}\") because {}",
                skipped.iter().filter(|s| s.rows.is_none()).count(),
                s.sheet,
                s.reason
            ),
            None => "it has no sheets with content".to_string(),
        };
        return Err(ImportError::NothingRecognised {
            file: file.to_string(),
            detail,
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
        for (fi, id) in found.items.iter().zip(ids) {
            if fi.cells != ItemCells::default() {
                source_items.insert(id.clone(), fi.cells.clone());
            }
            items.push(Item {
                id,
                label: fi.label.clone(),
                text: fi.text.clone(),
                guidance: fi.guidance.clone(),
                required: fi.required,
                visible_when: None,
                kind: fi.kind.clone(),
            });
        }
        let hidden = sheet.state != SheetState::Visible;
        source_sections.insert(
            section_id.clone(),
            SectionCells {
                sheet: sheet.name.clone(),
                status: found.status.clone(),
                hidden,
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
        }),
    };
    let json = serde_json::to_string_pretty(&template).map_err(|e| ImportError::Internal {
        file: file.to_string(),
        reason: e.to_string(),
    })?;
    if json.len() > scal_core::load::MAX_TEMPLATE_BYTES {
        return Err(ImportError::TooLarge {
            file: file.to_string(),
            what: format!(
                "the template made from it would be {} bytes; the most a template may be is {}",
                json.len(),
                scal_core::load::MAX_TEMPLATE_BYTES
            ),
        });
    }
    // The template must load as any other does: the same checks, the same messages.
    let template = scal_core::load_template(&json).map_err(|e| ImportError::Internal {
        file: file.to_string(),
        reason: e.to_string(),
    })?;
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
        },
    })
}

/// The id and version a caller chose must be ones a template may have.
fn check_options(id: &str, version: &str) -> Result<(), ImportError> {
    let id_ok = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !id_ok {
        return Err(ImportError::BadOption {
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
        return Err(ImportError::BadOption {
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
        tables: found
            .tables
            .iter()
            .map(|t| TableSummary {
                kind: match t.kind {
                    TableKind::Form => "form",
                    TableKind::Declarations => "declarations",
                    TableKind::Requirements => "requirements",
                    TableKind::Guidance => "guidance",
                },
                header_row: t.header_row,
                items: t.items,
                columns: t.columns.clone(),
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
