#!/usr/bin/env python3
"""Build onus's evidence hints: which automated checks can evidence which control.

Usage:
    python3 tools/build_evidence.py [--ref ../shared/reference-data]

Reads ``crosswalks/prowler-aws-checks-to-framework-ids.csv`` (Prowler's own compliance
mappings, Apache-2.0: framework and requirement ids, check ids and AWS services only, no
requirement text) and writes ``frameworks/evidence/prowler.csv``:

    framework,control,check,service,securityhub

one row per (onus framework, onus control id, Prowler check), with the onus service id
the check inspects (empty for account-wide checks) and the AWS Security Hub control ids
that Prowler's "AWS Foundational Security Best Practices" mapping pairs with the check.

Frameworks mapped: soc2, iso27001 (2022), cis-aws (5.0), nist-800-53 (rev. 5),
hipaa and pci-dss (4.0, to the onus requirement that holds the sub-requirement).
Prowler's NIST CSF 2.0 and NIST 800-171 rev. 2 ids do not name onus's controls
unambiguously, so they are left out rather than guessed.

Indirect hints (the ``via`` column): Prowler's SOC 2 mapping leaves duty areas of many
criteria without a check (CC6.1 has no IAM check). For each technical SOC 2 criterion
(not CC1-CC5, CC6.4, privacy or processing integrity) and each of
its duty areas in the cloud (not governance or the organisation's offices), the checks
Prowler maps to the NIST SP 800-53 controls that onus maps to
that one area alone (AC-2 to identity-access, SC-12 to encryption) are added, unless
Prowler's SOC 2 mapping names them already, with ``via = nist-800-53``: an area-level
crosswalk, coarser than Prowler's own mapping, and marked as such wherever it is shown.
"""

import argparse
import csv
import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "frameworks"

# Prowler's service names that differ from onus's catalogue keys.
SERVICE = {
    "awslambda": "lambda",
    "elb": "elbv2",
    "eventbridge": "events",
    "cognito": "cognito-idp",
    "documentdb": "docdb",
    "macie": "macie2",
    "networkfirewall": "network-firewall",
    "resourceexplorer2": "resource-explorer-2",
    "ssmincidents": "ssm-incidents",
    "directoryservice": "ds",
    "ses": "sesv2",
    "waf": "wafv2",
    "apigatewayv2": "apigateway",
}
# Checks that concern another service than the one they read, by a word of their id:
# `cloudtrail_bedrock_logging_enabled` reads a trail, but only matters where Bedrock is
# used, so it is that service's hint (and shown only when the inventory has it).
CONCERNS = [("bedrock", "bedrock"), ("llm_jacking", "bedrock")]
# Checks of the AWS account itself, in scope whatever the inventory lists.
ACCOUNT_WIDE = {"account"}


def soc2(rid):
    # cc_6_1 -> CC6.1; Prowler files the other categories under cc_: cc_a_1_1 -> A1.1.
    m = re.fullmatch(r"(?:cc_)?([a-z]+)_(\d+)_(\d+)", rid)
    return f"{m[1].upper()}{m[2]}.{m[3]}" if m else None


def nist53(rid):
    m = re.fullmatch(r"([a-z]{2})_(\d+)(?:_(\d+))?(?:_[a-z])?", rid)
    if not m:
        m = re.fullmatch(r"([a-z]{2})_(\d+)(?:_[a-z])?(?:_(\d+))?", rid)
    if not m:
        return None
    base = f"{m[1].upper()}-{m[2]}"
    return f"{base}({m[3]})" if m[3] else base


def hipaa(rid):
    parts = rid.split("_")
    if len(parts) < 2 or parts[0] != "164":
        return None
    out = f"164.{parts[1]}"
    for depth, p in enumerate(parts[2:]):
        out += f"({p.upper() if depth == 3 else p})"
    return out


SOURCES = {
    # onus framework: (Prowler framework, version, id mapping)
    "soc2": ("SOC2", "", soc2),
    "iso27001": ("ISO27001", "2022", lambda r: r),
    "cis-aws": ("CIS", "5.0", lambda r: r),
    "nist-800-53": ("NIST-800-53-Revision-5", "", nist53),
    "hipaa": ("HIPAA", "", hipaa),
    "pci-dss": ("PCI", "4.0", lambda r: r),
}


def controls(fw):
    return set(areas_of(fw))


def areas_of(fw):
    """Each control (not withdrawn) of an onus framework, with its duty areas."""
    data = tomllib.loads((FRAMEWORKS / "controls" / f"{fw}.toml").read_text())
    return {
        c["id"]: c.get("areas", [])
        for c in data.get("control", [])
        if not c.get("withdrawn")
    }


def nearest(cid, known):
    """The control itself, else the nearest enclosing one (PCI 1.2.5.1 -> 1.2 -> 1)."""
    while cid:
        if cid in known:
            return cid
        cid = cid.rsplit(".", 1)[0] if "." in cid else ""
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", default=str(ROOT.parent / "shared" / "reference-data"))
    args = ap.parse_args()
    src = Path(args.ref) / "crosswalks" / "prowler-aws-checks-to-framework-ids.csv"
    rows = list(csv.DictReader(src.open(newline="", encoding="utf-8")))
    catalogue = tomllib.loads((FRAMEWORKS / "aws" / "catalogue.toml").read_text())
    keys = {s["key"] for s in catalogue["service"]}
    securityhub = defaultdict(set)
    for r in rows:
        if r["framework"] == "AWS-Foundational-Security-Best-Practices":
            securityhub[r["prowler_check_id"]].add(r["requirement_id"])
    out = set()
    unmapped = defaultdict(int)
    for fw, (name, version, to_id) in SOURCES.items():
        known = controls(fw)
        for r in rows:
            if r["framework"] != name or r["version"] != version:
                continue
            cid = to_id(r["requirement_id"])
            cid = nearest(cid, known) if fw == "pci-dss" and cid else cid
            if cid not in known:
                unmapped[fw] += 1
                continue
            service = r["aws_service"].strip()
            if service in ACCOUNT_WIDE:
                service_id = ""
            else:
                key = SERVICE.get(service, service)
                if key not in keys:
                    unmapped["service " + service] += 1
                    continue
                service_id = f"aws.{key}"
            check = r["prowler_check_id"].strip()
            if not re.fullmatch(r"[a-z0-9_]+", check):
                continue
            for word, key in CONCERNS:
                if word in check and key in keys:
                    service_id = f"aws.{key}"
            hub = " ".join(sorted(securityhub.get(check, ())))
            out.add((fw, cid, check, service_id, hub, ""))
    out |= indirect(out, rows)
    write_hints(out, "prowler.csv", list(SOURCES))
    for k, n in sorted(unmapped.items()):
        print(f"  left out: {k}: {n}", file=sys.stderr)



def write_hints(rows, name, order):
    """Writes `frameworks/evidence/NAME`: the header, then the rows in framework order
    (`order`, by onus framework id), control, via, service and check."""
    dest = FRAMEWORKS / "evidence" / name
    dest.parent.mkdir(exist_ok=True)
    with dest.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["framework", "control", "check", "service", "securityhub", "via"])
        for row in sorted(rows, key=lambda r: (order.index(r[0]), r[1], r[5], r[3], r[2])):
            w.writerow(row)
    print(f"{dest.relative_to(ROOT)}: {len(rows)} rows", file=sys.stderr)

# An area whose NIST SP 800-53 controls also map checks of other subjects (CP-9, backup,
# takes the encryption checks of its cryptographic-protection enhancement) borrows only
# the checks that name its subject.
BORROW_ONLY = {
    "backup-recovery": ("backup", "snapshot", "pitr", "versioning", "multi_az", "replica", "recovery", "deletion_protection"),
}


def indirect(direct, rows):
    """SOC 2 hints through NIST SP 800-53, area by area (see the module's text). The
    organisation's own areas (`cloud = false` in model.toml: governance, its offices)
    get none: a cloud check says nothing of a board or an office."""
    model = tomllib.loads((FRAMEWORKS / "model.toml").read_text())
    own = {a["id"] for a in model["area"] if a.get("cloud") is False}
    nist = areas_of("nist-800-53")
    by_area = defaultdict(set)  # area -> {(check, service, hub)} of single-area controls
    for fw, cid, check, service, hub, _ in direct:
        if fw == "nist-800-53" and len(nist.get(cid, [])) == 1:
            by_area[nist[cid][0]].add((check, service, hub))
    out = set()
    for cid, areas in areas_of("soc2").items():
        # Only technical criteria borrow checks: never the organisation's own (CC1-CC5),
        # physical access and disposal (CC6.4, CC6.5, C1.2), change management (CC8),
        # privacy (P) or processing integrity (PI), whose evidence is the organisation's
        # records and its own mapped checks, not a cloud setting borrowed by area.
        if re.match(r"CC[1-5]\.|CC6\.[45]$|CC8\.|C1\.2$|P\d|PI\d", cid):
            continue
        for area in areas:
            if area in own:
                continue
            for check, service, hub in by_area.get(area, ()):
                words = BORROW_ONLY.get(area)
                if words and not any(w in check for w in words):
                    continue
                out.add(("soc2", cid, check, service, hub, "nist-800-53"))
    have = {(r[0], r[1], r[2]) for r in direct}
    return {r for r in out if (r[0], r[1], r[2]) not in have}


if __name__ == "__main__":
    main()
