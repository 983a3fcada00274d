//! Reviewing a draft and moving it to a new template version, in the real window: export, a
//! snapshot, a changed answer marked in place and in the diff, a review thread resolved, the
//! section refused Complete with its reasons, a sign-off that goes stale, and an upgrade to a
//! second template version (dry run grouped, applied, an archived answer restored, a reworded
//! answer re-confirmed).

use std::path::Path;

use serde_json::{json, Value};

use super::driver::{App, Display, Env};
use super::*;

/// The consumer service section of the UEC template and three of its requirement rows a
/// person answers by declaration: one the new version rewords, one it removes, one that changes
/// after the export.
struct Rows {
    section: String,
    /// (item id of the services grid, the choice that makes the section asked)
    opens: (String, String),
    reworded: String,
    removed: String,
    changed: String,
}

fn rows(t: &Value) -> Rows {
    let sections = t["sections"].as_array().unwrap();
    let service = sections.iter().find(|s| s["kind"] == "service").unwrap();
    let cond = &service["visible_when"];
    let declared: Vec<String> = service["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["type"] == "requirement"
                && i.get("visible_when").is_none()
                && i.get("assessment").is_none_or(|a| a == "supplier_declared")
        })
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert!(declared.len() >= 3, "the UEC template has declared rows");
    Rows {
        section: service["id"].as_str().unwrap().to_string(),
        opens: (
            cond["item"].as_str().unwrap().to_string(),
            cond["any_of"][0]
                .as_str()
                .or(cond["equals"].as_str())
                .unwrap()
                .to_string(),
        ),
        reworded: declared[0].clone(),
        removed: declared[1].clone(),
        changed: declared[2].clone(),
    }
}

/// The id of the requirement the next version adds.
const NEW_ROW: &str = "UEC-CON-900";

/// The next version of the UEC template: one row reworded, one removed, one added.
fn next_version(t: &Value, r: &Rows) -> Value {
    let mut next = t.clone();
    next["version"] = json!("1.1.0");
    let sections = next["sections"].as_array_mut().unwrap();
    let service = sections.iter_mut().find(|s| s["id"] == r.section).unwrap();
    let items = service["items"].as_array_mut().unwrap();
    let template_row = items.iter().find(|i| i["id"] == r.removed).unwrap().clone();
    items.retain(|i| i["id"] != r.removed);
    let reworded = items.iter_mut().find(|i| i["id"] == r.reworded).unwrap();
    reworded["text"] = json!(format!(
        "{} The behaviour is shown in the supplier's own integration test log.",
        reworded["text"].as_str().unwrap()
    ));
    let mut added = template_row;
    added["id"] = json!(NEW_ROW);
    added["reference"] = json!(NEW_ROW);
    added["label"] = json!("Booking reference shown to the patient");
    added["text"] = json!("The consumer shows the patient the provider's booking reference after a successful booking, and prints it on any letter it sends.");
    items.push(added);
    next
}

fn item(id: &str) -> String {
    tid(&format!("item-{id}"))
}

#[test]
fn desktop_review_snapshot_diff_signoff_and_upgrade_in_the_real_window() {
    let _one = one_window();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("app-data");
    let dialogs = tmp.path().join("dialogs.txt");
    let draft = tmp.path().join("Northwind review.scal");
    let out = tmp.path().join("export");
    std::fs::create_dir_all(&out).unwrap();
    let t = uec_template();
    let r = rows(&t);
    let next = tmp.path().join("uec-1.1.0.json");
    write_file(
        &next,
        serde_json::to_string_pretty(&next_version(&t, &r))
            .unwrap()
            .as_bytes(),
    );
    let display = Display::start();
    let env = Env {
        display: &display,
        data_dir: &data,
        dialogs: &dialogs,
    };
    let app = App::launch(&env);

    // --- Another SCAL of the same supplier, whose organisation answers are reused below.
    let other = tmp.path().join("Northwind GP Connect.scal");
    answer_dialogs(&dialogs, &[&other]);
    app.click("input[name=template][value=\"uec-appointment-booking\"]");
    app.click(&tid("new-draft"));
    app.wait_for_text(&tid("draft-title"), "UEC Appointment Booking");
    app.click(&tid("nav-supplier-product"));
    app.type_into(&tid("answer-supplier-name"), "Northwind Health Systems Ltd");
    app.wait_saved();
    app.click(&tid("close-draft"));
    app.find(&tid("recent-drafts"));

    // --- A draft with three requirement rows answered, exported once.
    answer_dialogs(&dialogs, &[&draft]);
    app.click("input[name=template][value=\"uec-appointment-booking\"]");
    app.click(&tid("new-draft"));
    app.wait_for_text(&tid("draft-title"), "UEC Appointment Booking");
    app.click(&format!(
        "{} input[type=checkbox][value=\"{}\"]",
        tid(&format!("answer-{}", r.opens.0)),
        r.opens.1
    ));
    app.wait_saved();
    app.click(&tid(&format!("nav-{}", r.section)));
    for row in [&r.reworded, &r.removed, &r.changed] {
        app.choose(&tid(&format!("answer-{row}")), "Yes");
        app.wait_saved();
    }
    assert!(
        !app.exists(&tid(&format!("changed-{}", r.changed))),
        "nothing is marked changed before the first export"
    );
    app.click(&tid("tab-export"));
    answer_dialogs(&dialogs, &[&out]);
    app.click(&tid("choose-folder"));
    app.wait_for_text(&tid("export-folder"), &out.display().to_string());
    app.click(&tid("export"));
    app.wait_for_text(&tid("verification"), "Verified");

    // --- Snapshots: the export took one ("as submitted"); take one by hand.
    app.click(&tid("tab-changes"));
    app.wait_for_text(&tid("snapshot-list"), "as submitted");
    app.type_into(&tid("snapshot-label"), "Sent to the CSO for review");
    app.click(&tid("take-snapshot"));
    app.wait_for_text(&tid("snapshot-list"), "Sent to the CSO for review");

    // --- Change an answer: it is marked in place, counted on its section, and filterable.
    app.click(&tid("tab-answer"));
    app.click(&tid(&format!("nav-{}", r.section)));
    app.choose(&tid(&format!("answer-{}", r.changed)), "No");
    app.wait_saved();
    app.type_into(
        &tid(&format!("comment-{}", r.changed)),
        "Telephone fallback until release 2.5.",
    );
    app.wait_saved();
    app.wait_for_text(
        &tid(&format!("changed-{}", r.changed)),
        "Changed since export",
    );
    app.wait_for_text(&tid(&format!("changed-count-{}", r.section)), "1 changed");
    app.click(&tid("changed-only"));
    app.wait_until("the filter to show only the changed row", |a| {
        a.find_all("[data-item-id]").len() == 1 && a.exists(&item(&r.changed))
    });
    app.click(&tid("changed-only"));

    // --- The diff: the latest snapshot against now, grouped by section.
    app.click(&tid("tab-changes"));
    app.click(&tid("compare-button"));
    let section_diff = tid(&format!("diff-section-{}", r.section));
    app.wait_for_text(&section_diff, "Yes → No");
    app.wait_for_text(&section_diff, "Telephone fallback until release 2.5.");
    assert!(
        app.text(&tid("diff-totals")).contains("1 changed"),
        "only the one row changed since the snapshot: {}",
        app.text(&tid("diff-totals"))
    );
    app.script(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'start'})",
        json!([tid("compare")]),
    );
    app.screenshot(&image("app-diff.png"));
    // The draft's history names the change, who made it, old and new.
    app.type_into(&tid("history-filter"), "Telephone fallback");
    app.wait_for_text(&tid("history-table"), "e2e tester");

    // --- Review comments: a thread with a reply, counted on the section, then resolved.
    app.click(&tid("tab-answer"));
    app.click(&tid(&format!("nav-{}", r.section)));
    app.click(&tid(&format!("comments-{}", r.changed)));
    app.type_into(
        &tid("new-comment"),
        "Is the telephone fallback in the hazard log?",
    );
    app.click(&tid("add-comment"));
    app.wait_for_text(
        &tid("comments-dialog"),
        "Is the telephone fallback in the hazard log?",
    );
    let thread = app.find("[data-testid^=\"thread-\"]");
    let thread_id = app
        .script(
            "return arguments[0].dataset.testid.replace('thread-', '')",
            json!([{ "element-6066-11e4-a52e-4f735466cecf": thread }]),
        )
        .as_str()
        .unwrap()
        .to_string();
    app.click(&tid(&format!("reply-{thread_id}")));
    app.type_into(
        &tid(&format!("reply-text-{thread_id}")),
        "Yes: hazard H-12, reviewed by the CSO.",
    );
    app.click(&tid(&format!("reply-send-{thread_id}")));
    app.wait_for_text(
        &tid(&format!("thread-{thread_id}")),
        "Yes: hazard H-12, reviewed by the CSO.",
    );
    app.wait_until("the reply box to close once the reply is sent", |a| {
        !a.exists(&tid(&format!("reply-text-{thread_id}")))
    });
    app.wait_for_text(
        &tid(&format!("open-comments-{}", r.section)),
        "1 open comment",
    );
    app.screenshot(&image("app-review.png"));
    app.click(&tid(&format!("resolve-{thread_id}")));
    app.wait_for_text(
        &tid(&format!("thread-{thread_id}")),
        "Resolved by e2e tester",
    );
    app.click(&tid("close-comments"));
    app.wait_until("the section's open-comment count to go", |a| {
        !a.exists(&tid(&format!("open-comments-{}", r.section)))
    });

    // A comment on the whole section, from its heading: counted on the section too.
    app.click(&tid(&format!("section-comments-{}", r.section)));
    app.wait_for_text(&tid("comments-dialog"), "on the whole section");
    app.type_into(
        &tid("new-comment"),
        "Whole tab to re-check after the pen test.",
    );
    app.click(&tid("add-comment"));
    app.wait_for_text(
        &tid("comments-dialog"),
        "Whole tab to re-check after the pen test.",
    );
    app.click(&tid("close-comments"));
    app.wait_for_text(
        &tid(&format!("section-comments-{}", r.section)),
        "Section comments (1 open)",
    );
    app.wait_for_text(
        &tid(&format!("open-comments-{}", r.section)),
        "1 open comment",
    );

    // --- Complete is refused while the section has blocking issues, with the reasons.
    app.choose(&tid(&format!("status-{}", r.section)), "Complete");
    app.wait_for_text(&tid("status-refused"), "cannot be marked Complete");
    assert_ne!(
        app.value(&tid(&format!("status-{}", r.section))),
        "Complete",
        "a refused status is not shown as set"
    );
    app.choose(&tid(&format!("status-{}", r.section)), "In Progress");
    app.wait_for_text(
        &tid(&format!("status-by-{}", r.section)),
        "In Progress · e2e tester",
    );

    // --- Sign-off: current when given, stale once an answer changes.
    app.click(&tid("tab-signoff"));
    app.type_into(&tid("signoff-name"), "Dr Asha Khan");
    app.type_into(&tid("signoff-role"), "Clinical Safety Officer");
    app.click(&tid("sign-off"));
    app.wait_for_text(&tid("signoff-current"), "Signed off by Dr Asha Khan");
    app.find(&tid("signoff-fresh"));
    app.click(&tid("tab-answer"));
    app.click(&tid(&format!("nav-{}", r.section)));
    app.type_into(
        &tid(&format!("comment-{}", r.reworded)),
        "Shown in the booking screen capture.",
    );
    app.wait_saved();
    app.click(&tid("tab-signoff"));
    app.wait_for_text(&tid("signoff-stale"), "answers have changed");
    app.screenshot(&image("app-signoff.png"));

    // --- Upgrade to the next version from a template file: the dry run first, grouped.
    app.click(&tid("tab-versions"));
    answer_dialogs(&dialogs, &[&next]);
    app.click(&tid("upgrade-check-file"));
    app.wait_for_text(&tid("upgrade-plan"), "1.0.0 → ");
    app.wait_for_text(&tid("upgrade-group-carried_reworded"), &r.reworded);
    app.wait_for_text(&tid("upgrade-group-removed"), &r.removed);
    app.wait_for_text(&tid("upgrade-group-new"), NEW_ROW);
    assert_eq!(
        app.text(&tid("template-version")),
        "1.0.0",
        "a dry run changes nothing"
    );
    app.screenshot(&image("app-upgrade.png"));
    app.click(&tid("upgrade-apply"));
    app.wait_for_text(&tid("upgrade-applied"), "What the upgrade did");
    app.wait_for_text(&tid("template-version"), "1.1.0");
    // The removed row's answer is archived, visible, and restorable onto the new row.
    app.wait_for_text(&tid(&format!("archived-{}", r.removed)), "Yes");
    app.choose(&tid(&format!("restore-target-{}", r.removed)), NEW_ROW);
    app.click(&tid(&format!("restore-archived-{}", r.removed)));
    app.wait_for_text(&tid(&format!("archived-{}", r.removed)), "Restored to");
    // The reworded row is flagged for re-confirmation until confirmed.
    app.wait_for_text(&tid("reconfirm-list"), &r.reworded);
    app.click(&format!("{} button", tid("reconfirm-list")));
    app.wait_for_text(
        &tid(&format!("reconfirm-box-{}", r.reworded)),
        "worded differently",
    );
    app.click(&tid(&format!("confirm-{}", r.reworded)));
    app.wait_until("the re-confirmation flag to go", |a| {
        !a.exists(&tid(&format!("reconfirm-{}", r.reworded)))
    });
    assert_eq!(
        app.value(&tid(&format!("answer-{NEW_ROW}"))),
        "Yes",
        "the archived answer was restored onto the new row"
    );

    // --- The upgrade is undone by restoring the snapshot taken before it, after confirming.
    app.click(&tid("tab-changes"));
    app.wait_for_text(&tid("snapshot-list"), "before upgrade");
    let restore = app
        .script(
            "const row = [...document.querySelectorAll('[data-testid=snapshot-list] tr[data-snapshot]')]\
               .find(r => r.innerText.includes('before upgrade'));\
             return row.querySelector('button').dataset.testid;",
            json!([]),
        )
        .as_str()
        .unwrap()
        .to_string();
    app.click(&tid(&restore));
    app.wait_for_text(&tid("snapshot-list"), "can be undone");
    app.click(&tid("confirm-restore"));
    app.click(&tid("tab-versions"));
    app.wait_for_text(&tid("template-version"), "1.0.0");

    // --- Copy the organisation answers from the other SCAL: previewed, then applied.
    answer_dialogs(&dialogs, &[&other]);
    app.click(&tid("copy-choose"));
    app.wait_for_text(&tid("copy-preview"), "Northwind Health Systems Ltd");
    app.click(&tid("copy-apply"));
    app.wait_for_text(&tid("notice"), "Copied 1 answer");
    app.click(&tid("tab-answer"));
    app.click(&tid("nav-supplier-product"));
    assert_eq!(
        app.value(&tid("answer-supplier-name")),
        "Northwind Health Systems Ltd"
    );
    drop(app);
    assert!(Path::new(&draft).is_file());
}
