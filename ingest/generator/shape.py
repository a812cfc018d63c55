"""The production shape: how many studies of each category and state a data set holds.

The default scale reproduces the statistics figures of the technical document (DOC-6) exactly:
19,053 published studies, 3,112 approved, 9,151 active. The document does not split the
approved total by category nor give the other states; the split below is ours (see
``ETAT_COUNTS``). Any other scale apportions the same table with the largest-remainder
method, so proportions hold and totals are exact.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from ingest.generator.schema import CATEGORIES, Category

DEFAULT_SCALE: Final = 19_053

ETATS: Final[tuple[str, ...]] = (
    "A_DEMARRER",
    "PROROGEE",
    "EN_COURS",
    "TERMINEE",
    "ARCHIVEE",
    "SUSPENDUE",
    "TERMINEE_ANTICIPEE",
    "ABANDONNEE",
    "EXPIREE",
)
REPATRIATED: Final = "RAPATRIEE_CTIS"

FHIR_STATUS: Final[dict[str, str]] = {
    "A_DEMARRER": "approved",
    "PROROGEE": "approved",
    "EN_COURS": "active",
    "TERMINEE": "completed",
    "ARCHIVEE": "completed",
    "SUSPENDUE": "temporarily-closed-to-accrual",
    "TERMINEE_ANTICIPEE": "administratively-completed",
    "ABANDONNEE": "withdrawn",
    "EXPIREE": "withdrawn",
}
"""RES-1: the status each canonical ``etat`` maps to."""

# Per category, in ETATS order. Fixed by the document: each row's total and its EN_COURS;
# the approved total (A_DEMARRER + PROROGEE) over all rows, 3,112. Chosen here: approved
# 180 DM, 22 DM-DIV, 720 CTIS, 2,190 JARDE (about 20 %, 23 %, 20 %, 15 % of each category),
# about 1 in 8 of them PROROGEE outside CTIS; the rest spread 40/22/5/13/12/8 % over
# TERMINEE, ARCHIVEE, SUSPENDUE, TERMINEE_ANTICIPEE, ABANDONNEE, EXPIREE.
ETAT_COUNTS: Final[dict[Category, tuple[int, ...]]] = {
    "DM": (165, 15, 437, 116, 64, 14, 38, 35, 23),
    "DMDIV": (20, 2, 46, 11, 6, 1, 3, 3, 2),
    "CTIS": (690, 30, 2422, 214, 117, 27, 69, 64, 43),
    "JARDE": (1900, 290, 6246, 2376, 1307, 297, 772, 713, 475),
}

UNPUBLISHED_RATE: Final = 0.025
"""Records with ``publication_eclaire`` other than ``autorisé``, on top of the published ones."""
REPATRIATED_RATE: Final = 0.01
"""JARDE records moved to CTIS (``RAPATRIEE_CTIS``), on top, as a share of published JARDE."""

MIN_PUBLISHED: Final[dict[Category, int]] = {"DM": 1, "DMDIV": 1, "CTIS": 2, "JARDE": 2}
"""Every category present at any scale; CTIS and JARDE hold a fixed study plus a generated one."""
MIN_SCALE: Final = sum(MIN_PUBLISHED.values())


def apportion(
    weights: Sequence[int], total: int, minimum: Sequence[int] | None = None
) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder, ties to the first).

    Exact when ``total`` equals the weights' sum. ``minimum`` is then enforced by taking from
    the largest shares, which keeps the result as close to proportional as it can be.
    """
    whole = sum(weights)
    if whole <= 0 or total < 0:
        raise ValueError("apportion needs positive weights and a non-negative total")
    quotas = [w * total for w in weights]
    shares = [q // whole for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] % whole), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    for i, low in enumerate(minimum or ()):
        while shares[i] < low:
            donor = max(
                (j for j in range(len(shares)) if shares[j] > (minimum or ())[j]),
                key=lambda j: (shares[j], -j),
            )
            shares[donor] -= 1
            shares[i] += 1
    return shares


@dataclass(frozen=True, slots=True)
class Shape:
    """Counts for one scale: published per category and ``etat``, and the uncounted extras."""

    scale: int
    published: Mapping[Category, int]
    etats: Mapping[Category, Mapping[str, int]]
    unpublished: Mapping[Category, int]
    repatriated: int

    @property
    def statistics(self) -> dict[str, int]:
        """The figures ``/api/statistics`` must report for this shape (DOC-6 keys)."""
        return statistics(self.etats)


def shape_for(scale: int | None = None) -> Shape:
    """The counts for ``scale`` published studies (default: the production figures)."""
    n = DEFAULT_SCALE if scale is None else scale
    if n < MIN_SCALE:
        raise ValueError(
            f"scale must be at least {MIN_SCALE} (one study per category and "
            f"the two fixed studies), got {n}"
        )
    totals = [sum(ETAT_COUNTS[c]) for c in CATEGORIES]
    counts = apportion(totals, n, [MIN_PUBLISHED[c] for c in CATEGORIES])
    published = dict(zip(CATEGORIES, counts, strict=True))
    etats: dict[Category, dict[str, int]] = {}
    for category in CATEGORIES:
        floor = [0] * len(ETATS)
        if category in ("CTIS", "JARDE"):
            floor[ETATS.index("EN_COURS")] = 1  # the fixed study is EN_COURS
        split = apportion(ETAT_COUNTS[category], published[category], floor)
        etats[category] = dict(zip(ETATS, split, strict=True))
    unpublished = {c: round(published[c] * UNPUBLISHED_RATE) for c in CATEGORIES}
    return Shape(n, published, etats, unpublished, round(published["JARDE"] * REPATRIATED_RATE))


def statistics(etats: Mapping[Category, Mapping[str, int]]) -> dict[str, int]:
    """Statistics keys of the DOC-6 computed from per-category ``etat`` counts."""

    def of(category: Category, status: str | None = None) -> int:
        return sum(
            n
            for e, n in etats.get(category, {}).items()
            if status is None or FHIR_STATUS.get(e) == status
        )

    active = {c: of(c, "active") for c in CATEGORIES}
    return {
        "Total_etudes": sum(of(c) for c in CATEGORIES),
        "Investigations_cliniques_(DM)": of("DM"),
        "Etudes_performance_(DMDIV)": of("DMDIV"),
        "Essais_cliniques_médicament_(CTIS)": of("CTIS"),
        "RecherchesImpliquantPersonnesHumaines_(JARDE)": of("JARDE"),
        "Total_Etudes_à_démarrer": sum(of(c, "approved") for c in CATEGORIES),
        "Etudes_en_cours_DM": active["DM"],
        "Etudes_en_cours_DMDIV": active["DMDIV"],
        "Etudes_en_cours_CTIS": active["CTIS"],
        "Etudes_en_cours_JARDE": active["JARDE"],
        "Total_Etudes_en_cours": sum(active.values()),
    }


def status_sequence(counts: Mapping[str, int], seed: int, category: Category) -> list[str]:
    """The canonical ``etat`` of each generated published study, in a seeded order.

    Held as a list of references to the nine interned strings: a few bytes per study, not the
    data set.
    """
    sequence = [etat for etat in ETATS for _ in range(counts.get(etat, 0))]
    random.Random(f"{seed}/status/{category}/{len(sequence)}").shuffle(sequence)
    return sequence
