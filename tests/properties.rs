//! Property tests: round trips that must hold for any input, not just the fixtures.

mod common;
use onus::render::{escape_markdown, Format, Renderer};
use proptest::prelude::*;

/// Cell text as spreadsheets write it: quotes, delimiters, line breaks, accents, CJK,
/// emoji, spaces; never NUL or other control characters (those are refused).
fn cell() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::char::range('a', 'z'),
            1 => Just('"'),
            1 => Just(','),
            1 => Just(';'),
            1 => Just('\n'),
            1 => Just('\r'),
            1 => Just(' '),
            1 => Just('é'),
            1 => Just('雲'),
            1 => Just('🔐'),
            1 => Just('|'),
            1 => Just('='),
            1 => Just('-'),
            1 => Just('@'),
            1 => Just('\t'),
        ],
        0..12,
    )
    .prop_map(|c| c.into_iter().collect())
}

fn table() -> impl Strategy<Value = Vec<[String; 3]>> {
    proptest::collection::vec([cell(), cell(), cell()], 0..12)
}

fn write_csv(rows: &[[String; 3]]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["service", "notes", "account"]).unwrap();
    for row in rows {
        w.write_record(row).unwrap();
    }
    w.into_inner().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any table the csv crate writes reads back cell for cell, blank rows aside, with
    /// increasing line numbers that count the line breaks inside quoted cells.
    #[test]
    fn an_inventory_reads_back_cell_for_cell(rows in table(), block in 1usize..40) {
        let bytes = write_csv(&rows);
        let inventory = common::parse(&bytes).unwrap();
        // Read in blocks of any size, the same inventory.
        prop_assert_eq!(
            common::reading(&common::parse_in_blocks(&bytes, block)),
            common::reading(&Ok(inventory.clone()))
        );
        let kept: Vec<&[String; 3]> = rows
            .iter()
            .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
            .collect();
        prop_assert_eq!(inventory.len(), kept.len());
        for (i, row) in kept.iter().enumerate() {
            prop_assert_eq!(&inventory.head[i][..], &row[..]);
            prop_assert_eq!(inventory.get(i, inventory.columns.account), row[2].trim());
        }
        prop_assert!(inventory.lines.windows(2).all(|w| w[0] < w[1]));
        if !rows.iter().flatten().any(|c| c.contains(['\n', '\r'])) {
            // Without breaks inside cells, a row's line is its place in the file.
            let expected: Vec<u64> = rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
                .map(|(i, _)| i as u64 + 2)
                .collect();
            prop_assert_eq!(&inventory.lines, &expected);
        }
    }

    /// Whatever a report holds, its JSON parses, lists every row in order, and a diff of
    /// the report with itself finds nothing.
    #[test]
    fn the_json_report_keeps_every_row_and_diffs_clean_with_itself(rows in table(), picks in proptest::collection::vec(0usize..6, 0..12)) {
        let names = ["EC2", "S3", "Lambda", "AWS Data Transfer", "Not A Service", ""];
        let rows: Vec<[String; 3]> = rows
            .into_iter()
            .zip(picks.iter().chain(std::iter::repeat(&0)))
            .map(|([_, notes, account], &p)| [names[p].to_string(), notes, account])
            .collect();
        let inventory = common::parse(&write_csv(&rows)).unwrap();
        let report = onus::assess::assess(common::catalogue(), &inventory, &Default::default(), &onus::report::ReportOptions {
            frameworks: onus::join::Selection::parse_all(common::catalogue(), &["soc2".to_string()]).unwrap(),
            title: None,
            org: None,
            date: onus::text::Date::parse("2026-01-01").unwrap(),
            as_of: None,
            soc2: Default::default(),
            iso: Default::default(),
        });
        let renderer = Renderer::new(None, Default::default()).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&renderer.render(&report, Format::Json).unwrap().bytes()).unwrap();
        let lines: Vec<u64> = json["inventory"].as_array().unwrap().iter().map(|r| r["line"].as_u64().unwrap()).collect();
        prop_assert_eq!(&lines, &inventory.lines);
        let snapshot = onus::diff::Snapshot::from_report(&json).unwrap();
        prop_assert!(!onus::diff::diff(&snapshot, &snapshot).changed());
    }

    /// A Markdown cell never breaks its table row: no raw line break, no bare pipe.
    #[test]
    fn markdown_cells_stay_in_their_cell(text in cell()) {
        let escaped = escape_markdown(&text);
        prop_assert!(!escaped.contains(['\n', '\r']));
        let bytes = escaped.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'|' {
                let backslashes = bytes[..i].iter().rev().take_while(|&&c| c == b'\\').count();
                prop_assert!(backslashes % 2 == 1, "bare pipe in {:?}", escaped);
            }
        }
    }

    /// The CSV exports read back with the csv crate to the cells written, formulas
    /// neutralised by a leading quote and nothing else changed.
    #[test]
    fn csv_cells_read_back(text in cell()) {
        let safe = onus::render::exports::csv_safe(&text);
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([&safe]).unwrap();
        let bytes = w.into_inner().unwrap();
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[..]);
        let back = r.records().next().unwrap().unwrap();
        prop_assert_eq!(&back[0], safe.as_str());
        prop_assert!(safe == text || (safe.starts_with('\'') && safe[1..] == text));
    }
}
