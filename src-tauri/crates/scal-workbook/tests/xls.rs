//! Legacy `.xls` workbooks (BIFF8): each fixture imports to the same template as the `.xlsx`
//! it was converted from; damaged and foreign OLE files are refused with a sentence; a fill
//! writes an `.xlsx` copy holding every sheet and the answers.
//!
//! The fixtures in `tests/fixtures/` were made once by `tests/fixtures/make-xls.sh` (the
//! `.xlsx` from the generator below, then LibreOffice headless), so CI needs no LibreOffice.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test by panicking"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Write as _};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader as _, Xls, Xlsx};
use scal_core::answer::normalize;
use scal_core::{Answer, Answers, ItemKind, Template, Value};
use scal_workbook::{
    fill_bytes, import_bytes, import_bytes_with, FillInput, FillReport, ImportOptions, Imported,
};

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The generator: writes the `.xlsx` twins LibreOffice converts (run by make-xls.sh).
#[test]
#[ignore = "writes the fixtures; run by tests/fixtures/make-xls.sh"]
fn write_fixture_twins() {
    let dir = fixture_dir();
    std::fs::create_dir_all(&dir).unwrap();
    #[allow(clippy::disallowed_methods, reason = "a one-off fixture generator")]
    {
        std::fs::write(
            dir.join("scal-standard.xlsx"),
            crate::common::workbook(crate::common::Style::Standard),
        )
        .unwrap();
        std::fs::write(
            dir.join("scal-moved.xlsx"),
            crate::common::workbook(crate::common::Style::Moved),
        )
        .unwrap();
    }
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture_dir().join(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn import(name: &str, options: &ImportOptions) -> Imported {
    import_bytes_with(&read(name), name, options).unwrap_or_else(|e| panic!("{name} imports: {e}"))
}

/// What recognition produced, without what differs by file (its name, hash and size).
fn recognised(i: &Imported) -> serde_json::Value {
    let t = &i.template;
    let source = t
        .source
        .as_ref()
        .expect("an imported template has a source");
    serde_json::json!({
        "id": t.id,
        "version": t.version,
        "placeholder": t.placeholder,
        "sections": serde_json::to_value(&t.sections).unwrap(),
        "cells": serde_json::to_value(&source.sections).unwrap(),
        "items": serde_json::to_value(&source.items).unwrap(),
        "skipped": i.summary.skipped.iter().map(|s| format!("{}|{:?}|{}", s.sheet, s.rows, s.reason)).collect::<Vec<_>>(),
        "notes": i.summary.notes.iter().map(|n| format!("{}|{:?}|{}", n.sheet, n.cell, n.message)).collect::<Vec<_>>(),
    })
}

/// Equal, or the first line where they differ.
fn assert_same(a: &serde_json::Value, b: &serde_json::Value, what: &str) {
    if a != b {
        let (a, b) = (
            serde_json::to_string_pretty(a).unwrap(),
            serde_json::to_string_pretty(b).unwrap(),
        );
        for (n, (x, y)) in a.lines().zip(b.lines()).enumerate() {
            if x != y {
                panic!("{what}: differ at line {n}:\n {x}\n {y}");
            }
        }
        panic!("{what}: differ in length");
    }
}

fn same_as_twin(stem: &str, options: &ImportOptions) {
    let xlsx = import(&format!("{stem}.xlsx"), options);
    let xls = import(&format!("{stem}.xls"), options);
    assert_same(
        &recognised(&xlsx),
        &recognised(&xls),
        &format!("{stem}.xls against its .xlsx twin"),
    );
    assert!(xlsx.summary.legacy.is_none());
    let said = xls
        .summary
        .legacy
        .as_deref()
        .expect("an .xls import says it is legacy");
    assert!(
        said.contains("legacy Excel 97-2003 workbook (.xls)"),
        "{said}"
    );
    let source = xls.template.source.as_ref().unwrap();
    assert_eq!(source.file_name, format!("{stem}.xls"));
    assert_eq!(source.size, read(&format!("{stem}.xls")).len() as u64);
    assert_eq!(source.sha256, xls.summary.sha256);
}

#[test]
fn the_standard_xls_imports_as_its_xlsx_twin_does() {
    same_as_twin("scal-standard", &ImportOptions::default());
}

#[test]
fn the_moved_xls_imports_as_its_xlsx_twin_does() {
    same_as_twin("scal-moved", &ImportOptions::default());
}

#[test]
fn hidden_sheets_of_an_xls_import_on_request_as_their_xlsx_twins_do() {
    let options = ImportOptions {
        include_hidden: true,
        ..ImportOptions::default()
    };
    same_as_twin("scal-standard", &options);
    same_as_twin("scal-moved", &options);
}

/// The sentence a refused file gets: one line, naming the file.
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

/// An OLE compound file holding the given streams.
fn ole_with(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    for (name, data) in streams {
        cf.create_stream(name).unwrap().write_all(data).unwrap();
    }
    cf.flush().unwrap();
    cf.into_inner().into_inner()
}

#[test]
fn damaged_and_foreign_ole_files_are_refused_with_one_sentence() {
    let xls = read("scal-standard.xls");
    let cut = refused(&xls[..xls.len() / 3], "cut.xls");
    assert!(cut.contains("cut.xls is damaged"), "{cut}");

    let doc = refused(
        &ole_with(&[("WordDocument", b"not a workbook")]),
        "letter.doc",
    );
    assert!(
        doc.contains("letter.doc is not an Excel workbook") && doc.contains("no Workbook stream"),
        "{doc}"
    );
    let locked = refused(
        &ole_with(&[("EncryptionInfo", b"x"), ("EncryptedPackage", b"y")]),
        "locked.xlsx",
    );
    assert!(
        locked.contains("locked.xlsx is protected by a password"),
        "{locked}"
    );
    let old = refused(&ole_with(&[("Book", b"\x09\x08")]), "excel95.xls");
    assert!(old.contains("Excel 5.0/95"), "{old}");

    // A Workbook stream cut inside its first record, and one that starts with something else.
    let short = refused(
        &ole_with(&[("Workbook", &[0x09, 0x08, 0x10, 0x00, 0x00])]),
        "short.xls",
    );
    assert!(
        short.contains("short.xls is damaged: its Workbook stream cannot be read"),
        "{short}"
    );
    let stream_of = |name: &str| {
        let mut cf = cfb::CompoundFile::open(Cursor::new(xls.clone())).unwrap();
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut cf.open_stream(name).unwrap(), &mut s).unwrap();
        s
    };
    let stream = stream_of("Workbook");
    let cut_stream = refused(
        &ole_with(&[("Workbook", &stream[..stream.len() / 2])]),
        "half.xls",
    );
    assert!(cut_stream.contains("half.xls is damaged"), "{cut_stream}");
    let mut garbage = stream.clone();
    for b in garbage.iter_mut().skip(2000).step_by(7) {
        *b = 0xFF;
    }
    // Whatever the damage, a sentence, never a panic.
    let _ = refused(&ole_with(&[("Workbook", &garbage)]), "garbage.xls");
}

/// An answer for every answerable item.
fn answers_for(t: &Template) -> Answers {
    let mut answers = Answers::new();
    for (n, (_, item)) in t.items().enumerate() {
        let value = match &item.kind {
            ItemKind::Text | ItemKind::LongText => Value::One(format!("Answer to {}", item.label)),
            ItemKind::Email => Value::One("cso@example.org".into()),
            ItemKind::OdsCode => Value::One("X26".into()),
            ItemKind::Version => Value::One("2.4.1".into()),
            ItemKind::Date { .. } => Value::One("2026-05-01".into()),
            ItemKind::Choice { options, .. } => Value::One(options[n % options.len()].clone()),
            ItemKind::MultiChoice { options, .. } => {
                Value::Many(options.iter().step_by(2).cloned().collect())
            }
            ItemKind::YesNo { .. } => Value::One(if n % 2 == 0 { "Yes" } else { "No" }.into()),
            ItemKind::Declaration { options, .. }
            | ItemKind::Requirement(scal_core::template::Requirement { options, .. }) => {
                Value::One(options[n % options.len()].clone())
            }
            ItemKind::Guidance {
                acknowledge: true, ..
            } => Value::One("Acknowledged".into()),
            ItemKind::Guidance { .. } | ItemKind::EvidenceSlot => continue,
        };
        let value = normalize(t, &item.id, value).unwrap_or_else(|e| panic!("{e}"));
        let comment = if n % 3 == 0 {
            format!("Comment on {}", item.label)
        } else {
            String::new()
        };
        answers.insert(
            item.id.clone(),
            Answer {
                value: Some(value),
                comment,
            },
        );
    }
    answers
}

fn fill_of(
    bytes: &[u8],
    name: &str,
    answers: Option<&Answers>,
    out: &Path,
) -> (Vec<u8>, FillReport) {
    let t = import_bytes(bytes, name).expect("imports").template;
    let empty = Answers::new();
    let answers = match answers {
        Some(a) => a.clone(),
        None => answers_for(&t),
    };
    let answers = if answers.is_empty() { empty } else { answers };
    let mut statuses = BTreeMap::new();
    for s in t.sections.iter().filter(|s| s.has_status) {
        statuses.insert(s.id.clone(), "Complete".to_string());
    }
    fill_bytes(
        bytes,
        &t,
        &FillInput {
            answers: &answers,
            evidence: &[],
            statuses: &statuses,
        },
        out,
    )
    .unwrap_or_else(|e| panic!("{name} fills: {e}"))
}

/// A value as text, dates by their serial number (the .xlsx copy writes them as numbers).
fn text(v: &Data) -> String {
    match v {
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

/// Every filled cell of every sheet, by sheet name, as calamine reads it.
fn cells_of<R: std::io::Read + std::io::Seek, B: calamine::Reader<R>>(
    mut book: B,
) -> BTreeMap<(String, u32, u32), String> {
    let mut out = BTreeMap::new();
    for name in book.sheet_names() {
        let Ok(range) = book.worksheet_range(&name) else {
            continue;
        };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, v) in range.used_cells() {
            out.insert((name.clone(), r0 + r as u32, c0 + c as u32), text(v));
        }
    }
    out
}

#[test]
fn a_fill_of_an_xls_writes_an_xlsx_with_every_sheet_and_the_answers() {
    let xls = read("scal-standard.xls");
    let out = Path::new("SCAL filled.xlsx");
    let (bytes, report) = fill_of(&xls, "scal-standard.xls", None, out);
    let said = report
        .converted
        .as_deref()
        .expect("the fill says it converted");
    assert!(
        said.contains("scal-standard.xls is a legacy .xls workbook")
            && said.contains("SCAL filled.xlsx is a new .xlsx copy"),
        "{said}"
    );
    assert!(!said.contains('\n'));

    let before = cells_of(Xls::new(Cursor::new(xls.clone())).expect("calamine reads the .xls"));
    let after = cells_of(Xlsx::new(Cursor::new(bytes.clone())).expect("calamine reads the copy"));
    let sheets = |m: &BTreeMap<(String, u32, u32), String>| -> BTreeSet<String> {
        m.keys().map(|k| k.0.clone()).collect()
    };
    assert_eq!(
        sheets(&before),
        sheets(&after),
        "every sheet with values is in the copy"
    );
    let written: BTreeMap<(String, u32, u32), &str> = report
        .cells
        .iter()
        .map(|c| {
            let (r, col) = scal_core::template::parse_cell_ref(&c.cell).unwrap();
            ((c.sheet.clone(), r, col), c.value.as_str())
        })
        .collect();
    assert!(
        written.len() > 20,
        "answers were written: {}",
        written.len()
    );
    for (k, want) in &written {
        assert_eq!(
            after.get(k).map(String::as_str),
            Some(*want),
            "{k:?} holds its answer"
        );
    }
    for (k, v) in &before {
        if !written.contains_key(k) {
            assert_eq!(after.get(k), Some(v), "{k:?} keeps its value");
        }
    }
    for k in after.keys() {
        assert!(
            before.contains_key(k) || written.contains_key(k),
            "{k:?} is new but no answer"
        );
    }

    // The answers land where the fill of the .xlsx twin puts them.
    let twin = read("scal-standard.xlsx");
    let (_, twin_report) = fill_of(&twin, "scal-standard.xlsx", None, Path::new("twin.xlsx"));
    assert!(twin_report.converted.is_none());
    let places = |r: &FillReport| -> Vec<(String, String, String)> {
        let mut v: Vec<_> = r
            .cells
            .iter()
            .map(|c| (c.sheet.clone(), c.cell.clone(), c.value.clone()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(places(&report), places(&twin_report));
}

#[test]
fn the_xlsx_copy_keeps_merges_dropdowns_and_hidden_sheets() {
    // Filled with no answers, the copy imports as the .xls did: the same sections, items,
    // options and cells, so its merges, dropdown lists, names and hidden states came across.
    for stem in ["scal-standard", "scal-moved"] {
        let xls = read(&format!("{stem}.xls"));
        let (bytes, report) = fill_of(
            &xls,
            &format!("{stem}.xls"),
            Some(&Answers::new()),
            Path::new("copy.xlsx"),
        );
        assert!(report.converted.is_some());
        for include_hidden in [false, true] {
            let options = ImportOptions {
                include_hidden,
                ..ImportOptions::default()
            };
            let from_xls = import_bytes_with(&xls, &format!("{stem}.xls"), &options).unwrap();
            let from_copy = import_bytes_with(&bytes, &format!("{stem}.xlsx"), &options)
                .unwrap_or_else(|e| panic!("the copy of {stem} imports: {e}"));
            assert_same(
                &recognised(&from_xls),
                &recognised(&from_copy),
                &format!("{stem} and its copy, hidden {include_hidden}"),
            );
        }
    }
}

#[test]
fn a_fill_to_an_xls_name_is_refused_suggesting_xlsx() {
    let xls = read("scal-standard.xls");
    let t = import_bytes(&xls, "scal-standard.xls").unwrap().template;
    let answers = Answers::new();
    let statuses = BTreeMap::new();
    let input = FillInput {
        answers: &answers,
        evidence: &[],
        statuses: &statuses,
    };
    let e = fill_bytes(&xls, &t, &input, Path::new("out/Filled.XLS")).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("out/Filled.XLS cannot be written as the legacy .xls format")
            && text.contains("out/Filled.xlsx"),
        "{text}"
    );
}

/// A BIFF8 Workbook stream with one sheet holding the given NUMBER cells.
fn biff_with_cells(cells: &[(u16, u16)]) -> Vec<u8> {
    fn rec(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut r = kind.to_le_bytes().to_vec();
        r.extend_from_slice(&(data.len() as u16).to_le_bytes());
        r.extend_from_slice(data);
        r
    }
    let bof = |dt: u8| {
        let mut d = vec![0x00, 0x06, dt, 0x00];
        d.resize(16, 0);
        rec(0x0809, &d)
    };
    let bound = |offset: u32| {
        let mut d = offset.to_le_bytes().to_vec();
        d.extend_from_slice(&[0, 0, 1, 0, b'S']);
        rec(0x0085, &d)
    };
    let globals_len = bof(5).len() + bound(0).len() + 4;
    let mut stream = bof(5);
    stream.extend(bound(globals_len as u32));
    stream.extend(rec(0x000A, &[]));
    stream.extend(bof(0x10));
    for &(r, c) in cells {
        let mut d = r.to_le_bytes().to_vec();
        d.extend_from_slice(&c.to_le_bytes());
        d.extend_from_slice(&[0, 0]);
        d.extend_from_slice(&1.0f64.to_le_bytes());
        stream.extend(rec(0x0203, &d));
    }
    stream.extend(rec(0x000A, &[]));
    stream
}

#[test]
fn a_sheet_spanning_millions_of_cells_is_refused_before_it_is_held() {
    // Two cells at opposite corners: calamine would hold the 16 million between them.
    let wide = ole_with(&[("Workbook", &biff_with_cells(&[(0, 0), (65_535, 255)]))]);
    let text = refused(&wide, "wide.xls");
    assert!(
        text.contains("sheet \"S\" spans more than 4000000 cells"),
        "{text}"
    );
    // The same stream with a few cells is read (and found to hold no SCAL section).
    let small = ole_with(&[("Workbook", &biff_with_cells(&[(0, 0), (3, 2)]))]);
    let text = refused(&small, "small.xls");
    assert!(
        text.contains("holds no sheet recognised as a SCAL section"),
        "{text}"
    );
}
