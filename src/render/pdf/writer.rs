//! The PDF file: pages as content streams written operator by operator, put together
//! with lopdf (catalog, page tree, fonts, outline, link annotations, metadata). The file
//! is byte-identical for the same pages: object numbers follow the layout and the
//! trailer `/ID` is a digest of the content.

use super::font::{text_string, zlib, Face};
use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream, StringFormat};
use std::io::Write;

/// A number for a content stream, to a hundredth of a point (shorter streams, no visible
/// change), followed by a space.
pub(super) fn num(out: &mut Vec<u8>, v: f32) {
    let v = if v.is_finite() { v } else { 0.0 };
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
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Color(pub [u8; 3]);

impl Color {
    /// `r g b` followed by `op` (`rg` fill, `RG` stroke).
    pub fn set(self, out: &mut Vec<u8>, op: &str) {
        for c in self.0 {
            num(out, f32::from(c) / 255.0);
        }
        out.extend_from_slice(op.as_bytes());
        out.push(b'\n');
    }
}

/// The colour of body text.
pub(super) const INK: Color = Color([17, 24, 39]);
/// The colour of rules and table lines.
const RULE: Color = Color([156, 163, 175]);

/// Where a link goes.
pub(super) enum Target {
    Uri(String),
    /// A page, by index, and the height on it.
    Page(usize, f32),
}

/// A clickable area of a page.
pub(super) struct Link {
    pub rect: [f32; 4],
    pub target: Target,
}

/// A page's content: its shapes, then its text (one text object), as operators. A page
/// is sealed (compressed) as soon as the next one starts; what is drawn on it later (the
/// running header, the page number) becomes another content stream.
pub(super) struct Page {
    pub width: f32,
    pub height: f32,
    pub shapes: Vec<u8>,
    pub text: Vec<u8>,
    /// The font (face index and size) and fill colour set in `text`.
    pub font: Option<(usize, f32)>,
    pub color: Option<Color>,
    sealed: Vec<Vec<u8>>,
    pub links: Vec<Link>,
}

impl Page {
    pub fn new(width: f32, height: f32) -> Page {
        Page {
            width,
            height,
            shapes: Vec::new(),
            text: Vec::new(),
            font: None,
            color: None,
            sealed: Vec::new(),
            links: Vec::new(),
        }
    }

    /// Compresses what is drawn so far into a content stream of its own.
    pub fn seal(&mut self) {
        if self.shapes.is_empty() && self.text.is_empty() {
            return;
        }
        let mut content = Vec::with_capacity(self.shapes.len() + self.text.len() + 64);
        if !self.shapes.is_empty() {
            RULE.set(&mut content, "RG");
            content.extend_from_slice(b"0.3 w\n");
            content.extend_from_slice(&self.shapes);
        }
        if !self.text.is_empty() {
            INK.set(&mut content, "rg");
            content.extend_from_slice(b"BT\n");
            content.extend_from_slice(&self.text);
            content.extend_from_slice(b"ET\n");
        }
        self.sealed.push(zlib(&content));
        self.shapes = Vec::new();
        self.text = Vec::new();
        self.font = None;
        self.color = None;
    }
}

/// An outline entry: a heading's text, its depth (0 at the top) and where it is.
pub(super) struct Bookmark {
    pub title: String,
    pub depth: usize,
    pub page: usize,
    pub y: f32,
}

/// The document information dictionary's texts.
pub(super) struct Info<'a> {
    pub title: &'a str,
    pub author: Option<&'a str>,
    pub date: Option<crate::text::Date>,
}

/// The file: catalog, page tree, fonts, outline, links and metadata around the pages'
/// (sealed) content streams.
pub(super) fn document(
    pages: &mut [Page],
    faces: [&Face; 2],
    bookmarks: &[Bookmark],
    info: &Info,
) -> Vec<u8> {
    let mut doc = lopdf::Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut fonts = Dictionary::new();
    for face in faces {
        fonts.set(face.id, face.embed(&mut doc));
    }
    let resources = doc.add_object(dictionary! { "Font" => fonts });
    // Page objects first, so that links and bookmarks can point at any page.
    let page_ids: Vec<ObjectId> = pages.iter().map(|_| doc.new_object_id()).collect();
    let destination = |page: usize, y: f32| -> Object {
        let id = page_ids[page.min(page_ids.len().saturating_sub(1))];
        vec![
            Object::Reference(id),
            "XYZ".into(),
            Object::Null,
            Object::Real(y),
            Object::Null,
        ]
        .into()
    };
    // Everything the trailer /ID is a digest of: every page's content.
    let mut digest = sha2::Sha256::default();
    for (page, &id) in pages.iter_mut().zip(&page_ids) {
        let mut contents = Vec::new();
        for stream in std::mem::take(&mut page.sealed) {
            sha2::Digest::update(&mut digest, &stream);
            let stream = Stream::new(dictionary! { "Filter" => "FlateDecode" }, stream);
            contents.push(Object::Reference(doc.add_object(stream)));
        }
        let mut dict = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(page.width), Object::Real(page.height)],
            "Resources" => resources,
            "Contents" => contents,
        };
        if !page.links.is_empty() {
            let annots: Vec<Object> = page
                .links
                .iter()
                .map(|link| {
                    let mut a = dictionary! {
                        "Type" => "Annot",
                        "Subtype" => "Link",
                        "Rect" => link.rect.iter().map(|&v| Object::Real(v)).collect::<Vec<_>>(),
                        "Border" => vec![0.into(), 0.into(), 0.into()],
                    };
                    match &link.target {
                        Target::Uri(uri) => {
                            sha2::Digest::update(&mut digest, uri.as_bytes());
                            a.set(
                                "A",
                                dictionary! {
                                    "S" => "URI",
                                    "URI" => Object::string_literal(uri.as_bytes().to_vec()),
                                },
                            )
                        }
                        Target::Page(p, y) => a.set("Dest", destination(*p, *y)),
                    }
                    Object::Dictionary(a)
                })
                .collect();
            dict.set("Annots", annots);
        }
        doc.objects.insert(id, Object::Dictionary(dict));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Count" => page_ids.len() as i64,
            "Kids" => page_ids.iter().map(|&id| Object::Reference(id)).collect::<Vec<_>>(),
        }),
    );
    let outlines = outline(&mut doc, bookmarks, &destination);
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Outlines" => outlines,
        "PageMode" => "UseOutlines",
    });
    let mut dict = dictionary! {
        "Title" => text_string(info.title),
        "Subject" => text_string("Shared responsibility matrix"),
        "Creator" => text_string(&format!("onus {}", env!("CARGO_PKG_VERSION"))),
        "Producer" => text_string("onus"),
    };
    if let Some(author) = info.author {
        dict.set("Author", text_string(author));
    }
    if let Some(date) = info.date {
        let stamp = format!("D:{}000000Z", date.to_string().replace('-', ""));
        dict.set("CreationDate", Object::string_literal(stamp.clone()));
        dict.set("ModDate", Object::string_literal(stamp));
    }
    for (_, v) in dict.iter() {
        if let Object::String(bytes, _) = v {
            sha2::Digest::update(&mut digest, bytes);
        }
    }
    let info = doc.add_object(dict);
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

/// The outline: one bookmark a heading, nested by depth, each opening its heading.
fn outline(
    doc: &mut lopdf::Document,
    bookmarks: &[Bookmark],
    destination: &dyn Fn(usize, f32) -> Object,
) -> ObjectId {
    let root = doc.new_object_id();
    let ids: Vec<ObjectId> = bookmarks.iter().map(|_| doc.new_object_id()).collect();
    // Each bookmark's parent: the last one before it with a smaller depth.
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(bookmarks.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, b) in bookmarks.iter().enumerate() {
        while stack.last().is_some_and(|&p| bookmarks[p].depth >= b.depth) {
            stack.pop();
        }
        parents.push(stack.last().copied());
        stack.push(i);
    }
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); bookmarks.len()];
    let mut top = Vec::new();
    for (i, parent) in parents.iter().enumerate() {
        match parent {
            Some(p) => kids[*p].push(i),
            None => top.push(i),
        }
    }
    let mut items: Vec<Dictionary> = bookmarks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            dictionary! {
                "Title" => text_string(&b.title),
                "Parent" => parents[i].map_or(root, |p| ids[p]),
                "Dest" => destination(b.page, b.y),
            }
        })
        .collect();
    let link = |kids: &[usize], items: &mut Vec<Dictionary>| {
        for (k, &i) in kids.iter().enumerate() {
            if k > 0 {
                items[i].set("Prev", ids[kids[k - 1]]);
            }
            if k + 1 < kids.len() {
                items[i].set("Next", ids[kids[k + 1]]);
            }
        }
    };
    link(&top, &mut items);
    for (i, kids) in kids.iter().enumerate() {
        if let (Some(&first), Some(&last)) = (kids.first(), kids.last()) {
            link(kids, &mut items);
            items[i].set("First", ids[first]);
            items[i].set("Last", ids[last]);
            // Negative: the entry opens closed.
            items[i].set("Count", -(kids.len() as i64));
        }
    }
    for (id, item) in ids.iter().zip(items) {
        doc.objects.insert(*id, Object::Dictionary(item));
    }
    let mut outlines = dictionary! { "Type" => "Outlines", "Count" => top.len() as i64 };
    if let (Some(&first), Some(&last)) = (top.first(), top.last()) {
        outlines.set("First", ids[first]);
        outlines.set("Last", ids[last]);
    }
    doc.objects.insert(root, Object::Dictionary(outlines));
    root
}
