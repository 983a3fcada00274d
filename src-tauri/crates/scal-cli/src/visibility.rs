//! Which items a draft shows, for `scal show`.
//!
//! This restates the rule `scal_core::check` applies (its own `visibility` is private):
//! an item is shown when it has no condition, or its controller is shown and the controller's
//! answer is the condition's `equals` or one of its `any_of` (any chosen response of a
//! multi-choice answer; trimmed, ignoring ASCII case; "Other: text" matching "Other"; a
//! placeholder matching nothing). A loaded template only names earlier items in conditions,
//! so one pass in template order settles every item. The e2e tests check that `show` and
//! `check` agree.

use std::collections::HashMap;

use scal_core::answer::{is_placeholder, other_text};
use scal_core::template::{Condition, OTHER};
use scal_core::{Answers, Template, Value};

/// Item id → shown.
pub fn visible_items(template: &Template, answers: &Answers) -> HashMap<String, bool> {
    let mut shown: HashMap<String, bool> = HashMap::new();
    for (_, item) in template.items() {
        let visible = match &item.visible_when {
            None => true,
            Some(cond) => {
                // A controller not seen yet (not an earlier item) is taken as shown, as the
                // core does, so a malformed condition asks too much rather than too little.
                let controller_shown = shown.get(&cond.item).copied().unwrap_or(true);
                controller_shown
                    && holds(cond, answers.get(&cond.item).and_then(|a| a.value.as_ref()))
            }
        };
        shown.entry(item.id.clone()).or_insert(visible);
    }
    shown
}

fn holds(cond: &Condition, value: Option<&Value>) -> bool {
    if cond.equals.is_none() && cond.any_of.is_empty() {
        return true;
    }
    let given: &[String] = match value {
        None => &[],
        Some(Value::One(s)) => std::slice::from_ref(s),
        Some(Value::Many(v)) => v,
    };
    given.iter().filter(|g| !is_placeholder(g)).any(|g| {
        cond.equals.iter().chain(&cond.any_of).any(|w| {
            let (g, w) = (g.trim(), w.trim());
            g.eq_ignore_ascii_case(w) || (w.eq_ignore_ascii_case(OTHER) && other_text(g).is_some())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use scal_core::Answer;

    fn template() -> Template {
        scal_core::load_template(
            r#"{"id": "t", "version": "1.0.0", "title": "T", "publisher": "P", "sections": [
                {"id": "s", "title": "S", "kind": "form", "items": [
                  {"id": "hscn", "label": "HSCN", "type": "yes_no"},
                  {"id": "signed", "label": "Signed", "type": "date",
                   "visible_when": {"item": "hscn", "equals": "Yes"}},
                  {"id": "by", "label": "Signed by", "type": "text",
                   "visible_when": {"item": "signed", "any_of": ["2026-01-01"]}},
                  {"id": "where", "label": "Where", "type": "choice", "options": ["Here"], "other": true},
                  {"id": "other_detail", "label": "Detail", "type": "text",
                   "visible_when": {"item": "where", "equals": "Other"}}
                ]}]}"#,
        )
        .expect("the test template loads")
    }

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    (*k).to_string(),
                    Answer {
                        value: Some(Value::One((*v).to_string())),
                        comment: String::new(),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn follow_ups_show_only_when_their_condition_holds_all_the_way_up() {
        let t = template();
        let v = visible_items(&t, &answers(&[]));
        assert!(v["hscn"] && !v["signed"] && !v["by"]);
        let v = visible_items(&t, &answers(&[("hscn", "yes"), ("signed", "2026-01-01")]));
        assert!(v["signed"] && v["by"]);
        // Hiding the controller hides the chain, whatever the follow-up holds.
        let v = visible_items(&t, &answers(&[("hscn", "No"), ("signed", "2026-01-01")]));
        assert!(!v["signed"] && !v["by"]);
    }

    #[test]
    fn other_with_text_counts_as_other() {
        let t = template();
        assert!(visible_items(&t, &answers(&[("where", "Other: the moon")]))["other_detail"]);
        assert!(!visible_items(&t, &answers(&[("where", "Here")]))["other_detail"]);
    }
}
