//! The completeness rules, case by case: each case is a tiny template, the draft's answers,
//! evidence and section statuses, today's date, and the issues a user should see, in order.
//!
//! Expected issues are written `rule item`, with ` (warning)` for warnings; an issue about a
//! whole section is written `rule §section`. Answers are one per line, `item = value`, with an
//! optional ` // comment`; `[a; b]` is a multi-choice list.

// clippy.toml allows these inside #[test] functions only; the shared helpers here are test code
// too, and a panic in them is a failing test with a location.
#![allow(clippy::panic, clippy::unwrap_used, reason = "test helpers")]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use scal_core::completeness::rules;
use scal_core::completeness::CommentKind;
use scal_core::template::Meaning;
use scal_core::{load_template, Answer, DraftState, Report, Severity, Value};

// ---------------------------------------------------------------------------------------------
// The helper

#[track_caller]
fn check(
    template_json: &str,
    answers: &str,
    evidence: &[&str],
    statuses: &[(&str, &str)],
    today: &str,
    expected: &[&str],
) -> Report {
    let template = load_template(template_json)
        .unwrap_or_else(|e| panic!("test template does not load: {e}\n{template_json}"));
    let state = DraftState {
        answers: parse_answers(answers),
        evidence: evidence.iter().map(|id| (id.to_string(), 1)).collect(),
        section_status: statuses
            .iter()
            .map(|(s, v)| (s.to_string(), v.to_string()))
            .collect(),
        ..DraftState::default()
    };
    let report = scal_core::check(&template, &state, date(today));
    let actual: Vec<String> = report.issues.iter().map(render).collect();
    assert_eq!(
        actual,
        expected,
        "\nanswers:\n{answers}\nmessages:\n{}",
        report
            .issues
            .iter()
            .map(|i| i.message.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Every case also holds the report's own invariants.
    assert_eq!(
        report.complete,
        !report
            .issues
            .iter()
            .any(|i| i.severity == Severity::Blocking)
    );
    needs_agree_with_issues(&template, &state, &report);
    for issue in &report.issues {
        assert!(
            rules::ALL.contains(&issue.rule),
            "unknown rule {}",
            issue.rule
        );
        assert!(
            issue.message.ends_with('.'),
            "not a sentence: {}",
            issue.message
        );
    }
    report
}

/// The per-item needs are the issues seen from the item: every visible item has an entry and no
/// hidden one does; a comment is missing exactly when a comment rule fires for the item, and
/// evidence exactly when an evidence rule does. Checked on every case of this file.
#[track_caller]
fn needs_agree_with_issues(template: &scal_core::Template, state: &DraftState, report: &Report) {
    let visible = scal_core::visible_items(template, &state.answers);
    let keys: std::collections::HashSet<String> = report.needs.keys().cloned().collect();
    assert_eq!(
        keys, visible,
        "needs are given for exactly the visible items"
    );
    let fires = |item: &str, wanted: &[&str]| {
        report
            .issues
            .iter()
            .filter(|i| i.item == item && wanted.contains(&i.rule))
            .count()
    };
    for (id, needs) in &report.needs {
        let (_, item) = template.item(id).unwrap();
        let comment_rules = [
            rules::MITIGATION_REQUIRED,
            rules::JUSTIFICATION_REQUIRED,
            rules::STATEMENT_REQUIRED,
        ];
        let missing = needs.comment.as_ref().is_some_and(|c| c.missing);
        assert_eq!(
            usize::from(missing),
            fires(id, &comment_rules),
            "{id}: comment need {:?} against the issues",
            needs.comment
        );
        if let Some(c) = &needs.comment {
            assert!(!c.missing || c.required, "{id}: missing but not required");
            assert_eq!(
                c.required,
                !c.why.is_empty(),
                "{id}: a why exactly when required"
            );
            assert!(
                c.why.is_empty() || c.why.ends_with('.'),
                "not a sentence: {}",
                c.why
            );
        }
        let evidence_rules: &[&str] = if matches!(item.kind, scal_core::ItemKind::EvidenceSlot) {
            &[rules::REQUIRED]
        } else {
            &[rules::EVIDENCE_REQUIRED]
        };
        let missing = needs.evidence.as_ref().is_some_and(|e| e.missing);
        assert_eq!(
            usize::from(missing),
            fires(id, evidence_rules),
            "{id}: evidence need {:?} against the issues",
            needs.evidence
        );
        assert!(
            !(needs.placeholder && needs.answered),
            "{id}: a placeholder is no answer"
        );
        if needs.placeholder && item.required {
            // Guidance to acknowledge warns instead of blocking.
            assert_eq!(
                fires(id, &[rules::REQUIRED, rules::UNACKNOWLEDGED]),
                1,
                "{id}: a required placeholder is flagged"
            );
        }
    }
}

fn render(issue: &scal_core::Issue) -> String {
    let subject = if issue.item.is_empty() {
        format!("§{}", issue.section)
    } else {
        issue.item.clone()
    };
    match issue.severity {
        Severity::Blocking => format!("{} {subject}", issue.rule),
        Severity::Warning => format!("{} {subject} (warning)", issue.rule),
    }
}

fn parse_answers(text: &str) -> BTreeMap<String, Answer> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (id, rest) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("answer line without '=': {line}"));
            let (value, comment) = match rest.split_once(" // ") {
                Some((v, c)) => (v, c.to_string()),
                None => (rest, String::new()),
            };
            // One space after '=' is layout; anything else is part of the value.
            let value = value.strip_prefix(' ').unwrap_or(value);
            // `[please state]` is the placeholder, not a list.
            let value = match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                Some(list) if !list.to_lowercase().contains("please state") => Value::Many(
                    list.split(';')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect(),
                ),
                _ => Value::One(value.to_string()),
            };
            (
                id.trim().to_string(),
                Answer {
                    value: Some(value),
                    comment,
                },
            )
        })
        .collect()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A template of one section holding `items` (a JSON array).
fn section(kind: &str, has_status: bool, items: &str) -> String {
    format!(
        r#"{{"id": "t", "version": "1.0.0", "title": "Test SCAL", "publisher": "Test",
            "sections": [{{"id": "s", "title": "Section S", "kind": "{kind}",
                           "has_status": {has_status}, "items": {items}}}]}}"#
    )
}

fn form(items: &str) -> String {
    section("form", false, items)
}

fn service(items: &str) -> String {
    section("service", false, items)
}

const TODAY: &str = "2025-06-15";

const TEXT: &str = r#"[{"id": "name", "label": "Supplier organisation name", "type": "text"}]"#;
const OPTIONAL_TEXT: &str =
    r#"[{"id": "notes", "label": "Notes", "type": "text", "required": false}]"#;
const TOPOLOGY: &str = r#"[{"id": "topology", "label": "Endpoint topology", "type": "choice",
    "options": ["Centrally Hosted", "Locally Hosted"], "other": true}]"#;
const TOPOLOGY_NO_OTHER: &str = r#"[{"id": "topology", "label": "Endpoint topology",
    "type": "choice", "options": ["Centrally Hosted", "Locally Hosted"]}]"#;
const SETTINGS: &str = r#"[{"id": "settings", "label": "Care settings", "type": "multi_choice",
    "options": ["GP", "Hospital", "Pharmacy"], "other": true}]"#;
const DECLARATION: &str =
    r#"[{"id": "dspt", "label": "DSPT Standards Met", "type": "declaration"}]"#;

fn requirement(level: &str, assessment: &str) -> String {
    format!(
        r#"[{{"id": "r1", "label": "Book an appointment", "type": "requirement",
             "reference": "UEC-CON-004", "level": "{level}", "assessment": "{assessment}"}}]"#
    )
}

fn dated(rule: &str) -> String {
    format!(
        r#"[{{"id": "d", "label": "DSPT publication date", "type": "date", "rule": "{rule}"}}]"#
    )
}

// ---------------------------------------------------------------------------------------------
// required

#[test]
fn required_item_without_answer_blocks() {
    check(&form(TEXT), "", &[], &[], TODAY, &["required name"]);
    check(&form(TEXT), "name = Acme Health Ltd", &[], &[], TODAY, &[]);
}

#[test]
fn optional_item_without_answer_is_fine() {
    check(&form(OPTIONAL_TEXT), "", &[], &[], TODAY, &[]);
}

#[test]
fn a_comment_alone_is_not_an_answer() {
    check(
        &form(TEXT),
        "name = // we will fill this in",
        &[],
        &[],
        TODAY,
        &["required name"],
    );
}

#[test]
fn placeholders_are_never_answers() {
    for placeholder in [
        "Please select\u{2026}",
        "please select\u{2026}.",
        "Please Select\u{2026}..",
        "Please select...",
        "[please state]",
        "[Please state]",
        "   ",
        "",
    ] {
        let answers = format!("topology = {placeholder}");
        check(
            &form(TOPOLOGY),
            &answers,
            &[],
            &[],
            TODAY,
            &["required topology"],
        );
    }
}

#[test]
fn placeholder_message_says_it_is_not_an_answer() {
    let report = check(
        &form(TOPOLOGY),
        "topology = Please select\u{2026}",
        &[],
        &[],
        TODAY,
        &["required topology"],
    );
    assert_eq!(
        report.issues[0].message,
        "\"Endpoint topology\" still shows \"Please select\u{2026}\", which is not an answer: choose a response."
    );
}

#[test]
fn multi_choice_needs_one_real_response() {
    check(
        &form(SETTINGS),
        "settings = []",
        &[],
        &[],
        TODAY,
        &["required settings"],
    );
    check(
        &form(SETTINGS),
        "settings = [Please select\u{2026}]",
        &[],
        &[],
        TODAY,
        &["required settings"],
    );
    // A placeholder left in a list beside real responses is ignored, not an invalid response.
    check(
        &form(SETTINGS),
        "settings = [Please select\u{2026}; GP]",
        &[],
        &[],
        TODAY,
        &[],
    );
    check(
        &form(SETTINGS),
        "settings = [GP; Pharmacy]",
        &[],
        &[],
        TODAY,
        &[],
    );
}

#[test]
fn required_evidence_slot_needs_a_file() {
    let slot =
        r#"[{"id": "tcr", "label": "Technical Conformance Report", "type": "evidence_slot"}]"#;
    check(&service(slot), "", &[], &[], TODAY, &["required tcr"]);
    check(&service(slot), "", &["tcr"], &[], TODAY, &[]);
    let optional = r#"[{"id": "tcc", "label": "Technical Conformance Certificate",
        "type": "evidence_slot", "required": false}]"#;
    check(&service(optional), "", &[], &[], TODAY, &[]);
}

#[test]
fn an_evidence_count_of_zero_is_no_evidence() {
    let slot =
        r#"[{"id": "tcr", "label": "Technical Conformance Report", "type": "evidence_slot"}]"#;
    let template = load_template(&service(slot)).unwrap();
    let state = DraftState {
        evidence: [("tcr".to_string(), 0)].into(),
        ..DraftState::default()
    };
    let report = scal_core::check(&template, &state, date(TODAY));
    assert_eq!(report.issues.len(), 1);
    assert_eq!(report.issues[0].rule, rules::REQUIRED);
    assert!(!report.complete);
}

#[test]
fn plain_guidance_asks_nothing() {
    let guidance = r#"[{"id": "g", "label": "Resilience", "type": "guidance",
        "text": "Plan for the loss of a data centre."}]"#;
    check(
        &section("guidance", false, guidance),
        "",
        &[],
        &[],
        TODAY,
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// invalid_value

#[test]
fn a_response_not_among_the_options_is_invalid() {
    check(
        &form(TOPOLOGY),
        "topology = Cloud-ish",
        &[],
        &[],
        TODAY,
        &["invalid_value topology"],
    );
    check(
        &form(TOPOLOGY),
        "topology = locally hosted",
        &[],
        &[],
        TODAY,
        &[],
    );
    check(
        &form(SETTINGS),
        "settings = [GP; Dentist]",
        &[],
        &[],
        TODAY,
        &["invalid_value settings"],
    );
}

#[test]
fn invalid_response_message_lists_the_options() {
    let report = check(
        &service(&requirement("MUST", "supplier_declared")),
        "r1 = Maybe",
        &[],
        &[],
        TODAY,
        &["invalid_value r1"],
    );
    assert_eq!(
        report.issues[0].message,
        "UEC-CON-004 (Book an appointment) holds \"Maybe\", which is not one of its responses (Yes, No, Out of Scope)."
    );
}

#[test]
fn an_invalid_response_raises_nothing_else() {
    // "Nope" is not "No": no MUST-not-met, no mitigation; the user fixes the value first.
    check(
        &service(&requirement("MUST", "supplier_declared")),
        "r1 = Nope",
        &[],
        &[],
        TODAY,
        &["invalid_value r1"],
    );
}

#[test]
fn responses_match_regardless_of_case() {
    check(
        &service(&requirement("MUST", "supplier_declared")),
        "r1 = no // we will fix it before go-live",
        &[],
        &[],
        TODAY,
        &["must_not_met r1"],
    );
}

#[test]
fn field_formats_are_checked() {
    let fields = r#"[
        {"id": "email", "label": "CSO email", "type": "email"},
        {"id": "ods", "label": "ODS code", "type": "ods_code"},
        {"id": "version", "label": "Product version", "type": "version"},
        {"id": "signed", "label": "HSCN agreement signed", "type": "date"}]"#;
    check(
        &form(fields),
        "email = cso.example.nhs.uk\nods = R!8\nversion = vNext\nsigned = 31/03/2025",
        &[],
        &[],
        TODAY,
        &[
            "invalid_value email",
            "invalid_value ods",
            "invalid_value version",
            "invalid_value signed",
        ],
    );
    check(
        &form(fields),
        "email = cso@example.nhs.uk\nods = rr8\nversion = 2.4.1\nsigned = 2025-03-31",
        &[],
        &[],
        TODAY,
        &[],
    );
    check(
        &form(fields),
        "email = a@b.uk\nods = 8JK12\nversion = 3\nsigned = 2025-02-30",
        &[],
        &[],
        TODAY,
        &["invalid_value signed"],
    );
}

#[test]
fn format_messages_say_what_is_expected() {
    let report = check(
        &form(r#"[{"id": "ods", "label": "ODS code", "type": "ods_code"}]"#),
        "ods = R!8",
        &[],
        &[],
        TODAY,
        &["invalid_value ods"],
    );
    assert_eq!(
        report.issues[0].message,
        "\"ODS code\" holds \"R!8\", which is not an ODS code: 3 to 10 letters and digits, e.g. RR8 or 8JK12."
    );
}

#[test]
fn a_list_for_a_single_response_is_invalid() {
    check(
        &form(TOPOLOGY),
        "topology = [Centrally Hosted; Locally Hosted]",
        &[],
        &[],
        TODAY,
        &["invalid_value topology"],
    );
}

#[test]
fn a_long_hostile_value_is_quoted_short() {
    let value = "x".repeat(10_000);
    let report = check(
        &form(TOPOLOGY),
        &format!("topology = {value}"),
        &[],
        &[],
        TODAY,
        &["invalid_value topology"],
    );
    assert!(
        report.issues[0].message.len() < 300,
        "{}",
        report.issues[0].message
    );
    assert!(report.issues[0].message.contains("xxx\u{2026}"));
}

// ---------------------------------------------------------------------------------------------
// other_unstated

#[test]
fn other_needs_saying_what() {
    for unstated in [
        "Other",
        "other",
        "Other:",
        "Other: ",
        "Other: [please state]",
    ] {
        let answers = format!("topology = {unstated}");
        check(
            &form(TOPOLOGY),
            &answers,
            &[],
            &[],
            TODAY,
            &["other_unstated topology"],
        );
    }
    check(
        &form(TOPOLOGY),
        "topology = Other: Hybrid hosting",
        &[],
        &[],
        TODAY,
        &[],
    );
}

#[test]
fn other_in_a_list_needs_saying_what() {
    check(
        &form(SETTINGS),
        "settings = [GP; Other]",
        &[],
        &[],
        TODAY,
        &["other_unstated settings"],
    );
    check(
        &form(SETTINGS),
        "settings = [GP; Other: Prison healthcare]",
        &[],
        &[],
        TODAY,
        &[],
    );
}

#[test]
fn other_where_not_offered_is_invalid() {
    check(
        &form(TOPOLOGY_NO_OTHER),
        "topology = Other: Hybrid",
        &[],
        &[],
        TODAY,
        &["invalid_value topology"],
    );
}

// ---------------------------------------------------------------------------------------------
// mitigation_required / justification_required

#[test]
fn declaration_no_needs_mitigation() {
    check(
        &service(DECLARATION),
        "dspt = No",
        &[],
        &[],
        TODAY,
        &["mitigation_required dspt"],
    );
    check(
        &service(DECLARATION),
        "dspt = No // [please state]",
        &[],
        &[],
        TODAY,
        &["mitigation_required dspt"],
    );
    check(
        &service(DECLARATION),
        "dspt = No // Submission booked for 30 June; interim controls in place",
        &[],
        &[],
        TODAY,
        &[],
    );
    check(&service(DECLARATION), "dspt = Yes", &[], &[], TODAY, &[]);
}

#[test]
fn mitigation_message_names_the_declaration() {
    let report = check(
        &service(DECLARATION),
        "dspt = No",
        &[],
        &[],
        TODAY,
        &["mitigation_required dspt"],
    );
    assert_eq!(
        report.issues[0].message,
        "Declaration \"DSPT Standards Met\" is answered No with no mitigation: say in the comment how the risk is handled instead."
    );
}

#[test]
fn yes_no_asks_a_comment_only_when_it_says_so() {
    let with = r#"[{"id": "device", "label": "Medical device", "type": "yes_no", "comment_when_no": true}]"#;
    let without = r#"[{"id": "isms", "label": "ISMS in place", "type": "yes_no"}]"#;
    check(
        &form(with),
        "device = No",
        &[],
        &[],
        TODAY,
        &["mitigation_required device"],
    );
    check(
        &form(with),
        "device = No // Not a medical device: no clinical function",
        &[],
        &[],
        TODAY,
        &[],
    );
    check(&form(with), "device = Yes", &[], &[], TODAY, &[]);
    check(&form(without), "isms = No", &[], &[], TODAY, &[]);
    check(
        &form(without),
        "isms = Maybe",
        &[],
        &[],
        TODAY,
        &["invalid_value isms"],
    );
}

#[test]
fn requirement_no_needs_mitigation() {
    check(
        &service(&requirement("MAY", "supplier_declared")),
        "r1 = No",
        &[],
        &[],
        TODAY,
        &["mitigation_required r1"],
    );
    check(
        &service(&requirement("MAY", "supplier_declared")),
        "r1 = No // Not offered in this release",
        &[],
        &[],
        TODAY,
        &[],
    );
}

#[test]
fn out_of_scope_needs_justification() {
    let req = requirement("MUST", "supplier_declared");
    check(
        &service(&req),
        "r1 = Out of Scope",
        &[],
        &[],
        TODAY,
        &["justification_required r1"],
    );
    check(
        &service(&req),
        "r1 = out of scope",
        &[],
        &[],
        TODAY,
        &["justification_required r1"],
    );
    check(
        &service(&req),
        "r1 = Out of Scope // We are a provider only; this is a consumer requirement",
        &[],
        &[],
        TODAY,
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// must_not_met / should_not_met

#[test]
fn must_answered_no_blocks_even_with_mitigation() {
    let req = requirement("MUST", "supplier_declared");
    let report = check(
        &service(&req),
        "r1 = No // Planned for release 4.2",
        &[],
        &[],
        TODAY,
        &["must_not_met r1"],
    );
    assert_eq!(
        report.issues[0].message,
        "UEC-CON-004 (Book an appointment) is a MUST answered No: it blocks submission unless NHS England agrees a derogation."
    );
    check(
        &service(&req),
        "r1 = No",
        &[],
        &[],
        TODAY,
        &["must_not_met r1", "mitigation_required r1"],
    );
    check(&service(&req), "r1 = Yes", &[], &[], TODAY, &[]);
}

#[test]
fn should_answered_no_warns() {
    let req = requirement("SHOULD", "supplier_declared");
    check(
        &service(&req),
        "r1 = No // Cached for 24 hours instead",
        &[],
        &[],
        TODAY,
        &["should_not_met r1 (warning)"],
    );
    // Blocking before warning for the same item.
    check(
        &service(&req),
        "r1 = No",
        &[],
        &[],
        TODAY,
        &["mitigation_required r1", "should_not_met r1 (warning)"],
    );
    check(&service(&req), "r1 = Yes", &[], &[], TODAY, &[]);
}

#[test]
fn info_and_action_rows_answered_no_need_only_mitigation() {
    for level in ["Info", "Action"] {
        let req = requirement(level, "supplier_declared");
        check(
            &service(&req),
            "r1 = No // Will action after go-live",
            &[],
            &[],
            TODAY,
            &[],
        );
    }
}

#[test]
fn a_requirement_without_reference_is_named_by_label() {
    let req = r#"[{"id": "r1", "label": "NHS Login Req", "type": "requirement", "level": "MUST"}]"#;
    let report = check(
        &service(req),
        "r1 = No // later",
        &[],
        &[],
        TODAY,
        &["must_not_met r1"],
    );
    assert!(
        report.issues[0]
            .message
            .starts_with("Requirement \"NHS Login Req\" is a MUST answered No"),
        "{}",
        report.issues[0].message
    );
}

// ---------------------------------------------------------------------------------------------
// statement_required / evidence_required

#[test]
fn supplier_statement_yes_needs_the_statement() {
    let req = requirement("MUST", "supplier_statement");
    check(
        &service(&req),
        "r1 = Yes",
        &[],
        &[],
        TODAY,
        &["statement_required r1"],
    );
    check(
        &service(&req),
        "r1 = Yes // The correlation id is logged on every request and echoed back",
        &[],
        &[],
        TODAY,
        &[],
    );
    // The statement backs a Yes; a justified Out of Scope needs none.
    check(
        &service(&req),
        "r1 = Out of Scope // Provider only",
        &[],
        &[],
        TODAY,
        &[],
    );
}

#[test]
fn evidence_yes_needs_evidence_on_the_row() {
    let req = requirement("MUST", "evidence");
    check(
        &service(&req),
        "r1 = Yes",
        &[],
        &[],
        TODAY,
        &["evidence_required r1"],
    );
    check(&service(&req), "r1 = Yes", &["r1"], &[], TODAY, &[]);
    check(
        &service(&req),
        "r1 = Out of Scope // Provider only",
        &[],
        &[],
        TODAY,
        &[],
    );
}

#[test]
fn evidence_in_a_slot_does_not_cover_an_evidence_row() {
    let items = r#"[
        {"id": "tcr", "label": "Technical Conformance Report", "type": "evidence_slot"},
        {"id": "r1", "label": "Book an appointment", "type": "requirement",
         "reference": "UEC-CON-004", "level": "MUST", "assessment": "evidence"}]"#;
    check(
        &service(items),
        "r1 = Yes",
        &["tcr"],
        &[],
        TODAY,
        &["evidence_required r1"],
    );
}

#[test]
fn conformance_report_rows_take_the_report_from_a_slot_of_their_section() {
    let items = r#"[
        {"id": "tcr", "label": "Technical Conformance Report", "type": "evidence_slot", "required": false},
        {"id": "r1", "label": "Book an appointment", "type": "requirement",
         "reference": "UEC-CON-004", "level": "MUST", "assessment": "conformance_report"}]"#;
    check(
        &service(items),
        "r1 = Yes",
        &[],
        &[],
        TODAY,
        &["evidence_required r1"],
    );
    check(&service(items), "r1 = Yes", &["tcr"], &[], TODAY, &[]);
    check(&service(items), "r1 = Yes", &["r1"], &[], TODAY, &[]);
}

#[test]
fn a_report_in_another_section_does_not_count() {
    let template = r#"{"id": "t", "version": "1.0.0", "title": "Test SCAL", "publisher": "Test",
        "sections": [
          {"id": "a", "title": "NHS Login", "kind": "service", "items": [
            {"id": "tcr-a", "label": "Technical Conformance Report", "type": "evidence_slot", "required": false}]},
          {"id": "b", "title": "UEC Appointment Booking", "kind": "service", "items": [
            {"id": "tcr-b", "label": "Technical Conformance Report", "type": "evidence_slot", "required": false},
            {"id": "r1", "label": "Book an appointment", "type": "requirement",
             "reference": "UEC-CON-004", "level": "MUST", "assessment": "conformance_report"}]}]}"#;
    let report = check(
        template,
        "r1 = Yes",
        &["tcr-a"],
        &[],
        TODAY,
        &["evidence_required r1"],
    );
    assert!(
        report.issues[0]
            .message
            .contains("section \"UEC Appointment Booking\""),
        "{}",
        report.issues[0].message
    );
    check(template, "r1 = Yes", &["tcr-b"], &[], TODAY, &[]);
}

// ---------------------------------------------------------------------------------------------
// meanings: the rules judge what a response means, never its words

/// A TOM-style requirement: Compliant / Semi-compliant / Non-compliant / N/a.
fn compliance(level: &str, assessment: &str, meanings: &str) -> String {
    format!(
        r#"[{{"id": "r1", "label": "Send the referral", "type": "requirement",
             "reference": "ERS-TOM-07", "level": "{level}", "assessment": "{assessment}",
             "options": ["Compliant", "Semi-compliant", "Non-compliant", "N/a", "Partial"],
             "meanings": {{{meanings}}}}}]"#
    )
}

#[test]
fn non_compliant_without_comment_needs_a_mitigation() {
    let req = compliance("MAY", "supplier_declared", "");
    let report = check(
        &service(&req),
        "r1 = Non-compliant",
        &[],
        &[],
        TODAY,
        &["mitigation_required r1"],
    );
    assert_eq!(
        report.issues[0].message,
        "ERS-TOM-07 (Send the referral) is answered Non-compliant with no mitigation: say in the comment how the risk is handled instead."
    );
    check(
        &service(&req),
        "r1 = non-compliant // Planned for 3.1",
        &[],
        &[],
        TODAY,
        &[],
    );
    check(&service(&req), "r1 = Compliant", &[], &[], TODAY, &[]);
}

#[test]
fn a_semi_compliant_must_blocks_and_needs_a_mitigation() {
    let req = compliance("MUST", "supplier_declared", "");
    let report = check(
        &service(&req),
        "r1 = Semi-compliant // Only for GP referrals so far",
        &[],
        &[],
        TODAY,
        &["must_not_met r1"],
    );
    assert_eq!(
        report.issues[0].message,
        "ERS-TOM-07 (Send the referral) is a MUST answered Semi-compliant, which is only partly met: it blocks submission unless NHS England agrees a derogation."
    );
    check(
        &service(&req),
        "r1 = Semi-compliant",
        &[],
        &[],
        TODAY,
        &["must_not_met r1", "mitigation_required r1"],
    );
    check(
        &service(&compliance("SHOULD", "supplier_declared", "")),
        "r1 = Semi-compliant // Only for GP referrals so far",
        &[],
        &[],
        TODAY,
        &["should_not_met r1 (warning)"],
    );
}

#[test]
fn n_a_needs_a_justification() {
    let req = compliance("MUST", "supplier_declared", "");
    let report = check(
        &service(&req),
        "r1 = N/a",
        &[],
        &[],
        TODAY,
        &["justification_required r1"],
    );
    assert_eq!(
        report.issues[0].message,
        "ERS-TOM-07 (Send the referral) is answered N/a with no justification: say in the comment why it does not apply to this product."
    );
    check(
        &service(&req),
        "r1 = N/a // We receive referrals only",
        &[],
        &[],
        TODAY,
        &[],
    );
}

#[test]
fn compliant_on_an_evidence_row_needs_evidence() {
    let req = compliance("MUST", "evidence", "");
    check(
        &service(&req),
        "r1 = Compliant",
        &[],
        &[],
        TODAY,
        &["evidence_required r1"],
    );
    check(&service(&req), "r1 = Compliant", &["r1"], &[], TODAY, &[]);
    // Only a met answer asks for the statement, whatever its words.
    let stated = compliance("MUST", "supplier_statement", "");
    check(
        &service(&stated),
        "r1 = Compliant",
        &[],
        &[],
        TODAY,
        &["statement_required r1"],
    );
    check(
        &service(&stated),
        "r1 = N/a // Receive only",
        &[],
        &[],
        TODAY,
        &[],
    );
}

#[test]
fn an_explicit_meaning_overrides_the_words() {
    // "Partial" reads as partly met; this template says it is not met.
    let inferred = compliance("SHOULD", "supplier_declared", "");
    check(
        &service(&inferred),
        "r1 = Partial // Half done",
        &[],
        &[],
        TODAY,
        &["should_not_met r1 (warning)"],
    );
    let marked = compliance("SHOULD", "supplier_declared", r#""Partial": "not_met""#);
    let report = check(
        &service(&marked),
        "r1 = Partial // Half done",
        &[],
        &[],
        TODAY,
        &["should_not_met r1 (warning)"],
    );
    assert!(
        !report.issues[0].message.contains("partly"),
        "{}",
        report.issues[0].message
    );
    // And a response the words would leave meaning nothing can be given one.
    let template = service(
        r#"[{"id": "r1", "label": "Send the referral", "type": "requirement", "level": "MUST",
             "options": ["Done", "Not done", "Not for us"],
             "meanings": {"Done": "met", "Not done": "not_met", "Not for us": "not_applicable"}}]"#,
    );
    check(
        &template,
        "r1 = Not done",
        &[],
        &[],
        TODAY,
        &["must_not_met r1", "mitigation_required r1"],
    );
    check(
        &template,
        "r1 = Not for us",
        &[],
        &[],
        TODAY,
        &["justification_required r1"],
    );
    check(&template, "r1 = Done", &[], &[], TODAY, &[]);
}

#[test]
fn a_declaration_answered_in_other_words_is_judged_by_meaning() {
    let template = service(
        r#"[{"id": "dspt", "label": "DSPT Standards Met", "type": "declaration",
             "options": ["Yes", "No", "In progress", "N/A"]}]"#,
    );
    check(
        &template,
        "dspt = In progress",
        &[],
        &[],
        TODAY,
        &["mitigation_required dspt"],
    );
    check(
        &template,
        "dspt = N/A",
        &[],
        &[],
        TODAY,
        &["justification_required dspt"],
    );
    check(&template, "dspt = Yes", &[], &[], TODAY, &[]);
}

#[test]
fn a_meaning_for_a_response_not_offered_is_refused() {
    let json = service(
        r#"[{"id": "r1", "label": "Send the referral", "type": "requirement", "level": "MUST",
             "options": ["Compliant", "Non-compliant"], "meanings": {"Partial": "not_met"}}]"#,
    );
    let err = load_template(&json).unwrap_err();
    assert_eq!(
        err.0.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["/sections/0/items/0/meanings/Partial: a meaning is given for \"Partial\", which is not one of the item's responses (Compliant, Non-compliant)"]
    );
    let unknown = service(
        r#"[{"id": "r1", "label": "Send the referral", "type": "requirement", "level": "MUST",
             "options": ["Compliant"], "meanings": {"Compliant": "sort_of"}}]"#,
    );
    assert!(load_template(&unknown).is_err());
}

// ---------------------------------------------------------------------------------------------
// Dates

#[test]
fn within_12_months_boundaries() {
    let t = form(&dated("within_12_months"));
    check(&t, "d = 2024-06-15", &[], &[], "2025-06-15", &[]);
    check(
        &t,
        "d = 2024-06-14",
        &[],
        &[],
        "2025-06-15",
        &["date_stale d"],
    );
    check(&t, "d = 2025-06-15", &[], &[], "2025-06-15", &[]);
    check(
        &t,
        "d = 2025-06-16",
        &[],
        &[],
        "2025-06-15",
        &["date_in_future d (warning)"],
    );
}

#[test]
fn within_12_months_around_29_february() {
    let t = form(&dated("within_12_months"));
    // Today is a leap day: 12 months back is 28 Feb (there is no 29 Feb 2027).
    check(&t, "d = 2027-02-28", &[], &[], "2028-02-29", &[]);
    check(
        &t,
        "d = 2027-02-27",
        &[],
        &[],
        "2028-02-29",
        &["date_stale d"],
    );
    // A leap day a year ago.
    check(&t, "d = 2024-02-29", &[], &[], "2025-02-28", &[]);
    check(&t, "d = 2024-02-28", &[], &[], "2025-02-28", &[]);
    check(
        &t,
        "d = 2024-02-27",
        &[],
        &[],
        "2025-02-28",
        &["date_stale d"],
    );
    check(
        &t,
        "d = 2024-02-29",
        &[],
        &[],
        "2025-03-01",
        &["date_stale d"],
    );
}

#[test]
fn stale_message_gives_the_limit() {
    let report = check(
        &form(&dated("within_12_months")),
        "d = 2024-01-10",
        &[],
        &[],
        "2025-06-15",
        &["date_stale d"],
    );
    assert_eq!(
        report.issues[0].message,
        "\"DSPT publication date\" is dated 2024-01-10, more than 12 months before today (2025-06-15): it must be 2024-06-15 or later."
    );
}

#[test]
fn financial_year_boundaries() {
    let t = form(&dated("current_financial_year"));
    // Mid-year: the year runs 1 April 2025 to 31 March 2026.
    check(&t, "d = 2025-04-01", &[], &[], "2025-06-15", &[]);
    check(
        &t,
        "d = 2025-03-31",
        &[],
        &[],
        "2025-06-15",
        &["date_outside_financial_year d"],
    );
    // On 31 March the year is still the one that began the April before.
    check(&t, "d = 2024-04-01", &[], &[], "2025-03-31", &[]);
    check(&t, "d = 2025-03-31", &[], &[], "2025-03-31", &[]);
    check(
        &t,
        "d = 2024-03-31",
        &[],
        &[],
        "2025-03-31",
        &["date_outside_financial_year d"],
    );
    // On 1 April a new year begins: yesterday is last year.
    check(&t, "d = 2025-04-01", &[], &[], "2025-04-01", &[]);
    check(
        &t,
        "d = 2025-03-31",
        &[],
        &[],
        "2025-04-01",
        &["date_outside_financial_year d"],
    );
}

#[test]
fn financial_year_dates_in_the_future() {
    let t = form(&dated("current_financial_year"));
    check(
        &t,
        "d = 2025-12-01",
        &[],
        &[],
        "2025-06-15",
        &["date_in_future d (warning)"],
    );
    check(
        &t,
        "d = 2026-04-01",
        &[],
        &[],
        "2025-06-15",
        &[
            "date_outside_financial_year d",
            "date_in_future d (warning)",
        ],
    );
}

#[test]
fn financial_year_message_gives_the_year() {
    let report = check(
        &form(&dated("current_financial_year")),
        "d = 2025-03-31",
        &[],
        &[],
        "2025-06-15",
        &["date_outside_financial_year d"],
    );
    assert!(
        report.issues[0]
            .message
            .contains("(2025-04-01 to 2026-03-31)"),
        "{}",
        report.issues[0].message
    );
}

#[test]
fn not_future_dates() {
    let t = form(&dated("not_future"));
    check(&t, "d = 2025-06-15", &[], &[], "2025-06-15", &[]);
    check(&t, "d = 2020-01-01", &[], &[], "2025-06-15", &[]);
    check(
        &t,
        "d = 2025-06-16",
        &[],
        &[],
        "2025-06-15",
        &["date_in_future d"],
    );
}

#[test]
fn a_date_without_a_rule_may_be_any_date() {
    let t = form(r#"[{"id": "d", "label": "Go-live", "type": "date"}]"#);
    check(&t, "d = 1999-01-01", &[], &[], TODAY, &[]);
    check(&t, "d = 2099-01-01", &[], &[], TODAY, &[]);
}

// ---------------------------------------------------------------------------------------------
// unacknowledged

#[test]
fn guidance_to_acknowledge_warns_until_acknowledged() {
    let g =
        r#"[{"id": "g", "label": "Backup and recovery", "type": "guidance", "acknowledge": true}]"#;
    let t = section("guidance", false, g);
    check(&t, "", &[], &[], TODAY, &["unacknowledged g (warning)"]);
    check(
        &t,
        "g = Please select\u{2026}",
        &[],
        &[],
        TODAY,
        &["unacknowledged g (warning)"],
    );
    check(&t, "g = Acknowledged", &[], &[], TODAY, &[]);
    check(&t, "g = acknowledged", &[], &[], TODAY, &[]);
    check(&t, "g = Yes", &[], &[], TODAY, &["invalid_value g"]);
}

// ---------------------------------------------------------------------------------------------
// Visibility and hidden_answer

const FOLLOW_UP: &str = r#"[
    {"id": "hscn", "label": "HSCN connection", "type": "yes_no"},
    {"id": "hscn-date", "label": "HSCN agreement signed", "type": "date", "rule": "not_future",
     "visible_when": {"item": "hscn", "equals": "Yes"}}]"#;

#[test]
fn a_follow_up_is_asked_only_when_its_condition_holds() {
    check(
        &form(FOLLOW_UP),
        "hscn = Yes",
        &[],
        &[],
        TODAY,
        &["required hscn-date"],
    );
    check(
        &form(FOLLOW_UP),
        "hscn = yes",
        &[],
        &[],
        TODAY,
        &["required hscn-date"],
    );
    check(&form(FOLLOW_UP), "hscn = No", &[], &[], TODAY, &[]);
    check(&form(FOLLOW_UP), "", &[], &[], TODAY, &["required hscn"]);
    check(
        &form(FOLLOW_UP),
        "hscn = Please select\u{2026}",
        &[],
        &[],
        TODAY,
        &["required hscn"],
    );
}

#[test]
fn a_hidden_answer_raises_only_a_warning() {
    // Not a date in the future: hidden items raise nothing of their own.
    let report = check(
        &form(FOLLOW_UP),
        "hscn = No\nhscn-date = 2099-01-01",
        &[],
        &[],
        TODAY,
        &["hidden_answer hscn-date (warning)"],
    );
    assert_eq!(
        report.issues[0].message,
        "\"HSCN agreement signed\" holds an answer but is hidden by the answer to \"HSCN connection\", so it will not be submitted."
    );
    assert!(report.complete);
}

#[test]
fn hidden_evidence_and_comments_are_reported() {
    check(
        &form(FOLLOW_UP),
        "hscn = No\nhscn-date = // signed last year",
        &["hscn-date"],
        &[],
        TODAY,
        &["hidden_answer hscn-date (warning)"],
    );
    // A placeholder stored on a hidden item is nothing to lose.
    check(
        &form(FOLLOW_UP),
        "hscn = No\nhscn-date = Please select\u{2026}",
        &[],
        &[],
        TODAY,
        &[],
    );
}

#[test]
fn hiding_chains_through_follow_ups() {
    let chain = r#"[
        {"id": "device", "label": "Medical device", "type": "yes_no"},
        {"id": "class-known", "label": "Class confirmed", "type": "yes_no",
         "visible_when": {"item": "device", "equals": "Yes"}},
        {"id": "class", "label": "Device class", "type": "choice",
         "options": ["I", "IIa", "IIb", "III"],
         "visible_when": {"item": "class-known", "equals": "Yes"}}]"#;
    check(
        &form(chain),
        "device = Yes\nclass-known = Yes",
        &[],
        &[],
        TODAY,
        &["required class"],
    );
    // class-known still says Yes, but it is hidden, so class is hidden too.
    check(
        &form(chain),
        "device = No\nclass-known = Yes",
        &[],
        &[],
        TODAY,
        &["hidden_answer class-known (warning)"],
    );
    check(
        &form(chain),
        "device = No\nclass-known = Yes\nclass = IIa",
        &[],
        &[],
        TODAY,
        &[
            "hidden_answer class-known (warning)",
            "hidden_answer class (warning)",
        ],
    );
}

#[test]
fn any_of_and_multi_choice_controllers() {
    let items = r#"[
        {"id": "topology", "label": "Endpoint topology", "type": "choice",
         "options": ["Centrally Hosted", "Locally Hosted"], "other": true},
        {"id": "sites", "label": "Number of sites", "type": "text",
         "visible_when": {"item": "topology", "any_of": ["Locally Hosted", "Other"]}},
        {"id": "settings", "label": "Care settings", "type": "multi_choice",
         "options": ["GP", "Hospital", "Pharmacy"]},
        {"id": "pharmacy-system", "label": "Pharmacy system", "type": "text",
         "visible_when": {"item": "settings", "equals": "Pharmacy"}}]"#;
    check(
        &form(items),
        "topology = Centrally Hosted\nsettings = [GP]",
        &[],
        &[],
        TODAY,
        &[],
    );
    check(
        &form(items),
        "topology = Locally Hosted\nsettings = [GP; Pharmacy]",
        &[],
        &[],
        TODAY,
        &["required sites", "required pharmacy-system"],
    );
    // "Other: text" satisfies a condition on "Other".
    check(
        &form(items),
        "topology = Other: Hybrid\nsettings = [Hospital]",
        &[],
        &[],
        TODAY,
        &["required sites"],
    );
}

#[test]
fn hidden_requirements_raise_nothing() {
    let items = r#"[
        {"id": "provider", "label": "Acting as provider", "type": "yes_no"},
        {"id": "r1", "label": "Keep previous versions", "type": "requirement",
         "reference": "UEC-PRO-010", "level": "MUST",
         "visible_when": {"item": "provider", "equals": "Yes"}}]"#;
    check(&service(items), "provider = No", &[], &[], TODAY, &[]);
    check(
        &service(items),
        "provider = Yes",
        &[],
        &[],
        TODAY,
        &["required r1"],
    );
    check(
        &service(items),
        "provider = No\nr1 = No",
        &[],
        &[],
        TODAY,
        &["hidden_answer r1 (warning)"],
    );
}

// ---------------------------------------------------------------------------------------------
// Section status

const STATUS_SECTION: &str = r#"[
    {"id": "dspt", "label": "DSPT Standards Met", "type": "declaration"},
    {"id": "r1", "label": "Cache the capability statement", "type": "requirement",
     "reference": "UEC-CON-002", "level": "SHOULD"}]"#;

#[test]
fn a_section_not_marked_complete_warns() {
    let t = section("service", true, STATUS_SECTION);
    let done = "dspt = Yes\nr1 = Yes";
    check(
        &t,
        done,
        &[],
        &[],
        TODAY,
        &["section_not_complete §s (warning)"],
    );
    check(
        &t,
        done,
        &[],
        &[("s", "In Progress")],
        TODAY,
        &["section_not_complete §s (warning)"],
    );
    check(
        &t,
        done,
        &[],
        &[("s", "Please select\u{2026}")],
        TODAY,
        &["section_not_complete §s (warning)"],
    );
    check(&t, done, &[], &[("s", "Complete")], TODAY, &[]);
    check(&t, done, &[], &[("s", "complete")], TODAY, &[]);
}

#[test]
fn a_section_without_status_never_asks_for_one() {
    check(
        &service(STATUS_SECTION),
        "dspt = Yes\nr1 = Yes",
        &[],
        &[],
        TODAY,
        &[],
    );
}

#[test]
fn complete_with_blocking_issues_is_a_contradiction() {
    let t = section("service", true, STATUS_SECTION);
    let report = check(
        &t,
        "dspt = No\nr1 = Yes",
        &[],
        &[("s", "Complete")],
        TODAY,
        &["status_contradiction §s", "mitigation_required dspt"],
    );
    assert_eq!(
        report.issues[0].message,
        "Section \"Section S\" is marked Complete but still has 1 blocking issue: resolve it or set the status back to In Progress."
    );
    // Warnings alone do not contradict Complete.
    check(
        &t,
        "dspt = Yes\nr1 = No // Cached per session instead",
        &[],
        &[("s", "Complete")],
        TODAY,
        &["should_not_met r1 (warning)"],
    );
}

// ---------------------------------------------------------------------------------------------
// Order

#[test]
fn issues_follow_template_order_across_sections() {
    let template = r#"{"id": "t", "version": "1.0.0", "title": "Test SCAL", "publisher": "Test",
        "sections": [
          {"id": "org", "title": "Supplier & Product information", "kind": "form", "items": [
            {"id": "name", "label": "Supplier organisation name", "type": "text"},
            {"id": "ods", "label": "ODS code", "type": "ods_code"}]},
          {"id": "uec", "title": "UEC Appointment Booking", "kind": "service", "has_status": true,
           "items": [
            {"id": "dspt", "label": "DSPT Standards Met", "type": "declaration"},
            {"id": "r1", "label": "Read the capability statement", "type": "requirement",
             "reference": "UEC-CON-001", "level": "SHOULD"},
            {"id": "r2", "label": "Book an appointment", "type": "requirement",
             "reference": "UEC-CON-004", "level": "MUST"}]}]}"#;
    check(
        template,
        "ods = ??\nr1 = No\nr2 = No // next release",
        &[],
        &[("uec", "Complete")],
        TODAY,
        &[
            "required name",
            "invalid_value ods",
            "status_contradiction §uec",
            "required dspt",
            "mitigation_required r1",
            "should_not_met r1 (warning)",
            "must_not_met r2",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Progress

#[test]
fn progress_counts_what_needs_an_answer() {
    let items = r#"[
        {"id": "name", "label": "Supplier organisation name", "type": "text"},
        {"id": "topology", "label": "Endpoint topology", "type": "choice", "options": ["Centrally Hosted"]},
        {"id": "notes", "label": "Notes", "type": "text", "required": false},
        {"id": "extra", "label": "Extra notes", "type": "text", "required": false},
        {"id": "info", "label": "About this section", "type": "guidance"},
        {"id": "ack", "label": "Backup", "type": "guidance", "acknowledge": true},
        {"id": "tcr", "label": "Technical Conformance Report", "type": "evidence_slot"},
        {"id": "hscn", "label": "HSCN connection", "type": "yes_no"},
        {"id": "hscn-date", "label": "HSCN agreement signed", "type": "date",
         "visible_when": {"item": "hscn", "equals": "Yes"}}]"#;
    let report = check(
        &form(items),
        "name = Acme\nextra = Anything\nhscn = No",
        &["tcr"],
        &[],
        TODAY,
        &["required topology", "unacknowledged ack (warning)"],
    );
    let s = &report.progress.sections[0];
    // name, topology, extra (answered though optional), ack, tcr, hscn; not notes, info or the
    // hidden hscn-date.
    assert_eq!((s.answered, s.total), (4, 6));
    assert_eq!((s.blocking, s.warnings), (1, 1));
    assert!((s.percent - 400.0 / 6.0).abs() < 1e-9, "{}", s.percent);
    assert_eq!((report.progress.answered, report.progress.total), (4, 6));
    assert!(!report.complete);
}

#[test]
fn a_section_with_nothing_to_answer_is_done() {
    let report = check(
        &section(
            "guidance",
            false,
            r#"[{"id": "g", "label": "Data standards", "type": "guidance"}]"#,
        ),
        "",
        &[],
        &[],
        TODAY,
        &[],
    );
    assert_eq!(report.progress.sections[0].total, 0);
    assert_eq!(report.progress.sections[0].percent, 100.0);
    assert_eq!(report.progress.percent, 100.0);
    assert!(report.complete);
}

#[test]
fn overall_progress_sums_the_sections() {
    let template = r#"{"id": "t", "version": "1.0.0", "title": "Test SCAL", "publisher": "Test",
        "sections": [
          {"id": "a", "title": "A", "kind": "form", "items": [
            {"id": "a1", "label": "A1", "type": "text"},
            {"id": "a2", "label": "A2", "type": "text"}]},
          {"id": "b", "title": "B", "kind": "form", "items": [
            {"id": "b1", "label": "B1", "type": "text"},
            {"id": "b2", "label": "B2", "type": "text"},
            {"id": "b3", "label": "B3", "type": "text"}]}]}"#;
    let report = check(
        template,
        "a1 = x\nb1 = y\nb2 = z",
        &[],
        &[],
        TODAY,
        &["required a2", "required b3"],
    );
    let p = &report.progress;
    assert_eq!((p.sections[0].answered, p.sections[0].total), (1, 2));
    assert_eq!((p.sections[1].answered, p.sections[1].total), (2, 3));
    assert_eq!((p.answered, p.total), (3, 5));
    assert_eq!(p.percent, 60.0);
    assert_eq!(p.sections[0].title, "A");
}

#[test]
fn an_invalid_value_counts_as_answered_but_blocks() {
    let report = check(
        &form(TOPOLOGY),
        "topology = Cloud-ish",
        &[],
        &[],
        TODAY,
        &["invalid_value topology"],
    );
    assert_eq!((report.progress.answered, report.progress.total), (1, 1));
    assert!(!report.complete);
}

#[test]
fn answers_for_items_not_in_the_template_are_ignored() {
    check(
        &form(TEXT),
        "name = Acme\nretired-item = Yes",
        &[],
        &[],
        TODAY,
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// The bundled templates

/// A response every item of the kind accepts, for a draft that answers everything.
fn a_good_answer(item: &scal_core::Item, today: &str) -> Option<Answer> {
    use scal_core::ItemKind;
    let one = |v: &str| Some(Value::One(v.to_string()));
    let value = match &item.kind {
        ItemKind::Text | ItemKind::LongText => one("Acme Health Ltd"),
        ItemKind::Email => one("cso@acme.example"),
        ItemKind::OdsCode => one("8JK12"),
        ItemKind::Version => one("4.2.0"),
        ItemKind::Date { .. } => one(today),
        ItemKind::Choice { options, .. } => one(&options[0]),
        ItemKind::MultiChoice { options, .. } => Some(Value::Many(vec![options[0].clone()])),
        ItemKind::YesNo { .. } | ItemKind::Declaration { .. } | ItemKind::Requirement(_) => {
            one("Yes")
        }
        ItemKind::Guidance {
            acknowledge: true, ..
        } => one("Acknowledged"),
        ItemKind::Guidance { .. } | ItemKind::EvidenceSlot => None,
    };
    value.map(|value| Answer {
        value: Some(value),
        comment: "Statement: implemented and tested in release 4.2".to_string(),
    })
}

#[test]
fn an_empty_draft_of_a_bundled_template_lists_what_to_do() {
    for template in scal_core::bundled_templates() {
        let report = scal_core::check(&template, &DraftState::default(), date(TODAY));
        assert_eq!(report.progress.answered, 0, "{}", template.id);
        assert!(report.progress.total > 0, "{} asks nothing", template.id);
        assert!(!report.complete, "{}", template.id);
        for issue in &report.issues {
            assert!(
                [
                    rules::REQUIRED,
                    rules::UNACKNOWLEDGED,
                    rules::SECTION_NOT_COMPLETE
                ]
                .contains(&issue.rule),
                "{}: an empty draft raised {} on {}: {}",
                template.id,
                issue.rule,
                issue.item,
                issue.message
            );
        }
    }
}

#[test]
fn a_fully_answered_bundled_template_is_complete() {
    for template in scal_core::bundled_templates() {
        let state = DraftState {
            answers: template
                .items()
                .filter_map(|(_, i)| a_good_answer(i, TODAY).map(|a| (i.id.clone(), a)))
                .collect(),
            evidence: template.items().map(|(_, i)| (i.id.clone(), 1)).collect(),
            section_status: template
                .sections
                .iter()
                .map(|s| (s.id.clone(), "Complete".to_string()))
                .collect(),
            ..DraftState::default()
        };
        let report = scal_core::check(&template, &state, date(TODAY));
        let blocking: Vec<_> = report
            .issues
            .iter()
            .filter(|i| i.severity == Severity::Blocking)
            .map(|i| i.message.as_str())
            .collect();
        assert!(blocking.is_empty(), "{}: {blocking:#?}", template.id);
        assert!(report.complete);
        assert_eq!(
            report.progress.answered, report.progress.total,
            "{}",
            template.id
        );
        assert_eq!(report.progress.percent, 100.0);
    }
}

#[test]
fn a_consumer_only_supplier_can_complete_the_uec_template() {
    // The services grid decides which role sections are asked: a consumer is never held up by
    // the provider's requirements, declarations or conformance report.
    let template = scal_core::bundled_template("uec-appointment-booking").unwrap();
    let mut answers: BTreeMap<String, Answer> = template
        .items()
        .filter(|(s, _)| s.id != "uec-provider")
        .filter_map(|(_, i)| a_good_answer(i, TODAY).map(|a| (i.id.clone(), a)))
        .collect();
    answers.insert(
        "nhs-services".into(),
        Answer {
            value: Some(Value::Many(
                vec!["UEC Appointment Booking: Consumer".into()],
            )),
            comment: String::new(),
        },
    );
    let state = DraftState {
        evidence: template
            .items()
            .filter(|(s, _)| s.id != "uec-provider")
            .map(|(_, i)| (i.id.clone(), 1))
            .collect(),
        section_status: template
            .sections
            .iter()
            .filter(|s| s.id != "uec-provider")
            .map(|s| (s.id.clone(), "Complete".to_string()))
            .collect(),
        answers,
        ..DraftState::default()
    };
    let report = scal_core::check(&template, &state, date(TODAY));
    assert!(
        report.complete,
        "{:#?}",
        report.issues.iter().map(|i| &i.message).collect::<Vec<_>>()
    );
    let provider = report
        .progress
        .sections
        .iter()
        .find(|s| s.section == "uec-provider")
        .unwrap();
    assert_eq!(
        provider.total, 0,
        "the provider section asks nothing of a consumer"
    );
    assert!(report.issues.iter().all(|i| i.section != "uec-provider"));
}

/// Two sections: the second is asked only when the first's services grid names it.
fn two_sections(service_items: &str) -> String {
    format!(
        r#"{{"id": "t", "version": "1.0.0", "title": "Test SCAL", "publisher": "Test",
            "sections": [
              {{"id": "org", "title": "Organisation", "kind": "form", "items": [
                {{"id": "services", "label": "Services used", "type": "multi_choice",
                  "options": ["Booking", "Referrals"]}}]}},
              {{"id": "booking", "title": "Booking", "kind": "service", "has_status": true,
                "visible_when": {{"item": "services", "any_of": ["Booking"]}},
                "items": {service_items}}}]}}"#
    )
}

#[test]
fn a_section_is_asked_only_when_its_condition_holds() {
    let t = two_sections(&requirement("MUST", "supplier_declared"));
    // Nothing chosen yet: only the grid is asked.
    check(&t, "", &[], &[], TODAY, &["required services"]);
    // Another service chosen: the booking section stays out of the way, status included.
    check(&t, "services = [Referrals]", &[], &[], TODAY, &[]);
    // Booking chosen: its status and its rows are asked.
    check(
        &t,
        "services = [Booking]",
        &[],
        &[],
        TODAY,
        &["section_not_complete §booking (warning)", "required r1"],
    );
    // An answer left behind in a section that is no longer asked is flagged, not submitted.
    check(
        &t,
        "services = [Referrals]\nr1 = Yes",
        &[],
        &[],
        TODAY,
        &["hidden_answer r1 (warning)"],
    );
}

// ---------------------------------------------------------------------------------------------
// Property tests over hand-built templates

mod properties {
    use super::*;
    use proptest::prelude::*;
    use scal_core::template::{
        Assessment, Condition, DateRule, Item, ItemKind, Level, Requirement, Section, SectionKind,
        Template,
    };

    /// Responses worth trying: every real option, placeholders, "Other" forms, dates around the
    /// boundaries, malformed values.
    const POOL: &[&str] = &[
        "Yes",
        "No",
        "Out of Scope",
        "yes",
        "Maybe",
        "Please select\u{2026}",
        "[please state]",
        "",
        "Other",
        "Other: Hospice",
        "A",
        "B",
        "Acknowledged",
        "2025-06-15",
        "2024-06-15",
        "2024-06-14",
        "2025-03-31",
        "2025-04-01",
        "2026-01-01",
        "2024-02-29",
        "31/03/2025",
        "cso@example.nhs.uk",
        "RR8",
        "2.4.1",
    ];

    fn kind(n: u8) -> ItemKind {
        let levels = [
            Level::Must,
            Level::Should,
            Level::May,
            Level::Info,
            Level::Action,
        ];
        let assessments = [
            Assessment::SupplierDeclared,
            Assessment::SupplierStatement,
            Assessment::Evidence,
            Assessment::ConformanceReport,
        ];
        let rules = [
            DateRule::Within12Months,
            DateRule::CurrentFinancialYear,
            DateRule::NotFuture,
        ];
        match n % 16 {
            0 => ItemKind::Text,
            1 => ItemKind::LongText,
            2 => ItemKind::Email,
            3 => ItemKind::OdsCode,
            4 => ItemKind::Version,
            5 => ItemKind::Date {
                rule: Some(rules[usize::from(n / 16) % 3]),
                evidence: None,
            },
            6 => ItemKind::Choice {
                options: vec!["A".into(), "B".into()],
                other: n >= 128,
            },
            7 => ItemKind::MultiChoice {
                options: vec!["A".into(), "B".into()],
                other: n >= 128,
            },
            8 => ItemKind::YesNo {
                comment_when_no: n >= 128,
            },
            9 => ItemKind::Declaration {
                options: vec!["Yes".into(), "No".into()],
                meanings: Default::default(),
            },
            10 => ItemKind::Guidance {
                acknowledge: n >= 128,
                heading: false,
            },
            11 => ItemKind::EvidenceSlot,
            _ => ItemKind::Requirement(Requirement {
                reference: (n % 3 != 0).then(|| format!("REQ-{n:03}")),
                category: String::new(),
                level: levels[usize::from(n / 16) % 5],
                how_assessed: String::new(),
                assessment: assessments[usize::from(n / 8) % 4],
                actioned_by: String::new(),
                test_cases: Vec::new(),
                evidence_expected: String::new(),
                applies_to: None,
                options: vec!["Yes".into(), "No".into(), "Out of Scope".into()],
                meanings: Default::default(),
            }),
        }
    }

    /// (kind seed, required, condition seed) per item, split into up to three sections.
    fn template_strategy() -> impl Strategy<Value = Template> {
        (
            prop::collection::vec((any::<u8>(), any::<bool>(), any::<u8>()), 1..40),
            any::<u8>(),
            any::<u8>(),
        )
            .prop_map(|(seeds, cut1, cut2)| {
                let items: Vec<Item> = seeds
                    .iter()
                    .enumerate()
                    .map(|(i, &(k, required, c))| Item {
                        id: format!("i{i}"),
                        label: format!("Item {i}"),
                        text: String::new(),
                        guidance: String::new(),
                        required,
                        // About a third of the items hang off an earlier one.
                        visible_when: (i > 0 && c % 3 == 0).then(|| Condition {
                            item: format!("i{}", usize::from(c) % i),
                            equals: Some(POOL[usize::from(c) % 4].to_string()),
                            any_of: if c % 2 == 0 {
                                vec!["A".into()]
                            } else {
                                Vec::new()
                            },
                        }),
                        kind: kind(k),
                    })
                    .collect();
                let n = items.len();
                let (a, b) = {
                    let x = usize::from(cut1) % (n + 1);
                    let y = usize::from(cut2) % (n + 1);
                    (x.min(y), x.max(y))
                };
                let mut rest = items;
                let tail = rest.split_off(b);
                let middle = rest.split_off(a);
                let sections = [rest, middle, tail]
                    .into_iter()
                    .enumerate()
                    .map(|(s, items)| Section {
                        id: format!("s{s}"),
                        title: format!("Section {s}"),
                        kind: SectionKind::Service,
                        description: String::new(),
                        has_status: s != 1,
                        shared: false,
                        visible_when: None,
                        columns: Vec::new(),
                        items,
                    })
                    .collect();
                Template {
                    id: "prop".into(),
                    version: "1.0.0".into(),
                    title: "Property template".into(),
                    publisher: "Test".into(),
                    description: String::new(),
                    placeholder: "Please select\u{2026}".into(),
                    sections,
                    source: None,
                }
            })
    }

    fn value_strategy() -> impl Strategy<Value = Value> {
        let one = prop_oneof![
            4 => prop::sample::select(POOL).prop_map(str::to_string),
            1 => any::<String>(),
        ];
        prop_oneof![
            4 => one.clone().prop_map(Value::One),
            1 => prop::collection::vec(one, 0..4).prop_map(Value::Many),
        ]
    }

    fn answer_strategy() -> impl Strategy<Value = Option<Answer>> {
        let comment = prop_oneof![
            Just(String::new()),
            Just("Mitigated by manual process".to_string()),
            Just("[please state]".to_string()),
            any::<String>(),
        ];
        prop::option::weighted(
            0.8,
            (prop::option::weighted(0.9, value_strategy()), comment),
        )
        .prop_map(|a| a.map(|(value, comment)| Answer { value, comment }))
    }

    fn draft_strategy() -> impl Strategy<Value = (Template, DraftState, NaiveDate)> {
        template_strategy().prop_flat_map(|template| {
            let n = template.items().count();
            (
                Just(template),
                prop::collection::vec(answer_strategy(), n),
                prop::collection::vec(0usize..3, n),
                prop::collection::vec(
                    prop::sample::select(&["Complete", "In Progress", "", "complete"][..]),
                    3,
                ),
                // Days around the financial-year turn and a leap day.
                (0i64..1200).prop_map(|d| date("2023-01-01") + chrono::Days::new(d as u64)),
            )
                .prop_map(|(template, answers, evidence, statuses, today)| {
                    let ids: Vec<String> = template.items().map(|(_, i)| i.id.clone()).collect();
                    let state = DraftState {
                        answers: ids
                            .iter()
                            .zip(answers)
                            .filter_map(|(id, a)| a.map(|a| (id.clone(), a)))
                            .collect(),
                        evidence: ids.iter().cloned().zip(evidence).collect(),
                        section_status: (0..3)
                            .map(|s| format!("s{s}"))
                            .zip(statuses.into_iter().map(str::to_string))
                            .collect(),
                        ..DraftState::default()
                    };
                    (template, state, today)
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn complete_exactly_when_nothing_blocks((template, state, today) in draft_strategy()) {
            let report = scal_core::check(&template, &state, today);
            let blocking = report.issues.iter().any(|i| i.severity == Severity::Blocking);
            prop_assert_eq!(report.complete, !blocking);
        }

        #[test]
        fn progress_is_consistent((template, state, today) in draft_strategy()) {
            let report = scal_core::check(&template, &state, today);
            let p = &report.progress;
            prop_assert_eq!(p.sections.len(), template.sections.len());
            for s in &p.sections {
                prop_assert!(s.answered <= s.total, "{:?}", s);
                prop_assert!((0.0..=100.0).contains(&s.percent), "{:?}", s);
                let mine: Vec<_> = report.issues.iter().filter(|i| i.section == s.section).collect();
                prop_assert_eq!(s.blocking, mine.iter().filter(|i| i.severity == Severity::Blocking).count());
                prop_assert_eq!(s.warnings, mine.iter().filter(|i| i.severity == Severity::Warning).count());
            }
            prop_assert!(p.answered <= p.total);
            prop_assert!((0.0..=100.0).contains(&p.percent));
            prop_assert_eq!(p.total, p.sections.iter().map(|s| s.total).sum::<usize>());
            prop_assert_eq!(p.answered, p.sections.iter().map(|s| s.answered).sum::<usize>());
        }

        #[test]
        fn issues_are_in_template_order((template, state, today) in draft_strategy()) {
            let report = scal_core::check(&template, &state, today);
            // Position of an issue: (section, 0 for the section itself or 1 + item, severity).
            let position = |i: &scal_core::Issue| {
                let s = template.sections.iter().position(|s| s.id == i.section).unwrap();
                let item = if i.item.is_empty() {
                    0
                } else {
                    1 + template.sections[s].items.iter().position(|it| it.id == i.item).unwrap()
                };
                (s, item, i.severity)
            };
            let positions: Vec<_> = report.issues.iter().map(position).collect();
            prop_assert!(positions.windows(2).all(|w| w[0] <= w[1]), "{:?}", positions);
            for issue in &report.issues {
                prop_assert!(rules::ALL.contains(&issue.rule));
                prop_assert!(!issue.message.is_empty());
            }
        }

        #[test]
        fn arbitrary_strings_never_panic(
            (template, _, today) in draft_strategy(),
            values in prop::collection::vec((any::<String>(), prop::collection::vec(any::<String>(), 0..3), any::<String>()), 40),
            statuses in prop::collection::vec(any::<String>(), 3),
        ) {
            let ids: Vec<String> = template.items().map(|(_, i)| i.id.clone()).collect();
            let state = DraftState {
                answers: ids
                    .iter()
                    .zip(values)
                    .map(|(id, (one, many, comment))| {
                        let value = if many.is_empty() { Value::One(one) } else { Value::Many(many) };
                        (id.clone(), Answer { value: Some(value), comment })
                    })
                    .collect(),
                evidence: BTreeMap::new(),
                section_status: (0..3).map(|s| format!("s{s}")).zip(statuses).collect(),
                ..DraftState::default()
            };
            let report = scal_core::check(&template, &state, today);
            prop_assert_eq!(report.complete, !report.issues.iter().any(|i| i.severity == Severity::Blocking));
        }
    }

    #[test]
    fn check_survives_extreme_dates_and_cycles() {
        // Conditions a loaded template cannot have: a cycle and a controller that is no item.
        let item = |id: &str, controller: &str| Item {
            id: id.into(),
            label: id.into(),
            text: String::new(),
            guidance: String::new(),
            required: true,
            visible_when: Some(Condition {
                item: controller.into(),
                equals: Some("Yes".into()),
                any_of: Vec::new(),
            }),
            kind: ItemKind::YesNo {
                comment_when_no: false,
            },
        };
        let template = Template {
            id: "cyclic".into(),
            version: "1.0.0".into(),
            title: "t".into(),
            publisher: "p".into(),
            description: String::new(),
            placeholder: String::new(),
            sections: vec![Section {
                id: "s".into(),
                title: "S".into(),
                kind: SectionKind::Form,
                description: String::new(),
                has_status: false,
                shared: false,
                visible_when: None,
                columns: Vec::new(),
                items: vec![
                    item("a", "b"),
                    item("b", "a"),
                    item("c", "c"),
                    item("d", "ghost"),
                    Item {
                        kind: ItemKind::Date {
                            rule: Some(DateRule::Within12Months),
                            evidence: None,
                        },
                        visible_when: None,
                        ..item("e", "")
                    },
                ],
            }],
            source: None,
        };
        let mut state = DraftState::default();
        state.answers.insert(
            "ghost".into(),
            Answer {
                value: Some(Value::One("Yes".into())),
                comment: String::new(),
            },
        );
        state.answers.insert(
            "e".into(),
            Answer {
                value: Some(Value::One("2024-01-01".into())),
                comment: String::new(),
            },
        );
        for today in [NaiveDate::MIN, NaiveDate::MAX, date("2024-02-29")] {
            let report = scal_core::check(&template, &state, today);
            // d hangs off an answer that exists only in the draft: it is asked.
            assert!(report
                .issues
                .iter()
                .any(|i| i.item == "d" && i.rule == rules::REQUIRED));
            assert_eq!(
                report.complete,
                !report
                    .issues
                    .iter()
                    .any(|i| i.severity == Severity::Blocking)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// needs: what each visible item asks for, as the app shows it

/// The needs of `item` for these answers and evidence.
#[track_caller]
fn needs_of(
    template_json: &str,
    answers: &str,
    evidence: &[&str],
    item: &str,
) -> scal_core::ItemNeeds {
    let template = load_template(template_json).unwrap();
    let state = DraftState {
        answers: parse_answers(answers),
        evidence: evidence.iter().map(|id| (id.to_string(), 1)).collect(),
        ..DraftState::default()
    };
    let report = scal_core::check(&template, &state, date(TODAY));
    needs_agree_with_issues(&template, &state, &report);
    report
        .needs
        .get(item)
        .unwrap_or_else(|| panic!("no needs for {item}"))
        .clone()
}

#[track_caller]
fn comment_of(template_json: &str, answers: &str, item: &str) -> scal_core::CommentNeed {
    needs_of(template_json, answers, &[], item)
        .comment
        .unwrap_or_else(|| panic!("{item} asks no comment for {answers}"))
}

#[test]
fn a_must_not_met_needs_a_mitigation() {
    let req = service(&requirement("MUST", "supplier_declared"));
    let c = comment_of(&req, "r1 = No", "r1");
    assert_eq!(c.kind, CommentKind::Mitigation);
    assert_eq!(c.label, "Mitigation");
    assert!(c.required && c.missing);
    assert!(
        c.why
            .starts_with("A mitigation is needed: this MUST is not met."),
        "{}",
        c.why
    );
    let written = comment_of(&req, "r1 = No // Planned for 2.5", "r1");
    assert!(written.required && !written.missing);
    // A placeholder comment is no mitigation.
    assert!(comment_of(&req, "r1 = No // [please state]", "r1").missing);
    // Partly met is not met: a mitigation, and the why says which.
    let semi = service(&compliance("MUST", "supplier_declared", ""));
    let c = comment_of(&semi, "r1 = Semi-compliant", "r1");
    assert_eq!(c.kind, CommentKind::Mitigation);
    assert!(c.missing);
    assert!(c.why.contains("this MUST is only partly met"), "{}", c.why);
    // A SHOULD says it is a SHOULD.
    let should = service(&requirement("SHOULD", "supplier_declared"));
    assert!(comment_of(&should, "r1 = No", "r1")
        .why
        .contains("this SHOULD is not met"));
}

#[test]
fn a_supplier_statement_is_asked_only_for_a_met_answer() {
    let req = service(&requirement("MUST", "supplier_statement"));
    let yes = comment_of(&req, "r1 = Yes", "r1");
    assert_eq!(yes.kind, CommentKind::Statement);
    assert_eq!(yes.label, "Supplier statement");
    assert!(yes.required && yes.missing);
    // "No" asks for a mitigation, not a statement; "Out of Scope" for a justification.
    let no = comment_of(&req, "r1 = No", "r1");
    assert_eq!(no.kind, CommentKind::Mitigation);
    let oos = comment_of(&req, "r1 = Out of Scope // Provider only", "r1");
    assert_eq!(oos.kind, CommentKind::Justification);
    assert!(oos.required && !oos.missing);
    // Unanswered: the statement box is offered, nothing is asked of it yet.
    let open = comment_of(&req, "", "r1");
    assert_eq!(open.kind, CommentKind::Statement);
    assert!(!open.required && !open.missing && open.why.is_empty());
    // By meaning: "Compliant" is a Yes, "Non-compliant" a No.
    let tom = service(&compliance("MUST", "supplier_statement", ""));
    assert_eq!(
        comment_of(&tom, "r1 = Compliant", "r1").kind,
        CommentKind::Statement
    );
    assert!(comment_of(&tom, "r1 = Compliant", "r1").missing);
    assert_eq!(
        comment_of(&tom, "r1 = Non-compliant // Planned", "r1").kind,
        CommentKind::Mitigation
    );
    // A template meaning overrides the words: "Partial" marked met asks for the statement.
    let marked = service(&compliance(
        "MUST",
        "supplier_statement",
        r#""Partial": "met""#,
    ));
    assert_eq!(
        comment_of(&marked, "r1 = Partial", "r1").kind,
        CommentKind::Statement
    );
}

#[test]
fn a_placeholder_is_flagged_as_no_answer() {
    let decl = service(DECLARATION);
    let n = needs_of(&decl, "dspt = Please select…", &[], "dspt");
    assert!(n.placeholder && !n.answered);
    assert_eq!(n.meaning, None);
    // It asks no mitigation: there is no answer to mitigate.
    assert_eq!(n.comment, None);
    let n = needs_of(&decl, "dspt = No // Booked for May", &[], "dspt");
    assert!(!n.placeholder && n.answered);
    assert_eq!(n.meaning, Some(Meaning::NotMet));
    // A blank value is no placeholder shown, just nothing.
    let n = needs_of(&form(TEXT), "name =  ", &[], "name");
    assert!(!n.placeholder && !n.answered);
    let n = needs_of(
        &form(SETTINGS),
        "settings = [Please select…]",
        &[],
        "settings",
    );
    assert!(n.placeholder && !n.answered);
}

#[test]
fn a_not_applicable_answer_needs_a_justification() {
    let req = service(&requirement("MUST", "supplier_declared"));
    let c = comment_of(&req, "r1 = Out of Scope", "r1");
    assert_eq!(c.kind, CommentKind::Justification);
    assert_eq!(c.label, "Justification");
    assert!(c.required && c.missing);
    assert!(c.why.starts_with("A justification is needed"), "{}", c.why);
    let tom = service(&compliance("MUST", "supplier_declared", ""));
    assert_eq!(
        comment_of(&tom, "r1 = N/a", "r1").kind,
        CommentKind::Justification
    );
    // A declaration too; one met asks for no comment at all.
    let decl = service(DECLARATION);
    let na = r#"[{"id": "dspt", "label": "DSPT Standards Met", "type": "declaration",
        "options": ["Yes", "No", "N/A"]}]"#;
    assert_eq!(
        comment_of(&service(na), "dspt = N/A", "dspt").kind,
        CommentKind::Justification
    );
    assert_eq!(needs_of(&decl, "dspt = Yes", &[], "dspt").comment, None);
}

#[test]
fn a_met_requirement_asks_no_comment_but_offers_notes() {
    let req = service(&requirement("MUST", "supplier_declared"));
    let c = comment_of(&req, "r1 = Yes", "r1");
    assert_eq!(c.kind, CommentKind::Notes);
    assert_eq!(c.label, "Additional notes");
    assert!(!c.required && !c.missing);
    // A yes/no question asks a comment only for No, and only when it says so.
    let q =
        form(r#"[{"id": "q", "label": "Uses HSCN", "type": "yes_no", "comment_when_no": true}]"#);
    assert_eq!(needs_of(&q, "q = Yes", &[], "q").comment, None);
    assert!(comment_of(&q, "q = No", "q").missing);
    let plain = form(r#"[{"id": "q", "label": "Uses HSCN", "type": "yes_no"}]"#);
    assert_eq!(needs_of(&plain, "q = No", &[], "q").comment, None);
}

#[test]
fn evidence_is_needed_for_a_met_evidence_row() {
    let req = service(&requirement("MUST", "evidence"));
    let open = needs_of(&req, "", &[], "r1").evidence.unwrap();
    assert!(!open.required && !open.missing);
    let yes = needs_of(&req, "r1 = Yes", &[], "r1").evidence.unwrap();
    assert!(yes.required && yes.missing && !yes.why.is_empty());
    assert!(
        !needs_of(&req, "r1 = Yes", &["r1"], "r1")
            .evidence
            .unwrap()
            .missing
    );
    // A declared requirement takes no evidence by its template.
    let declared = service(&requirement("MUST", "supplier_declared"));
    assert_eq!(needs_of(&declared, "r1 = Yes", &[], "r1").evidence, None);
}

#[test]
fn hidden_items_have_no_needs() {
    let t = form(
        r#"[{"id": "hscn", "label": "Uses HSCN", "type": "yes_no"},
            {"id": "hscn-no", "label": "HSCN number", "type": "text",
             "visible_when": {"item": "hscn", "equals": "Yes"}}]"#,
    );
    let template = load_template(&t).unwrap();
    let state = DraftState {
        answers: parse_answers("hscn = No"),
        ..DraftState::default()
    };
    let report = scal_core::check(&template, &state, date(TODAY));
    assert!(report.needs.contains_key("hscn"));
    assert!(!report.needs.contains_key("hscn-no"));
}

// ---------------------------------------------------------------------------------------------
// evidence_expired / evidence_expiring / date_stale with the document's own date / dos_too_long

/// One linked file: (item, file name, its own date, valid until).
type File<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>);

/// Like [`check`], with dated evidence and a profile.
#[track_caller]
fn check_files(
    template_json: &str,
    answers: &str,
    files: &[File<'_>],
    today: &str,
    profile: scal_core::Profile,
    expected: &[&str],
) -> Report {
    let template = load_template(template_json)
        .unwrap_or_else(|e| panic!("test template does not load: {e}\n{template_json}"));
    let mut state = DraftState {
        answers: parse_answers(answers),
        ..DraftState::default()
    };
    for (item, file, dated, valid_until) in files {
        *state.evidence.entry(item.to_string()).or_default() += 1;
        let dates = scal_core::EvidenceDates::new(dated.map(date), valid_until.map(date)).unwrap();
        if !dates.is_empty() {
            state
                .evidence_dates
                .entry(item.to_string())
                .or_default()
                .push(scal_core::DatedFile {
                    file_name: file.to_string(),
                    dates,
                });
        }
    }
    let report = scal_core::check_for(&template, &state, date(today), profile);
    let actual: Vec<String> = report.issues.iter().map(render).collect();
    assert_eq!(
        actual,
        expected,
        "\nmessages:\n{}",
        report
            .issues
            .iter()
            .map(|i| i.message.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    for issue in &report.issues {
        assert!(
            rules::ALL.contains(&issue.rule),
            "unknown rule {}",
            issue.rule
        );
        assert!(
            issue.message.ends_with('.'),
            "not a sentence: {}",
            issue.message
        );
    }
    needs_agree_with_issues(&template, &state, &report);
    report
}

const WORKBOOK: scal_core::Profile = scal_core::Profile::Workbook;

/// A penetration test: its date (within 12 months) and the slot for its summary letter, whose
/// own date the rule also holds.
const PEN_TEST: &str = r#"[
    {"id": "pen-date", "label": "Penetration test date", "type": "date",
     "rule": "within_12_months", "evidence": "pen-letter"},
    {"id": "pen-letter", "label": "Penetration test summary letter", "type": "evidence_slot"}]"#;

#[test]
fn expired_evidence_an_item_needs_blocks_and_other_expiry_warns() {
    let req = requirement("MUST", "evidence");
    let t = service(&req);
    // Table: files on r1, today, expected issues.
    let cases: &[(&[File<'_>], &str, &[&str])] = &[
        // Valid well beyond the window: nothing to say.
        (
            &[("r1", "cert.pdf", None, Some("2026-01-01"))],
            "2025-06-15",
            &[],
        ),
        // 60 days before: a warning; 61: none.
        (
            &[("r1", "cert.pdf", None, Some("2025-08-14"))],
            "2025-06-15",
            &["evidence_expiring r1 (warning)"],
        ),
        (
            &[("r1", "cert.pdf", None, Some("2025-08-15"))],
            "2025-06-15",
            &[],
        ),
        // The last valid day is still valid (and warns); the day after it blocks.
        (
            &[("r1", "cert.pdf", None, Some("2025-06-15"))],
            "2025-06-15",
            &["evidence_expiring r1 (warning)"],
        ),
        (
            &[("r1", "cert.pdf", None, Some("2025-06-14"))],
            "2025-06-15",
            &["evidence_expired r1"],
        ),
        // Another file still valid (or undated): the expired one only warns.
        (
            &[
                ("r1", "old.pdf", None, Some("2025-01-01")),
                ("r1", "new.pdf", None, Some("2026-01-01")),
            ],
            "2025-06-15",
            &["evidence_expired r1 (warning)"],
        ),
        (
            &[
                ("r1", "old.pdf", None, Some("2025-01-01")),
                ("r1", "undated.pdf", None, None),
            ],
            "2025-06-15",
            &["evidence_expired r1 (warning)"],
        ),
    ];
    for (files, today, expected) in cases {
        check_files(&t, "r1 = Yes", files, today, WORKBOOK, expected);
    }
    // An item that does not need evidence (answered Out of Scope) only warns of it.
    check_files(
        &t,
        "r1 = Out of Scope // Provider only",
        &[("r1", "cert.pdf", None, Some("2025-01-01"))],
        "2025-06-15",
        WORKBOOK,
        &["evidence_expired r1 (warning)"],
    );
    let report = check_files(
        &t,
        "r1 = Yes",
        &[("r1", "cert.pdf", Some("2024-01-01"), Some("2025-06-14"))],
        "2025-06-15",
        WORKBOOK,
        &["evidence_expired r1"],
    );
    assert_eq!(
        report.issues[0].message,
        "UEC-CON-004 (Book an appointment): its evidence \"cert.pdf\" was valid until 2025-06-14 and has expired (today is 2025-06-15): attach a current document."
    );
}

#[test]
fn a_required_slot_whose_only_document_expired_blocks() {
    let t = form(
        r#"[{"id": "tcr", "label": "Technical Conformance Report", "type": "evidence_slot"}]"#,
    );
    check_files(
        &t,
        "",
        &[("tcr", "tcr.pdf", None, Some("2025-06-01"))],
        "2025-06-15",
        WORKBOOK,
        &["evidence_expired tcr"],
    );
    let report = check_files(
        &t,
        "",
        &[("tcr", "tcr.pdf", None, Some("2025-07-15"))],
        "2025-06-15",
        WORKBOOK,
        &["evidence_expiring tcr (warning)"],
    );
    assert!(
        report.issues[0]
            .message
            .contains("valid until 2025-07-15, which is in 30 days"),
        "{}",
        report.issues[0].message
    );
}

#[test]
fn the_12_month_rule_takes_the_older_of_the_answered_date_and_the_documents_own() {
    let t = form(PEN_TEST);
    let letter = |dated| [("pen-letter", "letter.pdf", Some(dated), None)];
    // Answered within 12 months, the letter too: fine.
    check_files(
        &t,
        "pen-date = 2025-03-01",
        &letter("2025-02-20"),
        TODAY,
        WORKBOOK,
        &[],
    );
    // The letter is older than 12 months although the answered date is not: the letter counts.
    let report = check_files(
        &t,
        "pen-date = 2025-03-01",
        &letter("2024-06-14"),
        TODAY,
        WORKBOOK,
        &["date_stale pen-date"],
    );
    assert_eq!(
        report.issues[0].message,
        "\"Penetration test date\" is answered 2025-03-01, but its evidence \"letter.pdf\" is dated 2024-06-14, more than 12 months before today (2025-06-15): the older date counts, so the document must be dated 2024-06-15 or later."
    );
    // A letter dated after the answered date does not make a stale answer fresh.
    let report = check_files(
        &t,
        "pen-date = 2024-05-01",
        &letter("2025-01-01"),
        TODAY,
        WORKBOOK,
        &["date_stale pen-date"],
    );
    assert!(report.issues[0]
        .message
        .starts_with("\"Penetration test date\" is dated 2024-05-01"));
    // A file linked to the date item itself counts too; without an own date, only the answer.
    check_files(
        &t,
        "pen-date = 2025-03-01",
        &[("pen-date", "report.pdf", Some("2024-01-01"), None)],
        TODAY,
        WORKBOOK,
        &["date_stale pen-date", "required pen-letter"],
    );
    check_files(
        &t,
        "pen-date = 2025-03-01",
        &[("pen-letter", "letter.pdf", None, Some("2026-12-31"))],
        TODAY,
        WORKBOOK,
        &[],
    );
}

#[test]
fn a_date_whose_evidence_names_no_slot_is_refused_by_the_loader() {
    let t = form(
        r#"[{"id": "pen-date", "label": "Penetration test date", "type": "date",
             "rule": "within_12_months", "evidence": "nowhere"}]"#,
    );
    let e = load_template(&t).unwrap_err().to_string();
    assert!(e.contains("\"nowhere\" is not an evidence slot"), "{e}");
}

#[test]
fn the_dos_profile_warns_of_answers_and_comments_over_2000_utf16_units() {
    let t = form(
        r#"[{"id": "about", "label": "Describe the service", "type": "long_text"},
                     {"id": "dspt", "label": "DSPT Standards Met", "type": "declaration"}]"#,
    );
    let dos = scal_core::Profile::Dos;
    let long = "x".repeat(2000);
    let over = "x".repeat(2001);
    // "😀" is two UTF-16 code units, as a browser's maxlength counts it: 1,000 of them are
    // 2,000 units (allowed), 1,001 are over.
    let emoji_ok = "😀".repeat(1000);
    let emoji_over = "😀".repeat(1001);
    let answers = |about: &str, comment: &str| format!("about = {about}\ndspt = No // {comment}");
    check_files(&t, &answers(&long, &emoji_ok), &[], TODAY, dos, &[]);
    let report = check_files(
        &t,
        &answers(&over, &emoji_over),
        &[],
        TODAY,
        dos,
        &[
            "dos_too_long about (warning)",
            "dos_too_long dspt (warning)",
        ],
    );
    assert_eq!(
        report.issues[1].message,
        "Declaration \"DSPT Standards Met\": the comment is 2002 characters long; the Digital Onboarding Service takes 2000, so shorten it by 2 (or move the detail into an evidence document)."
    );
    // The workbook profile has no such limit.
    check_files(&t, &answers(&over, &emoji_over), &[], TODAY, WORKBOOK, &[]);
}

// ---------------------------------------------------------------------------------------------
// review_open

#[test]
fn open_review_threads_warn_on_their_item_and_section_until_resolved() {
    let t = form(
        r#"[{"id": "name", "label": "Supplier name", "type": "text"},
            {"id": "ods", "label": "ODS code", "type": "text"}]"#,
    );
    let template = load_template(&t).unwrap();
    let section_id = template.sections[0].id.clone();
    // (open threads by item, or "__section__" for the section; the warnings expected)
    type Case<'a> = (&'a [(&'a str, usize)], &'a [&'a str]);
    let cases: &[Case<'_>] = &[
        (&[], &[]),
        (&[("name", 0)], &[]),
        (
            &[("name", 1)],
            &["name: \"Supplier name\" has 1 review thread still open"],
        ),
        (
            &[("name", 2)],
            &["name: \"Supplier name\" has 2 review threads still open"],
        ),
        (
            &[("__section__", 1)],
            &["section: has 1 review thread still open"],
        ),
    ];
    for (open, expected) in cases {
        let state = DraftState {
            answers: parse_answers("name = Acme Health\nods = X26"),
            open_reviews: open
                .iter()
                .map(|(k, n)| {
                    let key = if *k == "__section__" {
                        section_id.clone()
                    } else {
                        k.to_string()
                    };
                    (key, *n)
                })
                .collect(),
            ..DraftState::default()
        };
        let report = scal_core::check(&template, &state, date(TODAY));
        let found: Vec<String> = report
            .issues
            .iter()
            .filter(|i| i.rule == rules::REVIEW_OPEN)
            .map(|i| {
                assert_eq!(
                    i.severity,
                    Severity::Warning,
                    "an open thread does not block"
                );
                let whom = if i.item.is_empty() {
                    "section".to_string()
                } else {
                    i.item.clone()
                };
                format!("{whom}: {}", i.message)
            })
            .collect();
        assert_eq!(found.len(), expected.len(), "{open:?}: {found:?}");
        for (f, e) in found.iter().zip(expected.iter()) {
            let (whom, words) = e.split_once(": ").unwrap();
            assert!(
                f.starts_with(whom) && f.contains(words),
                "{open:?}: {f} lacks {e}"
            );
        }
    }
}
