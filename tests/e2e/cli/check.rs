//! `scal check`: exit 0 when complete, 1 when not; the JSON report and the human table.

use super::templates::assert_no_debug_formatting;
use super::*;

#[test]
fn a_new_draft_is_incomplete_with_blocking_issues() {
    let dir = Dir::new();
    let draft = dir.draft("acme.scal");
    let (code, report) = check_json(&draft);
    assert_eq!(code, 1);
    assert_eq!(report["complete"], false);
    let issues = report["issues"].as_array().unwrap();
    assert!(
        issues.iter().any(|i| i["severity"] == "blocking"),
        "no blocking issue in a blank draft"
    );
    // Every issue names an item and section that `show` knows.
    let show = show_json(&draft);
    for issue in issues {
        let id = issue["item"].as_str().unwrap();
        assert!(
            items(&show).iter().any(|i| i["id"] == id),
            "issue names unknown item {id}"
        );
        let section = issue["section"].as_str().unwrap();
        assert!(
            show["sections"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["id"] == section),
            "issue names unknown section {section}"
        );
    }
    assert_eq!(report["progress"]["answered"], 0);
    assert_eq!(
        show["progress"], report["progress"],
        "show and check disagree on progress"
    );
}

#[test]
fn the_human_report_has_a_progress_table_then_blocking_issues_then_warnings() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    // A MUST answered No is blocking; an unanswered item too.
    scal([
        "answer",
        &p(&draft),
        "req_metadata",
        "No",
        "--comment",
        "Planned for release 3.",
    ])
    .ok();
    let run = scal(["check", &p(&draft), "--today", TODAY]);
    assert_eq!(
        run.code, 1,
        "an incomplete draft must exit 1; stderr: {}",
        run.stderr
    );
    assert_eq!(run.stderr, "", "an incomplete draft is not an error");
    let text = &run.stdout;
    let (_, report) = check_json(&draft);
    let table = text
        .find("Supplier and product")
        .expect("no per-section row");
    let blocking = text.find("Blocking").expect("no blocking heading");
    assert!(
        table < blocking,
        "the table must come before the issues:\n{text}"
    );
    assert!(text.contains("Appointment booking"), "{text}");
    assert!(
        text.contains('█') || text.contains('░'),
        "no progress bars:\n{text}"
    );
    for issue in report["issues"].as_array().unwrap() {
        assert!(
            text.contains(issue["message"].as_str().unwrap()),
            "{issue} missing from:\n{text}"
        );
    }
    if let Some(warnings) = text.find("Warnings") {
        assert!(
            blocking < warnings,
            "blocking issues must come before warnings:\n{text}"
        );
    }
    assert_no_debug_formatting(text);
}

#[test]
fn today_decides_the_date_rules_and_a_bad_today_is_refused() {
    let dir = Dir::new();
    let draft = dir.draft("acme.scal");
    scal(["check", &p(&draft), "--today", "31-12-2026"]).fails_with(&["31-12-2026"]);
    // The same draft checked on the same day gives the same report.
    assert_eq!(check_json(&draft), check_json(&draft));
}

#[test]
fn check_does_not_change_the_draft() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let before = std::fs::read(&draft).unwrap();
    check_json(&draft);
    scal(["check", &p(&draft)]);
    assert_eq!(std::fs::read(&draft).unwrap(), before);
}
