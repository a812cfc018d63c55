"""Therapeutic topics: what each synthetic study is about, coherently.

The topics are data (``ingest/data/topics.json``). A study is drawn from one
:class:`Disease` of one :class:`Topic`; its title, summary,
objectives, criteria, condition, MedDRA codes (with their French labels, in the repository's
synthetic LLT table) and therapeutic area all come from that disease, and devices, tests and
interventions from its topic, so relevance can be judged on the synthetic data (issue 14).
French noun phrases carry their article (``l'asthme sévère``, ``le diabète de type 2``) so
:func:`ingest.generator.prose.de` can elide and contract them (``de l'``, ``du``, ``d'un``).
CTIS areas use the MeSH-tree wording of the exports. Drug names are built from syllables and
match no real product. MedDRA codes are synthetic (10090101 on, in table order): the real
terminology is licensed; only the French wording of the labels is realistic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

MEDDRA_TOPIC_FIRST: Final = 10_090_101
"""First synthetic LLT code given to a disease (below it the table keeps its filler labels)."""


@dataclass(frozen=True, slots=True)
class Disease:
    """One condition: French and English wordings (variants) and its French MedDRA labels."""

    key: str
    fr: tuple[str, ...]
    en: tuple[str, ...]
    meddra: tuple[str, ...]
    codes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Topic:
    """A therapeutic area in RIPH (French) and CTIS (MeSH-tree) wording, with its diseases,
    the devices, diagnostic tests and non-drug interventions that fit it, and endpoints."""

    riph_area: str
    ctis_area: str
    diseases: tuple[Disease, ...]
    devices: tuple[str, ...]
    tests: tuple[str, ...]
    interventions: tuple[str, ...]
    endpoints_fr: tuple[str, ...]
    endpoints_en: tuple[str, ...]


def _load(path: Path) -> tuple[Topic, ...]:
    """The topics of ``path``, each disease given its synthetic LLT codes, one per French label,
    in file order from :data:`MEDDRA_TOPIC_FIRST`."""
    code = MEDDRA_TOPIC_FIRST
    topics = []
    for raw in json.loads(path.read_text("utf-8")):
        diseases = []
        for d in raw["diseases"]:
            codes = tuple(str(code + i) for i in range(len(d["meddra"])))
            code += len(d["meddra"])
            diseases.append(
                Disease(d["key"], tuple(d["fr"]), tuple(d["en"]), tuple(d["meddra"]), codes)
            )
        topics.append(
            Topic(
                raw["riph_area"],
                raw["ctis_area"],
                tuple(diseases),
                *(tuple(raw[k]) for k in _LISTS),
            )
        )
    return tuple(topics)


_LISTS: Final = ("devices", "tests", "interventions", "endpoints_fr", "endpoints_en")
TOPICS_FILE: Final = Path(__file__).resolve().parents[1] / "data" / "topics.json"
TOPICS: Final[tuple[Topic, ...]] = _load(TOPICS_FILE)
DISEASES: Final[dict[str, tuple[Topic, Disease]]] = {
    d.key: (t, d) for t in TOPICS for d in t.diseases
}
MEDDRA_LABELS: Final[dict[str, str]] = {
    c: label for t in TOPICS for d in t.diseases for c, label in zip(d.codes, d.meddra, strict=True)
}
"""The French LLT label of each topic code (the synthetic table's lines from 10090101)."""

# fmt: off
_DRUG_HEADS: Final = (
    "exa", "fic", "zor", "vel", "tam", "lum", "nor", "pra", "qui", "ser", "dal", "ren", "tor",
    "vab", "mir", "kol", "ubi", "ela", "ori", "zan",
)
# fmt: on
_DRUG_MIDS: Final = ("pli", "ti", "va", "ro", "ne", "ma", "li", "zu", "ci", "do")
# fmt: off
_DRUG_TAILS: Final = (
    "mab", "tinib", "stat", "glutide", "parin", "vir", "lukast", "gliflozin", "sertib", "cept",
    "tecan", "ciclib", "lisib", "tamab",
)
# fmt: on


def drug_name(index: int) -> str:
    """The ``index``-th synthetic INN-like name (``Examplumab`` style), stable by index."""
    head = _DRUG_HEADS[index % len(_DRUG_HEADS)]
    mid = _DRUG_MIDS[(index // len(_DRUG_HEADS)) % len(_DRUG_MIDS)]
    tail = _DRUG_TAILS[(index // (len(_DRUG_HEADS) * len(_DRUG_MIDS))) % len(_DRUG_TAILS)]
    return (head + mid + tail).capitalize()


DRUG_COUNT: Final = len(_DRUG_HEADS) * len(_DRUG_MIDS) * len(_DRUG_TAILS)
