//! `scal templates`.

use super::*;

#[test]
fn templates_json_lists_the_bundled_templates_with_counts() {
    let json = scal(["templates", "--json"]).json();
    assert_matches_schema("cli-templates.schema.json", &json);
    let list = json.as_array().unwrap();
    let ids: Vec<&str> = list.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&FLAGSHIP), "no {FLAGSHIP} in {ids:?}");
    assert!(
        ids.contains(&"shared-organisation"),
        "no shared-organisation in {ids:?}"
    );
    let flagship = list.iter().find(|t| t["id"] == FLAGSHIP).unwrap();
    assert!(flagship["sections"].as_u64().unwrap() > 0);
    assert!(flagship["items"].as_u64().unwrap() >= flagship["sections"].as_u64().unwrap());
}

#[test]
fn templates_text_is_an_aligned_table_naming_every_template() {
    let text = scal(["templates"]).ok().to_string();
    let json = scal(["templates", "--json"]).json();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("ID"), "no header row: {text}");
    for t in json.as_array().unwrap() {
        let id = t["id"].as_str().unwrap();
        let line = lines
            .iter()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id} is not listed:\n{text}"));
        assert!(line.contains(t["version"].as_str().unwrap()), "{line}");
        // Columns line up: the version column starts at the same place on every row.
        assert_eq!(
            line.find(t["version"].as_str().unwrap()),
            lines[0].find("VERSION"),
            "{text}"
        );
    }
    assert_no_debug_formatting(&text);
}

/// Human output is for people: no Rust debug syntax may leak into it.
pub fn assert_no_debug_formatting(text: &str) {
    for tell in ["Some(", "One(", "Many(", "\\\"", "{ ", "[\""] {
        assert!(
            !text.contains(tell),
            "debug formatting {tell:?} in output:\n{text}"
        );
    }
}
