//! The project file, `onus.toml`: every setting a report takes, kept beside the sources
//! and read on every run (DESIGN.md, "Project file").
//!
//! It is read in two steps. [`Project::load`] parses it, with every key and type
//! checked and paths made relative to the file's folder; the ids it names (services,
//! variants, areas, frameworks) can only be checked against the catalogue, which the
//! file itself may point at (`data`), so [`Project::check`] does that inside the
//! pipeline. Either step's error names `onus.toml:line:col`.

use crate::catalogue::{Catalogue, DataError, DataFile};
use crate::classify::{DefaultVariants, FileOverride};
use crate::vocab::Owner;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const FILE_NAME: &str = "onus.toml";
/// The largest project file read: a real one is a few kilobytes.
const LARGEST: u64 = 1 << 20;

/// The file as written: every key onus knows, and no other.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    inventory: Option<String>,
    org: Option<String>,
    title: Option<String>,
    frameworks: Option<Vec<Spanned<String>>>,
    formats: Option<Vec<Spanned<String>>>,
    output: Option<String>,
    paper: Option<Spanned<String>>,
    appendix_rows: Option<usize>,
    templates: Option<String>,
    data: Option<String>,
    register: Option<Spanned<RegisterSetting>>,
    service_column: Option<String>,
    delimiter: Option<Spanned<String>>,
    #[serde(default)]
    variants: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default, rename = "override")]
    overrides: Vec<Spanned<RawOverride>>,
    book: Option<Output>,
    pack: Option<Output>,
    implied: Option<bool>,
    soc2: Option<Spanned<RawSoc2>>,
    #[serde(default)]
    attestation: Vec<Spanned<RawAttestation>>,
    #[serde(default)]
    cuec: Vec<RawCuec>,
    iso27001: Option<RawIso>,
}

/// `[iso27001]`: the Statement of Applicability's settings.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIso {
    #[serde(default)]
    exclude: Vec<RawJustified>,
    #[serde(default)]
    include: Vec<RawJustified>,
    document: Option<crate::soa::DocumentControl>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJustified {
    control: Spanned<String>,
    #[serde(default)]
    justification: Option<String>,
}

/// `[soc2]`: the examination.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSoc2 {
    #[serde(rename = "type")]
    report_type: Option<u8>,
    as_of: Option<Spanned<toml::Value>>,
    period: Option<Spanned<String>>,
}

/// `[[attestation]]`: a provider's report relied on.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttestation {
    provider: Spanned<String>,
    report: String,
    start: Spanned<toml::Value>,
    end: Spanned<toml::Value>,
    #[serde(default)]
    auditor: String,
    #[serde(default)]
    opinion: String,
    #[serde(default)]
    exceptions: String,
    letter: Option<Spanned<toml::Value>>,
}

/// `[[cuec]]`: a complementary user entity control of the organisation's own.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCuec {
    text: String,
    criteria: Vec<Spanned<String>>,
}

/// `register = "FILE"`, or `[register]` with `file` and `output`.
#[derive(Deserialize)]
#[serde(untagged)]
enum RegisterSetting {
    File(String),
    Table(RegisterTable),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterTable {
    file: Option<String>,
    output: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Output {
    output: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    service: Spanned<String>,
    variant: Option<Spanned<String>>,
    area: Spanned<String>,
    owner: Spanned<String>,
    #[serde(default)]
    rationale: String,
}

/// A project file, parsed; paths are relative to the current folder.
#[derive(Debug, Clone, Default)]
pub struct Project {
    /// The file as found (`onus.toml`, or `--config FILE`), its bytes and SHA-256.
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub inventory: Option<PathBuf>,
    pub org: Option<String>,
    pub title: Option<String>,
    pub frameworks: Option<Vec<String>>,
    pub formats: Option<Vec<crate::render::Format>>,
    pub output: Option<PathBuf>,
    pub paper: Option<crate::render::pdf::Paper>,
    pub appendix_rows: Option<usize>,
    pub templates: Option<PathBuf>,
    pub data: Option<PathBuf>,
    pub register: Option<PathBuf>,
    pub service_column: Option<String>,
    pub delimiter: Option<u8>,
    pub book_output: Option<PathBuf>,
    pub pack_output: Option<PathBuf>,
    pub register_output: Option<PathBuf>,
    /// `implied = false`: no services implied by the provider (IAM, STS, the account).
    pub implied: Option<bool>,
    /// `[soc2]`: the report type and its date or period, checked.
    pub examination: Option<crate::soc2::Examination>,
    /// `[[attestation]]`, with the offsets of their providers.
    pub attestations: Vec<(crate::soc2::Attestation, usize)>,
    /// `[[cuec]]`, with the offsets of their criteria.
    pub cuecs: Vec<(crate::soc2::Cuec, Vec<usize>)>,
    /// `[iso27001]`: the SoA's exclusions, inclusions and document control.
    pub iso: crate::soa::Settings,
    /// The offsets of the controls `[iso27001]` names.
    iso_at: Vec<(String, usize)>,
    /// `[variants]`: service → variant, with the offsets of the two.
    variants: Vec<(String, String, (usize, usize))>,
    /// `[[override]]`, each with the offsets of its service, variant, area and owner.
    overrides: Vec<(RawOverrideAt, FileOverride)>,
    /// The frameworks' offsets, in the order of `frameworks`.
    framework_at: Vec<usize>,
    text: String,
}

#[derive(Debug, Clone)]
struct RawOverrideAt {
    service: usize,
    variant: Option<usize>,
    area: usize,
    owner: usize,
}

impl Project {
    /// The project file: `given` (`--config FILE`), else `onus.toml` in the current
    /// folder when there is one.
    pub fn find(given: Option<&Path>) -> Result<Option<Project>, DataError> {
        match given {
            Some(path) => Project::load(path).map(Some),
            None if Path::new(FILE_NAME).is_file() => Project::load(Path::new(FILE_NAME)).map(Some),
            None => Ok(None),
        }
    }

    pub fn load(path: &Path) -> Result<Project, DataError> {
        let fail = |message: String| DataError {
            file: path.display().to_string(),
            position: None,
            message,
        };
        let bytes = crate::output::read_bounded(path, LARGEST)
            .map_err(|e| fail(format!("cannot read the project file: {e}")))?;
        let text = String::from_utf8(bytes.clone())
            .map_err(|_| fail("the project file is not UTF-8 text".into()))?;
        let file = DataFile {
            path: FILE_NAME.into(),
            origin: path.display().to_string(),
            text: text.clone(),
        };
        let raw: Raw = file.parse()?;
        let at = |offset: usize, message: String| file.error_at(Some(offset), message);
        // Paths in the file are relative to the file, as in Cargo and mdBook.
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let rel = |p: &Option<String>| p.as_ref().map(|p| dir.join(p));
        let formats = match &raw.formats {
            Some(list) => Some(
                list.iter()
                    .map(|f| {
                        <crate::render::Format as clap::ValueEnum>::from_str(f.get_ref(), false)
                            .map_err(|_| {
                                at(f.span().start, format!(
                                    "\"{}\" is not a format; expected one of: md, html, pdf, docx, json, csv, xlsx, oscal",
                                    f.get_ref()
                                ))
                            })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            None => None,
        };
        let paper = match &raw.paper {
            Some(p) => Some(
                <crate::render::pdf::Paper as clap::ValueEnum>::from_str(p.get_ref(), true)
                    .map_err(|_| {
                        at(
                            p.span().start,
                            format!(
                                "\"{}\" is not a paper size; expected a4 or letter",
                                p.get_ref()
                            ),
                        )
                    })?,
            ),
            None => None,
        };
        let delimiter = match &raw.delimiter {
            Some(d) => Some(
                crate::text::delimiter(d.get_ref())
                    .map_err(|e| at(d.span().start, format!("delimiter: {e}")))?,
            ),
            None => None,
        };
        let (register, register_output) = match raw.register.as_ref().map(Spanned::get_ref) {
            Some(RegisterSetting::File(f)) => (Some(dir.join(f)), None),
            Some(RegisterSetting::Table(t)) => (rel(&t.file), rel(&t.output)),
            None => (None, None),
        };
        // A date written as a TOML date or as a string.
        let date = |v: &Spanned<toml::Value>, what: &str| -> Result<crate::text::Date, DataError> {
            let text = match v.get_ref() {
                toml::Value::String(s) => s.clone(),
                toml::Value::Datetime(d) => d.to_string(),
                _ => String::new(),
            };
            crate::text::Date::parse(&text).ok_or_else(|| {
                at(
                    v.span().start,
                    format!("{what} is a calendar date, YYYY-MM-DD"),
                )
            })
        };
        let examination = match &raw.soc2 {
            None => None,
            Some(s) => {
                let span = s.span();
                let s = s.get_ref();
                let (when, offset) = match (&s.as_of, &s.period) {
                    (Some(_), Some(p)) => {
                        return Err(at(
                            p.span().start,
                            "[soc2]: give as_of (type 1) or period (type 2), not both".into(),
                        ))
                    }
                    (Some(a), None) => (Some(date(a, "[soc2] as_of")?.to_string()), a.span().start),
                    (None, Some(p)) => (Some(p.get_ref().clone()), p.span().start),
                    (None, None) => (None, span.start),
                };
                Some(
                    crate::soc2::Examination::new(s.report_type, when.as_deref())
                        .map_err(|e| at(offset, format!("[soc2]: {e}")))?,
                )
            }
        };
        let mut attestations = Vec::new();
        for a in &raw.attestation {
            let a = a.get_ref();
            let (start, end) = (date(&a.start, "start")?, date(&a.end, "end")?);
            if end < start {
                return Err(at(
                    a.end.span().start,
                    "[[attestation]]: the report's period ends before it starts".into(),
                ));
            }
            let letter = a.letter.as_ref().map(|l| date(l, "letter")).transpose()?;
            if letter.is_some_and(|l| l < end) {
                return Err(at(
                    a.letter.as_ref().expect("given").span().start,
                    "[[attestation]]: a continued-operations letter covers the days after its report's period, so it is dated after the period ends".into(),
                ));
            }
            attestations.push((
                crate::soc2::Attestation {
                    provider: a.provider.get_ref().clone(),
                    report: a.report.clone(),
                    start,
                    end,
                    auditor: a.auditor.clone(),
                    opinion: a.opinion.clone(),
                    exceptions: a.exceptions.clone(),
                    letter,
                },
                a.provider.span().start,
            ));
        }
        let cuecs = raw
            .cuec
            .iter()
            .map(|c| {
                (
                    crate::soc2::Cuec {
                        text: c.text.clone(),
                        criteria: c.criteria.iter().map(|x| x.get_ref().clone()).collect(),
                    },
                    c.criteria.iter().map(|x| x.span().start).collect(),
                )
            })
            .collect();
        let mut iso = crate::soa::Settings::default();
        let mut iso_at = Vec::new();
        if let Some(raw_iso) = &raw.iso27001 {
            for (list, out, excluded) in [
                (&raw_iso.exclude, &mut iso.exclude, true),
                (&raw_iso.include, &mut iso.include, false),
            ] {
                for x in list {
                    let justification = x.justification.as_deref().unwrap_or_default().trim();
                    if justification.is_empty() {
                        return Err(at(
                            x.control.span().start,
                            format!(
                                "[iso27001] {}: {} needs its justification: {{ control = \"{}\", justification = \"...\" }}",
                                if excluded { "exclude" } else { "include" },
                                x.control.get_ref(),
                                x.control.get_ref()
                            ),
                        ));
                    }
                    iso_at.push((x.control.get_ref().clone(), x.control.span().start));
                    out.push(crate::soa::Justified {
                        control: x.control.get_ref().clone(),
                        justification: justification.to_string(),
                    });
                }
            }
            iso.document = raw_iso.document.clone();
        }
        let mut overrides = Vec::new();
        for o in &raw.overrides {
            let span = o.span();
            let o = o.get_ref();
            let owner = Owner::parse_input(o.owner.get_ref()).ok_or_else(|| {
                at(
                    o.owner.span().start,
                    format!(
                        "\"{}\" is not an owner; expected provider, customer, shared or n/a",
                        o.owner.get_ref()
                    ),
                )
            })?;
            overrides.push((
                RawOverrideAt {
                    service: o.service.span().start,
                    variant: o.variant.as_ref().map(|v| v.span().start),
                    area: o.area.span().start,
                    owner: o.owner.span().start,
                },
                FileOverride {
                    service: o.service.get_ref().clone(),
                    variant: o.variant.as_ref().map(|v| v.get_ref().clone()),
                    area: o.area.get_ref().clone(),
                    owner,
                    rationale: o.rationale.trim().to_string(),
                    file: path.display().to_string(),
                    line: crate::text::line_col(&text, span.start).0 as u64,
                },
            ));
        }
        Ok(Project {
            path: path.to_path_buf(),
            sha256: crate::text::sha256_hex(&bytes),
            bytes,
            inventory: rel(&raw.inventory),
            org: raw.org,
            title: raw.title,
            framework_at: raw
                .frameworks
                .iter()
                .flatten()
                .map(|f| f.span().start)
                .collect(),
            frameworks: raw
                .frameworks
                .map(|list| list.into_iter().map(Spanned::into_inner).collect()),
            formats,
            output: rel(&raw.output),
            paper,
            appendix_rows: raw.appendix_rows,
            templates: rel(&raw.templates),
            data: rel(&raw.data),
            register,
            service_column: raw.service_column,
            delimiter,
            book_output: raw.book.and_then(|b| b.output).map(|o| dir.join(o)),
            pack_output: raw.pack.and_then(|p| p.output).map(|o| dir.join(o)),
            register_output,
            implied: raw.implied,
            examination,
            attestations,
            cuecs,
            iso,
            iso_at,
            variants: raw
                .variants
                .into_iter()
                .map(|(service, variant)| {
                    let at = (service.span().start, variant.span().start);
                    (service.into_inner(), variant.into_inner(), at)
                })
                .collect(),
            overrides,
            text,
        })
    }

    fn error_at(&self, offset: usize, message: String) -> DataError {
        DataError {
            file: self.path.display().to_string(),
            position: Some(crate::text::line_col(&self.text, offset)),
            message,
        }
    }

    /// The ids the file names, checked against the catalogue: `[variants]` as the
    /// pipeline takes them, and the overrides with their services' ids.
    pub fn check(
        &self,
        catalogue: &Catalogue,
    ) -> Result<(DefaultVariants, Vec<FileOverride>), DataError> {
        for (framework, &at) in self.frameworks.iter().flatten().zip(&self.framework_at) {
            crate::join::Selection::parse_all(catalogue, std::slice::from_ref(framework))
                .map_err(|e| self.error_at(at, e.to_string()))?;
        }
        for (a, at) in &self.attestations {
            if !catalogue.providers.iter().any(|p| p.id == a.provider) {
                let ids: Vec<&str> = catalogue.providers.iter().map(|p| p.id.as_str()).collect();
                return Err(self.error_at(
                    *at,
                    format!(
                        "[[attestation]]: \"{}\" is not a provider; the providers are: {}",
                        a.provider,
                        ids.join(", ")
                    ),
                ));
            }
        }
        for (c, offsets) in &self.cuecs {
            for (id, &at) in c.criteria.iter().zip(offsets) {
                if catalogue
                    .framework("soc2")
                    .is_none_or(|f| f.control(id).is_none())
                {
                    return Err(
                        self.error_at(at, format!("[[cuec]]: \"{id}\" is not a SOC 2 criterion"))
                    );
                }
            }
        }
        for (id, at) in &self.iso_at {
            if catalogue
                .framework("iso27001")
                .is_none_or(|f| f.control(id).is_none())
            {
                return Err(self.error_at(
                    *at,
                    format!("[iso27001]: \"{id}\" is not an ISO/IEC 27001 Annex A control"),
                ));
            }
        }
        let mut variants = DefaultVariants::new();
        for (service, variant, at) in &self.variants {
            let service = crate::assess::find_service(catalogue, service)
                .map_err(|e| self.error_at(at.0, format!("[variants]: {e}")))?;
            let variant = crate::assess::find_variant(service, Some(variant))
                .map_err(|e| self.error_at(at.1, format!("[variants]: {e}")))?
                .expect("a variant was named");
            if let Some(other) = variants.insert(service.id.clone(), variant.id.clone()) {
                if other != variant.id {
                    return Err(self.error_at(
                        at.0,
                        format!(
                            "[variants] names two variants for {}: {other} and {}",
                            service.id, variant.id
                        ),
                    ));
                }
            }
        }
        let mut overrides = Vec::new();
        for (at, o) in &self.overrides {
            let service = crate::assess::find_service(catalogue, &o.service)
                .map_err(|e| self.error_at(at.service, format!("[[override]]: {e}")))?;
            let variant = match (&o.variant, at.variant) {
                (Some(v), Some(offset)) => Some(
                    crate::assess::find_variant(service, Some(v))
                        .map_err(|e| self.error_at(offset, format!("[[override]]: {e}")))?
                        .expect("a variant was named")
                        .id
                        .clone(),
                ),
                _ => None,
            };
            let Some(area) = catalogue.areas.iter().find(|a| a.id == o.area) else {
                return Err(self.error_at(
                    at.area,
                    format!(
                        "[[override]]: \"{}\" is not a duty area; the areas are: {}",
                        o.area,
                        catalogue
                            .areas
                            .iter()
                            .map(|a| a.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            };
            // Taking a duty (or part of it) from the customer needs a reason on record,
            // as in the inventory: against every variant the override covers.
            let area_index = catalogue
                .areas
                .iter()
                .position(|a| a.id == area.id)
                .unwrap_or(0);
            let covered: Vec<Option<&crate::catalogue::Variant>> = match &variant {
                Some(v) => vec![service.variant(v)],
                None => std::iter::once(None)
                    .chain(service.variants.iter().map(Some))
                    .collect(),
            };
            let most = covered
                .into_iter()
                .map(|v| catalogue.duties(service, v)[area_index].owner)
                .max_by_key(|o| o.customer_weight())
                .unwrap_or(Owner::Customer);
            if o.owner.customer_weight() < most.customer_weight()
                && !crate::classify::is_rationale(&o.rationale)
            {
                return Err(self.error_at(
                    at.owner,
                    format!(
                        "[[override]]: owner = \"{}\" leaves the customer less than the catalogue does ({most}) for {} {}; say why in rationale = \"...\"",
                        o.owner, service.id, area.id
                    ),
                ));
            }
            overrides.push(FileOverride {
                service: service.id.clone(),
                variant,
                area: area.id.clone(),
                ..o.clone()
            });
        }
        Ok((variants, overrides))
    }
}

/// The text `onus init` writes: every setting with its default, commented, the
/// inventory named when given, and under `[variants]` one commented line per question
/// the inventory raises, with the ways the service can run. Uncommenting a line answers
/// its question in every document.
pub fn init_text(inventory: Option<&str>, catalogue: &Catalogue, questions: &[String]) -> String {
    let mut s = String::new();
    s.push_str(
        "# onus.toml: the settings of `onus report`, `book`, `pack`, `register` and `check`\n\
         # run in this folder (or with --config FILE). Paths are relative to this file. A\n\
         # flag on the command line replaces the value set here, lists included.\n\n",
    );
    match inventory {
        Some(path) => s.push_str(&format!("inventory = {}\n", crate::text::toml_string(path))),
        None => s.push_str("# inventory = \"inventory.csv\"\n"),
    }
    s.push_str(
        "# org = \"Example Ltd\"                  # named on the title block\n\
         # title = \"Shared responsibility matrix\"\n\
         frameworks = [\"soc2\"]                  # `onus frameworks` lists them; \"all\" for every one\n\
         # formats = [\"md\", \"html\", \"pdf\", \"json\"]  # also csv, xlsx, oscal\n\
         # output = \"onus-report\"               # the report's folder\n\
         # paper = \"a4\"                         # or letter\n\
         # appendix_rows = 1000                 # inventory rows the documents list\n\
         # templates = \"templates\"              # `onus templates eject templates`\n\
         # data = \"data\"                        # data files over the built-in ones\n\
         # register = \"controls-register.xlsx\"  # a filled register, from `onus register`\n\
         # implied = false                      # leave out IAM, STS and the account (every AWS\n\
         #                                      # account has them; billing exports never list them)\n\n",
    );
    s.push_str(
        "# How each service runs here: until you answer, every document asks, and you are\n\
         # assumed to carry every duty that depends on it. Uncomment one line a service and\n\
         # keep the way it runs.\n[variants]\n",
    );
    if questions.is_empty() {
        s.push_str("# \"aws.eks\" = \"managed-node-groups\"\n");
    }
    for id in questions {
        let Some(service) = catalogue.services.iter().find(|s| &s.id == id) else {
            continue;
        };
        let ways: Vec<String> = service.variants.iter().map(|v| v.label()).collect();
        let first = service.variants.first().map_or("", |v| v.id.as_str());
        s.push_str(&format!(
            "# {} = {}  # {}: one of {}\n",
            crate::text::toml_string(id),
            crate::text::toml_string(first),
            service.name,
            ways.join(", ")
        ));
    }
    s.push_str(
        "\n# A duty you carry differently from the catalogue, for every row of a service (of one\n\
         # variant with variant = \"...\"). Taking a duty away from you needs a rationale.\n\
         # [[override]]\n\
         # service = \"aws.rds\"\n\
         # area = \"backup-recovery\"\n\
         # owner = \"shared\"\n\
         # rationale = \"Automated backups with 35-day retention, restores tested monthly\"\n\n\
         # [book]\n# output = \"site\"\n# [pack]\n# output = \"evidence\"\n# [register]\n# output = \"onus-register\"\n",
    );
    s
}
