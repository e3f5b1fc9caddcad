//! Questionnaire exports and OSCAL, read back as a user's tools read them.

mod common;
use onus::join::Selection;
use onus::render::{Format, Renderer};

fn report(name: &str, frameworks: &[&str]) -> onus::report::Report {
    let c = common::catalogue();
    let inventory = common::parse(&std::fs::read(common::fixture(name)).unwrap()).unwrap();
    let options = onus::report::ReportOptions {
        frameworks: Selection::parse_all(
            c,
            &frameworks.iter().map(|f| f.to_string()).collect::<Vec<_>>(),
        )
        .unwrap(),
        title: None,
        org: Some("Example Corp".into()),
        date: onus::text::Date::parse("2026-01-01").unwrap(),
        as_of: None,
        soc2: Default::default(),
        iso: Default::default(),
    };
    onus::assess::assess(c, &inventory, &Default::default(), &options)
}

/// The files of a format, in memory.
fn files(report: &onus::report::Report, format: Format) -> Vec<(String, Vec<u8>)> {
    Renderer::new(None, Default::default())
        .unwrap()
        .render(report, format)
        .unwrap()
        .files
        .iter()
        .map(|(name, body)| (name.clone(), body.to_vec()))
        .collect()
}

#[test]
fn csv_cells_that_could_run_as_formulas_are_neutralised() {
    assert_eq!(onus::render::exports::csv_safe("=1+1"), "'=1+1");
    assert_eq!(onus::render::exports::csv_safe("-2"), "'-2");
    assert_eq!(onus::render::exports::csv_safe("\tx"), "'\tx");
    assert_eq!(onus::render::exports::csv_safe("EC2"), "EC2");
    let r = report("formula.csv", &["soc2"]);
    let all = files(&r, Format::Csv);
    let matrix = String::from_utf8(all[0].1.clone()).unwrap();
    assert!(
        matrix.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "{matrix}"
    );
    assert!(!matrix.lines().any(|l| l.starts_with('=')));
}

#[test]
fn csv_round_trips_every_control_and_every_cell() {
    let r = report("seed-inventory.csv", &["soc2", "iso27001"]);
    let all = files(&r, Format::Csv);
    assert_eq!(
        all.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["responsibility-matrix.csv", "questionnaire.csv"]
    );
    let mut reader = csv::Reader::from_reader(all[1].1.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 61 + 93);
    let cc61 = rows
        .iter()
        .find(|r| &r[0] == "soc2" && &r[1] == "CC6.1")
        .unwrap();
    let control = r.frameworks[0]
        .controls
        .iter()
        .find(|c| c.id == "CC6.1")
        .unwrap();
    assert_eq!(&cc61[3], control.owner.id());
    assert_eq!(&cc61[4], control.summary);
    assert_eq!(
        &cc61[9],
        onus::render::exports::caiq_ownership(control.owner)
    );
    let mut matrix = csv::Reader::from_reader(all[0].1.as_slice());
    assert_eq!(matrix.records().count(), r.services.len() * r.areas.len());
    let mut bom = Renderer::new(None, Default::default()).unwrap();
    bom.csv_bom = true;
    assert!(bom
        .render(&r, Format::Csv)
        .unwrap()
        .bytes()
        .starts_with(b"\xEF\xBB\xBFservice,"));
}

#[test]
fn caiq_ownership_sees_the_organisation_as_the_provider_of_its_own_service() {
    use onus::vocab::Owner;
    assert_eq!(
        onus::render::exports::caiq_ownership(Owner::Customer),
        "CSP-owned"
    );
    assert_eq!(
        onus::render::exports::caiq_ownership(Owner::Provider),
        "Third-party outsourced"
    );
    assert_eq!(
        onus::render::exports::caiq_ownership(Owner::Shared),
        "Shared CSP and 3rd-party"
    );
}

#[test]
fn the_workbook_reads_back_with_frozen_filtered_headers_and_string_cells() {
    let r = report("formula.csv", &["soc2", "nist-800-53:low"]);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("q.xlsx");
    std::fs::write(&path, &files(&r, Format::Xlsx)[0].1).unwrap();
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print("|".join(wb.sheetnames))
for ws in wb.worksheets[2:]:
    print(ws.title, ws.max_row, ws.freeze_panes, ws.auto_filter.ref, ws.cell(1, 1).value)
inv = wb["Inventory"]
cells = [c for row in inv.iter_rows(min_row=2) for c in row]
print("types", sorted({c.data_type for c in cells if c.value is not None}))
print("values", [c.value for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"])
"#;
    let Some(out) = common::python("openpyxl", script, &[&path]) else {
        return;
    };
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "About|Summary|Services|Inventory|soc2|nist-800-53-low|SOC 2 description"
    );
    assert!(
        lines[1].starts_with(&format!("Services {} A2 A1:", r.services.len() + 1)),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("Inventory 4 A2 A1:"), "{}", lines[2]);
    assert!(
        lines[3].starts_with("soc2 62 A2 A1:P62 Control"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with("nist-800-53-low 150 A2 A1:P150 Control"),
        "{}",
        lines[4]
    );
    // The SOC 2 description: scope (2 rows), the provider's subsection (nature,
    // carve-out, CSOCs, monitoring, scope check, coverage), the model's duties, the CUEC
    // note, and the header.
    let carve = r.frameworks[0].carve_out.as_ref().unwrap();
    let soc2 = r.frameworks[0].soc2.as_ref().unwrap();
    let aws = &soc2.subservice_organisations[0];
    let rows = 2 + 4 + aws.csocs.len() + aws.monitoring.len() + carve.user_entity.len() + 1 + 1;
    assert!(
        lines[5].starts_with(&format!("SOC 2 description {rows} A2 A1:E{rows} Part")),
        "{}",
        lines[5]
    );
    assert!(
        lines[6] == "types ['n', 's']",
        "numbers are line numbers only, the rest strings: {}",
        lines[6]
    );
    for hostile in ["=1+1", "@SUM(A1)", "-2", "=HYPERLINK(\"http://x\")"] {
        assert!(
            lines[7].contains(hostile),
            "{hostile} stays a string: {}",
            lines[7]
        );
    }
}

/// The workbook explains itself (an About sheet naming every column of the framework
/// sheets and the two points of view), sizes every column to its content within a cap,
/// and fills the CAIQ columns with statements to paste, not instructions.
#[test]
fn the_workbook_is_explained_sized_and_ready_to_paste() {
    let r = report("seed-inventory.csv", &["soc2"]);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("q.xlsx");
    std::fs::write(&path, &files(&r, Format::Xlsx)[0].1).unwrap();
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
about = wb["About"]
items = [row[0] for row in about.iter_rows(min_row=2, values_only=True)]
ws = wb["soc2"]
headers = [c.value for c in ws[1]]
for h in headers:
    print("explained", h, ("Column: " + h) in items)
print("views", "Two points of view" in items)
widths = {}
for dim in ws.column_dimensions.values():
    for col in range(dim.min, dim.max + 1):
        widths[col] = dim.width
for i, h in enumerate(headers, start=1):
    print("width", h, widths.get(i))
for row in ws.iter_rows(min_row=2, values_only=True):
    print("csp", row[0], row[5] is not None, (row[9] or "").replace("\n", " / "))
"#;
    let Some(out) = common::python("openpyxl", script, &[&path]) else {
        return;
    };
    for line in out.lines() {
        let words: Vec<&str> = line.splitn(2, ' ').collect();
        match words[0] {
            "explained" | "views" => assert!(line.ends_with("True"), "{line}"),
            "width" => {
                let width: f64 = line.rsplit(' ').next().unwrap().parse().unwrap_or(0.0);
                assert!((8.0..=70.0).contains(&width), "{line}");
            }
            "csp" => {
                let text = line.splitn(4, ' ').nth(3).unwrap_or("");
                assert!(
                    text.starts_with("We ") || text.starts_with("AWS"),
                    "a statement: {line}"
                );
                assert!(
                    !text.contains(" your ") && !text.contains(" you "),
                    "{line}"
                );
            }
            _ => panic!("{line}"),
        }
    }
    // The columns a reader pastes from are wide enough to read.
    let customer = out
        .lines()
        .find_map(|l| l.strip_prefix("width What the customer does "))
        .unwrap();
    assert!(customer.parse::<f64>().unwrap() > 40.0, "{customer}");
}

#[test]
fn oscal_is_deterministic_and_read_by_compliance_trestle() {
    let r = report("seed-inventory.csv", &["soc2", "nist-800-53:low", "hipaa"]);
    let bytes = files(&r, Format::Oscal)[0].1.clone();
    assert_eq!(
        bytes,
        files(&r, Format::Oscal)[0].1,
        "same report, same UUIDs"
    );
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let def = &json["component-definition"];
    assert_eq!(def["metadata"]["oscal-version"], "1.1.2");
    let components = def["components"].as_array().unwrap();
    assert_eq!(components.len(), 10);
    let ec2 = components
        .iter()
        .find(|c| c["title"] == "Amazon EC2")
        .unwrap();
    assert_eq!(ec2["type"], "service");
    // EC2's requirements are those of the capability (responsibility profile) that
    // incorporates it.
    let capabilities = def["capabilities"].as_array().unwrap();
    let incorporating = |component: &serde_json::Value| -> Vec<&serde_json::Value> {
        capabilities
            .iter()
            .filter(|cap| {
                cap["incorporates-components"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|i| i["component-uuid"] == component["uuid"])
            })
            .collect()
    };
    for c in components {
        assert_eq!(
            incorporating(c).len(),
            1,
            "each service in one profile: {c}"
        );
    }
    let nist = incorporating(ec2)[0]["control-implementations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|ci| ci["description"].as_str().unwrap().contains("800-53"))
        .unwrap();
    assert_eq!(
        nist["source"],
        "https://raw.githubusercontent.com/usnistgov/oscal-content/88bb8deeaa815f8914d68ea7e31a622ebbc1719d/nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_LOW-baseline_profile.json"
    );
    let requirement = |id: &str| {
        nist["implemented-requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["control-id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        requirement("ac-2")["responsible-roles"],
        serde_json::json!([{"role-id": "customer"}])
    );
    assert_eq!(
        requirement("pe-3")["responsible-roles"],
        serde_json::json!([{"role-id": "provider"}])
    );
    // A shared control says which areas are whose; that the provider's part is
    // monitored through its attestations is said once, in the provider's role.
    let shared = nist["implemented-requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["statements"].is_array())
        .expect("a shared control");
    assert!(shared["statements"][0]["description"]
        .as_str()
        .unwrap()
        .starts_with("Performed by the provider: "));
    let provider = def["metadata"]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "provider")
        .unwrap();
    assert!(provider["description"]
        .as_str()
        .unwrap()
        .contains("attestations"));
    // SOC 2 has no published OSCAL catalog: its source is a back-matter resource that
    // says so.
    let soc2 = incorporating(ec2)[0]["control-implementations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|ci| ci["description"].as_str().unwrap().starts_with("SOC 2"))
        .unwrap();
    let href = soc2["source"].as_str().unwrap();
    let resource = def["back-matter"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| Some(r["uuid"].as_str().unwrap()) == href.strip_prefix('#'))
        .expect("the source resolves in the back-matter");
    assert_eq!(resource["props"][0]["value"], "none-published");

    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("oscal-component-definition.json");
    std::fs::write(&path, &bytes).unwrap();
    let script = r#"
import sys, pathlib
from trestle.oscal.component import ComponentDefinition
cd = ComponentDefinition.oscal_read(pathlib.Path(sys.argv[1]))
print(len(cd.components), len(cd.capabilities), sum(len(ci.implemented_requirements) for c in cd.capabilities for ci in c.control_implementations or []))
"#;
    let Some(out) = common::python("trestle", script, &[&path]) else {
        return;
    };
    let expected: usize = capabilities
        .iter()
        .flat_map(|c| {
            c["control-implementations"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|ci| ci["implemented-requirements"].as_array().unwrap().len())
        .sum();
    assert_eq!(out.trim(), format!("10 {} {expected}", capabilities.len()));
}

#[test]
fn framework_sheets_get_unique_names_whatever_the_ids() {
    let fw = |id: &str| {
        format!(
            "[framework]\nid = \"{id}\"\nname = \"X\"\nversion = \"1\"\npublisher = \"us\"\nsource = \"here\"\nlicence = \"ours\"\ntext = \"full\"\n\n[[control]]\nid = \"X-1\"\nlabel = \"A control\"\nareas = [\"data\"]\nwhy = \"Data.\"\n"
        )
    };
    let mut files = onus::catalogue::data_files(None).unwrap();
    for id in [
        "abcdefghijabcdefghijabcdefghij-one",
        "abcdefghijabcdefghijabcdefghij-two",
        "summary",
    ] {
        files.push(onus::catalogue::DataFile {
            path: format!("controls/{id}.toml"),
            origin: id.into(),
            text: fw(id),
        });
    }
    let c = onus::catalogue::Catalogue::from_files(&files).unwrap();
    let inventory = common::parse(b"service\nS3\n").unwrap();
    let options = onus::report::ReportOptions {
        frameworks: Selection::parse_all(
            &c,
            &[
                "abcdefghijabcdefghijabcdefghij-one".into(),
                "abcdefghijabcdefghijabcdefghij-two".into(),
                "summary".into(),
            ],
        )
        .unwrap(),
        title: None,
        org: Some(" Odd\norg\t".into()),
        date: onus::text::Date::parse("2026-01-01").unwrap(),
        as_of: None,
        soc2: Default::default(),
        iso: Default::default(),
    };
    let report = onus::assess::assess(&c, &inventory, &Default::default(), &options);
    let bytes =
        onus::render::exports::questionnaire_xlsx(&report).expect("the workbook is written");
    assert!(bytes.starts_with(b"PK"));
    let oscal: serde_json::Value = serde_json::from_slice(&files_of(&report)).unwrap();
    assert_eq!(
        oscal["component-definition"]["metadata"]["parties"][0]["name"], "Odd org",
        "OSCAL names are one line"
    );
}

fn files_of(report: &onus::report::Report) -> Vec<u8> {
    files(report, Format::Oscal)[0].1.clone()
}

/// No output says what a control's side does with an area's id and its generic
/// sentence ("encryption: Offers encryption features … (aws.acm, aws.kms)"): a control
/// without a statement of its own names its areas instead.
#[test]
fn no_output_falls_back_to_an_areas_id_and_sentence() {
    let tmp = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_onus"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "report",
            "samples/cur-export.csv",
            "-f",
            "all",
            "--format",
            "json,csv,md",
            "-q",
            "-o",
        ])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let c = common::catalogue();
    for file in [
        "responsibility-matrix.json",
        "questionnaire.csv",
        "responsibility-matrix.md",
    ] {
        let text = std::fs::read_to_string(tmp.path().join(file)).unwrap();
        for area in &c.areas {
            for sentence in [&area.provider, &area.customer] {
                let fallback = format!("{}: {}", area.id, sentence);
                assert!(!text.contains(&fallback), "{file}: {fallback}");
            }
        }
    }
}
