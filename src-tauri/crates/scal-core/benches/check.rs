//! How long `scal_core::check` takes on large drafts: the app re-runs it after every answer, so
//! it has to stay well inside a frame even for the biggest SCALs (a few thousand rows).
//!
//! Run with `cargo bench -p scal-core --bench check`. Prints one line per template size: the
//! requirement rows, every item, the issues found, and the median and 99th-percentile time of
//! one `check` over the runs. Plain `std::time`, no harness: the figures are for reading, not
//! for a CI threshold (the machine is shared).

#![allow(clippy::print_stdout, reason = "a benchmark prints its table")]

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use scal_core::template::{
    Assessment, Condition, DateRule, Item, ItemKind, Level, Requirement, Section, SectionKind,
    Template,
};
use scal_core::{Answer, DraftState, Value};

/// Requirement rows per service section: real e-RS and GP Connect tabs hold a few hundred.
const ROWS_PER_SECTION: usize = 250;

fn main() {
    let today = NaiveDate::from_ymd_opt(2025, 6, 15).unwrap_or_default();
    println!(
        "{:>8} {:>8} {:>8} {:>6} {:>10} {:>10}",
        "rows", "items", "issues", "runs", "median", "p99"
    );
    for (rows, runs) in [(500, 401), (5_000, 201), (20_000, 51)] {
        let (template, state) = draft(rows);
        let items = template.items().count();
        let issues = scal_core::check(&template, &state, today).issues.len();
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let start = Instant::now();
                black_box(scal_core::check(
                    black_box(&template),
                    black_box(&state),
                    today,
                ));
                start.elapsed()
            })
            .collect();
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!(
            "{rows:>8} {items:>8} {issues:>8} {runs:>6} {:>10} {:>10}",
            ms(at(0.5)),
            ms(at(0.99))
        );
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// A small deterministic generator, so every run measures the same draft.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn item(id: String, label: String, kind: ItemKind) -> Item {
    Item {
        id,
        label,
        text: String::new(),
        guidance: String::new(),
        required: true,
        visible_when: None,
        kind,
    }
}

fn one(v: &str) -> Option<Value> {
    Some(Value::One(v.to_string()))
}

/// A SCAL shaped like the real workbook: a supplier form, then service tabs each with a status,
/// two evidence slots, the declaration block, endpoint headings and requirement rows; and a
/// draft answered the way a part-done one is: mostly Yes, some No with and without mitigation,
/// some Out of Scope, a few rows left on the placeholder or not reached yet.
fn draft(rows: usize) -> (Template, DraftState) {
    let mut rng = Lcg(0x5CA1);
    let mut state = DraftState::default();
    let mut answer = |id: &str, value: Option<Value>, comment: &str| {
        state.answers.insert(
            id.to_string(),
            Answer {
                value,
                comment: comment.to_string(),
            },
        );
    };

    let form = Section {
        id: "supplier".into(),
        title: "Supplier & Product information".into(),
        kind: SectionKind::Form,
        description: String::new(),
        has_status: false,
        shared: true,
        visible_when: None,
        columns: Vec::new(),
        items: vec![
            item(
                "org-name".into(),
                "Supplier organisation name".into(),
                ItemKind::Text,
            ),
            item("org-ods".into(), "ODS code".into(), ItemKind::OdsCode),
            item(
                "product-version".into(),
                "Product version".into(),
                ItemKind::Version,
            ),
            item("cso-email".into(), "CSO email".into(), ItemKind::Email),
            item(
                "hscn".into(),
                "HSCN connection".into(),
                ItemKind::YesNo {
                    comment_when_no: true,
                },
            ),
            Item {
                visible_when: Some(Condition {
                    item: "hscn".into(),
                    equals: Some("Yes".into()),
                    any_of: Vec::new(),
                }),
                ..item(
                    "hscn-date".into(),
                    "HSCN agreement signed".into(),
                    ItemKind::Date {
                        rule: Some(DateRule::NotFuture),
                        evidence: None,
                    },
                )
            },
            item(
                "dspt-date".into(),
                "DSPT publication date".into(),
                ItemKind::Date {
                    rule: Some(DateRule::Within12Months),
                    evidence: None,
                },
            ),
            item(
                "settings".into(),
                "Care settings".into(),
                ItemKind::MultiChoice {
                    options: ["GP", "Urgent care", "Hospital", "Pharmacy", "Community"]
                        .map(String::from)
                        .to_vec(),
                    other: true,
                },
            ),
        ],
    };
    answer("org-name", one("Acme Health Ltd"), "");
    answer("org-ods", one("8JK12"), "");
    answer("product-version", one("4.2.0"), "");
    answer("cso-email", one("cso@acme.example"), "");
    answer("hscn", one("Yes"), "");
    answer("hscn-date", one("2024-11-02"), "");
    answer("dspt-date", one("2024-05-01"), "");
    answer(
        "settings",
        Some(Value::Many(vec!["GP".into(), "Other".into()])),
        "",
    );

    let mut sections = vec![form];
    let levels = [
        Level::Must,
        Level::Must,
        Level::Must,
        Level::Should,
        Level::May,
    ];
    let assessments = [
        Assessment::SupplierDeclared,
        Assessment::SupplierDeclared,
        Assessment::SupplierDeclared,
        Assessment::SupplierDeclared,
        Assessment::SupplierDeclared,
        Assessment::SupplierStatement,
        Assessment::SupplierStatement,
        Assessment::Evidence,
        Assessment::Evidence,
        Assessment::ConformanceReport,
    ];
    let mut row = 0;
    let mut s = 0;
    while row < rows {
        let sid = format!("svc{s}");
        let mut items = vec![
            item(
                format!("{sid}-tcr"),
                "Technical Conformance Report".into(),
                ItemKind::EvidenceSlot,
            ),
            Item {
                required: false,
                ..item(
                    format!("{sid}-tcc"),
                    "Technical Conformance Certificate".into(),
                    ItemKind::EvidenceSlot,
                )
            },
        ];
        if rng.chance(60) {
            state.evidence.insert(format!("{sid}-tcr"), 1);
        }
        for d in [
            "Declaration of usage",
            "DSPT",
            "Controller/processor",
            "Penetration testing",
            "Hazard log reviewed",
            "Safety case and hazard log",
        ] {
            let id = format!("{sid}-decl-{}", items.len());
            let (value, comment) = if rng.chance(90) {
                ("Yes", "")
            } else if rng.chance(50) {
                ("No", "Scheduled for next quarter")
            } else {
                ("No", "")
            };
            answer(&id, one(value), comment);
            items.push(item(
                id,
                d.into(),
                ItemKind::Declaration {
                    options: vec!["Yes".into(), "No".into()],
                    meanings: Default::default(),
                },
            ));
        }
        let end = (row + ROWS_PER_SECTION).min(rows);
        while row < end {
            if row % 10 == 0 {
                items.push(item(
                    format!("h{row}"),
                    format!("A{:03}: Endpoint {}", row / 10, row / 10),
                    ItemKind::Guidance {
                        acknowledge: false,
                        heading: true,
                    },
                ));
            }
            let id = format!("r{row}");
            let assessment = assessments[(rng.next() % 10) as usize];
            let roll = rng.next() % 100;
            let (value, comment) = match roll {
                0..=74 => (
                    one("Yes"),
                    if assessment == Assessment::SupplierStatement && rng.chance(85) {
                        "Implemented as described in our design document, section 4"
                    } else {
                        ""
                    },
                ),
                75..=82 => (
                    one("No"),
                    if rng.chance(60) {
                        "Planned for the next release"
                    } else {
                        ""
                    },
                ),
                83..=89 => (
                    one("Out of Scope"),
                    if rng.chance(80) {
                        "Provider-only requirement"
                    } else {
                        ""
                    },
                ),
                90..=94 => (one("Please select\u{2026}"), ""),
                _ => (None, ""),
            };
            if value.is_some() {
                answer(&id, value, comment);
            }
            if assessment == Assessment::Evidence && rng.chance(70) {
                state.evidence.insert(id.clone(), 2);
            }
            items.push(item(
                id,
                format!("Requirement {row}"),
                ItemKind::Requirement(Requirement {
                    reference: Some(format!("UEC-{s:02}-{row:05}")),
                    category: "Booking".into(),
                    level: levels[(rng.next() % 5) as usize],
                    how_assessed: String::new(),
                    assessment,
                    actioned_by: "Supplier".into(),
                    test_cases: Vec::new(),
                    evidence_expected: String::new(),
                    applies_to: None,
                    options: vec!["Yes".into(), "No".into(), "Out of Scope".into()],
                    meanings: Default::default(),
                }),
            ));
            row += 1;
        }
        state.section_status.insert(
            sid.clone(),
            if rng.chance(30) {
                "Complete"
            } else {
                "In Progress"
            }
            .into(),
        );
        sections.push(Section {
            id: sid,
            title: format!("Service {s}"),
            kind: SectionKind::Service,
            description: String::new(),
            has_status: true,
            shared: false,
            visible_when: None,
            columns: Vec::new(),
            items,
        });
        s += 1;
    }

    let template = Template {
        id: "bench".into(),
        version: "1.0.0".into(),
        title: "Benchmark SCAL".into(),
        publisher: "Bench".into(),
        description: String::new(),
        placeholder: "Please select\u{2026}".into(),
        sections,
        source: None,
    };
    (template, state)
}
