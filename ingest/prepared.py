"""A mapped study whose first-version document a worker process already built (RES-17).

Sending a :class:`MappedStudy` back from a worker costs its ~200 objects twice (pickled there,
rebuilt here: 0.2 ms a study, as much as the mapping saved). A worker therefore also builds what
the loader sends for a study the index does not hold yet — its content hash and its document,
version 1 as of its document date (RES-12), serialised — and sends two byte strings. The loader
sends that document as is; only a study the index already holds (its version depends on what is
there) rebuilds the study from the second string and takes the usual path.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import orjson

from ingest.documents import content_hash, to_document
from ingest.mapping import MappedStudy, Unpublished

_STUDY_FIELDS = tuple(f.name for f in dataclasses.fields(MappedStudy))


@dataclass(frozen=True, slots=True)
class PreparedStudy:
    id: str
    warnings: list[str]
    digest: str
    document: bytes
    """The bulk ``_source`` of the study as a new one (version 1), JSON; empty for a study
    known unchanged (an incremental run skips it)."""
    sites_located: int
    sites_unlocated: int
    study_json: bytes

    def study(self) -> MappedStudy:
        """The mapped study itself, rebuilt (for a study the index holds already)."""
        if not self.study_json:
            raise LookupError(f"{self.id} was prepared as a new study, without its resources")
        return MappedStudy(**orjson.loads(self.study_json))


def prepare(
    study: MappedStudy, *, unchanged: bool = False, keep_study: bool = True
) -> PreparedStudy:
    """In a worker: hash, document and serialised study, ready for the loader. A study known
    ``unchanged`` (same hash as in the index) gets no document: nothing will send it; one the
    index does not hold (not ``keep_study``) is not serialised: only its document is sent."""
    digest = content_hash(study)
    located = unlocated = 0
    text = b""
    if not unchanged:
        document = to_document(study, version_id=1, last_updated=study.document_date, digest=digest)
        located = len(document["site_geo"])
        unlocated = len(document["locations"]) - located
        text = orjson.dumps(document)
    return PreparedStudy(
        id=study.id,
        warnings=study.warnings,
        digest=digest,
        document=text,
        sites_located=located,
        sites_unlocated=unlocated,
        study_json=(
            orjson.dumps({name: getattr(study, name) for name in _STUDY_FIELDS})
            if keep_study
            else b""
        ),
    )


Outcome = MappedStudy | PreparedStudy | Unpublished
"""What the loader takes: a study, a prepared one, or an id to unpublish."""
