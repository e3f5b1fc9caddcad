//! `onus templates`: the built-in templates, listed or written out.

use super::shared::Exit;
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum TemplatesCommand {
    /// List the built-in templates.
    List,
    /// Write the built-in templates into DIR, to edit and use with --templates DIR.
    Eject {
        /// The folder to write them into (created if needed).
        dir: PathBuf,
        /// Overwrite templates already in DIR.
        #[arg(long)]
        force: bool,
    },
}

pub fn templates_command(command: TemplatesCommand, out: &mut dyn Write) -> Result<Exit> {
    match command {
        TemplatesCommand::List => {
            for name in crate::render::template_names() {
                writeln!(out, "{name}")?;
            }
        }
        TemplatesCommand::Eject { dir, force } => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let existing: Vec<&str> = crate::render::TEMPLATES
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| dir.join(n).exists())
                .collect();
            if !existing.is_empty() && !force {
                bail!(
                    "{} already holds {}; pass --force to overwrite",
                    dir.display(),
                    existing.join(", ")
                );
            }
            // A folder inside DIR that is a link (`book/` pointing elsewhere) would
            // take the templates outside it: refused, before anything is written.
            for (name, _) in crate::render::TEMPLATES {
                let mut inside = dir.clone();
                for part in std::path::Path::new(name).components() {
                    inside.push(part);
                    if std::fs::symlink_metadata(&inside).is_ok_and(|m| m.is_symlink())
                        && inside != dir.join(name)
                    {
                        bail!(
                            "{} is a link: onus writes the templates into {} itself, never through a link; remove it or choose another folder",
                            inside.display(),
                            dir.display()
                        );
                    }
                }
            }
            for (name, text) in crate::render::TEMPLATES {
                if let Some(parent) = dir.join(name).parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("cannot create {}", parent.display()))?;
                }
                // Replace what is there (a link too), never write through it.
                let _ = std::fs::remove_file(dir.join(name));
                std::fs::write(dir.join(name), text)
                    .with_context(|| format!("cannot write {}", dir.join(name).display()))?;
                writeln!(out, "{}", dir.join(name).display())?;
            }
            eprintln!(
                "edit them, then: onus report INVENTORY --templates {}",
                dir.display()
            );
        }
    }
    Ok(Exit::Success)
}
