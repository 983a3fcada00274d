//! `scal attach`, `detach`, `evidence list` and `evidence extract`.

use sha2::{Digest, Sha256};

use super::*;

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `scal evidence list --json`, validated against its schema.
fn evidence_json(draft: &Path) -> Vec<Json> {
    let json = scal(["evidence", "list", &p(draft), "--json"]).json();
    assert_matches_schema("cli-evidence.schema.json", &json);
    json.as_array().unwrap().clone()
}

#[test]
fn attached_files_are_listed_shown_and_extracted_byte_for_byte() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    // Not valid UTF-8, with every byte value: the content must survive untouched.
    let report: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let report_path = dir.file("Conformance Report.pdf", &report);
    let run = scal(["attach", &d, "tcr", &p(&report_path)]);
    let said = run.ok().to_string();
    assert!(
        said.contains("Conformance Report.pdf"),
        "attach does not say what it linked: {said}"
    );
    assert_eq!(run.stderr, "", "attach wrote to stderr without a terminal");

    let list = evidence_json(&draft);
    assert_eq!(list.len(), 1);
    let link = &list[0];
    assert_eq!(link["item"], "tcr");
    assert_eq!(link["file_name"], "Conformance Report.pdf");
    assert_eq!(link["size"], report.len());
    assert_eq!(link["sha256"], sha256_hex(&report));
    assert_eq!(link["media_type"], "application/pdf");

    let show = show_json(&draft);
    let shown = &item(&show, "tcr")["evidence"];
    assert_eq!(shown.as_array().unwrap().len(), 1);
    assert_eq!(shown[0]["id"], link["id"]);
    assert_eq!(shown[0]["sha256"], link["sha256"]);

    let by_sha = dir.path("by-sha.pdf");
    scal([
        "evidence",
        "extract",
        &d,
        link["sha256"].as_str().unwrap(),
        "--out",
        &p(&by_sha),
    ])
    .ok();
    assert_eq!(std::fs::read(&by_sha).unwrap(), report);
    let by_link = dir.path("by-link.pdf");
    scal([
        "evidence",
        "extract",
        &d,
        &link["id"].to_string(),
        "--out",
        &p(&by_link),
    ])
    .ok();
    assert_eq!(std::fs::read(&by_link).unwrap(), report);

    let text = scal(["evidence", "list", &d]).ok().to_string();
    for shown in [
        "tcr",
        "Conformance Report.pdf",
        link["sha256"].as_str().unwrap(),
    ] {
        assert!(
            text.contains(shown),
            "{shown} missing from evidence list:\n{text}"
        );
    }
}

#[test]
fn the_same_file_linked_twice_is_stored_once_under_one_hash() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    let file = dir.file("hazard-log.xlsx", b"hazard log v3");
    scal(["attach", &d, "tcr", &p(&file)]).ok();
    scal(["attach", &d, "req_metadata", &p(&file)]).ok();
    let list = evidence_json(&draft);
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["sha256"], list[1]["sha256"]);
    assert_ne!(list[0]["id"], list[1]["id"]);
}

#[test]
fn detach_removes_one_link_and_keeps_the_others() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    scal(["attach", &d, "tcr", &p(&dir.file("a.txt", "first"))]).ok();
    scal(["attach", &d, "tcr", &p(&dir.file("b.txt", "second"))]).ok();
    let list = evidence_json(&draft);
    let first = list[0]["id"].to_string();
    scal(["detach", &d, &first]).ok();
    let after = evidence_json(&draft);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["file_name"], "b.txt");
    // Detaching it again names the link that is not there.
    scal(["detach", &d, &first]).fails_with(&[&first]);
}

#[test]
fn bad_evidence_requests_are_refused() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    let file = dir.file("a.txt", "first");
    scal(["attach", &d, "tcr", &p(&dir.path("absent.pdf"))]).fails_with(&["absent.pdf"]);
    scal(["attach", &d, "nope", &p(&file)]).fails_with(&["nope"]);
    scal(["attach", &d, "tcr", &p(dir.tmp.path())])
        .fails_with(&["is not a regular file (it is a folder)"]);
    scal(["detach", &d, "one"]).fails_with(&["one"]);
    scal(["detach", &d, "42"]).fails_with(&["42"]);
    let unknown = "0".repeat(64);
    scal([
        "evidence",
        "extract",
        &d,
        &unknown,
        "--out",
        &p(&dir.path("x")),
    ])
    .fails_with(&[&unknown]);
    scal([
        "evidence",
        "extract",
        &d,
        "nonsense",
        "--out",
        &p(&dir.path("x")),
    ])
    .fails_with(&["nonsense"]);
    assert!(evidence_json(&draft).is_empty());

    // Extract never overwrites.
    scal(["attach", &d, "tcr", &p(&file)]).ok();
    let id = evidence_json(&draft)[0]["id"].to_string();
    let taken = dir.file("taken.txt", "keep me");
    scal(["evidence", "extract", &d, &id, "--out", &p(&taken)])
        .fails_with(&["taken.txt", "exists"]);
    assert_eq!(std::fs::read(&taken).unwrap(), b"keep me");
}

/// `scal attach --dated --valid-until` and `scal evidence set-dates`: the dates are listed (JSON
/// by its schema, and in the table), and `scal check` warns before and blocks after expiry of
/// the evidence an item needs; the penetration test's 12-month rule takes its letter's date.
#[test]
fn evidence_dates_are_kept_listed_and_checked() {
    let dir = Dir::new();
    let draft = dir.draft("dated.scal");
    let d = p(&draft);
    let letter = dir.file("pen-test-letter.pdf", "summary letter");
    let said = scal([
        "attach",
        &d,
        "pen-test-summary",
        &p(&letter),
        "--dated",
        "2026-01-10",
        "--valid-until",
        "2027-01-09",
    ])
    .ok()
    .to_string();
    assert!(
        said.contains("dated 2026-01-10, valid until 2027-01-09"),
        "{said}"
    );
    let list = evidence_json(&draft);
    assert_eq!(list[0]["dated"], "2026-01-10");
    assert_eq!(list[0]["valid_until"], "2027-01-09");
    let table = scal(["evidence", "list", &d]).ok().to_string();
    assert!(
        table.contains("VALID UNTIL") && table.contains("2027-01-09"),
        "{table}"
    );
    let show = show_json(&draft);
    assert_eq!(
        item(&show, "pen-test-summary")["evidence"][0]["dated"],
        "2026-01-10"
    );
    assert_matches_schema("cli-show.schema.json", &show);

    let check_on = |day: &str| {
        let (_, json) = check_json_with(&draft, &["--today", day]);
        json["issues"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["item"] == "pen-test-summary" || i["item"] == "pen-test-date")
            .map(|i| {
                format!(
                    "{} {} {}",
                    i["rule"].as_str().unwrap(),
                    i["item"].as_str().unwrap(),
                    i["severity"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    let link = list[0]["id"].to_string();
    scal(["answer", &d, "pen-test-done", "Yes"]).ok();
    scal(["answer", &d, "pen-test-date", "2026-02-01"]).ok();
    assert!(
        check_on("2026-06-01").is_empty(),
        "{:?}",
        check_on("2026-06-01")
    );
    assert_eq!(
        check_on("2026-12-01"),
        ["evidence_expiring pen-test-summary warning"]
    );
    // The letter (2026-01-10) is older than the answered date (2026-02-01): on 2027-01-20 it is
    // past 12 months while the answer is not, so the date blocks; the expired letter itself only
    // warns, the slot being optional in this template.
    assert_eq!(
        check_on("2027-01-20"),
        [
            "date_stale pen-test-date blocking",
            "evidence_expired pen-test-summary warning"
        ]
    );
    let renewed = scal([
        "evidence",
        "set-dates",
        &d,
        &link,
        "--valid-until",
        "2028-01-09",
    ])
    .ok()
    .to_string();
    assert!(
        renewed.contains("is dated 2026-01-10, valid until 2028-01-09"),
        "a date left out is kept: {renewed}"
    );
    assert_eq!(check_on("2027-01-05"), Vec::<String>::new());
    let history = scal(["history", &d, "--json"]).json();
    assert_matches_schema("cli-history.schema.json", &history);
    let entries = history["entries"].as_array().unwrap();
    let attach = entries.iter().find(|e| e["action"] == "attach").unwrap();
    assert_eq!(attach["dates"]["after"]["valid_until"], "2027-01-09");
    let dates = entries
        .iter()
        .find(|e| e["action"] == "dates")
        .expect("no dates entry in the history");
    assert_eq!(dates["item"], "pen-test-summary");
    assert_eq!(dates["evidence"]["file_name"], "pen-test-letter.pdf");
    assert_eq!(dates["dates"]["before"]["valid_until"], "2027-01-09");
    assert_eq!(dates["dates"]["after"]["valid_until"], "2028-01-09");
    assert_eq!(dates["dates"]["after"]["dated"], "2026-01-10");
    let text = scal(["history", &d]).ok().to_string();
    assert!(
        text.contains("dates of pen-test-letter.pdf: valid until 2027-01-09 → 2028-01-09"),
        "{text}"
    );
    scal(["evidence", "set-dates", &d, &link, "--clear"]).ok();
    assert_eq!(evidence_json(&draft)[0]["dated"], Json::Null);
}

#[test]
fn bad_evidence_dates_are_refused_naming_the_field_and_nothing_is_attached() {
    let dir = Dir::new();
    let draft = dir.draft("bad-dates.scal");
    let d = p(&draft);
    let file = dir.file("cert.pdf", "certificate");
    scal([
        "attach",
        &d,
        "pen-test-summary",
        &p(&file),
        "--dated",
        "1/5/2026",
    ])
    .fails_with(&["--dated", "1/5/2026", "YYYY-MM-DD"]);
    scal([
        "attach",
        &d,
        "pen-test-summary",
        &p(&file),
        "--dated",
        "2026-05-01",
        "--valid-until",
        "2026-04-30",
    ])
    .fails_with(&["valid-until 2026-04-30", "2026-05-01"]);
    assert!(
        evidence_json(&draft).is_empty(),
        "a refused attach linked a file"
    );
    scal(["attach", &d, "pen-test-summary", &p(&file)]).ok();
    let link = evidence_json(&draft)[0]["id"].to_string();
    scal([
        "evidence",
        "set-dates",
        &d,
        &link,
        "--valid-until",
        "2027-02-30",
    ])
    .fails_with(&["--valid-until", "2027-02-30"]);
    scal(["evidence", "set-dates", &d, &link]).fails_with(&["--dated", "--clear"]);
    scal(["evidence", "set-dates", &d, "99", "--dated", "2026-01-01"]).fails_with(&["99"]);
    scal(["evidence", "set-dates", &d, &link, "--dated", "2026-05-01"]).ok();
    scal([
        "evidence",
        "set-dates",
        &d,
        &link,
        "--valid-until",
        "2026-01-01",
    ])
    .fails_with(&["valid-until 2026-01-01", "2026-05-01"]);
    assert_eq!(evidence_json(&draft)[0]["valid_until"], Json::Null);
}
