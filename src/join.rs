//! The join: framework controls × the inventory's services.
//!
//! In: the catalogue (areas, frameworks, crosswalks), the assessed services of a report
//! with their owners per area, and the frameworks the user selected. Out: one
//! [`FrameworkOut`] per selection, each control with its owner, the counts behind it,
//! what the customer must do, what the provider performs, and related controls.
//! A control's owner for one service rolls up that service's owners on the control's
//! areas; across the inventory it rolls up again over the services (DESIGN.md). An
//! empty roll-up is `n/a`, never `provider`.

use crate::catalogue::framework::{self, TextPolicy};
use crate::catalogue::Catalogue;
use crate::vocab::Owner;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// `-f id` or `-f id:baseline`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Selection {
    pub framework: String,
    pub baseline: Option<String>,
}

impl Selection {
    /// Parses and checks `-f` values; `all` selects every shipped framework.
    pub fn parse_all(catalogue: &Catalogue, given: &[String]) -> Result<Vec<Selection>, String> {
        let mut out: Vec<Selection> = Vec::new();
        for text in given {
            let (id, baseline) = match text.split_once(':') {
                Some((i, b)) => (i.trim(), Some(b.trim().to_string())),
                None => (text.trim(), None),
            };
            if id == "all" && baseline.is_none() {
                out.extend(catalogue.frameworks.iter().map(|f| Selection {
                    framework: f.id.clone(),
                    baseline: None,
                }));
                continue;
            }
            let fw = catalogue.framework(id).ok_or_else(|| {
                let ids: Vec<&str> = catalogue.frameworks.iter().map(|f| f.id.as_str()).collect();
                format!(
                    "unknown framework \"{id}\"{}; the frameworks are: {}, or all",
                    crate::text::did_you_mean(id, ids.iter().copied()),
                    ids.join(", ")
                )
            })?;
            // Several baselines join with `+`; those in every selection are added, and
            // the list is kept in the framework's order.
            let baseline = match baseline {
                None => None,
                Some(given) => {
                    let mut wanted: Vec<&str> = Vec::new();
                    for b in given.split('+').map(str::trim) {
                        if !fw.baselines.iter().any(|x| x.id == b) {
                            let known: Vec<&str> =
                                fw.baselines.iter().map(|x| x.id.as_str()).collect();
                            return Err(if known.is_empty() {
                                format!("{id} has no baselines; name it without one")
                            } else {
                                format!(
                                    "{id} has no baseline \"{b}\"; its baselines are: {}",
                                    known.join(", ")
                                )
                            });
                        }
                        wanted.push(b);
                    }
                    let ids: Vec<&str> = fw
                        .baselines
                        .iter()
                        .filter(|x| x.always || wanted.contains(&x.id.as_str()))
                        .map(|x| x.id.as_str())
                        .collect();
                    Some(ids.join("+"))
                }
            };
            out.push(Selection {
                framework: id.to_string(),
                baseline,
            });
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|s| seen.insert(s.clone()));
        Ok(out)
    }

    /// `nist-800-53:moderate`.
    pub fn key(&self) -> String {
        match &self.baseline {
            Some(b) => format!("{}:{b}", self.framework),
            None => self.framework.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct FrameworkOut {
    pub id: String,
    /// `id` or `id:baseline`, as selected with `-f`.
    pub selection: String,
    pub name: String,
    pub version: String,
    pub baseline: Option<String>,
    pub baseline_name: Option<String>,
    /// As headings name the selection: "Moderate baseline", "Security, Availability".
    pub baseline_title: Option<String>,
    pub publisher: String,
    pub source: String,
    /// The published OSCAL profile of the baseline, else the framework's OSCAL catalog;
    /// `None` where the publisher has none.
    pub oscal: Option<String>,
    pub licence: String,
    pub text: TextPolicy,
    /// The framework whose controls this one selects (FedRAMP: `nist-800-53`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub based_on: Option<String>,
    /// The user's file of licensed titles, if one was given.
    pub titles_from: Option<String>,
    /// The framework's own words for what the provider does (a table's column head).
    pub provider_term: String,
    /// How many controls each owner carries.
    pub counts: BTreeMap<Owner, usize>,
    pub controls: Vec<ControlOut>,
    /// SOC 2 only: the system-description tables of a report that carves the provider
    /// out as a subservice organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carve_out: Option<CarveOut>,
    /// SOC 2 only: the scope, the subservice organisations and the CUECs (its fields
    /// sit beside the framework's own in the JSON).
    #[serde(flatten)]
    pub soc2: Option<crate::soc2::Soc2Out>,
    /// ISO/IEC 27001 only: the Statement of Applicability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement_of_applicability: Option<crate::soa::SoaOut>,
}

/// The SOC 2 carve-out tables, for the services in use.
#[derive(Debug, Serialize)]
pub struct CarveOut {
    /// Complementary subservice organisation controls: per criterion on which the
    /// provider has a part, what it is expected to do, and for which services.
    pub subservice: Vec<SubserviceRow>,
    /// The customer's complementary user entity duties toward the provider: per cloud
    /// area in which the customer has a part on a service in use, what it must do.
    pub user_entity: Vec<UserEntityRow>,
}

#[derive(Debug, Serialize)]
pub struct SubserviceRow {
    pub criterion: String,
    pub label: String,
    /// The services, as the documents print them (see [`collapse`]).
    pub services_text: String,
    /// What the provider is expected to do (the criterion's provider statement, filled).
    pub text: String,
    pub areas: Vec<String>,
    pub services: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct UserEntityRow {
    pub area: String,
    pub name: String,
    /// What the customer must do in this area.
    pub text: String,
    /// "Shared (customer on 9 services, provider on 1 service)", or "Customer".
    pub split: String,
    /// The services on which the customer has a part in this area.
    pub services: Vec<String>,
    /// The same, as the documents print them (see [`collapse`]).
    pub services_text: String,
    /// The selected SOC 2 criteria that touch this area.
    pub criteria: Vec<String>,
}

/// The carve-out tables of a SOC 2 selection's controls.
fn carve_out(catalogue: &Catalogue, assessed: &[&Assessed], controls: &[ControlOut]) -> CarveOut {
    let all: Vec<String> = assessed.iter().map(|s| s.key.clone()).collect();
    let subservice = controls
        .iter()
        .filter_map(|c| {
            let text = c.provider_text.clone()?;
            let services = Part::services_of(&c.provider);
            Some(SubserviceRow {
                criterion: c.id.clone(),
                label: c.label.clone(),
                services_text: collapse(&services, &all),
                text,
                areas: c.provider.iter().map(|p| p.area.clone()).collect(),
                services,
            })
        })
        .collect();
    let user_entity = catalogue
        .areas
        .iter()
        .filter(|a| a.cloud)
        .filter_map(|a| {
            let owners: Vec<(String, Owner)> = assessed
                .iter()
                .map(|s| (s.key.clone(), s.owners[a.id.as_str()]))
                .collect();
            let services: Vec<String> = owners
                .iter()
                .filter(|(_, o)| matches!(o, Owner::Customer | Owner::Shared))
                .map(|(s, _)| s.clone())
                .collect();
            if services.is_empty() {
                return None;
            }
            let mut counts = BTreeMap::new();
            for (_, o) in &owners {
                *counts.entry(*o).or_insert(0) += 1;
            }
            let owner = Owner::roll_up(owners.iter().map(|(_, o)| *o));
            Some(UserEntityRow {
                area: a.id.clone(),
                name: a.name.clone(),
                services_text: collapse(&services, &all),
                text: a.customer.clone(),
                split: owner_summary(owner, &counts),
                services,
                criteria: controls
                    .iter()
                    .filter(|c| c.areas.contains(&a.id))
                    .map(|c| c.id.clone())
                    .collect(),
            })
        })
        .collect();
    CarveOut {
        subservice,
        user_entity,
    }
}

/// What the customer's controls register says of one control (`--register`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegisterEntry {
    pub owner: String,
    pub frequency: String,
    pub evidence: String,
    pub status: String,
}

impl RegisterEntry {
    /// The fields filled in, as every format shows them: "Owner: Security team", ….
    pub fn fields(&self) -> Vec<String> {
        [
            ("Owner", &self.owner),
            ("Frequency", &self.frequency),
            ("Evidence", &self.evidence),
            ("Status", &self.status),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(label, value)| format!("{label}: {value}"))
        .collect()
    }
}

#[derive(Debug, Serialize)]
pub struct ControlOut {
    pub id: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub group: Option<String>,
    pub areas: Vec<String>,
    /// Why the control touches these areas.
    pub why: String,
    pub owner: Owner,
    /// How many services give each owner.
    pub counts: BTreeMap<Owner, usize>,
    /// "Shared (customer on 9 services, provider on 1 service)".
    pub summary: String,
    /// Per service (`aws.eks` or `aws.eks/fargate`): its owner of this control.
    pub services: BTreeMap<String, Owner>,
    /// The same, short: "Customer: all 28 services", or the exceptions named.
    pub services_text: String,
    /// What the customer must do, area by area, with the services concerned.
    pub customer: Vec<Part>,
    /// What the provider performs, area by area.
    pub provider: Vec<Part>,
    /// The provider has a part: the customer monitors it through its attestations.
    pub monitor_provider: bool,
    /// Related controls in the other selected frameworks, by framework id.
    pub related: BTreeMap<String, Vec<String>>,
    /// What the customer does for this control: its statement with the inventory's
    /// services filled in, or (without one) the areas' texts; `None` when the customer
    /// has no part.
    pub customer_text: Option<String>,
    /// What the provider does for it, relied on through its attestations; `None` when
    /// the provider has no part.
    pub provider_text: Option<String>,
    /// The texts come from the control's own statements, not from its areas.
    pub statement: bool,
    /// Entirely the customer's, with no part in the cloud (board oversight, HR, risk
    /// assessment): documents list such controls compactly, not as full rows.
    pub organisational: bool,
    /// Automated checks that can evidence the customer's part, on the services in use
    /// (and of the account itself); empty when the customer has no part.
    pub evidence: Vec<framework::Hint>,
    /// What the customer's controls register says for this control (`--register`).
    pub register: Option<RegisterEntry>,
    /// ISO/IEC 27001: excluded from the Statement of Applicability, with the
    /// organisation's justification (`[iso27001] exclude`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Part {
    pub area: String,
    pub text: String,
    pub services: Vec<String>,
    /// Every assessed service that has the area is concerned.
    pub all: bool,
}

impl Part {
    /// The services of some parts (one side of a control), each once, sorted.
    pub fn services_of(parts: &[Part]) -> Vec<String> {
        let mut services: Vec<String> = parts
            .iter()
            .flat_map(|p| p.services.iter().cloned())
            .collect();
        services.sort();
        services.dedup();
        services
    }
}

/// "aws.s3", "aws.s3 and aws.rds", "aws.ec2, aws.s3 and aws.rds"; beyond six, the first
/// five and how many more; every service of the inventory is "every service in scope".
pub fn service_list(services: &[String], total: usize) -> String {
    match services {
        [] => "no service in scope".to_string(),
        [one] if total > 1 => one.clone(),
        _ if services.len() == total => "every service in scope".to_string(),
        _ if services.len() <= 6 => crate::text::and_list(services),
        _ => format!(
            "{} and {} more",
            services[..5].join(", "),
            services.len() - 5
        ),
    }
}

/// Every service of a list, the shorter way: "aws.s3 and aws.rds", "every service in
/// scope", or "every service in scope except aws.ecs and aws.eks". Never "and 32 more":
/// the documents print such lists in full, collapsed only where that loses nothing.
pub fn collapse(services: &[String], all: &[String]) -> String {
    if services.len() == all.len() && !all.is_empty() {
        return "every service in scope".to_string();
    }
    let others: Vec<&String> = all.iter().filter(|s| !services.contains(s)).collect();
    if services.len() > 6 && others.len() < services.len() {
        format!(
            "every service in scope except {}",
            crate::text::and_list(&others)
        )
    } else if services.is_empty() {
        "no service in scope".to_string()
    } else {
        crate::text::and_list(services)
    }
}

/// "Your part of: Data; Encryption at rest … (aws.s3 and aws.rds)." The areas by name,
/// each with the services concerned unless it is every service that has it.
pub fn parts_text(lead: &str, parts: &[Part], catalogue: &Catalogue, all: &[String]) -> String {
    let named: Vec<String> = parts
        .iter()
        .map(|p| {
            let name = catalogue
                .areas
                .iter()
                .find(|a| a.id == p.area)
                .map_or(p.area.as_str(), |a| a.name.as_str());
            if p.all {
                name.to_string()
            } else {
                format!("{name} ({})", collapse(&p.services, all))
            }
        })
        .collect();
    format!("{lead}: {}.", named.join("; "))
}

/// What the join reads of an assessed service: its id, its key in per-control maps
/// (`aws.eks` or `aws.eks/fargate`) and its owner of every duty area, by area id.
pub struct Assessed<'a> {
    pub id: &'a str,
    pub key: String,
    pub owners: BTreeMap<&'a str, Owner>,
}

/// "Shared (customer on 9 services, provider on 1 service)", or the owner's display.
pub fn owner_summary(owner: Owner, counts: &BTreeMap<Owner, usize>) -> String {
    if owner != Owner::Shared {
        return owner.display().to_string();
    }
    let parts: Vec<String> = [Owner::Customer, Owner::Shared, Owner::Provider]
        .iter()
        .filter_map(|o| counts.get(o).filter(|n| **n > 0).map(|n| (o, *n)))
        .map(|(o, n)| format!("{} on {n} service{}", o.id(), if n == 1 { "" } else { "s" }))
        .collect();
    format!("Shared ({})", parts.join(", "))
}

/// Services grouped by owner, the largest group named last as "the other N".
fn services_text(per_service: &BTreeMap<String, Owner>) -> String {
    let mut groups: BTreeMap<Owner, Vec<&str>> = BTreeMap::new();
    for (service, owner) in per_service {
        groups.entry(*owner).or_default().push(service);
    }
    let mut groups: Vec<(Owner, Vec<&str>)> = groups.into_iter().collect();
    groups.sort_by_key(|(o, list)| (list.len(), *o));
    match groups.as_slice() {
        [] => "no assessed service".to_string(),
        [(owner, list)] => match list.len() {
            1 => format!("{}: the only service", owner.display()),
            2 => format!("{}: both services", owner.display()),
            n => format!("{}: all {n} services", owner.display()),
        },
        [rest @ .., (owner, largest)] => {
            let mut parts: Vec<String> = rest
                .iter()
                .map(|(o, l)| format!("{}: {}", o.display(), l.join(", ")))
                .collect();
            parts.push(format!(
                "{}: the other {}",
                owner.display(),
                crate::text::plural(largest.len(), "service")
            ));
            parts.join("; ")
        }
    }
}

pub fn join(
    catalogue: &Catalogue,
    assessed: &[Assessed],
    selections: &[Selection],
) -> Vec<FrameworkOut> {
    let assessed: Vec<&Assessed> = assessed.iter().collect();
    let selected_ids: Vec<&str> = selections.iter().map(|s| s.framework.as_str()).collect();
    let in_use: HashSet<&str> = assessed.iter().map(|s| s.id).collect();
    let mut covered: HashMap<&str, HashSet<&str>> = HashMap::new();
    for o in selections {
        if let Some(f) = catalogue.framework(&o.framework) {
            covered
                .entry(f.id.as_str())
                .or_default()
                .extend(f.selected(o.baseline.as_deref()).map(|c| c.id.as_str()));
        }
    }
    // Each selection is joined on its own; two threads share them, in order.
    let covered = &covered;
    let in_use = &in_use;
    let assessed = &assessed;
    let selected_ids = &selected_ids;
    // Every assessed service's key: "every service in scope" in the parts' texts.
    let all_keys: Vec<String> = assessed.iter().map(|s| s.key.clone()).collect();
    let all_keys = &all_keys;
    // The provider whose own statements the controls take: the one every assessed
    // service belongs to (with several, or none, the neutral statements stand).
    let mut providers: Vec<&str> = assessed
        .iter()
        .map(|s| s.id.split_once('.').map_or(s.id, |(p, _)| p))
        .collect();
    providers.sort_unstable();
    providers.dedup();
    let provider_id = match providers.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    crate::parallel::map(2, selections, |sel| {
        let fw = catalogue
            .framework(&sel.framework)
            .expect("selections are checked");
        let others: Vec<&str> = selected_ids
            .iter()
            .copied()
            .filter(|f| *f != fw.id)
            .collect();
        let related = framework::related(&catalogue.crosswalks, &fw.id, &others);
        // A profile's controls are evidenced like its base framework's.
        let evidence_of = fw.based_on.as_deref().unwrap_or(&fw.id);
        let mut hints: HashMap<&str, Vec<&framework::Hint>> = HashMap::new();
        for h in catalogue
            .evidence
            .iter()
            .filter(|h| h.framework == evidence_of)
        {
            if h.service
                .as_ref()
                .is_none_or(|s| in_use.contains(s.as_str()))
            {
                hints.entry(h.control.as_str()).or_default().push(h);
            }
        }
        let controls: Vec<ControlOut> = fw
            .selected(sel.baseline.as_deref())
            .map(|c| {
                let area_ids: Vec<&str> = c
                    .areas
                    .iter()
                    .map(|&a| catalogue.areas[a].id.as_str())
                    .collect();
                // A control about some services rolls up over those alone.
                let scoped: Vec<&Assessed> = assessed
                    .iter()
                    .filter(|s| c.services.is_empty() || c.services.iter().any(|x| x == s.id))
                    .copied()
                    .collect();
                // The provider is in use: some service of the inventory is assessed.
                let provider_in_use = !assessed.is_empty();
                let assessed = &scoped;
                let forced = c.customer.is_some();
                let per_service: BTreeMap<String, Owner> = assessed
                    .iter()
                    .map(|s| {
                        let owner = Owner::roll_up(area_ids.iter().map(|a| s.owners[*a]));
                        // A setting only the customer makes is the customer's on every
                        // service that has the layer.
                        let owner = match owner {
                            Owner::NotApplicable | Owner::Unassessed => owner,
                            _ if forced => Owner::Customer,
                            owner => owner,
                        };
                        (s.key.clone(), owner)
                    })
                    .collect();
                // Turning a service on is the customer's even where no row names it.
                let enable_unlisted = c.customer == Some(framework::RawCustomer::Enable)
                    && per_service.is_empty()
                    && provider_in_use;
                let owner = if enable_unlisted {
                    Owner::Customer
                } else {
                    Owner::roll_up(per_service.values().copied())
                };
                let mut counts = BTreeMap::new();
                for o in per_service.values() {
                    *counts.entry(*o).or_insert(0) += 1;
                }
                let part =
                    |wanted: &dyn Fn(Owner) -> bool, text: &dyn Fn(usize) -> String| -> Vec<Part> {
                        c.areas
                            .iter()
                            .filter_map(|&a| {
                                let id = &catalogue.areas[a].id;
                                let who: Vec<String> = assessed
                                    .iter()
                                    .filter(|s| wanted(s.owners[id.as_str()]))
                                    .map(|s| s.key.clone())
                                    .collect();
                                // Every service that has the area: one without it (n/a)
                                // is no exception.
                                let have = assessed
                                    .iter()
                                    .filter(|s| s.owners[id.as_str()] != Owner::NotApplicable)
                                    .count();
                                (!who.is_empty()).then(|| Part {
                                    area: id.clone(),
                                    text: text(a),
                                    all: who.len() == have,
                                    services: who,
                                })
                            })
                            .collect()
                    };
                let is_customer = |o: Owner| matches!(o, Owner::Customer | Owner::Shared);
                let is_provider = |o: Owner| matches!(o, Owner::Provider | Owner::Shared);
                let customer = part(&is_customer, &|a| catalogue.areas[a].customer.clone());
                let provider = if forced {
                    Vec::new()
                } else {
                    part(&is_provider, &|a| catalogue.areas[a].provider.clone())
                };
                // A statement's placeholder: the services on which `wanted` has a
                // part in the control's areas, or in the one area named.
                let fill = |statement: &framework::Statement, wanted: &dyn Fn(Owner) -> bool| {
                    statement.fill(&|area| {
                        let list: Vec<String> = assessed
                            .iter()
                            .filter(|s| {
                                c.areas
                                    .iter()
                                    .filter(|&&a| area.is_none_or(|x| x == a))
                                    .any(|&a| wanted(s.owners[catalogue.areas[a].id.as_str()]))
                            })
                            .map(|s| s.key.clone())
                            .collect();
                        service_list(&list, assessed.len())
                    })
                };
                // Without a statement of its own, a control names the areas that are
                // each side's part, never an area's generic sentence.
                let customer_text = (!customer.is_empty()).then(|| match c.customer_statement(provider_id) {
                    Some(st) => fill(st, &is_customer),
                    None => parts_text("Your part of", &customer, catalogue, all_keys),
                });
                let provider_text = (!provider.is_empty()).then(|| match c.provider_statement(provider_id) {
                    Some(st) => fill(st, &is_provider),
                    None => parts_text("Its part of", &provider, catalogue, all_keys),
                });
                let organisational =
                    owner == Owner::Customer && c.areas.iter().all(|&a| !catalogue.areas[a].cloud);
                // A control of the organisation alone (board, policies, suppliers) is
                // evidenced by its records, never by a cloud setting.
                let cloudless = c.areas.iter().all(|&a| !catalogue.areas[a].cloud);
                let mut evidence: Vec<framework::Hint> = if customer.is_empty() || cloudless {
                    Vec::new()
                } else {
                    hints
                        .get(c.id.as_str())
                        .map(|l| l.iter().map(|h| (*h).clone()).collect())
                        .unwrap_or_default()
                };
                // One hint per check, the control's own mapping before one borrowed
                // through another framework; then the control's own first.
                evidence.sort_by(|a, b| {
                    (&a.id, &a.source, a.via.is_some()).cmp(&(&b.id, &b.source, b.via.is_some()))
                });
                evidence.dedup_by(|a, b| a.id == b.id && a.source == b.source);
                // Within each group, the checks about more of the control's areas (by
                // their check words) first.
                let closeness = |h: &framework::Hint| -> std::cmp::Reverse<usize> {
                    std::cmp::Reverse(
                        c.areas
                            .iter()
                            .filter(|&&a| {
                                catalogue.areas[a]
                                    .check_words
                                    .iter()
                                    .any(|w| h.id.contains(w.as_str()))
                            })
                            .count(),
                    )
                };
                evidence.sort_by_cached_key(|h| {
                    (
                        h.via.is_some(),
                        closeness(h),
                        h.service.clone(),
                        h.id.clone(),
                        h.source.clone(),
                    )
                });
                ControlOut {
                    evidence,
                    register: None,
                    excluded: None,
                    id: c.id.clone(),
                    label: c.label.clone(),
                    text: c.text.clone(),
                    group: c.group.clone(),
                    areas: area_ids.iter().map(|a| a.to_string()).collect(),
                    why: c.why.clone(),
                    owner,
                    summary: if enable_unlisted {
                        format!(
                            "Customer (assumed: the inventory lists no {}, which is often free and unbilled; is it turned on?)",
                            c.services.join(" or ")
                        )
                    } else {
                        owner_summary(owner, &counts)
                    },
                    services_text: services_text(&per_service),
                    counts,
                    services: per_service,
                    monitor_provider: !provider.is_empty(),
                    customer_text,
                    provider_text,
                    statement: c.customer_statement(provider_id).is_some(),
                    organisational,
                    customer,
                    provider,
                    related: related
                        .get(&c.id)
                        .map(|m| {
                            // Only what the other selections cover (their baselines).
                            m.iter()
                                .map(|(f, ids)| {
                                    let wanted = covered.get(f.as_str());
                                    let ids: Vec<String> = ids
                                        .iter()
                                        .filter(|id| {
                                            wanted.is_some_and(|w| w.contains(id.as_str()))
                                        })
                                        .cloned()
                                        .collect();
                                    (f.clone(), ids)
                                })
                                .filter(|(_, ids)| !ids.is_empty())
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect();
        let mut counts = BTreeMap::new();
        for c in &controls {
            *counts.entry(c.owner).or_insert(0) += 1;
        }
        // A single baseline's published profile; a union of several has none.
        let baseline = sel
            .baseline
            .as_ref()
            .and_then(|b| fw.baselines.iter().find(|x| &x.id == b));
        let carve_out = (fw.id == "soc2").then(|| carve_out(catalogue, assessed, &controls));
        FrameworkOut {
            carve_out,
            soc2: None,
            statement_of_applicability: None,
            id: fw.id.clone(),
            selection: sel.key(),
            name: fw.name.clone(),
            version: fw.version.clone(),
            baseline: sel.baseline.clone(),
            baseline_name: sel.baseline.as_deref().map(|b| fw.baseline_names(b)),
            baseline_title: sel.baseline.as_deref().map(|b| fw.baseline_title(b)),
            based_on: fw.based_on.clone(),
            publisher: fw.publisher.clone(),
            source: fw.source.clone(),
            oscal: baseline
                .and_then(|b| b.oscal.clone())
                .or_else(|| fw.oscal.clone()),
            licence: fw.licence.clone(),
            text: fw.text,
            titles_from: fw.titles_from.clone(),
            provider_term: fw.provider_term.clone(),
            counts,
            controls,
        }
    })
}
