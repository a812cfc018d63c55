"""The declarative table of search parameters: one row per parameter.

Parsing (``search_request.py``), translation (``query.py``), the CapabilityStatement
(``capability.py``) and the README all read this table, so adding a parameter is adding a row
here (and, if it needs a new document field, a line in ``eclaire_core/index_templates/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from eclaire_core import document
from eclaire_core import ig_constants as ig
from eclaire_core.resources import RESEARCH_STUDY_STATUSES, STATUS_SYSTEMS


class ParamType(StrEnum):
    TOKEN = "token"
    DATE = "date"
    STRING = "string"
    NUMBER = "number"
    TEXT = "text"  # _text / _content: full text (FHIR R4 declares them ``string``)
    NEAR = "near"  # near: a position and a radius, FHIR type "special" (as Location-near)


DATE_PREFIXES = frozenset({"eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"})


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
    text_fields: tuple[str, ...] = ()  # what a token's :text modifier searches
    period: bool = False  # a date field holding a Period (date_range), not an instant
    facet: str | None = None  # keyword field /api/facets counts for this parameter
    prefixes: frozenset[str] = frozenset()
    bounds: tuple[float, float] = (-(2.0**31), 2.0**31 - 1)  # numbers: what the field can hold
    either_scheme: bool = False  # a system|code system matches in http:// and https:// forms

    def __post_init__(self) -> None:
        if self.type is ParamType.DATE and not self.prefixes:
            object.__setattr__(self, "prefixes", DATE_PREFIXES)

    @property
    def fhir_type(self) -> str:
        """The type FHIR declares: R4 defines ``_text`` and ``_content`` as ``string``;
        ``near`` is ``special``, as Location-near is."""
        if self.type is ParamType.TEXT:
            return "string"
        return "special" if self.type is ParamType.NEAR else self.type.value


# What _text scores on, title highest (``*_en``: the English originals of translated texts).
TEXT_FIELDS = (
    "title^4",
    "title_en^3",
    "conditions_text^3",
    "labels^2",
    "keywords^2",
    "therapeutic_area.text",
)
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
        either_scheme=True,
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
        facet="status",
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
        TEXT_FIELDS,
        "ResearchStudy.title | ResearchStudy.label | ResearchStudy.condition | "
        f"ResearchStudy.keyword | ResearchStudy.extension('{ig.EXT_THERAPEUTIC_AREA}')",
        "French full text on title (weighted highest), labels, conditions (MedDRA labels), "
        'keywords, therapeutic area: words, "phrases", OR, -excluded; synonyms, typos.',
        definition="http://hl7.org/fhir/SearchParameter/DomainResource-text",
    ),
    SearchParam(
        "_content",
        ParamType.TEXT,
        (*TEXT_FIELDS, "description", "criteria_text", "content_en"),
        "ResearchStudy.title | ResearchStudy.label | ResearchStudy.condition | "
        "ResearchStudy.keyword | ResearchStudy.description | Group.characteristic",
        "As _text, plus summary, description, objectives and eligibility/outcome criteria.",
        definition="http://hl7.org/fhir/SearchParameter/Resource-content",
    ),
)

TOKEN_MODIFIERS = frozenset({"not"})
STRING_MODIFIERS = frozenset({"exact", "contains"})
HL7_PHASE = "http://terminology.hl7.org/CodeSystem/research-study-phase"
GENDER_SYSTEM = "http://hl7.org/fhir/administrative-gender"
ISO_3166 = "urn:iso:std:iso:3166"
TRIAL_FINDER_PARAMS: tuple[SearchParam, ...] = (
    SearchParam(
        "title",
        ParamType.STRING,
        ("title.sort",),
        "ResearchStudy.title",
        "Title starts with (case and accents ignored); :contains; :exact (case and accents count).",
        modifiers=STRING_MODIFIERS,
        definition="http://hl7.org/fhir/SearchParameter/ResearchStudy-title",
    ),
    SearchParam(
        "category",
        ParamType.TOKEN,
        ("category",),
        "ResearchStudy.category",
        "Regulation (REG536, REG745, REG746, JARDE) or its precision (study-ctis, cat2-jarde…).",
        modifiers=TOKEN_MODIFIERS,
        systems=frozenset({ig.CS_REGULATION_CODE, ig.CS_REGLEMENTATION_PRECISION}),
        definition="http://hl7.org/fhir/SearchParameter/ResearchStudy-category",
        facet="category",
    ),
    SearchParam(
        "phase",
        ParamType.TOKEN,
        ("phase",),
        "ResearchStudy.phase",
        "HL7 phase code (phase-3…) or ECLAIRE source phase code (phase-III…).",
        modifiers=TOKEN_MODIFIERS,
        systems=frozenset({HL7_PHASE, ig.CS_STUDY_PHASE_SOURCE}),
        facet="phase",
    ),
    SearchParam(
        "recruitment-status",
        ParamType.TOKEN,
        ("recruitment_status",),
        f"ResearchStudy.extension('{ig.EXT_RECRUITMENT_STATUS}').value",
        "Recruitment: upcoming, recruiting, completed-recruiting.",
        modifiers=TOKEN_MODIFIERS,
        systems=frozenset({ig.CS_STATUS_RECRUITMENT}),
        codes=("upcoming", "recruiting", "completed-recruiting"),
        facet="recruitment_status",
    ),
    SearchParam(
        "condition",
        ParamType.TOKEN,
        ("condition_code",),
        "ResearchStudy.condition",
        "MedDRA code (`system|code`, either MedDRA system); :text searches condition text.",
        modifiers=frozenset({"not", "text"}),
        text_fields=("conditions_text",),
        definition="http://hl7.org/fhir/SearchParameter/ResearchStudy-condition",
        facet="condition_code",
    ),
    SearchParam(
        "location",
        ParamType.TOKEN,
        ("country",),
        "ResearchStudy.location",
        "Country, ISO 3166 alpha-2 (every study is FR).",
        modifiers=TOKEN_MODIFIERS,
        systems=frozenset({ISO_3166}),
        definition="http://hl7.org/fhir/SearchParameter/ResearchStudy-location",
        facet="country",
    ),
    SearchParam(
        "site-city",
        ParamType.STRING,
        ("site_city",),
        "ResearchStudy.site.resolve().ofType(Location).address.city",
        "Site city starts with; case, accents, hyphens ignored (Saint-Étienne = saint etienne).",
        modifiers=STRING_MODIFIERS,
        facet="site_city.raw",
    ),
    SearchParam(
        "site-postal-code",
        ParamType.STRING,
        ("site_postal_code",),
        "ResearchStudy.site.resolve().ofType(Location).address.postalCode",
        "Site postal code starts with: 75 Paris, 971 Guadeloupe, 20 Corsica.",
        modifiers=frozenset({"exact"}),
    ),
    SearchParam(
        "near",
        ParamType.NEAR,
        ("site_geo",),
        "ResearchStudy.site.resolve().ofType(Location).address",
        "A site within a distance: `latitude|longitude|distance|units` (km default, 50 km).",
    ),
    SearchParam(
        "age",
        ParamType.NUMBER,
        ("age_range",),
        "ResearchStudy.enrollment.resolve().ofType(Group).characteristic"
        ".where(code.coding.exists(code = 'grp-age')).value.ofType(Range)",
        "An age in years the study admits (eq only); a study without age bands does not match.",
        prefixes=frozenset({"eq"}),
        bounds=(0, 150),
    ),
    SearchParam(
        "gender",
        ParamType.TOKEN,
        ("gender",),
        "ResearchStudy.enrollment.resolve().ofType(Group).characteristic"
        ".where(code.coding.exists(code = 'grp-gender')).value.ofType(CodeableConcept)",
        "Sex the study admits: male, female.",
        modifiers=TOKEN_MODIFIERS,
        systems=frozenset({GENDER_SYSTEM}),
        codes=("male", "female", "other", "unknown"),
        facet="gender",
    ),
    SearchParam(
        "sponsor-name",
        ParamType.STRING,
        ("sponsor_name",),
        f"ResearchStudy.extension('{ig.EXT_ASSOCIATED_PARTY_R5}').extension('name')"
        ".value.ofType(string)",
        "Sponsor name starts with (case and accents ignored); :contains, :exact.",
        modifiers=STRING_MODIFIERS,
        facet="sponsor_name.raw",
    ),
    SearchParam(
        "therapeutic-area",
        ParamType.STRING,
        ("therapeutic_area",),
        f"ResearchStudy.extension('{ig.EXT_THERAPEUTIC_AREA}').value",
        "Therapeutic area starts with (case and accents ignored): Cardiologie, Diseases [C]…",
        modifiers=STRING_MODIFIERS,
        facet="therapeutic_area.raw",
    ),
    SearchParam(
        "recruitment-date",
        ParamType.DATE,
        ("recruitment_period",),
        f"ResearchStudy.extension('{ig.EXT_RECRUITMENT_PERIOD}').value",
        "Recruitment period, with FHIR's Period semantics (eq: within; gt/ge/lt/le: overlaps…).",
        period=True,
    ),
)

SEARCH_PARAMS = SEARCH_PARAMS + TRIAL_FINDER_PARAMS

BY_NAME: dict[str, SearchParam] = {
    name: param for param in SEARCH_PARAMS for name in (param.name, *param.aliases)
}

# Result parameters: they shape the answer rather than filter it.
RESULT_PARAMS: dict[str, str] = {
    "_count": "Page size (default 20, at most 1000; 0 gives the total only).",
    "_sort": "Comma list of _lastUpdated, _id, status, title, recruitment-status (joinable "
    "first), _score with text, near with near; - descends. Default with text: "
    "enrolment-boosted relevance.",
    "_include": "*, ResearchStudy:site, ResearchStudy:enrollment, ResearchStudy:sponsor"
    " (also with their target type: ResearchStudy:site:Location).",
    "_summary": "true, text, data, count or false.",
    "_elements": "Comma list of top-level elements to return (marked SUBSETTED).",
    "_total": "none, estimate or accurate.",
    "_format": "json or application/fhir+json (xml is not offered).",
    "_pretty": "true to indent the JSON.",
    "_cursor": "Opaque paging cursor from a next/previous link.",
    "_getpagesoffset": "Offset paging: skip this many results (offset + _count ≤ 10,000).",
}

SORT_FIELDS: dict[str, str] = {
    "_lastUpdated": "last_updated",
    "_id": "id",
    "status": "status",
    "title": "title.sort",
    "_score": "_score",
    "recruitment-status": "enrolment_rank",  # ascending: recruiting, upcoming, … closed last
    "near": "near",  # distance of the nearest site to the near position
}

INCLUDES: tuple[str, ...] = tuple(include.name for include in document.INCLUDES)
# The target type of each include, for the three-part form (``ResearchStudy:site:Location``).
INCLUDE_TARGETS: dict[str, str] = {include.name: include.target for include in document.INCLUDES}
