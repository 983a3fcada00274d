//! Evidence dates and the Digital Onboarding Service check in the real window (issue 15): a
//! penetration test letter attached, given its own date and a valid-until date that has passed,
//! shown in the evidence list as expired; and an answer over 2,000 characters warned of once the
//! completeness panel checks for the online service.

use super::driver::{App, Display, Env};
use super::*;

/// The IG section's penetration test question and the letter it then asks for (an evidence
/// slot shown once the test is answered Yes).
const SECTION: &str = "ig-security-clinical-safety";
const PEN_TEST: &str = "pen-test-done";
const LETTER: &str = "pen-test-summary";

/// The evidence list's dates cell of the one link in the draft.
const DATES_CELL: &str = "[data-testid=evidence-table] [data-testid^=\"evidence-dates-\"]";

/// Types a date into an `<input type="date">` as a person does: WebKitGTK shows it as the
/// locale's fields (month/day/year under the C and en-US locales), moved between with the
/// separator. `iso`'s day and month are the same, so either order of the two is right; a
/// locale that puts the year first is typed year first.
fn type_date(app: &App, css: &str, iso: &str) {
    let (year, rest) = iso.split_at(4);
    let (month, day) = (&rest[1..3], &rest[4..6]);
    assert_eq!(
        month, day,
        "a date whose day is its month reads the same in either order"
    );
    app.type_into(css, &format!("{day}/{month}/{year}"));
    if app.value(css) != iso {
        app.type_into(css, iso);
    }
    app.wait_until(&format!("{css} to hold {iso}"), |a| a.value(css) == iso);
}

/// Whether the completeness panel lists an issue of `rule` for `item`.
fn issue_listed(app: &App, item: &str, rule: &str) -> bool {
    app.script(
        "return [...document.querySelectorAll('[data-testid=completeness] li[data-item]')]\
           .some(li => li.dataset.item === arguments[0] && li.dataset.rule === arguments[1])",
        serde_json::json!([item, rule]),
    ) == serde_json::json!(true)
}

#[test]
fn desktop_evidence_dates_and_the_dos_check_in_the_real_window() {
    let _one = one_window();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("app-data");
    let dialogs = tmp.path().join("dialogs.txt");
    let draft = tmp.path().join("Northwind dated.scal");
    let letter = tmp.path().join("pen test letter.pdf");
    write_file(&letter, b"%PDF-1.4 penetration test summary letter");
    // Both items exist in the bundled template as this test expects.
    let t = uec_template();
    let ids: Vec<&str> = t["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["id"] == SECTION)
        .flat_map(|s| s["items"].as_array().unwrap())
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert!(ids.contains(&PEN_TEST) && ids.contains(&LETTER), "{ids:?}");

    let display = Display::start();
    let env = Env {
        display: &display,
        data_dir: &data,
        dialogs: &dialogs,
    };
    let app = App::launch(&env);
    answer_dialogs(&dialogs, &[&draft]);
    app.click("input[name=template][value=\"uec-appointment-booking\"]");
    app.click(&tid("new-draft"));
    app.wait_for_text(&tid("draft-title"), "UEC Appointment Booking");

    // --- An answer longer than the online service takes: 2,050 characters.
    app.click(&tid("nav-supplier-product"));
    let long = "Northwind Health Systems Ltd ".repeat(71);
    let long = &long[..2050];
    app.type_into(&tid("answer-supplier-name"), long);
    app.wait_saved();

    // --- The penetration test letter, attached through the dialog seam.
    app.click(&tid(&format!("nav-{SECTION}")));
    app.choose(&tid(&format!("answer-{PEN_TEST}")), "Yes");
    app.wait_saved();
    answer_dialogs(&dialogs, &[&letter]);
    app.click(&tid(&format!("attach-{LETTER}")));
    app.wait_for_text(&tid(&format!("evidence-{LETTER}")), "pen test letter.pdf");

    // --- Its dates, set on the link in the Evidence tab: written in 2020, valid for a year,
    // so expired whatever day the test runs.
    app.click(&tid("tab-evidence"));
    app.wait_for_text(DATES_CELL, "None given");
    app.click("[data-testid=evidence-table] button[aria-label^=\"Dates of pen test letter.pdf\"]");
    type_date(&app, &tid("dates-dated"), "2020-01-01");
    type_date(&app, &tid("dates-valid-until"), "2021-01-01");
    app.click(&tid("dates-save"));
    app.wait_for_text(DATES_CELL, "Dated 2020-01-01");
    app.wait_for_text(DATES_CELL, "Expired: valid until 2021-01-01");
    assert!(
        !app.exists(&tid("dates-form")),
        "the dates close once saved"
    );
    // The item says it too, where the file is listed.
    app.click(&tid("tab-answer"));
    app.click(&tid(&format!("nav-{SECTION}")));
    app.wait_for_text(
        &tid(&format!("evidence-{LETTER}")),
        "Expired: valid until 2021-01-01",
    );

    // --- Completeness: the expired letter is named; the over-long answer only once the
    // Digital Onboarding Service is checked for.
    app.click(&tid("tab-completeness"));
    app.wait_until("the expired letter to be listed", |a| {
        issue_listed(a, LETTER, "evidence_expired")
    });
    assert!(
        !issue_listed(&app, "supplier-name", "dos_too_long"),
        "the workbook takes any length: no length warning before the switch is on"
    );
    app.click(&tid("dos-check"));
    app.wait_until("the over-long answer to be warned of", |a| {
        issue_listed(a, "supplier-name", "dos_too_long")
    });
    app.wait_for_text(
        &tid("issues-supplier-product"),
        "the answer is 2050 characters long; the Digital Onboarding Service takes 2000",
    );
    app.wait_for_text(
        &tid("dos-summary"),
        "1 answer or comment is over the Digital Onboarding Service's 2,000-character limit",
    );

    // --- Shortened, the warning goes (the service's report is asked again after the save).
    app.click(&tid("tab-answer"));
    app.click(&tid("nav-supplier-product"));
    app.type_into(&tid("answer-supplier-name"), "Northwind Health Systems Ltd");
    app.wait_saved();
    app.click(&tid("tab-completeness"));
    app.wait_for_text(&tid("dos-summary"), "Every answer and comment fits");
    assert!(!issue_listed(&app, "supplier-name", "dos_too_long"));
}
