//! The embedded fonts: DejaVu Sans Condensed, regular and bold (licence in
//! `assets/fonts/`), read with printpdf's font parser for glyph ids and advances, and
//! embedded whole as composite fonts shown by glyph id (`Identity-H`) with a `ToUnicode`
//! map, so the text can be searched and copied. The font files are compressed once, at
//! build time (`build.rs`).

use lopdf::{dictionary, Object, ObjectId, Stream, StringFormat};
use printpdf::ParsedFont;
use std::io::Write;

const REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSansCondensed.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSansCondensed-Bold.ttf");
// The same fonts, zlib-compressed by build.rs, for the `FontFile2` streams.
const REGULAR_ZLIB: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/DejaVuSansCondensed.ttf.zlib"));
const BOLD_ZLIB: &[u8] = include_bytes!(concat!(
    env!("OUT_DIR"),
    "/DejaVuSansCondensed-Bold.ttf.zlib"
));

/// One embedded font: its glyphs and advance widths (in 1/1000 em), and the glyphs the
/// document uses (for the widths and the `ToUnicode` map).
pub(super) struct Face {
    /// The resource name, `F1`.
    pub id: &'static str,
    /// The PostScript name, `DejaVuSansCondensed`.
    name: &'static str,
    font: ParsedFont,
    units_per_em: f32,
    /// Glyph id and advance by character, looked up once each.
    ascii: [Option<(u16, f32)>; 128],
    glyphs: rustc_hash::FxHashMap<char, Option<(u16, f32)>>,
    /// By glyph id: the character the document shows with it, if any.
    used: Vec<Option<char>>,
    zlib: &'static [u8],
    length: usize,
}

impl Face {
    pub fn regular() -> Face {
        Face::new("F1", "DejaVuSansCondensed", REGULAR_TTF, REGULAR_ZLIB)
    }

    pub fn bold() -> Face {
        Face::new("F2", "DejaVuSansCondensed-Bold", BOLD_TTF, BOLD_ZLIB)
    }

    fn new(id: &'static str, name: &'static str, bytes: &[u8], zlib: &'static [u8]) -> Face {
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
            zlib,
            length: bytes.len(),
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
    pub fn glyph(&mut self, c: char) -> Option<(u16, f32)> {
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

    pub fn advance(&mut self, c: char) -> Option<f32> {
        self.glyph(c).map(|(_, w)| w)
    }

    /// The width of `text` at `size` points (a glyph the font lacks counts half an em).
    pub fn width(&mut self, text: &str, size: f32) -> f32 {
        let mut units = 0.0;
        for b in text.bytes() {
            if b.is_ascii() {
                units += self.ascii[b as usize].map_or(500.0, |(_, w)| w);
            }
        }
        if !text.is_ascii() {
            for c in text.chars().filter(|c| !c.is_ascii()) {
                units += self.advance(c).unwrap_or(500.0);
            }
        }
        units * size / 1000.0
    }

    /// `text` as a hex string of glyph ids, `<0012003A>`, recording the glyphs used;
    /// characters without a glyph are pushed to `lacking` and shown as glyph 0.
    pub fn encode(&mut self, text: &str, out: &mut Vec<u8>, lacking: &mut Vec<char>) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        out.push(b'<');
        for c in text.chars() {
            let gid = self.glyph(c).map_or_else(
                || {
                    lacking.push(c);
                    0
                },
                |(g, _)| g,
            );
            let slot = usize::from(gid);
            if slot >= self.used.len() {
                self.used.resize(slot + 1, None);
            }
            self.used[slot].get_or_insert(c);
            for shift in [12, 8, 4, 0] {
                out.push(HEX[usize::from((gid >> shift) & 0xF)]);
            }
        }
        out.push(b'>');
    }

    /// The glyphs the document shows, by id, with their characters.
    fn used(&self) -> impl Iterator<Item = (u16, char)> + '_ {
        self.used
            .iter()
            .enumerate()
            .filter_map(|(gid, c)| c.map(|c| (gid as u16, c)))
    }

    /// Design units to the PDF's 1/1000 em.
    fn scaled(&self, v: i16) -> i64 {
        (f32::from(v) * 1000.0 / self.units_per_em).round() as i64
    }

    /// The font as a composite font shown by glyph id: the `Type0` font, its
    /// `CIDFontType2` descendant with the widths of the glyphs used, the descriptor with
    /// the font file, and the `ToUnicode` map that makes the text searchable.
    pub fn embed(&self, doc: &mut lopdf::Document) -> ObjectId {
        let name = self.name;
        let file = doc.add_object(Stream::new(
            dictionary! { "Filter" => "FlateDecode", "Length1" => self.length as i64 },
            self.zlib.to_vec(),
        ));
        let m = &self.font.pdf_font_metrics;
        let metrics = &self.font.font_metrics;
        let descriptor = doc.add_object(dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => Object::Name(name.into()),
            "Flags" => 32,
            "FontBBox" => vec![self.scaled(m.x_min).into(), self.scaled(m.y_min).into(), self.scaled(m.x_max).into(), self.scaled(m.y_max).into()],
            "ItalicAngle" => 0,
            "Ascent" => self.scaled(metrics.ascent),
            "Descent" => self.scaled(metrics.descent),
            "CapHeight" => self.scaled(metrics.ascent),
            "StemV" => if m.us_weight_class >= 600 { 120 } else { 80 },
            "FontFile2" => file,
        });
        let mut widths = Vec::new();
        for (gid, c) in self.used() {
            let w = self.lookup(c).map_or(0.0, |(_, w)| w);
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
        let to_unicode = doc.add_object(compressed(&to_unicode_cmap(self.used())));
        doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => Object::Name(name.into()),
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![cid_font.into()],
            "ToUnicode" => to_unicode,
        })
    }
}

/// A PDF text string: UTF-16BE with a byte-order mark (invisible characters shown).
pub(super) fn text_string(text: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in crate::text::visible(text).encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
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

/// A stream, compressed at a fast level.
pub(super) fn compressed(content: &[u8]) -> Stream {
    Stream::new(dictionary! { "Filter" => "FlateDecode" }, zlib(content))
}

/// zlib at its fastest level: a large report's content streams dominate the time of the
/// PDF, and the fonts (the bulk of a small file) are compressed at build time. One
/// compressor a thread, reset for each stream: a new one for each of a thousand pages
/// spent more time getting and clearing its tables than compressing.
pub(super) fn zlib(content: &[u8]) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    thread_local! {
        static COMPRESS: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::fast(), true));
    }
    COMPRESS.with(|compress| {
        let mut compress = compress.borrow_mut();
        compress.reset();
        let mut out = Vec::with_capacity(content.len() / 3 + 64);
        loop {
            let read = compress.total_in() as usize;
            let status = compress
                .compress_vec(&content[read..], &mut out, FlushCompress::Finish)
                .expect("compressing in memory cannot fail");
            if status == Status::StreamEnd {
                return out;
            }
            out.reserve(out.capacity().max(1024));
        }
    })
}
