"""The three export files and the exact key set of each (SRC-2).

Real records carry every key of their file, null where empty, so the generator starts every
record from :func:`blank` and fills what it knows; a consumer can never learn to rely on a key
being absent. Key order follows SRC-2 (common fields, then the file's own), which is also the order
the records are written in.
"""

from __future__ import annotations

from typing import Any, Final, Literal

Category = Literal["DM", "DMDIV", "CTIS", "JARDE"]
"""Statistics categories (DOC-6), one per ``reglementation_code``."""

FileKey = Literal["ctis", "dm", "jarde"]

CATEGORIES: Final[tuple[Category, ...]] = ("DM", "DMDIV", "CTIS", "JARDE")
REGULATION: Final[dict[Category, str]] = {
    "DM": "REG745",
    "DMDIV": "REG746",
    "CTIS": "REG536",
    "JARDE": "JARDE",
}
CATEGORIES_OF: Final[dict[FileKey, tuple[Category, ...]]] = {
    "ctis": ("CTIS",),
    "dm": ("DM", "DMDIV"),
    "jarde": ("JARDE",),
}
FILE_OF: Final[dict[Category, FileKey]] = {
    "DM": "dm",
    "DMDIV": "dm",
    "CTIS": "ctis",
    "JARDE": "jarde",
}

FILE_KEYS: Final[tuple[FileKey, ...]] = ("ctis", "dm", "jarde")
"""Write order = the order the daily job reads them in (CTIS, DM/DM-DIV, JARDE)."""
FILE_NAMES: Final[dict[FileKey, str]] = {
    "ctis": "export_eclaire_ctis.json",
    "dm": "export_eclaire_dm-dmdiv.json",
    "jarde": "export_eclaire_jarde.json",
}
ID_FIELD: Final[dict[FileKey, str]] = {
    "ctis": "numero_ctis",
    "dm": "numero_national",
    "jarde": "numero_national",
}

COMMON_KEYS: Final[tuple[str, ...]] = (
    "reglementation_code",
    "etat",
    "publication_eclaire",
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
    "participants_sexe",
    "participants_tranches_age",
    "participants_groupe_sujets",
    "participants_population_vulnerable",
    "criteres_eligibilite",
    "criteres_jugement",
    "sites_investigateurs",
)
"""SRC-2.1: in all three exports."""

CTIS_KEYS: Final[tuple[str, ...]] = (
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
    "portee_recherche",
    "description_urgence",
    "date_fin_etude",
    "etude_id",
)
"""SRC-2.2: CTIS only."""

_PARTY_SUFFIXES: Final = (
    "nom",
    "prenom",
    "email",
    "organisme",
    "adresse",
    "siret",
    "code_postal",
    "ville",
    "pays",
)
RIPH_KEYS: Final[tuple[str, ...]] = (
    "numero_national",
    "numero",
    "titre_recherche",
    "deposant_organisme",
    "deposant_nom",
    "deposant_prenom",
    "deposant_courriel",
    "deposant_adresse",
    "deposant_code_postal",
    "deposant_ville",
    "deposant_pays",
    "deposant_siret",
    "is_mandataire",
    *(f"promoteur_{suffix}" for suffix in _PARTY_SUFFIXES),
    *(f"mandataire_{suffix}" for suffix in _PARTY_SUFFIXES),
    "investigateur",
    "caracteristiques_recherche",
    "recherche_ancillaire_ou_extension",
    "date_soumission",
    "date_creation_etude",
    "date_previsionnelle_fin_etude",
)
"""SRC-2.3: DM/DM-DIV and JARDE."""

DM_KEYS: Final[tuple[str, ...]] = ("qualification", "deposant_promoteur")
JARDE_KEYS: Final[tuple[str, ...]] = ("qualification_recherche", "competences", "type_promoteur")

CTIS_SITE_KEYS: Final[tuple[str, ...]] = (
    "organisme",
    "adresse",
    "service",
    "ville",
    "code_postal",
    "titre",
    "nom",
    "prenom",
    "courriel",
    "telephone",
)
RIPH_SITE_KEYS: Final[tuple[str, ...]] = (
    "organisme",
    "adresse",
    "service",
    "ville",
    "code_postal",
    "titre_investigateur",
    "nom",
    "prenom",
    "courriel",
    "telephone",
)

SCHEMA: Final[dict[FileKey, tuple[str, ...]]] = {
    "ctis": (*COMMON_KEYS[:3], CTIS_KEYS[0], *COMMON_KEYS[3:], *CTIS_KEYS[1:]),
    "dm": (*COMMON_KEYS[:3], RIPH_KEYS[0], *COMMON_KEYS[3:], *RIPH_KEYS[1:], *DM_KEYS),
    "jarde": (*COMMON_KEYS[:3], RIPH_KEYS[0], *COMMON_KEYS[3:], *RIPH_KEYS[1:], *JARDE_KEYS),
}
"""Every key of each file in write order; the primary number right after the gate fields."""

SITE_KEYS: Final[dict[FileKey, tuple[str, ...]]] = {
    "ctis": CTIS_SITE_KEYS,
    "dm": RIPH_SITE_KEYS,
    "jarde": RIPH_SITE_KEYS,
}


def blank(file: FileKey) -> dict[str, Any]:
    """A record of ``file`` with every key present and null (arrays empty)."""
    record: dict[str, Any] = dict.fromkeys(SCHEMA[file])
    record["criteres_eligibilite"] = []
    record["criteres_jugement"] = []
    record["sites_investigateurs"] = []
    return record


def blank_site(file: FileKey) -> dict[str, Any]:
    """The all-null placeholder site real exports often contain."""
    return dict.fromkeys(SITE_KEYS[file])
