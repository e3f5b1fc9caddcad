//! The report as the document templates see it.

use super::*;

impl Report {
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
