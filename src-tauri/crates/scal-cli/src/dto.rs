//! The JSON the CLI prints: transport types, one per output, each described by a schema in
//! `schemas/cli-*.schema.json`. They mirror the domain types field by field on purpose, so a
//! change in a library is a compile error here rather than a silent change of the contract.

use serde::Serialize;

use scal_core::template::{Item, Section, SectionKind, Template};
use scal_core::Value;

/// Shared with the app: one definition each, in the layer. `scal templates --json` prints
/// [`TemplateSummary`]s (schemas/cli-templates.schema.json), `scal check --json` a
/// [`CheckOutput`] (schemas/cli-check.schema.json), `scal evidence list --json`
/// [`EvidenceEntry`]s, `scal snapshots --json` [`SnapshotDto`]s.
pub use scal_app::dto::{
    ArchivedAnswerDto, CheckOutput, CopyChangeDto, DiffItemDto, EvidenceDto, EvidenceEntry,
    HistoryEntryDto, ProgressDto, ReviewThreadDto, SectionProgressDto, SnapshotDto,
    TemplateSummary, UpgradeSummaryDto, ValueDto,
};

/// `scal show --json` (schemas/cli-show.schema.json).
#[derive(Debug, Serialize)]
pub struct ShowOutput {
    pub draft: DraftDto,
    pub template: TemplateRef,
    pub progress: ProgressDto,
    pub sections: Vec<SectionDto>,
}

#[derive(Debug, Serialize)]
pub struct DraftDto {
    pub id: String,
    pub path: String,
    pub created_at: String,
    pub template_id: String,
    pub template_version: String,
}

#[derive(Debug, Serialize)]
pub struct TemplateRef {
    pub id: String,
    pub version: String,
    pub title: String,
    pub publisher: String,
}

impl From<&Template> for TemplateRef {
    fn from(t: &Template) -> Self {
        TemplateRef {
            id: t.id.clone(),
            version: t.version.clone(),
            title: t.title.clone(),
            publisher: t.publisher.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SectionDto {
    pub id: String,
    pub title: String,
    pub kind: &'static str,
    /// "In Progress" / "Complete", or null when never set.
    pub status: Option<String>,
    pub items: Vec<ItemDto>,
}

impl SectionDto {
    pub fn new(section: &Section, status: Option<String>, items: Vec<ItemDto>) -> Self {
        SectionDto {
            id: section.id.clone(),
            title: section.title.clone(),
            kind: section_kind_name(section.kind),
            status,
            items,
        }
    }
}

pub fn section_kind_name(kind: SectionKind) -> &'static str {
    match kind {
        SectionKind::Form => "form",
        SectionKind::Service => "service",
        SectionKind::Guidance => "guidance",
    }
}

#[derive(Debug, Serialize)]
pub struct ItemDto {
    pub id: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub required: bool,
    pub visible: bool,
    pub options: Vec<String>,
    /// What each response means (met, partly_met, not_met, not_applicable), where it means
    /// anything; absent for items whose responses carry no meaning.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub meanings: std::collections::BTreeMap<String, &'static str>,
    pub value: Option<ValueDto>,
    pub comment: String,
    pub evidence: Vec<EvidenceDto>,
    /// Present only for requirement rows.
    #[serde(flatten)]
    pub requirement: Option<RequirementDto>,
}

impl ItemDto {
    pub fn new(
        item: &Item,
        visible: bool,
        value: Option<&Value>,
        comment: &str,
        evidence: Vec<EvidenceDto>,
    ) -> Self {
        ItemDto {
            id: item.id.clone(),
            label: item.label.clone(),
            kind: item.type_name(),
            required: item.required,
            visible,
            options: item.options(),
            meanings: item
                .meanings()
                .into_iter()
                .filter_map(|(o, m)| Some((o, m?.as_str())))
                .collect(),
            value: value.map(ValueDto::from),
            comment: comment.to_string(),
            evidence,
            requirement: item.requirement().map(|r| RequirementDto {
                reference: r.reference.clone(),
                level: r.level.as_str(),
            }),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct RequirementDto {
    pub reference: Option<String>,
    pub level: &'static str,
}

/// `scal history --json` (schemas/cli-history.schema.json).
#[derive(Debug, Serialize)]
pub struct HistoryOutput {
    pub draft: String,
    /// The item or section asked for, or null for the whole draft.
    pub item: Option<String>,
    pub entries: Vec<HistoryEntryDto>,
}

/// `scal diff --json` (schemas/cli-diff.schema.json).
#[derive(Debug, Serialize)]
pub struct DiffOutput {
    pub from: DiffSideDto,
    pub to: DiffSideDto,
    pub summary: DiffSummaryDto,
    /// In the order of the template of `to` (items it lacks last, in the order of `from`'s).
    pub items: Vec<DiffItemDto>,
}

#[derive(Debug, Serialize)]
pub struct DiffSideDto {
    /// "snapshot" (of `path`), "now" (the draft at `path` as it is), or "draft" (another
    /// draft, as it is).
    pub kind: &'static str,
    pub path: String,
    pub snapshot: Option<SnapshotDto>,
}

#[derive(Debug, Serialize)]
pub struct DiffSummaryDto {
    pub items: usize,
    pub answers: usize,
    pub comments: usize,
    pub evidence: usize,
}

/// `scal reviews --json` (schemas/cli-reviews.schema.json).
#[derive(Debug, Serialize)]
pub struct ReviewsOutput {
    /// Open threads in the whole draft, whatever was filtered.
    pub open: usize,
    pub threads: Vec<ReviewThreadDto>,
}
