"""A searchset Bundle and facet counts → the results part of the search page.

Paging follows the Bundle's own ``next``/``previous`` links: their opaque ``_cursor`` becomes
the page URL's ``page``, so the page walks results exactly as an API client would.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from eclaire_core.gazetteer import Place, distance_km, gazetteer
from eclaire_core.meddra import MeddraTable
from eclaire_core.resources import GROUP_SUFFIX, SITE_ID
from eclaire_search.geo import DISTANCE_EXTENSION
from eclaire_search.pages.detail import eligibility_of
from eclaire_search.pages.form import (
    ALL_RECRUITMENT,
    BY_FIELD,
    MAX_PAGE,
    PAGE_SIZE,
    SearchForm,
)
from eclaire_search.pages.study import Summary, address_lines, summary_of

PAGES_AROUND = 2  # page numbers shown either side of the current one

# facet (search parameter name) → form field it fills, in display order
FACET_FIELDS = {
    "status": "statut",
    "recruitment-status": "recrutement",
    "category": "reglementation",
    "phase": "phase",
    "gender": "sexe",
    "site-city": "lieu",
    "condition": "maladie",
    "therapeutic-area": "domaine",
}
FACET_SHOWN = {"lieu": 12, "maladie": 10, "domaine": 10}  # the most frequent values only
FACET_SIZE = 50


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
    numbers: tuple[tuple[int, str | None], ...] = ()  # (page, URL; None for the current one)


def summaries(bundle: dict[str, Any], place: Place | None = None) -> list[Summary]:
    """Matched studies in order, each with its sites' cities, who may take part and, with a
    near search, its nearest site and the distance the API computed."""
    sites: dict[str, list[dict[str, Any]]] = {}
    groups: dict[str, dict[str, Any]] = {}
    studies: list[tuple[dict[str, Any], float | None]] = []
    for entry in bundle.get("entry") or []:
        resource = entry["resource"]
        search = entry.get("search") or {}
        if search.get("mode") == "match":
            studies.append((resource, entry_distance(search)))
        elif search.get("mode") == "include" and resource["resourceType"] == "Location":
            match = SITE_ID.fullmatch(resource["id"])
            if match:
                sites.setdefault(match["study"], []).append(resource)
        elif search.get("mode") == "include" and resource["resourceType"] == "Group":
            groups[resource["id"].removesuffix(GROUP_SUFFIX)] = resource
    found = []
    for study, distance in studies:
        summary = summary_of(study, sites.get(study["id"], []))
        eligibility = eligibility_of(groups.get(study["id"]))
        summary.ages, summary.sexes = eligibility.ages, eligibility.sexes
        summary.distance = distance
        if place is not None:
            summary.nearest = nearest_site(sites.get(study["id"], []), place)
        found.append(summary)
    return found


def entry_distance(search: dict[str, Any]) -> float | None:
    for extension in search.get("extension") or []:
        if extension.get("url") == DISTANCE_EXTENSION:
            return float(extension["valueDistance"]["value"])
    return None


def nearest_site(locations: list[dict[str, Any]], place: Place) -> str:
    """``Hôpital Édouard Herriot, 69003 Lyon``: the site the gazetteer places nearest."""
    best: tuple[float, str] | None = None
    for location in locations:
        address = location.get("address") or {}
        spot = gazetteer().locate(address.get("postalCode"), address.get("city"))
        if spot is None:
            continue
        kilometres = distance_km(place.lat, place.lon, spot.lat, spot.lon)
        lines = address_lines(address)
        label = ", ".join(p for p in (location.get("name"), lines[-1] if lines else "") if p)
        if best is None or kilometres < best[0]:
            best = (kilometres, label)
    return best[1] if best else ""


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
    total = bundle.get("total")
    numbers: tuple[tuple[int, str | None], ...] = ()
    if total and not form.cursor:
        current = page + 1
        pages = min(MAX_PAGE, -(-int(total) // PAGE_SIZE))
        wanted = {1, pages, *range(current - PAGES_AROUND, current + PAGES_AROUND + 1)}
        numbers = tuple(
            (n, None if n == current else form.url(p=str(n) if n > 1 else None, page=None))
            for n in sorted(wanted)
            if 1 <= n <= pages
        )
    return Paging(
        first=first,
        last=first + shown - 1,
        total=total,
        page=page + 1,
        previous_url=None if previous is None else form.url(page=previous or None),
        next_url=None if not following else form.url(page=following),
        numbers=numbers,
    )


@cache
def condition_labels(table: Path | None) -> MeddraTable:
    """MedDRA code → French label, from the same table ingest labels conditions with."""
    return MeddraTable.load(table)


def facet_groups(
    form: SearchForm,
    counts: dict[str, list[dict[str, Any]]],
    conditions: MeddraTable | None = None,
) -> list[FacetGroup]:
    """Facet values a person can click; only values the form itself accepts are offered."""
    groups: list[FacetGroup] = []
    for facet, name in FACET_FIELDS.items():
        fld = BY_FIELD[name]
        labels = {c.value: c.label for c in fld.choices}
        if name == "maladie" and conditions is not None:
            labels = {
                str(b["value"]): conditions.label(str(b["value"])) or str(b["value"])
                for b in counts.get(facet, [])
            }
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
        if name in FACET_SHOWN:
            values = values[: FACET_SHOWN[name]]
        # Recruitment's default is implied by its absence: clearing it is asking for every study.
        cleared = ALL_RECRUITMENT if name == "recrutement" else None
        clear = None
        if current and current != ALL_RECRUITMENT:
            clear = form.url(**{name: cleared, "page": None, "p": None})
        if values or clear:
            groups.append(FacetGroup(name, fld.label, tuple(values), clear))
    return groups
