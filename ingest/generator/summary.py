"""What a generation run wrote: counts per file, category, ``etat`` and status.

Written next to the exports as ``generation_summary.json`` so integration tests compare the
ingest's run summary and ``/api/statistics`` with what was really generated, not with
figures recomputed by hand. The summary holds no timings, so it is as deterministic as the
data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ingest.generator.schema import CATEGORIES, Category
from ingest.generator.shape import ETATS, FHIR_STATUS, statistics


@dataclass(slots=True)
class FileSummary:
    """One export: array length and what its elements are."""

    name: str
    records: int = 0
    published: int = 0
    unpublished: int = 0
    repatriated: int = 0
    dead_letter: int = 0
    warning: int = 0
    bytes: int = 0


def _by_category() -> dict[Category, Counter[str]]:
    return {category: Counter() for category in CATEGORIES}


@dataclass(slots=True)
class GenerationSummary:
    """Counts of one run. ``published`` excludes bad records; ``statistics`` includes the
    warning-tagged ones, which are still published studies."""

    seed: int
    scale: int
    malformed_requested: int
    files: dict[str, FileSummary] = field(default_factory=dict)
    etats: dict[Category, Counter[str]] = field(default_factory=_by_category)
    warning_etats: dict[Category, Counter[str]] = field(default_factory=_by_category)
    malformed_kinds: Counter[str] = field(default_factory=Counter)

    def count(self, counter: str) -> int:
        """Sum of one :class:`FileSummary` counter over the files."""
        return sum(int(getattr(f, counter)) for f in self.files.values())

    @property
    def published(self) -> int:
        return self.count("published")

    @property
    def malformed(self) -> int:
        return self.count("dead_letter") + self.count("warning")

    def published_by_category(self) -> dict[str, int]:
        return {c: sum(self.etats[c].values()) for c in CATEGORIES}

    def published_by_status(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for category in CATEGORIES:
            statuses: Counter[str] = Counter()
            for etat, n in self.etats[category].items():
                statuses[FHIR_STATUS[etat]] += n
            out[category] = dict(sorted(statuses.items()))
        return out

    def statistics(self) -> dict[str, int]:
        """``/api/statistics`` after ingesting these files (clean plus warning records)."""
        merged = {c: self.etats[c] + self.warning_etats[c] for c in CATEGORIES}
        return statistics(merged)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "scale": self.scale,
            "totals": {
                "records": self.count("records"),
                "published": self.published,
                "unpublished": self.count("unpublished"),
                "repatriated": self.count("repatriated"),
                "malformed": self.malformed,
                "malformed_dead_letter": self.count("dead_letter"),
                "malformed_warning": self.count("warning"),
            },
            "files": {
                name: {k: getattr(f, k) for k in FileSummary.__slots__ if k != "name"}
                for name, f in self.files.items()
            },
            "published_by_category": self.published_by_category(),
            "published_by_status": self.published_by_status(),
            "published_by_etat": {
                c: {e: self.etats[c][e] for e in ETATS if self.etats[c][e]} for c in CATEGORIES
            },
            "malformed_by_kind": dict(sorted(self.malformed_kinds.items())),
            "expected_statistics": self.statistics(),
        }
