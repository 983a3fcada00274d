//! The SCAL template: what a SCAL asks, in which sections, with which responses allowed.
//!
//! A template is a JSON document checked against `schemas/scal-template.schema.json` and then
//! against the rules a schema cannot express (unique ids, conditions that name real items).
//! It is a file format, so its types are (de)serialisable here by design.

use serde::{Deserialize, Serialize};

/// The response that stands in an unanswered dropdown ("Please select…"). Never an answer.
pub const DEFAULT_PLACEHOLDER: &str = "Please select\u{2026}";

/// The value that means a requirement does not apply to this product.
pub const OUT_OF_SCOPE: &str = "Out of Scope";
/// The choice that opens a free-text "please state" box when a choice allows it.
pub const OTHER: &str = "Other";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    /// Stable identifier, e.g. `uec-appointment-booking`.
    pub id: String,
    /// Semantic version of the template, e.g. `1.2.0`.
    pub version: String,
    pub title: String,
    pub publisher: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// What every dropdown shows before an answer is chosen. Never counts as an answer.
    #[serde(default = "default_placeholder")]
    pub placeholder: String,
    pub sections: Vec<Section>,
    /// Where the template came from when it was imported from a workbook (sheet/cell map).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<serde_json::Value>,
}

fn default_placeholder() -> String {
    DEFAULT_PLACEHOLDER.to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Label | guidance | response: supplier & product information, IG, clinical safety.
    Form,
    /// A technical conformance tab: status, evidence slots, declarations, requirements table.
    Service,
    /// Read-and-acknowledge guidance, e.g. Architecture.
    Guidance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub kind: SectionKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The section carries a Status cell (In Progress / Complete).
    #[serde(default)]
    pub has_status: bool,
    /// Answered once and reused across a supplier's SCALs (organisation, IG, clinical safety).
    #[serde(default)]
    pub shared: bool,
    /// The whole section is asked only when this holds (e.g. a service tab only when the
    /// services grid says the product uses that service). Its items inherit the condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<Condition>,
    /// The columns of the requirements table, in the order the workbook shows them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<Column>,
    pub items: Vec<Item>,
}

/// One column of a requirements table: which requirement field it shows, under which header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub field: ColumnField,
    pub header: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnField {
    Reference,
    Category,
    Label,
    Text,
    Guidance,
    HowAssessed,
    Level,
    ActionedBy,
    TestCases,
    EvidenceExpected,
    Response,
    Comment,
    ImplementationReference,
    TestReference,
    Evidence,
    Reviewer,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Unique within the template; what `scal answer DRAFT ITEM` names.
    pub id: String,
    /// Short name: the field label, the declaration's Item, the requirement's Item.
    pub label: String,
    /// The question, declaration or requirement text (the workbook's "Detail").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Help for the person answering (the workbook's "Guidance" / help text).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub guidance: String,
    /// Whether an answer is needed before submission (when the item is visible).
    #[serde(default = "yes")]
    pub required: bool,
    /// Shown (and so asked) only when this condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<Condition>,
    #[serde(flatten)]
    pub kind: ItemKind,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ItemKind {
    Text,
    LongText,
    Email,
    OdsCode,
    Version,
    Date {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule: Option<DateRule>,
    },
    Choice {
        options: Vec<String>,
        /// Offers "Other" with a "please state" text.
        #[serde(default)]
        other: bool,
    },
    MultiChoice {
        options: Vec<String>,
        #[serde(default)]
        other: bool,
    },
    /// A Yes/No question; follow-ups hang off it with `visible_when`.
    YesNo {
        /// Answering "No" needs a comment (the workbook's "Comments ONLY IF RESPONSE IS 'NO'").
        #[serde(default)]
        comment_when_no: bool,
    },
    /// A repeated declaration: Yes/No, with mitigation required when "No".
    Declaration {
        #[serde(default = "yes_no")]
        options: Vec<String>,
    },
    Requirement(Requirement),
    /// Guidance only: nothing to answer, or (with `acknowledge`) read and acknowledged.
    Guidance {
        #[serde(default)]
        acknowledge: bool,
        /// A heading that groups the rows after it (e.g. an endpoint heading).
        #[serde(default)]
        heading: bool,
    },
    /// A place for a document: Technical Conformance Report / Certificate.
    EvidenceSlot,
}

fn yes_no() -> Vec<String> {
    vec!["Yes".into(), "No".into()]
}

fn requirement_options() -> Vec<String> {
    vec!["Yes".into(), "No".into(), OUT_OF_SCOPE.into()]
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// The requirement ID shown in the workbook (`GPC-SFS-02`, `A028-01`); absent on some rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub category: String,
    pub level: Level,
    /// How the requirement will be assessed, in the template's words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub how_assessed: String,
    #[serde(default)]
    pub assessment: Assessment,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub actioned_by: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test_cases: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence_expected: String,
    /// Who the row applies to, e.g. `consumer` or `provider`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<String>,
    #[serde(default = "requirement_options")]
    pub options: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    #[serde(rename = "MUST")]
    Must,
    #[serde(rename = "SHOULD")]
    Should,
    #[serde(rename = "MAY")]
    May,
    Action,
    Info,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
            Level::Action => "Action",
            Level::Info => "Info",
        }
    }
}

/// How a requirement is assessed, which decides what must accompany a "Yes".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assessment {
    /// The supplier declares compliance; the answer suffices.
    #[default]
    SupplierDeclared,
    /// The supplier writes a statement: the comment must hold it.
    SupplierStatement,
    /// Tests run; evidence must be linked to the row.
    Evidence,
    /// Covered by the Technical Conformance Report: evidence on the row or in a slot of its section.
    ConformanceReport,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateRule {
    /// No older than 12 months on the day of checking (DSPT "Standards Met", pen test).
    // snake_case alone would spell it `within12_months`; the schema and templates say this.
    #[serde(rename = "within_12_months")]
    Within12Months,
    /// Within the current UK financial year, 1 April to 31 March.
    CurrentFinancialYear,
    /// Not in the future (a signature date).
    NotFuture,
}

/// An item is shown when another item's answer equals a value, or is one of several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub item: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_of: Vec<String>,
}

impl Template {
    pub fn items(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }

    pub fn item(&self, id: &str) -> Option<(&Section, &Item)> {
        self.items().find(|(_, i)| i.id == id)
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }
}

impl Item {
    /// The name the item goes by in the workbook's type column, and in `scal show --json`.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            ItemKind::Text => "text",
            ItemKind::LongText => "long_text",
            ItemKind::Email => "email",
            ItemKind::OdsCode => "ods_code",
            ItemKind::Version => "version",
            ItemKind::Date { .. } => "date",
            ItemKind::Choice { .. } => "choice",
            ItemKind::MultiChoice { .. } => "multi_choice",
            ItemKind::YesNo { .. } => "yes_no",
            ItemKind::Declaration { .. } => "declaration",
            ItemKind::Requirement(_) => "requirement",
            ItemKind::Guidance { .. } => "guidance",
            ItemKind::EvidenceSlot => "evidence_slot",
        }
    }

    /// The allowed responses, "Other" included where the item offers it; empty for free text.
    pub fn options(&self) -> Vec<String> {
        match &self.kind {
            ItemKind::Choice { options, other } | ItemKind::MultiChoice { options, other } => {
                let mut all = options.clone();
                if *other && !all.iter().any(|o| o == OTHER) {
                    all.push(OTHER.to_string());
                }
                all
            }
            ItemKind::YesNo { .. } => yes_no(),
            ItemKind::Declaration { options } => options.clone(),
            ItemKind::Requirement(r) => r.options.clone(),
            ItemKind::Guidance {
                acknowledge: true, ..
            } => vec![ACKNOWLEDGED.to_string()],
            _ => Vec::new(),
        }
    }

    /// Whether the item takes an answer at all (guidance without acknowledgement and evidence
    /// slots do not: a slot is filled by attaching a file).
    pub fn is_answerable(&self) -> bool {
        match &self.kind {
            ItemKind::Guidance { acknowledge, .. } => *acknowledge,
            ItemKind::EvidenceSlot => false,
            _ => true,
        }
    }

    pub fn requirement(&self) -> Option<&Requirement> {
        match &self.kind {
            ItemKind::Requirement(r) => Some(r),
            _ => None,
        }
    }
}

/// The one answer an acknowledged guidance row takes.
pub const ACKNOWLEDGED: &str = "Acknowledged";
