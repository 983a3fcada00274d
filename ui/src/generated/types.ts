// provisional

export type TemplateSummary = { id: string, version: string, title: string, publisher: string, description: string, sections: number, items: number, };

export type RecentDraft = { path: string, title: string, template: string, percent: number, last_change: string, exists: boolean, };

export type StartInfo = { recent: Array<RecentDraft>, templates: Array<TemplateSummary>, first_launch: boolean, version: string, };

export type AnswerDto = { value: ValueDto | null, comment: string, };

export type ConditionView = { item: string, values: Array<string>, };

export type RequirementView = { reference: string | null, category: string, level: string, how_assessed: string, assessment: string, actioned_by: string, test_cases: Array<string>, evidence_expected: string, applies_to: string | null, };

export type ItemView = { id: string, label: string, text: string, guidance: string, required: boolean, kind: string, options: Array<string>, other: boolean, comment_when_no: boolean, date_rule: string | null, heading: boolean, answerable: boolean, visible_when: ConditionView | null, requirement: RequirementView | null, };

export type ColumnView = { field: string, header: string, };

export type SectionView = { id: string, title: string, kind: string, description: string, has_status: boolean, shared: boolean, columns: Array<ColumnView>, items: Array<ItemView>, };

export type TemplateView = { id: string, version: string, title: string, publisher: string, description: string, placeholder: string, sections: Array<SectionView>, };

export type IssueDto = { item: string, section: string, severity: string, rule: string, message: string, };

export type SectionProgressDto = { section: string, title: string, total: number, answered: number, blocking: number, warnings: number, percent: number, };

export type ProgressDto = { total: number, answered: number, percent: number, sections: Array<SectionProgressDto>, };

export type ReportDto = { complete: boolean, progress: ProgressDto, issues: Array<IssueDto>, };

export type EvidenceDto = { link_id: string, item: string, file_name: string, media_type: string, size: number, sha256: string, added_at: string, };

export type DraftView = { path: string, read_only: boolean, read_only_reason: string, template: TemplateView, answers: Record<string, AnswerDto>, evidence: Array<EvidenceDto>, section_status: Record<string, string>, report: ReportDto, last_change: string, exports: Array<ExportRecordDto>, };

export type SaveResult = { item: string, answer: AnswerDto, report: ReportDto, saved_at: string, };

export type EvidenceResult = { evidence: Array<EvidenceDto>, report: ReportDto, deduplicated: boolean, };

export type ProgressEvent = { stage: string, done: number, total: number, };

export type HistoryEntryDto = { at: string, who: string, old: AnswerDto | null, new: AnswerDto | null, };

export type ExportRequest = { out_dir: string, xlsx: boolean, pdf: boolean, pack: boolean, };

export type ExportedFile = { kind: string, path: string, size: number, };

export type VerificationDto = { ok: boolean, checked: number, problems: Array<string>, };

export type ExportResult = { out_dir: string, files: Array<ExportedFile>, verification: VerificationDto | null, };

export type ExportRecordDto = { at: string, summary: string, };

export type CmdError = { code: string | null, message: string, };

export type ValueDto = string | Array<string>;
