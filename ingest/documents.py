"""A mapped study → its OpenSearch document: the resources for retrieval + flat search fields.

One document per study. The full ResearchStudy, its Group, Locations and sponsor
Organization are stored (not indexed) as JSON strings, so a read or an ``_include`` costs
one fetch and no re-encoding (``eclaire_core/stored.py``). The raw
source fields are stored once, as the ResearchStudy's narrative (RES-11), not again
beside it. The flat fields are what the search parameters query;
``eclaire_core/index_templates/studies.json`` declares them (``dynamic: strict``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import orjson

from eclaire_core import ig_constants as ig
from eclaire_core import stored
from eclaire_core.gazetteer import gazetteer
from ingest.mapping import MappedStudy
from ingest.translation_slots import english_texts

MEDDRA_SYSTEMS = ("https://www.meddra.org", "http://terminology.hl7.org/CodeSystem/mdr")
GRP_OTHER, GRP_AGE, GRP_GENDER = "grp-other", "grp-age", "grp-gender"


# hashlib lets go of the GIL for inputs of 2 KiB or more; with the bulk-sender thread waiting
# for it, each study's hash then cost a thread switch (~0.5 ms, most of the hash's time in the
# profile). Fed below that size the digest is the same and the GIL stays here.
_HASH_CHUNK = 2000


def content_hash(study: MappedStudy) -> str:
    """Hash of what a client can see, minus the bookkeeping the indexer itself sets (RES-12)."""
    resource = {k: v for k, v in study.research_study.items() if k != "meta"}
    payload = orjson.dumps(
        [resource, study.group, study.locations, study.organizations],
        option=orjson.OPT_SORT_KEYS,
    )
    digest = hashlib.sha256()
    view = memoryview(payload)
    for start in range(0, len(payload), _HASH_CHUNK):
        digest.update(view[start : start + _HASH_CHUNK])
    return digest.hexdigest()


def _extension(resource: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [e for e in resource.get("extension", []) if e.get("url") == url]


def _codes(concepts: Iterable[dict[str, Any]]) -> list[str]:
    return [c["code"] for concept in concepts for c in concept.get("coding", []) if c.get("code")]


def token_forms(system: str | None, code: str) -> list[str]:
    """Every indexed form a token search can name: ``code``, ``system|code`` or ``|code``."""
    return [code, f"{system}|{code}"] if system else [code, f"|{code}"]


def _identifiers(study: dict[str, Any]) -> list[str]:
    forms: list[str] = []
    for identifier in study.get("identifier", []):
        if identifier.get("value"):
            forms += token_forms(identifier.get("system"), identifier["value"])
    return sorted(set(forms))


def _conditions(study: dict[str, Any]) -> tuple[list[str], list[str]]:
    codes: list[str] = []
    texts: list[str] = []
    for condition in study.get("condition", []):
        if condition.get("text"):
            texts.append(condition["text"])
        for coding in condition.get("coding", []):
            if coding.get("display"):
                texts.append(coding["display"])
            if not coding.get("code"):
                continue
            systems = (
                MEDDRA_SYSTEMS
                if coding.get("system") in MEDDRA_SYSTEMS
                else (coding.get("system"),)
            )
            for system in systems:
                codes += token_forms(system, coding["code"])
    return sorted(set(codes)), texts


Characteristics = dict[str, list[dict[str, Any]]]


def _characteristics(group: dict[str, Any]) -> Characteristics:
    """The Group's characteristics by kind code, read in one pass (a characteristic whose
    code carries several kinds is listed under each)."""
    kinds: Characteristics = {}
    for ch in group.get("characteristic", []):
        for code in {c.get("code") for c in ch.get("code", {}).get("coding", [])}:
            if isinstance(code, str):
                kinds.setdefault(code, []).append(ch)
    return kinds


def _age_ranges(kinds: Characteristics) -> list[dict[str, float]]:
    ranges = []
    for ch in kinds.get(GRP_AGE, []):
        value = ch.get("valueRange") or {}
        bounds: dict[str, float] = {}
        if "value" in (value.get("low") or {}):
            bounds["gte"] = value["low"]["value"]
        if "value" in (value.get("high") or {}):
            bounds["lte"] = value["high"]["value"]
        if bounds:
            ranges.append(bounds)
    return ranges


def _criteria_text(kinds: Characteristics) -> list[str]:
    return [
        ch["valueCodeableConcept"]["text"]
        for ch in kinds.get(GRP_OTHER, [])
        if (ch.get("valueCodeableConcept") or {}).get("text")
    ]


def _recruitment(study: dict[str, Any]) -> tuple[str | None, dict[str, str] | None]:
    status = None
    for ext in _extension(study, ig.EXT_RECRUITMENT_STATUS):
        codes = _codes([ext.get("valueCodeableConcept", {})])
        status = codes[0] if codes else None
    period = None
    for ext in _extension(study, ig.EXT_RECRUITMENT_PERIOD):
        value = ext.get("valuePeriod") or {}
        bounds = {k: v for k, v in (("gte", value.get("start")), ("lte", value.get("end"))) if v}
        period = bounds or None
    return status, period


def _sponsor_names(study: MappedStudy) -> list[str]:
    names = [o["name"] for o in study.organizations if o.get("name")]
    for ext in _extension(study.research_study, ig.EXT_ASSOCIATED_PARTY_R5):
        names += [e["valueString"] for e in ext.get("extension", []) if e.get("url") == "name"]
    return sorted(set(names))


def _text_parts(study: dict[str, Any]) -> tuple[list[str], list[str]]:
    labels = [
        part["valueString"]
        for ext in _extension(study, ig.EXT_LABEL_R5)
        for part in ext.get("extension", [])
        if part.get("url") == "value" and part.get("valueString")
    ]
    description = [study["description"]] if study.get("description") else []
    for ext in _extension(study, ig.EXT_DESCRIPTION_SUMMARY_R5):
        description.append(ext.get("valueMarkdown", ""))
    if (study.get("primaryPurposeType") or {}).get("text"):
        description.append(study["primaryPurposeType"]["text"])
    return labels, [d for d in description if d]


def _keywords(study: dict[str, Any]) -> list[str]:
    """``ResearchStudy.keyword`` texts and displays (mirrored production data may carry them)."""
    out = []
    for concept in study.get("keyword", []):
        out += [concept.get("text", "")] + [c.get("display", "") for c in concept.get("coding", [])]
    return [k for k in out if k]


# Recruitment status → enrolment rank: can a person still join? 0 recruiting, 1 upcoming,
# 2 active with no recruitment status (maybe), 3 no (closed, completed, withdrawn, suspended).
# The text ranking boosts by it and ``_sort=recruitment-status`` sorts on it (README).
OPEN_STATUSES = frozenset({"active", "approved", "in-review"})


def enrolment_rank(status: str | None, recruitment: str | None) -> int:
    if status not in OPEN_STATUSES or recruitment == "completed-recruiting":
        return 3
    if recruitment == "recruiting":
        return 0
    if recruitment == "upcoming" or status != "active":
        return 1
    return 2


def site_points(addresses: list[dict[str, Any]]) -> list[dict[str, float]]:
    """One geo_point per site the gazetteer locates (by postal code and city), in site order;
    the loader counts the sites left without one."""
    places = gazetteer()
    points = []
    for address in addresses:
        place = places.locate(address.get("postalCode"), address.get("city"))
        if place is not None:
            points.append({"lat": place.lat, "lon": place.lon})
    return points


def to_document(
    study: MappedStudy, *, version_id: int, last_updated: str, digest: str | None = None
) -> dict[str, Any]:
    """The indexed document; ``meta.versionId``/``lastUpdated`` are the indexer's (RES-12)."""
    resource = dict(study.research_study)
    resource["meta"] = {
        **resource.get("meta", {}),
        "versionId": str(version_id),
        "lastUpdated": last_updated,
    }
    condition_codes, condition_texts = _conditions(resource)
    recruitment_status, recruitment_period = _recruitment(resource)
    labels, description = _text_parts(resource)
    kinds = _characteristics(study.group)
    gender = _codes(ch.get("valueCodeableConcept", {}) for ch in kinds.get(GRP_GENDER, []))
    addresses = [loc.get("address") or {} for loc in study.locations]
    title_en, content_en = english_texts(resource, study.group, study.source)
    document: dict[str, Any] = {
        "id": study.id,
        "source": study.source,
        "content_hash": digest or content_hash(study),
        "version_id": version_id,
        "last_updated": last_updated,
        "document_date": study.document_date,
        "status": resource.get("status"),
        "category": sorted(set(_codes(resource.get("category", [])))),
        "phase": sorted(set(_codes([resource["phase"]]))) if resource.get("phase") else [],
        "recruitment_status": recruitment_status,
        "enrolment_rank": enrolment_rank(resource.get("status"), recruitment_status),
        "recruitment_period": recruitment_period,
        "identifier": _identifiers(resource),
        "country": sorted(set(_codes(resource.get("location", [])))),
        "condition_code": condition_codes,
        "gender": sorted(set(gender)),
        "age_range": _age_ranges(kinds),
        "site_city": sorted({a["city"] for a in addresses if a.get("city")}),
        "site_postal_code": sorted({a["postalCode"] for a in addresses if a.get("postalCode")}),
        "site_geo": site_points(addresses),
        "sponsor_name": _sponsor_names(study),
        "therapeutic_area": sorted(
            {
                e["valueString"]
                for e in _extension(resource, ig.EXT_THERAPEUTIC_AREA)
                if e.get("valueString")
            }
        ),
        "title": resource.get("title"),
        "labels": labels,
        "description": description,
        "conditions_text": condition_texts,
        "keywords": _keywords(resource),
        "criteria_text": _criteria_text(kinds),
        "title_en": title_en,
        "content_en": content_en,
        # Pre-serialised once here, sent as stored bytes by the API (eclaire_core/stored.py).
        "resource": stored.dumps(resource),
        "group": stored.dumps(study.group) if study.group else None,
        "locations": [stored.dumps(r) for r in study.locations],
        "organizations": [stored.dumps(r) for r in study.organizations],
    }
    return document
