"""MedDRA lowest-level-term labels (RES-14): a configurable ``code$label`` table.

MedDRA is licensed, so the repository ships only a synthetic sample
(``eclaire_core/data/meddra_llt_sample.txt``); operators point ``ECLAIRE_MEDDRA_TABLE`` at the
real French LLT file. Real ``llt.asc`` lines have more ``$``-separated columns: only the first
two are read. The file is UTF-8, or Windows-1252 as MedDRA distributes it. The ingest labels
conditions with it; the portal names its condition filters with it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

SAMPLE_TABLE = Path(__file__).resolve().parent / "data" / "meddra_llt_sample.txt"
MEDDRA_CODE = re.compile(r"\d{6,10}")


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
            if sep and MEDDRA_CODE.fullmatch(code.strip()) and label:
                labels[code.strip()] = label
        return cls(labels)

    def label(self, code: str) -> str | None:
        return self._labels.get(code)

    def __len__(self) -> int:
        return len(self._labels)
