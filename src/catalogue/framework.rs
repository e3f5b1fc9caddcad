//! Control frameworks: SOC 2, ISO/IEC 27001, NIST SP 800-53 and the rest, each control
//! mapped to the duty areas it touches; crosswalks between frameworks.
//!
//! In: `controls/<id>.toml` files (strict), `controls/<id>.csv` licensed titles from
//! `--data`, and `crosswalks/<from>--<to>.csv`. Out: validated [`Framework`]s and
//! [`Crosswalk`]s. A control's owner is never stored: it is derived from the services'
//! owners on its areas when a report is built (see `report::join`).

use super::data::{is_id, DataError, DataFile};
use crate::text::normalise;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use toml::Spanned;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextPolicy {
    /// Public-domain catalogues: the control text may ship.
    Full,
    /// Ids with onus's own short labels; never the publisher's text.
    Label,
    /// Ids, with our own labels only where safe.
    IdOnly,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    framework: RawHead,
    #[serde(default)]
    baseline: Vec<Baseline>,
    #[serde(default)]
    group: Vec<Group>,
    #[serde(default)]
    control: Vec<RawControl>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHead {
    id: Spanned<String>,
    name: String,
    version: String,
    publisher: String,
    source: String,
    /// The published OSCAL catalog of the framework, if there is one.
    #[serde(default)]
    oscal: Option<String>,
    licence: String,
    text: TextPolicy,
    #[serde(default)]
    based_on: Option<Spanned<String>>,
    /// The framework's own words for what the provider does (`provider_term`).
    #[serde(default)]
    provider_term: Option<String>,
    /// What a selection of its baselines is called after their names ("baseline"; SOC
    /// 2's baselines are its categories, named alone).
    #[serde(default)]
    baseline_term: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawControl {
    id: Spanned<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    baselines: Vec<Spanned<String>>,
    #[serde(default)]
    withdrawn: bool,
    #[serde(default)]
    areas: Vec<Spanned<String>>,
    #[serde(default)]
    why: Option<String>,
    #[serde(default)]
    customer_text: Option<Spanned<String>>,
    #[serde(default)]
    provider_text: Option<Spanned<String>>,
    #[serde(default)]
    services: Vec<String>,
    #[serde(default)]
    customer: Option<RawCustomer>,
}

/// Why a control is the customer's whatever its services' owners: a setting only the
/// customer makes, or a service the customer must turn on.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub enum RawCustomer {
    /// A setting the customer makes on the services it concerns (`services`).
    Setting,
    /// Turning a service on (a CloudTrail trail, Security Hub): the customer's even where
    /// no row names the service, which is often free and unbilled.
    Enable,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub id: String,
    pub name: String,
    /// The published OSCAL profile of the baseline, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oscal: Option<String>,
    /// In every selection of the framework's baselines (SOC 2's Security: the common
    /// criteria apply whatever other categories are chosen).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub always: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone)]
pub struct Control {
    pub id: String,
    pub group: Option<String>,
    pub label: String,
    pub parent: Option<String>,
    pub text: Option<String>,
    pub baselines: Vec<String>,
    pub withdrawn: bool,
    /// Duty areas, as indexes into the catalogue's areas, in area order.
    pub areas: Vec<usize>,
    pub why: String,
    /// What the customer does for this control, in onus's words; may hold placeholders
    /// (see [`Statement`]). Without one, the areas' customer texts stand in.
    pub customer_text: Option<Statement>,
    /// What the provider does for it. Both texts here are provider-neutral: they name no
    /// provider's products (a test pins it).
    pub provider_text: Option<Statement>,
    /// Each provider's own statements (`<provider>/statements/<framework>.toml`), by
    /// provider id: they name its products and take precedence, side by side.
    pub by_provider: BTreeMap<String, Texts>,
    /// The services the control concerns (a CIS recommendation on RDS): it rolls up over
    /// those alone; every service when empty.
    pub services: Vec<String>,
    /// The customer's whatever its services' owners, and why.
    pub customer: Option<RawCustomer>,
}

/// One provider's statements for a control.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    pub customer_text: Option<Statement>,
    pub provider_text: Option<Statement>,
}

impl Control {
    /// The customer's statement for an inventory of `provider`'s services: the provider's
    /// own where it has one, else the neutral one.
    pub fn customer_statement(&self, provider: Option<&str>) -> Option<&Statement> {
        provider
            .and_then(|p| self.by_provider.get(p))
            .and_then(|t| t.customer_text.as_ref())
            .or(self.customer_text.as_ref())
    }

    /// The provider's statement, chosen like [`Control::customer_statement`].
    pub fn provider_statement(&self, provider: Option<&str>) -> Option<&Statement> {
        provider
            .and_then(|p| self.by_provider.get(p))
            .and_then(|t| t.provider_text.as_ref())
            .or(self.provider_text.as_ref())
    }
}

/// A control's statement: text with `{services}` or `{services:AREA}` placeholders,
/// filled when a report is built with the inventory's services concerned (all the
/// control's areas, or the one named).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// `{services}` (None) or `{services:AREA}` (the area's index).
    Services(Option<usize>),
}

impl Statement {
    /// Parses a statement; `areas` are the model's area ids, `own` the control's areas.
    /// The error is a message and the byte offset in `text` where the problem is.
    pub fn parse(
        text: &str,
        areas: &[String],
        own: &[usize],
    ) -> Result<Statement, (usize, String)> {
        if text.trim().is_empty() {
            return Err((0, "a statement must not be empty".into()));
        }
        if text.trim() != text || text.contains('\n') {
            return Err((
                0,
                "a statement is one line without leading or trailing spaces".into(),
            ));
        }
        let mut pieces = Vec::new();
        let mut rest = text;
        let mut at = 0;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return Err((
                    at + open,
                    "a '}' without its '{'; placeholders are {services} and {services:AREA}".into(),
                ));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| (at + open, "a '{' without its '}'".to_string()))?
                + open;
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_string()));
            }
            let name = &rest[open + 1..close];
            let piece = match name.split_once(':') {
                None if name == "services" => Piece::Services(None),
                Some(("services", area)) => {
                    let i = areas.iter().position(|a| a == area).filter(|i| own.contains(i)).ok_or_else(|| {
                        (at + open, format!("{{services:{area}}}: \"{area}\" is not one of this control's areas"))
                    })?;
                    Piece::Services(Some(i))
                }
                _ => {
                    return Err((
                        at + open,
                        format!("unknown placeholder {{{name}}}; placeholders are {{services}} and {{services:AREA}}"),
                    ))
                }
            };
            pieces.push(piece);
            at += close + 1;
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        Ok(Statement { pieces })
    }

    /// The text with each placeholder replaced by `services(area)`.
    pub fn fill(&self, services: &dyn Fn(Option<usize>) -> String) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Services(area) => services(*area),
            })
            .collect()
    }

    /// The text as written, placeholders included (for listings and comparisons).
    pub fn source(&self, areas: &[String]) -> String {
        self.fill(&|a| match a {
            None => "{services}".to_string(),
            Some(i) => format!("{{services:{}}}", areas[i]),
        })
    }
}

#[derive(Debug, Clone)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub version: String,
    pub publisher: String,
    pub source: String,
    /// The published OSCAL catalog (an `https://` address), if there is one.
    pub oscal: Option<String>,
    pub licence: String,
    pub text: TextPolicy,
    pub based_on: Option<String>,
    pub baselines: Vec<Baseline>,
    pub groups: Vec<Group>,
    pub controls: Vec<Control>,
    pub origin: String,
    /// Where the user's licensed titles came from, if any.
    pub titles_from: Option<String>,
    /// The framework's own words for what the provider does, as its tables head the
    /// column: "Expected of the provider (CSOC)" (SOC 2), "Inherited from the provider"
    /// (NIST SP 800-53, FedRAMP), "Provided by the provider" (ISO/IEC 27001); else
    /// "Performed by the provider".
    pub provider_term: String,
    /// The word after a selection's baseline names: "Moderate baseline"; empty where the
    /// names say it (SOC 2: "Security, Availability").
    pub baseline_term: String,
}

impl Framework {
    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    /// The controls a selection covers: not withdrawn, and in the baseline if one is named.
    /// The controls of a selection: every control not withdrawn, or those of the
    /// baselines named (`moderate`, or several joined by `+`: `security+availability`).
    pub fn selected<'a>(&'a self, baseline: Option<&'a str>) -> impl Iterator<Item = &'a Control> {
        self.controls.iter().filter(move |c| {
            !c.withdrawn
                && baseline.is_none_or(|b| b.split('+').any(|b| c.baselines.iter().any(|x| x == b)))
        })
    }

    /// A selection's baselines as headings name them: "Moderate baseline", "Security,
    /// Availability".
    pub fn baseline_title(&self, baseline: &str) -> String {
        match self.baseline_term.as_str() {
            "" => self.baseline_names(baseline),
            term => format!("{} {term}", self.baseline_names(baseline)),
        }
    }

    /// The names of the baselines of a selection, joined: "Security, Availability".
    pub fn baseline_names(&self, baseline: &str) -> String {
        let names: Vec<&str> = baseline
            .split('+')
            .filter_map(|b| self.baselines.iter().find(|x| x.id == b))
            .map(|b| b.name.as_str())
            .collect();
        names.join(", ")
    }
}

/// Pairs of related controls in two frameworks.
#[derive(Debug, Clone)]
pub struct Crosswalk {
    pub from: String,
    pub to: String,
    pub pairs: Vec<(String, String)>,
    pub origin: String,
}

/// Loads every framework and crosswalk among `files`; `areas` are the model's area ids.
pub fn load(
    files: &[DataFile],
    areas: &[String],
) -> Result<(Vec<Framework>, Vec<Crosswalk>), DataError> {
    let mut frameworks = files
        .iter()
        .filter(|f| f.path.starts_with("controls/") && f.path.ends_with(".toml"))
        .map(|file| load_framework(file, areas))
        .collect::<Result<Vec<_>, _>>()?;
    load_statements(files, &mut frameworks, areas)?;
    resolve_profiles(&mut frameworks, files)?;
    for file in files
        .iter()
        .filter(|f| f.path.starts_with("controls/") && f.path.ends_with(".csv"))
    {
        import_titles(file, &mut frameworks)?;
    }
    let mut crosswalks = Vec::new();
    for file in files
        .iter()
        .filter(|f| f.path.starts_with("crosswalks/") && f.path.ends_with(".csv"))
    {
        crosswalks.push(load_crosswalk(file, &frameworks)?);
    }
    Ok((frameworks, crosswalks))
}

fn load_framework(file: &DataFile, areas: &[String]) -> Result<Framework, DataError> {
    let raw: RawFile = file.parse()?;
    let id = raw.framework.id.get_ref().clone();
    let expected = file
        .path
        .trim_start_matches("controls/")
        .trim_end_matches(".toml");
    if id != expected || !is_id(&id) {
        return Err(file.error_at(
            Some(raw.framework.id.span().start),
            format!("framework id \"{id}\" must match its file name \"{expected}\" (lower-case letters, digits and hyphens)"),
        ));
    }
    let profile = raw.framework.based_on.is_some();
    let baseline_ids: BTreeSet<&str> = raw.baseline.iter().map(|b| b.id.as_str()).collect();
    let group_ids: BTreeSet<&str> = raw.group.iter().map(|g| g.id.as_str()).collect();
    let mut seen = BTreeSet::new();
    let mut controls = Vec::new();
    for rc in raw.control {
        let at = rc.id.span().start;
        let cid = rc.id.get_ref().clone();
        if cid.trim().is_empty() || !seen.insert(cid.clone()) {
            return Err(file.error_at(
                Some(at),
                format!("control id \"{cid}\" must be non-empty and unique"),
            ));
        }
        for b in &rc.baselines {
            if !baseline_ids.contains(b.get_ref().as_str()) {
                return Err(file.error_at(
                    Some(b.span().start),
                    format!(
                        "{cid}: baseline \"{}\" is not declared with [[baseline]]",
                        b.get_ref()
                    ),
                ));
            }
        }
        if let Some(g) = &rc.group {
            if !group_ids.contains(g.as_str()) {
                return Err(file.error_at(
                    Some(at),
                    format!("{cid}: group \"{g}\" is not declared with [[group]]"),
                ));
            }
        }
        let mut area_indexes = Vec::new();
        for a in &rc.areas {
            let i = areas.iter().position(|x| x == a.get_ref()).ok_or_else(|| {
                file.error_at(
                    Some(a.span().start),
                    format!(
                        "{cid}: unknown duty area \"{}\"{}",
                        a.get_ref(),
                        crate::text::did_you_mean(a.get_ref(), areas.iter().map(String::as_str))
                    ),
                )
            })?;
            area_indexes.push(i);
        }
        area_indexes.sort();
        area_indexes.dedup();
        if profile {
            if rc.label.is_some()
                || rc.text.is_some()
                || !rc.areas.is_empty()
                || rc.why.is_some()
                || rc.parent.is_some()
                || rc.customer_text.is_some()
                || rc.provider_text.is_some()
            {
                return Err(file.error_at(
                    Some(at),
                    format!("{cid}: a profile's controls take only id, group, baselines and withdrawn; the rest comes from the base framework"),
                ));
            }
        } else {
            if rc.label.as_deref().is_none_or(|l| l.trim().is_empty()) {
                return Err(file.error_at(Some(at), format!("{cid}: every control needs a label")));
            }
            if !rc.withdrawn
                && (area_indexes.is_empty()
                    || rc.why.as_deref().is_none_or(|w| w.trim().is_empty()))
            {
                return Err(file.error_at(
                    Some(at),
                    format!("{cid}: every control that is not withdrawn names at least one duty area and why"),
                ));
            }
            if rc.text.is_some() && raw.framework.text != TextPolicy::Full {
                return Err(file.error_at(
                    Some(at),
                    format!("{cid}: control text ships only with text = \"full\" (public-domain catalogues); give licensed text with --data controls/{id}.csv"),
                ));
            }
        }
        let customer_text = statement(file, rc.customer_text, areas, &area_indexes, &cid)?;
        let provider_text = statement(file, rc.provider_text, areas, &area_indexes, &cid)?;
        controls.push(Control {
            id: cid,
            group: rc.group,
            label: rc.label.unwrap_or_default(),
            parent: rc.parent,
            text: rc.text,
            baselines: rc.baselines.into_iter().map(Spanned::into_inner).collect(),
            withdrawn: rc.withdrawn,
            areas: area_indexes,
            why: rc.why.unwrap_or_default(),
            customer_text,
            provider_text,
            by_provider: BTreeMap::new(),
            services: rc.services,
            customer: rc.customer,
        });
    }
    for c in &controls {
        if let Some(p) = &c.parent {
            if !seen.contains(p) {
                return Err(file.error_near(
                    &format!("\"{}\"", c.id),
                    format!("{}: parent \"{p}\" is not a control of {id}", c.id),
                ));
            }
        }
    }
    let hrefs = raw
        .framework
        .oscal
        .iter()
        .chain(raw.baseline.iter().flat_map(|b| &b.oscal));
    if let Some(bad) = hrefs.into_iter().find(|h| !h.starts_with("https://")) {
        return Err(file.error_near(
            bad,
            format!("framework \"{id}\": oscal = \"{bad}\" must be the https:// address of a published OSCAL catalog or profile"),
        ));
    }
    Ok(Framework {
        id,
        name: raw.framework.name,
        version: raw.framework.version,
        publisher: raw.framework.publisher,
        source: raw.framework.source,
        oscal: raw.framework.oscal,
        licence: raw.framework.licence,
        text: raw.framework.text,
        based_on: raw.framework.based_on.map(Spanned::into_inner),
        baselines: raw.baseline,
        groups: raw.group,
        controls,
        origin: file.origin.clone(),
        titles_from: None,
        provider_term: raw
            .framework
            .provider_term
            .unwrap_or_else(|| "Performed by the provider".to_string()),
        baseline_term: raw
            .framework
            .baseline_term
            .unwrap_or_else(|| "baseline".to_string()),
    })
}

/// A statement as written in `file`, checked against the control's areas; an error
/// points inside the string.
fn statement(
    file: &DataFile,
    given: Option<Spanned<String>>,
    areas: &[String],
    own: &[usize],
    cid: &str,
) -> Result<Option<Statement>, DataError> {
    let Some(given) = given else { return Ok(None) };
    let start = given.span().start;
    // The span covers the quotes.
    let quote = file.text[start..].chars().take_while(|c| *c == '"').count();
    Statement::parse(given.get_ref(), areas, own)
        .map(Some)
        .map_err(|(offset, message)| {
            file.error_at(Some(start + quote + offset), format!("{cid}: {message}"))
        })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatements {
    #[serde(default)]
    statement: Vec<RawStatement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatement {
    control: Spanned<String>,
    #[serde(default)]
    customer_text: Option<Spanned<String>>,
    #[serde(default)]
    provider_text: Option<Spanned<String>>,
}

/// `<provider>/statements/<framework>.toml`: a provider's own statements, put on the
/// controls of a framework that is not a profile (a profile takes its base's).
fn load_statements(
    files: &[DataFile],
    frameworks: &mut [Framework],
    areas: &[String],
) -> Result<(), DataError> {
    for file in files.iter().filter(|f| f.path.contains("/statements/")) {
        let (provider, name) = file
            .path
            .split_once("/statements/")
            .expect("filtered on the separator");
        let fw_id = name.trim_end_matches(".toml");
        let raw: RawStatements = file.parse()?;
        let fw = frameworks
            .iter_mut()
            .find(|f| f.id == fw_id)
            .ok_or_else(|| {
                file.error_at(None, format!("\"{fw_id}\" is not a framework of the data (the file is named after one: controls/<framework>.toml)"))
            })?;
        if let Some(base) = &fw.based_on {
            return Err(file.error_at(
                None,
                format!("{fw_id} is a profile of {base}: write its statements in {provider}/statements/{base}.toml"),
            ));
        }
        for rs in raw.statement {
            let at = rs.control.span().start;
            let cid = rs.control.into_inner();
            let control = fw
                .controls
                .iter_mut()
                .find(|c| c.id == cid)
                .ok_or_else(|| {
                    file.error_at(Some(at), format!("\"{cid}\" is not a control of {fw_id}"))
                })?;
            if rs.customer_text.is_none() && rs.provider_text.is_none() {
                return Err(file.error_at(
                    Some(at),
                    format!("{cid}: a statement needs customer_text, provider_text or both"),
                ));
            }
            if control.by_provider.contains_key(provider) {
                return Err(file.error_at(
                    Some(at),
                    format!("{cid}: a second statement for the same control; merge them"),
                ));
            }
            let texts = Texts {
                customer_text: statement(file, rs.customer_text, areas, &control.areas, &cid)?,
                provider_text: statement(file, rs.provider_text, areas, &control.areas, &cid)?,
            };
            control.by_provider.insert(provider.to_string(), texts);
        }
    }
    Ok(())
}

/// Fills a profile's controls from its base framework.
fn resolve_profiles(frameworks: &mut [Framework], files: &[DataFile]) -> Result<(), DataError> {
    let bases: HashMap<String, Framework> = frameworks
        .iter()
        .filter(|f| f.based_on.is_none())
        .map(|f| (f.id.clone(), f.clone()))
        .collect();
    for fw in frameworks.iter_mut() {
        let Some(base_id) = fw.based_on.clone() else {
            continue;
        };
        let file = files
            .iter()
            .find(|f| f.origin == fw.origin)
            .expect("the framework's own file");
        let base = bases.get(&base_id).ok_or_else(|| {
            file.error_near(
                "based_on",
                format!("based_on = \"{base_id}\" names no framework that is not itself a profile"),
            )
        })?;
        for c in &mut fw.controls {
            let b = base.control(&c.id).ok_or_else(|| {
                file.error_near(
                    &format!("\"{}\"", c.id),
                    format!("{} is not a control of {base_id}", c.id),
                )
            })?;
            c.label = b.label.clone();
            c.text = b.text.clone();
            c.parent = b.parent.clone();
            c.areas = b.areas.clone();
            c.why = b.why.clone();
            c.customer_text = b.customer_text.clone();
            c.provider_text = b.provider_text.clone();
            c.by_provider = b.by_provider.clone();
            c.group = c.group.take().or_else(|| b.group.clone());
            c.withdrawn |= b.withdrawn;
        }
        if fw.groups.is_empty() {
            fw.groups = base.groups.clone();
        }
    }
    Ok(())
}

/// A data CSV file: its header and its records, each with the byte offset where it
/// starts (for error positions).
type CsvRows = (Vec<String>, Vec<(Option<usize>, csv::StringRecord)>);

fn csv_rows(file: &DataFile) -> Result<CsvRows, DataError> {
    let text = file.text.strip_prefix('\u{feff}').unwrap_or(&file.text);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| file.error_at(Some(0), format!("cannot read the header: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let records = reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| {
                file.error_at(
                    e.position().map(|p| p.byte() as usize),
                    format!("cannot read the row: {e}"),
                )
            })?;
            Ok((record.position().map(|p| p.byte() as usize), record))
        })
        .collect::<Result<_, DataError>>()?;
    Ok((header, records))
}

/// `controls/<id>.csv` (`id,title,description`): a user's licensed titles and texts.
fn import_titles(file: &DataFile, frameworks: &mut [Framework]) -> Result<(), DataError> {
    let id = file
        .path
        .trim_start_matches("controls/")
        .trim_end_matches(".csv");
    let fw = frameworks.iter_mut().find(|f| f.id == id).ok_or_else(|| {
        file.error_at(
            None,
            format!(
                "no framework \"{id}\" to give titles to; the file name must be a framework id"
            ),
        )
    })?;
    let (header, records) = csv_rows(file)?;
    let headers: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(ci), Some(ct)) = (col("id"), col("title")) else {
        return Err(file.error_at(
            Some(0),
            "the header must name the columns id, title and (optionally) description",
        ));
    };
    let cd = col("description");
    if records.is_empty() {
        return Err(file.error_at(
            None,
            "the file has a header but no rows; give one row per control: id,title,description",
        ));
    }
    for (offset, record) in records {
        let cid = record.get(ci).unwrap_or("").trim();
        let control = fw
            .controls
            .iter_mut()
            .find(|c| c.id == cid)
            .ok_or_else(|| file.error_at(offset, format!("\"{cid}\" is not a control of {id}")))?;
        let title = record.get(ct).unwrap_or("").trim();
        if !title.is_empty() {
            control.label = title.to_string();
        }
        if let Some(text) = cd
            .and_then(|c| record.get(c))
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            control.text = Some(text.to_string());
        }
    }
    fw.titles_from = Some(file.origin.clone());
    Ok(())
}

fn load_crosswalk(file: &DataFile, frameworks: &[Framework]) -> Result<Crosswalk, DataError> {
    let name = file
        .path
        .trim_start_matches("crosswalks/")
        .trim_end_matches(".csv");
    let (from, to) = name
        .split_once("--")
        .expect("a known crosswalk path has --");
    let find = |id: &str| {
        frameworks.iter().find(|f| f.id == id).ok_or_else(|| {
            file.error_at(
                None,
                format!("the crosswalk names a framework \"{id}\" that is not loaded"),
            )
        })
    };
    let (a, b) = (find(from)?, find(to)?);
    let (header, records) = csv_rows(file)?;
    if header != ["from", "to"] {
        return Err(file.error_at(Some(0), "the header must be exactly: from,to"));
    }
    let mut pairs = Vec::new();
    for (offset, record) in records {
        let (x, y) = (
            record.get(0).unwrap_or("").trim(),
            record.get(1).unwrap_or("").trim(),
        );
        for (fw, cid) in [(a, x), (b, y)] {
            if fw.control(cid).is_none() {
                return Err(
                    file.error_at(offset, format!("\"{cid}\" is not a control of {}", fw.id))
                );
            }
        }
        pairs.push((x.to_string(), y.to_string()));
    }
    Ok(Crosswalk {
        from: from.to_string(),
        to: to.to_string(),
        pairs,
        origin: file.origin.clone(),
    })
}

/// One automated check that can evidence a control (`evidence/<source>.csv`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Hint {
    #[serde(skip)]
    pub framework: String,
    #[serde(skip)]
    pub control: String,
    /// The file's name: `prowler`.
    pub source: String,
    /// The check's id in that tool.
    pub id: String,
    /// The service the check inspects (`aws.s3`); `None` for a check of the account itself.
    pub service: Option<String>,
    /// AWS Security Hub control ids the tool pairs with the check.
    pub securityhub: Option<String>,
    /// For a hint the tool does not map to this control itself: the framework it comes
    /// through, area by area (`nist-800-53`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// `evidence/<source>.csv` (`framework,control,check,service,securityhub`): checks that
/// can evidence controls. Every framework, control and service must exist.
pub fn load_evidence(
    files: &[DataFile],
    frameworks: &[Framework],
    service_ids: &[&str],
) -> Result<Vec<Hint>, DataError> {
    let mut hints = Vec::new();
    let services: std::collections::HashSet<&str> = service_ids.iter().copied().collect();
    let mut control_ids: std::collections::HashMap<&str, std::collections::HashSet<&str>> =
        std::collections::HashMap::new();
    for file in files
        .iter()
        .filter(|f| f.path.starts_with("evidence/") && f.path.ends_with(".csv"))
    {
        let source = file
            .path
            .trim_start_matches("evidence/")
            .trim_end_matches(".csv");
        let (header, records) = csv_rows(file)?;
        // `via` came later: a file written without it still reads.
        let columns = [
            "framework",
            "control",
            "check",
            "service",
            "securityhub",
            "via",
        ];
        if header != columns && header != columns[..5] {
            return Err(file.error_at(
                Some(0),
                "the header must be exactly: framework,control,check,service,securityhub,via (via may be left out)",
            ));
        }
        for (offset, record) in records {
            let cell = |i: usize| record.get(i).unwrap_or("").trim();
            let fw = frameworks.iter().find(|f| f.id == cell(0)).ok_or_else(|| {
                file.error_at(offset, format!("\"{}\" is not a framework", cell(0)))
            })?;
            let known = control_ids
                .entry(fw.id.as_str())
                .or_insert_with(|| fw.controls.iter().map(|c| c.id.as_str()).collect());
            if !known.contains(cell(1)) {
                return Err(file.error_at(
                    offset,
                    format!("\"{}\" is not a control of {}", cell(1), fw.id),
                ));
            }
            if cell(2).is_empty() {
                return Err(file.error_at(offset, "every row names a check"));
            }
            let service = Some(cell(3)).filter(|s| !s.is_empty());
            if let Some(s) = service {
                if !services.contains(s) {
                    return Err(
                        file.error_at(offset, format!("\"{s}\" is not a service of the catalogue"))
                    );
                }
            }
            hints.push(Hint {
                framework: fw.id.clone(),
                control: cell(1).to_string(),
                source: source.to_string(),
                id: cell(2).to_string(),
                service: service.map(str::to_string),
                securityhub: Some(cell(4)).filter(|s| !s.is_empty()).map(str::to_string),
                via: match cell(5) {
                    "" => None,
                    via if frameworks.iter().any(|f| f.id == via) => Some(via.to_string()),
                    via => {
                        return Err(file.error_at(offset, format!("\"{via}\" is not a framework")))
                    }
                },
            });
        }
    }
    for file in files.iter().filter(|f| f.path == "evidence/overrides.toml") {
        apply_overrides(file, &mut hints, frameworks)?;
    }
    hints.sort();
    hints.dedup();
    Ok(hints)
}

/// `evidence/overrides.toml`: the reviewed corrections of a tool's mapping, each with its
/// reason: drop a check from a control, move it to another, or add one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverrides {
    #[serde(rename = "override")]
    overrides: Vec<Spanned<RawHintOverride>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHintOverride {
    framework: String,
    /// A control id, or a prefix ending in `*` (`CC6.*`).
    control: String,
    /// A check id, or a prefix ending in `*` (`kms_key_enclave_*`); `*` for every check.
    check: String,
    action: HintAction,
    /// For `move`: the control the check evidences instead.
    #[serde(default)]
    to: Option<String>,
    reason: String,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum HintAction {
    Drop,
    Move,
    Add,
}

fn apply_overrides(
    file: &DataFile,
    hints: &mut Vec<Hint>,
    frameworks: &[Framework],
) -> Result<(), DataError> {
    let raw: RawOverrides = file.parse()?;
    // `*` stands for any run of characters, anywhere in the pattern.
    let matches = |pattern: &str, value: &str| {
        let mut parts = pattern.split('*');
        let first = parts.next().unwrap_or_default();
        let Some(mut rest) = value.strip_prefix(first) else {
            return false;
        };
        let parts: Vec<&str> = parts.collect();
        match parts.split_last() {
            None => rest.is_empty(),
            Some((last, middle)) => {
                for part in middle {
                    match rest.find(part) {
                        Some(i) => rest = &rest[i + part.len()..],
                        None => return false,
                    }
                }
                rest.len() >= last.len() && rest.ends_with(last)
            }
        }
    };
    for o in raw.overrides {
        let at = Some(o.span().start);
        let o = o.into_inner();
        let fail = |m: String| Err(file.error_at(at, m));
        let Some(fw) = frameworks.iter().find(|f| f.id == o.framework) else {
            return fail(format!("\"{}\" is not a framework", o.framework));
        };
        let is_control = |id: &str| fw.controls.iter().any(|c| c.id == id);
        if o.reason.trim().is_empty() {
            return fail("every override gives its reason".into());
        }
        let target = o.to.as_deref().unwrap_or_default();
        match o.action {
            HintAction::Move if !is_control(target) => {
                return fail(format!("move: \"{target}\" is not a control of {}", fw.id))
            }
            HintAction::Add => {
                if !is_control(&o.control) || o.check.contains('*') {
                    return fail("add: name one control and one check".into());
                }
                // The check as the tool's mapping gives it elsewhere: its source,
                // service and Security Hub controls.
                let Some(known) = hints.iter().find(|h| h.id == o.check).cloned() else {
                    return fail(format!(
                        "add: \"{}\" is no check of the evidence files",
                        o.check
                    ));
                };
                hints.push(Hint {
                    framework: fw.id.clone(),
                    control: o.control.clone(),
                    via: None,
                    ..known
                });
                continue;
            }
            _ => {}
        }
        let mut found = false;
        for h in hints.iter_mut().filter(|h| {
            h.framework == fw.id && matches(&o.control, &h.control) && matches(&o.check, &h.id)
        }) {
            found = true;
            if o.action == HintAction::Move {
                h.control = target.to_string();
                h.via = None;
            } else {
                h.id.clear();
            }
        }
        if !found {
            return fail(format!(
                "no hint of {} {} is {}: the override has nothing to correct",
                fw.id, o.control, o.check
            ));
        }
        hints.retain(|h| !h.id.is_empty());
    }
    Ok(())
}

/// For each control of `framework`, its related controls in the `others`, by framework.
pub fn related(
    crosswalks: &[Crosswalk],
    framework: &str,
    others: &[&str],
) -> HashMap<String, BTreeMap<String, BTreeSet<String>>> {
    let mut out: HashMap<String, BTreeMap<String, BTreeSet<String>>> = HashMap::new();
    for cw in crosswalks {
        let directions = [(&cw.from, &cw.to, false), (&cw.to, &cw.from, true)];
        for (mine, theirs, reverse) in directions {
            if mine != framework || !others.contains(&theirs.as_str()) {
                continue;
            }
            for (x, y) in &cw.pairs {
                let (m, t) = if reverse { (y, x) } else { (x, y) };
                out.entry(m.clone())
                    .or_default()
                    .entry(theirs.clone())
                    .or_default()
                    .insert(t.clone());
            }
        }
    }
    out
}
