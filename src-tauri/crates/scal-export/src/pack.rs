//! The submission pack: one zip with the workbook, the PDF summary, every evidence file under
//! `evidence/`, and `manifest.json` naming the SHA-256 and size of each, so the receiver can
//! prove nothing was lost or changed (`scal verify-pack`).
//!
//! `verify_pack` confirms only a pack that unzips to exactly what its manifest says, whichever
//! unzip is used: the zip's records are checked against each other before any content is read
//! (duplicate names, local-header names, unix modes, folder names, overlapping entries, local
//! headers the central directory does not list), and no entry is read past its declared size.
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
    // Synced by `finish` before it is moved into place; removed if the pack fails half-way.
    let file = scal_fs::NewFile::create(path).map_err(wfail)?;
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
        // Unchecked here: the read-back (`verify_pack`) hashes every entry as it lies in the
        // pack on disk and compares it with the manifest, whose SHA-256 is this blob's content
        // address, so a damaged blob fails the export all the same (and `blame_evidence` then
        // names it, as the draft's own check would have). Each evidence byte is hashed twice:
        // into the pack's own SHA-256 as it is written, and on read-back.
        let mut reader = draft
            .blob_reader(&ev.sha256)
            .map(scal_store::BlobReader::unchecked)
            .map_err(|e| evidence_err(e.to_string()))?;
        zip.start_file(entry.as_str(), options(ev.size))
            .map_err(zfail)?;
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
    file.finish().map_err(wfail)?;
    Ok((sha256, len))
}

/// When the read-back of a pack found an evidence entry other than its manifest says: the
/// draft's own check of that blob (read to the end against its SHA-256), so a blob damaged in
/// the draft is reported as such, naming the file and its item, rather than as a bad pack.
/// `None` when every such blob is sound (the pack itself is then at fault).
pub fn blame_evidence(
    draft: &scal_store::Draft,
    snap: &Snapshot,
    report: &PackReport,
) -> Option<ExportError> {
    report.mismatches.iter().find_map(|m| {
        let ev = snap
            .files
            .iter()
            .find(|ev| m.path == format!("{EVIDENCE_DIR}{}", ev.pack_name))?;
        let e = draft.extract(&ev.sha256, &mut io::sink()).err()?;
        Some(ExportError::Evidence {
            file_name: ev.original_name.clone(),
            item: ev.items.first().cloned().unwrap_or_default(),
            reason: e.to_string(),
        })
    })
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
    /// It holds more than the manifest's size; reading stopped one byte past it.
    Oversized { expected: u64 },
    /// Its name could write outside the folder it is unzipped into.
    UnsafeName,
    /// The zip's own check (CRC) or decompression failed.
    Unreadable(String),
    /// The same name appears twice in the central directory.
    Duplicate,
    /// Differs from another entry's name only in letter case or trailing dots and spaces.
    FoldsOnto { with: String },
    /// The local header (what a streaming unzip reads) names another path than the central
    /// directory (what this check reads).
    LocalName { local: String },
    /// Its unix mode is a symbolic link.
    Symlink,
    /// Its unix mode is neither a regular file nor (for a name ending in `/`) a folder.
    NotAFile { mode: u32 },
    /// Its bytes (local header to end of data) overlap another entry's, or the central
    /// directory: one stream counted as several files.
    Overlaps { with: String },
    /// The zip's own consistency check failed for the archive as a whole (e.g. a local header
    /// that the central directory does not list); `path` is then the pack's file name.
    Inconsistent(String),
}

impl std::fmt::Display for PackMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = one_line(&self.path);
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
            Problem::Oversized { expected } => write!(
                f,
                "{p}: size changed (larger than the manifest's {expected} bytes; reading stopped there)"
            ),
            Problem::UnsafeName => write!(
                f,
                "{p}: the name could write outside the folder the pack is unzipped into"
            ),
            Problem::Unreadable(why) => write!(f, "{p}: cannot be read ({})", one_line(why)),
            Problem::Duplicate => write!(
                f,
                "{p}: appears more than once: unzip would extract a different copy than the one checked"
            ),
            Problem::LocalName { local } => write!(
                f,
                "{p}: its name in the local header ({}) differs from the central directory's ({p}): unzip would write it under the other name",
                one_line(local)
            ),
            Problem::Symlink => write!(
                f,
                "{p}: is a symbolic link: unzip would create a link, not a file"
            ),
            Problem::NotAFile { mode } => write!(
                f,
                "{p}: is not a regular file (unix mode {mode:06o}, {}): unzip would create one",
                file_type_name(*mode)
            ),
            Problem::Overlaps { with } => write!(
                f,
                "{p}: shares its bytes with {}: one stream counted as several files",
                one_line(with)
            ),
            Problem::FoldsOnto { with } => write!(
                f,
                "{p}: differs from {} only in letter case or trailing dots: unzipped on Windows or macOS, one would overwrite the other",
                one_line(with)
            ),
            Problem::Inconsistent(why) => write!(
                f,
                "{p}: the zip's records disagree ({}): another unzip could extract other files",
                one_line(why)
            ),
        }
    }
}

/// A name as one line of text: control characters (line breaks included) and bidi controls
/// as `\u{..}`.
fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    use scal_core::text::is_control_or_bidi;
    if !s.chars().any(is_control_or_bidi) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if is_control_or_bidi(c) {
                format!("\\u{{{:X}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// A name as case-insensitive file systems see it: lower case, each part without trailing dots
/// and spaces (which Windows drops).
fn fold_name(name: &str) -> String {
    name.split('/')
        .map(|part| part.trim_end_matches(['.', ' ']).to_lowercase())
        .collect::<Vec<_>>()
        .join("/")
}

/// Unix file types, from the high half of a zip entry's external attributes.
const S_IFMT: u32 = 0o170_000;
const S_IFREG: u32 = 0o100_000;
const S_IFDIR: u32 = 0o040_000;
const S_IFLNK: u32 = 0o120_000;

fn file_type_name(mode: u32) -> &'static str {
    match mode & S_IFMT {
        0o010_000 => "a named pipe",
        0o020_000 => "a character device",
        S_IFDIR => "a folder",
        0o060_000 => "a block device",
        S_IFLNK => "a symbolic link",
        0o140_000 => "a socket",
        _ => "an unknown file type",
    }
}

/// What an entry's unix mode makes it, if not what its name says: a name ending in `/` may be
/// a folder, any other a regular file (no type bits, as many writers leave them, counts as
/// either). The type bits are read whatever system the entry says it was made on: unzip honours
/// them from several.
fn mode_problem(external_attributes: u32, is_dir: bool) -> Option<Problem> {
    let mode = external_attributes >> 16;
    match mode & S_IFMT {
        0 | S_IFREG => None,
        S_IFDIR if is_dir => None,
        S_IFLNK => Some(Problem::Symlink),
        _ => Some(Problem::NotAFile { mode }),
    }
}

/// An entry's bytes, from its local header to the end of its data, as the central directory
/// places them.
struct Span {
    index: usize,
    bytes: std::ops::Range<u64>,
}

/// For each span that starts inside an earlier one (or runs into the central directory at
/// `directory_start`), its index and the index of the span it overlaps (`None`: the central
/// directory).
fn overlaps(mut spans: Vec<Span>, directory_start: u64) -> Vec<(usize, Option<usize>)> {
    spans.sort_by_key(|s| (s.bytes.start, s.bytes.end));
    let mut found = Vec::new();
    let mut reach: Option<(u64, usize)> = None;
    for s in &spans {
        match reach {
            Some((end, other)) if s.bytes.start < end => found.push((s.index, Some(other))),
            _ if s.bytes.end > directory_start => found.push((s.index, None)),
            _ => {}
        }
        if reach.is_none_or(|(end, _)| s.bytes.end > end) {
            reach = Some((s.bytes.end, s.index));
        }
    }
    found
}

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

/// The name in the local header at `at` and where its data starts; `None` when there is no
/// local header there. Only the name and the lengths are read: sizes and CRC may be zero in a
/// header whose data descriptor follows the data (as in our own packs).
fn local_header<R: Read + Seek>(
    raw: &mut R,
    at: u64,
    file_len: u64,
) -> io::Result<Option<(Vec<u8>, u64)>> {
    if at >= file_len {
        return Ok(None);
    }
    let mut fixed = [0u8; 30];
    raw.seek(io::SeekFrom::Start(at))?;
    match raw.read_exact(&mut fixed) {
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        other => other?,
    }
    if u32::from_le_bytes([fixed[0], fixed[1], fixed[2], fixed[3]]) != LOCAL_HEADER {
        return Ok(None);
    }
    let (name_len, extra_len) = (u16_at(&fixed, 26), u16_at(&fixed, 28));
    let mut name = vec![0u8; usize::from(name_len)];
    match raw.read_exact(&mut name) {
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        other => other?,
    }
    Ok(Some((
        name,
        at + 30 + u64::from(name_len) + u64::from(extra_len),
    )))
}

/// The names that appear more than once among the central directory's records (the zip
/// crate's index keeps one record per name, so they are read here, record by record).
fn duplicate_names<R: Read + Seek>(raw: &mut R, start: u64) -> io::Result<BTreeSet<Vec<u8>>> {
    let mut seen = BTreeSet::new();
    let mut twice = BTreeSet::new();
    let mut at = start;
    raw.seek(io::SeekFrom::Start(at))?;
    loop {
        let mut fixed = [0u8; 46];
        match raw.read_exact(&mut fixed) {
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            other => other?,
        }
        if u32::from_le_bytes([fixed[0], fixed[1], fixed[2], fixed[3]]) != CENTRAL_HEADER {
            break;
        }
        let name_len = usize::from(u16_at(&fixed, 28));
        let rest = u64::from(u16_at(&fixed, 30)) + u64::from(u16_at(&fixed, 32));
        let mut name = vec![0u8; name_len];
        raw.read_exact(&mut name)?;
        at += 46 + name_len as u64 + rest;
        raw.seek(io::SeekFrom::Start(at))?;
        if !seen.insert(name.clone()) {
            twice.insert(name);
        }
    }
    Ok(twice)
}

/// Re-hashes every entry of a pack against its manifest. `Ok` with mismatches for a pack that
/// was changed; `Err` only when the file is not a readable pack at all.
///
/// Confirms only a pack that unzips to exactly what its manifest says, whichever unzip is
/// used: before any content is read, every entry of the central directory is checked against
/// the raw records an unzip may follow instead (each name once; the local header's name the
/// same; a regular file or a plain folder by its unix mode; a safe name, folders included; no
/// two entries sharing bytes), then the zip crate's own consistency check (local headers
/// against the central directory, sizes and CRCs against the data descriptors, no local header
/// the directory does not list). Entries are read no further than the manifest's size (plus
/// one byte, to see that there is more), so the bytes read never exceed what the manifest
/// declares, however the zip inflates.
pub fn verify_pack(path: &Path) -> Result<PackReport, ExportError> {
    let not_pack = |reason: String| ExportError::NotAPack {
        path: path.to_path_buf(),
        reason,
    };
    let file = File::open(path).map_err(|e| ExportError::read(path, e))?;
    // A second handle for the raw records, with a position of its own.
    let mut raw = BufReader::with_capacity(
        64 * 1024,
        File::open(path).map_err(|e| ExportError::read(path, e))?,
    );
    let mut zip = ZipArchive::new(BufReader::with_capacity(COPY_BUFFER, file))
        .map_err(|e| not_pack(format!("it is not a readable zip file ({e})")))?;
    let manifest = read_manifest(&mut zip).map_err(not_pack)?;
    let raw_err = |e: io::Error| ExportError::read(path, e);
    let file_len = raw.get_ref().metadata().map_err(raw_err)?.len();

    // The structure, entry by entry, before any content is read.
    let duplicates = if zip.has_duplicate_names() {
        duplicate_names(&mut raw, zip.central_directory_start()).map_err(raw_err)?
    } else {
        BTreeSet::new()
    };
    let mut mismatches = Vec::new();
    let mut names = Vec::with_capacity(zip.len());
    let mut flawed = vec![false; zip.len()];
    let mut spans = Vec::with_capacity(zip.len());
    for (index, flaw) in flawed.iter_mut().enumerate() {
        let entry = match zip.by_index_data(index) {
            Ok(e) => e,
            Err(e) => {
                names.push(format!("entry #{}", index + 1));
                mismatches.push(PackMismatch {
                    path: format!("entry #{}", index + 1),
                    problem: Problem::Unreadable(e.to_string()),
                });
                *flaw = true;
                continue;
            }
        };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let mut problems = Vec::new();
        if duplicates.contains(entry.name_raw()) {
            problems.push(Problem::Duplicate);
        }
        let is_dir = entry.is_dir();
        let safe = if is_dir {
            is_safe_entry_name(name.strip_suffix('/').unwrap_or(&name))
        } else {
            is_safe_entry_name(&name) && entry.enclosed_name().is_some()
        };
        if !safe {
            problems.push(Problem::UnsafeName);
        }
        problems.extend(mode_problem(entry.external_attributes(), is_dir));
        let (header_start, compressed) = (entry.header_start(), entry.compressed_size());
        let central_name = entry.name_raw().to_vec();
        match local_header(&mut raw, header_start, file_len).map_err(raw_err)? {
            None => problems.push(Problem::Unreadable(
                "no local header where the central directory places it".to_string(),
            )),
            Some((local, data_start)) => {
                if local != central_name {
                    problems.push(Problem::LocalName {
                        local: String::from_utf8_lossy(&local).into_owned(),
                    });
                }
                spans.push(Span {
                    index,
                    bytes: header_start..data_start.saturating_add(compressed),
                });
            }
        }
        *flaw = !problems.is_empty();
        mismatches.extend(problems.into_iter().map(|problem| PackMismatch {
            path: name.clone(),
            problem,
        }));
        names.push(name);
    }
    // Names that differ only in letter case (or trailing dots and spaces) are one file where
    // the pack is most often unzipped (Windows, macOS): one copy would overwrite the other.
    let mut folded: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (index, name) in names.iter().enumerate() {
        let key = fold_name(name);
        match folded.get(&key) {
            Some(&first) if names[first] != *name => {
                flawed[index] = true;
                mismatches.push(PackMismatch {
                    path: name.clone(),
                    problem: Problem::FoldsOnto {
                        with: names[first].clone(),
                    },
                });
            }
            Some(_) => {}
            None => {
                folded.insert(key, index);
            }
        }
    }
    for (index, other) in overlaps(spans, zip.central_directory_start()) {
        flawed[index] = true;
        mismatches.push(PackMismatch {
            path: names[index].clone(),
            problem: Problem::Overlaps {
                with: other
                    .map_or_else(|| "the central directory".to_string(), |o| names[o].clone()),
            },
        });
    }

    // The content of every sound entry, against the manifest.
    let mut seen = BTreeSet::new();
    let mut files_checked = 0;
    let mut bytes_checked = 0;
    let mut buf = vec![0u8; COPY_BUFFER];
    let options = || {
        // With duplicates the crate refuses every entry; those are reported above.
        zip::ZipReadOptions::new().enforce_header_consistency(duplicates.is_empty())
    };
    for index in 0..zip.len() {
        let name = &names[index];
        if flawed[index] {
            seen.insert(name.clone());
            continue;
        }
        let mut entry = match zip.by_index_with_options(index, options()) {
            Ok(e) => e,
            Err(e) => {
                seen.insert(name.clone());
                mismatches.push(PackMismatch {
                    path: name.clone(),
                    problem: Problem::Unreadable(e.to_string()),
                });
                continue;
            }
        };
        if entry.is_dir() || name == MANIFEST {
            continue;
        }
        let mismatch = |problem| PackMismatch {
            path: name.clone(),
            problem,
        };
        if !seen.insert(name.clone()) {
            mismatches.push(mismatch(Problem::Duplicate));
            continue;
        }
        let Some(listed) = manifest.files.iter().find(|f| &f.path == name) else {
            mismatches.push(mismatch(Problem::Unexpected));
            continue;
        };
        files_checked += 1;
        // One byte past the declared size shows there is more; nothing further is inflated.
        let mut capped = (&mut entry).take(listed.size.saturating_add(1));
        match copy_hashing(&mut capped, &mut io::sink(), &mut buf, &mut |_| {}) {
            Err(e) => mismatches.push(mismatch(Problem::Unreadable(e.to_string()))),
            Ok((_, size)) if size > listed.size => {
                bytes_checked += listed.size;
                mismatches.push(mismatch(Problem::Oversized {
                    expected: listed.size,
                }));
            }
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
    // What the checks above cannot see, the crate's whole-archive check can (a local header
    // hidden between entries, that only a streaming unzip would find); once the rest is sound.
    if mismatches.is_empty() {
        if let Err(e) = zip.validate_header_consistency() {
            mismatches.push(PackMismatch {
                path: path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
                problem: Problem::Inconsistent(e.to_string()),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn span(index: usize, bytes: std::ops::Range<u64>) -> Span {
        Span { index, bytes }
    }

    #[test]
    fn entries_side_by_side_do_not_overlap_and_nested_or_crossing_ones_do() {
        // Side by side (a data descriptor's gap between them), in any order.
        let apart = vec![span(1, 100..200), span(0, 0..90), span(2, 212..300)];
        assert_eq!(overlaps(apart, 300), vec![]);
        // Each later span starts inside the one reaching furthest so far.
        let nested = vec![span(0, 0..1000), span(1, 40..1000), span(2, 80..500)];
        assert_eq!(overlaps(nested, 1000), vec![(1, Some(0)), (2, Some(0))]);
        let crossing = vec![span(0, 0..100), span(1, 99..150), span(2, 150..160)];
        assert_eq!(overlaps(crossing, 200), vec![(1, Some(0))]);
        // Data running into the central directory.
        let into_directory = vec![span(0, 0..100), span(1, 100..260)];
        assert_eq!(overlaps(into_directory, 250), vec![(1, None)]);
    }

    #[test]
    fn only_regular_files_and_plain_folders_pass_the_mode_check() {
        let attrs = |mode: u32| mode << 16;
        assert_eq!(mode_problem(attrs(0o100_644), false), None);
        assert_eq!(mode_problem(attrs(0o040_755), true), None);
        // No type bits (DOS-made, or a writer that sets permissions only).
        assert_eq!(mode_problem(0x10, true), None);
        assert_eq!(mode_problem(attrs(0o644), false), None);
        assert_eq!(
            mode_problem(attrs(0o120_777), false),
            Some(Problem::Symlink)
        );
        assert_eq!(mode_problem(attrs(0o120_777), true), Some(Problem::Symlink));
        for mode in [0o010_644, 0o020_644, 0o060_644, 0o140_644, 0o040_755] {
            assert_eq!(
                mode_problem(attrs(mode), false),
                Some(Problem::NotAFile { mode }),
                "{mode:o}"
            );
        }
    }

    #[test]
    fn a_mismatch_is_one_line_whatever_the_names_hold() {
        let m = PackMismatch {
            path: "evidence/a\nConfirmed: all.pdf".to_string(),
            problem: Problem::LocalName {
                local: "../x\u{1b}[2J".to_string(),
            },
        };
        let line = m.to_string();
        assert!(!line.chars().any(char::is_control), "{line:?}");
        assert!(
            line.starts_with("evidence/a\\u{A}Confirmed: all.pdf: "),
            "{line}"
        );
        assert!(line.contains("(../x\\u{1B}[2J)"), "{line}");
    }

    /// A pack written as `write` writes it (streamed, data descriptors, zero sizes and CRC in
    /// the local headers), with a Zip64 entry among them, passes every structural check.
    #[test]
    fn a_streamed_pack_with_zip64_entries_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pack.zip");
        let body = b"evidence bytes".as_slice();
        let manifest = Manifest {
            format: FORMAT.to_string(),
            tool: "test".to_string(),
            tool_version: "0".to_string(),
            exported_at: "2026-06-15T09:00:00Z".to_string(),
            draft_id: "d".to_string(),
            template: ManifestTemplate {
                id: "t".to_string(),
                version: "1".to_string(),
                title: "T".to_string(),
            },
            answers_digest: "0".to_string(),
            complete: true,
            blocking_issues: 0,
            files: ["evidence/small.txt", "evidence/zip64.txt"]
                .map(|p| ManifestFile {
                    path: p.to_string(),
                    role: "evidence".to_string(),
                    sha256: hex::encode(Sha256::digest(body)),
                    size: body.len() as u64,
                    media_type: None,
                    attached_as: None,
                    items: Vec::new(),
                })
                .to_vec(),
        };
        let mut zip = ZipWriter::new_stream(File::create(&path).unwrap());
        let options = |large| {
            SimpleFileOptions::default()
                .compression_method(CompressionMethod::Stored)
                .unix_permissions(0o644)
                .large_file(large)
        };
        zip.add_directory(EVIDENCE_DIR, options(false)).unwrap();
        zip.start_file("evidence/small.txt", options(false))
            .unwrap();
        zip.write_all(body).unwrap();
        zip.start_file("evidence/zip64.txt", options(true)).unwrap();
        zip.write_all(body).unwrap();
        zip.start_file(MANIFEST, options(false)).unwrap();
        zip.write_all(&serde_json::to_vec(&manifest).unwrap())
            .unwrap();
        zip.finish().unwrap();

        let report = verify_pack(&path).unwrap();
        assert!(report.confirmed(), "{:?}", report.mismatches);
        assert_eq!(report.files_checked, 2);
    }
}
