//! Review comments: a reviewer's questions on any item or section, answered in threads and
//! resolved (or re-opened) when settled.
//!
//! A thread is a first comment and its replies. Replies always name the first comment of the
//! thread as their parent (a reply to a reply joins the same thread), and whether the thread is
//! resolved is kept on that first comment, so "open" is one flag per thread. A reply to a
//! resolved thread re-opens it: a new question on a settled point is not settled.
//!
//! Review comments are taken when the draft is open for editing or for review
//! (`Draft::open_for_review`), never when it is open read-only. They are not part of snapshots:
//! restoring answers must not erase the discussion about them.

use rusqlite::{params, OptionalExtension};
use scal_core::answer::MAX_TEXT_CHARS;
use scal_core::CoreError;

use crate::draft::{clean_author, now};
use crate::review_import::{ProposedChange, ReviewKind};
use crate::{Draft, StoreError};

/// One comment. For a reply, `parent` is the thread's first comment and `resolved_*` are unset:
/// see `ReviewThread` for the thread's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewComment {
    pub id: i64,
    /// The item (or section) the thread is about.
    pub item: String,
    pub parent: Option<i64>,
    /// RFC 3339 UTC.
    pub at: String,
    pub author: String,
    pub body: String,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
    /// A remark, or a change the assessor made in a returned workbook.
    pub kind: ReviewKind,
    /// For a proposed change: the cell, what we wrote and what it holds now.
    pub proposed: Option<ProposedChange>,
    /// For a comment imported from a returned workbook: where in it, in words.
    pub source: Option<String>,
}

/// A first comment and its replies, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewThread {
    pub root: ReviewComment,
    pub replies: Vec<ReviewComment>,
}

impl ReviewThread {
    pub fn is_open(&self) -> bool {
        self.root.resolved_at.is_none()
    }

    pub fn item(&self) -> &str {
        &self.root.item
    }
}

impl Draft {
    /// Adds a comment on `item` (an item or section id of the template in force), or a reply
    /// to comment `parent` (whose thread must be on the same item). A reply re-opens a resolved
    /// thread.
    pub fn add_review_comment(
        &mut self,
        item: &str,
        body: &str,
        parent: Option<i64>,
        author: &str,
    ) -> Result<ReviewComment, StoreError> {
        self.reviewable()?;
        let item = item.trim();
        let body = body.trim();
        if body.is_empty() {
            return Err(StoreError::EmptyReviewComment);
        }
        let len = body.chars().count();
        if len > MAX_TEXT_CHARS {
            return Err(CoreError::TooLong {
                item: item.to_string(),
                len,
                max: MAX_TEXT_CHARS,
            }
            .into());
        }
        let root = match parent {
            Some(id) => {
                let root = self.thread_root(id)?;
                if root.item != item {
                    return Err(StoreError::ReplyOnOtherItem {
                        id,
                        item: item.to_string(),
                        thread_item: root.item,
                    });
                }
                Some(root)
            }
            None => {
                if self.template().item(item).is_none() && self.template().section(item).is_none() {
                    return Err(StoreError::UnknownItemOrSection {
                        path: self.path.clone(),
                        id: item.to_string(),
                    });
                }
                None
            }
        };
        let at = now();
        let author = clean_author(author);
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        tx.execute(
            "INSERT INTO review_comments (item, at, author, body, parent)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![item, at, author, body, root.as_ref().map(|r| r.id)],
        )
        .map_err(err)?;
        let id = tx.last_insert_rowid();
        if let Some(root) = &root {
            tx.execute(
                "UPDATE review_comments SET resolved_at = NULL, resolved_by = NULL WHERE id = ?1",
                [root.id],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        self.review_comment(id)
    }

    /// How many threads are still open, by the item or section they are on.
    pub fn open_review_counts(
        &self,
    ) -> Result<std::collections::BTreeMap<String, usize>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT item, count(*) FROM review_comments
                 WHERE parent IS NULL AND resolved_at IS NULL GROUP BY item",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .map_err(|e| self.sql_err(e))?
            .map(|row| row.map(|(item, n)| (item, usize::try_from(n).unwrap_or(0))))
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql_err(e))?;
        Ok(rows)
    }

    /// Every comment, oldest first; of one item (or section) when `item` is given.
    pub fn review_comments(&self, item: Option<&str>) -> Result<Vec<ReviewComment>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {} FROM review_comments WHERE ?1 IS NULL OR item = ?1 ORDER BY id",
                self.comment_columns()
            ))
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([item], read_comment)
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.sql_err(e))
    }

    /// The comments grouped into threads, in the order the threads were started.
    pub fn review_threads(&self, item: Option<&str>) -> Result<Vec<ReviewThread>, StoreError> {
        let mut threads: Vec<ReviewThread> = Vec::new();
        for c in self.review_comments(item)? {
            match c.parent {
                None => threads.push(ReviewThread {
                    root: c,
                    replies: Vec::new(),
                }),
                Some(parent) => {
                    if let Some(t) = threads.iter_mut().find(|t| t.root.id == parent) {
                        t.replies.push(c);
                    }
                }
            }
        }
        Ok(threads)
    }

    /// How many threads are still open, over the whole draft.
    pub fn open_review_threads(&self) -> Result<usize, StoreError> {
        self.conn
            .query_row(
                "SELECT count(*) FROM review_comments WHERE parent IS NULL AND resolved_at IS NULL",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| usize::try_from(n).unwrap_or(0))
            .map_err(|e| self.sql_err(e))
    }

    /// One comment by id.
    pub fn review_comment(&self, id: i64) -> Result<ReviewComment, StoreError> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {} FROM review_comments WHERE id = ?1",
                    self.comment_columns()
                ),
                [id],
                read_comment,
            )
            .optional()
            .map_err(|e| self.sql_err(e))?
            .ok_or_else(|| StoreError::NoSuchReviewComment {
                path: self.path.clone(),
                id,
            })
    }

    /// Resolves the thread comment `id` belongs to; returns the thread's first comment.
    /// Resolving a resolved thread changes nothing (the first resolver is kept).
    pub fn resolve_review_comment(
        &mut self,
        id: i64,
        author: &str,
    ) -> Result<ReviewComment, StoreError> {
        self.reviewable()?;
        let root = self.thread_root(id)?;
        if root.resolved_at.is_none() {
            self.conn
                .execute(
                    "UPDATE review_comments SET resolved_at = ?2, resolved_by = ?3 WHERE id = ?1",
                    params![root.id, now(), clean_author(author)],
                )
                .map_err(|e| self.sql_err(e))?;
        }
        self.review_comment(root.id)
    }

    /// Re-opens the thread comment `id` belongs to; returns the thread's first comment. (Who
    /// re-opened is not kept: a re-opened thread usually gets a reply saying why, which is.)
    pub fn reopen_review_comment(&mut self, id: i64) -> Result<ReviewComment, StoreError> {
        self.reviewable()?;
        let root = self.thread_root(id)?;
        if root.resolved_at.is_some() {
            self.conn
                .execute(
                    "UPDATE review_comments SET resolved_at = NULL, resolved_by = NULL
                     WHERE id = ?1",
                    [root.id],
                )
                .map_err(|e| self.sql_err(e))?;
        }
        self.review_comment(root.id)
    }

    /// The columns `read_comment` reads; a draft older than format 7 (open read-only) has no
    /// kind, proposed change or source.
    fn comment_columns(&self) -> &'static str {
        if self.has_review_import() {
            "id, item, parent, at, author, body, resolved_at, resolved_by, kind, proposed, source"
        } else {
            "id, item, parent, at, author, body, resolved_at, resolved_by, 'remark', NULL, NULL"
        }
    }

    pub(crate) fn thread_root_of(&self, id: i64) -> Result<ReviewComment, StoreError> {
        self.thread_root(id)
    }

    fn thread_root(&self, id: i64) -> Result<ReviewComment, StoreError> {
        let c = self.review_comment(id)?;
        match c.parent {
            Some(parent) => self.review_comment(parent),
            None => Ok(c),
        }
    }
}

fn read_comment(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReviewComment> {
    let kind: String = r.get(8)?;
    let proposed: Option<String> = r.get(9)?;
    Ok(ReviewComment {
        id: r.get(0)?,
        item: r.get(1)?,
        parent: r.get(2)?,
        at: r.get(3)?,
        author: r.get(4)?,
        body: r.get(5)?,
        resolved_at: r.get(6)?,
        resolved_by: r.get(7)?,
        kind: if kind == "proposed" {
            ReviewKind::Proposed
        } else {
            ReviewKind::Remark
        },
        proposed: proposed.and_then(|p| serde_json::from_str(&p).ok()),
        source: r.get(10)?,
    })
}
