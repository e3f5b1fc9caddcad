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
