//! Review: threaded comments that are resolved and re-opened, the review mode that takes them
//! but refuses answers, section Complete refused while issues block it, and the sign-off.

use crate::common;

use crate::common::{new_draft, no_progress, set};
use chrono::NaiveDate;
use scal_store::{AnswerChange, Draft, StoreError};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn comments_form_threads_that_are_resolved_and_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    let q = draft
        .add_review_comment(
            "uec.book",
            "  Which test report covers this?  ",
            None,
            "sam",
        )
        .unwrap();
    assert_eq!(q.body, "Which test report covers this?");
    assert_eq!(
        (q.item.as_str(), q.parent, q.author.as_str()),
        ("uec.book", None, "sam")
    );
    let a = draft
        .add_review_comment("uec.book", "TCR section 4.2", Some(q.id), "alice")
        .unwrap();
    // A reply to a reply joins the same thread.
    let b = draft
        .add_review_comment("uec.book", "Thanks, found it", Some(a.id), "sam")
        .unwrap();
    assert_eq!(a.parent, Some(q.id));
    assert_eq!(b.parent, Some(q.id));
    let other = draft
        .add_review_comment("uec", "Status looks premature", None, "sam")
        .unwrap();

    let threads = draft.review_threads(None).unwrap();
    assert_eq!(threads.len(), 2);
    assert_eq!(threads[0].root.id, q.id);
    let replies: Vec<&str> = threads[0].replies.iter().map(|r| r.body.as_str()).collect();
    assert_eq!(replies, ["TCR section 4.2", "Thanks, found it"]);
    assert_eq!(
        draft.review_threads(Some("uec")).unwrap()[0].root.id,
        other.id
    );
    assert_eq!(draft.open_review_threads().unwrap(), 2);

    // Resolving any comment of a thread resolves the thread.
    let resolved = draft.resolve_review_comment(b.id, "sam").unwrap();
    assert_eq!(resolved.id, q.id);
    assert_eq!(resolved.resolved_by.as_deref(), Some("sam"));
    assert_eq!(draft.open_review_threads().unwrap(), 1);
    assert!(!draft.review_threads(Some("uec.book")).unwrap()[0].is_open());

    // Re-opened by hand, or by a new reply.
    draft.reopen_review_comment(q.id).unwrap();
    assert_eq!(draft.open_review_threads().unwrap(), 2);
    draft.resolve_review_comment(q.id, "sam").unwrap();
    draft
        .add_review_comment(
            "uec.book",
            "Section 4.2 is about cancelling",
            Some(q.id),
            "sam",
        )
        .unwrap();
    assert!(draft.review_threads(Some("uec.book")).unwrap()[0].is_open());

    // All of it survives reopening the file.
    let before = draft.review_comments(None).unwrap();
    drop(draft);
    let draft = Draft::open_read_only(&path).unwrap();
    assert_eq!(draft.review_comments(None).unwrap(), before);
}

#[test]
fn review_comments_refuse_what_cannot_be_taken() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    let err = draft
        .add_review_comment("nope", "Hello", None, "sam")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "there is no item or section \"nope\" in the template of {}",
            path.display()
        )
    );
    let err = draft
        .add_review_comment("uec.book", "  \n ", None, "sam")
        .unwrap_err();
    assert_eq!(err.to_string(), "a review comment cannot be empty");
    let q = draft
        .add_review_comment("uec.book", "Why?", None, "sam")
        .unwrap();
    let err = draft
        .add_review_comment("uec.cancel", "Because", Some(q.id), "alice")
        .unwrap_err();
    assert!(
        err.to_string().contains(&format!(
            "comment {} is on \"uec.book\", not \"uec.cancel\"",
            q.id
        )),
        "{err}"
    );
    let err = draft.resolve_review_comment(99, "sam").unwrap_err();
    assert!(
        matches!(err, StoreError::NoSuchReviewComment { id: 99, .. }),
        "{err}"
    );
    assert_eq!(draft.review_comments(None).unwrap().len(), 1);
}

#[test]
fn a_reviewer_may_comment_and_sign_off_but_not_change_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    draft.set_answer("org.name", set("Acme"), "alice").unwrap();
    drop(draft);

    let mut review = Draft::open_for_review(&path).unwrap();
    assert!(review.is_review() && review.is_read_only());
    let c = review
        .add_review_comment("org.name", "Registered name?", None, "sam")
        .unwrap();
    review.resolve_review_comment(c.id, "sam").unwrap();
    review
        .sign_off(
            "Sam Patel",
            "Clinical Safety Officer",
            day("2026-06-01"),
            "sam",
        )
        .unwrap();
    let file = dir.path().join("r.pdf");
    common::write_file(&file, 10, 1);
    let refusals = [
        review
            .set_answer("org.name", set("Other"), "sam")
            .unwrap_err(),
        review
            .set_answer("org.name", AnswerChange::comment("x"), "sam")
            .unwrap_err(),
        review
            .attach("uec.tcr", &file, "sam", &mut no_progress())
            .unwrap_err(),
        review
            .set_section_status("uec", "In Progress", "sam")
            .unwrap_err(),
    ];
    for err in refusals {
        assert!(matches!(err, StoreError::ReviewOnly { .. }), "{err}");
        assert!(
            err.to_string().contains(
                "is open for review: its answers, evidence and statuses cannot be changed"
            ),
            "{err}"
        );
    }
    // Open for review holds the lock like an edit: the author cannot change answers meanwhile.
    assert!(matches!(
        Draft::open(&path).unwrap_err(),
        StoreError::AlreadyOpen { .. }
    ));
    drop(review);

    // Read-only refuses even comments.
    let mut read_only = Draft::open_read_only(&path).unwrap();
    let err = read_only
        .add_review_comment("org.name", "x", None, "sam")
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err}");
    let err = read_only
        .sign_off("Sam", "CSO", day("2026-06-01"), "sam")
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err}");
    assert_eq!(read_only.review_comments(None).unwrap().len(), 1);
    assert_eq!(
        read_only.answers().unwrap()["org.name"].value,
        Some(common::text("Acme"))
    );
}

#[test]
fn complete_is_refused_while_the_section_has_blocking_issues() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    let today = day("2026-06-15");
    let err = draft
        .set_section_status_on("uec", "Complete", "alice", today)
        .unwrap_err();
    let StoreError::SectionNotReady { reasons, .. } = &err else {
        panic!("expected SectionNotReady, got {err}");
    };
    // Slot, declaration and both MUST requirements are unanswered.
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "section \"UEC Appointment Booking\" (uec) of {} cannot be marked Complete while it has 4 blocking issues: ",
            path.display()
        )),
        "{text}"
    );
    assert!(text.ends_with("; and 1 more."), "{text}");
    assert!(draft.section_statuses().unwrap().is_empty());
    assert!(draft.history(Some("uec")).unwrap().is_empty());

    // One reason left: named alone, without "more".
    let report = dir.path().join("tcr.pdf");
    common::write_file(&report, 100, 3);
    draft
        .attach("uec.tcr", &report, "alice", &mut no_progress())
        .unwrap();
    draft
        .attach("uec.book", &report, "alice", &mut no_progress())
        .unwrap();
    draft
        .set_answer("uec.decl.dspt", set("Yes"), "alice")
        .unwrap();
    draft.set_answer("uec.book", set("Yes"), "alice").unwrap();
    let err = draft
        .set_section_status_on("uec", "Complete", "alice", today)
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("has 1 blocking issue: "), "{text}");
    assert!(!text.contains("more"), "{text}");

    draft.set_answer("uec.cancel", set("Yes"), "alice").unwrap();
    draft
        .set_section_status_on("uec", "Complete", "alice", today)
        .unwrap();
    assert_eq!(draft.section_statuses().unwrap()["uec"].status, "Complete");
    // In Progress is always taken.
    draft
        .set_section_status_on("uec", "In Progress", "alice", today)
        .unwrap();
}

#[test]
fn a_sign_off_goes_stale_when_answers_change() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = new_draft(dir.path());
    assert_eq!(draft.signoff().unwrap(), None);
    draft.set_answer("org.name", set("Acme"), "alice").unwrap();
    let s = draft
        .sign_off(
            " Dr  Jo\nBloggs ",
            "Clinical Safety Officer",
            day("2026-06-01"),
            "jo",
        )
        .unwrap();
    assert_eq!(s.name, "Dr Jo Bloggs");
    assert_eq!(s.signed_on, day("2026-06-01"));
    assert_eq!(s.by, "jo");
    let now = draft.signoff().unwrap().unwrap();
    assert!(!now.stale);
    assert_eq!(now.signoff, s);

    // A review comment or an evidence link is not an answer: still current.
    draft
        .add_review_comment("org.name", "ok", None, "sam")
        .unwrap();
    assert!(!draft.signoff().unwrap().unwrap().stale);

    draft
        .set_answer("org.name", AnswerChange::comment("As registered"), "alice")
        .unwrap();
    assert!(draft.signoff().unwrap().unwrap().stale);
    drop(draft);

    // A new sign-off is in force; the old one is kept.
    let mut draft = Draft::open(&path).unwrap();
    assert!(draft.signoff().unwrap().unwrap().stale);
    draft
        .sign_off("Jo Bloggs", "CSO", day("2026-06-02"), "jo")
        .unwrap();
    assert!(!draft.signoff().unwrap().unwrap().stale);
    assert_eq!(draft.signoffs().unwrap().len(), 2);

    for (name, role, want) in [
        ("", "CSO", "a sign-off needs a name"),
        ("Jo", " ", "a sign-off needs a role"),
    ] {
        let err = draft
            .sign_off(name, role, day("2026-06-02"), "jo")
            .unwrap_err();
        assert_eq!(err.to_string(), want);
    }
    let err = draft
        .sign_off(&"x".repeat(201), "CSO", day("2026-06-02"), "jo")
        .unwrap_err();
    assert!(err.to_string().contains("at most 200 characters"), "{err}");

    // Today is fine; a date after it is refused, and nothing is recorded.
    let today = chrono::Local::now().date_naive();
    draft.sign_off("Jo Bloggs", "CSO", today, "jo").unwrap();
    let tomorrow = today.succ_opt().unwrap();
    let err = draft
        .sign_off("Jo Bloggs", "CSO", tomorrow, "jo")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("a sign-off cannot be dated in the future: {tomorrow} is after today, {today}")
    );
    assert_eq!(draft.signoffs().unwrap().len(), 3);
}
