//! The answers file (`scal apply`, and anything else that sets many answers at once), described
//! by schemas/answers.schema.json:
//!
//! ```json
//! {"answers": [{"item": "supplier_name", "value": "Acme Ltd", "comment": "..."}]}
//! ```
//!
//! `value` absent leaves the answer as it is, `null` (or `""`, or `[]`) clears it; `comment`
//! absent leaves the comment, `""` clears it. Every row is checked against the template before
//! anything is written, so one bad row refuses the whole file.
//!
//! Parsing lives here, not in the CLI, because it is pure and is fuzzed (fuzz/) as well as used.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

mod strict;

use crate::answer::{normalize, parse_input, MAX_TEXT_CHARS};
use crate::{Template, Value};

/// One row of the file, checked against the template and in canonical form.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub item: String,
    /// `None`: leave the value; `Some(None)`: clear it; `Some(Some(v))`: set it.
    pub value: Option<Option<Value>>,
    /// `None`: leave the comment; `Some(text)`: set it (empty clears).
    pub comment: Option<String>,
}

/// Parses the file's text. Errors are one sentence naming the row and item, without the path.
pub fn parse(text: &str, template: &Template) -> Result<Vec<Row>, String> {
    // Editors on Windows start a UTF-8 file with a byte-order mark; it is not part of the JSON.
    let text = crate::text::without_bom(text);
    let doc = strict::from_str(text)?;
    let Json::Object(top) = doc else {
        return Err(r#"the answers file must be a JSON object {"answers": [...]}"#.to_string());
    };
    for key in top.keys() {
        if key != "answers" && key != "$schema" {
            return Err(format!(
                "unexpected key \"{key}\" at the top level; only \"answers\" (and \"$schema\") belong there"
            ));
        }
    }
    let rows = match top.get("answers") {
        Some(Json::Array(rows)) => rows,
        Some(_) => return Err("\"answers\" must be a list of rows".to_string()),
        None => {
            return Err(
                r#"there is no "answers" list; the file looks like {"answers": [...]}"#.to_string(),
            )
        }
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let n = i + 1;
        let Json::Object(fields) = row else {
            return Err(format!(
                "answer {n} is not an object like {{\"item\": ..., \"value\": ...}}"
            ));
        };
        let parsed = parse_row(n, fields, template)?;
        if let Some(first) = seen.insert(parsed.item.clone(), n) {
            return Err(format!(
                "item \"{}\" appears twice (answers {first} and {n}); give each item one row",
                parsed.item
            ));
        }
        out.push(parsed);
    }
    Ok(out)
}

fn parse_row(n: usize, fields: &Map<String, Json>, template: &Template) -> Result<Row, String> {
    let item = match fields.get("item") {
        Some(Json::String(s)) => s.clone(),
        Some(_) => {
            return Err(format!(
                "answer {n}: \"item\" must be a string (the item id)"
            ))
        }
        None => return Err(format!("answer {n} has no \"item\"")),
    };
    let at = |msg: String| format!("answer {n} (item \"{item}\"): {msg}");
    for key in fields.keys() {
        if !matches!(key.as_str(), "item" | "value" | "comment") {
            return Err(at(format!(
                "unexpected key \"{key}\"; a row has only \"item\", \"value\" and \"comment\""
            )));
        }
    }
    if template.item(&item).is_none() {
        return Err(at(format!("there is no item \"{item}\" in this template")));
    }
    let value = match fields.get("value") {
        None => None,
        Some(Json::Null) => Some(None),
        Some(Json::String(s)) => {
            Some(parse_input(template, &item, s).map_err(|e| at(e.to_string()))?)
        }
        Some(Json::Array(list)) => {
            let mut many = Vec::with_capacity(list.len());
            for v in list {
                match v {
                    Json::String(s) => many.push(s.clone()),
                    _ => {
                        return Err(at(
                            "every entry of a \"value\" list must be a string".to_string()
                        ))
                    }
                }
            }
            if many.iter().all(|s| s.trim().is_empty()) {
                Some(None)
            } else {
                Some(Some(
                    normalize(template, &item, Value::Many(many)).map_err(|e| at(e.to_string()))?,
                ))
            }
        }
        Some(_) => {
            return Err(at(
                "\"value\" must be a string, a list of strings, or null to clear it".to_string(),
            ))
        }
    };
    let comment = match fields.get("comment") {
        None => None,
        Some(Json::String(s)) if s.chars().count() > MAX_TEXT_CHARS => {
            return Err(at(format!(
                "the comment is longer than {MAX_TEXT_CHARS} characters"
            )))
        }
        Some(Json::String(s)) => Some(s.trim().to_string()),
        Some(_) => return Err(at("\"comment\" must be a string".to_string())),
    };
    if value.is_none() && comment.is_none() {
        return Err(at(
            "the row sets neither \"value\" nor \"comment\"".to_string()
        ));
    }
    Ok(Row {
        item,
        value,
        comment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> Template {
        crate::load_template(
            r#"{"id": "t", "version": "1.0.0", "title": "T", "publisher": "P", "sections": [
                {"id": "s", "title": "S", "kind": "form", "items": [
                  {"id": "name", "label": "Name", "type": "text"},
                  {"id": "signed", "label": "Signed", "type": "date"},
                  {"id": "care", "label": "Care settings", "type": "multi_choice",
                   "options": ["Urgent care", "Primary care"]},
                  {"id": "isms", "label": "ISMS", "type": "yes_no"}
                ]}]}"#,
        )
        .expect("the test template loads")
    }

    fn check(text: &str) -> Result<Vec<Row>, String> {
        parse(text, &template())
    }

    #[test]
    fn rows_are_read_in_canonical_form() {
        let rows = check(
            r#"{"$schema": "x", "answers": [
                {"item": "name", "value": "  Acme  ", "comment": "from Companies House"},
                {"item": "signed", "value": "2026-01-31"},
                {"item": "care", "value": ["primary care", "Urgent care"]},
                {"item": "isms", "comment": ""}
            ]}"#,
        )
        .unwrap();
        assert_eq!(rows[0].value, Some(Some(Value::One("Acme".into()))));
        assert_eq!(rows[0].comment.as_deref(), Some("from Companies House"));
        assert_eq!(
            rows[2].value,
            Some(Some(Value::Many(vec![
                "Primary care".into(),
                "Urgent care".into()
            ])))
        );
        assert_eq!(rows[3].value, None);
        assert_eq!(rows[3].comment.as_deref(), Some(""));
    }

    #[test]
    fn a_file_saved_with_a_byte_order_mark_is_read() {
        let rows =
            check("\u{FEFF}{\"answers\": [{\"item\": \"name\", \"value\": \"Acme\"}]}").unwrap();
        assert_eq!(rows[0].value, Some(Some(Value::One("Acme".into()))));
        let err = check("{\"answers\": [\u{FEFF}]}").unwrap_err();
        assert!(err.contains("not valid JSON"), "{err}");
    }

    #[test]
    fn null_empty_string_and_empty_list_all_clear() {
        let rows = check(
            r#"{"answers": [{"item": "name", "value": null}, {"item": "signed", "value": ""},
                            {"item": "care", "value": []}]}"#,
        )
        .unwrap();
        assert!(rows.iter().all(|r| r.value == Some(None)));
    }

    #[test]
    fn a_multi_choice_string_is_split_on_semicolons() {
        let rows =
            check(r#"{"answers": [{"item": "care", "value": "Urgent care; Primary care"}]}"#)
                .unwrap();
        assert_eq!(
            rows[0].value,
            Some(Some(Value::Many(vec![
                "Urgent care".into(),
                "Primary care".into()
            ])))
        );
    }

    #[test]
    fn each_bad_row_is_named_by_number_and_item() {
        let cases = [
            ("{", "not valid JSON"),
            ("[]", "must be a JSON object"),
            (r#"{"rows": []}"#, "unexpected key \"rows\""),
            (r#"{"answers": {}}"#, "must be a list"),
            (r#"{"answers": [1]}"#, "answer 1 is not an object"),
            (
                r#"{"answers": [{"value": "x"}]}"#,
                "answer 1 has no \"item\"",
            ),
            (
                r#"{"answers": [{"item": "nope", "value": "x"}]}"#,
                "answer 1 (item \"nope\"): there is no item \"nope\"",
            ),
            (
                r#"{"answers": [{"item": "isms", "value": "Maybe"}]}"#,
                "answer 1 (item \"isms\"): \"Maybe\" is not a response",
            ),
            (
                r#"{"answers": [{"item": "signed", "value": "31/01/2026"}]}"#,
                "is not a date",
            ),
            (
                r#"{"answers": [{"item": "isms", "value": 1}]}"#,
                "\"value\" must be a string",
            ),
            (
                r#"{"answers": [{"item": "care", "value": [1]}]}"#,
                "every entry of a \"value\" list",
            ),
            (
                r#"{"answers": [{"item": "isms", "value": ["Yes"]}]}"#,
                "takes one response, not a list",
            ),
            (
                r#"{"answers": [{"item": "isms", "comment": 3}]}"#,
                "\"comment\" must be a string",
            ),
            (
                r#"{"answers": [{"item": "isms", "comments": "x"}]}"#,
                "unexpected key \"comments\"",
            ),
            (r#"{"answers": [{"item": "isms"}]}"#, "sets neither"),
            (
                r#"{"answers": [{"item": "isms", "value": "Yes"}, {"item": "name", "value": "x", "value": "y"}]}"#,
                "answer 2 (item \"name\") gives \"value\" twice",
            ),
            (
                r#"{"answers": [{"value": "x", "item": "name", "item": "isms"}]}"#,
                "answer 1 gives \"item\" twice",
            ),
            (
                r#"{"answers": [{"item": "name", "comment": "a", "comment": "b"}]}"#,
                "answer 1 (item \"name\") gives \"comment\" twice",
            ),
            (
                r#"{"answers": [], "answers": [{"item": "name", "value": "x"}]}"#,
                "gives \"answers\" twice",
            ),
            (
                r#"{"answers": [{"item": "name", "value": [{"a": 1, "a": 2}]}]}"#,
                "\"a\" is given twice",
            ),
            (
                r#"{"answers": [{"item": "isms", "value": "Yes"}, {"item": "isms", "comment": "x"}]}"#,
                "appears twice (answers 1 and 2)",
            ),
        ];
        for (text, wanted) in cases {
            let err = check(text).expect_err(text);
            assert!(
                err.contains(wanted),
                "for {text}: got {err:?}, wanted it to contain {wanted:?}"
            );
            assert!(
                !err.contains('\n'),
                "for {text}: the message spans lines: {err:?}"
            );
        }
    }
}
