//! The append-only history: every change, one row each, handed out typed.
//!
//! A row's `action` column names what happened and its `detail` column holds JSON whose shape
//! the action decides (see `HistoryEvent`). The stored shapes are those every version has
//! written; they are read into the typed event here, so no face parses JSON. The action names
//! come from serde (`HistoryAction`), and the table's CHECK constraint accepts exactly
//! `HistoryAction::ALL` (a test holds the two together; see `schema.rs` for adding one).

use std::fmt;
use std::sync::OnceLock;

use rusqlite::types::{ToSql, ToSqlOutput};
use rusqlite::{params, Connection, OptionalExtension};
use scal_core::{EvidenceDates, Value};
use serde::{Deserialize, Serialize};

use super::Draft;
use crate::error::StoreError;

/// One change recorded in the append-only history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub seq: i64,
    pub at: String,
    pub author: String,
    /// The item (or, for `status`, the section) the change was made to.
    pub item: String,
    /// What happened, with what the store recorded about it.
    pub event: HistoryEvent,
    pub old_value: Option<Value>,
    pub new_value: Option<Value>,
    pub old_comment: Option<String>,
    pub new_comment: Option<String>,
}

impl HistoryEntry {
    pub fn action(&self) -> HistoryAction {
        self.event.action()
    }
}

/// The kinds of change the history records: the values of its `action` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryAction {
    Answer,
    Comment,
    Attach,
    Detach,
    Status,
    Carry,
    Archive,
    Restore,
    Confirm,
    Copy,
    Dates,
}

impl HistoryAction {
    /// Every action, in declaration order: what the history table's CHECK constraint accepts.
    pub const ALL: [HistoryAction; 11] = [
        HistoryAction::Answer,
        HistoryAction::Comment,
        HistoryAction::Attach,
        HistoryAction::Detach,
        HistoryAction::Status,
        HistoryAction::Carry,
        HistoryAction::Archive,
        HistoryAction::Restore,
        HistoryAction::Confirm,
        HistoryAction::Copy,
        HistoryAction::Dates,
    ];

    /// The name stored and printed (`"answer"`, `"attach"`, …), as serde spells it.
    pub fn as_str(self) -> &'static str {
        static NAMES: OnceLock<Vec<(HistoryAction, String)>> = OnceLock::new();
        NAMES
            .get_or_init(|| {
                HistoryAction::ALL
                    .iter()
                    .map(|a| {
                        let name = serde_json::to_value(a)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default();
                        (*a, name)
                    })
                    .collect()
            })
            .iter()
            .find(|(a, _)| *a == self)
            .map_or("", |(_, name)| name.as_str())
    }

    /// The action a stored name stands for, as serde reads it.
    pub fn from_name(name: &str) -> Option<HistoryAction> {
        serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
    }
}

impl fmt::Display for HistoryAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ToSql for HistoryAction {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

/// What one history row records, by action. The old and new value and comment are on the
/// entry itself; this is what the row's `detail` says besides. `snapshot`, where it appears:
/// the snapshot whose restore made the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum HistoryEvent {
    /// The value changed (and the comment, when the entry has both comment sides). `review`:
    /// the review thread whose proposed change the lead accepted with it.
    Answer {
        snapshot: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        review: Option<i64>,
    },
    /// Only the comment changed.
    Comment {
        snapshot: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        review: Option<i64>,
    },
    /// A file was linked to the item.
    Attach(LinkEvent),
    /// A link was removed (the content stays in the draft).
    Detach(LinkEvent),
    /// A section's Status cell changed (the entry's item is the section).
    Status { snapshot: Option<i64> },
    /// An upgrade carried the answer onto this item of the new template.
    Carry(CarryEvent),
    /// An upgrade set the answer aside (the entry's item is the old item).
    Archive(ArchiveEvent),
    /// An archived answer is back: restored onto an item, or by a snapshot restore.
    Restore(RestoreEvent),
    /// A carried answer was confirmed against its item's new wording.
    Confirm(ConfirmEvent),
    /// The value and/or comment came from another draft (`Draft::copy_answers_from`); the
    /// evidence copied with it is recorded as attaches.
    Copy(CopyEvent),
    /// A link's document date or valid-until date was set, changed or cleared.
    Dates(DatesEvent),
}

/// An attach or a detach: the link and the file it named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkEvent {
    pub link: i64,
    /// The name the file had when attached (the entry's new value for an attach, old value
    /// for a detach).
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    pub snapshot: Option<i64>,
    /// The document's dates given with it (none for links older than dates).
    #[serde(default, skip_serializing_if = "EvidenceDates::is_empty")]
    pub dates: EvidenceDates,
}

/// A link's dates, before and after (`Draft::set_evidence_dates`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatesEvent {
    pub link: i64,
    pub file_name: String,
    pub sha256: String,
    pub before: EvidenceDates,
    pub after: EvidenceDates,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarryEvent {
    /// The item of the old template it was given to.
    pub from: String,
    /// How the items were matched (`id`, `reference`, `text`, `similar`…).
    pub by: String,
    /// Why, in words.
    pub reason: String,
    /// The revision the upgrade added.
    pub template_rev: i64,
    /// The evidence links moved with it.
    #[serde(default)]
    pub links: Vec<i64>,
    /// Whether it waits to be re-confirmed.
    #[serde(default)]
    pub reconfirm: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveEvent {
    /// The archived answer's id.
    pub archived: i64,
    /// Why it has no place in the new template, in words.
    pub why: String,
    /// The revision it was given under.
    pub template_rev: i64,
    /// The evidence links archived with it.
    #[serde(default)]
    pub links: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RestoreEvent {
    /// Restored by hand onto the entry's item (`Draft::restore_archived`).
    OntoItem {
        archived: i64,
        /// The item it was archived from.
        from: String,
        template_rev: i64,
        /// The evidence links made for it.
        #[serde(default)]
        links: Vec<i64>,
    },
    /// Back on its own item because a snapshot restore put that state back.
    BySnapshot { archived: i64, snapshot: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmEvent {
    /// The wording the answer was given to.
    pub old_text: String,
    /// The revision whose wording it was confirmed against.
    pub template_rev: i64,
}

/// Where a copied answer came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyEvent {
    /// The draft it was copied from, as its path was given.
    pub from_draft: String,
    /// That draft's id (its path may change; the id does not).
    pub from_draft_id: String,
    /// The item of that draft it was given to.
    pub from_item: String,
    /// The "before copy" snapshot, whose restore undoes the copy.
    pub before: i64,
}

impl HistoryEvent {
    pub fn action(&self) -> HistoryAction {
        match self {
            HistoryEvent::Answer { .. } => HistoryAction::Answer,
            HistoryEvent::Comment { .. } => HistoryAction::Comment,
            HistoryEvent::Attach(_) => HistoryAction::Attach,
            HistoryEvent::Detach(_) => HistoryAction::Detach,
            HistoryEvent::Status { .. } => HistoryAction::Status,
            HistoryEvent::Carry(_) => HistoryAction::Carry,
            HistoryEvent::Archive(_) => HistoryAction::Archive,
            HistoryEvent::Restore(_) => HistoryAction::Restore,
            HistoryEvent::Confirm(_) => HistoryAction::Confirm,
            HistoryEvent::Copy(_) => HistoryAction::Copy,
            HistoryEvent::Dates(_) => HistoryAction::Dates,
        }
    }

    /// The snapshot whose restore made this change, if one did.
    pub fn snapshot(&self) -> Option<i64> {
        match self {
            HistoryEvent::Answer { snapshot, .. }
            | HistoryEvent::Comment { snapshot, .. }
            | HistoryEvent::Status { snapshot } => *snapshot,
            HistoryEvent::Attach(l) | HistoryEvent::Detach(l) => l.snapshot,
            HistoryEvent::Restore(RestoreEvent::BySnapshot { snapshot, .. }) => Some(*snapshot),
            HistoryEvent::Restore(RestoreEvent::OntoItem { .. })
            | HistoryEvent::Carry(_)
            | HistoryEvent::Archive(_)
            | HistoryEvent::Confirm(_)
            | HistoryEvent::Copy(_)
            | HistoryEvent::Dates(_) => None,
        }
    }

    /// The review thread whose proposed change this answer accepted.
    pub fn review(&self) -> Option<i64> {
        match self {
            HistoryEvent::Answer { review, .. } | HistoryEvent::Comment { review, .. } => *review,
            _ => None,
        }
    }

    /// The link of an attach or a detach.
    pub fn link(&self) -> Option<&LinkEvent> {
        match self {
            HistoryEvent::Attach(l) | HistoryEvent::Detach(l) => Some(l),
            _ => None,
        }
    }

    /// The library's own words for why an upgrade did what it did (carry, archive).
    pub fn reason(&self) -> Option<&str> {
        match self {
            HistoryEvent::Carry(c) => Some(&c.reason),
            HistoryEvent::Archive(a) => Some(&a.why),
            _ => None,
        }
    }
}

/// Reads a row's action and detail into its event. The file name of an attach or detach is
/// stored as the row's new or old value, and joins the detail here.
fn read_event(
    action: &str,
    detail: Option<&str>,
    old_value: Option<&Value>,
    new_value: Option<&Value>,
) -> Option<HistoryEvent> {
    let action = HistoryAction::from_name(action)?;
    let mut fields = match detail {
        None => serde_json::Map::new(),
        Some(text) => match serde_json::from_str(text).ok()? {
            serde_json::Value::Object(map) => map,
            _ => return None,
        },
    };
    let named = match action {
        HistoryAction::Attach => new_value,
        HistoryAction::Detach => old_value,
        _ => None,
    };
    if let Some(name) = named {
        fields.insert(
            "file_name".to_string(),
            serde_json::Value::String(name.display()),
        );
    }
    fields.insert(
        "action".to_string(),
        serde_json::Value::String(action.as_str().to_string()),
    );
    serde_json::from_value(serde_json::Value::Object(fields)).ok()
}

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
            let event = read_event(
                &action,
                detail.as_deref(),
                old_value.as_ref(),
                new_value.as_ref(),
            )
            .ok_or_else(|| StoreError::Damaged {
                path: self.path.clone(),
                detail: format!("its history entry {seq} ({action}) cannot be read"),
            })?;
            out.push(HistoryEntry {
                seq,
                at,
                author,
                item,
                event,
                old_value,
                new_value,
                old_comment,
                new_comment,
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
    pub action: HistoryAction,
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failing test")]

    use super::*;

    /// Action, detail, old value, new value, and the event they should read as.
    type Case<'a> = (
        &'a str,
        Option<&'a str>,
        Option<&'a Value>,
        Option<&'a Value>,
        HistoryEvent,
    );

    fn one(s: &str) -> Value {
        Value::One(s.to_string())
    }

    /// Every action's name is the one stored and printed, and reads back as itself.
    #[test]
    fn action_names_come_from_serde_and_read_back() {
        let names: Vec<&str> = HistoryAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(
            names,
            [
                "answer", "comment", "attach", "detach", "status", "carry", "archive", "restore",
                "confirm", "copy", "dates"
            ]
        );
        for action in HistoryAction::ALL {
            assert_eq!(HistoryAction::from_name(action.as_str()), Some(action));
        }
        assert_eq!(HistoryAction::from_name("create"), None);
    }

    /// The detail each writer stores (byte for byte as written today and by earlier versions)
    /// reads into its typed event, with the action it was stored under.
    #[test]
    fn every_stored_detail_shape_reads_into_its_event() {
        let pdf = one("report.pdf");
        let link = |snapshot| LinkEvent {
            link: 7,
            file_name: "report.pdf".to_string(),
            sha256: "ab".repeat(32),
            size: 15,
            media_type: "application/pdf".to_string(),
            snapshot,
            dates: EvidenceDates::default(),
        };
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let dated = EvidenceDates {
            dated: day("2026-05-01"),
            valid_until: day("2027-04-30"),
        };
        let sha = "ab".repeat(32);
        let attach_dated = format!(
            r#"{{"dates":{{"dated":"2026-05-01","valid_until":"2027-04-30"}},"link":7,"media_type":"application/pdf","sha256":"{sha}","size":15}}"#
        );
        let dates_set = format!(
            r#"{{"after":{{"dated":"2026-05-01","valid_until":"2027-04-30"}},"before":{{}},"file_name":"report.pdf","link":7,"sha256":"{sha}"}}"#
        );
        let attach =
            format!(r#"{{"link":7,"media_type":"application/pdf","sha256":"{sha}","size":15}}"#);
        let attach_by_snapshot = format!(
            r#"{{"link":7,"media_type":"application/pdf","sha256":"{sha}","size":15,"snapshot":3}}"#
        );
        let cases: Vec<Case<'_>> = vec![
            (
                "answer",
                None,
                None,
                None,
                HistoryEvent::Answer {
                    snapshot: None,
                    review: None,
                },
            ),
            (
                "answer",
                Some(r#"{"review":7}"#),
                None,
                None,
                HistoryEvent::Answer {
                    snapshot: None,
                    review: Some(7),
                },
            ),
            (
                "answer",
                Some(r#"{"snapshot":3}"#),
                None,
                None,
                HistoryEvent::Answer {
                    snapshot: Some(3),
                    review: None,
                },
            ),
            (
                "comment",
                None,
                None,
                None,
                HistoryEvent::Comment {
                    snapshot: None,
                    review: None,
                },
            ),
            (
                "status",
                Some(r#"{"snapshot":2}"#),
                None,
                None,
                HistoryEvent::Status { snapshot: Some(2) },
            ),
            (
                "attach",
                Some(&attach),
                None,
                Some(&pdf),
                HistoryEvent::Attach(link(None)),
            ),
            (
                "detach",
                Some(&attach),
                Some(&pdf),
                None,
                HistoryEvent::Detach(link(None)),
            ),
            (
                "attach",
                Some(&attach_dated),
                None,
                Some(&pdf),
                HistoryEvent::Attach(LinkEvent {
                    dates: dated,
                    ..link(None)
                }),
            ),
            (
                "dates",
                Some(&dates_set),
                None,
                None,
                HistoryEvent::Dates(DatesEvent {
                    link: 7,
                    file_name: "report.pdf".to_string(),
                    sha256: sha.clone(),
                    before: EvidenceDates::default(),
                    after: dated,
                }),
            ),
            (
                "detach",
                Some(&attach_by_snapshot),
                Some(&pdf),
                None,
                HistoryEvent::Detach(link(Some(3))),
            ),
            (
                "carry",
                Some(
                    r#"{"by":"text","from":"A015-02","links":[4],"reason":"same wording","reconfirm":false,"template_rev":2}"#,
                ),
                None,
                None,
                HistoryEvent::Carry(CarryEvent {
                    from: "A015-02".to_string(),
                    by: "text".to_string(),
                    reason: "same wording".to_string(),
                    template_rev: 2,
                    links: vec![4],
                    reconfirm: false,
                }),
            ),
            (
                "copy",
                Some(
                    r#"{"before":5,"from_draft":"/drafts/last year.scal","from_draft_id":"d-1","from_item":"A015-02"}"#,
                ),
                None,
                None,
                HistoryEvent::Copy(CopyEvent {
                    from_draft: "/drafts/last year.scal".to_string(),
                    from_draft_id: "d-1".to_string(),
                    from_item: "A015-02".to_string(),
                    before: 5,
                }),
            ),
            (
                "archive",
                Some(r#"{"archived":1,"links":[],"template_rev":1,"why":"removed"}"#),
                None,
                None,
                HistoryEvent::Archive(ArchiveEvent {
                    archived: 1,
                    why: "removed".to_string(),
                    template_rev: 1,
                    links: vec![],
                }),
            ),
            (
                "restore",
                Some(r#"{"archived":1,"from":"A042-01","links":[9],"template_rev":1}"#),
                None,
                None,
                HistoryEvent::Restore(RestoreEvent::OntoItem {
                    archived: 1,
                    from: "A042-01".to_string(),
                    template_rev: 1,
                    links: vec![9],
                }),
            ),
            (
                "restore",
                Some(r#"{"archived":1,"snapshot":5}"#),
                None,
                None,
                HistoryEvent::Restore(RestoreEvent::BySnapshot {
                    archived: 1,
                    snapshot: 5,
                }),
            ),
            (
                "confirm",
                Some(r#"{"old_text":"Old wording","template_rev":2}"#),
                None,
                None,
                HistoryEvent::Confirm(ConfirmEvent {
                    old_text: "Old wording".to_string(),
                    template_rev: 2,
                }),
            ),
        ];
        for (action, detail, old, new, want) in cases {
            let got = read_event(action, detail, old, new);
            assert_eq!(got.as_ref(), Some(&want), "{action} {detail:?}");
            assert_eq!(want.action().as_str(), action);
        }
        assert_eq!(
            HistoryEvent::Restore(RestoreEvent::BySnapshot {
                archived: 1,
                snapshot: 5
            })
            .snapshot(),
            Some(5)
        );
        // Not something this program writes: refused rather than guessed.
        assert_eq!(read_event("attach", Some("[1]"), None, Some(&pdf)), None);
        assert_eq!(read_event("create", None, None, None), None);
    }
}
