//! The append-only history: every change, one row each.

use rusqlite::{params, Connection, OptionalExtension};

use super::Draft;
use crate::error::StoreError;
use crate::HistoryEntry;

impl Draft {
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
