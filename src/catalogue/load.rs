//! Loading the catalogue: the strict shapes of `model.toml` and of a provider's
//! `catalogue.toml`, checked and turned into the validated types of the parent module.

use super::*;
use crate::text::did_you_mean;
use data::is_id;
use serde::Deserialize;
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
    /// Parts of automated checks' ids that concern the area (`mfa`, `snapshot`).
    #[serde(default)]
    check_words: Vec<String>,
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
    #[serde(default)]
    area: Vec<RawAreaText>,
}

/// A provider's own wording of a model area, where the model's names another
/// provider's products (Key Vault for secrets, network security groups).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAreaText {
    id: Spanned<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    customer: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvider {
    provider: Spanned<String>,
    name: String,
    version: String,
    #[serde(default)]
    aliases: Vec<String>,
    /// How the provider's pages name where its services run ("AWS Regions").
    #[serde(default)]
    regions: Option<String>,
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
    #[serde(default)]
    marketplace: bool,
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
    #[serde(default)]
    lifecycle: Option<Spanned<RawLifecycle>>,
    /// Every account of the provider has it, billed or not (AWS IAM).
    #[serde(default)]
    implied: bool,
}

/// `lifecycle = { retired = "2025-07-31", source = "...", successor = "aws.rds" }`, or
/// `{ notice = "...", source = "..." }` for a service in maintenance or closed to new
/// customers.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLifecycle {
    #[serde(default)]
    retired: Option<String>,
    #[serde(default)]
    notice: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    successor: Option<String>,
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

impl Catalogue {
    pub(super) fn add_provider(&mut self, file: &DataFile) -> Result<(), DataError> {
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
            regions: raw
                .catalogue
                .regions
                .unwrap_or_else(|| "the provider's regions".into()),
            areas: BTreeMap::new(),
            source: raw.catalogue.source,
            licence: raw.catalogue.licence,
            origin: file.origin.clone(),
        });
        let mut areas = BTreeMap::new();
        for text in raw.area {
            let Some(area) = self.areas.iter().position(|a| a.id == *text.id.get_ref()) else {
                return Err(file.error_at(
                    Some(text.id.span().start),
                    format!(
                        "unknown area \"{}\"; the areas are: {}",
                        text.id.get_ref(),
                        self.area_ids()
                    ),
                ));
            };
            areas.insert(
                area,
                AreaText {
                    name: text.name,
                    provider: text.provider,
                    customer: text.customer,
                },
            );
        }
        if let Some(provider) = self.providers.last_mut() {
            provider.areas = areas;
        }
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
                marketplace: ns.marketplace,
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
            let lifecycle = match rs.lifecycle {
                None => None,
                Some(raw) => {
                    let span = raw.span();
                    let raw = raw.into_inner();
                    let bad = |m: &str| {
                        Err(file.error_at(
                            Some(span.start),
                            format!("service \"{key}\": lifecycle: {m}"),
                        ))
                    };
                    let retired = match raw.retired.as_deref() {
                        None => None,
                        Some("undated") => Some(None),
                        Some(date) => match crate::text::Date::parse(date) {
                            Some(d) => Some(Some(d.to_string())),
                            None => return bad("retired is a date, YYYY-MM-DD, or \"undated\" where AWS publishes none"),
                        },
                    };
                    if retired.is_some() == raw.notice.is_some() {
                        return bad("give exactly one of retired and notice");
                    }
                    if raw
                        .source
                        .as_deref()
                        .is_some_and(|s| !s.starts_with("https://"))
                    {
                        return bad("source is the provider's page that says so (https://...)");
                    }
                    if raw.notice.is_some() && raw.source.is_none() {
                        return bad("a notice needs the provider's page that gives it (source)");
                    }
                    Some(Lifecycle {
                        retired,
                        notice: raw.notice,
                        source: raw.source,
                        successor: raw.successor,
                    })
                }
            };
            self.services.push(Service {
                lifecycle,
                implied: rs.implied,
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

    pub(super) fn build_index(&mut self, files: &[DataFile]) -> Result<(), DataError> {
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
                let Some(shape) = ResourceTypeShape::of(rt) else {
                    return Err(file.error_near(rt, format!("{}: resource type \"{rt}\" must look like AWS::EC2:: (a namespace), AWS::EC2::Volume or AWS::EC2::TransitGateway*, or for Azure microsoft.sql/ (a namespace), microsoft.sql/servers or microsoft.network/vpn*", s.id)));
                };
                let claimed = match shape {
                    ResourceTypeShape::Prefix(lower) => {
                        match index.prefixes.iter().find(|(p, _)| *p == lower) {
                            Some(&(_, other)) => Some(other),
                            None => {
                                index.prefixes.push((lower, i));
                                None
                            }
                        }
                    }
                    ResourceTypeShape::Namespace(lower) => index.namespaces.insert(lower, i),
                    ResourceTypeShape::Exact(lower) => index.types.insert(lower, i),
                };
                if let Some(other) = claimed {
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

pub(super) fn load_model(file: &DataFile) -> Result<Catalogue, DataError> {
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
            check_words: a.check_words,
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
        subservices: Vec::new(),
        certificates: Vec::new(),
        index: Index::default(),
    })
}

/// How a catalogue's resource type is written, lower-cased: an AWS CloudFormation type
/// (`AWS::EC2::Volume`, namespace `AWS::EC2::`, prefix `AWS::EC2::TransitGateway*`) or an
/// Azure Resource Manager type (`microsoft.sql/servers`, namespace `microsoft.sql/`,
/// prefix `microsoft.network/vpn*`).
enum ResourceTypeShape {
    Exact(String),
    Namespace(String),
    Prefix(String),
}

impl ResourceTypeShape {
    fn of(rt: &str) -> Option<ResourceTypeShape> {
        let lower = rt.to_lowercase();
        if lower.contains("::") {
            let body = lower.strip_suffix('*').unwrap_or(&lower);
            let parts: Vec<&str> = body.split("::").collect();
            if parts.len() != 3 || parts[..2].iter().any(|p| p.is_empty()) {
                return None;
            }
            return Some(match (lower.ends_with('*'), parts[2].is_empty()) {
                (true, false) => ResourceTypeShape::Prefix(body.to_string()),
                (false, true) => ResourceTypeShape::Namespace(lower),
                (false, false) => ResourceTypeShape::Exact(lower),
                (true, true) => return None,
            });
        }
        let body = lower.strip_suffix('*').unwrap_or(&lower);
        if !super::armid::is_resource_type(body) {
            return None;
        }
        Some(match (lower.ends_with('*'), body.ends_with('/')) {
            (true, false) => ResourceTypeShape::Prefix(body.to_string()),
            (false, true) if body.matches('/').count() == 1 => ResourceTypeShape::Namespace(lower),
            (false, false) => ResourceTypeShape::Exact(lower),
            _ => return None,
        })
    }
}
