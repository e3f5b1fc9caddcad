//! `<provider>/csoc.toml`: a provider as the subservice organisation of a SOC 2
//! description (carve-out method): what the organisation's controls expect of it
//! (complementary subservice organisation controls, CSOCs), each with the provider's
//! page that says it does so, and the organisation's controls to monitor it.

use super::data::{is_id, DataError, DataFile};
use super::framework::Framework;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    subservice: RawSubservice,
    #[serde(default)]
    csoc: Vec<RawCsoc>,
    #[serde(default)]
    monitoring: Vec<RawMonitoring>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubservice {
    name: String,
    short: String,
    categories: Vec<Spanned<String>>,
    categories_source: Spanned<String>,
    reports: String,
    reports_source: Spanned<String>,
    letter: String,
    letter_source: Spanned<String>,
    scope_page: Spanned<String>,
    nature: BTreeMap<Spanned<String>, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCsoc {
    id: Spanned<String>,
    text: String,
    criteria: Vec<Spanned<String>>,
    areas: Vec<Spanned<String>>,
    source: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMonitoring {
    criteria: Vec<Spanned<String>>,
    text: Spanned<String>,
}

/// One provider as a subservice organisation.
#[derive(Debug, Clone)]
pub struct Subservice {
    /// The provider's id (`aws`).
    pub provider: String,
    /// As a description names it: "Amazon Web Services, Inc. (AWS)".
    pub name: String,
    /// "AWS".
    pub short: String,
    /// The SOC 2 categories the provider's own report covers (its SOC FAQ), and the page.
    pub categories: Vec<String>,
    pub categories_source: String,
    /// Where its reports are obtained, and the page that says so.
    pub reports: String,
    pub reports_source: String,
    /// The name of the document that covers the days after a report's period.
    pub letter: String,
    pub letter_source: String,
    /// The provider's list of services in scope by compliance program.
    pub scope_page: String,
    /// The nature of the services used, by tier id.
    pub nature: BTreeMap<String, String>,
    pub csocs: Vec<Csoc>,
    pub monitoring: Vec<Monitoring>,
}

#[derive(Debug, Clone)]
pub struct Csoc {
    pub id: String,
    /// In the third person: "AWS is expected to ...".
    pub text: String,
    /// SOC 2 criteria it supports, in the framework's order.
    pub criteria: Vec<String>,
    /// Duty-area indexes: a service is listed when it has the provider's or a shared
    /// cell in one of them.
    pub areas: Vec<usize>,
    /// The provider's page that says the provider does it.
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct Monitoring {
    pub criteria: Vec<String>,
    /// The organisation's control, in the third person; `{letter}` is the bridge
    /// document's name.
    pub text: String,
}

/// Loads `file` (`PROVIDER/csoc.toml`), checked against the model's areas and tiers and
/// the SOC 2 framework (when the data has one).
pub fn load(
    file: &DataFile,
    areas: &[String],
    tiers: &[String],
    soc2: Option<&Framework>,
) -> Result<Subservice, DataError> {
    let provider = file.path.trim_end_matches("/csoc.toml").to_string();
    let raw: RawFile = file.parse()?;
    let at = |offset: usize, message: String| file.error_at(Some(offset), message);
    let https = |s: &Spanned<String>, what: &str| -> Result<String, DataError> {
        if s.get_ref().starts_with("https://") {
            Ok(s.get_ref().clone())
        } else {
            Err(at(
                s.span().start,
                format!("{what} is the provider's page (https://...)"),
            ))
        }
    };
    let s = raw.subservice;
    // The category of a criterion: its baseline in the SOC 2 framework.
    let category = |id: &Spanned<String>| -> Result<Option<String>, DataError> {
        let Some(fw) = soc2 else { return Ok(None) };
        let control = fw.control(id.get_ref()).ok_or_else(|| {
            at(
                id.span().start,
                format!("\"{}\" is not a criterion of soc2", id.get_ref()),
            )
        })?;
        Ok(control.baselines.first().cloned())
    };
    let baseline_ids: Vec<&str> = soc2
        .map(|f| f.baselines.iter().map(|b| b.id.as_str()).collect())
        .unwrap_or_default();
    for c in &s.categories {
        if soc2.is_some() && !baseline_ids.contains(&c.get_ref().as_str()) {
            return Err(at(
                c.span().start,
                format!(
                    "\"{}\" is not a SOC 2 category; the categories are: {}",
                    c.get_ref(),
                    baseline_ids.join(", ")
                ),
            ));
        }
    }
    let categories: Vec<String> = s.categories.iter().map(|c| c.get_ref().clone()).collect();
    let criteria = |list: &[Spanned<String>]| -> Result<Vec<String>, DataError> {
        if list.is_empty() {
            return Err(file.error_at(
                None,
                "every CSOC and monitoring control names the criteria it supports",
            ));
        }
        let mut out = Vec::new();
        for id in list {
            if let Some(cat) = category(id)? {
                if !categories.contains(&cat) {
                    return Err(at(
                        id.span().start,
                        format!(
                            "{} is a {cat} criterion, a category {}'s own SOC 2 report does not cover (categories = [...])",
                            id.get_ref(),
                            s.short
                        ),
                    ));
                }
            }
            out.push(id.get_ref().clone());
        }
        Ok(out)
    };
    let mut nature = BTreeMap::new();
    for (tier, text) in s.nature {
        if !tiers.contains(tier.get_ref()) {
            return Err(at(
                tier.span().start,
                format!("nature: \"{}\" is not a tier", tier.get_ref()),
            ));
        }
        nature.insert(tier.into_inner(), text);
    }
    let mut csocs: Vec<Csoc> = Vec::new();
    for c in raw.csoc {
        let id = c.id.get_ref().clone();
        if !is_id(&id) || csocs.iter().any(|x| x.id == id) {
            return Err(at(
                c.id.span().start,
                format!(
                    "CSOC id \"{id}\" must be unique, in lower-case letters, digits and hyphens"
                ),
            ));
        }
        if !c.text.starts_with(&format!("{} is expected to ", s.short)) || !c.text.ends_with('.') {
            return Err(at(
                c.id.span().start,
                format!(
                    "{id}: a CSOC is one sentence in the third person: \"{} is expected to ... .\"",
                    s.short
                ),
            ));
        }
        let mut area_indexes = Vec::new();
        for a in &c.areas {
            let i = areas.iter().position(|x| x == a.get_ref()).ok_or_else(|| {
                at(
                    a.span().start,
                    format!("{id}: unknown duty area \"{}\"", a.get_ref()),
                )
            })?;
            area_indexes.push(i);
        }
        if area_indexes.is_empty() {
            return Err(at(
                c.id.span().start,
                format!("{id}: a CSOC names the duty areas it stands for"),
            ));
        }
        csocs.push(Csoc {
            criteria: criteria(&c.criteria)?,
            areas: area_indexes,
            source: https(&c.source, "source")?,
            text: c.text,
            id,
        });
    }
    let monitoring = raw
        .monitoring
        .iter()
        .map(|m| {
            Ok(Monitoring {
                criteria: criteria(&m.criteria)?,
                text: m.text.get_ref().clone(),
            })
        })
        .collect::<Result<Vec<_>, DataError>>()?;
    Ok(Subservice {
        provider,
        name: s.name,
        short: s.short,
        categories_source: https(&s.categories_source, "categories_source")?,
        categories,
        reports: s.reports,
        reports_source: https(&s.reports_source, "reports_source")?,
        letter: s.letter,
        letter_source: https(&s.letter_source, "letter_source")?,
        scope_page: https(&s.scope_page, "scope_page")?,
        nature,
        csocs,
        monitoring,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCertificates {
    certificate: Vec<RawCertificate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCertificate {
    standard: String,
    covers: String,
    controls: Vec<Spanned<String>>,
    source: Spanned<String>,
}

/// A provider's certificate that an ISO/IEC 27001 Statement of Applicability relies on
/// (`<provider>/certificates.toml`).
#[derive(Debug, Clone)]
pub struct Certificate {
    pub provider: String,
    /// "ISO/IEC 27017:2015".
    pub standard: String,
    /// The kind of control it covers, in a phrase.
    pub covers: String,
    /// ISO/IEC 27001 Annex A ids; empty for every control where the provider has a part.
    pub controls: Vec<String>,
    pub source: String,
}

/// Loads `file` (`PROVIDER/certificates.toml`), its controls checked against ISO/IEC
/// 27001 (when the data has it).
pub fn load_certificates(
    file: &DataFile,
    iso: Option<&Framework>,
) -> Result<Vec<Certificate>, DataError> {
    let provider = file.path.trim_end_matches("/certificates.toml").to_string();
    let raw: RawCertificates = file.parse()?;
    raw.certificate
        .into_iter()
        .map(|c| {
            let mut controls = Vec::new();
            for id in &c.controls {
                if id.get_ref() == "*" {
                    continue;
                }
                if iso.is_some_and(|f| f.control(id.get_ref()).is_none()) {
                    return Err(file.error_at(
                        Some(id.span().start),
                        format!("\"{}\" is not a control of iso27001", id.get_ref()),
                    ));
                }
                controls.push(id.get_ref().clone());
            }
            if !c.source.get_ref().starts_with("https://") {
                return Err(file.error_at(
                    Some(c.source.span().start),
                    "source is the provider's page for the certificate (https://...)",
                ));
            }
            Ok(Certificate {
                provider: provider.clone(),
                standard: c.standard,
                covers: c.covers,
                controls,
                source: c.source.into_inner(),
            })
        })
        .collect()
}
