#!/usr/bin/env python3
"""Build onus's public-domain control frameworks and crosswalks from the reference data.

Run from the repository root (python3, standard library only):

    python3 tools/build_frameworks.py [--ref ../shared/reference-data]

It reads the extracted indexes in ``../shared/reference-data`` and writes:

    frameworks/controls/nist-800-53.toml   SP 800-53 Rev. 5, release 5.1.1, with SP 800-53B baselines
    frameworks/controls/fedramp.toml       FedRAMP Rev. 5 baselines, a profile over nist-800-53
    frameworks/controls/nist-800-171.toml  SP 800-171 Rev. 3
    frameworks/controls/nist-csf.toml      Cybersecurity Framework 2.0
    frameworks/controls/hipaa.toml         HIPAA Security Rule, 45 CFR 164.308-164.316
    frameworks/crosswalks/*.csv            control-to-control relations published by NIST
    frameworks/crosswalks/README.md        their provenance

The generated files are not to be edited by hand: change this script and run it again.

The core of this script is the mapping from each control to the duty areas of
frameworks/model.toml that it touches. A control's owner for a service is derived from the
service's owners on those areas, so a control mapped only to provider-run areas (physical,
hardware, network-infrastructure, virtualization, managed-infrastructure) is shown as
inherited from the provider. The mapping is therefore conservative: whenever the customer
has a real part in a control, an area the customer owns is named too. Each mapping carries
a one-sentence `why` for the auditor who reviews it. For SP 800-53 there is a default per
family and an override per control; an enhancement takes its base control's mapping
unless it has an override of its own. SP 800-171 Rev. 3 requirements take the mapping of
the SP 800-53 control they were derived from, unless overridden.

Sources (all US Government works, public domain in the US; the OSCAL content is CC0 1.0):

* SP 800-53 Rev. 5: ``nist-sp800-53-rev5/nist-800-53r5-index.json``, extracted from
  usnistgov/oscal-content @a849dbca4649e0cc626fefdd46cf5232c8308f4c (catalogue 5.0.1), with
  5.1.1 titles and the SP 800-53B 5.1.1 baselines from @88bb8deeaa815f8914d68ea7e31a622ebbc1719d.
  The index also carries seven hand-added entries flagged ``added_in_release`` (IA-13 and
  IA-13(1)-(3) from 5.1.1; SA-15(13), SA-24 and SI-2(7) from 5.2.0) whose titles were not
  taken from NIST's machine-readable catalogue. They are left out until they can be checked
  against NIST's catalogue, so the file holds the 1,189 entries of the 5.0.1/5.1.1 catalogue.
  The baselines are checked against the OSCAL profiles in the same folder, and the
  "incorporated into / moved to" notes of withdrawn controls come from the 5.0.1 catalogue.
* FedRAMP Rev. 5: the index's ``fedramp_rev5`` column, checked against the baseline profiles of
  GSA/fedramp-automation @c784140bc6d1ac9fa159aabc0e8a29e9aa2c63a9 (``fedramp-rev5/``).
* SP 800-171 Rev. 3: ``nist-sp800-171-rev3/nist-800-171r3-index.json`` and, for withdrawn
  requirements, the links of the OSCAL catalogue (usnistgov/oscal-content @3b3cdee8f9f9f3e9f18dd70d89a58d6287ae433f).
* CSF 2.0: ``nist-csf-2.0/nist-csf-2.0-index.json`` (same commit); the entries flagged
  ``withdrawn_or_csf11_only`` (CSF 1.1 leftovers) are skipped.
* HIPAA Security Rule: ``hipaa-security-rule/hipaa-security-rule-index.json``, the section,
  standard and implementation-specification headings of 45 CFR 164.308-164.316 (eCFR).

Crosswalks (relations published by NIST; the CSV files hold only pairs of ids):

* ``nist-800-53--iso27001.csv``: NIST OLIR mapping of SP 800-53 Rev. 5 to ISO/IEC 27001:2022
  (``sp800-53r5-to-iso-27001-mapping-2022-OLIR-2023-10-12-UPDATED.xlsx``), read from
  ``crosswalks/nist-800-53r5_to_iso27001-2022_NIST-OLIR.csv``.
* ``nist-csf--iso27001.csv``: NIST's CSF 2.0 informative references to ISO/IEC 27001:2022,
  read from ``crosswalks/nist-csf-2.0_to_iso27001-2022_NIST.csv``.
* ``hipaa--nist-800-53.csv``: the crosswalk of HIPAA Security Rule standards to SP 800-53
  Rev. 5 in NIST SP 800-66 Rev. 2 (2024), read from
  ``crosswalks/hipaa-security-rule_to_nist-800-53r5_via-SP800-66r2.csv``. SP 800-66r2 maps
  standards, not implementation specifications, so the pairs name standards; its short
  standard ids (``164.310(a)``) are written as our standard ids (``164.310(a)(1)``).

ISO/IEC 27001 clause versus Annex A: ISO 27001 ids have two forms that collide (clause 5.2
"Policy" and Annex A control 5.2 "Information security roles and responsibilities"). In
both ISO source files the Annex A controls carry an explicit ``A.`` prefix (``A.5.15``) and
the bare ids are management-system clauses: the bare ids present are exactly clause-shaped
(4.1-4.4, 5.1-5.3, 6.1.1-6.2, 7.1-7.5.3, 8.1-8.3, 9.1-10.2, including three-level ids such as
7.5.1 and 9.2.2 that exist only as clauses, and never 5.4-5.37 or 8.4-8.34), and they pair
sensibly as clauses (AC-1 with clause 5.2 "Policy" and, separately, with A.5.1). This
follows NIST OLIR's convention of referencing Annex A controls as ``A.x.y``. onus ships
ISO/IEC 27001 as Annex A controls only, so pairs whose ISO side is a clause are dropped and
Annex A ids are written with their prefix, ``A.5.15``; only ``A.5.1``-``A.8.34`` are kept.
SP 800-53 ids are written in NIST display form (``ac-2(1)`` becomes ``AC-2(1)``) and a pair is
kept only when both ids exist in our framework files; the script fails on any that does not.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

GENERATED = "Generated by tools/build_frameworks.py from ../shared/reference-data: do not edit by hand."

PUBLIC_DOMAIN = (
    "US Government work, public domain in the United States (17 U.S.C. 105); "
    "the OSCAL content is dedicated to the public domain worldwide under CC0 1.0."
)

OSCAL_CONTENT = "https://github.com/usnistgov/oscal-content"
# The OSCAL catalogs and profiles themselves, at the commits the files are built from: the
# `oscal` hrefs of the frameworks and baselines (OSCAL exports import them).
RAW_OSCAL_CONTENT = "https://raw.githubusercontent.com/usnistgov/oscal-content"
NIST_53_CATALOG = f"{RAW_OSCAL_CONTENT}/a849dbca4649e0cc626fefdd46cf5232c8308f4c/nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json"
FEDRAMP_AUTOMATION = "https://github.com/GSA/fedramp-automation"


# --------------------------------------------------------------------------------------------
# The mapping. A rule is (areas, why): areas is a space-separated list of model.toml ids.
# --------------------------------------------------------------------------------------------

def rule(areas: str, why: str) -> tuple[tuple[str, ...], str]:
    return tuple(areas.split()), why


# Reused rules.
PATCHING = rule(
    "guest-os worker-nodes runtime application-code workplace",
    "Flaws are fixed wherever the customer runs software: guest OS, container hosts, runtimes, its own code and its endpoints.",
)
VULN_SCANNING = rule(
    "guest-os worker-nodes runtime application-code",
    "Vulnerability scanning covers the OS images, hosts, runtimes and code the customer deploys.",
)
DATA_CENTRE = rule("physical", "Physical protection of the data centres that host the service is run by the provider.")

SP800_53_FAMILIES = {
    "AC": rule("identity-access", "Access is granted and enforced through the customer's identities, roles and policies."),
    "AT": rule("governance", "Security awareness and training of staff is part of the customer's own programme."),
    "AU": rule("logging-monitoring", "Audit logging is enabled, retained and reviewed by the customer for its resources."),
    "CA": rule("governance", "Assessing and authorising its systems is the customer's own assurance activity."),
    "CM": rule(
        "application-config guest-os worker-nodes",
        "Configuration of the service, the guest OS and container hosts is set and kept by whoever runs them.",
    ),
    "CP": rule("backup-recovery", "Contingency planning depends on the customer's backup and recovery design."),
    "IA": rule("identity-access", "Identities and authentication are configured in the customer's identity provider and IAM."),
    "IR": rule(
        "governance logging-monitoring",
        "Incident response is the customer's process, fed by the logs and alerts of its own resources.",
    ),
    "MA": rule(
        "hardware guest-os",
        "Maintenance covers the hardware, run by the provider, and the systems software the customer administers.",
    ),
    "MP": rule("workplace", "Media protection applies to the removable media and endpoints the customer holds."),
    # PE-2..PE-23 stay `physical` (bar the few overrides below): within a cloud system
    # boundary physical protection is inherited from the provider, the FedRAMP convention.
    # SP 800-171 03.10.x map `physical workplace` instead (see SP800_171_SOURCES), because
    # 800-171 covers the organisation's own premises wherever it handles CUI.
    "PE": DATA_CENTRE,
    "PL": rule("governance", "Security planning is part of the customer's own programme."),
    "PM": rule("governance", "Programme management is organisational and rests with the customer."),
    "PS": rule("governance", "Personnel security concerns the customer's own staff."),
    "PT": rule("governance data", "Processing personal data lawfully is the customer's duty as the controller of that data."),
    "RA": rule("governance", "Risk assessment is an organisational activity of the customer."),
    "SA": rule("governance", "Acquiring systems and services, including cloud services, is the customer's vendor management."),
    "SC": rule("network-controls", "Communications are protected by the network rules the customer configures."),
    "SI": rule(
        "guest-os application-code",
        "System integrity depends on the software the customer deploys and maintains.",
    ),
    "SR": rule("governance", "Supply chain risk management is part of the customer's vendor management."),
}

SP800_53_CONTROLS = {
    # AC: access control
    "AC-2(4)": rule("identity-access logging-monitoring", "Account actions are logged and alerted on from the customer's IAM audit trail."),
    "AC-2(12)": rule("identity-access logging-monitoring", "Atypical account use is detected by monitoring the customer's own identities."),
    "AC-3(9)": rule("identity-access data", "Releasing information outside the system is decided by the customer as owner of the data."),
    "AC-3(10)": rule("identity-access logging-monitoring", "Overrides of access enforcement are granted in IAM and must leave an audit record."),
    "AC-3(11)": rule("identity-access data", "Restricting access to particular information types follows the customer's data classification."),
    "AC-3(14)": rule("identity-access data", "Letting individuals reach their own personal data is the data controller's duty."),
    "AC-4": rule("network-controls", "Information flows are enforced by the security groups, firewall rules and endpoint policies the customer sets."),
    "AC-4(4)": rule("network-controls encryption", "Controlling flows of encrypted traffic needs both network rules and the customer's encryption design."),
    "AC-4(25)": rule("network-controls data", "Sanitising data as it crosses a boundary depends on the content the customer sends."),
    "AC-6(3)": rule("identity-access network-controls", "Network access to privileged commands is limited by IAM and by network rules."),
    "AC-6(4)": rule(
        "identity-access virtualization guest-os",
        "Separate processing domains rest on tenant isolation, but privileges across them are assigned by the customer.",
    ),
    "AC-6(8)": rule("guest-os application-code", "Privilege levels for executing code are set in the guest OS and the application."),
    "AC-6(9)": rule("identity-access logging-monitoring", "Use of privileged functions is logged and reviewed in the customer's audit trail."),
    "AC-7(2)": rule("workplace", "Wiping mobile devices after failed logons applies to the customer's own devices."),
    "AC-8": rule("guest-os application-config", "Logon banners are configured on the customer's operating systems and applications."),
    "AC-11": rule("workplace guest-os", "Device and session locks are set on the customer's endpoints and instances."),
    "AC-12": rule("identity-access application-config", "Session lifetimes are set in the customer's identity and application configuration."),
    "AC-14": rule("identity-access application-config", "Anything reachable without authentication is decided by the customer's configuration."),
    "AC-16": rule("identity-access data", "Security and privacy attributes label the customer's data and drive attribute-based access."),
    "AC-17": rule("network-controls identity-access", "Remote access runs through network paths and identities the customer configures."),
    "AC-17(1)": rule(
        "network-controls identity-access logging-monitoring",
        "Remote sessions are monitored through the customer's network and access logs.",
    ),
    "AC-17(2)": rule(
        "network-controls identity-access encryption",
        "Remote access must be encrypted in transit by the VPN or TLS settings the customer chooses.",
    ),
    "AC-18": rule("workplace", "Wireless networks are part of the customer's offices; cloud services offer none to the customer."),
    "AC-19": rule("workplace", "Mobile devices that reach the cloud are the customer's endpoints."),
    "AC-19(5)": rule("workplace encryption", "Encrypting mobile devices is done on the customer's own endpoints."),
    "AC-20": rule("workplace governance", "Rules for using external and personally owned systems are set by the customer's policies."),
    "AC-21": rule("data identity-access", "Sharing information with partners is decided by the customer as owner of the data."),
    "AC-22": rule("data application-config", "Publicly accessible content is controlled by the customer's sharing settings, such as public bucket access."),
    "AC-23": rule("data application-code", "Protecting data stores against mining depends on the customer's data and application design."),
    # AU: audit and accountability
    "AU-3(3)": rule("logging-monitoring data", "Keeping personal data out of audit records depends on what the customer logs."),
    "AU-9": rule("logging-monitoring identity-access", "Audit logs are protected by restricting who can read, change or delete them."),
    "AU-9(2)": rule("logging-monitoring backup-recovery", "Copies of audit logs are kept apart from the system they describe by the customer's design."),
    "AU-9(3)": rule("logging-monitoring encryption", "Audit logs are protected cryptographically with keys and settings the customer chooses."),
    "AU-10": rule("logging-monitoring identity-access", "Non-repudiation binds actions to identities recorded in the customer's audit trail."),
    "AU-12(4)": rule("logging-monitoring data", "Auditing queries for personal data depends on the customer's data and logging design."),
    "AU-13": rule("logging-monitoring data", "Watching for disclosure of the customer's information is the customer's monitoring task."),
    # CA: assessment, authorisation and monitoring
    "CA-3": rule("governance network-controls", "Information exchanges with other systems are agreed by the customer and enforced in its network rules."),
    "CA-7": rule("governance logging-monitoring", "Continuous monitoring draws on the customer's own logs, alerts and assessments."),
    "CA-8": rule(
        "application-code application-config network-controls",
        "Penetration tests target the customer's applications, configuration and exposed network surface.",
    ),
    "CA-8(3)": rule("physical workplace", "Facility penetration tests cover the provider's data centres and the customer's own premises."),
    "CA-9": rule("network-controls governance", "Internal connections between components are authorised by the customer and limited by its network rules."),
    # CM: configuration management
    "CM-2": rule(
        "application-config guest-os worker-nodes network-controls",
        "Baseline configurations cover the service settings, OS images, container hosts and network rules the customer controls.",
    ),
    "CM-2(7)": rule("workplace", "Hardened configurations for travel to high-risk areas apply to the customer's own laptops and devices."),
    "CM-3": rule(
        "application-config application-code guest-os worker-nodes",
        "Changes to configuration, code and OS images go through the customer's change control.",
    ),
    "CM-4": rule(
        "application-config application-code guest-os worker-nodes",
        "The security impact of changes to configuration, code and OS images is analysed by the customer.",
    ),
    "CM-3(6)": rule("encryption", "Cryptographic mechanisms and keys are managed under the customer's configuration management."),
    "CM-5": rule("identity-access application-config", "Who may change the system is limited by the customer's IAM and deployment permissions."),
    "CM-5(1)": rule(
        "identity-access application-config logging-monitoring",
        "Access restrictions for change are enforced automatically by the customer's IAM and deployment permissions, and each enforcement is recorded in its audit logs.",
    ),
    "CM-6": rule(
        "application-config guest-os worker-nodes network-controls",
        "Security settings of the service, OS, container hosts and network are set by the customer.",
    ),
    "CM-7": rule(
        "application-config guest-os worker-nodes network-controls",
        "Unneeded functions, ports, protocols and services are disabled in the customer's OS, service and network configuration.",
    ),
    "CM-7(8)": rule("application-code", "Binary and machine-executable code without source is a choice in the customer's software."),
    "CM-7(9)": rule("hardware workplace", "Unauthorised hardware is kept out of the provider's data centres and the customer's premises."),
    "CM-8": rule("governance application-config", "An inventory of the customer's cloud resources is kept by the customer."),
    "CM-8(3)": rule(
        "governance application-config logging-monitoring",
        "Unauthorised components are detected by monitoring the customer's resource inventory.",
    ),
    "CM-8(8)": rule("hardware workplace", "Tracking the location of physical components applies to the provider's servers and the customer's devices."),
    "CM-9": rule("governance application-config", "The configuration management plan is the customer's document for its own resources."),
    "CM-10": rule("governance application-code", "Software licences and usage restrictions concern the software the customer deploys."),
    "CM-11": rule("workplace guest-os", "Users installing software is controlled on the customer's endpoints and instances."),
    "CM-12": rule("data governance", "Knowing where its information is stored and processed is the customer's data governance."),
    "CM-13": rule("data governance", "Mapping the processing of personal data is the data controller's task."),
    "CM-14": rule(
        "application-code guest-os worker-nodes",
        "Verifying signatures before installing software applies to the code and images the customer deploys.",
    ),
    # CP: contingency planning
    "CP-2": rule("backup-recovery governance", "The contingency plan is the customer's, built on its backup and resilience design."),
    "CP-2(2)": rule("backup-recovery managed-infrastructure", "Capacity planning combines the provider's scaling with the limits the customer designs for."),
    "CP-2(6)": rule(
        "backup-recovery managed-infrastructure",
        "Alternate sites in the cloud mean other zones or regions that the customer must choose to use.",
    ),
    "CP-3": rule("backup-recovery governance", "Contingency training is given to the customer's own staff."),
    "CP-4(2)": rule("backup-recovery managed-infrastructure", "Testing failover to an alternate zone or region is the customer's exercise."),
    "CP-6": rule(
        "backup-recovery managed-infrastructure",
        "An alternate storage site is a second zone or region the customer replicates backups to.",
    ),
    "CP-7": rule(
        "backup-recovery managed-infrastructure",
        "An alternate processing site is a second zone or region the customer designs its workload to use.",
    ),
    "CP-8": rule(
        "network-infrastructure backup-recovery",
        "The provider runs the backbone, while redundant connectivity to it is part of the customer's resilience design.",
    ),
    "CP-9(6)": rule("backup-recovery managed-infrastructure", "A redundant secondary system is a replica the customer chooses to run."),
    "CP-9(7)": rule("backup-recovery identity-access", "Deleting backups under dual authorisation is enforced by the customer's IAM and backup settings."),
    "CP-9(8)": rule("backup-recovery encryption", "Backups are encrypted with keys and settings the customer chooses."),
    "CP-11": rule("network-controls backup-recovery", "Alternate communications protocols are part of the customer's network and resilience design."),
    "CP-12": rule("application-config application-code", "A safe mode of operation must be built into the customer's application and configuration."),
    "CP-13": rule("backup-recovery governance", "Fallback security mechanisms are planned by the customer."),
    # IA: identification and authentication
    "IA-3": rule("identity-access network-controls", "Devices are identified before they connect through credentials and network rules the customer sets."),
    "IA-5": rule("identity-access secrets", "Passwords, keys and other authenticators are issued, stored and rotated by the customer."),
    "IA-5(2)": rule("identity-access secrets encryption", "Public key authentication relies on the customer's certificates, private keys and trust anchors."),
    "IA-5(7)": rule("secrets application-code", "Static credentials must be kept out of the customer's code, images and scripts."),
    "IA-5(14)": rule("encryption application-config", "PKI trust stores are configured by the customer for its systems."),
    "IA-7": rule("encryption", "Authentication to cryptographic modules concerns the key services and modules the customer uses."),
    "IA-12": rule("identity-access governance", "Identity proofing before issuing credentials is the customer's enrolment process."),
    # IR: incident response
    "IR-2": rule("governance", "Incident response training is given to the customer's own staff."),
    "IR-4(2)": rule(
        "logging-monitoring network-controls application-config",
        "Reconfiguring the system during an incident means changing the customer's network rules and settings.",
    ),
    "IR-4(3)": rule("governance backup-recovery", "Keeping essential functions running during an incident relies on the customer's recovery design."),
    "IR-4(15)": rule("governance", "Public relations after an incident are the customer's own."),
    "IR-6": rule("governance", "Reporting incidents to authorities and partners is the customer's obligation."),
    "IR-7": rule("governance", "Arranging incident response support, including the provider's, is the customer's task."),
    "IR-8": rule("governance", "The incident response plan is the customer's document."),
    "IR-8(1)": rule("governance data", "Breach procedures concern the personal data the customer is responsible for."),
    "IR-9": rule("data governance", "Responding to spills of sensitive information concerns the customer's data."),
    # MA: maintenance
    "MA-2": rule(
        "hardware guest-os worker-nodes workplace application-config",
        "Controlled maintenance covers the provider's hardware and the systems, container hosts and devices the customer administers, within maintenance windows the customer sets.",
    ),
    "MA-3": rule(
        "hardware guest-os worker-nodes workplace",
        "Maintenance tools and diagnostic media are controlled by the provider for its hardware and by the customer for its own instances, container hosts and devices.",
    ),
    "MA-4": rule(
        "identity-access network-controls hardware",
        "Remote maintenance sessions need the customer's access and network controls, while hardware maintenance is the provider's.",
    ),
    "MA-4(1)": rule(
        "identity-access network-controls hardware logging-monitoring",
        "Remote maintenance sessions are logged and reviewed by whoever performs them.",
    ),
    "MA-4(6)": rule(
        "identity-access network-controls hardware encryption",
        "Remote maintenance sessions are protected by encryption the customer configures for its own access paths.",
    ),
    "MA-5": rule(
        "hardware guest-os governance",
        "Maintenance staff are vetted by whoever maintains the component: the provider for hardware, the customer for what it administers.",
    ),
    "MA-6": rule(
        "hardware workplace",
        "Spare parts and timely repair are the provider's for data-centre hardware and the customer's for its own devices.",
    ),
    "MA-7": rule("hardware", "Field maintenance of hardware at its site is performed by the provider."),
    # MP: media protection
    "MP-2": rule(
        "workplace hardware",
        "Access to media is restricted by the provider for the storage devices in its data centres and by the customer for the media and endpoints it holds.",
    ),
    "MP-4": rule(
        "workplace hardware",
        "Media is stored securely by the provider in its data centres and by the customer for the removable media and endpoints it holds.",
    ),
    "MP-4(2)": SP800_53_FAMILIES["MP"],
    "MP-5": rule(
        "workplace hardware",
        "Media in transport is protected by the provider for its storage devices and by the customer for the media and endpoints it carries.",
    ),
    "MP-5(3)": SP800_53_FAMILIES["MP"],
    "MP-6": rule(
        "hardware workplace",
        "The provider sanitises its storage devices; the customer sanitises its own media and endpoints.",
    ),
    "MP-6(8)": rule("workplace", "Remotely wiping devices applies to the customer's own endpoints."),
    # PE: physical and environmental protection
    "PE-1": rule(
        "physical governance",
        "Physical security policy is the provider's for its data centres and the customer's for its own premises.",
    ),
    "PE-3(5)": rule("physical hardware", "Tamper protection of components in the data centre is the provider's."),
    "PE-5": rule(
        "workplace",
        "Output devices such as printers and displays are in the customer's offices, not exposed in cloud data centres.",
    ),
    "PE-17": rule("workplace", "Security at alternate work sites such as homes is the customer's."),
    "PE-22": rule("physical hardware", "Marking hardware components in the data centre is the provider's."),
    # PM: programme management
    "PM-5(1)": rule("governance data", "An inventory of personal data is kept by the data controller."),
    "PM-16(1)": rule("governance logging-monitoring", "Threat intelligence is shared through the customer's monitoring tools."),
    "PM-17": rule("governance data", "Protecting controlled information on external systems is governed by the customer."),
    "PM-21": rule("data governance", "Accounting for disclosures of personal data is the data controller's task."),
    "PM-22": rule("data governance", "The quality of personal data is managed by the data controller."),
    "PM-23": rule("governance data", "A data governance body is part of the customer's organisation."),
    "PM-25": rule("data governance", "Minimising personal data in testing and training is the customer's data governance."),
    # PS: personnel security
    "PS-4": rule("governance identity-access", "On termination the customer must revoke the person's cloud identities and credentials."),
    "PS-5": rule("governance identity-access", "On transfer the customer must adjust the person's cloud access."),
    # RA: risk assessment
    "RA-2": rule("governance data", "Categorising systems and information follows the customer's data classification."),
    "RA-5": VULN_SCANNING,
    "RA-5(8)": rule(
        "guest-os worker-nodes runtime application-code logging-monitoring",
        "Checking whether a vulnerability was exploited means reviewing the customer's historic logs.",
    ),
    "RA-5(11)": rule("governance application-code", "A public vulnerability disclosure channel covers the customer's own applications."),
    "RA-6": rule("physical workplace", "Surveys for surveillance devices cover data centres and the customer's own premises."),
    "RA-8": rule("governance data", "Privacy impact assessments concern the personal data the customer processes."),
    "RA-10": rule("logging-monitoring", "Threat hunting searches the customer's own logs and resources."),
    # SA: system and services acquisition
    "SA-3": rule("governance application-code", "The system development life cycle governs what the customer builds and deploys."),
    "SA-3(1)": rule("application-config application-code", "Pre-production environments are separate accounts or resources the customer configures."),
    "SA-3(2)": rule("data", "Using live data in development and test is decided by the customer as owner of the data."),
    "SA-4(5)": rule("governance application-config", "Acquired components must come with configurations the customer specifies and applies."),
    "SA-4(9)": rule("governance network-controls", "Functions, ports and protocols of acquired components are restricted in the customer's network rules."),
    "SA-4(10)": rule("governance identity-access", "Approved PIV products are chosen for the customer's identity system."),
    "SA-4(12)": rule("governance data", "Contracts must state that the customer owns its data."),
    "SA-8": rule("application-code", "Security engineering principles are applied in the design of what the customer builds."),
    "SA-9(2)": rule("governance network-controls", "Ports and protocols of external services are identified and allowed in the customer's network rules."),
    "SA-9(5)": rule("governance data", "Where data is stored and processed is chosen by the customer through region selection."),
    "SA-9(6)": rule("encryption", "Keeping keys under the customer's control means customer-managed keys."),
    "SA-9(7)": rule("data application-code", "Integrity checks on data held by external services are run by the customer."),
    "SA-9(8)": rule("governance data", "Keeping processing in a jurisdiction is chosen by the customer through region selection."),
    "SA-10": rule("application-code", "Developer configuration management applies to the code the customer develops."),
    "SA-10(3)": rule("governance hardware", "Hardware integrity is verified by its maker and operator, and the customer relies on supplier assurance."),
    "SA-11": rule("application-code", "Security testing by developers applies to the customer's own code."),
    "SA-15": rule("application-code", "Development process, standards and tools are those of the customer's developers."),
    "SA-15(10)": rule("application-code governance", "Developers must support the customer's incident response for the code they deliver."),
    "SA-15(12)": rule("application-code data", "Minimising personal data is a design choice in the customer's software."),
    "SA-17": rule("application-code", "Security architecture and design documentation is produced for what the customer builds."),
    "SA-20": rule("application-code", "Custom-built critical components are the customer's development."),
    "SA-22": rule(
        "hardware guest-os worker-nodes runtime application-code",
        "Unsupported components must be replaced at every layer, including OS, runtime and dependency versions the customer picks.",
    ),
    "SA-23": rule("application-config application-code", "Specialising components for their purpose is done in the customer's configuration and code."),
    # SC: system and communications protection
    "SC-2": rule(
        "virtualization guest-os application-code",
        "Separating user and management functions is done in the platform beneath and in the customer's OS and application.",
    ),
    "SC-3": rule(
        "virtualization guest-os worker-nodes",
        "Security functions are isolated by the hypervisor and within the guest OS of instances and container hosts.",
    ),
    "SC-3(1)": rule("hardware virtualization", "Hardware separation of security functions is part of the provider's platform."),
    "SC-4": rule(
        "virtualization guest-os worker-nodes",
        "Residual data in shared resources is cleared by tenant isolation and, within instances and container hosts, by their operating system.",
    ),
    "SC-5": rule(
        "network-infrastructure network-controls",
        "The provider absorbs attacks on its network; the customer limits exposure and configures protection for its endpoints.",
    ),
    "SC-5(1)": rule("network-controls", "Stopping the customer's own systems from attacking others is done in its network rules."),
    "SC-5(2)": rule(
        "network-infrastructure managed-infrastructure application-config",
        "Capacity against floods comes from the provider's network and the scaling the customer configures.",
    ),
    "SC-5(3)": rule("network-controls logging-monitoring", "Signs of denial of service are watched in the customer's monitoring."),
    "SC-6": rule(
        "managed-infrastructure application-config",
        "Resources are reserved and prioritised through the quotas and capacity settings the customer chooses.",
    ),
    "SC-7": rule("network-controls", "Boundary protection is the customer's security groups, network ACLs, firewalls and endpoint policies."),
    "SC-7(7)": rule("network-controls workplace", "Split tunnelling is prevented on the customer's remote devices and VPN."),
    "SC-7(12)": rule("guest-os worker-nodes", "Host-based firewalls run on the customer's instances and container hosts."),
    "SC-7(14)": rule("physical workplace", "Unauthorised physical connections are prevented in the data centre and in the customer's premises."),
    "SC-7(24)": rule("network-controls data", "Flows of personal data across the boundary follow the customer's data rules."),
    "SC-8": rule("encryption", "Encryption in transit is enabled and configured by the customer."),
    "SC-8(5)": rule("physical network-infrastructure", "Protected cable distribution is part of the provider's facilities."),
    "SC-10": rule("network-controls application-config", "Idle connection timeouts are set in the customer's network and service configuration."),
    "SC-11": rule("identity-access guest-os", "A trusted path for logon is provided by the customer's OS and identity configuration."),
    "SC-12": rule("encryption", "Cryptographic keys are created, rotated and controlled by the customer, for example in a key management service."),
    "SC-13": rule("encryption", "The customer chooses which cryptography protects its data and connections."),
    "SC-15": rule("workplace", "Cameras, microphones and collaboration devices are the customer's endpoints."),
    "SC-16": rule("application-code", "Passing security attributes with data is done in the customer's application."),
    "SC-16(3)": rule("application-code encryption", "Attributes are bound to data with the customer's cryptography."),
    "SC-17": rule("encryption", "Certificates for the customer's endpoints are issued and managed by the customer."),
    "SC-18": rule("application-code workplace", "Mobile code is restricted in the customer's applications and on its endpoints."),
    "SC-20": rule("network-controls application-config", "DNS records and DNSSEC for the customer's zones are configured by the customer."),
    "SC-21": rule("network-controls application-config", "Validating DNS answers is a setting of the resolvers the customer uses."),
    "SC-22": rule("network-controls application-config", "Redundant, separated DNS is part of the customer's DNS configuration."),
    "SC-23": rule("application-code", "Session identifiers and their protection are implemented in the customer's application."),
    "SC-23(5)": rule("application-config encryption", "The certificate authorities trusted for sessions are configured by the customer."),
    "SC-24": rule("application-code managed-infrastructure", "Failing in a known, safe state is designed into the customer's application on top of the platform."),
    "SC-25": rule("workplace", "Thin clients with minimal storage are a choice for the customer's endpoints."),
    "SC-26": rule("network-controls logging-monitoring", "Decoys such as honeypots are deployed and watched by the customer."),
    "SC-27": rule("application-code", "Platform-independent applications are the customer's design choice."),
    "SC-28": rule("encryption data", "Data at rest is protected by the encryption and access settings the customer chooses."),
    "SC-28(1)": rule("encryption", "Encryption at rest is enabled with keys the customer chooses."),
    "SC-28(2)": rule("data backup-recovery", "Moving information to offline storage is the customer's data and backup decision."),
    "SC-29": rule("governance", "Using diverse technologies is an architecture decision of the customer."),
    "SC-29(1)": rule("guest-os application-config", "Diverse operating systems and platforms are the customer's choice of images and services."),
    "SC-30": rule("network-controls application-config", "Concealment and misdirection are arranged in the customer's network and configuration."),
    "SC-30(3)": rule("application-config managed-infrastructure", "Moving processing and storage between locations is arranged by the customer's deployment."),
    "SC-31": rule(
        "virtualization guest-os worker-nodes",
        "Covert channels between workloads are closed by tenant isolation and within the guest OS and container hosts.",
    ),
    "SC-32": rule("network-controls application-config", "The system is partitioned into separate accounts, networks and services by the customer."),
    "SC-34": rule("guest-os worker-nodes application-code", "Read-only, immutable images and file systems are the customer's build choice."),
    "SC-35": rule("logging-monitoring", "Seeking out malicious code, for example with honeyclients, is the customer's monitoring."),
    "SC-36": rule(
        "managed-infrastructure backup-recovery",
        "Spreading processing and storage across locations needs the customer to deploy across zones or regions.",
    ),
    "SC-37": rule("secrets governance", "Delivering keys, credentials or updates out of band is arranged by the customer."),
    "SC-38": rule("governance", "Operations security is an organisational practice of the customer."),
    "SC-39": rule(
        "virtualization guest-os worker-nodes",
        "Processes are isolated by the hypervisor between tenants and by the operating system within an instance or container host.",
    ),
    "SC-39(1)": rule("hardware virtualization", "Hardware-enforced process separation is part of the provider's platform."),
    "SC-39(2)": rule(
        "guest-os worker-nodes runtime",
        "Separate execution domains per thread are provided by the OS of instances and container hosts and by the runtime in use.",
    ),
    "SC-40": rule("workplace", "Wireless links are part of the customer's offices and devices."),
    "SC-41": rule("workplace hardware", "Physical ports are disabled on the provider's servers and on the customer's endpoints."),
    "SC-42": rule("workplace", "Sensors such as cameras and microphones are on the customer's devices."),
    "SC-43": rule("governance workplace", "Restrictions on components such as VoIP or mobile devices are set by the customer's policies."),
    "SC-44": rule("workplace logging-monitoring", "Detonation chambers for suspicious files protect the customer's users and are run by the customer."),
    "SC-45": rule("guest-os worker-nodes logging-monitoring", "Clocks of the customer's instances must be synchronised for reliable logs."),
    "SC-46": rule("network-controls", "Cross-domain flows are enforced at the customer's network boundaries."),
    "SC-47": rule(
        "network-infrastructure backup-recovery",
        "The provider's backbone is redundant, but alternate paths to it are the customer's resilience design.",
    ),
    "SC-48": rule("logging-monitoring", "Monitoring sensors are placed by the customer."),
    "SC-49": rule("hardware virtualization", "Hardware-enforced separation between domains is part of the provider's platform."),
    "SC-50": rule(
        "virtualization guest-os worker-nodes",
        "Software-enforced separation comes from the hypervisor and from the customer's configuration of its OS and container hosts.",
    ),
    "SC-51": rule("hardware", "Hardware-based protection of firmware is part of the provider's servers."),
    # SI: system and information integrity
    "SI-2": PATCHING,
    "SI-2(5)": rule(
        "hardware guest-os worker-nodes runtime application-code workplace",
        "Automatic updates reach firmware at the provider and the OS, runtimes, code and endpoints the customer runs.",
    ),
    "SI-2(6)": rule(
        "hardware guest-os worker-nodes runtime application-code workplace",
        "Old software and firmware versions are removed at each layer by whoever updates it, the customer's endpoints included.",
    ),
    "SI-3": rule("guest-os worker-nodes workplace", "Malware protection runs on the customer's instances, container hosts and endpoints."),
    "SI-4": rule("logging-monitoring", "The customer monitors its own resources and responds to what it finds."),
    "SI-4(4)": rule("logging-monitoring network-controls", "Inbound and outbound traffic is watched with the customer's flow logs and network tools."),
    "SI-4(10)": rule("logging-monitoring encryption", "Inspecting encrypted traffic needs the customer's monitoring and its keys."),
    "SI-4(11)": rule("logging-monitoring network-controls", "Traffic anomalies are analysed in the customer's network monitoring."),
    "SI-4(14)": rule("logging-monitoring workplace", "Wireless intrusion detection covers the customer's own wireless networks."),
    "SI-4(15)": rule("logging-monitoring workplace", "Traffic passing from wireless to wired networks is in the customer's offices."),
    "SI-4(18)": rule("logging-monitoring network-controls", "Covert exfiltration is sought in the customer's traffic."),
    "SI-4(22)": rule("logging-monitoring network-controls", "Unauthorised network services are found by the customer's monitoring."),
    "SI-4(23)": rule("logging-monitoring guest-os worker-nodes", "Host-based monitoring runs on the customer's instances and container hosts."),
    "SI-4(25)": rule("logging-monitoring network-controls", "Network traffic analysis is tuned by the customer."),
    "SI-5": rule("governance", "Acting on security advisories, including the provider's bulletins, is the customer's process."),
    "SI-6": rule("application-config guest-os", "Verifying that security functions work is done on the customer's configuration and OS."),
    "SI-7": rule(
        "guest-os worker-nodes application-code",
        "Integrity of software and information is checked on the customer's OS, hosts and application.",
    ),
    "SI-7(6)": rule(
        "guest-os worker-nodes application-code encryption",
        "Integrity of software and information on the customer's OS, hosts and application is protected with signatures and hashes under keys the customer controls.",
    ),
    "SI-7(8)": rule(
        "guest-os worker-nodes application-code logging-monitoring",
        "Integrity violations found on the customer's OS, hosts and application are recorded in its audit logs.",
    ),
    "SI-7(9)": rule(
        "hardware virtualization guest-os worker-nodes",
        "Boot integrity spans the provider's hosts and the secure boot settings of the customer's instances and container hosts.",
    ),
    "SI-7(10)": rule(
        "hardware virtualization guest-os worker-nodes",
        "Boot firmware is protected by the provider on its hosts and by the customer where it controls it on instances and container hosts.",
    ),
    "SI-7(12)": rule("guest-os workplace", "User-installed software is verified on the customer's instances and endpoints."),
    "SI-7(17)": rule("application-code runtime", "Runtime self-protection is built into or added to the customer's application."),
    "SI-8": rule("workplace application-config", "Spam filtering protects the customer's mail and users."),
    "SI-10": rule("application-code", "Input validation is the customer's code."),
    "SI-11": rule("application-code", "Error handling that reveals nothing useful is the customer's code."),
    "SI-12": rule("data", "Retention and disposal of information follow the customer's data governance."),
    "SI-13": rule(
        "hardware managed-infrastructure backup-recovery",
        "The provider replaces failing hardware, while failover for the workload is the customer's resilience design.",
    ),
    "SI-14": rule("guest-os worker-nodes application-config", "Non-persistent, regularly rebuilt components are the customer's deployment design."),
    "SI-14(2)": rule("data", "Deleting information once it is no longer needed is the customer's decision."),
    "SI-14(3)": rule("network-controls", "Connections made only when needed are configured in the customer's network rules."),
    "SI-15": rule("application-code", "Filtering what the application outputs is the customer's code."),
    "SI-16": rule("guest-os worker-nodes runtime", "Memory protections are enabled in the OS and runtimes the customer runs."),
    "SI-17": rule("application-code backup-recovery", "Fail-safe procedures are designed into the customer's application and recovery plans."),
    "SI-18": rule("data governance", "The accuracy of personal data is the data controller's duty."),
    "SI-19": rule("data", "De-identifying data sets is done by the customer as owner of the data."),
    "SI-20": rule("data logging-monitoring", "Tainting data to trace its exfiltration is a technique the customer applies to its data."),
    "SI-21": rule("data application-config", "Refreshing or deleting information on schedule is set by the customer."),
    "SI-22": rule("data governance", "Keeping diverse sources of critical information is the customer's data governance."),
    "SI-23": rule("data application-config", "Fragmenting information across locations is arranged by the customer."),
    # SR: supply chain risk management
    "SR-3": rule(
        "governance hardware",
        "Supply chain controls are part of the customer's vendor management, while the provider runs them for the hardware it acquires.",
    ),
    "SR-3(1)": SP800_53_FAMILIES["SR"],
    "SR-3(2)": SP800_53_FAMILIES["SR"],
    "SR-3(3)": SP800_53_FAMILIES["SR"],
    "SR-4": rule("governance hardware application-code", "Provenance is tracked for the hardware the provider buys and the software the customer deploys."),
    "SR-9": rule("governance hardware", "Tamper resistance and detection concern the physical components the provider operates."),
    "SR-10": rule("governance hardware application-code", "Components are inspected by whoever acquires them: hardware by the provider, software by the customer."),
    "SR-11": rule("governance hardware application-code", "Authenticity of components is checked for the provider's hardware and the customer's software."),
    "SR-11(2)": rule("governance hardware", "Service and repair of hardware components is under the provider's configuration control."),
    "SR-12": rule("hardware workplace", "Components are disposed of securely by the provider for its hardware and by the customer for its devices."),
}


def sp800_53_rule(label: str, base: str | None, family: str, family_title: str):
    """The mapping of one SP 800-53 control: its own override, its base control's, a policy rule or the family's."""
    if label in SP800_53_CONTROLS:
        return SP800_53_CONTROLS[label]
    if base and base in SP800_53_CONTROLS:
        return SP800_53_CONTROLS[base]
    if (base or label) == f"{family}-1":
        return rule(
            "governance",
            f"Policy and procedures for {family_title.lower()} are the customer's own documents.",
        )
    return SP800_53_FAMILIES[family]


# SP 800-171 Rev. 3: the SP 800-53 control each requirement derives from (its mapping is reused),
# or a rule of its own where the requirement combines several controls.
SP800_171_SOURCES = {
    "03.01.01": "AC-2", "03.01.02": "AC-3", "03.01.03": "AC-4", "03.01.04": "AC-5", "03.01.05": "AC-6",
    "03.01.06": "AC-6(5)", "03.01.07": "AC-6(9)", "03.01.08": "AC-7", "03.01.09": "AC-8", "03.01.10": "AC-11",
    "03.01.11": "AC-12", "03.01.12": "AC-17", "03.01.16": "AC-18", "03.01.18": "AC-19", "03.01.20": "AC-20",
    "03.01.22": "AC-22",
    "03.02.01": "AT-2", "03.02.02": "AT-3",
    "03.03.01": "AU-2", "03.03.02": "AU-3", "03.03.03": "AU-12", "03.03.04": "AU-5", "03.03.05": "AU-6",
    "03.03.06": "AU-7", "03.03.07": "AU-8", "03.03.08": "AU-9",
    "03.04.01": "CM-2", "03.04.02": "CM-6", "03.04.03": "CM-3", "03.04.04": "CM-4", "03.04.05": "CM-5",
    "03.04.06": "CM-7", "03.04.08": "CM-7(5)", "03.04.10": "CM-8", "03.04.11": "CM-12", "03.04.12": "CM-2(7)",
    "03.05.01": "IA-2", "03.05.02": "IA-3", "03.05.03": "IA-2(1)", "03.05.04": "IA-2(8)", "03.05.05": "IA-4",
    "03.05.07": "IA-5(1)", "03.05.11": "IA-6", "03.05.12": "IA-5",
    "03.06.01": "IR-4", "03.06.02": "IR-5", "03.06.03": "IR-3", "03.06.04": "IR-2", "03.06.05": "IR-8",
    "03.07.04": "MA-3", "03.07.05": "MA-4", "03.07.06": "MA-5",
    "03.08.01": "MP-4", "03.08.02": "MP-2", "03.08.03": "MP-6", "03.08.04": "MP-3", "03.08.05": "MP-5",
    "03.08.07": "MP-7", "03.08.09": "CP-9(8)",
    "03.09.01": "PS-3", "03.09.02": "PS-4",
    # 800-171 protects CUI wherever the organisation handles it, its own offices and
    # endpoints included: the physical requirements are shared, not inherited.
    "03.10.01": rule("physical workplace", "Physical access to the systems that handle CUI covers the provider's data centres and the customer's own offices."),
    "03.10.02": rule("physical workplace", "Monitoring physical access covers the provider's data centres and the customer's own premises."),
    "03.10.06": "PE-17",
    "03.10.07": rule("physical workplace", "Physical access enforcement covers the provider's data centres and the customer's own premises."),
    "03.10.08": rule("physical workplace", "Transmission and output devices sit in the provider's facilities and in the customer's offices."),
    "03.11.01": "RA-3", "03.11.02": "RA-5", "03.11.04": "RA-7",
    "03.12.01": "CA-2", "03.12.02": "CA-5", "03.12.03": "CA-7", "03.12.05": "CA-3",
    "03.13.01": "SC-7", "03.13.04": "SC-4", "03.13.06": "SC-7(5)",
    "03.13.08": rule("encryption data", "Information in transit and at rest is protected by the encryption and access settings the customer chooses."),
    "03.13.09": "SC-10", "03.13.10": "SC-12", "03.13.11": "SC-13", "03.13.12": "SC-15", "03.13.13": "SC-18",
    "03.13.15": "SC-23",
    "03.14.01": "SI-2", "03.14.02": "SI-3", "03.14.03": "SI-5", "03.14.06": "SI-4", "03.14.08": "SI-12",
    "03.15.01": rule("governance", "Security policies and procedures for every family are the customer's own documents."),
    "03.15.02": "PL-2", "03.15.03": "PL-4",
    "03.16.01": "SA-8", "03.16.02": "SA-22", "03.16.03": "SA-9",
    "03.17.01": "SR-2", "03.17.02": "SR-5",
    "03.17.03": SP800_53_FAMILIES["SR"],
}

CSF_CATEGORIES = {
    "GV.OC": rule("governance", "Understanding the organisation's context and obligations is a governance task of the customer."),
    "GV.OV": rule("governance", "Overseeing the risk strategy is the customer's leadership task."),
    "GV.PO": rule("governance", "Cybersecurity policy is the customer's own."),
    "GV.RM": rule("governance", "Risk management strategy is set by the customer."),
    "GV.RR": rule("governance", "Roles, responsibilities and resources are assigned within the customer's organisation."),
    "GV.SC": rule("governance", "Supply chain risk management, including of cloud providers, is the customer's vendor management."),
    "ID.AM": rule("governance", "Knowing and prioritising its assets is the customer's governance."),
    "ID.IM": rule("governance", "Improving the programme from lessons learned is the customer's task."),
    "ID.RA": rule("governance", "Risk assessment is an organisational activity of the customer."),
    "PR.AA": rule("identity-access", "Identities, authentication and access permissions are configured by the customer."),
    "PR.AT": rule("governance", "Awareness and training is given to the customer's own staff."),
    "PR.DS": rule("data encryption", "The customer protects its data with classification, access rules and encryption."),
    "PR.IR": rule(
        "network-controls network-infrastructure managed-infrastructure",
        "Resilient infrastructure combines the provider's network and platform with the customer's network design.",
    ),
    "PR.PS": rule(
        "application-config guest-os worker-nodes runtime application-code",
        "Platform security covers the configuration and software layers the customer runs.",
    ),
    "DE.AE": rule("logging-monitoring", "Adverse events are analysed from the customer's own logs and alerts."),
    "DE.CM": rule("logging-monitoring", "Continuous monitoring of the customer's resources is done through its logs and detection tools."),
    "RS.AN": rule("logging-monitoring governance", "Incident analysis relies on the customer's logs and investigation process."),
    "RS.CO": rule("governance", "Notifying stakeholders about incidents is the customer's obligation."),
    "RS.MA": rule("governance logging-monitoring", "Managing incidents is the customer's process, fed by its monitoring."),
    "RS.MI": rule(
        "governance logging-monitoring network-controls identity-access",
        "Containing and eradicating incidents means acting on the customer's network rules, identities and resources.",
    ),
    "RC.CO": rule("governance", "Communicating about recovery is the customer's task."),
    "RC.RP": rule("backup-recovery governance", "Recovery is carried out from the customer's backups and recovery plans."),
}

CSF_SUBCATEGORIES = {
    "ID.AM-01": rule(
        "governance application-config workplace",
        "The customer inventories the instances and resources it provisions and the devices it holds.",
    ),
    "ID.AM-02": rule("governance application-config", "The customer inventories the software, services and cloud resources it uses."),
    "ID.AM-03": rule("governance network-controls", "Authorised network flows are documented from the customer's network configuration."),
    "ID.AM-05": rule("governance data", "Assets are prioritised by the classification of the data they hold."),
    "ID.AM-07": rule("data governance", "Inventories of data and metadata are kept by the customer as owner of the data."),
    "ID.AM-08": rule("governance application-config", "The customer manages its resources from provisioning to decommissioning."),
    "ID.RA-01": VULN_SCANNING,
    "ID.RA-08": rule("governance application-code", "Vulnerability disclosures about the customer's software are received and handled by the customer."),
    "ID.RA-09": rule("governance application-code", "The authenticity of software and images is checked before the customer deploys them."),
    "PR.AA-01": rule("identity-access secrets", "Identities and their credentials are managed in the customer's IAM and secret stores."),
    "PR.AA-06": rule(
        "physical workplace",
        "Physical access is controlled by the provider in its data centres and by the customer in its own premises.",
    ),
    "PR.DS-11": rule("backup-recovery", "Backups are configured, protected and tested by the customer."),
    "PR.IR-02": rule("physical workplace", "Environmental threats are met by the provider in its data centres and by the customer in its own premises."),
    "PR.IR-03": rule(
        "network-controls network-infrastructure managed-infrastructure backup-recovery",
        "Resilience in normal and adverse situations combines the provider's network and platform with the customer's network design and its backup and recovery arrangements.",
    ),
    "PR.IR-04": rule(
        "managed-infrastructure application-config",
        "Capacity comes from the provider's platform within the scaling and quotas the customer configures.",
    ),
    "PR.PS-01": rule("application-config guest-os worker-nodes", "Configuration management applies to the service settings, OS and hosts the customer controls."),
    "PR.PS-02": PATCHING,
    "PR.PS-03": rule("hardware workplace", "Hardware is maintained and retired by the provider in its data centres and by the customer for its devices."),
    "PR.PS-04": rule("logging-monitoring", "Log generation is enabled and retained by the customer for its resources."),
    "PR.PS-05": rule("guest-os worker-nodes workplace", "Unauthorised software is blocked on the customer's instances, hosts and endpoints."),
    "PR.PS-06": rule("application-code", "Secure development practices apply to the customer's own software."),
    "DE.CM-01": rule("logging-monitoring network-controls", "Networks are monitored with the customer's flow logs and network detection."),
    "DE.CM-02": rule("physical workplace", "The physical environment is monitored by the provider in its data centres and by the customer in its own premises."),
    "DE.CM-06": rule("logging-monitoring governance", "The customer monitors its providers' activity and service notices."),
    "RS.MI-02": rule(
        "governance logging-monitoring guest-os worker-nodes application-code",
        "Eradicating an incident means cleaning the customer's systems, container hosts and code.",
    ),
    "RC.RP-03": rule("backup-recovery", "The integrity of backups is verified by the customer before restoring."),
}

HIPAA = {
    # 164.308 Administrative safeguards
    "164.308(a)(1)": rule("governance", "The security management process is the customer's risk programme."),
    "164.308(a)(1)(ii)(A)": rule("governance", "Risk analysis of ePHI is performed by the covered entity or business associate."),
    "164.308(a)(1)(ii)(B)": rule("governance", "Risk management decisions are the customer's."),
    "164.308(a)(1)(ii)(C)": rule("governance", "Sanctions apply to the customer's own workforce."),
    "164.308(a)(1)(ii)(D)": rule("logging-monitoring governance", "Activity is reviewed from the customer's audit logs and access reports."),
    "164.308(a)(2)": rule("governance", "A security official is designated within the customer's organisation."),
    "164.308(a)(3)": rule("governance identity-access", "Workforce access to ePHI is approved by the customer and enforced in its IAM."),
    "164.308(a)(3)(ii)(A)": rule("identity-access governance", "Workforce authorisation and supervision are granted by the customer."),
    "164.308(a)(3)(ii)(B)": rule("governance", "Clearing workforce members is the customer's personnel process."),
    "164.308(a)(3)(ii)(C)": rule("governance identity-access", "On termination the customer must revoke the person's cloud access."),
    "164.308(a)(4)": rule("identity-access", "Access to ePHI is authorised and managed in the customer's IAM."),
    "164.308(a)(4)(ii)(A)": rule(
        "identity-access network-controls",
        "A clearinghouse is isolated through separate accounts, access rules and network rules the customer sets.",
    ),
    "164.308(a)(4)(ii)(B)": rule("identity-access", "Access to ePHI is authorised by the customer."),
    "164.308(a)(4)(ii)(C)": rule("identity-access", "Access is established and changed in the customer's IAM."),
    "164.308(a)(5)": rule("governance", "Security awareness and training is given to the customer's workforce."),
    "164.308(a)(5)(ii)(A)": rule("governance", "Security reminders go to the customer's workforce."),
    "164.308(a)(5)(ii)(B)": rule("guest-os worker-nodes workplace", "Malware protection runs on the customer's instances, container hosts and endpoints."),
    "164.308(a)(5)(ii)(C)": rule("logging-monitoring", "Log-in attempts are monitored in the customer's logs."),
    "164.308(a)(5)(ii)(D)": rule("identity-access secrets", "Passwords are created, changed and safeguarded under the customer's rules."),
    "164.308(a)(6)": rule("governance logging-monitoring", "Security incident procedures are the customer's, fed by its monitoring."),
    "164.308(a)(6)(ii)": rule("governance logging-monitoring", "Identifying, mitigating and documenting incidents is the customer's response."),
    "164.308(a)(7)": rule("backup-recovery governance", "The contingency plan is the customer's, built on its backup and recovery design."),
    "164.308(a)(7)(ii)(A)": rule("backup-recovery", "Backups of ePHI are configured and tested by the customer."),
    "164.308(a)(7)(ii)(B)": rule("backup-recovery", "Disaster recovery of ePHI is planned and designed by the customer."),
    "164.308(a)(7)(ii)(C)": rule("backup-recovery governance", "Operating in emergency mode is planned by the customer."),
    "164.308(a)(7)(ii)(D)": rule("backup-recovery", "Contingency plans are tested and revised by the customer."),
    "164.308(a)(7)(ii)(E)": rule("governance data", "The criticality of applications and data is assessed by the customer."),
    "164.308(a)(8)": rule("governance", "Periodic evaluation of safeguards is the customer's assurance activity."),
    "164.308(b)(1)": rule("governance", "Business associate agreements, including with the cloud provider, are the customer's vendor management."),
    "164.308(b)(3)": rule("governance", "The written agreement with each business associate is held by the customer."),
    # 164.310 Physical safeguards
    "164.310(a)(1)": rule(
        "physical workplace",
        "Facility access is controlled by the provider in its data centres and by the customer in its own premises.",
    ),
    "164.310(b)": rule("workplace", "Workstation use is governed on the customer's own endpoints."),
    "164.310(c)": rule("workplace", "Workstations that reach ePHI are the customer's endpoints."),
    "164.310(d)(1)": rule(
        "workplace hardware",
        "Devices and media are controlled by the provider in its data centres and by the customer for its own devices.",
    ),
    "164.310(d)(2)(iv)": rule("backup-recovery workplace", "Copies of ePHI are made by the customer before its equipment is moved."),
    # 164.312 Technical safeguards
    "164.312(a)(1)": rule("identity-access", "Technical access control to ePHI is configured in the customer's IAM."),
    "164.312(a)(2)(iii)": rule("identity-access application-config", "Automatic logoff is set in the customer's session configuration."),
    "164.312(a)(2)(iv)": rule("identity-access encryption", "ePHI is encrypted with keys and settings the customer controls."),
    "164.312(b)": rule("logging-monitoring", "Audit logging of systems holding ePHI is enabled and reviewed by the customer."),
    "164.312(c)(1)": rule("data application-code", "Protecting ePHI from improper change depends on the customer's data handling and code."),
    "164.312(d)": rule("identity-access", "People and systems are authenticated by the customer's identity configuration."),
    "164.312(e)(1)": rule("encryption network-controls", "ePHI in transit is protected by the customer's encryption and network rules."),
    "164.312(e)(2)(ii)": rule("encryption", "Encryption in transit is enabled by the customer."),
    # 164.314 Organizational requirements
    "164.314(a)(1)": rule("governance", "Contracts with business associates, including the cloud provider, are the customer's vendor management."),
    "164.314(b)(1)": rule("governance", "Plan documents of a group health plan are the sponsor's."),
    # 164.316 Policies and procedures and documentation requirements
    "164.316(a)": rule("governance", "Security policies and procedures are the customer's documents."),
    "164.316(b)(1)": rule("governance", "Documentation of policies and actions is kept by the customer."),
}


# --------------------------------------------------------------------------------------------
# Output helpers
# --------------------------------------------------------------------------------------------

def q(value: str) -> str:
    """A TOML basic string (JSON string escapes are valid TOML escapes)."""
    return json.dumps(value, ensure_ascii=False)


def qlist(values) -> str:
    return "[" + ", ".join(q(v) for v in values) + "]"


class TomlFile:
    def __init__(self, header: list[str]):
        self.lines = ["# " + line if line else "#" for line in header]

    def table(self, name: str, fields: list[tuple[str, object]], array: bool = True, comment: str | None = None):
        self.lines.append("")
        if comment:
            self.lines.append("# " + comment)
        self.lines.append(f"[[{name}]]" if array else f"[{name}]")
        for key, value in fields:
            if value is None:
                continue
            if isinstance(value, bool):
                text = "true" if value else "false"
            elif isinstance(value, (list, tuple)):
                text = qlist(value)
            else:
                text = q(str(value))
            self.lines.append(f"{key} = {text}")

    def write(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")


def control_fields(cid, group, label, parent=None, baselines=None, withdrawn=False, mapping=None):
    fields = [("id", cid), ("group", group), ("label", label), ("parent", parent)]
    if baselines:
        fields.append(("baselines", baselines))
    if withdrawn:
        fields += [("withdrawn", True), ("areas", []), ("why", mapping[1] if mapping else "Withdrawn.")]
    else:
        fields += [("areas", list(mapping[0])), ("why", mapping[1])]
    return fields


def write_csv(path: Path, pairs):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["from", "to"])
    writer.writerows(pairs)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")


def display_53(oscal_id: str) -> str:
    """ac-2.1 -> AC-2(1); also accepts ac-2(1) and AC-2."""
    m = re.fullmatch(r"([a-z]{2})-(\d+)(?:[.(](\d+)\)?)?", oscal_id.strip().lower())
    if not m:
        raise SystemExit(f"not an SP 800-53 id: {oscal_id!r}")
    family, number, enh = m.groups()
    return f"{family.upper()}-{number}" + (f"({enh})" if enh else "")


def iso_key(iso_id: str):
    return tuple(int(p) for p in iso_id.removeprefix("A.").split("."))


# --------------------------------------------------------------------------------------------
# Frameworks
# --------------------------------------------------------------------------------------------

def oscal_profile_ids(path: Path) -> set[str]:
    profile = json.loads(path.read_text())["profile"]
    ids = set()
    for imp in profile["imports"]:
        for inc in imp.get("include-controls", []):
            ids.update(inc.get("with-ids", []))
    return ids


def withdrawn_notes_53(catalog_path: Path) -> dict[str, str]:
    """SP 800-53 5.0.1 catalogue: where each withdrawn control went, as a sentence."""
    catalog = json.loads(catalog_path.read_text())["catalog"]
    notes = {}

    def walk(controls):
        for c in controls:
            yield c
            yield from walk(c.get("controls", []))

    for group in catalog["groups"]:
        for c in walk(group.get("controls", [])):
            if not any(p["name"] == "status" and p["value"] == "withdrawn" for p in c.get("props", [])):
                continue
            targets = {"incorporated-into": [], "moved-to": []}
            for link in c.get("links", []):
                if link["rel"] in targets:
                    href = link["href"].lstrip("#").split("_")[0]
                    # A few point at a whole family (SA-12 went to the new SR family).
                    target = f"the {href.upper()} family" if re.fullmatch(r"[a-z]{2}", href) else display_53(href)
                    if target not in targets[link["rel"]]:
                        targets[link["rel"]].append(target)
            parts = []
            if targets["incorporated-into"]:
                parts.append("incorporated into " + ", ".join(targets["incorporated-into"]))
            if targets["moved-to"]:
                parts.append("moved to " + ", ".join(targets["moved-to"]))
            notes[display_53(c["id"])] = ("Withdrawn: " + "; ".join(parts) + ".") if parts else "Withdrawn."
    return notes


def build_800_53(ref: Path, out: Path):
    index = json.loads((ref / "nist-sp800-53-rev5/nist-800-53r5-index.json").read_text())
    families = {f["id"]: f["title"] for f in index["families"]}
    entries = [c for c in index["controls"] if not c.get("added_in_release")]
    excluded = [c["label"] for c in index["controls"] if c.get("added_in_release")]
    notes = withdrawn_notes_53(ref / "nist-sp800-53-rev5/NIST_SP-800-53_rev5_catalog_v5.0.1.json")

    # The index's baselines must agree with NIST's SP 800-53B profiles.
    for name in ("low", "moderate", "high", "privacy"):
        profile = oscal_profile_ids(ref / f"nist-sp800-53-rev5/NIST_SP-800-53_rev5_{name.upper()}-baseline_profile.json")
        ours = {c["id"] for c in entries if name in c["baselines"]}
        if profile != ours:
            raise SystemExit(f"SP 800-53 {name} baseline differs from the NIST profile: {sorted(profile ^ ours)}")

    header = [
        "NIST SP 800-53 Rev. 5, Security and Privacy Controls for Information Systems and Organizations,",
        "release 5.1.1, with the SP 800-53B baselines (low, moderate, high, privacy).",
        GENERATED,
        "",
        "Source: usnistgov/oscal-content, nist.gov/SP800-53/rev5: catalogue 5.0.1 @a849dbca4649e0cc626fefdd46cf5232c8308f4c",
        "with 5.1.1 titles and SP 800-53B 5.1.1 baselines @88bb8deeaa815f8914d68ea7e31a622ebbc1719d.",
        "Labels are NIST's control titles; statement text is not included.",
        "Left out: " + ", ".join(excluded) + " (added in releases 5.1.1/5.2.0;",
        "not in the machine-readable catalogue used here, so not yet checked against NIST's text).",
        "Areas and why are onus's own mapping of each control to the duty areas of model.toml.",
        "Licence: " + PUBLIC_DOMAIN,
    ]
    doc = TomlFile(header)
    doc.table("framework", [
        ("id", "nist-800-53"),
        ("name", "NIST SP 800-53"),
        ("version", "5.1.1"),
        ("publisher", "NIST"),
        ("source", f"{OSCAL_CONTENT} (nist.gov/SP800-53/rev5; catalogue @a849dbca4649e0cc626fefdd46cf5232c8308f4c, "
                   "5.1.1 titles and SP 800-53B baselines @88bb8deeaa815f8914d68ea7e31a622ebbc1719d)"),
        ("oscal", NIST_53_CATALOG),
        ("licence", PUBLIC_DOMAIN),
        ("text", "full"),
    ], array=False)
    for bid, name in (("low", "Low"), ("moderate", "Moderate"), ("high", "High"), ("privacy", "Privacy")):
        profile = f"{RAW_OSCAL_CONTENT}/88bb8deeaa815f8914d68ea7e31a622ebbc1719d/nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_{bid.upper()}-baseline_profile.json"
        doc.table("baseline", [("id", bid), ("name", name), ("oscal", profile)])
    for fid, title in families.items():
        doc.table("group", [("id", fid), ("title", title)])

    by_id = {c["id"]: c for c in entries}
    rows = []
    for c in entries:
        label = c["label"]
        base = by_id[c["enhancement_of"]]["label"] if c["enhancement_of"] else None
        if c["withdrawn"]:
            mapping = ((), notes.get(label, "Withdrawn."))
        else:
            mapping = sp800_53_rule(label, base, c["family"], families[c["family"]])
        doc.table("control", control_fields(
            label, c["family"], c["title"], parent=base, baselines=c["baselines"],
            withdrawn=c["withdrawn"], mapping=mapping,
        ))
        rows.append(c)
    doc.write(out / "controls/nist-800-53.toml")
    return entries


def build_fedramp(ref: Path, out: Path, entries):
    names = {"li_saas": ("li-saas", "LI-SaaS"), "low": ("low", "Low"), "moderate": ("moderate", "Moderate"), "high": ("high", "High")}
    files = {"li_saas": "LI-SaaS", "low": "LOW", "moderate": "MODERATE", "high": "HIGH"}
    for key, stem in files.items():
        profile = oscal_profile_ids(ref / f"fedramp-rev5/FedRAMP_rev5_{stem}-baseline_profile-min.json")
        ours = {c["id"] for c in entries if key in c["fedramp_rev5"]}
        if profile != ours:
            raise SystemExit(f"FedRAMP {stem} differs from the GSA profile: {sorted(profile ^ ours)}")

    header = [
        "FedRAMP Rev. 5 baselines (LI-SaaS, Low, Moderate, High): a profile over nist-800-53.",
        GENERATED,
        "",
        "Source: GSA/fedramp-automation @c784140bc6d1ac9fa159aabc0e8a29e9aa2c63a9,",
        "dist/content/rev5/baselines/json/FedRAMP_rev5_*-baseline_profile-min.json (control selection only;",
        "FedRAMP parameter values and LI-SaaS tailoring are not included).",
        "Labels, areas and why come from nist-800-53.toml.",
        "Licence: US Government work, public domain in the United States; CC0 1.0 (fedramp-automation LICENSE.md).",
    ]
    doc = TomlFile(header)
    doc.table("framework", [
        ("id", "fedramp"),
        ("name", "FedRAMP baselines"),
        ("version", "Rev. 5 (fedramp-automation, December 2024)"),
        ("publisher", "GSA FedRAMP PMO"),
        ("source", f"{FEDRAMP_AUTOMATION} (dist/content/rev5/baselines @c784140bc6d1ac9fa159aabc0e8a29e9aa2c63a9)"),
        ("oscal", NIST_53_CATALOG),
        ("licence", "US Government work, public domain in the United States; CC0 1.0 worldwide."),
        ("text", "full"),
        ("based_on", "nist-800-53"),
    ], array=False)
    for key in ("li_saas", "low", "moderate", "high"):
        stem = {"li_saas": "LI-SaaS"}.get(key, key.upper())
        profile = ("https://raw.githubusercontent.com/GSA/fedramp-automation/c784140bc6d1ac9fa159aabc0e8a29e9aa2c63a9"
                   f"/dist/content/rev5/baselines/json/FedRAMP_rev5_{stem}-baseline_profile.json")
        doc.table("baseline", [("id", names[key][0]), ("name", names[key][1]), ("oscal", profile)])
    for c in entries:
        if c["fedramp_rev5"]:
            if c["withdrawn"]:
                raise SystemExit(f"FedRAMP selects withdrawn {c['label']}")
            doc.table("control", [("id", c["label"]), ("baselines", [names[k][0] for k in c["fedramp_rev5"]])])
    doc.write(out / "controls/fedramp.toml")


def build_800_171(ref: Path, out: Path, sp53_by_label):
    index = json.loads((ref / "nist-sp800-171-rev3/nist-800-171r3-index.json").read_text())
    tree = ET.parse(ref / "nist-sp800-171-rev3/NIST_SP800-171_rev3_catalog.xml")
    ns = {"o": "http://csrc.nist.gov/ns/oscal/1.0"}
    links = {}
    for ctrl in tree.iter("{http://csrc.nist.gov/ns/oscal/1.0}control"):
        sort_id = ctrl.find("o:prop[@name='sort-id']", ns)
        if sort_id is None:
            continue
        links[sort_id.get("value")] = [(l.get("rel"), l.get("href")) for l in ctrl.findall("o:link", ns)]

    header = [
        "NIST SP 800-171 Rev. 3, Protecting Controlled Unclassified Information in Nonfederal Systems",
        "and Organizations (May 2024).",
        GENERATED,
        "",
        "Source: usnistgov/oscal-content @3b3cdee8f9f9f3e9f18dd70d89a58d6287ae433f,",
        "src/nist.gov/SP800-171/rev3/xml/NIST_SP800-171_rev3_catalog.xml. Labels are NIST's requirement titles.",
        "Areas and why: each requirement takes onus's mapping of the SP 800-53 control it derives from",
        "(named in the comment above it) unless it has a mapping of its own.",
        "Licence: " + PUBLIC_DOMAIN,
    ]
    doc = TomlFile(header)
    doc.table("framework", [
        ("id", "nist-800-171"),
        ("name", "NIST SP 800-171"),
        ("version", "Rev. 3 (May 2024)"),
        ("publisher", "NIST"),
        ("source", f"{OSCAL_CONTENT} (src/nist.gov/SP800-171/rev3 @3b3cdee8f9f9f3e9f18dd70d89a58d6287ae433f)"),
        ("oscal", f"{RAW_OSCAL_CONTENT}/3b3cdee8f9f9f3e9f18dd70d89a58d6287ae433f/src/nist.gov/SP800-171/rev3/xml/NIST_SP800-171_rev3_catalog.xml"),
        ("licence", PUBLIC_DOMAIN),
        ("text", "full"),
    ], array=False)
    for fam in index["families"]:
        doc.table("group", [("id", fam["id"]), ("title", fam["title"])])
    reqs = index["requirements"]
    for r in reqs:
        if r["withdrawn"]:
            parts = []
            for rel, href in links.get(r["id"], []):
                parts.append(rel.replace("_", " ") + " " + href)
            note = ("Withdrawn: " + "; ".join(parts) + ".") if parts else "Withdrawn."
            label = "Withdrawn (" + "; ".join(parts) + ")" if parts else "Withdrawn"
            doc.table("control", control_fields(r["id"], r["family"], label, withdrawn=True, mapping=((), note)))
            continue
        source = SP800_171_SOURCES.get(r["id"])
        if source is None:
            raise SystemExit(f"SP 800-171 {r['id']} has no mapping")
        if isinstance(source, str):
            mapping = sp53_by_label[source]
            comment = f"areas as for SP 800-53 {source}"
        else:
            mapping, comment = source, "areas of its own"
        doc.table("control", control_fields(r["id"], r["family"], r["title"], mapping=mapping), comment=comment)
    doc.write(out / "controls/nist-800-171.toml")
    return reqs


def read_statements(path: Path) -> dict:
    """`ID | text` (what the customer does) and `ID + text` (what the provider does) lines:
    onus's own statements for the controls of a generated framework."""
    out = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = re.fullmatch(r"(\S+) ([|+]) (.+)", line)
        if not m:
            raise SystemExit(f"{path}:{n}: expected `ID | text` or `ID + text`")
        customer, provider = out.get(m[1], (None, None))
        if m[2] == "|":
            customer = m[3].strip()
        else:
            provider = m[3].strip()
        out[m[1]] = (customer, provider)
    return out


def build_csf(ref: Path, out: Path):
    index = json.loads((ref / "nist-csf-2.0/nist-csf-2.0-index.json").read_text())
    functions = {f["id"]: f["title"] for f in index["functions"]}
    categories = [c for c in index["categories"] if not c["withdrawn_or_csf11_only"]]
    subcats = [s for s in index["subcategories"] if not s["withdrawn_or_csf11_only"]]
    header = [
        "NIST Cybersecurity Framework (CSF) 2.0 (NIST CSWP 29, February 2024): the 106 subcategories,",
        "grouped by their 22 categories. Labels are the subcategory outcomes as NIST words them.",
        GENERATED,
        "",
        "Source: usnistgov/oscal-content @3b3cdee8f9f9f3e9f18dd70d89a58d6287ae433f,",
        "src/nist.gov/CSF/v2.0/xml/NIST_CSF_v2.0_catalog.xml. That build still carries CSF 1.1",
        "categories and subcategories that CSF 2.0 withdrew; they are left out.",
        "Areas and why are onus's own mapping (a default per category, overrides per subcategory).",
        "customer_text and provider_text are onus's own statements, from tools/statements/nist-csf.txt.",
        "Licence: " + PUBLIC_DOMAIN,
    ]
    doc = TomlFile(header)
    doc.table("framework", [
        ("id", "nist-csf"),
        ("name", "NIST Cybersecurity Framework"),
        ("version", "2.0"),
        ("publisher", "NIST"),
        ("source", f"{OSCAL_CONTENT} (src/nist.gov/CSF/v2.0 @3b3cdee8f9f9f3e9f18dd70d89a58d6287ae433f)"),
        ("oscal", f"{RAW_OSCAL_CONTENT}/3b3cdee8f9f9f3e9f18dd70d89a58d6287ae433f/src/nist.gov/CSF/v2.0/xml/NIST_CSF_v2.0_catalog.xml"),
        ("licence", PUBLIC_DOMAIN),
        ("text", "full"),
    ], array=False)
    for c in categories:
        doc.table("group", [("id", c["id"]), ("title", f"{functions[c['function']]}: {c['title']}")])
    statements = read_statements(Path(__file__).resolve().parent / "statements/nist-csf.txt")
    for s in subcats:
        mapping = CSF_SUBCATEGORIES.get(s["id"]) or CSF_CATEGORIES[s["category"]]
        fields = control_fields(s["id"], s["category"], s["outcome"], mapping=mapping)
        customer, provider = statements.pop(s["id"], (None, None))
        fields += [("customer_text", customer), ("provider_text", provider)]
        doc.table("control", fields)
    if statements:
        raise SystemExit(f"statements for unknown CSF subcategories: {sorted(statements)}")
    doc.write(out / "controls/nist-csf.toml")
    return functions, categories, subcats


def build_hipaa(ref: Path, out: Path):
    index = json.loads((ref / "hipaa-security-rule/hipaa-security-rule-index.json").read_text())
    header = [
        "HIPAA Security Rule, 45 CFR Part 164 Subpart C, sections 164.308-164.316: the standards and",
        "their implementation specifications (required or addressable). Labels are the regulation's headings.",
        GENERATED,
        "",
        "Source: the eCFR, https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-C,",
        "compiled from the section, standard and specification headings. HHS proposed a revision of the",
        "Security Rule on 6 January 2025 (NPRM, not final); this file follows the rule in force.",
        "Areas and why are onus's own mapping; a specification without a mapping takes its standard's.",
        "Licence: US federal regulation, public domain (17 U.S.C. 105).",
    ]
    doc = TomlFile(header)
    doc.table("framework", [
        ("id", "hipaa"),
        ("name", "HIPAA Security Rule"),
        ("version", "45 CFR 164.308-164.316 (eCFR, rule in force)"),
        ("publisher", "U.S. Department of Health and Human Services"),
        ("source", "https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-C"),
        ("licence", "US federal regulation, public domain in the United States (17 U.S.C. 105)."),
        ("text", "full"),
    ], array=False)
    for sec in index["sections"]:
        doc.table("group", [("id", sec["section"]), ("title", sec["title"])])
    standards, specs = [], []
    for sec in index["sections"]:
        for std in sec["standards"]:
            standards.append(std["id"])
            doc.table("control", control_fields(std["id"], sec["section"], std["title"], mapping=HIPAA[std["id"]]))
            for spec in std["implementation_specifications"]:
                specs.append(spec["id"])
                mapping = HIPAA.get(spec["id"], HIPAA[std["id"]])
                doc.table("control", control_fields(
                    spec["id"], sec["section"], f"{spec['title']} ({spec['type']})", parent=std["id"], mapping=mapping,
                ))
    doc.write(out / "controls/hipaa.toml")
    return standards, specs


# --------------------------------------------------------------------------------------------
# Crosswalks
# --------------------------------------------------------------------------------------------

ANNEX_A = re.compile(r"A\.(5\.([1-9]|[12]\d|3[0-7])|6\.[1-8]|7\.([1-9]|1[0-4])|8\.([1-9]|[12]\d|3[0-4]))")


def read_pairs(path: Path):
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return [tuple(cell.strip() for cell in row) for row in rows[1:] if row]


def build_crosswalks(ref: Path, out: Path, sp53_active: list[str], csf_ids: list[str], hipaa_standards: list[str]):
    order53 = {cid: i for i, cid in enumerate(sp53_active)}
    stats = {}

    def annex_a(pairs, from_ids, convert, name):
        kept, clauses = set(), 0
        for src, iso in pairs:
            if not iso.startswith("A."):
                if not re.fullmatch(r"(4|5|6|7|8|9|10)(\.\d+){1,2}", iso):
                    raise SystemExit(f"{name}: unexpected ISO id {iso!r}")
                clauses += 1
                continue
            if not ANNEX_A.fullmatch(iso):
                raise SystemExit(f"{name}: {iso!r} is not an ISO/IEC 27001:2022 Annex A control")
            cid = convert(src)
            if cid not in from_ids:
                raise SystemExit(f"{name}: {src!r} is not an active control of our framework")
            kept.add((cid, iso))
        stats[name] = (len(pairs), clauses, len(kept))
        return kept

    pairs = read_pairs(ref / "crosswalks/nist-800-53r5_to_iso27001-2022_NIST-OLIR.csv")
    kept = annex_a(pairs, order53, display_53, "nist-800-53--iso27001")
    write_csv(out / "crosswalks/nist-800-53--iso27001.csv", sorted(kept, key=lambda p: (order53[p[0]], iso_key(p[1]))))

    order_csf = {cid: i for i, cid in enumerate(csf_ids)}
    pairs = read_pairs(ref / "crosswalks/nist-csf-2.0_to_iso27001-2022_NIST.csv")
    kept = annex_a(pairs, order_csf, lambda s: s, "nist-csf--iso27001")
    write_csv(out / "crosswalks/nist-csf--iso27001.csv", sorted(kept, key=lambda p: (order_csf[p[0]], iso_key(p[1]))))

    order_hipaa = {cid: i for i, cid in enumerate(hipaa_standards)}
    pairs = read_pairs(ref / "crosswalks/hipaa-security-rule_to_nist-800-53r5_via-SP800-66r2.csv")
    kept = set()
    for std, ctl in pairs:
        ours = std if std in order_hipaa else std + "(1)"
        if ours not in order_hipaa:
            raise SystemExit(f"hipaa--nist-800-53: unknown HIPAA standard {std!r}")
        cid = display_53(ctl)
        if cid not in order53:
            raise SystemExit(f"hipaa--nist-800-53: {ctl!r} is not an active SP 800-53 control")
        kept.add((ours, cid))
    stats["hipaa--nist-800-53"] = (len(pairs), 0, len(kept))
    write_csv(out / "crosswalks/hipaa--nist-800-53.csv", sorted(kept, key=lambda p: (order_hipaa[p[0]], order53[p[1]])))

    readme = f"""# Crosswalks

Generated by `tools/build_frameworks.py`; do not edit by hand. Each file relates the controls
of two frameworks: a header `from,to`, then one pair of control ids a line, with ids exactly
as in `controls/<id>.toml`. The relations are NIST's; onus only changes the form of the ids.
They are US Government works, in the public domain in the United States.

| file | pairs | source |
|---|---|---|
| `nist-800-53--iso27001.csv` | {stats['nist-800-53--iso27001'][2]} | NIST National Online Informative References (OLIR) program: SP 800-53 Rev. 5 to ISO/IEC 27001:2022 mapping (`sp800-53r5-to-iso-27001-mapping-2022-OLIR-2023-10-12-UPDATED.xlsx`), https://csrc.nist.gov/projects/olir |
| `nist-csf--iso27001.csv` | {stats['nist-csf--iso27001'][2]} | NIST: CSF 2.0 informative references to ISO/IEC 27001:2022, published through NIST's Cybersecurity and Privacy Reference Tool, https://csrc.nist.gov/projects/cprt |
| `hipaa--nist-800-53.csv` | {stats['hipaa--nist-800-53'][2]} | NIST SP 800-66 Rev. 2, *Implementing the HIPAA Security Rule: A Cybersecurity Resource Guide* (February 2024), crosswalk of Security Rule standards to SP 800-53 Rev. 5, https://csrc.nist.gov/pubs/sp/800/66/r2/final |

Conventions:

- ISO/IEC 27001:2022 appears as its Annex A controls only (`A.5.1` to `A.8.34`, always with
  the `A.` prefix). NIST's mappings also relate controls to the management-system clauses
  4 to 10 (written without a prefix, e.g. `5.2`, `7.5.1`); those pairs are left out
  ({stats['nist-800-53--iso27001'][1]} for SP 800-53, {stats['nist-csf--iso27001'][1]} for CSF 2.0), because onus ships ISO/IEC 27001 as its Annex A.
- SP 800-53 ids are in NIST's display form, `AC-2` and `AC-2(1)`.
- SP 800-66r2 relates HIPAA *standards* (not implementation specifications) to SP 800-53;
  its short standard ids such as `164.310(a)` are written as the standard's full id,
  `164.310(a)(1)`.
"""
    (out / "crosswalks/README.md").write_text(readme, encoding="utf-8")
    return stats


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------

PROVIDER_RUN = {"physical", "hardware", "network-infrastructure", "virtualization", "managed-infrastructure", "control-plane"}


def check(out: Path, area_ids: set[str]):
    """Re-read every file written and check the rules the Rust loader will enforce."""
    report = {}
    for path in sorted((out / "controls").glob("*.toml")):
        if path.stem not in {"nist-800-53", "fedramp", "nist-800-171", "nist-csf", "hipaa"}:
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        controls = data["control"]
        ids = [c["id"] for c in controls]
        if len(ids) != len(set(ids)):
            raise SystemExit(f"{path}: duplicate control ids")
        groups = {g["id"] for g in data.get("group", [])}
        baselines = {b["id"] for b in data.get("baseline", [])}
        provider_only = []
        for c in controls:
            for b in c.get("baselines", []):
                if b not in baselines:
                    raise SystemExit(f"{path}: {c['id']} names unknown baseline {b}")
            if "based_on" in data["framework"]:
                if set(c) - {"id", "baselines"}:
                    raise SystemExit(f"{path}: profile control {c['id']} has fields beyond id and baselines")
                continue
            if c["group"] not in groups:
                raise SystemExit(f"{path}: {c['id']} names unknown group {c['group']}")
            if c.get("parent") and c["parent"] not in ids:
                raise SystemExit(f"{path}: {c['id']} names unknown parent {c['parent']}")
            why = c.get("why", "")
            if not why.endswith(".") or "\n" in why:
                raise SystemExit(f"{path}: {c['id']} has no one-sentence why")
            for a in c["areas"]:
                if a not in area_ids:
                    raise SystemExit(f"{path}: {c['id']} names unknown area {a}")
            if not c.get("withdrawn"):
                if not c["areas"]:
                    raise SystemExit(f"{path}: active control {c['id']} maps to no area")
                if len(set(c["areas"])) != len(c["areas"]):
                    raise SystemExit(f"{path}: {c['id']} repeats an area")
                if set(c["areas"]) <= PROVIDER_RUN:
                    provider_only.append(c["id"])
        report[path.stem] = (data, provider_only)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ref", default="../shared/reference-data", help="the reference-data directory")
    parser.add_argument("--out", default="frameworks", help="the frameworks directory to write into")
    args = parser.parse_args()
    ref, out = Path(args.ref), Path(args.out)
    model_path = out / "model.toml"
    if not model_path.exists() or not ref.is_dir():
        raise SystemExit("run from the repository root (needs frameworks/model.toml and ../shared/reference-data)")
    area_ids = {a["id"] for a in tomllib.loads(model_path.read_text(encoding="utf-8"))["area"]}
    for table in (SP800_53_FAMILIES, SP800_53_CONTROLS, CSF_CATEGORIES, CSF_SUBCATEGORIES, HIPAA):
        for key, (areas, why) in table.items():
            unknown = set(areas) - area_ids
            if unknown or not areas or not why.endswith("."):
                raise SystemExit(f"mapping of {key}: unknown areas {sorted(unknown)} or a bad why")

    entries = build_800_53(ref, out)
    families = {c["family"] for c in entries}
    sp53_labels = {c["label"] for c in entries}
    for key in SP800_53_CONTROLS:
        if key not in sp53_labels:
            raise SystemExit(f"override for unknown SP 800-53 control {key}")
    sp53_data = tomllib.loads((out / "controls/nist-800-53.toml").read_text(encoding="utf-8"))
    sp53_by_label = {c["id"]: (tuple(c["areas"]), c["why"]) for c in sp53_data["control"]}
    sp53_active = [c["id"] for c in sp53_data["control"] if not c.get("withdrawn")]
    for src in SP800_171_SOURCES.values():
        if isinstance(src, str) and src not in sp53_active:
            raise SystemExit(f"SP 800-171 source {src} is not an active SP 800-53 control")

    build_fedramp(ref, out, entries)
    reqs = build_800_171(ref, out, sp53_by_label)
    functions, categories, subcats = build_csf(ref, out)
    for key in CSF_SUBCATEGORIES:
        if key not in {s["id"] for s in subcats}:
            raise SystemExit(f"override for unknown CSF subcategory {key}")
    standards, specs = build_hipaa(ref, out)
    for key in HIPAA:
        if key not in standards and key not in specs:
            raise SystemExit(f"mapping for unknown HIPAA id {key}")
    stats = build_crosswalks(ref, out, sp53_active, [s["id"] for s in subcats], standards)

    report = check(out, area_ids)
    d53 = report["nist-800-53"][0]
    sizes = {b: sum(b in c.get("baselines", []) for c in d53["control"]) for b in ("low", "moderate", "high", "privacy")}
    dfr = report["fedramp"][0]
    fsizes = {b: sum(b in c["baselines"] for c in dfr["control"]) for b in ("li-saas", "low", "moderate", "high")}
    print(f"nist-800-53: {len(d53['control'])} entries ({len(sp53_active)} active, {len(families)} families), baselines {sizes}")
    print(f"fedramp: {len(dfr['control'])} controls, baselines {fsizes}")
    print(f"nist-800-171: {sum(not r['withdrawn'] for r in reqs)} active + {sum(r['withdrawn'] for r in reqs)} withdrawn")
    print(f"nist-csf: {len(subcats)} subcategories, {len(categories)} categories, {len(functions)} functions")
    print(f"hipaa: {len(standards)} standards, {len(specs)} implementation specifications")
    for name, (read, clauses, kept) in stats.items():
        print(f"crosswalk {name}: {read} pairs read, {clauses} clause pairs dropped, {kept} written")
    for name, (_, provider_only) in report.items():
        if provider_only:
            print(f"{name}: {len(provider_only)} controls map only to provider-run areas: {' '.join(provider_only)}")


if __name__ == "__main__":
    sys.exit(main())
