//! Evidence: files streamed into content-addressed blobs, linked to items.
//!
//! How an attach stays safe and small:
//! - the file is read in `CHUNK_SIZE` pieces, each hashed and written as one `blob_chunks` row,
//!   so memory use does not depend on the file's size;
//! - the chunks are written under a fresh `body` no blob row names yet, committed every
//!   `CHUNKS_PER_COMMIT` chunks so the WAL stays small (each commit lets SQLite checkpoint);
//! - only when the whole file has been written and hashed does the final commit insert the blob
//!   row (or, if that content is already stored, drop the new copy), the link and the history
//!   entry. A crash before it leaves chunks no blob names; the next writable open removes them.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use scal_core::EvidenceDates;
use sha2::{Digest, Sha256};

use crate::draft::{clean_author, insert_history, json_string, now, HistoryRow};
use crate::fsutil::NotReadable;
use crate::HistoryAction;
use crate::{media_type_for, Draft, EvidenceLink, LinkedFile, StoreError};

/// Size of one stored piece of evidence (the last piece of a file may be shorter).
pub const CHUNK_SIZE: usize = 1024 * 1024;

/// Chunks written per transaction while an attach is in progress. Each commit lets SQLite
/// checkpoint, so the WAL never holds much more than one batch (64 MiB) however large the file;
/// fewer, larger batches mean fewer fsyncs (32 MiB batches measured about 10% slower).
const CHUNKS_PER_COMMIT: u64 = 64;

/// The longest evidence file name kept (in characters).
const MAX_FILE_NAME_CHARS: usize = 255;

impl Draft {
    /// Links a file to an item, storing its content once (by SHA-256) however often it is
    /// linked. `progress(done_bytes, total_bytes)` is called as the file is read.
    pub fn attach(
        &mut self,
        item: &str,
        file: &Path,
        author: &str,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<EvidenceLink, StoreError> {
        self.attach_dated(item, file, EvidenceDates::default(), author, progress)
    }

    /// [`Draft::attach`], with the document's own date and valid-until date: the link and its
    /// dates are one commit.
    pub fn attach_dated(
        &mut self,
        item: &str,
        file: &Path,
        dates: EvidenceDates,
        author: &str,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<EvidenceLink, StoreError> {
        self.writable()?;
        self.check_item(item)?;
        let meta = crate::fsutil::regular_file(file).map_err(|e| match e {
            NotReadable::Io(e) => StoreError::io(file, e),
            NotReadable::Folder => StoreError::NotARegularFile {
                path: file.to_path_buf(),
                kind: "a folder",
                wanted: "a file to attach",
            },
            NotReadable::NotRegular(kind) => StoreError::NotARegularFile {
                path: file.to_path_buf(),
                kind,
                wanted: "a file to attach",
            },
        })?;
        let file_name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file_name = clean_file_name(&file_name)?;
        let size = meta.len();
        let mut source = File::open(file).map_err(|e| StoreError::io(file, e))?;
        // The same report is often linked to many rows. When a blob of exactly this size is
        // already stored, hash the file first: if it is that content, link it without writing
        // it again.
        if self.blob_of_size_exists(size)? {
            let sha = hash_stream(&mut source, file, Some(size), progress)?;
            if self.blob_exists(&sha)? {
                return self.link(item, &sha, &file_name, dates, author);
            }
            source
                .seek(io::SeekFrom::Start(0))
                .map_err(|e| StoreError::io(file, e))?;
        }
        let staged = self.stage(&mut source, file, Some(size), progress)?;
        self.finish_attach(item, &file_name, staged, dates, author)
    }

    /// Like `attach`, for content that is not a file on disk (a download, a drag from another
    /// application). `total` is the size when known, for progress; `progress` gets 0 as the
    /// total when it is not.
    pub fn attach_reader(
        &mut self,
        item: &str,
        file_name: &str,
        reader: &mut dyn Read,
        total: Option<u64>,
        author: &str,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<EvidenceLink, StoreError> {
        self.writable()?;
        self.check_item(item)?;
        let file_name = clean_file_name(file_name)?;
        let staged = self.stage(reader, Path::new(&file_name), total, progress)?;
        self.finish_attach(item, &file_name, staged, EvidenceDates::default(), author)
    }

    /// Removes one link. The content stays in the draft: the history still names it, and a
    /// snapshot may hold it.
    pub fn detach(&mut self, link_id: i64, author: &str) -> Result<EvidenceLink, StoreError> {
        self.writable()?;
        let link = self.evidence_link(link_id)?;
        let at = now();
        let author = clean_author(author);
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        tx.execute("DELETE FROM evidence_links WHERE id = ?1", [link_id])
            .map_err(err)?;
        let old = json_string(&link.file.file_name);
        let detail = link_detail(&link);
        insert_history(
            &tx,
            &HistoryRow {
                at: &at,
                author: &author,
                item: &link.item,
                action: HistoryAction::Detach,
                old_value: Some(&old),
                new_value: None,
                old_comment: None,
                new_comment: None,
                detail: Some(&detail),
            },
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(link)
    }

    /// The link numbered `link_id`, or why there is none.
    pub fn evidence_link(&self, link_id: i64) -> Result<EvidenceLink, StoreError> {
        self.evidence()?
            .into_iter()
            .find(|l| l.id == link_id)
            .ok_or_else(|| StoreError::NoSuchLink {
                path: self.path.clone(),
                link_id,
            })
    }

    /// Sets (or clears) the dates of one link: the document's own date and the date it is valid
    /// until. One commit, with a `dates` history entry saying what they were and became.
    pub fn set_evidence_dates(
        &mut self,
        link_id: i64,
        dates: EvidenceDates,
        author: &str,
    ) -> Result<EvidenceLink, StoreError> {
        self.writable()?;
        let mut link = self.evidence_link(link_id)?;
        if link.dates == dates {
            return Ok(link);
        }
        let at = now();
        let author = clean_author(author);
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        tx.execute(
            "UPDATE evidence_links SET dated = ?1, valid_until = ?2 WHERE id = ?3",
            params![
                date_text(dates.dated),
                date_text(dates.valid_until),
                link_id
            ],
        )
        .map_err(err)?;
        let detail = serde_json::to_string(&crate::draft::DatesEvent {
            link: link_id,
            file_name: link.file.file_name.clone(),
            sha256: link.file.sha256.clone(),
            before: link.dates,
            after: dates,
        })
        .map_err(|e| StoreError::Damaged {
            path: self.path.clone(),
            detail: format!("the dates could not be recorded: {e}"),
        })?;
        insert_history(
            &tx,
            &HistoryRow {
                at: &at,
                author: &author,
                item: &link.item,
                action: HistoryAction::Dates,
                old_value: None,
                new_value: None,
                old_comment: None,
                new_comment: None,
                detail: Some(&detail),
            },
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        link.dates = dates;
        Ok(link)
    }

    /// Every link, in the order added. By `added_at` first: a link put back by a snapshot
    /// restore keeps its original time, and so its place in the list. Links added in the same
    /// millisecond are ordered by what they are, not by row id, which a restore changes.
    pub fn evidence(&self) -> Result<Vec<EvidenceLink>, StoreError> {
        // A draft of a format before the dates (opened read-only, unaltered) has no columns
        // for them: its links have none.
        let sql = if self.has_evidence_dates() {
            "SELECT l.id, l.item, l.sha256, b.size, l.file_name, l.media_type, l.added_at,
                    l.added_by, l.dated, l.valid_until
             FROM evidence_links l JOIN blobs b ON b.sha256 = l.sha256
             ORDER BY l.added_at, l.item, l.file_name, l.sha256, l.id"
        } else {
            "SELECT l.id, l.item, l.sha256, b.size, l.file_name, l.media_type, l.added_at,
                    l.added_by, NULL, NULL
             FROM evidence_links l JOIN blobs b ON b.sha256 = l.sha256
             ORDER BY l.added_at, l.item, l.file_name, l.sha256, l.id"
        };
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(EvidenceLink {
                    id: r.get(0)?,
                    item: r.get(1)?,
                    file: LinkedFile {
                        sha256: r.get(2)?,
                        size: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                        file_name: r.get(4)?,
                        media_type: r.get(5)?,
                        added_at: r.get(6)?,
                        added_by: r.get(7)?,
                    },
                    dates: EvidenceDates {
                        dated: stored_date(r.get(8)?),
                        valid_until: stored_date(r.get(9)?),
                    },
                })
            })
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.sql_err(e))
    }

    /// Streams a stored blob, one chunk in memory at a time. Reading it to the end also checks
    /// the content against its SHA-256; a mismatch is an `InvalidData` error.
    pub fn blob_reader(&self, sha256: &str) -> Result<BlobReader<'_>, StoreError> {
        let sha = sha256.trim().to_ascii_lowercase();
        let row: Option<(i64, i64, i64)> = self
            .conn
            .query_row(
                "SELECT body, chunk_count, size FROM blobs WHERE sha256 = ?1",
                [&sha],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| self.sql_err(e))?;
        let Some((body, chunk_count, size)) = row else {
            return Err(StoreError::NoSuchEvidence {
                path: self.path.clone(),
                sha256: sha,
            });
        };
        Ok(BlobReader {
            conn: &self.conn,
            path: &self.path,
            sha256: sha,
            size: u64::try_from(size).unwrap_or(0),
            body,
            chunk_count,
            next_seq: 0,
            buf: Vec::new(),
            pos: 0,
            read_total: 0,
            hasher: Some(Sha256::new()),
        })
    }

    /// Writes a stored blob to `out`, checking it against its SHA-256 on the way; returns the
    /// number of bytes written.
    pub fn extract(&self, sha256: &str, out: &mut dyn Write) -> Result<u64, StoreError> {
        let mut reader = self.blob_reader(sha256)?;
        let mut written = 0u64;
        while reader.fill()? {
            let piece = &reader.buf[reader.pos..];
            out.write_all(piece)
                .map_err(|source| StoreError::WriteOut {
                    sha256: reader.sha256.clone(),
                    source,
                })?;
            written += piece.len() as u64;
            reader.pos = reader.buf.len();
        }
        out.flush().map_err(|source| StoreError::WriteOut {
            sha256: reader.sha256.clone(),
            source,
        })?;
        Ok(written)
    }

    fn blob_of_size_exists(&self, size: u64) -> Result<bool, StoreError> {
        let size = i64::try_from(size).unwrap_or(i64::MAX);
        self.conn
            .query_row(
                "SELECT 1 FROM blobs WHERE size = ?1 LIMIT 1",
                [size],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(|e| self.sql_err(e))
    }

    pub(crate) fn blob_exists(&self, sha256: &str) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT 1 FROM blobs WHERE sha256 = ?1",
                [sha256],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(|e| self.sql_err(e))
    }

    /// Links an already stored blob.
    fn link(
        &mut self,
        item: &str,
        sha256: &str,
        file_name: &str,
        dates: EvidenceDates,
        author: &str,
    ) -> Result<EvidenceLink, StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let link =
            insert_link(&tx, item, sha256, file_name, dates, &clean_author(author)).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(link)
    }

    /// Writes the content as chunks of a new, not yet named body, hashing as it goes.
    pub(crate) fn stage(
        &mut self,
        reader: &mut dyn Read,
        source: &Path,
        total: Option<u64>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Staged, StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let body: i64 = self
            .conn
            .query_row(
                "SELECT max(coalesce((SELECT max(body) FROM blob_chunks), 0),
                            coalesce((SELECT max(body) FROM blobs), 0)) + 1",
                [],
                |r| r.get(0),
            )
            .map_err(err)?;
        // Staged chunks need no fsync of their own: until the final commit nothing names them,
        // and a crash only leaves them to be cleaned up. The final commit (synchronous=FULL)
        // syncs the WAL, and with it every chunk before it.
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        let result = write_chunks(&self.conn, body, reader, source, total, progress, &path);
        let restored = self
            .conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(err);
        match result {
            Ok(staged) => {
                restored?;
                Ok(staged)
            }
            Err(e) => {
                if !self.conn.is_autocommit() {
                    let _ = self.conn.execute_batch("ROLLBACK");
                }
                // Best effort: anything left is removed at the next writable open.
                let _ = self
                    .conn
                    .execute("DELETE FROM blob_chunks WHERE body = ?1", [body]);
                Err(e)
            }
        }
    }

    /// The final commit of an attach: the blob row (or, for content already stored, removal of
    /// the new copy), the link and the history entry, together.
    fn finish_attach(
        &mut self,
        item: &str,
        file_name: &str,
        staged: Staged,
        dates: EvidenceDates,
        author: &str,
    ) -> Result<EvidenceLink, StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        name_staged(&tx, &staged).map_err(err)?;
        let link = insert_link(
            &tx,
            item,
            &staged.sha256,
            file_name,
            dates,
            &clean_author(author),
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(link)
    }
}

/// Names staged content inside the caller's transaction: its blob row, or, for content already
/// stored, removal of the new copy.
pub(crate) fn name_staged(tx: &Connection, staged: &Staged) -> rusqlite::Result<()> {
    let exists: bool = tx
        .query_row(
            "SELECT 1 FROM blobs WHERE sha256 = ?1",
            [&staged.sha256],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if exists {
        tx.execute("DELETE FROM blob_chunks WHERE body = ?1", [staged.body])?;
    } else {
        tx.execute(
            "INSERT INTO blobs (sha256, size, chunk_count, body, stored_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                staged.sha256,
                i64::try_from(staged.size).unwrap_or(i64::MAX),
                staged.chunk_count,
                staged.body,
                now()
            ],
        )?;
    }
    Ok(())
}

/// Stores content already in memory (a workbook of a few MiB, never evidence of unbounded size)
/// as a blob inside the caller's transaction, and returns its SHA-256. Content already stored
/// is not written again.
pub(crate) fn store_bytes(conn: &Connection, bytes: &[u8]) -> rusqlite::Result<String> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let exists = conn
        .query_row("SELECT 1 FROM blobs WHERE sha256 = ?1", [&sha256], |_| {
            Ok(())
        })
        .optional()?
        .is_some();
    if exists {
        return Ok(sha256);
    }
    let body: i64 = conn.query_row(
        "SELECT max(coalesce((SELECT max(body) FROM blob_chunks), 0),
                    coalesce((SELECT max(body) FROM blobs), 0)) + 1",
        [],
        |r| r.get(0),
    )?;
    let mut count = 0i64;
    for (seq, piece) in bytes.chunks(CHUNK_SIZE).enumerate() {
        conn.prepare_cached("INSERT INTO blob_chunks (body, seq, data) VALUES (?1, ?2, ?3)")?
            .execute(params![body, i64::try_from(seq).unwrap_or(i64::MAX), piece])?;
        count += 1;
    }
    conn.execute(
        "INSERT INTO blobs (sha256, size, chunk_count, body, stored_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            sha256,
            i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            count,
            body,
            now()
        ],
    )?;
    Ok(sha256)
}

/// A link to put back exactly as it was recorded (its original name, media type, time and
/// author), by a restore of a snapshot or of an archived answer.
pub(crate) struct Relink<'a> {
    pub item: &'a str,
    pub sha256: &'a str,
    pub file_name: &'a str,
    pub media_type: &'a str,
    pub added_at: &'a str,
    pub added_by: &'a str,
    pub dates: EvidenceDates,
}

/// Inserts `link` inside the caller's transaction and returns its id. Its content must still be
/// stored; `whose` says where the link came from ("snapshot 3"), for the error when it is not.
pub(crate) fn relink(
    tx: &Connection,
    draft: &Path,
    link: &Relink<'_>,
    whose: &str,
) -> Result<i64, StoreError> {
    let err = |e| StoreError::sqlite(draft, e);
    let stored = tx
        .query_row(
            "SELECT 1 FROM blobs WHERE sha256 = ?1",
            [link.sha256],
            |_| Ok(()),
        )
        .optional()
        .map_err(err)?
        .is_some();
    if !stored {
        return Err(StoreError::Damaged {
            path: draft.to_path_buf(),
            detail: format!(
                "the evidence \"{}\" of {whose} is no longer stored",
                link.file_name
            ),
        });
    }
    tx.execute(
        "INSERT INTO evidence_links (item, sha256, file_name, media_type, added_at, added_by,
                                     dated, valid_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            link.item,
            link.sha256,
            link.file_name,
            link.media_type,
            link.added_at,
            link.added_by,
            date_text(link.dates.dated),
            date_text(link.dates.valid_until)
        ],
    )
    .map_err(err)?;
    Ok(tx.last_insert_rowid())
}

/// Content written as chunks of `body`, not yet named by any blob row.
pub(crate) struct Staged {
    pub body: i64,
    pub sha256: String,
    size: u64,
    chunk_count: i64,
}

fn write_chunks(
    conn: &Connection,
    body: i64,
    reader: &mut dyn Read,
    source: &Path,
    total: Option<u64>,
    progress: &mut dyn FnMut(u64, u64),
    draft: &Path,
) -> Result<Staged, StoreError> {
    let err = |e| StoreError::sqlite(draft, e);
    let mut buf = vec![0u8; CHUNK_SIZE];
    let mut hasher = Sha256::new();
    let mut done = 0u64;
    let mut seq = 0i64;
    conn.execute_batch("BEGIN IMMEDIATE").map_err(err)?;
    loop {
        let n = read_full(reader, &mut buf).map_err(|e| StoreError::io(source, e))?;
        if n == 0 {
            break;
        }
        let piece = &buf[..n];
        hasher.update(piece);
        conn.prepare_cached("INSERT INTO blob_chunks (body, seq, data) VALUES (?1, ?2, ?3)")
            .and_then(|mut s| s.execute(params![body, seq, piece]))
            .map_err(err)?;
        seq += 1;
        done += n as u64;
        progress(done, total.unwrap_or(0));
        if seq as u64 % CHUNKS_PER_COMMIT == 0 {
            conn.execute_batch("COMMIT; BEGIN IMMEDIATE").map_err(err)?;
        }
        if n < buf.len() {
            break;
        }
    }
    conn.execute_batch("COMMIT").map_err(err)?;
    if done == 0 {
        progress(0, total.unwrap_or(0));
    }
    Ok(Staged {
        body,
        sha256: hex::encode(hasher.finalize()),
        size: done,
        chunk_count: seq,
    })
}

fn hash_stream(
    reader: &mut dyn Read,
    source: &Path,
    total: Option<u64>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<String, StoreError> {
    let mut buf = vec![0u8; CHUNK_SIZE];
    let mut hasher = Sha256::new();
    let mut done = 0u64;
    loop {
        let n = read_full(reader, &mut buf).map_err(|e| StoreError::io(source, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        done += n as u64;
        progress(done, total.unwrap_or(0));
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Reads until `buf` is full or the input ends, so every chunk but the last is full-sized.
fn read_full(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

pub(crate) fn insert_link(
    conn: &Connection,
    item: &str,
    sha256: &str,
    file_name: &str,
    dates: EvidenceDates,
    author: &str,
) -> rusqlite::Result<EvidenceLink> {
    let at = now();
    let media_type = media_type_for(file_name);
    conn.execute(
        "INSERT INTO evidence_links (item, sha256, file_name, media_type, added_at, added_by,
                                     dated, valid_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            item,
            sha256,
            file_name,
            media_type,
            at,
            author,
            date_text(dates.dated),
            date_text(dates.valid_until)
        ],
    )?;
    let id = conn.last_insert_rowid();
    let size: i64 = conn.query_row("SELECT size FROM blobs WHERE sha256 = ?1", [sha256], |r| {
        r.get(0)
    })?;
    let link = EvidenceLink {
        id,
        item: item.to_string(),
        file: LinkedFile {
            sha256: sha256.to_string(),
            size: u64::try_from(size).unwrap_or(0),
            file_name: file_name.to_string(),
            media_type: media_type.to_string(),
            added_at: at.clone(),
            added_by: author.to_string(),
        },
        dates,
    };
    let new = json_string(file_name);
    let detail = link_detail(&link);
    insert_history(
        conn,
        &HistoryRow {
            at: &at,
            author,
            item,
            action: HistoryAction::Attach,
            old_value: None,
            new_value: Some(&new),
            old_comment: None,
            new_comment: None,
            detail: Some(&detail),
        },
    )?;
    Ok(link)
}

fn link_detail(link: &EvidenceLink) -> String {
    let mut detail = serde_json::json!({
        "link": link.id,
        "sha256": link.file.sha256,
        "size": link.file.size,
        "media_type": link.file.media_type,
    });
    if !link.dates.is_empty() {
        detail["dates"] = serde_json::to_value(link.dates).unwrap_or_default();
    }
    detail.to_string()
}

/// A date as the draft stores it (YYYY-MM-DD), or NULL.
pub(crate) fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// A stored date read back; text that is not one (a hand-edited file) reads as none.
fn stored_date(text: Option<String>) -> Option<NaiveDate> {
    text.as_deref().and_then(scal_core::answer::parse_date)
}

/// Chunks that no blob names: what an interrupted attach left behind.
pub(crate) fn remove_staged_chunks(conn: &Connection) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM blob_chunks WHERE body NOT IN (SELECT body FROM blobs)",
        [],
    )
}

/// The name evidence is kept under: the last part of what was given (no folders), without
/// bidi controls, trimmed. A bidi override would make the name read as something it is not
/// (`x\u{202E}txt.exe` shows as "xexe.txt") everywhere it is shown, so it is dropped, and the
/// name is kept as it really reads ("xtxt.exe"); control characters are refused.
pub(crate) fn clean_file_name(given: &str) -> Result<String, StoreError> {
    let bad = |why| StoreError::BadFileName {
        name: given.to_string(),
        why,
    };
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let honest: String = last
        .chars()
        .filter(|c| !scal_core::text::is_bidi_control(*c))
        .collect();
    let name = honest.trim();
    if name.is_empty() || name == "." || name == ".." {
        return Err(bad("it is empty once folders are removed"));
    }
    if name.chars().any(char::is_control) {
        return Err(bad("it contains control characters"));
    }
    if name.chars().count() > MAX_FILE_NAME_CHARS {
        return Err(bad("it is longer than 255 characters"));
    }
    Ok(name.to_string())
}

/// Streams one stored blob (see `Draft::blob_reader`).
pub struct BlobReader<'a> {
    conn: &'a Connection,
    path: &'a PathBuf,
    sha256: String,
    size: u64,
    body: i64,
    chunk_count: i64,
    next_seq: i64,
    buf: Vec<u8>,
    pos: usize,
    read_total: u64,
    /// `None` once the content has been checked.
    hasher: Option<Sha256>,
}

impl BlobReader<'_> {
    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// This reader without its own check of the content against its SHA-256, for a caller that
    /// hashes the very bytes it copied and compares them with this SHA-256 itself (the
    /// submission pack's read-back does, entry by entry): each byte is then hashed once for
    /// that check, not twice. Whoever calls this must make that check.
    pub fn unchecked(mut self) -> Self {
        self.hasher = None;
        self
    }

    /// Ensures unread bytes are in `buf` (loading the next chunk if needed); false at the end,
    /// after checking the whole content against its SHA-256.
    fn fill(&mut self) -> Result<bool, StoreError> {
        if self.pos < self.buf.len() {
            return Ok(true);
        }
        if self.next_seq >= self.chunk_count {
            if let Some(hasher) = self.hasher.take() {
                let actual = hex::encode(hasher.finalize());
                if actual != self.sha256 || self.read_total != self.size {
                    return Err(self.damaged("its content no longer matches its SHA-256"));
                }
            }
            return Ok(false);
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT data FROM blob_chunks WHERE body = ?1 AND seq = ?2")
            .map_err(|e| StoreError::sqlite(self.path, e))?;
        let mut rows = stmt
            .query(params![self.body, self.next_seq])
            .map_err(|e| StoreError::sqlite(self.path, e))?;
        let row = rows
            .next()
            .map_err(|e| StoreError::sqlite(self.path, e))?
            .ok_or_else(|| self.damaged("a part of it is missing"))?;
        let data = row
            .get_ref(0)
            .and_then(|v| v.as_blob().map_err(rusqlite::Error::from))
            .map_err(|e| StoreError::sqlite(self.path, e))?;
        self.buf.clear();
        self.buf.extend_from_slice(data);
        drop(rows);
        if let Some(h) = self.hasher.as_mut() {
            h.update(&self.buf);
        }
        self.read_total += self.buf.len() as u64;
        self.pos = 0;
        self.next_seq += 1;
        if self.buf.is_empty() {
            return Err(self.damaged("a part of it is empty"));
        }
        Ok(true)
    }

    fn damaged(&self, what: &str) -> StoreError {
        StoreError::Damaged {
            path: self.path.clone(),
            detail: format!("evidence {} is unreadable: {what}", self.sha256),
        }
    }
}

impl Read for BlobReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        match self.fill() {
            Ok(true) => {
                let n = out.len().min(self.buf.len() - self.pos);
                out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
                self.pos += n;
                Ok(n)
            }
            Ok(false) => Ok(0),
            Err(e) => Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
        }
    }
}

impl std::fmt::Debug for BlobReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobReader")
            .field("sha256", &self.sha256)
            .field("size", &self.size)
            .field("next_seq", &self.next_seq)
            .finish()
    }
}
