//! Answers: reading them, and every change judged by `normalize` before it is written, with
//! its history, in one transaction.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use scal_core::answer::{is_placeholder, normalize, MAX_TEXT_CHARS};
use scal_core::{Answer, Answers, CoreError, Value};

use super::history::{insert_history, HistoryAction, HistoryRow};
use super::{clean_author, now, Draft};
use crate::error::StoreError;
use crate::{value_to_json, AnswerChange};

impl Draft {
    /// Every answer, by item. Each call reads them all, and is counted (see
    /// [`Draft::answer_reads`]).
    pub fn answers(&self) -> Result<Answers, StoreError> {
        self.answer_reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT item, value, comment FROM answers ORDER BY item")
            .map_err(|e| self.sql_err(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.sql_err(e))?;
        // Rows come in item order, so the map is built in one pass rather than by inserts; the
        // value is decoded from SQLite's own text, not from a copy of it.
        let mut all = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.sql_err(e))? {
            let item: String = r.get(0).map_err(|e| self.sql_err(e))?;
            let text = match r.get_ref(1).map_err(|e| self.sql_err(e))? {
                rusqlite::types::ValueRef::Null => None,
                rusqlite::types::ValueRef::Text(t) => {
                    Some(std::str::from_utf8(t).map_err(|_| StoreError::Damaged {
                        path: self.path.clone(),
                        detail: format!("the stored answer of item \"{item}\" cannot be read"),
                    })?)
                }
                _ => {
                    return Err(StoreError::Damaged {
                        path: self.path.clone(),
                        detail: format!("the stored answer of item \"{item}\" cannot be read"),
                    })
                }
            };
            let value = self.decode_value(&item, text)?;
            let comment: String = r.get(2).map_err(|e| self.sql_err(e))?;
            all.push((item, Answer { value, comment }));
        }
        Ok(all.into_iter().collect())
    }

    /// How many times every answer has been read since this draft was opened: the measure of
    /// what an operation costs as a draft grows (a save reads the answers once, for its
    /// after-write summary), which the layer's tests check.
    pub fn answer_reads(&self) -> u64 {
        self.answer_reads.load(std::sync::atomic::Ordering::Relaxed)
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

    /// Decides what a change will store, without touching the file.
    pub(super) fn judge(&self, item: &str, change: &AnswerChange) -> Result<Judged, StoreError> {
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
                    return Err(CoreError::TooLong {
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

    pub(super) fn decode_value(
        &self,
        item: &str,
        json: Option<&str>,
    ) -> Result<Option<Value>, StoreError> {
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
    write_judged_as(tx, judged, at, author, None)
}

/// [`write_judged`], each change recorded as the lead's answer to review thread `thread` (an
/// accepted proposed change): its history detail names the thread.
pub(crate) fn write_judged_as_review(
    tx: &Connection,
    judged: Vec<(&str, Judged)>,
    at: &str,
    author: &str,
    thread: i64,
) -> rusqlite::Result<usize> {
    write_judged_with(tx, judged, at, author, Cause::Review(thread))
}

/// Why a change is written: typed (or applied), copied from another draft (the detail of where
/// from, by item), or accepted from a review thread.
enum Cause<'a> {
    Typed,
    Copied(&'a dyn Fn(&str) -> String),
    Review(i64),
}

/// [`write_judged`], each change recorded as a copy when `copied` gives, for an item, the
/// detail of where its answer came from (a `copy` entry rather than `answer` or `comment`).
pub(crate) fn write_judged_as(
    tx: &Connection,
    judged: Vec<(&str, Judged)>,
    at: &str,
    author: &str,
    copied: Option<&dyn Fn(&str) -> String>,
) -> rusqlite::Result<usize> {
    let cause = match copied {
        Some(f) => Cause::Copied(f),
        None => Cause::Typed,
    };
    write_judged_with(tx, judged, at, author, cause)
}

fn write_judged_with(
    tx: &Connection,
    judged: Vec<(&str, Judged)>,
    at: &str,
    author: &str,
    cause: Cause<'_>,
) -> rusqlite::Result<usize> {
    let copied = matches!(cause, Cause::Copied(_));
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
        let (action, old_v, new_v) = match (copied, value_changed) {
            (true, true) => (HistoryAction::Copy, old_value, new_value),
            (true, false) => (HistoryAction::Copy, None, None),
            (false, true) => (HistoryAction::Answer, old_value, new_value),
            (false, false) => (HistoryAction::Comment, None, None),
        };
        let detail = match &cause {
            Cause::Typed => None,
            Cause::Copied(detail) => Some(detail(item)),
            Cause::Review(thread) => Some(serde_json::json!({ "review": thread }).to_string()),
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
                detail: detail.as_deref(),
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
