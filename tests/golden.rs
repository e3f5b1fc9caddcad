//! Golden files: the whole Markdown and JSON report of the seed inventory, reviewed by a
//! person. `ONUS_BLESS=1 cargo test --test golden` rewrites them; review the diff.

mod common;
use onus::render::{Format, Renderer};
use std::path::Path;

#[test]
fn seed_report_matches_the_reviewed_golden_files() {
    let mut report = common::report_of(&common::fixture("seed-inventory.csv"));
    report.meta.inventory.path = "seed-inventory.csv".into();
    let renderer = Renderer::new(None, Default::default()).unwrap();
    for (format, golden) in [
        (Format::Md, "seed-report.md"),
        (Format::Json, "seed-report.json"),
    ] {
        let actual =
            String::from_utf8(renderer.render(&report, format).unwrap().bytes().to_vec()).unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden")
            .join(golden);
        if std::env::var_os("ONUS_BLESS").is_some() {
            std::fs::write(&path, &actual).unwrap();
        }
        let expected = std::fs::read_to_string(&path).unwrap();
        assert!(
            expected == actual,
            "{golden} differs from the report; run with ONUS_BLESS=1 and review the diff"
        );
    }
}
