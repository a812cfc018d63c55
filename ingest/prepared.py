"""A mapped study whose document a worker process already built, version included (RES-17).

Sending a :class:`MappedStudy` back from a worker costs its ~200 objects twice (pickled there,
rebuilt here: 0.2 ms a study, as much as the mapping saved). A worker therefore builds what
the loader sends: the study's content hash, its version decided against what the index holds
(``ingest/versions.py``, RES-12) and its document, serialised. The loader sends the bytes as
they are. A full reload onto an index that holds every study thus costs no more
than a first load: before, each held study crossed as its resources too, and the loading
process hashed it and built its document a second time.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from ingest.documents import content_hash
from ingest.mapping import MappedStudy, Unpublished
from ingest.versions import Indexed, Kind, versioned


@dataclass(frozen=True, slots=True)
class PreparedStudy:
    id: str
    warnings: list[str]
    digest: str
    kind: Kind
    document: bytes
    """The bulk ``_source`` of the study, JSON; empty when there is nothing to send (an
    unchanged study in an incremental load)."""
    sites_located: int
    sites_unlocated: int


def prepare(
    study: MappedStudy, previous: Indexed | None, run_time: str, *, full: bool
) -> PreparedStudy:
    """In a worker: hash, version and serialised document, ready for the loader (``previous``:
    what the index holds of the study; ``full``: whether the load builds a new index)."""
    digest = content_hash(study)
    kind, document = versioned(study, previous, run_time, full=full, digest=digest)
    located = unlocated = 0
    text = b""
    if document is not None:
        located = len(document["site_geo"])
        unlocated = len(document["locations"]) - located
        text = orjson.dumps(document)
    return PreparedStudy(
        id=study.id,
        warnings=study.warnings,
        digest=digest,
        kind=kind,
        document=text,
        sites_located=located,
        sites_unlocated=unlocated,
    )


Outcome = MappedStudy | PreparedStudy | Unpublished
"""What the loader takes: a study, a prepared one, or an id to unpublish."""
