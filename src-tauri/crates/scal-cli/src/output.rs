//! Text output: everything a command prints goes through `Out`, written in one go at the end,
//! so a closed pipe (`scal show x | head`) is a quiet stop rather than a crash half-way.

use std::fmt::Write as _;
use std::io::{self, Write as _};

/// What a command prints on stdout.
#[derive(Debug, Default)]
pub struct Out {
    text: String,
}

impl Out {
    pub fn line(&mut self, line: impl AsRef<str>) {
        self.text.push_str(line.as_ref());
        self.text.push('\n');
    }

    pub fn blank(&mut self) {
        self.text.push('\n');
    }

    /// Pretty JSON followed by a newline.
    pub fn json<T: serde::Serialize>(&mut self, value: &T) -> crate::error::CliResult<()> {
        let text = serde_json::to_string_pretty(value).map_err(|e| {
            crate::error::CliError::new(format!("could not write JSON output: {e}"))
        })?;
        // serde_json escapes only U+0000..U+001F; DEL and the C1 controls (which terminals
        // also obey) and the bidi controls get JSON escapes here, so the JSON stays exact and
        // `printable` finds nothing to change in it. They can only occur inside strings.
        let escape = |c: char| c > '\u{7e}' && crate::error::is_unsafe_for_terminal(c);
        let text: String = if text.chars().any(escape) {
            text.chars()
                .map(|c| {
                    if escape(c) {
                        format!("\\u{:04x}", u32::from(c))
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        } else {
            text
        };
        self.line(text);
        Ok(())
    }

    pub fn table(&mut self, table: &Table) {
        self.text.push_str(&table.render());
    }

    /// Writes everything to stdout, control characters escaped (`error::printable`). A reader
    /// that went away (closed pipe) is not an error.
    pub fn flush_to_stdout(self) -> io::Result<()> {
        let text = crate::error::printable(&self.text);
        let mut stdout = io::stdout().lock();
        match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }

    #[cfg(test)]
    pub fn text(&self) -> &str {
        &self.text
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A plain text table: columns padded to their widest cell, two spaces apart, no borders.
#[derive(Debug)]
pub struct Table {
    headers: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
    indent: usize,
}

impl Table {
    pub fn new(columns: &[(&str, Align)]) -> Self {
        Table {
            headers: columns.iter().map(|(h, _)| (*h).to_string()).collect(),
            align: columns.iter().map(|(_, a)| *a).collect(),
            rows: Vec::new(),
            indent: 0,
        }
    }

    pub fn indent(mut self, spaces: usize) -> Self {
        self.indent = spaces;
        self
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn render(&self) -> String {
        let n = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(n) {
                widths[i] = widths[i].max(width(cell));
            }
        }
        let mut out = String::new();
        let empty = String::new();
        for row in std::iter::once(&self.headers).chain(&self.rows) {
            let mut line = " ".repeat(self.indent);
            for (i, (width, align)) in widths.iter().zip(&self.align).enumerate() {
                let cell = row.get(i).unwrap_or(&empty);
                let pad = width.saturating_sub(self::width(cell));
                let last = i + 1 == n;
                match align {
                    Align::Left if last => line.push_str(cell),
                    Align::Left => {
                        line.push_str(cell);
                        line.push_str(&" ".repeat(pad));
                    }
                    Align::Right => {
                        line.push_str(&" ".repeat(pad));
                        line.push_str(cell);
                    }
                }
                if !last {
                    line.push_str("  ");
                }
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        out
    }
}

/// Display width, counted in characters: every character we print (letters, box-drawing and
/// block elements) takes one column.
pub fn width(s: &str) -> usize {
    s.chars().count()
}

/// A progress bar `██████░░░░` of `cells` characters for `percent` (0-100).
pub fn bar(percent: f64, cells: usize) -> String {
    let p = if percent.is_finite() {
        percent.clamp(0.0, 100.0)
    } else {
        0.0
    };
    // Round down so a bar is full only at 100%.
    let filled = ((p / 100.0) * cells as f64).floor() as usize;
    let filled = filled.min(cells);
    format!("{}{}", "█".repeat(filled), "░".repeat(cells - filled))
}

/// `42%`, rounded down so that "100%" is shown only for a finished section.
pub fn percent(p: f64) -> String {
    let p = if p.is_finite() {
        p.clamp(0.0, 100.0)
    } else {
        0.0
    };
    format!("{}%", p.floor() as u64)
}

/// A byte count a person can read: `532 B`, `12.4 KiB`, `3.1 GiB`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Shortens `s` to at most `max` characters, marking the cut with `…`.
pub fn clip(s: &str, max: usize) -> String {
    let one_line = crate::error::one_line(s);
    if width(&one_line) <= max {
        return one_line;
    }
    let mut out: String = one_line.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A progress bar on stderr counting bytes, for long copies (attach, export).
pub fn byte_progress_bar(message: &'static str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    // The template is a constant known to be valid; should it ever not be, the default style
    // is still a progress bar.
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
    ) {
        bar.set_style(style.progress_chars("█▉░"));
    }
    bar.set_message(message);
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_output_escapes_every_control_character_and_stays_exact() {
        let value = "a\u{1b}[2J\u{7f}\u{9b}31m\u{0}b\u{202E}c\u{2066}";
        let mut out = Out::default();
        out.json(&value).unwrap();
        assert!(!out
            .text()
            .trim_end()
            .chars()
            .any(scal_core::text::is_control_or_bidi));
        assert_eq!(crate::error::printable(out.text()), out.text());
        let back: String = serde_json::from_str(out.text()).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn tables_align_columns_and_trim_trailing_space() {
        let mut t = Table::new(&[
            ("Item", Align::Left),
            ("Count", Align::Right),
            ("Note", Align::Left),
        ]);
        t.row(vec!["a".into(), "7".into(), "".into()]);
        t.row(vec!["longer".into(), "1234".into(), "x".into()]);
        let mut out = Out::default();
        out.table(&t);
        assert_eq!(
            out.text(),
            "Item    Count  Note\na           7\nlonger   1234  x\n"
        );
    }

    #[test]
    fn bars_are_full_only_at_one_hundred_percent() {
        assert_eq!(bar(0.0, 4), "░░░░");
        assert_eq!(bar(99.9, 4), "███░");
        assert_eq!(bar(100.0, 4), "████");
        assert_eq!(bar(f64::NAN, 2), "░░");
        assert_eq!(percent(99.9), "99%");
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(size(532), "532 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }

    #[test]
    fn clipping_marks_the_cut() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("ab\ncd", 10), "ab cd");
    }
}
