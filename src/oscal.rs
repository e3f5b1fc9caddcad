//! `oscal-component-definition.json`: the report as an OSCAL 1.1.2 component definition.
//!
//! In: the report. Out: JSON bytes. One component (type `service`) per assessed service,
//! one control implementation per selected framework, one implemented requirement per
//! control with the responsible roles (`provider`, `customer`) and a statement of what
//! each does. UUIDs are version 5, derived from the content's identity, so the same
//! report gives the same file.

use crate::join::ControlOut;
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

fn parts(parts: &[crate::join::Part]) -> String {
    parts
        .iter()
        .map(|p| format!("{}: {}", p.area, p.text))
        .collect::<Vec<_>>()
        .join(" ")
}

fn requirement(framework: &str, c: &ControlOut, service_key: &str, owner: Owner) -> Value {
    let token = control_token(framework, &c.id);
    let mine = |list: &[crate::join::Part]| -> Vec<crate::join::Part> {
        list.iter()
            .filter(|p| p.services.iter().any(|s| s == service_key))
            .map(|p| crate::join::Part {
                area: p.area.clone(),
                text: p.text.clone(),
                services: Vec::new(),
                all: false,
            })
            .collect()
    };
    let (provider, customer) = (mine(&c.provider), mine(&c.customer));
    let mut statements = Vec::new();
    if !provider.is_empty() {
        statements.push(json!({
            "statement-id": format!("{token}_smt.provider"),
            "uuid": uuid(&format!("{framework}/{}/{service_key}/provider", c.id)),
            "description": format!("Provided by the cloud provider: {} {}", parts(&provider), crate::report::MONITOR_NOTE),
            "responsible-roles": [{"role-id": "provider"}],
        }));
    }
    if !customer.is_empty() {
        statements.push(json!({
            "statement-id": format!("{token}_smt.customer"),
            "uuid": uuid(&format!("{framework}/{}/{service_key}/customer", c.id)),
            "description": format!("The customer's responsibility: {}", parts(&customer)),
            "responsible-roles": [{"role-id": "customer"}],
        }));
    }
    let mut req = json!({
        "uuid": uuid(&format!("{framework}/{}/{service_key}", c.id)),
        "control-id": token,
        "description": format!("{} {}: {} ({}).", c.id, c.label, owner.display(), c.areas.join(", ")),
        "props": [{"name": "responsibility", "ns": "urn:onus", "value": owner.id()}],
    });
    let r = roles(owner);
    if !r.is_empty() {
        req["responsible-roles"] = Value::Array(r);
    }
    if !statements.is_empty() {
        req["statements"] = Value::Array(statements);
    }
    req
}

/// A single-line string with no edge spaces, as OSCAL requires of titles and names.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn render(report: &Report) -> Vec<u8> {
    let m = &report.meta;
    let title = Some(one_line(&m.title))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "Shared responsibility matrix".into());
    let org = m.org.as_deref().map(one_line).filter(|o| !o.is_empty());
    let timestamp = format!("{}T00:00:00Z", m.date);
    let components: Vec<Value> = report
        .services
        .iter()
        .filter(|s| s.assessed)
        .map(|s| {
            let key = crate::join::service_key(s);
            let implementations: Vec<Value> = report
                .frameworks
                .iter()
                .map(|f| {
                    let requirements: Vec<Value> = f
                        .controls
                        .iter()
                        .filter_map(|c| c.services.get(&key).map(|o| requirement(&f.id, c, &key, *o)))
                        .collect();
                    json!({
                        "uuid": uuid(&format!("{key}/{}", f.selection)),
                        "source": f.source,
                        "description": format!("{} {}{} as it applies to {}.", f.name, f.version, f.baseline_name.as_ref().map(|b| format!(", {b} baseline")).unwrap_or_default(), s.name),
                        "implemented-requirements": requirements,
                    })
                })
                .filter(|ci| ci["implemented-requirements"].as_array().is_some_and(|r| !r.is_empty()))
                .collect();
            let mut component = json!({
                "uuid": uuid(&format!("component/{key}")),
                "type": "service",
                "title": one_line(&match &s.variant_name { Some(v) => format!("{} ({v})", s.name), None => s.name.clone() }),
                "description": format!("{} ({}), tier {}, inventory lines {}.", s.name, key, s.tier.as_deref().unwrap_or(""), crate::text::lines_text(&s.rows, s.rows.len())),
                "purpose": "A cloud service the organisation uses; who carries each security duty for it.",
                "responsible-roles": [{"role-id": "provider"}, {"role-id": "customer"}],
            });
            if !implementations.is_empty() {
                component["control-implementations"] = Value::Array(implementations);
            }
            component
        })
        .collect();
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
    if !components.is_empty() {
        doc["component-definition"]["components"] = Value::Array(components);
    }
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("JSON values serialise");
    bytes.push(b'\n');
    bytes
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
