//! Microsoft Azure beside AWS: the inputs an Azure estate comes in (FOCUS 1.3 with
//! several providers, Azure cost details, Resource Graph and the portal's resource
//! export), resource ids, and the names both providers use.

mod common;

use common::{diagnostics_of, fixture, report_of};
use onus::report::Report;

/// The share of the rows that name a service which resolve to one (rows skipped as
/// billing lines are not service rows).
fn resolved_share(report: &Report) -> f64 {
    let (mut resolved, mut all) = (0u64, 0u64);
    for s in &report.services {
        all += s.row_count;
        if s.assessed {
            resolved += s.row_count;
        }
    }
    resolved as f64 / all as f64
}

fn ids(report: &Report, prefix: &str) -> Vec<String> {
    let mut ids: Vec<String> = report
        .services
        .iter()
        .filter_map(|s| s.id.clone())
        .filter(|id| id.starts_with(prefix))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

const EXPECTED_FOCUS_AZURE: [&str; 10] = [
    "azure.aks",
    "azure.functions",
    "azure.key-vault",
    "azure.load-balancer",
    "azure.machine-learning",
    "azure.mysql",
    "azure.sql-database",
    "azure.storage",
    "azure.vm",
    "azure.vm-scale-sets",
];

/// A FOCUS 1.3 export of four providers: every Microsoft row that names a service
/// resolves (51 of 51), Google's and Oracle's rows get one diagnostic per provider, a
/// service sold by a third party on Microsoft's marketplace is skipped as such, and
/// Oracle Database@AWS, sold by Oracle but in AWS's catalogue, is AWS's.
#[test]
fn a_focus_export_of_four_providers_resolves_every_microsoft_row() {
    let report = report_of(&fixture("focus-1.3-mixed.csv"));
    let microsoft_rows: u64 = report
        .services
        .iter()
        .filter(|s| s.assessed && s.id.as_deref().is_some_and(|id| id.starts_with("azure.")))
        .map(|s| s.row_count)
        .sum();
    assert_eq!(microsoft_rows, 51);
    let azure = ids(&report, "azure.");
    assert_eq!(azure, EXPECTED_FOCUS_AZURE);
    let text = std::fs::read(fixture("focus-1.3-mixed.csv")).unwrap();
    let diagnostics = diagnostics_of(&text);
    let foreign: Vec<&String> = diagnostics
        .iter()
        .filter(|d| d.contains("no catalogue for provider"))
        .collect();
    assert_eq!(foreign.len(), 2, "{foreign:?}");
    assert!(foreign[0].contains("\"Google\"") && foreign[0].contains("(3 rows"));
    assert!(foreign[1].contains("\"Oracle\"") && foreign[1].contains("(3 rows"));
    assert!(
        diagnostics.iter().any(|d| d
            .contains("\"Datadog Cloud Monitoring\" (sold by Datadog on Microsoft)")
            && d.contains("Azure Marketplace")),
        "{diagnostics:?}"
    );
    let oracle_on_aws = report
        .services
        .iter()
        .find(|s| s.written == "Oracle Database@AWS")
        .expect("the row is a service");
    assert!(oracle_on_aws.assessed);
    assert!(oracle_on_aws.id.as_deref().unwrap().starts_with("aws."));
}

/// Microsoft's own export formats resolve at least 98% of their service rows: an EA
/// cost details export (Microsoft's sample, by meter category and resource id), a
/// Resource Graph export (by type) and the portal's "All resources" CSV (by the types'
/// display names, with no id).
#[test]
fn azure_cost_details_resource_graph_and_portal_exports_resolve() {
    for name in [
        "azure-ea-cost-details.csv",
        "azure-resource-graph.csv",
        "azure-portal-resources.csv",
    ] {
        let report = report_of(&fixture(name));
        let share = resolved_share(&report);
        assert!(share >= 0.98, "{name}: {share}");
        assert!(ids(&report, "aws.").is_empty(), "{name}: never AWS's");
    }
    // Subscription and location are the account and the region.
    let report = report_of(&fixture("azure-resource-graph.csv"));
    assert_eq!(
        report.meta.scope.accounts,
        ["00000000-0000-0000-0000-000000000001"]
    );
    assert_eq!(report.meta.scope.regions, ["westeurope"]);
    // A reservation purchase and data transfer are billing lines, not services.
    let text = std::fs::read(fixture("azure-ea-cost-details.csv")).unwrap();
    let diagnostics = diagnostics_of(&text);
    assert!(
        diagnostics
            .iter()
            .any(|d| d.contains("\"Bandwidth\" is a billing line")),
        "{diagnostics:?}"
    );
}

/// A resource id resolves by its type (a child type by its parent's service), and
/// the type shows how the service runs: a Managed Instance's id is SQL Managed
/// Instance, inferred from the id.
#[test]
fn resource_ids_resolve_by_type_and_show_the_variant() {
    let csv = "service,ResourceId\n\
               ,/subscriptions/0/resourceGroups/rg/providers/Microsoft.Sql/managedInstances/mi1\n\
               ,/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s1/blobServices/default\n\
               Storage,/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/disks/d1\n";
    let inventory = common::parse(csv.as_bytes()).unwrap();
    let report = common::assess(&inventory);
    let sql = report
        .services
        .iter()
        .find(|s| s.id.as_deref() == Some("azure.sql-database"))
        .expect("the managed instance");
    assert_eq!(sql.variant.as_deref(), Some("managed-instance"));
    assert_eq!(sql.variant_basis.as_deref(), Some("inferred"));
    // The name decides where it names a service: "Storage" billed to a disk.
    let azure = ids(&report, "azure.");
    assert!(azure.contains(&"azure.storage".to_string()), "{azure:?}");
    assert!(!azure.contains(&"azure.vm".to_string()), "{azure:?}");
}

/// Names both providers use ("Backup", "Support") are never silently AWS's: the row's
/// provider decides, then the file's other rows when they are all one provider's;
/// otherwise the row asks which.
#[test]
fn names_both_providers_use_are_decided_or_asked() {
    let azure_only = "service\nBackup\nVirtual Machines\nKey Vault\n";
    let report = common::assess(&common::parse(azure_only.as_bytes()).unwrap());
    assert!(ids(&report, "aws.").is_empty());
    assert!(ids(&report, "azure.").contains(&"azure.backup".to_string()));

    let mixed = "service\nBackup\nVirtual Machines\nAmazon EC2\n";
    let diagnostics = diagnostics_of(mixed.as_bytes());
    assert!(
        diagnostics
            .iter()
            .any(|d| d.contains("which provider's \"Backup\" is it: aws.backup or azure.backup?")),
        "{diagnostics:?}"
    );
    let report = common::assess(&common::parse(mixed.as_bytes()).unwrap());
    assert!(
        report
            .services
            .iter()
            .any(|s| s.written == "Backup" && !s.assessed),
        "unassessed until a provider column says which"
    );

    let named = "service,provider\nBackup,azure\nVirtual Machines,azure\nAmazon EC2,aws\n";
    let report = common::assess(&common::parse(named.as_bytes()).unwrap());
    assert!(ids(&report, "azure.").contains(&"azure.backup".to_string()));
    assert!(!ids(&report, "aws.").contains(&"aws.backup".to_string()));
}

/// Microsoft's wording, never AWS's, in an Azure service's cells.
#[test]
fn azure_cells_speak_of_microsofts_products() {
    let catalogue = common::catalogue();
    let vm = catalogue
        .services
        .iter()
        .find(|s| s.id == "azure.vm")
        .unwrap();
    let duties = catalogue.duties(vm, None);
    let text: String = duties.iter().map(|d| d.reason.clone()).collect();
    for aws in [
        "IAM users",
        "Configure security groups",
        "Secrets Manager",
        "AWS",
    ] {
        assert!(!text.contains(aws), "{aws}: {text}");
    }
    assert!(text.contains("Microsoft Entra ID") && text.contains("Key Vault"));
}

/// Azure's evidence hints come from Prowler's Azure mappings, for the Azure services
/// in use only: an Azure estate's SOC 2 controls name Azure checks, an AWS estate's
/// never do.
#[test]
fn azure_evidence_hints_only_for_azure_services() {
    let dir = tempfile::tempdir().unwrap();
    let run = |inventory: &str, name: &str| -> String {
        let path = dir.path().join(format!("{name}.csv"));
        std::fs::write(&path, inventory).unwrap();
        let out = dir.path().join(name);
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_onus"))
            .args([
                "report",
                path.to_str().unwrap(),
                "-f",
                "soc2",
                "--format",
                "json",
                "-q",
                "-o",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            o.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        std::fs::read_to_string(out.join("responsibility-matrix.json")).unwrap()
    };
    let azure = run(
        "service\nStorage Accounts\nKey Vault\nVirtual Machines\n",
        "azure",
    );
    assert!(azure.contains("storage_"), "an Azure storage check");
    assert!(azure.contains("keyvault_"), "an Azure Key Vault check");
    let aws = run("service\nAmazon S3\nAWS Lambda\n", "aws");
    for azure_check in ["storage_ensure", "keyvault_", "entra_", "vm_ensure"] {
        assert!(!aws.contains(azure_check), "{azure_check}");
    }
}

/// An Azure-only inventory and a mixed one each give every format, in a pack; the mixed
/// report groups its services by provider, then tier, names both providers as
/// subservice organisations, and gives each service its provider.
#[test]
fn azure_and_mixed_estates_give_every_format() {
    let dir = tempfile::tempdir().unwrap();
    for (name, inventory) in [
        ("azure", "service\nVirtual Machines\nKey Vault\nAzure SQL Database\nStorage Accounts\n"),
        ("mixed", "service,provider\nVirtual Machines,azure\nKey Vault,azure\nAmazon S3,aws\nAWS Lambda,aws\n"),
    ] {
        let path = dir.path().join(format!("{name}.csv"));
        std::fs::write(&path, inventory).unwrap();
        let out = dir.path().join(name);
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_onus"))
            .args(["pack", path.to_str().unwrap(), "-f", "soc2", "-q", "-o"])
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .output()
            .unwrap();
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        for file in [
            "responsibility-matrix.md",
            "responsibility-matrix.html",
            "responsibility-matrix.pdf",
            "responsibility-matrix.docx",
            "responsibility-matrix.json",
            "responsibility-matrix.csv",
            "questionnaire.xlsx",
            "oscal-component-definition.json",
        ] {
            assert!(out.join(file).exists(), "{name}: {file}");
        }
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("responsibility-matrix.json")).unwrap())
                .unwrap();
        for s in json["services"].as_array().unwrap() {
            let id = s["id"].as_str().unwrap();
            assert_eq!(s["provider"].as_str(), id.split('.').next(), "{id}");
        }
        let md = std::fs::read_to_string(out.join("responsibility-matrix.md")).unwrap();
        if name == "mixed" {
            let aws = md.find("### Amazon Web Services: Fully managed").expect("AWS's section");
            let azure = md.find("### Microsoft Azure: Infrastructure").expect("Azure's section");
            assert!(aws < azure, "grouped by provider, then tier");
            assert!(md.contains("**By provider:** Amazon Web Services,"));
            assert!(md.contains("Amazon Web Services, Inc. (AWS) as a subservice organisation"));
            assert!(md.contains("Microsoft Corporation (Microsoft Azure) as a subservice organisation"));
        } else {
            assert!(!md.contains("Amazon Web Services"), "an Azure estate never names AWS");
            assert!(md.contains("Entra ID identities, Azure RBAC, federation"));
        }
    }
}
