//! `scal apply`: many answers in one transaction, all or nothing.

use serde_json::json;

use super::*;

#[test]
fn apply_sets_values_lists_and_comments_and_clears_with_null() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    let d = p(&draft);
    scal(["answer", &d, "product_version", "1.0", "--comment", "old"]).ok();
    let answers = dir.file(
        "answers.json",
        json!({"answers": [
            {"item": "supplier_name", "value": "Acme Health Ltd", "comment": "As registered"},
            {"item": "care_settings", "value": ["urgent care", "Primary care"]},
            {"item": "topology", "value": "Other: Regional hub"},
            {"item": "hscn", "value": "Yes"},
            {"item": "hscn_signed", "value": RECENT_DATE},
            {"item": "product_version", "value": null},
            {"item": "decl_usage", "comment": "Declared in the pilot plan."}
        ]})
        .to_string(),
    );
    let said = scal(["apply", &d, &p(&answers)]).ok().to_string();
    assert!(
        said.contains('7'),
        "does not say how many rows it applied: {said}"
    );

    let show = show_json(&draft);
    assert_eq!(item(&show, "supplier_name")["value"], "Acme Health Ltd");
    assert_eq!(item(&show, "supplier_name")["comment"], "As registered");
    assert_eq!(
        item(&show, "care_settings")["value"],
        json!(["Urgent care", "Primary care"])
    );
    assert_eq!(item(&show, "topology")["value"], "Other: Regional hub");
    assert_eq!(item(&show, "hscn_signed")["value"], RECENT_DATE);
    assert!(
        item(&show, "product_version")["value"].is_null(),
        "null did not clear the value"
    );
    assert_eq!(
        item(&show, "product_version")["comment"],
        "old",
        "an absent comment was changed"
    );
    assert!(
        item(&show, "decl_usage")["value"].is_null(),
        "an absent value was changed"
    );
    assert_eq!(
        item(&show, "decl_usage")["comment"],
        "Declared in the pilot plan."
    );
}

#[test]
fn the_answers_schema_accepts_what_apply_accepts() {
    let example = json!({"$schema": "../schemas/answers.schema.json", "answers": [
        {"item": "a", "value": "x"}, {"item": "b", "value": ["x", "y"]},
        {"item": "c", "value": null, "comment": ""}, {"item": "d", "comment": "only a comment"}
    ]});
    assert_matches_schema("answers.schema.json", &example);
}

/// Applies `rows` to a draft holding one answer; asserts exit 2, one line with every fragment
/// of `wanted` plus the file name, and an unchanged draft.
fn refused_apply(rows: &str, wanted: &[&str]) {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    scal([
        "answer",
        &p(&draft),
        "supplier_name",
        "Before",
        "--comment",
        "kept",
    ])
    .ok();
    let before = show_json(&draft);
    let answers = dir.file("rows.json", rows);
    let mut wanted = wanted.to_vec();
    wanted.push("rows.json");
    scal(["apply", &p(&draft), &p(&answers)]).fails_with(&wanted);
    assert_eq!(
        show_json(&draft),
        before,
        "a refused answers file changed the draft"
    );
}

#[test]
fn one_bad_row_refuses_the_whole_file() {
    // The good rows come first, so a row-by-row write would have changed the draft.
    let good = r#"{"item": "supplier_name", "value": "After"}, {"item": "hscn", "value": "Yes"}"#;
    refused_apply(
        &format!(r#"{{"answers": [{good}, {{"item": "ods_code", "value": "R!8"}}]}}"#),
        &["ods_code", "R!8", "answer 3"],
    );
    refused_apply(
        &format!(r#"{{"answers": [{good}, {{"item": "nope", "value": "x"}}]}}"#),
        &["nope", "answer 3"],
    );
    refused_apply(
        &format!(r#"{{"answers": [{good}, {{"item": "hscn_signed", "value": "1 May"}}]}}"#),
        &["hscn_signed", "1 May"],
    );
    refused_apply(
        &format!(r#"{{"answers": [{good}, {{"item": "contact_email", "value": "nobody"}}]}}"#),
        &["contact_email"],
    );
    refused_apply(
        &format!(r#"{{"answers": [{good}, {{"item": "topology", "value": "Moon"}}]}}"#),
        &["topology", "Moon"],
    );
    refused_apply(
        &format!(r#"{{"answers": [{good}, {{"item": "tcr", "value": "Yes"}}]}}"#),
        &["tcr"],
    );
}

#[test]
fn malformed_answers_files_are_refused() {
    refused_apply(
        r#"{"answers": [{"item": "supplier_name", "value": "After"}"#,
        &["not valid JSON"],
    );
    refused_apply("", &["not valid JSON"]);
    refused_apply(
        r#"[{"item": "supplier_name", "value": "After"}]"#,
        &["answers"],
    );
    refused_apply(
        r#"{"answers": [{"item": "supplier_name", "value": 7}]}"#,
        &["supplier_name", "value"],
    );
    refused_apply(
        r#"{"answers": [{"item": "supplier_name", "valeu": "After"}]}"#,
        &["supplier_name", "valeu"],
    );
    refused_apply(
        r#"{"answers": [{"item": "hscn", "value": "Yes"}, {"item": "hscn", "value": "No"}]}"#,
        &["hscn", "twice"],
    );
    // serde_json alone would keep the last "value" without a word.
    refused_apply(
        r#"{"answers": [{"item": "hscn", "value": "Yes"}, {"item": "supplier_name", "value": "A", "value": "B"}]}"#,
        &["answer 2 (item \"supplier_name\") gives \"value\" twice"],
    );
}

#[test]
fn a_missing_answers_file_is_refused() {
    let dir = Dir::new();
    let draft = dir.mini_draft("mini.scal");
    scal(["apply", &p(&draft), &p(&dir.path("nowhere.json"))]).fails_with(&["nowhere.json"]);
}

#[test]
fn files_saved_with_a_byte_order_mark_are_read() {
    let dir = Dir::new();
    // A template saved by a Windows editor: the draft made from it opens and upgrades.
    let template = dir.file("bom-template.json", format!("\u{FEFF}{MINI_TEMPLATE}"));
    let draft = dir.path("bom.scal");
    scal(["new", &p(&draft), "--template", &p(&template)]).ok();
    let d = p(&draft);
    let answers = dir.file(
        "bom-answers.json",
        format!(
            "\u{FEFF}{}",
            json!({"answers": [{"item": "supplier_name", "value": "Acme Health Ltd"}]})
        ),
    );
    scal(["apply", &d, &p(&answers)]).ok();
    assert_eq!(
        item(&show_json(&draft), "supplier_name")["value"],
        "Acme Health Ltd"
    );
    let newer = dir.file(
        "bom-template-1.1.json",
        format!(
            "\u{FEFF}{}",
            MINI_TEMPLATE.replace("\"version\": \"1.0.0\"", "\"version\": \"1.1.0\"")
        ),
    );
    scal(["upgrade", &d, "--to", &p(&newer)]).ok();
    let show = show_json(&draft);
    assert_eq!(show["template"]["version"], "1.1.0", "{show}");
    assert_eq!(item(&show, "supplier_name")["value"], "Acme Health Ltd");
}
