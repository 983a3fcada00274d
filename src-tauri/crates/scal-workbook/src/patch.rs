//! Patching a worksheet's XML in place: the answer cells are replaced (or inserted, row and all,
//! where the workbook has none yet) and every other byte of the part is kept as it was —
//! styles, formulas, data validations, conditional formats, drawings, extLst.
//!
//! The part is scanned once with quick-xml for the byte spans of `<row>` and `<c>` elements;
//! the output is the input with those few spans spliced.

use std::collections::BTreeMap;

use quick_xml::events::{BytesStart, Event};
use scal_core::template::cell_ref;

use crate::ooxml::Range;
use crate::xml::{self, XmlError};

/// How a new cell value is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stored {
    /// An index into the shared strings (`t="s"`).
    Shared(usize),
    /// An inline string (`t="inlineStr"`), for a workbook without a shared strings part.
    Inline(String),
}

#[derive(Debug, Default)]
pub(crate) struct Patched {
    pub xml: String,
    /// New references to shared strings, less those the replaced cells held.
    pub shared_refs_delta: i64,
    /// Cells left alone because they hold a formula, zero-based (row, column).
    pub formula_cells: Vec<(u32, u32)>,
}

#[derive(Debug)]
struct CellSpan {
    col: u32,
    start: usize,
    end: usize,
    style: Option<String>,
    shared: bool,
    formula: bool,
    /// It holds something: a value, an inline string or a formula.
    filled: bool,
}

#[derive(Debug)]
struct RowSpan {
    row: u32,
    start: usize,
    /// End of the start tag (for `<row/>`, of the whole element).
    tag_end: usize,
    /// Start of `</row>`; `None` for `<row/>`.
    close: Option<usize>,
    attrs: String,
    style: Option<String>,
    spans: Option<String>,
    cells: Vec<CellSpan>,
}

#[derive(Debug, Default)]
struct Layout {
    rows: Vec<RowSpan>,
    /// Where `</sheetData>` starts, or the span of `<sheetData/>`.
    data_close: Option<usize>,
    data_empty: Option<(usize, usize, String)>,
    /// `<dimension ref=…/>`: its span and range.
    dimension: Option<(usize, usize, String)>,
    /// Column styles from `<cols>`: (first, last, style), zero-based.
    col_styles: Vec<(u32, u32, String)>,
    /// The namespace prefix the sheet's elements use (`x:` in some generators), if any.
    prefix: String,
}

fn scan(text: &str) -> Result<Layout, String> {
    let mut r = xml::reader(text);
    let mut layout = Layout::default();
    let mut in_data = false;
    let mut row: Option<RowSpan> = None;
    let mut cell: Option<CellSpan> = None;
    let mut next_row = 0u32;
    let mut next_col = 0u32;
    loop {
        let pos = usize::try_from(r.buffer_position()).map_err(|e| e.to_string())?;
        let ev = xml::next(&mut r).map_err(|e| match e {
            XmlError::Dtd => "it declares a DTD".to_string(),
            XmlError::Malformed(why) => why,
        })?;
        let after = usize::try_from(r.buffer_position()).map_err(|e| e.to_string())?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                match xml::local(e).as_str() {
                    "sheetData" => {
                        layout.prefix = prefix_of(e);
                        if empty {
                            layout.data_empty = Some((pos, after, e.attributes_raw().to_string()));
                        } else {
                            in_data = true;
                        }
                    }
                    "dimension" => {
                        if let Some(range) = xml::attr(e, "ref") {
                            layout.dimension = Some((pos, after, range));
                        }
                    }
                    "col" => {
                        let num = |k: &str| xml::attr(e, k).and_then(|v| v.parse::<u32>().ok());
                        if let (Some(min), Some(max), Some(style)) =
                            (num("min"), num("max"), xml::attr(e, "style"))
                        {
                            if min >= 1 && max >= min {
                                layout.col_styles.push((min - 1, max - 1, style));
                            }
                        }
                    }
                    "row" if in_data => {
                        let n = xml::attr(e, "r")
                            .and_then(|v| v.parse::<u32>().ok())
                            .filter(|&n| n >= 1)
                            .map_or(next_row, |n| n - 1);
                        next_row = n + 1;
                        next_col = 0;
                        let custom =
                            xml::attr(e, "customFormat").is_some_and(|v| v == "1" || v == "true");
                        let span = RowSpan {
                            row: n,
                            start: pos,
                            tag_end: after,
                            close: None,
                            attrs: e.attributes_raw().to_string(),
                            style: xml::attr(e, "s").filter(|_| custom),
                            spans: xml::attr(e, "spans"),
                            cells: Vec::new(),
                        };
                        if empty {
                            layout.rows.push(span);
                        } else {
                            row = Some(span);
                        }
                    }
                    "c" if row.is_some() => {
                        let col = xml::attr(e, "r")
                            .and_then(|v| scal_core::template::parse_cell_ref(&v))
                            .map_or(next_col, |(_, c)| c);
                        next_col = col + 1;
                        let span = CellSpan {
                            col,
                            start: pos,
                            end: after,
                            style: xml::attr(e, "s"),
                            shared: xml::attr(e, "t").as_deref() == Some("s"),
                            formula: false,
                            filled: false,
                        };
                        if empty {
                            if let Some(row) = row.as_mut() {
                                row.cells.push(span);
                            }
                        } else {
                            cell = Some(span);
                        }
                    }
                    "f" => {
                        if let Some(c) = cell.as_mut() {
                            c.formula = true;
                            c.filled = true;
                        }
                    }
                    "v" | "is" if !empty => {
                        if let Some(c) = cell.as_mut() {
                            c.filled = true;
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "c" => {
                    if let (Some(mut c), Some(row)) = (cell.take(), row.as_mut()) {
                        c.end = after;
                        row.cells.push(c);
                    }
                }
                "row" => {
                    if let Some(mut done) = row.take() {
                        done.close = Some(pos);
                        layout.rows.push(done);
                    }
                }
                "sheetData" => {
                    in_data = false;
                    layout.data_close = Some(pos);
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if layout.data_close.is_none() && layout.data_empty.is_none() {
        return Err("it has no sheetData element".to_string());
    }
    Ok(layout)
}

fn prefix_of(e: &BytesStart<'_>) -> String {
    let name = e.name();
    let q: &str = name.as_ref();
    match q.split_once(':') {
        Some((p, _)) => format!("{p}:"),
        None => String::new(),
    }
}

fn cell_xml(prefix: &str, row: u32, col: u32, style: Option<&str>, value: &Stored) -> String {
    let style = style
        .map(|s| format!(" s=\"{}\"", xml::escape_attr(s)))
        .unwrap_or_default();
    let at = cell_ref(row, col);
    match value {
        Stored::Shared(i) => format!("<{prefix}c r=\"{at}\"{style} t=\"s\"><{prefix}v>{i}</{prefix}v></{prefix}c>"),
        Stored::Inline(text) => format!(
            "<{prefix}c r=\"{at}\"{style} t=\"inlineStr\"><{prefix}is><{prefix}t xml:space=\"preserve\">{}</{prefix}t></{prefix}is></{prefix}c>",
            xml::escape_text(text)
        ),
    }
}

/// Replaces or inserts each cell of `writes` (zero-based (row, column) → value).
#[cfg(test)]
pub(crate) fn patch_sheet(
    text: &str,
    writes: &BTreeMap<(u32, u32), Stored>,
) -> Result<Patched, String> {
    patch_sheet_styled(text, writes, &BTreeMap::new())
}

/// The cells of `cols` (zero-based) at or below row `from_row` that hold something (a value, an
/// inline string or a formula), in row order; cells holding only a style are empty.
pub(crate) fn cells_in_use(
    text: &str,
    cols: &[u32],
    from_row: u32,
) -> Result<Vec<(u32, u32)>, String> {
    let layout = scan(text)?;
    let mut out: Vec<(u32, u32)> = layout
        .rows
        .iter()
        .filter(|r| r.row >= from_row)
        .flat_map(|r| {
            r.cells
                .iter()
                .filter(|c| c.filled && cols.contains(&c.col))
                .map(move |c| (r.row, c.col))
        })
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// The style index (`s`) of the cell at zero-based (row, column), if the cell exists and has one.
pub(crate) fn style_at(text: &str, at: (u32, u32)) -> Result<Option<String>, String> {
    let layout = scan(text)?;
    Ok(layout
        .rows
        .iter()
        .find(|r| r.row == at.0)
        .and_then(|r| r.cells.iter().find(|c| c.col == at.1))
        .and_then(|c| c.style.clone()))
}

/// As [`patch_sheet`], with a style index forced on some of the cells written (the headers of
/// added columns, styled as the header beside them).
pub(crate) fn patch_sheet_styled(
    text: &str,
    writes: &BTreeMap<(u32, u32), Stored>,
    styles: &BTreeMap<(u32, u32), String>,
) -> Result<Patched, String> {
    let layout = scan(text)?;
    let prefix = layout.prefix.clone();
    let col_style = |c: u32| {
        layout
            .col_styles
            .iter()
            .find(|(a, b, _)| (*a..=*b).contains(&c))
            .map(|s| s.2.clone())
    };
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut out = Patched::default();
    let mut by_row: BTreeMap<u32, Vec<(u32, &Stored)>> = BTreeMap::new();
    for (&(r, c), v) in writes {
        by_row.entry(r).or_default().push((c, v));
    }
    let mut new_rows: Vec<(u32, String)> = Vec::new();
    for (r, cells) in &by_row {
        let Some(row) = layout.rows.iter().find(|x| x.row == *r) else {
            let mut xml_cells = String::new();
            for (c, v) in cells {
                let style = styles.get(&(*r, *c)).cloned().or_else(|| col_style(*c));
                xml_cells.push_str(&cell_xml(&prefix, *r, *c, style.as_deref(), v));
                out.shared_refs_delta += i64::from(matches!(v, Stored::Shared(_)));
            }
            new_rows.push((
                *r,
                format!("<{prefix}row r=\"{}\">{xml_cells}</{prefix}row>", r + 1),
            ));
            continue;
        };
        // Cells to insert, grouped by the byte position they go before.
        let mut inserts: BTreeMap<usize, String> = BTreeMap::new();
        for (c, v) in cells {
            let forced = styles.get(&(*r, *c));
            let new_style = |existing: Option<&String>| {
                forced
                    .or(existing)
                    .cloned()
                    .or_else(|| row.style.clone())
                    .or_else(|| col_style(*c))
            };
            match row.cells.iter().find(|x| x.col == *c) {
                Some(old) if old.formula => out.formula_cells.push((*r, *c)),
                Some(old) => {
                    out.shared_refs_delta -= i64::from(old.shared);
                    out.shared_refs_delta += i64::from(matches!(v, Stored::Shared(_)));
                    let style = new_style(old.style.as_ref());
                    edits.push((
                        old.start,
                        old.end,
                        cell_xml(&prefix, *r, *c, style.as_deref(), v),
                    ));
                }
                None => {
                    out.shared_refs_delta += i64::from(matches!(v, Stored::Shared(_)));
                    let style = new_style(None);
                    let xml_cell = cell_xml(&prefix, *r, *c, style.as_deref(), v);
                    let at = row
                        .cells
                        .iter()
                        .find(|x| x.col > *c)
                        .map(|x| x.start)
                        .or(row.close);
                    match at {
                        Some(at) => inserts.entry(at).or_default().push_str(&xml_cell),
                        // `<row …/>`: rebuilt whole below.
                        None => inserts.entry(usize::MAX).or_default().push_str(&xml_cell),
                    }
                }
            }
        }
        let widest = cells.iter().map(|(c, _)| *c + 1);
        let spans = row.spans.as_ref().and_then(|s| widen_spans(s, widest));
        if row.close.is_none() {
            // A self-closed row gains content: `<row attrs/>` → `<row attrs>cells</row>`.
            let attrs = match &spans {
                Some((old, new)) => row.attrs.replacen(old, new, 1),
                None => row.attrs.clone(),
            };
            let body = inserts.remove(&usize::MAX).unwrap_or_default();
            let attrs = attrs.trim_end().trim_end_matches('/').trim_end();
            edits.push((
                row.start,
                row.tag_end,
                format!("<{prefix}row {}>{body}</{prefix}row>", attrs.trim_start()),
            ));
        } else {
            if let Some((old, new)) = &spans {
                let tag = &text[row.start..row.tag_end];
                edits.push((row.start, row.tag_end, tag.replacen(old.as_str(), new, 1)));
            }
            for (at, xml_cells) in inserts {
                edits.push((at, at, xml_cells));
            }
        }
    }
    if !new_rows.is_empty() {
        // New rows go in row order among the existing ones.
        let mut groups: BTreeMap<usize, String> = BTreeMap::new();
        for (r, xml_row) in new_rows {
            let at = layout
                .rows
                .iter()
                .find(|x| x.row > r)
                .map(|x| x.start)
                .or(layout.data_close);
            match at {
                Some(at) => groups.entry(at).or_default().push_str(&xml_row),
                None => groups.entry(usize::MAX).or_default().push_str(&xml_row),
            }
        }
        if let Some(body) = groups.remove(&usize::MAX) {
            if let Some((start, end, attrs)) = &layout.data_empty {
                let attrs = attrs.trim_end().trim_end_matches('/').trim();
                let open = if attrs.is_empty() {
                    format!("<{prefix}sheetData>")
                } else {
                    format!("<{prefix}sheetData {attrs}>")
                };
                edits.push((*start, *end, format!("{open}{body}</{prefix}sheetData>")));
            }
        }
        for (at, body) in groups {
            edits.push((at, at, body));
        }
    }
    if let Some((start, end, range)) = &layout.dimension {
        if let Some(grown) = grown_dimension(range, writes.keys().copied()) {
            let tag = &text[*start..*end];
            edits.push((
                *start,
                *end,
                tag.replacen(&format!("\"{range}\""), &format!("\"{grown}\""), 1),
            ));
        }
    }
    out.xml = splice(text, edits)?;
    Ok(out)
}

/// Applies non-overlapping edits (start, end, replacement); inserts at one position keep the
/// order they were made in.
fn splice(text: &str, mut edits: Vec<(usize, usize, String)>) -> Result<String, String> {
    edits.sort_by_key(|e| (e.0, e.1));
    let mut out =
        String::with_capacity(text.len() + edits.iter().map(|e| e.2.len()).sum::<usize>());
    let mut at = 0;
    for (start, end, with) in edits {
        if start < at || end < start || end > text.len() {
            return Err("two changes to the same cell overlap".to_string());
        }
        out.push_str(&text[at..start]);
        out.push_str(&with);
        at = end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// `spans="1:5"` widened to reach column `widest` (1-based): (old text, new text).
fn widen_spans(spans: &str, widest: impl Iterator<Item = u32>) -> Option<(String, String)> {
    let (a, b) = spans.split_once(':')?;
    let (a, b): (u32, u32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    let mut lo = a;
    let mut hi = b;
    for w in widest {
        lo = lo.min(w);
        hi = hi.max(w);
    }
    ((lo, hi) != (a, b)).then(|| (format!("spans=\"{spans}\""), format!("spans=\"{lo}:{hi}\"")))
}

/// The dimension range grown to hold every written cell, when it does not already.
fn grown_dimension(range: &str, cells: impl Iterator<Item = (u32, u32)>) -> Option<String> {
    let mut d = Range::parse(range)?;
    let before = d;
    for (r, c) in cells {
        d.r1 = d.r1.min(r);
        d.c1 = d.c1.min(c);
        d.r2 = d.r2.max(r);
        d.c2 = d.c2.max(c);
    }
    (d != before).then(|| format!("{}:{}", cell_ref(d.r1, d.c1), cell_ref(d.r2, d.c2)))
}

/// The `<sst>` start tag: its span, whether it is self-closed, its prefix and attributes.
struct SstTag {
    start: usize,
    end: usize,
    empty: bool,
    prefix: String,
    attrs: Vec<(String, String)>,
}

/// Appends strings to the shared strings part and corrects its `count` and `uniqueCount`.
pub(crate) fn patch_shared_strings(
    text: &str,
    new: &[String],
    refs_delta: i64,
) -> Result<String, String> {
    let mut r = xml::reader(text);
    let mut open: Option<SstTag> = None;
    let mut close = None;
    loop {
        let pos = usize::try_from(r.buffer_position()).map_err(|e| e.to_string())?;
        let ev = xml::next(&mut r).map_err(|e| match e {
            XmlError::Dtd => "it declares a DTD".to_string(),
            XmlError::Malformed(why) => why,
        })?;
        let after = usize::try_from(r.buffer_position()).map_err(|e| e.to_string())?;
        match &ev {
            Event::Start(e) | Event::Empty(e) if xml::local(e) == "sst" && open.is_none() => {
                let attrs = e
                    .attributes()
                    .with_checks(false)
                    .flatten()
                    .map(|a| {
                        let key: &str = a.key.as_ref();
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map(|v| v.into_owned())
                            .unwrap_or_default();
                        (key.to_string(), value)
                    })
                    .collect();
                open = Some(SstTag {
                    start: pos,
                    end: after,
                    empty: matches!(ev, Event::Empty(_)),
                    prefix: prefix_of(e),
                    attrs,
                });
            }
            Event::End(e) if e.local_name().as_ref() == "sst" => close = Some(pos),
            Event::Eof => break,
            _ => {}
        }
    }
    let Some(SstTag {
        start,
        end,
        empty,
        prefix,
        attrs,
    }) = open
    else {
        return Err("it has no sst element".to_string());
    };
    let mut tag = format!("<{prefix}sst");
    for (k, v) in &attrs {
        let v = match k.as_str() {
            "count" => v
                .parse::<i64>()
                .map(|n| (n + refs_delta).max(0).to_string())
                .unwrap_or_else(|_| v.clone()),
            "uniqueCount" => v
                .parse::<i64>()
                .map(|n| (n + new.len() as i64).to_string())
                .unwrap_or_else(|_| v.clone()),
            _ => v.clone(),
        };
        tag.push_str(&format!(" {k}=\"{}\"", xml::escape_attr(&v)));
    }
    tag.push('>');
    let mut body = String::new();
    for s in new {
        body.push_str(&format!(
            "<{prefix}si><{prefix}t xml:space=\"preserve\">{}</{prefix}t></{prefix}si>",
            xml::escape_text(s)
        ));
    }
    let edits = if empty {
        vec![(start, end, format!("{tag}{body}</{prefix}sst>"))]
    } else {
        let close = close.ok_or_else(|| "its sst element is not closed".to_string())?;
        vec![(start, end, tag), (close, close, body)]
    };
    splice(text, edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writes(list: &[((u32, u32), Stored)]) -> BTreeMap<(u32, u32), Stored> {
        list.iter().cloned().collect()
    }

    #[test]
    fn only_the_answer_cells_change() {
        let sheet = r#"<worksheet><dimension ref="A1:C3"/><cols><col min="4" max="4" style="9"/></cols><sheetData><row r="1" spans="1:3"><c r="A1" s="1" t="s"><v>0</v></c><c r="C1" s="2" t="s"><v>1</v></c></row><row r="3" spans="1:3" s="7" customFormat="1"><c r="A3"><v>5</v></c></row><row r="4"/></sheetData><dataValidations count="1"><dataValidation type="list" sqref="C1"><formula1>"a,b"</formula1></dataValidation></dataValidations></worksheet>"#;
        let p = patch_sheet(
            sheet,
            &writes(&[
                ((0, 2), Stored::Shared(7)),
                ((0, 1), Stored::Shared(8)),
                ((2, 3), Stored::Inline("x & y".into())),
                ((1, 0), Stored::Shared(9)),
                ((3, 0), Stored::Shared(10)),
                ((5, 3), Stored::Shared(11)),
            ]),
        )
        .expect("patched");
        let want = r#"<worksheet><dimension ref="A1:D6"/><cols><col min="4" max="4" style="9"/></cols><sheetData><row r="1" spans="1:3"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" t="s"><v>8</v></c><c r="C1" s="2" t="s"><v>7</v></c></row><row r="2"><c r="A2" t="s"><v>9</v></c></row><row r="3" spans="1:4" s="7" customFormat="1"><c r="A3"><v>5</v></c><c r="D3" s="7" t="inlineStr"><is><t xml:space="preserve">x &amp; y</t></is></c></row><row r="4"><c r="A4" t="s"><v>10</v></c></row><row r="6"><c r="D6" s="9" t="s"><v>11</v></c></row></sheetData><dataValidations count="1"><dataValidation type="list" sqref="C1"><formula1>"a,b"</formula1></dataValidation></dataValidations></worksheet>"#;
        assert_eq!(p.xml, want);
        // C1 replaced a shared string with one; B1, A2, A4 and D6 are new references.
        assert_eq!(p.shared_refs_delta, 4);
    }

    #[test]
    fn formula_cells_are_left_alone_and_reported() {
        let sheet = r#"<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row></sheetData></worksheet>"#;
        let p = patch_sheet(sheet, &writes(&[((0, 0), Stored::Shared(0))])).expect("patched");
        assert_eq!(p.xml, sheet);
        assert_eq!(p.formula_cells, vec![(0, 0)]);
    }

    #[test]
    fn an_empty_sheet_gets_its_first_row() {
        let sheet = r#"<x:worksheet xmlns:x="ns"><x:sheetData/></x:worksheet>"#;
        let p = patch_sheet(sheet, &writes(&[((1, 1), Stored::Shared(3))])).expect("patched");
        assert_eq!(
            p.xml,
            r#"<x:worksheet xmlns:x="ns"><x:sheetData><x:row r="2"><x:c r="B2" t="s"><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>"#
        );
    }

    #[test]
    fn shared_strings_are_appended_and_counted() {
        let sst = r#"<?xml version="1.0"?><sst xmlns="m" count="10" uniqueCount="2"><si><t>a</t></si><si><t>b</t></si></sst>"#;
        let out = patch_shared_strings(sst, &["new <one>".to_string()], 3).expect("patched");
        assert_eq!(
            out,
            r#"<?xml version="1.0"?><sst xmlns="m" count="13" uniqueCount="3"><si><t>a</t></si><si><t>b</t></si><si><t xml:space="preserve">new &lt;one&gt;</t></si></sst>"#
        );
    }
}
