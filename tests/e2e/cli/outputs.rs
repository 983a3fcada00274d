//! No output replaces a file of the user's. Each output — the exported workbook, the PDF
//! summary, the pack, the filled NHS workbook (by `export` and by `fill`), an imported template
//! and extracted evidence — against each file that may already stand where it goes: the draft
//! itself, the workbook the draft was made from, a file the draft did not write, a previous
//! output of this draft, and a previous output edited since. The first three are always
//! refused (exit 2, one sentence naming the file and what to do, the file untouched, no other
//! output written); a previous output is replaced only while it is as the draft wrote it.

use std::path::{Path, PathBuf};

use super::*;

use super::workbook::fixtures;

const WORKBOOK: &str = "SCAL_fixture_v2.1.xlsx";
const ITEM: &str = "nhs-login.data-set";
const SLOT: &str = "nhs-login.technical-conformance-report";

/// An NHS workbook, the template imported from it, and a draft made from it with an answer
/// and one evidence file, all in one folder.
struct Setup {
    dir: Dir,
    book: PathBuf,
    draft: PathBuf,
    evidence_sha: String,
}

impl Setup {
    fn new(draft_name: &str) -> Setup {
        let dir = Dir::new();
        let book = dir.file(WORKBOOK, fixtures::workbook(fixtures::Style::Standard));
        let template = dir.path("scal.json");
        scal(["import-template", &p(&book), "--out", &p(&template)]).ok();
        // The draft keeps the workbook found beside the template.
        let draft = dir.path(draft_name);
        scal(["new", &p(&draft), "--template", &p(&template)]).ok();
        scal(["answer", &p(&draft), ITEM, "Yes"]).ok();
        let report = dir.file("tcr.pdf", b"%PDF-1.4 the test report");
        let attached = scal(["attach", &p(&draft), SLOT, &p(&report)])
            .ok()
            .to_string();
        let evidence_sha = attached
            .split_whitespace()
            .find(|w| w.len() == 64 && w.bytes().all(|b| b.is_ascii_hexdigit()))
            .unwrap_or_else(|| panic!("attach names the SHA-256: {attached}"))
            .to_string();
        Setup {
            dir,
            book,
            draft,
            evidence_sha,
        }
    }

    fn d(&self) -> String {
        p(&self.draft)
    }

    fn out(&self) -> PathBuf {
        self.dir.path("out")
    }
}

/// One kind of output: how to make it into `out`, and the file it makes there.
#[derive(Clone, Copy, Debug)]
enum Output {
    Workbook,
    Filled,
    Summary,
    Pack,
    Fill,
    Template,
    Evidence,
}

const EVERY: [Output; 7] = [
    Output::Workbook,
    Output::Filled,
    Output::Summary,
    Output::Pack,
    Output::Fill,
    Output::Template,
    Output::Evidence,
];

impl Output {
    /// The file this output writes in `s.out()`.
    fn target(self, s: &Setup) -> PathBuf {
        let stem = s.draft.file_stem().unwrap().to_string_lossy().into_owned();
        let name = match self {
            Output::Workbook => format!("{stem}.xlsx"),
            Output::Filled => format!("{stem}-filled.xlsx"),
            Output::Summary => format!("{stem}-summary.pdf"),
            Output::Pack => format!("{stem}-pack.zip"),
            Output::Fill => "filled-by-hand.xlsx".to_string(),
            Output::Template => "template.json".to_string(),
            Output::Evidence => "tcr-copy.pdf".to_string(),
        };
        s.out().join(name)
    }

    /// Runs the command that writes this output.
    fn run(self, s: &Setup) -> Run {
        let out = p(&s.out());
        let target = p(&self.target(s));
        let d = s.d();
        match self {
            Output::Workbook | Output::Filled => scal(["export", &d, "--out", &out, "--xlsx"]),
            Output::Summary => scal(["export", &d, "--out", &out, "--pdf"]),
            Output::Pack => scal(["export", &d, "--out", &out, "--pack"]),
            Output::Fill => scal(["fill", &d, "--out", &target]),
            Output::Template => scal(["import-template", &p(&s.book), "--out", &target]),
            Output::Evidence => {
                scal(["evidence", "extract", &d, &s.evidence_sha, "--out", &target])
            }
        }
    }
}

/// Puts a file of the user's where an output goes (test setup: atomicity is irrelevant).
fn put(path: &Path, bytes: &[u8]) {
    #[allow(clippy::disallowed_methods, reason = "test fixture")]
    std::fs::write(path, bytes).unwrap();
}

/// Every file in `dir` with its bytes (none when the folder is missing).
fn folder(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|e| e.unwrap())
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

/// The draft still opens and still holds its answer and evidence.
fn assert_draft_whole(s: &Setup) {
    let show = show_json(&s.draft);
    assert_eq!(item(&show, ITEM)["value"], "Yes", "the answer is gone");
    let list = scal(["evidence", "list", &s.d(), "--json"]).json();
    assert!(
        list.to_string().contains(&s.evidence_sha),
        "the evidence is gone: {list}"
    );
}

/// Asserts a refusal that left the output folder exactly as it was.
#[track_caller]
fn assert_refused(s: &Setup, output: Output, wanted: &[&str]) {
    let before = folder(&s.out());
    let run = output.run(s);
    run.fails_with(wanted);
    assert_eq!(
        folder(&s.out()),
        before,
        "{output:?}: the folder changed although the output was refused"
    );
}

#[test]
fn an_export_never_replaces_the_draft_it_exports() {
    // The report's own case: a draft named like the workbook it exports, exported beside itself.
    let dir = Dir::new();
    let draft = dir.path("e.xlsx");
    scal(["new", &p(&draft), "--template", FLAGSHIP]).ok();
    scal(["answer", &p(&draft), "supplier-name", "Acme Health Ltd"]).ok();
    let before = folder(dir.tmp.path());
    scal(["export", &p(&draft), "--out", &p(dir.tmp.path())]).fails_with(&[
        "e.xlsx",
        "is the draft itself",
        "choose another folder",
    ]);
    assert_eq!(
        folder(dir.tmp.path()),
        before,
        "nothing was written or left"
    );
    let show = show_json(&draft);
    assert_eq!(item(&show, "supplier-name")["value"], "Acme Health Ltd");
}

#[test]
fn no_output_replaces_the_draft_under_any_name() {
    let s = Setup::new("acme.scal");
    std::fs::create_dir(s.out()).unwrap();
    for output in EVERY {
        // The draft itself, standing where the output goes (a hard link: the same file).
        let target = output.target(&s);
        std::fs::hard_link(&s.draft, &target).unwrap();
        let wanted = match output {
            // Any database is refused before anything else is asked.
            Output::Template => vec!["is a SCAL draft"],
            _ => vec!["is the draft itself"],
        };
        let mut wanted = wanted;
        let name = target.file_name().unwrap().to_string_lossy().into_owned();
        wanted.push(&name);
        assert_refused(&s, output, &wanted);
        std::fs::remove_file(&target).unwrap();
        assert_draft_whole(&s);
    }
    // By its own name too, and its SQLite companion files.
    scal(["fill", &s.d(), "--out", &s.d()]).fails_with(&["acme.scal", "is the draft itself"]);
    let wal = format!("{}-wal", s.d());
    scal(["fill", &s.d(), "--out", &wal]).fails_with(&["acme.scal-wal", "belongs to the draft"]);
    assert!(!Path::new(&wal).exists());
    scal(["import-template", &p(&s.book), "--out", &s.d()])
        .fails_with(&["acme.scal", "is a SCAL draft"]);
    // Another draft is never replaced either.
    let other = s.dir.path("other.scal");
    std::fs::copy(&s.draft, &other).unwrap();
    scal(["fill", &s.d(), "--out", &p(&other)]).fails_with(&["other.scal", "is a SCAL draft"]);
    assert_draft_whole(&s);
}

#[test]
fn no_output_replaces_the_workbook_the_draft_was_made_from() {
    // The report's case: a draft named after its NHS workbook, exported into that folder.
    let s = Setup::new("SCAL_fixture_v2.1.scal");
    let original = std::fs::read(&s.book).unwrap();
    let before = folder(s.dir.tmp.path());
    scal(["export", &s.d(), "--out", &p(s.dir.tmp.path())])
        .fails_with(&[WORKBOOK, "is the NHS workbook this draft was made from"]);
    assert_eq!(folder(s.dir.tmp.path()), before, "nothing was written");
    scal(["fill", &s.d(), "--out", &p(&s.book)])
        .fails_with(&[WORKBOOK, "is the NHS workbook this draft was made from"]);
    assert_eq!(std::fs::read(&s.book).unwrap(), original);

    // Under any other name, recognised by its SHA-256.
    std::fs::create_dir(s.out()).unwrap();
    for output in EVERY {
        let target = output.target(&s);
        std::fs::copy(&s.book, &target).unwrap();
        let wanted = match output {
            Output::Template => "is the workbook being imported",
            _ => "is the NHS workbook this draft was made from",
        };
        let name = target.file_name().unwrap().to_string_lossy().into_owned();
        assert_refused(&s, output, &[&name, wanted]);
        assert_eq!(std::fs::read(&target).unwrap(), original);
        std::fs::remove_file(&target).unwrap();
    }
    assert_draft_whole(&s);
}

#[test]
fn no_output_replaces_a_file_the_draft_did_not_write() {
    let s = Setup::new("acme.scal");
    std::fs::create_dir(s.out()).unwrap();
    for output in EVERY {
        let target = output.target(&s);
        let name = target.file_name().unwrap().to_string_lossy().into_owned();
        let mine = format!("my own notes, kept as {name}");
        put(&target, mine.as_bytes());
        let wanted = match output {
            Output::Template => "already exists and holds something else: move it away",
            Output::Evidence => "already exists and holds something else: extract never replaces",
            _ => "was not written by this draft: move it away",
        };
        assert_refused(&s, output, &[&name, wanted]);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), mine);
        std::fs::remove_file(&target).unwrap();
    }
}

#[test]
fn a_previous_output_of_this_draft_is_replaced_while_unchanged() {
    let s = Setup::new("acme.scal");
    for output in EVERY {
        output.run(&s).ok();
        let first = std::fs::read(output.target(&s)).unwrap();
        // A change the output shows (where it shows answers), then the same output again.
        scal(["answer", &s.d(), "nhs-login.data-set", "No"]).ok();
        scal([
            "answer",
            &s.d(),
            ITEM,
            "Yes",
            "--comment",
            &format!("{output:?} again"),
        ])
        .ok();
        let again = output.run(&s);
        again.ok();
        let second = std::fs::read(output.target(&s)).unwrap();
        match output {
            // The same bytes: the template and the evidence do not change with answers.
            Output::Template | Output::Evidence => assert_eq!(first, second, "{output:?}"),
            _ => assert_ne!(
                first, second,
                "{output:?}: the previous output was not replaced"
            ),
        }
    }
}

/// Extract never replaces a file, not even an unchanged output of the same draft: only a file
/// that already holds the very evidence is left as it is (and said to be).
#[test]
fn extract_onto_an_earlier_export_of_the_draft_is_refused() {
    let s = Setup::new("acme.scal");
    Output::Summary.run(&s).ok();
    let summary = Output::Summary.target(&s);
    let exported = std::fs::read(&summary).unwrap();
    scal([
        "evidence",
        "extract",
        &s.d(),
        &s.evidence_sha,
        "--out",
        &p(&summary),
    ])
    .fails_with(&[
        "acme-summary.pdf",
        "already exists and holds something else",
    ]);
    assert_eq!(std::fs::read(&summary).unwrap(), exported);
}

#[test]
fn a_previous_output_edited_since_is_not_replaced() {
    let s = Setup::new("acme.scal");
    for output in EVERY {
        output.run(&s).ok();
        let target = output.target(&s);
        let mut edited = std::fs::read(&target).unwrap();
        edited.extend_from_slice(b"\nedited by hand after the export");
        put(&target, &edited);
        let name = target.file_name().unwrap().to_string_lossy().into_owned();
        let wanted = match output {
            Output::Template | Output::Evidence => "already exists and holds something else",
            _ => "has been changed since",
        };
        assert_refused(&s, output, &[&name, wanted]);
        assert_eq!(std::fs::read(&target).unwrap(), edited, "{output:?}");
        std::fs::remove_file(&target).unwrap();
    }
}

/// A failed export leaves no folder it created behind: here the disk fills up while the pack
/// is written into folders the export made for it.
#[test]
fn a_failed_export_removes_the_folders_it_created() {
    let Some(disk) = super::faults::SmallDisk::mount(8, "a failed export removes its folders")
    else {
        return;
    };
    let dir = Dir::new();
    let draft = dir.draft("acme.scal");
    scal([
        "answer",
        &p(&draft),
        "nhs-services",
        "UEC Appointment Booking: Consumer",
    ])
    .ok();
    let big = dir.path("load-test.pdf");
    super::faults::write_big_file(&big, 12 * 1024 * 1024, 3);
    scal(["attach", &p(&draft), "uec-consumer.tcr", &p(&big)]).ok();
    let out = disk.mount.join("submissions/2026/june");
    scal(["export", &p(&draft), "--out", &p(&out)]).fails_with(&["the disk is full"]);
    let left: Vec<String> = std::fs::read_dir(&disk.mount)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "the failed export left {left:?} behind");
}
