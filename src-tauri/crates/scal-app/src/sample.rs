//! The sample draft offered on first launch (and by `scal-workbench --sample`): the bundled UEC
//! Appointment Booking template with about half of it answered, including the cases a new user
//! should see (a "No" with its mitigation, an "Out of Scope" with its justification, a "No"
//! still waiting for one).

use chrono::{Days, NaiveDate};
use scal_core::template::{ItemKind, SectionKind};
use scal_core::Template;
use scal_store::AnswerChange;

/// The template the sample is made from, when bundled; else the first bundled template.
pub const SAMPLE_TEMPLATE: &str = "uec-appointment-booking";

pub fn sample_template() -> Option<(Template, &'static str)> {
    let template = scal_core::bundled_template(SAMPLE_TEMPLATE)
        .or_else(|| scal_core::bundled_templates().into_iter().next())?;
    let json = scal_core::bundled_template_json(&template.id)?;
    Some((template, json))
}

/// Answers for the sample. Every value passes `normalize`, so applying them cannot be refused
/// for a bad value, whatever the template holds.
pub fn sample_answers(template: &Template, today: NaiveDate) -> Vec<(String, AnswerChange)> {
    // The answers that open conditional sections (a service tab asked by the services grid):
    // the sample opens every one of them, so it shows some of each section.
    let mut opens: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for c in template
        .sections
        .iter()
        .filter_map(|s| s.visible_when.as_ref())
    {
        let wanted = c.equals.iter().chain(c.any_of.first()).next();
        if let Some(v) = wanted {
            opens.entry(c.item.as_str()).or_default().push(v.clone());
        }
    }
    let mut out = Vec::new();
    let mut declaration_no_done = false;
    for section in &template.sections {
        let requirements: Vec<_> = section
            .items
            .iter()
            .filter(|i| i.requirement().is_some())
            .collect();
        // Answer the first ~45% of each requirements table, the rest is left to do.
        let answer_upto = requirements.len() * 45 / 100;
        let mut req_index = 0usize;
        for item in &section.items {
            if item.visible_when.is_some() || !item.is_answerable() {
                continue;
            }
            let (value, comment): (Option<String>, &str) = match &item.kind {
                ItemKind::Requirement(_) => {
                    req_index += 1;
                    match req_index {
                        n if n > answer_upto => (None, ""),
                        3 => (Some("No".into()), "Planned for release 2.5 (June); until then bookings fall back to telephone."),
                        5 => (Some(scal_core::template::OUT_OF_SCOPE.into()), "We are a consumer only: this applies to providers."),
                        7 => (Some("No".into()), ""),
                        _ => (Some("Yes".into()), ""),
                    }
                }
                ItemKind::Declaration { .. } => {
                    if section.kind == SectionKind::Service && !declaration_no_done {
                        declaration_no_done = true;
                        (Some("No".into()), "Penetration test booked with a CREST supplier for next month; report to follow.")
                    } else {
                        (Some("Yes".into()), "")
                    }
                }
                ItemKind::Text => (Some(text_for(&item.label).into()), ""),
                ItemKind::LongText => (
                    Some(
                        "Described in our service overview; the detail is in the attached report."
                            .into(),
                    ),
                    "",
                ),
                ItemKind::Email => (Some("alex.morgan@northwind.example".into()), ""),
                ItemKind::OdsCode => (Some("8JK12".into()), ""),
                ItemKind::Version => (Some("2.4.1".into()), ""),
                ItemKind::Date { .. } => (
                    today
                        .checked_sub_days(Days::new(60))
                        .map(|d| d.format("%Y-%m-%d").to_string()),
                    "",
                ),
                ItemKind::Choice { options, .. } => (options.first().cloned(), ""),
                ItemKind::MultiChoice { options, .. } => (
                    Some(
                        options
                            .iter()
                            .take(2)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(";"),
                    ),
                    "",
                ),
                ItemKind::YesNo { .. } => (Some("Yes".into()), ""),
                ItemKind::Guidance { .. } => (Some(scal_core::template::ACKNOWLEDGED.into()), ""),
                ItemKind::EvidenceSlot => (None, ""),
            };
            let value = match (opens.get(item.id.as_str()), &item.kind) {
                (Some(wanted), ItemKind::MultiChoice { .. }) => Some(wanted.join(";")),
                (Some(wanted), _) => wanted.first().cloned(),
                (None, _) => value,
            };
            let Some(raw) = value else { continue };
            let Ok(Some(v)) = scal_core::answer::parse_input(template, &item.id, &raw) else {
                continue;
            };
            out.push((
                item.id.clone(),
                AnswerChange {
                    value: Some(Some(v)),
                    comment: Some(comment.to_string()),
                },
            ));
        }
    }
    out
}

fn text_for(label: &str) -> &'static str {
    let l = label.to_lowercase();
    if l.contains("supplier") || l.contains("organisation") || l.contains("company") {
        "Northwind Health Systems Ltd"
    } else if l.contains("product") {
        "Northwind Booking"
    } else if l.contains("name") {
        "Alex Morgan"
    } else if l.contains("phone") || l.contains("telephone") {
        "0113 496 0000"
    } else {
        "As described in our service overview"
    }
}

/// The value as the sample would store it, for tests.
#[cfg(test)]
fn value_of<'a>(answers: &'a [(String, AnswerChange)], id: &str) -> Option<&'a scal_core::Value> {
    answers
        .iter()
        .find(|(i, _)| i == id)
        .and_then(|(_, c)| c.value.as_ref())
        .and_then(Option::as_ref)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scal_core::Value;

    #[test]
    fn the_sample_answers_part_of_the_template_and_shows_a_no_with_and_without_mitigation() {
        let (template, _) = sample_template().expect("a bundled template");
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let answers = sample_answers(&template, today);
        let answerable = template.items().filter(|(_, i)| i.is_answerable()).count();
        assert!(!answers.is_empty(), "the sample answers nothing");
        assert!(
            answers.len() < answerable,
            "the sample should leave work to do"
        );
        let given: scal_core::Answers = answers
            .iter()
            .map(|(id, c)| {
                (
                    id.clone(),
                    scal_core::Answer {
                        value: c.value.clone().flatten(),
                        comment: String::new(),
                    },
                )
            })
            .collect();
        let visible = scal_core::visible_items(&template, &given);
        for s in template
            .sections
            .iter()
            .filter(|s| s.visible_when.is_some())
        {
            assert!(
                s.items.iter().any(|i| visible.contains(&i.id)),
                "the sample leaves section {} unasked",
                s.id
            );
        }
        for (id, change) in &answers {
            let v = change.value.clone().flatten().unwrap();
            assert!(
                scal_core::answer::normalize(&template, id, v).is_ok(),
                "sample value for {id} is refused"
            );
        }
        if template
            .items()
            .filter(|(_, i)| i.requirement().is_some())
            .count()
            >= 20
        {
            let nos: Vec<_> = answers
                .iter()
                .filter(|(id, _)| value_of(&answers, id) == Some(&Value::One("No".into())))
                .collect();
            assert!(nos
                .iter()
                .any(|(_, c)| c.comment.as_deref().is_some_and(|c| !c.is_empty())));
            assert!(nos.iter().any(|(_, c)| c.comment.as_deref() == Some("")));
        }
    }
}
