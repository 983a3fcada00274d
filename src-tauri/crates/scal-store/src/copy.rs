//! Copying answers from another draft: the sections that repeat across a supplier's SCALs
//! (organisation, IG, security, clinical safety) answered once and reused. Planned by
//! `scal_core::upgrade::plan_copy`; applied here.

use scal_core::upgrade::{plan_copy, CopyPlan};

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
    /// this draft, as `plan_copy_from` plans it. A "before copy" snapshot is taken first. The
    /// answers and comments are written in one transaction; then each evidence file is streamed
    /// from one draft into the other (`progress(done, total)` in bytes, per file), so a large
    /// file never sits in memory. A copy never clears an answer.
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
        let label = format!("before copying answers from {}", from.path().display());
        let label: String = label.chars().take(200).collect();
        let snapshot = self.snapshot(&label, SnapshotReason::BeforeCopy, author)?;
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
        let answers_changed = self.apply(&changes, author)?;
        let mut evidence_copied = 0;
        let total: usize = plan.changes.iter().map(|c| c.evidence.len()).sum();
        for change in &plan.changes {
            for file in &change.evidence {
                // Each file is its own commit (it may be gigabytes): a failure part-way says
                // what is done, and how to finish (a re-run skips what is linked) or undo it.
                let attached = from.blob_reader(&file.sha256).and_then(|mut reader| {
                    let size = reader.size();
                    self.attach_reader(
                        &change.to.id,
                        &file.file_name,
                        &mut reader,
                        Some(size),
                        author,
                        progress,
                    )
                });
                if let Err(e) = attached {
                    return Err(StoreError::CopyIncomplete {
                        source: Box::new(e),
                        copied: evidence_copied,
                        total,
                        snapshot: snapshot.id,
                    });
                }
                evidence_copied += 1;
            }
        }
        Ok(CopyReport {
            plan,
            snapshot: Some(snapshot),
            answers_changed,
            evidence_copied,
        })
    }
}
