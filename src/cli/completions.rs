//! `onus completions` and `onus man`: shell completion scripts and the manual page, both
//! generated from the same definitions as the commands themselves.

use super::shared::Exit;
use crate::output::Files;
use anyhow::Result;
use clap::Args;
use clap_complete::Shell;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn completions_command(
    args: CompletionsArgs,
    mut command: clap::Command,
    out: &mut dyn Write,
) -> Result<Exit> {
    clap_complete::generate(args.shell, &mut command, "onus", out);
    Ok(Exit::Success)
}

#[derive(Args)]
pub struct ManArgs {
    /// Write a page for every command (onus.1, onus-report.1, ...) into DIR instead of
    /// printing onus.1.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Replace the pages onus wrote in a non-empty output folder.
    #[arg(long)]
    pub force: bool,
}

pub fn man_command(args: ManArgs, command: clap::Command, out: &mut dyn Write) -> Result<Exit> {
    let Some(dir) = args.output else {
        clap_mangen::Man::new(command).render(out)?;
        return Ok(Exit::Success);
    };
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let mut pages: Files = Vec::new();
    add_pages(&command, &mut pages)?;
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    let names: Vec<String> = pages.iter().map(|(n, _)| n.clone()).collect();
    crate::output::write_all(&dir, &pages, args.force, &|name| {
        names.iter().any(|n| n == name)
    })?;
    writeln!(out, "wrote {} to {}", names.join(", "), dir.display())?;
    Ok(Exit::Success)
}

/// The page of `command` and of each of its subcommands, named as `man` looks them up.
fn add_pages(command: &clap::Command, pages: &mut Files) -> std::io::Result<()> {
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        add_pages(sub, pages)?;
    }
    let man = clap_mangen::Man::new(command.clone());
    let mut page = Vec::new();
    man.render(&mut page)?;
    pages.push((man.get_filename(), page.into()));
    Ok(())
}
