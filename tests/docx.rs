//! The Word document, read back as a preparer's tools read it: python-docx finds the
//! headings in Word's heading styles (with outline levels), real tables whose header
//! rows repeat, the page number in the footer and the title in the header; pandoc
//! converts it; every heading of the Markdown report is there; and the same inputs give
//! the same bytes.

mod common;
use std::process::Command;

fn docx_of(dir: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_onus"))
        .current_dir(dir)
        .args([
            "report",
            common::root("tests/fixtures/billing-42-services.csv")
                .to_str()
                .unwrap(),
            "--org",
            "Example Corp",
            "--format",
            "md,docx",
            "-f",
            "soc2,iso27001",
            "--date",
            "2026-01-01",
            "-q",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let folder = args
        .iter()
        .position(|a| *a == "-o")
        .map_or("onus-report", |i| args[i + 1]);
    std::fs::read(dir.join(folder).join("responsibility-matrix.docx")).unwrap()
}

#[test]
fn the_docx_has_every_section_in_word_styles_and_repeating_table_headers() {
    let dir = tempfile::tempdir().unwrap();
    let first = docx_of(dir.path(), &["-o", "a"]);
    let second = docx_of(dir.path(), &["-o", "b"]);
    assert_eq!(first, second, "the same inputs give the same bytes");
    let letter = docx_of(dir.path(), &["-o", "c", "--paper", "letter"]);
    assert_ne!(first, letter);
    let md = std::fs::read_to_string(dir.path().join("a/responsibility-matrix.md")).unwrap();
    let path = dir.path().join("a/responsibility-matrix.docx");
    let script = r#"
import sys, docx
from docx.oxml.ns import qn
d = docx.Document(sys.argv[1])
for p in d.paragraphs:
    name = p.style.name
    if name == "Title" or name.startswith("Heading"):
        level = p.style.element.find(qn("w:pPr"))
        outline = None
        if level is not None and level.find(qn("w:outlineLvl")) is not None:
            outline = level.find(qn("w:outlineLvl")).get(qn("w:val"))
        print("heading", name, outline, "|", p.text)
tables = d.tables
print("tables", len(tables))
print("repeating", sum(1 for t in tables if t.rows[0]._tr.trPr is not None and t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None))
shaded = sum(1 for t in tables for r in t.rows for c in r.cells if c._tc.tcPr is not None and c._tc.tcPr.find(qn("w:shd")) is not None)
print("shaded", shaded)
s = d.sections[0]
print("page", s.page_width, s.page_height)
print("orientations", sorted({str(x.orientation) for x in d.sections}))
print("footer", "PAGE" in s.footer._element.xml, "NUMPAGES" in s.footer._element.xml)
print("header", s.header.paragraphs[0].text)
print("created", d.core_properties.created.isoformat())
"#;
    let Some(out) = common::python("docx", script, &[&path]) else {
        return;
    };
    // Every heading of the Markdown is a heading of the DOCX, at its level.
    let headings: Vec<(String, String)> = out
        .lines()
        .filter_map(|l| l.strip_prefix("heading "))
        .map(|l| {
            let (style, text) = l.split_once(" | ").unwrap();
            (style.to_string(), text.to_string())
        })
        .collect();
    let md_headings: Vec<(usize, String)> = md
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| {
            let level = l.chars().take_while(|c| *c == '#').count();
            (level, l[level..].trim().replace('\\', ""))
        })
        .collect();
    assert!(md_headings.len() > 20);
    for (level, text) in &md_headings {
        let style = match level {
            1 => "Title None".to_string(),
            l => format!("Heading {l} {}", l - 1),
        };
        assert!(
            headings.iter().any(|(s, t)| *s == style && t == text),
            "{style} {text} not in the DOCX: {headings:?}"
        );
    }
    let value = |key: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{key} ")))
            .unwrap_or_default()
            .to_string()
    };
    let tables: usize = value("tables").parse().unwrap();
    assert!(tables > 10);
    assert_eq!(
        value("repeating"),
        value("tables"),
        "every header row repeats"
    );
    assert!(
        value("shaded").parse::<usize>().unwrap() > 100,
        "owner cells are shaded"
    );
    assert_eq!(value("page"), "7560310 10692130", "A4 by default");
    assert!(
        value("orientations").contains("LANDSCAPE"),
        "the matrix pages are landscape"
    );
    assert_eq!(value("footer"), "True True");
    assert_eq!(
        value("header"),
        "Shared responsibility matrix — Example Corp"
    );
    assert!(value("created").starts_with("2026-01-01"));
    // Letter paper.
    let letter_path = dir.path().join("c/responsibility-matrix.docx");
    let page = common::python("docx", "import sys, docx; s = docx.Document(sys.argv[1]).sections[0]; print(s.page_width, s.page_height)", &[&letter_path]).unwrap();
    assert_eq!(page.trim(), "7772400 10058400");

    // pandoc reads it: the title block and a SOC 2 criterion come through.
    if common::tool("pandoc") {
        let text = common::stdout_of(Command::new("pandoc").arg(&path).args([
            "-t",
            "plain",
            "--wrap=none",
        ]));
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for e in [
            "Example Corp",
            "At a glance",
            "CC6.1",
            "AWS is expected to restrict physical access",
        ] {
            assert!(text.contains(e), "pandoc's reading lacks {e}");
        }
    }
}
