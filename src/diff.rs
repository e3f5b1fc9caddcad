//! `onus diff`: what an inventory change does to ownership.
//!
//! In: two reports as JSON values (from `responsibility-matrix.json`, computed from an
//! inventory or read from a pack). Out: a [`Diff`]: services added and removed, duties
//! whose owner changed per service, controls whose owner changed per framework.
//! Working on the JSON means a pack made by an older version compares as it was made.

use crate::vocab::Owner;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// What the diff needs of a report.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Service key (`aws.eks/fargate`, or `?name` for unassessed) → name and owners.
    pub services: BTreeMap<String, (String, BTreeMap<String, Owner>)>,
    /// Duty area → owner across the inventory.
    pub summary: BTreeMap<String, Owner>,
    /// Framework selection → control id → the control.
    pub controls: BTreeMap<String, BTreeMap<String, ControlState>>,
}

#[derive(Debug, Default, Clone)]
pub struct ControlState {
    pub label: String,
    pub owner: Owner,
    pub summary: String,
    /// Service key → its owner of the control.
    pub services: BTreeMap<String, Owner>,
}

fn owner(v: &Value) -> Option<Owner> {
    serde_json::from_value(v.clone()).ok()
}

impl Snapshot {
    pub fn from_report(report: &Value) -> Result<Snapshot, String> {
        if report["schema"] != "onus/report/v1" {
            return Err(format!("not an onus report (schema {})", report["schema"]));
        }
        let mut snap = Snapshot::default();
        for s in report["services"].as_array().into_iter().flatten() {
            let key = match (s["id"].as_str(), s["variant"].as_str()) {
                (Some(id), Some(v)) => format!("{id}/{v}"),
                (Some(id), None) => id.to_string(),
                _ => format!("?{}", s["written"].as_str().unwrap_or("")),
            };
            let duties = s["duties"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(area, d)| owner(&d["owner"]).map(|o| (area.clone(), o)))
                .collect();
            let name = s["name"].as_str().unwrap_or("").to_string();
            snap.services.insert(key, (name, duties));
        }
        for (area, row) in report["summary"].as_object().into_iter().flatten() {
            if let Some(o) = owner(&row["owner"]) {
                snap.summary.insert(area.clone(), o);
            }
        }
        for f in report["frameworks"].as_array().into_iter().flatten() {
            let selection = f["selection"]
                .as_str()
                .or(f["id"].as_str())
                .unwrap_or("")
                .to_string();
            let controls = f["controls"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| {
                    let state = ControlState {
                        label: c["label"].as_str().unwrap_or("").to_string(),
                        owner: owner(&c["owner"])?,
                        summary: c["summary"].as_str().unwrap_or("").to_string(),
                        services: c["services"]
                            .as_object()
                            .into_iter()
                            .flatten()
                            .filter_map(|(k, v)| owner(v).map(|o| (k.clone(), o)))
                            .collect(),
                    };
                    Some((c["id"].as_str()?.to_string(), state))
                })
                .collect();
            snap.controls.insert(selection, controls);
        }
        Ok(snap)
    }
}

#[derive(Debug, Serialize)]
pub struct ServiceChange {
    pub service: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct DutyChange {
    pub service: String,
    pub name: String,
    /// For a service whose variants changed: `fargate → ec2` (`-` for no variant).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variants: Option<String>,
    pub area: String,
    pub old: Owner,
    pub new: Owner,
}

/// A service used on both sides, but run another way: its variants before and after
/// (`None` for rows that name no variant).
#[derive(Debug, Serialize)]
pub struct VariantChange {
    pub service: String,
    pub name: String,
    pub old: Vec<Option<String>>,
    pub new: Vec<Option<String>>,
}

impl VariantChange {
    fn words(&self) -> String {
        let side = |v: &[Option<String>]| {
            v.iter()
                .map(|x| x.as_deref().unwrap_or("-"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!("{} → {}", side(&self.old), side(&self.new))
    }
}

#[derive(Debug, Serialize)]
pub struct AreaChange {
    pub area: String,
    pub old: Owner,
    pub new: Owner,
}

#[derive(Debug, Serialize)]
pub struct ControlChange {
    pub framework: String,
    pub control: String,
    pub label: String,
    pub old: Owner,
    pub new: Owner,
    pub old_summary: String,
    pub new_summary: String,
    /// The service changes behind it, in words.
    pub because: String,
}

#[derive(Debug, Serialize, Default)]
pub struct Diff {
    pub added: Vec<ServiceChange>,
    pub removed: Vec<ServiceChange>,
    /// Services whose variants changed (ECS from Fargate to EC2): not added or removed;
    /// their duties whose owner changed are in `duties`.
    pub variants: Vec<VariantChange>,
    pub duties: Vec<DutyChange>,
    /// The owner across the inventory, per duty area.
    pub summary: Vec<AreaChange>,
    pub controls: Vec<ControlChange>,
    /// Frameworks selected on one side only (not compared).
    pub frameworks_only_in_one: Vec<String>,
}

impl Diff {
    pub fn changed(&self) -> bool {
        !(self.added.is_empty()
            && self.removed.is_empty()
            && self.variants.is_empty()
            && self.duties.is_empty()
            && self.controls.is_empty())
    }
}

/// The service id of a snapshot key (`aws.ecs/fargate` → `aws.ecs`), and its variant;
/// `None` for an unassessed one.
fn split_key(key: &str) -> Option<(&str, Option<&str>)> {
    if key.starts_with('?') {
        return None;
    }
    Some(match key.split_once('/') {
        Some((id, v)) => (id, Some(v)),
        None => (key, None),
    })
}

/// Keys of `a` that `b` lacks, by service id.
fn only_in<'a>(
    a: &'a Snapshot,
    b: &Snapshot,
) -> BTreeMap<&'a str, Vec<(&'a str, Option<&'a str>)>> {
    let mut out: BTreeMap<&str, Vec<(&str, Option<&str>)>> = BTreeMap::new();
    for key in a.services.keys() {
        if b.services.contains_key(key) {
            continue;
        }
        if let Some((id, variant)) = split_key(key) {
            out.entry(id).or_default().push((key.as_str(), variant));
        }
    }
    out
}

pub fn diff(old: &Snapshot, new: &Snapshot) -> Diff {
    let mut d = Diff::default();
    // A service whose keys differ on both sides changed variants: its duties are
    // compared, rolled up over the variants of each side.
    let (gone, came) = (only_in(old, new), only_in(new, old));
    let moved: Vec<&str> = gone
        .keys()
        .filter(|id| came.contains_key(*id))
        .copied()
        .collect();
    let is_moved = |key: &str| split_key(key).is_some_and(|(id, _)| moved.contains(&id));
    for id in &moved {
        let (before, after) = (&gone[id], &came[id]);
        let name = old.services[before[0].0].0.clone();
        let change = VariantChange {
            service: id.to_string(),
            name: name.clone(),
            old: before.iter().map(|(_, v)| v.map(str::to_string)).collect(),
            new: after.iter().map(|(_, v)| v.map(str::to_string)).collect(),
        };
        let rolled = |snap: &Snapshot, keys: &[(&str, Option<&str>)]| {
            let mut areas: BTreeMap<String, Vec<Owner>> = BTreeMap::new();
            for (key, _) in keys {
                for (area, owner) in &snap.services[*key].1 {
                    areas.entry(area.clone()).or_default().push(*owner);
                }
            }
            areas
                .into_iter()
                .map(|(area, owners)| (area, Owner::roll_up(owners)))
                .collect::<BTreeMap<String, Owner>>()
        };
        let (o, n) = (rolled(old, before), rolled(new, after));
        for (area, was) in &o {
            if let Some(now) = n.get(area).filter(|now| *now != was) {
                d.duties.push(DutyChange {
                    service: id.to_string(),
                    name: name.clone(),
                    variants: Some(change.words()),
                    area: area.clone(),
                    old: *was,
                    new: *now,
                });
            }
        }
        d.variants.push(change);
    }
    for (key, (name, _)) in &new.services {
        if !old.services.contains_key(key) && !is_moved(key) {
            d.added.push(ServiceChange {
                service: key.clone(),
                name: name.clone(),
            });
        }
    }
    for (key, (name, _)) in &old.services {
        if !new.services.contains_key(key) && !is_moved(key) {
            d.removed.push(ServiceChange {
                service: key.clone(),
                name: name.clone(),
            });
        }
    }
    for (key, (name, old_duties)) in &old.services {
        let Some((_, new_duties)) = new.services.get(key) else {
            continue;
        };
        for (area, o) in old_duties {
            if let Some(n) = new_duties.get(area) {
                if n != o {
                    d.duties.push(DutyChange {
                        service: key.clone(),
                        name: name.clone(),
                        variants: None,
                        area: area.clone(),
                        old: *o,
                        new: *n,
                    });
                }
            }
        }
    }
    for (area, o) in &old.summary {
        if let Some(n) = new.summary.get(area) {
            if n != o {
                d.summary.push(AreaChange {
                    area: area.clone(),
                    old: *o,
                    new: *n,
                });
            }
        }
    }
    for (fw, old_controls) in &old.controls {
        let Some(new_controls) = new.controls.get(fw) else {
            d.frameworks_only_in_one.push(fw.clone());
            continue;
        };
        for (id, o) in old_controls {
            let Some(n) = new_controls.get(id) else {
                continue;
            };
            if n.owner == o.owner {
                continue;
            }
            // The services behind the move: added, removed, or owning it differently.
            let mut because = Vec::new();
            for (service, owner) in &n.services {
                match o.services.get(service) {
                    None => because.push(format!("added {service} ({owner})")),
                    Some(before) if before != owner => {
                        because.push(format!("{service} {before} → {owner}"))
                    }
                    _ => {}
                }
            }
            because.extend(
                o.services
                    .keys()
                    .filter(|k| !n.services.contains_key(*k))
                    .map(|k| format!("removed {k}")),
            );
            d.controls.push(ControlChange {
                framework: fw.clone(),
                control: id.clone(),
                label: o.label.clone(),
                old: o.owner,
                new: n.owner,
                old_summary: o.summary.clone(),
                new_summary: n.summary.clone(),
                because: because.join(", "),
            });
        }
    }
    d.frameworks_only_in_one.extend(
        new.controls
            .keys()
            .filter(|k| !old.controls.contains_key(*k))
            .cloned(),
    );
    d
}

/// The diff for people (`text`) or for a pull-request comment (`markdown`).
pub fn render(d: &Diff, markdown: bool) -> String {
    use crate::render::escape_markdown as md;
    let mut out = String::new();
    let (h, item) = if markdown { ("### ", "- ") } else { ("", "  ") };
    if !d.changed() {
        out.push_str("No ownership changes.\n");
    }
    if !d.added.is_empty() || !d.removed.is_empty() {
        out.push_str(&format!("{h}Services\n"));
        for s in &d.added {
            out.push_str(&format!(
                "{item}added {} ({})\n",
                if markdown {
                    md(&s.name)
                } else {
                    s.name.clone()
                },
                s.service
            ));
        }
        for s in &d.removed {
            out.push_str(&format!(
                "{item}removed {} ({})\n",
                if markdown {
                    md(&s.name)
                } else {
                    s.name.clone()
                },
                s.service
            ));
        }
    }
    if !d.variants.is_empty() {
        out.push_str(&format!("{h}Services run another way\n"));
        for v in &d.variants {
            let name = if markdown {
                md(&v.name)
            } else {
                v.name.clone()
            };
            out.push_str(&format!("{item}{name} ({}): {}\n", v.service, v.words()));
        }
    }
    if !d.duties.is_empty() {
        out.push_str(&format!("{h}Duties whose owner changed\n"));
        for c in &d.duties {
            let variants = c
                .variants
                .as_ref()
                .map(|v| format!(", {v}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "{item}{} ({}{variants}) {}: {} → {}\n",
                c.name, c.service, c.area, c.old, c.new
            ));
        }
    }
    if !d.summary.is_empty() {
        out.push_str(&format!(
            "{h}Duty areas whose owner across the inventory changed\n"
        ));
        for a in &d.summary {
            out.push_str(&format!("{item}{}: {} → {}\n", a.area, a.old, a.new));
        }
    }
    if !d.controls.is_empty() {
        out.push_str(&format!("{h}Controls whose owner changed\n"));
        for c in &d.controls {
            let label = if markdown {
                md(&c.label)
            } else {
                c.label.clone()
            };
            out.push_str(&format!(
                "{item}{} {} {label}: {} → {} ({}){}\n",
                c.framework,
                c.control,
                c.old,
                c.new,
                c.new_summary,
                if c.because.is_empty() {
                    String::new()
                } else {
                    format!("; {}", c.because)
                }
            ));
        }
    }
    for fw in &d.frameworks_only_in_one {
        out.push_str(&format!(
            "note: {fw} is selected on one side only; its controls are not compared\n"
        ));
    }
    out
}
