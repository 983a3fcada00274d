//! The upgrade report's groups: which, in what order, with what title and explanation. Both
//! faces show them from here, so `scal upgrade` and the app's upgrade dialog read alike.

use scal_core::upgrade::{Added, Carry, Removed, UpgradePlan};

/// One group of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub kind: Kind,
    /// Stable key (the JSON's name for the group).
    pub key: &'static str,
    pub title: &'static str,
    /// What the group means for the person upgrading.
    pub explanation: &'static str,
}

/// The groups in the order they are shown: what needs a look first, what simply moved last.
pub const GROUPS: [Group; 7] = [
    Group {
        kind: Kind::CarriedReworded,
        key: "carried_reworded",
        title: "Reworded: carried, to re-confirm",
        explanation: "Same ID, but the wording or level changed: the answer is carried over and flagged for re-confirmation.",
    },
    Group {
        kind: Kind::MatchedBySimilarity,
        key: "matched_by_similarity",
        title: "Matched by close wording: carried, to re-confirm",
        explanation: "A different ID (or none) with close wording: the answer is carried over and flagged for re-confirmation.",
    },
    Group {
        kind: Kind::NoLongerFits,
        key: "no_longer_fits",
        title: "Answer no longer fits: old value archived, to re-confirm",
        explanation: "The new item does not accept the old value: the old value is archived, whatever still fits is kept.",
    },
    Group {
        kind: Kind::MatchedByText,
        key: "matched_by_text",
        title: "Matched by identical wording under a new ID",
        explanation: "A different ID with the same wording: the answer is carried over.",
    },
    Group {
        kind: Kind::Removed,
        key: "removed",
        title: "Removed from the template: answers archived",
        explanation: "No counterpart in the new version: what the draft holds is kept in the archive, visible and restorable.",
    },
    Group {
        kind: Kind::New,
        key: "new",
        title: "New in this version: to answer",
        explanation: "Not in the draft's template: unanswered until you answer it.",
    },
    Group {
        kind: Kind::Carried,
        key: "carried",
        title: "Carried over unchanged",
        explanation: "Same ID and wording: the answer moves across as it is.",
    },
];

/// Which part of the plan a group shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    CarriedReworded,
    MatchedBySimilarity,
    NoLongerFits,
    MatchedByText,
    Removed,
    New,
    Carried,
}

/// The lines of one group.
#[derive(Debug, Clone, Copy)]
pub enum Lines<'p> {
    Carried(&'p [Carry]),
    Removed(&'p [Removed]),
    New(&'p [Added]),
}

impl Lines<'_> {
    pub fn len(&self) -> usize {
        match self {
            Lines::Carried(l) => l.len(),
            Lines::Removed(l) => l.len(),
            Lines::New(l) => l.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Every group of `plan`, in [`GROUPS`] order, with its lines.
pub fn groups(plan: &UpgradePlan) -> impl Iterator<Item = (Group, Lines<'_>)> {
    GROUPS.into_iter().map(move |g| (g, lines(plan, g.kind)))
}

/// The lines of the group `kind` of `p`.
pub fn lines(p: &UpgradePlan, kind: Kind) -> Lines<'_> {
    match kind {
        Kind::CarriedReworded => Lines::Carried(&p.carried_reworded),
        Kind::MatchedBySimilarity => Lines::Carried(&p.matched_by_similarity),
        Kind::NoLongerFits => Lines::Carried(&p.no_longer_fits),
        Kind::MatchedByText => Lines::Carried(&p.matched_by_text),
        Kind::Removed => Lines::Removed(&p.removed),
        Kind::New => Lines::New(&p.new),
        Kind::Carried => Lines::Carried(&p.carried),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_has_its_own_key_and_title() {
        let mut keys: Vec<_> = GROUPS.iter().map(|g| g.key).collect();
        let mut titles: Vec<_> = GROUPS.iter().map(|g| g.title).collect();
        keys.sort_unstable();
        keys.dedup();
        titles.sort_unstable();
        titles.dedup();
        assert_eq!((keys.len(), titles.len()), (7, 7));
    }
}
