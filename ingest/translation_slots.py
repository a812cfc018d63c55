"""Where a study's translatable texts live in its resources, and how a translation is written.

The texts are those the reference translated for CTIS (condition, therapeutic area, title,
outcome and eligibility criteria) plus the summary, which the issue asks for. A translated
element carries the French text where clients read it and keeps the English original in
FHIR's ``translation`` extension on the primitive (R4 JSON: ``"_title": {"extension": [...]}``),
so the resource stays valid and nothing is lost. Pure: no I/O.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, Literal

from eclaire_core import ig_constants as ig
from ingest.mapping import MappedStudy

TRANSLATION_EXT: Final = "http://hl7.org/fhir/StructureDefinition/translation"
SOURCE_LANG: Final = "en"
TARGET_LANG: Final = "fr"
TRANSLATED_SOURCES: Final = frozenset({"ctis"})
"""CTIS texts are English; RIPH (DM, JARDE) texts are French already and never sent."""

Kind = Literal["text", "html"]
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


@dataclass(frozen=True)
class Slot:
    """One primitive string: ``holder[key]``; ``mirrors`` get the same French text."""

    holder: dict[str, Any]
    key: str
    kind: Kind
    mirrors: tuple[tuple[dict[str, Any], str], ...] = ()

    @property
    def text(self) -> str:
        return str(self.holder[self.key])


def _extensions(resource: dict[str, Any], url: str) -> Iterator[dict[str, Any]]:
    for ext in resource.get("extension", []):
        if isinstance(ext, dict) and ext.get("url") == url:
            yield ext


def _criteria(group: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for ch in group.get("characteristic", []):
        codes = [c.get("code") for c in (ch.get("code") or {}).get("coding", [])]
        if "grp-other" in codes and isinstance(ch.get("valueCodeableConcept"), dict):
            yield ch["valueCodeableConcept"]


def _places(
    research_study: dict[str, Any], group: dict[str, Any]
) -> Iterator[tuple[dict[str, Any], str, dict[str, Any] | None]]:
    """(holder, key, criterion concept or None) of every translatable element, title first."""
    yield research_study, "title", None
    for condition in research_study.get("condition", []):
        if isinstance(condition, dict) and not condition.get("coding"):  # MedDRA are French
            yield condition, "text", None
    for ext in _extensions(research_study, ig.EXT_THERAPEUTIC_AREA):
        yield ext, "valueString", None
    for ext in _extensions(research_study, ig.EXT_DESCRIPTION_SUMMARY_R5):
        yield ext, "valueMarkdown", None
    for concept in _criteria(group):
        yield concept, "text", concept


def _filled(holder: dict[str, Any], key: str) -> bool:
    value = holder.get(key)
    return isinstance(value, str) and bool(value.strip())


def slots(research_study: dict[str, Any], group: dict[str, Any]) -> list[Slot]:
    """Every non-empty translatable text, in a stable order (title first)."""
    found: list[Slot] = []
    for holder, key, concept in _places(research_study, group):
        if not _filled(holder, key):
            continue
        kind: Kind = "html" if _TAG.search(holder[key]) else "text"  # DeepL keeps tags in place
        mirrors: tuple[tuple[dict[str, Any], str], ...] = ()
        if concept is not None:
            codings = concept.get("coding") or []
            text = concept.get("text")
            mirrors = tuple((c, "display") for c in codings if c.get("display") == text)
        found.append(Slot(holder, key, kind, mirrors))
    return found


def original(holder: dict[str, Any], key: str) -> str | None:
    """The English original kept in ``_key``'s translation extension, if any."""
    for ext in (holder.get(f"_{key}") or {}).get("extension", []):
        if ext.get("url") != TRANSLATION_EXT:
            continue
        parts = {p.get("url"): p for p in ext.get("extension", [])}
        if (parts.get("lang") or {}).get("valueCode") == SOURCE_LANG:
            content = (parts.get("content") or {}).get("valueString")
            return content if isinstance(content, str) else None
    return None


def is_translated(slot: Slot) -> bool:
    return original(slot.holder, slot.key) is not None


def write(slot: Slot, french: str) -> None:
    """Put ``french`` in the slot (and its mirrors) and the original in its extension."""
    english = slot.text
    extension = {
        "url": TRANSLATION_EXT,
        "extension": [
            {"url": "lang", "valueCode": SOURCE_LANG},
            {"url": "content", "valueString": english},
        ],
    }
    slot.holder[slot.key] = french
    primitive = slot.holder.setdefault(f"_{slot.key}", {})
    primitive.setdefault("extension", []).append(extension)
    for holder, key in slot.mirrors:
        holder[key] = french


def editable(study: MappedStudy) -> MappedStudy:
    """A copy whose ResearchStudy and Group may be written without touching ``study``."""
    return dataclasses.replace(
        study,
        research_study=copy.deepcopy(study.research_study),
        group=copy.deepcopy(study.group),
    )


def english_texts(
    research_study: dict[str, Any], group: dict[str, Any], source: str
) -> tuple[str | None, list[str]]:
    """(title, other texts) in English for the ``*_en`` search fields: the originals of the
    translated elements, and CTIS texts as they are when not translated (they are English)."""
    title: str | None = None
    content: list[str] = []
    translated_source = source in TRANSLATED_SOURCES
    for holder, key, _ in _places(research_study, group):  # no Slot: this runs for every study
        if not _filled(holder, key):
            continue
        text = original(holder, key)
        if text is None and translated_source:
            text = str(holder[key])
        if text is None:
            continue
        if holder is research_study and key == "title":
            title = text
        else:
            content.append(text)
    return title, content
