"""A study's FHIR resources, as another server published them → a :class:`MappedStudy`.

The gates follow RES-15 as the source mapping does: no usable id, no or unknown ``status``, no
known regulation code in ``category``, a resource cut down by ``_summary``/``_elements``, or
no date at all → the study is rejected (dead letter). Everything else is kept, cleaned by
:mod:`ingest.fhir.normalise`; a referenced resource that never came is a counted warning.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import UTC, datetime
from typing import Any, Final

from eclaire_core import ig_constants as ig
from eclaire_core.resources import RESEARCH_STUDY_STATUSES, site_index, sponsor_id
from ingest.fhir.grouping import StudyParts
from ingest.fhir.normalise import normalise
from ingest.fhir.repair import hoist_contained_group, repair_linked, repair_study
from ingest.mapping.model import MappedStudy, RecordRejected, Unpublished
from ingest.sources.records import SOURCE_BY_REGULATION
from ingest.sources.text import warn

STATUSES: Final = frozenset(RESEARCH_STUDY_STATUSES)
"""ResearchStudy.status (required binding, FHIR R4 research-study-status)."""
SUBSETTED: Final = "SUBSETTED"
_DATE_KEYS: Final = ("valueInstant", "valueDateTime", "valueDate")


def as_instant(value: Any) -> str | None:
    """A FHIR date, dateTime or instant as a UTC instant in the mapping's format, or None.

    A date-time without offset is taken as UTC (an instant always has one; a dateTime without
    one is a local time FHIR leaves unspecified).
    """
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _source(study: dict[str, Any]) -> str:
    for concept in study.get("category") or []:
        for coding in (concept or {}).get("coding") or []:
            if (source := SOURCE_BY_REGULATION.get(coding.get("code") or "")) is not None:
                return source
    codes = [
        c.get("code")
        for concept in study.get("category") or []
        for c in concept.get("coding") or []
    ]
    raise RecordRejected(
        f"no known regulation code in category (codes {codes})", "unknown-regulation"
    )


def _document_date(study: dict[str, Any], warnings: list[str]) -> str:
    """The review-date extension (RES-12), else meta.lastUpdated; the extension is added if
    absent."""
    extensions: list[dict[str, Any]] = study.setdefault("extension", [])
    for ext in [e for e in extensions if e.get("url") == ig.EXT_REVIEW_DATE]:
        values = [ext[k] for k in _DATE_KEYS if k in ext]
        if values and (stamp := as_instant(values[0])):
            return stamp
        warn(warnings, "review-date", f"unreadable review date {values[:1]!r} dropped")
        extensions.remove(ext)
    stamp = as_instant((study.get("meta") or {}).get("lastUpdated"))
    if stamp is None:
        raise RecordRejected(
            "no date: neither an eclaire-review-date extension nor meta.lastUpdated", "no-date"
        )
    extensions.append({"url": ig.EXT_REVIEW_DATE, "valueInstant": stamp})
    return stamp


def _check_status(study: dict[str, Any], had_status: bool) -> str:
    status = study.get("status")
    if status is None:
        detail = " (its value was the placeholder INDISPONIBLE)" if had_status else ""
        raise RecordRejected(f"ResearchStudy.status is missing{detail}", "no-status")
    if status not in STATUSES:
        raise RecordRejected(f"unknown ResearchStudy.status {str(status)[:40]!r}", "unknown-status")
    return str(status)


def _not_subsetted(resource: dict[str, Any]) -> None:
    tags = (resource.get("meta") or {}).get("tag") or []
    if any(isinstance(t, dict) and t.get("code") == SUBSETTED for t in tags):
        label = f"{resource.get('resourceType')}/{resource.get('id')}"
        raise RecordRejected(
            f"{label} is SUBSETTED (read with _summary or _elements): not the whole resource",
            "subsetted",
        )


def to_mapped(parts: StudyParts, excluded: Set[str] = frozenset()) -> MappedStudy | Unpublished:
    """The study's resources as the loader takes them, or RecordRejected (RES-15)."""
    if parts.study is None:
        raise ValueError("a study without its ResearchStudy cannot be mapped")
    if parts.study_id in excluded:
        return Unpublished(parts.study_id, "listed in the exclusion file")
    warnings: list[str] = []
    for item in parts.items():
        _not_subsetted(item.value)
    linked = {key: normalise(item.value, warnings) for key, item in parts.linked.items()}
    for resource in linked.values():
        repair_linked(resource, warnings)
    study = normalise(parts.study.value, warnings)
    _check_status(study, had_status="status" in parts.study.value)
    sponsor = linked.get(("Organization", sponsor_id(parts.study_id)), {})
    repair_study(study, sponsor.get("name"), warnings)
    if (contained := hoist_contained_group(study, warnings)) is not None:
        repair_linked(contained, warnings)
        linked.setdefault(("Group", contained["id"]), contained)
    source = _source(study)
    document_date = _document_date(study, warnings)
    meta = {k: v for k, v in (study.get("meta") or {}).items() if k != "versionId"}
    study["meta"] = {**meta, "lastUpdated": document_date}  # the indexer sets versionId (RES-12)
    for kind, ident in parts.missing():
        warn(warnings, "missing-linked", f"{kind}/{ident} is referenced but was not read")
    groups = [r for (kind, _), r in linked.items() if kind == "Group"]
    locations = sorted(
        (r for (kind, _), r in linked.items() if kind == "Location"),
        key=lambda r: site_index(r["id"]),
    )
    return MappedStudy(
        id=parts.study_id,
        source=source,
        research_study=study,
        group=groups[0] if groups else {},
        locations=locations,
        organizations=[r for (kind, _), r in linked.items() if kind == "Organization"],
        document_date=document_date,
        warnings=warnings,
    )
