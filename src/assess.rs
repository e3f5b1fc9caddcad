//! The one library entry every report-like command goes through: a [`Request`] (the
//! inventory and the settings, from the command line or the project file) in, an
//! [`Assessed`] report out. In the order of its stages: the shipped data is loaded
//! ([`crate::catalogue`]), the inventory read ([`crate::inventory`]), classified into
//! services, variants and overrides ([`crate::classify`]), joined with the selected
//! frameworks ([`crate::join`]), the controls register put on the controls, and all of
//! it built into the one [`Report`] every renderer sees ([`crate::report`]), with its
//! diagnostics counted once, at the end.

use crate::catalogue::{data_files, Catalogue, Lookup, Service, Variant};
use crate::classify::DefaultVariants;
use crate::inventory::{Inventory, ReadOptions};
use crate::join::Selection;
use crate::report::{Report, ReportOptions};
use crate::text::Date;
use anyhow::{anyhow, bail, Context, Result};
use std::path::PathBuf;

/// What a report is made from.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The inventory CSV (`-` for standard input).
    pub inventory: PathBuf,
    /// The column that names the service, when not found by header.
    pub service_column: Option<String>,
    /// The field delimiter, when not detected.
    pub delimiter: Option<u8>,
    /// How many rows keep every cell (the documents' appendix); 0 for commands that list
    /// no row.
    pub full_rows: usize,
    /// A folder of data files over the built-in ones.
    pub data: Option<PathBuf>,
    /// Variants for services whose rows name none: (service, variant) as the user wrote
    /// them, checked against the catalogue.
    pub variants: Vec<(String, String)>,
    /// Frameworks, `id` or `id:baseline`, or `all`.
    pub frameworks: Vec<String>,
    pub title: Option<String>,
    pub org: Option<String>,
    /// The report date; `SOURCE_DATE_EPOCH`, else today (UTC), when not given.
    pub date: Option<Date>,
    pub as_of: Option<Date>,
    /// A filled controls register.
    pub register: Option<PathBuf>,
    /// A folder of templates over the built-in ones (rendered by the commands, copied
    /// into a pack).
    pub templates: Option<PathBuf>,
    /// The project file the settings came from: its `[variants]` (under those named
    /// here) and `[[override]]`s apply, and the documents name it.
    pub project: Option<crate::project::Project>,
    /// Leave out the services every account of a provider has (AWS IAM, STS, the
    /// account): `implied = false` in the project file.
    pub no_implied: bool,
    /// Keep an inventory read from standard input, to copy it ([`Assessed::stdin`]).
    pub keep_stdin: bool,
    /// Also warn for each control with a customer part that the register leaves without
    /// an owner or evidence (`check --register`); with no frameworks named, the
    /// frameworks are those the register names.
    pub register_gaps: bool,
    /// `--soc2-type`: the SOC 2 report type, over the project file's.
    pub soc2_type: Option<u8>,
    /// `--period`: the SOC 2 examination's date (type 1) or period (type 2), over the
    /// project file's.
    pub period: Option<String>,
}

/// A report, with the catalogue it was assessed against.
pub struct Assessed {
    pub catalogue: Catalogue,
    pub report: Report,
    /// The inventory as diagnostics name it (its path as given, or `<stdin>`).
    pub inventory_file: String,
    /// The inventory's bytes as read from standard input, when the request kept them.
    pub stdin: Option<std::sync::Arc<[u8]>>,
}

/// The largest inventory kept from standard input: the largest file a pack holds.
const LARGEST_KEPT_STDIN: u64 = 1 << 30;

/// Runs the pipeline for a request.
pub fn run(request: &Request) -> Result<Assessed> {
    let catalogue = Catalogue::from_files(&data_files(request.data.as_deref())?)?;
    // The project file's ids are checked against the catalogue it may name, before the
    // inventory is read; a variant named on the command line replaces the file's for
    // that service.
    let (mut variants, file_overrides) = match &request.project {
        Some(project) => project.check(&catalogue)?,
        None => Default::default(),
    };
    variants.extend(default_variants(&catalogue, &request.variants)?);
    let options = ReadOptions {
        service_column: request.service_column.clone(),
        delimiter: request.delimiter,
        full_rows: request.full_rows,
        ..Default::default()
    };
    // An inventory from standard input that the caller keeps (a pack copies it): read
    // whole first, up to the largest file a pack holds.
    let (inventory, stdin) = if request.keep_stdin && request.inventory.as_os_str() == "-" {
        use std::io::Read;
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(LARGEST_KEPT_STDIN + 1)
            .read_to_end(&mut bytes)
            .context("cannot read the inventory from standard input")?;
        if bytes.len() as u64 > LARGEST_KEPT_STDIN {
            bail!(
                "the inventory on standard input is larger than {} GiB, more than a pack holds; give it as a file",
                LARGEST_KEPT_STDIN >> 30
            );
        }
        let bytes: std::sync::Arc<[u8]> = bytes.into();
        let input = Box::new(std::io::Cursor::new(bytes.clone()));
        let name = crate::inventory::STDIN_NAME;
        let size = bytes.len() as u64;
        (
            Inventory::read_input(input, size, name, &options, &catalogue)?,
            Some(bytes),
        )
    } else {
        (
            Inventory::read(&request.inventory, &options, &catalogue)?,
            None,
        )
    };
    let register = match &request.register {
        Some(path) => Some(crate::register::read(path)?),
        None => None,
    };
    // `check --register` joins the frameworks the register names, in the order it first
    // names them.
    let mut frameworks = request.frameworks.clone();
    if let (Some(register), true) = (&register, request.register_gaps && frameworks.is_empty()) {
        for row in &register.rows {
            if catalogue.framework(&row.framework).is_some() && !frameworks.contains(&row.framework)
            {
                frameworks.push(row.framework.clone());
            }
        }
    }
    let project = request.project.as_ref();
    let from_file = project.and_then(|p| p.examination).unwrap_or_default();
    let examination = if request.soc2_type.is_none() && request.period.is_none() {
        from_file
    } else {
        let when = request.period.clone().or_else(|| from_file.when_text());
        crate::soc2::Examination::new(request.soc2_type.or(from_file.report_type), when.as_deref())
            .map_err(|e| anyhow!("--soc2-type/--period: {e}"))?
    };
    let soc2 = crate::soc2::Settings {
        examination,
        attestations: project
            .map(|p| p.attestations.iter().map(|(a, _)| a.clone()).collect())
            .unwrap_or_default(),
        cuecs: project
            .map(|p| p.cuecs.iter().map(|(c, _)| c.clone()).collect())
            .unwrap_or_default(),
        file: project.map(|p| p.path.display().to_string()),
    };
    let iso = project.map(|p| p.iso.clone()).unwrap_or_default();
    let options = ReportOptions {
        soc2,
        iso,
        frameworks: Selection::parse_all(&catalogue, &frameworks).map_err(|e| anyhow!(e))?,
        title: request.title.clone(),
        org: request.org.clone(),
        date: report_date(request.date)?,
        as_of: request.as_of,
    };
    let classification = crate::classify::classify_with(
        &catalogue,
        &inventory,
        &variants,
        &file_overrides,
        !request.no_implied,
    );
    let register = register
        .as_ref()
        .map(|register| crate::report::RegisterUse {
            register,
            gaps: request.register_gaps,
        });
    let mut report =
        crate::report::build_with(&catalogue, &inventory, &classification, &options, register);
    report.meta.project = request.project.as_ref().map(|p| crate::report::FileMeta {
        path: crate::text::file_name(&p.path.display().to_string()).to_string(),
        sha256: p.sha256.clone(),
    });
    Ok(Assessed {
        catalogue,
        report,
        inventory_file: inventory.file.clone(),
        stdin,
    })
}

/// Classifies an inventory already read and builds its report (no register): for
/// callers that hold an inventory in memory.
pub fn assess(
    catalogue: &Catalogue,
    inventory: &Inventory,
    variants: &DefaultVariants,
    options: &ReportOptions,
) -> Report {
    let classification = crate::classify::classify(catalogue, inventory, variants);
    crate::report::build(catalogue, inventory, &classification, options)
}

/// The report date: the one given, else `SOURCE_DATE_EPOCH`, else today (UTC).
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

/// Variants named for services (`--variant SERVICE=VARIANT`, `[variants]`), checked
/// against the catalogue: a service named twice must name one variant.
pub fn default_variants(
    catalogue: &Catalogue,
    given: &[(String, String)],
) -> Result<DefaultVariants> {
    let mut defaults = DefaultVariants::new();
    for (service, variant) in given {
        let service = find_service(catalogue, service)?;
        let variant = find_variant(service, Some(variant))?.expect("a variant was named");
        if let Some(other) = defaults.insert(service.id.clone(), variant.id.clone()) {
            if other != variant.id {
                bail!(
                    "two variants are named for {}: {other} and {}",
                    service.id,
                    variant.id
                );
            }
        }
    }
    Ok(defaults)
}

/// A service by id, name or alias, or an error that says what was meant.
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

/// A service's variant by id, or an error listing its variants.
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
