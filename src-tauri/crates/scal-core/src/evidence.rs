//! The dates an evidence document carries: its own date (when the report was written, the
//! certificate issued) and the date it is valid until. Both are optional; a link without them
//! is judged as before. What the completeness rules make of them is in
//! [`crate::completeness`] (`evidence_expired`, `evidence_expiring`, and the 12-month rules,
//! which take the document's own date where it is older than the answered one).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How many days before its valid-until date a document draws a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 60;

/// The two dates of one evidence link.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct EvidenceDates {
    /// The document's own date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dated: Option<NaiveDate>,
    /// The last day the document is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
}

/// Why two dates cannot be an evidence link's dates. Each names the field, as the user typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatesError {
    #[error("{field} \"{given}\" is not a date: write it as YYYY-MM-DD, e.g. 2026-05-01")]
    NotADate { field: &'static str, given: String },
    #[error("valid-until {valid_until} is before the document's date {dated}: a document cannot expire before it was written")]
    ValidUntilBeforeDated {
        dated: NaiveDate,
        valid_until: NaiveDate,
    },
}

impl EvidenceDates {
    /// The dates, refused when the valid-until date comes before the document's date.
    pub fn new(
        dated: Option<NaiveDate>,
        valid_until: Option<NaiveDate>,
    ) -> Result<EvidenceDates, DatesError> {
        if let (Some(d), Some(v)) = (dated, valid_until) {
            if v < d {
                return Err(DatesError::ValidUntilBeforeDated {
                    dated: d,
                    valid_until: v,
                });
            }
        }
        Ok(EvidenceDates { dated, valid_until })
    }

    /// Reads the two dates as a person typed them (YYYY-MM-DD; empty means none). `dated_field`
    /// and `valid_field` are what the user calls them ("--dated", "Document date"), for the
    /// sentence that refuses one.
    pub fn parse(
        dated: Option<&str>,
        valid_until: Option<&str>,
        (dated_field, valid_field): (&'static str, &'static str),
    ) -> Result<EvidenceDates, DatesError> {
        let read = |text: Option<&str>, field: &'static str| -> Result<_, DatesError> {
            match text.map(str::trim).filter(|t| !t.is_empty()) {
                None => Ok(None),
                Some(t) => {
                    crate::answer::parse_date(t)
                        .map(Some)
                        .ok_or_else(|| DatesError::NotADate {
                            field,
                            given: t.to_string(),
                        })
                }
            }
        };
        EvidenceDates::new(read(dated, dated_field)?, read(valid_until, valid_field)?)
    }

    /// The dates in words, "dated 2026-05-01" and "valid until 2027-04-30" joined by `sep`;
    /// empty when there are none.
    pub fn words(&self, sep: &str) -> String {
        let mut parts = Vec::new();
        if let Some(d) = self.dated {
            parts.push(format!("dated {d}"));
        }
        if let Some(d) = self.valid_until {
            parts.push(format!("valid until {d}"));
        }
        parts.join(sep)
    }

    pub fn is_empty(&self) -> bool {
        self.dated.is_none() && self.valid_until.is_none()
    }

    /// Expired on `today`: its last valid day is before it.
    pub fn expired(&self, today: NaiveDate) -> bool {
        self.valid_until.is_some_and(|v| v < today)
    }

    /// Days from `today` to the valid-until date, when that is within the warning window (0 on
    /// the last valid day).
    pub fn expires_within_warning(&self, today: NaiveDate) -> Option<i64> {
        let v = self.valid_until?;
        let days = (v - today).num_days();
        (0..=EXPIRY_WARNING_DAYS).contains(&days).then_some(days)
    }
}

/// One dated file linked to an item, as the completeness rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedFile {
    pub file_name: String,
    pub dates: EvidenceDates,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_valid_until_before_the_documents_date_is_refused_naming_both() {
        let e = EvidenceDates::new(Some(d("2026-05-01")), Some(d("2026-04-30"))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "valid-until 2026-04-30 is before the document's date 2026-05-01: a document cannot expire before it was written"
        );
        assert!(EvidenceDates::new(Some(d("2026-05-01")), Some(d("2026-05-01"))).is_ok());
    }

    #[test]
    fn text_that_is_not_a_date_is_refused_naming_the_field() {
        let e = EvidenceDates::parse(Some("31/04/2026"), None, ("--dated", "--valid-until"))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "--dated \"31/04/2026\" is not a date: write it as YYYY-MM-DD, e.g. 2026-05-01"
        );
        let e = EvidenceDates::parse(None, Some("2027-02-30"), ("--dated", "--valid-until"))
            .unwrap_err();
        assert!(e.to_string().starts_with("--valid-until \"2027-02-30\""));
        let none = EvidenceDates::parse(Some(" "), None, ("a", "b")).unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn expiry_counts_the_last_valid_day_as_valid() {
        let dates = EvidenceDates::new(None, Some(d("2027-04-30"))).unwrap();
        assert!(!dates.expired(d("2027-04-30")));
        assert!(dates.expired(d("2027-05-01")));
        assert_eq!(dates.expires_within_warning(d("2027-04-30")), Some(0));
        assert_eq!(dates.expires_within_warning(d("2027-03-01")), Some(60));
        assert_eq!(dates.expires_within_warning(d("2027-02-28")), None);
        assert_eq!(dates.expires_within_warning(d("2027-05-01")), None);
    }
}
