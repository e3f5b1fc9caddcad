//! The SOC 2 section as a system description needs it: the scope (categories, report
//! type and period), each provider as a carved-out subservice organisation (the nature
//! of the services used, the complementary subservice organisation controls expected
//! of it, the organisation's monitoring of it, the attestations relied on and the days
//! they leave uncovered), and the organisation's own CUECs where the project file
//! lists them.
//!
//! In: the catalogue's `<provider>/csoc.toml` data, the services of the report, the
//! SOC 2 selection's controls and the [`Settings`] of the request. Out: [`Soc2Out`],
//! put on the SOC 2 framework of the report, and the warnings for uncovered days.

use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Level};
use crate::join::FrameworkOut;
use crate::report::ServiceOut;
use crate::text::Date;
use crate::vocab::Owner;
use serde::Serialize;

/// The examination: its type and its date (type 1) or period (type 2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Examination {
    /// 1 or 2; `None` when not set.
    pub report_type: Option<u8>,
    /// A type 1 report's date.
    pub as_of: Option<Date>,
    /// A type 2 report's period, first and last day.
    pub period: Option<(Date, Date)>,
}

impl Examination {
    /// `--period`: `START..END` (type 2) or one date (type 1's "as of").
    pub fn parse_period(text: &str) -> Result<(Date, Option<Date>), String> {
        let date = |t: &str| {
            Date::parse(t.trim())
                .ok_or_else(|| format!("\"{t}\" is not a calendar date written YYYY-MM-DD"))
        };
        match text.split_once("..") {
            Some((a, b)) => {
                let (a, b) = (date(a)?, date(b)?);
                if b < a {
                    return Err(format!("the period {text} ends before it starts"));
                }
                Ok((a, Some(b)))
            }
            None => Ok((date(text)?, None)),
        }
    }

    /// The examination from a type and a period as written (`--soc2-type`, `--period`,
    /// or `[soc2]`): type 1 takes one date, type 2 a period.
    pub fn new(report_type: Option<u8>, period: Option<&str>) -> Result<Examination, String> {
        let parsed = period.map(Examination::parse_period).transpose()?;
        let report_type = match (report_type, parsed) {
            (Some(t), _) if t != 1 && t != 2 => {
                return Err(format!("a SOC 2 report is type 1 or type 2, not {t}"))
            }
            (Some(t), _) => Some(t),
            // A period alone says which type it is.
            (None, Some((_, Some(_)))) => Some(2),
            (None, Some((_, None))) => Some(1),
            (None, None) => None,
        };
        match (report_type, parsed) {
            (Some(1), Some((_, Some(_)))) => Err(
                "a type 1 report is as of one date, not a period: give one date (YYYY-MM-DD)"
                    .into(),
            ),
            (Some(2), Some((_, None))) => Err(
                "a type 2 report covers a period: give it as START..END (YYYY-MM-DD..YYYY-MM-DD)"
                    .into(),
            ),
            (t, Some((a, None))) => Ok(Examination {
                report_type: t,
                as_of: Some(a),
                period: None,
            }),
            (t, Some((a, Some(b)))) => Ok(Examination {
                report_type: t,
                as_of: None,
                period: Some((a, b)),
            }),
            (t, None) => Ok(Examination {
                report_type: t,
                as_of: None,
                period: None,
            }),
        }
    }

    /// The date or period as written: `2026-06-30` or `2026-01-01..2026-12-31`.
    pub fn when_text(&self) -> Option<String> {
        match (self.period, self.as_of) {
            (Some((a, b)), _) => Some(format!("{a}..{b}")),
            (None, Some(a)) => Some(a.to_string()),
            (None, None) => None,
        }
    }

    /// The days the examination covers, first and last.
    fn days(&self) -> Option<(i64, i64)> {
        match (self.period, self.as_of) {
            (Some((a, b)), _) => Some((day(a), day(b))),
            (None, Some(a)) => Some((day(a), day(a))),
            (None, None) => None,
        }
    }
}

fn day(d: Date) -> i64 {
    d.unix_seconds().div_euclid(86_400)
}

fn date_of(day: i64) -> Date {
    Date::from_unix(day * 86_400)
}

/// A provider's SOC report the organisation relies on (`[[attestation]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attestation {
    pub provider: String,
    /// "SOC 2 Type 2".
    pub report: String,
    pub start: Date,
    pub end: Date,
    pub auditor: String,
    pub opinion: String,
    pub exceptions: String,
    /// The date of the continued-operations (bridge) letter: it covers from the day
    /// after `end` to this date.
    pub letter: Option<Date>,
}

/// A complementary user entity control of the organisation's own (`[[cuec]]`): what
/// its customers must do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cuec {
    pub text: String,
    pub criteria: Vec<String>,
}

/// What the request says of the SOC 2 examination.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub examination: Examination,
    pub attestations: Vec<Attestation>,
    pub cuecs: Vec<Cuec>,
    /// The file the settings come from, for the warnings (the project file).
    pub file: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Soc2Out {
    pub scope: ScopeOut,
    pub subservice_organisations: Vec<SubserviceOut>,
    /// The organisation's own CUECs, from the project file.
    pub cuecs: Vec<Cuec>,
    /// What the documents say of them: that onus cannot know them, or where they come
    /// from.
    pub cuecs_note: String,
}

#[derive(Debug, Serialize)]
pub struct ScopeOut {
    /// The trust services categories in scope, in the framework's order.
    pub categories: Vec<String>,
    /// "Security, Availability and Confidentiality".
    pub categories_text: String,
    pub report_type: Option<u8>,
    pub as_of: Option<String>,
    pub period: Option<PeriodOut>,
    /// "Type 2, for the period 2026-01-01 to 2026-12-31", or that none is set.
    pub examination_text: String,
}

#[derive(Debug, Serialize)]
pub struct PeriodOut {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Serialize)]
pub struct SubserviceOut {
    pub provider: String,
    pub name: String,
    /// The nature of the services used, by tier, with their names.
    pub nature: String,
    /// The provider's services in use, by id.
    pub services: Vec<String>,
    /// That the description uses the carve-out method for this provider.
    pub carve_out: String,
    /// That the criteria are met only if the CSOCs are suitably designed and operate.
    pub dependency: String,
    pub csocs: Vec<CsocOut>,
    pub monitoring: Vec<MonitoringOut>,
    /// The services to confirm against the provider's services-in-scope page.
    pub scope_check: String,
    pub attestations: Vec<AttestationOut>,
    /// The days of the examination that no report or letter covers.
    pub gaps: Vec<PeriodOut>,
    /// What the attestations cover, in a sentence, or what to obtain.
    pub coverage: String,
}

#[derive(Debug, Serialize)]
pub struct CsocOut {
    pub id: String,
    pub text: String,
    /// The criteria in scope it supports.
    pub criteria: Vec<String>,
    pub services: Vec<String>,
    /// "All 45 AWS services in use", or their names.
    pub services_text: String,
    pub source: String,
}

#[derive(Debug, Serialize)]
pub struct MonitoringOut {
    pub criteria: Vec<String>,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct AttestationOut {
    pub report: String,
    pub start: String,
    pub end: String,
    pub auditor: String,
    pub opinion: String,
    pub exceptions: String,
    pub letter: Option<String>,
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The SOC 2 section of a report's SOC 2 selection, and the warnings it raises.
pub fn section(
    catalogue: &Catalogue,
    services: &[ServiceOut],
    framework: &FrameworkOut,
    settings: &Settings,
) -> (Soc2Out, Vec<Diagnostic>) {
    let fw = catalogue
        .framework(&framework.id)
        .expect("a joined framework");
    let selected: Vec<&str> = framework.controls.iter().map(|c| c.id.as_str()).collect();
    let categories: Vec<&crate::catalogue::framework::Baseline> = fw
        .baselines
        .iter()
        .filter(|b| {
            framework
                .baseline
                .as_deref()
                .is_none_or(|s| s.split('+').any(|x| x == b.id))
        })
        .collect();
    let exam = settings.examination;
    let examination_text = match (exam.report_type, exam.period, exam.as_of) {
        (Some(2), Some((a, b)), _) => format!("Type 2, for the period {a} to {b}."),
        (Some(1), _, Some(a)) => format!("Type 1, as of {a}."),
        (Some(t), _, _) => format!(
            "Type {t}; no examination {} is set.",
            if t == 1 { "date" } else { "period" }
        ),
        _ => "No report type or examination period is set.".to_string(),
    };
    let scope = ScopeOut {
        categories: categories.iter().map(|b| b.id.clone()).collect(),
        categories_text: and_list(
            &categories
                .iter()
                .map(|b| b.name.clone())
                .collect::<Vec<_>>(),
        ),
        report_type: exam.report_type,
        as_of: exam.as_of.map(|d| d.to_string()),
        period: exam.period.map(|(a, b)| PeriodOut {
            start: a.to_string(),
            end: b.to_string(),
        }),
        examination_text,
    };
    let mut diagnostics = Vec::new();
    let subservice_organisations = catalogue
        .subservices
        .iter()
        .filter_map(|sub| {
            let used: Vec<&ServiceOut> = services
                .iter()
                .filter(|s| {
                    s.assessed
                        && s.id.as_deref().is_some_and(|id| {
                            id.split_once('.').is_some_and(|(p, _)| p == sub.provider)
                        })
                })
                .collect();
            if used.is_empty() {
                return None;
            }
            let (out, warnings) = subservice(catalogue, sub, &used, &selected, settings);
            diagnostics.extend(warnings);
            Some(out)
        })
        .collect();
    let cuecs: Vec<Cuec> = settings
        .cuecs
        .iter()
        .map(|c| Cuec {
            text: c.text.clone(),
            criteria: c
                .criteria
                .iter()
                .filter(|x| selected.contains(&x.as_str()))
                .cloned()
                .collect(),
        })
        .collect();
    let cuecs_note = if cuecs.is_empty() {
        "The organisation's own complementary user entity controls, what its customers must do for these criteria to be met, depend on its product; onus cannot know them, and the project file lists none.".to_string()
    } else {
        "The organisation's own complementary user entity controls: what its customers must do for these criteria to be met, as the project file lists them.".to_string()
    };
    (
        Soc2Out {
            scope,
            subservice_organisations,
            cuecs,
            cuecs_note,
        },
        diagnostics,
    )
}

/// One provider's subsection.
fn subservice(
    catalogue: &Catalogue,
    sub: &crate::catalogue::csoc::Subservice,
    used: &[&ServiceOut],
    selected: &[&str],
    settings: &Settings,
) -> (SubserviceOut, Vec<Diagnostic>) {
    let short = &sub.short;
    // Distinct services by id, with their names, in the report's order.
    let mut ids: Vec<(&str, &str, &str)> = Vec::new();
    for s in used {
        let id = s.id.as_deref().expect("assessed");
        if !ids.iter().any(|(i, _, _)| *i == id) {
            ids.push((id, s.name.as_str(), s.tier.as_deref().unwrap_or("")));
        }
    }
    let nature_parts: Vec<String> = catalogue
        .tiers
        .iter()
        .filter_map(|t| {
            let names: Vec<String> = ids
                .iter()
                .filter(|(_, _, tier)| *tier == t.id)
                .map(|(_, n, _)| n.to_string())
                .collect();
            (!names.is_empty()).then(|| {
                let what = sub
                    .nature
                    .get(&t.id)
                    .cloned()
                    .unwrap_or_else(|| t.name.clone());
                format!("{what} ({})", and_list(&names))
            })
        })
        .collect();
    let nature = format!(
        "The organisation uses {short} for {}.",
        and_list(&nature_parts)
    );
    let all = ids.len();
    let csocs = sub
        .csocs
        .iter()
        .filter_map(|c| {
            let criteria: Vec<String> = c
                .criteria
                .iter()
                .filter(|x| selected.contains(&x.as_str()))
                .cloned()
                .collect();
            if criteria.is_empty() {
                return None;
            }
            let mut listed: Vec<(&str, &str)> = Vec::new();
            for s in used {
                let has = c.areas.iter().any(|&a| {
                    matches!(
                        s.duties.get(&catalogue.areas[a].id).map(|d| d.owner),
                        Some(Owner::Provider | Owner::Shared)
                    )
                });
                let id = s.id.as_deref().expect("assessed");
                if has && !listed.iter().any(|(i, _)| *i == id) {
                    listed.push((id, s.name.as_str()));
                }
            }
            if listed.is_empty() {
                return None;
            }
            let names: Vec<String> = listed.iter().map(|(_, n)| n.to_string()).collect();
            let services_text = if listed.len() == all {
                format!("All {all} {short} services in use")
            } else {
                and_list(&names)
            };
            Some(CsocOut {
                id: c.id.clone(),
                text: c.text.clone(),
                criteria,
                services: listed.iter().map(|(i, _)| i.to_string()).collect(),
                services_text,
                source: c.source.clone(),
            })
        })
        .collect();
    let monitoring = sub
        .monitoring
        .iter()
        .map(|m| MonitoringOut {
            criteria: m
                .criteria
                .iter()
                .filter(|x| selected.contains(&x.as_str()))
                .cloned()
                .collect(),
            text: m.text.replace("{letter}", &sub.letter),
        })
        .collect();
    let names: Vec<String> = ids.iter().map(|(_, n, _)| n.to_string()).collect();
    let scope_check = format!(
        "Services to confirm against {short}'s list of services in scope ({}): {}.",
        sub.scope_page,
        and_list(&names)
    );
    let exam = settings.examination;
    let dependency = format!(
        "Some of the criteria in scope are met only if the complementary subservice organisation controls expected of {short}, assumed in the design of the organisation's controls, are suitably designed and {} along with the related controls of the organisation.",
        if exam.report_type == Some(1) { "implemented" } else { "operating effectively" }
    );
    let carve_out = format!(
        "The organisation uses {} ({short}) as a subservice organisation and presents it with the carve-out method: {short}'s own controls are outside the scope of this description and of the examination, which cover the organisation's controls, including its monitoring of {short}.",
        sub.name.trim_end_matches(&format!(" ({short})"))
    );
    let attestations: Vec<&Attestation> = settings
        .attestations
        .iter()
        .filter(|a| a.provider == sub.provider)
        .collect();
    let mut warnings = Vec::new();
    let mut gaps = Vec::new();
    let coverage = match (exam.days(), attestations.is_empty()) {
        (_, true) => format!(
            "No {short} report is recorded as relied on. Obtain from AWS Artifact {short}'s SOC 2 Type 2 reports whose periods cover the examination, and the {} for the days after the latest one; {}",
            sub.letter,
            sub.reports.trim_end_matches('.').to_string() + "."
        ),
        (None, false) => "No examination period is set, so the days the reports cover are not checked against it.".to_string(),
        (Some((first, last)), false) => {
            // Each report covers its period; its letter the days after, to its date.
            let mut covered: Vec<(i64, i64)> = attestations
                .iter()
                .flat_map(|a| {
                    let report = (day(a.start), day(a.end));
                    let letter = a.letter.map(|l| (day(a.end) + 1, day(l)));
                    std::iter::once(report).chain(letter)
                })
                .filter(|(a, b)| a <= b)
                .collect();
            covered.sort();
            let mut at = first;
            for (a, b) in covered {
                if a > at && at <= last {
                    gaps.push((at, (a - 1).min(last)));
                }
                at = at.max(b + 1);
            }
            if at <= last {
                gaps.push((at, last));
            }
            if gaps.is_empty() {
                format!("The {short} reports and letters recorded cover every day of the examination.")
            } else {
                let list: Vec<String> = gaps
                    .iter()
                    .map(|(a, b)| {
                        if a == b {
                            date_of(*a).to_string()
                        } else {
                            format!("{} to {}", date_of(*a), date_of(*b))
                        }
                    })
                    .collect();
                let days: i64 = gaps.iter().map(|(a, b)| b - a + 1).sum();
                let text = format!(
                    "{days} day{} of the examination {} covered by no {short} report or {}: {}.",
                    if days == 1 { "" } else { "s" },
                    if days == 1 { "is" } else { "are" },
                    sub.letter,
                    and_list(&list)
                );
                warnings.push(
                    Diagnostic::new(
                        Level::Warning,
                        settings.file.as_deref().unwrap_or("onus.toml"),
                        None,
                        format!("SOC 2: {text}"),
                    )
                    .with_hint(Some(format!(
                        "add the {short} report or {} that covers them as an [[attestation]]",
                        sub.letter
                    ))),
                );
                text
            }
        }
    };
    (
        SubserviceOut {
            provider: sub.provider.clone(),
            name: sub.name.clone(),
            nature,
            services: ids.iter().map(|(i, _, _)| i.to_string()).collect(),
            carve_out,
            dependency,
            csocs,
            monitoring,
            scope_check,
            attestations: attestations
                .iter()
                .map(|a| AttestationOut {
                    report: a.report.clone(),
                    start: a.start.to_string(),
                    end: a.end.to_string(),
                    auditor: a.auditor.clone(),
                    opinion: a.opinion.clone(),
                    exceptions: a.exceptions.clone(),
                    letter: a.letter.map(|d| d.to_string()),
                })
                .collect(),
            gaps: gaps
                .iter()
                .map(|(a, b)| PeriodOut {
                    start: date_of(*a).to_string(),
                    end: date_of(*b).to_string(),
                })
                .collect(),
            coverage,
        },
        warnings,
    )
}
