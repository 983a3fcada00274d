//! Completeness: a pure function of (template, answers, evidence, section statuses, today)
//! giving the issues that stand between this draft and a submission, and progress.
//!
//! The rules, each named by a constant in [`rules`] (the names are a contract: the CLI, the app
//! and other tools filter on them):
//!
//! | rule                          | severity | fires when (the item being visible)                          |
//! |-------------------------------|----------|--------------------------------------------------------------|
//! | `required`                    | blocking | a required item has no answer (a placeholder is none), or a required evidence slot has no file |
//! | `invalid_value`               | blocking | the stored value is not one [`normalize`](crate::answer::normalize) accepts             |
//! | `other_unstated`              | blocking | "Other" is chosen with nothing stated after it               |
//! | `mitigation_required`         | blocking | a declaration, requirement or yes/no-with-comment is not met or partly met ("No") with no comment |
//! | `justification_required`      | blocking | a requirement or declaration is not applicable ("Out of Scope") with no comment |
//! | `must_not_met`                | blocking | a MUST requirement is not met or only partly met (mitigation or not) |
//! | `should_not_met`              | warning  | a SHOULD requirement is not met or only partly met           |
//! | `statement_required`          | blocking | a supplier-statement requirement is met ("Yes") with no comment |
//! | `evidence_required`           | blocking | an evidence requirement is met ("Yes") with no evidence on the row; a conformance-report one also with none in a slot of its section |
//! | `date_stale`                  | blocking | a within-12-months date is older than 12 months (the answered date, or the own date of the evidence behind it where that is older) |
//! | `evidence_expired`            | either   | a linked document's valid-until date has passed: blocking when the item needs evidence and none of its files is still valid, else a warning |
//! | `evidence_expiring`           | warning  | a linked document's valid-until date is 60 days away or less |
//! | `date_outside_financial_year` | blocking | a current-financial-year date is outside 1 April–31 March    |
//! | `date_in_future`              | either   | blocking for a not-future date; a warning for the other rules |
//! | `unacknowledged`              | warning  | guidance to acknowledge is not acknowledged                  |
//! | `hidden_answer`               | warning  | a hidden item holds an answer, comment or evidence (it will not be submitted) |
//! | `section_not_complete`        | warning  | a section with a status is not marked Complete               |
//! | `status_contradiction`        | blocking | a section marked Complete still has blocking issues          |
//! | `reconfirm_needed`            | warning  | an answer carried by a template upgrade waits to be re-confirmed against the item's new wording |
//! | `review_open`                 | warning  | a review thread on the item (or its section) is still open: reply and resolve it before submitting |
//! | `dos_too_long`                | warning  | (the `dos` profile only) an answer or comment is longer than the Digital Onboarding Service takes: 2,000 characters, counted in UTF-16 code units as a browser counts them |
//!
//! Answers are judged by what they mean ([`Meaning`], from [`Item::meaning_of`]: the template's
//! explicit `meanings`, else the words), so "Compliant / Semi-compliant / Non-compliant / N/a"
//! is checked as "Yes / No / Out of Scope" is. A MUST only partly met is not met: it blocks.
//!
//! The report also says, per visible item, what it needs ([`ItemNeeds`]: the comment box its
//! answer calls for, with its label, whether it is required and why; the evidence it takes;
//! whether the value is only a placeholder). The same judgements raise the issues above, so a
//! face shows these and derives none of them.
//!
//! Invariant: [`Report::complete`] is true exactly when no issue is blocking, and `check` never
//! panics, whatever the answers hold (they may come from imports and hand-edited files).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::answer::{self, Answers, Value};
use crate::evidence::DatedFile;
use crate::template::{
    Assessment, Condition, DateRule, Item, ItemKind, Level, Meaning, Section, Template, OTHER,
};
use crate::CoreError;

/// The stable names of the completeness rules, as they appear in [`Issue::rule`].
pub mod rules {
    pub const REQUIRED: &str = "required";
    pub const INVALID_VALUE: &str = "invalid_value";
    pub const OTHER_UNSTATED: &str = "other_unstated";
    pub const MITIGATION_REQUIRED: &str = "mitigation_required";
    pub const JUSTIFICATION_REQUIRED: &str = "justification_required";
    pub const MUST_NOT_MET: &str = "must_not_met";
    pub const SHOULD_NOT_MET: &str = "should_not_met";
    pub const STATEMENT_REQUIRED: &str = "statement_required";
    pub const EVIDENCE_REQUIRED: &str = "evidence_required";
    pub const DATE_STALE: &str = "date_stale";
    pub const DATE_OUTSIDE_FINANCIAL_YEAR: &str = "date_outside_financial_year";
    pub const DATE_IN_FUTURE: &str = "date_in_future";
    pub const UNACKNOWLEDGED: &str = "unacknowledged";
    pub const HIDDEN_ANSWER: &str = "hidden_answer";
    pub const SECTION_NOT_COMPLETE: &str = "section_not_complete";
    pub const STATUS_CONTRADICTION: &str = "status_contradiction";
    pub const RECONFIRM_NEEDED: &str = "reconfirm_needed";
    pub const EVIDENCE_EXPIRED: &str = "evidence_expired";
    pub const EVIDENCE_EXPIRING: &str = "evidence_expiring";
    pub const REVIEW_OPEN: &str = "review_open";
    /// Only under the Digital Onboarding Service profile ([`super::Profile::Dos`]).
    pub const DOS_TOO_LONG: &str = "dos_too_long";

    /// Every rule name, in the order of the table in the module documentation.
    pub const ALL: &[&str] = &[
        REQUIRED,
        INVALID_VALUE,
        OTHER_UNSTATED,
        MITIGATION_REQUIRED,
        JUSTIFICATION_REQUIRED,
        MUST_NOT_MET,
        SHOULD_NOT_MET,
        STATEMENT_REQUIRED,
        EVIDENCE_REQUIRED,
        DATE_STALE,
        DATE_OUTSIDE_FINANCIAL_YEAR,
        DATE_IN_FUTURE,
        UNACKNOWLEDGED,
        HIDDEN_ANSWER,
        SECTION_NOT_COMPLETE,
        STATUS_CONTRADICTION,
        RECONFIRM_NEEDED,
        EVIDENCE_EXPIRED,
        EVIDENCE_EXPIRING,
        REVIEW_OPEN,
        DOS_TOO_LONG,
    ];
}

/// The section status that says a section is finished.
pub const STATUS_COMPLETE: &str = "Complete";

/// What the completeness rules need to know about a draft besides its answers.
#[derive(Debug, Clone, Default)]
pub struct DraftState {
    pub answers: Answers,
    /// Item ids that have at least one evidence file linked (evidence slots included).
    pub evidence: BTreeMap<String, usize>,
    /// The files linked to each item that carry a document date or a valid-until date.
    pub evidence_dates: BTreeMap<String, Vec<DatedFile>>,
    /// Section id -> "In Progress" | "Complete".
    pub section_status: BTreeMap<String, String>,
    /// Items whose answer a template upgrade carried over although the wording changed (or the
    /// old value no longer fitted), not yet re-confirmed (see `scal_core::upgrade`).
    pub reconfirm: BTreeSet<String>,
    /// Review threads still open, counted by the item or section they are on.
    pub open_reviews: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Blocking,
    Warning,
}

/// One thing still missing or wrong, in words a person understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// The item the issue is about; empty for an issue about the whole section (its status).
    pub item: String,
    pub section: String,
    pub severity: Severity,
    /// Stable rule name, one of [`rules::ALL`], e.g. `required`, `must_not_met`.
    pub rule: &'static str,
    pub message: String,
}

/// How far a section has got.
///
/// What counts: a visible item counts towards `total` when it takes a response (an answerable
/// item, acknowledgeable guidance included, or an evidence slot) and it is either required or
/// already answered. So an optional question adds to `total` and `answered` together once it is
/// answered, and never holds progress back while it is not; hidden items and plain guidance
/// never count. `answered` counts those with a real response (not a placeholder; a value that
/// breaks a rule still counts as answered, the rule raises its own issue) or, for a slot, at
/// least one file. Hence `answered <= total`, and `percent` is in [0, 100]; a section with
/// nothing to answer is 100%.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionProgress {
    pub section: String,
    pub title: String,
    /// Items that need an answer (see the type's documentation for what counts).
    pub total: usize,
    pub answered: usize,
    pub blocking: usize,
    pub warnings: usize,
    pub percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub total: usize,
    pub answered: usize,
    pub percent: f64,
    pub sections: Vec<SectionProgress>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// True exactly when there is no blocking issue.
    pub complete: bool,
    pub progress: Progress,
    /// In template order (a section's own issues before its items'), blocking before warnings
    /// for the same item.
    pub issues: Vec<Issue>,
    /// What each visible item needs of the person answering it now, by item id (hidden items
    /// have no entry). The same judgements raise the issues, so a face shows these instead of
    /// deriving them: a comment `missing` here is exactly a `mitigation_required`,
    /// `justification_required` or `statement_required` issue, evidence `missing` exactly an
    /// `evidence_required` (or, for a slot, `required`) issue.
    pub needs: BTreeMap<String, ItemNeeds>,
}

/// What one visible item asks for, given the draft as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemNeeds {
    /// It has a real response (not a placeholder); for an evidence slot, at least one file. As
    /// progress counts it.
    pub answered: bool,
    /// The stored value is a template placeholder ("Please select…"), not an answer.
    pub placeholder: bool,
    /// What the (valid) answer means, for items whose answers mean something.
    pub meaning: Option<Meaning>,
    /// The comment box this answer calls for; `None` when the item takes no comment with it.
    pub comment: Option<CommentNeed>,
    /// The evidence the item takes by its template (an evidence slot, an evidence or
    /// conformance-report requirement); `None` when it takes none.
    pub evidence: Option<EvidenceNeed>,
}

/// What an item's comment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentKind {
    /// How the risk is handled while the answer is not (or only partly) met.
    Mitigation,
    /// Why the item does not apply ("Out of Scope", "N/A").
    Justification,
    /// The supplier's statement, for a requirement assessed by statement.
    Statement,
    /// Free notes, never required.
    Notes,
}

impl CommentKind {
    /// The comment box's label.
    pub fn label(self) -> &'static str {
        match self {
            CommentKind::Mitigation => "Mitigation",
            CommentKind::Justification => "Justification",
            CommentKind::Statement => "Supplier statement",
            CommentKind::Notes => "Additional notes",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommentNeed {
    pub kind: CommentKind,
    /// The box's label, e.g. "Mitigation".
    pub label: &'static str,
    /// The answer requires the comment (whether or not it is written yet).
    pub required: bool,
    /// Required and not written (blank or a placeholder): a blocking issue says so.
    pub missing: bool,
    /// Why it is required, the sentence shown by the box (e.g. "A mitigation is needed: this
    /// MUST is not met. …"); empty when it is not required.
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceNeed {
    /// The answer requires evidence (an evidence row answered met; a required slot).
    pub required: bool,
    /// Required and none attached where it counts: a blocking issue says so.
    pub missing: bool,
    /// Why it is required; empty when it is not.
    pub why: String,
}

/// What the check prepares the draft for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// The workbook NHS England assesses.
    #[default]
    Workbook,
    /// NHS England's Digital Onboarding Service, the online SCAL: a free-text answer or
    /// comment there takes at most [`DOS_TEXT_MAX`] characters.
    Dos,
}

/// The longest free text the Digital Onboarding Service takes, in UTF-16 code units (what a
/// browser's `maxlength` counts).
pub const DOS_TEXT_MAX: usize = 2000;

/// Runs every completeness rule over a draft, for the workbook. Pure: `today` is passed in so
/// that date rules can be tested, and nothing here reads a clock or a file.
pub fn check(template: &Template, state: &DraftState, today: NaiveDate) -> Report {
    check_for(template, state, today, Profile::Workbook)
}

/// [`check`], for a given submission route: the `dos` profile adds `dos_too_long` warnings.
pub fn check_for(
    template: &Template,
    state: &DraftState,
    today: NaiveDate,
    profile: Profile,
) -> Report {
    let items: Vec<&Item> = template.sections.iter().flat_map(|s| &s.items).collect();
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        // A template from `load_template` has unique ids; for one built by hand the first wins,
        // as it does for `Template::item`.
        index.entry(item.id.as_str()).or_insert(i);
    }
    let visible = visibility(template, &items, &index, &state.answers);
    // Looked up once per item: hashed rather than searched in the ordered map.
    let answers: HashMap<&str, &answer::Answer> =
        state.answers.iter().map(|(k, a)| (k.as_str(), a)).collect();
    let evidence: HashMap<&str, usize> = state
        .evidence
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    let dated: HashMap<&str, &[DatedFile]> = state
        .evidence_dates
        .iter()
        .map(|(k, files)| (k.as_str(), files.as_slice()))
        .collect();
    let ctx = Ctx {
        state,
        answers,
        evidence,
        dated,
        today,
        profile,
    };

    let mut issues = Vec::new();
    let mut needs = BTreeMap::new();
    let mut sections = Vec::with_capacity(template.sections.len());
    let mut flat = 0usize;
    for section in &template.sections {
        let first = flat;
        flat += section.items.len();
        let shown = visible.get(first..flat).unwrap_or_default();
        let section_shown = section.visible_when.as_ref().is_none_or(|c| {
            let controller_shown = index
                .get(c.item.as_str())
                .and_then(|&i| visible.get(i))
                .copied()
                .unwrap_or(true);
            controller_shown
                && condition_holds(c, state.answers.get(&c.item).and_then(|a| a.value.as_ref()))
        });
        let (section_issues, progress) = check_section(
            &ctx,
            section,
            section_shown,
            shown,
            (&items, &index),
            &mut needs,
        );
        issues.extend(section_issues);
        sections.push(progress);
    }

    let total = sections.iter().map(|s| s.total).sum();
    let answered = sections.iter().map(|s| s.answered).sum();
    Report {
        complete: !issues.iter().any(|i| i.severity == Severity::Blocking),
        progress: Progress {
            total,
            answered,
            percent: percent(answered, total),
            sections,
        },
        issues,
        needs,
    }
}

struct Ctx<'a> {
    state: &'a DraftState,
    answers: HashMap<&'a str, &'a answer::Answer>,
    evidence: HashMap<&'a str, usize>,
    dated: HashMap<&'a str, &'a [DatedFile]>,
    today: NaiveDate,
    profile: Profile,
}

impl<'a> Ctx<'a> {
    fn dated_files(&self, item: &str) -> &'a [DatedFile] {
        self.dated.get(item).copied().unwrap_or_default()
    }

    /// The oldest own date among the documents behind a date item: those linked to it, and
    /// those in the evidence slot it names.
    fn oldest_document(&self, item: &Item, slot: Option<&str>) -> Option<(&'a str, NaiveDate)> {
        self.dated_files(&item.id)
            .iter()
            .chain(slot.map_or(&[][..], |s| self.dated_files(s)))
            .filter_map(|f| f.dates.dated.map(|d| (f.file_name.as_str(), d)))
            .min_by_key(|(name, d)| (*d, *name))
    }

    fn has_evidence(&self, item: &Item) -> bool {
        self.evidence.get(item.id.as_str()).is_some_and(|n| *n > 0)
    }

    fn facts(&self, item: &Item) -> Facts<'a> {
        Facts {
            stored: self.answers.get(item.id.as_str()).copied(),
            evidence: self.has_evidence(item),
        }
    }
}

/// What the draft holds for one item, looked up once (the maps are keyed by string).
struct Facts<'a> {
    stored: Option<&'a answer::Answer>,
    evidence: bool,
}

fn check_section(
    ctx: &Ctx<'_>,
    section: &Section,
    section_shown: bool,
    shown: &[bool],
    (all_items, index): (&[&Item], &HashMap<&str, usize>),
    needs: &mut BTreeMap<String, ItemNeeds>,
) -> (Vec<Issue>, SectionProgress) {
    let is_shown = |pos: usize| shown.get(pos).copied().unwrap_or(true);
    // A conformance-report row is satisfied by the report attached to any (visible) slot of
    // its section, as the workbook embeds it once at the head of the tab.
    let slot_has_evidence = section.items.iter().enumerate().any(|(pos, item)| {
        matches!(item.kind, ItemKind::EvidenceSlot) && is_shown(pos) && ctx.has_evidence(item)
    });

    let mut found = Vec::new();
    let (mut total, mut answered) = (0usize, 0usize);
    for (pos, item) in section.items.iter().enumerate() {
        let mut out = Out {
            section: &section.id,
            section_title: &section.title,
            item,
            issues: Vec::new(),
        };
        let facts = ctx.facts(item);
        if !is_shown(pos) {
            hidden_answer(item, &facts, all_items, index, &mut out);
        } else {
            let item_needs = check_item(ctx, item, &facts, slot_has_evidence, &mut out);
            evidence_validity(ctx, item, &item_needs, &mut out);
            if ctx.profile == Profile::Dos {
                dos_lengths(item, facts.stored, &mut out);
            }
            // Progress counts what the needs call answered: a real response, or a slot's file.
            let takes_response =
                matches!(item.kind, ItemKind::EvidenceSlot) || item.is_answerable();
            if takes_response && (item.required || item_needs.answered) {
                total += 1;
                answered += usize::from(item_needs.answered);
            }
            // As for `Template::item`, the first of two items sharing an id wins.
            needs.entry(item.id.clone()).or_insert(item_needs);
            if ctx.state.reconfirm.contains(&item.id) {
                out.warning(
                    rules::RECONFIRM_NEEDED,
                    format!(
                        "{} was carried over from the previous template version, whose wording or responses differ: check the answer still holds, then confirm it.",
                        Name(item)
                    ),
                );
            }
        }
        if is_shown(pos) {
            if let Some(&n) = ctx.state.open_reviews.get(&item.id).filter(|n| **n > 0) {
                out.warning(
                    rules::REVIEW_OPEN,
                    open_review_message(&Name(item).to_string(), n),
                );
            }
        }
        // Stable: issues of one item keep the order the rules raised them within a severity.
        out.issues.sort_by_key(|i| i.severity);
        found.extend(out.issues);
    }

    let mut head = Vec::new();
    // A section that is not asked (its condition fails) has no status to set.
    if section.has_status && section_shown {
        let blocking = found
            .iter()
            .filter(|i| i.severity == Severity::Blocking)
            .count();
        let status = ctx
            .state
            .section_status
            .get(&section.id)
            .map(|s| s.trim())
            .filter(|s| !answer::is_placeholder(s));
        let title = &section.title;
        let section_issue = |severity, rule, message| Issue {
            item: String::new(),
            section: section.id.clone(),
            severity,
            rule,
            message,
        };
        match status {
            Some(s) if s.eq_ignore_ascii_case(STATUS_COMPLETE) => {
                if blocking > 0 {
                    head.push(section_issue(
                        Severity::Blocking,
                        rules::STATUS_CONTRADICTION,
                        format!(
                            "Section \"{title}\" is marked Complete but still has {blocking} blocking {}: resolve {} or set the status back to In Progress.",
                            if blocking == 1 { "issue" } else { "issues" },
                            if blocking == 1 { "it" } else { "them" },
                        ),
                    ));
                }
            }
            Some(s) => head.push(section_issue(
                Severity::Warning,
                rules::SECTION_NOT_COMPLETE,
                format!(
                    "Section \"{title}\" is marked \"{}\", not Complete: mark it Complete when every answer in it is final.",
                    shown_value(s)
                ),
            )),
            None => head.push(section_issue(
                Severity::Warning,
                rules::SECTION_NOT_COMPLETE,
                format!(
                    "Section \"{title}\" has no status yet: mark it Complete when every answer in it is final."
                ),
            )),
        }
    }
    if section_shown {
        if let Some(&n) = ctx.state.open_reviews.get(&section.id).filter(|n| **n > 0) {
            head.push(Issue {
                item: String::new(),
                section: section.id.clone(),
                severity: Severity::Warning,
                rule: rules::REVIEW_OPEN,
                message: open_review_message(&format!("Section \"{}\"", section.title), n),
            });
        }
    }
    head.extend(found);

    let blocking = head
        .iter()
        .filter(|i| i.severity == Severity::Blocking)
        .count();
    let progress = SectionProgress {
        section: section.id.clone(),
        title: section.title.clone(),
        total,
        answered,
        blocking,
        warnings: head.len() - blocking,
        percent: percent(answered, total),
    };
    (head, progress)
}

/// Collects the issues of one item.
struct Out<'a> {
    section: &'a str,
    section_title: &'a str,
    item: &'a Item,
    issues: Vec<Issue>,
}

impl Out<'_> {
    fn push(&mut self, severity: Severity, rule: &'static str, message: String) {
        self.issues.push(Issue {
            item: self.item.id.clone(),
            section: self.section.to_string(),
            severity,
            rule,
            message,
        });
    }

    fn blocking(&mut self, rule: &'static str, message: String) {
        self.push(Severity::Blocking, rule, message);
    }

    fn warning(&mut self, rule: &'static str, message: String) {
        self.push(Severity::Warning, rule, message);
    }
}

/// What a warning says of `n` review threads still open on `what` (an item's name, a section).
fn open_review_message(what: &str, n: usize) -> String {
    let threads = if n == 1 {
        "1 review thread".to_string()
    } else {
        format!("{n} review threads")
    };
    let it = if n == 1 { "it" } else { "them" };
    format!("{what} has {threads} still open: reply to the reviewer and resolve {it} before you submit.")
}

/// The issues of one visible item, and what it needs of the person answering it. The needs and
/// the issues come from the same judgements ([`comment_ask`], [`evidence_ask`]) on the same
/// normalized value and meaning, so what the app flags is what blocks.
fn check_item(
    ctx: &Ctx<'_>,
    item: &Item,
    facts: &Facts<'_>,
    slot_has_evidence: bool,
    out: &mut Out<'_>,
) -> ItemNeeds {
    let name = Name(item);
    let stored = facts.stored;
    let comment_missing = stored.is_none_or(|a| answer::is_placeholder(&a.comment));
    let mut needs = ItemNeeds {
        answered: answer::is_answered(stored),
        placeholder: shows_placeholder(stored),
        meaning: None,
        comment: None,
        evidence: None,
    };
    match &item.kind {
        ItemKind::EvidenceSlot => {
            needs.answered = facts.evidence;
            needs.placeholder = false;
            if let Some(ask) = evidence_ask(item, None) {
                let need = evidence_need(ask, facts.evidence, slot_has_evidence);
                if need.missing {
                    out.blocking(
                        rules::REQUIRED,
                        format!(
                            "{name} has no file attached: attach the document before submitting."
                        ),
                    );
                }
                needs.evidence = Some(need);
            }
            return needs;
        }
        ItemKind::Guidance { acknowledge, .. } => {
            if !*acknowledge {
                needs.answered = false;
                needs.placeholder = false;
                return needs;
            }
            // Reading guidance is asked for, not enforced: a warning, never `required`.
            if !answer::is_answered(stored) {
                out.warning(
                    rules::UNACKNOWLEDGED,
                    format!("{name} has not been acknowledged: read it and mark it Acknowledged."),
                );
                return needs;
            }
        }
        _ => {}
    }

    // What the item asks before it has a (valid) answer: the box it offers, nothing required.
    let unjudged = |mut needs: ItemNeeds| {
        needs.comment = comment_ask(item, None).map(|a| comment_need(a, comment_missing));
        needs.evidence =
            evidence_ask(item, None).map(|a| evidence_need(a, facts.evidence, slot_has_evidence));
        needs
    };
    let Some(value) = stored.and_then(|a| a.value.as_ref()).and_then(real_value) else {
        if item.required {
            out.blocking(rules::REQUIRED, required_message(&name, stored));
        }
        return unjudged(needs);
    };
    let value = match answer::normalize_item(item, value) {
        Ok(v) => v,
        Err(e) => {
            out.blocking(rules::INVALID_VALUE, invalid_message(&name, &e));
            return unjudged(needs);
        }
    };
    // Rules judge what the answer means, never its words: "Non-compliant" is checked as "No".
    let answered = value.as_one().unwrap_or_default();
    let meaning = value.as_one().and_then(|v| item.meaning_of(v));
    needs.meaning = meaning;

    match &item.kind {
        ItemKind::Choice { other: true, .. } | ItemKind::MultiChoice { other: true, .. } => {
            let unstated = match &value {
                Value::One(v) => other_unstated(v),
                Value::Many(vs) => vs.iter().any(|v| other_unstated(v)),
            };
            if unstated {
                out.blocking(
                    rules::OTHER_UNSTATED,
                    format!("{name} is answered \"{OTHER}\" without saying what: state it after \"{OTHER}:\"."),
                );
            }
        }
        ItemKind::Requirement(r)
            if matches!(meaning, Some(Meaning::NotMet | Meaning::PartlyMet)) =>
        {
            // A MUST only partly met is a MUST not met: it blocks as "No" does. A SHOULD
            // partly met warns as a SHOULD not met does.
            let partly = if meaning == Some(Meaning::PartlyMet) {
                ", which is only partly met"
            } else {
                ""
            };
            match r.level {
                Level::Must => out.blocking(
                    rules::MUST_NOT_MET,
                    format!("{name} is a MUST answered {answered}{partly}: it blocks submission unless NHS England agrees a derogation."),
                ),
                Level::Should => out.warning(
                    rules::SHOULD_NOT_MET,
                    format!("{name} is a SHOULD answered {answered}{partly}: expect the assurance team to ask why, so make the mitigation explain it."),
                ),
                Level::May | Level::Action | Level::Info => {}
            }
        }
        ItemKind::Date {
            rule: Some(rule),
            evidence,
        } => {
            if let Some(date) = value.as_one().and_then(answer::parse_date) {
                let document = match rule {
                    DateRule::Within12Months => ctx
                        .oldest_document(item, evidence.as_deref())
                        .filter(|(_, d)| *d < date),
                    _ => None,
                };
                check_date(*rule, date, document, ctx.today, &name, out);
            }
        }
        _ => {}
    }

    if let Some(ask) = comment_ask(item, meaning) {
        let need = comment_need(ask, comment_missing);
        if need.missing {
            let message = match (ask.kind, &item.kind) {
                (CommentKind::Mitigation, ItemKind::YesNo { .. }) => format!(
                    "{name} is answered {answered} with no comment: say why in the comment."
                ),
                (CommentKind::Mitigation, _) => no_mitigation_message(&name, answered),
                (CommentKind::Justification, _) => no_justification_message(&name, answered),
                (CommentKind::Statement, _) => format!("{name} is assessed by supplier statement: answered {answered}, it needs the statement written in the comment."),
                (CommentKind::Notes, _) => format!("{name} needs a comment."),
            };
            out.blocking(ask.rule, message);
        }
        needs.comment = Some(need);
    }
    if let Some(ask) = evidence_ask(item, meaning) {
        let need = evidence_need(ask, facts.evidence, slot_has_evidence);
        if need.missing {
            let message = match ask.place {
                EvidencePlace::Row => format!("{name} is assessed by evidence: answered {answered}, it needs the test evidence attached to the row."),
                EvidencePlace::RowOrSlot => format!("{name} is covered by the Technical Conformance Report: attach the report to the row or to an evidence slot of section \"{}\".", out.section_title),
                EvidencePlace::Slot => format!("{name} has no file attached: attach the document before submitting."),
            };
            out.blocking(ask.rule, message);
        }
        needs.evidence = Some(need);
    }
    needs
}

/// The stored value shows only a template placeholder ("Please select…", "[please state]"):
/// something is there, but it is not an answer.
fn shows_placeholder(stored: Option<&answer::Answer>) -> bool {
    let shown = |s: &String| !s.trim().is_empty();
    match stored.and_then(|a| a.value.as_ref()) {
        None => false,
        Some(Value::One(s)) => shown(s) && answer::is_placeholder(s),
        Some(Value::Many(v)) => v.iter().any(shown) && v.iter().all(|s| answer::is_placeholder(s)),
    }
}

/// What the comment of an item is for, and whether the answer (by its meaning) requires it:
/// the one judgement behind both the `mitigation_required`, `justification_required` and
/// `statement_required` issues and the comment box the app shows.
#[derive(Debug, Clone, Copy)]
struct CommentAsk {
    kind: CommentKind,
    required: bool,
    /// The rule raised when a required comment is missing.
    rule: &'static str,
    /// How the why-sentence names the item ("this MUST", "this declaration").
    subject: &'static str,
    partly: bool,
}

/// `None`: the item takes no comment with this answer (`meaning` is `None` when there is no
/// valid answer, or when the answer's words mean nothing).
fn comment_ask(item: &Item, meaning: Option<Meaning>) -> Option<CommentAsk> {
    let unmet = matches!(meaning, Some(Meaning::NotMet | Meaning::PartlyMet));
    let partly = meaning == Some(Meaning::PartlyMet);
    let ask = |kind, required, rule, subject| CommentAsk {
        kind,
        required,
        rule,
        subject,
        partly,
    };
    match &item.kind {
        ItemKind::YesNo {
            comment_when_no: true,
        } if unmet => Some(ask(
            CommentKind::Mitigation,
            true,
            rules::MITIGATION_REQUIRED,
            "this question",
        )),
        ItemKind::Declaration { .. } if unmet => Some(ask(
            CommentKind::Mitigation,
            true,
            rules::MITIGATION_REQUIRED,
            "this declaration",
        )),
        ItemKind::Declaration { .. } if meaning == Some(Meaning::NotApplicable) => Some(ask(
            CommentKind::Justification,
            true,
            rules::JUSTIFICATION_REQUIRED,
            "this declaration",
        )),
        ItemKind::Requirement(r) => {
            let subject = match r.level {
                Level::Must => "this MUST",
                Level::Should => "this SHOULD",
                Level::May | Level::Action | Level::Info => "this requirement",
            };
            Some(if unmet {
                ask(
                    CommentKind::Mitigation,
                    true,
                    rules::MITIGATION_REQUIRED,
                    subject,
                )
            } else if meaning == Some(Meaning::NotApplicable) {
                ask(
                    CommentKind::Justification,
                    true,
                    rules::JUSTIFICATION_REQUIRED,
                    subject,
                )
            } else if r.assessment == Assessment::SupplierStatement {
                // The statement is asked for only when the requirement is met.
                ask(
                    CommentKind::Statement,
                    meaning == Some(Meaning::Met),
                    rules::STATEMENT_REQUIRED,
                    subject,
                )
            } else {
                ask(
                    CommentKind::Notes,
                    false,
                    rules::MITIGATION_REQUIRED,
                    subject,
                )
            })
        }
        _ => None,
    }
}

fn comment_need(ask: CommentAsk, comment_missing: bool) -> CommentNeed {
    let state = if ask.partly {
        "only partly met"
    } else {
        "not met"
    };
    let subject = ask.subject;
    let why = match ask.kind {
        _ if !ask.required => String::new(),
        CommentKind::Mitigation => format!(
            "A mitigation is needed: {subject} is {state}. Say what you do instead and when it will be met."
        ),
        CommentKind::Justification => format!(
            "A justification is needed: {subject} is answered as not applicable. Say why it does not apply to this product."
        ),
        CommentKind::Statement => format!(
            "A supplier statement is needed: {subject} is assessed by your statement. Write it here."
        ),
        CommentKind::Notes => String::new(),
    };
    CommentNeed {
        kind: ask.kind,
        label: ask.kind.label(),
        required: ask.required,
        missing: ask.required && comment_missing,
        why,
    }
}

#[derive(Debug, Clone, Copy)]
enum EvidencePlace {
    /// On the row itself (an evidence requirement).
    Row,
    /// On the row or in an evidence slot of its section (a conformance-report requirement).
    RowOrSlot,
    /// The slot itself.
    Slot,
}

#[derive(Debug, Clone, Copy)]
struct EvidenceAsk {
    place: EvidencePlace,
    required: bool,
    rule: &'static str,
}

/// `None`: the item takes no evidence by its template (files may still be linked to it).
fn evidence_ask(item: &Item, meaning: Option<Meaning>) -> Option<EvidenceAsk> {
    let met = meaning == Some(Meaning::Met);
    match &item.kind {
        ItemKind::EvidenceSlot => Some(EvidenceAsk {
            place: EvidencePlace::Slot,
            required: item.required,
            rule: rules::REQUIRED,
        }),
        ItemKind::Requirement(r) => {
            let place = match r.assessment {
                Assessment::Evidence => EvidencePlace::Row,
                Assessment::ConformanceReport => EvidencePlace::RowOrSlot,
                Assessment::SupplierDeclared | Assessment::SupplierStatement => return None,
            };
            Some(EvidenceAsk {
                place,
                required: met,
                rule: rules::EVIDENCE_REQUIRED,
            })
        }
        _ => None,
    }
}

fn evidence_need(ask: EvidenceAsk, on_item: bool, slot_has_evidence: bool) -> EvidenceNeed {
    let held = match ask.place {
        EvidencePlace::Row | EvidencePlace::Slot => on_item,
        EvidencePlace::RowOrSlot => on_item || slot_has_evidence,
    };
    let why = match ask.place {
        _ if !ask.required => "",
        EvidencePlace::Row => "Evidence is needed: this requirement is assessed by tests, so attach the test evidence to the row.",
        EvidencePlace::RowOrSlot => "Evidence is needed: this requirement is covered by the Technical Conformance Report, so attach the report here or to an evidence slot of the section.",
        EvidencePlace::Slot => "A file is needed: attach the document before submitting.",
    };
    EvidenceNeed {
        required: ask.required,
        missing: ask.required && !held,
        why: why.to_string(),
    }
}

/// Answers and comments longer than the Digital Onboarding Service takes, each named with its
/// length.
fn dos_lengths(item: &Item, stored: Option<&answer::Answer>, out: &mut Out<'_>) {
    let Some(a) = stored else {
        return;
    };
    let name = Name(item);
    let value = match &a.value {
        Some(Value::One(s)) => s.clone(),
        Some(Value::Many(list)) => list.join("; "),
        None => String::new(),
    };
    for (what, text) in [("answer", value.as_str()), ("comment", a.comment.as_str())] {
        let units = text.encode_utf16().count();
        if units > DOS_TEXT_MAX {
            out.warning(
                rules::DOS_TOO_LONG,
                format!("{name}: the {what} is {units} characters long; the Digital Onboarding Service takes {DOS_TEXT_MAX}, so shorten it by {} (or move the detail into an evidence document).", units - DOS_TEXT_MAX),
            );
        }
    }
}

/// The validity of the documents linked to a visible item: an expired one blocks when the item
/// needs evidence and nothing linked to it is still valid, else it warns; one that expires
/// within [`crate::evidence::EXPIRY_WARNING_DAYS`] days warns.
fn evidence_validity(ctx: &Ctx<'_>, item: &Item, needs: &ItemNeeds, out: &mut Out<'_>) {
    let files = ctx.dated_files(&item.id);
    if files.is_empty() {
        return;
    }
    let today = ctx.today;
    let name = Name(item);
    let linked = ctx.evidence.get(item.id.as_str()).copied().unwrap_or(0);
    let expired = files.iter().filter(|f| f.dates.expired(today)).count();
    let needed = needs.evidence.as_ref().is_some_and(|e| e.required);
    for f in files {
        let Some(until) = f.dates.valid_until else {
            continue;
        };
        let file = &f.file_name;
        if f.dates.expired(today) {
            if needed && expired >= linked {
                out.blocking(
                    rules::EVIDENCE_EXPIRED,
                    format!("{name}: its evidence \"{file}\" was valid until {until} and has expired (today is {today}): attach a current document."),
                );
            } else {
                out.warning(
                    rules::EVIDENCE_EXPIRED,
                    format!("{name}: \"{file}\" was valid until {until} and has expired (today is {today}): remove it or attach a current one."),
                );
            }
        } else if let Some(days) = f.dates.expires_within_warning(today) {
            let when = match days {
                0 => "today".to_string(),
                1 => "tomorrow".to_string(),
                n => format!("in {n} days"),
            };
            out.warning(
                rules::EVIDENCE_EXPIRING,
                format!("{name}: \"{file}\" is valid until {until}, which is {when}: renew it before the submission is assessed."),
            );
        }
    }
}

/// Judges a dated answer by its rule. `document`: the evidence behind it whose own date is
/// older than the answered one (file name, date); for the 12-month rule the older date counts,
/// and the issue says it was the document's.
fn check_date(
    rule: DateRule,
    date: NaiveDate,
    document: Option<(&str, NaiveDate)>,
    today: NaiveDate,
    name: &Name<'_>,
    out: &mut Out<'_>,
) {
    let future = date > today;
    match rule {
        DateRule::NotFuture => {
            if future {
                out.blocking(
                    rules::DATE_IN_FUTURE,
                    format!("{name} is dated {date}, after today ({today}): it cannot be in the future."),
                );
            }
            return;
        }
        DateRule::Within12Months => {
            // Months arithmetic clamps to the month's last day: on 29 Feb 2028 the limit is
            // 28 Feb 2027. A date exactly 12 months ago is still within the 12 months.
            if let Some(limit) = today.checked_sub_months(Months::new(12)) {
                match document {
                    Some((file, own)) if own < limit => out.blocking(
                        rules::DATE_STALE,
                        format!("{name} is answered {date}, but its evidence \"{file}\" is dated {own}, more than 12 months before today ({today}): the older date counts, so the document must be dated {limit} or later."),
                    ),
                    _ if date < limit => out.blocking(
                        rules::DATE_STALE,
                        format!("{name} is dated {date}, more than 12 months before today ({today}): it must be {limit} or later."),
                    ),
                    _ => {}
                }
            }
        }
        DateRule::CurrentFinancialYear => {
            if let Some((start, end)) = financial_year(today) {
                if date < start || date > end {
                    out.blocking(
                        rules::DATE_OUTSIDE_FINANCIAL_YEAR,
                        format!("{name} is dated {date}, outside the current financial year ({start} to {end})."),
                    );
                }
            }
        }
    }
    if future {
        out.warning(
            rules::DATE_IN_FUTURE,
            format!(
                "{name} is dated {date}, after today ({today}): check it is not a typing error."
            ),
        );
    }
}

/// The UK financial year holding `today`: 1 April to the next 31 March.
pub fn financial_year(today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let start_year = if today.month() >= 4 {
        today.year()
    } else {
        today.year() - 1
    };
    Some((
        NaiveDate::from_ymd_opt(start_year, 4, 1)?,
        NaiveDate::from_ymd_opt(start_year.checked_add(1)?, 3, 31)?,
    ))
}

fn hidden_answer(
    item: &Item,
    facts: &Facts<'_>,
    all_items: &[&Item],
    index: &HashMap<&str, usize>,
    out: &mut Out<'_>,
) {
    let stored = facts.stored;
    let mut what = Vec::new();
    if answer::is_answered(stored) {
        what.push("an answer");
    }
    if stored.is_some_and(|a| !answer::is_placeholder(&a.comment)) {
        what.push("a comment");
    }
    if facts.evidence {
        what.push("evidence");
    }
    if what.is_empty() {
        return;
    }
    let because = item
        .visible_when
        .as_ref()
        .map(
            |c| match index.get(c.item.as_str()).and_then(|&i| all_items.get(i)) {
                Some(controller) => format!(" by the answer to {}", Name(controller)),
                None => String::new(),
            },
        )
        .unwrap_or_default();
    out.warning(
        rules::HIDDEN_ANSWER,
        format!(
            "{} holds {} but is hidden{because}, so it will not be submitted.",
            Name(item),
            what.join(" and ")
        ),
    );
}

/// The ids of the items shown for these answers, by the same rule `check` applies. Exports use
/// it so a hidden item's answer (which `check` says "will not be submitted") is not submitted.
pub fn visible_items(template: &Template, answers: &Answers) -> std::collections::HashSet<String> {
    let items: Vec<&Item> = template.sections.iter().flat_map(|s| &s.items).collect();
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        index.entry(item.id.as_str()).or_insert(i);
    }
    let shown = visibility(template, &items, &index, answers);
    items
        .iter()
        .zip(shown)
        .filter(|(_, shown)| *shown)
        .map(|(item, _)| item.id.clone())
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visibility {
    Unknown,
    Resolving,
    Known(bool),
}

/// Whether each item (in template order) is shown. An item is shown when its own condition and
/// its section's condition (if any) both hold: each condition's controller is shown and the
/// controller's answer satisfies it; so hiding a question hides the chain of follow-ups hanging
/// off it, and hiding a section hides everything in it.
///
/// A loaded template only names earlier items in conditions; for a template built by hand this
/// still terminates: a controller that is not an item is taken as shown (its stored answer, if
/// any, decides), and a cycle is cut by taking the controller closing it as shown.
fn visibility(
    template: &Template,
    items: &[&Item],
    index: &HashMap<&str, usize>,
    answers: &Answers,
) -> Vec<bool> {
    let section_conditions: Vec<Option<&Condition>> = template
        .sections
        .iter()
        .flat_map(|s| s.items.iter().map(move |_| s.visible_when.as_ref()))
        .collect();
    let mut state = vec![Visibility::Unknown; items.len()];
    // An explicit stack rather than recursion: a long chain of follow-ups must not overflow.
    let mut stack = Vec::new();
    for start in 0..items.len() {
        stack.push(start);
        'resolve: while let Some(&i) = stack.last() {
            let Some(item) = items.get(i) else {
                stack.pop();
                continue;
            };
            if let Some(Visibility::Known(_)) = state.get(i) {
                stack.pop();
                continue;
            }
            let conditions = item
                .visible_when
                .iter()
                .chain(section_conditions.get(i).copied().flatten());
            let mut shown = true;
            for cond in conditions {
                let controller_shown = match index.get(cond.item.as_str()) {
                    None => true,
                    Some(&c) if c == i => true,
                    Some(&c) => match state.get(c).copied().unwrap_or(Visibility::Known(true)) {
                        Visibility::Known(v) => v,
                        Visibility::Resolving => true,
                        Visibility::Unknown => {
                            state[i] = Visibility::Resolving;
                            stack.push(c);
                            continue 'resolve;
                        }
                    },
                };
                shown &= controller_shown
                    && condition_holds(
                        cond,
                        answers.get(&cond.item).and_then(|a| a.value.as_ref()),
                    );
            }
            state[i] = Visibility::Known(shown);
            stack.pop();
        }
    }
    state
        .into_iter()
        .map(|v| !matches!(v, Visibility::Known(false)))
        .collect()
}

/// Whether a controller's answer satisfies a condition: equal to `equals` or one of `any_of`
/// (for a multi-choice answer, any chosen response will do). Responses compare as `normalize`
/// would take them: trimmed, ignoring ASCII case; "Other: text" matches "Other". A placeholder
/// matches nothing. A condition with neither `equals` nor `any_of` (refused by `load_template`)
/// holds, so a malformed template asks too much rather than silently dropping a question.
fn condition_holds(cond: &Condition, value: Option<&Value>) -> bool {
    if cond.equals.is_none() && cond.any_of.is_empty() {
        return true;
    }
    let given: &[String] = match value {
        None => &[],
        Some(Value::One(s)) => std::slice::from_ref(s),
        Some(Value::Many(v)) => v,
    };
    given
        .iter()
        .filter(|g| !answer::is_placeholder(g))
        .any(|g| {
            cond.equals
                .iter()
                .chain(&cond.any_of)
                .any(|w| same_response(g, w))
        })
}

fn same_response(given: &str, wanted: &str) -> bool {
    let (g, w) = (given.trim(), wanted.trim());
    g.eq_ignore_ascii_case(w) || (w.eq_ignore_ascii_case(OTHER) && answer::other_text(g).is_some())
}

/// The value without placeholders: `None` when nothing real is left.
fn real_value(v: &Value) -> Option<Value> {
    match v {
        Value::One(s) => (!answer::is_placeholder(s)).then(|| Value::One(s.clone())),
        Value::Many(vs) => {
            let real: Vec<String> = vs
                .iter()
                .filter(|s| !answer::is_placeholder(s))
                .cloned()
                .collect();
            (!real.is_empty()).then_some(Value::Many(real))
        }
    }
}

fn other_unstated(v: &str) -> bool {
    answer::other_text(v).is_some_and(answer::is_placeholder)
}

fn percent(answered: usize, total: usize) -> f64 {
    if total == 0 {
        100.0
    } else {
        (answered.min(total) as f64 * 100.0 / total as f64).clamp(0.0, 100.0)
    }
}

/// How a message names an item: a requirement by its reference and label
/// (`UEC-CON-004 (Book an appointment)`), anything else by its label, falling back to the id.
/// Written straight into the message, so items without issues cost nothing.
struct Name<'a>(&'a Item);

impl std::fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let item = self.0;
        let label = match item.label.trim() {
            "" => item.id.trim(),
            l => l,
        };
        let reference = item
            .requirement()
            .and_then(|r| r.reference.as_deref())
            .map(str::trim)
            .filter(|r| !r.is_empty());
        match (&item.kind, reference) {
            (_, Some(r)) if r == label => write!(f, "{r}"),
            (_, Some(r)) => write!(f, "{r} ({label})"),
            (ItemKind::Requirement(_), None) => write!(f, "Requirement \"{label}\""),
            (ItemKind::Declaration { .. }, None) => write!(f, "Declaration \"{label}\""),
            (ItemKind::EvidenceSlot, None) => write!(f, "Evidence slot \"{label}\""),
            (ItemKind::Guidance { .. }, None) => write!(f, "Guidance \"{label}\""),
            _ => write!(f, "\"{label}\""),
        }
    }
}

/// A stored value as a message quotes it: one line, cut short if long (values may be hostile).
fn shown_value(s: &str) -> String {
    const MAX: usize = 60;
    let mut out: String = s
        .trim()
        .chars()
        .take(MAX)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.trim().chars().nth(MAX).is_some() {
        out.push('\u{2026}');
    }
    out
}

fn required_message(name: &Name<'_>, stored: Option<&answer::Answer>) -> String {
    match stored.and_then(|a| a.value.as_ref()) {
        Some(Value::One(s)) if !s.trim().is_empty() => format!(
            "{name} still shows \"{}\", which is not an answer: choose a response.",
            shown_value(s)
        ),
        _ => format!("{name} needs an answer."),
    }
}

fn no_mitigation_message(name: &Name<'_>, answered: &str) -> String {
    format!("{name} is answered {answered} with no mitigation: say in the comment how the risk is handled instead.")
}

fn no_justification_message(name: &Name<'_>, answered: &str) -> String {
    format!("{name} is answered {answered} with no justification: say in the comment why it does not apply to this product.")
}

fn invalid_message(name: &Name<'_>, e: &CoreError) -> String {
    match e {
        CoreError::NotAnOption { value, options, .. } => format!(
            "{name} holds \"{}\", which is not one of its responses ({options}).",
            shown_value(value)
        ),
        CoreError::BadDate { value, .. } => format!(
            "{name} holds \"{}\", which is not a date: write it as YYYY-MM-DD, e.g. 2026-04-30.",
            shown_value(value)
        ),
        CoreError::BadEmail { value, .. } => format!(
            "{name} holds \"{}\", which is not an email address.",
            shown_value(value)
        ),
        CoreError::BadOdsCode { value, .. } => format!(
            "{name} holds \"{}\", which is not an ODS code: 3 to 10 letters and digits, e.g. RR8 or 8JK12.",
            shown_value(value)
        ),
        CoreError::BadVersion { value, .. } => format!(
            "{name} holds \"{}\", which is not a version: it needs at least one digit, e.g. 2.4.1.",
            shown_value(value)
        ),
        CoreError::NotMulti { .. } => {
            format!("{name} holds a list of responses but takes only one.")
        }
        CoreError::TooLong { len, max, .. } => {
            format!("{name} holds {len} characters; the most a response may hold is {max}.")
        }
        // The rest (an unknown item, one that takes no answer; the naming and copying
        // refusals cannot arise from a stored value) in the core's own sentence.
        _ => format!("{name} holds a value it cannot take: {e}."),
    }
}
