//! The Word document: the rendered Markdown report as WordprocessingML.
//!
//! In: the Markdown the report template rendered (so an ejected template changes the
//! DOCX as it changes the HTML and the PDF) and the PDF's page setup. Out: the bytes of
//! `responsibility-matrix.docx`.
//!
//! The Markdown is walked into the same blocks the PDF lays out ([`super::blocks`]).
//! Headings take Word's heading styles (the navigation pane and a contents field work),
//! tables are Word tables whose header row repeats on every page, with the owner cells
//! shaded as in the PDF and the HTML; a part (a heading and what follows it up to the
//! next heading) whose table is too wide for a portrait page is a landscape section. The header carries the document's title and
//! organisation, the footer the page number. The zip's entries, their order and their
//! dates are fixed, and the document's dates are the report's: the same inputs give the
//! same bytes.

use super::blocks::{self, plain, Block, Rich};
use super::markdown::owner_word;
use super::pdf::{PageSetup, Paper};
use crate::vocab::Owner;
use std::fmt::Write as _;
use std::io::Write as _;

/// A table with more columns than this goes on landscape pages.
const WIDE: usize = 8;

/// The fill of an owner cell, as the HTML's and the PDF's.
fn fill(owner: Owner) -> &'static str {
    match owner {
        Owner::Provider => "DBEAFE",
        Owner::Customer => "FDE2E1",
        Owner::Shared => "FEF3C7",
        Owner::NotApplicable => "F3F4F6",
        Owner::Unassessed => "E9D5FF",
    }
}

/// Text for an XML text node or attribute: the five entities escaped, and the characters
/// XML 1.0 cannot hold (control characters) shown as U+FFFD.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Page size and margins in twentieths of a point.
struct Page {
    width: u32,
    height: u32,
}

impl Page {
    fn of(paper: Paper) -> Page {
        match paper {
            Paper::A4 => Page {
                width: 11_906,
                height: 16_838,
            },
            Paper::Letter => Page {
                width: 12_240,
                height: 15_840,
            },
        }
    }
}

const MARGIN: u32 = 1_134;

/// A section's properties: its page, portrait or landscape, with the header and footer.
fn section(page: &Page, landscape: bool) -> String {
    let (w, h, orient) = if landscape {
        (page.height, page.width, r#" w:orient="landscape""#)
    } else {
        (page.width, page.height, "")
    };
    format!(
        r#"<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/><w:footerReference w:type="default" r:id="rIdFooter"/><w:pgSz w:w="{w}" w:h="{h}"{orient}/><w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>"#
    )
}

/// The document body's writer: paragraphs and tables, with the links they use.
struct Body {
    xml: String,
    /// External link targets, by relationship id `rIdLinkN`.
    links: Vec<String>,
    /// The Markdown's link targets (by [`blocks::Style::link`]).
    targets: Vec<String>,
    page: Page,
}

impl Body {
    /// The runs of a rich text; `bold` makes every run bold (table headers).
    fn runs(&mut self, rich: &Rich, bold: bool) -> String {
        let mut out = String::new();
        for span in rich {
            let mut props = String::new();
            if span.style.bold || bold {
                props.push_str("<w:b/>");
            }
            if span.style.italic {
                props.push_str("<w:i/>");
            }
            if span.style.code {
                props.push_str(
                    r#"<w:rFonts w:ascii="Consolas" w:hAnsi="Consolas" w:cs="Consolas"/>"#,
                );
            }
            let link = span
                .style
                .link
                .and_then(|i| self.targets.get(i as usize))
                .filter(|t| t.starts_with("https://") || t.starts_with("http://"))
                .cloned();
            if link.is_some() {
                props.push_str(r#"<w:rStyle w:val="Hyperlink"/>"#);
            }
            let mut run = String::new();
            for (i, line) in span.text.split('\n').enumerate() {
                if i > 0 {
                    run.push_str("<w:br/>");
                }
                if !line.is_empty() {
                    let _ = write!(run, r#"<w:t xml:space="preserve">{}</w:t>"#, xml(line));
                }
            }
            let run = format!("<w:r><w:rPr>{props}</w:rPr>{run}</w:r>");
            match link {
                Some(target) => {
                    let id = match self.links.iter().position(|l| *l == target) {
                        Some(i) => i,
                        None => {
                            self.links.push(target);
                            self.links.len() - 1
                        }
                    };
                    let _ = write!(
                        out,
                        r#"<w:hyperlink r:id="rIdLink{id}">{run}</w:hyperlink>"#
                    );
                }
                None => out.push_str(&run),
            }
        }
        out
    }

    fn paragraph(&mut self, style: Option<&str>, props: &str, rich: &Rich) {
        let runs = self.runs(rich, false);
        let style = style.map_or(String::new(), |s| format!(r#"<w:pStyle w:val="{s}"/>"#));
        let _ = write!(self.xml, "<w:p><w:pPr>{style}{props}</w:pPr>{runs}</w:p>");
    }

    /// Ends the section so far (portrait or landscape) here.
    fn end_section(&mut self, landscape: bool) {
        let props = section(&self.page, landscape);
        let _ = write!(self.xml, "<w:p><w:pPr>{props}</w:pPr></w:p>");
    }

    fn table(&mut self, header: &[Rich], rows: &[Vec<Rich>], landscape: bool) {
        let columns = header
            .len()
            .max(rows.iter().map(Vec::len).max().unwrap_or(0))
            .max(1);
        let page_width = if landscape {
            self.page.height
        } else {
            self.page.width
        };
        let usable = page_width - 2 * MARGIN;
        // Each column as wide as its longest word or half its longest cell, within
        // bounds.
        let mut want = vec![4usize; columns];
        for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
            for (i, cell) in row.iter().enumerate().take(columns) {
                let text = plain(cell);
                let word = text
                    .split_whitespace()
                    .map(|w| w.chars().count())
                    .max()
                    .unwrap_or(0);
                want[i] = want[i]
                    .max(word.min(24))
                    .max(text.chars().count().min(40) / 2);
            }
        }
        let total: usize = want.iter().sum();
        let _ = write!(
            self.xml,
            r#"<w:tbl><w:tblPr><w:tblStyle w:val="OnusTable"/><w:tblW w:w="{usable}" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>"#
        );
        for w in &want {
            let _ = write!(
                self.xml,
                r#"<w:gridCol w:w="{}"/>"#,
                usable as usize * w / total
            );
        }
        self.xml.push_str("</w:tblGrid>");
        let size = match columns {
            c if c > 16 => 12,
            c if c > WIDE => 14,
            _ => 16,
        };
        self.row(header, columns, true, size);
        for row in rows {
            self.row(row, columns, false, size);
        }
        self.xml.push_str("</w:tbl>");
        // Word needs a paragraph between two tables, or it joins them.
        self.xml
            .push_str(r#"<w:p><w:pPr><w:spacing w:after="0"/></w:pPr></w:p>"#);
    }

    /// A table row: the header row repeats on every page and is never split.
    fn row(&mut self, cells: &[Rich], columns: usize, header: bool, size: u32) {
        self.xml.push_str("<w:tr>");
        if header {
            self.xml
                .push_str("<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>");
        }
        let empty = Rich::new();
        for i in 0..columns {
            let cell = cells.get(i).unwrap_or(&empty);
            let shade = match cell.as_slice() {
                _ if header => Some("E5E7EB"),
                [span] => owner_word(&span.text).map(fill),
                _ => owner_word(&plain(cell)).map(fill),
            };
            self.xml.push_str("<w:tc><w:tcPr>");
            if let Some(color) = shade {
                let _ = write!(
                    self.xml,
                    r#"<w:shd w:val="clear" w:color="auto" w:fill="{color}"/>"#
                );
            }
            self.xml.push_str("</w:tcPr>");
            let runs = self.runs(cell, header);
            let _ = write!(
                self.xml,
                r#"<w:p><w:pPr><w:pStyle w:val="TableText"/><w:rPr><w:sz w:val="{size}"/></w:rPr></w:pPr>{}</w:p></w:tc>"#,
                runs.replace("<w:rPr>", &format!(r#"<w:rPr><w:sz w:val="{size}"/>"#))
            );
        }
        self.xml.push_str("</w:tr>");
    }
}

/// The DOCX of a rendered Markdown document.
pub fn render(markdown: &str, setup: &PageSetup) -> Vec<u8> {
    let blocks::Blocks { blocks, links } = blocks::blocks(markdown);
    let mut body = Body {
        xml: String::new(),
        links: Vec::new(),
        targets: links,
        page: Page::of(setup.paper),
    };
    // A heading whose part (up to the next heading) holds a table too wide for a
    // portrait page starts a landscape section; the next heading whose part holds none
    // goes back to portrait.
    let wide_part: Vec<bool> = (0..blocks.len())
        .map(|i| {
            blocks[i + 1..]
                .iter()
                .take_while(|b| !matches!(b, Block::Heading(..)))
                .any(|b| matches!(b, Block::Table { header, .. } if header.len() > WIDE))
        })
        .collect();
    let mut landscape = false;
    let mut title = String::new();
    let mut contents = false;
    for (i, block) in blocks.iter().enumerate() {
        if let Block::Heading(..) = block {
            if wide_part[i] != landscape {
                body.end_section(landscape);
                landscape = wide_part[i];
            }
        }
        match block {
            Block::Heading(1, text) if title.is_empty() => {
                title = plain(text);
                body.paragraph(Some("Title"), "", text);
            }
            Block::Heading(level, text) => {
                // The contents field goes before the first section, after the cover.
                if !contents && *level == 2 {
                    contents = true;
                    body.xml.push_str(CONTENTS);
                }
                let style = format!("Heading{}", (*level).clamp(1, 4));
                body.paragraph(Some(&style), "", text);
            }
            Block::Para {
                text,
                indent,
                marker,
                quote,
            } => {
                let left = 360 * (u32::from(*indent) + u32::from(*quote));
                let mut text = text.clone();
                let props = match marker {
                    Some(m) => {
                        text.insert(
                            0,
                            blocks::Span {
                                text: format!("{m}\t"),
                                style: Default::default(),
                            },
                        );
                        format!(r#"<w:tabs><w:tab w:val="left" w:pos="{left}"/></w:tabs><w:ind w:left="{left}" w:hanging="360"/>"#)
                    }
                    None if left > 0 => format!(r#"<w:ind w:left="{left}"/>"#),
                    None => String::new(),
                };
                body.paragraph(None, &props, &text);
            }
            Block::Table { header, rows } => body.table(header, rows, landscape),
            Block::Rule => body.xml.push_str(
                r#"<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="D1D5DB"/></w:pBdr></w:pPr></w:p>"#,
            ),
            Block::PageBreak => body
                .xml
                .push_str(r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#),
        }
    }
    if landscape {
        body.end_section(true);
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{}{}</w:body></w:document>"#,
        body.xml,
        section(&body.page, false)
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdHeader" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>"#,
    );
    for (i, link) in body.links.iter().enumerate() {
        let _ = write!(
            rels,
            r#"<Relationship Id="rIdLink{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="{}" TargetMode="External"/>"#,
            xml(link)
        );
    }
    rels.push_str("</Relationships>");
    let header = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p></w:hdr>"#,
        xml(&setup.header)
    );
    let date = setup
        .date
        .map_or_else(|| "1980-01-01".to_string(), |d| d.to_string());
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">{date}T00:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{date}T00:00:00Z</dcterms:modified></cp:coreProperties>"#,
        xml(&title),
        xml(setup.author.as_deref().unwrap_or("onus"))
    );
    let app = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>onus {}</Application></Properties>"#,
        env!("CARGO_PKG_VERSION")
    );
    let parts: [(&str, &str); 11] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PACKAGE_RELS),
        ("docProps/core.xml", &core),
        ("docProps/app.xml", &app),
        ("word/document.xml", &document),
        ("word/_rels/document.xml.rels", &rels),
        ("word/styles.xml", STYLES),
        ("word/settings.xml", SETTINGS),
        ("word/header1.xml", &header),
        ("word/footer1.xml", FOOTER),
        ("word/fontTable.xml", FONTS),
    ];
    zip(&parts, setup.date)
}

/// The parts in a zip, in order, each dated the report's date (the zip's earliest date
/// before 1980).
fn zip(parts: &[(&str, &str)], date: Option<crate::text::Date>) -> Vec<u8> {
    let modified = date
        .and_then(|d| {
            let year = u16::try_from(d.year).ok()?;
            zip::DateTime::from_date_and_time(year, d.month as u8, d.day as u8, 0, 0, 0).ok()
        })
        .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(modified)
        .unix_permissions(0o644);
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        out.start_file(*name, options).expect("writing to memory");
        out.write_all(text.as_bytes()).expect("writing to memory");
    }
    out.finish().expect("writing to memory").into_inner()
}

/// A contents field that Word fills when the document opens (it asks first).
const CONTENTS: &str = r#"<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr><w:r><w:t>Contents</w:t></w:r></w:p><w:p><w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-3" \h \z \u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Update this field (F9) to list the sections.</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p><w:p><w:r><w:br w:type="page"/></w:r></w:p>"#;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:updateFields w:val="true"/><w:defaultTabStop w:val="720"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#;

const FOOTER: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> / </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> NUMPAGES </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>"#;

const FONTS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:font w:name="Calibri"/><w:font w:name="Consolas"/></w:fonts>"#;

/// The styles: Normal, Title, Heading 1-4 (with outline levels, for the navigation pane
/// and the contents), the contents heading, table text, header, footer, the hyperlink
/// character style and the report's table style.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Calibri" w:cs="Calibri"/><w:sz w:val="20"/><w:szCs w:val="20"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="1440" w:after="360"/></w:pPr><w:rPr><w:b/><w:sz w:val="48"/><w:szCs w:val="48"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="320" w:after="120"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="30"/><w:szCs w:val="30"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading4"><w:name w:val="heading 4"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="80"/><w:outlineLvl w:val="3"/></w:pPr><w:rPr><w:b/><w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:rPr><w:b/><w:sz w:val="30"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:rPr><w:color w:val="6B7280"/><w:sz w:val="16"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:rPr><w:color w:val="6B7280"/><w:sz w:val="16"/></w:rPr></w:style><w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:rPr><w:color w:val="1D4ED8"/><w:u w:val="single"/></w:rPr></w:style><w:style w:type="table" w:styleId="OnusTable"><w:name w:val="Onus Table"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="D1D5DB"/><w:left w:val="single" w:sz="4" w:space="0" w:color="D1D5DB"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="D1D5DB"/><w:right w:val="single" w:sz="4" w:space="0" w:color="D1D5DB"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="D1D5DB"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="D1D5DB"/></w:tblBorders><w:tblCellMar><w:left w:w="40" w:type="dxa"/><w:right w:w="40" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#;
