//! Fixture workbooks, generated here with rust_xlsxwriter (never copied from an NHS file).
//!
//! One SCAL's content — a supplier and product form, an Architecture guidance tab, service tabs
//! in each of the three requirement layouts, a hidden history tab, a hidden list tab — is laid
//! out in two styles. `Style::Standard` looks like the workbook NHS England sends; `Style::Moved`
//! holds the same questions with everything the importer must not rely on changed: headers
//! reworded and reordered, blocks starting on other rows and columns, other dropdown sources
//! (inline lists, ranges on another sheet, defined names, a range on the same sheet, one
//! validation over many cells), headings merged or not. Importing both must give the same items.
//!
//! This file is also compiled into the CLI end-to-end tests (`tests/e2e/cli/workbook.rs`).

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test fixtures; each test binary uses a different part"
)]

use rust_xlsxwriter::{
    ConditionalFormatFormula, DataValidation, Format, Formula, Image, Note, Workbook, Worksheet,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Standard,
    Moved,
}

/// A requirement row of the fixture's service tabs.
#[derive(Clone, Copy)]
struct Req {
    id: Option<&'static str>,
    category: &'static str,
    label: &'static str,
    text: &'static str,
    how: &'static str,
    level: &'static str,
}

/// Layout A rows (NHS Login style): some without IDs, one heading between.
const LAYOUT_A: &[Req] = &[
    Req {
        id: None,
        category: "NHS Login Req",
        label: "Data Set",
        text: "Confirm the product uses only the data items listed for this service.",
        how: "Supplier declared",
        level: "MUST",
    },
    Req {
        id: None,
        category: "NHS Login Req",
        label: "External Interface Specification",
        text: "Have you implemented the OpenID Connect relying party role?",
        how: "Supplier Statement",
        level: "Must",
    },
    Req {
        id: Some("UEC-BOOK-01"),
        category: "",
        label: "Capability statement",
        text: "The consumer SHOULD read the provider's capability statement.",
        how: "Evidence\nplease complete tests specified",
        level: "Should",
    },
    Req {
        id: None,
        category: "Test 1",
        label: "End to End test",
        text: "Demonstrate the full end to end journey.",
        how: "Evidence\nPlease embed your Technical Conformance report above",
        level: "Must",
    },
    Req {
        id: Some("R1.2"),
        category: "",
        label: "Error handling",
        text: "Show common error scenarios to the user.",
        how: "Statement\nPlease provide a statement",
        level: "MAY",
    },
];

/// Layout B rows (e-RS style): grouped under endpoint headings, each with a GUIDANCE row.
const LAYOUT_B: &[(&str, &str, &[Req])] = &[
    (
        "A001: Create Professional Session (POST)",
        "GUIDANCE:\nThe Create Professional Session API creates a session.",
        &[
            Req {
                id: Some("A001-01"),
                category: "",
                label: "API Call: Create Professional Session",
                text: "An API call MUST be made to begin a session.",
                how: "",
                level: "Action",
            },
            Req {
                id: Some("A001-02"),
                category: "",
                label: "Failure Cases",
                text: "All failure cases must be presented to the user.",
                how: "",
                level: "Action",
            },
        ],
    ),
    (
        "A028: Retrieve Advice (GET)",
        "GUIDANCE: Advice is returned as a document.",
        &[Req {
            id: Some("A028-01"),
            category: "",
            label: "Failure Cases",
            text: "All failure cases must be presented to the user.",
            how: "",
            level: "Action",
        }],
    ),
];

/// Layout C rows (GP Connect style): test cases and evidence expected.
const LAYOUT_C: &[(&str, &str, &str, &str, &str)] = &[
    (
        "GPC-SFS-02",
        "Display warning messages",
        "Does the consumer display all warnings returned?",
        "GPC-SFS-25\nGPC-SFS-26",
        "Evidence of request and response messages",
    ),
    (
        "MSCA-PDS-03a",
        "Trace by NHS number",
        "Does the consumer trace a patient by NHS number?",
        "N/A",
        "None",
    ),
];

pub const PLACEHOLDER: &str = "Please Select\u{2026}";

/// A1 reference → zero-based (row, column).
fn rc(a1: &str) -> (u32, u16) {
    let letters: String = a1.chars().take_while(char::is_ascii_alphabetic).collect();
    let digits: String = a1.chars().skip_while(char::is_ascii_alphabetic).collect();
    let mut col: u32 = 0;
    for b in letters.bytes() {
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    (digits.parse::<u32>().unwrap() - 1, (col - 1) as u16)
}

/// Column letter `offset` columns right of `c`.
fn col(c: char, offset: u8) -> char {
    (c as u8 + offset) as char
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
}

impl Sheet<'_> {
    fn put(&mut self, a1: &str, text: &str) {
        let (r, c) = rc(a1);
        self.ws.write_string(r, c, text).unwrap();
    }

    fn merge(&mut self, from: &str, to: &str, text: &str) {
        let (r1, c1) = rc(from);
        let (r2, c2) = rc(to);
        self.ws
            .merge_range(r1, c1, r2, c2, text, &Format::new().set_text_wrap())
            .unwrap();
    }

    /// A heading: merged across `to` in the standard style, a lone cell in the moved one.
    fn heading(&mut self, style: Style, from: &str, to: &str, text: &str) {
        match style {
            Style::Standard => self.merge(from, to, text),
            Style::Moved => self.put(from, text),
        }
    }

    fn list(&mut self, range: &str, entries: &[&str]) {
        let dv = DataValidation::new().allow_list_strings(entries).unwrap();
        self.validate(range, dv);
    }

    fn list_from(&mut self, range: &str, source: &str) {
        let dv = DataValidation::new().allow_list_formula(Formula::new(source));
        self.validate(range, dv);
    }

    /// `range` may name several ranges separated by spaces: one validation over all of them.
    fn validate(&mut self, range: &str, dv: DataValidation) {
        let first = range.split_whitespace().next().unwrap();
        let (a, b) = first.split_once(':').unwrap_or((first, first));
        let (r1, c1) = rc(a);
        let (r2, c2) = rc(b);
        let dv = if range.contains(' ') {
            dv.set_multi_range(range)
        } else {
            dv
        };
        self.ws.add_data_validation(r1, c1, r2, c2, &dv).unwrap();
    }
}

/// A 1×1 PNG, to give a sheet a drawing.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// The fixture SCAL in the given style, as xlsx bytes.
pub fn workbook(style: Style) -> Vec<u8> {
    build(style, LAYOUT_A)
}

/// The standard fixture as a newer version of it might be: a requirement without an ID added at
/// the top of the NHS Login table (so every row below moves down) and the detail of another
/// changed.
pub fn workbook_edited() -> Vec<u8> {
    workbook_edited_in(Style::Standard)
}

/// The edited fixture (see `workbook_edited`) in either layout: a newer issue of the workbook
/// that has also been laid out differently.
pub fn workbook_edited_in(style: Style) -> Vec<u8> {
    let mut rows: Vec<Req> = vec![Req {
        id: None,
        category: "NHS Login Req",
        label: "Consent",
        text: "Record the patient's consent before the first request.",
        how: "Supplier declared",
        level: "MUST",
    }];
    for r in LAYOUT_A {
        rows.push(Req {
            text: if r.label == "External Interface Specification" {
                "Have you implemented the OpenID Connect 1.0 relying party role, as amended?"
            } else {
                r.text
            },
            ..*r
        });
    }
    build(style, &rows)
}

fn build(style: Style, layout_a_rows: &[Req]) -> Vec<u8> {
    let mut wb = Workbook::new();
    {
        let ws = wb.add_worksheet().set_name("Document History").unwrap();
        ws.write_string(0, 0, "Version").unwrap();
        ws.write_string(1, 0, "2.0").unwrap();
        ws.set_hidden(true);
    }
    {
        // The lists behind the dropdowns, hidden as NHS workbooks keep them.
        let ws = wb.add_worksheet().set_name("Lists").unwrap();
        for (i, v) in [PLACEHOLDER, "Yes", "No", "Out of Scope"]
            .iter()
            .enumerate()
        {
            ws.write_string(i as u32, 0, *v).unwrap();
        }
        for (i, v) in ["please select\u{2026}.", "In Progress", "Complete"]
            .iter()
            .enumerate()
        {
            ws.write_string(i as u32, 1, *v).unwrap();
        }
        for (i, v) in [PLACEHOLDER, "Yes", "No"].iter().enumerate() {
            ws.write_string(i as u32, 2, *v).unwrap();
        }
        ws.set_hidden(true);
    }
    wb.define_name("ComplianceList", "=Lists!$A$1:$A$4")
        .unwrap();
    wb.define_name("YesNoList", "=Lists!$C$1:$C$3").unwrap();
    {
        let ws = wb.add_worksheet().set_name("Guidance & Process").unwrap();
        ws.write_string(0, 0, "How to complete this SCAL").unwrap();
        ws.write_string(2, 0, "Item").unwrap();
        ws.write_string(2, 1, "Guidance").unwrap();
        ws.write_string(2, 2, "Type").unwrap();
    }
    // The form opens first: a hidden sheet cannot be the one Excel shows on opening.
    form(
        wb.add_worksheet()
            .set_name("Supplier & Product information")
            .unwrap()
            .set_active(true),
        style,
    );
    {
        let ws = wb
            .add_worksheet()
            .set_name("IG, Security & Clinical Safety")
            .unwrap();
        let mut s = Sheet { ws };
        s.put("A1", "Information Governance, Security and Clinical safety");
        s.put("A3", "Item");
        s.put("B3", "Guidance");
        s.put("C3", "Registered or Compliant\nYes/No (please select)");
        s.put("D3", "Additional Comments");
        s.put("E3", "Type");
        s.put("A4", "Data Security Protection Toolkit");
        s.put(
            "B4",
            "Has your organisation published a Standards Met DSPT?",
        );
        s.put("C4", PLACEHOLDER);
        s.put("E4", "Action");
        s.list("C4", &[PLACEHOLDER, "Yes", "No"]);
        s.ws.set_hidden(true);
    }
    architecture(wb.add_worksheet().set_name("Architecture").unwrap(), style);
    layout_a(
        wb.add_worksheet().set_name("NHS Login").unwrap(),
        style,
        layout_a_rows,
    );
    layout_b(
        wb.add_worksheet()
            .set_name("e-RS Provider Requirements")
            .unwrap(),
        style,
    );
    layout_c(
        wb.add_worksheet()
            .set_name("GPC - Appointment Mgmt_v1.2")
            .unwrap(),
        style,
    );
    wb.save_to_buffer().unwrap()
}

fn form(ws: &mut Worksheet, style: Style) {
    // The moved style starts the form three rows lower and one column further right.
    let (dr, dc) = match style {
        Style::Standard => (0u32, 0u8),
        Style::Moved => (3, 1),
    };
    let at = |c: char, r: u32| format!("{}{}", col(c, dc), r + dr);
    let mut s = Sheet { ws };
    s.merge(&at('A', 1), &at('D', 1), "Supplier and Product Information");
    s.put(
        &at('A', 2),
        "This section captures essential information about the supplier and the product.",
    );
    let (label_h, guidance_h, response_h) = match style {
        Style::Standard => ("Supplier details", "Guidance", "Response"),
        Style::Moved => ("Question", "Guidance", "Your response"),
    };
    s.put(&at('A', 3), label_h);
    s.put(&at('B', 3), guidance_h);
    s.merge(&at('C', 3), &at('D', 3), response_h);
    let texts = [
        ("Supplier Organisation Name", "The supplier of the product"),
        ("ODS Code", "The ODS code of the supplier named above"),
        ("Product name ", "The product requesting or receiving data"),
        ("Product Version", "The version of the product"),
    ];
    for (i, (label, guidance)) in texts.iter().enumerate() {
        let r = 4 + i as u32;
        s.put(&at('A', r), label);
        s.put(&at('B', r), guidance);
        s.merge(&at('C', r), &at('D', r), "");
    }
    // Topology: options in C, a dropdown each in D, then "Other" with a prompt.
    s.merge(
        &at('A', 8),
        &at('A', 11),
        "End point configuration / Topology",
    );
    s.merge(
        &at('B', 8),
        &at('B', 11),
        "Which end point configuration will the product use?",
    );
    for (i, o) in [
        "Centrally Hosted",
        "Locally Hosted",
        "Centrally Hosted Aggregator ",
    ]
    .iter()
    .enumerate()
    {
        let r = 8 + i as u32;
        s.put(&at('C', r), o);
        s.put(&at('D', r), "Please select\u{2026}.");
    }
    s.put(&at('C', 11), "Other:");
    s.put(&at('D', 11), "[please state]");
    // HSCN: a yes/no, and the date its agreement was signed.
    s.merge(&at('A', 12), &at('A', 13), "HSCN Connection Agreement");
    s.merge(
        &at('B', 12),
        &at('B', 13),
        "Do you have a direct HSCN connection?",
    );
    s.merge(&at('C', 12), &at('D', 12), "Please select\u{2026}.");
    s.put(
        &at('C', 13),
        "Insert date of HSCN Connection Agreement signature (dd/mm/yy):",
    );
    s.put(&at('D', 13), "00/00/00");
    // Care settings: several may be chosen.
    s.merge(&at('A', 14), &at('A', 18), "Care setting usage ");
    s.merge(
        &at('B', 14),
        &at('B', 18),
        "Select the care setting(s) the product is deployed to\n(multiple selections allowed)",
    );
    for (i, o) in [
        "111 Provider",
        "GP/Primary Care",
        "Pharmacy",
        "Out of Hours / Urgent Care",
    ]
    .iter()
    .enumerate()
    {
        let r = 14 + i as u32;
        s.put(&at('C', r), o);
        s.put(&at('D', r), "Please select\u{2026}.");
    }
    s.put(&at('C', 18), "Other");
    s.put(&at('D', 18), "[please state]");
    // One validation over the topology, HSCN and care settings cells (a multi-range sqref) in
    // the standard style; three in the moved one.
    let yes_no = ["Please select\u{2026}.", "Yes", "No"];
    match style {
        Style::Standard => s.list(
            &format!(
                "{}:{} {} {}:{}",
                at('D', 8),
                at('D', 10),
                at('C', 12),
                at('D', 14),
                at('D', 17)
            ),
            &yes_no,
        ),
        Style::Moved => {
            s.list(&format!("{}:{}", at('D', 8), at('D', 10)), &yes_no);
            s.list_from(&at('C', 12), "=YesNoList");
            s.list_from(
                &format!("{}:{}", at('D', 14), at('D', 17)),
                "=Lists!$C$1:$C$3",
            );
        }
    }
    s.heading(style, &at('A', 19), &at('C', 19), "IG & Security");
    s.put(&at('D', 19), "Comments\nONLY IF RESPONSE IS 'NO'");
    s.put(
        &at('A', 20),
        "Information Security Management System (ISMS)",
    );
    s.put(
        &at('B', 20),
        "Is a formal ISMS in place covering the product?",
    );
    s.put(&at('C', 20), PLACEHOLDER);
    s.list(&at('C', 20), &[PLACEHOLDER, "Yes", "No"]);
    s.merge(
        &at('A', 21),
        &at('A', 22),
        "Please provide the contact details of the Clinical Safety Officer",
    );
    s.put(&at('B', 21), "Name");
    s.put(&at('B', 22), "Email address");
    s.merge(&at('C', 21), &at('D', 21), "");
    s.merge(&at('C', 22), &at('D', 22), "");
    // A heading in capitals needs no merge to be told from a question.
    match style {
        Style::Standard => s.merge(
            &at('A', 23),
            &at('D', 23),
            "NHS Digital Services / APIs required",
        ),
        Style::Moved => s.put(&at('A', 23), "NHS DIGITAL SERVICES / APIS REQUIRED"),
    }
    s.merge(&at('A', 24), &at('A', 26), "GP Connect");
    s.merge(
        &at('B', 24),
        &at('B', 26),
        "https://digital.nhs.uk/services/gp-connect",
    );
    for (i, o) in ["HTML", "Appointment Management", "Structured"]
        .iter()
        .enumerate()
    {
        let r = 24 + i as u32;
        s.put(&at('C', r), o);
        s.put(&at('D', r), "Please select\u{2026}.");
    }
    s.put(&at('A', 27), "NHS Login");
    s.put(&at('B', 27), "link TBC");
    s.put(&at('C', 27), "NHS Login");
    s.put(&at('D', 27), "Please select\u{2026}.");
    // "Indicate whether" over Yes/No option rows: each row is its own question (both approvals
    // may be held), not a choice of one.
    s.merge(
        &at('A', 28),
        &at('A', 29),
        "Data Access Approval for PDS and SCR only",
    );
    s.merge(
        &at('B', 28),
        &at('B', 29),
        "Only if you use PDS or SCR, indicate whether your organisation has obtained approval to access the data.",
    );
    for (i, o) in ["PDS IAO approval", "SCR acceptable use "]
        .iter()
        .enumerate()
    {
        let r = 28 + i as u32;
        s.put(&at('C', r), o);
        s.put(&at('D', r), "Please select\u{2026}.");
    }
    s.list(&format!("{}:{}", at('D', 28), at('D', 29)), &yes_no);
    // A tick-only list ("Yes" alone) over many more cells than the grid has.
    s.list(
        &format!(
            "{}:{} {}:{}",
            at('D', 24),
            at('D', 27),
            at('D', 30),
            at('D', 60)
        ),
        &["Please select\u{2026}.", "Yes"],
    );
    // Things a fill must leave alone: a formula, a note, an image, a conditional format.
    let (r, c) = rc(&at('F', 2));
    s.ws.write_formula(r, c, Formula::new(format!("={}", at('C', 5))))
        .unwrap();
    let (r, c) = rc(&at('A', 4));
    s.ws.insert_note(r, c, &Note::new("Use the name on the Connection Agreement"))
        .unwrap();
    let (r, c) = rc(&at('F', 4));
    s.ws.insert_image(r, c, &Image::new_from_buffer(PNG).unwrap())
        .unwrap();
    let (r1, c1) = rc(&at('D', 20));
    let rule = format!("=AND(${}=\"No\",${}=\"\")", at('C', 20), at('D', 20));
    s.ws.add_conditional_format(
        r1,
        c1,
        r1,
        c1,
        &ConditionalFormatFormula::new()
            .set_rule(rule.as_str())
            .set_format(Format::new().set_background_color("#FFC7CE")),
    )
    .unwrap();
}

fn architecture(ws: &mut Worksheet, style: Style) {
    let mut s = Sheet { ws };
    s.put("A1", "Architecture");
    let header_row = match style {
        Style::Standard => 4,
        Style::Moved => 2,
    };
    let h = |r: u32| header_row + r;
    let cols: [(&str, &str); 5] = match style {
        Style::Standard => [
            ("A", "Item"),
            ("B", "Guidance"),
            ("C", "Action By "),
            (
                "D",
                "Additional Notes / References\nTo be completed by the Supplier",
            ),
            ("E", "Type"),
        ],
        Style::Moved => [
            ("E", "Item"),
            ("D", "Guidance"),
            ("C", "Owner"),
            ("B", "Notes"),
            ("A", "Type"),
        ],
    };
    for (c, text) in cols {
        s.put(&format!("{c}{header_row}"), text);
    }
    let (item, guidance, owner, _, kind) = (cols[0].0, cols[1].0, cols[2].0, cols[3].0, cols[4].0);
    s.put(&format!("A{}", h(1)), "IT Operations Planning");
    for (i, (label, text)) in [
        (
            "Data Centre Resilience",
            "Host the product with the resilience its users need.",
        ),
        (
            "Go Live planning",
            "Plan the go-live, its fall back and its checks.",
        ),
    ]
    .iter()
    .enumerate()
    {
        let r = h(2 + i as u32);
        s.put(&format!("{item}{r}"), label);
        s.put(&format!("{guidance}{r}"), text);
        s.put(&format!("{owner}{r}"), "Supplier");
        s.put(&format!("{kind}{r}"), "Info");
    }
}

/// Title, Status, evidence slots and the declaration block every service tab starts with.
/// Returns the row after the block (1-based).
fn service_head(s: &mut Sheet<'_>, style: Style, title: &str, first: u32, dc: u8) -> u32 {
    let at = |c: char, r: u32| format!("{}{}", col(c, dc), r);
    s.put(&at('A', first), &format!("{title} : Technical Conformance"));
    let status_row = first + 2;
    match style {
        Style::Standard => {
            s.put(&at('A', status_row), "Status");
            s.put(&at('B', status_row), "please select\u{2026}.");
            s.list_from(&at('B', status_row), "=Lists!$B$1:$B$3");
        }
        Style::Moved => {
            s.merge(
                &at('A', status_row),
                &at('B', status_row),
                "Status of this Service enablement request",
            );
            s.put(&at('C', status_row), "please select\u{2026}.");
            s.list(
                &at('C', status_row),
                &["please select\u{2026}.", "In Progress", "Complete"],
            );
        }
    }
    let slots = status_row + 2;
    s.put(&at('A', slots), "Technical Conformance Report");
    s.put(&at('B', slots), "NHS Login only");
    s.put(&at('C', slots), "Technical Conformance Certificate");
    let header = slots + 2;
    let (label, detail, response, mitigation) = match style {
        Style::Standard => (
            "Item",
            "Detail",
            "Declaration:\nYes / No (please select)",
            " ONLY if  'No', please provide detail of mitigating actions or exceptions below",
        ),
        Style::Moved => (
            "Item",
            "Details",
            "Supplier Declaration:\nYes / No \n(please select)",
            "ONLY if 'No' declared, provide detail of mitigating actions",
        ),
    };
    s.put(&at('A', header), label);
    s.put(&at('B', header), detail);
    s.put(&at('C', header), response);
    s.put(&at('D', header), mitigation);
    let rows = [
        (
            "Declaration of Usage",
            "The product will be used only for the use cases of this service.",
        ),
        (
            "Information Governance ",
            "Has your organisation completed the DSPT within the last 12 months?",
        ),
        (
            "Security",
            "Has the product been penetration tested within the last 12 months?",
        ),
    ];
    for (i, (l, d)) in rows.iter().enumerate() {
        let r = header + 1 + i as u32;
        s.put(&at('A', r), l);
        s.put(&at('B', r), d);
        s.put(&at('C', r), PLACEHOLDER);
    }
    let cs = header + 4;
    s.merge(&at('A', cs), &at('A', cs + 1), "Clinical Safety");
    s.put(
        &at('B', cs),
        "Has the hazard log been reviewed for this service?",
    );
    s.put(
        &at('B', cs + 1),
        "Please confirm that a Safety Case and Hazard log have been established",
    );
    s.put(&at('C', cs), PLACEHOLDER);
    s.put(&at('C', cs + 1), PLACEHOLDER);
    let range = format!("{}:{}", at('C', header + 1), at('C', cs + 1));
    match style {
        Style::Standard => s.list(&range, &[PLACEHOLDER, "Yes", " No"]),
        Style::Moved => s.list_from(&range, "=YesNoList"),
    }
    cs + 3
}

fn layout_a(ws: &mut Worksheet, style: Style, rows: &[Req]) {
    let mut s = Sheet { ws };
    let next = service_head(&mut s, style, "NHS Login", 1, 0);
    // Standard: the NHS column order. Moved: renamed, reordered, an Evidence column added.
    let cols: Vec<(&str, &str)> = match style {
        Style::Standard => vec![
            ("category", "Category / Requirement"),
            ("label", "Item"),
            ("text", "Detail"),
            ("how", "How requirement will be assessed"),
            ("level", "Type"),
            ("actioned", "Actioned By"),
            ("response", "Compliant\n Yes/No (please select)\n If 'No' please provide detail of mitigating actions in the box to the right"),
            ("comment", "Statements\nAdditional Notes / References"),
        ],
        Style::Moved => vec![
            ("level", "Priority"),
            ("category", "Category"),
            ("label", "Item"),
            ("response", "Compliant (Yes/No)"),
            ("comment", "Mitigation / comments"),
            ("evidence", "Evidence"),
            ("text", "Description"),
            ("how", "Assessment method"),
            ("actioned", "Owner"),
        ],
    };
    let header = next + 1;
    let letter = |field: &str| {
        let i = cols.iter().position(|c| c.0 == field).unwrap();
        (b'A' + i as u8) as char
    };
    for (i, (_, h)) in cols.iter().enumerate() {
        s.put(&format!("{}{header}", (b'A' + i as u8) as char), h);
    }
    let mut r = header + 1;
    let response = letter("response");
    let first = r;
    for req in rows {
        if req.label == "End to End test" {
            s.heading(
                style,
                &format!("A{r}"),
                &format!("{}{r}", (b'A' + cols.len() as u8 - 1) as char),
                "Static Validation",
            );
            r += 1;
        }
        let category = match req.id {
            Some(id) => id,
            None => req.category,
        };
        s.put(&format!("{}{r}", letter("category")), category);
        s.put(&format!("{}{r}", letter("label")), req.label);
        s.put(&format!("{}{r}", letter("text")), req.text);
        s.put(&format!("{}{r}", letter("how")), req.how);
        s.put(&format!("{}{r}", letter("level")), req.level);
        s.put(&format!("{}{r}", letter("actioned")), "Supplier");
        s.put(&format!("{response}{r}"), "Please Select\u{2026}..");
        r += 1;
    }
    // The standard style's list is a defined name over many more rows than the table has; the
    // moved style's is inline, over the whole column below the header.
    match style {
        Style::Standard => s.list_from(
            &format!("{response}{first}:{response}{}", first + 40),
            "=ComplianceList",
        ),
        Style::Moved => s.list(
            &format!("{response}{first}:{response}1000"),
            &["Please Select\u{2026}..", "Yes", "No", "Out of Scope"],
        ),
    }
    let comment = letter("comment");
    let (r1, c1) = rc(&format!("{comment}{first}"));
    let rule = format!("=AND(${response}{first}=\"No\",${comment}{first}=\"\")");
    s.ws.add_conditional_format(
        r1,
        c1,
        r1 + 10,
        c1,
        &ConditionalFormatFormula::new()
            .set_rule(rule.as_str())
            .set_format(Format::new().set_background_color("#FFC7CE")),
    )
    .unwrap();
}

fn layout_b(ws: &mut Worksheet, style: Style) {
    let mut s = Sheet { ws };
    s.put("A1", "NHS e-RS API Provider System Requirements");
    s.put(
        "A3",
        "This section assesses the application against the published requirements.",
    );
    let cols: Vec<(&str, &str)> = match style {
        Style::Standard => vec![
            ("category", "Category / Requirement"),
            ("label", "Requirement"),
            ("text", "Requirement Description / Help Text"),
            ("guidance", "Guidance"),
            ("response", "Compliant\n Yes/No (please select)\n if No please provide detail of mitigating actions in the additional comments section"),
            ("impl", "Supplier Implementation Reference"),
            ("comment", "Additional Notes / References"),
            ("test", "Test Reference - Matrix"),
            ("level", "Type"),
        ],
        Style::Moved => vec![
            ("level", "Type"),
            ("category", "Requirement ID"),
            ("label", "Requirement"),
            ("response", "Response"),
            ("comment", "Additional comments"),
            ("text", "Description"),
            ("guidance", "Guidance"),
        ],
    };
    let header = match style {
        Style::Standard => 5,
        Style::Moved => 8,
    };
    let letter = |field: &str| {
        let i = cols.iter().position(|c| c.0 == field).unwrap();
        (b'A' + i as u8) as char
    };
    for (i, (_, h)) in cols.iter().enumerate() {
        s.put(&format!("{}{header}", (b'A' + i as u8) as char), h);
    }
    let last = (b'A' + cols.len() as u8 - 1) as char;
    let response = letter("response");
    let mut r = header + 1;
    let first = r;
    for (heading, guidance, reqs) in LAYOUT_B {
        s.heading(style, &format!("A{r}"), &format!("{last}{r}"), heading);
        r += 1;
        s.heading(style, &format!("A{r}"), &format!("{last}{r}"), guidance);
        r += 2; // a blank row inside the table, as the e-RS tabs have
        for req in *reqs {
            s.put(&format!("{}{r}", letter("category")), req.id.unwrap());
            s.put(&format!("{}{r}", letter("label")), req.label);
            s.put(&format!("{}{r}", letter("text")), req.text);
            s.put(
                &format!("{}{r}", letter("guidance")),
                "See the API specification.",
            );
            s.put(&format!("{response}{r}"), "Please select \u{2026}");
            s.put(&format!("{}{r}", letter("level")), req.level);
            r += 1;
        }
    }
    s.list(
        &format!("{response}{first}:{response}{r}"),
        &["Please Select\u{2026}", " Yes", " No"],
    );
}

fn layout_c(ws: &mut Worksheet, style: Style) {
    let mut s = Sheet { ws };
    let dc = match style {
        Style::Standard => 0,
        Style::Moved => 1,
    };
    let next = service_head(&mut s, style, "GP Connect Appointment Management", 1, dc);
    s.put(
        &format!("{}{}", col('A', dc), next),
        "GP Connect specification v1.2 - Appointment Management",
    );
    let header = next + 2;
    let cols = [
        "Requirement ID",
        "Item",
        "Requirement",
        "Requirement Test Cases\n",
        "Test Evidence to be Assured by NHS Digital",
        " Assurance by End User",
        "Compliant\n Yes/No (please select)",
        " Consumer System \nCompliance Evidence/Additional comments",
        "NHS Digital Review",
    ];
    for (i, h) in cols.iter().enumerate() {
        s.put(&format!("{}{header}", col('A', dc + i as u8)), h);
    }
    // The response list lives on this very sheet, far to the right (K1:K3 or L1:L3).
    let list_col = col('K', dc);
    for (i, v) in [PLACEHOLDER, "Yes", "No"].iter().enumerate() {
        s.put(&format!("{list_col}{}", i + 1), v);
    }
    let response = col('G', dc);
    let mut r = header + 1;
    let first = r;
    s.heading(
        style,
        &format!("{}{r}", col('A', dc)),
        &format!("{}{r}", col('I', dc)),
        "Appointment Management",
    );
    r += 1;
    for (id, label, text, tests, evidence) in LAYOUT_C {
        let vals = [*id, *label, *text, *tests, *evidence, "TBC", PLACEHOLDER];
        for (i, v) in vals.iter().enumerate() {
            s.put(&format!("{}{r}", col('A', dc + i as u8)), v);
        }
        r += 1;
    }
    let source = format!("=${list_col}$1:${list_col}$3");
    s.list_from(&format!("{response}{first}:{response}{r}"), &source);
}

/// A file from `shared/reference/` (the real NHS workbooks, beside the checkout, never copied
/// into it), for the test named `test`. Missing, it fails the test where `CI` is set (CI always
/// has `shared/`: a silent skip there would hide a lost check); elsewhere it prints one loud
/// SKIPPED line and gives `None`.
#[allow(
    dead_code,
    reason = "not every test binary that includes this file reads shared/"
)]
pub fn reference_file(relative: &str, test: &str) -> Option<std::path::PathBuf> {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("../shared/reference"))
        .find(|dir| dir.is_dir());
    let path = shared.map(|dir| dir.join(relative));
    match path {
        Some(path) if path.is_file() => Some(path),
        _ => {
            let why = format!(
                "{test}: shared/reference/{relative} is not beside this checkout (../shared/)"
            );
            let in_ci =
                std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
            assert!(
                !in_ci,
                "{why}; CI always has it, so this is a failure there"
            );
            eprintln!("\n\u{1b}[1;33mSKIPPED {why}\u{1b}[0m");
            None
        }
    }
}

/// Every filled cell of every sheet, as calamine reads it: (sheet, row, column) → value.
#[allow(
    dead_code,
    reason = "not every test binary that includes this file reads cells back"
)]
pub fn all_cells(bytes: &[u8]) -> std::collections::BTreeMap<(String, u32, u32), calamine::Data> {
    use calamine::Reader as _;
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("calamine opens it");
    let mut out = std::collections::BTreeMap::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("every sheet reads");
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, v) in range.used_cells() {
            out.insert((name.clone(), r0 + r as u32, c0 + c as u32), v.clone());
        }
    }
    out
}
