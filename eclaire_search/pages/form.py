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

from eclaire_core.gazetteer import Place, gazetteer
from eclaire_search.pages import labels
from eclaire_search.searchparams import BY_NAME

PAGE_SIZE = 10
ENROLMENT_ORDER = "recruitment-status,-_lastUpdated"  # studies one can join first
MAX_TEXT = 200
MAX_AGE = 130
POSTAL_PREFIX = re.compile(r"^\d{2,5}$")
CORSICA = {"2a": "20", "2b": "20"}  # département codes of Corsica; its postal codes start 20
RADII = ("10", "30", "50", "100", "200")
DEFAULT_RADIUS = "30"
ALL_RECRUITMENT = "tous"  # the switch away from the default "recruiting"
SORTS = {"pertinence": None, "distance": "near", "recent": "-_lastUpdated", "titre": "title"}
MAX_PAGE = 10_000 // PAGE_SIZE  # offset paging stops at the engine's 10,000-result window


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
    kind: str = "select"  # select | text | number | facet (set from a facet link)
    default: str = ""  # the value when the page URL does not name the field
    any_label: str = "Tous"  # the select's "no filter" option


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
        "pres",
        "Près de chez moi",
        None,
        kind="text",
        hint="Votre code postal (69003) ou votre commune (Villeurbanne)",
    ),
    Field(
        "rayon",
        "Dans un rayon de",
        None,
        tuple(Choice(r, f"{r} km") for r in RADII),
        default=DEFAULT_RADIUS,
        any_label="",
    ),
    Field(
        "tri",
        "Trier par",
        None,  # becomes _sort (see SORTS)
        (
            Choice("pertinence", "Pertinence"),
            Choice("distance", "Distance (le plus proche d'abord)"),
            Choice("recent", "Mise à jour la plus récente"),
            Choice("titre", "Titre (A à Z)"),
        ),
        any_label="Automatique",
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
        (
            *_choices(labels.RECRUITMENT, BY_NAME["recruitment-status"].codes),
            Choice(ALL_RECRUITMENT, "Toutes les études, qu'elles recrutent ou non"),
        ),
        default="recruiting",
        any_label="",
    ),
    Field(
        "lieu",
        "Ville ou département",
        None,
        kind="text",
        hint="Une ville (Saint-Étienne) ou un numéro de département (42, 2A)",
    ),
    Field("age", "Âge du participant (ans)", "age", kind="number"),
    # Chosen from the facets (the page carries them as hidden inputs): a MedDRA code, an area.
    Field("maladie", "Maladie ou affection (MedDRA)", "condition", kind="facet"),
    Field("domaine", "Domaine thérapeutique", "therapeutic-area:exact", kind="facet"),
    Field(
        "sexe",
        "Sexe du participant",
        "gender",
        _choices(labels.GENDER, [c for c in BY_NAME["gender"].codes if c in ("female", "male")]),
    ),
)
BY_FIELD = {f.name: f for f in FIELDS}
MAIN_FIELDS = ("q", "pres", "rayon", "tri")  # always shown; the others fold under "Affiner"
FILTER_FIELDS = tuple(f for f in FIELDS if f.name not in MAIN_FIELDS)
NOT_FOUND = (
    "Nous ne trouvons pas « {} » : indiquez un code postal à 5 chiffres (69003) ou le nom "
    "d'une commune (Villeurbanne)."
)


@dataclass
class SearchForm:
    values: dict[str, str] = field(default_factory=dict)  # what the person typed, kept as is
    errors: dict[str, str] = field(default_factory=dict)  # field name → French message
    cursor: str | None = None
    page: int = 1  # a page number (offset paging), when no cursor says where to start
    place: Place | None = None  # where "Près de chez moi" points

    @property
    def active(self) -> bool:
        return any(v and v != BY_FIELD[k].default for k, v in self.values.items())

    def fhir_items(self) -> list[tuple[str, str]]:
        """The FHIR search of the valid values, in field order, plus sort, paging and sites."""
        items: list[tuple[str, str]] = []
        for fld in FIELDS:
            value = self.values.get(fld.name, "")
            if not value or fld.name in self.errors or fld.name in ("pres", "rayon", "tri"):
                continue
            if fld.name == "recrutement" and value == ALL_RECRUITMENT:
                continue
            items.append((fld.param or location_param(value), normalise(fld, value)))
        if self.place is not None:
            radius = self.values.get("rayon") or DEFAULT_RADIUS
            items.append(("near", f"{self.place.lat}|{self.place.lon}|{radius}|km"))
        sort = SORTS.get(self.values.get("tri", ""))
        if sort is None and self.place is not None:
            sort = "near"  # near me: nearest first unless another order is chosen
        words = any(name == BY_FIELD["q"].param and value.strip() for name, value in items)
        if sort is None and not words:
            sort = ENROLMENT_ORDER  # no words: studies one can join first (words: boosted)
        if sort and "tri" not in self.errors:
            items.append(("_sort", sort))
        items += [
            ("_count", str(PAGE_SIZE)),
            ("_include", "ResearchStudy:site"),
            ("_include", "ResearchStudy:enrollment"),
        ]
        if self.cursor:
            items.append(("_cursor", self.cursor))
        elif self.page > 1:  # page numbers: offset paging within the first 10,000
            items.append(("_getpagesoffset", str((self.page - 1) * PAGE_SIZE)))
        return items

    def url(self, **changes: str | None) -> str:
        """This search's page URL with some fields changed (None removes one)."""
        values = {**self.values, **changes}
        pairs = [  # a default is implied by its absence, so links stay short
            (f.name, values[f.name])
            for f in FIELDS
            if values.get(f.name) and values[f.name] != f.default
        ]
        if values.get("page"):
            pairs.append(("page", str(values["page"])))
        elif values.get("p"):
            pairs.append(("p", str(values["p"])))
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
    if fld.name == "maladie" and not (value.isascii() and value.isdigit() and len(value) <= 10):
        return "La maladie se choisit dans la liste « Affiner » (un code MedDRA)."
    if fld.kind == "number":
        if not (value.isascii() and value.isdigit()) or int(value) > MAX_AGE:
            return f"L'âge doit être un nombre entier d'années, de 0 à {MAX_AGE}."
    elif len(value) > MAX_TEXT:
        return f"« {fld.label} » : {MAX_TEXT} caractères au plus."
    return None


def read_form(query: Mapping[str, str]) -> SearchForm:
    """The form of a page URL; a field the URL does not name takes its default."""
    form = SearchForm()
    for fld in FIELDS:
        value = (query.get(fld.name) or "").strip()
        if fld.name not in query and fld.default:
            value = fld.default
        if not value:
            continue
        form.values[fld.name] = value
        message = check(fld, value)
        if message:
            form.errors[fld.name] = message
    near = form.values.get("pres")
    if near and "pres" not in form.errors:
        form.place = gazetteer().search(near)
        if form.place is None:
            form.errors["pres"] = NOT_FOUND.format(near[:40])
    if form.values.get("tri") == "distance" and form.place is None and "pres" not in form.errors:
        form.errors["tri"] = "Indiquez un code postal ou une commune pour trier par distance."
    form.cursor = (query.get("page") or "").strip() or None
    number = (query.get("p") or "").strip()
    if number.isascii() and number.isdigit() and 1 <= int(number) <= MAX_PAGE:
        form.page = int(number)
    return form
