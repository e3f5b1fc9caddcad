//! `onus soa`: the ISO/IEC 27001 Statement of Applicability, as a workbook and a CSV.

use super::shared::{build_report, print_outcome, AssessArgs, Exit};
use crate::output::Body;
use crate::project::Project;
use anyhow::{anyhow, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

pub const XLSX_FILE: &str = "statement-of-applicability.xlsx";
pub const CSV_FILE: &str = "statement-of-applicability.csv";

#[derive(Args)]
pub struct SoaArgs {
    #[command(flatten)]
    pub assess: AssessArgs,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "onus-soa")]
    pub output: PathBuf,
    /// Start the CSV with a UTF-8 byte-order mark, for spreadsheet programs.
    #[arg(long)]
    pub csv_bom: bool,
    /// Replace the files onus wrote in a non-empty output folder.
    #[arg(long)]
    pub force: bool,
}

pub fn soa_command(args: SoaArgs, project: Option<&Project>, out: &mut dyn Write) -> Result<Exit> {
    // Every Annex A control, whatever frameworks the report would take.
    let request = crate::assess::Request {
        frameworks: vec!["iso27001".to_string()],
        ..args.assess.request(project)?
    };
    let report = build_report(&request, args.assess.quiet)?;
    let soa = report
        .frameworks
        .iter()
        .find_map(|f| f.statement_of_applicability.as_ref())
        .ok_or_else(|| anyhow!("the data has no iso27001 framework (controls/iso27001.toml)"))?;
    let files = vec![
        (
            XLSX_FILE.to_string(),
            Body::Bytes(crate::soa::to_xlsx(soa, &report)?),
        ),
        (
            CSV_FILE.to_string(),
            Body::Bytes(crate::soa::to_csv(soa, args.csv_bom)),
        ),
    ];
    let known = |name: &str| name == CSV_FILE || name == XLSX_FILE;
    crate::output::write_all(&args.output, &files, args.force, &known)?;
    let excluded = soa.rows.iter().filter(|r| !r.applicable).count();
    print_outcome(
        &report,
        args.assess.quiet,
        &format!(
            "wrote a Statement of Applicability of {} ({excluded} excluded) to {}",
            crate::text::plural(soa.rows.len(), "control"),
            args.output.display()
        ),
        out,
    )?;
    Ok(Exit::Success)
}
