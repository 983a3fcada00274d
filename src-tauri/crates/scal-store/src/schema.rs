//! The draft file's schema and its forward-only migrations.
//!
//! `PRAGMA user_version` is the draft format. `MIGRATIONS[n]` takes a draft from format `n` to
//! `n + 1`; they run in order, all in one transaction, so a draft is either wholly at the old
//! format or wholly at the new one. A migration, once released, is never edited: a change to
//! the schema is a new step at the end of the list. Each step sits next to the tables it shapes.
//!
//! The history's actions follow one pattern. The `action` column's CHECK lists exactly
//! `HistoryAction::ALL` (a test here holds the two together), and its `detail` is JSON whose
//! shape the action decides, read into `HistoryEvent` (`draft/history.rs`). To record a new
//! kind of change:
//! 1. add the variant to `HistoryAction` (and `ALL`) and to `HistoryEvent`, with the detail it
//!    stores; a shape once written is never changed, only read (new fields are `Option` or
//!    `#[serde(default)]`);
//! 2. add a forward-only migration, the next format: a CHECK constraint cannot be altered, so
//!    the step rebuilds the table as V3 does (create `history_vN` with the new list, copy every
//!    row with its `seq`, drop the triggers and the old table, rename, put back the index and
//!    the append-only triggers); DROP TABLE fires no DELETE trigger;
//! 3. test that a draft of the previous format migrates and keeps its history, sequence
//!    numbers and append-only triggers included.

use rusqlite::Transaction;

/// `PRAGMA application_id` of every draft: "SCAL" in ASCII. A SQLite file without it is some
/// other program's database and is refused rather than altered.
pub const APPLICATION_ID: i32 = 0x5343_414C;

/// The draft format this version writes (and the newest it reads).
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The oldest format a draft may have to be opened read-only, unaltered: format 4 only adds the
/// record of files written, which reading never needs (an absent record is an empty one), and
/// format 5 only lets the history hold one more action, which an older draft never has, and
/// format 6 only adds evidence dates (an older draft's links have none) and one more action.
pub const OLDEST_READ_ONLY: i64 = 3;

/// Format 1: the first draft format.
const V1: &str = r#"
-- Facts fixed at creation: draft_id, created_at, created_by, created_with.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- The template the draft was created from, exactly as it was then, so later template changes
-- never corrupt a draft. One row; a later "upgrade" will add rows rather than edit this one.
CREATE TABLE template (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    template_id      TEXT NOT NULL,
    template_version TEXT NOT NULL,
    json             TEXT NOT NULL,
    stored_at        TEXT NOT NULL
) STRICT;

-- The current answer of each item. value is JSON (a string, or a list for multi-choice),
-- NULL when there is none; it has always passed scal_core::answer::normalize.
CREATE TABLE answers (
    item       TEXT PRIMARY KEY,
    value      TEXT,
    comment    TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;

-- Every change, in order. Append-only: the triggers below refuse UPDATE and DELETE.
CREATE TABLE history (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    author      TEXT NOT NULL,
    item        TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('answer', 'comment', 'attach', 'detach', 'status')),
    old_value   TEXT,
    new_value   TEXT,
    old_comment TEXT,
    new_comment TEXT,
    detail      TEXT
) STRICT;
CREATE INDEX history_by_item ON history (item, seq);
CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN
    SELECT RAISE(ABORT, 'the history of a draft is append-only: it cannot be changed');
END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history
BEGIN
    SELECT RAISE(ABORT, 'the history of a draft is append-only: it cannot be deleted');
END;

-- Evidence content, addressed by SHA-256 and stored once however often it is linked. The bytes
-- live in blob_chunks rows of a fixed size, owned by `body`. Chunks are written first, under a
-- body no blob row names yet (staging), across several commits; the blob row and the link are
-- inserted together in the final commit. So a link only ever names a complete blob, and chunks
-- whose body no blob names are leftovers of an interrupted attach, removed on the next open.
CREATE TABLE blobs (
    sha256      TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size        INTEGER NOT NULL CHECK (size >= 0),
    chunk_count INTEGER NOT NULL CHECK (chunk_count >= 0),
    body        INTEGER NOT NULL UNIQUE,
    stored_at   TEXT NOT NULL
) STRICT;
CREATE TABLE blob_chunks (
    body INTEGER NOT NULL,
    seq  INTEGER NOT NULL,
    data BLOB NOT NULL
) STRICT;
CREATE UNIQUE INDEX blob_chunks_by_body ON blob_chunks (body, seq);

-- Which evidence is linked to which item, under the name the file had when it was attached.
CREATE TABLE evidence_links (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    item       TEXT NOT NULL,
    sha256     TEXT NOT NULL REFERENCES blobs (sha256),
    file_name  TEXT NOT NULL,
    media_type TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    added_by   TEXT NOT NULL
) STRICT;
CREATE INDEX evidence_links_by_item ON evidence_links (item);

-- The Status cell of a section (In Progress / Complete).
CREATE TABLE section_status (
    section TEXT PRIMARY KEY,
    status  TEXT NOT NULL CHECK (status IN ('In Progress', 'Complete')),
    at      TEXT NOT NULL,
    by      TEXT NOT NULL
) STRICT;

-- Every export: when, where, which files with their hashes, and the digest of the answers then,
-- so the app can say "changed since last export".
CREATE TABLE exports (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT NOT NULL,
    out_dir        TEXT NOT NULL,
    files          TEXT NOT NULL,
    answers_digest TEXT NOT NULL,
    tool_version   TEXT NOT NULL
) STRICT;

-- For later issues (snapshots, review), created now so that they arrive without a migration
-- of existing rows. Empty until then.
CREATE TABLE snapshots (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT NOT NULL,
    author         TEXT NOT NULL,
    reason         TEXT NOT NULL,
    label          TEXT NOT NULL DEFAULT '',
    export_id      INTEGER REFERENCES exports (id),
    answers        TEXT NOT NULL,
    evidence       TEXT NOT NULL,
    section_status TEXT NOT NULL,
    answers_digest TEXT NOT NULL
) STRICT;
CREATE TABLE review_comments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    item        TEXT NOT NULL,
    at          TEXT NOT NULL,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT
) STRICT;
CREATE INDEX review_comments_by_item ON review_comments (item);
"#;

/// Format 2: template revisions and the workbook an imported template came from.
///
/// A draft's template can now change (an upgrade to a new template version), so the single
/// `template` row becomes the first of a list; the newest revision is the one in force and the
/// older ones stay, so what a draft was answered against is never lost. A template imported from
/// an NHS workbook keeps that workbook, byte for byte, as a blob (it is filled in place at
/// export); `workbook_sha256` names it.
const V2: &str = r#"
CREATE TABLE template_revisions (
    rev              INTEGER PRIMARY KEY CHECK (rev >= 1),
    template_id      TEXT NOT NULL,
    template_version TEXT NOT NULL,
    json             TEXT NOT NULL,
    stored_at        TEXT NOT NULL,
    stored_by        TEXT NOT NULL,
    workbook_name    TEXT,
    workbook_sha256  TEXT REFERENCES blobs (sha256),
    CHECK ((workbook_name IS NULL) = (workbook_sha256 IS NULL))
) STRICT;
INSERT INTO template_revisions (rev, template_id, template_version, json, stored_at, stored_by)
    SELECT 1, template_id, template_version, json, stored_at,
           coalesce((SELECT value FROM meta WHERE key = 'created_by'), 'unknown')
    FROM template;
DROP TABLE template;
CREATE TRIGGER template_revisions_no_update BEFORE UPDATE ON template_revisions
BEGIN
    SELECT RAISE(ABORT, 'a template revision cannot be changed: add a new one');
END;
"#;

/// Format 3: review (threaded comments, sign-off) and what an upgrade carries, archives and
/// flags. The history's list of actions grows, which in SQLite means rebuilding the table (a
/// CHECK constraint cannot be altered); rows keep their sequence numbers, and the append-only
/// triggers are put back. DROP TABLE fires no DELETE trigger.
const V3: &str = r#"
CREATE TABLE history_v3 (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    author      TEXT NOT NULL,
    item        TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('answer', 'comment', 'attach', 'detach', 'status',
                                                'carry', 'archive', 'restore', 'confirm')),
    old_value   TEXT,
    new_value   TEXT,
    old_comment TEXT,
    new_comment TEXT,
    detail      TEXT
) STRICT;
INSERT INTO history_v3 SELECT * FROM history;
DROP TRIGGER history_no_update;
DROP TRIGGER history_no_delete;
DROP TABLE history;
ALTER TABLE history_v3 RENAME TO history;
CREATE INDEX history_by_item ON history (item, seq);
CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN
    SELECT RAISE(ABORT, 'the history of a draft is append-only: it cannot be changed');
END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history
BEGIN
    SELECT RAISE(ABORT, 'the history of a draft is append-only: it cannot be deleted');
END;

-- Review comments become threads: a reply names the comment it answers.
ALTER TABLE review_comments ADD COLUMN parent INTEGER REFERENCES review_comments (id);

-- Which template revision a snapshot was taken under (its answers are keyed by that
-- revision's item ids).
ALTER TABLE snapshots ADD COLUMN template_rev INTEGER NOT NULL DEFAULT 1;

-- The sign-off page: who signs the submission, in what role, on what date, and the digest of
-- the answers they signed (so a later change shows the sign-off is stale). Newest in force.
CREATE TABLE signoffs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL,
    signed_on      TEXT NOT NULL,
    at             TEXT NOT NULL,
    by             TEXT NOT NULL,
    answers_digest TEXT NOT NULL
) STRICT;

-- Answers to items an upgrade removed from the template: kept (visible, exported in an
-- appendix) and restorable onto an item of the template in force.
CREATE TABLE archived_answers (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    item         TEXT NOT NULL,
    template_rev INTEGER NOT NULL,
    section      TEXT NOT NULL,
    label        TEXT NOT NULL,
    text         TEXT NOT NULL,
    value        TEXT,
    comment      TEXT NOT NULL DEFAULT '',
    evidence     TEXT NOT NULL DEFAULT '[]',
    archived_at  TEXT NOT NULL,
    archived_by  TEXT NOT NULL,
    restored_at  TEXT,
    restored_by  TEXT,
    restored_to  TEXT
) STRICT;

-- Carried answers whose requirement text changed in an upgrade: shown for re-confirmation
-- until someone confirms them.
CREATE TABLE reconfirm (
    item         TEXT PRIMARY KEY,
    template_rev INTEGER NOT NULL,
    old_text     TEXT NOT NULL,
    flagged_at   TEXT NOT NULL,
    confirmed_at TEXT,
    confirmed_by TEXT
) STRICT;
"#;

/// Format 4: the files the draft wrote for the user (exports, filled workbooks), recorded
/// before they are renamed into place, so that an output replaces only a file this draft wrote
/// and nobody changed since (see `outputs.rs`).
const V4: &str = r#"
CREATE TABLE outputs (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    by        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    folder    TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256    TEXT NOT NULL CHECK (length(sha256) = 64),
    size      INTEGER NOT NULL CHECK (size >= 0)
) STRICT;
"#;

/// Format 5: a copied answer is recorded as a `copy`, naming the draft and item it came from
/// (`HistoryEvent::Copy`), rather than as an answer typed here. The history table is rebuilt
/// as in V3 (rows, sequence numbers and the append-only triggers kept).
const V5: &str = r#"
CREATE TABLE history_v5 (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    author      TEXT NOT NULL,
    item        TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('answer', 'comment', 'attach', 'detach', 'status',
                                                'carry', 'archive', 'restore', 'confirm',
                                                'copy')),
    old_value   TEXT,
    new_value   TEXT,
    old_comment TEXT,
    new_comment TEXT,
    detail      TEXT
) STRICT;
INSERT INTO history_v5 SELECT * FROM history;
DROP TRIGGER history_no_update;
DROP TRIGGER history_no_delete;
DROP TABLE history;
ALTER TABLE history_v5 RENAME TO history;
CREATE INDEX history_by_item ON history (item, seq);
CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN
    SELECT RAISE(ABORT, 'the history of a draft is append-only: it cannot be changed');
END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history
BEGIN
    SELECT RAISE(ABORT, 'the history of a draft is append-only: it cannot be deleted');
END;
"#;

/// Format 6: an evidence link may carry the document's own date and the date it is valid
/// until (`EvidenceDates`), and the history takes `dates` for setting them. The history table is
/// rebuilt as in V3.
const V6: &str = r#"
ALTER TABLE evidence_links ADD COLUMN dated TEXT CHECK (dated IS NULL OR dated GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
ALTER TABLE evidence_links ADD COLUMN valid_until TEXT CHECK (valid_until IS NULL OR valid_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
CREATE TABLE history_v6 (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    author      TEXT NOT NULL,
    item        TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('answer', 'comment', 'attach', 'detach', 'status',
                                                'carry', 'archive', 'restore', 'confirm',
                                                'copy', 'dates')),
    old_value   TEXT,
    new_value   TEXT,
    old_comment TEXT,
    new_comment TEXT,
    detail      TEXT
) STRICT;
INSERT INTO history_v6 SELECT * FROM history;
DROP TRIGGER history_no_update;
DROP TRIGGER history_no_delete;
DROP TABLE history;
ALTER TABLE history_v6 RENAME TO history;
CREATE INDEX history_by_item ON history (item, seq);
CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN
    SELECT RAISE(ABORT, 'the history of a draft is append-only: it cannot be changed');
END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history
BEGIN
    SELECT RAISE(ABORT, 'the history of a draft is append-only: it cannot be deleted');
END;
"#;

/// The first format whose evidence links have columns for their dates.
pub const EVIDENCE_DATES_FORMAT: i64 = 6;

/// Format 7: the review loop with the assessor. What each exported or filled workbook held in
/// the cells an assessor may change or write in (`written_cells`: one JSON list per workbook,
/// so a returned copy can be recognised by its cells and compared with them); each import of a
/// returned workbook (`review_imports`); and review comments that came from one: their kind (a
/// remark, or a proposed change holding the assessor's text), where in the workbook they were
/// found, and a key of their content, unique, so that a second round's repeated remarks are not
/// added twice.
const V7: &str = r#"
CREATE TABLE written_cells (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    export_id INTEGER REFERENCES exports (id),
    workbook  TEXT NOT NULL CHECK (workbook IN ('own', 'filled')),
    file_name TEXT NOT NULL,
    cells     TEXT NOT NULL
) STRICT;
CREATE TABLE review_imports (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    by         TEXT NOT NULL,
    reviewer   TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    written_id INTEGER NOT NULL REFERENCES written_cells (id),
    added      INTEGER NOT NULL CHECK (added >= 0),
    repeated   INTEGER NOT NULL CHECK (repeated >= 0)
) STRICT;
ALTER TABLE review_comments ADD COLUMN kind TEXT NOT NULL DEFAULT 'remark' CHECK (kind IN ('remark', 'proposed'));
ALTER TABLE review_comments ADD COLUMN proposed TEXT;
ALTER TABLE review_comments ADD COLUMN source TEXT;
ALTER TABLE review_comments ADD COLUMN import_id INTEGER REFERENCES review_imports (id);
ALTER TABLE review_comments ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX review_comments_by_import_key ON review_comments (import_key) WHERE import_key IS NOT NULL;
"#;

/// The first format with the review loop's tables and review-comment kinds.
pub const REVIEW_IMPORT_FORMAT: i64 = 7;

/// The migrations, oldest first. Append only.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7];

/// Brings a draft at format `from` up to `SCHEMA_VERSION` inside the caller's transaction.
pub(crate) fn migrate(tx: &Transaction<'_>, from: i64) -> rusqlite::Result<()> {
    let start = usize::try_from(from).unwrap_or(usize::MAX);
    for step in MIGRATIONS.iter().skip(start) {
        tx.execute_batch(step)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    /// A draft written at format 1 keeps its template (as revision 1) and its history when it
    /// is opened by a version that writes a later format.
    #[test]
    fn a_format_1_draft_keeps_its_template_and_history() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(V1).unwrap();
        conn.execute_batch(
            "INSERT INTO meta VALUES ('created_by', 'Ada');
             INSERT INTO template VALUES (1, 'uec', '1.0.0', '{\"id\":\"uec\"}', '2026-01-01T00:00:00Z');",
        )
        .unwrap();
        conn.execute_batch(
            "INSERT INTO history (at, author, item, action, new_value)
             VALUES ('2026-01-01T00:00:00Z', 'Ada', 'org-name', 'answer', '\"NHS Trust\"');",
        )
        .unwrap();
        let tx = conn.transaction().unwrap();
        migrate(&tx, 1).unwrap();
        tx.commit().unwrap();
        let row: (i64, String, String, String, Option<String>) = conn
            .query_row(
                "SELECT rev, template_version, json, stored_by, workbook_name FROM template_revisions",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        assert_eq!(
            row,
            (
                1,
                "1.0.0".into(),
                "{\"id\":\"uec\"}".into(),
                "Ada".into(),
                None
            )
        );
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let changed = conn.execute("UPDATE template_revisions SET json = '{}'", []);
        assert!(
            changed.is_err(),
            "a stored template revision must not be editable"
        );
    }

    /// A draft at format 4 takes the `copy` action after migrating, and keeps its history
    /// (sequence numbers included) and the append-only triggers.
    #[test]
    fn a_format_4_draft_keeps_its_history_and_takes_copies() {
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = conn.transaction().unwrap();
        for step in &MIGRATIONS[..4] {
            tx.execute_batch(step).unwrap();
        }
        tx.commit().unwrap();
        let insert = |conn: &Connection, action: &str| {
            conn.execute(
                "INSERT INTO history (at, author, item, action) VALUES ('2026-01-01', 'Ada', 'x', ?1)",
                [action],
            )
        };
        insert(&conn, "answer").unwrap();
        insert(&conn, "confirm").unwrap();
        assert!(
            insert(&conn, "copy").is_err(),
            "format 4 has no copy action"
        );
        let tx = conn.transaction().unwrap();
        migrate(&tx, 4).unwrap();
        tx.commit().unwrap();
        insert(&conn, "copy").unwrap();
        let rows: Vec<(i64, String)> = conn
            .prepare("SELECT seq, action FROM history ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            rows,
            [
                (1, "answer".into()),
                (2, "confirm".into()),
                (3, "copy".into())
            ]
        );
        assert!(conn.execute("DELETE FROM history", []).is_err());
        assert!(conn
            .execute("UPDATE history SET author = 'Eve'", [])
            .is_err());
    }

    /// A draft at format 5 keeps its history and its evidence links, which gain empty dates,
    /// and takes the `dates` action and well-formed dates only.
    #[test]
    fn a_format_5_draft_keeps_its_links_and_history_and_takes_dates() {
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = conn.transaction().unwrap();
        for step in &MIGRATIONS[..5] {
            tx.execute_batch(step).unwrap();
        }
        tx.commit().unwrap();
        conn.execute_batch(
            "INSERT INTO blobs (sha256, size, chunk_count, body, stored_at)
                 VALUES ('abababababababababababababababababababababababababababababababab', 1, 0, 1, '2026-01-01');
             INSERT INTO evidence_links (item, sha256, file_name, media_type, added_at, added_by)
                 VALUES ('pen-test-summary', 'abababababababababababababababababababababababababababababababab', 'letter.pdf', 'application/pdf', '2026-01-01', 'Ada');
             INSERT INTO history (at, author, item, action) VALUES ('2026-01-01', 'Ada', 'x', 'copy');",
        )
        .unwrap();
        let tx = conn.transaction().unwrap();
        migrate(&tx, 5).unwrap();
        tx.commit().unwrap();
        let link: (String, Option<String>, Option<String>) = conn
            .query_row(
                "SELECT file_name, dated, valid_until FROM evidence_links",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(link, ("letter.pdf".into(), None, None));
        conn.execute(
            "INSERT INTO history (at, author, item, action) VALUES ('2026-01-02', 'Ada', 'x', 'dates')",
            [],
        )
        .unwrap();
        let actions: Vec<(i64, String)> = conn
            .prepare("SELECT seq, action FROM history ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(actions, [(1, "copy".into()), (2, "dates".into())]);
        assert!(conn
            .execute("UPDATE evidence_links SET dated = '1 May 2026'", [])
            .is_err());
        conn.execute("UPDATE evidence_links SET dated = '2026-05-01'", [])
            .unwrap();
        assert!(conn.execute("DELETE FROM history", []).is_err());
    }

    /// The history table's CHECK constraint accepts exactly the actions the store hands out
    /// (`HistoryAction::ALL`): an action added without its migration fails here.
    #[test]
    fn the_history_table_accepts_exactly_every_history_action() {
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = conn.transaction().unwrap();
        migrate(&tx, 0).unwrap();
        tx.commit().unwrap();
        let insert = |action: &str| {
            conn.execute(
                "INSERT INTO history (at, author, item, action) VALUES ('2026-01-01', 'Ada', 'x', ?1)",
                [action],
            )
        };
        for action in crate::HistoryAction::ALL {
            assert!(insert(action.as_str()).is_ok(), "{action} is refused");
        }
        // And nothing else: the list in the CHECK is exactly those names.
        let sql: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'history'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let list = sql
            .split("action IN (")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .unwrap();
        let mut checked: Vec<String> = list
            .split(',')
            .map(|name| name.trim().trim_matches('\'').to_string())
            .collect();
        checked.sort();
        let mut actions: Vec<String> = crate::HistoryAction::ALL
            .iter()
            .map(|a| a.as_str().to_string())
            .collect();
        actions.sort();
        assert_eq!(checked, actions);
        assert!(
            insert("create").is_err(),
            "an unknown action must be refused"
        );
    }
}
