//! `scal new`, `show`, `answer`, `comment` and `status`: the success paths.

use super::templates::assert_no_debug_formatting;
use super::*;

#[test]
fn new_from_a_bundled_id_makes_a_draft_and_says_so() {
    let dir = Dir::new();
    let draft = dir.path("acme.scal");
    let run = scal(["new", &p(&draft), "--template", FLAGSHIP]);
    let said = run.ok();
    assert!(draft.is_file(), "no draft file was made");
    assert!(
        said.contains(&p(&draft)),
        "does not name the draft it made: {said}"
    );
    assert!(
        said.contains(FLAGSHIP),
        "does not name the template: {said}"
    );
    assert_eq!(run.stderr, "");

    let show = show_json(&draft);
    assert_eq!(show["draft"]["template_id"], FLAGSHIP);
    assert_eq!(show["template"]["id"], FLAGSHIP);
    assert_eq!(
        show["draft"]["template_version"],
        show["template"]["version"]
    );
    assert_eq!(show["draft"]["path"], p(&draft));
    assert!(!items(&show).is_empty());
    assert!(
        items(&show).iter().all(|i| i["value"].is_null()),
        "a new draft has answers"
    );
}

#[test]
fn new_from_a_template_file_uses_that_template() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let show = show_json(&draft);
    assert_eq!(show["template"]["id"], "e2e-mini");
    assert_eq!(show["template"]["title"], "E2E mini SCAL");
    let ids: Vec<&str> = items(&show)
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "supplier_name",
            "ods_code",
            "contact_email",
            "product_version",
            "topology",
            "care_settings",
            "hscn",
            "hscn_signed",
            "tcr",
            "decl_usage",
            "req_metadata",
            "req_notes"
        ]
    );
}

#[test]
fn show_json_describes_each_item_type_and_its_options() {
    let dir = Dir::new();
    let show = show_json(&dir.mini_draft("mini.scal"));
    assert_eq!(
        item(&show, "topology")["options"],
        serde_json::json!(["Centrally Hosted", "Locally Hosted", "Other"])
    );
    assert_eq!(
        item(&show, "hscn")["options"],
        serde_json::json!(["Yes", "No"])
    );
    assert_eq!(
        item(&show, "supplier_name")["options"],
        serde_json::json!([])
    );
    assert_eq!(item(&show, "req_metadata")["type"], "requirement");
    assert_eq!(item(&show, "req_metadata")["reference"], "UEC-01");
    assert_eq!(item(&show, "req_metadata")["level"], "MUST");
    assert_eq!(
        item(&show, "req_metadata")["options"],
        serde_json::json!(["Yes", "No", "Out of Scope"])
    );
    assert!(
        item(&show, "supplier_name").get("level").is_none(),
        "level on a non-requirement"
    );
    assert_eq!(item(&show, "tcr")["type"], "evidence_slot");
    assert_eq!(item(&show, "tcr")["required"], false);
    let sections = show["sections"].as_array().unwrap();
    assert_eq!(sections[0]["kind"], "form");
    assert_eq!(sections[1]["kind"], "service");
    assert!(sections[0]["status"].is_null());
}

#[test]
fn answers_are_stored_in_canonical_form_and_shown() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    scal([
        "answer",
        &d,
        "supplier_name",
        "  Acme Health Ltd ",
        "--comment",
        "As registered",
    ])
    .ok();
    scal(["answer", &d, "topology", "centrally hosted"]).ok();
    scal(["answer", &d, "care_settings", "Community; urgent care"]).ok();
    scal(["answer", &d, "ods_code", "8jk12"]).ok();
    scal(["answer", &d, "contact_email", "lead@acme.example"]).ok();
    scal(["answer", &d, "product_version", "2.4.1"]).ok();
    scal([
        "answer",
        &d,
        "decl_usage",
        "No",
        "--comment",
        "Usage declared in the pilot plan.",
    ])
    .ok();

    let show = show_json(&draft);
    assert_eq!(item(&show, "supplier_name")["value"], "Acme Health Ltd");
    assert_eq!(item(&show, "supplier_name")["comment"], "As registered");
    assert_eq!(item(&show, "topology")["value"], "Centrally Hosted");
    assert_eq!(
        item(&show, "care_settings")["value"],
        serde_json::json!(["Community", "Urgent care"])
    );
    assert_eq!(item(&show, "ods_code")["value"], "8JK12");
    assert_eq!(
        item(&show, "decl_usage")["comment"],
        "Usage declared in the pilot plan."
    );

    let text = scal(["show", &d]).ok().to_string();
    for shown in [
        "Acme Health Ltd",
        "Centrally Hosted",
        "Community; Urgent care",
        "8JK12",
        "Supplier and product",
    ] {
        assert!(text.contains(shown), "{shown:?} missing from show:\n{text}");
    }
    assert_no_debug_formatting(&text);
}

#[test]
fn other_takes_free_text_where_the_item_offers_it() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    scal(["answer", &p(&draft), "topology", "Other: Regional hub"]).ok();
    assert_eq!(
        item(&show_json(&draft), "topology")["value"],
        "Other: Regional hub"
    );
}

#[test]
fn an_empty_value_clears_the_answer_and_a_comment_alone_keeps_it() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    scal(["answer", &d, "hscn", "Yes"]).ok();
    scal(["comment", &d, "hscn", "Agreement on file"]).ok();
    let show = show_json(&draft);
    assert_eq!(item(&show, "hscn")["value"], "Yes");
    assert_eq!(item(&show, "hscn")["comment"], "Agreement on file");

    scal(["answer", &d, "hscn", ""]).ok();
    let show = show_json(&draft);
    assert!(item(&show, "hscn")["value"].is_null());
    assert_eq!(
        item(&show, "hscn")["comment"],
        "Agreement on file",
        "clearing the value dropped the comment"
    );
}

#[test]
fn a_follow_up_is_visible_only_when_its_condition_holds() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    assert_eq!(item(&show_json(&draft), "hscn_signed")["visible"], false);
    scal(["answer", &d, "hscn", "Yes"]).ok();
    assert_eq!(item(&show_json(&draft), "hscn_signed")["visible"], true);
    scal(["answer", &d, "hscn", "No"]).ok();
    assert_eq!(item(&show_json(&draft), "hscn_signed")["visible"], false);
}

#[test]
fn section_status_is_set_and_shown() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    scal(["status", &d, "booking", "In Progress"]).ok();
    assert_eq!(show_json(&draft)["sections"][1]["status"], "In Progress");
    // Complete is taken only once the section has no blocking issue.
    scal(["answer", &d, "decl_usage", "Yes"]).ok();
    scal(["answer", &d, "req_metadata", "Yes"]).ok();
    scal(["status", &d, "booking", "Complete"]).ok();
    let show = show_json(&draft);
    assert_eq!(show["sections"][1]["status"], "Complete");
    assert!(show["sections"][0]["status"].is_null());
    assert!(scal(["show", &d]).ok().contains("Complete"));
}

#[test]
fn help_and_version_succeed_on_stdout() {
    let help = scal(["--help"]);
    for command in [
        "templates",
        "new",
        "show",
        "answer",
        "apply",
        "attach",
        "detach",
        "evidence",
        "check",
        "status",
    ] {
        assert!(
            help.ok().contains(command),
            "--help does not list {command}"
        );
    }
    assert!(
        help.ok().contains("--today"),
        "--help does not document --today"
    );
    assert!(scal(["--version"]).ok().starts_with("scal "));
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // Enough items that `show --json` is far larger than a pipe's buffer, so the write meets
    // the closed pipe whatever the timing.
    let items: Vec<String> = (0..1500)
        .map(|i| format!(r#"{{"id": "q{i}", "label": "Question number {i}", "type": "text"}}"#))
        .collect();
    let template = format!(
        r#"{{"id": "big", "version": "1.0.0", "title": "Big", "publisher": "Tests", "sections": [
            {{"id": "s", "title": "S", "kind": "form", "items": [{}]}}]}}"#,
        items.join(",")
    );
    let dir = Dir::new();
    let template = dir.file("big.json", template);
    let draft = dir.path("big.scal");
    scal(["new", &p(&draft), "--template", &p(&template)]).ok();

    let mut child = Command::new(scal_bin())
        .args(["show", &p(&draft), "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert_eq!(stderr, "", "a closed pipe was reported as a problem");
}
