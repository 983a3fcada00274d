//! Upgrading a draft to a new template version (answers, comments, evidence and review
//! comments carried; removed answers archived, visible and restorable; reworded answers flagged
//! until confirmed; undone by restoring the before-upgrade snapshot), and copying answers
//! between drafts.

use crate::common;

use std::path::{Path, PathBuf};

use crate::common::{no_progress, set, text};
use scal_core::completeness::rules;
use scal_core::Value;
use scal_store::{
    AnswerChange, Draft, HistoryAction, HistoryEvent, NewWorkbook, SnapshotReason, StoreError,
};
use scal_testkit::{ers_v12 as v12, ERS_V11 as V11};

/// A v11 draft: answers, comments, evidence and a review comment on items each group handles.
fn v11_draft(dir: &Path) -> (PathBuf, Draft) {
    let path = dir.join("ers.scal");
    let mut draft = Draft::create(&path, V11, "alice").unwrap();
    let answer = |value: &str, comment: &str| AnswerChange {
        value: Some(Some(text(value))),
        comment: Some(comment.to_string()),
    };
    let changes = vec![
        ("supplier-name".to_string(), answer("Acme Health Ltd", "")),
        (
            "topology".to_string(),
            answer("Centrally Hosted Aggregator", ""),
        ),
        ("A001-01".to_string(), answer("Yes", "")),
        ("A006-01".to_string(), answer("Yes", "Cached for 12 hours")),
        ("A010-01".to_string(), answer("Yes", "")),
        (
            "A015-02".to_string(),
            answer("Out of Scope", "We do not receive advice and guidance"),
        ),
        ("row-7".to_string(), answer("No", "Booking step due in May")),
    ];
    draft.apply(&changes, "alice").unwrap();
    for (item, name, seed) in [
        ("tcr", "tcr.pdf", 1),
        ("A006-01", "refdata.log", 2),
        ("A015-02", "ag-letter.pdf", 3),
    ] {
        let file = dir.join(name);
        common::write_file(&file, 3000, seed);
        draft
            .attach(item, &file, "alice", &mut no_progress())
            .unwrap();
    }
    draft
        .add_review_comment("A015-02", "Why out of scope?", None, "reviewer")
        .unwrap();
    (path, draft)
}

fn value(draft: &Draft, item: &str) -> Option<Value> {
    draft
        .answers()
        .unwrap()
        .get(item)
        .and_then(|a| a.value.clone())
}

fn comment(draft: &Draft, item: &str) -> String {
    draft
        .answers()
        .unwrap()
        .get(item)
        .map(|a| a.comment.clone())
        .unwrap_or_default()
}

fn evidence_names(draft: &Draft, item: &str) -> Vec<String> {
    draft
        .evidence()
        .unwrap()
        .into_iter()
        .filter(|l| l.item == item)
        .map(|l| l.file.file_name)
        .collect()
}

#[test]
fn answers_comments_evidence_and_review_comments_follow_their_items() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut draft) = v11_draft(dir.path());
    let report = draft.upgrade(&v12(), None, "bob").unwrap();

    assert_eq!(draft.template().version, "12.0.0");
    assert_eq!((draft.template_rev(), report.template_rev), (2, 2));
    // Same id: untouched.
    assert_eq!(value(&draft, "A001-01"), Some(text("Yes")));
    assert_eq!(evidence_names(&draft, "tcr"), ["tcr.pdf"]);
    // Renumbered, same wording: value, comment, evidence and review thread moved.
    assert_eq!(value(&draft, "A015-03"), Some(text("Out of Scope")));
    assert_eq!(
        comment(&draft, "A015-03"),
        "We do not receive advice and guidance"
    );
    assert_eq!(evidence_names(&draft, "A015-03"), ["ag-letter.pdf"]);
    assert!(!draft.answers().unwrap().contains_key("A015-02"));
    let threads = draft.review_threads(Some("A015-03")).unwrap();
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0].root.body, "Why out of scope?");
    // A row without an ID, found by its wording.
    assert_eq!(value(&draft, "row-9"), Some(text("No")));
    assert_eq!(comment(&draft, "row-9"), "Booking step due in May");
    // New requirements are unanswered.
    assert_eq!(value(&draft, "A042-01"), None);

    // The history says what moved where, under the new ids.
    let carry = draft
        .history(Some("A015-03"))
        .unwrap()
        .into_iter()
        .find(|h| h.action().as_str() == "carry")
        .unwrap();
    assert_eq!(carry.author, "bob");
    assert_eq!(carry.new_value, Some(text("Out of Scope")));
    let scal_store::HistoryEvent::Carry(detail) = &carry.event else {
        panic!("a carry entry holds a carry event: {:?}", carry.event);
    };
    assert_eq!(detail.from, "A015-02");
    assert_eq!(detail.by, "text");
    // Every evidence link still names a stored blob on an item of the template in force.
    for link in draft.evidence().unwrap() {
        assert!(draft.template().item(&link.item).is_some(), "{}", link.item);
    }
}

#[test]
fn removed_answers_are_archived_with_their_evidence_and_can_be_restored() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut draft) = v11_draft(dir.path());
    let report = draft.upgrade(&v12(), None, "bob").unwrap();

    assert!(!draft.answers().unwrap().contains_key("A006-01"));
    assert!(evidence_names(&draft, "A006-01").is_empty());
    let archived = draft.archived_answers().unwrap();
    let a006 = archived.iter().find(|a| a.item == "A006-01").unwrap();
    assert!(report.archived.contains(&a006.id));
    assert_eq!(a006.value, Some(text("Yes")));
    assert_eq!(a006.comment, "Cached for 12 hours");
    assert_eq!(
        (
            a006.template_version.as_str(),
            a006.label.as_str(),
            a006.section.as_str()
        ),
        ("11.0.0", "Reference data", "ers")
    );
    assert!(a006.text.contains("reference data lists"));
    assert_eq!(a006.evidence.len(), 1);
    assert_eq!(a006.evidence[0].file_name, "refdata.log");
    assert_eq!(a006.archived_by, "bob");
    assert!(a006.restored.is_none());

    let restored = draft.restore_archived(a006.id, "A042-01", "carol").unwrap();
    assert_eq!(restored.restored.as_ref().unwrap().to, "A042-01");
    assert_eq!(restored.restored.as_ref().unwrap().by, "carol");
    assert_eq!(value(&draft, "A042-01"), Some(text("Yes")));
    assert_eq!(comment(&draft, "A042-01"), "Cached for 12 hours");
    assert_eq!(evidence_names(&draft, "A042-01"), ["refdata.log"]);
    let history = draft.history(Some("A042-01")).unwrap();
    assert_eq!(history.last().unwrap().action().as_str(), "restore");

    // Restored once only; never onto an item that already holds another answer.
    let again = draft
        .restore_archived(a006.id, "A042-02", "carol")
        .unwrap_err();
    assert!(
        matches!(again, StoreError::AlreadyRestored { .. }),
        "{again}"
    );
    assert!(again
        .to_string()
        .contains("already restored, to item \"A042-01\""));
}

#[test]
fn a_restore_never_overwrites_and_names_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut draft) = v11_draft(dir.path());
    draft.upgrade(&v12(), None, "bob").unwrap();
    let id = draft
        .archived_answers()
        .unwrap()
        .into_iter()
        .find(|a| a.item == "A006-01")
        .unwrap()
        .id;
    draft.set_answer("A042-02", set("No"), "bob").unwrap();
    let e = draft.restore_archived(id, "A042-02", "bob").unwrap_err();
    assert!(matches!(e, StoreError::RestoreWouldOverwrite { .. }), "{e}");
    assert!(e.to_string().contains("item \"A042-02\""), "{e}");
    let e = draft.restore_archived(id, "A006-01", "bob").unwrap_err();
    assert!(e.to_string().contains("no item \"A006-01\""), "{e}");
    let e = draft.restore_archived(999, "A042-03", "bob").unwrap_err();
    assert!(
        matches!(e, StoreError::NoSuchArchivedAnswer { id: 999, .. }),
        "{e}"
    );
    // A value the target does not accept: refused by the item's own rule.
    let e = draft.restore_archived(id, "topology", "bob").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("\"Yes\" is not a response item \"topology\" accepts"),
        "{e}"
    );
    assert!(draft
        .archived_answers()
        .unwrap()
        .iter()
        .all(|a| a.restored.is_none()));
    // Nothing was half-done by the refusals.
    assert_eq!(value(&draft, "A042-02"), Some(text("No")));
}

#[test]
fn an_option_the_new_version_withdrew_is_archived_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut draft) = v11_draft(dir.path());
    let report = draft.upgrade(&v12(), None, "bob").unwrap();
    assert_eq!(report.plan.no_longer_fits.len(), 1);
    assert_eq!(value(&draft, "topology"), None);
    let archived = draft.archived_answers().unwrap();
    let topology = archived.iter().find(|a| a.item == "topology").unwrap();
    assert_eq!(topology.value, Some(text("Centrally Hosted Aggregator")));
    let flagged: Vec<String> = draft
        .reconfirmations()
        .unwrap()
        .into_iter()
        .map(|r| r.item)
        .collect();
    assert_eq!(flagged, ["topology", "A010-01", "row-9"]);
}

#[test]
fn a_reworded_answer_warns_in_the_check_until_it_is_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut draft) = v11_draft(dir.path());
    draft.upgrade(&v12(), None, "bob").unwrap();
    let pending = draft.reconfirmations().unwrap();
    let a010 = pending.iter().find(|r| r.item == "A010-01").unwrap();
    assert!(a010.old_text.contains("5 MB") && a010.new_text.contains("20 MB"));
    let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let warned = |draft: &Draft| {
        scal_core::check(draft.template(), &draft.state().unwrap(), today)
            .issues
            .iter()
            .any(|i| i.item == "A010-01" && i.rule == rules::RECONFIRM_NEEDED)
    };
    assert!(warned(&draft));

    draft.confirm("A010-01", "carol").unwrap();
    assert!(!warned(&draft));
    assert!(draft
        .reconfirmations()
        .unwrap()
        .iter()
        .all(|r| r.item != "A010-01"));
    let last = draft.history(Some("A010-01")).unwrap().pop().unwrap();
    assert_eq!(
        (last.action().as_str(), last.author.as_str()),
        ("confirm", "carol")
    );
    let e = draft.confirm("A010-01", "carol").unwrap_err();
    assert!(matches!(e, StoreError::NothingToConfirm { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        format!(
            "item \"A010-01\" of {} has no carried answer waiting to be re-confirmed",
            draft.path().display()
        )
    );
}

#[test]
fn restoring_the_before_upgrade_snapshot_undoes_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = v11_draft(dir.path());
    let before = draft.current_state().unwrap();
    let report = draft.upgrade(&v12(), None, "bob").unwrap();
    assert_eq!(report.snapshot.reason, SnapshotReason::BeforeUpgrade);
    assert_eq!(report.snapshot.label, "before upgrade to ers 12.0.0");

    draft.restore_snapshot(report.snapshot.id, "bob").unwrap();
    assert_eq!(draft.template().version, "11.0.0");
    let after = draft.current_state().unwrap();
    assert_eq!(after.answers, before.answers);
    let links = |s: &scal_store::SnapshotState| {
        let mut l: Vec<(String, String)> = s
            .evidence
            .iter()
            .map(|l| (l.item.clone(), l.file.sha256.clone()))
            .collect();
        l.sort();
        l
    };
    assert_eq!(links(&after), links(&before));
    // What the upgrade archived is back on its item, and no flag of the undone upgrade stays.
    assert!(draft
        .archived_answers()
        .unwrap()
        .iter()
        .all(|a| a.restored.as_ref().is_some_and(|r| r.to == a.item)));
    assert_eq!(draft.reconfirmations().unwrap(), []);
    drop(draft);
    let draft = Draft::open(&path).unwrap();
    assert_eq!(draft.template().version, "11.0.0");
    assert_eq!(draft.template_revisions().unwrap().len(), 3);
}

#[test]
fn restoring_a_snapshot_without_an_archived_answer_leaves_it_restorable() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = Draft::create(&dir.path().join("ers.scal"), V11, "alice").unwrap();
    let first = draft
        .snapshot("empty", SnapshotReason::Manual, "alice")
        .unwrap();
    let changes = vec![(
        "A006-01".to_string(),
        AnswerChange {
            value: Some(Some(text("No"))),
            comment: Some("Not cached yet".to_string()),
        },
    )];
    draft.apply(&changes, "alice").unwrap();
    draft.upgrade(&v12(), None, "bob").unwrap();
    draft.restore_snapshot(first.id, "bob").unwrap();

    // The snapshot did not hold the archived answer: it is not back, so it stays restorable.
    assert_eq!(draft.template().version, "11.0.0");
    assert_eq!(value(&draft, "A006-01"), None);
    let archived = draft.archived_answers().unwrap();
    let a006 = archived.iter().find(|a| a.item == "A006-01").unwrap();
    assert!(a006.restored.is_none(), "{:?}", a006.restored);
    draft.restore_archived(a006.id, "A006-01", "bob").unwrap();
    assert_eq!(value(&draft, "A006-01"), Some(text("No")));
    assert_eq!(comment(&draft, "A006-01"), "Not cached yet");
}

#[test]
fn an_upgrade_survives_closing_and_reopening_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = v11_draft(dir.path());
    draft.upgrade(&v12(), None, "bob").unwrap();
    drop(draft);
    let draft = Draft::open_read_only(&path).unwrap();
    assert_eq!(
        (draft.template().version.as_str(), draft.template_rev()),
        ("12.0.0", 2)
    );
    assert_eq!(value(&draft, "A015-03"), Some(text("Out of Scope")));
    assert_eq!(draft.reconfirmations().unwrap().len(), 3);
    assert_eq!(draft.archived_answers().unwrap().len(), 2);
    assert!(draft.integrity_problems().unwrap().is_empty());
}

#[test]
fn a_dry_run_changes_nothing_even_on_a_read_only_draft() {
    let dir = tempfile::tempdir().unwrap();
    let (path, draft) = v11_draft(dir.path());
    let digest = scal_store::answers_digest(&draft.answers().unwrap());
    drop(draft);
    let draft = Draft::open_read_only(&path).unwrap();
    let plan = draft.plan_upgrade(&v12()).unwrap();
    assert_eq!(plan.new.len(), 9);
    assert_eq!(plan.archived().count(), 1);
    assert_eq!(draft.template_rev(), 1);
    assert_eq!(draft.snapshots().unwrap(), []);
    assert_eq!(
        scal_store::answers_digest(&draft.answers().unwrap()),
        digest
    );
}

#[test]
fn refused_upgrades_leave_the_draft_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut draft) = v11_draft(dir.path());
    let e = draft.upgrade(V11, None, "bob").unwrap_err();
    assert!(matches!(e, StoreError::AlreadyAtTemplate { .. }), "{e}");
    assert!(e
        .to_string()
        .ends_with("already uses template ers 11.0.0: there is nothing to upgrade"));
    let e = draft.upgrade("{\"id\": \"x\"}", None, "bob").unwrap_err();
    assert!(matches!(e, StoreError::Template { .. }), "{e}");
    assert_eq!(draft.template_rev(), 1);
    assert_eq!(draft.snapshots().unwrap(), []);
    drop(draft);
    let mut draft = Draft::open_read_only(&path).unwrap();
    let e = draft.upgrade(&v12(), None, "bob").unwrap_err();
    assert!(matches!(e, StoreError::ReadOnly { .. }), "{e}");
}

#[test]
fn the_workbook_of_an_imported_template_is_kept_with_the_new_revision() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut draft) = v11_draft(dir.path());
    let bytes = common::bytes(10_000, 42);
    draft
        .upgrade(
            &v12(),
            Some(NewWorkbook {
                file_name: "eRS_SCAL_v12.xlsx",
                bytes: &bytes,
            }),
            "bob",
        )
        .unwrap();
    let wb = draft.source_workbook().unwrap().clone();
    assert_eq!(
        (wb.file_name.as_str(), wb.size),
        ("eRS_SCAL_v12.xlsx", 10_000)
    );
    let mut out = Vec::new();
    draft.extract(&wb.sha256, &mut out).unwrap();
    assert_eq!(out, bytes);
    let revisions = draft.template_revisions().unwrap();
    assert!(revisions[0].workbook.is_none());
    assert_eq!(revisions[1].workbook.as_ref(), Some(&wb));
}

/// `template` at `version`, imported from the workbook `file_name` with SHA-256 `sha256`.
fn with_source(template: &str, version: &str, file_name: &str, sha256: &str) -> String {
    template.replacen("\"12.0.0\"", &format!("\"{version}\""), 1).replacen(
        "\"publisher\": \"tests\",",
        &format!(
            r#""publisher": "tests", "source": {{"file_name": "{file_name}", "sha256": "{sha256}", "size": 10000}},"#
        ),
        1,
    )
}

#[test]
fn an_upgrade_without_a_workbook_keeps_the_one_the_new_template_was_imported_from() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut draft) = v11_draft(dir.path());
    let bytes = common::bytes(10_000, 42);
    let workbook = NewWorkbook {
        file_name: "eRS_SCAL_v12.xlsx",
        bytes: &bytes,
    };
    draft.upgrade(&v12(), Some(workbook), "bob").unwrap();
    let wb = draft.source_workbook().unwrap().clone();

    let v13 = with_source(&v12(), "13.0.0", "eRS_SCAL_v12.xlsx", &wb.sha256);
    draft.upgrade(&v13, None, "bob").unwrap();
    assert_eq!(draft.source_workbook(), Some(&wb));
    assert_eq!(
        draft.template_revisions().unwrap()[2].workbook.as_ref(),
        Some(&wb)
    );
    let e = draft.upgrade(&v13, None, "bob").unwrap_err();
    assert!(matches!(e, StoreError::AlreadyAtTemplate { .. }), "{e}");

    // A template imported from another workbook: without it, the draft holds none.
    let v14 = with_source(&v12(), "14.0.0", "other.xlsx", &"ab".repeat(32));
    draft.upgrade(&v14, None, "bob").unwrap();
    assert_eq!(draft.source_workbook(), None);
}

#[test]
fn an_upgrade_refuses_a_workbook_the_new_template_was_not_imported_from() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut draft) = v11_draft(dir.path());
    let bytes = common::bytes(10_000, 42);
    let v12 = with_source(&v12(), "12.0.0", "eRS_SCAL_v12.xlsx", &"ab".repeat(32));
    let workbook = NewWorkbook {
        file_name: "eRS_SCAL_v13.xlsx",
        bytes: &bytes,
    };
    let e = draft.upgrade(&v12, Some(workbook), "bob").unwrap_err();
    assert!(
        matches!(e, StoreError::NotTheTemplateWorkbook { .. }),
        "{e}"
    );
    assert!(
        e.to_string().contains(
            "eRS_SCAL_v13.xlsx is not the workbook template ers 12.0.0 was imported from \
             (eRS_SCAL_v12.xlsx): their SHA-256 differ"
        ),
        "{e}"
    );
    assert_eq!(draft.template_rev(), 1);
    assert_eq!(draft.snapshots().unwrap(), []);
}

#[test]
fn a_second_upgrade_keeps_unconfirmed_flags_with_their_first_wording() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut draft) = v11_draft(dir.path());
    draft.upgrade(&v12(), None, "bob").unwrap();
    let v13 = v12()
        .replace("\"12.0.0\"", "\"13.0.0\"")
        .replace("\"id\": \"A010-01\"", "\"id\": \"ers.A010-01\"");
    draft.upgrade(&v13, None, "bob").unwrap();
    let a010 = draft
        .reconfirmations()
        .unwrap()
        .into_iter()
        .find(|r| r.item == "ers.A010-01")
        .unwrap();
    assert!(a010.old_text.contains("5 MB"), "{}", a010.old_text);
    assert_eq!(value(&draft, "ers.A010-01"), Some(text("Yes")));
}

// ---------------------------------------------------------------------------------------------
// Copying answers between drafts

#[test]
fn copying_shared_sections_brings_answers_comments_and_evidence_across() {
    let dir = tempfile::tempdir().unwrap();
    let (from_path, draft) = v11_draft(dir.path());
    drop(draft);
    let to_path = dir.path().join("other.scal");
    let mut to = Draft::create(&to_path, &v12(), "dave").unwrap();
    let from = Draft::open_read_only(&from_path).unwrap();

    let plan = to.plan_copy_from(&from, &[]).unwrap();
    let changed: Vec<&str> = plan.changes.iter().map(|c| c.to.id.as_str()).collect();
    assert_eq!(changed, ["supplier-name"]);
    assert_eq!(plan.not_copied.len(), 1, "the withdrawn topology option");
    assert_eq!(to.snapshots().unwrap(), [], "planning changes nothing");

    let report = to
        .copy_answers_from(&from, &["ers".to_string()], "dave", &mut no_progress())
        .unwrap();
    assert_eq!(
        report.snapshot.as_ref().unwrap().reason,
        SnapshotReason::BeforeCopy
    );
    assert_eq!(value(&to, "A001-01"), Some(text("Yes")));
    assert_eq!(value(&to, "A015-03"), Some(text("Out of Scope")));
    assert_eq!(evidence_names(&to, "A015-03"), ["ag-letter.pdf"]);
    assert_eq!(evidence_names(&to, "tcr"), ["tcr.pdf"]);
    let sha = |d: &Draft, item: &str| {
        d.evidence()
            .unwrap()
            .into_iter()
            .find(|l| l.item == item)
            .unwrap()
            .file
            .sha256
    };
    assert_eq!(sha(&to, "tcr"), sha(&from, "tcr"));
    assert_eq!(report.evidence_copied, 2);
    // Each copied answer is recorded as a copy naming where it came from (A015-02 of the
    // v11 draft, now A015-03), and the snapshot that undoes it.
    let history = to.history(Some("A015-03")).unwrap();
    let copy = history
        .iter()
        .find(|h| h.action() == HistoryAction::Copy)
        .expect("a copy entry");
    assert_eq!(copy.new_value, Some(text("Out of Scope")));
    assert_eq!(
        copy.new_comment.as_deref(),
        Some("We do not receive advice and guidance")
    );
    let HistoryEvent::Copy(from_where) = &copy.event else {
        panic!("a copy event, not {:?}", copy.event);
    };
    assert_eq!(from_where.from_item, "A015-02");
    assert_eq!(from_where.from_draft_id, from.draft_id());
    assert_eq!(from_where.from_draft, from_path.display().to_string());
    assert_eq!(from_where.before, report.snapshot.as_ref().unwrap().id);
    assert!(
        history.iter().all(|h| h.action() != HistoryAction::Answer),
        "nothing was typed here"
    );
    // By id, requirement ID and identical wording only: the reworded row is left alone.
    assert_eq!(value(&to, "row-9"), None);

    // Copying again changes nothing and takes no snapshot.
    let again = to
        .copy_answers_from(&from, &["ers".to_string()], "dave", &mut no_progress())
        .unwrap();
    assert!(again.plan.changes.is_empty() && again.snapshot.is_none());
}

#[test]
fn copying_names_a_section_one_draft_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let (_, to) = v11_draft(dir.path());
    let from_path = dir.path().join("shared.scal");
    let from = Draft::create(
        &from_path,
        scal_core::bundled_template_json("shared-organisation").unwrap(),
        "dave",
    )
    .unwrap();
    let e = to.plan_copy_from(&from, &["ers".to_string()]).unwrap_err();
    assert!(
        e.to_string().starts_with(
            "there is no section \"ers\" in the source draft's template shared-organisation"
        ),
        "{e}"
    );
}

#[test]
fn a_renamed_section_keeps_its_status_and_review_comments() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut draft) = v11_draft(dir.path());
    draft
        .set_section_status("ers", "In Progress", "alice")
        .unwrap();
    draft
        .add_review_comment("ers", "Whole tab to re-check", None, "reviewer")
        .unwrap();
    let v12 = v12().replace(
        r#"{"id": "ers", "title""#,
        r#"{"id": "ers-provider", "title""#,
    );
    let report = draft.upgrade(&v12, None, "bob").unwrap();
    assert_eq!(
        report.plan.sections_renamed,
        [("ers".to_string(), "ers-provider".to_string())]
    );
    let statuses = draft.section_statuses().unwrap();
    assert_eq!(statuses["ers-provider"].status, "In Progress");
    assert!(!statuses.contains_key("ers"));
    assert_eq!(draft.review_threads(Some("ers-provider")).unwrap().len(), 1);
}

#[test]
fn a_copy_that_fails_part_way_leaves_the_draft_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (from_path, draft) = v11_draft(dir.path());
    drop(draft);
    // The content of the second evidence file is lost from the source draft: the first file
    // streams in whole, then the copy fails.
    let conn = rusqlite::Connection::open(&from_path).unwrap();
    conn.execute(
        "DELETE FROM blob_chunks WHERE body = (SELECT b.body FROM blobs b
             JOIN evidence_links l ON l.sha256 = b.sha256 WHERE l.file_name = 'ag-letter.pdf')",
        [],
    )
    .unwrap();
    drop(conn);
    let to_path = dir.path().join("other.scal");
    let mut to = Draft::create(&to_path, &v12(), "dave").unwrap();
    let from = Draft::open_read_only(&from_path).unwrap();
    let mut streamed = 0;
    let e = to
        .copy_answers_from(&from, &["ers".to_string()], "dave", &mut |done, _| {
            streamed = streamed.max(done)
        })
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("ag-letter.pdf"),
        "the message names the lost file: {e}"
    );
    assert!(
        streamed > 0,
        "the first file was streamed before the failure"
    );
    // Nothing of the copy is in the draft: no answer, no link, no snapshot, no history, and
    // no content left behind.
    assert_eq!(value(&to, "A001-01"), None);
    assert_eq!(to.evidence().unwrap(), []);
    assert_eq!(to.snapshots().unwrap(), []);
    assert!(to
        .history(None)
        .unwrap()
        .iter()
        .all(|h| h.action().as_str() == "create"));
    drop(to);
    let conn = rusqlite::Connection::open(&to_path).unwrap();
    let chunks: i64 = conn
        .query_row("SELECT count(*) FROM blob_chunks", [], |r| r.get(0))
        .unwrap();
    assert_eq!(chunks, 0, "the streamed file's content was removed");
}
