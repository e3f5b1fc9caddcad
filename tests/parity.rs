//! One document in three formats: every fact of the title block, every section heading
//! and every service's heading line of the Markdown report are in the HTML page and the
//! PDF too (its text read back with `pdftotext -layout`, from poppler), for the samples
//! and for an inventory of hostile text. And a user's edit to the ejected Markdown
//! template reaches all three.

mod common;
use onus::inventory::{Inventory, ReadOptions};
use onus::render::{escape_markdown, Format, Renderer};
use onus::report::{Report, ReportOptions};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// poppler's pdftotext; without it the PDF's checks are skipped with a note, unless
/// ONUS_REQUIRE_TOOLS is set.
fn pdftotext_found() -> bool {
    let found = Command::new("pdftotext").arg("-v").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("ONUS_REQUIRE_TOOLS").is_none(),
            "pdftotext is required (ONUS_REQUIRE_TOOLS)"
        );
        eprintln!("note: pdftotext not installed; the PDF's checks are skipped");
    }
    found
}

fn pdf_text(bytes: &[u8]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("r.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap()
}

/// The text a reader sees in an HTML page: tags dropped, entities decoded.
fn html_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        rest = rest[open..]
            .find('>')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    text.push_str(rest);
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// Text without its white space: line wrapping and table layout put breaks and runs
/// of spaces where the source has one space.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The three documents of a report, as text, and the characters the PDF's font lacks.
struct Documents {
    md: String,
    html: String,
    /// The HTML's markup, for what must not be live in it.
    html_source: String,
    pdf: Option<String>,
    missing: BTreeSet<char>,
}

fn documents(report: &Report, pdf: bool) -> Documents {
    let renderer = Renderer::new(None, Default::default()).unwrap();
    let all = renderer
        .render_all(report, &[Format::Md, Format::Html, Format::Pdf])
        .unwrap();
    let text = |i: usize| String::from_utf8(all[i].bytes()).unwrap();
    // The PDF renderer's warning names each character the font lacks, U+XXXX.
    let missing = all[2]
        .warnings
        .iter()
        .flat_map(|w| w.split([' ', ',', ';']))
        .filter_map(|word| word.strip_prefix("U+"))
        .filter_map(|hex| u32::from_str_radix(hex, 16).ok())
        .filter_map(char::from_u32)
        .filter(|&c| c != '\u{FFFD}')
        .collect();
    Documents {
        md: text(0),
        html: html_text(&text(1)),
        html_source: text(1),
        pdf: pdf.then(|| pdf_text(&all[2].bytes())),
        missing,
    }
}

impl Documents {
    /// Asserts that `text` (as the model holds it) is in all three documents: the
    /// Markdown holds it escaped, the HTML as it is, the PDF with its invisible
    /// characters made visible and what the font lacks as U+FFFD.
    fn has(&self, what: &str, text: &str) {
        assert!(
            self.md.contains(&escape_markdown(text)),
            "the Markdown lacks {what}: {text:?}"
        );
        self.rendered_has(what, &escape_markdown_text(text));
    }

    /// Asserts that text as the Markdown shows it (parsed) is in the HTML and the PDF.
    fn rendered_has(&self, what: &str, text: &str) {
        assert!(
            squeezed(&self.html).contains(&squeezed(text)),
            "the HTML lacks {what}: {text:?}"
        );
        if let Some(pdf) = &self.pdf {
            let printed: String = onus::text::visible(text)
                .chars()
                .map(|c| {
                    if self.missing.contains(&c) {
                        '\u{FFFD}'
                    } else {
                        c
                    }
                })
                .collect();
            assert!(
                squeezed(pdf).contains(&squeezed(&printed)),
                "the PDF lacks {what}: {printed:?}"
            );
        }
    }
}

/// What a reader of the Markdown sees of some escaped text: the Markdown parsed.
fn escape_markdown_text(text: &str) -> String {
    markdown_text(&escape_markdown(text))
}

fn markdown_text(markdown: &str) -> String {
    let (html, _) = onus::render::markdown::html(markdown);
    html_text(&html)
}

fn report_for(path: &Path, frameworks: &[&str], org: &str) -> Report {
    let catalogue = common::catalogue();
    let inventory = Inventory::read(path, &ReadOptions::default(), catalogue).unwrap();
    let options = ReportOptions {
        frameworks: onus::join::Selection::parse_all(
            catalogue,
            &frameworks.iter().map(|f| f.to_string()).collect::<Vec<_>>(),
        )
        .unwrap(),
        title: None,
        org: Some(org.into()),
        date: onus::text::Date::parse("2026-01-01").unwrap(),
        as_of: None,
        soc2: Default::default(),
        iso: Default::default(),
    };
    onus::assess::assess(catalogue, &inventory, &Default::default(), &options)
}

/// The facts, the headings and the services' heading lines, in all three documents.
fn check_parity(report: &Report) -> Documents {
    let docs = documents(report, pdftotext_found());
    let facts = report.facts();
    assert!(facts.len() >= 8, "{facts:?}");
    for fact in &facts {
        docs.has("a title-block label", fact.label);
        docs.has(&format!("the title-block fact {}", fact.label), &fact.value);
    }
    // The template's sections, and the sections the report's content makes.
    let mut headings: Vec<String> = [
        "Summary",
        "Matrix by tier",
        "Services",
        "Overrides",
        "Diagnostics and assumptions",
        "Assumptions",
        "Diagnostics",
        "Inventory appendix",
    ]
    .map(String::from)
    .to_vec();
    headings.push(report.meta.title.clone());
    for f in &report.frameworks {
        headings.push(format!("{} {}", f.name, f.version));
    }
    for s in report.services.iter().filter(|s| s.assessed) {
        headings.push(match &s.variant_name {
            Some(v) => format!("{} — {v}", s.name),
            None => s.name.clone(),
        });
    }
    for heading in &headings {
        docs.has("a heading", heading);
    }
    // Every heading the Markdown has, whatever made it.
    let (_, parsed) = onus::render::markdown::html(&docs.md);
    assert!(parsed.len() >= headings.len());
    for h in &parsed {
        docs.rendered_has("a heading of the Markdown", &h.text);
    }
    // Each service's heading line: the line under its heading, with who runs it and
    // what data it holds.
    let lines: Vec<&str> = docs.md.lines().collect();
    let mut checked = 0;
    for s in report.services.iter().filter(|s| s.assessed) {
        let id = s.id.as_deref().unwrap();
        let line = lines
            .iter()
            .find(|l| {
                l.starts_with(&format!("`{id}`")) && {
                    let variant = s.variant.as_deref().map(|v| format!(" variant `{v}`"));
                    variant.is_none_or(|v| l.contains(&v))
                }
            })
            .unwrap_or_else(|| panic!("no heading line for {id} in the Markdown"));
        if !s.service_owners.is_empty() {
            assert!(line.contains(&format!(
                " · run by {}",
                escape_markdown(&s.service_owners.join(", "))
            )));
        }
        if !s.data_classifications.is_empty() {
            assert!(line.contains(&format!(
                " · data {}",
                escape_markdown(&s.data_classifications.join(", "))
            )));
        }
        docs.rendered_has(&format!("the heading line of {id}"), &markdown_text(line));
        checked += 1;
    }
    assert!(checked > 0);
    docs
}

#[test]
fn the_samples_say_the_same_in_every_format() {
    let report = report_for(
        &common::root("samples/inventory.csv"),
        &["soc2"],
        "Example Corp",
    );
    let docs = check_parity(&report);
    assert!(
        docs.md.contains(" · run by platform-team"),
        "the sample has owners"
    );
    let report = report_for(
        &common::root("samples/cur-export.csv"),
        &["iso27001"],
        "Example Corp",
    );
    check_parity(&report);
}

#[test]
fn hostile_text_says_the_same_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("hostile.csv");
    std::fs::write(
        &path,
        "service,account,environment,region,owner,data_classification\n\
         Amazon EC2,111111111111,prod,eu-west-1,Jürgen Müller,confidential\n\
         Amazon S3,日本語 口座,staging,eu-west-1,<script>alert(1)</script>,a|b 😀\n\
         AWS Lambda,333333333333,prod \u{202E}evil,ap-southeast-2,\"Team \u{2067}RTL\u{2069} *x* `y`\",\u{200F}internal\n\
         Quantum Widget Service,444444444444,prod,eu-west-1,Ünïcödé Ελληνικά Кириллица,public\n",
    )
    .unwrap();
    let report = report_for(&path, &["soc2"], "Jürgen Müller & Söhne <b>GmbH</b>");
    let docs = check_parity(&report);
    assert!(docs.md.contains(" · run by Jürgen Müller"));
    assert!(docs.md.contains("&lt;script&gt;"));
    // User text is never live markup in the HTML.
    assert_eq!(
        docs.html_source.matches("<script>").count(),
        1,
        "only the page's own filter script"
    );
    assert!(!docs.html_source.contains("<b>GmbH"));
    assert!(
        docs.html.contains("<script>alert(1)</script>"),
        "shown as text"
    );
    if docs.pdf.is_some() {
        // The font has no CJK (shown as U+FFFD, and said so); it has the rest.
        assert!(docs.missing.contains(&'日'), "{:?}", docs.missing);
        assert!(!docs.missing.contains(&'ü') && !docs.missing.contains(&'Ε'));
    }
}

/// The user story: eject the templates, add a paragraph and a section to the Markdown
/// template, and find both in the Markdown, the HTML and the PDF.
#[test]
fn an_edited_markdown_template_reaches_every_document() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("templates");
    let onus = env!("CARGO_BIN_EXE_onus");
    let status = Command::new(onus)
        .args(["templates", "eject"])
        .arg(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    let template = dir.join("responsibility-matrix.md");
    let source = std::fs::read_to_string(&template).unwrap();
    assert!(source.contains("\n## Summary\n"));
    let edited = source.replacen(
        "\n## Summary\n",
        "\nReviewed by the audit committee of {{ meta.org | md }} on {{ meta.date }}.\n\n## Summary\n",
        1,
    ) + "\n## Prepared by\n\nPrepared by Jürgen Müller, head of compliance.\n";
    std::fs::write(&template, edited).unwrap();
    let out = tmp.path().join("out");
    let run = Command::new(onus)
        .arg("report")
        .arg(common::root("samples/inventory.csv"))
        .args(["--templates"])
        .arg(&dir)
        .args([
            "--format",
            "md,html,pdf",
            "--org",
            "Example Corp",
            "--date",
            "2026-01-01",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let read = |name: &str| std::fs::read(out.join(name)).unwrap();
    let md = String::from_utf8(read("responsibility-matrix.md")).unwrap();
    let html = html_text(&String::from_utf8(read("responsibility-matrix.html")).unwrap());
    let mut texts = vec![("Markdown", md), ("HTML", html)];
    if pdftotext_found() {
        texts.push(("PDF", pdf_text(&read("responsibility-matrix.pdf"))));
    }
    for (format, text) in texts {
        let text = squeezed(&text);
        for expected in [
            "Reviewed by the audit committee of Example Corp on 2026-01-01.",
            "Prepared by",
            "Prepared by Jürgen Müller, head of compliance.",
        ] {
            assert!(
                text.contains(&squeezed(expected)),
                "{format} lacks {expected:?}"
            );
        }
    }
}
