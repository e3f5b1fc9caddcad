#!/usr/bin/env python3
"""Build onus's Azure evidence hints: which Prowler Azure checks can evidence which control.

Usage:
    python3 tools/build_evidence_azure.py PROWLER_CHECKOUT

Reads, from a checkout of prowler-cloud/prowler (Apache-2.0; built from commit
3e000faa3109230b748e4418a13c11c9e59f5cfb), Prowler's own Azure compliance mappings,
``prowler/compliance/azure/*.json`` (each requirement's ``Id`` and ``Checks``), and each
check's ``ServiceName`` from ``prowler/providers/azure/services/<service>/<check>/
<check>.metadata.json``. Only ids are taken: framework and requirement ids, check ids and
service names; no requirement text or check description is copied. It writes
``frameworks/evidence/prowler-azure.csv`` with the header of ``prowler.csv``:

    framework,control,check,service,securityhub,via

one row per (onus framework, onus control id, Prowler check), with the onus service id
the check inspects. ``securityhub`` is empty (an AWS notion) and so is ``via``.

The rules are those of ``tools/build_evidence.py`` (whose id mappings this script
imports): requirement ids become onus control ids by the same functions, PCI DSS
sub-requirements go to the onus requirement that holds them, and a requirement id that
names no onus control is left out, never guessed.

Frameworks mapped: soc2, iso27001 (2022), hipaa and pci-dss (4.0), the onus frameworks
Prowler maps for Azure. Prowler has no Azure mapping of NIST SP 800-53, NIST CSF or NIST
800-171; its CIS Azure benchmarks have no onus framework, and its FedRAMP 20x KSI ids
name none of the onus FedRAMP (800-53 rev. 5) controls: all are left out.

No indirect hints: the AWS script's SOC 2 hints borrowed area by area through Prowler's
NIST SP 800-53 mapping have no Azure source, since Prowler maps no Azure check to NIST SP
800-53.

Two corrections of the source, both reported when the script runs: an entry of a
requirement's ``Checks`` that holds several check ids separated by spaces (a slip in
Prowler's ISO 27001 file) is read as those ids, and a check id with no check in the
checkout (no metadata) is left out.
"""

import argparse
import json
import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_evidence import FRAMEWORKS, controls, hipaa, nearest, soc2, write_hints  # noqa: E402

# Prowler's Azure service names (its services/<name> folders) -> onus catalogue keys.
SERVICE = {
    "aisearch": "ai-search",
    "aks": "aks",
    "apim": "api-management",
    "app": "app-service",
    "appinsights": "monitor",  # Application Insights is part of Azure Monitor
    "containerregistry": "container-registry",
    "cosmosdb": "cosmos-db",
    "databricks": "databricks",
    "defender": "defender-for-cloud",
    "entra": "entra-id",  # users, MFA, conditional access, tenant policies
    "iam": "resource-manager",  # Azure RBAC role assignments and definitions
    "keyvault": "key-vault",
    "logs": "monitor",
    "monitor": "monitor",
    "mysql": "mysql",
    "policy": "resource-manager",  # Azure Policy assignments
    "postgresql": "postgresql",
    "recovery": "backup",  # Recovery Services vaults' backup policies
    "sqlserver": "sql-database",
    "storage": "storage",
    "vm": "vm",
}
# Prowler's "network" service reads several onus services: by the check id's prefix.
NETWORK = [
    ("network_watcher_", "network-watcher"),
    ("network_flow_log_", "network-watcher"),
    ("network_", "virtual-network"),  # NSGs, subnets, virtual networks, public IPs
]
# Checks that concern another service than the one they read, by a word of their id (as
# in build_evidence.py): a function app is Azure Functions, not App Service; Defender for
# IoT on IoT Hub matters only where IoT Hub is used; whether a Bastion host exists
# matters only where virtual machines are reached.
CONCERNS = [
    ("app_function_", "functions"),
    ("iot_hub", "iot-hub"),
    ("network_bastion_host_exists", "vm"),
]
# Checks of the tenant or subscription with no service of their own (none so far:
# Entra ID and Resource Manager are services of the catalogue, implied by any inventory).
TENANT_WIDE = set()

SOURCES = {
    # onus framework: (Prowler framework, version, id mapping)
    "soc2": ("SOC2", "", soc2),
    "iso27001": ("ISO27001", "2022", lambda r: r),
    "hipaa": ("HIPAA", "", hipaa),
    "pci-dss": ("PCI", "4.0", lambda r: r),
}


def service_key(check, service):
    if service == "network":
        key = next((k for p, k in NETWORK if check.startswith(p)), None)
    else:
        key = SERVICE.get(service)
    for word, concern in CONCERNS:
        if word in check:
            key = concern
    return key


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("prowler", help="path of a checkout of prowler-cloud/prowler")
    args = ap.parse_args()
    prowler = Path(args.prowler)
    services_dir = prowler / "prowler" / "providers" / "azure" / "services"
    meta = {}
    for p in services_dir.glob("*/*/*.metadata.json"):
        m = json.loads(p.read_text(encoding="utf-8"))
        meta[m["CheckID"]] = m["ServiceName"]
    if not meta:
        sys.exit(f"{services_dir}: no check metadata")
    catalogue = tomllib.loads((FRAMEWORKS / "azure" / "catalogue.toml").read_text())
    keys = {s["key"] for s in catalogue["service"]}
    requirements = []  # (Prowler framework, version, requirement id, check id)
    notes = defaultdict(int)
    for p in sorted((prowler / "prowler" / "compliance" / "azure").glob("*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        for r in d.get("Requirements", []):
            for entry in r.get("Checks", []):
                ids = entry.split()
                if len(ids) > 1:
                    notes[f"{p.name}: {len(ids)} check ids in one entry, split"] += 1
                for check in ids:
                    requirements.append((d["Framework"], d.get("Version", ""), r["Id"], check))
    out = set()
    unmapped = defaultdict(int)
    for fw, (name, version, to_id) in SOURCES.items():
        known = controls(fw)
        for framework, ver, rid, check in requirements:
            if framework != name or ver != version:
                continue
            cid = to_id(rid)
            cid = nearest(cid, known) if fw == "pci-dss" and cid else cid
            if cid not in known:
                unmapped[f"{fw} requirement {rid}"] += 1
                continue
            if not re.fullmatch(r"[a-z0-9_]+", check):
                unmapped[f"malformed check {check!r}"] += 1
                continue
            if check not in meta:
                unmapped[f"check {check} (no such check in the checkout)"] += 1
                continue
            service = meta[check]
            if service in TENANT_WIDE:
                service_id = ""
            else:
                key = service_key(check, service)
                if key not in keys:
                    unmapped[f"service {service} ({check})"] += 1
                    continue
                service_id = f"azure.{key}"
            out.add((fw, cid, check, service_id, "", ""))
    write_hints(out, "prowler-azure.csv", list(SOURCES))
    for k, n in sorted(notes.items()):
        print(f"  note: {k}: {n}", file=sys.stderr)
    for k, n in sorted(unmapped.items()):
        print(f"  left out: {k}: {n}", file=sys.stderr)


if __name__ == "__main__":
    main()
