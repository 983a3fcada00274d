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

/// Collapses every run of whitespace containing a line break into one space.
pub fn one_line(s: &str) -> String {
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
}
