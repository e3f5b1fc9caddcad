//! `onus book`: the report as an mdBook source tree.

use super::shared::{build_report, print_outcome, AssessArgs, Exit};
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
    pub output: PathBuf,
    /// The site's public address (book.toml site-url), for publishing under a path.
    #[arg(long, value_name = "URL")]
    pub site_url: Option<String>,
    /// Replace the files onus wrote in a non-empty output folder.
    #[arg(long)]
    pub force: bool,
}

pub fn book_command(args: BookArgs, out: &mut dyn Write) -> Result<Exit> {
    let (_, report) = build_report(&args.assess)?;
    let renderer = Renderer::new(args.assess.templates.as_deref(), Paper::default())?;
    let files = crate::render::book::render(&renderer, &report, args.site_url.as_deref())?;
    let known =
        |name: &str| name == "book.toml" || (name.starts_with("src/") && name.ends_with(".md"));
    crate::output::write_all(&args.output, &files, args.force, &known)?;
    print_outcome(
        &report,
        args.assess.quiet,
        &format!(
            "wrote an mdBook of {} pages to {}",
            files.len() - 1,
            args.output.display()
        ),
        out,
    )?;
    Ok(Exit::Success)
}
