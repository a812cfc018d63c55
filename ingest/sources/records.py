"""The one rule that tells the three exports apart, and where each keeps its primary number.

The source of a record is decided by its ``reglementation_code``, never by the file name (a file
may be renamed or mixed). The keys of each export are listed in ``ingest/generator/schema.py``
(SRC-2), which the generator, the readers' tests and the mapping's field test share.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

Source = Literal["ctis", "dm", "jarde"]

SOURCE_BY_REGULATION: dict[str, Source] = {
    "REG536": "ctis",
    "REG745": "dm",
    "REG746": "dm",
    "JARDE": "jarde",
}
"""``reglementation_code`` → source; any other code cannot become a study (RES-15)."""

ID_FIELD: dict[Source, str] = {
    "ctis": "numero_ctis",
    "dm": "numero_national",
    "jarde": "numero_national",
}


def regulation_code(record: Mapping[str, Any]) -> str | None:
    """The trimmed, upper-cased ``reglementation_code``, or None when absent or not a string."""
    value = record.get("reglementation_code")
    if not isinstance(value, str):
        return None
    return value.strip().upper() or None


def detect_source(record: Mapping[str, Any]) -> Source | None:
    """The export a record belongs to, from its ``reglementation_code`` (None: unknown code)."""
    code = regulation_code(record)
    return SOURCE_BY_REGULATION.get(code) if code else None


def primary_id(record: Mapping[str, Any], source: Source) -> str | None:
    """The primary number (trimmed) or None; numbers written as JSON numbers are accepted."""
    value = record.get(ID_FIELD[source])
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    return value.strip() or None
