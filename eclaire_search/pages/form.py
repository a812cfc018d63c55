"""The people's search form: French field names ↔ FHIR search parameters, checked gently.

A person's mistake becomes a French message next to the field, never an error page; what is
valid is turned into the same (name, value) pairs the FHIR API reads, so the page and the API
always agree. Paging carries the Bundle's opaque ``_cursor`` as ``page``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from eclaire_search.pages import labels
from eclaire_search.searchparams import BY_NAME

PAGE_SIZE = 10
ENROLMENT_ORDER = "recruitment-status,-_lastUpdated"  # studies one can join first
MAX_TEXT = 200
MAX_AGE = 130
POSTAL_PREFIX = re.compile(r"^\d{2,5}$")
CORSICA = {"2a": "20", "2b": "20"}  # département codes of Corsica; its postal codes start 20


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
    name: str  # in the page URL
    label: str
    param: str | None  # FHIR search parameter; None when chosen from the value (lieu)
    choices: tuple[Choice, ...] = ()
    hint: str = ""
    kind: str = "select"  # select | text | number


def _choices(table: dict[str, str], codes: tuple[str, ...] | list[str]) -> tuple[Choice, ...]:
    return tuple(Choice(code, labels.label(table, code)) for code in codes)


FIELDS: tuple[Field, ...] = (
    Field(
        "q",
        "Mots recherchés",
        "_content",  # the widest text search, title-weighted, enrolment-boosted (issue 14)
        kind="text",
        hint="Maladie, traitement, titre… Exemple : cancer du sein",
    ),
    Field(
        "statut",
        "Statut de l'étude",
        "status",
        _choices(
            labels.STATUS, [c for c in labels.ECLAIRE_STATUSES if c in BY_NAME["status"].codes]
        ),
    ),
    Field(
        "reglementation",
        "Type d'étude",
        "category",
        _choices(labels.REGULATION, [*labels.REGULATION]),
    ),
    Field("phase", "Phase", "phase", _choices(labels.PHASE, [*labels.PHASE])),
    Field(
        "recrutement",
        "Recrutement",
        "recruitment-status",
        _choices(labels.RECRUITMENT, BY_NAME["recruitment-status"].codes),
    ),
    Field(
        "lieu",
        "Ville ou département",
        None,
        kind="text",
        hint="Une ville (Saint-Étienne) ou un numéro de département (42, 2A)",
    ),
    Field("age", "Âge du participant (ans)", "age", kind="number"),
    Field(
        "sexe",
        "Sexe du participant",
        "gender",
        _choices(labels.GENDER, [c for c in BY_NAME["gender"].codes if c in ("female", "male")]),
    ),
)
BY_FIELD = {f.name: f for f in FIELDS}
FILTER_FIELDS = tuple(f for f in FIELDS if f.name != "q")


@dataclass
class SearchForm:
    values: dict[str, str] = field(default_factory=dict)  # what the person typed, kept as is
    errors: dict[str, str] = field(default_factory=dict)  # field name → French message
    cursor: str | None = None

    @property
    def active(self) -> bool:
        return any(self.values.values())

    def fhir_items(self) -> list[tuple[str, str]]:
        """The FHIR search of the valid values, in field order, plus paging and sites."""
        items: list[tuple[str, str]] = []
        for fld in FIELDS:
            value = self.values.get(fld.name, "")
            if not value or fld.name in self.errors:
                continue
            items.append((fld.param or location_param(value), normalise(fld, value)))
        if not any(name == BY_FIELD["q"].param and value.strip() for name, value in items):
            items.append(("_sort", ENROLMENT_ORDER))  # with words: boosted relevance instead
        items += [("_count", str(PAGE_SIZE)), ("_include", "ResearchStudy:site")]
        if self.cursor:
            items.append(("_cursor", self.cursor))
        return items

    def url(self, **changes: str | None) -> str:
        """This search's page URL with some fields changed (None removes one)."""
        values = {**self.values, **changes}
        pairs = [(f.name, values[f.name]) for f in FIELDS if values.get(f.name)]
        if values.get("page"):
            pairs.append(("page", str(values["page"])))
        return "/?" + urlencode(pairs) if pairs else "/"


def location_param(value: str) -> str:
    folded = value.strip().lower()
    return "site-postal-code" if POSTAL_PREFIX.match(folded) or folded in CORSICA else "site-city"


def normalise(fld: Field, value: str) -> str:
    if fld.name == "lieu":
        return CORSICA.get(value.strip().lower(), value.strip())
    return value.strip()


def check(fld: Field, value: str) -> str | None:
    """The French message for a value the field cannot take, or None."""
    if fld.choices and value not in {c.value for c in fld.choices}:
        return f"« {value[:40]} » n'est pas un choix possible pour « {fld.label} »."
    if fld.kind == "number":
        if not (value.isascii() and value.isdigit()) or int(value) > MAX_AGE:
            return f"L'âge doit être un nombre entier d'années, de 0 à {MAX_AGE}."
    elif len(value) > MAX_TEXT:
        return f"« {fld.label} » : {MAX_TEXT} caractères au plus."
    return None


def read_form(query: Mapping[str, str]) -> SearchForm:
    form = SearchForm()
    for fld in FIELDS:
        value = (query.get(fld.name) or "").strip()
        if not value:
            continue
        form.values[fld.name] = value
        message = check(fld, value)
        if message:
            form.errors[fld.name] = message
    form.cursor = (query.get("page") or "").strip() or None
    return form
