//! The use cases of SCAL Workbench, once, for both faces.
//!
//! The desktop shell (`scal-workbench`) and the command line (`scal`) each parse their own
//! input (IPC messages, argv) and render their own output (DTOs for the UI, text or JSON); every
//! decision in between lives here, so the two cannot disagree:
//!
//! - [`open`]: how a draft is opened (to edit, to review, read-only) and why it is read-only;
//! - [`source`]: where a template comes from (bundled id, template file, NHS workbook), read
//!   with one size cap, and the workbook an imported template needs;
//! - [`ops`]: every write the faces offer (answer, status, attach, detach, export, review,
//!   sign-off …), each returning what the face shows next;
//! - [`summary`]: the one after-write summary (report, changed since the last export, sign-off
//!   staleness), computed from one read of the answers;
//! - [`diff`]: which two states are compared (snapshot, latest, now) and the diff grouped by
//!   section in template order;
//! - [`upgrade`]: the upgrade report's groups, their titles, explanations and order;
//! - [`review_import`]: the assessor's returned workbook, recognised by what this draft wrote,
//!   brought back as review threads and proposed changes;
//! - [`names`]: what a person calls a section or an item, and finding one by what they typed;
//! - [`sample`]: the sample draft the app opens on first launch.
//!
//! Library crates below: `scal-core` (the rules, pure), `scal-store` (the draft file),
//! `scal-export` (the submission pack), `scal-workbook` (the NHS workbook). Nothing here draws,
//! prints or knows about IPC.

pub mod diff;
pub mod dto;
mod error;
pub mod names;
pub mod open;
pub mod ops;
pub mod review_import;
pub mod sample;
pub mod source;
pub mod summary;
pub mod upgrade;

pub use error::AppError;
pub use open::{Mode, Opened};
pub use summary::{Changed, Summary};

/// Results of this crate.
pub type AppResult<T> = Result<T, AppError>;
