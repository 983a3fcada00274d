//! Any bytes as a template file: `load_template` must return a template or its list of
//! problems, never panic. A template that loads is then checked and its visibility worked out
//! on an empty draft, since a loaded template is trusted by everything after it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(template) = scal_core::load_template(text) {
        let state = scal_core::DraftState::default();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 15).unwrap_or_default();
        scal_core::check(&template, &state, today);
        let visible = scal_core::visible_items(&template, &state.answers);
        assert!(visible.len() <= template.items().count());
    }
});
