//! Names that must survive other programs: Excel sheet names and the file names evidence gets
//! inside the pack (and so on the disk of whoever unzips it).

use std::collections::HashSet;

use scal_core::text::is_bidi_control;

/// Excel's limit on a sheet name, in UTF-16 units.
pub const SHEET_NAME_MAX: usize = 31;

/// The longest evidence file name written into a pack, in characters (the extension is kept).
const FILE_NAME_MAX: usize = 120;

/// Hands out sheet names Excel accepts: at most 31 characters, none of `[]:*?/\`, not starting
/// or ending with an apostrophe, not the reserved "History", unique regardless of letter case;
/// control characters become spaces and bidi controls are dropped (a sheet name must not read
/// differently from what it is).
#[derive(Debug, Default)]
pub struct SheetNames {
    taken: HashSet<String>,
}

impl SheetNames {
    /// The name to use for a sheet wanted as `wanted`, and whether it had to change.
    pub fn claim(&mut self, wanted: &str) -> (String, bool) {
        let mut base: String = wanted
            .chars()
            .filter(|c| !is_bidi_control(*c))
            .map(|c| match c {
                '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '-',
                c if c.is_control() => ' ',
                c => c,
            })
            .collect();
        base = collapse_spaces(&base);
        let trimmed = base.trim_matches(|c: char| c == '\'' || c.is_whitespace());
        base = if trimmed.is_empty() {
            "Sheet".to_string()
        } else {
            trimmed.to_string()
        };
        if base.eq_ignore_ascii_case("History") {
            base.push_str(" (section)");
        }
        let mut n = 1;
        loop {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!(" ({n})")
            };
            let room = SHEET_NAME_MAX - suffix.encode_utf16().count();
            let candidate = format!("{}{suffix}", truncate_utf16(&base, room).trim_end());
            if self.taken.insert(candidate.to_lowercase()) {
                let changed = candidate != wanted;
                return (candidate, changed);
            }
            n += 1;
        }
    }
}

/// Hands out evidence file names that are safe to unzip anywhere: a bare name (no folders, no
/// drive, no `..`), no control characters or bidi controls, no characters Windows forbids, not a Windows device
/// name, not hidden, of bounded length, and unique regardless of letter case.
#[derive(Debug, Default)]
pub struct EvidenceNames {
    taken: HashSet<String>,
}

impl EvidenceNames {
    pub fn claim(&mut self, given: &str) -> String {
        let safe = safe_file_name(given);
        let (stem, ext) = split_extension(&safe);
        let mut n = 1;
        loop {
            let name = if n == 1 {
                safe.clone()
            } else {
                format!("{stem} ({n}){ext}")
            };
            if self.taken.insert(name.to_lowercase()) {
                return name;
            }
            n += 1;
        }
    }
}

/// One file name component that cannot climb out of the folder it is written to.
pub fn safe_file_name(given: &str) -> String {
    // Only the last component counts: `../../x`, `/etc/x` and `C:\x` all become `x`.
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !scal_core::text::is_control_or_bidi(*c))
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c => c,
        })
        .collect();
    let cleaned = collapse_spaces(&cleaned);
    // Leading dots would hide the file (and `..` must never survive); trailing dots and spaces
    // are silently dropped by Windows, which would make two names collide.
    let cleaned = cleaned
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' '])
        .to_string();
    let mut name = if cleaned.is_empty() {
        "evidence".to_string()
    } else {
        cleaned
    };
    let (stem, _) = split_extension(&name);
    let device = stem
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let reserved = matches!(device.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (device.len() == 4
            && (device.starts_with("COM") || device.starts_with("LPT"))
            && device.as_bytes()[3].is_ascii_digit());
    if reserved {
        name.insert(0, '_');
    }
    if name.chars().count() > FILE_NAME_MAX {
        let (stem, ext) = split_extension(&name);
        let ext = if ext.chars().count() > 16 { "" } else { ext };
        let keep = FILE_NAME_MAX - ext.chars().count();
        name = format!(
            "{}{ext}",
            stem.chars().take(keep).collect::<String>().trim_end()
        );
    }
    name
}

/// `report.final.pdf` → (`report.final`, `.pdf`); no extension → (name, "").
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 && i < name.len() - 1 => (&name[..i], &name[i..]),
        _ => (name, ""),
    }
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.chars() {
        let space = c.is_whitespace();
        if !(space && last_space) {
            out.push(if space { ' ' } else { c });
        }
        last_space = space;
    }
    out
}

/// The longest prefix of `s` that fits in `max` UTF-16 units, never splitting a character.
pub fn truncate_utf16(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &s[..i];
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_for_excel_and_unique() {
        let mut names = SheetNames::default();
        let cases = [
            (
                "Supplier & Product information",
                "Supplier & Product information",
                false,
            ),
            (
                "GP Connect: Appointment Management v1.2.7 [draft]",
                "GP Connect- Appointment Managem",
                true,
            ),
            ("a/b\\c?d*e", "a-b-c-d-e", true),
            ("'quoted'", "quoted", true),
            ("history", "history (section)", true),
            ("", "Sheet", true),
            (
                "Service \u{202E}golatac\u{202C} tab",
                "Service golatac tab",
                true,
            ),
            ("\u{202E}\u{2066}", "Sheet (2)", true),
            (
                "Supplier & Product information",
                "Supplier & Product informat (2)",
                true,
            ),
            (
                "SUPPLIER & PRODUCT INFORMATION",
                "SUPPLIER & PRODUCT INFORMAT (3)",
                true,
            ),
        ];
        for (wanted, expected, changed) in cases {
            let (got, did_change) = names.claim(wanted);
            assert!(
                got.encode_utf16().count() <= SHEET_NAME_MAX,
                "{got} is too long"
            );
            assert_eq!(got, expected);
            assert_eq!(did_change, changed, "{wanted}");
        }
    }

    #[test]
    fn hostile_evidence_names_cannot_leave_the_evidence_folder() {
        let cases = [
            ("../../etc/passwd", "passwd"),
            ("..\\..\\Windows\\system.ini", "system.ini"),
            ("/absolute/report.pdf", "report.pdf"),
            ("C:\\Users\\me\\report.pdf", "report.pdf"),
            ("..", "evidence"),
            ("...", "evidence"),
            ("", "evidence"),
            (".hidden", "hidden"),
            ("bell\u{7}and\nnewline.txt", "bellandnewline.txt"),
            ("what?<is>*this|\".pdf", "what__is__this__.pdf"),
            ("CON.txt", "_CON.txt"),
            ("lpt1", "_lpt1"),
            ("trailing. . ", "trailing"),
            ("Gwasanaeth Iechyd ŵ ŷ.docx", "Gwasanaeth Iechyd ŵ ŷ.docx"),
            // Shown as "xexe.txt" with its bidi override; packed as what it is.
            ("x\u{202E}txt.exe", "xtxt.exe"),
            ("\u{2067}report\u{2069}\u{200F}.pdf\u{061C}", "report.pdf"),
            ("\u{202E}", "evidence"),
        ];
        for (given, expected) in cases {
            assert_eq!(safe_file_name(given), expected, "for {given:?}");
        }
        let long = format!("{}.pdf", "x".repeat(400));
        let safe = safe_file_name(&long);
        assert!(safe.ends_with(".pdf") && safe.chars().count() == FILE_NAME_MAX);
    }

    #[test]
    fn evidence_names_are_unique_ignoring_case() {
        let mut names = EvidenceNames::default();
        assert_eq!(names.claim("report.pdf"), "report.pdf");
        assert_eq!(names.claim("Report.PDF"), "Report (2).PDF");
        assert_eq!(names.claim("a/report.pdf"), "report (3).pdf");
        assert_eq!(names.claim("README"), "README");
        assert_eq!(names.claim("readme"), "readme (2)");
    }

    #[test]
    fn utf16_truncation_never_splits_a_character() {
        assert_eq!(truncate_utf16("ab😀c", 3), "ab");
        assert_eq!(truncate_utf16("ab😀c", 4), "ab😀");
        assert_eq!(truncate_utf16("abc", 10), "abc");
    }
}
