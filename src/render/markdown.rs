//! The rendered Markdown report, parsed: one parser with fixed options for every
//! format made from it, the owner words a table cell may hold, and the HTML body
//! (pulldown-cmark's HTML writer behind an adaptor that gives owner cells their class,
//! headings their anchors and wide tables a scrolling box).
//!
//! User text reaches the Markdown through the `md` filter, which escapes HTML: what the
//! writer passes through as raw HTML is only what the template itself writes.

use crate::vocab::Owner;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// The parser every format uses: GitHub-flavoured tables and strikethrough.
pub fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
}

/// The HTML comment a template writes where a printed document starts a new page.
pub const PAGE_BREAK: &str = "<!-- pagebreak -->";

/// Whether raw HTML from the template is the page-break comment.
pub fn is_page_break(html: &str) -> bool {
    html.trim() == PAGE_BREAK
}

/// Whether raw HTML from the template is a line break (`<br>`, `<br/>`, `<br />`), as
/// the `md` filter writes for the line breaks of a table cell.
pub fn is_line_break(html: &str) -> bool {
    let tag = html.trim().to_ascii_lowercase();
    let inner = tag.trim_start_matches('<').trim_end_matches('>');
    inner.trim_end_matches('/').trim() == "br"
}

/// The owner a table cell's text names: `Provider`, `Customer`, `Shared`, `—` or
/// `Unassessed`, alone, with an assumption's `*`, or followed by counts in parentheses
/// (`Shared (customer on 9 services, provider on 1)`).
pub fn owner_word(text: &str) -> Option<Owner> {
    let text = text.trim();
    Owner::ALL.into_iter().find(|o| {
        text.strip_prefix(o.display())
            .is_some_and(|rest| rest.is_empty() || rest == "*" || rest.starts_with(" ("))
    })
}

/// The CSS class of an owner's cell, `owner-provider`.
pub fn owner_class(owner: Owner) -> &'static str {
    match owner {
        Owner::Provider => "owner-provider",
        Owner::Customer => "owner-customer",
        Owner::Shared => "owner-shared",
        Owner::NotApplicable => "owner-na",
        Owner::Unassessed => "owner-unassessed",
    }
}

/// A heading of the document: for navigation, the outline and the contents.
#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// The HTML anchor, unique in the document.
    pub id: String,
}

/// Anchors from heading texts: lower case letters and digits joined by `-`, made
/// unique with a number.
#[derive(Default)]
pub struct Slugs(std::collections::HashMap<String, usize>);

impl Slugs {
    pub fn slug(&mut self, text: &str) -> String {
        let mut slug = String::with_capacity(text.len());
        for c in text.chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        while slug.ends_with('-') {
            slug.pop();
        }
        if slug.is_empty() {
            slug.push_str("section");
        }
        let n = self.0.entry(slug.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            slug = format!("{slug}-{n}");
        }
        slug
    }
}

/// The plain text of some inline events.
pub fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

/// Tables with more columns than this scroll in a box of their own, in small type.
const MATRIX_COLUMNS: usize = 8;

/// The HTML body of the rendered Markdown, and its headings in order.
pub fn html(markdown: &str) -> (String, Vec<Heading>) {
    let mut adaptor = Adaptor {
        events: parser(markdown),
        queue: std::collections::VecDeque::new(),
        in_head: false,
        slugs: Slugs::default(),
        headings: Vec::new(),
    };
    let mut body = String::with_capacity(markdown.len() + markdown.len() / 2);
    pulldown_cmark::html::push_html(&mut body, &mut adaptor);
    (body, adaptor.headings)
}

/// The events between the parser and the HTML writer: a heading gets its anchor, a
/// table its box, an owner's cell its class, a page break a mark for print. Events
/// stream through; only a heading, a table's header row or a cell is held at a time.
struct Adaptor<'a> {
    events: Parser<'a>,
    queue: std::collections::VecDeque<Event<'a>>,
    in_head: bool,
    slugs: Slugs,
    headings: Vec<Heading>,
}

impl<'a> Adaptor<'a> {
    /// The events up to and including the first that `end` matches.
    fn until(&mut self, end: impl Fn(&Event) -> bool) -> Vec<Event<'a>> {
        let mut held = Vec::new();
        for e in self.events.by_ref() {
            let last = end(&e);
            held.push(e);
            if last {
                break;
            }
        }
        held
    }
}

impl<'a> Iterator for Adaptor<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(e) = self.queue.pop_front() {
            return Some(e);
        }
        let event = self.events.next()?;
        match event {
            Event::Start(Tag::Heading {
                level,
                id: None,
                classes,
                attrs,
            }) => {
                let inner = self.until(|e| matches!(e, Event::End(TagEnd::Heading(_))));
                let text = plain_text(&inner);
                let id = self.slugs.slug(&text);
                self.headings.push(Heading {
                    level: level as u8,
                    text,
                    id: id.clone(),
                });
                self.queue.extend(inner);
                Some(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes,
                    attrs,
                }))
            }
            Event::Start(Tag::Table(alignments)) => {
                let head = self.until(|e| matches!(e, Event::End(TagEnd::TableHead)));
                let class = if plain_text(&head).trim().is_empty() {
                    // No header: a key/value table, like the title block.
                    "wide keyed"
                } else if alignments.len() > MATRIX_COLUMNS {
                    "wide matrix"
                } else {
                    "wide"
                };
                self.queue.push_back(Event::Start(Tag::Table(alignments)));
                self.queue.extend(head);
                Some(Event::Html(format!("<div class=\"{class}\">").into()))
            }
            Event::End(TagEnd::Table) => {
                self.queue.push_back(Event::Html("</div>\n".into()));
                Some(event)
            }
            Event::Start(Tag::TableCell) => {
                let inner = self.until(|e| matches!(e, Event::End(TagEnd::TableCell)));
                match owner_word(&plain_text(&inner)).filter(|_| !self.in_head) {
                    Some(owner) => {
                        // The writer's own cell tags carry no class: written here instead.
                        let n = inner.len().saturating_sub(1);
                        self.queue.extend(inner.into_iter().take(n));
                        self.queue.push_back(Event::Html("</td>".into()));
                        Some(Event::Html(
                            format!("<td class=\"{}\">", owner_class(owner)).into(),
                        ))
                    }
                    None => {
                        self.queue.extend(inner);
                        Some(event)
                    }
                }
            }
            Event::Start(Tag::TableHead) => {
                self.in_head = true;
                Some(event)
            }
            Event::End(TagEnd::TableHead) => {
                self.in_head = false;
                Some(event)
            }
            Event::Html(html) if is_page_break(&html) => {
                Some(Event::Html("<div class=\"pagebreak\"></div>\n".into()))
            }
            other => Some(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_words_are_whole_cells() {
        assert_eq!(owner_word("Provider"), Some(Owner::Provider));
        assert_eq!(owner_word(" Customer* "), Some(Owner::Customer));
        assert_eq!(
            owner_word("Shared (customer on 9 services, provider on 1)"),
            Some(Owner::Shared)
        );
        assert_eq!(owner_word("—"), Some(Owner::NotApplicable));
        assert_eq!(owner_word("Customers of the bank"), None);
        assert_eq!(owner_word("Provider-managed keys"), None);
    }

    #[test]
    fn the_html_body_classes_owner_cells_and_escapes_user_text() {
        let md = "# T\n\n## A b\n\n| S | x |\n|---|---|\n| &lt;script&gt;alert(1)&lt;/script&gt; | Shared* |\n\n## A b\n";
        let (body, headings) = html(md);
        assert!(
            body.contains("<td class=\"owner-shared\">Shared*</td>"),
            "{body}"
        );
        assert!(body.contains("&lt;script&gt;"), "{body}");
        assert!(!body.contains("<script>"), "{body}");
        let ids: Vec<&str> = headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["t", "a-b", "a-b-2"]);
        assert!(body.contains("<h2 id=\"a-b-2\">"), "{body}");
    }

    #[test]
    fn line_and_page_breaks_are_recognised() {
        assert!(is_line_break("<br>") && is_line_break("<BR />") && is_line_break("<br/>"));
        assert!(!is_line_break("<b>"));
        assert!(is_page_break("<!-- pagebreak -->\n"));
    }
}
