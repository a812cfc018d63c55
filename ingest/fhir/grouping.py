"""Gather each study's resources from a stream of mixed resources, in bounded memory.

Which study a resource belongs to is read from its id, by the patterns the technical document
fixes and the API's reads rely on: ``{id}-enrollment-group``, ``{id}-{i}-site``,
``{id}-primary-sponsor``. The three assigner Organizations (``ansm``, ``ctis``, ``eudract``)
are constants of this project and are skipped.

Assumption about order (documented in the CLI help): a study's linked resources come after it,
before it, or mixed with other studies' resources, but within a window of ``window`` studies —
true of a search page (matches, then their includes: ``_count`` ≤ 1000), of ``eclaire harvest``
output (each study followed by its own resources) and of a per-type export cut into pages. A
study is handed on as soon as it and every resource it references (``enrollment``, ``site``,
the associatedParty ``party``) have arrived; when more than ``window`` studies are waiting, the
oldest is handed on as it is. At the end of each file everything waiting is handed on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from eclaire_core import ig_constants as ig
from eclaire_core.resources import ASSIGNER_ORGANIZATIONS, owner
from ingest.fhir.normalise import canonical_extension_url, is_placeholder
from ingest.fhir.reader import Resource

DEFAULT_WINDOW: Final = 2000
"""Studies kept waiting for their resources: twice the largest search page (API-2: 1000)."""
FHIR_ID: Final = re.compile(r"[A-Za-z0-9\-.]{1,64}")
STUDY_TYPES: Final = ("ResearchStudy", "Group", "Location", "Organization")

Key = tuple[str, str]
"""(resourceType, id)"""


def _reference(value: Any) -> Key | None:
    ref = value.get("reference") if isinstance(value, dict) else None
    if not isinstance(ref, str) or ref.count("/") != 1:
        return None
    kind, ident = ref.split("/")
    return kind, ident


def references(study: dict[str, Any]) -> set[Key]:
    """What the study points to that is stored with it: its Group, sites and sponsor."""
    found = [*(study.get("enrollment") or []), *(study.get("site") or [])]
    for ext in study.get("extension") or []:
        url = ext.get("url") if isinstance(ext, dict) else None
        if isinstance(url, str) and canonical_extension_url(url) == ig.EXT_ASSOCIATED_PARTY_R5:
            found += [
                part.get("valueReference")
                for part in ext.get("extension") or []
                if isinstance(part, dict) and part.get("url") == "party"
            ]
    keys = {key for value in found if (key := _reference(value))}
    return {k for k in keys if owner(*k) == study.get("id") and k[0] != "ResearchStudy"}


@dataclass
class StudyParts:
    """A study (None if it never came) and the linked resources that came for it."""

    study_id: str
    study: Resource | None = None
    linked: dict[Key, Resource] = field(default_factory=dict)
    expected: set[Key] = field(default_factory=set)

    def missing(self) -> list[Key]:
        return sorted(self.expected - set(self.linked))

    def complete(self) -> bool:
        return self.study is not None and not self.missing()

    def items(self) -> list[Resource]:
        return [*([self.study] if self.study else []), *self.linked.values()]


@dataclass(frozen=True)
class Stray:
    """A resource that cannot join a study: it becomes a dead letter on its own."""

    item: Resource
    study_id: str | None
    kind: str
    reason: str


def _identify(item: Resource) -> tuple[str, str] | Stray:
    """(resourceType, id) of a well-formed resource of a served type, else why not."""
    value = item.value
    if not isinstance(value, dict) or not isinstance(value.get("resourceType"), str):
        return Stray(item, None, "unparseable", "not a FHIR resource (no resourceType)")
    kind = value["resourceType"]
    if kind not in STUDY_TYPES:
        return Stray(item, None, "unsupported-type", f"{kind} is not loaded by this service")
    ident = value.get("id")
    if not isinstance(ident, str) or not ident.strip() or is_placeholder(ident):
        return Stray(item, None, "no-id", f"{kind} without an id")
    if not FHIR_ID.fullmatch(ident):
        return Stray(item, None, "bad-id", f"{kind} id {ident[:80]!r} is not a FHIR id")
    return kind, ident


class Grouper:
    """One file's resources → StudyParts (and Strays); ``finished`` is shared across files."""

    def __init__(self, finished: dict[str, str], window: int = DEFAULT_WINDOW) -> None:
        self.finished = finished  # study id -> where its ResearchStudy was read
        self.window = max(window, 1)
        self.pending: dict[str, StudyParts] = {}
        self.assigners_skipped = 0

    def add(self, item: Resource) -> Iterator[StudyParts | Stray]:
        identified = _identify(item)
        if isinstance(identified, Stray):
            yield identified
            return
        kind, ident = identified
        if kind == "Organization" and ident in ASSIGNER_ORGANIZATIONS:
            self.assigners_skipped += 1
            return
        study_id = owner(kind, ident)
        if study_id is None:
            yield Stray(item, None, "unlinked", f"{kind}/{ident} matches no study id pattern")
            return
        if study_id in self.finished:
            yield self._late(item, kind, ident, study_id)
            return
        parts = self.pending.setdefault(study_id, StudyParts(study_id))
        if kind == "ResearchStudy":
            if parts.study is not None:
                first = f"{parts.study.file}#{parts.study.index}"
                yield Stray(item, study_id, "duplicate", f"duplicate id, first seen in {first}")
                return
            parts.study = item
            parts.expected = references(item.value)
        elif (kind, ident) in parts.linked:
            first_item = parts.linked[(kind, ident)]
            where = f"{first_item.file}#{first_item.index}"
            yield Stray(item, study_id, "duplicate", f"duplicate {kind}/{ident}, first in {where}")
            return
        else:
            parts.linked[(kind, ident)] = item
        if parts.complete():
            yield self._emit(study_id)
        while len(self.pending) > self.window:
            yield self._emit(next(iter(self.pending)))

    def _late(self, item: Resource, kind: str, ident: str, study_id: str) -> Stray:
        first = self.finished[study_id]
        if kind == "ResearchStudy":
            return Stray(item, study_id, "duplicate", f"duplicate id, first seen in {first}")
        return Stray(
            item,
            study_id,
            "orphan",
            f"{kind}/{ident} came after its study (read at {first}) was handed on: "
            f"further than the window of {self.window} studies, or in another file",
        )

    def _emit(self, study_id: str) -> StudyParts:
        parts = self.pending.pop(study_id)
        if parts.study is not None:
            self.finished[study_id] = f"{parts.study.file}#{parts.study.index}"
        return parts

    def flush(self) -> Iterator[StudyParts]:
        """Everything still waiting, oldest first (end of file)."""
        while self.pending:
            yield self._emit(next(iter(self.pending)))
