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
    // Every issue names an item (or, for a section's own issue, none) and a section that
    // `show` knows.
    let show = show_json(&draft);
    for issue in issues {
        let id = issue["item"].as_str().unwrap();
        assert!(
            id.is_empty() || items(&show).iter().any(|i| i["id"] == id),
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

/// `show` marks an item hidden exactly when `check` leaves it out: every visible required item
/// without an answer has a `required` (or `unacknowledged`) issue, and no hidden item has one.
fn assert_show_and_check_agree_on_visibility(draft: &Path) {
    let show = show_json(draft);
    let (_, report) = check_json(draft);
    // Guidance to acknowledge raises `unacknowledged` where other items raise `required`.
    let required: Vec<&str> = report["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["rule"] == "required" || i["rule"] == "unacknowledged")
        .map(|i| i["item"].as_str().unwrap())
        .collect();
    for item in items(&show) {
        let id = item["id"].as_str().unwrap();
        let takes_response = item["type"] == "evidence_slot"
            || !item["options"].as_array().unwrap().is_empty()
            || item["type"] != "guidance";
        let unanswered = item["value"].is_null() && item["evidence"].as_array().unwrap().is_empty();
        let expected =
            item["visible"] == true && item["required"] == true && takes_response && unanswered;
        assert_eq!(
            required.contains(&id),
            expected,
            "show says {item} but check's required issues are {required:?}"
        );
    }
}

#[test]
fn show_and_check_agree_on_which_follow_ups_are_asked() {
    let dir = Dir::new();
    let draft = dir.draft("acme.scal");
    assert_show_and_check_agree_on_visibility(&draft);
    // Answer every yes/no and choice with each of its options in turn, opening and closing
    // follow-ups, and compare after each.
    let show = show_json(&draft);
    let controllers: Vec<(String, Vec<String>)> = items(&show)
        .into_iter()
        .filter(|i| matches!(i["type"].as_str().unwrap(), "yes_no" | "choice"))
        .map(|i| {
            let options = i["options"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o.as_str().unwrap().to_string())
                .collect();
            (i["id"].as_str().unwrap().to_string(), options)
        })
        .collect();
    assert!(!controllers.is_empty());
    for round in 0..2 {
        let rows: Vec<Json> = controllers
            .iter()
            .map(|(id, options)| {
                let o = &options[round % options.len()];
                let value = if o == "Other" {
                    "Other: stated".to_string()
                } else {
                    o.clone()
                };
                serde_json::json!({"item": id, "value": value})
            })
            .collect();
        let file = dir.file(
            &format!("round-{round}.json"),
            serde_json::json!({"answers": rows}).to_string(),
        );
        scal(["apply", &p(&draft), &p(&file)]).ok();
        assert_show_and_check_agree_on_visibility(&draft);
    }
}

#[test]
fn a_service_the_product_does_not_use_is_shown_as_not_asked() {
    let dir = Dir::new();
    let draft = dir.draft("acme.scal");
    scal([
        "answer",
        &p(&draft),
        "nhs-services",
        "UEC Appointment Booking: Consumer",
    ])
    .ok();
    let run = scal(["check", &p(&draft), "--today", TODAY]);
    let row = |title: &str| {
        run.stdout
            .lines()
            .find(|l| l.starts_with(title))
            .unwrap_or_else(|| panic!("no row for {title}:\n{}", run.stdout))
            .to_string()
    };
    assert!(
        row("UEC Appointment Booking: Provider").contains("not asked"),
        "{}",
        run.stdout
    );
    assert!(
        !row("UEC Appointment Booking: Consumer").contains("not asked"),
        "{}",
        run.stdout
    );
}

/// `scal check --for dos` warns of every answer and comment the Digital Onboarding Service
/// would not take (over 2,000 UTF-16 code units), naming its length; the default route does
/// not; an unknown route is refused.
#[test]
fn check_for_dos_names_every_text_over_the_limit() {
    let dir = Dir::new();
    let draft = dir.draft("dos.scal");
    let d = p(&draft);
    let long = "Detail. ".repeat(300); // 2,400 characters
    scal(["answer", &d, "product-name", &long]).ok();
    let (_, plain) = check_json_with(&draft, &["--today", TODAY]);
    let dos_rules = |json: &Json| {
        json["issues"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["rule"] == "dos_too_long")
            .map(|i| {
                (
                    i["item"].as_str().unwrap().to_string(),
                    i["message"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert!(dos_rules(&plain).is_empty());
    let (_, dos) = check_json_with(&draft, &["--today", TODAY, "--for", "dos"]);
    let found = dos_rules(&dos);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "product-name");
    // The answer is stored trimmed: its length is what the service would receive.
    let units = long.trim().encode_utf16().count();
    assert!(
        found[0].1.contains(&format!("{units} characters")),
        "{}",
        found[0].1
    );
    let text = scal(["check", &d, "--today", TODAY, "--for", "DOS"]).stdout;
    assert!(text.contains("Digital Onboarding Service"), "{text}");
    scal(["check", &d, "--for", "portal"]).fails_with(&["--for", "portal", "dos"]);
}

#[test]
fn check_warns_of_review_threads_still_open_until_they_are_resolved() {
    let dir = Dir::new();
    let draft = dir.draft("reviewed.scal");
    let d = p(&draft);
    let open_on = |json: &Json| {
        json["issues"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["rule"] == "review_open")
            .map(|i| i["item"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let (_, before) = check_json_with(&draft, &["--today", TODAY]);
    assert!(open_on(&before).is_empty());
    scal([
        "review",
        &d,
        "product-name",
        "Is this the name on the contract?",
    ])
    .ok();
    let (_, reviewed) = check_json_with(&draft, &["--today", TODAY]);
    assert_eq!(open_on(&reviewed), ["product-name"]);
    let human = scal(["check", &d, "--today", TODAY]).stdout;
    assert!(human.contains("1 review thread still open"), "{human}");
    scal(["resolve", &d, "1"]).ok();
    let (_, resolved) = check_json_with(&draft, &["--today", TODAY]);
    assert!(
        open_on(&resolved).is_empty(),
        "a resolved thread no longer warns"
    );
}
