//! The rendered Markdown as the layout sees it: pulldown-cmark's events walked into a
//! flat list of blocks (headings, paragraphs, list items, tables, page breaks) of styled
//! text runs. Whatever the template writes, the events are balanced; raw HTML other
//! than line and page breaks is left out of print.

use crate::render::markdown::{is_line_break, is_page_break, parser};
use pulldown_cmark::{Event, Tag, TagEnd};

/// How a run of text is shown.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
pub(crate) struct Style {
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
    /// An index into [`Blocks::links`].
    pub link: Option<u32>,
}

/// A run of text in one style; `\n` is a line break.
#[derive(Clone, Debug)]
pub(crate) struct Span {
    pub text: String,
    pub style: Style,
}

pub(crate) type Rich = Vec<Span>;

/// The plain text of a run list.
pub(crate) fn plain(rich: &[Span]) -> String {
    rich.iter().map(|s| s.text.as_str()).collect()
}

#[derive(Debug)]
pub(crate) enum Block {
    Heading(u8, Rich),
    /// A paragraph, list item or code block line group: its text, how deep it sits in
    /// lists, its list marker, and how deep in block quotes.
    Para {
        text: Rich,
        indent: u8,
        marker: Option<String>,
        quote: u8,
    },
    Table {
        header: Vec<Rich>,
        rows: Vec<Vec<Rich>>,
    },
    Rule,
    PageBreak,
}

pub(crate) struct Blocks {
    pub blocks: Vec<Block>,
    /// Link targets, by [`Style::link`].
    pub links: Vec<String>,
}

/// Walks the Markdown's events into blocks.
pub(crate) fn blocks(markdown: &str) -> Blocks {
    let mut w = Walker::default();
    for event in parser(markdown) {
        w.event(event);
    }
    w.flush();
    Blocks {
        blocks: w.blocks,
        links: w.links,
    }
}

#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    links: Vec<String>,
    spans: Rich,
    style: Style,
    bold: u8,
    italic: u8,
    /// List nesting: the next number of each ordered list, `None` for bullets.
    lists: Vec<Option<u64>>,
    marker: Option<String>,
    quote: u8,
    heading: Option<u8>,
    table: Option<(Vec<Rich>, Vec<Vec<Rich>>)>,
    row: Vec<Rich>,
    in_code_block: bool,
}

impl Walker {
    fn text(&mut self, text: &str, code: bool) {
        let style = Style {
            code: code || self.in_code_block,
            ..self.style
        };
        match self.spans.last_mut() {
            Some(last) if last.style == style => last.text.push_str(text),
            _ => self.spans.push(Span {
                text: text.to_string(),
                style,
            }),
        }
    }

    /// Ends the paragraph being collected, if any.
    fn flush(&mut self) {
        if self.spans.iter().all(|s| s.text.trim().is_empty()) {
            self.spans.clear();
            return;
        }
        let text = std::mem::take(&mut self.spans);
        self.blocks.push(Block::Para {
            text,
            indent: self.lists.len() as u8,
            marker: self.marker.take(),
            quote: self.quote,
        });
    }

    fn restyle(&mut self) {
        self.style.bold = self.bold > 0;
        self.style.italic = self.italic > 0;
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t, false),
            Event::Code(t) => self.text(&t, true),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t, true),
            Event::SoftBreak => self.text(" ", false),
            Event::HardBreak => self.text("\n", false),
            Event::InlineHtml(html) if is_line_break(&html) => self.text("\n", false),
            Event::Html(html) | Event::InlineHtml(html) => {
                if is_page_break(&html) {
                    self.flush();
                    self.blocks.push(Block::PageBreak);
                }
            }
            Event::Rule => {
                self.flush();
                self.blocks.push(Block::Rule);
            }
            Event::FootnoteReference(name) => self.text(&format!("[{name}]"), false),
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }, false),
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => self.flush(),
            Tag::Heading { level, .. } => {
                self.flush();
                self.heading = Some(level as u8);
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_add(1);
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.in_code_block = true;
            }
            Tag::List(start) => {
                self.flush();
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}.", *n - 1)
                    }
                    _ => "•".to_string(),
                };
                self.marker = Some(marker);
            }
            Tag::Table(_) => {
                self.flush();
                self.table = Some((Vec::new(), Vec::new()));
            }
            Tag::TableHead | Tag::TableRow => self.row.clear(),
            Tag::TableCell => self.spans.clear(),
            Tag::Emphasis => {
                self.italic = self.italic.saturating_add(1);
                self.restyle();
            }
            Tag::Strong => {
                self.bold = self.bold.saturating_add(1);
                self.restyle();
            }
            Tag::Link { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                self.style.link = Some(self.links.len() as u32 - 1);
            }
            Tag::Image { .. }
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::HtmlBlock
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush(),
            TagEnd::Heading(_) => {
                let text = std::mem::take(&mut self.spans);
                let level = self.heading.take().unwrap_or(1);
                self.blocks.push(Block::Heading(level, text));
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                // The code block's last line break ends it; no empty line under it.
                if let Some(last) = self.spans.last_mut() {
                    while last.text.ends_with('\n') {
                        last.text.pop();
                    }
                }
                self.flush();
                self.in_code_block = false;
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => self.flush(),
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.spans);
                self.row.push(cell);
            }
            TagEnd::TableHead => {
                if let Some((header, _)) = self.table.as_mut() {
                    *header = std::mem::take(&mut self.row);
                }
            }
            TagEnd::TableRow => {
                if let Some((_, rows)) = self.table.as_mut() {
                    rows.push(std::mem::take(&mut self.row));
                }
            }
            TagEnd::Table => {
                if let Some((header, mut rows)) = self.table.take() {
                    let columns = rows.iter().map(Vec::len).chain([header.len()]).max();
                    let columns = columns.unwrap_or(0);
                    if columns > 0 {
                        let mut header = header;
                        header.resize_with(columns, Vec::new);
                        for row in &mut rows {
                            row.resize_with(columns, Vec::new);
                        }
                        self.blocks.push(Block::Table { header, rows });
                    }
                }
            }
            TagEnd::Emphasis => {
                self.italic = self.italic.saturating_sub(1);
                self.restyle();
            }
            TagEnd::Strong => {
                self.bold = self.bold.saturating_sub(1);
                self.restyle();
            }
            TagEnd::Link => self.style.link = None,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_walks_into_blocks() {
        let md = "# Title\n\n| | |\n|---|---|\n| Organisation | Jürgen **Müller** |\n\n> **Incomplete:** 3 rows\n\n<!-- pagebreak -->\n\n## Summary\n\n- one\n- two `x`\n\n| A | B |\n|---|---|\n| a<br>b | Provider |\n";
        let b = blocks(md);
        let kinds: Vec<String> = b
            .blocks
            .iter()
            .map(|b| match b {
                Block::Heading(l, t) => format!("h{l} {}", plain(t)),
                Block::Para {
                    text,
                    marker,
                    quote,
                    ..
                } => format!(
                    "p{quote} {}{}",
                    marker.as_deref().unwrap_or(""),
                    plain(text)
                ),
                Block::Table { rows, .. } => format!("table {}", plain(&rows[0][0])),
                Block::Rule => "rule".into(),
                Block::PageBreak => "break".into(),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "h1 Title",
                "table Organisation",
                "p1 Incomplete: 3 rows",
                "break",
                "h2 Summary",
                "p0 •one",
                "p0 •two x",
                "table a\nb"
            ]
        );
    }
}
