//! What changed between two states of a draft: answers, comments and evidence, item by item.
//!
//! Pure: the two sides are plain data (a snapshot, the draft now, or two drafts), so the same
//! function serves `scal diff`, the app's "changed since last export" and the tests. Items come
//! out sorted by id; callers that show them group and order them by their template.

use std::collections::{BTreeMap, BTreeSet};

use crate::answer::{Answers, Value};

/// One evidence link, as far as a diff cares: which content, under which name, on which item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EvidenceRef {
    pub item: String,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    pub size: u64,
    pub file_name: String,
}

/// One side of a diff.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub answers: &'a Answers,
    pub evidence: &'a [EvidenceRef],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// Nothing before, something now.
    Added,
    /// Something before, nothing now.
    Removed,
    /// Something before and something else now.
    Changed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }

    fn of(before: bool, after: bool) -> ChangeKind {
        match (before, after) {
            (false, _) => ChangeKind::Added,
            (true, false) => ChangeKind::Removed,
            (true, true) => ChangeKind::Changed,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueChange {
    pub kind: ChangeKind,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// A comment change; an empty comment is no comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentChange {
    pub kind: ChangeKind,
    pub old: String,
    pub new: String,
}

/// A link that is in one side only. A file renamed, or replaced by other content under the
/// same name, is one link removed and one added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceChange {
    /// `Added` or `Removed`, never `Changed`.
    pub kind: ChangeKind,
    pub file: EvidenceRef,
}

/// Everything that changed on one item; at least one part is present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDiff {
    pub item: String,
    pub value: Option<ValueChange>,
    pub comment: Option<CommentChange>,
    /// Removed links first, then added ones, each in the order of their side.
    pub evidence: Vec<EvidenceChange>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// Sorted by item id.
    pub items: Vec<ItemDiff>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn item(&self, id: &str) -> Option<&ItemDiff> {
        self.items.iter().find(|i| i.item == id)
    }

    /// (answers, comments, evidence links) that changed, for a one-line summary.
    pub fn counts(&self) -> (usize, usize, usize) {
        self.items.iter().fold((0, 0, 0), |(a, c, e), i| {
            (
                a + usize::from(i.value.is_some()),
                c + usize::from(i.comment.is_some()),
                e + i.evidence.len(),
            )
        })
    }
}

/// The changes that take `from` to `to`.
pub fn diff(from: Side<'_>, to: Side<'_>) -> Diff {
    let from_links = by_item(from.evidence);
    let to_links = by_item(to.evidence);
    let ids: BTreeSet<&str> = from
        .answers
        .keys()
        .chain(to.answers.keys())
        .map(String::as_str)
        .chain(from_links.keys().copied())
        .chain(to_links.keys().copied())
        .collect();

    let mut items = Vec::new();
    for id in ids {
        let old = from.answers.get(id);
        let new = to.answers.get(id);
        let old_value = old.and_then(|a| a.value.clone());
        let new_value = new.and_then(|a| a.value.clone());
        let value = (old_value != new_value).then(|| ValueChange {
            kind: ChangeKind::of(old_value.is_some(), new_value.is_some()),
            old: old_value,
            new: new_value,
        });
        let old_comment = old.map(|a| a.comment.clone()).unwrap_or_default();
        let new_comment = new.map(|a| a.comment.clone()).unwrap_or_default();
        let comment = (old_comment != new_comment).then(|| CommentChange {
            kind: ChangeKind::of(!old_comment.is_empty(), !new_comment.is_empty()),
            old: old_comment,
            new: new_comment,
        });
        let evidence = evidence_changes(
            from_links.get(id).map(Vec::as_slice).unwrap_or_default(),
            to_links.get(id).map(Vec::as_slice).unwrap_or_default(),
        );
        if value.is_some() || comment.is_some() || !evidence.is_empty() {
            items.push(ItemDiff {
                item: id.to_string(),
                value,
                comment,
                evidence,
            });
        }
    }
    Diff { items }
}

fn by_item(links: &[EvidenceRef]) -> BTreeMap<&str, Vec<&EvidenceRef>> {
    let mut map: BTreeMap<&str, Vec<&EvidenceRef>> = BTreeMap::new();
    for l in links {
        map.entry(l.item.as_str()).or_default().push(l);
    }
    map
}

/// Links compared as a multiset: the same content under the same name twice on one item is two
/// links, and removing one of them is a change.
fn evidence_changes(from: &[&EvidenceRef], to: &[&EvidenceRef]) -> Vec<EvidenceChange> {
    let key = |l: &EvidenceRef| (l.sha256.clone(), l.file_name.clone());
    let mut unmatched_to: Vec<&EvidenceRef> = to.to_vec();
    let mut removed = Vec::new();
    for l in from {
        match unmatched_to.iter().position(|t| key(t) == key(l)) {
            Some(pos) => {
                unmatched_to.remove(pos);
            }
            None => removed.push(EvidenceChange {
                kind: ChangeKind::Removed,
                file: (*l).clone(),
            }),
        }
    }
    removed.extend(unmatched_to.into_iter().map(|l| EvidenceChange {
        kind: ChangeKind::Added,
        file: l.clone(),
    }));
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Answer;

    fn answers(rows: &[(&str, Option<&str>, &str)]) -> Answers {
        rows.iter()
            .map(|(id, v, c)| {
                (
                    (*id).to_string(),
                    Answer {
                        value: v.map(|v| Value::One(v.to_string())),
                        comment: (*c).to_string(),
                    },
                )
            })
            .collect()
    }

    fn link(item: &str, sha: char, name: &str) -> EvidenceRef {
        EvidenceRef {
            item: item.to_string(),
            sha256: sha.to_string().repeat(64),
            size: 10,
            file_name: name.to_string(),
        }
    }

    /// Runs a diff and renders it as one line per change, so each case reads as a table.
    fn check(from: (&Answers, &[EvidenceRef]), to: (&Answers, &[EvidenceRef]), expected: &[&str]) {
        let d = diff(
            Side {
                answers: from.0,
                evidence: from.1,
            },
            Side {
                answers: to.0,
                evidence: to.1,
            },
        );
        let mut lines = Vec::new();
        for i in &d.items {
            if let Some(v) = &i.value {
                lines.push(format!(
                    "{} answer {} {:?} -> {:?}",
                    i.item,
                    v.kind.as_str(),
                    v.old.as_ref().map(Value::display),
                    v.new.as_ref().map(Value::display)
                ));
            }
            if let Some(c) = &i.comment {
                lines.push(format!(
                    "{} comment {} {:?} -> {:?}",
                    i.item,
                    c.kind.as_str(),
                    c.old,
                    c.new
                ));
            }
            for e in &i.evidence {
                lines.push(format!(
                    "{} evidence {} {}",
                    i.item,
                    e.kind.as_str(),
                    e.file.file_name
                ));
            }
        }
        assert_eq!(lines, expected);
    }

    #[test]
    fn identical_sides_have_no_changes() {
        let a = answers(&[("x", Some("Yes"), "note")]);
        let e = [link("x", 'a', "r.pdf")];
        check((&a, &e), (&a, &e), &[]);
    }

    #[test]
    fn answers_are_added_changed_and_removed() {
        let from = answers(&[
            ("a", Some("Yes"), ""),
            ("b", Some("No"), ""),
            ("c", None, "x"),
        ]);
        let to = answers(&[
            ("a", Some("No"), ""),
            ("c", Some("Yes"), "x"),
            ("d", None, ""),
        ]);
        check(
            (&from, &[]),
            (&to, &[]),
            &[
                "a answer changed Some(\"Yes\") -> Some(\"No\")",
                "b answer removed Some(\"No\") -> None",
                "c answer added None -> Some(\"Yes\")",
            ],
        );
    }

    #[test]
    fn comments_change_on_their_own_and_empty_means_none() {
        let from = answers(&[
            ("a", Some("No"), ""),
            ("b", Some("No"), "old"),
            ("c", None, "gone"),
        ]);
        let to = answers(&[("a", Some("No"), "mitigated"), ("b", Some("No"), "new")]);
        check(
            (&from, &[]),
            (&to, &[]),
            &[
                "a comment added \"\" -> \"mitigated\"",
                "b comment changed \"old\" -> \"new\"",
                "c comment removed \"gone\" -> \"\"",
            ],
        );
    }

    #[test]
    fn evidence_is_compared_by_content_and_name() {
        let none = Answers::new();
        let from = [
            link("a", 'a', "report.pdf"),
            link("a", 'b', "cert.pdf"),
            link("b", 'c', "same.pdf"),
            link("b", 'c', "same.pdf"),
        ];
        let to = [
            link("a", 'a', "report-v2.pdf"),
            link("a", 'b', "cert.pdf"),
            link("b", 'c', "same.pdf"),
            link("c", 'd', "new.png"),
        ];
        check(
            (&none, &from),
            (&none, &to),
            &[
                "a evidence removed report.pdf",
                "a evidence added report-v2.pdf",
                "b evidence removed same.pdf",
                "c evidence added new.png",
            ],
        );
    }

    #[test]
    fn multi_choice_values_differ_by_their_choices() {
        let mut from = Answers::new();
        from.insert(
            "m".into(),
            Answer {
                value: Some(Value::Many(vec!["A".into(), "B".into()])),
                comment: String::new(),
            },
        );
        let mut to = from.clone();
        to.insert(
            "m".into(),
            Answer {
                value: Some(Value::Many(vec!["A".into()])),
                comment: String::new(),
            },
        );
        check(
            (&from, &[]),
            (&to, &[]),
            &["m answer changed Some(\"A; B\") -> Some(\"A\")"],
        );
    }

    #[test]
    fn counts_add_up_over_items() {
        let from = answers(&[("a", Some("Yes"), "c")]);
        let to = answers(&[("a", Some("No"), "d"), ("b", Some("Yes"), "")]);
        let e = [link("b", 'e', "x.pdf")];
        let d = diff(
            Side {
                answers: &from,
                evidence: &[],
            },
            Side {
                answers: &to,
                evidence: &e,
            },
        );
        assert_eq!(d.counts(), (2, 1, 1));
        assert!(d.item("b").is_some());
        assert!(d.item("z").is_none());
    }
}
