//! `onus report`: the responsibility matrices in every format asked for.

use super::shared::{build_report, output_folder, print_outcome, print_warnings, AssessArgs, Exit};
use crate::diagnostic::Level;
use crate::project::Project;
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
    /// Output folder [default: onus-report].
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Formats to write, comma-separated [default: md,html,pdf,json].
    #[arg(long, value_enum, value_delimiter = ',')]
    pub format: Vec<Format>,
    /// Paper size of the PDF [default: a4].
    #[arg(long, value_enum)]
    pub paper: Option<Paper>,
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

pub fn report_command(
    args: ReportArgs,
    project: Option<&Project>,
    out: &mut dyn Write,
) -> Result<Exit> {
    let request = args.assess.request(project)?;
    let output = output_folder(
        &args.output,
        project.and_then(|p| p.output.as_ref()),
        Some("onus-report"),
        "report",
    )?;
    let paper = args
        .paper
        .or(project.and_then(|p| p.paper))
        .unwrap_or_default();
    let mut formats = match (
        args.format.is_empty(),
        project.and_then(|p| p.formats.clone()),
    ) {
        (false, _) => args.format.clone(),
        (true, Some(list)) => list,
        (true, None) => vec![Format::Md, Format::Html, Format::Pdf, Format::Json],
    };
    let report = build_report(&request, args.assess.quiet)?;
    let mut renderer = Renderer::new(request.templates.as_deref(), paper)?;
    renderer.csv_bom = args.csv_bom;
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
    let staging = crate::output::Staging::new(&output, names.clone(), args.force, &|name| {
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
        &format!("wrote {} to {}", names.join(", "), output.display()),
        out,
    )?;
    let errors = report.diagnostics.iter().any(|d| d.level == Level::Error);
    Ok(if args.strict && errors {
        Exit::Findings
    } else {
        Exit::Success
    })
}
