//! Moving answers between templates: an upgrade to a new version of a draft's template, and
//! copying answers from one draft into another (the sections that repeat across a supplier's
//! SCALs). Pure: the store applies what is planned here.
//!
//! Items are matched in four stages, each only among the items the earlier stages left:
//! 1. the same item id;
//! 2. the same requirement ID (`reference`), where it names one row on each side;
//! 3. the same normalised wording (case, spacing and punctuation ignored), where exactly one
//!    item of the same type on each side has it;
//! 4. (upgrade only) close wording, for rows without IDs or whose IDs changed: token Jaccard
//!    similarity at or above [`SIMILARITY_THRESHOLD`], one-to-one, best pairs first, and only
//!    where the pair is unambiguous (a tie leaves both unmatched).
//!
//! Invariant: a plan never loses what a draft holds. Every answer, comment and evidence link of
//! an old item is either carried onto exactly one new item or listed as removed (to be
//! archived); a value the new item no longer accepts is archived too, never dropped. No two old
//! items are ever matched onto one new item.

use crate::CoreError;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::answer::{normalize_item, Answer, Answers, Value};
use crate::template::{Item, ItemKind, Section, Template};

/// The lowest similarity at which two differently worded items are taken to be the same.
///
/// Why 0.75: within any section of the bundled templates no two distinct items of one type
/// score above 0.67 (service-desk hours on weekdays against weekends), while rewording a
/// requirement of eight or more words (a word changed, added or dropped, a plural, word order)
/// scores 0.8 or more. Both facts are tests in `tests/upgrade.rs`.
pub const SIMILARITY_THRESHOLD: f64 = 0.75;

/// Two scores closer than this are a tie: neither pair is taken.
const TIE: f64 = 1e-9;

/// How an old item was found in the new template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchedBy {
    /// The same item id.
    Id,
    /// The same requirement ID (the workbook's ID column), under a different item id.
    Reference,
    /// The same wording under a different id.
    Text,
    /// Close wording under a different id.
    Similarity,
}

impl MatchedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Id => "id",
            MatchedBy::Reference => "reference",
            MatchedBy::Text => "text",
            MatchedBy::Similarity => "similarity",
        }
    }
}

/// Which template and version a plan reads from or writes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRef {
    pub id: String,
    pub version: String,
    pub title: String,
}

impl From<&Template> for TemplateRef {
    fn from(t: &Template) -> Self {
        TemplateRef {
            id: t.id.clone(),
            version: t.version.clone(),
            title: t.title.clone(),
        }
    }
}

/// An item as a report names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRef {
    pub id: String,
    pub label: String,
    /// The requirement ID shown in the workbook, where the item has one.
    pub reference: Option<String>,
    pub section: String,
    pub section_title: String,
    /// The item's type, as `Item::type_name` gives it.
    pub kind: &'static str,
}

impl ItemRef {
    fn new(section: &Section, item: &Item) -> ItemRef {
        ItemRef {
            id: item.id.clone(),
            label: item.label.clone(),
            reference: item.requirement().and_then(|r| r.reference.clone()),
            section: section.id.clone(),
            section_title: section.title.clone(),
            kind: item.type_name(),
        }
    }

    /// An item a draft holds data for although its template does not have it.
    fn unknown(id: &str) -> ItemRef {
        ItemRef {
            id: id.to_string(),
            label: id.to_string(),
            reference: None,
            section: String::new(),
            section_title: String::new(),
            kind: "unknown",
        }
    }

    /// `A028-01 "Label"` or `item-id "Label"`: how a sentence names the item.
    pub fn name(&self) -> String {
        let head = self.reference.as_deref().unwrap_or(&self.id);
        format!("{head} \"{}\"", self.label)
    }
}

/// One evidence file linked to an item: its content address and the name it was attached under.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EvidenceRef {
    pub sha256: String,
    pub file_name: String,
}

/// What a draft holds, by item id: answers (value and comment) and evidence links.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Holdings {
    pub answers: Answers,
    pub evidence: BTreeMap<String, Vec<EvidenceRef>>,
}

impl Holdings {
    fn answer(&self, item: &str) -> Option<&Answer> {
        self.answers
            .get(item)
            .filter(|a| a.value.is_some() || !a.comment.trim().is_empty())
    }

    fn evidence(&self, item: &str) -> &[EvidenceRef] {
        self.evidence.get(item).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every item id with an answer, a comment or evidence.
    fn held_items(&self) -> BTreeSet<&str> {
        self.answers
            .iter()
            .filter(|(id, _)| self.answer(id).is_some())
            .map(|(id, _)| id.as_str())
            .chain(
                self.evidence
                    .iter()
                    .filter(|(_, links)| !links.is_empty())
                    .map(|(id, _)| id.as_str()),
            )
            .collect()
    }
}

/// An old item matched to a new one, with what moves across.
#[derive(Debug, Clone, PartialEq)]
pub struct Carry {
    pub from: ItemRef,
    pub to: ItemRef,
    pub by: MatchedBy,
    /// 1 for a match by id, reference or text; the score for a match by similarity.
    pub similarity: f64,
    /// Why these two are taken to be the same item, and what changed, in one sentence.
    pub reason: String,
    /// What the draft holds for the old item (value and comment).
    pub answer: Option<Answer>,
    /// The value the new item will hold: the old value in the new item's canonical form, the
    /// options of a multi-choice answer it still offers, or none.
    pub value: Option<Value>,
    pub evidence: Vec<EvidenceRef>,
    /// Why the old value does not (wholly) fit the new item; the old value is then archived.
    pub unfit: Option<String>,
    /// The item's wording the answer was given to (its text, else its label).
    pub old_text: String,
    /// The carried answer must be confirmed against the new wording before it is relied on.
    pub reconfirm: bool,
}

impl Carry {
    /// Whether anything (value, comment, evidence) moves with this match.
    pub fn holds_anything(&self) -> bool {
        self.answer.is_some() || !self.evidence.is_empty()
    }
}

/// An old item with no counterpart in the new template.
#[derive(Debug, Clone, PartialEq)]
pub struct Removed {
    pub item: ItemRef,
    /// The item's wording (its text, else its label), kept with the archived answer.
    pub text: String,
    pub answer: Option<Answer>,
    pub evidence: Vec<EvidenceRef>,
    pub reason: String,
}

impl Removed {
    /// Whether there is anything to archive.
    pub fn archived(&self) -> bool {
        self.answer.is_some() || !self.evidence.is_empty()
    }
}

/// A new item with no counterpart in the old template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub item: ItemRef,
    /// It takes an answer (or a file) and must have one before submission.
    pub required: bool,
    pub reason: String,
}

/// What an upgrade will do, item by item. Every old item is in exactly one group as `from` or
/// `item`; every new item in exactly one as `to` or `item`.
#[derive(Debug, Clone, PartialEq)]
pub struct UpgradePlan {
    pub from: TemplateRef,
    pub to: TemplateRef,
    /// Same id (or requirement ID), same wording.
    pub carried: Vec<Carry>,
    /// Same id (or requirement ID), wording or level changed: re-confirm what is carried.
    pub carried_reworded: Vec<Carry>,
    /// A different id with the same wording.
    pub matched_by_text: Vec<Carry>,
    /// A different id (or none) with close wording: re-confirm what is carried.
    pub matched_by_similarity: Vec<Carry>,
    /// Matched, but the old value is not (wholly) one the new item accepts: the old value is
    /// archived, what still fits is kept, and the item must be re-confirmed.
    pub no_longer_fits: Vec<Carry>,
    /// No counterpart: whatever the draft holds for these is archived.
    pub removed: Vec<Removed>,
    /// No counterpart in the old template: unanswered.
    pub new: Vec<Added>,
    /// Sections whose id changed but whose title did not, (old id, new id): their status and
    /// review comments follow them.
    pub sections_renamed: Vec<(String, String)>,
}

impl UpgradePlan {
    /// Every match, in all five groups.
    pub fn carries(&self) -> impl Iterator<Item = &Carry> {
        self.carried
            .iter()
            .chain(&self.carried_reworded)
            .chain(&self.matched_by_text)
            .chain(&self.matched_by_similarity)
            .chain(&self.no_longer_fits)
    }

    /// The matches whose answers must be re-confirmed.
    pub fn reconfirmations(&self) -> impl Iterator<Item = &Carry> {
        self.carries().filter(|c| c.reconfirm)
    }

    /// The removed items that hold something to archive.
    pub fn archived(&self) -> impl Iterator<Item = &Removed> {
        self.removed.iter().filter(|r| r.archived())
    }
}

/// One match found by [`match_items`]: indexes into the two lists.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pairing {
    pub old: usize,
    pub new: usize,
    pub by: MatchedBy,
    pub similarity: f64,
}

/// Plans the upgrade of a draft holding `held` (answered against `old`) to `new`.
pub fn plan(old: &Template, new: &Template, held: &Holdings) -> UpgradePlan {
    let old_items: Vec<(&Section, &Item)> = old.items().collect();
    let new_items: Vec<(&Section, &Item)> = new.items().collect();
    let pairings = match_items(
        &old_items.iter().map(|(_, i)| *i).collect::<Vec<_>>(),
        &new_items.iter().map(|(_, i)| *i).collect::<Vec<_>>(),
        true,
    );
    let to = TemplateRef::from(new);
    let mut plan = UpgradePlan {
        from: TemplateRef::from(old),
        to: to.clone(),
        carried: Vec::new(),
        carried_reworded: Vec::new(),
        matched_by_text: Vec::new(),
        matched_by_similarity: Vec::new(),
        no_longer_fits: Vec::new(),
        removed: Vec::new(),
        new: Vec::new(),
        sections_renamed: renamed_sections(old, new),
    };

    let mut by_new: Vec<Option<Pairing>> = vec![None; new_items.len()];
    let mut old_matched = vec![false; old_items.len()];
    for p in &pairings {
        by_new[p.new] = Some(*p);
        old_matched[p.old] = true;
    }

    for (n, (new_section, new_item)) in new_items.iter().enumerate() {
        let Some(p) = by_new[n] else {
            let answers =
                new_item.is_answerable() || matches!(new_item.kind, ItemKind::EvidenceSlot);
            let required = answers && new_item.required;
            plan.new.push(Added {
                item: ItemRef::new(new_section, new_item),
                required,
                reason: format!(
                    "new in {} {}{}",
                    to.title,
                    to.version,
                    if required { ", to be answered" } else { "" }
                ),
            });
            continue;
        };
        let (old_section, old_item) = old_items[p.old];
        let carry = carry(p, (old_section, old_item), (new_section, new_item), held);
        let group = if carry.unfit.is_some() {
            &mut plan.no_longer_fits
        } else {
            match p.by {
                MatchedBy::Similarity => &mut plan.matched_by_similarity,
                MatchedBy::Text => &mut plan.matched_by_text,
                MatchedBy::Id | MatchedBy::Reference if reworded(old_item, new_item) => {
                    &mut plan.carried_reworded
                }
                MatchedBy::Id | MatchedBy::Reference => &mut plan.carried,
            }
        };
        group.push(carry);
    }

    for (o, (section, item)) in old_items.iter().enumerate() {
        if old_matched[o] {
            continue;
        }
        let r = Removed {
            item: ItemRef::new(section, item),
            text: question(item).to_string(),
            answer: held.answer(&item.id).cloned(),
            evidence: held.evidence(&item.id).to_vec(),
            reason: String::new(),
        };
        plan.removed.push(removed_reason(r, &to));
    }
    // What a draft holds for an item its own template lacks (nothing should, but a draft is a
    // file that may have been edited) is archived too, rather than silently left behind.
    let known: BTreeSet<&str> = old_items.iter().map(|(_, i)| i.id.as_str()).collect();
    for id in held.held_items() {
        if known.contains(id) {
            continue;
        }
        let r = Removed {
            item: ItemRef::unknown(id),
            text: String::new(),
            answer: held.answer(id).cloned(),
            evidence: held.evidence(id).to_vec(),
            reason: String::new(),
        };
        let mut r = removed_reason(r, &to);
        r.reason = format!(
            "not an item of the template in force ({} {}); {}",
            plan.from.title,
            plan.from.version,
            if r.archived() {
                "what it holds is archived"
            } else {
                "nothing to archive"
            }
        );
        plan.removed.push(r);
    }
    plan
}

/// Sections of the old template whose id the new one lacks, paired with the new section of the
/// same title whose id the old one lacks, where that pairing is one-to-one.
fn renamed_sections(old: &Template, new: &Template) -> Vec<(String, String)> {
    let gone: Vec<&Section> = old
        .sections
        .iter()
        .filter(|s| new.section(&s.id).is_none())
        .collect();
    let arrived: Vec<&Section> = new
        .sections
        .iter()
        .filter(|s| old.section(&s.id).is_none())
        .collect();
    let title = |s: &Section| normalized_text(&s.title);
    gone.iter()
        .filter_map(|o| {
            let mut same = arrived.iter().filter(|n| title(n) == title(o));
            match (same.next(), same.next()) {
                (Some(n), None) if gone.iter().filter(|g| title(g) == title(o)).count() == 1 => {
                    Some((o.id.clone(), n.id.clone()))
                }
                _ => None,
            }
        })
        .collect()
}

fn removed_reason(mut r: Removed, to: &TemplateRef) -> Removed {
    r.reason = format!(
        "not in {} {}; {}",
        to.title,
        to.version,
        if r.archived() {
            "its answer is archived and can be restored onto another item"
        } else {
            "nothing to archive"
        }
    );
    r
}

fn carry(
    p: Pairing,
    (old_section, old_item): (&Section, &Item),
    (new_section, new_item): (&Section, &Item),
    held: &Holdings,
) -> Carry {
    let from = ItemRef::new(old_section, old_item);
    let to = ItemRef::new(new_section, new_item);
    let answer = held.answer(&old_item.id).cloned();
    let evidence = held.evidence(&old_item.id).to_vec();
    let (value, unfit) = match answer.as_ref().and_then(|a| a.value.clone()) {
        None => (None, None),
        Some(v) => {
            let (value, unfit) = fit(new_item, v);
            (value, unfit.map(|u| u.upgrade_words()))
        }
    };
    let was_reworded = reworded(old_item, new_item);
    let mut why = match p.by {
        MatchedBy::Id => "same item id".to_string(),
        MatchedBy::Reference => format!(
            "same requirement ID {}",
            to.reference.as_deref().unwrap_or_default()
        ),
        MatchedBy::Text => "same wording".to_string(),
        MatchedBy::Similarity => format!("close wording (similarity {:.2})", p.similarity),
    };
    if from.id != to.id {
        why.push_str(&format!("; item id {} is now {}", from.id, to.id));
    }
    if let (Some(a), Some(b)) = (&from.reference, &to.reference) {
        if a != b {
            why.push_str(&format!("; requirement ID {a} is now {b}"));
        }
    }
    let level = |i: &Item| i.requirement().map(|r| r.level);
    if let (Some(a), Some(b)) = (level(old_item), level(new_item)) {
        if a != b {
            why.push_str(&format!("; level {} is now {}", a.as_str(), b.as_str()));
        }
    }
    if matches!(p.by, MatchedBy::Id | MatchedBy::Reference)
        && normalized_text(question(old_item)) != normalized_text(question(new_item))
    {
        why.push_str("; the wording changed");
    } else if normalized_text(&old_item.label) != normalized_text(&new_item.label)
        && !old_item.text.trim().is_empty()
    {
        why.push_str(&format!(
            "; label \"{}\" is now \"{}\"",
            from.label, to.label
        ));
    }
    if let Some(u) = &unfit {
        why.push_str(&format!("; {u}"));
    }
    let holds = answer.is_some() || !evidence.is_empty();
    let needs_look = unfit.is_some()
        || p.by == MatchedBy::Similarity
        || (matches!(p.by, MatchedBy::Id | MatchedBy::Reference) && was_reworded);
    Carry {
        from,
        to,
        by: p.by,
        similarity: p.similarity,
        reason: why,
        answer,
        value,
        evidence,
        unfit,
        old_text: question(old_item).to_string(),
        reconfirm: holds && needs_look,
    }
}

/// Why an old value does not (wholly) fit a new item.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Unfit {
    /// The new item takes no answer (guidance, an evidence slot).
    NotAnswerable { kind: &'static str, value: String },
    /// Some options of a multi-choice answer are no longer offered; the rest are kept.
    Dropped(Vec<String>),
    /// The value is refused as a whole; the message names the item and the value.
    Refused(String),
}

impl Unfit {
    /// The words of an upgrade report, which archives the old value.
    fn upgrade_words(&self) -> String {
        match self {
            Unfit::NotAnswerable { kind, value } => format!(
                "the new item is {} and takes no answer, so the answer \"{value}\" is archived",
                article(kind)
            ),
            Unfit::Dropped(options) => format!(
                "{} no longer offered, so the old answer is archived and the rest kept",
                quoted_list(options)
            ),
            Unfit::Refused(why) => {
                format!("the old answer no longer fits ({why}), so it is archived")
            }
        }
    }

    /// The words of a copy report, which leaves the target's value as it is.
    fn copy_words(&self) -> String {
        match self {
            Unfit::NotAnswerable { kind, .. } => {
                format!("the target item is {} and takes no answer", article(kind))
            }
            Unfit::Dropped(options) => {
                format!("{} not offered by the target item", quoted_list(options))
            }
            Unfit::Refused(why) => why.clone(),
        }
    }
}

/// `"A" is` / `"A", "B" are`.
fn quoted_list(options: &[String]) -> String {
    let quoted: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
    if quoted.len() == 1 {
        format!("{} is", quoted.join(""))
    } else {
        format!("{} are", quoted.join(", "))
    }
}

/// The old value as the new item takes it, and why not (all of) it, if it does not fit.
fn fit(new_item: &Item, value: Value) -> (Option<Value>, Option<Unfit>) {
    if !new_item.is_answerable() {
        return (
            None,
            Some(Unfit::NotAnswerable {
                kind: new_item.type_name(),
                value: value.display(),
            }),
        );
    }
    match normalize_item(new_item, value.clone()) {
        Ok(v) => (Some(v), None),
        Err(e) => {
            // A multi-choice answer keeps the options the new item still offers.
            if let (ItemKind::MultiChoice { .. }, Value::Many(chosen)) = (&new_item.kind, &value) {
                let (kept, dropped): (Vec<String>, Vec<String>) = chosen
                    .iter()
                    .cloned()
                    .partition(|c| normalize_item(new_item, Value::One(c.clone())).is_ok());
                if !kept.is_empty() {
                    let kept = normalize_item(new_item, Value::Many(kept)).ok();
                    return (kept, Some(Unfit::Dropped(dropped)));
                }
            }
            (None, Some(Unfit::Refused(e.to_string())))
        }
    }
}

fn article(type_name: &str) -> String {
    let words = type_name.replace('_', " ");
    if words.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {words}")
    } else {
        format!("a {words}")
    }
}

/// Whether what was asked changed: the wording (text, else label) or a requirement's level.
fn reworded(old: &Item, new: &Item) -> bool {
    let level = |i: &Item| i.requirement().map(|r| r.level);
    normalized_text(question(old)) != normalized_text(question(new)) || level(old) != level(new)
}

/// What an item asks in words: its text, or its label where it has no text.
pub fn question(item: &Item) -> &str {
    if item.text.trim().is_empty() {
        &item.label
    } else {
        &item.text
    }
}

/// Wording with case, spacing and punctuation set aside: lower-case words and numbers joined by
/// single spaces. Two items "say the same" when these are equal.
pub fn normalized_text(s: &str) -> String {
    words(s).collect::<Vec<_>>().join(" ")
}

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Words that carry no meaning of their own in a requirement; left out of similarity. Modal
/// verbs (must, should, may) stay: they are what a requirement asks.
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "of", "and", "or", "to", "in", "into", "on", "for", "is", "are", "be", "by",
    "it", "its", "this", "that", "which", "with", "as", "at", "from", "their", "they", "them",
    "your", "our",
];

/// The content words of a text, sorted and unique, each cut to a crude stem (a trailing "ing",
/// "ed" or plural "s" removed) so that "refresh", "refreshing" and "refreshed" count as one.
fn content_words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = words(s)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .map(|w| stem(&w).to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn stem(w: &str) -> &str {
    let long = |n: usize| w.chars().count() > n;
    if long(5) && w.ends_with("ing") {
        &w[..w.len() - 3]
    } else if long(4) && w.ends_with("ed") {
        &w[..w.len() - 2]
    } else if long(3) && w.ends_with('s') && !w.ends_with("ss") {
        &w[..w.len() - 1]
    } else {
        w
    }
}

/// How alike two wordings are, from 0 to 1: the Jaccard index of their content words (shared
/// words over all words). Word-based rather than character-based so that two requirements about
/// different things in the same vocabulary ("weekdays" / "weekends") stay apart, while word
/// order, punctuation and a changed word or two matter little. 0 when either has no words.
pub fn similarity(a: &str, b: &str) -> f64 {
    jaccard(&content_words(a), &content_words(b))
}

fn jaccard(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f64 / (a.len() + b.len() - shared) as f64
}

/// Plain guidance takes no answer: matching it by wording would only produce noise.
fn takes_part_in_text_matching(item: &Item) -> bool {
    !matches!(
        item.kind,
        ItemKind::Guidance {
            acknowledge: false,
            ..
        }
    )
}

/// Matches old items to new ones (see the module documentation for the stages). One-to-one;
/// `by_similarity` enables the last stage.
pub fn match_items(old: &[&Item], new: &[&Item], by_similarity: bool) -> Vec<Pairing> {
    let mut old_free = vec![true; old.len()];
    let mut new_free = vec![true; new.len()];
    let mut out = Vec::new();
    let mut take =
        |o: usize, n: usize, by, similarity, old_free: &mut [bool], new_free: &mut [bool]| {
            old_free[o] = false;
            new_free[n] = false;
            out.push(Pairing {
                old: o,
                new: n,
                by,
                similarity,
            });
        };

    // 1. Item id. The first of a duplicated id wins, as it does for `Template::item`.
    let mut new_by_id: HashMap<&str, usize> = HashMap::new();
    for (n, item) in new.iter().enumerate() {
        new_by_id.entry(item.id.as_str()).or_insert(n);
    }
    for (o, item) in old.iter().enumerate() {
        if let Some(&n) = new_by_id.get(item.id.as_str()) {
            if new_free[n] {
                take(o, n, MatchedBy::Id, 1.0, &mut old_free, &mut new_free);
            }
        }
    }

    // 2. Requirement ID, where it names exactly one row on each side.
    let unique_refs = |items: &[&Item]| -> HashMap<String, usize> {
        let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(r) = item.requirement().and_then(|r| r.reference.as_deref()) {
                let key = r.trim().to_uppercase();
                if !key.is_empty() {
                    seen.entry(key).or_insert((i, 0)).1 += 1;
                }
            }
        }
        seen.into_iter()
            .filter(|(_, (_, count))| *count == 1)
            .map(|(k, (i, _))| (k, i))
            .collect()
    };
    let new_refs = unique_refs(new);
    for (reference, o) in unique_refs(old) {
        if let Some(&n) = new_refs.get(&reference) {
            if old_free[o] && new_free[n] {
                take(
                    o,
                    n,
                    MatchedBy::Reference,
                    1.0,
                    &mut old_free,
                    &mut new_free,
                );
            }
        }
    }

    // 3. The same wording, where exactly one free item of the type has it on each side.
    type Key = (&'static str, String);
    let by_text = |items: &[&Item], free: &[bool]| -> HashMap<Key, Vec<usize>> {
        let mut map: HashMap<Key, Vec<usize>> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            if free[i] && takes_part_in_text_matching(item) {
                let text = normalized_text(question(item));
                if !text.is_empty() {
                    map.entry((item.type_name(), text)).or_default().push(i);
                }
            }
        }
        map
    };
    let new_text = by_text(new, &new_free);
    let mut old_text: Vec<(Key, Vec<usize>)> = by_text(old, &old_free).into_iter().collect();
    old_text.sort_by_key(|(_, v)| v.first().copied());
    for (key, olds) in old_text {
        if let (&[o], Some(&[n])) = (olds.as_slice(), new_text.get(&key).map(Vec::as_slice)) {
            take(o, n, MatchedBy::Text, 1.0, &mut old_free, &mut new_free);
        }
    }

    // 4. Close wording, best pairs first, never through a tie.
    if by_similarity {
        let words_of = |items: &[&Item], free: &[bool]| -> Vec<Option<Vec<String>>> {
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    (free[i] && takes_part_in_text_matching(item))
                        .then(|| content_words(question(item)))
                })
                .collect()
        };
        let old_words = words_of(old, &old_free);
        let new_words = words_of(new, &new_free);
        let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
        for (o, ow) in old_words.iter().enumerate() {
            let Some(ow) = ow else { continue };
            for (n, nw) in new_words.iter().enumerate() {
                let Some(nw) = nw else { continue };
                if old[o].type_name() != new[n].type_name() {
                    continue;
                }
                let score = jaccard(ow, nw);
                if score >= SIMILARITY_THRESHOLD {
                    candidates.push((score, o, n));
                }
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        // Candidates of equal score are judged together: one whose old or new item has another
        // free candidate of that score is a tie, and both its items are left unmatched (the
        // answer is archived and can be restored by hand) rather than guessed.
        let mut blocked_old = vec![false; old.len()];
        let mut blocked_new = vec![false; new.len()];
        let mut start = 0;
        while start < candidates.len() {
            let score = candidates[start].0;
            let end = candidates[start..]
                .iter()
                .position(|c| (score - c.0).abs() >= TIE)
                .map_or(candidates.len(), |k| start + k);
            let open: Vec<(usize, usize)> = candidates[start..end]
                .iter()
                .filter(|&&(_, o, n)| {
                    old_free[o] && new_free[n] && !blocked_old[o] && !blocked_new[n]
                })
                .map(|&(_, o, n)| (o, n))
                .collect();
            let mut per_old: HashMap<usize, usize> = HashMap::new();
            let mut per_new: HashMap<usize, usize> = HashMap::new();
            for &(o, n) in &open {
                *per_old.entry(o).or_default() += 1;
                *per_new.entry(n).or_default() += 1;
            }
            for (o, n) in open {
                if per_old[&o] == 1 && per_new[&n] == 1 {
                    take(
                        o,
                        n,
                        MatchedBy::Similarity,
                        score,
                        &mut old_free,
                        &mut new_free,
                    );
                } else {
                    blocked_old[o] = true;
                    blocked_new[n] = true;
                }
            }
            start = end;
        }
    }
    out
}

/// Which draft of a copy a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopySide {
    From,
    To,
}

/// One item of the target draft that a copy changes.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyChange {
    pub from: ItemRef,
    pub to: ItemRef,
    pub by: MatchedBy,
    /// `(before, after)` when the value changes.
    pub value: Option<(Option<Value>, Value)>,
    /// `(before, after)` when the comment changes.
    pub comment: Option<(String, String)>,
    /// Evidence linked to the source item and not yet to the target item.
    pub evidence: Vec<EvidenceRef>,
}

/// A source value the target item does not accept: not copied, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCopied {
    pub from: ItemRef,
    pub to: ItemRef,
    pub reason: String,
}

/// What copying answers from one draft to another will change.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyPlan {
    pub from: TemplateRef,
    pub to: TemplateRef,
    /// (source section, target section) pairs copied, in the target's order.
    pub sections: Vec<(SectionRef, SectionRef)>,
    pub changes: Vec<CopyChange>,
    /// Matched items whose target already holds what the source holds.
    pub unchanged: Vec<(ItemRef, ItemRef)>,
    pub not_copied: Vec<NotCopied>,
    /// Source items holding something with no counterpart in the target's sections.
    pub unmatched: Vec<ItemRef>,
}

/// A section as a copy plan names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionRef {
    pub id: String,
    pub title: String,
}

/// Plans copying answers, comments and evidence from a draft (`from`, holding `from_held`) into
/// another (`to`, holding `to_held`), for the named sections (id or title; each must exist in
/// both). No names: the sections the target marks `shared` that the source also has.
///
/// Items are matched by id, requirement ID, then identical wording; never by similarity, as
/// the two templates are different SCALs. A source item with no value leaves the target's
/// value as it is: a copy never clears an answer.
pub fn plan_copy(
    from: &Template,
    from_held: &Holdings,
    to: &Template,
    to_held: &Holdings,
    sections: &[String],
) -> Result<CopyPlan, CoreError> {
    let known = |t: &Template| {
        t.sections
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut pairs: Vec<(&Section, &Section)> = Vec::new();
    if sections.is_empty() {
        for target in to.sections.iter().filter(|s| s.shared) {
            if let Some(source) = from
                .section_named(&target.id)
                .or_else(|| from.section_named(&target.title))
            {
                pairs.push((source, target));
            }
        }
        if pairs.is_empty() {
            return Err(CoreError::NothingShared);
        }
    } else {
        for name in sections {
            let source = from
                .section_named(name)
                .ok_or_else(|| CoreError::UnknownSection {
                    name: name.clone(),
                    side: CopySide::From,
                    template: format!("{} {}", from.id, from.version),
                    known: known(from),
                })?;
            let target = to
                .section_named(name)
                .ok_or_else(|| CoreError::UnknownSection {
                    name: name.clone(),
                    side: CopySide::To,
                    template: format!("{} {}", to.id, to.version),
                    known: known(to),
                })?;
            if !pairs.iter().any(|(_, t)| t.id == target.id) {
                pairs.push((source, target));
            }
        }
    }
    let target_order = |s: &Section| to.sections.iter().position(|t| t.id == s.id);
    pairs.sort_by_key(|(_, t)| target_order(t));

    let old_items: Vec<(&Section, &Item)> = pairs
        .iter()
        .flat_map(|(s, _)| s.items.iter().map(move |i| (*s, i)))
        .collect();
    let new_items: Vec<(&Section, &Item)> = pairs
        .iter()
        .flat_map(|(_, t)| t.items.iter().map(move |i| (*t, i)))
        .collect();
    let pairings = match_items(
        &old_items.iter().map(|(_, i)| *i).collect::<Vec<_>>(),
        &new_items.iter().map(|(_, i)| *i).collect::<Vec<_>>(),
        false,
    );

    let mut plan = CopyPlan {
        from: TemplateRef::from(from),
        to: TemplateRef::from(to),
        sections: pairs
            .iter()
            .map(|(s, t)| {
                (
                    SectionRef {
                        id: s.id.clone(),
                        title: s.title.clone(),
                    },
                    SectionRef {
                        id: t.id.clone(),
                        title: t.title.clone(),
                    },
                )
            })
            .collect(),
        changes: Vec::new(),
        unchanged: Vec::new(),
        not_copied: Vec::new(),
        unmatched: Vec::new(),
    };
    let mut matched_old = vec![false; old_items.len()];
    let mut ordered = pairings;
    ordered.sort_by_key(|p| p.new);
    for p in ordered {
        matched_old[p.old] = true;
        let (fs, fi) = old_items[p.old];
        let (ts, ti) = new_items[p.new];
        let from_ref = ItemRef::new(fs, fi);
        let to_ref = ItemRef::new(ts, ti);
        let source = from_held.answer(&fi.id);
        let source_links = from_held.evidence(&fi.id);
        if source.is_none() && source_links.is_empty() {
            continue;
        }
        let target = to_held.answers.get(&ti.id);
        let target_value = target.and_then(|a| a.value.clone());
        let target_comment = target.map(|a| a.comment.clone()).unwrap_or_default();

        let mut value = None;
        if let Some(v) = source.and_then(|a| a.value.clone()) {
            match fit(ti, v) {
                (Some(v), None) => {
                    if target_value.as_ref() != Some(&v) {
                        value = Some((target_value.clone(), v));
                    }
                }
                (_, unfit) => plan.not_copied.push(NotCopied {
                    from: from_ref.clone(),
                    to: to_ref.clone(),
                    reason: unfit.map(|u| u.copy_words()).unwrap_or_default(),
                }),
            }
        }
        let comment = source
            .map(|a| a.comment.trim().to_string())
            .filter(|c| !c.is_empty() && *c != target_comment.trim())
            .map(|c| (target_comment.clone(), c));
        let linked: BTreeSet<&str> = to_held
            .evidence(&ti.id)
            .iter()
            .map(|e| e.sha256.as_str())
            .collect();
        let mut evidence: Vec<EvidenceRef> = Vec::new();
        for link in source_links {
            if !linked.contains(link.sha256.as_str())
                && !evidence.iter().any(|e| e.sha256 == link.sha256)
            {
                evidence.push(link.clone());
            }
        }
        if value.is_none() && comment.is_none() && evidence.is_empty() {
            if !plan.not_copied.iter().any(|n| n.from.id == from_ref.id) {
                plan.unchanged.push((from_ref, to_ref));
            }
            continue;
        }
        plan.changes.push(CopyChange {
            from: from_ref,
            to: to_ref,
            by: p.by,
            value,
            comment,
            evidence,
        });
    }
    for (o, (s, i)) in old_items.iter().enumerate() {
        if !matched_old[o]
            && (from_held.answer(&i.id).is_some() || !from_held.evidence(&i.id).is_empty())
        {
            plan.unmatched.push(ItemRef::new(s, i));
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_ignores_case_punctuation_order_and_plurals() {
        assert_eq!(
            similarity(
                "Supplier organisation name",
                "Name of the supplier organisation"
            ),
            1.0
        );
        assert_eq!(similarity("Slots are searched.", "search the SLOT"), 1.0);
        assert_eq!(similarity("", "anything"), 0.0);
        assert!(similarity("Test 1", "Test 2") < SIMILARITY_THRESHOLD);
    }

    #[test]
    fn normalised_text_keeps_only_words_and_numbers() {
        assert_eq!(
            normalized_text("  GET /metadata — returns 200 OK! "),
            "get metadata returns 200 ok"
        );
    }
}
