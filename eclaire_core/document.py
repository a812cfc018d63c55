"""The study document's stored parts, and the ``_include`` rules that read them.

One OpenSearch document per study. Besides its flat search fields (declared in
``eclaire_core/index_templates/studies.json``), it stores the resources as served, not indexed: the
ResearchStudy under ``resource``, its Group, Locations and sponsor Organization beside it. The
ingest writes these parts; the API's searchsets, exports and reads take them back out, all by
the rules below.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final

from eclaire_core.stored import Stored, loads

RESOURCE: Final = "resource"
GROUP: Final = "group"
LOCATIONS: Final = "locations"
ORGANIZATIONS: Final = "organizations"
WILDCARD: Final = "*"


@dataclass(frozen=True)
class Include:
    """One ``_include`` value: the reference it follows and the stored part holding targets."""

    name: str
    part: str
    target: str


INCLUDES: Final = (
    Include("ResearchStudy:enrollment", GROUP, "Group"),
    Include("ResearchStudy:site", LOCATIONS, "Location"),
    Include("ResearchStudy:sponsor", ORGANIZATIONS, "Organization"),
)
INCLUDE_BY_NAME: Final = {include.name: include for include in INCLUDES}
PART_OF_TYPE: Final = {include.target: include.part for include in INCLUDES}
"""Where a study keeps its Group, Locations and sponsor Organization."""


def stored_parts(includes: Collection[str]) -> list[str]:
    """The parts a request needs besides the ResearchStudy, in a stable order."""
    return [i.part for i in INCLUDES if i.name in includes or WILDCARD in includes]


def _as_list(value: Any) -> list[Stored]:
    if not value:  # an absent or empty part (a study ingested without its Group)
        return []
    return list(value) if isinstance(value, list) else [value]


def linked_resources(
    source: Mapping[str, Any],
    includes: Collection[str],
    assigners: Mapping[str, dict[str, Any]],
) -> list[Stored]:
    """What ``_include`` adds for one study, as stored (JSON strings: see ``stored``): its
    Group, sites and sponsor as asked; ``*`` follows every reference, so it also brings the
    Organizations that assigned its ids."""
    found = [r for part in stored_parts(includes) for r in _as_list(source.get(part)) if r]
    if WILDCARD in includes:
        for identifier in loads(source[RESOURCE]).get("identifier", []):
            ref = (identifier.get("assigner") or {}).get("reference", "")
            key = ref.removeprefix("Organization/")
            if key in assigners:
                found.append(assigners[key])
    return found
