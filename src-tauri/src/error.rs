//! Errors as the UI receives them: `{code, message}`. A code is set only where the UI branches
//! on it; everything else is a sentence to show.

use crate::dto::CmdError;

/// The codes the UI acts on.
pub mod code {
    /// The value typed for an item was refused: shown next to that item.
    pub const INVALID_ANSWER: &str = "invalid_answer";
    /// The draft is open in another window or command: the UI offers to review it read-only.
    pub const ALREADY_OPEN: &str = "already_open";
    /// A section cannot be marked Complete: the UI lists the section's blocking issues.
    pub const SECTION_NOT_READY: &str = "section_not_ready";
}

impl CmdError {
    pub fn new(message: impl Into<String>) -> CmdError {
        CmdError {
            code: None,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for CmdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<scal_store::StoreError> for CmdError {
    fn from(e: scal_store::StoreError) -> CmdError {
        let code = match &e {
            scal_store::StoreError::Core(_) => Some(code::INVALID_ANSWER),
            scal_store::StoreError::AlreadyOpen { .. } => Some(code::ALREADY_OPEN),
            scal_store::StoreError::SectionNotReady { .. } => Some(code::SECTION_NOT_READY),
            _ => None,
        };
        CmdError {
            code: code.map(str::to_string),
            message: capitalise(&e.to_string()),
        }
    }
}

impl From<scal_app::AppError> for CmdError {
    fn from(e: scal_app::AppError) -> CmdError {
        match e {
            scal_app::AppError::Store(e) => e.into(),
            e => CmdError::new(capitalise(&e.to_string())),
        }
    }
}

impl From<scal_core::CoreError> for CmdError {
    fn from(e: scal_core::CoreError) -> CmdError {
        CmdError {
            code: Some(code::INVALID_ANSWER.to_string()),
            message: capitalise(&e.to_string()),
        }
    }
}

impl From<scal_core::DatesError> for CmdError {
    fn from(e: scal_core::DatesError) -> CmdError {
        CmdError::new(capitalise(&e.to_string()))
    }
}

/// Library messages start in lower case so they can be embedded; shown alone, a sentence starts
/// with a capital.
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub type CmdResult<T> = Result<T, CmdError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_answer_carries_the_code_the_ui_shows_next_to_the_item() {
        let e: CmdError = scal_core::CoreError::BadEmail {
            item: "cso-email".into(),
            value: "nobody".into(),
        }
        .into();
        assert_eq!(e.code.as_deref(), Some(code::INVALID_ANSWER));
        assert!(
            e.message
                .starts_with("\"nobody\" is not an email address for item \"cso-email\""),
            "{}",
            e.message
        );
    }

    #[test]
    fn dates_that_cannot_be_together_are_refused_in_the_cores_sentence() {
        let e: CmdError = scal_core::EvidenceDates::parse(
            Some("2026-05-01"),
            Some("2026-01-01"),
            ("Document dated", "Valid until"),
        )
        .unwrap_err()
        .into();
        assert_eq!(e.code, None);
        assert_eq!(
            e.message,
            "Valid-until 2026-01-01 is before the document's date 2026-05-01: a document cannot expire before it was written"
        );
    }

    #[test]
    fn errors_cross_as_code_and_message() {
        let json = serde_json::to_value(CmdError::new("Something went wrong.")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": null, "message": "Something went wrong."})
        );
    }
}
