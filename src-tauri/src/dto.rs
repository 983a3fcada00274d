//! The transport types between the shell and the UI, and only those. Domain types stay free of
//! the UI's needs: each DTO is built from them here. `ui/src/generated/types.ts` is generated
//! from these definitions (see `typescript()`), and a test fails when it is stale.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use scal_app::dto::{
    ArchivedAnswerDto, CopyChangeDto, DiffItemDto, EvidenceEntry, HistoryEntryDto, IssueDto,
    ProgressDto, ReviewThreadDto, SnapshotDto, TemplateSummary, UpgradeSummaryDto, ValueDto,
};

use scal_core::template::{Assessment, DateRule, ItemKind, SectionKind};

/// One line of the start screen's "Recent drafts".
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
pub struct RecentDraft {
    pub path: String,
    pub title: String,
    pub template: String,
    pub percent: f64,
    /// RFC 3339; empty when the draft has no answer yet.
    pub last_change: String,
    /// False when the file has since been moved or deleted.
    pub exists: bool,
}

/// What the start screen shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StartInfo {
    pub recent: Vec<RecentDraft>,
    pub templates: Vec<TemplateSummary>,
    /// True until the user has created or opened a draft once: the start screen offers a sample.
    pub first_launch: bool,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
pub struct AnswerDto {
    pub value: Option<ValueDto>,
    pub comment: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ConditionView {
    pub item: String,
    /// The item is visible when the other item's answer is (or contains) one of these.
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RequirementView {
    pub reference: Option<String>,
    pub category: String,
    /// MUST, SHOULD, MAY, Action or Info.
    pub level: String,
    pub how_assessed: String,
    /// supplier_declared | supplier_statement | evidence | conformance_report
    pub assessment: String,
    pub actioned_by: String,
    pub test_cases: Vec<String>,
    pub evidence_expected: String,
    pub applies_to: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ItemView {
    pub id: String,
    pub label: String,
    pub text: String,
    pub guidance: String,
    pub required: bool,
    /// text | long_text | email | ods_code | version | date | choice | multi_choice | yes_no |
    /// declaration | requirement | guidance | evidence_slot
    pub kind: String,
    pub options: Vec<String>,
    /// What each response means, where it means anything: option -> met | partly_met |
    /// not_met | not_applicable (the template's own, else what its words say). The rules that
    /// ask for a mitigation, justification, statement or evidence follow the meaning.
    #[ts(type = "Record<string, \"met\" | \"partly_met\" | \"not_met\" | \"not_applicable\">")]
    pub meanings: BTreeMap<String, String>,
    /// Choice offers "Other, please state".
    pub other: bool,
    /// Answering "No" needs a comment (declarations and requirements always do).
    pub comment_when_no: bool,
    /// within_12_months | current_financial_year | not_future
    pub date_rule: Option<String>,
    /// A guidance row that heads the rows after it.
    pub heading: bool,
    pub answerable: bool,
    pub visible_when: Option<ConditionView>,
    pub requirement: Option<RequirementView>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ColumnView {
    pub field: String,
    pub header: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    /// form | service | guidance
    pub kind: String,
    pub description: String,
    pub has_status: bool,
    pub shared: bool,
    /// The section is asked only when this holds.
    pub visible_when: Option<ConditionView>,
    pub columns: Vec<ColumnView>,
    pub items: Vec<ItemView>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TemplateView {
    pub id: String,
    pub version: String,
    pub title: String,
    pub publisher: String,
    pub description: String,
    pub placeholder: String,
    pub sections: Vec<SectionView>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReportDto {
    pub complete: bool,
    pub progress: ProgressDto,
    pub issues: Vec<IssueDto>,
    /// Items not asked with the current answers (their own or their section's `visible_when`
    /// does not hold), as `scal_core::visible_items` decides: the UI hides them.
    pub hidden_items: Vec<String>,
    /// What each visible item needs now, by item id, as the core's completeness check says
    /// (`scal_core::ItemNeeds`): the UI shows these and derives none of them.
    #[ts(type = "Record<string, ItemNeedsDto>")]
    pub needs: BTreeMap<String, ItemNeedsDto>,
}

/// What one visible item asks for (`scal_core::ItemNeeds`).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ItemNeedsDto {
    /// A real response (not a placeholder); for an evidence slot, a file.
    pub answered: bool,
    /// The value shown is a template placeholder ("Please select…"), not an answer.
    pub placeholder: bool,
    /// What the answer means, for items whose answers mean something.
    #[ts(type = "\"met\" | \"partly_met\" | \"not_met\" | \"not_applicable\" | null")]
    pub meaning: Option<String>,
    /// The comment box the answer calls for; null when the item takes no comment with it.
    pub comment: Option<CommentNeedDto>,
    /// The evidence the item takes by its template; null when it takes none.
    pub evidence: Option<EvidenceNeedDto>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct CommentNeedDto {
    #[ts(type = "\"mitigation\" | \"justification\" | \"statement\" | \"notes\"")]
    pub kind: String,
    /// The box's label, e.g. "Mitigation".
    pub label: String,
    /// The answer requires the comment.
    pub required: bool,
    /// Required and not written: a blocking issue says so.
    pub missing: bool,
    /// Why it is required, in a sentence; empty when it is not.
    pub why: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct EvidenceNeedDto {
    /// The answer requires evidence.
    pub required: bool,
    /// Required and none attached where it counts: a blocking issue says so.
    pub missing: bool,
    /// Why it is required, in a sentence; empty when it is not.
    pub why: String,
}

/// Everything the editor needs about the open draft.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DraftView {
    pub path: String,
    pub read_only: bool,
    /// Why the draft is read-only (opened for review, or another window holds it).
    pub read_only_reason: String,
    /// Opened for review: answers are read-only, but review comments and the sign-off can be
    /// given.
    pub review_mode: bool,
    pub template: TemplateView,
    #[ts(type = "Record<string, AnswerDto>")]
    pub answers: BTreeMap<String, AnswerDto>,
    pub evidence: Vec<EvidenceLine>,
    #[ts(type = "Record<string, string>")]
    pub section_status: BTreeMap<String, String>,
    /// Who set each section's status, and when.
    #[ts(type = "Record<string, SectionStatusDto>")]
    pub section_status_info: BTreeMap<String, SectionStatusDto>,
    pub report: ReportDto,
    pub last_change: String,
    pub exports: Vec<ExportRecordDto>,
    pub review: ReviewState,
    /// The draft keeps the NHS workbook its template was imported from: exports fill it in.
    pub workbook: Option<String>,
}

/// A section's Status cell: In Progress or Complete, who set it and when.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SectionStatusDto {
    pub status: String,
    pub at: String,
    pub by: String,
}

/// What setting a section's status gives back.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SectionStatusResult {
    pub section: String,
    pub status: SectionStatusDto,
    pub report: ReportDto,
}

/// What a saved answer gives back: the answer as stored (normalised) and the new completeness.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SaveResult {
    pub item: String,
    pub answer: AnswerDto,
    pub report: ReportDto,
    pub saved_at: String,
    /// What differs from the last export now.
    pub changed: ChangedDto,
    /// Whether the sign-off in force is now stale.
    pub signoff_stale: bool,
}

/// One evidence link as the app lists it: the shared entry (`scal evidence list --json`'s),
/// and where its valid-until date stands today, in words.
#[derive(Debug, Clone, Serialize, TS)]
pub struct EvidenceLine {
    #[serde(flatten)]
    pub entry: EvidenceEntry,
    /// "expired" (its last valid day has passed) or "expiring" (within the warning window
    /// before it), as `scal_core::EvidenceDates` judges them today; null otherwise.
    #[ts(type = "\"expired\" | \"expiring\" | null")]
    pub validity: Option<String>,
    /// That in words, e.g. "Expired: valid until 2026-01-31"; empty when neither.
    pub validity_words: String,
}

/// What attaching, unlinking or dating evidence gives back.
#[derive(Debug, Clone, Serialize, TS)]
pub struct EvidenceResult {
    pub evidence: Vec<EvidenceLine>,
    pub report: ReportDto,
    /// The file's content was already in the draft: linked again, stored once.
    pub deduplicated: bool,
}

/// Progress of long work (attaching a large file, exporting), sent through a channel.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProgressEvent {
    pub stage: String,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// One change in the draft's history, as `scal history --json` gives it, with what the app
/// shows besides: what a person calls the item, and the change's detail in words.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HistoryLine {
    #[serde(flatten)]
    pub entry: HistoryEntryDto,
    /// The requirement reference and label, or the section title; the id when the template
    /// no longer has it.
    pub called: String,
    /// For evidence, which file; for an upgrade's changes, why; for a copy, from where.
    pub detail: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportRequest {
    pub out_dir: String,
    pub xlsx: bool,
    pub pdf: bool,
    pub pack: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportedFile {
    /// xlsx | pdf | pack | filled (the NHS workbook the draft was imported from, filled in)
    pub kind: String,
    pub path: String,
    #[ts(type = "number")]
    pub size: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct VerificationDto {
    pub ok: bool,
    pub checked: u32,
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportResult {
    pub out_dir: String,
    pub files: Vec<ExportedFile>,
    /// The pack read back and re-hashed against its manifest (when a pack was made).
    pub verification: Option<VerificationDto>,
    /// What the user should know although the files are sound (text cut at a cell limit, ...).
    pub warnings: Vec<String>,
    /// The filled NHS workbook read back: how many answer cells were found as written.
    pub filled_cells: Option<u32>,
    /// The draft's record of exports, this one included, and what it leaves to review (nothing
    /// "changed since export" now): all the window needs after an export, without reading the
    /// whole draft again.
    pub exports: Vec<ExportRecordDto>,
    pub review: ReviewState,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportRecordDto {
    pub at: String,
    pub summary: String,
}

// ---- import, snapshots, diff, review, sign-off, upgrade, copy ------------------------------

/// How many items of one kind an imported workbook gave.
#[derive(Debug, Clone, Serialize, TS)]
pub struct KindCount {
    pub kind: String,
    pub count: u32,
}

/// One section an import found.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportedSectionDto {
    pub title: String,
    /// The sheet it was read from.
    pub sheet: String,
    /// form | service | guidance
    pub kind: String,
    pub items: u32,
    pub requirements: u32,
    /// The blocks read from the sheet, each with how sure the reading is.
    pub tables: Vec<ImportedTableDto>,
}

/// One block an import found under a header row, and how it was read.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportedTableDto {
    /// form | declarations | requirements | catalogue | questions | guidance
    pub kind: String,
    /// 1-based, as Excel shows it.
    pub header_row: u32,
    pub items: u32,
    /// How sure the reading is, 0-100.
    pub confidence: u8,
    /// How it was read, in a sentence ("as the mapping says" when a mapping said).
    pub reading: String,
}

/// One sheet of the workbook, imported or left out: each can be mapped.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WorkbookSheetDto {
    pub name: String,
    pub hidden: bool,
    /// Some section was read from it.
    pub imported: bool,
}

/// How a person says to read one sheet (the mapping file's `sheets` entry,
/// schemas/scal-mapping.schema.json).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SheetMappingDto {
    #[serde(default)]
    pub not_asked: bool,
    #[serde(default)]
    pub why: String,
    /// 1-based, as Excel shows it.
    #[serde(default)]
    pub header_row: Option<u32>,
    #[serde(default)]
    pub columns: MappedColumnsDto,
    /// Response option → met | partly_met | not_met | not_applicable.
    #[serde(default)]
    pub meanings: BTreeMap<String, String>,
}

/// Column letters of the fields a row is read by.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MappedColumnsDto {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub question: Option<String>,
    #[serde(default)]
    pub guidance: Option<String>,
    #[serde(default)]
    pub response: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// A mapping: by sheet name, exactly as the workbook spells it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MappingDto {
    #[serde(default)]
    pub sheets: BTreeMap<String, SheetMappingDto>,
}

impl From<MappingDto> for scal_core::template::Mapping {
    fn from(m: MappingDto) -> Self {
        use scal_core::template::{MappedColumns, SheetMapping};
        let letters = |c: Option<String>| {
            c.map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
        };
        scal_core::template::Mapping {
            comment: String::new(),
            sheets: m
                .sheets
                .into_iter()
                .map(|(name, s)| {
                    let sheet = SheetMapping {
                        not_asked: s.not_asked,
                        why: s.why.trim().to_string(),
                        header_row: s.header_row,
                        columns: MappedColumns {
                            id: letters(s.columns.id),
                            question: letters(s.columns.question),
                            guidance: letters(s.columns.guidance),
                            response: letters(s.columns.response),
                            comment: letters(s.columns.comment),
                        },
                        meanings: s
                            .meanings
                            .into_iter()
                            .filter(|(_, m)| !m.is_empty())
                            .collect(),
                    };
                    (name, sheet)
                })
                .collect(),
        }
    }
}

impl From<&scal_core::template::Mapping> for MappingDto {
    fn from(m: &scal_core::template::Mapping) -> Self {
        MappingDto {
            sheets: m
                .sheets
                .iter()
                .map(|(name, s)| {
                    let c = &s.columns;
                    let sheet = SheetMappingDto {
                        not_asked: s.not_asked,
                        why: s.why.clone(),
                        header_row: s.header_row,
                        columns: MappedColumnsDto {
                            id: c.id.clone(),
                            question: c.question.clone(),
                            guidance: c.guidance.clone(),
                            response: c.response.clone(),
                            comment: c.comment.clone(),
                        },
                        meanings: s.meanings.clone(),
                    };
                    (name.clone(), sheet)
                })
                .collect(),
        }
    }
}

/// The first rows of one sheet, for saying how to read it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SheetPreviewDto {
    pub sheet: String,
    pub hidden: bool,
    /// Column letters, left to right from A.
    pub columns: Vec<String>,
    pub rows: Vec<PreviewRowDto>,
    /// More filled rows below those shown.
    pub more_rows: bool,
    /// More filled columns right of those shown.
    pub more_columns: bool,
    /// The dropdown options offered in a column, for each column that has a dropdown.
    pub lists: Vec<ColumnListDto>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PreviewRowDto {
    /// 1-based, as Excel shows it.
    pub row: u32,
    /// One per column of the preview.
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ColumnListDto {
    pub column: String,
    /// The column's dropdown responses, placeholders ("Please select…") left out.
    pub options: Vec<String>,
}

/// A sheet or block the import left out, and why.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SkippedDto {
    pub sheet: String,
    pub reason: String,
}

/// How to import a workbook: hidden sheets or not, and the template's id, version and title when
/// the user gives them (none: from the workbook and its file name).
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct ImportChoices {
    pub include_hidden: bool,
    pub id: Option<String>,
    pub version: Option<String>,
    pub title: Option<String>,
    /// How to read the sheets the importer cannot tell alone; none: as it recognises them.
    #[serde(default)]
    pub mapping: Option<MappingDto>,
}

/// What importing a workbook found, shown before a draft is made from it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportPreview {
    pub file_name: String,
    /// The template's id, version and title: from the workbook unless the user named them.
    pub id: String,
    pub title: String,
    pub version: String,
    pub sections: Vec<ImportedSectionDto>,
    pub kinds: Vec<KindCount>,
    pub items: u32,
    pub skipped: Vec<SkippedDto>,
    /// Things the user should know although the import worked.
    pub warnings: Vec<String>,
    /// Hidden sheets were imported too.
    pub include_hidden: bool,
    /// Every sheet of the workbook in its order, imported or left out: each can be mapped.
    pub sheets: Vec<WorkbookSheetDto>,
    /// The mapping this import was read with, if any.
    pub mapping: Option<MappingDto>,
    /// Why nothing could be imported (empty when something was): the user can map a sheet.
    pub nothing_imported: String,
}

/// One snapshot of the draft, as `scal snapshots --json` gives it, with its reason in words.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SnapshotEntry {
    #[serde(flatten)]
    pub snapshot: SnapshotDto,
    /// The reason in words: "export", "before upgrade".
    pub reason_text: String,
}

/// One item that differs between two states, as `scal diff --json` gives it, with what the app
/// shows besides: what a person calls the item, and how the item changed as a whole.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DiffLine {
    #[serde(flatten)]
    pub entry: DiffItemDto,
    /// The requirement reference and label, or the section title.
    pub called: String,
    /// added | removed | changed: the item as a whole.
    pub change: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DiffSectionDto {
    /// Empty for items the current template does not have.
    pub section: String,
    pub title: String,
    pub items: Vec<DiffLine>,
}

/// What changed between two states (a snapshot, or the draft now).
#[derive(Debug, Clone, Serialize, TS)]
pub struct DiffDto {
    pub from: String,
    /// When the older side's snapshot was taken; empty for the draft now.
    pub from_at: String,
    pub to: String,
    pub to_at: String,
    pub changed: u32,
    pub added: u32,
    pub removed: u32,
    pub sections: Vec<DiffSectionDto>,
}

/// Which sides to compare: a snapshot id, or `None` for the draft as it is now. With neither
/// given, the latest snapshot against now.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct DiffRequest {
    pub from: Option<i32>,
    pub to: Option<i32>,
}

/// The items whose answer, comment or evidence differ from the last export.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ChangedDto {
    /// False until the draft has been exported once: nothing can be "changed since" then.
    pub exported: bool,
    pub last_export_at: String,
    pub items: Vec<String>,
}

/// The sign-off in force, and whether the answers changed since it was given.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SignoffDto {
    pub name: String,
    pub role: String,
    /// YYYY-MM-DD.
    pub signed_on: String,
    pub at: String,
    pub by: String,
    pub stale: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SignoffRequest {
    pub name: String,
    pub role: String,
    pub signed_on: String,
}

/// A carried answer whose wording changed: to be confirmed against the new text.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReconfirmDto {
    pub item: String,
    /// The wording the answer was given to.
    pub old_text: String,
    pub flagged_at: String,
}

/// What "Import reviewer's workbook…" did: the draft as it now stands (its review threads
/// included) and what the import found.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReviewImportResult {
    pub view: DraftView,
    pub report: scal_app::dto::ReviewImportDto,
}

/// Review state of the draft: comments, sign-off, what an upgrade left to look at.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReviewState {
    pub threads: Vec<ReviewThreadDto>,
    pub signoff: Option<SignoffDto>,
    pub archived: Vec<ArchivedAnswerDto>,
    pub reconfirm: Vec<ReconfirmDto>,
    pub changed: ChangedDto,
}

/// Where the template to upgrade to (or to copy from) comes from.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TemplateSource {
    Bundled {
        id: String,
    },
    /// A template JSON file chosen in a dialog.
    File,
    /// An NHS workbook chosen in a dialog, imported.
    Workbook,
}

/// One line of an upgrade report.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UpgradeLineDto {
    /// The item in the draft's template (none for a new item).
    pub from: Option<String>,
    /// The item in the new template (none for a removed item).
    pub to: Option<String>,
    pub section: String,
    pub reason: String,
    /// What the draft holds for it, in words ("Yes", "No · mitigation …"), if anything.
    pub holds: String,
    pub reconfirm: bool,
}

/// One group of an upgrade report.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UpgradeGroupDto {
    /// carried | carried_reworded | matched_by_text | matched_by_similarity | no_longer_fits |
    /// removed | new
    pub key: String,
    pub title: String,
    pub explanation: String,
    pub lines: Vec<UpgradeLineDto>,
}

/// What an upgrade will do (dry run) or did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UpgradeReportDto {
    pub from: String,
    pub to: String,
    pub groups: Vec<UpgradeGroupDto>,
    /// The totals, as `scal upgrade --json` gives them.
    pub summary: UpgradeSummaryDto,
    /// After applying: the snapshot taken before, to undo it.
    pub snapshot: Option<SnapshotEntry>,
}

/// One item a copy of answers changes: the layer's change, with what a person calls the item
/// ("IO-01: Interoperability") and its section's title.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CopyLineDto {
    #[serde(flatten)]
    pub change: CopyChangeDto,
    pub name: String,
    pub section_title: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SectionChoice {
    pub id: String,
    pub title: String,
    /// Marked shared in the target template (copied when none are picked).
    pub shared: bool,
}

/// What copying answers from another draft would change.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CopyPreviewDto {
    pub from_path: String,
    pub from_title: String,
    /// The sections both drafts have, to pick from.
    pub sections: Vec<SectionChoice>,
    /// The sections this preview copies.
    pub copied: Vec<String>,
    pub lines: Vec<CopyLineDto>,
    pub unchanged: u32,
    /// Sentences: values the target does not accept, items with no counterpart.
    pub not_copied: Vec<String>,
}

/// What a failed command gives the UI. `code` is set only where the UI branches on it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CmdError {
    pub code: Option<String>,
    pub message: String,
}

// ---- mapping from the domain ----------------------------------------------------------------

impl From<&scal_core::Answer> for AnswerDto {
    fn from(a: &scal_core::Answer) -> Self {
        AnswerDto {
            value: a.value.as_ref().map(ValueDto::from),
            comment: a.comment.clone(),
        }
    }
}

fn snake<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl From<&scal_core::Template> for TemplateView {
    fn from(t: &scal_core::Template) -> Self {
        TemplateView {
            id: t.id.clone(),
            version: t.version.clone(),
            title: t.title.clone(),
            publisher: t.publisher.clone(),
            description: t.description.clone(),
            placeholder: t.placeholder.clone(),
            sections: t.sections.iter().map(SectionView::from).collect(),
        }
    }
}

impl From<&scal_core::Section> for SectionView {
    fn from(s: &scal_core::Section) -> Self {
        SectionView {
            id: s.id.clone(),
            title: s.title.clone(),
            kind: match s.kind {
                SectionKind::Form => "form",
                SectionKind::Service => "service",
                SectionKind::Guidance => "guidance",
            }
            .to_string(),
            description: s.description.clone(),
            has_status: s.has_status,
            shared: s.shared,
            visible_when: s.visible_when.as_ref().map(condition),
            columns: s
                .columns
                .iter()
                .map(|c| ColumnView {
                    field: snake(&c.field),
                    header: c.header.clone(),
                })
                .collect(),
            items: s.items.iter().map(ItemView::from).collect(),
        }
    }
}

impl From<&scal_core::Item> for ItemView {
    fn from(i: &scal_core::Item) -> Self {
        let (other, comment_when_no, date_rule, heading) = match &i.kind {
            ItemKind::Choice { other, .. } | ItemKind::MultiChoice { other, .. } => {
                (*other, false, None, false)
            }
            ItemKind::YesNo { comment_when_no } => (false, *comment_when_no, None, false),
            ItemKind::Declaration { .. } | ItemKind::Requirement(_) => (false, true, None, false),
            ItemKind::Date { rule, .. } => (false, false, rule.map(date_rule_name), false),
            ItemKind::Guidance { heading, .. } => (false, false, None, *heading),
            _ => (false, false, None, false),
        };
        ItemView {
            id: i.id.clone(),
            label: i.label.clone(),
            text: i.text.clone(),
            guidance: i.guidance.clone(),
            required: i.required,
            kind: i.type_name().to_string(),
            options: i.options(),
            meanings: i
                .meanings()
                .into_iter()
                .filter_map(|(o, m)| Some((o, m?.as_str().to_string())))
                .collect(),
            other,
            comment_when_no,
            date_rule,
            heading,
            answerable: i.is_answerable(),
            visible_when: i.visible_when.as_ref().map(condition),
            requirement: i.requirement().map(|r| RequirementView {
                reference: r.reference.clone(),
                category: r.category.clone(),
                level: r.level.as_str().to_string(),
                how_assessed: r.how_assessed.clone(),
                assessment: match r.assessment {
                    Assessment::SupplierDeclared => "supplier_declared",
                    Assessment::SupplierStatement => "supplier_statement",
                    Assessment::Evidence => "evidence",
                    Assessment::ConformanceReport => "conformance_report",
                }
                .to_string(),
                actioned_by: r.actioned_by.clone(),
                test_cases: r.test_cases.clone(),
                evidence_expected: r.evidence_expected.clone(),
                applies_to: r.applies_to.clone(),
            }),
        }
    }
}

fn condition(c: &scal_core::template::Condition) -> ConditionView {
    ConditionView {
        item: c.item.clone(),
        values: c.equals.iter().chain(c.any_of.iter()).cloned().collect(),
    }
}

fn date_rule_name(rule: DateRule) -> String {
    match rule {
        DateRule::Within12Months => "within_12_months",
        DateRule::CurrentFinancialYear => "current_financial_year",
        DateRule::NotFuture => "not_future",
    }
    .to_string()
}

impl ReportDto {
    /// The completeness report, with the items the template does not ask (those the report
    /// gives no needs for, as the layer's `Summary::asked` says).
    pub fn new(r: &scal_core::Report, template: &scal_core::Template) -> Self {
        ReportDto {
            complete: r.complete,
            progress: ProgressDto::from(&r.progress),
            issues: r.issues.iter().map(IssueDto::from).collect(),
            hidden_items: template
                .items()
                .filter(|(_, i)| !r.needs.contains_key(&i.id))
                .map(|(_, i)| i.id.clone())
                .collect(),
            needs: r
                .needs
                .iter()
                .map(|(id, n)| (id.clone(), ItemNeedsDto::from(n)))
                .collect(),
        }
    }
}

impl From<&scal_core::ItemNeeds> for ItemNeedsDto {
    fn from(n: &scal_core::ItemNeeds) -> Self {
        ItemNeedsDto {
            answered: n.answered,
            placeholder: n.placeholder,
            meaning: n.meaning.map(|m| m.as_str().to_string()),
            comment: n.comment.as_ref().map(|c| CommentNeedDto {
                kind: snake(&c.kind),
                label: c.label.to_string(),
                required: c.required,
                missing: c.missing,
                why: c.why.clone(),
            }),
            evidence: n.evidence.as_ref().map(|e| EvidenceNeedDto {
                required: e.required,
                missing: e.missing,
                why: e.why.clone(),
            }),
        }
    }
}

// ---- TypeScript ------------------------------------------------------------------------------

/// The TypeScript declarations of every DTO, as `ui/src/generated/types.ts` must hold them.
#[cfg(test)]
pub fn typescript() -> String {
    let decls = [
        TemplateSummary::decl(),
        RecentDraft::decl(),
        StartInfo::decl(),
        ValueDto::decl(),
        AnswerDto::decl(),
        ConditionView::decl(),
        RequirementView::decl(),
        ItemView::decl(),
        ColumnView::decl(),
        SectionView::decl(),
        TemplateView::decl(),
        IssueDto::decl(),
        scal_app::dto::SectionProgressDto::decl(),
        ProgressDto::decl(),
        ReportDto::decl(),
        ItemNeedsDto::decl(),
        CommentNeedDto::decl(),
        EvidenceNeedDto::decl(),
        scal_app::dto::EvidenceDto::decl(),
        EvidenceEntry::decl(),
        EvidenceLine::decl(),
        SectionStatusDto::decl(),
        SectionStatusResult::decl(),
        DraftView::decl(),
        SaveResult::decl(),
        EvidenceResult::decl(),
        ProgressEvent::decl(),
        scal_app::dto::HistoryEvidenceDto::decl(),
        scal_app::dto::CopiedFromDto::decl(),
        scal_app::dto::EvidenceDatesDto::decl(),
        scal_app::dto::HistoryDatesDto::decl(),
        HistoryEntryDto::decl(),
        HistoryLine::decl(),
        ExportRequest::decl(),
        ExportedFile::decl(),
        VerificationDto::decl(),
        ExportResult::decl(),
        ExportRecordDto::decl(),
        KindCount::decl(),
        ImportedSectionDto::decl(),
        ImportedTableDto::decl(),
        WorkbookSheetDto::decl(),
        SheetMappingDto::decl(),
        MappedColumnsDto::decl(),
        MappingDto::decl(),
        SheetPreviewDto::decl(),
        PreviewRowDto::decl(),
        ColumnListDto::decl(),
        SkippedDto::decl(),
        ImportChoices::decl(),
        ImportPreview::decl(),
        SnapshotDto::decl(),
        SnapshotEntry::decl(),
        scal_app::dto::DiffValueDto::decl(),
        scal_app::dto::DiffCommentDto::decl(),
        scal_app::dto::DiffEvidenceDto::decl(),
        DiffItemDto::decl(),
        DiffLine::decl(),
        DiffSectionDto::decl(),
        DiffDto::decl(),
        DiffRequest::decl(),
        ChangedDto::decl(),
        scal_app::dto::ProposedChangeDto::decl(),
        scal_app::dto::ReviewCommentDto::decl(),
        ReviewThreadDto::decl(),
        SignoffDto::decl(),
        SignoffRequest::decl(),
        scal_app::dto::ArchivedFileDto::decl(),
        scal_app::dto::RestoredDto::decl(),
        ArchivedAnswerDto::decl(),
        ReconfirmDto::decl(),
        ReviewState::decl(),
        scal_app::dto::ReviewImportDto::decl(),
        ReviewImportResult::decl(),
        TemplateSource::decl(),
        UpgradeLineDto::decl(),
        UpgradeGroupDto::decl(),
        UpgradeSummaryDto::decl(),
        UpgradeReportDto::decl(),
        scal_app::dto::ValueChangeDto::decl(),
        scal_app::dto::TextChangeDto::decl(),
        scal_app::dto::CopiedFileDto::decl(),
        CopyChangeDto::decl(),
        CopyLineDto::decl(),
        SectionChoice::decl(),
        CopyPreviewDto::decl(),
        CmdError::decl(),
    ];
    let mut out = String::from(
        "// Generated from src-tauri/src/dto.rs by `cargo test -p scal-workbench` with\n\
         // UPDATE_TS=1. Do not edit: change the Rust types and regenerate.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENERATED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/generated/types.ts");

    /// The UI compiles against ui/src/generated/types.ts: if it no longer matches the Rust DTOs,
    /// the UI and the shell disagree about what crosses the boundary.
    #[test]
    fn generated_typescript_types_are_up_to_date() {
        let want = typescript();
        if std::env::var_os("UPDATE_TS").is_some() {
            std::fs::create_dir_all(std::path::Path::new(GENERATED).parent().unwrap()).unwrap();
            #[allow(
                clippy::disallowed_methods,
                reason = "a generated source file, rewritten on request"
            )]
            std::fs::write(GENERATED, &want).unwrap();
        }
        let have = std::fs::read_to_string(GENERATED).unwrap_or_default();
        assert!(
            have == want,
            "ui/src/generated/types.ts is stale: run `UPDATE_TS=1 cargo test -p scal-workbench dto` and commit it"
        );
    }

    #[test]
    fn a_value_crosses_as_a_string_or_a_list() {
        let one = serde_json::to_string(&ValueDto::One("Yes".into())).unwrap();
        let many = serde_json::to_string(&ValueDto::Many(vec!["A".into(), "B".into()])).unwrap();
        assert_eq!(one, "\"Yes\"");
        assert_eq!(many, "[\"A\",\"B\"]");
    }
}
