//! The SCAL domain: templates, answers and the completeness rules.
//!
//! Invariant: this crate does no IO. Everything here is a pure function of its inputs (today's
//! date included, passed in), so every rule can be tested with plain data.

pub mod answer;
pub mod answers_file;
pub mod bundled;
pub mod completeness;
pub mod diff;
pub mod error;
pub mod evidence;
pub mod load;
pub mod template;
pub mod text;
pub mod upgrade;

pub use answer::{Answer, Answers, Value};
pub use bundled::{bundled_template, bundled_template_json, bundled_templates};
pub use completeness::{
    check, check_for, visible_items, CommentKind, CommentNeed, DraftState, EvidenceNeed, Issue,
    ItemNeeds, Profile, Progress, Report, SectionProgress, Severity,
};
pub use error::CoreError;
pub use evidence::{DatedFile, DatesError, EvidenceDates};
pub use load::{load_template, TemplateErrors, TemplateProblem};
pub use template::{Item, ItemKind, Level, Section, SectionKind, Template};
