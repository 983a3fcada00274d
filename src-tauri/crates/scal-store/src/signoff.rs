//! The sign-off page: who signs the submission off, in what role, on what date. Each sign-off
//! keeps the digest of the answers it signed, so a later change to an answer or comment shows
//! the sign-off as stale (the exports print a warning rather than a signature that no longer
//! covers what is submitted). The newest sign-off is the one in force; older ones are kept.

use chrono::NaiveDate;
use rusqlite::params;
use scal_core::Answers;

use crate::draft::{clean_author, now};
use crate::{answers_digest, Draft, StoreError};

/// The longest name or role kept (in characters).
const MAX_FIELD_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signoff {
    pub id: i64,
    pub name: String,
    pub role: String,
    /// The date written on the sign-off.
    pub signed_on: NaiveDate,
    /// When it was recorded (RFC 3339 UTC) and by whom (the author of the change).
    pub at: String,
    pub by: String,
    /// `answers_digest` of the answers when signed.
    pub answers_digest: String,
}

/// The sign-off in force, and whether the answers have changed since it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignoffStatus {
    pub signoff: Signoff,
    pub stale: bool,
}

impl Draft {
    /// Records a sign-off of the answers as they are now. Allowed when the draft is open for
    /// editing or for review (signing off is what a reviewer does last). The date may be today
    /// or earlier (a sign-off given on paper and recorded later), never later: a sign-off that
    /// covers answers not yet given would be untrue.
    pub fn sign_off(
        &mut self,
        name: &str,
        role: &str,
        signed_on: NaiveDate,
        author: &str,
    ) -> Result<Signoff, StoreError> {
        self.reviewable()?;
        let name = signoff_field("name", name)?;
        let role = signoff_field("role", role)?;
        // Today where the user is: the date they would write by hand.
        let today = chrono::Local::now().date_naive();
        if signed_on > today {
            return Err(StoreError::SignoffInFuture {
                date: signed_on.format("%Y-%m-%d").to_string(),
                today: today.format("%Y-%m-%d").to_string(),
            });
        }
        let digest = answers_digest(&self.answers()?);
        self.conn
            .execute(
                "INSERT INTO signoffs (name, role, signed_on, at, by, answers_digest)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    name,
                    role,
                    signed_on.format("%Y-%m-%d").to_string(),
                    now(),
                    clean_author(author),
                    digest
                ],
            )
            .map_err(|e| self.sql_err(e))?;
        let id = self.conn.last_insert_rowid();
        self.signoffs()?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| StoreError::Damaged {
                path: self.path.clone(),
                detail: "a sign-off just recorded cannot be read back".to_string(),
            })
    }

    /// The sign-off in force (the newest), with whether it is stale; `None` if nobody signed.
    pub fn signoff(&self) -> Result<Option<SignoffStatus>, StoreError> {
        let Some(signoff) = self.signoffs()?.pop() else {
            return Ok(None);
        };
        let stale = answers_digest(&self.answers()?) != signoff.answers_digest;
        Ok(Some(SignoffStatus { signoff, stale }))
    }

    /// As [`Draft::signoff`], judged against `answers`, the draft's answers as the caller has
    /// just read them: they are not read again.
    pub fn signoff_given(&self, answers: &Answers) -> Result<Option<SignoffStatus>, StoreError> {
        let Some(signoff) = self.signoffs()?.pop() else {
            return Ok(None);
        };
        let stale = answers_digest(answers) != signoff.answers_digest;
        Ok(Some(SignoffStatus { signoff, stale }))
    }

    /// Every sign-off, oldest first.
    pub fn signoffs(&self) -> Result<Vec<Signoff>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, name, role, signed_on, at, by, answers_digest FROM signoffs
                 ORDER BY id",
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
                    r.get::<_, String>(6)?,
                ))
            })
            .map_err(|e| self.sql_err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, role, signed_on, at, by, answers_digest) =
                row.map_err(|e| self.sql_err(e))?;
            let signed_on =
                scal_core::answer::parse_date(&signed_on).ok_or_else(|| StoreError::Damaged {
                    path: self.path.clone(),
                    detail: format!("the date of sign-off {id} cannot be read"),
                })?;
            out.push(Signoff {
                id,
                name,
                role,
                signed_on,
                at,
                by,
                answers_digest,
            });
        }
        Ok(out)
    }
}

fn signoff_field(what: &'static str, value: &str) -> Result<String, StoreError> {
    // Printed on one line of the sign-off page: runs of whitespace (line breaks too) are one
    // space.
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.is_empty() {
        return Err(StoreError::SignoffFieldMissing { what });
    }
    let len = value.chars().count();
    if len > MAX_FIELD_CHARS {
        return Err(StoreError::SignoffFieldTooLong {
            what,
            len,
            max: MAX_FIELD_CHARS,
        });
    }
    Ok(value)
}
