"""Validator issues → ``bench/results/conformance.json`` and ``conformance.md``.

Issues are counted by part (``mapping``: ``eclaire map`` output; ``api``: captured answers),
severity and message id, and each is put in one class:

- ``known-gap``: the ``upcoming`` recruitment status, missing from the IG 0.3.1 CodeSystem
  (RES-2): kept as the technical document shows it, listed as its own line;
- ``document``: values the technical document shows where its clients read them, by kind,
  with the document's section;
- ``offline``: what only a terminology server could decide (the validator runs without one);
- ``project``: everything else, which the project must fix.
"""

from __future__ import annotations

import collections
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENTRY = re.compile(r"^Bundle\.entry\[(\d+)\]\.resource/\*(\w+)/([^*]*)\*/")
OFFLINE_IDS = frozenset(
    {
        "Terminology_TX_Binding_NoSource",
        "Error_validating_code_running_without_terminology_services",
        "UNKNOWN_CODESYSTEM",
        "UNKNOWN_CODESYSTEM_VERSION",
        "UNKNOWN_CODESYSTEM_VERSION_NONE",
        "Terminology_TX_NoValid_1_CC",
        "Terminology_TX_NoValid_2_CC",
        "Terminology_TX_NoValid_3_CC",
        "Terminology_TX_NoValid_16",
        "Terminology_TX_NoValid_17",
        "Terminology_TX_Code_ValueSet_Ext",
        "Terminology_PassThrough_TX_Message",
        "Terminology_TX_System_Unknown",
        "TX_SERVER_NO_BATCH_RESPONSE",
        "VALUESET_VALUE_MISMATCH_DEFAULT",
    }
)


@dataclass(frozen=True)
class Kind:
    """A warning the technical document's own values cause, and where the document shows them."""

    name: str
    section: str
    test: Callable[[dict[str, Any]], bool]


def _says(*needles: str) -> Callable[[dict[str, Any]], bool]:
    return lambda i: all(n in (i["message"] + " " + (i["location"] or "")) for n in needles)


def _identifier(system: str) -> Kind:
    return Kind(f"identifier system {system}", "DOC-2.4.5", _says(f"'{system}'"))


def _display_only(issue: dict[str, Any]) -> bool:
    return (
        issue["resourceType"] == "Group"
        and "characteristic" in (issue["location"] or "")
        and issue["messageId"]
        in ("Coding_has_no_system__cannot_validate", "Terminology_TX_NoValid_2_CC")
    )


DOCUMENT_KINDS = (
    *(
        _identifier(system)
        for system in (
            "https://clinicaltrials.gov",
            "https://my-identifier.fr",
            "https://www.isrctn.com",
            "https://www.who.int/tools/clinical-trials-registry-platform",
        )
    ),
    Kind(
        "primaryPurposeType coding (https://terminology.hl7.org/…, version 0.1.0)",
        "DOC-2.4.6",
        _says("research-study-objective-type"),
    ),
    Kind("gender codings with version 5.0.0", "DOC-3.2.1", _says("administrative-gender")),
    Kind(
        "Group category and criteria in valueCodeableConcept.coding[0].display, no system (R6)",
        "DOC-3.2.2, DOC-3.2.3",
        _display_only,
    ),
)


def attribute(issue: dict[str, Any]) -> dict[str, Any]:
    """An issue inside a Bundle entry belongs to that entry's resource; path made relative."""
    match = ENTRY.match(issue["location"] or "")
    if match:
        location = match.group(2) + issue["location"][match.end() :]
        return {**issue, "resourceType": match.group(2), "id": match.group(3), "location": location}
    return issue


def classify(issue: dict[str, Any]) -> tuple[str, str | None]:
    if "upcoming" in issue["message"]:
        return (
            "known-gap",
            "recruitment status upcoming (IG 0.3.1 CodeSystem lacks it, RES-2; DOC-2.4.2)",
        )
    for kind in DOCUMENT_KINDS:
        if kind.test(issue):
            return "document", f"{kind.name} ({kind.section})"
    if issue["messageId"] in OFFLINE_IDS:
        return "offline", issue["messageId"]
    if issue["messageId"] == "Type_Specific_Checks_DT_URL_Resolve" and ".link" in (
        issue["location"] or ""
    ):  # the Bundle's own self/next links: the validator fetches no URL offline
        return "offline", "Bundle.link URLs not resolvable offline"
    return "project", None


def part_of(file: str, inputs: Path) -> str:
    return "mapping" if Path(file).resolve().is_relative_to(inputs / "mapping") else "api"


def report(validator_out: Path, inputs: Path, results: Path) -> int:
    """Write the two result files; return the number of errors outside the known gap."""
    inputs = inputs.resolve()
    resources: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in (validator_out / "resources.ndjson").open(encoding="utf-8"):
        row = json.loads(line)
        resources[part_of(row["file"], inputs)][row["resourceType"]] += 1
    counts: dict[str, dict[str, collections.Counter[str]]] = {}
    by_type: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    classes: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    examples: dict[str, dict[str, Any]] = {}
    errors = 0
    for line in (validator_out / "issues.ndjson").open(encoding="utf-8"):
        issue = attribute(json.loads(line))
        part = part_of(issue["file"], inputs)
        severity, message_id = issue["severity"], issue["messageId"] or "-"
        counts.setdefault(part, {}).setdefault(severity, collections.Counter())[message_id] += 1
        klass, label = classify(issue)
        by_type[f"{part} {issue['resourceType']}"][
            f"{severity} (known gap)" if klass == "known-gap" else severity
        ] += 1
        key = f"{part} | {severity} | {klass} | {label or message_id}"
        classes[klass][key] += 1
        examples.setdefault(key, {"id": issue["id"], "location": issue["location"],
                                  "message": issue["message"][:300]})  # fmt: skip
        if severity in ("error", "fatal") and klass != "known-gap":
            errors += 1
    summary = {
        "validator": "org.hl7.fhir.validation 6.10.4, offline (no terminology server), IG "
        "ans.fhir.fr.eclaire 0.3.1",
        "resources": {part: dict(sorted(c.items())) for part, c in sorted(resources.items())},
        "errors_outside_known_gap": errors,
        "counts_by_message_id": {
            part: {sev: dict(c.most_common()) for sev, c in sorted(sevs.items())}
            for part, sevs in sorted(counts.items())
        },
        "counts_by_resource_type": {
            k: dict(by_type.get(k, {}))
            for k in sorted({*by_type, *(f"{p} {t}" for p, c in resources.items() for t in c)})
        },
        "classes": {
            klass: [{"line": k, "count": n, "example": examples[k]} for k, n in c.most_common()]
            for klass, c in sorted(classes.items())
        },
    }
    results.mkdir(parents=True, exist_ok=True)
    (results / "conformance.json").write_text(
        json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (results / "conformance.md").write_text(markdown(summary), encoding="utf-8")
    print(markdown(summary))
    return errors


def markdown(summary: dict[str, Any]) -> str:
    lines = [
        "# HL7 validator conformance (`make conformance`)",
        "",
        summary["validator"] + ".",
        "",
        "| part | resources validated |",
        "|---|---|",
    ]
    for part, types in summary["resources"].items():
        lines.append(f"| {part} | " + ", ".join(f"{t} {n}" for t, n in types.items()) + " |")
    lines += ["", f"**Errors outside the known gap: {summary['errors_outside_known_gap']}**", ""]
    lines += [
        "| part, resource type | errors | errors (upcoming gap) | warnings |",
        "|---|---|---|---|",
    ]
    for key, sevs in summary["counts_by_resource_type"].items():
        errors = sevs.get("error", 0) + sevs.get("fatal", 0)
        gap = sevs.get("error (known gap)", 0)
        lines.append(f"| {key} | {errors} | {gap} | {sevs.get('warning', 0)} |")
    lines.append("")
    titles = {
        "known-gap": "Known IG gap (RES-2), kept as the technical document shows it",
        "document": "Values the technical document shows where its clients read them",
        "offline": "Terminology checks that need a terminology server (not run offline)",
        "project": "Everything else",
    }
    for klass in ("known-gap", "document", "project", "offline"):
        rows = summary["classes"].get(klass, [])
        lines += [f"## {titles[klass]}", ""]
        if not rows:
            lines += ["none", ""]
            continue
        lines += ["| part | severity | what | count |", "|---|---|---|---|"]
        for row in rows:
            part, severity, _, what = row["line"].split(" | ", 3)
            lines.append(f"| {part} | {severity} | {what} | {row['count']} |")
        lines.append("")
    return "\n".join(lines)
