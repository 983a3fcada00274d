//! Exports a realistic sample draft of the bundled UEC Appointment Booking template into a
//! folder, to look at the outputs or to make the README's images:
//! `cargo run -p scal-export --example sample_export -- OUT_DIR`.
//!
//! Most items are answered as a consumer supplier would; a few requirements are "No" with a
//! mitigation, one "No" is left without one (so the workbook shows its red comment cell), and
//! the conformance reports are attached.
#![allow(
    clippy::print_stdout,
    reason = "an example: it says where it wrote the files"
)]

use chrono::{TimeZone, Utc};
use scal_core::{ItemKind, Value};
use scal_store::{AnswerChange, Draft};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .ok_or("usage: sample_export OUT_DIR")?;
    std::fs::create_dir_all(&out)?;
    let work = tempfile::tempdir()?;
    let json = scal_core::bundled_template_json("uec-appointment-booking")
        .ok_or("the bundled template is missing")?;
    let mut draft = Draft::create(&work.path().join("acme-booking.scal"), json, "Rhian Evans")?;
    let template = draft.template().clone();

    let one = |s: &str| Value::One(s.to_string());
    let fixed: &[(&str, Value)] = &[
        ("supplier-name", one("Acme Health Ltd")),
        ("supplier-ods-code", one("8JK12")),
        ("product-name", one("Acme Booking \u{2014} Gwasanaeth Archebu")),
        ("product-version", one("4.2.0")),
        ("endpoint-topology", one("Centrally Hosted")),
        ("hscn-connection", one("Yes")),
        ("hscn-agreement-date", one("2025-11-03")),
        ("cso-name", one("Dr Si\u{e2}n \u{174}illiams")),
        ("cso-email", one("cso@acme-health.example")),
        ("medical-device", one("No")),
        (
            "medical-device-justification",
            one("The product books appointments; it gives no clinical advice and makes no diagnosis."),
        ),
        ("nsd-registered", one("Yes")),
        (
            "nhs-services",
            Value::Many(vec![
                "Spine Mini Service: PDS".into(),
                "UEC Appointment Booking: Consumer".into(),
            ]),
        ),
        ("care-settings", Value::Many(vec!["NHS 111 provider".into(), "Out of hours / urgent care".into()])),
        ("dspt-current-year-submission", one("2026-03-20")),
        ("dspt-publication-date", one("2025-06-30")),
        ("dspt-org-code", one("8JK12")),
        ("pen-test-date", one("2026-01-14")),
    ];
    let mut changes: Vec<(String, AnswerChange)> = fixed
        .iter()
        .map(|(id, v)| ((*id).to_string(), AnswerChange::set(v.clone())))
        .collect();
    let mut n = 0;
    // Only what the fixed answers leave shown: a supplier does not answer hidden questions.
    let answered: scal_core::Answers = changes
        .iter()
        .filter_map(|(id, c)| {
            let value = c.value.clone()?;
            Some((
                id.clone(),
                scal_core::Answer {
                    value,
                    comment: String::new(),
                },
            ))
        })
        .collect();
    let shown = scal_core::visible_items(&template, &answered);
    for (_, item) in template.items() {
        let skip = fixed.iter().any(|(id, _)| *id == item.id)
            || !item.is_answerable()
            || !shown.contains(&item.id);
        if skip {
            continue;
        }
        let (value, comment) = match &item.kind {
            ItemKind::YesNo { .. } | ItemKind::Declaration { .. } => (one("Yes"), String::new()),
            ItemKind::Choice { options, .. } => (one(&options[0]), String::new()),
            ItemKind::Requirement(_) => {
                n += 1;
                match n % 9 {
                    4 => (
                        one("No"),
                        "Planned for release 4.3 (June 2026); until then the booking screen shows the provider's phone number.".to_string(),
                    ),
                    7 => (one("No"), String::new()),
                    8 => (one("Out of Scope"), "Acme Booking does not cancel appointments.".to_string()),
                    _ => (one("Yes"), String::new()),
                }
            }
            ItemKind::Guidance { .. } => (one(scal_core::template::ACKNOWLEDGED), String::new()),
            _ => continue,
        };
        changes.push((
            item.id.clone(),
            AnswerChange {
                value: Some(Some(value)),
                comment: Some(comment),
            },
        ));
    }
    draft.apply(&changes, "Rhian Evans")?;
    let _ = draft.set_section_status("uec-consumer", "In Progress", "Rhian Evans");
    for (slot, name) in [
        ("uec-consumer.tcr", "UEC consumer conformance report v1.pdf"),
        (
            "pen-test-summary",
            "CHECK penetration test summary 2026.pdf",
        ),
        (
            "clinical-safety-case-report",
            "Clinical safety case report \u{2014} Acme Booking.pdf",
        ),
    ] {
        let body = format!("%PDF-1.4\n% {name}\n").repeat(400);
        let _ = draft.attach_reader(
            slot,
            name,
            &mut body.as_bytes(),
            None,
            "Rhian Evans",
            &mut |_, _| {},
        );
    }

    let options = scal_export::ExportOptions {
        at: Utc.with_ymd_and_hms(2026, 4, 30, 9, 15, 0).single(),
        ..Default::default()
    };
    let outcome = scal_export::export(&mut draft, &out, &options, &mut |_| {})?;
    for f in &outcome.files {
        println!("{}  {} bytes", f.path.display(), f.size);
    }
    for w in &outcome.warnings {
        println!("warning: {w}");
    }
    Ok(())
}
