//! An Excel Table (`xl/tables/tableN.xml`) grown to take the columns a fill adds just right of
//! it: its `ref` and its `<autoFilter ref>` widened, one `<tableColumn>` appended per added
//! column (a fresh id, a name unique within the table), `count` corrected. Every other byte of
//! the part is kept as it was.

use quick_xml::events::Event;
use scal_core::template::cell_ref;

use crate::ooxml::Range;
use crate::xml::{self, XmlError};

/// What [`grow_table`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Grown {
    pub xml: String,
    /// The table's name (`displayName`, else `name`).
    pub name: String,
    /// The names the new columns were given, in order: the headers asked for, each made unique
    /// within the table. The header cells must say the same.
    pub columns: Vec<String>,
}

/// A start tag's span and attributes.
struct Tag {
    start: usize,
    end: usize,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn get(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn tag_of(e: &quick_xml::events::BytesStart<'_>, start: usize, end: usize) -> Tag {
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
    Tag { start, end, attrs }
}

/// Grows the table in `text` by `headers.len()` columns when its header row is row
/// `header_row` (zero-based) and its right edge the column just left of `first_col`
/// (zero-based); `Ok(None)` when the table is elsewhere (or has no header row).
pub(crate) fn grow_table(
    text: &str,
    header_row: u32,
    first_col: u32,
    headers: &[String],
) -> Result<Option<Grown>, String> {
    let mut r = xml::reader(text);
    let mut table: Option<Tag> = None;
    let mut filter: Option<Tag> = None;
    let mut columns_tag: Option<(Tag, bool)> = None;
    let mut columns_close = None;
    let mut prefix = String::new();
    let mut ids: Vec<u64> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut depth = 0usize;
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
                    "table" if table.is_none() => {
                        let name = e.name();
                        let q: &str = name.as_ref();
                        if let Some((p, _)) = q.split_once(':') {
                            prefix = format!("{p}:");
                        }
                        table = Some(tag_of(e, pos, after));
                    }
                    // The table's own filter, not one inside a column or elsewhere.
                    "autoFilter" if depth == 1 && filter.is_none() => {
                        filter = Some(tag_of(e, pos, after));
                    }
                    "tableColumns" if columns_tag.is_none() => {
                        columns_tag = Some((tag_of(e, pos, after), empty));
                    }
                    "tableColumn" => {
                        if let Some(id) = xml::attr(e, "id").and_then(|v| v.parse().ok()) {
                            ids.push(id);
                        }
                        if let Some(name) = xml::attr(e, "name") {
                            names.push(xml::decode_ooxml(&name).into_owned());
                        }
                    }
                    _ => {}
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if e.local_name().as_ref() == "tableColumns" {
                    columns_close = Some(pos);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let table = table.ok_or_else(|| "it has no table element".to_string())?;
    let Some(range) = table.get("ref").and_then(Range::parse) else {
        return Err("its table has no range".to_string());
    };
    let header_rows = table.get("headerRowCount").unwrap_or("1");
    if header_rows == "0" || range.r1 != header_row || range.c2.checked_add(1) != Some(first_col) {
        return Ok(None);
    }
    let (columns_tag, columns_empty) =
        columns_tag.ok_or_else(|| "its table has no tableColumns element".to_string())?;
    let added = u32::try_from(headers.len()).map_err(|e| e.to_string())?;
    let widen = |r: Range| Range {
        c2: r.c2 + added,
        ..r
    };
    let a1 = |r: Range| format!("{}:{}", cell_ref(r.r1, r.c1), cell_ref(r.r2, r.c2));

    // Names unique within the table, as Excel compares them (ignoring case).
    let mut taken: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    let mut columns = Vec::new();
    for h in headers {
        let mut name = h.clone();
        let mut n = 2;
        while taken.contains(&name.to_lowercase()) {
            name = format!("{h}{n}");
            n += 1;
        }
        taken.push(name.to_lowercase());
        columns.push(name);
    }
    let first_id = ids.iter().copied().max().unwrap_or(0) + 1;
    let mut new_columns = String::new();
    for (id, name) in (first_id..).zip(&columns) {
        new_columns.push_str(&format!(
            "<{prefix}tableColumn id=\"{id}\" name=\"{}\"/>",
            xml::escape_attr(name)
        ));
    }

    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let retag = |tag: &Tag, key: &str, value: &str| -> Result<String, String> {
        let old = tag.get(key).unwrap_or_default();
        let body = &text[tag.start..tag.end];
        for q in ['"', '\''] {
            let from = format!(" {key}={q}{}{q}", xml::escape_attr(old));
            let from_raw = format!(" {key}={q}{old}{q}");
            for f in [from, from_raw] {
                if body.contains(&f) {
                    return Ok(body.replacen(&f, &format!(" {key}=\"{value}\""), 1));
                }
            }
        }
        Err(format!("its {key} attribute cannot be rewritten"))
    };
    edits.push((
        table.start,
        table.end,
        retag(&table, "ref", &a1(widen(range)))?,
    ));
    if let Some(f) = &filter {
        if let Some(fr) = f.get("ref").and_then(Range::parse) {
            if fr.c2 == range.c2 {
                edits.push((f.start, f.end, retag(f, "ref", &a1(widen(fr)))?));
            }
        }
    }
    let count = ids.len().max(names.len()) + columns.len();
    let mut tag = if columns_tag.get("count").is_some() {
        retag(&columns_tag, "count", &count.to_string())?
    } else {
        text[columns_tag.start..columns_tag.end].to_string()
    };
    if columns_empty {
        // `<tableColumns/>` (no columns at all): opened, filled and closed.
        let open = tag.trim_end_matches("/>").trim_end().to_string();
        tag = format!("{open}>{new_columns}</{prefix}tableColumns>");
        edits.push((columns_tag.start, columns_tag.end, tag));
    } else {
        let close = columns_close.ok_or_else(|| "its tableColumns is not closed".to_string())?;
        edits.push((columns_tag.start, columns_tag.end, tag));
        edits.push((close, close, new_columns));
    }
    edits.sort_by_key(|e| (e.0, e.1));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for (start, end, with) in edits {
        if start < at {
            return Err("two changes to the table overlap".to_string());
        }
        out.push_str(&text[at..start]);
        out.push_str(&with);
        at = end;
    }
    out.push_str(&text[at..]);
    let name = table
        .get("displayName")
        .or_else(|| table.get("name"))
        .unwrap_or("Table")
        .to_string();
    Ok(Some(Grown {
        xml: out,
        name,
        columns,
    }))
}

#[cfg(test)]
mod tests {
    use super::grow_table;

    const TABLE: &str = r#"<?xml version="1.0"?><table xmlns="m" id="1" name="Table1" displayName="Reqs" ref="A3:J45" totalsRowShown="0"><autoFilter ref="A3:J45"/><sortState ref="A4:J45"><sortCondition ref="A4:A45"/></sortState><tableColumns count="2"><tableColumn id="12" name="Story ID"/><tableColumn id="4" name="response"/></tableColumns><tableStyleInfo name="TableStyleMedium9"/></table>"#;

    #[test]
    fn a_table_ending_just_left_of_the_added_columns_grows_to_take_them() {
        let headers = ["Response".to_string(), "Comment".to_string()];
        let g = grow_table(TABLE, 2, 10, &headers)
            .expect("grows")
            .expect("it is the table");
        assert_eq!(g.name, "Reqs");
        assert_eq!(
            g.columns,
            ["Response2", "Comment"],
            "names unique, ignoring case"
        );
        assert_eq!(
            g.xml,
            r#"<?xml version="1.0"?><table xmlns="m" id="1" name="Table1" displayName="Reqs" ref="A3:L45" totalsRowShown="0"><autoFilter ref="A3:L45"/><sortState ref="A4:J45"><sortCondition ref="A4:A45"/></sortState><tableColumns count="4"><tableColumn id="12" name="Story ID"/><tableColumn id="4" name="response"/><tableColumn id="13" name="Response2"/><tableColumn id="14" name="Comment"/></tableColumns><tableStyleInfo name="TableStyleMedium9"/></table>"#
        );
    }

    #[test]
    fn a_table_elsewhere_is_left_alone() {
        let headers = ["Response".to_string()];
        // Header row elsewhere, right edge elsewhere.
        assert_eq!(grow_table(TABLE, 0, 10, &headers), Ok(None));
        assert_eq!(grow_table(TABLE, 2, 11, &headers), Ok(None));
    }
}
