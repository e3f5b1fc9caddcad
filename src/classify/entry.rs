//! One entry per (service, variant): its duties, the inventory's overrides applied.

use super::*;

/// A rationale says why in words: "." or "x" is not one.
pub fn is_rationale(text: &str) -> bool {
    text.chars().filter(|c| c.is_alphabetic()).count() >= 3
}

#[allow(clippy::too_many_arguments)]
pub(super) fn build_entry(
    catalogue: &Catalogue,
    inventory: &Inventory,
    service_index: usize,
    variant_index: Option<usize>,
    written: String,
    rows: Vec<usize>,
    file_overrides: &[FileOverride],
    overrides: &mut Vec<OverrideRecord>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Entry {
    let file = inventory.file.as_str();
    let service = &catalogue.services[service_index];
    let variant = variant_index.map(|v| &service.variants[v]);
    let mut duties = catalogue.duties(service, variant);
    let first_line = inventory.lines[rows[0]];
    // How many rows (a record past the kept rows stands for several), and their first
    // lines, as grouped messages name them.
    let count = rows.iter().map(|&r| inventory.weight(r)).sum::<u64>() as usize;
    let shown: Vec<u64> = rows
        .iter()
        .flat_map(|&r| inventory.lines_of(r))
        .take(SHOWN_LINES)
        .collect();

    let assumed: Vec<String> = duties
        .iter()
        .zip(&catalogue.areas)
        .filter(|(d, _)| d.basis == Basis::Assumed)
        .map(|(d, a)| format!("{} ({})", a.name, d.owner))
        .collect();
    if !assumed.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                Level::Warning,
                file,
                Some(first_line),
                with_lines(
                    &service.variant_question(&assumed, catalogue.regions_of(service)),
                    &shown,
                    count,
                ),
            )
            .with_hint(Some(format!("or pass --variant {}=VARIANT", service.id))),
        );
    }

    // A service the provider has retired (or is winding down): the rows may describe
    // what is no longer in use, or a use to move.
    if let Some(life) = catalogue.lifecycle_of(service) {
        let level = if life.state == "retired" {
            Level::Warning
        } else {
            Level::Note
        };
        let source = life
            .source
            .as_deref()
            .map(|s| format!(" (source: {s})"))
            .unwrap_or_default();
        let ask = if level == Level::Warning {
            ". Confirm that these rows describe a service still in use"
        } else {
            ""
        };
        diagnostics.push(Diagnostic::new(
            level,
            file,
            Some(first_line),
            with_lines(
                &format!(
                    "{} ({}): {}{source}{ask}",
                    service.id,
                    service.name,
                    life.text.trim_end_matches('.')
                ),
                &shown,
                count,
            ),
        ));
    }

    // The project file's overrides of this service: a variant's own before the
    // service's.
    let mut from_file: Vec<&FileOverride> = file_overrides
        .iter()
        .filter(|o| {
            o.service == service.id
                && (o.variant.is_none() || o.variant.as_deref() == variant.map(|v| v.id.as_str()))
        })
        .collect();
    from_file.sort_by_key(|o| o.variant.is_none());
    let mut areas: Vec<(Option<usize>, usize)> = inventory
        .columns
        .duties
        .iter()
        .map(|&(col, area)| (Some(col), area))
        .collect();
    for o in &from_file {
        if let Some(area) = catalogue.areas.iter().position(|a| a.id == o.area) {
            if !areas.iter().any(|(_, a)| *a == area) {
                areas.push((None, area));
            }
        }
    }
    for (col, area) in areas {
        let area_id = &catalogue.areas[area].id;
        let file_override = from_file.iter().find(|o| &o.area == area_id).copied();
        let statements: Vec<Option<Statement>> = rows
            .iter()
            .map(|&r| {
                let col = col?;
                let value = inventory.get(r, Some(col));
                (!value.is_empty()).then(|| Statement {
                    line: inventory.lines[r],
                    value: value.to_string(),
                    rationale: inventory.get(r, inventory.columns.rationale).to_string(),
                })
            })
            .collect();
        if statements.iter().all(Option::is_none) && file_override.is_none() {
            continue;
        }
        let catalogue_duty = duties[area].clone();
        let first_record = overrides.len();
        // The project file's override, checked when the file was read (an owner, and a
        // rationale where it leaves the customer less).
        let file_duty = file_override.map(|o| {
            overrides.push(OverrideRecord {
                file: Some(crate::text::file_name(&o.file).to_string()),
                line: o.line,
                service: service.id.clone(),
                variant: variant.map(|v| v.id.clone()),
                area: area_id.clone(),
                catalogue: catalogue_duty.owner,
                value: o.owner.to_string(),
                rationale: o.rationale.clone(),
                applied: false,
                note: String::new(),
            });
            Duty {
                owner: o.owner,
                basis: Basis::Override,
                reason: if o.rationale.is_empty() {
                    format!(
                        "Set by the project file ({} line {}).",
                        crate::text::file_name(&o.file),
                        o.line
                    )
                } else {
                    format!(
                        "{} ({} line {})",
                        o.rationale,
                        crate::text::file_name(&o.file),
                        o.line
                    )
                },
                source: None,
                pattern: None,
            }
        });
        // Each row's candidate: its valid override, else the project file's, else the
        // catalogue's owner.
        // Each with its line (for ties: the first wins), and how the warning below names
        // it: `line 4: customer (no override)`.
        let mut candidates: Vec<(u64, String, &str, Duty)> = Vec::new();
        for (statement, &r) in statements.iter().zip(&rows) {
            let line = inventory.lines[r];
            let Some(st) = statement else {
                candidates.push(match &file_duty {
                    Some(d) => (
                        line,
                        format!("line {line}"),
                        " (the project file's)",
                        d.clone(),
                    ),
                    None => (
                        line,
                        format!("line {line}"),
                        " (no override)",
                        catalogue_duty.clone(),
                    ),
                });
                continue;
            };
            let parsed = Owner::parse_input(&st.value);
            let (candidate, applied_note) = match parsed {
                None => {
                    diagnostics.push(Diagnostic::new(
                        Level::Error,
                        file,
                        Some(st.line),
                        format!(
                            "duty.{area_id} = \"{}\" is not an owner (expected provider, customer, shared or n/a); the customer is assumed to own it",
                            st.value
                        ),
                    ));
                    (
                        Duty {
                            owner: Owner::Customer,
                            basis: Basis::Assumed,
                            reason: format!("The inventory's override \"{}\" (line {}) is not an owner, so the customer is assumed to own it.", st.value, st.line),
                            source: None,
                            pattern: None,
                        },
                        "invalid value; customer assumed",
                    )
                }
                // Taking a duty (or part of it) from the customer needs a reason on record.
                Some(owner)
                    if owner.customer_weight() < catalogue_duty.owner.customer_weight()
                        && !is_rationale(&st.rationale) =>
                {
                    diagnostics.push(Diagnostic::new(
                        Level::Error,
                        file,
                        Some(st.line),
                        format!(
                            "duty.{area_id} = \"{}\" leaves the customer less than the catalogue does ({}) without a rationale; say why in the rationale column (the override is not applied)",
                            st.value, catalogue_duty.owner
                        ),
                    ));
                    (catalogue_duty.clone(), "not applied: no rationale")
                }
                Some(owner) => (
                    Duty {
                        owner,
                        basis: Basis::Override,
                        reason: if st.rationale.is_empty() {
                            format!("Set by the inventory (line {}).", st.line)
                        } else {
                            format!("{} (inventory line {})", st.rationale, st.line)
                        },
                        source: None,
                        pattern: None,
                    },
                    "",
                ),
            };
            overrides.push(OverrideRecord {
                file: None,
                line: st.line,
                service: service.id.clone(),
                variant: variant.map(|v| v.id.clone()),
                area: area_id.clone(),
                catalogue: catalogue_duty.owner,
                value: st.value.clone(),
                rationale: st.rationale.clone(),
                applied: false,
                note: applied_note.to_string(),
            });
            candidates.push((line, format!("line {line}"), "", candidate));
        }
        // The project file's override is a statement too, where rows make their own.
        if let (Some(o), Some(d)) = (file_override, &file_duty) {
            if statements.iter().any(Option::is_some) {
                let name = crate::text::file_name(&o.file);
                candidates.push((u64::MAX, format!("{name} line {}", o.line), "", d.clone()));
            }
        }
        // The candidate that leaves most to the customer wins; on a tie, an explicit
        // statement of the inventory wins over the catalogue.
        let winner = candidates
            .iter()
            .max_by_key(|(line, _, _, d)| {
                (
                    d.owner.customer_weight(),
                    d.basis == Basis::Override,
                    std::cmp::Reverse(*line),
                )
            })
            .map(|(_, _, _, d)| d.clone())
            .expect("an entry has rows");
        let distinct: std::collections::BTreeSet<Owner> =
            candidates.iter().map(|(_, _, _, d)| d.owner).collect();
        if distinct.len() > 1 {
            let said: Vec<String> = candidates
                .iter()
                .map(|(_, label, how, d)| format!("{label}: {}{how}", d.owner))
                .collect();
            diagnostics.push(Diagnostic::new(
                Level::Warning,
                file,
                Some(first_line),
                format!(
                    "rows of {}{} disagree on {area_id} ({}); keeping {}, the owner that leaves most to the customer. Give every row the same override, or give the rows different variants",
                    service.id,
                    variant.map(|v| format!(" ({})", v.id)).unwrap_or_default(),
                    said.join(", "),
                    winner.owner
                ),
            ));
        }
        for record in &mut overrides[first_record..] {
            if !record.note.is_empty() {
                continue;
            }
            if winner.basis == Basis::Override
                && Owner::parse_input(&record.value) == Some(winner.owner)
            {
                record.applied = true;
            } else {
                record.note = format!("not applied: another row keeps {}", winner.owner);
            }
        }
        duties[area] = winner;
    }

    Entry {
        service: Some(service_index),
        variant: variant_index,
        variant_named: false,
        variant_source: None,
        written,
        rows,
        row_count: count as u64,
        duties,
    }
}
