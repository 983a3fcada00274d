//! Copying answers from another draft: the sections that repeat across a supplier's SCALs
//! (organisation, IG, security, clinical safety) answered once and reused. Planned by
//! `scal_core::upgrade::plan_copy`; applied here.

use std::path::Path;

use rusqlite::TransactionBehavior;
use scal_core::upgrade::{plan_copy, CopyPlan};

use crate::draft::{clean_author, now, write_judged_as};
use crate::evidence::{clean_file_name, insert_link, name_staged, Staged};
use crate::snapshot::{clean_label, insert_snapshot};
use crate::{AnswerChange, Draft, SnapshotInfo, SnapshotReason, StoreError};

/// What `Draft::copy_answers_from` did.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyReport {
    pub plan: CopyPlan,
    /// Taken before anything changed, so the copy can be undone; none when nothing changed.
    pub snapshot: Option<SnapshotInfo>,
    /// Items whose value or comment changed.
    pub answers_changed: usize,
    /// Evidence links added.
    pub evidence_copied: usize,
}

impl Draft {
    /// What copying from `from` would change in this draft, changing nothing. `sections` are
    /// section ids or titles, each present in both drafts; none: the sections this draft's
    /// template marks shared that `from` also has.
    pub fn plan_copy_from(
        &self,
        from: &Draft,
        sections: &[String],
    ) -> Result<CopyPlan, StoreError> {
        Ok(plan_copy(
            from.template(),
            &from.holdings()?,
            self.template(),
            &self.holdings()?,
            sections,
        )?)
    }

    /// Copies answers, comments and evidence from `from` (which may be open read-only) into
    /// this draft, as `plan_copy_from` plans it, all or nothing. Each evidence file is first
    /// streamed from one draft into the other (`progress(done, total)` in bytes, per file), so a
    /// large file never sits in memory; nothing names that content yet. Then one transaction
    /// takes a "before copy" snapshot (so the copy can be undone), names the content, and writes
    /// the answers, comments and links with their history. A failure or a crash at any moment
    /// leaves the draft as it was: content streamed but never named is removed (at once, or at
    /// the next open). A copy never clears an answer.
    pub fn copy_answers_from(
        &mut self,
        from: &Draft,
        sections: &[String],
        author: &str,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<CopyReport, StoreError> {
        self.writable()?;
        let plan = self.plan_copy_from(from, sections)?;
        if plan.changes.is_empty() {
            return Ok(CopyReport {
                plan,
                snapshot: None,
                answers_changed: 0,
                evidence_copied: 0,
            });
        }
        let changes: Vec<(String, AnswerChange)> = plan
            .changes
            .iter()
            .filter(|c| c.value.is_some() || c.comment.is_some())
            .map(|c| {
                (
                    c.to.id.clone(),
                    AnswerChange {
                        value: c.value.as_ref().map(|(_, v)| Some(v.clone())),
                        comment: c.comment.as_ref().map(|(_, c)| c.clone()),
                    },
                )
            })
            .collect();
        // Refused answers are found before any evidence is streamed.
        let judged = self.judge_all(&changes)?;
        // The documents' dates come along with them.
        let source_links = from.evidence()?;
        let dates_of = |item: &str, sha256: &str| {
            source_links
                .iter()
                .find(|l| l.item == item && l.file.sha256 == sha256)
                .map(|l| l.dates)
                .unwrap_or_default()
        };
        let mut links = Vec::new();
        for change in &plan.changes {
            for file in &change.evidence {
                self.check_item(&change.to.id)?;
                links.push((
                    change.to.id.as_str(),
                    clean_file_name(&file.file_name)?,
                    file.sha256.as_str(),
                    dates_of(&change.from.id, &file.sha256),
                ));
            }
        }

        let mut staged: Vec<Staged> = Vec::new();
        for (_, file_name, sha256, _) in &links {
            if staged.iter().any(|s| s.sha256 == *sha256) || self.blob_exists(sha256)? {
                continue;
            }
            match self.stage_from(from, file_name, sha256, progress) {
                Ok(s) => staged.push(s),
                Err(e) => {
                    self.discard_staged(&staged);
                    return Err(e);
                }
            }
        }

        let label = format!("before copying answers from {}", from.path().display());
        let label = clean_label(&label.chars().take(200).collect::<String>())?;
        let state = self.current_state()?;
        let author = clean_author(author);
        let at = now();
        let path = self.path().to_path_buf();
        let err = |e| StoreError::sqlite(&path, e);
        let written = (|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let snapshot = insert_snapshot(
                &tx,
                &state,
                &at,
                &author,
                SnapshotReason::BeforeCopy,
                &label,
                None,
            )?;
            for s in &staged {
                name_staged(&tx, s)?;
            }
            // Each copied answer says where it came from, and which snapshot undoes it.
            let copied = |item: &str| {
                let from_item = plan
                    .changes
                    .iter()
                    .find(|c| c.to.id == item)
                    .map_or(item, |c| c.from.id.as_str());
                serde_json::json!({
                    "from_draft": from.path().display().to_string(),
                    "from_draft_id": from.draft_id(),
                    "from_item": from_item,
                    "before": snapshot,
                })
                .to_string()
            };
            let answers_changed = write_judged_as(&tx, judged, &at, &author, Some(&copied))?;
            for (item, file_name, sha256, dates) in &links {
                insert_link(&tx, item, sha256, file_name, *dates, &author)?;
            }
            tx.commit()?;
            Ok((snapshot, answers_changed))
        })();
        let (snapshot, answers_changed) = match written {
            Ok(done) => done,
            Err(e) => {
                self.discard_staged(&staged);
                return Err(err(e));
            }
        };
        let evidence_copied = links.len();
        drop(links);
        Ok(CopyReport {
            plan,
            snapshot: Some(self.snapshot_info(snapshot)?),
            answers_changed,
            evidence_copied,
        })
    }

    /// Streams one piece of `from`'s evidence into this draft, unnamed; checks it arrived whole.
    fn stage_from(
        &mut self,
        from: &Draft,
        file_name: &str,
        sha256: &str,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Staged, StoreError> {
        let unreadable = || StoreError::Damaged {
            path: from.path().to_path_buf(),
            detail: format!("the evidence \"{file_name}\" in it cannot be read"),
        };
        let mut reader = from.blob_reader(sha256).map_err(|e| match e {
            StoreError::NoSuchEvidence { .. } | StoreError::Damaged { .. } => unreadable(),
            e => e,
        })?;
        let size = reader.size();
        let staged = self
            .stage(&mut reader, Path::new(file_name), Some(size), progress)
            .map_err(|e| match e {
                // Reading failed (the source label is the file name): the source draft's fault.
                StoreError::Io { path, .. } if path == Path::new(file_name) => unreadable(),
                e => e,
            })?;
        if staged.sha256 != sha256 {
            self.discard_staged(std::slice::from_ref(&staged));
            return Err(unreadable());
        }
        Ok(staged)
    }

    /// Best effort: what is left is removed at the next writable open.
    fn discard_staged(&self, staged: &[Staged]) {
        for s in staged {
            let _ = self
                .conn
                .execute("DELETE FROM blob_chunks WHERE body = ?1", [s.body]);
        }
    }
}
