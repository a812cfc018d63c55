"""Source fields that no element and no reference narrative row carries, kept in the narrative.

Rulings RES-11 store the raw source once, as the ResearchStudy narrative. The reference's row list
(MAP-22) predates some export fields (DM/JARDE ``date_soumission``, ``numero``,
``is_mandataire``, ``investigateur``…; CTIS ``date_fin_etude``, ``portee_recherche``,
``etude_id``…), so those were read and then lost (issue 13). Every key of a record that is not
in :data:`LANDED` for its source, and is not null, becomes one more ``key: value`` row, in the
record's own order; ``tests/ingest/test_mapping_source_fields.py`` checks, key by key of each
export's schema, that a value lands somewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import orjson

from ingest.sources.text import clean

_COMMON: Final = frozenset(
    {
        "reglementation_code",
        "etat",
        "publication_eclaire",  # the publication gate: only published studies exist (RES-1)
        "statut_recrutement",
        "date_debut_recrutement",
        "date_fin_recrutement",
        "historique",
        "dates_avis_favorable_ms_mns",
        "domaine_therapeutique",
        "taille_etude",
        "objectifs",
        "resume",
        "duree_participation",
        "numero_nct",
        "numero_isrctn",
        "numero_utn",
        "numero_libre",
        "contact_public_nom",
        "contact_public_prenom",
        "contact_public_courriel",
        "contact_public_telephone",
        "criteres_eligibilite",
        "criteres_jugement",
        "sites_investigateurs",
    }
)
_PARTICIPANTS: Final = frozenset(
    {
        "participants_sexe",
        "participants_tranches_age",
        "participants_groupe_sujets",
        "participants_population_vulnerable",
    }
)
_RIPH: Final = (
    _COMMON
    | _PARTICIPANTS
    | {
        "numero_national",
        "titre_recherche",
        "deposant_organisme",
        "deposant_nom",
        "deposant_prenom",
        "deposant_courriel",
        "deposant_adresse",
        "deposant_code_postal",
        "deposant_ville",
        "deposant_pays",
    }
)
LANDED: Final[dict[str, frozenset[str]]] = {
    "ctis": _COMMON
    | {
        "numero_ctis",
        "titre",
        "intervention_faible",
        "phase_recherche",
        "pathologies_maladies_rares",
        "informations_meddra",
        "tranches_age",
        "sexe",
        "groupes_sujet",
        "population_recrutement",
        "pays_concernes",
        "organisme_nom",
        "organisme_adresse",
        "organisme_code_postal",
        "organisme_ville",
        "organisme_pays",
        "contact_nom",
        "contact_prenom",
        "contact_telephone",
        "contact_courriel",
    },
    "dm": _RIPH | {"qualification"},
    "jarde": _RIPH | {"qualification_recherche", "competences"},
}
"""Per source, the keys an element or a reference narrative row already carries."""


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return orjson.dumps(value).decode() if value else None
    return clean(value)


def extra_rows(record: Mapping[str, Any], source: str) -> list[tuple[str, str | None]]:
    """``(key, text)`` for each non-null field of ``record`` nothing else carries."""
    landed = LANDED.get(source, frozenset())
    return [(key, _text(value)) for key, value in record.items() if key not in landed]
