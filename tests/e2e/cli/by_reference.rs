//! Naming an item by the requirement ID the user sees in the workbook (`GPC-SFS-01`) instead of
//! its item id: exactly, then ignoring case, where the ID names one item; an ID two tabs share
//! is refused, naming both items; an item id always wins.

use super::*;

/// Two service tabs: GPC-SFS-02 on both, GPC-SFS-01 only on the first; one item's id is
/// another item's requirement ID, to show that an id wins.
const TEMPLATE: &str = r#"{
  "id": "e2e-catalogue",
  "version": "1.0.0",
  "title": "E2E catalogue",
  "publisher": "E2E tests",
  "sections": [
    {"id": "provider", "title": "Provider requirements", "kind": "service", "items": [
      {"id": "provider.sfs-01", "label": "Search free slots", "type": "requirement",
       "reference": "GPC-SFS-01", "level": "MUST"},
      {"id": "provider.sfs-02", "label": "Book an appointment", "type": "requirement",
       "reference": "GPC-SFS-02", "level": "MUST"},
      {"id": "GPC-SFS-09", "label": "Cancel an appointment", "type": "requirement",
       "reference": "GPC-SFS-03", "level": "MUST"}
    ]},
    {"id": "consumer", "title": "Consumer requirements", "kind": "service", "items": [
      {"id": "consumer.sfs-02", "label": "Book an appointment", "type": "requirement",
       "reference": "GPC-SFS-02", "level": "MUST"},
      {"id": "consumer.sfs-09", "label": "Amend an appointment", "type": "requirement",
       "reference": "GPC-SFS-09", "level": "SHOULD"}
    ]}
  ]
}"#;

fn catalogue_draft(dir: &Dir) -> PathBuf {
    let template = dir.file("e2e-catalogue.json", TEMPLATE);
    let path = dir.path("catalogue.scal");
    scal(["new", &p(&path), "--template", &p(&template)]).ok();
    path
}

#[test]
fn an_item_is_answered_by_its_requirement_id_and_show_gives_both() {
    let dir = Dir::new();
    let draft = catalogue_draft(&dir);
    let d = p(&draft);
    scal(["answer", &d, "GPC-SFS-01", "Yes", "--comment", "Tested"]).ok();
    // Ignoring case, as a person types it.
    scal(["comment", &d, "gpc-sfs-01", "Tested against the sandbox"]).ok();
    let show = show_json(&draft);
    let answered = item(&show, "provider.sfs-01");
    assert_eq!(answered["reference"], "GPC-SFS-01");
    assert_eq!(answered["value"], "Yes");
    assert_eq!(answered["comment"], "Tested against the sandbox");
    // Nothing else was answered.
    let others: Vec<&Json> = items(&show)
        .into_iter()
        .filter(|i| i["id"] != "provider.sfs-01" && !i["value"].is_null())
        .collect();
    assert!(others.is_empty(), "{others:?}");
    // Evidence and history name it the same way.
    let file = dir.file("evidence.txt", "request and response");
    scal(["attach", &d, "GPC-SFS-01", &p(&file)]).ok();
    let history = scal(["history", &d, "GPC-SFS-01", "--json"]).json();
    let entries = history["entries"].as_array().expect("entries");
    assert!(entries.len() >= 3, "{history}");
    assert!(entries.iter().all(|e| e["item"] == "provider.sfs-01"));
}

#[test]
fn an_item_id_wins_over_a_requirement_id() {
    let dir = Dir::new();
    let draft = catalogue_draft(&dir);
    // "GPC-SFS-09" is the id of the provider's cancel row and the consumer's amend row's ID.
    scal([
        "answer",
        &p(&draft),
        "GPC-SFS-09",
        "No",
        "--comment",
        "Not built",
    ])
    .ok();
    let show = show_json(&draft);
    assert_eq!(item(&show, "GPC-SFS-09")["value"], "No");
    assert!(item(&show, "consumer.sfs-09")["value"].is_null());
}

#[test]
fn a_requirement_id_two_tabs_share_is_refused_naming_both_items() {
    let dir = Dir::new();
    let draft = catalogue_draft(&dir);
    let before = show_json(&draft);
    let d = p(&draft);
    let wanted = [
        "GPC-SFS-02",
        "\"provider.sfs-02\" in \"Provider requirements\"",
        "\"consumer.sfs-02\" in \"Consumer requirements\"",
    ];
    scal(["answer", &d, "GPC-SFS-02", "Yes"]).fails_with(&wanted);
    scal(["answer", &d, "gpc-sfs-02", "Yes"]).fails_with(&wanted[1..]);
    scal(["comment", &d, "GPC-SFS-02", "x"]).fails_with(&wanted);
    scal(["history", &d, "GPC-SFS-02"]).fails_with(&wanted);
    assert_eq!(show_json(&draft), before, "nothing changed");
    // Named by its item id, either one is answered.
    scal(["answer", &d, "consumer.sfs-02", "Yes"]).ok();
    assert_eq!(item(&show_json(&draft), "consumer.sfs-02")["value"], "Yes");
}

#[test]
fn a_name_that_is_neither_an_id_nor_a_requirement_id_is_refused() {
    let dir = Dir::new();
    let draft = catalogue_draft(&dir);
    let before = show_json(&draft);
    let d = p(&draft);
    scal(["answer", &d, "GPC-SFS-99", "Yes"])
        .fails_with(&["\"GPC-SFS-99\"", "neither an item id nor a requirement ID"]);
    scal(["comment", &d, "GPC-SFS-99", "x"]).fails_with(&["\"GPC-SFS-99\""]);
    assert_eq!(show_json(&draft), before, "nothing changed");
}
