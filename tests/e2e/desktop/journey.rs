//! The authoring journey in the real window: create a draft from the UEC template, answer form
//! fields, declarations and requirement rows (No + mitigation included), attach evidence, watch
//! completeness change, close and reopen the app, review read-only, export and verify.

use std::path::Path;

use serde_json::Value;

use super::driver::{App, Display, Env};
use super::*;

/// Items of the UEC template the journey answers, picked by kind so the test follows the
/// template rather than a copy of its ids.
struct Picks {
    form_section: String,
    text: String,
    choice: (String, String),
    /// The multi-choice answer that opens the service section (the services grid).
    opens: (String, String),
    service_section: String,
    decl_yes: String,
    decl_no: String,
    req_yes: String,
    req_no_mitigated: (String, String),
    req_no_bare: (String, String),
    evidence_req: String,
    slot: String,
}

fn items(section: &Value) -> impl Iterator<Item = &Value> {
    section["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i.get("visible_when").is_none())
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn reference(v: &Value) -> String {
    v["reference"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| id(v))
}

fn picks(t: &Value) -> Picks {
    let sections = t["sections"].as_array().unwrap();
    let form = sections.iter().find(|s| s["kind"] == "form").unwrap();
    let service = sections.iter().find(|s| s["kind"] == "service").unwrap();
    let of = |s: &Value, kind: &str| {
        items(s)
            .filter(|i| i["type"] == kind)
            .cloned()
            .collect::<Vec<_>>()
    };
    let choice = of(form, "choice").remove(0);
    let cond = &service["visible_when"];
    let opens = (
        cond["item"].as_str().unwrap().to_string(),
        cond["any_of"][0]
            .as_str()
            .or(cond["equals"].as_str())
            .unwrap()
            .to_string(),
    );
    let decls = of(service, "declaration");
    let reqs = of(service, "requirement");
    let must_declared: Vec<_> = reqs
        .iter()
        .filter(|r| {
            r["level"] == "MUST" && r.get("assessment").is_none_or(|a| a == "supplier_declared")
        })
        .collect();
    let musts: Vec<_> = reqs.iter().filter(|r| r["level"] == "MUST").collect();
    let evidence_req = reqs.iter().find(|r| r["assessment"] == "evidence").unwrap();
    let others: Vec<_> = musts
        .iter()
        .filter(|r| id(r) != id(evidence_req) && id(r) != id(must_declared[0]))
        .collect();
    Picks {
        form_section: id(form),
        text: id(&of(form, "text")[0]),
        choice: (
            id(&choice),
            choice["options"][1].as_str().unwrap().to_string(),
        ),
        opens,
        service_section: id(service),
        decl_yes: id(&decls[0]),
        decl_no: id(&decls[1]),
        req_yes: id(must_declared[0]),
        req_no_mitigated: (id(others[0]), reference(others[0])),
        req_no_bare: (id(others[1]), reference(others[1])),
        evidence_req: id(evidence_req),
        slot: id(&of(service, "evidence_slot")[0]),
    }
}

fn blocking(app: &App) -> u64 {
    let text = app.text(&tid("blocking-count"));
    text.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in \"{text}\""))
}

fn percent(app: &App) -> u64 {
    let text = app.text(&tid("completeness-percent"));
    text.trim_end_matches('%')
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("no percent in \"{text}\""))
}

/// Whether the completeness panel lists an issue about a missing mitigation for `item`.
fn mitigation_issue(app: &App, item: &str) -> bool {
    app.script(
        "return [...document.querySelectorAll('[data-testid=completeness] li[data-item]')]\
           .some(li => li.dataset.item === arguments[0] && li.dataset.rule.includes('mitigation'))",
        serde_json::json!([item]),
    ) == serde_json::json!(true)
}

/// Shows an item by searching for its ID, as a person would with a long section.
fn search(app: &App, item: &str) {
    app.type_into(&tid("search"), item);
    app.find(&format!("[data-item-id=\"{item}\"]"));
}

#[test]
fn desktop_authoring_journey_in_the_real_window() {
    let _one = one_window();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("app-data");
    let dialogs = tmp.path().join("dialogs.txt");
    let draft = tmp.path().join("Northwind UEC.scal");
    let report = tmp.path().join("conformance-report.pdf");
    write_file(
        &report,
        b"%PDF-1.4\n% a stand-in Technical Conformance Report\n",
    );
    let big = tmp.path().join("test-evidence.zip");
    write_file(&big, &vec![7u8; 6 * 1024 * 1024]);
    let out = tmp.path().join("export");
    std::fs::create_dir_all(&out).unwrap();
    let t = uec_template();
    let p = picks(&t);
    let display = Display::start();
    let env = Env {
        display: &display,
        data_dir: &data,
        dialogs: &dialogs,
    };

    // --- First launch: the start screen offers a sample; create a draft from the UEC template.
    let app = App::launch(&env);
    println!(
        "launch to interactive start screen: {:?}",
        app.launch_to_interactive
    );
    assert!(
        app.exists(&tid("open-sample")),
        "a first launch offers the sample draft"
    );
    app.screenshot(&image("app-start.png"));
    answer_dialogs(&dialogs, &[&draft]);
    app.click("input[name=template][value=\"uec-appointment-booking\"]");
    app.click(&tid("new-draft"));
    app.wait_for_text(&tid("draft-title"), "UEC Appointment Booking");
    assert!(
        draft.is_file(),
        "the draft file was created where the dialog said"
    );

    // --- Form fields: text, dropdown, multi-select. Each change is saved with no Save button.
    app.click(&tid(&format!("nav-{}", p.form_section)));
    app.type_into(
        &tid(&format!("answer-{}", p.text)),
        "Northwind Health Systems Ltd",
    );
    app.wait_saved();
    app.choose(&tid(&format!("answer-{}", p.choice.0)), &p.choice.1);
    app.wait_saved();
    // The service section is not asked until the services grid says the product uses it.
    app.click(&tid(&format!("nav-{}", p.service_section)));
    app.find(&tid("nothing-shown"));
    app.click(&tid(&format!("nav-{}", p.form_section)));
    app.click(&format!(
        "{} input[type=checkbox][value=\"{}\"]",
        tid(&format!("answer-{}", p.opens.0)),
        p.opens.1
    ));
    app.wait_saved();
    app.screenshot(&image("app-editor-form.png"));

    // Completeness once the service section is asked, before it is answered.
    app.click(&tid("tab-completeness"));
    let blocking_at_start = blocking(&app);
    let percent_at_start = percent(&app);
    assert!(blocking_at_start > 0, "a new draft has blocking issues");
    app.click(&tid("tab-answer"));

    // Keyboard: F8 goes to the next item with an issue and puts the focus in its control.
    app.press(&tid("search"), "\u{E038}");
    app.wait_until("F8 to focus an item with an issue", |a| {
        a.script("const i = document.activeElement.closest('[data-item-id]'); return !!i && i.classList.contains('has-blocking')", serde_json::json!([])) == serde_json::json!(true)
    });

    // --- Declarations and requirement rows in the service section.
    app.click(&tid(&format!("nav-{}", p.service_section)));
    app.choose(&tid(&format!("answer-{}", p.decl_yes)), "Yes");
    app.wait_saved();
    app.choose(&tid(&format!("answer-{}", p.decl_no)), "No");
    app.wait_saved();
    assert!(
        app.exists(&tid(&format!("comment-{}", p.decl_no))),
        "a declaration answered No shows its mitigation box"
    );
    app.type_into(
        &tid(&format!("comment-{}", p.decl_no)),
        "Pen test booked with a CREST supplier for June.",
    );
    app.wait_saved();
    app.choose(&tid(&format!("answer-{}", p.req_yes)), "Yes");
    app.wait_saved();
    app.choose(&tid(&format!("answer-{}", p.req_no_mitigated.0)), "No");
    app.wait_saved();
    app.type_into(
        &tid(&format!("comment-{}", p.req_no_mitigated.0)),
        "Planned for release 2.5; telephone fallback until then.",
    );
    app.wait_saved();
    app.choose(&tid(&format!("answer-{}", p.req_no_bare.0)), "No");
    app.wait_saved();
    let flagged = format!(
        "{} [aria-invalid=true]",
        tid(&format!("item-{}", p.req_no_bare.0))
    );
    assert!(
        app.exists(&flagged),
        "a No without mitigation is flagged on the row"
    );

    // --- Evidence through the dialog seam: a report in the TCR slot and on a row (stored once),
    // and a larger file with a progress bar.
    answer_dialogs(&dialogs, &[&report]);
    app.click(&tid(&format!("attach-{}", p.slot)));
    app.wait_for_text(
        &tid(&format!("evidence-{}", p.slot)),
        "conformance-report.pdf",
    );
    app.choose(&tid(&format!("answer-{}", p.evidence_req)), "Yes");
    app.wait_saved();
    answer_dialogs(&dialogs, &[&report]);
    app.click(&tid(&format!("attach-{}", p.evidence_req)));
    app.wait_for_text(
        &tid(&format!("evidence-{}", p.evidence_req)),
        "conformance-report.pdf",
    );
    app.wait_for_text(&tid("notice"), "stored once");
    answer_dialogs(&dialogs, &[&big]);
    app.click(&tid(&format!("attach-{}", p.slot)));
    app.wait_for_text(&tid(&format!("evidence-{}", p.slot)), "test-evidence.zip");
    app.script(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'start'})",
        serde_json::json!([tid(&format!("item-{}", p.req_no_mitigated.0))]),
    );
    app.screenshot(&image("app-editor-requirements.png"));
    // The smallest window the app is made for: 1024x768.
    if app.set_window_size(1024, 768) {
        app.screenshot(&image("app-editor-1024x768.png"));
        app.set_window_size(1280, 860);
    } else {
        println!("the driver cannot resize the window: no 1024x768 screenshot");
    }
    app.click(&tid("tab-evidence"));
    app.wait_for_text(&tid("evidence-summary"), "3 links to 2 files");
    app.screenshot(&image("app-evidence.png"));
    // "Open" hands the file to the system viewer (recorded by the seam instead of launched).
    app.click("[data-testid=evidence-table] button[aria-label=\"Open test-evidence.zip\"]");
    app.wait_until("the evidence to be opened", |_| {
        std::fs::read_to_string(format!("{}.opened", dialogs.display()))
            .is_ok_and(|s| s.contains("open ") && s.contains("test-evidence.zip"))
    });

    // --- The completeness panel has moved, and names the row still missing its mitigation.
    app.click(&tid("tab-completeness"));
    let issues = tid(&format!("issues-{}", p.service_section));
    app.wait_for_text(&issues, &p.req_no_bare.1);
    assert!(
        blocking(&app) < blocking_at_start,
        "answering removed blocking issues"
    );
    assert!(
        percent(&app) > percent_at_start,
        "answering moved the progress"
    );
    assert!(
        mitigation_issue(&app, &p.req_no_bare.0),
        "the panel says the No of {} needs a mitigation; it lists {}",
        p.req_no_bare.0,
        app.script(
            "return [...document.querySelectorAll('[data-testid=completeness] li[data-item]')].map(li => li.dataset.item + ':' + li.dataset.rule).join(' ')",
            serde_json::json!([])
        )
    );
    assert!(
        !mitigation_issue(&app, &p.req_no_mitigated.0),
        "a No with its mitigation needs none"
    );
    app.screenshot(&image("app-completeness.png"));
    // Its link goes to the row; giving the mitigation there clears the issue.
    let link = format!("{issues} button");
    let buttons = app.find_all(&link);
    assert!(!buttons.is_empty());
    app.script(
        "const want = arguments[0]; for (const b of document.querySelectorAll(arguments[1])) if (b.textContent.trim() === want) { b.click(); return; }",
        serde_json::json!([p.req_no_bare.1, link]),
    );
    app.find(&tid(&format!("comment-{}", p.req_no_bare.0)));
    app.type_into(
        &tid(&format!("comment-{}", p.req_no_bare.0)),
        "Scheduled for the next release.",
    );
    app.wait_saved();
    app.click(&tid("tab-completeness"));
    app.wait_until("the row's missing-mitigation issue to go", |a| {
        !mitigation_issue(a, &p.req_no_bare.0)
    });
    drop(app);

    // --- Close and reopen the app: the draft is in the recent list and everything is there.
    let app = App::launch(&env);
    println!(
        "launch to interactive start screen (second launch): {:?}",
        app.launch_to_interactive
    );
    assert!(
        !app.exists(&tid("open-sample")),
        "the sample is offered on the first launch only"
    );
    app.wait_for_text(&tid("recent-drafts"), "Northwind UEC");
    app.click(&format!("{} button.title", tid("recent-drafts")));
    app.wait_for_text(&tid("draft-title"), "UEC Appointment Booking");
    app.click(&tid(&format!("nav-{}", p.form_section)));
    assert_eq!(
        app.value(&tid(&format!("answer-{}", p.text))),
        "Northwind Health Systems Ltd"
    );
    assert_eq!(
        app.value(&tid(&format!("answer-{}", p.choice.0))),
        p.choice.1
    );
    app.click(&tid(&format!("nav-{}", p.service_section)));
    assert_eq!(app.value(&tid(&format!("answer-{}", p.decl_no))), "No");
    assert_eq!(
        app.value(&tid(&format!("comment-{}", p.decl_no))),
        "Pen test booked with a CREST supplier for June."
    );
    assert_eq!(
        app.value(&tid(&format!("answer-{}", p.req_no_mitigated.0))),
        "No"
    );
    assert_eq!(
        app.value(&tid(&format!("comment-{}", p.req_no_mitigated.0))),
        "Planned for release 2.5; telephone fallback until then."
    );
    app.wait_for_text(&tid(&format!("evidence-{}", p.slot)), "test-evidence.zip");
    search(&app, &p.req_yes);
    assert_eq!(app.value(&tid(&format!("answer-{}", p.req_yes))), "Yes");

    // Unlinking takes the link away; the file the other link names stays.
    app.click(&tid("tab-evidence"));
    app.click("[data-testid=evidence-table] button[aria-label^=\"Unlink test-evidence.zip\"]");
    app.wait_for_text(&tid("evidence-summary"), "2 links to 1 file");

    // --- Export and verify the pack.
    app.click(&tid("tab-export"));
    answer_dialogs(&dialogs, &[&out]);
    app.click(&tid("choose-folder"));
    app.wait_for_text(&tid("export-folder"), &out.display().to_string());
    // A file of the user's where the summary would go is never replaced: the window says so,
    // and writes nothing.
    let theirs = out.join("Northwind UEC-summary.pdf");
    write_file(&theirs, b"my own notes");
    app.click(&tid("export"));
    app.wait_for_text(&tid("export-error"), "was not written by this draft");
    assert_eq!(std::fs::read(&theirs).unwrap(), b"my own notes");
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        1,
        "nothing else was written"
    );
    std::fs::remove_file(&theirs).unwrap();
    app.click(&tid("export"));
    app.wait_for_text(&tid("verification"), "Verified");
    app.screenshot(&image("app-export.png"));
    assert!(
        std::fs::read_dir(&out).unwrap().count() >= 3,
        "the workbook, the summary and the pack are in the folder"
    );
    app.click(&tid("show-in-folder"));
    let opened =
        std::fs::read_to_string(format!("{}.opened", dialogs.display())).unwrap_or_default();
    assert!(
        opened.contains(&out.display().to_string()),
        "Show in folder reveals the export: {opened}"
    );
    app.click(&tid("close-draft"));
    app.find(&tid("recent-drafts"));
    drop(app);

    // --- Review: read-only, with the summary and each item's history.
    let app = App::launch(&env);
    app.click(&format!(
        "{} button[aria-label^=Review]",
        tid("recent-drafts")
    ));
    app.wait_for_text(&tid("draft-title"), "Review");
    app.find(&tid("review"));
    app.screenshot(&image("app-readonly.png"));
    app.click(&tid("tab-answer"));
    app.click(&tid(&format!("nav-{}", p.service_section)));
    assert!(
        !app.is_enabled(&tid(&format!("answer-{}", p.req_yes))),
        "nothing can be changed in review"
    );
    app.click(&format!(
        "{} button[aria-label^=\"Change history\"]",
        tid(&format!("item-{}", p.req_no_mitigated.0))
    ));
    app.wait_for_text(&tid("history-dialog"), "e2e tester");
    app.wait_for_text(&tid("history-dialog"), "Planned for release 2.5");
    app.screenshot(&image("app-history.png"));
    // A reviewer cannot change answers but can leave a review comment.
    app.script(
        "document.querySelector('[data-testid=history-dialog]').close()",
        serde_json::json!([]),
    );
    app.click(&tid(&format!("comments-{}", p.req_no_mitigated.0)));
    app.type_into(&tid("new-comment"), "Which release carries the fix?");
    app.click(&tid("add-comment"));
    app.wait_for_text(&tid("comments-dialog"), "Which release carries the fix?");
    drop(app);
    assert!(Path::new(&draft).is_file());
}

#[test]
fn desktop_sample_flag_opens_a_partly_answered_sample_draft() {
    let _one = one_window();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("app-data");
    let dialogs = tmp.path().join("dialogs.txt");
    let display = Display::start();
    let env = Env {
        display: &display,
        data_dir: &data,
        dialogs: &dialogs,
    };
    let app = App::launch_with_args(&env, &["--sample"]);
    app.wait_for_text(&tid("draft-title"), "UEC Appointment Booking");
    app.click(&tid("tab-completeness"));
    app.wait_until("the sample to show some progress and some work left", |a| {
        let p = percent(a);
        p > 0 && p < 100
    });
    // The sample shows a No still waiting for its mitigation.
    assert!(
        app.script(
            "return [...document.querySelectorAll('[data-testid=completeness] li[data-rule]')].some(li => li.dataset.rule === 'mitigation_required')",
            serde_json::json!([])
        ) == serde_json::json!(true),
        "the sample includes a No without mitigation"
    );
    app.click(&tid("close-draft"));
    app.wait_for_text(&tid("recent-drafts"), "(sample)");
    let samples: Vec<_> = std::fs::read_dir(data.join("samples")).unwrap().collect();
    assert_eq!(
        samples.len(),
        1,
        "the sample lives in the app's data folder"
    );
}
