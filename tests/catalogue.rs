//! The shipped catalogue: size, provenance, safety invariants, and how bad data files
//! are rejected.

mod common;
use common::catalogue;
use onus::catalogue::data_files;
use onus::vocab::{Basis, Owner};

#[test]
fn the_aws_catalogue_has_at_least_120_services_each_with_names_and_a_tier() {
    let c = catalogue();
    let aws: Vec<_> = c.services.iter().filter(|s| s.provider == "aws").collect();
    assert!(aws.len() >= 120, "{} AWS services", aws.len());
    for s in &aws {
        assert!(s.id.starts_with("aws.") && !s.name.is_empty(), "{}", s.id);
        assert!(!s.aliases.is_empty(), "{} has aliases", s.id);
        assert!(matches!(s.tier_basis, Basis::Documented | Basis::Inferred));
        if s.tier_basis == Basis::Documented {
            assert!(
                s.source.as_deref().is_some_and(|x| !x.is_empty()),
                "{} documented without source",
                s.id
            );
        }
    }
}

#[test]
fn documented_tiers_of_the_reference_seed_list_are_kept() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/reference-data/aws/aws-service-tiers-seed.json"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("reference data not present beside the repository; skipped");
        return;
    };
    let seed: serde_json::Value = serde_json::from_str(&text).unwrap();
    let c = catalogue();
    for entry in seed["services"].as_array().unwrap() {
        if entry["basis"] == "proposed" {
            continue;
        }
        let key = entry["key"].as_str().unwrap();
        // The seed lists ECS by launch type; the catalogue has one ECS with variants.
        let key = if key.starts_with("ecs-") { "ecs" } else { key };
        let Some(s) = c
            .services
            .iter()
            .find(|s| s.key == key || s.aliases.iter().any(|a| a == key))
        else {
            panic!("documented seed service {key} is missing");
        };
        assert_eq!(s.tier_basis, Basis::Documented, "{key}");
        let tier = match entry["tier"].as_str().unwrap() {
            "abstracted" => "managed",
            t => t,
        };
        if key != "ecs" {
            assert_eq!(c.tiers[s.tier].id, tier, "{key}");
        }
    }
}

/// Duties no cloud provider can take from its customer, whatever the service.
#[test]
fn identity_data_governance_and_workplace_are_never_the_providers() {
    let c = catalogue();
    for s in &c.services {
        let variants: Vec<Option<&onus::catalogue::Variant>> = std::iter::once(None)
            .chain(s.variants.iter().map(Some))
            .collect();
        for v in variants {
            let duties = c.duties(s, v);
            for area in ["identity-access", "data", "governance", "workplace"] {
                let d = &duties[c.area_index(area).unwrap()];
                assert!(
                    d.owner != Owner::Provider,
                    "{} {:?} {area} is the provider's",
                    s.id,
                    v.map(|v| &v.id)
                );
            }
        }
    }
}

#[test]
fn customer_premises_services_say_so() {
    let c = catalogue();
    let owner = |id: &str, variant: Option<&str>, area: &str| {
        let s = c.services.iter().find(|s| s.id == id).unwrap();
        let v = variant.map(|v| s.variant(v).unwrap());
        c.duties(s, v)[c.area_index(area).unwrap()].owner
    };
    assert_eq!(owner("aws.outposts", None, "physical"), Owner::Customer);
    assert_ne!(owner("aws.snowball", None, "physical"), Owner::Provider);
    assert_eq!(
        owner("aws.ecs", Some("anywhere"), "hardware"),
        Owner::Customer
    );
    assert_eq!(
        owner("aws.eks", Some("hybrid-nodes"), "hardware"),
        Owner::Customer
    );
}

#[test]
fn every_non_default_cell_has_a_reason() {
    let c = catalogue();
    for s in &c.services {
        for d in s
            .duties
            .values()
            .chain(s.variants.iter().flat_map(|v| v.duties.values()))
        {
            assert!(!d.reason.trim().is_empty(), "{}", s.id);
        }
    }
}

const ACME: &str = r#"[catalogue]
provider = "acme"
name = "Acme Cloud"
version = "1"
source = "ours"
licence = "CC0"

[[service]]
key = "vm"
name = "Acme VM"
tier = "infrastructure"
tier_basis = "inferred"
aliases = ["Acme Virtual Machines"]
duties.logging-monitoring = { owner = "customer", reason = "Acme keeps no logs" }
"#;

#[test]
fn a_users_provider_catalogue_is_added() {
    let c = common::with_file("acme/catalogue.toml", ACME).unwrap();
    let onus::catalogue::Lookup::Service(s) = c.lookup("Acme Virtual Machines", None) else {
        panic!()
    };
    assert_eq!(s.id, "acme.vm");
    let d = &c.duties(s, None)[c.area_index("logging-monitoring").unwrap()];
    assert_eq!((d.owner, d.basis), (Owner::Customer, Basis::Inferred));
    assert!(c.version().contains("acme 1"));
}

#[test]
fn an_unknown_field_is_rejected_with_file_line_and_column() {
    let bad = ACME.replace(
        "tier_basis = \"inferred\"",
        "tier_basis = \"inferred\"\ncolour = \"blue\"",
    );
    let e = common::with_file("acme/catalogue.toml", &bad).unwrap_err();
    assert!(
        e.starts_with("data/acme/catalogue.toml:13:1: error: unknown field `colour`"),
        "{e}"
    );
}

#[test]
fn an_unknown_area_is_rejected_with_a_suggestion() {
    let bad = ACME.replace("duties.logging-monitoring", "duties.loging-monitoring");
    let e = common::with_file("acme/catalogue.toml", &bad).unwrap_err();
    assert_eq!(
        e,
        "data/acme/catalogue.toml:14:8: error: vm: unknown duty area \"loging-monitoring\" (did you mean \"logging-monitoring\"?)"
    );
}

#[test]
fn an_unknown_owner_or_tier_is_rejected() {
    let e = common::with_file(
        "acme/catalogue.toml",
        &ACME.replace("owner = \"customer\"", "owner = \"nobody\""),
    )
    .unwrap_err();
    assert!(e.starts_with("data/acme/catalogue.toml:14:"), "{e}");
    assert!(e.contains("unknown variant `nobody`"), "{e}");
    let e = common::with_file(
        "acme/catalogue.toml",
        &ACME.replace("\"infrastructure\"", "\"iaas-ish\""),
    )
    .unwrap_err();
    assert_eq!(e, "data/acme/catalogue.toml:11:8: error: unknown tier \"iaas-ish\"; expected one of: infrastructure, container, managed");
}

#[test]
fn a_name_two_services_share_is_rejected() {
    let twice = format!("{ACME}\n[[service]]\nkey = \"vm2\"\nname = \"Acme VM 2\"\ntier = \"managed\"\ntier_basis = \"inferred\"\naliases = [\"acme-virtual-machines\"]\n");
    let e = common::with_file("acme/catalogue.toml", &twice).unwrap_err();
    assert!(
        e.contains("the name \"acmevirtualmachines\" of acme.vm2 is also a name of acme.vm"),
        "{e}"
    );
}

#[test]
fn the_provider_must_match_its_folder_and_documented_needs_a_source() {
    let e = common::with_file("other/catalogue.toml", ACME).unwrap_err();
    assert_eq!(
        e,
        "data/other/catalogue.toml:2:12: error: provider \"acme\" must match its folder \"other\""
    );
    let e = common::with_file(
        "acme/catalogue.toml",
        &ACME.replace("\"inferred\"", "\"documented\""),
    )
    .unwrap_err();
    assert!(
        e.contains("tier_basis = \"documented\" needs a source"),
        "{e}"
    );
}

#[test]
fn a_model_without_a_default_for_every_area_is_rejected() {
    let model = data_files(None)
        .unwrap()
        .into_iter()
        .find(|f| f.path == "model.toml")
        .unwrap();
    let bad = model.text.replacen("governance = \"customer\"\n", "", 1);
    let e = common::with_file("model.toml", &bad).unwrap_err();
    assert!(
        e.contains("tier \"infrastructure\" has no default owner for area \"governance\""),
        "{e}"
    );
}

#[test]
fn an_area_word_must_name_one_area_only() {
    let model = data_files(None)
        .unwrap()
        .into_iter()
        .find(|f| f.path == "model.toml")
        .unwrap();
    // "Patching" already means guest-os: given to the runtime area too, it is refused.
    let bad = model.text.replacen(
        "words = [\"runtimes\",",
        "words = [\"Patching\", \"runtimes\",",
        1,
    );
    assert_ne!(bad, model.text);
    let e = common::with_file("model.toml", &bad).unwrap_err();
    assert!(
        e.contains("error: area \"runtime\": the word \"Patching\" is empty, repeats the area's id or name, or names another area too"),
        "{e}"
    );
    let c = common::catalogue();
    let area = |text: &str| c.find_area(text).map(|i| c.areas[i].id.as_str());
    assert_eq!(area("patching"), Some("guest-os"));
    assert_eq!(area("OS"), Some("guest-os"));
    assert_eq!(area("Security groups"), Some("network-controls"));
    assert_eq!(area("KMS"), Some("encryption"));
    assert_eq!(area("OS patching and hardening"), Some("guest-os"));
    assert_eq!(area("patchin"), None);
}

#[test]
fn data_overlay_from_a_folder_replaces_and_adds_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("acme")).unwrap();
    std::fs::write(dir.path().join("acme/catalogue.toml"), ACME).unwrap();
    let files = data_files(Some(dir.path())).unwrap();
    assert!(files
        .iter()
        .any(|f| f.path == "acme/catalogue.toml" && !f.origin.contains("built in")));
    assert!(files.iter().any(|f| f.path == "aws/catalogue.toml"));
    std::fs::write(dir.path().join("stray.toml"), "").unwrap();
    let e = data_files(Some(dir.path())).unwrap_err().to_string();
    assert!(e.ends_with("stray.toml: error: not a data file onus knows; expected model.toml, <provider>/catalogue.toml, controls/<framework>.toml, controls/<framework>.csv, crosswalks/<from>--<to>.csv or evidence/<source>.csv"), "{e}");
}

#[test]
fn every_reason_is_a_sentence() {
    let c = catalogue();
    for s in &c.services {
        for d in s
            .duties
            .values()
            .chain(s.variants.iter().flat_map(|v| v.duties.values()))
        {
            assert!(
                d.reason.ends_with('.'),
                "{}: {:?} needs a full stop",
                s.id,
                d.reason
            );
        }
    }
    for a in &c.areas {
        assert!(
            a.provider.ends_with('.') && a.customer.ends_with('.'),
            "{}",
            a.id
        );
    }
}
