"""``make conformance``'s report: the upcoming gap and the document's values are listed apart.

The validator run itself takes minutes (not part of ``make test``); its summariser is pure, so
it is checked here on issue lines shaped like the harness's ``issues.ndjson``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.conformance_report import classify, report  # noqa: E402


def issue(severity: str, message_id: str, message: str, location: str, **kw: Any) -> dict[str, Any]:
    base = {"file": "x", "line": 1, "resourceType": "ResearchStudy", "id": "s1"}
    return {**base, **kw, "severity": severity, "messageId": message_id, "message": message,
            "location": location}  # fmt: skip


UPCOMING = issue(
    "error",
    "Unknown_Code_in_Version",
    "Unknown code 'upcoming' in the CodeSystem '…eclaire-status-recruitment-code-system'",
    "ResearchStudy.extension[4].value.ofType(CodeableConcept).coding[0].code",
)
NCT = issue(
    "warning",
    "Type_Specific_Checks_DT_URL_Resolve",
    "No definition could be found for URL value 'https://clinicaltrials.gov'",
    "ResearchStudy.identifier[1].system",
)
CRITERION = issue(
    "warning",
    "Coding_has_no_system__cannot_validate",
    "Coding has no system.",
    "Group.characteristic[4].value.ofType(CodeableConcept).coding[0]",
    resourceType="Group",
)
OURS = issue(
    "error",
    "Display_Name_for__should_be_one_of__instead_of",
    "Wrong Display Name",
    "Bundle.entry[0].resource/*ResearchStudy/s1*/.meta.tag[0].display",
    resourceType="Bundle",
)


def test_classes() -> None:
    assert classify(UPCOMING)[0] == "known-gap"
    assert classify(NCT) == ("document", "identifier system https://clinicaltrials.gov (DOC-2.4.5)")
    kind, label = classify(CRITERION)
    assert kind == "document" and label is not None and "DOC-3.2.3" in label
    assert classify(OURS) == ("project", None)


def test_report_counts_errors_outside_the_gap_by_type(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    mapped, api = inputs / "mapping" / "ResearchStudy.ndjson", inputs / "api" / "b.json"
    out = tmp_path / "validator"
    out.mkdir()
    lines = [
        {**UPCOMING, "file": str(mapped)},
        {**NCT, "file": str(mapped)},
        {**CRITERION, "file": str(mapped)},
        {**OURS, "file": str(api)},
    ]
    (out / "issues.ndjson").write_text("".join(json.dumps(i) + "\n" for i in lines))
    resources = [
        {"file": str(mapped), "resourceType": "ResearchStudy"},
        {"file": str(api), "resourceType": "Bundle"},
    ]
    (out / "resources.ndjson").write_text("".join(json.dumps(r) + "\n" for r in resources))
    results = tmp_path / "results"
    assert report(out, inputs, results) == 1  # the upcoming error is not counted
    summary = json.loads((results / "conformance.json").read_text())
    assert summary["counts_by_message_id"]["mapping"]["error"] == {"Unknown_Code_in_Version": 1}
    assert summary["counts_by_resource_type"]["api ResearchStudy"] == {"error": 1}
    assert summary["counts_by_resource_type"]["mapping ResearchStudy"] == {
        "error (known gap)": 1,
        "warning": 1,
    }
    text = (results / "conformance.md").read_text()
    assert (
        "recruitment status upcoming" in text and "https://clinicaltrials.gov (DOC-2.4.5)" in text
    )
