//! `onus register`: the customer's controls register, to fill in and read back with
//! `--register FILE`.

use super::shared::{build_report, output_folder, print_outcome, AssessArgs, Exit};
use crate::output::Body;
use crate::project::Project;
use crate::register::{CSV_FILE, XLSX_FILE};
use anyhow::Result;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct RegisterArgs {
    #[command(flatten)]
    pub assess: AssessArgs,
    /// Output folder.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Start the CSV with a UTF-8 byte-order mark, for spreadsheet programs.
    #[arg(long)]
    pub csv_bom: bool,
    /// Replace the files onus wrote in a non-empty output folder.
    #[arg(long)]
    pub force: bool,
}

pub fn register_command(
    args: RegisterArgs,
    project: Option<&Project>,
    out: &mut dyn Write,
) -> Result<Exit> {
    let request = args.assess.request(project)?;
    let output = output_folder(
        &args.output,
        project.and_then(|p| p.register_output.as_ref()),
        Some("onus-register"),
        "register",
    )?;
    let report = build_report(&request, args.assess.quiet)?;
    let files = vec![
        (
            CSV_FILE.to_string(),
            Body::Bytes(crate::register::to_csv(&report.frameworks, args.csv_bom)),
        ),
        (
            XLSX_FILE.to_string(),
            Body::Bytes(crate::register::to_xlsx(&report)?),
        ),
    ];
    let known = |name: &str| name == CSV_FILE || name == XLSX_FILE;
    crate::output::write_all(&output, &files, args.force, &known)?;
    let rows = crate::register::rows(&report.frameworks).len();
    print_outcome(
        &report,
        args.assess.quiet,
        &format!(
            "wrote a register of {} to {}",
            crate::text::plural(rows, "control"),
            output.display()
        ),
        out,
    )?;
    Ok(Exit::Success)
}
