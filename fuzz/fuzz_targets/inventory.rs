//! Inventory bytes → parse → classify → report: never a panic, and every row is either
//! kept or named by a diagnostic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use onus::catalogue::Catalogue;
use onus::inventory::{Inventory, ReadOptions};
use std::sync::OnceLock;

fn catalogue() -> &'static Catalogue {
    static C: OnceLock<Catalogue> = OnceLock::new();
    C.get_or_init(|| Catalogue::built_in().expect("built-in data loads"))
}

fuzz_target!(|bytes: &[u8]| {
    let c = catalogue();
    let Ok(inventory) = Inventory::parse(bytes, "fuzz.csv", &ReadOptions::default(), c) else {
        return;
    };
    let classification = onus::classify::classify(c, &inventory, &Default::default());
    assert_eq!(
        classification.rows.len(),
        inventory.len(),
        "every row has an outcome"
    );
    let not_assessed = classification
        .rows
        .iter()
        .any(|o| o.status != onus::classify::RowStatus::Assessed);
    assert!(
        !not_assessed || !classification.diagnostics.is_empty(),
        "a row not assessed is always reported"
    );
    let _ = onus::report::build(
        c,
        &inventory,
        &classification,
        &onus::report::ReportOptions {
            frameworks: Vec::new(),
            title: None,
            org: None,
            date: onus::text::Date::from_unix(0),
            as_of: None,
        },
    );
});
