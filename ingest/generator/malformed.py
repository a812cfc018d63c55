"""Bad records, each with the outcome the ingest must reach (RES-15, SRC-4).

Dead letters cannot become a study (no id, unknown regulation or ``etat``, not an object, an
id seen before: the later occurrence is the bad one). ``warning`` means the record is still a
good, published study: one optional field is unusable and is dropped, or tolerated and
normalised (``fr,de``, ``"false"``, ``Oui``, a straight apostrophe, null arrays); whether the
run summary then counts a warning is the mapping's choice. The reference crashed or guessed
on all of them; the tags let tests check that ours does neither.

Kinds are dealt over the files in a fixed rotation (:data:`ROTATION`), so a handful of bad
records already covers every kind and file; more records cycle through it again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Final, Literal

from ingest.generator.schema import ID_FIELD, FileKey

Expected = Literal["dead-letter", "warning"]


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    expected: Expected
    files: tuple[FileKey, ...]


_ALL: Final[tuple[FileKey, ...]] = ("ctis", "dm", "jarde")
KINDS: Final[tuple[Kind, ...]] = (
    Kind("missing-id", "dead-letter", _ALL),
    Kind("recruitment-date-not-iso", "warning", _ALL),
    Kind("unknown-regulation", "dead-letter", _ALL),
    Kind("garbled-countries", "warning", ("ctis",)),
    Kind("unknown-etat", "dead-letter", _ALL),
    Kind("unknown-phase", "warning", ("ctis",)),
    Kind("not-an-object", "dead-letter", _ALL),
    Kind("history-item-letter", "warning", _ALL),
    Kind("duplicate-id-in-file", "dead-letter", _ALL),
    Kind("null-arrays", "warning", _ALL),
    Kind("duplicate-id-across-files", "dead-letter", ("jarde",)),
    Kind("unknown-gender", "warning", _ALL),
    Kind("string-vulnerable-flag", "warning", ("dm", "jarde")),
    Kind("precision-oui", "warning", ("ctis",)),
    Kind("precision-straight-apostrophe", "warning", ("jarde",)),
)
KIND_BY_NAME: Final = {kind.name: kind for kind in KINDS}
DUPLICATES: Final = frozenset({"duplicate-id-in-file", "duplicate-id-across-files"})


def _rotation() -> tuple[tuple[Kind, FileKey], ...]:
    """Every (kind, file) pair once; consecutive entries change kind and, mostly, file."""
    pairs: list[tuple[Kind, FileKey]] = []
    for turn in range(len(_ALL)):
        for position, kind in enumerate(KINDS):
            if turn < len(kind.files):
                pairs.append((kind, kind.files[(turn + position) % len(kind.files)]))
    return tuple(pairs)


ROTATION: Final = _rotation()

UNKNOWN_REGULATIONS: Final = ("REG537", "REG999", "RIPH", "EU-CTR", "JARDE2")
UNKNOWN_ETATS: Final = ("EN_ATTENTE", "BROUILLON", "VALIDEE", "INCONNU", "EN_INSTRUCTION")
GARBLED_COUNTRIES: Final = ("EL, XK", "fr,de", "FR, EL", "FR, XK, DE", "fr,de,it")
UNKNOWN_PHASES: Final = ("Not applicable", "N/A", "Phase 0", "Non applicable", "To be determined")
"""Texts no phase rule recognises. (``Phase 2`` is recognised as phase II by this repo's
mapping, so it is not an *unknown* phase here.)"""
LETTER_ITEMS: Final = ("Date inconnue:En cours", "NA:Terminée", "Inconnue:À démarrer")
BAD_GENDERS: Final[dict[FileKey, tuple[str, ...]]] = {
    "ctis": ("Male,Female,Diverse", "Unspecified"),
    "dm": ("Homme,Femme,Non précisé", "Indéterminé"),
    "jarde": ("Homme,Femme,Non précisé", "Indéterminé"),
}
STRAIGHT_DEROGATION: Final = "Dérogation à l'obligation d'information"


def kind_for(index: int) -> tuple[Kind, FileKey]:
    """The kind and file of the ``index``-th bad record of a run."""
    return ROTATION[index % len(ROTATION)]


def _not_object(rng: random.Random, variant: int, record_id: str | None) -> Any:
    """A JSON string, number, array or boolean where an object belongs."""
    choices: tuple[Any, ...] = (record_id or "record", rng.randint(1, 99_999), [record_id], True)
    return choices[variant % len(choices)]


def corrupt(
    kind: Kind,
    record: dict[str, Any],
    file: FileKey,
    rng: random.Random,
    variant: int,
    original_id: str | None = None,
) -> Any:
    """The bad element of ``kind`` made from a good ``record`` (modified in place if an object)."""
    id_field = ID_FIELD[file]
    name = kind.name
    if name == "missing-id":
        if variant % 3 == 2:
            del record[id_field]
        else:
            record[id_field] = None if variant % 3 == 0 else ""
    elif name == "unknown-regulation":
        record["reglementation_code"] = rng.choice(UNKNOWN_REGULATIONS)
    elif name == "unknown-etat":
        record["etat"] = rng.choice(UNKNOWN_ETATS)
    elif name == "not-an-object":
        return _not_object(rng, variant, record.get(id_field))
    elif name in DUPLICATES:
        record[id_field] = original_id
    elif name == "recruitment-date-not-iso":
        record["date_debut_recrutement"] = (
            f"{rng.randint(13, 28)}/{rng.randint(1, 12):02d}/{rng.randint(2019, 2025)}"
        )
    elif name == "garbled-countries":
        record["pays_concernes"] = rng.choice(GARBLED_COUNTRIES)
    elif name == "unknown-phase":
        record["phase_recherche"] = rng.choice(UNKNOWN_PHASES)
    elif name == "history-item-letter":
        items = (
            record["historique"].split(", ") if record["historique"] else ["2023-01-16:À démarrer"]
        )
        items.insert(rng.randint(0, len(items)), rng.choice(LETTER_ITEMS))
        record["historique"] = ", ".join(items)
    elif name == "null-arrays":
        keys = ("criteres_eligibilite", "criteres_jugement", "sites_investigateurs")
        for key in keys if variant % 4 == 0 else keys[variant % 4 - 1 : variant % 4]:
            record[key] = None
    elif name == "unknown-gender":
        record["sexe" if file == "ctis" else "participants_sexe"] = rng.choice(BAD_GENDERS[file])
    elif name == "string-vulnerable-flag":
        record["participants_population_vulnerable"] = rng.choice(("false", "true"))
    elif name == "precision-oui":
        record["intervention_faible"] = rng.choice(("Oui", "Non"))
    elif name == "precision-straight-apostrophe":
        record["qualification_recherche"] = STRAIGHT_DEROGATION
    else:  # pragma: no cover - KINDS and this function are kept in step
        raise ValueError(f"unknown malformation {name!r}")
    return record


def tag(file_name: str, index: int, record_id: str | None, kind: Kind) -> dict[str, Any]:
    """One line of ``malformed_tags.ndjson``."""
    return {
        "file": file_name,
        "index": index,
        "id": record_id,
        "expected": kind.expected,
        "kind": kind.name,
    }
