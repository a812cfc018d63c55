"""What mapping returns: a mapped study, an unpublished id, or a rejection."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class RecordRejected(Exception):
    """The record cannot become a valid study (RES-15): it goes to the dead letters.

    ``kind`` is a short stable label the run summary counts by (``no-id``, ``unknown-etat``…).
    """

    def __init__(self, reason: str, kind: str = "rejected", study_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.study_id = study_id  # the record's primary number as read, when it has one


@dataclass(frozen=True)
class MappedStudy:
    """All resources of one study, plain dicts ready for JSON.

    ``document_date`` is the source's document date as a FHIR instant (midnight UTC), equal to
    ``meta.lastUpdated`` and the ``eclaire-review-date`` extension as mapped; the indexer may
    later raise ``meta.lastUpdated`` (RES-12). The source record is not kept here: the reader
    holds it for the dead letters, and the narrative already shows it (RES-11). ``warnings``
    are ``kind: message`` strings about optional fields that were dropped.
    """

    id: str
    source: str
    research_study: dict[str, Any]
    group: dict[str, Any]
    locations: list[dict[str, Any]]
    organizations: list[dict[str, Any]]
    document_date: str
    warnings: list[str] = field(default_factory=list)

    def resources(self) -> list[dict[str, Any]]:
        """Every resource of the study, ResearchStudy first."""
        return [self.research_study, self.group, *self.locations, *self.organizations]


@dataclass(frozen=True)
class Unpublished:
    """A study that must not be published, and must be removed if indexed (RES-1, RES-13)."""

    id: str
    reason: str
