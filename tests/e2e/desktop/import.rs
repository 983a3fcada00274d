//! Working from the workbook NHS England sends, in the real window: import it (the summary of
//! what was found and left out), create a draft that keeps it, answer, export with the workbook
//! filled in, and upgrade the draft to a newer issue of the workbook.

use std::path::Path;

use rust_xlsxwriter::{DataValidation, Workbook};
use serde_json::json;

use super::driver::{App, Display, Env};
use super::*;

/// One requirement row of the fixture's service tab.
struct Row {
    id: &'static str,
    item: &'static str,
    detail: &'static str,
    level: &'static str,
}

const V1: &[Row] = &[
    Row {
        id: "NL-001",
        item: "Authenticate with NHS login",
        detail: "Users sign in with NHS login using OpenID Connect.",
        level: "MUST",
    },
    Row {
        id: "NL-002",
        item: "Request the vectors of trust",
        detail: "The client asks for P9.Cp.Cd or a higher level of proof.",
        level: "MUST",
    },
    Row {
        id: "NL-003",
        item: "Show the NHS login button",
        detail: "The sign-in button follows the NHS login brand guidelines.",
        level: "SHOULD",
    },
];

/// The next issue of the workbook: NL-001 reworded, NL-003 withdrawn, NL-004 new.
const V2: &[Row] = &[
    Row {
        id: "NL-001",
        item: "Authenticate with NHS login",
        detail: "Users sign in with NHS login using OpenID Connect, and the session ends when they sign out of NHS login.",
        level: "MUST",
    },
    Row {
        id: "NL-002",
        item: "Request the vectors of trust",
        detail: "The client asks for P9.Cp.Cd or a higher level of proof.",
        level: "MUST",
    },
    Row {
        id: "NL-004",
        item: "Handle a declined consent",
        detail: "When the user declines to share their details the service explains what it cannot do without them.",
        level: "MUST",
    },
];

/// A small workbook laid out as the NHS one (layout A): a guidance tab, the supplier and
/// product form, a service tab with its Status, an evidence slot and a requirements table with
/// dropdowns, and a hidden document-management tab.
fn nhs_style_workbook(path: &Path, rows: &[Row]) {
    let mut wb = Workbook::new();
    let guidance = wb.add_worksheet().set_name("Guidance & Process").unwrap();
    guidance
        .write(0, 0, "How to complete this SCAL")
        .unwrap()
        .write(
            2,
            0,
            "Complete every tab in order; your NHS England contact reviews it.",
        )
        .unwrap();

    let form = wb
        .add_worksheet()
        .set_name("Supplier & Product information")
        .unwrap();
    form.write(0, 0, "Supplier & Product information").unwrap();
    for (c, h) in ["Question", "Guidance", "Response"].iter().enumerate() {
        form.write(2, c as u16, *h).unwrap();
    }
    let questions = [
        (
            "Supplier organisation name",
            "As registered at Companies House",
        ),
        ("Product name", "As printed on the certificate"),
        ("Product version", "The version assured"),
        ("Is the product a medical device?", "Under the UK MDR 2002"),
    ];
    for (i, (q, g)) in questions.iter().enumerate() {
        let r = 3 + i as u32;
        form.write(r, 0, *q).unwrap().write(r, 1, *g).unwrap();
    }
    let yes_no = DataValidation::new()
        .allow_list_strings(&["Please select...", "Yes", "No"])
        .unwrap();
    form.add_data_validation(6, 2, 6, 2, &yes_no).unwrap();

    let service = wb.add_worksheet().set_name("NHS Login").unwrap();
    service.write(0, 0, "NHS Login").unwrap();
    service.write(2, 0, "Status").unwrap();
    let status = DataValidation::new()
        .allow_list_strings(&["Please select...", "In Progress", "Complete"])
        .unwrap();
    service.add_data_validation(2, 1, 2, 1, &status).unwrap();
    service.write(4, 0, "Technical Conformance Report").unwrap();
    let headers = [
        "Category/Requirement",
        "Item",
        "Detail",
        "How requirement will be assessed",
        "Type",
        "Actioned By",
        "Compliant",
        "Additional notes",
    ];
    for (c, h) in headers.iter().enumerate() {
        service.write(6, c as u16, *h).unwrap();
    }
    for (i, row) in rows.iter().enumerate() {
        let r = 7 + i as u32;
        for (c, v) in [
            row.id,
            row.item,
            row.detail,
            "Supplier declared",
            row.level,
            "Supplier",
        ]
        .iter()
        .enumerate()
        {
            service.write(r, c as u16, *v).unwrap();
        }
    }
    let compliant = DataValidation::new()
        .allow_list_strings(&["Please select...", "Yes", "No", "Out of Scope"])
        .unwrap();
    let last = 7 + rows.len() as u32 - 1;
    service
        .add_data_validation(7, 6, last, 6, &compliant)
        .unwrap();

    let log = wb.add_worksheet().set_name("Document Management").unwrap();
    log.write(0, 0, "Version history")
        .unwrap()
        .write(1, 0, "2.0")
        .unwrap();
    log.set_hidden(true);
    wb.save(path).unwrap();
}

/// Every string in a workbook's sheets and shared strings, as raw XML text: enough to see that
/// an answer is in the file.
fn workbook_text(path: &Path) -> String {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if name.starts_with("xl/worksheets/") || name == "xl/sharedStrings.xml" {
            entry.read_to_string(&mut all).unwrap();
        }
    }
    all
}

fn answer(id: &str) -> String {
    tid(&format!("answer-{id}"))
}

#[test]
fn desktop_import_a_workbook_fill_it_and_upgrade_to_its_next_issue() {
    let _one = one_window();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("app-data");
    let dialogs = tmp.path().join("dialogs.txt");
    let workbook = tmp.path().join("SCAL NHS Login.xlsx");
    nhs_style_workbook(&workbook, V1);
    let next_issue = tmp.path().join("SCAL NHS Login v2.xlsx");
    nhs_style_workbook(&next_issue, V2);
    let draft = tmp.path().join("Northwind NHS Login.scal");
    let out = tmp.path().join("export");
    std::fs::create_dir_all(&out).unwrap();
    let display = Display::start();
    let env = Env {
        display: &display,
        data_dir: &data,
        dialogs: &dialogs,
    };
    let app = App::launch(&env);

    // --- Import: the summary names the sections, the items by kind, and what was left out.
    answer_dialogs(&dialogs, &[&workbook]);
    app.click(&tid("import-workbook"));
    app.wait_for_text(&tid("import-summary"), "SCAL NHS Login.xlsx");
    let sections = app.text(&tid("import-sections"));
    assert!(
        sections.contains("Supplier & Product information") && sections.contains("NHS Login"),
        "both tabs with questions are sections: {sections}"
    );
    // Each count sits beside its kind; read it as a line of words.
    let kinds = app
        .text(&tid("import-kinds"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        kinds.contains("Requirement rows 3"),
        "three requirement rows: {kinds}"
    );
    let skipped = app.text(&tid("import-skipped"));
    assert!(
        skipped.contains("Guidance & Process") && skipped.contains("nothing to answer"),
        "the guidance tab is left out, with why: {skipped}"
    );
    assert!(
        skipped.contains("Document Management") && skipped.contains("hidden"),
        "the hidden tab is left out, with why: {skipped}"
    );
    app.screenshot(&image("app-import.png"));
    // The template named as NHS England numbers it, before the draft is made.
    app.type_into(&tid("import-version"), "3.1.0");
    app.click(&tid("import-rename"));
    app.wait_for_text(&tid("import-summary"), "version 3.1.0");
    // Hidden sheets can be imported too: this one is then judged on what it holds. The name
    // just given stays.
    app.click(&tid("import-hidden"));
    app.wait_for_text(&tid("import-skipped"), "history of the template");
    app.click(&tid("import-hidden"));
    app.wait_for_text(&tid("import-skipped"), "hidden");
    app.wait_for_text(&tid("import-summary"), "version 3.1.0");

    // --- A draft from it keeps the workbook.
    answer_dialogs(&dialogs, &[&draft]);
    app.click(&tid("create-from-import"));
    app.find(&tid("draft-title"));
    assert!(
        draft.is_file(),
        "the draft was created where the dialog said"
    );
    app.click(&tid("nav-supplier-product-information"));
    app.type_into(
        &answer("supplier-product-information.supplier-organisation-name"),
        "Northwind Health Systems Ltd",
    );
    app.wait_saved();
    app.click(&tid("nav-nhs-login"));
    app.choose(&answer("nhs-login.nl-001"), "Yes");
    app.wait_saved();
    app.choose(&answer("nhs-login.nl-002"), "No");
    app.wait_saved();
    app.type_into(
        &tid("comment-nhs-login.nl-002"),
        "P9 from release 3.1; P5 with a face-to-face check until then.",
    );
    app.wait_saved();
    app.choose(&answer("nhs-login.nl-003"), "Yes");
    app.wait_saved();
    app.click(&tid("tab-versions"));
    app.wait_for_text(&tid("versions"), "SCAL NHS Login.xlsx");
    assert_eq!(
        app.text(&tid("template-version")),
        "3.1.0",
        "the draft's template has the version given at import"
    );

    // --- Export: the pack, and the NHS workbook filled in with the answers.
    app.click(&tid("tab-export"));
    app.wait_for_text(&tid("export-workbook-note"), "SCAL NHS Login.xlsx");
    answer_dialogs(&dialogs, &[&out]);
    app.click(&tid("choose-folder"));
    app.wait_for_text(&tid("export-folder"), &out.display().to_string());
    app.click(&tid("export"));
    app.wait_for_text(&tid("verification"), "Verified");
    app.wait_for_text(&tid("export-result"), "filled");
    let filled = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with("-filled.xlsx"))
        });
    let filled = filled.unwrap_or_else(|| {
        panic!(
            "the filled NHS workbook is in the export folder: {:?}",
            std::fs::read_dir(&out).unwrap().collect::<Vec<_>>()
        )
    });
    assert!(
        filled.extension().is_some_and(|e| e == "xlsx"),
        "the filled workbook is an xlsx: {}",
        filled.display()
    );
    let pack = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "zip"))
        .expect("the pack is in the export folder");
    let mut pack = zip::ZipArchive::new(std::fs::File::open(&pack).unwrap()).unwrap();
    let names: Vec<String> = (0..pack.len())
        .map(|i| {
            pack.by_index(i)
                .unwrap()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        })
        .collect();
    assert!(
        names.iter().any(|n| n.ends_with("-filled.xlsx")),
        "the pack carries the filled workbook: {names:?}"
    );
    let text = workbook_text(&filled);
    for answer in [
        "Northwind Health Systems Ltd",
        "P9 from release 3.1; P5 with a face-to-face check until then.",
        "How to complete this SCAL",
    ] {
        assert!(
            text.contains(answer),
            "the filled workbook holds \"{answer}\" (answers written, the rest kept)"
        );
    }

    // --- Upgrade to the next issue of the workbook: NL-001 reworded, NL-003 withdrawn
    // (its answer archived), NL-004 new.
    app.click(&tid("tab-versions"));
    answer_dialogs(&dialogs, &[&next_issue]);
    app.click(&tid("upgrade-check-workbook"));
    app.wait_for_text(&tid("upgrade-group-carried_reworded"), "NL-001");
    app.wait_for_text(&tid("upgrade-group-removed"), "NL-003");
    app.wait_for_text(&tid("upgrade-group-new"), "NL-004");
    app.click(&tid("upgrade-apply"));
    app.wait_for_text(&tid("upgrade-applied"), "What the upgrade did");
    app.wait_for_text(&tid("archived-nhs-login.nl-003"), "Yes");
    app.wait_for_text(&tid("versions"), "SCAL NHS Login v2.xlsx");
    app.click(&tid("tab-answer"));
    app.click(&tid("nav-nhs-login"));
    app.find(&tid("reconfirm-nhs-login.nl-001"));
    assert_eq!(
        app.value(&answer("nhs-login.nl-002")),
        "No",
        "an unchanged row keeps its answer"
    );
    assert_eq!(
        app.value(&tid("comment-nhs-login.nl-002")),
        "P9 from release 3.1; P5 with a face-to-face check until then."
    );
    assert!(
        app.exists(&answer("nhs-login.nl-004")),
        "the new row is asked: {}",
        app.script("return document.body.innerText.slice(0, 800)", json!([]))
    );
    drop(app);
}
