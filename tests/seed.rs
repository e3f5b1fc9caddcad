//! Every statement of the seed model (shared/seed/aws-shared-responsibility-model.md)
//! as it comes out of the tool, one test each.

mod common;
use common::{owner, report_of, who};
use onus::vocab::Owner::{self, *};

const SEED_SERVICES: &[(&str, Option<&str>)] = &[
    ("EC2", None),
    ("EBS", None),
    ("VPC", None),
    ("ECS", Some("ec2")),
    ("EKS", Some("self-managed-nodes")),
    ("Fargate", None),
    ("S3", None),
    ("DynamoDB", None),
    ("Lambda", Some("managed-runtime")),
    ("CloudFront", None),
];

fn all_seed(area: &str, expected: Owner) {
    for (service, variant) in SEED_SERVICES {
        assert_eq!(
            owner(service, *variant, area),
            expected,
            "{service} {variant:?} {area}"
        );
    }
}

// 1. AWS responsibility: security OF the cloud.

#[test]
fn aws_secures_the_data_centres() {
    all_seed("physical", Provider);
}

#[test]
fn aws_runs_hardware_networking_and_storage_devices() {
    all_seed("hardware", Provider);
}

#[test]
fn aws_runs_the_hypervisors() {
    all_seed("virtualization", Provider);
}

#[test]
fn aws_runs_the_global_infrastructure_regions_azs_edge_locations() {
    all_seed("network-infrastructure", Provider);
}

#[test]
fn aws_runs_managed_services_infrastructure() {
    // S3 durability, DynamoDB availability, EBS replication, CloudFront global network.
    for service in ["S3", "DynamoDB", "EBS", "CloudFront"] {
        assert_eq!(
            owner(service, None, "managed-infrastructure"),
            Provider,
            "{service}"
        );
    }
    assert_eq!(
        owner("CloudFront", None, "network-infrastructure"),
        Provider
    );
}

#[test]
fn a_flooded_data_centre_or_failed_disk_is_aws_to_handle() {
    for (service, variant) in SEED_SERVICES {
        assert_eq!(owner(service, *variant, "physical"), Provider);
        assert_eq!(owner(service, *variant, "hardware"), Provider);
    }
}

// 2. Customer responsibility: security IN the cloud.

#[test]
fn customer_owns_iam_users_roles_policies() {
    all_seed("identity-access", Customer);
    assert_eq!(owner("IAM", None, "identity-access"), Customer);
}

#[test]
fn customer_owns_data_encryption() {
    all_seed("encryption", Customer);
}

#[test]
fn customer_owns_the_backup_strategy() {
    all_seed("backup-recovery", Customer);
}

#[test]
fn customer_owns_security_groups_and_nacls() {
    all_seed("network-controls", Customer);
    let (o, _) = who("VPC", None, "network-controls");
    assert_eq!(o, Customer);
}

#[test]
fn customer_patches_the_ec2_os_and_applications() {
    assert_eq!(owner("EC2", None, "guest-os"), Customer);
    assert_eq!(owner("EC2", None, "runtime"), Customer);
    assert_eq!(owner("EC2", None, "application-code"), Customer);
}

#[test]
fn customer_owns_application_code_security_and_vulnerability_scanning() {
    // Every seed service that runs code has it as the customer's; EBS and VPC run no
    // code of their own (the instances that use them carry it, as the customer's), so
    // there the duty does not exist. Never the provider's.
    for (service, variant) in SEED_SERVICES {
        let expected = match *service {
            "EBS" | "VPC" => NotApplicable,
            _ => Customer,
        };
        assert_eq!(
            owner(service, *variant, "application-code"),
            expected,
            "{service}"
        );
    }
}

#[test]
fn customer_owns_secrets_management_including_ssm_and_secrets_manager() {
    all_seed("secrets", Customer);
    assert_eq!(owner("Secrets Manager", None, "secrets"), Customer);
    assert_eq!(owner("AWS Systems Manager", None, "secrets"), Customer);
}

#[test]
fn an_ec2_instance_hacked_through_a_weak_password_or_open_port_22_is_the_customers_mistake() {
    assert_eq!(owner("EC2", None, "identity-access"), Customer);
    assert_eq!(owner("EC2", None, "network-controls"), Customer);
    let (_, reason) = reason_of("EC2", "network-controls");
    assert!(reason.contains("port 22"), "{reason}");
}

fn reason_of(service: &str, area: &str) -> (Owner, String) {
    let c = common::catalogue();
    let onus::catalogue::Lookup::Service(s) = c.lookup(service, None) else {
        panic!()
    };
    let d = &c.duties(s, None)[c.area_index(area).unwrap()];
    (d.owner, d.reason.clone())
}

// 3A. Infrastructure services (EC2, EBS, VPC).

#[test]
fn ec2_ebs_vpc_are_infrastructure_services() {
    for service in ["EC2", "EBS", "VPC"] {
        let c = common::catalogue();
        let onus::catalogue::Lookup::Service(s) = c.lookup(service, None) else {
            panic!()
        };
        assert_eq!(c.tiers[s.tier].id, "infrastructure", "{service}");
        // Customer: OS patching (the tier's default: EC2's own cell; EBS and VPC run
        // no OS of their own, the instances that use them carry it), firewall rules,
        // application config.
        let tier = &c.tiers[s.tier];
        assert_eq!(tier.defaults[c.area_index("guest-os").unwrap()], Customer);
        let os = if service == "EC2" {
            Customer
        } else {
            NotApplicable
        };
        assert_eq!(owner(service, None, "guest-os"), os, "{service} guest-os");
        for area in ["network-controls", "application-config"] {
            assert_eq!(owner(service, None, area), Customer, "{service} {area}");
        }
        // AWS: hardware, networking, data centre.
        for area in ["hardware", "network-infrastructure", "physical"] {
            assert_eq!(owner(service, None, area), Provider, "{service} {area}");
        }
    }
}

#[test]
fn a_java_app_on_ec2_is_patched_by_the_customer_and_aws_runs_only_hardware_and_power() {
    assert_eq!(owner("EC2", None, "runtime"), Customer); // you patch Java
    assert_eq!(owner("EC2", None, "guest-os"), Customer); // and Linux
    assert_eq!(owner("EC2", None, "hardware"), Provider);
    assert_eq!(owner("EC2", None, "physical"), Provider); // power
}

// 3B. Container services (ECS, EKS, Fargate): the seed's component table.

const CONTAINER_SERVICES: [(&str, Option<&str>); 5] = [
    ("ECS", Some("ec2")),
    ("ECS", Some("fargate")),
    ("EKS", Some("self-managed-nodes")),
    ("EKS", Some("fargate")),
    ("Fargate", None),
];

#[test]
fn container_table_ec2_hardware_is_aws() {
    for (s, v) in CONTAINER_SERVICES {
        assert_eq!(owner(s, v, "hardware"), Provider, "{s} {v:?}");
    }
}

#[test]
fn container_table_kubernetes_control_plane_is_aws() {
    for v in ["self-managed-nodes", "managed-node-groups", "fargate"] {
        assert_eq!(owner("EKS", Some(v), "control-plane"), Provider, "{v}");
    }
}

#[test]
fn container_table_self_managed_worker_nodes_are_the_customers() {
    assert_eq!(
        owner("EKS", Some("self-managed-nodes"), "worker-nodes"),
        Customer
    );
    assert_eq!(
        owner("EKS", Some("self-managed-nodes"), "guest-os"),
        Customer
    );
    // And with Fargate, AWS runs them.
    assert_eq!(owner("EKS", Some("fargate"), "worker-nodes"), Provider);
}

#[test]
fn container_table_images_and_application_code_are_the_customers() {
    for (s, v) in CONTAINER_SERVICES {
        assert_eq!(owner(s, v, "application-code"), Customer, "{s} {v:?}");
    }
}

#[test]
fn eks_example_aws_runs_the_control_plane_you_patch_nodes_and_secure_pods() {
    let v = Some("self-managed-nodes");
    assert_eq!(owner("EKS", v, "control-plane"), Provider);
    assert_eq!(owner("EKS", v, "worker-nodes"), Customer);
    // Pod security: workload identities, network policies and pod configuration.
    for area in ["identity-access", "network-controls", "application-config"] {
        assert_eq!(owner("EKS", v, area), Customer, "{area}");
    }
}

#[test]
fn eks_without_a_variant_never_gives_worker_nodes_to_aws() {
    let (o, basis) = who("EKS", None, "worker-nodes");
    assert_eq!((o, basis), (Customer, onus::vocab::Basis::Assumed));
}

// 3C. Fully managed services (S3, DynamoDB, Lambda).

#[test]
fn fully_managed_aws_runs_infrastructure_os_patching_and_scaling() {
    for (s, v) in [
        ("S3", None),
        ("DynamoDB", None),
        ("Lambda", Some("managed-runtime")),
    ] {
        for area in ["managed-infrastructure", "hardware", "guest-os"] {
            assert_eq!(owner(s, v, area), Provider, "{s} {area}");
        }
    }
    for s in ["S3", "DynamoDB"] {
        assert_eq!(owner(s, None, "runtime"), Provider, "{s}");
    }
    // Lambda's runtime: AWS patches it (and applies the patches in Auto mode); choosing
    // a supported runtime is the customer's part, so the cell is shared by the pattern
    // that says exactly that.
    aws_patches_the_lambda_runtime();
}

/// The seed's "AWS handles ... runtime" for Lambda: AWS's part of the runtime cell is
/// the patching, the customer's the choice of a supported runtime.
fn aws_patches_the_lambda_runtime() {
    let c = common::catalogue();
    let onus::catalogue::Lookup::Service(s) = c.lookup("Lambda", None) else {
        panic!()
    };
    let d = &c.duties(s, s.variant("managed-runtime"))[c.area_index("runtime").unwrap()];
    assert_eq!(d.owner, Shared);
    assert_eq!(
        d.pattern.as_deref(),
        Some("provider-patches-customer-applies")
    );
    assert!(
        d.reason.contains("Lambda publishes runtime patches"),
        "{}",
        d.reason
    );
    assert!(
        d.reason.contains("choose a supported version"),
        "{}",
        d.reason
    );
}

#[test]
fn fully_managed_customer_owns_data_access_permissions_and_application_logic() {
    for (s, v) in [
        ("S3", None),
        ("DynamoDB", None),
        ("Lambda", Some("managed-runtime")),
    ] {
        for area in ["data", "identity-access", "application-code"] {
            assert_eq!(owner(s, v, area), Customer, "{s} {area}");
        }
    }
}

#[test]
fn lambda_example_aws_handles_servers_and_runtime_you_write_and_secure_your_code() {
    let v = Some("managed-runtime");
    assert_eq!(owner("Lambda", v, "hardware"), Provider);
    assert_eq!(owner("Lambda", v, "guest-os"), Provider);
    aws_patches_the_lambda_runtime();
    assert_ne!(owner("Lambda", v, "runtime"), Customer);
    assert_eq!(owner("Lambda", v, "application-code"), Customer);
    // A container image carries its own runtime: the customer's.
    assert_eq!(
        owner("Lambda", Some("container-image"), "runtime"),
        Customer
    );
}

// Real DevOps examples.

#[test]
fn a_public_s3_bucket_that_leaks_is_the_customers_fault() {
    assert_eq!(owner("S3", None, "application-config"), Customer);
    assert_eq!(owner("S3", None, "identity-access"), Customer);
    assert_eq!(owner("S3", None, "data"), Customer);
    let (_, reason) = reason_of("S3", "application-config");
    assert!(reason.contains("bucket policies"), "{reason}");
}

#[test]
fn s3_going_down_in_a_region_is_aws_fault() {
    assert_eq!(owner("S3", None, "managed-infrastructure"), Provider);
}

#[test]
fn an_unpatched_infected_ec2_instance_is_the_customers_responsibility() {
    assert_eq!(owner("EC2", None, "guest-os"), Customer);
}

// The seed's summary table, reproduced from an inventory of the seed's services.

#[test]
fn summary_table_comes_out_of_a_report_on_the_seed_services() {
    let report = report_of(&common::fixture("seed-inventory.csv"));
    assert_eq!(report.meta.unassessed_rows, 0);
    assert_eq!(report.meta.counts.assessed, 10);
    let summary = |area: &str| report.summary[area].owner;
    assert_eq!(summary("physical"), Provider, "Data Centers");
    assert_eq!(summary("hardware"), Provider, "Hardware");
    assert_eq!(
        summary("network-infrastructure"),
        Provider,
        "Network Infrastructure"
    );
    assert_eq!(
        summary("managed-infrastructure"),
        Provider,
        "Managed Services Infrastructure"
    );
    assert_eq!(summary("identity-access"), Customer, "Identity & Access");
    assert_eq!(summary("encryption"), Customer, "Encryption");
    assert_eq!(summary("application-code"), Customer, "Application Code");
    assert_eq!(summary("data"), Customer, "Data Security");
    let ec2 = report
        .services
        .iter()
        .find(|s| s.id.as_deref() == Some("aws.ec2"))
        .unwrap();
    assert_eq!(ec2.duties["guest-os"].owner, Customer, "OS Patching on EC2");

    // And the Markdown says it in the seed's form.
    let renderer = onus::render::Renderer::new(None, Default::default()).unwrap();
    let md = String::from_utf8(
        renderer
            .render(&report, onus::render::Format::Md)
            .unwrap()
            .bytes()
            .to_vec(),
    )
    .unwrap();
    for row in [
        "| Physical security of data centres | Yes | No | Provider |",
        "| Compute, storage and network hardware | Yes | No | Provider |",
        "| Global network: regions, AZs, edge locations | Yes | No | Provider |",
        "| IAM users, roles, policies, federation | No | Yes | Customer |",
        "| Encryption at rest and in transit, key management | No | Yes | Customer |",
        "| Application code, images, dependencies, vulnerability scanning | No | Yes | Customer |",
        "| Data classification, content, data security | No | Yes | Customer |",
    ] {
        assert!(md.contains(row), "missing summary row {row}");
    }
    assert!(md.contains("| Infrastructure of the managed service (durability, availability, scaling, replication) | Yes | No | Provider |"));
    assert!(md.contains("monitor the provider through its attestations"));
}

#[test]
fn container_hosts_the_customer_runs_carry_their_container_runtime_too() {
    assert_eq!(owner("ECS", Some("ec2"), "runtime"), Customer);
    assert_eq!(
        owner("EKS", Some("self-managed-nodes"), "runtime"),
        Customer
    );
    assert_eq!(owner("EKS", Some("hybrid-nodes"), "runtime"), Customer);
}
