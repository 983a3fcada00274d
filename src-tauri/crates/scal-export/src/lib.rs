//! Exports: the SCAL workbook (xlsx), the PDF summary, and the submission pack (both of them
//! plus every evidence file and a manifest of SHA-256 hashes), each read back and checked
//! before it is put in place.
//!
//! Invariants:
//! - nothing reaches the output folder unverified: every file is built in a temporary folder
//!   beside it, read back with an independent reader, and only then renamed into place, so an
//!   earlier export there is replaced whole or not at all;
//! - evidence is streamed from the draft into the pack, one chunk at a time: a pack of
//!   gigabytes needs no memory in proportion;
//! - the same draft exported at the same time gives byte-identical workbook and PDF.

mod error;
mod filled;
pub mod names;
mod pack;
mod pdf;
mod readback;
mod snapshot;
mod xlsx;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use scal_store::{Draft, ExportRecord, StoreError};

pub use error::ExportError;
pub use filled::{fill_draft, source_bytes as source_workbook_bytes};
pub use pack::{verify_pack, Manifest, ManifestFile, PackMismatch, PackReport};
pub use snapshot::TOOL_VERSION;

/// What to export, and as of when.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub xlsx: bool,
    pub pdf: bool,
    pub pack: bool,
    /// The export time written into every file; `None` means now. The same draft exported
    /// with the same time gives the same workbook and PDF, byte for byte.
    pub at: Option<DateTime<Utc>>,
    /// The day the completeness rules are checked against; `None` means the export's day.
    pub today: Option<NaiveDate>,
    /// Who exports, recorded with the "as submitted" snapshot; `None` means
    /// `scal_store::default_author()`.
    pub author: Option<String>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            xlsx: true,
            pdf: true,
            pack: true,
            at: None,
            today: None,
            author: None,
        }
    }
}

/// Where a long export has got to, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportProgress {
    pub stage: ExportStage,
    /// Work done and to do in this stage: bytes for evidence, steps otherwise.
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportStage {
    Reading,
    Workbook,
    Summary,
    Evidence,
    Verifying,
    Finishing,
}

impl ExportStage {
    pub fn describe(self) -> &'static str {
        match self {
            ExportStage::Reading => "Reading the draft",
            ExportStage::Workbook => "Writing the workbook",
            ExportStage::Summary => "Writing the PDF summary",
            ExportStage::Evidence => "Packing the evidence",
            ExportStage::Verifying => "Reading the files back",
            ExportStage::Finishing => "Moving the files into place",
        }
    }
}

/// Something the export did that the user should know about, although the files are sound
/// (text cut at Excel's cell limit, a sheet renamed to meet Excel's rules, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportWarning {
    pub item: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ExportWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Workbook,
    /// The NHS workbook the template was imported from, filled in place.
    FilledWorkbook,
    Summary,
    Pack,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedFile {
    pub kind: ExportKind,
    pub path: PathBuf,
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Clone)]
pub struct ExportOutcome {
    pub files: Vec<ExportedFile>,
    pub warnings: Vec<ExportWarning>,
    pub exported_at: DateTime<Utc>,
    pub answers_digest: String,
    /// Whether the draft had no blocking issue when exported.
    pub complete: bool,
    pub blocking: usize,
    /// Answers checked in the workbook by reading it back.
    pub answers_verified: usize,
    /// Evidence files in the pack, each re-hashed after writing.
    pub evidence_files: usize,
    /// The pack's read-back (`verify_pack` on the file as written, before it was moved in by
    /// rename or link, so the same bytes): what was re-hashed. `None` when no pack was asked.
    /// A face shows this rather than reading the pack a third time.
    pub pack_checked: Option<PackChecked>,
    /// Cells written into the NHS workbook and read back, when the draft has one (0 otherwise).
    pub filled_cells_verified: usize,
    /// The draft's record of this export; `None` when the draft was open for review only.
    pub record_id: Option<i64>,
    /// The snapshot of the draft as exported ("as submitted"), taken with the record.
    pub snapshot_id: Option<i64>,
}

/// What the read-back of a pack re-hashed; every entry matched its manifest (a mismatch fails
/// the export instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackChecked {
    /// Entries re-hashed (manifest.json excluded).
    pub files: usize,
    pub bytes: u64,
}

/// The names the exported files get in the output folder.
pub fn output_names(draft_name: &str) -> (String, String, String) {
    let stem = names::safe_file_name(draft_name);
    (
        format!("{stem}.xlsx"),
        format!("{stem}-summary.pdf"),
        format!("{stem}-pack.zip"),
    )
}

/// The name of the NHS workbook filled in place, exported beside the others when the draft was
/// created from a workbook. It keeps the extension of `source_file_name`, the workbook's own
/// name (Excel refuses a macro-enabled `.xlsm` workbook named `.xlsx`); `.xlsx` when there is
/// none or it is not a workbook's.
pub fn filled_workbook_name(draft_name: &str, source_file_name: Option<&str>) -> String {
    let ext = source_file_name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| ["xlsx", "xlsm", "xltx", "xltm"].contains(&ext.as_str()))
        .unwrap_or_else(|| "xlsx".to_string());
    format!("{}-filled.{ext}", names::safe_file_name(draft_name))
}

/// Exports a draft into `out_dir` (created if missing). See the crate documentation for what
/// is guaranteed; `progress` is called as the work advances.
///
/// No file of the user's is replaced: the draft, the workbook it was made from and any file
/// this draft did not write (or that was changed since) are refused before anything is built
/// (`scal_store::OutputRule`), and a folder the export created is removed again when it fails.
pub fn export(
    draft: &mut Draft,
    out_dir: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(ExportProgress),
) -> Result<ExportOutcome, ExportError> {
    let created = prepare_out_dir(out_dir)?;
    let result =
        export_into(draft, out_dir, options, progress).map_err(|e| e.disk_full_in(out_dir));
    if result.is_err() {
        if let Some(top) = created {
            remove_empty_folders(out_dir, &top);
        }
    }
    result
}

fn export_into(
    draft: &mut Draft,
    out_dir: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(ExportProgress),
) -> Result<ExportOutcome, ExportError> {
    if !(options.xlsx || options.pdf || options.pack) {
        return Err(ExportError::NothingSelected);
    }
    let step = |progress: &mut dyn FnMut(ExportProgress), stage, done, total| {
        progress(ExportProgress { stage, done, total });
    };
    step(progress, ExportStage::Reading, 0, 1);
    // Whole seconds: the time is written into files that must be reproducible from it.
    let at = options.at.unwrap_or_else(Utc::now).trunc_subsecs(0);
    let today = options.today.unwrap_or_else(|| at.date_naive());
    let snap = snapshot::Snapshot::read(draft, at, today)?;
    step(progress, ExportStage::Reading, 1, 1);

    let (xlsx_name, pdf_name, pack_name) = output_names(&snap.draft_name);
    // The filled NHS workbook, when the template was imported from one: exported with the
    // workbook, and carried in the pack.
    let filled_name = filled_workbook_name(
        &snap.draft_name,
        draft.source_workbook().map(|w| w.file_name.as_str()),
    );
    let has_filled = (options.xlsx || options.pack) && draft.source_workbook().is_some();

    // Nothing is built until every output is known to replace nothing of the user's. A file
    // that is not this draft's may still hold the very bytes this export makes: checked again
    // once they are known.
    let rule = draft.output_rule()?;
    let mut targets: Vec<&str> = Vec::new();
    if options.xlsx {
        targets.push(&xlsx_name);
        if has_filled {
            targets.push(&filled_name);
        }
    }
    if options.pdf {
        targets.push(&pdf_name);
    }
    if options.pack {
        targets.push(&pack_name);
    }
    let mut recheck: Vec<PathBuf> = Vec::new();
    for name in &targets {
        let target = out_dir.join(name);
        if rule
            .check_before_building(&target)
            .map_err(StoreError::from)?
        {
            recheck.push(target);
        }
    }

    let staging = Staging::new(out_dir, draft)?;
    let mut warnings = Vec::new();

    // The pack holds the workbook and the PDF, so it needs both built.
    let xlsx_tmp = staging.path(&xlsx_name);
    let mut answers_verified = 0;
    // What each workbook was written with, recorded with the export so a returned copy can be
    // recognised and compared (`Draft::written_workbooks`).
    let mut workbook_cells: Vec<scal_store::WrittenWorkbook> = Vec::new();
    if options.xlsx || options.pack {
        step(progress, ExportStage::Workbook, 0, 1);
        let workbook = xlsx::build(&snap).map_err(|e| ExportError::Workbook(e.to_string()))?;
        warnings.extend(workbook.warnings.iter().cloned());
        write_file(&xlsx_tmp, &workbook.bytes)?;
        step(progress, ExportStage::Workbook, 1, 1);
        // Checked before anything (the pack) relies on it.
        step(progress, ExportStage::Verifying, 0, 1);
        answers_verified = readback::check_workbook(&xlsx_tmp, &workbook.expected)?;
        workbook_cells.push(scal_store::WrittenWorkbook {
            kind: scal_store::WorkbookKind::Own,
            file_name: xlsx_name.clone(),
            cells: workbook.written,
        });
        step(progress, ExportStage::Verifying, 1, 1);
    }
    let filled_tmp = staging.path(&filled_name);
    let mut filled_cells_verified = 0;
    if has_filled {
        step(progress, ExportStage::Workbook, 0, 1);
        let report = filled::write(draft, &snap, &filled_tmp)?;
        filled_cells_verified = report.cells.len();
        workbook_cells.push(scal_store::WrittenWorkbook {
            kind: scal_store::WorkbookKind::Filled,
            file_name: filled_name.clone(),
            cells: filled::written_cells(draft.template(), &report),
        });
        if report.converted.is_some() {
            // Said with the name the file will have, never the staging path it was built at.
            let source = draft
                .source_workbook()
                .map(|w| w.file_name.clone())
                .unwrap_or_default();
            warnings.push(ExportWarning {
                item: None,
                message: scal_workbook::converted_sentence(&source, Path::new(&filled_name)),
            });
        }
        warnings.extend(report.warnings.into_iter().map(|message| ExportWarning {
            item: None,
            message: format!("{filled_name}: {message}"),
        }));
        step(progress, ExportStage::Workbook, 1, 1);
    }
    let pdf_tmp = staging.path(&pdf_name);
    if options.pdf || options.pack {
        step(progress, ExportStage::Summary, 0, 1);
        let summary = pdf::build(&snap).map_err(ExportError::Pdf)?;
        warnings.extend(summary.warnings.iter().cloned());
        write_file(&pdf_tmp, &summary.bytes)?;
        step(progress, ExportStage::Summary, 1, 1);
        step(progress, ExportStage::Verifying, 0, 1);
        readback::check_pdf(&pdf_tmp, &summary.bytes)?;
        step(progress, ExportStage::Verifying, 1, 1);
    }

    let pack_tmp = staging.path(&pack_name);
    let mut pack_hash = None;
    let mut pack_checked = None;
    if options.pack {
        pack_hash = Some(pack::write(
            draft,
            &snap,
            &pack_tmp,
            pack::Contents {
                workbook: (&xlsx_name, &xlsx_tmp),
                summary: (&pdf_name, &pdf_tmp),
                filled: has_filled.then_some((filled_name.as_str(), filled_tmp.as_path())),
            },
            progress,
        )?);
        step(progress, ExportStage::Verifying, 0, 1);
        let report = pack::verify_pack(&pack_tmp)?;
        if let Some(e) = (!report.confirmed())
            .then(|| pack::blame_evidence(draft, &snap, &report))
            .flatten()
        {
            return Err(e);
        }
        if let Some(m) = report.mismatches.first() {
            return Err(ExportError::PackReadBack {
                path: out_dir.join(&pack_name),
                problem: m.to_string(),
            });
        }
        pack_checked = Some(PackChecked {
            files: report.files_checked,
            bytes: report.bytes_checked,
        });
    }
    step(progress, ExportStage::Finishing, 0, 1);
    let mut chosen: Vec<(ExportKind, PathBuf, String)> = Vec::new();
    if options.xlsx {
        chosen.push((ExportKind::Workbook, xlsx_tmp, xlsx_name));
        if has_filled {
            chosen.push((ExportKind::FilledWorkbook, filled_tmp, filled_name));
        }
    }
    if options.pdf {
        chosen.push((ExportKind::Summary, pdf_tmp, pdf_name));
    }
    if options.pack {
        chosen.push((ExportKind::Pack, pack_tmp, pack_name));
    }
    let mut files = Vec::new();
    let mut staged = Vec::new();
    for (kind, tmp, name) in chosen {
        // The pack's hash was taken while it was verified; the others are small.
        let known = if kind == ExportKind::Pack {
            pack_hash.take()
        } else {
            None
        };
        let (sha256, size) = match known {
            Some(hash) => hash,
            None => pack::hash_file(&tmp)?,
        };
        let target = out_dir.join(&name);
        if recheck.contains(&target) {
            rule.check(&target, Some((&sha256, size)))
                .map_err(StoreError::from)?;
        }
        staged.push(tmp);
        files.push(ExportedFile {
            kind,
            path: target,
            sha256,
            size,
        });
    }
    // Known as this draft's before they are in place: an export killed between its renames
    // still leaves files the next export may replace.
    let author = options
        .author
        .clone()
        .unwrap_or_else(scal_store::default_author);
    let written: Vec<scal_store::WrittenFile> = files
        .iter()
        .map(|f| scal_store::WrittenFile {
            file_name: file_name_of(&f.path),
            sha256: f.sha256.clone(),
            size: f.size,
        })
        .collect();
    draft.record_outputs("export", out_dir, &written, &author)?;
    for (tmp, file) in staged.iter().zip(&files) {
        // Checked again as it goes in: a file that appeared meanwhile is never replaced.
        rule.place(tmp, &file.path, (&file.sha256, file.size))
            .map_err(|e| match e {
                scal_store::PlaceError::Refused(refused) => StoreError::from(refused).into(),
                scal_store::PlaceError::Io(e) => ExportError::write(&file.path, e),
            })?;
    }
    scal_fs::sync_folder(out_dir).map_err(|e| ExportError::write(out_dir, e))?;
    drop(staging);

    let recorded = if draft.is_read_only() {
        warnings.push(ExportWarning {
            item: None,
            message: "the export was not recorded in the draft, because the draft is open for review only".to_string(),
        });
        None
    } else {
        let record = ExportRecord {
            id: 0,
            at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            out_dir: out_dir.display().to_string(),
            files: written
                .into_iter()
                .map(|f| (f.file_name, f.sha256, f.size))
                .collect(),
            answers_digest: snap.answers_digest.clone(),
            tool_version: TOOL_VERSION.to_string(),
            written: workbook_cells,
        };
        Some(draft.record_export_with_snapshot(&record, &author)?)
    };
    let (record_id, snapshot_id) = recorded.map(|(r, s)| (r, s.id)).unzip();
    step(progress, ExportStage::Finishing, 1, 1);

    Ok(ExportOutcome {
        files,
        warnings,
        exported_at: at,
        answers_digest: snap.answers_digest.clone(),
        complete: snap.report.complete,
        blocking: snap
            .report
            .issues
            .iter()
            .filter(|i| i.severity == scal_core::Severity::Blocking)
            .count(),
        answers_verified,
        evidence_files: snap.files.len(),
        pack_checked,
        filled_cells_verified,
        record_id,
        snapshot_id,
    })
}

/// Makes sure `out_dir` is a folder, creating it (and any missing parents) if need be. Returns
/// the topmost folder it created, for `remove_empty_folders` when the export fails.
fn prepare_out_dir(out_dir: &Path) -> Result<Option<PathBuf>, ExportError> {
    match fs::metadata(out_dir) {
        Ok(m) if m.is_dir() => Ok(None),
        Ok(_) => Err(ExportError::NotAFolder {
            path: out_dir.to_path_buf(),
        }),
        Err(_) => {
            let top = out_dir
                .ancestors()
                .take_while(|dir| !dir.as_os_str().is_empty() && fs::metadata(dir).is_err())
                .last()
                .map(Path::to_path_buf);
            fs::create_dir_all(out_dir).map_err(|e| ExportError::write(out_dir, e))?;
            Ok(top)
        }
    }
}

/// Removes the folders an export created, from `out_dir` up to `top`, each only while empty.
fn remove_empty_folders(out_dir: &Path, top: &Path) {
    for dir in out_dir.ancestors() {
        if fs::remove_dir(dir).is_err() || dir == top {
            break;
        }
    }
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A hidden folder beside the outputs where everything is built; removed when dropped, so a
/// failed export leaves the folder as it was.
///
/// Its name carries a tag of the draft (its id and file). An export holds its draft open, and a
/// draft is open in one place at a time, so a staging folder with this draft's tag found here
/// was left by an export that was killed (kill -9, a power cut) and is removed; other drafts'
/// folders are left alone.
struct Staging {
    dir: PathBuf,
}

impl Staging {
    fn new(out_dir: &Path, draft: &Draft) -> Result<Staging, ExportError> {
        use sha2::Digest as _;
        let place = fs::canonicalize(draft.path()).unwrap_or_else(|_| draft.path().to_path_buf());
        let mut tag = sha2::Sha256::new();
        tag.update(draft.draft_id().as_bytes());
        tag.update(place.to_string_lossy().as_bytes());
        let prefix = format!(".scal-export-{}-", &hex::encode(tag.finalize())[..16]);
        if let Ok(entries) = fs::read_dir(out_dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with(&prefix) && name.ends_with(".partial") {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
        let dir = out_dir.join(format!("{prefix}{}.partial", uuid::Uuid::new_v4().simple()));
        fs::create_dir(&dir).map_err(|e| ExportError::write(&dir, e))?;
        Ok(Staging { dir })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Writes a new file in the staging folder and makes it durable before it is renamed.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    scal_fs::write_new(path, bytes).map_err(|e| ExportError::write(path, e))
}
