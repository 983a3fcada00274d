//! The PDF summary: a cover, a completeness dashboard drawn as vector bars, the outstanding
//! issues, every section's answers as tables that wrap and flow over pages, and the evidence
//! index with hashes. Every page carries "Page X of Y" and the draft's identity.
//!
//! Text is set in DejaVu Sans, embedded (subset), so Welsh, accented, Greek, Cyrillic and
//! typographic characters print as typed; a character the font lacks prints as U+FFFD and is
//! reported as a warning rather than silently dropped.
//!
//! The bytes depend only on the draft and the export time: font ids, the document id and every
//! date inside the file are derived from them, never from a clock or a random source.

use std::collections::{BTreeSet, HashMap};

use printpdf::date::OffsetDateTime;
use printpdf::{
    Color, FontId, Line, LinePoint, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
};
use scal_core::{Item, ItemKind, Section, SectionKind, Severity, Value};
use sha2::{Digest, Sha256};

use crate::snapshot::{Snapshot, TOOL_VERSION};
use crate::ExportWarning;

const REGULAR_TTF: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans-Bold.ttf");

// A4 portrait, in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 42.5;
const TOP: f32 = PAGE_H - 56.0;
const BOTTOM: f32 = 48.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const PAD: f32 = 3.0;

const NHS_BLUE: (f32, f32, f32) = (0.0, 0.369, 0.722);
const DARK: (f32, f32, f32) = (0.129, 0.169, 0.196);
const GREY: (f32, f32, f32) = (0.26, 0.333, 0.388);
const PALE: (f32, f32, f32) = (0.91, 0.929, 0.933);
const RULE: (f32, f32, f32) = (0.75, 0.78, 0.8);
const GREEN: (f32, f32, f32) = (0.0, 0.498, 0.231);
const RED: (f32, f32, f32) = (0.835, 0.157, 0.106);
const AMBER: (f32, f32, f32) = (0.66, 0.42, 0.0);
const HEADING_FILL: (f32, f32, f32) = (0.863, 0.902, 0.945);

pub struct Summary {
    pub bytes: Vec<u8>,
    pub warnings: Vec<ExportWarning>,
}

pub fn build(snap: &Snapshot) -> Result<Summary, String> {
    let regular = Face::load(REGULAR_TTF, "DJVSNS")?;
    let bold = Face::load(BOLD_TTF, "DJVSNB")?;
    let mut w = Writer::new(snap, &regular, &bold);
    w.cover();
    w.dashboard();
    w.issues();
    w.response_to_review();
    for (n, section) in snap
        .template
        .sections
        .iter()
        .filter(|s| snap.applies(s))
        .enumerate()
    {
        w.section(n + 1, section);
    }
    w.evidence_index();
    w.archived();
    w.signoff();
    let (pages, bookmarks, missing, used) = w.finish();

    let mut doc = PdfDocument::new(&format!("SCAL summary: {}", snap.headline()));
    for (face, chars, name) in [
        (&regular, &used.0, "DejaVuSans"),
        (&bold, &used.1, "DejaVuSans-Bold"),
    ] {
        let font = face.subset(chars, name)?;
        doc.resources
            .fonts
            .map
            .insert(face.id.clone(), printpdf::font::PdfFont::new(font));
    }
    let stamp = pdf_time(snap)?;
    let info = &mut doc.metadata.info;
    info.creation_date = stamp;
    info.modification_date = stamp;
    info.metadata_date = stamp;
    info.author = snap.identity.supplier.clone().unwrap_or_default();
    info.creator = format!("SCAL Workbench {TOOL_VERSION}");
    info.producer = format!("SCAL Workbench {TOOL_VERSION} (printpdf)");
    info.subject = format!(
        "{} {} {}",
        snap.template.title, snap.template.id, snap.template.version
    );
    info.keywords = vec!["SCAL".to_string(), snap.template.id.clone()];
    info.identifier = snap.draft_id.clone();
    for (title, page) in bookmarks {
        doc.add_bookmark(&title, page);
    }
    doc.pages = pages
        .into_iter()
        .map(|ops| PdfPage::new(printpdf::Mm(210.0), printpdf::Mm(297.0), ops))
        .collect();

    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut save_warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&options, &mut save_warnings);
    // printpdf draws the trailer's file identifiers from a process-wide counter; derive them
    // from the draft and export time instead, so the same export gives the same bytes.
    let id = document_id(snap);
    lo.trailer.set(
        "ID",
        lopdf::Object::Array(vec![
            lopdf::Object::String(id.clone().into_bytes(), lopdf::StringFormat::Literal),
            lopdf::Object::String(id.into_bytes(), lopdf::StringFormat::Literal),
        ]),
    );
    lo.compress();
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).map_err(|e| e.to_string())?;

    let mut warnings = Vec::new();
    for (item, chars) in missing {
        let list: String = chars.iter().collect();
        warnings.push(ExportWarning {
            message: match &item {
                Some(i) => format!(
                    "item \"{i}\" has characters the PDF font cannot show ({list}): they print as \u{FFFD} in the PDF summary; the workbook keeps them"
                ),
                None => format!(
                    "some text has characters the PDF font cannot show ({list}): they print as \u{FFFD} in the PDF summary"
                ),
            },
            item,
        });
    }
    Ok(Summary { bytes, warnings })
}

/// 32 hex characters from the draft's identity and the export time.
fn document_id(snap: &Snapshot) -> String {
    let mut h = Sha256::new();
    h.update(snap.draft_id.as_bytes());
    h.update(snap.exported_at.to_rfc3339().as_bytes());
    h.update(snap.answers_digest.as_bytes());
    hex::encode(&h.finalize()[..16])
}

fn pdf_time(snap: &Snapshot) -> Result<OffsetDateTime, String> {
    OffsetDateTime::from_unix_timestamp(snap.exported_at.timestamp()).map_err(str::to_string)
}

/// A font with the metrics needed to measure and wrap text.
struct Face {
    id: FontId,
    parsed: ParsedFont,
    /// Advance width of each character the font has, in ems.
    advance: HashMap<char, f32>,
    replacement: char,
}

impl Face {
    /// `tag` names the font inside the PDF (its first six letters become the subset tag), fixed
    /// so the output does not depend on how many fonts were loaded before.
    fn load(bytes: &[u8], tag: &str) -> Result<Face, String> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| "the embedded font could not be read".to_string())?;
        let upem = f32::from(parsed.units_per_em.max(1));
        let advance: HashMap<char, f32> = parsed
            .codepoint_to_glyph
            .iter()
            .filter_map(|(cp, gid)| {
                let c = char::from_u32(*cp)?;
                let w = parsed.glyph_widths.get(gid).copied().unwrap_or(0);
                Some((c, f32::from(w) / upem))
            })
            .collect();
        let replacement = if advance.contains_key(&'\u{FFFD}') {
            '\u{FFFD}'
        } else {
            '?'
        };
        Ok(Face {
            id: FontId(tag.to_string()),
            parsed,
            advance,
            replacement,
        })
    }

    /// The font cut down to the characters the document uses (a full DejaVu Sans is 700 KB),
    /// named with a subset tag derived from those characters, so it is deterministic.
    fn subset(&self, used: &BTreeSet<char>, name: &str) -> Result<ParsedFont, String> {
        use allsorts::binary::read::ReadScope;
        use allsorts::font_data::FontData;
        use allsorts::subset::{subset, CmapTarget, SubsetProfile};
        // Glyph 0 (.notdef) first, then every used glyph once, in a fixed order.
        let mut ids = vec![0u16];
        for c in used {
            if let Some(gid) = self.parsed.codepoint_to_glyph.get(&(*c as u32)) {
                if !ids.contains(gid) {
                    ids.push(*gid);
                }
            }
        }
        let scope = ReadScope::new(&self.parsed.original_bytes);
        let data = scope
            .read::<FontData<'_>>()
            .map_err(|e| format!("the embedded font cannot be read ({e})"))?;
        let provider = data
            .table_provider(0)
            .map_err(|e| format!("the embedded font cannot be read ({e})"))?;
        let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
            .map_err(|e| format!("the font could not be subset ({e})"))?;
        let mut warnings = Vec::new();
        let mut font = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
            .ok_or_else(|| "the subset font could not be read back".to_string())?;
        let digest = Sha256::digest(used.iter().collect::<String>().as_bytes());
        let tag: String = digest
            .iter()
            .take(6)
            .map(|b| char::from(b'A' + b % 26))
            .collect();
        font.font_name = Some(format!("{tag}+{name}"));
        Ok(font)
    }

    fn width(&self, s: &str, size: f32) -> f32 {
        s.chars()
            .map(|c| self.advance.get(&c).copied().unwrap_or(0.5))
            .sum::<f32>()
            * size
    }
}

#[derive(Clone, Copy, PartialEq)]
struct Style {
    bold: bool,
    size: f32,
    color: (f32, f32, f32),
}

impl Style {
    const BODY: Style = Style {
        bold: false,
        size: 8.5,
        color: DARK,
    };
    const CELL: Style = Style {
        bold: false,
        size: 8.0,
        color: DARK,
    };
    const SMALL: Style = Style {
        bold: false,
        size: 6.5,
        color: GREY,
    };
    const MUTED: Style = Style {
        bold: false,
        size: 8.0,
        color: GREY,
    };
    const HEAD: Style = Style {
        bold: true,
        size: 8.0,
        color: DARK,
    };

    fn bold(size: f32, color: (f32, f32, f32)) -> Style {
        Style {
            bold: true,
            size,
            color,
        }
    }

    fn line_height(self) -> f32 {
        self.size * 1.28
    }
}

/// One paragraph of a table cell, in one style.
#[derive(Clone)]
struct Span {
    text: String,
    style: Style,
}

fn span(text: impl Into<String>, style: Style) -> Span {
    Span {
        text: text.into(),
        style,
    }
}

type Cell = Vec<Span>;

#[derive(Clone)]
struct Table {
    widths: Vec<f32>,
    header: Vec<Cell>,
}

enum Row {
    Cells(Vec<Cell>),
    /// A shaded row across the whole table (a heading inside a section).
    Band(Span),
}

struct Writer<'a> {
    snap: &'a Snapshot,
    regular: &'a Face,
    bold: &'a Face,
    pages: Vec<Vec<Op>>,
    y: f32,
    table: Option<Table>,
    bookmarks: Vec<(String, usize)>,
    /// Characters the font lacks, by item (None: not an answer).
    missing: Vec<(Option<String>, Vec<char>)>,
    current_item: Option<String>,
    /// Every character drawn, per face (regular, bold): what the embedded subsets must hold.
    used: (BTreeSet<char>, BTreeSet<char>),
}

impl<'a> Writer<'a> {
    fn new(snap: &'a Snapshot, regular: &'a Face, bold: &'a Face) -> Writer<'a> {
        Writer {
            snap,
            regular,
            bold,
            pages: Vec::new(),
            y: TOP,
            table: None,
            bookmarks: Vec::new(),
            missing: Vec::new(),
            current_item: None,
            used: (BTreeSet::new(), BTreeSet::new()),
        }
    }

    fn face(&self, style: Style) -> &'a Face {
        if style.bold {
            self.bold
        } else {
            self.regular
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
        if let Some(table) = self.table.clone() {
            self.draw_row(&table, &Row::Cells(table.header.clone()), Some(PALE));
        }
    }

    /// Starts a new page unless `height` still fits on this one.
    fn room_for(&mut self, height: f32) {
        if self.pages.is_empty() || self.y - height < BOTTOM {
            self.new_page();
        }
    }

    /// Text as the font can print it: tabs as spaces, other control characters dropped,
    /// characters the font lacks replaced (and remembered for a warning).
    fn printable(&mut self, s: &str, style: Style) -> String {
        let face = self.face(style);
        let mut missing = Vec::new();
        let out: String = s
            .chars()
            .filter_map(|c| match c {
                '\t' => Some(' '),
                '\n' => Some('\n'),
                c if c.is_control() => None,
                c if face.advance.contains_key(&c) => Some(c),
                c if c.is_whitespace() => Some(' '),
                c => {
                    if !missing.contains(&c) {
                        missing.push(c);
                    }
                    Some(face.replacement)
                }
            })
            .collect();
        if !missing.is_empty() {
            let item = self.current_item.clone();
            match self.missing.iter_mut().find(|(i, _)| *i == item) {
                Some((_, chars)) => {
                    for c in missing {
                        if !chars.contains(&c) {
                            chars.push(c);
                        }
                    }
                }
                None => self.missing.push((item, missing)),
            }
        }
        out
    }

    /// Breaks text into lines no wider than `width`: at spaces where it can, inside a word
    /// (a hash, a URL) where it must. Every line break in the text is kept.
    fn wrap(&mut self, text: &str, style: Style, width: f32) -> Vec<String> {
        let text = self.printable(text, style);
        let face = self.face(style);
        let size = style.size;
        let space = face.width(" ", size);
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in para.split(' ') {
                let word_w = face.width(word, size);
                let sep = if line.is_empty() { 0.0 } else { space };
                if line_w + sep + word_w <= width {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_w += sep + word_w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                if word_w <= width {
                    line.push_str(word);
                    line_w = word_w;
                    continue;
                }
                for c in word.chars() {
                    let cw = face.advance.get(&c).copied().unwrap_or(0.5) * size;
                    if line_w + cw > width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    line.push(c);
                    line_w += cw;
                }
            }
            lines.push(line);
        }
        lines
    }

    fn text_at(&mut self, x: f32, baseline: f32, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        let font = self.face(style).id.clone();
        let used = if style.bold {
            &mut self.used.1
        } else {
            &mut self.used.0
        };
        used.extend(text.chars());
        let (r, g, b) = style.color;
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFillColor {
                col: Color::Rgb(Rgb::new(r, g, b, None)),
            },
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(style.size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(x),
                    y: Pt(baseline),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: (f32, f32, f32)) {
        let (r, g, b) = color;
        self.ops().extend([
            Op::SetFillColor {
                col: Color::Rgb(Rgb::new(r, g, b, None)),
            },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(x),
                    y: Pt(y),
                    width: Pt(w),
                    height: Pt(h),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            },
        ]);
    }

    fn hline(&mut self, x: f32, y: f32, w: f32, color: (f32, f32, f32), thickness: f32) {
        let (r, g, b) = color;
        let point = |x: f32| LinePoint {
            p: Point { x: Pt(x), y: Pt(y) },
            bezier: false,
        };
        self.ops().extend([
            Op::SetOutlineColor {
                col: Color::Rgb(Rgb::new(r, g, b, None)),
            },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(x), point(x + w)],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A paragraph across the content width, flowing over pages.
    fn paragraph(&mut self, text: &str, style: Style) {
        for line in self.wrap(text, style, CONTENT_W) {
            self.room_for(style.line_height());
            self.y -= style.line_height();
            self.text_at(MARGIN_X, self.y + style.size * 0.25, &line, style);
        }
    }

    fn heading(&mut self, text: &str, size: f32, bookmark: bool) {
        // Keep a heading with at least a few lines of what follows it.
        self.room_for(size * 1.6 + 40.0);
        self.y -= size * 0.6;
        if bookmark {
            self.bookmarks.push((text.to_string(), self.pages.len()));
        }
        self.paragraph(text, Style::bold(size, NHS_BLUE));
        self.y -= size * 0.35;
    }

    fn gap(&mut self, h: f32) {
        self.y -= h;
    }

    fn cover(&mut self) {
        let snap = self.snap;
        let t = &snap.template;
        self.new_page();
        self.rect(0.0, PAGE_H - 120.0, PAGE_W, 120.0, NHS_BLUE);
        self.text_at(
            MARGIN_X,
            PAGE_H - 62.0,
            "Supplier Conformance Assessment List",
            Style::bold(20.0, (1.0, 1.0, 1.0)),
        );
        self.text_at(
            MARGIN_X,
            PAGE_H - 88.0,
            "Submission summary",
            Style {
                bold: false,
                size: 13.0,
                color: (1.0, 1.0, 1.0),
            },
        );
        self.y = PAGE_H - 160.0;
        self.paragraph(&snap.headline(), Style::bold(16.0, DARK));
        self.gap(6.0);
        self.paragraph(
            &format!(
                "{} \u{2014} template {} version {}",
                t.title, t.id, t.version
            ),
            Style::BODY,
        );
        self.paragraph(&format!("Published by {}", t.publisher), Style::BODY);
        self.gap(18.0);

        let id = &snap.identity;
        let dash = || "\u{2014}".to_string();
        let facts = [
            ("Supplier", id.supplier.clone().unwrap_or_else(dash)),
            ("Product", id.product.clone().unwrap_or_else(dash)),
            (
                "Product version",
                id.product_version.clone().unwrap_or_else(dash),
            ),
            ("Template", format!("{} ({} {})", t.title, t.id, t.version)),
            (
                "Draft",
                format!("{} (id {})", snap.draft_name, snap.draft_id),
            ),
            ("Exported", snap.exported_at_text()),
            (
                "Completeness checked on",
                snap.today.format("%Y-%m-%d").to_string(),
            ),
            ("Answers digest (SHA-256)", snap.answers_digest.clone()),
            ("Exported by", format!("SCAL Workbench {TOOL_VERSION}")),
        ];
        let table = Table {
            widths: vec![150.0, CONTENT_W - 150.0],
            header: Vec::new(),
        };
        for (k, v) in facts {
            let row = Row::Cells(vec![vec![span(k, Style::HEAD)], vec![span(v, Style::CELL)]]);
            self.row(&table, &row);
        }
        self.gap(24.0);
        let blocking = snap
            .report
            .issues
            .iter()
            .filter(|i| i.severity == Severity::Blocking)
            .count();
        let (verdict, color) = if snap.report.complete {
            ("Ready to submit: no blocking issues.".to_string(), GREEN)
        } else {
            (
                format!("Not ready to submit: {blocking} blocking issue(s) outstanding."),
                RED,
            )
        };
        self.paragraph(&verdict, Style::bold(12.0, color));
        self.paragraph(
            &format!(
                "Overall completeness {:.0}% ({} of {} required answers).",
                snap.report.progress.percent,
                snap.report.progress.answered,
                snap.report.progress.total
            ),
            Style::BODY,
        );
    }

    fn dashboard(&mut self) {
        let snap = self.snap;
        self.new_page();
        self.heading("Completeness", 14.0, true);
        let p = &snap.report.progress;
        self.bar_row(
            "Overall",
            p.percent,
            p.answered,
            p.total,
            self.count(None, Severity::Blocking),
            self.count(None, Severity::Warning),
            true,
        );
        self.gap(6.0);
        for s in &p.sections {
            let applies = snap
                .template
                .section(&s.section)
                .is_none_or(|sec| snap.applies(sec));
            if applies {
                self.bar_row(
                    &s.title, s.percent, s.answered, s.total, s.blocking, s.warnings, false,
                );
            } else {
                self.not_applicable_row(&s.title);
            }
        }
        self.gap(8.0);
        self.paragraph(
            "Bars show the share of required answers given in each section; red marks a section with blocking issues, green one that is complete.",
            Style::MUTED,
        );
    }

    fn count(&self, section: Option<&str>, severity: Severity) -> usize {
        self.snap
            .report
            .issues
            .iter()
            .filter(|i| i.severity == severity && section.is_none_or(|s| i.section == s))
            .count()
    }

    #[allow(clippy::too_many_arguments)] // one row of the dashboard: each number is shown
    fn bar_row(
        &mut self,
        title: &str,
        percent: f64,
        answered: usize,
        total: usize,
        blocking: usize,
        warnings: usize,
        overall: bool,
    ) {
        const LABEL_W: f32 = 160.0;
        const BAR_X: f32 = MARGIN_X + LABEL_W + 8.0;
        const BAR_W: f32 = 140.0;
        let style = if overall {
            Style::bold(9.5, DARK)
        } else {
            Style::BODY
        };
        let lines = self.wrap(title, style, LABEL_W);
        let bar_h = if overall { 12.0 } else { 9.0 };
        let h = (lines.len() as f32 * style.line_height()).max(bar_h + 4.0) + 6.0;
        self.room_for(h);
        let top = self.y;
        for (i, line) in lines.iter().enumerate() {
            self.text_at(
                MARGIN_X,
                top - (i as f32 + 1.0) * style.line_height() + style.size * 0.25,
                line,
                style,
            );
        }
        let bar_y = top - 2.0 - bar_h;
        self.rect(BAR_X, bar_y, BAR_W, bar_h, PALE);
        let share = (percent.clamp(0.0, 100.0) / 100.0) as f32;
        let color = if blocking > 0 {
            RED
        } else if total == answered {
            GREEN
        } else {
            NHS_BLUE
        };
        if share > 0.0 {
            self.rect(BAR_X, bar_y, BAR_W * share, bar_h, color);
        }
        let mut figures = format!("{percent:.0}%  {answered}/{total}");
        if blocking > 0 {
            figures.push_str(&format!("  \u{2022} {blocking} blocking"));
        }
        if warnings > 0 {
            figures.push_str(&format!("  \u{2022} {warnings} warning(s)"));
        }
        self.text_at(BAR_X + BAR_W + 8.0, bar_y + 1.5, &figures, Style::CELL);
        self.y = top - h;
    }

    /// A section whose every item is hidden (a service the product does not use).
    fn not_applicable_row(&mut self, title: &str) {
        let lines = self.wrap(title, Style::BODY, 160.0);
        let h = lines.len() as f32 * Style::BODY.line_height() + 6.0;
        self.room_for(h);
        let top = self.y;
        for (i, line) in lines.iter().enumerate() {
            let baseline =
                top - (i as f32 + 1.0) * Style::BODY.line_height() + Style::BODY.size * 0.25;
            self.text_at(MARGIN_X, baseline, line, Style::MUTED);
        }
        self.text_at(
            MARGIN_X + 168.0,
            top - Style::BODY.line_height() + 2.0,
            "Not applicable: not among the services this product uses",
            Style::MUTED,
        );
        self.y = top - h;
    }

    fn issues(&mut self) {
        let snap = self.snap;
        self.gap(12.0);
        self.heading("Outstanding issues", 14.0, true);
        if snap.report.issues.is_empty() {
            self.paragraph("None: every rule the template sets is met.", Style::BODY);
            return;
        }
        let blocking = self.count(None, Severity::Blocking);
        let warnings = self.count(None, Severity::Warning);
        self.paragraph(&format!("{blocking} blocking issue(s) must be resolved before submission; {warnings} warning(s) should be reviewed."), Style::BODY);
        self.gap(4.0);
        let table = Table {
            widths: fractions(&[0.11, 0.2, 0.19, 0.5]),
            header: ["Severity", "Section", "Item", "Issue"]
                .iter()
                .map(|h| vec![span(*h, Style::HEAD)])
                .collect(),
        };
        let mut issues: Vec<_> = snap.report.issues.iter().collect();
        issues.sort_by_key(|i| i.severity);
        self.start_table(&table);
        for issue in issues {
            let (label, color) = match issue.severity {
                Severity::Blocking => ("Blocking", RED),
                Severity::Warning => ("Warning", AMBER),
            };
            let section = snap
                .template
                .section(&issue.section)
                .map(|s| s.title.clone())
                .unwrap_or_else(|| issue.section.clone());
            let item = match snap.template.item(&issue.item) {
                Some((_, it)) => vec![
                    span(it.label.clone(), Style::CELL),
                    span(issue.item.clone(), Style::SMALL),
                ],
                None => vec![span(issue.item.clone(), Style::CELL)],
            };
            self.current_item = Some(issue.item.clone());
            let row = Row::Cells(vec![
                vec![span(label, Style::bold(8.0, color))],
                vec![span(section, Style::CELL)],
                item,
                vec![span(issue.message.clone(), Style::CELL)],
            ]);
            self.row(&table, &row);
        }
        self.current_item = None;
        self.end_table();
    }

    fn section(&mut self, n: usize, section: &Section) {
        let snap = self.snap;
        self.gap(14.0);
        if self.y < TOP - 200.0 {
            self.new_page();
        }
        self.heading(&format!("{n}. {}", section.title), 13.0, true);
        let mut facts = Vec::new();
        if section.has_status {
            let status = snap
                .statuses
                .get(&section.id)
                .map(|s| s.status.clone())
                .unwrap_or_else(|| "not set".to_string());
            facts.push(format!("Status: {status}"));
        }
        if let Some(p) = snap
            .report
            .progress
            .sections
            .iter()
            .find(|p| p.section == section.id)
        {
            facts.push(format!(
                "{} of {} required answers given ({:.0}%)",
                p.answered, p.total, p.percent
            ));
            if p.blocking > 0 {
                facts.push(format!("{} blocking", p.blocking));
            }
            if p.warnings > 0 {
                facts.push(format!("{} warning(s)", p.warnings));
            }
        }
        if !facts.is_empty() {
            self.paragraph(&facts.join("  \u{2022}  "), Style::MUTED);
            self.gap(4.0);
        }
        let service = section.kind == SectionKind::Service;
        let table = if service {
            Table {
                widths: fractions(&[0.15, 0.24, 0.08, 0.12, 0.26, 0.15]),
                header: [
                    "Ref",
                    "Item",
                    "Type",
                    "Response",
                    "Comment / notes",
                    "Evidence",
                ]
                .iter()
                .map(|h| vec![span(*h, Style::HEAD)])
                .collect(),
            }
        } else {
            Table {
                widths: fractions(&[0.33, 0.25, 0.27, 0.15]),
                header: ["Item", "Response", "Comment", "Evidence"]
                    .iter()
                    .map(|h| vec![span(*h, Style::HEAD)])
                    .collect(),
            }
        };
        self.start_table(&table);
        for item in &section.items {
            self.current_item = Some(item.id.clone());
            if let Some(row) = self.item_row(item, service) {
                self.row(&table, &row);
            }
        }
        self.current_item = None;
        self.end_table();
    }

    fn item_row(&self, item: &Item, service: bool) -> Option<Row> {
        let snap = self.snap;
        match &item.kind {
            ItemKind::Guidance { heading: true, .. } => {
                return Some(Row::Band(span(
                    join(&[&item.label, &item.text]),
                    Style::HEAD,
                )));
            }
            ItemKind::Guidance {
                acknowledge: false, ..
            } => return None,
            _ => {}
        }
        let files: Vec<String> = snap
            .files_of(&item.id)
            .iter()
            .map(|f| f.pack_name.clone())
            .collect();
        let evidence = vec![span(files.join("\n"), Style::CELL)];
        let answer = snap.answer(&item.id);
        let response = match (&item.kind, answer.and_then(|a| a.value.as_ref())) {
            (ItemKind::EvidenceSlot, _) => {
                if files.is_empty() {
                    span("Not attached", Style::MUTED)
                } else {
                    span(format!("{} file(s) attached", files.len()), Style::CELL)
                }
            }
            (_, Some(v)) if scal_core::answer::is_answered(answer) => span(display(v), Style::CELL),
            _ if !snap.visible.contains(&item.id) => span("Not applicable", Style::MUTED),
            _ => span("Not answered", Style::MUTED),
        };
        let comment = vec![span(
            answer.map(|a| a.comment.clone()).unwrap_or_default(),
            Style::CELL,
        )];
        let reference = item.requirement().and_then(|r| r.reference.as_deref());
        // The id under the label, for `scal answer`; not when the Ref column already shows it.
        let label = if service && reference == Some(item.id.as_str()) {
            vec![span(item.label.clone(), Style::CELL)]
        } else {
            vec![
                span(item.label.clone(), Style::CELL),
                span(item.id.clone(), Style::SMALL),
            ]
        };
        Some(Row::Cells(if service {
            let (reference, level) = match item.requirement() {
                Some(r) => (
                    r.reference.clone().unwrap_or_default(),
                    r.level.as_str().to_string(),
                ),
                None => (String::new(), String::new()),
            };
            vec![
                vec![span(reference, Style::CELL)],
                label,
                vec![span(level, Style::CELL)],
                vec![response],
                comment,
                evidence,
            ]
        } else {
            vec![label, vec![response], comment, evidence]
        }))
    }

    fn evidence_index(&mut self) {
        let snap = self.snap;
        self.gap(14.0);
        self.heading("Evidence index", 14.0, true);
        if snap.files.is_empty() {
            self.paragraph("No evidence is linked in this draft.", Style::BODY);
            return;
        }
        self.paragraph(
            "Each file is in the pack's evidence folder under the name shown; its SHA-256 proves it is the file that was exported.",
            Style::MUTED,
        );
        self.gap(4.0);
        let table = Table {
            widths: fractions(&[0.23, 0.09, 0.29, 0.15, 0.24]),
            header: ["File", "Size", "SHA-256", "Dated / valid until", "Supports"]
                .iter()
                .map(|h| vec![span(*h, Style::HEAD)])
                .collect(),
        };
        self.start_table(&table);
        for f in &snap.files {
            let mut name = vec![span(f.pack_name.clone(), Style::CELL)];
            if f.original_name != f.pack_name {
                name.push(span(
                    format!("attached as {}", f.original_name),
                    Style::SMALL,
                ));
            }
            let items = f
                .items
                .iter()
                .map(|id| match snap.template.item(id) {
                    Some((_, it)) => format!("{} ({id})", it.label),
                    None => id.clone(),
                })
                .collect::<Vec<_>>()
                .join("\n");
            let row = Row::Cells(vec![
                name,
                vec![span(human_size(f.size), Style::CELL)],
                vec![span(f.sha256.clone(), Style::SMALL)],
                evidence_dates(&f.dates),
                vec![span(items, Style::CELL)],
            ]);
            self.row(&table, &row);
        }
        self.end_table();
    }

    /// After an assessor's workbook came back: every remark, the supplier's reply, what changed
    /// since the reviewed submission, and whether the thread is open or resolved.
    fn response_to_review(&mut self) {
        let snap = self.snap;
        let Some(response) = &snap.review_response else {
            return;
        };
        self.new_page();
        self.heading(crate::xlsx::RESPONSE_SHEET, 14.0, true);
        let since = response
            .submitted_at
            .as_deref()
            .map(|at| format!(" since the submission of {}", at.get(..10).unwrap_or(at)))
            .unwrap_or_default();
        let read = response
            .imports
            .iter()
            .map(|i| {
                format!(
                    "{} (from {}, {})",
                    i.file_name,
                    i.reviewer,
                    i.at.get(..10).unwrap_or(&i.at)
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let open = response.rows.iter().filter(|r| !r.resolved).count();
        self.paragraph(
            &format!(
                "{} remarks, {open} still open. What changed is measured{since}. Returned workbooks read: {read}.",
                response.rows.len()
            ),
            Style::MUTED,
        );
        self.gap(4.0);
        let table = Table {
            widths: fractions(&[0.18, 0.28, 0.26, 0.18, 0.10]),
            header: ["Item", "Remark", "Reply", "What changed", "State"]
                .iter()
                .map(|h| vec![span(*h, Style::HEAD)])
                .collect(),
        };
        self.start_table(&table);
        for r in &response.rows {
            self.current_item = Some(r.item.clone());
            let dash = |s: &str| {
                if s.is_empty() {
                    "\u{2014}".to_string()
                } else {
                    s.to_string()
                }
            };
            let row = Row::Cells(vec![
                vec![
                    span(r.label.clone(), Style::CELL),
                    span(r.item.clone(), Style::SMALL),
                ],
                vec![span(r.remark.clone(), Style::CELL)],
                vec![span(dash(&r.reply), Style::CELL)],
                vec![span(r.changed.clone(), Style::CELL)],
                vec![span(
                    if r.resolved { "Resolved" } else { "Open" },
                    Style::CELL,
                )],
            ]);
            self.row(&table, &row);
            self.current_item = None;
        }
        self.end_table();
    }

    /// The appendix of answers template upgrades archived, when there are any: what was
    /// answered to which wording, and where an answer went if it was restored.
    fn archived(&mut self) {
        let snap = self.snap;
        if snap.archived.is_empty() {
            return;
        }
        self.gap(14.0);
        self.heading(&snap.archived_title(), 14.0, true);
        self.paragraph(
            "Answers kept when a template upgrade removed their item or no longer accepted them. They are not part of the answers above.",
            Style::MUTED,
        );
        self.gap(4.0);
        let table = Table {
            widths: fractions(&[0.26, 0.30, 0.28, 0.16]),
            header: ["Item", "Answer", "Evidence", "Restored to"]
                .iter()
                .map(|h| vec![span(*h, Style::HEAD)])
                .collect(),
        };
        self.start_table(&table);
        for a in &snap.archived {
            self.current_item = Some(a.item.clone());
            let mut item = vec![span(format!("{} ({})", a.label, a.item), Style::CELL)];
            if !a.text.is_empty() && a.text != a.label {
                item.push(span(a.text.clone(), Style::SMALL));
            }
            item.push(span(
                format!("{} {}", a.template_id, a.template_version),
                Style::SMALL,
            ));
            let mut answer = vec![span(
                a.value
                    .as_ref()
                    .map(display)
                    .unwrap_or_else(|| "\u{2014}".to_string()),
                Style::CELL,
            )];
            if !a.comment.is_empty() {
                answer.push(span(a.comment.clone(), Style::SMALL));
            }
            let files = a
                .evidence
                .iter()
                .map(|e| format!("{} ({})", e.file_name, human_size(e.size)))
                .collect::<Vec<_>>()
                .join("\n");
            let files = if files.is_empty() {
                "\u{2014}".to_string()
            } else {
                files
            };
            let restored = a
                .restored
                .as_ref()
                .map(|r| r.to.clone())
                .unwrap_or_else(|| "\u{2014}".to_string());
            let row = Row::Cells(vec![
                item,
                answer,
                vec![span(files, Style::CELL)],
                vec![span(restored, Style::CELL)],
            ]);
            self.row(&table, &row);
            self.current_item = None;
        }
        self.end_table();
    }

    /// The sign-off page: who signed off, in what role and when, and whether that still covers
    /// the answers (see `Snapshot::signoff_lines`).
    fn signoff(&mut self) {
        let snap = self.snap;
        self.new_page();
        self.heading("Sign-off", 14.0, true);
        let table = Table {
            widths: vec![150.0, CONTENT_W - 150.0],
            header: Vec::new(),
        };
        for (label, text, warn) in snap.signoff_lines() {
            let style = if warn {
                Style::bold(Style::CELL.size, RED)
            } else {
                Style::CELL
            };
            let row = Row::Cells(vec![
                vec![span(label, Style::HEAD)],
                vec![span(text, style)],
            ]);
            self.row(&table, &row);
        }
    }

    fn start_table(&mut self, table: &Table) {
        // The header and at least one row start on the same page.
        self.room_for(40.0);
        self.draw_row(table, &Row::Cells(table.header.clone()), Some(PALE));
        self.table = Some(table.clone());
    }

    fn end_table(&mut self) {
        self.table = None;
        self.gap(6.0);
    }

    /// Lays out one row, flowing onto further pages (with the header repeated) when it is too
    /// tall for what is left of this one.
    fn row(&mut self, table: &Table, row: &Row) {
        let mut pending = self.layout(table, row);
        loop {
            let needed = pending
                .iter()
                .map(|lines| lines_height(lines))
                .fold(0.0, f32::max)
                + 2.0 * PAD;
            let page_room = TOP - BOTTOM - 30.0;
            let room = self.y - BOTTOM;
            if needed <= room {
                self.draw_lines(table, row, &pending);
                return;
            }
            if needed <= page_room || room < 40.0 {
                // It fits on a fresh page, or too little is left here to be worth splitting.
                self.new_page();
                continue;
            }
            // Taller than a page: fill this one and carry the rest over.
            let avail = room - 2.0 * PAD;
            let mut now = Vec::new();
            let mut rest = Vec::new();
            for lines in pending {
                let mut used = 0.0;
                let mut split = lines.len();
                for (i, (_, style)) in lines.iter().enumerate() {
                    if used + style.line_height() > avail {
                        split = i;
                        break;
                    }
                    used += style.line_height();
                }
                let mut head = lines;
                let tail = head.split_off(split);
                now.push(head);
                rest.push(tail);
            }
            self.draw_lines(table, row, &now);
            self.new_page();
            pending = rest;
        }
    }

    fn layout(&mut self, table: &Table, row: &Row) -> Vec<Vec<(String, Style)>> {
        match row {
            Row::Band(s) => {
                let lines = self.wrap(&s.text, s.style, CONTENT_W - 2.0 * PAD);
                vec![lines.into_iter().map(|l| (l, s.style)).collect()]
            }
            Row::Cells(cells) => cells
                .iter()
                .zip(&table.widths)
                .map(|(cell, w)| {
                    let mut lines = Vec::new();
                    for s in cell {
                        if s.text.is_empty() {
                            continue;
                        }
                        for l in self.wrap(&s.text, s.style, w - 2.0 * PAD) {
                            lines.push((l, s.style));
                        }
                    }
                    lines
                })
                .collect(),
        }
    }

    fn draw_row(&mut self, table: &Table, row: &Row, fill: Option<(f32, f32, f32)>) {
        let lines = self.layout(table, row);
        let h = lines.iter().map(|l| lines_height(l)).fold(0.0, f32::max) + 2.0 * PAD;
        if let Some(color) = fill {
            self.rect(MARGIN_X, self.y - h, CONTENT_W, h, color);
        }
        self.draw_lines(table, row, &lines);
    }

    fn draw_lines(&mut self, table: &Table, row: &Row, cells: &[Vec<(String, Style)>]) {
        let h = cells.iter().map(|l| lines_height(l)).fold(0.0, f32::max) + 2.0 * PAD;
        let top = self.y;
        if matches!(row, Row::Band(_)) {
            self.rect(MARGIN_X, top - h, CONTENT_W, h, HEADING_FILL);
        }
        let mut x = MARGIN_X;
        let widths: Vec<f32> = match row {
            Row::Band(_) => vec![CONTENT_W],
            Row::Cells(_) => table.widths.clone(),
        };
        for (lines, w) in cells.iter().zip(widths) {
            let mut y = top - PAD;
            for (text, style) in lines {
                y -= style.line_height();
                self.text_at(x + PAD, y + style.size * 0.25, text, *style);
            }
            x += w;
        }
        self.hline(MARGIN_X, top - h, CONTENT_W, RULE, 0.4);
        self.y = top - h;
    }

    /// The pages, with header and footer; the bookmarks; the characters the font lacked.
    #[allow(clippy::type_complexity)] // plain results, used once
    fn finish(
        mut self,
    ) -> (
        Vec<Vec<Op>>,
        Vec<(String, usize)>,
        Vec<(Option<String>, Vec<char>)>,
        (BTreeSet<char>, BTreeSet<char>),
    ) {
        let snap = self.snap;
        let total = self.pages.len();
        // The draft id first: on a long supplier name it is the headline that gets shortened.
        let identity = format!(
            "Draft {} \u{2022} exported {} \u{2022} {}",
            snap.draft_id,
            snap.exported_at_text(),
            snap.headline()
        );
        let head = format!(
            "{} \u{2014} {} {}",
            snap.template.title, snap.template.id, snap.template.version
        );
        let identity = self.fit_line(&identity, Style::SMALL, CONTENT_W - 70.0);
        let head = self.fit_line(&head, Style::SMALL, CONTENT_W - 120.0);
        let pages = std::mem::take(&mut self.pages);
        let mut out = Vec::with_capacity(total);
        for (i, ops) in pages.into_iter().enumerate() {
            self.pages = vec![ops];
            let number = format!("Page {} of {total}", i + 1);
            let nw = self.regular.width(&number, 7.5);
            self.hline(MARGIN_X, BOTTOM - 14.0, CONTENT_W, RULE, 0.5);
            self.text_at(MARGIN_X, BOTTOM - 24.0, &identity, Style::SMALL);
            self.text_at(
                PAGE_W - MARGIN_X - nw,
                BOTTOM - 24.0,
                &number,
                Style {
                    bold: false,
                    size: 7.5,
                    color: DARK,
                },
            );
            if i > 0 {
                self.text_at(MARGIN_X, PAGE_H - 32.0, &head, Style::SMALL);
                let right = "SCAL submission summary";
                let rw = self.regular.width(right, 6.5);
                self.text_at(PAGE_W - MARGIN_X - rw, PAGE_H - 32.0, right, Style::SMALL);
                self.hline(MARGIN_X, PAGE_H - 38.0, CONTENT_W, RULE, 0.5);
            }
            out.extend(self.pages.pop());
        }
        (out, self.bookmarks, self.missing, self.used)
    }

    /// One line of text, shortened with an ellipsis to fit `width`.
    fn fit_line(&mut self, text: &str, style: Style, width: f32) -> String {
        let text = self.printable(text, style).replace('\n', " ");
        let face = self.face(style);
        if face.width(&text, style.size) <= width {
            return text;
        }
        let mut out = String::new();
        for c in text.chars() {
            if face.width(&out, style.size)
                + face.width("\u{2026}", style.size)
                + face.advance.get(&c).copied().unwrap_or(0.5) * style.size
                > width
            {
                break;
            }
            out.push(c);
        }
        out.push('\u{2026}');
        out
    }
}

fn lines_height(lines: &[(String, Style)]) -> f32 {
    lines.iter().map(|(_, s)| s.line_height()).sum()
}

fn fractions(parts: &[f32]) -> Vec<f32> {
    parts.iter().map(|p| p * CONTENT_W).collect()
}

fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(": ")
}

fn display(v: &Value) -> String {
    match v {
        Value::One(s) => s.clone(),
        Value::Many(list) => list.join("\n"),
    }
}

fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// An evidence file's dates as the index shows them, one a line, or a dash when it has none.
fn evidence_dates(dates: &scal_core::EvidenceDates) -> Vec<Span> {
    let words = dates.words("\n");
    vec![span(
        if words.is_empty() {
            "\u{2014}".to_string()
        } else {
            words
        },
        Style::CELL,
    )]
}
