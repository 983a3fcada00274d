//! The submission pack: one zip with the workbook, the PDF summary, every evidence file under
//! `evidence/`, and `manifest.json` naming the SHA-256 and size of each, so the receiver can
//! prove nothing was lost or changed (`scal verify-pack`).
//!
//! Evidence is streamed from the draft into the zip a chunk at a time and stored uncompressed
//! (test reports and certificates are mostly PDFs and images, already compressed): memory stays
//! flat however large the evidence is, and the pack is written about as fast as the disk allows.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::snapshot::{Snapshot, TOOL_VERSION};
use crate::{ExportError, ExportProgress, ExportStage};

/// The manifest's name inside the pack.
pub const MANIFEST: &str = "manifest.json";
/// The folder evidence goes in, inside the pack.
pub const EVIDENCE_DIR: &str = "evidence/";
/// Identifies the manifest's layout, for tools that read it.
pub const FORMAT: &str = "scal-pack/1";

/// A manifest larger than this is not one we wrote: refuse it before parsing.
const MANIFEST_MAX_BYTES: u64 = 64 * 1024 * 1024;
const COPY_BUFFER: usize = 1024 * 1024;

/// `manifest.json`: what the pack holds and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub tool: String,
    pub tool_version: String,
    pub exported_at: String,
    pub draft_id: String,
    pub template: ManifestTemplate,
    /// SHA-256 of the canonical JSON of every answer (see `scal_store::answers_digest`).
    pub answers_digest: String,
    pub complete: bool,
    pub blocking_issues: usize,
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestTemplate {
    pub id: String,
    pub version: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// The entry's name in the zip, `/`-separated.
    pub path: String,
    /// `workbook`, `summary`, `filled_workbook` (the NHS workbook filled in place) or
    /// `evidence`.
    pub role: String,
    pub sha256: String,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// For evidence: the name it was attached under, when the pack had to change it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attached_as: Option<String>,
    /// For evidence: the items it supports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
}

/// The workbook and PDF already written, as (name in the pack, file on disk).
pub struct Contents<'a> {
    pub workbook: (&'a str, &'a Path),
    pub summary: (&'a str, &'a Path),
    /// The NHS workbook filled in place, when the draft was created from one.
    pub filled: Option<(&'a str, &'a Path)>,
}

/// Writes the pack; returns the SHA-256 and size of the whole file.
pub fn write(
    draft: &scal_store::Draft,
    snap: &Snapshot,
    path: &Path,
    contents: Contents<'_>,
    progress: &mut dyn FnMut(ExportProgress),
) -> Result<(String, u64), ExportError> {
    let wfail = |e: io::Error| ExportError::write(path, e);
    let zfail = |e: zip::result::ZipError| ExportError::write(path, io::Error::other(e));
    let file = File::create_new(path).map_err(wfail)?;
    // Written strictly front to back (sizes and CRCs in data descriptors, no seeking back), so
    // the whole file's SHA-256 is taken on the way out instead of in another pass over it.
    let out = HashingWriter {
        inner: BufWriter::with_capacity(COPY_BUFFER, file),
        hasher: Sha256::new(),
        len: 0,
    };
    let mut zip = ZipWriter::new_stream(out);
    let stamp = zip_time(snap.exported_at);
    let options = |size: u64| {
        SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(stamp)
            .unix_permissions(0o644)
            .large_file(size >= u64::from(u32::MAX))
    };
    let mut buf = vec![0u8; COPY_BUFFER];
    let mut files = Vec::new();

    let filled = contents.filled.map(|f| ("filled_workbook", f));
    for (role, (name, source)) in [
        ("workbook", contents.workbook),
        ("summary", contents.summary),
    ]
    .into_iter()
    .chain(filled)
    {
        let size = std::fs::metadata(source)
            .map_err(|e| ExportError::read(source, e))?
            .len();
        zip.start_file(name, options(size)).map_err(zfail)?;
        let mut reader = File::open(source).map_err(|e| ExportError::read(source, e))?;
        let (sha256, size) = copy_hashing(&mut reader, &mut zip, &mut buf, &mut |_| {})
            .map_err(|e| ExportError::read(source, e))?;
        files.push(ManifestFile {
            path: name.to_string(),
            role: role.to_string(),
            sha256,
            size,
            media_type: Some(
                if role == "summary" {
                    "application/pdf"
                } else {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                }
                .to_string(),
            ),
            attached_as: None,
            items: Vec::new(),
        });
    }

    let total: u64 = snap.files.iter().map(|f| f.size).sum();
    let mut done = 0u64;
    progress(ExportProgress {
        stage: ExportStage::Evidence,
        done,
        total,
    });
    for ev in &snap.files {
        let entry = format!("{EVIDENCE_DIR}{}", ev.pack_name);
        let evidence_err = |reason: String| ExportError::Evidence {
            file_name: ev.original_name.clone(),
            item: ev.items.first().cloned().unwrap_or_default(),
            reason,
        };
        let mut reader = draft
            .blob_reader(&ev.sha256)
            .map_err(|e| evidence_err(e.to_string()))?;
        zip.start_file(entry.as_str(), options(ev.size))
            .map_err(zfail)?;
        // The draft's reader checks the content against its SHA-256 as it reaches the end (an
        // error otherwise), so the recorded hash is the hash of what was streamed: no second
        // hash here. The read-back after the pack is written hashes every entry again.
        let base = done;
        let size = copy(&mut reader, &mut zip, &mut buf, &mut |n| {
            progress(ExportProgress {
                stage: ExportStage::Evidence,
                done: base + n,
                total,
            });
        })
        .map_err(|e| match e.kind() {
            io::ErrorKind::InvalidData => evidence_err(e.to_string()),
            _ => ExportError::write(path, e),
        })?;
        if size != ev.size {
            return Err(evidence_err(format!(
                "the draft holds {size} bytes where {} were recorded",
                ev.size
            )));
        }
        let sha256 = ev.sha256.clone();
        done += size;
        files.push(ManifestFile {
            path: entry,
            role: "evidence".to_string(),
            sha256,
            size,
            media_type: Some(ev.media_type.clone()),
            attached_as: (ev.original_name != ev.pack_name).then(|| ev.original_name.clone()),
            items: ev.items.clone(),
        });
    }

    let manifest = Manifest {
        format: FORMAT.to_string(),
        tool: "SCAL Workbench".to_string(),
        tool_version: TOOL_VERSION.to_string(),
        exported_at: snap
            .exported_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        draft_id: snap.draft_id.clone(),
        template: ManifestTemplate {
            id: snap.template.id.clone(),
            version: snap.template.version.clone(),
            title: snap.template.title.clone(),
        },
        answers_digest: snap.answers_digest.clone(),
        complete: snap.report.complete,
        blocking_issues: snap
            .report
            .issues
            .iter()
            .filter(|i| i.severity == scal_core::Severity::Blocking)
            .count(),
        files,
    };
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| ExportError::write(path, io::Error::other(e)))?;
    zip.start_file(MANIFEST, options(json.len() as u64))
        .map_err(zfail)?;
    zip.write_all(&json).map_err(wfail)?;
    let out = zip.finish().map_err(zfail)?.into_inner();
    let (sha256, len) = (hex::encode(out.hasher.finalize()), out.len);
    let file = out.inner.into_inner().map_err(|e| wfail(e.into_error()))?;
    file.sync_all().map_err(wfail)?;
    Ok((sha256, len))
}

/// Passes writes through, hashing them.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
    len: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Copies `reader` to `writer` in large pieces, hashing on the way; reports bytes so far.
fn copy_hashing(
    reader: &mut dyn Read,
    writer: &mut dyn Write,
    buf: &mut [u8],
    progress: &mut dyn FnMut(u64),
) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    loop {
        let n = match reader.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        writer.write_all(&buf[..n])?;
        total += n as u64;
        progress(total);
    }
    Ok((hex::encode(hasher.finalize()), total))
}

/// Copies `reader` to `writer` in large pieces; reports bytes so far; returns the total.
fn copy(
    reader: &mut dyn Read,
    writer: &mut dyn Write,
    buf: &mut [u8],
    progress: &mut dyn FnMut(u64),
) -> io::Result<u64> {
    let mut total = 0u64;
    loop {
        let n = match reader.read(buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        writer.write_all(&buf[..n])?;
        total += n as u64;
        progress(total);
    }
}

/// SHA-256 and size of a file on disk, streamed.
pub fn hash_file(path: &Path) -> Result<(String, u64), ExportError> {
    let mut file = File::open(path).map_err(|e| ExportError::read(path, e))?;
    let mut buf = vec![0u8; COPY_BUFFER];
    copy_hashing(&mut file, &mut io::sink(), &mut buf, &mut |_| {})
        .map_err(|e| ExportError::read(path, e))
}

fn zip_time(t: DateTime<Utc>) -> zip::DateTime {
    // Zip times cover 1980..=2107; outside that the format's own default stands in.
    let year = u16::try_from(t.year()).unwrap_or(1980);
    zip::DateTime::from_date_and_time(
        year,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
    .unwrap_or_default()
}

/// What `verify_pack` found.
#[derive(Debug, Clone)]
pub struct PackReport {
    pub path: PathBuf,
    pub manifest: Manifest,
    /// Entries re-hashed (manifest.json excluded).
    pub files_checked: usize,
    pub bytes_checked: u64,
    /// Empty when the pack matches its manifest exactly.
    pub mismatches: Vec<PackMismatch>,
}

impl PackReport {
    pub fn confirmed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// One way the pack differs from its manifest, naming the entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackMismatch {
    pub path: String,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Listed in the manifest, absent from the zip.
    Missing,
    /// In the zip, not in the manifest.
    Unexpected,
    /// Its content does not hash to the manifest's SHA-256.
    Changed { expected: String, found: String },
    /// Its size differs from the manifest's.
    Resized { expected: u64, found: u64 },
    /// Its name could write outside the folder it is unzipped into.
    UnsafeName,
    /// The zip's own check (CRC) or decompression failed.
    Unreadable(String),
    /// The same name appears twice.
    Duplicate,
}

impl std::fmt::Display for PackMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = &self.path;
        match &self.problem {
            Problem::Missing => write!(f, "{p}: listed in the manifest but missing from the pack"),
            Problem::Unexpected => write!(f, "{p}: in the pack but not listed in the manifest"),
            Problem::Changed { expected, found } => write!(
                f,
                "{p}: content changed (SHA-256 is {found}, the manifest says {expected})"
            ),
            Problem::Resized { expected, found } => write!(
                f,
                "{p}: size changed ({found} bytes, the manifest says {expected})"
            ),
            Problem::UnsafeName => write!(
                f,
                "{p}: the name could write outside the folder the pack is unzipped into"
            ),
            Problem::Unreadable(why) => write!(f, "{p}: cannot be read ({why})"),
            Problem::Duplicate => write!(f, "{p}: appears more than once"),
        }
    }
}

/// Re-hashes every entry of a pack against its manifest. `Ok` with mismatches for a pack that
/// was changed; `Err` only when the file is not a readable pack at all.
pub fn verify_pack(path: &Path) -> Result<PackReport, ExportError> {
    let not_pack = |reason: String| ExportError::NotAPack {
        path: path.to_path_buf(),
        reason,
    };
    let file = File::open(path).map_err(|e| ExportError::read(path, e))?;
    let mut zip = ZipArchive::new(BufReader::with_capacity(COPY_BUFFER, file))
        .map_err(|e| not_pack(format!("it is not a readable zip file ({e})")))?;
    let manifest = read_manifest(&mut zip).map_err(not_pack)?;

    let mut mismatches = Vec::new();
    let mut seen = BTreeSet::new();
    let mut files_checked = 0;
    let mut bytes_checked = 0;
    let mut buf = vec![0u8; COPY_BUFFER];
    for index in 0..zip.len() {
        let mut entry = match zip.by_index(index) {
            Ok(e) => e,
            Err(e) => {
                mismatches.push(PackMismatch {
                    path: format!("entry #{}", index + 1),
                    problem: Problem::Unreadable(e.to_string()),
                });
                continue;
            }
        };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if entry.is_dir() || name == MANIFEST {
            continue;
        }
        let mismatch = |problem| PackMismatch {
            path: name.clone(),
            problem,
        };
        if !is_safe_entry_name(&name) || entry.enclosed_name().is_none() {
            mismatches.push(mismatch(Problem::UnsafeName));
            continue;
        }
        if !seen.insert(name.clone()) {
            mismatches.push(mismatch(Problem::Duplicate));
            continue;
        }
        let Some(listed) = manifest.files.iter().find(|f| f.path == name) else {
            mismatches.push(mismatch(Problem::Unexpected));
            continue;
        };
        files_checked += 1;
        match copy_hashing(&mut entry, &mut io::sink(), &mut buf, &mut |_| {}) {
            Err(e) => mismatches.push(mismatch(Problem::Unreadable(e.to_string()))),
            Ok((sha256, size)) => {
                bytes_checked += size;
                if size != listed.size {
                    mismatches.push(mismatch(Problem::Resized {
                        expected: listed.size,
                        found: size,
                    }));
                } else if sha256 != listed.sha256.to_ascii_lowercase() {
                    mismatches.push(mismatch(Problem::Changed {
                        expected: listed.sha256.clone(),
                        found: sha256,
                    }));
                }
            }
        }
    }
    for listed in &manifest.files {
        if !seen.contains(&listed.path) && !mismatches.iter().any(|m| m.path == listed.path) {
            mismatches.push(PackMismatch {
                path: listed.path.clone(),
                problem: Problem::Missing,
            });
        }
    }
    Ok(PackReport {
        path: path.to_path_buf(),
        manifest,
        files_checked,
        bytes_checked,
        mismatches,
    })
}

fn read_manifest<R: Read + Seek>(zip: &mut ZipArchive<R>) -> Result<Manifest, String> {
    let entry = zip
        .by_name(MANIFEST)
        .map_err(|_| format!("it has no {MANIFEST}"))?;
    if entry.size() > MANIFEST_MAX_BYTES {
        return Err(format!("its {MANIFEST} is implausibly large"));
    }
    let mut text = Vec::new();
    entry
        .take(MANIFEST_MAX_BYTES)
        .read_to_end(&mut text)
        .map_err(|e| format!("its {MANIFEST} cannot be read ({e})"))?;
    let manifest: Manifest = serde_json::from_slice(&text)
        .map_err(|e| format!("its {MANIFEST} is not a SCAL pack manifest ({e})"))?;
    if !manifest.format.starts_with("scal-pack/") {
        return Err(format!(
            "its {MANIFEST} is of format \"{}\", not {FORMAT}",
            manifest.format
        ));
    }
    Ok(manifest)
}

/// A relative, `/`-separated name with no `..`, no drive, no control characters.
fn is_safe_entry_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.contains(':')
        && !name.chars().any(char::is_control)
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != ".." && part != ".")
}
