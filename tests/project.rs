//! The project file, `onus.toml`, as a new user meets it: `onus init`, answers in the
//! file, `onus report` with no arguments; the same settings as flags or as a file giving
//! the same documents; every mistake named at its line.

use std::path::Path;
use std::process::{Command, Output};

fn onus_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onus"))
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env_remove("ONUS_TEST_FAIL_AFTER")
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// A folder holding the sample billing export.
fn project_dir() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/cur-export.csv"),
        t.path().join("cur.csv"),
    )
    .unwrap();
    t
}

const SETTINGS: &str = r#"inventory = "cur.csv"
org = "Example Ltd"
title = "Cloud duties"
frameworks = ["soc2", "iso27001"]
formats = ["md", "json", "html"]
appendix_rows = 5

[variants]
"aws.lambda" = "container-image"
"eks" = "managed-node-groups"

[[override]]
service = "aws.rds"
area = "backup-recovery"
owner = "shared"
rationale = "Automated backups with 35-day retention, checked monthly"
"#;

#[test]
fn the_same_settings_as_flags_or_as_a_file_give_the_same_documents() {
    let t = project_dir();
    std::fs::write(t.path().join("onus.toml"), SETTINGS).unwrap();
    let o = onus_in(t.path(), &["report", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let from_file = t.path().join("onus-report");
    assert!(from_file.join("responsibility-matrix.md").is_file());
    assert!(
        !from_file.join("responsibility-matrix.pdf").exists(),
        "formats from the file"
    );

    // The same as flags, with no project file, and the override in the inventory.
    let flags = tempfile::tempdir().unwrap();
    std::fs::copy(t.path().join("cur.csv"), flags.path().join("cur.csv")).unwrap();
    let o = onus_in(
        flags.path(),
        &[
            "report",
            "cur.csv",
            "--org",
            "Example Ltd",
            "--title",
            "Cloud duties",
            "-f",
            "soc2,iso27001",
            "--format",
            "md,json,html",
            "--appendix-rows",
            "5",
            "--variant",
            "aws.lambda=container-image",
            "--variant",
            "eks=managed-node-groups",
            "-q",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let md = |dir: &Path| {
        std::fs::read_to_string(dir.join("onus-report/responsibility-matrix.md")).unwrap()
    };
    let (file_md, flags_md) = (md(t.path()), md(flags.path()));
    // The override of the file is on its cell, with the file's line; the flags have
    // none.
    let without = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| !l.starts_with("| Project file"))
            .map(String::from)
            .collect()
    };
    assert!(
        file_md.contains("| Project file | onus.toml |"),
        "{file_md}"
    );
    assert!(file_md.contains("| Project file SHA-256 | "));
    assert!(!flags_md.contains("Project file"));
    assert!(file_md
        .contains("Automated backups with 35-day retention, checked monthly (onus.toml line 12)"));
    let no_override = SETTINGS.split("[[override]]").next().unwrap();
    std::fs::write(t.path().join("onus.toml"), no_override).unwrap();
    let o = onus_in(t.path(), &["report", "-q", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(without(&md(t.path())), without(&flags_md));
    let html = |dir: &Path| {
        std::fs::read_to_string(dir.join("onus-report/responsibility-matrix.html")).unwrap()
    };
    let strip = |s: String| -> String {
        s.lines()
            .filter(|l| !l.contains("Project file"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(html(t.path())), strip(html(flags.path())));
    // The variants named in the file answer their questions: none is left.
    assert!(
        md(t.path()).contains("### Needs your confirmation\n\nNothing"),
        "{}",
        md(t.path())
    );
}

#[test]
fn flags_replace_the_files_values_and_a_variant_flag_the_files_variant() {
    let t = project_dir();
    std::fs::write(t.path().join("onus.toml"), SETTINGS).unwrap();
    let o = onus_in(
        t.path(),
        &[
            "report",
            "-f",
            "nist-csf",
            "--format",
            "json",
            "--variant",
            "aws.lambda=managed-runtime",
            "-o",
            "out",
            "-q",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(t.path().join("out/responsibility-matrix.json")).unwrap(),
    )
    .unwrap();
    let frameworks: Vec<&str> = json["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(frameworks, ["nist-csf"], "-f replaces the list");
    let lambda = json["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "aws.lambda")
        .unwrap();
    assert_eq!(lambda["variant"], "managed-runtime", "{lambda}");
    let eks = json["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "aws.eks")
        .unwrap();
    assert_eq!(
        eks["variant"], "managed-node-groups",
        "the file's other variants stay: {eks}"
    );
    assert_eq!(json["meta"]["project"]["path"], "onus.toml");
    assert_eq!(json["meta"]["org"], "Example Ltd");
}

#[test]
fn every_mistake_in_the_project_file_is_named_at_its_line() {
    let t = project_dir();
    for (edit, expected) in [
        (("frameworks =", "fameworks ="), "onus.toml:4:1: error: unknown field `fameworks`"),
        (("\"container-image\"", "\"container-imag\""), "onus.toml:9:16: error: [variants]: \"container-imag\" is not a variant of aws.lambda"),
        (("\"eks\"", "\"ekz\""), "onus.toml:10:1: error: [variants]: unknown service \"ekz\""),
        (("\"iso27001\"", "\"iso2701\""), "onus.toml:4:23: error: unknown framework \"iso2701\""),
        (("area = \"backup-recovery\"", "area = \"backups\""), "onus.toml:14:8: error: [[override]]: \"backups\" is not a duty area"),
        (("owner = \"shared\"", "owner = \"them\""), "onus.toml:15:9: error: \"them\" is not an owner"),
        (("appendix_rows = 5", "appendix_rows = \"5\""), "onus.toml:6:17: error: invalid type: string \"5\", expected usize"),
        (
            ("owner = \"shared\"\nrationale = \"Automated backups with 35-day retention, checked monthly\"", "owner = \"provider\""),
            "onus.toml:15:9: error: [[override]]: owner = \"provider\" leaves the customer less than the catalogue does",
        ),
    ] {
        assert!(SETTINGS.contains(edit.0), "{}", edit.0);
        std::fs::write(t.path().join("onus.toml"), SETTINGS.replace(edit.0, edit.1)).unwrap();
        for command in ["report", "check"] {
            let o = onus_in(t.path(), &[command, "-q"][..if command == "check" { 1 } else { 2 }]);
            assert_eq!(o.status.code(), Some(2), "{command} {edit:?}: {}", text(&o));
            assert!(text(&o).contains(expected), "{command} {edit:?}: {}", text(&o));
        }
        assert!(!t.path().join("onus-report").exists());
    }
    // --config names another file; paths in it are relative to it.
    std::fs::create_dir(t.path().join("conf")).unwrap();
    std::fs::write(
        t.path().join("conf/p.toml"),
        SETTINGS.replace("\"cur.csv\"", "\"../cur.csv\""),
    )
    .unwrap();
    std::fs::remove_file(t.path().join("onus.toml")).unwrap();
    let o = onus_in(t.path(), &["check", "--config", "conf/p.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = onus_in(t.path(), &["check", "--config", "conf/missing.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("conf/missing.toml: error: cannot read the project file"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_row_and_the_project_file_that_disagree_keep_the_owner_that_leaves_most_to_the_customer() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(
        t.path().join("inv.csv"),
        "service,duty.backup-recovery,rationale\nrds,customer,\nrds,,\n",
    )
    .unwrap();
    std::fs::write(
        t.path().join("onus.toml"),
        "inventory = \"inv.csv\"\n\n[[override]]\nservice = \"rds\"\narea = \"backup-recovery\"\nowner = \"shared\"\nrationale = \"Backups checked monthly by the DBA team\"\n",
    )
    .unwrap();
    let o = onus_in(t.path(), &["check"]);
    let out = text(&o);
    assert!(
        out.contains("rows of aws.rds disagree on backup-recovery (line 2: customer, line 3: shared (the project file's), onus.toml line 3: shared); keeping customer"),
        "{out}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_onus"))
        .current_dir(t.path())
        .args(["who", "rds", "backup-recovery"])
        .output()
        .unwrap();
    assert!(
        text(&o).starts_with("shared:"),
        "who ignores the project file: {}",
        text(&o)
    );
}

#[test]
fn a_pack_holds_the_project_file_among_its_inputs() {
    let t = project_dir();
    std::fs::write(
        t.path().join("onus.toml"),
        format!("{SETTINGS}\n[pack]\noutput = \"evidence\"\n"),
    )
    .unwrap();
    let o = onus_in(t.path(), &["pack", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let copied = std::fs::read(t.path().join("evidence/inputs/onus.toml")).unwrap();
    assert_eq!(copied, std::fs::read(t.path().join("onus.toml")).unwrap());
    let readme = std::fs::read_to_string(t.path().join("evidence/README.md")).unwrap();
    assert!(readme.contains("| `inputs/onus.toml` | the project file the report's settings came from, byte for byte |"), "{readme}");
    let o = onus_in(t.path(), &["verify", "evidence"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn init_then_two_answers_then_report_with_no_arguments() {
    let t = project_dir();
    let o = onus_in(t.path(), &["init", "cur.csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("wrote onus.toml: answer its 2 questions under [variants]"),
        "{}",
        text(&o)
    );
    let file = std::fs::read_to_string(t.path().join("onus.toml")).unwrap();
    assert!(file.contains("inventory = \"cur.csv\"\n"), "{file}");
    // The file as written is a valid project file: a report from it still asks.
    let o = onus_in(t.path(), &["report", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let md =
        std::fs::read_to_string(t.path().join("onus-report/responsibility-matrix.md")).unwrap();
    assert!(
        md.contains("How does aws.lambda run here") && md.contains("How does aws.eks run here"),
        "{md}"
    );
    // Answer both questions in the file, as a user would: uncomment and pick a way.
    let answered = file
        .replace(
            "# \"aws.eks\" = \"self-managed-nodes\"",
            "\"aws.eks\" = \"fargate\"",
        )
        .replace(
            "# \"aws.lambda\" = \"managed-runtime\"",
            "\"aws.lambda\" = \"container-image\"",
        );
    assert_ne!(answered, file);
    std::fs::write(t.path().join("onus.toml"), answered).unwrap();
    let o = onus_in(
        t.path(),
        &["report", "-q", "--force", "--format", "md,json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let md =
        std::fs::read_to_string(t.path().join("onus-report/responsibility-matrix.md")).unwrap();
    assert!(
        !md.contains("How does aws.lambda run here") && !md.contains("How does aws.eks run here"),
        "{md}"
    );
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(t.path().join("onus-report/responsibility-matrix.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["questions"].as_array().unwrap().len(), 0);
    for (id, variant) in [("aws.eks", "fargate"), ("aws.lambda", "container-image")] {
        let s = json["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap();
        assert_eq!(
            (s["variant"].as_str(), s["variant_basis"].as_str()),
            (Some(variant), Some("named")),
            "{s}"
        );
    }
    // init never overwrites.
    let o = onus_in(t.path(), &["init", "cur.csv"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("onus.toml already exists"));
}

/// Every AWS account has IAM, STS and the account itself, and billing exports never list
/// them: an AWS inventory implies them, so that CC6.1 has IAM checks with no IAM row;
/// `implied = false` leaves them out.
#[test]
fn iam_sts_and_the_account_are_implied_unless_the_project_file_says_not() {
    let t = project_dir();
    let services = |json: &serde_json::Value| -> Vec<String> {
        json["services"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["implied"] == true)
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    };
    let iam_checks = |json: &serde_json::Value| -> usize {
        let cc61 = json["frameworks"][0]["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "CC6.1")
            .unwrap();
        cc61["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["service"] == "aws.iam")
            .count()
    };
    let read = |dir: &str| -> serde_json::Value {
        serde_json::from_slice(
            &std::fs::read(t.path().join(dir).join("responsibility-matrix.json")).unwrap(),
        )
        .unwrap()
    };
    let o = onus_in(
        t.path(),
        &["report", "cur.csv", "--format", "json", "-q", "-o", "with"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let json = read("with");
    assert_eq!(services(&json), ["aws.account", "aws.iam", "aws.sts"]);
    assert!(iam_checks(&json) >= 5, "{}", iam_checks(&json));
    assert!(json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["message"]
            .as_str()
            .unwrap()
            .starts_with("implied: aws.account, aws.iam and aws.sts")));
    std::fs::write(t.path().join("onus.toml"), "implied = false\n").unwrap();
    let o = onus_in(
        t.path(),
        &[
            "report", "cur.csv", "--format", "json", "-q", "-o", "without",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let json = read("without");
    assert!(services(&json).is_empty());
    assert_eq!(iam_checks(&json), 0);
    // "AWS Account Management" is the account, a service of its own, no longer a billing line.
    std::fs::remove_file(t.path().join("onus.toml")).unwrap();
    std::fs::write(
        t.path().join("acct.csv"),
        "service\nAWS Account Management\nIAM\n",
    )
    .unwrap();
    let o = onus_in(t.path(), &["check", "acct.csv"]);
    assert!(text(&o).contains("implied: aws.sts"), "{}", text(&o));
    assert!(
        text(&o).contains("acct.csv: 2 rows, 3 services"),
        "{}",
        text(&o)
    );
}
