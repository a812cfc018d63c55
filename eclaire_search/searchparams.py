"""The declarative table of search parameters: one row per parameter.

Parsing (``params.py``), translation (``translate.py``), the CapabilityStatement
(``capability.py``) and the README all read this table, so adding a parameter is adding a row
here (and, if it needs a new document field, a line in ``index_templates/``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ParamType(StrEnum):
    TOKEN = "token"
    DATE = "date"
    STRING = "string"
    NUMBER = "number"
    TEXT = "special"  # _text / _content: full text, FHIR type "special"


DATE_PREFIXES = frozenset({"eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"})
STATUS_SYSTEMS = frozenset(
    {
        "http://hl7.org/fhir/research-study-status",
        "http://hl7.org/fhir/ValueSet/research-study-status",
        "http://hl7.org/fhir/R4/ValueSet/research-study-status",
    }
)
RESEARCH_STUDY_STATUSES = (
    "active",
    "administratively-completed",
    "approved",
    "closed-to-accrual",
    "closed-to-accrual-and-intervention",
    "completed",
    "disapproved",
    "in-review",
    "temporarily-closed-to-accrual",
    "temporarily-closed-to-accrual-and-intervention",
    "withdrawn",
)


@dataclass(frozen=True)
class SearchParam:
    name: str
    type: ParamType
    fields: tuple[str, ...]
    expression: str
    description: str
    modifiers: frozenset[str] = frozenset()
    # Token fields either hold bare codes of one known code system (``systems`` lists the
    # URLs that name it) or hold ``code``, ``system|code`` and ``|code`` forms (systems empty).
    systems: frozenset[str] = frozenset()
    codes: tuple[str, ...] = ()  # closed value set, checked at parse time when non-empty
    definition: str | None = None  # canonical SearchParameter, for standard parameters
    aliases: tuple[str, ...] = ()
    phrase_fields: tuple[str, ...] = field(default=())

    @property
    def prefixes(self) -> frozenset[str]:
        return DATE_PREFIXES if self.type in (ParamType.DATE, ParamType.NUMBER) else frozenset()


SEARCH_PARAMS: tuple[SearchParam, ...] = (
    SearchParam(
        "_id",
        ParamType.TOKEN,
        ("id",),
        "ResearchStudy.id",
        "Logical id of the study; a comma-separated list matches any of them.",
        modifiers=frozenset({"not"}),
        definition="http://hl7.org/fhir/SearchParameter/Resource-id",
        aliases=("id",),
    ),
    SearchParam(
        "identifier",
        ParamType.TOKEN,
        ("identifier",),
        "ResearchStudy.identifier",
        "Business identifier (`value` or `system|value`): EU CT, ID-RCB, NCT, ISRCTN, UTN…",
        modifiers=frozenset({"not"}),
        definition="http://hl7.org/fhir/SearchParameter/ResearchStudy-identifier",
    ),
    SearchParam(
        "status",
        ParamType.TOKEN,
        ("status",),
        "ResearchStudy.status",
        "Study status (`code`, `|code` or `system|code`).",
        modifiers=frozenset({"not"}),
        systems=STATUS_SYSTEMS,
        codes=RESEARCH_STUDY_STATUSES,
        definition="http://hl7.org/fhir/SearchParameter/ResearchStudy-status",
    ),
    SearchParam(
        "_lastUpdated",
        ParamType.DATE,
        ("last_updated",),
        "ResearchStudy.meta.lastUpdated",
        "When the study last changed; prefixes eq ne gt lt ge le sa eb ap; repeat for a range.",
        definition="http://hl7.org/fhir/SearchParameter/Resource-lastUpdated",
    ),
    SearchParam(
        "_text",
        ParamType.TEXT,
        ("title^3", "labels^2"),
        "ResearchStudy.title | ResearchStudy.label",
        'French-aware full text on title and labels: words, "phrases", OR, -excluded.',
        definition="http://hl7.org/fhir/SearchParameter/DomainResource-text",
    ),
    SearchParam(
        "_content",
        ParamType.TEXT,
        ("description", "conditions_text^2", "criteria_text", "title", "labels"),
        "ResearchStudy.description | ResearchStudy.condition | Group.characteristic",
        "French-aware full text on summary, description, conditions and criteria.",
        definition="http://hl7.org/fhir/SearchParameter/Resource-content",
    ),
)

BY_NAME: dict[str, SearchParam] = {
    name: param for param in SEARCH_PARAMS for name in (param.name, *param.aliases)
}

# Result parameters: they shape the answer rather than filter it.
RESULT_PARAMS: dict[str, str] = {
    "_count": "Page size (default 20, at most 1000; 0 gives the total only).",
    "_sort": "Comma list of _lastUpdated, _id, status, title (_score with text); - descends.",
    "_include": "*, ResearchStudy:site, ResearchStudy:enrollment, ResearchStudy:sponsor.",
    "_summary": "true, text, data, count or false.",
    "_elements": "Comma list of top-level elements to return (marked SUBSETTED).",
    "_total": "none, estimate or accurate.",
    "_format": "json or application/fhir+json (xml is not offered).",
    "_pretty": "true to indent the JSON.",
    "_cursor": "Opaque paging cursor from a next/previous link.",
}

SORT_FIELDS: dict[str, str] = {
    "_lastUpdated": "last_updated",
    "_id": "id",
    "status": "status",
    "title": "title.sort",
    "_score": "_score",
}

INCLUDES: tuple[str, ...] = (
    "ResearchStudy:site",
    "ResearchStudy:enrollment",
    "ResearchStudy:sponsor",
)
