//! Opening, creating and changing a draft: answers, history, section statuses, exports.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use scal_core::answer::{is_placeholder, normalize, MAX_TEXT_CHARS};
use scal_core::{Answer, AnswerError, Answers, DraftState, Template, Value};

use crate::error::StoreError;
use crate::fsutil::NotReadable;
use crate::schema::{self, APPLICATION_ID, SCHEMA_VERSION};
use crate::{
    fsutil, value_to_json, AnswerChange, ExportRecord, HistoryEntry, SectionStatus, SourceWorkbook,
    TemplateRevision,
};

/// Page size of new drafts. Evidence dominates a draft's size and is stored in 1 MiB chunks,
/// which larger pages store with fewer overflow-page hops; 16 KiB keeps an empty draft small.
const PAGE_SIZE: u32 = 16 * 1024;

/// How long a second opener waits for the lock before being told the draft is in use. Short:
/// the lock is held for as long as the other window is open, so waiting longer never helps.
const BUSY_TIMEOUT: Duration = Duration::from_millis(200);

/// The WAL is truncated back to this after a checkpoint, so a large attach leaves no large WAL.
const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

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
    _claim: OpenClaim,
}

/// The workbook given with an imported template at creation (see `Draft::create_from_workbook`).
#[derive(Debug, Clone, Copy)]
pub struct NewWorkbook<'a> {
    pub file_name: &'a str,
    pub bytes: &'a [u8],
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

    pub fn answers(&self) -> Result<Answers, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT item, value, comment FROM answers ORDER BY item")
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| self.sql_err(e))?;
        let mut answers = Answers::new();
        for row in rows {
            let (item, value, comment) = row.map_err(|e| self.sql_err(e))?;
            let value = self.decode_value(&item, value.as_deref())?;
            answers.insert(item, Answer { value, comment });
        }
        Ok(answers)
    }

    /// Sets (or clears) one item's value and/or comment. The value is checked by
    /// `scal_core::answer::normalize` and stored in its canonical form.
    pub fn set_answer(
        &mut self,
        item: &str,
        change: AnswerChange,
        author: &str,
    ) -> Result<(), StoreError> {
        self.apply(&[(item.to_string(), change)], author)
            .map(|_| ())
    }

    /// Applies many changes as one transaction: every change is judged first, and if any is
    /// refused nothing is written (answers and history untouched). Returns how many answers
    /// actually changed; a change to what is already there is not a change and leaves no
    /// history.
    pub fn apply(
        &mut self,
        changes: &[(String, AnswerChange)],
        author: &str,
    ) -> Result<usize, StoreError> {
        self.writable()?;
        let judged = self.judge_all(changes)?;
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let changed = write_judged(&tx, judged, &now(), &clean_author(author)).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(changed)
    }

    /// Judges every change (see `apply`), writing nothing: what `write_judged` takes.
    pub(crate) fn judge_all<'a>(
        &self,
        changes: &'a [(String, AnswerChange)],
    ) -> Result<Vec<(&'a str, Judged)>, StoreError> {
        changes
            .iter()
            .map(|(item, change)| self.judge(item, change).map(|j| (item.as_str(), j)))
            .collect()
    }

    /// The history, oldest first; of one item (or section) when `item` is given.
    pub fn history(&self, item: Option<&str>) -> Result<Vec<HistoryEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT seq, at, author, item, action, old_value, new_value, old_comment,
                        new_comment, detail
                 FROM history WHERE ?1 IS NULL OR item = ?1 ORDER BY seq",
            )
            .map_err(|e| self.sql_err(e))?;
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows = stmt
            .query_map([item], |r| -> rusqlite::Result<Row> {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            })
            .map_err(|e| self.sql_err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, at, author, item, action, old_v, new_v, old_comment, new_comment, detail) =
                row.map_err(|e| self.sql_err(e))?;
            let old_value = self.decode_value(&item, old_v.as_deref())?;
            let new_value = self.decode_value(&item, new_v.as_deref())?;
            out.push(HistoryEntry {
                seq,
                at,
                author,
                item,
                action,
                old_value,
                new_value,
                old_comment,
                new_comment,
                detail,
            });
        }
        Ok(out)
    }

    pub fn section_statuses(&self) -> Result<BTreeMap<String, SectionStatus>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT section, status, at, by FROM section_status ORDER BY section")
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    SectionStatus {
                        status: r.get(1)?,
                        at: r.get(2)?,
                        by: r.get(3)?,
                    },
                ))
            })
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<rusqlite::Result<BTreeMap<_, _>>>()
            .map_err(|e| self.sql_err(e))
    }

    /// Sets a section's Status cell: "In Progress" or "Complete" (any letter case). Complete is
    /// refused while the section has blocking issues (dates judged against today's local date);
    /// see `set_section_status_on`.
    pub fn set_section_status(
        &mut self,
        section: &str,
        status: &str,
        author: &str,
    ) -> Result<(), StoreError> {
        let today = chrono::Local::now().date_naive();
        self.set_section_status_on(section, status, author, today)
    }

    /// Sets a section's Status cell, judging date rules against `today`. "Complete" is refused
    /// with `StoreError::SectionNotReady`, listing the reasons, while `scal_core::check` finds
    /// blocking issues in the section: a Complete tab that is not is what a reviewer sends back.
    pub fn set_section_status_on(
        &mut self,
        section: &str,
        status: &str,
        author: &str,
        today: chrono::NaiveDate,
    ) -> Result<(), StoreError> {
        self.writable()?;
        let Some(s) = self.template.section(section) else {
            return Err(StoreError::UnknownSection {
                path: self.path.clone(),
                section: section.to_string(),
            });
        };
        if !s.has_status {
            return Err(StoreError::SectionHasNoStatus {
                path: self.path.clone(),
                section: section.to_string(),
            });
        }
        let status = match ["In Progress", "Complete"]
            .into_iter()
            .find(|s| s.eq_ignore_ascii_case(status.trim()))
        {
            Some(s) => s,
            None => {
                return Err(StoreError::NotAStatus {
                    path: self.path.clone(),
                    section: section.to_string(),
                    status: status.to_string(),
                })
            }
        };
        if status == scal_core::completeness::STATUS_COMPLETE {
            self.refuse_complete_with_issues(section, today)?;
        }
        let at = now();
        let author = clean_author(author);
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let old: Option<String> = tx
            .query_row(
                "SELECT status FROM section_status WHERE section = ?1",
                [section],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        if old.as_deref() == Some(status) {
            return Ok(());
        }
        tx.execute(
            "INSERT INTO section_status (section, status, at, by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (section) DO UPDATE SET status = excluded.status, at = excluded.at,
                 by = excluded.by",
            params![section, status, at, author],
        )
        .map_err(err)?;
        let old_json = old.map(|s| json_string(&s));
        let new_json = json_string(status);
        insert_history(
            &tx,
            &HistoryRow {
                at: &at,
                author: &author,
                item: section,
                action: "status",
                old_value: old_json.as_deref(),
                new_value: Some(&new_json),
                old_comment: None,
                new_comment: None,
                detail: None,
            },
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }

    /// The section's blocking issues as `check` finds them with the section not yet Complete
    /// (so the status's own "marked Complete but..." issue does not count).
    fn refuse_complete_with_issues(
        &self,
        section: &str,
        today: chrono::NaiveDate,
    ) -> Result<(), StoreError> {
        let mut state = self.state()?;
        state.section_status.remove(section);
        let report = scal_core::check(&self.template, &state, today);
        let reasons: Vec<String> = report
            .issues
            .into_iter()
            .filter(|i| i.section == section && i.severity == scal_core::Severity::Blocking)
            .map(|i| i.message)
            .collect();
        if reasons.is_empty() {
            return Ok(());
        }
        Err(StoreError::SectionNotReady {
            path: self.path.clone(),
            section: section.to_string(),
            title: self
                .template
                .section(section)
                .map(|s| s.title.clone())
                .unwrap_or_default(),
            reasons,
        })
    }

    /// What `scal_core::check` needs: answers, evidence counts per item, section statuses.
    pub fn state(&self) -> Result<DraftState, StoreError> {
        let answers = self.answers()?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT item, count(*) FROM evidence_links GROUP BY item")
            .map_err(|e| self.sql_err(e))?;
        let evidence = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .map_err(|e| self.sql_err(e))?
            .map(|row| row.map(|(item, n)| (item, usize::try_from(n).unwrap_or(0))))
            .collect::<rusqlite::Result<BTreeMap<_, _>>>()
            .map_err(|e| self.sql_err(e))?;
        let section_status = self
            .section_statuses()?
            .into_iter()
            .map(|(section, s)| (section, s.status))
            .collect();
        let reconfirm = self
            .reconfirmations()?
            .into_iter()
            .map(|r| r.item)
            .collect();
        Ok(DraftState {
            answers,
            evidence,
            section_status,
            reconfirm,
        })
    }

    /// Records an export; returns its id. `record.id` is ignored, an empty `record.at` means now.
    pub fn record_export(&mut self, record: &ExportRecord) -> Result<i64, StoreError> {
        self.writable()?;
        let at = if record.at.trim().is_empty() {
            now()
        } else {
            record.at.clone()
        };
        insert_export(&self.conn, record, &at).map_err(|e| self.sql_err(e))
    }

    /// Every export, oldest first.
    pub fn exports(&self) -> Result<Vec<ExportRecord>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, at, out_dir, files, answers_digest, tool_version
                 FROM exports ORDER BY id",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })
            .map_err(|e| self.sql_err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, out_dir, files, answers_digest, tool_version) =
                row.map_err(|e| self.sql_err(e))?;
            let files: Vec<(String, String, u64)> =
                serde_json::from_str(&files).map_err(|_| StoreError::Damaged {
                    path: self.path.clone(),
                    detail: format!("the file list of export {id} cannot be read"),
                })?;
            out.push(ExportRecord {
                id,
                at,
                out_dir,
                files,
                answers_digest,
                tool_version,
            });
        }
        Ok(out)
    }

    /// When the draft last changed (answer, comment, evidence or status), RFC 3339 UTC; `None`
    /// for a draft nobody has changed since creation.
    pub fn last_change_at(&self) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT at FROM history ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql_err(e))
    }

    /// SQLite's own consistency check of the whole file. Empty when the file is sound;
    /// otherwise SQLite's description of each problem. Reads every page: slow on large drafts.
    pub fn integrity_problems(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        self.conn
            .pragma_query(None, "integrity_check", |r| {
                let line: String = r.get(0)?;
                if line != "ok" {
                    problems.push(line);
                }
                Ok(())
            })
            .map_err(|e| self.sql_err(e))?;
        Ok(problems)
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
            None => Err(AnswerError::UnknownItem(item.to_string()).into()),
        }
    }

    /// Decides what a change will store, without touching the file.
    fn judge(&self, item: &str, change: &AnswerChange) -> Result<Judged, StoreError> {
        self.check_item(item)?;
        let value = match &change.value {
            None => None,
            Some(None) => Some(None),
            Some(Some(v)) => {
                let v = normalize(&self.template, item, v.clone())?;
                let empty = match &v {
                    Value::One(s) => is_placeholder(s),
                    Value::Many(list) => list.iter().all(|s| is_placeholder(s)),
                };
                // A blank or placeholder response ("Please select…", "[please state]") is no
                // response: store it as cleared, so it can never pass for an answer.
                Some((!empty).then(|| value_to_json(Some(&v)).to_string()))
            }
        };
        let comment = match &change.comment {
            None => None,
            Some(c) => {
                let c = c.trim();
                let len = c.chars().count();
                if len > MAX_TEXT_CHARS {
                    return Err(AnswerError::TooLong {
                        item: item.to_string(),
                        len,
                        max: MAX_TEXT_CHARS,
                    }
                    .into());
                }
                Some(c.to_string())
            }
        };
        Ok(Judged { value, comment })
    }

    fn decode_value(&self, item: &str, json: Option<&str>) -> Result<Option<Value>, StoreError> {
        match json {
            None => Ok(None),
            Some(text) => serde_json::from_str(text)
                .map(Some)
                .map_err(|_| StoreError::Damaged {
                    path: self.path.clone(),
                    detail: format!("the stored answer of item \"{item}\" cannot be read"),
                }),
        }
    }
}

/// Writes judged changes, with their history, inside the caller's transaction. Returns how many
/// answers changed.
pub(crate) fn write_judged(
    tx: &Connection,
    judged: Vec<(&str, Judged)>,
    at: &str,
    author: &str,
) -> rusqlite::Result<usize> {
    let mut changed = 0;
    for (item, judged) in judged {
        let old: Option<(Option<String>, String)> = tx
            .prepare_cached("SELECT value, comment FROM answers WHERE item = ?1")
            .and_then(|mut s| {
                s.query_row([item], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })?;
        let (old_value, old_comment) = old.unwrap_or((None, String::new()));
        let new_value = judged.value.unwrap_or_else(|| old_value.clone());
        let new_comment = judged.comment.unwrap_or_else(|| old_comment.clone());
        let value_changed = new_value != old_value;
        let comment_changed = new_comment != old_comment;
        if !value_changed && !comment_changed {
            continue;
        }
        put_answer(tx, item, new_value.as_deref(), &new_comment, at, author)?;
        let (action, old_v, new_v) = if value_changed {
            ("answer", old_value, new_value)
        } else {
            ("comment", None, None)
        };
        let (old_c, new_c) = if comment_changed {
            (Some(old_comment), Some(new_comment))
        } else {
            (None, None)
        };
        insert_history(
            tx,
            &HistoryRow {
                at,
                author,
                item,
                action,
                old_value: old_v.as_deref(),
                new_value: new_v.as_deref(),
                old_comment: old_c.as_deref(),
                new_comment: new_c.as_deref(),
                detail: None,
            },
        )?;
        changed += 1;
    }
    Ok(changed)
}

/// Puts an answer in place inside the caller's transaction: its row, or no row when it holds
/// neither a value (JSON) nor a comment.
pub(crate) fn put_answer(
    tx: &Connection,
    item: &str,
    value_json: Option<&str>,
    comment: &str,
    at: &str,
    author: &str,
) -> rusqlite::Result<()> {
    if value_json.is_none() && comment.is_empty() {
        tx.execute("DELETE FROM answers WHERE item = ?1", [item])?;
    } else {
        tx.prepare_cached(
            "INSERT INTO answers (item, value, comment, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (item) DO UPDATE SET value = excluded.value,
                 comment = excluded.comment, updated_at = excluded.updated_at,
                 updated_by = excluded.updated_by",
        )?
        .execute(params![item, value_json, comment, at, author])?;
    }
    Ok(())
}

/// A change as it will be stored: value JSON (`Some(None)` = clear), trimmed comment.
pub(crate) struct Judged {
    value: Option<Option<String>>,
    comment: Option<String>,
}

pub(crate) struct HistoryRow<'a> {
    pub at: &'a str,
    pub author: &'a str,
    pub item: &'a str,
    pub action: &'a str,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
    pub old_comment: Option<&'a str>,
    pub new_comment: Option<&'a str>,
    pub detail: Option<&'a str>,
}

pub(crate) fn insert_history(conn: &Connection, row: &HistoryRow<'_>) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO history (at, author, item, action, old_value, new_value, old_comment,
                              new_comment, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        row.at,
        row.author,
        row.item,
        row.action,
        row.old_value,
        row.new_value,
        row.old_comment,
        row.new_comment,
        row.detail
    ])?;
    Ok(())
}

/// Inserts an export record (its `id` ignored, `at` as given); returns the new id.
pub(crate) fn insert_export(
    conn: &Connection,
    record: &ExportRecord,
    at: &str,
) -> rusqlite::Result<i64> {
    let files = serde_json::Value::Array(
        record
            .files
            .iter()
            .map(|(name, sha, size)| serde_json::json!([name, sha, size]))
            .collect(),
    )
    .to_string();
    conn.execute(
        "INSERT INTO exports (at, out_dir, files, answers_digest, tool_version)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            at,
            record.out_dir,
            files,
            record.answers_digest,
            record.tool_version
        ],
    )?;
    Ok(conn.last_insert_rowid())
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

/// Builds a complete draft at `tmp` and closes it (which checkpoints the WAL into the file).
fn build_new_draft(
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
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(err)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Damaged {
            path: target.to_path_buf(),
            detail: format!("SQLite refused write-ahead logging and chose {mode}"),
        });
    }
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(err)?;
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
fn move_into_place(tmp: &Path, path: &Path) -> Result<(), StoreError> {
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

fn open_draft(path: &Path, read_only: bool) -> Result<Draft, StoreError> {
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
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::NotWritable {
                path: path.to_path_buf(),
            });
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
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
        _claim: claim,
    })
}

/// The newest template revision: its number, JSON, source workbook and parsed template.
fn template_in_force(
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
struct OpenClaim(PathBuf);

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
