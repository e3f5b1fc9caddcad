//! The SOC 2 section as an auditor reads it: on a billing export with
//! `soc2:security+availability+confidentiality` and a type 2 period, the scope, the
//! carved-out subservice organisation with every element a description needs, the
//! reports relied on with the days they leave uncovered, the model's duties never
//! titled as CUECs, no "inherited", and every element in every format.

mod common;
use std::process::{Command, Output};

const PROJECT: &str = r#"inventory = "billing.csv"
frameworks = ["soc2:security+availability+confidentiality"]
org = "Example Corp"

[soc2]
type = 2
period = "2026-01-01..2026-12-31"

[[attestation]]
provider = "aws"
report = "SOC 2 Type 2"
start = 2025-04-01
end = 2026-03-31
auditor = "Example Audit LLP"
opinion = "Unqualified"
exceptions = "None noted"
letter = 2026-06-30

[[cuec]]
text = "Customers restrict who in their organisation may sign in to the product."
criteria = ["CC6.1"]
"#;

fn onus(dir: &std::path::Path, args: &[&str]) -> Output {
    common::onus_in(dir, args)
}

fn project(text: &str) -> tempfile::TempDir {
    common::billing_project(text)
}

/// The SOC 2 section of a Markdown document: from its scope heading to the next
/// section of the same level or higher.
fn soc2_section(md: &str, heading: &str) -> String {
    let start = md
        .find(&format!(
            "{heading} SOC 2 Trust Services Criteria: scope and subservice organisations"
        ))
        .expect("the SOC 2 section");
    let rest = &md[start + heading.len()..];
    let end = rest
        .match_indices("\n#")
        .find(|(i, _)| {
            let level = rest[i + 1..].chars().take_while(|c| *c == '#').count();
            level <= heading.len()
        })
        .map_or(rest.len(), |(i, _)| i);
    rest[..end].to_string()
}

#[test]
fn the_soc2_section_is_what_a_description_needs() {
    let dir = project(PROJECT);
    let out = onus(
        dir.path(),
        &["report", "--format", "md,json,html,xlsx,pdf", "-o", "out"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The days after the letter are named, once, as a warning.
    assert!(
        stderr.contains("onus.toml: warning: SOC 2: 184 days of the examination are covered by no AWS report or SOC Continued Operations Letter: 2026-07-01 to 2026-12-31."),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("out/responsibility-matrix.json")).unwrap(),
    )
    .unwrap();
    let soc2 = &json["frameworks"][0];
    assert_eq!(
        soc2["selection"],
        "soc2:security+availability+confidentiality"
    );
    assert_eq!(
        soc2["scope"]["categories"],
        serde_json::json!(["security", "availability", "confidentiality"])
    );
    assert_eq!(soc2["scope"]["report_type"], 2);
    assert_eq!(soc2["scope"]["period"]["end"], "2026-12-31");
    // Privacy and processing integrity are out of scope, in every table.
    let ids: Vec<&str> = soc2["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 38);
    assert!(!ids.iter().any(|i| i.starts_with('P')), "{ids:?}");
    let aws = &soc2["subservice_organisations"][0];
    assert_eq!(aws["provider"], "aws");
    assert!(aws["nature"]
        .as_str()
        .unwrap()
        .starts_with("The organisation uses AWS for infrastructure services: virtual servers, storage volumes and networks (Amazon EC2 and Amazon VPC)"));
    assert!(aws["carve_out"]
        .as_str()
        .unwrap()
        .contains("carve-out method"));
    assert!(aws["dependency"]
        .as_str()
        .unwrap()
        .contains("suitably designed and operating effectively"));
    let csocs = aws["csocs"].as_array().unwrap();
    for id in [
        "physical-access",
        "environmental",
        "media-sanitisation",
        "personnel-access",
        "tenant-isolation",
        "infrastructure-change",
        "encryption-in-transit",
    ] {
        let c = csocs
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id}"));
        let services: Vec<&str> = c["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert!(services.contains(&"aws.ec2"), "{id}: {services:?}");
        assert!(c["text"]
            .as_str()
            .unwrap()
            .starts_with("AWS is expected to "));
        assert!(c["source"].as_str().unwrap().starts_with("https://"));
    }
    for c in csocs {
        for criterion in c["criteria"].as_array().unwrap() {
            let criterion = criterion.as_str().unwrap();
            assert!(
                ids.contains(&criterion) && !criterion.starts_with("PI"),
                "{criterion}"
            );
        }
    }
    // Platform patching concerns the services whose OS or engine AWS runs, not EC2.
    let patching = csocs
        .iter()
        .find(|c| c["id"] == "platform-patching")
        .unwrap();
    assert!(!patching["services"].to_string().contains("\"aws.ec2\""));
    assert_eq!(aws["monitoring"].as_array().unwrap().len(), 3);
    assert_eq!(aws["attestations"][0]["letter"], "2026-06-30");
    assert_eq!(
        aws["gaps"],
        serde_json::json!([{"start": "2026-07-01", "end": "2026-12-31"}])
    );
    assert_eq!(soc2["cuecs"][0]["criteria"], serde_json::json!(["CC6.1"]));

    // The Markdown section: every element, third person, no "inherited".
    let md = std::fs::read_to_string(dir.path().join("out/responsibility-matrix.md")).unwrap();
    let section = soc2_section(&md, "###");
    let elements = [
        "**Trust services categories:** Security, Availability and Confidentiality. **Report:** Type 2, for the period 2026-01-01 to 2026-12-31.",
        "#### Amazon Web Services, Inc. (AWS) as a subservice organisation",
        "The organisation uses AWS for infrastructure services",
        "presents it with the carve-out method",
        "are suitably designed and operating effectively",
        "| Complementary subservice organisation control | Criteria | Services | Source |",
        "AWS is expected to restrict physical access to its data centres",
        "| Monitoring control | Criteria |",
        "Services to confirm against AWS's list of services in scope",
        "| SOC 2 Type 2 | 2025-04-01 to 2026-03-31 | Example Audit LLP | Unqualified | None noted | 2026-06-30 |",
        "184 days of the examination are covered by no AWS report",
        "#### What the shared responsibility model leaves to the organisation",
        "they are not\nits complementary user entity controls",
        "#### The organisation's complementary user entity controls",
        "Customers restrict who in their organisation may sign in to the product.",
    ];
    for e in elements {
        assert!(
            section.contains(e),
            "the Markdown SOC 2 section lacks: {e}\n{section}"
        );
    }
    assert!(!section.to_lowercase().contains("inherit"), "{section}");
    // What the description says of AWS and of the organisation's monitoring is in the
    // third person (the model's duties below are written as duties).
    let described = &section[..section
        .find("#### What the shared responsibility model")
        .unwrap()];
    assert!(!described.contains(" you"), "third person: {described}");
    // The model's duties are never titled as the organisation's CUECs.
    for line in section.lines().filter(|l| l.starts_with('#')) {
        assert!(
            !(line.contains("complementary user entity") && line.contains("model")),
            "{line}"
        );
    }
    // The SOC 2 controls' own table heads the provider's part in SOC 2 words.
    assert!(md.contains(
        "| Controls | Owner | What you do | Expected of the provider (CSOC) | Services |"
    ));

    // HTML and PDF lay out the same section.
    let html = std::fs::read_to_string(dir.path().join("out/responsibility-matrix.html")).unwrap();
    for e in [
        "scope and subservice organisations",
        "Amazon Web Services, Inc. (AWS) as a subservice organisation",
        "Complementary subservice organisation control",
        "Monitoring control",
        "Example Audit LLP",
        "What the shared responsibility model leaves to the organisation",
        "complementary user entity controls",
    ] {
        assert!(html.contains(e), "HTML lacks {e}");
    }
    if common::tool("pdftotext") {
        let text = Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(dir.path().join("out/responsibility-matrix.pdf"))
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for e in [
            "scope and subservice organisations",
            "Type 2, for the period 2026-01-01 to 2026-12-31",
            "as a subservice organisation",
            "Monitoring control",
            "Example Audit LLP",
            "What the shared responsibility model leaves to the organisation",
            "The organisation's complementary user entity controls",
        ] {
            assert!(text.contains(e), "PDF lacks {e}");
        }
    }
    // The workbook's SOC 2 sheet.
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["SOC 2 description"]
for row in ws.iter_rows(min_row=2, values_only=True):
    print(" | ".join(str(c or "") for c in row))
"#;
    if let Some(sheet) = common::python(
        "openpyxl",
        script,
        &[&dir.path().join("out/questionnaire.xlsx")],
    ) {
        for e in [
            "Trust services categories | Security, Availability and Confidentiality",
            "complementary subservice organisation control | AWS is expected to restrict physical access",
            "monitoring control | The organisation obtains AWS's SOC 2 reports",
            "report relied on | SOC 2 Type 2, 2025-04-01 to 2026-03-31",
            "coverage of the examination | 184 days",
            "Left to the organisation by the model: ",
            "Complementary user entity control | Customers restrict",
        ] {
            assert!(sheet.contains(e), "the workbook lacks {e}\n{sheet}");
        }
        assert!(!sheet.to_lowercase().contains("inherit"));
    }

    // `check` warns of the uncovered days too; the title block states the examination.
    let out = onus(dir.path(), &["check"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(
        "onus.toml: warning: SOC 2: 184 days of the examination are covered by no AWS report"
    ));
    assert!(md.contains("| SOC 2 examination | Security, Availability and Confidentiality. Type 2, for the period 2026-01-01 to 2026-12-31. |"));

    // The book's SOC 2 page.
    let out = onus(dir.path(), &["book", "-o", "site"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(
        dir.path()
            .join("site/src/frameworks/soc2-security-availability-confidentiality.md"),
    )
    .or_else(|_| {
        let dir = dir.path().join("site/src/frameworks");
        let name = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains("soc2"))
            .expect("a SOC 2 page");
        std::fs::read_to_string(name)
    })
    .unwrap();
    let section = soc2_section(&page, "##");
    for e in elements.iter().map(|e| e.replace("#### ", "### ")) {
        assert!(section.contains(&e), "the book's SOC 2 page lacks: {e}");
    }
    assert!(!section.to_lowercase().contains("inherit"));
}

#[test]
fn without_a_period_or_reports_the_section_says_what_to_obtain() {
    let dir = project("inventory = \"billing.csv\"\nframeworks = [\"soc2\"]\n");
    let out = onus(dir.path(), &["report", "--format", "json", "-o", "out"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("out/responsibility-matrix.json")).unwrap(),
    )
    .unwrap();
    let soc2 = &json["frameworks"][0];
    // All five categories until the user chooses; no period, said so.
    assert_eq!(soc2["scope"]["categories"].as_array().unwrap().len(), 5);
    assert_eq!(
        soc2["scope"]["examination_text"],
        "No report type or examination period is set."
    );
    let aws = &soc2["subservice_organisations"][0];
    assert!(aws["coverage"]
        .as_str()
        .unwrap()
        .starts_with("No AWS report is recorded as relied on. Obtain from AWS Artifact"));
    // AWS's own report covers no processing-integrity criterion: no CSOC claims one.
    for c in aws["csocs"].as_array().unwrap() {
        assert!(!c["criteria"].to_string().contains("PI"), "{c}");
    }
    assert!(soc2["cuecs_note"]
        .as_str()
        .unwrap()
        .contains("onus cannot know them"));
    // A type 1 report on the command line: designed and implemented.
    let out = onus(
        dir.path(),
        &[
            "report",
            "--format",
            "json",
            "-o",
            "out1",
            "--soc2-type",
            "1",
            "--period",
            "2026-06-30",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("out1/responsibility-matrix.json")).unwrap(),
    )
    .unwrap();
    let soc2 = &json["frameworks"][0];
    assert_eq!(
        soc2["scope"]["examination_text"],
        "Type 1, as of 2026-06-30."
    );
    assert!(soc2["subservice_organisations"][0]["dependency"]
        .as_str()
        .unwrap()
        .contains("suitably designed and implemented"));
}

#[test]
fn bad_soc2_settings_are_errors_naming_the_line() {
    let cases = [
        (
            "[soc2]\ntype = 1\nperiod = \"2026-01-01..2026-12-31\"\n",
            "onus.toml:3:10: error: [soc2]: a type 1 report is as of one date, not a period",
        ),
        (
            "[soc2]\ntype = 2\nperiod = \"2026-12-31..2026-01-01\"\n",
            "onus.toml:3:10: error: [soc2]: the period 2026-12-31..2026-01-01 ends before it starts",
        ),
        (
            "[[attestation]]\nprovider = \"aws\"\nreport = \"SOC 2 Type 2\"\nstart = 2025-10-01\nend = 2026-03-31\nletter = 2026-01-31\n",
            "onus.toml:6:10: error: [[attestation]]: a continued-operations letter covers the days after its report's period",
        ),
        (
            "[[attestation]]\nprovider = \"gcp\"\nreport = \"SOC 2 Type 2\"\nstart = 2025-10-01\nend = 2026-03-31\n",
            "onus.toml:2:12: error: [[attestation]]: \"gcp\" is not a provider",
        ),
        (
            "[[cuec]]\ntext = \"Customers do it.\"\ncriteria = [\"CC99.1\"]\n",
            "onus.toml:3:13: error: [[cuec]]: \"CC99.1\" is not a SOC 2 criterion",
        ),
    ];
    for (text, expected) in cases {
        let dir = project(&format!("inventory = \"billing.csv\"\n{text}"));
        let out = onus(dir.path(), &["report", "--format", "json", "-o", "out"]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The project file's lines count from its first line.
        let expected = {
            let (place, rest) = expected.split_once(": error: ").unwrap();
            let mut parts = place.split(':');
            let (file, line, col) = (
                parts.next().unwrap(),
                parts.next().unwrap().parse::<u32>().unwrap() + 1,
                parts.next().unwrap(),
            );
            format!("{file}:{line}:{col}: error: {rest}")
        };
        assert!(stderr.contains(&expected), "{stderr}\nexpected: {expected}");
        assert!(!dir.path().join("out").exists(), "no partial output");
    }
    let dir = project("inventory = \"billing.csv\"\n");
    let out = onus(
        dir.path(),
        &["report", "-o", "out", "--period", "2026-13-01"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"2026-13-01\" is not a calendar date"));
}

#[test]
fn a_csoc_claims_no_category_the_providers_report_does_not_cover() {
    let shipped = onus::catalogue::data_files(None)
        .unwrap()
        .into_iter()
        .find(|f| f.path == "aws/csoc.toml")
        .unwrap()
        .text;
    let bad = shipped.replace("criteria = [\"A1.1\"]", "criteria = [\"PI1.3\"]");
    let e = common::with_file("aws/csoc.toml", &bad).unwrap_err();
    assert!(
        e.contains("PI1.3 is a processing-integrity criterion, a category AWS's own SOC 2 report does not cover"),
        "{e}"
    );
    let bad = shipped.replace(
        "source = \"https://aws.amazon.com/compliance/data-center/controls/\"",
        "source = \"our own belief\"",
    );
    let e = common::with_file("aws/csoc.toml", &bad).unwrap_err();
    assert!(
        e.contains("source is the provider's page (https://...)"),
        "{e}"
    );
    let bad = shipped.replace(
        "text = \"AWS is expected to plan",
        "text = \"You rely on AWS to plan",
    );
    let e = common::with_file("aws/csoc.toml", &bad).unwrap_err();
    assert!(
        e.contains("capacity: a CSOC is one sentence in the third person"),
        "{e}"
    );
}
