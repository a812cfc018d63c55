"""Entry point of the mapping: one raw record → a study's resources, or why not.

Pure: no I/O, no clock, no global state; the same record always gives the same result. The
order of the gates matters: source and id first (nothing can be said without them), then the
publication gates (an unpublished study needs only its id), then the mandatory status.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from typing import Any

from eclaire_core.meddra import MeddraTable
from eclaire_core.resources import MAX_STUDY_ID
from ingest.mapping.codes import is_repatriated, study_status
from ingest.mapping.dates import document_date, instant
from ingest.mapping.extras import extra_rows
from ingest.mapping.group import build_group
from ingest.mapping.location import build_locations
from ingest.mapping.model import MappedStudy, RecordRejected, Unpublished
from ingest.mapping.narrative import source_narrative
from ingest.mapping.organization import build_sponsor
from ingest.mapping.phase import phase_concept, source_phase_code
from ingest.mapping.research_study import build_research_study
from ingest.sources import extract
from ingest.sources.fields import StudyFields
from ingest.sources.records import ID_FIELD, Source, detect_source, primary_id
from ingest.sources.text import clean, warn

_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_EXPECTED_ID = {
    "ctis": re.compile(r"\d{4}-5\d{5}-\d{2}-\d{2}"),
    "dm": re.compile(r"\d{4}-A\d{5}-\d{2}"),
    "jarde": re.compile(r"\d{4}-A\d{5}-\d{2}"),
}
_PUBLISHED = "autorisé"


def _source(record: Mapping[str, Any]) -> Source:
    """The export a record belongs to, from its regulation code (never from the file name)."""
    detected = detect_source(record)
    if detected is None:
        raw = record.get("reglementation_code")
        raise RecordRejected(f"unknown reglementation_code {raw!r}", "unknown-regulation")
    return detected


def _study_id(f: StudyFields, warnings: list[str]) -> str:
    if f.id is None:
        raise RecordRejected(f"no primary number ({ID_FIELD[f.source]} missing or empty)", "no-id")
    if not _FHIR_ID.fullmatch(f.id) or len(f.id) > MAX_STUDY_ID:
        raise RecordRejected(f"primary number {f.id[:80]!r} is not a usable FHIR id", "bad-id")
    if not _EXPECTED_ID[f.source].fullmatch(f.id):
        warn(warnings, "id-format", f"unexpected {ID_FIELD[f.source]} format {f.id!r}")
    return f.id


def _is_published(value: Any) -> bool:
    text = clean(value)
    return text is not None and text.casefold() == _PUBLISHED


def to_fhir(
    record: Mapping[str, Any],
    *,
    meddra: MeddraTable,
    excluded: Set[str] = frozenset(),
) -> MappedStudy | Unpublished:
    """Map one source record (of any of the three exports: its regulation code says which).

    Returns :class:`Unpublished` for studies that must not be published (``publication_eclaire``
    other than ``autorisé``, JARDE ``RAPATRIEE_CTIS``, ids in ``excluded`` — RES-1, RES-13) and
    raises :class:`RecordRejected` when the record cannot become a valid study (RES-15).
    """
    if not isinstance(record, Mapping):
        raise RecordRejected(
            f"record is not a JSON object ({type(record).__name__})", "unparseable"
        )
    src = _source(record)
    try:
        return _map(record, src, meddra, excluded)
    except RecordRejected as exc:  # name the record in its dead letter when it has a number
        exc.study_id = exc.study_id or primary_id(record, src)
        raise


def _map(
    record: Mapping[str, Any], src: Source, meddra: MeddraTable, excluded: Set[str]
) -> MappedStudy | Unpublished:
    warnings: list[str] = []
    f = extract(record, src, warnings)
    study_id = _study_id(f, warnings)
    if study_id in excluded:
        return Unpublished(study_id, "listed in the exclusion file")
    if not _is_published(f.publication):
        return Unpublished(study_id, f"publication_eclaire is {f.publication!r}, not 'autorisé'")
    if is_repatriated(f.etat):
        return Unpublished(study_id, "etat RAPATRIEE_CTIS: the study moved to CTIS")
    status = study_status(f.etat)
    if status is None:
        raise RecordRejected(f"unknown etat {f.etat!r}", "unknown-etat")

    day, is_fallback = document_date(f, warnings)
    stamp = instant(day)
    # The narrative shows the source as received (translation, later, never touches it).
    narrative = source_narrative(
        f, study_id, day.isoformat() if is_fallback else None, extra_rows(record, src)
    )
    locations = build_locations(f.sites, study_id, stamp, warnings)
    sponsor = build_sponsor(f.sponsor, study_id, stamp)
    source_code = source_phase_code(f, warnings)
    research_study = build_research_study(
        f,
        study_id=study_id,
        status=status,
        document_date=stamp,
        narrative=narrative,
        phase=phase_concept(source_code) if source_code else None,
        meddra=meddra,
        location_ids=[loc["id"] for loc in locations],
        warnings=warnings,
    )
    return MappedStudy(
        id=study_id,
        source=src,
        research_study=research_study,
        group=build_group(f, study_id, stamp, warnings),
        locations=locations,
        organizations=[sponsor] if sponsor else [],
        document_date=stamp,
        warnings=warnings,
    )
