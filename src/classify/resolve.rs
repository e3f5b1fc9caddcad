//! Resolving a row's cells (service, provider, variant, billing columns) to what it names.

use super::*;

/// The cells of a row that can show how its service runs, each with its column's header.
pub(super) struct Export<'a> {
    pub(super) operation: (&'a str, &'a str),
    pub(super) usage_type: (&'a str, &'a str),
    pub(super) resource_type: (&'a str, &'a str),
}

impl<'a> Export<'a> {
    fn cell(&self, column: InferColumn) -> (&'a str, &'a str) {
        match column {
            InferColumn::Operation => self.operation,
            InferColumn::UsageType => self.usage_type,
            InferColumn::ResourceType => self.resource_type,
        }
    }
}

/// What a service cell (with the row's provider, variant, line item type and export
/// cells) resolves to.
#[allow(clippy::too_many_arguments)]
pub(super) fn resolve<'c>(
    catalogue: &'c Catalogue,
    written: &str,
    provider_cell: &str,
    host_cell: &str,
    sole_provider: &dyn Fn() -> Option<&'c str>,
    variant_cell: &str,
    line_item_type: &str,
    export: &Export,
    default_variants: &DefaultVariants,
    suggest: bool,
) -> Resolution {
    let unassessed = |problem: String| Resolution {
        status: RowStatus::Unassessed,
        key: Some(unknown_key(written)),
        named: false,
        inferred: None,
        problem: Some((Level::Error, problem)),
        hint: None,
        skipped: None,
        unknown: false,
    };
    let skipped = |kind: usize, shown: String| Resolution {
        status: RowStatus::Skipped,
        key: None,
        named: false,
        inferred: None,
        problem: None,
        hint: None,
        skipped: Some((kind, shown)),
        unknown: false,
    };
    let named = catalogue.provider(provider_cell).map(|p| p.id.as_str());
    let mut provider = named;
    // FOCUS 1.3: a service sold by one provider on another's platform is a marketplace
    // row of the host, unless the host's own catalogue holds the service (Oracle
    // Database@AWS is AWS's to run).
    let host = catalogue.provider(host_cell).map(|p| p.id.as_str());
    if let Some(h) = host.filter(|&h| !provider_cell.is_empty() && named != Some(h)) {
        if matches!(
            catalogue.lookup_with(written, Some(h), false),
            Lookup::Service(_)
        ) {
            provider = Some(h);
        } else if let Some(ns) = catalogue.marketplace(h) {
            return skipped(
                catalogue.not_service_index(ns),
                format!("\"{written}\" (sold by {provider_cell} on {host_cell})"),
            );
        }
    }
    if provider.is_none() && !provider_cell.is_empty() {
        // One diagnostic for all the rows of the provider; its services stay apart from
        // any of a known provider's of the same name.
        let known: Vec<&str> = catalogue.providers.iter().map(|p| p.id.as_str()).collect();
        return Resolution {
            key: Some(EntryKey::Unknown(format!(
                "{}:{}",
                normalise(provider_cell),
                normalise(written)
            ))),
            hint: Some("add a catalogue for it with --data DIR".into()),
            ..unassessed(format!(
                "no catalogue for provider \"{provider_cell}\" (onus knows: {}); its services are shown as unassessed",
                known.join(", ")
            ))
        };
    }
    if !line_item_type.is_empty() {
        if let Some(ns) = catalogue.not_service_line(line_item_type) {
            return skipped(
                catalogue.not_service_index(ns),
                format!("\"{line_item_type}\" (line item type)"),
            );
        }
    }
    let mut found = catalogue.lookup_with(written, provider, suggest);
    // A name both providers use, on a row that names no provider: the file's other rows
    // decide when they all belong to one provider.
    if let (Lookup::Ambiguous(_), None) = (&found, provider) {
        if let Some(sole) = sole_provider() {
            found = catalogue.lookup_with(written, Some(sole), suggest);
        }
    }
    match found {
        Lookup::Service(service) => {
            let service_index = catalogue.service_index(service);
            // The export's own evidence comes before an assumption made with --variant.
            if variant_cell.is_empty() {
                if let Some((v, column, value)) = service.infer_variant(|c| export.cell(c).1) {
                    let header = match export.cell(column).0 {
                        "" => column.id(),
                        h => h,
                    };
                    let source = format!("{header} = {value}");
                    let variant = &service.variants[v];
                    return Resolution {
                        status: RowStatus::Assessed,
                        key: Some(EntryKey::Assessed {
                            service: service_index,
                            variant: Some(v),
                        }),
                        named: false,
                        problem: Some((
                            Level::Note,
                            format!(
                                "{} runs as {} ({}), inferred from {source}",
                                service.id, variant.id, variant.name
                            ),
                        )),
                        inferred: Some(source),
                        hint: None,
                        skipped: None,
                        unknown: false,
                    };
                }
            }
            let variant_cell = match variant_cell {
                "" => default_variants.get(&service.id).map_or("", String::as_str),
                given => given,
            };
            let assessed = |variant, problem| Resolution {
                status: RowStatus::Assessed,
                key: Some(EntryKey::Assessed {
                    service: service_index,
                    variant,
                }),
                named: variant.is_some(),
                inferred: None,
                problem,
                hint: None,
                skipped: None,
                unknown: false,
            };
            if variant_cell.is_empty() {
                assessed(None, None)
            } else if let Some(v) = service.variant(variant_cell) {
                assessed(service.variants.iter().position(|x| x.id == v.id), None)
            } else if service.variants.is_empty() {
                // The inventory says the service is used in a way the catalogue does
                // not describe (ECS Fargate with launch type EXTERNAL): nothing can
                // be assumed about the provider's part.
                unassessed(format!(
                    "{} has no variants, so the catalogue does not know it used as \"{variant_cell}\"; shown as unassessed. Remove the variant, or name the service it describes",
                    service.id
                ))
            } else {
                assessed(None, Some((Level::Error, format!(
                    "\"{variant_cell}\" is not a variant of {} (expected one of: {}); the customer is assumed to own the duties that depend on it",
                    service.id,
                    service.variant_ids()
                ))))
            }
        }
        Lookup::NotService(ns) => {
            skipped(catalogue.not_service_index(ns), format!("\"{written}\""))
        }
        Lookup::Ambiguous(services) => {
            let ids: Vec<&str> = services.iter().map(|s| s.id.as_str()).collect();
            Resolution {
                hint: Some("add a provider column naming each row's provider".into()),
                ..unassessed(format!(
                    "which provider's \"{written}\" is it: {}? The row names no provider and the file holds services of several; shown as unassessed until a provider column says which",
                    ids.join(" or ")
                ))
            }
        }
        Lookup::Unknown { suggestions } => {
            let hint = if suggestions.is_empty() {
                String::new()
            } else {
                let names: Vec<String> = suggestions
                    .iter()
                    .map(|s| format!("{} ({})", s.id, s.name))
                    .collect();
                format!(" (did you mean {}?)", names.join(", "))
            };
            let message = match Arn::parse(written.trim()) {
                // Every ARN of one unknown service gives the same message, so one line.
                Some(arn) => format!(
                    "unknown service \"{}\" (named by the service part of ARNs \"arn:{}:{}:...\"), shown as unassessed in every area",
                    arn.service, arn.partition, arn.service
                ),
                None => format!(
                    "unknown service \"{written}\"{hint}, shown as unassessed in every area; correct the name, or add the service to the catalogue"
                ),
            };
            Resolution {
                unknown: true,
                hint: Some(
                    "`onus services` lists the known names; --data DIR adds a service".into(),
                ),
                ..unassessed(message)
            }
        }
    }
}

/// Unknown names group by their normalised form; one that normalises to nothing keeps
/// its own spelling, so distinct odd names stay distinct.
pub(super) fn unknown_key(written: &str) -> EntryKey {
    // The ARNs of one unknown service are one unknown service.
    if let Some(arn) = Arn::parse(written.trim()) {
        return EntryKey::Unknown(format!("arn:{}", arn.service.to_lowercase()));
    }
    let key = normalise(written);
    EntryKey::Unknown(if key.is_empty() {
        written.to_string()
    } else {
        key
    })
}
