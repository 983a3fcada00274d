//! One open draft: the `Draft` itself, how it is created and opened (`open.rs`: the file's
//! header judged before SQLite touches it, locking, WAL), and what it holds, one concern a
//! module: answers, history, section statuses, exports, integrity.

mod answers;
mod exports;
mod history;
mod integrity;
mod open;
mod status;

use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use rusqlite::Connection;
use scal_core::{CoreError, Template};

use crate::error::StoreError;
use crate::{SourceWorkbook, TemplateRevision};

use crate::fsutil;
pub(crate) use answers::{put_answer, write_judged_as, write_judged_as_review};
pub(crate) use exports::insert_export;
pub(crate) use history::{insert_history, HistoryRow};
pub use history::{
    ArchiveEvent, CarryEvent, ConfirmEvent, CopyEvent, DatesEvent, HistoryAction, HistoryEntry,
    HistoryEvent, LinkEvent, RestoreEvent,
};
use open::{build_new_draft, move_into_place, open_draft, template_in_force, OpenClaim};

/// One open `*.scal` file.
#[derive(Debug)]
pub struct Draft {
    // Field order matters: the connection must close before the claim on the path is released
    // (fields drop in declaration order), see `OpenClaim`.
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
    read_only: bool,
    /// Opened for review: answers, evidence and statuses are refused, review comments and the
    /// sign-off are taken (see `open_for_review`).
    review: bool,
    draft_id: String,
    created_at: String,
    template: Template,
    template_json: String,
    template_rev: i64,
    workbook: Option<SourceWorkbook>,
    /// The draft format of the open file: `SCHEMA_VERSION` once opened writable (it is
    /// migrated), possibly older when opened read-only.
    format: i64,
    /// How many times every answer was read (see [`Draft::answer_reads`]).
    answer_reads: std::sync::atomic::AtomicU64,
    _claim: OpenClaim,
}

/// The workbook given with an imported template at creation (see `Draft::create_from_workbook`).
#[derive(Debug, Clone, Copy)]
pub struct NewWorkbook<'a> {
    pub file_name: &'a str,
    pub bytes: &'a [u8],
}

impl Draft {
    /// Whether the file has columns for evidence dates (format 6 on).
    pub(crate) fn has_evidence_dates(&self) -> bool {
        self.format >= crate::schema::EVIDENCE_DATES_FORMAT
    }

    /// Whether the file has the review loop's tables (format 7 on).
    pub(crate) fn has_review_import(&self) -> bool {
        self.format >= crate::schema::REVIEW_IMPORT_FORMAT
    }
}

impl Draft {
    /// Creates a new draft from a template. Refuses an existing file; the draft is built in a
    /// temporary file next to `path` and moved into place only when complete, so a crash never
    /// leaves a half-made draft under the chosen name.
    pub fn create(path: &Path, template_json: &str, author: &str) -> Result<Draft, StoreError> {
        Draft::create_with(path, template_json, None, author)
    }

    /// Creates a draft from a template imported from an NHS workbook, keeping a copy of that
    /// workbook inside the draft (so it can be filled in place later, on any machine).
    pub fn create_from_workbook(
        path: &Path,
        template_json: &str,
        workbook: NewWorkbook<'_>,
        author: &str,
    ) -> Result<Draft, StoreError> {
        Draft::create_with(path, template_json, Some(workbook), author)
    }

    fn create_with(
        path: &Path,
        template_json: &str,
        workbook: Option<NewWorkbook<'_>>,
        author: &str,
    ) -> Result<Draft, StoreError> {
        // Stored as its JSON alone: a byte-order mark would make the stored text unreadable.
        let template_json = scal_core::text::without_bom(template_json);
        let template =
            scal_core::load_template(template_json).map_err(|source| StoreError::Template {
                path: path.to_path_buf(),
                source,
            })?;
        if path.symlink_metadata().is_ok() {
            return Err(StoreError::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if std::fs::metadata(dir).is_ok_and(|m| m.permissions().readonly()) {
            return Err(StoreError::CannotCreate {
                path: path.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    "its folder is read-only",
                ),
            });
        }
        let tmp = fsutil::sibling_temp_path(path, "creating");
        let built = build_new_draft(&tmp, path, &template, template_json, workbook, author)
            .and_then(|()| move_into_place(&tmp, path));
        if built.is_err() {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut p = tmp.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(p));
            }
        }
        built?;
        Draft::open(path)
    }

    /// Opens a draft for editing. Only one `Draft` per file may be open at a time, in this
    /// process or any other; the second is refused with `StoreError::AlreadyOpen`.
    pub fn open(path: &Path) -> Result<Draft, StoreError> {
        open_draft(path, false)
    }

    /// Opens a draft for review: everything can be read, every change is refused with
    /// `StoreError::ReadOnly`, and nothing in the file is altered.
    pub fn open_read_only(path: &Path) -> Result<Draft, StoreError> {
        open_draft(path, true)
    }

    /// Opens a draft for a reviewer: what a reviewer does is taken (review comments, replies,
    /// resolving them, the sign-off), what the author does is refused with
    /// `StoreError::ReviewOnly` (answers, comments on answers, evidence, section statuses,
    /// snapshots). The file must be writable, and it is locked like an edit, so the author
    /// cannot change answers under the reviewer's eyes.
    pub fn open_for_review(path: &Path) -> Result<Draft, StoreError> {
        let mut draft = open_draft(path, false)?;
        draft.review = true;
        Ok(draft)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when answers cannot be changed: opened read-only, or for review.
    pub fn is_read_only(&self) -> bool {
        self.read_only || self.review
    }

    /// True when opened with `open_for_review`.
    pub fn is_review(&self) -> bool {
        self.review
    }

    /// A UUID v4, fixed when the draft was created.
    pub fn draft_id(&self) -> &str {
        &self.draft_id
    }

    /// When the draft was created, RFC 3339 UTC.
    pub fn created_at(&self) -> &str {
        &self.created_at
    }

    /// The template snapshot stored in the draft.
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// The template in force exactly as it was given (at creation, or at the latest upgrade).
    pub fn template_json(&self) -> &str {
        &self.template_json
    }

    /// The revision number of the template in force: 1 until the first upgrade.
    pub fn template_rev(&self) -> i64 {
        self.template_rev
    }

    /// The NHS workbook the template in force was imported from, if it was.
    pub fn source_workbook(&self) -> Option<&SourceWorkbook> {
        self.workbook.as_ref()
    }

    /// Every template this draft has been answered against, oldest first.
    pub fn template_revisions(&self) -> Result<Vec<TemplateRevision>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT t.rev, t.template_id, t.template_version, t.stored_at, t.stored_by,
                        t.workbook_name, t.workbook_sha256, b.size
                 FROM template_revisions t LEFT JOIN blobs b ON b.sha256 = t.workbook_sha256
                 ORDER BY t.rev",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let name: Option<String> = r.get(5)?;
                let sha: Option<String> = r.get(6)?;
                let size: Option<i64> = r.get(7)?;
                Ok(TemplateRevision {
                    rev: r.get(0)?,
                    template_id: r.get(1)?,
                    template_version: r.get(2)?,
                    stored_at: r.get(3)?,
                    stored_by: r.get(4)?,
                    workbook: name.zip(sha).map(|(file_name, sha256)| SourceWorkbook {
                        file_name,
                        sha256,
                        size: size.and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
                    }),
                })
            })
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sql_err(e))
    }

    /// Re-reads the template in force after a change of revision (an upgrade, or a restore of
    /// a snapshot taken under another revision).
    pub(crate) fn reload_template(&mut self) -> Result<(), StoreError> {
        let (rev, json, workbook, template) = template_in_force(&self.conn, &self.path)?;
        self.template_rev = rev;
        self.template_json = json;
        self.workbook = workbook;
        self.template = template;
        Ok(())
    }

    pub(crate) fn writable(&self) -> Result<(), StoreError> {
        if self.review {
            return Err(StoreError::ReviewOnly {
                path: self.path.clone(),
            });
        }
        self.reviewable()
    }

    /// What a reviewer may change (review comments, the sign-off): refused only read-only.
    pub(crate) fn reviewable(&self) -> Result<(), StoreError> {
        if self.read_only {
            Err(StoreError::ReadOnly {
                path: self.path.clone(),
            })
        } else {
            Ok(())
        }
    }

    pub(crate) fn sql_err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::sqlite(&self.path, e)
    }

    /// The item must exist in the template (answerable or not: evidence and comments may go on
    /// any item).
    pub(crate) fn check_item(&self, item: &str) -> Result<(), StoreError> {
        match self.template.item(item) {
            Some(_) => Ok(()),
            None => Err(CoreError::UnknownItem(item.to_string()).into()),
        }
    }
}

pub(crate) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn clean_author(author: &str) -> String {
    let a = author.trim();
    if a.is_empty() {
        "unknown".to_string()
    } else {
        a.to_string()
    }
}

pub(crate) fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}
