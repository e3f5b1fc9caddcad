//! The catalogue: the responsibility model (duty areas, tiers) and every provider's
//! services, loaded from the TOML files under `frameworks/`.
//!
//! In: the built-in files (embedded at build time) overlaid with a user's `--data DIR`.
//! Out: a validated [`Catalogue`] that can look a service up by any name a person or an
//! export writes for it, and say who owns each duty area of that service.
//! A bad data file is an error naming the file, line and column; nothing is guessed.

pub mod data;
pub mod framework;

use crate::text::{did_you_mean, normalise, strip_vendor_prefix};
use crate::vocab::{Basis, Owner};
use data::is_id;
pub use data::{data_files, DataError, DataFile};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use toml::Spanned;

// ---- raw file shapes (strict) ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    version: String,
    provider_note: String,
    area: Vec<RawArea>,
    #[serde(default)]
    pattern: Vec<RawPattern>,
    tier: Vec<RawTier>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    id: Spanned<String>,
    name: String,
    owner: Spanned<Owner>,
    provider: String,
    customer: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    id: Spanned<String>,
    short: String,
    name: String,
    /// Words people use for the area (`patching`, `firewall`), for `onus who`.
    #[serde(default)]
    words: Vec<Spanned<String>>,
    provider: String,
    customer: String,
    #[serde(default = "yes")]
    cloud: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    id: Spanned<String>,
    name: String,
    meaning: String,
    #[serde(default)]
    aliases: Vec<String>,
    defaults: BTreeMap<Spanned<String>, Spanned<Owner>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    catalogue: RawProvider,
    #[serde(default)]
    not_service: Vec<RawNotService>,
    #[serde(default)]
    service: Vec<RawService>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvider {
    provider: Spanned<String>,
    name: String,
    version: String,
    #[serde(default)]
    aliases: Vec<String>,
    source: String,
    licence: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotService {
    #[serde(default)]
    alias: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    line_item_types: Vec<String>,
    reason: Spanned<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq)]
#[serde(rename_all = "lowercase")]
enum RawTierBasis {
    Documented,
    Inferred,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    key: Spanned<String>,
    name: String,
    tier: Spanned<String>,
    tier_basis: RawTierBasis,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    resource_types: Vec<String>,
    #[serde(default)]
    duties: BTreeMap<Spanned<String>, Spanned<RawCell>>,
    #[serde(default)]
    variant: Vec<RawVariant>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCell {
    /// Optional where the cell names a pattern (which sets the owner).
    #[serde(default)]
    owner: Option<Owner>,
    #[serde(default)]
    pattern: Option<Spanned<String>>,
    #[serde(default)]
    part: Option<Spanned<String>>,
    #[serde(default)]
    basis: Option<RawTierBasis>,
    reason: String,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariant {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    on_premises: bool,
    #[serde(default)]
    opt_in: bool,
    #[serde(default)]
    infer: Vec<Spanned<RawInfer>>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    duties: BTreeMap<Spanned<String>, Spanned<RawCell>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInfer {
    column: String,
    #[serde(default)]
    equals: Option<String>,
    #[serde(default)]
    contains: Option<String>,
}

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
}

impl Variant {
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
        let mut catalogue = load_model(model_file)?;
        for file in files.iter().filter(|f| f.path.ends_with("/catalogue.toml")) {
            catalogue.add_provider(file)?;
        }
        catalogue.services.sort_by(|a, b| a.id.cmp(&b.id));
        catalogue.build_index(files)?;
        let area_ids: Vec<String> = catalogue.areas.iter().map(|a| a.id.clone()).collect();
        (catalogue.frameworks, catalogue.crosswalks) = framework::load(files, &area_ids)?;
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
        if trimmed.contains("::") {
            let lower = trimmed.to_lowercase();
            let namespace = lower.splitn(3, "::").take(2).collect::<Vec<_>>().join("::") + "::";
            for hit in [
                self.resource_type(&lower),
                self.index.namespaces.get(&namespace).copied(),
            ]
            .into_iter()
            .flatten()
            {
                if in_scope(&hit) {
                    return Lookup::Service(&self.services[hit]);
                }
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

    /// The service of a lower-cased resource type: its exact type, else the longest
    /// prefix it starts with.
    fn resource_type(&self, lower: &str) -> Option<usize> {
        self.index.types.get(lower).copied().or_else(|| {
            self.index
                .prefixes
                .iter()
                .find(|(prefix, _)| lower.starts_with(prefix.as_str()))
                .map(|&(_, i)| i)
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

    /// The not-service kind a line item type names (`Tax`, `Credit`), within a provider.
    pub fn not_service_line(
        &self,
        line_item_type: &str,
        provider: Option<&str>,
    ) -> Option<&NotService> {
        let ns = &self.not_services[*self.index.line_item_types.get(&normalise(line_item_type))?];
        provider.is_none_or(|p| ns.provider == p).then_some(ns)
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
            reason: self.owner_text(area, owner, tier),
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
        let assumable: Vec<&Variant> = service.variants.iter().filter(|v| v.assumable()).collect();
        let pool = if assumable.is_empty() {
            service.variants.iter().collect()
        } else {
            assumable
        };
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
        let never = if never.is_empty() || pool.len() == service.variants.len() {
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
                self.owner_text(area, owner, &self.tiers[service.tier])
            ),
            source: None,
            pattern: None,
        }
    }

    /// The sentence that explains an owner of an area.
    pub fn owner_text(&self, area: usize, owner: Owner, tier: &Tier) -> String {
        let a = &self.areas[area];
        match owner {
            Owner::Provider => a.provider.clone(),
            Owner::Customer => a.customer.clone(),
            Owner::Shared => format!("Provider: {} Customer: {}", a.provider, a.customer),
            Owner::NotApplicable => {
                format!("No such layer in a service of the {} tier.", tier.name)
            }
            Owner::Unassessed => "The service is not in the catalogue.".into(),
        }
    }

    fn add_provider(&mut self, file: &DataFile) -> Result<(), DataError> {
        let raw: RawCatalogue = file.parse()?;
        let provider_id = raw.catalogue.provider.get_ref().clone();
        let dir = file.path.trim_end_matches("/catalogue.toml");
        if provider_id != dir {
            return Err(file.error_at(
                Some(raw.catalogue.provider.span().start),
                format!("provider \"{provider_id}\" must match its folder \"{dir}\""),
            ));
        }
        if self.providers.iter().any(|p| p.id == provider_id) {
            return Err(file.error_at(None, format!("provider \"{provider_id}\" is defined twice")));
        }
        self.providers.push(Provider {
            id: provider_id.clone(),
            name: raw.catalogue.name,
            version: raw.catalogue.version,
            aliases: raw.catalogue.aliases,
            source: raw.catalogue.source,
            licence: raw.catalogue.licence,
            origin: file.origin.clone(),
        });
        for ns in raw.not_service {
            let aliases: Vec<String> = ns.alias.into_iter().chain(ns.aliases).collect();
            let at = Some(ns.reason.span().start);
            if aliases.is_empty() && ns.patterns.is_empty() && ns.line_item_types.is_empty() {
                return Err(file.error_at(
                    at,
                    "a not_service needs an alias, aliases, patterns or line_item_types",
                ));
            }
            for p in &ns.patterns {
                if p.is_empty()
                    || !p
                        .chars()
                        .all(|c| c == '*' || c == '#' || c.is_alphanumeric())
                {
                    return Err(file.error_at(at, format!("not_service pattern \"{p}\" may hold only letters, digits, * (any run) and # (one letter or digit)")));
                }
            }
            self.not_services.push(NotService {
                provider: provider_id.clone(),
                aliases,
                patterns: ns.patterns,
                line_item_types: ns.line_item_types,
                reason: ns.reason.into_inner(),
            });
        }
        let mut keys = HashMap::new();
        for rs in raw.service {
            let key = rs.key.get_ref().clone();
            let at = |span: std::ops::Range<usize>| Some(span.start);
            if !is_id(&key) {
                return Err(file.error_at(
                    at(rs.key.span()),
                    format!("service key \"{key}\" must be lower-case letters, digits and hyphens"),
                ));
            }
            if keys.insert(key.clone(), ()).is_some() {
                return Err(file.error_at(
                    at(rs.key.span()),
                    format!("service key \"{key}\" is defined twice"),
                ));
            }
            let tier = self.tier_index(rs.tier.get_ref()).ok_or_else(|| {
                file.error_at(
                    at(rs.tier.span()),
                    format!(
                        "unknown tier \"{}\"; expected one of: {}",
                        rs.tier.get_ref(),
                        self.tier_ids()
                    ),
                )
            })?;
            let tier_basis = match rs.tier_basis {
                RawTierBasis::Documented if rs.source.is_none() => {
                    return Err(file.error_at(
                        at(rs.key.span()),
                        format!("service \"{key}\": tier_basis = \"documented\" needs a source"),
                    ));
                }
                RawTierBasis::Documented => Basis::Documented,
                RawTierBasis::Inferred => Basis::Inferred,
            };
            let duties = self.cells(file, &key, rs.duties, false)?;
            let mut variants = Vec::new();
            for rv in rs.variant {
                let vid = rv.id.get_ref().clone();
                if !is_id(&vid) || variants.iter().any(|v: &Variant| v.id == vid) {
                    return Err(file.error_at(at(rv.id.span()), format!("service \"{key}\": variant id \"{vid}\" must be unique, lower-case letters, digits and hyphens")));
                }
                let mut infer = Vec::new();
                for rule in rv.infer {
                    let span = rule.span();
                    let rule = rule.into_inner();
                    let bad = |message: String| {
                        Err(file.error_at(Some(span.start), format!("{key}/{vid}: {message}")))
                    };
                    let Some(column) = InferColumn::ALL.into_iter().find(|c| c.id() == rule.column)
                    else {
                        return bad(format!(
                            "unknown infer column \"{}\"; expected one of: operation, usage_type, resource_type",
                            rule.column
                        ));
                    };
                    let (text, contains) = match (rule.equals, rule.contains) {
                        (Some(t), None) => (t, false),
                        (None, Some(t)) => (t, true),
                        _ => {
                            return bad(
                                "an infer rule takes exactly one of `equals` and `contains`".into(),
                            )
                        }
                    };
                    if text.trim().is_empty() {
                        return bad("an infer rule needs a text to look for".into());
                    }
                    infer.push(InferRule {
                        column,
                        text: text.to_lowercase(),
                        contains,
                    });
                }
                variants.push(Variant {
                    infer,
                    duties: self.cells(file, &format!("{key}/{vid}"), rv.duties, true)?,
                    id: vid,
                    name: rv.name,
                    on_premises: rv.on_premises,
                    opt_in: rv.opt_in,
                    aliases: rv.aliases,
                });
            }
            self.services.push(Service {
                id: format!("{provider_id}.{key}"),
                provider: provider_id.clone(),
                key,
                name: rs.name,
                tier,
                tier_basis,
                source: rs.source,
                aliases: rs.aliases,
                resource_types: rs.resource_types,
                duties,
                variants,
            });
        }
        Ok(())
    }

    fn cells(
        &self,
        file: &DataFile,
        owner_name: &str,
        raw: BTreeMap<Spanned<String>, Spanned<RawCell>>,
        in_variant: bool,
    ) -> Result<BTreeMap<usize, Duty>, DataError> {
        let mut out = BTreeMap::new();
        for (area_id, cell) in raw {
            let area = self.area_index(area_id.get_ref()).ok_or_else(|| {
                file.error_at(
                    Some(area_id.span().start),
                    format!(
                        "{owner_name}: unknown duty area \"{}\"{}",
                        area_id.get_ref(),
                        did_you_mean(area_id.get_ref(), self.areas.iter().map(|a| a.id.as_str()))
                    ),
                )
            })?;
            let span = cell.span();
            let cell = cell.into_inner();
            let (owner, pattern_text) = self.cell_owner(file, owner_name, span.start, &cell)?;
            if owner == Owner::Unassessed {
                return Err(file.error_at(
                    Some(span.start),
                    format!("{owner_name}: \"unassessed\" is not an owner a catalogue can set"),
                ));
            }
            let basis = match (in_variant, cell.basis) {
                (true, Some(_)) => {
                    return Err(file.error_at(Some(span.start), format!("{owner_name}: a variant's cells take no basis (it is always \"variant\")")));
                }
                (true, None) => Basis::Variant,
                (false, Some(RawTierBasis::Documented)) => Basis::Documented,
                (false, _) => Basis::Inferred,
            };
            if basis == Basis::Documented && cell.source.is_none() {
                return Err(file.error_at(
                    Some(span.start),
                    format!("{owner_name}: a documented cell needs a source"),
                ));
            }
            if cell.reason.trim().is_empty() {
                return Err(file.error_at(
                    Some(span.start),
                    format!("{owner_name}: every cell needs a reason"),
                ));
            }
            let reason = match &pattern_text {
                Some(text) => format!("{} {text}", cell.reason.trim_end()),
                None => cell.reason,
            };
            out.insert(
                area,
                Duty {
                    owner,
                    basis,
                    reason,
                    source: cell.source,
                    pattern: cell.pattern.map(Spanned::into_inner),
                },
            );
        }
        Ok(out)
    }

    /// A cell's owner, from its `owner` or from the pattern it names; with a pattern,
    /// also the text that follows the cell's reason (what each side does).
    fn cell_owner(
        &self,
        file: &DataFile,
        owner_name: &str,
        at: usize,
        cell: &RawCell,
    ) -> Result<(Owner, Option<String>), DataError> {
        let Some(pattern_id) = &cell.pattern else {
            if let Some(part) = &cell.part {
                return Err(file.error_at(
                    Some(part.span().start),
                    format!("{owner_name}: `part` needs a `pattern`"),
                ));
            }
            return match cell.owner {
                Some(owner) => Ok((owner, None)),
                None => Err(file.error_at(
                    Some(at),
                    format!("{owner_name}: every cell needs an owner or a pattern"),
                )),
            };
        };
        let pattern = self
            .patterns
            .iter()
            .find(|p| &p.id == pattern_id.get_ref())
            .ok_or_else(|| {
                file.error_at(
                    Some(pattern_id.span().start),
                    format!(
                        "{owner_name}: unknown pattern \"{}\"{}; model.toml defines: {}",
                        pattern_id.get_ref(),
                        did_you_mean(
                            pattern_id.get_ref(),
                            self.patterns.iter().map(|p| p.id.as_str())
                        ),
                        self.pattern_ids()
                    ),
                )
            })?;
        let parts = || {
            pattern
                .customer
                .iter()
                .map(|(p, _)| p.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some(part) = &cell.part else {
            return Err(file.error_at(
                Some(pattern_id.span().start),
                format!(
                    "{owner_name}: pattern \"{}\" needs a `part` saying the customer's part (one of: {})",
                    pattern.id,
                    parts()
                ),
            ));
        };
        let customer = pattern.part(part.get_ref()).ok_or_else(|| {
            file.error_at(
                Some(part.span().start),
                format!(
                    "{owner_name}: pattern \"{}\" has no part \"{}\" (expected one of: {})",
                    pattern.id,
                    part.get_ref(),
                    parts()
                ),
            )
        })?;
        if let Some(owner) = cell.owner.filter(|o| *o != pattern.owner) {
            return Err(file.error_at(
                Some(at),
                format!(
                    "{owner_name}: owner = \"{owner}\" contradicts pattern \"{}\", which gives \"{}\"; leave the owner out",
                    pattern.id, pattern.owner
                ),
            ));
        }
        Ok((
            pattern.owner,
            Some(format!(
                "({}) Provider: {} Customer: {}",
                pattern.name, pattern.provider, customer
            )),
        ))
    }

    fn pattern_ids(&self) -> String {
        self.patterns
            .iter()
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn tier_ids(&self) -> String {
        self.tiers
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn build_index(&mut self, files: &[DataFile]) -> Result<(), DataError> {
        let origin_of = |provider: &str| -> &DataFile {
            let path = format!("{provider}/catalogue.toml");
            files
                .iter()
                .find(|f| f.path == path)
                .expect("catalogue file of a loaded provider")
        };
        let mut index = Index::default();
        for (i, s) in self.services.iter().enumerate() {
            let file = origin_of(&s.provider);
            let mut names: Vec<&str> = vec![&s.key, &s.id, &s.name];
            names.extend(s.aliases.iter().map(String::as_str));
            let mut mine: Vec<String> = names
                .iter()
                .map(|n| normalise(n))
                .filter(|n| !n.is_empty())
                .collect();
            mine.sort();
            mine.dedup();
            for name in mine {
                let slot = index.names.entry(name.clone()).or_default();
                if let Some(&other) = slot
                    .iter()
                    .find(|&&j| self.services[j].provider == s.provider)
                {
                    return Err(file.error_near(
                        &format!("key = \"{}\"", s.key),
                        format!(
                            "the name \"{name}\" of {} is also a name of {}; names must be unique",
                            s.id, self.services[other].id
                        ),
                    ));
                }
                slot.push(i);
                let stripped = strip_vendor_prefix(&name);
                if stripped != name && !stripped.is_empty() {
                    let slot = index.stripped.entry(stripped.to_string()).or_default();
                    if !slot.contains(&i) {
                        slot.push(i);
                    }
                }
            }
            for rt in &s.resource_types {
                if let Some(prefix) = rt.strip_suffix('*') {
                    let lower = prefix.to_lowercase();
                    let parts: Vec<&str> = lower.split("::").collect();
                    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
                        return Err(file.error_near(rt, format!("{}: resource type prefix \"{rt}\" must look like AWS::EC2::TransitGateway*", s.id)));
                    }
                    if let Some(&(_, other)) = index.prefixes.iter().find(|(p, _)| *p == lower) {
                        return Err(file.error_near(
                            rt,
                            format!(
                                "resource type \"{rt}\" is claimed by {} and {}",
                                self.services[other].id, s.id
                            ),
                        ));
                    }
                    index.prefixes.push((lower, i));
                    continue;
                }
                let lower = rt.to_lowercase();
                let parts: Vec<&str> = lower.split("::").collect();
                let (map, well_formed) = if lower.ends_with("::") {
                    (
                        &mut index.namespaces,
                        parts.len() == 3 && parts[..2].iter().all(|p| !p.is_empty()),
                    )
                } else {
                    (
                        &mut index.types,
                        parts.len() == 3 && parts.iter().all(|p| !p.is_empty()),
                    )
                };
                if !well_formed {
                    return Err(file.error_near(rt, format!("{}: resource type \"{rt}\" must look like AWS::EC2:: (a namespace) or AWS::EC2::Volume", s.id)));
                }
                if let Some(other) = map.insert(lower, i) {
                    return Err(file.error_near(
                        rt,
                        format!(
                            "resource type \"{rt}\" is claimed by {} and {}",
                            self.services[other].id, s.id
                        ),
                    ));
                }
            }
        }
        index
            .prefixes
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        // A stripped name that is some service's full name, or that several services
        // share, would be a guess: leave it out.
        index
            .stripped
            .retain(|name, hits| !index.names.contains_key(name) && hits.len() == 1);
        for (i, ns) in self.not_services.iter().enumerate() {
            for alias in &ns.aliases {
                let key = normalise(alias);
                if let Some(hits) = index.names.get(&key) {
                    return Err(origin_of(&ns.provider).error_near(
                        alias,
                        format!(
                            "\"{alias}\" is listed as not a service but is a name of {}",
                            self.services[hits[0]].id
                        ),
                    ));
                }
                index.not_services.insert(key, i);
            }
            for p in &ns.patterns {
                index.patterns.push((p.to_lowercase(), i));
            }
            for t in &ns.line_item_types {
                index.line_item_types.insert(normalise(t), i);
            }
        }
        let mut all: Vec<(&String, &Vec<usize>)> =
            index.names.iter().chain(index.stripped.iter()).collect();
        all.sort();
        index.suggester = crate::text::Suggester::new(
            all.into_iter()
                .flat_map(|(name, hits)| hits.iter().map(move |&i| (name.as_str(), i))),
        );
        self.index = index;
        Ok(())
    }
}

fn load_model(file: &DataFile) -> Result<Catalogue, DataError> {
    let raw: RawModel = file.parse()?;
    let mut areas: Vec<Area> = Vec::new();
    for a in raw.area {
        let id = a.id.get_ref().clone();
        if !is_id(&id) || areas.iter().any(|x| x.id == id) {
            return Err(file.error_at(
                Some(a.id.span().start),
                format!("area id \"{id}\" must be unique, lower-case letters, digits and hyphens"),
            ));
        }
        let mut words = Vec::new();
        for word in a.words {
            let normalised = normalise(word.get_ref());
            let taken = areas.iter().any(|x| {
                normalise(&x.id) == normalised
                    || normalise(&x.name) == normalised
                    || x.words.contains(&normalised)
            });
            let own = normalised == normalise(&id) || normalised == normalise(&a.name);
            if normalised.is_empty() || own || taken || words.contains(&normalised) {
                return Err(file.error_at(
                    Some(word.span().start),
                    format!(
                        "area \"{id}\": the word \"{}\" is empty, repeats the area's id or name, or names another area too",
                        word.get_ref()
                    ),
                ));
            }
            words.push(normalised);
        }
        areas.push(Area {
            id,
            short: a.short,
            name: a.name,
            words,
            provider: a.provider,
            customer: a.customer,
            cloud: a.cloud,
        });
    }
    let mut patterns: Vec<Pattern> = Vec::new();
    for p in raw.pattern {
        let id = p.id.get_ref().clone();
        let at = Some(p.id.span().start);
        if !is_id(&id) || patterns.iter().any(|x| x.id == id) {
            return Err(file.error_at(
                at,
                format!(
                    "pattern id \"{id}\" must be unique, lower-case letters, digits and hyphens"
                ),
            ));
        }
        if matches!(p.owner.get_ref(), Owner::Unassessed | Owner::NotApplicable) {
            return Err(file.error_at(
                Some(p.owner.span().start),
                format!("pattern \"{id}\": its owner must be provider, customer or shared"),
            ));
        }
        if p.name.trim().is_empty() || p.provider.trim().is_empty() {
            return Err(file.error_at(
                at,
                format!("pattern \"{id}\" needs a name and a provider text"),
            ));
        }
        if p.customer.is_empty() {
            return Err(file.error_at(
                at,
                format!("pattern \"{id}\" needs at least one customer part ([pattern.customer] part = \"text\")"),
            ));
        }
        let mut customer = Vec::new();
        for (part, text) in p.customer {
            if !is_id(part.get_ref()) {
                return Err(file.error_at(
                    Some(part.span().start),
                    format!("pattern \"{id}\": part \"{}\" must be lower-case letters, digits and hyphens", part.get_ref()),
                ));
            }
            if text.get_ref().trim().is_empty() {
                return Err(file.error_at(
                    Some(text.span().start),
                    format!(
                        "pattern \"{id}\": the customer's part \"{}\" is empty",
                        part.get_ref()
                    ),
                ));
            }
            customer.push((part.into_inner(), text.into_inner()));
        }
        patterns.push(Pattern {
            id,
            name: p.name,
            owner: p.owner.into_inner(),
            provider: p.provider,
            customer,
        });
    }
    let mut tiers: Vec<Tier> = Vec::new();
    for t in raw.tier {
        let id = t.id.get_ref().clone();
        if !is_id(&id) || tiers.iter().any(|x| x.id == id) {
            return Err(file.error_at(
                Some(t.id.span().start),
                format!("tier id \"{id}\" must be unique, lower-case letters, digits and hyphens"),
            ));
        }
        let mut defaults = vec![None; areas.len()];
        for (area, owner) in t.defaults {
            let i = areas
                .iter()
                .position(|a| &a.id == area.get_ref())
                .ok_or_else(|| {
                    file.error_at(
                        Some(area.span().start),
                        format!(
                            "tier \"{id}\": unknown duty area \"{}\"{}",
                            area.get_ref(),
                            did_you_mean(area.get_ref(), areas.iter().map(|a| a.id.as_str()))
                        ),
                    )
                })?;
            if *owner.get_ref() == Owner::Unassessed {
                return Err(file.error_at(
                    Some(owner.span().start),
                    "\"unassessed\" is not a default owner",
                ));
            }
            defaults[i] = Some(owner.into_inner());
        }
        let defaults = defaults
            .into_iter()
            .enumerate()
            .map(|(i, o)| {
                o.ok_or_else(|| {
                    file.error_at(
                        Some(t.id.span().start),
                        format!(
                            "tier \"{id}\" has no default owner for area \"{}\"",
                            areas[i].id
                        ),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        tiers.push(Tier {
            id,
            name: t.name,
            meaning: t.meaning,
            aliases: t.aliases,
            defaults,
        });
    }
    Ok(Catalogue {
        model_version: raw.version,
        provider_note: raw.provider_note,
        areas,
        patterns,
        tiers,
        providers: Vec::new(),
        services: Vec::new(),
        not_services: Vec::new(),
        frameworks: Vec::new(),
        crosswalks: Vec::new(),
        evidence: Vec::new(),
        index: Index::default(),
    })
}

/// The parts of an ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, in an AWS
/// partition (`aws`, `aws-cn`, `aws-us-gov`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let head = text.get(..4)?;
        if !head.eq_ignore_ascii_case("arn:") {
            return None;
        }
        let mut parts = text[4..].splitn(5, ':');
        let arn = Arn {
            partition: parts.next()?,
            service: parts.next()?,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
        };
        let partition_ok = arn.partition == "aws" || arn.partition.starts_with("aws-");
        let service_ok = !arn.service.is_empty()
            && arn
                .service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        (partition_ok && service_ok).then_some(arn)
    }
}

/// Whether a normalised value matches a not-service pattern: `*` any run, `#` one ASCII
/// letter or digit; a pattern with `#` also needs a digit in the value (a Marketplace
/// product code mixes both, so a plain word is never taken for one).
pub fn pattern_matches(pattern: &str, value: &str) -> bool {
    if pattern.contains('#') && !value.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let p: Vec<char> = pattern.chars().collect();
    let v: Vec<char> = value.chars().collect();
    // Iterative wildcard matching, backtracking to the last `*`.
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < v.len() {
        let one = |c: char, x: char| {
            c == x || (c == '#' && (x.is_ascii_lowercase() || x.is_ascii_digit()))
        };
        if i < p.len() && p[i] != '*' && one(p[i], v[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}
