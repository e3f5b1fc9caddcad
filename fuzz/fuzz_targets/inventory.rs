//! Inventory bytes → parse → classify → report: never a panic, every row is either kept
//! or named by a diagnostic, and reading in blocks of any size gives the same inventory.
#![no_main]
use libfuzzer_sys::fuzz_target;
use onus::catalogue::Catalogue;
use onus::inventory::{Inventory, ReadOptions};
use std::sync::OnceLock;

fn catalogue() -> &'static Catalogue {
    static C: OnceLock<Catalogue> = OnceLock::new();
    C.get_or_init(|| Catalogue::built_in().expect("built-in data loads"))
}

/// A reading as text, to compare two readings.
fn reading(result: &Result<Inventory, onus::inventory::InventoryError>) -> String {
    match result {
        Ok(inv) => inv.summary(),
        Err(e) => format!("error: {e}"),
    }
}

fuzz_target!(|input: &[u8]| {
    let c = catalogue();
    // The first byte picks a block size: where the reader's blocks end changes nothing.
    let Some((&first, bytes)) = input.split_first() else {
        return;
    };
    let whole = Inventory::parse(bytes, "fuzz.csv", &ReadOptions::default(), c);
    let options = ReadOptions {
        block_size: usize::from(first % 64) + 1,
        ..ReadOptions::default()
    };
    let blocks = Inventory::parse(bytes, "fuzz.csv", &options, c);
    assert_eq!(
        reading(&blocks),
        reading(&whole),
        "blocks of {} bytes",
        options.block_size
    );
    let Ok(inventory) = whole else {
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
            soc2: Default::default(),
            iso: Default::default(),
        },
    );
});
