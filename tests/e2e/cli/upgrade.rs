//! `scal upgrade` (dry run, apply, undo), `scal archived`, `scal restore-archived`, `scal
//! confirm` and `scal copy-answers`, through the built binary: output named item by item, JSON
//! against its schema, exit codes and one-line refusals.

use super::*;

/// The e-RS v11/v12 pair every upgrade suite shares.
use scal_testkit::{ers_v12 as v12, ERS_V11 as V11};

/// A v11 draft with answers, comments and evidence on the items each group handles.
fn v11_draft(dir: &Dir) -> PathBuf {
    let template = dir.file("ers-v11.json", V11);
    let draft = dir.path("ers.scal");
    scal(["new", &p(&draft), "--template", &p(&template)]).ok();
    let d = p(&draft);
    for (item, value, comment) in [
        ("supplier-name", "Acme Health Ltd", ""),
        ("topology", "Centrally Hosted Aggregator", ""),
        ("A001-01", "Yes", ""),
        ("A006-01", "Yes", "Cached for 12 hours"),
        ("A010-01", "Yes", ""),
        (
            "A015-02",
            "Out of Scope",
            "We do not receive advice and guidance",
        ),
        ("row-7", "No", "Booking step due in May"),
    ] {
        let mut args = vec!["answer", &d, item, value];
        if !comment.is_empty() {
            args.extend(["--comment", comment]);
        }
        scal(args).ok();
    }
    let log = dir.file("refdata.log", "GET /reference-data 200\n");
    scal(["attach", &d, "A006-01", &p(&log)]).ok();
    let letter = dir.file("ag-letter.pdf", "%PDF-1.4 advice and guidance\n");
    scal(["attach", &d, "A015-02", &p(&letter)]).ok();
    draft
}

fn ids(group: &Json, side: &str) -> Vec<String> {
    group
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[side]["id"].as_str().unwrap().to_string())
        .collect()
}

fn answer_of<'a>(show: &'a Json, id: &str) -> &'a Json {
    &item(show, id)["value"]
}

#[test]
fn a_dry_run_names_every_item_in_its_group_and_changes_nothing() {
    let dir = Dir::new();
    let draft = v11_draft(&dir);
    let v12 = dir.file("ers-v12.json", v12());
    let before = std::fs::read(&draft).unwrap();

    let report = scal([
        "upgrade",
        &p(&draft),
        "--to",
        &p(&v12),
        "--dry-run",
        "--json",
    ])
    .json();
    assert_matches_schema("cli-upgrade.schema.json", &report);
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["snapshot"], Json::Null);
    let g = &report["groups"];
    assert_eq!(
        ids(&g["carried"], "to"),
        ["supplier-name", "tcr", "A001-01"]
    );
    assert_eq!(ids(&g["carried_reworded"], "to"), ["A010-01"]);
    assert_eq!(ids(&g["matched_by_text"], "from"), ["A015-02"]);
    assert_eq!(ids(&g["matched_by_text"], "to"), ["A015-03"]);
    assert_eq!(ids(&g["matched_by_similarity"], "to"), ["row-9"]);
    assert_eq!(ids(&g["no_longer_fits"], "to"), ["topology"]);
    let removed: Vec<(&str, bool)> = g["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["item"]["id"].as_str().unwrap(), r["archived"] == true))
        .collect();
    assert_eq!(removed, [("h-A006", false), ("A006-01", true)]);
    let new = ids(&g["new"], "item");
    assert_eq!(
        new,
        [
            "A028-01", "A028-02", "A028-03", "A042-01", "A042-02", "A042-03", "A042-04", "A042-05",
            "A042-06"
        ]
    );
    assert_eq!(report["summary"]["reconfirm"], 3);

    // The readable report names every item of every group, and says nothing changed.
    let text = scal(["upgrade", &p(&draft), "--to", &p(&v12), "--dry-run"])
        .ok()
        .to_string();
    for id in [
        "supplier-name",
        "A001-01",
        "A010-01",
        "A015-02 -> A015-03",
        "row-7 -> row-9",
        "topology",
        "A006-01",
        "h-A006",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(new)
    {
        assert!(text.contains(&id), "the report does not name {id}:\n{text}");
    }
    assert!(text.contains("Dry run: nothing changed."), "{text}");
    // The groups under the titles, and in the order, the app's upgrade dialog uses (one list,
    // the layer's): each title once, each after the one before it.
    let mut at = 0;
    for g in scal_app::upgrade::GROUPS {
        let found = text[at..]
            .find(g.title)
            .unwrap_or_else(|| panic!("\"{}\" missing or out of order:\n{text}", g.title));
        at += found + g.title.len();
    }
    assert_eq!(
        std::fs::read(&draft).unwrap(),
        before,
        "a dry run changed the draft"
    );
}

#[test]
fn an_upgrade_carries_archives_flags_and_can_be_undone() {
    let dir = Dir::new();
    let draft = v11_draft(&dir);
    let d = p(&draft);
    let v12 = dir.file("ers-v12.json", v12());

    let report = scal(["upgrade", &d, "--to", &p(&v12), "--json"]).json();
    assert_matches_schema("cli-upgrade.schema.json", &report);
    assert_eq!(
        (report["dry_run"].clone(), report["template_rev"].clone()),
        (Json::Bool(false), Json::from(2))
    );
    assert_eq!(report["snapshot"]["reason"], "before_upgrade");
    let snapshot = report["snapshot"]["id"].as_i64().unwrap().to_string();

    let show = show_json(&draft);
    assert_eq!(show["draft"]["template_version"], "12.0.0");
    assert_eq!(answer_of(&show, "A015-03"), "Out of Scope");
    assert_eq!(
        item(&show, "A015-03")["comment"],
        "We do not receive advice and guidance"
    );
    assert_eq!(
        item(&show, "A015-03")["evidence"][0]["file_name"],
        "ag-letter.pdf"
    );
    assert_eq!(answer_of(&show, "row-9"), "No");
    assert_eq!(answer_of(&show, "A042-01"), &Json::Null);

    // The archive: visible, in JSON against its schema.
    let archived = scal(["archived", &d, "--json"]).json();
    assert_matches_schema("cli-archived.schema.json", &archived);
    let a006 = archived
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["item"] == "A006-01")
        .unwrap();
    assert_eq!(
        (a006["value"].clone(), a006["template_version"].clone()),
        (Json::from("Yes"), Json::from("11.0.0"))
    );
    assert_eq!(a006["evidence"][0]["file_name"], "refdata.log");
    let listed = scal(["archived", &d]).ok().to_string();
    assert!(
        listed.contains("A006-01 \"Reference data\"") && listed.contains("ers 11.0.0"),
        "{listed}"
    );

    // Re-confirmation: a warning in the check until confirmed.
    let (_, check) = check_json(&draft);
    let warned = |check: &Json, id: &str| {
        check["issues"].as_array().unwrap().iter().any(|i| {
            i["item"] == id && i["rule"] == "reconfirm_needed" && i["severity"] == "warning"
        })
    };
    assert!(warned(&check, "A010-01"));
    let pending = scal(["confirm", &d]).ok().to_string();
    assert!(
        pending.contains("was: The system lets the user attach clinical documents up to 5 MB"),
        "{pending}"
    );
    let confirmed = scal(["confirm", &d, "A010-01"]).ok().to_string();
    assert!(
        confirmed.starts_with("Confirmed A010-01 \"Attachments\""),
        "{confirmed}"
    );
    assert!(!warned(&check_json(&draft).1, "A010-01"));

    // Restore an archived answer onto a new requirement.
    let id = a006["id"].as_i64().unwrap().to_string();
    let restored = scal(["restore-archived", &d, &id, "--to", "A042-01"])
        .ok()
        .to_string();
    assert!(restored.contains("onto A042-01"), "{restored}");
    let show = show_json(&draft);
    assert_eq!(answer_of(&show, "A042-01"), "Yes");
    assert_eq!(
        item(&show, "A042-01")["evidence"][0]["file_name"],
        "refdata.log"
    );

    // Undo: restore the snapshot taken before the upgrade.
    scal(["restore", &d, &snapshot]).ok();
    let show = show_json(&draft);
    assert_eq!(show["draft"]["template_version"], "11.0.0");
    assert_eq!(answer_of(&show, "A006-01"), "Yes");
    assert_eq!(answer_of(&show, "A015-02"), "Out of Scope");
    assert_eq!(answer_of(&show, "topology"), "Centrally Hosted Aggregator");
    assert_eq!(
        item(&show, "A006-01")["evidence"][0]["file_name"],
        "refdata.log"
    );
    let (_, check) = check_json(&draft);
    assert!(check["issues"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["rule"] != "reconfirm_needed"));
}

#[test]
fn upgrade_refusals_are_one_line_and_leave_the_draft_alone() {
    let dir = Dir::new();
    let draft = v11_draft(&dir);
    let d = p(&draft);
    let v11 = dir.path("ers-v11.json");
    let v12 = dir.file("ers-v12.json", v12());
    let before = std::fs::read(&draft).unwrap();

    scal(["upgrade", &d, "--to", &p(&v11)])
        .fails_with(&["already uses template ers 11.0.0", "nothing to upgrade"]);
    scal(["upgrade", &d, "--to", &p(&v11), "--dry-run"])
        .fails_with(&["already uses template ers 11.0.0", "nothing to upgrade"]);
    scal(["upgrade", &d, "--to", "no-such-template"])
        .fails_with(&["\"no-such-template\" is neither a bundled template nor a template file"]);
    let bad = dir.file("bad.json", r#"{"id": "ers"}"#);
    scal(["upgrade", &d, "--to", &p(&bad)]).fails_with(&["is not a valid template"]);
    let not_xlsx = dir.file("not.xlsx", "just text");
    scal(["upgrade", &d, "--to", &p(&v12), "--workbook", &p(&not_xlsx)]).fails_with(&[
        "--workbook",
        "not.xlsx",
        "was not imported from a workbook",
    ]);
    scal(["confirm", &d, "A010-01"]).fails_with(&[
        "item \"A010-01\"",
        "no carried answer waiting to be re-confirmed",
    ]);
    scal(["restore-archived", &d, "x", "--to", "A001-01"])
        .fails_with(&["\"x\" is not an archived answer id"]);
    scal(["restore-archived", &d, "7", "--to", "A001-01"])
        .fails_with(&["has no archived answer 7"]);
    assert_eq!(
        std::fs::read(&draft).unwrap(),
        before,
        "a refused command changed the draft"
    );
    let snapshots = scal(["snapshots", &d, "--json"]).json();
    assert_eq!(snapshots, Json::Array(vec![]));

    // After the upgrade: a restore never overwrites an answer.
    scal(["upgrade", &d, "--to", &p(&v12)]).ok();
    scal(["answer", &d, "A042-02", "No", "--comment", "Not yet"]).ok();
    let id = scal(["archived", &d, "--json"]).json()[0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    scal(["restore-archived", &d, &id, "--to", "A042-02"]).fails_with(&[
        "item \"A042-02\"",
        "already holds an answer",
        "clear it first",
    ]);
}

#[test]
fn a_workbook_given_with_a_template_not_imported_from_one_is_refused() {
    let dir = Dir::new();
    let draft = v11_draft(&dir);
    let before = std::fs::read(&draft).unwrap();
    let v12 = dir.file("ers-v12.json", v12());
    // Filling a workbook the template knows nothing of would write answers into arbitrary
    // cells: refused before the draft is touched.
    let xlsx = dir.file(
        "eRS_SCAL_v12.xlsx",
        b"PK\x03\x04 a workbook stands here".as_slice(),
    );
    scal([
        "upgrade",
        &p(&draft),
        "--to",
        &p(&v12),
        "--workbook",
        &p(&xlsx),
    ])
    .fails_with(&["--workbook", "was not imported from a workbook"]);
    assert_eq!(std::fs::read(&draft).unwrap(), before);
}

#[test]
fn copy_answers_previews_then_applies_and_never_touches_the_source() {
    let dir = Dir::new();
    let from = dir.path("shared.scal");
    let f = p(&from);
    scal(["new", &f, "--template", "shared-organisation"]).ok();
    scal([
        "answer",
        &f,
        "supplier-name",
        "Acme Health Ltd",
        "--comment",
        "As registered",
    ])
    .ok();
    scal(["answer", &f, "hscn-connection", "Yes"]).ok();
    let cert = dir.file("isms-cert.pdf", "%PDF-1.4 ISO 27001\n");
    scal(["attach", &f, "supplier-name", &p(&cert)]).ok();
    let to = dir.draft("booking.scal");
    let t = p(&to);
    scal(["answer", &t, "supplier-name", "Acme Ltd"]).ok();
    let source_before = std::fs::read(&from).unwrap();
    let target_before = std::fs::read(&to).unwrap();

    let preview = scal(["copy-answers", &f, &t, "--json"]).json();
    assert_matches_schema("cli-copy.schema.json", &preview);
    assert_eq!(preview["applied"], false);
    let changes = preview["changes"].as_array().unwrap();
    let name = changes
        .iter()
        .find(|c| c["to_item"] == "supplier-name")
        .unwrap();
    assert_eq!(
        (
            name["value"]["before"].clone(),
            name["value"]["after"].clone()
        ),
        (Json::from("Acme Ltd"), Json::from("Acme Health Ltd"))
    );
    assert_eq!(name["evidence"][0]["file_name"], "isms-cert.pdf");
    let text = scal([
        "copy-answers",
        &f,
        &t,
        "--sections",
        "IG, Security & Clinical Safety,supplier-product",
    ])
    .ok()
    .to_string();
    assert!(
        text.contains("supplier-name") && text.contains("Acme Ltd -> Acme Health Ltd"),
        "{text}"
    );
    assert!(text.contains("Preview only: nothing changed."), "{text}");
    assert_eq!(
        std::fs::read(&to).unwrap(),
        target_before,
        "a preview changed the target"
    );

    let applied = scal(["copy-answers", &f, &t, "--yes", "--json"]).json();
    assert_matches_schema("cli-copy.schema.json", &applied);
    assert_eq!(applied["applied"], true);
    assert_eq!(applied["snapshot"]["reason"], "before_copy");
    assert_eq!(applied["evidence_copied"], 1);
    let show = show_json(&to);
    assert_eq!(answer_of(&show, "supplier-name"), "Acme Health Ltd");
    assert_eq!(item(&show, "supplier-name")["comment"], "As registered");
    assert_eq!(answer_of(&show, "hscn-connection"), "Yes");
    let source_link = &scal(["evidence", "list", &f, "--json"]).json()[0];
    let target_link = &scal(["evidence", "list", &t, "--json"]).json()[0];
    assert_eq!(source_link["sha256"], target_link["sha256"]);
    // The history says the answer was copied, and from where; the text says it in words.
    let history = scal(["history", &t, "supplier-name", "--json"]).json();
    assert_matches_schema("cli-history.schema.json", &history);
    let entries = history["entries"].as_array().unwrap();
    let copy = entries
        .iter()
        .find(|e| e["action"] == "copy")
        .unwrap_or_else(|| panic!("no copy entry in {entries:?}"));
    assert_eq!(
        (copy["old_value"].clone(), copy["new_value"].clone()),
        (Json::from("Acme Ltd"), Json::from("Acme Health Ltd"))
    );
    assert_eq!(copy["new_comment"], "As registered");
    assert_eq!(copy["copied_from"]["draft"], f.as_str());
    assert_eq!(copy["copied_from"]["item"], "supplier-name");
    assert_eq!(
        copy["copied_from"]["before_snapshot"],
        applied["snapshot"]["id"]
    );
    assert!(
        entries
            .iter()
            .all(|e| e["copied_from"].is_null() == (e["action"] != "copy")),
        "only a copy says where it came from"
    );
    let words = scal(["history", &t, "supplier-name"]).ok().to_string();
    assert!(
        words.contains(&format!("copied from supplier-name of {f}")),
        "{words}"
    );
    assert_eq!(
        std::fs::read(&from).unwrap(),
        source_before,
        "the source draft was changed"
    );

    scal(["copy-answers", &f, &f]).fails_with(&["are the same draft"]);
    scal(["copy-answers", &f, &t, "--sections", "uec-consumer"]).fails_with(&[
        "there is no section \"uec-consumer\" in the source draft's template shared-organisation",
    ]);
}
