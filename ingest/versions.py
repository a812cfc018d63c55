"""A study's version (RES-12), decided from what the index already holds of it.

An unchanged study (same content hash) keeps ``versionId`` and ``lastUpdated`` across reloads;
a changed one gets ``versionId + 1`` and ``lastUpdated`` = its document date if that is newer,
else the run time; a new one is version 1 as of its document date. The decision and the
document it calls for are pure, so a mapping worker makes them where it built the study, and
the loader only sends what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from ingest.documents import content_hash, to_document
from ingest.mapping import MappedStudy

Kind = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True)
class Indexed:
    """What the index already knows of a study: enough to decide whether it changed."""

    content_hash: str
    version_id: int
    last_updated: str


def now_instant() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def versioned(
    study: MappedStudy,
    previous: Indexed | None,
    run_time: str,
    *,
    full: bool,
    digest: str | None = None,
) -> tuple[Kind, dict[str, Any] | None]:
    """The study's kind and the document to send: none for an unchanged study in an
    incremental load (the index holds it as it is); in a full load, which builds a new index,
    an unchanged study's document with the version and date it already had."""
    digest = digest or content_hash(study)
    if previous is None:
        return "new", to_document(
            study, version_id=1, last_updated=study.document_date, digest=digest
        )
    if previous.content_hash == digest:
        if not full:
            return "unchanged", None
        return "unchanged", to_document(
            study,
            version_id=previous.version_id,
            last_updated=previous.last_updated,
            digest=digest,
        )
    newer = study.document_date > previous.last_updated
    last_updated = study.document_date if newer else run_time
    return "updated", to_document(
        study, version_id=previous.version_id + 1, last_updated=last_updated, digest=digest
    )
