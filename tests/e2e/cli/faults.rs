//! Faults around the built `scal`: kill -9 at random moments of a scripted session, a disk that
//! fills up during attach and export, and drafts damaged as a power cut or a bad copy leaves
//! them. What a killed run left is checked with the store's own reader (integrity, whole blobs)
//! and by reading the exported files back independently.
//!
//! Randomised tests print their seed; `SCAL_FAULT_SEED=N` repeats a run. The scripted session
//! runs a fixed number of steps here; the ignored soak runs the same code until a thousand runs
//! were killed (`scripts/soak.sh`, docs/TESTING.md).
//!
//! The disk-full tests mount a small tmpfs, which needs root (CI and the project's machines run
//! as root). Where mounting is refused they print a `SKIPPED` line, except under `SCAL_REQUIRE_TMPFS=1`,
//! where they fail: a CI that silently stopped testing a full disk would be worse than a red
//! build, while a developer without root should still be able to run everything else.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::Digest as _;

use super::*;

const MIB: u64 = 1024 * 1024;

/// The seed for a randomised test: `SCAL_FAULT_SEED` to repeat a run, else the clock.
pub fn seed(test: &str) -> u64 {
    let seed = std::env::var("SCAL_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("{test}: seed {seed} (repeat with SCAL_FAULT_SEED={seed})");
    seed
}

/// xorshift64*: small and seedable.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0 | 1;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Writes `len` bytes that do not compress, without holding them in memory.
pub fn write_big_file(path: &Path, len: u64, seed: u64) {
    use std::io::Write as _;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut rng = Rng(seed);
    let mut block = vec![0u8; MIB as usize];
    let mut left = len;
    while left > 0 {
        for chunk in block.chunks_mut(8) {
            chunk.copy_from_slice(&rng.next().to_le_bytes()[..chunk.len()]);
        }
        let take = left.min(MIB) as usize;
        f.write_all(&block[..take]).unwrap();
        left -= take as u64;
    }
    f.flush().unwrap();
}

fn sha256_file(path: &Path) -> (String, u64) {
    let mut hasher = sha2::Sha256::new();
    let mut f = std::fs::File::open(path).unwrap();
    let n = std::io::copy(&mut f, &mut hasher).unwrap();
    (hex::encode(hasher.finalize()), n)
}

// ---------------------------------------------------------------------------------------------
// kill -9 during a scripted session

/// Text items of the flagship template the script answers (free text; the `nsd-*` ones are
/// asked only when `nsd-registered` is No, but any item takes a value).
const TEXT_ITEMS: [&str; 6] = [
    "supplier-name",
    "product-name",
    "cso-name",
    "nsd-desk-name",
    "nsd-phone",
    "nsd-hours-weekday",
];
/// Evidence slots the script attaches to (evidence may be linked to any item).
const SLOTS: [&str; 2] = ["uec-consumer.tcr", "uec-provider.tcc"];
/// The section `copy-answers` copies from the source draft, the items the source answers in it
/// (each a value and a comment, so a copy changes both) and the item its evidence is linked to.
const COPY_SECTION: &str = "supplier-product";
const COPIED_ITEMS: [&str; 3] = ["supplier-name", "product-name", "cso-name"];
const COPIED_EVIDENCE_ITEM: &str = "supplier-name";
/// The commands the script runs, in the order the summary lists them.
const COMMANDS: [&str; 6] = [
    "answer",
    "apply",
    "attach",
    "copy-answers",
    "upgrade",
    "export",
];

/// Runs of one command: all, killed by SIGKILL, and acknowledged (exit 0 on its own).
#[derive(Default, Clone, Copy)]
struct Tally {
    runs: usize,
    killed: usize,
    acked: usize,
}

/// What the script was told, and what it tried without being told.
#[derive(Default)]
struct Ledger {
    /// Item -> counter of the newest value known to be in the draft: acknowledged (exit 0), or
    /// a killed copy the check after it saw land.
    acked: BTreeMap<String, u64>,
    /// The highest counter ever sent (answers, applies and copies), acknowledged or not.
    sent: u64,
    /// Applies that were killed: their counter and items, to check all-or-nothing.
    killed_applies: Vec<(u64, Vec<String>)>,
    /// Item -> counter of the newest copy that landed: the source's value names no counter.
    copied: BTreeMap<String, u64>,
    /// Copies that landed (each took one "before copy" snapshot); whether one brought the
    /// source's evidence link (only the first that lands does: the link is there after it).
    copies_landed: usize,
    copied_link: bool,
    /// Killed runs that had committed all the same (the whole branch of whole-or-nothing).
    killed_copies_landed: usize,
    killed_upgrades_landed: usize,
    /// Attaches acknowledged, by slot and SHA-256, and attempted in all.
    attached: Vec<(String, String)>,
    attach_attempts: usize,
    /// Upgrades tried, and the template version of every revision the draft holds: exact, since
    /// the check after each upgrade sees whether a killed one landed.
    upgrades_sent: usize,
    revisions: Vec<String>,
    runs: BTreeMap<&'static str, Tally>,
    steps: usize,
    /// Checks run, and acknowledged answers found in place over all of them.
    checks: usize,
    answers_checked: usize,
}

/// What the last check found: where the next step starts from.
#[derive(Default)]
struct Seen {
    /// Each item's answer (value and comment) as its Debug text, to compare states whole.
    answers: BTreeMap<String, String>,
    /// (item, SHA-256) of every evidence link, sorted.
    links: Vec<(String, String)>,
}

/// What the step just run may have changed, for the check after it to settle exactly.
#[derive(Default)]
enum Pending {
    /// Nothing ran yet.
    #[default]
    Nothing,
    /// `answer`, `apply`: answers only, as the ledger says.
    Answers,
    /// `attach`, `export`: no answer.
    NoAnswers,
    /// `copy-answers`, with its counter: the copied items hold the source's answers and its
    /// evidence is linked, with a new "before copy" snapshot, or nothing changed at all.
    Copy { n: u64, acked: bool },
    /// `upgrade`: a new revision at `version`, or none; every answer as it was either way.
    Upgrade { version: String, acked: bool },
}

struct Session {
    dir: PathBuf,
    draft: PathBuf,
    out: PathBuf,
    files: Vec<(PathBuf, String)>,
    /// The draft `copy-answers` copies from, its answers to COPIED_ITEMS (Debug text, as in
    /// `Seen`) and its evidence's SHA-256.
    source: PathBuf,
    source_answers: BTreeMap<String, String>,
    source_sha: String,
    /// The flagship template's JSON, which each upgrade gives a higher version.
    template: Json,
    rng: Rng,
    /// Typical duration of each kind of step, from runs that were not killed, so kills land
    /// anywhere inside a step rather than always at its start.
    typical: BTreeMap<&'static str, Duration>,
    ledger: Ledger,
    seen: Seen,
    pending: Pending,
}

impl Session {
    fn new(dir: &Path, seed: u64, evidence_mib: u64) -> Session {
        let draft = dir.join("killed.scal");
        scal(["new", &p(&draft), "--template", FLAGSHIP]).ok();
        // Both service sections asked, so the evidence linked to their slots is packed.
        scal([
            "answer",
            &p(&draft),
            "nhs-services",
            "UEC Appointment Booking: Consumer; UEC Appointment Booking: Provider",
        ])
        .ok();
        let files = (0..2u64)
            .map(|n| {
                let f = dir.join(format!("evidence-{n}.pdf"));
                write_big_file(&f, (evidence_mib >> n).max(1) * MIB + 17 * n, seed ^ n);
                let (sha, _) = sha256_file(&f);
                (f, sha)
            })
            .collect();

        // The source of copies: answers in one section, and evidence big enough that the
        // first copy to land streams it for a while.
        let source = dir.join("source.scal");
        scal(["new", &p(&source), "--template", FLAGSHIP]).ok();
        for item in COPIED_ITEMS {
            let value = format!("copied {item}");
            scal([
                "answer",
                &p(&source),
                item,
                &value,
                "--comment",
                "as in the source",
            ])
            .ok();
        }
        let certificate = dir.join("source-certificate.pdf");
        write_big_file(&certificate, (evidence_mib / 8).max(1) * MIB + 5, seed ^ 7);
        let (source_sha, _) = sha256_file(&certificate);
        scal([
            "attach",
            &p(&source),
            COPIED_EVIDENCE_ITEM,
            &p(&certificate),
        ])
        .ok();
        let source_answers = {
            let from = scal_store::Draft::open_read_only(&source).unwrap();
            answer_texts(&from)
        };

        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../schemas/templates/{FLAGSHIP}.json"));
        let template: Json =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let ledger = Ledger {
            revisions: vec![template["version"].as_str().unwrap().to_string()],
            ..Ledger::default()
        };
        Session {
            dir: dir.to_path_buf(),
            draft,
            out: dir.join("out"),
            files,
            source,
            source_answers,
            source_sha,
            template,
            rng: Rng(seed),
            typical: BTreeMap::new(),
            ledger,
            seen: Seen::default(),
            pending: Pending::Nothing,
        }
    }

    /// Runs `scal ARGS`; with `kill`, sends SIGKILL after a random part of the step's typical
    /// duration. Returns whether it exited 0 on its own (an acknowledgement).
    fn run(&mut self, kind: &'static str, args: &[String], kill: bool) -> bool {
        let typical = *self
            .typical
            .get(kind)
            .unwrap_or(&Duration::from_millis(300));
        let deadline = kill.then(|| {
            let micros = typical.as_micros().max(1000) as u64;
            Duration::from_micros(self.rng.below(micros * 11 / 10))
        });
        let (status, stderr, took) = run_killed_after(args, deadline);
        let tally = self.ledger.runs.entry(kind).or_default();
        tally.runs += 1;
        match status {
            None => {
                tally.killed += 1;
                false
            }
            Some(status) => {
                assert!(
                    status.success(),
                    "scal {args:?} failed after an earlier kill: {stderr}"
                );
                tally.acked += 1;
                self.typical
                    .entry(kind)
                    .and_modify(|t| *t = (*t + took) / 2)
                    .or_insert(took);
                true
            }
        }
    }

    fn step(&mut self) {
        self.ledger.steps += 1;
        let kill = self.rng.chance(45);
        let draft = p(&self.draft);
        self.pending = match self.rng.below(20) {
            0..=5 => {
                let item = TEXT_ITEMS[self.rng.below(TEXT_ITEMS.len() as u64) as usize];
                self.ledger.sent += 1;
                let n = self.ledger.sent;
                let args = [
                    "answer".into(),
                    draft,
                    item.into(),
                    format!(
                        "v{n} {}",
                        "long answer ".repeat(self.rng.below(400) as usize)
                    ),
                ];
                if self.run("answer", &args, kill) {
                    self.ledger.acked.insert(item.into(), n);
                }
                Pending::Answers
            }
            6..=8 => {
                self.ledger.sent += 1;
                let n = self.ledger.sent;
                let count = 2 + self.rng.below(TEXT_ITEMS.len() as u64 - 1) as usize;
                let items: Vec<String> =
                    TEXT_ITEMS[..count].iter().map(|s| s.to_string()).collect();
                let rows: Vec<Json> = items
                    .iter()
                    .map(|i| serde_json::json!({"item": i, "value": format!("v{n} applied"), "comment": format!("bulk {n}")}))
                    .collect();
                let file = self.dir.join(format!("answers-{n}.json"));
                scal_store::fsutil::write_atomic(
                    &file,
                    serde_json::json!({ "answers": rows })
                        .to_string()
                        .as_bytes(),
                )
                .unwrap();
                if self.run("apply", &["apply".into(), draft, p(&file)], kill) {
                    for i in items {
                        self.ledger.acked.insert(i, n);
                    }
                } else {
                    self.ledger.killed_applies.push((n, items));
                }
                Pending::Answers
            }
            9..=12 => {
                let slot = SLOTS[self.rng.below(SLOTS.len() as u64) as usize];
                let (file, sha) =
                    self.files[self.rng.below(self.files.len() as u64) as usize].clone();
                self.ledger.attach_attempts += 1;
                if self.run(
                    "attach",
                    &["attach".into(), draft, slot.into(), p(&file)],
                    kill,
                ) {
                    self.ledger.attached.push((slot.into(), sha));
                }
                Pending::NoAnswers
            }
            13..=14 => {
                self.ledger.sent += 1;
                let n = self.ledger.sent;
                let args = [
                    "copy-answers".into(),
                    p(&self.source),
                    draft,
                    "--sections".into(),
                    COPY_SECTION.into(),
                    "--yes".into(),
                ];
                let acked = self.run("copy-answers", &args, kill);
                Pending::Copy { n, acked }
            }
            15..=16 => {
                // Each upgrade is to a version never given before, so a killed one that did
                // not land leaves nothing to confuse with the next.
                self.ledger.upgrades_sent += 1;
                let version = format!("1.{}.0", self.ledger.upgrades_sent);
                let mut template = self.template.clone();
                template["version"] = Json::from(version.as_str());
                let file = self.dir.join(format!("template-{version}.json"));
                scal_store::fsutil::write_atomic(&file, template.to_string().as_bytes()).unwrap();
                let args = ["upgrade".into(), draft, "--to".into(), p(&file)];
                let acked = self.run("upgrade", &args, kill);
                Pending::Upgrade { version, acked }
            }
            _ => {
                let args = [
                    "export".into(),
                    draft,
                    "--out".into(),
                    p(&self.out),
                    "--xlsx".into(),
                    "--pack".into(),
                ];
                if self.run("export", &args, kill) {
                    // A finished export also cleared what killed exports of this draft left.
                    let leftovers: Vec<String> = std::fs::read_dir(&self.out)
                        .unwrap()
                        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                        .filter(|n| n.starts_with(".scal-export-"))
                        .collect();
                    assert!(
                        leftovers.is_empty(),
                        "staging left after an export: {leftovers:?}"
                    );
                }
                Pending::NoAnswers
            }
        };
    }

    /// What a crash must never leave, checked after every step; settles what the step did
    /// (whether a killed copy or upgrade landed) into the ledger.
    fn check(&mut self, context: &str) {
        let draft = scal_store::Draft::open(&self.draft)
            .unwrap_or_else(|e| panic!("{context}: the draft no longer opens: {e}"));
        let problems = draft.integrity_problems().unwrap();
        assert!(
            problems.is_empty(),
            "{context}: integrity_check: {problems:?}"
        );
        self.ledger.checks += 1;
        let answers = answer_texts(&draft);
        let mut links: Vec<(String, String)> = draft
            .evidence()
            .unwrap()
            .into_iter()
            .map(|l| (l.item, l.file.sha256))
            .collect();
        links.sort();
        let snapshots = draft.snapshots().unwrap();
        let taken = |reason| snapshots.iter().filter(|s| s.reason == reason).count();
        let revisions: Vec<String> = draft
            .template_revisions()
            .unwrap()
            .into_iter()
            .map(|r| r.template_version)
            .collect();

        // What the step did, exactly.
        match std::mem::take(&mut self.pending) {
            Pending::Nothing => {}
            Pending::Answers => assert_eq!(links, self.seen.links, "{context}: links changed"),
            Pending::NoAnswers => assert_eq!(
                answers, self.seen.answers,
                "{context}: answers changed in a step that gives none"
            ),
            Pending::Copy { n, acked } => {
                let source_link = (COPIED_EVIDENCE_ITEM.to_string(), self.source_sha.clone());
                let linked = self.seen.links.contains(&source_link);
                let changes = !linked
                    || COPIED_ITEMS
                        .iter()
                        .any(|i| self.seen.answers.get(*i) != self.source_answers.get(*i));
                let copies = taken(scal_store::SnapshotReason::BeforeCopy);
                let landed = copies == self.ledger.copies_landed + 1;
                assert!(
                    landed || copies == self.ledger.copies_landed,
                    "{context}: {copies} \"before copy\" snapshots after {} copies landed",
                    self.ledger.copies_landed
                );
                assert!(
                    (landed == changes) || (!acked && !landed),
                    "{context}: a copy (acknowledged: {acked}, with changes to make: {changes}) landed: {landed}"
                );
                // Whole: the copied items hold the source's answers, its evidence is linked,
                // nothing else changed. Or absent: nothing changed at all.
                let mut want_answers = self.seen.answers.clone();
                let mut want_links = self.seen.links.clone();
                if landed {
                    for item in COPIED_ITEMS {
                        want_answers.insert(item.into(), self.source_answers[item].clone());
                    }
                    if !linked {
                        want_links.push(source_link);
                        want_links.sort();
                    }
                }
                assert_eq!(
                    answers, want_answers,
                    "{context}: a copy that landed: {landed}, but the answers are not what it leaves"
                );
                assert_eq!(
                    links, want_links,
                    "{context}: a copy that landed: {landed}, but the links are not what it leaves"
                );
                if landed {
                    self.ledger.copies_landed += 1;
                    self.ledger.killed_copies_landed += usize::from(!acked);
                    self.ledger.copied_link |= !linked;
                    for item in COPIED_ITEMS {
                        self.ledger.acked.insert(item.into(), n);
                        self.ledger.copied.insert(item.into(), n);
                    }
                }
            }
            Pending::Upgrade { version, acked } => {
                let landed = revisions.len() == self.ledger.revisions.len() + 1;
                if landed {
                    assert_eq!(
                        (&revisions[..revisions.len() - 1], revisions.last()),
                        (&self.ledger.revisions[..], Some(&version)),
                        "{context}: an upgrade to {version} added the wrong revision"
                    );
                    self.ledger.revisions.push(version);
                    self.ledger.killed_upgrades_landed += usize::from(!acked);
                } else {
                    assert!(
                        !acked,
                        "{context}: an acknowledged upgrade to {version} added no revision"
                    );
                }
                // At the old revision with every answer, or at the new one with every answer
                // carried: either way each item holds what it held.
                assert_eq!(
                    answers, self.seen.answers,
                    "{context}: answers changed across an upgrade (landed: {landed})"
                );
                assert_eq!(
                    links, self.seen.links,
                    "{context}: links changed across an upgrade (landed: {landed})"
                );
            }
        }

        // The template in force is the newest revision; each upgrade that landed took its
        // snapshot with it; each copy that landed took one; nothing was archived.
        assert_eq!(
            revisions, self.ledger.revisions,
            "{context}: template revisions"
        );
        assert_eq!(
            Some(&draft.template().version),
            revisions.last(),
            "{context}: the template in force is not the newest revision"
        );
        assert_eq!(
            taken(scal_store::SnapshotReason::BeforeUpgrade),
            revisions.len() - 1,
            "{context}: \"before upgrade\" snapshots for {} revisions",
            revisions.len()
        );
        assert_eq!(
            taken(scal_store::SnapshotReason::BeforeCopy),
            self.ledger.copies_landed,
            "{context}: \"before copy\" snapshots"
        );
        let archived = draft.archived_answers().unwrap();
        assert!(
            archived.is_empty(),
            "{context}: an upgrade to the same items archived {archived:?}"
        );

        // Every acknowledged answer is there: the acknowledged value or one sent after it.
        let answers_now = draft.answers().unwrap();
        let counter = |item: &str| -> Option<u64> {
            let v = answers_now.get(item)?.value.as_ref()?.as_one()?.to_string();
            if v == format!("copied {item}") {
                return self.ledger.copied.get(item).copied();
            }
            v.strip_prefix('v')?.split(' ').next()?.parse().ok()
        };
        for (item, acked) in &self.ledger.acked {
            let found = counter(item).unwrap_or_else(|| {
                panic!("{context}: acknowledged answer v{acked} to {item} is gone")
            });
            assert!(
                found >= *acked && found <= self.ledger.sent,
                "{context}: {item} holds v{found}, but v{acked} was acknowledged and v{} the last sent",
                self.ledger.sent
            );
        }
        self.ledger.answers_checked += self.ledger.acked.len();
        // A killed apply landed whole or not at all (later writes may have replaced parts).
        for (n, items) in &self.ledger.killed_applies {
            let landed: Vec<&String> = items.iter().filter(|i| counter(i) == Some(*n)).collect();
            if !landed.is_empty() {
                for i in items {
                    assert!(
                        counter(i).is_some_and(|c| c >= *n),
                        "{context}: the killed apply v{n} landed for {landed:?} but not for {i}"
                    );
                }
            }
        }

        // Every link names a whole blob; every acknowledged attach is linked. Links to the same
        // content share one blob, which is read back once (the same file is attached again
        // and again: hashing it per link would make each check slower than the last).
        let evidence = draft.evidence().unwrap();
        let mut read_back = std::collections::BTreeSet::new();
        for link in &evidence {
            assert!(
                self.files.iter().any(|(_, sha)| *sha == link.file.sha256)
                    || link.file.sha256 == self.source_sha,
                "{context}: a link to content that was never attached or copied"
            );
            if !read_back.insert((link.file.sha256.clone(), link.file.size)) {
                continue;
            }
            let mut hasher = sha2::Sha256::new();
            let n = draft
                .extract(&link.file.sha256, &mut hasher)
                .unwrap_or_else(|e| panic!("{context}: link {} cannot be read: {e}", link.id));
            assert_eq!(n, link.file.size, "{context}: link {} is short", link.id);
            assert_eq!(
                hex::encode(hasher.finalize()),
                link.file.sha256,
                "{context}: link {} points at a partial blob",
                link.id
            );
        }
        let copied = usize::from(self.ledger.copied_link);
        assert!(
            links.len() >= self.ledger.attached.len() + copied
                && links.len() <= self.ledger.attach_attempts + copied,
            "{context}: {} links for {} acknowledged and {} attempted attaches and {copied} copied",
            links.len(),
            self.ledger.attached.len(),
            self.ledger.attach_attempts
        );
        for (slot, sha) in &self.ledger.attached {
            assert!(
                links.iter().any(|(item, s)| item == slot && s == sha),
                "{context}: an acknowledged attach to {slot} is missing"
            );
        }
        drop(draft);

        // The open for writing above removed whatever a killed attach or copy streamed in.
        let conn = rusqlite::Connection::open(&self.draft).unwrap();
        let unnamed: i64 = conn
            .query_row(
                "SELECT count(*) FROM blob_chunks WHERE body NOT IN (SELECT body FROM blobs)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(unnamed, 0, "{context}: streamed content left unnamed");
        drop(conn);

        check_export_folder(&self.out, context);
        self.seen = Seen { answers, links };
    }
}

/// Each item's answer (value and comment) as its Debug text: two states compare whole.
fn answer_texts(draft: &scal_store::Draft) -> BTreeMap<String, String> {
    draft
        .answers()
        .unwrap()
        .into_iter()
        .map(|(item, answer)| (item, format!("{answer:?}")))
        .collect()
}

/// An export folder after any number of kills: every visible file is whole (the workbook a
/// readable zip, the pack passing `verify-pack`); staging leftovers are hidden.
pub fn check_export_folder(out: &Path, context: &str) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with('.') {
            assert!(
                name.starts_with(".scal-export-") && name.ends_with(".partial"),
                "{context}: unexpected hidden entry {name}"
            );
            continue;
        }
        if name.ends_with("-pack.zip") {
            let run = scal(["verify-pack", &p(&path)]);
            assert_eq!(
                run.code, 0,
                "{context}: {name} in the export folder does not verify: {}{}",
                run.stdout, run.stderr
            );
        } else if name.ends_with(".xlsx") {
            let file = std::fs::File::open(&path).unwrap();
            let mut zip = zip::ZipArchive::new(file)
                .unwrap_or_else(|e| panic!("{context}: {name} is not whole: {e}"));
            for i in 0..zip.len() {
                let mut part = zip.by_index(i).unwrap();
                // Reading to the end checks each part's CRC.
                std::io::copy(&mut part, &mut std::io::sink())
                    .unwrap_or_else(|e| panic!("{context}: {name} is damaged: {e}"));
            }
        } else if name.ends_with("-summary.pdf") {
            let pdf = std::fs::read(&path).unwrap();
            let end = String::from_utf8_lossy(&pdf[pdf.len().saturating_sub(32)..]).into_owned();
            assert!(
                pdf.starts_with(b"%PDF-") && end.trim_end().ends_with("%%EOF"),
                "{context}: {name} is not a whole PDF"
            );
        } else {
            panic!("{context}: unexpected file {name} in the export folder");
        }
    }
}

/// Runs `scal ARGS`, sending SIGKILL once `deadline` has passed. Returns its exit status (none
/// when killed), what it wrote to stderr, and how long it ran.
fn run_killed_after(
    args: &[String],
    deadline: Option<Duration>,
) -> (Option<std::process::ExitStatus>, String, Duration) {
    let mut child = Command::new(scal_bin())
        .args(args)
        .env("SCAL_AUTHOR", AUTHOR)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if deadline.is_some_and(|d| started.elapsed() >= d) {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_micros(500));
    };
    let took = started.elapsed();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status, stderr, took)
}

/// When a scripted session stops.
#[derive(Clone, Copy)]
enum Until {
    /// After this many steps (the suite's short run).
    Steps(usize),
    /// Once this many runs have been killed, whatever the command (the soak).
    Killed(usize),
}

/// Runs the scripted session until `until`, checking after every step; prints a summary.
fn killed_session(test: &str, until: Until, evidence_mib: u64) {
    let seed = seed(test);
    let started = Instant::now();
    let dir = Dir::new();
    let mut session = Session::new(dir.tmp.path(), seed, evidence_mib);
    session.check(&format!("{test} before the first step (seed {seed})"));
    let killed = |l: &Ledger| l.runs.values().map(|t| t.killed).sum::<usize>();
    loop {
        let done = match until {
            Until::Steps(n) => session.ledger.steps >= n,
            Until::Killed(n) => killed(&session.ledger) >= n,
        };
        if done {
            break;
        }
        session.step();
        let steps = session.ledger.steps;
        session.check(&format!("{test} step {steps} (seed {seed})"));
        if matches!(until, Until::Killed(_)) && steps % 50 == 0 {
            eprintln!(
                "{test}: {steps} steps, {} killed, {} s",
                killed(&session.ledger),
                started.elapsed().as_secs()
            );
        }
    }
    let l = &session.ledger;
    eprintln!("{}", summary(test, l, seed, started.elapsed()));
    assert!(killed(l) > 0, "no step was killed: the test tested nothing");
    if let Until::Killed(n) = until {
        // Enough trials that every command is killed many times over; fewer is a short try.
        if n >= 100 {
            for command in COMMANDS {
                assert!(
                    l.runs.get(command).is_some_and(|t| t.killed > 0),
                    "{test}: {command} was never killed in {n} trials (seed {seed})"
                );
            }
        }
    }
}

/// The figures of a session: runs per command, what was checked.
fn summary(test: &str, l: &Ledger, seed: u64, took: Duration) -> String {
    let mut lines = vec![
        format!(
            "{test}: {} steps in {} s (seed {seed}), each followed by the full check",
            l.steps,
            took.as_secs()
        ),
        format!(
            "  {:<14}{:>8}{:>8}{:>14}",
            "command", "runs", "killed", "acknowledged"
        ),
    ];
    let mut all = Tally::default();
    for command in COMMANDS {
        let t = l.runs.get(command).copied().unwrap_or_default();
        all.runs += t.runs;
        all.killed += t.killed;
        all.acked += t.acked;
        lines.push(format!(
            "  {command:<14}{:>8}{:>8}{:>14}",
            t.runs, t.killed, t.acked
        ));
    }
    lines.push(format!(
        "  {:<14}{:>8}{:>8}{:>14}",
        "all", all.runs, all.killed, all.acked
    ));
    lines.push(format!(
        "  integrity failures: 0 (of {} checks: integrity_check, whole blobs, nothing unnamed, whole export files)",
        l.checks
    ));
    lines.push(format!(
        "  acknowledged answers checked: {} ({} items' newest acknowledged answers, over every check)",
        l.answers_checked,
        l.acked.len()
    ));
    lines.push(format!(
        "  acknowledged attaches: {}; copies landed: {} ({} of them killed after committing), whole each time; \
         template revisions: {} ({} from killed upgrades), every answer carried",
        l.attached.len(),
        l.copies_landed,
        l.killed_copies_landed,
        l.revisions.len(),
        l.killed_upgrades_landed
    ));
    lines.join("\n")
}

#[test]
fn kill_9_at_random_moments_loses_nothing_acknowledged() {
    killed_session("kill -9 during a scripted session", Until::Steps(24), 24);
}

/// `scal copy-answers --yes` killed at random moments, each time into a fresh target: the
/// target holds the whole copy (answers, both evidence files whole, the "before copy"
/// snapshot) or none of it, and no streamed content outlives the next open.
#[test]
fn a_copy_killed_part_way_lands_whole_or_not_at_all() {
    let test = "copy-answers killed part way";
    let seed = seed(test);
    let mut rng = Rng(seed);
    let dir = Dir::new();
    let from = dir.path("from.scal");
    scal(["new", &p(&from), "--template", FLAGSHIP]).ok();
    scal(["answer", &p(&from), "supplier-name", "Acme Health Ltd"]).ok();
    scal(["answer", &p(&from), "product-name", "Booker"]).ok();
    let mut shas = Vec::new();
    for (n, (item, mib)) in [("supplier-name", 16), ("dspt-standards-met", 8)]
        .into_iter()
        .enumerate()
    {
        let file = dir.path(&format!("evidence-{n}.pdf"));
        write_big_file(&file, mib * MIB, seed ^ n as u64);
        shas.push(sha256_file(&file).0);
        scal(["attach", &p(&from), item, &p(&file)]).ok();
    }
    shas.sort();

    let (mut whole, mut none, mut typical) = (0, 0, Duration::ZERO);
    for round in 0..8 {
        let context = format!("{test} round {round} (seed {seed})");
        let to = dir.path(&format!("to-{round}.scal"));
        scal(["new", &p(&to), "--template", FLAGSHIP]).ok();
        let args = [
            "copy-answers".to_string(),
            p(&from),
            p(&to),
            "--sections".into(),
            "supplier-product,ig-security-clinical-safety".into(),
            "--yes".into(),
        ];
        // The first round runs to the end, to learn how long a copy takes.
        let deadline = (round > 0).then(|| {
            let micros = typical.as_micros().max(1000) as u64;
            Duration::from_micros(rng.below(micros * 11 / 10))
        });
        let (status, stderr, took) = run_killed_after(&args, deadline);
        if let Some(status) = status {
            assert!(status.success(), "{context}: copy-answers failed: {stderr}");
            typical = took;
        }

        let draft = scal_store::Draft::open(&to)
            .unwrap_or_else(|e| panic!("{context}: the target no longer opens: {e}"));
        let problems = draft.integrity_problems().unwrap();
        assert!(problems.is_empty(), "{context}: {problems:?}");
        let answers = draft.answers().unwrap();
        let answer = |item: &str| {
            answers
                .get(item)
                .and_then(|a| a.value.as_ref()?.as_one().map(str::to_string))
        };
        let mut links: Vec<String> = draft
            .evidence()
            .unwrap()
            .into_iter()
            .map(|l| {
                let mut hasher = sha2::Sha256::new();
                let n = draft.extract(&l.file.sha256, &mut hasher).unwrap();
                assert_eq!(n, l.file.size, "{context}: {} is short", l.file.file_name);
                assert_eq!(hex::encode(hasher.finalize()), l.file.sha256, "{context}");
                l.file.sha256
            })
            .collect();
        links.sort();
        let snapshots = draft.snapshots().unwrap().len();
        let state = (
            answer("supplier-name"),
            answer("product-name"),
            links,
            snapshots,
        );
        if state.3 == 0 {
            assert_eq!(state, (None, None, vec![], 0), "{context}: a partial copy");
            none += 1;
        } else {
            let expected = (
                Some("Acme Health Ltd".to_string()),
                Some("Booker".to_string()),
                shas.clone(),
                1,
            );
            assert_eq!(state, expected, "{context}: a partial copy");
            whole += 1;
        }
        drop(draft);
        // Opening for writing removed any content streamed by a killed copy.
        let conn = rusqlite::Connection::open(&to).unwrap();
        let unnamed: i64 = conn
            .query_row(
                "SELECT count(*) FROM blob_chunks WHERE body NOT IN (SELECT body FROM blobs)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(unnamed, 0, "{context}: streamed content left behind");
    }
    eprintln!("{test}: {whole} whole, {none} absent (seed {seed})");
    assert!(
        none > 0,
        "no copy was stopped before it finished: the test tested nothing"
    );
}

#[test]
fn an_export_killed_part_way_leaves_the_earlier_files_and_the_next_export_clears_its_staging() {
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
    write_big_file(&big, 48 * MIB, 3);
    scal(["attach", &p(&draft), "uec-consumer.tcr", &p(&big)]).ok();
    let out = dir.path("out");
    scal(["export", &p(&draft), "--out", &p(&out), "--xlsx", "--pack"]).ok();
    let earlier: Vec<(String, Vec<u8>)> = ["acme.xlsx", "acme-pack.zip"]
        .iter()
        .map(|n| (n.to_string(), std::fs::read(out.join(n)).unwrap()))
        .collect();
    scal(["answer", &p(&draft), "supplier-name", "Acme Health"]).ok();

    // Killed while the new pack is being written in its staging folder.
    let mut child = Command::new(scal_bin())
        .args(["export", &p(&draft), "--out", &p(&out), "--xlsx", "--pack"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let staging_pack = || -> Option<u64> {
        std::fs::read_dir(&out)
            .ok()?
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".scal-export-"))
            .find_map(|e| std::fs::metadata(e.path().join("acme-pack.zip")).ok())
            .map(|m| m.len())
    };
    let started = Instant::now();
    while staging_pack().unwrap_or(0) < MIB {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the export ended first"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no pack appeared"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    for (name, bytes) in &earlier {
        assert!(
            std::fs::read(out.join(name)).unwrap() == *bytes,
            "{name} changed although the export was killed before it finished"
        );
    }
    check_export_folder(&out, "after the kill");
    assert!(
        staging_pack().is_some(),
        "the killed export's staging is hidden but there"
    );

    scal(["export", &p(&draft), "--out", &p(&out), "--xlsx", "--pack"]).ok();
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with('.')),
        "the next export left the killed one's staging: {names:?}"
    );
    check_export_folder(&out, "after the next export");
}

/// The soak: the session above with 64 MiB evidence until `SCAL_SOAK_TRIALS` runs (default
/// 1000) have been killed, across every command; the summary prints its figures
/// (docs/TESTING.md). Never silently short: an unreadable `SCAL_SOAK_TRIALS` fails.
#[test]
#[ignore = "soak: kill -9 at random moments of answer, apply, attach, copy-answers, upgrade and export (64 MiB evidence) until SCAL_SOAK_TRIALS runs (default 1000) were killed, checking after every step; about 20 minutes on 2 cores; run by scripts/soak.sh"]
fn soak_kill_9_trials() {
    let trials = match std::env::var("SCAL_SOAK_TRIALS") {
        Ok(n) => n
            .parse::<usize>()
            .unwrap_or_else(|_| panic!("SCAL_SOAK_TRIALS={n:?} is not a number of trials")),
        Err(_) => 1000,
    };
    assert!(trials > 0, "SCAL_SOAK_TRIALS=0 would test nothing");
    killed_session("soak", Until::Killed(trials), 64);
}

// ---------------------------------------------------------------------------------------------
// A full disk

/// A small tmpfs mounted for one test (shared with the store's suite).
pub use scal_testkit::SmallDisk;

#[test]
fn attach_on_a_full_disk_says_so_and_the_draft_stays_usable() {
    let Some(disk) = SmallDisk::mount(8, "attach on a full disk") else {
        return;
    };
    let outside = Dir::new();
    let big = outside.path("pen-test-report.pdf");
    write_big_file(&big, 24 * MIB, 1);
    let draft = disk.mount.join("on-small-disk.scal");
    scal(["new", &p(&draft), "--template", FLAGSHIP]).ok();
    scal(["answer", &p(&draft), "supplier-name", "Acme"]).ok();

    let line = scal(["attach", &p(&draft), "uec-consumer.tcr", &p(&big)])
        .fails_with(&["on-small-disk.scal", "the disk is full"])
        .to_string();
    assert!(!line.contains("os error"), "{line}");

    let show = show_json(&draft);
    assert_eq!(item(&show, "supplier-name")["value"], "Acme");
    scal(["answer", &p(&draft), "product-name", "Booking"]).ok();
    let small = outside.file("certificate.pdf", vec![7u8; 100_000]);
    scal(["attach", &p(&draft), "uec-consumer.tcc", &p(&small)]).ok();
    let list = scal(["evidence", "list", &p(&draft), "--json"]).json();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    let draft_state = scal_store::Draft::open(&draft).unwrap();
    assert!(draft_state.integrity_problems().unwrap().is_empty());
}

#[test]
fn export_onto_a_full_disk_says_so_and_leaves_the_earlier_export_whole() {
    let Some(disk) = SmallDisk::mount(8, "export onto a full disk") else {
        return;
    };
    let dir = Dir::new();
    let draft = dir.draft("acme.scal");
    scal(["answer", &p(&draft), "supplier-name", "Acme"]).ok();
    let out = disk.mount.join("exports");
    // An earlier export that fits.
    scal(["export", &p(&draft), "--out", &p(&out), "--xlsx"]).ok();
    let earlier = std::fs::read(out.join("acme.xlsx")).unwrap();

    // The consumer section is asked (so its evidence is packed) once the services grid names it.
    scal([
        "answer",
        &p(&draft),
        "nhs-services",
        "UEC Appointment Booking: Consumer",
    ])
    .ok();
    let big = dir.path("load-test.pdf");
    write_big_file(&big, 12 * MIB, 2);
    scal(["attach", &p(&draft), "uec-consumer.tcr", &p(&big)]).ok();
    scal(["answer", &p(&draft), "supplier-name", "Acme Health"]).ok();
    let line = scal(["export", &p(&draft), "--out", &p(&out)])
        .fails_with(&["the disk is full", "exports"])
        .to_string();
    assert!(
        !line.contains("os error") && !line.contains(".partial") && !line.contains(".scal-export-"),
        "{line}"
    );

    // The earlier workbook is untouched, nothing half-written is visible, staging is gone.
    assert_eq!(std::fs::read(out.join("acme.xlsx")).unwrap(), earlier);
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["acme.xlsx"],
        "the failed export left files behind"
    );

    // The draft is intact and usable: answers kept, and an export elsewhere works.
    assert_eq!(
        item(&show_json(&draft), "supplier-name")["value"],
        "Acme Health"
    );
    scal(["answer", &p(&draft), "product-name", "Booking"]).ok();
    let elsewhere = dir.path("roomy");
    scal(["export", &p(&draft), "--out", &p(&elsewhere)]).ok();
    check_export_folder(&elsewhere, "export after a full disk");
}

// ---------------------------------------------------------------------------------------------
// Drafts damaged as a power cut or a bad copy leaves them

/// Every command that opens a draft; each must refuse a damaged one the same way.
fn opening_commands(draft: &Path, spare: &Path) -> Vec<Vec<String>> {
    let (d, s) = (p(draft), p(spare));
    let v = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        v(&["show", &d]),
        v(&["check", &d, "--json"]),
        v(&["answer", &d, "supplier-name", "Acme"]),
        v(&["apply", &d, &s]),
        v(&["attach", &d, "uec-consumer.tcr", &s]),
        v(&["evidence", "list", &d]),
        v(&["status", &d, "uec-consumer", "Complete"]),
        v(&["export", &d, "--out", &format!("{d}.out")]),
    ]
}

#[test]
fn damaged_drafts_are_refused_by_every_command_with_one_line() {
    let dir = Dir::new();
    let good = dir.draft("good.scal");
    scal(["answer", &p(&good), "supplier-name", "Acme"]).ok();
    let report = dir.file("report.pdf", vec![3u8; 300_000]);
    scal(["attach", &p(&good), "uec-consumer.tcr", &p(&report)]).ok();
    let spare = dir.file(
        "answers.json",
        r#"{"answers": [{"item": "product-name", "value": "X"}]}"#,
    );
    let original = std::fs::read(&good).unwrap();
    let len = original.len();
    assert!(len > 300_000);
    let seed = seed("damaged drafts");
    let mut rng = Rng(seed);
    let mut random = vec![0u8; len];
    for chunk in random.chunks_mut(8) {
        chunk.copy_from_slice(&rng.next().to_le_bytes()[..chunk.len()]);
    }
    // The header's user_version (offset 60) and application_id (offset 68), big-endian.
    let mut newer = original.clone();
    newer[60..64].copy_from_slice(&99u32.to_be_bytes());
    let mut foreign = original.clone();
    foreign[68..72].copy_from_slice(&0x1234_5678u32.to_be_bytes());

    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        ("empty", Vec::new(), &["not a SCAL draft"]),
        ("zero-filled", vec![0; len], &["not a SCAL draft"]),
        ("random bytes", random, &["not a SCAL draft"]),
        (
            "cut at half",
            original[..len / 2].to_vec(),
            &["cut off while copying"],
        ),
        ("cut in the header", original[..50].to_vec(), &["damaged"]),
        (
            "newer schema",
            newer,
            &["newer SCAL Workbench", "format 99"],
        ),
        ("another program's database", foreign, &["not a SCAL draft"]),
    ];
    for (name, content, wanted) in cases {
        let path = dir.path(&format!("{name}.scal"));
        scal_store::fsutil::write_atomic(&path, &content).unwrap();
        for args in opening_commands(&path, &spare) {
            let run = scal(&args);
            let mut want = wanted.to_vec();
            let shown = p(&path);
            want.push(&shown);
            run.fails_with(&want);
        }
        assert_eq!(
            std::fs::read(&path).unwrap(),
            content,
            "{name}: a refused draft was altered"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_file_or_folder_refuses_changes_but_shows_the_draft() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = Dir::new();
    let folder = dir.path("shared");
    std::fs::create_dir(&folder).unwrap();
    let draft = folder.join("acme.scal");
    scal(["new", &p(&draft), "--template", FLAGSHIP]).ok();
    scal(["answer", &p(&draft), "supplier-name", "Acme"]).ok();
    let before = std::fs::read(&draft).unwrap();
    for (what, target, mode) in [
        ("read-only file", draft.clone(), 0o444),
        ("read-only folder", folder.clone(), 0o555),
    ] {
        let restore = if target.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(mode)).unwrap();
        let show = scal(["show", &p(&draft), "--json"]);
        let answer = scal(["answer", &p(&draft), "product-name", "Booking"]);
        let second = folder.join(format!("second-{mode:o}.scal"));
        let new = scal(["new", &p(&second), "--template", FLAGSHIP]);
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(restore)).unwrap();
        let shown: Json = serde_json::from_str(show.ok()).unwrap();
        assert_eq!(item(&shown, "supplier-name")["value"], "Acme", "{what}");
        answer.fails_with(&["acme.scal", "read-only"]);
        if mode == 0o555 {
            new.fails_with(&["second-555.scal", "read-only"]);
        }
        assert_eq!(
            std::fs::read(&draft).unwrap(),
            before,
            "{what}: draft altered"
        );
    }
}

#[test]
fn a_draft_open_elsewhere_is_refused_and_left_alone() {
    let dir = Dir::new();
    let draft = dir.draft("acme.scal");
    scal(["answer", &p(&draft), "supplier-name", "Acme"]).ok();
    // The app (here: the store in this process) holds the draft open.
    let held = scal_store::Draft::open(&draft).unwrap();
    let spare = dir.file("answers.json", r#"{"answers": []}"#);
    for args in opening_commands(&draft, &spare) {
        scal(&args).fails_with(&["acme.scal", "already open"]);
    }
    drop(held);
    scal(["answer", &p(&draft), "product-name", "Booking"]).ok();
    assert_eq!(item(&show_json(&draft), "supplier-name")["value"], "Acme");
}
