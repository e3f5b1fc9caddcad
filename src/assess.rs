//! The pipeline every report shares, in the order of its stages: the inventory (already
//! read by [`crate::inventory`]) is classified into services, variants and overrides
//! ([`crate::classify`]), joined with the selected frameworks ([`crate::join`]) and
//! built into the one [`Report`] every renderer sees ([`crate::report`]).

use crate::catalogue::Catalogue;
use crate::classify::DefaultVariants;
use crate::inventory::Inventory;
use crate::report::{Report, ReportOptions};

/// Classifies the inventory and builds its report.
pub fn assess(
    catalogue: &Catalogue,
    inventory: &Inventory,
    variants: &DefaultVariants,
    options: &ReportOptions,
) -> Report {
    let classification = crate::classify::classify(catalogue, inventory, variants);
    crate::report::build(catalogue, inventory, &classification, options)
}
