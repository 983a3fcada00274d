//! Upgrading a draft to a new version of its template, and what an upgrade leaves to look at:
//! archived answers (to items the new version removed, or values it no longer accepts) and
//! carried answers to re-confirm (their wording changed).
//!
//! An upgrade is planned by `scal_core::upgrade::plan` and applied here: a "before upgrade"
//! snapshot first (so it can be undone with `restore_snapshot`), then one transaction that adds
//! the template revision, moves answers, comments, evidence links and review comments onto the
//! new item ids, archives what has no place, and flags what must be re-confirmed.
//!
//! Invariant: an upgrade never deletes an answer. Every value, comment and evidence link the
//! draft held is either on an item of the new template or in `archived_answers`, from which it
//! can be restored onto any item of the template in force.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection, TransactionBehavior};
use scal_core::answer::normalize;
use scal_core::upgrade::{self as plan, EvidenceRef, Holdings, UpgradePlan};
use scal_core::{Template, Value};
use sha2::{Digest, Sha256};

use crate::draft::{clean_author, insert_history, now, HistoryRow};
use crate::HistoryAction;
use crate::{
    value_to_json, Draft, LinkedFile, NewWorkbook, SnapshotInfo, SnapshotReason, StoreError,
};

/// What `Draft::upgrade` did.
#[derive(Debug, Clone, PartialEq)]
pub struct UpgradeReport {
    /// What was carried, archived, flagged and added, item by item.
    pub plan: UpgradePlan,
    /// The snapshot taken just before: restoring it undoes the upgrade.
    pub snapshot: SnapshotInfo,
    /// The revision now in force.
    pub template_rev: i64,
    /// The ids of the archived answers the upgrade made.
    pub archived: Vec<i64>,
}

/// An answer an upgrade set aside: to an item the new template removed, or a value the new
/// item no longer accepts. Kept for good, shown, exported in an appendix, and restorable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedAnswer {
    pub id: i64,
    /// The item it was given to, in the template it was given under.
    pub item: String,
    /// The template revision it was given under, and that template's id and version.
    pub template_rev: i64,
    pub template_id: String,
    pub template_version: String,
    pub section: String,
    pub label: String,
    /// The item's wording when it was answered.
    pub text: String,
    pub value: Option<Value>,
    pub comment: String,
    /// The files its evidence links named (stored as a JSON list of them).
    pub evidence: Vec<LinkedFile>,
    /// RFC 3339 UTC.
    pub archived_at: String,
    pub archived_by: String,
    pub restored: Option<Restored>,
}

/// When, by whom and onto which item an archived answer was restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub at: String,
    pub by: String,
    pub to: String,
}

/// A carried answer whose item's wording changed, waiting to be confirmed against the new
/// wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconfirmation {
    pub item: String,
    /// The wording the answer was given to.
    pub old_text: String,
    /// The wording now (the item's text, else its label).
    pub new_text: String,
    pub flagged_at: String,
    pub template_rev: i64,
}

impl Draft {
    /// What the draft holds, in the form the upgrade and copy planners take.
    pub fn holdings(&self) -> Result<Holdings, StoreError> {
        let mut evidence: BTreeMap<String, Vec<EvidenceRef>> = BTreeMap::new();
        for link in self.evidence()? {
            evidence.entry(link.item).or_default().push(EvidenceRef {
                sha256: link.file.sha256,
                file_name: link.file.file_name,
            });
        }
        Ok(Holdings {
            answers: self.answers()?,
            evidence,
        })
    }

    /// What upgrading to `new_template_json` would do, changing nothing: for a preview (`scal
    /// upgrade --dry-run`, the app's upgrade dialog). Works on a draft open read-only.
    pub fn plan_upgrade(&self, new_template_json: &str) -> Result<UpgradePlan, StoreError> {
        let new = self.load_new_template(new_template_json)?;
        Ok(plan::plan(self.template(), &new, &self.holdings()?))
    }

    /// Upgrades the draft to a new template (a new version of its template, or the same SCAL
    /// imported from a newer workbook, which is then kept with the revision).
    ///
    /// A "before upgrade" snapshot is taken first; restoring it undoes the upgrade. Then, in one
    /// transaction: the template revision is added; answers, comments, evidence links and
    /// review comments move onto the matched items of the new template (history: `carry`);
    /// what has no place is archived (history: `archive`); reworded or no-longer-fitting
    /// carried answers are flagged for re-confirmation. Nothing the draft held is deleted.
    pub fn upgrade(
        &mut self,
        new_template_json: &str,
        workbook: Option<NewWorkbook<'_>>,
        author: &str,
    ) -> Result<UpgradeReport, StoreError> {
        self.writable()?;
        // Stored as its JSON alone: a byte-order mark would make the stored text unreadable.
        let new_template_json = scal_core::text::without_bom(new_template_json);
        let new = self.load_new_template(new_template_json)?;
        let given = workbook
            .as_ref()
            .map(|w| (w.file_name, hex::encode(Sha256::digest(w.bytes))));
        if let (Some((file_name, sha256)), Some(source)) = (&given, &new.source) {
            if *sha256 != source.sha256 {
                return Err(StoreError::NotTheTemplateWorkbook {
                    file_name: (*file_name).to_string(),
                    template: new.id.clone(),
                    version: new.version.clone(),
                    source_name: source.file_name.clone(),
                });
            }
        }
        // Without a workbook, the one the draft holds stays when the new template came from it.
        let kept = match (&workbook, self.source_workbook(), &new.source) {
            (None, Some(held), Some(source)) if held.sha256 == source.sha256 => {
                Some((held.file_name.clone(), held.sha256.clone()))
            }
            _ => None,
        };
        let same_workbook = match (&given, self.source_workbook()) {
            (None, None) => true,
            (Some((_, sha256)), Some(s)) => *sha256 == s.sha256,
            (None, Some(_)) => kept.is_some(),
            (Some(_), None) => false,
        };
        if new_template_json == self.template_json() && same_workbook {
            return Err(StoreError::AlreadyAtTemplate {
                path: self.path.clone(),
                template: new.id.clone(),
                version: new.version.clone(),
            });
        }
        let held = self.holdings()?;
        let planned = plan::plan(self.template(), &new, &held);
        let label =
            crate::snapshot::clean_label(&format!("before upgrade to {} {}", new.id, new.version))?;
        let state = self.current_state()?;

        let links = self.evidence()?;
        let old_rev = self.template_rev();
        let author = clean_author(author);
        let at = now();
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        // The snapshot that undoes the upgrade, in the upgrade's own transaction: a failed
        // upgrade leaves nothing behind.
        let snapshot = crate::snapshot::insert_snapshot(
            &tx,
            &state,
            &at,
            &author,
            SnapshotReason::BeforeUpgrade,
            &label,
            None,
        )
        .map_err(err)?;
        let new_rev: i64 = tx
            .query_row("SELECT max(rev) + 1 FROM template_revisions", [], |r| {
                r.get(0)
            })
            .map_err(err)?;
        let workbook = match workbook {
            Some(w) => Some((
                w.file_name.to_string(),
                crate::evidence::store_bytes(&tx, w.bytes).map_err(err)?,
            )),
            None => kept,
        };
        let (workbook_name, workbook_sha256) = workbook.unzip();
        tx.execute(
            "INSERT INTO template_revisions
                 (rev, template_id, template_version, json, stored_at, stored_by,
                  workbook_name, workbook_sha256)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                new_rev,
                new.id,
                new.version,
                new_template_json,
                at,
                author,
                workbook_name,
                workbook_sha256
            ],
        )
        .map_err(err)?;

        let ctx = Apply {
            tx: &tx,
            at: &at,
            author: &author,
            old_rev,
            new_rev,
        };
        let archived = ctx.apply(&planned, &links).map_err(err)?;
        tx.commit().map_err(err)?;
        self.reload_template()?;
        Ok(UpgradeReport {
            plan: planned,
            snapshot: self.snapshot_info(snapshot)?,
            template_rev: new_rev,
            archived,
        })
    }

    /// Every archived answer, oldest first, restored ones included (with where they went).
    pub fn archived_answers(&self) -> Result<Vec<ArchivedAnswer>, StoreError> {
        self.query_archived(None)
    }

    /// Restores an archived answer (value, comment and evidence) onto `to_item`, an item of the
    /// template in force. Refused when the item already holds a different answer or comment
    /// (clear it first: a restore overwrites nothing) or when the value does not fit the item.
    pub fn restore_archived(
        &mut self,
        id: i64,
        to_item: &str,
        author: &str,
    ) -> Result<ArchivedAnswer, StoreError> {
        self.writable()?;
        let archived = self.query_archived(Some(id))?.pop().ok_or_else(|| {
            StoreError::NoSuchArchivedAnswer {
                path: self.path.clone(),
                id,
            }
        })?;
        if let Some(r) = &archived.restored {
            return Err(StoreError::AlreadyRestored {
                path: self.path.clone(),
                id,
                to: r.to.clone(),
            });
        }
        let to_item = to_item.trim();
        self.check_item(to_item)?;
        let value = archived
            .value
            .clone()
            .map(|v| normalize(self.template(), to_item, v))
            .transpose()?;
        let current = self.answers()?.remove(to_item).unwrap_or_default();
        let overwrite = |what| StoreError::RestoreWouldOverwrite {
            path: self.path.clone(),
            item: to_item.to_string(),
            what,
        };
        if value.is_some() && current.value.is_some() && current.value != value {
            return Err(overwrite("an answer"));
        }
        let comment = archived.comment.trim();
        let current_comment = current.comment.trim();
        if !comment.is_empty() && !current_comment.is_empty() && comment != current_comment {
            return Err(overwrite("a comment"));
        }
        let new_value = value.or(current.value.clone());
        let new_comment = if comment.is_empty() {
            current_comment
        } else {
            comment
        };
        let old_item_in_force = self.template().item(&archived.item).is_some();

        let author = clean_author(author);
        let at = now();
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let new_json = new_value.as_ref().map(json_value);
        crate::draft::put_answer(&tx, to_item, new_json.as_deref(), new_comment, &at, &author)
            .map_err(err)?;
        let mut linked = Vec::new();
        for e in &archived.evidence {
            linked.push(crate::evidence::relink(
                &tx,
                &path,
                &crate::evidence::Relink {
                    item: to_item,
                    sha256: &e.sha256,
                    file_name: &e.file_name,
                    media_type: &e.media_type,
                    added_at: &e.added_at,
                    added_by: &e.added_by,
                    dates: scal_core::EvidenceDates::default(),
                },
                &format!("archived answer {id}"),
            )?);
        }
        // Review comments on the archived item follow its answer, unless that item is in force
        // again (then they are about it, not about the answer).
        if !old_item_in_force {
            tx.execute(
                "UPDATE review_comments SET item = ?1 WHERE item = ?2",
                params![to_item, archived.item],
            )
            .map_err(err)?;
        }
        tx.execute(
            "UPDATE archived_answers SET restored_at = ?1, restored_by = ?2, restored_to = ?3
             WHERE id = ?4",
            params![at, author, to_item, id],
        )
        .map_err(err)?;
        let old_json = current.value.as_ref().map(json_value);
        let detail = serde_json::json!({
            "archived": id,
            "from": archived.item,
            "template_rev": archived.template_rev,
            "links": linked,
        })
        .to_string();
        insert_history(
            &tx,
            &HistoryRow {
                at: &at,
                author: &author,
                item: to_item,
                action: HistoryAction::Restore,
                old_value: old_json.as_deref(),
                new_value: new_json.as_deref(),
                old_comment: Some(current_comment),
                new_comment: Some(new_comment),
                detail: Some(&detail),
            },
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        self.query_archived(Some(id))?
            .pop()
            .ok_or_else(|| StoreError::NoSuchArchivedAnswer {
                path: self.path.clone(),
                id,
            })
    }

    /// The carried answers still waiting to be re-confirmed, in template order. Flags of an
    /// upgrade that was undone (by restoring its snapshot) have lapsed and are not listed.
    pub fn reconfirmations(&self) -> Result<Vec<Reconfirmation>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT item, old_text, flagged_at, template_rev FROM reconfirm
                 WHERE confirmed_at IS NULL AND template_rev = ?1",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([self.template_rev()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(|e| self.sql_err(e))?;
        let mut pending: BTreeMap<String, (String, String, i64)> = BTreeMap::new();
        for row in rows {
            let (item, old_text, flagged_at, rev) = row.map_err(|e| self.sql_err(e))?;
            pending.insert(item, (old_text, flagged_at, rev));
        }
        Ok(self
            .template()
            .items()
            .filter_map(|(_, item)| {
                let (old_text, flagged_at, template_rev) = pending.remove(&item.id)?;
                Some(Reconfirmation {
                    item: item.id.clone(),
                    old_text,
                    new_text: plan::question(item).to_string(),
                    flagged_at,
                    template_rev,
                })
            })
            .collect())
    }

    /// Confirms that a carried answer still holds under its item's new wording.
    pub fn confirm(&mut self, item: &str, author: &str) -> Result<(), StoreError> {
        self.writable()?;
        let item = item.trim();
        self.check_item(item)?;
        let Some(pending) = self.reconfirmations()?.into_iter().find(|r| r.item == item) else {
            return Err(StoreError::NothingToConfirm {
                path: self.path.clone(),
                item: item.to_string(),
            });
        };
        let author = clean_author(author);
        let at = now();
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        tx.execute(
            "UPDATE reconfirm SET confirmed_at = ?1, confirmed_by = ?2 WHERE item = ?3",
            params![at, author, item],
        )
        .map_err(err)?;
        let detail = serde_json::json!({
            "old_text": pending.old_text,
            "template_rev": pending.template_rev,
        })
        .to_string();
        insert_history(
            &tx,
            &HistoryRow {
                at: &at,
                author: &author,
                item,
                action: HistoryAction::Confirm,
                old_value: None,
                new_value: None,
                old_comment: None,
                new_comment: None,
                detail: Some(&detail),
            },
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }

    /// A template to upgrade to, judged like one a draft is created from.
    fn load_new_template(&self, json: &str) -> Result<Template, StoreError> {
        scal_core::load_template(json).map_err(|source| StoreError::Template {
            path: self.path.clone(),
            source,
        })
    }

    fn query_archived(&self, id: Option<i64>) -> Result<Vec<ArchivedAnswer>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.id, a.item, a.template_rev, coalesce(t.template_id, ''),
                        coalesce(t.template_version, ''), a.section, a.label, a.text, a.value,
                        a.comment, a.evidence, a.archived_at, a.archived_by, a.restored_at,
                        a.restored_by, a.restored_to
                 FROM archived_answers a LEFT JOIN template_revisions t ON t.rev = a.template_rev
                 WHERE ?1 IS NULL OR a.id = ?1 ORDER BY a.id",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([id], |r| {
                let restored = match (
                    r.get::<_, Option<String>>(13)?,
                    r.get::<_, Option<String>>(14)?,
                    r.get::<_, Option<String>>(15)?,
                ) {
                    (Some(at), Some(by), Some(to)) => Some(Restored { at, by, to }),
                    _ => None,
                };
                Ok((
                    ArchivedAnswer {
                        id: r.get(0)?,
                        item: r.get(1)?,
                        template_rev: r.get(2)?,
                        template_id: r.get(3)?,
                        template_version: r.get(4)?,
                        section: r.get(5)?,
                        label: r.get(6)?,
                        text: r.get(7)?,
                        value: None,
                        comment: r.get(9)?,
                        evidence: Vec::new(),
                        archived_at: r.get(11)?,
                        archived_by: r.get(12)?,
                        restored,
                    },
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, String>(10)?,
                ))
            })
            .map_err(|e| self.sql_err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (mut a, value, evidence) = row.map_err(|e| self.sql_err(e))?;
            let damaged = |what: &str| StoreError::Damaged {
                path: self.path.clone(),
                detail: format!("the {what} of archived answer {} cannot be read", a.id),
            };
            a.value = value
                .map(|v| serde_json::from_str(&v))
                .transpose()
                .map_err(|_| damaged("value"))?;
            a.evidence = serde_json::from_str(&evidence).map_err(|_| damaged("evidence"))?;
            out.push(a);
        }
        Ok(out)
    }
}

/// The upgrade transaction's shared facts.
struct Apply<'a> {
    tx: &'a Connection,
    at: &'a str,
    author: &'a str,
    old_rev: i64,
    new_rev: i64,
}

impl Apply<'_> {
    /// Everything but the revision itself; returns the ids of the archived answers.
    fn apply(
        &self,
        planned: &UpgradePlan,
        links: &[crate::EvidenceLink],
    ) -> rusqlite::Result<Vec<i64>> {
        let mut links_of: BTreeMap<&str, Vec<&crate::EvidenceLink>> = BTreeMap::new();
        for link in links {
            links_of.entry(link.item.as_str()).or_default().push(link);
        }
        let mut archived = Vec::new();

        // Removed items: value, comment and evidence go to the archive together.
        for r in planned.archived() {
            let answer = r.answer.clone().unwrap_or_default();
            let evidence = links_of
                .get(r.item.id.as_str())
                .cloned()
                .unwrap_or_default();
            let id = self.archive(
                &r.item,
                &r.text,
                answer.value.as_ref(),
                &answer.comment,
                &evidence,
                "removed",
            )?;
            archived.push(id);
            self.tx
                .execute("DELETE FROM answers WHERE item = ?1", [&r.item.id])?;
            for link in &evidence {
                self.tx
                    .execute("DELETE FROM evidence_links WHERE id = ?1", [link.id])?;
            }
        }

        // Matched items whose old value no longer fits: the value goes to the archive; the
        // comment, evidence and whatever part of the value still fits are carried below.
        for c in &planned.no_longer_fits {
            if let Some(v) = c.answer.as_ref().and_then(|a| a.value.as_ref()) {
                archived.push(self.archive(
                    &c.from,
                    &c.old_text,
                    Some(v),
                    "",
                    &[],
                    "no_longer_fits",
                )?);
            }
        }

        // Carried answers: every moving row is taken out first and put back under its new id,
        // so ids that trade places between versions cannot collide.
        let moving: Vec<&plan::Carry> = planned
            .carries()
            .filter(|c| c.holds_anything())
            .filter(|c| {
                let value_changed =
                    c.answer.as_ref().and_then(|a| a.value.as_ref()) != c.value.as_ref();
                c.from.id != c.to.id || value_changed
            })
            .collect();
        for c in &moving {
            self.tx
                .execute("DELETE FROM answers WHERE item = ?1", [&c.from.id])?;
        }
        for c in &moving {
            let comment = c.answer.as_ref().map(|a| a.comment.as_str()).unwrap_or("");
            let old_json = c
                .answer
                .as_ref()
                .and_then(|a| a.value.as_ref())
                .map(json_value);
            let new_json = c.value.as_ref().map(json_value);
            if new_json.is_some() || !comment.is_empty() {
                self.tx.execute(
                    "INSERT INTO answers (item, value, comment, updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![c.to.id, new_json, comment, self.at, self.author],
                )?;
            }
            let moved: Vec<i64> = if c.from.id != c.to.id {
                links_of
                    .get(c.from.id.as_str())
                    .map(|l| l.iter().map(|l| l.id).collect())
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            for link in &moved {
                self.tx.execute(
                    "UPDATE evidence_links SET item = ?1 WHERE id = ?2",
                    params![c.to.id, link],
                )?;
            }
            let detail = serde_json::json!({
                "from": c.from.id,
                "by": c.by.as_str(),
                "reason": c.reason,
                "template_rev": self.new_rev,
                "links": moved,
                "reconfirm": c.reconfirm,
            })
            .to_string();
            insert_history(
                self.tx,
                &HistoryRow {
                    at: self.at,
                    author: self.author,
                    item: &c.to.id,
                    action: HistoryAction::Carry,
                    old_value: old_json.as_deref(),
                    new_value: new_json.as_deref(),
                    old_comment: Some(comment),
                    new_comment: Some(comment),
                    detail: Some(&detail),
                },
            )?;
        }

        // Review comments follow their item. Read first and updated by comment id, so a swap
        // of two ids moves each thread once.
        let renames: BTreeMap<&str, &str> = planned
            .carries()
            .filter(|c| c.from.id != c.to.id)
            .map(|c| (c.from.id.as_str(), c.to.id.as_str()))
            .chain(
                planned
                    .sections_renamed
                    .iter()
                    .map(|(from, to)| (from.as_str(), to.as_str())),
            )
            .collect();
        let comments: Vec<(i64, String)> = self
            .tx
            .prepare("SELECT id, item FROM review_comments")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, item) in comments {
            if let Some(to) = renames.get(item.as_str()) {
                self.tx.execute(
                    "UPDATE review_comments SET item = ?1 WHERE id = ?2",
                    params![to, id],
                )?;
            }
        }

        // A renamed section keeps its status (no history row: the status itself is unchanged).
        for (from, to) in &planned.sections_renamed {
            self.tx.execute(
                "UPDATE OR REPLACE section_status SET section = ?1 WHERE section = ?2",
                params![to, from],
            )?;
        }

        self.flag_reconfirmations(planned)?;
        Ok(archived)
    }

    /// Re-confirmation flags: those still pending from an earlier upgrade follow their item
    /// (keeping the wording first answered to); new ones are added for this upgrade's reworded,
    /// closely matched and no-longer-fitting answers. Flags of removed items lapse: their
    /// answers are archived.
    fn flag_reconfirmations(&self, planned: &UpgradePlan) -> rusqlite::Result<()> {
        let mut pending: BTreeMap<String, (String, String)> = BTreeMap::new();
        {
            let mut stmt = self.tx.prepare(
                "SELECT item, old_text, flagged_at FROM reconfirm
                 WHERE confirmed_at IS NULL AND template_rev = ?1",
            )?;
            let rows = stmt.query_map([self.old_rev], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            for row in rows {
                let (item, old_text, flagged_at) = row?;
                pending.insert(item, (old_text, flagged_at));
            }
        }
        let mut flags: Vec<(&str, String, String)> = Vec::new();
        for c in planned.carries() {
            if let Some((old_text, flagged_at)) = pending.get(&c.from.id) {
                flags.push((&c.to.id, old_text.clone(), flagged_at.clone()));
            } else if c.reconfirm {
                flags.push((&c.to.id, c.old_text.clone(), self.at.to_string()));
            }
        }
        let touched: BTreeSet<&str> = planned
            .carries()
            .flat_map(|c| [c.from.id.as_str(), c.to.id.as_str()])
            .chain(planned.removed.iter().map(|r| r.item.id.as_str()))
            .collect();
        for item in touched {
            self.tx
                .execute("DELETE FROM reconfirm WHERE item = ?1", [item])?;
        }
        for (item, old_text, flagged_at) in flags {
            self.tx.execute(
                "INSERT INTO reconfirm (item, template_rev, old_text, flagged_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![item, self.new_rev, old_text, flagged_at],
            )?;
        }
        Ok(())
    }

    /// One archived answer, and its `archive` history entry under the old item id.
    fn archive(
        &self,
        item: &plan::ItemRef,
        text: &str,
        value: Option<&Value>,
        comment: &str,
        links: &[&crate::EvidenceLink],
        why: &str,
    ) -> rusqlite::Result<i64> {
        let evidence: Vec<LinkedFile> = links.iter().map(|l| l.file.clone()).collect();
        let evidence_json = serde_json::to_string(&evidence)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let value_json = value.map(json_value);
        self.tx.execute(
            "INSERT INTO archived_answers (item, template_rev, section, label, text, value,
                                           comment, evidence, archived_at, archived_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                item.id,
                self.old_rev,
                item.section,
                item.label,
                text,
                value_json,
                comment,
                evidence_json,
                self.at,
                self.author
            ],
        )?;
        let id = self.tx.last_insert_rowid();
        let detail = serde_json::json!({
            "archived": id,
            "why": why,
            "template_rev": self.old_rev,
            "links": links.iter().map(|l| l.id).collect::<Vec<_>>(),
        })
        .to_string();
        insert_history(
            self.tx,
            &HistoryRow {
                at: self.at,
                author: self.author,
                item: &item.id,
                action: HistoryAction::Archive,
                old_value: value_json.as_deref(),
                new_value: None,
                old_comment: Some(comment),
                new_comment: None,
                detail: Some(&detail),
            },
        )?;
        Ok(id)
    }
}

/// Called by `restore_snapshot` when it puts back the template of revision `target_rev`: the
/// answers archived by upgrades from that revision on that the restored state holds again
/// (same item, value, comment and evidence) are back on their items, so their archive entries
/// are marked restored (to the same item), with a `restore` history entry. The others were
/// not in the snapshot and stay restorable.
pub(crate) fn withdraw_archives(
    tx: &Connection,
    target: &crate::SnapshotState,
    snapshot: i64,
    at: &str,
    author: &str,
) -> rusqlite::Result<usize> {
    let rows: Vec<(i64, String, Option<String>, String, String)> = tx
        .prepare(
            "SELECT id, item, value, comment, evidence FROM archived_answers
             WHERE template_rev >= ?1 AND restored_at IS NULL ORDER BY id",
        )?
        .query_map([target.template_rev], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut withdrawn = 0;
    for (id, item, value, comment, evidence) in &rows {
        let answer = target.answers.get(item);
        let held_value = answer.and_then(|a| a.value.as_ref()).map(json_value);
        let held_comment = answer.map_or("", |a| a.comment.as_str());
        let evidence: Vec<LinkedFile> = serde_json::from_str(evidence).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
        })?;
        let evidence_held = evidence.iter().all(|e| {
            target
                .evidence
                .iter()
                .any(|l| l.item == *item && l.file.sha256 == e.sha256)
        });
        if held_value != *value || held_comment != comment || !evidence_held {
            continue;
        }
        tx.execute(
            "UPDATE archived_answers SET restored_at = ?1, restored_by = ?2, restored_to = item
             WHERE id = ?3",
            params![at, author, id],
        )?;
        let detail = serde_json::json!({ "archived": id, "snapshot": snapshot }).to_string();
        insert_history(
            tx,
            &HistoryRow {
                at,
                author,
                item,
                action: HistoryAction::Restore,
                old_value: None,
                new_value: None,
                old_comment: None,
                new_comment: None,
                detail: Some(&detail),
            },
        )?;
        withdrawn += 1;
    }
    Ok(withdrawn)
}

fn json_value(v: &Value) -> String {
    value_to_json(Some(v)).to_string()
}
