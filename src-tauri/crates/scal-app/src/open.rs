//! Opening a draft: the one policy both faces follow.
//!
//! - **Edit**: answers, evidence, statuses can change; one writer at a time (the store's lock).
//! - **Review**: a reviewer comments and signs off, which needs a writable file; answers cannot
//!   change.
//! - **Read-only**: nothing in the file is altered (a diff, a listing, a file that cannot be
//!   written).
//!
//! [`open_as_asked`] is what a person gets who asks to review a draft: where the file cannot be
//! written it still opens, read-only, and says why. [`open`] opens exactly as asked (the CLI's
//! commands, which fail rather than do less than they were told).

use std::path::Path;

use scal_store::{Draft, NewWorkbook, StoreError};

use crate::source::TemplateText;
use crate::AppResult;

/// How a draft is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Edit,
    Review,
    ReadOnly,
}

/// A draft as opened, with why it cannot be changed when it cannot (empty when it can).
pub struct Opened {
    pub draft: Draft,
    pub read_only_reason: String,
}

/// Why a draft opened for review cannot change its answers.
pub const REVIEW_REASON: &str = "comment and sign off; answers cannot be changed.";
/// Why a draft whose file cannot be written cannot change at all.
pub const UNWRITABLE_REASON: &str = "the file cannot be written, so nothing can be changed.";

/// Opens `path` exactly as `mode` says.
pub fn open(path: &Path, mode: Mode) -> AppResult<Draft> {
    Ok(match mode {
        Mode::Edit => Draft::open(path)?,
        Mode::Review => Draft::open_for_review(path)?,
        Mode::ReadOnly => Draft::open_read_only(path)?,
    })
}

/// Opens `path` to write an output from it (a fill), so the draft records the file it wrote and
/// may replace it next time; a draft that cannot be written to (a read-only file, one that needs
/// recovery first) is still read, and records nothing.
pub fn for_output(path: &Path) -> AppResult<Draft> {
    match Draft::open(path) {
        Err(StoreError::NotWritable { .. } | StoreError::NeedsRecovery { .. }) => {
            Ok(Draft::open_read_only(path)?)
        }
        opened => Ok(opened?),
    }
}

/// Opens `path` as a person asked: to edit, or (with `review`) to review — and a file that
/// cannot be written, read-only, with the reason.
pub fn open_as_asked(path: &Path, review: bool) -> AppResult<Opened> {
    if !review {
        return Ok(Opened {
            draft: Draft::open(path)?,
            read_only_reason: String::new(),
        });
    }
    let writable = std::fs::metadata(path).is_ok_and(|m| !m.permissions().readonly());
    Ok(if writable {
        Opened {
            draft: Draft::open_for_review(path)?,
            read_only_reason: REVIEW_REASON.to_string(),
        }
    } else {
        Opened {
            draft: Draft::open_read_only(path)?,
            read_only_reason: UNWRITABLE_REASON.to_string(),
        }
    })
}

/// Creates a new draft at `path` from `template` (and the workbook it was imported from, kept
/// in the draft to be filled in place). Never replaces a file: the store refuses a path that
/// exists.
pub fn create(path: &Path, template: &TemplateText, author: &str) -> AppResult<Draft> {
    Ok(match &template.workbook {
        Some((file_name, bytes)) => Draft::create_from_workbook(
            path,
            &template.json,
            NewWorkbook { file_name, bytes },
            author,
        )?,
        None => Draft::create(path, &template.json, author)?,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failing test")]

    use super::*;

    fn sample(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("d.scal");
        let t = crate::source::bundled(&scal_core::bundled_templates()[0].id).unwrap();
        create(&path, &t, "Ada").unwrap();
        path
    }

    #[test]
    fn a_review_of_a_file_that_cannot_be_written_opens_read_only_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let path = sample(dir.path());
        let o = open_as_asked(&path, true).unwrap();
        assert!(o.draft.is_review());
        assert_eq!(o.read_only_reason, REVIEW_REASON);
        drop(o);
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&path, perms).unwrap();
        let o = open_as_asked(&path, true).unwrap();
        assert!(o.draft.is_read_only());
        assert_eq!(o.read_only_reason, UNWRITABLE_REASON);
    }

    #[test]
    fn editing_opens_writable_with_no_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = sample(dir.path());
        let o = open_as_asked(&path, false).unwrap();
        assert!(!o.draft.is_read_only());
        assert!(o.read_only_reason.is_empty());
    }
}
