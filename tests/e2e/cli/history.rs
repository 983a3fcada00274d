//! `scal history`, `snapshot`, `snapshots`, `restore`, `diff`, `review`, `reviews`, `resolve`,
//! `reopen`, `sign-off`, and `status ... Complete` refused while issues block it.

use super::*;

fn history_json(draft: &Path, item: Option<&str>) -> Json {
    let mut args = vec!["history".to_string(), p(draft)];
    args.extend(item.map(str::to_string));
    args.push("--json".into());
    let json = scal(&args).json();
    assert_matches_schema("cli-history.schema.json", &json);
    json
}

fn diff_json(args: &[&str]) -> Json {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    all.push("--json");
    let json = scal(&all).json();
    assert_matches_schema("cli-diff.schema.json", &json);
    json
}

fn snapshots_json(draft: &Path) -> Vec<Json> {
    let json = scal(["snapshots", &p(draft), "--json"]).json();
    assert_matches_schema("cli-snapshots.schema.json", &json);
    json.as_array().unwrap().clone()
}

fn reviews_json(args: &[&str]) -> Json {
    let mut all = vec!["reviews"];
    all.extend_from_slice(args);
    all.push("--json");
    let json = scal(&all).json();
    assert_matches_schema("cli-reviews.schema.json", &json);
    json
}

/// One row of `state_of`: an item (value, comment, evidence) or a section (status).
type Shown = (String, Json, Json, Vec<(Json, Json, Json)>);

/// What a user sees of each item in `show --json`: value, comment, and evidence by content,
/// name and when it was added (not by link id: a restored link is a new link).
fn state_of(draft: &Path) -> Vec<Shown> {
    let show = show_json(draft);
    let mut out = Vec::new();
    for section in show["sections"].as_array().unwrap() {
        out.push((
            section["id"].as_str().unwrap().to_string(),
            section["status"].clone(),
            Json::Null,
            Vec::new(),
        ));
        for i in section["items"].as_array().unwrap() {
            let evidence = i["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["sha256"].clone(),
                        e["file_name"].clone(),
                        e["added_at"].clone(),
                    )
                })
                .collect();
            out.push((
                i["id"].as_str().unwrap().to_string(),
                i["value"].clone(),
                i["comment"].clone(),
                evidence,
            ));
        }
    }
    out
}

#[test]
fn history_shows_every_change_with_who_and_what() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    scal(["answer", &d, "supplier_name", "Acme Health"]).ok();
    scal([
        "answer",
        &d,
        "supplier_name",
        "Acme Digital",
        "--comment",
        "Renamed in May",
        "--author",
        "Bob",
    ])
    .ok();
    scal(["comment", &d, "supplier_name", "Renamed 1 May"]).ok();
    let report = dir.file("tcr.pdf", b"%PDF-1.4 report");
    scal(["attach", &d, "tcr", &p(&report)]).ok();
    scal(["detach", &d, "1"]).ok();
    scal(["status", &d, "booking", "In Progress"]).ok();

    let all = history_json(&draft, None);
    let entries = all["entries"].as_array().unwrap();
    let seen: Vec<(&str, &str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["item"].as_str().unwrap(),
                e["author"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("answer", "supplier_name", AUTHOR),
            ("answer", "supplier_name", "Bob"),
            ("comment", "supplier_name", AUTHOR),
            ("attach", "tcr", AUTHOR),
            ("detach", "tcr", AUTHOR),
            ("status", "booking", AUTHOR),
        ]
    );
    assert_eq!(entries[1]["old_value"], "Acme Health");
    assert_eq!(entries[1]["new_value"], "Acme Digital");
    assert_eq!(entries[1]["new_comment"], "Renamed in May");
    assert_eq!(entries[2]["old_comment"], "Renamed in May");
    assert_eq!(entries[2]["new_comment"], "Renamed 1 May");
    assert_eq!(entries[3]["evidence"]["file_name"], "tcr.pdf");
    assert_eq!(entries[3]["evidence"]["size"], 15);
    assert_eq!(entries[0]["label"], "Supplier organisation name");
    assert_eq!(entries[5]["section"], "booking");

    // Readable: old → new, and the file.
    let text = scal(["history", &d, "supplier_name"]).ok().to_string();
    assert!(
        text.contains("\"Acme Health\" → \"Acme Digital\""),
        "{text}"
    );
    assert!(
        text.contains("comment \"Renamed in May\" → \"Renamed 1 May\""),
        "{text}"
    );
    assert!(text.contains("Bob"), "{text}");
    assert!(!text.contains("tcr.pdf"), "only the item asked for: {text}");

    // A section stands for its status and its items.
    let booking = history_json(&draft, Some("booking"));
    assert_eq!(booking["entries"].as_array().unwrap().len(), 3);
    let text = scal(["history", &d, "booking"]).ok().to_string();
    assert!(
        text.contains("attached tcr.pdf") && text.contains("detached tcr.pdf"),
        "{text}"
    );
    assert!(text.contains("status (none) → In Progress"), "{text}");

    scal(["history", &d, "no_such_item"]).fails_with(&["no_such_item", "no history"]);
}

#[test]
fn history_and_diff_survive_export_and_reopen() {
    let dir = Dir::new();
    let draft = dir.mini_draft("acme.scal");
    let d = p(&draft);
    scal(["diff", &d]).fails_with(&["has no snapshot yet", "scal snapshot"]);
    scal(["answer", &d, "supplier_name", "Acme Health"]).ok();
    scal(["answer", &d, "hscn", "No"]).ok();
    let report = dir.file("tcr.pdf", b"%PDF-1.4 report");
    scal(["attach", &d, "tcr", &p(&report)]).ok();
    let out = dir.path("out");
    let said = scal(["export", &d, "--out", &p(&out), "--xlsx", "--today", TODAY])
        .ok()
        .to_string();
    assert!(
        said.contains("Snapshot 1 keeps the draft as submitted"),
        "{said}"
    );
    let history_at_export = history_json(&draft, None)["entries"].clone();

    let snaps = snapshots_json(&draft);
    assert_eq!(snaps.len(), 1);
    assert_eq!(snaps[0]["reason"], "export");
    assert_eq!(snaps[0]["label"], "as submitted");
    assert_eq!(snaps[0]["export_id"], 1);
    assert_eq!(snaps[0]["author"], AUTHOR);
    assert!(diff_json(&[&d])["items"].as_array().unwrap().is_empty());
    assert!(scal(["diff", &d]).ok().contains("No changes"));

    // After the export: an answer changed, one added, a comment, evidence swapped.
    scal(["answer", &d, "supplier_name", "Acme Digital"]).ok();
    scal(["answer", &d, "ods_code", "8jk12"]).ok();
    scal(["comment", &d, "hscn", "HSCN ordered"]).ok();
    scal(["detach", &d, "1"]).ok();
    let report2 = dir.file("tcr-v2.pdf", b"%PDF-1.4 report, second issue");
    scal(["attach", &d, "tcr", &p(&report2)]).ok();

    let diff = diff_json(&[&d]);
    assert_eq!(diff["from"]["kind"], "snapshot");
    assert_eq!(diff["from"]["snapshot"]["reason"], "export");
    assert_eq!(diff["to"]["kind"], "now");
    assert_eq!(diff["summary"]["items"], 4);
    let items: Vec<&str> = diff["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["item"].as_str().unwrap())
        .collect();
    assert_eq!(
        items,
        ["supplier_name", "ods_code", "hscn", "tcr"],
        "template order"
    );
    let by = |id: &str| {
        diff["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["item"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by("supplier_name")["answer"]["change"], "changed");
    assert_eq!(by("supplier_name")["answer"]["old"], "Acme Health");
    assert_eq!(by("supplier_name")["label"], "Supplier organisation name");
    assert_eq!(by("ods_code")["answer"]["change"], "added");
    assert_eq!(by("ods_code")["answer"]["new"], "8JK12");
    assert_eq!(by("hscn")["comment"]["change"], "added");
    assert!(by("hscn")["answer"].is_null());
    let tcr = by("tcr");
    let evidence: Vec<(&str, &str)> = tcr["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["change"].as_str().unwrap(),
                e["file_name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(evidence, [("removed", "tcr.pdf"), ("added", "tcr-v2.pdf")]);

    // Readable: grouped by section, with labels.
    let text = scal(["diff", &d]).ok().to_string();
    assert!(
        text.contains("From  snapshot 1 \"as submitted\" (export 1)"),
        "{text}"
    );
    assert!(text.contains("Supplier and product (org)"), "{text}");
    assert!(text.contains("Appointment booking (booking)"), "{text}");
    assert!(
        text.contains("supplier_name  Supplier organisation name"),
        "{text}"
    );
    assert!(
        text.contains("\"Acme Health\" → \"Acme Digital\""),
        "{text}"
    );
    assert!(
        text.contains("4 items changed: 2 answers, 1 comment, 2 evidence links."),
        "{text}"
    );
    assert!(
        scal(["show", &d])
            .ok()
            .contains("Changed   4 items since the last export"),
        "show points at the changes"
    );

    // History kept everything from before the export, in order.
    let history = history_json(&draft, None)["entries"].clone();
    let before = history_at_export.as_array().unwrap();
    assert_eq!(&history.as_array().unwrap()[..before.len()], &before[..]);
    assert_eq!(history.as_array().unwrap().len(), before.len() + 5);

    // A second export moves the baseline.
    scal(["export", &d, "--out", &p(&out), "--xlsx", "--today", TODAY]).ok();
    assert!(diff_json(&[&d])["items"].as_array().unwrap().is_empty());
    // Between the two exports' snapshots, by id.
    let between = diff_json(&[&d, "--from", "1", "--to", "2"]);
    assert_eq!(between["summary"]["items"], 4);
    assert_eq!(between["to"]["snapshot"]["id"], 2);
    scal(["diff", &d, "--from", "7"]).fails_with(&["has no snapshot 7"]);
    scal(["diff", &d, "--from", "first"]).fails_with(&["\"first\" is not a snapshot"]);
}

#[test]
fn a_snapshot_restores_exactly() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    scal([
        "answer",
        &d,
        "supplier_name",
        "Acme Health",
        "--comment",
        "As registered",
    ])
    .ok();
    scal(["answer", &d, "care_settings", "Urgent care;Community"]).ok();
    let report = dir.file("tcr.pdf", b"%PDF-1.4 report");
    scal(["attach", &d, "tcr", &p(&report)]).ok();
    scal(["attach", &d, "req_metadata", &p(&report)]).ok();
    scal(["status", &d, "booking", "In Progress"]).ok();
    let said = scal(["snapshot", &d, "--label", "before Bob"])
        .ok()
        .to_string();
    assert!(
        said.starts_with("Snapshot 1 taken (\"before Bob\")"),
        "{said}"
    );
    let expected = state_of(&draft);

    scal([
        "answer",
        &d,
        "supplier_name",
        "Bob's Health",
        "--comment",
        "",
        "--author",
        "Bob",
    ])
    .ok();
    scal(["answer", &d, "care_settings", ""]).ok();
    scal(["answer", &d, "ods_code", "X26"]).ok();
    scal(["detach", &d, "1"]).ok();
    scal(["answer", &d, "decl_usage", "Yes"]).ok();
    scal(["answer", &d, "req_metadata", "Yes"]).ok();
    scal(["status", &d, "booking", "Complete"]).ok();
    assert_ne!(state_of(&draft), expected);

    let said = scal(["restore", &d, "1"]).ok().to_string();
    assert!(
        said.contains("Restored snapshot 1 (\"before Bob\")"),
        "{said}"
    );
    assert!(said.contains("`scal restore"), "says how to undo: {said}");
    assert_eq!(
        state_of(&draft),
        expected,
        "the restore gives back the exact state"
    );

    // The restore is in the history, and can be undone from the snapshot it took.
    let history = history_json(&draft, Some("supplier_name"));
    let last = history["entries"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["snapshot"], 1);
    assert_eq!(last["new_value"], "Acme Health");
    assert!(scal(["history", &d, "supplier_name"])
        .ok()
        .contains("(restoring snapshot 1)"));
    let snaps = snapshots_json(&draft);
    assert_eq!(snaps.len(), 2);
    assert_eq!(snaps[1]["reason"], "before_restore");
    scal(["restore", &d, "latest"]).ok();
    assert_eq!(
        item(&show_json(&draft), "supplier_name")["value"],
        "Bob's Health"
    );
    assert!(scal(["snapshots", &d]).ok().contains("before restore"));

    scal(["restore", &d, "99"]).fails_with(&["has no snapshot 99"]);
    scal(["restore", &d, "x"]).fails_with(&["\"x\" is not a snapshot", "scal snapshots"]);
}

#[test]
fn complete_is_refused_with_the_reasons() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    let line = scal(["status", &d, "booking", "Complete", "--today", TODAY])
        .fails_with(&[
            "section \"Appointment booking\" (booking)",
            "cannot be marked Complete while it has 2 blocking issues:",
        ])
        .to_string();
    assert!(
        line.contains("Declaration of usage"),
        "names the declaration: {line}"
    );
    assert!(
        line.contains("Capability statement"),
        "names the requirement: {line}"
    );
    assert!(
        show_json(&draft)["sections"][1]["status"].is_null(),
        "nothing was set"
    );

    scal(["answer", &d, "decl_usage", "Yes"]).ok();
    let line = scal(["status", &d, "booking", "Complete"])
        .fails_with(&["has 1 blocking issue:", "Capability statement"])
        .to_string();
    assert!(!line.contains("more"), "{line}");
    scal(["answer", &d, "req_metadata", "Yes"]).ok();
    scal(["status", &d, "booking", "Complete"]).ok();
    assert_eq!(show_json(&draft)["sections"][1]["status"], "Complete");
}

#[test]
fn review_comments_are_threaded_resolved_and_reopened() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    scal(["answer", &d, "supplier_name", "Acme"]).ok();
    let said = scal([
        "review",
        &d,
        "supplier_name",
        "Is this the registered name?",
        "--author",
        "Sam",
    ])
    .ok()
    .to_string();
    assert_eq!(
        said,
        "Comment 1 added on supplier_name (Supplier organisation name).\n"
    );
    scal([
        "review",
        &d,
        "supplier_name",
        "Yes, as at Companies House",
        "--reply-to",
        "1",
    ])
    .ok();
    scal([
        "review",
        &d,
        "supplier_name",
        "Thanks",
        "--reply-to",
        "2",
        "--author",
        "Sam",
    ])
    .ok();
    scal([
        "review",
        &d,
        "booking",
        "Section not started?",
        "--author",
        "Sam",
    ])
    .ok();

    let all = reviews_json(&[&d]);
    assert_eq!(all["open"], 2);
    let threads = all["threads"].as_array().unwrap();
    assert_eq!(threads.len(), 2);
    let bodies: Vec<(&str, &Json)> = threads[0]["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["body"].as_str().unwrap(), &c["parent"]))
        .collect();
    assert_eq!(
        bodies,
        [
            ("Is this the registered name?", &Json::Null),
            ("Yes, as at Companies House", &Json::from(1)),
            ("Thanks", &Json::from(1)),
        ],
        "a reply to a reply joins the thread"
    );
    assert_eq!(threads[0]["comments"][1]["author"], AUTHOR);
    assert_eq!(threads[1]["item"], "booking");
    assert_eq!(threads[1]["label"], "Appointment booking");

    let said = scal(["resolve", &d, "3", "--author", "Sam"])
        .ok()
        .to_string();
    assert!(
        said.contains("Thread 1 on supplier_name is resolved (by Sam)"),
        "{said}"
    );
    let open = reviews_json(&[&d, "--open"]);
    assert_eq!(open["open"], 1);
    assert_eq!(open["threads"].as_array().unwrap().len(), 1);
    assert_eq!(open["threads"][0]["id"], 4);
    let text = scal(["reviews", &d, "supplier_name"]).ok().to_string();
    assert!(text.contains("[resolved by Sam"), "{text}");
    assert!(text.contains("#2 E2E Tester"), "{text}");
    scal(["reopen", &d, "#1"]).ok();
    assert_eq!(reviews_json(&[&d])["open"], 2);
    assert!(scal(["show", &d]).ok().contains("2 open review threads"));

    // Review comments are not answers: the answer, and the history, are untouched.
    assert_eq!(item(&show_json(&draft), "supplier_name")["value"], "Acme");
    assert_eq!(
        history_json(&draft, None)["entries"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    scal(["review", &d, "nowhere", "x"]).fails_with(&["no item or section \"nowhere\""]);
    scal(["review", &d, "supplier_name", "   "]).fails_with(&["cannot be empty"]);
    scal(["review", &d, "ods_code", "x", "--reply-to", "1"])
        .fails_with(&["comment 1 is on \"supplier_name\", not \"ods_code\""]);
    scal(["review", &d, "supplier_name", "x", "--reply-to", "one"])
        .fails_with(&["\"one\" is not a review comment number"]);
    scal(["resolve", &d, "42"]).fails_with(&["has no review comment 42"]);
    assert!(scal(["reviews", &d, "ods_code"])
        .ok()
        .contains("No review comments."));
}

#[test]
fn a_sign_off_goes_stale_when_an_answer_changes() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    scal(["answer", &d, "supplier_name", "Acme"]).ok();
    assert!(scal(["show", &d]).ok().contains("Sign-off  none yet"));
    let said = scal([
        "sign-off",
        &d,
        "--name",
        "Dr Jo Bloggs",
        "--role",
        "Clinical Safety Officer",
        "--today",
        TODAY,
    ])
    .ok()
    .to_string();
    assert!(
        said.starts_with("Signed off by Dr Jo Bloggs (Clinical Safety Officer) on 2026-06-15."),
        "{said}"
    );
    assert!(
        said.contains("blocking issues"),
        "says the draft is not complete: {said}"
    );
    let shown = scal(["show", &d]).ok().to_string();
    assert!(
        shown.contains("Sign-off  Dr Jo Bloggs (Clinical Safety Officer), 2026-06-15\n"),
        "{shown}"
    );

    scal(["answer", &d, "supplier_name", "Acme Digital"]).ok();
    let shown = scal(["show", &d]).ok().to_string();
    assert!(
        shown.contains("2026-06-15: STALE, answers changed since"),
        "{shown}"
    );

    scal([
        "sign-off",
        &d,
        "--name",
        "Dr Jo Bloggs",
        "--role",
        "CSO",
        "--date",
        "2026-06-20",
    ])
    .ok();
    let shown = scal(["show", &d]).ok().to_string();
    assert!(
        shown.contains("Sign-off  Dr Jo Bloggs (CSO), 2026-06-20\n"),
        "{shown}"
    );

    scal(["sign-off", &d, "--name", " ", "--role", "CSO"]).fails_with(&["a sign-off needs a name"]);
    scal([
        "sign-off",
        &d,
        "--name",
        "Jo",
        "--role",
        "CSO",
        "--date",
        "20/06/2026",
    ])
    .fails_with(&["is not a date"]);
}

#[test]
fn two_drafts_are_compared_item_by_item() {
    let dir = Dir::new();
    let a = dir.mini_draft("a.scal");
    let b = dir.path("b.scal");
    scal(["new", &p(&b), "--template", &p(&dir.path("e2e-mini.json"))]).ok();
    scal(["answer", &p(&a), "supplier_name", "Acme"]).ok();
    scal(["answer", &p(&b), "supplier_name", "Acme"]).ok();
    scal(["answer", &p(&b), "hscn", "Yes"]).ok();
    let diff = diff_json(&[&p(&a), &p(&b)]);
    assert_eq!(diff["from"]["kind"], "draft");
    assert_eq!(diff["to"]["path"], p(&b));
    assert_eq!(diff["summary"]["items"], 1);
    assert_eq!(diff["items"][0]["item"], "hscn");
    assert_eq!(diff["items"][0]["answer"]["change"], "added");
    // Both were opened read-only: neither changed.
    assert!(snapshots_json(&a).is_empty());
    scal(["diff", &p(&a), &p(&a)]).fails_with(&["are the same file"]);
    scal(["diff", &p(&a), &p(&b), "--from", "1"]).fails_with(&["--from and --to"]);
}
