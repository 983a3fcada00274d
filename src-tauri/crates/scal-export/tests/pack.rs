//! The submission pack and the export as a whole: manifest, verification of tampered packs,
//! hostile evidence names, atomic replacement of an earlier export, the record in the draft.

// Helpers here are test code too: a failed step is a failing test with its location.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::common::*;
use scal_core::Value;
use scal_export::{
    export, verify_pack, ExportError, ExportKind, ExportOptions, ExportStage, Manifest,
};
use scal_store::{AnswerChange, Draft};

fn options() -> ExportOptions {
    ExportOptions {
        at: Some(export_time()),
        ..ExportOptions::default()
    }
}

fn manifest(pack: &Path) -> Manifest {
    serde_json::from_str(&zip_text(pack, "manifest.json")).unwrap()
}

fn entry_bytes(pack: &Path, name: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(pack).unwrap()).unwrap();
    let mut out = Vec::new();
    zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
    out
}

/// A copy of `pack` rebuilt entry by entry, with `change` deciding each entry's fate:
/// `None` drops it, `Some(bytes)` writes those bytes. `extra` entries are appended.
/// What becomes of one entry: `None` drops it, `Some(bytes)` writes those bytes.
type Change<'a> = &'a dyn Fn(&str, Vec<u8>) -> Option<Vec<u8>>;

fn rebuild(pack: &Path, to: &Path, change: Change<'_>, extra: &[(&str, &[u8])]) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(pack).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if let Some(bytes) = change(&name, bytes) {
            out.start_file(name.as_str(), options).unwrap();
            out.write_all(&bytes).unwrap();
        }
    }
    for (name, bytes) in extra {
        out.start_file(*name, options).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap();
}

fn exported(dir: &Path) -> (Draft, PathBuf) {
    let mut draft = filled_draft(dir);
    let out = dir.join("out");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    (draft, out)
}

#[test]
fn the_pack_holds_workbook_summary_every_evidence_file_and_a_true_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let (draft, out) = exported(dir.path());
    let pack = output(&out, "-pack.zip");
    let names = zip_names(&pack);
    let m = manifest(&pack);

    assert_eq!(m.format, "scal-pack/1");
    assert_eq!(m.draft_id, draft.draft_id());
    assert_eq!(m.template.id, TEMPLATE);
    assert_eq!(m.template.version, draft.template().version);
    assert_eq!(
        m.answers_digest,
        scal_store::answers_digest(&draft.answers().unwrap())
    );
    assert_eq!(m.exported_at, "2026-04-30T09:15:00Z");
    assert!(!m.tool_version.is_empty());

    // The workbook and the PDF in the pack are the ones written beside it.
    for (role, suffix) in [("workbook", ".xlsx"), ("summary", "-summary.pdf")] {
        let f = m.files.iter().find(|f| f.role == role).unwrap();
        assert_eq!(
            entry_bytes(&pack, &f.path),
            std::fs::read(output(&out, suffix)).unwrap(),
            "{role}"
        );
    }
    // Every linked content once, byte for byte, under evidence/.
    let links = draft.evidence().unwrap();
    for link in &links {
        let f = m
            .files
            .iter()
            .find(|f| f.sha256 == link.file.sha256)
            .unwrap_or_else(|| panic!("{} not in the manifest", link.file.file_name));
        assert!(f.path.starts_with("evidence/"));
        assert!(
            f.items.contains(&link.item),
            "{} supports {}",
            f.path,
            link.item
        );
        let mut original = Vec::new();
        draft.extract(&link.file.sha256, &mut original).unwrap();
        assert_eq!(entry_bytes(&pack, &f.path), original);
        assert_eq!(f.size, link.file.size);
    }
    let distinct: std::collections::BTreeSet<_> = links.iter().map(|l| &l.file.sha256).collect();
    assert_eq!(
        m.files.iter().filter(|f| f.role == "evidence").count(),
        distinct.len()
    );
    assert_eq!(
        names.len(),
        m.files.len() + 1,
        "nothing but the listed files and the manifest"
    );

    let report = verify_pack(&pack).unwrap();
    assert!(report.confirmed(), "{:?}", report.mismatches);
    assert_eq!(report.files_checked, m.files.len());
}

#[test]
fn tampered_packs_are_caught_and_each_mismatch_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = exported(dir.path());
    let pack = output(&out, "-pack.zip");
    let evidence = manifest(&pack)
        .files
        .into_iter()
        .filter(|f| f.role == "evidence")
        .map(|f| f.path)
        .collect::<Vec<_>>();
    let (changed, removed) = (evidence[0].clone(), evidence[1].clone());

    let modified = dir.path().join("modified.zip");
    rebuild(
        &pack,
        &modified,
        &|name, mut bytes| {
            if name == changed {
                bytes[0] ^= 0xFF;
            }
            Some(bytes)
        },
        &[],
    );
    let report = verify_pack(&modified).unwrap();
    assert_eq!(report.mismatches.len(), 1, "{:?}", report.mismatches);
    let line = report.mismatches[0].to_string();
    assert!(
        line.starts_with(&changed) && line.contains("content changed"),
        "{line}"
    );

    let gone = dir.path().join("removed.zip");
    rebuild(
        &pack,
        &gone,
        &|name, bytes| (name != removed).then_some(bytes),
        &[],
    );
    let report = verify_pack(&gone).unwrap();
    assert_eq!(report.mismatches.len(), 1);
    assert!(report.mismatches[0].to_string().starts_with(&removed));
    assert!(report.mismatches[0].to_string().contains("missing"));

    let added = dir.path().join("added.zip");
    rebuild(
        &pack,
        &added,
        &|_, bytes| Some(bytes),
        &[("evidence/extra.pdf", b"slipped in")],
    );
    let report = verify_pack(&added).unwrap();
    assert_eq!(report.mismatches.len(), 1);
    assert!(report.mismatches[0]
        .to_string()
        .starts_with("evidence/extra.pdf: in the pack but not listed"));

    // All three at once: three lines, one per entry.
    let all = dir.path().join("all.zip");
    rebuild(
        &pack,
        &all,
        &|name, mut bytes| {
            if name == removed {
                return None;
            }
            if name == changed {
                bytes.push(b'!');
            }
            Some(bytes)
        },
        &[("../escape.txt", b"x")],
    );
    let report = verify_pack(&all).unwrap();
    let lines: Vec<String> = report.mismatches.iter().map(|m| m.to_string()).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines
        .iter()
        .any(|l| l.starts_with(&changed) && l.contains("size changed")));
    assert!(lines.iter().any(|l| l.starts_with(&removed)));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("../escape.txt") && l.contains("outside the folder")));
}

#[test]
fn what_is_not_a_pack_is_refused_in_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.zip");
    scal_store::fsutil::write_atomic(&junk, b"not a zip at all").unwrap();
    let e = verify_pack(&junk).unwrap_err();
    assert!(matches!(e, ExportError::NotAPack { .. }));
    assert!(
        e.to_string().contains("junk.zip is not a submission pack"),
        "{e}"
    );

    let plain = dir.path().join("plain.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&plain).unwrap());
    z.start_file("a.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"a").unwrap();
    z.finish().unwrap();
    let e = verify_pack(&plain).unwrap_err();
    assert!(e.to_string().contains("has no manifest.json"), "{e}");

    let missing = verify_pack(&dir.path().join("absent.zip")).unwrap_err();
    assert!(missing.to_string().contains("absent.zip"), "{missing}");
}

/// Renames evidence inside the draft file directly, as a crafted or damaged draft would arrive.
fn rename_evidence(path: &Path, names: &[&str]) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM evidence_links ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (id, name) in ids.iter().zip(names) {
        conn.execute(
            "UPDATE evidence_links SET file_name = ?1 WHERE id = ?2",
            rusqlite::params![name, id],
        )
        .unwrap();
    }
}

#[test]
fn hostile_evidence_names_cannot_escape_the_folder_the_pack_is_unzipped_into() {
    let dir = tempfile::tempdir().unwrap();
    let draft = filled_draft(dir.path());
    let path = draft.path().to_path_buf();
    drop(draft);
    let hostile = [
        "../../escape.pdf",
        "/etc/passwd",
        "..\\..\\win.ini",
        "C:\\boot.ini",
        "..",
        "CON",
        "a\u{1}b.pdf",
        ".hidden",
    ];
    rename_evidence(&path, &hostile);
    let mut draft = Draft::open(&path).unwrap();
    let out = dir.path().join("out");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let pack = output(&out, "-pack.zip");

    for name in zip_names(&pack) {
        assert!(
            name == "manifest.json" || !name.contains('/') || name.starts_with("evidence/"),
            "{name}"
        );
        let rest = name.strip_prefix("evidence/").unwrap_or(&name);
        assert!(
            !rest.contains('/')
                && !rest.contains('\\')
                && !rest.contains("..")
                && !rest.starts_with('.'),
            "unsafe entry {name:?}"
        );
        assert!(!rest.chars().any(char::is_control), "{name:?}");
    }
    let unzip_to = dir.path().join("unzipped");
    zip::ZipArchive::new(std::fs::File::open(&pack).unwrap())
        .unwrap()
        .extract(&unzip_to)
        .unwrap();
    assert!(!dir.path().join("escape.pdf").exists() && !dir.path().join("out/escape.pdf").exists());
    let evidence: Vec<String> = std::fs::read_dir(unzip_to.join("evidence"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(evidence.iter().any(|n| n == "escape.pdf"), "{evidence:?}");
    assert!(evidence.iter().any(|n| n == "_CON"), "{evidence:?}");
    // The manifest keeps the names they were attached under.
    let m = manifest(&pack);
    assert!(m
        .files
        .iter()
        .any(|f| f.attached_as.as_deref() == Some("../../escape.pdf")));
    assert!(verify_pack(&pack).unwrap().confirmed());
}

#[test]
fn a_failed_export_leaves_the_earlier_one_whole_and_no_debris() {
    let dir = tempfile::tempdir().unwrap();
    let (draft, out) = exported(dir.path());
    let before: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    assert_eq!(before.len(), 3);

    // Damage one stored evidence chunk: the next export must fail while packing it.
    let path = draft.path().to_path_buf();
    drop(draft);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute("UPDATE blob_chunks SET data = zeroblob(length(data)) WHERE rowid = (SELECT min(rowid) FROM blob_chunks)", []).unwrap();
    }
    let mut draft = Draft::open(&path).unwrap();
    draft
        .set_answer(
            "supplier-name",
            AnswerChange::set(Value::One("Changed Ltd".into())),
            "tester",
        )
        .unwrap();
    let later = ExportOptions {
        at: Some(export_time() + chrono::Duration::hours(1)),
        ..ExportOptions::default()
    };
    let e = export(&mut draft, &out, &later, &mut |_| {}).unwrap_err();
    assert!(matches!(e, ExportError::Evidence { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("evidence \"report-0.pdf\" (linked to item"),
        "{e}"
    );

    let after: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    let mut before = before;
    before.sort();
    let mut after = after;
    after.sort();
    assert!(
        before == after,
        "the earlier export is exactly as it was, and nothing else is in the folder"
    );
    assert_eq!(
        draft.exports().unwrap().len(),
        1,
        "the failed export is not recorded"
    );
}

#[test]
fn a_re_export_replaces_the_earlier_files_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (mut draft, out) = exported(dir.path());
    draft
        .set_answer(
            "supplier-name",
            AnswerChange::set(Value::One("Changed Ltd".into())),
            "tester",
        )
        .unwrap();
    let later = ExportOptions {
        at: Some(export_time() + chrono::Duration::hours(1)),
        ..ExportOptions::default()
    };
    let outcome = export(&mut draft, &out, &later, &mut |_| {}).unwrap();
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        3,
        "replaced, not added beside"
    );
    let m = manifest(&output(&out, "-pack.zip"));
    assert_eq!(m.exported_at, "2026-04-30T10:15:00Z");

    let records = draft.exports().unwrap();
    assert_eq!(records.len(), 2);
    let last = records.last().unwrap();
    assert_eq!(last.at, "2026-04-30T10:15:00Z");
    assert_eq!(last.answers_digest, outcome.answers_digest);
    assert_eq!(
        last.answers_digest,
        scal_store::answers_digest(&draft.answers().unwrap())
    );
    assert_eq!(outcome.record_id, Some(last.id));
    for f in &outcome.files {
        use sha2::Digest as _;
        let bytes = std::fs::read(&f.path).unwrap();
        assert_eq!(
            f.sha256,
            hex::encode(sha2::Sha256::digest(&bytes)),
            "{}",
            f.path.display()
        );
        assert_eq!(f.size, bytes.len() as u64);
        let name = f.path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(last.files.contains(&(name, f.sha256.clone(), f.size)));
    }
}

#[test]
fn only_the_chosen_files_are_written_and_progress_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    let out = dir.path().join("pdf-only");
    let pdf_only = ExportOptions {
        xlsx: false,
        pack: false,
        ..options()
    };
    let mut stages = Vec::new();
    let outcome = export(&mut draft, &out, &pdf_only, &mut |p| stages.push(p)).unwrap();
    assert_eq!(
        outcome.files.iter().map(|f| f.kind).collect::<Vec<_>>(),
        vec![ExportKind::Summary]
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    assert!(!stages.iter().any(|p| p.stage == ExportStage::Evidence));

    let mut evidence = Vec::new();
    export(&mut draft, &dir.path().join("all"), &options(), &mut |p| {
        if p.stage == ExportStage::Evidence {
            evidence.push((p.done, p.total));
        }
    })
    .unwrap();
    let total: u64 = {
        let mut seen = std::collections::BTreeMap::new();
        for l in draft.evidence().unwrap() {
            seen.insert(l.file.sha256, l.file.size);
        }
        seen.values().sum()
    };
    assert!(
        evidence.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress only goes forward"
    );
    assert_eq!(evidence.last(), Some(&(total, total)));

    let none = ExportOptions {
        xlsx: false,
        pdf: false,
        pack: false,
        ..options()
    };
    let e = export(&mut draft, &out, &none, &mut |_| {}).unwrap_err();
    assert!(matches!(e, ExportError::NothingSelected));

    let file = dir.path().join("a-file");
    scal_store::fsutil::write_atomic(&file, b"x").unwrap();
    let e = export(&mut draft, &file, &options(), &mut |_| {}).unwrap_err();
    assert!(e.to_string().contains("is not a folder"), "{e}");
}

#[test]
fn a_hidden_answer_is_not_submitted() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = filled_draft(dir.path());
    // Registered with the National Service Desk, so its discovery details are not asked...
    draft
        .set_answer(
            "nsd-registered",
            AnswerChange::set(Value::One("Yes".into())),
            "tester",
        )
        .unwrap();
    // ...but one was typed before the answer changed.
    draft
        .set_answer(
            "nsd-desk-name",
            AnswerChange::set(Value::One("Stale Desk Name 4711".into())),
            "tester",
        )
        .unwrap();
    let out = dir.path().join("out");
    export(&mut draft, &out, &options(), &mut |_| {}).unwrap();
    let sheets = read_sheets(&output(&out, ".xlsx"));
    let found = sheets.values().any(|r| {
        r.used_cells()
            .any(|(_, _, c)| matches!(c, calamine::Data::String(s) if s.contains("4711")))
    });
    assert!(!found, "a hidden item's answer is not in the workbook");
    assert!(!pdf_pages(&output(&out, "-summary.pdf"))
        .concat()
        .contains("4711"));
}
