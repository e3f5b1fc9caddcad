//! The report model: the one value every renderer sees.
//!
//! In: the catalogue, the inventory and its classification, and the report options.
//! Out: a [`Report`], serialisable as `responsibility-matrix.json` (schema
//! `onus/report/v1`, DESIGN.md) and handed whole to the templates. Every collection is
//! sorted, so the same inputs always give the same bytes.

use crate::catalogue::{Catalogue, Duty};
use crate::classify::{Classification, OverrideRecord, RowStatus};
use crate::diagnostic::{self, Diagnostic};
use crate::inventory::{Inventory, Strings};
use crate::text::Date;
use crate::vocab::{Basis, Owner};
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA: &str = "onus/report/v1";

/// What every format says about the provider's part of a duty, in one wording.
pub const MONITOR_NOTE: &str = "Where the provider has a part, you monitor it through the provider's attestations (SOC 2 CC9.2, ISO/IEC 27001 A.5.19–A.5.23).";

/// A row of the title block: a label and its value, worded here once for every format.
#[derive(Debug, Serialize)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The frameworks to join with (`-f`).
    pub frameworks: Vec<crate::join::Selection>,
    pub title: Option<String>,
    pub org: Option<String>,
    pub date: Date,
    pub as_of: Option<Date>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub meta: Meta,
    /// What "provider" means: never "nothing for you to do".
    pub provider_note: String,
    /// The duty areas, in matrix order, with what each side does.
    pub areas: Vec<AreaOut>,
    pub tiers: Vec<TierOut>,
    /// Assessed services by tier, id and variant; unassessed ones last.
    pub services: Vec<ServiceOut>,
    /// Per area: the owner across the assessed services, with the counts.
    pub summary: BTreeMap<String, SummaryOut>,
    /// One per selected framework: every control with its owner and provenance.
    pub frameworks: Vec<crate::join::FrameworkOut>,
    pub overrides: Vec<OverrideRecord>,
    /// Every cell the tool had to assume (given to the customer).
    pub assumptions: Vec<Assumption>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every input row and what it resolved to: written last by [`Report::write_json`],
    /// one row a line, and capped in the documents (see [`Appendix`]).
    #[serde(skip)]
    pub inventory: Appendix,
}

#[derive(Debug, Serialize)]
pub struct Meta {
    pub title: String,
    pub org: Option<String>,
    pub date: String,
    pub as_of: String,
    pub inventory: InventoryMeta,
    pub scope: Scope,
    pub versions: Versions,
    pub unassessed_rows: usize,
    pub skipped_rows: usize,
    pub counts: Counts,
}

#[derive(Debug, Serialize)]
pub struct InventoryMeta {
    pub path: String,
    pub sha256: String,
    pub rows: usize,
    pub columns: Vec<String>,
}

#[derive(Debug, Serialize, Default)]
pub struct Scope {
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub environments: Vec<String>,
    /// The AWS partitions (`aws`, `aws-us-gov`, `aws-cn`) of the ARNs that name services;
    /// left out when no service is named by an ARN.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partitions: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Versions {
    pub onus: &'static str,
    pub catalogue: String,
    pub frameworks: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
pub struct Counts {
    pub services: usize,
    pub assessed: usize,
    pub unassessed: usize,
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Debug, Serialize)]
pub struct AreaOut {
    pub id: String,
    pub short: String,
    pub name: String,
    pub provider: String,
    pub customer: String,
}

#[derive(Debug, Serialize)]
pub struct TierOut {
    pub id: String,
    pub name: String,
    pub meaning: String,
}

#[derive(Debug, Serialize)]
pub struct ServiceOut {
    /// `None` for a service the catalogue does not know.
    pub id: Option<String>,
    pub name: String,
    pub tier: Option<String>,
    pub tier_basis: Option<Basis>,
    pub variant: Option<String>,
    pub variant_name: Option<String>,
    /// `named` (a variant column or `--variant`) or `inferred` (from an export's cell).
    pub variant_basis: Option<String>,
    /// For an inferred variant, the cell it was read from: `lineItem/Operation = FargateTask`.
    pub variant_source: Option<String>,
    pub assessed: bool,
    /// How the inventory wrote it (first row).
    pub written: String,
    /// Line numbers of the inventory rows.
    pub rows: Vec<u64>,
    pub accounts: Vec<String>,
    pub environments: Vec<String>,
    pub regions: Vec<String>,
    /// The inventory's `owner` column: who runs the service in the organisation.
    pub service_owners: Vec<String>,
    pub data_classifications: Vec<String>,
    pub duties: BTreeMap<String, DutyOut>,
}

#[derive(Debug, Serialize)]
pub struct DutyOut {
    pub owner: Owner,
    pub basis: Basis,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl From<&Duty> for DutyOut {
    fn from(d: &Duty) -> Self {
        DutyOut {
            owner: d.owner,
            basis: d.basis,
            reason: d.reason.clone(),
            source: d.source.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SummaryOut {
    pub owner: Owner,
    pub provider: usize,
    pub customer: usize,
    pub shared: usize,
    #[serde(rename = "n/a")]
    pub not_applicable: usize,
    /// "Shared (customer on 9 services, provider on 1)".
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct Assumption {
    pub service: String,
    pub variant: Option<String>,
    pub area: String,
    pub reason: String,
}

/// One inventory row and what it resolved to.
#[derive(Debug, Serialize)]
pub struct RowOut<'a> {
    pub line: u64,
    pub written: &'a str,
    pub status: RowStatus,
    pub service: Option<&'a str>,
    pub variant: Option<&'a str>,
    pub account: &'a str,
    pub environment: &'a str,
    pub region: &'a str,
    /// Every cell of the row by its header (templates may use any column); only for
    /// the rows the documents list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<&'a BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Copy)]
struct RowRecord {
    line: u64,
    written: u32,
    account: u32,
    environment: u32,
    region: u32,
    status: RowStatus,
    entry: Option<u32>,
}

/// Every inventory row, kept compactly: the JSON lists all of them; the documents (MD,
/// HTML, PDF, the xlsx Inventory sheet) list the first [`Appendix::listed`] rows, those
/// read with every cell (`--appendix-rows`), and say how many more the JSON holds. A
/// million-row billing export is a matrix of a few dozen services, not a readable table.
#[derive(Debug, Default)]
pub struct Appendix {
    rows: Vec<RowRecord>,
    strings: Strings,
    /// Per classification entry: the service and variant ids.
    entries: Vec<(Option<String>, Option<String>)>,
    /// Every cell by its header key, for the first rows.
    head: Vec<BTreeMap<String, String>>,
}

impl Appendix {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// How many rows the documents list.
    pub fn listed(&self) -> usize {
        self.head.len().min(self.rows.len())
    }

    /// How many rows only the JSON lists.
    pub fn omitted(&self) -> usize {
        self.rows.len() - self.listed()
    }

    fn row(&self, i: usize) -> RowOut<'_> {
        let r = &self.rows[i];
        let (service, variant) = r
            .entry
            .map(|e| &self.entries[e as usize])
            .map_or((None, None), |(s, v)| (s.as_deref(), v.as_deref()));
        RowOut {
            line: r.line,
            written: self.strings.get(r.written),
            status: r.status,
            service,
            variant,
            account: self.strings.get(r.account),
            environment: self.strings.get(r.environment),
            region: self.strings.get(r.region),
            columns: self.head.get(i),
        }
    }

    /// Every row, without its cells.
    pub fn iter(&self) -> impl Iterator<Item = RowOut<'_>> {
        (0..self.rows.len()).map(|i| RowOut {
            columns: None,
            ..self.row(i)
        })
    }

    /// Every row as a line of JSON, byte for byte as serde writes a [`RowOut`] without
    /// cells, but from texts escaped once each rather than once a row: a million rows
    /// name a few dozen services, accounts and regions. Rows go to `out` in chunks, after
    /// what `buffer` holds, made on two threads; what is left to write (the buffer, when
    /// there are no rows) is returned.
    fn write_json_rows(
        &self,
        buffer: Vec<u8>,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<Vec<u8>> {
        let texts: Vec<Vec<u8>> = self
            .strings
            .iter()
            .map(serde_json::to_vec)
            .collect::<Result<_, _>>()?;
        let entries: Vec<Vec<u8>> = self
            .entries
            .iter()
            .map(|(service, variant)| {
                let mut fragment = b",\"service\":".to_vec();
                serde_json::to_writer(&mut fragment, service)?;
                fragment.extend_from_slice(b",\"variant\":");
                serde_json::to_writer(&mut fragment, variant)?;
                Ok(fragment)
            })
            .collect::<Result<_, serde_json::Error>>()?;
        let statuses = [
            RowStatus::Assessed,
            RowStatus::Unassessed,
            RowStatus::Skipped,
        ]
        .map(|s| serde_json::to_vec(&s).unwrap_or_default());
        let write_rows = |rows: &[RowRecord], buffer: &mut Vec<u8>| {
            for r in rows {
                buffer.extend_from_slice(b"\n    {\"line\":");
                crate::text::push_decimal(buffer, r.line);
                buffer.extend_from_slice(b",\"written\":");
                buffer.extend_from_slice(&texts[r.written as usize]);
                buffer.extend_from_slice(b",\"status\":");
                buffer.extend_from_slice(&statuses[r.status as usize]);
                match r.entry {
                    Some(e) => buffer.extend_from_slice(&entries[e as usize]),
                    None => buffer.extend_from_slice(b",\"service\":null,\"variant\":null"),
                }
                for (key, id) in [
                    (&b",\"account\":"[..], r.account),
                    (b",\"environment\":", r.environment),
                    (b",\"region\":", r.region),
                ] {
                    buffer.extend_from_slice(key);
                    buffer.extend_from_slice(&texts[id as usize]);
                }
                buffer.extend_from_slice(b"},");
            }
        };
        const CHUNK: usize = 1 << 13;
        let total = self.rows.len().div_ceil(CHUNK);
        // What `buffer` holds goes out first, with the first chunk.
        let mut first = Some(buffer);
        let mut k = 0;
        // Written chunks' buffers, handed back for the next chunks (a fresh 2 MB buffer
        // for each chunk doubled the time to write a million rows).
        let spare: std::sync::Mutex<Vec<Vec<u8>>> = Default::default();
        crate::parallel::ordered(
            2,
            |send| {
                for rows in self.rows.chunks(CHUNK) {
                    if !send(rows) {
                        break;
                    }
                }
            },
            |rows: &[RowRecord]| {
                let reused = spare.lock().ok().and_then(|mut s| s.pop());
                let mut chunk = reused.unwrap_or_else(|| Vec::with_capacity(rows.len() * 256));
                write_rows(rows, &mut chunk);
                (rows.len(), chunk)
            },
            |(len, chunk)| {
                if let Some(head) = first.take() {
                    out.write_all(&head)?;
                }
                k += 1;
                // No comma after the last row.
                let end = chunk.len() - usize::from(k == total);
                out.write_all(&chunk[..end])?;
                crate::progress::tick("writing JSON", (k - 1) * CHUNK + len, self.rows.len());
                let mut chunk = chunk;
                chunk.clear();
                if let Ok(mut spare) = spare.lock() {
                    spare.push(chunk);
                }
                Ok::<(), std::io::Error>(())
            },
        )?;
        Ok(first.unwrap_or_default())
    }

    /// The rows the documents list, with their cells.
    pub fn head(&self) -> impl Iterator<Item = RowOut<'_>> {
        (0..self.listed()).map(|i| self.row(i))
    }
}

impl Report {
    /// `responsibility-matrix.json`: the report, pretty-printed, with the inventory rows
    /// last, one compact row a line, written as they are serialised (a million rows
    /// never sit in memory as JSON).
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut head = serde_json::to_vec_pretty(self)?;
        // `{ ... }`: reopen the object to append the rows.
        while head
            .last()
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'}')
        {
            head.pop();
        }
        head.extend_from_slice(b",\n  \"inventory\": [");
        let mut buffer = self.inventory.write_json_rows(head, out)?;
        buffer.extend_from_slice(if self.inventory.is_empty() {
            b"]\n}\n"
        } else {
            b"\n  ]\n}\n"
        });
        out.write_all(&buffer)
    }

    /// The title block, in order: organisation, dates, inventory, scope, counts,
    /// versions. A fact the report does not have (no `--org`, no account column, no
    /// framework selected) is left out rather than worded as missing.
    pub fn facts(&self) -> Vec<Fact> {
        let m = &self.meta;
        let mut facts = Vec::with_capacity(12);
        let mut fact = |label, value: String| {
            if !value.is_empty() {
                facts.push(Fact { label, value });
            }
        };
        fact("Organisation", m.org.clone().unwrap_or_default());
        fact("Report date", m.date.clone());
        fact("Inventory as of", m.as_of.clone());
        fact(
            "Inventory",
            format!("{} ({} rows)", m.inventory.path, m.inventory.rows),
        );
        fact("Inventory SHA-256", m.inventory.sha256.clone());
        fact("Accounts", m.scope.accounts.join(", "));
        fact("Regions", m.scope.regions.join(", "));
        fact("Environments", m.scope.environments.join(", "));
        let mut services = format!("{} assessed", m.counts.assessed);
        if m.counts.unassessed > 0 {
            services.push_str(&format!(", {} unassessed", m.counts.unassessed));
        }
        fact("Services", services);
        fact("Catalogue", m.versions.catalogue.clone());
        fact(
            "Frameworks",
            m.versions
                .frameworks
                .iter()
                .map(|(id, version)| format!("{id} {version}"))
                .collect::<Vec<_>>()
                .join("; "),
        );
        fact("onus", m.versions.onus.to_string());
        facts
    }

    /// The report as the document templates see it: every field, with the inventory
    /// capped to the rows the documents list and each service's lines to those the
    /// documents show, plus the words every format shares ([`Report::facts`],
    /// [`MONITOR_NOTE`]).
    pub fn document_view(&self) -> DocumentView<'_> {
        DocumentView {
            schema: self.schema,
            meta: &self.meta,
            facts: self.facts(),
            provider_note: &self.provider_note,
            monitor_note: MONITOR_NOTE,
            areas: &self.areas,
            tiers: &self.tiers,
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
            frameworks: &self.frameworks,
            overrides: &self.overrides,
            assumptions: &self.assumptions,
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

/// The assessed services as the join reads them.
pub fn assessed(services: &[ServiceOut]) -> Vec<crate::join::Assessed<'_>> {
    services
        .iter()
        .filter(|s| s.assessed)
        .map(|s| crate::join::Assessed {
            id: s.id.as_deref().unwrap_or("?"),
            key: s.key(),
            owners: s
                .duties
                .iter()
                .map(|(a, d)| (a.as_str(), d.owner))
                .collect(),
        })
        .collect()
}

impl Report {
    /// The assessed services as the join reads them.
    pub fn assessed(&self) -> Vec<crate::join::Assessed<'_>> {
        assessed(&self.services)
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
            row_count: self.rows.len(),
            accounts: &self.accounts,
            environments: &self.environments,
            regions: &self.regions,
            service_owners: &self.service_owners,
            data_classifications: &self.data_classifications,
            duties: &self.duties,
        }
    }
}

/// A [`ServiceOut`] for the templates: instead of `rows`, every line of the service's
/// rows, `first_lines` holds the first 20 (what the documents show, then how many more)
/// and `row_count` counts them all. A template written for `rows` fails loudly rather
/// than showing 20 lines as if they were all.
#[derive(Serialize)]
pub struct ServiceView<'a> {
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
    services: Vec<ServiceView<'a>>,
    summary: &'a BTreeMap<String, SummaryOut>,
    frameworks: &'a [crate::join::FrameworkOut],
    overrides: &'a [OverrideRecord],
    assumptions: &'a [Assumption],
    /// The diagnostics, each naming its file without the folder.
    diagnostics: Vec<Diagnostic>,
    inventory: Vec<RowOut<'a>>,
    /// Rows beyond the listed ones: only the JSON lists them.
    inventory_omitted: usize,
    /// Unassessed services beyond the first [`UNASSESSED_SHOWN`] (in `services`): only
    /// the JSON lists them.
    unassessed_omitted: usize,
}

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

pub fn build(
    catalogue: &Catalogue,
    inventory: &Inventory,
    classification: &Classification,
    options: &ReportOptions,
) -> Report {
    let cols = &inventory.columns;
    let mut distinct = Distinct::new(inventory);
    let mut services: Vec<(Option<(usize, String)>, ServiceOut)> = classification
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
            };
            let order = service.map(|s| (s.tier, s.id.clone()));
            (order, out)
        })
        .collect();
    // Tier order, then id and variant; unassessed last, by name.
    services.sort_by(|(a, sa), (b, sb)| match (a, b) {
        (Some(x), Some(y)) => x.cmp(y).then(sa.variant.cmp(&sb.variant)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => sa.name.cmp(&sb.name),
    });
    let services: Vec<ServiceOut> = services.into_iter().map(|(_, s)| s).collect();

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
    };

    let mut diagnostics: Vec<Diagnostic> = inventory
        .diagnostics
        .iter()
        .chain(&classification.diagnostics)
        .cloned()
        .collect();
    diagnostic::sort(&mut diagnostics);
    let frameworks = crate::join::join(catalogue, &assessed(&services), &options.frameworks);
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
            .filter(|r| r.status == status)
            .count()
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
                rows: inventory.len(),
                columns: inventory.headers.clone(),
            },
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
        areas: catalogue
            .areas
            .iter()
            .map(|a| AreaOut {
                id: a.id.clone(),
                short: a.short.clone(),
                name: a.name.clone(),
                provider: a.provider.clone(),
                customer: a.customer.clone(),
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
        diagnostics,
        inventory: appendix,
    }
}

/// The key of each column in [`RowOut::columns`]: its header, or for a repeated or
/// empty header, the header with its column number.
pub fn column_keys(headers: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if h.is_empty() || !seen.insert(h.as_str()) {
                format!("{h} (column {})", i + 1)
            } else {
                h.clone()
            }
        })
        .collect()
}
