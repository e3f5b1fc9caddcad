//! `onus pack` and `onus verify`: evidence packs and their check.

use super::shared::{build_report, print_outcome, render_all, AssessArgs, Exit};
use crate::pdf::Paper;
use crate::render::{Format, Renderer};
use anyhow::{bail, Context, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct PackArgs {
    #[command(flatten)]
    pub assess: AssessArgs,
    /// Output folder of the pack.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Paper size of the PDF.
    #[arg(long, value_enum, default_value_t = Paper::A4)]
    pub paper: Paper,
    /// Replace the files onus wrote in a non-empty output folder.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The pack folder (holding manifest.json).
    pub pack: PathBuf,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

pub fn pack_command(args: PackArgs, out: &mut dyn Write) -> Result<Exit> {
    let (_, report) = build_report(&args.assess)?;
    let renderer = Renderer::new(args.assess.templates.as_deref(), args.paper)?;
    let mut files = render_all(&renderer, &report, Format::all())?;
    let inventory = &args.assess.input.inventory;
    let name = inventory
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "inventory.csv".into());
    let bytes =
        std::fs::read(inventory).with_context(|| format!("cannot read {}", inventory.display()))?;
    files.push((format!("inputs/{name}"), bytes.into()));
    if let Some(register) = &args.assess.register {
        // The filled register the pack's documents show, as the user saved it.
        let name = register
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "controls-register".into());
        let bytes = std::fs::read(register)
            .with_context(|| format!("cannot read {}", register.display()))?;
        files.push((format!("inputs/register/{name}"), bytes.into()));
    }
    if let Some(dir) = &args.assess.data.data {
        files.extend(crate::pack::read_tree(dir, "inputs/data/")?);
    }
    if let Some(dir) = &args.assess.templates {
        files.extend(crate::pack::read_tree(dir, "inputs/templates/")?);
    }
    let m = &report.meta;
    let head = crate::pack::Manifest {
        schema: crate::pack::SCHEMA.to_string(),
        onus: m.versions.onus.to_string(),
        source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
        date: m.date.clone(),
        catalogue: m.versions.catalogue.clone(),
        frameworks: m.versions.frameworks.clone(),
        inventory: crate::pack::ManifestInventory {
            path: format!("inputs/{name}"),
            sha256: m.inventory.sha256.clone(),
        },
        files: Vec::new(),
    };
    let (files, digest) = crate::pack::seal(files, head)?;
    let known: Vec<&str> = Format::all()
        .iter()
        .flat_map(|f| f.file_names().iter().copied())
        .collect();
    let foreign = crate::pack::foreign_files(&args.output)?;
    if !foreign.is_empty() {
        bail!(
            "{} holds files onus did not write ({}); a pack folder must hold the pack alone: name another folder with -o",
            args.output.display(),
            foreign.join(", ")
        );
    }
    crate::output::write_all(&args.output, &files, args.force, &|path| {
        path == crate::pack::MANIFEST || path.starts_with("inputs/") || known.contains(&path)
    })?;
    print_outcome(
        &report,
        args.assess.quiet,
        &format!(
            "wrote a pack of {} files to {}",
            files.len(),
            args.output.display()
        ),
        out,
    )?;
    writeln!(out, "manifest.json SHA-256: {digest}")?;
    Ok(Exit::Success)
}

pub fn verify_command(args: VerifyArgs, out: &mut dyn Write) -> Result<Exit> {
    let v = crate::pack::verify(&args.pack)?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        for (label, paths) in [
            ("changed", &v.changed),
            ("missing", &v.missing),
            ("unexpected", &v.unexpected),
        ] {
            for p in paths {
                writeln!(out, "{label}: {}", crate::text::visible(p))?;
            }
        }
        if v.intact {
            writeln!(out, "intact: {} files match the manifest", v.files)?;
        } else {
            writeln!(
                out,
                "NOT intact: {} changed, {} missing, {} unexpected of {} files",
                v.changed.len(),
                v.missing.len(),
                v.unexpected.len(),
                v.files
            )?;
        }
        writeln!(out, "manifest.json SHA-256: {}", v.manifest_sha256)?;
    }
    Ok(if v.intact {
        Exit::Success
    } else {
        Exit::Findings
    })
}
