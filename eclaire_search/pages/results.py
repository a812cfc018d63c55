"""A searchset Bundle and facet counts → the results part of the search page.

Paging follows the Bundle's own ``next``/``previous`` links: their opaque ``_cursor`` becomes
the page URL's ``page``, so the page walks results exactly as an API client would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from eclaire_search.pages.form import BY_FIELD, PAGE_SIZE, SearchForm
from eclaire_search.pages.study import Summary, summary_of
from eclaire_search.routes.fhir import SITE_ID

# facet (search parameter name) → form field it fills, in display order
FACET_FIELDS = {
    "status": "statut",
    "recruitment-status": "recrutement",
    "category": "reglementation",
    "phase": "phase",
    "gender": "sexe",
    "site-city": "lieu",
}
FACET_SIZE = 50
CITIES_SHOWN = 12


@dataclass(frozen=True)
class FacetValue:
    label: str
    count: int
    url: str
    selected: bool


@dataclass(frozen=True)
class FacetGroup:
    field: str
    label: str
    values: tuple[FacetValue, ...]
    clear_url: str | None  # set when this facet's field is in use


@dataclass(frozen=True)
class Paging:
    first: int  # 1-based number of the first result shown
    last: int
    total: int | None
    page: int  # 1-based
    previous_url: str | None
    next_url: str | None


def summaries(bundle: dict[str, Any]) -> list[Summary]:
    """Matched studies in order, each with the cities of its included sites."""
    sites: dict[str, list[dict[str, Any]]] = {}
    studies: list[dict[str, Any]] = []
    for entry in bundle.get("entry") or []:
        resource = entry["resource"]
        mode = (entry.get("search") or {}).get("mode")
        if mode == "match":
            studies.append(resource)
        elif mode == "include" and resource["resourceType"] == "Location":
            match = SITE_ID.match(resource["id"])
            if match:
                sites.setdefault(match["study"], []).append(resource)
    return [summary_of(study, sites.get(study["id"], [])) for study in studies]


def link_cursor(bundle: dict[str, Any], relation: str) -> str | None:
    """The ``_cursor`` of one Bundle link; '' for a link without one (the first page)."""
    for link in bundle.get("link") or []:
        if link["relation"] == relation:
            values = parse_qs(urlsplit(link["url"]).query).get("_cursor")
            return values[0] if values else ""
    return None


def paging(form: SearchForm, bundle: dict[str, Any], page: int, shown: int) -> Paging:
    previous = link_cursor(bundle, "previous")
    following = link_cursor(bundle, "next")
    first = page * PAGE_SIZE + 1
    return Paging(
        first=first,
        last=first + shown - 1,
        total=bundle.get("total"),
        page=page + 1,
        previous_url=None if previous is None else form.url(page=previous or None),
        next_url=None if not following else form.url(page=following),
    )


def facet_groups(form: SearchForm, counts: dict[str, list[dict[str, Any]]]) -> list[FacetGroup]:
    """Facet values a person can click; only values the form itself accepts are offered."""
    groups: list[FacetGroup] = []
    for facet, name in FACET_FIELDS.items():
        fld = BY_FIELD[name]
        labels = {c.value: c.label for c in fld.choices}
        current = form.values.get(name)
        values: list[FacetValue] = []
        for bucket in counts.get(facet, []):
            value = str(bucket["value"])
            if fld.choices and value not in labels:
                continue  # e.g. a precision code under category, a source phase code
            values.append(
                FacetValue(
                    label=labels.get(value, value),
                    count=int(bucket["count"]),
                    url=form.url(**{name: value, "page": None}),
                    selected=current is not None and current.casefold() == value.casefold(),
                )
            )
        if name == "lieu":
            values = values[:CITIES_SHOWN]
        clear = form.url(**{name: None, "page": None}) if current else None
        if values or clear:
            groups.append(FacetGroup(name, fld.label, tuple(values), clear))
    return groups
