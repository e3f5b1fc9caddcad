//! `onus diff`: what changed in ownership between two inventories or packs.

use super::shared::{variant_pairs, DataArgs, Exit};
use crate::render::Format;
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Md,
}

#[derive(Args)]
pub struct DiffArgs {
    /// The old side: an inventory CSV or a pack folder.
    pub old: PathBuf,
    /// The new side: an inventory CSV or a pack folder.
    pub new: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// Frameworks to compare when a side is an inventory, `id` or `id:baseline`
    /// (repeatable; default: those of the pack on the other side, else soc2).
    #[arg(short = 'f', long = "framework", value_name = "FW")]
    pub frameworks: Vec<String>,
    /// Assume a variant for a service whose rows name none, e.g. aws.eks=fargate (repeatable).
    #[arg(long = "variant", value_name = "SERVICE=VARIANT")]
    pub variants: Vec<String>,
    /// Text for a terminal, or Markdown for a pull-request comment.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
    /// Exit 1 when any ownership changed (for CI gates).
    #[arg(long)]
    pub fail_on_change: bool,
}

/// A pack's report without the inventory's rows, which onus writes last and a diff never
/// compares: the file is read up to them, so that memory follows the services, not the
/// rows (a report written otherwise is read whole).
fn without_rows(report: &std::path::Path) -> Result<serde_json::Value> {
    use std::io::BufRead;
    let file =
        std::fs::File::open(report).with_context(|| format!("cannot read {}", report.display()))?;
    let mut text = String::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.with_context(|| format!("cannot read {}", report.display()))?;
        if line == "  \"inventory\": [" {
            text.push_str("  \"inventory\": []\n}\n");
            break;
        }
        text.push_str(&line);
        text.push('\n');
    }
    serde_json::from_str(&text).with_context(|| format!("{}: not JSON", report.display()))
}

/// One side of a diff as a report JSON value: a pack's report, or an inventory assessed now.
fn diff_side(
    path: &std::path::Path,
    args: &DiffArgs,
    frameworks: &[String],
) -> Result<serde_json::Value> {
    if path.is_dir() {
        let report = path.join(Format::Json.file_name());
        if !path.join(crate::pack::MANIFEST).exists() || !report.exists() {
            bail!(
                "{} is a folder but not a pack (no manifest.json and {})",
                path.display(),
                Format::Json.file_name()
            );
        }
        let verification = crate::pack::verify(path, None, None)?;
        if !verification.intact {
            eprintln!(
                "warning: {} does not match its manifest (onus verify {})",
                path.display(),
                path.display()
            );
        }
        return without_rows(&report);
    }
    // A diff compares services and duties, never the appendix.
    let request = crate::assess::Request {
        inventory: path.to_path_buf(),
        data: args.data.data.clone(),
        variants: variant_pairs(&args.variants)?,
        frameworks: frameworks.to_vec(),
        ..Default::default()
    };
    Ok(serde_json::to_value(crate::assess::run(&request)?.report)?)
}

pub fn diff_command(args: DiffArgs, out: &mut dyn Write) -> Result<Exit> {
    // An inventory is compared on the frameworks asked for, else on those of a pack on the
    // other side, else on SOC 2.
    let pack_frameworks = [&args.old, &args.new]
        .iter()
        .find(|p| p.is_dir())
        .and_then(|p| {
            let report = without_rows(&p.join(Format::Json.file_name())).ok()?;
            Some(
                report["meta"]["versions"]["frameworks"]
                    .as_object()?
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        });
    let frameworks = if !args.frameworks.is_empty() {
        args.frameworks.clone()
    } else {
        pack_frameworks.unwrap_or_else(|| vec!["soc2".to_string()])
    };
    let snapshot = |path: &std::path::Path| -> Result<crate::diff::Snapshot> {
        crate::diff::Snapshot::from_report(&diff_side(path, &args, &frameworks)?)
            .map_err(|e| anyhow!("{}: {e}", path.display()))
    };
    let (old, new) = (snapshot(&args.old)?, snapshot(&args.new)?);
    let d = crate::diff::diff(&old, &new);
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&d)?)?;
    } else {
        write!(
            out,
            "{}",
            crate::diff::render(&d, args.format == DiffFormat::Md)
        )?;
    }
    Ok(if args.fail_on_change && d.changed() {
        Exit::Findings
    } else {
        Exit::Success
    })
}
