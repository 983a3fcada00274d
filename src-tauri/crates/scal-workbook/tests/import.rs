//! Importing workbooks: what a person sees in the template and the summary, on fixtures the
//! tests generate (in two layouts holding the same questions), on bad and hostile files, and on
//! the real NHS workbook when it is present.

// Helpers are test code as much as the #[test] functions are: a panic is a failing test with
// its location, which is what a helper should give.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test by panicking"
)]

use std::collections::BTreeMap;
use std::io::Write as _;

use crate::common::{workbook, workbook_edited, Style};
use scal_core::template::{Assessment, ItemCells};
use scal_core::{ItemKind, Level, SectionKind, Template};
use scal_workbook::{import_bytes, import_bytes_with, ImportOptions, Imported};

fn import(style: Style) -> Imported {
    import_bytes(&workbook(style), "SCAL_fixture_v2.1.xlsx")
        .unwrap_or_else(|e| panic!("the {style:?} fixture imports: {e}"))
}

fn cells<'t>(t: &'t Template, id: &str) -> &'t ItemCells {
    t.source
        .as_ref()
        .and_then(|s| s.items.get(id))
        .unwrap_or_else(|| panic!("item {id} has cells"))
}

fn item<'t>(t: &'t Template, id: &str) -> &'t scal_core::Item {
    t.item(id).map(|(_, i)| i).unwrap_or_else(|| {
        panic!(
            "no item {id}; items: {:?}",
            t.items().map(|(_, i)| &i.id).collect::<Vec<_>>()
        )
    })
}

#[test]
fn the_standard_fixture_imports_as_the_scal_it_is() {
    let imported = import(Style::Standard);
    let t = &imported.template;
    let ids: Vec<&str> = t.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "supplier-product-information",
            "architecture",
            "nhs-login",
            "e-rs-provider-requirements",
            "gpc-appointment-mgmt-v1-2"
        ],
        "the sections, in workbook order"
    );
    let kinds: Vec<SectionKind> = t.sections.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            SectionKind::Form,
            SectionKind::Guidance,
            SectionKind::Service,
            SectionKind::Service,
            SectionKind::Service
        ]
    );
    let shared: Vec<bool> = t.sections.iter().map(|s| s.shared).collect();
    assert_eq!(
        shared,
        [true, false, false, false, false],
        "the form is asked again in every SCAL"
    );
    // The template names itself after the file and passes the same checks as any other.
    assert_eq!(t.id, "scal-fixture-v2-1");
    assert_eq!(t.version, "2.1.0");
    assert_eq!(t.placeholder, "Please Select\u{2026}");
    let reloaded = scal_core::load_template(&imported.json).expect("the JSON written loads");
    assert_eq!(&reloaded, t);
    let source = t.source.as_ref().expect("the workbook is recorded");
    assert_eq!(source.file_name, "SCAL_fixture_v2.1.xlsx");
    assert_eq!(source.sha256, imported.summary.sha256);
    assert_eq!(source.sections["nhs-login"].sheet, "NHS Login");

    // Every tab left out is listed, with why.
    let skipped: BTreeMap<&str, &str> = imported
        .summary
        .skipped
        .iter()
        .filter(|s| s.rows.is_none())
        .map(|s| (s.sheet.as_str(), s.reason.as_str()))
        .collect();
    assert!(
        skipped["Document History"].contains("hidden"),
        "{skipped:?}"
    );
    assert!(skipped["Lists"].contains("hidden"));
    assert!(skipped["IG, Security & Clinical Safety"].contains("hidden"));
    assert!(skipped["Guidance & Process"].contains("nothing to answer"));
}

#[test]
fn the_supplier_form_has_typed_fields_choices_over_option_rows_and_comments() {
    let t = import(Style::Standard).template;
    let form = "supplier-product-information";
    let kind = |id: &str| item(&t, &format!("{form}.{id}")).type_name();
    assert_eq!(kind("supplier-organisation-name"), "text");
    assert_eq!(kind("ods-code"), "ods_code");
    assert_eq!(kind("product-version"), "version");
    assert_eq!(
        cells(&t, &format!("{form}.supplier-organisation-name"))
            .response
            .as_deref(),
        Some("C4")
    );

    // Topology: one choice, one cell per option, "Other" with its own text cell.
    let topology = item(&t, &format!("{form}.end-point-configuration-topology"));
    match &topology.kind {
        ItemKind::Choice { options, other } => {
            assert_eq!(
                options,
                &[
                    "Centrally Hosted",
                    "Locally Hosted",
                    "Centrally Hosted Aggregator"
                ]
            );
            assert!(*other);
        }
        k => panic!("topology is a single choice, not {k:?}"),
    }
    let c = cells(&t, &topology.id);
    let option_cells: Vec<&str> = c.options.iter().map(|o| o.cell.as_str()).collect();
    assert_eq!(option_cells, ["D8", "D9", "D10"]);
    assert_eq!(c.other.as_deref(), Some("D11"));
    assert_eq!(
        (c.mark.as_deref(), c.unmark.as_deref()),
        (Some("Yes"), Some("No"))
    );

    // Care settings: several may be chosen, as the guidance says.
    let care = item(&t, &format!("{form}.care-setting-usage"));
    assert!(
        matches!(&care.kind, ItemKind::MultiChoice { options, other: true } if options.len() == 4)
    );

    // HSCN: a yes/no, and its agreement date from the row below.
    assert_eq!(kind("hscn-connection-agreement"), "yes_no");
    let date = item(
        &t,
        &format!("{form}.insert-date-of-hscn-connection-agreement"),
    );
    assert_eq!(date.type_name(), "date");
    assert_eq!(cells(&t, &date.id).response.as_deref(), Some("D13"));

    // Under "Comments ONLY IF RESPONSE IS 'NO'", a No needs a comment, written in column D.
    let isms = item(
        &t,
        &format!("{form}.information-security-management-system-isms"),
    );
    assert!(matches!(
        isms.kind,
        ItemKind::YesNo {
            comment_when_no: true
        }
    ));
    assert_eq!(cells(&t, &isms.id).comment.as_deref(), Some("D20"));

    // Two questions under one label, named by their own short labels.
    assert_eq!(kind("name"), "text");
    assert_eq!(kind("email-address"), "email");
    assert_eq!(
        cells(&t, &format!("{form}.email-address"))
            .response
            .as_deref(),
        Some("C22")
    );

    // The services grid: tick-only dropdowns are multi-select.
    let gpc = item(&t, &format!("{form}.gp-connect"));
    assert!(
        matches!(&gpc.kind, ItemKind::MultiChoice { options, other: false } if options == &["HTML", "Appointment Management", "Structured"])
    );
    assert_eq!(
        cells(&t, &gpc.id).unmark,
        None,
        "a tick-only list has no 'No' to write"
    );

    // "Indicate whether" over Yes/No option rows: a question per row, not a choice of one.
    for (id, cell) in [
        ("data-access-approval-for-pds-and-scr-only-pds", "D28"),
        ("data-access-approval-for-pds-and-scr-only-scr", "D29"),
    ] {
        let q = item(&t, &format!("{form}.{id}"));
        assert_eq!(q.type_name(), "yes_no", "{id}");
        assert!(
            q.label
                .starts_with("Data Access Approval for PDS and SCR only: "),
            "{}",
            q.label
        );
        assert_eq!(cells(&t, &q.id).response.as_deref(), Some(cell), "{id}");
    }
    assert!(t
        .section(form)
        .expect("the form")
        .items
        .iter()
        .all(|i| i.id != format!("{form}.data-access-approval-for-pds-and-scr-only")));

    // Headings are guidance, not questions.
    for id in ["ig-security", "nhs-digital-services-apis-required"] {
        assert!(
            matches!(
                item(&t, &format!("{form}.{id}")).kind,
                ItemKind::Guidance { heading: true, .. }
            ),
            "{id}"
        );
    }
}

#[test]
fn service_tabs_have_status_slots_declarations_and_requirements() {
    let imported = import(Style::Standard);
    let t = &imported.template;
    let source = t.source.as_ref().expect("a cell map");
    let login = t.section("nhs-login").expect("NHS Login");
    assert!(login.has_status);
    assert_eq!(source.sections["nhs-login"].status.as_deref(), Some("B3"));

    let slots: Vec<(&str, Option<&str>)> = login
        .items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::EvidenceSlot))
        .map(|i| (i.label.as_str(), cells(t, &i.id).evidence.as_deref()))
        .collect();
    assert_eq!(
        slots,
        [
            ("Technical Conformance Report", Some("A6")),
            ("Technical Conformance Certificate", Some("D5"))
        ],
        "each slot's reference goes in an empty cell beside it, never over the workbook's text"
    );

    let declarations: Vec<&scal_core::Item> = login
        .items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Declaration { .. }))
        .collect();
    assert_eq!(declarations.len(), 5);
    assert_eq!(
        declarations[4].label, "Clinical Safety",
        "a label merged down names both rows"
    );
    assert_eq!(
        declarations[0].options(),
        ["Yes", "No"],
        "' No' in the list is trimmed"
    );
    assert_eq!(cells(t, &declarations[0].id).comment.as_deref(), Some("D8"));

    // Layout A: IDs where the row has one, generated ids where not, levels in any case.
    let req = |id: &str| {
        item(t, &format!("nhs-login.{id}"))
            .requirement()
            .expect("a requirement")
            .clone()
    };
    let data_set = req("data-set");
    assert_eq!(data_set.reference, None);
    assert_eq!(data_set.category, "NHS Login Req");
    assert_eq!(data_set.level, Level::Must);
    assert_eq!(
        data_set.options,
        ["Yes", "No", "Out of Scope"],
        "from a defined name"
    );
    assert_eq!(
        req("external-interface-specification").assessment,
        Assessment::SupplierStatement
    );
    let uec = req("uec-book-01");
    assert_eq!(uec.reference.as_deref(), Some("UEC-BOOK-01"));
    assert_eq!(
        (uec.level, uec.assessment),
        (Level::Should, Assessment::Evidence)
    );
    assert_eq!(
        req("end-to-end-test").assessment,
        Assessment::ConformanceReport
    );
    assert_eq!(req("r1-2").level, Level::May);
    assert_eq!(cells(t, "nhs-login.r1-2").response.as_deref(), Some("G21"));
    assert_eq!(cells(t, "nhs-login.r1-2").comment.as_deref(), Some("H21"));
    assert!(matches!(
        item(t, "nhs-login.static-validation").kind,
        ItemKind::Guidance { heading: true, .. }
    ));

    // Layout B: endpoint headings, GUIDANCE rows, IDs in "Category / Requirement".
    let ers = t.section("e-rs-provider-requirements").expect("e-RS");
    let shape: Vec<(&str, &str)> = ers
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.type_name()))
        .collect();
    assert_eq!(
        shape,
        [
            (
                "e-rs-provider-requirements.a001-create-professional-session-post",
                "guidance"
            ),
            (
                "e-rs-provider-requirements.guidance-a001-create-professional-session-post",
                "guidance"
            ),
            ("e-rs-provider-requirements.a001-01", "requirement"),
            ("e-rs-provider-requirements.a001-02", "requirement"),
            (
                "e-rs-provider-requirements.a028-retrieve-advice-get",
                "guidance"
            ),
            (
                "e-rs-provider-requirements.guidance-a028-retrieve-advice-get",
                "guidance"
            ),
            ("e-rs-provider-requirements.a028-01", "requirement"),
        ]
    );
    let a001 = item(t, "e-rs-provider-requirements.a001-01");
    assert_eq!(
        a001.requirement().map(|r| r.category.as_str()),
        Some("A001: Create Professional Session (POST)")
    );
    assert_eq!(a001.requirement().map(|r| r.level), Some(Level::Action));
    assert_eq!(a001.options(), ["Yes", "No"]);
    assert!(item(
        t,
        "e-rs-provider-requirements.guidance-a001-create-professional-session-post"
    )
    .text
    .starts_with("The Create Professional Session API"));

    // Layout C: test cases, evidence expected, a list read from cells on the same sheet, which
    // are not themselves content.
    let gpc = t.section("gpc-appointment-mgmt-v1-2").expect("GP Connect");
    let sfs = item(t, "gpc-appointment-mgmt-v1-2.gpc-sfs-02")
        .requirement()
        .expect("a requirement")
        .clone();
    assert_eq!(sfs.test_cases, ["GPC-SFS-25", "GPC-SFS-26"]);
    assert_eq!(sfs.assessment, Assessment::Evidence);
    assert_eq!(sfs.options, ["Yes", "No"]);
    let pds = item(t, "gpc-appointment-mgmt-v1-2.msca-pds-03a")
        .requirement()
        .expect("a requirement")
        .clone();
    assert!(pds.test_cases.is_empty(), "N/A is not a test case");
    assert!(item(t, "gpc-appointment-mgmt-v1-2.msca-pds-03a")
        .guidance
        .contains("Assurance by End User: TBC"));
    assert!(!gpc
        .items
        .iter()
        .any(|i| i.label == "Yes" || i.label == "No" || i.label.starts_with("Please")));
    assert!(gpc.columns.iter().any(|c| c.header == "NHS Digital Review"));

    // The summary counts what a person would count.
    let summary = &imported.summary;
    let login_summary = summary
        .sections
        .iter()
        .find(|s| s.id == "nhs-login")
        .expect("a summary");
    assert_eq!(login_summary.requirements, 5);
    assert_eq!(login_summary.requirements_without_id, 3);
    assert_eq!(login_summary.items_by_type["declaration"], 5);
    assert_eq!(login_summary.items_by_type["evidence_slot"], 2);
    assert_eq!(summary.requirements(), 5 + 3 + 2);
}

/// What a person answering sees of an item, independent of where it sits in the workbook: id,
/// type, label (any case), options, requirement ID and level.
type Shape = (
    String,
    String,
    String,
    Vec<String>,
    Option<String>,
    Option<Level>,
);

fn shape(t: &Template) -> Vec<Shape> {
    t.items()
        .map(|(_, i)| {
            (
                i.id.clone(),
                i.type_name().to_string(),
                i.label.to_lowercase(),
                i.options(),
                i.requirement().and_then(|r| r.reference.clone()),
                i.requirement().map(|r| r.level),
            )
        })
        .collect()
}

#[test]
fn the_same_questions_laid_out_differently_import_to_the_same_items() {
    let standard = import(Style::Standard).template;
    let moved = import(Style::Moved).template;
    let (a, b) = (shape(&standard), shape(&moved));
    let differ: Vec<String> = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x != y)
        .map(|(x, y)| format!("{x:?}\n  vs {y:?}"))
        .collect();
    assert!(
        differ.is_empty() && a.len() == b.len(),
        "{} vs {} items:\n{}",
        a.len(),
        b.len(),
        differ.join("\n")
    );
    // And they really were laid out differently: the answers go in other cells.
    let (sa, sb) = (standard.source.expect("map"), moved.source.expect("map"));
    assert_ne!(sa.items["nhs-login.r1-2"], sb.items["nhs-login.r1-2"]);
    assert_eq!(
        sb.items["nhs-login.r1-2"].evidence.as_deref(),
        Some("F21"),
        "an Evidence column is used"
    );
    assert_eq!(sb.sections["nhs-login"].status.as_deref(), Some("C3"));
    assert_eq!(
        sb.items["supplier-product-information.ods-code"]
            .response
            .as_deref(),
        Some("D8")
    );
}

#[test]
fn generated_ids_of_rows_without_an_id_survive_a_new_version_of_the_workbook() {
    let before = import(Style::Standard).template;
    let after = import_bytes(&workbook_edited(), "SCAL_fixture_v2.2.xlsx")
        .expect("the edited fixture imports")
        .template;
    let ids = |t: &Template| -> Vec<String> {
        t.section("nhs-login")
            .expect("NHS Login")
            .items
            .iter()
            .map(|i| i.id.clone())
            .collect()
    };
    let (old, new) = (ids(&before), ids(&after));
    for id in &old {
        assert!(
            new.contains(id),
            "{id} was lost when a row was added above it and another's text changed: {new:?}"
        );
    }
    assert_eq!(new.len(), old.len() + 1);
    assert!(new.contains(&"nhs-login.consent".to_string()));
    // Its cells moved down a row with it.
    let cell = |t: &Template| {
        t.source
            .as_ref()
            .and_then(|s| s.items["nhs-login.data-set"].response.clone())
    };
    assert_eq!(
        (cell(&before).as_deref(), cell(&after).as_deref()),
        (Some("G16"), Some("G17"))
    );
}

#[test]
fn hidden_sheets_are_imported_and_marked_only_when_asked() {
    let options = ImportOptions {
        include_hidden: true,
        ..ImportOptions::default()
    };
    let imported =
        import_bytes_with(&workbook(Style::Standard), "fixture.xlsx", &options).expect("imports");
    let ig = imported
        .template
        .section("ig-security-clinical-safety")
        .expect("the hidden IG tab");
    assert_eq!(ig.items.len(), 1);
    let source = imported.template.source.as_ref().expect("map");
    assert!(source.sections["ig-security-clinical-safety"].hidden);
    assert!(!source.sections["nhs-login"].hidden);
    let summary = imported
        .summary
        .sections
        .iter()
        .find(|s| s.sheet == "IG, Security & Clinical Safety")
        .expect("listed");
    assert!(summary.hidden);
    // The list tab stays out even then: it holds the dropdowns' entries.
    assert!(imported
        .summary
        .skipped
        .iter()
        .any(|s| s.sheet == "Lists" && s.reason.contains("lists behind the dropdowns")));
}

/// The workbook with one sheet's data validations moved into the `x14` extension form (in
/// `extLst`), as Excel writes validations whose list lives on another sheet.
fn validations_as_x14(bytes: &[u8], part: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).expect("an entry");
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).expect("read");
        parts.push((e.name().expect("a name").to_string(), data));
    }
    let (_, sheet) = parts
        .iter_mut()
        .find(|(n, _)| n == part)
        .expect("the sheet");
    let xml = String::from_utf8(sheet.clone()).expect("UTF-8");
    let start = xml.find("<dataValidations").expect("classic validations");
    let end = xml.find("</dataValidations>").expect("closed") + "</dataValidations>".len();
    let mut x14 = String::new();
    let mut rest = &xml[start..end];
    let mut count = 0;
    while let Some(at) = rest.find("<dataValidation ") {
        let tag = &rest[at..];
        let sqref_at = tag.find("sqref=\"").expect("a sqref") + 7;
        let sqref = &tag[sqref_at..sqref_at + tag[sqref_at..].find('"').expect("quoted")];
        let f_at = tag.find("<formula1>").expect("a formula") + 10;
        let formula = &tag[f_at..f_at + tag[f_at..].find("</formula1>").expect("closed")];
        x14.push_str(&format!(
            "<x14:dataValidation type=\"list\" allowBlank=\"1\"><x14:formula1><xm:f>{formula}</xm:f></x14:formula1><xm:sqref>{sqref}</xm:sqref></x14:dataValidation>"
        ));
        count += 1;
        rest = &tag[f_at..];
    }
    let ext = format!(
        "<ext uri=\"{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}\" xmlns:x14=\"http://schemas.microsoft.com/office/spreadsheetml/2009/9/main\"><x14:dataValidations count=\"{count}\" xmlns:xm=\"http://schemas.microsoft.com/office/excel/2006/main\">{x14}</x14:dataValidations></ext>"
    );
    let mut out = format!("{}{}", &xml[..start], &xml[end..]);
    match out.find("<extLst>") {
        Some(at) => out.insert_str(at + "<extLst>".len(), &ext),
        None => {
            let at = out.rfind("</worksheet>").expect("closed");
            out.insert_str(at, &format!("<extLst>{ext}</extLst>"));
        }
    }
    *sheet = out.into_bytes();
    let refs: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    zip_of(&refs)
}

#[test]
fn dropdowns_in_the_x14_extension_form_give_the_same_responses() {
    let standard = import(Style::Standard).template;
    let moved = validations_as_x14(&workbook(Style::Standard), "xl/worksheets/sheet7.xml");
    let x14 = import_bytes(&moved, "SCAL_fixture_v2.1.xlsx")
        .expect("imports")
        .template;
    let section = |t: &Template| -> Vec<(String, Vec<String>)> {
        t.section("nhs-login")
            .expect("NHS Login")
            .items
            .iter()
            .map(|i| (i.id.clone(), i.options()))
            .collect()
    };
    assert_eq!(section(&standard), section(&x14));
    let status = |t: &Template| {
        t.source
            .as_ref()
            .and_then(|s| s.sections["nhs-login"].status.clone())
    };
    assert_eq!(
        status(&x14).as_deref(),
        Some("B3"),
        "the Status dropdown is found in extLst too"
    );
}

/// A zip holding the given parts, deflated.
fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, bytes) in parts {
        out.start_file(*name, options).expect("start");
        out.write_all(bytes).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;
const ROOT_RELS: &[u8] = br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WB_RELS: &[u8] = br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
const WORKBOOK: &[u8] = br#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;

fn refused(bytes: &[u8], name: &str) -> String {
    match import_bytes(bytes, name) {
        Ok(_) => panic!("{name} was imported"),
        Err(e) => {
            let text = e.to_string();
            assert!(!text.contains('\n'), "one line: {text}");
            assert!(text.contains(name), "the message names the file: {text}");
            text
        }
    }
}

#[test]
fn files_that_are_not_workbooks_are_refused_with_one_sentence() {
    assert!(refused(b"", "empty.xlsx").contains("is empty"));
    assert!(refused(b"name,answer\nods,X26\n", "answers.csv").contains("not a zip package"));
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(4096, 0);
    assert!(
        refused(&ole, "old.xls").contains("old.xls is damaged: its OLE container cannot be read")
    );
    assert!(
        refused(b"PK\x03\x04 broken", "cut-short.xlsx").contains("zip structure cannot be read")
    );
    let not_office = zip_of(&[("readme.txt", b"hello")]);
    assert!(refused(&not_office, "archive.zip").contains("without the parts of an Office document"));
    let word = zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/document.xml", b"<w:document/>"),
    ]);
    assert!(refused(&word, "letter.docx").contains("no workbook part"));
}

#[test]
fn a_workbook_with_nothing_to_answer_is_refused_naming_what_was_skipped() {
    let mut blank = rust_xlsxwriter::Workbook::new();
    blank
        .add_worksheet()
        .write_string(0, 0, "Just a note")
        .expect("write");
    let bytes = blank.save_to_buffer().expect("saved");
    let text = refused(&bytes, "notes.xlsx");
    assert!(
        text.contains("no sheet recognised as a SCAL section"),
        "{text}"
    );
    assert!(text.contains("\"Sheet1\""), "{text}");
}

#[test]
fn hostile_packages_are_refused_before_they_cost_memory() {
    // A DTD with entities (billion laughs) in the workbook part.
    let laughs = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><workbook><sheets><sheet name="&lol1;" sheetId="1"/></sheets></workbook>"#;
    let bomb = zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", laughs),
    ]);
    assert!(refused(&bomb, "laughs.xlsx").contains("declares a DTD"));

    // A sheet that decompresses past the limit (a few hundred kilobytes of zip).
    let zeros = vec![b' '; (scal_workbook::MAX_PART_BYTES + 1) as usize];
    let big = zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WB_RELS),
        ("xl/worksheets/sheet1.xml", &zeros),
    ]);
    drop(zeros);
    assert!(
        big.len() < 2 * 1024 * 1024,
        "the bomb itself is small: {} bytes",
        big.len()
    );
    assert!(refused(&big, "bomb.xlsx").contains("too large to import"));

    // Not well-formed XML.
    let broken = zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", b"<workbook><sheets><sheet name=\"a\""),
    ]);
    let text = refused(&broken, "broken.xlsx");
    assert!(text.contains("is damaged: xl/workbook.xml"), "{text}");
}

#[test]
fn the_import_never_panics_on_damaged_bytes() {
    // Every single-byte truncation and a spread of flipped bytes of a real fixture: an error or
    // a template, never a panic.
    let good = workbook(Style::Standard);
    let step = (good.len() / 97).max(1);
    for cut in (0..good.len()).step_by(step) {
        let _ = import_bytes(&good[..cut], "cut.xlsx");
        let mut flipped = good.clone();
        flipped[cut] ^= 0x5A;
        let _ = import_bytes(&flipped, "flipped.xlsx");
    }
}

/// Whether calamine reads every sheet of the workbook.
fn calamine_reads(bytes: &[u8]) -> bool {
    use calamine::Reader as _;
    std::panic::catch_unwind(|| {
        let Ok(mut book) = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())) else {
            return false;
        };
        book.sheet_names()
            .iter()
            .all(|name| book.worksheet_range(name).is_ok())
    })
    .unwrap_or(false)
}

/// Sheets whose XML is mangled (spans cut, repeated, moved; the zip itself stays valid) are
/// imported or refused, and whatever imports is a template the loader accepts: the importer
/// never builds a template it would call a bug.
#[test]
fn mangled_sheet_xml_gives_a_loadable_template_or_a_sentence() {
    let good = workbook(Style::Standard);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&good)).expect("a zip");
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).expect("an entry");
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).expect("read");
        parts.push((e.name().expect("a name").to_string(), data));
    }
    let targets: Vec<usize> = parts
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| n.starts_with("xl/worksheets/sheet") || n == "xl/sharedStrings.xml")
        .map(|(i, _)| i)
        .collect();
    // A fixed linear congruential sequence: the same cases on every run.
    let mut seed: u64 = 0x5CA1_2026;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n.max(1)
    };
    let (mut imported, mut refused) = (0, 0);
    for _ in 0..300 {
        let mut case = parts.clone();
        let target = targets[next(targets.len())];
        let xml = &mut case[target].1;
        let a = next(xml.len());
        let len = 1 + next(64);
        let b = (a + len).min(xml.len());
        match next(3) {
            0 => {
                xml.drain(a..b);
            }
            1 => {
                let span: Vec<u8> = xml[a..b].to_vec();
                let at = next(xml.len());
                xml.splice(at..at, span);
            }
            _ => {
                let at = next(xml.len());
                xml.truncate(at.max(1));
            }
        }
        let refs: Vec<(&str, &[u8])> = case
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        match import_bytes(&zip_of(&refs), "mangled.xlsx") {
            Ok(i) => {
                scal_core::load_template(&i.json).expect("an imported template loads");
                imported += 1;
                // And it fills: every response cell given its first option or some text.
                let mut answers = scal_core::Answers::new();
                for (_, item) in i.template.items() {
                    let value = match item.options().first() {
                        Some(o) if !matches!(item.kind, ItemKind::MultiChoice { .. }) => o.clone(),
                        Some(o) => o.clone(),
                        None if item.is_answerable() => "2026-05-01".to_string(),
                        None => continue,
                    };
                    if let Ok(Some(v)) =
                        scal_core::answer::parse_input(&i.template, &item.id, &value)
                    {
                        answers.insert(
                            item.id.clone(),
                            scal_core::Answer {
                                value: Some(v),
                                comment: "c".into(),
                            },
                        );
                    }
                }
                let dir = tempfile::tempdir().expect("a folder");
                let input = scal_workbook::FillInput {
                    answers: &answers,
                    evidence: &[],
                    statuses: &BTreeMap::new(),
                };
                let bytes = zip_of(&refs);
                // A fill may refuse XML it cannot patch, in a sentence; what it writes, it has
                // read back, so a read-back failure would be a bug.
                match scal_workbook::fill(&bytes, &i.template, &input, &dir.path().join("f.xlsx")) {
                    Ok(_) => {}
                    Err(e @ scal_workbook::WorkbookError::ReadBack { .. }) => {
                        // Only a workbook the independent reader cannot read to begin with may
                        // fail its read-back.
                        assert!(!calamine_reads(&bytes), "{e}");
                    }
                    Err(e) => {
                        let text = e.to_string();
                        assert!(
                            !text.contains('\n') && text.contains("mangled.xlsx"),
                            "{text}"
                        );
                    }
                }
            }
            Err(e) => {
                let text = e.to_string();
                assert!(!text.contains("bug in scal"), "{text}");
                assert!(
                    !text.contains('\n') && text.contains("mangled.xlsx"),
                    "{text}"
                );
                refused += 1;
            }
        }
    }
    assert!(
        imported > 0 && refused > 0,
        "{imported} imported, {refused} refused"
    );
}

/// The real workbook NHS Digital published (v2.0, 2019), when this checkout sits beside it.
/// Nothing in the importer is tuned to it: the fixtures above are the proof; this shows the
/// same rules reading the real thing.
#[test]
fn the_reference_workbook_imports_with_every_service_tab_whole() {
    let Some(path) = crate::common::reference_file(
        "SCAL_vsn2.0.xlsx",
        "the_reference_workbook_imports_with_every_service_tab_whole",
    ) else {
        return;
    };
    let imported = scal_workbook::import_path(&path).expect("the reference workbook imports");
    let t = &imported.template;
    let services: Vec<&scal_core::Section> = t
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Service)
        .collect();
    assert!(services.len() >= 10, "{} service tabs", services.len());
    for s in &services {
        let count = |f: fn(&ItemKind) -> bool| s.items.iter().filter(|i| f(&i.kind)).count();
        assert!(
            count(|k| matches!(k, ItemKind::Requirement(_))) > 0,
            "{} has requirements",
            s.title
        );
    }
    let with_head = services.iter().filter(|s| {
        s.has_status
            && s.items
                .iter()
                .filter(|i| matches!(i.kind, ItemKind::EvidenceSlot))
                .count()
                == 2
            && s.items
                .iter()
                .filter(|i| matches!(i.kind, ItemKind::Declaration { .. }))
                .count()
                >= 5
    });
    assert!(
        with_head.count() >= 10,
        "most service tabs have status, two slots and the declarations"
    );
    let form = t
        .sections
        .iter()
        .find(|s| s.kind == SectionKind::Form)
        .expect("the supplier form");
    for wanted in ["ods_code", "version", "multi_choice", "yes_no", "email"] {
        assert!(
            form.items.iter().any(|i| i.type_name() == wanted),
            "the form has a {wanted}"
        );
    }
    assert!(imported
        .summary
        .skipped
        .iter()
        .any(|s| s.sheet == "Reqs Template"));
    assert!(imported.summary.requirements() > 200);
}
