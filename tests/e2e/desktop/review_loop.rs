//! The review loop in the real window: a draft exported, the workbook edited as an assessor
//! would (a remark in the "NHS review" column, a note, a changed answer, re-saved by openpyxl),
//! brought back with "Import reviewer's workbook…", the proposed change accepted, a remark
//! answered and resolved, and the resubmission exported with its "Response to review".

use serde_json::json;

use super::driver::{App, Display, Env};
use super::*;
use crate::cli::review_loop::{as_assessor, sheet_rows};
use crate::cli::{p, scal, Dir};

#[test]
fn desktop_review_import_accept_reply_and_resubmit_in_the_real_window() {
    let _one = one_window();
    let dir = Dir::new();
    let data = dir.path("app-data");
    let dialogs = dir.path("dialogs.txt");
    // Made and exported with `scal` (the desktop export is the journey test's), as the lead
    // would have sent it.
    let draft = dir.path("Northwind.scal");
    let d = p(&draft);
    scal(["new", &d, "--template", "uec-appointment-booking"]).ok();
    scal(["answer", &d, "supplier-name", "Northwind Health"]).ok();
    scal(["answer", &d, "hscn-connection", "Yes"]).ok();
    scal(["answer", &d, "isms", "Yes", "--comment", "ISO 27001"]).ok();
    let sent = dir.path("sent");
    scal(["export", &d, "--out", &p(&sent), "--xlsx"]).ok();
    let returned = dir.path("Northwind reviewed.xlsx");
    as_assessor(
        &dir,
        &sent.join("Northwind.xlsx"),
        &returned,
        &json!({
            "review": {"supplier-name": "Please give the legal entity name."},
            "change": {"hscn-connection": "No"},
            "note": {"isms": ["A. Assessor", "Is the certificate still valid?"]}
        }),
    );

    let display = Display::start();
    let env = Env {
        display: &display,
        data_dir: &data,
        dialogs: &dialogs,
    };
    let app = App::launch(&env);
    answer_dialogs(&dialogs, &[&draft]);
    app.click(&tid("open-draft"));
    app.wait_for_text(&tid("draft-title"), "UEC Appointment Booking");

    // --- Bring the assessor's workbook in.
    app.click(&tid("tab-signoff"));
    answer_dialogs(&dialogs, &[&returned]);
    app.click(&tid("review-import"));
    app.wait_for_text(&tid("open-comments"), "Please give the legal entity name.");
    app.wait_for_text(&tid("open-comments"), "Is the certificate still valid?");
    app.wait_for_text(&tid("open-comments"), "Proposed change:");
    app.wait_for_text(&tid("tab-signoff"), "Review (3 open)");
    app.screenshot(&image("app-review-import.png"));

    // --- The proposed change, on its item: shown, not applied, until accepted.
    app.click(&tid("tab-answer"));
    app.click(&tid("nav-supplier-product"));
    assert_eq!(app.value(&tid("answer-hscn-connection")), "Yes");
    app.click(&tid("comments-hscn-connection"));
    app.wait_for_text(&tid("comments-dialog"), "Proposed change");
    assert_eq!(
        app.find_all("[data-testid^=\"accept-\"]").len(),
        1,
        "one Accept change button, on the one proposed change"
    );
    app.click("[data-testid^=\"accept-\"]");
    app.wait_until("the answer to become the assessor's", |a| {
        a.value(&tid("answer-hscn-connection")) == "No"
    });
    app.wait_for_text(
        &tid("comments-dialog"),
        "Accepted: the response is now \"No\".",
    );
    app.wait_for_text(&tid("comments-dialog"), "Resolved by");
    app.click(&tid("close-comments"));

    // --- A remark answered and resolved in the window.
    app.click(&tid("comments-supplier-name"));
    app.wait_for_text(
        &tid("comments-dialog"),
        "Please give the legal entity name.",
    );
    app.click("[data-testid^=\"reply-\"]:not([data-testid^=\"reply-text\"]):not([data-testid^=\"reply-send\"])");
    app.type_into(
        "[data-testid^=\"reply-text-\"]",
        "The legal entity is Northwind Health Ltd.",
    );
    app.click("[data-testid^=\"reply-send-\"]");
    app.wait_for_text(
        &tid("comments-dialog"),
        "The legal entity is Northwind Health Ltd.",
    );
    app.click("[data-testid^=\"resolve-\"]");
    app.wait_for_text(&tid("comments-dialog"), "Resolved by");
    app.click(&tid("close-comments"));
    app.wait_for_text(&tid("tab-signoff"), "Review (1 open)");
    drop(app);

    // --- The resubmission says what was done: read back from the file.
    let again = dir.path("again");
    scal(["export", &d, "--out", &p(&again), "--xlsx"]).ok();
    let rows = sheet_rows(&again.join("Northwind.xlsx"), "Response to review");
    let row = |id: &str| {
        rows.iter()
            .find(|r| r.last().map(String::as_str) == Some(id))
            .unwrap_or_else(|| panic!("no row for {id}: {rows:?}"))
            .clone()
    };
    assert_eq!(row("hscn-connection")[4], "Resolved");
    assert_eq!(row("hscn-connection")[3], "answer \"Yes\" \u{2192} \"No\"");
    assert!(row("supplier-name")[2].contains("The legal entity is Northwind Health Ltd."));
    assert_eq!(row("isms")[4], "Open");
}
