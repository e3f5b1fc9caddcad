//! `onus services`: the service catalogue.

use super::shared::{load_services, DataArgs, Exit};
use crate::catalogue::{Service, Variant};
use anyhow::{anyhow, Result};
use clap::Args;
use serde::Serialize;
use std::io::Write;

#[derive(Args)]
pub struct ServicesArgs {
    /// Only services of this tier (infrastructure, container, managed).
    #[arg(long, value_name = "TIER")]
    pub tier: Option<String>,
    /// Only services of this provider (aws).
    #[arg(long, value_name = "PROVIDER")]
    pub provider: Option<String>,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Serialize)]
struct ServiceListing<'a> {
    id: &'a str,
    name: &'a str,
    provider: &'a str,
    tier: &'a str,
    tier_basis: crate::vocab::Basis,
    source: Option<&'a str>,
    aliases: &'a [String],
    resource_types: &'a [String],
    variants: Vec<VariantListing<'a>>,
    duties: std::collections::BTreeMap<&'a str, crate::vocab::Owner>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lifecycle: Option<crate::catalogue::LifecycleOut>,
}

#[derive(Serialize)]
struct VariantListing<'a> {
    id: &'a str,
    name: &'a str,
    aliases: &'a [String],
    duties: std::collections::BTreeMap<&'a str, crate::vocab::Owner>,
}

pub fn services_command(args: ServicesArgs, out: &mut dyn Write) -> Result<Exit> {
    let catalogue = load_services(&args.data)?;
    let tier = match &args.tier {
        Some(t) => Some(catalogue.tier_index(t).ok_or_else(|| {
            anyhow!(
                "unknown tier \"{t}\"; expected one of: {}",
                catalogue
                    .tiers
                    .iter()
                    .map(|t| t.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?),
        None => None,
    };
    let provider = match &args.provider {
        Some(p) => Some(
            catalogue
                .provider(p)
                .ok_or_else(|| anyhow!("no catalogue for provider \"{p}\""))?
                .id
                .clone(),
        ),
        None => None,
    };
    let selected: Vec<&Service> = catalogue
        .services
        .iter()
        .filter(|s| {
            tier.is_none_or(|t| s.tier == t) && provider.as_ref().is_none_or(|p| &s.provider == p)
        })
        .collect();
    let owners = |variant: Option<&Variant>, s: &Service| {
        catalogue
            .areas
            .iter()
            .zip(catalogue.duties(s, variant))
            .map(|(a, d)| (a.id.as_str(), d.owner))
            .collect()
    };
    if args.json {
        let listing: Vec<ServiceListing> = selected
            .iter()
            .map(|s| ServiceListing {
                id: &s.id,
                name: &s.name,
                provider: &s.provider,
                tier: &catalogue.tiers[s.tier].id,
                tier_basis: s.tier_basis,
                source: s.source.as_deref(),
                aliases: &s.aliases,
                resource_types: &s.resource_types,
                variants: s
                    .variants
                    .iter()
                    .map(|v| VariantListing {
                        id: &v.id,
                        name: &v.name,
                        aliases: &v.aliases,
                        duties: owners(Some(v), s),
                    })
                    .collect(),
                duties: owners(None, s),
                lifecycle: catalogue.lifecycle_of(s),
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&listing)?)?;
    } else {
        let width = selected.iter().map(|s| s.id.len()).max().unwrap_or(0);
        for s in &selected {
            let variants = if s.variants.is_empty() {
                String::new()
            } else {
                format!(" [variants: {}]", s.variant_ids())
            };
            let lifecycle = match catalogue.lifecycle_of(s) {
                Some(l) if l.state == "retired" => match l.date {
                    Some(date) => format!(" (retired {date})"),
                    None => " (retired)".to_string(),
                },
                Some(_) => " (winding down)".to_string(),
                None => String::new(),
            };
            writeln!(
                out,
                "{:<width$}  {:<15} {}{lifecycle}{variants}",
                s.id, catalogue.tiers[s.tier].id, s.name
            )?;
        }
        eprintln!("{} services", selected.len());
    }
    Ok(Exit::Success)
}
