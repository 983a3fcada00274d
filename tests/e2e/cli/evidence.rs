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
