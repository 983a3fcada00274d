//! Snapshots: the exact state of a draft (answers with their comments, evidence links, section
//! statuses, and the template revision they were given under) at a moment worth keeping: each
//! export ("as submitted"), on demand, before an upgrade, before a restore.
//!
//! A snapshot stores its state as JSON in one row, so it never changes when the draft does; the
//! evidence it names stays in the draft because blobs are never deleted. Review comments and
//! sign-offs are not part of it: they are about the draft, and a restore must not erase a
//! reviewer's questions.

use scal_core::EvidenceDates;
use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use scal_core::{Answers, Value};
use serde::{Deserialize, Serialize};

use crate::draft::{clean_author, insert_history, json_string, now, HistoryRow};
use crate::HistoryAction;
use crate::{
    answers_digest, value_to_json, Draft, ExportRecord, LinkedFile, SectionStatus, StoreError,
};

/// Why a snapshot was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SnapshotReason {
    /// Asked for by a person (`scal snapshot`, the app's "Take snapshot").
    Manual,
    /// Taken by every export: the draft exactly as submitted.
    Export,
    /// Taken before a template upgrade, so the upgrade can be undone.
    BeforeUpgrade,
    /// Taken before a snapshot is restored, so the restore can be undone.
    BeforeRestore,
    /// Taken before answers are copied in from another draft.
    BeforeCopy,
}

impl SnapshotReason {
    pub const ALL: [SnapshotReason; 5] = [
        SnapshotReason::Manual,
        SnapshotReason::Export,
        SnapshotReason::BeforeUpgrade,
        SnapshotReason::BeforeRestore,
        SnapshotReason::BeforeCopy,
    ];

    /// The name stored in the draft and printed in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotReason::Manual => "manual",
            SnapshotReason::Export => "export",
            SnapshotReason::BeforeUpgrade => "before_upgrade",
            SnapshotReason::BeforeRestore => "before_restore",
            SnapshotReason::BeforeCopy => "before_copy",
        }
    }

    pub fn parse(s: &str) -> Option<SnapshotReason> {
        SnapshotReason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// In words, for tables: "export", "before upgrade".
    pub fn describe(self) -> &'static str {
        match self {
            SnapshotReason::Manual => "manual",
            SnapshotReason::Export => "export",
            SnapshotReason::BeforeUpgrade => "before upgrade",
            SnapshotReason::BeforeRestore => "before restore",
            SnapshotReason::BeforeCopy => "before copy",
        }
    }
}

/// What a list of snapshots shows: everything but the state itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotInfo {
    pub id: i64,
    /// RFC 3339 UTC.
    pub at: String,
    pub author: String,
    pub reason: SnapshotReason,
    pub label: String,
    /// The export this snapshot records, for `SnapshotReason::Export`.
    pub export_id: Option<i64>,
    pub template_rev: i64,
    /// `answers_digest` of the answers held (equal to the export record's digest).
    pub answers_digest: String,
    /// How many items have an answer or comment in it.
    pub answers: usize,
    /// How many evidence links it holds.
    pub evidence: usize,
}

/// One evidence link as a snapshot holds it: the item and the file, enough to link the same
/// content again. Stored as one flat JSON object per link (`item` beside the file's fields), as
/// it always was.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SnapshotLink {
    pub item: String,
    #[serde(flatten)]
    pub file: LinkedFile,
    /// Stored only when the link has a date (older snapshots have none).
    #[serde(default, skip_serializing_if = "EvidenceDates::is_empty")]
    pub dates: EvidenceDates,
}

/// The state a snapshot holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotState {
    pub answers: Answers,
    /// In the order they were linked.
    pub evidence: Vec<SnapshotLink>,
    pub section_status: BTreeMap<String, SectionStatus>,
    pub template_rev: i64,
}

impl SnapshotState {
    /// The evidence as the core's diff takes it.
    pub fn evidence_refs(&self) -> Vec<scal_core::diff::EvidenceRef> {
        self.evidence
            .iter()
            .map(|l| scal_core::diff::EvidenceRef {
                item: l.item.clone(),
                sha256: l.file.sha256.clone(),
                size: l.file.size,
                file_name: l.file.file_name.clone(),
            })
            .collect()
    }
}

/// What `restore_snapshot` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreOutcome {
    /// The snapshot of the state just before the restore (to undo it).
    pub before: SnapshotInfo,
    /// Items whose answer or comment changed.
    pub answers_changed: usize,
    pub links_added: usize,
    pub links_removed: usize,
    pub statuses_changed: usize,
    /// True when the snapshot was taken under another template revision, which is in force
    /// again (as a new revision) after the restore.
    pub template_changed: bool,
}

#[derive(Serialize, Deserialize)]
struct StoredStatus {
    status: String,
    at: String,
    by: String,
}

impl Draft {
    /// Takes a snapshot of the draft as it is now. `label` may be empty.
    pub fn snapshot(
        &mut self,
        label: &str,
        reason: SnapshotReason,
        author: &str,
    ) -> Result<SnapshotInfo, StoreError> {
        self.writable()?;
        let state = self.current_state()?;
        let author = clean_author(author);
        let label = clean_label(label)?;
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let id =
            insert_snapshot(&tx, &state, &now(), &author, reason, &label, None).map_err(err)?;
        tx.commit().map_err(err)?;
        self.snapshot_info(id)
    }

    /// Records an export and takes its "as submitted" snapshot in the same transaction, so an
    /// export record never lacks the state it exported. Returns the export id and the snapshot.
    pub fn record_export_with_snapshot(
        &mut self,
        record: &ExportRecord,
        author: &str,
    ) -> Result<(i64, SnapshotInfo), StoreError> {
        self.writable()?;
        let state = self.current_state()?;
        let has_review_import = self.has_review_import();
        let author = clean_author(author);
        let at = if record.at.trim().is_empty() {
            now()
        } else {
            record.at.clone()
        };
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let export_id = crate::draft::insert_export(&tx, record, &at).map_err(err)?;
        if has_review_import {
            for workbook in &record.written {
                crate::review_import::insert_written(&tx, workbook, Some(export_id), &at)
                    .map_err(err)?;
            }
        }
        let id = insert_snapshot(
            &tx,
            &state,
            &at,
            &author,
            SnapshotReason::Export,
            "as submitted",
            Some(export_id),
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok((export_id, self.snapshot_info(id)?))
    }

    /// Every snapshot, oldest first.
    pub fn snapshots(&self) -> Result<Vec<SnapshotInfo>, StoreError> {
        self.query_infos(None)
    }

    /// One snapshot's summary; `StoreError::NoSuchSnapshot` when there is none with this id.
    pub fn snapshot_info(&self, id: i64) -> Result<SnapshotInfo, StoreError> {
        self.query_infos(Some(id))?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::NoSuchSnapshot {
                path: self.path.clone(),
                id,
            })
    }

    /// The newest snapshot, if any.
    pub fn latest_snapshot(&self) -> Result<Option<SnapshotInfo>, StoreError> {
        Ok(self.snapshots()?.pop())
    }

    /// The snapshot of the newest export, if the draft was ever exported (with snapshots).
    pub fn latest_export_snapshot(&self) -> Result<Option<SnapshotInfo>, StoreError> {
        Ok(self
            .snapshots()?
            .into_iter()
            .filter(|s| s.reason == SnapshotReason::Export)
            .max_by_key(|s| (s.export_id, s.id)))
    }

    /// The state a snapshot holds.
    pub fn snapshot_state(&self, id: i64) -> Result<SnapshotState, StoreError> {
        let row: Option<(String, String, String, i64)> = self
            .conn
            .query_row(
                "SELECT answers, evidence, section_status, template_rev FROM snapshots
                 WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(|e| self.sql_err(e))?;
        let Some((answers, evidence, statuses, template_rev)) = row else {
            return Err(StoreError::NoSuchSnapshot {
                path: self.path.clone(),
                id,
            });
        };
        let damaged = |what: &str| StoreError::Damaged {
            path: self.path.clone(),
            detail: format!("the {what} of snapshot {id} cannot be read"),
        };
        let answers: Answers = serde_json::from_str(&answers).map_err(|_| damaged("answers"))?;
        let mut evidence: Vec<SnapshotLink> =
            serde_json::from_str(&evidence).map_err(|_| damaged("evidence"))?;
        // In the order `evidence()` lists links (snapshots taken before that order was fixed
        // for links added in the same millisecond hold them by row id).
        evidence.sort_by(|a, b| {
            (&a.file.added_at, &a.item, &a.file.file_name, &a.file.sha256).cmp(&(
                &b.file.added_at,
                &b.item,
                &b.file.file_name,
                &b.file.sha256,
            ))
        });
        let statuses: BTreeMap<String, StoredStatus> =
            serde_json::from_str(&statuses).map_err(|_| damaged("section statuses"))?;
        Ok(SnapshotState {
            answers,
            evidence,
            section_status: statuses
                .into_iter()
                .map(|(k, s)| {
                    (
                        k,
                        SectionStatus {
                            status: s.status,
                            at: s.at,
                            by: s.by,
                        },
                    )
                })
                .collect(),
            template_rev,
        })
    }

    /// The draft as it is now, in the form a snapshot holds (to diff against one).
    pub fn current_state(&self) -> Result<SnapshotState, StoreError> {
        let evidence = self
            .evidence()?
            .into_iter()
            .map(|l| SnapshotLink {
                item: l.item,
                file: l.file,
                dates: l.dates,
            })
            .collect();
        Ok(SnapshotState {
            answers: self.answers()?,
            evidence,
            section_status: self.section_statuses()?,
            template_rev: self.template_rev(),
        })
    }

    /// The items whose answer, comment or evidence differ from the snapshot of the latest
    /// export; `None` when the draft has never been exported.
    pub fn changed_since_last_export(&self) -> Result<Option<BTreeSet<String>>, StoreError> {
        if self.latest_export_snapshot()?.is_none() {
            return Ok(None);
        }
        self.changed_since_last_export_given(&self.current_state()?)
    }

    /// As [`Draft::changed_since_last_export`], against `now`, the draft as the caller has
    /// just read it (`current_state`): the answers are not read again.
    pub fn changed_since_last_export_given(
        &self,
        now: &SnapshotState,
    ) -> Result<Option<BTreeSet<String>>, StoreError> {
        let Some(info) = self.latest_export_snapshot()? else {
            return Ok(None);
        };
        let then = self.snapshot_state(info.id)?;
        let then_refs = then.evidence_refs();
        let now_refs = now.evidence_refs();
        let diff = scal_core::diff::diff(
            scal_core::diff::Side {
                answers: &then.answers,
                evidence: &then_refs,
            },
            scal_core::diff::Side {
                answers: &now.answers,
                evidence: &now_refs,
            },
        );
        Ok(Some(diff.items.into_iter().map(|i| i.item).collect()))
    }

    /// Puts the draft back exactly as the snapshot holds it: answers, comments, evidence links
    /// and section statuses. A "before restore" snapshot is taken first, and every change is
    /// written to the history, all in one transaction. When the snapshot was taken under an
    /// older template revision, that template is put back in force as a new revision (the
    /// revisions themselves are never edited).
    pub fn restore_snapshot(
        &mut self,
        id: i64,
        author: &str,
    ) -> Result<RestoreOutcome, StoreError> {
        self.writable()?;
        let target = self.snapshot_state(id)?;
        let current = self.current_state()?;
        let current_links = self.evidence()?;
        let author = clean_author(author);
        let at = now();
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let label = format!("before restoring snapshot {id}");
        let before_id = insert_snapshot(
            &tx,
            &current,
            &at,
            &author,
            SnapshotReason::BeforeRestore,
            &label,
            None,
        )
        .map_err(err)?;

        let template_changed = target.template_rev != current.template_rev;
        if template_changed {
            tx.execute(
                "INSERT INTO template_revisions
                     (rev, template_id, template_version, json, stored_at, stored_by,
                      workbook_name, workbook_sha256)
                 SELECT (SELECT max(rev) FROM template_revisions) + 1, template_id,
                        template_version, json, ?2, ?3, workbook_name, workbook_sha256
                 FROM template_revisions WHERE rev = ?1",
                params![target.template_rev, at, author],
            )
            .map_err(err)
            .and_then(|n| {
                if n == 1 {
                    Ok(())
                } else {
                    Err(StoreError::Damaged {
                        path: path.clone(),
                        detail: format!(
                            "template revision {} of snapshot {id} is missing",
                            target.template_rev
                        ),
                    })
                }
            })?;
            // Answers an upgrade archived since then are back on their items.
            crate::upgrade::withdraw_archives(&tx, &target, id, &at, &author).map_err(err)?;
        }

        let detail = serde_json::json!({ "snapshot": id }).to_string();
        let history =
            |tx: &Connection, item: &str, action: HistoryAction, values: HistoryValues<'_>| {
                insert_history(
                    tx,
                    &HistoryRow {
                        at: &at,
                        author: &author,
                        item,
                        action,
                        old_value: values.old_value,
                        new_value: values.new_value,
                        old_comment: values.old_comment,
                        new_comment: values.new_comment,
                        detail: Some(values.detail.unwrap_or(&detail)),
                    },
                )
            };

        // Answers and comments, recorded as `apply` records them: "answer" when the value
        // changed (with the comment too if it did), "comment" when only the comment did.
        let mut answers_changed = 0;
        let items: BTreeSet<&String> = current
            .answers
            .keys()
            .chain(target.answers.keys())
            .collect();
        for item in items {
            let old = current.answers.get(item.as_str());
            let new = target.answers.get(item.as_str());
            let old_value = old.and_then(|a| a.value.as_ref());
            let new_value = new.and_then(|a| a.value.as_ref());
            let old_comment = old.map(|a| a.comment.as_str()).unwrap_or_default();
            let new_comment = new.map(|a| a.comment.as_str()).unwrap_or_default();
            let value_changed = old_value != new_value;
            let comment_changed = old_comment != new_comment;
            if !value_changed && !comment_changed {
                continue;
            }
            let new_json = new_value.map(json_value);
            crate::draft::put_answer(&tx, item, new_json.as_deref(), new_comment, &at, &author)
                .map_err(err)?;
            let old_json = old_value.map(json_value);
            let (action, old_v, new_v) = if value_changed {
                (
                    HistoryAction::Answer,
                    old_json.as_deref(),
                    new_json.as_deref(),
                )
            } else {
                (HistoryAction::Comment, None, None)
            };
            let (old_c, new_c) = if comment_changed {
                (Some(old_comment), Some(new_comment))
            } else {
                (None, None)
            };
            history(
                &tx,
                item,
                action,
                HistoryValues {
                    old_value: old_v,
                    new_value: new_v,
                    old_comment: old_c,
                    new_comment: new_c,
                    detail: None,
                },
            )
            .map_err(err)?;
            answers_changed += 1;
        }

        // Evidence: links are matched by what they are (item, content, name, when, by whom);
        // a link in both stays as it is, so its id and place in the list do not change.
        let mut wanted: Vec<&SnapshotLink> = target.evidence.iter().collect();
        let mut links_removed = 0;
        for link in current_links {
            let as_snap = link.held();
            if let Some(pos) = wanted.iter().position(|w| **w == as_snap) {
                wanted.remove(pos);
                continue;
            }
            tx.execute("DELETE FROM evidence_links WHERE id = ?1", [link.id])
                .map_err(err)?;
            let old = json_string(&link.file.file_name);
            let link_detail = serde_json::json!({
                "link": link.id, "sha256": link.file.sha256, "size": link.file.size,
                "media_type": link.file.media_type, "snapshot": id,
            })
            .to_string();
            history(
                &tx,
                &link.item,
                HistoryAction::Detach,
                HistoryValues {
                    old_value: Some(&old),
                    new_value: None,
                    old_comment: None,
                    new_comment: None,
                    detail: Some(&link_detail),
                },
            )
            .map_err(err)?;
            links_removed += 1;
        }
        let mut links_added = 0;
        for link in wanted {
            let link_id = crate::evidence::relink(
                &tx,
                &path,
                &crate::evidence::Relink {
                    item: &link.item,
                    sha256: &link.file.sha256,
                    file_name: &link.file.file_name,
                    media_type: &link.file.media_type,
                    added_at: &link.file.added_at,
                    added_by: &link.file.added_by,
                    dates: link.dates,
                },
                &format!("snapshot {id}"),
            )?;
            let new = json_string(&link.file.file_name);
            let link_detail = serde_json::json!({
                "link": link_id, "sha256": link.file.sha256, "size": link.file.size,
                "media_type": link.file.media_type, "snapshot": id,
            })
            .to_string();
            history(
                &tx,
                &link.item,
                HistoryAction::Attach,
                HistoryValues {
                    old_value: None,
                    new_value: Some(&new),
                    old_comment: None,
                    new_comment: None,
                    detail: Some(&link_detail),
                },
            )
            .map_err(err)?;
            links_added += 1;
        }

        // Section statuses, with who set them and when, exactly as they were.
        let mut statuses_changed = 0;
        let sections: BTreeSet<&String> = current
            .section_status
            .keys()
            .chain(target.section_status.keys())
            .collect();
        for section in sections {
            let old = current.section_status.get(section.as_str());
            let new = target.section_status.get(section.as_str());
            if old == new {
                continue;
            }
            match new {
                Some(s) => tx
                    .execute(
                        "INSERT INTO section_status (section, status, at, by)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (section) DO UPDATE SET status = excluded.status,
                             at = excluded.at, by = excluded.by",
                        params![section, s.status, s.at, s.by],
                    )
                    .map_err(err)?,
                None => tx
                    .execute("DELETE FROM section_status WHERE section = ?1", [section])
                    .map_err(err)?,
            };
            if old.map(|s| &s.status) != new.map(|s| &s.status) {
                let old_json = old.map(|s| json_string(&s.status));
                let new_json = new.map(|s| json_string(&s.status));
                history(
                    &tx,
                    section,
                    HistoryAction::Status,
                    HistoryValues {
                        old_value: old_json.as_deref(),
                        new_value: new_json.as_deref(),
                        old_comment: None,
                        new_comment: None,
                        detail: None,
                    },
                )
                .map_err(err)?;
            }
            statuses_changed += 1;
        }
        tx.commit().map_err(err)?;
        if template_changed {
            self.reload_template()?;
        }
        Ok(RestoreOutcome {
            before: self.snapshot_info(before_id)?,
            answers_changed,
            links_added,
            links_removed,
            statuses_changed,
            template_changed,
        })
    }

    fn query_infos(&self, id: Option<i64>) -> Result<Vec<SnapshotInfo>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, at, author, reason, label, export_id, template_rev, answers_digest,
                        (SELECT count(*) FROM json_each(answers)), json_array_length(evidence)
                 FROM snapshots WHERE ?1 IS NULL OR id = ?1 ORDER BY id",
            )
            .map_err(|e| self.sql_err(e))?;
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            Option<i64>,
            i64,
            String,
            i64,
            i64,
        );
        let rows = stmt
            .query_map([id], |r| -> rusqlite::Result<Row> {
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
            let (id, at, author, reason, label, export_id, template_rev, digest, answers, links) =
                row.map_err(|e| self.sql_err(e))?;
            let reason = SnapshotReason::parse(&reason).ok_or_else(|| StoreError::Damaged {
                path: self.path.clone(),
                detail: format!("snapshot {id} was taken for an unknown reason \"{reason}\""),
            })?;
            out.push(SnapshotInfo {
                id,
                at,
                author,
                reason,
                label,
                export_id,
                template_rev,
                answers_digest: digest,
                answers: usize::try_from(answers).unwrap_or(0),
                evidence: usize::try_from(links).unwrap_or(0),
            });
        }
        Ok(out)
    }
}

struct HistoryValues<'a> {
    old_value: Option<&'a str>,
    new_value: Option<&'a str>,
    old_comment: Option<&'a str>,
    new_comment: Option<&'a str>,
    /// `None`: the restore's own detail (`{"snapshot": id}`).
    detail: Option<&'a str>,
}

fn json_value(v: &Value) -> String {
    value_to_json(Some(v)).to_string()
}

/// The longest snapshot label kept (in characters).
const MAX_LABEL_CHARS: usize = 200;

pub(crate) fn clean_label(label: &str) -> Result<String, StoreError> {
    let label = label.trim();
    let len = label.chars().count();
    if len > MAX_LABEL_CHARS {
        return Err(StoreError::LabelTooLong {
            len,
            max: MAX_LABEL_CHARS,
        });
    }
    Ok(label.to_string())
}

pub(crate) fn insert_snapshot(
    conn: &Connection,
    state: &SnapshotState,
    at: &str,
    author: &str,
    reason: SnapshotReason,
    label: &str,
    export_id: Option<i64>,
) -> rusqlite::Result<i64> {
    let to_json = |v: serde_json::Result<String>| {
        v.map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
    };
    let answers = to_json(serde_json::to_string(&state.answers))?;
    let evidence = to_json(serde_json::to_string(&state.evidence))?;
    let statuses: BTreeMap<&String, StoredStatus> = state
        .section_status
        .iter()
        .map(|(k, s)| {
            (
                k,
                StoredStatus {
                    status: s.status.clone(),
                    at: s.at.clone(),
                    by: s.by.clone(),
                },
            )
        })
        .collect();
    let statuses = to_json(serde_json::to_string(&statuses))?;
    conn.execute(
        "INSERT INTO snapshots (at, author, reason, label, export_id, answers, evidence,
                                section_status, answers_digest, template_rev)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            at,
            author,
            reason.as_str(),
            label,
            export_id,
            answers,
            evidence,
            statuses,
            answers_digest(&state.answers),
            state.template_rev
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

#[cfg(test)]
mod stored_shape_tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failing test")]

    use super::SnapshotLink;

    /// Snapshots written before links had one type hold each link as one flat object; they
    /// still read, and a link is written back in that very shape.
    #[test]
    fn a_snapshot_link_is_stored_flat_as_it_always_was() {
        let stored = r#"{"item":"uec.tcr","sha256":"ab12","size":7,"file_name":"tcr.pdf","media_type":"application/pdf","added_at":"2026-01-02T03:04:05.006Z","added_by":"Ada"}"#;
        let link: SnapshotLink = serde_json::from_str(stored).unwrap();
        assert_eq!(link.item, "uec.tcr");
        assert_eq!(link.file.file_name, "tcr.pdf");
        assert_eq!(link.file.size, 7);
        assert_eq!(serde_json::to_string(&link).unwrap(), stored);
    }
}
