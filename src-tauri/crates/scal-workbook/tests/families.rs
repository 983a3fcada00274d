//! Real NHS assurance workbooks of other families than the SCAL: a TOM self-evaluation
//! checklist, a requirements catalogue, a questionnaire (in `../shared/reference/`), and
//! generated workbooks of each family with their headers renamed, columns reordered, header
//! rows moved and lists hidden away. What a person sees in them is listed by hand in
//! `tests/reference/*.txt`; the import must make ≥95% of those IDs answerable requirements.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test by panicking"
)]

use std::collections::{BTreeMap, BTreeSet};

use rust_xlsxwriter::{DataValidation, Formula, Workbook};
use scal_core::{Answer, Answers, ItemKind, Template, Value};
use scal_workbook::{fill, import_bytes, FillInput};

/// The lists in `tests/reference/NAME.txt`: `[sheet]` lines, then the IDs on that sheet.
fn reference_ids(name: &str) -> Vec<(String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference")
        .join(format!("{name}.txt"));
    let text = std::fs::read_to_string(&path).expect("the list");
    let mut sheet = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sheet = s.to_string();
        } else {
            out.push((sheet.clone(), line.trim().to_string()));
        }
    }
    out
}

/// (sheet, reference) of every requirement that can be answered: a response cell, options.
fn answerable_references(t: &Template) -> BTreeSet<(String, String)> {
    let source = t.source.as_ref().expect("a source");
    let mut out = BTreeSet::new();
    for (section, item) in t.items() {
        let Some(r) = item.requirement() else {
            continue;
        };
        let Some(reference) = &r.reference else {
            continue;
        };
        let has_cell = source
            .items
            .get(&item.id)
            .is_some_and(|c| c.response.is_some());
        if has_cell && r.options.len() >= 2 {
            out.insert((
                source.sections[&section.id].sheet.clone(),
                reference.clone(),
            ));
        }
    }
    out
}

fn coverage(workbook: &str, list: &str, test: &str) -> Option<Template> {
    let path = crate::common::reference_file(workbook, test)?;
    let bytes = std::fs::read(&path).expect("read");
    let t = import_bytes(&bytes, workbook).expect("imports").template;
    let want = reference_ids(list);
    let got = answerable_references(&t);
    let missing: Vec<&(String, String)> = want.iter().filter(|w| !got.contains(w)).collect();
    let covered = want.len() - missing.len();
    assert!(
        covered * 100 >= want.len() * 95,
        "{workbook}: {covered} of {} listed IDs are answerable requirements; missing: {missing:?}",
        want.len()
    );
    Some(t)
}

#[test]
fn a_tom_checklist_asks_its_requirements_by_id_with_its_own_responses() {
    let Some(t) = coverage(
        "workbooks/eRS_TOM_SelfEvalChecklist_v1.2.xlsx",
        "ers-tom-v1.2",
        "a_tom_checklist_asks_its_requirements_by_id_with_its_own_responses",
    ) else {
        return;
    };
    // The compliance dropdown's own options, not Yes/No/Out of Scope.
    let (_, item) = t
        .items()
        .find(|(_, i)| i.requirement().and_then(|r| r.reference.as_deref()) == Some("GR-001"))
        .expect("GR-001");
    assert_eq!(
        item.options(),
        ["Compliant", "Semi-compliant", "Non-compliant", "N/a"]
    );
    let sheets: BTreeSet<&str> = t
        .source
        .as_ref()
        .expect("source")
        .sections
        .values()
        .map(|s| s.sheet.as_str())
        .collect();
    // NHS's own assessment tab (formulas over the supplier's tabs) is never asked, nor the
    // approvals NHS gives.
    assert!(!sheets.contains("NHS Digital Assessement"), "{sheets:?}");
    for (section, item) in t.items() {
        if section.title == "Approval Gateways" {
            assert!(!item.is_answerable(), "{} is asked", item.label);
        }
    }
    // The IG tab's controls, with no IDs, are still questions with their Yes/No dropdowns.
    let ig = t
        .sections
        .iter()
        .find(|s| s.title.starts_with("6 - IG"))
        .expect("the IG tab");
    let asked = ig.items.iter().filter(|i| i.is_answerable()).count();
    assert!(asked >= 40, "{asked} IG questions");
}

#[test]
fn a_catalogue_without_a_response_column_is_asked_by_role() {
    let Some(t) = coverage(
        "workbooks/GPC_ApptMgmt_CapabilityRequirements.xlsx",
        "gpc-appointment-management",
        "a_catalogue_without_a_response_column_is_asked_by_role",
    ) else {
        return;
    };
    let section = &t.sections[0];
    let role = &section.items[0];
    assert!(
        matches!(&role.kind, ItemKind::Choice { options, .. } if options.contains(&"Provider".to_string()))
    );
    // A consumer-only row is shown to a consumer (or both), never to a provider alone.
    let consumer = section
        .items
        .iter()
        .find(|i| i.requirement().and_then(|r| r.reference.as_deref()) == Some("GPC-SFS-1.3"))
        .expect("GPC-SFS-1.3");
    let when = consumer.visible_when.as_ref().expect("a condition");
    assert_eq!(when.item, role.id);
    assert!(when.any_of.contains(&"Consumer".to_string()));
    assert!(!when.any_of.contains(&"Provider".to_string()));
    // Its label is the requirement's words, not its ID.
    assert_ne!(consumer.label, "GPC-SFS-1.3");
    // Filled, the catalogue gains a Response and a Comment column; nothing else changes.
    let path = crate::common::reference_file(
        "workbooks/GPC_ApptMgmt_CapabilityRequirements.xlsx",
        "a_catalogue_without_a_response_column_is_asked_by_role",
    )
    .expect("present");
    let bytes = std::fs::read(&path).expect("read");
    let added = &t.source.as_ref().expect("source").sections[&section.id].added_columns;
    assert_eq!(added.len(), 2, "{added:?}");
    let chosen = round_trip(&bytes, &t);
    assert!(chosen.iter().all(|(_, v)| v == "No"), "{chosen:?}");
}

#[test]
fn a_questionnaire_keeps_its_questions_as_a_person_reads_them() {
    let Some(path) = crate::common::reference_file(
        "workbooks/NHSIdentity_ServiceAssessmentQuestionnaire_v1.1.xlsx",
        "a_questionnaire_keeps_its_questions_as_a_person_reads_them",
    ) else {
        return;
    };
    let bytes = std::fs::read(&path).expect("read");
    let t = import_bytes(&bytes, "q.xlsx").expect("imports").template;
    let want = reference_ids("nhs-identity-questionnaire");
    let source = t.source.as_ref().expect("source");
    let asked: Vec<(String, String)> = t
        .items()
        .filter(|(_, i)| i.is_answerable() && source.items.contains_key(&i.id))
        .map(|(s, i)| (source.sections[&s.id].sheet.clone(), i.label.clone()))
        .collect();
    let missing: Vec<_> = want
        .iter()
        .filter(|(sheet, start)| {
            !asked
                .iter()
                .any(|(s, label)| s == sheet && label.starts_with(start.as_str()))
        })
        .collect();
    assert!(
        (want.len() - missing.len()) * 100 >= want.len() * 95,
        "missing questions: {missing:?}"
    );
    // Each question answers in its own dropdown, with the further information beside it.
    let (_, item) = t
        .items()
        .find(|(_, i)| i.label == "How many Users use your application?")
        .expect("the question");
    assert!(item.options().contains(&"A few hundred".to_string()));
    let cells = &source.items[&item.id];
    assert_eq!(cells.response.as_deref(), Some("B8"));
    assert_eq!(cells.comment.as_deref(), Some("C8"));
}

#[test]
fn the_scal_keeps_every_requirement_id_it_shows() {
    coverage(
        "SCAL_vsn2.0.xlsx",
        "scal-v2.0",
        "the_scal_keeps_every_requirement_id_it_shows",
    );
}

use crate::common::all_cells;

/// Answers three requirement rows with their "not met" response and a comment, fills, and
/// reads the result back: only those rows' response and comment cells differ.
fn round_trip(bytes: &[u8], t: &Template) -> Vec<(String, String)> {
    let source = t.source.as_ref().expect("source");
    let mut answers = Answers::new();
    let mut expected: BTreeMap<(String, u32, u32), String> = BTreeMap::new();
    // A catalogue's added columns get their headers too.
    for cells in source.sections.values() {
        for added in &cells.added_columns {
            let (r, c) = scal_core::template::parse_cell_ref(&added.cell).expect("a cell");
            expected.insert((cells.sheet.clone(), r, c), added.header.clone());
        }
    }
    let mut chosen = Vec::new();
    for (section, item) in t.items() {
        let Some(r) = item.requirement() else {
            continue;
        };
        let Some(not_met) = r
            .options
            .iter()
            .find(|o| {
                let o = o.to_lowercase();
                o.starts_with("non") || o == "no"
            })
            .cloned()
        else {
            continue;
        };
        let cells = &source.items[&item.id];
        let (Some(resp), Some(comment)) = (&cells.response, &cells.comment) else {
            continue;
        };
        let sheet = source.sections[&section.id].sheet.clone();
        let text = format!("Mitigation for {}", item.id);
        answers.insert(
            item.id.clone(),
            Answer {
                value: Some(Value::One(not_met.clone())),
                comment: text.clone(),
            },
        );
        for (a1, v) in [(resp, not_met.clone()), (comment, text)] {
            let (r, c) = scal_core::template::parse_cell_ref(a1).expect("a cell");
            expected.insert((sheet.clone(), r, c), v);
        }
        chosen.push((item.id.clone(), not_met));
        if chosen.len() == 3 {
            break;
        }
    }
    assert_eq!(chosen.len(), 3, "three rows to answer");
    let dir = tempfile::tempdir().expect("a folder");
    let out = dir.path().join("filled.xlsx");
    fill(
        bytes,
        t,
        &FillInput {
            answers: &answers,
            evidence: &[],
            statuses: &BTreeMap::new(),
        },
        &out,
    )
    .unwrap_or_else(|e| panic!("fills: {e}"));
    let before = all_cells(bytes);
    let after = all_cells(&std::fs::read(&out).expect("written"));
    let keys: BTreeSet<_> = before.keys().chain(after.keys()).cloned().collect();
    for k in keys {
        let (b, a) = (before.get(&k), after.get(&k));
        match expected.get(&k) {
            Some(v) => assert_eq!(a.map(|d| d.to_string()), Some(v.clone()), "{k:?}"),
            None => assert_eq!(b, a, "{k:?} changed but was not answered"),
        }
    }
    chosen
}

#[test]
fn a_tom_checklist_round_trips_three_non_compliant_answers() {
    let Some(path) = crate::common::reference_file(
        "workbooks/eRS_TOM_SelfEvalChecklist_v1.2.xlsx",
        "a_tom_checklist_round_trips_three_non_compliant_answers",
    ) else {
        return;
    };
    let bytes = std::fs::read(&path).expect("read");
    let t = import_bytes(&bytes, "tom.xlsx").expect("imports").template;
    let chosen = round_trip(&bytes, &t);
    assert!(
        chosen.iter().all(|(_, v)| v == "Non-compliant"),
        "{chosen:?}"
    );
}

/// How a generated checklist varies from the real ones.
#[derive(Clone, Copy, Debug)]
struct Variant {
    /// Header words used for the ID, response and comment columns.
    headers: [&'static str; 3],
    /// Columns (0-based) of ID, label, response, comment.
    cols: [u16; 4],
    /// Rows of formula-built text above the header.
    header_row: u32,
    /// IDs like `NRLS-REQ-F003` or dotted `GPC-SFS-1.3`.
    dotted: bool,
    /// The dropdown's list lives on a hidden sheet (else inline).
    hidden_list: bool,
}

fn checklist(v: Variant) -> Vec<u8> {
    let mut wb = Workbook::new();
    let options = [
        "Please select…",
        "Compliant",
        "Semi-compliant",
        "Non-compliant",
        "N/a",
    ];
    {
        let ws = wb.add_worksheet();
        ws.set_name("Checks").unwrap();
        for r in 0..v.header_row {
            ws.write_formula(r, 0, Formula::new(format!("=\"Step {}\"", r + 1)))
                .unwrap();
        }
        let h = v.header_row;
        ws.write(h, v.cols[0], v.headers[0]).unwrap();
        ws.write(h, v.cols[1], "Control").unwrap();
        ws.write(h, v.cols[2], v.headers[1]).unwrap();
        ws.write(h, v.cols[3], v.headers[2]).unwrap();
        ws.write(h + 1, v.cols[0], "1. General").unwrap();
        for n in 0..6u32 {
            let r = h + 2 + n;
            let id = if v.dotted {
                format!("XYZ-AB-1.{}", n + 1)
            } else {
                format!("QQ-{:03}", n + 1)
            };
            ws.write(r, v.cols[0], id.as_str()).unwrap();
            ws.write(r, v.cols[1], format!("The system does thing {n}"))
                .unwrap();
            ws.write(r, v.cols[2], options[0]).unwrap();
        }
        let dv = if v.hidden_list {
            DataValidation::new().allow_list_formula(Formula::new("=Hidden!$A$1:$A$5"))
        } else {
            DataValidation::new().allow_list_strings(&options).unwrap()
        };
        ws.add_data_validation(h + 2, v.cols[2], h + 7, v.cols[2], &dv)
            .unwrap();
    }
    if v.hidden_list {
        let ws = wb.add_worksheet();
        ws.set_name("Hidden").unwrap();
        for (i, o) in options.iter().enumerate() {
            ws.write(i as u32, 0, *o).unwrap();
        }
        ws.set_hidden(true);
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn generated_checklists_are_read_whatever_their_headers_order_and_lists() {
    let variants = [
        Variant {
            headers: [
                "Category / Requirement",
                "Compliance Level",
                "Additional Notes",
            ],
            cols: [1, 2, 4, 5],
            header_row: 0,
            dotted: false,
            hidden_list: false,
        },
        Variant {
            headers: ["REF", "Choose your Answer", "Comments"],
            cols: [0, 1, 3, 2],
            header_row: 4,
            dotted: true,
            hidden_list: true,
        },
        Variant {
            headers: ["Solution Req ID", "Compliance Status", "Notes"],
            cols: [3, 0, 1, 2],
            header_row: 9,
            dotted: true,
            hidden_list: false,
        },
    ];
    for v in variants {
        let bytes = checklist(v);
        let imported = import_bytes(&bytes, "checks.xlsx").unwrap_or_else(|e| panic!("{v:?}: {e}"));
        let t = imported.template;
        let reqs: Vec<_> = t.items().filter_map(|(_, i)| i.requirement()).collect();
        assert_eq!(reqs.len(), 6, "{v:?}");
        for r in &reqs {
            assert_eq!(
                r.options,
                ["Compliant", "Semi-compliant", "Non-compliant", "N/a"],
                "{v:?}"
            );
            assert!(r.reference.is_some(), "{v:?}");
        }
        let first = t
            .items()
            .find(|(_, i)| i.requirement().is_some())
            .expect("a requirement")
            .1;
        assert_eq!(first.label, "The system does thing 0", "{v:?}");
        let table = &imported.summary.sections[0].tables[0];
        assert!(table.confidence >= 50, "{v:?}: {}", table.confidence);
        round_trip(&bytes, &t);
    }
}

#[test]
fn two_columns_of_dropdowns_under_unknown_headers_are_not_guessed() {
    let bytes = ambiguous();
    let err = import_bytes(&bytes, "ambiguous.xlsx").expect_err("not guessed");
    let message = err.to_string();
    assert!(message.contains("unsure"), "{message}");
    assert!(message.contains("mapping"), "{message}");
}

fn ambiguous() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Ambiguous").unwrap();
    for (c, h) in ["ID", "Thing", "First pick", "Second pick"]
        .iter()
        .enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    for n in 0..5u32 {
        ws.write(1 + n, 0, format!("AB-{n:02}").as_str()).unwrap();
        ws.write(1 + n, 1, format!("Row {n} text")).unwrap();
    }
    let dv = DataValidation::new()
        .allow_list_strings(&["Done", "Partly", "Not done"])
        .unwrap();
    ws.add_data_validation(1, 2, 5, 3, &dv).unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn a_mapping_says_what_the_importer_would_not_guess_and_is_kept_for_the_next_version() {
    let bytes = ambiguous();
    let mapping = scal_workbook::parse_mapping(
        br#"{"sheets": {"Ambiguous": {"header_row": 1,
              "columns": {"id": "A", "question": "B", "response": "D", "comment": "C"},
              "meanings": {"Done": "met", "Partly": "partly_met", "Not done": "not_met"}}}}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let options = scal_workbook::ImportOptions {
        mapping: Some(mapping.clone()),
        ..Default::default()
    };
    let imported =
        scal_workbook::import_bytes_with(&bytes, "ambiguous.xlsx", &options).expect("imports");
    let t = &imported.template;
    let source = t.source.as_ref().expect("source");
    let reqs: Vec<_> = t
        .items()
        .filter(|(_, i)| i.requirement().is_some())
        .collect();
    assert_eq!(reqs.len(), 5);
    let (_, first) = reqs[0];
    assert_eq!(first.label, "Row 0 text");
    let cells = &source.items[&first.id];
    assert_eq!(cells.response.as_deref(), Some("D2"));
    assert_eq!(cells.comment.as_deref(), Some("C2"));
    assert_eq!(source.mapping.as_ref(), Some(&mapping));
    // The mapping's meanings stand where the words carry none ("Done") or another.
    let r = first.requirement().expect("a requirement");
    assert_eq!(
        r.meanings.get("Done"),
        Some(&scal_core::template::Meaning::Met)
    );
    assert_eq!(
        r.meanings.get("Partly"),
        Some(&scal_core::template::Meaning::PartlyMet)
    );
    let table = &imported.summary.sections[0].tables[0];
    assert_eq!(table.confidence, 100);
    // The next version, read with the kept mapping (`--like`), comes out the same.
    let again = scal_workbook::import_bytes_with(
        &bytes,
        "ambiguous-v2.xlsx",
        &scal_workbook::ImportOptions {
            mapping: source.mapping.clone(),
            ..Default::default()
        },
    )
    .expect("imports");
    assert_eq!(again.template.sections, t.sections);
}

#[test]
fn a_mapping_for_another_workbook_is_refused_naming_what_is_missing() {
    let bytes = ambiguous();
    for (json, names) in [
        (
            r#"{"sheets": {"Requirements": {"header_row": 1, "columns": {"id": "A", "response": "D"}}}}"#,
            "\"Requirements\"",
        ),
        (
            r#"{"sheets": {"Ambiguous": {"header_row": 1, "columns": {"id": "H", "response": "D"}}}}"#,
            "column H",
        ),
        (
            r#"{"sheets": {"Ambiguous": {"header_row": 90, "columns": {"id": "A", "response": "D"}}}}"#,
            "header row 90",
        ),
    ] {
        let mapping =
            scal_workbook::parse_mapping(json.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let err = scal_workbook::import_bytes_with(
            &bytes,
            "ambiguous.xlsx",
            &scal_workbook::ImportOptions {
                mapping: Some(mapping),
                ..Default::default()
            },
        )
        .expect_err("refused");
        let message = err.to_string();
        assert!(message.contains(names), "{message}");
        assert!(message.starts_with("the mapping"), "{message}");
    }
}

#[test]
fn a_sheet_the_mapping_calls_not_asked_is_left_out_with_its_reason() {
    let Some(path) = crate::common::reference_file(
        "workbooks/eRS_TOM_SelfEvalChecklist_v1.2.xlsx",
        "a_sheet_the_mapping_calls_not_asked_is_left_out_with_its_reason",
    ) else {
        return;
    };
    let bytes = std::fs::read(&path).expect("read");
    let mapping = scal_workbook::parse_mapping(
        br#"{"sheets": {"1 - Contact Log": {"not_asked": true, "why": "contacts go by email"}}}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let imported = scal_workbook::import_bytes_with(
        &bytes,
        "tom.xlsx",
        &scal_workbook::ImportOptions {
            mapping: Some(mapping),
            ..Default::default()
        },
    )
    .expect("imports");
    assert!(imported
        .template
        .sections
        .iter()
        .all(|s| s.title != "1 - Contact Log"));
    let left = imported
        .summary
        .skipped
        .iter()
        .find(|s| s.sheet == "1 - Contact Log")
        .expect("listed");
    assert!(
        left.reason.contains("contacts go by email"),
        "{}",
        left.reason
    );
}

/// The rules follow what a response means, not its words: a TOM checklist's "Non-compliant"
/// asks a mitigation, its "N/a" a justification, as "No" and "Out of Scope" do.
#[test]
fn a_tom_checklists_responses_are_judged_by_what_they_mean() {
    let Some(path) = crate::common::reference_file(
        "workbooks/eRS_TOM_SelfEvalChecklist_v1.2.xlsx",
        "a_tom_checklists_responses_are_judged_by_what_they_mean",
    ) else {
        return;
    };
    let bytes = std::fs::read(&path).expect("read");
    let imported = import_bytes(&bytes, "tom.xlsx").expect("imports");
    let t = imported.template;
    let id_of = |reference: &str| {
        t.items()
            .find(|(_, i)| i.requirement().and_then(|r| r.reference.as_deref()) == Some(reference))
            .map(|(_, i)| i.id.clone())
            .expect("the row")
    };
    let r = t
        .items()
        .find_map(|(_, i)| i.requirement())
        .expect("a requirement");
    // Stored in the template, as inferred at import.
    assert_eq!(
        r.meanings.get("Semi-compliant"),
        Some(&scal_core::template::Meaning::PartlyMet)
    );
    let mut state = scal_core::completeness::DraftState::default();
    for (reference, value) in [
        ("GR-001", "Non-compliant"),
        ("GR-002", "N/a"),
        ("GR-003", "Semi-compliant"),
        ("GTR-001", "Compliant"),
    ] {
        state.answers.insert(
            id_of(reference),
            Answer {
                value: Some(Value::One(value.to_string())),
                comment: String::new(),
            },
        );
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).expect("a date");
    let report = scal_core::completeness::check(&t, &state, today);
    let rules_for = |reference: &str| -> Vec<&str> {
        let id = id_of(reference);
        report
            .issues
            .iter()
            .filter(|i| i.item == id)
            .map(|i| i.rule)
            .collect()
    };
    assert!(
        rules_for("GR-001").contains(&"mitigation_required"),
        "{:?}",
        rules_for("GR-001")
    );
    assert!(
        rules_for("GR-002").contains(&"justification_required"),
        "{:?}",
        rules_for("GR-002")
    );
    assert!(
        rules_for("GR-003").contains(&"mitigation_required"),
        "{:?}",
        rules_for("GR-003")
    );
    assert!(!rules_for("GTR-001").contains(&"mitigation_required"));
    // The summary says what each response was taken to mean.
    let set = imported
        .summary
        .sections
        .iter()
        .flat_map(|s| &s.responses)
        .find(|s| s.options.iter().any(|(o, _)| o == "Non-compliant"))
        .expect("the compliance set");
    assert!(set.options.iter().all(|(_, m)| m.is_some()), "{set:?}");
}
