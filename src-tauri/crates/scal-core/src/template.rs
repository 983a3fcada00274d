//! The SCAL template: what a SCAL asks, in which sections, with which responses allowed.
//!
//! A template is a JSON document checked against `schemas/scal-template.schema.json` and then
//! against the rules a schema cannot express (unique ids, conditions that name real items).
//! It is a file format, so its types are (de)serialisable here by design.

use crate::CoreError;
use std::collections::BTreeMap;

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
    /// The NHS workbook the template was imported from, and where each section and item lives
    /// in it, so that answers can be written back into that very file (`scal fill`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<WorkbookSource>,
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
        /// The evidence slot holding the document this date is about (the penetration test
        /// letter for the test's date): the documents' own dates are held to the same rule.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<String>,
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
    /// A repeated declaration: Yes/No, with mitigation required when "No" (or whatever
    /// response means [`Meaning::NotMet`] or [`Meaning::PartlyMet`]).
    Declaration {
        #[serde(default = "yes_no")]
        options: Vec<String>,
        /// What each response means, where the template says so; a response absent here has
        /// the meaning [`Meaning::infer`] gives its words.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        meanings: BTreeMap<String, Meaning>,
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
    /// What each response means, set by the importer or the template's author (e.g. "Partial"
    /// marked `not_met`); a response absent here has the meaning [`Meaning::infer`] gives it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meanings: BTreeMap<String, Meaning>,
}

/// What a response means, whatever its words: the completeness rules and the summaries judge
/// answers by this, so "Compliant / Semi-compliant / Non-compliant / N/a" is checked as
/// "Yes / No / Out of Scope" is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Meaning {
    /// The requirement is met ("Yes", "Compliant").
    Met,
    /// Met only in part ("Semi-compliant", "In progress"): needs a mitigation, as not met does.
    PartlyMet,
    /// Not met ("No", "Non-compliant"): needs a mitigation.
    NotMet,
    /// Does not apply to this product ("Out of Scope", "N/A"): needs a justification.
    NotApplicable,
}

impl Meaning {
    pub const ALL: [Meaning; 4] = [
        Meaning::Met,
        Meaning::PartlyMet,
        Meaning::NotMet,
        Meaning::NotApplicable,
    ];

    /// The name used in templates and JSON: `met`, `partly_met`, `not_met`, `not_applicable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Meaning::Met => "met",
            Meaning::PartlyMet => "partly_met",
            Meaning::NotMet => "not_met",
            Meaning::NotApplicable => "not_applicable",
        }
    }

    /// The meaning the words of a response carry in NHS assurance workbooks, ignoring case,
    /// spaces and punctuation ("N/a", "n.a.", "Non-Compliant", "Out of scope"); `None` for
    /// words that carry none (a care setting, a hosting topology).
    pub fn infer(option: &str) -> Option<Meaning> {
        let key: String = option
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        let meaning = match key.as_str() {
            "yes" | "compliant" | "met" | "fullycompliant" | "fullymet" | "complete"
            | "completed" | "conformant" | "agreed" => Meaning::Met,
            "semicompliant" | "partiallycompliant" | "partial" | "partially" | "partly"
            | "partlymet" | "partiallymet" | "inprogress" => Meaning::PartlyMet,
            "no" | "noncompliant" | "notcompliant" | "notmet" | "fail" | "failed"
            | "nonconformant" => Meaning::NotMet,
            "na" | "notapplicable" | "outofscope" | "notinscope" | "exempt" => {
                Meaning::NotApplicable
            }
            _ => return None,
        };
        Some(meaning)
    }
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

    /// A section a person names: by id, or by title in any letter case and spacing. The one
    /// place the CLI, the app and a copy between drafts find a section by name.
    pub fn section_named(&self, name: &str) -> Option<&Section> {
        let name = name.trim();
        let norm = crate::upgrade::normalized_text;
        self.section(name)
            .or_else(|| self.sections.iter().find(|s| norm(&s.title) == norm(name)))
    }

    /// The item a person names: by its id, else by the requirement ID the workbook shows
    /// (`GPC-SFS-02`), matched exactly, then ignoring case, where that names exactly one item.
    /// An id always wins over a requirement ID. The one place every command that takes an item
    /// resolves it.
    pub fn resolve_item(&self, name: &str) -> Result<(&Section, &Item), CoreError> {
        if let Some(found) = self.item(name) {
            return Ok(found);
        }
        let reference_is = |exact: bool| {
            let wanted = name.trim();
            self.items()
                .filter(|(_, i)| {
                    i.requirement()
                        .and_then(|r| r.reference.as_deref())
                        .is_some_and(|r| {
                            if exact {
                                r == wanted
                            } else {
                                r.to_lowercase() == wanted.to_lowercase()
                            }
                        })
                })
                .collect::<Vec<_>>()
        };
        for exact in [true, false] {
            match reference_is(exact).as_slice() {
                [] => continue,
                [one] => return Ok(*one),
                several => {
                    return Err(CoreError::Ambiguous {
                        name: name.to_string(),
                        items: several
                            .iter()
                            .map(|(s, i)| (i.id.clone(), s.title.clone()))
                            .collect(),
                    })
                }
            }
        }
        Err(CoreError::UnknownName {
            name: name.to_string(),
        })
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
            ItemKind::Declaration { options, .. } => options.clone(),
            ItemKind::Requirement(r) => r.options.clone(),
            ItemKind::Guidance {
                acknowledge: true, ..
            } => vec![ACKNOWLEDGED.to_string()],
            _ => Vec::new(),
        }
    }

    /// [`Item::options`] without copying them where the template holds them as they are (every
    /// kind but a choice that adds "Other" and the built-in lists): what a check per answer
    /// uses, so that judging 5,000 answers does not copy 5,000 option lists.
    pub fn options_ref(&self) -> std::borrow::Cow<'_, [String]> {
        use std::borrow::Cow;
        match &self.kind {
            ItemKind::Choice { options, other } | ItemKind::MultiChoice { options, other }
                if !*other || options.iter().any(|o| o == OTHER) =>
            {
                Cow::Borrowed(options)
            }
            ItemKind::Declaration { options, .. } => Cow::Borrowed(options),
            ItemKind::Requirement(r) => Cow::Borrowed(&r.options),
            _ => Cow::Owned(self.options()),
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

    /// What answering `option` means: the template's explicit meaning for it first, else the
    /// meaning its words carry ([`Meaning::infer`]). A yes/no question's Yes is met and its No
    /// not met. `None` for items whose answers carry no meaning (text, dates, choices) and for
    /// responses whose words carry none. Responses compare trimmed, ignoring case, as
    /// `answer::normalize` takes them.
    pub fn meaning_of(&self, option: &str) -> Option<Meaning> {
        let option = option.trim();
        let explicit = match &self.kind {
            ItemKind::YesNo { .. } => {
                return if option.eq_ignore_ascii_case("Yes") {
                    Some(Meaning::Met)
                } else if option.eq_ignore_ascii_case("No") {
                    Some(Meaning::NotMet)
                } else {
                    None
                };
            }
            ItemKind::Declaration { meanings, .. } => meanings,
            ItemKind::Requirement(r) => &r.meanings,
            _ => return None,
        };
        explicit
            .get(option)
            .or_else(|| {
                explicit
                    .iter()
                    .find(|(o, _)| o.trim().eq_ignore_ascii_case(option))
                    .map(|(_, m)| m)
            })
            .copied()
            .or_else(|| Meaning::infer(option))
    }

    /// Every response the item offers with what it means (see [`Item::meaning_of`]), in the
    /// order the dropdown lists them; empty for items whose answers carry no meaning.
    pub fn meanings(&self) -> Vec<(String, Option<Meaning>)> {
        match &self.kind {
            ItemKind::YesNo { .. } | ItemKind::Declaration { .. } | ItemKind::Requirement(_) => {
                self.options()
                    .into_iter()
                    .map(|o| {
                        let m = self.meaning_of(&o);
                        (o, m)
                    })
                    .collect()
            }
            _ => Vec::new(),
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

/// The workbook a template was imported from: which file (by SHA-256, so a fill never writes
/// into a different one) and the cell map of every section and item taken from it.
///
/// The map is kept here, keyed by id, rather than on each `Section` and `Item`: it describes one
/// particular file and is replaced whole when a newer workbook is imported, and it leaves the
/// item and section types (built literally in tests and benches) unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkbookSource {
    /// The workbook's file name when it was imported (no folder), e.g. `SCAL_vsn2.0.xlsx`.
    pub file_name: String,
    /// Lower-case hex SHA-256 of the workbook's bytes.
    pub sha256: String,
    /// The workbook's size in bytes.
    pub size: u64,
    /// Where each section lives, by section id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sections: BTreeMap<String, SectionCells>,
    /// Where each item's response, comment and evidence reference go, by item id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub items: BTreeMap<String, ItemCells>,
    /// The mapping the workbook was read with, when the user gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<Mapping>,
}

/// How a person said to read a workbook where the importer could not tell, or should not
/// guess (`scal import-template --map MAPPING.json`): per sheet, its header row and which
/// column holds what, the meaning of each response, or that the sheet is not asked. Kept in the
/// template's source so the next version of the workbook can be read the same way (`--like`).
/// The file format is `schemas/scal-mapping.schema.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// A note on the file (e.g. who wrote it); not read.
    #[serde(default, rename = "$comment", skip_serializing_if = "String::is_empty")]
    pub comment: String,
    /// By sheet name, exactly as the workbook spells it.
    #[serde(default)]
    pub sheets: BTreeMap<String, SheetMapping>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetMapping {
    /// The sheet is not the supplier's to answer (the assessor's, a contact log...).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_asked: bool,
    /// Why it is not asked, for the summary.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub why: String,
    /// The header row, 1-based as Excel shows it; the rows under it are read by `columns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_row: Option<u32>,
    #[serde(default)]
    pub columns: MappedColumns,
    /// What each response means: `met`, `partly_met`, `not_met` or `not_applicable`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meanings: BTreeMap<String, String>,
}

/// Column letters (`B`) of the fields a row is read by. A table with an ID and no response
/// column is a catalogue: fill adds a response and a comment column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappedColumns {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Parses a column's letters (`B`, `aa`) into a zero-based index.
pub fn parse_column(s: &str) -> Option<u32> {
    let t = s.trim();
    if t.is_empty() || t.len() > 3 || !t.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    parse_cell_ref(&format!("{t}1")).map(|(_, c)| c)
}

/// A section's sheet and, when it has one, its Status cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionCells {
    /// The sheet (tab) name, exactly as the workbook spells it.
    pub sheet: String,
    /// The cell holding the section's Status (In Progress / Complete), e.g. `B3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The sheet is hidden in the workbook (imported only when asked for).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// Columns a fill adds because the workbook has none to answer in (a requirements
    /// catalogue: one row a requirement, nothing to answer in), in order, left to right, just
    /// right of the table's right edge. A fill writes each header into its cell and the items'
    /// answers below it, and refuses when the workbook already uses such a column.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added_columns: Vec<AddedColumn>,
}

/// A column a fill adds to a section's sheet: its header cell and text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedColumn {
    /// The header cell, A1 (`V1`): the column is this cell's column, its header row this row.
    pub cell: String,
    /// The header written there, e.g. `Response`.
    pub header: String,
}

/// Where one item's answer goes, on its section's sheet. Cells are A1 references (`G21`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemCells {
    /// The cell of the response (the dropdown or the text box).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    /// The cell of the comment: mitigation, justification, statement or notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The cell where references to the evidence files go (file name and short hash).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// For a choice spread over option rows (the care settings grid, the topology rows): one
    /// cell per option, each marked when that option is chosen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionCell>,
    /// What an option's cell says when the option is chosen (e.g. `Yes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<String>,
    /// What an option's cell says when it is not chosen, where its list offers it (e.g. `No`);
    /// absent, an unchosen option's cell is left as the workbook had it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmark: Option<String>,
    /// The "Other, please state" text cell of such a choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    /// The assessor's cell on the item's row (an "NHS Digital Review" column): never written,
    /// read back when the assessor returns the workbook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<String>,
}

/// One option of a choice spread over rows, and its cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionCell {
    pub option: String,
    pub cell: String,
}

/// Parses an A1 cell reference (`G21`, `$G$21`, `xfd1048576`) into a zero-based (row, column),
/// within Excel's bounds (1,048,576 rows, 16,384 columns).
pub fn parse_cell_ref(s: &str) -> Option<(u32, u32)> {
    let s = s.trim();
    let b = s.as_bytes();
    let mut i = 0;
    if b.get(i) == Some(&b'$') {
        i += 1;
    }
    let col_start = i;
    let mut col: u32 = 0;
    while let Some(c) = b.get(i).filter(|c| c.is_ascii_alphabetic()) {
        col = col * 26 + u32::from(c.to_ascii_uppercase() - b'A' + 1);
        i += 1;
        if i - col_start > 3 {
            return None;
        }
    }
    if i == col_start {
        return None;
    }
    if b.get(i) == Some(&b'$') {
        i += 1;
    }
    let digits = &s[i..];
    if digits.is_empty() || digits.len() > 7 || !digits.bytes().all(|d| d.is_ascii_digit()) {
        return None;
    }
    let row: u32 = digits.parse().ok()?;
    if row == 0 || row > MAX_ROWS || col > MAX_COLUMNS {
        return None;
    }
    Some((row - 1, col - 1))
}

/// Formats a zero-based (row, column) as an A1 reference.
pub fn cell_ref(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// Excel's limits: rows and columns of one sheet.
pub const MAX_ROWS: u32 = 1_048_576;
pub const MAX_COLUMNS: u32 = 16_384;

#[cfg(test)]
mod tests {
    use super::Meaning;

    #[test]
    fn words_of_real_workbooks_carry_their_meaning() {
        for (words, meaning) in [
            ("Yes", Some(Meaning::Met)),
            ("Fully Compliant", Some(Meaning::Met)),
            ("Semi-compliant", Some(Meaning::PartlyMet)),
            ("In progress", Some(Meaning::PartlyMet)),
            ("Non-Compliant", Some(Meaning::NotMet)),
            ("no", Some(Meaning::NotMet)),
            ("N/a", Some(Meaning::NotApplicable)),
            ("N/A", Some(Meaning::NotApplicable)),
            ("Out of Scope", Some(Meaning::NotApplicable)),
            ("Centrally Hosted", None),
        ] {
            assert_eq!(Meaning::infer(words), meaning, "{words}");
        }
    }
}
