//! `scal export` and `scal verify-pack`: the files land, the pack verifies, a tampered pack
//! exits 1 naming each entry, bad input exits 2 with one line.

use super::*;

const AT: &str = "2026-06-15T10:30:00Z";

/// A draft with a formula-like supplier name, a Welsh product name and one evidence file
/// whose content is easy to find inside the pack.
fn prepared(dir: &Dir) -> PathBuf {
    let draft = dir.draft("acme.scal");
    let d = p(&draft);
    scal(["answer", &d, "supplier-name", "=1+1"]).ok();
    scal([
        "answer",
        &d,
        "product-name",
        "Gwasanaeth Iechyd \u{175}\u{177}",
    ])
    .ok();
    scal([
        "answer",
        &d,
        "isms",
        "No",
        "--comment",
        "ISO 27001 audit booked for July",
    ])
    .ok();
    let evidence = dir.file(
        "isms-certificate.pdf",
        b"%PDF-1.4 MARKER-7f3a certificate body\n".repeat(20),
    );
    scal(["attach", &d, "isms", &p(&evidence)]).ok();
    draft
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn export_writes_the_workbook_pdf_and_pack_and_the_pack_verifies() {
    let dir = Dir::new();
    let draft = prepared(&dir);
    let out = dir.path("out");
    let run = scal(["export", &p(&draft), "--out", &p(&out), "--at", AT]);
    let said = run.ok();
    assert_eq!(run.stderr, "", "no progress bar without a terminal");
    for name in ["acme.xlsx", "acme-summary.pdf", "acme-pack.zip"] {
        assert!(out.join(name).is_file(), "{name} missing");
        assert!(said.contains(name), "stdout does not name {name}: {said}");
    }
    assert!(
        said.contains("Verified:") && said.contains("read back"),
        "{said}"
    );
    assert!(
        said.contains("blocking issue"),
        "an incomplete draft is still exported, and says so: {said}"
    );

    let run = scal(["verify-pack", &p(&out.join("acme-pack.zip"))]);
    let said = run.ok();
    assert!(said.starts_with("Confirmed:"), "{said}");
    assert!(
        said.contains(FLAGSHIP) && said.contains("2026-06-15T10:30:00Z"),
        "{said}"
    );

    // The evidence sits in the pack byte for byte (stored, not compressed).
    let pack = read(&out.join("acme-pack.zip"));
    let marker = b"MARKER-7f3a";
    assert!(pack.windows(marker.len()).any(|w| w == marker));
}

#[test]
fn the_flags_choose_which_files_are_written() {
    let dir = Dir::new();
    let draft = prepared(&dir);
    let out = dir.path("pdf-only");
    scal(["export", &p(&draft), "--out", &p(&out), "--pdf"]).ok();
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["acme-summary.pdf".to_string()]);

    let out = dir.path("two");
    scal(["export", &p(&draft), "--out", &p(&out), "--xlsx", "--pack"]).ok();
    assert!(out.join("acme.xlsx").is_file() && out.join("acme-pack.zip").is_file());
    assert!(!out.join("acme-summary.pdf").exists());
}

#[test]
fn the_same_draft_exported_at_the_same_time_gives_the_same_files() {
    let dir = Dir::new();
    let draft = prepared(&dir);
    let (a, b) = (dir.path("a"), dir.path("b"));
    scal(["export", &p(&draft), "--out", &p(&a), "--at", AT]).ok();
    scal(["export", &p(&draft), "--out", &p(&b), "--at", AT]).ok();
    for name in ["acme.xlsx", "acme-summary.pdf", "acme-pack.zip"] {
        assert!(read(&a.join(name)) == read(&b.join(name)), "{name} differs");
    }
}

#[test]
fn a_tampered_pack_exits_1_naming_the_entry() {
    let dir = Dir::new();
    let draft = prepared(&dir);
    let out = dir.path("out");
    scal(["export", &p(&draft), "--out", &p(&out), "--at", AT]).ok();
    let mut pack = read(&out.join("acme-pack.zip"));
    let marker = b"MARKER-7f3a";
    let at = pack
        .windows(marker.len())
        .position(|w| w == marker)
        .unwrap();
    pack[at] = b'X';
    let tampered = dir.file("tampered.zip", &pack);

    let run = scal(["verify-pack", &p(&tampered)]);
    assert_eq!(
        run.code, 1,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert_eq!(run.stderr, "");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one line per mismatch: {lines:?}");
    assert!(
        lines[0].starts_with("evidence/isms-certificate.pdf: "),
        "{}",
        lines[0]
    );
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let dir = Dir::new();
    let not_zip = dir.file("notes.zip", "just text");
    scal(["verify-pack", &p(&not_zip)]).fails_with(&["notes.zip", "is not a submission pack"]);
    scal(["verify-pack", &p(&dir.path("absent.zip"))]).fails_with(&["absent.zip"]);

    let draft = prepared(&dir);
    let file = dir.file("a-file", "x");
    scal(["export", &p(&draft), "--out", &p(&file)]).fails_with(&["a-file", "is not a folder"]);
    scal([
        "export",
        &p(&dir.path("missing.scal")),
        "--out",
        &p(&dir.path("o")),
    ])
    .fails_with(&["missing.scal"]);
    scal([
        "export",
        &p(&draft),
        "--out",
        &p(&dir.path("o")),
        "--at",
        "yesterday",
    ])
    .fails_with(&["yesterday", "is not a time"]);
}
