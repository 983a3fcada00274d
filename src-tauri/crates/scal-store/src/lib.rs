//! The draft file: one SQLite file per SCAL draft (`*.scal`), self-contained so it can be
//! emailed, backed up or opened on another machine.
//!
//! What it holds: the template snapshot the draft was created from, the answers (every change
//! also in an append-only history), evidence as content-addressed blobs streamed in fixed-size
//! chunks, section statuses, a record of every export with a snapshot of what it exported,
//! snapshots on demand, review comments and the sign-off.
//!
//! Invariants, each enforced here rather than by callers:
//! - every value passes `scal_core::answer::normalize` before it is written;
//! - a call that returned `Ok` has been fsynced (WAL, `synchronous=FULL`);
//! - one `Draft` at a time per file, across processes (`locking_mode=EXCLUSIVE`);
//! - history rows cannot be changed or deleted (SQLite triggers);
//! - an evidence link only ever names a complete blob whose SHA-256 was computed as it was
//!   written;
//! - a draft from a newer version is refused before SQLite touches it.

mod copy;
mod draft;
mod error;
mod evidence;
pub mod fsutil;
mod media;
mod outputs;
mod review;
mod review_import;
pub mod schema;
mod signoff;
mod snapshot;
mod upgrade;

use scal_core::{Answers, EvidenceDates, Value};
use sha2::{Digest, Sha256};

pub use copy::CopyReport;
pub use draft::{
    ArchiveEvent, CarryEvent, ConfirmEvent, CopyEvent, DatesEvent, Draft, HistoryAction,
    HistoryEntry, HistoryEvent, LinkEvent, NewWorkbook, RestoreEvent,
};
pub use error::StoreError;
pub use evidence::BlobReader;
pub use media::media_type_for;
pub use outputs::{hash_file, OutputRefused, OutputRule, PlaceError, WrittenFile};
pub use review::{ReviewComment, ReviewThread};
pub use review_import::{
    ImportedRemark, ProposedChange, ProposedField, ReviewImport, ReviewImportInfo,
    ReviewImportOutcome, ReviewKind, WorkbookKind, WrittenCell, WrittenRecord, WrittenWorkbook,
};
pub use signoff::{Signoff, SignoffStatus};
pub use snapshot::{RestoreOutcome, SnapshotInfo, SnapshotLink, SnapshotReason, SnapshotState};
pub use upgrade::{ArchivedAnswer, Reconfirmation, Restored, UpgradeReport};

/// The NHS workbook an imported template was read from, kept in the draft byte for byte so that
/// it can be filled in place. Its bytes: `Draft::blob_reader(&sha256)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceWorkbook {
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
}

/// One template a draft has been answered against. Revision 1 is the template it was created
/// from; an upgrade adds the next. The newest is in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRevision {
    pub rev: i64,
    pub template_id: String,
    pub template_version: String,
    pub stored_at: String,
    pub stored_by: String,
    pub workbook: Option<SourceWorkbook>,
}

/// A change to one item's answer. `value`: `None` leaves it as it is, `Some(None)` clears it,
/// `Some(Some(v))` sets it (after `normalize`). `comment`: `None` leaves it as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerChange {
    pub value: Option<Option<Value>>,
    pub comment: Option<String>,
}

impl AnswerChange {
    pub fn set(value: Value) -> AnswerChange {
        AnswerChange {
            value: Some(Some(value)),
            comment: None,
        }
    }

    pub fn clear() -> AnswerChange {
        AnswerChange {
            value: Some(None),
            comment: None,
        }
    }

    pub fn comment(comment: impl Into<String>) -> AnswerChange {
        AnswerChange {
            value: None,
            comment: Some(comment.into()),
        }
    }
}

/// What an evidence link says of its file: the content's address and size, and the name, type,
/// time and person it was attached with. The one shape every holder of a link uses: a live link
/// ([`EvidenceLink`]), a link a snapshot holds ([`SnapshotLink`]), the evidence kept with an
/// archived answer ([`ArchivedAnswer::evidence`]); two links name the same file exactly when
/// their `LinkedFile`s are equal.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct LinkedFile {
    /// Lower-case hex SHA-256 of the content: the blob's address.
    pub sha256: String,
    pub size: u64,
    /// The name the file had when attached (no folder).
    pub file_name: String,
    pub media_type: String,
    /// RFC 3339 UTC.
    pub added_at: String,
    pub added_by: String,
}

/// One file linked to one item of the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceLink {
    /// The link's own id: what detach takes.
    pub id: i64,
    pub item: String,
    pub file: LinkedFile,
    /// The document's own date and the date it is valid until, where given.
    pub dates: EvidenceDates,
}

impl EvidenceLink {
    /// The link as a snapshot holds it (no id: a restore links the content again).
    pub fn held(&self) -> SnapshotLink {
        SnapshotLink {
            item: self.item.clone(),
            file: self.file.clone(),
            dates: self.dates,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionStatus {
    /// "In Progress" | "Complete".
    pub status: String,
    pub at: String,
    pub by: String,
}

/// One export of the draft: when, where, which files (name, sha256, size) and the digest of
/// the answers at that moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportRecord {
    /// Assigned by `record_export`; ignored on the way in.
    pub id: i64,
    /// RFC 3339 UTC; `record_export` fills it with the current time when empty.
    pub at: String,
    pub out_dir: String,
    pub files: Vec<(String, String, u64)>,
    pub answers_digest: String,
    pub tool_version: String,
    /// The cells of the workbooks the export wrote (recorded with it; not read back by
    /// `Draft::exports`: see `Draft::written_workbooks`).
    pub written: Vec<WrittenWorkbook>,
}

/// Who is making changes: `SCAL_AUTHOR`, else the login name (`USER` / `USERNAME`), else
/// "unknown".
pub fn default_author() -> String {
    author_from(|var| std::env::var(var).ok())
}

/// [`default_author`] with the environment given as a lookup, so that it can be tested without
/// changing the process's environment (which would race with every other test reading it).
fn author_from(lookup: impl Fn(&str) -> Option<String>) -> String {
    ["SCAL_AUTHOR", "USER", "USERNAME"]
        .iter()
        .filter_map(|var| lookup(var))
        .map(|s| s.trim().to_string())
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// SHA-256 (lower-case hex) of a canonical JSON of all answers: an array, in item order, of
/// `[item, value, comment]` with `value` a string, a list of strings or null. Arrays rather than
/// objects so the text cannot depend on how a JSON library orders keys. Equal answers give an
/// equal digest; any change to a value or comment changes it.
pub fn answers_digest(answers: &Answers) -> String {
    let rows: Vec<serde_json::Value> = answers
        .iter()
        .map(|(item, answer)| {
            serde_json::Value::Array(vec![
                serde_json::Value::String(item.clone()),
                value_to_json(answer.value.as_ref()),
                serde_json::Value::String(answer.comment.clone()),
            ])
        })
        .collect();
    let canonical = serde_json::Value::Array(rows).to_string();
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

pub(crate) fn value_to_json(value: Option<&Value>) -> serde_json::Value {
    match value {
        None => serde_json::Value::Null,
        Some(Value::One(s)) => serde_json::Value::String(s.clone()),
        Some(Value::Many(v)) => {
            serde_json::Value::Array(v.iter().cloned().map(serde_json::Value::String).collect())
        }
    }
}

#[cfg(test)]
mod author_tests {
    use super::author_from;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_string())
        }
    }

    #[test]
    fn the_author_is_scal_author_then_the_login_name_then_unknown() {
        let both = [("SCAL_AUTHOR", "  Pat Jones "), ("USER", "pjones")];
        assert_eq!(author_from(env(&both)), "Pat Jones");
        let blank = [("SCAL_AUTHOR", ""), ("USER", "pjones")];
        assert_eq!(author_from(env(&blank)), "pjones");
        assert_eq!(author_from(env(&[("USERNAME", "PJ")])), "PJ");
        assert_eq!(author_from(env(&[])), "unknown");
    }
}
