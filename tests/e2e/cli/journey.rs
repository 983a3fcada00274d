//! The whole journey a supplier makes with the flagship template: a new draft is incomplete;
//! answering every visible item (built from `show --json`, as a script would: the first
//! acceptable response, every service in the services grid) and attaching the evidence the
//! check asks for makes it complete.

use serde_json::{json, Value as Json};

use super::*;

/// A value `scal` must accept for an item, chosen from what `show --json` says about it.
fn acceptable_value(item: &Json) -> Option<Json> {
    let first_option = || {
        item["options"]
            .as_array()
            .and_then(|o| o.first())
            .map(|o| match o.as_str().unwrap() {
                "Other" => json!("Other: stated for the test"),
                s => json!(s),
            })
    };
    Some(match item["type"].as_str().unwrap() {
        "text" | "long_text" => json!("Stated for the end-to-end test"),
        "email" => json!("assurance.lead@acme.example"),
        "date" => json!(RECENT_DATE),
        "ods_code" => json!("8JK12"),
        "version" => json!("2.4.1"),
        // Every response but Other: the services grid decides which service sections are
        // asked, and the journey must go through them.
        "multi_choice" => {
            let all: Vec<&Json> = item["options"]
                .as_array()?
                .iter()
                .filter(|o| *o != "Other")
                .collect();
            if all.is_empty() {
                json!([first_option()?])
            } else {
                json!(all)
            }
        }
        "choice" | "yes_no" | "declaration" | "requirement" | "guidance" => first_option()?,
        // Evidence slots take files, not answers.
        _ => return None,
    })
}

/// Rows answering every visible, unanswered item; a comment goes with each, since some
/// answers (statements, mitigations) need one and a comment never hurts.
fn rows_for_unanswered(show: &Json) -> Vec<Json> {
    items(show)
        .into_iter()
        .filter(|i| i["visible"] == true && i["value"].is_null())
        .filter_map(|i| {
            let value = acceptable_value(i)?;
            Some(json!({"item": i["id"], "value": value, "comment": format!("Evidence and notes for {}.", i["id"].as_str().unwrap())}))
        })
        .collect()
}

#[test]
fn a_new_draft_answered_in_full_with_evidence_is_complete() {
    let dir = Dir::new();
    let draft = dir.draft("acme.scal");
    let d = p(&draft);

    let (code, report) = check_json(&draft);
    assert_eq!(code, 1, "a blank draft passed the check");
    assert!(!report["issues"].as_array().unwrap().is_empty());

    // Answers reveal follow-ups (a "Yes" opens its questions), so fill in until nothing
    // visible is left unanswered; each pass is one `apply`.
    let mut passes = 0;
    loop {
        let rows = rows_for_unanswered(&show_json(&draft));
        if rows.is_empty() {
            break;
        }
        passes += 1;
        assert!(
            passes <= 10,
            "answering does not converge: still {} rows",
            rows.len()
        );
        let file = dir.file(
            &format!("answers-{passes}.json"),
            json!({"answers": rows}).to_string(),
        );
        scal(["apply", &d, &p(&file)]).ok();
    }

    // Evidence: every visible evidence slot, and every item the check says needs a file.
    let evidence = dir.file(
        "Technical Conformance Report.pdf",
        b"%PDF-1.4 test evidence\n",
    );
    let show = show_json(&draft);
    for slot in items(&show)
        .into_iter()
        .filter(|i| i["type"] == "evidence_slot" && i["visible"] == true)
    {
        scal(["attach", &d, slot["id"].as_str().unwrap(), &p(&evidence)]).ok();
    }
    let (_, report) = check_json(&draft);
    for issue in report["issues"].as_array().unwrap() {
        if issue["rule"].as_str().unwrap().contains("evidence") {
            scal(["attach", &d, issue["item"].as_str().unwrap(), &p(&evidence)]).ok();
        }
    }

    let (code, report) = check_json(&draft);
    let blocking: Vec<&Json> = report["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] == "blocking")
        .collect();
    assert!(
        blocking.is_empty(),
        "still blocking after answering everything: {blocking:#?}"
    );
    assert_eq!(code, 0);
    assert_eq!(report["complete"], true);
    assert_eq!(report["progress"]["answered"], report["progress"]["total"]);
    assert!(report["progress"]["total"].as_u64().unwrap() > 0);

    // The journey went through the service sections: requirement rows were asked and
    // answered, and evidence was attached.
    let show = show_json(&draft);
    let requirements = items(&show)
        .into_iter()
        .filter(|i| i["type"] == "requirement" && i["visible"] == true)
        .count();
    assert!(
        requirements > 10,
        "only {requirements} requirement rows were asked"
    );
    let links = scal(["evidence", "list", &d, "--json"]).json();
    assert!(
        !links.as_array().unwrap().is_empty(),
        "no evidence was attached"
    );

    let run = scal(["check", &d, "--today", TODAY]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("100%"),
        "a complete draft does not show 100%:\n{}",
        run.stdout
    );
}
