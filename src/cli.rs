//! The command layer: arguments in, text or JSON out, an exit code back.
//! All real work is in the library modules; this file only wires them to the terminal.

use crate::catalogue::{data_files, Catalogue, Lookup, Service, Variant};
use crate::classify::DefaultVariants;
use crate::diagnostic::Level;
use crate::inventory::{Inventory, ReadOptions};
use crate::join::Selection;
use crate::pdf::Paper;
use crate::render::{Format, Renderer};
use crate::report::{self, Report, ReportOptions};
use crate::text::{normalise, plural, Date};
use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// Exit codes (DESIGN.md): 0 success, 1 findings, 2 usage, input or I/O error.
pub const FINDINGS: u8 = 1;

#[derive(Parser)]
#[command(
    name = "onus",
    version,
    about = "Who carries each security duty of every cloud service you use: the provider, the customer, or both.",
    after_help = "Example:\n  onus report inventory.csv --org \"Example Corp\" -o onus-report\n  onus who s3 data"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Write the responsibility matrices for an inventory.
    #[command(
        after_help = "Example:\n  onus report samples/inventory.csv --org \"Example Corp\" -o onus-report"
    )]
    Report(ReportArgs),
    /// Validate an inventory; print diagnostics as file:line: level: message.
    #[command(after_help = "Example:\n  onus check samples/inventory.csv --strict")]
    Check(CheckArgs),
    /// Say who is responsible for one service's duties, and why.
    #[command(
        after_help = "Examples:\n  onus who s3 data\n  onus who eks --variant fargate\n  onus who \"Amazon EC2\" guest-os --json"
    )]
    Who(WhoArgs),
    /// List the service catalogue.
    #[command(after_help = "Example:\n  onus services --tier container --json")]
    Services(ServicesArgs),
    /// Write an mdBook source tree of the report (`mdbook build DIR` makes the site).
    #[command(
        after_help = "Example:\n  onus book samples/inventory.csv -f soc2 -f iso27001 -o site --site-url /compliance/\n  mdbook build site"
    )]
    Book(BookArgs),
    /// Write an evidence pack: every format, the inputs, and a manifest of SHA-256 digests.
    #[command(
        after_help = "Example:\n  SOURCE_DATE_EPOCH=1767225600 onus pack samples/inventory.csv -f soc2 -o evidence-2026-q1\n  onus verify evidence-2026-q1"
    )]
    Pack(PackArgs),
    /// Check a pack against its manifest: changed, missing and unexpected files.
    #[command(after_help = "Example:\n  onus verify evidence-2026-q1")]
    Verify(VerifyArgs),
    /// What changed in ownership between two inventories or packs.
    #[command(
        after_help = "Examples:\n  onus diff old/inventory.csv inventory.csv --format md\n  onus diff evidence-2026-q1 inventory.csv --fail-on-change"
    )]
    Diff(DiffArgs),
    /// List the built-in templates, or write them out for customisation.
    #[command(
        subcommand,
        after_help = "Examples:\n  onus templates list\n  onus templates eject my-templates\n  onus report inventory.csv --templates my-templates"
    )]
    Templates(TemplatesCommand),
    /// List the control frameworks, or one framework's controls and their duty areas.
    #[command(
        after_help = "Examples:\n  onus frameworks\n  onus frameworks nist-800-53:moderate --json"
    )]
    Frameworks(FrameworksArgs),
}

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

#[derive(Args)]
pub struct FrameworksArgs {
    /// A framework id, `id:baseline` for one baseline.
    pub framework: Option<String>,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub data: DataArgs,
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

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub assess: AssessArgs,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "onus-report")]
    pub output: PathBuf,
    /// Formats to write, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Format::Md, Format::Html, Format::Pdf, Format::Json])]
    pub format: Vec<Format>,
    /// Paper size of the PDF.
    #[arg(long, value_enum, default_value_t = Paper::A4)]
    pub paper: Paper,
    /// Start CSV files with a UTF-8 byte-order mark, for spreadsheet programs.
    #[arg(long)]
    pub csv_bom: bool,
    /// Replace the files onus wrote in a non-empty output folder.
    #[arg(long)]
    pub force: bool,
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
}

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

#[derive(Args)]
pub struct VerifyArgs {
    /// The pack folder (holding manifest.json).
    pub pack: PathBuf,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

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

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InventoryArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Args)]
pub struct WhoArgs {
    /// A service, as an inventory would name it: s3, "Amazon EC2", AmazonEC2, AWS::EC2::Instance.
    pub service: String,
    /// One duty area (its id, e.g. guest-os); all areas when left out.
    pub area: Option<String>,
    /// The variant, for services whose split depends on how they are used.
    #[arg(long, value_name = "VARIANT")]
    pub variant: Option<String>,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Args)]
pub struct ServicesArgs {
    /// Only services of this tier (infrastructure, container, managed).
    #[arg(long, value_name = "TIER")]
    pub tier: Option<String>,
    /// Only services of this provider (aws).
    #[arg(long, value_name = "PROVIDER")]
    pub provider: Option<String>,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

fn parse_delimiter(text: &str) -> std::result::Result<u8, String> {
    match text {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "\\t" | "tab" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        _ => Err("expected one of: , ; tab |".into()),
    }
}

fn parse_date(text: &str) -> std::result::Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("\"{text}\" is not a calendar date written YYYY-MM-DD"))
}

pub fn run(cli: Cli, out: &mut dyn Write) -> Result<u8> {
    match cli.command {
        Command::Report(args) => report_command(args, out),
        Command::Check(args) => check_command(args, out),
        Command::Who(args) => who_command(args, out),
        Command::Services(args) => services_command(args, out),
        Command::Frameworks(args) => frameworks_command(args, out),
        Command::Templates(command) => templates_command(command, out),
        Command::Book(args) => book_command(args, out),
        Command::Pack(args) => pack_command(args, out),
        Command::Verify(args) => verify_command(args, out),
        Command::Diff(args) => diff_command(args, out),
    }
}

fn load_catalogue(data: &DataArgs) -> Result<Catalogue> {
    Ok(Catalogue::from_files(&data_files(data.data.as_deref())?)?)
}

/// Reads the inventory, keeping every cell of the first `full_rows` rows (the appendix's).
fn read_inventory(
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
fn report_date(given: Option<Date>) -> Result<Date> {
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
fn default_variants(catalogue: &Catalogue, given: &[String]) -> Result<DefaultVariants> {
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

/// Reads, classifies and builds the report; the pipeline every report-like command shares.
pub fn assess(
    catalogue: &Catalogue,
    inventory: &Inventory,
    variants: &DefaultVariants,
    options: &ReportOptions,
) -> Report {
    let classification = crate::classify::classify(catalogue, inventory, variants);
    report::build(catalogue, inventory, &classification, options)
}

/// The report an AssessArgs describes, with the catalogue it was built from.
fn build_report(args: &AssessArgs) -> Result<(Catalogue, Report)> {
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
    let report = assess(&catalogue, &inventory, &variants, &options);
    Ok((catalogue, report))
}

/// Diagnostics to stderr (errors only with --quiet), then the one-line outcome.
fn print_outcome(report: &Report, quiet: bool, wrote: &str, out: &mut dyn Write) -> Result<()> {
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
fn render_all<'a>(
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

fn print_warnings(format: Format, warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {}: {w}", format.file_name());
    }
}

fn report_command(args: ReportArgs, out: &mut dyn Write) -> Result<u8> {
    let (_, report) = build_report(&args.assess)?;
    let mut renderer = Renderer::new(args.assess.templates.as_deref(), args.paper)?;
    renderer.csv_bom = args.csv_bom;
    let mut formats = args.format.clone();
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
    let staging = crate::output::Staging::new(&args.output, names.clone(), args.force, &|name| {
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
        &format!("wrote {} to {}", names.join(", "), args.output.display()),
        out,
    )?;
    Ok(0)
}

fn check_command(args: CheckArgs, out: &mut dyn Write) -> Result<u8> {
    crate::progress::enable(false);
    let catalogue = load_catalogue(&args.data)?;
    // `check` lists no rows.
    let inventory = read_inventory(&args.input, &catalogue, 0)?;
    let variants = default_variants(&catalogue, &args.input.variants)?;
    let classification = crate::classify::classify(&catalogue, &inventory, &variants);
    crate::progress::finish();
    let mut diagnostics: Vec<_> = inventory
        .diagnostics
        .iter()
        .chain(&classification.diagnostics)
        .cloned()
        .collect();
    crate::diagnostic::sort(&mut diagnostics);
    for d in &diagnostics {
        writeln!(out, "{d}")?;
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.level == Level::Warning)
        .count();
    let services = classification.entries.len();
    let unknown = classification
        .entries
        .iter()
        .filter(|e| e.service.is_none())
        .count();
    eprintln!(
        "{}: {}, {} ({unknown} unassessed); {}, {}",
        inventory.file,
        plural(inventory.len(), "row"),
        plural(services, "service"),
        plural(errors, "error"),
        plural(warnings, "warning"),
    );
    Ok(if errors > 0 || (args.strict && warnings > 0) {
        FINDINGS
    } else {
        0
    })
}

fn find_service<'c>(catalogue: &'c Catalogue, text: &str) -> Result<&'c Service> {
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

fn find_variant<'s>(service: &'s Service, text: Option<&str>) -> Result<Option<&'s Variant>> {
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

#[derive(Serialize)]
struct WhoAnswer<'a> {
    service: &'a str,
    variant: Option<&'a str>,
    area: &'a str,
    owner: crate::vocab::Owner,
    basis: crate::vocab::Basis,
    reason: &'a str,
}

fn who_command(args: WhoArgs, out: &mut dyn Write) -> Result<u8> {
    let catalogue = load_catalogue(&args.data)?;
    let service = find_service(&catalogue, &args.service)?;
    let variant = find_variant(service, args.variant.as_deref())?;
    let duties = catalogue.duties(service, variant);
    let areas: Vec<usize> = match &args.area {
        None => (0..catalogue.areas.len()).collect(),
        Some(text) => {
            let wanted = normalise(text);
            let found = catalogue
                .areas
                .iter()
                .position(|a| normalise(&a.id) == wanted || normalise(&a.name) == wanted)
                .ok_or_else(|| {
                    anyhow!(
                        "unknown duty area \"{text}\"{}; the areas are: {}",
                        crate::catalogue::did_you_mean(
                            text,
                            catalogue.areas.iter().map(|a| a.id.as_str())
                        ),
                        catalogue.area_ids()
                    )
                })?;
            vec![found]
        }
    };
    let answers: Vec<WhoAnswer> = areas
        .iter()
        .map(|&i| WhoAnswer {
            service: &service.id,
            variant: variant.map(|v| v.id.as_str()),
            area: &catalogue.areas[i].id,
            owner: duties[i].owner,
            basis: duties[i].basis,
            reason: &duties[i].reason,
        })
        .collect();
    if args.json {
        let text = if args.area.is_some() {
            serde_json::to_string_pretty(&answers[0])?
        } else {
            serde_json::to_string_pretty(&answers)?
        };
        writeln!(out, "{text}")?;
    } else if args.area.is_some() {
        let a = &answers[0];
        writeln!(
            out,
            "{}: {} ({}{}, {}; basis: {})",
            a.owner,
            a.reason,
            service.name,
            variant
                .map(|v| format!(" — {}", v.name))
                .unwrap_or_default(),
            a.area,
            a.basis.id()
        )?;
    } else {
        for a in &answers {
            writeln!(
                out,
                "{:<24} {:<10} {:<13} {}",
                a.area,
                a.owner.id(),
                a.basis.id(),
                a.reason
            )?;
        }
    }
    if variant.is_none()
        && !service.variants.is_empty()
        && answers
            .iter()
            .any(|a| a.basis == crate::vocab::Basis::Assumed)
    {
        eprintln!(
            "note: how does {} run: {}? Without --variant, the most customer-heavy of the variants that run in AWS Regions is assumed where they differ",
            service.id,
            service.variant_choices()
        );
    }
    Ok(0)
}

#[derive(Serialize)]
struct ServiceListing<'a> {
    id: &'a str,
    name: &'a str,
    provider: &'a str,
    tier: &'a str,
    tier_basis: crate::vocab::Basis,
    source: Option<&'a str>,
    aliases: &'a [String],
    resource_types: &'a [String],
    variants: Vec<VariantListing<'a>>,
    duties: std::collections::BTreeMap<&'a str, crate::vocab::Owner>,
}

#[derive(Serialize)]
struct VariantListing<'a> {
    id: &'a str,
    name: &'a str,
    aliases: &'a [String],
    duties: std::collections::BTreeMap<&'a str, crate::vocab::Owner>,
}

fn services_command(args: ServicesArgs, out: &mut dyn Write) -> Result<u8> {
    let catalogue = load_catalogue(&args.data)?;
    let tier = match &args.tier {
        Some(t) => Some(catalogue.tier_index(t).ok_or_else(|| {
            anyhow!(
                "unknown tier \"{t}\"; expected one of: {}",
                catalogue
                    .tiers
                    .iter()
                    .map(|t| t.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?),
        None => None,
    };
    let provider = match &args.provider {
        Some(p) => Some(
            catalogue
                .provider(p)
                .ok_or_else(|| anyhow!("no catalogue for provider \"{p}\""))?
                .id
                .clone(),
        ),
        None => None,
    };
    let selected: Vec<&Service> = catalogue
        .services
        .iter()
        .filter(|s| {
            tier.is_none_or(|t| s.tier == t) && provider.as_ref().is_none_or(|p| &s.provider == p)
        })
        .collect();
    let owners = |variant: Option<&Variant>, s: &Service| {
        catalogue
            .areas
            .iter()
            .zip(catalogue.duties(s, variant))
            .map(|(a, d)| (a.id.as_str(), d.owner))
            .collect()
    };
    if args.json {
        let listing: Vec<ServiceListing> = selected
            .iter()
            .map(|s| ServiceListing {
                id: &s.id,
                name: &s.name,
                provider: &s.provider,
                tier: &catalogue.tiers[s.tier].id,
                tier_basis: s.tier_basis,
                source: s.source.as_deref(),
                aliases: &s.aliases,
                resource_types: &s.resource_types,
                variants: s
                    .variants
                    .iter()
                    .map(|v| VariantListing {
                        id: &v.id,
                        name: &v.name,
                        aliases: &v.aliases,
                        duties: owners(Some(v), s),
                    })
                    .collect(),
                duties: owners(None, s),
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&listing)?)?;
    } else {
        let width = selected.iter().map(|s| s.id.len()).max().unwrap_or(0);
        for s in &selected {
            let variants = if s.variants.is_empty() {
                String::new()
            } else {
                format!(" [variants: {}]", s.variant_ids())
            };
            writeln!(
                out,
                "{:<width$}  {:<15} {}{variants}",
                s.id, catalogue.tiers[s.tier].id, s.name
            )?;
        }
        eprintln!("{} services", selected.len());
    }
    Ok(0)
}

#[derive(Serialize)]
struct FrameworkListing<'a> {
    id: &'a str,
    name: &'a str,
    version: &'a str,
    publisher: &'a str,
    controls: usize,
    withdrawn: usize,
    baselines: Vec<BaselineListing<'a>>,
    text: crate::framework::TextPolicy,
    based_on: Option<&'a str>,
    source: &'a str,
    licence: &'a str,
}

#[derive(Serialize)]
struct BaselineListing<'a> {
    id: &'a str,
    name: &'a str,
    controls: usize,
}

#[derive(Serialize)]
struct ControlListing<'a> {
    id: &'a str,
    label: &'a str,
    group: Option<&'a str>,
    parent: Option<&'a str>,
    baselines: &'a [String],
    withdrawn: bool,
    areas: Vec<&'a str>,
    why: &'a str,
}

fn frameworks_command(args: FrameworksArgs, out: &mut dyn Write) -> Result<u8> {
    let catalogue = load_catalogue(&args.data)?;
    let Some(text) = args.framework.as_ref().filter(|t| t.as_str() != "all") else {
        let listing: Vec<FrameworkListing> = catalogue
            .frameworks
            .iter()
            .map(|f| FrameworkListing {
                id: &f.id,
                name: &f.name,
                version: &f.version,
                publisher: &f.publisher,
                controls: f.selected(None).count(),
                withdrawn: f.controls.iter().filter(|c| c.withdrawn).count(),
                baselines: f
                    .baselines
                    .iter()
                    .map(|b| BaselineListing {
                        id: &b.id,
                        name: &b.name,
                        controls: f.selected(Some(&b.id)).count(),
                    })
                    .collect(),
                text: f.text,
                based_on: f.based_on.as_deref(),
                source: &f.source,
                licence: &f.licence,
            })
            .collect();
        if args.json {
            writeln!(out, "{}", serde_json::to_string_pretty(&listing)?)?;
        } else {
            let width = listing.iter().map(|f| f.id.len()).max().unwrap_or(0);
            for f in &listing {
                let baselines: Vec<String> = f
                    .baselines
                    .iter()
                    .map(|b| format!("{} {}", b.id, b.controls))
                    .collect();
                let policy = serde_json::to_value(f.text)?;
                writeln!(
                    out,
                    "{:<width$}  {:>5} controls  text: {:<8}  {} {}{}",
                    f.id,
                    f.controls,
                    policy.as_str().unwrap_or_default(),
                    f.name,
                    f.version,
                    if baselines.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", baselines.join(", "))
                    }
                )?;
            }
        }
        return Ok(0);
    };
    let selection =
        Selection::parse_all(&catalogue, std::slice::from_ref(text)).map_err(|e| anyhow!(e))?;
    let [selection] = selection.as_slice() else {
        bail!("name one framework (`onus frameworks` lists them)");
    };
    let fw = catalogue.framework(&selection.framework).expect("checked");
    let controls: Vec<ControlListing> = fw
        .selected(selection.baseline.as_deref())
        .map(|c| ControlListing {
            id: &c.id,
            label: &c.label,
            group: c.group.as_deref(),
            parent: c.parent.as_deref(),
            baselines: &c.baselines,
            withdrawn: c.withdrawn,
            areas: c
                .areas
                .iter()
                .map(|&a| catalogue.areas[a].id.as_str())
                .collect(),
            why: &c.why,
        })
        .collect();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&controls)?)?;
    } else {
        let width = controls.iter().map(|c| c.id.len()).max().unwrap_or(0);
        for c in &controls {
            writeln!(
                out,
                "{:<width$}  {}  [{}]",
                c.id,
                c.label,
                c.areas.join(", ")
            )?;
        }
        eprintln!("{}: {}", selection.key(), plural(controls.len(), "control"));
    }
    Ok(0)
}

fn templates_command(command: TemplatesCommand, out: &mut dyn Write) -> Result<u8> {
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
    Ok(0)
}

fn book_command(args: BookArgs, out: &mut dyn Write) -> Result<u8> {
    let (_, report) = build_report(&args.assess)?;
    let renderer = Renderer::new(args.assess.templates.as_deref(), Paper::default())?;
    let files = crate::book::render(&renderer, &report, args.site_url.as_deref())?;
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
    Ok(0)
}

fn pack_command(args: PackArgs, out: &mut dyn Write) -> Result<u8> {
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
    Ok(0)
}

fn verify_command(args: VerifyArgs, out: &mut dyn Write) -> Result<u8> {
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
    Ok(if v.intact { 0 } else { FINDINGS })
}

/// One side of a diff as a report JSON value: a pack's report, or an inventory assessed now.
fn diff_side(
    path: &std::path::Path,
    args: &DiffArgs,
    frameworks: &[String],
    catalogue: &Catalogue,
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
        let verification = crate::pack::verify(path)?;
        if !verification.intact {
            eprintln!(
                "warning: {} does not match its manifest (onus verify {})",
                path.display(),
                path.display()
            );
        }
        let bytes =
            std::fs::read(&report).with_context(|| format!("cannot read {}", report.display()))?;
        return serde_json::from_slice(&bytes)
            .with_context(|| format!("{}: not JSON", report.display()));
    }
    let input = InventoryArgs {
        inventory: path.to_path_buf(),
        service_column: None,
        delimiter: None,
        variants: args.variants.clone(),
    };
    // A diff compares services and duties, never the appendix.
    let inventory = read_inventory(&input, catalogue, 0)?;
    let options = ReportOptions {
        frameworks: Selection::parse_all(catalogue, frameworks).map_err(|e| anyhow!(e))?,
        title: None,
        org: None,
        date: Date::from_unix(0),
        as_of: None,
    };
    let variants = default_variants(catalogue, &args.variants)?;
    Ok(serde_json::to_value(assess(
        catalogue, &inventory, &variants, &options,
    ))?)
}

fn diff_command(args: DiffArgs, out: &mut dyn Write) -> Result<u8> {
    let catalogue = load_catalogue(&args.data)?;
    // An inventory is compared on the frameworks asked for, else on those of a pack on the
    // other side, else on SOC 2.
    let pack_frameworks = [&args.old, &args.new]
        .iter()
        .find(|p| p.is_dir())
        .and_then(|p| {
            let bytes = std::fs::read(p.join(Format::Json.file_name())).ok()?;
            let report: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
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
        crate::diff::Snapshot::from_report(&diff_side(path, &args, &frameworks, &catalogue)?)
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
        FINDINGS
    } else {
        0
    })
}
