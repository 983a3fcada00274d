//! SQLite's own consistency check of the file.

use super::Draft;
use crate::error::StoreError;

impl Draft {
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
}
