//! Creating and opening the file: the header judged with plain file IO first, the claim on
//! the path, SQLite's exclusive lock, WAL with `synchronous=FULL`, forward-only migrations.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use scal_core::Template;

use super::{clean_author, now, Draft, NewWorkbook};
use crate::error::StoreError;
use crate::fsutil::{self, NotReadable};
use crate::schema::{self, APPLICATION_ID, SCHEMA_VERSION};
use crate::SourceWorkbook;

/// Page size of new drafts. Evidence dominates a draft's size and is stored in 1 MiB chunks,
/// which larger pages store with fewer overflow-page hops; 16 KiB keeps an empty draft small.
const PAGE_SIZE: u32 = 16 * 1024;

/// How long a second opener waits for the lock before being told the draft is in use. Short:
/// the lock is held for as long as the other window is open, so waiting longer never helps.
const BUSY_TIMEOUT: Duration = Duration::from_millis(200);

/// The WAL is truncated back to this after a checkpoint, so a large attach leaves no large WAL.
const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// The one journal setup of every draft written to: write-ahead logging with
/// `synchronous=FULL`, so that a call that returned `Ok` has been fsynced (the WAL is synced at
/// every commit). `refused` makes the error when SQLite keeps another journal mode (it names
/// the mode it chose); any other failure is SQLite's, about `path`.
fn durable_wal(
    conn: &Connection,
    path: &Path,
    refused: impl FnOnce(String) -> StoreError,
) -> Result<(), StoreError> {
    let err = |e| StoreError::sqlite(path, e);
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(err)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(refused(mode));
    }
    conn.pragma_update(None, "synchronous", "FULL").map_err(err)
}

/// Builds a complete draft at `tmp` and closes it (which checkpoints the WAL into the file).
pub(super) fn build_new_draft(
    tmp: &Path,
    target: &Path,
    template: &Template,
    template_json: &str,
    workbook: Option<NewWorkbook<'_>>,
    author: &str,
) -> Result<(), StoreError> {
    // Created with std first so that a missing or read-only folder gets the operating system's
    // own words, and so the name is ours alone (create_new).
    File::options()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(|source| StoreError::CannotCreate {
            path: target.to_path_buf(),
            source,
        })?;
    // Every failure names the draft asked for, never the hidden file it is built in.
    let err = |e| StoreError::sqlite(target, e);
    let mut conn = Connection::open_with_flags(
        tmp,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(err)?;
    conn.pragma_update(None, "page_size", PAGE_SIZE)
        .map_err(err)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)
        .map_err(err)?;
    durable_wal(&conn, target, |mode| StoreError::Damaged {
        path: target.to_path_buf(),
        detail: format!("SQLite refused write-ahead logging and chose {mode}"),
    })?;
    let at = now();
    let tx = conn.transaction().map_err(err)?;
    schema::migrate(&tx, 0).map_err(err)?;
    for (key, value) in [
        ("draft_id", uuid::Uuid::new_v4().to_string()),
        ("created_at", at.clone()),
        ("created_by", clean_author(author)),
        ("created_with", env!("CARGO_PKG_VERSION").to_string()),
    ] {
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)",
            params![key, value],
        )
        .map_err(err)?;
    }
    let workbook = match workbook {
        Some(w) => Some((
            w.file_name.to_string(),
            crate::evidence::store_bytes(&tx, w.bytes).map_err(err)?,
        )),
        None => None,
    };
    let (workbook_name, workbook_sha256) = workbook.unzip();
    tx.execute(
        "INSERT INTO template_revisions
             (rev, template_id, template_version, json, stored_at, stored_by,
              workbook_name, workbook_sha256)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            template.id,
            template.version,
            template_json,
            at,
            clean_author(author),
            workbook_name,
            workbook_sha256
        ],
    )
    .map_err(err)?;
    tx.commit().map_err(err)?;
    conn.close().map_err(|(_, e)| err(e))?;
    File::open(tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::io(target, e))
}

/// Gives the finished draft its name without ever replacing a file that appeared meanwhile: a
/// hard link fails if the name is taken, where a rename would silently overwrite it.
pub(super) fn move_into_place(tmp: &Path, path: &Path) -> Result<(), StoreError> {
    match std::fs::hard_link(tmp, path) {
        Ok(()) => {
            std::fs::remove_file(tmp).map_err(|e| StoreError::io(path, e))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(StoreError::AlreadyExists {
                path: path.to_path_buf(),
            })
        }
        // Some filesystems (FAT on a USB stick) have no hard links: fall back to a rename
        // after checking the name is still free.
        Err(_) => {
            if path.symlink_metadata().is_ok() {
                return Err(StoreError::AlreadyExists {
                    path: path.to_path_buf(),
                });
            }
            std::fs::rename(tmp, path).map_err(|source| StoreError::CannotCreate {
                path: path.to_path_buf(),
                source,
            })?;
        }
    }
    fsutil::sync_dir(path).map_err(|e| StoreError::io(path, e))
}

pub(super) fn open_draft(path: &Path, read_only: bool) -> Result<Draft, StoreError> {
    // Only a regular file is opened: reading a named pipe would wait for a writer forever.
    let meta = match fsutil::regular_file(path) {
        Ok(m) => m,
        Err(NotReadable::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(StoreError::NotFound {
                path: path.to_path_buf(),
            })
        }
        Err(NotReadable::Io(e)) => return Err(StoreError::io(path, e)),
        Err(NotReadable::Folder) => {
            return Err(StoreError::NotADraft {
                path: path.to_path_buf(),
                reason: "it is a folder".to_string(),
            })
        }
        Err(NotReadable::NotRegular(kind)) => {
            return Err(StoreError::NotARegularFile {
                path: path.to_path_buf(),
                kind,
                wanted: "a .scal draft",
            })
        }
    };
    // Claimed before anything reads the file: see OpenClaim for why this order matters.
    let claim = OpenClaim::take(path)?;
    check_header(path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // Judged by permission bits rather than by trying: the WAL needs the folder writable, and an
    // administrator account would otherwise write a file its owner marked read-only.
    let dir_read_only = std::fs::metadata(dir)
        .map(|m| m.permissions().readonly())
        .unwrap_or(false);
    let writable_place = !meta.permissions().readonly() && !dir_read_only;
    if !read_only && !writable_place {
        return Err(StoreError::NotWritable {
            path: path.to_path_buf(),
        });
    }
    let err = |e| StoreError::sqlite(path, e);
    let mut conn = if writable_place {
        // Review mode too opens the file read-write, with writes switched off below: SQLite can
        // take the exclusive lock only through a writable handle, and the lock is what keeps
        // an author from changing the draft under a reviewer's eyes.
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        // Before the first read: in WAL mode the first read then takes an exclusive lock on the
        // file and keeps it until the connection closes, and the WAL index lives in this
        // process's memory instead of a shared -shm file. That is "one writer at a time".
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(err)?;
        conn
    } else {
        open_immutable(path)?
    };
    let app_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(err)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(err)?;
    judge_format(path, app_id, version)?;
    if read_only {
        conn.pragma_update(None, "query_only", "ON").map_err(err)?;
        if version < schema::OLDEST_READ_ONLY {
            return Err(StoreError::OlderFormat {
                path: path.to_path_buf(),
                found: version,
            });
        }
    } else {
        if conn.is_readonly(rusqlite::MAIN_DB).map_err(err)? {
            return Err(StoreError::NotWritable {
                path: path.to_path_buf(),
            });
        }
        durable_wal(&conn, path, |_| StoreError::NotWritable {
            path: path.to_path_buf(),
        })?;
        conn.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)
            .map_err(err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(err)?;
        // A write transaction straight away: the lock is taken now, not at the first answer,
        // so a second window is refused at open rather than losing its first change.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        if version < SCHEMA_VERSION {
            schema::migrate(&tx, version).map_err(err)?;
        }
        crate::evidence::remove_staged_chunks(&tx).map_err(err)?;
        tx.commit().map_err(err)?;
    }
    let meta_value = |key: &str| -> Result<String, StoreError> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(err)?
            .ok_or_else(|| StoreError::Damaged {
                path: path.to_path_buf(),
                detail: format!("its {key} is missing"),
            })
    };
    let draft_id = meta_value("draft_id")?;
    let created_at = meta_value("created_at")?;
    let (template_rev, template_json, workbook, template) = template_in_force(&conn, path)?;
    Ok(Draft {
        conn,
        path: path.to_path_buf(),
        read_only,
        review: false,
        draft_id,
        created_at,
        template,
        template_json,
        template_rev,
        workbook,
        format: if read_only { version } else { SCHEMA_VERSION },
        answer_reads: std::sync::atomic::AtomicU64::new(0),
        _claim: claim,
    })
}

/// The newest template revision: its number, JSON, source workbook and parsed template.
pub(super) fn template_in_force(
    conn: &Connection,
    path: &Path,
) -> Result<(i64, String, Option<SourceWorkbook>, Template), StoreError> {
    let err = |e| StoreError::sqlite(path, e);
    let (template_rev, template_json, workbook) = conn
        .query_row(
            "SELECT t.rev, t.json, t.workbook_name, t.workbook_sha256, b.size
             FROM template_revisions t LEFT JOIN blobs b ON b.sha256 = t.workbook_sha256
             ORDER BY t.rev DESC LIMIT 1",
            [],
            |r| {
                let name: Option<String> = r.get(2)?;
                let sha: Option<String> = r.get(3)?;
                let size: Option<i64> = r.get(4)?;
                let workbook = name.zip(sha).map(|(file_name, sha256)| SourceWorkbook {
                    file_name,
                    sha256,
                    size: size.and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
                });
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, workbook))
            },
        )
        .optional()
        .map_err(err)?
        .ok_or_else(|| StoreError::Damaged {
            path: path.to_path_buf(),
            detail: "its template is missing".to_string(),
        })?;
    let template = read_stored_template(path, &template_json)?;
    Ok((template_rev, template_json, workbook, template))
}

/// True when a non-empty `-wal` file sits next to the draft: changes (or a checkpoint) that a
/// crash left for SQLite to fold in at the next open.
fn wal_waiting(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 0)
}

/// Review of a draft on read-only media or in a read-only folder. SQLite cannot lock such a
/// file, nor create the WAL's side files next to it, so it is opened as immutable: read as it
/// is, without locks. That is only right when no WAL is waiting to be folded in (a draft that
/// was closed properly has none); otherwise the reader would silently miss the latest answers.
fn open_immutable(path: &Path) -> Result<Connection, StoreError> {
    if wal_waiting(path) {
        return Err(StoreError::NeedsRecovery {
            path: path.to_path_buf(),
        });
    }
    let uri = format!("{}?immutable=1", file_uri(path));
    Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::sqlite(path, e))
}

/// An SQLite `file:` URI for a path (<https://sqlite.org/uri.html>): `%`, `?` and `#` escaped,
/// Windows separators turned to `/` and a drive letter given its leading slash.
fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::from("file:");
    if cfg!(windows) && text.chars().nth(1) == Some(':') {
        out.push('/');
    }
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            '\\' if cfg!(windows) => out.push('/'),
            c => out.push(c),
        }
    }
    out
}

/// The stored template was checked by `load_template` when it was stored (creation, upgrade),
/// and if today's loader has grown stricter the snapshot is still the truth for this draft: so
/// it is read by its types alone. For a valid template that is the same `Template`, without
/// running the JSON Schema again, which took a quarter of a 5,000-row export (benches/).
fn read_stored_template(path: &Path, json: &str) -> Result<Template, StoreError> {
    serde_json::from_str::<Template>(json).map_err(|_| StoreError::Damaged {
        path: path.to_path_buf(),
        detail: "its template cannot be read".to_string(),
    })
}

fn judge_format(path: &Path, app_id: i32, version: i64) -> Result<(), StoreError> {
    if app_id != APPLICATION_ID {
        return Err(StoreError::NotADraft {
            path: path.to_path_buf(),
            reason: "it is an SQLite database of another program".to_string(),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerFormat {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version < 1 {
        return Err(StoreError::Damaged {
            path: path.to_path_buf(),
            detail: "it has no tables".to_string(),
        });
    }
    Ok(())
}

/// Reads the 100-byte SQLite header with plain file IO, before SQLite opens the file: an empty
/// file (which SQLite would happily turn into a database), another kind of file, another
/// program's database, a newer draft format or a file cut short are all refused here, with the
/// file left exactly as it was.
fn check_header(path: &Path) -> Result<(), StoreError> {
    let not_a_draft = |reason: &str| StoreError::NotADraft {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let mut file = File::open(path).map_err(|e| StoreError::io(path, e))?;
    let len = file.metadata().map_err(|e| StoreError::io(path, e))?.len();
    if len == 0 {
        return Err(not_a_draft("it is empty"));
    }
    let mut header = [0u8; 100];
    let mut got = 0;
    while got < header.len() {
        match file.read(&mut header[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(StoreError::io(path, e)),
        }
    }
    drop(file);
    const MAGIC: &[u8; 16] = b"SQLite format 3\0";
    if got < MAGIC.len() || &header[..16] != MAGIC {
        return Err(not_a_draft("it is not an SQLite database"));
    }
    if got < header.len() {
        return Err(StoreError::Damaged {
            path: path.to_path_buf(),
            detail: "it ends inside its header; it may have been cut off while copying".to_string(),
        });
    }
    let be32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let app_id = i32::from_be_bytes([header[68], header[69], header[70], header[71]]);
    if app_id != APPLICATION_ID {
        return Err(not_a_draft("it is an SQLite database of another program"));
    }
    let version = i64::from(be32(60));
    judge_format(path, app_id, version)?;
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536u64,
        n => u64::from(n),
    };
    // The page count in the header is trustworthy only when "version-valid-for" matches the
    // change counter (SQLite file format, section 1.3.7), and only when no WAL is waiting: a
    // checkpoint cut short by a crash writes page 1 before the pages that extend the file, and
    // SQLite finishes it from the WAL on the next open. That draft is not damaged.
    if !wal_waiting(path) && be32(92) == be32(24) {
        let expected = u64::from(be32(28)).saturating_mul(page_size);
        if expected > len {
            return Err(StoreError::Damaged {
                path: path.to_path_buf(),
                detail: format!(
                    "it is {len} bytes but its header says {expected}; it may have been cut off while copying"
                ),
            });
        }
    }
    Ok(())
}

/// This process's claim on an open draft, held for as long as the `Draft` lives.
///
/// SQLite's exclusive lock keeps other processes out, but POSIX file locks belong to a process,
/// not to a file handle, and closing *any* handle on the file drops them all. Reading the header
/// of a draft this process already has open would therefore silently release its lock. So a
/// second open in the same process is refused here, before the file is touched.
#[derive(Debug)]
pub(super) struct OpenClaim(PathBuf);

static OPEN_DRAFTS: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

impl OpenClaim {
    fn take(path: &Path) -> Result<OpenClaim, StoreError> {
        let key = std::fs::canonicalize(path).map_err(|e| StoreError::io(path, e))?;
        let mut open = OPEN_DRAFTS.lock().unwrap_or_else(PoisonError::into_inner);
        if !open.insert(key.clone()) {
            return Err(StoreError::AlreadyOpen {
                path: path.to_path_buf(),
            });
        }
        Ok(OpenClaim(key))
    }
}

impl Drop for OpenClaim {
    fn drop(&mut self) {
        let mut open = OPEN_DRAFTS.lock().unwrap_or_else(PoisonError::into_inner);
        open.remove(&self.0);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failing test")]

    use super::*;

    const TEMPLATE: &str = r#"{
      "id": "wal-test", "version": "1.0.0", "title": "WAL test", "publisher": "tests",
      "sections": [{"id": "org", "title": "Org", "kind": "form",
                    "items": [{"id": "org.name", "label": "Name", "type": "text"}]}]
    }"#;

    /// The durability promise (an `Ok` has been fsynced) holds for a new draft and for one
    /// opened again: both run in WAL mode with `synchronous=FULL` (2).
    #[test]
    fn every_draft_written_to_runs_in_wal_with_full_sync() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.scal");
        let modes = |d: &Draft| -> (String, i64) {
            (
                d.conn
                    .pragma_query_value(None, "journal_mode", |r| r.get(0))
                    .unwrap(),
                d.conn
                    .pragma_query_value(None, "synchronous", |r| r.get(0))
                    .unwrap(),
            )
        };
        let created = Draft::create(&path, TEMPLATE, "Ada").unwrap();
        assert_eq!(modes(&created), ("wal".to_string(), 2));
        drop(created);
        let opened = Draft::open(&path).unwrap();
        assert_eq!(modes(&opened), ("wal".to_string(), 2));
        drop(opened);
        let review = Draft::open_for_review(&path).unwrap();
        assert_eq!(modes(&review), ("wal".to_string(), 2));
    }
}
