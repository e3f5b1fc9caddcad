//! `onus report`: the responsibility matrices in every format asked for.

use super::shared::{build_report, print_outcome, print_warnings, AssessArgs, Exit};
use crate::diagnostic::Level;
use crate::render::pdf::Paper;
use crate::render::{Format, Renderer};
use anyhow::{anyhow, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub assess: AssessArgs,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "onus-report")]
    pub output: PathBuf,
    /// Formats to write, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Format::Md, Format::Html, Format::Pdf, Format::Json])]
    pub format: Vec<Format>,
    /// Paper size of the PDF.
    #[arg(long, value_enum, default_value_t = Paper::A4)]
    pub paper: Paper,
    /// Start CSV files with a UTF-8 byte-order mark, for spreadsheet programs.
    #[arg(long)]
    pub csv_bom: bool,
    /// Replace the files onus wrote in a non-empty output folder.
    #[arg(long)]
    pub force: bool,
    /// Exit 1 when the inventory has errors (unknown services among them), after
    /// writing the report, so that a CI job does not ship an incomplete one unnoticed.
    #[arg(long)]
    pub strict: bool,
}

pub fn report_command(args: ReportArgs, out: &mut dyn Write) -> Result<Exit> {
    let (_, report) = build_report(&args.assess)?;
    let mut renderer = Renderer::new(args.assess.templates.as_deref(), args.paper)?;
    renderer.csv_bom = args.csv_bom;
    let mut formats = args.format.clone();
    formats.sort();
    formats.dedup();
    let names: Vec<String> = formats
        .iter()
        .flat_map(|f| f.file_names().iter().map(|n| n.to_string()))
        .collect();
    let known: Vec<&str> = Format::all()
        .iter()
        .flat_map(|f| f.file_names().iter().copied())
        .collect();
    let staging = crate::output::Staging::new(&args.output, names.clone(), args.force, &|name| {
        known.contains(&name)
    })?;
    // Each file is written as soon as it is rendered (the JSON while the documents
    // render); warnings are printed in the order of the formats.
    let warnings = std::sync::Mutex::new(Vec::new());
    renderer.render_each(&report, &formats, &|i, rendered| -> Result<()> {
        for (name, body) in &rendered.files {
            staging.write(name, body)?;
        }
        warnings
            .lock()
            .map_err(|_| anyhow!("a renderer failed"))?
            .push((i, rendered.warnings));
        Ok(())
    })?;
    let mut warnings = warnings
        .into_inner()
        .map_err(|_| anyhow!("a renderer failed"))?;
    warnings.sort_by_key(|(i, _)| *i);
    for (i, w) in &warnings {
        print_warnings(formats[*i], w);
    }
    staging.finish()?;
    print_outcome(
        &report,
        args.assess.quiet,
        &format!("wrote {} to {}", names.join(", "), args.output.display()),
        out,
    )?;
    let errors = report.diagnostics.iter().any(|d| d.level == Level::Error);
    Ok(if args.strict && errors {
        Exit::Findings
    } else {
        Exit::Success
    })
}
