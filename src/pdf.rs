//! The PDF renderer: the report model laid out as a paginated document.
//!
//! In: a [`Report`] and the paper size. Out: the PDF's bytes and the characters the
//! embedded font could not show. The layout is our own: text is measured with the
//! embedded DejaVu Sans Condensed (licence in `assets/fonts/`, read with printpdf's font
//! parser), wrapped into table cells, and rows flow across pages with the table header
//! repeated. Wide tables go on landscape pages. Every page is numbered "n / N", every
//! section and framework has a bookmark.
//!
//! The content streams are written here, operator by operator, and the file is put
//! together with lopdf: printpdf's own serialisation took two thirds of the time of a
//! 10,000-row report. Text is shown by glyph id (`Identity-H`) with a `ToUnicode` map,
//! so it can be searched and copied. The fonts are embedded whole, compressed once at
//! build time. The file is byte-identical for the same report: object numbers follow the
//! layout and the trailer `/ID` is a digest of the content.

use crate::report::Report;
use crate::vocab::Owner;
use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream, StringFormat};
use printpdf::ParsedFont;
use std::collections::BTreeSet;
use std::io::Write;

const REGULAR_TTF: &[u8] = include_bytes!("../assets/fonts/DejaVuSansCondensed.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../assets/fonts/DejaVuSansCondensed-Bold.ttf");
// The same fonts, zlib-compressed by build.rs, for the `FontFile2` streams.
const REGULAR_ZLIB: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/DejaVuSansCondensed.ttf.zlib"));
const BOLD_ZLIB: &[u8] = include_bytes!(concat!(
    env!("OUT_DIR"),
    "/DejaVuSansCondensed-Bold.ttf.zlib"
));

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
        (w * 72.0 / 25.4, h * 72.0 / 25.4)
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

/// A number for a content stream, to a hundredth of a point (shorter streams, no visible
/// change), followed by a space.
fn num(out: &mut Vec<u8>, v: f32) {
    let hundredths = (v * 100.0).round() as i64;
    if hundredths < 0 {
        out.push(b'-');
    }
    let a = hundredths.unsigned_abs();
    let _ = write!(out, "{}", a / 100);
    let frac = a % 100;
    if frac != 0 {
        out.push(b'.');
        out.push(b'0' + (frac / 10) as u8);
        if !frac.is_multiple_of(10) {
            out.push(b'0' + (frac % 10) as u8);
        }
    }
    out.push(b' ');
}

/// An RGB colour.
#[derive(Clone, Copy, PartialEq)]
struct Color([u8; 3]);

fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color([r, g, b])
}

impl Color {
    /// `r g b` followed by `op` (`rg` fill, `RG` stroke).
    fn set(self, out: &mut Vec<u8>, op: &str) {
        for c in self.0 {
            num(out, f32::from(c) / 255.0);
        }
        out.extend_from_slice(op.as_bytes());
        out.push(b'\n');
    }
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

/// One embedded font: its glyphs and advance widths (in 1/1000 em), and the glyphs the
/// document uses (for the widths and the `ToUnicode` map).
struct Face {
    /// The resource name, `F1`.
    id: &'static str,
    /// The PostScript name, `DejaVuSansCondensed`.
    name: &'static str,
    font: ParsedFont,
    units_per_em: f32,
    /// Glyph id and advance by character, looked up once each.
    ascii: [Option<(u16, f32)>; 128],
    glyphs: rustc_hash::FxHashMap<char, Option<(u16, f32)>>,
    /// By glyph id: the character the document shows with it, if any.
    used: Vec<Option<char>>,
}

impl Face {
    fn new(id: &'static str, name: &'static str, bytes: &[u8]) -> Face {
        let font =
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("the embedded font parses");
        let units_per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        let mut face = Face {
            id,
            name,
            font,
            units_per_em,
            ascii: [None; 128],
            glyphs: Default::default(),
            used: Vec::new(),
        };
        for c in 0..128u8 {
            face.ascii[c as usize] = face.lookup(char::from(c));
        }
        face
    }

    fn lookup(&self, c: char) -> Option<(u16, f32)> {
        let gid = self.font.lookup_glyph_index(c as u32)?;
        let w = self.font.get_glyph_width(gid)?;
        Some((gid, f32::from(w) * 1000.0 / self.units_per_em))
    }

    /// The glyph id and advance of `c`, or `None` when the font has no glyph for it.
    fn glyph(&mut self, c: char) -> Option<(u16, f32)> {
        if c.is_ascii() {
            return self.ascii[c as usize];
        }
        if let Some(&known) = self.glyphs.get(&c) {
            return known;
        }
        let found = self.lookup(c);
        self.glyphs.insert(c, found);
        found
    }

    /// The glyphs the document shows, by id, with their characters.
    fn used(&self) -> impl Iterator<Item = (u16, char)> + '_ {
        self.used
            .iter()
            .enumerate()
            .filter_map(|(gid, c)| c.map(|c| (gid as u16, c)))
    }

    fn advance(&mut self, c: char) -> Option<f32> {
        self.glyph(c).map(|(_, w)| w)
    }

    /// Design units to the PDF's 1/1000 em.
    fn scaled(&self, v: i16) -> i64 {
        (f32::from(v) * 1000.0 / self.units_per_em).round() as i64
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Weight {
    Regular,
    Bold,
}

/// A page's content: its shapes, then its text (one text object), as operators. A page
/// is sealed (compressed) as soon as the next one starts; what is drawn on it later (the
/// footer) becomes a second content stream.
struct Page {
    width: f32,
    height: f32,
    shapes: Vec<u8>,
    text: Vec<u8>,
    font: Option<(Weight, f32)>,
    sealed: Vec<Vec<u8>>,
}

impl Page {
    /// Compresses what is drawn so far into a content stream of its own.
    fn seal(&mut self) {
        if self.shapes.is_empty() && self.text.is_empty() {
            return;
        }
        let mut content = Vec::with_capacity(self.shapes.len() + self.text.len() + 64);
        if !self.shapes.is_empty() {
            rgb(156, 163, 175).set(&mut content, "RG");
            content.extend_from_slice(b"0.3 w\n");
            content.extend_from_slice(&self.shapes);
        }
        rgb(17, 24, 39).set(&mut content, "rg");
        content.extend_from_slice(b"BT\n");
        content.extend_from_slice(&self.text);
        content.extend_from_slice(b"ET\n");
        self.sealed.push(zlib(&content));
        self.shapes = Vec::new();
        self.text = Vec::new();
        self.font = None;
    }
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
    /// The page drawn on (the last one, but for footers).
    current: usize,
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
        // Most cells are one short line: as the loop below would give it, if it fits.
        let single = !text.contains('\n')
            && !text.contains("  ")
            && !text.starts_with(' ')
            && !text.ends_with(' ');
        if single && self.width(&text, weight, size) <= max {
            return vec![text];
        }
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
        &mut self.pages[self.current]
    }

    fn new_page(&mut self, landscape: bool) {
        let (w, h) = self.paper.size_pt();
        let (width, height) = if landscape { (h, w) } else { (w, h) };
        if let Some(last) = self.pages.last_mut() {
            last.seal();
        }
        self.pages.push(Page {
            width,
            height,
            shapes: Vec::new(),
            text: Vec::new(),
            font: None,
            sealed: Vec::new(),
        });
        self.current = self.pages.len() - 1;
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
        let face = self.face(weight);
        let id = face.id;
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut hex = Vec::with_capacity(text.len() * 4 + 2);
        hex.push(b'<');
        let mut lacking = Vec::new();
        for c in text.chars() {
            // `printable` has replaced what the regular face lacks; what the bold face
            // lacks besides shows as .notdef, and is reported.
            let gid = face.glyph(c).map_or_else(
                || {
                    lacking.push(c);
                    0
                },
                |(g, _)| g,
            );
            let slot = usize::from(gid);
            if slot >= face.used.len() {
                face.used.resize(slot + 1, None);
            }
            face.used[slot].get_or_insert(c);
            for shift in [12, 8, 4, 0] {
                hex.push(HEX[usize::from((gid >> shift) & 0xF)]);
            }
        }
        hex.push(b'>');
        self.missing.extend(lacking);
        let page = self.page();
        let out = &mut page.text;
        if page.font != Some((weight, size)) {
            let _ = write!(out, "/{id} ");
            num(out, size);
            out.extend_from_slice(b"Tf\n");
            page.font = Some((weight, size));
        }
        out.extend_from_slice(b"1 0 0 1 ");
        num(out, x);
        num(out, y);
        out.extend_from_slice(b"Tm ");
        out.extend_from_slice(&hex);
        out.extend_from_slice(b" Tj\n");
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        let out = &mut self.page().shapes;
        num(out, x1);
        num(out, y1);
        out.extend_from_slice(b"m ");
        num(out, x2);
        num(out, y2);
        out.extend_from_slice(b"l S\n");
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
        let out = &mut self.page().shapes;
        if let Some(col) = fill {
            col.set(out, "rg");
        }
        for v in [x, y, w, h] {
            num(out, v);
        }
        out.extend_from_slice(match (fill.is_some(), stroke) {
            (true, true) => b"re B\n",
            (true, false) => b"re f\n",
            _ => b"re S\n",
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
                self.rect(x, top - height, *w, height, *fill, !in_grid);
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
        if let Some(last) = self.pages.last_mut() {
            last.seal();
        }
        for i in 0..total {
            let footer = format!("{title} — {} / {total}", i + 1);
            let fw = self.width(&footer, Weight::Regular, 7.0);
            self.current = i;
            let w = self.pages[i].width;
            self.text_at((w - fw) / 2.0, MARGIN - 6.0, &footer, Weight::Regular, 7.0);
            self.pages[i].seal();
        }
        PdfOut {
            bytes: self.document(report),
            missing: self.missing,
        }
    }

    /// The file: catalog, page tree, fonts, outline and metadata around the pages'
    /// content streams.
    fn document(&mut self, report: &Report) -> Vec<u8> {
        let mut doc = lopdf::Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let mut fonts = Dictionary::new();
        for (face, zlib, length) in [
            (&self.regular, REGULAR_ZLIB, REGULAR_TTF.len()),
            (&self.bold, BOLD_ZLIB, BOLD_TTF.len()),
        ] {
            fonts.set(face.id, embed_font(&mut doc, face, zlib, length));
        }
        let resources = doc.add_object(dictionary! { "Font" => fonts });
        // Everything the trailer /ID is a digest of: every page's content.
        let mut digest = sha2::Sha256::default();
        let mut kids = Vec::new();
        for page in &mut self.pages {
            let mut contents = Vec::new();
            for stream in std::mem::take(&mut page.sealed) {
                sha2::Digest::update(&mut digest, &stream);
                let stream = Stream::new(dictionary! { "Filter" => "FlateDecode" }, stream);
                contents.push(Object::Reference(doc.add_object(stream)));
            }
            kids.push(Object::Reference(doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "MediaBox" => vec![0.into(), 0.into(), Object::Real(page.width), Object::Real(page.height)],
                "Resources" => resources,
                "Contents" => contents,
            })));
        }
        let page_ids: Vec<Object> = kids.clone();
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Count" => kids.len() as i64,
                "Kids" => kids,
            }),
        );
        let outlines = self.outline(&mut doc, &page_ids);
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => pages_id,
            "Outlines" => outlines,
            "PageMode" => "UseOutlines",
        });
        let m = &report.meta;
        let mut info = dictionary! {
            "Title" => text_string(&m.title),
            "Subject" => text_string("Shared responsibility matrix"),
            "Creator" => text_string(&format!("onus {}", m.versions.onus)),
            "Producer" => text_string("onus"),
        };
        if let Some(org) = &m.org {
            info.set("Author", text_string(org));
        }
        if let Some(date) = crate::text::Date::parse(&m.date) {
            let stamp = format!("D:{}000000Z", date.to_string().replace('-', ""));
            info.set("CreationDate", Object::string_literal(stamp.clone()));
            info.set("ModDate", Object::string_literal(stamp));
        }
        for (_, v) in info.iter() {
            if let Object::String(bytes, _) = v {
                sha2::Digest::update(&mut digest, bytes);
            }
        }
        let info = doc.add_object(info);
        let id = Object::String(
            sha2::Digest::finalize(digest)[..16].to_vec(),
            StringFormat::Hexadecimal,
        );
        doc.trailer.set("Root", catalog);
        doc.trailer.set("Info", info);
        doc.trailer.set("ID", vec![id.clone(), id]);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes)
            .expect("writing to memory cannot fail");
        bytes
    }

    /// One bookmark a section and framework, in order, each opening its page.
    fn outline(&self, doc: &mut lopdf::Document, pages: &[Object]) -> ObjectId {
        let root = doc.new_object_id();
        let ids: Vec<ObjectId> = self.bookmarks.iter().map(|_| doc.new_object_id()).collect();
        for (i, (name, page)) in self.bookmarks.iter().enumerate() {
            let mut item = dictionary! {
                "Title" => text_string(name),
                "Parent" => root,
                "Dest" => vec![pages[*page].clone(), "Fit".into()],
            };
            if i > 0 {
                item.set("Prev", ids[i - 1]);
            }
            if i + 1 < ids.len() {
                item.set("Next", ids[i + 1]);
            }
            doc.objects.insert(ids[i], Object::Dictionary(item));
        }
        let mut outlines = dictionary! { "Type" => "Outlines", "Count" => ids.len() as i64 };
        if let (Some(first), Some(last)) = (ids.first(), ids.last()) {
            outlines.set("First", *first);
            outlines.set("Last", *last);
        }
        doc.objects.insert(root, Object::Dictionary(outlines));
        root
    }
}

/// A stream, compressed at a fast level.
fn compressed(content: &[u8]) -> Stream {
    Stream::new(dictionary! { "Filter" => "FlateDecode" }, zlib(content))
}

/// zlib at its fastest level: a large report's content streams dominate the time of the
/// PDF, and the fonts (the bulk of a small file) are compressed at build time.
fn zlib(content: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(content.len() / 3),
        flate2::Compression::fast(),
    );
    encoder
        .write_all(content)
        .and_then(|()| encoder.finish())
        .expect("compressing in memory cannot fail")
}

/// A PDF text string: UTF-16BE with a byte-order mark (invisible characters shown).
fn text_string(text: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in crate::text::visible(text).encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// A TrueType font as a composite font shown by glyph id: the `Type0` font, its
/// `CIDFontType2` descendant with the widths of the glyphs used, the descriptor with
/// the font file, and the `ToUnicode` map that makes the text searchable.
fn embed_font(doc: &mut lopdf::Document, face: &Face, zlib: &[u8], length: usize) -> ObjectId {
    let name = face.name;
    let file = doc.add_object(Stream::new(
        dictionary! { "Filter" => "FlateDecode", "Length1" => length as i64 },
        zlib.to_vec(),
    ));
    let m = &face.font.pdf_font_metrics;
    let metrics = &face.font.font_metrics;
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => Object::Name(name.into()),
        "Flags" => 32,
        "FontBBox" => vec![face.scaled(m.x_min).into(), face.scaled(m.y_min).into(), face.scaled(m.x_max).into(), face.scaled(m.y_max).into()],
        "ItalicAngle" => 0,
        "Ascent" => face.scaled(metrics.ascent),
        "Descent" => face.scaled(metrics.descent),
        "CapHeight" => face.scaled(metrics.ascent),
        "StemV" => if m.us_weight_class >= 600 { 120 } else { 80 },
        "FontFile2" => file,
    });
    let mut widths = Vec::new();
    for (gid, c) in face.used() {
        let w = face.lookup(c).map_or(0.0, |(_, w)| w);
        widths.push(Object::Integer(i64::from(gid)));
        widths.push(vec![Object::Integer(w.round() as i64)].into());
    }
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => Object::Name(name.into()),
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "DW" => 1000,
        "W" => widths,
        "CIDToGIDMap" => "Identity",
    });
    let to_unicode = doc.add_object(compressed(&to_unicode_cmap(face.used())));
    doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => Object::Name(name.into()),
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    })
}

/// The CMap from glyph ids back to text, for copying and searching.
fn to_unicode_cmap(used: impl Iterator<Item = (u16, char)>) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    let pairs: Vec<(u16, char)> = used.filter(|&(g, _)| g != 0).collect();
    for block in pairs.chunks(100) {
        let _ = writeln!(out, "{} beginbfchar", block.len());
        for (gid, c) in block {
            let mut units = [0u16; 2];
            let hex: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(out, "<{gid:04X}> <{hex}>");
        }
        out.extend_from_slice(b"endbfchar\n");
    }
    out.extend_from_slice(b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out
}

pub fn render(report: &Report, paper: Paper) -> PdfOut {
    let mut l = Layout {
        paper,
        grid: None,
        regular: Face::new("F1", "DejaVuSansCondensed", REGULAR_TTF),
        bold: Face::new("F2", "DejaVuSansCondensed-Bold", BOLD_TTF),
        pages: Vec::new(),
        current: 0,
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
                cell(crate::text::lines_text(&s.rows, s.rows.len())),
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
            crate::text::lines_text(&s.rows, s.rows.len())
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
