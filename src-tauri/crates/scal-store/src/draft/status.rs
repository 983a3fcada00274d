//! Section statuses (the Status cell of a section), and the state `check` judges.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use scal_core::DraftState;

use super::history::{insert_history, HistoryAction, HistoryRow};
use super::{clean_author, json_string, now, Draft};
use crate::error::StoreError;
use crate::SectionStatus;

impl Draft {
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
                action: HistoryAction::Status,
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
        let open_reviews = self.open_review_counts()?;
        let mut evidence_dates: BTreeMap<String, Vec<scal_core::DatedFile>> = BTreeMap::new();
        if self.has_evidence_dates() {
            let mut stmt = self
                .conn
                .prepare_cached(
                    "SELECT item, file_name, dated, valid_until FROM evidence_links
                     WHERE dated IS NOT NULL OR valid_until IS NOT NULL
                     ORDER BY item, file_name, id",
                )
                .map_err(|e| self.sql_err(e))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                })
                .map_err(|e| self.sql_err(e))?;
            for row in rows {
                let (item, file_name, dated, valid_until) = row.map_err(|e| self.sql_err(e))?;
                let day = |t: Option<String>| t.as_deref().and_then(scal_core::answer::parse_date);
                evidence_dates
                    .entry(item)
                    .or_default()
                    .push(scal_core::DatedFile {
                        file_name,
                        dates: scal_core::EvidenceDates {
                            dated: day(dated),
                            valid_until: day(valid_until),
                        },
                    });
            }
        }
        Ok(DraftState {
            answers,
            evidence,
            evidence_dates,
            section_status,
            reconfirm,
            open_reviews,
        })
    }
}
