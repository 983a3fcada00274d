//! Building the DTOs the commands return from an open draft, and the few multi-step actions
//! (open the sample, attach off the UI thread) the commands share.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use scal_store::{Draft, EvidenceLink, HistoryEntry, HistoryEvent};

use crate::dto::*;
use crate::error::CmdResult;
use crate::recent::DataDir;
use crate::state::{AppState, OpenDraft};

/// The largest template file read (a real SCAL template is well under 1 MB).
const MAX_TEMPLATE_BYTES: u64 = 20 * 1024 * 1024;

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

/// (JSON, title) of a bundled template.
pub fn bundled_json(id: &str) -> CmdResult<(String, String)> {
    let json = scal_core::bundled_template_json(id)
        .ok_or_else(|| CmdError::new(format!("There is no bundled template \"{id}\".")))?;
    let title = scal_core::bundled_template(id)
        .map(|t| t.title)
        .unwrap_or_else(|| id.to_string());
    Ok((json.to_string(), title))
}

/// (JSON, title) of a template file, checked before any draft is made from it.
pub fn template_file_json(file: &Path) -> CmdResult<(String, String)> {
    // A named pipe would make the read wait forever: only a regular file is opened.
    let size = scal_store::fsutil::regular_file(file)
        .map_err(|why| {
            CmdError::new(crate::error::capitalise(&format!(
                "{}.",
                why.sentence(file, "a SCAL template (.json)")
            )))
        })?
        .len();
    if size > MAX_TEMPLATE_BYTES {
        return Err(CmdError::new(format!(
            "{} is {} MB, too large to be a SCAL template.",
            file.display(),
            size / (1024 * 1024)
        )));
    }
    let json = std::fs::read_to_string(file).map_err(|e| {
        CmdError::new(format!(
            "Could not read {}: {}.",
            file.display(),
            scal_core::text::io_reason(&e)
        ))
    })?;
    let template = scal_core::load_template(&json).map_err(|e| {
        CmdError::new(format!(
            "{} is not a valid SCAL template: {e}",
            file.display()
        ))
    })?;
    Ok((json, template.title))
}

pub fn recent_entry(draft: &Draft) -> RecentDraft {
    let t = draft.template();
    let percent = draft
        .state()
        .map(|s| scal_core::check(t, &s, today()).progress.percent)
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

pub fn draft_view(open: &OpenDraft) -> CmdResult<DraftView> {
    let d = &open.draft;
    let state = d.state()?;
    let report = scal_core::check(d.template(), &state, today());
    Ok(DraftView {
        path: d.path().display().to_string(),
        read_only: d.is_read_only(),
        read_only_reason: open.read_only_reason.clone(),
        review_mode: d.is_review(),
        template: d.template().into(),
        answers: state
            .answers
            .iter()
            .map(|(k, a)| (k.clone(), a.into()))
            .collect(),
        evidence: d.evidence()?.iter().map(evidence_dto).collect(),
        section_status: state.section_status.clone(),
        section_status_info: section_status_info(d)?,
        report: ReportDto::new(&report, d.template(), &state.answers),
        last_change: d.last_change_at()?.unwrap_or_default(),
        exports: d
            .exports()?
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
            .collect(),
        review: crate::review::review_state(d)?,
        workbook: d.source_workbook().map(|w| w.file_name.clone()),
    })
}

pub fn section_status_info(d: &Draft) -> CmdResult<BTreeMap<String, SectionStatusDto>> {
    Ok(d.section_statuses()?
        .into_iter()
        .map(|(section, s)| (section, status_dto(s)))
        .collect())
}

fn status_dto(s: scal_store::SectionStatus) -> SectionStatusDto {
    SectionStatusDto {
        status: s.status,
        at: s.at,
        by: s.by,
    }
}

pub fn section_status_result(d: &Draft, section: &str) -> CmdResult<SectionStatusResult> {
    let status = d
        .section_statuses()?
        .remove(section)
        .map(status_dto)
        .ok_or_else(|| CmdError::new(format!("Section \"{section}\" has no status yet.")))?;
    Ok(SectionStatusResult {
        section: section.to_string(),
        status,
        report: report(d)?,
    })
}

pub fn report(d: &Draft) -> CmdResult<ReportDto> {
    let state = d.state()?;
    let report = scal_core::check(d.template(), &state, today());
    Ok(ReportDto::new(&report, d.template(), &state.answers))
}

pub fn save_result(d: &Draft, item: &str) -> CmdResult<SaveResult> {
    let state = d.state()?;
    let report = scal_core::check(d.template(), &state, today());
    Ok(SaveResult {
        item: item.to_string(),
        answer: state
            .answers
            .get(item)
            .map(AnswerDto::from)
            .unwrap_or(AnswerDto {
                value: None,
                comment: String::new(),
            }),
        report: ReportDto::new(&report, d.template(), &state.answers),
        saved_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        changed: crate::review::changed(d)?,
        signoff_stale: d.signoff()?.is_some_and(|s| s.stale),
    })
}

pub fn evidence_dto(l: &EvidenceLink) -> EvidenceDto {
    EvidenceDto {
        link_id: l.id.to_string(),
        item: l.item.clone(),
        file_name: l.file_name.clone(),
        media_type: l.media_type.clone(),
        size: l.size,
        sha256: l.sha256.clone(),
        added_at: l.added_at.clone(),
    }
}

pub fn evidence_result(d: &Draft, deduplicated: bool) -> CmdResult<EvidenceResult> {
    Ok(EvidenceResult {
        evidence: d.evidence()?.iter().map(evidence_dto).collect(),
        report: report(d)?,
        deduplicated,
    })
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
            let had: std::collections::HashSet<String> =
                o.draft.evidence()?.into_iter().map(|l| l.sha256).collect();
            let mut progress = progress_sink(channel, "Attaching");
            let link =
                o.draft
                    .attach(&item, &path, &scal_store::default_author(), &mut progress)?;
            evidence_result(&o.draft, had.contains(&link.sha256))
        })
    })
    .await
    .map_err(|e| CmdError::new(format!("Attaching stopped unexpectedly: {e}.")))?
}

/// Writes a linked file out to `dir/<hash prefix>/<its name>` (once) and returns that path.
pub fn write_out_evidence(d: &Draft, link_id: &str, dir: &Path) -> CmdResult<PathBuf> {
    let link = d
        .evidence()?
        .into_iter()
        .find(|l| l.id.to_string() == link_id)
        .ok_or_else(|| {
            CmdError::new("That evidence link no longer exists: it may have been unlinked.")
        })?;
    let folder = dir.join(link.sha256.get(..16).unwrap_or(&link.sha256));
    let target = folder.join(&link.file_name);
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
    let tmp = scal_store::fsutil::sibling_temp_path(&target, "partial");
    let mut out = std::fs::File::create(&tmp).map_err(io_err)?;
    let written = d.extract(&link.sha256, &mut out);
    drop(out);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    std::fs::rename(&tmp, &target).map_err(io_err)?;
    Ok(target)
}

/// The history of one item (or section), or of the whole draft, newest last.
pub fn history(d: &Draft, item: Option<&str>) -> CmdResult<Vec<HistoryEntryDto>> {
    let t = d.template();
    Ok(d.history(item)?
        .iter()
        .map(|h| history_entry(t, h))
        .collect())
}

/// What a person calls an item (its requirement reference and label) or a section (its title),
/// and the section it belongs to.
pub fn name_of(t: &scal_core::Template, id: &str) -> (String, String) {
    if let Some((s, i)) = t.item(id) {
        let label = match i.requirement().and_then(|r| r.reference.as_deref()) {
            Some(r) => format!("{r}: {}", i.label),
            None => i.label.clone(),
        };
        return (label, s.id.clone());
    }
    match t.section(id) {
        Some(s) => (s.title.clone(), s.id.clone()),
        None => (id.to_string(), String::new()),
    }
}

pub fn history_entry(t: &scal_core::Template, h: &HistoryEntry) -> HistoryEntryDto {
    let side = |value: &Option<scal_core::Value>, comment: &Option<String>| {
        (value.is_some() || comment.is_some()).then(|| AnswerDto {
            value: value.as_ref().map(ValueDto::from),
            comment: comment.clone().unwrap_or_default(),
        })
    };
    let detail = history_detail(h);
    let (label, section) = name_of(t, &h.item);
    HistoryEntryDto {
        at: h.at.clone(),
        who: h.author.clone(),
        item: h.item.clone(),
        label,
        section,
        action: h.action().as_str().to_string(),
        detail,
        old: side(&h.old_value, &h.old_comment),
        new: side(&h.new_value, &h.new_comment),
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
        // The library's own words for carry and archive.
        other => other.reason().unwrap_or_default().to_string(),
    }
}

/// Opens the sample draft, making it first if it is not there yet.
pub fn open_sample(state: &AppState, data: &DataDir) -> CmdResult<DraftView> {
    let (template, json) = crate::sample::sample_template().ok_or_else(|| {
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
            let mut draft = Draft::create(&path, json, &author)?;
            let answers = crate::sample::sample_answers(&template, today());
            draft.apply(&answers, &author)?;
            return Ok(OpenDraft {
                draft,
                read_only_reason: String::new(),
            });
        }
        Ok(OpenDraft {
            draft: Draft::open(&path)?,
            read_only_reason: String::new(),
        })
    })?;
    state.with(|o| remember_and_view(data, o))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failing test")]

    use super::*;

    /// Against a real draft: the history names the file attached and unlinked.
    #[test]
    fn the_history_names_the_file_attached_and_unlinked() {
        let dir = tempfile::tempdir().unwrap();
        let (_, json) = crate::sample::sample_template().unwrap();
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
        let short = &link.sha256[..12];
        assert_eq!(
            details,
            [
                format!("Attached pen test 2026.pdf (SHA-256 {short}…)"),
                format!("Unlinked pen test 2026.pdf (SHA-256 {short}…)"),
            ]
        );
    }
}
