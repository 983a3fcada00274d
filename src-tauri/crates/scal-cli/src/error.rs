//! The one kind of failure the CLI reports: a sentence for stderr, and exit status 2.

use std::fmt;
use std::path::Path;

/// A failure to report to the user. Its message is one sentence naming what went wrong (the
/// file, the item) and, where it helps, what to do; `main` prints it as `scal: error: ...`.
#[derive(Debug)]
pub struct CliError(String);

pub type CliResult<T> = Result<T, CliError>;

impl CliError {
    pub fn new(message: impl Into<String>) -> Self {
        CliError(message.into())
    }

    /// An error that happened while working on `path`, prefixed with that path.
    pub fn at(path: &Path, message: impl fmt::Display) -> Self {
        CliError(format!("{}: {message}", path.display()))
    }

    /// The message as one line: a stray newline inside a library's message must not break
    /// the one-line contract that scripts rely on.
    pub fn one_line(&self) -> String {
        one_line(&self.0)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Collapses every run of whitespace containing a line break into one space, and shows any
/// other control character as an escape (see `printable`).
pub fn one_line(s: &str) -> String {
    printable(&collapse_lines(s)).into_owned()
}

/// Text for a terminal: control characters other than line feed and tab, and bidi controls,
/// are shown as `\u{1B}` escapes. A draft or answers file from someone else may hold them, and
/// printed raw they would drive the reader's terminal (move the cursor, rewrite the title, hide
/// text) or make a name read as another (`x\u{202E}txt.exe` shows as "xexe.txt").
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe_for_terminal) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe_for_terminal(c) {
            out.push_str(&format!("\\u{{{:X}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `c` is escaped by `printable`: a control character other than line feed and tab,
/// or a bidi control.
pub fn is_unsafe_for_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || scal_core::text::is_bidi_control(c)
}

fn collapse_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_messages_become_one_line() {
        assert_eq!(
            one_line("first\n  second\r\n\nthird "),
            "first second third"
        );
        assert_eq!(one_line("just one"), "just one");
    }

    #[test]
    fn control_characters_are_shown_not_sent_to_the_terminal() {
        assert_eq!(
            one_line("\"Y\u{1b}[2Jes\" is not\u{7} a response"),
            "\"Y\\u{1B}[2Jes\" is not\\u{7} a response"
        );
        assert_eq!(printable("tab\tand\nline"), "tab\tand\nline");
        assert_eq!(
            printable("nul\0 del\u{7f} csi\u{9b}"),
            "nul\\u{0} del\\u{7F} csi\\u{9B}"
        );
    }

    #[test]
    fn bidi_controls_are_shown_not_obeyed() {
        assert_eq!(printable("x\u{202E}txt.exe"), "x\\u{202E}txt.exe");
        assert_eq!(
            one_line("\u{2066}a\u{2069}\u{200E}\u{200F}\u{061C}\u{202A}b"),
            "\\u{2066}a\\u{2069}\\u{200E}\\u{200F}\\u{61C}\\u{202A}b"
        );
        // Other format characters (a zero-width joiner in an emoji) are left alone.
        assert_eq!(printable("👩\u{200D}💻"), "👩\u{200D}💻");
    }
}
