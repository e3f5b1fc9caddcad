//! `onus check`: an inventory's diagnostics, and exit 1 on errors.

use super::shared::{DataArgs, Exit, InventoryArgs};
use crate::project::Project;
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

pub fn check_command(
    args: CheckArgs,
    project: Option<&Project>,
    out: &mut dyn Write,
) -> Result<Exit> {
    crate::progress::enable(false);
    let register = args
        .register
        .clone()
        .or_else(|| project.and_then(|p| p.register.clone()));
    // A project file that sets a SOC 2 examination or the reports relied on: its SOC 2
    // selection is joined, so that the days no report covers are warned of.
    let soc2 = project
        .filter(|p| register.is_none() && (p.examination.is_some() || !p.attestations.is_empty()))
        .map(|p| {
            let chosen = p
                .frameworks
                .iter()
                .flatten()
                .find(|f| f.split(':').next() == Some("soc2"));
            vec![chosen.cloned().unwrap_or_else(|| "soc2".to_string())]
        })
        .unwrap_or_default();
    let request = crate::assess::Request {
        register,
        register_gaps: true,
        frameworks: soc2,
        ..args.input.request(&args.data, project)?
    };
    let assessed = crate::assess::run(&request)?;
    let report = &assessed.report;
    crate::progress::finish();
    for d in &report.diagnostics {
        writeln!(out, "{d}")?;
    }
    let m = &report.meta;
    let (errors, warnings) = (m.counts.errors, m.counts.warnings);
    eprintln!(
        "{}: {}, {} ({} unassessed); {}, {}",
        assessed.inventory_file,
        plural(m.inventory.rows, "row"),
        plural(m.counts.services, "service"),
        m.counts.unassessed,
        plural(errors, "error"),
        plural(warnings, "warning"),
    );
    Ok(if errors > 0 || (args.strict && warnings > 0) {
        Exit::Findings
    } else {
        Exit::Success
    })
}
