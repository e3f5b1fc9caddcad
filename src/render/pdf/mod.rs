//! The PDF: the rendered Markdown report, printed.
//!
//! In: the Markdown the report template rendered (so the PDF says what the template, a
//! user's ejected one included, says) and a small page setup. Out: the PDF's bytes and
//! the characters the embedded font could not show.
//!
//! The Markdown is parsed into blocks ([`blocks`]), laid out by our own engine
//! ([`layout`]) and written with lopdf ([`writer`]) in the embedded fonts ([`font`]).
//! The document's first `#` heading and what follows it up to the first `##` make the
//! cover; a table of contents follows it, with page numbers and links; every heading is
//! a bookmark. An HTML comment `<!-- pagebreak -->` starts a new page; a section whose
//! table is too wide for a portrait page goes on landscape pages. Every page but the
//! cover carries the running header, and every page its number, "n / N".

mod font;
mod layout;

mod writer;

pub use layout::Paper;

use crate::render::blocks::{self, plain, Block, Rich, Style};
use layout::{heading_size, Layout, Measure, BODY, LEADING, MARGIN, MUTED, SMALL, TABLE};
use std::collections::BTreeSet;
use writer::{Bookmark, Info, Link, Target, INK};

/// What the Markdown does not say about the printed document.
#[derive(Debug, Clone, Default)]
pub struct PageSetup {
    pub paper: Paper,
    /// The running header, at the top of every page but the cover.
    pub header: String,
    /// The document's author and date, for its metadata.
    pub author: Option<String>,
    pub date: Option<crate::text::Date>,
}

pub struct PdfOut {
    pub bytes: Vec<u8>,
    /// Characters the font has no glyph for (shown as U+FFFD).
    pub missing: BTreeSet<char>,
}

/// The PDF of a rendered Markdown document.
pub fn render(markdown: &str, setup: &PageSetup) -> PdfOut {
    let blocks::Blocks { blocks, links } = blocks::blocks(markdown);
    let mut l = Layout::new(setup.paper, links);
    // The cover: the first heading if it is a `#` one, and what follows it up to the
    // first page break, or without one, up to the next heading of a higher level.
    let cover_end = match blocks.first() {
        Some(Block::Heading(1, _)) => {
            let rest = &blocks[1..];
            rest.iter()
                .position(|b| matches!(b, Block::PageBreak))
                .or_else(|| {
                    rest.iter()
                        .position(|b| matches!(b, Block::Heading(level, _) if *level <= 2))
                })
                .map_or(blocks.len(), |i| i + 1)
        }
        _ => 0,
    };
    let measures = measure(&mut l, &blocks);
    let mut title = String::new();
    if cover_end > 0 {
        l.new_page(false);
        l.y -= 36.0;
        if let Block::Heading(_, text) = &blocks[0] {
            title = plain(text);
            cover_title(&mut l, text);
        }
        lay_out(
            &mut l,
            &blocks[1..cover_end],
            &measures[1..cover_end],
            false,
        );
    }
    let body_start = l.pages.len();
    // The cover's own headings (after its title) are in the contents and bookmarks too.
    let first_body_heading = usize::from(cover_end > 0).min(l.headings.len());
    if body_start == 0 || !l.at_top() {
        l.new_page(false);
    }
    let body_start = if cover_end > 0 { body_start } else { 0 };
    lay_out(&mut l, &blocks[cover_end..], &measures[cover_end..], true);
    if let Some(last) = l.pages.last_mut() {
        last.seal();
    }
    // The contents, laid out after the body (whose page numbers they show), then moved
    // in front of it.
    let body_end = l.pages.len();
    let entries = contents_entries(&l, first_body_heading);
    let toc_pages = if entries.is_empty() || cover_end == 0 {
        0
    } else {
        contents(&mut l, &entries, body_start, body_end)
    };
    let moved = |page: usize| -> usize {
        if page < body_start {
            page
        } else if page < body_end {
            page + toc_pages
        } else {
            page - (body_end - body_start)
        }
    };
    l.pages[body_start..].rotate_right(toc_pages);
    for page in &mut l.pages {
        for link in &mut page.links {
            if let Target::Page(p, _) = &mut link.target {
                *p = moved(*p);
            }
        }
    }
    // Bookmarks: the title, the contents, then every heading of the body.
    let top = l.headings[first_body_heading..]
        .iter()
        .map(|h| h.level)
        .min()
        .unwrap_or(1);
    let mut bookmarks = Vec::new();
    if cover_end > 0 {
        let height = l.pages[0].height;
        bookmarks.push(Bookmark {
            title: if title.is_empty() {
                "Title".into()
            } else {
                title.clone()
            },
            depth: 0,
            page: 0,
            y: height,
        });
        if toc_pages > 0 {
            bookmarks.push(Bookmark {
                title: "Contents".into(),
                depth: 0,
                page: body_start,
                y: l.pages[body_start].height,
            });
        }
    }
    for h in &l.headings[first_body_heading..] {
        bookmarks.push(Bookmark {
            title: h.text.clone(),
            depth: usize::from(h.level.saturating_sub(top)),
            page: moved(h.page),
            y: h.y,
        });
    }
    // Running headers and page numbers, each a content stream of its own.
    let total = l.pages.len();
    let header = l.printable(&setup.header).into_owned();
    for i in 0..total {
        l.current = i;
        let (w, h) = (l.pages[i].width, l.pages[i].height);
        let side = if w > h {
            layout::SIDE_LANDSCAPE
        } else {
            MARGIN
        };
        let cover = cover_end > 0 && i == 0;
        if !cover && !header.is_empty() {
            l.text_at(
                side,
                h - MARGIN + 2.0,
                &header,
                Style::default(),
                SMALL,
                MUTED,
            );
            l.rect(
                side,
                h - MARGIN - 1.5,
                w - 2.0 * side,
                0.3,
                Some(MUTED),
                false,
            );
        }
        let number = format!("{} / {total}", i + 1);
        let nw = l.width(&number, Style::default(), SMALL);
        l.text_at(
            (w - nw) / 2.0,
            MARGIN - 8.0,
            &number,
            Style::default(),
            SMALL,
            MUTED,
        );
        l.pages[i].seal();
    }
    let info = Info {
        title: if title.is_empty() {
            &setup.header
        } else {
            &title
        },
        author: setup.author.as_deref(),
        date: setup.date,
    };
    let [regular, bold] = &l.faces;
    let bytes = writer::document(&mut l.pages, [regular, bold], &bookmarks, &info);
    PdfOut {
        bytes,
        missing: l.missing,
    }
}

/// Every table's column measures, and whether it needs a landscape page.
fn measure(l: &mut Layout, blocks: &[Block]) -> Vec<Option<(Measure, bool)>> {
    let portrait = l.portrait_width();
    blocks
        .iter()
        .map(|b| match b {
            Block::Table { header, rows } => {
                let m = l.measure_table(header, rows, table_size(header));
                let wide = m.wide(portrait);
                Some((m, wide))
            }
            _ => None,
        })
        .collect()
}

/// Key/value tables (no header) read at body size; others at table size.
fn table_size(header: &[Rich]) -> f32 {
    if header.iter().all(|c| plain(c).trim().is_empty()) {
        BODY
    } else {
        TABLE
    }
}

fn cover_title(l: &mut Layout, text: &Rich) {
    let size = 24.0;
    let bold = layout::bolded(text);
    l.headings.push(layout::Placed {
        level: 1,
        text: plain(text),
        page: l.current,
        y: l.y,
    });
    let max = l.content_width();
    for line in l.wrap(&bold, size, max) {
        l.y -= size * LEADING;
        let mut x = MARGIN;
        for frag in &line.frags {
            l.text_at(x, l.y, &frag.text, frag.style, size, INK);
            x += frag.w;
        }
    }
    l.y -= 24.0;
}

/// Lays out blocks; in the body, a section (a heading and what follows it up to the
/// next heading of its level or higher) whose table is wide goes on landscape pages,
/// and a top-level section without one on portrait pages.
fn lay_out(l: &mut Layout, blocks: &[Block], measures: &[Option<(Measure, bool)>], body: bool) {
    let top = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(level, _) => Some(*level),
            _ => None,
        })
        .min()
        .unwrap_or(2);
    let mut page_break = false;
    for (i, block) in blocks.iter().enumerate() {
        if body {
            if let Block::Heading(level, _) = block {
                let end = blocks[i + 1..]
                    .iter()
                    .position(|b| matches!(b, Block::Heading(l, _) if l <= level))
                    .map_or(blocks.len(), |k| i + 1 + k);
                let wide = measures[i..end]
                    .iter()
                    .any(|m| m.as_ref().is_some_and(|(_, wide)| *wide));
                let landscape = l.landscape();
                if wide && !landscape || (!wide && landscape && *level <= top) {
                    l.new_page(wide);
                    page_break = false;
                }
            }
        }
        if page_break {
            let landscape = l.landscape();
            l.new_page(landscape);
            page_break = false;
        }
        match block {
            Block::Heading(level, text) => l.heading(*level, text),
            Block::Para {
                text,
                indent,
                marker,
                quote,
            } => l.paragraph(text, BODY, *indent, marker.as_deref(), *quote),
            Block::Table { header, rows } => {
                if let Some((m, wide)) = &measures[i] {
                    if *wide && !l.landscape() && body {
                        l.new_page(true);
                    }
                    let size = table_size(header);
                    let groups = m.groups(l.content_width());
                    if groups.len() == 1 {
                        l.table(header, rows, m, size);
                    } else {
                        // Too wide for the page even so: the columns in groups, one
                        // table each, every one with the first column.
                        for group in groups {
                            let pick = |cells: &[Rich]| -> Vec<Rich> {
                                group.iter().map(|&c| cells[c].clone()).collect()
                            };
                            let part: Vec<Vec<Rich>> = rows.iter().map(|r| pick(r)).collect();
                            l.table(&pick(header), &part, &m.columns(&group), size);
                        }
                    }
                }
            }
            Block::Rule => l.rule(),
            Block::PageBreak => page_break = !l.at_top(),
        }
    }
}

/// A line of the contents: a heading's text, its depth, and its page before the
/// contents are moved in front of the body.
struct Entry {
    text: String,
    depth: u8,
    page: usize,
    y: f32,
}

/// The contents list the body's two top heading levels.
fn contents_entries(l: &Layout, first: usize) -> Vec<Entry> {
    let headings = &l.headings[first..];
    let top = headings.iter().map(|h| h.level).min().unwrap_or(2);
    headings
        .iter()
        .filter(|h| h.level <= top + 1)
        .map(|h| Entry {
            text: h.text.clone(),
            depth: h.level - top,
            page: h.page,
            y: h.y,
        })
        .collect()
}

/// Lays out the contents on pages after the body and returns how many there are.
/// Each entry is one line (a long title is shortened), so the number of pages is known
/// before the page numbers are written.
fn contents(l: &mut Layout, entries: &[Entry], body_start: usize, body_end: usize) -> usize {
    let size = BODY;
    let line_h = size * LEADING * 1.25;
    let (pw, ph) = l.paper.size_pt();
    let title_h = heading_size(2) * LEADING + 12.0;
    let usable = ph - 2.0 * MARGIN - layout::HEADER - layout::FOOTER;
    let first_page = ((usable - title_h) / line_h).floor().max(1.0) as usize;
    let per_page = (usable / line_h).floor().max(1.0) as usize;
    let pages = if entries.len() <= first_page {
        1
    } else {
        1 + (entries.len() - first_page).div_ceil(per_page)
    };
    let number_w = 30.0;
    let width = pw - 2.0 * MARGIN;
    l.new_page(false);
    // Not through `heading`: the contents are no bookmark of their own here.
    let title: Rich = vec![blocks::Span {
        text: "Contents".into(),
        style: Style {
            bold: true,
            ..Style::default()
        },
    }];
    let hs = heading_size(2);
    l.y -= hs * LEADING;
    let line = l.wrap(&title, hs, width).remove(0);
    let mut x = MARGIN;
    for frag in &line.frags {
        l.text_at(x, l.y, &frag.text, frag.style, hs, INK);
        x += frag.w;
    }
    l.y -= 12.0;
    for entry in entries {
        if l.y - line_h < MARGIN + layout::FOOTER {
            l.new_page(false);
        }
        l.y -= line_h;
        let indent = f32::from(entry.depth) * 14.0;
        let style = Style {
            bold: entry.depth == 0,
            ..Style::default()
        };
        let shown = if entry.page < body_start {
            entry.page + 1
        } else {
            entry.page + pages + 1
        };
        let number = shown.to_string();
        let max = width - indent - number_w;
        let text = l.printable(&entry.text).into_owned();
        let text = shorten(l, &text, style, size, max);
        let baseline = l.y + size * 0.3;
        l.text_at(MARGIN + indent, baseline, &text, style, size, INK);
        let nw = l.width(&number, style, size);
        l.text_at(MARGIN + width - nw, baseline, &number, style, size, INK);
        let target = Target::Page(entry.page, entry.y);
        let rect = [MARGIN + indent, l.y, MARGIN + width, l.y + line_h];
        l.page().links.push(Link { rect, target });
    }
    let laid = l.pages.len() - body_end;
    debug_assert_eq!(laid, pages, "the contents take the pages counted");
    laid
}

/// `text` cut with an ellipsis to fit `max` points.
fn shorten(l: &mut Layout, text: &str, style: Style, size: f32, max: f32) -> String {
    if l.width(text, style, size) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let ellipsis = l.width("…", style, size);
    let mut w = 0.0;
    for c in text.chars() {
        let cw = l.width(c.encode_utf8(&mut [0; 4]), style, size);
        if w + cw + ellipsis > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf(markdown: &str) -> PdfOut {
        let out = render(
            markdown,
            &PageSetup {
                header: "Header".into(),
                ..PageSetup::default()
            },
        );
        assert!(
            lopdf::Document::load_mem(&out.bytes).is_ok(),
            "{markdown:?}"
        );
        out
    }

    #[test]
    fn strange_markdown_still_makes_a_pdf() {
        let huge = "word ".repeat(20_000);
        let wide: String = (0..60).map(|i| format!("| c{i} ")).collect::<String>() + "|";
        let rule: String = (0..60).map(|_| "|---").collect::<String>() + "|";
        let long_cell = format!("| a |\n|---|\n| {} |\n", "x".repeat(30_000));
        for md in [
            "",
            "no heading at all",
            "# Only a title",
            "## No title\n\ntext",
            "# T\n\n| a | b |\n|---|---|\n",
            "# T\n\n| |\n|---|\n| |\n",
            &format!("# T\n\n## Huge\n\n{huge}\n"),
            &format!("# T\n\n## Wide\n\n{wide}\n{rule}\n{wide}\n"),
            &format!("# T\n\n## Long cell\n\n{long_cell}"),
            "# T\n\n> unclosed **bold and `code\n\n- a\n  - b\n    1. c\n\n```\ncode\n```\n\n<div>raw <b>html",
            "# T\n\n<!-- pagebreak -->\n<!-- pagebreak -->\n\n## A\n\n<!-- pagebreak -->",
            "# T\n\n[link](https://example.com) and [inner](#a) ![img](x.png)\n\n---\n",
            "# \u{202E}T\u{0}\n\n## 日本語 😀\n\n| Provider | Customer* | — |\n|---|---|---|\n| Shared (x) | Unassessed | — |\n",
        ] {
            pdf(md);
        }
    }

    #[test]
    fn the_same_markdown_gives_the_same_bytes() {
        let md = "# T\n\n| | |\n|---|---|\n| Org | X |\n\n## A\n\ntext [l](https://e.com)\n\n### B\n\n| a | b |\n|---|---|\n| Provider | y |\n";
        assert_eq!(pdf(md).bytes, pdf(md).bytes);
    }

    #[test]
    fn the_font_reports_what_it_cannot_show() {
        let out = pdf("# T\n\n## 日本\n\nÜber Ελληνικά");
        assert_eq!(out.missing.into_iter().collect::<String>(), "日本");
    }
}
