"""FHIR resources → what a patient reads: helpers and the one-line summary of a result.

Everything is read from the resources as the API serves them (ResearchStudy, its Group,
Locations and sponsor Organization), so the page shows nothing the API does not publish.
Summaries are markdown (possibly with HTML, from mirrored data): :func:`clean_html` renders them
and keeps a few harmless tags.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from eclaire_core import ig_constants as ig
from eclaire_search.pages import labels
from eclaire_search.searchparams import HL7_PHASE

Resource = dict[str, Any]
SUMMARY_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i"}
SNIPPET_LENGTH = 280
MARKDOWN = MarkdownIt("commonmark", {"html": True})
BLOCK = re.compile(r"</?(?:br|p|li|ul|ol|div|h[1-6])\b[^>]*>", re.IGNORECASE)  # a space in text


def clean_html(text: str | None) -> Markup:
    """Sanitised source HTML: basic tags only, no attributes, links, scripts or styles."""
    if not text:
        return Markup("")
    return Markup(nh3.clean(_render(text), tags=SUMMARY_TAGS, attributes={}, link_rel=None))


def _render(text: str) -> str:
    """The summary is FHIR markdown (mapping turns source HTML into it); mirrored production
    data may still hold HTML, which CommonMark passes through to nh3."""
    return str(MARKDOWN.render(text))


def plain_text(text: str | None, limit: int = SNIPPET_LENGTH) -> str:
    """Tags removed (``<br>`` becomes a space), cut at a word; escaped later by the template."""
    if not text:
        return ""
    spaced = BLOCK.sub(" ", _render(text))
    flat = " ".join(html.unescape(nh3.clean(spaced, tags=set())).split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + " …"


def extension(resource: Resource, url: str) -> Resource:
    return next((e for e in resource.get("extension") or [] if e.get("url") == url), {})


def codes(concepts: list[Resource], system: str) -> list[str]:
    return [
        coding["code"]
        for concept in concepts
        for coding in concept.get("coding") or []
        if coding.get("system") == system and coding.get("code")
    ]


def human_name(name: Resource | None) -> str:
    if not name:
        return ""
    return " ".join([*(name.get("given") or []), name.get("family") or ""]).strip()


def address_lines(address: Resource | None) -> list[str]:
    if not address:
        return []
    town = " ".join(p for p in (address.get("postalCode"), address.get("city")) if p)
    return [*(address.get("line") or []), *([town] if town else [])]


@dataclass
class Contact:
    role: str
    name: str = ""
    organisation: str = ""
    address: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)


def telecoms(contact: Contact, entries: list[Resource]) -> Contact:
    for telecom in entries:
        if telecom.get("system") == "phone" and telecom.get("value"):
            contact.phones.append(telecom["value"])
        elif telecom.get("system") == "email" and telecom.get("value"):
            contact.emails.append(telecom["value"])
    return contact


@dataclass
class Summary:
    """One line of the results list."""

    id: str
    title: str
    status: str
    recruitment: str
    regulation: str
    phase: str
    snippet: str
    cities: list[str]
    ages: list[str] = field(default_factory=list)  # from the included Group
    sexes: list[str] = field(default_factory=list)
    nearest: str = ""  # the nearest site's town, with a near search
    distance: float | None = None  # km to it, as the Bundle entry's location-distance says


def recruitment_code(study: Resource) -> str | None:
    concept = extension(study, ig.EXT_RECRUITMENT_STATUS).get("valueCodeableConcept") or {}
    found = [c.get("code") for c in concept.get("coding") or [] if c.get("code")]
    return found[0] if found else None


def phase_label(study: Resource) -> str:
    found = codes([study.get("phase") or {}], HL7_PHASE)
    found += codes([study.get("phase") or {}], ig.CS_STUDY_PHASE)
    return labels.label(labels.PHASE, found[0]) if found else ""


def summary_of(study: Resource, locations: list[Resource]) -> Summary:
    categories = study.get("category") or []
    regulation = codes(categories, ig.CS_REGULATION_CODE)
    text = extension(study, ig.EXT_DESCRIPTION_SUMMARY_R5).get("valueMarkdown")
    cities = dict.fromkeys(
        (loc.get("address") or {}).get("city", "") for loc in locations if loc.get("address")
    )
    return Summary(
        id=study["id"],
        title=study.get("title") or study["id"],
        status=labels.label(labels.STATUS, study.get("status")),
        recruitment=labels.label(labels.RECRUITMENT, recruitment_code(study)),
        regulation=labels.label(labels.REGULATION, regulation[0]) if regulation else "",
        phase=phase_label(study),
        snippet=plain_text(text or study.get("description")),
        cities=[c for c in cities if c],
    )
