//! XML reading and writing shared by the importer and the filler.
//!
//! quick-xml never expands entities it was not told about, so a "billion laughs" document
//! cannot grow in memory; on top of that a DTD is refused outright (no workbook part has one),
//! and only the five predefined entities and character references are resolved.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Why a part could not be read as XML.
#[derive(Debug)]
pub(crate) enum XmlError {
    Dtd,
    Malformed(String),
}

pub(crate) fn reader(text: &str) -> Reader<&[u8]> {
    let mut r = Reader::from_str(text);
    // Whitespace is content here (a cell may hold "  "), and the filler splices by byte
    // position, which needs every byte accounted for by some event.
    r.config_mut().trim_text(false);
    r
}

/// The next event; a DTD is an error.
pub(crate) fn next<'a>(r: &mut Reader<&'a [u8]>) -> Result<Event<'a>, XmlError> {
    match r.read_event() {
        Ok(Event::DocType(_)) => Err(XmlError::Dtd),
        Ok(ev) => Ok(ev),
        Err(e) => Err(XmlError::Malformed(format!(
            "{} at byte {}",
            crate::words::clip(&e.to_string(), 160),
            r.error_position()
        ))),
    }
}

/// Appends the character data of a text-bearing event to `buf`. Entity references other than
/// the five XML ones (and character references) are refused.
pub(crate) fn push_text(ev: &Event<'_>, buf: &mut String) -> Result<(), XmlError> {
    match ev {
        Event::Text(t) => buf.push_str(&t.xml10_content()),
        Event::CData(t) => buf.push_str(&t.xml10_content()),
        Event::GeneralRef(r) => {
            let name: &str = r;
            match name {
                "amp" => buf.push('&'),
                "lt" => buf.push('<'),
                "gt" => buf.push('>'),
                "quot" => buf.push('"'),
                "apos" => buf.push('\''),
                _ => match r.resolve_char_ref() {
                    Ok(Some(c)) => buf.push(c),
                    _ => {
                        return Err(XmlError::Malformed(format!(
                            "the entity &{}; is not defined",
                            crate::words::clip(name, 40)
                        )))
                    }
                },
            }
        }
        _ => {}
    }
    Ok(())
}

/// The value of the attribute whose local name (prefix ignored) is `name`.
pub(crate) fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(Cow::into_owned)
        })
}

pub(crate) fn local(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_string()
}

/// Decodes the OOXML escape `_xHHHH_` (how a workbook stores control characters) in text.
pub(crate) fn decode_ooxml(s: &str) -> Cow<'_, str> {
    if !s.contains("_x") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("_x") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let hex = tail.get(2..6);
        let closed = tail.as_bytes().get(6) == Some(&b'_');
        match hex
            .filter(|h| closed && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
        {
            Some(c) => {
                out.push(c);
                rest = &tail[7..];
            }
            None => {
                out.push_str("_x");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Escapes text for element content in a workbook part: the XML specials, characters XML 1.0
/// forbids (as `_xHHHH_`, Excel's own escape), and a literal `_xHHHH_` so it reads back as typed.
pub(crate) fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for (i, c) in s.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("_x{:04X}_", c as u32));
            }
            '_' if looks_like_escape(&s[i..]) => out.push_str("_x005F_"),
            c => out.push(c),
        }
    }
    out
}

fn looks_like_escape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 7 && b[1] == b'x' && b[2..6].iter().all(u8::is_ascii_hexdigit) && b[6] == b'_'
}

/// Escapes an attribute value (double-quoted).
pub(crate) fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_read_back_as_typed() {
        for s in [
            "plain",
            "a & b < c > d",
            "line\nbreak\ttab",
            "bell\u{7}",
            "_x0041_ literal",
            "snake_case_x",
            "\r",
        ] {
            let escaped = escape_text(s);
            let xml = format!("<t>{escaped}</t>");
            let mut r = reader(&xml);
            let mut got = String::new();
            loop {
                match next(&mut r).expect("well-formed") {
                    Event::Eof => break,
                    ev => push_text(&ev, &mut got).expect("known entities"),
                }
            }
            assert_eq!(decode_ooxml(&got), s, "{escaped}");
        }
    }

    #[test]
    fn a_dtd_and_unknown_entities_are_refused() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><t>&lol2;</t>";
        let mut r = reader(bomb);
        let mut saw_dtd = false;
        loop {
            match next(&mut r) {
                Err(XmlError::Dtd) => {
                    saw_dtd = true;
                    break;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
        assert!(saw_dtd, "a DTD must be refused");
        let mut r = reader("<t>&lol2;</t>");
        let mut buf = String::new();
        let mut refused = false;
        loop {
            match next(&mut r) {
                Ok(Event::Eof) => break,
                Ok(ev) => {
                    if push_text(&ev, &mut buf).is_err() {
                        refused = true;
                    }
                }
                Err(_) => {
                    refused = true;
                    break;
                }
            }
        }
        assert!(refused, "an undefined entity must not be taken as text");
    }
}
