//! Classification: every inventory row resolved against the catalogue, rows aggregated to
//! one entry per (service, variant), and the inventory's overrides applied.
//!
//! In: a [`Catalogue`] and an [`Inventory`]. Out: a [`Classification`]: the entries with
//! their duties, what became of each row, the overrides and the diagnostics.
//! Wherever the input leaves the owner open, the customer is assumed to own the duty.

use crate::catalogue::{Arn, Catalogue, Duty, InferColumn, Lookup};
use crate::diagnostic::{Diagnostic, Level};
use crate::inventory::Inventory;
use crate::text::normalise;
use crate::vocab::{Basis, Owner};
use std::collections::{BTreeMap, BTreeSet};

mod entry;
mod resolve;

pub use entry::is_rationale;

use entry::*;
use resolve::*;

/// What became of one inventory row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowStatus {
    /// Resolved to a catalogue service.
    Assessed,
    /// Unknown service, unknown provider, ambiguous or empty service cell.
    Unassessed,
    /// A billing line that is not a service (data transfer charges...).
    Skipped,
}

/// What became of one inventory row (rows are in file order).
#[derive(Debug, Clone, Copy)]
pub struct RowOutcome {
    pub status: RowStatus,
    /// Index into [`Classification::entries`], where the row belongs to one.
    pub entry: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum EntryKey {
    Assessed {
        service: usize,
        variant: Option<usize>,
    },
    Unknown(String),
}

/// One service (with its variant) as the inventory uses it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// `None` for a service the catalogue does not know.
    pub service: Option<usize>,
    pub variant: Option<usize>,
    /// Whether a row names the variant (a variant column, or `--variant`).
    pub variant_named: bool,
    /// Where no row names it: the export's cell the variant was inferred from
    /// (`lineItem/Operation = FargateTask`).
    pub variant_source: Option<String>,
    /// The name as first written in the inventory (for unknown services).
    pub written: String,
    /// Indexes into the inventory's records.
    pub rows: Vec<usize>,
    /// How many rows those records stand for.
    pub row_count: u64,
    /// One per area, in area order.
    pub duties: Vec<Duty>,
}

/// A `duty.<area>` cell of the inventory, or an `[[override]]` of the project file, and
/// what the tool did with it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OverrideRecord {
    /// The project file's name, for an override of the project file; none for the
    /// inventory's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub line: u64,
    pub service: String,
    pub variant: Option<String>,
    pub area: String,
    /// The owner the catalogue gives.
    pub catalogue: Owner,
    /// The cell as written.
    pub value: String,
    pub rationale: String,
    /// Whether the override decides the owner shown in the report.
    pub applied: bool,
    pub note: String,
}

#[derive(Debug)]
pub struct Classification {
    pub entries: Vec<Entry>,
    pub rows: Vec<RowOutcome>,
    pub overrides: Vec<OverrideRecord>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What one row says about one area of its entry.
#[derive(Debug, Clone)]
struct Statement {
    line: u64,
    value: String,
    rationale: String,
}

/// A service-level override of the project file (`[[override]]`): for every row of the
/// service (of one variant, when it names one) that does not set the area itself.
#[derive(Debug, Clone)]
pub struct FileOverride {
    pub service: String,
    pub variant: Option<String>,
    pub area: String,
    pub owner: Owner,
    pub rationale: String,
    /// The project file as documents name it, and the line of the override.
    pub file: String,
    pub line: u64,
}

/// Whether `arn` names a service more specific than `name` does: a service of its own
/// for a resource type (`arn:aws:ec2:...:volume/...` is aws.ebs) under the service that
/// its namespace and `name` both name (aws.ec2).
///
/// An Azure resource id decides only where the name does not (empty, unknown or
/// ambiguous): a cost export's meter category is often finer than the id it was billed
/// to ("Load Balancer" or "SQL Managed Instance" billed to the workspace or server that
/// uses it), and a billing line of its own ("Bandwidth") stays one.
fn arn_is_finer(catalogue: &Catalogue, name: &str, arn: &str) -> bool {
    if let Some(kind) = crate::catalogue::resource_type_of_id(arn) {
        return matches!(
            catalogue.lookup_with(&kind, None, false),
            Lookup::Service(_)
        ) && (name.is_empty()
            || !matches!(
                catalogue.lookup_with(name, None, false),
                Lookup::Service(_) | Lookup::NotService(_)
            ));
    }
    let Some(parsed) = crate::catalogue::Arn::parse(arn.trim()) else {
        return false;
    };
    match (
        catalogue.lookup_with(name, None, false),
        catalogue.lookup_with(arn, None, false),
        catalogue.lookup_with(parsed.service, None, false),
    ) {
        (Lookup::Service(named), Lookup::Service(by_arn), Lookup::Service(namespace)) => {
            by_arn.id != named.id && namespace.id == named.id
        }
        _ => false,
    }
}

/// The one provider every row of the inventory belongs to, by its provider cell or by a
/// service name only one provider uses, if there is one: it decides the names both
/// providers use ("Backup", "Batch") on rows that name no provider.
fn sole_provider<'c>(catalogue: &'c Catalogue, inventory: &Inventory) -> Option<&'c str> {
    if catalogue.providers.len() < 2 {
        return None;
    }
    let cols = &inventory.columns;
    let mut seen = rustc_hash::FxHashSet::default();
    let mut providers = BTreeSet::new();
    for i in 0..inventory.len() {
        for (id, is_provider) in [
            (inventory.id(i, cols.provider), true),
            (inventory.service_id(i), false),
        ] {
            if id == 0 || !seen.insert((id, is_provider)) {
                continue;
            }
            let text = inventory.strings.get(id);
            let provider = if is_provider {
                catalogue.provider(text).map(|p| p.id.as_str())
            } else {
                match catalogue.lookup_with(text, None, false) {
                    Lookup::Service(s) => Some(s.provider.as_str()),
                    _ => None,
                }
            };
            providers.extend(provider);
            if providers.len() > 1 {
                return None;
            }
        }
    }
    providers.into_iter().next()
}

/// The variant to assume for rows of a service whose `variant` cell is empty, by
/// service id (`--variant aws.eks=fargate`): exports such as billing have no such column.
pub type DefaultVariants = BTreeMap<String, String>;

/// What a row's service cell, provider and variant resolve to: the same for every row
/// that writes them alike, so it is worked out once per distinct triple.
struct Resolution {
    status: RowStatus,
    key: Option<EntryKey>,
    /// How the variant came: named by the row or `--variant`, or inferred from a cell.
    named: bool,
    inferred: Option<String>,
    /// A problem to report, with the lines of every row it holds for.
    problem: Option<(Level, String)>,
    /// What to do about it on the command line (the terminal shows it; documents do not).
    hint: Option<String>,
    /// For a row that is not a service: the not-service kind and the value as shown.
    skipped: Option<(usize, String)>,
    /// Whether the name is unknown to the catalogue (such problems are listed for the
    /// first [`UNKNOWN_LISTED`] names, then counted).
    unknown: bool,
}

/// Unknown names listed one by one in the diagnostics; the rest are counted in one.
pub const UNKNOWN_LISTED: usize = 200;

/// Unknown names that get a "did you mean": the first few hundred only, so an inventory
/// of many distinct unknown names costs no more than one of a few hundred.
pub const SUGGESTED: usize = 300;

/// Rows of one not-service kind (Marketplace codes, taxes...), reported in one note.
#[derive(Default)]
struct Skips {
    /// The distinct values, in order of first appearance (the first few are named).
    values: Vec<String>,
    seen: rustc_hash::FxHashSet<String>,
    lines: Vec<u64>,
    count: usize,
}

/// A problem that recurs on many rows, reported once: its first lines and its count.
struct Group {
    level: Level,
    message: String,
    hint: Option<String>,
    lines: Vec<u64>,
    count: usize,
}

pub fn classify(
    catalogue: &Catalogue,
    inventory: &Inventory,
    default_variants: &DefaultVariants,
) -> Classification {
    classify_with(catalogue, inventory, default_variants, &[], false)
}

/// [`classify`], with the project file's overrides, and with `implied` the services
/// every account of a provider has (AWS IAM, STS, the account itself) added to an
/// inventory of that provider where no row names them: billing exports never list them.
pub fn classify_with(
    catalogue: &Catalogue,
    inventory: &Inventory,
    default_variants: &DefaultVariants,
    file_overrides: &[FileOverride],
    implied: bool,
) -> Classification {
    let file = inventory.file.as_str();
    let cols = &inventory.columns;
    let mut diagnostics = Vec::new();
    // Entries in order of first use: key, the name as first written, rows.
    type Slot = (EntryKey, String, Vec<usize>);
    let mut slots: Vec<Slot> = Vec::new();
    let mut slot_of: BTreeMap<EntryKey, usize> = BTreeMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: BTreeMap<(Level, String), usize> = BTreeMap::new();
    // Not-service kinds met, by kind.
    let mut skips: BTreeMap<usize, Skips> = BTreeMap::new();
    // Unknown names beyond the listed ones: their count, rows and first lines.
    let (mut unknown_names, mut unlisted_names) = (0usize, 0usize);
    let mut unlisted = Group {
        level: Level::Error,
        message: String::new(),
        hint: None,
        lines: Vec::new(),
        count: 0,
    };
    // How each slot's variant came: named by some row, or inferred (the first source).
    let mut slot_variant: Vec<(bool, Option<String>)> = Vec::new();
    // By (service, provider, variant, line item type, operation, usage type) cell ids:
    // the resolution, its slot, its group (`UNLISTED` for the unlisted unknown names) and
    // its not-service kind; worked out once per distinct combination.
    type Resolved = (RowStatus, Option<usize>, Option<usize>, Option<usize>);
    const UNLISTED: usize = usize::MAX;
    // The cell ids of: service, provider, variant, line item type, operation, usage
    // type, host provider.
    type Cells = (u32, u32, u32, u32, u32, u32, u32);
    let mut cache: rustc_hash::FxHashMap<Cells, Resolved> = Default::default();
    // Worked out only when a name both providers use needs it.
    let sole_cell = std::cell::OnceCell::new();
    let sole = || *sole_cell.get_or_init(|| sole_provider(catalogue, inventory));
    let mut row_slots: Vec<(RowStatus, Option<usize>)> = Vec::with_capacity(inventory.len());
    // (service cell, ARN cell) → whether the ARN names a more specific service.
    let mut finer: rustc_hash::FxHashMap<(u32, u32), bool> = Default::default();

    for i in 0..inventory.len() {
        let line = inventory.lines[i];
        // Past the kept rows, a record stands for a group of rows.
        let weight = inventory.weight(i);
        let mut written_id = inventory.service_id(i);
        // A row with a service name and an ARN: the ARN decides where it names a more
        // specific service (an EBS volume's ARN under a service `ec2` is aws.ebs).
        if let Some(arn_id) = cols.arn.map(|c| inventory.id(i, Some(c))) {
            if arn_id != 0 && arn_id != written_id {
                let more_specific = *finer.entry((written_id, arn_id)).or_insert_with(|| {
                    arn_is_finer(
                        catalogue,
                        inventory.strings.get(written_id),
                        inventory.strings.get(arn_id),
                    )
                });
                if more_specific {
                    written_id = arn_id;
                }
            }
        }
        if written_id == 0 {
            diagnostics.push(Diagnostic::new(
                Level::Error,
                file,
                Some(line),
                with_lines(
                    "the service cell is empty; name the service or delete the row (the row counts as unassessed)",
                    &inventory.lines_of(i).collect::<Vec<_>>(),
                    weight as usize,
                ),
            ));
            row_slots.push((RowStatus::Unassessed, None));
            continue;
        }
        let triple = (
            written_id,
            inventory.id(i, cols.provider),
            inventory.id(i, cols.variant),
            inventory.id(i, cols.line_item_type),
            inventory.id(i, cols.operation),
            inventory.id(i, cols.usage_type),
            inventory.id(i, cols.host_provider),
        );
        let (status, slot, group, kind) = cache.entry(triple).or_insert_with(|| {
            // An Azure resource id stands for its resource type: the rest of it is names
            // the customer chose.
            let written = inventory.strings.get(triple.0);
            let of_id = crate::catalogue::resource_type_of_id(written);
            let written = of_id.as_deref().unwrap_or(written);
            let header =
                |column: Option<usize>| column.map_or("", |c| inventory.headers[c].as_str());
            // The column the written name came from: the resource id's, where it decided.
            let service_header = cols
                .arn
                .filter(|&c| inventory.id(i, Some(c)) == triple.0)
                .or_else(|| {
                    cols.service
                        .iter()
                        .copied()
                        .find(|&c| inventory.id(i, Some(c)) != 0)
                })
                .map_or("", |c| inventory.headers[c].as_str());
            let export = Export {
                operation: (header(cols.operation), inventory.strings.get(triple.4)),
                usage_type: (header(cols.usage_type), inventory.strings.get(triple.5)),
                resource_type: (
                    service_header,
                    if written.contains("::") || crate::catalogue::is_resource_type(written) {
                        written
                    } else {
                        ""
                    },
                ),
            };
            let resolution = resolve(
                catalogue,
                written,
                inventory.strings.get(triple.1),
                inventory.strings.get(triple.6),
                &sole,
                inventory.strings.get(triple.2),
                inventory.strings.get(triple.3),
                &export,
                default_variants,
                unknown_names < SUGGESTED,
            );
            let mut new_unknown = false;
            let (named, inferred) = (resolution.named, resolution.inferred);
            let slot = resolution.key.map(|key| {
                let slot = *slot_of.entry(key.clone()).or_insert_with(|| {
                    new_unknown = resolution.unknown;
                    slots.push((key, written.to_string(), Vec::new()));
                    slot_variant.push((false, None));
                    slots.len() - 1
                });
                let meta = &mut slot_variant[slot];
                meta.0 |= named;
                if meta.1.is_none() {
                    meta.1 = inferred;
                }
                slot
            });
            unknown_names += usize::from(new_unknown);
            let group = if resolution.unknown && unknown_names > UNKNOWN_LISTED {
                unlisted_names += usize::from(new_unknown);
                Some(UNLISTED)
            } else {
                resolution.problem.map(|(level, message)| {
                    *group_of.entry((level, message.clone())).or_insert_with(|| {
                        groups.push(Group {
                            level,
                            message,
                            hint: resolution.hint.clone(),
                            lines: Vec::new(),
                            count: 0,
                        });
                        groups.len() - 1
                    })
                })
            };
            let kind = resolution.skipped.map(|(kind, value)| {
                let skip = skips.entry(kind).or_default();
                if skip.seen.insert(value.clone()) {
                    skip.values.push(value);
                }
                kind
            });
            (resolution.status, slot, group, kind)
        });
        if let Some(g) = *group {
            let group = if g == UNLISTED {
                &mut unlisted
            } else {
                &mut groups[g]
            };
            group.count += weight as usize;
            for line in inventory.lines_of(i) {
                if group.lines.len() < SHOWN_LINES {
                    group.lines.push(line);
                }
            }
        }
        if let Some(kind) = *kind {
            let skip = skips.entry(kind).or_default();
            skip.count += weight as usize;
            for line in inventory.lines_of(i) {
                if skip.lines.len() < SHOWN_LINES {
                    skip.lines.push(line);
                }
            }
        }
        if let Some(slot) = *slot {
            slots[slot].2.push(i);
        }
        row_slots.push((*status, *slot));
        if i.is_multiple_of(crate::progress::EVERY) {
            crate::progress::tick("classifying", i, inventory.len());
        }
    }

    for (kind, skip) in skips {
        let shown: Vec<&str> = skip
            .values
            .iter()
            .take(SHOWN_VALUES)
            .map(String::as_str)
            .collect();
        let more = skip.values.len() - shown.len();
        let reason = &catalogue.not_services[kind].reason;
        let message = match (skip.values.len(), more) {
            (1, _) => format!(
                "{} is a billing line, not a service ({reason}); skipped",
                shown[0]
            ),
            (_, 0) => format!(
                "{} are billing lines, not services ({reason}); skipped",
                shown.join(", ")
            ),
            _ => format!(
                "{} and {more} more are billing lines, not services ({reason}); skipped",
                shown.join(", ")
            ),
        };
        groups.push(Group {
            level: Level::Note,
            message,
            hint: None,
            lines: skip.lines,
            count: skip.count,
        });
    }
    if unlisted.count > 0 {
        unlisted.message = format!(
            "{unlisted_names} more unknown service names are not listed one by one (the first {UNKNOWN_LISTED} are); each is shown as unassessed in every area, and the JSON report lists them all"
        );
        groups.push(unlisted);
    }
    groups.sort_by(|a, b| (a.level, &a.message).cmp(&(b.level, &b.message)));
    for group in groups {
        diagnostics.push(
            Diagnostic::new(
                group.level,
                file,
                group.lines.first().copied(),
                with_lines(&group.message, &group.lines, group.count),
            )
            .with_hint(group.hint),
        );
    }

    // Entries in key order; `index_of[slot]` is a slot's entry index.
    let mut sorted: Vec<(usize, Slot)> = slots.into_iter().enumerate().collect();
    let slot_variant = &slot_variant;
    sorted.sort_by(|a, b| a.1 .0.cmp(&b.1 .0));
    let mut index_of = vec![0u32; sorted.len()];
    for (index, (slot, _)) in sorted.iter().enumerate() {
        index_of[*slot] = index as u32;
    }
    let mut overrides = Vec::new();
    let built: Vec<Entry> = sorted
        .into_iter()
        .map(|(slot, (key, written, rows))| {
            match key {
                EntryKey::Assessed { service, variant } => {
                    let mut entry = build_entry(
                        catalogue,
                        inventory,
                        service,
                        variant,
                        written,
                        rows,
                        file_overrides,
                        &mut overrides,
                        &mut diagnostics,
                    );
                    let (named, source) = &slot_variant[slot];
                    if variant.is_some() {
                        entry.variant_named = *named;
                        entry.variant_source = if *named { None } else { source.clone() };
                    }
                    entry
                }
                EntryKey::Unknown(_) => {
                    for &r in &rows {
                        for &(col, area) in &cols.duties {
                            if !inventory.get(r, Some(col)).is_empty() {
                                diagnostics.push(Diagnostic::new(
                                    Level::Warning,
                                    file,
                                    Some(inventory.lines[r]),
                                    format!("the override duty.{} is ignored: \"{written}\" is unassessed", catalogue.areas[area].id),
                                ));
                            }
                        }
                    }
                    Entry {
                        service: None,
                        variant: None,
                        variant_named: false,
                        variant_source: None,
                        duties: catalogue
                            .areas
                            .iter()
                            .map(|_| Duty {
                                owner: Owner::Unassessed,
                                basis: Basis::Unassessed,
                                reason: format!("\"{written}\" is not in the catalogue: nobody has assessed who owns this duty."),
                                source: None,
                                pattern: None,
                            })
                            .collect(),
                        written,
                        row_count: rows.iter().map(|&r| inventory.weight(r)).sum(),
                        rows,
                    }
                }
            }
        })
        .collect();

    let mut built = built;
    if implied {
        add_implied(catalogue, file, &mut built, &mut diagnostics);
    }
    let rows = row_slots
        .into_iter()
        .map(|(status, slot)| RowOutcome {
            status,
            entry: slot.map(|s| index_of[s]),
        })
        .collect();
    overrides.sort_by(|a: &OverrideRecord, b| {
        (&a.service, &a.variant, a.line, &a.area).cmp(&(&b.service, &b.variant, b.line, &b.area))
    });
    Classification {
        entries: built,
        rows,
        overrides,
        diagnostics,
    }
}

/// Adds the services every account of a provider has to an inventory where a row
/// names a service of that provider and none names them: entries with no rows, whose
/// duties are the catalogue's. One note says so.
fn add_implied(
    catalogue: &Catalogue,
    file: &str,
    entries: &mut Vec<Entry>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let present: BTreeSet<usize> = entries.iter().filter_map(|e| e.service).collect();
    let providers: std::collections::BTreeSet<&str> = present
        .iter()
        .map(|&i| catalogue.services[i].provider.as_str())
        .collect();
    let mut added: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (i, s) in catalogue.services.iter().enumerate() {
        if s.implied && providers.contains(s.provider.as_str()) && !present.contains(&i) {
            entries.push(Entry {
                service: Some(i),
                variant: None,
                variant_named: false,
                variant_source: None,
                written: s.name.clone(),
                rows: Vec::new(),
                row_count: 0,
                duties: catalogue.duties(s, None),
            });
            added
                .entry(s.provider.as_str())
                .or_default()
                .push(s.id.clone());
        }
    }
    for (provider, ids) in added {
        let name = catalogue
            .provider(provider)
            .map_or(provider.to_string(), |p| p.name.clone());
        diagnostics.push(Diagnostic::new(
            Level::Note,
            file,
            None,
            format!(
                "implied: {}, which every {name} account has, though billing exports never list them; they are assessed like the inventory's services (implied = false in the project file leaves them out)",
                crate::text::and_list(&ids)
            ),
        ));
    }
}

/// How many lines a grouped message names before "and N more".
const SHOWN_LINES: usize = 5;

/// How many values a note about skipped billing lines names before "and N more".
const SHOWN_VALUES: usize = 5;

/// `message (43 rows: lines 3, 9, 12, 20, 31 and 38 more)` for a message that holds for
/// `count` rows, the first of them at `lines`.
fn with_lines(message: &str, lines: &[u64], count: usize) -> String {
    if count < 2 {
        return message.to_string();
    }
    let shown: Vec<String> = lines.iter().take(SHOWN_LINES).map(u64::to_string).collect();
    let more = if count > shown.len() {
        format!(" and {} more", count - shown.len())
    } else {
        String::new()
    };
    format!("{message} ({count} rows: lines {}{more})", shown.join(", "))
}
