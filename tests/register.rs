//! The controls register: written, filled in the way users fill it (a spreadsheet
//! program, a CSV saved with a BOM and `;`), and read back by report and check.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn onus(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onus"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap()
}

fn sample() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("samples/inventory.csv")
        .display()
        .to_string()
}

fn write_register(dir: &Path) -> PathBuf {
    let out = dir.join("reg");
    let o = onus(&[
        "register",
        &sample(),
        "-f",
        "soc2",
        "-o",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// The report's JSON with `--register FILE`.
fn report_json(dir: &Path, register: &Path) -> serde_json::Value {
    let out = dir.join("report");
    let o = onus(&[
        "report",
        &sample(),
        "-f",
        "soc2",
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
        "--force",
        "-q",
        "--register",
        register.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&std::fs::read(out.join("responsibility-matrix.json")).unwrap()).unwrap()
}

fn control<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["frameworks"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

#[test]
fn the_register_lists_every_control_with_a_customer_part() {
    let tmp = tempfile::tempdir().unwrap();
    let out = write_register(tmp.path());
    let csv = std::fs::read_to_string(out.join("controls-register.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        onus::register::HEADER
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        61,
        "every SOC 2 criterion has a customer part here"
    );
    let cc61 = rows.iter().find(|r| &r[1] == "CC6.1").unwrap();
    assert!(
        cc61[3].starts_with("Restrict logical access"),
        "{}",
        &cc61[3]
    );
    assert!(cc61[5].contains("aws.iam") && cc61[5].contains("aws.s3"));
    assert!(cc61[6].contains("s3_bucket_public_access"), "{}", &cc61[6]);
    for col in 7..11 {
        assert_eq!(&cc61[col], "", "the user's columns start empty");
    }
    let cc12 = rows.iter().find(|r| &r[1] == "CC1.2").unwrap();
    assert_eq!(&cc12[5], "", "board oversight concerns no service");
    // Same inputs, same bytes.
    let again = write_register(&tmp.path().join("again"));
    for f in ["controls-register.csv", "controls-register.xlsx"] {
        let same = std::fs::read(out.join(f)).unwrap() == std::fs::read(again.join(f)).unwrap();
        assert!(same, "{f} differs between two runs");
    }
}

#[test]
fn a_register_filled_in_a_spreadsheet_program_is_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let out = write_register(tmp.path());
    let xlsx = out.join("controls-register.xlsx");
    let filled = tmp.path().join("filled.xlsx");
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
head = [c.value for c in ws[1]]
col = {h: i + 1 for i, h in enumerate(head)}
for row in range(2, ws.max_row + 1):
    cid = ws.cell(row, col["control"]).value
    if cid == "CC6.1":
        ws.cell(row, col["owner"]).value = "Security team"
        ws.cell(row, col["frequency"]).value = "Quarterly"
        ws.cell(row, col["evidence"]).value = "https://wiki.example.com/access-review & MFA"
        ws.cell(row, col["status"]).value = "Operating"
    if cid == "CC7.2":
        ws.cell(row, col["owner"]).value = "SOC"
        ws.cell(row, col["evidence"]).value = "https://siem.example.com/dashboards/1"
wb.save(sys.argv[2])
print(ws.max_row)
"#;
    let Some(rows) = common::python("openpyxl", script, &[&xlsx, &filled]) else {
        return;
    };
    assert_eq!(rows.trim(), "62");
    let json = report_json(tmp.path(), &filled);
    let cc61 = control(&json, "CC6.1");
    assert_eq!(cc61["register"]["owner"], "Security team");
    assert_eq!(cc61["register"]["frequency"], "Quarterly");
    assert_eq!(
        cc61["register"]["evidence"],
        "https://wiki.example.com/access-review & MFA"
    );
    assert_eq!(cc61["register"]["status"], "Operating");
    assert_eq!(
        control(&json, "CC7.2")["register"]["evidence"],
        "https://siem.example.com/dashboards/1"
    );
    assert_eq!(control(&json, "CC1.1")["register"]["owner"], "");
    // The two evidence links typed into the register are in the PDF an auditor reads.
    if common::tool("pdftotext") {
        let out = tmp.path().join("pdf");
        let o = onus(&[
            "report",
            &sample(),
            "-f",
            "soc2",
            "--register",
            filled.to_str().unwrap(),
            "--format",
            "pdf",
            "-q",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = Command::new("pdftotext")
            .arg(out.join("responsibility-matrix.pdf"))
            .arg("-")
            .output()
            .unwrap()
            .stdout;
        // Table cells wrap: the text is compared without its white space.
        let text: String = String::from_utf8(text)
            .unwrap()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        for link in [
            "https://wiki.example.com/access-review&MFA",
            "https://siem.example.com/dashboards/1",
        ] {
            assert!(text.contains(link), "{link} is in the PDF");
        }
    }
    // check: a warning for each control still without owner or evidence, not these.
    let o = onus(&["check", &sample(), "--register", filled.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        text.lines()
            .filter(|l| l.contains(": warning: soc2 "))
            .count(),
        59,
        "{text}"
    );
    assert!(!text.contains("soc2 CC6.1:") && !text.contains("soc2 CC7.2:"));
    assert!(
        text.contains(
            "filled.xlsx:2: warning: soc2 CC1.1: the customer's part has no owner and no evidence"
        ),
        "{text}"
    );
}

#[test]
fn a_csv_register_saved_with_a_bom_and_semicolons_is_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let out = write_register(tmp.path());
    let csv_in = out.join("controls-register.csv");
    let filled = tmp.path().join("filled.csv");
    // As a spreadsheet program in a comma-decimal locale saves "CSV UTF-8".
    let script = r#"
import sys, csv
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
head = rows[0]
for r in rows[1:]:
    if r[1] == "CC6.1":
        r[head.index("owner")] = "Anna; Security"
        r[head.index("evidence")] = "https://wiki.example.com/iam"
with open(sys.argv[2], "w", encoding="utf-8-sig", newline="") as f:
    csv.writer(f, delimiter=";", lineterminator="\r\n").writerows(rows)
"#;
    let Some(_) = common::python("openpyxl", script, &[&csv_in, &filled]) else {
        return;
    };
    assert!(std::fs::read(&filled)
        .unwrap()
        .starts_with(b"\xEF\xBB\xBFframework;control;"));
    let json = report_json(tmp.path(), &filled);
    let cc61 = control(&json, "CC6.1");
    assert_eq!(cc61["register"]["owner"], "Anna; Security");
    assert_eq!(cc61["register"]["evidence"], "https://wiki.example.com/iam");
    // A pack keeps the register it was made with among its inputs.
    let pack = tmp.path().join("pack");
    let o = onus(&[
        "pack",
        &sample(),
        "-f",
        "soc2",
        "-o",
        pack.to_str().unwrap(),
        "-q",
        "--register",
        filled.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read(pack.join("inputs/register/filled.csv")).unwrap(),
        std::fs::read(&filled).unwrap()
    );
    let pack_json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pack.join("responsibility-matrix.json")).unwrap())
            .unwrap();
    assert_eq!(
        control(&pack_json, "CC6.1")["register"]["owner"],
        "Anna; Security"
    );
}

#[test]
fn rows_naming_no_framework_or_control_are_errors_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.csv");
    std::fs::write(
        &bad,
        "framework,control,owner,evidence\nsoc2,CC6.1,Sec,https://x\nsoc2,CC6.99,Sec,x\nsoc3,CC1.1,Sec,x\n",
    )
    .unwrap();
    let o = onus(&["check", &sample(), "--register", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("bad.csv:3: error: \"CC6.99\" is not a control of soc2"),
        "{text}"
    );
    assert!(
        text.contains("bad.csv:4: error: no framework \"soc3\""),
        "{text}"
    );
    // A report goes on, with the errors among its diagnostics.
    let json = report_json(tmp.path(), &bad);
    assert_eq!(control(&json, "CC6.1")["register"]["owner"], "Sec");
    assert_eq!(json["meta"]["counts"]["errors"], 2);
    // A file that is not there, or not a register, is exit 2.
    let o = onus(&[
        "check",
        &sample(),
        "--register",
        "/nonexistent/register.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::write(&bad, "a,b\n1,2\n").unwrap();
    let o = onus(&["check", &sample(), "--register", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("framework and control"));
}

/// Nothing of a filled register is lost: a hyperlink keeps its address, a formula with no
/// saved value is a warning naming its cell, and a control given twice is an error naming
/// both lines.
#[test]
fn a_register_keeps_links_names_formulas_and_refuses_a_control_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let out = write_register(tmp.path());
    let xlsx = out.join("controls-register.xlsx");
    let filled = tmp.path().join("filled.xlsx");
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
head = [c.value for c in ws[1]]
col = {h: i + 1 for i, h in enumerate(head)}
for row in range(2, ws.max_row + 1):
    cid = ws.cell(row, col["control"]).value
    if cid == "CC6.1":
        cell = ws.cell(row, col["evidence"])
        cell.value = "Access review"
        cell.hyperlink = "https://wiki.example.com/access-review"
        ws.cell(row, col["owner"]).value = "Security team"
        first = row
    if cid == "CC7.2":
        ws.cell(row, col["owner"]).value = '="S"&"OC"'
        formula = ws.cell(row, col["owner"]).coordinate
last = ws.max_row + 1
ws.cell(last, col["framework"]).value = "soc2"
ws.cell(last, col["control"]).value = "CC6.1"
ws.cell(last, col["owner"]).value = "Someone else"
wb.save(sys.argv[2])
print(first, formula, last)
"#;
    let Some(printed) = common::python("openpyxl", script, &[&xlsx, &filled]) else {
        return;
    };
    let [first, formula, last]: [&str; 3] = printed
        .split_whitespace()
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();
    let json = report_json(tmp.path(), &filled);
    let cc61 = control(&json, "CC6.1");
    assert_eq!(
        cc61["register"]["evidence"],
        "Access review (https://wiki.example.com/access-review)"
    );
    assert_eq!(
        cc61["register"]["owner"], "Security team",
        "the first row is used"
    );
    let o = onus(&["check", &sample(), "--register", filled.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!("filled.xlsx:{last}: error: soc2 CC6.1 is in the register twice (lines {first} and {last})")),
        "{text}"
    );
    let row: String = formula.chars().filter(char::is_ascii_digit).collect();
    assert!(
        text.contains(&format!(
            "filled.xlsx:{row}: warning: cell {formula} holds a formula with no saved value"
        )),
        "{text}"
    );
}

/// A crafted xlsx that inflates to gigabytes is refused before the spreadsheet library
/// opens it.
#[test]
fn a_register_that_inflates_past_its_bound_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bomb.xlsx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..300 {
        std::io::Write::write_all(&mut zip, &block).unwrap();
    }
    zip.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 2 << 20);
    let o = onus(&["check", &sample(), "--register", path.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(
        text.contains("xl/worksheets/sheet1.xml inflates to more than 256 MiB"),
        "{text}"
    );
}

/// Every field of the register reaches every format, for organisational controls too
/// (CC1.2: the board's oversight, which no cloud service carries).
#[test]
fn every_register_field_of_an_organisational_control_reaches_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let filled = tmp.path().join("filled.csv");
    std::fs::write(
        &filled,
        "framework,control,owner,frequency,evidence,status\nsoc2,CC1.2,Board secretary,Quarterly,https://wiki.example.com/board-minutes,Not operating\n",
    )
    .unwrap();
    let (report, book) = (tmp.path().join("report"), tmp.path().join("book"));
    let register = filled.to_str().unwrap();
    let o = onus(&[
        "report",
        &sample(),
        "-f",
        "soc2",
        "--register",
        register,
        "--format",
        "md,html,pdf",
        "-q",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = onus(&[
        "book",
        &sample(),
        "-f",
        "soc2",
        "--register",
        register,
        "-q",
        "-o",
        book.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let fields = [
        "Owner: Board secretary",
        "Frequency: Quarterly",
        "Evidence: https://wiki.example.com/board-minutes",
        "Status: Not operating",
    ];
    let mut texts = vec![
        (
            "md",
            std::fs::read_to_string(report.join("responsibility-matrix.md")).unwrap(),
        ),
        (
            "html",
            std::fs::read_to_string(report.join("responsibility-matrix.html")).unwrap(),
        ),
        (
            "book",
            walk(&book.join("src"))
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "md"))
                .map(|p| std::fs::read_to_string(p).unwrap())
                .find(|t| t.contains("**CC1.2**"))
                .unwrap(),
        ),
    ];
    if common::tool("pdftotext") {
        let text = Command::new("pdftotext")
            .args(["-layout"])
            .arg(report.join("responsibility-matrix.pdf"))
            .arg("-")
            .output()
            .unwrap();
        // The PDF wraps lines: compare with its whitespace folded.
        let folded = String::from_utf8_lossy(&text.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        texts.push(("pdf", folded));
    }
    for (format, text) in &texts {
        let at = text
            .find("CC1.2")
            .unwrap_or_else(|| panic!("{format}: no CC1.2"));
        let after = &text[at..(at + 4000).min(text.len())];
        for field in fields {
            assert!(
                after.contains(field),
                "{format}: {field} missing after CC1.2: {after}"
            );
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
