//! The review loop's record: what each workbook this draft wrote held in the cells an assessor
//! may change or write in, and what a returned workbook brought back.
//!
//! A returned workbook is recognised by what we wrote, never by its hash (Excel rewrites the
//! file when the assessor saves it): `written_cells` keeps, per workbook, every answer cell and
//! review cell with the text it held. The remarks found in a returned copy become review threads
//! on their items; each carries a key of its content, unique in the draft, so a second round that
//! repeats the first round's remarks adds nothing twice. A changed supplier cell becomes a thread
//! of kind `proposed`: nothing is applied until the lead accepts it
//! (`Draft::accept_proposed_change`), and that answer's history names the thread.

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::draft::{clean_author, now, write_judged_as_review};
use crate::{AnswerChange, Draft, ReviewComment, StoreError};

/// Which workbook a record is of: the one we lay out ourselves, or the NHS workbook filled in
/// place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkbookKind {
    Own,
    Filled,
}

impl WorkbookKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkbookKind::Own => "own",
            WorkbookKind::Filled => "filled",
        }
    }

    fn parse(s: &str) -> WorkbookKind {
        if s == "filled" {
            WorkbookKind::Filled
        } else {
            WorkbookKind::Own
        }
    }
}

/// One cell a workbook was written with: an answer cell (`response`, `comment`, `option`,
/// `other`, `evidence`, `status`) with the text it held, or a `review` cell left for the assessor
/// (its value empty). Dates are held as `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenCell {
    pub sheet: String,
    /// A1 reference.
    pub cell: String,
    /// The item the cell answers (or reviews); the section for a `status` cell.
    #[serde(default)]
    pub item: Option<String>,
    pub role: String,
    #[serde(default)]
    pub value: String,
}

/// The cells of one workbook, as given to the store when it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenWorkbook {
    pub kind: WorkbookKind,
    pub file_name: String,
    pub cells: Vec<WrittenCell>,
}

/// A workbook as recorded: its cells, the export it belongs to (none for `scal fill`), and
/// that export's answers digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenRecord {
    pub id: i64,
    pub at: String,
    pub export_id: Option<i64>,
    pub answers_digest: Option<String>,
    pub kind: WorkbookKind,
    pub file_name: String,
    pub cells: Vec<WrittenCell>,
}

/// What a review comment is: a remark (a question, a note), or a change the assessor made to
/// one of the supplier's cells, held until the lead accepts or answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    Remark,
    Proposed,
}

/// Which of the supplier's cells a proposed change is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposedField {
    Response,
    Comment,
}

impl ProposedField {
    pub fn as_str(self) -> &'static str {
        match self {
            ProposedField::Response => "response",
            ProposedField::Comment => "comment",
        }
    }
}

/// The assessor's change to one supplier cell: what we wrote there and what it holds now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedChange {
    pub field: ProposedField,
    pub was: String,
    pub text: String,
}

/// One remark read from a returned workbook, to be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRemark {
    /// The item (or section) it is on.
    pub item: String,
    /// Its content key: the same remark read again has the same key.
    pub key: String,
    /// The key of the remark it replies to (a threaded comment's reply).
    pub parent_key: Option<String>,
    pub author: String,
    /// When the workbook dates it (threaded comments do); else the import's time.
    pub at: Option<String>,
    pub body: String,
    pub kind: ReviewKind,
    pub proposed: Option<ProposedChange>,
    /// Where it was found, in words: `sheet "IG" cell F12 (NHS review column)`.
    pub source: String,
}

/// The returned workbook an import read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewImport {
    pub file_name: String,
    pub sha256: String,
    pub reviewer: String,
    /// The workbook record it was recognised as a copy of.
    pub written_id: i64,
}

/// What one import added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewImportOutcome {
    pub id: i64,
    /// The comments added, in the order given.
    pub added: Vec<ReviewComment>,
    /// How many remarks were already in the draft (from an earlier round).
    pub repeated: usize,
}

/// One import of a returned workbook, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewImportInfo {
    pub id: i64,
    pub at: String,
    pub by: String,
    pub reviewer: String,
    pub file_name: String,
    pub sha256: String,
    pub written_id: i64,
    /// The export whose workbook came back (none for a workbook `scal fill` wrote).
    pub export_id: Option<i64>,
    pub added: usize,
    pub repeated: usize,
}

impl Draft {
    /// The workbook records, newest first (empty for a draft older than format 7).
    pub fn written_workbooks(&self) -> Result<Vec<WrittenRecord>, StoreError> {
        if !self.has_review_import() {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT w.id, w.at, w.export_id, e.answers_digest, w.workbook, w.file_name, w.cells
                 FROM written_cells w LEFT JOIN exports e ON e.id = w.export_id
                 ORDER BY w.id DESC",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .map_err(|e| self.sql_err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, export_id, answers_digest, kind, file_name, cells) =
                row.map_err(|e| self.sql_err(e))?;
            let cells = serde_json::from_str(&cells).map_err(|_| StoreError::Damaged {
                path: self.path.clone(),
                detail: format!("the cells of written workbook {id} cannot be read"),
            })?;
            out.push(WrittenRecord {
                id,
                at,
                export_id,
                answers_digest,
                kind: WorkbookKind::parse(&kind),
                file_name,
                cells,
            });
        }
        Ok(out)
    }

    /// Records the cells of a workbook written outside an export (`scal fill`).
    /// Recorded for a draft open for review too (as the outputs are), never read-only.
    pub fn record_written_workbook(
        &mut self,
        workbook: &WrittenWorkbook,
    ) -> Result<i64, StoreError> {
        self.reviewable()?;
        self.needs_review_import()?;
        insert_written(&self.conn, workbook, None, &now()).map_err(|e| self.sql_err(e))
    }

    /// Imports the remarks of a returned workbook in one transaction: each becomes a comment
    /// (a reply when its parent is known), unless a comment of the same key is already in the
    /// draft. The import itself is recorded.
    pub fn import_review(
        &mut self,
        import: &ReviewImport,
        remarks: &[ImportedRemark],
        by: &str,
    ) -> Result<ReviewImportOutcome, StoreError> {
        self.reviewable()?;
        self.needs_review_import()?;
        for r in remarks {
            if self.template().item(&r.item).is_none() && self.template().section(&r.item).is_none()
            {
                return Err(StoreError::UnknownItemOrSection {
                    path: self.path.clone(),
                    id: r.item.clone(),
                });
            }
        }
        let at = now();
        let by = clean_author(by);
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        tx.execute(
            "INSERT INTO review_imports (at, by, reviewer, file_name, sha256, written_id, added, repeated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0)",
            params![at, by, import.reviewer, import.file_name, import.sha256, import.written_id],
        )
        .map_err(err)?;
        let import_id = tx.last_insert_rowid();
        let mut added = Vec::new();
        let mut repeated = 0;
        for r in remarks {
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT id FROM review_comments WHERE import_key = ?1",
                    [&r.key],
                    |row| row.get(0),
                )
                .optional()
                .map_err(err)?;
            if existing.is_some() {
                repeated += 1;
                continue;
            }
            let parent: Option<(i64, String)> = match &r.parent_key {
                None => None,
                Some(key) => tx
                    .query_row(
                        "SELECT coalesce(parent, id), item FROM review_comments WHERE import_key = ?1",
                        [key],
                        |row| Ok((row.get(0)?, row.get(1)?)),
                    )
                    .optional()
                    .map_err(err)?,
            };
            let item = parent.as_ref().map_or(r.item.as_str(), |p| p.1.as_str());
            let proposed = r
                .proposed
                .as_ref()
                .map(|p| serde_json::to_string(p).unwrap_or_default());
            let kind = match r.kind {
                ReviewKind::Remark => "remark",
                ReviewKind::Proposed => "proposed",
            };
            tx.execute(
                "INSERT INTO review_comments
                     (item, at, author, body, parent, kind, proposed, source, import_id, import_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    item,
                    r.at.as_deref().unwrap_or(&at),
                    clean_author(&r.author),
                    r.body.trim(),
                    parent.as_ref().map(|p| p.0),
                    kind,
                    proposed,
                    r.source,
                    import_id,
                    r.key
                ],
            )
            .map_err(err)?;
            let id = tx.last_insert_rowid();
            if let Some((root, _)) = parent {
                // A new reply re-opens its thread, as a reply typed here does.
                tx.execute(
                    "UPDATE review_comments SET resolved_at = NULL, resolved_by = NULL WHERE id = ?1",
                    [root],
                )
                .map_err(err)?;
            }
            added.push(id);
        }
        tx.execute(
            "UPDATE review_imports SET added = ?2, repeated = ?3 WHERE id = ?1",
            params![import_id, added.len() as i64, repeated as i64],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        let added = added
            .into_iter()
            .map(|id| self.review_comment(id))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ReviewImportOutcome {
            id: import_id,
            added,
            repeated,
        })
    }

    /// Every import of a returned workbook, oldest first.
    pub fn review_imports(&self) -> Result<Vec<ReviewImportInfo>, StoreError> {
        if !self.has_review_import() {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT i.id, i.at, i.by, i.reviewer, i.file_name, i.sha256, i.written_id,
                        w.export_id, i.added, i.repeated
                 FROM review_imports i JOIN written_cells w ON w.id = i.written_id
                 ORDER BY i.id",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(ReviewImportInfo {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    by: r.get(2)?,
                    reviewer: r.get(3)?,
                    file_name: r.get(4)?,
                    sha256: r.get(5)?,
                    written_id: r.get(6)?,
                    export_id: r.get(7)?,
                    added: usize::try_from(r.get::<_, i64>(8)?).unwrap_or(0),
                    repeated: usize::try_from(r.get::<_, i64>(9)?).unwrap_or(0),
                })
            })
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.sql_err(e))
    }

    /// Accepts the proposed change of thread `id`: the assessor's text becomes the item's
    /// response (or comment), recorded as the lead's answer whose history names the thread; a
    /// reply says so and the thread is resolved. All in one transaction. A text the item cannot
    /// take (not one of its options, not a date) is refused and nothing changes.
    pub fn accept_proposed_change(
        &mut self,
        id: i64,
        author: &str,
    ) -> Result<ReviewComment, StoreError> {
        self.writable()?;
        let root = self.thread_root_of(id)?;
        let Some(change) = root.proposed.clone() else {
            return Err(StoreError::NotAProposedChange { id: root.id });
        };
        let answer_change = match change.field {
            ProposedField::Response => {
                let value =
                    scal_core::answer::parse_input(self.template(), &root.item, &change.text)?;
                AnswerChange {
                    value: Some(value),
                    comment: None,
                }
            }
            ProposedField::Comment => AnswerChange {
                value: None,
                comment: Some(change.text.clone()),
            },
        };
        let changes = [(root.item.clone(), answer_change)];
        let judged = self.judge_all(&changes)?;
        let at = now();
        let author = clean_author(author);
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        write_judged_as_review(&tx, judged, &at, &author, root.id).map_err(err)?;
        let shown = if change.text.trim().is_empty() {
            "cleared".to_string()
        } else {
            format!("\"{}\"", change.text.trim())
        };
        tx.execute(
            "INSERT INTO review_comments (item, at, author, body, parent) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                root.item,
                at,
                author,
                format!("Accepted: the {} is now {shown}.", change.field.as_str()),
                root.id
            ],
        )
        .map_err(err)?;
        tx.execute(
            "UPDATE review_comments SET resolved_at = ?2, resolved_by = ?3 WHERE id = ?1",
            params![root.id, at, author],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        self.review_comment(root.id)
    }

    fn needs_review_import(&self) -> Result<(), StoreError> {
        if self.has_review_import() {
            Ok(())
        } else {
            Err(StoreError::ReadOnly {
                path: self.path.clone(),
            })
        }
    }
}

/// Inserts a workbook record inside the caller's transaction; returns its id.
pub(crate) fn insert_written(
    conn: &rusqlite::Connection,
    workbook: &WrittenWorkbook,
    export_id: Option<i64>,
    at: &str,
) -> rusqlite::Result<i64> {
    let cells = serde_json::to_string(&workbook.cells).unwrap_or_else(|_| "[]".to_string());
    conn.execute(
        "INSERT INTO written_cells (at, export_id, workbook, file_name, cells)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            at,
            export_id,
            workbook.kind.as_str(),
            workbook.file_name,
            cells
        ],
    )?;
    Ok(conn.last_insert_rowid())
}
