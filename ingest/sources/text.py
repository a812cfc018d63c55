"""Text hygiene for source strings: the documented quirks handled in one place (read side).

SI-RIPH2G strings carry HTML entities (sometimes encoded twice), a ``Données non disponible``
placeholder meaning null, stray control characters and numbers where strings are expected.
FHIR strings must be non-empty and trimmed, so every text value goes through :func:`clean`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import Any

# Both spellings are placeholders for "no data"; the reference only knew the first one.
_SENTINEL = re.compile(r"donn[ée]es?\s+non\s+disponibles?\.?", re.IGNORECASE)
# C0 controls other than tab, LF, CR (and DEL) are not allowed in FHIR strings / XHTML.
_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NON_ALNUM = re.compile(r"[^0-9a-z+]+")


def decode_entities(text: str) -> str:
    """Decode HTML entities, twice when the source double-encoded them (``&amp;#39;``)."""
    if "&" not in text:
        return text
    once = html.unescape(text)
    if "&" in once and once != text:
        return html.unescape(once)
    return once


def is_sentinel(text: str) -> bool:
    """True for the ``Données non disponible(s)`` / ``Donnée non disponible`` placeholders."""
    return len(text) < 32 and _SENTINEL.fullmatch(text) is not None


def clean(value: Any, warnings: list[str] | None = None, field: str = "") -> str | None:
    """A trimmed, entity-decoded, non-empty string, or None (null, placeholder, empty).

    Numbers become their text (postal codes and phone numbers sometimes arrive as numbers);
    booleans, arrays and objects are not text: dropped with a warning.
    """
    if value is None:
        return None
    if type(value) is str:
        text = value
    elif isinstance(value, bool) or not isinstance(value, int | float | str):
        if warnings is not None:
            warn(warnings, "field-type", f"{field}: expected text, got {type(value).__name__}")
        return None
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    if "&" in text:
        text = decode_entities(text)
    if not text.isprintable():  # cheap test first: most values have no control character
        text = text.translate(_CONTROL)
    text = text.strip()
    if not text or (text[0] in "Dd" and is_sentinel(text)):
        return None
    return text


def split_items(text: str | None) -> list[str]:
    """Split a list field on commas, whichever of ``", "`` or ``","`` the source used."""
    if not text:
        return []
    return [item for part in text.split(",") if (item := part.strip())]


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Matching key: no accents, lower case, every run of other characters one space.

    ``A_DEMARRER``, ``À DÉMARRER`` and ``a démarrer`` all fold to ``a demarrer``.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def xml_escape(text: str) -> str:
    """Escape for XHTML element content (the reference escaped nothing)."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def warn(warnings: list[str], kind: str, message: str) -> None:
    """Record a warning as ``kind: message``; the run summary counts them by kind."""
    warnings.append(f"{kind}: {message}")


def warning_kind(warning: str) -> str:
    """The kind part of a warning written by :func:`warn`."""
    return warning.split(":", 1)[0]
