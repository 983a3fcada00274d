//! Every kind of bad input: exit 2, exactly one `scal: error: ...` line naming what is wrong,
//! nothing on stdout, no panic, and the draft left as it was.

use super::*;

/// Runs `scal answer` on a fresh mini draft and checks the refusal left it unanswered.
fn refused_answer(item_id: &str, value: &str, wanted: &[&str]) {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let before = show_json(&draft);
    scal(["answer", &p(&draft), item_id, value]).fails_with(wanted);
    assert_eq!(
        show_json(&draft),
        before,
        "a refused answer changed the draft"
    );
}

#[test]
fn an_unknown_item_is_refused() {
    refused_answer("no_such_item", "x", &["no_such_item", "no item"]);
}

#[test]
fn a_value_outside_the_options_is_refused_with_the_options() {
    refused_answer("hscn", "Maybe", &["\"Maybe\"", "hscn", "Yes, No"]);
    refused_answer(
        "care_settings",
        "Urgent care; Dentistry",
        &["Dentistry", "care_settings"],
    );
    refused_answer("req_metadata", "Partly", &["Partly", "Out of Scope"]);
}

#[test]
fn other_is_refused_where_the_item_does_not_offer_it() {
    refused_answer(
        "care_settings",
        "Other: Dental",
        &["care_settings", "Other: Dental"],
    );
}

#[test]
fn a_bad_date_is_refused() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    scal(["answer", &p(&draft), "hscn", "Yes"]).ok();
    for bad in ["31/01/2026", "2026-02-30", "yesterday"] {
        scal(["answer", &p(&draft), "hscn_signed", bad]).fails_with(&[
            bad,
            "hscn_signed",
            "YYYY-MM-DD",
        ]);
    }
    assert!(item(&show_json(&draft), "hscn_signed")["value"].is_null());
}

#[test]
fn a_bad_ods_code_is_refused() {
    refused_answer("ods_code", "R!8", &["R!8", "ods_code", "ODS code"]);
    refused_answer("ods_code", "AB", &["ods_code"]);
}

#[test]
fn a_bad_email_is_refused() {
    refused_answer(
        "contact_email",
        "lead at acme",
        &["lead at acme", "contact_email", "email"],
    );
    refused_answer("contact_email", "lead@localhost", &["contact_email"]);
}

#[test]
fn items_that_take_no_answer_are_refused() {
    refused_answer("tcr", "Yes", &["tcr", "attach"]);
    refused_answer("req_notes", "Acknowledged", &["req_notes"]);
}

#[test]
fn new_never_overwrites_an_existing_file() {
    let dir = Dir::new();
    let existing = dir.file("taken.scal", "precious bytes");
    scal(["new", &p(&existing), "--template", FLAGSHIP]).fails_with(&["taken.scal", "exists"]);
    assert_eq!(std::fs::read(&existing).unwrap(), b"precious bytes");

    let draft = dir.draft("acme.scal");
    let before = std::fs::read(&draft).unwrap();
    scal(["new", &p(&draft), "--template", "shared-organisation"])
        .fails_with(&["acme.scal", "exists"]);
    assert_eq!(std::fs::read(&draft).unwrap(), before);
}

#[test]
fn new_with_an_unknown_template_names_the_choices() {
    let dir = Dir::new();
    let draft = dir.path("x.scal");
    scal(["new", &p(&draft), "--template", "no-such-template"])
        .fails_with(&["no-such-template", FLAGSHIP]);
    assert!(!draft.exists(), "a failed `new` left a file behind");
}

#[test]
fn new_with_a_broken_template_file_says_what_is_wrong() {
    let dir = Dir::new();
    let bad_json = dir.file("bad.json", "{\"id\": ");
    scal(["new", &p(&dir.path("a.scal")), "--template", &p(&bad_json)]).fails_with(&["bad.json"]);
    let not_a_template = dir.file("wrong.json", r#"{"id": "x", "sections": "no"}"#);
    scal([
        "new",
        &p(&dir.path("b.scal")),
        "--template",
        &p(&not_a_template),
    ])
    .fails_with(&["wrong.json"]);
    assert!(!dir.path("a.scal").exists() && !dir.path("b.scal").exists());
}

/// Every command that reads a draft, given `draft`.
fn draft_commands(draft: &str, spare: &str) -> Vec<Vec<String>> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        s(&["show", draft]),
        s(&["show", draft, "--json"]),
        s(&["check", draft]),
        s(&["check", draft, "--json"]),
        s(&["answer", draft, "supplier_name", "Acme"]),
        s(&["comment", draft, "supplier_name", "note"]),
        s(&["attach", draft, "tcr", spare]),
        s(&["detach", draft, "1"]),
        s(&["evidence", "list", draft]),
        s(&["status", draft, "org", "Complete"]),
    ]
}

#[test]
fn a_missing_draft_is_refused_by_every_command_and_not_created() {
    let dir = Dir::new();
    let missing = dir.path("missing.scal");
    let spare = dir.file("spare.txt", "x");
    for args in draft_commands(&p(&missing), &p(&spare)) {
        scal(&args).fails_with(&["missing.scal"]);
        assert!(!missing.exists(), "{args:?} created the missing draft");
    }
}

#[test]
fn a_file_that_is_not_a_draft_is_refused_and_left_alone() {
    let dir = Dir::new();
    let spare = dir.file("spare.txt", "x");
    let text = dir.file(
        "notes.scal",
        "These are my notes, not a draft.\n".repeat(200),
    );
    let before = std::fs::read(&text).unwrap();
    for args in draft_commands(&p(&text), &p(&spare)) {
        scal(&args).fails_with(&["notes.scal", "not a SCAL draft"]);
    }
    assert_eq!(
        std::fs::read(&text).unwrap(),
        before,
        "a command changed a file that is not a draft"
    );
}

#[test]
fn a_truncated_draft_is_refused() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    scal(["answer", &p(&draft), "supplier_name", "Acme"]).ok();
    let bytes = std::fs::read(&draft).unwrap();
    assert!(bytes.len() > 4096, "the draft is unexpectedly small");
    let cut = dir.file("cut.scal", &bytes[..bytes.len() / 2]);
    let spare = dir.file("spare.txt", "x");
    for args in draft_commands(&p(&cut), &p(&spare)) {
        scal(&args).fails_with(&["cut.scal"]);
    }
}

#[test]
fn unknown_sections_and_statuses_are_refused() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    scal(["status", &p(&draft), "nowhere", "Complete"]).fails_with(&["nowhere"]);
    scal(["status", &p(&draft), "org", "Done"]).fails_with(&["Done", "In Progress", "Complete"]);
    assert!(show_json(&draft)["sections"][0]["status"].is_null());
}

#[test]
fn usage_errors_are_one_line_too() {
    scal(Vec::<&str>::new()).fails_with(&["--help"]);
    scal(["frobnicate"]).fails_with(&["frobnicate"]);
    scal(["show"]).fails_with(&["DRAFT"]);
    scal(["templates", "--jsn"]).fails_with(&["--jsn"]);
    scal(["check", "x.scal", "--today", "2026-13-01"]).fails_with(&["2026-13-01", "--today"]);
}

#[test]
fn a_comment_on_an_unknown_item_is_refused() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let before = show_json(&draft);
    scal(["comment", &p(&draft), "nope", "text"]).fails_with(&["nope"]);
    assert_eq!(show_json(&draft), before);
}

#[cfg(unix)]
#[test]
fn a_read_only_draft_can_be_shown_and_checked_but_not_changed() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    scal(["answer", &p(&draft), "supplier_name", "Acme"]).ok();
    std::fs::set_permissions(&draft, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&draft).unwrap();
    assert_eq!(item(&show_json(&draft), "supplier_name")["value"], "Acme");
    check_json(&draft);
    scal(["answer", &p(&draft), "supplier_name", "Other Ltd"])
        .fails_with(&["mini.scal", "read-only"]);
    assert_eq!(std::fs::read(&draft).unwrap(), before);
}

/// A refusal in plain words: no " (os error N)", and no hidden working name (a draft being
/// created, an export being staged) where the user's own file should be named.
#[track_caller]
fn plain(run: &Run, wanted: &[&str]) {
    let line = run.fails_with(wanted);
    for internal in ["os error", ".creating", ".partial", ".scal-export-"] {
        assert!(!line.contains(internal), "{internal:?} in: {line}");
    }
}

#[test]
fn io_failures_are_told_in_plain_words_naming_the_users_file() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    let missing = |name: &str| p(&dir.path(name));

    // ENOENT: a missing draft, answers file, evidence file, template, folder to create in.
    plain(
        &scal(["show", &missing("gone.scal")]),
        &["gone.scal does not exist"],
    );
    plain(
        &scal(["apply", &d, &missing("gone.json")]),
        &["gone.json cannot be read: it does not exist"],
    );
    plain(
        &scal(["attach", &d, "tcr", &missing("gone.pdf")]),
        &["gone.pdf", "it does not exist"],
    );
    plain(
        &scal(["verify-pack", &missing("gone.zip")]),
        &["gone.zip cannot be read: it does not exist"],
    );
    let nowhere = dir.path("no-such-folder").join("new.scal");
    plain(
        &scal(["new", &p(&nowhere), "--template", FLAGSHIP]),
        &["could not create", "new.scal", "its folder does not exist"],
    );
    let report = dir.file("report.pdf", b"%PDF-1.4");
    scal(["attach", &d, "tcr", &p(&report)]).ok();
    let sha = sha256_of(b"%PDF-1.4");
    plain(
        &scal([
            "evidence",
            "extract",
            &d,
            &sha,
            "--out",
            &p(&dir.path("no-such-folder").join("x.pdf")),
        ]),
        &["x.pdf", "its folder does not exist"],
    );

    // ENAMETOOLONG: a name longer than any disk allows, for a draft to read and to create.
    let long = format!("{}.scal", "n".repeat(300));
    plain(&scal(["show", &missing(&long)]), &["file name too long"]);
    plain(
        &scal(["new", &missing(&long), "--template", FLAGSHIP]),
        &["could not create", "file name too long"],
    );

    // A path too long once the export's hidden staging folder is added to it: the message
    // names the output folder, not the staging folder inside it.
    let mut out = dir.tmp.path().to_path_buf();
    while out.as_os_str().len() < 4000 {
        out.push("d".repeat(200));
    }
    let room = 4060 - out.as_os_str().len();
    out.push("e".repeat(room));
    std::fs::create_dir_all(&out).unwrap();
    plain(
        &scal(["export", &d, "--out", &p(&out)]),
        &["could not write", "file name too long"],
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
}

fn sha256_of(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}
