//! Any bytes as an answers file (`scal apply`) against the flagship template: parsing must
//! give rows or one sentence, never panic. Rows that parse are applied and checked, as `apply`
//! and the completeness panel would.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scal_core::{Answer, DraftState, Template};

fn template() -> &'static Template {
    static T: OnceLock<Template> = OnceLock::new();
    T.get_or_init(|| {
        scal_core::bundled_template("uec-appointment-booking")
            .expect("the flagship template is bundled")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match scal_core::answers_file::parse(text, template()) {
        // A refusal names the row; the CLI makes it one line (values may hold line breaks).
        Err(message) => assert!(!message.is_empty(), "a refusal says why"),
        Ok(rows) => {
            let mut state = DraftState::default();
            for row in rows {
                let answer = state
                    .answers
                    .entry(row.item)
                    .or_insert_with(Answer::default);
                if let Some(value) = row.value {
                    answer.value = value;
                }
                if let Some(comment) = row.comment {
                    answer.comment = comment;
                }
            }
            let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 15).unwrap_or_default();
            scal_core::check(template(), &state, today);
        }
    }
});
