//! `onus frameworks`: the control frameworks, or one framework's controls.

use super::shared::{load_catalogue, DataArgs, Exit};
use crate::join::Selection;
use crate::text::plural;
use anyhow::{anyhow, bail, Result};
use clap::Args;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Args)]
pub struct FrameworksArgs {
    /// A framework id, `id:baseline` for one baseline.
    pub framework: Option<String>,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Serialize)]
struct FrameworkListing<'a> {
    id: &'a str,
    name: &'a str,
    version: &'a str,
    publisher: &'a str,
    controls: usize,
    withdrawn: usize,
    baselines: Vec<BaselineListing<'a>>,
    text: crate::catalogue::framework::TextPolicy,
    based_on: Option<&'a str>,
    source: &'a str,
    licence: &'a str,
}

#[derive(Serialize)]
struct BaselineListing<'a> {
    id: &'a str,
    name: &'a str,
    controls: usize,
}

#[derive(Serialize)]
struct ControlListing<'a> {
    id: &'a str,
    label: &'a str,
    group: Option<&'a str>,
    parent: Option<&'a str>,
    baselines: &'a [String],
    withdrawn: bool,
    areas: Vec<&'a str>,
    why: &'a str,
    /// The control's provider-neutral statements as written (placeholders unfilled), if
    /// it has them.
    customer_text: Option<String>,
    provider_text: Option<String>,
    /// Each provider's own statements, by provider id.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    providers: BTreeMap<&'a str, TextsListing>,
}

#[derive(Serialize)]
struct TextsListing {
    customer_text: Option<String>,
    provider_text: Option<String>,
}

impl ControlListing<'_> {
    fn has_statement(&self) -> bool {
        self.customer_text.is_some() || !self.providers.is_empty()
    }
}

pub fn frameworks_command(args: FrameworksArgs, out: &mut dyn Write) -> Result<Exit> {
    let catalogue = load_catalogue(&args.data)?;
    let Some(text) = args.framework.as_ref().filter(|t| t.as_str() != "all") else {
        let listing: Vec<FrameworkListing> = catalogue
            .frameworks
            .iter()
            .map(|f| FrameworkListing {
                id: &f.id,
                name: &f.name,
                version: &f.version,
                publisher: &f.publisher,
                controls: f.selected(None).count(),
                withdrawn: f.controls.iter().filter(|c| c.withdrawn).count(),
                baselines: f
                    .baselines
                    .iter()
                    .map(|b| BaselineListing {
                        id: &b.id,
                        name: &b.name,
                        controls: f.selected(Some(&b.id)).count(),
                    })
                    .collect(),
                text: f.text,
                based_on: f.based_on.as_deref(),
                source: &f.source,
                licence: &f.licence,
            })
            .collect();
        if args.json {
            writeln!(out, "{}", serde_json::to_string_pretty(&listing)?)?;
        } else {
            let width = listing.iter().map(|f| f.id.len()).max().unwrap_or(0);
            for f in &listing {
                let baselines: Vec<String> = f
                    .baselines
                    .iter()
                    .map(|b| format!("{} {}", b.id, b.controls))
                    .collect();
                let policy = serde_json::to_value(f.text)?;
                writeln!(
                    out,
                    "{:<width$}  {:>5} controls  text: {:<8}  {} {}{}",
                    f.id,
                    f.controls,
                    policy.as_str().unwrap_or_default(),
                    f.name,
                    f.version,
                    if baselines.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", baselines.join(", "))
                    }
                )?;
            }
        }
        return Ok(Exit::Success);
    };
    let selection =
        Selection::parse_all(&catalogue, std::slice::from_ref(text)).map_err(|e| anyhow!(e))?;
    let [selection] = selection.as_slice() else {
        bail!("name one framework (`onus frameworks` lists them)");
    };
    let fw = catalogue.framework(&selection.framework).expect("checked");
    let area_ids: Vec<String> = catalogue.areas.iter().map(|a| a.id.clone()).collect();
    let controls: Vec<ControlListing> = fw
        .selected(selection.baseline.as_deref())
        .map(|c| ControlListing {
            id: &c.id,
            label: &c.label,
            group: c.group.as_deref(),
            parent: c.parent.as_deref(),
            baselines: &c.baselines,
            withdrawn: c.withdrawn,
            areas: c
                .areas
                .iter()
                .map(|&a| catalogue.areas[a].id.as_str())
                .collect(),
            why: &c.why,
            customer_text: c.customer_text.as_ref().map(|t| t.source(&area_ids)),
            provider_text: c.provider_text.as_ref().map(|t| t.source(&area_ids)),
            providers: c
                .by_provider
                .iter()
                .map(|(p, t)| {
                    let texts = TextsListing {
                        customer_text: t.customer_text.as_ref().map(|t| t.source(&area_ids)),
                        provider_text: t.provider_text.as_ref().map(|t| t.source(&area_ids)),
                    };
                    (p.as_str(), texts)
                })
                .collect(),
        })
        .collect();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&controls)?)?;
    } else {
        // A `*` marks the controls with a statement of their own; the others fall back
        // to their areas' texts.
        let width = controls.iter().map(|c| c.id.len()).max().unwrap_or(0);
        for c in &controls {
            writeln!(
                out,
                "{:<width$} {} {}  [{}]",
                c.id,
                if c.has_statement() { '*' } else { ' ' },
                c.label,
                c.areas.join(", ")
            )?;
        }
        let with = controls.iter().filter(|c| c.has_statement()).count();
        eprintln!(
            "{}: {}, {with} with a statement (*)",
            selection.key(),
            plural(controls.len(), "control")
        );
    }
    Ok(Exit::Success)
}
