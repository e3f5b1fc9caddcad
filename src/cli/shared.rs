//! What the commands share: the inventory and data options, the pipeline's inputs
//! from the command line, the report's outcome on the terminal, and the exit status.

use crate::assess::Request;
pub use crate::assess::{find_service, find_variant};
use crate::catalogue::{data_files, Catalogue};
use crate::diagnostic::Level;
use crate::project::Project;
use crate::render::{Format, Renderer};
use crate::report::Report;
use crate::text::{plural, Date};
use anyhow::{anyhow, Result};
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
    /// The inventory CSV: one row per used service (default: `inventory` in onus.toml).
    pub inventory: Option<PathBuf>,
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
    /// JSON lists every row [default: 1000].
    #[arg(long, value_name = "N")]
    pub appendix_rows: Option<usize>,
    #[command(flatten)]
    pub data: DataArgs,
    /// A framework to join with, `id` or `id:baseline` (repeatable or comma-separated;
    /// `all` for every one) [default: soc2].
    #[arg(
        short = 'f',
        long = "framework",
        value_name = "FW",
        value_delimiter = ','
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
    /// The SOC 2 report type, 1 or 2 (`[soc2] type` in onus.toml).
    #[arg(long, value_name = "1|2", value_parser = clap::value_parser!(u8).range(1..=2))]
    pub soc2_type: Option<u8>,
    /// The SOC 2 examination: a period START..END (type 2) or one date (type 1),
    /// YYYY-MM-DD (`[soc2]` in onus.toml).
    #[arg(long, value_name = "START..END")]
    pub period: Option<String>,
}

pub fn parse_delimiter(text: &str) -> std::result::Result<u8, String> {
    crate::text::delimiter(text)
}

pub fn parse_date(text: &str) -> std::result::Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("\"{text}\" is not a calendar date written YYYY-MM-DD"))
}

pub fn load_catalogue(data: &DataArgs) -> Result<Catalogue> {
    Ok(Catalogue::from_files(&data_files(data.data.as_deref())?)?)
}

/// The model and the providers' catalogues only, without the frameworks, statements,
/// CSOCs and evidence hints: what `who` and `services` read, so that they start fast.
/// The rest of the data is checked by every command that uses it.
pub fn load_services(data: &DataArgs) -> Result<Catalogue> {
    let files: Vec<_> = data_files(data.data.as_deref())?
        .into_iter()
        .filter(|f| f.path == "model.toml" || f.path.ends_with("/catalogue.toml"))
        .collect();
    Ok(Catalogue::from_files(&files)?)
}

/// `--variant SERVICE=VARIANT` options as pairs.
pub fn variant_pairs(given: &[String]) -> Result<Vec<(String, String)>> {
    given
        .iter()
        .map(|pair| {
            pair.split_once('=')
                .map(|(s, v)| (s.to_string(), v.to_string()))
                .ok_or_else(|| {
                    anyhow!("--variant \"{pair}\": expected SERVICE=VARIANT, e.g. aws.eks=fargate")
                })
        })
        .collect()
}

impl InventoryArgs {
    /// The request for this inventory (the project file's when none is named), with no
    /// frameworks, listing no rows.
    pub fn request(&self, data: &DataArgs, project: Option<&Project>) -> Result<Request> {
        let inventory = self
            .inventory
            .clone()
            .or_else(|| project.and_then(|p| p.inventory.clone()))
            .ok_or_else(|| match project {
                Some(p) => anyhow!(
                    "no inventory: name one (onus report INVENTORY), or set inventory = \"FILE\" in {}",
                    p.path.display()
                ),
                None => anyhow!(
                    "no inventory: name one (onus report INVENTORY), or run `onus init INVENTORY` to write an onus.toml that names it"
                ),
            })?;
        Ok(Request {
            inventory,
            service_column: self
                .service_column
                .clone()
                .or_else(|| project.and_then(|p| p.service_column.clone())),
            delimiter: self.delimiter.or(project.and_then(|p| p.delimiter)),
            data: data
                .data
                .clone()
                .or_else(|| project.and_then(|p| p.data.clone())),
            variants: variant_pairs(&self.variants)?,
            no_implied: project.and_then(|p| p.implied) == Some(false),
            project: project.cloned(),
            ..Request::default()
        })
    }
}

impl AssessArgs {
    /// The request these arguments describe: each flag given replaces the project
    /// file's value (lists too), and the file's replaces the default.
    pub fn request(&self, project: Option<&Project>) -> Result<Request> {
        let frameworks = match (
            self.frameworks.is_empty(),
            project.and_then(|p| p.frameworks.clone()),
        ) {
            (false, _) => self.frameworks.clone(),
            (true, Some(list)) => list,
            (true, None) => vec!["soc2".to_string()],
        };
        Ok(Request {
            full_rows: self
                .appendix_rows
                .or(project.and_then(|p| p.appendix_rows))
                .unwrap_or(crate::inventory::APPENDIX_ROWS),
            frameworks,
            title: self
                .title
                .clone()
                .or_else(|| project.and_then(|p| p.title.clone())),
            org: self
                .org
                .clone()
                .or_else(|| project.and_then(|p| p.org.clone())),
            date: self.date,
            as_of: self.as_of,
            soc2_type: self.soc2_type,
            period: self.period.clone(),
            register: self
                .register
                .clone()
                .or_else(|| project.and_then(|p| p.register.clone())),
            templates: self
                .templates
                .clone()
                .or_else(|| project.and_then(|p| p.templates.clone())),
            ..self.input.request(&self.data, project)?
        })
    }
}

/// The report a request describes.
pub fn build_report(request: &Request, quiet: bool) -> Result<Report> {
    crate::progress::enable(quiet);
    Ok(crate::assess::run(request)?.report)
}

/// An output folder: the flag, else the project file's, else the default.
pub fn output_folder(
    given: &Option<PathBuf>,
    from_project: Option<&PathBuf>,
    default: Option<&str>,
    what: &str,
) -> Result<PathBuf> {
    given
        .clone()
        .or_else(|| from_project.cloned())
        .or_else(|| default.map(PathBuf::from))
        .ok_or_else(|| {
            anyhow!("{what} needs an output folder: pass -o DIR, or set it in onus.toml")
        })
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
