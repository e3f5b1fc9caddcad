//! The ISO/IEC 27001 Statement of Applicability: 93 rows, exclusions justified from the
//! project file (an exclusion without one is an error naming its line) and marked in
//! every output, AWS's certificates named wherever AWS has a part, and the workbook
//! headed by its document-control block.

mod common;
use std::process::Output;

const PROJECT: &str = r#"inventory = "billing.csv"
org = "Example Corp"
frameworks = ["iso27001"]

[iso27001]
exclude = [{ control = "A.7.1", justification = "No offices of our own: staff work remotely." }]
include = [{ control = "A.5.1", justification = "Required by our ISMS scope statement." }]
document = { version = "1.2", owner = "CISO", approved = "2026-11-30" }
"#;

fn onus(dir: &std::path::Path, args: &[&str]) -> Output {
    common::onus_in(dir, args)
}

fn project(text: &str) -> tempfile::TempDir {
    common::billing_project(text)
}

#[test]
fn the_soa_has_every_annex_a_control_with_its_applicability_and_certificates() {
    let dir = project(PROJECT);
    let out = onus(dir.path(), &["soa", "-o", "soa"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("wrote a Statement of Applicability of 93 controls (1 excluded) to soa"));
    let csv =
        std::fs::read_to_string(dir.path().join("soa/statement-of-applicability.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header[..4],
        ["Control", "Label", "Applicable", "Justification"]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 93);
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap();
    assert_eq!(row("A.7.1")[2], "No (excluded)");
    assert_eq!(
        row("A.7.1")[3],
        "No offices of our own: staff work remotely."
    );
    assert_eq!(row("A.5.1")[3], "Required by our ISMS scope statement.");
    assert!(row("A.8.24")[3].starts_with("Required by the services in scope"));
    // Every applicable control with an AWS part names the certificate relied on.
    for r in rows.iter().filter(|r| r[2] == "Yes" && r[7] != "—") {
        assert!(r[8].contains("ISO/IEC 27001:2022"), "{}: {}", r[0], r[8]);
    }
    assert!(row("A.8.22")[8].contains("ISO/IEC 27017:2015"));
    // A control of the organisation alone relies on no certificate.
    assert_eq!(row("A.6.8")[7], "—");
    assert_eq!(row("A.6.8")[8], "");
    // The workbook: About first, then the SoA under its document-control block.
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print("|".join(wb.sheetnames))
ws = wb["SoA"]
for row in ws.iter_rows(min_row=1, max_row=7, max_col=3, values_only=True):
    print(" | ".join(str(c or "") for c in row))
print(ws.max_row, ws.freeze_panes)
"#;
    if let Some(text) = common::python(
        "openpyxl",
        script,
        &[&dir.path().join("soa/statement-of-applicability.xlsx")],
    ) {
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "About|SoA");
        assert_eq!(
            lines[1],
            "Document | Statement of Applicability (ISO/IEC 27001:2022) | "
        );
        assert_eq!(lines[2], "Organisation | Example Corp | ");
        assert_eq!(lines[3], "Version | 1.2 | ");
        assert_eq!(lines[4], "Owner | CISO | ");
        assert_eq!(lines[5], "Approved | 2026-11-30 | ");
        assert_eq!(lines[7], "Control | Label | Applicable");
        assert_eq!(lines[8], "100 A8");
    }
    // The exclusion is marked in every output: the documents' ISO section and its SoA
    // section, the register, the workbook and OSCAL.
    let out = onus(
        dir.path(),
        &["report", "--format", "md,json,xlsx,oscal", "-o", "out"],
    );
    assert!(out.status.success());
    let md = std::fs::read_to_string(dir.path().join("out/responsibility-matrix.md")).unwrap();
    assert!(md.contains("Physical perimeters (excluded from the Statement of Applicability: No offices of our own: staff work remotely.)"));
    assert!(md.contains("\n### ISO/IEC 27001 Annex A: Statement of Applicability\n"));
    assert!(md.contains("| **A.7.1** Physical perimeters (excluded from the Statement of Applicability: No offices of our own: staff work remotely.) | No (excluded) |"));
    let oscal =
        std::fs::read_to_string(dir.path().join("out/oscal-component-definition.json")).unwrap();
    assert!(oscal.contains("excluded from the Statement of Applicability"));
    let out = onus(dir.path(), &["register", "-o", "register"]);
    assert!(out.status.success());
    let register =
        std::fs::read_to_string(dir.path().join("register/controls-register.csv")).unwrap();
    assert!(register.contains("excluded from the Statement of Applicability"));
}

#[test]
fn an_exclusion_without_a_justification_is_an_error_naming_its_line() {
    let dir =
        project("inventory = \"billing.csv\"\n\n[iso27001]\nexclude = [{ control = \"A.7.1\" }]\n");
    let out = onus(dir.path(), &["soa", "-o", "soa"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("onus.toml:4:24: error: [iso27001] exclude: A.7.1 needs its justification"),
        "{stderr}"
    );
    assert!(!dir.path().join("soa").exists());
    let dir = project("inventory = \"billing.csv\"\n\n[iso27001]\nexclude = [{ control = \"A.99\", justification = \"x\" }]\n");
    let out = onus(dir.path(), &["soa", "-o", "soa"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "onus.toml:4:24: error: [iso27001]: \"A.99\" is not an ISO/IEC 27001 Annex A control"
    ));
}
