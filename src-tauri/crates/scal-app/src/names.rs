//! What a person calls things, and finding what they named.

use scal_core::template::Section;
use scal_core::CoreError;
use scal_core::Template;

use crate::{AppError, AppResult};

/// A section named by id, or by title in any letter case and spacing (the core's
/// `Template::section_named`).
pub fn section<'t>(template: &'t Template, name: &str) -> Option<&'t Section> {
    template.section_named(name)
}

/// The id of the item a person named: its id, or its requirement ID where that names one item.
pub fn item_id(template: &Template, name: &str) -> AppResult<String> {
    template
        .resolve_item(name)
        .map(|(_, item)| item.id.clone())
        .map_err(|e| AppError::refused(e.to_string()))
}

/// As [`item_id`] for what may also be a section, or an id the template no longer has
/// (history, review comments): a section or item id is kept as given, a requirement ID naming
/// one item becomes its id, one naming several is refused, and anything else is kept for the
/// operation to judge.
pub fn item_or_section(template: &Template, name: &str) -> AppResult<String> {
    if template.section(name).is_some() || template.item(name).is_some() {
        return Ok(name.to_string());
    }
    match template.resolve_item(name) {
        Ok((_, item)) => Ok(item.id.clone()),
        Err(CoreError::UnknownName { .. }) => Ok(name.to_string()),
        Err(e) => Err(AppError::refused(e.to_string())),
    }
}

/// Where an item or section sits in a template, for grouping and labelling: (section id,
/// section title, label). `None` for an id the template does not have (an item of an older
/// template revision, or of the other draft in a two-draft diff).
pub fn place_of<'a>(template: &'a Template, id: &str) -> Option<(&'a str, &'a str, &'a str)> {
    if let Some((section, item)) = template.item(id) {
        return Some((&section.id, &section.title, &item.label));
    }
    template
        .section(id)
        .map(|s| (s.id.as_str(), s.title.as_str(), s.title.as_str()))
}

/// What a person calls an item (its requirement reference and label) or a section (its title),
/// and the id of the section it belongs to; an id the template does not have is shown as is,
/// in no section.
pub fn label_of(template: &Template, id: &str) -> (String, String) {
    if let Some((s, i)) = template.item(id) {
        let label = match i.requirement().and_then(|r| r.reference.as_deref()) {
            Some(r) => format!("{r}: {}", i.label),
            None => i.label.clone(),
        };
        return (label, s.id.clone());
    }
    match template.section(id) {
        Some(s) => (s.title.clone(), s.id.clone()),
        None => (id.to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failing test")]

    use super::*;

    #[test]
    fn a_section_is_found_by_id_or_by_title_in_any_case() {
        let t = scal_core::bundled_template(&scal_core::bundled_templates()[0].id).unwrap();
        let s = &t.sections[0];
        assert_eq!(section(&t, &s.id).unwrap().id, s.id);
        assert_eq!(
            section(&t, &format!("  {}  ", s.title.to_uppercase()))
                .unwrap()
                .id,
            s.id
        );
        assert!(section(&t, "no such section").is_none());
    }
}
