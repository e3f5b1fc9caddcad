//! Building the report from the catalogue, the inventory and its classification.

use super::*;

/// How many unassessed services the documents list; the JSON lists them all.
pub const UNASSESSED_SHOWN: usize = 200;

/// The partitions of the ARNs that name the rows' services, sorted: each distinct
/// service text is looked at once.
fn partitions(inventory: &Inventory) -> Vec<String> {
    let mut seen = vec![false; inventory.strings.len()];
    let mut found = std::collections::BTreeSet::new();
    for row in 0..inventory.len() {
        let id = inventory.service_id(row) as usize;
        if !std::mem::replace(&mut seen[id], true) {
            if let Some(arn) = crate::catalogue::Arn::parse(inventory.strings.get(id as u32).trim())
            {
                found.insert(arn.partition.to_string());
            }
        }
    }
    found.into_iter().collect()
}

/// The distinct non-empty texts of some columns over some rows, each sorted: a mark
/// per text and column rather than a set per call (a million rows name a few dozen
/// texts), and one pass over the rows for all the columns.
struct Distinct<'a> {
    inventory: &'a Inventory,
    /// Per text id and column, the call that last saw it.
    seen: Vec<u32>,
    call: u32,
}

impl<'a> Distinct<'a> {
    fn new(inventory: &'a Inventory) -> Self {
        Distinct {
            inventory,
            seen: Vec::new(),
            call: 0,
        }
    }

    fn texts<const N: usize>(
        &mut self,
        rows: impl Iterator<Item = usize>,
        columns: [Option<usize>; N],
    ) -> [Vec<String>; N] {
        let strings = &self.inventory.strings;
        self.seen.resize(strings.len() * N, 0);
        self.call += 1;
        let mut ids: [Vec<u32>; N] = std::array::from_fn(|_| Vec::new());
        for row in rows {
            for (k, &column) in columns.iter().enumerate() {
                let id = self.inventory.id(row, column);
                let seen = &mut self.seen[id as usize * N + k];
                if id != 0 && *seen != self.call {
                    *seen = self.call;
                    ids[k].push(id);
                }
            }
        }
        ids.map(|ids| {
            let mut texts: Vec<String> =
                ids.iter().map(|&id| strings.get(id).to_string()).collect();
            texts.sort_unstable();
            texts
        })
    }
}

/// The controls register to put on the report's controls, and whether to warn for each
/// control with a customer part that it leaves without an owner or evidence.
pub struct RegisterUse<'a> {
    pub register: &'a crate::register::Register,
    pub gaps: bool,
}

pub fn build(
    catalogue: &Catalogue,
    inventory: &Inventory,
    classification: &Classification,
    options: &ReportOptions,
) -> Report {
    build_with(catalogue, inventory, classification, options, None)
}

/// [`build`], with a controls register put on the controls before anything is counted.
pub fn build_with(
    catalogue: &Catalogue,
    inventory: &Inventory,
    classification: &Classification,
    options: &ReportOptions,
    register: Option<RegisterUse>,
) -> Report {
    let cols = &inventory.columns;
    let mut distinct = Distinct::new(inventory);
    // The order of a known service: its provider's place, its tier's, its id.
    type Order = Option<(Option<usize>, usize, String)>;
    let mut services: Vec<(Order, ServiceOut)> = classification
        .entries
        .iter()
        .map(|entry| {
            let [accounts, environments, regions, service_owners, data_classifications] = distinct
                .texts(
                    entry.rows.iter().copied(),
                    [
                        cols.account,
                        cols.environment,
                        cols.region,
                        cols.owner,
                        cols.data_classification,
                    ],
                );
            let service = entry.service.map(|i| &catalogue.services[i]);
            let variant = service.zip(entry.variant).map(|(s, v)| &s.variants[v]);
            let out = ServiceOut {
                id: service.map(|s| s.id.clone()),
                provider: service.map(|s| s.provider.clone()),
                provider_name: service
                    .and_then(|s| catalogue.provider(&s.provider))
                    .map(|p| p.name.clone()),
                name: service.map_or_else(|| entry.written.clone(), |s| s.name.clone()),
                tier: service.map(|s| catalogue.tiers[s.tier].id.clone()),
                tier_basis: service.map(|s| s.tier_basis),
                variant: variant.map(|v| v.id.clone()),
                variant_name: variant.map(|v| match &entry.variant_source {
                    Some(source) => format!("{} (inferred from {source})", v.name),
                    None => v.name.clone(),
                }),
                variant_basis: variant.map(|_| {
                    if entry.variant_source.is_some() {
                        "inferred"
                    } else {
                        "named"
                    }
                    .to_string()
                }),
                variant_source: entry.variant_source.clone(),
                assessed: service.is_some(),
                written: entry.written.clone(),
                rows: entry.rows.iter().map(|&r| inventory.lines[r]).collect(),
                row_count: entry.row_count,
                accounts,
                environments,
                regions,
                service_owners,
                data_classifications,
                duties: catalogue
                    .areas
                    .iter()
                    .zip(&entry.duties)
                    .map(|(a, d)| (a.id.clone(), DutyOut::from(d)))
                    .collect(),
                lifecycle: service.and_then(|s| catalogue.lifecycle_of(s)),
                implied: service.is_some() && entry.rows.is_empty(),
            };
            let order = service.map(|s| {
                let provider = catalogue.providers.iter().position(|p| p.id == s.provider);
                (provider, s.tier, s.id.clone())
            });
            (order, out)
        })
        .collect();
    // Provider (in the catalogue's order), tier order, then id and variant; unassessed
    // last, by name.
    services.sort_by(|(a, sa), (b, sb)| match (a, b) {
        (Some(x), Some(y)) => x.cmp(y).then(sa.variant.cmp(&sb.variant)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => sa.name.cmp(&sb.name),
    });
    let services: Vec<ServiceOut> = services.into_iter().map(|(_, s)| s).collect();
    let providers: std::collections::BTreeSet<&str> = services
        .iter()
        .filter_map(|s| s.provider.as_deref())
        .collect();
    let sole_provider = (providers.len() == 1).then(|| providers.first().unwrap().to_string());

    let summary = catalogue
        .areas
        .iter()
        .map(|area| {
            let owners: Vec<Owner> = services
                .iter()
                .filter(|s| s.assessed)
                .map(|s| s.duties[&area.id].owner)
                .collect();
            let count = |o: Owner| owners.iter().filter(|&&x| x == o).count();
            let owner = Owner::roll_up(owners.iter().copied());
            let (provider, customer, shared, na) = (
                count(Owner::Provider),
                count(Owner::Customer),
                count(Owner::Shared),
                count(Owner::NotApplicable),
            );
            let by_owner = [Owner::Provider, Owner::Customer, Owner::Shared]
                .into_iter()
                .map(|o| (o, count(o)))
                .collect();
            let label = crate::join::owner_summary(owner, &by_owner);
            (
                area.id.clone(),
                SummaryOut {
                    owner,
                    provider,
                    customer,
                    shared,
                    not_applicable: na,
                    label,
                },
            )
        })
        .collect();

    let questions = services
        .iter()
        .filter_map(|s| {
            let id = s.id.as_deref()?;
            let found = catalogue
                .services
                .binary_search_by(|c| c.id.as_str().cmp(id));
            let service = &catalogue.services[found.ok()?];
            let assumed: Vec<String> = catalogue
                .areas
                .iter()
                .map(|a| (a, &s.duties[&a.id]))
                .filter(|(_, d)| d.basis == Basis::Assumed)
                .map(|(a, d)| format!("{} ({})", a.name, d.owner))
                .collect();
            (!assumed.is_empty()).then(|| Question {
                service: service.id.clone(),
                text: format!(
                    "{}.",
                    service.variant_question(&assumed, catalogue.regions_of(service))
                ),
                name: service.name.clone(),
                ways: service.variants.iter().map(|v| v.label()).collect(),
                assumed,
            })
        })
        .collect();

    let assumptions = services
        .iter()
        .filter_map(|s| s.id.as_ref().map(|id| (id, s)))
        .flat_map(|(id, s)| {
            catalogue.areas.iter().filter_map(move |a| {
                let d = &s.duties[&a.id];
                (d.basis == Basis::Assumed).then(|| Assumption {
                    service: id.clone(),
                    variant: s.variant.clone(),
                    area: a.id.clone(),
                    reason: d.reason.clone(),
                })
            })
        })
        .collect();

    let keys = column_keys(&inventory.headers);
    let appendix = Appendix {
        rows: classification
            .rows
            .iter()
            .enumerate()
            .map(|(i, outcome)| RowRecord {
                count: inventory.weight(i),
                index: i as u32,
                line: inventory.lines[i],
                written: inventory.service_id(i),
                account: inventory.id(i, cols.account),
                environment: inventory.id(i, cols.environment),
                region: inventory.id(i, cols.region),
                status: outcome.status,
                entry: outcome.entry,
            })
            .collect(),
        strings: inventory.strings.clone(),
        entries: classification
            .entries
            .iter()
            .map(|e| {
                let service = e.service.map(|i| &catalogue.services[i]);
                (
                    service.map(|s| s.id.clone()),
                    service
                        .zip(e.variant)
                        .map(|(s, v)| s.variants[v].id.clone()),
                )
            })
            .collect(),
        head: inventory
            .head
            .iter()
            .map(|cells| keys.iter().cloned().zip(cells.iter().cloned()).collect())
            .collect(),
        group_lines: (0..inventory.len())
            .filter(|&i| inventory.weight(i) > 1)
            .map(|i| (i as u32, inventory.lines_of(i).collect()))
            .collect(),
        total: inventory.rows(),
    };

    let mut diagnostics: Vec<Diagnostic> = inventory
        .diagnostics
        .iter()
        .chain(&classification.diagnostics)
        .cloned()
        .collect();
    let mut frameworks = crate::join::join(catalogue, &assessed(&services), &options.frameworks);
    for f in frameworks.iter_mut().filter(|f| f.carve_out.is_some()) {
        let (section, warnings) = crate::soc2::section(catalogue, &services, f, &options.soc2);
        f.soc2 = Some(section);
        diagnostics.extend(warnings);
    }
    if let Some(RegisterUse { register, gaps }) = register {
        diagnostics.extend(crate::register::apply(register, catalogue, &mut frameworks));
        if gaps {
            diagnostics.extend(crate::register::gaps(register, &frameworks));
        }
    }
    // The Statement of Applicability takes the register's status and owner.
    for f in frameworks.iter_mut().filter(|f| f.id == "iso27001") {
        let soa = crate::soa::apply(catalogue, f, &options.iso);
        f.statement_of_applicability = Some(soa);
    }
    diagnostic::sort(&mut diagnostics);
    let [accounts, regions, environments] = distinct.texts(
        0..inventory.len(),
        [cols.account, cols.region, cols.environment],
    );
    let scope = Scope {
        accounts,
        regions,
        environments,
        partitions: partitions(inventory),
    };
    let count_rows = |status| {
        classification
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.status == status)
            .map(|(i, _)| inventory.weight(i) as usize)
            .sum::<usize>()
    };
    let level_count = |level| diagnostics.iter().filter(|d| d.level == level).count();
    let assessed = services.iter().filter(|s| s.assessed).count();
    Report {
        schema: SCHEMA,
        provider_note: catalogue.provider_note.clone(),
        meta: Meta {
            title: options
                .title
                .clone()
                .unwrap_or_else(|| "Shared responsibility matrix".into()),
            org: options.org.clone(),
            date: options.date.to_string(),
            as_of: options.as_of.unwrap_or(options.date).to_string(),
            inventory: InventoryMeta {
                // Documents name the file, never the folder it was read from.
                path: crate::text::file_name(&inventory.file).to_string(),
                sha256: inventory.sha256.clone(),
                rows: inventory.rows() as usize,
                columns: inventory.headers.clone(),
            },
            project: None,
            scope,
            versions: Versions {
                onus: env!("CARGO_PKG_VERSION"),
                catalogue: catalogue.version(),
                frameworks: frameworks
                    .iter()
                    .map(|f| (f.selection.clone(), f.version.clone()))
                    .collect(),
            },
            unassessed_rows: count_rows(RowStatus::Unassessed),
            skipped_rows: count_rows(RowStatus::Skipped),
            counts: Counts {
                services: services.len(),
                assessed,
                unassessed: services.len() - assessed,
                errors: level_count(diagnostic::Level::Error),
                warnings: level_count(diagnostic::Level::Warning),
            },
        },
        regions: sole_provider
            .as_deref()
            .and_then(|p| catalogue.provider(p))
            .map_or_else(|| "the providers' regions".into(), |p| p.regions.clone()),
        areas: catalogue
            .areas
            .iter()
            .enumerate()
            .map(|(i, a)| {
                // A report of one provider's services words the areas as that provider
                // does; one of several providers, in the model's neutral words.
                let (name, provider, customer) = match &sole_provider {
                    Some(p) => {
                        let (provider, customer) = catalogue.area_text(p, i);
                        (catalogue.area_name(p, i), provider, customer)
                    }
                    None => (a.name.as_str(), a.provider.as_str(), a.customer.as_str()),
                };
                AreaOut {
                    id: a.id.clone(),
                    short: a.short.clone(),
                    name: name.to_string(),
                    provider: provider.to_string(),
                    customer: customer.to_string(),
                }
            })
            .collect(),
        tiers: catalogue
            .tiers
            .iter()
            .map(|t| TierOut {
                id: t.id.clone(),
                name: t.name.clone(),
                meaning: t.meaning.clone(),
            })
            .collect(),
        services,
        summary,
        frameworks,
        overrides: classification.overrides.clone(),
        assumptions,
        questions,
        diagnostics,
        inventory: appendix,
    }
}
