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

mod appendix;
mod build;
mod view;

use appendix::RowRecord;
pub use appendix::{column_keys, Appendix, RowOut};
pub use build::{build, build_with, RegisterUse, UNASSESSED_SHOWN};
pub use view::{DocumentView, ServiceView};

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
    /// The SOC 2 examination, the attestations relied on and the organisation's CUECs.
    pub soc2: crate::soc2::Settings,
    /// `[iso27001]`: the Statement of Applicability's exclusions, inclusions and
    /// document-control block.
    pub iso: crate::soa::Settings,
}

#[derive(Debug, Serialize)]
pub struct Report {
    /// Where the services run, as their provider says it ("AWS Regions"; with several
    /// providers, "the providers' regions"): the documents' questions use it.
    #[serde(skip)]
    pub regions: String,
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
    /// What the reader is asked to confirm: one question per service with assumed cells.
    pub questions: Vec<Question>,
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
    /// The project file the settings came from (`onus.toml`), by name and SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<FileMeta>,
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

#[derive(Debug, Clone, Serialize)]
pub struct FileMeta {
    pub path: String,
    pub sha256: String,
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
    /// The provider's id (`aws`, `azure`) and name: `None` for a service the catalogue
    /// does not know.
    pub provider: Option<String>,
    pub provider_name: Option<String>,
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
    /// Line numbers of the inventory rows (past the first million, of each group's
    /// first row).
    pub rows: Vec<u64>,
    /// How many inventory rows name the service (more than `rows` lists where rows were
    /// grouped).
    pub row_count: u64,
    pub accounts: Vec<String>,
    pub environments: Vec<String>,
    pub regions: Vec<String>,
    /// The inventory's `owner` column: who runs the service in the organisation.
    pub service_owners: Vec<String>,
    pub data_classifications: Vec<String>,
    pub duties: BTreeMap<String, DutyOut>,
    /// Retired by the provider, or winding down: what every format says of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<crate::catalogue::LifecycleOut>,
    /// No row names it: every account of the provider has it (AWS IAM, STS, the account).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub implied: bool,
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

/// A question the reader can answer to replace assumptions with facts.
#[derive(Debug, Serialize)]
pub struct Question {
    pub service: String,
    /// "How does aws.ecs run here: ec2, fargate or anywhere (on your premises)? …"
    pub text: String,
    /// The service's name, the ways it can run ("Fargate launch type (fargate)"), and
    /// what the reader carries until they answer ("Runtimes, middleware, database
    /// engines (customer)"): the documents' table of questions.
    pub name: String,
    pub ways: Vec<String>,
    pub assumed: Vec<String>,
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
        if let Some(project) = &m.project {
            fact("Project file", project.path.clone());
            fact("Project file SHA-256", project.sha256.clone());
        }
        fact("Accounts", m.scope.accounts.join(", "));
        fact("Regions", m.scope.regions.join(", "));
        fact("Environments", m.scope.environments.join(", "));
        let mut services = format!("{} assessed", m.counts.assessed);
        if m.counts.unassessed > 0 {
            services.push_str(&format!(", {} unassessed", m.counts.unassessed));
        }
        fact("Services", services);
        // A SOC 2 examination's categories, type and period.
        for s in self.frameworks.iter().filter_map(|f| f.soc2.as_ref()) {
            fact(
                "SOC 2 examination",
                format!("{}. {}", s.scope.categories_text, s.scope.examination_text),
            );
        }
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
