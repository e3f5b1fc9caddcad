//! `onus book`: the report as an mdBook source tree.

use super::shared::{build_report, output_folder, print_outcome, AssessArgs, Exit};
use crate::project::Project;
use crate::render::pdf::Paper;
use crate::render::Renderer;
use anyhow::Result;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct BookArgs {
    #[command(flatten)]
    pub assess: AssessArgs,
    /// Output folder of the mdBook source tree.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// The site's public address (book.toml site-url), for publishing under a path.
    #[arg(long, value_name = "URL")]
    pub site_url: Option<String>,
    /// Replace the files onus wrote in a non-empty output folder.
    #[arg(long)]
    pub force: bool,
}

pub fn book_command(
    args: BookArgs,
    project: Option<&Project>,
    out: &mut dyn Write,
) -> Result<Exit> {
    let request = args.assess.request(project)?;
    let output = output_folder(
        &args.output,
        project.and_then(|p| p.book_output.as_ref()),
        None,
        "book",
    )?;
    let report = build_report(&request, args.assess.quiet)?;
    let renderer = Renderer::new(request.templates.as_deref(), Paper::default())?;
    let files = crate::render::book::render(&renderer, &report, args.site_url.as_deref())?;
    let known = crate::render::book::is_own;
    crate::output::write_all(&output, &files, args.force, &known)?;
    print_outcome(
        &report,
        args.assess.quiet,
        &format!(
            "wrote an mdBook of {} pages to {}",
            files.len() - 1,
            output.display()
        ),
        out,
    )?;
    Ok(Exit::Success)
}
