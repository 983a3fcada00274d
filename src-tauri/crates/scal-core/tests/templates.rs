//! The template format and the bundled templates.
//!
//! Every bundled template loads and says what a real SCAL says (the sections, the repeated
//! declarations, a requirement row for each capability of the standard); a broken template is
//! refused with the JSON path of what is wrong, so its author can find it.

// clippy.toml allows these inside #[test] functions only; the helpers here are test code too,
// and a panic in them is a failing test with a location.
#![allow(clippy::panic, clippy::expect_used, reason = "test helpers")]

use std::collections::HashSet;

use scal_core::bundled::BUNDLED;
use scal_core::load::TEMPLATE_SCHEMA;
use scal_core::template::{Assessment, ColumnField, DateRule, Item, ItemKind, Level, SectionKind};
use scal_core::{load_template, Template};
use serde_json::{json, Value as Json};

const UEC: &str = "uec-appointment-booking";
const GPC: &str = "gpconnect-appointment-management-consumer";
const SHARED: &str = "shared-organisation";

fn bundled(id: &str) -> Template {
    BUNDLED
        .iter()
        .map(|(name, json)| {
            load_template(json).unwrap_or_else(|e| panic!("bundled {name} does not load: {e:?}"))
        })
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no bundled template {id}"))
}

fn requirements(t: &Template) -> Vec<&Item> {
    t.items()
        .map(|(_, i)| i)
        .filter(|i| i.requirement().is_some())
        .collect()
}

#[test]
fn every_bundled_template_loads_and_is_named_after_its_id() {
    let mut ids = HashSet::new();
    for (name, json) in BUNDLED {
        let t =
            load_template(json).unwrap_or_else(|e| panic!("bundled {name} is refused: {:#?}", e.0));
        assert_eq!(
            *name,
            format!("{}.json", t.id),
            "file name and template id differ"
        );
        assert!(
            ids.insert(t.id.clone()),
            "two bundled templates have the id {}",
            t.id
        );
        assert!(!t.sections.is_empty(), "{name} has no sections");
        assert!(!t.description.is_empty(), "{name} has no description");
        assert!(
            t.publisher.contains("unofficial"),
            "{name} must not pass itself off as NHS England's own SCAL"
        );
    }
    assert!(
        ids.contains(UEC) && ids.contains(GPC) && ids.contains(SHARED),
        "{ids:?}"
    );
}

#[test]
fn ids_are_unique_across_each_bundled_template() {
    for (name, json) in BUNDLED {
        let t = load_template(json).expect("loads");
        let mut sections = HashSet::new();
        for s in &t.sections {
            assert!(
                sections.insert(&s.id),
                "{name}: section id {} repeats",
                s.id
            );
        }
        let mut items = HashSet::new();
        for (_, i) in t.items() {
            assert!(items.insert(&i.id), "{name}: item id {} repeats", i.id);
        }
    }
}

/// What serde writes back must pass the schema and read back the same: the schema and the Rust
/// types describe one format.
#[test]
fn a_loaded_template_written_back_loads_to_the_same_template() {
    for (name, json) in BUNDLED {
        let t = load_template(json).expect("loads");
        let written = serde_json::to_string_pretty(&t).expect("serialises");
        let again = load_template(&written)
            .unwrap_or_else(|e| panic!("{name} written back is refused: {:#?}", e.0));
        assert_eq!(t, again, "{name} changed on the way through serde");
    }
}

/// The example in schemas/README.md is a template the loader accepts.
#[test]
fn the_readme_example_loads() {
    let readme = include_str!("../../../../schemas/README.md");
    let example = readme
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README shows a JSON example");
    let t = load_template(example).unwrap_or_else(|e| panic!("{:#?}", e.0));
    assert_eq!(t.items().count(), 5);
}

#[test]
fn every_property_in_the_schema_is_described() {
    fn walk(at: &str, v: &Json, missing: &mut Vec<String>) {
        match v {
            Json::Object(map) => {
                if let Some(Json::Object(props)) = map.get("properties") {
                    for (name, prop) in props {
                        // `true` only marks a property as evaluated (see the schema's
                        // $comment); its rules and description sit beside it.
                        if prop == &Json::Bool(true) {
                            continue;
                        }
                        let described = prop
                            .get("description")
                            .and_then(Json::as_str)
                            .is_some_and(|d| !d.is_empty());
                        // A property that only narrows an `if` needs no words of its own.
                        if !described && !at.ends_with("/if") {
                            missing.push(format!("{at}/properties/{name}"));
                        }
                    }
                }
                for (k, child) in map {
                    walk(&format!("{at}/{k}"), child, missing);
                }
            }
            Json::Array(list) => {
                for (i, child) in list.iter().enumerate() {
                    walk(&format!("{at}/{i}"), child, missing);
                }
            }
            _ => {}
        }
    }
    let schema: Json = serde_json::from_str(TEMPLATE_SCHEMA).expect("the schema is JSON");
    let mut missing = Vec::new();
    walk("", &schema, &mut missing);
    assert!(
        missing.is_empty(),
        "properties without a description: {missing:#?}"
    );
}

#[test]
fn the_uec_template_has_the_sections_of_the_real_workbook_in_order() {
    let t = bundled(UEC);
    assert_eq!(t.version, "1.0.0");
    let shape: Vec<(&str, SectionKind, bool, bool)> = t
        .sections
        .iter()
        .map(|s| (s.id.as_str(), s.kind, s.shared, s.has_status))
        .collect();
    assert_eq!(
        shape,
        [
            ("supplier-product", SectionKind::Form, true, false),
            (
                "ig-security-clinical-safety",
                SectionKind::Form,
                true,
                false
            ),
            ("architecture", SectionKind::Guidance, false, false),
            ("uec-consumer", SectionKind::Service, false, true),
            ("uec-provider", SectionKind::Service, false, true),
        ]
    );

    let architecture = t.section("architecture").expect("architecture");
    let acknowledged = architecture
        .items
        .iter()
        .filter(|i| {
            matches!(
                i.kind,
                ItemKind::Guidance {
                    acknowledge: true,
                    ..
                }
            )
        })
        .count();
    assert!(
        acknowledged >= 8,
        "only {acknowledged} architecture rows to acknowledge"
    );
    assert!(
        architecture
            .items
            .iter()
            .all(|i| matches!(i.kind, ItemKind::Guidance { .. })),
        "the architecture section asks questions instead of giving guidance"
    );
}

#[test]
fn the_supplier_form_asks_what_the_real_form_asks() {
    let t = bundled(UEC);
    let form = t.section("supplier-product").expect("supplier-product");
    let type_of = |id: &str| {
        form.items
            .iter()
            .find(|i| i.id == id)
            .unwrap_or_else(|| panic!("the supplier form has no {id}"))
            .type_name()
    };
    for (id, kind) in [
        ("supplier-name", "text"),
        ("supplier-ods-code", "ods_code"),
        ("product-name", "text"),
        ("product-version", "version"),
        ("endpoint-topology", "choice"),
        ("hscn-connection", "yes_no"),
        ("hscn-agreement-date", "date"),
        ("care-settings", "multi_choice"),
        ("isms", "yes_no"),
        ("cso-confirmed", "yes_no"),
        ("cso-name", "text"),
        ("cso-email", "email"),
        ("medical-device", "yes_no"),
        ("medical-device-class", "choice"),
        ("medical-device-justification", "long_text"),
        ("dcb0129-risk-process", "yes_no"),
        ("dcb0129-incident-process", "yes_no"),
        ("nhs-services", "multi_choice"),
        ("nsd-registered", "yes_no"),
        ("incident-management", "yes_no"),
        ("nsd-desk-name", "text"),
        ("nsd-email", "email"),
        ("nsd-address", "long_text"),
    ] {
        assert_eq!(type_of(id), kind, "item {id}");
    }

    let item = |id: &str| t.item(id).expect("item").1;
    assert_eq!(
        item("endpoint-topology").options(),
        [
            "Centrally Hosted",
            "Locally Hosted",
            "Centrally Hosted Aggregator",
            "Centrally Hosted Web Portal",
            "Other"
        ]
    );
    let settings = item("care-settings").options();
    assert!(settings.len() >= 10, "{settings:?}");
    for wanted in [
        "111",
        "GP",
        "Pharmacy",
        "Ambulance",
        "Out of hours",
        "Other",
    ] {
        assert!(
            settings.iter().any(|s| s.contains(wanted)),
            "no {wanted} in {settings:?}"
        );
    }
    assert_eq!(
        item("medical-device-class").options(),
        ["Class I", "Class IIa", "Class IIb", "Class III"]
    );
    // Follow-ups hang off the question that opens them.
    for (id, on, value) in [
        ("hscn-agreement-date", "hscn-connection", "Yes"),
        ("medical-device-class", "medical-device", "Yes"),
        ("medical-device-justification", "medical-device", "No"),
        ("nsd-desk-name", "nsd-registered", "No"),
    ] {
        let cond = item(id).visible_when.as_ref().expect("a condition");
        assert_eq!(
            (cond.item.as_str(), cond.equals.as_deref()),
            (on, Some(value)),
            "{id}"
        );
    }
    assert!(matches!(
        item("hscn-agreement-date").kind,
        ItemKind::Date {
            rule: Some(DateRule::NotFuture),
            ..
        }
    ));
}

#[test]
fn stale_dates_are_caught_by_both_date_rules() {
    let t = bundled(UEC);
    let rules: Vec<(&str, DateRule)> = t
        .items()
        .filter_map(|(_, i)| match i.kind {
            ItemKind::Date { rule: Some(r), .. } => Some((i.id.as_str(), r)),
            _ => None,
        })
        .collect();
    for wanted in [
        ("dspt-publication-date", DateRule::Within12Months),
        ("pen-test-date", DateRule::Within12Months),
        (
            "dspt-current-year-submission",
            DateRule::CurrentFinancialYear,
        ),
    ] {
        assert!(rules.contains(&wanted), "{wanted:?} not in {rules:?}");
    }
    let scheme = t
        .item("pen-test-scheme")
        .expect("pen-test-scheme")
        .1
        .options();
    for wanted in ["CHECK", "CREST", "Tiger Scheme", "Cyber Scheme", "Other"] {
        assert!(
            scheme.iter().any(|s| s == wanted),
            "no {wanted} in {scheme:?}"
        );
    }
    let letter = t.item("pen-test-summary").expect("pen-test-summary").1;
    assert!(matches!(letter.kind, ItemKind::EvidenceSlot) && !letter.required);
}

#[test]
fn each_uec_service_section_has_the_head_of_a_real_service_tab() {
    let t = bundled(UEC);
    for id in ["uec-consumer", "uec-provider"] {
        let s = t.section(id).expect("service section");
        let headers: Vec<(ColumnField, &str)> = s
            .columns
            .iter()
            .map(|c| (c.field, c.header.as_str()))
            .collect();
        assert_eq!(
            headers,
            [
                (ColumnField::Reference, "Requirement ID"),
                (ColumnField::Category, "Category / Requirement"),
                (ColumnField::Label, "Item"),
                (ColumnField::Text, "Detail"),
                (ColumnField::HowAssessed, "How requirement will be assessed"),
                (ColumnField::Level, "Type"),
                (ColumnField::ActionedBy, "Actioned By"),
                (ColumnField::Response, "Compliant"),
                (ColumnField::Comment, "Additional notes / mitigation"),
                (ColumnField::Evidence, "Evidence"),
            ],
            "{id}"
        );
        let slots: Vec<(&str, bool)> = s
            .items
            .iter()
            .filter(|i| matches!(i.kind, ItemKind::EvidenceSlot))
            .map(|i| (i.id.as_str(), i.required))
            .collect();
        assert_eq!(
            slots,
            [
                (format!("{id}.tcr").as_str(), true),
                (format!("{id}.tcc").as_str(), false)
            ]
        );
        let declarations: Vec<&str> = s
            .items
            .iter()
            .filter(|i| matches!(i.kind, ItemKind::Declaration { .. }))
            .map(|i| i.id.strip_prefix(&format!("{id}.")).unwrap_or(&i.id))
            .collect();
        assert_eq!(
            declarations,
            [
                "decl-usage",
                "decl-dspt",
                "decl-controller-processor",
                "decl-pen-test",
                "decl-hazard-log-reviewed",
                "decl-safety-case"
            ],
            "{id}"
        );
        for (_, d) in t
            .items()
            .filter(|(_, i)| matches!(i.kind, ItemKind::Declaration { .. }))
        {
            assert_eq!(d.options(), ["Yes", "No"], "{}", d.id);
        }
    }
}

/// The capabilities of the UEC Appointment Booking standard, each with words that a row
/// covering it must contain (case-insensitive), for the consumer and the provider in turn.
const CAPABILITIES: &[(&str, &[&str])] = &[
    (
        "SDS endpoint discovery",
        &["Spine Directory Service", "interaction id"],
    ),
    ("ASID / party key", &["ASID", "party key"]),
    ("JWT bearer token", &["JWT", "bearer"]),
    ("correlation id", &["X-Correlation-Id"]),
    (
        "capability statement",
        &["GET /metadata", "CapabilityStatement"],
    ),
    ("capability statement caching", &["cache"]),
    ("free slot search", &["Slot", "free", "window"]),
    ("slot search by service", &["healthcare service"]),
    (
        "included resources",
        &["schedule", "practitioner", "location"],
    ),
    ("booking", &["POST", "Appointment"]),
    ("201 with Location", &["201", "Location"]),
    ("absolute versioned URL", &["absolute, versioned URL"]),
    ("422 slot taken", &["422"]),
    ("403 JWT", &["403"]),
    ("400 invalid body", &["400"]),
    ("500 retry", &["500"]),
    ("OperationOutcome", &["OperationOutcome"]),
    ("get one appointment", &["GET", "200"]),
    ("search by NHS number", &["NHS number", "paging", "past"]),
    ("statuses", &["booked", "cancelled", "entered-in-error"]),
    ("cancel by PUT", &["PUT", "cancelled", "200", "version"]),
    ("409 version clash", &["409"]),
    ("keep previous versions", &["previous version"]),
    (
        "register external booking",
        &["other means", "201", "Location"],
    ),
    (
        "CareConnect STU3",
        &["CareConnect", "STU3", "PractitionerRole"],
    ),
];

#[test]
fn the_uec_requirement_rows_cover_every_capability_of_the_standard() {
    let t = bundled(UEC);
    let rows = requirements(&t);
    assert!(rows.len() >= 30, "only {} requirement rows", rows.len());
    let words = |i: &Item| format!("{} {}", i.label, i.text).to_lowercase();
    let mut uncovered = Vec::new();
    for (capability, needles) in CAPABILITIES {
        let covered = rows.iter().any(|row| {
            needles
                .iter()
                .all(|n| words(row).contains(&n.to_lowercase()))
        });
        if !covered {
            uncovered.push(*capability);
        }
    }
    assert!(uncovered.is_empty(), "no row covers: {uncovered:?}");

    // Both roles are covered, each in its own section.
    for (section, role, prefix) in [
        ("uec-consumer", "consumer", "UEC-CON-"),
        ("uec-provider", "provider", "UEC-PRV-"),
    ] {
        let s = t.section(section).expect("section");
        let rows: Vec<&Item> = s
            .items
            .iter()
            .filter(|i| i.requirement().is_some())
            .collect();
        assert!(rows.len() >= 15, "{section} has only {} rows", rows.len());
        for row in rows {
            let r = row.requirement().expect("a requirement");
            assert_eq!(r.applies_to.as_deref(), Some(role), "{}", row.id);
            match &r.reference {
                Some(reference) => {
                    assert!(reference.starts_with(prefix), "{reference} in {section}");
                    assert_eq!(&row.id, reference, "a row's id is its requirement ID");
                }
                None => assert!(row.id.starts_with(&format!("{section}.")), "{}", row.id),
            }
            assert_eq!(r.options, ["Yes", "No", "Out of Scope"], "{}", row.id);
            assert_eq!(r.actioned_by, "Supplier", "{}", row.id);
            assert!(
                !r.how_assessed.is_empty(),
                "{} does not say how it is assessed",
                row.id
            );
            if r.assessment == Assessment::Evidence {
                assert!(
                    !r.test_cases.is_empty(),
                    "{} is assessed by evidence but names no test",
                    row.id
                );
                assert!(
                    !r.evidence_expected.is_empty(),
                    "{} expects no evidence",
                    row.id
                );
            }
        }
    }
}

#[test]
fn the_uec_rows_use_every_level_and_way_of_assessing() {
    let t = bundled(UEC);
    let rows = requirements(&t);
    let reqs = || rows.iter().filter_map(|i| i.requirement());
    for level in [Level::Must, Level::Should, Level::May, Level::Info] {
        assert!(
            reqs().any(|r| r.level == level),
            "no {} row",
            level.as_str()
        );
    }
    for assessment in [
        Assessment::SupplierDeclared,
        Assessment::SupplierStatement,
        Assessment::Evidence,
        Assessment::ConformanceReport,
    ] {
        assert!(
            reqs().any(|r| r.assessment == assessment),
            "no {assessment:?} row"
        );
    }
    let unreferenced: Vec<&str> = rows
        .iter()
        .filter(|i| i.requirement().is_some_and(|r| r.reference.is_none()))
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(unreferenced, ["uec-consumer.test-1", "uec-provider.test-1"]);
    let headings = t
        .items()
        .filter(|(s, i)| {
            s.kind == SectionKind::Service
                && matches!(i.kind, ItemKind::Guidance { heading: true, .. })
        })
        .count();
    assert!(headings >= 10, "only {headings} endpoint headings");
}

#[test]
fn the_shared_organisation_template_reuses_the_uec_sections_unchanged() {
    let uec = bundled(UEC);
    let shared = bundled(SHARED);
    let ids: Vec<&str> = shared.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "supplier-product",
            "ig-security-clinical-safety",
            "architecture"
        ]
    );
    // Answers carry over between SCALs only if the shared sections are the same in each.
    for s in &shared.sections {
        assert_eq!(
            Some(s),
            uec.section(&s.id),
            "section {} differs from the UEC one",
            s.id
        );
    }
}

#[test]
fn the_gp_connect_template_uses_layout_c_and_answers_yes_or_no() {
    let t = bundled(GPC);
    let service = t
        .sections
        .iter()
        .find(|s| s.kind == SectionKind::Service)
        .expect("a service section");
    let fields: Vec<ColumnField> = service.columns.iter().map(|c| c.field).collect();
    assert_eq!(
        fields,
        [
            ColumnField::Reference,
            ColumnField::Label,
            ColumnField::Text,
            ColumnField::TestCases,
            ColumnField::EvidenceExpected,
            ColumnField::Guidance,
            ColumnField::Response,
            ColumnField::Comment,
            ColumnField::Evidence,
            ColumnField::Reviewer,
        ]
    );
    let rows = requirements(&t);
    assert!(rows.len() >= 12, "only {} rows", rows.len());
    for row in &rows {
        let r = row.requirement().expect("a requirement");
        assert_eq!(
            r.options,
            ["Yes", "No"],
            "{}: GP Connect rows have no Out of Scope",
            row.id
        );
        assert!(r.reference.is_some(), "{} has no requirement ID", row.id);
        if r.assessment == Assessment::Evidence {
            assert!(!r.test_cases.is_empty(), "{} names no test case", row.id);
        }
    }
    // The GP Connect tab has no controller/processor declaration.
    let declarations = service
        .items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Declaration { .. }))
        .count();
    assert_eq!(declarations, 5);
    assert!(
        t.section("supplier-product").is_none(),
        "GP Connect copies the UEC shape"
    );
}

// ---- Broken templates: each is refused, and the problem is reported at the right JSON path.

/// A small valid template the broken cases are made from.
fn base() -> Json {
    json!({
        "id": "broken-cases",
        "version": "1.0.0",
        "title": "Base of the broken cases",
        "publisher": "tests",
        "sections": [
            {"id": "org", "title": "Organisation", "kind": "form", "items": [
                {"id": "name", "label": "Name", "type": "text"},
                {"id": "hosting", "label": "Hosting", "type": "choice",
                 "options": ["Central", "Local"], "other": true},
                {"id": "hscn", "label": "HSCN", "type": "yes_no", "comment_when_no": true},
                {"id": "hscn-date", "label": "Signed", "type": "date", "rule": "not_future",
                 "visible_when": {"item": "hscn", "equals": "Yes"}}
            ]},
            {"id": "svc", "title": "Service", "kind": "service", "has_status": true,
             "columns": [{"field": "reference", "header": "ID"}, {"field": "response", "header": "Compliant"}],
             "items": [
                {"id": "svc.tcr", "label": "Report", "type": "evidence_slot"},
                {"id": "svc.decl", "label": "Usage", "type": "declaration"},
                {"id": "R-1", "label": "Metadata", "type": "requirement", "reference": "R-1",
                 "level": "MUST", "assessment": "evidence", "test_cases": ["T1"]},
                {"id": "svc.h", "label": "Heading", "type": "guidance", "heading": true}
            ]}
        ]
    })
}

/// The base with the value at `pointer` replaced (or added under an existing parent).
fn set(pointer: &str, value: Json) -> Json {
    let mut doc = base();
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    match doc.pointer_mut(parent).expect("the parent exists") {
        Json::Object(map) => {
            map.insert(key.to_string(), value);
        }
        Json::Array(list) => list[key.parse::<usize>().expect("an index")] = value,
        other => panic!("cannot set under {other}"),
    }
    doc
}

/// The base without the value at `pointer`.
fn remove(pointer: &str) -> Json {
    let mut doc = base();
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    match doc.pointer_mut(parent).expect("the parent exists") {
        Json::Object(map) => {
            map.remove(key).expect("the key exists");
        }
        Json::Array(list) => {
            list.remove(key.parse::<usize>().expect("an index"));
        }
        other => panic!("cannot remove under {other}"),
    }
    doc
}

/// The base with a valid workbook cell map, as `scal import-template` writes one.
fn source() -> Json {
    json!({
        "file_name": "SCAL.xlsx",
        "sha256": "0f".repeat(32),
        "size": 1234,
        "sections": {
            "org": {"sheet": "Supplier & Product information"},
            "svc": {"sheet": "Service", "status": "B3", "hidden": true}
        },
        "items": {
            "name": {"response": "C4"},
            "hosting": {"options": [{"option": "Central", "cell": "D8"}, {"option": "Local", "cell": "D9"}],
                        "mark": "Yes", "unmark": "No", "other": "D12"},
            "hscn": {"response": "C13", "comment": "D13"},
            "R-1": {"response": "G21", "comment": "H21", "evidence": "I21"}
        }
    })
}

/// The base with the cell map of `source()`, changed by `change`.
fn with_source(change: impl FnOnce(&mut Json)) -> Json {
    let mut s = source();
    change(&mut s);
    set("/source", s)
}

#[test]
fn a_template_with_a_workbook_cell_map_loads_and_keeps_it() {
    let doc = set("/source", source());
    let t = load_template(&doc.to_string()).unwrap_or_else(|e| panic!("{:#?}", e.0));
    let src = t.source.as_ref().expect("the cell map is kept");
    assert_eq!(src.file_name, "SCAL.xlsx");
    assert_eq!(src.sections["svc"].status.as_deref(), Some("B3"));
    assert!(src.sections["svc"].hidden);
    let hosting = &src.items["hosting"];
    assert_eq!(hosting.options[1].cell, "D9");
    assert_eq!(hosting.unmark.as_deref(), Some("No"));
    assert_eq!(src.items["R-1"].evidence.as_deref(), Some("I21"));
    // Written back, it loads to the same template: nothing of the map is lost.
    let again = load_template(&serde_json::to_string(&t).expect("serialises")).expect("reloads");
    assert_eq!(again, t);
}

#[test]
fn cell_references_parse_within_excels_bounds() {
    use scal_core::template::{cell_ref, parse_cell_ref};
    for (text, want) in [
        ("A1", Some((0, 0))),
        ("$G$21", Some((20, 6))),
        ("xfd1048576", Some((1_048_575, 16_383))),
        ("AA10", Some((9, 26))),
        ("XFE1", None),
        ("A1048577", None),
        ("A0", None),
        ("1A", None),
        ("", None),
        ("ABCD1", None),
    ] {
        assert_eq!(parse_cell_ref(text), want, "{text}");
        if let Some((r, c)) = want {
            assert_eq!(
                parse_cell_ref(&cell_ref(r, c)),
                want,
                "round trip of {text}"
            );
        }
    }
    assert_eq!(cell_ref(0, 25), "Z1");
    assert_eq!(cell_ref(4, 26), "AA5");
}

/// Loads `doc`, which must be refused with a problem at exactly `path` whose message contains
/// `says` (case-insensitive); otherwise says what happened instead.
fn check(doc: &Json, path: &str, says: &str) -> Result<(), String> {
    let problems = match load_template(&doc.to_string()) {
        Ok(_) => return Err("the broken template was accepted".to_string()),
        Err(e) => e.0,
    };
    let found = problems
        .iter()
        .any(|p| p.path == path && p.message.to_lowercase().contains(&says.to_lowercase()));
    if found {
        Ok(())
    } else {
        Err(format!(
            "wanted a problem at {path:?} saying {says:?}; got: {}",
            problems
                .iter()
                .map(|p| format!("[{p}]"))
                .collect::<Vec<_>>()
                .join(" ")
        ))
    }
}

/// A wrong value is one problem at its own path, not also a list of "unexpected" properties.
#[test]
fn a_bad_value_is_reported_once() {
    let doc = set("/sections/1/items/2/level", json!("Must"));
    let problems = load_template(&doc.to_string()).expect_err("refused").0;
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        ["/sections/1/items/2/level: \"Must\" is not one of \"MUST\", \"SHOULD\" or 3 other candidates"]
    );
}

#[test]
fn the_base_of_the_broken_cases_loads() {
    let t = load_template(&base().to_string()).unwrap_or_else(|e| panic!("{:#?}", e.0));
    assert_eq!(t.items().count(), 8);
}

#[test]
fn broken_templates_are_refused_at_the_path_of_the_problem() {
    let cases: Vec<(&str, Json, &str, &str)> = vec![
        (
            "section condition naming a later item",
            set(
                "/sections/0/visible_when",
                json!({"item": "R-1", "equals": "Yes"}),
            ),
            "/sections/0/visible_when/item",
            "not an item of an earlier section",
        ),
        (
            "unknown item type",
            set("/sections/0/items/0/type", json!("dropdown")),
            "/sections/0/items/0/type",
            "dropdown",
        ),
        (
            "item without an id",
            remove("/sections/0/items/0/id"),
            "/sections/0/items/0",
            "\"id\" is a required property",
        ),
        (
            "section without an id",
            remove("/sections/1/id"),
            "/sections/1",
            "\"id\" is a required property",
        ),
        (
            "template without a version",
            remove("/version"),
            "",
            "\"version\" is a required property",
        ),
        (
            "item id used twice in a section",
            set("/sections/0/items/1/id", json!("name")),
            "/sections/0/items/1/id",
            "used more than once",
        ),
        (
            "item id used again in a later section",
            set("/sections/1/items/0/id", json!("hscn")),
            "/sections/1/items/0/id",
            "\"hscn\" is used more than once",
        ),
        (
            "section id used twice",
            set("/sections/1/id", json!("org")),
            "/sections/1/id",
            "used more than once",
        ),
        (
            "an option that is the placeholder",
            set(
                "/sections/0/items/1/options/0",
                json!("Please select\u{2026}"),
            ),
            "/sections/0/items/1/options/0",
            "placeholder",
        ),
        (
            "a requirement response that is a placeholder",
            set(
                "/sections/1/items/2/options",
                json!(["Yes", "[please state]"]),
            ),
            "/sections/1/items/2/options/1",
            "placeholder",
        ),
        (
            "an option listed twice, differing in case",
            set("/sections/0/items/1/options", json!(["Central", "central"])),
            "/sections/0/items/1/options/1",
            "listed twice",
        ),
        (
            "a condition naming a later item",
            set(
                "/sections/0/items/0/visible_when",
                json!({"item": "hscn", "equals": "Yes"}),
            ),
            "/sections/0/items/0/visible_when/item",
            "not an item before this one",
        ),
        (
            "a condition naming an unknown item",
            set("/sections/0/items/3/visible_when/item", json!("hscm")),
            "/sections/0/items/3/visible_when/item",
            "\"hscm\"",
        ),
        (
            "a condition with nothing to compare",
            set("/sections/0/items/3/visible_when", json!({"item": "hscn"})),
            "/sections/0/items/3/visible_when",
            "",
        ),
        (
            "a version that is not semantic",
            set("/version", json!("1.0")),
            "/version",
            "1.0",
        ),
        (
            "a version with a leading v",
            set("/version", json!("v1.0.0")),
            "/version",
            "v1.0.0",
        ),
        (
            "a misspelt item property",
            set("/sections/0/items/1/optoins", json!(["A"])),
            "/sections/0/items/1",
            "optoins",
        ),
        (
            "a misspelt section property",
            set("/sections/1/has_staus", json!(true)),
            "/sections/1",
            "has_staus",
        ),
        (
            "a misspelt template property",
            set("/titel", json!("x")),
            "",
            "titel",
        ),
        (
            "a property of another item type",
            set("/sections/0/items/0/rule", json!("not_future")),
            "/sections/0/items/0",
            "rule",
        ),
        (
            "a wrong level",
            set("/sections/1/items/2/level", json!("Must")),
            "/sections/1/items/2/level",
            "Must",
        ),
        (
            "a requirement without a level",
            remove("/sections/1/items/2/level"),
            "/sections/1/items/2",
            "\"level\" is a required property",
        ),
        (
            "a wrong assessment",
            set("/sections/1/items/2/assessment", json!("witnessed")),
            "/sections/1/items/2/assessment",
            "witnessed",
        ),
        (
            "a choice without options",
            remove("/sections/0/items/1/options"),
            "/sections/0/items/1",
            "\"options\" is a required property",
        ),
        (
            "a choice with no options at all",
            set("/sections/0/items/1/options", json!([])),
            "/sections/0/items/1/options",
            "",
        ),
        (
            "an unknown date rule",
            set("/sections/0/items/3/rule", json!("within_a_year")),
            "/sections/0/items/3/rule",
            "within_a_year",
        ),
        (
            "an unknown column field",
            set("/sections/1/columns/0/field", json!("ref")),
            "/sections/1/columns/0/field",
            "ref",
        ),
        (
            "an unknown section kind",
            set("/sections/1/kind", json!("tab")),
            "/sections/1/kind",
            "tab",
        ),
        (
            "an id with a space",
            set("/sections/0/items/0/id", json!("supplier name")),
            "/sections/0/items/0/id",
            "supplier name",
        ),
        (
            "a flag that is not a boolean",
            set("/sections/0/items/0/required", json!("yes")),
            "/sections/0/items/0/required",
            "boolean",
        ),
        (
            "an empty label",
            set("/sections/0/items/0/label", json!("")),
            "/sections/0/items/0/label",
            "",
        ),
        (
            "a workbook cell map naming an unknown item",
            with_source(|s| s["items"]["nmae"] = json!({"response": "C4"})),
            "/source/items/nmae",
            "no item \"nmae\"",
        ),
        (
            "a workbook cell map naming an unknown section",
            with_source(|s| s["sections"]["svx"] = json!({"sheet": "Service"})),
            "/source/sections/svx",
            "no section \"svx\"",
        ),
        (
            "a cell that is not a cell reference",
            with_source(|s| s["items"]["name"]["response"] = json!("C 4")),
            "/source/items/name/response",
            "C 4",
        ),
        (
            "a cell beyond Excel's last column",
            with_source(|s| s["items"]["name"]["comment"] = json!("XFE4")),
            "/source/items/name/comment",
            "not a cell reference",
        ),
        (
            "an option cell for an option the item does not offer",
            with_source(|s| s["items"]["hosting"]["options"][1]["option"] = json!("Remote")),
            "/source/items/hosting/options/1/option",
            "\"Remote\" is not an option",
        ),
        (
            "option cells on an item that is not a choice",
            with_source(|s| {
                s["items"]["name"]["options"] = json!([{"option": "A", "cell": "D1"}]);
            }),
            "/source/items/name/options",
            "cannot have a cell per option",
        ),
        (
            "a Status cell on a section without a status",
            with_source(|s| s["sections"]["org"]["status"] = json!("B3")),
            "/source/sections/org/status",
            "no has_status",
        ),
        (
            "a workbook hash that is not SHA-256",
            with_source(|s| s["sha256"] = json!("abc")),
            "/source/sha256",
            "abc",
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, doc, path, says)| {
            check(doc, path, says).err().map(|e| format!("{name}: {e}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_template_saved_with_a_byte_order_mark_loads() {
    let json = scal_core::bundled_template_json(UEC).expect("bundled");
    let with_bom = format!("\u{FEFF}{json}");
    let loaded = load_template(&with_bom).expect("a leading byte-order mark is skipped");
    assert_eq!(loaded, bundled(UEC));
    // Only at the start: anywhere else it is not JSON.
    let inside = json.replacen('{', "{\u{FEFF}", 1);
    assert!(load_template(&inside).is_err());
}
