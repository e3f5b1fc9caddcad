//! What the commands share: the inventory and data options, the pipeline's inputs
//! from the command line, the report's outcome on the terminal, and the exit status.

use crate::assess::assess;
use crate::catalogue::{data_files, Catalogue, Lookup, Service, Variant};
use crate::classify::DefaultVariants;
use crate::diagnostic::Level;
use crate::inventory::{Inventory, ReadOptions};
use crate::join::Selection;
use crate::render::{Format, Renderer};
use crate::report::{Report, ReportOptions};
use crate::text::{plural, Date};
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// How a command ended (DESIGN.md, "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done, nothing to report.
    Success,
    /// 1: findings: `check` errors, a `verify` mismatch, `diff --fail-on-change` changes.
    Findings,
    /// 2: a usage, input or I/O error.
    Error,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(match exit {
            Exit::Success => 0,
            Exit::Findings => 1,
            Exit::Error => 2,
        })
    }
}

#[derive(Args)]
pub struct DataArgs {
    /// A folder of data files that add to or replace the built-in ones (see frameworks/README.md).
    #[arg(long, value_name = "DIR", global = true)]
    pub data: Option<PathBuf>,
}

#[derive(Args)]
pub struct InventoryArgs {
    /// The inventory CSV: one row per used service.
    pub inventory: PathBuf,
    /// The column that names the service (found by header when not given).
    #[arg(long, value_name = "NAME")]
    pub service_column: Option<String>,
    /// The field delimiter (detected among , ; and tab when not given).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Assume a variant for a service whose rows name none, e.g. aws.eks=fargate (repeatable).
    #[arg(long = "variant", value_name = "SERVICE=VARIANT")]
    pub variants: Vec<String>,
}

/// What every report-like command (report, book, pack) takes.
#[derive(Args)]
pub struct AssessArgs {
    #[command(flatten)]
    pub input: InventoryArgs,
    /// How many inventory rows the documents' appendix lists (MD, HTML, PDF, xlsx); the
    /// JSON lists every row.
    #[arg(long, value_name = "N", default_value_t = crate::inventory::APPENDIX_ROWS)]
    pub appendix_rows: usize,
    #[command(flatten)]
    pub data: DataArgs,
    /// A framework to join with, `id` or `id:baseline` (repeatable; `all` for every one).
    #[arg(
        short = 'f',
        long = "framework",
        value_name = "FW",
        default_value = "soc2"
    )]
    pub frameworks: Vec<String>,
    /// A folder of templates that replace the built-in ones, file by file (`onus templates eject DIR`).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// The organisation named on the title block.
    #[arg(long, value_name = "NAME")]
    pub org: Option<String>,
    /// The report's title.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// The report date, YYYY-MM-DD (default: SOURCE_DATE_EPOCH, else today in UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<Date>,
    /// The date the inventory describes, YYYY-MM-DD (default: the report date).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Print errors only, and no progress bar.
    #[arg(short, long)]
    pub quiet: bool,
    /// A filled controls register (CSV or xlsx, from `onus register`): each control
    /// shows its owner, frequency, evidence and status.
    #[arg(long, value_name = "FILE")]
    pub register: Option<PathBuf>,
}

pub fn parse_delimiter(text: &str) -> std::result::Result<u8, String> {
    match text {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "\\t" | "tab" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        _ => Err("expected one of: , ; tab |".into()),
    }
}

pub fn parse_date(text: &str) -> std::result::Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("\"{text}\" is not a calendar date written YYYY-MM-DD"))
}

pub fn load_catalogue(data: &DataArgs) -> Result<Catalogue> {
    Ok(Catalogue::from_files(&data_files(data.data.as_deref())?)?)
}

/// Reads the inventory, keeping every cell of the first `full_rows` rows (the appendix's).
pub fn read_inventory(
    input: &InventoryArgs,
    catalogue: &Catalogue,
    full_rows: usize,
) -> Result<Inventory> {
    let options = ReadOptions {
        service_column: input.service_column.clone(),
        delimiter: input.delimiter,
        full_rows,
        ..Default::default()
    };
    Ok(Inventory::read(&input.inventory, &options, catalogue)?)
}

/// The report date: `--date`, else `SOURCE_DATE_EPOCH`, else today (UTC).
pub fn report_date(given: Option<Date>) -> Result<Date> {
    if let Some(date) = given {
        return Ok(date);
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let seconds: i64 = epoch
            .trim()
            .parse()
            .ok()
            .filter(|s| (0..=253_402_300_799).contains(s))
            .ok_or_else(|| {
                anyhow!("SOURCE_DATE_EPOCH=\"{epoch}\" is not a whole number of seconds between 1970 and the year 9999")
            })?;
        return Ok(Date::from_unix(seconds));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is before 1970")?;
    Ok(Date::from_unix(now.as_secs() as i64))
}

/// `--variant SERVICE=VARIANT` options, checked against the catalogue.
pub fn default_variants(catalogue: &Catalogue, given: &[String]) -> Result<DefaultVariants> {
    let mut defaults = DefaultVariants::new();
    for pair in given {
        let (service, variant) = pair.split_once('=').ok_or_else(|| {
            anyhow!("--variant \"{pair}\": expected SERVICE=VARIANT, e.g. aws.eks=fargate")
        })?;
        let service = find_service(catalogue, service)?;
        let variant = find_variant(service, Some(variant))?.expect("a variant was named");
        if let Some(other) = defaults.insert(service.id.clone(), variant.id.clone()) {
            if other != variant.id {
                bail!(
                    "--variant names two variants for {}: {other} and {}",
                    service.id,
                    variant.id
                );
            }
        }
    }
    Ok(defaults)
}

/// The report an AssessArgs describes, with the catalogue it was built from.
pub fn build_report(args: &AssessArgs) -> Result<(Catalogue, Report)> {
    crate::progress::enable(args.quiet);
    let catalogue = load_catalogue(&args.data)?;
    let inventory = read_inventory(&args.input, &catalogue, args.appendix_rows)?;
    let variants = default_variants(&catalogue, &args.input.variants)?;
    let options = ReportOptions {
        frameworks: Selection::parse_all(&catalogue, &args.frameworks).map_err(|e| anyhow!(e))?,
        title: args.title.clone(),
        org: args.org.clone(),
        date: report_date(args.date)?,
        as_of: args.as_of,
    };
    let mut report = assess(&catalogue, &inventory, &variants, &options);
    if let Some(path) = &args.register {
        let register = crate::register::read(path)?;
        let found = crate::register::apply(&register, &catalogue, &mut report.frameworks);
        add_diagnostics(&mut report, found);
    }
    Ok((catalogue, report))
}

/// Adds diagnostics to a report, keeping them sorted and counted.
pub fn add_diagnostics(report: &mut Report, found: Vec<crate::diagnostic::Diagnostic>) {
    report.diagnostics.extend(found);
    crate::diagnostic::sort(&mut report.diagnostics);
    let count = |level| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.level == level)
            .count()
    };
    report.meta.counts.errors = count(Level::Error);
    report.meta.counts.warnings = count(Level::Warning);
}

/// Diagnostics to stderr (errors only with --quiet), then the one-line outcome.
pub fn print_outcome(report: &Report, quiet: bool, wrote: &str, out: &mut dyn Write) -> Result<()> {
    crate::progress::finish();
    for d in &report.diagnostics {
        if !quiet || d.level == Level::Error {
            eprintln!("{d}");
        }
    }
    if !quiet {
        let m = &report.meta;
        let incomplete = if m.unassessed_rows > 0 {
            format!("; incomplete: {} rows unassessed", m.unassessed_rows)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{wrote}: {}, {} ({} unassessed){incomplete}",
            plural(m.inventory.rows, "row"),
            plural(m.counts.services, "service"),
            m.counts.unassessed,
        )?;
    }
    Ok(())
}

/// Renders each format, printing the renderers' warnings; the files of all of them.
pub fn render_all<'a>(
    renderer: &Renderer,
    report: &'a Report,
    formats: &[Format],
) -> Result<crate::output::Files<'a>> {
    let mut files = Vec::new();
    for (format, rendered) in formats.iter().zip(renderer.render_all(report, formats)?) {
        print_warnings(*format, &rendered.warnings);
        files.extend(rendered.files);
    }
    Ok(files)
}

pub fn print_warnings(format: Format, warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {}: {w}", format.file_name());
    }
}

pub fn find_service<'c>(catalogue: &'c Catalogue, text: &str) -> Result<&'c Service> {
    match catalogue.lookup(text, None) {
        Lookup::Service(s) => Ok(s),
        Lookup::NotService(ns) => bail!(
            "\"{text}\" is a billing line, not a service ({})",
            ns.reason
        ),
        Lookup::Ambiguous(found) => bail!(
            "\"{text}\" could be {}; name it by id",
            found
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        Lookup::Unknown { suggestions } => {
            let hint = if suggestions.is_empty() {
                "; `onus services` lists the catalogue".to_string()
            } else {
                format!(
                    " (did you mean {}?)",
                    suggestions
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            bail!("unknown service \"{text}\"{hint}")
        }
    }
}

pub fn find_variant<'s>(service: &'s Service, text: Option<&str>) -> Result<Option<&'s Variant>> {
    let Some(text) = text else { return Ok(None) };
    if service.variants.is_empty() {
        bail!("{} has no variants", service.id);
    }
    service.variant(text).map(Some).ok_or_else(|| {
        anyhow!(
            "\"{text}\" is not a variant of {}; expected one of: {}",
            service.id,
            service.variant_ids()
        )
    })
}
