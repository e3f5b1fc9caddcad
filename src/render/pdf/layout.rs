//! The layout engine: styled text measured with the embedded fonts, wrapped into lines,
//! and placed on pages: paragraphs, list items, block quotes, headings, and tables whose
//! column widths follow their content and whose header row repeats on every page they
//! run over. Knows nothing of the report: it lays out what [`crate::render::blocks`] hands it.

use super::font::Face;
use super::writer::{num, Color, Link, Page, Target, INK};
use crate::render::blocks::{plain, Rich, Style};
use crate::render::markdown::owner_word;
use crate::vocab::Owner;
use std::collections::BTreeSet;
use std::io::Write;

mod table;

pub(super) use table::Measure;
use table::*;

/// Paper sizes, portrait, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    pub(super) fn size_pt(self) -> (f32, f32) {
        let (w, h) = match self {
            Paper::A4 => (210.0, 297.0),
            Paper::Letter => (215.9, 279.4),
        };
        (w * 72.0 / 25.4, h * 72.0 / 25.4)
    }
}

pub(super) const MARGIN: f32 = 34.0;
/// The side margin of landscape pages.
pub(super) const SIDE_LANDSCAPE: f32 = 24.0;
/// Room above the text for the running header, and under it for the page number.
pub(super) const HEADER: f32 = 14.0;
pub(super) const FOOTER: f32 = 20.0;
pub(super) const LEADING: f32 = 1.25;
/// Cell padding.
const PAD: f32 = 2.0;
/// Body text, table text and the running header and page numbers, in points: no text
/// is set smaller than 8 points.
pub(super) const BODY: f32 = 9.0;
pub(super) const TABLE: f32 = 8.0;
pub(super) const SMALL: f32 = 8.0;
/// A hyphenated word up to this many ems wide is not broken at its hyphens to make a
/// column narrower.
const KEEP_WHOLE: f32 = 9.0;

const LINK: Color = Color([29, 78, 216]);
const CODE: Color = Color([55, 65, 81]);
const CODE_FILL: Color = Color([238, 240, 243]);
const HEADER_FILL: Color = Color([229, 231, 235]);
const KEY_FILL: Color = Color([249, 250, 251]);
const QUOTE_BAR: Color = Color([124, 58, 237]);
pub(super) const MUTED: Color = Color([107, 114, 128]);

/// Text in one style on a line, with its width.
#[derive(Debug, Clone)]
pub(super) struct Frag {
    pub text: String,
    pub style: Style,
    pub w: f32,
}

/// One line of wrapped text.
#[derive(Debug, Default, Clone)]
pub(super) struct Line {
    pub frags: Vec<Frag>,
    pub w: f32,
}

impl Line {
    fn push(&mut self, text: &str, style: Style, w: f32) {
        match self.frags.last_mut() {
            Some(last) if last.style == style => {
                last.text.push_str(text);
                last.w += w;
            }
            _ => self.frags.push(Frag {
                text: text.to_string(),
                style,
                w,
            }),
        }
        self.w += w;
    }
}

/// A heading as placed: for the outline and the contents.
pub(super) struct Placed {
    pub level: u8,
    pub text: String,
    pub page: usize,
    pub y: f32,
}

pub(super) struct Layout {
    pub paper: Paper,
    /// Regular, then bold.
    pub faces: [Face; 2],
    pub pages: Vec<Page>,
    /// The page drawn on (the last one, but for running headers and page numbers).
    pub current: usize,
    pub y: f32,
    pub missing: BTreeSet<char>,
    /// Link targets, by [`Style::link`].
    pub links: Vec<String>,
    pub headings: Vec<Placed>,
    grid: Option<Grid>,
}

impl Layout {
    pub fn new(paper: Paper, links: Vec<String>) -> Layout {
        Layout {
            paper,
            faces: [Face::regular(), Face::bold()],
            pages: Vec::new(),
            current: 0,
            y: 0.0,
            missing: BTreeSet::new(),
            links,
            headings: Vec::new(),
            grid: None,
        }
    }

    /// Text the font can show: invisible characters made visible, tabs as spaces,
    /// missing glyphs replaced by U+FFFD and recorded.
    pub fn printable<'t>(&mut self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let visible = crate::text::visible(text);
        if visible.is_ascii() && !visible.contains('\t') {
            return visible;
        }
        let mut out = String::with_capacity(visible.len());
        for c in visible.chars() {
            let c = if c == '\t' { ' ' } else { c };
            if c == '\n' || self.faces[0].advance(c).is_some() {
                out.push(c);
            } else {
                self.missing.insert(c);
                out.push('\u{FFFD}');
            }
        }
        std::borrow::Cow::Owned(out)
    }

    pub fn width(&mut self, text: &str, style: Style, size: f32) -> f32 {
        self.faces[usize::from(style.bold)].width(text, size)
    }

    fn advance(&mut self, c: char, style: Style, size: f32) -> f32 {
        self.faces[usize::from(style.bold)]
            .advance(c)
            .unwrap_or(500.0)
            * size
            / 1000.0
    }

    /// The narrowest some text can be set, its longest line, and all its lines, in
    /// points. The narrowest is its longest word, or for a long hyphenated word, its
    /// longest part.
    fn measure(&mut self, rich: &Rich, size: f32) -> (f32, f32, Ink) {
        let (mut word, mut line, mut min, mut max) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
        let mut ink = Ink::default();
        // The whole word, hyphens included, up to the width kept whole.
        let mut whole = 0.0f32;
        for span in rich {
            let text = self.printable(&span.text);
            for c in text.chars() {
                if c == '\n' {
                    max = max.max(line);
                    ink.width += line;
                    ink.breaks += 1;
                    line = 0.0;
                    word = 0.0;
                    whole = 0.0;
                    continue;
                }
                let w = self.advance(c, span.style, size);
                line += w;
                if c == ' ' {
                    word = 0.0;
                    whole = 0.0;
                } else {
                    word += w;
                    whole += w;
                    min = min.max(word).max(whole.min(KEEP_WHOLE * size));
                    if c == '-' {
                        word = 0.0;
                    }
                }
            }
        }
        ink.width += line;
        (min, max.max(line), ink)
    }

    /// Greedy word wrap to `max` points. Lines break at spaces, at `\n`, and after a
    /// hyphen; a word longer than a line is cut.
    pub fn wrap(&mut self, rich: &Rich, size: f32, max: f32) -> Vec<Line> {
        // Most cells are one short run: one line, if it fits.
        if let [span] = rich.as_slice() {
            let text = self.printable(&span.text);
            if !text.contains('\n') && !text.contains("  ") && text.trim() == text {
                let w = self.width(&text, span.style, size);
                if w <= max {
                    let mut line = Line::default();
                    if !text.is_empty() {
                        line.frags.push(Frag {
                            text: text.into_owned(),
                            style: span.style,
                            w,
                        });
                        line.w = w;
                    }
                    return vec![line];
                }
            }
        }
        let mut wrap = Wrap {
            max,
            lines: Vec::new(),
            line: Line::default(),
            word: Line::default(),
            space: None,
        };
        for span in rich {
            let text = self.printable(&span.text).into_owned();
            let mut buf = [0u8; 4];
            for c in text.chars() {
                match c {
                    '\n' => {
                        wrap.end_word(self, size);
                        wrap.lines.push(std::mem::take(&mut wrap.line));
                        wrap.space = None;
                    }
                    ' ' => {
                        wrap.end_word(self, size);
                        if !wrap.line.frags.is_empty() {
                            wrap.space = Some(Style {
                                code: false,
                                ..span.style
                            });
                        }
                    }
                    c => {
                        let w = self.advance(c, span.style, size);
                        wrap.word.push(c.encode_utf8(&mut buf), span.style, w);
                        if c == '-' && wrap.word.w > w {
                            wrap.end_word(self, size);
                        }
                    }
                }
            }
        }
        wrap.end_word(self, size);
        wrap.lines.push(wrap.line);
        wrap.lines
    }

    pub fn page(&mut self) -> &mut Page {
        &mut self.pages[self.current]
    }

    fn is_blank(page: &Page) -> bool {
        page.shapes.is_empty() && page.text.is_empty() && page.links.is_empty()
    }

    /// Starts a page, unless the current one is still blank (it then only turns).
    pub fn new_page(&mut self, landscape: bool) {
        let (w, h) = self.paper.size_pt();
        let (width, height) = if landscape { (h, w) } else { (w, h) };
        let blank = self
            .pages
            .last()
            .is_some_and(|p| Self::is_blank(p) && self.y >= p.height - self.top_gap() - 0.5);
        if blank {
            let page = self.pages.last_mut().expect("a page");
            page.width = width;
            page.height = height;
        } else {
            if let Some(last) = self.pages.last_mut() {
                last.seal();
            }
            self.pages.push(Page::new(width, height));
        }
        self.current = self.pages.len() - 1;
        self.y = height - self.top_gap();
    }

    fn top_gap(&self) -> f32 {
        MARGIN + HEADER
    }

    pub fn landscape(&self) -> bool {
        self.pages.last().is_some_and(|p| p.width > p.height)
    }

    /// Whether nothing has been drawn on the current page.
    pub fn at_top(&self) -> bool {
        self.pages
            .last()
            .is_none_or(|p| self.y >= p.height - self.top_gap() - 0.5)
    }

    pub fn content_width(&self) -> f32 {
        self.pages.last().map_or(0.0, |p| p.width) - 2.0 * self.left()
    }

    /// The side margin: narrower on landscape pages, which hold the widest tables.
    pub fn left(&self) -> f32 {
        if self.landscape() {
            SIDE_LANDSCAPE
        } else {
            MARGIN
        }
    }

    pub fn portrait_width(&self) -> f32 {
        self.paper.size_pt().0 - 2.0 * MARGIN
    }

    fn bottom(&self) -> f32 {
        MARGIN + FOOTER
    }

    /// Room for `height` points on this page, or a new page of the same orientation.
    fn ensure(&mut self, height: f32) {
        if self.y - height < self.bottom() && !self.at_top() {
            let landscape = self.landscape();
            self.new_page(landscape);
        }
    }

    /// Places one run of (already printable) text with its baseline at `y`.
    pub fn text_at(&mut self, x: f32, y: f32, text: &str, style: Style, size: f32, color: Color) {
        if text.is_empty() {
            return;
        }
        let face = usize::from(style.bold);
        let mut hex = Vec::with_capacity(text.len() * 4 + 2);
        let mut lacking = Vec::new();
        self.faces[face].encode(text, &mut hex, &mut lacking);
        // `printable` has replaced what the regular face lacks; what the bold face lacks
        // besides shows as .notdef, and is reported.
        self.missing.extend(lacking);
        let id = self.faces[face].id;
        let page = &mut self.pages[self.current];
        let out = &mut page.text;
        if page.font != Some((face, size)) {
            let _ = write!(out, "/{id} ");
            num(out, size);
            out.extend_from_slice(b"Tf\n");
            page.font = Some((face, size));
        }
        if page.color.unwrap_or(INK) != color {
            color.set(out, "rg");
            page.color = Some(color);
        }
        // Italic: the regular face slanted.
        out.extend_from_slice(if style.italic {
            b"1 0 0.2 1 "
        } else {
            b"1 0 0 1 "
        });
        num(out, x);
        num(out, y);
        out.extend_from_slice(b"Tm ");
        out.extend_from_slice(&hex);
        out.extend_from_slice(b" Tj\n");
    }

    /// Draws a wrapped line with its left end at `x` and baseline at `y`.
    fn draw_line(&mut self, x: f32, y: f32, line: &Line, size: f32) {
        let mut x = x;
        for frag in &line.frags {
            let color = if frag.style.link.is_some() {
                LINK
            } else if frag.style.code {
                CODE
            } else {
                INK
            };
            if frag.style.code && !frag.text.trim().is_empty() {
                self.rect(
                    x - 0.5,
                    y - size * 0.25,
                    frag.w + 1.0,
                    size * 1.1,
                    Some(CODE_FILL),
                    false,
                );
            }
            if let Some(link) = frag.style.link {
                let target = self.links.get(link as usize).cloned().unwrap_or_default();
                if !target.is_empty() && !target.starts_with('#') {
                    let rect = [x, y - size * 0.25, x + frag.w, y + size * 0.85];
                    self.page().links.push(Link {
                        rect,
                        target: Target::Uri(target),
                    });
                }
            }
            self.text_at(x, y, &frag.text, frag.style, size, color);
            x += frag.w;
        }
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

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<Color>, stroke: bool) {
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

    /// A heading, kept with what follows it; recorded for the outline and contents.
    pub fn heading(&mut self, level: u8, text: &Rich) {
        let size = heading_size(level);
        self.ensure(size * 2.0 * LEADING + 4.0 * BODY * LEADING);
        if !self.at_top() {
            self.y -= size * 0.7;
        }
        let bold = bolded(text);
        self.headings.push(Placed {
            level,
            text: plain(text),
            page: self.current,
            y: self.y,
        });
        let max = self.content_width();
        let left = self.left();
        for line in self.wrap(&bold, size, max) {
            self.y -= size * LEADING;
            self.draw_line(left, self.y + size * 0.2, &line, size);
        }
        self.y -= size * 0.45;
    }

    /// A paragraph or list item: `indent` list levels in, with its marker, and `quote`
    /// block quotes deep (a bar on the left).
    pub fn paragraph(
        &mut self,
        text: &Rich,
        size: f32,
        indent: u8,
        marker: Option<&str>,
        quote: u8,
    ) {
        let left = self.left();
        let quote_x = left + f32::from(quote) * 10.0;
        let x = quote_x + f32::from(indent) * 14.0;
        let max = self.content_width() - (x - left);
        let line_h = size * LEADING;
        let lines = self.wrap(text, size, max.max(20.0));
        for (i, line) in lines.iter().enumerate() {
            self.ensure(line_h);
            self.y -= line_h;
            let baseline = self.y + size * 0.25;
            for q in 0..quote {
                let bar = left + f32::from(q) * 10.0;
                self.rect(bar, self.y - 1.0, 2.5, line_h + 1.0, Some(QUOTE_BAR), false);
            }
            if i == 0 {
                if let Some(marker) = marker {
                    let marker = marker.to_string();
                    let w = self.width(&marker, Style::default(), size);
                    self.text_at(x - w - 4.0, baseline, &marker, Style::default(), size, INK);
                }
            }
            self.draw_line(x, baseline, line, size);
        }
        self.y -= size * 0.6;
    }

    pub fn rule(&mut self) {
        self.ensure(10.0);
        self.y -= 5.0;
        let left = self.left();
        let right = left + self.content_width();
        self.line(left, self.y, right, self.y);
        self.y -= 5.0;
    }
}

/// The state of one wrap: the finished lines, the line being filled, the word being
/// read, and the style of a space owed before the next word.
struct Wrap {
    max: f32,
    lines: Vec<Line>,
    line: Line,
    word: Line,
    space: Option<Style>,
}

impl Wrap {
    /// Puts the word read onto the line, or onto the next, or cuts it.
    fn end_word(&mut self, l: &mut Layout, size: f32) {
        if self.word.frags.is_empty() {
            return;
        }
        let word = std::mem::take(&mut self.word);
        let space = match self.space.take() {
            Some(style) if !self.line.frags.is_empty() => Some((style, l.width(" ", style, size))),
            _ => None,
        };
        let space_w = space.map_or(0.0, |(_, w)| w);
        if self.line.w + space_w + word.w <= self.max {
            if let Some((style, w)) = space {
                self.line.push(" ", style, w);
            }
            append(&mut self.line, word);
            return;
        }
        if !self.line.frags.is_empty() {
            self.lines.push(std::mem::take(&mut self.line));
        }
        if word.w <= self.max {
            self.line = word;
            return;
        }
        // Longer than a line: cut at the last character that fits, again and again.
        for frag in word.frags {
            for c in frag.text.chars() {
                let w = l.advance(c, frag.style, size);
                if self.line.w + w > self.max && !self.line.frags.is_empty() {
                    self.lines.push(std::mem::take(&mut self.line));
                }
                self.line.push(c.encode_utf8(&mut [0; 4]), frag.style, w);
            }
        }
    }
}

fn append(line: &mut Line, word: Line) {
    for frag in word.frags {
        line.push(&frag.text, frag.style, frag.w);
    }
}

pub(super) fn bolded(rich: &Rich) -> Rich {
    rich.iter()
        .map(|s| crate::render::blocks::Span {
            text: s.text.clone(),
            style: Style {
                bold: true,
                ..s.style
            },
        })
        .collect()
}

pub(super) fn heading_size(level: u8) -> f32 {
    match level {
        1 => 18.0,
        2 => 14.0,
        3 => 11.0,
        _ => 9.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_at_spaces_and_hyphens_and_cuts_long_words() {
        let mut l = Layout::new(Paper::A4, Vec::new());
        let rich = |t: &str| {
            vec![crate::render::blocks::Span {
                text: t.into(),
                style: Style::default(),
            }]
        };
        let text = |lines: &[Line]| -> Vec<String> {
            lines
                .iter()
                .map(|l| l.frags.iter().map(|f| f.text.as_str()).collect())
                .collect()
        };
        let one = l.width("identity-", Style::default(), 7.0);
        let lines = l.wrap(&rich("identity-access"), 7.0, one + 1.0);
        assert_eq!(text(&lines), ["identity-", "access"]);
        let lines = l.wrap(&rich("a b\nc"), 7.0, 500.0);
        assert_eq!(text(&lines), ["a b", "c"]);
        let long = "x".repeat(200);
        let lines = l.wrap(&rich(&long), 7.0, 50.0);
        assert!(lines.len() > 3 && lines.iter().all(|l| l.w <= 50.0 + 0.01));
        assert_eq!(text(&lines).concat(), long);
    }
}
