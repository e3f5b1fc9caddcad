//! `onus init`: a commented project file for an inventory.

use super::shared::{DataArgs, Exit, InventoryArgs};
use crate::project::{init_text, FILE_NAME};
use anyhow::{bail, Result};
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub input: InventoryArgs,
    #[command(flatten)]
    pub data: DataArgs,
}

pub fn init_command(args: InitArgs, config: Option<&Path>, out: &mut dyn Write) -> Result<Exit> {
    let target: PathBuf = config.map_or_else(|| PathBuf::from(FILE_NAME), Path::to_path_buf);
    if target.exists() {
        bail!(
            "{} already exists; onus init never overwrites a project file (edit it, or remove it first)",
            target.display()
        );
    }
    let (inventory, questions, catalogue) = match &args.input.inventory {
        Some(path) => {
            crate::progress::enable(false);
            let assessed = crate::assess::run(&args.input.request(&args.data, None)?)?;
            crate::progress::finish();
            let questions = assessed
                .report
                .questions
                .iter()
                .map(|q| q.service.clone())
                .collect();
            (
                Some(relative_to(path, &target)),
                questions,
                assessed.catalogue,
            )
        }
        None => (None, Vec::new(), super::shared::load_catalogue(&args.data)?),
    };
    let text = init_text(inventory.as_deref(), &catalogue, &questions);
    crate::output::write_new(&target, text.as_bytes())?;
    writeln!(
        out,
        "wrote {}{}",
        target.display(),
        match questions.len() {
            0 => String::new(),
            n => format!(
                ": answer its {} under [variants], then run `onus report`",
                crate::text::plural(n, "question")
            ),
        }
    )?;
    Ok(Exit::Success)
}

/// The inventory's path as the project file names it: relative to the file's folder.
fn relative_to(inventory: &Path, file: &Path) -> String {
    let folder = file.parent().filter(|p| !p.as_os_str().is_empty());
    let path = match folder {
        None => inventory.to_path_buf(),
        Some(folder) => match (inventory.canonicalize(), folder.canonicalize()) {
            (Ok(inventory), Ok(folder)) => {
                let (a, b): (Vec<_>, Vec<_>) = (
                    inventory.components().collect(),
                    folder.components().collect(),
                );
                let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
                let mut rel = PathBuf::new();
                for _ in common..b.len() {
                    rel.push("..");
                }
                rel.extend(&a[common..]);
                rel
            }
            _ => inventory.to_path_buf(),
        },
    };
    path.to_string_lossy().replace('\\', "/")
}
