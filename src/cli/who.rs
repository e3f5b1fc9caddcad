//! `onus who`: who is responsible for one service's duties, and why.

use super::shared::{find_service, find_variant, load_services, DataArgs, Exit};
use crate::text::normalise;
use anyhow::{anyhow, Result};
use clap::Args;
use serde::Serialize;
use std::io::Write;

#[derive(Args)]
pub struct WhoArgs {
    /// A service, as an inventory would name it: s3, "Amazon EC2", AmazonEC2, AWS::EC2::Instance.
    pub service: String,
    /// One duty area (its id, e.g. guest-os); all areas when left out.
    pub area: Option<String>,
    /// The variant, for services whose split depends on how they are used.
    #[arg(long, value_name = "VARIANT")]
    pub variant: Option<String>,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Serialize)]
struct WhoAnswer<'a> {
    service: &'a str,
    variant: Option<&'a str>,
    area: &'a str,
    owner: crate::vocab::Owner,
    basis: crate::vocab::Basis,
    reason: &'a str,
    /// The provider's page the cell cites, if any.
    source: Option<&'a str>,
}

pub fn who_command(args: WhoArgs, out: &mut dyn Write) -> Result<Exit> {
    let catalogue = load_services(&args.data)?;
    let service = find_service(&catalogue, &args.service)?;
    let variant = find_variant(service, args.variant.as_deref())?;
    let duties = catalogue.duties(service, variant);
    let areas: Vec<usize> = match &args.area {
        None => (0..catalogue.areas.len()).collect(),
        Some(text) => {
            let found = catalogue.find_area(text).ok_or_else(|| {
                let words = catalogue
                    .areas
                    .iter()
                    .flat_map(|a| std::iter::once(&a.id).chain(&a.words));
                anyhow!(
                    "unknown duty area \"{text}\"{}; the areas are: {}",
                    crate::text::did_you_mean(&normalise(text), words.map(String::as_str)),
                    catalogue.area_ids()
                )
            })?;
            vec![found]
        }
    };
    let answers: Vec<WhoAnswer> = areas
        .iter()
        .map(|&i| WhoAnswer {
            service: &service.id,
            variant: variant.map(|v| v.id.as_str()),
            area: &catalogue.areas[i].id,
            owner: duties[i].owner,
            basis: duties[i].basis,
            reason: &duties[i].reason,
            // A tier default's page is the one the service's tier is read from.
            source: duties[i].source.as_deref().or(match duties[i].basis {
                crate::vocab::Basis::TierDefault => service
                    .source
                    .as_deref()
                    .filter(|s| s.starts_with("https://")),
                _ => None,
            }),
        })
        .collect();
    if args.json {
        let text = if args.area.is_some() {
            serde_json::to_string_pretty(&answers[0])?
        } else {
            serde_json::to_string_pretty(&answers)?
        };
        writeln!(out, "{text}")?;
    } else if args.area.is_some() {
        let a = &answers[0];
        writeln!(
            out,
            "{}: {} ({}{}, {}; basis: {})",
            a.owner,
            a.reason,
            service.name,
            variant
                .map(|v| format!(" — {}", v.name))
                .unwrap_or_default(),
            a.area,
            a.basis.id()
        )?;
        if let Some(source) = a.source {
            writeln!(out, "source: {source}")?;
        }
    } else {
        for a in &answers {
            writeln!(
                out,
                "{:<24} {:<10} {:<13} {}",
                a.area,
                a.owner.id(),
                a.basis.id(),
                a.reason
            )?;
        }
    }
    if variant.is_none()
        && !service.variants.is_empty()
        && answers
            .iter()
            .any(|a| a.basis == crate::vocab::Basis::Assumed)
    {
        eprintln!(
            "note: how does {} run: {}? Without --variant, the most customer-heavy of the variants that run in {} is assumed where they differ",
            service.id,
            service.variant_choices(),
            catalogue.regions_of(service)
        );
    }
    Ok(Exit::Success)
}
