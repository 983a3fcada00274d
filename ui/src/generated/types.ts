// Generated from src-tauri/src/dto.rs by `cargo test -p scal-workbench` with
// UPDATE_TS=1. Do not edit: change the Rust types and regenerate.

export type TemplateSummary = { id: string, version: string, title: string, publisher: string, description: string, sections: number, items: number, };

export type RecentDraft = { path: string, title: string, template: string, percent: number, 
/**
 * RFC 3339; empty when the draft has no answer yet.
 */
last_change: string, 
/**
 * False when the file has since been moved or deleted.
 */
exists: boolean, };

export type StartInfo = { recent: Array<RecentDraft>, templates: Array<TemplateSummary>, 
/**
 * True until the user has created or opened a draft once: the start screen offers a sample.
 */
first_launch: boolean, version: string, };

export type ValueDto = string | Array<string>;

export type AnswerDto = { value: ValueDto | null, comment: string, };

export type ConditionView = { item: string, 
/**
 * The item is visible when the other item's answer is (or contains) one of these.
 */
values: Array<string>, };

export type RequirementView = { reference: string | null, category: string, 
/**
 * MUST, SHOULD, MAY, Action or Info.
 */
level: string, how_assessed: string, 
/**
 * supplier_declared | supplier_statement | evidence | conformance_report
 */
assessment: string, actioned_by: string, test_cases: Array<string>, evidence_expected: string, applies_to: string | null, };

export type ItemView = { id: string, label: string, text: string, guidance: string, required: boolean, 
/**
 * text | long_text | email | ods_code | version | date | choice | multi_choice | yes_no |
 * declaration | requirement | guidance | evidence_slot
 */
kind: string, options: Array<string>, 
/**
 * What each response means, where it means anything: option -> met | partly_met |
 * not_met | not_applicable (the template's own, else what its words say). The rules that
 * ask for a mitigation, justification, statement or evidence follow the meaning.
 */
meanings: Record<string, "met" | "partly_met" | "not_met" | "not_applicable">, 
/**
 * Choice offers "Other, please state".
 */
other: boolean, 
/**
 * Answering "No" needs a comment (declarations and requirements always do).
 */
comment_when_no: boolean, 
/**
 * within_12_months | current_financial_year | not_future
 */
date_rule: string | null, 
/**
 * A guidance row that heads the rows after it.
 */
heading: boolean, answerable: boolean, visible_when: ConditionView | null, requirement: RequirementView | null, };

export type ColumnView = { field: string, header: string, };

export type SectionView = { id: string, title: string, 
/**
 * form | service | guidance
 */
kind: string, description: string, has_status: boolean, shared: boolean, 
/**
 * The section is asked only when this holds.
 */
visible_when: ConditionView | null, columns: Array<ColumnView>, items: Array<ItemView>, };

export type TemplateView = { id: string, version: string, title: string, publisher: string, description: string, placeholder: string, sections: Array<SectionView>, };

export type IssueDto = { item: string, section: string, 
/**
 * blocking | warning
 */
severity: string, rule: string, message: string, };

export type SectionProgressDto = { section: string, title: string, total: number, answered: number, blocking: number, warnings: number, percent: number, };

export type ProgressDto = { total: number, answered: number, percent: number, sections: Array<SectionProgressDto>, };

export type ReportDto = { complete: boolean, progress: ProgressDto, issues: Array<IssueDto>, 
/**
 * Items not asked with the current answers (their own or their section's `visible_when`
 * does not hold), as `scal_core::visible_items` decides: the UI hides them.
 */
hidden_items: Array<string>, 
/**
 * What each visible item needs now, by item id, as the core's completeness check says
 * (`scal_core::ItemNeeds`): the UI shows these and derives none of them.
 */
needs: Record<string, ItemNeedsDto>, };

export type ItemNeedsDto = { 
/**
 * A real response (not a placeholder); for an evidence slot, a file.
 */
answered: boolean, 
/**
 * The value shown is a template placeholder ("Please select…"), not an answer.
 */
placeholder: boolean, 
/**
 * What the answer means, for items whose answers mean something.
 */
meaning: "met" | "partly_met" | "not_met" | "not_applicable" | null, 
/**
 * The comment box the answer calls for; null when the item takes no comment with it.
 */
comment: CommentNeedDto | null, 
/**
 * The evidence the item takes by its template; null when it takes none.
 */
evidence: EvidenceNeedDto | null, };

export type CommentNeedDto = { kind: "mitigation" | "justification" | "statement" | "notes", 
/**
 * The box's label, e.g. "Mitigation".
 */
label: string, 
/**
 * The answer requires the comment.
 */
required: boolean, 
/**
 * Required and not written: a blocking issue says so.
 */
missing: boolean, 
/**
 * Why it is required, in a sentence; empty when it is not.
 */
why: string, };

export type EvidenceNeedDto = { 
/**
 * The answer requires evidence.
 */
required: boolean, 
/**
 * Required and none attached where it counts: a blocking issue says so.
 */
missing: boolean, 
/**
 * Why it is required, in a sentence; empty when it is not.
 */
why: string, };

export type EvidenceDto = { 
/**
 * The link id, what detach (`scal detach`, the app's Unlink) takes.
 */
id: number, file_name: string, sha256: string, size: number, media_type: string, added_at: string, 
/**
 * The document's own date (YYYY-MM-DD), where given.
 */
dated: string | null, 
/**
 * The last day the document is valid (YYYY-MM-DD), where given.
 */
valid_until: string | null, };

export type EvidenceEntry = { item: string, 
/**
 * The link id, what detach (`scal detach`, the app's Unlink) takes.
 */
id: number, file_name: string, sha256: string, size: number, media_type: string, added_at: string, 
/**
 * The document's own date (YYYY-MM-DD), where given.
 */
dated: string | null, 
/**
 * The last day the document is valid (YYYY-MM-DD), where given.
 */
valid_until: string | null, };

export type EvidenceLine = { 
/**
 * "expired" (its last valid day has passed) or "expiring" (within the warning window
 * before it), as `scal_core::EvidenceDates` judges them today; null otherwise.
 */
validity: "expired" | "expiring" | null, 
/**
 * That in words, e.g. "Expired: valid until 2026-01-31"; empty when neither.
 */
validity_words: string, item: string, 
/**
 * The link id, what detach (`scal detach`, the app's Unlink) takes.
 */
id: number, file_name: string, sha256: string, size: number, media_type: string, added_at: string, 
/**
 * The document's own date (YYYY-MM-DD), where given.
 */
dated: string | null, 
/**
 * The last day the document is valid (YYYY-MM-DD), where given.
 */
valid_until: string | null, };

export type SectionStatusDto = { status: string, at: string, by: string, };

export type SectionStatusResult = { section: string, status: SectionStatusDto, report: ReportDto, };

export type DraftView = { path: string, read_only: boolean, 
/**
 * Why the draft is read-only (opened for review, or another window holds it).
 */
read_only_reason: string, 
/**
 * Opened for review: answers are read-only, but review comments and the sign-off can be
 * given.
 */
review_mode: boolean, template: TemplateView, answers: Record<string, AnswerDto>, evidence: Array<EvidenceLine>, section_status: Record<string, string>, 
/**
 * Who set each section's status, and when.
 */
section_status_info: Record<string, SectionStatusDto>, report: ReportDto, last_change: string, exports: Array<ExportRecordDto>, review: ReviewState, 
/**
 * The draft keeps the NHS workbook its template was imported from: exports fill it in.
 */
workbook: string | null, };

export type SaveResult = { item: string, answer: AnswerDto, report: ReportDto, saved_at: string, 
/**
 * What differs from the last export now.
 */
changed: ChangedDto, 
/**
 * Whether the sign-off in force is now stale.
 */
signoff_stale: boolean, };

export type EvidenceResult = { evidence: Array<EvidenceLine>, report: ReportDto, 
/**
 * The file's content was already in the draft: linked again, stored once.
 */
deduplicated: boolean, };

export type ProgressEvent = { stage: string, done: number, total: number, };

export type HistoryEvidenceDto = { link: number | null, file_name: string, sha256: string | null, size: number | null, media_type: string | null, };

export type CopiedFromDto = { draft: string, draft_id: string, item: string, before_snapshot: number, };

export type EvidenceDatesDto = { dated: string | null, valid_until: string | null, };

export type HistoryDatesDto = { before: EvidenceDatesDto, after: EvidenceDatesDto, };

export type HistoryEntryDto = { 
/**
 * Position in the history; increases with every change.
 */
seq: number, at: string, author: string, 
/**
 * The item, or for `status` the section.
 */
item: string, 
/**
 * The section it is in, per the template in force; null if the template no longer has it.
 */
section: string | null, label: string | null, 
/**
 * answer | comment | attach | detach | status | carry | archive | restore | confirm | copy |
 * dates
 */
action: string, old_value: ValueDto | null, new_value: ValueDto | null, 
/**
 * The comment before and after, when the comment changed; otherwise null.
 */
old_comment: string | null, new_comment: string | null, 
/**
 * For attach and detach: the file.
 */
evidence: HistoryEvidenceDto | null, 
/**
 * Set when the change was made by restoring this snapshot.
 */
snapshot: number | null, 
/**
 * For a copy: where the answer came from; null on every other entry.
 */
copied_from: CopiedFromDto | null, 
/**
 * For `dates`, and an attach that gave them: the document's dates, before and after.
 */
dates: HistoryDatesDto | null, 
/**
 * For an answer or comment that accepted a proposed change: the review thread.
 */
review: number | null, };

export type HistoryLine = { 
/**
 * The requirement reference and label, or the section title; the id when the template
 * no longer has it.
 */
called: string, 
/**
 * For evidence, which file; for an upgrade's changes, why; for a copy, from where.
 */
detail: string, 
/**
 * Position in the history; increases with every change.
 */
seq: number, at: string, author: string, 
/**
 * The item, or for `status` the section.
 */
item: string, 
/**
 * The section it is in, per the template in force; null if the template no longer has it.
 */
section: string | null, label: string | null, 
/**
 * answer | comment | attach | detach | status | carry | archive | restore | confirm | copy |
 * dates
 */
action: string, old_value: ValueDto | null, new_value: ValueDto | null, 
/**
 * The comment before and after, when the comment changed; otherwise null.
 */
old_comment: string | null, new_comment: string | null, 
/**
 * For attach and detach: the file.
 */
evidence: HistoryEvidenceDto | null, 
/**
 * Set when the change was made by restoring this snapshot.
 */
snapshot: number | null, 
/**
 * For a copy: where the answer came from; null on every other entry.
 */
copied_from: CopiedFromDto | null, 
/**
 * For `dates`, and an attach that gave them: the document's dates, before and after.
 */
dates: HistoryDatesDto | null, 
/**
 * For an answer or comment that accepted a proposed change: the review thread.
 */
review: number | null, };

export type ExportRequest = { out_dir: string, xlsx: boolean, pdf: boolean, pack: boolean, };

export type ExportedFile = { 
/**
 * xlsx | pdf | pack | filled (the NHS workbook the draft was imported from, filled in)
 */
kind: string, path: string, size: number, };

export type VerificationDto = { ok: boolean, checked: number, problems: Array<string>, };

export type ExportResult = { out_dir: string, files: Array<ExportedFile>, 
/**
 * The pack read back and re-hashed against its manifest (when a pack was made).
 */
verification: VerificationDto | null, 
/**
 * What the user should know although the files are sound (text cut at a cell limit, ...).
 */
warnings: Array<string>, 
/**
 * The filled NHS workbook read back: how many answer cells were found as written.
 */
filled_cells: number | null, 
/**
 * The draft's record of exports, this one included, and what it leaves to review (nothing
 * "changed since export" now): all the window needs after an export, without reading the
 * whole draft again.
 */
exports: Array<ExportRecordDto>, review: ReviewState, };

export type ExportRecordDto = { at: string, summary: string, };

export type KindCount = { kind: string, count: number, };

export type ImportedSectionDto = { title: string, 
/**
 * The sheet it was read from.
 */
sheet: string, 
/**
 * form | service | guidance
 */
kind: string, items: number, requirements: number, 
/**
 * The blocks read from the sheet, each with how sure the reading is.
 */
tables: Array<ImportedTableDto>, };

export type ImportedTableDto = { 
/**
 * form | declarations | requirements | catalogue | questions | guidance
 */
kind: string, 
/**
 * 1-based, as Excel shows it.
 */
header_row: number, items: number, 
/**
 * How sure the reading is, 0-100.
 */
confidence: number, 
/**
 * How it was read, in a sentence ("as the mapping says" when a mapping said).
 */
reading: string, };

export type WorkbookSheetDto = { name: string, hidden: boolean, 
/**
 * Some section was read from it.
 */
imported: boolean, };

export type SheetMappingDto = { not_asked: boolean, why: string, 
/**
 * 1-based, as Excel shows it.
 */
header_row: number | null, columns: MappedColumnsDto, 
/**
 * Response option → met | partly_met | not_met | not_applicable.
 */
meanings: { [key in string]?: string }, };

export type MappedColumnsDto = { id: string | null, question: string | null, guidance: string | null, response: string | null, comment: string | null, };

export type MappingDto = { sheets: { [key in string]?: SheetMappingDto }, };

export type SheetPreviewDto = { sheet: string, hidden: boolean, 
/**
 * Column letters, left to right from A.
 */
columns: Array<string>, rows: Array<PreviewRowDto>, 
/**
 * More filled rows below those shown.
 */
more_rows: boolean, 
/**
 * More filled columns right of those shown.
 */
more_columns: boolean, 
/**
 * The dropdown options offered in a column, for each column that has a dropdown.
 */
lists: Array<ColumnListDto>, };

export type PreviewRowDto = { 
/**
 * 1-based, as Excel shows it.
 */
row: number, 
/**
 * One per column of the preview.
 */
cells: Array<string>, };

export type ColumnListDto = { column: string, 
/**
 * The column's dropdown responses, placeholders ("Please select…") left out.
 */
options: Array<string>, };

export type SkippedDto = { sheet: string, reason: string, };

export type ImportChoices = { include_hidden: boolean, id: string | null, version: string | null, title: string | null, 
/**
 * How to read the sheets the importer cannot tell alone; none: as it recognises them.
 */
mapping: MappingDto | null, };

export type ImportPreview = { file_name: string, 
/**
 * The template's id, version and title: from the workbook unless the user named them.
 */
id: string, title: string, version: string, sections: Array<ImportedSectionDto>, kinds: Array<KindCount>, items: number, skipped: Array<SkippedDto>, 
/**
 * Things the user should know although the import worked.
 */
warnings: Array<string>, 
/**
 * Hidden sheets were imported too.
 */
include_hidden: boolean, 
/**
 * Every sheet of the workbook in its order, imported or left out: each can be mapped.
 */
sheets: Array<WorkbookSheetDto>, 
/**
 * The mapping this import was read with, if any.
 */
mapping: MappingDto | null, 
/**
 * Why nothing could be imported (empty when something was): the user can map a sheet.
 */
nothing_imported: string, };

export type SnapshotDto = { id: number, at: string, author: string, 
/**
 * manual | export | before_upgrade | before_restore | before_copy
 */
reason: string, label: string, export_id: number | null, template_rev: number, answers_digest: string, 
/**
 * How many items have an answer or a comment in it.
 */
answers: number, 
/**
 * How many evidence links it holds.
 */
evidence: number, };

export type SnapshotEntry = { 
/**
 * The reason in words: "export", "before upgrade".
 */
reason_text: string, id: number, at: string, author: string, 
/**
 * manual | export | before_upgrade | before_restore | before_copy
 */
reason: string, label: string, export_id: number | null, template_rev: number, answers_digest: string, 
/**
 * How many items have an answer or a comment in it.
 */
answers: number, 
/**
 * How many evidence links it holds.
 */
evidence: number, };

export type DiffValueDto = { 
/**
 * added | removed | changed
 */
change: string, old: ValueDto | null, new: ValueDto | null, };

export type DiffCommentDto = { 
/**
 * added | removed | changed
 */
change: string, old: string, new: string, };

export type DiffEvidenceDto = { 
/**
 * "added" or "removed".
 */
change: string, file_name: string, sha256: string, size: number, };

export type DiffItemDto = { item: string, 
/**
 * Where it sits (section id and title) and what it is called; null for an id neither
 * side's template has.
 */
section: string | null, section_title: string | null, label: string | null, 
/**
 * The answer's change, when it changed.
 */
answer: DiffValueDto | null, 
/**
 * The comment's change, when it changed.
 */
comment: DiffCommentDto | null, 
/**
 * Evidence linked on one side only.
 */
evidence: Array<DiffEvidenceDto>, };

export type DiffLine = { 
/**
 * The requirement reference and label, or the section title.
 */
called: string, 
/**
 * added | removed | changed: the item as a whole.
 */
change: string, item: string, 
/**
 * Where it sits (section id and title) and what it is called; null for an id neither
 * side's template has.
 */
section: string | null, section_title: string | null, label: string | null, 
/**
 * The answer's change, when it changed.
 */
answer: DiffValueDto | null, 
/**
 * The comment's change, when it changed.
 */
comment: DiffCommentDto | null, 
/**
 * Evidence linked on one side only.
 */
evidence: Array<DiffEvidenceDto>, };

export type DiffSectionDto = { 
/**
 * Empty for items the current template does not have.
 */
section: string, title: string, items: Array<DiffLine>, };

export type DiffDto = { from: string, 
/**
 * When the older side's snapshot was taken; empty for the draft now.
 */
from_at: string, to: string, to_at: string, changed: number, added: number, removed: number, sections: Array<DiffSectionDto>, };

export type DiffRequest = { from: number | null, to: number | null, };

export type ChangedDto = { 
/**
 * False until the draft has been exported once: nothing can be "changed since" then.
 */
exported: boolean, last_export_at: string, items: Array<string>, };

export type ProposedChangeDto = { 
/**
 * "response" or "comment".
 */
field: string, 
/**
 * What the workbook was sent with.
 */
was: string, 
/**
 * What the assessor put there.
 */
text: string, };

export type ReviewCommentDto = { id: number, 
/**
 * The comment it answers; null for a thread's first comment.
 */
parent: number | null, at: string, author: string, body: string, 
/**
 * "remark", or "proposed": a change the assessor made to a supplier cell of a returned
 * workbook, which `scal accept` (or Accept in the app) takes as the answer.
 */
kind: string, proposed: ProposedChangeDto | null, 
/**
 * For a comment imported from a returned workbook: where in it.
 */
source: string | null, };

export type ReviewThreadDto = { 
/**
 * The thread's first comment: what resolve, re-open and a reply take.
 */
id: number, item: string, 
/**
 * The section it is in (or is), and what a person calls it; null for an id the template
 * no longer has.
 */
section: string | null, label: string | null, 
/**
 * "open" or "resolved".
 */
status: string, resolved_at: string | null, resolved_by: string | null, 
/**
 * The first comment, then the replies, oldest first.
 */
comments: Array<ReviewCommentDto>, };

export type SignoffDto = { name: string, role: string, 
/**
 * YYYY-MM-DD.
 */
signed_on: string, at: string, by: string, stale: boolean, };

export type SignoffRequest = { name: string, role: string, signed_on: string, };

export type ArchivedFileDto = { file_name: string, sha256: string, size: number, };

export type RestoredDto = { at: string, by: string, to: string, };

export type ArchivedAnswerDto = { id: number, item: string, template_rev: number, template_id: string, template_version: string, section: string, label: string, text: string, value: ValueDto | null, comment: string, evidence: Array<ArchivedFileDto>, archived_at: string, archived_by: string, 
/**
 * When, by whom and onto which item it was restored; null while it is not.
 */
restored: RestoredDto | null, };

export type ReconfirmDto = { item: string, 
/**
 * The wording the answer was given to.
 */
old_text: string, flagged_at: string, };

export type ReviewState = { threads: Array<ReviewThreadDto>, signoff: SignoffDto | null, archived: Array<ArchivedAnswerDto>, reconfirm: Array<ReconfirmDto>, changed: ChangedDto, };

export type ReviewImportDto = { file: string, 
/**
 * "own" (the workbook SCAL Workbench lays out) or "filled" (the NHS workbook filled in).
 */
workbook: string, reviewer: string, 
/**
 * When the workbook that came back was written.
 */
written_at: string, cells_unchanged: number, cells_recorded: number, 
/**
 * The comments added: remarks, proposed changes, replies.
 */
added: Array<ReviewCommentDto>, 
/**
 * Remarks already in the draft from an earlier round.
 */
repeated: number, 
/**
 * What was found but not imported, one sentence each.
 */
left_out: Array<string>, };

export type ReviewImportResult = { view: DraftView, report: ReviewImportDto, };

export type TemplateSource = { "kind": "bundled", id: string, } | { "kind": "file" } | { "kind": "workbook" };

export type UpgradeLineDto = { 
/**
 * The item in the draft's template (none for a new item).
 */
from: string | null, 
/**
 * The item in the new template (none for a removed item).
 */
to: string | null, section: string, reason: string, 
/**
 * What the draft holds for it, in words ("Yes", "No · mitigation …"), if anything.
 */
holds: string, reconfirm: boolean, };

export type UpgradeGroupDto = { 
/**
 * carried | carried_reworded | matched_by_text | matched_by_similarity | no_longer_fits |
 * removed | new
 */
key: string, title: string, explanation: string, lines: Array<UpgradeLineDto>, };

export type UpgradeSummaryDto = { 
/**
 * Matched items holding an answer, comment or evidence.
 */
carried: number, 
/**
 * Carried answers flagged for re-confirmation.
 */
reconfirm: number, 
/**
 * Archived answers: removed items that held something, and values that no longer fit.
 */
archived: number, new: number, };

export type UpgradeReportDto = { from: string, to: string, groups: Array<UpgradeGroupDto>, 
/**
 * The totals, as `scal upgrade --json` gives them.
 */
summary: UpgradeSummaryDto, 
/**
 * After applying: the snapshot taken before, to undo it.
 */
snapshot: SnapshotEntry | null, };

export type ValueChangeDto = { before: ValueDto | null, after: ValueDto, };

export type TextChangeDto = { before: string, after: string, };

export type CopiedFileDto = { file_name: string, sha256: string, };

export type CopyChangeDto = { from_item: string, to_item: string, label: string, 
/**
 * The target section's id.
 */
section: string, 
/**
 * How the two items were matched (`id`, `text`, `similarity`).
 */
by: string, 
/**
 * Null when the value stays as it is.
 */
value: ValueChangeDto | null, 
/**
 * Null when the comment stays as it is.
 */
comment: TextChangeDto | null, 
/**
 * Evidence linked to the source item and not yet to the target item.
 */
evidence: Array<CopiedFileDto>, };

export type CopyLineDto = { name: string, section_title: string, from_item: string, to_item: string, label: string, 
/**
 * The target section's id.
 */
section: string, 
/**
 * How the two items were matched (`id`, `text`, `similarity`).
 */
by: string, 
/**
 * Null when the value stays as it is.
 */
value: ValueChangeDto | null, 
/**
 * Null when the comment stays as it is.
 */
comment: TextChangeDto | null, 
/**
 * Evidence linked to the source item and not yet to the target item.
 */
evidence: Array<CopiedFileDto>, };

export type SectionChoice = { id: string, title: string, 
/**
 * Marked shared in the target template (copied when none are picked).
 */
shared: boolean, };

export type CopyPreviewDto = { from_path: string, from_title: string, 
/**
 * The sections both drafts have, to pick from.
 */
sections: Array<SectionChoice>, 
/**
 * The sections this preview copies.
 */
copied: Array<string>, lines: Array<CopyLineDto>, unchanged: number, 
/**
 * Sentences: values the target does not accept, items with no counterpart.
 */
not_copied: Array<string>, };

export type CmdError = { code: string | null, message: string, };
