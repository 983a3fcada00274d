//! Building the DTOs the commands return from an open draft, and the few multi-step actions
//! (open the sample, attach off the UI thread) the commands share.

use std::path::{Path, PathBuf};

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use scal_store::{Draft, HistoryEntry, HistoryEvent};

use crate::dto::*;
use crate::error::CmdResult;
use crate::recent::DataDir;
use crate::state::{AppState, OpenDraft};

pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

pub fn start_info(data: &DataDir) -> StartInfo {
    let recent = data
        .recent()
        .into_iter()
        .map(|mut r| {
            r.exists = Path::new(&r.path).is_file();
            r
        })
        .collect();
    StartInfo {
        recent,
        templates: scal_core::bundled_templates()
            .iter()
            .map(TemplateSummary::from)
            .collect(),
        first_launch: data.first_launch(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    }
}

pub fn recent_entry(draft: &Draft) -> RecentDraft {
    let t = draft.template();
    let percent = scal_app::summary::read(draft, today())
        .map(|s| s.report.progress.percent)
        .unwrap_or(0.0);
    RecentDraft {
        path: draft.path().display().to_string(),
        title: draft
            .path()
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| t.title.clone()),
        template: format!("{} {}", t.title, t.version),
        percent,
        last_change: draft.last_change_at().ok().flatten().unwrap_or_default(),
        exists: true,
    }
}

pub fn remember_and_view(data: &DataDir, open: &mut OpenDraft) -> CmdResult<DraftView> {
    data.remember(recent_entry(&open.draft))?;
    draft_view(open)
}

/// The whole draft for the window, from one read (`scal_app::summary`).
pub fn draft_view(open: &OpenDraft) -> CmdResult<DraftView> {
    let d = &open.draft;
    let s = scal_app::summary::read(d, today())?;
    Ok(DraftView {
        path: d.path().display().to_string(),
        read_only: d.is_read_only(),
        read_only_reason: open.read_only_reason.clone(),
        review_mode: d.is_review(),
        template: d.template().into(),
        answers: s
            .answers
            .iter()
            .map(|(k, a)| (k.clone(), a.into()))
            .collect(),
        evidence: evidence_lines(&s.evidence, today()),
        section_status: s
            .section_status
            .iter()
            .map(|(k, st)| (k.clone(), st.status.clone()))
            .collect(),
        section_status_info: s
            .section_status
            .iter()
            .map(|(k, st)| (k.clone(), status_dto(st.clone())))
            .collect(),
        report: report_dto(d.template(), &s),
        last_change: d.last_change_at()?.unwrap_or_default(),
        exports: export_records(d)?,
        review: crate::review::review_state_with(d, &s)?,
        workbook: d.source_workbook().map(|w| w.file_name.clone()),
    })
}

/// The draft's exports, oldest first, in words.
pub fn export_records(d: &Draft) -> CmdResult<Vec<ExportRecordDto>> {
    Ok(d.exports()?
        .iter()
        .map(|x| ExportRecordDto {
            at: x.at.clone(),
            summary: format!(
                "{} to {}",
                x.files
                    .iter()
                    .map(|(name, _, _)| name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                x.out_dir
            ),
        })
        .collect())
}

fn status_dto(s: scal_store::SectionStatus) -> SectionStatusDto {
    SectionStatusDto {
        status: s.status,
        at: s.at,
        by: s.by,
    }
}

/// The report as the UI takes it, from the layer's summary.
pub fn report_dto(t: &scal_core::Template, s: &scal_app::Summary) -> ReportDto {
    ReportDto::new(&s.report, t)
}

pub fn section_status_result(
    t: &scal_core::Template,
    (section, status, s): (String, scal_store::SectionStatus, scal_app::Summary),
) -> SectionStatusResult {
    SectionStatusResult {
        section,
        status: status_dto(status),
        report: report_dto(t, &s),
    }
}

pub fn save_result(t: &scal_core::Template, saved: &scal_app::ops::Saved) -> SaveResult {
    SaveResult {
        item: saved.item.clone(),
        answer: AnswerDto::from(&saved.answer),
        report: report_dto(t, &saved.summary),
        saved_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        changed: crate::review::changed_dto(&saved.summary.changed),
        signoff_stale: saved.summary.signoff_stale,
    }
}

pub fn evidence_result(
    t: &scal_core::Template,
    s: &scal_app::Summary,
    deduplicated: bool,
) -> EvidenceResult {
    EvidenceResult {
        evidence: evidence_lines(&s.evidence, today()),
        report: report_dto(t, s),
        deduplicated,
    }
}

/// The evidence list, each link with where its valid-until date stands on `today` (the core's
/// judgement, `EvidenceDates::expired` and `expires_within_warning`, put in words).
pub fn evidence_lines(
    links: &[scal_store::EvidenceLink],
    today: chrono::NaiveDate,
) -> Vec<EvidenceLine> {
    links
        .iter()
        .map(|l| {
            let (validity, validity_words) = match l.dates.valid_until {
                Some(until) if l.dates.expired(today) => {
                    (Some("expired"), format!("Expired: valid until {until}"))
                }
                Some(until) => match l.dates.expires_within_warning(today) {
                    Some(days) => {
                        let when = match days {
                            0 => "today".to_string(),
                            1 => "tomorrow".to_string(),
                            n => format!("in {n} days"),
                        };
                        (
                            Some("expiring"),
                            format!("Expiring: valid until {until} ({when})"),
                        )
                    }
                    None => (None, String::new()),
                },
                None => (None, String::new()),
            };
            EvidenceLine {
                entry: EvidenceEntry::from(l),
                validity: validity.map(str::to_string),
                validity_words,
            }
        })
        .collect()
}

/// Sends progress at most about a hundred times per job, however large the file.
pub fn progress_sink(channel: Channel<ProgressEvent>, stage: &'static str) -> impl FnMut(u64, u64) {
    let mut last: Option<u64> = None;
    move |done, total| {
        let step = (total / 100).max(256 * 1024);
        if last.is_none_or(|l| done >= l.saturating_add(step) || done < l) || done == total {
            last = Some(done);
            let _ = channel.send(ProgressEvent {
                stage: stage.to_string(),
                done,
                total,
            });
        }
    }
}

/// Attaches on a blocking worker thread: a multi-gigabyte file is hashed and copied in chunks
/// while the window stays responsive and the progress bar moves.
pub async fn attach_off_thread(
    app: AppHandle,
    item: String,
    path: PathBuf,
    channel: Channel<ProgressEvent>,
) -> CmdResult<EvidenceResult> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        state.with(|o| {
            let mut progress = progress_sink(channel, "Attaching");
            let a = scal_app::ops::attach(
                &mut o.draft,
                &item,
                &path,
                &scal_store::default_author(),
                today(),
                &mut progress,
            )?;
            Ok(evidence_result(
                o.draft.template(),
                &a.summary,
                a.deduplicated,
            ))
        })
    })
    .await
    .map_err(|e| CmdError::new(format!("Attaching stopped unexpectedly: {e}.")))?
}

/// Writes a linked file out to `dir/<hash prefix>/<its name>` (once) and returns that path.
pub fn write_out_evidence(d: &Draft, link_id: i64, dir: &Path) -> CmdResult<PathBuf> {
    let link = d
        .evidence()?
        .into_iter()
        .find(|l| l.id == link_id)
        .ok_or_else(|| {
            CmdError::new("That evidence link no longer exists: it may have been unlinked.")
        })?;
    let folder = dir.join(link.file.sha256.get(..16).unwrap_or(&link.file.sha256));
    let target = folder.join(&link.file.file_name);
    if target.is_file() {
        return Ok(target);
    }
    let io_err = |e: std::io::Error| {
        CmdError::new(format!(
            "Could not write {} to open it: {}.",
            target.display(),
            scal_core::text::io_write_reason(&e)
        ))
    };
    std::fs::create_dir_all(&folder).map_err(io_err)?;
    // Whole or not at all (a failed extract removes its temporary file).
    let mut out = scal_fs::DurableFile::create(&target, "partial").map_err(io_err)?;
    d.extract(&link.file.sha256, &mut out)?;
    out.commit().map_err(io_err)?;
    Ok(target)
}

/// The history of one item (or section), or of the whole draft, newest last.
pub fn history(d: &Draft, item: Option<&str>) -> CmdResult<Vec<HistoryLine>> {
    let t = d.template();
    Ok(d.history(item)?
        .iter()
        .map(|h| history_entry(t, h))
        .collect())
}

pub fn history_entry(t: &scal_core::Template, h: &HistoryEntry) -> HistoryLine {
    HistoryLine {
        entry: HistoryEntryDto::new(t, h),
        called: scal_app::names::label_of(t, &h.item).0,
        detail: history_detail(h),
    }
}

/// The detail of a change in words: which file for evidence, why for an upgrade's changes.
fn history_detail(h: &HistoryEntry) -> String {
    match &h.event {
        HistoryEvent::Attach(l) | HistoryEvent::Detach(l) => {
            let name = if l.file_name.is_empty() {
                "a file"
            } else {
                l.file_name.as_str()
            };
            let sha = l.sha256.as_str();
            format!(
                "{} {name} (SHA-256 {}…)",
                if matches!(h.event, HistoryEvent::Detach(_)) {
                    "Unlinked"
                } else {
                    "Attached"
                },
                sha.get(..12).unwrap_or(sha)
            )
        }
        HistoryEvent::Copy(c) => format!("Copied from {} of {}", c.from_item, c.from_draft),
        HistoryEvent::Dates(d) => {
            let change = scal_app::dto::HistoryDatesDto {
                before: (&d.before).into(),
                after: (&d.after).into(),
            };
            format!("{}: {}", d.file_name, change.describe())
        }
        // The library's own words for carry and archive.
        other => other.reason().unwrap_or_default().to_string(),
    }
}

/// Opens the sample draft, making it first if it is not there yet.
pub fn open_sample(state: &AppState, data: &DataDir) -> CmdResult<DraftView> {
    let (template, json) = scal_app::sample::sample_template().ok_or_else(|| {
        CmdError::new("This build has no bundled template to make a sample from.")
    })?;
    let dir = data.samples_dir();
    let path = dir.join(format!("{} (sample).scal", template.title));
    state.grant(&path);
    state.replace(|| {
        if !path.exists() {
            std::fs::create_dir_all(&dir).map_err(|e| {
                CmdError::new(format!(
                    "Could not create {}: {}.",
                    dir.display(),
                    scal_core::text::io_write_reason(&e)
                ))
            })?;
            let author = scal_store::default_author();
            let text = scal_app::source::TemplateText {
                json: json.into(),
                title: template.title.clone(),
                described: String::new(),
                workbook: None,
            };
            let mut draft = scal_app::open::create(&path, &text, &author)?;
            let answers = scal_app::sample::sample_answers(&template, today());
            draft.apply(&answers, &author)?;
            return Ok(OpenDraft {
                draft,
                read_only_reason: String::new(),
            });
        }
        Ok(OpenDraft {
            draft: scal_app::open::open(&path, scal_app::Mode::Edit)?,
            read_only_reason: String::new(),
        })
    })?;
    state.with(|o| remember_and_view(data, o))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failing test")]

    use super::*;

    /// Each link says where its valid-until date stands, in words: expired after its last
    /// valid day, expiring within the core's warning window (today and tomorrow by name),
    /// nothing otherwise or without a valid-until date.
    #[test]
    fn the_evidence_list_says_which_files_have_expired_or_expire_soon() {
        let dir = tempfile::tempdir().unwrap();
        let (_, json) = scal_app::sample::sample_template().unwrap();
        let mut draft = Draft::create(&dir.path().join("d.scal"), json, "Ada").unwrap();
        let item = draft.template().sections[0].items[0].id.clone();
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let until = [
            Some("2026-01-31"),
            Some("2026-02-01"),
            Some("2026-02-02"),
            Some("2026-03-22"),
            Some("2026-04-30"),
            None,
        ];
        for (n, u) in until.iter().enumerate() {
            let file = dir.path().join(format!("doc {n}.pdf"));
            #[allow(clippy::disallowed_methods, reason = "test fixture")]
            std::fs::write(&file, format!("%PDF-1.4 {n}")).unwrap();
            let dates = scal_core::EvidenceDates::new(Some(day("2025-02-01")), u.map(day)).unwrap();
            draft
                .attach_dated(&item, &file, dates, "Ada", &mut |_, _| {})
                .unwrap();
        }
        let lines = evidence_lines(&draft.evidence().unwrap(), day("2026-02-01"));
        let got: Vec<(Option<&str>, &str)> = lines
            .iter()
            .map(|l| (l.validity.as_deref(), l.validity_words.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Some("expired"), "Expired: valid until 2026-01-31"),
                (Some("expiring"), "Expiring: valid until 2026-02-01 (today)"),
                (
                    Some("expiring"),
                    "Expiring: valid until 2026-02-02 (tomorrow)"
                ),
                (
                    Some("expiring"),
                    "Expiring: valid until 2026-03-22 (in 49 days)"
                ),
                (None, ""),
                (None, ""),
            ]
        );
        assert_eq!(lines[0].entry.link.dated.as_deref(), Some("2025-02-01"));
    }

    /// Against a real draft: the history names the file attached and unlinked.
    #[test]
    fn the_history_names_the_file_attached_and_unlinked() {
        let dir = tempfile::tempdir().unwrap();
        let (_, json) = scal_app::sample::sample_template().unwrap();
        let mut draft = Draft::create(&dir.path().join("d.scal"), json, "Ada").unwrap();
        let item = draft.template().sections[0].items[0].id.clone();
        let file = dir.path().join("pen test 2026.pdf");
        #[allow(clippy::disallowed_methods, reason = "test fixture")]
        std::fs::write(&file, b"%PDF-1.4 report").unwrap();
        let link = draft.attach(&item, &file, "Ada", &mut |_, _| {}).unwrap();
        draft.detach(link.id, "Ada").unwrap();
        let details: Vec<String> = history(&draft, Some(&item))
            .unwrap()
            .into_iter()
            .map(|h| h.detail)
            .collect();
        let short = &link.file.sha256[..12];
        assert_eq!(
            details,
            [
                format!("Attached pen test 2026.pdf (SHA-256 {short}…)"),
                format!("Unlinked pen test 2026.pdf (SHA-256 {short}…)"),
            ]
        );
    }
}
