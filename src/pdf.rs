//! The PDF renderer: the report model laid out as a paginated document with printpdf.
//!
//! In: a [`Report`] and the paper size. Out: the PDF's bytes and the characters the
//! embedded font could not show. The layout is our own (printpdf's HTML mode is slow and
//! depends on system fonts): text is measured with the embedded DejaVu Sans Condensed
//! (licence in `assets/fonts/`), wrapped into table cells, and rows flow across pages
//! with the table header repeated. Wide tables go on landscape pages. Every page is
//! numbered "n / N", every section and framework has a bookmark, and the file is
//! byte-identical for the same report: resource ids are fixed and the trailer `/ID` is a
//! digest of the content.

use crate::report::Report;
use crate::vocab::Owner;
use printpdf::{
    Color, FontId, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Pt, Rect, Rgb, TextItem, TextMatrix,
};
use std::collections::{BTreeSet, HashMap};

const REGULAR_TTF: &[u8] = include_bytes!("../assets/fonts/DejaVuSansCondensed.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../assets/fonts/DejaVuSansCondensed-Bold.ttf");

/// Paper sizes, portrait, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    fn size_pt(self) -> (f32, f32) {
        let (w, h) = match self {
            Paper::A4 => (210.0, 297.0),
            Paper::Letter => (215.9, 279.4),
        };
        (Pt::from(Mm(w)).0, Pt::from(Mm(h)).0)
    }
}

pub struct PdfOut {
    pub bytes: Vec<u8>,
    /// Characters the font has no glyph for (shown as U+FFFD).
    pub missing: BTreeSet<char>,
}

const MARGIN: f32 = 36.0;
const FOOTER: f32 = 22.0;
const TABLE_SIZE: f32 = 7.0;
const LEADING: f32 = 1.22;
const PAD: f32 = 2.0;

/// Coordinates to a hundredth of a point: shorter content streams, no visible change.
fn round(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::Rgb(Rgb {
        r: f32::from(r) / 255.0,
        g: f32::from(g) / 255.0,
        b: f32::from(b) / 255.0,
        icc_profile: None,
    })
}

fn owner_fill(owner: Owner) -> Color {
    match owner {
        Owner::Provider => rgb(219, 234, 254),
        Owner::Customer => rgb(253, 226, 225),
        Owner::Shared => rgb(254, 243, 199),
        Owner::NotApplicable => rgb(243, 244, 246),
        Owner::Unassessed => rgb(233, 213, 255),
    }
}

/// One embedded font and its advance widths (in 1/1000 em).
struct Face {
    id: FontId,
    font: ParsedFont,
    units_per_em: f32,
    widths: HashMap<char, Option<f32>>,
}

impl Face {
    fn new(id: &str, bytes: &[u8]) -> Face {
        let font =
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("the embedded font parses");
        let units_per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        Face {
            id: FontId(id.to_string()),
            font,
            units_per_em,
            widths: HashMap::new(),
        }
    }

    /// The advance of `c`, or `None` when the font has no glyph for it.
    fn advance(&mut self, c: char) -> Option<f32> {
        let (font, upem) = (&self.font, self.units_per_em);
        *self.widths.entry(c).or_insert_with(|| {
            let gid = font.lookup_glyph_index(c as u32)?;
            let w = font.get_glyph_width(gid)?;
            Some(f32::from(w) * 1000.0 / upem)
        })
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Weight {
    Regular,
    Bold,
}

struct Page {
    width: f32,
    height: f32,
    shapes: Vec<Op>,
    text: Vec<Op>,
    font: Option<(Weight, f32)>,
}

/// A column of a table: its title and its share of the width.
struct Col<'a> {
    title: &'a str,
    share: f32,
}

/// A table cell: text and an optional owner colour.
struct Cell {
    text: String,
    fill: Option<Owner>,
}

fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        fill: None,
    }
}

fn owner_cell(text: impl Into<String>, owner: Owner) -> Cell {
    Cell {
        text: text.into(),
        fill: Some(owner),
    }
}

/// The vertical rules of the table being drawn: drawn once per page segment rather
/// than around every cell, which keeps content streams small.
struct Grid {
    xs: Vec<f32>,
    top: Option<f32>,
}

struct Layout {
    paper: Paper,
    grid: Option<Grid>,
    regular: Face,
    bold: Face,
    pages: Vec<Page>,
    y: f32,
    bookmarks: Vec<(String, usize)>,
    missing: BTreeSet<char>,
    title: String,
}

impl Layout {
    fn face(&mut self, weight: Weight) -> &mut Face {
        match weight {
            Weight::Regular => &mut self.regular,
            Weight::Bold => &mut self.bold,
        }
    }

    /// Text the font can show: invisible characters made visible, missing glyphs
    /// replaced by U+FFFD and recorded.
    fn printable(&mut self, text: &str) -> String {
        let visible = crate::text::visible(text);
        let mut out = String::with_capacity(visible.len());
        for c in visible.chars() {
            let c = if c == '\t' { ' ' } else { c };
            if self.regular.advance(c).is_some() || c == '\n' {
                out.push(c);
            } else {
                self.missing.insert(c);
                out.push('\u{FFFD}');
            }
        }
        out
    }

    fn width(&mut self, text: &str, weight: Weight, size: f32) -> f32 {
        let face = self.face(weight);
        text.chars()
            .map(|c| face.advance(c).unwrap_or(500.0))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// Greedy word wrap to `max` points; words longer than a line are cut.
    fn wrap(&mut self, text: &str, weight: Weight, size: f32, max: f32) -> Vec<String> {
        let text = self.printable(text);
        let space = self.width(" ", weight, size);
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
                let mut w = self.width(word, weight, size);
                let mut word = word.to_string();
                if !line.is_empty() && line_w + space + w <= max {
                    line.push(' ');
                    line.push_str(&word);
                    line_w += space + w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                while w > max {
                    // Cut the word at the last character that fits.
                    let mut cut = String::new();
                    let mut cut_w = 0.0;
                    for c in word.chars() {
                        let cw = self.width(c.encode_utf8(&mut [0; 4]), weight, size);
                        if cut_w + cw > max && !cut.is_empty() {
                            break;
                        }
                        cut.push(c);
                        cut_w += cw;
                    }
                    word = word[cut.len()..].to_string();
                    lines.push(cut);
                    w = self.width(&word, weight, size);
                }
                line = word;
                line_w = w;
            }
            lines.push(line);
        }
        lines
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a page is open")
    }

    fn new_page(&mut self, landscape: bool) {
        let (w, h) = self.paper.size_pt();
        let (width, height) = if landscape { (h, w) } else { (w, h) };
        self.pages.push(Page {
            width,
            height,
            shapes: Vec::new(),
            text: Vec::new(),
            font: None,
        });
        self.y = height - MARGIN;
    }

    fn landscape(&self) -> bool {
        self.pages.last().is_some_and(|p| p.width > p.height)
    }

    fn content_width(&self) -> f32 {
        self.pages.last().map_or(0.0, |p| p.width) - 2.0 * MARGIN
    }

    fn bottom(&self) -> f32 {
        MARGIN + FOOTER
    }

    /// Places one line of (already printable) text with its baseline at `y`.
    fn text_at(&mut self, x: f32, y: f32, text: &str, weight: Weight, size: f32) {
        if text.is_empty() {
            return;
        }
        let id = self.face(weight).id.clone();
        let page = self.page();
        if page.font != Some((weight, size)) {
            page.text.push(Op::SetFont {
                font: PdfFontHandle::External(id),
                size: Pt(size),
            });
            page.font = Some((weight, size));
        }
        page.text.push(Op::SetTextMatrix {
            matrix: TextMatrix::Translate(Pt(round(x)), Pt(round(y))),
        });
        page.text.push(Op::ShowText {
            items: vec![TextItem::Text(text.to_string())],
        });
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        let point = |x: f32, y: f32| printpdf::LinePoint {
            p: printpdf::Point {
                x: Pt(round(x)),
                y: Pt(round(y)),
            },
            bezier: false,
        };
        self.page().shapes.push(Op::DrawLine {
            line: printpdf::Line {
                points: vec![point(x1, y1), point(x2, y2)],
                is_closed: false,
            },
        });
    }

    /// Draws the vertical rules of the current table segment down to the current row.
    fn close_grid(&mut self) {
        let Some((xs, top)) = self
            .grid
            .as_mut()
            .and_then(|g| g.top.take().map(|t| (g.xs.clone(), t)))
        else {
            return;
        };
        let bottom = self.y;
        for x in xs {
            self.line(x, top, x, bottom);
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<Color>, stroke: bool) {
        let page = self.page();
        let mode = match (fill.is_some(), stroke) {
            (true, true) => PaintMode::FillStroke,
            (true, false) => PaintMode::Fill,
            _ => PaintMode::Stroke,
        };
        if let Some(col) = fill {
            page.shapes.push(Op::SetFillColor { col });
        }
        page.shapes.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(round(x)),
                y: Pt(round(y)),
                width: Pt(round(w)),
                height: Pt(round(h)),
                mode: Some(mode),
                winding_order: None,
            },
        });
    }

    /// A heading; level 1 starts a new page (landscape if asked) and gets a bookmark.
    fn heading(&mut self, text: &str, level: u8, landscape: bool) {
        let size = match level {
            1 => 16.0,
            2 => 12.0,
            _ => 10.0,
        };
        if level == 1 || self.pages.is_empty() || landscape != self.landscape() {
            self.new_page(landscape);
        } else if self.y - 3.0 * size < self.bottom() + 40.0 {
            self.new_page(self.landscape());
        }
        if level <= 2 {
            self.bookmarks
                .push((text.to_string(), self.pages.len() - 1));
        }
        self.y -= size * 0.4;
        let max = self.content_width();
        for line in self.wrap(text, Weight::Bold, size, max) {
            self.y -= size * LEADING;
            self.text_at(MARGIN, self.y, &line, Weight::Bold, size);
        }
        self.y -= size * 0.6;
    }

    fn paragraph(&mut self, text: &str, size: f32) {
        let max = self.content_width();
        for line in self.wrap(text, Weight::Regular, size, max) {
            if self.y - size * LEADING < self.bottom() {
                self.new_page(self.landscape());
            }
            self.y -= size * LEADING;
            self.text_at(MARGIN, self.y, &line, Weight::Regular, size);
        }
        self.y -= size * 0.7;
    }

    /// A table whose header repeats on every page it runs over. Rows taller than a
    /// page are split between pages; no text is ever cut off.
    fn table(&mut self, cols: &[Col], rows: impl IntoIterator<Item = Vec<Cell>>, size: f32) {
        let total: f32 = cols.iter().map(|c| c.share).sum();
        let width = self.content_width();
        let widths: Vec<f32> = cols.iter().map(|c| c.share / total * width).collect();
        let line_h = size * LEADING;
        let header: Vec<Vec<String>> = cols
            .iter()
            .zip(&widths)
            .map(|(c, w)| self.wrap(c.title, Weight::Bold, size, w - 2.0 * PAD))
            .collect();
        let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * line_h + 2.0 * PAD;
        let mut xs = vec![MARGIN];
        xs.extend(widths.iter().scan(MARGIN, |x, w| {
            *x += w;
            Some(*x)
        }));
        self.grid = Some(Grid { xs, top: None });
        if self.y - header_h - line_h - 2.0 * PAD < self.bottom() {
            self.new_page(self.landscape());
        }
        let header_fill = vec![Some(rgb(229, 231, 235)); cols.len()];
        self.draw_row(&widths, &header, &header_fill, Weight::Bold, size);
        for row in rows {
            let fills: Vec<Option<Color>> = row.iter().map(|c| c.fill.map(owner_fill)).collect();
            let mut lines: Vec<Vec<String>> = row
                .iter()
                .zip(&widths)
                .map(|(c, w)| self.wrap(&c.text, Weight::Regular, size, w - 2.0 * PAD))
                .collect();
            loop {
                let needed = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
                let room = ((self.y - self.bottom() - 2.0 * PAD) / line_h)
                    .floor()
                    .max(0.0) as usize;
                if needed <= room {
                    self.draw_row(&widths, &lines, &fills, Weight::Regular, size);
                    break;
                }
                let page_height = self.pages.last().map_or(0.0, |p| p.height);
                let page_room = ((page_height - 2.0 * MARGIN - FOOTER - header_h - 2.0 * PAD)
                    / line_h) as usize;
                if needed > page_room && room >= 3 {
                    // A row taller than a page: what fits here, the rest on the next page.
                    let rest: Vec<Vec<String>> = lines
                        .iter_mut()
                        .map(|l| l.split_off(room.min(l.len())))
                        .collect();
                    self.draw_row(&widths, &lines, &fills, Weight::Regular, size);
                    lines = rest;
                }
                // The (rest of the) row goes to the next page, under a repeated header.
                self.close_grid();
                self.new_page(self.landscape());
                self.draw_row(&widths, &header, &header_fill, Weight::Bold, size);
            }
        }
        self.close_grid();
        self.grid = None;
        self.y -= 8.0;
    }

    /// One row: cell fills, the rule under it, and the text. The vertical rules come
    /// from the grid (or a box per cell outside a table).
    fn draw_row(
        &mut self,
        widths: &[f32],
        lines: &[Vec<String>],
        fills: &[Option<Color>],
        weight: Weight,
        size: f32,
    ) {
        let line_h = size * LEADING;
        let height =
            lines.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * line_h + 2.0 * PAD;
        let top = self.y;
        let right = MARGIN + widths.iter().sum::<f32>();
        let in_grid = self.grid.is_some();
        if let Some(grid) = self.grid.as_mut() {
            if grid.top.is_none() {
                grid.top = Some(top);
                self.line(MARGIN, top, right, top);
            }
        }
        let mut x = MARGIN;
        for ((w, cell_lines), fill) in widths.iter().zip(lines).zip(fills) {
            if fill.is_some() || !in_grid {
                self.rect(x, top - height, *w, height, fill.clone(), !in_grid);
            }
            let mut y = top - PAD;
            for line in cell_lines {
                y -= line_h;
                self.text_at(x + PAD, y + size * 0.22, line, weight, size);
            }
            x += w;
        }
        if in_grid {
            self.line(MARGIN, top - height, right, top - height);
        }
        self.y = top - height;
    }

    /// Two-column key/value table without header (title page).
    fn facts(&mut self, facts: &[(&str, String)]) {
        let width = self.content_width();
        let key_w = width * 0.28;
        for (key, value) in facts {
            let lines = self.wrap(value, Weight::Regular, 9.0, width - key_w - 2.0 * PAD);
            let needed = lines.len().max(1) as f32 * 9.0 * LEADING + 2.0 * PAD;
            if self.y - needed < self.bottom() {
                self.new_page(self.landscape());
            }
            let row = vec![vec![self.printable(key)], lines];
            self.draw_row(
                &[key_w, width - key_w],
                &row,
                &[Some(rgb(249, 250, 251)), None],
                Weight::Regular,
                9.0,
            );
        }
        self.y -= 10.0;
    }

    fn finish(mut self, report: &Report) -> PdfOut {
        let total = self.pages.len();
        let title = self.printable(&self.title.clone());
        for i in 0..total {
            let (w, _) = (self.pages[i].width, self.pages[i].height);
            let footer = format!("{title} — {} / {total}", i + 1);
            let fw = self.width(&footer, Weight::Regular, 7.0);
            let idx = self.pages.len() - 1;
            // Footers are written on their own page.
            self.pages.swap(i, idx);
            self.text_at((w - fw) / 2.0, MARGIN - 6.0, &footer, Weight::Regular, 7.0);
            self.pages.swap(i, idx);
        }
        let mut doc = PdfDocument::new(&report.meta.title);
        doc.metadata.info.creator = format!("onus {}", report.meta.versions.onus);
        doc.metadata.info.producer = "onus (printpdf)".to_string();
        doc.metadata.info.subject = "Shared responsibility matrix".to_string();
        if let Some(org) = &report.meta.org {
            doc.metadata.info.author = org.clone();
        }
        if let Some(date) = crate::text::Date::parse(&report.meta.date) {
            let seconds = date.unix_seconds();
            if let Ok(t) = printpdf::OffsetDateTime::from_unix_timestamp(seconds) {
                doc.metadata.info.creation_date = t;
                doc.metadata.info.modification_date = t;
                doc.metadata.info.metadata_date = t;
            }
        }
        // Fixed resource ids (printpdf's own are drawn from a counter).
        for face in [&self.regular, &self.bold] {
            doc.resources
                .fonts
                .map
                .insert(face.id.clone(), printpdf::PdfFont::new(face.font.clone()));
        }
        for (i, (name, page)) in self.bookmarks.iter().enumerate() {
            doc.bookmarks.map.insert(
                printpdf::PageAnnotId(format!("B{i:06}")),
                printpdf::PageAnnotation {
                    name: crate::text::visible(name).into_owned(),
                    page: *page + 1,
                },
            );
        }
        let pages = self
            .pages
            .into_iter()
            .map(|p| {
                let mut ops = p.shapes;
                ops.insert(0, Op::SetOutlineThickness { pt: Pt(0.3) });
                ops.insert(
                    0,
                    Op::SetOutlineColor {
                        col: rgb(156, 163, 175),
                    },
                );
                ops.push(Op::SetFillColor {
                    col: rgb(17, 24, 39),
                });
                ops.push(Op::StartTextSection);
                ops.extend(p.text);
                ops.push(Op::EndTextSection);
                PdfPage::new(Mm::from(Pt(p.width)), Mm::from(Pt(p.height)), ops)
            })
            .collect();
        doc.with_pages(pages);
        PdfOut {
            bytes: fix_trailer_id(save(&doc)),
            missing: self.missing,
        }
    }
}

/// Serialises with printpdf, compressing the streams at a fast level: printpdf's own
/// save compresses at the best (slowest) level, which took most of the time of a large
/// report for a few percent of size.
fn save(doc: &PdfDocument) -> Vec<u8> {
    use std::io::Write;
    let options = PdfSaveOptions {
        optimize: false,
        ..PdfSaveOptions::default()
    };
    let mut lo = printpdf::to_lopdf_doc(doc, &options, &mut Vec::new());
    // printpdf marks every file with a PDF/X version key; this is a plain PDF.
    if let Ok(info) = lo
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
    {
        if let Ok(dict) = lo.get_dictionary_mut(info) {
            dict.remove(b"GTS_PDFXVersion");
        }
    }
    for object in lo.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(3));
        if encoder.write_all(&stream.content).is_ok() {
            if let Ok(compressed) = encoder.finish() {
                if compressed.len() < stream.content.len() {
                    stream.dict.set("Filter", "FlateDecode");
                    stream.set_content(compressed);
                }
            }
        }
    }
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes)
        .expect("writing to memory cannot fail");
    bytes
}

/// printpdf writes a random trailer `/ID`; replace it by a digest of the content so the
/// same report always gives the same bytes. The strings keep their length, so the
/// cross-reference offsets stay valid.
fn fix_trailer_id(mut bytes: Vec<u8>) -> Vec<u8> {
    let Some(start) = find_last(&bytes, b"/ID") else {
        return bytes;
    };
    let Some(open) = bytes[start..]
        .iter()
        .position(|&b| b == b'[')
        .map(|p| start + p)
    else {
        return bytes;
    };
    let Some(close) = bytes[open..]
        .iter()
        .position(|&b| b == b']')
        .map(|p| open + p)
    else {
        return bytes;
    };
    let mut ranges = Vec::new();
    let mut i = open;
    while i < close {
        if bytes[i] == b'(' {
            let end = bytes[i..close]
                .iter()
                .position(|&b| b == b')')
                .map_or(close, |p| i + p);
            ranges.push((i + 1, end));
            i = end;
        }
        i += 1;
    }
    for &(a, b) in &ranges {
        bytes[a..b].fill(b'0');
    }
    let digest = crate::text::sha256_hex(&bytes);
    for &(a, b) in &ranges {
        let fill: Vec<u8> = digest.bytes().cycle().take(b - a).collect();
        bytes[a..b].copy_from_slice(&fill);
    }
    bytes
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

pub fn render(report: &Report, paper: Paper) -> PdfOut {
    let mut l = Layout {
        paper,
        grid: None,
        regular: Face::new("F1", REGULAR_TTF),
        bold: Face::new("F2", BOLD_TTF),
        pages: Vec::new(),
        y: 0.0,
        bookmarks: Vec::new(),
        missing: BTreeSet::new(),
        title: match &report.meta.org {
            Some(org) => format!("{} — {org}", report.meta.title),
            None => report.meta.title.clone(),
        },
    };
    let m = &report.meta;

    // Title page.
    l.new_page(false);
    l.bookmarks.push(("Title".into(), 0));
    l.y -= 120.0;
    let max = l.content_width();
    for line in l.wrap(&m.title, Weight::Bold, 24.0, max) {
        l.y -= 24.0 * LEADING;
        l.text_at(MARGIN, l.y, &line, Weight::Bold, 24.0);
    }
    if let Some(org) = &m.org {
        l.y -= 8.0;
        let org = l.printable(org);
        l.y -= 14.0 * LEADING;
        l.text_at(MARGIN, l.y, &org, Weight::Regular, 14.0);
    }
    l.y -= 30.0;
    let join = |v: &[String], none: &str| {
        if v.is_empty() {
            none.to_string()
        } else {
            v.join(", ")
        }
    };
    let mut facts = vec![
        (
            "Organisation",
            m.org.clone().unwrap_or_else(|| "(not set: --org)".into()),
        ),
        ("Report date", m.date.clone()),
        ("Inventory as of", m.as_of.clone()),
        (
            "Inventory",
            format!("{} ({} rows)", m.inventory.path, m.inventory.rows),
        ),
        ("Inventory SHA-256", m.inventory.sha256.clone()),
        ("Accounts", join(&m.scope.accounts, "(no account column)")),
        ("Regions", join(&m.scope.regions, "(no region column)")),
        (
            "Environments",
            join(&m.scope.environments, "(no environment column)"),
        ),
        (
            "Services",
            format!(
                "{} assessed, {} unassessed",
                m.counts.assessed, m.counts.unassessed
            ),
        ),
        ("Catalogue", m.versions.catalogue.clone()),
        (
            "Frameworks",
            if m.versions.frameworks.is_empty() {
                "none selected".into()
            } else {
                m.versions
                    .frameworks
                    .iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            },
        ),
        ("onus", m.versions.onus.to_string()),
    ];
    if m.unassessed_rows > 0 {
        facts.push((
            "INCOMPLETE",
            format!("{} rows unassessed: the catalogue does not know some services; nobody has decided who owns their duties", m.unassessed_rows),
        ));
    }
    l.facts(&facts);

    // Summary.
    l.heading("Summary", 1, false);
    l.paragraph(
        &format!(
            "Who carries each duty across the {} assessed services of the inventory.",
            m.counts.assessed
        ),
        9.0,
    );
    let yes_no = |o: Owner, side: Owner| match o {
        x if x == side => "Yes",
        Owner::Shared => "Partly",
        Owner::NotApplicable | Owner::Unassessed => "—",
        _ => "No",
    };
    let rows: Vec<Vec<Cell>> = report
        .areas
        .iter()
        .map(|a| {
            let s = &report.summary[&a.id];
            vec![
                cell(&a.name),
                cell(yes_no(s.owner, Owner::Provider)),
                cell(yes_no(s.owner, Owner::Customer)),
                owner_cell(&s.label, s.owner),
            ]
        })
        .collect();
    l.table(
        &[
            Col {
                title: "Duty area",
                share: 4.0,
            },
            Col {
                title: "Provider",
                share: 1.0,
            },
            Col {
                title: "Customer",
                share: 1.0,
            },
            Col {
                title: "Owner across the inventory",
                share: 3.5,
            },
        ],
        rows,
        8.0,
    );
    l.paragraph(&report.provider_note, 8.5);

    // Matrix by tier, landscape.
    let mut first = true;
    for tier in &report.tiers {
        let services: Vec<_> = report
            .services
            .iter()
            .filter(|s| s.tier.as_deref() == Some(tier.id.as_str()))
            .collect();
        if services.is_empty() {
            continue;
        }
        let title = format!("Matrix: {}", tier.name);
        l.heading(&title, if first { 1 } else { 2 }, true);
        if first {
            if let Some(b) = l.bookmarks.last_mut() {
                b.0 = "Matrix by tier".into();
            }
        }
        first = false;
        l.paragraph(&tier.meaning, 8.0);
        let mut cols = vec![
            Col {
                title: "Service",
                share: 3.4,
            },
            Col {
                title: "Variant",
                share: 2.2,
            },
        ];
        cols.extend(report.areas.iter().map(|a| Col {
            title: &a.short,
            share: 1.35,
        }));
        let rows = services.iter().map(|s| {
            let mut row = vec![cell(&s.name), cell(s.variant.as_deref().unwrap_or("—"))];
            row.extend(report.areas.iter().map(|a| {
                let d = &s.duties[&a.id];
                let star = if d.basis == crate::vocab::Basis::Assumed {
                    "*"
                } else {
                    ""
                };
                owner_cell(format!("{}{star}", d.owner.display()), d.owner)
            }));
            row
        });
        l.table(&cols, rows.collect::<Vec<_>>(), 6.0);
    }
    if !first {
        let legend: Vec<String> = report
            .areas
            .iter()
            .map(|a| format!("{} = {}", a.short, a.name))
            .collect();
        l.paragraph(&format!("Columns: {}.", legend.join("; ")), 7.0);
        if !report.assumptions.is_empty() {
            l.paragraph("* Assumed: the split depends on how the service is used and the inventory does not say; the customer is assumed to own the duty.", 7.0);
        }
    }
    let unassessed: Vec<_> = report.services.iter().filter(|s| !s.assessed).collect();
    if !unassessed.is_empty() {
        l.heading("Unassessed services", 1, false);
        l.paragraph(
            "Services the catalogue does not know: no owner is shown for any of their duties.",
            9.0,
        );
        let rows = unassessed.iter().map(|s| {
            vec![
                owner_cell(&s.written, Owner::Unassessed),
                cell(crate::text::lines_text(&s.rows)),
            ]
        });
        l.table(
            &[
                Col {
                    title: "As written",
                    share: 2.0,
                },
                Col {
                    title: "Inventory lines",
                    share: 3.0,
                },
            ],
            rows.collect::<Vec<_>>(),
            TABLE_SIZE,
        );
    }

    // Frameworks, landscape.
    let many = report.frameworks.len() > 1;
    for f in &report.frameworks {
        let mut title = format!("{} {}", f.name, f.version);
        if let Some(b) = &f.baseline_name {
            title.push_str(&format!(" — {b} baseline"));
        }
        l.heading(&title, 1, true);
        let counts: Vec<String> = f
            .counts
            .iter()
            .map(|(o, n)| format!("{} {n}", o.id()))
            .collect();
        l.paragraph(
            &format!(
                "-f {} · {} controls ({}) · {} · {} Where the provider has a part, you monitor it through the provider's attestations (SOC 2 CC9.2, ISO/IEC 27001 A.5.19–A.5.23).",
                f.selection,
                f.controls.len(),
                counts.join(", "),
                f.publisher,
                f.licence
            ),
            8.0,
        );
        let parts = |parts: &[crate::join::Part], monitor: bool| {
            if parts.is_empty() {
                return "—".to_string();
            }
            let mut text: Vec<String> = parts.iter().map(crate::join::Part::describe).collect();
            if monitor {
                text.push("Monitor through the provider's attestations.".into());
            }
            text.join("\n")
        };
        let mut cols = vec![
            Col {
                title: "Control",
                share: 1.3,
            },
            Col {
                title: "Label",
                share: 3.0,
            },
            Col {
                title: "Owner",
                share: 2.2,
            },
            Col {
                title: "What you must do",
                share: 5.5,
            },
            Col {
                title: "Inherited from the provider",
                share: 4.5,
            },
            Col {
                title: "Services",
                share: 2.8,
            },
        ];
        if many {
            cols.push(Col {
                title: "Related",
                share: 2.2,
            });
        }
        let rows = f.controls.iter().map(|c| {
            let mut label = c.label.clone();
            if let Some(t) = &c.text {
                label = format!("{label}\n{t}");
            }
            let mut row = vec![
                cell(&c.id),
                cell(label),
                owner_cell(&c.summary, c.owner),
                cell(parts(&c.customer, false)),
                cell(parts(&c.provider, c.monitor_provider)),
                cell(&c.services_text),
            ];
            if many {
                let related: Vec<String> = c
                    .related
                    .iter()
                    .map(|(fw, ids)| format!("{fw}: {}", ids.join(", ")))
                    .collect();
                row.push(cell(if related.is_empty() {
                    "—".into()
                } else {
                    related.join("\n")
                }));
            }
            row
        });
        l.table(&cols, rows.collect::<Vec<_>>(), 6.5);
    }

    // Per-service detail.
    l.heading("Services", 1, false);
    l.paragraph(
        "Each cell with its owner, the basis for it and the reason.",
        9.0,
    );
    for s in report.services.iter().filter(|s| s.assessed) {
        let mut name = s.name.clone();
        if let Some(v) = &s.variant_name {
            name.push_str(&format!(" — {v}"));
        }
        l.heading(&name, 3, false);
        let mut line = format!(
            "{}{} · tier {} · inventory lines {}",
            s.id.as_deref().unwrap_or(""),
            s.variant
                .as_ref()
                .map(|v| format!(" variant {v}"))
                .unwrap_or_default(),
            s.tier.as_deref().unwrap_or(""),
            crate::text::lines_text(&s.rows)
        );
        for (label, values) in [
            ("accounts", &s.accounts),
            ("environments", &s.environments),
            ("regions", &s.regions),
        ] {
            if !values.is_empty() {
                line.push_str(&format!(" · {label} {}", values.join(", ")));
            }
        }
        l.paragraph(&line, 7.5);
        let rows = report.areas.iter().map(|a| {
            let d = &s.duties[&a.id];
            let mut why = d.reason.clone();
            if let Some(src) = &d.source {
                why.push_str(&format!(" (source: {src})"));
            }
            vec![
                cell(&a.name),
                owner_cell(d.owner.display(), d.owner),
                cell(d.basis.id()),
                cell(why),
            ]
        });
        l.table(
            &[
                Col {
                    title: "Duty area",
                    share: 3.0,
                },
                Col {
                    title: "Owner",
                    share: 1.1,
                },
                Col {
                    title: "Basis",
                    share: 1.1,
                },
                Col {
                    title: "Why",
                    share: 6.0,
                },
            ],
            rows.collect::<Vec<_>>(),
            TABLE_SIZE,
        );
    }

    // Overrides, assumptions, diagnostics.
    l.heading("Overrides", 1, false);
    if report.overrides.is_empty() {
        l.paragraph("None: every owner comes from the catalogue.", 9.0);
    } else {
        let rows = report.overrides.iter().map(|o| {
            vec![
                cell(o.line.to_string()),
                cell(match &o.variant {
                    Some(v) => format!("{} ({v})", o.service),
                    None => o.service.clone(),
                }),
                cell(&o.area),
                cell(o.catalogue.display()),
                cell(&o.value),
                cell(&o.rationale),
                cell(if o.applied {
                    "yes".to_string()
                } else {
                    o.note.clone()
                }),
            ]
        });
        l.table(
            &[
                Col {
                    title: "Line",
                    share: 0.7,
                },
                Col {
                    title: "Service",
                    share: 2.2,
                },
                Col {
                    title: "Area",
                    share: 1.8,
                },
                Col {
                    title: "Catalogue",
                    share: 1.1,
                },
                Col {
                    title: "Override",
                    share: 1.1,
                },
                Col {
                    title: "Rationale",
                    share: 3.5,
                },
                Col {
                    title: "Applied",
                    share: 2.0,
                },
            ],
            rows.collect::<Vec<_>>(),
            TABLE_SIZE,
        );
    }
    l.heading("Diagnostics and assumptions", 1, false);
    l.heading("Assumptions", 3, false);
    if report.assumptions.is_empty() {
        l.paragraph(
            "None: every cell follows from the catalogue, a variant or an override.",
            9.0,
        );
    } else {
        let rows = report.assumptions.iter().map(|x| {
            vec![
                cell(&x.service),
                cell(x.variant.as_deref().unwrap_or("—")),
                cell(&x.area),
                cell(&x.reason),
            ]
        });
        l.table(
            &[
                Col {
                    title: "Service",
                    share: 2.0,
                },
                Col {
                    title: "Variant",
                    share: 1.5,
                },
                Col {
                    title: "Area",
                    share: 2.0,
                },
                Col {
                    title: "Why the customer is assumed",
                    share: 7.0,
                },
            ],
            rows.collect::<Vec<_>>(),
            TABLE_SIZE,
        );
    }
    l.heading("Diagnostics", 3, false);
    if report.diagnostics.is_empty() {
        l.paragraph("None.", 9.0);
    } else {
        let rows = report.diagnostics.iter().map(|d| {
            let at = match d.line {
                Some(line) => format!("{}:{line}", d.file),
                None => d.file.clone(),
            };
            vec![cell(d.level.id()), cell(at), cell(&d.message)]
        });
        l.table(
            &[
                Col {
                    title: "Level",
                    share: 1.0,
                },
                Col {
                    title: "Where",
                    share: 2.5,
                },
                Col {
                    title: "Message",
                    share: 8.0,
                },
            ],
            rows.collect::<Vec<_>>(),
            TABLE_SIZE,
        );
    }

    // Inventory appendix.
    l.heading("Inventory appendix", 1, false);
    let omitted = report.inventory.omitted();
    if omitted == 0 {
        l.paragraph("Every row of the inventory and what it resolved to.", 9.0);
    } else {
        l.paragraph(&format!("The first {} rows of the inventory and what they resolved to; {omitted} more rows are not listed here (--appendix-rows). responsibility-matrix.json lists every row.", report.inventory.listed()), 9.0);
    }
    let rows = report.inventory.head().map(|r| {
        let status = match r.status {
            crate::classify::RowStatus::Assessed => cell("assessed"),
            crate::classify::RowStatus::Unassessed => owner_cell("unassessed", Owner::Unassessed),
            crate::classify::RowStatus::Skipped => cell("skipped"),
        };
        vec![
            cell(r.line.to_string()),
            cell(r.written),
            cell(r.service.unwrap_or("—")),
            cell(r.variant.unwrap_or("—")),
            cell(r.account),
            cell(r.environment),
            cell(r.region),
            status,
        ]
    });
    l.table(
        &[
            Col {
                title: "Line",
                share: 0.8,
            },
            Col {
                title: "As written",
                share: 3.0,
            },
            Col {
                title: "Resolved to",
                share: 2.4,
            },
            Col {
                title: "Variant",
                share: 1.8,
            },
            Col {
                title: "Account",
                share: 1.8,
            },
            Col {
                title: "Environment",
                share: 1.4,
            },
            Col {
                title: "Region",
                share: 1.4,
            },
            Col {
                title: "Status",
                share: 1.3,
            },
        ],
        rows.collect::<Vec<_>>(),
        TABLE_SIZE,
    );
    l.finish(report)
}
