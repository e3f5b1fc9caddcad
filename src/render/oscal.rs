//! `oscal-component-definition.json`: the report as an OSCAL 1.1.2 component definition.
//!
//! In: the report. Out: JSON bytes. One component (type `service`) per assessed service,
//! one control implementation per selected framework, one implemented requirement per
//! control with the responsible roles (`provider`, `customer`) and a statement of what
//! each does. UUIDs are version 5, derived from the content's identity, so the same
//! report gives the same file.

use crate::join::{ControlOut, Part};
use crate::report::Report;
use crate::vocab::Owner;
use serde_json::{json, Value};
use sha1::{Digest, Sha1};

pub const OSCAL_VERSION: &str = "1.1.2";

/// The URL namespace of RFC 4122; names are `onus:<what it identifies>`.
const URL_NAMESPACE: [u8; 16] = [
    0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
];

/// RFC 4122 version-5 UUID of `name` under `namespace`.
pub fn uuid_v5(namespace: &[u8; 16], name: &str) -> String {
    let mut hasher = Sha1::new();
    hasher.update(namespace);
    hasher.update(name.as_bytes());
    let hash = hasher.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

fn uuid(name: &str) -> String {
    uuid_v5(&URL_NAMESPACE, &format!("onus:{name}"))
}

/// An OSCAL token (`control-id`, `statement-id`): NIST ids in OSCAL form (`AC-2(1)` →
/// `ac-2.1`), others with every other character made a hyphen and a leading letter.
pub fn control_token(framework: &str, id: &str) -> String {
    let nist = matches!(framework, "nist-800-53" | "fedramp");
    let mut t: String = if nist {
        id.to_lowercase().replace('(', ".").replace(')', "")
    } else {
        id.to_lowercase()
    };
    t = t
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !t.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        t = format!("{}_{t}", framework.replace('-', "_"));
    }
    t
}

fn roles(owner: Owner) -> Vec<Value> {
    match owner {
        Owner::Provider => vec![json!({"role-id": "provider"})],
        Owner::Customer => vec![json!({"role-id": "customer"})],
        Owner::Shared => vec![
            json!({"role-id": "provider"}),
            json!({"role-id": "customer"}),
        ],
        Owner::NotApplicable | Owner::Unassessed => Vec::new(),
    }
}

/// `area, area` of the parts that concern `key`, or nothing.
fn areas_of(parts: &[Part], key: &str) -> String {
    parts
        .iter()
        .filter(|p| p.services.iter().any(|s| s == key))
        .map(|p| p.area.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The requirement of one control for the services of one responsibility profile, named
/// by `key` (its first service) and `profile` (its identity); `None` where the control
/// does not apply to them.
fn requirement(framework: &str, c: &ControlOut, key: &str, profile: &str) -> Option<Value> {
    let owner = *c.services.get(key)?;
    if matches!(owner, Owner::NotApplicable | Owner::Unassessed) {
        return None;
    }
    let token = control_token(framework, &c.id);
    let name = format!("{framework}/{}/{profile}", c.id);
    let mut req = json!({
        "uuid": uuid(&name),
        "control-id": token,
        "description": format!("{} {}: {}.", c.id, one_line(&c.label), owner.display()),
        "responsible-roles": roles(owner),
    });
    // A shared control says which areas are whose; the areas' texts are in the
    // back-matter once.
    if owner == Owner::Shared {
        let (provider, customer) = (areas_of(&c.provider, key), areas_of(&c.customer, key));
        req["statements"] = json!([
            {
                "statement-id": format!("{token}_smt.provider"),
                "uuid": uuid(&format!("{name}/provider")),
                // How the customer monitors the provider is said once, in the provider's
                // role.
                "description": format!("Performed by the provider: {provider}."),
                "responsible-roles": [{"role-id": "provider"}],
            },
            {
                "statement-id": format!("{token}_smt.customer"),
                "uuid": uuid(&format!("{name}/customer")),
                "description": format!("The customer's: {customer}."),
                "responsible-roles": [{"role-id": "customer"}],
            },
        ]);
    }
    Some(req)
}

/// A single-line string with no edge spaces, as OSCAL requires of titles and names.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A responsibility profile: every area's owner, and the services (indexes) that have them.
type Profile<'a> = (Vec<(&'a str, Owner)>, Vec<usize>);

/// Where onus's own props live.
const NS: &str = "https://github.com/onus-compliance/onus/ns/oscal";

/// `oscal-component-definition.json`: one component per assessed service, and one
/// capability per responsibility profile (the services whose every duty area has the
/// same owner) that incorporates those services and carries the control
/// implementations once for all of them. Each control implementation's `source` is the
/// framework's published OSCAL profile or catalog; a framework that has none points to a
/// back-matter resource that says so.
pub fn render(report: &Report) -> Vec<u8> {
    let m = &report.meta;
    let title = Some(one_line(&m.title))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "Shared responsibility matrix".into());
    let org = m.org.as_deref().map(one_line).filter(|o| !o.is_empty());
    let timestamp = format!("{}T00:00:00Z", m.date);
    let assessed: Vec<_> = report.services.iter().filter(|s| s.assessed).collect();
    // Responsibility profiles, in the order of their first service.
    let mut profiles: Vec<Profile> = Vec::new();
    for (i, s) in assessed.iter().enumerate() {
        let owners: Vec<(&str, Owner)> = s
            .duties
            .iter()
            .map(|(a, d)| (a.as_str(), d.owner))
            .collect();
        match profiles.iter_mut().find(|(o, _)| *o == owners) {
            Some((_, members)) => members.push(i),
            None => profiles.push((owners, vec![i])),
        }
    }
    let keys: Vec<String> = assessed.iter().map(|s| s.key()).collect();
    let components: Vec<Value> = assessed
        .iter()
        .zip(&keys)
        .enumerate()
        .map(|(i, (s, key))| {
            let profile = profiles.iter().position(|(_, m)| m.contains(&i)).unwrap_or_default();
            json!({
                "uuid": uuid(&format!("component/{key}")),
                "type": "service",
                "title": one_line(&match &s.variant_name { Some(v) => format!("{} ({v})", s.name), None => s.name.clone() }),
                "description": format!("{} ({key}), tier {}, inventory lines {}.", s.name, s.tier.as_deref().unwrap_or(""), crate::text::lines_text(&s.rows, s.row_count as usize)),
                "purpose": "A cloud service the organisation uses; who carries each security duty for it.",
                "props": [
                    {"name": "responsibility-profile", "ns": NS, "value": format!("profile-{}", profile + 1)},
                    {"name": "provider", "ns": NS, "value": s.provider.as_deref().unwrap_or("unknown")},
                ],
                "responsible-roles": [{"role-id": "provider"}, {"role-id": "customer"}],
            })
        })
        .collect();
    // Frameworks without a published OSCAL catalog: a back-matter resource each.
    let resource = |f: &crate::join::FrameworkOut| uuid(&format!("resource/{}", f.selection));
    let mut resources: Vec<Value> = report
        .frameworks
        .iter()
        .filter(|f| f.oscal.is_none())
        .map(|f| {
            let mut r = json!({
                "uuid": resource(f),
                "title": one_line(&format!("{} {}", f.name, f.version)),
                "description": format!("{} publishes no OSCAL catalog of this framework: its controls are named here by their ids, with onus's own short labels.", one_line(&f.publisher)),
                "props": [{"name": "oscal-catalog", "ns": NS, "value": "none-published"}],
            });
            if f.source.starts_with("https://") && !f.source.contains(' ') {
                r["rlinks"] = json!([{"href": f.source}]);
            }
            r
        })
        .collect();
    // The duty areas, once: what the provider and the customer each do.
    resources.extend(report.areas.iter().map(|a| {
        json!({
            "uuid": uuid(&format!("area/{}", a.id)),
            "title": one_line(&format!("Duty area {}: {}", a.id, a.name)),
            "description": format!("The provider: {} The customer: {}", a.provider, a.customer),
        })
    }));
    // Each profile's capability is built, written out and dropped on its own; two
    // threads share them, and their bytes take the place of a marker in the document.
    let capabilities: Vec<Vec<u8>> = crate::parallel::map(
        2,
        profiles.iter().enumerate(),
        |(n, (owners, members))| {
            let member_keys: Vec<&str> = members.iter().map(|&i| keys[i].as_str()).collect();
            let identity = member_keys.join("+");
            let implementations: Vec<Value> = report
                .frameworks
                .iter()
                .filter_map(|f| {
                    let requirements: Vec<Value> = f
                        .controls
                        .iter()
                        .filter_map(|c| requirement(&f.id, c, member_keys[0], &identity))
                        .collect();
                    if requirements.is_empty() {
                        return None;
                    }
                    let source = f.oscal.clone().unwrap_or_else(|| format!("#{}", resource(f)));
                    Some(json!({
                        "uuid": uuid(&format!("{}/{identity}", f.selection)),
                        "source": source,
                        "description": one_line(&format!("{} {}{}.", f.name, f.version, f.baseline_title.as_ref().map(|b| format!(", {b}")).unwrap_or_default())),
                        "implemented-requirements": requirements,
                    }))
                })
                .collect();
            let split: Vec<String> = owners
                .iter()
                .map(|(a, o)| format!("{a} {}", o.id()))
                .collect();
            let mut capability = json!({
                "uuid": uuid(&format!("capability/{identity}")),
                "name": format!("Responsibility profile {}", n + 1),
                "description": format!("The services whose duty areas are split alike ({}): {}.", member_keys.join(", "), split.join(", ")),
                "incorporates-components": members.iter().map(|&i| json!({
                    "component-uuid": uuid(&format!("component/{}", keys[i])),
                    "description": one_line(&assessed[i].name),
                })).collect::<Vec<_>>(),
            });
            if !implementations.is_empty() {
                capability["control-implementations"] = Value::Array(implementations);
            }
            serde_json::to_vec(&capability).expect("JSON values serialise")
        },
    );
    // The title block, as every format words it, then the provider note.
    let mut remarks: String = report
        .facts()
        .iter()
        .map(|f| format!("- {}: {}\n", f.label, f.value))
        .collect();
    remarks.push('\n');
    remarks.push_str(&report.provider_note);
    let mut metadata = json!({
        "title": title,
        "last-modified": timestamp,
        "version": format!("{} ({})", m.date, m.inventory.sha256),
        "oscal-version": OSCAL_VERSION,
        "roles": [
            {"id": "provider", "title": "Cloud service provider", "description": format!("Performs the duties the report shows as the provider's. {}", crate::report::MONITOR_NOTE)},
            {"id": "customer", "title": "Customer", "description": "The organisation that uses the cloud services."},
        ],
        "remarks": remarks,
    });
    if let Some(org) = &org {
        metadata["parties"] =
            json!([{"uuid": uuid(&format!("party/{org}")), "type": "organization", "name": org}]);
    }
    let mut doc = json!({
        "component-definition": {
            "uuid": uuid(&format!("definition/{}/{}", m.inventory.sha256, m.date)),
            "metadata": metadata,
        }
    });
    let definition = &mut doc["component-definition"];
    const MARKER: &str = "\u{0}capabilities\u{0}";
    if !components.is_empty() {
        definition["components"] = Value::Array(components);
        definition["capabilities"] = Value::String(MARKER.into());
    }
    definition["back-matter"] = json!({"resources": resources});
    // Compact: tens of thousands of requirements, for tools rather than eyes.
    let bytes = serde_json::to_vec(&doc).expect("JSON values serialise");
    let marker = serde_json::to_vec(MARKER).expect("a string serialises");
    let size = bytes.len() + capabilities.iter().map(|c| c.len() + 1).sum::<usize>() + 2;
    let mut out = Vec::with_capacity(size);
    match bytes
        .windows(marker.len())
        .position(|w| w == marker.as_slice())
    {
        Some(at) => {
            out.extend_from_slice(&bytes[..at]);
            out.push(b'[');
            for (i, capability) in capabilities.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(capability);
            }
            out.push(b']');
            out.extend_from_slice(&bytes[at + marker.len()..]);
        }
        None => out = bytes,
    }
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v5_matches_rfc_4122() {
        // The DNS namespace and "www.example.com", a well-known test vector.
        let dns = [
            0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4,
            0x30, 0xc8,
        ];
        assert_eq!(
            uuid_v5(&dns, "www.example.com"),
            "2ed6657d-e927-568b-95e1-2665a8aea6a2"
        );
    }

    #[test]
    fn control_tokens_are_oscal_tokens() {
        assert_eq!(control_token("nist-800-53", "AC-2(1)"), "ac-2.1");
        assert_eq!(control_token("soc2", "CC6.1"), "cc6.1");
        assert_eq!(
            control_token("hipaa", "164.308(a)(1)"),
            "hipaa_164.308-a--1-"
        );
        assert_eq!(control_token("pci-dss", "1.1"), "pci_dss_1.1");
    }
}
