//! Answers: what the supplier said for an item, and the rules an answer must meet to be taken.

use crate::CoreError;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::template::{Item, ItemKind, Template, OTHER};

/// A response to one item. Multi-choice items hold a list; everything else a single string.
/// Dates are ISO 8601 (`YYYY-MM-DD`) strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    One(String),
    Many(Vec<String>),
}

/// A string or a list of strings, read straight off the input: an untagged derive would buffer
/// every value before trying each variant, and every read of a draft's answers (and of each
/// snapshot's) reads thousands of them.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Value;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a list of strings")
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Value, E> {
                Ok(Value::One(s.to_string()))
            }

            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Value, E> {
                Ok(Value::One(s))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Value, A::Error> {
                let mut all = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(s) = seq.next_element::<String>()? {
                    all.push(s);
                }
                Ok(Value::Many(all))
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

impl Value {
    /// The value as the workbook and the CLI write it: multi-choice joined with "; ".
    pub fn display(&self) -> String {
        match self {
            Value::One(s) => s.clone(),
            Value::Many(v) => v.join("; "),
        }
    }

    pub fn as_one(&self) -> Option<&str> {
        match self {
            Value::One(s) => Some(s),
            Value::Many(_) => None,
        }
    }

    pub fn contains(&self, wanted: &str) -> bool {
        match self {
            Value::One(s) => s == wanted,
            Value::Many(v) => v.iter().any(|s| s == wanted),
        }
    }
}

/// What is stored for an item: a value (or none yet) and a comment (mitigation, justification,
/// statement, additional notes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub value: Option<Value>,
    #[serde(default)]
    pub comment: String,
}

/// Every answer in a draft, by item id.
pub type Answers = BTreeMap<String, Answer>;

/// The longest response or comment we store (a bound, so hostile input cannot exhaust memory).
pub const MAX_TEXT_CHARS: usize = 1_048_576;

/// True for the dropdown placeholder ("Please select…", "please select….", "[please state]")
/// and for blank text: none of them is ever an answer.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim().trim_matches(|c| c == '[' || c == ']').trim();
    if t.is_empty() {
        return true;
    }
    // Compared without a lower-cased copy: this runs for every answer and comment of a check.
    let stripped = t.trim_end_matches(['.', '\u{2026}', ' ']);
    ["please select", "please state", "select"]
        .iter()
        .any(|p| stripped.eq_ignore_ascii_case(p))
}

/// True when the item has a real answer (not absent, not a placeholder, not an empty list).
pub fn is_answered(answer: Option<&Answer>) -> bool {
    match answer.and_then(|a| a.value.as_ref()) {
        None => false,
        Some(Value::One(s)) => !is_placeholder(s),
        Some(Value::Many(v)) => v.iter().any(|s| !is_placeholder(s)),
    }
}

/// Parses what a person typed for an item (`scal answer`), as the CLI and the app receive it:
/// multi-choice values joined with `;`, dates in ISO 8601. An empty string clears the answer.
pub fn parse_input(
    template: &Template,
    item_id: &str,
    raw: &str,
) -> Result<Option<Value>, CoreError> {
    let (_, item) = template
        .item(item_id)
        .ok_or_else(|| CoreError::UnknownItem(item_id.to_string()))?;
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let value = match item.kind {
        ItemKind::MultiChoice { .. } => Value::Many(
            raw.split(';')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        ),
        _ => Value::One(raw.to_string()),
    };
    normalize(template, item_id, value).map(Some)
}

/// Checks a value against its item and returns it in canonical form (option spelling as the
/// template has it, trimmed text, ISO date, upper-case ODS code). Rejects what cannot be stored.
pub fn normalize(template: &Template, item_id: &str, value: Value) -> Result<Value, CoreError> {
    let (_, item) = template
        .item(item_id)
        .ok_or_else(|| CoreError::UnknownItem(item_id.to_string()))?;
    normalize_item(item, value)
}

/// [`normalize`] for an item already in hand: the completeness check walks every item, and
/// looking each one up by id again would make it quadratic in the template's size.
pub fn normalize_item(item: &Item, value: Value) -> Result<Value, CoreError> {
    let id = || item.id.clone();
    check_len(item, &value)?;
    match &item.kind {
        ItemKind::EvidenceSlot => Err(CoreError::NotAnswerable {
            item: id(),
            kind: "evidence slot",
            hint: "attach a file to it instead",
        }),
        ItemKind::Guidance {
            acknowledge: false, ..
        } => Err(CoreError::NotAnswerable {
            item: id(),
            kind: "guidance",
            hint: "it is there to be read",
        }),
        ItemKind::MultiChoice { other, .. } => {
            let many = match value {
                Value::Many(v) => v,
                Value::One(s) => vec![s],
            };
            let mut out: Vec<String> = Vec::new();
            for v in many {
                let canon = canonical_option(item, &v, *other)?;
                if !out.contains(&canon) {
                    out.push(canon);
                }
            }
            Ok(Value::Many(out))
        }
        kind => {
            let Value::One(s) = value else {
                return Err(CoreError::NotMulti { item: id() });
            };
            let s = s.trim().to_string();
            match kind {
                ItemKind::Text | ItemKind::LongText => Ok(Value::One(s)),
                ItemKind::Email => {
                    if is_email(&s) {
                        Ok(Value::One(s))
                    } else {
                        Err(CoreError::BadEmail {
                            item: id(),
                            value: s,
                        })
                    }
                }
                ItemKind::OdsCode => {
                    let up = s.to_uppercase();
                    if is_ods_code(&up) {
                        Ok(Value::One(up))
                    } else {
                        Err(CoreError::BadOdsCode {
                            item: id(),
                            value: s,
                        })
                    }
                }
                ItemKind::Version => {
                    if is_version(&s) {
                        Ok(Value::One(s))
                    } else {
                        Err(CoreError::BadVersion {
                            item: id(),
                            value: s,
                        })
                    }
                }
                ItemKind::Date { .. } => match parse_date(&s) {
                    Some(d) => Ok(Value::One(d.format("%Y-%m-%d").to_string())),
                    None => Err(CoreError::BadDate {
                        item: id(),
                        value: s,
                    }),
                },
                ItemKind::Choice { other, .. } => {
                    canonical_option(item, &s, *other).map(Value::One)
                }
                _ => canonical_option(item, &s, false).map(Value::One),
            }
        }
    }
}

fn check_len(item: &Item, value: &Value) -> Result<(), CoreError> {
    let len = match value {
        Value::One(s) => s.chars().count(),
        Value::Many(v) => v.iter().map(|s| s.chars().count()).sum(),
    };
    if len > MAX_TEXT_CHARS {
        return Err(CoreError::TooLong {
            item: item.id.clone(),
            len,
            max: MAX_TEXT_CHARS,
        });
    }
    Ok(())
}

/// Matches a typed response to an option regardless of case and surrounding space, and accepts
/// "Other: <text>" where the item offers Other.
fn canonical_option(item: &Item, typed: &str, other_allowed: bool) -> Result<String, CoreError> {
    let t = typed.trim();
    let options = item.options_ref();
    if let Some(o) = options.iter().find(|o| o.trim().eq_ignore_ascii_case(t)) {
        return Ok(o.clone());
    }
    if other_allowed {
        if let Some(rest) = other_text(t) {
            return Ok(format!("{OTHER}: {}", rest.trim()));
        }
    }
    Err(CoreError::NotAnOption {
        item: item.id.clone(),
        value: t.to_string(),
        options: options.join(", "),
    })
}

/// For "Other: text" returns Some("text"); for a bare "Other" returns Some("").
pub fn other_text(value: &str) -> Option<&str> {
    let t = value.trim();
    let head = t.get(..OTHER.len())?;
    if !head.eq_ignore_ascii_case(OTHER) {
        return None;
    }
    let rest = &t[OTHER.len()..];
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix(':').map(str::trim)
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// ODS codes are short alphanumeric identifiers: `RR8`, `X26`, `8JK12`, `FA123`.
pub fn is_ods_code(s: &str) -> bool {
    (3..=10).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

pub fn is_version(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_' | ' '))
}

#[cfg(test)]
mod value_json_tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failing test")]

    use super::Value;

    #[test]
    fn a_value_reads_as_a_string_or_a_list_of_strings_and_nothing_else() {
        let one: Value = serde_json::from_str(r#""Yes \"really\"""#).unwrap();
        assert_eq!(one, Value::One("Yes \"really\"".into()));
        let many: Value = serde_json::from_str(r#" ["A", "B"]"#).unwrap();
        assert_eq!(many, Value::Many(vec!["A".into(), "B".into()]));
        let none: Value = serde_json::from_str("[]").unwrap();
        assert_eq!(none, Value::Many(vec![]));
        for bad in [
            "1",
            "true",
            "null",
            r#"{"a": "b"}"#,
            r#"["A", 2]"#,
            r#"[["A"]]"#,
        ] {
            assert!(
                serde_json::from_str::<Value>(bad).is_err(),
                "{bad} was taken"
            );
        }
        for v in [one, many] {
            let text = serde_json::to_string(&v).unwrap();
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
        }
    }
}
