"""FHIR input built from the project's own mapping: resources exactly as the API serves them.

The mirror must give back what the source mapping gave, so the samples are the source
mapping's studies turned into served resources (``to_document``: ``meta.versionId`` set), then
arranged as the tests need: NDJSON, searchset or collection Bundles, in any order.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from eclaire_core import stored
from eclaire_core.settings import Settings
from ingest.bookkeeping import RunSummary
from ingest.deadletter import MemoryDeadLetters
from ingest.documents import to_document
from ingest.fhir import map_fhir
from ingest.mapping import ASSIGNER_ORGANIZATIONS, MappedStudy, Unpublished

Resource = dict[str, Any]


def served(study: MappedStudy) -> list[Resource]:
    """The study's resources as the API serves them, ResearchStudy first."""
    doc = stored.decoded(to_document(study, version_id=1, last_updated=study.document_date))
    return copy.deepcopy([doc["resource"], doc["group"], *doc["locations"], *doc["organizations"]])


def write_ndjson(path: Path, resources: Iterable[Resource]) -> Path:
    with open(path, "wb") as handle:
        for resource in resources:
            handle.write(orjson.dumps(resource, option=orjson.OPT_APPEND_NEWLINE))
    return path


def searchset(studies: list[list[Resource]]) -> Resource:
    """One search page as the API answers ``_include=*``: matches, includes, an outcome."""
    entries: list[Resource] = [
        {"resource": s[0], "search": {"mode": "match"}, "fullUrl": f"x/{s[0]['id']}"}
        for s in studies
    ]
    entries += [{"resource": r, "search": {"mode": "include"}} for s in studies for r in s[1:]]
    entries += [
        {"resource": o, "search": {"mode": "include"}} for o in ASSIGNER_ORGANIZATIONS.values()
    ]
    entries.append(
        {
            "resource": {
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "warning", "code": "not-supported"}],
            },
            "search": {"mode": "outcome"},
        }
    )
    return {"resourceType": "Bundle", "type": "searchset", "total": len(studies), "entry": entries}


def collection(resources: Iterable[Resource]) -> Resource:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": f"urn:x:{i}", "resource": r} for i, r in enumerate(resources)],
    }


def write_json(path: Path, value: Any, *, pretty: bool = True) -> Path:
    path.write_bytes(orjson.dumps(value, option=orjson.OPT_INDENT_2 if pretty else 0))
    return path


def run_fhir(
    paths: list[Path], settings: Settings, window: int = 2000
) -> tuple[list[MappedStudy | Unpublished], MemoryDeadLetters, RunSummary]:
    dead, summary = MemoryDeadLetters(), RunSummary()
    out = list(map_fhir(paths, settings, dead_letters=dead, summary=summary, window=window))
    return out, dead, summary


def by_id(outcomes: Iterable[MappedStudy | Unpublished]) -> dict[str, MappedStudy]:
    return {o.id: o for o in outcomes if isinstance(o, MappedStudy)}
