//! Judgements about text, files and paths that every crate makes the same way, kept here so
//! they cannot drift apart: which characters may make a name lie (bidi controls), an IO error
//! in plain words, what kind of thing a path is when it is not a regular file, and which path
//! a message should name. All pure: nothing here touches the disk.

use std::path::{Path, PathBuf};

/// The Unicode bidirectional formatting characters (UAX #9): ALM U+061C, LRM U+200E, RLM
/// U+200F, LRE..RLO U+202A-U+202E and LRI..PDI U+2066-U+2069. They are not control characters
/// to `char::is_control` (they are format characters), yet they reorder what a reader sees:
/// `x\u{202E}txt.exe` is shown as "xexe.txt". Wherever a name or text reaches a terminal, a
/// sheet name or a file name, they are dropped or shown escaped, as control characters are.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// A control character or a bidi control: what a name must not carry as it is.
pub fn is_control_or_bidi(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Text without a leading UTF-8 byte-order mark (U+FEFF), which Windows editors put at the
/// start of files they save and which no JSON parser takes.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{FEFF}').unwrap_or(text)
}

/// An IO error as the end of a sentence ("x cannot be read: it does not exist"): the operating
/// system's errors in plain words by kind, never with Rust's " (os error N)". An error made by
/// this program (no OS code) keeps its own words, which already say what happened.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if e.raw_os_error().is_none() {
        return strip_os_error(&e.to_string());
    }
    let words = match e.kind() {
        K::NotFound => "it does not exist",
        K::PermissionDenied => "permission denied",
        K::AlreadyExists => "it already exists",
        K::StorageFull | K::QuotaExceeded => "the disk is full",
        K::ReadOnlyFilesystem => "the disk is read-only",
        K::InvalidInput => "the name or path is not valid here",
        K::IsADirectory => "it is a folder",
        K::NotADirectory => "a part of its path is not a folder",
        K::DirectoryNotEmpty => "the folder is not empty",
        K::FileTooLarge => "it is too large for this disk",
        K::ResourceBusy | K::ExecutableFileBusy => "it is in use",
        K::CrossesDevices => "it is on another disk",
        K::Interrupted => "it was interrupted",
        K::TimedOut => "the disk took too long to answer",
        _ => return strip_os_error(&e.to_string()),
    };
    words.to_string()
}

/// `io_reason` for a file being created or written: a missing file there means a missing
/// folder ("could not create x.scal: its folder does not exist").
pub fn io_write_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound if e.raw_os_error().is_some() => {
            "its folder does not exist".to_string()
        }
        _ => io_reason(e),
    }
}

/// "File name too long (os error 36)" → "file name too long".
fn strip_os_error(text: &str) -> String {
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        // Only a capital followed by a lower-case letter: "EOF" and "HTTP" stay as they are.
        Some(first)
            if first.is_ascii_uppercase() && chars.next().is_some_and(|c| c.is_lowercase()) =>
        {
            format!(
                "{}{}",
                first.to_ascii_lowercase(),
                &text[first.len_utf8()..]
            )
        }
        _ => text.to_string(),
    }
}

/// What a path is when it is not a regular file, in words ("a named pipe"), or `None` for a
/// regular file. Reading a named pipe, a socket or a device would wait for a writer forever
/// (or read without end), so only regular files are ever opened for reading.
pub fn not_a_regular_file(file_type: &std::fs::FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return Some("a named pipe");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return Some("a device");
        }
    }
    Some("neither a file nor a folder")
}

/// The refusal of a path that is not a regular file, as one sentence: "f is not a regular file
/// (it is a named pipe): give the path of a .scal draft". `kind` is from `not_a_regular_file`,
/// `wanted` says what should have been given ("a .scal draft").
pub fn not_a_regular_file_sentence(path: &Path, kind: &str, wanted: &str) -> String {
    format!(
        "{} is not a regular file (it is {kind}): give the path of {wanted}",
        path.display()
    )
}

/// The path a message should name for `path`: the one the user gave, not a hidden working name
/// beside it. `.NAME.<hex>.SUFFIX` (a file being created or written whole, `scal_store::fsutil`)
/// becomes `NAME`, and a file in a hidden `.scal-export-….partial` folder (an export being
/// built) becomes the same name beside that folder, where it is about to be moved.
pub fn user_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        let std::path::Component::Normal(name) = part else {
            out.push(part);
            continue;
        };
        let name = name.to_string_lossy();
        if name.starts_with(".scal-export-") && name.ends_with(".partial") {
            continue;
        }
        match hidden_working_name(&name) {
            Some(given) => out.push(given),
            None => out.push(part),
        }
    }
    out
}

/// `.acme.scal.0f3a….creating` → `acme.scal`.
fn hidden_working_name(name: &str) -> Option<&str> {
    let inner = name.strip_prefix('.')?;
    let (rest, suffix) = inner.rsplit_once('.')?;
    let (given, nonce) = rest.rsplit_once('.')?;
    let hex = nonce.len() >= 8 && nonce.chars().all(|c| c.is_ascii_hexdigit());
    let ours = matches!(suffix, "creating" | "partial" | "extracting");
    (hex && ours && !given.is_empty()).then_some(given)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    #[test]
    fn every_bidi_control_is_recognised_and_nothing_else() {
        let bidi = [
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
            '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ];
        for c in bidi {
            assert!(is_bidi_control(c), "{:X}", u32::from(c));
            assert!(is_control_or_bidi(c));
        }
        for c in [
            'a', 'ŵ', 'ا', '\u{200D}', '\u{2029}', '\u{2065}', '\u{206A}', ' ',
        ] {
            assert!(!is_bidi_control(c), "{:X}", u32::from(c));
        }
        assert!(is_control_or_bidi('\u{1b}'));
    }

    #[test]
    fn a_byte_order_mark_is_dropped_only_at_the_start() {
        assert_eq!(without_bom("\u{FEFF}{}"), "{}");
        assert_eq!(without_bom("{}"), "{}");
        assert_eq!(without_bom("{\u{FEFF}}"), "{\u{FEFF}}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn os_errors_are_plain_words_without_their_number() {
        let cases = [
            (2, "it does not exist"),
            (13, "permission denied"),
            (17, "it already exists"),
            (22, "the name or path is not valid here"),
            (28, "the disk is full"),
            (21, "it is a folder"),
            (36, "file name too long"),
        ];
        for (code, words) in cases {
            assert_eq!(io_reason(&Error::from_raw_os_error(code)), words);
        }
        for code in 1..140 {
            let text = io_reason(&Error::from_raw_os_error(code));
            assert!(!text.contains("os error"), "{code}: {text}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_missing_file_to_write_is_a_missing_folder() {
        assert_eq!(
            io_write_reason(&Error::from_raw_os_error(2)),
            "its folder does not exist"
        );
        assert_eq!(
            io_write_reason(&Error::from_raw_os_error(28)),
            "the disk is full"
        );
    }

    #[test]
    fn errors_this_program_made_keep_their_words() {
        let ours = Error::new(ErrorKind::PermissionDenied, "its folder is read-only");
        assert_eq!(io_reason(&ours), "its folder is read-only");
    }

    #[test]
    fn hidden_working_names_give_way_to_the_users_name() {
        let cases = [
            (
                "/d/.acme.scal.0123456789abcdef0123456789abcdef.creating",
                "/d/acme.scal",
            ),
            ("/d/.t.json.0123456789abcdef.partial", "/d/t.json"),
            (
                "/out/.scal-export-0123456789abcdef-fedcba98.partial/acme.xlsx",
                "/out/acme.xlsx",
            ),
            ("/d/.hidden.scal", "/d/.hidden.scal"),
            ("/d/.a.b.notours.creating", "/d/.a.b.notours.creating"),
            ("rel/acme.scal", "rel/acme.scal"),
        ];
        for (given, want) in cases {
            assert_eq!(user_path(Path::new(given)), PathBuf::from(want), "{given}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_is_named_and_a_file_is_not() {
        let here = std::env::temp_dir();
        let dir = std::fs::metadata(&here).unwrap().file_type();
        assert_eq!(not_a_regular_file(&dir), Some("a folder"));
        let dev = std::fs::metadata("/dev/null").unwrap().file_type();
        assert_eq!(not_a_regular_file(&dev), Some("a device"));
    }
}
