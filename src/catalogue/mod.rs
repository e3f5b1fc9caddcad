//! The catalogue: the responsibility model (duty areas, tiers) and every provider's
//! services, loaded from the TOML files under `frameworks/`.
//!
//! In: the built-in files (embedded at build time) overlaid with a user's `--data DIR`.
//! Out: a validated [`Catalogue`] that can look a service up by any name a person or an
//! export writes for it, and say who owns each duty area of that service.
//! A bad data file is an error naming the file, line and column; nothing is guessed.

mod armid;
mod arn;
pub mod csoc;
pub mod data;
pub mod framework;
mod load;

pub use armid::{is_resource_type, resource_type_of_id};
pub use arn::{pattern_matches, Arn};

use crate::text::{normalise, strip_vendor_prefix};
use crate::vocab::{Basis, Owner};
pub use data::{data_files, DataError, DataFile};
use std::collections::{BTreeMap, HashMap};

// ---- the validated catalogue ----

/// The export column an inference rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InferColumn {
    /// CUR `lineItem/Operation` (`line_item_operation`).
    Operation,
    /// CUR `lineItem/UsageType` (`line_item_usage_type`).
    UsageType,
    /// The service cell, where it is a CloudFormation / AWS Config resource type.
    ResourceType,
}

impl InferColumn {
    pub const ALL: [InferColumn; 3] = [
        InferColumn::Operation,
        InferColumn::UsageType,
        InferColumn::ResourceType,
    ];

    pub fn id(self) -> &'static str {
        match self {
            InferColumn::Operation => "operation",
            InferColumn::UsageType => "usage_type",
            InferColumn::ResourceType => "resource_type",
        }
    }
}

/// A rule that reads a variant from an export: the value of one column equals, or
/// contains, a text (compared case-insensitively).
#[derive(Debug, Clone)]
pub struct InferRule {
    pub column: InferColumn,
    /// Lower-cased.
    pub text: String,
    pub contains: bool,
}

impl InferRule {
    pub fn matches(&self, value: &str) -> bool {
        if self.contains {
            value.to_lowercase().contains(&self.text)
        } else {
            value.eq_ignore_ascii_case(&self.text)
        }
    }
}

#[derive(Debug, Clone)]
pub struct Area {
    pub id: String,
    /// A few letters for narrow column heads.
    pub short: String,
    pub name: String,
    /// Words people use for the area, normalised (`patching`, `firewall`).
    pub words: Vec<String>,
    pub provider: String,
    pub customer: String,
    /// False for the organisation's own areas (governance, its offices): a control
    /// that touches only those has no part in the cloud.
    pub cloud: bool,
    /// Parts of automated checks' ids that concern the area: a control lists the hints
    /// about its areas first.
    pub check_words: Vec<String>,
}

/// A provider's own wording of an area (`[[area]]` of its catalogue): what is unset is
/// the model's.
#[derive(Debug, Clone, Default)]
pub struct AreaText {
    pub name: Option<String>,
    pub provider: Option<String>,
    pub customer: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Tier {
    pub id: String,
    pub name: String,
    pub meaning: String,
    pub aliases: Vec<String>,
    /// Default owner per area, indexed like [`Catalogue::areas`].
    pub defaults: Vec<Owner>,
}

/// A named way of splitting a duty (model.toml `[[pattern]]`): catalogue cells cite it
/// rather than restate it.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub id: String,
    pub name: String,
    /// The owner every cell of the pattern takes.
    pub owner: Owner,
    /// What the provider does, in every cell of the pattern.
    pub provider: String,
    /// The customer's part, by part id (`apply`, `choose`), sorted by id.
    pub customer: Vec<(String, String)>,
}

impl Pattern {
    pub fn part(&self, id: &str) -> Option<&str> {
        self.customer
            .iter()
            .find(|(p, _)| p == id)
            .map(|(_, t)| t.as_str())
    }
}

/// One cell of a matrix: who owns one duty area of one service, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Duty {
    pub owner: Owner,
    pub basis: Basis,
    pub reason: String,
    pub source: Option<String>,
    /// The model's pattern the cell follows (`provider-patches-customer-applies`), if any.
    pub pattern: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub id: String,
    pub name: String,
    /// Runs on the customer's premises (ECS Anywhere, EKS Hybrid Nodes, an on-premises
    /// gateway): never assumed, only named or inferred.
    pub on_premises: bool,
    /// A distinct offering the customer sets up deliberately (RDS Custom): never
    /// assumed either, only named or inferred.
    pub opt_in: bool,
    /// How an export shows that a row runs this way.
    pub infer: Vec<InferRule>,
    pub aliases: Vec<String>,
    /// Cells this variant sets, by area index.
    pub duties: BTreeMap<usize, Duty>,
}

#[derive(Debug, Clone)]
pub struct Service {
    /// `<provider>.<key>`: `aws.ec2`.
    pub id: String,
    pub provider: String,
    pub key: String,
    pub name: String,
    /// Index into [`Catalogue::tiers`].
    pub tier: usize,
    /// `Documented` or `Inferred`.
    pub tier_basis: Basis,
    pub source: Option<String>,
    pub aliases: Vec<String>,
    pub resource_types: Vec<String>,
    /// Cells that differ from the tier default, by area index.
    pub duties: BTreeMap<usize, Duty>,
    pub variants: Vec<Variant>,
    /// Retired by the provider, or in maintenance / closed to new customers.
    pub lifecycle: Option<Lifecycle>,
    /// Every account of the provider has it, billed or not: an inventory of the
    /// provider implies it (see `classify`).
    pub implied: bool,
}

/// A service the provider has retired or is winding down, with the page that says so.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Lifecycle {
    /// Retired: `Some(Some(date))`, or `Some(None)` where the provider published no date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired: Option<Option<String>>,
    /// Maintenance mode, or closed to new customers: what the notice says, in our words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// The provider's page that says so; none where the provider's pages no longer
    /// carry a notice for a long-ended service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The service the provider names as the way forward (an id of the catalogue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
}

/// A service's lifecycle as reports show it: the sentence every format prints, and the
/// facts for scripts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LifecycleOut {
    /// `retired` or `notice`.
    pub state: &'static str,
    /// The date it ended, where the provider published one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// "Retired by the provider on 2025-07-31; it names Amazon RDS as the successor."
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
}

impl Catalogue {
    /// What reports say of a service's lifecycle, if it has one.
    pub fn lifecycle_of(&self, service: &Service) -> Option<LifecycleOut> {
        let l = service.lifecycle.as_ref()?;
        let successor = l
            .successor
            .as_deref()
            .and_then(|id| self.services.iter().find(|s| s.id == id));
        let named = successor
            .map(|s| {
                format!(
                    "; the provider names {} ({}) as the way forward",
                    s.name, s.id
                )
            })
            .unwrap_or_default();
        let (state, date, text) = match (&l.retired, &l.notice) {
            (Some(date), _) => (
                "retired",
                date.clone(),
                match date {
                    Some(date) => format!("Retired by the provider on {date}{named}."),
                    None => format!("Retired by the provider{named}."),
                },
            ),
            (None, notice) => (
                "notice",
                None,
                format!(
                    "The provider says it is {}{named}.",
                    notice.as_deref().unwrap_or_default()
                ),
            ),
        };
        Some(LifecycleOut {
            state,
            date,
            text,
            source: l.source.clone(),
            successor: successor.map(|s| s.id.clone()),
        })
    }
}

impl Variant {
    /// "Fargate profiles (fargate)", "EKS Hybrid Nodes (hybrid-nodes, on your premises)":
    /// a way of running as the documents and `onus init` list it.
    pub fn label(&self) -> String {
        let place = if self.on_premises {
            ", on your premises"
        } else {
            ""
        };
        format!("{} ({}{place})", self.name, self.id)
    }

    /// Whether a service used with no variant named may be assumed to run this way.
    pub fn assumable(&self) -> bool {
        !self.on_premises && !self.opt_in
    }
}

impl Service {
    /// The variant ids, comma-separated, for messages.
    pub fn variant_ids(&self) -> String {
        self.variants
            .iter()
            .map(|v| v.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The variants as a reader chooses among them: `ec2, fargate or anywhere (on your
    /// premises)`.
    pub fn variant_choices(&self) -> String {
        let named: Vec<String> = self
            .variants
            .iter()
            .map(|v| {
                if v.on_premises {
                    format!("{} (on your premises)", v.id)
                } else if v.opt_in {
                    format!("{} ({})", v.id, v.name)
                } else {
                    v.id.clone()
                }
            })
            .collect();
        match named.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => named.join(""),
        }
    }

    /// The question that replaces an assumption with a fact, without its full stop:
    /// `assumed` are the cells assumed meanwhile ("OS patching and hardening (customer)").
    /// The terminal and the documents ask it in these words.
    pub fn variant_question(&self, assumed: &[String], regions: &str) -> String {
        format!(
            "How does {} run here: {}? Until the inventory says so (in a variant column), you are assumed to carry what the most customer-heavy of the ways it runs in {regions} leaves to you: {}",
            self.id,
            self.variant_choices(),
            // Area names hold commas: a semicolon between them.
            assumed.join("; "),
        )
    }

    /// The variant an export row shows, by the first rule (variants in order, then
    /// their rules) that its cells match: the variant's index, the column and the value.
    pub fn infer_variant<'v>(
        &self,
        cell: impl Fn(InferColumn) -> &'v str,
    ) -> Option<(usize, InferColumn, &'v str)> {
        self.variants.iter().enumerate().find_map(|(i, v)| {
            v.infer.iter().find_map(|rule| {
                let value = cell(rule.column);
                (!value.is_empty() && rule.matches(value)).then_some((i, rule.column, value))
            })
        })
    }

    pub fn variant(&self, text: &str) -> Option<&Variant> {
        let wanted = normalise(text);
        self.variants.iter().find(|v| {
            normalise(&v.id) == wanted
                || normalise(&v.name) == wanted
                || v.aliases.iter().any(|a| normalise(a) == wanted)
        })
    }
}

#[derive(Debug, Clone)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub version: String,
    pub aliases: Vec<String>,
    /// Where its services run, in its own words ("AWS Regions", "Azure regions").
    pub regions: String,
    /// Its own wording of model areas (`[[area]]`), by area index: the model's otherwise.
    pub areas: BTreeMap<usize, AreaText>,
    pub source: String,
    pub licence: String,
    pub origin: String,
}

/// A kind of inventory value that is a billing line, not a service (data transfer,
/// Marketplace products, Savings Plans, taxes...): reported as skipped, one note per
/// kind, never as an unknown service.
#[derive(Debug, Clone)]
pub struct NotService {
    pub provider: String,
    /// The exact names of this kind (matched like service names).
    pub aliases: Vec<String>,
    /// Patterns over the normalised value: `*` any run, `#` one lower-case ASCII letter
    /// or digit; a pattern with `#` is matched against the value as written and needs a
    /// digit in it.
    pub patterns: Vec<String>,
    /// Values of a line item type column (`Tax`, `Credit`) that make a row this kind,
    /// whatever service it names.
    pub line_item_types: Vec<String>,
    /// The kind for software the provider's marketplace sells on behalf of others: a
    /// FOCUS row whose service provider is not its host is this kind of its host.
    pub marketplace: bool,
    pub reason: String,
}

/// What an inventory cell names.
#[derive(Debug)]
pub enum Lookup<'a> {
    Service(&'a Service),
    NotService(&'a NotService),
    /// The name belongs to services of several providers; a `provider` column decides.
    Ambiguous(Vec<&'a Service>),
    Unknown {
        suggestions: Vec<&'a Service>,
    },
}

#[derive(Debug, Default)]
struct Index {
    /// Normalised name → services (several only across providers).
    names: HashMap<String, Vec<usize>>,
    /// The same names with a leading "amazon"/"aws" removed.
    stripped: HashMap<String, Vec<usize>>,
    /// Lower-cased exact resource type → service.
    types: HashMap<String, usize>,
    /// Lower-cased resource-type namespace (`aws::ec2::`) → service.
    namespaces: HashMap<String, usize>,
    /// Lower-cased resource-type prefixes (`aws::ec2::transitgateway` from
    /// `AWS::EC2::TransitGateway*`) → service, longest first.
    prefixes: Vec<(String, usize)>,
    not_services: HashMap<String, usize>,
    /// Normalised not-service patterns, in file order.
    patterns: Vec<(String, usize)>,
    /// Normalised line item type → not-service kind.
    line_item_types: HashMap<String, usize>,
    /// Every name above, for suggestions.
    suggester: crate::text::Suggester<usize>,
}

#[derive(Debug)]
pub struct Catalogue {
    pub model_version: String,
    /// What "provider" means, printed wherever an output lists the provider's part.
    pub provider_note: String,
    pub areas: Vec<Area>,
    pub patterns: Vec<Pattern>,
    pub tiers: Vec<Tier>,
    pub providers: Vec<Provider>,
    /// Sorted by id.
    pub services: Vec<Service>,
    pub not_services: Vec<NotService>,
    pub frameworks: Vec<framework::Framework>,
    pub crosswalks: Vec<framework::Crosswalk>,
    /// Automated checks that can evidence controls (`evidence/<source>.csv`).
    pub evidence: Vec<framework::Hint>,
    /// The providers as subservice organisations of a SOC 2 description
    /// (`<provider>/csoc.toml`), in provider order.
    pub subservices: Vec<csoc::Subservice>,
    /// The providers' certificates an ISO/IEC 27001 SoA relies on
    /// (`<provider>/certificates.toml`).
    pub certificates: Vec<csoc::Certificate>,
    index: Index,
}

impl Catalogue {
    /// The built-in catalogue alone.
    pub fn built_in() -> Result<Catalogue, DataError> {
        Catalogue::from_files(&data_files(None)?)
    }

    pub fn from_files(files: &[DataFile]) -> Result<Catalogue, DataError> {
        let model_file = files
            .iter()
            .find(|f| f.path == "model.toml")
            .ok_or_else(|| DataError {
                file: "model.toml".into(),
                position: None,
                message: "the data has no model.toml".into(),
            })?;
        let mut catalogue = load::load_model(model_file)?;
        let area_ids: Vec<String> = catalogue.areas.iter().map(|a| a.id.clone()).collect();
        // The frameworks need only the model's areas: they load on a thread of their own
        // while the providers' catalogues load and are indexed.
        let (providers, frameworks) = std::thread::scope(|scope| {
            let frameworks = scope.spawn(|| framework::load(files, &area_ids));
            let providers = (|| {
                for file in files.iter().filter(|f| f.path.ends_with("/catalogue.toml")) {
                    catalogue.add_provider(file)?;
                }
                catalogue.services.sort_by(|a, b| a.id.cmp(&b.id));
                catalogue.build_index(files)
            })();
            let frameworks = frameworks
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (providers, frameworks)
        });
        providers?;
        (catalogue.frameworks, catalogue.crosswalks) = frameworks?;
        let tier_ids: Vec<String> = catalogue.tiers.iter().map(|t| t.id.clone()).collect();
        for file in files.iter().filter(|f| f.path.ends_with("/csoc.toml")) {
            let subservice = csoc::load(file, &area_ids, &tier_ids, catalogue.framework("soc2"))?;
            if !catalogue
                .providers
                .iter()
                .any(|p| p.id == subservice.provider)
            {
                return Err(file.error_at(
                    None,
                    "a provider's CSOCs need its catalogue: no <provider>/catalogue.toml names this folder's provider",
                ));
            }
            catalogue.subservices.push(subservice);
        }
        for file in files
            .iter()
            .filter(|f| f.path.ends_with("/certificates.toml"))
        {
            let list = csoc::load_certificates(file, catalogue.framework("iso27001"))?;
            if !catalogue
                .providers
                .iter()
                .any(|p| list.iter().all(|c| c.provider == p.id))
            {
                return Err(file.error_at(
                    None,
                    "a provider's certificates need its catalogue: no <provider>/catalogue.toml names this folder's provider",
                ));
            }
            catalogue.certificates.extend(list);
        }
        // A provider's statements need the provider's catalogue.
        if let Some(file) = files.iter().find(|f| {
            f.path
                .split_once("/statements/")
                .is_some_and(|(p, _)| !catalogue.providers.iter().any(|x| x.id == p))
        }) {
            return Err(file.error_at(
                None,
                "a provider's statements need its catalogue: no <provider>/catalogue.toml names this folder's provider",
            ));
        }
        let service_ids: Vec<&str> = catalogue.services.iter().map(|s| s.id.as_str()).collect();
        catalogue.evidence = framework::load_evidence(files, &catalogue.frameworks, &service_ids)?;
        Ok(catalogue)
    }

    /// The position of a service of this catalogue (services are sorted by id).
    pub fn service_index(&self, service: &Service) -> usize {
        self.services
            .binary_search_by(|s| s.id.cmp(&service.id))
            .expect("a service of this catalogue")
    }

    pub fn framework(&self, id: &str) -> Option<&framework::Framework> {
        self.frameworks.iter().find(|f| f.id == id)
    }

    /// The duty-area ids, comma-separated, for messages.
    pub fn area_ids(&self) -> String {
        self.areas
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The area a person means: its id, its name or one of its words, written in any
    /// case and punctuation (`guest-os`, `OS patching and hardening`, `patching`).
    pub fn find_area(&self, text: &str) -> Option<usize> {
        let wanted = normalise(text);
        self.areas.iter().position(|a| {
            normalise(&a.id) == wanted || normalise(&a.name) == wanted || a.words.contains(&wanted)
        })
    }

    pub fn area_index(&self, id: &str) -> Option<usize> {
        self.areas.iter().position(|a| a.id == id)
    }

    pub fn tier_index(&self, text: &str) -> Option<usize> {
        let t = normalise(text);
        self.tiers.iter().position(|tier| {
            normalise(&tier.id) == t || tier.aliases.iter().any(|a| normalise(a) == t)
        })
    }

    pub fn provider(&self, text: &str) -> Option<&Provider> {
        let t = normalise(text);
        self.providers.iter().find(|p| {
            normalise(&p.id) == t
                || normalise(&p.name) == t
                || p.aliases.iter().any(|a| normalise(a) == t)
        })
    }

    /// How the service's provider names where its services run ("AWS Regions").
    pub fn regions_of(&self, service: &Service) -> &str {
        self.providers
            .iter()
            .find(|p| p.id == service.provider)
            .map_or("the provider's regions", |p| p.regions.as_str())
    }

    /// Version string for reports: the model's and each provider catalogue's.
    pub fn version(&self) -> String {
        let mut parts = vec![format!("model {}", self.model_version)];
        parts.extend(
            self.providers
                .iter()
                .map(|p| format!("{} {}", p.id, p.version)),
        );
        parts.join(", ")
    }

    /// Looks up what an inventory cell names, within one provider if given, with
    /// suggestions for an unknown name.
    pub fn lookup(&self, text: &str, provider: Option<&str>) -> Lookup<'_> {
        self.lookup_with(text, provider, true)
    }

    /// [`Catalogue::lookup`], with suggestions for an unknown name only if `suggest`
    /// (an inventory of many unknown names asks for the first few hundred only).
    pub fn lookup_with(&self, text: &str, provider: Option<&str>, suggest: bool) -> Lookup<'_> {
        let in_scope = |i: &usize| provider.is_none_or(|p| self.services[*i].provider == p);
        let trimmed = text.trim();
        if let Some(arn) = Arn::parse(trimmed) {
            // The resource type, where it is a CloudFormation type of the same namespace
            // (`arn:aws:ec2:...:volume/vol-1` is an AWS::EC2::Volume), then the service.
            let kind: String = arn
                .resource
                .split(['/', ':'])
                .next()
                .unwrap_or_default()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            let exact = format!("aws::{}::{kind}", arn.service.to_lowercase());
            if let Some(hit) = self.resource_type(&exact).filter(|i| in_scope(i)) {
                return Lookup::Service(&self.services[hit]);
            }
            return match self.lookup_name(arn.service, provider) {
                Some(found) => found,
                None => Lookup::Unknown {
                    suggestions: Vec::new(),
                },
            };
        }
        // An Azure resource id, by its resource type (and only by it: the rest of an id
        // is names the customer chose).
        if let Some(kind) = armid::resource_type_of_id(trimmed) {
            return match self
                .resource_type_or_namespace(&kind)
                .filter(|i| in_scope(i))
            {
                Some(hit) => Lookup::Service(&self.services[hit]),
                None => Lookup::Unknown {
                    suggestions: Vec::new(),
                },
            };
        }
        if trimmed.contains("::") || armid::is_resource_type(trimmed) {
            let lower = trimmed.to_lowercase();
            if let Some(hit) = self
                .resource_type_or_namespace(&lower)
                .filter(|i| in_scope(i))
            {
                return Lookup::Service(&self.services[hit]);
            }
        }
        if let Some(found) = self.lookup_name(trimmed, provider) {
            return found;
        }
        let key = normalise(trimmed);
        // A pattern with `#` (a code) is matched against the value as written, so a
        // name with capitals, spaces or hyphens is never taken for a code.
        if let Some(&(_, i)) = self.index.patterns.iter().find(|(pattern, _)| {
            let value = if pattern.contains('#') { trimmed } else { &key };
            pattern_matches(pattern, value)
        }) {
            let ns = &self.not_services[i];
            if provider.is_none_or(|p| ns.provider == p) {
                return Lookup::NotService(ns);
            }
        }
        Lookup::Unknown {
            suggestions: if suggest {
                self.suggest(&key, provider)
            } else {
                Vec::new()
            },
        }
    }

    /// The service of a lower-cased resource type: its exact type (for an Azure type,
    /// then its parent types: `microsoft.sql/servers/databases` is under
    /// `microsoft.sql/servers`), else the longest prefix it starts with.
    fn resource_type(&self, lower: &str) -> Option<usize> {
        let exact = if lower.contains("::") {
            self.index.types.get(lower).copied()
        } else {
            armid::with_parents(lower).find_map(|t| self.index.types.get(t).copied())
        };
        exact.or_else(|| {
            self.index
                .prefixes
                .iter()
                .find(|(prefix, _)| lower.starts_with(prefix.as_str()))
                .map(|&(_, i)| i)
        })
    }

    /// [`Catalogue::resource_type`], else the service that claims the type's whole
    /// namespace (`aws::ec2::`, `microsoft.sql/`).
    fn resource_type_or_namespace(&self, lower: &str) -> Option<usize> {
        self.resource_type(lower).or_else(|| {
            let namespace = match lower.split_once("::") {
                Some(_) => lower.splitn(3, "::").take(2).collect::<Vec<_>>().join("::") + "::",
                None => lower.split('/').next().unwrap_or_default().to_string() + "/",
            };
            self.index.namespaces.get(&namespace).copied()
        })
    }

    /// A service or not-service of this exact name (normalised, with or without a
    /// leading vendor word).
    fn lookup_name(&self, text: &str, provider: Option<&str>) -> Option<Lookup<'_>> {
        let in_scope = |i: &usize| provider.is_none_or(|p| self.services[*i].provider == p);
        let key = normalise(text);
        let candidates = [
            self.index.names.get(&key),
            self.index.names.get(strip_vendor_prefix(&key)),
            self.index.stripped.get(&key),
        ];
        for found in candidates.into_iter().flatten() {
            let hits: Vec<&Service> = found
                .iter()
                .filter(|i| in_scope(i))
                .map(|i| &self.services[*i])
                .collect();
            match hits.len() {
                0 => continue,
                1 => return Some(Lookup::Service(hits[0])),
                _ => return Some(Lookup::Ambiguous(hits)),
            }
        }
        let ns = &self.not_services[*self.index.not_services.get(&key)?];
        provider
            .is_none_or(|p| ns.provider == p)
            .then_some(Lookup::NotService(ns))
    }

    /// The not-service kind a line item type names (`Tax`, `Credit`): billing line types
    /// (FOCUS's `Tax`, `Credit`, `Purchase`) mean the same whichever provider's catalogue
    /// lists them.
    pub fn not_service_line(&self, line_item_type: &str) -> Option<&NotService> {
        Some(&self.not_services[*self.index.line_item_types.get(&normalise(line_item_type))?])
    }

    /// The provider's marketplace kind of billing line, if its catalogue names one.
    pub fn marketplace(&self, provider: &str) -> Option<&NotService> {
        self.not_services
            .iter()
            .find(|ns| ns.marketplace && ns.provider == provider)
    }

    /// The position of a not-service kind of this catalogue.
    pub fn not_service_index(&self, ns: &NotService) -> usize {
        self.not_services
            .iter()
            .position(|n| std::ptr::eq(n, ns))
            .unwrap_or_default()
    }

    /// Up to three services whose names are close to a normalised text: a few edits
    /// away, found through an index of the names' letter pairs (never for a long text).
    fn suggest(&self, key: &str, provider: Option<&str>) -> Vec<&Service> {
        let mut found: Vec<&Service> = Vec::new();
        for i in self.index.suggester.closest(key) {
            let s = &self.services[i];
            if provider.is_none_or(|p| s.provider == p) && !found.iter().any(|f| f.id == s.id) {
                found.push(s);
            }
            if found.len() == 3 {
                break;
            }
        }
        found
    }

    /// Who owns each area of a service, in area order. With no variant named for a
    /// service that has variants, every area on which the variants disagree goes to the
    /// customer with basis `assumed`.
    pub fn duties(&self, service: &Service, variant: Option<&Variant>) -> Vec<Duty> {
        (0..self.areas.len())
            .map(|area| match variant {
                Some(v) => v
                    .duties
                    .get(&area)
                    .cloned()
                    .unwrap_or_else(|| self.base_duty(service, area)),
                None if service.variants.is_empty() => self.base_duty(service, area),
                None => self.undecided_duty(service, area),
            })
            .collect()
    }

    fn base_duty(&self, service: &Service, area: usize) -> Duty {
        if let Some(d) = service.duties.get(&area) {
            return d.clone();
        }
        let tier = &self.tiers[service.tier];
        let owner = tier.defaults[area];
        Duty {
            owner,
            basis: Basis::TierDefault,
            reason: self.owner_text(area, owner, tier, &service.provider),
            source: None,
            pattern: None,
        }
    }

    /// An area of a service used with no variant named. The variants that run in AWS
    /// Regions decide it (one on the customer's premises, or an opt-in offering, is
    /// never assumed): where they agree, their owner; where they disagree, the most
    /// customer-heavy of them, with basis `assumed`.
    fn undecided_duty(&self, service: &Service, area: usize) -> Duty {
        let owner_in = |v: &Variant| {
            v.duties
                .get(&area)
                .map_or_else(|| self.base_duty(service, area).owner, |d| d.owner)
        };
        let pool: Vec<&Variant> = service.variants.iter().filter(|v| v.assumable()).collect();
        // Only ways that are never assumed (on the customer's premises, opt-in): the
        // service as it runs in the provider's regions, its own cells, decides.
        if pool.is_empty() {
            return self.base_duty(service, area);
        }
        let per_variant: Vec<(&Variant, Owner)> = pool.iter().map(|v| (*v, owner_in(v))).collect();
        let first = per_variant[0].1;
        if per_variant.iter().all(|(_, o)| *o == first) {
            let base = self.base_duty(service, area);
            if base.owner == first {
                return base;
            }
            // Every variant sets the same owner, other than the base one; so the first
            // variant sets this area itself.
            return per_variant[0].0.duties[&area].clone();
        }
        let owner = per_variant
            .iter()
            .map(|(_, o)| *o)
            .max_by_key(|o| o.customer_weight())
            .expect("a service with variants");
        let split = per_variant
            .iter()
            .map(|(v, o)| format!("{} {}", v.id, o))
            .collect::<Vec<_>>()
            .join(", ");
        let never: Vec<&str> = service
            .variants
            .iter()
            .filter(|v| !v.assumable())
            .map(|v| v.id.as_str())
            .collect();
        let never = if never.is_empty() {
            String::new()
        } else {
            format!("; {} is never assumed, only named", never.join(" and "))
        };
        Duty {
            owner,
            basis: Basis::Assumed,
            reason: format!(
                "Depends on how {} runs ({split}{never}); no variant is given, so the most customer-heavy of these is assumed. {}",
                service.name,
                self.owner_text(area, owner, &self.tiers[service.tier], &service.provider)
            ),
            source: None,
            pattern: None,
        }
    }

    /// What the provider does and what the customer must do in an area, in the
    /// provider's own wording where its catalogue gives one (`[[area]]`).
    pub fn area_text(&self, provider: &str, area: usize) -> (&str, &str) {
        let a = &self.areas[area];
        let own = self.own_area_text(provider, area);
        (
            own.and_then(|t| t.provider.as_deref())
                .unwrap_or(&a.provider),
            own.and_then(|t| t.customer.as_deref())
                .unwrap_or(&a.customer),
        )
    }

    /// The area's name, in the provider's own wording where its catalogue gives one.
    pub fn area_name(&self, provider: &str, area: usize) -> &str {
        self.own_area_text(provider, area)
            .and_then(|t| t.name.as_deref())
            .unwrap_or(&self.areas[area].name)
    }

    /// The provider's own wording of an area, by the provider's id.
    fn own_area_text(&self, provider: &str, area: usize) -> Option<&AreaText> {
        self.providers
            .iter()
            .find(|p| p.id == provider)
            .and_then(|p| p.areas.get(&area))
    }

    /// The sentence that explains an owner of an area.
    pub fn owner_text(&self, area: usize, owner: Owner, tier: &Tier, provider: &str) -> String {
        let (theirs, yours) = self.area_text(provider, area);
        match owner {
            Owner::Provider => theirs.to_string(),
            Owner::Customer => yours.to_string(),
            Owner::Shared => format!("Provider: {theirs} Customer: {yours}"),
            Owner::NotApplicable => {
                format!("No such layer in a service of the {} tier.", tier.name)
            }
            Owner::Unassessed => "The service is not in the catalogue.".into(),
        }
    }
}
