//! Control frameworks: published counts, the mapping's safety rules, the join, and how
//! bad framework files are rejected.

mod common;
use common::catalogue;
use onus::join::Selection;
use onus::vocab::Owner;

fn count(id: &str, baseline: Option<&str>) -> usize {
    catalogue()
        .framework(id)
        .unwrap_or_else(|| panic!("framework {id} is shipped"))
        .selected(baseline)
        .count()
}

#[test]
fn published_counts_of_every_shipped_framework() {
    assert_eq!(count("soc2", None), 61, "SOC 2 TSC 2017: 61 criteria");
    assert_eq!(
        count("iso27001", None),
        93,
        "ISO/IEC 27001:2022 Annex A: 93 controls"
    );
    let nist = catalogue().framework("nist-800-53").unwrap();
    assert_eq!(
        nist.controls.len(),
        1189,
        "SP 800-53 rev5 (5.1.1): controls and enhancements"
    );
    assert_eq!(count("nist-800-53", Some("low")), 149);
    assert_eq!(count("nist-800-53", Some("moderate")), 287);
    assert_eq!(count("nist-800-53", Some("high")), 370);
    assert_eq!(count("nist-800-53", Some("privacy")), 96);
    assert_eq!(count("fedramp", Some("li-saas")), 156);
    assert_eq!(count("fedramp", Some("low")), 156);
    assert_eq!(count("fedramp", Some("moderate")), 323);
    assert_eq!(count("fedramp", Some("high")), 410);
    assert_eq!(count("nist-csf", None), 106, "CSF 2.0 subcategories");
    let csf = catalogue().framework("nist-csf").unwrap();
    assert_eq!(csf.groups.len(), 22, "CSF 2.0 categories");
    let functions: std::collections::BTreeSet<&str> =
        csf.groups.iter().map(|g| &g.id[..2]).collect();
    assert_eq!(functions.len(), 6, "CSF 2.0 functions");
    assert_eq!(
        count("nist-800-171", None),
        97,
        "SP 800-171 rev3 requirements"
    );
    let hipaa = catalogue().framework("hipaa").unwrap();
    let standards = hipaa.controls.iter().filter(|c| c.parent.is_none()).count();
    assert_eq!(
        (standards, hipaa.controls.len() - standards),
        (22, 43),
        "HIPAA standards and implementation specifications"
    );
    assert!(count("pci-dss", None) >= 12);
    assert!(count("cis-aws", None) >= 50);
}

#[test]
fn every_active_control_maps_to_at_least_one_area_with_a_reason() {
    for fw in &catalogue().frameworks {
        for c in fw.selected(None) {
            assert!(!c.areas.is_empty(), "{} {}", fw.id, c.id);
            assert!(
                c.why.ends_with('.'),
                "{} {}: why must be a sentence",
                fw.id,
                c.id
            );
        }
    }
}

#[test]
fn licensed_frameworks_ship_no_text() {
    for fw in &catalogue().frameworks {
        if fw.text != onus::catalogue::framework::TextPolicy::Full {
            assert!(
                fw.controls.iter().all(|c| c.text.is_none()),
                "{} ships control text",
                fw.id
            );
        }
    }
}

fn owners(selection: &str) -> std::collections::BTreeMap<String, Owner> {
    let mut report = common::report_of(&common::root("samples/inventory.csv"));
    let c = catalogue();
    let selections = Selection::parse_all(c, &[selection.to_string()]).unwrap();
    report.frameworks = onus::join::join(c, &report.assessed(), &selections);
    report.frameworks[0]
        .controls
        .iter()
        .map(|c| (c.id.clone(), c.owner))
        .collect()
}

#[test]
fn cloud_only_inventory_physical_controls_are_inherited() {
    let nist = owners("nist-800-53:high");
    for id in ["PE-2", "PE-3", "PE-6", "PE-13", "PE-14", "PE-15"] {
        assert_eq!(nist[id], Owner::Provider, "{id}");
    }
}

#[test]
fn cloud_only_inventory_governance_controls_are_the_customers() {
    let soc2 = owners("soc2");
    for id in ["CC1.1", "CC1.2", "CC2.2", "CC3.1", "CC5.3", "CC9.2"] {
        assert_eq!(soc2[id], Owner::Customer, "{id}");
    }
    let nist = owners("nist-800-53:moderate");
    for id in ["PL-2", "PS-3", "AT-2", "PM-9", "RA-3"]
        .iter()
        .filter(|i| nist.contains_key(**i))
    {
        assert_eq!(nist[*id], Owner::Customer, "{id}");
    }
    assert_eq!(owners("iso27001")["A.5.1"], Owner::Customer);
}

#[test]
fn logical_access_is_never_inherited() {
    let soc2 = owners("soc2");
    for id in ["CC6.1", "CC6.2", "CC6.3"] {
        assert_ne!(soc2[id], Owner::Provider, "{id}");
    }
    let iso = owners("iso27001");
    for id in [
        "A.5.15", "A.5.16", "A.5.17", "A.5.18", "A.8.2", "A.8.3", "A.8.5",
    ] {
        assert_ne!(iso[id], Owner::Provider, "{id}");
    }
    for (id, owner) in owners("nist-800-53") {
        if id.starts_with("AC-") || id.starts_with("IA-") {
            assert_ne!(owner, Owner::Provider, "{id}");
        }
    }
}

#[test]
fn the_customers_own_premises_are_not_the_providers() {
    let iso = owners("iso27001");
    for id in ["A.7.7", "A.7.9", "A.7.10"] {
        assert_ne!(
            iso[id],
            Owner::Provider,
            "{id}: clear desk, assets off-premises, media"
        );
    }
    assert_ne!(
        owners("soc2")["CC6.4"],
        Owner::Provider,
        "the customer secures its own offices"
    );
}

#[test]
fn an_empty_inventory_leaves_every_control_not_applicable_never_provider() {
    let report = common::report_of(&common::fixture("header-only.csv"));
    let c = catalogue();
    let fws = onus::join::join(
        c,
        &report.assessed(),
        &Selection::parse_all(c, &["all".into()]).unwrap(),
    );
    assert_eq!(fws.len(), c.frameworks.len());
    assert!(fws
        .iter()
        .flat_map(|f| &f.controls)
        .all(|c| c.owner == Owner::NotApplicable));
}

#[test]
fn a_controls_owner_rolls_up_the_services_owners_with_provenance() {
    let report = common::report_of(&common::fixture("seed-inventory.csv"));
    let c = catalogue();
    let fws = onus::join::join(
        c,
        &report.assessed(),
        &Selection::parse_all(c, &["soc2".into()]).unwrap(),
    );
    let cc68 = fws[0].controls.iter().find(|c| c.id == "CC6.8").unwrap();
    // Malware: guest OS is the customer's on EC2 but the provider's on S3.
    assert_eq!(cc68.services["aws.ec2"], Owner::Customer);
    assert_eq!(cc68.services["aws.eks/self-managed-nodes"], Owner::Customer);
    assert!(cc68
        .customer
        .iter()
        .any(|p| p.area == "application-code" && p.all));
    assert_eq!(cc68.counts.values().sum::<usize>(), 10);
    let cc64 = fws[0].controls.iter().find(|c| c.id == "CC6.4").unwrap();
    assert!(
        cc64.monitor_provider,
        "the provider's part is monitored through attestations"
    );
    assert!(cc64.provider.iter().any(|p| p.area == "physical"));
}

#[test]
fn selections_parse_baselines_all_and_reject_unknown_ones() {
    let c = catalogue();
    let all = Selection::parse_all(c, &["all".into()]).unwrap();
    assert_eq!(all.len(), c.frameworks.len());
    assert_eq!(
        Selection::parse_all(c, &["nist-800-53:moderate".into()]).unwrap()[0].key(),
        "nist-800-53:moderate"
    );
    assert_eq!(
        Selection::parse_all(c, &["soc3".into()])
            .unwrap_err()
            .split(';')
            .next()
            .unwrap(),
        "unknown framework \"soc3\" (did you mean \"soc2\"?)"
    );
    assert_eq!(
        Selection::parse_all(c, &["nist-800-53:medium".into()]).unwrap_err(),
        "nist-800-53 has no baseline \"medium\"; its baselines are: low, moderate, high, privacy"
    );
    assert_eq!(
        Selection::parse_all(c, &["soc2:x".into()]).unwrap_err(),
        "soc2 has no baseline \"x\"; its baselines are: security, availability, confidentiality, processing-integrity, privacy"
    );
    assert_eq!(
        Selection::parse_all(c, &["iso27001:x".into()]).unwrap_err(),
        "iso27001 has no baselines; name it without one"
    );
    // SOC 2's categories join with `+`, in the framework's order; Security is always in.
    let sel = Selection::parse_all(c, &["soc2:confidentiality+availability".into()]).unwrap();
    assert_eq!(sel[0].key(), "soc2:security+availability+confidentiality");
    let soc2 = c.framework("soc2").unwrap();
    let ids: Vec<&str> = soc2
        .selected(sel[0].baseline.as_deref())
        .map(|x| x.id.as_str())
        .collect();
    assert!(ids.contains(&"CC6.1") && ids.contains(&"A1.2") && ids.contains(&"C1.1"));
    assert!(!ids.iter().any(|i| i.starts_with('P')), "{ids:?}");
    assert_eq!(
        soc2.selected(None).count(),
        61,
        "all five categories by default"
    );
    assert_eq!(
        soc2.baseline_names("security+availability"),
        "Security, Availability"
    );
}

#[test]
fn crosswalks_relate_controls_of_selected_frameworks() {
    let report = common::report_of(&common::root("samples/inventory.csv"));
    let c = catalogue();
    let sel = Selection::parse_all(c, &["nist-800-53".into(), "iso27001".into()]).unwrap();
    let fws = onus::join::join(c, &report.assessed(), &sel);
    let related: usize = fws[0]
        .controls
        .iter()
        .filter(|c| c.related.contains_key("iso27001"))
        .count();
    assert!(
        related > 50,
        "{related} 800-53 controls relate to ISO controls"
    );
    assert!(
        fws[1]
            .controls
            .iter()
            .any(|c| c.related.contains_key("nist-800-53")),
        "both directions"
    );
}

const OWN: &str = r#"[framework]
id = "acme-policy"
name = "Acme security policy"
version = "3"
publisher = "Acme"
source = "intranet"
licence = "internal"
text = "full"

[[control]]
id = "ACME-1"
label = "Keys are rotated yearly"
areas = ["encryption"]
why = "Rotation is key management."
"#;

#[test]
fn a_users_framework_is_loaded_and_joined() {
    let c = common::with_file("controls/acme-policy.toml", OWN).unwrap();
    let sel = Selection::parse_all(&c, &["acme-policy".into()]).unwrap();
    let report = common::report_of(&common::fixture("seed-inventory.csv"));
    let fws = onus::join::join(&c, &report.assessed(), &sel);
    assert_eq!(fws[0].controls[0].owner, Owner::Customer);
}

#[test]
fn a_framework_with_an_unknown_field_or_area_is_rejected_with_file_and_line() {
    let e = common::with_file(
        "controls/acme-policy.toml",
        &OWN.replace("why =", "colour = \"red\"\nwhy ="),
    )
    .unwrap_err();
    assert!(
        e.starts_with("data/controls/acme-policy.toml:14:1: error: unknown field `colour`"),
        "{e}"
    );
    let e = common::with_file(
        "controls/acme-policy.toml",
        &OWN.replace("[\"encryption\"]", "[\"encrypton\"]"),
    )
    .unwrap_err();
    assert_eq!(e, "data/controls/acme-policy.toml:13:10: error: ACME-1: unknown duty area \"encrypton\" (did you mean \"encryption\"?)");
    let e = common::with_file(
        "controls/acme-policy.toml",
        &OWN.replace("areas = [\"encryption\"]\n", ""),
    )
    .unwrap_err();
    assert!(
        e.contains(
            "ACME-1: every control that is not withdrawn names at least one duty area and why"
        ),
        "{e}"
    );
    let e = common::with_file("controls/acme.toml", OWN).unwrap_err();
    assert!(
        e.contains("framework id \"acme-policy\" must match its file name \"acme\""),
        "{e}"
    );
}

#[test]
fn licensed_titles_from_a_users_csv_replace_the_labels() {
    let c = common::with_file(
        "controls/pci-dss.csv",
        "id,title,description\n1.1,Licensed title one,Licensed text\n",
    )
    .unwrap();
    let pci = c.framework("pci-dss").unwrap();
    let control = pci.control("1.1").unwrap();
    assert_eq!(control.label, "Licensed title one");
    assert_eq!(control.text.as_deref(), Some("Licensed text"));
    assert_eq!(
        pci.titles_from.as_deref(),
        Some("data/controls/pci-dss.csv")
    );
    let e = common::with_file("controls/pci-dss.csv", "id,title\n99.99,x\n").unwrap_err();
    assert_eq!(
        e,
        "data/controls/pci-dss.csv:2:1: error: \"99.99\" is not a control of pci-dss"
    );
}

#[test]
fn an_oscal_href_must_be_an_https_address() {
    let fw = |href: &str| {
        format!(
            "[framework]\nid = \"own\"\nname = \"X\"\nversion = \"1\"\npublisher = \"us\"\nsource = \"here\"\noscal = \"{href}\"\nlicence = \"ours\"\ntext = \"full\"\n\n[[control]]\nid = \"X-1\"\nlabel = \"A control\"\nareas = [\"data\"]\nwhy = \"Data.\"\n"
        )
    };
    let e = common::with_file("controls/own.toml", &fw("catalog.json")).unwrap_err();
    assert!(
        e.contains("controls/own.toml:7:10: error: framework \"own\": oscal = \"catalog.json\" must be the https:// address of a published OSCAL catalog or profile"),
        "{e}"
    );
    let c = common::with_file("controls/own.toml", &fw("https://example.org/own.json")).unwrap();
    assert_eq!(
        c.framework("own").unwrap().oscal.as_deref(),
        Some("https://example.org/own.json")
    );
}

/// The statements of every shipped framework that is not a profile, as written.
fn statements() -> Vec<(String, String, &'static str, String)> {
    let c = catalogue();
    let areas: Vec<String> = c.areas.iter().map(|a| a.id.clone()).collect();
    let mut out = Vec::new();
    for fw in c.frameworks.iter().filter(|f| f.based_on.is_none()) {
        for control in &fw.controls {
            let neutral = [
                ("customer", &control.customer_text),
                ("provider", &control.provider_text),
            ];
            let own = control.by_provider.values().flat_map(|t| {
                [
                    ("customer", &t.customer_text),
                    ("provider", &t.provider_text),
                ]
            });
            for (side, text) in neutral.into_iter().chain(own) {
                if let Some(t) = text {
                    out.push((fw.id.clone(), control.id.clone(), side, t.source(&areas)));
                }
            }
        }
    }
    out
}

#[test]
fn every_control_of_soc2_iso_cis_and_csf_has_a_customer_statement() {
    let c = catalogue();
    for (id, count) in [
        ("soc2", 61),
        ("iso27001", 93),
        ("cis-aws", 63),
        ("nist-csf", 106),
    ] {
        let fw = c.framework(id).unwrap();
        let missing: Vec<&str> = fw
            .selected(None)
            .filter(|c| c.customer_statement(Some("aws")).is_none())
            .map(|c| c.id.as_str())
            .collect();
        assert!(missing.is_empty(), "{id}: no statement: {missing:?}");
        assert_eq!(fw.selected(None).count(), count, "{id}");
    }
}

#[test]
fn no_two_controls_share_a_statement() {
    let mut seen: std::collections::HashMap<String, (String, String)> = Default::default();
    let all = statements();
    assert!(all.len() >= 61, "{}", all.len());
    for (fw, id, side, text) in all {
        if let Some((f, i)) = seen.insert(text.clone(), (fw.clone(), id.clone())) {
            panic!("{fw} {id} and {f} {i} share the {side} statement \"{text}\"");
        }
        // Short and specific: one or two sentences, in our words.
        let sentences = text.matches(". ").count() + 1;
        assert!(
            sentences <= 2 && text.len() <= 260,
            "{fw} {id}: too long: {text}"
        );
        assert!(
            text.ends_with('.'),
            "{fw} {id}: ends with a full stop: {text}"
        );
    }
}

#[test]
fn statements_fill_their_placeholders_with_the_inventorys_services() {
    let own = OWN.replace(
        "why = \"Rotation is key management.\"",
        "why = \"Rotation is key management.\"\ncustomer_text = \"Rotate the keys of {services:encryption} yearly.\"\nprovider_text = \"AWS runs the key store of {services}.\"",
    );
    let c = common::with_file("controls/acme-policy.toml", &own).unwrap();
    let sel = Selection::parse_all(&c, &["acme-policy".into()]).unwrap();
    let report = common::report_of(&common::fixture("seed-inventory.csv"));
    let fws = onus::join::join(&c, &report.assessed(), &sel);
    let control = &fws[0].controls[0];
    assert!(control.statement);
    assert_eq!(
        control.customer_text.as_deref(),
        Some("Rotate the keys of every service in scope yearly.")
    );
    assert_eq!(control.provider_text, None, "the provider has no part");
    // Without a statement, the areas are named: never an area's id or generic sentence.
    let c = common::with_file("controls/acme-policy.toml", OWN).unwrap();
    let fws = onus::join::join(&c, &report.assessed(), &sel);
    let control = &fws[0].controls[0];
    assert!(!control.statement);
    assert!(
        control.customer_text.as_deref().unwrap()
            == "Your part of: Encryption at rest and in transit, key management.",
        "{:?}",
        control.customer_text
    );
}

#[test]
fn a_service_list_names_up_to_six_services() {
    use onus::join::service_list;
    let s = |n: usize| (1..=n).map(|i| format!("aws.s{i}")).collect::<Vec<_>>();
    assert_eq!(service_list(&s(1), 9), "aws.s1");
    assert_eq!(service_list(&s(2), 9), "aws.s1 and aws.s2");
    assert_eq!(
        service_list(&s(6), 9),
        "aws.s1, aws.s2, aws.s3, aws.s4, aws.s5 and aws.s6"
    );
    assert_eq!(
        service_list(&s(8), 9),
        "aws.s1, aws.s2, aws.s3, aws.s4, aws.s5 and 3 more"
    );
    assert_eq!(service_list(&s(9), 9), "every service in scope");
    assert_eq!(service_list(&[], 9), "no service in scope");
}

#[test]
fn a_bad_statement_is_rejected_with_file_and_line() {
    let with = |extra: &str| {
        common::with_file(
            "controls/acme-policy.toml",
            &OWN.replace(
                "why = \"Rotation is key management.\"",
                &format!("why = \"Rotation is key management.\"\n{extra}"),
            ),
        )
        .unwrap_err()
    };
    let e = with("customer_text = \"  \"");
    assert!(
        e.starts_with("data/controls/acme-policy.toml:15:")
            && e.contains("ACME-1: a statement must not be empty"),
        "{e}"
    );
    let e = with("customer_text = \"Rotate {servics}.\"");
    assert!(
        e.starts_with("data/controls/acme-policy.toml:15:")
            && e.contains("unknown placeholder {servics}"),
        "{e}"
    );
    let e = with("provider_text = \"AWS runs {services:data}.\"");
    assert!(
        e.contains("{services:data}: \"data\" is not one of this control's areas"),
        "{e}"
    );
    let e = with("customer_text = \"Rotate {services.\"");
    assert!(e.contains("a '{' without its '}'"), "{e}");
    let e = with("customer_txt = \"Rotate.\"");
    assert!(
        e.starts_with("data/controls/acme-policy.toml:15:1: error: unknown field `customer_txt`"),
        "{e}"
    );
}

#[test]
fn controls_with_no_cloud_part_are_flagged() {
    let mut report = common::report_of(&common::root("samples/inventory.csv"));
    let c = catalogue();
    let selections = Selection::parse_all(c, &["soc2".to_string()]).unwrap();
    report.frameworks = onus::join::join(c, &report.assessed(), &selections);
    let flagged: Vec<&str> = report.frameworks[0]
        .controls
        .iter()
        .filter(|c| c.organisational)
        .map(|c| c.id.as_str())
        .collect();
    for id in ["CC1.2", "CC1.4", "CC3.2", "CC9.2"] {
        assert!(flagged.contains(&id), "{id}: {flagged:?}");
    }
    for id in ["CC2.1", "CC6.1", "CC6.4", "CC7.2", "P4.3"] {
        assert!(!flagged.contains(&id), "{id} has a cloud part");
    }
}

#[test]
fn soc2_carve_out_lists_the_providers_part_for_the_services_in_use() {
    let c = catalogue();
    let report = common::report_of(&common::root("samples/inventory.csv"));
    let selections = Selection::parse_all(c, &["soc2".to_string()]).unwrap();
    let fws = onus::join::join(c, &report.assessed(), &selections);
    let carve = fws[0]
        .carve_out
        .as_ref()
        .expect("soc2 has carve-out tables");
    let rows: std::collections::BTreeMap<&str, &onus::join::SubserviceRow> = carve
        .subservice
        .iter()
        .map(|r| (r.criterion.as_str(), r))
        .collect();
    // Physical access is AWS's for every service in use; governance never is.
    assert!(rows["CC6.4"]
        .text
        .starts_with("AWS restricts physical access"));
    assert_eq!(rows["CC6.4"].services.len(), report.services.len());
    assert!(!rows.contains_key("CC1.2") && !rows.contains_key("CC6.2"));
    // Backups are AWS's in part only where the inventory says so.
    assert_eq!(rows["A1.3"].services, ["aws.dynamodb", "aws.rds/standard"]);
    // Every row is a statement of ours, not the areas' generic text.
    for r in &carve.subservice {
        assert!(r.text.starts_with("AWS "), "{}: {}", r.criterion, r.text);
    }
    let areas: Vec<&str> = carve.user_entity.iter().map(|r| r.area.as_str()).collect();
    assert!(areas.contains(&"identity-access") && areas.contains(&"guest-os"));
    assert!(!areas.contains(&"physical") && !areas.contains(&"governance"));
    let guest = carve
        .user_entity
        .iter()
        .find(|r| r.area == "guest-os")
        .unwrap();
    assert!(guest.services.contains(&"aws.ec2".to_string()));
    assert!(!guest.services.contains(&"aws.s3".to_string()));
    assert_eq!(guest.criteria, ["CC6.8", "CC7.1", "CC8.1"]);
    // Other frameworks have none.
    let iso = onus::join::join(
        c,
        &report.assessed(),
        &Selection::parse_all(c, &["iso27001".into()]).unwrap(),
    );
    assert!(iso[0].carve_out.is_none());
}

/// CC6.1 (logical access) is evidenced by checks of IAM and of encryption for the
/// inventory's services: Prowler's own SOC 2 mapping gives it none for IAM, so the
/// reviewed overrides add the core ones (MFA, the root user's keys, administrative
/// policies), listed first, and more come through NIST SP 800-53 area by area, saying
/// so; services not in use give none.
#[test]
fn cc6_1_is_evidenced_by_iam_and_encryption_checks_of_the_services_in_use() {
    let c = catalogue();
    let inventory = common::parse(b"service\nIAM\nKMS\nS3\nEC2\n").expect("the inventory reads");
    let mut report = common::assess(&inventory);
    let selections = Selection::parse_all(c, &["soc2".to_string()]).unwrap();
    report.frameworks = onus::join::join(c, &report.assessed(), &selections);
    let cc61 = report.frameworks[0]
        .controls
        .iter()
        .find(|c| c.id == "CC6.1")
        .unwrap();
    let ids = |prefix: &str| {
        cc61.evidence
            .iter()
            .filter(|h| h.id.starts_with(prefix))
            .collect::<Vec<_>>()
    };
    let iam = ids("iam_");
    assert!(iam.iter().any(|h| h.via.is_none()), "IAM checks of its own");
    assert!(iam.iter().any(|h| h.via.as_deref() == Some("nist-800-53")));
    // The control's own checks come first, and among them the IAM checks lead.
    let own = cc61.evidence.iter().take_while(|h| h.via.is_none()).count();
    assert!(own >= 6 && cc61.evidence[own..].iter().all(|h| h.via.is_some()));
    assert!(
        cc61.evidence[..5].iter().all(|h| h.id.starts_with("iam_")),
        "{:?}",
        &cc61.evidence[..5]
    );
    assert!(!ids("kms_").is_empty(), "encryption checks");
    assert!(!ids("ec2_securitygroup").is_empty(), "network checks");
    // A board's oversight is evidenced by no cloud check.
    let cc12 = report.frameworks[0]
        .controls
        .iter()
        .find(|c| c.id == "CC1.2")
        .unwrap();
    assert!(cc12.evidence.is_empty(), "{:?}", cc12.evidence);
    let in_use = ["aws.iam", "aws.kms", "aws.s3", "aws.ec2"];
    for h in &cc61.evidence {
        assert!(
            h.service.as_deref().is_none_or(|s| in_use.contains(&s)),
            "{} inspects {:?}",
            h.id,
            h.service
        );
    }
}

/// Roll-ups that follow the subject: organisational controls are never Shared through a
/// logging or network area; a CIS recommendation rolls up over the services it concerns
/// alone, is the customer's setting, and turning a service on is the customer's even
/// where no row names the service.
#[test]
fn roll_ups_follow_the_controls_subject() {
    let report = common::report_of(&common::root("samples/cur-export.csv"));
    let c = catalogue();
    let fws = onus::join::join(
        c,
        &report.assessed(),
        &Selection::parse_all(c, &["iso27001".into(), "cis-aws".into()]).unwrap(),
    );
    let control = |f: usize, id: &str| fws[f].controls.iter().find(|c| c.id == id).unwrap();
    // People controls are the customer's alone (remote working touches IAM, the
    // customer's too, so it is not "with no cloud part").
    for ctl in fws[0].controls.iter().filter(|c| c.id.starts_with("A.6.")) {
        assert_eq!(ctl.owner, Owner::Customer, "{}", ctl.id);
        assert!(ctl.provider.is_empty(), "{}", ctl.id);
    }
    for id in ["A.5.7", "A.5.24", "A.5.26", "A.6.8"] {
        assert_eq!(control(0, id).owner, Owner::Customer, "{id}");
        assert!(control(0, id).provider.is_empty(), "{id}");
    }
    let rds = control(1, "2.2.2");
    assert_eq!(rds.services.keys().collect::<Vec<_>>(), ["aws.rds"]);
    assert_eq!(rds.owner, Owner::Customer);
    for id in ["3.7", "4.12", "4.15", "5.2"] {
        assert_eq!(control(1, id).owner, Owner::Customer, "{id}");
        assert!(control(1, id).provider.is_empty(), "{id}");
    }
    // Security Hub has no row in the export: turning it on is still the customer's, said
    // as an assumption.
    let hub = control(1, "4.16");
    assert!(hub.services.is_empty());
    assert_eq!(hub.owner, Owner::Customer);
    assert!(hub.summary.contains("assumed"), "{}", hub.summary);
    // EFS is not in use: its recommendation does not apply.
    assert_eq!(control(1, "2.3.1").owner, Owner::NotApplicable);
}

/// Evidence that evidences the control: no indirect hint (through NIST SP 800-53) for an
/// organisational, physical-access, privacy or processing-integrity criterion, and the
/// reviewed overrides of Prowler's mapping in force.
#[test]
fn evidence_hints_evidence_their_control() {
    let c = catalogue();
    let indirect: Vec<&str> = c
        .evidence
        .iter()
        .filter(|h| h.framework == "soc2" && h.via.is_some())
        .map(|h| h.control.as_str())
        .filter(|id| {
            id.starts_with("P")
                || ["CC1.", "CC2.", "CC3.", "CC4.", "CC5."]
                    .iter()
                    .any(|p| id.starts_with(p))
                || *id == "CC6.4"
        })
        .collect();
    assert!(indirect.is_empty(), "{indirect:?}");
    let checks = |fw: &str, control: &str| -> Vec<&str> {
        c.evidence
            .iter()
            .filter(|h| h.framework == fw && h.control == control)
            .map(|h| h.id.as_str())
            .collect()
    };
    assert!(!checks("cis-aws", "1.1").contains(&"iam_user_no_setup_initial_access_key"));
    assert!(checks("cis-aws", "1.10").contains(&"iam_user_no_setup_initial_access_key"));
    assert_eq!(checks("cis-aws", "5.1.1"), ["ec2_ebs_default_encryption"]);
    assert!(checks("iso27001", "A.8.5")
        .iter()
        .all(|h| !h.starts_with("kms_")));
    assert!(checks("iso27001", "A.8.5").contains(&"iam_user_mfa_enabled_console_access"));
    assert_eq!(
        checks("iso27001", "A.8.11"),
        ["cloudfront_distributions_field_level_encryption_enabled"]
    );
    assert!(!checks("soc2", "C1.1").contains(&"rds_instance_deletion_protection"));
    for control in ["CC6.1", "CC6.2", "CC6.3", "CC6.6", "CC6.7"] {
        assert!(
            checks("soc2", control)
                .iter()
                .all(|h| !h.starts_with("kms_key_enclave_")
                    && !h.starts_with("ec2_confidential_workload_host_")),
            "{control}"
        );
    }
    // An override that corrects nothing is an error: the list stays reviewed.
    let e = common::with_file(
        "evidence/overrides.toml",
        "[[override]]\nframework = \"soc2\"\ncontrol = \"CC6.1\"\ncheck = \"no_such_check\"\naction = \"drop\"\nreason = \"x\"\n",
    )
    .unwrap_err();
    assert!(e.contains("nothing to correct"), "{e}");
}

/// A framework's own files are provider-neutral: a statement that names a provider's
/// products lives in the provider's folder (`aws/statements/<framework>.toml`), so that a
/// second provider can give its own wording.
#[test]
fn framework_files_name_no_provider_product() {
    let c = catalogue();
    // The products statements name: AWS's brand and the short names of its services
    // ("KMS" of "AWS KMS"), and its own terms for network rules and accounts.
    let mut words: Vec<String> = ["AWS", "Amazon", "security group", "root user", "SSM"]
        .map(String::from)
        .to_vec();
    words.extend(c.services.iter().filter(|s| s.provider == "aws").map(|s| {
        s.name
            .trim_start_matches("Amazon ")
            .trim_start_matches("AWS ")
            .trim_end_matches(" (retired)")
            .to_string()
    }));
    words.retain(|w| w.len() >= 3 && w.chars().next().is_some_and(|c| c.is_uppercase()));
    let areas: Vec<String> = c.areas.iter().map(|a| a.id.clone()).collect();
    let mut found = Vec::new();
    for fw in c.frameworks.iter().filter(|f| f.based_on.is_none()) {
        for control in &fw.controls {
            for t in [&control.customer_text, &control.provider_text]
                .into_iter()
                .flatten()
            {
                let text = t.source(&areas);
                let named = words.iter().find(|w| {
                    text.match_indices(w.as_str()).any(|(i, _)| {
                        let before = text[..i].chars().next_back();
                        let after = text[i + w.len()..].chars().next();
                        !before.is_some_and(char::is_alphanumeric)
                            && !after.is_some_and(char::is_alphanumeric)
                    })
                });
                if let Some(w) = named {
                    found.push(format!("{} {}: {w}", fw.id, control.id));
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
    // The AWS statements are there, and win over the neutral ones for AWS.
    let cc61 = c.framework("soc2").unwrap().control("CC6.1").unwrap();
    let aws = cc61.provider_statement(Some("aws")).unwrap().source(&areas);
    assert!(aws.starts_with("AWS "), "{aws}");
    assert!(cc61.provider_statement(None).is_none());
}

#[test]
fn a_providers_statements_are_checked_against_the_framework() {
    let with = |text: &str| common::with_file("aws/statements/soc2.toml", text);
    let c = with("[[statement]]\ncontrol = \"CC6.1\"\nprovider_text = \"AWS runs the key store of {services:encryption}.\"\n").unwrap();
    let areas: Vec<String> = c.areas.iter().map(|a| a.id.clone()).collect();
    let cc61 = c.framework("soc2").unwrap().control("CC6.1").unwrap();
    assert_eq!(
        cc61.provider_statement(Some("aws")).unwrap().source(&areas),
        "AWS runs the key store of {services:encryption}."
    );
    // The file replaces the shipped one: CC6.1's customer statement is now the neutral one.
    assert!(cc61.customer_statement(Some("aws")).is_none());
    let e = with("[[statement]]\ncontrol = \"CC9.9\"\ncustomer_text = \"Do it.\"\n").unwrap_err();
    assert!(
        e.contains("aws/statements/soc2.toml:2:11: error: \"CC9.9\" is not a control of soc2"),
        "{e}"
    );
    let e = with("[[statement]]\ncontrol = \"CC6.1\"\n").unwrap_err();
    assert!(
        e.contains("CC6.1: a statement needs customer_text, provider_text or both"),
        "{e}"
    );
    let e = with("[[statement]]\ncontrol = \"CC6.1\"\ncustomer_text = \"Keep {services:data}.\"\n")
        .unwrap_err();
    assert!(
        e.contains("\"data\" is not one of this control's areas"),
        "{e}"
    );
    let e = common::with_file("aws/statements/fedramp.toml", "").unwrap_err();
    assert!(e.contains("fedramp is a profile of nist-800-53: write its statements in aws/statements/nist-800-53.toml"), "{e}");
    let e = common::with_file("acme/statements/soc2.toml", "").unwrap_err();
    assert!(
        e.contains("acme/statements/soc2.toml: error: a provider's statements need its catalogue"),
        "{e}"
    );
}

/// A statement names the services its subject concerns: physical security the services
/// whose data centres are the provider's (not Outposts, racked on the customer's
/// premises), key custody the key services, and
/// a data statement those that hold data (not a VPC).
#[test]
fn statements_name_the_services_of_their_subject() {
    let c = catalogue();
    let inv = common::parse(b"service\nAmazon EC2\nAWS Outposts\nAWS KMS\nAmazon VPC\nAmazon S3\n")
        .unwrap();
    let report = common::assess(&inv);
    let sel = Selection::parse_all(c, &["soc2".into(), "iso27001".into()]).unwrap();
    let fws = onus::join::join(c, &report.assessed(), &sel);
    let text = |fw: usize, id: &str, provider: bool| {
        let control = fws[fw].controls.iter().find(|x| x.id == id).unwrap();
        let t = if provider {
            &control.provider_text
        } else {
            &control.customer_text
        };
        t.clone().unwrap_or_default()
    };
    let physical = text(0, "CC6.4", true);
    assert!(
        physical.starts_with("AWS restricts physical access"),
        "{physical}"
    );
    assert!(
        physical.contains("aws.ec2") && !physical.contains("aws.outposts"),
        "{physical}"
    );
    // Outposts hardware is AWS's in part (it replaces the racks), so media disposal
    // concerns every service here.
    let media = text(0, "C1.2", true);
    assert!(media.ends_with("behind every service in scope."), "{media}");
    let keys = text(0, "C1.1", true);
    assert!(
        keys.contains("aws.kms") && !keys.contains("aws.s3"),
        "{keys}"
    );
    // ISO A.5.12 (classification) concerns the services that hold data.
    let classify = text(1, "A.5.12", false);
    assert!(
        classify.contains("aws.s3") && !classify.contains("aws.vpc"),
        "{classify}"
    );
    // CC6.6: AWS's edge protection covers every service, not only Route 53.
    let edge = text(0, "CC6.6", true);
    assert!(
        edge.contains("Shield Standard") && edge.contains("every service in scope"),
        "{edge}"
    );
}
