"""Stored resource JSON: what is spliced into answers reads back as the resource it was."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from eclaire_core import stored

STUDY: dict[str, Any] = {
    "resourceType": "ResearchStudy",
    "meta": {
        "profile": ["p"],
        "tag": [{"code": "x"}],
        "versionId": "7",
        "lastUpdated": "2026-01-02T00:00:00.000Z",
    },
    "id": "2024-000123-45-00",
    "identifier": [{"value": "2024-000123-45-00", "assigner": {"reference": "Organization/ctis"}}],
    "title": 'A "quoted" title, with unicode: é 🙂',
    "status": "active",
}


def test_dumps_reads_back_the_same_resource() -> None:
    text = stored.dumps(STUDY)
    assert orjson.loads(text) == STUDY
    assert stored.loads(text) == STUDY
    assert text.startswith('{"resourceType":"ResearchStudy","id":"2024-000123-45-00","meta":')


def test_key_and_meta_without_a_parse_agree_with_the_parsed_resource() -> None:
    text = stored.dumps(STUDY)
    assert stored.key(text) == ("ResearchStudy", STUDY["id"])
    assert stored.meta(text) == {"versionId": "7", "lastUpdated": "2026-01-02T00:00:00.000Z"}
    assert stored.key(STUDY) == ("ResearchStudy", STUDY["id"])  # the old shape, a dict
    assert stored.meta(STUDY) == STUDY["meta"]


@pytest.mark.parametrize(
    "resource",
    [
        {"resourceType": "Location", "id": "s-site-1"},  # no meta
        {"resourceType": "Group", "id": "g", "meta": {"lastUpdated": "2026-01-01"}},  # no versionId
        {"id": "only-id"},  # no resourceType: stored as it is
    ],
)
def test_irregular_resources_fall_back_to_a_parse(resource: dict[str, Any]) -> None:
    text = stored.dumps(resource)
    assert stored.loads(text) == resource
    assert stored.meta(text) == (resource.get("meta") or {})
    if "resourceType" in resource:
        assert stored.key(text) == (resource["resourceType"], resource["id"])


def test_fragments_splice_the_stored_bytes_into_an_answer() -> None:
    text = stored.dumps(STUDY)
    answer = {"entry": [{"resource": stored.fragment(text)}, {"resource": stored.fragment(STUDY)}]}
    body = orjson.dumps(answer)
    assert text.encode() in body
    assert orjson.loads(body) == {"entry": [{"resource": STUDY}, {"resource": STUDY}]}
    assert stored.resolved(answer) == orjson.loads(body)
    assert stored.line(text) == text.encode() + b"\n"
    assert orjson.loads(stored.line(STUDY)) == STUDY


def test_decoded_gives_the_document_back_as_dicts() -> None:
    source = {
        "resource": stored.dumps(STUDY),
        "group": None,
        "locations": [stored.dumps({"resourceType": "Location", "id": "l1"})],
        "organizations": [{"resourceType": "Organization", "id": "o1"}],  # old shape
        "status": "active",
    }
    out = stored.decoded(source)
    assert out["resource"] == STUDY
    assert out["group"] is None
    assert out["locations"] == [{"resourceType": "Location", "id": "l1"}]
    assert out["organizations"] == [{"resourceType": "Organization", "id": "o1"}]
    assert out["status"] == "active"
    assert isinstance(source["resource"], str)  # the input is left alone
