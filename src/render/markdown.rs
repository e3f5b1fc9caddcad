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
    [
        Owner::Provider,
        Owner::Customer,
        Owner::Shared,
        Owner::NotApplicable,
        Owner::Unassessed,
    ]
    .into_iter()
    .find(|o| {
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
    let events: Vec<Event> = parser(markdown).collect();
    let mut out: Vec<Event> = Vec::with_capacity(events.len() + 64);
    let mut headings = Vec::new();
    let mut slugs = Slugs::default();
    let mut in_head = false;
    let mut i = 0;
    // The index of the event that ends the element opened at `i`.
    let end_of = |i: usize, end: &dyn Fn(&Event) -> bool| {
        (i + 1..events.len())
            .find(|&j| end(&events[j]))
            .unwrap_or(events.len())
    };
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Heading {
                level,
                id: None,
                classes,
                attrs,
            }) => {
                let end = end_of(i, &|e| matches!(e, Event::End(TagEnd::Heading(_))));
                let text = plain_text(&events[i + 1..end]);
                let id = slugs.slug(&text);
                headings.push(Heading {
                    level: *level as u8,
                    text,
                    id: id.clone(),
                });
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(id)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::Start(Tag::Table(alignments)) => {
                let class = if alignments.len() > MATRIX_COLUMNS {
                    "wide matrix"
                } else {
                    "wide"
                };
                out.push(Event::Html(format!("<div class=\"{class}\">").into()));
                out.push(events[i].clone());
            }
            Event::End(TagEnd::Table) => {
                out.push(events[i].clone());
                out.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::TableHead) => {
                in_head = true;
                out.push(events[i].clone());
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                out.push(events[i].clone());
            }
            Event::Start(Tag::TableCell) if !in_head => {
                let end = end_of(i, &|e| matches!(e, Event::End(TagEnd::TableCell)));
                let inner = &events[i + 1..end];
                match owner_word(&plain_text(inner)) {
                    Some(owner) => {
                        // The writer's own cell tags carry no class: written here instead.
                        out.push(Event::Html(
                            format!("<td class=\"{}\">", owner_class(owner)).into(),
                        ));
                        out.extend(inner.iter().cloned());
                        out.push(Event::Html("</td>".into()));
                        i = end + 1;
                        continue;
                    }
                    None => out.push(events[i].clone()),
                }
            }
            Event::Html(html) if is_page_break(html) => {
                out.push(Event::Html("<div class=\"pagebreak\"></div>\n".into()));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    let mut body = String::with_capacity(markdown.len() + markdown.len() / 2);
    pulldown_cmark::html::push_html(&mut body, out.into_iter());
    (body, headings)
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
