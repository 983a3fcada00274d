//! Upgrade planning and answer copying, on two versions of an e-RS-like template (v11 → v12:
//! A028-01..03 and A042-01..06 added, endpoint A006 removed, requirements reworded, IDs changed,
//! rows without IDs) and on the bundled templates.

#![allow(clippy::panic, clippy::unwrap_used, reason = "test helpers")]

use std::collections::BTreeMap;

use scal_core::upgrade::{
    match_items, plan, plan_copy, similarity, Carry, EvidenceRef, Holdings, MatchedBy, UpgradePlan,
    SIMILARITY_THRESHOLD,
};
use scal_core::{bundled_template, load_template, Answer, CoreError, Item, Template, Value};

/// v11: endpoints A001 and A006, a reworded row, a renumbered row, rows without IDs, a form.
const V11: &str = r#"{
  "id": "ers", "version": "11.0.0", "title": "e-RS SCAL", "publisher": "tests",
  "sections": [
    {"id": "org", "title": "Supplier & Product information", "kind": "form", "shared": true, "items": [
      {"id": "supplier-name", "label": "Supplier organisation name", "type": "text"},
      {"id": "topology", "label": "Endpoint topology", "type": "choice",
       "options": ["Centrally Hosted", "Locally Hosted", "Centrally Hosted Aggregator"]},
      {"id": "care-settings", "label": "Care settings", "type": "multi_choice",
       "options": ["Urgent care", "Primary care", "Community"]}
    ]},
    {"id": "ers-provider", "title": "e-RS Provider Requirements", "kind": "service", "items": [
      {"id": "tcr", "label": "Technical Conformance Report", "type": "evidence_slot"},
      {"id": "h-A001", "label": "A001: Create Professional Session (POST)", "type": "guidance", "heading": true},
      {"id": "A001-01", "label": "Session", "type": "requirement", "reference": "A001-01", "level": "MUST",
       "text": "The system creates a professional session before calling any other endpoint."},
      {"id": "A001-02", "label": "Session role", "type": "requirement", "reference": "A001-02", "level": "SHOULD",
       "text": "The session is created with the user's selected role profile from their smartcard."},
      {"id": "h-A006", "label": "A006: Retrieve Reference Data (GET)", "type": "guidance", "heading": true},
      {"id": "A006-01", "label": "Reference data", "type": "requirement", "reference": "A006-01", "level": "MUST",
       "text": "The system retrieves reference data lists and caches them for at most one day."},
      {"id": "A006-02", "label": "Reference data errors", "type": "requirement", "reference": "A006-02", "level": "MUST",
       "text": "A failure to retrieve reference data is reported to the user with the request id."},
      {"id": "A010-01", "label": "Attachments", "type": "requirement", "reference": "A010-01", "level": "MUST",
       "text": "The system lets the user attach clinical documents up to 5 MB to a referral."},
      {"id": "A015-02", "label": "Advice and guidance", "type": "requirement", "reference": "A015-02", "level": "MUST",
       "text": "The system converts an advice and guidance request into a referral when the provider asks."},
      {"id": "row-7", "label": "Test", "type": "requirement", "level": "MUST",
       "text": "Demonstrate the whole referral journey end to end in the integration environment, from session to booking."},
      {"id": "row-8", "label": "Test", "type": "requirement", "level": "SHOULD",
       "text": "Show the worklist refresh with twenty referrals and their status icons."}
    ]}
  ]
}"#;

/// v12: A006 gone; A028-01..03 and A042-01..06 added; A010-01 reworded; A015-02 renumbered
/// A015-03 with the same text; the rows without IDs moved (new ids), one reworded; an option
/// of each choice removed; A001-02 raised from SHOULD to MUST.
const V12: &str = r#"{
  "id": "ers", "version": "12.0.0", "title": "e-RS SCAL", "publisher": "tests",
  "sections": [
    {"id": "org", "title": "Supplier & Product information", "kind": "form", "shared": true, "items": [
      {"id": "supplier-name", "label": "Supplier organisation name", "type": "text"},
      {"id": "topology", "label": "Endpoint topology", "type": "choice",
       "options": ["Centrally Hosted", "Locally Hosted"]},
      {"id": "care-settings", "label": "Care settings", "type": "multi_choice",
       "options": ["Urgent care", "Primary care"]}
    ]},
    {"id": "ers-provider", "title": "e-RS Provider Requirements", "kind": "service", "items": [
      {"id": "tcr", "label": "Technical Conformance Report", "type": "evidence_slot"},
      {"id": "h-A001", "label": "A001: Create Professional Session (POST)", "type": "guidance", "heading": true},
      {"id": "A001-01", "label": "Session", "type": "requirement", "reference": "A001-01", "level": "MUST",
       "text": "The system creates a professional session before calling any other endpoint."},
      {"id": "A001-02", "label": "Session role", "type": "requirement", "reference": "A001-02", "level": "MUST",
       "text": "The session is created with the user's selected role profile from their smartcard."},
      {"id": "A010-01", "label": "Attachments", "type": "requirement", "reference": "A010-01", "level": "MUST",
       "text": "The system lets the user attach clinical documents up to 20 MB to a referral."},
      {"id": "A015-03", "label": "Advice and guidance", "type": "requirement", "reference": "A015-03", "level": "MUST",
       "text": "The system converts an advice and guidance request into a referral when the provider asks."},
      {"id": "h-A028", "label": "A028: Retrieve Referral Request Summary (GET)", "type": "guidance", "heading": true},
      {"id": "A028-01", "label": "Summary", "type": "requirement", "reference": "A028-01", "level": "MUST",
       "text": "The system shows the referral request summary with its priority and specialty."},
      {"id": "A028-02", "label": "Summary refresh", "type": "requirement", "reference": "A028-02", "level": "SHOULD",
       "text": "The summary is read again after any change the user makes to the referral."},
      {"id": "A028-03", "label": "Summary errors", "type": "requirement", "reference": "A028-03", "level": "MUST",
       "text": "A 404 for the summary tells the user the referral no longer exists."},
      {"id": "h-A042", "label": "A042: Record Triage Outcome (POST)", "type": "guidance", "heading": true},
      {"id": "A042-01", "label": "Triage outcome", "type": "requirement", "reference": "A042-01", "level": "MUST",
       "text": "The system records a triage outcome against a referral awaiting triage."},
      {"id": "A042-02", "label": "Return to referrer", "type": "requirement", "reference": "A042-02", "level": "MUST",
       "text": "Returning a referral to the referrer carries a reason the referrer can read."},
      {"id": "A042-03", "label": "Book or defer", "type": "requirement", "reference": "A042-03", "level": "MUST",
       "text": "An outcome of book or defer to provider moves the referral onto the booking worklist."},
      {"id": "A042-04", "label": "Clinical comments", "type": "requirement", "reference": "A042-04", "level": "SHOULD",
       "text": "Clinical comments entered at triage are kept with the outcome."},
      {"id": "A042-05", "label": "Outcome conflicts", "type": "requirement", "reference": "A042-05", "level": "MUST",
       "text": "A 409 means another clinician recorded an outcome first; the user sees theirs."},
      {"id": "A042-06", "label": "Outcome audit", "type": "requirement", "reference": "A042-06", "level": "MUST",
       "text": "Each recorded outcome is audited with the user, role and time."},
      {"id": "row-9", "label": "Test", "type": "requirement", "level": "MUST",
       "text": "Demonstrate the whole referral journey end to end in the integration environment, from logging in to booking."},
      {"id": "row-10", "label": "Test", "type": "requirement", "level": "SHOULD",
       "text": "Show the worklist refreshing, with twenty referrals and the status icons."}
    ]}
  ]
}"#;

fn template(json: &str) -> Template {
    load_template(json).unwrap_or_else(|e| panic!("test template does not load: {e}"))
}

fn answer(value: &str, comment: &str) -> Answer {
    Answer {
        value: (!value.is_empty()).then(|| Value::One(value.to_string())),
        comment: comment.to_string(),
    }
}

fn file(sha: char, name: &str) -> EvidenceRef {
    EvidenceRef {
        sha256: sha.to_string().repeat(64),
        file_name: name.to_string(),
    }
}

/// What the v11 draft holds.
fn v11_holdings() -> Holdings {
    let mut answers = BTreeMap::new();
    answers.insert("supplier-name".into(), answer("Acme Health Ltd", ""));
    answers.insert("topology".into(), answer("Centrally Hosted Aggregator", ""));
    answers.insert(
        "care-settings".into(),
        Answer {
            value: Some(Value::Many(vec!["Urgent care".into(), "Community".into()])),
            comment: String::new(),
        },
    );
    answers.insert("A001-01".into(), answer("Yes", ""));
    answers.insert("A001-02".into(), answer("Yes", ""));
    answers.insert("A006-01".into(), answer("Yes", "Cached for 12 hours"));
    answers.insert("A010-01".into(), answer("Yes", ""));
    answers.insert(
        "A015-02".into(),
        answer("Out of Scope", "We do not receive A&G"),
    );
    answers.insert("row-7".into(), answer("No", "Booking step due in May"));
    answers.insert("row-8".into(), answer("Yes", ""));
    let mut evidence = BTreeMap::new();
    evidence.insert("tcr".into(), vec![file('a', "tcr.pdf")]);
    evidence.insert("A006-01".into(), vec![file('b', "refdata-test.log")]);
    evidence.insert("row-7".into(), vec![file('c', "journey.mp4")]);
    Holdings { answers, evidence }
}

/// `old→new` for a match, `id` when the id is kept.
fn moves(group: &[Carry]) -> Vec<String> {
    group
        .iter()
        .map(|c| {
            if c.from.id == c.to.id {
                c.from.id.clone()
            } else {
                format!("{}→{}", c.from.id, c.to.id)
            }
        })
        .collect()
}

/// Every old item is in exactly one group (as `from` or removed), every new item in exactly one
/// (as `to` or new), and what the draft held for an old item is either carried or archived.
#[track_caller]
fn assert_partition(plan: &UpgradePlan, old: &Template, new: &Template, held: &Holdings) {
    let mut old_seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut new_seen: BTreeMap<&str, usize> = BTreeMap::new();
    for c in plan.carries() {
        *old_seen.entry(&c.from.id).or_default() += 1;
        *new_seen.entry(&c.to.id).or_default() += 1;
        assert_eq!(
            c.answer.as_ref(),
            held.answers
                .get(&c.from.id)
                .filter(|a| a.value.is_some() || !a.comment.is_empty()),
            "{}: the carried answer is not what the draft held",
            c.from.id
        );
        assert_eq!(
            c.evidence,
            held.evidence.get(&c.from.id).cloned().unwrap_or_default(),
            "{}: evidence not carried",
            c.from.id
        );
        assert!(!c.reason.is_empty());
    }
    for r in &plan.removed {
        *old_seen.entry(&r.item.id).or_default() += 1;
        assert_eq!(
            r.archived(),
            held.answers.contains_key(&r.item.id) || held.evidence.contains_key(&r.item.id),
            "{}: removed with something held must be archived",
            r.item.id
        );
    }
    for a in &plan.new {
        *new_seen.entry(&a.item.id).or_default() += 1;
    }
    for (_, item) in old.items() {
        assert_eq!(
            old_seen.get(item.id.as_str()),
            Some(&1),
            "old item {} must be in exactly one group",
            item.id
        );
    }
    for (_, item) in new.items() {
        assert_eq!(
            new_seen.get(item.id.as_str()),
            Some(&1),
            "new item {} must be in exactly one group",
            item.id
        );
    }
}

#[test]
fn ers_v11_to_v12_names_every_item_in_its_group() {
    let (old, new, held) = (template(V11), template(V12), v11_holdings());
    let plan = plan(&old, &new, &held);
    assert_partition(&plan, &old, &new, &held);

    assert_eq!(
        moves(&plan.carried),
        ["supplier-name", "tcr", "h-A001", "A001-01"]
    );
    assert_eq!(moves(&plan.carried_reworded), ["A001-02", "A010-01"]);
    assert_eq!(moves(&plan.matched_by_text), ["A015-02→A015-03"]);
    assert_eq!(
        moves(&plan.matched_by_similarity),
        ["row-7→row-9", "row-8→row-10"]
    );
    assert_eq!(moves(&plan.no_longer_fits), ["topology", "care-settings"]);
    let removed: Vec<(&str, bool)> = plan
        .removed
        .iter()
        .map(|r| (r.item.id.as_str(), r.archived()))
        .collect();
    assert_eq!(
        removed,
        [("h-A006", false), ("A006-01", true), ("A006-02", false)]
    );
    let added: Vec<&str> = plan.new.iter().map(|a| a.item.id.as_str()).collect();
    assert_eq!(
        added,
        [
            "h-A028", "A028-01", "A028-02", "A028-03", "h-A042", "A042-01", "A042-02", "A042-03",
            "A042-04", "A042-05", "A042-06"
        ]
    );
    assert!(plan
        .new
        .iter()
        .filter(|a| a.item.id.starts_with('h'))
        .all(|a| !a.required));
    assert!(plan
        .new
        .iter()
        .filter(|a| !a.item.id.starts_with('h'))
        .all(|a| a.required));
}

#[test]
fn reworded_similar_and_unfit_answers_are_flagged_for_reconfirmation() {
    let plan = plan(&template(V11), &template(V12), &v11_holdings());
    let flagged: Vec<&str> = plan.reconfirmations().map(|c| c.to.id.as_str()).collect();
    assert_eq!(
        flagged,
        [
            "A001-02",
            "A010-01",
            "row-9",
            "row-10",
            "topology",
            "care-settings"
        ]
    );
    // Same wording under a new ID: nothing to re-confirm.
    assert!(!plan.matched_by_text[0].reconfirm);
    // The old wording is kept, so the app can show what changed.
    let a010 = plan.carries().find(|c| c.to.id == "A010-01").unwrap();
    assert!(a010.old_text.contains("5 MB"), "{}", a010.old_text);
    assert!(a010.reason.contains("wording changed"), "{}", a010.reason);
    let a001 = plan.carries().find(|c| c.to.id == "A001-02").unwrap();
    assert!(
        a001.reason.contains("level SHOULD is now MUST"),
        "{}",
        a001.reason
    );
}

#[test]
fn a_value_the_new_item_refuses_is_archived_and_what_still_fits_is_kept() {
    let plan = plan(&template(V11), &template(V12), &v11_holdings());
    let topology = &plan.no_longer_fits[0];
    assert_eq!(topology.value, None);
    assert_eq!(
        topology.answer.as_ref().unwrap().value,
        Some(Value::One("Centrally Hosted Aggregator".into()))
    );
    assert!(
        topology
            .unfit
            .as_ref()
            .unwrap()
            .contains("Centrally Hosted Aggregator"),
        "{:?}",
        topology.unfit
    );
    let care = &plan.no_longer_fits[1];
    assert_eq!(care.value, Some(Value::Many(vec!["Urgent care".into()])));
    assert!(
        care.unfit
            .as_ref()
            .unwrap()
            .contains("\"Community\" is no longer offered"),
        "{:?}",
        care.unfit
    );
}

#[test]
fn ids_changed_and_rows_without_ids_match_by_wording_and_say_so() {
    let plan = plan(&template(V11), &template(V12), &v11_holdings());
    let a015 = &plan.matched_by_text[0];
    assert_eq!(a015.by, MatchedBy::Text);
    assert_eq!(
        a015.reason,
        "same wording; item id A015-02 is now A015-03; requirement ID A015-02 is now A015-03"
    );
    assert_eq!(a015.value, Some(Value::One("Out of Scope".into())));
    let row = &plan.matched_by_similarity[0];
    assert!(row.similarity >= SIMILARITY_THRESHOLD && row.similarity < 1.0);
    assert!(
        row.reason.starts_with("close wording (similarity 0."),
        "{}",
        row.reason
    );
    assert_eq!(row.evidence, vec![file('c', "journey.mp4")]);
    assert_eq!(
        row.answer.as_ref().unwrap().comment,
        "Booking step due in May"
    );
}

#[test]
fn an_item_moved_to_a_new_id_is_found_by_its_requirement_id() {
    let old = template(V11);
    let new_json = V12.replace(r#""id": "A001-01""#, r#""id": "ers.A001-01""#);
    let new = template(&new_json);
    let held = v11_holdings();
    let plan = plan(&old, &new, &held);
    assert_partition(&plan, &old, &new, &held);
    let c = plan
        .carried
        .iter()
        .find(|c| c.from.id == "A001-01")
        .unwrap();
    assert_eq!(
        (c.to.id.as_str(), c.by),
        ("ers.A001-01", MatchedBy::Reference)
    );
    assert_eq!(
        c.reason,
        "same requirement ID A001-01; item id A001-01 is now ers.A001-01"
    );
}

#[test]
fn upgrading_to_the_same_template_carries_everything_unflagged() {
    let t = bundled_template("uec-appointment-booking").unwrap();
    let mut held = Holdings::default();
    for (_, item) in t.items().filter(|(_, i)| i.is_answerable()) {
        held.answers.insert(item.id.clone(), answer("", "a note"));
    }
    let plan = plan(&t, &t, &held);
    assert_partition(&plan, &t, &t, &held);
    assert_eq!(plan.carried.len(), t.items().count());
    assert!(plan.removed.is_empty() && plan.new.is_empty());
    assert_eq!(plan.reconfirmations().count(), 0);
}

#[test]
fn data_held_for_an_item_the_template_lacks_is_archived_not_lost() {
    let (old, new) = (template(V11), template(V12));
    let mut held = v11_holdings();
    held.answers
        .insert("ghost".into(), answer("Yes", "left over"));
    let plan = plan(&old, &new, &held);
    let ghost = plan.removed.iter().find(|r| r.item.id == "ghost").unwrap();
    assert!(ghost.archived());
    assert!(ghost
        .reason
        .starts_with("not an item of the template in force"));
}

fn refs(items: &[Item]) -> Vec<&Item> {
    items.iter().collect()
}

fn item(id: &str, text: &str) -> Item {
    serde_json::from_value(serde_json::json!({
        "id": id, "label": "Row", "type": "requirement", "level": "MUST", "text": text
    }))
    .unwrap()
}

#[test]
fn similar_rows_are_matched_one_to_one_best_pair_first() {
    let old = [
        item(
            "o1",
            "The consumer sends its correlation id in every request header",
        ),
        item(
            "o2",
            "The consumer sends its own correlation id in every request header",
        ),
    ];
    let new = [item(
        "n1",
        "The consumer sends its own correlation id in every request header, and logs it",
    )];
    let pairs = match_items(&refs(&old), &refs(&new), true);
    assert_eq!(
        pairs.len(),
        1,
        "two old rows must never land on one new row"
    );
    assert_eq!((pairs[0].old, pairs[0].new), (1, 0), "the closer row wins");
}

#[test]
fn a_tie_between_equally_close_rows_is_left_unmatched_rather_than_guessed() {
    let old = [
        item(
            "o1",
            "Show the appointment slot list with the practitioner and location",
        ),
        item(
            "o2",
            "Show the appointment slot list with the practitioner and schedule",
        ),
    ];
    let new = [item(
        "n1",
        "Show the appointment slot list with the practitioner, location and schedule",
    )];
    assert_eq!(match_items(&refs(&old), &refs(&new), true), []);
}

/// The threshold, from below: within a section of any bundled template, no two distinct items
/// of one type are alike enough to be taken for each other.
#[test]
fn no_two_items_of_a_bundled_section_are_close_enough_to_be_confused() {
    for t in scal_core::bundled_templates() {
        for section in &t.sections {
            for (i, a) in section.items.iter().enumerate() {
                for b in &section.items[i + 1..] {
                    if a.type_name() != b.type_name() {
                        continue;
                    }
                    let s = similarity(
                        scal_core::upgrade::question(a),
                        scal_core::upgrade::question(b),
                    );
                    assert!(
                        s < SIMILARITY_THRESHOLD,
                        "{} and {} in {} score {s:.2}",
                        a.id,
                        b.id,
                        t.id
                    );
                }
            }
        }
    }
}

/// The threshold, from above: ordinary rewordings of a requirement are still the same item.
#[test]
fn ordinary_rewordings_score_above_the_threshold() {
    let cases = [
        (
            "The consumer may cache a provider's capability statement, provided it refreshes the copy on a schedule.",
            "The consumer may cache the provider's capability statement if it refreshes that copy on a schedule.",
        ),
        (
            "Every request carries an Authorization header holding a bearer JSON Web Token (JWT) built as the standard describes.",
            "Each request carries an Authorization header with a bearer JSON Web Token (JWT), built as the standard describes.",
        ),
        ("Supplier organisation name", "Name of the supplier organisation"),
        (
            "Demonstrate the whole referral journey end to end in the integration environment, from session to booking.",
            "Demonstrate the whole referral journey end to end in the integration environment, from logging in to booking.",
        ),
        (
            "Show the worklist refresh with twenty referrals and their status icons.",
            "Show the worklist refreshing, with twenty referrals and the status icons.",
        ),
        (
            "The consumer reads the OperationOutcome returned with a failure and shows the user a message.",
            "The consumer reads the OperationOutcome returned with each failure and shows users a message.",
        ),
    ];
    for (a, b) in cases {
        let s = similarity(a, b);
        assert!(s >= SIMILARITY_THRESHOLD, "{s:.2}: {a} / {b}");
    }
}

/// Every id of the flagship template changed and requirement IDs dropped, every requirement
/// reworded (its last word dropped): each row still finds its own counterpart, and never another's.
#[test]
fn renaming_every_id_of_the_flagship_never_crosses_two_rows() {
    let old = bundled_template("uec-appointment-booking").unwrap();
    let mut new = old.clone();
    for section in &mut new.sections {
        for item in &mut section.items {
            item.id = format!("v2.{}", item.id);
            item.visible_when = None;
            if let scal_core::ItemKind::Requirement(r) = &mut item.kind {
                r.reference = None;
                // The last word dropped: a real change of wording for every row.
                let words: Vec<&str> = item.text.split_whitespace().collect();
                item.text = words[..words.len() - 1].join(" ");
            }
        }
        section.visible_when = None;
    }
    let plan = plan(&old, &new, &Holdings::default());
    let requirements = old
        .items()
        .filter(|(_, i)| i.requirement().is_some())
        .count();
    assert_eq!(
        plan.matched_by_similarity.len(),
        requirements,
        "every reworded requirement should be found by similarity"
    );
    for c in plan.carries() {
        assert_eq!(
            c.to.id,
            format!("v2.{}", c.from.id),
            "{} was matched to another row ({})",
            c.from.id,
            c.by.as_str()
        );
    }
    // Only rows whose wording is shared by another row of the same type stay unmatched.
    for r in &plan.removed {
        let (_, item) = old.item(&r.item.id).unwrap();
        let twins = old
            .items()
            .filter(|(_, i)| {
                i.id != item.id
                    && i.type_name() == item.type_name()
                    && scal_core::upgrade::normalized_text(scal_core::upgrade::question(i))
                        == scal_core::upgrade::normalized_text(scal_core::upgrade::question(item))
            })
            .count();
        let plain_guidance = matches!(
            item.kind,
            scal_core::ItemKind::Guidance {
                acknowledge: false,
                ..
            }
        );
        assert!(
            twins > 0 || plain_guidance,
            "{} has unique wording but was not matched",
            item.id
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Copying answers between drafts

fn shared_source() -> (Template, Holdings) {
    let t = bundled_template("shared-organisation").unwrap();
    let mut held = Holdings::default();
    held.answers.insert(
        "supplier-name".into(),
        answer("Acme Health Ltd", "As registered"),
    );
    held.answers
        .insert("hscn-connection".into(), answer("Yes", ""));
    held.evidence.insert(
        "supplier-name".into(),
        vec![file('d', "companies-house.pdf")],
    );
    (t, held)
}

#[test]
fn copy_defaults_to_the_shared_sections_and_lists_each_change() {
    let (from, from_held) = shared_source();
    let to = bundled_template("uec-appointment-booking").unwrap();
    let mut to_held = Holdings::default();
    to_held
        .answers
        .insert("supplier-name".into(), answer("Acme Ltd", ""));
    let plan = plan_copy(&from, &from_held, &to, &to_held, &[]).unwrap();
    let sections: Vec<&str> = plan.sections.iter().map(|(_, t)| t.id.as_str()).collect();
    assert_eq!(
        sections,
        ["supplier-product", "ig-security-clinical-safety"]
    );
    let name = plan
        .changes
        .iter()
        .find(|c| c.to.id == "supplier-name")
        .unwrap();
    assert_eq!(
        name.value,
        Some((
            Some(Value::One("Acme Ltd".into())),
            Value::One("Acme Health Ltd".into())
        ))
    );
    assert_eq!(
        name.comment,
        Some((String::new(), "As registered".to_string()))
    );
    assert_eq!(name.evidence, vec![file('d', "companies-house.pdf")]);
}

#[test]
fn copy_never_clears_an_answer_and_skips_what_is_already_there() {
    let (from, from_held) = shared_source();
    let to = bundled_template("uec-appointment-booking").unwrap();
    let mut to_held = Holdings::default();
    to_held
        .answers
        .insert("hscn-connection".into(), answer("Yes", ""));
    to_held
        .answers
        .insert("product-name".into(), answer("Booker", ""));
    let plan = plan_copy(
        &from,
        &from_held,
        &to,
        &to_held,
        &["Supplier & Product information".to_string()],
    )
    .unwrap();
    assert!(plan.changes.iter().all(|c| c.to.id != "product-name"));
    let unchanged: Vec<&str> = plan.unchanged.iter().map(|(_, t)| t.id.as_str()).collect();
    assert_eq!(unchanged, ["hscn-connection"]);
}

#[test]
fn copy_names_a_section_missing_from_either_draft() {
    let (from, held) = shared_source();
    let to = bundled_template("gpconnect-appointment-management-consumer").unwrap();
    let err = plan_copy(
        &from,
        &held,
        &to,
        &Holdings::default(),
        &["supplier-product".into()],
    )
    .unwrap_err();
    assert!(matches!(err, CoreError::UnknownSection { .. }));
    assert!(
        err.to_string().starts_with(
            "there is no section \"supplier-product\" in the target draft's template gpconnect-appointment-management-consumer"
        ),
        "{err}"
    );
    let none = plan_copy(&from, &held, &to, &Holdings::default(), &[]).unwrap_err();
    assert_eq!(none, CoreError::NothingShared);
}

#[test]
fn a_value_the_target_refuses_is_reported_not_copied() {
    let from = template(V11);
    let to = template(V12);
    let plan = plan_copy(
        &from,
        &v11_holdings(),
        &to,
        &Holdings::default(),
        &["org".into()],
    )
    .unwrap();
    let refused: Vec<(&str, &str)> = plan
        .not_copied
        .iter()
        .map(|n| (n.to.id.as_str(), n.reason.as_str()))
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused[0].1.contains("\"Centrally Hosted Aggregator\""),
        "{refused:?}"
    );
    assert_eq!(
        refused[1],
        (
            "care-settings",
            "\"Community\" is not offered by the target item"
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Re-confirmation in the completeness report

#[test]
fn an_unconfirmed_carried_answer_is_a_warning_naming_the_item_until_confirmed() {
    let t = template(V12);
    let mut state = scal_core::DraftState::default();
    state.answers.insert("A010-01".into(), answer("Yes", ""));
    state.reconfirm.insert("A010-01".into());
    let report = scal_core::check(
        &t,
        &state,
        chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
    );
    let issue = report
        .issues
        .iter()
        .find(|i| i.rule == scal_core::completeness::rules::RECONFIRM_NEEDED)
        .unwrap();
    assert_eq!(issue.item, "A010-01");
    assert_eq!(issue.severity, scal_core::Severity::Warning);
    assert!(
        issue
            .message
            .starts_with("A010-01 (Attachments) was carried over"),
        "{}",
        issue.message
    );

    state.reconfirm.clear();
    let report = scal_core::check(
        &t,
        &state,
        chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
    );
    assert!(report
        .issues
        .iter()
        .all(|i| i.rule != scal_core::completeness::rules::RECONFIRM_NEEDED));
}

#[test]
fn a_section_whose_id_changed_but_not_its_title_is_paired() {
    let old = template(V11);
    let new = template(&V12.replace(r#""id": "ers-provider""#, r#""id": "ers-provider-v12""#));
    let plan = plan(&old, &new, &v11_holdings());
    assert_eq!(
        plan.sections_renamed,
        [("ers-provider".to_string(), "ers-provider-v12".to_string())]
    );
    let same = scal_core::upgrade::plan(&old, &template(V12), &v11_holdings());
    assert_eq!(same.sections_renamed, []);
}
