//! The report as the document templates see it.

use super::*;
use std::collections::HashMap;

impl Report {
    /// The report as the document templates see it: every field, with the inventory
    /// capped to the rows the documents list and each service's lines to those the
    /// documents show, plus the words every format shares ([`Report::facts`],
    /// [`MONITOR_NOTE`]).
    pub fn document_view(&self) -> DocumentView<'_> {
        let groups = self.groups();
        DocumentView {
            schema: self.schema,
            meta: &self.meta,
            facts: self.facts(),
            provider_note: &self.provider_note,
            monitor_note: MONITOR_NOTE,
            areas: &self.areas,
            tiers: &self.tiers,
            tier_defaults: self.tier_defaults(&groups),
            groups,
            services: self
                .services
                .iter()
                .filter(|s| s.assessed)
                .chain(
                    self.services
                        .iter()
                        .filter(|s| !s.assessed)
                        .take(UNASSESSED_SHOWN),
                )
                .map(ServiceOut::view)
                .collect(),
            unassessed_omitted: self
                .services
                .iter()
                .filter(|s| !s.assessed)
                .count()
                .saturating_sub(UNASSESSED_SHOWN),
            summary: &self.summary,
            brief: self.brief(),
            frameworks: self
                .frameworks
                .iter()
                .map(|f| FrameworkView::new(f, &self.frameworks))
                .collect(),
            overrides: &self.overrides,
            assumptions: &self.assumptions,
            questions: &self.questions,
            diagnostics: self
                .diagnostics
                .iter()
                .map(|d| Diagnostic {
                    file: crate::text::file_name(&d.file).to_string(),
                    ..d.clone()
                })
                .collect(),
            inventory: self.inventory.head().collect(),
            inventory_omitted: self.inventory.omitted(),
        }
    }
}

impl ServiceOut {
    /// The key of the service in per-control maps: `aws.eks`, or `aws.eks/fargate`.
    pub fn key(&self) -> String {
        let id = self.id.as_deref().unwrap_or("?");
        match &self.variant {
            Some(v) => format!("{id}/{v}"),
            None => id.to_string(),
        }
    }

    /// The service as the document templates see it.
    pub fn view(&self) -> ServiceView<'_> {
        ServiceView {
            id: self.id.as_deref(),
            provider: self.provider.as_deref(),
            provider_name: self.provider_name.as_deref(),
            name: &self.name,
            tier: self.tier.as_deref(),
            tier_basis: self.tier_basis,
            variant: self.variant.as_deref(),
            variant_name: self.variant_name.as_deref(),
            variant_basis: self.variant_basis.as_deref(),
            variant_source: self.variant_source.as_deref(),
            assessed: self.assessed,
            written: &self.written,
            first_lines: &self.rows[..self.rows.len().min(crate::text::LINES_SHOWN)],
            row_count: self.row_count as usize,
            accounts: &self.accounts,
            environments: &self.environments,
            regions: &self.regions,
            service_owners: &self.service_owners,
            data_classifications: &self.data_classifications,
            duties: &self.duties,
            lifecycle: self.lifecycle.as_ref(),
            implied: self.implied,
            tier_defaults: self
                .duties
                .values()
                .filter(|d| d.basis == Basis::TierDefault)
                .count(),
        }
    }
}

/// A [`ServiceOut`] for the templates: instead of `rows`, every line of the service's
/// rows, `first_lines` holds the first 20 (what the documents show, then how many more)
/// and `row_count` counts them all. A template written for `rows` fails loudly rather
/// than showing 20 lines as if they were all.
#[derive(Serialize)]
pub struct ServiceView<'a> {
    pub provider: Option<&'a str>,
    pub provider_name: Option<&'a str>,
    pub id: Option<&'a str>,
    pub name: &'a str,
    pub tier: Option<&'a str>,
    pub tier_basis: Option<Basis>,
    pub variant: Option<&'a str>,
    pub variant_name: Option<&'a str>,
    pub variant_basis: Option<&'a str>,
    pub variant_source: Option<&'a str>,
    pub assessed: bool,
    pub written: &'a str,
    pub first_lines: &'a [u64],
    pub row_count: usize,
    pub accounts: &'a [String],
    pub environments: &'a [String],
    pub regions: &'a [String],
    pub service_owners: &'a [String],
    pub data_classifications: &'a [String],
    pub duties: &'a BTreeMap<String, DutyOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<&'a crate::catalogue::LifecycleOut>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub implied: bool,
    /// How many of its cells follow the tier's default (listed once, in the tier
    /// defaults), rather than a statement of their own.
    pub tier_defaults: usize,
}

/// The [`Report`] for the templates: see [`Report::document_view`].
#[derive(Serialize)]
pub struct DocumentView<'a> {
    schema: &'a str,
    meta: &'a Meta,
    /// The title block: see [`Report::facts`].
    facts: Vec<Fact>,
    provider_note: &'a str,
    /// See [`MONITOR_NOTE`].
    monitor_note: &'static str,
    areas: &'a [AreaOut],
    tiers: &'a [TierOut],
    /// The sections the services are laid out in: see [`Group`].
    groups: Vec<Group<'a>>,
    services: Vec<ServiceView<'a>>,
    summary: &'a BTreeMap<String, SummaryOut>,
    /// The executive summary every document opens with.
    brief: Brief<'a>,
    /// Per tier in use, the cells that follow its defaults: listed once, not per service.
    tier_defaults: Vec<TierDefaults<'a>>,
    frameworks: Vec<FrameworkView<'a>>,
    overrides: &'a [OverrideRecord],
    assumptions: &'a [Assumption],
    questions: &'a [Question],
    /// The diagnostics, each naming its file without the folder.
    diagnostics: Vec<Diagnostic>,
    inventory: Vec<RowOut<'a>>,
    /// Rows beyond the listed ones: only the JSON lists them.
    inventory_omitted: usize,
    /// Unassessed services beyond the first [`UNASSESSED_SHOWN`] (in `services`): only
    /// the JSON lists them.
    unassessed_omitted: usize,
}

/// The executive summary every document opens with: the split of duties, what needs
/// the reader's confirmation ([`Report::questions`]), what is unassessed, and the
/// controls by owner. Worded here once; the templates lay it out.
#[derive(Serialize)]
pub struct Brief<'a> {
    /// "Of the 840 duties of the 42 assessed services, 390 are yours, …".
    duties: String,
    /// The areas the customer carries on every assessed service, by name.
    yours: Vec<String>,
    /// The areas the provider carries on every assessed service.
    inherited: Vec<String>,
    /// The other areas: "Guest operating system: yours on 12 services, shared on 2, …".
    split: Vec<String>,
    /// "3 services the catalogue does not know (12 rows): …"; empty when none.
    unassessed: String,
    /// "Amazon Chime: Retired by the provider on 2026-02-20.", one a service.
    lifecycle: Vec<String>,
    /// With services of several providers, each provider's split: "Microsoft Azure, 12
    /// services: 130 duties yours, 40 shared, 70 performed by the provider".
    providers: Vec<String>,
    /// Where the services run, as their provider says it ("AWS Regions"), for the
    /// questions' preamble.
    regions: &'a str,
    controls: Vec<ControlCounts>,
}

/// One framework's controls by owner, for the executive summary.
#[derive(Serialize)]
pub struct ControlCounts {
    name: String,
    total: usize,
    /// Entirely the customer's, with no cloud part.
    organisational: usize,
    customer: usize,
    shared: usize,
    provider: usize,
}

/// How many services carry each owner: "yours on 12 services, shared on 2, performed by
/// the provider on 28".
fn owner_counts(s: &SummaryOut) -> String {
    let parts: Vec<String> = [
        ("yours", s.customer),
        ("shared", s.shared),
        ("performed by the provider", s.provider),
        ("not applicable", s.not_applicable),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .enumerate()
    .map(|(i, (word, n))| {
        if i == 0 {
            format!("{word} on {}", crate::text::plural(n, "service"))
        } else {
            format!("{word} on {n}")
        }
    })
    .collect();
    parts.join(", ")
}

impl Report {
    fn brief(&self) -> Brief<'_> {
        let assessed: Vec<&ServiceOut> = self.services.iter().filter(|s| s.assessed).collect();
        let mut cells = [0usize; 4];
        for s in &assessed {
            for d in s.duties.values() {
                match d.owner {
                    Owner::Customer => cells[0] += 1,
                    Owner::Shared => cells[1] += 1,
                    Owner::Provider => cells[2] += 1,
                    _ => cells[3] += 1,
                }
            }
        }
        let total: usize = cells.iter().sum();
        let duties = if assessed.is_empty() {
            String::new()
        } else {
            let mut text = format!(
                "Of the {total} duties of the {} assessed service{} ({} areas each), {} yours, {} shared with the provider and {} performed by it",
                assessed.len(),
                if assessed.len() == 1 { "" } else { "s" },
                self.areas.len(),
                if cells[0] == 1 { "1 is".to_string() } else { format!("{} are", cells[0]) },
                cells[1],
                cells[2],
            );
            if cells[3] > 0 {
                text.push_str(&format!("; {} do not apply", cells[3]));
            }
            text.push('.');
            text
        };
        // An area that some services do not have counts the services that have it:
        // "Container hosts / worker nodes (the 4 services that have it)".
        let names = |owner: Owner| -> Vec<String> {
            self.areas
                .iter()
                .filter_map(|a| {
                    let s = self.summary.get(&a.id).filter(|s| s.owner == owner)?;
                    Some(match s.not_applicable {
                        0 => a.name.clone(),
                        _ => {
                            let have = s.customer + s.shared + s.provider;
                            let services = crate::text::plural(have, "service");
                            match have {
                                1 => format!("{} (the 1 service that has it)", a.name),
                                _ => format!("{} (the {services} that have it)", a.name),
                            }
                        }
                    })
                })
                .collect()
        };
        let split = self
            .areas
            .iter()
            .filter_map(|a| {
                let s = self.summary.get(&a.id)?;
                (s.owner == Owner::Shared).then(|| format!("{}: {}", a.name, owner_counts(s)))
            })
            .collect();
        let unknown: Vec<&str> = self
            .services
            .iter()
            .filter(|s| !s.assessed)
            .map(|s| s.written.as_str())
            .collect();
        let unassessed = match unknown.len() {
            0 => String::new(),
            n => {
                let shown: Vec<&str> = unknown.iter().take(10).copied().collect();
                let more = if n > shown.len() {
                    format!(" and {} more", n - shown.len())
                } else {
                    String::new()
                };
                format!(
                    "{} the catalogue does not know ({}): {}{more}. Nobody has decided who carries their duties; they are left out of every count above.",
                    crate::text::plural(n, "service"),
                    crate::text::plural(self.meta.unassessed_rows, "row"),
                    shown.join(", "),
                )
            }
        };
        let controls = self
            .frameworks
            .iter()
            .map(|f| {
                let count = |owner: Owner| {
                    f.controls
                        .iter()
                        .filter(|c| c.owner == owner && !c.organisational)
                        .count()
                };
                ControlCounts {
                    name: f.name.clone(),
                    total: f.controls.len(),
                    organisational: f.controls.iter().filter(|c| c.organisational).count(),
                    customer: count(Owner::Customer),
                    shared: count(Owner::Shared),
                    provider: count(Owner::Provider),
                }
            })
            .collect();
        let lifecycle = self
            .services
            .iter()
            .filter_map(|s| Some(format!("{}: {}", s.name, s.lifecycle.as_ref()?.text)))
            .collect();
        Brief {
            duties,
            yours: names(Owner::Customer),
            inherited: names(Owner::Provider),
            split,
            unassessed,
            lifecycle,
            providers: self.provider_splits(),
            regions: &self.regions,
            controls,
        }
    }

    /// Each provider's split of duties, where the services are of several providers.
    fn provider_splits(&self) -> Vec<String> {
        let mut names: Vec<&str> = Vec::new();
        for s in self.services.iter().filter(|s| s.assessed) {
            if let Some(name) = s.provider_name.as_deref() {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        if names.len() < 2 {
            return Vec::new();
        }
        names
            .into_iter()
            .map(|name| {
                let of: Vec<&ServiceOut> = self
                    .services
                    .iter()
                    .filter(|s| s.assessed && s.provider_name.as_deref() == Some(name))
                    .collect();
                let count = |o: Owner| {
                    of.iter()
                        .flat_map(|s| s.duties.values())
                        .filter(|d| d.owner == o)
                        .count()
                };
                format!(
                    "{name}, {}: {} yours, {} shared and {} performed by the provider",
                    crate::text::plural(of.len(), "service"),
                    match count(Owner::Customer) {
                        1 => "1 duty".to_string(),
                        n => format!("{n} duties"),
                    },
                    count(Owner::Shared),
                    count(Owner::Provider),
                )
            })
            .collect()
    }

    /// The sections the services are laid out in, in order: one per tier in use; with
    /// services of several providers, one per provider and tier, provider first.
    fn groups(&self) -> Vec<Group<'_>> {
        let mut providers: Vec<(&str, &str)> = Vec::new();
        for s in &self.services {
            if let (Some(id), Some(name)) = (s.provider.as_deref(), s.provider_name.as_deref()) {
                if !providers.iter().any(|(p, _)| *p == id) {
                    providers.push((id, name));
                }
            }
        }
        let several = providers.len() > 1;
        providers
            .iter()
            .flat_map(|&(provider, provider_name)| {
                self.tiers
                    .iter()
                    .filter(move |t| {
                        self.services.iter().any(|s| {
                            s.provider.as_deref() == Some(provider)
                                && s.tier.as_deref() == Some(t.id.as_str())
                        })
                    })
                    .map(move |t| Group {
                        provider,
                        tier: &t.id,
                        name: if several {
                            format!("{provider_name}: {}", t.name)
                        } else {
                            t.name.clone()
                        },
                        tier_name: &t.name,
                        provider_name: several.then_some(provider_name),
                        meaning: &t.meaning,
                    })
            })
            .collect()
    }

    /// Per section ([`Report::groups`]), its tier's default cells as its services show
    /// them (a provider may word an area in its own products).
    fn tier_defaults<'a>(&'a self, groups: &[Group<'a>]) -> Vec<TierDefaults<'a>> {
        groups
            .iter()
            .filter_map(|g| {
                let rows: Vec<DefaultRow> = self
                    .areas
                    .iter()
                    .filter_map(|a| {
                        let d = self
                            .services
                            .iter()
                            .filter(|s| {
                                s.tier.as_deref() == Some(g.tier)
                                    && s.provider.as_deref() == Some(g.provider)
                            })
                            .filter_map(|s| s.duties.get(&a.id))
                            .find(|d| d.basis == Basis::TierDefault)?;
                        Some(DefaultRow {
                            area: &a.name,
                            owner: d.owner,
                            reason: &d.reason,
                        })
                    })
                    .collect();
                (!rows.is_empty()).then_some(TierDefaults {
                    id: g.tier,
                    name: g.tier_name,
                    provider: g.provider_name,
                    rows,
                })
            })
            .collect()
    }
}

/// A section of the services: a tier's, or with several providers, a provider's tier.
#[derive(Serialize)]
pub struct Group<'a> {
    provider: &'a str,
    tier: &'a str,
    /// "Infrastructure (IaaS)", or with several providers "Microsoft Azure:
    /// Infrastructure (IaaS)".
    name: String,
    tier_name: &'a str,
    /// The provider's name, with several providers only.
    provider_name: Option<&'a str>,
    meaning: &'a str,
}

/// A tier's default cells, as the documents list them once.
#[derive(Serialize)]
pub struct TierDefaults<'a> {
    id: &'a str,
    name: &'a str,
    /// The provider's name, with several providers only.
    provider: Option<&'a str>,
    rows: Vec<DefaultRow<'a>>,
}

#[derive(Serialize)]
pub struct DefaultRow<'a> {
    area: &'a str,
    owner: Owner,
    reason: &'a str,
}

/// A framework as the documents lay it out: its controls in rows, where controls with
/// no statement of their own that say the same (owner, texts, services) share one row.
#[derive(Serialize)]
pub struct FrameworkView<'a> {
    #[serde(flatten)]
    framework: &'a crate::join::FrameworkOut,
    rows: Vec<ControlRow<'a>>,
    /// The controls that are entirely the customer's, with no cloud part, in rows.
    organisational: Vec<ControlRow<'a>>,
    /// Set when the rows are those of another selected framework: no rows then.
    covered_by: Option<CoveredBy<'a>>,
}

/// One row of a framework's table: one control, or several that say the same.
#[derive(Serialize)]
pub struct ControlRow<'a> {
    controls: Vec<ControlRef<'a>>,
    owner: Owner,
    summary: &'a str,
    /// The controls' statement, or without one, the duty areas they touch: "Your part
    /// of: Data; Encryption (aws.s3, aws.rds)", each area's text being listed once, in
    /// the summary.
    customer_text: Option<String>,
    provider_text: Option<String>,
    services_text: &'a str,
    /// "3 checks: a (S3.1), b, c" — every check of the row's controls, once.
    evidence: String,
    register: Option<&'a crate::join::RegisterEntry>,
    /// The register's fields filled in for the row, as shown: "Owner: …", "Status: …".
    register_fields: Vec<String>,
}

#[derive(Serialize)]
pub struct ControlRef<'a> {
    id: &'a str,
    label: &'a str,
    text: Option<&'a str>,
    /// "iso27001: A.5.15, A.8.2; soc2: CC6.1", empty when none.
    related: String,
}

/// How many checks the documents name before "and N more".
const CHECKS_SHOWN: usize = 3;

/// "3 checks: a (S3.1), b, c", each check once, the checks mapped to the control itself
/// first; those that come through another framework's areas are counted; "" when none.
fn evidence_text<'h>(hints: impl Iterator<Item = &'h crate::catalogue::framework::Hint>) -> String {
    let mut seen = std::collections::BTreeSet::new();
    let mut hints: Vec<_> = hints.filter(|h| seen.insert(h.id.as_str())).collect();
    // The checks mapped to the control first; then those that come through another
    // framework, a service at a time (one IAM check, one KMS check, ... then the second
    // of each), the service with the most checks first, so that the first few named
    // cover the services that matter most to the control.
    let mut per_service: HashMap<Option<&str>, usize> = HashMap::new();
    for h in hints.iter().filter(|h| h.via.is_some()) {
        *per_service.entry(h.service.as_deref()).or_default() += 1;
    }
    let mut turn: HashMap<Option<&str>, usize> = HashMap::new();
    let mut order: Vec<(bool, usize, std::cmp::Reverse<usize>, usize)> = hints
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let service = h.service.as_deref();
            let n = turn.entry(service).or_default();
            *n += 1;
            match h.via {
                Some(_) => (true, *n, std::cmp::Reverse(per_service[&service]), i),
                None => (false, 0, std::cmp::Reverse(0), i),
            }
        })
        .collect();
    order.sort_unstable();
    hints = order.into_iter().map(|(.., i)| hints[i]).collect();
    let indirect = hints.iter().filter(|h| h.via.is_some()).count();
    let ids: Vec<String> = hints
        .iter()
        .map(|h| match &h.securityhub {
            Some(sh) => format!("{} ({sh})", h.id),
            None => h.id.clone(),
        })
        .collect();
    if ids.is_empty() {
        return String::new();
    }
    let shown = &ids[..ids.len().min(CHECKS_SHOWN)];
    let more = if ids.len() > shown.len() {
        format!(" and {} more", ids.len() - shown.len())
    } else {
        String::new()
    };
    let through = if indirect > 0 {
        format!(" ({indirect} via NIST SP 800-53)")
    } else {
        String::new()
    };
    format!(
        "{}{through}: {}{more}",
        crate::text::plural(ids.len(), "check"),
        shown.join(", ")
    )
}

impl<'a> FrameworkView<'a> {
    fn new(f: &'a crate::join::FrameworkOut, selected: &'a [crate::join::FrameworkOut]) -> Self {
        // A profile of another selected framework (FedRAMP over NIST SP 800-53) whose
        // every control that one lists, with the same owner and texts: printed once.
        let covered_by = f
            .based_on
            .as_deref()
            .and_then(|base| selected.iter().find(|o| o.id == base))
            .filter(|base| {
                let ids: std::collections::HashSet<&str> =
                    base.controls.iter().map(|c| c.id.as_str()).collect();
                f.controls
                    .iter()
                    .all(|c| c.register.is_none() && ids.contains(c.id.as_str()))
            });
        let size = |id: &str| {
            selected
                .iter()
                .find(|o| o.id == id)
                .map(|o| o.controls.len())
        };
        // Related controls are named on the smaller framework's side only: the relation
        // goes both ways, and the larger framework's rows would carry most of it.
        let related_shown =
            |fw: &str| size(fw).is_some_and(|n| (n, fw) > (f.controls.len(), f.id.as_str()));
        let rows = |organisational: bool| {
            if covered_by.is_some() {
                return Vec::new();
            }
            control_rows(
                f.controls
                    .iter()
                    .filter(|c| c.organisational == organisational),
                &related_shown,
            )
        };
        FrameworkView {
            framework: f,
            rows: rows(false),
            organisational: rows(true),
            covered_by: covered_by.map(|base| CoveredBy {
                name: &base.name,
                ids: f
                    .controls
                    .iter()
                    .map(|c| c.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }
}

/// A framework printed as the list of another's controls it selects.
#[derive(Serialize)]
pub struct CoveredBy<'a> {
    /// The other framework's name.
    name: &'a str,
    /// The selected control ids, in order.
    ids: String,
}

/// Controls in rows: one per control with a statement of its own or a register entry;
/// the others that say the same (owner, texts, services) share one, in the order of
/// their first control.
fn control_rows<'a>(
    controls: impl Iterator<Item = &'a crate::join::ControlOut>,
    related_shown: &dyn Fn(&str) -> bool,
) -> Vec<ControlRow<'a>> {
    type Key<'k> = (&'k str, Option<&'k str>, Option<&'k str>, &'k str);
    let mut groups: Vec<Vec<&crate::join::ControlOut>> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    for c in controls {
        let key = (
            c.summary.as_str(),
            c.customer_text.as_deref(),
            c.provider_text.as_deref(),
            c.services_text.as_str(),
        );
        if c.statement || c.register.is_some() {
            groups.push(vec![c]);
        } else if let Some(&i) = index.get(&key) {
            groups[i].push(c);
        } else {
            index.insert(key, groups.len());
            groups.push(vec![c]);
        }
    }
    groups
        .into_iter()
        .map(|controls| {
            let first = controls[0];
            ControlRow {
                owner: first.owner,
                summary: &first.summary,
                customer_text: first.customer_text.clone(),
                provider_text: first.provider_text.clone(),
                services_text: &first.services_text,
                evidence: evidence_text(controls.iter().flat_map(|c| &c.evidence)),
                register: first.register.as_ref(),
                register_fields: first
                    .register
                    .as_ref()
                    .map(crate::join::RegisterEntry::fields)
                    .unwrap_or_default(),
                controls: controls
                    .iter()
                    .map(|c| ControlRef {
                        id: &c.id,
                        label: &c.label,
                        text: c.text.as_deref(),
                        related: c
                            .related
                            .iter()
                            .filter(|(fw, _)| related_shown(fw))
                            .map(|(fw, ids)| format!("{fw}: {}", ids.join(", ")))
                            .collect::<Vec<_>>()
                            .join("; "),
                    })
                    .collect(),
            }
        })
        .collect()
}
