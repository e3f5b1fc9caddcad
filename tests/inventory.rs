//! Inventory edge cases, each with the exact diagnostic or error a user reads.

mod common;
use common::{diagnostics_of, fixture, parse};
use onus::classify::{classify, RowStatus};
use onus::vocab::{Basis, Owner};

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

fn error_of(name: &str) -> String {
    parse(&read(name))
        .expect_err("the inventory is refused")
        .to_string()
}

fn services_of(name: &str) -> Vec<String> {
    services_of_bytes(&read(name))
}

#[test]
fn bom_and_spaced_header_are_read() {
    assert_eq!(services_of("bom.csv"), ["aws.ec2", "aws.s3"]);
    assert!(diagnostics_of(&read("bom.csv")).is_empty());
    let inv = parse(&read("bom.csv")).unwrap();
    assert_eq!(
        inv.headers[0], "Service Name",
        "the BOM is not part of the header"
    );
    assert!(
        inv.columns.account.is_some(),
        "Account ID is the account column"
    );
}

#[test]
fn semicolon_delimiter_is_detected() {
    let inv = parse(&read("semicolon.csv")).unwrap();
    assert_eq!(inv.delimiter, b';');
    assert_eq!(services_of("semicolon.csv"), ["aws.ec2", "aws.s3"]);
    assert!(inv.columns.environment.is_some());
}

#[test]
fn crlf_line_numbers_stay_right() {
    assert_eq!(
        diagnostics_of(&read("crlf.csv")),
        ["inventory.csv:4: error: unknown service \"NoSuchThing\", shown as unassessed in every area; correct the name, or add the service to the catalogue"]
    );
}

#[test]
fn odd_header_spellings_are_recognised() {
    let inv = parse(&read("odd-headers.csv")).unwrap();
    assert_eq!(
        inv.columns.service,
        [0],
        "\" Product_Name \" is the service column"
    );
    assert_eq!(inv.columns.account, Some(1));
    assert_eq!(inv.columns.environment, Some(2));
    assert_eq!(inv.columns.region, Some(3));
    assert_eq!(services_of("odd-headers.csv"), ["aws.s3"]);
}

#[test]
fn unknown_services_are_reported_once_with_suggestions_and_kept_unassessed() {
    assert_eq!(
        diagnostics_of(&read("unknown-service.csv")),
        [
            "inventory.csv:3: error: unknown service \"Amazon EC3\" (did you mean aws.ec2 (Amazon EC2), aws.ecr (Amazon ECR), aws.ecs (Amazon ECS)?), shown as unassessed in every area; correct the name, or add the service to the catalogue (2 rows: lines 3, 4)",
            "inventory.csv:5: error: unknown service \"Kubernetes Thing\", shown as unassessed in every area; correct the name, or add the service to the catalogue",
        ]
    );
    let report = common::report_of(&fixture("unknown-service.csv"));
    assert_eq!(report.meta.unassessed_rows, 3);
    let unknown: Vec<_> = report.services.iter().filter(|s| !s.assessed).collect();
    assert_eq!(unknown.len(), 2);
    assert!(unknown
        .iter()
        .all(|s| s.duties.values().all(|d| d.owner == Owner::Unassessed)));
    // Left out of every roll-up: only EC2 counts.
    assert_eq!(report.summary["guest-os"].customer, 1);
    assert_eq!(report.summary["guest-os"].owner, Owner::Customer);
}

#[test]
fn empty_service_cell_and_blank_rows_are_reported() {
    assert_eq!(
        diagnostics_of(&read("empty-service.csv")),
        [
            "inventory.csv:3: error: the service cell is empty; name the service or delete the row (the row counts as unassessed)",
            "inventory.csv:4: warning: the row is blank; skipped",
        ]
    );
    let report = common::report_of(&fixture("empty-service.csv"));
    assert_eq!(report.meta.unassessed_rows, 1);
}

#[test]
fn duplicate_rows_are_kept_and_flagged() {
    assert_eq!(
        diagnostics_of(&read("duplicates.csv")),
        ["inventory.csv:2: warning: line 4 repeats this row exactly; both are kept as rows of the same service"]
    );
    let report = common::report_of(&fixture("duplicates.csv"));
    let ec2 = report
        .services
        .iter()
        .find(|s| s.id.as_deref() == Some("aws.ec2"))
        .unwrap();
    assert_eq!(ec2.rows, [2, 4]);
}

#[test]
fn non_utf8_bytes_are_an_error_naming_the_line() {
    assert_eq!(
        error_of("non-utf8.csv"),
        "inventory.csv:3: error: column 7: byte 0xE9 is not valid UTF-8; the file looks like Windows-1252 or Latin-1. Save it as UTF-8 (in Excel: \"CSV UTF-8\") and run again"
    );
}

#[test]
fn utf16_with_bom_is_read() {
    assert_eq!(services_of("utf16.csv"), ["aws.ec2"]);
    assert_eq!(
        diagnostics_of(&read("utf16.csv")),
        ["inventory.csv: note: read as UTF-16LE (byte-order mark found)"]
    );
}

#[test]
fn header_only_is_a_warning_and_an_empty_report() {
    assert_eq!(
        diagnostics_of(&read("header-only.csv")),
        ["inventory.csv:1: warning: the inventory has a header but no rows; the report will be empty"]
    );
}

#[test]
fn empty_file_is_an_error() {
    assert_eq!(
        error_of("empty.csv"),
        "inventory.csv: error: the file is empty; an inventory needs a header row naming a service column, then one row per service"
    );
    assert_eq!(
        parse(b"\n  \n").unwrap_err().to_string(),
        error_of("empty.csv")
    );
}

#[test]
fn quoted_newlines_keep_later_line_numbers_right() {
    let inv = parse(&read("quoted-newline.csv")).unwrap();
    assert_eq!(inv.head[0][1], "first line\nsecond line");
    assert_eq!(inv.lines[1], 4);
}

#[test]
fn no_service_column_says_which_headers_were_seen() {
    assert_eq!(
        error_of("no-service-column.csv"),
        "inventory.csv:1: error: no service column found; the header has: \"name\", \"cost\". Name one column \"service\" (or service_name, product, product/ProductName, lineItem/ProductCode, resourceType, resourceARN), or pass --service-column NAME"
    );
    let options = onus::inventory::ReadOptions {
        service_column: Some("Name".into()),
        ..Default::default()
    };
    let inv = onus::inventory::Inventory::parse(
        &read("no-service-column.csv"),
        "x.csv",
        &options,
        common::catalogue(),
    )
    .unwrap();
    assert_eq!(inv.columns.service, [0]);
}

#[test]
fn unknown_duty_column_is_an_error_with_a_suggestion() {
    let e = error_of("unknown-duty-column.csv");
    assert!(
        e.starts_with("inventory.csv:1: error: column \"duty.encrypt\" looks like a duty override but names no duty area (did you mean \"duty.encryption\"?); the areas are: physical, hardware,"),
        "{e}"
    );
}

#[test]
fn ragged_rows_are_padded_or_cut_with_a_warning() {
    assert_eq!(
        diagnostics_of(&read("ragged.csv")),
        [
            "inventory.csv:2: warning: the row has 2 cells, the header 3; the missing cells are read as empty",
            "inventory.csv:3: warning: the row has 4 cells, the header 3; the cells beyond the last column are ignored: 3",
        ]
    );
}

#[test]
fn billing_lines_are_skipped_with_a_note_not_unassessed() {
    assert_eq!(
        diagnostics_of(&read("billing-lines.csv")),
        ["inventory.csv:3: note: \"AWSDataTransfer\" is a billing line, not a service (Data transfer charges, billed separately from the services that cause them); skipped (2 rows: lines 3, 4)"]
    );
    let report = common::report_of(&fixture("billing-lines.csv"));
    assert_eq!(
        (report.meta.unassessed_rows, report.meta.skipped_rows),
        (0, 2)
    );
    assert_eq!(
        report.inventory.iter().nth(1).unwrap().status,
        RowStatus::Skipped
    );
}

#[test]
fn variants_missing_unknown_or_needless_are_reported() {
    assert_eq!(
        diagnostics_of(&read("variants.csv")),
        [
            "inventory.csv:2: warning: How does aws.eks run here: self-managed-nodes, managed-node-groups, fargate, auto-mode, hybrid-nodes (on your premises) or outposts (on your premises)? Until the inventory says so (in a variant column), you are assumed to carry what the most customer-heavy of the ways it runs in AWS Regions leaves to you: Container hosts / worker nodes (customer); OS patching and hardening (customer); Runtimes, middleware, database engines (customer) (2 rows: lines 2, 3)",
            "inventory.csv:3: error: \"fargte\" is not a variant of aws.eks (expected one of: self-managed-nodes, managed-node-groups, fargate, auto-mode, hybrid-nodes, outposts); the customer is assumed to own the duties that depend on it",
            "inventory.csv:5: error: aws.s3 has no variants, so the catalogue does not know it used as \"fast\"; shown as unassessed. Remove the variant, or name the service it describes",
        ]
    );
    let report = common::report_of(&fixture("variants.csv"));
    let eks = report
        .services
        .iter()
        .find(|s| s.id.as_deref() == Some("aws.eks"))
        .unwrap();
    assert_eq!(eks.variant, None);
    assert_eq!(
        eks.rows,
        [2, 3],
        "an unknown variant joins the conservative entry"
    );
    assert_eq!(eks.duties["worker-nodes"].owner, Owner::Customer);
    assert_eq!(eks.duties["worker-nodes"].basis, Basis::Assumed);
    let ecs = report
        .services
        .iter()
        .find(|s| s.id.as_deref() == Some("aws.ecs"))
        .unwrap();
    assert_eq!(ecs.variant.as_deref(), Some("fargate"));
    assert_eq!(ecs.duties["worker-nodes"].owner, Owner::Provider);
    assert!(report
        .assumptions
        .iter()
        .any(|a| a.service == "aws.eks" && a.area == "guest-os"));
}

#[test]
fn overrides_need_a_rationale_and_disagreements_keep_the_customer() {
    assert_eq!(
        diagnostics_of(&read("overrides.csv")),
        [
            "inventory.csv:2: error: duty.encryption = \"provider\" leaves the customer less than the catalogue does (customer) without a rationale; say why in the rationale column (the override is not applied)",
            "inventory.csv:3: warning: rows of aws.s3 disagree on encryption (line 3: shared, line 4: customer (no override)); keeping customer, the owner that leaves most to the customer. Give every row the same override, or give the rows different variants",
            "inventory.csv:5: error: duty.backup-recovery = \"custmer\" is not an owner (expected provider, customer, shared or n/a); the customer is assumed to own it",
            "inventory.csv:8: error: unknown service \"Snowflake\", shown as unassessed in every area; correct the name, or add the service to the catalogue",
            "inventory.csv:8: warning: the override duty.encryption is ignored: \"Snowflake\" is unassessed",
        ]
    );
    let report = common::report_of(&fixture("overrides.csv"));
    let duty = |id: &str, area: &str| {
        let s = report
            .services
            .iter()
            .find(|s| s.id.as_deref() == Some(id))
            .unwrap();
        (s.duties[area].owner, s.duties[area].basis)
    };
    assert_eq!(
        duty("aws.ec2", "encryption"),
        (Owner::Customer, Basis::TierDefault),
        "no rationale: not applied"
    );
    assert_eq!(
        duty("aws.s3", "encryption"),
        (Owner::Customer, Basis::TierDefault),
        "the silent row keeps the customer"
    );
    assert_eq!(
        duty("aws.dynamodb", "backup-recovery"),
        (Owner::Customer, Basis::Assumed),
        "invalid value: customer assumed"
    );
    assert_eq!(
        duty("aws.lambda", "encryption"),
        (Owner::Customer, Basis::Override)
    );
    assert_eq!(
        duty("aws.rds", "backup-recovery"),
        (Owner::Provider, Basis::Override)
    );
    let rds = report
        .overrides
        .iter()
        .find(|o| o.service == "aws.rds")
        .unwrap();
    assert!(rds.applied);
    assert_eq!(rds.rationale, "AWS Backup under contract X");
    let s3 = report
        .overrides
        .iter()
        .find(|o| o.service == "aws.s3")
        .unwrap();
    assert!(!s3.applied);
    assert_eq!(s3.note, "not applied: another row keeps customer");
    assert_eq!(report.overrides.len(), 5, "every override is listed");
}

#[test]
fn nul_bytes_are_refused() {
    let e = parse(b"service\nEC2\nS3\0\n").unwrap_err().to_string();
    assert_eq!(e, "inventory.csv:3: error: the file contains NUL bytes: it looks like a binary file, not a CSV text file");
}

#[test]
fn billing_and_config_exports_resolve_as_they_come() {
    for (name, min_share) in [
        ("samples/cur-export.csv", 0.9),
        ("samples/aws-config-export.csv", 0.9),
    ] {
        let report = common::report_of(&common::root(name));
        let distinct = report.services.len();
        let assessed = report.meta.counts.assessed;
        assert!(
            assessed as f64 >= min_share * distinct as f64,
            "{name}: {assessed} of {distinct} distinct services resolve"
        );
        assert_eq!(report.meta.unassessed_rows, 0, "{name}");
    }
}

#[test]
fn resource_types_resolve_by_exact_type_before_namespace() {
    let c = common::catalogue();
    let id = |t: &str| match c.lookup(t, None) {
        onus::catalogue::Lookup::Service(s) => s.id.clone(),
        other => panic!("{t}: {other:?}"),
    };
    assert_eq!(id("AWS::EC2::Instance"), "aws.ec2");
    assert_eq!(id("AWS::EC2::Volume"), "aws.ebs");
    assert_eq!(id("AWS::EC2::VPC"), "aws.vpc");
    assert_eq!(id("AWS::EC2::SecurityGroup"), "aws.vpc");
    assert_eq!(id("aws::s3::bucket"), "aws.s3");
    for name in [
        "EC2",
        "Amazon EC2",
        "Amazon Elastic Compute Cloud",
        "ec2",
        "AmazonEC2",
        "aws.ec2",
        "amazon-ec2",
    ] {
        assert_eq!(id(name), "aws.ec2", "{name}");
    }
    assert_eq!(id("AWSLambda"), "aws.lambda");
}

#[test]
fn old_mac_cr_line_endings_keep_line_numbers_right() {
    assert_eq!(
        diagnostics_of(&read("cr-only.csv")),
        ["inventory.csv:3: error: unknown service \"NoSuch\", shown as unassessed in every area; correct the name, or add the service to the catalogue"]
    );
}

#[test]
fn an_override_that_takes_nothing_from_the_customer_needs_no_rationale() {
    let csv = b"service,duty.physical,duty.guest-os\nS3,provider,n/a\n";
    assert_eq!(
        diagnostics_of(csv),
        ["inventory.csv:2: error: duty.guest-os = \"n/a\" leaves the customer less than the catalogue does (provider) without a rationale; say why in the rationale column (the override is not applied)"],
        "provider -> provider is no move; provider -> n/a drops the provider's part the customer relies on"
    );
}

#[test]
fn a_default_variant_applies_to_rows_that_name_none() {
    let inventory = parse(b"service,variant\nEKS,\nEKS,self-managed-nodes\n").unwrap();
    let defaults = [("aws.eks".to_string(), "fargate".to_string())].into();
    let c = common::catalogue();
    let result = classify(c, &inventory, &defaults);
    let variants: Vec<_> = result
        .entries
        .iter()
        .map(|e| {
            e.variant
                .map(|v| c.services[e.service.unwrap()].variants[v].id.clone())
        })
        .collect();
    assert_eq!(
        variants,
        [
            Some("self-managed-nodes".to_string()),
            Some("fargate".to_string())
        ]
    );
    assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
}

#[test]
fn an_unclosed_quote_is_an_error_not_lost_rows() {
    assert_eq!(
        error_of("unclosed-quote.csv"),
        "inventory.csv:2: error: a quoted cell opens here and is never closed, so every later row would be read into it; close the quote (inside a quoted cell, write a quote as \"\")"
    );
}

#[test]
fn override_columns_in_other_spellings_apply_and_misspelt_ones_are_errors() {
    let report = common::report_of(&fixture("duty-underscore.csv"));
    let rds = report
        .services
        .iter()
        .find(|s| s.id.as_deref() == Some("aws.rds"))
        .unwrap();
    assert_eq!(
        (rds.duties["guest-os"].owner, rds.duties["guest-os"].basis),
        (Owner::Customer, Basis::Override)
    );
    let e = error_of("duty-misspelt.csv");
    assert!(e.starts_with("inventory.csv:1: error: column \"duty/offcer\" looks like a duty override but names no duty area"), "{e}");
}

#[test]
fn a_variant_named_for_a_service_without_variants_leaves_it_unassessed() {
    assert_eq!(
        diagnostics_of(&read("variant-on-plain-service.csv")),
        ["inventory.csv:2: error: aws.fargate has no variants, so the catalogue does not know it used as \"EXTERNAL\"; shown as unassessed. Remove the variant, or name the service it describes"]
    );
    let report = common::report_of(&fixture("variant-on-plain-service.csv"));
    assert_eq!(report.meta.unassessed_rows, 1);
    assert!(report.services.iter().all(|s| !s.assessed));
}

#[test]
fn invisible_and_control_characters_are_shown_in_diagnostics() {
    let lines = diagnostics_of(&read("invisible.csv"));
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains("\"S3{U+202E}SR{U+202C}\""),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("\"{U+001B}[31mEC2\""), "{}", lines[1]);
    assert!(lines.iter().all(|l| !l.contains(['\u{202e}', '\u{1b}'])));
}

#[test]
fn distinct_names_that_normalise_to_nothing_stay_distinct() {
    let names = services_of_bytes(b"service\n-\n::\n-\n");
    assert_eq!(names, ["?-", "?::"]);
}

fn services_of_bytes(bytes: &[u8]) -> Vec<String> {
    let inventory = parse(bytes).unwrap();
    let c = common::catalogue();
    classify(c, &inventory, &Default::default())
        .entries
        .iter()
        .map(|e| {
            e.service
                .map_or_else(|| format!("?{}", e.written), |s| c.services[s].id.clone())
        })
        .collect()
}

#[test]
fn a_rationale_needs_words() {
    let lines = diagnostics_of(b"service,duty.encryption,rationale\nEC2,provider,.\n");
    assert_eq!(lines.len(), 1);
    assert!(lines[0].contains("without a rationale"), "{}", lines[0]);
}

/// The reader takes its input in blocks of whole lines; where the blocks end changes
/// nothing: not the rows, their lines, the digest, nor a single message.
#[test]
fn reading_in_tiny_blocks_gives_the_same_inventory() {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(common::root("tests/fixtures"))
        .unwrap()
        .chain(std::fs::read_dir(common::root("samples")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(files.len() > 20);
    let mut inputs: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
        .collect();
    // Two problems in one file (the earliest is reported), bare `\r` line ends, blank
    // lines before the header, a header with no service column before a bad byte.
    for (name, bytes) in [
        ("utf8 then nul", &b"service\n\xE9\n\0\n"[..]),
        ("utf8 then open quote", b"service\n\xE9\n\"x\n"),
        ("nul then utf8", b"service\nEC2\0\n\xE9\n"),
        ("cr open quote", b"service\rEC2\r\"x\r"),
        ("cr bad byte", b"service\rEC2\r\xE9\r"),
        ("blank lines first", b" \n\n  \nservice\nEC2\n"),
        (
            "bad header then bad byte",
            b"service,cost\nEC1,1\nAWSDataTransfer,2\nAWSDataTrans\xBDer,3\n",
        ),
        ("header only after blank", b"\n\nservice\n"),
        // Found by the fuzz target: U+FEFF at the start of a later line is text.
        (
            "feff starts a row",
            b"service,variant\nEKS,\n\xEF\xBB\xBF,x\nS3,\n",
        ),
        // Found by the fuzz target: a bad header, then a quote never closed.
        (
            "bad header then open quote",
            b"ervice,notes\nEC2,\"the \"\"web\"\" tier\nS3,x\rEC2\n",
        ),
    ] {
        inputs.push((name.to_string(), bytes.to_vec()));
    }
    for (name, bytes) in inputs {
        let whole = common::reading(&common::parse(&bytes));
        for block in [1, 2, 3, 7, 64, 500] {
            assert_eq!(
                common::reading(&common::parse_in_blocks(&bytes, block)),
                whole,
                "{name} in blocks of {block} bytes"
            );
        }
    }
}

/// Errors name the line where the problem is, counting `\r` line ends as rows do, and
/// the earliest problem of a file is the one reported.
#[test]
fn errors_point_at_the_first_problem_in_the_file() {
    let error = |bytes: &[u8]| common::parse(bytes).unwrap_err().to_string();
    assert!(
        error(b"service\rEC2\r\xE9\r").starts_with("inventory.csv:3: error: column 1: byte 0xE9")
    );
    assert!(error(b"service\rEC2\r\"x\r")
        .starts_with("inventory.csv:3: error: a quoted cell opens here"));
    assert!(
        error(b"service\n\xE9\n\0\n").starts_with("inventory.csv:2: error: column 1: byte 0xE9")
    );
    assert!(error(b"service\nEC2\0\n\xE9\n")
        .starts_with("inventory.csv:2: error: the file contains NUL bytes"));
    assert!(
        error(b"name,cost\nEC1,1\nAWS\xBDer,3\n").contains(":1: error: no service column found"),
        "the header comes first"
    );
    let inv = common::parse(b"\n \nservice\nEC2\n").unwrap();
    assert_eq!(inv.lines, [4], "blank lines before the header are skipped");
    let empty = common::reading(&common::parse(b"\n\nservice\n"));
    assert!(
        empty.contains("inventory.csv:3: warning: the inventory has a header but no rows"),
        "{empty}"
    );
}

#[test]
fn a_pdf_or_a_pipe_separated_file_is_named_for_what_it_is() {
    let e = parse(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "inventory.csv: error: this is a PDF document, not a CSV inventory: give onus the CSV export of your services (or save the spreadsheet as CSV UTF-8)");
    let e = parse(b"service|account\nS3|1\n").unwrap_err().to_string();
    assert_eq!(e, "inventory.csv:1: error: the header \"service|account\" reads as one column: the file seems to be separated by \"|\"; pass --delimiter '|'");
}

/// The share of rows that name a real AWS service (not skipped as a billing line, not of
/// another provider) that resolve to a catalogue service.
fn resolution_rate(name: &str) -> (usize, usize) {
    let report = common::report_of(&fixture(name));
    let named = report
        .inventory
        .iter()
        .filter(|r| r.status != RowStatus::Skipped)
        .count();
    let foreign = report
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("no catalogue for provider"))
        .map(|d| {
            match d
                .message
                .split(" (")
                .last()
                .and_then(|t| t.split(' ').next())
            {
                Some(n) if d.message.ends_with(')') && d.message.contains(" rows: lines ") => {
                    n.parse::<usize>().unwrap()
                }
                _ => 1,
            }
        })
        .sum::<usize>();
    (named - report.meta.unassessed_rows, named - foreign)
}

#[test]
fn real_exports_resolve_at_least_98_percent_of_the_rows_that_name_an_aws_service() {
    for name in [
        "cur2-extract.csv",
        "focus-sample.csv",
        "config-resources.csv",
        "resource-arns.csv",
    ] {
        let (resolved, named) = resolution_rate(name);
        // resource-arns.csv names one made-up service on 2 of its 15 rows on purpose.
        let allowed_unknown = if name == "resource-arns.csv" { 2 } else { 0 };
        assert!(
            resolved + allowed_unknown >= named
                && resolved as f64 >= 0.98 * (named - allowed_unknown) as f64,
            "{name}: {resolved} of {named} rows resolve"
        );
    }
}

#[test]
fn an_all_in_region_billing_export_never_gives_the_customer_data_centres_hardware_or_hypervisors() {
    let mut report = common::report_of(&common::root("samples/cur-export.csv"));
    let c = common::catalogue();
    let nist = onus::join::Selection::parse_all(c, &["nist-800-53".into()]).unwrap();
    report.frameworks = onus::join::join(c, &report.assessed(), &nist);
    for area in [
        "physical",
        "hardware",
        "network-infrastructure",
        "virtualization",
    ] {
        assert_eq!(report.summary[area].owner, Owner::Provider, "{area}");
    }
    for id in ["aws.ecs", "aws.eks"] {
        let s = report
            .services
            .iter()
            .find(|s| s.id.as_deref() == Some(id))
            .unwrap();
        assert_eq!(s.duties["hardware"].owner, Owner::Provider, "{id}");
    }
    let service = |id: &str| {
        report
            .services
            .iter()
            .find(|s| s.id.as_deref() == Some(id))
            .unwrap()
    };
    // The ECS rows' usage type says Fargate; EKS's says nothing, so what depends on
    // the variant is still assumed, the customer's way.
    assert_eq!(service("aws.ecs").variant.as_deref(), Some("fargate"));
    let eks = service("aws.eks");
    assert_eq!(eks.duties["worker-nodes"].owner, Owner::Customer);
    assert_eq!(eks.duties["worker-nodes"].basis, Basis::Assumed);
    let renderer = onus::render::Renderer::new(None, Default::default()).unwrap();
    let json: serde_json::Value = serde_json::from_slice(
        renderer
            .render(&report, onus::render::Format::Json)
            .unwrap()
            .bytes()
            .as_ref(),
    )
    .unwrap();
    let ma6 = json["frameworks"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "MA-6")
        .unwrap();
    for part in ma6["customer"].as_array().unwrap() {
        assert_ne!(
            part["area"], "hardware",
            "MA-6 asks the customer to maintain hardware: {part}"
        );
    }
}

#[test]
fn billing_lines_that_are_not_services_get_one_note_per_kind() {
    let diagnostics = diagnostics_of(&read("cur2-extract.csv"));
    // The extract's ECS row shows how it runs.
    assert!(diagnostics.contains(&"inventory.csv:22: note: aws.ecs runs as fargate (Fargate launch type), inferred from line_item_operation = FargateTask".to_string()), "{diagnostics:?}");
    let notes: Vec<String> = diagnostics
        .into_iter()
        .filter(|d| d.contains(": note: ") && d.contains("billing line"))
        .collect();
    assert_eq!(
        notes,
        [
            "inventory.csv:5: note: \"SavingsPlanNegation\" (line item type), \"SavingsPlanRecurringFee\" (line item type) are billing lines, not services (Savings Plans commitment fees and their accounting lines, a pricing construct rather than a service; the usage they cover is billed on the services themselves); skipped (2 rows: lines 5, 45)",
            "inventory.csv:6: note: \"RIFee\" (line item type) is a billing line, not a service (Reserved Instance fees and resales, a pricing construct rather than a service; the usage they cover is billed on the services themselves); skipped",
            "inventory.csv:44: note: \"AWSDataTransfer\" is a billing line, not a service (Data transfer charges, billed separately from the services that cause them); skipped",
            "inventory.csv:46: note: \"7cloiv1lqe76eogr33nhp9r5k8\" is a billing line, not a service (AWS Marketplace product codes: software bought from a third-party seller, outside AWS's catalogue of services; assess it with the seller); skipped",
            "inventory.csv:47: note: \"Fee\" (line item type) is a billing line, not a service (one-time fees and purchases, not the use of a service); skipped (2 rows: lines 47, 53)",
            "inventory.csv:48: note: \"Tax\" (line item type) is a billing line, not a service (taxes, billed on the services that cause them); skipped (2 rows: lines 48, 49)",
            "inventory.csv:50: note: \"Credit\" (line item type), \"Refund\" (line item type) are billing lines, not services (credits, refunds and adjustments to the bill, not the use of a service); skipped (2 rows: lines 50, 51)",
            "inventory.csv:52: note: \"EdpDiscount\" (line item type) is a billing line, not a service (discounts on the bill, not the use of a service); skipped",
        ]
    );
    // Without a line item type column, names and patterns alone decide.
    let csv = "service\nComputeSavingsPlans\nSageMakerSavingsPlans\nSavings Plans for Amazon SageMaker usage\n7cloiv1lqe76eogr33nhp9r5k8\naw0evgkw8e5c1q413zgy5pjce\nAmazonEC2RIResale2\ninvoicing\ntaxsettings\nAWSSupportBusiness\n";
    assert_eq!(
        diagnostics_of(csv.as_bytes()),
        [
            "inventory.csv:2: note: \"ComputeSavingsPlans\", \"SageMakerSavingsPlans\", \"Savings Plans for Amazon SageMaker usage\" are billing lines, not services (Savings Plans commitment fees and their accounting lines, a pricing construct rather than a service; the usage they cover is billed on the services themselves); skipped (3 rows: lines 2, 3, 4)",
            "inventory.csv:5: note: \"7cloiv1lqe76eogr33nhp9r5k8\", \"aw0evgkw8e5c1q413zgy5pjce\" are billing lines, not services (AWS Marketplace product codes: software bought from a third-party seller, outside AWS's catalogue of services; assess it with the seller); skipped (2 rows: lines 5, 6)",
            "inventory.csv:7: note: \"AmazonEC2RIResale2\" is a billing line, not a service (Reserved Instance fees and resales, a pricing construct rather than a service; the usage they cover is billed on the services themselves); skipped",
            "inventory.csv:8: note: \"invoicing\", \"taxsettings\" are billing lines, not services (account and billing management of AWS itself, not a service that holds workloads or data); skipped (2 rows: lines 8, 9)",
        ],
        "a support plan is aws.support, a service"
    );
}

#[test]
fn other_providers_rows_get_one_diagnostic_per_provider_and_stay_unassessed() {
    let diagnostics = diagnostics_of(&read("focus-sample.csv"));
    let foreign: Vec<&String> = diagnostics
        .iter()
        .filter(|d| d.contains("provider"))
        .collect();
    assert_eq!(
        foreign,
        [
            "inventory.csv:22: error: no catalogue for provider \"Google Cloud\" (onus knows: aws, azure); its services are shown as unassessed",
        ]
    );
    assert!(
        !diagnostics.iter().any(|d| d.contains("did you mean")),
        "never a suggestion for another provider's service: {diagnostics:?}"
    );
    let report = common::report_of(&fixture("focus-sample.csv"));
    let unassessed: Vec<&str> = report
        .services
        .iter()
        .filter(|s| !s.assessed)
        .map(|s| s.written.as_str())
        .collect();
    assert_eq!(unassessed, ["Compute Engine",]);
    // Microsoft's rows resolve to the Azure catalogue, by the row's provider.
    let azure: Vec<&str> = report
        .services
        .iter()
        .filter_map(|s| s.id.as_deref())
        .filter(|id| id.starts_with("azure."))
        .collect();
    assert_eq!(azure, ["azure.vm", "azure.aks", "azure.storage"]);
    // FOCUS: RegionId and SubAccountId are the region and account.
    assert_eq!(
        report.meta.scope.accounts,
        ["444455556666", "777788889999", "proj-1", "sub-0001"]
    );
    assert_eq!(
        report.meta.scope.regions,
        ["eu-west-1", "europe-west1", "us-east-1", "westeurope"]
    );
}

#[test]
fn prowler_account_and_region_columns_are_read() {
    let csv = "ACCOUNT_UID;REGION;SERVICE_NAME;CHECK_ID\n111122223333;eu-west-1;s3;s3_bucket_public_access\n";
    let inv = parse(csv.as_bytes()).unwrap();
    assert_eq!(
        (
            inv.columns.account,
            inv.columns.region,
            inv.columns.service.clone()
        ),
        (Some(0), Some(1), vec![2])
    );
    assert_eq!(services_of_bytes(csv.as_bytes()), ["aws.s3"]);
}

#[test]
fn arns_resolve_by_their_service_and_resource_type_in_every_partition() {
    let c = common::catalogue();
    let id = |t: &str| match c.lookup(t, None) {
        onus::catalogue::Lookup::Service(s) => s.id.clone(),
        other => panic!("{t}: {other:?}"),
    };
    for (arn, service) in [
        ("arn:aws:ec2:eu-west-1:111122223333:instance/i-1", "aws.ec2"),
        ("arn:aws:ec2:eu-west-1:111122223333:volume/vol-1", "aws.ebs"),
        (
            "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1",
            "aws.vpc",
        ),
        (
            "arn:aws:ec2:eu-west-1:111122223333:transit-gateway-attachment/a",
            "aws.transit-gateway",
        ),
        ("arn:aws:s3:::bucket", "aws.s3"),
        ("arn:aws-us-gov:s3:::bucket", "aws.s3"),
        (
            "arn:aws-cn:lambda:cn-north-1:111122223333:function:f",
            "aws.lambda",
        ),
        (
            "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/x/1",
            "aws.elbv2",
        ),
        (
            "arn:aws:states:eu-west-1:1:stateMachine:sm",
            "aws.stepfunctions",
        ),
        ("arn:aws:es:eu-west-1:1:domain/d", "aws.opensearch"),
        (
            "arn:aws:execute-api:eu-west-1:1:abc/prod/GET/",
            "aws.apigateway",
        ),
        (
            "arn:aws:codestar-notifications:eu-west-1:1:notificationrule/n",
            "aws.codestar-notifications",
        ),
    ] {
        assert_eq!(id(arn), service, "{arn}");
    }
    let report = common::report_of(&fixture("resource-arns.csv"));
    assert_eq!(
        report.meta.scope.partitions,
        ["aws", "aws-cn", "aws-us-gov"],
        "the partitions are kept in the scope"
    );
    assert_eq!(
        diagnostics_of(&read("resource-arns.csv"))
            .into_iter()
            .filter(|d| d.contains("error"))
            .collect::<Vec<_>>(),
        ["inventory.csv:15: error: unknown service \"newthing\" (named by the service part of ARNs \"arn:aws:newthing:...\"), shown as unassessed in every area (2 rows: lines 15, 16)"],
        "the ARNs of an unknown service are one unknown service"
    );
    let inv = parse(&read("config-resources.csv")).unwrap();
    assert_eq!(
        inv.columns.service,
        [0, 2],
        "resourceType first, resourceArn where it is empty"
    );
}

#[test]
fn the_wrong_resolutions_of_the_audit_are_fixed() {
    let c = common::catalogue();
    let id = |t: &str| match c.lookup(t, None) {
        onus::catalogue::Lookup::Service(s) => s.id.clone(),
        other => panic!("{t}: {other:?}"),
    };
    assert_eq!(id("codestar-notifications"), "aws.codestar-notifications");
    assert_eq!(
        id("AWS::CodeStarNotifications::NotificationRule"),
        "aws.codestar-notifications"
    );
    assert_eq!(
        id("AmazonCognito"),
        "aws.cognito",
        "user pools and identity pools"
    );
    assert_eq!(id("AWS::Cognito::UserPool"), "aws.cognito-idp");
    assert_eq!(id("AWS::Cognito::IdentityPool"), "aws.cognito-identity");
    for t in [
        "AWS::EC2::TransitGateway",
        "AWS::EC2::TransitGatewayAttachment",
        "AWS::EC2::TransitGatewayConnect",
        "AWS::EC2::TransitGatewayMulticastDomain",
        "AWS::EC2::TransitGatewayPeeringAttachment",
        "AWS::EC2::TransitGatewayRouteTable",
        "AWS::EC2::TransitGatewayRouteTableAssociation",
        "AWS::EC2::TransitGatewayVpcAttachment",
    ] {
        assert_eq!(id(t), "aws.transit-gateway", "{t}");
    }
    for (alias, service) in [
        ("AWS::ACM::Certificate", "aws.acm"),
        ("AWS::OpenSearch::Domain", "aws.opensearch"),
        ("AWS::ShieldRegional::Protection", "aws.shield"),
        ("AWSApplicationMigrationSvc", "aws.mgn"),
        (
            "AWSR53AppRecoveryController",
            "aws.route53-recovery-control-config",
        ),
        ("AmazonQ", "aws.qbusiness"),
        ("AmazonS3GlacierDeepArchive", "aws.s3"),
        ("AmazonCognitoSync", "aws.cognito-identity"),
        ("cognito-sync", "aws.cognito-identity"),
        ("AmazonChimeBusinessCalling", "aws.chime"),
        ("AmazonChimeVoiceConnector", "aws.chime-sdk-meetings"),
        ("ContactCenterTelecomm", "aws.connect"),
        ("ContactLensAmazonConnect", "aws.connect"),
        ("AmazonConnectCases", "aws.connect"),
        ("AmazonConnectVoiceID", "aws.connect"),
        ("CustomerProfiles", "aws.connect"),
        ("AWSWisdom", "aws.connect"),
        ("AmazonA2I", "aws.sagemaker"),
        ("AmazonWAM", "aws.workspaces"),
        ("IngestionService", "aws.snowball"),
        ("SnowballExtraDays", "aws.snowball"),
        ("fsx-lustre", "aws.fsx"),
        ("fsx-ontap", "aws.fsx"),
        ("pinpoint-sms-voice", "aws.pinpoint"),
        ("AmazonCloudSearch", "aws.cloudsearch"),
        ("AWSDeepRacer", "aws.deepracer"),
        ("Telco Network Builder", "aws.tnb"),
        ("Red Hat OpenShift Service on AWS", "aws.rosa"),
        ("AmazonML", "aws.machinelearning"),
        ("AWSSupportEnterprise", "aws.support"),
    ] {
        assert_eq!(id(alias), service, "{alias}");
    }
}

#[test]
fn only_a_code_as_written_is_taken_for_a_marketplace_code() {
    // 26 letters and digits once normalised, but written with hyphens and capitals.
    assert_eq!(
        diagnostics_of(b"service\nunknown-thing-000200-9c5349da\nUnknownThing0002009C5349DA\n"),
        [
            "inventory.csv:2: error: unknown service \"unknown-thing-000200-9c5349da\", shown as unassessed in every area; correct the name, or add the service to the catalogue",
            "inventory.csv:3: error: unknown service \"UnknownThing0002009C5349DA\", shown as unassessed in every area; correct the name, or add the service to the catalogue",
        ]
    );
}

#[test]
fn did_you_mean_only_for_a_close_name() {
    assert_eq!(
        diagnostics_of(b"service\nCOMPUTE\nLamda\nCompute Engine\n"),
        [
            "inventory.csv:2: error: unknown service \"COMPUTE\", shown as unassessed in every area; correct the name, or add the service to the catalogue",
            "inventory.csv:3: error: unknown service \"Lamda\" (did you mean aws.lambda (AWS Lambda)?), shown as unassessed in every area; correct the name, or add the service to the catalogue",
            "inventory.csv:4: error: unknown service \"Compute Engine\", shown as unassessed in every area; correct the name, or add the service to the catalogue",
        ]
    );
}

#[test]
fn a_gzip_file_is_read_as_it_comes_and_its_digest_is_of_the_stored_bytes() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cur.csv.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&read("cur2-extract.csv")).unwrap();
    let bytes = gz.finish().unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let options = onus::inventory::ReadOptions::default();
    let inv = onus::inventory::Inventory::read(&path, &options, common::catalogue()).unwrap();
    let plain = parse(&read("cur2-extract.csv")).unwrap();
    assert_eq!(inv.len(), plain.len());
    assert_eq!(inv.lines, plain.lines);
    assert_eq!(inv.sha256, onus::text::sha256_hex(&bytes));
    // A damaged file: an error naming the file and the line reached, never a panic.
    let cut = &bytes[..bytes.len() / 2];
    std::fs::write(&path, cut).unwrap();
    let e = onus::inventory::Inventory::read(&path, &options, common::catalogue())
        .unwrap_err()
        .to_string();
    let name = path.display().to_string();
    assert!(e.starts_with(&format!("{name}:")), "{e}");
    assert!(e.contains(": error: cannot read the inventory: "), "{e}");
    let line: u64 = e[name.len() + 1..]
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(line > 1, "{e}");
}

// ---- variants read from the exports ----

#[test]
fn a_billing_export_gives_each_row_the_variant_its_operation_or_usage_type_shows() {
    let cur = b"line_item_product_code,line_item_operation,line_item_usage_type\n\
AmazonECS,FargateTask,USW1-Fargate-GB-Hours\n\
AmazonECS,RunInstances,USW1-BoxUsage\n\
AmazonEKS,FargatePod,USW1-Fargate-vCPU-Hours:perCPU\n\
AmazonEKS,CreateOperation,USW1-AmazonEKS-Hours:perCluster\n\
AmazonECS,,USW1-Fargate-vCPU-Hours:perCPU\n";
    let report = common::assess(&common::parse(cur).unwrap());
    type Seen<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        &'a [u64],
    );
    let entries: Vec<Seen> = report
        .services
        .iter()
        .map(|s| {
            (
                s.id.as_deref(),
                s.variant.as_deref(),
                s.variant_basis.as_deref(),
                s.variant_source.as_deref(),
                s.rows.as_slice(),
            )
        })
        .collect();
    // Rows of one service showing several variants give the service each of them.
    assert_eq!(
        entries,
        [
            (Some("aws.ecs"), None, None, None, &[3][..]),
            (
                Some("aws.ecs"),
                Some("fargate"),
                Some("inferred"),
                Some("line_item_operation = FargateTask"),
                &[2, 6][..]
            ),
            (Some("aws.eks"), None, None, None, &[5][..]),
            (
                Some("aws.eks"),
                Some("fargate"),
                Some("inferred"),
                Some("line_item_operation = FargatePod"),
                &[4][..]
            ),
        ]
    );
    let fargate = &report.services[1];
    assert_eq!(fargate.duties["worker-nodes"].owner, Owner::Provider);
    assert_eq!(
        fargate.variant_name.as_deref(),
        Some("Fargate launch type (inferred from line_item_operation = FargateTask)")
    );
    let notes = diagnostics_of(cur);
    assert!(
        notes.contains(&"inventory.csv:2: note: aws.ecs runs as fargate (Fargate launch type), inferred from line_item_operation = FargateTask".to_string()),
        "{notes:?}"
    );
    assert!(
        notes.contains(&"inventory.csv:6: note: aws.ecs runs as fargate (Fargate launch type), inferred from line_item_usage_type = USW1-Fargate-vCPU-Hours:perCPU".to_string()),
        "{notes:?}"
    );
}

#[test]
fn a_config_export_gives_each_resource_type_its_variant_and_a_named_variant_wins() {
    let config = b"resourceType,resourceId,variant\n\
AWS::EKS::Nodegroup,n1,\n\
AWS::EKS::FargateProfile,f1,\n\
AWS::EMRServerless::Application,e1,\n\
AWS::SageMaker::NotebookInstance,s1,\n\
AWS::EKS::Nodegroup,n2,self-managed-nodes\n";
    let report = common::assess(&common::parse(config).unwrap());
    let got: Vec<(String, String, String)> = report
        .services
        .iter()
        .map(|s| {
            (
                s.id.clone().unwrap(),
                s.variant.clone().unwrap_or_default(),
                s.variant_source.clone().unwrap_or_default(),
            )
        })
        .collect();
    let want = [
        (
            "aws.eks",
            "fargate",
            "resourceType = AWS::EKS::FargateProfile",
        ),
        (
            "aws.eks",
            "managed-node-groups",
            "resourceType = AWS::EKS::Nodegroup",
        ),
        ("aws.eks", "self-managed-nodes", ""),
        (
            "aws.emr",
            "serverless",
            "resourceType = AWS::EMRServerless::Application",
        ),
        (
            "aws.sagemaker",
            "notebook-instances",
            "resourceType = AWS::SageMaker::NotebookInstance",
        ),
    ];
    assert_eq!(
        got,
        want.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    assert_eq!(report.services[2].variant_basis.as_deref(), Some("named"));
    assert_eq!(
        report.services[1].variant_basis.as_deref(),
        Some("inferred")
    );
}

#[test]
fn an_inferred_variant_comes_before_an_assumed_one() {
    let cur =
        b"lineItem/ProductCode,lineItem/Operation\nAmazonECS,FargateTask\nAmazonECS,RunTask\n";
    let inventory = common::parse(cur).unwrap();
    let defaults: onus::classify::DefaultVariants =
        [("aws.ecs".to_string(), "ec2".to_string())].into();
    let c = onus::classify::classify(common::catalogue(), &inventory, &defaults);
    let variants: Vec<(Option<usize>, Option<&str>)> = c
        .entries
        .iter()
        .map(|e| (e.variant, e.variant_source.as_deref()))
        .collect();
    assert_eq!(
        variants,
        [
            (Some(0), None),
            (Some(1), Some("lineItem/Operation = FargateTask"))
        ]
    );
}

/// Past the kept rows, memory follows what rows say, not how many there are: later rows
/// join the record with the same kept cells, which counts them and keeps their first
/// lines; every count (the inventory's rows, a service's rows, the unknown and skipped
/// rows) still counts every row, and the JSON lists the groups with their counts.
#[test]
fn rows_past_the_kept_ones_are_grouped_by_what_they_say() {
    let mut text = String::from("service,account,line_item_id\n");
    for i in 0..10 {
        text.push_str(&format!("AmazonEC2,111,id-{i}\n"));
    }
    for i in 0..30 {
        let service = ["AmazonEC2", "AmazonS3", "NoSuchService"][i % 3];
        text.push_str(&format!("{service},222,id-x{i}\n"));
    }
    let options = onus::inventory::ReadOptions {
        kept_rows: 10,
        block_size: 64,
        ..Default::default()
    };
    let catalogue = common::catalogue();
    let inv =
        onus::inventory::Inventory::parse(text.as_bytes(), "big.csv", &options, catalogue).unwrap();
    assert_eq!(inv.rows(), 40);
    assert_eq!(inv.len(), 13, "10 rows, then 3 groups");
    assert_eq!(inv.weight(10), 10);
    assert_eq!(inv.lines_of(10).collect::<Vec<_>>(), [12, 15, 18, 21, 24]);
    assert!(inv.diagnostics.iter().any(|d| d
        .to_string()
        .contains("40 rows: the first 10 are kept one by one; the 30 after them are grouped")));
    let report = common::assess(&inv);
    assert_eq!(report.meta.inventory.rows, 40);
    let rows_of = |id: &str| {
        report
            .services
            .iter()
            .filter(|s| s.id.as_deref() == Some(id))
            .map(|s| s.row_count)
            .sum::<u64>()
    };
    assert_eq!(rows_of("aws.ec2"), 20);
    assert_eq!(rows_of("aws.s3"), 10);
    assert_eq!(report.meta.unassessed_rows, 10);
    let unknown = report
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .find(|d| d.contains("NoSuchService"))
        .unwrap();
    assert!(
        unknown.contains("10 rows: lines 14, 17, 20, 23, 26 and 5 more"),
        "{unknown}"
    );
    let mut json = Vec::new();
    report.write_json(&mut json).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let rows = json["inventory"].as_array().unwrap();
    assert_eq!(rows.len(), 13);
    assert_eq!(rows[10]["count"], 10);
    assert_eq!(rows[10]["lines"], serde_json::json!([12, 15, 18, 21, 24]));
    assert!(rows[0].get("count").is_none());
}
