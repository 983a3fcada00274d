//! Property test: any sequence of answer changes leaves the draft holding exactly what a plain
//! map would hold, with one history entry per real change.

use crate::common;

use std::collections::BTreeMap;

use proptest::prelude::*;
use scal_core::{Answer, Value};
use scal_store::{AnswerChange, Draft};

fn change() -> impl Strategy<Value = (String, AnswerChange)> {
    let item = prop::sample::select(vec!["t.0", "t.1", "t.2", "org.name"]).prop_map(String::from);
    let value = prop_oneof![
        Just(None),
        Just(Some(None)),
        "[a-c]{0,2}".prop_map(|s| Some(Some(Value::One(s)))),
    ];
    let comment = prop_oneof![Just(None), "[x-z ]{0,2}".prop_map(Some)];
    (item, value, comment)
        .prop_map(|(item, value, comment)| (item, AnswerChange { value, comment }))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_draft_matches_a_plain_model(batches in prop::collection::vec(prop::collection::vec(change(), 0..5), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.scal");
        let mut draft = Draft::create(&path, &common::template_json(), "p").unwrap();
        let mut model: BTreeMap<String, Answer> = BTreeMap::new();
        let mut real_changes = 0;
        for batch in &batches {
            let mut expected = 0;
            for (item, change) in batch {
                let old = model.get(item).cloned().unwrap_or_default();
                let mut new = old.clone();
                if let Some(v) = &change.value {
                    new.value = v.clone().and_then(|v| match v {
                        Value::One(s) if s.trim().is_empty() => None,
                        Value::One(s) => Some(Value::One(s.trim().to_string())),
                        many => Some(many),
                    });
                }
                if let Some(c) = &change.comment {
                    new.comment = c.trim().to_string();
                }
                if new != old {
                    expected += 1;
                }
                if new.value.is_none() && new.comment.is_empty() {
                    model.remove(item);
                } else {
                    model.insert(item.clone(), new);
                }
            }
            prop_assert_eq!(draft.apply(batch, "p").unwrap(), expected);
            real_changes += expected;
        }
        prop_assert_eq!(draft.answers().unwrap(), model.clone());
        prop_assert_eq!(draft.history(None).unwrap().len(), real_changes);
        drop(draft);
        prop_assert_eq!(Draft::open(&path).unwrap().answers().unwrap(), model);
    }
}
