//! The renderers as a reader meets them: the PDF read back, HTML escaping, Markdown
//! tables, reproducible bytes, and user templates.

mod common;
use onus::render::{Format, Renderer};
use std::process::Command;

/// A format's files in memory, and the renderer's warnings.
struct Output {
    files: Vec<(String, Vec<u8>)>,
    warnings: Vec<String>,
}

impl Output {
    fn bytes(&self) -> &[u8] {
        &self.files[0].1
    }
}

fn render(name: &str, format: Format) -> Output {
    let report = common::report_of(&common::fixture(name));
    let rendered = Renderer::new(None, Default::default())
        .unwrap()
        .render(&report, format)
        .unwrap();
    Output {
        files: rendered
            .files
            .iter()
            .map(|(n, b)| (n.clone(), b.to_vec()))
            .collect(),
        warnings: rendered.warnings,
    }
}

fn pdf_of(name: &str) -> (Vec<u8>, lopdf::Document) {
    let bytes = render(name, Format::Pdf).bytes().to_vec();
    let doc = lopdf::Document::load_mem(&bytes).expect("the PDF parses");
    (bytes, doc)
}

/// The PDF of a fixture written to a temporary file, for the command-line tools.
fn pdf_file(name: &str) -> (tempfile::TempDir, std::path::PathBuf, lopdf::Document) {
    let (bytes, doc) = pdf_of(name);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("r.pdf");
    std::fs::write(&path, &bytes).unwrap();
    (tmp, path, doc)
}

#[test]
fn pdf_has_pages_embedded_fonts_and_an_outline() {
    let (_, doc) = pdf_of("seed-inventory.csv");
    assert!(
        doc.get_pages().len() >= 10,
        "{} pages",
        doc.get_pages().len()
    );
    let fonts: Vec<_> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.has(b"FontFile2"))
        .collect();
    assert_eq!(fonts.len(), 2, "regular and bold are embedded");
    let catalog = doc.catalog().unwrap();
    let outlines = doc
        .get_dictionary(catalog.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    let count = outlines.get(b"Count").unwrap().as_i64().unwrap();
    assert!(
        count >= 6,
        "bookmarks for title, summary, matrix, services, overrides, diagnostics, appendix: {count}"
    );
}

#[test]
fn pdf_text_is_extractable_and_pages_are_numbered() {
    if !common::tool("pdftotext") {
        return;
    }
    let (_tmp, path, doc) = pdf_file("seed-inventory.csv");
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let pages = doc.get_pages().len();
    for needle in [
        "Shared responsibility matrix".to_string(),
        "Physical security of data centres".into(),
        "Patch and harden the guest OS of your instances.".into(),
        format!("1 / {pages}"),
        format!("{pages} / {pages}"),
        "848149f59cd569d820281b0950c967917138b910435688ba3efccdba5ec9e176".into(),
    ] {
        assert!(text.contains(&needle), "the PDF text has {needle:?}");
    }
}

#[test]
fn pdf_passes_qpdf_check() {
    if !common::tool("qpdf") {
        return;
    }
    let (_tmp, path, _) = pdf_file("hostile.csv");
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn pdf_shows_greek_cyrillic_accents_and_warns_once_for_what_the_font_lacks() {
    let rendered = render("hostile.csv", Format::Pdf);
    assert_eq!(rendered.warnings.len(), 1, "{:?}", rendered.warnings);
    let w = &rendered.warnings[0];
    assert!(w.contains("U+65E5"), "CJK is named: {w}");
    assert!(
        !w.contains("U+0395") && !w.contains("U+041A") && !w.contains("U+00DC"),
        "Greek, Cyrillic, accents render: {w}"
    );
}

#[test]
fn html_escapes_inventory_text() {
    let html = String::from_utf8(render("hostile.csv", Format::Html).bytes().to_vec()).unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the page's own filter script"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network resources"
    );
    assert!(html.contains("Ελληνικά Кириллица"));
}

#[test]
fn markdown_keeps_hostile_cells_inside_the_table() {
    let md = String::from_utf8(render("hostile.csv", Format::Md).bytes().to_vec()).unwrap();
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let appendix = md.split("## Inventory appendix").nth(1).unwrap();
    for line in appendix.lines().filter(|l| l.starts_with("| ")) {
        let cells = line.matches(" | ").count();
        assert_eq!(cells, 7, "every appendix row has 8 cells: {line}");
    }
    assert!(md.contains("a\\|b"));
}

#[test]
fn every_format_is_byte_identical_across_runs() {
    for &format in Format::all() {
        assert!(
            render("seed-inventory.csv", format).files
                == render("seed-inventory.csv", format).files,
            "{format:?}"
        );
    }
}

fn onus() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_onus"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

#[test]
fn ejected_templates_can_be_edited_and_used() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("t");
    let status = onus()
        .args(["templates", "eject"])
        .arg(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    let md = dir.join("responsibility-matrix.md");
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, format!("Prepared for the audit committee.\n{text}")).unwrap();
    std::fs::remove_file(dir.join("responsibility-matrix.html")).unwrap();
    let out = tmp.path().join("out");
    let status = onus()
        .args([
            "report",
            "tests/fixtures/seed-inventory.csv",
            "--format",
            "md,html",
            "--templates",
        ])
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        std::fs::read_to_string(out.join("responsibility-matrix.md"))
            .unwrap()
            .starts_with("Prepared for the audit committee.")
    );
    assert!(
        std::fs::read_to_string(out.join("responsibility-matrix.html"))
            .unwrap()
            .starts_with("<!DOCTYPE html>"),
        "the built-in HTML is kept"
    );
    let again = onus()
        .args(["templates", "eject"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(2),
        "eject does not overwrite without --force"
    );
}

#[test]
fn a_broken_user_template_fails_before_any_output() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("t");
    std::fs::create_dir(&dir).unwrap();
    let out = tmp.path().join("out");
    for (template, expected) in [
        (
            "# {{ meta.title }\n",
            "template responsibility-matrix.md, line 1:",
        ),
        (
            "# ok\n\n{{ meta.no_such_field }}\n",
            "template responsibility-matrix.md, line 3:",
        ),
        (
            "# ok\n{{ meta.title | no_such_filter }}\n",
            "template responsibility-matrix.md, line 2:",
        ),
    ] {
        std::fs::write(dir.join("responsibility-matrix.md"), template).unwrap();
        let output = onus()
            .args(["report", "tests/fixtures/seed-inventory.csv", "--templates"])
            .arg(&dir)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{template:?}: {stderr}");
        assert!(!out.exists(), "no output from a failed run");
    }
    std::fs::write(dir.join("report.md"), "x").unwrap();
    let output = onus()
        .args(["report", "tests/fixtures/seed-inventory.csv", "--templates"])
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("report.md is not a template onus knows")
    );
}

/// The documents list the first `--appendix-rows` rows and say how many more the JSON
/// holds; the JSON lists every row; line lists of a service are capped alike.
#[test]
fn the_appendix_is_capped_in_documents_and_complete_in_json() {
    let mut csv = String::from("service,account,notes\n");
    for i in 0..60 {
        csv.push_str(&format!("{},1111,row {i}\n", ["EC2", "S3"][i % 2]));
    }
    let options = onus::inventory::ReadOptions {
        full_rows: 5,
        ..Default::default()
    };
    let inventory =
        onus::inventory::Inventory::parse(csv.as_bytes(), "big.csv", &options, common::catalogue())
            .unwrap();
    let report = common::assess(&inventory);
    assert_eq!(
        (
            report.inventory.len(),
            report.inventory.listed(),
            report.inventory.omitted()
        ),
        (60, 5, 55)
    );
    let renderer = Renderer::new(None, Default::default()).unwrap();
    let text =
        |f| String::from_utf8(renderer.render(&report, f).unwrap().bytes().to_vec()).unwrap();

    let json: serde_json::Value = serde_json::from_str(&text(Format::Json)).unwrap();
    let lines: Vec<u64> = json["inventory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        lines,
        (2..62).collect::<Vec<u64>>(),
        "the JSON keeps every row"
    );
    assert_eq!(json["inventory"][59]["service"], "aws.s3");
    let ec2 = &json["services"].as_array().unwrap()[0];
    assert_eq!(
        (ec2["id"].as_str(), ec2["rows"].as_array().unwrap().len()),
        (Some("aws.ec2"), 30),
        "the JSON lists every line of a service"
    );

    let md = text(Format::Md);
    let appendix = &md[md.find("Inventory appendix").unwrap()..];
    assert!(
        appendix.contains("The first 5 rows of the inventory"),
        "{appendix}"
    );
    assert!(
        appendix.contains("55 more\nrows are not listed here"),
        "{appendix}"
    );
    assert!(appendix.contains("| 6 | EC2 |") && !appendix.contains("| 7 | S3 |"));
    // 30 EC2 rows: the first 20 lines shown, then how many more.
    let ec2_lines = "inventory lines 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40 and 10 more ·";
    assert!(md.contains(ec2_lines), "{md}");
    let html = text(Format::Html);
    // A line break of the Markdown source is a space in the HTML.
    let words = html.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("55 more rows are not listed here"));
    assert!(html.contains(ec2_lines));
    let appendix = &html[html.find("id=\"inventory-appendix\"").unwrap()..];
    assert_eq!(appendix.matches("<td>1111</td>").count(), 5);
}

#[test]
fn long_line_lists_say_how_many_more() {
    let lines: Vec<u64> = (2..100).collect();
    let text = onus::text::lines_text(&lines, lines.len());
    assert!(text.starts_with("2, 3, 4,"));
    assert!(text.ends_with("21 and 78 more"), "{text}");
    // Given the first lines and the count, as the templates are.
    assert_eq!(onus::text::lines_text(&lines[..20], 98), text);
    assert_eq!(onus::text::lines_text(&[7], 1), "7");
    assert_eq!(onus::text::lines_text(&[7, 9], 3), "7, 9 and 1 more");
}

/// `render_all` (two threads, one template context) gives each format's files, in the
/// order asked, exactly as rendering them one by one does.
#[test]
fn rendering_together_equals_rendering_one_by_one() {
    let report = common::report_of(&common::fixture("seed-inventory.csv"));
    let renderer = Renderer::new(None, Default::default()).unwrap();
    let formats = [
        Format::Json,
        Format::Md,
        Format::Pdf,
        Format::Html,
        Format::Csv,
    ];
    let together = renderer.render_all(&report, &formats).unwrap();
    assert_eq!(together.len(), formats.len());
    for (format, rendered) in formats.iter().zip(&together) {
        let alone = renderer.render(&report, *format).unwrap();
        let names = |r: &onus::render::Rendered| -> Vec<(String, Vec<u8>)> {
            r.files
                .iter()
                .map(|(n, b)| (n.clone(), b.to_vec()))
                .collect()
        };
        assert_eq!(names(rendered), names(&alone), "{format:?}");
    }
}

/// The JSON rows are written by hand from texts escaped once: each line must be
/// exactly what serde writes for the row, quotes, control characters and all.
#[test]
fn json_rows_are_exactly_what_serde_writes() {
    let check = |name: &str, report: &onus::report::Report| {
        let json = Renderer::new(None, Default::default())
            .unwrap()
            .render(report, Format::Json)
            .unwrap()
            .bytes();
        let text = String::from_utf8(json).unwrap();
        let rows = &text[text.find("\"inventory\": [").unwrap()..];
        let lines: Vec<&str> = rows
            .lines()
            .skip(1)
            .filter(|l| l.starts_with("    {"))
            .map(|l| l.trim().trim_end_matches(','))
            .collect();
        let expected: Vec<String> = report
            .inventory
            .iter()
            .map(|r| serde_json::to_string(&r).unwrap())
            .collect();
        assert_eq!(lines, expected, "{name}");
        assert!(!expected.is_empty(), "{name} has rows");
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            parsed["inventory"].as_array().unwrap().len(),
            expected.len()
        );
    };
    for fixture in [
        "hostile.csv",
        "unknown-service.csv",
        "billing-lines.csv",
        "empty-service.csv",
    ] {
        check(fixture, &common::report_of(&common::fixture(fixture)));
    }
    // Enough rows for the rows to be written in several chunks, on two threads.
    let mut csv = String::from("service,account,region\n");
    for i in 0..20_001 {
        let service = ["EC2", "S3 \"bucket\"", "Nimbus \u{202E}", ""][i % 4];
        csv.push_str(&format!(
            "\"{}\",{},eu-{}\n",
            service.replace('"', "\"\""),
            i % 7,
            i % 5
        ));
    }
    let inventory = common::parse(csv.as_bytes()).unwrap();
    let report = common::assess(&inventory);
    check("20,001 rows", &report);
}

/// Templates see every field of the JSON report (the inventory and each service's lines
/// capped, with their counts): the document view keeps up with the report model.
#[test]
fn templates_see_every_field_of_the_report() {
    let report = common::report_of(&common::fixture("seed-inventory.csv"));
    let json = serde_json::to_value(&report).unwrap();
    let view = serde_json::to_value(report.document_view()).unwrap();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    let mut expected = keys(&json);
    // Besides, the words every format shares (the title block, the monitoring note, the
    // executive summary), the tiers' default cells, and the count of unassessed services
    // past those the documents list.
    expected.extend([
        "inventory".into(),
        "inventory_omitted".into(),
        "facts".into(),
        "monitor_note".into(),
        "brief".into(),
        "tier_defaults".into(),
        "groups".into(),
        "unassessed_omitted".into(),
    ]);
    expected.sort();
    assert_eq!(keys(&view), expected);
    for key in keys(&json) {
        if key != "services" && key != "frameworks" {
            assert_eq!(view[&key], json[&key], "{key}");
        }
    }
    // A framework keeps every field, and adds its controls laid out in rows.
    for (f, v) in json["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .zip(view["frameworks"].as_array().unwrap())
    {
        for key in keys(f) {
            assert_eq!(v[&key], f[&key], "{key}");
        }
        let mut added: Vec<String> = keys(v).into_iter().filter(|k| f.get(k).is_none()).collect();
        added.sort();
        assert_eq!(added, ["covered_by", "organisational", "rows"]);
    }
    // A service's `rows` become its first lines (`row_count` counts them all).
    let mut expected: Vec<String> = keys(&json["services"][0])
        .into_iter()
        .filter(|k| k != "rows")
        .chain(["first_lines".into(), "tier_defaults".into()])
        .collect();
    expected.sort();
    assert_eq!(keys(&view["services"][0]), expected);
    for (s, v) in json["services"]
        .as_array()
        .unwrap()
        .iter()
        .zip(view["services"].as_array().unwrap())
    {
        let rows = s["rows"].as_array().unwrap();
        assert_eq!(v["row_count"], rows.len());
        assert_eq!(
            v["first_lines"].as_array().unwrap()[..],
            rows[..rows.len().min(20)]
        );
        for key in keys(s) {
            if key != "rows" {
                assert_eq!(v[&key], s[&key], "{key}");
            }
        }
    }
}

/// A template written for every line of a service (`s.rows`) fails with a message naming
/// it, rather than showing the first lines as if they were all.
#[test]
fn a_template_that_lists_every_row_of_a_service_fails_loudly() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("responsibility-matrix.md"),
        "{% for s in services %}{{ s.rows | lines }}\n{% endfor %}",
    )
    .unwrap();
    let renderer = Renderer::new(Some(tmp.path()), Default::default()).unwrap();
    let report = common::report_of(&common::fixture("seed-inventory.csv"));
    let error = match renderer.render(&report, Format::Md) {
        Ok(_) => panic!("a template reading s.rows renders"),
        Err(e) => e.to_string(),
    };
    assert!(error.contains("s.rows"), "{error}");
}

/// The PDF's page count and smallest type, for an inventory with every framework: a
/// billing export of 42 services in at most 120 pages, five services in at most 64 (the
/// ISO/IEC 27001 Statement of Applicability's 93 rows take four of them), and
/// no text under 8 points (the sizes of every `Tf` of every page's content); and the
/// OSCAL of it under 10 MB.
#[test]
fn every_framework_stays_within_the_page_goals_in_legible_type() {
    let all: Vec<onus::join::Selection> = common::catalogue()
        .frameworks
        .iter()
        .map(|f| onus::join::Selection {
            framework: f.id.clone(),
            baseline: None,
        })
        .collect();
    let renderer = Renderer::new(None, Default::default()).unwrap();
    for (fixture, most) in [("billing-42-services.csv", 120), ("five-services.csv", 64)] {
        let inventory = onus::inventory::Inventory::read(
            &common::fixture(fixture),
            &Default::default(),
            common::catalogue(),
        )
        .unwrap();
        let options = onus::report::ReportOptions {
            frameworks: all.clone(),
            title: None,
            org: None,
            date: onus::text::Date::parse("2026-01-01").unwrap(),
            as_of: None,
            soc2: Default::default(),
            iso: Default::default(),
        };
        let report = onus::assess::assess(
            common::catalogue(),
            &inventory,
            &Default::default(),
            &options,
        );
        let pdf = renderer.render_all(&report, &[Format::Pdf]).unwrap()[0].bytes();
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let pages = doc.get_pages();
        assert!(pages.len() <= most, "{fixture}: {} pages", pages.len());
        let mut smallest = f32::MAX;
        for (_, id) in pages {
            let content = lopdf::content::Content::decode(&doc.get_page_content(id)).unwrap();
            for op in content.operations.iter().filter(|op| op.operator == "Tf") {
                smallest = smallest.min(op.operands[1].as_float().unwrap());
            }
        }
        assert!(smallest >= 8.0, "{fixture}: text at {smallest} pt");
        // OSCAL of every framework stays small: controls are written once per
        // responsibility profile, not once per service (the 42 services have 18
        // profiles, some 0.6 MB each, as the catalogue's cells grew finer).
        let oscal = renderer.render_all(&report, &[Format::Oscal]).unwrap()[0].bytes();
        assert!(
            oscal.len() < 12 << 20,
            "{fixture}: OSCAL of {} bytes",
            oscal.len()
        );
    }
}

/// Command-line hints are for the terminal: the documents phrase each diagnostic for a
/// reader, and name no option.
#[test]
fn documents_carry_no_command_line_hints() {
    let renderer = Renderer::new(None, Default::default()).unwrap();
    for path in [
        common::root("samples/cur-export.csv"),
        common::fixture("unknown-service.csv"),
    ] {
        let report = common::report_of(&path);
        assert!(report.diagnostics.iter().any(|d| d.hint.is_some()));
        let json = serde_json::to_string(&report).unwrap();
        for (i, doc) in renderer
            .render_all(&report, &[Format::Md, Format::Html])
            .unwrap()
            .iter()
            .enumerate()
        {
            let text = String::from_utf8(doc.bytes()).unwrap();
            for option in ["--variant", "--data", "hint:"] {
                assert!(!text.contains(option), "{path:?} document {i}: {option}");
                assert!(!json.contains(option), "{path:?} JSON: {option}");
            }
        }
    }
}

/// A templates folder is a sandbox: it cannot read the environment (where the signing
/// key's password and CI secrets are), include itself, loop without end or bring a file
/// from outside into a pack. Each is a template error naming the file, exit 2, and no
/// output (a hidden temporary folder neither).
#[test]
fn templates_cannot_read_the_environment_recurse_or_run_without_end() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("t");
    std::fs::create_dir(&dir).unwrap();
    let out = tmp.path().join("out");
    let secret = "hunter2-secret-password";
    let cases = [
        (
            "{{ get_env(name=\"ONUS_KEY_PASSWORD\") }}\n",
            "templates cannot read the environment",
        ),
        (
            "{{ get_env(name=\"ONUS_KEY_PASSWORD\", default=\"\") }}\n",
            "templates cannot read the environment",
        ),
        (
            "# x\n{% include \"responsibility-matrix.md\" %}\n",
            "responsibility-matrix.md → responsibility-matrix.md",
        ),
        (
            "{% macro a() %}{{ self::b() }}{% endmacro a %}{% macro b() %}{{ self::a() }}{% endmacro b %}{{ self::a() }}\n",
            "calls itself",
        ),
        (
            "{% for i in range(end=1000000000) %}{% endfor %}\n",
            "numbers in all (a loop without bound?)",
        ),
        (
            "{% for i in range(end=5000) %}{% for j in range(end=5000) %}{% endfor %}{% endfor %}\n",
            "numbers in all (a loop without bound?)",
        ),
        (
            "{% set_global l = [1] %}{% for i in range(end=40) %}{% set_global l = l | concat(with=l) %}{% endfor %}\n",
            "concat: a list of more than",
        ),
    ];
    for (template, expected) in cases {
        std::fs::write(dir.join("responsibility-matrix.md"), template).unwrap();
        let output = onus()
            .args(["report", "tests/fixtures/seed-inventory.csv", "--templates"])
            .arg(&dir)
            .arg("-o")
            .arg(&out)
            .env("ONUS_KEY_PASSWORD", secret)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{template:?}: {stderr}");
        assert!(
            stderr.contains("template responsibility-matrix.md"),
            "{template:?}: {stderr}"
        );
        assert!(stderr.contains(expected), "{template:?}: {stderr}");
        assert!(!stderr.contains(secret));
        assert!(!out.exists(), "no output from a failed run");
        assert_eq!(left_in(tmp.path()), 1, "no temporary folder is left");
    }

    // A loop over the report's own lists, deep enough to run for hours, writing
    // nothing: stopped at the time limit (here a second), with nothing left behind.
    std::fs::write(
        dir.join("responsibility-matrix.md"),
        format!(
            "{}{}\n",
            "{% for a in services %}".repeat(8),
            "{% endfor %}".repeat(8)
        ),
    )
    .unwrap();
    let output = onus()
        .args(["report", "samples/cur-export.csv", "--templates"])
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .env("ONUS_TEMPLATE_SECONDS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("template responsibility-matrix.md: still rendering after 1 s"),
        "{stderr}"
    );
    assert!(!out.exists());
    assert_eq!(left_in(tmp.path()), 1, "no temporary folder is left");

    // Links and special files are refused: a link would copy any file into a pack.
    std::fs::remove_file(dir.join("responsibility-matrix.md")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/hostname", dir.join("responsibility-matrix.md")).unwrap();
        let output = onus()
            .args(["pack", "tests/fixtures/seed-inventory.csv", "--templates"])
            .arg(&dir)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("responsibility-matrix.md is a link or a special file"),
            "{stderr}"
        );
        assert!(!out.exists());
        std::fs::remove_file(dir.join("responsibility-matrix.md")).unwrap();
        let fifo = std::process::Command::new("mkfifo")
            .arg(dir.join("responsibility-matrix.md"))
            .status();
        if fifo.is_ok_and(|s| s.success()) {
            let output = onus()
                .args(["report", "tests/fixtures/seed-inventory.csv", "--templates"])
                .arg(&dir)
                .arg("-o")
                .arg(&out)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{stderr}");
            assert!(stderr.contains("is a link or a special file"), "{stderr}");
        }
    }
}

/// `templates eject --force` never writes through a link inside the folder.
#[cfg(unix)]
#[test]
fn eject_never_writes_through_a_link() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, elsewhere) = (tmp.path().join("t"), tmp.path().join("elsewhere"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join("book")).unwrap();
    let output = onus()
        .args(["templates", "eject", "--force"])
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("book is a link"), "{stderr}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

/// The entries of `dir` other than the lock files a run leaves beside its output folder
/// (`.NAME.onus-lock`, which hold nothing).
fn left_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            !e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".onus-lock")
        })
        .count()
}

/// The report's documents (and the book's chapters) name no command-line option: no
/// `--data`, `--variant` or `-f …` in a framework's notice, a section's opening or a
/// question. The pack's README, for the auditor, rightly shows commands.
#[test]
fn no_document_names_a_command_line_option() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, book) = (tmp.path().join("out"), tmp.path().join("book"));
    for args in [
        vec![
            "report",
            "samples/cur-export.csv",
            "-f",
            "all",
            "--format",
            "md,html",
            "-q",
            "-o",
        ],
        vec!["book", "samples/cur-export.csv", "-f", "all", "-q", "-o"],
    ] {
        let target = if args[0] == "report" { &out } else { &book };
        let o = onus().args(&args).arg(target).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let mut documents = vec![
        out.join("responsibility-matrix.md"),
        out.join("responsibility-matrix.html"),
    ];
    let mut pending = vec![book.join("src")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                documents.push(path);
            }
        }
    }
    for path in documents {
        let mut text = std::fs::read_to_string(&path).unwrap();
        // The page's style sheet has CSS variables (`--provider`), not options.
        while let (Some(a), Some(b)) = (text.find("<style"), text.find("</style>")) {
            text.replace_range(a..b + "</style>".len(), "");
        }
        // An option stands after a space, a backtick or a parenthesis
        // (`aws.ecs--fargate.md`, a page's name, is none).
        let flag = text.match_indices("--").find(|(at, _)| {
            text[at + 2..].starts_with(|c: char| c.is_ascii_lowercase())
                && text[..*at].ends_with([' ', '`', '(', '\n'])
        });
        assert!(
            flag.is_none(),
            "{path:?}: {}",
            &text[flag.unwrap().0..][..40]
        );
        for short in [" -f ", "`-f "] {
            assert!(!text.contains(short), "{path:?}: {short}");
        }
    }
}
