//! Recognising the structures of one sheet by their wording and contents: the supplier and
//! product form (label | guidance | response), the declaration block, requirement tables in any
//! column layout, endpoint headings and GUIDANCE rows, evidence slots and the Status cell.
//!
//! Rows are read top to bottom. A header row (found by its words, see `words::header_word`)
//! starts a block; the block's rows are read by the columns its header named, so columns may
//! be renamed, reordered, added or dropped, and the block may start on any row.

use scal_core::template::{
    cell_ref, Column, ColumnField, ItemCells, ItemKind, OptionCell, Requirement, SectionKind,
    MAX_COLUMNS, MAX_ROWS,
};

use crate::structure::{self, role_of, Role};
use crate::view::{ListAt, View};
use crate::words::{
    asks_whether, assessment_of, clip, first_line, header_word, is_blankish, level_from_text,
    level_of, looks_like_id, normalise, rest_lines, says_multiple, HeaderWord,
};
use scal_core::template::{parse_column, SheetMapping};

/// The longest label an item gets; the rest of a long label moves to its text.
const LABEL_MAX: usize = 120;
/// The most blocks (header rows) read on one sheet.
const MAX_BLOCKS: usize = 200;
/// How far below a header the table's usual dropdown is looked for.
const LOOKAHEAD_ROWS: usize = 200;

/// What was found on one sheet.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub description: String,
    pub status: Option<String>,
    pub items: Vec<FoundItem>,
    pub columns: Vec<Column>,
    pub tables: Vec<TableInfo>,
    /// Things the user should know about the import of this sheet (cell, message).
    pub notes: Vec<(Option<String>, String)>,
    /// Blocks of rows that were not taken, and why (rows, reason).
    pub skipped: Vec<(String, String)>,
    /// Who each item is for, by item index, where its table says (a "Prov/Cons" column).
    pub roles: Vec<(usize, Role)>,
}

impl Found {
    pub fn kind(&self) -> Option<SectionKind> {
        let has = |f: fn(&ItemKind) -> bool| self.items.iter().any(|i| f(&i.kind));
        if self.status.is_some()
            || has(|k| {
                matches!(
                    k,
                    ItemKind::Requirement(_)
                        | ItemKind::Declaration { .. }
                        | ItemKind::EvidenceSlot
                )
            })
        {
            Some(SectionKind::Service)
        } else if has(|k| !matches!(k, ItemKind::Guidance { .. })) {
            Some(SectionKind::Form)
        } else if has(|k| {
            matches!(
                k,
                ItemKind::Guidance {
                    acknowledge: true,
                    ..
                }
            )
        }) {
            Some(SectionKind::Guidance)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct FoundItem {
    pub label: String,
    pub text: String,
    pub guidance: String,
    pub required: bool,
    pub kind: ItemKind,
    pub cells: ItemCells,
}

impl FoundItem {
    pub fn reference(&self) -> Option<&str> {
        match &self.kind {
            ItemKind::Requirement(r) => r.reference.as_deref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableKind {
    Form,
    Declarations,
    Requirements,
    /// A requirements catalogue with no column to answer in: fill adds a response and a
    /// comment column at its right edge.
    Catalogue,
    /// Rows of questions, each answered in the row's own input cell (a dropdown or a box),
    /// with no requirement IDs: a questionnaire, a checklist of controls.
    Questions,
    Guidance,
}

/// One block found under a header row, for the summary.
#[derive(Debug, Clone)]
pub(crate) struct TableInfo {
    pub kind: TableKind,
    /// 1-based.
    pub header_row: u32,
    pub items: usize,
    /// (field name, header text) of each column, left to right.
    pub columns: Vec<(String, String)>,
    /// How sure the reading is, 0–100.
    pub confidence: u8,
    /// How the table was read, in a sentence (which column answers, where the IDs are).
    pub reading: String,
    /// For a catalogue: the columns fill adds (header cell, header).
    pub added: Vec<(String, String)>,
}

/// A header row's columns.
#[derive(Debug, Clone)]
struct Table {
    kind: TableKind,
    info: usize,
    /// (column, last column it spans, what it names, header text).
    cols: Vec<(u32, u32, Option<HeaderWord>, String)>,
    response: Option<u32>,
    response_end: u32,
    comment: Option<u32>,
    /// The options of the first dropdown found in the response column.
    default_options: Option<Vec<String>>,
    heading: Option<String>,
    /// For a form: the label and guidance columns.
    label_col: u32,
    /// Columns only NHS's assessor fills: never asked, never written.
    assessor: Vec<u32>,
    /// The column saying whether a row is for a provider or a consumer.
    role_col: Option<u32>,
    /// A catalogue: response and comment go in added columns.
    added: bool,
}

impl Table {
    fn col(&self, f: ColumnField) -> Option<u32> {
        self.cols
            .iter()
            .find(|c| c.2 == Some(HeaderWord::Field(f)))
            .map(|c| c.0)
    }

    /// Every column whose header is not one of the fields the row is read by: its values are
    /// kept in the item's guidance as "Header: value".
    fn extra_cols(&self) -> impl Iterator<Item = (u32, &str)> {
        let mut seen: Vec<ColumnField> = Vec::new();
        self.cols
            .iter()
            .filter_map(move |(c, _, word, header)| match word {
                Some(HeaderWord::Field(f)) => {
                    if seen.contains(f) {
                        Some((*c, header.as_str()))
                    } else {
                        seen.push(*f);
                        None
                    }
                }
                Some(HeaderWord::EndUserAssurance) | None => Some((*c, header.as_str())),
                Some(HeaderWord::Requirement) => None,
            })
    }
}

enum Mode {
    Intro,
    Outside,
    Block(Table),
}

pub(crate) fn recognise(view: &View<'_>, mapping: Option<&SheetMapping>) -> Found {
    // A mapping's header row is the sheet's one table; no other row starts one.
    let forced = mapping.filter(|m| m.header_row.is_some());
    let forced_row = forced
        .and_then(|m| m.header_row)
        .map(|h| h.saturating_sub(1));
    let mut found = Found::default();
    let rows = view.rows();
    let mut mode = Mode::Intro;
    let mut unclaimed: Vec<u32> = Vec::new();
    let mut intro: Vec<String> = Vec::new();
    let mut prev: Option<u32> = None;
    let mut i = 0;
    while i < rows.len() {
        let r = rows[i];
        let gap = prev.is_some_and(|p| r > p + 1);
        prev = Some(r);
        let texts = view.row_texts(r);
        if texts.is_empty() {
            i += 1;
            continue;
        }
        if gap {
            // A declaration block ends at its first blank row; the other blocks run on to the
            // next header, as requirement tables often leave blank rows between groups.
            if let Mode::Block(t) = &mode {
                if t.kind == TableKind::Declarations {
                    mode = Mode::Outside;
                }
            }
        }
        // A bound, so a hostile sheet of header rows cannot make recognition quadratic; real
        // tabs have two or three blocks.
        let may_start_block = found.tables.len() < MAX_BLOCKS && forced_row.is_none_or(|h| h == r);
        if let Some(table) = may_start_block
            .then(|| {
                let in_block = matches!(mode, Mode::Block(_));
                header(
                    view,
                    r,
                    &texts,
                    &rows[i + 1..],
                    in_block,
                    forced,
                    &mut found,
                )
            })
            .flatten()
        {
            flush_unclaimed(&mut unclaimed, &mut found);
            mode = Mode::Block(table);
            i += 1;
            continue;
        }
        if let Some(cell) = status_cell(view, r, &texts) {
            found.status = Some(cell_ref(r, cell));
            i += 1;
            continue;
        }
        match &mut mode {
            Mode::Intro | Mode::Outside => {
                if evidence_slots(view, r, &texts, &mut found) {
                    flush_unclaimed(&mut unclaimed, &mut found);
                } else if matches!(mode, Mode::Intro)
                    && texts.len() == 1
                    && !view.is_formula(r, texts[0].0)
                    && intro.len() < 4
                {
                    intro.push(texts[0].1.to_string());
                } else if !texts.iter().all(|&(c, _)| view.is_formula(r, c)) {
                    // A computed title (`=MID(CELL("filename")…)`) is no content to report.
                    unclaimed.push(r);
                }
                i += 1;
            }
            Mode::Block(table) => {
                let before = found.items.len();
                let next = match table.kind {
                    TableKind::Form => form_group(view, table, &rows, i, &mut found),
                    TableKind::Declarations => {
                        declaration_row(view, table, r, &texts, &mut found);
                        i + 1
                    }
                    TableKind::Requirements | TableKind::Catalogue => {
                        requirement_row(view, table, r, &texts, &mut found);
                        i + 1
                    }
                    TableKind::Questions => {
                        question_row(view, table, r, &texts, &mut found);
                        i + 1
                    }
                    TableKind::Guidance => {
                        guidance_row(view, table, r, &texts, &mut found);
                        i + 1
                    }
                };
                let added = found.items.len() - before;
                if added == 0 {
                    unclaimed.extend(rows[i..next].iter().copied());
                } else {
                    flush_unclaimed(&mut unclaimed, &mut found);
                }
                found.tables[table.info].items += added;
                prev = rows.get(next.saturating_sub(1)).copied();
                i = next;
            }
        }
    }
    flush_unclaimed(&mut unclaimed, &mut found);
    found.description = intro.join("\n\n");
    found
}

/// Records a run of rows nothing was made of, as one skipped block.
fn flush_unclaimed(rows: &mut Vec<u32>, found: &mut Found) {
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        let at = if first == last {
            format!("row {}", first + 1)
        } else {
            format!("rows {}-{}", first + 1, last + 1)
        };
        found.skipped.push((
            at,
            "text outside any form, declaration block or requirements table, or rows with nothing to answer".to_string(),
        ));
    }
    rows.clear();
}

/// A header row starts a block: a form (label | guidance | response), a declaration block, a
/// requirements table, or a table of guidance to acknowledge.
fn header(
    view: &View<'_>,
    r: u32,
    texts: &[(u32, &str)],
    below: &[u32],
    in_block: bool,
    forced: Option<&SheetMapping>,
    found: &mut Found,
) -> Option<Table> {
    if forced.is_none() && !structure::may_be_header(view, r, texts) {
        return None;
    }
    let mut cols = Vec::new();
    for &(c, t) in texts {
        let first = first_line(t);
        // Header cells are short and never dropdowns; long cells are rows' text.
        if first.chars().count() > 90 || t.chars().count() > 300 || view.has_validation(r, c) {
            cols.push((c, view.end_col(r, c), None, t.to_string()));
            continue;
        }
        cols.push((c, view.end_col(r, c), header_word(t), t.to_string()));
    }
    use ColumnField::*;
    // Structure first: which columns hold IDs, dropdowns, the assessor's formulas.
    let probe = structure::probe(view, r, texts, below);
    let assessor: Vec<u32> = cols
        .iter()
        .filter(|c| {
            c.2 == Some(HeaderWord::Field(Reviewer))
                || structure::is_assessor_header(&c.3)
                || (probe.cross_in(c.0) >= 2 && probe.cross_in(c.0) * 2 >= probe.rows)
        })
        .map(|c| c.0)
        .collect();
    for c in &mut cols {
        if assessor.contains(&c.0) {
            c.2 = Some(HeaderWord::Field(Reviewer));
        }
    }
    let word_kind = word_kind(&cols);
    // Inside a table, only a row whose words make a header on their own starts another: a
    // data row with a header-like word in it ("Declaration of Usage") is still a data row.
    if in_block && word_kind.is_none() && forced.is_none() {
        return None;
    }
    if let Some(m) = forced {
        return Some(mapped_table(
            view, r, texts, below, cols, assessor, &probe, m, found,
        ));
    }
    let lists = probe.list_columns(&assessor);
    let word_resp = cols
        .iter()
        .find(|c| c.2 == Some(HeaderWord::Field(Response)))
        .map(|c| c.0);
    let best_list = lists.first().copied();
    // The column of dropdowns is the response column whatever its header says; a header
    // that says "response" over no dropdown gives way to one that has them.
    let response_col = match (word_resp, best_list) {
        (Some(w), Some((l, n))) if probe.lists_in(w) == 0 && n >= 2 => Some(l),
        (Some(w), _) => Some(w),
        (None, Some((l, n))) if n >= 2 || (n >= 1 && probe.rows <= 2) => Some(l),
        _ => None,
    };
    let role_col = probe.role_column();
    let mut not_ids: Vec<u32> = assessor.clone();
    not_ids.extend(response_col);
    let id_col = probe.id_column(&not_ids);
    let speaks = structure::speaks_of_requirements(texts);
    let mut confidence: f32;
    let mut reading = Vec::new();
    let kind = match word_kind {
        Some(k @ (TableKind::Form | TableKind::Declarations)) => {
            confidence = 0.9;
            k
        }
        _ => {
            if let Some(resp) = response_col {
                let lists_in = probe.lists_in(resp);
                let data_rows = id_col.map_or(probe.rows, |(_, n)| n).max(1);
                let coverage = (lists_in as f32 / data_rows as f32).min(1.0);
                let by_word = word_resp == Some(resp);
                confidence = 0.45 + 0.35 * coverage + if by_word { 0.2 } else { 0.1 };
                if let Some(&(second, n2)) = lists.get(1) {
                    if let Some((best, n1)) = best_list {
                        if !by_word && n2 * 5 >= n1 * 4 {
                            confidence -= 0.45;
                            reading.push(format!(
                                "columns {} and {} both carry dropdowns",
                                col_name(best),
                                col_name(second)
                            ));
                        }
                    }
                }
                let header = cols
                    .iter()
                    .find(|c| c.0 == resp)
                    .map_or("", |c| c.3.as_str());
                reading.push(if by_word || lists_in == 0 {
                    format!(
                        "answers in column {} (\"{}\")",
                        col_name(resp),
                        clip(first_line(header), 40)
                    )
                } else {
                    format!(
                        "answers in column {} (\"{}\"), the column of dropdowns",
                        col_name(resp),
                        clip(first_line(header), 40)
                    )
                });
                for c in &mut cols {
                    if c.0 == resp {
                        c.2 = Some(HeaderWord::Field(Response));
                    } else if c.2 == Some(HeaderWord::Field(Response)) {
                        c.2 = None;
                    }
                }
                // Without IDs, a table is still one of requirements when its header speaks of
                // them: how they are assessed, their tests, the evidence expected.
                let requirement_columns = [
                    Reference,
                    HowAssessed,
                    TestCases,
                    EvidenceExpected,
                    ImplementationReference,
                    TestReference,
                ]
                .iter()
                .any(|f| has_field(&cols, *f));
                if id_col.is_some()
                    || word_kind == Some(TableKind::Requirements) && (requirement_columns || speaks)
                {
                    TableKind::Requirements
                } else {
                    TableKind::Questions
                }
            } else if let Some((_, n)) = id_col.filter(|&(_, n)| n >= 3 && speaks) {
                confidence = 0.55 + 0.3 * (n as f32 / probe.rows.max(1) as f32).min(1.0);
                reading.push(
                    "no column to answer in: fill adds a Response and a Comment column".to_string(),
                );
                TableKind::Catalogue
            } else if word_kind == Some(TableKind::Guidance) && assessor.is_empty() {
                // Guidance beside approval or review columns is the assessor's part.
                confidence = 0.7;
                TableKind::Guidance
            } else {
                return None;
            }
        }
    };
    finish(
        view,
        r,
        texts,
        below,
        Reading {
            kind,
            cols,
            assessor,
            response_col,
            id_col,
            role_col,
            confidence,
            reading,
        },
        &probe,
        found,
    )
    .into()
}

/// What a header row was judged to be, before its table is set up.
struct Reading {
    kind: TableKind,
    cols: Vec<(u32, u32, Option<HeaderWord>, String)>,
    assessor: Vec<u32>,
    response_col: Option<u32>,
    id_col: Option<(u32, usize)>,
    role_col: Option<u32>,
    confidence: f32,
    reading: Vec<String>,
}

/// A table read as its mapping says: the columns it names hold those fields, whatever the
/// header or the rows would suggest.
#[allow(
    clippy::too_many_arguments,
    reason = "the header's parts, passed on from header()"
)]
fn mapped_table(
    view: &View<'_>,
    r: u32,
    texts: &[(u32, &str)],
    below: &[u32],
    mut cols: Vec<(u32, u32, Option<HeaderWord>, String)>,
    assessor: Vec<u32>,
    probe: &structure::Probe,
    m: &SheetMapping,
    found: &mut Found,
) -> Table {
    use ColumnField::*;
    let c = &m.columns;
    let named: Vec<(Option<u32>, ColumnField)> = vec![
        (c.id.as_deref().and_then(parse_column), Reference),
        (c.question.as_deref().and_then(parse_column), Label),
        (c.guidance.as_deref().and_then(parse_column), Guidance),
        (c.response.as_deref().and_then(parse_column), Response),
        (c.comment.as_deref().and_then(parse_column), Comment),
    ];
    for col in &mut cols {
        // A field the mapping places elsewhere is not read from this column.
        if let Some(HeaderWord::Field(f)) = col.2 {
            if named.iter().any(|(at, nf)| at.is_some() && *nf == f) {
                col.2 = None;
            }
        }
        if col.2 == Some(HeaderWord::Requirement) {
            col.2 = None;
        }
    }
    for (at, field) in &named {
        let Some(at) = *at else { continue };
        match cols.iter_mut().find(|col| col.0 == at) {
            Some(col) => col.2 = Some(HeaderWord::Field(*field)),
            None => cols.push((at, at, Some(HeaderWord::Field(*field)), String::new())),
        }
    }
    cols.sort_by_key(|col| col.0);
    let response_col = named[3].0;
    let id_col = named[0].0.map(|c| (c, probe.ids_in(c)));
    let kind = match (response_col, id_col) {
        (Some(_), Some(_)) => TableKind::Requirements,
        (Some(_), None) => TableKind::Questions,
        (None, _) => TableKind::Catalogue,
    };
    let assessor: Vec<u32> = assessor
        .into_iter()
        .filter(|a| named.iter().all(|(at, _)| *at != Some(*a)))
        .collect();
    finish(
        view,
        r,
        texts,
        below,
        Reading {
            kind,
            cols,
            assessor,
            response_col,
            id_col,
            role_col: probe.role_column(),
            confidence: 1.0,
            reading: vec!["as the mapping says".to_string()],
        },
        probe,
        found,
    )
}

/// Sets up a table from its reading: the label column where no header names one, the response
/// and comment cells (added ones for a catalogue), the usual dropdown, the summary's entry.
fn finish(
    view: &View<'_>,
    r: u32,
    texts: &[(u32, &str)],
    below: &[u32],
    reading: Reading,
    probe: &structure::Probe,
    found: &mut Found,
) -> Table {
    use ColumnField::*;
    let Reading {
        kind,
        mut cols,
        assessor,
        response_col,
        id_col,
        role_col,
        confidence,
        mut reading,
    } = reading;
    let role_col =
        role_col.filter(|_| matches!(kind, TableKind::Requirements | TableKind::Catalogue));
    if let Some((c, n)) =
        id_col.filter(|_| matches!(kind, TableKind::Requirements | TableKind::Catalogue))
    {
        reading.push(format!(
            "requirement IDs in column {} ({n} rows)",
            col_name(c)
        ));
        for col in &mut cols {
            if col.0 == c && col.2 != Some(HeaderWord::Field(Category)) {
                col.2 = Some(HeaderWord::Field(Reference));
            } else if col.0 != c && col.2 == Some(HeaderWord::Field(Reference)) {
                col.2 = None;
            }
        }
    }
    if let Some(c) = role_col {
        reading.push(format!("who each row is for in column {}", col_name(c)));
    }
    if kind == TableKind::Catalogue {
        // The workbook has no answer column: what it calls notes is the requirement's text.
        let has_text = has_field(&cols, Text);
        for col in &mut cols {
            match col.2 {
                Some(HeaderWord::Field(Comment)) => {
                    col.2 = Some(HeaderWord::Field(if has_text { Guidance } else { Text }))
                }
                Some(HeaderWord::Field(Response)) => col.2 = None,
                _ => {}
            }
        }
    }
    if !assessor.is_empty() {
        let names: Vec<String> = assessor.iter().map(|&c| col_name(c)).collect();
        reading.push(format!(
            "column(s) {} are the assessor's: never asked",
            names.join(", ")
        ));
    }
    // A table with no column named as the label: the prose column a person reads is it.
    if matches!(
        kind,
        TableKind::Requirements | TableKind::Catalogue | TableKind::Questions
    ) && !cols.iter().any(|c| {
        matches!(
            c.2,
            Some(HeaderWord::Field(Label)) | Some(HeaderWord::Requirement)
        )
    }) {
        let taken = |c: u32| {
            Some(c) == response_col
                || Some(c) == id_col.map(|x| x.0)
                || Some(c) == role_col
                || assessor.contains(&c)
        };
        if let Some(best) = cols
            .iter()
            .filter(|c| c.2.is_none() && !taken(c.0) && response_col.is_none_or(|r| c.0 < r))
            .map(|c| (c.0, probe.prose_in(c.0)))
            .filter(|&(_, n)| n > 0)
            .max_by_key(|&(c, n)| (n, std::cmp::Reverse(c)))
        {
            for c in &mut cols {
                if c.0 == best.0 {
                    c.2 = Some(HeaderWord::Field(Label));
                }
            }
        }
    }
    // "Requirement" is the label unless an Item column names it, then the text.
    let has_label = has_field(&cols, Label);
    let has_text = has_field(&cols, Text);
    for c in &mut cols {
        if c.2 == Some(HeaderWord::Requirement) {
            c.2 = Some(HeaderWord::Field(match (has_label, has_text) {
                (false, _) => Label,
                (true, false) => Text,
                (true, true) => Guidance,
            }));
        }
    }
    let field_col = |f: ColumnField| {
        cols.iter()
            .find(|c| c.2 == Some(HeaderWord::Field(f)))
            .map(|c| (c.0, c.1))
    };
    let mut added = Vec::new();
    let (response, comment) = if kind == TableKind::Catalogue {
        let resp = probe.right_edge + 1;
        let comment = resp + 1;
        added.push((cell_ref(r, resp), "Response".to_string()));
        added.push((cell_ref(r, comment), "Comment".to_string()));
        (Some((resp, resp)), Some(comment))
    } else {
        let response = field_col(Response);
        // The comment goes in the first comment column right of the response ("in the box to
        // the right"), else in the first comment column there is; a questionnaire's unnamed
        // box right of its dropdowns ("Give further information") is its comment.
        let comment = response
            .and_then(|(_, end)| {
                cols.iter()
                    .find(|c| c.0 > end && c.2 == Some(HeaderWord::Field(Comment)))
                    .map(|c| c.0)
            })
            .or_else(|| field_col(Comment).map(|c| c.0))
            .or_else(|| {
                let (_, end) = response?;
                if !matches!(kind, TableKind::Questions | TableKind::Requirements) {
                    return None;
                }
                cols.iter()
                    .find(|c| {
                        c.0 > end
                            && c.2.is_none()
                            && !assessor.contains(&c.0)
                            && probe.ids_in(c.0) == 0
                            && probe.lists_in(c.0) == 0
                            && Some(c.0) != role_col
                    })
                    .map(|c| c.0)
            });
        (response, comment)
    };
    let label_col = if kind == TableKind::Form {
        texts.first().map_or(0, |t| t.0)
    } else {
        field_col(Label).map_or(0, |c| c.0)
    };
    let default_options = response.and_then(|(c, _)| {
        below
            .iter()
            .take(LOOKAHEAD_ROWS)
            .find_map(|&row| match view.list_at(row, c) {
                Some(ListAt::Options(list)) => {
                    let options = answer_options(&list);
                    (!options.is_empty()).then_some(options)
                }
                _ => None,
            })
    });
    let confidence = (confidence.clamp(0.0, 1.0) * 100.0).round() as u8;
    let columns: Vec<(String, String)> = cols
        .iter()
        .map(|(_, _, w, h)| {
            let name = match w {
                Some(HeaderWord::Field(f)) => field_name(*f).to_string(),
                Some(HeaderWord::EndUserAssurance) => "end_user_assurance".to_string(),
                Some(HeaderWord::Requirement) | None => "other".to_string(),
            };
            (name, clip(h, 60))
        })
        .collect();
    if matches!(kind, TableKind::Requirements | TableKind::Catalogue) {
        let template_columns: Vec<Column> = cols
            .iter()
            .filter_map(|(_, _, w, h)| match w {
                Some(HeaderWord::Field(f)) => Some(Column {
                    field: *f,
                    header: clip(first_line(h), 60),
                }),
                _ => None,
            })
            .collect();
        if template_columns.len() > found.columns.len() {
            found.columns = template_columns;
        }
    }
    found.tables.push(TableInfo {
        kind,
        header_row: r + 1,
        items: 0,
        columns,
        confidence,
        reading: reading.join("; "),
        added: added.clone(),
    });
    Table {
        kind,
        info: found.tables.len() - 1,
        response: response.map(|c| c.0),
        response_end: response.map_or(0, |c| c.1),
        comment,
        default_options,
        heading: None,
        label_col,
        cols,
        assessor,
        role_col,
        added: kind == TableKind::Catalogue,
    }
}

/// A heading row of a table: it groups the rows under it and asks nothing.
fn heading_item(label: String, text: String, guidance: String) -> FoundItem {
    FoundItem {
        label,
        text,
        guidance,
        required: false,
        kind: ItemKind::Guidance {
            acknowledge: false,
            heading: true,
        },
        cells: ItemCells::default(),
    }
}

fn has_field(cols: &[(u32, u32, Option<HeaderWord>, String)], f: ColumnField) -> bool {
    cols.iter().any(|c| c.2 == Some(HeaderWord::Field(f)))
}

/// What the header's words alone make of a table (the reading before its rows are looked at).
fn word_kind(cols: &[(u32, u32, Option<HeaderWord>, String)]) -> Option<TableKind> {
    use ColumnField::*;
    let words: Vec<HeaderWord> = cols.iter().filter_map(|c| c.2).collect();
    let has = |f: ColumnField| words.contains(&HeaderWord::Field(f));
    let distinct = {
        let mut d = words.clone();
        d.dedup();
        d.len()
    };
    let response_header = cols
        .iter()
        .find(|c| c.2 == Some(HeaderWord::Field(Response)))
        .map(|c| normalise(&c.3));
    let requirement_words = [
        Reference,
        Category,
        HowAssessed,
        TestCases,
        EvidenceExpected,
        ImplementationReference,
        TestReference,
        Reviewer,
    ];
    if has(Response) {
        if requirement_words.iter().any(|f| has(*f)) && distinct >= 3 {
            Some(TableKind::Requirements)
        } else if response_header
            .as_deref()
            .is_some_and(|h| h.contains("declaration"))
            && distinct >= 3
        {
            Some(TableKind::Declarations)
        } else if has(Guidance)
            && !has(Comment)
            && !has(Level)
            && words
                .iter()
                .all(|w| matches!(w, HeaderWord::Field(Guidance | Response | Label)))
        {
            Some(TableKind::Form)
        } else if distinct >= 3 {
            Some(TableKind::Requirements)
        } else {
            None
        }
    } else if distinct >= 3 && (has(Level) || has(Guidance)) && (has(Label) || has(Text)) {
        Some(TableKind::Guidance)
    } else {
        None
    }
}

/// A column's letters (`F`).
pub(crate) fn col_name(c: u32) -> String {
    let a1 = cell_ref(0, c);
    a1.trim_end_matches('1').to_string()
}

pub(crate) fn field_name(f: ColumnField) -> &'static str {
    use ColumnField::*;
    match f {
        Reference => "reference",
        Category => "category",
        Label => "label",
        Text => "text",
        Guidance => "guidance",
        HowAssessed => "how_assessed",
        Level => "level",
        ActionedBy => "actioned_by",
        TestCases => "test_cases",
        EvidenceExpected => "evidence_expected",
        Response => "response",
        Comment => "comment",
        ImplementationReference => "implementation_reference",
        TestReference => "test_reference",
        Evidence => "evidence",
        Reviewer => "reviewer",
    }
}

/// The Status cell: right of a "Status…" label, a dropdown offering "Complete".
fn status_cell(view: &View<'_>, r: u32, texts: &[(u32, &str)]) -> Option<u32> {
    for &(c, t) in texts {
        if t.chars().count() > 80 || !normalise(first_line(t)).starts_with("status") {
            continue;
        }
        let mut col = view.end_col(r, c) + 1;
        for _ in 0..4 {
            if let Some(ListAt::Options(list)) = view.list_at(r, col) {
                if list.iter().any(|o| normalise(o).contains("complete")) {
                    return Some(col);
                }
            }
            let here = view.text(r, col);
            if !here.is_empty() && !is_blankish(here) {
                break;
            }
            col = view.end_col(r, col) + 1;
        }
    }
    None
}

/// Evidence slots: cells naming the Technical Conformance Report or Certificate, and rows that
/// tell the supplier to embed a document. Returns whether the row held any.
fn evidence_slots(view: &View<'_>, r: u32, texts: &[(u32, &str)], found: &mut Found) -> bool {
    let embed_row = texts.iter().any(|(_, t)| normalise(t).contains("embed"));
    let mut slots: Vec<(u32, String, String)> = Vec::new();
    for (k, &(c, t)) in texts.iter().enumerate() {
        let first = first_line(t);
        let (label, rest) = match first.split_once(':') {
            Some((l, rest)) => (l.trim(), format!("{}\n{}", rest.trim(), rest_lines(t))),
            None => (first, rest_lines(t)),
        };
        let n = normalise(label);
        let named = n.contains("conformance report")
            || n.contains("conformance certificate")
            || matches!(n.as_str(), "tcr" | "tcc")
            || n.contains("(tcr)")
            || n.contains("(tcc)");
        let short = label.chars().count() <= 60 && !label.is_empty();
        if (named || (embed_row && k == 0 && first.contains(':'))) && short {
            slots.push((c, label.to_string(), rest.trim().to_string()));
        } else if let Some(last) = slots.last_mut() {
            // A note beside a slot ("NHS Login only", "Supplier to embed …") is its guidance.
            if !last.2.is_empty() {
                last.2.push('\n');
            }
            last.2.push_str(t);
        }
    }
    if slots.is_empty() {
        return false;
    }
    let taken: Vec<u32> = texts.iter().map(|t| t.0).collect();
    for (c, label, guidance) in slots {
        let evidence = slot_reference_cell(view, r, c, &taken);
        found.items.push(FoundItem {
            label,
            text: String::new(),
            guidance,
            // "Either or both these fields will be completed": neither alone is required.
            required: false,
            kind: ItemKind::EvidenceSlot,
            cells: ItemCells {
                evidence: evidence.map(|(r, c)| cell_ref(r, c)),
                ..ItemCells::default()
            },
        });
    }
    true
}

/// Where a slot's file reference is written: the cell right of its label when empty, else the
/// one below when empty. Never over the workbook's own text.
fn slot_reference_cell(view: &View<'_>, r: u32, c: u32, taken: &[u32]) -> Option<(u32, u32)> {
    let right = view.end_col(r, c) + 1;
    let free = |r: u32, c: u32| {
        r < MAX_ROWS
            && c < MAX_COLUMNS
            && view.text(r, c).is_empty()
            && !view.is_continuation(r, c)
            && !view.is_formula(r, c)
            && !view.has_validation(r, c)
    };
    if !taken.contains(&right) && free(r, right) {
        return Some((r, right));
    }
    let below = view.merge(r, c).map_or(r, |m| m.r2) + 1;
    if free(below, c) && view.row_texts(below).is_empty() {
        return Some((below, c));
    }
    None
}

/// The responses a dropdown offers: its entries without the placeholder, trimmed, each once.
pub(crate) fn answer_options(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in list {
        let o = o.trim();
        if o.is_empty() || is_blankish(o) {
            continue;
        }
        // Compared as the template loader compares options (Unicode lower case).
        if !out.iter().any(|x| x.to_lowercase() == o.to_lowercase()) {
            out.push(o.to_string());
        }
    }
    out
}

fn is_yes_no(options: &[String]) -> bool {
    options.len() == 2
        && options.iter().any(|o| o.eq_ignore_ascii_case("yes"))
        && options.iter().any(|o| o.eq_ignore_ascii_case("no"))
}

/// A label of at most `LABEL_MAX` characters from the first line; what is left goes to `extra`.
fn split_label(text: &str, extra: &mut Vec<String>) -> String {
    let first = first_line(text);
    let rest = rest_lines(text);
    if !rest.is_empty() {
        extra.push(rest);
    }
    if first.chars().count() > LABEL_MAX {
        extra.insert(0, first.to_string());
        clip(first, 80)
    } else {
        first.to_string()
    }
}

fn join(parts: &[String]) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The cell a row's field sits in, when the row shows something there of its own.
fn cell_text<'w>(view: &View<'w>, r: u32, c: Option<u32>) -> &'w str {
    match c {
        Some(c) if !view.is_continuation(r, c) => view.text(r, c),
        _ => "",
    }
}

/// A heading row of a table: one piece of text, and no response waiting in the response column
/// (a dropdown range often sweeps over heading rows, but their response cell is empty).
fn table_heading<'t>(
    view: &View<'_>,
    t: &Table,
    r: u32,
    texts: &[(u32, &'t str)],
) -> Option<&'t str> {
    if texts.len() != 1 {
        return None;
    }
    if let Some(resp) = t.response {
        if texts[0].0 != resp && !view.is_continuation(r, resp) && !view.text(r, resp).is_empty() {
            return None;
        }
        // A questionnaire gives each question its own dropdown, or asks in words a box
        // answers: either way the row is a question, not a heading.
        if t.kind == TableKind::Questions
            && (matches!(view.list_at(r, resp), Some(ListAt::Options(_)))
                || structure::reads_as_question(texts[0].1))
        {
            return None;
        }
    }
    Some(texts[0].1)
}

/// Pushes a heading (or a GUIDANCE row) of a table; true when the row was one.
fn push_heading(
    view: &View<'_>,
    t: &mut Table,
    r: u32,
    texts: &[(u32, &str)],
    found: &mut Found,
) -> bool {
    let Some(text) = table_heading(view, t, r, texts) else {
        return false;
    };
    let mut extra = Vec::new();
    if let Some(body) = guidance_body(text) {
        let label = match &t.heading {
            Some(h) => clip(&format!("Guidance: {h}"), 80),
            None => "Guidance".to_string(),
        };
        found.items.push(FoundItem {
            label,
            text: body,
            guidance: String::new(),
            required: false,
            kind: ItemKind::Guidance {
                acknowledge: false,
                heading: false,
            },
            cells: ItemCells::default(),
        });
        return true;
    }
    let label = split_label(text, &mut extra);
    t.heading = Some(label.clone());
    found
        .items
        .push(heading_item(label, join(&extra), String::new()));
    true
}

/// The text of a "GUIDANCE:" row (the word, then a colon or a line break), without the word.
fn guidance_body(text: &str) -> Option<String> {
    let t = text.trim_start();
    let head = t.get(.."guidance".len())?;
    if !head.eq_ignore_ascii_case("guidance") {
        return None;
    }
    let rest = &t["guidance".len()..];
    let next = rest.chars().find(|c| *c != ' ' && *c != '\t');
    if !matches!(next, None | Some(':' | '\n' | '\r')) {
        return None;
    }
    Some(
        rest.trim_start_matches([':', ' ', '\n', '\r', '\t'])
            .trim_end()
            .to_string(),
    )
}

fn comment_cell(view: &View<'_>, r: u32, col: Option<u32>, response: u32) -> Option<String> {
    let c = col.filter(|&c| c != response)?;
    (!view.is_continuation(r, c)).then(|| cell_ref(r, c))
}

fn declaration_row(
    view: &View<'_>,
    t: &mut Table,
    r: u32,
    texts: &[(u32, &str)],
    found: &mut Found,
) {
    let Some(resp) = t.response else { return };
    if push_heading(view, t, r, texts, found) {
        return;
    }
    if view.is_continuation(r, resp) {
        return;
    }
    let label_col = t.col(ColumnField::Label);
    let mut label = cell_text(view, r, label_col);
    if label.is_empty() {
        // A label merged down over several declarations (e.g. "Clinical Safety").
        if let Some(m) = label_col.and_then(|c| view.merge(r, c)) {
            label = view.text(m.r1, m.c1);
        }
    }
    let text = cell_text(view, r, t.col(ColumnField::Text));
    if label.is_empty() && text.is_empty() {
        return;
    }
    let mut extra = Vec::new();
    let label = if label.is_empty() {
        clip(first_line(text), 80)
    } else {
        split_label(label, &mut extra)
    };
    let options = match view.list_at(r, resp) {
        Some(ListAt::Options(list)) => answer_options(&list),
        _ => Vec::new(),
    };
    let options = if options.is_empty() {
        t.default_options
            .clone()
            .unwrap_or_else(|| vec!["Yes".to_string(), "No".to_string()])
    } else {
        options
    };
    found.items.push(FoundItem {
        label,
        text: text.to_string(),
        guidance: join(&extra),
        required: true,
        kind: ItemKind::Declaration {
            options,
            meanings: Default::default(),
        },
        cells: ItemCells {
            response: Some(cell_ref(r, resp)),
            comment: comment_cell(view, r, t.comment, resp),
            review: review_cell(view, t, r),
            ..ItemCells::default()
        },
    });
}

/// The assessor's cell on row `r`: the first of the table's assessor columns whose cell is not
/// a formula (a review column, not a computed score).
fn review_cell(view: &View<'_>, t: &Table, r: u32) -> Option<String> {
    t.assessor
        .iter()
        .find(|&&c| !view.is_formula(r, c) && !view.is_continuation(r, c))
        .map(|&c| cell_ref(r, c))
}

fn requirement_row(
    view: &View<'_>,
    t: &mut Table,
    r: u32,
    texts: &[(u32, &str)],
    found: &mut Found,
) {
    let Some(resp) = t.response else { return };
    if push_heading(view, t, r, texts, found) {
        return;
    }
    if view.is_continuation(r, resp) || view.is_formula(r, resp) {
        // A computed cell (a PASS/FAIL over the rows below) is nobody's answer.
        return;
    }
    use ColumnField::*;
    let get = |f: ColumnField| cell_text(view, r, t.col(f));
    let reference_cell = get(Reference);
    let category_cell = get(Category);
    let (reference, category) = if looks_like_id(reference_cell) {
        (Some(reference_cell.to_string()), category_cell.to_string())
    } else if looks_like_id(category_cell) {
        // Layouts A and B put the ID in "Category / Requirement".
        (Some(category_cell.to_string()), String::new())
    } else if !reference_cell.is_empty() {
        (
            None,
            join(&[reference_cell.to_string(), category_cell.to_string()]),
        )
    } else {
        (None, category_cell.to_string())
    };
    if t.added && reference.is_none() {
        // A catalogue's row without an ID groups the rows under it (a capability).
        let words = [get(Label), get(Text), category_cell, reference_cell]
            .into_iter()
            .find(|w| !w.is_empty())
            .unwrap_or("");
        if !words.is_empty() {
            let mut extra = Vec::new();
            let label = split_label(words, &mut extra);
            t.heading = Some(label.clone());
            found
                .items
                .push(heading_item(label, join(&extra), String::new()));
        }
        return;
    }
    let role = t
        .role_col
        .and_then(|c| role_of(cell_text(view, r, Some(c))));
    let category = if category.is_empty() {
        t.heading.clone().unwrap_or_default()
    } else {
        category.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let label_cell = get(Label);
    let text = get(Text);
    let guidance_cell = get(Guidance);
    if reference.is_none() && label_cell.is_empty() && text.is_empty() && guidance_cell.is_empty() {
        return;
    }
    let mut extra = Vec::new();
    let label = if !label_cell.is_empty() {
        split_label(label_cell, &mut extra)
    } else if !text.is_empty() {
        clip(first_line(text), 80)
    } else if !guidance_cell.is_empty() {
        clip(first_line(guidance_cell), 80)
    } else if let Some(reference) = &reference {
        reference.clone()
    } else {
        String::new()
    };
    let mut guidance = vec![guidance_cell.to_string()];
    guidance.append(&mut extra);
    for (c, header) in t.extra_cols() {
        let v = cell_text(view, r, Some(c));
        if !v.is_empty() && c != resp && Some(c) != t.comment {
            guidance.push(format!("{}: {v}", clip(first_line(header), 60)));
        }
    }
    let level_cell = get(Level);
    let level =
        level_of(level_cell).unwrap_or_else(|| level_from_text(&format!("{label_cell}\n{text}")));
    let how = get(HowAssessed);
    let evidence_expected = get(EvidenceExpected);
    let mut test_cases: Vec<String> = Vec::new();
    for line in get(TestCases).lines().map(str::trim) {
        let n = normalise(line);
        if line.is_empty() || matches!(n.as_str(), "n/a" | "na" | "none" | "-") {
            continue;
        }
        if !test_cases.iter().any(|t| t == line) {
            test_cases.push(line.to_string());
        }
    }
    let options = match view.list_at(r, resp) {
        Some(ListAt::Options(list)) => answer_options(&list),
        Some(ListAt::Unresolved(f)) => {
            if !f.is_empty() {
                found.notes.push((
                    Some(cell_ref(r, resp)),
                    format!("its dropdown list comes from {f}, which cannot be read; the table's usual responses are offered"),
                ));
            }
            Vec::new()
        }
        _ => Vec::new(),
    };
    let options = if options.is_empty() {
        t.default_options.clone().unwrap_or_else(|| {
            vec![
                "Yes".to_string(),
                "No".to_string(),
                scal_core::template::OUT_OF_SCOPE.to_string(),
            ]
        })
    } else {
        options
    };
    let evidence_col = t
        .col(Evidence)
        .filter(|&c| c != resp && Some(c) != t.comment);
    found.items.push(FoundItem {
        label,
        text: text.to_string(),
        guidance: join(&guidance),
        required: true,
        kind: ItemKind::Requirement(Requirement {
            reference,
            category: clip(&category, 200),
            level,
            how_assessed: how.to_string(),
            assessment: assessment_of(how, evidence_expected),
            actioned_by: get(ActionedBy).to_string(),
            test_cases,
            evidence_expected: evidence_expected.to_string(),
            applies_to: match role {
                Some(Role::Provider) => Some("provider".to_string()),
                Some(Role::Consumer) => Some("consumer".to_string()),
                _ => None,
            },
            options,
            meanings: Default::default(),
        }),
        cells: ItemCells {
            response: Some(cell_ref(r, resp)),
            comment: comment_cell(view, r, t.comment, resp),
            evidence: evidence_col
                .filter(|&c| !view.is_continuation(r, c))
                .map(|c| cell_ref(r, c)),
            review: review_cell(view, t, r),
            ..ItemCells::default()
        },
    });
    if let Some(role) = role {
        found.roles.push((found.items.len() - 1, role));
    }
}

/// A row of a questions table: the label a person reads, its guidance, and the row's own
/// input cell (a dropdown or a box) under the response column.
fn question_row(view: &View<'_>, t: &mut Table, r: u32, texts: &[(u32, &str)], found: &mut Found) {
    let Some(resp) = t.response else { return };
    if push_heading(view, t, r, texts, found) {
        return;
    }
    if view.is_continuation(r, resp) || view.is_formula(r, resp) {
        return;
    }
    use ColumnField::*;
    let get = |f: ColumnField| cell_text(view, r, t.col(f));
    let mut label = get(Label);
    let text = get(Text);
    if label.is_empty() {
        label = text;
    }
    if label.is_empty() {
        // A category cell alone (with a note beside it) heads the questions under it.
        let category = get(Category);
        let guidance = get(Guidance).to_string();
        if !category.is_empty() {
            let mut extra = Vec::new();
            let heading = split_label(category, &mut extra);
            t.heading = Some(heading.clone());
            found
                .items
                .push(heading_item(heading, join(&extra), guidance));
        }
        return;
    }
    if t.default_options.is_some()
        && view.list_at(r, resp).is_none()
        && !view.text(r, resp).is_empty()
    {
        // Where the questions have dropdowns, a row with words but no dropdown in the answer
        // column ("Select from the drop down") heads the questions under it.
        let mut extra = Vec::new();
        let heading = split_label(label, &mut extra);
        t.heading = Some(heading.clone());
        found.items.push(heading_item(
            heading,
            join(&extra),
            view.text(r, resp).to_string(),
        ));
        return;
    }
    let mut extra = Vec::new();
    let label = split_label(label, &mut extra);
    let text = if text == get(Label) {
        String::new()
    } else {
        text.to_string()
    };
    let mut guidance = vec![get(Guidance).to_string()];
    guidance.append(&mut extra);
    for (c, header) in t.extra_cols() {
        let v = cell_text(view, r, Some(c));
        if !v.is_empty() && c != resp && Some(c) != t.comment && !t.assessor.contains(&c) {
            guidance.push(format!("{}: {v}", clip(first_line(header), 60)));
        }
    }
    let item = question_item(view, t, r, (r, resp), label, text, join(&guidance), found);
    found.items.push(item);
}

/// A row of a guidance table (Architecture): read, acknowledged, with notes where the table has
/// a notes column. The workbook has no cell for the acknowledgement itself.
fn guidance_row(view: &View<'_>, t: &mut Table, r: u32, texts: &[(u32, &str)], found: &mut Found) {
    if texts.len() == 1 && t.comment.is_none_or(|c| c != texts[0].0) {
        push_heading(view, t, r, texts, found);
        return;
    }
    use ColumnField::*;
    let get = |f: ColumnField| cell_text(view, r, t.col(f));
    let mut extra = Vec::new();
    let body = if get(Guidance).is_empty() {
        get(Text)
    } else {
        get(Guidance)
    };
    let label = if get(Label).is_empty() {
        clip(first_line(body), 80)
    } else {
        split_label(get(Label), &mut extra)
    };
    if label.is_empty() {
        return;
    }
    let comment = t
        .comment
        .filter(|&c| !view.is_continuation(r, c))
        .map(|c| cell_ref(r, c));
    found.items.push(FoundItem {
        label,
        text: body.to_string(),
        guidance: join(&extra),
        required: true,
        kind: ItemKind::Guidance {
            acknowledge: true,
            heading: false,
        },
        cells: ItemCells {
            comment,
            ..ItemCells::default()
        },
    });
}

// ---- Forms -------------------------------------------------------------------------------

enum FormRow<'w> {
    Blank,
    Heading {
        label: &'w str,
        comment_col: Option<u32>,
    },
    /// An option of a choice spread over rows: its text, and the cell marked when chosen.
    Option {
        option: &'w str,
        answer: (u32, u32),
    },
    Question {
        response: (u32, u32),
    },
    /// Text, but nothing to answer (an instruction, a formula, an example).
    Info,
}

fn guidance_col(t: &Table) -> Option<u32> {
    t.col(ColumnField::Guidance)
}

/// A form row's guidance: the guidance column's text, unless that cell is a dropdown or a
/// prompt (some rows put their response in the guidance column).
fn guidance_text<'w>(view: &View<'w>, t: &Table, r: u32) -> &'w str {
    let Some(c) = guidance_col(t) else {
        return "";
    };
    let text = cell_text(view, r, Some(c));
    if is_blankish(text) || view.has_validation(r, c) {
        ""
    } else {
        text
    }
}

fn form_row<'w>(view: &View<'w>, t: &Table, r: u32) -> FormRow<'w> {
    let texts = view.row_texts(r);
    if texts.is_empty() {
        return FormRow::Blank;
    }
    let Some(rc) = t.response else {
        return FormRow::Info;
    };
    let last = t.response_end + 1;
    let dropdown_at = |c: u32| {
        !view.is_continuation(r, c)
            && matches!(
                view.list_at(r, c),
                Some(ListAt::Options(_) | ListAt::Unresolved(_) | ListAt::Other(_))
            )
    };
    let comment_header = texts.iter().copied().find(|&(c, t2)| {
        c > t.label_col
            && first_line(t2).chars().count() <= 60
            && !view.has_validation(r, c)
            && header_word(t2) == Some(HeaderWord::Field(ColumnField::Comment))
    });
    let others: Vec<(u32, &str)> = texts
        .iter()
        .copied()
        .filter(|&(c, _)| Some(c) != comment_header.map(|h| h.0))
        .collect();
    let any_dropdown = (t.label_col + 1..=last).any(dropdown_at);
    if others.len() == 1 && !any_dropdown {
        let (c, text) = others[0];
        let merged_across = view.end_col(r, c) > c;
        let shouting =
            text.chars().any(char::is_alphabetic) && !text.chars().any(char::is_lowercase);
        if c <= guidance_col(t).unwrap_or(rc)
            && (merged_across || comment_header.is_some() || shouting)
        {
            return FormRow::Heading {
                label: text,
                comment_col: comment_header.map(|h| h.0),
            };
        }
    }
    if !view.is_continuation(r, rc) {
        let here = view.text(r, rc);
        // "Example API or capability (select 'Yes' in column D against each element)": a
        // column header inside the form, telling the supplier how to answer the rows below.
        if here.chars().count() > 40 && normalise(here).contains("select") {
            let label = view.text(r, t.label_col);
            return FormRow::Heading {
                label: if label.is_empty() { here } else { label },
                comment_col: None,
            };
        }
        if !here.is_empty()
            && !view.is_formula(r, rc)
            && !is_blankish(here)
            && view.list_at(r, rc).is_none()
        {
            let next = view.end_col(r, rc) + 1;
            if next <= last && next < MAX_COLUMNS {
                let there = view.text(r, next);
                if dropdown_at(next) || (!there.is_empty() && is_blankish(there)) {
                    return FormRow::Option {
                        option: here,
                        answer: (r, next),
                    };
                }
            }
        }
    }
    if let Some(c) = (t.label_col + 1..=last).find(|&c| dropdown_at(c)) {
        return FormRow::Question { response: (r, c) };
    }
    if !view.is_continuation(r, rc) {
        let here = view.text(r, rc);
        if (here.is_empty() || is_blankish(here)) && !view.is_formula(r, rc) {
            return FormRow::Question { response: (r, rc) };
        }
    }
    FormRow::Info
}

/// Reads the group of rows starting at `rows[i]` (a label merged down over several rows is one
/// group) and returns the index of the row after it.
fn form_group(view: &View<'_>, t: &mut Table, rows: &[u32], i: usize, found: &mut Found) -> usize {
    let r = rows[i];
    let first = form_row(view, t, r);
    if let FormRow::Heading { label, comment_col } = first {
        let mut extra = Vec::new();
        let label = split_label(label, &mut extra);
        found
            .items
            .push(heading_item(label, join(&extra), String::new()));
        // A heading starts a new part of the form; its own "Comments" header (or none) says
        // where comments go in that part.
        t.comment = comment_col;
        return i + 1;
    }
    let mut group = vec![r];
    let mut next = i + 1;
    let label_merge = view.merge(r, t.label_col).filter(|m| m.r1 == r && m.r2 > r);
    match label_merge {
        Some(m) => {
            while next < rows.len() && rows[next] <= m.r2 {
                group.push(rows[next]);
                next += 1;
            }
        }
        None if matches!(first, FormRow::Option { .. }) => {
            // Options listed under an unmerged label: the rows below with no label of their own.
            while next < rows.len()
                && rows[next] == group[group.len() - 1] + 1
                && view.text(rows[next], t.label_col).is_empty()
                && matches!(form_row(view, t, rows[next]), FormRow::Option { .. })
            {
                group.push(rows[next]);
                next += 1;
            }
        }
        None => {}
    }
    let kinds: Vec<(u32, FormRow<'_>)> = group.iter().map(|&g| (g, form_row(view, t, g))).collect();
    let mut extra = Vec::new();
    let group_label = split_label(view.text(r, t.label_col), &mut extra);
    let group_guidance = join(&[guidance_text(view, t, r).to_string(), join(&extra)]);
    let answerable: Vec<&(u32, FormRow<'_>)> = kinds
        .iter()
        .filter(|(_, k)| !matches!(k, FormRow::Blank))
        .collect();
    if !answerable.is_empty()
        && answerable
            .iter()
            .all(|(_, k)| matches!(k, FormRow::Option { .. }))
    {
        choice_item(view, &answerable, &group_label, &group_guidance, found);
        return next;
    }
    let short = |s: &str| !s.is_empty() && s.chars().count() <= 60 && !s.contains('\n');
    // Several questions under one label, each with a short name of its own in the guidance
    // column ("Name", "Email address"): those names are the labels.
    let questions: Vec<u32> = kinds
        .iter()
        .filter(|(_, k)| matches!(k, FormRow::Question { .. }))
        .map(|(g, _)| *g)
        .collect();
    let sub_labels =
        questions.len() > 1 && questions.iter().all(|&g| short(guidance_text(view, t, g)));
    for (g, kind) in &kinds {
        let g = *g;
        let row_guidance = guidance_text(view, t, g);
        match kind {
            FormRow::Question { response } => {
                let (label, text) = if sub_labels {
                    (row_guidance.to_string(), group_label.clone())
                } else {
                    (group_label.clone(), row_guidance.to_string())
                };
                let guidance = if g == r { join(&extra) } else { String::new() };
                let label = if label.is_empty() {
                    clip(first_line(&text), 80)
                } else {
                    label
                };
                if label.is_empty() {
                    continue;
                }
                let item = question_item(view, t, g, *response, label, text, guidance, found);
                found.items.push(item);
            }
            FormRow::Option { option, answer } => {
                let label = option.trim().trim_end_matches(':').trim();
                let label = clip(label, LABEL_MAX);
                let item = question_item(
                    view,
                    t,
                    g,
                    *answer,
                    label,
                    String::new(),
                    if g == r {
                        group_guidance.clone()
                    } else {
                        String::new()
                    },
                    found,
                );
                found.items.push(item);
            }
            FormRow::Info | FormRow::Blank | FormRow::Heading { .. } => {}
        }
    }
    next
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site; a struct would only rename them"
)]
fn question_item(
    view: &View<'_>,
    t: &Table,
    r: u32,
    response: (u32, u32),
    label: String,
    text: String,
    guidance: String,
    found: &mut Found,
) -> FoundItem {
    let comment = comment_cell(view, r, t.comment, response.1);
    let words = normalise(&format!("{label} {text}"));
    let kind = match view.list_at(response.0, response.1) {
        Some(ListAt::Options(list)) => {
            let options = answer_options(&list);
            if is_yes_no(&options) {
                ItemKind::YesNo {
                    comment_when_no: comment.is_some(),
                }
            } else if options.is_empty() {
                ItemKind::Text
            } else {
                ItemKind::Choice {
                    options,
                    other: false,
                }
            }
        }
        Some(ListAt::Unresolved(f)) => {
            found.notes.push((
                Some(cell_ref(response.0, response.1)),
                format!(
                    "its dropdown list comes from {f}, which cannot be read; imported as free text"
                ),
            ));
            ItemKind::Text
        }
        Some(ListAt::Other(kind)) if kind == "date" => ItemKind::Date {
            rule: None,
            evidence: None,
        },
        _ => {
            let cell = view.text(response.0, response.1);
            let n = normalise(&label);
            if n.contains("email") || n.contains("e-mail") {
                ItemKind::Email
            } else if n.contains("ods code") {
                ItemKind::OdsCode
            } else if n.contains("version") {
                ItemKind::Version
            } else if n.contains("date") || (is_blankish(cell) && cell.contains('/')) {
                ItemKind::Date {
                    rule: None,
                    evidence: None,
                }
            } else if words.contains("describe") || words.contains("explain") {
                ItemKind::LongText
            } else {
                ItemKind::Text
            }
        }
    };
    FoundItem {
        label,
        text,
        guidance,
        required: true,
        kind,
        cells: ItemCells {
            response: Some(cell_ref(response.0, response.1)),
            comment,
            ..ItemCells::default()
        },
    }
}

fn choice_item(
    view: &View<'_>,
    rows: &[&(u32, FormRow<'_>)],
    label: &str,
    guidance: &str,
    found: &mut Found,
) {
    let mut options: Vec<String> = Vec::new();
    let mut cells: Vec<OptionCell> = Vec::new();
    let mut other: Option<String> = None;
    let mut list: Option<Vec<String>> = None;
    for (_, row) in rows {
        let FormRow::Option { option, answer } = row else {
            continue;
        };
        let clean = option.trim().trim_end_matches(':').trim();
        let dropdown = view.list_at(answer.0, answer.1);
        if normalise(clean).starts_with("other") && !matches!(dropdown, Some(ListAt::Options(_))) {
            other = Some(cell_ref(answer.0, answer.1));
            continue;
        }
        if list.is_none() {
            if let Some(ListAt::Options(l)) = &dropdown {
                list = Some(answer_options(l));
            }
        }
        let mut name = clip(clean, LABEL_MAX);
        let mut n = 2;
        while options
            .iter()
            .any(|o| o.to_lowercase() == name.to_lowercase())
        {
            name = format!("{} ({n})", clip(clean, LABEL_MAX));
            n += 1;
        }
        options.push(name.clone());
        cells.push(OptionCell {
            option: name,
            cell: cell_ref(answer.0, answer.1),
        });
    }
    if options.is_empty() {
        // Only an "Other, please state" row: a text question.
        if let Some(cell) = other {
            found.items.push(FoundItem {
                label: if label.is_empty() {
                    "Other".to_string()
                } else {
                    label.to_string()
                },
                text: guidance.to_string(),
                guidance: String::new(),
                required: true,
                kind: ItemKind::Text,
                cells: ItemCells {
                    response: Some(cell),
                    ..ItemCells::default()
                },
            });
        }
        return;
    }
    let list = list.unwrap_or_default();
    // "Indicate whether ..." over Yes/No option rows: each row is its own question (an
    // approval held or not, both may be), not a choice of one option.
    if is_yes_no(&list) && asks_whether(&format!("{label} {guidance}")) {
        let label = first_line(label);
        for c in cells {
            let option = c.option.trim().to_string();
            found.items.push(FoundItem {
                label: if label.is_empty() {
                    option
                } else {
                    format!("{label}: {option}")
                },
                text: guidance.to_string(),
                guidance: String::new(),
                required: true,
                kind: ItemKind::YesNo {
                    comment_when_no: false,
                },
                cells: ItemCells {
                    response: Some(c.cell),
                    ..ItemCells::default()
                },
            });
        }
        if let Some(cell) = other {
            found.items.push(FoundItem {
                label: format!("{label}: other"),
                text: String::new(),
                guidance: String::new(),
                required: false,
                kind: ItemKind::Text,
                cells: ItemCells {
                    response: Some(cell),
                    ..ItemCells::default()
                },
            });
        }
        return;
    }
    let mark = list
        .iter()
        .find(|o| o.eq_ignore_ascii_case("yes"))
        .or_else(|| list.first())
        .cloned()
        .unwrap_or_else(|| "Yes".to_string());
    let unmark = list.iter().find(|o| o.eq_ignore_ascii_case("no")).cloned();
    let multi = says_multiple(&format!("{label} {guidance}")) || list.len() == 1;
    let has_other = other.is_some();
    let kind = if multi {
        ItemKind::MultiChoice {
            options,
            other: has_other,
        }
    } else {
        ItemKind::Choice {
            options,
            other: has_other,
        }
    };
    let label = if label.is_empty() {
        "Choice".to_string()
    } else {
        label.to_string()
    };
    found.items.push(FoundItem {
        label,
        text: String::new(),
        guidance: guidance.to_string(),
        required: true,
        kind,
        cells: ItemCells {
            options: cells,
            mark: Some(mark),
            unmark,
            other,
            ..ItemCells::default()
        },
    });
}
