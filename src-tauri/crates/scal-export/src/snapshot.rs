//! Everything one export writes, read from the draft once, so the workbook, the PDF and the
//! manifest describe exactly the same state.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use scal_core::{Answer, Answers, Item, Report, Template};
use scal_store::{ArchivedAnswer, Draft, EvidenceLink, SectionStatus, SignoffStatus};

use crate::names::EvidenceNames;
use crate::ExportError;

/// The version written into every manifest and document property.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A draft as it stood when the export began.
#[derive(Debug)]
pub struct Snapshot {
    pub template: Template,
    /// The answers of the items shown; a hidden item's answer is not submitted.
    pub answers: Answers,
    /// Ids of the items shown for these answers.
    pub visible: HashSet<String>,
    pub links: Vec<EvidenceLink>,
    /// One entry per distinct evidence content, in the order first linked.
    pub files: Vec<EvidenceFile>,
    pub statuses: BTreeMap<String, SectionStatus>,
    pub report: Report,
    pub draft_id: String,
    /// The draft's file name without its extension, for titles and output names.
    pub draft_name: String,
    pub exported_at: DateTime<Utc>,
    pub today: NaiveDate,
    pub answers_digest: String,
    pub identity: Identity,
    /// The sign-off in force, and whether answers changed after it.
    pub signoff: Option<SignoffStatus>,
    /// Answers template upgrades archived (restored ones included, saying where they went):
    /// exported in an appendix, never as answers.
    pub archived: Vec<ArchivedAnswer>,
    /// Review threads still open when exported.
    pub open_reviews: usize,
    /// After an assessor's workbook came back (`Draft::import_review`): every review thread and
    /// what was done about it, for the "Response to review" part.
    pub review_response: Option<ReviewResponse>,
}

/// The "Response to review" part of a resubmission, the same in the PDF and the workbook.
#[derive(Debug, Clone)]
pub struct ReviewResponse {
    /// The returned workbooks read, oldest first.
    pub imports: Vec<scal_store::ReviewImportInfo>,
    /// When the submission the assessor reviewed was exported (the export whose workbook came
    /// back last), which "what changed" is measured from.
    pub submitted_at: Option<String>,
    pub rows: Vec<ResponseRow>,
}

/// One review thread: the assessor's remark, the supplier's reply, what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseRow {
    pub item: String,
    /// The item's label (its requirement ID first, where it has one) or the section's title.
    pub label: String,
    /// "A. Assessor: text", a proposed change saying what it proposed.
    pub remark: String,
    /// The replies, one line each, "name: text"; empty when none.
    pub reply: String,
    /// What changed on the item since the reviewed submission, in words.
    pub changed: String,
    pub resolved: bool,
}

/// The names a reviewer looks for first: who supplies what, at which version.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    pub supplier: Option<String>,
    pub product: Option<String>,
    pub product_version: Option<String>,
}

/// One evidence content as it goes into the pack.
#[derive(Debug, Clone)]
pub struct EvidenceFile {
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    /// The safe, unique name inside the pack's `evidence/` folder.
    pub pack_name: String,
    /// The name it was attached under (the first, when attached under several).
    pub original_name: String,
    /// The items it is linked to, in template order, without repeats.
    pub items: Vec<String>,
    /// The document's own date and valid-until date, from the first link that gives them.
    pub dates: scal_core::EvidenceDates,
}

impl Snapshot {
    pub fn read(
        draft: &Draft,
        exported_at: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Snapshot, ExportError> {
        let template = draft.template().clone();
        let state = draft.state()?;
        let report = scal_core::check(&template, &state, today);
        let answers_digest = scal_store::answers_digest(&state.answers);
        let visible = scal_core::visible_items(&template, &state.answers);
        let answers: Answers = state
            .answers
            .into_iter()
            .filter(|(id, _)| visible.contains(id))
            .collect();
        let links: Vec<EvidenceLink> = draft
            .evidence()?
            .into_iter()
            .filter(|l| visible.contains(&l.item))
            .collect();
        let statuses = draft.section_statuses()?;
        let signoff = draft.signoff()?;
        let archived = draft.archived_answers()?;
        let open_reviews = draft.open_review_threads()?;
        let review_response = ReviewResponse::read(draft, &template, &answers)?;
        let files = evidence_files(&template, &links);
        let identity = Identity::find(&template, &answers);
        let draft_name = draft
            .path()
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "draft".to_string());
        Ok(Snapshot {
            answers_digest,
            template,
            answers,
            visible,
            links,
            files,
            statuses,
            report,
            draft_id: draft.draft_id().to_string(),
            draft_name,
            exported_at,
            today,
            identity,
            signoff,
            open_reviews,
            archived,
            review_response,
        })
    }

    /// The title of the archived-answers appendix: "Archived answers (from template ers
    /// 11.0.0)", or "(from earlier template versions)" when they come from several.
    pub fn archived_title(&self) -> String {
        let mut versions: Vec<String> = self
            .archived
            .iter()
            .map(|a| format!("{} {}", a.template_id, a.template_version))
            .collect();
        versions.sort();
        versions.dedup();
        match versions.as_slice() {
            [one] => format!("Archived answers (from template {one})"),
            _ => "Archived answers (from earlier template versions)".to_string(),
        }
    }

    /// The sign-off page's lines, the same in the PDF and the workbook: (label, text, warn),
    /// `warn` marking a line a reviewer must not miss (a stale sign-off, none at all).
    pub fn signoff_lines(&self) -> Vec<(&'static str, String, bool)> {
        let mut lines = match &self.signoff {
            None => vec![(
                "Signed off by",
                "Not signed off: nobody has signed this draft off".to_string(),
                true,
            )],
            Some(s) => {
                let o = &s.signoff;
                vec![
                    ("Signed off by", o.name.clone(), false),
                    ("Role", o.role.clone(), false),
                    ("Date", o.signed_on.format("%Y-%m-%d").to_string(), false),
                    if s.stale {
                        (
                            "Sign-off status",
                            "STALE: answers changed after this sign-off, so it does not cover the answers submitted".to_string(),
                            true,
                        )
                    } else {
                        (
                            "Sign-off status",
                            "Current: the answers submitted are the answers signed off".to_string(),
                            false,
                        )
                    },
                ]
            }
        };
        lines.push((
            "Open review comments",
            match self.open_reviews {
                0 => "None".to_string(),
                1 => "1 review thread is still open".to_string(),
                n => format!("{n} review threads are still open"),
            },
            self.open_reviews > 0,
        ));
        lines
    }

    /// A section applies unless everything in it is hidden (a service the product does not
    /// use): one that does not apply is left out of the workbook and the PDF.
    pub fn applies(&self, section: &scal_core::Section) -> bool {
        section.items.is_empty() || section.items.iter().any(|i| self.visible.contains(&i.id))
    }

    pub fn answer(&self, item: &str) -> Option<&Answer> {
        self.answers.get(item)
    }

    /// The evidence files linked to one item, in the order linked.
    pub fn files_of(&self, item: &str) -> Vec<&EvidenceFile> {
        let mut out: Vec<&EvidenceFile> = Vec::new();
        for link in self.links.iter().filter(|l| l.item == item) {
            if let Some(f) = self.files.iter().find(|f| f.sha256 == link.file.sha256) {
                if !out.iter().any(|o| o.sha256 == f.sha256) {
                    out.push(f);
                }
            }
        }
        out
    }

    /// "Supplier — Product 1.2" or the template title when the draft names neither.
    pub fn headline(&self) -> String {
        let id = &self.identity;
        let product = match (&id.product, &id.product_version) {
            (Some(p), Some(v)) => Some(format!("{p} {v}")),
            (Some(p), None) => Some(p.clone()),
            (None, _) => None,
        };
        match (&id.supplier, product) {
            (Some(s), Some(p)) => format!("{s} \u{2014} {p}"),
            (Some(s), None) => s.clone(),
            (None, Some(p)) => p,
            (None, None) => self.template.title.clone(),
        }
    }

    /// The export time as people read it: `2026-05-01 14:03 UTC`.
    pub fn exported_at_text(&self) -> String {
        self.exported_at.format("%Y-%m-%d %H:%M UTC").to_string()
    }
}

impl Identity {
    /// Finds the supplier name, product name and product version among the template's items by
    /// their labels: templates name these fields differently, but always in these words.
    fn find(template: &Template, answers: &Answers) -> Identity {
        let value_of = |pred: &dyn Fn(&str) -> bool| -> Option<String> {
            template
                .items()
                .filter(|(_, item)| pred(&item.label.to_lowercase()))
                .find_map(|(_, item)| answered_text(item, answers))
        };
        Identity {
            supplier: value_of(&|l| {
                l.contains("supplier") && (l.contains("name") || l.contains("organisation"))
            }),
            product: value_of(&|l| l.contains("product") && l.contains("name")),
            product_version: value_of(&|l| l.contains("product") && l.contains("version")),
        }
    }
}

fn answered_text(item: &Item, answers: &Answers) -> Option<String> {
    let answer = answers.get(&item.id)?;
    if !scal_core::answer::is_answered(Some(answer)) {
        return None;
    }
    answer
        .value
        .as_ref()
        .map(|v| v.display().trim().to_string())
}

/// One entry per distinct content, named safely and uniquely for the pack.
fn evidence_files(template: &Template, links: &[EvidenceLink]) -> Vec<EvidenceFile> {
    let order: BTreeMap<&str, usize> = template
        .items()
        .enumerate()
        .map(|(i, (_, item))| (item.id.as_str(), i))
        .collect();
    let mut names = EvidenceNames::default();
    let mut files: Vec<EvidenceFile> = Vec::new();
    for link in links {
        if let Some(f) = files.iter_mut().find(|f| f.sha256 == link.file.sha256) {
            if !f.items.contains(&link.item) {
                f.items.push(link.item.clone());
            }
            if f.dates.is_empty() {
                f.dates = link.dates;
            }
            continue;
        }
        files.push(EvidenceFile {
            sha256: link.file.sha256.clone(),
            size: link.file.size,
            media_type: link.file.media_type.clone(),
            pack_name: names.claim(&link.file.file_name),
            original_name: link.file.file_name.clone(),
            items: vec![link.item.clone()],
            dates: link.dates,
        });
    }
    for f in &mut files {
        f.items
            .sort_by_key(|i| order.get(i.as_str()).copied().unwrap_or(usize::MAX));
    }
    files
}

impl ReviewResponse {
    /// `None` until a returned workbook has been imported.
    fn read(
        draft: &Draft,
        template: &Template,
        answers: &Answers,
    ) -> Result<Option<ReviewResponse>, ExportError> {
        let imports = draft.review_imports()?;
        let Some(last) = imports.last() else {
            return Ok(None);
        };
        let submitted = match last.export_id {
            Some(export) => draft
                .snapshots()?
                .into_iter()
                .find(|s| s.export_id == Some(export)),
            None => None,
        };
        let before = match &submitted {
            Some(s) => Some(draft.snapshot_state(s.id)?.answers),
            None => None,
        };
        let rows = draft
            .review_threads(None)?
            .into_iter()
            .map(|t| {
                let label = match template.item(t.item()) {
                    Some((_, item)) => {
                        let reference = item.requirement().and_then(|r| r.reference.clone());
                        match reference.filter(|r| !r.is_empty()) {
                            Some(r) => format!("{r} {}", item.label),
                            None => item.label.clone(),
                        }
                    }
                    None => template
                        .section(t.item())
                        .map_or_else(|| t.item().to_string(), |s| s.title.clone()),
                };
                let mut remark = format!("{}: {}", t.root.author, t.root.body);
                if let Some(p) = &t.root.proposed {
                    remark = format!(
                        "{}: proposed the {} \"{}\" (was \"{}\")",
                        t.root.author,
                        p.field.as_str(),
                        p.text,
                        p.was
                    );
                }
                let reply = t
                    .replies
                    .iter()
                    .map(|r| format!("{}: {}", r.author, r.body))
                    .collect::<Vec<_>>()
                    .join("\n");
                let changed = match &before {
                    Some(before) if template.item(t.item()).is_some() => {
                        changed_words(before.get(t.item()), answers.get(t.item()))
                    }
                    Some(_) => "\u{2014}".to_string(),
                    None => "not known (the reviewed workbook was not an export)".to_string(),
                };
                ResponseRow {
                    item: t.item().to_string(),
                    label,
                    remark,
                    reply,
                    changed,
                    resolved: !t.is_open(),
                }
            })
            .collect();
        Ok(Some(ReviewResponse {
            imports,
            submitted_at: submitted.map(|s| s.at),
            rows,
        }))
    }
}

/// What changed on one item between the reviewed submission and now, in words.
fn changed_words(before: Option<&Answer>, now: Option<&Answer>) -> String {
    let value = |a: Option<&Answer>| {
        a.and_then(|a| a.value.as_ref())
            .map(|v| v.display())
            .unwrap_or_default()
    };
    let comment = |a: Option<&Answer>| a.map(|a| a.comment.clone()).unwrap_or_default();
    let mut parts = Vec::new();
    let (v0, v1) = (value(before), value(now));
    if v0 != v1 {
        let shown = |v: &str| {
            if v.is_empty() {
                "(none)".to_string()
            } else {
                format!("\"{v}\"")
            }
        };
        parts.push(format!("answer {} \u{2192} {}", shown(&v0), shown(&v1)));
    }
    if comment(before) != comment(now) {
        parts.push("comment changed".to_string());
    }
    if parts.is_empty() {
        "no change".to_string()
    } else {
        parts.join("; ")
    }
}
