//! The JSON the CLI prints: transport types, one per output, each described by a schema in
//! `schemas/cli-*.schema.json`. They mirror the domain types field by field on purpose, so a
//! change in a library is a compile error here rather than a silent change of the contract.

use serde::Serialize;

use scal_core::template::{Item, Section, SectionKind, Template};
use scal_core::{Issue, Progress, Report, SectionProgress, Severity, Value};

/// One entry of `scal templates --json` (schemas/cli-templates.schema.json).
#[derive(Debug, Serialize)]
pub struct TemplateSummary {
    pub id: String,
    pub version: String,
    pub title: String,
    pub publisher: String,
    pub description: String,
    pub sections: usize,
    pub items: usize,
}

impl From<&Template> for TemplateSummary {
    fn from(t: &Template) -> Self {
        TemplateSummary {
            id: t.id.clone(),
            version: t.version.clone(),
            title: t.title.clone(),
            publisher: t.publisher.clone(),
            description: t.description.clone(),
            sections: t.sections.len(),
            items: t.sections.iter().map(|s| s.items.len()).sum(),
        }
    }
}

/// `scal check --json` (schemas/cli-check.schema.json).
#[derive(Debug, Serialize)]
pub struct CheckOutput {
    pub complete: bool,
    pub progress: ProgressDto,
    pub issues: Vec<IssueDto>,
}

impl From<&Report> for CheckOutput {
    fn from(r: &Report) -> Self {
        CheckOutput {
            complete: r.complete,
            progress: ProgressDto::from(&r.progress),
            issues: r.issues.iter().map(IssueDto::from).collect(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ProgressDto {
    pub total: usize,
    pub answered: usize,
    pub percent: f64,
    pub sections: Vec<SectionProgressDto>,
}

impl From<&Progress> for ProgressDto {
    fn from(p: &Progress) -> Self {
        ProgressDto {
            total: p.total,
            answered: p.answered,
            percent: finite(p.percent),
            sections: p.sections.iter().map(SectionProgressDto::from).collect(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SectionProgressDto {
    pub section: String,
    pub title: String,
    pub total: usize,
    pub answered: usize,
    pub blocking: usize,
    pub warnings: usize,
    pub percent: f64,
}

impl From<&SectionProgress> for SectionProgressDto {
    fn from(s: &SectionProgress) -> Self {
        SectionProgressDto {
            section: s.section.clone(),
            title: s.title.clone(),
            total: s.total,
            answered: s.answered,
            blocking: s.blocking,
            warnings: s.warnings,
            percent: finite(s.percent),
        }
    }
}

/// JSON has no NaN: serde_json would print `null`, which the schema (and readers) refuse.
fn finite(p: f64) -> f64 {
    if p.is_finite() {
        p
    } else {
        0.0
    }
}

#[derive(Debug, Serialize)]
pub struct IssueDto {
    pub item: String,
    pub section: String,
    pub severity: &'static str,
    pub rule: String,
    pub message: String,
}

impl From<&Issue> for IssueDto {
    fn from(i: &Issue) -> Self {
        IssueDto {
            item: i.item.clone(),
            section: i.section.clone(),
            severity: severity_name(i.severity),
            rule: i.rule.to_string(),
            message: i.message.clone(),
        }
    }
}

pub fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Blocking => "blocking",
        Severity::Warning => "warning",
    }
}

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

/// A string, or a list for multi-choice items.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum ValueDto {
    One(String),
    Many(Vec<String>),
}

impl ValueDto {
    /// As the workbook writes it: multi-choice joined with "; ".
    pub fn display(&self) -> String {
        match self {
            ValueDto::One(s) => s.clone(),
            ValueDto::Many(list) => list.join("; "),
        }
    }
}

impl From<&Value> for ValueDto {
    fn from(v: &Value) -> Self {
        match v {
            Value::One(s) => ValueDto::One(s.clone()),
            Value::Many(v) => ValueDto::Many(v.clone()),
        }
    }
}

/// One evidence link, as `show` nests it under its item.
#[derive(Debug, Serialize)]
pub struct EvidenceDto {
    /// The link id, what `scal detach` takes.
    pub id: i64,
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    pub added_at: String,
}

/// One entry of `scal evidence list --json` (schemas/cli-evidence.schema.json): the link
/// and the item it belongs to.
#[derive(Debug, Serialize)]
pub struct EvidenceListEntry {
    pub item: String,
    #[serde(flatten)]
    pub link: EvidenceDto,
}

/// `scal history --json` (schemas/cli-history.schema.json).
#[derive(Debug, Serialize)]
pub struct HistoryOutput {
    pub draft: String,
    /// The item or section asked for, or null for the whole draft.
    pub item: Option<String>,
    pub entries: Vec<HistoryEntryDto>,
}

#[derive(Debug, Serialize)]
pub struct HistoryEntryDto {
    pub seq: i64,
    pub at: String,
    pub author: String,
    /// The item, or for `status` the section.
    pub item: String,
    /// The section it is in, per the template in force; null if the template no longer has it.
    pub section: Option<String>,
    pub label: Option<String>,
    pub action: String,
    pub old_value: Option<ValueDto>,
    pub new_value: Option<ValueDto>,
    pub old_comment: Option<String>,
    pub new_comment: Option<String>,
    /// For attach and detach: the file.
    pub evidence: Option<HistoryEvidenceDto>,
    /// Set when the change was made by restoring this snapshot.
    pub snapshot: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct HistoryEvidenceDto {
    pub link: Option<i64>,
    pub file_name: String,
    pub sha256: Option<String>,
    pub size: Option<u64>,
    pub media_type: Option<String>,
}

/// One entry of `scal snapshots --json` (schemas/cli-snapshots.schema.json).
#[derive(Debug, Serialize)]
pub struct SnapshotDto {
    pub id: i64,
    pub at: String,
    pub author: String,
    pub reason: &'static str,
    pub label: String,
    pub export_id: Option<i64>,
    pub template_rev: i64,
    pub answers_digest: String,
    pub answers: usize,
    pub evidence: usize,
}

impl From<&scal_store::SnapshotInfo> for SnapshotDto {
    fn from(s: &scal_store::SnapshotInfo) -> Self {
        SnapshotDto {
            id: s.id,
            at: s.at.clone(),
            author: s.author.clone(),
            reason: s.reason.as_str(),
            label: s.label.clone(),
            export_id: s.export_id,
            template_rev: s.template_rev,
            answers_digest: s.answers_digest.clone(),
            answers: s.answers,
            evidence: s.evidence,
        }
    }
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

#[derive(Debug, Serialize)]
pub struct DiffItemDto {
    pub item: String,
    pub section: Option<String>,
    pub section_title: Option<String>,
    pub label: Option<String>,
    pub answer: Option<DiffValueDto>,
    pub comment: Option<DiffCommentDto>,
    pub evidence: Vec<DiffEvidenceDto>,
}

#[derive(Debug, Serialize)]
pub struct DiffValueDto {
    pub change: &'static str,
    pub old: Option<ValueDto>,
    pub new: Option<ValueDto>,
}

#[derive(Debug, Serialize)]
pub struct DiffCommentDto {
    pub change: &'static str,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Serialize)]
pub struct DiffEvidenceDto {
    /// "added" or "removed".
    pub change: &'static str,
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
}

/// `scal reviews --json` (schemas/cli-reviews.schema.json).
#[derive(Debug, Serialize)]
pub struct ReviewsOutput {
    /// Open threads in the whole draft, whatever was filtered.
    pub open: usize,
    pub threads: Vec<ReviewThreadDto>,
}

#[derive(Debug, Serialize)]
pub struct ReviewThreadDto {
    /// The thread's first comment: what `scal resolve` and `--reply-to` take.
    pub id: i64,
    pub item: String,
    pub section: Option<String>,
    pub label: Option<String>,
    /// "open" or "resolved".
    pub status: &'static str,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
    /// The first comment, then the replies, oldest first.
    pub comments: Vec<ReviewCommentDto>,
}

#[derive(Debug, Serialize)]
pub struct ReviewCommentDto {
    pub id: i64,
    pub parent: Option<i64>,
    pub at: String,
    pub author: String,
    pub body: String,
}
