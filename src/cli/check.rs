//! `onus check`: an inventory's diagnostics, and exit 1 on errors.

use super::shared::{
    default_variants, load_catalogue, read_inventory, DataArgs, Exit, InventoryArgs,
};
use crate::diagnostic::Level;
use crate::text::plural;
use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InventoryArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
}

pub fn check_command(args: CheckArgs, out: &mut dyn Write) -> Result<Exit> {
    crate::progress::enable(false);
    let catalogue = load_catalogue(&args.data)?;
    // `check` lists no rows.
    let inventory = read_inventory(&args.input, &catalogue, 0)?;
    let variants = default_variants(&catalogue, &args.input.variants)?;
    let classification = crate::classify::classify(&catalogue, &inventory, &variants);
    crate::progress::finish();
    let mut diagnostics: Vec<_> = inventory
        .diagnostics
        .iter()
        .chain(&classification.diagnostics)
        .cloned()
        .collect();
    crate::diagnostic::sort(&mut diagnostics);
    for d in &diagnostics {
        writeln!(out, "{d}")?;
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.level == Level::Warning)
        .count();
    let services = classification.entries.len();
    let unknown = classification
        .entries
        .iter()
        .filter(|e| e.service.is_none())
        .count();
    eprintln!(
        "{}: {}, {} ({unknown} unassessed); {}, {}",
        inventory.file,
        plural(inventory.len(), "row"),
        plural(services, "service"),
        plural(errors, "error"),
        plural(warnings, "warning"),
    );
    Ok(if errors > 0 || (args.strict && warnings > 0) {
        Exit::Findings
    } else {
        Exit::Success
    })
}
