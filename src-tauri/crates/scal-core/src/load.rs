//! Loading a template: JSON Schema first (every problem with its JSON path), then the rules a
//! schema cannot express (unique ids, conditions naming earlier items, sensible option lists).

use std::collections::HashSet;

use crate::template::{parse_cell_ref, Condition, ItemKind, Template, WorkbookSource};

/// The template schema, the same file users and other tools validate against.
pub const TEMPLATE_SCHEMA: &str = include_str!("../../../../schemas/scal-template.schema.json");

/// One thing wrong with a template, located by its JSON path (`/sections/2/items/5/type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.message)
    }
}

/// Every problem found in a template; never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} problem(s) in the template; first: {}", .0.len(), .0.first().map(|p| p.to_string()).unwrap_or_default())]
pub struct TemplateErrors(pub Vec<TemplateProblem>);

/// The most a template document may be, and how deep its JSON may nest: bounds against hostile
/// input, far beyond any real SCAL (the largest real ones hold a few thousand rows).
pub const MAX_TEMPLATE_BYTES: usize = 64 * 1024 * 1024;
pub const MAX_JSON_DEPTH: usize = 64;

/// Loads and checks a template. A leading UTF-8 byte-order mark (which Windows editors write)
/// is skipped; whoever stores the text should store `text::without_bom` of it.
pub fn load_template(json: &str) -> Result<Template, TemplateErrors> {
    let json = crate::text::without_bom(json);
    let one = |path: &str, message: String| {
        TemplateErrors(vec![TemplateProblem {
            path: path.to_string(),
            message,
        }])
    };
    if json.len() > MAX_TEMPLATE_BYTES {
        return Err(one(
            "",
            format!(
                "the template is {} bytes; the most accepted is {MAX_TEMPLATE_BYTES}",
                json.len()
            ),
        ));
    }
    if json_depth(json) > MAX_JSON_DEPTH {
        return Err(one(
            "",
            format!("the JSON nests deeper than {MAX_JSON_DEPTH} levels"),
        ));
    }
    let doc: serde_json::Value =
        serde_json::from_str(json).map_err(|e| one("", format!("not valid JSON: {e}")))?;
    let mut problems = schema_problems(&doc);
    if !problems.is_empty() {
        problems.sort_by(|a, b| a.path.cmp(&b.path));
        return Err(TemplateErrors(problems));
    }
    let template: Template = serde_json::from_value(doc)
        .map_err(|e| one("", format!("does not match the template format: {e}")))?;
    let problems = semantic_problems(&template);
    if problems.is_empty() {
        Ok(template)
    } else {
        Err(TemplateErrors(problems))
    }
}

fn schema_problems(doc: &serde_json::Value) -> Vec<TemplateProblem> {
    let schema: serde_json::Value = match serde_json::from_str(TEMPLATE_SCHEMA) {
        Ok(s) => s,
        Err(e) => {
            return vec![TemplateProblem {
                path: String::new(),
                message: format!("the bundled template schema is not valid JSON: {e}"),
            }]
        }
    };
    let validator = match jsonschema::validator_for(&schema) {
        Ok(v) => v,
        Err(e) => {
            return vec![TemplateProblem {
                path: String::new(),
                message: format!("the bundled template schema is not a valid schema: {e}"),
            }]
        }
    };
    validator
        .iter_errors(doc)
        .map(|e| TemplateProblem {
            path: e.instance_path().to_string(),
            message: e.to_string(),
        })
        .collect()
}

fn semantic_problems(t: &Template) -> Vec<TemplateProblem> {
    let mut problems = Vec::new();
    let mut section_ids = HashSet::new();
    let mut item_ids = HashSet::new();
    let mut seen_before: HashSet<&str> = HashSet::new();
    for (si, section) in t.sections.iter().enumerate() {
        if let Some(cond) = &section.visible_when {
            // Only items of earlier sections: a section cannot hide itself by its own answers.
            let at = format!("/sections/{si}/visible_when");
            condition_problems(
                cond,
                &at,
                &seen_before,
                "an item of an earlier section",
                &mut problems,
            );
        }
        if !section_ids.insert(section.id.as_str()) {
            problems.push(TemplateProblem {
                path: format!("/sections/{si}/id"),
                message: format!("section id \"{}\" is used more than once", section.id),
            });
        }
        for (ii, item) in section.items.iter().enumerate() {
            let at = format!("/sections/{si}/items/{ii}");
            if !item_ids.insert(item.id.as_str()) {
                problems.push(TemplateProblem {
                    path: format!("{at}/id"),
                    message: format!("item id \"{}\" is used more than once", item.id),
                });
            }
            if let Some(cond) = &item.visible_when {
                let at = format!("{at}/visible_when");
                condition_problems(
                    cond,
                    &at,
                    &seen_before,
                    "an item before this one",
                    &mut problems,
                );
            }
            let options = match &item.kind {
                ItemKind::Choice { options, .. } | ItemKind::MultiChoice { options, .. } => {
                    Some(options)
                }
                ItemKind::Declaration { options, .. } => Some(options),
                ItemKind::Requirement(r) => Some(&r.options),
                _ => None,
            };
            let meanings = match &item.kind {
                ItemKind::Declaration { meanings, .. } => Some(meanings),
                ItemKind::Requirement(r) => Some(&r.meanings),
                _ => None,
            };
            if let (Some(options), Some(meanings)) = (options, meanings) {
                for option in meanings.keys() {
                    if !options
                        .iter()
                        .any(|o| o.trim().eq_ignore_ascii_case(option.trim()))
                    {
                        problems.push(TemplateProblem {
                            path: format!("{at}/meanings/{}", pointer_token(option)),
                            message: format!(
                                "a meaning is given for \"{option}\", which is not one of the item's responses ({})",
                                options.join(", ")
                            ),
                        });
                    }
                }
            }
            if let Some(options) = options {
                let mut seen = HashSet::new();
                for (oi, o) in options.iter().enumerate() {
                    if crate::answer::is_placeholder(o) {
                        problems.push(TemplateProblem {
                            path: format!("{at}/options/{oi}"),
                            message: format!("\"{o}\" is a placeholder, not a response"),
                        });
                    }
                    if !seen.insert(o.to_lowercase()) {
                        problems.push(TemplateProblem {
                            path: format!("{at}/options/{oi}"),
                            message: format!("option \"{o}\" is listed twice"),
                        });
                    }
                }
            }
            seen_before.insert(item.id.as_str());
        }
    }
    for (si, section) in t.sections.iter().enumerate() {
        for (ii, item) in section.items.iter().enumerate() {
            if let ItemKind::Date {
                evidence: Some(slot),
                ..
            } = &item.kind
            {
                let is_slot = t
                    .item(slot)
                    .is_some_and(|(_, i)| matches!(i.kind, ItemKind::EvidenceSlot));
                if !is_slot {
                    problems.push(TemplateProblem {
                        path: format!("/sections/{si}/items/{ii}/evidence"),
                        message: format!(
                            "\"{slot}\" is not an evidence slot of this template: a date's evidence names the slot holding the document it dates"
                        ),
                    });
                }
            }
        }
    }
    if let Some(source) = &t.source {
        source_problems(t, source, &mut problems);
    }
    problems
}

/// The workbook cell map must name real sections and items, real cells, and options the item
/// offers: a fill guided by a wrong map would write answers where nobody looks for them.
fn source_problems(t: &Template, source: &WorkbookSource, problems: &mut Vec<TemplateProblem>) {
    let cell = |at: String, value: &str, problems: &mut Vec<TemplateProblem>| {
        if parse_cell_ref(value).is_none() {
            problems.push(TemplateProblem {
                path: at,
                message: format!("\"{value}\" is not a cell reference such as G21"),
            });
        }
    };
    for (id, cells) in &source.sections {
        let at = format!("/source/sections/{id}");
        match t.section(id) {
            None => problems.push(TemplateProblem {
                path: at.clone(),
                message: format!("there is no section \"{id}\" in this template"),
            }),
            Some(section) if cells.status.is_some() && !section.has_status => {
                problems.push(TemplateProblem {
                    path: format!("{at}/status"),
                    message: format!("section \"{id}\" has a Status cell but no has_status"),
                });
            }
            Some(_) => {}
        }
        if let Some(status) = &cells.status {
            cell(format!("{at}/status"), status, problems);
        }
    }
    for (id, cells) in &source.items {
        let at = format!("/source/items/{id}");
        let Some((section, item)) = t.item(id) else {
            problems.push(TemplateProblem {
                path: at,
                message: format!("there is no item \"{id}\" in this template"),
            });
            continue;
        };
        if !source.sections.contains_key(&section.id) {
            problems.push(TemplateProblem {
                path: at.clone(),
                message: format!(
                    "item \"{id}\" has cells but its section \"{}\" has no sheet in /source/sections",
                    section.id
                ),
            });
        }
        for (name, value) in [
            ("response", &cells.response),
            ("comment", &cells.comment),
            ("evidence", &cells.evidence),
            ("other", &cells.other),
        ] {
            if let Some(value) = value {
                cell(format!("{at}/{name}"), value, problems);
            }
        }
        let (offered, other) = match &item.kind {
            ItemKind::Choice { options, other } | ItemKind::MultiChoice { options, other } => {
                (Some(options), *other)
            }
            _ => (None, false),
        };
        if cells.other.is_some() && !other {
            problems.push(TemplateProblem {
                path: format!("{at}/other"),
                message: format!("item \"{id}\" has an \"Other\" cell but does not offer Other"),
            });
        }
        if cells.options.is_empty() {
            continue;
        }
        let Some(offered) = offered else {
            problems.push(TemplateProblem {
                path: format!("{at}/options"),
                message: format!(
                    "item \"{id}\" is a {}, so it cannot have a cell per option",
                    item.type_name()
                ),
            });
            continue;
        };
        if cells.mark.is_none() {
            problems.push(TemplateProblem {
                path: at.clone(),
                message: format!(
                    "item \"{id}\" has a cell per option but no \"mark\" to write in them"
                ),
            });
        }
        for (oi, o) in cells.options.iter().enumerate() {
            if !offered.contains(&o.option) {
                problems.push(TemplateProblem {
                    path: format!("{at}/options/{oi}/option"),
                    message: format!("\"{}\" is not an option of item \"{id}\"", o.option),
                });
            }
            cell(format!("{at}/options/{oi}/cell"), &o.cell, problems);
        }
    }
}

/// A condition must name an item already seen (`where_` says which ones count, for the message)
/// and say what answer it waits for.
fn condition_problems(
    cond: &Condition,
    at: &str,
    seen_before: &HashSet<&str>,
    where_: &str,
    problems: &mut Vec<TemplateProblem>,
) {
    if !seen_before.contains(cond.item.as_str()) {
        problems.push(TemplateProblem {
            path: format!("{at}/item"),
            message: format!(
                "the condition names \"{}\", which is not {where_}",
                cond.item
            ),
        });
    }
    if cond.equals.is_none() && cond.any_of.is_empty() {
        problems.push(TemplateProblem {
            path: at.to_string(),
            message: "the condition needs \"equals\" or \"any_of\"".to_string(),
        });
    }
}

/// How deep brackets nest, ignoring those inside strings: refuses hostile nesting before serde
/// recurses into it.
fn json_depth(json: &str) -> usize {
    let (mut depth, mut max, mut in_str, mut escaped) = (0usize, 0usize, false, false);
    for b in json.bytes() {
        if in_str {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// A key as one JSON Pointer token (RFC 6901): `~` and `/` escaped, as in `N~1a`.
fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
