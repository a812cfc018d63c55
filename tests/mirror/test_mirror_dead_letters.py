"""What cannot become a study goes to the dead letters with its reason (RES-15); the rest loads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from mirror_samples import by_id, served, write_ndjson

from eclaire_core import ig_constants as ig
from eclaire_core.settings import Settings
from ingest.bookkeeping import RunSummary
from ingest.deadletter import MemoryDeadLetters
from ingest.fhir import map_fhir
from ingest.mapping import MappedStudy, Unpublished

Resources = list[dict[str, Any]]


def renamed(resources: Resources, new_id: str) -> Resources:
    """A copy of a study's resources under another study id (ids and references)."""
    old = resources[0]["id"].encode()
    copied: Resources = orjson.loads(orjson.dumps(resources).replace(old, new_id.encode()))
    return copied


def variant(base: Resources, new_id: str, change: Any) -> Resources:
    resources = renamed(base, new_id)
    change(resources[0])
    return resources


def drop_dates(rs: dict[str, Any]) -> None:
    rs["extension"] = [e for e in rs["extension"] if e["url"] != ig.EXT_REVIEW_DATE]
    del rs["meta"]["lastUpdated"]


def test_each_bad_input_has_its_kind_and_reason(
    tmp_path: Path, source_studies: list[MappedStudy], offline_settings: Settings
) -> None:
    base = served(next(s for s in source_studies if s.source == "jarde"))
    good = renamed(base, "2020-A00001-01")
    bad: dict[str, Resources] = {
        "no-status": variant(base, "2020-A00002-01", lambda rs: rs.pop("status")),
        "placeholder-status": variant(
            base, "2020-A00003-01", lambda rs: rs.update(status="INDISPONIBLE")
        ),
        "unknown-status": variant(base, "2020-A00004-01", lambda rs: rs.update(status="ongoing")),
        "unknown-regulation": variant(
            base,
            "2020-A00005-01",
            lambda rs: rs.update(category=[{"coding": [{"code": "REG999"}]}]),
        ),
        "subsetted": variant(
            base,
            "2020-A00006-01",
            lambda rs: rs["meta"].update(tag=[{"code": "SUBSETTED"}]),
        ),
        "no-date": variant(base, "2020-A00007-01", drop_dates),
        "invalid": variant(base, "2020-A00008-01", lambda rs: rs.update(title=["not", "a string"])),
    }
    strays: Resources = [
        {"resourceType": "ResearchStudy", "status": "active"},  # no id
        {"resourceType": "ResearchStudy", "id": "bad id!", "status": "active"},
        {"resourceType": "Patient", "id": "p1"},
        {"resourceType": "Location", "id": "somewhere"},
        {"resourceType": "Location", "id": "2019-A09999-99-0-site"},  # its study never comes
        {"id": "x"},
        good[0],  # the same study twice: the first one wins
    ]
    lines = good + [r for resources in bad.values() for r in resources] + strays
    path = write_ndjson(tmp_path / "mixed.ndjson", lines)
    with open(path, "ab") as handle:
        handle.write(b'{"resourceType": "ResearchStudy", "id": \n')
    excluded = {"2020-A00009-01"}
    lines_excluded = renamed(base, "2020-A00009-01")
    write_ndjson(tmp_path / "excluded.ndjson", lines_excluded)
    dead, summary = MemoryDeadLetters(), RunSummary()
    outcomes = list(
        map_fhir(
            [path, tmp_path / "excluded.ndjson"],
            offline_settings,
            dead_letters=dead,
            summary=summary,
            exclusions=frozenset(excluded),
        )
    )
    assert list(by_id(outcomes)) == ["2020-A00001-01"]
    assert [o.id for o in outcomes if isinstance(o, Unpublished)] == ["2020-A00009-01"]
    letters = {(d.id, d.kind): d for d in dead.letters}
    reasons = {
        kind: letters[(r[0]["id"], kind.replace("placeholder-", "no-"))].reason
        for kind, r in bad.items()
    }
    assert reasons["no-status"] == "ResearchStudy.status is missing"
    assert reasons["placeholder-status"] == (
        "ResearchStudy.status is missing (its value was the placeholder INDISPONIBLE)"
    )
    assert reasons["unknown-status"] == "unknown ResearchStudy.status 'ongoing'"
    assert reasons["unknown-regulation"].startswith("no known regulation code in category")
    assert "SUBSETTED" in reasons["subsetted"]
    assert reasons["no-date"].startswith("no date: neither")
    assert reasons["invalid"].startswith("validation failed: ResearchStudy/2020-A00008-01: title")
    stray_kinds = sorted(
        d.kind for d in dead.letters if d.id not in {r[0]["id"] for r in bad.values()}
    )
    assert stray_kinds == sorted(
        [
            "no-id",
            "bad-id",
            "unsupported-type",
            "unlinked",
            "orphan",
            "unparseable",
            "duplicate",
            "unparseable",
        ]
    )
    duplicate = next(d for d in dead.letters if d.kind == "duplicate")
    assert duplicate.reason == f"duplicate id, first seen in {path}#0"
    orphan = next(d for d in dead.letters if d.kind == "orphan")
    assert orphan.reason == (
        "no ResearchStudy/2019-A09999-99 was read for Location/2019-A09999-99-0-site"
    )
    line = next(d for d in dead.letters if d.kind == "unparseable" and d.raw != {"id": "x"})
    assert line.index == len(lines) and line.reason.startswith(f"line {len(lines) + 1} is not JSON")
    # A study's dead letter carries every resource read for it, as read.
    no_status = letters[(bad["no-status"][0]["id"], "no-status")]
    assert no_status.raw == {"resources": bad["no-status"]}
    assert no_status.index == len(good)
    assert summary.dead_letters["no-status"] == 2
    assert summary.read == 1 + 1 + len(bad) + len(strays) + 1
    assert summary.dead_lettered == len(bad) + len(strays) + 1
    assert summary.validated == 2  # the good one and the invalid one (the others stop before)
