//! The record of every export.

use rusqlite::{params, Connection};

use super::{now, Draft};
use crate::error::StoreError;
use crate::ExportRecord;

impl Draft {
    /// Records an export; returns its id. `record.id` is ignored, an empty `record.at` means now.
    pub fn record_export(&mut self, record: &ExportRecord) -> Result<i64, StoreError> {
        self.writable()?;
        let at = if record.at.trim().is_empty() {
            now()
        } else {
            record.at.clone()
        };
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        let id = insert_export(&tx, record, &at).map_err(err)?;
        for workbook in &record.written {
            crate::review_import::insert_written(&tx, workbook, Some(id), &at).map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(id)
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
                written: Vec::new(),
            });
        }
        Ok(out)
    }
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
