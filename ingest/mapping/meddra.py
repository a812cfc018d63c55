"""MedDRA lowest-level-term labels (R14): a configurable ``code$label`` table.

MedDRA is licensed, so the repository ships only a synthetic sample
(``ingest/data/meddra_llt_sample.txt``); operators point ``ECLAIRE_MEDDRA_TABLE`` at the real
French LLT file. Real ``llt.asc`` lines have more ``$``-separated columns: only the first two
are read. The file is UTF-8, or Windows-1252 as MedDRA distributes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ingest.mapping.codes import MEDDRA_SYSTEM
from ingest.sources.text import warn

SAMPLE_TABLE = Path(__file__).resolve().parents[1] / "data" / "meddra_llt_sample.txt"
_CODE = re.compile(r"\d{6,10}")


class MeddraTable:
    """code → French label; lookups are plain dict reads on the mapping hot path."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self._labels = dict(labels)

    @classmethod
    def load(cls, path: Path | None = None) -> MeddraTable:
        """Read a ``code$label[$…]`` file (default: the synthetic sample)."""
        raw = (path or SAMPLE_TABLE).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        labels: dict[str, str] = {}
        for line in text.splitlines():
            code, sep, rest = line.partition("$")
            label = rest.split("$", 1)[0].strip()
            if sep and _CODE.fullmatch(code.strip()) and label:
                labels[code.strip()] = label
        return cls(labels)

    def label(self, code: str) -> str | None:
        return self._labels.get(code)

    def __len__(self) -> int:
        return len(self._labels)


def meddra_conditions(
    study_id: str, value: str | None, table: MeddraTable, warnings: list[str]
) -> list[dict[str, Any]]:
    """One ``meddra-condition-{id}-{code}`` condition per distinct code, no cap (R14).

    A code missing from the table keeps its coding without a display and is warned about (the
    reference dropped it silently); a token that is not a code is dropped with a warning.
    """
    conditions: list[dict[str, Any]] = []
    seen: set[str] = set()
    for token in (value or "").replace(";", ",").split(","):
        code = token.strip()
        if not code or code in seen:
            continue
        if not _CODE.fullmatch(code):
            warn(warnings, "meddra", f"not a MedDRA code: {code[:40]!r}")
            continue
        seen.add(code)
        coding: dict[str, Any] = {"system": MEDDRA_SYSTEM, "code": code}
        label = table.label(code)
        if label is None:
            warn(warnings, "meddra", f"code {code} not in the LLT table")
        else:
            coding["display"] = label
        coding["version"] = "3.0.0"  # as the technical document shows it
        conditions.append({"id": f"meddra-condition-{study_id}-{code}", "coding": [coding]})
    return conditions
