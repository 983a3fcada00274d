//! Everything that can go wrong with a draft file, each as one sentence a person understands,
//! naming the file (and the item, where there is one).

use std::path::PathBuf;

use rusqlite::ErrorCode;
use scal_core::text::{io_reason, io_write_reason, user_path};
use scal_core::{CoreError, TemplateErrors};

use crate::schema::SCHEMA_VERSION;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("{} is not a SCAL draft ({reason})", path.display())]
    NotADraft { path: PathBuf, reason: String },

    #[error(
        "{} was written by a newer SCAL Workbench (draft format {found}; this version reads up to {supported}): open it with a newer version",
        path.display()
    )]
    NewerFormat {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "{} uses an older draft format ({found}; this version writes {SCHEMA_VERSION}): open it once for editing to bring it up to date, then review it",
        path.display()
    )]
    OlderFormat { path: PathBuf, found: i64 },

    #[error("{} is already open in another SCAL Workbench window or command", path.display())]
    AlreadyOpen { path: PathBuf },

    #[error("{} already exists: choose another name", path.display())]
    AlreadyExists { path: PathBuf },

    #[error("could not create {}: {}", path.display(), io_write_reason(source))]
    CannotCreate {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{} does not exist", path.display())]
    NotFound { path: PathBuf },

    #[error("{} is open for review only, so it cannot be changed", path.display())]
    ReadOnly { path: PathBuf },

    #[error(
        "{} is open for review: its answers, evidence and statuses cannot be changed, only review comments and the sign-off",
        path.display()
    )]
    ReviewOnly { path: PathBuf },

    #[error(
        "{} cannot be changed because the file or its folder is read-only: open it for review, or copy it somewhere you can write",
        path.display()
    )]
    NotWritable { path: PathBuf },

    #[error(
        "{} was not closed properly and cannot be opened where it is, because the file or its folder is read-only: copy it somewhere you can write and open it there",
        path.display()
    )]
    NeedsRecovery { path: PathBuf },

    #[error("{} is damaged ({detail}): restore it from a backup", path.display())]
    Damaged { path: PathBuf, detail: String },

    #[error("{} cannot be saved: the disk is full; free some space and try again", path.display())]
    DiskFull { path: PathBuf },

    #[error("the template for {} is not valid: {source}", path.display())]
    Template {
        path: PathBuf,
        source: TemplateErrors,
    },

    /// What the core refused: a value or comment (`scal_core::answer::normalize`; the message
    /// names the item), or sections to copy that one of the drafts lacks (the message names the
    /// section and the draft).
    #[error("{0}")]
    Core(#[from] CoreError),

    #[error("there is no section \"{section}\" in the template of {}", path.display())]
    UnknownSection { path: PathBuf, section: String },

    #[error("section \"{section}\" of {} has no status to set", path.display())]
    SectionHasNoStatus { path: PathBuf, section: String },

    #[error(
        "\"{status}\" is not a status for section \"{section}\" of {}: use In Progress or Complete",
        path.display()
    )]
    NotAStatus {
        path: PathBuf,
        section: String,
        status: String,
    },

    /// "Complete" refused: `reasons` are the section's blocking issues, each a sentence.
    #[error(
        "section \"{title}\" ({section}) of {} cannot be marked Complete while it has {}: {}",
        path.display(),
        count_of(reasons.len(), "blocking issue", "blocking issues"),
        first_reasons(reasons)
    )]
    SectionNotReady {
        path: PathBuf,
        section: String,
        title: String,
        reasons: Vec<String>,
    },

    #[error("{} holds no evidence with SHA-256 {sha256}", path.display())]
    NoSuchEvidence { path: PathBuf, sha256: String },

    #[error("{} has no evidence link {link_id}", path.display())]
    NoSuchLink { path: PathBuf, link_id: i64 },

    /// A path given to be read that is a named pipe, a folder, a device...: refused before it
    /// is opened (a named pipe would make the open wait forever). `wanted` is what to give.
    #[error("{}", scal_core::text::not_a_regular_file_sentence(path, kind, wanted))]
    NotARegularFile {
        path: PathBuf,
        kind: &'static str,
        wanted: &'static str,
    },

    #[error("\"{name}\" cannot be used as an evidence file name: {why}")]
    BadFileName { name: String, why: &'static str },

    #[error("{} already uses template {template} {version}: there is nothing to upgrade", path.display())]
    AlreadyAtTemplate {
        path: PathBuf,
        template: String,
        version: String,
    },

    #[error(
        "{file_name} is not the workbook template {template} {version} was imported from \
         ({source_name}): their SHA-256 differ"
    )]
    NotTheTemplateWorkbook {
        file_name: String,
        template: String,
        version: String,
        source_name: String,
    },

    #[error("{} has no archived answer {id}: `scal archived` lists them", path.display())]
    NoSuchArchivedAnswer { path: PathBuf, id: i64 },

    #[error("archived answer {id} of {} was already restored, to item \"{to}\"", path.display())]
    AlreadyRestored { path: PathBuf, id: i64, to: String },

    #[error(
        "item \"{item}\" of {} already holds {what}: clear it first, so that restoring overwrites nothing",
        path.display()
    )]
    RestoreWouldOverwrite {
        path: PathBuf,
        item: String,
        what: &'static str,
    },

    #[error("item \"{item}\" of {} has no carried answer waiting to be re-confirmed", path.display())]
    NothingToConfirm { path: PathBuf, item: String },

    #[error("could not write out evidence {sha256}: {}", io_reason(source))]
    WriteOut {
        sha256: String,
        source: std::io::Error,
    },

    #[error("{} has no snapshot {id}: `scal snapshots` lists them", path.display())]
    NoSuchSnapshot { path: PathBuf, id: i64 },

    #[error("a snapshot label can be at most {max} characters (this one has {len})")]
    LabelTooLong { len: usize, max: usize },

    #[error("{} has no review comment {id}: `scal reviews` lists them", path.display())]
    NoSuchReviewComment { path: PathBuf, id: i64 },

    #[error("there is no item or section \"{id}\" in the template of {}", path.display())]
    UnknownItemOrSection { path: PathBuf, id: String },

    #[error("a review comment cannot be empty")]
    EmptyReviewComment,

    #[error("comment {id} is a remark, not a proposed change: there is nothing to accept (reply to it, or resolve it)")]
    NotAProposedChange { id: i64 },

    #[error(
        "comment {id} is on \"{thread_item}\", not \"{item}\": a reply goes on the item of the comment it answers"
    )]
    ReplyOnOtherItem {
        id: i64,
        item: String,
        thread_item: String,
    },

    #[error("a sign-off cannot be dated in the future: {date} is after today, {today}")]
    SignoffInFuture { date: String, today: String },

    #[error("a sign-off needs a {what}")]
    SignoffFieldMissing { what: &'static str },

    #[error("the sign-off {what} can be at most {max} characters (this one has {len})")]
    SignoffFieldTooLong {
        what: &'static str,
        len: usize,
        max: usize,
    },

    #[error("could not read or write {}: {}", user_path(path).display(), io_reason(source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{} could not be read or written ({source})", user_path(path).display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },

    /// An output that would replace a file of the user's (see `OutputRule`).
    #[error("{0}")]
    Output(#[from] crate::outputs::OutputRefused),
}

/// How many reasons a refusal names before "and N more": enough to act on, short enough to read
/// on one line.
const REASONS_SHOWN: usize = 3;

fn count_of(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn first_reasons(reasons: &[String]) -> String {
    let mut text = reasons
        .iter()
        .take(REASONS_SHOWN)
        .map(|r| r.trim().trim_end_matches('.'))
        .collect::<Vec<_>>()
        .join("; ");
    if reasons.len() > REASONS_SHOWN {
        text.push_str(&format!("; and {} more", reasons.len() - REASONS_SHOWN));
    }
    text.push('.');
    text
}

impl StoreError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> StoreError {
        let path = path.into();
        if matches!(
            source.kind(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
        ) {
            return StoreError::DiskFull {
                path: user_path(&path),
            };
        }
        StoreError::Io { path, source }
    }

    /// Turns an SQLite failure into the sentence a user needs: a lock held elsewhere, a damaged
    /// file, a full disk or a read-only file each get their own; the rest keep SQLite's words.
    pub(crate) fn sqlite(path: impl Into<PathBuf>, source: rusqlite::Error) -> StoreError {
        let path = path.into();
        match source.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                StoreError::AlreadyOpen { path }
            }
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Damaged {
                path,
                detail: "its SQLite structure is broken".to_string(),
            },
            Some(ErrorCode::NotADatabase) => StoreError::NotADraft {
                path,
                reason: "it is not an SQLite database".to_string(),
            },
            Some(ErrorCode::DiskFull) => StoreError::DiskFull { path },
            Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => {
                StoreError::NotWritable { path }
            }
            _ => StoreError::Sqlite { path, source },
        }
    }
}
