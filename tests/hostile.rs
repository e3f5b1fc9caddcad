//! Inputs meant to hurt: each ends in a clear result, never a panic or a lost row.

mod common;
use common::{diagnostics_of, parse};
use onus::render::{Format, Renderer};

#[test]
fn a_5_mb_cell_is_kept_whole() {
    let big = "x".repeat(5 * 1024 * 1024);
    let csv = format!("service,notes\nEC2,{big}\nS3,small\n");
    let inventory = parse(csv.as_bytes()).unwrap();
    assert_eq!(inventory.len(), 2);
    assert_eq!(inventory.head[0][1].len(), big.len());
}

#[test]
fn five_thousand_columns_are_read() {
    let header: Vec<String> = std::iter::once("service".to_string())
        .chain((1..5000).map(|i| format!("c{i}")))
        .collect();
    let row: Vec<String> = std::iter::once("EC2".to_string())
        .chain((1..5000).map(|i| i.to_string()))
        .collect();
    let csv = format!("{}\n{}\n", header.join(","), row.join(","));
    let inventory = parse(csv.as_bytes()).unwrap();
    assert_eq!(inventory.headers.len(), 5000);
    assert!(diagnostics_of(csv.as_bytes()).is_empty());
}

#[test]
fn binary_garbage_is_refused_with_a_line() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let e = parse(&garbage).unwrap_err().to_string();
    assert!(e.starts_with("inventory.csv:"), "{e}");
    assert!(e.contains("error:"), "{e}");
}

#[test]
fn emoji_and_cjk_reach_every_format_without_a_panic() {
    let csv = "service,account,environment\nEC2,账户 😀,生产\n東京のサービス,1,prod\n";
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("inv.csv");
    std::fs::write(&path, csv).unwrap();
    let report = common::report_of(&path);
    assert_eq!(report.meta.unassessed_rows, 1);
    let renderer = Renderer::new(None, Default::default()).unwrap();
    for &format in Format::all() {
        let rendered = renderer.render(&report, format).unwrap();
        assert!(
            !rendered.files.is_empty()
                && rendered.files.iter().all(|(_, b)| !b.to_vec().is_empty()),
            "{format:?}"
        );
        if format == Format::Pdf {
            assert_eq!(
                rendered.warnings.len(),
                1,
                "one warning for the CJK the PDF font lacks"
            );
        }
    }
    let md = String::from_utf8(
        renderer
            .render(&report, Format::Md)
            .unwrap()
            .bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(md.contains("账户 😀") && md.contains("東京のサービス"));
}

#[test]
fn ragged_quoted_and_odd_rows_never_lose_a_row_silently() {
    let csv = "service,a,b\nEC2\nS3,1,2,3,4\n\"DynamoDB\",\"x,y\",\"z\"\"q\"\n,,\n";
    let inventory = parse(csv.as_bytes()).unwrap();
    let diagnostics = diagnostics_of(csv.as_bytes());
    // Three rows kept; the blank one is reported, the ragged ones too.
    assert_eq!(inventory.len(), 3);
    assert_eq!(diagnostics.len(), 3, "{diagnostics:?}");
    assert_eq!(inventory.head[2], ["DynamoDB", "x,y", "z\"q"]);
}

#[test]
fn many_distinct_unknown_names_are_listed_up_to_a_bound_then_counted() {
    let mut csv = String::from("service\n");
    for i in 0..20_000 {
        csv.push_str(&format!("unknown-thing-{i:06}\n"));
    }
    // A very long value gets no suggestion (and costs nothing to compare).
    csv.push_str(&format!("{}\n", "ec2".repeat(700)));
    let started = std::time::Instant::now();
    let diagnostics = diagnostics_of(csv.as_bytes());
    assert!(
        started.elapsed().as_secs() < 30,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(diagnostics.len(), 201);
    assert_eq!(
        diagnostics[0],
        "inventory.csv:2: error: unknown service \"unknown-thing-000000\", shown as unassessed in every area; correct the name, or add the service to the catalogue"
    );
    assert_eq!(
        diagnostics[200],
        "inventory.csv:202: error: 19801 more unknown service names are not listed one by one (the first 200 are); each is shown as unassessed in every area, and the JSON report lists them all (19801 rows: lines 202, 203, 204, 205, 206 and 19796 more)"
    );
    let report = common::assess(&parse(csv.as_bytes()).unwrap());
    assert_eq!(
        report.services.len(),
        20_001,
        "the JSON keeps every unknown name"
    );
    let view = serde_json::to_value(report.document_view()).unwrap();
    assert_eq!(view["services"].as_array().unwrap().len(), 200);
    assert_eq!(view["unassessed_omitted"], 19_801);
}

#[test]
fn a_list_of_resource_arns_resolves_to_its_services() {
    let mut csv = String::from("resourceArn\n");
    for i in 0..20_000 {
        csv.push_str(&format!(
            "arn:aws:ec2:eu-west-1:111122223333:instance/i-{i:017x}\narn:aws:s3:::bucket-{i}\n"
        ));
    }
    let inventory = parse(csv.as_bytes()).unwrap();
    let classification =
        onus::classify::classify(common::catalogue(), &inventory, &Default::default());
    let ids: Vec<&str> = classification
        .entries
        .iter()
        .map(|e| common::catalogue().services[e.service.unwrap()].id.as_str())
        .collect();
    assert_eq!(ids, ["aws.ec2", "aws.s3"]);
    assert!(classification.diagnostics.is_empty());
}

/// The services of a classification, each with its rows' lines.
fn services_of(csv: &str) -> Vec<(String, Vec<u64>)> {
    let inventory = parse(csv.as_bytes()).unwrap();
    let classification =
        onus::classify::classify(common::catalogue(), &inventory, &Default::default());
    classification
        .entries
        .iter()
        .map(|e| {
            (
                common::catalogue().services[e.service.unwrap()].id.clone(),
                e.rows.iter().map(|&r| inventory.lines[r]).collect(),
            )
        })
        .collect()
}

#[test]
fn a_column_of_arns_is_the_service_column_whatever_its_header() {
    // A list of ARNs under a header no service header names.
    let csv = "resource\narn:aws:s3:::my-bucket\narn:aws:ec2:eu-west-1:111111111111:volume/vol-1\n";
    assert_eq!(
        services_of(csv),
        [
            ("aws.ebs".to_string(), vec![3]),
            ("aws.s3".to_string(), vec![2])
        ]
    );
    // A column that holds anything else is not taken for one.
    let mixed = "resource\narn:aws:s3:::my-bucket\nmy-bucket\n";
    let e = parse(mixed.as_bytes()).unwrap_err().to_string();
    assert!(e.contains("no service column found"), "{e}");
}

#[test]
fn an_arn_decides_where_it_names_a_more_specific_service_than_the_service_column() {
    // AWS Resource Explorer's CSV: Identifier (the ARN) and a coarse Service.
    let csv = "Identifier,Service,Region\n\
               arn:aws:ec2:eu-west-1:111111111111:volume/vol-1,ec2,eu-west-1\n\
               arn:aws:ec2:eu-west-1:111111111111:instance/i-1,ec2,eu-west-1\n\
               arn:aws:s3:::b,s3,\n";
    assert_eq!(
        services_of(csv),
        [
            ("aws.ebs".to_string(), vec![2]),
            ("aws.ec2".to_string(), vec![3]),
            ("aws.s3".to_string(), vec![4])
        ]
    );
    // An ARN of another service than the row names is no refinement: the service
    // column decides.
    let csv = "service,resourceArn\nec2,arn:aws:s3:::b\n";
    assert_eq!(services_of(csv), [("aws.ec2".to_string(), vec![2])]);
}

#[test]
fn identical_rows_give_one_grouped_warning() {
    let mut csv = String::from("service,account\n");
    for _ in 0..10_000 {
        csv.push_str("EC2,111111111111\n");
    }
    csv.push_str("S3,111111111111\nS3,111111111111\n");
    assert_eq!(
        diagnostics_of(csv.as_bytes()),
        [
            "inventory.csv:2: warning: 9999 later rows repeat this row exactly (lines 3, 4, 5, 6, 7 and 9994 more); all are kept as rows of the same service",
            "inventory.csv:10002: warning: line 10003 repeats this row exactly; both are kept as rows of the same service",
        ]
    );
}
