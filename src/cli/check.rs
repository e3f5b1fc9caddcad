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
    /// A filled controls register (CSV or xlsx): errors on rows naming no known
    /// framework or control, a warning for each control with a customer part and no
    /// owner or evidence.
    #[arg(long, value_name = "FILE")]
    pub register: Option<std::path::PathBuf>,
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
    if let Some(path) = &args.register {
        let register = crate::register::read(path)?;
        // The frameworks the register names, in the order it first names them.
        let mut ids: Vec<String> = Vec::new();
        for row in &register.rows {
            if catalogue.framework(&row.framework).is_some() && !ids.contains(&row.framework) {
                ids.push(row.framework.clone());
            }
        }
        let selections =
            crate::join::Selection::parse_all(&catalogue, &ids).map_err(|e| anyhow::anyhow!(e))?;
        let options = crate::report::ReportOptions {
            frameworks: selections,
            title: None,
            org: None,
            date: crate::text::Date::from_unix(0),
            as_of: None,
        };
        let mut report = crate::report::build(&catalogue, &inventory, &classification, &options);
        diagnostics.extend(crate::register::apply(
            &register,
            &catalogue,
            &mut report.frameworks,
        ));
        diagnostics.extend(crate::register::gaps(&register, &report.frameworks));
    }
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
